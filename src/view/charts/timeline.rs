//! Chart 8, `timeline`: the run's main events in time, one lane per kind so
//! it stays readable with hundreds of events:
//! - US export rules: ◇ announced, ◆ in force, labelled with the chips;
//! - funding rounds: every round as a dot (area ∝ amount), the largest
//!   labelled (at most `ROUND_LABELS`, placed in rows without overlap);
//! - chip-backed loans: one row per borrower (the largest few, the rest
//!   pooled), a dot per loan, ✕ for a default, a label with the totals;
//! - acquisitions per calendar quarter, stacked by buyer;
//! - insolvency exits per calendar quarter.
//!
//! Export rules also run as dashed lines across every lane, and a
//! consolidation phase is shaded.

use super::common::*;
use crate::record::{EventKind, EventRec, RunData, rule_chips};
use crate::view::axis::*;
use crate::view::format::*;
use crate::view::hover::{HoverResult, Region};
use crate::view::legend::*;
use crate::view::rules::*;
use crate::view::text::*;
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::HashMap;

/// Largest funding rounds that get a label.
const ROUND_LABELS: usize = 8;
/// Borrowers shown on a row of their own; the rest share one row.
const LOAN_ROWS: usize = 3;
/// Buyers with a colour of their own in the acquisitions lane.
const BUYERS: usize = 5;
/// Width of the lane-name column, pixels.
const NAMES_W: u32 = 215;
/// Height of the key row under the chart, pixels.
const FOOTER_H: u32 = 34;

type Chart<'a, 'b, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A lane: its name, a one-line key and the totals under the name, its y
/// span.
struct Lane {
    name: &'static str,
    key: String,
    total: String,
    lo: f64,
    hi: f64,
}

impl Lane {
    fn at(&self, f: f64) -> f64 {
        self.lo + (self.hi - self.lo) * f
    }
}

/// Greedy label placement in rows: a label takes the first row where it
/// overlaps no other label and no export-rule line, no label in a row
/// nearer the markers hides its leader line, and it hides no leader of a
/// label farther out. Labels come most important first.
struct Rows {
    n: usize,
    /// (row, x0, x1, leader x)
    placed: Vec<(usize, i32, i32, i32)>,
    /// The x pixels of the rule lines that run through the lane.
    lines: Vec<i32>,
}

impl Rows {
    fn new(n: usize, lines: &[i32]) -> Self {
        Rows { n, placed: Vec::new(), lines: lines.to_vec() }
    }
    /// Row and left edge for a label of width `w` whose leader line is at
    /// `lx`, inside `lo..hi`: right of the leader, else left of it.
    fn place(&mut self, w: i32, lx: i32, lo: i32, hi: i32) -> Option<(usize, i32)> {
        let gap = 10;
        let sides = [lx + 6, lx - 6 - w];
        let ok = |r: usize, x0: i32| {
            let x1 = x0 + w;
            x0 >= lo
                && x1 <= hi
                && self.lines.iter().all(|&l| l < x0 - 3 || l > x1 + 3)
                && self.placed.iter().all(|&(pr, a, b, plx)| {
                    let apart = x1 + gap <= a || x0 >= b + gap;
                    let my_leader_clear = lx < a - 3 || lx > b + 3;
                    let its_leader_clear = plx < x0 - 3 || plx > x1 + 3;
                    match pr.cmp(&r) {
                        std::cmp::Ordering::Equal => apart,
                        std::cmp::Ordering::Less => my_leader_clear,
                        std::cmp::Ordering::Greater => its_leader_clear,
                    }
                })
        };
        let (r, x0) = (0..self.n).find_map(|r| sides.iter().find(|&&x0| ok(r, x0)).map(|&x0| (r, x0)))?;
        self.placed.push((r, x0, x0 + w, lx));
        Some((r, x0))
    }
}

/// The left edge nearest `want` for a text `w` pixels wide inside `lo..hi`
/// that no line of `lines` crosses (a 3-pixel margin); `None` if there is
/// none.
fn clear_of_lines(want: i32, w: i32, lo: i32, hi: i32, lines: &[i32]) -> Option<i32> {
    let fits = |x0: i32| x0 >= lo && x0 + w <= hi && lines.iter().all(|&l| l < x0 - 3 || l > x0 + w + 3);
    let want = want.clamp(lo, (hi - w).max(lo));
    (0..=(hi - lo).max(0)).step_by(4).flat_map(|d| [want + d, want - d]).find(|&x0| fits(x0))
}

