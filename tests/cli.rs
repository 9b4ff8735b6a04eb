//! The real binary, driven as a user would: outputs, overwrite protection,
//! determinism of the files, the built-in baseline, `worlds` and `check`.

mod common;

use common::{chipban_in as chipban, world};
use std::fs;

const FILES: [&str; 6] = ["world.ron", "months.csv", "firms.csv", "chips.csv", "events.csv", "summary.json"];

#[test]
fn run_writes_the_data_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cls");
    let o =
        chipban(&["run", &world("classroom.ron"), "--out", out.to_str().unwrap(), "--seed", "3"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in FILES {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let months = fs::read_to_string(out.join("months.csv")).unwrap();
    let mut lines = months.lines();
    assert_eq!(
        lines.next().unwrap(),
        "month,date,hhi,cr4,independent_firms,independent_labs,startups_alive,entries,exits,acquisitions,pivots,team_transfers,top4_compute_share,compute_gini,chip_price_index,wage_index,vc_funding_musd,loans_outstanding_musd,banned_chip_units,total_revenue_musd,token_volume_ttok,token_price_usd_mtok,token_price_index,frontier_capability,open_floor,vacancies,seekers,consolidating"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 60);
    assert!(rows[0].starts_with("0,2022-07,"));
    assert!(rows[59].starts_with("59,2027-06,"));
    let firms = fs::read_to_string(out.join("firms.csv")).unwrap();
    assert!(firms.starts_with("month,date,firm,tier,status,owner,cash_musd,debt_musd,compute_pflops,chip_units,researchers,capability,benchmark,revenue_musd,share,valuation_musd\n"));
    let chips = fs::read_to_string(out.join("chips.csv")).unwrap();
    assert!(chips.starts_with("month,date,chip,units_held,pflops_held,units_delivered,price_musd,banned\n"));
    assert_eq!(chips.lines().count(), 1 + 60 * 5, "one row per month and chip model");
    let events = fs::read_to_string(out.join("events.csv")).unwrap();
    assert!(events.starts_with("month,date,kind,actor,target,units,amount_musd,detail\n"));
    let kinds = [
        "rule_announced",
        "rule_effective",
        "chip_order",
        "chip_delivery",
        "order_cancelled",
        "grey_market_purchase",
        "funding_round",
        "loan",
        "loan_repaid",
        "loan_default",
        "acquisition",
        "exit",
        "entry",
        "talent_move",
        "price_cut",
        "pivot",
        "team_transfer",
    ];
    let mut r = csv_rows(&events);
    for row in r.by_ref() {
        assert!(kinds.contains(&row[2].as_str()), "unknown kind {}", row[2]);
        assert_eq!(row.len(), 8);
    }
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 3);
    assert_eq!(summary["months"], 60);
    assert_eq!(summary["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(summary["world_hash"].as_str().unwrap().len(), 16);
    assert!(summary["final"]["hhi"].is_number());
    let world_ron = fs::read_to_string(out.join("world.ron")).unwrap();
    assert!(world_ron.contains("seed: 3"), "the resolved world records the seed used");
    // the resolved world runs again to the same result
    let again = tmp.path().join("again");
    let o = chipban(
        &["run", out.join("world.ron").to_str().unwrap(), "--out", again.to_str().unwrap()],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in FILES {
        assert_eq!(
            fs::read(out.join(f)).unwrap(),
            fs::read(again.join(f)).unwrap(),
            "{f} differs when re-run from world.ron"
        );
    }
}

/// Minimal CSV reader for tests (handles quoted fields).
fn csv_rows(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    text.lines().skip(1).map(|line| {
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            }
        }
        fields.push(cur);
        fields
    })
}

#[test]
fn same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |dir: &str, seed: &str| {
        let out = tmp.path().join(dir);
        let o = chipban(
            &["run", &world("baseline.ron"), "--seed", seed, "--out", out.to_str().unwrap(), "--quiet"],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stdout.is_empty(), "--quiet prints nothing");
        out
    };
    let (a, b, c) = (run("a", "11"), run("b", "11"), run("c", "12"));
    for f in FILES {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f} differs between identical runs"
        );
    }
    assert_ne!(fs::read(a.join("events.csv")).unwrap(), fs::read(c.join("events.csv")).unwrap());
    assert_ne!(fs::read(a.join("months.csv")).unwrap(), fs::read(c.join("months.csv")).unwrap());
}

