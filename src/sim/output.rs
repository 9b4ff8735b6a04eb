//! What a run produces: the event log, the monthly metrics, the firm ×
//! month panel, chip markets and the conservation ledger. Plain data, filled
//! by the systems; `record` writes it to files and reads it back.
//!
//! An event's facts are typed ([`Payload`], one variant per [`EventKind`]).
//! The prose of the `detail` column is written by [`Payload::detail`] and
//! read back by [`Payload::parse`], side by side here (likewise a rule
//! event's chip list, [`rule_target`]/[`rule_chips`]); no other module
//! composes or parses that prose.

use crate::world::{Month, Tier};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A shared name (firm, investor, chip, rule or pool): events clone a
/// pointer, not the text.
pub type Name = Arc<str>;

/// Kinds of events in `events.csv` (the names are the data contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    PriceCut,
    Pivot,
    TeamTransfer,
}

impl EventKind {
    pub const ALL: [EventKind; 17] = [
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
        EventKind::PriceCut,
        EventKind::Pivot,
        EventKind::TeamTransfer,
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
            EventKind::PriceCut => "price_cut",
            EventKind::Pivot => "pivot",
            EventKind::TeamTransfer => "team_transfer",
        }
    }
}

/// One event of the run (a row of `events.csv`). `actor` and `target` are
/// names (firm, investor, chip, rule or pool); `units` counts chips or
/// researchers; the facts particular to the kind are in `payload`.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Tick index, 0-based.
    pub month: u32,
    pub actor: Name,
    pub target: Name,
    pub units: u64,
    pub amount_musd: f64,
    pub payload: Payload,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        self.payload.kind()
    }
}

/// The `target` of a rule event: the chips the rule bans, their names
/// separated by spaces. [`rule_chips`] is its inverse.
pub fn rule_target(chips: &[&str]) -> String {
    chips.join(" ")
}

/// The chips named in a rule event's `target` (the inverse of [`rule_target`]).
pub fn rule_chips(target: &str) -> Vec<&str> {
    target.split_whitespace().collect()
}

/// The facts of an event that are particular to its kind: one variant per
/// [`EventKind`]. Numbers hold the precision the `detail` column prints
/// (see [`Payload::at_printed_precision`]), so the run in memory and the run
/// read back from its files agree exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    RuleAnnounced,
    /// Paid orders for the newly banned chips that were refunded.
    RuleEffective {
        orders_cancelled: u64,
    },
    /// The month the order is delivered.
    ChipOrder {
        due: Month,
    },
    /// `grey_market`: bought on the grey market (delivered at once), not
    /// an order coming due.
    ChipDelivery {
        grey_market: bool,
    },
    OrderCancelled {
        reason: CancelReason,
    },
    GreyMarketPurchase,
    /// Post-money valuation of the round, USD M (printed whole).
    FundingRound {
        post_money_musd: f64,
    },
    /// A chip-backed loan: the chips bought with it are the collateral.
    Loan {
        collateral_units: u64,
        chip: Name,
    },
    LoanRepaid {
        when: Repayment,
    },
    LoanDefault {
        loss: LoanLoss,
    },
    /// What moves to the buyer; `users_pct` is the target's share of the
    /// users in percent (printed with one decimal).
    Acquisition {
        researchers: u64,
        chips: u64,
        users_pct: f64,
    },
    /// An insolvent firm leaves: its chips are sold at a haircut and its
    /// researchers go back to the pools.
    Exit {
        chips_sold: u64,
        researchers: u64,
        /// Closed by choice (solvent) rather than insolvent.
        closed: bool,
    },
    Entry {
        tier: Tier,
        researchers: u64,
        chips: u64,
    },
    TalentMove,
    /// A lab cut its token price by at least `pricing.cut_event_threshold`
    /// in a month, USD per million tokens; `defending`: under the
    /// defend-and-match rule (a far cheaper rival at parity), not because
    /// its costs fell.
    PriceCut {
        from_usd_mtok: f64,
        to_usd_mtok: f64,
        defending: bool,
    },
    /// A lab left the model market to build applications on others' models:
    /// researchers kept and laid off, chips sold.
    Pivot {
        kept: u64,
        laid_off: u64,
        chips_sold: u64,
    },
    /// A lab handed its team to a giant (no corporate deal) and closed;
    /// `units` is the team, `amount_musd` what the giant paid.
    TeamTransfer {
        researchers: u64,
    },
}

