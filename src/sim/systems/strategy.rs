//! Step 9 of the month: each start-up lab under pressure weighs its future
//! (docs/model-v2.md §7). A lab that is short of runway, cutting costs, or
//! whose own model has fallen below the open-weight floor compares, by
//! expected value, continuing (funded with the chance its next pitch
//! succeeds, else liquidated), pivoting to applications on others' models,
//! handing its team to a giant with vacancies, selling itself, and closing;
//! a Gumbel draw per option makes the choice a logit, so similar labs do
//! not move in lockstep. A pivot happens here (the firm stays, as an
//! application company, and leaves the model market); a sale, a closure
//! or a team transfer is carried out by `acquire_and_exit`.

use super::acquisitions::bid_probability;
use super::chips::book_value;
use super::params::{Bookkeeping, Context, Counterparties};
use crate::sim::components::*;
use crate::sim::econ::valuation::{Choice, choose, funding_probability, gumbel};
use crate::sim::output::Payload;
use crate::sim::resources::*;
use crate::world::{InvestorKind, Tier};
use bevy_ecs::prelude::*;
use rand::RngExt;

/// What the choice reads and what a pivot changes.
type LabItem<'a> = (
    Entity,
    &'a Firm,
    &'a Profile,
    &'a mut Treasury,
    &'a Debts,
    &'a Equity,
    &'a mut Compute,
    &'a mut Workforce,
    &'a Capability,
    &'a mut Sales,
    &'a mut Role,
    &'a mut Plan,
);

/// The value of each option, USD M (`None`: not open this month), in the
/// order of [`Choice`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    pub continue_musd: f64,
    pub pivot_musd: f64,
    pub team_musd: Option<f64>,
    pub sell_musd: f64,
    pub close_musd: f64,
}

impl Options {
    /// The options as `choose` takes them.
    pub fn list(&self) -> [(Choice, Option<f64>); 5] {
        [
            (Choice::Continue, Some(self.continue_musd)),
            (Choice::Pivot, Some(self.pivot_musd)),
            (Choice::TeamTransfer, self.team_musd),
            (Choice::Sell, Some(self.sell_musd)),
            (Choice::Close, Some(self.close_musd)),
        ]
    }
}

/// The values of a lab's options, USD M, from its value as a going concern
/// `going` (fundamentals, net cash included), its liquidation value `l`
/// (net cash plus its chips at the resale haircut), the chance `p_fund` that
/// it raises when it next pitches, the chance `p_bid` that a buyer looks at
/// it, what it would earn as an application company (`app_value`) and what
/// a giant would pay for its team (`team_bonus`, when a giant is hiring):
/// continue `p_fund · going + (1 − p_fund) · l`; pivot `app_value + l`;
/// team `team_bonus + l`; sell `p_bid · max(going, l) + (1 − p_bid) · l`;
/// close `l`.
pub fn option_values(
    going: f64,
    l: f64,
    p_fund: f64,
    p_bid: f64,
    app_value: f64,
    team_bonus: Option<f64>,
) -> Options {
    let p = p_fund.clamp(0.0, 1.0);
    let b = p_bid.clamp(0.0, 1.0);
    Options {
        continue_musd: p * going + (1.0 - p) * l,
        pivot_musd: app_value.max(0.0) + l,
        team_musd: team_bonus.map(|t| t.max(0.0) + l),
        sell_musd: b * going.max(l) + (1.0 - b) * l,
        close_musd: l,
    }
}

