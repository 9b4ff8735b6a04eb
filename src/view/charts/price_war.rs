//! Chart 4, `price_war`: the foundation-model (token) market of Model v2.
//! Upper panel: the market's token price (volume-weighted, USD per million
//! tokens, `token_price_usd_mtok` of months.csv), with every defending
//! price cut of a giant marked and the first one — the start of the price
//! war — as a vertical line. Lower panel: the tokens served (trillion tokens
//! a month, `token_volume_ttok`). Each axis is logarithmic when its values
//! span more than a decade. Draws only what the output files hold.

use super::common::*;
use crate::record::{EventKind, Payload, RunData};
use crate::view::axis::*;
use crate::view::format::*;
use crate::view::hover::{HoverResult, Region};
use crate::view::legend::*;
use crate::view::rules::*;
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::collections::HashSet;

/// Width of the legend column on the right, pixels.
const SIDE: u32 = 290;
/// Width of the y label area of both panels (keeps their time axes aligned).
const Y_AREA: u32 = 95;
/// The colour of the giants' defending cuts (not red: red marks the export rules).
const CUT: RGBColor = PALETTE[1];
/// At most this many ticks on a log axis: more, and only powers of ten are kept.
const MAX_TICKS: usize = 8;
/// Values spanning more than this ratio go on a log axis.
const LOG_SPAN: f64 = 10.0;

/// A giant's defending price cut: (month, the giant, the rival it answered).
struct Cut {
    month: u32,
    giant: String,
    rival: Option<String>,
}

/// The giants' defending price cuts, in time order (the first starts the war).
fn giants_defending_cuts(data: &RunData) -> Vec<Cut> {
    let giants: HashSet<&str> =
        data.firms.iter().filter(|f| f.tier == "giant").map(|f| f.firm.as_str()).collect();
    data.events
        .iter()
        .filter(|e| e.kind() == EventKind::PriceCut && giants.contains(e.actor.as_str()))
        .filter(|e| matches!(e.payload, Payload::PriceCut { defending: true, .. }))
        .map(|e| Cut {
            month: e.month,
            giant: e.actor.clone(),
            rival: (e.target != e.actor && !e.target.is_empty()).then(|| e.target.clone()),
        })
        .collect()
}

/// The positive values of a monthly series as (month, value) points.
fn positive(data: &RunData, value: fn(&crate::record::MonthRec) -> f64) -> Vec<(f64, f64)> {
    data.months
        .iter()
        .map(|m| (m.month as f64, value(m)))
        .filter(|(_, v)| *v > 0.0 && v.is_finite())
        .collect()
}

/// The y range of a panel: padded, and whether it is logarithmic.
fn y_range(points: &[(f64, f64)]) -> (f64, f64, bool) {
    let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.1).fold(0.0, f64::max);
    if !(lo.is_finite() && hi > 0.0) {
        return (0.0, 1.0, false);
    }
    if hi / lo > LOG_SPAN { (lo / 1.5, hi * 1.5, true) } else { (0.0, hi * 1.15, false) }
}

type Chart<'a, DB, Y> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>;