/// Why a paid chip order was cancelled and refunded.
#[derive(Clone, Debug, PartialEq)]
pub enum CancelReason {
    /// The chip was banned before delivery.
    ChipBanned,
    /// The buyer left the market.
    RefundedOnExit,
    /// The named rule banned the chip as it took effect.
    BannedByRule(Name),
}

/// When a loan was repaid.
#[derive(Clone, Debug, PartialEq)]
pub enum Repayment {
    AtMaturity,
    /// From the refund of the order it financed, cancelled by a rule.
    OrderCancelled,
    /// From the proceeds of the borrower's exit.
    OnExit,
    /// Early, after a round at this post-money valuation (USD M, printed whole).
    AfterRound {
        post_money_musd: f64,
    },
}

/// How a loan defaulted.
#[derive(Clone, Debug, PartialEq)]
pub enum LoanLoss {
    /// The borrower left; the lender recovered this much (USD M, one decimal).
    OnExit { recovered_musd: f64 },
    /// The collateral was seized and sold (USD M, one decimal).
    CollateralSeized { chips: u64, proceeds_musd: f64 },
}

/// `x` as it reads back after printing with `decimals` decimals.
fn printed(x: f64, decimals: usize) -> f64 {
    format!("{x:.decimals$}").parse().expect("a printed float parses")
}

impl Payload {
    pub fn kind(&self) -> EventKind {
        match self {
            Payload::RuleAnnounced => EventKind::RuleAnnounced,
            Payload::RuleEffective { .. } => EventKind::RuleEffective,
            Payload::ChipOrder { .. } => EventKind::ChipOrder,
            Payload::ChipDelivery { .. } => EventKind::ChipDelivery,
            Payload::OrderCancelled { .. } => EventKind::OrderCancelled,
            Payload::GreyMarketPurchase => EventKind::GreyMarketPurchase,
            Payload::FundingRound { .. } => EventKind::FundingRound,
            Payload::Loan { .. } => EventKind::Loan,
            Payload::LoanRepaid { .. } => EventKind::LoanRepaid,
            Payload::LoanDefault { .. } => EventKind::LoanDefault,
            Payload::Acquisition { .. } => EventKind::Acquisition,
            Payload::Exit { .. } => EventKind::Exit,
            Payload::Entry { .. } => EventKind::Entry,
            Payload::TalentMove => EventKind::TalentMove,
            Payload::PriceCut { .. } => EventKind::PriceCut,
            Payload::Pivot { .. } => EventKind::Pivot,
            Payload::TeamTransfer { .. } => EventKind::TeamTransfer,
        }
    }

    /// The payload with its numbers rounded as the `detail` column prints
    /// them, so that `parse(detail())` gives it back exactly.
    pub fn at_printed_precision(self) -> Payload {
        match self {
            Payload::FundingRound { post_money_musd } => {
                Payload::FundingRound { post_money_musd: printed(post_money_musd, 0) }
            }
            Payload::LoanRepaid { when: Repayment::AfterRound { post_money_musd } } => Payload::LoanRepaid {
                when: Repayment::AfterRound { post_money_musd: printed(post_money_musd, 0) },
            },
            Payload::LoanDefault { loss: LoanLoss::OnExit { recovered_musd } } => {
                Payload::LoanDefault { loss: LoanLoss::OnExit { recovered_musd: printed(recovered_musd, 1) } }
            }
            Payload::LoanDefault { loss: LoanLoss::CollateralSeized { chips, proceeds_musd } } => {
                Payload::LoanDefault {
                    loss: LoanLoss::CollateralSeized { chips, proceeds_musd: printed(proceeds_musd, 1) },
                }
            }
            Payload::PriceCut { from_usd_mtok, to_usd_mtok, defending } => Payload::PriceCut {
                from_usd_mtok: printed(from_usd_mtok, 4),
                to_usd_mtok: printed(to_usd_mtok, 4),
                defending,
            },
            Payload::Acquisition { researchers, chips, users_pct } => {
                Payload::Acquisition { researchers, chips, users_pct: printed(users_pct, 1) }
            }
            other => other,
        }
    }

    /// The `detail` column of `events.csv`: the payload as prose
    /// ([`Payload::write_detail`]); [`Payload::parse`] is its inverse.
    pub fn detail(&self) -> String {
        let mut text = String::new();
        self.write_detail(&mut text).expect("a String takes any text");
        text
    }

