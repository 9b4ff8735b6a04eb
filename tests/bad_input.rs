//! Bad input to the real binary: every case must exit with code 2, print a
//! located, readable error on stderr (no panic, no backtrace), and `run`
//! must write nothing.
//!
//! World files are made by text-editing `tests/fixtures/tiny.ron`, a small
//! valid world.

mod common;

use common::{Captured as Outcome, capture as chipban};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const TINY: &str = include_str!("fixtures/tiny.ron");

/// `TINY` with `from` replaced by `to` (which must occur), written as
/// `tiny.ron` in a fresh temporary folder.
fn edited(from: &str, to: &str) -> (TempDir, PathBuf, String) {
    assert!(TINY.contains(from), "fixture has no {from:?}");
    write_world(&TINY.replacen(from, to, 1))
}

fn write_world(text: &str) -> (TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tiny.ron");
    std::fs::write(&path, text).expect("write world");
    (dir, path, text.to_string())
}

/// 1-based number of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no line contains {needle:?}"))
}

/// 1-based column (in characters) of `needle` in line `line` of `text`.
fn col_of(text: &str, line: usize, needle: &str) -> usize {
    let l = text.lines().nth(line - 1).expect("line exists");
    let byte = l.find(needle).expect("needle on line");
    l[..byte].chars().count() + 1
}

/// A user error: exit code 2, a message, no panic or backtrace.
fn assert_user_error(o: &Outcome) {
    assert_eq!(o.code, Some(2), "expected exit code 2\nstdout:\n{}\nstderr:\n{}", o.stdout, o.stderr);
    assert!(!o.stderr.trim().is_empty(), "an error message on stderr");
    assert!(!o.stderr.contains("panicked"), "panic:\n{}", o.stderr);
    assert!(!o.stderr.contains("stack backtrace"), "backtrace:\n{}", o.stderr);
}

fn assert_contains(o: &Outcome, needle: &str) {
    assert!(o.stderr.contains(needle), "stderr should contain {needle:?}:\n{}", o.stderr);
}

/// `chipban check WORLD` fails with a user error.
fn check_fails(path: &Path) -> Outcome {
    let o = chipban(&["check", path.to_str().expect("utf-8 path")]);
    assert_user_error(&o);
    o
}

/// `chipban run WORLD --out DIR ...` fails with a user error and writes
/// nothing: DIR does not exist afterwards.
fn run_fails(path: &Path, extra: &[&str]) -> Outcome {
    let outdir = tempfile::tempdir().expect("temp dir");
    let out = outdir.path().join("out");
    let out_s = out.to_str().expect("utf-8 path");
    let mut args = vec!["run", path.to_str().expect("utf-8 path"), "--out", out_s, "--quiet"];
    args.extend_from_slice(extra);
    let o = chipban(&args);
    assert_user_error(&o);
    assert!(!out.exists(), "run on bad input must not create {}", out.display());
    o
}

#[test]
fn check_accepts_the_fixture() {
    let (_dir, path, _) = write_world(TINY);
    let o = chipban(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.code, Some(0), "stderr:\n{}", o.stderr);
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
}

/// A one-line edit of the fixture that `check` must refuse (and `run` too,
/// where `run` is set): `from` → `to`; the error points at the line holding
/// `at` (and the column of `col` on it) and says each of `says`.
struct BadEdit {
    from: &'static str,
    to: &'static str,
    at: Option<&'static str>,
    col: Option<&'static str>,
    run: bool,
    says: &'static [&'static str],
}

const fn bad(from: &'static str, to: &'static str, says: &'static [&'static str]) -> BadEdit {
    BadEdit { from, to, at: None, col: None, run: false, says }
}

