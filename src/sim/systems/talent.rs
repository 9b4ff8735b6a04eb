//! Step 4 of the month: the labour market for researchers
//! (docs/model-v2.md §4). Each firm's need for researchers follows the
//! compute it holds and has on order (researchers per PFLOP/s, falling as
//! tooling improves), bounded by the wage bill it can carry; vacancies are
//! need minus staff, and a firm far above its need lays people off. Job
//! seekers — the free pool and employees looking around (more at weak
//! payers) — meet vacancies through a matching function; matches go to
//! firms by vacancies weighted by their offers; wages follow the
//! vacancy/seeker ratio; pools grow. Stocks and flows stay consistent:
//! every hire leaves a firm or the free pool, every layoff joins it.

use super::params::Context;
use crate::sim::components::*;
use crate::sim::econ::labour::{allocate_capped, matches, wage_update};
use crate::sim::formulas::{leave_probability, offer_multiple, pro_rata};
use crate::sim::output::Payload;
use crate::sim::resources::*;
use bevy_ecs::prelude::*;
use rand_distr::{Binomial, Distribution, Normal};
use std::collections::BTreeMap;

/// A firm's hiring plan for the month, per pool: `(layoffs, vacancies)`.
///
/// Its need is enough effective researchers for the compute it holds and
/// has on order, `need_eff = (C + C_on_order) · r_t` (r_t researchers per
/// PFLOP/s, falling as tooling improves), split over pools by its current
/// mix (an even mix for a firm with nobody). Vacancies are need minus
/// staff, cut down so the wage bill after hiring fits what it can pay
/// (`afford`, USD M/month). It lays people off only when the wage bill of
/// its current staff exceeds `(1 + slack) · afford` — after a cost cut or a
/// pivot — and then down to `afford`.
pub fn plan_workforce(
    need_eff: f64,
    staff: &[u32],
    productivity: &[f64],
    wages: &[f64],
    offer: f64,
    afford_musd: f64,
    slack: f64,
) -> ([u32; MAX_POOLS], [u64; MAX_POOLS]) {
    // fixed arrays, not vectors: this runs for every firm every month
    let n = staff.len().min(MAX_POOLS);
    let staff = &staff[..n];
    let total: u32 = staff.iter().sum();
    let mut mix = [0.0f64; MAX_POOLS];
    for (m, k) in mix.iter_mut().zip(staff) {
        *m = if total == 0 { 1.0 / n.max(1) as f64 } else { *k as f64 / total as f64 };
    }
    let mix = &mix[..n];
    let eff_per_head: f64 = mix.iter().zip(productivity).map(|(m, p)| m * p).sum();
    let heads = if eff_per_head > 0.0 { need_eff.max(0.0) / eff_per_head } else { 0.0 };
    let afford = afford_musd.max(0.0);
    let cost = |k: &[f64]| -> f64 { k.iter().zip(wages).map(|(k, w)| k * w * offer).sum() };
    let mut have = [0.0f64; MAX_POOLS];
    for (h, k) in have.iter_mut().zip(staff) {
        *h = *k as f64;
    }
    let have = &have[..n];
    let bill = cost(have);
    let mut layoffs = [0u32; MAX_POOLS];
    let mut kept = [0.0f64; MAX_POOLS];
    kept[..n].copy_from_slice(have);
    if bill > (1.0 + slack.max(0.0)) * afford && bill > 0.0 {
        let scale = afford / bill;
        for p in 0..n {
            let keep = (have[p] * scale).floor();
            layoffs[p] = (have[p] - keep) as u32;
            kept[p] = keep;
        }
    }
    let mut open = [0.0f64; MAX_POOLS];
    for p in 0..n {
        open[p] = (heads * mix[p] - kept[p]).max(0.0);
    }
    let room = (afford - cost(&kept[..n])).max(0.0);
    let ask = cost(&open[..n]);
    if ask > room && ask > 0.0 {
        let scale = room / ask;
        open[..n].iter_mut().for_each(|v| *v *= scale);
    }
    let mut whole = [0u64; MAX_POOLS];
    for p in 0..n {
        whole[p] = open[p].floor() as u64;
    }
    (layoffs, whole)
}

