//! `market_race.gif`: an animated bar-chart race of AI revenue shares, one
//! frame per month. Each frame shows the top firms as horizontal bars sorted
//! by share (each firm in its colour of the other charts), the month in large
//! type, the month's most notable event (or the latest one before it), and a
//! timeline with the export rules. An acquisition is drawn in its deal month
//! as the bought firm's bar, faded and striped, sitting under the tip of its
//! buyer's bar with an arrow into it: the buyer's share already includes it.
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

// ---------------------------------------------------------------- planning

/// One row of a frame.
#[derive(Clone, Debug, PartialEq)]
enum Row {
    /// An active firm; `merged` lists the firms it bought this month, with
    /// their share last month.
    Firm { name: String, share: f64, merged: Vec<(String, f64)> },
    /// A firm bought this month, drawn right under its buyer's row.
    Acquired { name: String, prev_share: f64, buyer: String, buyer_row: usize, price_musd: f64 },
    /// A firm on last month's chart that left the market this month.
    Exited { name: String, prev_share: f64, insolvent: bool },
    /// Every other active firm, together.
    Others { count: usize, share: f64 },
}

/// What the banner under the bars says.
#[derive(Clone, Debug, PartialEq)]
struct Banner {
    date: String,
    /// The event told, `None` before the first notable event.
    kind: Option<EventKind>,
    text: String,
}

/// Everything one frame shows, decided before drawing.
#[derive(Clone, Debug)]
struct FramePlan {
    date: String,
    rows: Vec<Row>,
    /// The month's most notable event, or the latest one before it.
    banner: Option<Banner>,
    /// Whether the banner's event is from this month.
    banner_now: bool,
    /// Counts of this month's entries, deals, exits and rounds.
    tally: String,
    /// Subtitle: firms, HHI.
    stats: String,
    delay: u16,
}

/// Rank of an event kind for the banner (higher wins), `None` if it is not
/// notable.
fn priority(e: &EventRec) -> Option<u8> {
    match e.kind() {
        EventKind::Acquisition => Some(6),
        EventKind::Exit => Some(5),
        EventKind::RuleEffective => Some(4),
        EventKind::RuleAnnounced => Some(3),
        EventKind::FundingRound if e.amount_musd >= 100.0 => Some(2),
        EventKind::Loan => Some(1),
        _ => None,
    }
}

/// One line saying what an event was, for a class.
fn describe(e: &EventRec) -> String {
    let chips = rule_chips(&e.target).join(", ");
    match e.kind() {
        EventKind::Acquisition => format!("{} acquires {} for {}", e.actor, e.target, money(e.amount_musd)),
        // every exit is an insolvency (its payload says what was sold)
        EventKind::Exit => format!("{} goes bust and leaves the market (insolvent)", e.actor),
        EventKind::RuleEffective => {
            format!("US export rule {} takes effect: {} banned for China", e.actor, chips)
        }
        EventKind::RuleAnnounced => format!("US announces export rule {}: {} to be banned", e.actor, chips),
        EventKind::FundingRound => format!("{} raises {} from {}", e.target, money(e.amount_musd), e.actor),
        EventKind::Loan => {
            format!(
                "{} lends {} {} against {} chips as collateral",
                e.actor,
                e.target,
                money(e.amount_musd),
                e.units
            )
        }
        other => format!("{} {} {}", other.as_str(), e.actor, e.target),
    }
}

/// Counts of this month's events, e.g. `this month: 2 new firms · 1 acquisition`.
fn tally(events: &[&EventRec]) -> String {
    let count = |k: EventKind| events.iter().filter(|e| e.kind() == k).count();
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    let entries = count(EventKind::Entry);
    if entries > 0 {
        parts.push(plural(entries, "new firm", "new firms"));
    }
    let deals = count(EventKind::Acquisition);
    if deals > 0 {
        parts.push(plural(deals, "acquisition", "acquisitions"));
    }
    let exits = count(EventKind::Exit);
    if exits > 0 {
        parts.push(plural(exits, "exit", "exits"));
    }
    let rounds: Vec<_> = events.iter().filter(|e| e.kind() == EventKind::FundingRound).collect();
    if !rounds.is_empty() {
        let total: f64 = rounds.iter().map(|e| e.amount_musd).sum();
        parts.push(format!("{} ({})", plural(rounds.len(), "funding round", "funding rounds"), money(total)));
    }
    if parts.is_empty() {
        "this month: no entries, deals, exits or funding rounds".into()
    } else {
        format!("this month: {}", parts.join(" · "))
    }
}

/// HHI band of the 2023 US merger guidelines.
fn hhi_band(hhi: f64) -> &'static str {
    if hhi < 1000.0 {
        "unconcentrated"
    } else if hhi < 1800.0 {
        "moderately concentrated"
    } else {
        "highly concentrated"
    }
}

