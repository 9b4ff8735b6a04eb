//! Choosing the story's lines from the run: which events are notable, their
//! order within a month, the milestones and the quarterly counts. The
//! wording is the sentence builders'.

use super::*;

// ---------------------------------------------------------------------------
// assembling the story

pub(super) struct Line {
    pub(super) month: u32,
    pub(super) order: u8,
    pub(super) date: String,
    pub(super) text: String,
}

#[derive(Default)]
pub(super) struct Lines(pub(super) Vec<Line>);

impl Lines {
    pub(super) fn push(&mut self, data: &RunData, month: u32, order: u8, text: String) {
        self.0.push(Line { month, order, date: date_of(data, month), text });
    }
}

// order of lines within a month
pub(super) const O_START: u8 = 0;
pub(super) const O_RULE: u8 = 1;
pub(super) const O_STOCKPILE: u8 = 2;
pub(super) const O_GREY: u8 = 3;
pub(super) const O_LOAN: u8 = 4;
pub(super) const O_ROUND: u8 = 5;
pub(super) const O_REPAID: u8 = 6;
pub(super) const O_OPEN: u8 = 7;
pub(super) const O_PRICE: u8 = 8;
pub(super) const O_WAR: u8 = 9;
pub(super) const O_ACQ: u8 = 10;
pub(super) const O_TEAM: u8 = 11;
pub(super) const O_PIVOT: u8 = 12;
pub(super) const O_EXIT: u8 = 13;
pub(super) const O_ENTRY: u8 = 14;
pub(super) const O_MILESTONE: u8 = 15;
pub(super) const O_PHASE: u8 = 16;
pub(super) const O_QUARTER: u8 = 17;
pub(super) const O_END: u8 = 18;

pub(super) fn date_of(data: &RunData, month: u32) -> String {
    data.months
        .get(month as usize)
        .filter(|m| m.month == month)
        .map(|m| m.date.clone())
        .unwrap_or_else(|| data.world.start.plus(month as i32).to_string())
}

/// Which events the story tells on their own (indices into `data.events`),
/// and every event's index by kind (one pass over the events).
pub(super) struct Selection {
    pub(super) by_kind: HashMap<EventKind, Vec<usize>>,
    pub(super) notable: HashSet<usize>,
    pub(super) told_rounds: HashSet<usize>,
    pub(super) first_loans: Vec<usize>,
    /// (firm, month) of each firm's first repayment after a round.
    pub(super) first_repaid: Vec<(String, u32)>,
    pub(super) named_entries: HashSet<usize>,
    pub(super) first_grey: Option<usize>,
}

impl Selection {
    pub(super) fn of(data: &RunData) -> Self {
        let ev = &data.events;
        let named = named_firms(data);
        let told_cuts = named_or_giants(data);
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
            EventKind::PriceCut,
            EventKind::Pivot,
            EventKind::TeamTransfer,
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
                // the model market: named labs' cuts and pivots, every team transfer
                Payload::TeamTransfer { .. } => {
                    notable.insert(i);
                }
                Payload::PriceCut { .. } if told_cuts.contains(e.actor.as_str()) => {
                    notable.insert(i);
                }
                Payload::Pivot { .. } if named.contains(e.actor.as_str()) => {
                    notable.insert(i);
                }
                _ => {}
            }
        }
        Selection { by_kind, notable, told_rounds, first_loans, first_repaid, named_entries, first_grey }
    }

    /// The events of one kind, in file order.
    pub(super) fn events<'d>(
        &self,
        data: &'d RunData,
        kind: EventKind,
    ) -> impl Iterator<Item = &'d EventRec> + use<'d, '_> {
        self.by_kind.get(&kind).into_iter().flatten().map(move |&i| &data.events[i])
    }

    /// The events of one kind by month, each month's in file order.
    pub(super) fn by_month<'d>(
        &self,
        data: &'d RunData,
        kind: EventKind,
    ) -> BTreeMap<u32, Vec<&'d EventRec>> {
        let mut by_month: BTreeMap<u32, Vec<&EventRec>> = BTreeMap::new();
        for e in self.events(data, kind) {
            by_month.entry(e.month).or_default().push(e);
        }
        by_month
    }

    /// The indices of the events of one kind, in file order.
    pub(super) fn indices(&self, kind: EventKind) -> &[usize] {
        self.by_kind.get(&kind).map(Vec::as_slice).unwrap_or(&[])
    }
}

