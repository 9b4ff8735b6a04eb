//! Legends, one mark type ([`Mark`]) and three layouts, all outside the
//! data or placed where they cover least: a column beside the plot
//! ([`side_legend`]), a framed box ([`framed_legend`]) and a row under a
//! chart ([`legend_row`]); [`legend_spot`] picks the corner for plotters'
//! own series legend, whose marks are [`Mark::element`]. Every chart's
//! legend is drawn here.

use crate::record::RunData;
use crate::view::rules;
use crate::view::text::{anchored, bold, text_width};
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Width of the slot a mark is drawn in, in pixels.
pub const MARK_W: i32 = 24;

/// The mark drawn before a legend entry's text.
#[derive(Clone, Copy, Debug)]
pub enum Mark {
    /// A solid line of the given width.
    Line(RGBColor, u32),
    /// A dashed line of the given width.
    Dashed(RGBColor, u32),
    /// A filled box with a thin edge (areas, bands, bars).
    Fill(RGBColor),
    /// A filled dot of this radius.
    Dot(RGBColor, i32),
    /// A filled dot with a black ring, of this radius.
    Ringed(RGBColor, i32),
    /// A cross.
    Cross(RGBColor),
    /// A filled triangle.
    Triangle(RGBColor),
    /// A dot with a horizontal whisker through it.
    Whisker(RGBColor),
    /// A vertical line (a zero line).
    Rule(RGBColor),
    /// No mark: the text continues the entry above or explains.
    Blank,
}

/// A box, line or dashes as a plotters element (three rectangles, relative
/// to its anchor), for plotters' own series legend.
pub type MarkElement<DB> = plotters::element::ComposedElement<
    (i32, i32),
    DB,
    Rectangle<(i32, i32)>,
    plotters::element::ComposedElement<(i32, i32), DB, Rectangle<(i32, i32)>, Rectangle<(i32, i32)>>,
>;

impl Mark {
    /// Draw the mark in its slot: left end at `x`, vertical middle at `y`.
    pub fn draw_at<DB: DrawingBackend>(self, area: &DrawingArea<DB, Shift>, x: i32, y: i32) -> ChartResult {
        let cx = x + MARK_W / 2 - 1;
        match self {
            Mark::Line(..) | Mark::Dashed(..) | Mark::Fill(..) => {
                area.draw(&self.element::<DB>((x, y))).map_err(err)
            }
            Mark::Dot(c, r) => area.draw(&Circle::new((cx, y), r, c.filled())).map_err(err),
            Mark::Ringed(c, r) => {
                area.draw(&Circle::new((cx, y), r, c.filled())).map_err(err)?;
                area.draw(&Circle::new((cx, y), r, BLACK.stroke_width(2))).map_err(err)
            }
            Mark::Cross(c) => area.draw(&Cross::new((cx, y), 6, c.stroke_width(3))).map_err(err),
            Mark::Triangle(c) => area.draw(&TriangleMarker::new((cx, y), 8, c.filled())).map_err(err),
            Mark::Whisker(c) => {
                area.draw(&PathElement::new(vec![(x - 1, y), (x - 1 + MARK_W, y)], c.stroke_width(3)))
                    .map_err(err)?;
                area.draw(&Circle::new((cx, y), 6, c.filled())).map_err(err)
            }
            Mark::Rule(c) => {
                area.draw(&PathElement::new(vec![(cx, y - 9), (cx, y + 9)], c.stroke_width(2))).map_err(err)
            }
            Mark::Blank => Ok(()),
        }
    }

    /// A box, line or dashes as a plotters element with its left end at `at`
    /// (vertical middle), 22 px wide: for `.legend(move |p| mark.element(p))`.
    /// Other marks give an empty element.
    pub fn element<DB: DrawingBackend>(self, at: (i32, i32)) -> MarkElement<DB> {
        let none = || Rectangle::new([(0, 0), (0, 0)], TRANSPARENT.filled());
        let bar = |c: RGBColor, w: u32, a: i32, b: i32| {
            let h = w as i32;
            Rectangle::new([(a, -h / 2), (b, h - h / 2)], c.filled())
        };
        let (r1, r2, r3) = match self {
            Mark::Fill(c) => (
                Rectangle::new([(0, -8), (22, 8)], c.filled()),
                Rectangle::new([(0, -8), (22, 8)], MUTED.stroke_width(1)),
                none(),
            ),
            Mark::Line(c, w) => (bar(c, w, 0, 22), none(), none()),
            Mark::Dashed(c, w) => (bar(c, w, 0, 5), bar(c, w, 9, 14), bar(c, w, 18, 23)),
            _ => (none(), none(), none()),
        };
        EmptyElement::at(at) + r1 + r2 + r3
    }
}

/// `label` shortened with an ellipsis (keeping at least two characters)
/// until it is at most `room` pixels wide.
fn shorten<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    style: &TextStyle<'_>,
    room: i32,
) -> Result<String, String> {
    let mut text = label.to_string();
    let mut keep = label.chars().count();
    while keep > 2 && area.estimate_text_size(&text, style).map_err(err)?.0 as i32 > room {
        keep -= 1;
        text = label.chars().take(keep).collect::<String>().trim_end().to_string() + "…";
    }
    Ok(text)
}

