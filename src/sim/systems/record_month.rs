//! Step 11 of the month: record it — the market's metrics, the firm panel
//! and the conservation ledger. Reads only; changes no model state. The
//! month rows stay in `Output` for the whole run; the chip rows, firm rows
//! and ledger are this month's, handed on by `Simulation::run_into`.

use super::params::{Agents, Context, MarketState, Tallies};
use crate::sim::components::*;
use crate::sim::measures::{cr_n, gini, hhi};
use crate::sim::output::{ChipRow, FirmRow, Ledger, MonthRow};
use crate::sim::resources::*;
use crate::world::Tier;
use bevy_ecs::prelude::*;

/// What the record reads of a firm.
type FirmView<'a> = (
    &'a Firm,
    &'a Profile,
    &'a Status,
    &'a Treasury,
    &'a Debts,
    &'a Equity,
    &'a Compute,
    &'a Workforce,
    &'a Capability,
    &'a Sales,
    &'a Role,
);

/// Append the month's row, chip rows, firm panel rows and ledger entry.
/// Cumulative entries, exits and acquisitions continue last month's row.
pub fn record_month(
    ctx: Context,
    agents: Agents,
    tallies: Tallies,
    state: MarketState,
    mut out: ResMut<Output>,
    firms: Query<FirmView>,
    mut scratch: Local<(Vec<f64>, Vec<f64>)>,
) {
    let Context { clock, active, .. } = ctx;
    let Agents { suppliers, pools, investors } = agents;
    let MarketState { market, open } = state;
    let Tallies { stats, books } = tallies;
    let tick = clock.tick;
    let last = out.months.last();
    let entries = last.map_or(0, |m| m.entries) + stats.entries;
    let exits = last.map_or(0, |m| m.exits) + stats.exits;
    let acquisitions = last.map_or(0, |m| m.acquisitions) + stats.acquisitions;
    let pivots = last.map_or(0, |m| m.pivots) + stats.pivots;
    let team_transfers = last.map_or(0, |m| m.team_transfers) + stats.team_transfers;
    // the firms in the market and those that left this month, in id order;
    // firms that left earlier hold nothing, those not founded yet are not in
    // the economy
    let firms: Vec<_> = firms
        .iter_many(&active.0)
        .flatten()
        .filter(|f| match *f.2 {
            Status::Active => true,
            Status::Acquired { tick: at, .. } | Status::Exited { tick: at } => at == tick,
            Status::Pending => false,
        })
        .collect();
    let mut by_id: Vec<(u32, usize)> = firms.iter().enumerate().map(|(i, f)| (f.0.id, i)).collect();
    by_id.sort_by_key(|(id, _)| *id);
    let walk = by_id.iter().map(|&(_, i)| firms[i]);
    let active = walk.clone().filter(|f| *f.2 == Status::Active);
    let n_active = active.clone().count();

    let (shares, pflops) = &mut *scratch;
    shares.clear();
    pflops.clear();
    let mut startups = 0;
    let mut labs = 0;
    let mut frontier: f64 = 0.0;
    let mut loans = 0.0;
    let mut banned_units = 0u64;
    let mut held_by_chip = [0u64; crate::world::MAX_CHIPS];
    for (_, profile, _, _, debts, _, compute, _, cap, sales, role) in active {
        if *role == Role::Lab {
            labs += 1;
            frontier = frontier.max(cap.value);
        }
        shares.push(sales.share);
        pflops.push(compute.pflops);
        if profile.tier != Tier::Giant {
            startups += 1;
        }
        loans += debts.debt_musd();
        banned_units += compute
            .units
            .iter()
            .zip(suppliers.iter())
            .filter(|(_, s)| s.banned)
            .map(|(u, _)| *u)
            .sum::<u64>();
        for (h, u) in held_by_chip.iter_mut().zip(&compute.units) {
            *h += u;
        }
    }
    let total_share: f64 = shares.iter().sum();
    let cr4 = if total_share > 0.0 { cr_n(shares, 4) } else { 0.0 };

    // capacity-weighted price over list among chips that can be ordered
    let (mut num, mut den) = (0.0, 0.0);
    for s in suppliers.iter() {
        if !s.banned && s.available_tick <= tick as i32 {
            num += s.capacity_base * s.price_musd / s.list_price_musd;
            den += s.capacity_base;
        }
    }
    let price_index = if den > 0.0 { num / den } else { 1.0 };
    let (mut wnum, mut wden) = (0.0, 0.0);
    let mut free = 0u64;
    for p in pools.iter() {
        wnum += p.wage_musd * p.base_size as f64;
        wden += p.base_wage_musd * p.base_size as f64;
        free += p.free;
    }

    for (c, s) in suppliers.iter().enumerate() {
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
        independent_firms: n_active as u32,
        independent_labs: labs,
        startups_alive: startups,
        entries,
        exits,
        acquisitions,
        pivots,
        team_transfers,
        top4_compute_share: cr_n(pflops, 4),
        compute_gini: gini(pflops),
        chip_price_index: price_index,
        wage_index: if wden > 0.0 { wnum / wden } else { 1.0 },
        vc_funding_musd: stats.vc_funding_musd,
        loans_outstanding_musd: loans,
        banned_chip_units: banned_units,
        total_revenue_musd: stats.total_revenue_musd,
        token_volume_ttok: market.volume_ttok,
        token_price_usd_mtok: market.price_usd_mtok.unwrap_or(0.0),
        token_price_index: match (market.price_usd_mtok, market.index_base_usd_mtok) {
            (Some(p), Some(base)) if base > 0.0 => p / base,
            _ => 1.0,
        },
        frontier_capability: frontier,
        open_floor: open.floor,
        vacancies: pools.iter().map(|p| p.vacancies).sum(),
        seekers: pools.iter().map(|p| p.seekers).sum(),
        consolidating: false,
    });

    // the firm panel and the ledger walk the same firms
    let mut money = 0.0;
    let mut held = 0u64;
    let mut employed = 0u64;
    // `out` holds this month's rows only: the run hands them to its sink
    // as the month ends (`Simulation::run_into`), so the buffers keep their
    // size from month to month
    let panel = out.firm_panel;
    for (f, p, status, t, d, e, c, wf, cap, sales, _) in walk {
        money += t.cash_musd;
        held += c.total_units();
        employed += wf.total() as u64;
        let (show, owner) = match *status {
            Status::Active => (true, f.id),
            Status::Acquired { by, tick: at } => (at == tick, by),
            Status::Exited { tick: at } => (at == tick, f.id),
            Status::Pending => (false, f.id),
        };
        if panel && show {
            out.firms.push(FirmRow {
                month: tick,
                firm: f.id,
                tier: p.tier.as_str(),
                status: status.as_str(),
                owner,
                cash_musd: t.cash_musd,
                debt_musd: d.debt_musd(),
                compute_pflops: c.pflops,
                chip_units: c.total_units(),
                researchers: wf.total(),
                capability: cap.value,
                benchmark: cap.benchmark,
                revenue_musd: sales.revenue_musd,
                share: sales.share,
                valuation_musd: e.valuation_musd,
                units_by_chip: c.units,
            });
        }
    }
    for i in investors.iter() {
        money += i.dry_powder_musd;
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
