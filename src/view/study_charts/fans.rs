//! Fan charts of HHI and of independent firms over time: one fan per cell,
//! overlaid when few, as small multiples when many. Draws only; computes no
//! statistics beyond the faint all-cells mean.

use super::*;

// ---------------------------------------------------------------- fans

/// The groups of a fan chart: one per cell (grids, factorials), or the
/// all-runs group (Latin hypercubes, or when cells have no bands).
pub(super) fn fan_groups(study: &Study, metric: Metric) -> Vec<(String, &Band)> {
    let mut groups: Vec<(String, &Band)> = Vec::new();
    if study.design != DesignKind::LatinHypercube {
        for c in &study.cells {
            if let Some(b) = study.band(Some(c.id), metric) {
                groups.push((c.label.clone(), b));
            }
        }
    }
    if groups.is_empty() {
        groups.extend(study.bands.iter().filter(|b| b.metric == metric).map(|b| (b.group.clone(), b)));
    }
    groups.retain(|(_, b)| !b.points.is_empty());
    groups
}

/// A band's points as (x, mean, p5, p95), a one-month band widened to two.
pub(super) fn band_points(b: &Band) -> Vec<FanPoint> {
    let mut v: Vec<FanPoint> =
        b.points.iter().enumerate().map(|(i, p)| (i as f64, p.mean, p.p5, p.p95)).collect();
    if let [(_, m, lo, hi)] = v[..] {
        v.push((1.0, m, lo, hi));
    }
    v
}

pub(super) fn fan_title(metric: Metric) -> &'static str {
    match metric {
        Metric::Hhi => "HHI over time: mean of the runs and the band of 5–95% of runs",
        Metric::IndependentFirms => {
            "Independent firms over time: mean of the runs and the band of 5–95% of runs"
        }
        Metric::Cr4 => "CR4 over time: mean of the runs and the band of 5–95% of runs",
    }
}

/// The mean over groups (weighted by runs) at each month.
pub(super) fn overall_mean(groups: &[(String, &Band)]) -> Vec<(f64, f64)> {
    let len = groups.iter().map(|(_, b)| b.points.len()).max().unwrap_or(0);
    let mut out = Vec::with_capacity(len);
    for m in 0..len {
        let (mut s, mut w) = (0.0, 0.0);
        for (_, b) in groups {
            if let Some(p) = b.points.get(m) {
                let n = b.n.max(1) as f64;
                s += p.mean * n;
                w += n;
            }
        }
        if w > 0.0 {
            out.push((m as f64, s / w));
        }
    }
    if let [(_, v)] = out[..] {
        out.push((1.0, v));
    }
    out
}

pub(super) fn fan<DB: DrawingBackend>(
    study: &Study,
    metric: Metric,
    root: &DrawingArea<DB, Shift>,
) -> HoverResult {
    let groups = fan_groups(study, metric);
    let area = root.margin(20, 10, 20, 20).titled(fan_title(metric), title_style()).map_err(err)?;
    if groups.is_empty() {
        empty_panel(&area, metric.label(), "no monthly paths in this study")?;
        return Ok(Vec::new());
    }
    let len = groups.iter().map(|(_, b)| b.points.len()).max().unwrap_or(1);
    let x = 0.0..(len.max(2) - 1) as f64;
    let hi = bounds(groups.iter().flat_map(|(_, b)| b.points.iter().flat_map(|p| [p.p95, p.mean])))
        .map_or(1.0, |(_, h)| h);
    let lo = bounds(groups.iter().flat_map(|(_, b)| b.points.iter().flat_map(|p| [p.p5, p.mean])))
        .map_or(0.0, |(l, _)| l);
    // Start at zero when the data come near it; else zoom in, so cells that
    // differ by a few percent (HHI around 2,500) can be told apart.
    let y = if lo >= 0.0 && lo <= 0.3 * hi {
        0.0..hi * 1.06
    } else {
        let r = padded(lo, hi, 0.06);
        if lo >= 0.0 { r.start.max(0.0)..r.end } else { r }
    };
    let fans = Fans { study, metric, groups, x, y };
    if fans.groups.len() > MAX_OVERLAID { small_multiples(&fans, &area) } else { overlaid(&fans, &area) }
}

