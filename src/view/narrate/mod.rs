//! The story of a run, month by month, in plain sentences a class can read:
//! only the notable events (rules, stockpiling, the first chip loans and
//! their repayment, large rounds, acquisitions, exits and closures, the
//! price war and named labs' price cuts, pivots to applications, teams
//! handed to giants, open weights, the consolidation phase), the rest
//! counted per quarter or per month ("2023 Q2 — 27 new start-ups
//! enter"). Built from the output files alone (`RunData`); the sentence
//! builders are pure functions with unit tests.
//!
//! It says what the run shows and nothing more: every number comes from
//! events.csv, months.csv, firms.csv or summary.json.

use crate::record::{EventKind, EventRec, Payload, Repayment, RunData, rule_chips};
use crate::view::facts::Consolidation;
use crate::view::format::{count, grouped, hhi, join_and, money, pct, thousands};
use crate::world::Tier;
use std::collections::{BTreeMap, HashMap, HashSet};

mod sentences;
pub use sentences::*;
mod story;
use story::*;
#[cfg(test)]
mod tests;

/// A funding round at least this large (USD M) is told on its own.
pub const ROUND_THRESHOLD_MUSD: f64 = 100.0;
/// The largest rounds of a run are told even below the threshold (small worlds).
pub const TOP_ROUNDS: usize = 3;
/// At most this many rounds get their own line in a month.
pub const PER_MONTH: usize = 2;
/// Up to this many acquisitions in a month are each told; above it only the
/// largest is, and the rest are counted in one line.
pub const DEALS_TOLD: usize = 2;
/// Months before a rule's effective month searched for giants' stockpiling.
pub const STOCKPILE_WINDOW_MONTHS: u32 = 6;
/// Giants' orders of soon-banned chips at this multiple of their earlier
/// monthly chip spending count as a stockpiling surge.
pub const STOCKPILE_SURGE: f64 = 1.5;

/// The story: (date, sentence) in time order. A date is `YYYY-MM`, or
/// `YYYY Qn` for a quarter's aggregate (listed after the quarter's last month).
pub fn story(data: &RunData) -> Vec<(String, String)> {
    story_and_notable(data).0
}

/// The story and the events it tells (see [`notable_events`]), from one
/// pass over the events.
pub fn story_and_notable(data: &RunData) -> (Vec<(String, String)>, Vec<&EventRec>) {
    let sel = Selection::of(data);
    let mut lines = Lines::default();
    let facts = Consolidation::of(data);
    let last = data.months.last().map(|m| m.month).unwrap_or(0);

    start_and_end(data, &facts, &mut lines);
    rules(data, &sel, &mut lines);
    stockpiling(data, &sel, &mut lines);
    grey_market(data, &sel, &mut lines);
    loans(data, &sel, &mut lines);
    rounds(data, &sel, &mut lines);
    acquisitions(data, &sel, &mut lines);
    exits(data, &sel, &mut lines);
    price_cuts(data, &sel, &mut lines);
    pivots(data, &sel, &mut lines);
    team_transfers(data, &sel, &mut lines);
    open_weights(data, &mut lines);
    entries(data, &sel, &mut lines);
    milestones(data, &facts, last, &mut lines);
    quarters(data, &sel, &mut lines);

    lines.0.sort_by_key(|l| (l.month, l.order));
    let story = lines.0.into_iter().map(|l| (l.date, l.text)).collect();
    let mut notable: Vec<usize> = sel.notable.iter().copied().collect();
    notable.sort_unstable();
    (story, notable.into_iter().map(|i| &data.events[i]).collect())
}

/// The story as text, one `date — sentence` line each.
pub fn text(data: &RunData) -> String {
    let mut out = String::new();
    for (date, sentence) in story(data) {
        out.push_str(&date);
        out.push_str(" — ");
        out.push_str(&sentence);
        out.push('\n');
    }
    out
}

/// The events the story tells, in file order: rules, notable rounds, first
/// chip loans and their first repayment after a round, defaults,
/// acquisitions, exits, entries of named firms, the first grey-market
/// purchase. (The report's timeline table.)
pub fn notable_events(data: &RunData) -> Vec<&EventRec> {
    story_and_notable(data).1
}
