//! The time axis of every chart: calendar ticks on January of each year
//! (and July, quarters or months when there is room; every few years when
//! there is not), labelled "Jan 2023" / "Jul", with their grid lines, for
//! run, study, comparison and panel charts alike (plotters' own x labels
//! would fall on round numbers of months). Knows months and pixels, not
//! data.

use crate::record::RunData;
use crate::view::text::{anchored, font, text_px, text_width};
use crate::view::theme::*;
use crate::world::Month;
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A chart with linear x and y axes.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

// ---------------------------------------------------------------- run charts

/// `YYYY-MM` of tick `x` (rounded), for the time axis.
pub fn date_of(data: &RunData, x: f64) -> String {
    let t = x.round() as i32;
    data.world.start.plus(t).to_string()
}

/// The x range of a run's months.
pub fn time_range(data: &RunData) -> std::ops::Range<f64> {
    0.0..(data.months.len().max(2) - 1) as f64
}

/// The grid lines of a run chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grid {
    /// Light and bold grid lines.
    Fine,
    /// Bold grid lines only.
    Coarse,
    /// Bold grid lines, light ones drawn invisible (they still space the labels).
    Clear,
    /// No grid lines.
    None,
}

/// The mesh of a run chart: its y grid and the theme's text styles; the
/// x axis gets no labels or grid lines from plotters (they would fall on
/// round numbers of months, every 10 months): after `draw()`, the caller
/// draws the calendar ticks with [`run_time_axis`]. The caller adds the y
/// axis and draws.
pub fn run_mesh<'m, 'a, 'b, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, RangedCoordf64, Y, DB>,
    grid: Grid,
) -> &'m mut MeshStyle<'a, 'b, RangedCoordf64, Y, DB>
where
    Y: Ranged,
    DB: DrawingBackend,
{
    match grid {
        Grid::Fine => mesh.light_line_style(GRID).bold_line_style(GRID),
        Grid::Coarse => mesh.max_light_lines(0).bold_line_style(GRID),
        Grid::Clear => mesh.light_line_style(TRANSPARENT).bold_line_style(GRID),
        Grid::None => mesh.disable_mesh(),
    };
    mesh.x_labels(0).axis_desc_style(label_style()).label_style(tick_style())
}

/// The calendar time axis of a run chart whose mesh [`run_mesh`] drew:
/// vertical grid lines at the calendar ticks (none with `Grid::None`), and
/// with `labels` the ticks and their labels below the plot on `area` (the
/// area the chart was built on). Ticks from [`calendar_ticks`].
pub fn run_time_axis<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    data: &RunData,
    grid: Grid,
    labels: bool,
) -> ChartResult {
    let (pw, _) = chart.plotting_area().dim_in_pixel();
    let len = data.months.len().max(2);
    let style = tick_style();
    let ticks = calendar_ticks(data.world.start, len, pw as i32, |s| text_width(area, s, &style));
    if grid != Grid::None {
        let y = chart.y_range();
        let (lo, hi) = (y.start, y.end);
        for tick in ticks.iter().filter(|t| t.grid) {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(tick.at, lo), (tick.at, hi)],
                    GRID.stroke_width(1),
                )))
                .map_err(err)?;
        }
    }
    if labels {
        let y0 = chart.y_range().start;
        let (bx, by) = area.get_base_pixel();
        let label = anchored(font(TICK_SIZE), HPos::Center, VPos::Top);
        for tick in &ticks {
            let (px, py) = chart.backend_coord(&(tick.at, y0));
            let len = if tick.label.is_empty() { 3 } else { 6 };
            area.draw(&PathElement::new(
                vec![(px - bx, py - by), (px - bx, py + len - by)],
                TEXT.stroke_width(1),
            ))
            .map_err(err)?;
            if !tick.label.is_empty() {
                text_px(area, &tick.label, (px, py + 8), &label)?;
            }
        }
    }
    Ok(())
}