const BAD_EDITS: &[BadEdit] = &[
    // A misspelled field: ron's own list of the expected fields, and our hint.
    BadEdit {
        at: Some("inertai"),
        col: Some("inertai"),
        run: true,
        ..bad(
            "    inertia: 0.8,",
            "    inertai: 0.8,",
            &["`inertai`", "`benchmark_weight`", "did you mean `inertia`?"],
        )
    },
    // The unit suffix left off a field name.
    BadEdit {
        at: Some("cash: 5000.0"),
        ..bad("cash_musd: 5000.0,", "cash: 5000.0,", &["did you mean `cash_musd`?"])
    },
    BadEdit {
        at: Some("Gaint"),
        ..bad("tier: Giant,", "tier: Gaint,", &["`Gaint`", "did you mean `Giant`?"])
    },
    bad(
        "        benchmark_weight: 0.3, // benchmark vs true capability, 0..1\n",
        "",
        &["tiny.ron:", "missing field named `benchmark_weight`"],
    ),
    BadEdit { at: Some("months: 60.5"), ..bad("months: 12,", "months: 60.5,", &["whole number"]) },
    BadEdit {
        at: Some("start: 2022-01"),
        col: Some("2022-01"),
        ..bad("start: \"2022-01\"", "start: 2022-01", &["\"2023-10\""])
    },
    BadEdit {
        at: Some("2022-13"),
        ..bad("effective: \"2022-10\"", "effective: \"2022-13\"", &["month 13 is outside 01..12"])
    },
    BadEdit {
        run: true,
        ..bad(
            "cash_musd: 400.0,",
            "cash_musd: -5.0,",
            &["1 problem in the world", r#"firms[2] ("MidStart").cash_musd = -5: money must be >= 0"#],
        )
    },
    bad("inertia: 0.8,", "inertia: 1.5,", &["market.inertia = 1.5: must be between 0 and 1"]),
    bad("share: 0.2,", "share: NaN,", &[r#"firms[2] ("MidStart").share = NaN: must be a finite number"#]),
    bad(
        "covers: [Chip(\"A100\")]",
        "covers: [Chip(\"H100\")]",
        &[r#"policy.rules[0] ("Oct 2022").covers[0] = "H100": no chip supplier has this name"#],
    ),
    bad("name: \"TinyLab\"", "name: \"BigCo\"", &[r#"firms: the name "BigCo" is used more than once"#]),
    BadEdit { run: true, ..bad("months: 12,", "months: 0,", &["months = 0: must be at least 1"]) },
    bad(
        "effective: \"2022-10\"",
        "effective: \"2022-08\"",
        &[r#"policy.rules[0] ("Oct 2022").effective = 2022-08: before its announcement (2022-09)"#],
    ),
    bad(
        "lender: \"ChipBank\"",
        "lender: \"BigFund\"",
        &[
            r#"firms[1] ("LoanStart").chip_loans.lender = "BigFund": this investor is a VentureFund, not a Lender"#,
        ],
    ),
];

#[test]
fn bad_edits_are_refused_with_located_messages() {
    for e in BAD_EDITS {
        let (_dir, path, text) = edited(e.from, e.to);
        let mut outcomes = vec![check_fails(&path)];
        if e.run {
            outcomes.push(run_fails(&path, &[]));
        }
        for o in &outcomes {
            if let Some(needle) = e.at {
                let line = line_of(&text, needle);
                match e.col {
                    Some(c) => assert_contains(o, &format!("tiny.ron:{line}:{}:", col_of(&text, line, c))),
                    None => assert_contains(o, &format!("tiny.ron:{line}:")),
                }
            }
            for says in e.says {
                assert_contains(o, says);
            }
        }
    }
}

#[test]
fn several_problems_are_all_listed() {
    let text = TINY
        .replacen("months: 12,", "months: 0,", 1)
        .replacen("cash_musd: 400.0,", "cash_musd: -5.0,", 1)
        .replacen("researchers: [40, 300]", "researchers: [40]", 1)
        .replacen("check_min_musd: 10.0,", "check_min_musd: 500.0,", 1);
    let (_dir, path, _) = write_world(&text);
    let o = check_fails(&path);
    assert_contains(&o, "tiny.ron: 4 problems in the world:");
    assert_contains(&o, "  - months = 0");
    assert_contains(&o, "  - firms[2] (\"MidStart\").cash_musd = -5");
    assert_contains(&o, "  - firms[0] (\"BigCo\").researchers has 1 entry: need one per talent pool (2)");
    assert_contains(&o, "  - investors[0] (\"BigFund\").check_min_musd = 500: above check_max_musd (300)");
}

/// Bad `--set` and `--months` options: `run` refuses them, saying each of
/// the strings given.
#[test]
fn bad_options_are_refused() {
    let (_dir, path, _) = write_world(TINY);
    let cases: [(&[&str], &[&str]); 6] = [
        (
            &["--set", "market.inertai=0.5"],
            &["market.inertai=0.5", "has no field `inertai`", "did you mean `inertia`?"],
        ),
        (&["--set", "firms[9].cash_musd=1"], &["`firms` has 4 elements"]),
        (
            &["--set", "market.inertia=abc"],
            &["market.inertia=abc", "invalid type: string \"abc\", expected f64"],
        ),
        (&["--set", "policy.rules[0].effective=2022-08"], &["before its announcement"]),
        (&["--set", "market.inertia"], &[]),
        (&["--months", "0"], &[]),
    ];
    for (args, says) in cases {
        let o = run_fails(&path, args);
        for s in says {
            assert_contains(&o, s);
        }
    }
}

#[test]
fn missing_world_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nope.ron");
    for o in [check_fails(&path), run_fails(&path, &[])] {
        assert_contains(&o, "nope.ron");
        assert_contains(&o, "no such file");
    }
}

#[test]
fn not_ron_at_all() {
    let (_dir, path, _) = write_world("this is not a world\n");
    let o = check_fails(&path);
    assert_contains(&o, "tiny.ron:1:");
}
