//! Planning the race: which firms, ghosts and banner each frame shows, and
//! how long it stays. Pure; draws nothing.

use super::*;

// ---------------------------------------------------------------- planning

/// One row of a frame.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Row {
    /// An active firm; `merged` lists the firms it bought this month, with
    /// their share last month.
    Firm { name: String, share: f64, merged: Vec<(String, f64)> },
    /// A firm bought this month, drawn right under its buyer's row.
    Acquired { name: String, prev_share: f64, buyer: String, buyer_row: usize, price_musd: f64 },
    /// A firm on last month's chart that left the market this month.
    Exited { name: String, prev_share: f64, insolvent: bool },
    /// Every other active firm, together.
    Others { count: usize, share: f64 },
}

/// What the banner under the bars says.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Banner {
    pub(super) date: String,
    /// The event told, `None` before the first notable event.
    pub(super) kind: Option<EventKind>,
    pub(super) text: String,
}

/// Everything one frame shows, decided before drawing.
#[derive(Clone, Debug)]
pub(super) struct FramePlan {
    pub(super) date: String,
    pub(super) rows: Vec<Row>,
    /// The month's most notable event, or the latest one before it.
    pub(super) banner: Option<Banner>,
    /// Whether the banner's event is from this month.
    pub(super) banner_now: bool,
    /// Counts of this month's entries, deals, exits and rounds.
    pub(super) tally: String,
    /// Subtitle: firms, HHI.
    pub(super) stats: String,
    pub(super) delay: u16,
}

/// Rank of an event kind for the banner (higher wins), `None` if it is not
/// notable.
pub(super) fn priority(e: &EventRec) -> Option<u8> {
    match e.kind() {
        EventKind::Acquisition => Some(6),
        EventKind::Exit => Some(5),
        EventKind::RuleEffective => Some(4),
        EventKind::RuleAnnounced => Some(3),
        EventKind::FundingRound if e.amount_musd >= 100.0 => Some(2),
        EventKind::Loan => Some(1),
        _ => None,
    }
}

/// One line saying what an event was, for a class.
pub(super) fn describe(e: &EventRec) -> String {
    let chips = rule_chips(&e.target).join(", ");
    match e.kind() {
        EventKind::Acquisition => format!("{} acquires {} for {}", e.actor, e.target, money(e.amount_musd)),
        // every exit is an insolvency (its payload says what was sold)
        EventKind::Exit => format!("{} goes bust and leaves the market (insolvent)", e.actor),
        EventKind::RuleEffective => {
            format!("US export rule {} takes effect: {} banned for China", e.actor, chips)
        }
        EventKind::RuleAnnounced => format!("US announces export rule {}: {} to be banned", e.actor, chips),
        EventKind::FundingRound => format!("{} raises {} from {}", e.target, money(e.amount_musd), e.actor),
        EventKind::Loan => {
            format!(
                "{} lends {} {} against {} chips as collateral",
                e.actor,
                e.target,
                money(e.amount_musd),
                e.units
            )
        }
        other => format!("{} {} {}", other.as_str(), e.actor, e.target),
    }
}

/// Counts of this month's events, e.g. `this month: 2 new firms · 1 acquisition`.
pub(super) fn tally(events: &[&EventRec]) -> String {
    let count = |k: EventKind| events.iter().filter(|e| e.kind() == k).count();
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    let entries = count(EventKind::Entry);
    if entries > 0 {
        parts.push(plural(entries, "new firm", "new firms"));
    }
    let deals = count(EventKind::Acquisition);
    if deals > 0 {
        parts.push(plural(deals, "acquisition", "acquisitions"));
    }
    let exits = count(EventKind::Exit);
    if exits > 0 {
        parts.push(plural(exits, "exit", "exits"));
    }
    let rounds: Vec<_> = events.iter().filter(|e| e.kind() == EventKind::FundingRound).collect();
    if !rounds.is_empty() {
        let total: f64 = rounds.iter().map(|e| e.amount_musd).sum();
        parts.push(format!("{} ({})", plural(rounds.len(), "funding round", "funding rounds"), money(total)));
    }
    if parts.is_empty() {
        "this month: no entries, deals, exits or funding rounds".into()
    } else {
        format!("this month: {}", parts.join(" · "))
    }
}

/// HHI band of the 2023 US merger guidelines.
pub(super) fn hhi_band(hhi: f64) -> &'static str {
    if hhi < 1000.0 {
        "unconcentrated"
    } else if hhi < 1800.0 {
        "moderately concentrated"
    } else {
        "highly concentrated"
    }
}

