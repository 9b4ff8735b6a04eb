//! ECS resources, all of them: the clock, the parameters, the RNG, the rule
//! book, the names of everyone in the run, the chip suppliers, talent pools
//! and investors (fixed lists indexed as in the world file, not entities),
//! the entry queue, the event log and the run's accumulators. Systems live
//! in `systems/`; nothing here encodes a model rule.

use crate::sim::output::{ChipRow, Event, FirmRow, Ledger, MonthRow, Name, Payload};
use crate::world::{InvestorKind, LoanTerms, Month, World};
use bevy_ecs::prelude::*;
use rand::rngs::ChaCha8Rng;
use std::sync::Arc;

/// The current tick (0-based) and its calendar month.
#[derive(Resource, Clone, Copy, Debug)]
pub struct Clock {
    pub tick: u32,
    pub start: Month,
}

impl Clock {
    pub fn month(&self) -> Month {
        self.start.plus(self.tick as i32)
    }
    /// Years since the start (for growth rates).
    pub fn years(&self) -> f64 {
        self.tick as f64 / 12.0
    }
}

/// The resolved world, read-only for systems.
#[derive(Resource, Clone)]
pub struct Params(pub Arc<World>);

/// The run's single random stream.
#[derive(Resource)]
pub struct SimRng(pub ChaCha8Rng);

/// One export rule with its coverage resolved to chip indices.
#[derive(Clone, Debug)]
pub struct RuleState {
    pub name: String,
    pub announced_tick: i32,
    pub effective_tick: i32,
    pub chips: Vec<usize>,
}

#[derive(Resource, Clone, Debug, Default)]
pub struct RuleBook {
    pub rules: Vec<RuleState>,
}

impl RuleBook {
    /// Tick from which `chip` is banned as far as a firm with `foresight`
    /// months of advance knowledge knows at `tick`; `None` if it knows of no
    /// rule covering the chip.
    pub fn known_ban(&self, chip: usize, tick: i32, foresight: u32) -> Option<i32> {
        self.rules
            .iter()
            .filter(|r| tick >= r.announced_tick - foresight as i32 && r.chips.contains(&chip))
            .map(|r| r.effective_tick)
            .min()
    }
}

/// The names of everyone in the run, by stable index: firms by `Firm::id`,
/// investors, chips and pools by their index in the world file.
#[derive(Resource, Clone, Debug, Default)]
pub struct Roster {
    pub firm_names: Vec<Name>,
    pub investor_names: Vec<Name>,
    pub chip_names: Vec<Name>,
    pub pool_names: Vec<Name>,
}

/// One chip model and its supplier.
#[derive(Clone, Debug)]
pub struct Supplier {
    pub index: usize,
    pub domestic: bool,
    pub tflops_bf16: f64,
    pub tpp: f64,
    pub list_price_musd: f64,
    /// Current price, USD M per unit.
    pub price_musd: f64,
    /// Scarcity premium over list, fraction.
    pub premium: f64,
    pub capacity_base: f64,
    pub capacity_growth_yearly: f64,
    pub available_tick: i32,
    pub lead_time_months: u32,
    pub efficiency: f64,
    /// Banned by an effective rule.
    pub banned: bool,
    /// Share of last month's requested units it delivered (1 without demand):
    /// what a buyer expects to get.
    pub fill_rate: f64,
}

impl Supplier {
    /// Usable PFLOP/s of one unit.
    pub fn pflops_per_unit(&self) -> f64 {
        self.tflops_bf16 * self.efficiency / 1000.0
    }
}

/// The chip suppliers, by chip index. Not entities: a fixed list that lots,
/// orders and loans refer to by index; it dereferences to `[Supplier]`.
#[derive(Resource, Clone, Debug, Default)]
pub struct Suppliers {
    list: Vec<Supplier>,
    /// List price per chip, USD M (fixed for the run).
    list_prices: Vec<f64>,
    /// Usable PFLOP/s per unit of each chip (fixed for the run).
    pflops_per_unit: Vec<f64>,
}

impl Suppliers {
    pub fn new(list: Vec<Supplier>) -> Self {
        let list_prices = list.iter().map(|s| s.list_price_musd).collect();
        let pflops_per_unit = list.iter().map(|s| s.pflops_per_unit()).collect();
        Suppliers { list, list_prices, pflops_per_unit }
    }
    /// List price of each chip, USD M, by chip index.
    pub fn list_prices(&self) -> &[f64] {
        &self.list_prices
    }
    /// Usable PFLOP/s of one unit of each chip, by chip index.
    pub fn pflops_per_unit(&self) -> &[f64] {
        &self.pflops_per_unit
    }
}