/// A label for a marker: the marker's x and radius (pixels), the text, its
/// colour, the leader's colour.
struct Tag {
    x: i32,
    r: i32,
    text: String,
    colour: RGBColor,
    leader: RGBColor,
}

/// Draw `tags` (most important first) in rows above the marker line at
/// pixel `dot_y` up to the lane top `top`, and then below it down to
/// `bottom` if there is room, each with a leader line to its marker, none
/// crossed by a rule line at `lines`; tags that find no room are left out.
fn draw_tags<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    tags: &[Tag],
    dot_y: i32,
    (top, bottom): (i32, i32),
    (lo, hi): (i32, i32),
    lines: &[i32],
) -> ChartResult {
    let style = anchored(font(15), HPos::Left, VPos::Center);
    let row_h = 20;
    let rows_in = |room: i32| ((room - 14 - 2) / row_h).max(0) as usize;
    let (n_up, n_down) = (rows_in(dot_y - top).max(1), rows_in(bottom - dot_y));
    let mut up = Rows::new(n_up, lines);
    let mut down = Rows::new(n_down, lines);
    // tags on the same spot share one label
    let mut merged: Vec<Tag> = Vec::new();
    for t in tags {
        match merged.iter_mut().find(|o| (o.x - t.x).abs() <= 3) {
            Some(o) => {
                o.text = format!("{} · {}", o.text, t.text);
                o.r = o.r.max(t.r);
            }
            None => merged.push(Tag { text: t.text.clone(), ..*t }),
        }
    }
    for t in &merged {
        let w = text_width(area, &t.text, &style);
        let (ly, x0, end) = if let Some((r, x0)) = up.place(w, t.x, lo, hi) {
            let ly = dot_y - 14 - row_h / 2 - r as i32 * row_h;
            (ly, x0, dot_y - t.r)
        } else if let Some((r, x0)) = down.place(w, t.x, lo, hi) {
            let ly = dot_y + 14 + row_h / 2 + r as i32 * row_h;
            (ly, x0, dot_y + t.r)
        } else {
            continue;
        };
        area.draw(&PathElement::new(vec![(t.x, end), (t.x, ly)], t.leader.stroke_width(1))).map_err(err)?;
        // a label left of its leader is anchored at its right end, so it
        // ends by the leader whatever font draws it
        if x0 < t.x {
            let right = anchored(font(15), HPos::Right, VPos::Center).color(&t.colour);
            area.draw(&Text::new(t.text.clone(), (t.x - 6, ly), right)).map_err(err)?;
        } else {
            area.draw(&Text::new(t.text.clone(), (x0, ly), style.color(&t.colour))).map_err(err)?;
        }
    }
    Ok(())
}

/// The calendar quarter (as a month offset of its first month) of tick `t`.
fn quarter_start(data: &RunData, t: u32) -> i32 {
    let abs = data.world.start.0 + t as i32;
    abs.div_euclid(3) * 3 - data.world.start.0
}

