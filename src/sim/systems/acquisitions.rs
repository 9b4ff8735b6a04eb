//! Step 9 of the month: distressed startups are sold to the best of the
//! richest bidders (value of chips, researchers, users and cash net of debt,
//! plus a premium), subject to optional antitrust review; an insolvent firm
//! nobody buys exits: chips sold at a haircut, loans repaid from the
//! proceeds as far as they go, researchers back to the pools.

use super::chips::{book_value, refund_order};
use crate::sim::components::*;
use crate::sim::output::{CancelReason, LoanLoss, Payload, Repayment};
use crate::sim::resources::*;
use crate::world::Tier;
use bevy_ecs::prelude::*;
use rand::RngExt;
use std::collections::HashSet;

type FirmItem<'a> = (
    &'a Profile,
    &'a mut Status,
    &'a mut Treasury,
    &'a mut Compute,
    &'a mut Workforce,
    &'a mut Sales,
    &'a mut Capability,
);

#[allow(clippy::too_many_arguments)]
pub fn acquisitions(
    clock: Res<Clock>,
    params: Res<Params>,
    mut roster: ResMut<Roster>,
    mut rng: ResMut<SimRng>,
    mut stats: ResMut<MonthStats>,
    mut books: ResMut<Books>,
    mut out: ResMut<Output>,
    suppliers: Query<&Supplier>,
    mut pools: Query<&mut Pool>,
    mut investors: Query<&mut Investor>,
    mut firms: Query<FirmItem>,
) {
    let w = &params.0;
    let a = &w.acquisitions;
    let fin = &w.finance;
    let tick = clock.tick;
    let rng = &mut rng.0;
    let sups: Vec<Supplier> =
        roster.suppliers.iter().filter_map(|e| suppliers.get(*e).ok().cloned()).collect();
    let prices: Vec<f64> = sups.iter().map(|s| s.list_price_musd).collect();
    let ppu: Vec<f64> = sups.iter().map(|s| s.pflops_per_unit()).collect();

    let mut distressed = Vec::new();
    // entity, id, spendable, acquisitiveness, deals left this month
    let mut bidders: Vec<(Entity, u32, f64, f64, u32)> = Vec::new();
    let mut frontier: f64 = 0.0;
    for &e in &roster.active {
        let Ok((profile, _, treasury, .., cap)) = firms.get(e) else { continue };
        frontier = frontier.max(cap.benchmark);
        let spendable = treasury.cash_musd - fin.reserve_months * treasury.burn_musd.max(0.0);
        if profile.tier != Tier::Giant && treasury.runway_months() < a.distress_runway_months {
            distressed.push(e);
        } else if profile.strategy.acquisitiveness > 0.0 && spendable > 0.0 {
            bidders.push((
                e,
                profile.id,
                spendable,
                profile.strategy.acquisitiveness,
                a.deals_per_bidder_month,
            ));
        }
    }
    bidders.sort_by(|x, y| y.2.total_cmp(&x.2).then(x.1.cmp(&y.1)));
    bidders.truncate(a.bidders as usize);

    let mut gone: HashSet<Entity> = HashSet::new();
    let mut hhi = stats.hhi;
    for target in distressed {
        let Ok((tp, _, tt, tc, tw, ts, tk)) = firms.get(target) else { continue };
        let interest = bid_probability(tk.benchmark, frontier);
        let value = tc.book_musd
            + fin.value_per_researcher_musd * tw.total() as f64
            + fin.revenue_multiple * 12.0 * ts.revenue_musd
            + tt.cash_musd
            - tt.debt_musd();
        let liquidation = tc.book_musd * w.chips.resale_haircut + tt.cash_musd - tt.debt_musd();
        let reserve = liquidation.max(0.0);
        let target_share = ts.share;
        let target_id = tp.id;
        let insolvent = tt.cash_musd < 0.0;

        let mut best: Option<(usize, f64)> = None;
        for (k, &(b, _, spendable, acq, left)) in bidders.iter().enumerate() {
            if left == 0 || gone.contains(&b) || rng.random::<f64>() >= acq * interest {
                continue;
            }
            let bid = value.max(0.0) * (1.0 + a.max_premium * acq * rng.random::<f64>());
            if bid < reserve || bid > spendable {
                continue;
            }
            if let Some(rule) = &a.antitrust {
                let share_b = firms.get(b).map(|f| f.5.share).unwrap_or(0.0);
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
            hhi += 2.0 * buyer.5.share * seller.5.share * 10_000.0;
            buyer.2.cash_musd -= price;
            books.add(Flow::AcquisitionPayouts, price);
            let moved = merge_firms(
                FirmParts {
                    treasury: &mut buyer.2,
                    compute: &mut buyer.3,
                    workforce: &mut buyer.4,
                    sales: &mut buyer.5,
                    capability: &mut buyer.6,
                },
                FirmParts {
                    treasury: &mut seller.2,
                    compute: &mut seller.3,
                    workforce: &mut seller.4,
                    sales: &mut seller.5,
                    capability: &mut seller.6,
                },
            );
            buyer.3.refresh(&ppu, tick, w.chips.lifetime_months);
            let (people, chips) = (moved.researchers, moved.chips);
            seller.2.valuation_musd = price;
            *seller.1 = Status::Acquired { by: buyer.0.id, tick };
            stats.acquisitions += 1;
            gone.insert(target);
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

        if !insolvent {
            continue;
        }
        // exit
        let Ok((_, mut status, mut tr, mut comp, mut wf, mut sales, _)) = firms.get_mut(target) else {
            continue;
        };
        let held: u64 = comp.total_units();
        let lots = comp.take(None, held, &prices);
        let proceeds = book_value(&lots, &sups, tick, w.chips.lifetime_months) * w.chips.resale_haircut;
        books.add(Flow::ChipResale, proceeds);
        books.chips_sold += held;
        tr.cash_musd += proceeds;
        let name = &roster.firm_names[target_id as usize];
        for o in comp.take_orders(&ppu, |_| true) {
            let chip = &roster.chip_names[o.chip];
            refund_order(&o, &mut tr, &mut books, &mut out, tick, name, chip, CancelReason::RefundedOnExit);
        }
        comp.pflops = 0.0;
        comp.book_musd = 0.0;
        for loan in std::mem::take(&mut tr.loans) {
            let paid = tr.cash_musd.max(0.0).min(loan.principal_musd);
            tr.cash_musd -= paid;
            if let Ok(mut lender) = investors.get_mut(roster.investors[loan.lender]) {
                lender.dry_powder_musd += paid;
            }
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
            books.add(Flow::LiquidationPayouts, tr.cash_musd);
        } else {
            books.add(Flow::WriteOffs, -tr.cash_musd);
        }
        tr.cash_musd = 0.0;
        let people = wf.total();
        for (n, pool_entity) in wf.by_pool.iter_mut().zip(&roster.pools) {
            if let Ok(mut pool) = pools.get_mut(*pool_entity) {
                pool.free += *n as u64;
            }
            *n = 0;
        }
        hhi -= sales.share * sales.share * 10_000.0;
        sales.share = 0.0;
        // this month's revenue was earned and stays in its last row
        tr.valuation_musd = 0.0;
        *status = Status::Exited { tick };
        stats.exits += 1;
        gone.insert(target);
        out.event(
            tick,
            name,
            "",
            people as u64,
            proceeds,
            Payload::Exit { chips_sold: held, researchers: people as u64 },
        );
    }
    if !gone.is_empty() {
        roster.active.retain(|e| !gone.contains(e));
        let mut left: Vec<Entity> = gone.into_iter().collect();
        left.sort_by_key(|e| firms.get(*e).map(|f| f.0.id).unwrap_or(u32::MAX));
        roster.left = left;
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
    pub compute: &'a mut Compute,
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
    buyer.treasury.loans.append(&mut seller.treasury.loans);
    let chips = seller.compute.total_units();
    buyer.compute.absorb(seller.compute);
    let researchers = seller.workforce.total();
    for (b, s) in buyer.workforce.by_pool.iter_mut().zip(seller.workforce.by_pool.iter_mut()) {
        *b += std::mem::take(s);
    }
    buyer.sales.share += std::mem::take(&mut seller.sales.share);
    buyer.sales.revenue_musd += std::mem::take(&mut seller.sales.revenue_musd);
    buyer.capability.value = buyer.capability.value.max(seller.capability.value);
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
    ) -> (Treasury, Compute, Workforce, Sales, Capability) {
        let mut compute = Compute::default();
        compute.add_lot(1, chips, 3, 0.01);
        let loans = if debt > 0.0 {
            vec![Loan {
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
            Treasury { cash_musd: cash, loans, ..Default::default() },
            compute,
            Workforce { by_pool: crate::sim::init::counts(&researchers), offer: 1.0 },
            Sales { share, revenue_musd: share * 100.0 },
            Capability { value: 2.0, benchmark: 2.0 },
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
        let (mut bt, mut bc, mut bw, mut bs, mut bk) = firm(500.0, 0.0, 1000, [50, 400], 0.3);
        let (mut st, mut sc, mut sw, mut ss, mut sk) = firm(4.0, 30.0, 200, [5, 40], 0.02);
        let moved = merge_firms(
            FirmParts {
                treasury: &mut bt,
                compute: &mut bc,
                workforce: &mut bw,
                sales: &mut bs,
                capability: &mut bk,
            },
            FirmParts {
                treasury: &mut st,
                compute: &mut sc,
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
        assert!((bt.debt_musd() - 30.0).abs() < 1e-12);
        assert!((bt.cash_musd - 504.0).abs() < 1e-12);
        assert_eq!(
            (sc.total_units(), sw.total(), ss.share, st.debt_musd(), st.cash_musd),
            (0, 0, 0.0, 0.0, 0.0)
        );
    }
}
