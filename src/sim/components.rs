//! ECS components: plain data, one concern each, all on firm entities. A
//! firm is `Firm` (its stable id), `Profile`, `Founding`, `Status`,
//! `Treasury`, `Debts`, `Equity`, `Compute`, `ChipOrders`, `Workforce`,
//! `Capability` and `Sales`; the `Active` marker says it is in the market
//! now. Chip suppliers, talent pools and investors are fixed, indexed lists,
//! not entities (see `resources`). Methods here only keep a component's own
//! caches consistent; the model's rules live in the systems.

use crate::world::{Strategy, Tier};
use bevy_ecs::prelude::*;
use std::collections::VecDeque;

pub use crate::world::{MAX_CHIPS, MAX_POOLS};

/// A firm's stable id: index into the run's firm names, in creation order.
/// Systems that draw random numbers, ration or sum walk firms in this order.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Firm {
    pub id: u32,
}

/// Marker: the firm is in the market (entered, not acquired, not exited).
/// Mirrors `Status::Active`; set on entry, removed when the firm leaves.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Active;

/// What a firm is and how it behaves; fixed after entry.
#[derive(Component, Clone, Debug)]
pub struct Profile {
    pub tier: Tier,
    pub strategy: Strategy,
    pub foresight_months: u32,
    /// Core (non-AI) cash flow, USD M per month.
    pub core_cash_flow_musd: f64,
    /// Tokens served per FLOP, a multiple of the market's reference.
    pub serving_efficiency: f64,
    /// (tick, efficiency): from that tick the firm serves at that
    /// efficiency instead (a documented change of architecture).
    pub serving_upgrade: Option<(i32, f64)>,
    /// Effective training compute per FLOP, a multiple of the reference.
    pub training_efficiency: f64,
    /// Data from its own platforms, 0..1.
    pub platform_data: f64,
    /// Tick from which it publishes its models' weights (`None`: never).
    pub open_weights_from: Option<i32>,
    /// Chip-backed loans: (lender investor index, max outstanding USD M).
    pub chip_loans: Option<(usize, f64)>,
}

impl Profile {
    /// Tokens served per FLOP at `tick`, a multiple of the market's
    /// reference: the starting efficiency, or the upgrade once it is in.
    pub fn serving_efficiency_at(&self, tick: u32) -> f64 {
        match self.serving_upgrade {
            Some((from, e)) if tick as i32 >= from => e,
            _ => self.serving_efficiency,
        }
    }
}

/// What a firm does in the model market (docs/model-v2.md §7): a lab
/// trains and serves its own foundation model; after a pivot it builds
/// applications on others' models and leaves the model market (it still
/// counts as a firm, not as a lab).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Lab,
    App,
}

/// What a lab decided this month about its future (docs/model-v2.md §7);
/// `acquire_and_exit` carries out a sale, a closure or a team transfer.
#[derive(Component, Clone, Copy, Debug, PartialEq, Default)]
pub enum Plan {
    #[default]
    Continue,
    /// Put itself up for sale.
    Sell,
    /// Close: sell the chips, repay what it can, return the rest.
    Close,
    /// Hand its team to this giant, then close.
    TeamTransfer(Entity),
}

/// When a firm enters and what its founders bring.
#[derive(Component, Clone, Copy, Debug)]
pub struct Founding {
    /// Founders' capital at entry, USD M.
    pub cash_musd: f64,
    /// Tick at which the firm enters.
    pub entry_tick: u32,
}

#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub enum Status {
    /// Not founded yet.
    Pending,
    Active,
    Acquired {
        by: u32,
        tick: u32,
    },
    Exited {
        tick: u32,
    },
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Acquired { .. } => "acquired",
            Status::Exited { .. } => "exited",
        }
    }
}

/// A chip-backed loan.
#[derive(Clone, Debug)]
pub struct Loan {
    /// The firm's number for this loan (orders and lots it financed carry it).
    pub id: u32,
    /// Lender investor index.
    pub lender: usize,
    /// Outstanding principal, USD M.
    pub principal_musd: f64,
    /// Interest, fraction per month.
    pub rate_monthly: f64,
    /// Tick at which it falls due.
    pub due_tick: u32,
    /// Collateral: chip index and units.
    pub chip: usize,
    pub units: u64,
}

