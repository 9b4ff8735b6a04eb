//! The story of a run, month by month, in plain sentences a class can read:
//! only the notable events (rules, stockpiling, the first chip loans and
//! their repayment, large rounds, acquisitions, exits, the consolidation
//! phase), the rest counted per quarter ("2023 Q2 — 27 new start-ups
//! enter"). Built from the output files alone (`RunData`); the sentence
//! builders are pure functions with unit tests.
//!
//! It says what the run shows and nothing more: every number comes from
//! events.csv, months.csv, firms.csv or summary.json.

use crate::record::{EventKind, EventRec, Payload, Repayment, RunData, rule_chips};
use crate::view::facts::Consolidation;
use crate::view::format::{count, hhi, join_and, money, pct, thousands};
use crate::world::Tier;
use std::collections::{BTreeMap, HashMap, HashSet};

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

// ---------------------------------------------------------------------------
// sentence builders (pure)

/// "the A800 and H800", "the A100".
pub fn chips_phrase(chips: &[String]) -> String {
    format!("the {}", join_and(chips))
}

/// A rule taking effect.
pub fn ban_sentence(
    rule: &str,
    newly_banned: &[String],
    cancelled: Option<u64>,
    banned_held: Option<u64>,
) -> String {
    let mut s = if newly_banned.is_empty() {
        format!("US rule {rule} takes effect (it bans no chip that was not banned already)")
    } else {
        format!("the US bans {} (rule {rule})", chips_phrase(newly_banned))
    };
    match cancelled {
        Some(0) => s.push_str("; no pending order is cancelled"),
        Some(n) => s.push_str(&format!("; {} cancelled and refunded", count(n, "order", "orders"))),
        None => {}
    }
    if let Some(n) = banned_held.filter(|n| *n > 0) {
        s.push_str(&format!("; firms still hold {} banned chips", thousands(n)));
    }
    s.push('.');
    s
}

/// A rule in force before the run starts.
pub fn in_force_sentence(rule: &str, chips: &[String]) -> String {
    format!("US rule {rule} is already in force: {} cannot be bought.", chips_phrase(chips))
}

/// A rule announced ahead of its effective month.
pub fn announce_sentence(rule: &str, chips: &[String], effective: &str) -> String {
    format!("the US announces rule {rule}: {} will be banned from {effective}.", chips_phrase(chips))
}

/// Giants ordering soon-banned chips well above their earlier pace.
pub fn stockpile_sentence(rule: &str, chips: &[String], spend_musd: f64, months: u32, ratio: f64) -> String {
    format!(
        "the giants stockpile ahead of rule {rule}: {} of {} ordered in the {} before it takes effect, {:.1}× their earlier monthly chip spending.",
        money(spend_musd),
        join_and(chips),
        count(months as u64, "month", "months"),
        ratio
    )
}

/// The first grey-market purchase of a run.
pub fn grey_sentence(firm: &str, units: u64, chip: &str, total: u64) -> String {
    format!(
        "the grey market opens: {firm} buys {} banned {chip} at a premium (the first of {}).",
        thousands(units),
        count(total, "grey-market purchase", "grey-market purchases")
    )
}

/// A firm's first chip-backed loan; `loans` is how many it takes in the run.
pub fn first_loan_sentence(
    firm: &str,
    lender: &str,
    amount_musd: f64,
    units: u64,
    chip: Option<&str>,
    loans: u64,
) -> String {
    let which = if loans > 1 {
        format!("takes the first of its {loans} chip-backed loans")
    } else {
        "takes a chip-backed loan".to_string()
    };
    let collateral = match chip {
        Some(c) => format!("{} {c}", thousands(units)),
        None => count(units, "chip", "chips"),
    };
    format!("{firm} {which}: {} from {lender} against {collateral} as collateral.", money(amount_musd))
}

/// A firm repaying chip loans from a funding round (the 01.AI route).
pub fn repaid_sentence(firm: &str, loans: u64, amount_musd: f64, valuation_musd: Option<f64>) -> String {
    let what = if loans == 1 {
        format!("its chip loan ({})", money(amount_musd))
    } else {
        format!("{loans} chip loans ({} in all)", money(amount_musd))
    };
    match valuation_musd {
        Some(v) => format!("{firm} repays {what} after a round at a {} valuation.", money(v)),
        None => format!("{firm} repays {what} after a funding round."),
    }
}

/// A loan default; `seized` chips taken by the lender (0 on an exit).
pub fn default_sentence(firm: &str, lender: &str, amount_musd: f64, seized: u64) -> String {
    if seized > 0 {
        format!(
            "{firm} defaults on a {} chip loan: {lender} seizes {} and sells them.",
            money(amount_musd),
            count(seized, "chip", "chips")
        )
    } else {
        format!("{firm} defaults on a {} chip loan from {lender} as it goes under.", money(amount_musd))
    }
}

/// A funding round told on its own.
pub fn round_sentence(firm: &str, investor: &str, amount_musd: f64, post_money_musd: Option<f64>) -> String {
    match post_money_musd {
        Some(v) => {
            format!("{firm} raises {} from {investor} at a {} valuation.", money(amount_musd), money(v))
        }
        None => format!("{firm} raises {} from {investor}.", money(amount_musd)),
    }
}

