//! The run's report as ONE self-contained HTML page: the question, the
//! world in brief, the verdict on the consolidation test, every chart
//! (inline SVG), the animated market race (a `data:` URI), the story, the
//! notable events, the firms at the end and the run's provenance.
//!
//! Nothing in the page loads anything: no scripts, fonts, stylesheets or
//! images from elsewhere, no JavaScript at all; the one stylesheet is
//! inline and prints cleanly. The shell and the charts are
//! [`crate::view::html::page`]'s; the markup is built with maud, so every
//! piece of text from the run (firm, investor, chip and rule names, the
//! world's description) is HTML-escaped.

use crate::record::{EventKind, EventRec, FirmRec, RunData};
use crate::view::facts::Consolidation;
use crate::view::format::{capitalise, count, hhi, money, pct, pflops, share, thousands};
use crate::view::html::page::{self, PageKind, data_uri, figures, page};
use crate::view::narrate;
use crate::view::registry::{self, ChartId, RunChart};
use crate::view::theme::Rendered;
use crate::world::{Coverage, Tier, World};
use maud::{Markup, html};
use std::collections::HashMap;

/// At most this many acquired, and exited, firms are listed in the firms table.
pub const TOP_GONE: usize = 10;

/// The report of a run: `charts` as `charts::render_all` returns them, and
/// the market-race GIF if there is one.
pub fn report(data: &RunData, charts: &[Rendered], gif: Option<&[u8]>) -> String {
    report_with_link(data, charts, gif, None)
}

/// [`report`], served by `chipban explore`: `explorer` is the address that
/// opens this run in the explorer, linked under the title.
pub fn report_with_link(
    data: &RunData,
    charts: &[Rendered],
    gif: Option<&[u8]>,
    explorer: Option<&str>,
) -> String {
    let facts = Consolidation::of(data);
    let world_name = data.summary.world.clone();
    let seed = data.summary.seed;
    let (lines, notable) = narrate::story_and_notable(data);
    let body = html! {
        header {
            p.kicker { "chipban report" }
            h1 { "Does the industry consolidate? World “" (world_name) "”, seed " (seed) }
            p.lede {
                "One simulated run: " (count(data.months.len() as u64, "month", "months")) " from "
                (data.months.first().map(|m| m.date.clone()).unwrap_or_else(|| data.world.start.to_string()))
                ", read from its output folder."
            }
            @if let Some(href) = explorer { p.explorer { a href=(href) { "open this run in the explorer" } } }
        }
        (contents(charts, gif.is_some()))
        (question(&facts))
        (world_brief(data))
        (verdict(data, &facts))
        (figures(charts, |id| match id {
            ChartId::Run(chart) => caption(chart, data, &facts),
            other => unreachable!("a run report shows run charts only, not {other:?}"),
        }))
        @if let Some(gif) = gif { (market_race(gif)) }
        (story(&lines))
        (timeline(data, &notable))
        (firms_table(data))
        (provenance(data))
    };
    page(PageKind::Run, &format!("chipban report: {world_name} (seed {seed})"), body)
}

