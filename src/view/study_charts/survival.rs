//! The question of a timing grid (`ban_timing`: when does the rule come?):
//! months to consolidation per level of the grid's first parameter, as
//! Kaplan–Meier curves (the share of runs not yet consolidated, runs that
//! never consolidate censored at the horizon) and as the restricted mean
//! with its 95% interval. The curves and summaries come from
//! `study::aggregate::time_to_consolidation`; this module draws only.

use super::heatmap::distinct;
use super::hover_regions::rect;
use super::*;
use crate::analysis::survival::SurvivalPoint;
use crate::study::aggregate::time_to_consolidation as pooled;
use crate::study::data::Summary;
use crate::view::axis::{Chart, time_axes};

/// At most this many levels get a curve (evenly chosen, first and last kept).
pub const MAX_LEVELS: usize = 8;

/// One level of the first parameter: its value, its cells, its curve and
/// the summary of its restricted times.
pub struct Level {
    pub value: String,
    pub cells: Vec<u32>,
    pub curve: Vec<SurvivalPoint>,
    pub restricted: Summary,
}

/// The levels of parameter 0 with their pooled times to consolidation (over
/// every value of the other parameters), at most [`MAX_LEVELS`].
pub fn consolidation_levels(study: &Study) -> Vec<Level> {
    let values = distinct(study, 0);
    let keep: Vec<usize> = if values.len() <= MAX_LEVELS {
        (0..values.len()).collect()
    } else {
        let last = values.len() - 1;
        let mut v: Vec<usize> =
            (0..MAX_LEVELS).map(|k| (k * last + (MAX_LEVELS - 1) / 2) / (MAX_LEVELS - 1)).collect();
        v.dedup();
        v
    };
    keep.into_iter()
        .map(|i| {
            let value = values[i].0.clone();
            let cells: Vec<u32> =
                study.cells.iter().filter(|c| c.values.first() == Some(&value)).map(|c| c.id).collect();
            let (curve, restricted) = pooled(study, &cells);
            Level { value, cells, curve, restricted }
        })
        .collect()
}

/// A Kaplan–Meier curve as a step line from 1 at month 0 to the horizon.
fn steps(curve: &[SurvivalPoint], months: u32) -> Vec<(f64, f64)> {
    let mut v = vec![(0.0, 1.0)];
    let mut s = 1.0;
    for p in curve {
        if (p.survival - s).abs() > 1e-15 {
            v.push((p.month as f64, s));
            s = p.survival;
            v.push((p.month as f64, s));
        }
    }
    v.push((months as f64, s));
    v
}

fn percent_tick(v: f64) -> String {
    let p = (v * 100.0).round();
    if (v * 100.0 - p).abs() < 1e-6 && (p as i64) % 20 == 0 && (0.0..=100.0).contains(&p) {
        format!("{p:.0}%")
    } else {
        String::new()
    }
}

/// `68.1 months (95% CI 66.2–70.0)`.
fn restricted_text(s: &Summary) -> String {
    match (s.mean, s.ci_low, s.ci_high) {
        (Some(m), Some(a), Some(b)) => {
            format!("{} months (95% CI {}–{})", value_label(m), value_label(a), value_label(b))
        }
        (Some(m), _, _) => format!("{} months", value_label(m)),
        _ => "no runs".to_string(),
    }
}