/// What moves in an acquisition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DealTerms {
    pub researchers: u64,
    pub chips: Option<u64>,
    pub users_pct: Option<f64>,
}

/// The terms of an acquisition from its payload; for another payload only
/// `researchers` is known, as the event's units.
pub fn deal_terms(payload: &Payload, units: u64) -> DealTerms {
    match *payload {
        Payload::Acquisition { researchers, chips, users_pct } => {
            DealTerms { researchers, chips: Some(chips), users_pct: Some(users_pct) }
        }
        _ => DealTerms { researchers: units, chips: None, users_pct: None },
    }
}

/// An acquisition told on its own.
pub fn acquisition_sentence(buyer: &str, target: &str, price_musd: f64, terms: DealTerms) -> String {
    let mut parts = vec![count(terms.researchers, "researcher", "researchers")];
    if let Some(c) = terms.chips {
        parts.push(count(c, "chip", "chips"));
    }
    if let Some(u) = terms.users_pct.filter(|u| *u >= 0.05) {
        parts.push(format!("{u:.1}% of the users"));
    }
    format!("{buyer} acquires {target} for {}: {} move.", money(price_musd), join_and(&parts))
}

/// Acquisitions of a month beyond those told on their own.
pub fn more_acquisitions_sentence(n: u64, total_musd: f64, buyers: &[String]) -> String {
    let by = if buyers.is_empty() { String::new() } else { format!(" by {}", join_and(buyers)) };
    format!(
        "{} {} bought{by}, for {} in all.",
        count(n, "more firm", "more firms"),
        if n == 1 { "is" } else { "are" },
        money(total_musd)
    )
}

/// The firms of a month that go under. `names` in the order to show them.
pub fn exit_sentence(names: &[String], chips_sold: u64, researchers: u64) -> String {
    let what = format!(
        "{} sold at a haircut, {} back to the pools",
        count(chips_sold, "chip", "chips"),
        count(researchers, "researcher", "researchers")
    );
    match names {
        [one] => format!("{one} goes under: {what}."),
        _ => {
            const SHOWN: usize = 4;
            let mut shown: Vec<String> = names.iter().take(SHOWN).cloned().collect();
            if names.len() > SHOWN {
                let rest = names.len() - SHOWN;
                shown.truncate(SHOWN - 1);
                shown.push(count((rest + 1) as u64, "other", "others"));
            }
            format!("{} firms go under ({}): {what}.", names.len(), join_and(&shown))
        }
    }
}

/// A named firm founded during the run, from its entry payload.
pub fn entry_sentence(firm: &str, payload: &Payload) -> String {
    let Payload::Entry { tier, researchers, chips } = *payload else {
        return format!("{firm} enters the market.");
    };
    let what = match tier {
        Tier::Giant => "a giant",
        Tier::Startup => "a funded start-up",
        Tier::Small => "a small start-up",
    };
    format!("{firm} enters the market: {what} with {researchers} researchers and {chips} chips.")
}

