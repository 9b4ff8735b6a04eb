//! Export-rule markers on a run's time axis: when each rule takes effect
//! ([`rule_ticks`]) and the one function that draws them ([`draw_rules`]):
//! dashed red vertical lines across the plot, labelled plainly in a strip
//! reserved above the plot ([`strip_height`] pixels, which the chart adds to
//! its top margin), so no series, band or legend inside the plot can run
//! through a label; where the labels go is [`place_labels`] (off each other
//! and off the other rules' lines, or shortened, or left out). Every run
//! chart and the GIF take the rules from here.

use crate::record::RunData;
use crate::view::theme::{ChartResult, FAMILY, RULE, err};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Ticks at which each export rule takes effect, with its name (rules in
/// force before the start are at 0; rules after the end are left out).
pub fn rule_ticks(data: &RunData) -> Vec<(f64, String)> {
    let n = data.months.len() as i32;
    data.world
        .policy
        .rules
        .iter()
        .filter_map(|r| {
            let t = r.effective.since(data.world.start).max(0);
            (t < n).then(|| (t as f64, format!("US rule {}", r.name)))
        })
        .collect()
}

/// The style of a rule's label.
pub fn rule_label_style() -> TextStyle<'static> {
    (FAMILY, 16).into_font().color(&RULE)
}

/// Height in pixels of the label strip above a plot: room for one row of
/// labels when the run has a rule to label, else nothing.
pub fn strip_height(data: &RunData) -> u32 {
    if rule_ticks(data).is_empty() { 0 } else { STRIP }
}

/// The strip's height when there are labels.
const STRIP: u32 = 24;
/// Pixels between a label and its line, and between two labels.
const GAP: i32 = 5;

/// How the rule lines are labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLabels {
    /// No labels (the lower panel of a chart whose upper panel has them, or
    /// a chart that names the rules elsewhere).
    None,
    /// Labels in the strip above the plot (the chart's top margin must hold
    /// [`strip_height`] pixels).
    Above,
}

/// A rule label placed in the strip: its left and right pixel, its text
/// (the full one or the short one), and whether it is left of its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub x0: i32,
    pub x1: i32,
    pub text: String,
    pub left_of_line: bool,
}

/// Where each rule's label goes in the strip between pixels `left` and
/// `right`: `rules` are (line x, its texts from the fullest to the
/// shortest) in time order, and `width` measures a text. A label goes right
/// of its line, else left of it, never over another label or another
/// rule's line. Every label takes the same form: the fullest in which all
/// of them find a spot (else the one that places the most). `None` for a
/// label with no spot (the legend still says what the red lines are).
pub fn place_labels(
    rules: &[(i32, Vec<String>)],
    width: impl Fn(&str) -> i32,
    left: i32,
    right: i32,
) -> Vec<Option<Placed>> {
    let forms = rules.iter().map(|r| r.1.len()).min().unwrap_or(0);
    let mut best: Vec<Option<Placed>> = vec![None; rules.len()];
    for form in 0..forms {
        let placed = place_form(rules, form, &width, left, right);
        if placed.iter().all(Option::is_some) {
            return placed;
        }
        if placed.iter().flatten().count() > best.iter().flatten().count() {
            best = placed;
        }
    }
    best
}

/// [`place_labels`] with the `form`-th text of every rule.
fn place_form(
    rules: &[(i32, Vec<String>)],
    form: usize,
    width: &impl Fn(&str) -> i32,
    left: i32,
    right: i32,
) -> Vec<Option<Placed>> {
    let mut out: Vec<Option<Placed>> = Vec::with_capacity(rules.len());
    for (i, (x, texts)) in rules.iter().enumerate() {
        let text = &texts[form];
        let w = width(text);
        let spot = [false, true].into_iter().find_map(|left_of_line| {
            let (x0, x1) = if left_of_line { (x - GAP - w, x - GAP) } else { (x + GAP, x + GAP + w) };
            let inside = x0 >= left && x1 <= right;
            let clear_of_labels = out.iter().flatten().all(|p| x1 + GAP <= p.x0 || x0 >= p.x1 + GAP);
            let clear_of_lines =
                rules.iter().enumerate().all(|(j, (lx, _))| j == i || *lx < x0 - 2 || *lx > x1 + 2);
            (inside && clear_of_labels && clear_of_lines).then(|| Placed {
                x0,
                x1,
                text: text.clone(),
                left_of_line,
            })
        });
        out.push(spot);
    }
    out
}

/// A rule's label on a chart: the rule's tick, where [`place_labels`] put
/// it, and the top and bottom of its box in backend pixels (the strip above
/// the plot, bottom at the plot's top edge).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleLabel {
    pub t: f64,
    pub placed: Placed,
    pub top: i32,
    pub bottom: i32,
}

/// The labels of a run's rules on `chart`, as [`place_labels`] places them.
pub fn label_boxes<DB, Y>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    data: &RunData,
) -> Result<Vec<RuleLabel>, String>
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64>,
{
    let area = chart.plotting_area();
    let (left, top) = area.get_base_pixel();
    let (pw, _) = area.dim_in_pixel();
    let right = left + pw as i32;
    let font = rule_label_style();
    let y_top = chart.y_range().end;
    let ticks = rule_ticks(data);
    let rules: Vec<(i32, Vec<String>)> = ticks
        .iter()
        .map(|(t, label)| {
            let name = label.trim_start_matches("US rule ");
            let forms = vec![label.clone(), format!("rule {name}"), name.to_string()];
            (chart.backend_coord(&(*t, y_top)).0, forms)
        })
        .collect();
    let width =
        |s: &str| area.estimate_text_size(s, &font).map(|(w, _)| w as i32).unwrap_or(s.len() as i32 * 9);
    let placed = place_labels(&rules, width, left, right);
    Ok(ticks
        .into_iter()
        .zip(placed)
        .filter_map(|((t, _), p)| {
            p.map(|placed| RuleLabel { t, placed, top: top - STRIP as i32, bottom: top - 2 })
        })
        .collect())
}