/// One tick of a calendar time axis: its position (months since the start),
/// its label (empty: a small unlabelled tick), and whether a grid line is
/// drawn there.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeTick {
    pub at: f64,
    pub label: String,
    pub grid: bool,
}

/// Three-letter month names, for tick labels.
const MONTH_NAMES: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The calendar ticks of a time axis of `len` months from `start`, `width`
/// pixels wide, whose labels are `measure` pixels wide: January of each
/// year labelled "Jan 2023" and July labelled "Jul" when there is room
/// (quarters or months as well on an axis of 18 months or less); else
/// every January
/// ("Jan 2023", July an unlabelled tick), else every 2nd, 5th or 10th year
/// ("2030", other Januaries unlabelled). The first labelled tick always
/// names its year. The densest scheme whose labels keep 12 pixels apart
/// wins; grid lines go on the labelled ticks.
pub fn calendar_ticks(start: Month, len: usize, width: i32, measure: impl Fn(&str) -> i32) -> Vec<TimeTick> {
    let len = len.max(2);
    let per_month = width.max(1) as f64 / (len - 1) as f64;
    let month_of = |t: usize| start.plus(t as i32);
    // (months between labelled ticks, years between labelled Januaries)
    // quarters and months only on a short axis (a year and a half at most)
    let schemes = [(1usize, 1i32), (3, 1), (6, 1), (12, 1), (12, 2), (12, 5), (12, 10), (12, 20), (12, 50)];
    let from = if len <= 18 { 0 } else { 2 };
    for &(step, years) in &schemes[from..] {
        let mut ticks = Vec::new();
        let mut first = true;
        for t in 0..len {
            let m = month_of(t);
            let (month, year) = (m.month() as usize, m.year());
            let on_step = (month - 1) % step == 0;
            let labelled = on_step && (step < 12 || year.rem_euclid(years) == 0);
            let minor = !labelled && (month == 1 || (step == 12 && years == 1 && month == 7));
            if !(labelled || minor) {
                continue;
            }
            let label = if !labelled {
                String::new()
            } else if step == 12 && years > 1 {
                year.to_string()
            } else if month == 1 || first {
                format!("{} {year}", MONTH_NAMES[month - 1])
            } else {
                MONTH_NAMES[month - 1].to_string()
            };
            first &= !labelled;
            ticks.push(TimeTick { at: t as f64, label, grid: labelled });
        }
        let labelled: Vec<&TimeTick> = ticks.iter().filter(|t| !t.label.is_empty()).collect();
        let fits = labelled.windows(2).all(|w| {
            let gap = (w[1].at - w[0].at) * per_month;
            gap >= (measure(&w[0].label) + measure(&w[1].label)) as f64 / 2.0 + 12.0
        });
        if fits && !labelled.is_empty() && (labelled.len() >= 2 || step == 1) {
            return ticks;
        }
    }
    // No scheme fits: the first and the last month.
    [0, len - 1]
        .into_iter()
        .map(|t| {
            let m = month_of(t);
            TimeTick {
                at: t as f64,
                label: format!("{} {}", MONTH_NAMES[m.month() as usize - 1], m.year()),
                grid: true,
            }
        })
        .collect()
}

// ---------------------------------------------------------------- calendar ticks

/// Calendar ticks for a time axis of `len` months from `start` with room
/// for about `max` labels: [`calendar_ticks`] (January and July, or every
/// January, …) as (position, label) pairs, an empty label for an
/// unlabelled tick.
pub fn time_ticks(start: Month, len: usize, max: usize) -> Vec<(f64, String)> {
    // as if each label were 80 pixels wide and `max` of them filled the axis
    let width = (max.max(2) * 92) as i32;
    calendar_ticks(start, len, width, |_| 80).into_iter().map(|t| (t.at, t.label)).collect()
}