fn plan(data: &RunData) -> Vec<FramePlan> {
    let n = data.months.len();
    let mut firms: Vec<Vec<&FirmRec>> = vec![Vec::new(); n];
    for f in &data.firms {
        if let Some(v) = firms.get_mut(f.month as usize) {
            v.push(f);
        }
    }
    let mut events: Vec<Vec<&EventRec>> = vec![Vec::new(); n];
    for e in &data.events {
        if let Some(v) = events.get_mut(e.month as usize) {
            v.push(e);
        }
    }
    let mut prev_share: HashMap<&str, f64> = HashMap::new();
    let mut prev_shown: Vec<&str> = Vec::new();
    let mut banner: Option<Banner> = None;
    let mut plans = Vec::with_capacity(n);
    for (t, m) in data.months.iter().enumerate() {
        let rows_t = &firms[t];
        let prev = |name: &str| prev_share.get(name).copied().unwrap_or(0.0);
        // Active firms by share, largest first (ties: creation order).
        let mut active: Vec<&FirmRec> = rows_t.iter().copied().filter(|f| f.status == "active").collect();
        active.sort_by(|a, b| b.share.total_cmp(&a.share));
        let is_active = |name: &str| active.iter().any(|f| f.firm == name);
        // Bought firms (largest first) whose buyer is still active, then
        // exits of firms that were on last month's chart.
        let mut bought: Vec<&FirmRec> = rows_t
            .iter()
            .copied()
            .filter(|f| f.status == "acquired" && f.owner != f.firm && is_active(&f.owner))
            .collect();
        bought.sort_by(|a, b| prev(&b.firm).total_cmp(&prev(&a.firm)));
        bought.truncate(GHOST_CAP);
        let exited: Vec<&FirmRec> = rows_t
            .iter()
            .copied()
            .filter(|f| f.status == "exited" && prev_shown.contains(&f.firm.as_str()))
            .take(GHOST_CAP - bought.len())
            .collect();

        // The top firms, with every buyer of a drawn deal among them.
        let mut main: Vec<&FirmRec> = active.iter().copied().filter(|f| f.share > 0.0).take(TOP_N).collect();
        for b in &bought {
            if !main.iter().any(|f| f.firm == b.owner) {
                if main.len() >= TOP_N {
                    let buyers: Vec<&str> = bought.iter().map(|b| b.owner.as_str()).collect();
                    if let Some(pos) = main.iter().rposition(|f| !buyers.contains(&f.firm.as_str())) {
                        main.remove(pos);
                    }
                }
                if let Some(f) = active.iter().find(|f| f.firm == b.owner) {
                    main.push(f);
                }
            }
        }
        let rank = |f: &FirmRec| active.iter().position(|a| a.firm == f.firm).unwrap_or(usize::MAX);
        main.sort_by_key(|f| rank(f));

        let mut rows = Vec::new();
        for f in &main {
            let merged: Vec<(String, f64)> = bought
                .iter()
                .filter(|b| b.owner == f.firm)
                .map(|b| (b.firm.clone(), prev(&b.firm)))
                .collect();
            let buyer_row = rows.len();
            rows.push(Row::Firm { name: f.firm.clone(), share: f.share, merged });
            for b in bought.iter().filter(|b| b.owner == f.firm) {
                let price_musd = events[t]
                    .iter()
                    .find(|e| e.kind() == EventKind::Acquisition && e.target == b.firm)
                    .map(|e| e.amount_musd)
                    .unwrap_or(b.valuation_musd);
                rows.push(Row::Acquired {
                    name: b.firm.clone(),
                    prev_share: prev(&b.firm),
                    buyer: b.owner.clone(),
                    buyer_row,
                    price_musd,
                });
            }
        }
        for f in &exited {
            let insolvent = events[t].iter().any(|e| e.kind() == EventKind::Exit && e.actor == f.firm);
            rows.push(Row::Exited { name: f.firm.clone(), prev_share: prev(&f.firm), insolvent });
        }
        let others: Vec<&&FirmRec> =
            active.iter().filter(|f| !main.iter().any(|g| g.firm == f.firm)).collect();
        if !others.is_empty() {
            rows.push(Row::Others { count: others.len(), share: others.iter().map(|f| f.share).sum() });
        }

        // The banner: this month's most notable event, else the last one.
        let mut best: Option<(u8, &EventRec)> = None;
        for e in &events[t] {
            if let Some(p) = priority(e) {
                let better = match best {
                    None => true,
                    Some((bp, be)) => p > bp || (p == bp && e.amount_musd > be.amount_musd),
                };
                if better {
                    best = Some((p, e));
                }
            }
        }
        if let Some((_, e)) = best {
            banner = Some(Banner { date: e.date.clone(), kind: Some(e.kind()), text: describe(e) });
        }
        if banner.is_none() {
            banner = Some(Banner {
                date: m.date.clone(),
                kind: None,
                text: format!("the run starts with {} firms", m.independent_firms),
            });
        }
        let banner_now = banner.as_ref().is_some_and(|b| b.date == m.date);
        let rule_now = events[t].iter().any(|e| e.kind() == EventKind::RuleEffective);
        let ghosts = rows.iter().any(|r| matches!(r, Row::Acquired { .. } | Row::Exited { .. }));
        let stats = format!(
            "{} world, seed {} · {} independent firms · HHI {} ({}){}",
            data.world.name,
            data.world.seed,
            m.independent_firms,
            grouped(m.hhi.max(0.0)),
            hhi_band(m.hhi),
            if m.consolidating == 1 { " · consolidation phase" } else { "" }
        );
        plans.push(FramePlan {
            date: m.date.clone(),
            rows,
            banner: banner.clone(),
            banner_now,
            tally: tally(&events[t]),
            stats,
            delay: if ghosts || rule_now { EVENT_DELAY_CS } else { DELAY_CS },
        });

        prev_share = rows_t.iter().map(|f| (f.firm.as_str(), f.share)).collect();
        prev_shown = main.iter().map(|f| f.firm.as_str()).collect();
    }
    plans
}

// ---------------------------------------------------------------- drawing

/// Geometry shared by every frame.
struct Layout {
    /// Share at the right end of the axis.
    axis_max: f64,
    /// Tick step of the share axis.
    step: f64,
    row_h: i32,
}

