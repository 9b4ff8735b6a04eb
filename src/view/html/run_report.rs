//! The run's report as ONE self-contained HTML page: the question, the
//! world in brief, the verdict on the consolidation test, every chart
//! (inline SVG), the animated market race (a `data:` URI), the story, the
//! notable events, the firms at the end and the run's provenance.
//!
//! Nothing in the page loads anything: no scripts, fonts, stylesheets or
//! images from elsewhere, no JavaScript at all; the one stylesheet is
//! inline and prints cleanly. The shell, the charts and the escaping are
//! [`crate::view::html::page`]'s; every piece of text from the run (firm,
//! investor, chip and rule names, the world's description) is HTML-escaped.

use crate::record::{EventRec, FirmRec, RunData};
use crate::view::facts::Consolidation;
use crate::view::format::{capitalise, count, hhi, money, pct, pflops, share, thousands};
use crate::view::html::page::{PageKind, data_uri, esc, figures, page};
use crate::view::registry::{self, ChartId, RunChart};
use maud::PreEscaped;
use crate::view::narrate;
use crate::view::theme::Rendered;
use crate::world::{Coverage, Tier, World};
use std::collections::HashMap;
use std::fmt::Write;

/// At most this many acquired, and exited, firms are listed in the firms table.
pub const TOP_GONE: usize = 10;

/// The report of a run: `charts` as `charts::render_all` returns them, and
/// the market-race GIF if there is one.
pub fn report(data: &RunData, charts: &[Rendered], gif: Option<&[u8]>) -> String {
    let facts = Consolidation::of(data);
    let world_name = str_of(&data.summary["world"]).unwrap_or(&data.world.name).to_string();
    let seed = data.summary["seed"].as_u64().unwrap_or(data.world.seed);
    let mut h = String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());

    let _ = write!(
        h,
        "<header>\n<p class=\"kicker\">chipban report</p>\n<h1>Does the industry consolidate? \
         World “{}”, seed {seed}</h1>\n<p class=\"lede\">One simulated run: {} from {}, read from its output \
         folder.</p>\n</header>\n",
        esc(&world_name),
        count(data.months.len() as u64, "month", "months"),
        data.months.first().map(|m| esc(&m.date)).unwrap_or_else(|| data.world.start.to_string())
    );
    contents(&mut h, charts, gif.is_some());
    question(&mut h, &facts);
    world_brief(&mut h, data);
    verdict(&mut h, data, &facts);
    charts_section(&mut h, data, &facts, charts);
    if let Some(gif) = gif {
        market_race(&mut h, gif);
    }
    let (lines, notable) = narrate::story_and_notable(data);
    story(&mut h, &lines);
    timeline(&mut h, data, &notable);
    firms_table(&mut h, data);
    provenance(&mut h, data);
    page(PageKind::Run, &format!("chipban report: {world_name} (seed {seed})"), PreEscaped(h))
}

fn str_of(v: &serde_json::Value) -> Option<&str> {
    v.as_str()
}

