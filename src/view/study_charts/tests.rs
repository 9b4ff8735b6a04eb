//! Tests of the study charts: every design renders, names and captions agree
//! with the registry, hostile names are drawn as text.

use super::*;

const FAN_HHI: &str = "fan_hhi";
const FAN_FIRMS: &str = "fan_independent_firms";
const OUTCOME_VS_PARAM: &str = "outcome_vs_param";
const HEATMAP: &str = "heatmap";
const EFFECTS: &str = "effects";
const SENSITIVITY: &str = "sensitivity";
const TIME: &str = "time_to_consolidation";

#[test]
fn padded_ranges_never_have_zero_width() {
    let r = padded(5.0, 5.0, 0.1);
    assert!(r.end > r.start);
    let r = padded(0.0, 0.0, 0.1);
    assert!(r.end > r.start);
    let r = padded(0.0, 10.0, 0.1);
    assert!(bounds([f64::NAN]).is_none());
    assert_eq!(r, -1.0..11.0);
}

#[test]
fn ticks_and_values_read_well() {
    assert_eq!(tick(2000.0, 3000.0), "2,000");
    assert_eq!(tick(2.5, 10.0), "2.5");
    assert_eq!(rho(-0.004), "0.00");
    assert_eq!(rho(-0.37), "−0.37");
    assert_eq!(rho(0.481), "+0.48");
    assert_eq!(pretty_value("5500.0"), "5,500");
    assert_eq!(pretty_value("44000"), "44,000");
    assert_eq!(pretty_value("0.7001077918710875"), "0.7001");
    assert_eq!(pretty_value("0.5"), "0.5");
    assert_eq!(pretty_value("2023-10"), "2023-10");
    assert_eq!(tick(-5.0, 10.0), "−5");
    assert_eq!(tick(0.25, 1.0), "0.25");
    assert_eq!(value_label(38.24), "38.2");
    assert_eq!(value_label(2455.2), "2,455");
}

#[test]
fn grids_of_panels_are_wider_than_tall() {
    assert_eq!(grid_columns(9, 1240.0, 600.0), 3);
    assert_eq!(grid_columns(1, 1240.0, 600.0), 1);
    let c = grid_columns(8, 1240.0, 600.0);
    assert!((2..=4).contains(&c));
}

#[test]
fn ramps_hit_their_ends() {
    assert_eq!(ramp(0.0, &BLUES), BLUES[0]);
    assert_eq!(ramp(1.0, &BLUES), BLUES[2]);
    assert_eq!(ramp(f64::NAN, &BLUES), BLUES[1]);
}

/// Share of pixels that are not (near) white.
fn ink(png: &[u8]) -> (u32, u32, f64) {
    let img = image::load_from_memory(png).expect("PNG decodes").to_rgb8();
    let inked = img.pixels().filter(|p| p.0.iter().any(|c| *c < 235)).count();
    (img.width(), img.height(), inked as f64 / (img.width() * img.height()) as f64)
}

fn check(study: &Study, expected: &[&str]) {
    check_ink(study, expected, 0.02)
}

fn check_ink(study: &Study, expected: &[&str], min_ink: f64) {
    let charts = render_study(study).expect("charts render");
    let got: Vec<&str> = charts.iter().map(|c| c.name).collect();
    assert_eq!(got, expected);
    assert_eq!(names(study), expected);
    for c in &charts {
        let (w, h, ink) = ink(&c.png);
        assert_eq!((w, h), (WIDTH, HEIGHT), "{}", c.name);
        let need = if c.name.starts_with("fan") { 0.02 } else { min_ink };
        assert!(ink > need, "{} is nearly blank ({:.1}% ink)", c.name, ink * 100.0);
        assert!(c.svg.starts_with("<svg") && c.svg.trim_end().ends_with("</svg>"), "{}", c.name);
        let texts = if min_ink < 0.02 { 2 } else { 5 };
        assert!(c.svg.matches("<text").count() >= texts, "{}: title, axes, legend", c.name);
    }
    if let Ok(dir) = std::env::var("CHIPBAN_SWEEP_CHART_DUMP") {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let k = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = format!("{}-{}-{k}", study.design.as_str(), study.cells.len());
        for c in &charts {
            std::fs::write(format!("{dir}/{tag}-{}.png", c.name), &c.png).unwrap();
        }
    }
}

#[test]
fn a_grid_of_one_parameter_has_fans_and_outcomes_against_it() {
    check(&fixtures::grid1(4), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM, TIME]);
    check(&fixtures::grid1_text(), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM, TIME]);
    check(&fixtures::grid1(1), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM, TIME]);
    check(&fixtures::degenerate(fixtures::grid1(3)), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM, TIME]);
}

#[test]
fn a_grid_of_many_cells_still_renders() {
    check(&fixtures::grid1(60), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM, TIME]);
}

