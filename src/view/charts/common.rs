//! Helpers shared by the chart families: the time axis, export-rule
//! markers, the consolidation phase.

use crate::record::RunData;
use crate::view::theme::*;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// `YYYY-MM` of tick `x` (rounded), for the time axis.
pub fn date_of(data: &RunData, x: f64) -> String {
    let t = x.round() as i32;
    data.world.start.plus(t).to_string()
}

/// The x range of a run's months.
pub fn time_range(data: &RunData) -> std::ops::Range<f64> {
    0.0..(data.months.len().max(2) - 1) as f64
}

/// Number of time-axis labels: one about every six months.
pub fn time_labels(data: &RunData) -> usize {
    (data.months.len() / 6).clamp(2, 14)
}

/// Ticks at which each export rule takes effect, with its name (rules in
/// force before the start are at 0; rules after the end are left out).
pub fn rule_ticks(data: &RunData) -> Vec<(f64, String)> {
    let n = data.months.len() as i32;
    data.world
        .policy
        .rules
        .iter()
        .filter_map(|r| {
            let t = r.effective.since(data.world.start).max(0);
            (t < n).then(|| (t as f64, format!("US rule {}", r.name)))
        })
        .collect()
}

/// Draw export rules as labelled dashed vertical lines across a chart.
pub fn draw_rules<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    data: &RunData,
    y: std::ops::Range<f64>,
) -> ChartResult {
    for (t, label) in rule_ticks(data) {
        chart
            .draw_series(DashedLineSeries::new(vec![(t, y.start), (t, y.end)], 8, 5, RULE.stroke_width(2)))
            .map_err(err)?;
        let top = y.end - (y.end - y.start) * 0.02;
        chart
            .draw_series(std::iter::once(Text::new(
                label,
                (t + 0.4, top),
                (FAMILY, 16).into_font().color(&RULE),
            )))
            .map_err(err)?;
    }
    Ok(())
}

/// The months of the consolidation phase as (start, end) tick spans.
pub fn phase_spans(data: &RunData) -> Vec<(f64, f64)> {
    let mut spans = Vec::new();
    let mut start = None;
    for m in &data.months {
        match (m.consolidating == 1, start) {
            (true, None) => start = Some(m.month as f64),
            (false, Some(s)) => {
                spans.push((s, m.month as f64 - 0.5));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, data.months.len() as f64 - 1.0));
    }
    spans
}

/// A share (0..1) as a percentage with sensible precision:
/// `0.2756` → `27.6%`, `0.00236` → `0.24%`, `0.00004` → `<0.01%`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p <= 0.0 {
        "0%".into()
    } else if p < 0.01 {
        "<0.01%".into()
    } else if p < 1.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// The mark drawn next to a legend entry.
#[derive(Clone, Copy, Debug)]
pub enum Swatch {
    /// A filled box (areas, bands).
    Fill(RGBColor),
    /// A solid line of the given width.
    Line(RGBColor, u32),
    /// A dashed line of the given width.
    Dashed(RGBColor, u32),
}

/// A `Swatch` as a plotters element (three rectangles, relative to its anchor).
pub type SwatchMark<DB> = plotters::element::ComposedElement<
    (i32, i32),
    DB,
    Rectangle<(i32, i32)>,
    plotters::element::ComposedElement<(i32, i32), DB, Rectangle<(i32, i32)>, Rectangle<(i32, i32)>>,
>;

impl Swatch {
    /// Draw the swatch with its left end at `(x, y)` (vertical middle).
    pub fn draw_at<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        x: i32,
        y: i32,
    ) -> ChartResult {
        area.draw(&self.element::<DB>((x, y))).map_err(err)
    }

    /// The swatch as a plotters element with its left end at `at` (vertical
    /// middle), 22 px wide: for `.legend(move |p| swatch.element(p))`.
    pub fn element<DB: DrawingBackend>(self, at: (i32, i32)) -> SwatchMark<DB> {
        let none = || Rectangle::new([(0, 0), (0, 0)], TRANSPARENT.filled());
        let bar = |c: RGBColor, w: u32, a: i32, b: i32| {
            let h = w as i32;
            Rectangle::new([(a, -h / 2), (b, h - h / 2)], c.filled())
        };
        let (r1, r2, r3) = match self {
            Swatch::Fill(c) => (
                Rectangle::new([(0, -8), (22, 8)], c.filled()),
                Rectangle::new([(0, -8), (22, 8)], RGBColor(110, 110, 110).stroke_width(1)),
                none(),
            ),
            Swatch::Line(c, w) => (bar(c, w, 0, 22), none(), none()),
            Swatch::Dashed(c, w) => (bar(c, w, 0, 5), bar(c, w, 9, 14), bar(c, w, 18, 23)),
        };
        EmptyElement::at(at) + r1 + r2 + r3
    }
}