/// Tick labels drawn below a chart's x axis at given positions (in any
/// order), thinned so none overlap; an empty label is a small tick alone.
pub fn x_ticks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    ticks: &[(f64, String)],
    size: u32,
) -> ChartResult {
    let style = anchored(font(size), HPos::Center, VPos::Top);
    let y0 = chart.y_range().start;
    let mut last_right = i32::MIN;
    let mut sorted: Vec<&(f64, String)> = ticks.iter().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (bx, by) = root.get_base_pixel();
    for (x, label) in sorted {
        let (px, py) = chart.backend_coord(&(*x, y0));
        if label.is_empty() {
            root.draw(&PathElement::new(
                vec![(px - bx, py - by), (px - bx, py + 3 - by)],
                TEXT.stroke_width(1),
            ))
            .map_err(err)?;
            continue;
        }
        let w = text_width(root, label, &style);
        if px - w / 2 < last_right + 8 {
            continue;
        }
        root.draw(&PathElement::new(vec![(px - bx, py - by), (px - bx, py + 5 - by)], TEXT.stroke_width(1)))
            .map_err(err)?;
        text_px(root, label, (px, py + 8), &style)?;
        last_right = px + w / 2;
    }
    Ok(())
}

/// Light vertical grid lines at the labelled time ticks, and the ticks and
/// their labels below the axis.
pub fn draw_time_axis<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut Chart<'_, DB>,
    ticks: &[(f64, String)],
    size: u32,
) -> ChartResult {
    let y = chart.y_range();
    for (t, _) in ticks.iter().filter(|t| !t.1.is_empty()) {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*t, y.start), (*t, y.end)],
                GRID.stroke_width(1),
            )))
            .map_err(err)?;
    }
    x_ticks(area, chart, ticks, size)
}

