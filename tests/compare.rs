//! `chipban compare`, through the real binary: common random numbers,
//! independence from the thread count, a world against itself, and errors.

mod common;

use common::{chipban, ok, repo_file as world, rows};
use std::fs;

#[test]
fn classroom_with_and_without_its_rule() {
    let tmp = tempfile::tempdir().unwrap();
    // B = the classroom world without its export rules.
    let text = fs::read_to_string(world("worlds/classroom.ron")).unwrap();
    let b: chipban::world::World = chipban::world::load_str(&text, "classroom").unwrap();
    let mut b = b;
    b.policy.rules.clear();
    b.name = "classroom_no_rules".into();
    let b_path = tmp.path().join("b.ron");
    fs::write(&b_path, chipban::world::to_ron(&b)).unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    let a = world("worlds/classroom.ron");
    // 12 pairs of A and B on `jobs` threads into `out`.
    let compare = |jobs: &str, out: &std::path::Path| {
        ok(&chipban(&[
            "compare",
            &a,
            b_path.to_str().unwrap(),
            "--replicates",
            "12",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]))
    };
    let said = compare("1", &one);
    assert!(said.contains("(24 paired runs"), "{said}");
    assert!(said.contains("95%"), "{said}");
    compare("2", &two);
    for f in ["compare.csv", "pairs.csv", "bands.csv", "survival.csv", "summary.json", "report.html"] {
        assert_eq!(
            fs::read(one.join(f)).unwrap(),
            fs::read(two.join(f)).unwrap(),
            "{f} independent of --jobs"
        );
    }
    for c in ["compare_fan_hhi", "compare_fan_independent_firms", "paired_differences", "survival"] {
        assert!(one.join("charts").join(format!("{c}.png")).is_file(), "{c}");
    }
    // Common random numbers: replicate r of both worlds has one seed, and replicates differ.
    let pairs = rows(&one.join("pairs.csv"));
    assert_eq!(pairs.len(), 12);
    let seeds: std::collections::BTreeSet<&str> = pairs.iter().map(|r| r.get(1).unwrap()).collect();
    assert_eq!(seeds.len(), 12);
    // compare.csv holds the paired statistics with intervals around the mean difference.
    let stats = rows(&one.join("compare.csv"));
    let firms = stats.iter().find(|r| &r[0] == "final_independent_firms").unwrap();
    let (d, lo, hi): (f64, f64, f64) =
        (firms[4].parse().unwrap(), firms[6].parse().unwrap(), firms[7].parse().unwrap());
    assert!(lo <= d && d <= hi);
    let km = rows(&one.join("survival.csv"));
    assert_eq!(km.len(), 2 * 60, "one Kaplan–Meier row per world and month");
    // Size as well as sign: every difference with an interval has a threshold and a verdict.
    for r in stats.iter().filter(|r| !r[6].is_empty()) {
        assert!(r[9].parse::<f64>().unwrap() >= 0.0, "{r:?}");
        assert!(
            ["material", "detectable but small", "negligible", "inconclusive"].contains(&&r[10]),
            "{r:?}"
        );
    }
    // Timing only by the restricted mean (and Kaplan–Meier), never over the pairs that consolidated.
    assert!(!stats.iter().any(|r| &r[0] == "months_to_consolidation"));
    // Constant outcomes: listed in summary.json, absent from compare.csv, said at most once.
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(one.join("summary.json")).unwrap()).unwrap();
    for c in summary["constant_outcomes"].as_array().unwrap() {
        let o = c["outcome"].as_str().unwrap();
        assert!(!stats.iter().any(|r| &r[0] == o), "{o} is constant but compared");
    }
    let report = fs::read_to_string(one.join("report.html")).unwrap();
    // Hover values: the Kaplan–Meier chart says each month's share of runs
    // not yet consolidated, as survival.csv holds it; the fans their means.
    let a_name = &km[0][1];
    for r in km.iter().filter(|r| &r[0] == "a") {
        let share: f64 = r[6].parse().unwrap();
        let text = format!(
            "<title>{} · {a_name}: {} of runs not yet consolidated",
            &r[3],
            chipban::view::format::percent(share)
        );
        assert!(report.contains(&text), "the survival chart lacks {text}");
    }
    assert!(report.contains(&format!("<title>{} · {a_name}: mean HHI ", &km[0][3])));
    assert!(report.contains("replicates</title>"), "the paired differences have hover values");
    assert!(report.matches("Constant across").count() <= 1);
    assert_eq!(said.matches("Constant across").count(), report.matches("Constant across").count());
}

#[test]
fn a_world_against_itself_shows_no_difference() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("same");
    let a = world("worlds/classroom.ron");
    let said = ok(&chipban(&[
        "compare",
        &a,
        &a,
        "--replicates",
        "5",
        "--out",
        out.to_str().unwrap(),
        "--no-charts",
    ]));
    assert!(!said.contains(" by "), "no effect may be claimed: {said}");
    for r in rows(&out.join("compare.csv")) {
        if !r[4].is_empty() {
            assert_eq!(r[4].parse::<f64>().unwrap(), 0.0, "{r:?}");
        }
    }
    // The folder is protected.
    let o = chipban(&["compare", &a, &a, "--replicates", "5", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
}

#[test]
fn bad_comparisons_are_user_errors() {
    let a = world("worlds/classroom.ron");
    let b = world("worlds/baseline.ron");
    let o = chipban(&["compare", &a, &b, "--replicates", "3", "--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("different months"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = chipban(&["compare", &a, "nope.ron", "--replicates", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope.ron"));
    let o = chipban(&["compare", &a, &a, "--replicates", "1"]);
    assert_eq!(o.status.code(), Some(2));
}
