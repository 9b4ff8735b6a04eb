//! Step 7 of the month: cash flows. Revenue and core cash flow in; wages,
//! compute operating cost, overhead and loan interest out; loans that fall
//! due are repaid from cash or default, and the lender seizes and sells the
//! collateral chips.

use super::chips::book_value;
use crate::sim::components::*;
use crate::sim::output::{LoanLoss, Payload, Repayment};
use crate::sim::resources::*;
use bevy_ecs::prelude::*;

#[allow(clippy::too_many_arguments)]
pub fn finance(
    clock: Res<Clock>,
    params: Res<Params>,
    roster: Res<Roster>,
    mut books: ResMut<Books>,
    mut out: ResMut<Output>,
    pools: Query<&Pool>,
    suppliers: Query<&Supplier>,
    mut investors: Query<&mut Investor>,
    mut firms: Query<(&Profile, &mut Treasury, &mut Compute, &Workforce, &Sales)>,
) {
    let w = &params.0;
    let tick = clock.tick;
    let wages: Vec<f64> =
        roster.pools.iter().filter_map(|e| pools.get(*e).ok().map(|p| p.wage_musd)).collect();
    let sups: Vec<Supplier> =
        roster.suppliers.iter().filter_map(|e| suppliers.get(*e).ok().cloned()).collect();
    let lifetime = w.chips.lifetime_months;
    let prices: Vec<f64> = sups.iter().map(|s| s.list_price_musd).collect();
    let ppu: Vec<f64> = sups.iter().map(|s| s.pflops_per_unit()).collect();
    for &e in &roster.active {
        let Ok((profile, mut treasury, mut compute, wf, sales)) = firms.get_mut(e) else { continue };
        let wage_bill: f64 =
            wf.by_pool.iter().zip(&wages).map(|(n, wage)| *n as f64 * wage).sum::<f64>() * wf.offer;
        let opex = compute.pflops * w.chips.opex_musd_per_pflops_month;
        let overhead = w.finance.overhead_musd_month;
        let mut interest = 0.0;
        for loan in &treasury.loans {
            let due = loan.principal_musd * loan.rate_monthly;
            interest += due;
            if let Ok(mut inv) = investors.get_mut(roster.investors[loan.lender]) {
                inv.dry_powder_musd += due;
            }
        }
        let core = profile.core_cash_flow_musd;
        treasury.cash_musd += sales.revenue_musd + core - wage_bill - opex - overhead - interest;
        treasury.burn_musd = wage_bill + opex + overhead + interest - sales.revenue_musd - core;
        books.add(Flow::CoreCashFlow, core);
        books.add(Flow::Wages, wage_bill);
        books.add(Flow::ComputeOpex, opex);
        books.add(Flow::Overhead, overhead);

        // loans falling due
        if treasury.loans.iter().all(|l| l.due_tick > tick) {
            continue;
        }
        let name = &roster.firm_names[profile.id as usize];
        let loans = std::mem::take(&mut treasury.loans);
        for loan in loans {
            if loan.due_tick > tick {
                treasury.loans.push(loan);
                continue;
            }
            let lender_name = &roster.investor_names[loan.lender];
            let Ok(mut lender) = investors.get_mut(roster.investors[loan.lender]) else { continue };
            if treasury.cash_musd >= loan.principal_musd {
                treasury.cash_musd -= loan.principal_musd;
                lender.dry_powder_musd += loan.principal_musd;
                out.event(
                    tick,
                    name,
                    lender_name,
                    0,
                    loan.principal_musd,
                    Payload::LoanRepaid { when: Repayment::AtMaturity },
                );
            } else {
                treasury.defaulted = true;
                let seized = compute.take(Some(loan.chip), loan.units, &prices);
                let units: u64 = seized.iter().map(|l| l.units()).sum();
                let proceeds = book_value(&seized, &sups, tick, lifetime) * w.chips.resale_haircut;
                books.add(Flow::ChipResale, proceeds);
                books.chips_sold += units;
                let to_lender = proceeds.min(loan.principal_musd);
                lender.dry_powder_musd += to_lender;
                treasury.cash_musd += proceeds - to_lender;
                out.event(
                    tick,
                    name,
                    lender_name,
                    units,
                    loan.principal_musd,
                    Payload::LoanDefault {
                        loss: LoanLoss::CollateralSeized { chips: units, proceeds_musd: proceeds },
                    },
                );
            }
        }
        compute.refresh(&ppu, tick, lifetime);
    }
}