/// A caption: how to read the chart, and what this run shows on it (numbers
/// from the output files).
fn caption(chart: RunChart, data: &RunData, facts: &Consolidation) -> Markup {
    let first = data.months.first();
    let last = data.months.last();
    let (Some(first), Some(last)) = (first, last) else {
        return html! { "Chart “" (registry::chart(ChartId::Run(chart)).title) "”." };
    };
    let p = &facts.params;
    match chart {
        RunChart::Concentration => html! {
            "HHI of the foundation-model market — each lab's share of the tokens served — (0–10,000): above 1,000 a market counts as moderately, above 1,800 as highly \
             concentrated (2023 US merger guidelines); the top-four share (CR4) is the other line, the export rules \
             are marked, and any consolidation phase is shaded. In this run HHI goes from " (hhi(first.hhi)) " to "
            (hhi(last.hhi)) " (peak " (hhi(facts.max_hhi.0)) " in " (date(data, facts.max_hhi.1)) "); CR4 ends at "
            (pct(last.cr4)) "."
        },
        RunChart::Firms => html! {
            "Independent labs (firms serving their own foundation model; a buyer and what it bought count as one, \
             and a firm that pivoted to applications no longer counts — the consolidation test's count), all \
             independent firms, start-ups alive, and entries, pivots, exits and acquisitions so far. Independent \
             labs peak at " (thousands(facts.peak.0 as u64)) " in " (date(data, facts.peak.1)) " and end at "
            (thousands(last.independent_labs as u64)) ", "
            (pct(1.0 - last.independent_labs as f64 / facts.peak.0.max(1) as f64)) " below the peak (the test needs "
            (pct(p.drop_from_peak)) "); over the run " (count(last.entries as u64, "firm enters", "firms enter")) ", "
            (count(last.pivots as u64, "lab pivots", "labs pivot")) " to applications, "
            (count(last.exits as u64, "exits", "exit")) " and "
            (count(last.acquisitions as u64, "is acquired", "are acquired")) "."
        },
        RunChart::MarketShares => {
            let top = top_firms(data, 3);
            let list: Vec<String> = top.iter().map(|f| format!("{} {}", f.firm, share(f.share))).collect();
            html! {
                "Each lab's share of the tokens served in the foundation-model market over time; the largest labs \
                 by name, the rest grouped. At the end the largest are " (crate::view::format::join_and(&list)) "."
            }
        }
        RunChart::PriceWar => price_war_caption(data),
        RunChart::Compute => html! {
            "Usable compute held (PFLOP/s of dense BF16, after each chip's software efficiency) by chip model, \
             with the models the export rules ban marked, and the chip price index (current price ÷ list price). \
             The four firms with the most compute hold " (pct(first.top4_compute_share)) " of it at the start and "
            (pct(last.top4_compute_share)) " at the end; firms end holding " (thousands(last.banned_chip_units))
            " chips of banned models."
        },
        RunChart::Funding => {
            let rounds: Vec<_> = data.events.iter().filter(|e| e.kind() == EventKind::FundingRound).collect();
            let total: f64 = rounds.iter().map(|e| e.amount_musd).sum();
            let loans = data.events.iter().filter(|e| e.kind() == EventKind::Loan).count() as u64;
            html! {
                "Venture funding per month (equity rounds), chip-backed loans outstanding, and the valuations of \
                 the funded start-ups with their rounds (a round at a valuation of at least "
                (money(data.world.funding.loan_repay_valuation_musd)) " lets a firm repay its chip loans). Over the \
                 run " (count(rounds.len() as u64, "round", "rounds")) " raise " (money(total)) " in all, and firms \
                 take " (count(loans, "chip-backed loan", "chip-backed loans")) ", with "
                (money(last.loans_outstanding_musd)) " still outstanding at the end."
            }
        }
        RunChart::Talent => {
            let (giants, others) = data
                .firms
                .iter()
                .filter(|f| f.month == last.month && f.status == "active")
                .fold((0u64, 0u64), |(g, o), f| {
                    if f.tier == "giant" {
                        (g + f.researchers as u64, o)
                    } else {
                        (g, o + f.researchers as u64)
                    }
                });
            html! {
                "The market for AI researchers: the going wage relative to the world's starting wage (1 = the \
                 start), and where the researchers work. The wage index goes from " (format!("{:.2}", first.wage_index))
                " to " (format!("{:.2}", last.wage_index)) "; at the end the giants employ "
                (pct(giants as f64 / (giants + others).max(1) as f64)) " of the " (thousands(giants + others))
                " researchers at firms."
            }
        }
        RunChart::Lorenz => html! {
            "Lorenz curves of compute across active firms: the share of all compute held by the smallest x% of \
             firms. The further a curve sags below the diagonal, the more unequal; the Gini coefficient goes from "
            (format!("{:.2}", first.compute_gini)) " to " (format!("{:.2}", last.compute_gini)) "."
        },
        RunChart::Timeline => html! {
            "The run's main events in time: export rules, funding rounds, chip-backed loans, \
             acquisitions and exits; the story below tells them in words."
        },
    }
}