/// A caption: how to read the chart, and what this run shows on it (numbers
/// from the output files).
fn caption(chart: RunChart, data: &RunData, facts: &Consolidation) -> String {
    let first = data.months.first();
    let last = data.months.last();
    let (Some(first), Some(last)) = (first, last) else {
        return format!("Chart “{}”.", esc(registry::chart(ChartId::Run(chart)).title));
    };
    let p = &facts.params;
    match chart {
        RunChart::Concentration => format!(
            "HHI of AI-revenue shares (0–10,000): above 1,000 a market counts as moderately, above 1,800 as highly \
             concentrated (2023 US merger guidelines); the top-four share (CR4) is the other line, the export rules \
             are marked, and any consolidation phase is shaded. In this run HHI goes from {} to {} (peak {} in {}); \
             CR4 ends at {}.",
            hhi(first.hhi),
            hhi(last.hhi),
            hhi(facts.max_hhi.0),
            esc(&date(data, facts.max_hhi.1)),
            pct(last.cr4)
        ),
        RunChart::Firms => format!(
            "Independent firms (a buyer and what it bought count as one), start-ups alive, and entries, exits and \
             acquisitions so far. Independent firms peak at {} in {} and end at {}, {} below the peak (the test needs \
             {}); over the run {}, {} and {}.",
            thousands(facts.peak.0 as u64),
            esc(&date(data, facts.peak.1)),
            thousands(last.independent_firms as u64),
            pct(1.0 - last.independent_firms as f64 / facts.peak.0.max(1) as f64),
            pct(p.drop_from_peak),
            count(last.entries as u64, "firm enters", "firms enter"),
            count(last.exits as u64, "exits", "exit"),
            count(last.acquisitions as u64, "is acquired", "are acquired")
        ),
        RunChart::MarketShares => {
            let top = top_firms(data, 3);
            let list: Vec<String> =
                top.iter().map(|f| format!("{} {}", esc(&f.firm), share(f.share))).collect();
            format!(
                "Each firm's share of AI revenue over time; the largest firms by name, the rest grouped. At the end \
                 the largest are {}.",
                crate::view::format::join_and(&list)
            )
        }
        RunChart::Compute => format!(
            "Usable compute held (PFLOP/s of dense BF16, after each chip's software efficiency) by chip model, \
             with the models the export rules ban marked, and the chip price index (current price ÷ list price). \
             The four firms with the most compute hold {} of it at the start and {} at the end; firms end holding \
             {} chips of banned models.",
            pct(first.top4_compute_share),
            pct(last.top4_compute_share),
            thousands(last.banned_chip_units)
        ),
        RunChart::Funding => {
            let rounds: Vec<_> = data.events.iter().filter(|e| e.kind == "funding_round").collect();
            let total: f64 = rounds.iter().map(|e| e.amount_musd).sum();
            let loans = data.events.iter().filter(|e| e.kind == "loan").count() as u64;
            format!(
                "Venture funding per month (equity rounds), chip-backed loans outstanding, and the valuations of \
                 the funded start-ups with their rounds (a round at a valuation of at least {} lets a firm repay \
                 its chip loans). Over the run {} raise {} in all, and firms take {}, with {} still outstanding at the end.",
                money(data.world.funding.loan_repay_valuation_musd),
                count(rounds.len() as u64, "round", "rounds"),
                money(total),
                count(loans, "chip-backed loan", "chip-backed loans"),
                money(last.loans_outstanding_musd)
            )
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
            format!(
                "The market for AI researchers: the going wage relative to the world's starting wage (1 = the \
                 start), and where the researchers work. The wage index goes from {:.2} to {:.2}; at the end the \
                 giants employ {} of the {} researchers at firms.",
                first.wage_index,
                last.wage_index,
                pct(giants as f64 / (giants + others).max(1) as f64),
                thousands(giants + others)
            )
        }
        RunChart::Lorenz => format!(
            "Lorenz curves of compute across active firms: the share of all compute held by the smallest x% of \
             firms. The further a curve sags below the diagonal, the more unequal; the Gini coefficient goes from \
             {:.2} to {:.2}.",
            first.compute_gini, last.compute_gini
        ),
        RunChart::Timeline => "The run's main events in time: export rules, funding rounds, chip-backed loans, \
                       acquisitions and exits; the story below tells them in words."
            .into(),
    }
}

fn date(data: &RunData, month: u32) -> String {
    data.months
        .get(month as usize)
        .map(|m| m.date.clone())
        .unwrap_or_else(|| data.world.start.plus(month as i32).to_string())
}

/// The `n` active firms with the largest revenue share in the last month.
fn top_firms(data: &RunData, n: usize) -> Vec<&FirmRec> {
    let Some(last) = data.months.last().map(|m| m.month) else { return Vec::new() };
    let mut v: Vec<&FirmRec> =
        data.firms.iter().filter(|f| f.month == last && f.status == "active").collect();
    v.sort_by(|a, b| b.share.total_cmp(&a.share).then(b.revenue_musd.total_cmp(&a.revenue_musd)));
    v.truncate(n);
    v
}