/// Draw a legend as a column on its own drawing area (beside the plot, so it
/// can never hide data): an optional bold heading, then one row per entry.
/// `top` is the pixel offset of the first row inside `area` (align it with
/// the top of the plot). Labels too wide for the column are shortened with
/// an ellipsis.
pub fn side_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    top: i32,
    heading: &[&str],
    entries: &[(String, Swatch)],
) -> ChartResult {
    let (w, _) = area.dim_in_pixel();
    let style = legend_style();
    let bold = (FAMILY, LEGEND_SIZE, FontStyle::Bold).into_font().color(&TEXT);
    let row = (LEGEND_SIZE as f64 * 1.55).round() as i32;
    let mut y = top;
    for line in heading {
        area.draw(&Text::new(line.to_string(), (6, y), bold.clone())).map_err(err)?;
        y += row;
    }
    if !heading.is_empty() {
        y += row / 4;
    }
    let text_x = 40;
    let room = w as i32 - text_x - 4;
    for (label, swatch) in entries {
        // shorten a label that does not fit to its first `keep` characters + "…"
        let mut text = label.clone();
        let mut keep = label.chars().count();
        while keep > 2 && area.estimate_text_size(&text, &style).map_err(err)?.0 as i32 > room {
            keep -= 1;
            text = label.chars().take(keep).collect::<String>().trim_end().to_string() + "…";
        }
        let (_, th) = area.estimate_text_size(&text, &style).map_err(err)?;
        let mid = y + th as i32 / 2;
        swatch.draw_at(area, 8, mid)?;
        area.draw(&Text::new(text, (text_x, y), style.clone())).map_err(err)?;
        y += row;
    }
    Ok(())
}

/// A spot for a legend of `labels` inside the plot where it covers as little
/// as possible: the corners and edge middles of the plotting area are scored
/// by how many points of `series` (sampled along each line), of the export
/// rule lines and of their labels (see `draw_rules`) the legend box would
/// cover, and the first best one is returned (upper right, upper left, lower
/// right, lower left, then the middles, each also just below the row of rule
/// labels).
pub fn legend_spot<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    data: &RunData,
    series: &[Vec<(f64, f64)>],
    labels: &[&str],
) -> Result<SeriesLabelPosition, String> {
    let area = chart.plotting_area();
    let (base_x, base_y) = area.get_base_pixel();
    let (aw, ah) = area.dim_in_pixel();
    let (aw, ah) = (aw as i32, ah as i32);
    let style = legend_style();
    // The box plotters draws: text + 30 px marks + 2×10 px margin.
    let mut tw = 0;
    for l in labels {
        tw = tw.max(area.estimate_text_size(l, &style).map_err(err)?.0 as i32);
    }
    let n = labels.len().max(1) as f64;
    let bw = tw + 30 + 20;
    let bh = (LEGEND_SIZE as f64 * (1.25 * (n - 1.0) + 1.2)).round() as i32 + 20;
    let px = |p: &(f64, f64)| {
        let (x, y) = area.map_coordinate(p);
        (x - base_x, y - base_y)
    };
    // Obstacles as pixel points, weighted.
    let mut pts: Vec<((i32, i32), u32)> = Vec::new();
    for s in series {
        for w in s.windows(2) {
            let (a, b) = (px(&w[0]), px(&w[1]));
            let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()) / 4).max(1);
            for k in 0..steps {
                let f = k as f64 / steps as f64;
                let p = (a.0 + ((b.0 - a.0) as f64 * f) as i32, a.1 + ((b.1 - a.1) as f64 * f) as i32);
                pts.push((p, 1));
            }
        }
        if let Some(last) = s.last() {
            pts.push((px(last), 1));
        }
    }
    let y = chart.y_range();
    let mut label_bottom = 0;
    for (t, label) in rule_ticks(data) {
        let (x0, y0) = px(&(t, y.end));
        for yy in (y0..ah).step_by(6) {
            pts.push(((x0, yy), 1));
        }
        let (lx, ly) = px(&(t + 0.4, y.end - (y.end - y.start) * 0.02));
        let (lw, lh) = area.estimate_text_size(&label, &(FAMILY, 16).into_font().into()).map_err(err)?;
        label_bottom = label_bottom.max(ly + lh as i32);
        for xx in (lx..lx + lw as i32).step_by(3) {
            for yy in (ly..ly + lh as i32).step_by(3) {
                pts.push(((xx, yy), 20));
            }
        }
    }
    let pad = 6;
    let below_rules = label_bottom + pad;
    let xs = [aw - bw - pad, pad, (aw - bw) / 2];
    let mut candidates = Vec::new();
    for ys in [[pad, ah - bh - pad], [below_rules, ah - bh - pad]] {
        for y0 in ys {
            for x0 in [xs[0], xs[1]] {
                candidates.push((x0, y0));
            }
        }
    }
    for y0 in [pad, below_rules, ah - bh - pad] {
        candidates.push((xs[2], y0));
    }
    let score = |(x0, y0): (i32, i32)| -> u32 {
        pts.iter()
            .filter(|((x, y), _)| *x >= x0 - 3 && *x <= x0 + bw + 3 && *y >= y0 - 3 && *y <= y0 + bh + 3)
            .map(|(_, w)| w)
            .sum()
    };
    let mut best = (u32::MAX, candidates[0]);
    for c in candidates {
        if c.0 < 0 || c.1 < 0 || c.1 + bh > ah {
            continue;
        }
        let s = score(c);
        if s < best.0 {
            best = (s, c);
        }
    }
    Ok(SeriesLabelPosition::Coordinate(best.1.0, best.1.1))
}