/// Axes over `x` months from `start` (calendar ticks and light vertical
/// grid lines) against `y`, described by `desc` (y, x), with `y_labels`
/// labels (else the default number) written by `y_format`.
pub fn time_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    start: Month,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    desc: (&str, &str),
    y_labels: Option<usize>,
    y_format: &dyn Fn(&f64) -> String,
) -> Result<Chart<'a, DB>, String> {
    let mut chart = ChartBuilder::on(plot)
        .margin_top(10)
        .margin_right(20)
        .x_label_area_size(55)
        .y_label_area_size(85)
        .build_cartesian_2d(x.clone(), y)
        .map_err(err)?;
    let mut mesh = chart.configure_mesh();
    mesh.max_light_lines(0).bold_line_style(GRID).disable_x_mesh().x_labels(0);
    if let Some(n) = y_labels {
        mesh.y_labels(n);
    }
    mesh.y_label_formatter(y_format)
        .y_desc(desc.0)
        .x_desc(desc.1)
        .axis_desc_style(label_style())
        .label_style(tick_style())
        .draw()
        .map_err(err)?;
    let plot_w = chart.plotting_area().dim_in_pixel().0;
    let style = tick_style();
    let ticks: Vec<(f64, String)> =
        calendar_ticks(start, x.end as usize + 1, plot_w as i32, |s| text_width(plot, s, &style))
            .into_iter()
            .map(|t| (t.at, t.label))
            .collect();
    draw_time_axis(plot, &mut chart, &ticks, TICK_SIZE)?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 9 pixels a character, as the 17-pixel tick font about is.
    fn w(s: &str) -> i32 {
        s.chars().count() as i32 * 9
    }

    fn months_of(start: Month, ticks: &[TimeTick]) -> Vec<u32> {
        ticks.iter().map(|t| start.plus(t.at as i32).month()).collect()
    }

    #[test]
    fn a_six_year_run_is_ticked_on_january_and_july() {
        let start = Month::new(2022, 1);
        let ticks = calendar_ticks(start, 72, 1000, w);
        assert!(months_of(start, &ticks).iter().all(|m| *m == 1 || *m == 7), "{ticks:?}");
        assert!(ticks.iter().all(|t| !t.label.is_empty()), "room for every July: {ticks:?}");
        assert_eq!(ticks[0], TimeTick { at: 0.0, label: "Jan 2022".into(), grid: true });
        assert_eq!(ticks[1].label, "Jul");
        assert_eq!(ticks[2].label, "Jan 2023");
        assert_eq!(ticks.len(), 12);
        // the October rules fall halfway between a July and a January tick
        let oct = Month::new(2022, 10).since(start) as f64;
        assert!(ticks.iter().any(|t| t.at == oct - 3.0) && ticks.iter().any(|t| t.at == oct + 3.0));
        // a three-year run with room for quarters still gets January and July only
        let start = Month::new(2022, 7);
        let ticks = calendar_ticks(start, 36, 1000, w);
        assert!(months_of(start, &ticks).iter().all(|m| *m == 1 || *m == 7), "{ticks:?}");
        assert_eq!(ticks[0].label, "Jul 2022");
    }

    #[test]
    fn narrow_axes_keep_january_and_drop_july_labels_first() {
        let start = Month::new(2022, 1);
        let ticks = calendar_ticks(start, 72, 600, w);
        assert!(months_of(start, &ticks).iter().all(|m| *m == 1 || *m == 7));
        for t in &ticks {
            let m = start.plus(t.at as i32);
            assert_eq!(t.label.is_empty(), m.month() == 7, "{t:?}");
            if m.month() == 1 {
                assert_eq!(t.label, format!("Jan {}", m.year()));
            }
        }
        // a long run on a narrow axis: every few years, only Januaries
        let ticks = calendar_ticks(start, 600, 600, w);
        assert!(months_of(start, &ticks).iter().all(|m| *m == 1));
        let labelled: Vec<&str> =
            ticks.iter().filter(|t| !t.label.is_empty()).map(|t| t.label.as_str()).collect();
        assert!(labelled.len() >= 2 && labelled.iter().all(|l| l.len() == 4), "{labelled:?}");
    }

    #[test]
    fn labels_never_overlap_and_the_first_names_its_year() {
        for (y, m, len, width) in
            [(2022, 3, 72, 1000), (2023, 7, 30, 800), (2024, 11, 14, 900), (2022, 1, 3, 500)]
        {
            let start = Month::new(y, m);
            let ticks = calendar_ticks(start, len, width, w);
            let labelled: Vec<&TimeTick> = ticks.iter().filter(|t| !t.label.is_empty()).collect();
            assert!(!labelled.is_empty(), "{start}: {ticks:?}");
            assert!(labelled[0].label.chars().any(|c| c.is_ascii_digit()), "{ticks:?}");
            let per = width as f64 / (len - 1) as f64;
            for p in labelled.windows(2) {
                let gap = (p[1].at - p[0].at) * per;
                assert!(gap >= (w(&p[0].label) + w(&p[1].label)) as f64 / 2.0 + 12.0, "{p:?}");
            }
            assert!(ticks.iter().all(|t| t.at >= 0.0 && t.at <= (len - 1) as f64));
        }
        // a short run gets quarters or months, still with January and July
        let ticks = calendar_ticks(Month::new(2024, 11), 14, 900, w);
        let start = Month::new(2024, 11);
        assert!(months_of(start, &ticks).contains(&1) && months_of(start, &ticks).contains(&7));
    }

    #[test]
    fn study_ticks_are_january_and_july_too() {
        let start = Month::new(2022, 1);
        let ticks = time_ticks(start, 72, 12);
        assert!(ticks.iter().all(|(t, _)| matches!(start.plus(*t as i32).month(), 1 | 7)), "{ticks:?}");
        assert_eq!(ticks[0].1, "Jan 2022");
        let ticks = time_ticks(start, 72, 4);
        assert!(ticks.iter().filter(|t| !t.1.is_empty()).all(|(t, _)| start.plus(*t as i32).month() == 1));
    }
}
