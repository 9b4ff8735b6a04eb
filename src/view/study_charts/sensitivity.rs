//! The tornado of a Latin hypercube: the parameters ranked by the strength
//! of their rank correlation with each key outcome (the ranking of
//! `study::aggregate::ranking`, as the console and the report give it),
//! the strongest [`TOP_CHARTED`] named by their readable labels. Draws only.

use super::hover_regions::rect;
use super::*;
use crate::study::aggregate::ranking;

/// Parameters drawn per outcome (the rest are in the report and effects.csv).
pub const TOP_CHARTED: usize = 12;

// ---------------------------------------------------------------- Latin hypercube

pub(super) fn sensitivity<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let area = root
        .margin(15, 10, 20, 20)
        .titled(
            "Which parameters move the outcome: Spearman rank correlation, strongest first",
            title_style(),
        )
        .map_err(err)?;
    let (pos, neg) = (PALETTE[0], PALETTE[1]);
    let entries = [
        (Mark::Fill(pos), "higher parameter, higher outcome".into()),
        (Mark::Fill(neg), "higher parameter, lower outcome".into()),
        (Mark::Line(TEXT, 2), "95% CI (Fisher z)".into()),
    ];
    let rest = key_above(&area, &entries)?;
    let panels = rest.split_evenly((1, 2));
    let mut regions = Vec::new();
    for (outcome, panel) in [Outcome::FinalIndependentFirms, Outcome::Consolidated].iter().zip(&panels) {
        let all = ranking(study, *outcome);
        let r2 = all.iter().find_map(|s| s.r2);
        let shown = all.len().min(TOP_CHARTED);
        let top = if all.len() > shown { format!(", top {shown} of {}", all.len()) } else { String::new() };
        let caption = match r2 {
            Some(r2) => format!("{} (R² = {r2:.2}{top})", outcome.chart_label()),
            None => format!("{}{top}", outcome.chart_label()),
        };
        if all.is_empty() {
            empty_panel(panel, &caption, "no sensitivity results in this study")?;
            continue;
        }
        let rows = &all[..shown];
        let n = rows.len();
        let (pw, ph) = panel.dim_in_pixel();
        let row_px = (ph as f64 - 100.0) / n as f64;
        let size = (row_px * 0.36).clamp(11.0, 15.0) as u32;
        let name_style = anchored(font(size), HPos::Right, VPos::Center);
        let names: Vec<String> = rows.iter().map(|s| param_title(study, s.param)).collect();
        let label_w = pw as i32 * 50 / 100;
        let caption = fit(panel, &caption, &bold(16), pw as i32 - 16);
        let layout = [8, 18, 50, label_w as u32];
        let mut chart = captioned(panel, (&caption, bold(16)), layout, -1.0..1.0, 0.0..n as f64)?;
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
        let two_lines = row_px >= 2.0 * size as f64 + 8.0;
        for (k, (s, name)) in rows.iter().zip(&names).enumerate() {
            let yk = n as f64 - k as f64 - 0.5;
            let (px, py) = chart.backend_coord(&(-1.0, yk));
            let value = s.spearman.map_or("n/a".to_string(), rho);
            text_px(panel, &value, (px - 8, py), &value_style)?;
            let lines = wrap_lines(panel, name, &name_style, label_w - 72);
            let lines = if two_lines { &lines[..lines.len().min(2)] } else { &lines[..0] };
            if lines.is_empty() {
                text_px(panel, &fit(panel, name, &name_style, label_w - 72), (px - 60, py), &name_style)?;
            }
            let step = size as i32 + 2;
            let first = py - step * (lines.len() as i32 - 1) / 2;
            for (li, line) in lines.iter().enumerate() {
                let line = if li == 1
                    && lines.len() == 2
                    && wrap_lines(panel, name, &name_style, label_w - 72).len() > 2
                {
                    fit(panel, &format!("{line} …"), &name_style, label_w - 72)
                } else {
                    line.clone()
                };
                text_px(panel, &line, (px - 60, first + step * li as i32), &name_style)?;
            }
            let ci = s.ci_low.zip(s.ci_high);
            let text = format!(
                "{}. {name}\n{}: Spearman ρ {value}{}{}; {} design points",
                k + 1,
                outcome.chart_label(),
                ci.map(|(a, b)| format!(" (95% CI {} to {})", rho(a), rho(b))).unwrap_or_default(),
                s.src.map(|v| format!(", SRC {}", rho(v))).unwrap_or_default(),
                s.n
            );
            regions.extend(rect(&chart, (-1.0, yk - 0.5), (1.0, yk + 0.5), text));
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
            if let Some((a, b)) = ci {
                chart.draw_series(whisker(a, b, yk, 0.15, TEXT.stroke_width(2))).map_err(err)?;
            }
        }
    }
    Ok(regions)
}