impl Layout {
    fn new(data: &RunData, plans: &[FramePlan]) -> Self {
        let max_share = data
            .firms
            .iter()
            .map(|f| f.share)
            .chain(plans.iter().flat_map(|p| p.rows.iter()).map(|r| match r {
                Row::Others { share, .. } => *share,
                _ => 0.0,
            }))
            .fold(0.0f64, f64::max);
        let step = if max_share > 0.6 {
            0.2
        } else if max_share > 0.3 {
            0.1
        } else {
            0.05
        };
        let axis_max = ((max_share / 0.05).ceil() * 0.05).clamp(0.1, 1.0);
        let most_rows = plans.iter().map(|p| p.rows.len()).max().unwrap_or(1).max(8) as i32;
        Layout { axis_max, step, row_h: ((ROWS_BOTTOM - ROWS_TOP) / most_rows).min(34) }
    }

    /// Bar length of a share, in pixels (at least 2 for any positive share,
    /// so every firm on the chart is visible).
    fn px(&self, share: f64) -> i32 {
        let w = (share / self.axis_max * (BAR_X1 - BAR_X0) as f64).round() as i32;
        if share > 0.0 { w.max(2) } else { 0 }
    }
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

fn label(root: &Area<'_>, text: &str, style: &TextStyle<'_>, at: (i32, i32)) -> ChartResult {
    root.draw_text(text, style, at).map_err(err)
}

/// A filled box from `(x0, y0)` to `(x1, y1)` (inclusive).
fn rect(root: &Area<'_>, x0: i32, y0: i32, x1: i32, y1: i32, c: RGBColor) -> ChartResult {
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled())).map_err(err)
}

/// A vertical line one pixel wide.
fn vline(root: &Area<'_>, x: i32, y0: i32, y1: i32, c: RGBColor) -> ChartResult {
    root.draw(&PathElement::new(vec![(x, y0), (x, y1)], c.stroke_width(1))).map_err(err)
}

/// A faded, striped box with an outline: a bar that is going away.
fn ghost_bar(root: &Area<'_>, x0: i32, y0: i32, x1: i32, y1: i32, c: RGBColor) -> ChartResult {
    rect(root, x0, y0, x1, y1, tint(c, 0.5))?;
    // diagonal stripes x + y = k, clipped to the box
    let mut k = x0 + y0 + 3;
    while k < x1 + y1 {
        let xa = x0.max(k - y1);
        let xb = x1.min(k - y0);
        if xa <= xb {
            root.draw(&PathElement::new(vec![(xa, k - xa), (xb, k - xb)], c.stroke_width(1))).map_err(err)?;
        }
        k += 5;
    }
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.stroke_width(1))).map_err(err)
}

/// An arrow from `from` to `to` (the head at `to`), vertical or horizontal.
fn arrow(root: &Area<'_>, from: (i32, i32), to: (i32, i32), c: RGBColor) -> ChartResult {
    let (dx, dy) = ((to.0 - from.0).signum(), (to.1 - from.1).signum());
    let head = 7;
    let base = (to.0 - dx * head, to.1 - dy * head);
    root.draw(&PathElement::new(vec![from, base], c.stroke_width(2))).map_err(err)?;
    let (px, py) = (-dy, dx); // perpendicular
    let tri = vec![to, (base.0 + px * 5, base.1 + py * 5), (base.0 - px * 5, base.1 - py * 5)];
    root.draw(&Polygon::new(tri, c.filled())).map_err(err)
}

/// What every frame shares: title, share axis with grid, timeline with years
/// and export rules.
fn draw_background(root: &Area<'_>, data: &RunData, layout: &Layout) -> ChartResult {
    root.fill(&WHITE).map_err(err)?;
    label(root, "Who earns China's AI revenue? Share of each firm, month by month", &bold(20), (MARGIN, 12))?;
    // share axis
    let tick = font(13).color(&GREY).pos(Pos::new(HPos::Center, VPos::Bottom));
    let mut s = 0.0;
    while s <= layout.axis_max + 1e-9 {
        let x = BAR_X0 + layout.px(s);
        vline(root, x, AXIS_Y, ROWS_BOTTOM, GRID)?;
        label(root, &format!("{:.0}%", s * 100.0), &tick, (x, AXIS_Y - 2))?;
        s += layout.step;
    }
    label(
        root,
        "share of AI revenue",
        &anchored(font(13).color(&GREY), HPos::Right, VPos::Center),
        (BAR_X0 - 18, AXIS_Y - 9),
    )?;
    // timeline: a grey line, January ticks with the year, rules in red
    let n = data.months.len();
    rect(root, TIMELINE_X0, TIMELINE_Y - 1, TIMELINE_X1, TIMELINE_Y + 1, GRID)?;
    let year = font(12).color(&GREY).pos(Pos::new(HPos::Center, VPos::Top));
    for (t, m) in data.months.iter().enumerate() {
        if m.date.ends_with("-01") || t == 0 {
            let x = timeline_x(t, n);
            vline(root, x, TIMELINE_Y - 4, TIMELINE_Y + 4, GREY)?;
            let text = if m.date.ends_with("-01") { &m.date[..4.min(m.date.len())] } else { &m.date[..] };
            label(root, text, &year, (x, TIMELINE_Y + 7))?;
        }
    }
    label(
        root,
        "time",
        &anchored(font(12).color(&GREY), HPos::Right, VPos::Center),
        (TIMELINE_X0 - 8, TIMELINE_Y),
    )?;
    for (t, _) in rule_ticks(data) {
        let x = timeline_x(t as usize, n);
        rect(root, x - 1, TIMELINE_Y - 7, x, TIMELINE_Y + 7, RULE)?;
    }
    label(
        root,
        "▮ US rule",
        &anchored(font(12).color(&RULE), HPos::Left, VPos::Center),
        (TIMELINE_X1 + 10, TIMELINE_Y),
    )?;
    Ok(())
}

