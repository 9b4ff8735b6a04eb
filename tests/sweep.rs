//! `chipban sweep` and `chipban merge`, driven through the real binary:
//! results independent of the thread count and of the shard split, a real
//! kill and resume, folder protection, and errors in sweep files.

mod common;

use common::{chipban, csv_rows, files, fixture, ok, s, user_error};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Outcome columns of `runs.csv` (rows per cell of `cells.csv`).
const OUTCOMES: usize = 23;

/// The outcomes `summary.json` lists as constant across the study's runs.
fn constant_outcomes(dir: &Path) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("summary.json")).unwrap()).unwrap();
    v["constant_outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap().to_string())
        .collect()
}

fn assert_same_folders(a: &Path, b: &Path) {
    let fa = files(a);
    let fb = files(b);
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>(), "same file names");
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between {} and {}", a.display(), b.display());
    }
}

#[test]
fn grid_writes_the_study_and_is_independent_of_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--jobs", "1", "--out", s(&one)]));
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--jobs", "2", "--out", s(&two)]));
    assert_same_folders(&one, &two);

    for f in [
        "runs.csv",
        "cells.csv",
        "bands.csv",
        "summary.json",
        "sweep.ron",
        "world.ron",
        "journal.csv",
        "report.html",
    ] {
        assert!(one.join(f).is_file(), "{f} missing");
    }
    assert!(!one.join("effects.csv").exists(), "a grid has no effects table");
    // 3 x 2 cells x 4 replicates.
    let runs = csv_rows(&one.join("runs.csv"));
    assert_eq!(runs.len(), 24);
    let ids: Vec<u64> = runs.iter().map(|r| r["run_id"].parse().unwrap()).collect();
    assert_eq!(ids, (0..24).collect::<Vec<_>>());
    assert!(
        runs[0].contains_key("research.data_weight") && runs[0].contains_key("policy.rules[0].effective")
    );
    assert_eq!(runs[0]["research.data_weight"], "0.2");
    assert_eq!(runs[23]["policy.rules[0].effective"], "2023-01");
    // Common random numbers: replicate r has the same seed in every cell, and replicates differ.
    let seed = |cell: &str, rep: &str| {
        runs.iter().find(|r| r["cell"] == cell && r["replicate"] == rep).unwrap()["seed"].clone()
    };
    assert_eq!(seed("0", "1"), seed("5", "1"));
    assert_ne!(seed("0", "1"), seed("0", "2"));
    // cells.csv: n, and the interval contains the mean.
    let cells = csv_rows(&one.join("cells.csv"));
    assert_eq!(cells.len(), 6 * OUTCOMES);
    for c in cells.iter().filter(|c| c["outcome"] == "final_independent_firms") {
        assert_eq!(c["n"], "4");
        let (m, lo, hi): (f64, f64, f64) =
            (c["mean"].parse().unwrap(), c["ci95_low"].parse().unwrap(), c["ci95_high"].parse().unwrap());
        assert!(lo <= m && m <= hi);
        let (p5, p95): (f64, f64) = (c["p5"].parse().unwrap(), c["p95"].parse().unwrap());
        assert!(p5 <= m && m <= p95);
    }
    // bands.csv: 6 cells x 3 metrics x 24 months.
    assert_eq!(csv_rows(&one.join("bands.csv")).len(), 6 * 3 * 24);
    // The resolved sweep re-runs to the same study.
    let again = tmp.path().join("again");
    ok(&chipban(&["sweep", s(&one.join("sweep.ron")), "--out", s(&again)]));
    for f in ["runs.csv", "cells.csv", "bands.csv", "summary.json", "journal.csv"] {
        assert_eq!(fs::read(one.join(f)).unwrap(), fs::read(again.join(f)).unwrap(), "{f}");
    }
}