/// Cash and the monthly burn.
#[derive(Component, Clone, Debug, Default)]
pub struct Treasury {
    /// Cutting costs after a failed round: no pre-training, no hiring.
    pub cost_cut: bool,
    pub cash_musd: f64,
    /// Monthly net burn (costs minus income), USD M; ≤ 0 means cash-positive.
    pub burn_musd: f64,
}

impl Treasury {
    /// Months of cash at the current burn (large when cash-positive).
    pub fn runway_months(&self) -> f64 {
        if self.burn_musd <= 1e-9 {
            if self.cash_musd >= 0.0 { 1e6 } else { 0.0 }
        } else {
            self.cash_musd / self.burn_musd
        }
    }
}

/// Chip-backed loans outstanding.
#[derive(Component, Clone, Debug, Default)]
pub struct Debts {
    pub loans: Vec<Loan>,
    /// Has defaulted on a chip-backed loan: lenders lend it no more.
    pub defaulted: bool,
    /// The id the next loan gets.
    pub next_id: u32,
}

impl Debts {
    pub fn debt_musd(&self) -> f64 {
        self.loans.iter().fold(0.0, |acc, l| acc + l.principal_musd)
    }
}

/// The firm's valuation and its funding rounds.
#[derive(Component, Clone, Debug, Default)]
pub struct Equity {
    /// This month's valuation on fundamentals, or the post-money of a round
    /// raised this month, USD M.
    pub valuation_musd: f64,
    /// Tick of the last funding round.
    pub last_round_tick: Option<u32>,
    /// Modelled investors' stakes: (investor index, fraction of the firm),
    /// diluted by each later round.
    pub stakes: Vec<(usize, f64)>,
    /// Venture money raised in each of the last 12 months, USD M (newest last).
    pub raised: [f64; 12],
    /// The investor that led its last round (met first when it pitches again).
    pub lead: Option<usize>,
}

impl Equity {
    /// Sell `fraction` of the firm to `investor` in a round: earlier stakes
    /// are diluted by `1 − fraction`.
    pub fn sell(&mut self, investor: usize, fraction: f64) {
        let f = fraction.clamp(0.0, 1.0);
        for (_, s) in &mut self.stakes {
            *s *= 1.0 - f;
        }
        match self.stakes.iter_mut().find(|(i, _)| *i == investor) {
            Some((_, s)) => *s += f,
            None => self.stakes.push((investor, f)),
        }
    }

    /// Venture money raised over the last 12 months, USD M.
    pub fn raised_last_year(&self) -> f64 {
        self.raised.iter().sum()
    }
}

/// A batch of chips of one model delivered in one month.
#[derive(Clone, Debug)]
pub struct Lot {
    pub units: u32,
    pub delivered_tick: u32,
    /// Supplier index (< MAX_CHIPS).
    pub chip: u8,
    /// The chip-backed loan that financed it, if any (its collateral).
    pub loan: Option<u32>,
    /// What was paid per unit, USD M (the book value's basis).
    pub price_musd: f64,
}

impl Lot {
    pub fn units(&self) -> u64 {
        self.units as u64
    }
    pub fn chip(&self) -> usize {
        self.chip as usize
    }
}

/// An order placed and paid, awaiting delivery.
#[derive(Clone, Debug)]
pub struct Order {
    pub chip: usize,
    pub units: u64,
    pub paid_musd: f64,
    pub due_tick: u32,
    /// The chip-backed loan that financed it, if any.
    pub loan: Option<u32>,
}

/// The chips a firm holds, oldest first, with caches kept in step with them.
#[derive(Component, Clone, Debug)]
pub struct Compute {
    /// Held chips, oldest first.
    pub lots: VecDeque<Lot>,
    /// Units held per chip model (cache of `lots`), by supplier index.
    pub units: [u64; MAX_CHIPS],
    /// Usable PFLOP/s (dense BF16 × ecosystem efficiency).
    pub pflops: f64,
    /// Book value of held chips (straight-line over lifetime), USD M.
    pub book_musd: f64,
    /// Σ units × list price over lots, USD M (cache of `lots`).
    pub list_value_musd: f64,
    /// Σ units × list price × delivery tick over lots (cache of `lots`).
    pub list_value_ticks: f64,
    /// Delivery tick of the oldest lot (`u32::MAX` when none): lets
    /// `retire` skip firms with nothing to retire without touching `lots`.
    oldest_tick: u32,
}

