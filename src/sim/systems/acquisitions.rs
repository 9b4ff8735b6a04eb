//! Step 9 of the month: distressed startups are sold to the best of the
//! richest bidders (value of chips, researchers, users and cash net of debt,
//! plus a premium), subject to optional antitrust review; an insolvent firm
//! nobody buys exits: chips sold at a haircut, loans repaid from the
//! proceeds as far as they go, researchers back to the pools.

use super::chips::{book_value, refund_order};
use super::funding::pay_investors;
use super::params::{Bookkeeping, Context, Counterparties, Refund};
use crate::sim::components::*;
use crate::sim::output::{CancelReason, LoanLoss, Payload, Repayment};
use crate::sim::resources::*;
use crate::world::Tier;
use bevy_ecs::prelude::*;
use rand::RngExt;
use std::collections::HashSet;

/// Everything of a firm that a deal or an exit touches.
type FirmItem<'a> = (
    &'a Firm,
    &'a Profile,
    &'a mut Status,
    &'a mut Treasury,
    &'a mut Debts,
    &'a mut Equity,
    &'a mut Compute,
    &'a mut ChipOrders,
    &'a mut Workforce,
    &'a mut Sales,
    &'a mut Capability,
    Entity,
    &'a mut Plan,
);

/// Distressed startups (in id order) are sold to the best bid or, when
/// insolvent and unsold, exit; both leave the market (`Active` removed).
pub fn acquire_and_exit(
    ctx: Context,
    bk: Bookkeeping,
    mut rng: ResMut<SimRng>,
    suppliers: Res<Suppliers>,
    to: Counterparties,
    mut firms: Query<FirmItem, With<Active>>,
    mut commands: Commands,
) {
    let Context { clock, params, roster, active } = ctx;
    let Bookkeeping { mut books, mut stats, mut out } = bk;
    let Counterparties { mut pools, mut investors } = to;
    let w = &params.0;
    let a = &w.acquisitions;
    let fin = &w.finance;
    let tick = clock.tick;
    let rng = &mut rng.0;
    let ppu = suppliers.pflops_per_unit();

    let mut distressed = Vec::new();
    // entity, id, spendable, acquisitiveness, deals left this month
    let mut bidders: Vec<(Entity, u32, f64, f64, u32)> = Vec::new();
    let mut frontier: f64 = 0.0;
    for (firm, profile, _, treasury, .., cap, e, plan) in firms.iter_many(&active.0).flatten() {
        frontier = frontier.max(cap.benchmark);
        let spendable = treasury.cash_musd - fin.reserve_months * treasury.burn_musd.max(0.0);
        let distress = treasury.runway_months() < a.distress_runway_months;
        if profile.tier != Tier::Giant && (distress || *plan != Plan::Continue) {
            distressed.push((e, *plan));
        } else if profile.strategy.acquisitiveness > 0.0 && spendable > 0.0 {
            bidders.push((e, firm.id, spendable, profile.strategy.acquisitiveness, a.deals_per_bidder_month));
        }
    }
    bidders.sort_by(|x, y| y.2.total_cmp(&x.2).then(x.1.cmp(&y.1)));
    bidders.truncate(a.bidders as usize);

    let mut gone: HashSet<Entity> = HashSet::new();
    let mut hhi = stats.hhi;
    for (target, plan) in distressed {
        if gone.contains(&target) {
            continue;
        }
        let mut team_to = None;
        if let Plan::TeamTransfer(giant) = plan {
            // the team joins the giant, which pays the lab's investors for it
            let Ok([mut g, mut lab]) = firms.get_many_mut([giant, target]) else { continue };
            let bill: f64 =
                lab.8.by_pool.iter().zip(pools.iter()).map(|(n, p)| *n as f64 * p.wage_musd).sum();
            let bonus = w.exits.acquihire_bonus_months * bill;
            let people = lab.8.total();
            for (gp, lp) in g.8.by_pool.iter_mut().zip(lab.8.by_pool.iter_mut()) {
                *gp += std::mem::take(lp);
            }
            g.3.cash_musd -= bonus;
            let recycled = pay_investors(&lab.5, bonus, w.funding.recycle_share, &mut investors);
            books.add(Flow::AcquisitionPayouts, bonus - recycled);
            out.event(
                tick,
                &roster.firm_names[lab.0.id as usize],
                &roster.firm_names[g.0.id as usize],
                people as u64,
                bonus,
                Payload::TeamTransfer { researchers: people as u64 },
            );
            stats.team_transfers += 1;
            team_to = Some(giant);
        }
        let Ok((tp, _, _, tt, td, te, tc, _, _, ts, tk, ..)) = firms.get(target) else { continue };
        let interest = bid_probability(tk.benchmark, frontier);
        // bids start from the target's value on fundamentals (funding.rs)
        let value = te.valuation_musd;
        let liquidation = tc.book_musd * w.chips.resale_haircut + tt.cash_musd - td.debt_musd();
        let reserve = liquidation.max(0.0);
        let target_share = ts.share;
        let target_id = tp.id;
        let insolvent = tt.cash_musd < 0.0;
        // a closing lab or one whose team has left is not auctioned
        let auction = team_to.is_none() && plan != Plan::Close;

        let mut best: Option<(usize, f64)> = None;
        for (k, &(b, _, spendable, acq, left)) in bidders.iter().enumerate().filter(|_| auction) {
            if left == 0 || gone.contains(&b) || rng.random::<f64>() >= acq * interest {
                continue;
            }
            let bid = value.max(0.0) * (1.0 + a.max_premium * acq * rng.random::<f64>());
            if bid < reserve || bid > spendable {
                continue;
            }
            if let Some(rule) = &a.antitrust {
                let share_b = firms.get(b).map(|f| f.9.share).unwrap_or(0.0);
                let delta = 2.0 * share_b * target_share * 10_000.0;
                if hhi + delta > rule.hhi_threshold && delta > rule.delta_threshold {
                    continue;
                }
            }
            if best.is_none_or(|(_, p)| bid > p) {
                best = Some((k, bid));
            }
        }

        if let Some((k, price)) = best {
            let acquirer = bidders[k].0;
            bidders[k].2 -= price;
            bidders[k].4 -= 1;
            let Ok([mut buyer, mut seller]) = firms.get_many_mut([acquirer, target]) else { continue };
            hhi += 2.0 * buyer.9.share * seller.9.share * 10_000.0;
            buyer.3.cash_musd -= price;
            // the target's investors get their stakes of the price; part is recycled
            let recycled = pay_investors(&seller.5, price, w.funding.recycle_share, &mut investors);
            books.add(Flow::AcquisitionPayouts, price - recycled);
            let moved = merge_firms(
                FirmParts {
                    treasury: &mut buyer.3,
                    debts: &mut buyer.4,
                    compute: &mut buyer.6,
                    orders: &mut buyer.7,
                    workforce: &mut buyer.8,
                    sales: &mut buyer.9,
                    capability: &mut buyer.10,
                },
                FirmParts {
                    treasury: &mut seller.3,
                    debts: &mut seller.4,
                    compute: &mut seller.6,
                    orders: &mut seller.7,
                    workforce: &mut seller.8,
                    sales: &mut seller.9,
                    capability: &mut seller.10,
                },
            );
            buyer.6.refresh(ppu, tick, w.chips.lifetime_months);
            let (people, chips) = (moved.researchers, moved.chips);
            seller.5.valuation_musd = price;
            *seller.2 = Status::Acquired { by: buyer.0.id, tick };
            stats.acquisitions += 1;
            gone.insert(target);
            commands.entity(target).remove::<Active>();
            out.event(
                tick,
                &roster.firm_names[buyer.0.id as usize],
                &roster.firm_names[target_id as usize],
                people as u64,
                price,
                Payload::Acquisition { researchers: people as u64, chips, users_pct: target_share * 100.0 },
            );
            continue;
        }

        if !(insolvent || plan == Plan::Close || team_to.is_some()) {
            continue;
        }
        // exit: insolvent, closing, or empty after its team left
        let Ok((
            _,
            _,
            mut status,
            mut tr,
            mut debts,
            mut equity,
            mut comp,
            mut orders,
            mut wf,
            mut sales,
            ..,
        )) = firms.get_mut(target)
        else {
            continue;
        };
        let held: u64 = comp.total_units();
        let lots = comp.take(None, held);
        let proceeds = book_value(&lots, tick, w.chips.lifetime_months) * w.chips.resale_haircut;
        books.add(Flow::ChipResale, proceeds);
        books.chips_sold += held;
        tr.cash_musd += proceeds;
        let name = &roster.firm_names[target_id as usize];
        for o in orders.take(ppu, |_| true) {
            let chip = &roster.chip_names[o.chip];
            let to = Refund { tick, firm: name, chip };
            refund_order(&o, &mut tr, &mut books, &mut out, to, CancelReason::RefundedOnExit);
        }
        comp.pflops = 0.0;
        comp.book_musd = 0.0;
        for loan in std::mem::take(&mut debts.loans) {
            let paid = tr.cash_musd.max(0.0).min(loan.principal_musd);
            tr.cash_musd -= paid;
            investors[loan.lender].dry_powder_musd += paid;
            let lender_name = &roster.investor_names[loan.lender];
            if paid + 1e-9 >= loan.principal_musd {
                out.event(tick, name, lender_name, 0, paid, Payload::LoanRepaid { when: Repayment::OnExit });
            } else {
                out.event(
                    tick,
                    name,
                    lender_name,
                    0,
                    loan.principal_musd,
                    Payload::LoanDefault { loss: LoanLoss::OnExit { recovered_musd: paid } },
                );
            }
        }
        if tr.cash_musd >= 0.0 {
            let recycled = pay_investors(&equity, tr.cash_musd, w.funding.recycle_share, &mut investors);
            books.add(Flow::LiquidationPayouts, tr.cash_musd - recycled);
        } else {
            books.add(Flow::WriteOffs, -tr.cash_musd);
        }
        tr.cash_musd = 0.0;
        let people = wf.total();
        for (n, pool) in wf.by_pool.iter_mut().zip(pools.iter_mut()) {
            pool.free += *n as u64;
            *n = 0;
        }
        hhi -= sales.share * sales.share * 10_000.0;
        sales.share = 0.0;
        // this month's revenue was earned and stays in its last row
        equity.valuation_musd = 0.0;
        *status = Status::Exited { tick };
        gone.insert(target);
        commands.entity(target).remove::<Active>();
        if team_to.is_none() {
            stats.exits += 1;
            out.event(
                tick,
                name,
                "",
                people as u64,
                proceeds,
                Payload::Exit { chips_sold: held, researchers: people as u64, closed: !insolvent },
            );
        }
    }
}

