//! The tornado of a Latin hypercube: each parameter's rank correlation with
//! the key outcomes. Draws only.

use super::*;

// ---------------------------------------------------------------- Latin hypercube

pub(super) fn sensitivity<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> ChartResult {
    let area = root
        .margin(15, 10, 20, 20)
        .titled("Sensitivity: Spearman rank correlation of each parameter with the outcome", title_style())
        .map_err(err)?;
    let (pos, neg) = (PALETTE[0], PALETTE[1]);
    let entries = [
        (Mark::Fill(pos), "higher parameter, higher outcome".into()),
        (Mark::Fill(neg), "higher parameter, lower outcome".into()),
        (Mark::Line(TEXT, 2), "95% CI (Fisher z)".into()),
    ];
    let rest = key_above(&area, &entries)?;
    let panels = rest.split_evenly((1, 2));
    for (outcome, panel) in [Outcome::FinalIndependentFirms, Outcome::Consolidated].iter().zip(&panels) {
        let oi = Some(*outcome);
        let mut rows: Vec<_> = study.sensitivity.iter().filter(|s| Some(s.outcome) == oi).collect();
        rows.sort_by(|a, b| {
            let key = |s: &&crate::study::data::Sensitivity| s.spearman.map_or(-1.0, f64::abs);
            key(b).total_cmp(&key(a)).then(a.param.cmp(&b.param))
        });
        let r2 = rows.iter().find_map(|s| s.r2);
        let caption = match r2 {
            Some(r2) => format!("{} (linear model R² = {r2:.2})", outcome.chart_label()),
            None => outcome.chart_label().to_string(),
        };
        if rows.is_empty() {
            empty_panel(panel, &caption, "no sensitivity results in this study")?;
            continue;
        }
        let n = rows.len();
        let (pw, ph) = panel.dim_in_pixel();
        let size = (((ph as f64 - 100.0) / n as f64) * 0.5).clamp(11.0, 16.0) as u32;
        let name_style = anchored(font(size), HPos::Right, VPos::Center);
        let names: Vec<String> = rows
            .iter()
            .map(|s| study.params.get(s.param).map_or("?".to_string(), |p| param_name(&p.column).to_string()))
            .collect();
        let label_w = (names.iter().map(|l| text_width(panel, l, &name_style)).max().unwrap_or(80) + 80)
            .clamp(120, pw as i32 * 52 / 100);
        let caption = fit(panel, &caption, &bold(17), pw as i32 - 16);
        let layout = [8, 18, 50, label_w as u32];
        let mut chart = captioned(panel, (&caption, bold(17)), layout, -1.0..1.0, 0.0..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_labels(5)
            .y_labels(0)
            .x_desc("Spearman ρ")
            .x_label_formatter(&|v| tick(*v, 2.0))
            .axis_desc_style(font(16))
            .label_style(font(15))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                TEXT.stroke_width(2),
            )))
            .map_err(err)?;
        let value_style = anchored(bold(size), HPos::Right, VPos::Center);
        for (k, (s, name)) in rows.iter().zip(&names).enumerate() {
            let yk = n as f64 - k as f64 - 0.5;
            let (px, py) = chart.backend_coord(&(-1.0, yk));
            let value = s.spearman.map_or("n/a".to_string(), rho);
            text_px(panel, &value, (px - 8, py), &value_style)?;
            let label = fit(panel, name, &name_style, label_w - 80);
            text_px(panel, &label, (px - 68, py), &name_style)?;
            let Some(r) = s.spearman else {
                chart
                    .draw_series(std::iter::once(Text::new(
                        "no correlation (a constant)",
                        (0.04, yk),
                        anchored(muted(size.min(15)), HPos::Left, VPos::Center),
                    )))
                    .map_err(err)?;
                continue;
            };
            let h = 0.32;
            let c = if r >= 0.0 { pos } else { neg };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, yk - h), (r, yk + h)],
                    c.mix(0.85).filled(),
                )))
                .map_err(err)?;
            if let (Some(a), Some(b)) = (s.ci_low, s.ci_high) {
                chart
                    .draw_series([
                        PathElement::new(vec![(a, yk), (b, yk)], TEXT.stroke_width(2)),
                        PathElement::new(vec![(a, yk - 0.15), (a, yk + 0.15)], TEXT.stroke_width(2)),
                        PathElement::new(vec![(b, yk - 0.15), (b, yk + 0.15)], TEXT.stroke_width(2)),
                    ])
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}