/// Counts per calendar quarter: (first month of the quarter, per-group counts).
fn per_quarter<'e>(
    data: &RunData,
    events: &[&'e EventRec],
    group: impl Fn(&'e EventRec) -> usize,
    groups: usize,
) -> Vec<(i32, Vec<u32>)> {
    let mut out: Vec<(i32, Vec<u32>)> = Vec::new();
    for e in events {
        let q = quarter_start(data, e.month);
        let i = match out.iter().position(|(s, _)| *s == q) {
            Some(i) => i,
            None => {
                out.push((q, vec![0; groups]));
                out.len() - 1
            }
        };
        out[i].1[group(e)] += 1;
    }
    out.sort_by_key(|(q, _)| *q);
    out
}

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let n = data.months.len().max(1) as u32;
    let x_end = time_range(data).end;
    let of =
        |kind: EventKind| data.events.iter().filter(|e| e.kind() == kind && e.month < n).collect::<Vec<_>>();
    let rounds = of(EventKind::FundingRound);
    let loans = of(EventKind::Loan);
    let defaults = of(EventKind::LoanDefault);
    let repaid = of(EventKind::LoanRepaid);
    let deals = of(EventKind::Acquisition);
    let exits = of(EventKind::Exit);

    // ---- borrowers: the largest get a row each, the rest share one ----
    let mut borrowers: Vec<(String, f64, u32)> = Vec::new();
    for l in &loans {
        match borrowers.iter_mut().find(|b| b.0 == l.target) {
            Some(b) => {
                b.1 += l.amount_musd;
                b.2 += 1;
            }
            None => borrowers.push((l.target.clone(), l.amount_musd, 1)),
        }
    }
    borrowers.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let own_rows = borrowers.len().min(LOAN_ROWS);
    let pooled = borrowers.len() > LOAN_ROWS;
    let loan_rows = (own_rows + pooled as usize).max(1);

    // ---- lanes, top to bottom ----
    let weights = [1.0, 1.9, 0.55 + 0.5 * loan_rows as f64, 1.3, 1.0];
    let names = ["US export rules", "Funding rounds", "Chip-backed loans", "Acquisitions", "Exits"];
    let keys = [
        "◇ announced  ◆ in force".to_string(),
        format!("area ∝ amount; {ROUND_LABELS} largest named"),
        "dot per loan, area ∝ principal".to_string(),
        "per quarter, by buyer".to_string(),
        "closed or insolvent, per quarter".to_string(),
    ];
    let plural = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    let with_sum = |head: String, v: &[&EventRec], tail: &str| {
        if v.is_empty() {
            head
        } else {
            format!("{head}, {}{tail}", musd_label(v.iter().map(|e| e.amount_musd).sum::<f64>()))
        }
    };
    let n_rules =
        data.world.policy.rules.iter().filter(|r| r.announced.since(data.world.start) < n as i32).count();
    let totals = [
        plural(n_rules, "rule", "rules"),
        with_sum(plural(rounds.len(), "round", "rounds"), &rounds, ""),
        with_sum(plural(loans.len(), "loan", "loans"), &loans, ""),
        with_sum(plural(deals.len(), "deal", "deals"), &deals, " paid"),
        plural(exits.len(), "exit", "exits"),
    ];
    let total: f64 = weights.iter().sum();
    let mut lanes = Vec::new();
    let mut top = total;
    for i in 0..5 {
        lanes.push(Lane {
            name: names[i],
            key: keys[i].clone(),
            total: totals[i].clone(),
            lo: top - weights[i],
            hi: top,
        });
        top -= weights[i];
    }

    let area = root
        .titled("Timeline: export rules, funding rounds, chip loans, acquisitions and exits", title_style())
        .map_err(err)?;
    let (_, h) = area.dim_in_pixel();
    let (main, footer) = area.split_vertically(h.saturating_sub(FOOTER_H));
    let mut chart: Chart<DB> = time_panel(&main, data, Panel::framed(10, 25, 45, NAMES_W), 0.0..total)?;
    run_mesh(&mut chart.configure_mesh(), Grid::Clear)
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("month")
        .draw()
        .map_err(err)?;
    let (bx, by) = main.get_base_pixel();
    let px = |chart: &Chart<DB>, p: (f64, f64)| {
        let (x, y) = chart.backend_coord(&p);
        (x - bx, y - by)
    };
    let (plot_l, _) = px(&chart, (0.0, 0.0));
    let (plot_r, _) = px(&chart, (x_end, 0.0));

    // lane backgrounds, consolidation phase, rule lines
    for (i, lane) in lanes.iter().enumerate() {
        if i % 2 == 1 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, lane.lo), (x_end, lane.hi)],
                    RGBColor(246, 246, 246).filled(),
                )))
                .map_err(err)?;
        }
    }
    let phases = phase_spans(data);
    for &(a, b) in &phases {
        chart
            .draw_series(std::iter::once(Rectangle::new([(a, 0.0), (b, total)], PHASE.mix(0.35).filled())))
            .map_err(err)?;
    }
    for lane in &lanes[1..] {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, lane.hi), (x_end, lane.hi)],
                RGBColor(200, 200, 200).stroke_width(1),
            )))
            .map_err(err)?;
    }
    run_time_axis(&main, &mut chart, data, Grid::Clear, true)?;
    draw_rules(&mut chart, data, 0.0..total, RuleLabels::None)?;
    let rule_xs: Vec<i32> = rule_ticks(data).iter().map(|(t, _)| px(&chart, (*t, 0.0)).0).collect();
    // hover values: the month's events, and on top each round and bar
    let mut hover = month_columns(&chart, data, |i| month_events(data, i as u32));

    // lane names and keys in the left column
    let name_style = (FAMILY, LABEL_SIZE, FontStyle::Bold)
        .into_font()
        .color(&TEXT)
        .pos(Pos::new(HPos::Right, VPos::Bottom));
    let key_style = anchored(font(14).color(&RGBColor(100, 100, 100)), HPos::Right, VPos::Top);
    let total_style = anchored(font(15), HPos::Right, VPos::Top);
    for lane in &lanes {
        let (_, y) = px(&chart, (0.0, lane.at(0.5)));
        main.draw(&Text::new(lane.name, (plot_l - 12, y - 8), name_style.clone())).map_err(err)?;
        main.draw(&Text::new(lane.key.clone(), (plot_l - 12, y - 5), key_style.clone())).map_err(err)?;
        main.draw(&Text::new(lane.total.clone(), (plot_l - 12, y + 13), total_style.clone())).map_err(err)?;
    }
    let label_style = anchored(font(15), HPos::Left, VPos::Center);
    let none_style = anchored(font(16).color(&RGBColor(130, 130, 130)), HPos::Left, VPos::Center);
    // "none in this run", on white so rule lines do not cross it
    let none = |chart: &mut Chart<DB>, lane: &Lane, what: &str| -> ChartResult {
        let w = text_width(&main, what, &none_style);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((0.0, lane.at(0.5)))
                    + Rectangle::new([(4, -12), (w + 16, 12)], WHITE.filled())
                    + Text::new(what.to_string(), (10, 0), none_style.clone()),
            ))
            .map_err(err)?;
        Ok(())
    };

    // ---- lane 0: export rules ----
    let lane = &lanes[0];
    let start = data.world.start;
    let y = lane.at(0.25);
    let (_, dot_y) = px(&chart, (0.0, y));
    let (_, lane_top) = px(&chart, (0.0, lane.hi));
    // (first marker px, last marker px, label) of each rule in the run
    let mut spans: Vec<(i32, i32, String)> = Vec::new();
    for rule in &data.world.policy.rules {
        let ta = rule.announced.since(start).max(0);
        let te = rule.effective.since(start).max(0);
        if ta >= n as i32 {
            continue;
        }
        let chips = data
            .events
            .iter()
            .find(|e| {
                matches!(e.kind(), EventKind::RuleAnnounced | EventKind::RuleEffective)
                    && e.actor == rule.name
            })
            .map(|e| rule_chips(&e.target).join(", "))
            .unwrap_or_default();
        let mut text = format!("{}: {}", rule.name, if chips.is_empty() { "chips" } else { &chips });
        if te >= n as i32 {
            text.push_str(&format!(" (in force {}, after the end)", rule.effective));
        } else if te > ta {
            text.push_str(&format!(" (in force {})", rule.effective));
        }
        let diamond = |at: (f64, f64), filled: bool| {
            let pts = vec![(0, -8), (8, 0), (0, 8), (-8, 0), (0, -8)];
            EmptyElement::at(at)
                + Polygon::new(pts.clone(), if filled { RULE.filled() } else { WHITE.filled() })
                + PathElement::new(pts, RULE.stroke_width(2))
        };
        let shown_te = te.min(n as i32 - 1);
        if te > ta && te < n as i32 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(ta as f64, y), (te as f64, y)],
                    RULE.stroke_width(2),
                )))
                .map_err(err)?;
        }
        // one filled diamond when announced and in force the same month
        if te > ta {
            chart.draw_series(std::iter::once(diamond((ta as f64, y), false))).map_err(err)?;
        }
        if te < n as i32 {
            chart.draw_series(std::iter::once(diamond((te as f64, y), true))).map_err(err)?;
        }
        let (ax, _) = px(&chart, (ta as f64, y));
        let (ex, _) = px(&chart, (if te < n as i32 { shown_te } else { ta } as f64, y));
        spans.push((ax, ex, text));
    }
    // a label goes on the marker line right of its last marker when no other
    // rule's markers or label are in the way, else in a row above
    let mut inline: Vec<(i32, i32)> = Vec::new();
    let mut tags = Vec::new();
    for (i, (ax, ex, text)) in spans.iter().enumerate() {
        let w = text_width(&main, text, &label_style);
        let x0 = ex + 14;
        let x1 = x0 + w;
        let clear = x1 <= plot_r
            && spans.iter().enumerate().all(|(j, (a, e, _))| j == i || e + 10 < x0 || *a - 10 > x1)
            && inline.iter().all(|&(a, b)| x1 + 10 <= a || x0 >= b + 10);
        if clear {
            inline.push((x0, x1));
            main.draw(&Text::new(text.clone(), (x0, dot_y), label_style.color(&RULE))).map_err(err)?;
        } else {
            tags.push(Tag { x: *ax, r: 8, text: text.clone(), colour: RULE, leader: RULE });
        }
    }
    let (_, lane_bottom) = px(&chart, (0.0, lane.lo));
    draw_tags(&main, &tags, dot_y, (lane_top, lane_bottom), (plot_l + 2, plot_r), &rule_xs)?;
    if spans.is_empty() {
        none(&mut chart, lane, "no export rule in this run")?;
    }

    // ---- lane 1: funding rounds ----
    let lane = &lanes[1];
    let named = |firm: &str| data.world.firms.iter().any(|f| f.name == firm);
    let colour = |firm: &str| if named(firm) { firm_colour(&data.world, firm) } else { OTHERS };
    let max_round = rounds.iter().map(|e| e.amount_musd).fold(0.0, f64::max).max(1e-9);
    let r_of = |a: f64, max: f64, lo: f64, hi: f64| (lo + (hi - lo) * (a / max).sqrt()).round() as i32;
    let base_y = lane.at(0.4);
    let mut order: Vec<&&EventRec> = rounds.iter().collect();
    order.sort_by(|a, b| a.amount_musd.total_cmp(&b.amount_musd).then(b.month.cmp(&a.month)));
    // small first, big on top; generated firms grey under the named ones
    order.sort_by_key(|e| named(&e.target));
    chart
        .draw_series(order.iter().map(|e| {
            let r = r_of(e.amount_musd, max_round, 2.0, 12.0);
            let c = colour(&e.target);
            EmptyElement::at((e.month as f64, base_y))
                + Circle::new((0, 0), r, c.mix(0.75).filled())
                + Circle::new((0, 0), r, c.stroke_width(1))
        }))
        .map_err(err)?;
    for e in &order {
        let r = r_of(e.amount_musd, max_round, 2.0, 12.0).max(4);
        let (x, y) = chart.backend_coord(&(e.month as f64, base_y));
        let text =
            format!("{} · {} raises {}", date_of(data, e.month as f64), e.target, musd_label(e.amount_musd));
        hover.push(Region { x: x - r, y: y - r, w: 2 * r, h: 2 * r, text });
    }
    let mut big: Vec<&&EventRec> = rounds.iter().collect();
    big.sort_by(|a, b| b.amount_musd.total_cmp(&a.amount_musd).then(a.month.cmp(&b.month)));
    big.truncate(ROUND_LABELS);
    let (_, lane_top) = px(&chart, (0.0, lane.hi));
    let (_, dot_y) = px(&chart, (0.0, base_y));
    let tags: Vec<Tag> = big
        .iter()
        .map(|e| Tag {
            x: px(&chart, (e.month as f64, base_y)).0,
            r: r_of(e.amount_musd, max_round, 2.0, 12.0),
            text: format!("{} {}", e.target, musd_label(e.amount_musd)),
            colour: TEXT,
            leader: colour(&e.target),
        })
        .collect();
    let (_, lane_bottom) = px(&chart, (0.0, lane.lo));
    draw_tags(&main, &tags, dot_y, (lane_top, lane_bottom), (plot_l + 2, plot_r), &rule_xs)?;
    if rounds.is_empty() {
        none(&mut chart, lane, "no funding round in this run")?;
    }

    // ---- lane 2: chip-backed loans, a row per borrower ----
    let lane = &lanes[2];
    if loans.is_empty() {
        none(&mut chart, lane, "no chip-backed loan in this run")?;
    } else {
        let row_of =
            |firm: &str| borrowers.iter().take(own_rows).position(|b| b.0 == firm).unwrap_or(own_rows);
        let slot = |row: usize| {
            let inner = (lane.hi - lane.lo) - 0.2;
            lane.hi - 0.1 - inner * (row as f64 + 0.62) / loan_rows as f64
        };
        let max_loan = loans.iter().map(|e| e.amount_musd).fold(0.0, f64::max).max(1e-9);
        for row in 0..loan_rows {
            let mine: Vec<&&EventRec> = loans.iter().filter(|e| row_of(&e.target) == row).collect();
            let (Some(first), Some(last)) = (mine.first(), mine.last()) else { continue };
            let y = slot(row);
            let c = if row < own_rows { firm_colour(&data.world, &borrowers[row].0) } else { OTHERS };
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(first.month as f64, y), (last.month as f64, y)],
                    c.stroke_width(2),
                )))
                .map_err(err)?;
            chart
                .draw_series(mine.iter().map(|e| {
                    let r = r_of(e.amount_musd, max_loan, 2.5, 7.0);
                    EmptyElement::at((e.month as f64, y))
                        + Circle::new((0, 0), r, c.filled())
                        + Circle::new((0, 0), r, WHITE.stroke_width(1))
                }))
                .map_err(err)?;
            let principal: f64 = mine.iter().map(|e| e.amount_musd).sum();
            let firms_here: Vec<&str> = if row < own_rows {
                vec![borrowers[row].0.as_str()]
            } else {
                borrowers[own_rows..].iter().map(|b| b.0.as_str()).collect()
            };
            let n_repaid = repaid.iter().filter(|e| firms_here.contains(&e.actor.as_str())).count();
            let n_default = defaults.iter().filter(|e| firms_here.contains(&e.actor.as_str())).count();
            let who = if row < own_rows {
                borrowers[row].0.clone()
            } else {
                format!("{} other firms", firms_here.len())
            };
            let text = format!(
                "{who}: {} loan{}, {} in all; {n_repaid} repaid, {n_default} defaulted",
                mine.len(),
                if mine.len() == 1 { "" } else { "s" },
                musd_label(principal)
            );
            let tw = text_width(&main, &text, &label_style);
            let (fx, fy) = px(&chart, (first.month as f64, y));
            // beside the row's first loan, where no rule line crosses it
            // (else on a white ground)
            let x0 = match clear_of_lines(fx - 4, tw, plot_l + 2, plot_r, &rule_xs) {
                Some(x0) => x0,
                None => {
                    let x0 = (fx - 4).min(plot_r - tw).max(plot_l + 2);
                    main.draw(&Rectangle::new([(x0 - 2, fy - 26), (x0 + tw + 2, fy - 6)], WHITE.filled()))
                        .map_err(err)?;
                    x0
                }
            };
            main.draw(&Text::new(text, (x0, fy - 16), label_style.clone())).map_err(err)?;
            for d in defaults.iter().filter(|e| firms_here.contains(&e.actor.as_str())) {
                chart
                    .draw_series(std::iter::once(Cross::new((d.month as f64, y), 7, RULE.stroke_width(3))))
                    .map_err(err)?;
            }
        }
    }

    // ---- lanes 3 and 4: acquisitions by buyer, exits; per quarter ----
    let mut buyers: Vec<(String, usize)> = Vec::new();
    for d in &deals {
        match buyers.iter_mut().find(|b| b.0 == d.actor) {
            Some(b) => b.1 += 1,
            None => buyers.push((d.actor.clone(), 1)),
        }
    }
    buyers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let own_buyers = if buyers.len() <= BUYERS + 1 { buyers.len() } else { BUYERS };
    let mut buyer_ix: HashMap<&str, usize> = HashMap::new();
    for (i, b) in buyers.iter().enumerate() {
        buyer_ix.insert(b.0.as_str(), i.min(own_buyers));
    }
    let groups = own_buyers + 1;
    let buyer_colour =
        |g: usize| if g < own_buyers { firm_colour(&data.world, &buyers[g].0) } else { OTHERS };
    let exit_colour = RGBColor(120, 40, 40);
    let count_style = anchored(font(14), HPos::Center, VPos::Bottom);
    for (lane, events, is_deals) in [(&lanes[3], &deals, true), (&lanes[4], &exits, false)] {
        if events.is_empty() {
            none(
                &mut chart,
                lane,
                if is_deals { "no acquisition in this run" } else { "no exit in this run" },
            )?;
            continue;
        }
        let quarters = if is_deals {
            per_quarter(
                data,
                events,
                |e| buyer_ix.get(e.actor.as_str()).copied().unwrap_or(own_buyers),
                groups,
            )
        } else {
            per_quarter(data, events, |_| 0, 1)
        };
        let max_q = quarters.iter().map(|(_, c)| c.iter().sum::<u32>()).max().unwrap_or(1).max(1) as f64;
        let unit = (lane.hi - lane.lo) * 0.72 / max_q;
        for (q, counts) in &quarters {
            let x0 = (*q as f64 - 0.5).max(0.0) + 0.2;
            let x1 = (*q as f64 + 2.5).min(x_end) - 0.2;
            let mut y = lane.lo;
            for (g, &k) in counts.iter().enumerate() {
                if k == 0 {
                    continue;
                }
                let c = if is_deals { buyer_colour(g) } else { exit_colour };
                let y1 = y + k as f64 * unit;
                chart
                    .draw_series(std::iter::once(Rectangle::new([(x0, y), (x1, y1)], c.filled())))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Rectangle::new([(x0, y), (x1, y1)], WHITE.stroke_width(1))))
                    .map_err(err)?;
                y = y1;
            }
            let sum: u32 = counts.iter().sum();
            // the count above the bar, on white so a rule line does not cross it
            let tw = text_width(&main, &sum.to_string(), &count_style);
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(((x0 + x1) / 2.0, y))
                        + Rectangle::new([(-tw / 2 - 2, -17), (tw / 2 + 2, -1)], WHITE.filled())
                        + Text::new(sum.to_string(), (0, 0), count_style.clone()),
                ))
                .map_err(err)?;
            let (ax, ay) = chart.backend_coord(&(x0, y));
            let (bx1, by1) = chart.backend_coord(&(x1, lane.lo));
            let m = start.plus(*q);
            let mut text = format!(
                "{} Q{}: {}",
                m.year(),
                (m.month() - 1) / 3 + 1,
                if is_deals {
                    plural(sum as usize, "acquisition", "acquisitions")
                } else {
                    plural(sum as usize, "exit", "exits")
                }
            );
            if is_deals {
                let by: Vec<String> = counts
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| **k > 0)
                    .map(|(g, k)| {
                        let who = if g < own_buyers { buyers[g].0.clone() } else { "other buyers".into() };
                        format!("{who} {k}")
                    })
                    .collect();
                text.push_str(&format!(" (by {})", by.join(", ")));
            }
            hover.push(Region { x: ax, y: ay - 17, w: (bx1 - ax).max(1), h: (by1 - ay + 17).max(1), text });
        }
    }

    // ---- key row: buyers' colours, the phase ----
    let mut entries: Vec<(Mark, String)> = Vec::new();
    for g in 0..groups.min(buyers.len() + 1) {
        if g < own_buyers {
            entries.push((Mark::Fill(buyer_colour(g)), buyers[g].0.clone()));
        } else if buyers.len() > own_buyers {
            entries.push((Mark::Fill(OTHERS), format!("{} other buyers", buyers.len() - own_buyers)));
        }
    }
    let key_style = anchored(legend_style(), HPos::Left, VPos::Center);
    let x = plot_l;
    let y = (FOOTER_H / 2) as i32;
    if !entries.is_empty() {
        let head = "Buyers:";
        footer
            .draw(&Text::new(head, (x - text_width(&footer, head, &key_style) - 8, y), key_style.clone()))
            .map_err(err)?;
    }
    if rounds.iter().any(|e| !named(&e.target)) {
        entries.push((Mark::Dot(OTHERS, 6), "generated firms' rounds".into()));
    }
    if !phases.is_empty() {
        entries.push((Mark::Fill(tint(PHASE, 0.35)), "consolidation phase".into()));
    }
    legend_row(&footer, Some(x), y, &entries)?;
    Ok(hover)
}

