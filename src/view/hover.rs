//! Hover values: the value under the pointer in the HTML reports. A chart's
//! SVG pass returns `Region`s (pixel rectangles with a text); the report
//! lays them over the inline SVG as transparent `<rect>`s, each with a
//! `<title>` — the browser's own tooltip, no script. Knows pixels and text,
//! not data: the chart modules decide what each region says.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::fmt::Write as _;

/// One hover target: a rectangle in the chart's pixels and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub text: String,
}

/// What a chart's drawing function returns when it offers hover values.
pub type HoverResult = Result<Vec<Region>, String>;

/// One region per x position of a chart with a linear x axis: a full-height
/// column of the plot area around each `x` (halfway to its neighbours),
/// saying `text(i)` for the `i`-th. `xs` must be increasing; columns outside
/// the plot area are clipped to it, empty ones dropped.
pub fn columns<DB: DrawingBackend, Y: Ranged>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    xs: &[f64],
    text: impl Fn(usize) -> String,
) -> Vec<Region> {
    let (px, py) = chart.plotting_area().get_pixel_range();
    let range = chart.x_range();
    let span = (range.end - range.start).max(f64::MIN_POSITIVE);
    let pixel = |x: f64| px.start as f64 + (x - range.start) / span * (px.end - px.start) as f64;
    let mut out = Vec::with_capacity(xs.len());
    for (i, &x) in xs.iter().enumerate() {
        let left = if i == 0 { pixel(x) - 1e9 } else { pixel((xs[i - 1] + x) / 2.0) };
        let right = if i + 1 == xs.len() { pixel(x) + 1e9 } else { pixel((x + xs[i + 1]) / 2.0) };
        let a = left.max(px.start as f64).round() as i32;
        let b = right.min(px.end as f64).round() as i32;
        if b > a {
            out.push(Region { x: a, y: py.start, w: b - a, h: py.end - py.start, text: text(i) });
        }
    }
    out
}

/// The regions as an SVG group to put just before a chart's `</svg>`:
/// transparent rectangles that catch the pointer, each with its `<title>`.
pub fn layer(regions: &[Region]) -> String {
    if regions.is_empty() {
        return String::new();
    }
    let mut s = String::from("<g class=\"hover\">");
    for r in regions {
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
            r.x,
            r.y,
            r.w,
            r.h,
            maud::html! { (r.text) }.into_string()
        );
    }
    s.push_str("</g>");
    s
}

/// `svg` (one whole `<svg>` element) with the hover layer inserted before
/// its closing tag; unchanged when there are no regions.
pub fn with_layer(svg: &str, regions: &[Region]) -> String {
    match svg.rfind("</svg>") {
        Some(end) if !regions.is_empty() => format!("{}{}{}", &svg[..end], layer(regions), &svg[end..]),
        _ => svg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_tile_the_plot_area_once_each() {
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (400, 200)).into_drawing_area();
        let chart = ChartBuilder::on(&root).margin(10).build_cartesian_2d(0.0..4.0, 0.0..1.0).unwrap();
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0];
        let r = columns(&chart, &xs, |i| format!("month {i}"));
        assert_eq!(r.len(), 5);
        let (px, py) = chart.plotting_area().get_pixel_range();
        assert_eq!(r[0].x, px.start, "the first column starts at the plot's left edge");
        assert_eq!(r[4].x + r[4].w, px.end, "the last ends at its right edge");
        for w in r.windows(2) {
            assert_eq!(w[0].x + w[0].w, w[1].x, "columns meet without gap or overlap");
        }
        assert!(r.iter().all(|c| c.y == py.start && c.h == py.end - py.start));
        assert_eq!(r[2].text, "month 2");
    }

    #[test]
    fn the_layer_escapes_text_and_sits_inside_the_svg() {
        let regions = vec![Region { x: 1, y: 2, w: 3, h: 4, text: "HHI <b>&\"x\"".into() }];
        let svg = with_layer("<svg width=\"10\"><line/></svg>", &regions);
        assert_eq!(
            svg,
            "<svg width=\"10\"><line/><g class=\"hover\"><rect x=\"1\" y=\"2\" width=\"3\" height=\"4\">\
             <title>HHI &lt;b&gt;&amp;&quot;x&quot;</title></rect></g></svg>"
        );
        assert_eq!(with_layer("<svg></svg>", &[]), "<svg></svg>");
    }
}