impl Default for Compute {
    fn default() -> Self {
        Compute {
            lots: VecDeque::new(),
            units: [0; MAX_CHIPS],
            pflops: 0.0,
            book_musd: 0.0,
            list_value_musd: 0.0,
            list_value_ticks: 0.0,
            oldest_tick: u32::MAX,
        }
    }
}

/// Chips ordered and paid for, awaiting delivery, in the order placed.
#[derive(Component, Clone, Debug)]
pub struct ChipOrders {
    pub orders: Vec<Order>,
    /// Usable PFLOP/s on order (cache of `orders`).
    on_order_pflops: f64,
    /// Earliest due tick of the orders (`u32::MAX` when none).
    next_due_tick: u32,
}

impl Default for ChipOrders {
    fn default() -> Self {
        ChipOrders { orders: Vec::new(), on_order_pflops: 0.0, next_due_tick: u32::MAX }
    }
}

impl ChipOrders {
    /// Usable PFLOP/s of the chips on order.
    pub fn on_order_pflops(&self) -> f64 {
        self.on_order_pflops
    }

    /// Record a paid order; `pflops_per_unit` is the chip's usable PFLOP/s.
    pub fn place(&mut self, order: Order, pflops_per_unit: f64) {
        self.on_order_pflops += order.units as f64 * pflops_per_unit;
        self.next_due_tick = self.next_due_tick.min(order.due_tick);
        self.orders.push(order);
    }

    /// Remove and return the orders that satisfy `pred`, keeping the rest
    /// in order; the on-order caches are recomputed.
    pub fn take(&mut self, pflops_per_unit: &[f64], mut pred: impl FnMut(&Order) -> bool) -> Vec<Order> {
        let mut taken = Vec::new();
        let mut kept = Vec::with_capacity(self.orders.len());
        for o in self.orders.drain(..) {
            if pred(&o) { taken.push(o) } else { kept.push(o) }
        }
        self.orders = kept;
        self.on_order_pflops = self.orders.iter().map(|o| o.units as f64 * pflops_per_unit[o.chip]).sum();
        self.next_due_tick = self.orders.iter().map(|o| o.due_tick).min().unwrap_or(u32::MAX);
        taken
    }

    /// Move the orders due at or before `tick` into `due` (cleared first),
    /// in the order they were placed; nothing is touched when none is due.
    pub fn take_due(&mut self, tick: u32, pflops_per_unit: &[f64], due: &mut Vec<Order>) {
        due.clear();
        if self.next_due_tick > tick {
            return;
        }
        due.extend(self.orders.extract_if(.., |o| o.due_tick <= tick));
        self.on_order_pflops = self.orders.iter().map(|o| o.units as f64 * pflops_per_unit[o.chip]).sum();
        self.next_due_tick = self.orders.iter().map(|o| o.due_tick).min().unwrap_or(u32::MAX);
    }

    /// Take over all of `other`'s orders.
    pub fn absorb(&mut self, other: &mut ChipOrders) {
        self.orders.append(&mut other.orders);
        self.on_order_pflops += std::mem::take(&mut other.on_order_pflops);
        self.next_due_tick = self.next_due_tick.min(std::mem::replace(&mut other.next_due_tick, u32::MAX));
    }
}

impl Compute {
    fn note_oldest(&mut self) {
        self.oldest_tick = self.lots.front().map(|l| l.delivered_tick).unwrap_or(u32::MAX);
    }

    pub fn total_units(&self) -> u64 {
        self.units.iter().sum()
    }

