//! Charts of a sweep, made from a [`Study`] alone and in memory (PNG and SVG
//! per chart, 1280×720, the run charts' theme): fan charts of HHI and of
//! independent firms over time for every design, and, by design, the
//! outcomes against the parameter (grid of one parameter), a heat map (grid
//! of two), a forest plot of effects (factorial) or a tornado of rank
//! correlations (Latin hypercube).
//!
//! Nothing here computes statistics beyond arranging what the study holds
//! (the one exception is the all-cells mean drawn faintly in small
//! multiples); nothing here writes files.

use crate::analysis::outcome::Outcome;
use crate::study::data::{Band, DesignKind, Effect, Metric, ParamKind, Study};
use crate::view::axis::{draw_time_axis, time_ticks, x_ticks};
use crate::view::format::{rho, tick, value_label};
use crate::view::hover::{self, HoverResult, Region};
use crate::view::legend::{Mark, key_above, legend_row, side_legend};
use crate::view::panels::{
    FanPoint, band_polygon, bounds, captioned, draw_fans, empty_panel, fan_axes, padded, whisker,
};
use crate::view::registry::{self, ChartDef, ChartId, StudyChart};
use crate::view::text::{anchored, bold, fit, font, muted, text_px, text_width};
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

mod fans;
use fans::*;
mod one_param;
use one_param::*;
mod heatmap;
pub use heatmap::heatmap_outcomes;
use heatmap::*;
mod effects;
pub use effects::*;
mod sensitivity;
use sensitivity::*;
mod hover_regions;
mod survival;
pub use survival::*;
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

pub use crate::view::compare_charts::render_comparison;

/// More groups than this in a fan chart are drawn as small multiples.
pub const MAX_OVERLAID: usize = 6;

/// The outcomes the design-specific charts show.
const KEY_OUTCOMES: [Outcome; 4] = [
    Outcome::FinalIndependentFirms,
    Outcome::FinalHhi,
    Outcome::Consolidated,
    Outcome::MonthsToConsolidation,
];

/// The charts [`render_study`] makes for this study, in order.
pub fn charts(study: &Study) -> Vec<&'static ChartDef> {
    let mut v = vec![StudyChart::FanHhi, StudyChart::FanFirms];
    match study.design {
        DesignKind::Grid if study.params.len() == 1 && !study.cells.is_empty() => {
            v.extend([StudyChart::OutcomeVsParam, StudyChart::TimeToConsolidation])
        }
        DesignKind::Grid if study.params.len() == 2 && !study.cells.is_empty() => {
            if !heatmap_outcomes(study).0.is_empty() {
                v.push(StudyChart::Heatmap);
            }
            v.push(StudyChart::TimeToConsolidation)
        }
        DesignKind::Grid => {}
        DesignKind::Factorial => v.push(StudyChart::Effects),
        DesignKind::LatinHypercube => v.push(StudyChart::Sensitivity),
    }
    v.into_iter().map(|c| registry::chart(ChartId::Study(c))).collect()
}

/// The file names of the charts [`render_study`] makes for this study, in order.
pub fn names(study: &Study) -> Vec<&'static str> {
    charts(study).iter().map(|c| c.name).collect()
}

/// Render every chart of a study in memory (see [`charts`]).
pub fn render_study(study: &Study) -> Result<Vec<Rendered>, String> {
    let mut out = Vec::new();
    for def in charts(study) {
        let ChartId::Study(id) = def.id else { unreachable!("charts() holds study charts only") };
        out.push(render_pair_hover(def, |r| draw(study, id, r), |r| draw(study, id, r))?);
    }
    Ok(out)
}

/// Draw the study chart `id` on `root` (either backend); returns its hover
/// regions (the values under the pointer in the report).
fn draw<DB: DrawingBackend>(study: &Study, id: StudyChart, root: &DrawingArea<DB, Shift>) -> HoverResult {
    match id {
        StudyChart::FanHhi => fan(study, Metric::Hhi, root),
        StudyChart::FanFirms => fan(study, Metric::IndependentFirms, root),
        StudyChart::OutcomeVsParam => outcome_vs_param(study, root),
        StudyChart::Heatmap => heatmap(study, root),
        StudyChart::Effects => effects(study, root),
        StudyChart::Sensitivity => sensitivity(study, root),
        StudyChart::TimeToConsolidation => time_to_consolidation(study, root),
    }
}

// ---------------------------------------------------------------- helpers

/// The readable name and unit of parameter `p` (`study::label`), e.g.
/// "Ascend 910B supply (units/month)": never a raw world path.
pub fn param_title(study: &Study, p: usize) -> String {
    study.label(p).full()
}

/// The short readable name of parameter `p`, e.g. "Ascend 910B supply".
pub fn param_short(study: &Study, p: usize) -> String {
    study.label(p).short
}

