//! The sentence builders of the story: pure functions from figures and names
//! to one plain sentence each. They read no files and choose nothing.

use super::*;

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