/// Chance that a willing acquirer looks at a distressed firm, from the
/// firm's leaderboard standing: `(B / B_max)²` — laggards attract few
/// buyers. Multiplied by the acquirer's acquisitiveness.
pub fn bid_probability(benchmark: f64, frontier: f64) -> f64 {
    if frontier <= 0.0 {
        return 0.0;
    }
    (benchmark / frontier).clamp(0.0, 1.0).powi(2)
}

/// The parts of a firm that change hands in a deal.
pub struct FirmParts<'a> {
    pub treasury: &'a mut Treasury,
    pub debts: &'a mut Debts,
    pub compute: &'a mut Compute,
    pub orders: &'a mut ChipOrders,
    pub workforce: &'a mut Workforce,
    pub sales: &'a mut Sales,
    pub capability: &'a mut Capability,
}

/// What an acquisition moved.
#[derive(Debug, PartialEq, Eq)]
pub struct Moved {
    pub researchers: u32,
    pub chips: u64,
}

/// Fold the seller into the buyer: cash, loans (debts), chips and pending
/// orders, researchers, users (share and revenue); the buyer keeps the
/// better of the two models. The seller is left empty. The price is paid
/// by the caller.
pub fn merge_firms(buyer: FirmParts, seller: FirmParts) -> Moved {
    buyer.treasury.cash_musd += std::mem::take(&mut seller.treasury.cash_musd);
    buyer.debts.loans.append(&mut seller.debts.loans);
    let chips = seller.compute.total_units();
    buyer.compute.absorb(seller.compute);
    buyer.orders.absorb(seller.orders);
    let researchers = seller.workforce.total();
    for (b, s) in buyer.workforce.by_pool.iter_mut().zip(seller.workforce.by_pool.iter_mut()) {
        *b += std::mem::take(s);
    }
    buyer.sales.share += std::mem::take(&mut seller.sales.share);
    buyer.sales.revenue_musd += std::mem::take(&mut seller.sales.revenue_musd);
    buyer.sales.volume_ttok += std::mem::take(&mut seller.sales.volume_ttok);
    // the buyer keeps the better model: its training stock with its value
    if seller.capability.value > buyer.capability.value {
        buyer.capability.value = seller.capability.value;
        buyer.capability.stock = seller.capability.stock;
    }
    Moved { researchers, chips }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(
        cash: f64,
        debt: f64,
        chips: u64,
        researchers: [u32; 2],
        share: f64,
    ) -> (Treasury, Debts, Compute, Workforce, Sales, Capability) {
        let mut compute = Compute::default();
        compute.add_lot(1, chips, 3, 0.01, None);
        let loans = if debt > 0.0 {
            vec![Loan {
                id: 0,
                lender: 0,
                principal_musd: debt,
                rate_monthly: 0.01,
                due_tick: 20,
                chip: 1,
                units: chips,
            }]
        } else {
            vec![]
        };
        (
            Treasury { cash_musd: cash, ..Default::default() },
            Debts { loans, ..Default::default() },
            compute,
            Workforce { by_pool: crate::sim::init::counts(&researchers), offer: 1.0, vacancies: 0 },
            Sales { share, revenue_musd: share * 100.0, volume_ttok: share * 10.0, ..Default::default() },
            Capability { value: 2.0, stock: 10.0, benchmark: 2.0 },
        )
    }

    #[test]
    fn laggards_attract_fewer_bids() {
        assert!((bid_probability(3.0, 6.0) - 0.25).abs() < 1e-12);
        assert_eq!(bid_probability(6.0, 6.0), 1.0);
        assert_eq!(bid_probability(1.0, 0.0), 0.0);
    }

    #[test]
    fn acquisition_moves_chips_researchers_users_and_debts() {
        let (mut bt, mut bd, mut bc, mut bw, mut bs, mut bk) = firm(500.0, 0.0, 1000, [50, 400], 0.3);
        let (mut st, mut sd, mut sc, mut sw, mut ss, mut sk) = firm(4.0, 30.0, 200, [5, 40], 0.02);
        let (mut bo, mut so) = (ChipOrders::default(), ChipOrders::default());
        let moved = merge_firms(
            FirmParts {
                treasury: &mut bt,
                debts: &mut bd,
                compute: &mut bc,
                orders: &mut bo,
                workforce: &mut bw,
                sales: &mut bs,
                capability: &mut bk,
            },
            FirmParts {
                treasury: &mut st,
                debts: &mut sd,
                compute: &mut sc,
                orders: &mut so,
                workforce: &mut sw,
                sales: &mut ss,
                capability: &mut sk,
            },
        );
        assert_eq!(moved, Moved { researchers: 45, chips: 200 });
        assert_eq!(bc.total_units(), 1200);
        assert_eq!(bc.lots.iter().map(|l| l.units()).sum::<u64>(), 1200);
        assert!((bc.list_value_musd - 12.0).abs() < 1e-9, "book caches move with the chips");
        assert_eq!(bw.by_pool[..2], [55, 440]);
        assert!((bs.share - 0.32).abs() < 1e-12);
        assert!((bd.debt_musd() - 30.0).abs() < 1e-12);
        assert!((bt.cash_musd - 504.0).abs() < 1e-12);
        assert_eq!(
            (sc.total_units(), sw.total(), ss.share, sd.debt_musd(), st.cash_musd),
            (0, 0, 0.0, 0.0, 0.0)
        );
    }
}