/// Draw a legend as a column on its own drawing area (beside the plot, so it
/// can never hide data): an optional bold heading, then one row per entry.
/// `top` is the pixel offset of the first row inside `area` (align it with
/// the top of the plot). Labels too wide for the column are shortened with
/// an ellipsis.
pub fn side_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    top: i32,
    heading: &[&str],
    entries: &[(Mark, String)],
) -> ChartResult {
    let (w, _) = area.dim_in_pixel();
    let style = legend_style();
    let head = bold(LEGEND_SIZE);
    let row = (LEGEND_SIZE as f64 * 1.55).round() as i32;
    let mut y = top;
    for line in heading {
        area.draw(&Text::new(line.to_string(), (6, y), head.clone())).map_err(err)?;
        y += row;
    }
    if !heading.is_empty() {
        y += row / 4;
    }
    let text_x = 40;
    let room = w as i32 - text_x - 4;
    for (mark, label) in entries {
        let text = shorten(area, label, &style, room)?;
        let (_, th) = area.estimate_text_size(&text, &style).map_err(err)?;
        let mid = y + th as i32 / 2;
        mark.draw_at(area, 8, mid)?;
        area.draw(&Text::new(text, (text_x, y), style.clone())).map_err(err)?;
        y += row;
    }
    Ok(())
}

/// Draw a framed legend whose top-left corner is at pixel `at` of `area`
/// (outside any plot, so it hides no data): an optional bold heading, then
/// one row per entry. Returns the legend's (width, height) in pixels.
pub fn framed_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    heading: Option<&str>,
    entries: &[(Mark, String)],
) -> Result<(i32, i32), String> {
    let row = LEGEND_SIZE as i32 + 8;
    let pad = 8;
    let sym = MARK_W + 2;
    let style = anchored(legend_style(), HPos::Left, VPos::Center);
    let head = anchored(bold(LEGEND_SIZE), HPos::Left, VPos::Center);
    let mut width = 0i32;
    if let Some(h) = heading {
        width = width.max(text_width(area, h, &head));
    }
    for (_, text) in entries {
        width = width.max(sym + 6 + text_width(area, text, &style));
    }
    let rows = entries.len() as i32 + heading.is_some() as i32;
    let (w, h) = (width + 2 * pad, rows * row + pad);
    let (x0, y0) = at;
    area.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], WHITE.filled())).map_err(err)?;
    area.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], FRAME.stroke_width(1))).map_err(err)?;
    let mut y = y0 + pad / 2 + row / 2;
    if let Some(hd) = heading {
        area.draw(&Text::new(hd.to_string(), (x0 + pad, y), head.clone())).map_err(err)?;
        y += row;
    }
    for (mark, text) in entries {
        let sx = x0 + pad;
        mark.draw_at(area, sx + 2, y)?;
        area.draw(&Text::new(text.clone(), (sx + sym + 6, y), style.clone())).map_err(err)?;
        y += row;
    }
    Ok((w, h))
}

/// One row of legend entries at height `y` (relative to `area`), starting
/// at pixel `x` or, with `None`, centred horizontally. Returns the x just
/// after the last entry.
pub fn legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: Option<i32>,
    y: i32,
    entries: &[(Mark, String)],
) -> Result<i32, String> {
    let style = anchored(legend_style(), HPos::Left, VPos::Center);
    let (w, _) = area.dim_in_pixel();
    let gap = 28;
    let sym = MARK_W;
    let total: i32 = entries.iter().map(|(_, t)| sym + 6 + text_width(area, t, &style)).sum::<i32>()
        + gap * (entries.len() as i32 - 1).max(0);
    let mut x = x.unwrap_or(((w as i32 - total) / 2).max(4));
    for (mark, text) in entries {
        mark.draw_at(area, x + 1, y)?;
        area.draw(&Text::new(text.clone(), (x + sym + 6, y), style.clone())).map_err(err)?;
        x += sym + 6 + text_width(area, text, &style) + gap;
    }
    Ok(x - gap)
}

/// A centred row of legend `entries` in the top 34 pixels of `area` (at
/// height 13); returns the rest of the area below it.
pub fn key_above<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Mark, String)],
) -> Result<DrawingArea<DB, Shift>, String> {
    let (key, rest) = area.split_vertically(34);
    legend_row(&key, None, 13, entries)?;
    Ok(rest)
}

/// A spot for a legend of `labels` inside the plot where it covers as little
/// as possible: the corners and edge middles of the plotting area are scored
/// by how many points of `series` (sampled along each line) and of the
/// export rule lines the legend box would cover (the rules' labels are above
/// the plot, see `draw_rules`), and the first best one is returned (upper
/// right, upper left, lower right, lower left, then the middles).
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
    // The rule lines (their labels are above the plot, see `rules`).
    let y = chart.y_range();
    for (t, _) in rules::rule_ticks(data) {
        let (x0, y0) = px(&(t, y.end));
        for yy in (y0..ah).step_by(6) {
            pts.push(((x0, yy), 1));
        }
    }
    let pad = 6;
    let xs = [aw - bw - pad, pad, (aw - bw) / 2];
    let mut candidates = Vec::new();
    for y0 in [pad, ah - bh - pad] {
        for x0 in [xs[0], xs[1]] {
            candidates.push((x0, y0));
        }
    }
    for y0 in [pad, ah - bh - pad] {
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
