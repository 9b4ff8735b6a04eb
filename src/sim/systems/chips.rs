//! Steps 2–3 of the month: firms order chips (sized to a compute target,
//! stockpiling while a rule they know of is pending, optionally financed by
//! chip-backed loans or bought grey), suppliers ration capacity and reprice;
//! then paid orders are delivered after their lead time and old chips retire.

use super::params::{Bookkeeping, Context, Refund};
use crate::sim::components::*;
use crate::sim::formulas::{capacity, pro_rata, scarcity_premium};
use crate::sim::output::{CancelReason, Name, Payload};
use crate::sim::resources::*;
use crate::world::Allocation;
use bevy_ecs::prelude::*;

/// Most chip models one firm orders in a month (the best value first).
const MAX_MODELS_PER_ORDER: usize = 3;

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

/// The firms' side of the chip market: who they are, what they can spend,
/// what they hold and have on order, and whom they employ.
type Buyer<'a> = (
    Entity,
    &'a Firm,
    &'a Profile,
    &'a mut Treasury,
    &'a mut Debts,
    &'a mut Compute,
    &'a mut ChipOrders,
    &'a Workforce,
    &'a Role,
);

/// Firms ask for chips (in id order), suppliers ration capacity, paid
/// orders (some financed by chip-backed loans) and grey-market purchases
/// are booked, then suppliers reprice for next month.
pub fn place_chip_orders(
    ctx: Context,
    bk: Bookkeeping,
    book: Res<RuleBook>,
    mut suppliers: ResMut<Suppliers>,
    mut investors: ResMut<Investors>,
    pools: Res<Pools>,
    mut firms: Query<Buyer, With<Active>>,
) {
    let Context { clock, params, roster, active } = ctx;
    let Bookkeeping { mut books, mut stats, mut out } = bk;
    let w = &params.0;
    let tick = clock.tick as i32;
    let productivity: Vec<f64> = pools.iter().map(|p| p.productivity).collect();
    // read-only until the repricing at the end
    let sups: &[Supplier] = &suppliers;
    let fin = &w.finance;
    let grey = &w.chips.grey_market;

    let mut requests: Vec<Request> = Vec::new();
    let mut grey_requests: Vec<Request> = Vec::new();
    // one buffer for every firm's ranking (no allocation per firm)
    let mut ranked: Vec<(usize, f64)> = Vec::with_capacity(sups.len());
    for (e, firm, profile, treasury, debts, compute, orders, workforce, role) in
        firms.iter_many(&active.0).flatten()
    {
        let r_eff: f64 = workforce.by_pool.iter().zip(&productivity).map(|(n, p)| *n as f64 * p).sum();
        let spendable = treasury.cash_musd - fin.reserve_months * treasury.burn_musd.max(0.0);
        // an application company builds on others' models: it buys no chips
        if spendable <= 0.0 || r_eff <= 0.0 || *role != Role::Lab {
            continue;
        }
        // which chips can be ordered (best value first), and is a known ban
        // pending on one of them?
        ranked.clear();
        let mut stockpiling = false;
        for s in sups.iter() {
            let (ok, soon_banned) = orderable(s, &book, tick, profile.foresight_months);
            if !ok {
                continue;
            }
            stockpiling |= soon_banned;
            let boost = if soon_banned { 1.0 + profile.strategy.stockpile } else { 1.0 };
            ranked.push((s.index, s.pflops_per_unit() / s.price_musd * boost));
        }
        // strictly better first; ties keep the lower index
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let horizon =
            if stockpiling { profile.strategy.stockpile * fin.stockpile_horizon_months } else { 0.0 };
        let target = fin.compute_per_researcher_pflops
            * r_eff
            * (w.research.frontier_drift_monthly * (tick as f64 + horizon)).exp();
        let on_order = orders.on_order_pflops();
        let mut gap = target - compute.pflops - on_order;
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
        let mut budget = own_budget;
        if let Some((lender, max_out)) = profile.chip_loans.filter(|_| !debts.defaulted) {
            let ltv = investors[lender].loan.as_ref().map(|l| l.loan_to_value).unwrap_or(0.0);
            let room = (max_out - debts.debt_musd()).max(0.0).min(investors[lender].dry_powder_musd);
            budget = (own_budget / (1.0 - ltv).max(0.05)).min(own_budget + room);
        }
        // the gap is filled from the best chip on, each request sized by what
        // the supplier delivered of last month's requests (so a rationed
        // chip's shortfall goes to the next one); one budget for all
        let mut expected_spend = 0.0;
        for &(chip, _) in ranked.iter().take(MAX_MODELS_PER_ORDER) {
            let s = &sups[chip];
            let fill = s.fill_rate.clamp(0.0, 1.0);
            if gap <= 0.0 || budget - expected_spend <= 0.0 || fill <= 0.0 {
                break;
            }
            let spend = (gap / s.pflops_per_unit() * s.price_musd).min((budget - expected_spend) / fill);
            let units = (spend / s.price_musd).floor() as u64;
            if units == 0 {
                continue;
            }
            requests.push(Request { entity: e, id: firm.id, chip, units });
            gap -= units as f64 * fill * s.pflops_per_unit();
            expected_spend += units as f64 * fill * s.price_musd;
        }
        if grey.enabled && profile.strategy.risk >= grey.min_risk && gap > 0.0 {
            // Only a chip that has been launched can be smuggled.
            let banned_best = sups.iter().filter(|s| s.banned && s.available_tick <= tick).max_by(|a, b| {
                a.pflops_per_unit().total_cmp(&b.pflops_per_unit()).then(b.index.cmp(&a.index))
            });
            if let Some(s) = banned_best {
                let appetite = (profile.strategy.risk - grey.min_risk) / (1.0 - grey.min_risk).max(1e-9);
                let price = s.list_price_musd * grey.premium;
                // grey buying shares the month's budget with the legal orders
                let left = (own_budget - expected_spend).max(0.0);
                let spend = (grey.max_budget_share * appetite * own_budget)
                    .min(left)
                    .min(gap / s.pflops_per_unit() * price);
                let units = (spend / price).floor() as u64;
                if units > 0 {
                    grey_requests.push(Request { entity: e, id: firm.id, chip: s.index, units });
                }
            }
        }
    }

    // suppliers ration capacity; (demand, capacity) per chip for repricing
    let mut granted = vec![0u64; requests.len()];
    let mut tightness: Vec<(u64, u64)> = Vec::with_capacity(sups.len());
    let mut fills: Vec<f64> = Vec::with_capacity(sups.len());
    for s in sups.iter() {
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
        let delivered: u64 = got.iter().sum();
        fills.push(if demand > 0 { delivered as f64 / demand as f64 } else { 1.0 });
        tightness.push((demand, cap));
    }

    for (req, units) in requests.iter().zip(granted) {
        if units == 0 {
            continue;
        }
        let s = &sups[req.chip];
        let cost = units as f64 * s.price_musd;
        let (pflops_per_unit, lead_time_months) = (s.pflops_per_unit(), s.lead_time_months);
        let Ok((_, firm, profile, mut treasury, mut debts, _, mut orders, ..)) = firms.get_mut(req.entity)
        else {
            continue;
        };
        let name = &roster.firm_names[firm.id as usize];
        let mut loan_id = None;
        if let Some((lender, max_out)) = profile.chip_loans.filter(|_| !debts.defaulted)
            && let Some(inv) = investors.get_mut(lender)
            && let Some(terms) = inv.loan.clone()
        {
            let room = (max_out - debts.debt_musd()).max(0.0);
            let amount = (terms.loan_to_value * cost).min(room).min(inv.dry_powder_musd);
            if amount > 0.0 {
                inv.dry_powder_musd -= amount;
                treasury.cash_musd += amount;
                let id = debts.next_id;
                loan_id = Some(id);
                debts.loans.push(Loan {
                    id,
                    lender,
                    principal_musd: amount,
                    rate_monthly: terms.rate_yearly / 12.0,
                    due_tick: clock.tick + terms.maturity_months,
                    chip: req.chip,
                    units,
                });
                debts.next_id += 1;
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
        orders.place(
            Order {
                chip: req.chip,
                units,
                paid_musd: cost,
                due_tick: clock.tick + lead_time_months,
                loan: loan_id,
            },
            pflops_per_unit,
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
            let unit_price = sups[req.chip].list_price_musd * grey.premium;
            let cost = units as f64 * unit_price;
            let Ok((_, firm, _, mut treasury, _, mut compute, ..)) = firms.get_mut(req.entity) else {
                continue;
            };
            treasury.cash_musd -= cost;
            books.add(Flow::ChipPayments, cost);
            books.chips_delivered += units;
            stats.delivered[req.chip] += units;
            compute.add_lot(req.chip, units, clock.tick, unit_price, None);
            let name = &roster.firm_names[firm.id as usize];
            let chip = &roster.chip_names[req.chip];
            out.event(clock.tick, name, chip, units, cost, Payload::GreyMarketPurchase);
            out.event(clock.tick, name, chip, units, cost, Payload::ChipDelivery { grey_market: true });
        }
    }

    // suppliers reprice for next month (this month's orders paid the old
    // price): the scarcity premium, capped by arbitrage — no legal chip
    // costs more than the grey market's price multiple of its list price,
    // nor more per PFLOP/s than the best chip the grey market sells
    let grey_per_pflops = if grey.enabled && grey.units_month >= 1.0 {
        suppliers
            .iter()
            .filter(|s| s.banned && s.available_tick <= tick && s.pflops_per_unit() > 0.0)
            .map(|s| s.list_price_musd * grey.premium / s.pflops_per_unit())
            .fold(f64::INFINITY, f64::min)
    } else {
        f64::INFINITY
    };
    for ((sup, (demand, cap)), fill) in suppliers.iter_mut().zip(tightness).zip(fills) {
        let premium = scarcity_premium(
            sup.premium,
            demand as f64,
            cap as f64,
            w.chips.price_elasticity,
            w.chips.price_relaxation_monthly,
        );
        let price = (sup.list_price_musd * (1.0 + premium))
            .min(sup.list_price_musd * grey.premium.max(1.0))
            .min(sup.pflops_per_unit() * grey_per_pflops)
            .max(sup.list_price_musd);
        sup.premium = price / sup.list_price_musd - 1.0;
        sup.price_musd = price;
        sup.fill_rate = fill;
    }
}

/// Paid orders that are due arrive (in firm id order), old lots retire, and
/// each firm's usable compute and book value are brought up to date.
pub fn deliver_chips(
    ctx: Context,
    bk: Bookkeeping,
    suppliers: Res<Suppliers>,
    mut firms: Query<(&Firm, &mut Treasury, &mut Compute, &mut ChipOrders), With<Active>>,
    mut due: Local<Vec<Order>>,
) {
    let Context { clock, params, roster, active } = ctx;
    let Bookkeeping { mut books, mut stats, mut out } = bk;
    let ppu = suppliers.pflops_per_unit();
    let lifetime = params.0.chips.lifetime_months;
    let tick = clock.tick;
    let mut walk = firms.iter_many_mut(&active.0);
    while let Some(item) = walk.fetch_next() {
        let Ok((firm, mut treasury, mut compute, mut orders)) = item else { continue };
        let name = &roster.firm_names[firm.id as usize];
        orders.take_due(tick, ppu, &mut due);
        for o in due.drain(..) {
            if suppliers[o.chip].banned {
                // defensive: a ban cancels orders in `apply_rules`; never deliver a banned chip
                let chip = &roster.chip_names[o.chip];
                let to = Refund { tick, firm: name, chip };
                refund_order(&o, &mut treasury, &mut books, &mut out, to, CancelReason::ChipBanned);
            } else {
                compute.add_lot(o.chip, o.units, tick, o.paid_musd / o.units.max(1) as f64, o.loan);
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
        books.chips_retired += compute.retire(tick, lifetime);
        compute.refresh(ppu, tick, lifetime);
    }
}

/// Book value of lots (straight-line over `lifetime` months from the price
/// paid), USD M.
pub fn book_value(lots: &[Lot], tick: u32, lifetime: u32) -> f64 {
    let life = lifetime.max(1) as f64;
    lots.iter().fold(0.0, |acc, l| {
        let age = tick.saturating_sub(l.delivered_tick) as f64;
        acc + l.units() as f64 * l.price_musd * (1.0 - age / life).max(0.0)
    })
}

/// Cancel a paid order: refund the firm in full and log `order_cancelled`.
pub fn refund_order(
    order: &Order,
    treasury: &mut Treasury,
    books: &mut Books,
    out: &mut Output,
    to: Refund,
    why: CancelReason,
) {
    let Refund { tick, firm, chip } = to;
    treasury.cash_musd += order.paid_musd;
    books.add(Flow::ChipRefunds, order.paid_musd);
    out.event(tick, firm, chip, order.units, order.paid_musd, Payload::OrderCancelled { reason: why });
}