fn contents(h: &mut String, charts: &[Rendered], gif: bool) {
    h.push_str("<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    h.push_str("<li><a href=\"#question\">The question</a></li>\n<li><a href=\"#world\">The world in brief</a></li>\n");
    h.push_str("<li><a href=\"#verdict\">The verdict for this run</a></li>\n");
    if !charts.is_empty() {
        h.push_str("<li><a href=\"#charts\">Charts</a></li>\n");
    }
    if gif {
        h.push_str("<li><a href=\"#market-race\">The market race (animation)</a></li>\n");
    }
    h.push_str(
        "<li><a href=\"#story\">The story, month by month</a></li>\n<li><a href=\"#events\">Notable events</a></li>\n\
         <li><a href=\"#firms\">The firms at the end</a></li>\n<li><a href=\"#provenance\">Provenance</a></li>\n",
    );
    h.push_str("</ol>\n</nav>\n");
}

fn question(h: &mut String, facts: &Consolidation) {
    let p = &facts.params;
    let _ = write!(
        h,
        "<section id=\"question\">\n<h2>The question</h2>\n<p>On Baidu's earnings call in November 2023, its chief \
         executive Robin Li predicted that China's AI industry would go through a consolidation phase: under the US \
         export ban, advanced GPUs are scarce; data and AI talent are in demand; and a competitive model needs a \
         large upfront investment — so the many start-ups of 2023 would not all survive on their own, and the market \
         would end up in fewer hands. This report follows one simulated run of that industry and asks Li's question \
         in a form the data can answer: does market concentration (the HHI of AI revenue) reach at least {} while \
         the number of independent firms falls at least {} below its peak, and do both hold for {} in a row?</p>\n\
         </section>\n",
        hhi(p.hhi_threshold),
        pct(p.drop_from_peak),
        count(p.hold_months.max(1) as u64, "month", "months")
    );
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
        Coverage::Chip(name) => esc(name),
        Coverage::TppAtLeast(t) => format!("any foreign chip with TPP ≥ {}", thousands(t.round() as u64)),
    }
}