    /// Write the `detail` column: the only place that composes it (the
    /// CSV writer uses it without a `String` per event).
    pub fn write_detail(&self, out: &mut impl std::fmt::Write) -> std::fmt::Result {
        match self {
            Payload::RuleAnnounced | Payload::TalentMove => Ok(()),
            Payload::RuleEffective { orders_cancelled } => write!(out, "{orders_cancelled} orders cancelled"),
            Payload::ChipOrder { due } => write!(out, "due {due}"),
            Payload::ChipDelivery { grey_market: false } => Ok(()),
            Payload::ChipDelivery { grey_market: true } => out.write_str("grey market"),
            Payload::OrderCancelled { reason } => match reason {
                CancelReason::ChipBanned => out.write_str("chip banned"),
                CancelReason::RefundedOnExit => out.write_str("refunded on exit"),
                CancelReason::BannedByRule(rule) => write!(out, "banned by rule {rule}"),
            },
            Payload::GreyMarketPurchase => out.write_str("banned chip, grey market"),
            Payload::FundingRound { post_money_musd } => write!(out, "post-money {post_money_musd:.0} USD M"),
            Payload::Loan { collateral_units, chip } => {
                write!(out, "chip-backed, {collateral_units} {chip} as collateral")
            }
            Payload::LoanRepaid { when } => match when {
                Repayment::AtMaturity => out.write_str("at maturity"),
                Repayment::OrderCancelled => out.write_str("order cancelled"),
                Repayment::OnExit => out.write_str("on exit"),
                Repayment::AfterRound { post_money_musd } => {
                    write!(out, "after a round at {post_money_musd:.0} USD M")
                }
            },
            Payload::LoanDefault { loss } => match loss {
                LoanLoss::OnExit { recovered_musd } => {
                    write!(out, "exit: lender recovered {recovered_musd:.1} USD M")
                }
                LoanLoss::CollateralSeized { chips, proceeds_musd } => {
                    write!(out, "collateral seized: {chips} chips sold for {proceeds_musd:.1} USD M")
                }
            },
            Payload::Acquisition { researchers, chips, users_pct } => {
                write!(out, "{researchers} researchers, {chips} chips, {users_pct:.1}% of users")
            }
            Payload::Exit { chips_sold, researchers, closed } => {
                write!(
                    out,
                    "{}: {chips_sold} chips sold at a haircut, {researchers} researchers back to the pools",
                    if *closed { "closed" } else { "insolvent" }
                )
            }
            Payload::Entry { tier, researchers, chips } => {
                write!(out, "{} with {researchers} researchers, {chips} chips", tier.as_str())
            }
            Payload::Pivot { kept, laid_off, chips_sold } => write!(
                out,
                "to applications: kept {kept} researchers, laid off {laid_off}, sold {chips_sold} chips"
            ),
            Payload::TeamTransfer { researchers } => {
                write!(out, "{researchers} researchers joined the giant")
            }
            Payload::PriceCut { from_usd_mtok, to_usd_mtok, defending } => write!(
                out,
                "from {from_usd_mtok:.4} to {to_usd_mtok:.4} USD/Mtok{}",
                if *defending { ", defending its share" } else { "" }
            ),
        }
    }