/// What a fan chart shows: the study's groups for `metric` and the ranges of
/// the axes.
pub(super) struct Fans<'s> {
    pub(super) study: &'s Study,
    pub(super) metric: Metric,
    pub(super) groups: Vec<(String, &'s Band)>,
    pub(super) x: std::ops::Range<f64>,
    pub(super) y: std::ops::Range<f64>,
}

/// A group's name for a hover text: the cell's readable name, or the group.
fn group_name(study: &Study, label: &str, b: &Band) -> String {
    match b.cell.and_then(|c| study.cells.iter().find(|cell| cell.id == c)) {
        Some(cell) => cell_names(study, cell).first().cloned().unwrap_or_else(|| label.to_string()),
        None => format!("all {} runs", b.n),
    }
}

/// `mean 2,345 (5–95% of runs: 1,900–2,800)` for month `m` of a band.
fn band_text(b: &Band, m: usize) -> String {
    match b.points.get(m) {
        Some(p) => format!(
            "mean {} (5–95% of runs: {}–{})",
            value_label(p.mean),
            value_label(p.p5),
            value_label(p.p95)
        ),
        None => "no value".to_string(),
    }
}

/// One hover column per month: the month and each group's mean and band.
fn fan_hover(study: &Study, metric: Metric, groups: &[(String, &Band)], m: usize) -> String {
    let mut t = format!("{} (month {m}) · {}", study.date(m as u32), metric.label());
    for (label, b) in groups {
        t.push_str(&format!("\n{}: {}", group_name(study, label, b), band_text(b, m)));
    }
    t
}

pub(super) fn overlaid<DB: DrawingBackend>(fans: &Fans<'_>, area: &DrawingArea<DB, Shift>) -> HoverResult {
    let Fans { study, metric, ref groups, .. } = *fans;
    let (x, y) = (fans.x.clone(), fans.y.clone());
    const LEGEND_W: u32 = 360;
    let (w, _) = area.dim_in_pixel();
    let (plot, side) = area.split_horizontally(w.saturating_sub(LEGEND_W));
    let mut chart = fan_axes(&plot, metric, study.start, x, y)?;
    let single = groups.len() == 1;
    let colour = |i: usize| if single { series_colour(0) } else { series_colour(i) };
    let fans: Vec<(Vec<FanPoint>, RGBColor)> =
        groups.iter().enumerate().map(|(i, (_, b))| (band_points(b), colour(i))).collect();
    draw_fans(&mut chart, &fans, if single { 0.25 } else { 0.08 }, 0.45)?;
    // Legend beside the plot: the cells, named as fully as the column allows.
    let style = legend_style();
    let mut entries: Vec<(Mark, String)> = Vec::new();
    for (i, (label, b)) in groups.iter().enumerate() {
        let runs = if b.cell.is_none() { String::new() } else { format!(" ({} runs)", b.n) };
        let room = LEGEND_W as i32 - 48 - text_width(area, &runs, &style);
        let text = match b.cell.and_then(|c| study.cells.iter().find(|cell| cell.id == c)) {
            Some(cell) => cell_title(area, study, cell, &style, room).0,
            None if label == "all runs" => format!("all {} runs", b.n),
            None => fit(area, label, &style, room),
        };
        entries.push((Mark::Line(colour(i), 4), format!("{text}{runs}")));
    }
    let band = if single { tint(series_colour(0), 0.25) } else { RGBColor(215, 215, 215) };
    entries.push((Mark::Fill(band), "5–95% of runs (band)".into()));
    let top = chart.plotting_area().get_base_pixel().1 - side.get_base_pixel().1;
    side_legend(&side, top, &["mean of the runs (line)"], &entries)?;
    let len = groups.iter().map(|(_, b)| b.points.len()).max().unwrap_or(0);
    let xs: Vec<f64> = (0..len).map(|m| m as f64).collect();
    Ok(hover::columns(&chart, &xs, |m| fan_hover(study, metric, groups, m)))
}

