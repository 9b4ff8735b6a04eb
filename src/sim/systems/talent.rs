//! Step 4 of the month: the market for researchers. Firms post wage offers
//! from their means; some researchers look around and leave weak payers;
//! pools (free researchers plus movers) are allocated to hiring firms by
//! offer; wages rise with tightness; pools grow.

use super::params::Context;
use crate::sim::components::*;
use crate::sim::formulas::{leave_probability, offer_multiple, pro_rata, wage_step};
use crate::sim::output::Payload;
use crate::sim::resources::*;
use bevy_ecs::prelude::*;
use rand_distr::{Binomial, Distribution, Normal};
use std::collections::BTreeMap;

/// Firms post wage offers (in id order, one random draw each), researchers
/// leave weak payers, pools are allocated to hiring firms by offer, wages
/// move with tightness and pools grow.
pub fn match_talent(
    ctx: Context,
    mut rng: ResMut<SimRng>,
    mut books: ResMut<Books>,
    mut out: ResMut<Output>,
    mut pools: ResMut<Pools>,
    mut firms: Query<(Entity, &Firm, &Treasury, &mut Workforce), With<Active>>,
) {
    let Context { clock, params, roster, active } = ctx;
    let t = &params.0.talent;
    let fin = &params.0.finance;
    let rng = &mut rng.0;
    let n_pools = pools.len();
    let wages: Vec<f64> = pools.iter().map(|p| p.wage_musd).collect();
    let noise = Normal::new(0.0, t.offer_noise.max(0.0)).ok();

    // offers and wants
    let n = active.0.len();
    let mut offers = Vec::with_capacity(n);
    let mut wants: Vec<Vec<u64>> = vec![Vec::with_capacity(n); n_pools];
    let mut ids = Vec::with_capacity(n);
    let mut entities = Vec::with_capacity(n);
    // each firm's staff per pool, copied once: [firm][pool] flattened
    let mut staff: Vec<u32> = Vec::with_capacity(n * n_pools);
    let mut walk = firms.iter_many_mut(&active.0);
    while let Some(item) = walk.fetch_next() {
        let Ok((e, firm, treasury, mut wf)) = item else { continue };
        let eps = noise.as_ref().map(|d| d.sample(rng)).unwrap_or(0.0);
        let offer = offer_multiple(treasury.runway_months()) * eps.exp();
        wf.offer = offer;
        offers.push(offer);
        ids.push(firm.id);
        entities.push(e);
        staff.extend_from_slice(&wf.by_pool[..n_pools]);
        let spendable = treasury.cash_musd - fin.reserve_months * treasury.burn_musd.max(0.0);
        let budget = (fin.capex_share_monthly * spendable).max(0.0);
        let total = wf.total().max(1) as f64;
        for p in 0..n_pools {
            let mix = if wf.total() == 0 { 1.0 / n_pools as f64 } else { wf.by_pool[p] as f64 / total };
            let cap = (wf.by_pool[p] as f64 * t.max_growth_monthly).ceil() + 1.0;
            let afford = budget * mix / (12.0 * wages[p] * offer);
            wants[p].push(cap.min(afford).floor().max(0.0) as u64);
        }
    }
    let n = offers.len();
    let mean_offer = if n > 0 { offers.iter().sum::<f64>() / n as f64 } else { 1.0 };
    let weights: Vec<f64> = offers.iter().map(|o| (t.wage_sensitivity * o.ln()).exp()).collect();

    // who looks around and would leave
    let mut leavers: Vec<Vec<u64>> = vec![vec![0; n]; n_pools];
    for i in 0..n {
        let p_leave =
            (t.churn_monthly * leave_probability(offers[i], mean_offer, t.wage_sensitivity)).clamp(0.0, 1.0);
        if p_leave <= 0.0 {
            continue;
        }
        for (p, pool_leavers) in leavers.iter_mut().enumerate() {
            let k = staff[i * n_pools + p];
            if k > 0 {
                pool_leavers[i] = Binomial::new(k as u64, p_leave).map(|b| b.sample(rng)).unwrap_or(0);
            }
        }
    }
    let ones = vec![1.0; n];

    let mut pairs: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    for p in 0..n_pools {
        let pool = &mut pools[p];
        let movers: u64 = leavers[p].iter().sum();
        let avail = pool.free + movers;
        let demand: u64 = wants[p].iter().sum();
        let hires = pro_rata(&wants[p], &weights, avail);
        let hired: u64 = hires.iter().sum();
        let moved = hired.min(movers);
        let lost = pro_rata(&leavers[p], &ones, moved);
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
        pool.wage_musd = wage_step(pool.wage_musd, demand as f64, avail as f64, pool.wage_elasticity);
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
