//! Step 11 of the month: record it — the market's metrics, the firm panel
//! and the conservation ledger. Reads only; changes no model state.

use crate::sim::components::*;
use crate::sim::measures::{cr_n, gini, hhi};
use crate::sim::output::{ChipRow, FirmRow, Ledger, MonthRow};
use crate::sim::resources::*;
use crate::world::Tier;
use bevy_ecs::prelude::*;

/// Cumulative counts since the start.
#[derive(Resource, Default)]
pub struct Totals {
    pub entries: u32,
    pub exits: u32,
    pub acquisitions: u32,
}

type FirmView<'a> =
    (&'a Profile, &'a Status, &'a Treasury, &'a Compute, &'a Workforce, &'a Capability, &'a Sales);

#[allow(clippy::too_many_arguments)]
pub fn record_month(
    clock: Res<Clock>,
    params: Res<Params>,
    roster: Res<Roster>,
    stats: Res<MonthStats>,
    books: Res<Books>,
    mut totals: ResMut<Totals>,
    mut out: ResMut<Output>,
    suppliers: Query<&Supplier>,
    pools: Query<&Pool>,
    investors: Query<&Investor>,
    firms: Query<FirmView>,
    mut scratch: Local<(Vec<f64>, Vec<f64>)>,
) {
    let tick = clock.tick;
    totals.entries += stats.entries;
    totals.exits += stats.exits;
    totals.acquisitions += stats.acquisitions;
    let sups: Vec<&Supplier> = roster.suppliers.iter().filter_map(|e| suppliers.get(*e).ok()).collect();

    let (shares, pflops) = &mut *scratch;
    shares.clear();
    pflops.clear();
    let mut startups = 0;
    let mut loans = 0.0;
    let mut banned_units = 0u64;
    let mut held_by_chip = [0u64; crate::world::MAX_CHIPS];
    for &e in &roster.active {
        let Ok((profile, _, treasury, compute, ..)) = firms.get(e) else { continue };
        let sales = firms.get(e).map(|f| f.6.share).unwrap_or(0.0);
        shares.push(sales);
        pflops.push(compute.pflops);
        if profile.tier != Tier::Giant {
            startups += 1;
        }
        loans += treasury.debt_musd();
        banned_units +=
            compute.units.iter().zip(&sups).filter(|(_, s)| s.banned).map(|(u, _)| *u).sum::<u64>();
        for (h, u) in held_by_chip.iter_mut().zip(&compute.units) {
            *h += u;
        }
    }
    let total_share: f64 = shares.iter().sum();
    let cr4 = if total_share > 0.0 { cr_n(shares, 4) } else { 0.0 };

    // capacity-weighted price over list among chips that can be ordered
    let (mut num, mut den) = (0.0, 0.0);
    for s in &sups {
        if !s.banned && s.available_tick <= tick as i32 {
            num += s.capacity_base * s.price_musd / s.list_price_musd;
            den += s.capacity_base;
        }
    }
    let price_index = if den > 0.0 { num / den } else { 1.0 };
    let (mut wnum, mut wden) = (0.0, 0.0);
    let mut free = 0u64;
    for e in &roster.pools {
        if let Ok(p) = pools.get(*e) {
            wnum += p.wage_musd * p.base_size as f64;
            wden += p.base_wage_musd * p.base_size as f64;
            free += p.free;
        }
    }

    for (c, s) in sups.iter().enumerate() {
        out.chips.push(ChipRow {
            month: tick,
            chip: c as u32,
            units_held: held_by_chip[c],
            pflops_held: held_by_chip[c] as f64 * s.pflops_per_unit(),
            units_delivered: stats.delivered[c],
            price_musd: s.price_musd,
            banned: s.banned,
        });
    }
    out.months.push(MonthRow {
        month: tick,
        hhi: hhi(shares),
        cr4,
        independent_firms: roster.active.len() as u32,
        startups_alive: startups,
        entries: totals.entries,
        exits: totals.exits,
        acquisitions: totals.acquisitions,
        top4_compute_share: cr_n(pflops, 4),
        compute_gini: gini(pflops),
        chip_price_index: price_index,
        wage_index: if wden > 0.0 { wnum / wden } else { 1.0 },
        vc_funding_musd: stats.vc_funding_musd,
        loans_outstanding_musd: loans,
        banned_chip_units: banned_units,
        total_revenue_musd: stats.total_revenue_musd,
        consolidating: false,
    });

    // the firm panel and the ledger walk the firms in the market and those
    // that left this month, in id order; firms that left earlier hold nothing
    let mut money = 0.0;
    let mut held = 0u64;
    let mut employed = 0u64;
    // size the event log for the rest of the run at the average rate so far
    let per_month = out.events.len() / (tick as usize + 1) + 16;
    if out.events.capacity() - out.events.len() < per_month {
        let remaining = (params.0.months - tick) as usize;
        out.events.reserve(per_month * remaining);
    }
    let panel = out.firm_panel;
    if panel {
        // size the panel once for the rest of the run at today's firm count,
        // rather than letting it double (and copy) as it grows
        let need = roster.active.len() + 16;
        let spare = out.firms.capacity() - out.firms.len();
        if spare < need {
            let remaining = (params.0.months - tick) as usize;
            out.firms.reserve(need * remaining);
        }
    }
    let mut walk = Vec::with_capacity(roster.active.len() + roster.left.len());
    walk.extend(roster.active.iter().chain(&roster.left).filter_map(|e| firms.get(*e).ok()));
    walk.sort_by_key(|f| f.0.id);
    for (p, status, t, c, wf, cap, sales) in walk {
        if *status == Status::Pending {
            continue; // not founded yet: its planned team and chips are not in the economy
        }
        money += t.cash_musd;
        held += c.total_units();
        employed += wf.total() as u64;
        let (show, owner) = match *status {
            Status::Active => (true, p.id),
            Status::Acquired { by, tick: at } => (at == tick, by),
            Status::Exited { tick: at } => (at == tick, p.id),
            Status::Pending => (false, p.id),
        };
        if panel && show {
            out.firms.push(FirmRow {
                month: tick,
                firm: p.id,
                tier: p.tier.as_str(),
                status: status.as_str(),
                owner,
                cash_musd: t.cash_musd,
                debt_musd: t.debt_musd(),
                compute_pflops: c.pflops,
                chip_units: c.total_units(),
                researchers: wf.total(),
                capability: cap.value,
                benchmark: cap.benchmark,
                revenue_musd: sales.revenue_musd,
                share: sales.share,
                valuation_musd: t.valuation_musd,
            });
        }
    }
    for e in &roster.investors {
        if let Ok(i) = investors.get(*e) {
            money += i.dry_powder_musd;
        }
    }
    out.ledger.push(Ledger {
        money_stock_musd: money,
        inflows_musd: Flow::INFLOWS.iter().map(|f| (f.name(), books.get(*f))).collect(),
        outflows_musd: Flow::OUTFLOWS.iter().map(|f| (f.name(), books.get(*f))).collect(),
        initial_money_musd: books.initial_money_musd,
        chips_delivered: books.chips_delivered,
        chips_held: held,
        chips_retired: books.chips_retired,
        chips_sold: books.chips_sold,
        chips_initial: books.chips_initial,
        researchers_employed: employed,
        researchers_free: free,
        researchers_total: books.researchers_total,
    });
}