impl std::ops::Deref for Suppliers {
    type Target = [Supplier];
    fn deref(&self) -> &[Supplier] {
        &self.list
    }
}

impl std::ops::DerefMut for Suppliers {
    fn deref_mut(&mut self) -> &mut [Supplier] {
        &mut self.list
    }
}

/// One talent pool: researchers of one kind and their market.
#[derive(Clone, Debug)]
pub struct Pool {
    pub index: usize,
    /// Researchers not employed by any firm.
    pub free: u64,
    /// Going monthly wage, USD M per researcher.
    pub wage_musd: f64,
    pub base_wage_musd: f64,
    pub base_size: u64,
    pub growth_yearly: f64,
    pub wage_elasticity: f64,
    pub productivity: f64,
    /// Fractional growth not yet turned into people.
    pub growth_carry: f64,
    /// Vacancies posted this month (researchers).
    pub vacancies: u64,
    /// Job seekers this month: the free pool and employees looking around.
    pub seekers: u64,
}

/// The talent pools, by pool index (a firm's `Workforce::by_pool` uses the
/// same index). Not entities: a fixed list; dereferences to `Vec<Pool>`.
#[derive(Resource, Clone, Debug, Default)]
pub struct Pools(pub Vec<Pool>);

impl std::ops::Deref for Pools {
    type Target = Vec<Pool>;
    fn deref(&self) -> &Vec<Pool> {
        &self.0
    }
}

impl std::ops::DerefMut for Pools {
    fn deref_mut(&mut self) -> &mut Vec<Pool> {
        &mut self.0
    }
}

/// One investor: a venture fund, a strategic investor or a lender.
#[derive(Clone, Debug)]
pub struct Investor {
    pub index: usize,
    pub kind: InvestorKind,
    pub dry_powder_musd: f64,
    pub inflow_musd_month: f64,
    pub check_min_musd: f64,
    pub check_max_musd: f64,
    pub risk_appetite: f64,
    pub leaderboard_trust: f64,
    pub loan: Option<LoanTerms>,
}

/// The investors, by investor index (loans name their lender by it). Not
/// entities: a fixed list; dereferences to `Vec<Investor>`.
#[derive(Resource, Clone, Debug, Default)]
pub struct Investors(pub Vec<Investor>);

impl std::ops::Deref for Investors {
    type Target = Vec<Investor>;
    fn deref(&self) -> &Vec<Investor> {
        &self.0
    }
}

impl std::ops::DerefMut for Investors {
    fn deref_mut(&mut self) -> &mut Vec<Investor> {
        &mut self.0
    }
}

/// Firms waiting for their founding month, (entry tick, entity), sorted by
/// tick then id; `next` is the first not yet entered.
#[derive(Resource, Default)]
pub struct Pending {
    pub queue: Vec<(u32, Entity)>,
    pub next: usize,
}

/// Counter for generated entrants' names.
#[derive(Resource, Default)]
pub struct EntrantCount(pub u32);

/// The firms carrying the `Active` marker, in id order: the order in which
/// systems walk their firm queries where the outcome depends on it (random
/// draws, rationing, sums, the event log). Query iteration itself follows
/// table layout, which entry and exits reorder. Rebuilt from the marker by
/// `begin_month`; membership only changes late in the month: a firm that
/// leaves (`acquire_and_exit`) stays listed and is skipped by the
/// `With<Active>` filter of the queries walked in this order, and
/// `enter_firms` appends its entrants, so `record_month` finds every firm
/// that was in the market this month here (and sorts them itself).
#[derive(Resource, Clone, Debug, Default)]
pub struct ActiveFirms(pub Vec<Entity>);

/// Named money flows between the agents and the outside world (DESIGN §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    // in
    Revenue,
    CoreCashFlow,
    FounderCapital,
    LpCommitments,
    ChipRefunds,
    ChipResale,
    /// Unpaid bills of insolvent firms, absorbed by outside creditors.
    WriteOffs,
    // out
    ChipPayments,
    Wages,
    ComputeOpex,
    Overhead,
    AcquisitionPayouts,
    LiquidationPayouts,
}

