//! Steps 2–3 of the month: firms order chips (sized to a compute target,
//! stockpiling while a rule they know of is pending, optionally financed by
//! chip-backed loans or bought grey), suppliers ration capacity and reprice;
//! then paid orders are delivered after their lead time and old chips retire.

use crate::sim::components::*;
use crate::sim::formulas::{capacity, pro_rata, scarcity_premium};
use crate::sim::output::{CancelReason, Name, Payload};
use crate::sim::resources::*;
use crate::world::Allocation;
use bevy_ecs::prelude::*;

/// A firm's request for one chip model this month.
struct Request {
    entity: Entity,
    id: u32,
    chip: usize,
    units: u64,
}

/// Is `chip` orderable now by a firm with `foresight`, for delivery before
/// any ban it knows of? Returns (orderable, soon banned).
fn orderable(s: &Supplier, book: &RuleBook, tick: i32, foresight: u32) -> (bool, bool) {
    if s.banned || s.available_tick > tick {
        return (false, false);
    }
    match book.known_ban(s.index, tick, foresight) {
        None => (true, false),
        Some(eff) => {
            let arrives = tick + s.lead_time_months as i32;
            (arrives < eff, true)
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn place_chip_orders(
    clock: Res<Clock>,
    params: Res<Params>,
    book: Res<RuleBook>,
    roster: Res<Roster>,
    mut books: ResMut<Books>,
    mut stats: ResMut<MonthStats>,
    mut out: ResMut<Output>,
    mut suppliers: Query<&mut Supplier>,
    mut investors: Query<&mut Investor>,
    pools: Query<&Pool>,
    mut firms: Query<(&Profile, &mut Treasury, &mut Compute, &Workforce)>,
) {
    let w = &params.0;
    let tick = clock.tick as i32;
    let sups: Vec<Supplier> =
        roster.suppliers.iter().filter_map(|e| suppliers.get(*e).ok().cloned()).collect();
    let productivity: Vec<f64> =
        roster.pools.iter().filter_map(|e| pools.get(*e).ok().map(|p| p.productivity)).collect();
    let lender_dry: Vec<f64> =
        roster.investors.iter().filter_map(|e| investors.get(*e).ok().map(|i| i.dry_powder_musd)).collect();
    let fin = &w.finance;
    let grey = &w.chips.grey_market;

    let mut requests: Vec<Request> = Vec::new();
    let mut grey_requests: Vec<Request> = Vec::new();
    for &e in &roster.active {
        let Ok((profile, treasury, compute, workforce)) = firms.get(e) else { continue };
        let r_eff: f64 = workforce.by_pool.iter().zip(&productivity).map(|(n, p)| *n as f64 * p).sum();
        let spendable = treasury.cash_musd - fin.reserve_months * treasury.burn_musd.max(0.0);
        if spendable <= 0.0 || r_eff <= 0.0 {
            continue;
        }
        // which chips can be ordered, and is a known ban pending on one of them?
        let mut best: Option<(usize, f64)> = None;
        let mut stockpiling = false;
        for s in &sups {
            let (ok, soon_banned) = orderable(s, &book, tick, profile.foresight_months);
            if !ok {
                continue;
            }
            stockpiling |= soon_banned;
            let boost = if soon_banned { 1.0 + profile.strategy.stockpile } else { 1.0 };
            let score = s.pflops_per_unit() / s.price_musd * boost;
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((s.index, score));
            }
        }
        let horizon =
            if stockpiling { profile.strategy.stockpile * fin.stockpile_horizon_months } else { 0.0 };
        let target = fin.compute_per_researcher_pflops
            * r_eff
            * (w.research.frontier_drift_monthly * (tick as f64 + horizon)).exp();
        let on_order = compute.on_order_pflops();
        let gap = target - compute.pflops - on_order;
        if gap <= 0.0 {
            continue;
        }
        // while stockpiling ahead of a known ban a firm commits up to its
        // stockpile share of spare cash, otherwise its usual capex share
        let share = if stockpiling {
            fin.capex_share_monthly.max(profile.strategy.stockpile)
        } else {
            fin.capex_share_monthly
        };
        let own_budget = share * spendable;
        if let Some((chip, _)) = best {
            let s = &sups[chip];
            let mut budget = own_budget;
            if let Some((lender, max_out)) = profile.chip_loans.filter(|_| !treasury.defaulted) {
                let ltv = investor_ltv(&investors, roster.investors[lender]);
                let room = (max_out - treasury.debt_musd()).max(0.0).min(lender_dry[lender]);
                budget = (own_budget / (1.0 - ltv).max(0.05)).min(own_budget + room);
            }
            let spend = (gap / s.pflops_per_unit() * s.price_musd).min(budget);
            let units = (spend / s.price_musd).floor() as u64;
            if units > 0 {
                requests.push(Request { entity: e, id: profile.id, chip, units });
            }
        }
        if grey.enabled && profile.strategy.risk >= grey.min_risk {
            // Only a chip that has been launched can be smuggled.
            let banned_best = sups.iter().filter(|s| s.banned && s.available_tick <= tick).max_by(|a, b| {
                a.pflops_per_unit().total_cmp(&b.pflops_per_unit()).then(b.index.cmp(&a.index))
            });
            if let Some(s) = banned_best {
                let appetite = (profile.strategy.risk - grey.min_risk) / (1.0 - grey.min_risk).max(1e-9);
                let price = s.list_price_musd * grey.premium;
                let spend =
                    (grey.max_budget_share * appetite * own_budget).min(gap / s.pflops_per_unit() * price);
                let units = (spend / price).floor() as u64;
                if units > 0 {
                    grey_requests.push(Request { entity: e, id: profile.id, chip: s.index, units });
                }
            }
        }
    }

    // suppliers ration capacity, then reprice for next month
    let mut granted = vec![0u64; requests.len()];
    for s in &sups {
        let idx: Vec<usize> = (0..requests.len()).filter(|&i| requests[i].chip == s.index).collect();
        let demand: u64 = idx.iter().map(|&i| requests[i].units).sum();
        let cap = capacity(s.capacity_base, s.capacity_growth_yearly, (tick - s.available_tick) as f64)
            .floor() as u64;
        let asks: Vec<u64> = idx.iter().map(|&i| requests[i].units).collect();
        let got = match w.chips.allocation {
            Allocation::ProRata => pro_rata(&asks, &vec![1.0; asks.len()], cap),
            Allocation::BigBuyersFirst => {
                let mut order: Vec<usize> = (0..idx.len()).collect();
                order.sort_by(|&a, &b| {
                    asks[b].cmp(&asks[a]).then(requests[idx[a]].id.cmp(&requests[idx[b]].id))
                });
                let mut left = cap;
                let mut got = vec![0u64; idx.len()];
                for k in order {
                    got[k] = asks[k].min(left);
                    left -= got[k];
                }
                got
            }
        };
        for (k, &i) in idx.iter().enumerate() {
            granted[i] = got[k];
        }
        if let Ok(mut sup) = suppliers.get_mut(roster.suppliers[s.index]) {
            sup.premium = scarcity_premium(
                sup.premium,
                demand as f64,
                cap as f64,
                w.chips.price_elasticity,
                w.chips.price_relaxation_monthly,
            );
            sup.price_musd = sup.list_price_musd * (1.0 + sup.premium);
        }
    }

    for (req, units) in requests.iter().zip(granted) {
        if units == 0 {
            continue;
        }
        let s = &sups[req.chip];
        let cost = units as f64 * s.price_musd;
        let Ok((profile, mut treasury, mut compute, _)) = firms.get_mut(req.entity) else { continue };
        let name = &roster.firm_names[profile.id as usize];
        if let Some((lender, max_out)) = profile.chip_loans.filter(|_| !treasury.defaulted)
            && let Ok(mut inv) = investors.get_mut(roster.investors[lender])
            && let Some(terms) = inv.loan.clone()
        {
            let room = (max_out - treasury.debt_musd()).max(0.0);
            let amount = (terms.loan_to_value * cost).min(room).min(inv.dry_powder_musd);
            if amount > 0.0 {
                inv.dry_powder_musd -= amount;
                treasury.cash_musd += amount;
                treasury.loans.push(Loan {
                    lender,
                    principal_musd: amount,
                    rate_monthly: terms.rate_yearly / 12.0,
                    due_tick: clock.tick + terms.maturity_months,
                    chip: req.chip,
                    units,
                });
                out.event(
                    clock.tick,
                    &roster.investor_names[lender],
                    name,
                    units,
                    amount,
                    Payload::Loan {
                        collateral_units: units,
                        chip: Name::clone(&roster.chip_names[req.chip]),
                    },
                );
            }
        }
        treasury.cash_musd -= cost;
        books.add(Flow::ChipPayments, cost);
        compute.place_order(
            Order { chip: req.chip, units, paid_musd: cost, due_tick: clock.tick + s.lead_time_months },
            s.pflops_per_unit(),
        );
        out.event(
            clock.tick,
            name,
            &roster.chip_names[req.chip],
            units,
            cost,
            Payload::ChipOrder {
                due: clock.start.plus((clock.tick + sups[req.chip].lead_time_months) as i32),
            },
        );
    }

    // the grey market: immediate delivery at a premium, rationed pro rata
    if !grey_requests.is_empty() {
        let asks: Vec<u64> = grey_requests.iter().map(|r| r.units).collect();
        let got = pro_rata(&asks, &vec![1.0; asks.len()], grey.units_month.floor() as u64);
        for (req, units) in grey_requests.iter().zip(got) {
            if units == 0 {
                continue;
            }
            let s = &sups[req.chip];
            let cost = units as f64 * s.list_price_musd * grey.premium;
            let Ok((profile, mut treasury, mut compute, _)) = firms.get_mut(req.entity) else { continue };
            treasury.cash_musd -= cost;
            books.add(Flow::ChipPayments, cost);
            books.chips_delivered += units;
            stats.delivered[req.chip] += units;
            compute.add_lot(req.chip, units, clock.tick, s.list_price_musd);
            let name = &roster.firm_names[profile.id as usize];
            let chip = &roster.chip_names[req.chip];
            out.event(clock.tick, name, chip, units, cost, Payload::GreyMarketPurchase);
            out.event(clock.tick, name, chip, units, cost, Payload::ChipDelivery { grey_market: true });
        }
    }
}

fn investor_ltv(investors: &Query<&mut Investor>, e: Entity) -> f64 {
    investors.get(e).ok().and_then(|i| i.loan.as_ref().map(|l| l.loan_to_value)).unwrap_or(0.0)
}

#[allow(clippy::too_many_arguments)]
pub fn deliver_chips(
    clock: Res<Clock>,
    params: Res<Params>,
    roster: Res<Roster>,
    mut books: ResMut<Books>,
    mut stats: ResMut<MonthStats>,
    mut out: ResMut<Output>,
    suppliers: Query<&Supplier>,
    mut firms: Query<(&Profile, &mut Treasury, &mut Compute)>,
    mut due: Local<Vec<Order>>,
) {
    let sups: Vec<Supplier> =
        roster.suppliers.iter().filter_map(|e| suppliers.get(*e).ok().cloned()).collect();
    let prices: Vec<f64> = sups.iter().map(|s| s.list_price_musd).collect();
    let ppu: Vec<f64> = sups.iter().map(|s| s.pflops_per_unit()).collect();
    let lifetime = params.0.chips.lifetime_months;
    let tick = clock.tick;
    for &e in &roster.active {
        let Ok((profile, mut treasury, mut compute)) = firms.get_mut(e) else { continue };
        let name = &roster.firm_names[profile.id as usize];
        compute.take_due(tick, &ppu, &mut due);
        for o in due.drain(..) {
            if sups[o.chip].banned {
                // defensive: a ban cancels orders in `apply_policy`; never deliver a banned chip
                let chip = &roster.chip_names[o.chip];
                refund_order(
                    &o,
                    &mut treasury,
                    &mut books,
                    &mut out,
                    tick,
                    name,
                    chip,
                    CancelReason::ChipBanned,
                );
            } else {
                compute.add_lot(o.chip, o.units, tick, prices[o.chip]);
                books.chips_delivered += o.units;
                stats.delivered[o.chip] += o.units;
                out.event(
                    tick,
                    name,
                    &roster.chip_names[o.chip],
                    o.units,
                    o.paid_musd,
                    Payload::ChipDelivery { grey_market: false },
                );
            }
        }
        books.chips_retired += compute.retire(tick, lifetime, &prices);
        compute.refresh(&ppu, tick, lifetime);
    }
}

/// Book value of lots (straight-line over `lifetime` months), USD M.
pub fn book_value(lots: &[Lot], sups: &[Supplier], tick: u32, lifetime: u32) -> f64 {
    let life = lifetime.max(1) as f64;
    lots.iter().fold(0.0, |acc, l| {
        let age = tick.saturating_sub(l.delivered_tick) as f64;
        acc + l.units() as f64 * sups[l.chip()].list_price_musd * (1.0 - age / life).max(0.0)
    })
}

/// Cancel a paid order: refund the firm in full and log `order_cancelled`.
#[allow(clippy::too_many_arguments)]
pub fn refund_order(
    order: &Order,
    treasury: &mut Treasury,
    books: &mut Books,
    out: &mut Output,
    tick: u32,
    firm: &Name,
    chip: &Name,
    why: CancelReason,
) {
    treasury.cash_musd += order.paid_musd;
    books.add(Flow::ChipRefunds, order.paid_musd);
    out.event(tick, firm, chip, order.units, order.paid_musd, Payload::OrderCancelled { reason: why });
}