/// Black or white, whichever reads better on `bg`.
pub fn text_on(bg: RGBColor) -> RGBColor {
    let l = 0.299 * bg.0 as f64 + 0.587 * bg.1 as f64 + 0.114 * bg.2 as f64;
    if l > 150.0 { TEXT } else { WHITE }
}

/// Export rules as dashed vertical lines without labels, for the lower panel
/// of a chart whose upper panel carries the labels (`draw_rules`). Works on a
/// linear or a log y axis.
pub fn draw_rule_lines<DB, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    data: &RunData,
    y: std::ops::Range<f64>,
) -> ChartResult
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64>,
{
    for (t, _) in rule_ticks(data) {
        chart
            .draw_series(DashedLineSeries::new(vec![(t, y.start), (t, y.end)], 8, 5, RULE.stroke_width(2)))
            .map_err(err)?;
    }
    Ok(())
}

/// An amount in USD millions as a short label: `US$1.2bn`, `US$330M`,
/// `US$2.5M`.
pub fn musd_label(v: f64) -> String {
    let v = v + 0.0; // no "-0"
    if v >= 1000.0 {
        let bn = format!("{:.1}", v / 1000.0);
        format!("US${}bn", bn.trim_end_matches(".0"))
    } else if v >= 10.0 {
        format!("US${v:.0}M")
    } else {
        format!("US${v:.1}M")
    }
}

/// The symbol of a legend entry drawn by `draw_key`.
#[derive(Clone, Copy, Debug)]
pub enum Key {
    /// A solid line of this width.
    Line(RGBColor, u32),
    /// A dashed line of this width.
    Dashed(RGBColor, u32),
    /// A filled square (bars, areas).
    Swatch(RGBColor),
    /// A filled dot of this radius.
    Dot(RGBColor, i32),
    /// A filled dot with a black ring, of this radius.
    Ringed(RGBColor, i32),
    /// A cross.
    Cross(RGBColor),
    /// A filled triangle.
    Triangle(RGBColor),
    /// No symbol: the text continues the entry above.
    Blank,
}