#[test]
fn shards_merged_equal_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    ok(&chipban(&["sweep", &fixture("sweep_factorial.ron"), "--out", s(&whole)]));
    let mut dirs = Vec::new();
    for k in 0..3 {
        let d = tmp.path().join(format!("shard{k}"));
        let o = chipban(&[
            "sweep",
            &fixture("sweep_factorial.ron"),
            "--shard",
            &format!("{k}/3"),
            "--out",
            s(&d),
        ]);
        ok(&o);
        assert!(!d.join("runs.csv").exists(), "a shard writes no partial study");
        dirs.push(d);
    }
    // Missing shard: refused, naming it.
    let merged = tmp.path().join("merged");
    let o = chipban(&["merge", s(&dirs[0]), s(&dirs[2]), "--out", s(&merged)]);
    let err = user_error(&o);
    assert!(err.contains("missing shard: 1/3"), "{err}");
    assert!(!merged.exists());
    // An incomplete shard: refused, naming it and how to finish it.
    let journal = dirs[1].join("journal.csv");
    let full = fs::read_to_string(&journal).unwrap();
    let cut: Vec<&str> = full.lines().collect();
    fs::write(&journal, format!("{}\n", cut[..cut.len() - 2].join("\n"))).unwrap();
    let err = user_error(&chipban(&["merge", s(&dirs[0]), s(&dirs[1]), s(&dirs[2]), "--out", s(&merged)]));
    assert!(err.contains("shard 1/3") && err.contains("incomplete") && err.contains("--resume"), "{err}");
    // Resume that shard alone, then merge: the same bytes as one process.
    ok(&chipban(&[
        "sweep",
        &fixture("sweep_factorial.ron"),
        "--shard",
        "1/3",
        "--out",
        s(&dirs[1]),
        "--resume",
    ]));
    ok(&chipban(&["merge", s(&dirs[2]), s(&dirs[0]), s(&dirs[1]), "--out", s(&merged)]));
    assert_same_folders(&whole, &merged);
    assert!(whole.join("effects.csv").is_file());
    // Merging into an existing study needs --force.
    let err = user_error(&chipban(&["merge", s(&dirs[0]), s(&dirs[1]), s(&dirs[2]), "--out", s(&merged)]));
    assert!(err.contains("--force") && !err.contains("--resume"), "{err}");
    ok(&chipban(&["merge", s(&dirs[0]), s(&dirs[1]), s(&dirs[2]), "--out", s(&merged), "--force"]));
    assert_same_folders(&whole, &merged);
}

/// Start a sweep, kill it (SIGKILL) once some runs are in the journal,
/// resume it, and compare with an uninterrupted sweep.
#[test]
fn killed_sweep_resumes_without_losing_or_repeating_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = tmp.path().join("long.ron");
    let text = sweep_fixture("sweep_lhs.ron").replace("samples: 20", "samples: 400");
    fs::write(&sweep, text).unwrap();
    let out = tmp.path().join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chipban"))
        .args(["sweep", s(&sweep), "--jobs", "2", "--out", s(&out), "--no-charts"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let journal = out.join("journal.csv");
    let started = Instant::now();
    let lines = || fs::read_to_string(&journal).map(|t| t.lines().count()).unwrap_or(0);
    while lines() < 40 {
        assert!(started.elapsed() < Duration::from_secs(120), "the sweep made no progress");
        assert!(child.try_wait().unwrap().is_none(), "the sweep finished before it could be killed");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done_at_kill = lines() - 1;
    assert!(done_at_kill < 400, "killed mid-sweep ({done_at_kill} runs done)");
    assert!(!out.join("runs.csv").exists());
    // Without --resume the folder is protected.
    let err = user_error(&chipban(&["sweep", s(&sweep), "--out", s(&out), "--no-charts"]));
    assert!(err.contains("--resume"), "{err}");
    let o = chipban(&["sweep", s(&sweep), "--jobs", "2", "--out", s(&out), "--no-charts", "--resume"]);
    ok(&o);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains(&format!("{} simulated now", 400 - done_at_kill)),
        "{said} (killed at {done_at_kill})"
    );

    let runs = csv_rows(&out.join("runs.csv"));
    let ids: Vec<u64> = runs.iter().map(|r| r["run_id"].parse().unwrap()).collect();
    assert_eq!(ids, (0..400).collect::<Vec<_>>(), "every run exactly once");
    let reference = tmp.path().join("reference");
    ok(&chipban(&["sweep", s(&sweep), "--out", s(&reference), "--no-charts"]));
    assert_same_folders(&out, &reference);
}

#[test]
fn folders_are_protected_and_resume_checks_the_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("g");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--no-charts"]));
    // Again without flags: refused.
    let err = user_error(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out)]));
    assert!(err.contains("--resume") && err.contains("--force"), "{err}");
    // Resume of a finished study: nothing to run, same files.
    let before = files(&out);
    let o = chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--no-charts", "--resume"]);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 simulated now"));
    assert_eq!(before, files(&out));
    // Resume with a different sweep in the same folder: refused.
    let other = tmp.path().join("other.ron");
    let text = sweep_fixture("sweep_grid.ron").replace("seed: 99", "seed: 100");
    fs::write(&other, text).unwrap();
    let err = user_error(&chipban(&["sweep", s(&other), "--out", s(&out), "--resume"]));
    assert!(err.contains("cannot resume") && err.contains("sweep.ron differs"), "{err}");
    // A folder that is not a sweep: refused; --force replaces it.
    let foreign = tmp.path().join("foreign");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let err = user_error(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&foreign)]));
    assert!(err.contains("not a chipban sweep folder"), "{err}");
    assert!(foreign.join("notes.txt").exists());
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&foreign), "--force", "--no-charts"]));
    assert!(!foreign.join("notes.txt").exists() && foreign.join("runs.csv").exists());
}