/// The events of month `t` in a few words (a rule taking effect is said by
/// `month_columns`): "US rule 2024-12-02 announced · 3 funding rounds (US$500M) · Tencent buys MiniMax · 2 exits".
fn month_events(data: &RunData, t: u32) -> String {
    let here: Vec<&EventRec> = data.events.iter().filter(|e| e.month == t).collect();
    let of = |k: EventKind| here.iter().filter(|e| e.kind() == k).copied().collect::<Vec<_>>();
    let sum = |v: &[&EventRec]| musd_label(v.iter().map(|e| e.amount_musd).sum::<f64>());
    let mut parts: Vec<String> = Vec::new();
    for e in of(EventKind::RuleAnnounced) {
        parts.push(format!("US rule {} announced", e.actor));
    }
    let counted = |k: EventKind, one: &str, many: &str, parts: &mut Vec<String>| {
        let v = of(k);
        match v.len() {
            0 => {}
            1 => parts.push(format!("1 {one} ({})", sum(&v))),
            n => parts.push(format!("{n} {many} ({})", sum(&v))),
        }
    };
    counted(EventKind::FundingRound, "funding round", "funding rounds", &mut parts);
    counted(EventKind::Loan, "chip-backed loan", "chip-backed loans", &mut parts);
    for e in of(EventKind::Acquisition) {
        parts.push(format!("{} buys {} ({})", e.actor, e.target, musd_label(e.amount_musd)));
    }
    let defaults = of(EventKind::LoanDefault).len();
    if defaults > 0 {
        parts.push(format!("{defaults} loan default{}", if defaults == 1 { "" } else { "s" }));
    }
    let exits = of(EventKind::Exit);
    match exits.len() {
        0 => {}
        1 => parts.push(format!("{} exits", exits[0].actor)),
        n => parts.push(format!("{n} exits")),
    }
    if parts.is_empty() { "no event in these lanes".into() } else { parts.join(" · ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_keep_off_rule_lines_and_each_other() {
        // rule lines at 300 and 480; labels 150 wide whose leaders sit just
        // left of the lines (the "01.AI US$144M" case)
        let lines = [300, 480];
        let mut rows = Rows::new(3, &lines);
        let mut boxes = Vec::new();
        for lx in [290, 470, 295, 700] {
            let (r, x0) = rows.place(150, lx, 100, 1000).expect("room in three rows");
            boxes.push((r, x0, x0 + 150, lx));
        }
        for (i, &(r, a, b, lx)) in boxes.iter().enumerate() {
            assert!(lines.iter().all(|&l| l < a - 3 || l > b + 3), "a rule line cuts {a}..{b}");
            assert!(a == lx + 6 || b == lx - 6, "beside its leader");
            for &(r2, a2, b2, _) in &boxes[i + 1..] {
                assert!(r != r2 || b + 10 <= a2 || b2 + 10 <= a, "labels overlap");
            }
        }
        // no room anywhere: left out
        let mut rows = Rows::new(1, &[105, 200, 300]);
        assert_eq!(rows.place(150, 150, 100, 350), None);
    }

    #[test]
    fn a_text_moves_the_least_to_clear_the_lines() {
        assert_eq!(clear_of_lines(400, 100, 100, 1000, &[]), Some(400));
        // a line at 450 cuts 400..500: the nearest clear spot is right of it
        let x0 = clear_of_lines(400, 100, 100, 1000, &[450]).unwrap();
        assert!(x0 > 453 || x0 + 100 < 447, "{x0}");
        assert!((x0 - 400).abs() <= 60, "{x0}");
        // kept inside the plot
        assert_eq!(clear_of_lines(950, 100, 100, 1000, &[]), Some(900));
        // lines everywhere: none
        let lines: Vec<i32> = (100..=1000).step_by(50).collect();
        assert_eq!(clear_of_lines(400, 100, 100, 1000, &lines), None);
    }
}