/// Draw the export rules of a run across `chart` (over the y range `y`) as
/// dashed vertical lines, labelled as `labels` says. Works on a linear or a
/// log y axis.
pub fn draw_rules<DB, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    data: &RunData,
    y: std::ops::Range<f64>,
    labels: RuleLabels,
) -> ChartResult
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64>,
{
    for (t, _) in rule_ticks(data) {
        chart
            .draw_series(DashedLineSeries::new(vec![(t, y.start), (t, y.end)], 8, 5, RULE.stroke_width(2)))
            .map_err(err)?;
    }
    if labels == RuleLabels::None {
        return Ok(());
    }
    let top = chart.plotting_area().get_base_pixel().1;
    let y_top = chart.y_range().end;
    for RuleLabel { t, placed: p, top: y0, bottom: y1 } in label_boxes(chart, data)? {
        // the line continues into the strip, up to the label's middle
        let (lx, ly) = chart.backend_coord(&(t, y_top));
        let mid = (y0 + y1) / 2;
        let (anchor, tx) = if p.left_of_line { (HPos::Right, p.x1) } else { (HPos::Left, p.x0) };
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((t, y_top))
                    + PathElement::new(vec![(0, top - ly), (0, mid - ly - 6)], RULE.stroke_width(2))
                    + Text::new(
                        p.text,
                        (tx - lx, mid - ly),
                        rule_label_style().pos(Pos::new(anchor, VPos::Center)),
                    ),
            ))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(x: i32, name: &str) -> (i32, Vec<String>) {
        (x, vec![format!("US rule {name}"), format!("rule {name}"), name.to_string()])
    }

    /// 8 pixels a character.
    fn w(s: &str) -> i32 {
        s.chars().count() as i32 * 8
    }

    fn assert_clear(rules: &[(i32, Vec<String>)], placed: &[Option<Placed>], left: i32, right: i32) {
        let boxes: Vec<&Placed> = placed.iter().flatten().collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.x0 >= left && a.x1 <= right, "{a:?} outside {left}..{right}");
            assert_eq!(a.x1 - a.x0, w(&a.text));
            for b in &boxes[i + 1..] {
                assert!(a.x1 <= b.x0 || b.x1 <= a.x0, "labels overlap: {a:?} {b:?}");
            }
        }
        for (i, p) in placed.iter().enumerate() {
            let Some(p) = p else { continue };
            let own = rules[i].0;
            assert!(if p.left_of_line { p.x1 < own } else { p.x0 > own }, "{p:?} beside its line {own}");
            for (j, r) in rules.iter().enumerate() {
                if j != i {
                    assert!(r.0 < p.x0 || r.0 > p.x1, "rule line {} cuts {p:?}", r.0);
                }
            }
        }
    }

    #[test]
    fn labels_go_right_of_their_lines_when_there_is_room() {
        let rules = [rule(200, "2022-10-07"), rule(400, "2023-10-17")];
        let placed = place_labels(&rules, w, 100, 1100);
        assert_eq!(placed[0].as_ref().unwrap().x0, 205);
        assert_eq!(placed[0].as_ref().unwrap().text, "US rule 2022-10-07");
        assert!(placed.iter().flatten().all(|p| !p.left_of_line));
        assert_clear(&rules, &placed, 100, 1100);
    }

    #[test]
    fn crowded_labels_flip_shorten_or_are_left_out() {
        // near the right edge: left of the line
        let rules = [rule(1080, "2025-04")];
        let placed = place_labels(&rules, w, 100, 1100);
        assert!(placed[0].as_ref().unwrap().left_of_line);
        // two rules a few pixels apart, then a third close by
        let rules = [rule(300, "2022-10-07"), rule(340, "2023-10-17"), rule(380, "2024-12-02")];
        let placed = place_labels(&rules, w, 100, 1100);
        assert_clear(&rules, &placed, 100, 1100);
        assert!(placed.iter().flatten().count() >= 2, "{placed:?}");
        // lines 140 pixels apart: every label shortened alike, so all fit
        let rules = [rule(218, "2022-10-07"), rule(357, "2023-10-17")];
        let placed = place_labels(&rules, w, 115, 935);
        assert_clear(&rules, &placed, 115, 935);
        let texts: Vec<&str> = placed.iter().flatten().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["rule 2022-10-07", "rule 2023-10-17"]);
        // no room at all: nothing placed, nothing overlapping
        let rules = [rule(105, "a"), rule(110, "b")];
        let placed = place_labels(&rules, w, 100, 115);
        assert_clear(&rules, &placed, 100, 115);
        // many rules 37 pixels apart: no label fits between two lines
        let rules: Vec<_> = (0..30).map(|k| rule(100 + k * 37, &format!("20{k:02}-01"))).collect();
        let placed = place_labels(&rules, w, 100, 1200);
        assert_clear(&rules, &placed, 100, 1200);
        // 90 pixels apart: all of them, in the short form
        let rules: Vec<_> = (0..12).map(|k| rule(100 + k * 90, &format!("20{k:02}-01"))).collect();
        let placed = place_labels(&rules, w, 100, 1200);
        assert_clear(&rules, &placed, 100, 1200);
        assert!(placed.iter().all(|p| p.as_ref().is_some_and(|p| p.text.len() == 7)), "{placed:?}");
    }
}
