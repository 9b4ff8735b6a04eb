//! Chart 5, `funding`: the money side of the start-ups. Upper panel: venture
//! equity raised each month (bars) and chip-backed loans outstanding (line).
//! Lower panel: the valuation path of each funded start-up (tier `startup`,
//! the named "tigers") on a log scale, with a marker at each of its funding
//! rounds (area ∝ amount), the rounds whose post-money reaches the world's
//! `funding.loan_repay_valuation_musd` ringed, and that threshold as a dashed
//! line.

use super::common::*;
use crate::record::{Payload, RunData};
use crate::view::axis::*;
use crate::view::format::*;
use crate::view::hover::{HoverResult, Region};
use crate::view::legend::*;
use crate::view::rules::*;
use crate::view::text::*;
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::HashMap;

/// Width of the legend column on the right, pixels.
const SIDE: u32 = 270;
/// Width of the y label area of both panels (keeps their time axes aligned).
const Y_AREA: u32 = 95;

/// One start-up's path.
struct Path {
    firm: String,
    colour: RGBColor,
    /// (month, valuation) of its active months with a positive mark.
    points: Vec<(f64, f64)>,
    /// Month and last valuation when it exited; month and price when sold.
    exited: Option<(f64, f64)>,
    sold: Option<(f64, f64)>,
}

/// A funding round of a start-up: month, post-money, amount, colour.
struct Round {
    firm: String,
    month: f64,
    post: f64,
    amount: f64,
    colour: RGBColor,
}