fn world_brief(h: &mut String, data: &RunData) {
    let w: &World = &data.world;
    let n = data.months.len() as i32;
    let end = w.start.plus(n.max(1) - 1);
    let _ = write!(
        h,
        "<section id=\"world\">\n<h2>The world in brief</h2>\n<dl class=\"brief\">\n<dt>World</dt><dd>{}</dd>\n\
         <dt>What it is</dt><dd>{}</dd>\n<dt>Period</dt><dd>{} to {}: {}, one step a month</dd>\n",
        esc(&w.name),
        esc(&w.description),
        w.start,
        end,
        count(n as u64, "month", "months")
    );

    // firms: named firms by tier, cohorts, entry
    let mut firms = Vec::new();
    for tier in [Tier::Giant, Tier::Startup, Tier::Small] {
        let names: Vec<String> = w.firms.iter().filter(|f| f.tier == tier).map(|f| esc(&f.name)).collect();
        if !names.is_empty() {
            firms.push(format!("{} {} ({})", names.len(), tier_label(tier, names.len()), names.join(", ")));
        }
    }
    for c in &w.cohorts {
        firms.push(format!(
            "{} {} named “{} 1” to “{} {}”, founded {} to {}",
            c.count,
            tier_label(c.tier, c.count as usize),
            esc(&c.prefix),
            esc(&c.prefix),
            c.count,
            c.founded_from,
            c.founded_to
        ));
    }
    if w.entry.rate_month > 0.0 {
        firms.push(format!(
                        "new entrants (“{} n”) at about {} a month, more in a good funding climate and with more free talent",
            esc(&w.entry.template.prefix),
            if w.entry.rate_month < 0.1 {
                format!("{:.2}", w.entry.rate_month)
            } else {
                format!("{:.1}", w.entry.rate_month)
            }
        ));
    }
    let entered = data.summary["firms_entered"].as_u64();
    let _ = write!(h, "<dt>Firms</dt><dd>{}", firms.join("; "));
    if let Some(e) = entered {
        let _ = write!(h, ". {} were in the market at some point of this run", thousands(e));
    }
    h.push_str("</dd>\n");
    let investors = w.investors.len() + w.investor_cohorts.iter().map(|c| c.count as usize).sum::<usize>();
    let _ = writeln!(
        h,
        "<dt>Investors</dt><dd>{}, venture, strategic, state and lenders</dd>",
        count(investors as u64, "fund", "funds")
    );
    let _ = writeln!(h, "<dt>Talent</dt><dd>{}</dd>", {
        let pools: Vec<String> =
            w.talent.pools.iter().map(|p| format!("{} {}", thousands(p.size as u64), esc(&p.name))).collect();
        if pools.is_empty() { "none".to_string() } else { pools.join(", ") + " at the start" }
    });
    h.push_str("</dl>\n");

    // chips
    if !w.chips.suppliers.is_empty() {
        h.push_str(
            "<h3>Chips on offer</h3>\n<table>\n<thead><tr><th>chip</th><th>vendor</th><th class=\"num\">BF16 TFLOPS</th>\
             <th class=\"num\">list price</th><th class=\"num\">units a month</th><th>from</th></tr></thead>\n<tbody>\n",
        );
        for s in &w.chips.suppliers {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">${}k</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&s.name),
                esc(&s.vendor),
                if s.domestic { " (domestic)" } else { "" },
                thousands(s.tflops_bf16.round() as u64),
                thousands((s.price_musd * 1000.0).round() as u64),
                thousands(s.capacity_units_month.round() as u64),
                s.available_from
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }

    // rules
    h.push_str("<h3>US export rules</h3>\n");
    if w.policy.rules.is_empty() {
        h.push_str("<p>None: this world has no export controls (a counterfactual).</p>\n");
    } else {
        h.push_str(
            "<table>\n<thead><tr><th>rule</th><th>announced</th><th>in force</th><th>bans</th><th>undelivered orders</th></tr></thead>\n<tbody>\n",
        );
        for r in &w.policy.rules {
            let covers: Vec<String> = r.covers.iter().map(coverage).collect();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>cancelled and refunded</td></tr>",
                esc(&r.name),
                r.announced,
                r.effective,
                covers.join(", ")
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

/// The verdict paragraph(s) on the consolidation test, as HTML.
fn verdict(h: &mut String, data: &RunData, facts: &Consolidation) {
    let p = &facts.params;
    let hold = p.hold_months.max(1);
    let first_phase = facts.first_phase();
    let class = if first_phase.is_some() { "verdict yes" } else { "verdict" };
    let _ =
        write!(h, "<section id=\"verdict\">\n<h2>The verdict for this run</h2>\n<div class=\"{class}\">\n");
    let last = data.months.last().map(|m| m.month).unwrap_or(0);
    match first_phase {
        Some(ph) => {
            let row = data.months.get(ph.start as usize);
            let (peak, peak_m) = facts.peak_at(ph.start);
            let _ = writeln!(
                h,
                "<p class=\"answer\">Yes: this run enters a consolidation phase in {} (month {}).</p>",
                date(data, ph.start),
                ph.start
            );
            if let Some(row) = row {
                let drop = 1.0 - row.independent_firms as f64 / peak.max(1) as f64;
                let _ = write!(
                    h,
                    "<p>In {} the HHI of AI revenue was {} (the test asks for at least {}) and there were {} \
                     independent firms, {} below their peak of {} in {} (the test asks for a fall of at least {}). ",
                    date(data, ph.start),
                    hhi(row.hhi),
                    hhi(p.hhi_threshold),
                    thousands(row.independent_firms as u64),
                    pct(drop),
                    thousands(peak as u64),
                    date(data, peak_m),
                    pct(p.drop_from_peak)
                );
            }
            let months = ph.end - ph.start + 1;
            if ph.end >= last {
                let _ = write!(
                    h,
                    "Both conditions held for {}, from then to the end of the run (the test asks for {}).",
                    count(months as u64, "month", "months"),
                    hold
                );
            } else {
                let _ = write!(
                    h,
                    "Both conditions held for {}, until {} (the test asks for {}).",
                    count(months as u64, "month", "months"),
                    date(data, ph.end),
                    hold
                );
            }
            if facts.first_hhi_above == Some(0) {
                let _ = write!(
                    h,
                    " HHI was above {} from the first month (it started at {}), so what decided the test was the \
                     fall in the number of independent firms.",
                    hhi(p.hhi_threshold),
                    hhi(data.months.first().map(|m| m.hhi).unwrap_or(0.0))
                );
            }
            let more = facts.phases.iter().filter(|q| q.start > ph.start).count();
            if more > 0 {
                let _ =
                    write!(h, " {} followed later.", count(more as u64, "further phase", "further phases"));
            }
            h.push_str("</p>\n");
        }
        None => {
            h.push_str("<p class=\"answer\">No: this run does not enter a consolidation phase.</p>\n<p>");
            match facts.first_hhi_above {
                Some(0) => {
                    let _ = write!(
                        h,
                        "HHI was above the threshold of {} from the first month ({} in {}; its highest was {} in {}). ",
                        hhi(p.hhi_threshold),
                        hhi(data.months.first().map(|m| m.hhi).unwrap_or(0.0)),
                        date(data, 0),
                        hhi(facts.max_hhi.0),
                        date(data, facts.max_hhi.1)
                    );
                }
                Some(m) => {
                    let _ = write!(
                        h,
                        "HHI reached the threshold of {} (first in {}; its highest was {} in {}). ",
                        hhi(p.hhi_threshold),
                        date(data, m),
                        hhi(facts.max_hhi.0),
                        date(data, facts.max_hhi.1)
                    );
                }
                None => {
                    let _ = write!(
                        h,
                        "HHI never reached the threshold of {}: its highest was {} in {}. ",
                        hhi(p.hhi_threshold),
                        hhi(facts.max_hhi.0),
                        date(data, facts.max_hhi.1)
                    );
                }
            }
            if facts.max_drop.0 + 1e-9 >= p.drop_from_peak {
                let (peak, peak_m) = facts.peak_at(facts.max_drop.1);
                let _ = write!(
                    h,
                    "Independent firms fell as far as {} below their peak of {} in {} (in {}; the test asks for {}). ",
                    pct(facts.max_drop.0),
                    thousands(peak as u64),
                    date(data, peak_m),
                    date(data, facts.max_drop.1),
                    pct(p.drop_from_peak)
                );
            } else if facts.max_drop.0 <= 0.0 {
                let _ = write!(
                    h,
                    "But the number of independent firms never fell below its peak of {} (the test asks for a fall \
                     of at least {}). ",
                    thousands(facts.peak.0 as u64),
                    pct(p.drop_from_peak)
                );
            } else {
                let _ = write!(
                    h,
                    "Independent firms never fell more than {} below their peak of {} (the test asks for {}). ",
                    pct(facts.max_drop.0),
                    thousands(facts.peak.0 as u64),
                    pct(p.drop_from_peak)
                );
            }
            if facts.longest_run.0 > 0 {
                let _ = write!(
                    h,
                    "Both conditions held together for at most {} in a row, from {}{} (the test asks for {}).",
                    count(facts.longest_run.0 as u64, "month", "months"),
                    date(data, facts.longest_run.1),
                    if facts.longest_run_at_end { ", cut off by the end of the run" } else { "" },
                    hold
                );
            } else {
                h.push_str("The two conditions never held in the same month.");
            }
            h.push_str("</p>\n");
        }
    }
    h.push_str("</div>\n");

    if let Some(last) = data.months.last() {
        let _ = write!(
            h,
            "<ul class=\"figures\">\n<li><b>{}</b><span>final HHI</span></li>\n<li><b>{}</b><span>top-four share of AI revenue</span></li>\n\
             <li><b>{}</b><span>independent firms at the end (peak {})</span></li>\n<li><b>{}</b><span>entries</span></li>\n\
             <li><b>{}</b><span>acquisitions</span></li>\n<li><b>{}</b><span>exits</span></li>\n</ul>\n",
            hhi(last.hhi),
            pct(last.cr4),
            thousands(last.independent_firms as u64),
            thousands(facts.peak.0 as u64),
            thousands(last.entries as u64),
            thousands(last.acquisitions as u64),
            thousands(last.exits as u64)
        );
    }
    h.push_str(
        "<p class=\"note\">One run is one draw of a stochastic model: another seed can tell a different story, and this \
         run alone cannot say whether the export ban caused what happened. For that, compare many seeds of this world \
         with its no-ban counterfactual on common random numbers (<code>chipban compare</code>), or map where the \
         prediction holds with a sweep (<code>chipban sweep</code>), which report averages, confidence intervals \
         and effect estimates.</p>\n</section>\n",
    );
}

fn charts_section(h: &mut String, data: &RunData, facts: &Consolidation, charts: &[Rendered]) {
    let markup = figures(charts, |id| match id {
        ChartId::Run(chart) => maud::PreEscaped(caption(chart, data, facts)),
        other => unreachable!("a run report shows run charts only, not {other:?}"),
    });
    h.push_str(&markup.into_string());
}

fn market_race(h: &mut String, gif: &[u8]) {
    let _ = write!(
        h,
        "<section id=\"market-race\">\n<h2>The market race</h2>\n<figure>\n\
         <img src=\"{}\" alt=\"Animated market shares of the largest firms, month by month\">\n\
         <figcaption>Market shares month by month (an animation; a printout shows its first frame).</figcaption>\n\
         </figure>\n</section>\n",
        data_uri("image/gif", gif)
    );
}

fn story(h: &mut String, lines: &[(String, String)]) {
    h.push_str("<section id=\"story\">\n<h2>The story, month by month</h2>\n");
    h.push_str(
        "<p class=\"note\">Only the notable events; entries and smaller funding rounds are counted per quarter. \
         Money in US dollars.</p>\n",
    );
    let mut year = String::new();
    let mut open = false;
    for (d, sentence) in lines {
        let y: String = d.chars().take(4).collect();
        if y != year {
            if open {
                h.push_str("</ol>\n");
            }
            let _ = write!(h, "<h3>{}</h3>\n<ol class=\"story\">\n", esc(&y));
            year = y;
            open = true;
        }
        let class = if d.contains('Q') { " class=\"quarter\"" } else { "" };
        let _ = writeln!(
            h,
            "<li{class}><span class=\"date\">{}</span><span>{}</span></li>",
            esc(d),
            esc(&capitalise(sentence))
        );
    }
    if open {
        h.push_str("</ol>\n");
    }
    h.push_str("</section>\n");
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "rule_announced" => "rule announced",
        "rule_effective" => "rule in force",
        "funding_round" => "funding round",
        "loan" => "chip-backed loan",
        "loan_repaid" => "loan repaid",
        "loan_default" => "loan default",
        "acquisition" => "acquisition",
        "exit" => "exit",
        "entry" => "entry",
        "grey_market_purchase" => "grey-market purchase",
        other => other,
    }
}

fn timeline(h: &mut String, data: &RunData, events: &[&EventRec]) {
    let _ = write!(
        h,
        "<section id=\"events\">\n<h2>Notable events</h2>\n<p class=\"note\">{} of the {} rows of \
         <code>events.csv</code>: export rules, large funding rounds, each firm's first chip-backed loan and its \
         first repayment after a round, defaults, acquisitions, exits and entries of named firms. Amounts in USD \
         millions.</p>\n",
        thousands(events.len() as u64),
        thousands(data.events.len() as u64)
    );
    h.push_str(
        "<table>\n<thead><tr><th>date</th><th>event</th><th>who</th><th>whom / what</th><th class=\"num\">units</th>\
         <th class=\"num\">USD M</th><th>detail</th></tr></thead>\n<tbody>\n",
    );
    for e in events {
        let _ = writeln!(
            h,
            "<tr><td class=\"date\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&e.date),
            esc(kind_label(&e.kind)),
            esc(&e.actor),
            esc(&e.target),
            if e.units > 0 { thousands(e.units) } else { String::new() },
            if e.amount_musd > 0.0 { format!("{:.1}", e.amount_musd) } else { String::new() },
            esc(&e.detail)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// One firm's line in the table: figures from `row`, status text, owner, valuation.
struct FirmLine<'a> {
    row: &'a FirmRec,
    status: String,
    owner: &'a str,
    valuation: Option<f64>,
    gone: bool,
}

fn firms_table(h: &mut String, data: &RunData) {
    let Some(last) = data.months.last().map(|m| m.month) else { return };
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
    let _ = write!(
        h,
        "<section id=\"firms\">\n<h2>The firms at the end</h2>\n<p class=\"note\">The firms active in {}, by \
         revenue share; then the largest of those acquired (by the price paid) and of those that exited (by their \
         last valuation). For a firm that is gone, the figures are from its last month before the deal or the exit. \
         Revenue is per month; money in US dollars; the full panel is in <code>firms.csv</code>.</p>\n",
        date(data, last)
    );
    h.push_str(
        "<table>\n<thead><tr><th>firm</th><th>tier</th><th>status</th><th>owner</th><th class=\"num\">share</th>\
         <th class=\"num\">revenue / month</th><th class=\"num\">compute (PFLOP/s)</th><th class=\"num\">researchers</th>\
         <th class=\"num\">valuation</th></tr></thead>\n",
    );
    let groups = [
        (format!("Active: {}", count(lines.len() as u64, "firm", "firms")), lines),
        (gone_heading("Acquired", acquired.len(), n_acquired, "by price paid"), acquired),
        (gone_heading("Exited", exited.len(), n_exited, "by last valuation"), exited),
    ];
    for (heading, rows) in groups.iter().filter(|(_, rows)| !rows.is_empty()) {
        let _ = write!(h, "<tbody>\n<tr class=\"group\"><th colspan=\"9\">{}</th></tr>\n", esc(heading));
        for l in rows {
            let f = l.row;
            let _ = writeln!(
                h,
                "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                if l.gone { " class=\"gone\"" } else { "" },
                esc(&f.firm),
                esc(&f.tier),
                esc(&l.status),
                if l.owner == f.firm { "—".to_string() } else { esc(l.owner) },
                share(f.share),
                money(f.revenue_musd),
                pflops(f.compute_pflops),
                thousands(f.researchers as u64),
                l.valuation.filter(|v| *v > 0.0).map(money).unwrap_or_else(|| "—".into())
            );
        }
        h.push_str("</tbody>\n");
    }
    h.push_str("</table>\n</section>\n");
}

fn gone_heading(what: &str, shown: usize, total: usize, order: &str) -> String {
    if shown < total {
        format!("{what}: the {shown} largest of {total} ({order})")
    } else {
        format!("{what}: {} ({order})", count(total as u64, "firm", "firms"))
    }
}

fn provenance(h: &mut String, data: &RunData) {
    let s = &data.summary;
    let text = |k: &str| -> String {
        match &s[k] {
            serde_json::Value::String(v) => esc(v),
            serde_json::Value::Null => "unknown".into(),
            other => esc(&other.to_string()),
        }
    };
    let _ = write!(
        h,
        "<footer>\n<section id=\"provenance\">\n<h2>Provenance</h2>\n<dl class=\"brief\">\n\
         <dt>Program</dt><dd>{} {} (build {})</dd>\n<dt>World</dt><dd>{} (hash <code>{}</code>)</dd>\n\
         <dt>Seed</dt><dd>{}</dd>\n<dt>Months</dt><dd>{} from {}</dd>\n</dl>\n",
        text("program"),
        text("version"),
        text("build"),
        text("world"),
        text("world_hash"),
        text("seed"),
        text("months"),
        text("start")
    );
    if let Some(counts) = s["event_counts"].as_object() {
        let parts: Vec<String> = counts
            .iter()
            .filter_map(|(k, v)| {
                v.as_u64().map(|n| format!("{} {}", esc(&k.replace('_', " ")), thousands(n)))
            })
            .collect();
        let _ = writeln!(
            h,
            "<p class=\"note\">Rows of <code>events.csv</code> by kind: {}.</p>",
            parts.join("; ")
        );
    }
    h.push_str(
        "<p class=\"note\">Made from the run's output folder alone. The same world file, seed and build give the same \
         files byte for byte: <code>chipban run world.ron</code> in that folder reproduces the run. This page loads \
         nothing from the network.</p>\n</section>\n</footer>\n",
    );
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