    /// Read the `detail` column of an event of `kind` back (the inverse of
    /// [`Payload::detail`]); the error says what was expected.
    pub fn parse(kind: EventKind, detail: &str) -> Result<Payload, String> {
        let bad = || format!("`{detail}` is not the detail of a {} event", kind.as_str());
        let num = |s: &str| s.parse::<u64>().map_err(|_| bad());
        let float = |s: &str| s.parse::<f64>().map_err(|_| bad());
        let empty = |p: Payload| if detail.is_empty() { Ok(p) } else { Err(bad()) };
        let between = |pre: &str, post: &str| -> Result<&str, String> {
            detail.strip_prefix(pre).and_then(|s| s.strip_suffix(post)).ok_or_else(bad)
        };
        Ok(match kind {
            EventKind::RuleAnnounced => empty(Payload::RuleAnnounced)?,
            EventKind::TalentMove => empty(Payload::TalentMove)?,
            EventKind::RuleEffective => {
                Payload::RuleEffective { orders_cancelled: num(between("", " orders cancelled")?)? }
            }
            EventKind::ChipOrder => {
                Payload::ChipOrder { due: Month::parse(between("due ", "")?).map_err(|_| bad())? }
            }
            EventKind::ChipDelivery => match detail {
                "" => Payload::ChipDelivery { grey_market: false },
                "grey market" => Payload::ChipDelivery { grey_market: true },
                _ => return Err(bad()),
            },
            EventKind::OrderCancelled => Payload::OrderCancelled {
                reason: match detail {
                    "chip banned" => CancelReason::ChipBanned,
                    "refunded on exit" => CancelReason::RefundedOnExit,
                    _ => CancelReason::BannedByRule(Name::from(between("banned by rule ", "")?)),
                },
            },
            EventKind::GreyMarketPurchase if detail == "banned chip, grey market" => {
                Payload::GreyMarketPurchase
            }
            EventKind::GreyMarketPurchase => return Err(bad()),
            EventKind::FundingRound => {
                Payload::FundingRound { post_money_musd: float(between("post-money ", " USD M")?)? }
            }
            EventKind::Loan => {
                let (units, chip) =
                    between("chip-backed, ", " as collateral")?.split_once(' ').ok_or_else(bad)?;
                Payload::Loan { collateral_units: num(units)?, chip: Name::from(chip) }
            }
            EventKind::LoanRepaid => Payload::LoanRepaid {
                when: match detail {
                    "at maturity" => Repayment::AtMaturity,
                    "order cancelled" => Repayment::OrderCancelled,
                    "on exit" => Repayment::OnExit,
                    _ => Repayment::AfterRound {
                        post_money_musd: float(between("after a round at ", " USD M")?)?,
                    },
                },
            },
            EventKind::LoanDefault => Payload::LoanDefault {
                loss: if let Ok(v) = between("exit: lender recovered ", " USD M") {
                    LoanLoss::OnExit { recovered_musd: float(v)? }
                } else {
                    let (chips, proceeds) = between("collateral seized: ", " USD M")?
                        .split_once(" chips sold for ")
                        .ok_or_else(bad)?;
                    LoanLoss::CollateralSeized { chips: num(chips)?, proceeds_musd: float(proceeds)? }
                },
            },
            EventKind::Acquisition => {
                let (researchers, rest) =
                    between("", "% of users")?.split_once(" researchers, ").ok_or_else(bad)?;
                let (chips, users) = rest.split_once(" chips, ").ok_or_else(bad)?;
                Payload::Acquisition {
                    researchers: num(researchers)?,
                    chips: num(chips)?,
                    users_pct: float(users)?,
                }
            }
            EventKind::Exit => {
                let (closed, rest) = match between("insolvent: ", " researchers back to the pools") {
                    Ok(rest) => (false, rest),
                    Err(_) => (true, between("closed: ", " researchers back to the pools")?),
                };
                let (chips, researchers) = rest.split_once(" chips sold at a haircut, ").ok_or_else(bad)?;
                Payload::Exit { chips_sold: num(chips)?, researchers: num(researchers)?, closed }
            }
            EventKind::Pivot => {
                let rest = between("to applications: kept ", " chips")?;
                let (kept, rest) = rest.split_once(" researchers, laid off ").ok_or_else(bad)?;
                let (laid_off, chips) = rest.split_once(", sold ").ok_or_else(bad)?;
                Payload::Pivot { kept: num(kept)?, laid_off: num(laid_off)?, chips_sold: num(chips)? }
            }
            EventKind::TeamTransfer => {
                Payload::TeamTransfer { researchers: num(between("", " researchers joined the giant")?)? }
            }
            EventKind::PriceCut => {
                let (body, defending) = match detail.strip_suffix(", defending its share") {
                    Some(b) => (b, true),
                    None => (detail, false),
                };
                let (from, to) = body
                    .strip_prefix("from ")
                    .and_then(|r| r.strip_suffix(" USD/Mtok"))
                    .and_then(|r| r.split_once(" to "))
                    .ok_or_else(bad)?;
                Payload::PriceCut { from_usd_mtok: float(from)?, to_usd_mtok: float(to)?, defending }
            }
            EventKind::Entry => {
                let (tier, rest) = between("", " chips")?.split_once(" with ").ok_or_else(bad)?;
                let tier = [Tier::Giant, Tier::Startup, Tier::Small]
                    .into_iter()
                    .find(|t| t.as_str() == tier)
                    .ok_or_else(bad)?;
                let (researchers, chips) = rest.split_once(" researchers, ").ok_or_else(bad)?;
                Payload::Entry { tier, researchers: num(researchers)?, chips: num(chips)? }
            }
        })
    }
}