fn timeline_x(t: usize, n: usize) -> i32 {
    TIMELINE_X0 + ((TIMELINE_X1 - TIMELINE_X0) as f64 * t as f64 / (n.max(2) - 1) as f64).round() as i32
}

fn draw_frame(root: &Area<'_>, data: &RunData, layout: &Layout, p: &FramePlan, t: usize) -> ChartResult {
    let colour = |name: &str| firm_colour(&data.world, name);
    // date and subtitle
    label(
        root,
        &p.date,
        &bold(50).pos(Pos::new(HPos::Right, VPos::Center)),
        (GIF_WIDTH as i32 - MARGIN, 34),
    )?;
    let stats_style = font(14).color(&GREY);
    let stats = fit(root, &p.stats, &stats_style, 730);
    label(root, &stats, &stats_style, (MARGIN, 42))?;

    // bars
    let name_style = anchored(font(NAME_SIZE), HPos::Right, VPos::Center);
    let muted_name = anchored(font(NAME_SIZE).color(&GREY), HPos::Right, VPos::Center);
    let value_style = anchored(font(NAME_SIZE), HPos::Left, VPos::Center);
    let rh = layout.row_h;
    let bar_top = |i: usize| ROWS_TOP + i as i32 * rh + 3;
    let bar_bottom = |i: usize| ROWS_TOP + (i as i32 + 1) * rh - 3;
    let mid = |i: usize| ROWS_TOP + i as i32 * rh + rh / 2;
    let name_max = NAME_RIGHT - MARGIN;
    for (i, row) in p.rows.iter().enumerate() {
        match row {
            Row::Firm { name, share, merged } => {
                let c = colour(name);
                let w = layout.px(*share);
                label(root, &fit(root, name, &name_style, name_max), &name_style, (NAME_RIGHT, mid(i)))?;
                if w > 0 {
                    rect(root, BAR_X0, bar_top(i), BAR_X0 + w - 1, bar_bottom(i), c)?;
                }
                // the slice that came from each bought firm, at the tip
                let mut tip = BAR_X0 + w - 1;
                for (m, s) in merged {
                    let mw = layout.px(*s);
                    if mw >= 3 && tip - mw >= BAR_X0 {
                        ghost_bar(root, tip - mw + 1, bar_top(i), tip, bar_bottom(i), colour(m))?;
                        tip -= mw;
                    }
                }
                // the share, and what it now includes if that fits
                let mut value = percent(*share);
                let room = GIF_WIDTH as i32 - MARGIN - (BAR_X0 + w + 6);
                let with = match merged.len() {
                    0 => None,
                    1 => Some(format!("{value}  (incl. {})", merged[0].0)),
                    k => Some(format!("{value}  (incl. {k} bought firms)")),
                };
                if let Some(with) = with.filter(|v| text_width(root, v, &value_style) <= room) {
                    value = with;
                }
                label(root, &value, &value_style, (BAR_X0 + w + 6, mid(i)))?;
            }
            Row::Acquired { name, prev_share, buyer, buyer_row, price_musd } => {
                let c = colour(name);
                let buyer_share = match &p.rows[*buyer_row] {
                    Row::Firm { share, .. } => *share,
                    _ => 0.0,
                };
                label(root, &fit(root, name, &muted_name, name_max), &muted_name, (NAME_RIGHT, mid(i)))?;
                // the bought firm's bar, at last month's share, under the tip
                // of the buyer's bar that now includes it
                let tip = BAR_X0 + layout.px(buyer_share) - 1;
                // (at least 12 px wide, so a tiny firm is still seen)
                let w = layout.px(*prev_share).max(12);
                let x1 = tip.max(BAR_X0 + w - 1);
                let x0 = (x1 - w + 1).max(BAR_X0);
                let y0 = bar_bottom(i) - 11;
                ghost_bar(root, x0, y0, x1, bar_bottom(i), c)?;
                let cx = ((x0 + x1) / 2).min(tip - 1).max(BAR_X0 + 1);
                arrow(root, (cx, y0 - 1), (cx, bar_bottom(*buyer_row) + 1), TEXT)?;
                let text = format!(
                    "had {} → acquired by {} for {}",
                    percent(*prev_share),
                    buyer,
                    money(*price_musd)
                );
                // left of the slice (under the buyer's bar) if it fits, else
                // on the side with more room
                let st = bold(14);
                let tw = text_width(root, &text, &st);
                let room_left = x0 - 10 - (BAR_X0 + 4);
                let room_right = GIF_WIDTH as i32 - MARGIN - (x1 + 10);
                if tw <= room_left || room_left > room_right {
                    let st = anchored(st, HPos::Right, VPos::Center);
                    label(root, &fit(root, &text, &st, room_left), &st, (x0 - 10, mid(i) + 2))?;
                } else {
                    let st = anchored(st, HPos::Left, VPos::Center);
                    label(root, &fit(root, &text, &st, room_right), &st, (x1 + 10, mid(i) + 2))?;
                }
            }
            Row::Exited { name, prev_share, insolvent } => {
                let c = colour(name);
                label(root, &fit(root, name, &muted_name, name_max), &muted_name, (NAME_RIGHT, mid(i)))?;
                let w = layout.px(*prev_share).max(8);
                ghost_bar(root, BAR_X0, bar_top(i) + 4, BAR_X0 + w - 1, bar_bottom(i), c)?;
                let text = format!(
                    "{} last month → {}",
                    percent(*prev_share),
                    if *insolvent { "goes bust, leaves the market" } else { "leaves the market" }
                );
                label(
                    root,
                    &text,
                    &anchored(bold(14).color(&RULE), HPos::Left, VPos::Center),
                    (BAR_X0 + w + 8, mid(i) + 2),
                )?;
            }
            Row::Others { count, share } => {
                let text =
                    if *count == 1 { "1 other firm".to_string() } else { format!("{count} other firms") };
                label(root, &text, &muted_name, (NAME_RIGHT, mid(i)))?;
                let w = layout.px(*share);
                if w > 0 {
                    rect(root, BAR_X0, bar_top(i), BAR_X0 + w - 1, bar_bottom(i), OTHERS)?;
                }
                label(
                    root,
                    &percent(*share),
                    &anchored(font(NAME_SIZE).color(&GREY), HPos::Left, VPos::Center),
                    (BAR_X0 + w + 6, mid(i)),
                )?;
            }
        }
    }

    // event banner
    rect(root, MARGIN, BANNER_Y0, GIF_WIDTH as i32 - MARGIN, BANNER_Y1, BANNER_BG)?;
    if let Some(b) = &p.banner {
        let kc = kind_colour(b.kind);
        rect(root, MARGIN, BANNER_Y0, MARGIN + 5, BANNER_Y1, if p.banner_now { kc } else { tint(kc, 0.5) })?;
        let main_colour = if p.banner_now { TEXT } else { GREY };
        let head =
            if p.banner_now { format!("{} — ", b.date) } else { format!("earlier, {} — ", b.date) };
        let hs = bold(16).color(&main_colour);
        label(root, &head, &hs, (MARGIN + 14, BANNER_Y0 + 5))?;
        let hw = text_width(root, &head, &hs);
        let ts = font(16).color(&main_colour);
        let text = fit(root, &b.text, &ts, GIF_WIDTH as i32 - 2 * MARGIN - 24 - hw);
        label(root, &text, &ts, (MARGIN + 14 + hw, BANNER_Y0 + 5))?;
    }
    label(root, &p.tally, &font(13).color(&GREY), (MARGIN + 14, BANNER_Y0 + 28))?;

    // timeline progress
    let n = data.months.len();
    let x = timeline_x(t, n);
    rect(root, TIMELINE_X0, TIMELINE_Y - 2, x, TIMELINE_Y + 2, TEXT)?;
    for (r, _) in rule_ticks(data) {
        let rx = timeline_x(r as usize, n);
        rect(root, rx - 1, TIMELINE_Y - 7, rx, TIMELINE_Y + 7, RULE)?;
    }
    root.draw(&Circle::new((x, TIMELINE_Y), 6, TEXT.filled())).map_err(err)?;
    Ok(())
}