pub(super) fn start_and_end(data: &RunData, facts: &Consolidation, lines: &mut Lines) {
    let (Some(first), Some(last)) = (data.months.first(), data.months.last()) else { return };
    let giants = data
        .firms
        .iter()
        .filter(|f| f.month == first.month && f.status == "active" && f.tier == "giant")
        .count() as u64;
    let mut s = format!(
        "the run starts with {} serving their own foundation models ({}); HHI {} in the foundation-model market, and the four largest labs serve {} of its tokens",
        count(first.independent_labs as u64, "independent lab", "independent labs"),
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
            "the run ends with {} ({} in all, application companies included); HHI {}, and the four largest labs serve {} of the tokens. In all: {}, {}, {}, {} to applications and {}.",
            count(last.independent_labs as u64, "independent lab", "independent labs"),
            count(last.independent_firms as u64, "independent firm", "independent firms"),
            hhi(last.hhi),
            pct(last.cr4),
            count(last.entries as u64, "entry", "entries"),
            count(last.exits as u64, "exit", "exits"),
            count(last.acquisitions as u64, "acquisition", "acquisitions"),
            count(last.pivots as u64, "pivot", "pivots"),
            count(last.team_transfers as u64, "team transfer", "team transfers")
        );
        lines.push(data, last.month, O_END, s);
        let mut left: Vec<(&str, f64)> = data
            .firms
            .iter()
            .filter(|f| f.month == last.month && f.status == "active" && f.share > 0.0)
            .map(|f| (f.firm.as_str(), f.share))
            .collect();
        left.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        if !left.is_empty() {
            let names: Vec<String> = left.iter().map(|(n, _)| n.to_string()).collect();
            let shares: Vec<f64> = left.iter().map(|(_, s)| *s).collect();
            lines.push(
                data,
                last.month,
                O_END,
                labs_left_sentence(&names, &shares, last.independent_labs as u64),
            );
        }
        if last.token_volume_ttok > 0.0 {
            lines.push(
                data,
                last.month,
                O_END,
                token_market_end_sentence(
                    last.token_price_usd_mtok,
                    last.token_price_index,
                    last.token_volume_ttok,
                ),
            );
        }
    }
}

pub(super) fn chip_list(target: &str) -> Vec<String> {
    rule_chips(target).into_iter().map(str::to_string).collect()
}

