//! Step 1 of the month: start the month's scratch figures, then apply export
//! rules — announce them, and when one takes effect ban its chips and cancel
//! (and refund) every undelivered order of a banned chip.

use super::chips::refund_order;
use super::params::{Context, Refund};
use crate::sim::components::*;
use crate::sim::formulas::interpolate;
use crate::sim::output::{CancelReason, Name, Payload, Repayment, rule_target};
use crate::sim::resources::*;
use bevy_ecs::prelude::*;

/// Reset the month's scratch figures, set the funding climate and list the
/// active firms in id order for this month's systems.
pub fn begin_month(
    clock: Res<Clock>,
    params: Res<Params>,
    mut stats: ResMut<MonthStats>,
    mut order: ResMut<ActiveFirms>,
    firms: Query<(Entity, &Firm), With<Active>>,
) {
    let mut by_id: Vec<(u32, Entity)> = firms.iter().map(|(e, f)| (f.id, e)).collect();
    // stable sort: the table holds firms in runs of entry order, which it merges cheaply
    by_id.sort_by_key(|(id, _)| *id);
    order.0.clear();
    order.0.extend(by_id.into_iter().map(|(_, e)| e));
    let start = params.0.start;
    let path: Vec<(i32, f64)> = params.0.funding.climate.iter().map(|(m, v)| (m.since(start), *v)).collect();
    *stats = MonthStats { climate: interpolate(&path, clock.tick as i32), ..Default::default() };
}

/// Announce rules; when one takes effect, ban its chips and cancel (and
/// refund) every undelivered order of them, firm by firm in id order.
pub fn apply_rules(
    ctx: Context,
    book: Res<RuleBook>,
    mut books: ResMut<Books>,
    mut out: ResMut<Output>,
    mut suppliers: ResMut<Suppliers>,
    mut investors: ResMut<Investors>,
    mut firms: Query<(&Firm, &mut Treasury, &mut Debts, &mut ChipOrders), With<Active>>,
) {
    let Context { clock, roster, active, .. } = ctx;
    let tick = clock.tick as i32;
    for rule in &book.rules {
        let chips: Vec<&str> = rule.chips.iter().map(|&c| &*roster.chip_names[c]).collect();
        let list = rule_target(&chips);
        // rules announced or in force before the start apply from the first month
        let announced = rule.announced_tick == tick || (tick == 0 && rule.announced_tick < 0);
        let effective = rule.effective_tick == tick || (tick == 0 && rule.effective_tick < 0);
        if announced {
            out.event(clock.tick, &rule.name, &list, 0, 0.0, Payload::RuleAnnounced);
        }
        if !effective {
            continue;
        }
        for &c in &rule.chips {
            suppliers[c].banned = true;
        }
        let ppu = suppliers.pflops_per_unit();
        let mut cancelled = 0u64;
        let mut walk = firms.iter_many_mut(&active.0);
        while let Some(item) = walk.fetch_next() {
            let Ok((firm, mut treasury, mut debts, mut orders)) = item else { continue };
            let firm = &roster.firm_names[firm.id as usize];
            for order in orders.take(ppu, |o| rule.chips.contains(&o.chip)) {
                cancelled += 1;
                let chip = &roster.chip_names[order.chip];
                let why = CancelReason::BannedByRule(Name::from(rule.name.as_str()));
                let to = Refund { tick: clock.tick, firm, chip };
                refund_order(&order, &mut treasury, &mut books, &mut out, to, why);
                // the refund first repays the loan that financed the order
                let Some(id) = order.loan else { continue };
                let Some(k) = debts.loans.iter().position(|l| l.id == id) else { continue };
                let paid =
                    debts.loans[k].principal_musd.min(order.paid_musd).min(treasury.cash_musd.max(0.0));
                if paid <= 0.0 {
                    continue;
                }
                let lender = debts.loans[k].lender;
                treasury.cash_musd -= paid;
                investors[lender].dry_powder_musd += paid;
                debts.loans[k].principal_musd -= paid;
                if debts.loans[k].principal_musd <= 1e-9 {
                    debts.loans.remove(k);
                }
                let by = &roster.investor_names[lender];
                out.event(
                    clock.tick,
                    firm,
                    by,
                    0,
                    paid,
                    Payload::LoanRepaid { when: Repayment::OrderCancelled },
                );
            }
        }
        out.event(
            clock.tick,
            &rule.name,
            &list,
            0,
            0.0,
            Payload::RuleEffective { orders_cancelled: cancelled },
        );
    }
}