    /// Receive `units` of `chip` bought at `price` USD M a unit (its book
    /// basis) at `tick`, financed by `loan` if any, merging with the newest
    /// lot when it is the same chip, month, price and loan.
    pub fn add_lot(&mut self, chip: usize, units: u64, tick: u32, price: f64, loan: Option<u32>) {
        if units == 0 {
            return;
        }
        self.units[chip] += units;
        let v = units as f64 * price;
        self.list_value_musd += v;
        self.list_value_ticks += v * tick as f64;
        self.oldest_tick = self.oldest_tick.min(tick);
        if let Some(last) = self.lots.back_mut()
            && last.chip() == chip
            && last.delivered_tick == tick
            && last.loan == loan
            && last.price_musd == price
            && let Some(sum) = last.units.checked_add(units as u32).filter(|_| units <= u32::MAX as u64)
        {
            last.units = sum;
            return;
        }
        // a lot holds at most u32::MAX units; larger deliveries are split
        let mut left = units;
        while left > 0 {
            let k = left.min(u32::MAX as u64);
            self.lots.push_back(Lot {
                units: k as u32,
                delivered_tick: tick,
                chip: chip as u8,
                loan,
                price_musd: price,
            });
            left -= k;
        }
    }

    fn forget(&mut self, lot: &Lot) {
        self.units[lot.chip()] -= lot.units();
        let v = lot.units() as f64 * lot.price_musd;
        self.list_value_musd -= v;
        self.list_value_ticks -= v * lot.delivered_tick as f64;
        if self.lots.is_empty() {
            // no rounding residue in an empty stock
            self.list_value_musd = 0.0;
            self.list_value_ticks = 0.0;
        }
    }

    /// Retire lots that reached `lifetime` months of service; returns units retired.
    pub fn retire(&mut self, tick: u32, lifetime: u32) -> u64 {
        let mut retired = 0;
        if tick.saturating_sub(self.oldest_tick) < lifetime {
            return 0;
        }
        while let Some(front) = self.lots.front() {
            if tick.saturating_sub(front.delivered_tick) < lifetime {
                break;
            }
            let lot = self.lots.pop_front().expect("front exists");
            self.forget(&lot);
            retired += lot.units();
        }
        self.note_oldest();
        retired
    }

    /// Remove up to `units` chips of model `chip` (all models when `None`),
    /// oldest first; returns the removed lots.
    pub fn take(&mut self, chip: Option<usize>, units: u64) -> Vec<Lot> {
        self.take_where(units, |l| chip.is_none_or(|c| c == l.chip()))
    }

    /// Seize the collateral of loan `loan`: the lots it financed first, then
    /// the oldest lots of its chip, up to `units`.
    pub fn take_collateral(&mut self, loan: u32, chip: usize, units: u64) -> Vec<Lot> {
        let mut taken = self.take_where(units, |l| l.loan == Some(loan));
        let got: u64 = taken.iter().map(|l| l.units()).sum();
        taken.extend(self.take_where(units - got, |l| l.chip() == chip));
        taken
    }

    /// Remove up to `units` chips from lots that satisfy `pick`, oldest first.
    fn take_where(&mut self, units: u64, pick: impl Fn(&Lot) -> bool) -> Vec<Lot> {
        let mut left = units;
        let mut taken = Vec::new();
        let mut kept = VecDeque::with_capacity(self.lots.len());
        for mut lot in self.lots.drain(..) {
            if left > 0 && pick(&lot) {
                let k = lot.units().min(left);
                left -= k;
                taken.push(Lot { units: k as u32, ..lot.clone() });
                lot.units -= k as u32;
            }
            if lot.units > 0 {
                kept.push_back(lot);
            }
        }
        self.lots = kept;
        for l in &taken {
            self.forget(l);
        }
        self.note_oldest();
        taken
    }

    /// Take over all of `other`'s chips.
    pub fn absorb(&mut self, other: &mut Compute) {
        self.lots.extend(other.lots.drain(..));
        self.lots.make_contiguous().sort_by_key(|l| l.delivered_tick);
        for (a, b) in self.units.iter_mut().zip(other.units.iter_mut()) {
            *a += std::mem::take(b);
        }
        self.list_value_musd += std::mem::take(&mut other.list_value_musd);
        self.list_value_ticks += std::mem::take(&mut other.list_value_ticks);
        self.note_oldest();
        other.oldest_tick = u32::MAX;
        other.pflops = 0.0;
        other.book_musd = 0.0;
    }