pub(super) fn plan(data: &RunData) -> Vec<FramePlan> {
    let n = data.months.len();
    let mut firms: Vec<Vec<&FirmRec>> = vec![Vec::new(); n];
    for f in &data.firms {
        if let Some(v) = firms.get_mut(f.month as usize) {
            v.push(f);
        }
    }
    let mut events: Vec<Vec<&EventRec>> = vec![Vec::new(); n];
    for e in &data.events {
        if let Some(v) = events.get_mut(e.month as usize) {
            v.push(e);
        }
    }
    let mut prev_share: HashMap<&str, f64> = HashMap::new();
    let mut prev_shown: Vec<&str> = Vec::new();
    let mut banner: Option<Banner> = None;
    let mut plans = Vec::with_capacity(n);
    for (t, m) in data.months.iter().enumerate() {
        let rows_t = &firms[t];
        let prev = |name: &str| prev_share.get(name).copied().unwrap_or(0.0);
        // Active firms by share, largest first (ties: creation order).
        let mut active: Vec<&FirmRec> = rows_t.iter().copied().filter(|f| f.status == "active").collect();
        active.sort_by(|a, b| b.share.total_cmp(&a.share));
        let is_active = |name: &str| active.iter().any(|f| f.firm == name);
        // Bought firms (largest first) whose buyer is still active, then
        // exits of firms that were on last month's chart.
        let mut bought: Vec<&FirmRec> = rows_t
            .iter()
            .copied()
            .filter(|f| f.status == "acquired" && f.owner != f.firm && is_active(&f.owner))
            .collect();
        bought.sort_by(|a, b| prev(&b.firm).total_cmp(&prev(&a.firm)));
        bought.truncate(GHOST_CAP);
        let exited: Vec<&FirmRec> = rows_t
            .iter()
            .copied()
            .filter(|f| f.status == "exited" && prev_shown.contains(&f.firm.as_str()))
            .take(GHOST_CAP - bought.len())
            .collect();

        // The top firms, with every buyer of a drawn deal among them.
        let mut main: Vec<&FirmRec> = active.iter().copied().filter(|f| f.share > 0.0).take(TOP_N).collect();
        for b in &bought {
            if !main.iter().any(|f| f.firm == b.owner) {
                if main.len() >= TOP_N {
                    let buyers: Vec<&str> = bought.iter().map(|b| b.owner.as_str()).collect();
                    if let Some(pos) = main.iter().rposition(|f| !buyers.contains(&f.firm.as_str())) {
                        main.remove(pos);
                    }
                }
                if let Some(f) = active.iter().find(|f| f.firm == b.owner) {
                    main.push(f);
                }
            }
        }
        let rank = |f: &FirmRec| active.iter().position(|a| a.firm == f.firm).unwrap_or(usize::MAX);
        main.sort_by_key(|f| rank(f));

        let mut rows = Vec::new();
        for f in &main {
            let merged: Vec<(String, f64)> = bought
                .iter()
                .filter(|b| b.owner == f.firm)
                .map(|b| (b.firm.clone(), prev(&b.firm)))
                .collect();
            let buyer_row = rows.len();
            rows.push(Row::Firm { name: f.firm.clone(), share: f.share, merged });
            for b in bought.iter().filter(|b| b.owner == f.firm) {
                let price_musd = events[t]
                    .iter()
                    .find(|e| e.kind() == EventKind::Acquisition && e.target == b.firm)
                    .map(|e| e.amount_musd)
                    .unwrap_or(b.valuation_musd);
                rows.push(Row::Acquired {
                    name: b.firm.clone(),
                    prev_share: prev(&b.firm),
                    buyer: b.owner.clone(),
                    buyer_row,
                    price_musd,
                });
            }
        }
        for f in &exited {
            let insolvent = events[t].iter().any(|e| e.kind() == EventKind::Exit && e.actor == f.firm);
            rows.push(Row::Exited { name: f.firm.clone(), prev_share: prev(&f.firm), insolvent });
        }
        let others: Vec<&&FirmRec> =
            active.iter().filter(|f| !main.iter().any(|g| g.firm == f.firm)).collect();
        if !others.is_empty() {
            rows.push(Row::Others { count: others.len(), share: others.iter().map(|f| f.share).sum() });
        }

        // The banner: this month's most notable event, else the last one.
        let mut best: Option<(u8, &EventRec)> = None;
        for e in &events[t] {
            if let Some(p) = priority(e) {
                let better = match best {
                    None => true,
                    Some((bp, be)) => p > bp || (p == bp && e.amount_musd > be.amount_musd),
                };
                if better {
                    best = Some((p, e));
                }
            }
        }
        if let Some((_, e)) = best {
            banner = Some(Banner { date: e.date.clone(), kind: Some(e.kind()), text: describe(e) });
        }
        if banner.is_none() {
            banner = Some(Banner {
                date: m.date.clone(),
                kind: None,
                text: format!("the run starts with {} firms", m.independent_firms),
            });
        }
        let banner_now = banner.as_ref().is_some_and(|b| b.date == m.date);
        let rule_now = events[t].iter().any(|e| e.kind() == EventKind::RuleEffective);
        let ghosts = rows.iter().any(|r| matches!(r, Row::Acquired { .. } | Row::Exited { .. }));
        let stats = format!(
            "{} world, seed {} · {} independent firms · HHI {} ({}){}",
            data.world.name,
            data.world.seed,
            m.independent_firms,
            grouped(m.hhi.max(0.0)),
            hhi_band(m.hhi),
            if m.consolidating == 1 { " · consolidation phase" } else { "" }
        );
        plans.push(FramePlan {
            date: m.date.clone(),
            rows,
            banner: banner.clone(),
            banner_now,
            tally: tally(&events[t]),
            stats,
            delay: if ghosts || rule_now { EVENT_DELAY_CS } else { DELAY_CS },
        });

        prev_share = rows_t.iter().map(|f| (f.firm.as_str(), f.share)).collect();
        prev_shown = main.iter().map(|f| f.firm.as_str()).collect();
    }
    plans
}
