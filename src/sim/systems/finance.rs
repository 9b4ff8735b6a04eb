//! Step 7 of the month: cash flows. Revenue and core cash flow in; wages,
//! compute operating cost, overhead and loan interest out; loans that fall
//! due are repaid from cash or default, and the lender seizes and sells the
//! collateral chips.

use super::chips::book_value;
use super::params::Context;
use crate::sim::components::*;
use crate::sim::output::{LoanLoss, Payload, Repayment};
use crate::sim::resources::*;
use bevy_ecs::prelude::*;

/// A firm's accounts as finance sees them.
type Accounts<'a> =
    (&'a Firm, &'a Profile, &'a mut Treasury, &'a mut Debts, &'a mut Compute, &'a Workforce, &'a Sales);

/// Each active firm, in id order: income in, costs and interest out; loans
/// that fall due are repaid or default, and the lender sells the collateral.
pub fn settle_finances(
    ctx: Context,
    mut books: ResMut<Books>,
    mut out: ResMut<Output>,
    pools: Res<Pools>,
    suppliers: Res<Suppliers>,
    mut investors: ResMut<Investors>,
    mut firms: Query<Accounts, With<Active>>,
) {
    let Context { clock, params, roster, active } = ctx;
    let w = &params.0;
    let tick = clock.tick;
    let wages: Vec<f64> = pools.iter().map(|p| p.wage_musd).collect();
    let lifetime = w.chips.lifetime_months;
    let ppu = suppliers.pflops_per_unit();
    let mut walk = firms.iter_many_mut(&active.0);
    while let Some(item) = walk.fetch_next() {
        let Ok((firm, profile, mut treasury, mut debts, mut compute, wf, sales)) = item else { continue };
        let wage_bill: f64 =
            wf.by_pool.iter().zip(&wages).map(|(n, wage)| *n as f64 * wage).sum::<f64>() * wf.offer;
        let opex = compute.pflops * w.chips.opex_musd_per_pflops_month;
        let overhead = w.finance.overhead_musd_month;
        let mut interest = 0.0;
        for loan in &debts.loans {
            let due = loan.principal_musd * loan.rate_monthly;
            interest += due;
            investors[loan.lender].dry_powder_musd += due;
        }
        let core = profile.core_cash_flow_musd;
        treasury.cash_musd += sales.revenue_musd + core - wage_bill - opex - overhead - interest;
        treasury.burn_musd = wage_bill + opex + overhead + interest - sales.revenue_musd - core;
        books.add(Flow::CoreCashFlow, core);
        books.add(Flow::Wages, wage_bill);
        books.add(Flow::ComputeOpex, opex);
        books.add(Flow::Overhead, overhead);

        // loans falling due
        if debts.loans.iter().all(|l| l.due_tick > tick) {
            continue;
        }
        let name = &roster.firm_names[firm.id as usize];
        let loans = std::mem::take(&mut debts.loans);
        for loan in loans {
            if loan.due_tick > tick {
                debts.loans.push(loan);
                continue;
            }
            let lender_name = &roster.investor_names[loan.lender];
            let lender = &mut investors[loan.lender];
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
                debts.defaulted = true;
                // the lots the loan financed are its collateral
                let seized = compute.take_collateral(loan.id, loan.chip, loan.units);
                let units: u64 = seized.iter().map(|l| l.units()).sum();
                let proceeds = book_value(&seized, tick, lifetime) * w.chips.resale_haircut;
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
        compute.refresh(ppu, tick, lifetime);
    }
}