#[test]
fn factorial_and_latin_hypercube_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("f");
    ok(&chipban(&["sweep", &fixture("sweep_factorial.ron"), "--out", s(&f), "--no-charts"]));
    let effects = csv_rows(&f.join("effects.csv"));
    let terms: Vec<&str> = effects.iter().map(|e| e["term"].as_str()).collect();
    for t in ["floor", "churn", "floor x churn"] {
        assert!(terms.contains(&t), "{t} in {terms:?}");
    }
    // The main effect of `floor` on an outcome equals the difference of the
    // cell means averaged over `churn` (with complete replicates).
    let cells = csv_rows(&f.join("cells.csv"));
    let mean = |floor: &str, churn: &str| -> f64 {
        cells
            .iter()
            .find(|c| c["floor"] == floor && c["churn"] == churn && c["outcome"] == "final_hhi")
            .unwrap()["mean"]
            .parse()
            .unwrap()
    };
    let main: f64 =
        effects.iter().find(|e| e["term"] == "floor" && e["outcome"] == "final_hhi").unwrap()["estimate"]
            .parse()
            .unwrap();
    let expect =
        ((mean("high", "low") - mean("low", "low")) + (mean("high", "high") - mean("low", "high"))) / 2.0;
    assert!((main - expect).abs() < 1e-9 * expect.abs().max(1.0), "{main} vs {expect}");
    let inter: f64 = effects
        .iter()
        .find(|e| e["term"] == "floor x churn" && e["outcome"] == "final_hhi")
        .unwrap()["estimate"]
        .parse()
        .unwrap();
    let expect_i = mean("high", "high") - mean("high", "low") - mean("low", "high") + mean("low", "low");
    assert!((inter - expect_i).abs() < 1e-9 * expect_i.abs().max(1.0), "{inter} vs {expect_i}");

    let l = tmp.path().join("l");
    let out = chipban(&["sweep", &fixture("sweep_lhs.ron"), "--out", s(&l), "--no-charts"]);
    ok(&out);
    let console = String::from_utf8_lossy(&out.stdout).to_string();
    let runs = csv_rows(&l.join("runs.csv"));
    assert_eq!(runs.len(), 20);
    // Latin hypercube: one sample in each of the 20 strata of every range.
    let mut strata: Vec<usize> = runs
        .iter()
        .map(|r| ((r["research.data_weight"].parse::<f64>().unwrap() - 0.2) / 0.4 * 20.0).floor() as usize)
        .collect();
    strata.sort();
    assert_eq!(strata, (0..20).collect::<Vec<_>>());
    for r in &runs {
        let b: i64 = r["acquisitions.bidders"].parse().unwrap();
        assert!((1..=6).contains(&b));
        let m = &r["policy.rules[0].effective"];
        assert!(m.as_str() >= "2022-04" && m.as_str() <= "2023-06", "{m}");
    }
    let sens = csv_rows(&l.join("effects.csv"));
    // Outcomes constant across the runs get no row; every other outcome one per parameter.
    let constant = constant_outcomes(&l);
    assert_eq!(sens.len(), 3 * (OUTCOMES - constant.len()));
    assert!(sens.iter().all(|r| !constant.contains(&r["outcome"])));
    for row in sens.iter().filter(|r| !r["spearman"].is_empty()) {
        let rho: f64 = row["spearman"].parse().unwrap();
        let (lo, hi): (f64, f64) = (row["ci95_low"].parse().unwrap(), row["ci95_high"].parse().unwrap());
        assert!((-1.0..=1.0).contains(&rho) && lo <= rho && rho <= hi);
    }
    // The console ranks the parameters by |ρ| per outcome, by their readable
    // names, instead of a line per sample.
    assert!(console.contains("parameters ranked by |Spearman ρ|"), "{console}");
    assert!(!console.contains("sample 1") && !console.contains("research.data_weight"), "{console}");
    let label = |path: &str| match path {
        "research.data_weight" => "data weight ζ (0–1)",
        "acquisitions.bidders" => "acquisitions: bidders",
        _ => "rule: date (announced = effective)",
    };
    let firms = console.split("final independent firms").nth(1).expect("the firms ranking");
    let mut ranked: Vec<_> = sens.iter().filter(|r| r["outcome"] == "final_independent_firms").collect();
    let key =
        |r: &std::collections::BTreeMap<String, String>| r["spearman"].parse::<f64>().map_or(-1.0, f64::abs);
    ranked.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let positions: Vec<usize> = ranked
        .iter()
        .map(|r| {
            firms.find(label(&r["parameter"])).unwrap_or_else(|| panic!("{} in {firms}", r["parameter"]))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "ranked by |ρ|: {positions:?} in {firms}");
    assert!(firms.contains("  1. ") && firms.contains("R² = "), "{firms}");
}

