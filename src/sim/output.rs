//! What a run produces: the event log, the monthly metrics, the firm ×
//! month panel, chip markets and the conservation ledger. Plain data, filled
//! by the systems; `record` writes it to files and reads it back.

use serde::Serialize;
use std::sync::Arc;

/// A shared name (firm, investor, chip, rule or pool): events clone a
/// pointer, not the text.
pub type Name = Arc<str>;

/// Kinds of events in `events.csv` (the names are the data contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    RuleAnnounced,
    RuleEffective,
    ChipOrder,
    ChipDelivery,
    OrderCancelled,
    GreyMarketPurchase,
    FundingRound,
    Loan,
    LoanRepaid,
    LoanDefault,
    Acquisition,
    Exit,
    Entry,
    TalentMove,
}

impl EventKind {
    pub const ALL: [EventKind; 14] = [
        EventKind::RuleAnnounced,
        EventKind::RuleEffective,
        EventKind::ChipOrder,
        EventKind::ChipDelivery,
        EventKind::OrderCancelled,
        EventKind::GreyMarketPurchase,
        EventKind::FundingRound,
        EventKind::Loan,
        EventKind::LoanRepaid,
        EventKind::LoanDefault,
        EventKind::Acquisition,
        EventKind::Exit,
        EventKind::Entry,
        EventKind::TalentMove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::RuleAnnounced => "rule_announced",
            EventKind::RuleEffective => "rule_effective",
            EventKind::ChipOrder => "chip_order",
            EventKind::ChipDelivery => "chip_delivery",
            EventKind::OrderCancelled => "order_cancelled",
            EventKind::GreyMarketPurchase => "grey_market_purchase",
            EventKind::FundingRound => "funding_round",
            EventKind::Loan => "loan",
            EventKind::LoanRepaid => "loan_repaid",
            EventKind::LoanDefault => "loan_default",
            EventKind::Acquisition => "acquisition",
            EventKind::Exit => "exit",
            EventKind::Entry => "entry",
            EventKind::TalentMove => "talent_move",
        }
    }
}

/// One row of `events.csv`. `actor` and `target` are names (firm, investor,
/// chip, rule or pool); `units` counts chips or researchers.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Tick index, 0-based.
    pub month: u32,
    pub kind: EventKind,
    pub actor: Name,
    pub target: Name,
    pub units: u64,
    pub amount_musd: f64,
    pub detail: Name,
}

/// One row of `months.csv`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MonthRow {
    pub month: u32,
    pub hhi: f64,
    pub cr4: f64,
    pub independent_firms: u32,
    pub startups_alive: u32,
    pub entries: u32,
    pub exits: u32,
    pub acquisitions: u32,
    pub top4_compute_share: f64,
    pub compute_gini: f64,
    pub chip_price_index: f64,
    pub wage_index: f64,
    pub vc_funding_musd: f64,
    pub loans_outstanding_musd: f64,
    pub banned_chip_units: u64,
    pub total_revenue_musd: f64,
    /// Filled after the run (needs the whole path): 1 inside a consolidation phase.
    pub consolidating: bool,
}

/// One row of `firms.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct FirmRow {
    pub month: u32,
    /// Index into `Record::firm_names`.
    pub firm: u32,
    pub tier: &'static str,
    pub status: &'static str,
    /// Index of the owner (the acquirer for acquired firms, itself otherwise).
    pub owner: u32,
    pub cash_musd: f64,
    pub debt_musd: f64,
    pub compute_pflops: f64,
    pub chip_units: u64,
    pub researchers: u32,
    pub capability: f64,
    pub benchmark: f64,
    pub revenue_musd: f64,
    pub share: f64,
    pub valuation_musd: f64,
}

/// One row of `chips.csv`: the market for one chip model in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct ChipRow {
    pub month: u32,
    /// Index into `Record::chip_names`.
    pub chip: u32,
    /// Units held by firms in the market at the end of the month.
    pub units_held: u64,
    /// Usable PFLOP/s of those units.
    pub pflops_held: f64,
    /// Units delivered this month (grey market included).
    pub units_delivered: u64,
    /// Price at the end of the month (next month's ordering price), USD M per unit.
    pub price_musd: f64,
    /// Banned by an export rule in force.
    pub banned: bool,
}

/// Stocks and cumulative named flows at the end of a month, for the
/// conservation checks (DESIGN §3).
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Ledger {
    /// Cash of all firms + dry powder of all investors, USD millions.
    pub money_stock_musd: f64,
    /// Cumulative money that came in from outside, by named flow.
    pub inflows_musd: Vec<(&'static str, f64)>,
    /// Cumulative money that went out, by named flow.
    pub outflows_musd: Vec<(&'static str, f64)>,
    /// Money at the start (initial cash + dry powder) plus founders' capital
    /// of firms that entered, USD millions.
    pub initial_money_musd: f64,
    pub chips_delivered: u64,
    pub chips_held: u64,
    pub chips_retired: u64,
    pub chips_sold: u64,
    pub chips_initial: u64,
    pub researchers_employed: u64,
    pub researchers_free: u64,
    /// Initial pool sizes plus cumulative pool growth.
    pub researchers_total: u64,
}

impl Ledger {
    /// Money expected from the start plus named flows.
    pub fn money_expected_musd(&self) -> f64 {
        let ins: f64 = self.inflows_musd.iter().map(|(_, v)| v).sum();
        let outs: f64 = self.outflows_musd.iter().map(|(_, v)| v).sum();
        self.initial_money_musd + ins - outs
    }
}

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct Record {
    pub world: crate::world::World,
    pub seed: u64,
    pub firm_names: Vec<String>,
    pub chip_names: Vec<String>,
    pub months: Vec<MonthRow>,
    pub chips: Vec<ChipRow>,
    pub firms: Vec<FirmRow>,
    pub events: Vec<Event>,
    pub ledger: Vec<Ledger>,
    /// First month (tick) of the consolidation phase, if any.
    pub consolidation_start: Option<u32>,
    /// Firms that were in the market at some point of the run.
    pub firms_entered: u32,
}

impl Record {
    /// `YYYY-MM` of a tick.
    pub fn date(&self, month: u32) -> String {
        self.world.start.plus(month as i32).to_string()
    }

    /// How many events of each kind.
    pub fn event_counts(&self) -> Vec<(EventKind, u64)> {
        let mut counts = [0u64; 14];
        for e in &self.events {
            counts[e.kind as usize] += 1;
        }
        EventKind::ALL.iter().map(|k| (*k, counts[*k as usize])).collect()
    }
}
