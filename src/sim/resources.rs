//! ECS resources: the clock, the parameters, the RNG, the rule book, the
//! stable orders of entities, the event log and the run's accumulators.

use crate::sim::output::{ChipRow, Event, FirmRow, Ledger, MonthRow, Name, Payload};
use crate::world::{Month, World};
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

/// Entities in stable index order. `active` holds active firms sorted by id:
/// every system that draws random numbers or rations walks this order.
#[derive(Resource, Clone, Debug, Default)]
pub struct Roster {
    pub firms: Vec<Entity>,
    pub active: Vec<Entity>,
    /// Firms acquired or exited this month (their last rows are recorded).
    pub left: Vec<Entity>,
    pub investors: Vec<Entity>,
    pub suppliers: Vec<Entity>,
    pub pools: Vec<Entity>,
    pub firm_names: Vec<Name>,
    pub investor_names: Vec<Name>,
    pub chip_names: Vec<Name>,
    pub pool_names: Vec<Name>,
}

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

/// This month's scratch figures, reset by the first system of the month.
#[derive(Resource, Clone, Debug, Default)]
pub struct MonthStats {
    pub vc_funding_musd: f64,
    pub total_revenue_musd: f64,
    /// HHI of revenue shares after the product market, 0..10,000.
    pub hhi: f64,
    pub entries: u32,
    pub exits: u32,
    pub acquisitions: u32,
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