#[test]
fn latin_hypercube_points_are_independent_and_n_counts_points() {
    // Two replicates per point, and the file asks for common random numbers:
    // a Latin hypercube gives every point its own seeds all the same.
    let tmp = tempfile::tempdir().unwrap();
    fs::copy(fixture("tiny.ron"), tmp.path().join("tiny.ron")).unwrap();
    let text = fs::read_to_string(fixture("sweep_lhs.ron"))
        .unwrap()
        .replace("samples: 20", "samples: 8")
        .replace("replicates: 1, ", "replicates: 2, common_random_numbers: true, ");
    assert!(text.contains("replicates: 2"));
    let file = tmp.path().join("lhs2.ron");
    fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    ok(&chipban(&["sweep", s(&file), "--out", s(&out), "--no-charts"]));
    let runs = csv_rows(&out.join("runs.csv"));
    assert_eq!(runs.len(), 16);
    let mut seeds: Vec<&str> = runs.iter().map(|r| r["seed"].as_str()).collect();
    seeds.sort();
    seeds.dedup();
    assert_eq!(seeds.len(), 16, "no seed is shared between points or replicates");
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["common_random_numbers"], false);
    // The observations of the sensitivity analysis are the 8 points, not the 16 runs.
    let sens = csv_rows(&out.join("effects.csv"));
    assert!(!sens.is_empty());
    for row in &sens {
        assert_eq!(row["n"], "8", "{row:?}");
    }
    // The point's value is the mean of its replicates: the Spearman ρ of
    // final HHI on a parameter equals the one computed from runs.csv that way.
    let constant = constant_outcomes(&out);
    assert!(!constant.contains(&"final_hhi".to_string()));
    let mut points: Vec<(f64, f64)> = Vec::new();
    for cell in 0..8 {
        let rs: Vec<_> = runs.iter().filter(|r| r["cell"] == cell.to_string()).collect();
        let hhi = rs.iter().map(|r| r["final_hhi"].parse::<f64>().unwrap()).sum::<f64>() / rs.len() as f64;
        points.push((rs[0]["research.data_weight"].parse().unwrap(), hhi));
    }
    let rank = |v: Vec<f64>| -> Vec<f64> {
        v.iter()
            .map(|x| {
                v.iter().filter(|y| *y < x).count() as f64
                    + (v.iter().filter(|y| *y == x).count() as f64 + 1.0) / 2.0
            })
            .collect()
    };
    let (rx, ry) = (rank(points.iter().map(|p| p.0).collect()), rank(points.iter().map(|p| p.1).collect()));
    let m = 4.5;
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - m) * (b - m)).sum();
    let sx: f64 = rx.iter().map(|a| (a - m) * (a - m)).sum::<f64>().sqrt();
    let sy: f64 = ry.iter().map(|b| (b - m) * (b - m)).sum::<f64>().sqrt();
    let expect = cov / (sx * sy);
    let row = sens
        .iter()
        .find(|r| r["parameter"] == "research.data_weight" && r["outcome"] == "final_hhi")
        .unwrap();
    let rho: f64 = row["spearman"].parse().unwrap();
    assert!((rho - expect).abs() < 1e-9, "{rho} vs {expect}");
}

