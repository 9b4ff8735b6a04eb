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

#[test]
fn misspelled_field_is_located_with_suggestion() {
    let (_dir, path, text) = edited("    inertia: 0.8,", "    inertai: 0.8,");
    let line = line_of(&text, "inertai");
    let col = col_of(&text, line, "inertai");
    for o in [check_fails(&path), run_fails(&path, &[])] {
        assert_contains(&o, &format!("tiny.ron:{line}:{col}:"));
        assert_contains(&o, "`inertai`");
        // ron's own list of the expected fields, and our hint.
        assert_contains(&o, "`benchmark_weight`");
        assert_contains(&o, "did you mean `inertia`?");
    }
}

#[test]
fn unit_suffix_left_off_a_field_name() {
    let (_dir, path, text) = edited("cash_musd: 5000.0,", "cash: 5000.0,");
    let line = line_of(&text, "cash: 5000.0");
    let o = check_fails(&path);
    assert_contains(&o, &format!("tiny.ron:{line}:"));
    assert_contains(&o, "did you mean `cash_musd`?");
}

#[test]
fn misspelled_enum_variant() {
    let (_dir, path, text) = edited("tier: Giant,", "tier: Gaint,");
    let line = line_of(&text, "Gaint");
    let o = check_fails(&path);
    assert_contains(&o, &format!("tiny.ron:{line}:"));
    assert_contains(&o, "`Gaint`");
    assert_contains(&o, "did you mean `Giant`?");
}

#[test]
fn missing_field() {
    let (_dir, path, _) =
        edited("        benchmark_weight: 0.3, // benchmark vs true capability, 0..1\n", "");
    let o = check_fails(&path);
    assert_contains(&o, "tiny.ron:");
    assert_contains(&o, "missing field named `benchmark_weight`");
}

#[test]
fn fraction_for_an_integer_field() {
    let (_dir, path, text) = edited("months: 12,", "months: 60.5,");
    let line = line_of(&text, "months: 60.5");
    let o = check_fails(&path);
    assert_contains(&o, &format!("tiny.ron:{line}:"));
    assert_contains(&o, "whole number");
}

#[test]
fn unquoted_month() {
    let (_dir, path, text) = edited("start: \"2022-01\"", "start: 2022-01");
    let line = line_of(&text, "start: 2022-01");
    let col = col_of(&text, line, "2022-01");
    let o = check_fails(&path);
    assert_contains(&o, &format!("tiny.ron:{line}:{col}:"));
    assert_contains(&o, "\"2023-10\"");
}

#[test]
fn impossible_month() {
    let (_dir, path, text) = edited("effective: \"2022-10\"", "effective: \"2022-13\"");
    let line = line_of(&text, "2022-13");
    let o = check_fails(&path);
    assert_contains(&o, &format!("tiny.ron:{line}:"));
    assert_contains(&o, "month 13 is outside 01..12");
}

#[test]
fn negative_money() {
    let (_dir, path, _) = edited("cash_musd: 400.0,", "cash_musd: -5.0,");
    for o in [check_fails(&path), run_fails(&path, &[])] {
        assert_contains(&o, "1 problem in the world");
        assert_contains(&o, r#"firms[2] ("MidStart").cash_musd = -5: money must be >= 0"#);
    }
}

#[test]
fn share_outside_zero_one() {
    let (_dir, path, _) = edited("inertia: 0.8,", "inertia: 1.5,");
    let o = check_fails(&path);
    assert_contains(&o, "market.inertia = 1.5: must be between 0 and 1");
}

#[test]
fn not_a_number() {
    let (_dir, path, _) = edited("share: 0.2,", "share: NaN,");
    let o = check_fails(&path);
    assert_contains(&o, r#"firms[2] ("MidStart").share = NaN: must be a finite number"#);
}

#[test]
fn rule_names_an_unknown_chip() {
    let (_dir, path, _) = edited("covers: [Chip(\"A100\")]", "covers: [Chip(\"H100\")]");
    let o = check_fails(&path);
    assert_contains(&o, r#"policy.rules[0] ("Oct 2022").covers[0] = "H100": no chip supplier has this name"#);
}

#[test]
fn duplicate_firm_names() {
    let (_dir, path, _) = edited("name: \"TinyLab\"", "name: \"BigCo\"");
    let o = check_fails(&path);
    assert_contains(&o, r#"firms: the name "BigCo" is used more than once"#);
}

#[test]
fn zero_months() {
    let (_dir, path, _) = edited("months: 12,", "months: 0,");
    for o in [check_fails(&path), run_fails(&path, &[])] {
        assert_contains(&o, "months = 0: must be at least 1");
    }
}

#[test]
fn rule_effective_before_announced() {
    let (_dir, path, _) = edited("effective: \"2022-10\"", "effective: \"2022-08\"");
    let o = check_fails(&path);
    assert_contains(
        &o,
        r#"policy.rules[0] ("Oct 2022").effective = 2022-08: before its announcement (2022-09)"#,
    );
}

#[test]
fn chip_loans_from_a_non_lender() {
    let (_dir, path, _) = edited("lender: \"ChipBank\"", "lender: \"BigFund\"");
    let o = check_fails(&path);
    assert_contains(
        &o,
        r#"firms[1] ("LoanStart").chip_loans.lender = "BigFund": this investor is a VentureFund, not a Lender"#,
    );
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

#[test]
fn set_with_unknown_path() {
    let (_dir, path, _) = write_world(TINY);
    let o = run_fails(&path, &["--set", "market.inertai=0.5"]);
    assert_contains(&o, "market.inertai=0.5");
    assert_contains(&o, "has no field `inertai`");
    assert_contains(&o, "did you mean `inertia`?");
}

#[test]
fn set_with_index_out_of_range() {
    let (_dir, path, _) = write_world(TINY);
    let o = run_fails(&path, &["--set", "firms[9].cash_musd=1"]);
    assert_contains(&o, "`firms` has 4 elements");
}

#[test]
fn set_with_wrong_value_type() {
    let (_dir, path, _) = write_world(TINY);
    let o = run_fails(&path, &["--set", "market.inertia=abc"]);
    assert_contains(&o, "market.inertia=abc");
    assert_contains(&o, "invalid type: string \"abc\", expected f64");
}

#[test]
fn set_that_breaks_validation() {
    let (_dir, path, _) = write_world(TINY);
    let o = run_fails(&path, &["--set", "policy.rules[0].effective=2022-08"]);
    assert_contains(&o, "before its announcement");
}

#[test]
fn set_without_equals_sign() {
    let (_dir, path, _) = write_world(TINY);
    run_fails(&path, &["--set", "market.inertia"]);
}

#[test]
fn zero_months_on_the_command_line() {
    let (_dir, path, _) = write_world(TINY);
    run_fails(&path, &["--months", "0"]);
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
