//! Text on a chart: the font styles (regular, bold, muted, anchored), the
//! width of a text, drawing at an absolute pixel, and shortening a text
//! with an ellipsis to fit. Used by every chart and the GIF; sizes and
//! colours come from [`crate::view::theme`]. Draws nothing but text.

use crate::view::theme::{ChartResult, FAMILY, MUTED, TEXT, err};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The chart font at `size` in the text colour.
pub fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&TEXT)
}

/// The bold chart font at `size` in the text colour.
pub fn bold(size: u32) -> TextStyle<'static> {
    (FAMILY, size, FontStyle::Bold).into_font().color(&TEXT)
}

/// The chart font at `size` in grey, for notes.
pub fn muted(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&MUTED)
}

/// `style` anchored at `h`, `v` of the text.
pub fn anchored<'a>(style: TextStyle<'a>, h: HPos, v: VPos) -> TextStyle<'a> {
    style.pos(Pos::new(h, v))
}

/// Draw `text` at absolute backend pixel `at` on `area`.
pub fn text_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
    style: &TextStyle<'_>,
) -> ChartResult {
    let (bx, by) = area.get_base_pixel();
    area.draw(&Text::new(text.to_string(), (at.0 - bx, at.1 - by), style.clone())).map_err(err)
}

/// Width of `text` in pixels.
pub fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> i32 {
    area.estimate_text_size(text, style).map(|(w, _)| w as i32).unwrap_or(text.chars().count() as i32 * 10)
}

/// `text`, shortened with an ellipsis until it is at most `max_w` pixels wide.
pub fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_w: i32,
) -> String {
    if text_width(area, text, style) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 1 {
        keep -= 1;
        let s = chars[..keep].iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(area, &s, style) <= max_w {
            return s;
        }
    }
    "…".to_string()
}