    /// Recompute usable PFLOP/s (from units) and the book value at `tick`.
    pub fn refresh(&mut self, pflops_per_unit: &[f64], tick: u32, lifetime: u32) {
        self.pflops = self.units.iter().zip(pflops_per_unit).map(|(u, p)| *u as f64 * p).sum();
        self.book_musd = self.book_at(tick, lifetime);
    }

    /// Straight-line book value at `tick` from the caches, USD M:
    /// `Σ v_l (1 − (t − d_l)/L) = A − (t·A − B)/L` with `A = Σ v_l`,
    /// `B = Σ v_l d_l` — exact while every lot is younger than its lifetime
    /// (older lots are retired first).
    pub fn book_at(&self, tick: u32, lifetime: u32) -> f64 {
        let life = lifetime.max(1) as f64;
        (self.list_value_musd - (tick as f64 * self.list_value_musd - self.list_value_ticks) / life).max(0.0)
    }
}

#[derive(Component, Clone, Debug, Default)]
pub struct Workforce {
    /// Researchers per talent pool, by pool index (unused slots are 0).
    pub by_pool: [u32; MAX_POOLS],
    /// Wage offer as a multiple of the going wage.
    pub offer: f64,
    /// Vacancies it posted this month, all pools (researchers).
    pub vacancies: u64,
}

impl Workforce {
    pub fn total(&self) -> u32 {
        self.by_pool.iter().sum()
    }
}

#[derive(Component, Clone, Debug, Default)]
pub struct Capability {
    /// True model quality, points.
    pub value: f64,
    /// Training stock behind it, effective PFLOP/s-months.
    pub stock: f64,
    /// Reported leaderboard score, points.
    pub benchmark: f64,
}

#[derive(Component, Clone, Debug, Default)]
pub struct Sales {
    /// Share of the tokens served in the model market, 0..1.
    pub share: f64,
    /// Revenue from tokens this month, USD M.
    pub revenue_musd: f64,
    /// Tokens served this month, T tok.
    pub volume_ttok: f64,
    /// Revenue of each of the last six months before this one, USD M (oldest first).
    pub past_revenue_musd: [f64; 6],
}

impl Sales {
    /// Revenue growth over six months, annualised: `(r_t / r_{t−6})² − 1`,
    /// clamped to [−0.9, 3]; 0 without revenue then and now, 3 from nothing.
    pub fn growth_yearly(&self) -> f64 {
        let then = self.past_revenue_musd[0];
        if then > 0.0 {
            ((self.revenue_musd / then).powi(2) - 1.0).clamp(-0.9, 3.0)
        } else if self.revenue_musd > 0.0 {
            3.0
        } else {
            0.0
        }
    }
}

/// Most months a lab looks back at its share (`pricing.window_months`).
pub const SHARE_WINDOW: usize = 12;

/// A lab's token price and what its pricing rule remembers
/// (docs/model-v2.md §2).
#[derive(Component, Clone, Debug)]
pub struct Pricing {
    /// Price, USD per million tokens; `None` before the lab's first month.
    pub price_usd_mtok: Option<f64>,
    /// Cost of serving, USD per million tokens, this month.
    pub cost_usd_mtok: f64,
    /// Defending its share with price cuts.
    pub defending: bool,
    /// Months since it was last challenged.
    pub calm_months: u32,
    /// Its share at the end of each of the last months, newest last.
    pub shares: [f64; SHARE_WINDOW],
    /// How many months `shares` holds (up to `SHARE_WINDOW`).
    pub seen: u32,
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing {
            price_usd_mtok: None,
            cost_usd_mtok: 0.0,
            defending: false,
            calm_months: 0,
            shares: [0.0; SHARE_WINDOW],
            seen: 0,
        }
    }
}

impl Pricing {
    /// Its share `months` months ago (1 = last month), if it was in the market then.
    pub fn share_ago(&self, months: usize) -> Option<f64> {
        (months >= 1 && months <= self.seen as usize && months <= SHARE_WINDOW)
            .then(|| self.shares[SHARE_WINDOW - months])
    }

    /// Remember this month's share.
    pub fn push_share(&mut self, share: f64) {
        self.shares.rotate_left(1);
        self.shares[SHARE_WINDOW - 1] = share;
        self.seen = (self.seen + 1).min(SHARE_WINDOW as u32);
    }
}