/// One panel on `area`: mesh, rules, the series line, and the first cut's
/// line; returns the panel's top in pixels (for its legend) and its hover
/// values (`hover` of each month).
#[allow(clippy::too_many_arguments)]
fn panel<DB: DrawingBackend, Y: Ranged<ValueType = f64> + ValueFormatter<f64>>(
    area: &DrawingArea<DB, Shift>,
    mut chart: Chart<'_, DB, Y>,
    data: &RunData,
    range: (f64, f64),
    desc: &str,
    last_panel: bool,
    points: &[(f64, f64)],
    colour: RGBColor,
    cuts: &[Cut],
    format: &dyn Fn(&f64) -> String,
    hover: &dyn Fn(usize) -> String,
) -> Result<(i32, Vec<Region>), String> {
    let mut mesh = chart.configure_mesh();
    run_mesh(&mut mesh, Grid::Fine).y_label_formatter(format).y_desc(desc);
    if last_panel {
        mesh.x_desc("month");
    }
    mesh.draw().map_err(err)?;
    run_time_axis(area, &mut chart, data, Grid::Fine, last_panel)?;
    draw_rules(&mut chart, data, range.0..range.1, RuleLabels::None)?;
    if let Some(first) = cuts.first() {
        let x = first.month as f64;
        chart
            .draw_series(DashedLineSeries::new(vec![(x, range.0), (x, range.1)], 8, 5, CUT.stroke_width(3)))
            .map_err(err)?;
    }
    chart.draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(3))).map_err(err)?;
    if last_panel {
        // nothing marked on the volume: the cuts are on the price
    } else {
        let at = |m: u32| points.iter().find(|p| p.0 == m as f64).copied();
        for c in cuts {
            if let Some(pt) = at(c.month) {
                chart.draw_series(std::iter::once(TriangleMarker::new(pt, 8, CUT.filled()))).map_err(err)?;
            }
        }
    }
    Ok((chart.plotting_area().get_base_pixel().1, month_columns(&chart, data, hover)))
}

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let title = "The price war: token price and tokens served";
    let (main, side) = titled_with_side(root, title, SIDE)?;
    let ((top, bottom), (side_top, side_bottom)) = upper_and_lower(&main, &side, 0.5);
    let cuts = giants_defending_cuts(data);
    let price = positive(data, |m| m.token_price_usd_mtok);
    let volume = positive(data, |m| m.token_volume_ttok);
    let price_colour = series_colour(0);
    let volume_colour = series_colour(2);
    let usd = |v: &f64| token_tick(*v);
    let ttok = |v: &f64| if *v >= 1.0 { with_commas(*v) } else { token_tick(*v).replacen('$', "", 1) };

    // ---- upper panel: the token price ----
    let (lo, hi, log) = y_range(&price);
    let frame = Panel::framed(10, 20, 12, Y_AREA);
    let desc = if log { "USD per million tokens (log)" } else { "USD per million tokens" };
    let price_hover = |i: usize| {
        let mut s =
            format!("token price {} per million tokens", token_value(data.months[i].token_price_usd_mtok));
        for c in cuts.iter().filter(|c| c.month as usize == i) {
            s.push_str(&format!(" · {} cuts its price to defend its share", c.giant));
            if let Some(r) = &c.rival {
                s.push_str(&format!(" (against {r})"));
            }
        }
        s
    };
    let (top_px, mut hover) = if log {
        let y = (lo..hi).log_scale().with_key_points(sparse_log_ticks(lo, hi));
        let chart = time_panel(&top, data, frame, y)?;
        panel(&top, chart, data, (lo, hi), desc, false, &price, price_colour, &cuts, &usd, &price_hover)?
    } else {
        let chart = time_panel(&top, data, frame, lo..hi)?;
        panel(&top, chart, data, (lo, hi), desc, false, &price, price_colour, &cuts, &usd, &price_hover)?
    };
    let end_price = data.months.last().map(|m| m.token_price_usd_mtok).unwrap_or(0.0);
    let mut entries = vec![
        (Mark::Line(price_colour, 3), "market token price".to_string()),
        (Mark::Blank, "(volume-weighted)".to_string()),
        (Mark::Blank, format!("(end: {} / Mtok)", token_tick(end_price))),
    ];
    match cuts.first() {
        Some(first) => {
            entries.push((Mark::Dashed(CUT, 3), "first defending cut".into()));
            // the giant, then the month and the rival: one line would run out of the key
            entries.push((Mark::Blank, format!("of a giant: {}", first.giant)));
            let month = date_of(data, first.month as f64);
            entries.push((
                Mark::Blank,
                match &first.rival {
                    Some(r) => format!("{month}, against {r}"),
                    None => month,
                },
            ));
            entries.push((Mark::Triangle(CUT), format!("giants' defending cuts ({})", cuts.len())));
        }
        None => entries.push((Mark::Blank, "no giant cuts to defend share".into())),
    }
    if !rule_ticks(data).is_empty() {
        entries.push((Mark::Dashed(RULE, 2), "US export rule".into()));
    }
    let (_, sy) = side_top.get_base_pixel();
    framed_legend(&side_top, (6, top_px - sy), Some("Price"), &entries)?;

    // ---- lower panel: the tokens served ----
    let (lo, hi, log) = y_range(&volume);
    let frame = Panel::framed(10, 20, 50, Y_AREA);
    let desc = if log { "trillion tokens a month (log)" } else { "trillion tokens a month" };
    let volume_hover = |i: usize| {
        format!("tokens served {} trillion a month", token_volume(data.months[i].token_volume_ttok))
    };
    let (bottom_px, lower) = if log {
        let y = (lo..hi).log_scale().with_key_points(sparse_log_ticks(lo, hi));
        let chart = time_panel(&bottom, data, frame, y)?;
        panel(
            &bottom,
            chart,
            data,
            (lo, hi),
            desc,
            true,
            &volume,
            volume_colour,
            &cuts,
            &ttok,
            &volume_hover,
        )?
    } else {
        let chart = time_panel(&bottom, data, frame, lo..hi)?;
        panel(
            &bottom,
            chart,
            data,
            (lo, hi),
            desc,
            true,
            &volume,
            volume_colour,
            &cuts,
            &ttok,
            &volume_hover,
        )?
    };
    hover.extend(lower);
    let end_volume = data.months.last().map(|m| m.token_volume_ttok).unwrap_or(0.0);
    let (_, sy) = side_bottom.get_base_pixel();
    framed_legend(
        &side_bottom,
        (6, bottom_px - sy),
        Some("Volume"),
        &[
            (Mark::Line(volume_colour, 3), "tokens served".into()),
            (Mark::Blank, format!("(end: {} T / month)", with_commas(end_volume.round()))),
        ],
    )?;
    Ok(hover)
}