/// Draw a framed legend whose top-left corner is at pixel `at` of `area`
/// (outside any plot, so it hides no data): an optional bold heading, then
/// one row per entry. Returns the legend's (width, height) in pixels.
pub fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    at: (i32, i32),
    heading: Option<&str>,
    entries: &[(Key, String)],
) -> Result<(i32, i32), String> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let row = LEGEND_SIZE as i32 + 8;
    let pad = 8;
    let sym = 26;
    let style = legend_style().pos(Pos::new(HPos::Left, VPos::Center));
    let bold = (FAMILY, LEGEND_SIZE, FontStyle::Bold)
        .into_font()
        .color(&TEXT)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut width = 0i32;
    if let Some(h) = heading {
        width = width.max(area.estimate_text_size(h, &bold).map_err(err)?.0 as i32);
    }
    for (_, text) in entries {
        width = width.max(sym + 6 + area.estimate_text_size(text, &style).map_err(err)?.0 as i32);
    }
    let rows = entries.len() as i32 + heading.is_some() as i32;
    let (w, h) = (width + 2 * pad, rows * row + pad);
    let (x0, y0) = at;
    area.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], WHITE.filled())).map_err(err)?;
    area.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], RGBColor(150, 150, 150).stroke_width(1)))
        .map_err(err)?;
    let mut y = y0 + pad / 2 + row / 2;
    if let Some(hd) = heading {
        area.draw(&Text::new(hd.to_string(), (x0 + pad, y), bold.clone())).map_err(err)?;
        y += row;
    }
    for (key, text) in entries {
        let (sx, cx) = (x0 + pad, x0 + pad + sym / 2);
        match *key {
            Key::Line(c, wd) => {
                area.draw(&PathElement::new(vec![(sx, y), (sx + sym, y)], c.stroke_width(wd))).map_err(err)?
            }
            Key::Dashed(c, wd) => {
                for i in 0..3 {
                    let a = sx + i * 10;
                    area.draw(&PathElement::new(
                        vec![(a, y), ((a + 6).min(sx + sym), y)],
                        c.stroke_width(wd),
                    ))
                    .map_err(err)?;
                }
            }
            Key::Swatch(c) => area
                .draw(&Rectangle::new([(sx + 4, y - 7), (sx + sym - 4, y + 7)], c.filled()))
                .map_err(err)?,
            Key::Dot(c, r) => area.draw(&Circle::new((cx, y), r, c.filled())).map_err(err)?,
            Key::Ringed(c, r) => {
                area.draw(&Circle::new((cx, y), r, c.filled())).map_err(err)?;
                area.draw(&Circle::new((cx, y), r, BLACK.stroke_width(2))).map_err(err)?;
            }
            Key::Cross(c) => area.draw(&Cross::new((cx, y), 6, c.stroke_width(3))).map_err(err)?,
            Key::Triangle(c) => area.draw(&TriangleMarker::new((cx, y), 8, c.filled())).map_err(err)?,
            Key::Blank => {}
        }
        area.draw(&Text::new(text.clone(), (sx + sym + 6, y), style.clone())).map_err(err)?;
        y += row;
    }
    Ok((w, h))
}

/// A number with thousands separators and no decimals: `12345.6` → `12,346`.
pub fn with_commas(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Export rules as in `draw_rules` (same lines, labels and colours), for
/// plots where the labels could collide: a label that would run past the
/// right edge is put left of its line, and one that would overlap an
/// earlier label moves down a row.
pub fn draw_rules_fitted<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    data: &RunData,
    y: std::ops::Range<f64>,
) -> ChartResult {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let (_, ph) = chart.plotting_area().dim_in_pixel();
    let (left, _) = chart.plotting_area().get_base_pixel();
    let (pw, _) = chart.plotting_area().dim_in_pixel();
    let right = left + pw as i32;
    let font = (FAMILY, 16).into_font().color(&RULE);
    let per_px = (y.end - y.start) / ph.max(1) as f64;
    let mut placed: Vec<(usize, i32, i32)> = Vec::new();
    for (t, label) in rule_ticks(data) {
        chart
            .draw_series(DashedLineSeries::new(vec![(t, y.start), (t, y.end)], 8, 5, RULE.stroke_width(2)))
            .map_err(err)?;
        let (tw, th) = chart.plotting_area().estimate_text_size(&label, &font).map_err(err)?;
        let (tw, th) = (tw as i32, th as i32);
        let x_right_of = chart.backend_coord(&(t + 0.4, y.end)).0;
        let x_left_of = chart.backend_coord(&(t - 0.4, y.end)).0;
        let flip = x_right_of + tw > right && x_left_of - tw >= left;
        let (x0, x1) = if flip { (x_left_of - tw, x_left_of) } else { (x_right_of, x_right_of + tw) };
        let row = (0..)
            .find(|r| !placed.iter().any(|(pr, a, b)| pr == r && x0 < b + 6 && x1 + 6 > *a))
            .unwrap_or(0);
        placed.push((row, x0, x1));
        let top = y.end - (y.end - y.start) * 0.02 - (row as i32 * (th + 4)) as f64 * per_px;
        let (x, anchor) = if flip { (t - 0.4, HPos::Right) } else { (t + 0.4, HPos::Left) };
        chart
            .draw_series(std::iter::once(Text::new(
                label,
                (x, top),
                font.clone().pos(Pos::new(anchor, VPos::Top)),
            )))
            .map_err(err)?;
    }
    Ok(())
}