/// Colour of the banner's edge for an event kind.
fn kind_colour(kind: Option<EventKind>) -> RGBColor {
    match kind {
        Some(EventKind::Acquisition) => PALETTE[4],
        Some(EventKind::Exit | EventKind::RuleEffective | EventKind::RuleAnnounced) => RULE,
        Some(EventKind::FundingRound) => PALETTE[2],
        _ => PALETTE[0],
    }
}

// ---------------------------------------------------------------- encoding

/// The fixed GIF palette and its lookup cube.
struct Palette {
    colours: Vec<[u8; 3]>,
    /// 32×32×32 cube (5 bits per channel) → palette index.
    lut: Vec<u8>,
    /// Index of the transparent colour (no pixel maps to it).
    transparent: u8,
}

fn cell(c: [u8; 3]) -> usize {
    ((c[0] as usize >> 3) << 10) | ((c[1] as usize >> 3) << 5) | (c[2] as usize >> 3)
}

impl Palette {
    fn build() -> Self {
        let rgb = |c: RGBColor| [c.0, c.1, c.2];
        let mut colours: Vec<[u8; 3]> = Vec::new();
        let mut owner: Vec<Option<u8>> = vec![None; 32 * 32 * 32];
        let mut add = |c: [u8; 3], colours: &mut Vec<[u8; 3]>| {
            let k = cell(c);
            if owner[k].is_none() && colours.len() < 255 {
                owner[k] = Some(colours.len() as u8);
                colours.push(c);
            }
        };
        // exact colours first, then their blends towards white (the shades
        // anti-aliased text and stripes make on white), then greys
        let mut bases: Vec<RGBColor> = PALETTE.to_vec();
        bases.extend([RULE, PHASE, OTHERS, GRID, GREY, BANNER_BG, TEXT]);
        add([255, 255, 255], &mut colours);
        for &b in &bases {
            add(rgb(b), &mut colours);
        }
        for &b in PALETTE.iter().chain([RULE, PHASE].iter()) {
            for t in [0.5, 0.12, 0.25, 0.38, 0.65, 0.78, 0.9] {
                add(rgb(tint(b, 1.0 - t)), &mut colours);
            }
        }
        for v in (0..=248).step_by(8) {
            let v = v as u8 + 4;
            add([v, v, v], &mut colours);
        }
        for &b in [TEXT, GREY].iter() {
            for t in [0.2, 0.4, 0.6, 0.8] {
                add(rgb(tint(b, 1.0 - t)), &mut colours);
            }
        }
        let lut = (0..32 * 32 * 32)
            .map(|k: usize| {
                if let Some(i) = owner[k] {
                    return i;
                }
                let centre = [
                    ((k >> 10) << 3 | 4) as i32,
                    (((k >> 5) & 31) << 3 | 4) as i32,
                    ((k & 31) << 3 | 4) as i32,
                ];
                let mut best = (i32::MAX, 0u8);
                for (i, c) in colours.iter().enumerate() {
                    let d = (0..3).map(|j| (c[j] as i32 - centre[j]).pow(2)).sum::<i32>();
                    if d < best.0 {
                        best = (d, i as u8);
                    }
                }
                best.1
            })
            .collect();
        let transparent = colours.len() as u8;
        colours.push([255, 0, 255]);
        Palette { colours, lut, transparent }
    }

