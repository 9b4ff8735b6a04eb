//! The heat map of a grid of two parameters: one tile per cell, coloured by
//! the outcome's mean. Draws only.

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

pub(super) fn heatmap<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> ChartResult {
    let p0 = study.params.first().map(|p| p.column.as_str()).unwrap_or("parameter 1");
    let p1 = study.params.get(1).map(|p| p.column.as_str()).unwrap_or("parameter 2");
    let title = format!("Mean outcomes by {} and {}", short_param(p0), short_param(p1));
    let area = root.margin(15, 10, 20, 20).titled(&title, title_style()).map_err(err)?;
    let (key, rest) = area.split_vertically(30);
    key.draw(&Text::new(
        "Each tile: the mean over the cell's runs (95% CI below it); darker = higher.".to_string(),
        (key.dim_in_pixel().0 as i32 / 2, 11),
        anchored(muted(17), HPos::Center, VPos::Center),
    ))
    .map_err(err)?;
    let cols = distinct(study, 0);
    let rows = distinct(study, 1);
    let (nx, ny) = (cols.len().max(1), rows.len().max(1));
    let panels = rest.split_evenly((1, 2));
    let tick_font = font(15);
    let y_label_w =
        rows.iter().map(|(s, _)| text_width(root, s, &tick_font)).max().unwrap_or(20).min(160) + 50;
    for (outcome, panel, stops) in
        [(Outcome::FinalIndependentFirms, &panels[0], &BLUES), (Outcome::Consolidated, &panels[1], &ORANGES)]
    {
        let s = outcome.chart_scale();
        let caption = format!("{} ({})", outcome.chart_label(), outcome.chart_unit());
        let (pw, _) = panel.dim_in_pixel();
        let caption = fit(panel, &caption, &bold(17), pw as i32 - 16);
        let layout = [8, 16, 62, y_label_w as u32];
        let mut chart = captioned(panel, (&caption, bold(17)), layout, 0.0..nx as f64, 0.0..ny as f64)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc(p0)
            .y_desc(p1)
            .axis_desc_style(font(16))
            .draw()
            .map_err(err)?;
        let stat = |ix: usize, iy: usize| {
            let cell = study
                .cells
                .iter()
                .find(|c| c.values.first() == Some(&cols[ix].0) && c.values.get(1) == Some(&rows[iy].0))?;
            study.stat(cell.id, outcome).copied()
        };
        let means: Vec<f64> = (0..cols.len())
            .flat_map(|i| (0..rows.len()).map(move |j| (i, j)))
            .filter_map(|(i, j)| stat(i, j)?.mean)
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
                let mean = st.and_then(|st| st.mean).map(|m| m * s);
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
                let main = match (mean, outcome) {
                    (Some(m), Outcome::Consolidated) => format!("{m:.0}%"),
                    (Some(m), _) => value_label(m),
                    (None, _) => "no data".to_string(),
                };
                let two_lines = th >= 2 * size as i32 + 24 && tw >= 70;
                let ci = st.and_then(|st| st.ci_low.zip(st.ci_high)).map(|(a, b)| {
                    if outcome == Outcome::Consolidated {
                        format!("{:.0}–{:.0}%", (a * s).max(0.0), (b * s).min(100.0))
                    } else {
                        format!("{}–{}", value_label(a * s), value_label(b * s))
                    }
                });
                let (cx, cy) = chart.backend_coord(&centre);
                let dy = if two_lines && ci.is_some() { size as i32 / 2 + 2 } else { 0 };
                let style = anchored(bold(size).color(&ink), HPos::Center, VPos::Center);
                text_px(panel, &fit(panel, &main, &style, tw - 6), (cx, cy - dy), &style)?;
                if let (true, Some(ci)) = (two_lines, ci) {
                    let small = anchored(
                        (FAMILY, (size * 3 / 4).max(10)).into_font().color(&ink),
                        HPos::Center,
                        VPos::Center,
                    );
                    text_px(panel, &fit(panel, &ci, &small, tw - 6), (cx, cy + size as i32 / 2 + 4), &small)?;
                }
            }
        }
        // Axis values at the tile centres.
        let xt: Vec<(f64, String)> =
            cols.iter().enumerate().map(|(i, (v, _))| (i as f64 + 0.5, pretty_value(v))).collect();
        x_ticks(panel, &chart, &xt, 15)?;
        let ystyle = anchored(tick_font.clone(), HPos::Right, VPos::Center);
        for (j, (v, _)) in rows.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(0.0, j as f64 + 0.5));
            let label = fit(panel, &pretty_value(v), &ystyle, y_label_w - 40);
            text_px(panel, &label, (px - 8, py), &ystyle)?;
        }
    }
    Ok(())
}