pub(super) fn rules(data: &RunData, sel: &Selection, lines: &mut Lines) {
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
pub(super) fn giants_orders(data: &RunData, sel: &Selection) -> (Vec<f64>, HashMap<(u32, String), f64>) {
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

pub(super) fn stockpiling(data: &RunData, sel: &Selection, lines: &mut Lines) {
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

pub(super) fn grey_market(data: &RunData, sel: &Selection, lines: &mut Lines) {
    if let Some(i) = sel.first_grey {
        let e = &data.events[i];
        let total = sel.events(data, EventKind::GreyMarketPurchase).count() as u64;
        lines.push(data, e.month, O_GREY, grey_sentence(&e.actor, e.units, &e.target, total));
    }
}

pub(super) fn loans(data: &RunData, sel: &Selection, lines: &mut Lines) {
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
    let mut refunded: BTreeMap<(u32, String), (u64, f64)> = BTreeMap::new();
    for e in sel.events(data, EventKind::LoanRepaid) {
        if matches!(e.payload, Payload::LoanRepaid { when: Repayment::OrderCancelled }) {
            let r = refunded.entry((e.month, e.actor.clone())).or_default();
            r.0 += 1;
            r.1 += e.amount_musd;
        }
    }
    for ((month, firm), (n, amount)) in refunded {
        lines.push(data, month, O_REPAID, cancelled_repaid_sentence(&firm, n, amount));
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

pub(super) fn rounds(data: &RunData, sel: &Selection, lines: &mut Lines) {
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

/// The named firms and the giants: the labs whose price cuts are told one by one.
pub(super) fn named_or_giants(data: &RunData) -> HashSet<&str> {
    let mut set = named_firms(data);
    set.extend(data.firms.iter().filter(|f| f.tier == "giant").map(|f| f.firm.as_str()));
    set
}

/// The names of the firms the world file names (not cohorts or entrants).
pub(super) fn named_firms(data: &RunData) -> HashSet<&str> {
    data.world.firms.iter().map(|f| f.name.as_str()).collect()
}

pub(super) fn acquisitions(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let named = named_firms(data);
    for (month, mut deals) in sel.by_month(data, EventKind::Acquisition) {
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

pub(super) fn exits(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let named = named_firms(data);
    for (month, mut gone) in sel.by_month(data, EventKind::Exit) {
        gone.sort_by_key(|e| !named.contains(e.actor.as_str()));
        // insolvent firms first, then those that chose to close
        for closed in [false, true] {
            let these: Vec<&&EventRec> = gone
                .iter()
                .filter(|e| matches!(e.payload, Payload::Exit { closed: c, .. } if c == closed))
                .collect();
            if these.is_empty() {
                continue;
            }
            let names: Vec<String> = these.iter().map(|e| e.actor.clone()).collect();
            let chips: u64 = these
                .iter()
                .filter_map(|e| match e.payload {
                    Payload::Exit { chips_sold, .. } => Some(chips_sold),
                    _ => None,
                })
                .sum();
            let researchers = these.iter().map(|e| e.units).sum();
            lines.push(data, month, O_EXIT, exit_sentence(&names, chips, researchers, closed));
        }
    }
}

/// Named labs defending against one rival in a month: (rival, labs, old
/// prices, new prices).
type Matched = (String, Vec<String>, Vec<f64>, Vec<f64>);

/// Price cuts: each named lab's on its own (those defending against the
/// same rival in one line), the rest counted per month; the first
/// defending cut of a giant opens the price war.
pub(super) fn price_cuts(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let named = named_or_giants(data);
    let rival_of = |e: &EventRec| (e.target != e.actor && !e.target.is_empty()).then(|| e.target.clone());
    for (month, cuts) in sel.by_month(data, EventKind::PriceCut) {
        let mut others: Vec<String> = Vec::new();
        let mut defending_others = 0;
        // named labs defending against the same rival: (rival, labs, from, to)
        let mut matched: Vec<Matched> = Vec::new();
        for e in cuts {
            let Payload::PriceCut { from_usd_mtok, to_usd_mtok, defending } = e.payload else { continue };
            if named.contains(e.actor.as_str()) {
                let rival = rival_of(e);
                match (defending, rival) {
                    (true, Some(r)) => match matched.iter_mut().find(|m| m.0 == r) {
                        Some(m) => {
                            m.1.push(e.actor.clone());
                            m.2.push(from_usd_mtok);
                            m.3.push(to_usd_mtok);
                        }
                        None => {
                            matched.push((r, vec![e.actor.clone()], vec![from_usd_mtok], vec![to_usd_mtok]))
                        }
                    },
                    (_, rival) => {
                        let text = price_cut_sentence(
                            &e.actor,
                            rival.as_deref(),
                            from_usd_mtok,
                            to_usd_mtok,
                            defending,
                        );
                        lines.push(data, month, O_PRICE, text);
                    }
                }
            } else {
                others.push(e.actor.clone());
                defending_others += defending as u64;
            }
        }
        for (rival, labs, from, to) in matched {
            let text = match labs.as_slice() {
                [one] => price_cut_sentence(one, Some(&rival), from[0], to[0], true),
                _ => matched_cuts_sentence(&labs, &rival, &from, &to),
            };
            lines.push(data, month, O_PRICE, text);
        }
        if !others.is_empty() {
            lines.push(data, month, O_PRICE, more_cuts_sentence(&others, defending_others));
        }
    }
    let giants: HashSet<&str> =
        data.firms.iter().filter(|f| f.tier == "giant").map(|f| f.firm.as_str()).collect();
    let first = sel.events(data, EventKind::PriceCut).find(|e| {
        giants.contains(e.actor.as_str()) && matches!(e.payload, Payload::PriceCut { defending: true, .. })
    });
    let Some(cut) = first else {
        if let Some(last) = data.months.last().filter(|m| m.token_volume_ttok > 0.0) {
            lines.push(
                data,
                last.month,
                O_WAR,
                "no giant ever cuts its token price to defend its share: there is no price war.".to_string(),
            );
        }
        return;
    };
    let last = data.months.last().map(|m| m.month).unwrap_or(0);
    let to = (cut.month + 6).min(last);
    let price = |m: u32| data.months.get(m as usize).map(|r| r.token_price_usd_mtok).unwrap_or(0.0);
    let cutters: HashSet<&str> = sel
        .events(data, EventKind::PriceCut)
        .filter(|e| e.month >= cut.month && e.month <= to)
        .map(|e| e.actor.as_str())
        .collect();
    let rival = rival_of(cut);
    let war = PriceWar {
        giant: &cut.actor,
        rival: rival.as_deref(),
        before_usd_mtok: price(cut.month.saturating_sub(1)),
        after_usd_mtok: price(to),
        months: to - cut.month,
        cutters: cutters.len() as u64,
    };
    lines.push(data, cut.month, O_WAR, price_war_sentence(&war));
}

/// Labs pivoting to applications: the named ones in their month, the rest
/// (cohorts and entrants) in one line a quarter.
pub(super) fn pivots(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let named = named_firms(data);
    let key = |month: u32| {
        let m = data.world.start.plus(month as i32);
        (m.year(), (m.month() - 1) / 3 + 1)
    };
    let mut last_of_quarter: BTreeMap<(i32, u32), u32> = BTreeMap::new();
    for m in &data.months {
        last_of_quarter.insert(key(m.month), m.month);
    }
    type Moved<'d> = Vec<&'d EventRec>;
    let mut by_month: BTreeMap<u32, Moved> = BTreeMap::new();
    let mut by_quarter: BTreeMap<(i32, u32), Moved> = BTreeMap::new();
    for e in sel.events(data, EventKind::Pivot) {
        if named.contains(e.actor.as_str()) {
            by_month.entry(e.month).or_default().push(e);
        } else {
            by_quarter.entry(key(e.month)).or_default().push(e);
        }
    }
    let sentence = |moved: &[&EventRec]| {
        let names: Vec<String> = moved.iter().map(|e| e.actor.clone()).collect();
        let (mut kept, mut laid_off, mut sold) = (0, 0, 0);
        for e in moved {
            if let Payload::Pivot { kept: k, laid_off: l, chips_sold: c } = e.payload {
                kept += k;
                laid_off += l;
                sold += c;
            }
        }
        pivot_sentence(&names, kept, laid_off, sold)
    };
    for (month, moved) in by_month {
        lines.push(data, month, O_PIVOT, sentence(&moved));
    }
    for ((year, quarter), moved) in by_quarter {
        let Some(&month) = last_of_quarter.get(&(year, quarter)) else { continue };
        lines.0.push(Line {
            month,
            order: O_QUARTER,
            date: format!("{year} Q{quarter}"),
            text: sentence(&moved),
        });
    }
}

/// Teams handed to giants: a named lab's on its own, the other labs'
/// counted per month and giant (a wave of acqui-hires reads as one line).
pub(super) fn team_transfers(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let named = named_firms(data);
    let people = |e: &EventRec| match e.payload {
        Payload::TeamTransfer { researchers } => researchers,
        _ => e.units,
    };
    for (month, moves) in sel.by_month(data, EventKind::TeamTransfer) {
        // giant -> (labs, researchers, paid), in the order giants first appear
        let mut others: Vec<(String, Vec<String>, u64, f64)> = Vec::new();
        for e in moves {
            if named.contains(e.actor.as_str()) {
                let text = team_transfer_sentence(&e.actor, &e.target, people(e), e.amount_musd);
                lines.push(data, month, O_TEAM, text);
                continue;
            }
            match others.iter_mut().find(|o| o.0 == e.target) {
                Some(o) => {
                    o.1.push(e.actor.clone());
                    o.2 += people(e);
                    o.3 += e.amount_musd;
                }
                None => others.push((e.target.clone(), vec![e.actor.clone()], people(e), e.amount_musd)),
            }
        }
        for (giant, labs, researchers, paid) in others {
            let text = match labs.as_slice() {
                [one] => team_transfer_sentence(one, &giant, researchers, paid),
                _ => teams_transfer_sentence(&labs, &giant, researchers, paid),
            };
            lines.push(data, month, O_TEAM, text);
        }
    }
}

/// Named labs that publish their models' weights (DeepSeek, Qwen, ...),
/// in the first month they are active and open.
pub(super) fn open_weights(data: &RunData, lines: &mut Lines) {
    for spec in &data.world.firms {
        let Some(from) = spec.open_weights_from else { continue };
        let open = from.since(data.world.start).max(0) as u32;
        let first = data
            .firms
            .iter()
            .filter(|f| f.firm == spec.name && f.status == "active" && f.month >= open)
            .map(|f| f.month)
            .min();
        let Some(m) = first else { continue };
        let Some(row) = data.months.get(m as usize) else { continue };
        if m == 0 && from < data.world.start {
            continue; // open before the run: part of the starting state
        }
        lines.push(
            data,
            m,
            O_OPEN,
            open_weights_sentence(&spec.name, row.open_floor, row.frontier_capability),
        );
    }
}

pub(super) fn entries(data: &RunData, sel: &Selection, lines: &mut Lines) {
    let mut named: Vec<usize> = sel.named_entries.iter().copied().collect();
    named.sort();
    for i in named {
        let e = &data.events[i];
        lines.push(data, e.month, O_ENTRY, entry_sentence(&e.actor, &e.payload));
    }
}

pub(super) fn milestones(data: &RunData, facts: &Consolidation, last: u32, lines: &mut Lines) {
    let (peak, peak_month) = facts.peak;
    if peak_month > 0 && peak_month < last {
        lines.push(
            data,
            peak_month,
            O_MILESTONE,
            format!("independent labs peak at {}.", thousands(peak as u64)),
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
                row.independent_labs,
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
            "HHI and the fall in independent labs both meet the consolidation test, but only for {}{} ({} needed): no consolidation phase.",
            count(len as u64, "month", "months"),
            if facts.longest_run_at_end { " before the run ends" } else { "" },
            facts.params.hold_months.max(1)
        );
        lines.push(data, start, O_PHASE, text);
    }
}

/// A quarter's counts: (last month of the quarter in the run, entries not
/// told, rounds not told, their USD M, whether any round was told).
pub(super) type Quarter = (u32, u64, u64, f64, bool);

pub(super) fn quarters(data: &RunData, sel: &Selection, lines: &mut Lines) {
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
