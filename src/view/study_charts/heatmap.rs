//! The heat map of a grid of two parameters: one tile per cell, coloured by
//! the outcome's mean, one panel per key outcome that differs between the
//! cells (an outcome whose tiles would all read the same is left out, and
//! the report says so). Draws only.

use super::hover_regions::rect;
use super::*;

// ---------------------------------------------------------------- two parameters

/// The distinct values of parameter `p` over the cells, in numeric order
/// when all are numeric, else in order of first appearance.
pub(super) fn distinct(study: &Study, p: usize) -> Vec<(String, Option<f64>)> {
    let mut v: Vec<(String, Option<f64>)> = Vec::new();
    for c in &study.cells {
        let s = c.values.get(p).cloned().unwrap_or_default();
        if !v.iter().any(|(x, _)| *x == s) {
            v.push((s, c.numeric.get(p).copied().flatten()));
        }
    }
    if v.iter().all(|(_, n)| n.is_some()) {
        v.sort_by(|a, b| a.1.unwrap_or(0.0).total_cmp(&b.1.unwrap_or(0.0)));
    }
    v
}

/// The outcomes a heat map can show, each with its colour ramp.
const HEAT: [(Outcome, &[RGBColor; 3]); 3] = [
    (Outcome::FinalIndependentFirms, &BLUES),
    (Outcome::Consolidated, &ORANGES),
    (Outcome::MonthsToConsolidation, &PURPLES),
];

/// A tile's main text: the cell mean on the chart's scale (a share of runs
/// in whole percent).
fn tile_value(outcome: Outcome, scaled: f64) -> String {
    match outcome {
        Outcome::Consolidated => format!("{scaled:.0}%"),
        _ => value_label(scaled),
    }
}

/// The heat map's outcomes: those whose tiles do not all read the same,
/// and those left out with the one value every tile would show.
pub fn heatmap_outcomes(study: &Study) -> (Vec<Outcome>, Vec<(Outcome, String)>) {
    let (mut shown, mut flat) = (Vec::new(), Vec::new());
    for (o, _) in HEAT {
        let texts: std::collections::BTreeSet<String> = study
            .cells
            .iter()
            .filter_map(|c| study.stat(c.id, o)?.mean)
            .map(|m| tile_value(o, m * o.chart_scale()))
            .collect();
        match texts.len() {
            0 => {}
            1 => flat.push((o, texts.into_iter().next().unwrap_or_default())),
            _ => shown.push(o),
        }
    }
    (shown, flat)
}

/// The tile's caption of an outcome.
fn heat_caption(outcome: Outcome) -> String {
    match outcome {
        Outcome::MonthsToConsolidation => "months to consolidation: restricted mean (months)".to_string(),
        _ => format!("{} ({})", outcome.chart_label(), outcome.chart_unit()),
    }
}

