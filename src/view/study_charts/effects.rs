//! The forest plot of a factorial design's effects (main effects and
//! interactions, by order) with their intervals. Draws only.

use super::hover_regions::rect;
use super::*;

// ---------------------------------------------------------------- factorial

pub(super) fn order_colour(order: u32) -> RGBColor {
    match order {
        1 => PALETTE[0],
        2 => PALETTE[1],
        3 => PALETTE[4],
        _ => PALETTE[5],
    }
}

pub(super) fn order_name(order: u32) -> String {
    match order {
        1 => "main effect (one factor changed)".into(),
        2 => "two-way interaction (beyond the sum of the two alone)".into(),
        3 => "three-way interaction (beyond all pairs and singles)".into(),
        n => format!("{n}-way interaction"),
    }
}

/// A term for display: `chip_scarcity x data_and_talent` → `chip scarcity
/// × data and talent` (factor names read as their labels).
pub fn term_label(term: &str) -> String {
    term.replace(" x ", " × ").replace('_', " ")
}

/// The panel caption of an outcome in the effects chart (drawn whole, on
/// as many lines as it needs).
pub fn effect_caption(outcome: Outcome) -> String {
    match outcome {
        Outcome::Consolidated => "share of runs consolidating (percentage points)".to_string(),
        Outcome::MonthsToConsolidation => "restricted mean months to consolidation (months)".to_string(),
        _ => format!("{} ({})", outcome.chart_label(), outcome.diff_unit()),
    }
}

/// What an effect's hover says: the term, the outcome, the estimate with
/// its interval and its size verdict.
fn effect_hover(e: &Effect, outcome: Outcome) -> String {
    let d = |v: f64| crate::view::format::outcome_diff(outcome, v);
    let est = e.estimate.map_or("no estimate".to_string(), d);
    let ci =
        e.ci_low.zip(e.ci_high).map(|(a, b)| format!(" (95% CI {} to {})", d(a), d(b))).unwrap_or_default();
    let verdict = e.materiality.map(|m| format!("; {}", m.as_str())).unwrap_or_default();
    format!("{}\n{}: {est}{ci}{verdict}; {} replicates", term_label(&e.term), outcome.label(), e.n)
}

/// The terms of a factorial's effects in display order: main effects, then
/// two-way, then three-way interactions, each in the study's order.
pub fn effect_terms(study: &Study) -> Vec<(String, u32)> {
    let mut terms: Vec<(String, u32)> = Vec::new();
    for e in &study.effects {
        if !terms.iter().any(|(t, _)| *t == e.term) {
            terms.push((e.term.clone(), e.order));
        }
    }
    terms.sort_by_key(|t| t.1);
    terms
}

/// The effects chart's outcomes: firms and consolidation, and months to
/// consolidation when any of its effects has an estimate.
pub(super) fn effect_outcomes(study: &Study) -> Vec<Outcome> {
    let mut v = vec![Outcome::FinalIndependentFirms, Outcome::Consolidated];
    let months = Outcome::MonthsToConsolidation;
    if study.effects.iter().any(|e| e.outcome == months && e.estimate.is_some()) {
        v.push(months);
    }
    v
}

