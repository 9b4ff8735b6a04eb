//! The study charts and report on real (small) sweeps: run `chipban sweep`
//! on the classroom world for each design, rebuild the study from the
//! folder's journal, and check every chart and the report.
//!
//! To look at a finished sweep of your own: `CHIPBAN_STUDY=FOLDER:SWEEP_FILE
//! cargo test --release --test sweep_charts -- --ignored --nocapture` renders
//! its charts and report into `FOLDER/study-view/` and prints the time taken.

use chipban::study::data::Study;
use chipban::study::{aggregate, journal, load_plan};
use chipban::view::{html::study_report as report, study_charts as charts};
mod common;

use common::world;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn sweep(dir: &Path, name: &str, design: &str, replicates: u32) -> Study {
    let file = dir.join(format!("{name}.ron"));
    let text = format!(
        "Sweep(\n    name: \"{name}\",\n    description: \"A <small> test & study\",\n    world: \"{}\",\n    \
         seed: 5,\n    replicates: {replicates},\n    months: 24,\n    common_random_numbers: true,\n    design: {design},\n)\n",
        world("classroom.ron")
    );
    std::fs::write(&file, text).unwrap();
    let out = dir.join(name);
    let o = common::command(&[])
        .args(["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet", "--no-charts"])
        .output()
        .expect("binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    study_of(&out, &file)
}

fn study_of(folder: &Path, sweep_file: &Path) -> Study {
    let plan = load_plan(sweep_file).unwrap_or_else(|e| panic!("{}: {e:?}", sweep_file.display()));
    let runs = journal::read(&folder.join(journal::FILE)).expect("journal reads").runs;
    aggregate::aggregate(&plan, runs)
}

/// Share of pixels that are not (near) white.
fn ink(png: &[u8]) -> (u32, u32, f64) {
    let img = image::load_from_memory(png).expect("PNG decodes").to_rgb8();
    let inked = img.pixels().filter(|p| p.0.iter().any(|c| *c < 235)).count();
    (img.width(), img.height(), inked as f64 / (img.width() * img.height()) as f64)
}

fn check(study: &Study, expected: &[&str]) {
    let rendered = charts::render_study(study).expect("charts render");
    let names: Vec<&str> = rendered.iter().map(|c| c.name).collect();
    assert_eq!(names, expected);
    for c in &rendered {
        let (w, h, ink) = ink(&c.png);
        assert_eq!((w, h), (1280, 720), "{}", c.name);
        assert!(ink > 0.02, "{} is nearly blank ({:.1}% ink)", c.name, ink * 100.0);
        assert!(c.svg.matches("<text").count() >= 5, "{}.svg has text", c.name);
    }
    let html = report::study_report(study, &rendered);
    for c in &rendered {
        assert!(html.contains(&format!("id=\"chart-{}\"", c.name)), "{}", c.name);
        // Hover values: every chart's regions are laid over its inline SVG.
        assert!(!c.hover.is_empty(), "{} offers hover values", c.name);
        assert!(
            html.contains(&format!("<title>{}", c.hover[0].text.split('\n').next().unwrap())),
            "{}",
            c.name
        );
    }
    // Parameters by their readable names, never by their world paths.
    for p in &study.params {
        if p.column.contains('.') {
            assert!(!html.contains(&p.column), "the report shows the path {}", p.column);
            for c in &rendered {
                assert!(!c.svg.contains(&p.column), "{} shows the path {}", c.name, p.column);
            }
        }
    }
    if study.design != chipban::study::data::DesignKind::Factorial {
        for want in ["market-share inertia (weight on last month, 0–1)", "researcher churn (per month)"] {
            assert!(html.contains(want), "the report names {want}");
        }
    }
    assert!(!html.contains("src=\"http") && !html.contains("<script"));
    assert!(html.contains("A &lt;small&gt; test &amp; study"), "the description is escaped");
}

#[test]
fn real_sweeps_of_each_design_get_their_charts_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    let grid = sweep(
        tmp.path(),
        "grid",
        "Grid(params: [Param(path: \"market.inertia\", values: [0.6, 0.9]), \
         Param(path: \"talent.churn_monthly\", values: [0.01, 0.06])])",
        3,
    );
    check(&grid, &["fan_hhi", "fan_independent_firms", "heatmap", "time_to_consolidation"]);
    let factorial = sweep(
        tmp.path(),
        "factorial",
        "Factorial(factors: [\
         Factor(name: \"sticky\", description: \"inertia\", levels: [\
           Level(name: \"low\", set: [(\"market.inertia\", 0.6)]), Level(name: \"high\", set: [(\"market.inertia\", 0.9)])]),\
         Factor(name: \"churn\", description: \"talent churn\", levels: [\
           Level(name: \"low\", set: [(\"talent.churn_monthly\", 0.01)]), Level(name: \"high\", set: [(\"talent.churn_monthly\", 0.06)])])])",
        3,
    );
    check(&factorial, &["fan_hhi", "fan_independent_firms", "effects"]);
    let lhs = sweep(
        tmp.path(),
        "lhs",
        "LatinHypercube(samples: 8, ranges: [Range(path: \"market.inertia\", min: 0.6, max: 0.95), \
         Range(path: \"talent.churn_monthly\", min: 0.01, max: 0.06)])",
        1,
    );
    check(&lhs, &["fan_hhi", "fan_independent_firms", "sensitivity"]);
}

/// Render a finished sweep's charts and report for a look, and time them.
#[test]
#[ignore = "needs CHIPBAN_STUDY=FOLDER:SWEEP_FILE"]
fn view_a_finished_study() {
    let Ok(spec) = std::env::var("CHIPBAN_STUDY") else { return };
    let (folder, file) = spec.split_once(':').expect("FOLDER:SWEEP_FILE");
    let folder = PathBuf::from(folder);
    let study = study_of(&folder, Path::new(file));
    let t = Instant::now();
    let rendered = charts::render_study(&study).expect("charts render");
    let t_charts = t.elapsed();
    let html = report::study_report(&study, &rendered);
    let t_all = t.elapsed();
    let view = folder.join("study-view");
    std::fs::create_dir_all(&view).unwrap();
    for c in &rendered {
        std::fs::write(view.join(format!("{}.png", c.name)), &c.png).unwrap();
        std::fs::write(view.join(format!("{}.svg", c.name)), &c.svg).unwrap();
    }
    std::fs::write(view.join("report.html"), &html).unwrap();
    println!(
        "{} cells, {} runs: charts {:.0} ms, charts + report {:.0} ms, report {} KB -> {}",
        study.cells.len(),
        study.runs.len(),
        t_charts.as_secs_f64() * 1e3,
        t_all.as_secs_f64() * 1e3,
        html.len() / 1024,
        view.display()
    );
}