impl Flow {
    pub const INFLOWS: [Flow; 7] = [
        Flow::Revenue,
        Flow::CoreCashFlow,
        Flow::FounderCapital,
        Flow::LpCommitments,
        Flow::ChipRefunds,
        Flow::ChipResale,
        Flow::WriteOffs,
    ];
    pub const OUTFLOWS: [Flow; 6] = [
        Flow::ChipPayments,
        Flow::Wages,
        Flow::ComputeOpex,
        Flow::Overhead,
        Flow::AcquisitionPayouts,
        Flow::LiquidationPayouts,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Flow::Revenue => "revenue",
            Flow::CoreCashFlow => "core_cash_flow",
            Flow::FounderCapital => "founder_capital",
            Flow::LpCommitments => "lp_commitments",
            Flow::ChipRefunds => "chip_refunds",
            Flow::ChipResale => "chip_resale",
            Flow::ChipPayments => "chip_payments",
            Flow::Wages => "wages",
            Flow::ComputeOpex => "compute_opex",
            Flow::Overhead => "overhead",
            Flow::AcquisitionPayouts => "acquisition_payouts",
            Flow::LiquidationPayouts => "liquidation_payouts",
            Flow::WriteOffs => "write_offs",
        }
    }
}

/// Cumulative flows and chip/researcher counters for conservation.
#[derive(Resource, Clone, Debug, Default)]
pub struct Books {
    pub flows: [f64; 13],
    pub initial_money_musd: f64,
    pub chips_initial: u64,
    pub chips_delivered: u64,
    pub chips_retired: u64,
    pub chips_sold: u64,
    pub researchers_total: u64,
}

impl Books {
    pub fn add(&mut self, flow: Flow, amount_musd: f64) {
        self.flows[flow as usize] += amount_musd;
    }
    pub fn get(&self, flow: Flow) -> f64 {
        self.flows[flow as usize]
    }
}

/// The model market's state carried from month to month
/// (docs/model-v2.md §1).
#[derive(Resource, Clone, Debug, Default)]
pub struct TokenMarket {
    /// Volume-weighted price of last month, USD/Mtok (`None` before any volume).
    pub price_usd_mtok: Option<f64>,
    /// Volume-weighted capability of last month, points.
    pub capability: Option<f64>,
    /// Tokens served last month, T tok.
    pub volume_ttok: f64,
    /// Demand left unserved last month for lack of inference compute, T tok.
    pub unserved_ttok: f64,
    /// The price of the first month with at least 1 T tok: the base of the
    /// token price index, USD/Mtok.
    pub index_base_usd_mtok: Option<f64>,
}

/// The best open-weight model anyone can serve (docs/model-v2.md §3).
#[derive(Resource, Clone, Debug, Default)]
pub struct OpenFloor {
    /// The best capability among modelled open-weight labs, by month so far.
    pub history: Vec<f64>,
    /// This month's floor: the outside open-weight path or the modelled
    /// labs' best of `open_release_lag_months` ago, whichever is higher, points.
    pub floor: f64,
}

/// This month's scratch figures, reset by the first system of the month.
#[derive(Resource, Clone, Debug, Default)]
pub struct MonthStats {
    pub vc_funding_musd: f64,
    pub total_revenue_musd: f64,
    /// HHI of the model market's token shares, 0..10,000.
    pub hhi: f64,
    pub entries: u32,
    pub exits: u32,
    pub acquisitions: u32,
    pub pivots: u32,
    pub team_transfers: u32,
    /// Funding climate multiplier this month.
    pub climate: f64,
    /// Median benchmark score of active firms (for valuations).
    pub median_benchmark: f64,
    /// Units delivered this month per chip model (grey market included).
    pub delivered: [u64; crate::world::MAX_CHIPS],
}

/// What the run has recorded so far.
#[derive(Resource, Default)]
pub struct Output {
    pub events: Vec<Event>,
    pub months: Vec<MonthRow>,
    pub chips: Vec<ChipRow>,
    pub firms: Vec<FirmRow>,
    pub ledger: Vec<Ledger>,
    pub firm_panel: bool,
}

impl Output {
    /// Log an event; its numbers are kept as `events.csv` prints them.
    pub fn event(
        &mut self,
        tick: u32,
        actor: impl IntoName,
        target: impl IntoName,
        units: u64,
        amount_musd: f64,
        payload: Payload,
    ) {
        self.events.push(Event {
            month: tick,
            actor: actor.into_name(),
            target: target.into_name(),
            units,
            amount_musd: amount_musd + 0.0, // never print -0
            payload: payload.at_printed_precision(),
        });
    }
}

/// Names for events: shared names are cloned as pointers, text is copied.
pub trait IntoName {
    fn into_name(self) -> Name;
}

impl IntoName for &Name {
    fn into_name(self) -> Name {
        Name::clone(self)
    }
}

impl IntoName for &str {
    fn into_name(self) -> Name {
        if self.is_empty() {
            static EMPTY: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
            return Name::clone(EMPTY.get_or_init(|| Name::from("")));
        }
        Name::from(self)
    }
}

impl IntoName for String {
    fn into_name(self) -> Name {
        self.as_str().into_name()
    }
}

impl IntoName for &String {
    fn into_name(self) -> Name {
        Name::from(self.as_str())
    }
}