/// What the labour market reads of a firm, and its workforce.
type Employer<'a> =
    (Entity, &'a Firm, &'a Profile, &'a Treasury, &'a Compute, &'a ChipOrders, &'a Sales, &'a mut Workforce);

/// The labour market for one month.
pub fn match_talent(
    ctx: Context,
    mut rng: ResMut<SimRng>,
    mut books: ResMut<Books>,
    mut out: ResMut<Output>,
    mut pools: ResMut<Pools>,
    mut firms: Query<Employer, With<Active>>,
) {
    let Context { clock, params, roster, active } = ctx;
    let w = &params.0;
    let (t, fin) = (&w.talent, &w.finance);
    let rng = &mut rng.0;
    let n_pools = pools.len();
    let wages: Vec<f64> = pools.iter().map(|p| p.wage_musd).collect();
    let productivity: Vec<f64> = pools.iter().map(|p| p.productivity).collect();
    let noise = Normal::new(0.0, t.offer_noise.max(0.0)).ok();
    let per_researcher = fin.compute_per_researcher_pflops
        * (fin.compute_per_researcher_growth_monthly * clock.tick as f64).exp();

    // offers, needs, layoffs
    let n = active.0.len();
    let mut offers = Vec::with_capacity(n);
    let mut seen_offers = Vec::with_capacity(n);
    let mut vacancies: Vec<Vec<u64>> = vec![Vec::with_capacity(n); n_pools];
    let mut ids = Vec::with_capacity(n);
    let mut entities = Vec::with_capacity(n);
    let mut staff: Vec<u32> = Vec::with_capacity(n * n_pools);
    let mut laid_off = vec![0u64; n_pools];
    let mut walk = firms.iter_many_mut(&active.0);
    while let Some(item) = walk.fetch_next() {
        let Ok((e, firm, profile, treasury, compute, orders, sales, mut wf)) = item else { continue };
        // the offer it pays (its payroll) and the offer seekers see (noisy)
        let offer = offer_multiple(treasury.runway_months());
        let eps = noise.as_ref().map(|d| d.sample(rng)).unwrap_or(0.0);
        wf.offer = offer;
        offers.push(offer);
        seen_offers.push(offer * eps.exp());
        ids.push(firm.id);
        entities.push(e);
        // what it can pay each month: income, and a slice of its cash unless
        // it is cutting costs after a failed round
        let drawdown =
            if treasury.cost_cut { 0.0 } else { treasury.cash_musd.max(0.0) / (fin.reserve_months + 12.0) };
        let afford = drawdown + profile.core_cash_flow_musd.max(0.0) + sales.revenue_musd;
        let need_eff = (compute.pflops + orders.on_order_pflops()) / per_researcher;
        let (layoffs, open) = plan_workforce(
            need_eff,
            &wf.by_pool[..n_pools],
            &productivity,
            &wages,
            offer,
            afford,
            t.layoff_slack,
        );
        for p in 0..n_pools {
            wf.by_pool[p] -= layoffs[p];
            laid_off[p] += layoffs[p] as u64;
            vacancies[p].push(open[p]);
        }
        wf.vacancies = open.iter().sum();
        staff.extend_from_slice(&wf.by_pool[..n_pools]);
    }
    let n = offers.len();
    let mean_offer = if n > 0 { offers.iter().sum::<f64>() / n as f64 } else { 1.0 };
    let weights: Vec<f64> = seen_offers.iter().map(|o| (t.wage_sensitivity * o.ln()).exp()).collect();

    // employees looking around: more at weak payers (the mean is over all active firms)
    let mut searchers: Vec<Vec<u64>> = vec![vec![0; n]; n_pools];
    for i in 0..n {
        let p_search =
            (t.churn_monthly * leave_probability(offers[i], mean_offer, t.wage_sensitivity)).clamp(0.0, 1.0);
        if p_search <= 0.0 {
            continue;
        }
        for (p, pool_searchers) in searchers.iter_mut().enumerate() {
            let k = staff[i * n_pools + p];
            if k > 0 {
                pool_searchers[i] = Binomial::new(k as u64, p_search).map(|b| b.sample(rng)).unwrap_or(0);
            }
        }
    }
    let ones = vec![1.0; n];

    let mut pairs: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    for p in 0..n_pools {
        let pool = &mut pools[p];
        pool.free += laid_off[p];
        let on_the_job: u64 = searchers[p].iter().sum();
        let seekers = pool.free + on_the_job;
        let open: u64 = vacancies[p].iter().sum();
        let m = matches(seekers as f64, open as f64, t.matching_efficiency, 0.5).floor() as u64;
        let hires = allocate_capped(m, &vacancies[p], &weights);
        let hired: u64 = hires.iter().sum();
        // hires come from the seekers in proportion: employed searchers and the free pool
        let moved =
            if seekers > 0 { (hired as f64 * on_the_job as f64 / seekers as f64).round() as u64 } else { 0 };
        let moved = moved.min(on_the_job).max(hired.saturating_sub(pool.free));
        let lost = pro_rata(&searchers[p], &ones, moved);
        let from_movers = pro_rata(&hires, &ones, moved);
        pool.free -= hired - moved;
        for (i, &e) in entities.iter().enumerate() {
            if hires[i] == 0 && lost[i] == 0 {
                continue;
            }
            let now = (staff[i * n_pools + p] as u64 + hires[i] - lost[i]) as u32;
            staff[i * n_pools + p] = now;
            if let Ok((.., mut wf)) = firms.get_mut(e) {
                wf.by_pool[p] = now;
            }
        }
        // pair origins and destinations in id order for the event log
        let (mut a, mut b) = (0usize, 0usize);
        let (mut left_a, mut left_b) = (0u64, 0u64);
        loop {
            while left_a == 0 && a < n {
                left_a = lost[a];
                if left_a == 0 {
                    a += 1;
                }
            }
            while left_b == 0 && b < n {
                left_b = from_movers[b];
                if left_b == 0 {
                    b += 1;
                }
            }
            if a >= n || b >= n {
                break;
            }
            let k = left_a.min(left_b);
            if ids[a] != ids[b] {
                *pairs.entry((ids[a], ids[b])).or_default() += k;
            }
            left_a -= k;
            left_b -= k;
            if left_a == 0 {
                a += 1;
            }
            if left_b == 0 {
                b += 1;
            }
        }
        pool.wage_musd = wage_update(
            pool.wage_musd,
            open as f64,
            seekers as f64,
            pool.wage_elasticity,
            t.normal_tightness,
            t.max_wage_change_monthly,
            t.max_wage_cut_monthly,
        )
        .max(t.outside_wage_share * pool.base_wage_musd);
        pool.vacancies = open;
        pool.seekers = seekers;
    }
    for ((from, to), k) in pairs {
        if k >= t.event_min_moves as u64 {
            out.event(
                clock.tick,
                &roster.firm_names[from as usize],
                &roster.firm_names[to as usize],
                k,
                0.0,
                Payload::TalentMove,
            );
        }
    }

    // pools grow (graduates, returnees)
    let mut employed = vec![0u64; n_pools];
    for firm in staff.chunks_exact(n_pools.max(1)) {
        for (sum, k) in employed.iter_mut().zip(firm) {
            *sum += *k as u64;
        }
    }
    for (pool, &staff) in pools.iter_mut().zip(&employed) {
        let size = (staff + pool.free) as f64;
        pool.growth_carry += size * pool.growth_yearly / 12.0;
        let whole = pool.growth_carry.floor().max(0.0);
        pool.growth_carry -= whole;
        pool.free += whole as u64;
        books.researchers_total += whole as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::plan_workforce;
    use crate::world::MAX_POOLS;

    #[test]
    fn vacancies_follow_compute_within_the_wage_bill() {
        // need 100 effective; mix 1:4, productivity 5:1 → 1.8 per head → 55.6 heads
        let (cut, open) = plan_workforce(100.0, &[10, 40], &[5.0, 1.0], &[0.03, 0.006], 1.0, 1e9, 0.25);
        assert_eq!(cut[..2], [0, 0]);
        assert_eq!(open[..2], [1, 4]); // 11.1 - 10, 44.4 - 40
        // the wage bill after hiring must fit: room for half the vacancies' cost
        let bill = 10.0 * 0.03 + 40.0 * 0.006;
        let (_, open) = plan_workforce(1000.0, &[10, 40], &[5.0, 1.0], &[0.03, 0.006], 1.0, bill + 0.5, 0.25);
        let cost = open[0] as f64 * 0.03 + open[1] as f64 * 0.006;
        assert!(cost <= 0.5 + 1e-9 && cost > 0.4, "{cost}");
        // overstaffed for its compute but affordable: nobody is laid off
        let (cut, open) = plan_workforce(1.0, &[10, 40], &[5.0, 1.0], &[0.03, 0.006], 1.0, 1.0, 0.25);
        assert_eq!((cut, open), ([0; MAX_POOLS], [0; MAX_POOLS]));
        // a bill far above what it can pay: layoffs down to it
        let (cut, _) = plan_workforce(100.0, &[10, 40], &[5.0, 1.0], &[0.03, 0.006], 1.0, bill / 2.0, 0.25);
        assert_eq!(cut[..2], [5, 20]);
    }
}
