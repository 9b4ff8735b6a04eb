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

/// The firms of a month that leave: insolvent ones "go under", solvent
/// ones that chose to stop `closed` (the `exit` event's flag). `names` in
/// the order to show them.
pub fn exit_sentence(names: &[String], chips_sold: u64, researchers: u64, closed: bool) -> String {
    let (one_verb, many_verb) = if closed { ("closes", "close") } else { ("goes under", "go under") };
    let what = format!(
        "{} sold at a haircut, {} back to the pools",
        count(chips_sold, "chip", "chips"),
        count(researchers, "researcher", "researchers")
    );
    match names {
        [one] => format!("{one} {one_verb}: {what}."),
        _ => {
            const SHOWN: usize = 4;
            let mut shown: Vec<String> = names.iter().take(SHOWN).cloned().collect();
            if names.len() > SHOWN {
                let rest = names.len() - SHOWN;
                shown.truncate(SHOWN - 1);
                shown.push(count((rest + 1) as u64, "other", "others"));
            }
            format!("{} firms {many_verb} ({}): {what}.", names.len(), join_and(&shown))
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
        "the consolidation phase begins: HHI {} (at least {}) in the foundation-model market and {} independent labs, {} below their peak of {} in {peak_date}; {how_long}.",
        hhi(hhi_now),
        hhi(threshold),
        thousands(firms as u64),
        pct(drop),
        thousands(peak as u64)
    )
}

// ---------------------------------------------------------------------------
// the foundation-model market (Model v2)

/// A token price in USD per million tokens, to two significant digits:
/// "$1.2", "$0.14", "$0.0031"; "nothing" for a price of zero.
pub fn token_price(usd_mtok: f64) -> String {
    if usd_mtok <= 0.0 {
        return "nothing".to_string();
    }
    let digits = (1.0 - usd_mtok.log10().floor()).clamp(0.0, 6.0) as usize;
    format!("${usd_mtok:.digits$}")
}

/// Names to show in a sentence: up to `shown`, the rest counted
/// ("A, B, C and 3 others").
fn shown_names(names: &[String], shown: usize) -> String {
    let mut list: Vec<String> = names.iter().take(shown).cloned().collect();
    if names.len() > shown {
        list.truncate(shown - 1);
        list.push(count((names.len() - shown + 1) as u64, "other", "others"));
    }
    join_and(&list)
}

/// A lab's token price cut, from the `price_cut` event: who cut, from and
/// to what price, and whether it was defending its share against `rival`.
pub fn price_cut_sentence(firm: &str, rival: Option<&str>, from: f64, to: f64, defending: bool) -> String {
    let fall = if from > 0.0 { 1.0 - to / from } else { 0.0 };
    let what = format!(
        "{firm} cuts its token price {}, from {} to {} per million tokens",
        pct(fall),
        token_price(from),
        token_price(to)
    );
    match (defending, rival) {
        (true, Some(r)) => format!("{what}, defending its share against {r}."),
        (true, None) => format!("{what}, defending its share."),
        (false, _) => format!("{what}, following its own costs (not a defence)."),
    }
}

/// Several named labs cutting in the same month to defend their shares
/// against the same rival: the range of their new prices.
pub fn matched_cuts_sentence(labs: &[String], rival: &str, from: &[f64], to: &[f64]) -> String {
    let falls: Vec<f64> =
        from.iter().zip(to).map(|(f, t)| if *f > 0.0 { 1.0 - t / f } else { 0.0 }).collect();
    let lo = to.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = to.iter().copied().fold(0.0_f64, f64::max);
    let (fmin, fmax) =
        (falls.iter().copied().fold(f64::INFINITY, f64::min), falls.iter().copied().fold(0.0_f64, f64::max));
    let by = if pct(fmin) == pct(fmax) { pct(fmin) } else { format!("{}–{}", pct(fmin), pct(fmax)) };
    let to_text = if token_price(lo) == token_price(hi) {
        token_price(lo)
    } else {
        format!("{}–{}", token_price(lo), token_price(hi))
    };
    format!(
        "{} cut their token prices {by}, to {to_text} per million tokens, defending their shares against {rival}.",
        join_and(labs)
    )
}

/// The price cuts of a month not told on their own.
pub fn more_cuts_sentence(names: &[String], defending: u64) -> String {
    let n = names.len() as u64;
    let how = match defending {
        0 => String::new(),
        1 if n == 1 => ", defending its share".to_string(),
        d if d == n => ", all defending their share".to_string(),
        d => format!(", {d} of them defending their share"),
    };
    format!(
        "{} {} {} token {}{how}.",
        count(n, "more lab", "more labs"),
        format_args!("({})", shown_names(names, 3)),
        if n == 1 { "cuts its" } else { "cut their" },
        if n == 1 { "price" } else { "prices" }
    )
}

/// The first defending price cut of a giant: the start of the price war,
/// with what the token price did in the six months after it.
pub struct PriceWar<'a> {
    pub giant: &'a str,
    pub rival: Option<&'a str>,
    /// Market price (volume-weighted, USD/Mtok) the month before the cut.
    pub before_usd_mtok: f64,
    /// Market price six months after the cut (or at the run's end).
    pub after_usd_mtok: f64,
    /// Months from the cut to `after_usd_mtok` (6, or fewer at the end).
    pub months: u32,
    /// Labs that cut their price in those months, the giant included.
    pub cutters: u64,
}

