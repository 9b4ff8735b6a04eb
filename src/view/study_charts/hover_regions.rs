//! Hover regions of the study charts beyond `view::hover::columns`: one
//! rectangle per heat-map tile or per row of a forest or tornado, given in
//! the chart's own coordinates. Knows pixels and text; the chart modules
//! decide what each region says. Draws nothing.

use crate::view::hover::Region;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The region between two corners `a` and `b` of a chart's data space
/// (any order), clipped to nothing when it has no area.
pub(super) fn rect<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    a: (f64, f64),
    b: (f64, f64),
    text: String,
) -> Option<Region> {
    let (pa, pb) = (chart.backend_coord(&a), chart.backend_coord(&b));
    let (x, y) = (pa.0.min(pb.0), pa.1.min(pb.1));
    let (w, h) = ((pa.0 - pb.0).abs(), (pa.1 - pb.1).abs());
    (w > 0 && h > 0).then_some(Region { x, y, w, h, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rect_covers_its_corners_in_pixels() {
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (400, 200)).into_drawing_area();
        let chart = ChartBuilder::on(&root).margin(10).build_cartesian_2d(0.0..4.0, 0.0..2.0).unwrap();
        let r = rect(&chart, (1.0, 0.0), (2.0, 1.0), "tile".into()).expect("a region");
        let (px, py) = chart.plotting_area().get_pixel_range();
        assert_eq!(r.y + r.h, py.end - 1, "the bottom edge at y = 0");
        assert!(r.x > px.start && r.x + r.w < px.end);
        assert_eq!(r.text, "tile");
        assert!(rect(&chart, (1.0, 1.0), (1.0, 1.0), String::new()).is_none(), "no area, no region");
    }
}