#[test]
fn constant_outcomes_are_named_once_and_not_analysed() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("f");
    ok(&chipban(&["sweep", &fixture("sweep_factorial.ron"), "--out", s(&f)]));
    let runs = csv_rows(&f.join("runs.csv"));
    let constant = constant_outcomes(&f);
    assert!(!constant.is_empty(), "the tiny world has outcomes that never move (e.g. loans)");
    for o in &constant {
        let first = &runs[0][o];
        assert!(runs.iter().all(|r| &r[o] == first), "{o} is listed constant but varies");
        // cells.csv keeps the value but gives no interval.
        for c in csv_rows(&f.join("cells.csv")).iter().filter(|c| &c["outcome"] == o) {
            assert!(c["ci95_low"].is_empty() && c["sd"].is_empty(), "{c:?}");
        }
    }
    let effects = csv_rows(&f.join("effects.csv"));
    assert!(effects.iter().all(|e| !constant.contains(&e["outcome"])), "no effect of a constant outcome");
    // Every effect has a verdict of its size, with the threshold it used.
    for e in effects.iter().filter(|e| !e["ci95_low"].is_empty()) {
        assert!(
            ["material", "detectable but small", "negligible", "inconclusive"]
                .contains(&e["verdict"].as_str()),
            "{e:?}"
        );
        assert!(e["material_threshold"].parse::<f64>().unwrap() >= 0.0);
    }
    let hhi = effects.iter().find(|e| e["outcome"] == "final_hhi").unwrap();
    assert_eq!(hhi["material_threshold"], "100");
    let report = fs::read_to_string(f.join("report.html")).unwrap();
    assert_eq!(report.matches("Constant across").count(), 1, "said once in the report");
    let out = chipban(&["sweep", &fixture("sweep_factorial.ron"), "--out", s(&tmp.path().join("g"))]);
    let console = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(
        console.matches("constant across").count() + console.matches("Constant across").count(),
        1,
        "{console}"
    );
}

fn bad_sweep(text: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    fs::copy(fixture("tiny.ron"), tmp.path().join("tiny.ron")).unwrap();
    let p = tmp.path().join("bad.ron");
    fs::write(&p, text).unwrap();
    (tmp, p)
}