pub(super) fn time_to_consolidation<DB: DrawingBackend>(
    study: &Study,
    root: &DrawingArea<DB, Shift>,
) -> HoverResult {
    let who = param_short(study, 0);
    let title = fit(root, &format!("Months to consolidation by {who}"), &title_style(), WIDTH as i32 - 40);
    let area = root.margin(15, 10, 20, 20).titled(&title, title_style()).map_err(err)?;
    let levels = consolidation_levels(study);
    let mut regions: Vec<Region> = Vec::new();
    if study.months == 0 || levels.is_empty() || study.runs.is_empty() {
        empty_panel(&area, "Kaplan–Meier", "no runs in this study")?;
        return Ok(regions);
    }
    let colour = |i: usize| series_colour(i);
    let mut entries: Vec<(Mark, String)> = vec![(Mark::Blank, format!("{}:", study.label(0).name))];
    entries
        .extend(levels.iter().enumerate().map(|(i, l)| (Mark::Line(colour(i), 4), pretty_value(&l.value))));
    let (key, rest) = area.split_vertically(34);
    legend_row(&key, None, 13, &entries)?;
    let (w, _) = rest.dim_in_pixel();
    let (left, right) = rest.split_horizontally(w * 60 / 100);
    // Left: the Kaplan–Meier curves.
    let months = study.months;
    let x = 0.0..months.max(1) as f64;
    let desc = ("runs not yet consolidated", "month (a curve drops when runs begin a consolidation phase)");
    let mut chart: Chart<'_, DB> =
        time_axes(&left, study.start, x.clone(), 0.0..1.04, desc, Some(6), &|v| percent_tick(*v))?;
    let half: Vec<(f64, f64)> = vec![(0.0, 0.5), (x.end, 0.5)];
    chart.draw_series(LineSeries::new(half, GREY.stroke_width(1))).map_err(err)?;
    let curves: Vec<Vec<(f64, f64)>> = levels.iter().map(|l| steps(&l.curve, months)).collect();
    for c in &curves {
        chart.draw_series(LineSeries::new(c.clone(), WHITE.stroke_width(7))).map_err(err)?;
    }
    for (i, c) in curves.iter().enumerate() {
        chart.draw_series(LineSeries::new(c.clone(), colour(i).stroke_width(3))).map_err(err)?;
    }
    let (px, py) = chart.backend_coord(&(x.end * 0.01, 0.5));
    text_px(
        &left,
        "half of the runs (median)",
        (px + 4, py - 4),
        &anchored(muted(14), HPos::Left, VPos::Bottom),
    )?;
    if levels.iter().all(|l| l.curve.iter().all(|p| p.events == 0)) {
        let (cx, cy) = chart.backend_coord(&(x.end / 2.0, 0.75));
        let note = format!("no run reached a consolidation phase in the {months} months");
        text_px(&left, &note, (cx, cy), &anchored(muted(17), HPos::Center, VPos::Center))?;
    }
    let xs: Vec<f64> = (0..months).map(|m| m as f64).collect();
    regions.extend(hover::columns(&chart, &xs, |m| {
        let mut t = format!("{} (month {m}): share of runs not yet consolidated", study.date(m as u32));
        for l in &levels {
            let s = l.curve.get(m).map_or(1.0, |p| p.survival);
            t.push_str(&format!("\n{who} {}: {:.0}%", pretty_value(&l.value), 100.0 * s));
        }
        t
    }));
    // Right: the restricted means with their intervals.
    let n = levels.len();
    let values =
        levels.iter().flat_map(|l| [l.restricted.mean, l.restricted.ci_low, l.restricted.ci_high]).flatten();
    let (lo, hi) = bounds(values).unwrap_or((0.0, months as f64));
    let xr = padded(lo, hi.min(months as f64), 0.15);
    let xr = xr.start.max(0.0)..xr.end.min(months as f64 * 1.02).max(xr.start + 1.0);
    let span = xr.end - xr.start;
    let (rw, _) = right.dim_in_pixel();
    let caption = fit(&right, "restricted mean months to consolidation (95% CI)", &bold(16), rw as i32 - 12);
    let label_w =
        levels.iter().map(|l| text_width(&right, &pretty_value(&l.value), &font(15))).max().unwrap_or(40)
            + 24;
    let layout = [8, 16, 55, label_w as u32];
    let mut rm = captioned(&right, (&caption, bold(16)), layout, xr.clone(), 0.0..n as f64)?;
    rm.configure_mesh()
        .disable_y_mesh()
        .max_light_lines(0)
        .bold_line_style(GRID)
        .x_labels(6)
        .y_labels(0)
        .x_label_formatter(&|v| tick(*v, span))
        .x_desc(format!("months (a run never consolidating counts {months})"))
        .axis_desc_style(font(15))
        .label_style(font(15))
        .draw()
        .map_err(err)?;
    let row_y = |k: usize| n as f64 - k as f64 - 0.5;
    for (k, l) in levels.iter().enumerate() {
        let (yk, c) = (row_y(k), colour(k));
        if let (Some(a), Some(b)) = (l.restricted.ci_low, l.restricted.ci_high) {
            rm.draw_series(whisker(
                a.max(xr.start),
                b.min(months as f64).min(xr.end),
                yk,
                0.18,
                c.stroke_width(3),
            ))
            .map_err(err)?;
        }
        if let Some(m) = l.restricted.mean {
            rm.draw_series([
                Circle::new((m, yk), 7, c.filled()),
                Circle::new((m, yk), 7, WHITE.stroke_width(1)),
            ])
            .map_err(err)?;
            let (dx, dy) = rm.backend_coord(&(m, yk + 0.2)); // above the whisker's caps
            text_px(
                &right,
                &value_label(m),
                (dx, dy - 3),
                &anchored(bold(14).color(&c), HPos::Center, VPos::Bottom),
            )?;
        }
        let (ax, ay) = rm.backend_coord(&(xr.start, yk));
        text_px(
            &right,
            &pretty_value(&l.value),
            (ax - 8, ay),
            &anchored(font(15), HPos::Right, VPos::Center),
        )?;
        let consolidated = l.curve.iter().map(|p| p.events).sum::<usize>();
        let median = crate::analysis::survival::median_time(&l.curve)
            .map_or("not reached".to_string(), |m| format!("{} (month {m})", study.date(m)));
        let text = format!(
            "{who} {}: restricted mean {}\nKaplan–Meier median {median}; {consolidated} of {} runs consolidate",
            pretty_value(&l.value),
            restricted_text(&l.restricted),
            l.restricted.n
        );
        regions.extend(rect(&rm, (xr.start, yk - 0.5), (xr.end, yk + 0.5), text));
    }
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_start_at_one_and_run_to_the_horizon() {
        let curve = crate::analysis::survival::kaplan_meier(&[Some(2.0), None], 5);
        assert_eq!(steps(&curve, 5), vec![(0.0, 1.0), (2.0, 1.0), (2.0, 0.5), (5.0, 0.5)]);
    }

    #[test]
    fn many_levels_are_thinned_to_the_maximum_keeping_the_ends() {
        let s = fixtures::grid1(60);
        let levels = consolidation_levels(&s);
        assert_eq!(levels.len(), MAX_LEVELS);
        let all = distinct(&s, 0);
        assert_eq!(levels[0].value, all[0].0);
        assert_eq!(levels[MAX_LEVELS - 1].value, all[59].0);
        let few = consolidation_levels(&fixtures::grid2());
        assert!(few.iter().all(|l| l.cells.len() > 1), "levels pool the cells of the other parameter");
        assert_eq!(few.iter().map(|l| l.restricted.n).sum::<usize>(), fixtures::grid2().runs.len());
    }
}