/// The caption of the price-war chart: the first defending cut of a giant
/// and what the token price did in the six months after it.
fn price_war_caption(data: &RunData) -> Markup {
    let giants: std::collections::HashSet<&str> =
        data.firms.iter().filter(|f| f.tier == "giant").map(|f| f.firm.as_str()).collect();
    let first = data.events.iter().find(|e| {
        e.kind() == EventKind::PriceCut
            && giants.contains(e.actor.as_str())
            && matches!(e.payload, crate::record::Payload::PriceCut { defending: true, .. })
    });
    let price = |m: u32| data.months.get(m as usize).map(|r| r.token_price_usd_mtok).unwrap_or(0.0);
    let last = data.months.last();
    let war = match first {
        Some(cut) => {
            let to = (cut.month + 6).min(last.map_or(0, |m| m.month));
            let before = price(cut.month.saturating_sub(1));
            let fall = if before > 0.0 { 1.0 - price(to) / before } else { 0.0 };
            html! {
                "The first giant to cut its price to defend its share is " (cut.actor) ", in " (date(data, cut.month))
                "; in the " (count((to - cut.month) as u64, "month", "months")) " after it the market price falls "
                (pct(fall)) " (from " (narrate::token_price(before)) " to " (narrate::token_price(price(to)))
                " per million tokens). "
            }
        }
        None => html! { "No giant cuts its price to defend its share in this run: there is no price war. " },
    };
    let end = match last {
        Some(m) => html! {
            "At the end the labs serve " (crate::view::format::grouped(m.token_volume_ttok.round()))
            " trillion tokens a month at " (narrate::token_price(m.token_price_usd_mtok)) " per million."
        },
        None => html! {},
    };
    html! {
        "The foundation-model market's price (volume-weighted over the labs, USD per million tokens) and the \
         tokens served (trillion a month), each on a log axis when it spans more than a decade; the dashed line \
         marks the first defending price cut of a giant, the triangles every one. " (war) (end)
    }
}

fn date(data: &RunData, month: u32) -> String {
    data.months
        .get(month as usize)
        .map(|m| m.date.clone())
        .unwrap_or_else(|| data.world.start.plus(month as i32).to_string())
}

/// The `n` active firms with the largest share of tokens served in the last month.
fn top_firms(data: &RunData, n: usize) -> Vec<&FirmRec> {
    let Some(last) = data.months.last().map(|m| m.month) else { return Vec::new() };
    let mut v: Vec<&FirmRec> =
        data.firms.iter().filter(|f| f.month == last && f.status == "active").collect();
    v.sort_by(|a, b| b.share.total_cmp(&a.share).then(b.revenue_musd.total_cmp(&a.revenue_musd)));
    v.truncate(n);
    v
}

fn contents(charts: &[Rendered], gif: bool) -> Markup {
    let mut items = vec![
        ("question", "The question"),
        ("world", "The world in brief"),
        ("verdict", "The verdict for this run"),
    ];
    if !charts.is_empty() {
        items.push(("charts", "Charts"));
    }
    if gif {
        items.push(("market-race", "The market race (animation)"));
    }
    items.extend([
        ("story", "The story, month by month"),
        ("events", "Notable events"),
        ("firms", "The firms at the end"),
        ("provenance", "Provenance"),
    ]);
    page::contents(&items)
}

fn question(facts: &Consolidation) -> Markup {
    let p = &facts.params;
    html! {
        section #question {
            h2 { "The question" }
            p {
                "On Baidu's earnings call in November 2023, its chief executive Robin Li predicted that China's AI \
                 industry would go through a consolidation phase: under the US export ban, advanced GPUs are scarce; \
                 data and AI talent are in demand; and a competitive model needs a large upfront investment — so the \
                 many start-ups of 2023 would not all survive on their own, and the market would end up in fewer \
                 hands. This report follows one simulated run of that industry and asks Li's question in a form the \
                 data can answer: does concentration of the foundation-model market (the HHI of the labs' shares of \
                 the tokens served) reach at least "
                (hhi(p.hhi_threshold)) " while the number of independent labs (firms serving their own model) falls \
                 at least " (pct(p.drop_from_peak))
                " below its peak, and do both hold for " (count(p.hold_months.max(1) as u64, "month", "months"))
                " in a row?"
            }
        }
    }
}