pub(super) fn heatmap<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let title = format!("Mean outcomes by {} and {}", param_short(study, 0), param_short(study, 1));
    let title = fit(root, &title, &title_style(), WIDTH as i32 - 40);
    let area = root.margin(15, 10, 20, 20).titled(&title, title_style()).map_err(err)?;
    let (key, rest) = area.split_vertically(30);
    key.draw(&Text::new(
        "Each tile: the mean over the cell's runs (95% CI below it); darker = higher; hover for the cell."
            .to_string(),
        (key.dim_in_pixel().0 as i32 / 2, 11),
        anchored(muted(17), HPos::Center, VPos::Center),
    ))
    .map_err(err)?;
    let cols = distinct(study, 0);
    let rows = distinct(study, 1);
    let (nx, ny) = (cols.len().max(1), rows.len().max(1));
    let (shown, _) = heatmap_outcomes(study);
    let mut regions = Vec::new();
    if shown.is_empty() {
        empty_panel(&rest, "heat map", "every key outcome reads the same in every cell")?;
        return Ok(regions);
    }
    let tick_font = font(15);
    let y_label_w =
        rows.iter().map(|(s, _)| text_width(root, &pretty_value(s), &tick_font)).max().unwrap_or(20).min(120)
            + 50;
    let (w, _) = rest.dim_in_pixel();
    // The first panel carries the rows' values and name; the others only tiles.
    let others = (shown.len() - 1) as u32;
    let inner = (w.saturating_sub(y_label_w as u32)) / shown.len() as u32;
    let mut panels = Vec::new();
    let mut remaining = rest.clone();
    for k in 0..shown.len() {
        if k as u32 == others {
            panels.push(remaining.clone());
            break;
        }
        let width = if k == 0 { inner + y_label_w as u32 } else { inner };
        let (left, right) = remaining.split_horizontally(width);
        panels.push(left);
        remaining = right;
    }
    let (x_title, y_title) = (param_title(study, 0), param_title(study, 1));
    for (k, (outcome, panel)) in shown.iter().zip(&panels).enumerate() {
        let stops = HEAT.iter().find(|(o, _)| o == outcome).map_or(&BLUES, |(_, s)| *s);
        let outcome = *outcome;
        let s = outcome.chart_scale();
        // The caption whole: the tiles' area on the right of the first panel's labels.
        let yw = if k == 0 { y_label_w as u32 } else { 6 };
        let (_, tiles) = panel.split_horizontally(yw);
        let lines = |p: &DrawingArea<DB, Shift>, o: Outcome| {
            wrap_lines(p, &heat_caption(o), &bold(16), p.dim_in_pixel().0 as i32 - 12).len()
        };
        let most = shown.iter().map(|o| lines(&tiles, *o)).max().unwrap_or(1);
        let body_tiles = caption_above(&tiles, &heat_caption(outcome), 16, most)?;
        let (_, top) = body_tiles.get_base_pixel();
        let (_, panel_top) = panel.get_base_pixel();
        let (_, panel) = panel.split_vertically((top - panel_top) as u32);
        let panel = &panel;
        let layout = [8, 10, 62, yw];
        let mut chart = captioned(panel, ("", bold(1)), layout, 0.0..nx as f64, 0.0..ny as f64)?;
        let (cw, _) = chart.plotting_area().dim_in_pixel();
        let x_desc = fit(panel, &x_title, &font(15), cw as i32);
        let mut mesh = chart.configure_mesh();
        mesh.disable_mesh().x_labels(0).y_labels(0).x_desc(x_desc).axis_desc_style(font(15));
        if k == 0 {
            mesh.y_desc(y_title.clone());
        }
        mesh.draw().map_err(err)?;
        let stat = |ix: usize, iy: usize| {
            let cell = study
                .cells
                .iter()
                .find(|c| c.values.first() == Some(&cols[ix].0) && c.values.get(1) == Some(&rows[iy].0))?;
            Some((cell, study.stat(cell.id, outcome).copied()?))
        };
        let means: Vec<f64> = (0..cols.len())
            .flat_map(|i| (0..rows.len()).map(move |j| (i, j)))
            .filter_map(|(i, j)| stat(i, j)?.1.mean)
            .collect();
        let (lo, hi) = bounds(means.iter().map(|m| m * s)).unwrap_or((0.0, 1.0));
        let (tw, th) = {
            let a = chart.backend_coord(&(0.0, 1.0));
            let b = chart.backend_coord(&(1.0, 0.0));
            ((b.0 - a.0).abs(), (b.1 - a.1).abs())
        };
        let size = ((th as f64 * 0.28).min(tw as f64 / 4.5)).clamp(10.0, 24.0) as u32;
        for i in 0..cols.len() {
            for j in 0..rows.len() {
                let st = stat(i, j);
                let mean = st.and_then(|st| st.1.mean).map(|m| m * s);
                let bg = match mean {
                    Some(m) if hi > lo => ramp((m - lo) / (hi - lo), stops),
                    Some(_) => ramp(0.5, stops),
                    None => RGBColor(235, 235, 235),
                };
                let (x, yv) = (i as f64, j as f64);
                chart
                    .draw_series([
                        Rectangle::new([(x, yv), (x + 1.0, yv + 1.0)], bg.filled()),
                        Rectangle::new([(x, yv), (x + 1.0, yv + 1.0)], WHITE.stroke_width(2)),
                    ])
                    .map_err(err)?;
                let ink = text_on(bg);
                let centre = (x + 0.5, yv + 0.5);
                let main = mean.map_or("no data".to_string(), |m| tile_value(outcome, m));
                let two_lines = th >= 2 * size as i32 + 24 && tw >= 70;
                let ci = st.and_then(|st| st.1.ci_low.zip(st.1.ci_high)).map(|(a, b)| {
                    if outcome == Outcome::Consolidated {
                        format!("{:.0}–{:.0}%", (a * s).max(0.0), (b * s).min(100.0))
                    } else if outcome == Outcome::MonthsToConsolidation {
                        // A restricted time lies within 0..horizon: so does its interval as shown.
                        let h = study.months as f64;
                        format!("{}–{}", value_label((a * s).max(0.0)), value_label((b * s).min(h)))
                    } else {
                        format!("{}–{}", value_label(a * s), value_label(b * s))
                    }
                });
                let (cx, cy) = chart.backend_coord(&centre);
                let dy = if two_lines && ci.is_some() { size as i32 / 2 + 2 } else { 0 };
                let style = anchored(bold(size).color(&ink), HPos::Center, VPos::Center);
                text_px(panel, &fit(panel, &main, &style, tw - 6), (cx, cy - dy), &style)?;
                if let (true, Some(ci)) = (two_lines, &ci) {
                    let small = anchored(
                        (FAMILY, (size * 3 / 4).max(10)).into_font().color(&ink),
                        HPos::Center,
                        VPos::Center,
                    );
                    text_px(panel, &fit(panel, ci, &small, tw - 6), (cx, cy + size as i32 / 2 + 4), &small)?;
                }
                if let Some((cell, summary)) = st {
                    let name = cell_names(study, cell).first().cloned().unwrap_or_default();
                    let ci = ci.map(|c| format!(" (95% CI {c})")).unwrap_or_default();
                    let text = format!("{name}\n{}: {main}{ci}, {} runs", heat_caption(outcome), summary.n);
                    regions.extend(rect(&chart, (x, yv), (x + 1.0, yv + 1.0), text));
                }
            }
        }
        // Axis values at the tile centres.
        let xt: Vec<(f64, String)> =
            cols.iter().enumerate().map(|(i, (v, _))| (i as f64 + 0.5, pretty_value(v))).collect();
        x_ticks(panel, &chart, &xt, 15)?;
        if k == 0 {
            let ystyle = anchored(tick_font.clone(), HPos::Right, VPos::Center);
            for (j, (v, _)) in rows.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(0.0, j as f64 + 0.5));
                let label = fit(panel, &pretty_value(v), &ystyle, y_label_w - 40);
                text_px(panel, &label, (px - 8, py), &ystyle)?;
            }
        }
    }
    Ok(regions)
}