/// The start of the price war.
pub fn price_war_sentence(w: &PriceWar) -> String {
    let against = w.rival.map(|r| format!(" against {r}")).unwrap_or_default();
    let fall = if w.before_usd_mtok > 0.0 { 1.0 - w.after_usd_mtok / w.before_usd_mtok } else { 0.0 };
    let change = if fall >= 0.0 { format!("falls {}", pct(fall)) } else { format!("rises {}", pct(-fall)) };
    format!(
        "the price war begins: {} is the first giant to cut its token price to defend its share{against}. Within {} the market's token price {change}, from {} to {} per million tokens; {}.",
        w.giant,
        count(w.months as u64, "month", "months"),
        token_price(w.before_usd_mtok),
        token_price(w.after_usd_mtok),
        if w.cutters == 1 {
            "no other lab cuts".to_string()
        } else {
            format!("{} cut their prices in that time", count(w.cutters, "lab", "labs"))
        }
    )
}

/// Labs of a month that pivot to applications on others' models (the
/// `pivot` events): researchers kept, laid off, chips sold.
pub fn pivot_sentence(names: &[String], kept: u64, laid_off: u64, chips_sold: u64) -> String {
    let (keep, lay, sell) =
        if names.len() == 1 { ("keeps", "lays off", "sells") } else { ("keep", "lay off", "sell") };
    let what = format!(
        "{keep} {}, {lay} {} and {sell} {}",
        count(kept, "researcher", "researchers"),
        thousands(laid_off),
        count(chips_sold, "chip", "chips")
    );
    match names {
        [one] => format!(
            "{one} leaves the foundation-model market to build applications on others' models: it {what}."
        ),
        _ => format!(
            "{} labs leave the foundation-model market to build applications on others' models ({}): they {what}.",
            names.len(),
            shown_names(names, 4)
        ),
    }
}

/// A lab handing its team to a giant and closing (a `team_transfer`).
pub fn team_transfer_sentence(lab: &str, giant: &str, researchers: u64, paid_musd: f64) -> String {
    format!(
        "{lab} hands its team of {} to {giant} for {} and closes.",
        count(researchers, "researcher", "researchers"),
        money(paid_musd)
    )
}

/// Several labs of a month handing their teams to the same giant.
pub fn teams_transfer_sentence(labs: &[String], giant: &str, researchers: u64, paid_musd: f64) -> String {
    format!(
        "{} labs hand their teams to {giant} and close ({}): {} for {} in all.",
        labs.len(),
        shown_names(labs, 4),
        count(researchers, "researcher", "researchers"),
        money(paid_musd)
    )
}

/// A firm repaying chip loans from the refund of orders a rule cancelled.
pub fn cancelled_repaid_sentence(firm: &str, loans: u64, amount_musd: f64) -> String {
    if loans == 1 {
        format!(
            "{firm} repays its chip loan ({}) from the refund of an order the rule cancelled.",
            money(amount_musd)
        )
    } else {
        format!(
            "{firm} repays {loans} chip loans ({} in all) from the refunds of orders the rule cancelled.",
            money(amount_musd)
        )
    }
}

/// A lab starting to publish its models' weights; `floor` and `frontier`
/// are that month's open-weight floor and frontier capability (points).
pub fn open_weights_sentence(lab: &str, floor: f64, frontier: f64) -> String {
    let now = if floor > 0.0 {
        format!("now {floor:.1} points; the frontier is at {frontier:.1}")
    } else {
        format!("no open model counts yet; the frontier is at {frontier:.1} points")
    };
    format!(
        "{lab} publishes its models' weights: with a lag, its releases raise the open-weight floor that every lab's own model must beat ({now})."
    )
}

/// The labs still serving their own models at the end, largest share first
/// (`names` and `shares`, those with a share that prints above 0), and how
/// many labs there are in all (`labs`, months.csv's `independent_labs`).
pub fn labs_left_sentence(names: &[String], shares: &[f64], labs: u64) -> String {
    const SHOWN: usize = 6;
    let parts: Vec<String> =
        names.iter().zip(shares).take(SHOWN).map(|(n, s)| format!("{n} {}", pct(*s))).collect();
    let rest = (labs as usize).max(names.len()) - parts.len();
    let tail = if rest > 0 {
        format!(", and {} share the rest", count(rest as u64, "other", "others"))
    } else {
        String::new()
    };
    format!(
        "{} left in the foundation-model market, by share of tokens served: {}{tail}.",
        count(labs.max(names.len() as u64), "lab is", "labs are"),
        parts.join(", ")
    )
}

/// Where the token market ends: price, index against its base, volume.
pub fn token_market_end_sentence(price_usd_mtok: f64, index: f64, volume_ttok: f64) -> String {
    format!(
        "the token price ends at {} per million tokens ({} of its base) and the labs serve {} trillion tokens a month.",
        token_price(price_usd_mtok),
        pct(index),
        grouped(volume_ttok.round())
    )
}