/// Columns of a grid of `n` panels in a `w`×`h` area, panels about 1.9:1.
pub(super) fn grid_columns(n: usize, w: f64, h: f64) -> usize {
    let mut best = (f64::INFINITY, 1);
    for c in 1..=n.max(1) {
        let r = n.div_ceil(c);
        let ratio = (w / c as f64) / (h / r as f64);
        let empty = (c * r - n) as f64;
        let score = (ratio / 1.9).ln().abs() + 0.15 * empty;
        if score < best.0 {
            best = (score, c);
        }
    }
    best.1
}

pub(super) fn small_multiples<DB: DrawingBackend>(
    fans: &Fans<'_>,
    area: &DrawingArea<DB, Shift>,
) -> HoverResult {
    let Fans { study, metric, ref groups, .. } = *fans;
    let (x, y) = (fans.x.clone(), fans.y.clone());
    let (key, rest) = area.split_vertically(34);
    let colour = series_colour(0);
    let (w, h) = rest.dim_in_pixel();
    let cols = grid_columns(groups.len(), w as f64, h as f64);
    let rows = groups.len().div_ceil(cols);
    let panels = rest.split_evenly((rows, cols));
    let reference = overall_mean(groups);
    let span = y.end - y.start;
    let (pw0, ph) = panels[0].dim_in_pixel();
    let small = if ph < 150 { 12 } else { 14 };
    let ticks = time_ticks(study.start, x.end as usize + 1, ((pw0 / 80) as usize).clamp(2, 8));
    let titles: Vec<(String, bool)> = groups
        .iter()
        .map(|(label, b)| match b.cell.and_then(|c| study.cells.iter().find(|cell| cell.id == c)) {
            Some(cell) => cell_title(&rest, study, cell, &bold(small + 1), pw0 as i32 - 16),
            None => (fit(&rest, label, &bold(small + 1), pw0 as i32 - 16), false),
        })
        .collect();
    let mut entries = vec![
        (Mark::Line(colour, 3), "mean of the cell's runs".to_string()),
        (Mark::Fill(tint(colour, 0.25)), "5–95% of the cell's runs".to_string()),
        (Mark::Line(RGBColor(150, 150, 150), 2), "mean of all cells (for reference)".to_string()),
    ];
    if titles.iter().any(|t| t.1) {
        let names: Vec<String> = (0..study.params.len()).map(|p| param_short(study, p)).collect();
        entries.push((Mark::Blank, format!("panels: {}", names.join(", "))));
    }
    legend_row(&key, None, 14, &entries)?;
    let mut regions = Vec::new();
    for (i, (((_, b), panel), (title, _))) in groups.iter().zip(&panels).zip(titles).enumerate() {
        let bottom_row = i / cols == rows - 1 || i + cols >= groups.len();
        let layout = [6, 14, if bottom_row { 24 } else { 20 }, if span >= 1000.0 { 52 } else { 40 }];
        let mut chart = captioned(panel, (&title, bold(small + 1)), layout, x.clone(), y.clone())?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID)
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(5)
            .y_label_formatter(&|v| tick(*v, span))
            .label_style(font(small))
            .draw()
            .map_err(err)?;
        draw_time_axis(panel, &mut chart, &ticks, small)?;
        let pts = band_points(b);
        chart.draw_series(std::iter::once(band_polygon(&pts, colour.mix(0.25).filled()))).map_err(err)?;
        chart
            .draw_series(LineSeries::new(reference.iter().copied(), RGBColor(150, 150, 150).stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
            .map_err(err)?;
        let xs: Vec<f64> = (0..b.points.len()).map(|m| m as f64).collect();
        let one = std::slice::from_ref(&groups[i]);
        regions.extend(hover::columns(&chart, &xs, |m| fan_hover(study, metric, one, m)));
    }
    Ok(regions)
}