    /// The palette as `r g b r g b …` for the GIF header.
    fn flat(&self) -> Vec<u8> {
        self.colours.iter().flatten().copied().collect()
    }

    /// The LZW minimum code size for this palette (bits per index, ≥ 2).
    fn min_code_size(&self) -> u8 {
        let mut bits = 2;
        while (1usize << bits) < self.colours.len() {
            bits += 1;
        }
        bits
    }

    /// The palette index of one colour.
    #[cfg(test)]
    fn index(&self, c: [u8; 3]) -> u8 {
        self.lut[cell(c)]
    }

    /// Map an RGB buffer to palette indices.
    fn map(&self, rgb: &[u8], out: &mut [u8]) {
        for (o, p) in out.iter_mut().zip(rgb.chunks_exact(3)) {
            *o = self.lut[((p[0] as usize >> 3) << 10) | ((p[1] as usize >> 3) << 5) | (p[2] as usize >> 3)];
        }
    }
}

fn palette() -> &'static Palette {
    static P: OnceLock<Palette> = OnceLock::new();
    P.get_or_init(Palette::build)
}

/// A GIF LZW compressor (the classic `compress`-style encoder with a
/// variable code size of up to 12 bits, a clear code when the table is
/// full). The string table is a small open-addressing hash table that stays
/// in the CPU cache, and runs of one index (most of a frame is transparent
/// or white) are skipped at one compare per pixel. It writes the same codes
/// as byte-by-byte LZW, about three times faster than the `gif` crate's own
/// compressor, which matters at 37 million pixels per animation.
struct Lzw {
    /// `(code << 8 | byte) + 1` of each string in the table, 0 if the slot is free.
    keys: Vec<u32>,
    /// The code of the string in the same slot.
    codes: Vec<u16>,
    /// `runs[b]`: the codes of the strings bb, bbb, … (b repeated).
    runs: Vec<Vec<u16>>,
    /// The `b` of each entry of `runs` (to clear them).
    run_used: Vec<u8>,
}

/// Slots of the hash table (a power of two, twice the 4096 codes).
const LZW_SLOTS: usize = 8192;

impl Lzw {
    fn new() -> Self {
        Lzw {
            keys: vec![0; LZW_SLOTS],
            codes: vec![0; LZW_SLOTS],
            runs: vec![Vec::new(); 256],
            run_used: Vec::new(),
        }
    }

    fn reset(&mut self) {
        self.keys.fill(0);
        for &b in &self.run_used {
            self.runs[b as usize].clear();
        }
        self.run_used.clear();
    }

    /// The slot of `key`: where it is, or the free slot where it would go.
    #[inline]
    fn slot(&self, key: u32) -> usize {
        let mut i = (key.wrapping_mul(0x9E37_79B1) >> 19) as usize;
        loop {
            let k = self.keys[i];
            if k == key || k == 0 {
                return i;
            }
            i = (i + 1) & (LZW_SLOTS - 1);
        }
    }

    /// Compress palette indices (each below `2^min_code_size`) into what
    /// `Encoder::write_lzw_pre_encoded_frame` expects: the minimum code size,
    /// then the code stream.
    fn encode(&mut self, data: &[u8], min_code_size: u8) -> Vec<u8> {
        let clear = 1u32 << min_code_size;
        let eoi = clear + 1;
        let init_bits = min_code_size as u32 + 1;
        let mut out = Vec::with_capacity(data.len() / 8 + 64);
        out.push(min_code_size);
        let mut acc = 0u64;
        let mut acc_bits = 0u32;
        let mut bits = init_bits;
        let mut max_code = (1u32 << bits) - 1;
        let mut next = eoi + 1;
        let mut cleared = true;
        // write a code, then widen the codes once the next one to be
        // assigned no longer fits (or narrow them again after a clear)
        let mut emit = |code: u32, next: u32, cleared: &mut bool, out: &mut Vec<u8>| {
            acc |= (code as u64) << acc_bits;
            acc_bits += bits;
            while acc_bits >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                acc_bits -= 8;
            }
            if *cleared {
                bits = init_bits;
                max_code = (1 << bits) - 1;
                *cleared = false;
            } else if next > max_code {
                bits += 1;
                max_code = if bits == 12 { 4096 } else { (1 << bits) - 1 };
            }
        };
        self.reset();
        emit(clear, next, &mut cleared, &mut out);
        let n = data.len();
        let mut i = 0;
        while i < n {
            // A string starts at `i`. If a run of one index starts here, jump
            // over it: greedy matching through a run only ever meets the
            // strings b, bb, bbb… (kept in `runs[b]`, never in the hash
            // table, as no other lookup can ask for them), so this gives the
            // same codes as matching byte by byte, at one compare per byte.
            let b = data[i] as usize;
            let mut left = 1 + data[i + 1..].iter().take_while(|&&x| x as usize == b).count();
            i += left;
            let mut cur = loop {
                let known = self.runs[b].len() + 1; // b, bb, … up to this length
                let code = |len: usize| if len == 1 { b as u32 } else { self.runs[b][len - 2] as u32 };
                if left <= known {
                    break code(left);
                }
                emit(code(known), next, &mut cleared, &mut out);
                left -= known;
                if next < 4096 {
                    self.runs[b].push(next as u16);
                    self.run_used.push(b as u8);
                    next += 1;
                } else {
                    self.reset();
                    next = eoi + 1;
                    cleared = true;
                    emit(clear, next, &mut cleared, &mut out);
                }
            };
            // then match byte by byte until the string ends
            loop {
                let Some(&c) = data.get(i) else {
                    emit(cur, next, &mut cleared, &mut out);
                    break;
                };
                let key = (cur << 8 | c as u32) + 1;
                let slot = self.slot(key);
                if self.keys[slot] == key {
                    cur = self.codes[slot] as u32;
                    i += 1;
                    continue;
                }
                emit(cur, next, &mut cleared, &mut out);
                if next < 4096 {
                    self.keys[slot] = key;
                    self.codes[slot] = next as u16;
                    next += 1;
                } else {
                    self.reset();
                    next = eoi + 1;
                    cleared = true;
                    emit(clear, next, &mut cleared, &mut out);
                }
                break;
            }
        }
        emit(eoi, next, &mut cleared, &mut out);
        if acc_bits > 0 {
            out.push(acc as u8);
        }
        out
    }
}