/// Each start-up lab under pressure chooses; pivots happen at once.
pub fn choose_strategy(
    ctx: Context,
    bk: Bookkeeping,
    to: Counterparties,
    mut rng: ResMut<SimRng>,
    suppliers: Res<Suppliers>,
    open: Res<OpenFloor>,
    mut firms: Query<LabItem, With<Active>>,
) {
    let Context { clock, params, roster, active } = ctx;
    let Bookkeeping { mut books, mut stats, mut out } = bk;
    let Counterparties { mut pools, investors } = to;
    let w = &params.0;
    let (f, x) = (&w.funding, &w.exits);
    let tick = clock.tick;
    let rng = &mut rng.0;
    let wages: Vec<f64> = pools.iter().map(|p| p.wage_musd).collect();

    // the market's view: frontier, revenue reference, giants that hire
    let mut frontier: f64 = 0.0;
    let mut frontier_bench: f64 = 0.0;
    let mut revenues = Vec::new();
    let mut hiring: Option<(u64, u32, Entity)> = None; // (vacancies, id, giant)
    for (e, firm, profile, .., wf, cap, sales, role, _) in firms.iter_many(&active.0).flatten() {
        if *role == Role::Lab {
            frontier = frontier.max(cap.value);
            frontier_bench = frontier_bench.max(cap.benchmark);
        }
        if sales.revenue_musd > 0.0 {
            revenues.push(sales.revenue_musd);
        }
        if profile.tier == Tier::Giant
            && hiring.is_none_or(|(v, id, _)| wf.vacancies > v || (wf.vacancies == v && firm.id < id))
        {
            hiring = Some((wf.vacancies, firm.id, e));
        }
    }
    revenues.sort_by(|a, b| a.total_cmp(b));
    let revenue_ref = revenues.get(revenues.len() / 2).copied().unwrap_or(0.0);
    let equity_investors: Vec<_> = investors.iter().filter(|i| i.kind != InvestorKind::Lender).collect();
    let k = equity_investors.len().max(1) as f64;
    let trust = equity_investors.iter().map(|i| i.leaderboard_trust).sum::<f64>() / k;
    let appetite = equity_investors.iter().map(|i| i.risk_appetite).sum::<f64>() / k;
    let bar = (1.0 - appetite * stats.climate).clamp(0.0, 1.0);

    let mut walk = firms.iter_many_mut(&active.0);
    while let Some(item) = walk.fetch_next() {
        let Ok((
            _,
            firm,
            profile,
            mut treasury,
            debts,
            equity,
            mut compute,
            mut wf,
            cap,
            mut sales,
            mut role,
            mut plan,
        )) = item
        else {
            continue;
        };
        *plan = Plan::Continue;
        let parent_funded = profile.core_cash_flow_musd > 0.0;
        if profile.tier == Tier::Giant || parent_funded || *role != Role::Lab {
            continue;
        }
        let below_floor = cap.value <= open.floor;
        let short = treasury.runway_months() < f.pitch_runway_months;
        if !(short || treasury.cost_cut || below_floor) {
            continue;
        }
        let book = compute.book_at(tick, w.chips.lifetime_months);
        let net_cash = treasury.cash_musd - debts.debt_musd();
        let liquidation = net_cash + book * w.chips.resale_haircut;
        let gap = (frontier - cap.value).max(0.0);
        let standing = if below_floor { 0.0 } else { (-f.option_decay * gap).exp() };
        let traction = if sales.revenue_musd > 0.0 && revenue_ref > 0.0 {
            sales.revenue_musd / (sales.revenue_musd + revenue_ref)
        } else {
            0.0
        };
        let score = trust * standing + (1.0 - trust) * traction;
        let p_one = funding_probability(score, bar, f.judgement_noise);
        let p_fund = 1.0 - (1.0 - p_one).powi(f.investors_per_pitch as i32);
        let team: u32 = wf.total();
        let kept: u32 = wf.by_pool.iter().map(|n| (*n as f64 * x.app_staff_share).round() as u32).sum();
        let app_value = x.app_revenue_multiple * 12.0 * x.app_revenue_musd_per_researcher * kept as f64;
        let bill: f64 = wf.by_pool.iter().zip(&wages).map(|(n, w)| *n as f64 * w).sum();
        // a giant takes a team only if there is one, and it has room for half of it
        let team_bonus = hiring
            .filter(|(v, ..)| team > 0 && *v as f64 >= team as f64 / 2.0)
            .map(|_| x.acquihire_bonus_months * bill);
        // below the floor its own base model is worth nothing: what it earns
        // serving the open model it keeps as an application company too, so
        // continuing to pre-train is worth no more than its liquidation value
        let going = if below_floor { liquidation.min(equity.valuation_musd) } else { equity.valuation_musd };
        let options = option_values(
            going,
            liquidation,
            p_fund,
            bid_probability(cap.benchmark, frontier_bench),
            app_value,
            team_bonus,
        );
        let draws: Vec<f64> = (0..5).map(|_| gumbel(rng.random::<f64>())).collect();
        let scale = x.choice_noise * options.continue_musd.abs().max(1.0);
        match choose(&options.list(), &draws, scale) {
            Choice::Continue => {}
            Choice::Sell => *plan = Plan::Sell,
            Choice::Close => *plan = Plan::Close,
            Choice::TeamTransfer => {
                if let Some((.., giant)) = hiring {
                    *plan = Plan::TeamTransfer(giant);
                }
            }
            Choice::Pivot => {
                // sell the chips, keep a share of the team, leave the model market
                let held = compute.total_units();
                let lots = compute.take(None, held);
                let proceeds = book_value(&lots, tick, w.chips.lifetime_months) * w.chips.resale_haircut;
                books.add(Flow::ChipResale, proceeds);
                books.chips_sold += held;
                treasury.cash_musd += proceeds;
                compute.refresh(suppliers.pflops_per_unit(), tick, w.chips.lifetime_months);
                let mut laid_off = 0u64;
                for (n, pool) in wf.by_pool.iter_mut().zip(pools.iter_mut()) {
                    let keep = (*n as f64 * x.app_staff_share).round() as u32;
                    pool.free += (*n - keep) as u64;
                    laid_off += (*n - keep) as u64;
                    *n = keep;
                }
                sales.share = 0.0;
                sales.volume_ttok = 0.0;
                *role = Role::App;
                treasury.cost_cut = false;
                stats.pivots += 1;
                let name = &roster.firm_names[firm.id as usize];
                out.event(
                    tick,
                    name,
                    "",
                    kept as u64,
                    proceeds,
                    Payload::Pivot { kept: kept as u64, laid_off, chips_sold: held },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lab_below_the_floor_prefers_a_pivot_to_fading_away() {
        // its model is worth nothing: going concern = net cash (10); chips
        // resell for 5; application work is worth 20
        let o = option_values(10.0, 15.0, 0.5, 0.1, 20.0, None);
        assert_eq!(choose(&o.list(), &[0.0; 5], 0.0), Choice::Pivot);
        assert!((o.continue_musd - 12.5).abs() < 1e-12);
        assert_eq!(o.close_musd, 15.0);
    }

    #[test]
    fn a_strong_lab_continues_and_a_likely_buyer_means_a_sale() {
        let strong = option_values(900.0, 50.0, 0.9, 0.2, 20.0, Some(10.0));
        assert_eq!(choose(&strong.list(), &[0.0; 5], 0.0), Choice::Continue);
        // unfundable but attractive to buyers
        let sale = option_values(900.0, 50.0, 0.05, 0.6, 20.0, Some(10.0));
        assert_eq!(choose(&sale.list(), &[0.0; 5], 0.0), Choice::Sell);
        // no buyer, no funding, a giant hiring: the team goes
        let team = option_values(100.0, 50.0, 0.0, 0.0, 5.0, Some(30.0));
        assert_eq!(choose(&team.list(), &[0.0; 5], 0.0), Choice::TeamTransfer);
    }
}
