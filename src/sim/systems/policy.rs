//! Step 1 of the month: start the month's scratch figures, then apply export
//! rules — announce them, and when one takes effect ban its chips and cancel
//! (and refund) every undelivered order of a banned chip.

use super::chips::refund_order;
use crate::sim::components::*;
use crate::sim::formulas::interpolate;
use crate::sim::output::{CancelReason, Name, Payload, rule_target};
use crate::sim::resources::*;
use bevy_ecs::prelude::*;

/// Reset the month's scratch figures and set the funding climate.
pub fn begin_month(
    clock: Res<Clock>,
    params: Res<Params>,
    mut stats: ResMut<MonthStats>,
    mut roster: ResMut<Roster>,
) {
    roster.left.clear();
    let start = params.0.start;
    let path: Vec<(i32, f64)> = params.0.funding.climate.iter().map(|(m, v)| (m.since(start), *v)).collect();
    *stats = MonthStats { climate: interpolate(&path, clock.tick as i32), ..Default::default() };
}

#[allow(clippy::too_many_arguments)]
pub fn apply_policy(
    clock: Res<Clock>,
    book: Res<RuleBook>,
    roster: Res<Roster>,
    mut books: ResMut<Books>,
    mut out: ResMut<Output>,
    mut suppliers: Query<&mut Supplier>,
    mut firms: Query<(&Profile, &mut Treasury, &mut Compute)>,
) {
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
            if let Ok(mut s) = suppliers.get_mut(roster.suppliers[c]) {
                s.banned = true;
            }
        }
        let ppu: Vec<f64> = roster
            .suppliers
            .iter()
            .filter_map(|e| suppliers.get(*e).ok().map(|s| s.pflops_per_unit()))
            .collect();
        let mut cancelled = 0u64;
        for &e in &roster.active {
            let Ok((profile, mut treasury, mut compute)) = firms.get_mut(e) else { continue };
            let firm = &roster.firm_names[profile.id as usize];
            for order in compute.take_orders(&ppu, |o| rule.chips.contains(&o.chip)) {
                cancelled += 1;
                let chip = &roster.chip_names[order.chip];
                let why = CancelReason::BannedByRule(Name::from(rule.name.as_str()));
                refund_order(&order, &mut treasury, &mut books, &mut out, clock.tick, firm, chip, why);
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
