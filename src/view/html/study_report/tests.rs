//! Tests of the study report on synthetic studies.

use super::*;
use crate::view::html::page::testing;
use crate::view::study_charts::{fixtures, render_study};

/// The report with placeholder charts (rendering is slow in debug builds).
fn report_of(study: &Study) -> String {
    let charts = testing::placeholders(&crate::view::study_charts::names(study));
    check_report(study, &charts)
}

fn check_report(study: &Study, charts: &[Rendered]) -> String {
    let html = study_report(study, charts);
    testing::check_page(&html, charts);
    html
}

#[test]
fn every_design_gets_a_complete_page() {
    for s in [
        fixtures::grid1(4),
        fixtures::grid2(),
        fixtures::factorial(),
        fixtures::lhs(),
        fixtures::grid1_text(),
    ] {
        // Real charts for one study (rendering is slow in debug builds).
        let html = if s.design == DesignKind::LatinHypercube {
            let html = check_report(&s, &render_study(&s).expect("charts render"));
            assert!(html.contains("<svg") && html.contains("class=\"chart\""), "inline SVG");
            html
        } else {
            report_of(&s)
        };
        for id in ["provenance", "design", "outcomes", "reading"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("Student"), "how to read");
        if let Ok(dir) = std::env::var("CHIPBAN_SWEEP_CHART_DUMP") {
            let name = format!("{dir}/report-{}-{}.html", s.design.as_str(), s.cells.len());
            std::fs::write(name, &html).unwrap();
        }
    }
}

#[test]
fn hostile_strings_are_escaped() {
    let mut s = fixtures::grid1(2);
    s.name = "<b>x</b>".into();
    s.description = "a & b <i>".into();
    s.cells[0].label = "<script>alert(1)</script>".into();
    s.cells[0].values[0] = "<script>alert(2)</script>".into();
    s.params[0].column = "a\"<img src=x>".into();
    let html = report_of(&s);
    testing::check_escaped(&html, &["&lt;script&gt;alert(2)&lt;/script&gt;", "&lt;b&gt;x&lt;/b&gt;"]);
}

#[test]
fn the_factorial_reading_follows_the_intervals() {
    let s = fixtures::factorial();
    let html = report_of(&s);
    assert!(html.contains("id=\"effects\""));
    // chip_scarcity's interval (−18 to −12) excludes zero; talent_demand's (−5 to 1) does not.
    let p = factorial_reading(&s, Outcome::FinalIndependentFirms).unwrap().into_string();
    assert!(p.contains("<b>chip scarcity</b> changes it by −15.0 (95% CI −18.0 to −12.0)"), "{p}");
    assert!(p.contains("include zero"), "{p}");
    assert!(p.contains("three-way interaction"), "{p}");
    assert!(p.contains("which includes zero: no evidence that the confluence matters"), "{p}");
    // consolidation: only the chip × talent interaction is clear, so both matter only together
    let q = factorial_reading(&s, Outcome::Consolidated).unwrap().into_string();
    assert!(q.contains("only in combination"), "{q}");
    assert!(q.contains("+50 pp"), "{q}");
    assert!(html.contains("not estimable") || html.contains("n/a"));
}

#[test]
fn the_joint_excess_is_the_sum_of_the_interactions() {
    // firms = 60 − 15a − 2b − 6ac + noise: all-high minus reference minus singles = −6 on average
    let s = fixtures::factorial();
    let (n, m, lo, hi) = joint_excess(&s, Outcome::FinalIndependentFirms).unwrap();
    assert_eq!(n, 6);
    assert!(lo <= m && m <= hi);
    assert!((m + 6.0).abs() < 12.0, "{m}");
}

#[test]
fn the_sensitivity_section_names_the_strongest_parameters() {
    let s = fixtures::lhs();
    let html = report_of(&s);
    assert!(html.contains("id=\"sensitivity\""));
    let rows = sensitivity_rows(&s, Outcome::FinalIndependentFirms);
    let p = sensitivity_sentence(&s, Outcome::FinalIndependentFirms, &rows).into_string();
    assert!(p.contains("market-share inertia (weight on last month, 0–1) (ρ = +0.81"), "{p}");
    assert!(p.contains("R² = 0.71"), "{p}");
    assert!(!p.contains("researcher churn"), "its interval includes zero: {p}");
    assert!(
        !html.contains("market.inertia") && !html.contains("suppliers[5]"),
        "no world path in the report"
    );
    assert!(html.contains("Ascend 910B supply (units/month)"), "the chip's name and unit");
}

#[test]
fn degenerate_studies_do_not_panic() {
    let s = fixtures::degenerate(fixtures::grid2());
    let html = report_of(&s);
    // Nothing consolidates: the timing is the horizon, its median not reached.
    assert!(html.contains("KM median not reached"), "{html}");
    // Consolidation and the final firms are the same in every run: said once, not analysed.
    assert_eq!(html.matches("Constant across every run of the study").count(), 1);
    assert!(html.contains("final independent firms (value 10)"));
    let mut s = fixtures::factorial();
    s.effects.clear();
    report_of(&s);
    let mut s = fixtures::lhs();
    s.sensitivity.clear();
    report_of(&s);
    let mut s = fixtures::grid1(1);
    s.runs.clear();
    report_of(&s);
}

#[test]
fn numbers_read_well() {
    assert_eq!(diff(Outcome::Consolidated, 0.5), "+50 pp");
    assert_eq!(diff(Outcome::Consolidated, -0.034), "−3.4 pp");
    assert_eq!(diff(Outcome::Consolidated, 0.0), "0.0 pp");
    assert_eq!(val(Outcome::Consolidated, 0.4), "40%");
    assert_eq!(val(Outcome::FinalHhi, 2455.4), "2,455");
    assert_eq!(val(Outcome::FinalIndependentFirms, -3.0), "−3.0");
    assert_eq!(diff(Outcome::FinalIndependentFirms, -6.0), "−6.0");
    assert_eq!(diff(Outcome::FinalHhi, 360.0), "+360");
    assert_eq!(capitalise("the final HHI"), "Final HHI");
    assert_eq!(short_number("0.7001077918710875"), "0.7001");
    assert_eq!(short_number("29949.20592195334"), "29949");
    assert_eq!(short_number("0.030127802116546996"), "0.03013");
    assert_eq!(short_number("2023-10"), "2023-10");
    assert_eq!(short_number("11000.0"), "11000.0");
}