#[test]
fn bad_sweep_files_get_located_errors_and_write_nothing() {
    let cases: [(&str, &[&str]); 6] = [
        (
            // An unknown field, with the fix.
            "Sweep(name: \"x\", world: \"tiny.ron\", seed: 1,\n    replicats: 2,\n    design: Grid(params: [Param(path: \"market.inertia\", values: [0.5])]))",
            &["bad.ron:2:5:", "did you mean `replicates`"],
        ),
        (
            // A path that does not exist, a wrong value type, both at once.
            "Sweep(name: \"x\", world: \"tiny.ron\", seed: 1, replicates: 2,\n  design: Grid(params: [\n    Param(path: \"research.data_weigth\", values: [0.2]),\n    Param(path: \"market.inertia\", values: [\"high\"]),\n  ]))",
            &[
                "2 problems",
                "bad.ron:3:17:",
                "did you mean `data_weight`",
                "bad.ron:4:17:",
                "market.inertia=high",
            ],
        ),
        (
            // An empty design.
            "Sweep(name: \"x\", world: \"tiny.ron\", seed: 1, replicates: 2, design: Grid(params: []))",
            &["no params"],
        ),
        (
            // A missing world, zero replicates and a one-level factor: all listed.
            "Sweep(name: \"x\", world: \"nope.ron\", seed: 1, replicates: 0,\n  design: Factorial(factors: [Factor(name: \"f\", levels: [Level(name: \"a\")])]))",
            &["3 problems", "nope.ron", "no such file", "`replicates` is 0", "two or more levels"],
        ),
        (
            // Ranges of the wrong kind or empty.
            "Sweep(name: \"x\", world: \"tiny.ron\", seed: 1, replicates: 1,\n  design: LatinHypercube(samples: 10, ranges: [\n    Range(path: \"market.inertia\", min: 0.9, max: 0.1),\n    Range(path: \"acquisitions.bidders\", min: 1.5, max: 4),\n    Range(path: \"policy.rules[0].effective\", min: 2022, max: \"2023-01\"),\n  ]))",
            &["3 problems", "min 0.9 is not below max 0.1", "whole numbers", "\"YYYY-MM\""],
        ),
        (
            // A cell that makes an invalid world (a rule in force before it is announced).
            "Sweep(name: \"x\", world: \"tiny.ron\", seed: 1, replicates: 1,\n  design: Grid(params: [Param(path: \"policy.rules[0].effective\", values: [\"2022-10\", \"2021-01\"])]))",
            &["cell 2", "effective=2021-01", "before its announcement"],
        ),
    ];
    for (text, needles) in cases {
        let (tmp, p) = bad_sweep(text);
        let out = tmp.path().join("out");
        let err = user_error(&chipban(&["sweep", s(&p), "--out", s(&out)]));
        for n in needles {
            assert!(err.contains(n), "expected `{n}` in:\n{err}");
        }
        assert!(!out.exists(), "nothing written for a bad sweep file");
    }
    // Bad --shard values are refused by the command line.
    let o = chipban(&["sweep", &fixture("sweep_grid.ron"), "--shard", "3/3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 <= K < N"));
}

#[test]
fn no_progress_bar_when_not_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let o = chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&tmp.path().join("o")), "--no-charts"]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.trim().is_empty(), "stderr should be empty when piped: {err:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("24 runs"));
}

/// The Slurm scripts, run without Slurm: each array task is the script run
/// with the variables Slurm would set, then the merge script. (The real
/// cluster test is tests/slurm/cluster_test.sh, run by .ci/run.)
#[test]
fn emitted_slurm_scripts_run_the_study() {
    let tmp = tempfile::tempdir().unwrap();
    let job = tmp.path().join("job");
    let o = chipban(&[
        "sweep",
        &fixture("sweep_grid.ron"),
        "--emit-slurm",
        s(&job),
        "--shards",
        "3",
        "--jobs",
        "2",
    ]);
    ok(&o);
    let array = fs::read_to_string(job.join("sweep.sbatch")).unwrap();
    for needle in
        ["#SBATCH --array=0-2", "#SBATCH --cpus-per-task=2", "EDIT", "--resume", "$SLURM_ARRAY_TASK_ID"]
    {
        assert!(array.contains(needle), "{needle} in sweep.sbatch:\n{array}");
    }
    let submit = fs::read_to_string(job.join("submit.sh")).unwrap();
    assert!(submit.contains("--dependency=afterok"), "{submit}");
    // Emitting again is refused without --force.
    let o = chipban(&["sweep", &fixture("sweep_grid.ron"), "--emit-slurm", s(&job)]);
    assert!(user_error(&o).contains("--force"));
    for k in 0..3 {
        let o = Command::new("bash")
            .arg(job.join("sweep.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", k.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_CPUS_PER_TASK", "1")
            .output()
            .unwrap();
        ok(&o);
    }
    ok(&Command::new("bash").arg(job.join("merge.sbatch")).output().unwrap());
    let local = tmp.path().join("local");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&local)]));
    assert_same_folders(&local, &job.join("study"));
}

/// The text of a sweep fixture, its world given as an absolute path (so a
/// copy elsewhere still finds it).
fn sweep_fixture(name: &str) -> String {
    fs::read_to_string(fixture(name))
        .unwrap()
        .replace("world: \"tiny.ron\"", &format!("world: \"{}\"", fixture("tiny.ron")))
}