/// The part of `next` that differs from `prev`, as a frame with the
/// unchanged pixels inside it transparent (a 1×1 transparent frame if none
/// changed).
fn changed_rect(prev: &[u8], next: &[u8], w: usize, h: usize, transparent: u8) -> gif::Frame<'static> {
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        let (a, b) = (&prev[y * w..(y + 1) * w], &next[y * w..(y + 1) * w]);
        if a == b {
            continue;
        }
        let first = a.iter().zip(b).position(|(p, q)| p != q).unwrap_or(0);
        let last = w - 1 - a.iter().rev().zip(b.iter().rev()).position(|(p, q)| p != q).unwrap_or(0);
        x0 = x0.min(first);
        x1 = x1.max(last);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return gif::Frame {
            width: 1,
            height: 1,
            transparent: Some(transparent),
            buffer: Cow::Owned(vec![transparent]),
            ..gif::Frame::default()
        };
    }
    let (fw, fh) = (x1 - x0 + 1, y1 - y0 + 1);
    let mut buf = Vec::with_capacity(fw * fh);
    for y in y0..=y1 {
        let (a, b) = (&prev[y * w + x0..=y * w + x1], &next[y * w + x0..=y * w + x1]);
        buf.extend(a.iter().zip(b).map(|(&p, &q)| if p == q { transparent } else { q }));
    }
    gif::Frame {
        left: x0 as u16,
        top: y0 as u16,
        width: fw as u16,
        height: fh as u16,
        transparent: Some(transparent),
        buffer: Cow::Owned(buf),
        ..gif::Frame::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_maps_its_own_colours_to_themselves() {
        let pal = palette();
        assert!(pal.colours.len() <= 256);
        for (i, c) in pal.colours.iter().enumerate() {
            if i as u8 != pal.transparent {
                assert_eq!(pal.index(*c) as usize, i, "{c:?}");
            }
        }
        // every theme colour is in the palette exactly
        for c in PALETTE.iter().chain([TEXT, RULE, OTHERS, GRID].iter()).chain([WHITE].iter()) {
            let i = pal.index([c.0, c.1, c.2]) as usize;
            assert_eq!(pal.colours[i], [c.0, c.1, c.2]);
        }
        // nothing maps to the transparent index
        assert!(pal.lut.iter().all(|&i| i != pal.transparent));
    }

    #[test]
    fn formats() {
        assert_eq!(money(173.0243), "$173M");
        assert_eq!(money(1.2851), "$1.3M");
        assert_eq!(money(2400.0), "$2.4B");
        assert_eq!(grouped(2455.01), "2,455");
        assert_eq!(grouped(980.0), "980");
        assert_eq!(grouped(2452.5), "2,452");
    }

    #[test]
    fn changed_rect_covers_exactly_the_changes() {
        let (w, h) = (6, 4);
        let prev = vec![1u8; w * h];
        let mut next = prev.clone();
        next[w + 2] = 3;
        next[2 * w + 4] = 5;
        let f = changed_rect(&prev, &next, w, h, 9);
        assert_eq!((f.left, f.top, f.width, f.height), (2, 1, 3, 2));
        assert_eq!(&f.buffer[..], &[3, 9, 9, 9, 9, 5]);
        let same = changed_rect(&prev, &prev, w, h, 9);
        assert_eq!((same.width, same.height), (1, 1));
    }

    /// Decode one frame of indices with the gif crate.
    fn roundtrip(data: &[u8], min_code_size: u8) -> Vec<u8> {
        let len = data.len().max(1);
        let (w, h) = (len.min(1000), len.div_ceil(1000));
        let mut pixels = data.to_vec();
        pixels.resize(w * h, 0);
        let palette: Vec<u8> = (0..(1usize << min_code_size) * 3).map(|i| i as u8).collect();
        let mut bytes = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut bytes, w as u16, h as u16, &palette).unwrap();
            let buffer = Cow::Owned(Lzw::new().encode(&pixels, min_code_size));
            let frame = gif::Frame { width: w as u16, height: h as u16, buffer, ..Default::default() };
            enc.write_lzw_pre_encoded_frame(&frame).unwrap();
        }
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut dec = opts.read_info(&bytes[..]).unwrap();
        let f = dec.read_next_frame().unwrap().unwrap();
        assert_eq!(f.buffer.len(), w * h);
        assert_eq!(&f.buffer[..], &pixels[..]);
        f.buffer.to_vec()
    }

    #[test]
    fn lzw_round_trips() {
        // runs, noise (forces table clears), every code size
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut noise = |bits: u8| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as u8 & ((1u16 << bits) - 1) as u8
        };
        for bits in [2u8, 3, 5, 7, 8] {
            let mut data: Vec<u8> = (0..300_000).map(|_| noise(bits)).collect();
            for (i, d) in data.iter_mut().enumerate().skip(100_000).take(100_000) {
                *d = ((i / 977) as u8) & (((1u16 << bits) - 1) as u8);
            }
            roundtrip(&data, bits);
            // runs of every length, crossing table clears
            let mut runs = Vec::new();
            while runs.len() < 400_000 {
                let (sym, len) = (noise(bits), noise(8) as usize * noise(4) as usize + 1);
                runs.extend(std::iter::repeat_n(sym, len));
            }
            roundtrip(&runs, bits);
            roundtrip(&data[..1], bits);
            roundtrip(&data[..5000], bits);
        }
        roundtrip(&vec![0; 1_000_000], 8);
    }

    fn short_baseline_run() -> RunData {
        let dir = tempfile::tempdir().unwrap();
        // long enough for the first acquisitions (month 42 with seed 42),
        // short enough for a quick debug test
        let mut world = crate::baseline();
        world.months = 50;
        let record = crate::run(world, 42);
        crate::record::write_outputs(&record, dir.path(), true).unwrap();
        crate::record::read_output(dir.path()).unwrap()
    }

    #[test]
    fn one_frame_per_month_and_deterministic() {
        let data = short_baseline_run();
        let gif_bytes = market_race_gif(&data).unwrap();
        let threads = if std::thread::available_parallelism().map_or(1, |t| t.get()) > 1 { 1 } else { 3 };
        assert_eq!(gif_bytes, race_gif(&data, threads).unwrap(), "same bytes on {threads} threads");
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut dec = opts.read_info(&gif_bytes[..]).unwrap();
        assert_eq!((dec.width() as u32, dec.height() as u32), (GIF_WIDTH, GIF_HEIGHT));
        // composite the frames as a viewer does and compare some with the
        // frame drawn directly
        let ctx = Ctx::new(&data).unwrap();
        let (w, h) = (GIF_WIDTH as usize, GIF_HEIGHT as usize);
        let (mut rgb, mut direct, mut canvas) = (vec![0u8; w * h * 3], vec![0u8; w * h], vec![0u8; w * h]);
        let n = data.months.len();
        let mut frames = 0;
        let mut delays = Vec::new();
        while let Some(f) = dec.read_next_frame().unwrap() {
            let (fl, ft, fw, fh) = (f.left as usize, f.top as usize, f.width as usize, f.height as usize);
            assert!(fl + fw <= w && ft + fh <= h);
            if frames == 0 {
                assert_eq!((fw, fh), (w, h));
            }
            for y in 0..fh {
                for x in 0..fw {
                    let p = f.buffer[y * fw + x];
                    if Some(p) != f.transparent {
                        canvas[(ft + y) * w + fl + x] = p;
                    }
                }
            }
            if [0, 1, n / 2, n - 1].contains(&frames) {
                ctx.render(frames, &mut rgb, &mut direct).unwrap();
                assert!(canvas == direct, "frame {frames} decodes to what was drawn");
            }
            delays.push(f.delay);
            frames += 1;
        }
        assert_eq!(frames, n);
        assert_eq!(*delays.last().unwrap(), LAST_DELAY_CS);
    }

    #[test]
    fn acquisitions_are_drawn_under_their_buyer() {
        let data = short_baseline_run();
        let plans = plan(&data);
        assert_eq!(plans.len(), data.months.len());
        // The first deal whose target is among the firms drawn (a race shows
        // the biggest firms; a deal among the long tail has no bar).
        let drawn = data.events.iter().filter(|e| e.kind() == EventKind::Acquisition).find_map(|deal| {
            plans[deal.month as usize].rows.iter().enumerate().find_map(|(i, r)| match r {
                Row::Acquired { name, buyer_row, buyer, .. }
                    if *name == deal.target && *buyer == deal.actor =>
                {
                    Some((deal, i, *buyer_row))
                }
                _ => None,
            })
        });
        let (deal, i, buyer_row) = drawn.expect("some bought firm is drawn in its deal month");
        let p = &plans[deal.month as usize];
        assert!(buyer_row < i);
        assert!(matches!(&p.rows[buyer_row], Row::Firm { name, merged, .. }
            if *name == deal.actor && merged.iter().any(|(m, _)| *m == deal.target)));
        assert!(p.banner_now);
        assert_eq!(p.banner.as_ref().unwrap().kind, Some(EventKind::Acquisition));
        // the month before, the bought firm is not shown as bought
        let before = &plans[deal.month as usize - 1];
        assert!(!before.rows.iter().any(|r| matches!(r, Row::Acquired { .. })) || deal.month == 0);
    }
}