/// A quarter's aggregate of entries and of rounds not told on their own.
pub fn quarter_sentence(entries: u64, rounds: u64, rounds_musd: f64, some_told: bool) -> Option<String> {
    let mut parts = Vec::new();
    if entries > 0 {
        parts.push(format!(
            "{} {}",
            count(entries, "new start-up", "new start-ups"),
            if entries == 1 { "enters" } else { "enter" }
        ));
    }
    if rounds > 0 {
        let noun = if some_told {
            ("other funding round", "other funding rounds")
        } else {
            ("funding round", "funding rounds")
        };
        parts.push(format!(
            "{} {} {}",
            count(rounds, noun.0, noun.1),
            if rounds == 1 { "raises" } else { "raise" },
            money(rounds_musd)
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let mut s = parts.join("; ");
    s.push('.');
    Some(s)
}

/// The start of a consolidation phase.
pub fn phase_sentence(
    hhi_now: f64,
    threshold: f64,
    firms: u32,
    peak: u32,
    peak_date: &str,
    months: u32,
    until: Option<&str>,
) -> String {
    let drop = if peak > 0 { 1.0 - firms as f64 / peak as f64 } else { 0.0 };
    let how_long = match until {
        Some(d) => format!("it lasts {}, until {d}", count(months as u64, "month", "months")),
        None => format!("it lasts {}, to the end of the run", count(months as u64, "month", "months")),
    };
    format!(
        "the consolidation phase begins: HHI {} (at least {}) and {} independent firms, {} below their peak of {} in {peak_date}; {how_long}.",
        hhi(hhi_now),
        hhi(threshold),
        thousands(firms as u64),
        pct(drop),
        thousands(peak as u64)
    )
}

// ---------------------------------------------------------------------------
// assembling the story

struct Line {
    month: u32,
    order: u8,
    date: String,
    text: String,
}

#[derive(Default)]
struct Lines(Vec<Line>);

impl Lines {
    fn push(&mut self, data: &RunData, month: u32, order: u8, text: String) {
        self.0.push(Line { month, order, date: date_of(data, month), text });
    }
}

// order of lines within a month
const O_START: u8 = 0;
const O_RULE: u8 = 1;
const O_STOCKPILE: u8 = 2;
const O_GREY: u8 = 3;
const O_LOAN: u8 = 4;
const O_ROUND: u8 = 5;
const O_REPAID: u8 = 6;
const O_ACQ: u8 = 7;
const O_EXIT: u8 = 8;
const O_ENTRY: u8 = 9;
const O_MILESTONE: u8 = 10;
const O_PHASE: u8 = 11;
const O_QUARTER: u8 = 12;
const O_END: u8 = 13;

fn date_of(data: &RunData, month: u32) -> String {
    data.months
        .get(month as usize)
        .filter(|m| m.month == month)
        .map(|m| m.date.clone())
        .unwrap_or_else(|| data.world.start.plus(month as i32).to_string())
}

/// Which events the story tells on their own (indices into `data.events`),
/// and every event's index by kind (one pass over the events).
struct Selection {
    by_kind: HashMap<EventKind, Vec<usize>>,
    notable: HashSet<usize>,
    told_rounds: HashSet<usize>,
    first_loans: Vec<usize>,
    /// (firm, month) of each firm's first repayment after a round.
    first_repaid: Vec<(String, u32)>,
    named_entries: HashSet<usize>,
    first_grey: Option<usize>,
}

impl Selection {
    fn of(data: &RunData) -> Self {
        let ev = &data.events;
        let named: HashSet<&str> = data.world.firms.iter().map(|f| f.name.as_str()).collect();
        let mut by_kind: HashMap<EventKind, Vec<usize>> = HashMap::new();
        for (i, e) in ev.iter().enumerate() {
            by_kind.entry(e.kind()).or_default().push(i);
        }
        let of = |k: EventKind| by_kind.get(&k).map(Vec::as_slice).unwrap_or(&[]);

        // rounds: large ones, and the largest few of the run, at most PER_MONTH a month
        let mut rounds: Vec<usize> = of(EventKind::FundingRound).to_vec();
        rounds.sort_by(|&a, &b| ev[b].amount_musd.total_cmp(&ev[a].amount_musd).then(a.cmp(&b)));
        let mut per_month: HashMap<u32, usize> = HashMap::new();
        let mut told_rounds = HashSet::new();
        for (rank, &i) in rounds.iter().enumerate() {
            if ev[i].amount_musd >= ROUND_THRESHOLD_MUSD || rank < TOP_ROUNDS {
                let n = per_month.entry(ev[i].month).or_default();
                if *n < PER_MONTH {
                    *n += 1;
                    told_rounds.insert(i);
                }
            }
        }

        let mut seen_borrowers = HashSet::new();
        let mut first_loans = Vec::new();
        let mut repaid_firms = HashSet::new();
        let mut first_repaid = Vec::new();
        let mut named_entries = HashSet::new();
        let mut first_grey = None;
        let mut notable: HashSet<usize> = told_rounds.clone();
        let mut candidates: Vec<usize> = [
            EventKind::RuleAnnounced,
            EventKind::RuleEffective,
            EventKind::Acquisition,
            EventKind::Exit,
            EventKind::LoanDefault,
            EventKind::Loan,
            EventKind::LoanRepaid,
            EventKind::Entry,
            EventKind::GreyMarketPurchase,
        ]
        .into_iter()
        .flat_map(|k| of(k).iter().copied())
        .collect();
        candidates.sort_unstable();
        for i in candidates {
            let e = &ev[i];
            match &e.payload {
                Payload::RuleAnnounced
                | Payload::RuleEffective { .. }
                | Payload::Acquisition { .. }
                | Payload::Exit { .. }
                | Payload::LoanDefault { .. } => {
                    notable.insert(i);
                }
                Payload::Loan { .. } if seen_borrowers.insert(e.target.clone()) => {
                    first_loans.push(i);
                    notable.insert(i);
                }
                Payload::LoanRepaid { when: Repayment::AfterRound { .. } } => {
                    if repaid_firms.insert(e.actor.clone()) {
                        first_repaid.push((e.actor.clone(), e.month));
                    }
                    if first_repaid.iter().any(|(f, m)| *f == e.actor && *m == e.month) {
                        notable.insert(i);
                    }
                }
                Payload::Entry { .. } if named.contains(e.actor.as_str()) => {
                    named_entries.insert(i);
                    notable.insert(i);
                }
                Payload::GreyMarketPurchase if first_grey.is_none() => {
                    first_grey = Some(i);
                    notable.insert(i);
                }
                _ => {}
            }
        }
        Selection { by_kind, notable, told_rounds, first_loans, first_repaid, named_entries, first_grey }
    }

    /// The events of one kind, in file order.
    fn events<'d>(
        &self,
        data: &'d RunData,
        kind: EventKind,
    ) -> impl Iterator<Item = &'d EventRec> + use<'d, '_> {
        self.by_kind.get(&kind).into_iter().flatten().map(move |&i| &data.events[i])
    }

    /// The indices of the events of one kind, in file order.
    fn indices(&self, kind: EventKind) -> &[usize] {
        self.by_kind.get(&kind).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn start_and_end(data: &RunData, facts: &Consolidation, lines: &mut Lines) {
    let (Some(first), Some(last)) = (data.months.first(), data.months.last()) else { return };
    let giants = data
        .firms
        .iter()
        .filter(|f| f.month == first.month && f.status == "active" && f.tier == "giant")
        .count() as u64;
    let mut s = format!(
        "the run starts with {} ({}); HHI {}, and the four largest hold {} of AI revenue",
        count(first.independent_firms as u64, "independent firm", "independent firms"),
        count(giants, "giant", "giants"),
        hhi(first.hhi),
        pct(first.cr4)
    );
    if first.hhi >= facts.params.hhi_threshold {
        s.push_str(&format!(", already above the {} line", hhi(facts.params.hhi_threshold)));
    }
    s.push('.');
    lines.push(data, first.month, O_START, s);
    if last.month > first.month {
        let s = format!(
            "the run ends with {}; HHI {}, and the four largest hold {} of AI revenue. In all: {}, {} and {}.",
            count(last.independent_firms as u64, "independent firm", "independent firms"),
            hhi(last.hhi),
            pct(last.cr4),
            count(last.entries as u64, "entry", "entries"),
            count(last.exits as u64, "exit", "exits"),
            count(last.acquisitions as u64, "acquisition", "acquisitions")
        );
        lines.push(data, last.month, O_END, s);
    }
}

fn chip_list(target: &str) -> Vec<String> {
    rule_chips(target).into_iter().map(str::to_string).collect()
}

fn rules(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let mut banned: HashSet<String> = HashSet::new();
    let mut rows: Vec<usize> = sel
        .indices(EventKind::RuleAnnounced)
        .iter()
        .chain(sel.indices(EventKind::RuleEffective))
        .copied()
        .collect();
    rows.sort_unstable();
    for e in rows.into_iter().map(|i| &data.events[i]) {
        let chips = chip_list(&e.target);
        let rule = data.world.policy.rules.iter().find(|r| r.name == e.actor);
        match e.payload {
            Payload::RuleAnnounced => {
                let effective = rule.map(|r| r.effective);
                let same_month = match effective {
                    Some(eff) => eff.since(data.world.start).max(0) as u32 == e.month,
                    None => true,
                };
                if !same_month && let Some(eff) = effective {
                    lines.push(data, e.month, O_RULE, announce_sentence(&e.actor, &chips, &eff.to_string()));
                }
            }
            Payload::RuleEffective { orders_cancelled } => {
                let newly: Vec<String> = chips.iter().filter(|c| !banned.contains(*c)).cloned().collect();
                banned.extend(chips.iter().cloned());
                let before_start = rule.is_some_and(|r| r.effective < data.world.start);
                let text = if before_start {
                    in_force_sentence(&e.actor, &chips)
                } else {
                    let held = data.months.get(e.month as usize).map(|m| m.banned_chip_units);
                    ban_sentence(&e.actor, &newly, Some(orders_cancelled), held)
                };
                lines.push(data, e.month, O_RULE, text);
            }
            _ => {}
        }
    }
}

/// Giants' monthly chip spending: all chips, and per chip.
fn giants_orders(data: &RunData, sel: &Selection) -> (Vec<f64>, HashMap<(u32, String), f64>) {
    let giants: HashSet<&str> =
        data.firms.iter().filter(|f| f.tier == "giant").map(|f| f.firm.as_str()).collect();
    let n = data.months.len().max(1);
    let mut all = vec![0.0; n];
    let mut by_chip: HashMap<(u32, String), f64> = HashMap::new();
    for e in sel.events(data, EventKind::ChipOrder).filter(|e| giants.contains(e.actor.as_str())) {
        if let Some(x) = all.get_mut(e.month as usize) {
            *x += e.amount_musd;
        }
        *by_chip.entry((e.month, e.target.clone())).or_default() += e.amount_musd;
    }
    (all, by_chip)
}

fn stockpiling(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let rules: Vec<&EventRec> = sel.events(data, EventKind::RuleEffective).collect();
    if rules.is_empty() {
        return;
    }
    let (all, by_chip) = giants_orders(data, sel);
    let w = STOCKPILE_WINDOW_MONTHS;
    for r in rules {
        let eff = r.month;
        if eff < w + 1 {
            continue; // no earlier pace to compare with
        }
        let chips = chip_list(&r.target);
        let covered =
            |m: u32| chips.iter().map(|c| by_chip.get(&(m, c.clone())).copied().unwrap_or(0.0)).sum::<f64>();
        let pre_from = eff.saturating_sub(2 * w);
        let pre_to = eff - w; // exclusive
        let pace = (pre_from..pre_to).map(|m| all.get(m as usize).copied().unwrap_or(0.0)).sum::<f64>()
            / (pre_to - pre_from) as f64;
        if pace <= 0.0 {
            continue;
        }
        let Some(first) = (eff - w..eff).find(|&m| covered(m) >= STOCKPILE_SURGE * pace) else { continue };
        let months = eff - first;
        let spend: f64 = (first..eff).map(covered).sum();
        let ratio = spend / months as f64 / pace;
        if ratio >= STOCKPILE_SURGE {
            let ordered: Vec<String> = chips
                .iter()
                .filter(|c| (first..eff).any(|m| by_chip.contains_key(&(m, (*c).clone()))))
                .cloned()
                .collect();
            lines.push(
                data,
                first,
                O_STOCKPILE,
                stockpile_sentence(&r.actor, &ordered, spend, months, ratio),
            );
        }
    }
}

fn grey_market(data: &RunData, sel: &Selection, lines: &mut Lines) {
    if let Some(i) = sel.first_grey {
        let e = &data.events[i];
        let total = sel.events(data, EventKind::GreyMarketPurchase).count() as u64;
        lines.push(data, e.month, O_GREY, grey_sentence(&e.actor, e.units, &e.target, total));
    }
}

fn loans(data: &RunData, sel: &Selection, lines: &mut Lines) {
    for &i in &sel.first_loans {
        let e = &data.events[i];
        let chip = match &e.payload {
            Payload::Loan { chip, .. } => Some(&**chip),
            _ => None,
        };
        let n = sel.events(data, EventKind::Loan).filter(|x| x.target == e.target).count() as u64;
        lines.push(
            data,
            e.month,
            O_LOAN,
            first_loan_sentence(&e.target, &e.actor, e.amount_musd, e.units, chip, n),
        );
    }
    for (firm, month) in &sel.first_repaid {
        let after_round = |e: &EventRec| match e.payload {
            Payload::LoanRepaid { when: Repayment::AfterRound { post_money_musd } } => Some(post_money_musd),
            _ => None,
        };
        let rows: Vec<&EventRec> = sel
            .events(data, EventKind::LoanRepaid)
            .filter(|e| e.month == *month && e.actor == *firm && after_round(e).is_some())
            .collect();
        let amount: f64 = rows.iter().map(|e| e.amount_musd).sum();
        let valuation = rows.first().and_then(|e| after_round(e));
        lines.push(data, *month, O_REPAID, repaid_sentence(firm, rows.len() as u64, amount, valuation));
    }
    let mut defaults: BTreeMap<(u32, String, String), (f64, u64)> = BTreeMap::new();
    for e in sel.events(data, EventKind::LoanDefault) {
        let d = defaults.entry((e.month, e.actor.clone(), e.target.clone())).or_default();
        d.0 += e.amount_musd;
        d.1 += e.units;
    }
    for ((month, firm, lender), (amount, seized)) in defaults {
        lines.push(data, month, O_LOAN, default_sentence(&firm, &lender, amount, seized));
    }
}

fn rounds(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let mut told: Vec<usize> = sel.told_rounds.iter().copied().collect();
    told.sort_by(|&a, &b| {
        let (x, y) = (&data.events[a], &data.events[b]);
        x.month.cmp(&y.month).then(y.amount_musd.total_cmp(&x.amount_musd)).then(a.cmp(&b))
    });
    // within a month the larger round comes first (the sort is stable)
    for &i in &told {
        let e = &data.events[i];
        let post_money = match e.payload {
            Payload::FundingRound { post_money_musd } => Some(post_money_musd),
            _ => None,
        };
        lines.push(data, e.month, O_ROUND, round_sentence(&e.target, &e.actor, e.amount_musd, post_money));
    }
}

fn acquisitions(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let named: HashSet<&str> = data.world.firms.iter().map(|f| f.name.as_str()).collect();
    let mut by_month: BTreeMap<u32, Vec<&EventRec>> = BTreeMap::new();
    for e in sel.events(data, EventKind::Acquisition) {
        by_month.entry(e.month).or_default().push(e);
    }
    for (month, mut deals) in by_month {
        // named firms first, then the largest price
        deals.sort_by(|a, b| {
            named
                .contains(b.target.as_str())
                .cmp(&named.contains(a.target.as_str()))
                .then(b.amount_musd.total_cmp(&a.amount_musd))
        });
        let told = if deals.len() > DEALS_TOLD { 1 } else { deals.len() };
        for e in &deals[..told] {
            let terms = deal_terms(&e.payload, e.units);
            lines.push(data, month, O_ACQ, acquisition_sentence(&e.actor, &e.target, e.amount_musd, terms));
        }
        if deals.len() > told {
            let rest = &deals[told..];
            let mut buyers: Vec<String> = Vec::new();
            for e in rest {
                if !buyers.contains(&e.actor) {
                    buyers.push(e.actor.clone());
                }
            }
            if buyers.len() > 3 {
                buyers.clear();
            }
            let total = rest.iter().map(|e| e.amount_musd).sum();
            lines.push(data, month, O_ACQ, more_acquisitions_sentence(rest.len() as u64, total, &buyers));
        }
    }
}

fn exits(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let named: HashSet<&str> = data.world.firms.iter().map(|f| f.name.as_str()).collect();
    let mut by_month: BTreeMap<u32, Vec<&EventRec>> = BTreeMap::new();
    for e in sel.events(data, EventKind::Exit) {
        by_month.entry(e.month).or_default().push(e);
    }
    for (month, mut gone) in by_month {
        gone.sort_by_key(|e| !named.contains(e.actor.as_str()));
        let names: Vec<String> = gone.iter().map(|e| e.actor.clone()).collect();
        let chips: u64 = gone
            .iter()
            .filter_map(|e| match e.payload {
                Payload::Exit { chips_sold, .. } => Some(chips_sold),
                _ => None,
            })
            .sum();
        let researchers = gone.iter().map(|e| e.units).sum();
        lines.push(data, month, O_EXIT, exit_sentence(&names, chips, researchers));
    }
}

fn entries(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let mut named: Vec<usize> = sel.named_entries.iter().copied().collect();
    named.sort();
    for i in named {
        let e = &data.events[i];
        lines.push(data, e.month, O_ENTRY, entry_sentence(&e.actor, &e.payload));
    }
}

fn milestones(data: &RunData, facts: &Consolidation, last: u32, lines: &mut Lines) {
    let (peak, peak_month) = facts.peak;
    if peak_month > 0 && peak_month < last {
        lines.push(
            data,
            peak_month,
            O_MILESTONE,
            format!("independent firms peak at {}.", thousands(peak as u64)),
        );
    }
    if let Some(m) = facts.first_hhi_above.filter(|m| *m > 0) {
        let h = data.months.get(m as usize).map(|r| r.hhi).unwrap_or(0.0);
        lines.push(
            data,
            m,
            O_MILESTONE,
            format!(
                "HHI passes {}, the “highly concentrated” line of the 2023 US merger guidelines: {}.",
                hhi(facts.params.hhi_threshold),
                hhi(h)
            ),
        );
    }
    let mut phases = facts.phases.clone();
    if phases.is_empty()
        && let Some(p) = facts.first_phase()
    {
        phases.push(p);
    }
    for p in &phases {
        let Some(row) = data.months.get(p.start as usize) else { continue };
        let (peak, peak_m) = facts.peak_at(p.start);
        let until = (p.end < last).then(|| date_of(data, p.end));
        lines.push(
            data,
            p.start,
            O_PHASE,
            phase_sentence(
                row.hhi,
                facts.params.hhi_threshold,
                row.independent_firms,
                peak,
                &date_of(data, peak_m),
                p.end - p.start + 1,
                until.as_deref(),
            ),
        );
    }
    if phases.is_empty() && facts.longest_run.0 > 0 {
        let (len, start) = facts.longest_run;
        let text = format!(
            "HHI and the fall in independent firms both meet the consolidation test, but only for {}{} ({} needed): no consolidation phase.",
            count(len as u64, "month", "months"),
            if facts.longest_run_at_end { " before the run ends" } else { "" },
            facts.params.hold_months.max(1)
        );
        lines.push(data, start, O_PHASE, text);
    }
}

/// A quarter's counts: (last month of the quarter in the run, entries not
/// told, rounds not told, their USD M, whether any round was told).
type Quarter = (u32, u64, u64, f64, bool);

fn quarters(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let mut q: BTreeMap<(i32, u32), Quarter> = BTreeMap::new();
    let key = |month: u32| {
        let m = data.world.start.plus(month as i32);
        (m.year(), (m.month() - 1) / 3 + 1)
    };
    for m in &data.months {
        q.entry(key(m.month)).or_default().0 = m.month;
    }
    for &i in sel.indices(EventKind::Entry) {
        if !sel.named_entries.contains(&i)
            && let Some(x) = q.get_mut(&key(data.events[i].month))
        {
            x.1 += 1;
        }
    }
    for &i in sel.indices(EventKind::FundingRound) {
        let e = &data.events[i];
        if let Some(x) = q.get_mut(&key(e.month)) {
            if sel.told_rounds.contains(&i) {
                x.4 = true;
            } else {
                x.2 += 1;
                x.3 += e.amount_musd;
            }
        }
    }
    for ((year, quarter), (last_month, entries, rounds, musd, told)) in q {
        if let Some(text) = quarter_sentence(entries, rounds, musd, told) {
            lines.0.push(Line {
                month: last_month,
                order: O_QUARTER,
                date: format!("{year} Q{quarter}"),
                text,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::Month;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn bans() {
        assert_eq!(
            ban_sentence("2023-10-17", &s(&["A800", "H800"]), Some(14), Some(0)),
            "the US bans the A800 and H800 (rule 2023-10-17); 14 orders cancelled and refunded."
        );
        assert_eq!(
            ban_sentence("2022-10-07", &s(&["A100"]), Some(1), Some(36_000)),
            "the US bans the A100 (rule 2022-10-07); 1 order cancelled and refunded; firms still hold 36,000 banned chips."
        );
        assert_eq!(
            ban_sentence("r", &[], Some(0), None),
            "US rule r takes effect (it bans no chip that was not banned already); no pending order is cancelled."
        );
        assert_eq!(
            in_force_sentence("2022-10-07", &s(&["A100", "H100"])),
            "US rule 2022-10-07 is already in force: the A100 and H100 cannot be bought."
        );
        assert_eq!(
            announce_sentence("x", &s(&["H20"]), "2025-04"),
            "the US announces rule x: the H20 will be banned from 2025-04."
        );
    }

    #[test]
    fn stockpile_grey_and_loans() {
        assert_eq!(
            stockpile_sentence("2023-10-17", &s(&["A800"]), 1600.0, 4, 2.14),
            "the giants stockpile ahead of rule 2023-10-17: $1.6bn of A800 ordered in the 4 months before it takes effect, 2.1× their earlier monthly chip spending."
        );
        assert_eq!(
            grey_sentence("Entrant 4", 5, "H100", 1484),
            "the grey market opens: Entrant 4 buys 5 banned H100 at a premium (the first of 1,484 grey-market purchases)."
        );
        assert_eq!(
            first_loan_sentence("01.AI", "Compute Credit Partners", 2.5757, 67, Some("H800"), 50),
            "01.AI takes the first of its 50 chip-backed loans: $2.6M from Compute Credit Partners against 67 H800 as collateral."
        );
        assert_eq!(
            first_loan_sentence("X", "Bank", 12.0, 3, None, 1),
            "X takes a chip-backed loan: $12M from Bank against 3 chips as collateral."
        );
        assert_eq!(
            repaid_sentence("01.AI", 4, 9.7, Some(1345.0)),
            "01.AI repays 4 chip loans ($9.7M in all) after a round at a $1.3bn valuation."
        );
        assert_eq!(
            repaid_sentence("01.AI", 1, 2.5757, Some(1044.0)),
            "01.AI repays its chip loan ($2.6M) after a round at a $1bn valuation."
        );
        assert_eq!(
            default_sentence("Y", "Bank", 20.0, 300),
            "Y defaults on a $20M chip loan: Bank seizes 300 chips and sells them."
        );
        assert_eq!(
            default_sentence("Y", "Bank", 20.0, 0),
            "Y defaults on a $20M chip loan from Bank as it goes under."
        );
    }

    #[test]
    fn rounds_and_deals() {
        assert_eq!(
            round_sentence("MiniMax", "Alibaba Strategic", 329.864, Some(2199.0)),
            "MiniMax raises $330M from Alibaba Strategic at a $2.2bn valuation."
        );
        assert_eq!(round_sentence("A", "B", 0.7098, None), "A raises $0.7M from B.");
        let t = deal_terms(&Payload::Acquisition { researchers: 40, chips: 900, users_pct: 2.3 }, 0);
        assert_eq!(t, DealTerms { researchers: 40, chips: Some(900), users_pct: Some(2.3) });
        assert_eq!(
            acquisition_sentence("Tencent", "Nova AI", 120.0, t),
            "Tencent acquires Nova AI for $120M: 40 researchers, 900 chips and 2.3% of the users move."
        );
        let t = deal_terms(&Payload::Acquisition { researchers: 30, chips: 35, users_pct: 0.0 }, 0);
        assert_eq!(
            acquisition_sentence("Baidu", "Startup 72", 173.0243, t),
            "Baidu acquires Startup 72 for $173M: 30 researchers and 35 chips move."
        );
        assert_eq!(
            acquisition_sentence("B", "T", 5.0, deal_terms(&Payload::TalentMove, 7)),
            "B acquires T for $5M: 7 researchers move."
        );
        assert_eq!(
            more_acquisitions_sentence(3, 450.0, &s(&["Baidu", "Tencent"])),
            "3 more firms are bought by Baidu and Tencent, for $450M in all."
        );
        assert_eq!(more_acquisitions_sentence(1, 45.0, &[]), "1 more firm is bought, for $45M in all.");
    }

    #[test]
    fn exits_entries_quarters() {
        assert_eq!(
            exit_sentence(&s(&["Startup 91"]), 129, 23),
            "Startup 91 goes under: 129 chips sold at a haircut, 23 researchers back to the pools."
        );
        assert_eq!(
            exit_sentence(&s(&["A", "B", "C"]), 1, 1),
            "3 firms go under (A, B and C): 1 chip sold at a haircut, 1 researcher back to the pools."
        );
        assert_eq!(
            exit_sentence(&s(&["A", "B", "C", "D", "E", "F"]), 10, 20),
            "6 firms go under (A, B, C and 3 others): 10 chips sold at a haircut, 20 researchers back to the pools."
        );
        assert_eq!(
            entry_sentence(
                "Red Lantern AI",
                &Payload::Entry { tier: Tier::Startup, researchers: 50, chips: 64 }
            ),
            "Red Lantern AI enters the market: a funded start-up with 50 researchers and 64 chips."
        );
        assert_eq!(
            entry_sentence("Tiny Token", &Payload::Entry { tier: Tier::Small, researchers: 14, chips: 16 }),
            "Tiny Token enters the market: a small start-up with 14 researchers and 16 chips."
        );
        assert_eq!(entry_sentence("X", &Payload::TalentMove), "X enters the market.");
        assert_eq!(quarter_sentence(27, 0, 0.0, false).unwrap(), "27 new start-ups enter.");
        assert_eq!(
            quarter_sentence(1, 5, 210.0, true).unwrap(),
            "1 new start-up enters; 5 other funding rounds raise $210M."
        );
        assert_eq!(quarter_sentence(0, 1, 2.0, false).unwrap(), "1 funding round raises $2M.");
        assert_eq!(quarter_sentence(0, 0, 0.0, true), None);
    }

    #[test]
    fn stockpiling_shows_as_a_surge_of_giants_orders() {
        use crate::view::facts::fixture::{event, run};
        let n = 16;
        let hhi = vec![2000.0; n];
        let firms = vec![1; n];
        // the giant spends $10M a month on A100s, then $40M a month on H800s
        // in the two months before a rule bans the H800 in month 14
        let order = |m: u32| Payload::ChipOrder { due: Month::new(2022, 1).plus(m as i32 + 3) };
        let mut events: Vec<EventRec> =
            (0..12).map(|m| event(m, "G", "A100", 1000, 10.0, order(m))).collect();
        events.push(event(12, "G", "H800", 1300, 40.0, order(12)));
        events.push(event(13, "G", "H800", 1300, 40.0, order(13)));
        events.push(event(14, "r", "H800", 0, 0.0, Payload::RuleAnnounced));
        events.push(event(14, "r", "H800", 0, 0.0, Payload::RuleEffective { orders_cancelled: 2 }));
        let data = run(&hhi, &firms, &[], events.clone());
        let story = story(&data);
        let line = story.iter().find(|(_, s)| s.contains("stockpile")).expect("a stockpiling line");
        assert_eq!(line.0, "2023-01");
        assert_eq!(
            line.1,
            "the giants stockpile ahead of rule r: $80M of H800 ordered in the 2 months before it takes effect, 4.0× their earlier monthly chip spending."
        );
        assert!(
            story
                .iter()
                .any(|(d, s)| d == "2023-03" && s.starts_with("the US bans the H800 (rule r); 2 orders"))
        );

        // the same orders spread evenly are no surge
        let even: Vec<EventRec> = events
            .iter()
            .map(|e| {
                if e.kind() == EventKind::ChipOrder && e.target == "H800" {
                    event(e.month, "G", "H800", 1, 10.0, order(e.month))
                } else {
                    e.clone()
                }
            })
            .collect();
        let data = run(&hhi, &firms, &[], even);
        assert!(!story_has(&data, "stockpile"));
    }

    fn story_has(data: &RunData, word: &str) -> bool {
        story(data).iter().any(|(_, s)| s.contains(word))
    }

    #[test]
    fn quarters_rounds_and_deals_are_aggregated() {
        use crate::view::facts::fixture::{event, run};
        let n = 6;
        let entry = || Payload::Entry { tier: Tier::Small, researchers: 10, chips: 0 };
        let deal = || Payload::Acquisition { researchers: 10, chips: 5, users_pct: 0.0 };
        let data = run(
            &vec![2000.0; n],
            &vec![5; n],
            &[],
            vec![
                event(0, "Startup 1", "", 10, 1.0, entry()),
                event(1, "Startup 2", "", 10, 1.0, entry()),
                event(1, "VC", "Startup 2", 0, 3.0, Payload::FundingRound { post_money_musd: 20.0 }),
                event(1, "VC", "Startup 1", 0, 250.0, Payload::FundingRound { post_money_musd: 1500.0 }),
                event(4, "G", "Startup 1", 10, 50.0, deal()),
                event(4, "G", "Startup 2", 10, 30.0, deal()),
                event(4, "H", "Startup 3", 10, 20.0, deal()),
            ],
        );
        let story = story(&data);
        let find = |d: &str| -> Vec<&str> {
            story.iter().filter(|(x, _)| x == d).map(|(_, s)| s.as_str()).collect()
        };
        // the larger round first; the three largest of a run are told even when small
        assert_eq!(
            find("2022-02"),
            vec![
                "Startup 1 raises $250M from VC at a $1.5bn valuation.",
                "Startup 2 raises $3M from VC at a $20M valuation."
            ]
        );
        assert_eq!(find("2022 Q1"), vec!["2 new start-ups enter."]);
        assert_eq!(
            find("2022-05"),
            vec![
                "G acquires Startup 1 for $50M: 10 researchers and 5 chips move.",
                "2 more firms are bought by G and H, for $50M in all."
            ]
        );
        let notable = notable_events(&data);
        assert_eq!(notable.iter().filter(|e| e.kind() == EventKind::Acquisition).count(), 3);
        assert_eq!(notable.iter().filter(|e| e.kind() == EventKind::FundingRound).count(), 2);
        assert_eq!(
            notable.iter().filter(|e| e.kind() == EventKind::Entry).count(),
            0,
            "cohort entries are counted, not listed"
        );
    }

    #[test]
    fn phase() {
        assert_eq!(
            phase_sentence(1912.4, 1800.0, 60, 92, "2024-03", 18, None),
            "the consolidation phase begins: HHI 1,912 (at least 1,800) and 60 independent firms, 35% below their peak of 92 in 2024-03; it lasts 18 months, to the end of the run."
        );
        assert!(
            phase_sentence(2000.0, 1800.0, 6, 10, "2023-01", 7, Some("2024-06")).ends_with("until 2024-06.")
        );
    }
}