/// Names for a cell, most explicit first: the readable parameter names
/// with their values (`Oct 2023 rule 2023-04, Ascend 910B supply 5,500`);
/// for a factorial, only the factors not at their reference level (`all
/// low`, `chip scarcity high`); last, the bare values (which need a key).
pub fn cell_names(study: &Study, cell: &crate::study::data::Cell) -> Vec<String> {
    let mut v = Vec::new();
    if study.design == DesignKind::Factorial && !study.factors.is_empty() {
        let mut changed: Vec<(String, &str)> = Vec::new();
        for (i, f) in study.factors.iter().enumerate() {
            let p = study.params.iter().position(|p| p.column == f.name).unwrap_or(i);
            let value = cell.values.get(p).map(|s| s.as_str()).unwrap_or("");
            if Some(value) != f.levels.first().map(|s| s.as_str()) {
                changed.push((study.label(p).short, value));
            }
        }
        let refs: Vec<&str> =
            study.factors.iter().filter_map(|f| f.levels.first().map(|s| s.as_str())).collect();
        if changed.is_empty() {
            v.push(if refs.windows(2).all(|w| w[0] == w[1]) && !refs.is_empty() {
                format!("all {}", refs[0])
            } else {
                "all at the reference level".to_string()
            });
        } else if changed.len() == study.factors.len() && changed.windows(2).all(|w| w[0].1 == w[1].1) {
            v.push(format!("all {}", changed[0].1));
        } else {
            v.push(changed.iter().map(|(n, l)| format!("{n} {l}")).collect::<Vec<_>>().join(", "));
            if changed.windows(2).all(|w| w[0].1 == w[1].1) {
                v.push(format!(
                    "{}: {}",
                    changed[0].1,
                    changed.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
        }
    } else {
        v.push(
            cell.values
                .iter()
                .enumerate()
                .map(|(p, val)| format!("{} {}", param_short(study, p), pretty_value(val)))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    v.push(cell.values.iter().map(|s| pretty_value(s)).collect::<Vec<_>>().join(", "));
    v
}

/// A parameter value for a chart: a whole number written as `5500.0` loses
/// its `.0` and gains separators (`5,500`); a long decimal is cut to four
/// significant digits; anything else is kept as written.
pub fn pretty_value(v: &str) -> String {
    match v.strip_suffix(".0").or(Some(v)).and_then(|i| i.parse::<i64>().ok()) {
        Some(int) => crate::view::format::with_commas(int as f64),
        None => crate::view::format::short_number(v),
    }
}

/// The first of [`cell_names`] that fits in `max_w` pixels, else the last
/// one shortened; and whether that is the bare values (which then need a key).
fn cell_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    study: &Study,
    cell: &crate::study::data::Cell,
    style: &TextStyle<'_>,
    max_w: i32,
) -> (String, bool) {
    let names = cell_names(study, cell);
    let last = names.len() - 1;
    for (i, n) in names.iter().enumerate() {
        if text_width(area, n, style) <= max_w {
            return (n.clone(), i == last);
        }
    }
    (fit(area, &names[last], style, max_w), true)
}

/// `text` broken at spaces into lines no wider than `max_w` pixels in
/// `style` (a word wider than that stands on its own line, shortened).
pub(super) fn wrap_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_w: i32,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if text_width(area, &format!("{line} {word}"), style) <= max_w => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines.into_iter().map(|l| fit(area, &l, style, max_w)).collect()
}

/// Draw `caption` whole, centred in bold `size` on top of `panel`, on as
/// many lines as it needs (room is kept for at least `min_lines`, so the
/// panels of one chart line up); returns the area below it.
pub(super) fn caption_above<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    caption: &str,
    size: u32,
    min_lines: usize,
) -> Result<DrawingArea<DB, Shift>, String> {
    let (pw, _) = panel.dim_in_pixel();
    let style = anchored(bold(size), HPos::Center, VPos::Top);
    let lines = wrap_lines(panel, caption, &style, pw as i32 - 12);
    let step = size as i32 + 4;
    let head = (step * lines.len().max(min_lines) as i32 + 6) as u32;
    let (cap, body) = panel.split_vertically(head);
    let (bx, by) = cap.get_base_pixel();
    for (i, line) in lines.iter().enumerate() {
        text_px(&cap, line, (bx + pw as i32 / 2, by + 4 + step * i as i32), &style)?;
    }
    Ok(body)
}

/// Interpolate a colour ramp at `t` in 0..1.
fn ramp(t: f64, stops: &[RGBColor]) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.5 };
    let f = t * (stops.len() - 1) as f64;
    let i = (f.floor() as usize).min(stops.len() - 2);
    let u = f - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

const BLUES: [RGBColor; 3] = [RGBColor(239, 243, 255), RGBColor(107, 174, 214), RGBColor(8, 69, 148)];
const ORANGES: [RGBColor; 3] = [RGBColor(255, 245, 235), RGBColor(253, 141, 60), RGBColor(166, 54, 3)];
const PURPLES: [RGBColor; 3] = [RGBColor(246, 243, 250), RGBColor(158, 154, 200), RGBColor(84, 39, 143)];