/// A token price in a hover value: three significant digits, `$0.0061`,
/// `$0.52`, `$12.3`.
fn token_value(v: f64) -> String {
    if v >= 100.0 {
        format!("${}", with_commas(v))
    } else if v > 0.0 {
        let digits = (2 - v.log10().floor() as i32).max(0) as usize;
        format!("${v:.digits$}")
    } else {
        "$0".into()
    }
}

/// Trillion tokens in a hover value: `12,342`, `3.4`, `0.0012`.
fn token_volume(v: f64) -> String {
    if v >= 100.0 {
        with_commas(v)
    } else if v > 0.0 {
        let digits = (1 - v.log10().floor() as i32).max(0) as usize;
        format!("{v:.digits$}")
    } else {
        "0".into()
    }
}

/// 1-2-5 ticks of a log axis, or only the powers of ten when those are too many.
fn sparse_log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let ticks = log_ticks(lo, hi);
    if ticks.len() <= MAX_TICKS {
        return ticks;
    }
    ticks.into_iter().filter(|t| (t.log10() - t.log10().round()).abs() < 1e-9).collect()
}

/// A price or volume tick: "$2", "$0.5", "$0.002" (one significant digit
/// below 1, as the 1-2-5 ticks need).
fn token_tick(v: f64) -> String {
    if v <= 0.0 {
        return "$0".into();
    }
    if v >= 1.0 {
        return format!("${}", with_commas(v));
    }
    let digits = (-v.log10().floor()) as usize + 1;
    let s = format!("{v:.digits$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("${s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_and_ranges() {
        assert_eq!(token_tick(2.0), "$2");
        assert_eq!(token_tick(0.5), "$0.5");
        assert_eq!(token_tick(0.002), "$0.002");
        assert_eq!(token_tick(0.02), "$0.02");
        assert_eq!(token_value(0.006123), "$0.00612");
        assert_eq!(token_value(0.52), "$0.520");
        assert_eq!(token_value(12.34), "$12.3");
        assert_eq!(token_value(1234.0), "$1,234");
        assert_eq!(token_volume(0.00123), "0.0012");
        assert_eq!(token_volume(3.46), "3.5");
        // a series over four decades goes on a log axis, one within a decade does not
        assert!(y_range(&[(0.0, 0.001), (1.0, 10.0)]).2);
        let (lo, hi, log) = y_range(&[(0.0, 2.0), (1.0, 4.0)]);
        assert!(!log && lo == 0.0 && hi > 4.0);
        assert_eq!(y_range(&[]), (0.0, 1.0, false));
        assert_eq!(sparse_log_ticks(0.5, 3.0), vec![0.5, 1.0, 2.0]);
        assert_eq!(sparse_log_ticks(0.001, 3000.0), vec![0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0]);
    }
}
