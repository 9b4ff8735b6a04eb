//! Drawing one frame of the race (and the background all frames share) into
//! an RGB buffer with plotters. Encodes nothing.

use super::*;

// ---------------------------------------------------------------- drawing

/// Geometry shared by every frame.
pub(super) struct Layout {
    /// Share at the right end of the axis.
    pub(super) axis_max: f64,
    /// Tick step of the share axis.
    pub(super) step: f64,
    pub(super) row_h: i32,
}

impl Layout {
    pub(super) fn new(data: &RunData, plans: &[FramePlan]) -> Self {
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
    pub(super) fn px(&self, share: f64) -> i32 {
        let w = (share / self.axis_max * (BAR_X1 - BAR_X0) as f64).round() as i32;
        if share > 0.0 { w.max(2) } else { 0 }
    }
}

pub(super) type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

pub(super) fn label(root: &Area<'_>, text: &str, style: &TextStyle<'_>, at: (i32, i32)) -> ChartResult {
    root.draw_text(text, style, at).map_err(err)
}

/// A filled box from `(x0, y0)` to `(x1, y1)` (inclusive).
pub(super) fn rect(root: &Area<'_>, x0: i32, y0: i32, x1: i32, y1: i32, c: RGBColor) -> ChartResult {
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled())).map_err(err)
}

/// A vertical line one pixel wide.
pub(super) fn vline(root: &Area<'_>, x: i32, y0: i32, y1: i32, c: RGBColor) -> ChartResult {
    root.draw(&PathElement::new(vec![(x, y0), (x, y1)], c.stroke_width(1))).map_err(err)
}

/// A faded, striped box with an outline: a bar that is going away.
pub(super) fn ghost_bar(root: &Area<'_>, x0: i32, y0: i32, x1: i32, y1: i32, c: RGBColor) -> ChartResult {
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
pub(super) fn arrow(root: &Area<'_>, from: (i32, i32), to: (i32, i32), c: RGBColor) -> ChartResult {
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
pub(super) fn draw_background(root: &Area<'_>, data: &RunData, layout: &Layout) -> ChartResult {
    root.fill(&WHITE).map_err(err)?;
    label(root, "Who serves China's LLM tokens? Each lab's share, month by month", &bold(20), (MARGIN, 12))?;
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
        "share of tokens served",
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

pub(super) fn timeline_x(t: usize, n: usize) -> i32 {
    TIMELINE_X0 + ((TIMELINE_X1 - TIMELINE_X0) as f64 * t as f64 / (n.max(2) - 1) as f64).round() as i32
}

pub(super) fn draw_frame(
    root: &Area<'_>,
    data: &RunData,
    layout: &Layout,
    p: &FramePlan,
    t: usize,
) -> ChartResult {
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
                // the slice that came from each bought firm, at the tip:
                // striped in the buyer's colour (it is the buyer's now)
                let mut tip = BAR_X0 + w - 1;
                for (_, s) in merged {
                    let mw = layout.px(*s);
                    if mw >= 3 && tip - mw >= BAR_X0 {
                        ghost_bar(root, tip - mw + 1, bar_top(i), tip, bar_bottom(i), c)?;
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
                // the bought firm's box in its BUYER's colour, so it reads as
                // part of the buyer (its own name is on the row)
                let c = colour(buyer);
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
pub(super) fn kind_colour(kind: Option<EventKind>) -> RGBColor {
    match kind {
        Some(EventKind::Acquisition) => PALETTE[4],
        Some(EventKind::Exit | EventKind::RuleEffective | EventKind::RuleAnnounced) => RULE,
        Some(EventKind::FundingRound) => PALETTE[2],
        _ => PALETTE[0],
    }
}
