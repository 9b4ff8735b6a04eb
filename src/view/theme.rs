//! The one shared look of every chart and the GIF: size, font sizes,
//! colours and tints, and how a chart is rendered to PNG and SVG in memory
//! (so files can be written atomically and re-rendered byte for byte).
//! Text styles and fitting live in [`crate::view::text`]; this module
//! draws nothing.

use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

/// Chart size in pixels (readable at 1280×720, printable).
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 720;

/// The embedded font (DejaVu Sans, Bitstream Vera licence, see assets/).
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/DejaVuSans-Bold.ttf");

/// Register the embedded font once per process: plotters' `ab_glyph`
/// backend has no system fonts.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, FONT_BOLD);
    });
}

pub const FAMILY: &str = "sans-serif";
pub const TITLE_SIZE: u32 = 30;
pub const LABEL_SIZE: u32 = 20;
pub const TICK_SIZE: u32 = 17;
pub const LEGEND_SIZE: u32 = 17;

pub fn title_style() -> TextStyle<'static> {
    (FAMILY, TITLE_SIZE, FontStyle::Bold).into_font().color(&TEXT)
}
pub fn label_style() -> TextStyle<'static> {
    (FAMILY, LABEL_SIZE).into_font().color(&TEXT)
}
pub fn tick_style() -> TextStyle<'static> {
    (FAMILY, TICK_SIZE).into_font().color(&TEXT)
}
pub fn legend_style() -> TextStyle<'static> {
    (FAMILY, LEGEND_SIZE).into_font().color(&TEXT)
}

pub const TEXT: RGBColor = RGBColor(30, 30, 30);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const RULE: RGBColor = RGBColor(170, 30, 30);
pub const BAND_LOW: RGBColor = RGBColor(235, 245, 235);
pub const BAND_MID: RGBColor = RGBColor(255, 246, 224);
pub const BAND_HIGH: RGBColor = RGBColor(252, 232, 230);
pub const PHASE: RGBColor = RGBColor(200, 200, 235);
/// Notes and secondary text; the edge of a legend box.
pub const MUTED: RGBColor = RGBColor(110, 110, 110);
/// Grey marks and the muted text of the GIF.
pub const GREY: RGBColor = RGBColor(120, 120, 120);
/// The frame of a legend; a reference line.
pub const FRAME: RGBColor = RGBColor(150, 150, 150);
/// The edge of an empty panel or a lane.
pub const EDGE: RGBColor = RGBColor(200, 200, 200);

/// A qualitative palette (Tableau-like, distinguishable in print), as
/// `0xRRGGBB`.
const PALETTE_HEX: [u32; 12] = [
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0xbcbd22, 0x17becf, 0x464646,
    0xaec7e8, 0xffbb78,
];

/// The colour `0xRRGGBB`.
const fn hex(rgb: u32) -> RGBColor {
    RGBColor((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
}

/// The qualitative palette as colours.
pub const PALETTE: [RGBColor; 12] = {
    let mut out = [RGBColor(0, 0, 0); 12];
    let mut i = 0;
    while i < out.len() {
        out[i] = hex(PALETTE_HEX[i]);
        i += 1;
    }
    out
};

/// Grey for "others" and aggregates.
pub const OTHERS: RGBColor = RGBColor(190, 190, 190);

/// A firm's colour, the same in every chart of a run: the named firms of the
/// world take the palette in file order; any other firm gets one by a stable
/// hash of its name.
pub fn firm_colour(world: &crate::world::World, firm: &str) -> RGBColor {
    if let Some(i) = world.firms.iter().position(|f| f.name == firm) {
        return PALETTE[i % PALETTE.len()];
    }
    let h = crate::world::fnv1a_64(firm.as_bytes());
    PALETTE[(h % PALETTE.len() as u64) as usize]
}

/// Colour for the i-th series of a chart that is not about firms.
pub fn series_colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `c` at opacity `alpha` over white, as an opaque colour (0 = white, 1 = `c`).
pub fn tint(c: RGBColor, alpha: f64) -> RGBColor {
    let f = |v: u8| (255.0 - (255.0 - v as f64) * alpha).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

/// Black or white, whichever reads better on `bg`.
pub fn text_on(bg: RGBColor) -> RGBColor {
    let l = 0.299 * bg.0 as f64 + 0.587 * bg.1 as f64 + 0.114 * bg.2 as f64;
    if l > 150.0 { TEXT } else { WHITE }
}

/// Any error while drawing, as text.
pub type ChartResult = Result<(), String>;

/// Map a plotters error to text.
pub fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// A rendered chart: which chart (its registry row), its file stem, PNG
/// bytes, SVG text, and the hover values the report lays over the SVG
/// (`view::hover`; empty for a chart that offers none).
pub struct Rendered {
    pub id: crate::view::registry::ChartId,
    pub name: &'static str,
    pub png: Vec<u8>,
    pub svg: String,
    pub hover: Vec<crate::view::hover::Region>,
}

/// Render one chart to PNG and SVG. `draw_png` and `draw_svg` are the same
/// drawing function instantiated for the two backends.
pub fn render_pair(
    chart: &'static crate::view::registry::ChartDef,
    draw_png: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> ChartResult,
    draw_svg: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> ChartResult,
) -> Result<Rendered, String> {
    render_pair_hover(chart, draw_png, |root| draw_svg(root).map(|()| Vec::new()))
}

/// `render_pair` for a chart that offers hover values: its SVG pass returns
/// them (`view::hover::columns` and friends), the PNG pass ignores them.
pub fn render_pair_hover<T>(
    chart: &'static crate::view::registry::ChartDef,
    draw_png: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<T, String>,
    draw_svg: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> crate::view::hover::HoverResult,
) -> Result<Rendered, String> {
    let name = chart.name;
    register_fonts();
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw_png(&root).map_err(|e| format!("{name}.png: {e}"))?;
        root.present().map_err(err)?;
    }
    let png = encode_png(&rgb, WIDTH, HEIGHT)?;
    let mut svg = String::new();
    let hover = {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let hover = draw_svg(&root).map_err(|e| format!("{name}.svg: {e}"))?;
        root.present().map_err(err)?;
        hover
    };
    Ok(Rendered { id: chart.id, name, png, svg, hover })
}

/// Encode an RGB buffer as PNG in memory.
pub fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(rgb, width, height, image::ColorType::Rgb8)
        .map_err(err)?;
    Ok(out)
}

use image::ImageEncoder;

/// Render one chart module: `render_chart!(def, module, data)` calls
/// `module::draw(data, root)` once per backend.
#[macro_export]
macro_rules! render_chart {
    ($def:expr, $module:path, $data:expr) => {{
        use $module as m;
        $crate::view::theme::render_pair($def, |root| m::draw($data, root), |root| m::draw($data, root))
    }};
}

/// `render_chart!` for a chart module whose `draw` returns a
/// `view::hover::HoverResult`.
#[macro_export]
macro_rules! render_chart_hover {
    ($def:expr, $module:path, $data:expr) => {{
        use $module as m;
        $crate::view::theme::render_pair_hover($def, |root| m::draw($data, root), |root| m::draw($data, root))
    }};
}