/// One row of `months.csv`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MonthRow {
    pub month: u32,
    /// HHI of the model market (tokens served), 0..10,000.
    pub hhi: f64,
    pub cr4: f64,
    pub independent_firms: u32,
    /// Independent firms that train and serve their own model.
    pub independent_labs: u32,
    pub startups_alive: u32,
    pub entries: u32,
    pub exits: u32,
    pub acquisitions: u32,
    pub pivots: u32,
    pub team_transfers: u32,
    pub top4_compute_share: f64,
    pub compute_gini: f64,
    pub chip_price_index: f64,
    pub wage_index: f64,
    pub vc_funding_musd: f64,
    pub loans_outstanding_musd: f64,
    pub banned_chip_units: u64,
    pub total_revenue_musd: f64,
    /// Tokens served in the model market, T tok.
    pub token_volume_ttok: f64,
    /// Volume-weighted token price, USD per million tokens.
    pub token_price_usd_mtok: f64,
    /// That price over its value in the first month with ≥ 1 T tok (1 before).
    pub token_price_index: f64,
    /// Best capability among labs, points.
    pub frontier_capability: f64,
    /// The open-weight floor, points.
    pub open_floor: f64,
    /// Vacancies and job seekers in the labour market, all pools (researchers).
    pub vacancies: u64,
    pub seekers: u64,
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
    /// Units held per chip model, by supplier index. Not a column of
    /// firms.csv (chips.csv has each model's totals): the explorer's firm
    /// inspector reads it from a run in memory.
    pub units_by_chip: [u64; crate::world::MAX_CHIPS],
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

/// One month of a run as it is handed to a [`RecordSink`]: the rows the
/// month produced, in the order they go to the files. The vectors are the
/// sink's to take (`std::mem::take`, `Vec::append`, or the whole batch
/// swapped for an older one); whatever the batch holds after the call is
/// cleared before it is filled again.
#[derive(Debug, Default)]
pub struct MonthBatch {
    /// Tick index, 0-based.
    pub month: u32,
    /// Firms registered since the previous batch, in id order (entrants are
    /// registered as they are founded): `firm_names[i]` of the first batch
    /// is firm 0.
    pub new_firm_names: Vec<Name>,
    pub chips: Vec<ChipRow>,
    pub firms: Vec<FirmRow>,
    pub events: Vec<Event>,
    /// Stocks and flows at the end of the month.
    pub ledger: Ledger,
}

/// Where a run's rows go as the months pass: files written while the model
/// runs (`record::CsvSink`), memory ([`MemorySink`], for tests and small
/// uses) or nowhere ([`NullSink`], for sweeps that need only the month rows).
/// Called once per month, in order, with rows whose floats are all finite.
pub trait RecordSink {
    fn month(&mut self, batch: &mut MonthBatch);
}

/// Keeps nothing: the month rows and event counts of [`RunHead`] are all a
/// sweep or a comparison needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullSink;

impl RecordSink for NullSink {
    fn month(&mut self, _: &mut MonthBatch) {}
}

/// Keeps every row in memory (the whole run: use it for tests and small worlds).
#[derive(Clone, Debug, Default)]
pub struct MemorySink {
    pub chips: Vec<ChipRow>,
    pub firms: Vec<FirmRow>,
    pub events: Vec<Event>,
    pub ledger: Vec<Ledger>,
}

impl RecordSink for MemorySink {
    fn month(&mut self, batch: &mut MonthBatch) {
        self.chips.append(&mut batch.chips);
        self.firms.append(&mut batch.firms);
        self.events.append(&mut batch.events);
        self.ledger.push(std::mem::take(&mut batch.ledger));
    }
}

/// What a run leaves in memory when its rows went to a [`RecordSink`]: the
/// world, the names, the month rows (with the consolidation phase, which
/// needs the whole path) and the event counts.
#[derive(Clone, Debug)]
pub struct RunHead {
    pub world: crate::world::World,
    pub seed: u64,
    pub firm_names: Vec<String>,
    pub chip_names: Vec<String>,
    pub months: Vec<MonthRow>,
    /// First month (tick) of the consolidation phase, if any.
    pub consolidation_start: Option<u32>,
    /// Firms that were in the market at some point of the run.
    pub firms_entered: u32,
    /// Events of each kind, indexed by `EventKind as usize`.
    pub event_counts: [u64; EventKind::ALL.len()],
}