pub(super) fn effects<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let reference: Vec<String> = study
        .factors
        .iter()
        .filter_map(|f| f.levels.first().map(|l| l.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|s| format!("“{s}”"))
        .collect();
    let title = if reference.len() == 1 {
        format!("Factorial effects with 95% CI: change from the {} level (right of 0 = more)", reference[0])
    } else {
        "Factorial effects with 95% CI: change from each factor's reference level (right of 0 = more)"
            .to_string()
    };
    let area = root.margin(15, 10, 20, 20).titled(&title, title_style()).map_err(err)?;
    let terms = effect_terms(study);
    if terms.is_empty() {
        empty_panel(&area, "effects", "no effects in this study")?;
        return Ok(Vec::new());
    }
    let mut regions = Vec::new();
    let (key, rest) = area.split_vertically(34);
    let mut orders: Vec<u32> = terms.iter().map(|t| t.1).collect();
    orders.dedup();
    let mut entries: Vec<(Mark, String)> =
        orders.iter().map(|&o| (Mark::Whisker(order_colour(o)), order_name(o))).collect();
    if orders.len() < 3 {
        entries.push((Mark::Rule(TEXT), "no effect".into()));
    }
    legend_row(&key, None, 13, &entries)?;
    let labels: Vec<String> = terms.iter().map(|(t, _)| term_label(t)).collect();
    let (_, h) = rest.dim_in_pixel();
    let n = terms.len();
    let row_px = (h as f64 - 90.0) / n as f64;
    let size = (row_px * 0.55).clamp(11.0, 17.0) as u32;
    let label_style = anchored(font(size), HPos::Right, VPos::Center);
    let (w, _) = rest.dim_in_pixel();
    // Labels up to a quarter of the width; a longer one wraps onto two lines.
    let label_w = (labels.iter().map(|l| text_width(&rest, l, &label_style)).max().unwrap_or(100) + 24)
        .clamp(120, (w as i32 / 4).max(120));
    let (label_area, plots) = rest.split_horizontally(label_w as u32);
    let outcomes = effect_outcomes(study);
    let panels = plots.split_evenly((1, outcomes.len()));
    let row_y = |k: usize| n as f64 - k as f64 - 0.5;
    for (pi, (outcome, panel)) in outcomes.iter().zip(&panels).enumerate() {
        let oi = Some(*outcome);
        let s = outcome.chart_scale();
        let caption = effect_caption(*outcome);
        let rows: Vec<Option<&Effect>> = terms
            .iter()
            .map(|(t, _)| study.effects.iter().find(|e| Some(e.outcome) == oi && e.term == *t))
            .collect();
        let values =
            rows.iter().flatten().flat_map(|e| [e.estimate, e.ci_low, e.ci_high]).flatten().map(|v| v * s);
        let (lo, hi) = bounds(values.chain([0.0])).unwrap_or((-1.0, 1.0));
        let x = padded(lo, hi, 0.08);
        let span = x.end - x.start;
        // The caption whole, on one or two lines above the panel.
        let body = caption_above(panel, &caption, 16, 2)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(18)
            .x_label_area_size(40)
            .y_label_area_size(4)
            .build_cartesian_2d(x.clone(), 0.0..n as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_labels(6)
            .y_labels(0)
            .x_label_formatter(&|v| tick(*v, span))
            .label_style(font(15))
            .draw()
            .map_err(err)?;
        // Shade every other order group, and separate groups with a line.
        let mut start = 0;
        for (g, &o) in orders.iter().enumerate() {
            let len = terms.iter().filter(|t| t.1 == o).count();
            let (top, bottom) = (n as f64 - start as f64, n as f64 - (start + len) as f64);
            if g % 2 == 1 {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x.start, bottom), (x.end, top)],
                        RGBColor(244, 244, 244).filled(),
                    )))
                    .map_err(err)?;
            }
            start += len;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                TEXT.stroke_width(2),
            )))
            .map_err(err)?;
        let cap = 0.18;
        for (k, (row, (_, order))) in rows.iter().zip(&terms).enumerate() {
            let yk = row_y(k);
            let c = order_colour(*order);
            if let Some(e) = row {
                regions.extend(rect(
                    &chart,
                    (x.start, yk - 0.5),
                    (x.end, yk + 0.5),
                    effect_hover(e, *outcome),
                ));
            }
            let Some(e) = row.filter(|e| e.estimate.is_some()) else {
                chart
                    .draw_series(std::iter::once(Text::new(
                        "no estimate",
                        (x.start + span * 0.02, yk),
                        anchored(muted(size.min(15)), HPos::Left, VPos::Center),
                    )))
                    .map_err(err)?;
                continue;
            };
            if let (Some(a), Some(b)) = (e.ci_low, e.ci_high) {
                let (a, b) = (a * s, b * s);
                chart.draw_series(whisker(a, b, yk, cap, c.stroke_width(3))).map_err(err)?;
            }
            let est = e.estimate.unwrap_or(0.0) * s;
            chart
                .draw_series([
                    Circle::new((est, yk), 7, c.filled()),
                    Circle::new((est, yk), 7, WHITE.stroke_width(1)),
                ])
                .map_err(err)?;
        }
        if pi == 0 {
            for (k, (label, (_, order))) in labels.iter().zip(&terms).enumerate() {
                let (_, py) = chart.backend_coord(&(x.start, row_y(k)));
                let (lx, _) = label_area.get_base_pixel();
                let style = anchored(
                    (FAMILY, size, if *order == 1 { FontStyle::Bold } else { FontStyle::Normal })
                        .into_font()
                        .color(&order_colour(*order)),
                    HPos::Right,
                    VPos::Center,
                );
                let lines = wrap_lines(&label_area, label, &style, label_w - 16);
                let lines = &lines[..lines.len().min(2)];
                let step = size as i32 + 3;
                let top = py - step * (lines.len() as i32 - 1) / 2;
                for (li, line) in lines.iter().enumerate() {
                    text_px(&label_area, line, (lx + label_w - 10, top + step * li as i32), &style)?;
                }
            }
        }
    }
    Ok(regions)
}
