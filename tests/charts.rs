//! Charts, the animated market race and the report, as a user gets them
//! from `chipban run` and `chipban chart`.

mod common;

use common::{chipban_in as chipban, world};
use std::fs;
use std::path::{Path, PathBuf};

const CHARTS: [&str; 9] = [
    "concentration",
    "firms",
    "market_shares",
    "price_war",
    "compute",
    "funding",
    "talent",
    "lorenz",
    "timeline",
];

fn run(tmp: &Path, world_file: &str, seed: &str, extra: &[&str]) -> PathBuf {
    let out = tmp.join(format!("{}-{seed}", world_file.trim_end_matches(".ron")));
    let mut args = vec!["run", &world(world_file), "--seed", seed, "--out", out.to_str().unwrap(), "--quiet"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    args.extend(extra.iter().map(|s| s.to_string()));
    let argv: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let o = chipban(&argv, tmp);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// Share of pixels that are not (near) white.
fn ink(img: &image::RgbImage) -> f64 {
    let inked = img.pixels().filter(|p| p.0.iter().any(|c| *c < 235)).count();
    inked as f64 / (img.width() * img.height()) as f64
}

#[test]
fn every_chart_is_a_real_png_and_svg_of_the_expected_size() {
    let tmp = tempfile::tempdir().unwrap();
    for (w, seed) in [("classroom.ron", "3"), ("baseline.ron", "42")] {
        let out = run(tmp.path(), w, seed, &[]);
        for name in CHARTS {
            let png = out.join("charts").join(format!("{name}.png"));
            let img = image::open(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display())).to_rgb8();
            assert_eq!((img.width(), img.height()), (1280, 720), "{name}");
            let ink = ink(&img);
            assert!(ink > 0.03, "{w} {name}.png is nearly blank ({:.1}% ink)", ink * 100.0);
            let svg = fs::read_to_string(out.join("charts").join(format!("{name}.svg"))).unwrap();
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}.svg");
            assert!(svg.contains("width=\"1280\"") && svg.contains("height=\"720\""), "{name}.svg size");
            assert!(svg.matches("<text").count() >= 5, "{name}.svg has a title, axes and a legend");
        }
    }
}

#[test]
fn the_market_race_has_one_frame_per_month() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), "classroom.ron", "5", &[]);
    let file = fs::File::open(out.join("market_race.gif")).unwrap();
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut decoder = opts.read_info(file).unwrap();
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 60, "one frame per month of the classroom world");
}

#[test]
fn the_report_holds_every_chart_and_needs_no_network() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), "classroom.ron", "2", &[]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    for name in CHARTS {
        assert!(html.contains(&format!("id=\"chart-{name}\"")), "report has no section for {name}");
    }
    for bad in ["http://", "https://", "src=\"//", "<script src", "<link"] {
        assert!(!html.contains(bad), "report refers to an outside resource ({bad})");
    }
}

#[test]
fn chart_rebuilds_the_same_files_from_the_data() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), "baseline.ron", "9", &[]);
    let mut visuals: Vec<String> =
        CHARTS.iter().flat_map(|n| [format!("charts/{n}.png"), format!("charts/{n}.svg")]).collect();
    visuals.push("market_race.gif".into());
    visuals.push("report.html".into());
    let before: Vec<Vec<u8>> = visuals.iter().map(|f| fs::read(out.join(f)).unwrap()).collect();
    fs::remove_dir_all(out.join("charts")).unwrap();
    fs::remove_file(out.join("market_race.gif")).unwrap();
    let o = chipban(&["chart", out.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (f, old) in visuals.iter().zip(&before) {
        assert_eq!(&fs::read(out.join(f)).unwrap(), old, "{f} differs when rebuilt by `chipban chart`");
    }
}

#[test]
fn no_charts_writes_only_the_data_and_chart_refuses_a_foreign_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), "classroom.ron", "1", &["--no-charts"]);
    assert!(out.join("months.csv").is_file());
    assert!(
        !out.join("charts").exists()
            && !out.join("report.html").exists()
            && !out.join("market_race.gif").exists()
    );
    let o = chipban(&["chart", tmp.path().to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a chipban output folder"));
}

/// The texts of an SVG with the `y` of each (`<text x=".." y="..">TEXT</text>`).
fn svg_texts(svg: &str) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    for part in svg.split("<text").skip(1) {
        let Some((head, rest)) = part.split_once('>') else { continue };
        let Some(body) = rest.split("</text>").next() else { continue };
        let y = head.split(" y=\"").nth(1).and_then(|s| s.split('"').next()).and_then(|s| s.parse().ok());
        if let Some(y) = y {
            out.push((y, body.trim().to_string()));
        }
    }
    out
}

#[test]
fn time_axes_tick_january_and_july_and_rule_labels_sit_above_the_plot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), "baseline.ron", "42", &["--no-charts"]);
    let data = chipban::record::read_output(&out).unwrap();
    let charts = chipban::view::charts::render_all(&data).unwrap();
    for c in charts.iter().filter(|c| c.name != "lorenz") {
        let texts = svg_texts(&c.svg);
        let has = |t: &str| texts.iter().any(|(_, s)| s == t);
        assert!(has("Jan 2022") && has("Jan 2025") && has("Jul"), "{}: no January/July ticks", c.name);
        // no tick on a month other than January or July (the old axis had 2022-11, 2023-09, …)
        for (_, s) in &texts {
            let month = s.strip_suffix(|c: char| c.is_ascii_digit()).map(|_| s.as_str());
            if let Some(s) = month.filter(|s| s.len() == 8 && s.as_bytes()[3] == b' ') {
                assert!(s.starts_with("Jan ") || s.starts_with("Jul "), "{}: tick {s}", c.name);
            }
            assert!(!["2022-11", "2023-09", "2024-07"].contains(&s.as_str()), "{}: old tick {s}", c.name);
        }
        // a rule's label (centred on its y) lies wholly above the plot (the
        // first hover column's top)
        let plot_top = c.hover.first().map(|r| r.y as f64).expect("hover values");
        for (y, s) in
            texts.iter().filter(|(_, s)| s.contains("rule 2022-10-07") || s.contains("rule 2023-10-17"))
        {
            if !s.contains(':') {
                assert!(
                    y + 8.0 <= plot_top,
                    "{}: rule label {s} at y {y} runs into the plot (top {plot_top})",
                    c.name
                );
            }
        }
    }
    // the charts that label the rules do so
    for name in ["concentration", "firms", "compute", "funding", "talent"] {
        let c = charts.iter().find(|c| c.name == name).unwrap();
        let n = svg_texts(&c.svg)
            .iter()
            .filter(|(_, s)| s.ends_with("2022-10-07") || s.ends_with("2023-10-17"))
            .count();
        assert_eq!(n, 2, "{name}: both rules labelled");
    }
}