impl RunHead {
    /// `YYYY-MM` of a tick.
    pub fn date(&self, month: u32) -> String {
        self.world.start.plus(month as i32).to_string()
    }

    /// How many events of each kind.
    pub fn event_counts(&self) -> Vec<(EventKind, u64)> {
        EventKind::ALL.iter().map(|k| (*k, self.event_counts[*k as usize])).collect()
    }
}

/// Why a run stopped: the model produced a value no file may hold.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SimError {
    /// A NaN or infinite quantity (the world's values are too large or
    /// extreme for the model's arithmetic).
    #[error(
        "the simulation produced a non-finite value in {date}: {subject}, {quantity} = {value}; \
         some of the world's values are too large or extreme for the model: make them smaller"
    )]
    NonFinite { date: String, subject: String, quantity: &'static str, value: f64 },
}

/// Every float of a month's rows is finite (none is NaN or infinite), or
/// the error names the month, the firm, chip or market, and the column.
/// `firm_names` and `chip_names` are the run's names by index.
pub fn check_finite(
    date: &str,
    month: &MonthRow,
    batch: &MonthBatch,
    firm_names: &[Name],
    chip_names: &[Name],
) -> Result<(), SimError> {
    let fail = |subject: String, quantity: &'static str, value: f64| SimError::NonFinite {
        date: date.to_string(),
        subject,
        quantity,
        value,
    };
    let first_bad = |values: &[(&'static str, f64)]| values.iter().copied().find(|(_, v)| !v.is_finite());
    let market = [
        ("hhi", month.hhi),
        ("cr4", month.cr4),
        ("top4_compute_share", month.top4_compute_share),
        ("compute_gini", month.compute_gini),
        ("chip_price_index", month.chip_price_index),
        ("wage_index", month.wage_index),
        ("vc_funding_musd", month.vc_funding_musd),
        ("loans_outstanding_musd", month.loans_outstanding_musd),
        ("total_revenue_musd", month.total_revenue_musd),
    ];
    if let Some((q, v)) = first_bad(&market) {
        return Err(fail("the market (months.csv)".into(), q, v));
    }
    let name = |names: &[Name], i: u32| names.get(i as usize).map(|n| n.to_string()).unwrap_or_default();
    for c in &batch.chips {
        if let Some((q, v)) = first_bad(&[("pflops_held", c.pflops_held), ("price_musd", c.price_musd)]) {
            return Err(fail(format!("chip {:?} (chips.csv)", name(chip_names, c.chip)), q, v));
        }
    }
    for f in &batch.firms {
        let values = [
            ("cash_musd", f.cash_musd),
            ("debt_musd", f.debt_musd),
            ("compute_pflops", f.compute_pflops),
            ("capability", f.capability),
            ("benchmark", f.benchmark),
            ("revenue_musd", f.revenue_musd),
            ("share", f.share),
            ("valuation_musd", f.valuation_musd),
        ];
        if let Some((q, v)) = first_bad(&values) {
            return Err(fail(format!("firm {:?} (firms.csv)", name(firm_names, f.firm)), q, v));
        }
    }
    for e in &batch.events {
        let detail = match &e.payload {
            Payload::FundingRound { post_money_musd }
            | Payload::LoanRepaid { when: Repayment::AfterRound { post_money_musd } } => {
                Some(("detail (post-money valuation)", *post_money_musd))
            }
            Payload::LoanDefault { loss: LoanLoss::OnExit { recovered_musd: x } }
            | Payload::LoanDefault { loss: LoanLoss::CollateralSeized { proceeds_musd: x, .. } } => {
                Some(("detail (amount recovered)", *x))
            }
            Payload::Acquisition { users_pct, .. } => Some(("detail (share of users)", *users_pct)),
            _ => None,
        };
        let bad = if e.amount_musd.is_finite() {
            detail.filter(|(_, v)| !v.is_finite())
        } else {
            Some(("amount_musd", e.amount_musd))
        };
        if let Some((q, v)) = bad {
            return Err(fail(
                format!("{} event of {:?} with {:?} (events.csv)", e.kind().as_str(), &*e.actor, &*e.target),
                q,
                v,
            ));
        }
    }
    Ok(())
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
    /// The run from its head and the rows a [`MemorySink`] kept.
    pub fn from_parts(head: RunHead, rows: MemorySink) -> Record {
        Record {
            world: head.world,
            seed: head.seed,
            firm_names: head.firm_names,
            chip_names: head.chip_names,
            months: head.months,
            chips: rows.chips,
            firms: rows.firms,
            events: rows.events,
            ledger: rows.ledger,
            consolidation_start: head.consolidation_start,
            firms_entered: head.firms_entered,
        }
    }

    /// The run without its rows (what a streamed run leaves in memory).
    pub fn head(&self) -> RunHead {
        let mut event_counts = [0u64; EventKind::ALL.len()];
        for e in &self.events {
            event_counts[e.kind() as usize] += 1;
        }
        RunHead {
            world: self.world.clone(),
            seed: self.seed,
            firm_names: self.firm_names.clone(),
            chip_names: self.chip_names.clone(),
            months: self.months.clone(),
            consolidation_start: self.consolidation_start,
            firms_entered: self.firms_entered,
            event_counts,
        }
    }

    /// `YYYY-MM` of a tick.
    pub fn date(&self, month: u32) -> String {
        self.world.start.plus(month as i32).to_string()
    }

    /// How many events of each kind.
    pub fn event_counts(&self) -> Vec<(EventKind, u64)> {
        let mut counts = [0u64; EventKind::ALL.len()];
        for e in &self.events {
            counts[e.kind() as usize] += 1;
        }
        EventKind::ALL.iter().map(|k| (*k, counts[*k as usize])).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One payload of every kind, with numbers that need rounding.
    fn every_kind() -> Vec<Payload> {
        vec![
            Payload::RuleAnnounced,
            Payload::RuleEffective { orders_cancelled: 12 },
            Payload::ChipOrder { due: Month::new(2024, 3) },
            Payload::ChipDelivery { grey_market: false },
            Payload::ChipDelivery { grey_market: true },
            Payload::OrderCancelled { reason: CancelReason::ChipBanned },
            Payload::OrderCancelled { reason: CancelReason::RefundedOnExit },
            Payload::OrderCancelled { reason: CancelReason::BannedByRule(Name::from("Oct 2023, revised")) },
            Payload::GreyMarketPurchase,
            Payload::FundingRound { post_money_musd: 1234.567 },
            Payload::Loan { collateral_units: 64, chip: Name::from("H800 PCIe") },
            Payload::LoanRepaid { when: Repayment::AtMaturity },
            Payload::LoanRepaid { when: Repayment::OrderCancelled },
            Payload::LoanRepaid { when: Repayment::OnExit },
            Payload::LoanRepaid { when: Repayment::AfterRound { post_money_musd: 999.5 } },
            Payload::LoanDefault { loss: LoanLoss::OnExit { recovered_musd: 2.71 } },
            Payload::LoanDefault { loss: LoanLoss::CollateralSeized { chips: 40, proceeds_musd: 0.04 } },
            Payload::Acquisition { researchers: 40, chips: 900, users_pct: 2.345 },
            Payload::Exit { chips_sold: 16, researchers: 7, closed: false },
            Payload::Exit { chips_sold: 0, researchers: 12, closed: true },
            Payload::Entry { tier: Tier::Startup, researchers: 50, chips: 64 },
            Payload::TalentMove,
            Payload::PriceCut { from_usd_mtok: 16.6667, to_usd_mtok: 0.0, defending: true },
            Payload::PriceCut { from_usd_mtok: 2.5, to_usd_mtok: 1.75, defending: false },
            Payload::Pivot { kept: 12, laid_off: 30, chips_sold: 256 },
            Payload::TeamTransfer { researchers: 85 },
        ]
    }

    #[test]
    fn the_finite_guard_names_the_chip_or_event_and_the_column() {
        let names: Vec<Name> = vec![Name::from("A"), Name::from("B")];
        let month = MonthRow::default();
        let mut batch = MonthBatch::default();
        assert_eq!(check_finite("2024-02", &month, &batch, &names, &names), Ok(()));
        batch.chips.push(ChipRow {
            month: 0,
            chip: 1,
            units_held: 0,
            pflops_held: 0.0,
            units_delivered: 0,
            price_musd: f64::NAN,
            banned: false,
        });
        let err = check_finite("2024-02", &month, &batch, &names, &names).unwrap_err().to_string();
        assert!(
            err.contains("2024-02") && err.contains("chip \"B\"") && err.contains("price_musd = NaN"),
            "{err}"
        );
        batch.chips.clear();
        batch.events.push(Event {
            month: 0,
            actor: Name::from("A"),
            target: Name::from("B"),
            units: 0,
            amount_musd: 1.0,
            payload: Payload::Acquisition { researchers: 1, chips: 1, users_pct: f64::NEG_INFINITY },
        });
        let err = check_finite("2024-02", &month, &batch, &names, &names).unwrap_err().to_string();
        assert!(err.contains("acquisition event of \"A\" with \"B\"") && err.contains("= -inf"), "{err}");
        let month = MonthRow { wage_index: f64::INFINITY, ..MonthRow::default() };
        let err = check_finite("2024-02", &month, &batch, &names, &names).unwrap_err().to_string();
        assert!(err.contains("the market") && err.contains("wage_index = inf"), "{err}");
    }

    #[test]
    fn rule_targets_round_trip() {
        let chips = ["A800", "H800"];
        assert_eq!(rule_target(&chips), "A800 H800");
        assert_eq!(rule_chips(&rule_target(&chips)), chips);
        assert!(rule_chips("").is_empty());
    }

    #[test]
    fn every_kind_is_covered() {
        let kinds: Vec<EventKind> = every_kind().iter().map(Payload::kind).collect();
        for k in EventKind::ALL {
            assert!(kinds.contains(&k), "{k:?} has no payload in the round-trip test");
        }
    }

    #[test]
    fn detail_round_trips_for_every_kind() {
        for p in every_kind() {
            let p = p.at_printed_precision();
            let text = p.detail();
            let back = Payload::parse(p.kind(), &text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, p, "{text}");
            assert_eq!(back.detail(), text);
        }
    }

    #[test]
    fn detail_prints_as_before() {
        let p = |p: Payload| p.detail();
        assert_eq!(p(Payload::FundingRound { post_money_musd: 1234.567 }), "post-money 1235 USD M");
        assert_eq!(p(Payload::ChipOrder { due: Month::new(2024, 3) }), "due 2024-03");
        assert_eq!(
            p(Payload::Acquisition { researchers: 40, chips: 900, users_pct: 2.345 }),
            "40 researchers, 900 chips, 2.3% of users"
        );
        assert_eq!(
            p(Payload::Entry { tier: Tier::Small, researchers: 14, chips: 16 }),
            "small with 14 researchers, 16 chips"
        );
        assert_eq!(
            p(Payload::Exit { chips_sold: 16, researchers: 7, closed: false }),
            "insolvent: 16 chips sold at a haircut, 7 researchers back to the pools"
        );
        assert_eq!(
            p(Payload::LoanDefault { loss: LoanLoss::CollateralSeized { chips: 40, proceeds_musd: 12.25 } }),
            "collateral seized: 40 chips sold for 12.2 USD M"
        );
        assert_eq!(p(Payload::RuleEffective { orders_cancelled: 3 }), "3 orders cancelled");
    }

    #[test]
    fn the_printed_precision_is_what_reads_back() {
        let p = Payload::FundingRound { post_money_musd: 999.6 }.at_printed_precision();
        assert_eq!(p, Payload::FundingRound { post_money_musd: 1000.0 });
    }

    /// Details as earlier versions of the readers parsed them.
    #[test]
    fn details_read_as_before() {
        assert_eq!(
            Payload::parse(EventKind::FundingRound, "post-money 1551 USD M"),
            Ok(Payload::FundingRound { post_money_musd: 1551.0 })
        );
        assert!(Payload::parse(EventKind::FundingRound, "something else").is_err());
        assert_eq!(
            Payload::parse(EventKind::Acquisition, "40 researchers, 900 chips, 2.3% of users"),
            Ok(Payload::Acquisition { researchers: 40, chips: 900, users_pct: 2.3 })
        );
        assert_eq!(
            Payload::parse(EventKind::Entry, "startup with 50 researchers, 64 chips"),
            Ok(Payload::Entry { tier: Tier::Startup, researchers: 50, chips: 64 })
        );
        assert_eq!(
            Payload::parse(EventKind::ChipOrder, "due 2023-10"),
            Ok(Payload::ChipOrder { due: Month::new(2023, 10) })
        );
    }

    #[test]
    fn a_wrong_detail_is_an_error() {
        assert!(Payload::parse(EventKind::FundingRound, "post-money lots").is_err());
        assert!(Payload::parse(EventKind::TalentMove, "x").is_err());
        assert!(Payload::parse(EventKind::Entry, "giant with many").is_err());
    }
}