fn startup_paths(data: &RunData) -> Vec<Path> {
    let mut order: Vec<String> = Vec::new();
    let mut by_firm: HashMap<&str, usize> = HashMap::new();
    let mut paths: Vec<Path> = Vec::new();
    for r in data.firms.iter().filter(|r| r.tier == "startup") {
        let i = *by_firm.entry(r.firm.as_str()).or_insert_with(|| {
            order.push(r.firm.clone());
            paths.push(Path {
                firm: r.firm.clone(),
                colour: firm_colour(&data.world, &r.firm),
                points: Vec::new(),
                exited: None,
                sold: None,
            });
            paths.len() - 1
        });
        let p = &mut paths[i];
        let t = r.month as f64;
        match r.status.as_str() {
            "active" if r.valuation_musd > 0.0 => p.points.push((t, r.valuation_musd)),
            "exited" => p.exited = p.points.last().map(|&(_, v)| (t, v)),
            "acquired" if r.valuation_musd > 0.0 => p.sold = Some((t, r.valuation_musd)),
            _ => {}
        }
    }
    // world-file order first (the order of their colours), then the rest
    let rank = |name: &str| data.world.firms.iter().position(|f| f.name == name).unwrap_or(usize::MAX);
    paths.sort_by_key(|p| rank(&p.firm));
    paths.retain(|p| !p.points.is_empty());
    paths
}

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let threshold = data.world.funding.loan_repay_valuation_musd;
    let title = "Funding: venture rounds, chip-backed loans and start-up valuations";
    let (main, side) = titled_with_side(root, title, SIDE)?;
    let ((top, bottom), (side_top, side_bottom)) = upper_and_lower(&main, &side, 0.42);

    // ---- upper panel: VC per month, loans outstanding ----
    let max_y = data
        .months
        .iter()
        .map(|m| m.vc_funding_musd.max(m.loans_outstanding_musd))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.22;
    let y_top = 0.0..max_y;
    let frame = Panel { margin: [10 + strip_height(data), 20, 10, 10], ..Panel::framed(10, 20, 40, Y_AREA) };
    let mut chart = time_panel(&top, data, frame, y_top.clone())?;
    run_mesh(&mut chart.configure_mesh(), Grid::Coarse)
        .y_labels(6)
        .y_label_formatter(&|v| if max_y < 10.0 { format!("{v:.1}") } else { with_commas(*v) })
        .y_desc("USD million")
        .draw()
        .map_err(err)?;
    run_time_axis(&top, &mut chart, data, Grid::Coarse, true)?;
    draw_rules(&mut chart, data, y_top.clone(), RuleLabels::Above)?;
    let bar = series_colour(0);
    chart
        .draw_series(data.months.iter().filter(|m| m.vc_funding_musd > 0.0).map(|m| {
            let t = m.month as f64;
            Rectangle::new([(t - 0.38, 0.0), (t + 0.38, m.vc_funding_musd)], bar.mix(0.85).filled())
        }))
        .map_err(err)?;
    let loans = series_colour(1);
    chart.draw_series(month_line(data, |m| m.loans_outstanding_musd, loans.stroke_width(3))).map_err(err)?;
    let total_vc: f64 = data.months.iter().map(|m| m.vc_funding_musd).sum();
    let (_, top_y) = chart.plotting_area().get_base_pixel();
    let (_, side_y) = side_top.get_base_pixel();
    let mut entries = vec![
        (Mark::Fill(bar), "VC equity raised".to_string()),
        (Mark::Blank, format!("in the month (Σ {})", musd_label(total_vc))),
        (Mark::Line(loans, 3), "chip-backed loans".into()),
        (Mark::Blank, "outstanding".into()),
    ];
    if !rule_ticks(data).is_empty() {
        entries.push((Mark::Dashed(RULE, 2), "US export rule".into()));
    }
    framed_legend(&side_top, (6, top_y - side_y), Some("All firms"), &entries)?;
    let mut hover = month_columns(&chart, data, |i| {
        let m = &data.months[i];
        format!(
            "VC equity raised {} · chip-backed loans outstanding {}",
            musd_label(m.vc_funding_musd),
            musd_label(m.loans_outstanding_musd)
        )
    });

    // ---- lower panel: start-up valuations, log scale ----
    let paths = startup_paths(data);
    let mut colour_of: HashMap<&str, RGBColor> = HashMap::new();
    for p in &paths {
        colour_of.insert(p.firm.as_str(), p.colour);
    }
    let rounds: Vec<Round> = data
        .events
        .iter()
        .filter_map(|e| {
            let Payload::FundingRound { post_money_musd: post } = e.payload else { return None };
            let colour = *colour_of.get(e.target.as_str())?;
            (post > 0.0).then(|| Round {
                firm: e.target.clone(),
                month: e.month as f64,
                post,
                amount: e.amount_musd,
                colour,
            })
        })
        .collect();
    let (mut lo, mut hi) = (threshold, threshold);
    for v in paths.iter().flat_map(|p| p.points.iter().map(|&(_, v)| v)).chain(rounds.iter().map(|r| r.post))
    {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    for p in &paths {
        if let Some((_, v)) = p.sold {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let lo = (lo / 1.5).max(0.1);
    let hi = hi * 1.5;
    let y = (lo..hi).log_scale().with_key_points(log_ticks(lo, hi));
    let mut chart = time_panel(&bottom, data, Panel::framed(10, 20, 50, Y_AREA), y)?;
    run_mesh(&mut chart.configure_mesh(), Grid::Fine)
        .y_label_formatter(&|v| with_commas(*v))
        .y_desc("valuation, USD million (log)")
        .x_desc("month")
        .draw()
        .map_err(err)?;
    run_time_axis(&bottom, &mut chart, data, Grid::Fine, true)?;
    draw_rules(&mut chart, data, lo..hi, RuleLabels::None)?;
    let x_end = time_range(data).end;
    let line_colour = RGBColor(60, 60, 60);
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.0, threshold), (x_end, threshold)],
            10,
            6,
            line_colour.stroke_width(2),
        ))
        .map_err(err)?;
    let tag = musd_label(threshold);
    let tag_style = anchored(bold(16).color(&line_colour), HPos::Left, VPos::Center);
    let (tw, th) = bottom.estimate_text_size(&tag, &tag_style).map_err(err)?;
    let (tw, th) = (tw as i32, th as i32);
    // put the tag where no path or round passes near the line
    let (pw, _) = chart.plotting_area().dim_in_pixel();
    let span = (tw + 20) as f64 / pw.max(1) as f64 * x_end;
    let y_thr = chart.backend_coord(&(0.0, threshold)).1;
    let near = |t: f64, v: f64| (chart.backend_coord(&(t, v)).1 - y_thr).abs() < th / 2 + 16;
    let obstacles: Vec<f64> = paths
        .iter()
        .flat_map(|p| p.points.iter())
        .filter(|&&(t, v)| near(t, v))
        .map(|&(t, _)| t)
        .chain(rounds.iter().filter(|r| near(r.month, r.post)).map(|r| r.month))
        .collect();
    let tag_x = (0..=(x_end - span).max(0.0) as usize)
        .map(|x| x as f64)
        .find(|&x| !obstacles.iter().any(|&t| t >= x - 0.6 && t <= x + span + 0.6))
        .unwrap_or(0.0);
    chart
        .draw_series(std::iter::once(
            EmptyElement::at((tag_x, threshold))
                + Rectangle::new([(4, -th / 2 - 3), (tw + 14, th / 2 + 3)], WHITE.filled())
                + Rectangle::new([(4, -th / 2 - 3), (tw + 14, th / 2 + 3)], line_colour.stroke_width(1))
                + Text::new(tag, (9, 0), tag_style),
        ))
        .map_err(err)?;
    for p in &paths {
        chart
            .draw_series(LineSeries::new(p.points.iter().copied(), p.colour.stroke_width(3)))
            .map_err(err)?;
        if p.points.len() == 1 {
            chart
                .draw_series(std::iter::once(Circle::new(p.points[0], 4, p.colour.filled())))
                .map_err(err)?;
        }
    }
    let max_amount = rounds.iter().map(|r| r.amount).fold(0.0, f64::max).max(1e-9);
    let radius = |a: f64| (3.0 + 9.0 * (a / max_amount).sqrt()).round() as i32;
    // small rounds first so big ones stay on top
    let mut order: Vec<&Round> = rounds.iter().collect();
    order.sort_by(|a, b| b.amount.total_cmp(&a.amount).reverse());
    for r in order {
        let rr = radius(r.amount);
        chart
            .draw_series(std::iter::once(Circle::new((r.month, r.post), rr, r.colour.filled())))
            .map_err(err)?;
        let ring = if r.post >= threshold { BLACK.stroke_width(2) } else { WHITE.stroke_width(1) };
        chart.draw_series(std::iter::once(Circle::new((r.month, r.post), rr, ring))).map_err(err)?;
    }
    for p in &paths {
        if let Some(pt) = p.exited {
            chart.draw_series(std::iter::once(Cross::new(pt, 7, BLACK.stroke_width(3)))).map_err(err)?;
        }
        if let Some(pt) = p.sold {
            chart.draw_series(std::iter::once(TriangleMarker::new(pt, 8, p.colour.filled()))).map_err(err)?;
        }
    }
    if paths.is_empty() {
        chart
            .draw_series(std::iter::once(Text::new(
                "no start-up of tier `startup` in this run",
                (x_end * 0.3, (lo * hi).sqrt()),
                label_style(),
            )))
            .map_err(err)?;
    }

    let mut entries: Vec<(Mark, String)> =
        paths.iter().map(|p| (Mark::Line(p.colour, 3), p.firm.clone())).collect();
    if !rounds.is_empty() {
        entries.push((Mark::Dot(OTHERS, 7), "round (area ∝ amount)".into()));
        entries.push((Mark::Ringed(OTHERS, 7), format!("round ≥ {} post-money", musd_label(threshold))));
    }
    entries.push((Mark::Dashed(line_colour, 2), format!("{}: a round at or", musd_label(threshold))));
    entries.push((Mark::Blank, "above it repays loans".into()));
    if paths.iter().any(|p| p.exited.is_some()) {
        entries.push((Mark::Cross(BLACK), "exit (closed or insolvent)".into()));
    }
    if paths.iter().any(|p| p.sold.is_some()) {
        entries.push((Mark::Triangle(OTHERS), "sold (price)".into()));
    }
    let (_, bottom_y) = chart.plotting_area().get_base_pixel();
    let (_, side_y) = side_bottom.get_base_pixel();
    framed_legend(&side_bottom, (6, bottom_y - side_y), Some("Start-ups (valuation)"), &entries)?;
    // valuations by month, and on top of them each round
    hover.extend(month_columns(&chart, data, |i| {
        let t = i as f64;
        let values: Vec<String> = paths
            .iter()
            .filter_map(|p| {
                p.points.iter().find(|pt| pt.0 == t).map(|pt| format!("{} {}", p.firm, musd_label(pt.1)))
            })
            .collect();
        if values.is_empty() {
            "no start-up valued".to_string()
        } else {
            format!("valuation: {}", values.join(" · "))
        }
    }));
    for r in &rounds {
        let (x, y) = chart.backend_coord(&(r.month, r.post));
        let rr = radius(r.amount).max(4);
        hover.push(Region {
            x: x - rr,
            y: y - rr,
            w: 2 * rr,
            h: 2 * rr,
            text: format!(
                "{} · {}: a round of {} at {} post-money",
                date_of(data, r.month),
                r.firm,
                musd_label(r.amount),
                musd_label(r.post)
            ),
        });
    }
    Ok(hover)
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_ticks_are_bounded_for_any_range() {
        assert_eq!(super::log_ticks(1.0, 60.0), vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0]);
        assert!(super::log_ticks(0.0, 10.0).is_empty());
        assert!(super::log_ticks(1.0, f64::INFINITY).is_empty());
        assert!(super::log_ticks(f64::NAN, 1.0).is_empty());
        let n = super::log_ticks(1e-300, 1e300).len();
        assert!((1790..=1806).contains(&n), "about three ticks per decade: {n}");
    }
}