#[test]
fn a_grid_of_two_parameters_has_a_heatmap_and_small_multiples() {
    check(&fixtures::grid2(), &[FAN_HHI, FAN_FIRMS, HEATMAP, TIME]);
    // Every key outcome the same in every cell: no wall of identical tiles.
    let flat = fixtures::degenerate(fixtures::grid2());
    check(&flat, &[FAN_HHI, FAN_FIRMS, TIME]);
    let (shown, same) = heatmap_outcomes(&flat);
    assert!(shown.is_empty());
    assert_eq!(
        same,
        vec![
            (Outcome::FinalIndependentFirms, "10.0".to_string()),
            (Outcome::Consolidated, "0%".to_string()),
            (Outcome::MonthsToConsolidation, value_label(flat.months as f64)),
        ]
    );
}

#[test]
fn a_grid_of_three_parameters_has_only_fans() {
    let mut s = fixtures::grid2();
    s.params.push(crate::study::data::Param {
        column: "entry.rate_month".into(),
        kind: crate::study::data::ParamKind::Number,
    });
    for c in &mut s.cells {
        c.values.push("0.3".into());
        c.numeric.push(Some(0.3));
    }
    check(&s, &[FAN_HHI, FAN_FIRMS]);
}

/// The fans and `design_chart` of `study`, then of `study` with its
/// design's results removed by `strip` (a nearly blank design chart).
fn check_with_and_without(mut study: Study, design_chart: &str, strip: fn(&mut Study)) {
    let expected = [FAN_HHI, FAN_FIRMS, design_chart];
    check(&study, &expected);
    strip(&mut study);
    check_ink(&study, &expected, 0.005);
}

#[test]
fn a_factorial_has_an_effects_forest() {
    check_with_and_without(fixtures::factorial(), EFFECTS, |s| s.effects.clear());
}

#[test]
fn a_latin_hypercube_has_a_sensitivity_tornado() {
    check_with_and_without(fixtures::lhs(), SENSITIVITY, |s| s.sensitivity.clear());
}

#[test]
fn a_study_without_runs_still_renders() {
    let mut s = fixtures::grid1(2);
    s.runs.clear();
    s.bands.clear();
    for st in &mut s.cell_stats {
        st.summary = Default::default();
    }
    let charts = render_study(&s).expect("charts render");
    assert_eq!(charts.len(), 4);
}

/// The hover texts of a rendered chart, joined.
fn hover_text(study: &Study, name: &str) -> String {
    let charts = render_study(study).expect("charts render");
    let c = charts.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name} is drawn"));
    assert!(!c.hover.is_empty(), "{name} offers hover values");
    for r in &c.hover {
        assert!(r.w > 0 && r.h > 0 && r.x >= 0 && r.y >= 0, "{name}: {r:?}");
        assert!(r.x + r.w <= WIDTH as i32 && r.y + r.h <= HEIGHT as i32, "{name}: {r:?} inside the chart");
    }
    c.hover.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_study_chart_says_its_values_under_the_pointer() {
    let grid = fixtures::grid2();
    let fan = hover_text(&grid, FAN_HHI);
    assert!(fan.contains("2022-01 (month 0) · HHI") && fan.contains("5–95% of runs"), "{fan}");
    let tiles = hover_text(&grid, HEATMAP);
    assert!(tiles.contains("final independent firms (firms): ") && tiles.contains("95% CI"), "{tiles}");
    assert_eq!(
        render_study(&grid).unwrap().iter().find(|c| c.name == HEATMAP).unwrap().hover.len(),
        grid.cells.len() * heatmap_outcomes(&grid).0.len(),
        "one region per tile"
    );
    let km = hover_text(&grid, TIME);
    assert!(km.contains("share of runs not yet consolidated") && km.contains("restricted mean"), "{km}");
    let one = hover_text(&fixtures::grid1(4), OUTCOME_VS_PARAM);
    assert!(one.contains("runs") && one.contains("95% CI"), "{one}");
    let forest = hover_text(&fixtures::factorial(), EFFECTS);
    assert!(forest.contains("95% CI") && forest.contains("replicates"), "{forest}");
    let tornado = hover_text(&fixtures::lhs(), SENSITIVITY);
    assert!(tornado.contains("Spearman ρ") && tornado.contains("design points"), "{tornado}");
}

#[test]
fn study_charts_name_parameters_by_their_labels_not_paths() {
    let mut s = fixtures::grid2();
    s.labels = vec![
        crate::study::label::ParamLabel::new("Oct 2023 rule: effective date".into(), None),
        crate::study::label::ParamLabel::new("Ascend 910B supply".into(), Some("units/month".into())),
    ];
    let names = cell_names(&s, &s.cells[0]);
    assert!(names[0].starts_with("Oct 2023 rule: effective date "), "{names:?}");
    for c in render_study(&s).unwrap() {
        for p in &s.params {
            assert!(!c.svg.contains(&p.column), "{} shows the path {}", c.name, p.column);
        }
    }
    let heat = render_study(&s).unwrap().into_iter().find(|c| c.name == HEATMAP).unwrap();
    assert!(
        heat.svg.contains("Ascend 910B supply (units/month)"),
        "the axis names the parameter and its unit"
    );
}
