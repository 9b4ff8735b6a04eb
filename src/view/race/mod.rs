//! `market_race.gif`: an animated bar-chart race of the shares of tokens served
//! in the foundation-model market (firms.csv `share` since Model v2), one
//! frame per month. Each frame shows the top firms as horizontal bars sorted
//! by share (each firm in its colour of the other charts), the month in large
//! type, the month's most notable event (or the latest one before it), and a
//! timeline with the export rules. An acquisition is drawn in its deal month
//! as the bought firm's bar, faded and striped in the BUYER's colour (so it
//! reads as the buyer's), sitting under the tip of its buyer's bar with an
//! arrow into it and "acquired by <buyer>": the buyer's share already
//! includes it, and the slice it brought is striped at the buyer's tip.
//!
//! Frames are drawn with plotters into an RGB buffer and encoded here with the
//! `gif` crate against one fixed palette (the theme colours, their blends
//! towards white for anti-aliased text and a grey ramp), mapped through a
//! 32×32×32 lookup cube. No colour quantiser runs, so encoding is fast and the
//! same input gives the same bytes. After the first frame, a frame stores only
//! the rectangle that changed, with unchanged pixels transparent.

use crate::record::{EventKind, EventRec, FirmRec, RunData, rule_chips};
use crate::view::format::{grouped, money_compact as money, percent};
use crate::view::rules::rule_ticks;
use crate::view::text::{anchored, bold, fit, font, text_width};
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

mod plan;
use plan::*;
mod frames;
use frames::*;
mod encode;
use encode::Palette;
use encode::*;
#[cfg(test)]
mod tests;

/// Size of the animation in pixels.
pub const GIF_WIDTH: u32 = 960;
pub const GIF_HEIGHT: u32 = 540;

/// Firms shown as bars (besides the rows for deals and "other firms").
const TOP_N: usize = 10;
/// At most this many bought or exited firms are drawn in one frame; the rest
/// are counted in the event banner.
const GHOST_CAP: usize = 3;
/// Frame delays, in hundredths of a second: a normal month, a month with a
/// deal, an exit or a rule taking effect (to give a class time to read it),
/// and the last month.
const DELAY_CS: u16 = 25;
const EVENT_DELAY_CS: u16 = 60;
const LAST_DELAY_CS: u16 = 400;

// Layout (pixels).
const MARGIN: i32 = 16;
const NAME_RIGHT: i32 = 178;
const BAR_X0: i32 = 186;
const BAR_X1: i32 = 866;
const AXIS_Y: i32 = 84;
const ROWS_TOP: i32 = 94;
const ROWS_BOTTOM: i32 = 448;
const BANNER_Y0: i32 = 454;
const BANNER_Y1: i32 = 500;
const TIMELINE_Y: i32 = 514;
const TIMELINE_X0: i32 = 70;
const TIMELINE_X1: i32 = 876;

const NAME_SIZE: u32 = 15;
const BANNER_BG: RGBColor = RGBColor(244, 244, 244);

/// Render the bar-chart race of a run as an animated GIF (loops forever).
pub fn market_race_gif(data: &RunData) -> Result<Vec<u8>, String> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).clamp(1, 8);
    race_gif(data, threads)
}

/// The GIF, drawn and compressed on `threads` threads (the bytes do not
/// depend on it).
fn race_gif(data: &RunData, threads: usize) -> Result<Vec<u8>, String> {
    let ctx = Ctx::new(data)?;
    // Frames are drawn, mapped and LZW-compressed in contiguous chunks, one
    // per core; each chunk also draws the frame before it, to diff against.
    // A frame's bytes depend only on it and the frame before, so the file is
    // the same whatever the number of threads.
    let n = ctx.plans.len();
    let threads = threads.clamp(1, n);
    let chunk = n.div_ceil(threads);
    let chunks: Vec<Result<Vec<gif::Frame<'static>>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|a| {
                let ctx = &ctx;
                s.spawn(move || ctx.encode(a..(a + chunk).min(n)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a drawing thread panicked".into())))
            .collect()
    });
    let mut encoder =
        gif::Encoder::new(Vec::new(), GIF_WIDTH as u16, GIF_HEIGHT as u16, &ctx.pal.flat()).map_err(err)?;
    encoder.set_repeat(gif::Repeat::Infinite).map_err(err)?;
    for frames in chunks {
        for frame in frames? {
            encoder.write_lzw_pre_encoded_frame(&frame).map_err(err)?;
        }
    }
    encoder.into_inner().map_err(err)
}

/// What drawing and encoding a frame needs.
struct Ctx<'a> {
    data: &'a RunData,
    layout: Layout,
    plans: Vec<FramePlan>,
    /// What every frame shares, drawn once (RGB).
    background: Vec<u8>,
    pal: &'static Palette,
}

impl<'a> Ctx<'a> {
    fn new(data: &'a RunData) -> Result<Self, String> {
        register_fonts();
        if data.months.is_empty() {
            return Err("market_race.gif: the run has no months".into());
        }
        let plans = plan(data);
        let layout = Layout::new(data, &plans);
        let mut background = vec![0u8; (GIF_WIDTH * GIF_HEIGHT * 3) as usize];
        {
            let root =
                BitMapBackend::with_buffer(&mut background, (GIF_WIDTH, GIF_HEIGHT)).into_drawing_area();
            draw_background(&root, data, &layout).map_err(|e| format!("market_race.gif: {e}"))?;
            root.present().map_err(err)?;
        }
        Ok(Ctx { data, layout, plans, background, pal: palette() })
    }

    /// Draw frame `i` into `rgb` and map it to palette indices in `idx`.
    fn render(&self, i: usize, rgb: &mut [u8], idx: &mut [u8]) -> Result<(), String> {
        let p = &self.plans[i];
        rgb.copy_from_slice(&self.background);
        {
            let root = BitMapBackend::with_buffer(rgb, (GIF_WIDTH, GIF_HEIGHT)).into_drawing_area();
            draw_frame(&root, self.data, &self.layout, p, i)
                .map_err(|e| format!("market_race.gif, {}: {e}", p.date))?;
            root.present().map_err(err)?;
        }
        self.pal.map(rgb, idx);
        Ok(())
    }

    /// The GIF frames (LZW-compressed) of the months in `range`.
    fn encode(&self, range: std::ops::Range<usize>) -> Result<Vec<gif::Frame<'static>>, String> {
        let (w, h) = (GIF_WIDTH as usize, GIF_HEIGHT as usize);
        let mut rgb = vec![0u8; w * h * 3];
        let mut prev = vec![0u8; w * h];
        let mut idx = vec![0u8; w * h];
        if range.start > 0 {
            self.render(range.start - 1, &mut rgb, &mut prev)?;
        }
        let mut lzw = Lzw::new();
        let mut out = Vec::with_capacity(range.len());
        for i in range {
            self.render(i, &mut rgb, &mut idx)?;
            let mut frame = if i == 0 {
                gif::Frame {
                    width: w as u16,
                    height: h as u16,
                    buffer: Cow::Owned(idx.clone()),
                    ..Default::default()
                }
            } else {
                changed_rect(&prev, &idx, w, h, self.pal.transparent)
            };
            frame.delay = if i + 1 == self.plans.len() { LAST_DELAY_CS } else { self.plans[i].delay };
            frame.dispose = gif::DisposalMethod::Keep;
            frame.buffer = Cow::Owned(lzw.encode(&frame.buffer, self.pal.min_code_size()));
            out.push(frame);
            std::mem::swap(&mut prev, &mut idx);
        }
        Ok(out)
    }
}