#[test]
fn an_existing_different_result_is_never_silently_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o_str = out.to_str().unwrap();
    let cls = world("classroom.ron");
    assert!(chipban(&["run", &cls, "--out", o_str, "--seed", "1"], tmp.path()).status.success());
    let before = fs::read(out.join("events.csv")).unwrap();
    // the same run again is harmless
    assert!(chipban(&["run", &cls, "--out", o_str, "--seed", "1"], tmp.path()).status.success());
    // a different seed is refused, nothing changes, and --force is suggested
    let o = chipban(&["run", &cls, "--out", o_str, "--seed", "2"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--force") && err.contains("seed"), "{err}");
    assert_eq!(fs::read(out.join("events.csv")).unwrap(), before);
    // a folder that is not ours is refused too
    let other = tmp.path().join("notes");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("thesis.txt"), "precious").unwrap();
    let o = chipban(&["run", &cls, "--out", other.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(fs::read_to_string(other.join("thesis.txt")).unwrap(), "precious");
    // --force replaces
    let o = chipban(&["run", &cls, "--out", o_str, "--seed", "2", "--force"], tmp.path());
    assert!(o.status.success());
    assert_ne!(fs::read(out.join("events.csv")).unwrap(), before);
    // no temporary folders are left behind
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn run_without_a_path_uses_the_built_in_baseline_and_the_default_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = chipban(&["run", "--months", "12"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = tmp.path().join("output").join("baseline-seed42");
    let summary = fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"world\": \"baseline\""));
    assert!(summary.contains("\"months\": 12"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("wall time"));
}

#[test]
fn set_overrides_reach_the_resolved_world() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = chipban(
        &[
            "run",
            &world("baseline.ron"),
            "--months",
            "24",
            "--out",
            out.to_str().unwrap(),
            "--set",
            "policy.rules[1].announced=2023-06",
            "--set",
            "policy.rules[1].effective=2023-06",
            "--set",
            "talent.pools[0].size=1500",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let w = chipban::world::load_file(&out.join("world.ron")).unwrap();
    assert_eq!(w.policy.rules[1].effective.to_string(), "2023-06");
    assert_eq!(w.talent.pools[0].size, 1500);
    assert_eq!(w.months, 24);
    let events = fs::read_to_string(out.join("events.csv")).unwrap();
    assert!(
        events.lines().any(|l| l.starts_with("17,2023-06,rule_effective,")),
        "the moved rule takes effect in 2023-06"
    );
}

#[test]
fn worlds_lists_the_shipped_worlds_and_they_all_check() {
    let tmp = tempfile::tempdir().unwrap();
    let o = chipban(&["worlds"], tmp.path());
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    for name in ["baseline.ron", "no_ban.ron", "classroom.ron", "classroom_no_ban.ron"] {
        assert!(text.contains(&format!("worlds/{name}")), "{text}");
        let c = chipban(&["check", &world(name)], tmp.path());
        assert!(c.status.success(), "{name}: {}", String::from_utf8_lossy(&c.stderr));
    }
    // two headings, four worlds, three sweeps and the line about `export`
    assert_eq!(text.lines().count(), 10, "{text}");
}

#[test]
fn completions_for_each_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = common::chipban(&["completions", shell]);
        let script = common::ok(&o);
        for cmd in ["run", "chart", "sweep", "merge", "compare", "calibrate"] {
            assert!(script.contains(cmd), "{shell} completion lacks {cmd}");
        }
        assert!(script.contains("emit-slurm") && script.contains("no-charts"), "{shell}");
    }
    // an unknown shell is a usage error
    assert_eq!(common::chipban(&["completions", "cmd.exe"]).status.code(), Some(2));
}

#[test]
fn completions_and_man_survive_a_closed_pipe() {
    // `chipban completions bash | head -1`: the reader goes away first.
    for args in [&["completions", "bash"][..], &["man"][..]] {
        let mut child = common::command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success() && !err.contains("panicked"), "{args:?}: {:?} {err}", o.status);
    }
}

#[test]
fn man_page_is_roff_with_every_command() {
    let page = common::ok(&common::chipban(&["man"]));
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{}", &page[..page.len().min(200)]);
    assert!(page.contains(".TH chipban 1"), "a section 1 page");
    for cmd in
        ["run", "chart", "check", "worlds", "export", "sweep", "compare", "calibrate", "merge", "completions"]
    {
        assert!(page.contains(cmd), "the page lists {cmd}");
    }
    assert_eq!(common::ok(&common::chipban(&["manpage"])), page, "`manpage` is the same");
}

#[test]
fn shared_options_keep_their_help() {
    let help = |cmd: &str| common::ok(&common::chipban(&[cmd, "--help"]));
    let run = help("run");
    assert!(run.contains("Output folder (default: output/<world name>-seed<N>)"));
    assert!(run.contains("Replace an existing output folder that holds a different run."));
    assert!(run.contains("Random seed (default: the world's `seed`)."));
    assert!(run.contains("--set <PATH=VALUE>"));
    let sweep = help("sweep");
    assert!(sweep.contains("No progress bar or summary (errors only)."));
    assert!(sweep.contains("-j, --jobs <JOBS>"));
    let merge = help("merge");
    assert!(merge.contains("No summary (errors only).") && merge.contains("output/sweep-<name>"));
    let compare = help("compare");
    assert!(compare.contains("Master seed (default: the first world's seed)."));
    assert!(compare.contains("Months to simulate in both worlds"));
    assert!(help("calibrate").contains("e.g. to try a calibration"));
}