fn tier_label(t: Tier, n: usize) -> &'static str {
    match (t, n == 1) {
        (Tier::Giant, true) => "giant",
        (Tier::Giant, false) => "giants",
        (Tier::Startup, true) => "funded start-up",
        (Tier::Startup, false) => "funded start-ups",
        (Tier::Small, true) => "small start-up",
        (Tier::Small, false) => "small start-ups",
    }
}

fn coverage(c: &Coverage) -> String {
    match c {
        Coverage::Chip(name) => name.clone(),
        Coverage::TppAtLeast(t) => format!("any foreign chip with TPP ≥ {}", thousands(t.round() as u64)),
    }
}

fn world_brief(data: &RunData) -> Markup {
    let w: &World = &data.world;
    let n = data.months.len() as i32;
    let end = w.start.plus(n.max(1) - 1);

    // firms: named firms by tier, cohorts, entry
    let mut firms = Vec::new();
    for tier in [Tier::Giant, Tier::Startup, Tier::Small] {
        let names: Vec<&str> = w.firms.iter().filter(|f| f.tier == tier).map(|f| f.name.as_str()).collect();
        if !names.is_empty() {
            firms.push(format!("{} {} ({})", names.len(), tier_label(tier, names.len()), names.join(", ")));
        }
    }
    for c in &w.cohorts {
        firms.push(format!(
            "{} {} named “{} 1” to “{} {}”, founded {} to {}",
            c.count,
            tier_label(c.tier, c.count as usize),
            c.prefix,
            c.prefix,
            c.count,
            c.founded_from,
            c.founded_to
        ));
    }
    if w.entry.rate_month > 0.0 {
        firms.push(format!(
            "new entrants (“{} n”) at about {} a month, more in a good funding climate and with more free talent",
            w.entry.template.prefix,
            if w.entry.rate_month < 0.1 {
                format!("{:.2}", w.entry.rate_month)
            } else {
                format!("{:.1}", w.entry.rate_month)
            }
        ));
    }
    let entered = data.summary.firms_entered as u64;
    let investors = w.investors.len() + w.investor_cohorts.iter().map(|c| c.count as usize).sum::<usize>();
    let pools: Vec<String> =
        w.talent.pools.iter().map(|p| format!("{} {}", thousands(p.size as u64), p.name)).collect();
    let talent = if pools.is_empty() { "none".to_string() } else { pools.join(", ") + " at the start" };
    html! {
        section #world {
            h2 { "The world in brief" }
            dl.brief {
                dt { "World" } dd { (w.name) }
                dt { "What it is" } dd { (w.description) }
                dt { "Period" } dd { (w.start) " to " (end) ": " (count(n as u64, "month", "months")) ", one step a month" }
                dt { "Firms" }
                dd {
                    (firms.join("; "))
                    ". " (thousands(entered)) " were in the market at some point of this run"
                }
                dt { "Investors" } dd { (count(investors as u64, "fund", "funds")) ", venture, strategic, state and lenders" }
                dt { "Talent" } dd { (talent) }
            }
            @if !w.chips.suppliers.is_empty() {
                h3 { "Chips on offer" }
                table {
                    thead {
                        tr {
                            th { "chip" }
                            th { "vendor" }
                            th.num { "BF16 TFLOPS" }
                            th.num { "list price" }
                            th.num { "units a month" }
                            th { "from" }
                        }
                    }
                    tbody {
                        @for s in &w.chips.suppliers {
                            tr {
                                td { (s.name) }
                                td { (s.vendor) @if s.domestic { " (domestic)" } }
                                td.num { (thousands(s.tflops_bf16.round() as u64)) }
                                td.num { "$" (thousands((s.price_musd * 1000.0).round() as u64)) "k" }
                                td.num { (thousands(s.capacity_units_month.round() as u64)) }
                                td { (s.available_from) }
                            }
                        }
                    }
                }
            }
            h3 { "US export rules" }
            @if w.policy.rules.is_empty() {
                p { "None: this world has no export controls (a counterfactual)." }
            } @else {
                table {
                    thead {
                        tr { th { "rule" } th { "announced" } th { "in force" } th { "bans" } th { "undelivered orders" } }
                    }
                    tbody {
                        @for r in &w.policy.rules {
                            tr {
                                td { (r.name) }
                                td { (r.announced) }
                                td { (r.effective) }
                                td { (r.covers.iter().map(coverage).collect::<Vec<_>>().join(", ")) }
                                td { "cancelled and refunded" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The verdict on the consolidation test, the key figures and the caveat.
fn verdict(data: &RunData, facts: &Consolidation) -> Markup {
    let first_phase = facts.first_phase();
    html! {
        section #verdict {
            h2 { "The verdict for this run" }
            div class=(if first_phase.is_some() { "verdict yes" } else { "verdict" }) {
                @match first_phase {
                    Some(ph) => (verdict_yes(data, facts, ph)),
                    None => (verdict_no(data, facts)),
                }
            }
            @if let Some(last) = data.months.last() {
                ul.figures {
                    li { b { (hhi(last.hhi)) } span { "final HHI" } }
                    li { b { (pct(last.cr4)) } span { "top-four share of tokens served" } }
                    li {
                        b { (thousands(last.independent_labs as u64)) }
                        span { "independent labs at the end (peak " (thousands(facts.peak.0 as u64)) ")" }
                    }
                    li { b { (thousands(last.pivots as u64)) } span { "pivots to applications" } }
                    li { b { (thousands(last.entries as u64)) } span { "entries" } }
                    li { b { (thousands(last.acquisitions as u64)) } span { "acquisitions" } }
                    li { b { (thousands(last.exits as u64)) } span { "exits" } }
                }
            }
            p.note {
                "One run is one draw of a stochastic model: another seed can tell a different story, and this run \
                 alone cannot say whether the export ban caused what happened. For that, compare many seeds of this \
                 world with its no-ban counterfactual on common random numbers (" code { "chipban compare" } "), or \
                 map where the prediction holds with a sweep (" code { "chipban sweep" } "), which report averages, \
                 confidence intervals and effect estimates."
            }
        }
    }
}

/// The verdict when the run enters a consolidation phase `ph`.
fn verdict_yes(data: &RunData, facts: &Consolidation, ph: crate::view::facts::Phase) -> Markup {
    let p = &facts.params;
    let hold = p.hold_months.max(1);
    let last = data.months.last().map(|m| m.month).unwrap_or(0);
    let (peak, peak_m) = facts.peak_at(ph.start);
    let months = ph.end - ph.start + 1;
    let more = facts.phases.iter().filter(|q| q.start > ph.start).count();
    html! {
        p.answer { "Yes: this run enters a consolidation phase in " (date(data, ph.start)) " (month " (ph.start) ")." }
        p {
            @if let Some(row) = data.months.get(ph.start as usize) {
                "In " (date(data, ph.start)) " the HHI of the foundation-model market was " (hhi(row.hhi)) " (the test \
                 asks for at least " (hhi(p.hhi_threshold)) ") and there were " (thousands(row.independent_labs as u64))
                " independent labs, " (pct(1.0 - row.independent_labs as f64 / peak.max(1) as f64))
                " below their peak of " (thousands(peak as u64)) " in " (date(data, peak_m)) " (the test asks for a \
                 fall of at least " (pct(p.drop_from_peak)) "). "
            }
            "Both conditions held for " (count(months as u64, "month", "months"))
            @if ph.end >= last { ", from then to the end of the run" } @else { ", until " (date(data, ph.end)) }
            " (the test asks for " (hold) ")."
            @if facts.first_hhi_above == Some(0) {
                " HHI was above " (hhi(p.hhi_threshold)) " from the first month (it started at "
                (hhi(data.months.first().map(|m| m.hhi).unwrap_or(0.0))) "), so what decided the test was the fall \
                 in the number of independent labs."
            }
            @if more > 0 { " " (count(more as u64, "further phase", "further phases")) " followed later." }
        }
    }
}

/// The verdict when the run never enters a consolidation phase.
fn verdict_no(data: &RunData, facts: &Consolidation) -> Markup {
    let p = &facts.params;
    let hold = p.hold_months.max(1);
    let first_hhi = hhi(data.months.first().map(|m| m.hhi).unwrap_or(0.0));
    let highest = html! { (hhi(facts.max_hhi.0)) " in " (date(data, facts.max_hhi.1)) };
    html! {
        p.answer { "No: this run does not enter a consolidation phase." }
        p {
            @match facts.first_hhi_above {
                Some(0) => {
                    "HHI was above the threshold of " (hhi(p.hhi_threshold)) " from the first month (" (first_hhi)
                    " in " (date(data, 0)) "; its highest was " (highest) "). "
                }
                Some(m) => {
                    "HHI reached the threshold of " (hhi(p.hhi_threshold)) " (first in " (date(data, m))
                    "; its highest was " (highest) "). "
                }
                None => { "HHI never reached the threshold of " (hhi(p.hhi_threshold)) ": its highest was " (highest) ". " }
            }
            @if facts.max_drop.0 + 1e-9 >= p.drop_from_peak {
                @let (peak, peak_m) = facts.peak_at(facts.max_drop.1);
                "Independent labs fell as far as " (pct(facts.max_drop.0)) " below their peak of "
                (thousands(peak as u64)) " in " (date(data, peak_m)) " (in " (date(data, facts.max_drop.1))
                "; the test asks for " (pct(p.drop_from_peak)) "). "
            } @else if facts.max_drop.0 <= 0.0 {
                "But the number of independent labs never fell below its peak of " (thousands(facts.peak.0 as u64))
                " (the test asks for a fall of at least " (pct(p.drop_from_peak)) "). "
            } @else {
                "Independent labs never fell more than " (pct(facts.max_drop.0)) " below their peak of "
                (thousands(facts.peak.0 as u64)) " (the test asks for " (pct(p.drop_from_peak)) "). "
            }
            @if facts.longest_run.0 > 0 {
                "Both conditions held together for at most " (count(facts.longest_run.0 as u64, "month", "months"))
                " in a row, from " (date(data, facts.longest_run.1))
                @if facts.longest_run_at_end { ", cut off by the end of the run" }
                " (the test asks for " (hold) ")."
            } @else {
                "The two conditions never held in the same month."
            }
        }
    }
}

fn market_race(gif: &[u8]) -> Markup {
    html! {
        section #market-race {
            h2 { "The market race" }
            figure {
                img src=(data_uri("image/gif", gif)) alt="Animated market shares of the largest firms, month by month";
                figcaption { "Market shares month by month (an animation; a printout shows its first frame)." }
            }
        }
    }
}

fn story(lines: &[(String, String)]) -> Markup {
    // the story's lines by year (they come in date order)
    let mut years: Vec<(String, Vec<&(String, String)>)> = Vec::new();
    for line in lines {
        let y: String = line.0.chars().take(4).collect();
        match years.last_mut() {
            Some((year, v)) if *year == y => v.push(line),
            _ => years.push((y, vec![line])),
        }
    }
    html! {
        section #story {
            h2 { "The story, month by month" }
            p.note {
                "Only the notable events; entries and smaller funding rounds are counted per quarter. Money in US \
                 dollars."
            }
            @for (year, lines) in &years {
                h3 { (year) }
                ol.story {
                    @for (d, sentence) in lines {
                        li class=[d.contains('Q').then_some("quarter")] {
                            span.date { (d) }
                            span { (capitalise(sentence)) }
                        }
                    }
                }
            }
        }
    }
}

fn kind_label(kind: EventKind) -> &'static str {
    match kind {
        EventKind::RuleAnnounced => "rule announced",
        EventKind::RuleEffective => "rule in force",
        EventKind::FundingRound => "funding round",
        EventKind::Loan => "chip-backed loan",
        EventKind::LoanRepaid => "loan repaid",
        EventKind::LoanDefault => "loan default",
        EventKind::Acquisition => "acquisition",
        EventKind::Exit => "exit",
        EventKind::Entry => "entry",
        EventKind::GreyMarketPurchase => "grey-market purchase",
        other => other.as_str(),
    }
}

fn timeline(data: &RunData, events: &[&EventRec]) -> Markup {
    html! {
        section #events {
            h2 { "Notable events" }
            p.note {
                (thousands(events.len() as u64)) " of the " (thousands(data.events.len() as u64)) " rows of "
                code { "events.csv" } ": export rules, large funding rounds, each firm's first chip-backed loan and \
                 its first repayment after a round, defaults, acquisitions, exits and entries of named firms. \
                 Amounts in USD millions."
            }
            table {
                thead {
                    tr {
                        th { "date" }
                        th { "event" }
                        th { "who" }
                        th { "whom / what" }
                        th.num { "units" }
                        th.num { "USD M" }
                        th { "detail" }
                    }
                }
                tbody {
                    @for e in events {
                        tr {
                            td.date { (e.date) }
                            td { (kind_label(e.kind())) }
                            td { (e.actor) }
                            td { (e.target) }
                            td.num { @if e.units > 0 { (thousands(e.units)) } }
                            td.num { @if e.amount_musd > 0.0 { (format!("{:.1}", e.amount_musd)) } }
                            td { (e.payload.detail()) }
                        }
                    }
                }
            }
        }
    }
}

/// One firm's line in the table: figures from `row`, status text, owner, valuation.
struct FirmLine<'a> {
    row: &'a FirmRec,
    status: String,
    owner: &'a str,
    valuation: Option<f64>,
    gone: bool,
}

fn firms_table(data: &RunData) -> Markup {
    let Some(last) = data.months.last().map(|m| m.month) else { return html! {} };
    // per firm: its last active row and its final (acquired / exited) row
    let mut last_active: HashMap<&str, &FirmRec> = HashMap::new();
    let mut terminal: Vec<&FirmRec> = Vec::new();
    let mut active: Vec<&FirmRec> = Vec::new();
    for f in &data.firms {
        match f.status.as_str() {
            "active" => {
                last_active.insert(&f.firm, f);
                if f.month == last {
                    active.push(f);
                }
            }
            _ => terminal.push(f),
        }
    }
    active.sort_by(|a, b| b.share.total_cmp(&a.share).then(b.revenue_musd.total_cmp(&a.revenue_musd)));
    let lines: Vec<FirmLine> = active
        .iter()
        .map(|f| FirmLine {
            row: f,
            status: "active".into(),
            owner: &f.owner,
            valuation: Some(f.valuation_musd),
            gone: false,
        })
        .collect();
    let gone = |status: &str, key: &dyn Fn(&FirmLine) -> f64| -> (Vec<FirmLine<'_>>, usize) {
        let mut v: Vec<FirmLine> = terminal
            .iter()
            .filter(|f| f.status == status)
            .map(|f| {
                let before = last_active.get(f.firm.as_str()).copied();
                let valuation = if status == "acquired" {
                    Some(f.valuation_musd)
                } else {
                    before.map(|b| b.valuation_musd)
                };
                FirmLine {
                    row: before.unwrap_or(f),
                    status: format!("{status} {}", f.date),
                    owner: &f.owner,
                    valuation,
                    gone: true,
                }
            })
            .collect();
        v.sort_by(|a, b| key(b).total_cmp(&key(a)));
        let total = v.len();
        v.truncate(TOP_GONE);
        (v, total)
    };
    let by_valuation = |l: &FirmLine| l.valuation.unwrap_or(0.0);
    let (acquired, n_acquired) = gone("acquired", &by_valuation);
    let (exited, n_exited) = gone("exited", &by_valuation);
    let groups = [
        (format!("Active: {}", count(lines.len() as u64, "firm", "firms")), lines),
        (gone_heading("Acquired", acquired.len(), n_acquired, "by price paid"), acquired),
        (gone_heading("Exited", exited.len(), n_exited, "by last valuation"), exited),
    ];
    html! {
        section #firms {
            h2 { "The firms at the end" }
            p.note {
                "The firms active in " (date(data, last)) ", by share of tokens served; then the largest of those acquired \
                 (by the price paid) and of those that exited (by their last valuation). For a firm that is gone, \
                 the figures are from its last month before the deal or the exit. Revenue is per month; money in \
                 US dollars; the full panel is in " code { "firms.csv" } "."
            }
            table {
                thead {
                    tr {
                        th { "firm" }
                        th { "tier" }
                        th { "status" }
                        th { "owner" }
                        th.num { "share" }
                        th.num { "revenue / month" }
                        th.num { "compute (PFLOP/s)" }
                        th.num { "researchers" }
                        th.num { "valuation" }
                    }
                }
                @for (heading, rows) in groups.iter().filter(|(_, rows)| !rows.is_empty()) {
                    tbody {
                        tr.group { th colspan="9" { (heading) } }
                        @for l in rows {
                            @let f = l.row;
                            tr class=[l.gone.then_some("gone")] {
                                td { (f.firm) }
                                td { (f.tier) }
                                td { (l.status) }
                                td { @if l.owner == f.firm { "—" } @else { (l.owner) } }
                                td.num { (share(f.share)) }
                                td.num { (money(f.revenue_musd)) }
                                td.num { (pflops(f.compute_pflops)) }
                                td.num { (thousands(f.researchers as u64)) }
                                td.num { (l.valuation.filter(|v| *v > 0.0).map(money).unwrap_or_else(|| "—".into())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn gone_heading(what: &str, shown: usize, total: usize, order: &str) -> String {
    if shown < total {
        format!("{what}: the {shown} largest of {total} ({order})")
    } else {
        format!("{what}: {} ({order})", count(total as u64, "firm", "firms"))
    }
}

fn provenance(data: &RunData) -> Markup {
    let s = &data.summary;
    let parts: Vec<String> =
        s.event_counts.iter().map(|(k, n)| format!("{} {}", k.replace('_', " "), thousands(*n))).collect();
    html! {
        footer {
            section #provenance {
                h2 { "Provenance" }
                dl.brief {
                    dt { "Program" } dd { (s.program) " " (s.version) " (build " (s.build) ")" }
                    dt { "World" } dd { (s.world) " (hash " code { (s.world_hash) } ")" }
                    dt { "Seed" } dd { (s.seed) }
                    dt { "Months" } dd { (s.months) " from " (s.start) }
                }
                p.note { "Rows of " code { "events.csv" } " by kind: " (parts.join("; ")) "." }
                p.note {
                    "Made from the run's output folder alone. The same world file, seed and build give the same \
                     files byte for byte: " code { "chipban run world.ron" } " in that folder reproduces the run. \
                     This page loads nothing from the network."
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::html::page::inline_svg;

    #[test]
    fn base64_matches_rfc4648() {
        let b64 = |b: &[u8]| data_uri("x", b).trim_start_matches("data:x;base64,").to_string();
        assert_eq!(b64(b""), "");
        assert_eq!(b64(b"f"), "Zg==");
        assert_eq!(b64(b"fo"), "Zm8=");
        assert_eq!(b64(b"foo"), "Zm9v");
        assert_eq!(b64(b"foob"), "Zm9vYg==");
        assert_eq!(b64(b"fooba"), "Zm9vYmE=");
        assert_eq!(b64(b"foobar"), "Zm9vYmFy");
        assert_eq!(b64(&[0xff, 0xfe, 0x00]), "//4A");
        assert_eq!(b64(b"GIF89a"), "R0lGODlh");
    }

    #[test]
    fn escapes_markup() {
        let esc = |s: &str| html! { (s) }.into_string();
        assert_eq!(esc(r#"<b>"A&B's"</b>"#), "&lt;b&gt;&quot;A&amp;B's&quot;&lt;/b&gt;");
        assert_eq!(esc("01.AI"), "01.AI");
    }

    #[test]
    fn svg_is_inlined_without_namespaces() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"1280\" height=\"720\" viewBox=\"0 0 1280 720\" \
                   xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<rect/>\n</svg>\n";
        let out = inline_svg(svg, "A & B").unwrap();
        assert!(
            out.starts_with("<svg width=\"1280\" height=\"720\" viewBox=\"0 0 1280 720\" class=\"chart\"")
        );
        assert!(out.contains("aria-label=\"A &amp; B\""));
        assert!(!out.contains("http"));
        assert!(!out.contains("<?xml"));
        assert!(out.ends_with("</svg>"));
        assert_eq!(inline_svg("not svg", "x"), None);
    }

    #[test]
    fn capitals() {
        assert_eq!(capitalise("the US bans"), "The US bans");
        assert_eq!(capitalise("01.AI takes"), "01.AI takes");
        assert_eq!(capitalise(""), "");
    }
}
