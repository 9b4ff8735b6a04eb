//! Hostile input (issue 11, items 3-7): sizes over their limits, values
//! that overflow, special or huge input files, poisoned data files given to
//! `chart`, unsafe names, two writers on one folder, tampered sweep folders
//! and failures that must map to exit code 2. Each case asserts the exit
//! code, the message's key words, that nothing was written and that no
//! temporary file or lock is left.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Names in `dir` that a writer must never leave behind.
fn leftovers(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-") || n.ends_with(".lock"))
        .collect()
}

/// Everything in `dir` (names), sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match fs::read_dir(dir) {
        Ok(d) => d.map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// A user error whose message holds every one of `words`; returns stderr.
fn refused(o: &Output, words: &[&str]) -> String {
    let err = user_error(o);
    for w in words {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
    err
}

/// Run in `cwd` and expect a refusal that writes nothing there.
fn refused_in(args: &[&str], cwd: &Path, words: &[&str]) -> String {
    let before = listing(cwd);
    let err = refused(&chipban_in(args, cwd), words);
    assert_eq!(listing(cwd), before, "nothing may be written: {err}");
    assert!(leftovers(cwd).is_empty());
    if cwd.join("output").exists() {
        assert!(leftovers(&cwd.join("output")).is_empty());
    }
    err
}

fn tiny() -> String {
    fixture("tiny.ron")
}

/// Run `args` in `cwd`, failing the test (not hanging it) if the command
/// takes more than `secs` seconds.
fn within_secs(secs: u64, args: &[&str], cwd: &Path) -> Output {
    let mut child = command(args)
        .current_dir(cwd)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed().as_secs() >= secs {
            child.kill().unwrap();
            panic!("`chipban {}` still running after {secs} s", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// `refused_in` for a command that must also answer within 30 seconds.
fn refused_quickly(args: &[&str], cwd: &Path, words: &[&str]) -> String {
    let before = listing(cwd);
    let err = refused(&within_secs(30, args, cwd), words);
    assert_eq!(listing(cwd), before, "nothing may be written: {err}");
    assert!(leftovers(cwd).is_empty());
    err
}

/// A sweep file in `dir` (`name`) that is the fixture `from` after `edits`.
fn sweep_from(from: &str, dir: &Path, name: &str, edits: &[(&str, &str)]) -> String {
    let mut text = fs::read_to_string(fixture(from))
        .unwrap()
        .replace("world: \"tiny.ron\"", &format!("world: \"{}\"", tiny()));
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    s(&p).to_string()
}

/// A sweep file in `dir` (`name`) that is sweep_grid.ron after `edits`.
fn sweep_with(dir: &Path, name: &str, edits: &[(&str, &str)]) -> String {
    sweep_from("sweep_grid.ron", dir, name, edits)
}

/// A named pipe at `path` (nothing ever writes to it).
fn fifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

// ---- 3. Bounded resources ------------------------------------------------

#[test]
fn sizes_over_their_limits_are_refused_before_work() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    let o = s(&out);
    let t = tiny();
    // (arguments, key words of the refusal)
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["run", &t, "--months", "5000", "--out", o], vec!["months = 5,000", "1,200", "--allow-large"]),
        (
            vec!["run", &t, "--set", "cohorts[0].count=300000", "--out", o],
            vec!["300,004 firms", "200,000", "--allow-large"],
        ),
        (
            vec!["run", &t, "--set", "cohorts[0].count=150000", "--months", "200", "--out", o],
            vec!["firms x months = 3", "firm-months", "GB", "the limit is 20,000,000", "--allow-large"],
        ),
        (
            vec!["run", &t, "--set", "entry.rate_month=1e6", "--out", o],
            vec!["new entrants", "entry.rate_month", "--allow-large"],
        ),
        (
            vec!["compare", &t, &t, "--replicates", "200000", "--out", o],
            vec!["--replicates x 2 worlds = 400,000 runs", "--allow-large"],
        ),
        (vec!["calibrate", &t, "--replicates", "200000"], vec!["--replicates = 200,000 runs", "100,000"]),
    ];
    for (args, words) in cases {
        refused_quickly(&args, tmp.path(), &words);
        assert!(!out.exists(), "{args:?}");
    }
}

#[test]
fn sweep_sizes_are_refused_before_the_design_is_expanded() {
    let tmp = temp_dir();
    let lhs = sweep_from("sweep_lhs.ron", tmp.path(), "lhs.ron", &[("samples: 20,", "samples: 200000,")]);
    let values: String = (0..2000).map(|i| format!("{}.0, ", i)).collect();
    let huge_grid = sweep_with(
        tmp.path(),
        "grid.ron",
        &[
            ("values: [0.2, 0.35, 0.5]", &format!("values: [{values}]")),
            ("values: [\"2022-06\", \"2023-01\"]", "values: [\"2022-06\", \"2023-01\", \"2023-02\"]"),
            ("replicates: 4,", "replicates: 100,"),
        ],
    );
    let many_reps = sweep_with(tmp.path(), "reps.ron", &[("replicates: 4,", "replicates: 4000000000,")]);
    for (file, words) in [
        (lhs.as_str(), vec!["`samples` = 200,000 cells", "the limit is 100,000", "--allow-large"]),
        (huge_grid.as_str(), vec!["cells x `replicates` = 600,000 runs", "100,000", "--allow-large"]),
        (many_reps.as_str(), vec!["cells x `replicates`", "24,000,000,000 runs", "at most 100,000,000"]),
    ] {
        refused_quickly(&["sweep", file, "--no-charts"], tmp.path(), &words);
        refused_quickly(&["sweep", file, "--emit-slurm", "slurm"], tmp.path(), &words);
    }
    refused_quickly(
        &["sweep", &fixture("sweep_grid.ron"), "--emit-slurm", "slurm", "--shards", "50000"],
        tmp.path(),
        &["--shards", "50,000", "--allow-large"],
    );
}

#[test]
fn allow_large_raises_the_default_limits_but_not_the_absolute_ones() {
    let tmp = temp_dir();
    let w = tmp.path().join("long.ron");
    // No growth, so that only the months are large.
    let text: String = fs::read_to_string(tiny())
        .unwrap()
        .lines()
        .map(|l| match l.find("growth_yearly: ") {
            Some(i) => format!("{}growth_yearly: 0.0, // none\n", &l[..i]),
            None => format!("{l}\n"),
        })
        .collect();
    fs::write(&w, text.replace("months: 12,", "months: 1300,")).unwrap();
    refused_quickly(&["check", s(&w)], tmp.path(), &["months = 1,300", "--allow-large"]);
    assert!(ok(&chipban_in(&["check", s(&w), "--allow-large"], tmp.path())).contains(": ok"));
    fs::write(&w, text.replace("months: 12,", "months: 20000,")).unwrap();
    let err = refused_quickly(
        &["check", s(&w), "--allow-large"],
        tmp.path(),
        &["months = 20,000", "at most 12,000"],
    );
    assert!(err.contains("the calendar"), "{err}");
    // A sweep over the default runs limit: refused, then emitted for Slurm
    // with --allow-large, which its jobs (sweep and merge) are given too.
    let sweep = sweep_with(tmp.path(), "s.ron", &[("replicates: 4,", "replicates: 20000,")]);
    refused_quickly(
        &["sweep", &sweep, "--emit-slurm", "slurm"],
        tmp.path(),
        &["120,000 runs", "--allow-large"],
    );
    ok(&chipban_in(&["sweep", &sweep, "--emit-slurm", "slurm", "--allow-large", "--quiet"], tmp.path()));
    for job in ["sweep.sbatch", "merge.sbatch"] {
        let text = fs::read_to_string(tmp.path().join("slurm").join(job)).unwrap();
        assert!(text.contains("--allow-large"), "{job}:\n{text}");
    }
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", listing(tmp.path()));
}

#[test]
fn values_that_would_overflow_or_hang_are_refused_up_front() {
    let tmp = temp_dir();
    let t = tiny();
    // (--set, key words): each of these ran for minutes or wrote NaN/inf before.
    let cases = [
        (
            "chips.suppliers[0].capacity_growth_yearly=1e300",
            vec!["capacity_growth_yearly = 1e300", "at most 10 (+1000% a year)"],
        ),
        ("market.adoption[0].1=1e300", vec!["market.adoption[0].1 = 1e300", "at most 1e15"]),
        ("talent.pools[0].growth_yearly=100", vec!["talent.pools[0]", "growth_yearly = 100"]),
        ("talent.pools[1].growth_yearly=10", vec!["talent.pools[..].size", "researchers grow to"]),
        ("talent.pools[0].growth_yearly=5", vec!["new entrants = 1,701 a month", "--allow-large"]),
        ("talent.wage_sensitivity=1e6", vec!["talent.wage_sensitivity = 1000000", "between 0 and 100"]),
        ("talent.offer_noise=1e6", vec!["talent.offer_noise", "between 0 and 5"]),
        ("market.price_sensitivity=1e4", vec!["market.price_sensitivity = 10000", "between 0 and 100"]),
        ("funding.climate[0].1=1e6", vec!["funding.climate[0].1", "between 0 and 100"]),
        ("funding.investors_per_pitch=4000000000", vec!["funding.investors_per_pitch", "at most 10000"]),
        ("chips.suppliers[0].lead_time_months=4000000000", vec!["lead_time_months", "at most 120"]),
        (
            "firms[0].cash_musd=1e300",
            vec!["firms[0] (\"BigCo\").cash_musd = 1e300", "at most 1000000000 (USD millions"],
        ),
        (
            "cohorts[0].cash_musd=LogNormal(median: 10.0, sigma: 1e6)",
            vec!["cash_musd.sigma = 1000000", "at most 5"],
        ),
        ("start=\"9999-01\"", vec!["months = 60", "the last month of the calendar"]),
    ];
    for (set, words) in cases {
        // Growth is checked against the run's length: give the long ones a long run.
        let months = if set.contains("=9.0") || set.contains("[1].growth") { "400" } else { "60" };
        let args = ["run", &t, "--set", set, "--months", months, "--no-charts", "--out", "o"];
        let err = refused_quickly(&args, tmp.path(), &words);
        assert!(!err.contains(&"0".repeat(40)), "numbers are shown compactly: {err}");
    }
}

#[test]
fn size_and_value_problems_are_listed_at_once() {
    let tmp = temp_dir();
    let err = refused_quickly(
        &["run", &tiny(), "--months", "5000", "--set", "talent.offer_noise=1e6", "--out", "o"],
        tmp.path(),
        &["problems in the world", "talent.offer_noise = 1000000", "months = 5,000", "grows from"],
    );
    let n = err.matches("\n  - ").count();
    assert!(err.contains(&format!(": {n} problems in the world")), "{err}");
}

#[test]
fn special_or_huge_world_and_sweep_files_are_refused_without_hanging() {
    let tmp = temp_dir();
    let pipe = tmp.path().join("pipe.ron");
    fifo(&pipe);
    let big = tmp.path().join("big.ron");
    fs::write(&big, vec![b' '; 17 << 20]).unwrap();
    let folder = tmp.path().join("folder.ron");
    fs::create_dir(&folder).unwrap();
    let cases = [
        (s(&pipe), vec!["pipe.ron", "FIFO", "not a regular file"]),
        ("/dev/zero", vec!["/dev/zero", "is a device"]),
        (s(&big), vec!["big.ron", "17825792 bytes", "16 MiB"]),
        (s(&folder), vec!["folder.ron", "is a directory"]),
    ];
    for (file, words) in &cases {
        refused_quickly(&["run", file, "--no-charts", "--out", "o"], tmp.path(), words);
        refused_quickly(&["check", file], tmp.path(), words);
        refused_quickly(&["sweep", file, "--no-charts", "--out", "o"], tmp.path(), words);
        refused_quickly(&["compare", file, &tiny(), "--replicates", "2", "--out", "o"], tmp.path(), words);
    }
    // ... and as the world a sweep file names.
    let sweep = sweep_with(tmp.path(), "s.ron", &[(&tiny(), s(&pipe))]);
    refused_quickly(&["sweep", &sweep, "--no-charts", "--out", "o"], tmp.path(), &["`world`", "FIFO"]);
}

fn run_folder_in(tmp: &Path) -> PathBuf {
    let out = tmp.join("r");
    ok(&chipban(&["run", &tiny(), "--no-charts", "--out", s(&out), "--months", "6"]));
    out
}

#[test]
fn chart_on_nan_or_inf_cells_names_the_file_line_and_column() {
    let tmp = temp_dir();
    let out = run_folder_in(tmp.path());
    let original = fs::read_to_string(out.join("months.csv")).unwrap();
    let firms = fs::read_to_string(out.join("firms.csv")).unwrap();
    // (file, its poisoned text, key words)
    let poison = |text: &str, line: usize, col: usize, value: &str| {
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut f: Vec<String> = lines[line - 1].split(',').map(String::from).collect();
        f[col - 1] = value.to_string();
        lines[line - 1] = f.join(",");
        lines.join("\n") + "\n"
    };
    let cases = [
        (
            "months.csv",
            poison(&original, 3, 4, "NaN"),
            vec!["months.csv", "line 3, column 4", "\"NaN\" is not a finite number"],
        ),
        ("months.csv", poison(&original, 5, 2, "inf"), vec!["months.csv", "line 5, column 2", "\"inf\""]),
        ("firms.csv", poison(&firms, 4, 6, "-inf"), vec!["firms.csv", "line 4, column 6", "\"-inf\""]),
    ];
    for (file, text, words) in cases {
        fs::write(out.join("months.csv"), &original).unwrap();
        fs::write(out.join("firms.csv"), &firms).unwrap();
        fs::write(out.join(file), text).unwrap();
        let before = listing(&out);
        refused(&within_secs(60, &["chart", s(&out)], tmp.path()), &words);
        assert_eq!(listing(&out), before);
        assert!(leftovers(tmp.path()).is_empty() && leftovers(&out).is_empty());
    }
}

#[test]
fn chart_on_huge_finite_values_finishes() {
    let tmp = temp_dir();
    let out = run_folder_in(tmp.path());
    for file in ["months.csv", "firms.csv"] {
        edit_file(&out.join(file), |t| {
            let mut lines: Vec<String> = t.lines().map(String::from).collect();
            for l in lines.iter_mut().skip(1) {
                // every numeric cell but the month becomes 1e300
                let f: Vec<String> = l
                    .split(',')
                    .enumerate()
                    .map(
                        |(j, c)| {
                            if j > 0 && c.parse::<f64>().is_ok() { "1e300".into() } else { c.to_string() }
                        },
                    )
                    .collect();
                *l = f.join(",");
            }
            lines.join("\n") + "\n"
        });
    }
    let o = within_secs(120, &["chart", s(&out)], tmp.path());
    // A chart, or a clear refusal: never a hang, a panic or a bug report.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(matches!(o.status.code(), Some(0 | 2)), "exit {:?}: {err}", o.status.code());
    assert!(!err.contains("panicked") && !err.contains("internal error"), "{err}");
    assert!(leftovers(tmp.path()).is_empty() && leftovers(&out).is_empty());
}

#[test]
fn special_files_in_output_and_sweep_folders_are_refused_without_hanging() {
    let tmp = temp_dir();
    let out = run_folder_in(tmp.path());
    fs::remove_file(out.join("events.csv")).unwrap();
    fifo(&out.join("events.csv"));
    refused(&within_secs(30, &["chart", s(&out)], tmp.path()), &["events.csv", "FIFO"]);
    // A shard folder whose journal or state is a FIFO: resume and merge refuse.
    let sweep = tmp.path().join("sw");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&sweep), "--no-charts", "--shard", "0/2"]));
    for file in ["journal.csv", "state.json"] {
        let keep = fs::read(sweep.join(file)).unwrap();
        fs::remove_file(sweep.join(file)).unwrap();
        fifo(&sweep.join(file));
        let resume = ["sweep", &fixture("sweep_grid.ron"), "--out", s(&sweep), "--resume", "--shard", "0/2"];
        refused(&within_secs(30, &resume, tmp.path()), &[file, "FIFO"]);
        let merged = tmp.path().join("study");
        let m = within_secs(30, &["merge", s(&sweep), "--out", s(&merged), "--no-charts"], tmp.path());
        refused(&m, &[file, "FIFO"]);
        assert!(!merged.exists());
        fs::remove_file(sweep.join(file)).unwrap();
        fs::write(sweep.join(file), keep).unwrap();
    }
    assert!(leftovers(tmp.path()).is_empty() && leftovers(&sweep).is_empty());
}

/// A world file in `dir` that is tiny.ron with another name.
fn named_world(dir: &Path, name: &str) -> String {
    let text = fs::read_to_string(tiny()).unwrap().replace("name: \"tiny\"", &format!("name: {name}"));
    let p = dir.join("w.ron");
    fs::write(&p, text).unwrap();
    s(&p).to_string()
}

// ---- 4. Safe names -------------------------------------------------------

#[test]
fn world_name_with_a_separator_is_refused() {
    let tmp = temp_dir();
    let w = named_world(tmp.path(), "\"../escape\"");
    refused_in(&["run", &w, "--no-charts"], tmp.path(), &["world.name", "letters, digits", "'/'"]);
    refused(&chipban(&["check", &w]), &["world.name", "output folder"]);
}

#[test]
fn world_name_dot_dot_by_override_is_refused() {
    let tmp = temp_dir();
    refused_in(
        &["run", &tiny(), "--set", "name=\"..\"", "--no-charts"],
        tmp.path(),
        &["world.name", "start with `.`"],
    );
}

#[test]
fn world_name_absolute_path_is_refused() {
    let tmp = temp_dir();
    refused_in(
        &["run", &tiny(), "--set", "name=\"/tmp/x\"", "--no-charts"],
        tmp.path(),
        &["world.name", "'/'"],
    );
}

#[test]
fn world_name_too_long_is_refused() {
    let tmp = temp_dir();
    let long = format!("name=\"{}\"", "a".repeat(65));
    refused_in(
        &["run", &tiny(), "--set", &long, "--no-charts"],
        tmp.path(),
        &["world.name", "65 characters", "64"],
    );
}

#[test]
fn world_name_with_nul_or_escape_is_refused() {
    let tmp = temp_dir();
    refused_in(&["run", &tiny(), "--set", "name=\"a\\u{0}b\"", "--no-charts"], tmp.path(), &["world.name"]);
    refused_in(
        &["run", &tiny(), "--set", "name=\"a\\u{1b}[2J\"", "--no-charts"],
        tmp.path(),
        &["world.name"],
    );
}

#[test]
fn world_name_hidden_folder_is_refused() {
    let tmp = temp_dir();
    let w = named_world(tmp.path(), "\".hidden\"");
    refused_in(&["run", &w, "--no-charts"], tmp.path(), &["world.name", "start with `.`"]);
}

/// A sweep file in `dir` that is sweep_grid.ron with another name.
fn named_sweep(dir: &Path, name: &str) -> String {
    let text = fs::read_to_string(fixture("sweep_grid.ron"))
        .unwrap()
        .replace("name: \"tiny_grid\"", &format!("name: \"{name}\""))
        .replace("world: \"tiny.ron\"", &format!("world: \"{}\"", tiny()));
    let p = dir.join("s.ron");
    fs::write(&p, text).unwrap();
    s(&p).to_string()
}

#[test]
fn sweep_names_with_separators_or_leading_dots_are_refused() {
    let tmp = temp_dir();
    for name in ["../up", "/abs", ".hidden", ".."] {
        let f = named_sweep(tmp.path(), name);
        let before = listing(tmp.path());
        refused(&chipban_in(&["sweep", &f, "--no-charts"], tmp.path()), &["`name`", "output folder"]);
        assert_eq!(listing(tmp.path()), before, "{name}");
    }
}

#[test]
fn sweep_name_too_long_is_refused() {
    let tmp = temp_dir();
    let f = named_sweep(tmp.path(), &"s".repeat(80));
    let before = listing(tmp.path());
    refused(&chipban_in(&["sweep", &f, "--no-charts"], tmp.path()), &["80 characters", "at most 64"]);
    assert_eq!(listing(tmp.path()), before);
}

#[test]
fn narration_shows_escape_codes_visibly() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    let o = chipban(&[
        "run",
        &tiny(),
        "--set",
        "firms[1].name=\"Loan\\u{1b}[31mStart\"",
        "--narrate",
        "--no-charts",
        "--out",
        s(&out),
    ]);
    let text = ok(&o);
    assert!(!text.contains('\u{1b}'), "no raw escape on the terminal");
    assert!(text.contains("Loan\\u{1b}[31mStart"), "the escape is shown visibly:\n{text}");
}

// ---- 5. One writer at a time ----------------------------------------------

#[test]
fn two_writers_the_second_fails_at_once_naming_the_holder() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    // The first writer: a whole sweep with charts, one thread (seconds).
    let mut first = command(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--jobs", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lock = tmp.path().join("o.lock");
    let t0 = std::time::Instant::now();
    while !fs::read_to_string(&lock).is_ok_and(|t| t.contains("pid")) {
        assert!(t0.elapsed().as_secs() < 60, "the first writer never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let started = std::time::Instant::now();
    let second = chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--force", "--no-charts"]);
    let quick = started.elapsed();
    let still_running = first.try_wait().unwrap().is_none();
    let status = first.wait().unwrap();
    assert!(status.success());
    assert!(still_running, "the first writer (seconds of work) was still running");
    let err = refused(&second, &["being written by another chipban", "o.lock"]);
    assert!(err.contains(&format!("pid {}", first.id())), "names the holder: {err}");
    assert!(quick.as_secs() < 10, "fails at once, not after waiting");
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", listing(tmp.path()));
    assert!(out.join("cells.csv").exists());
}

#[test]
fn a_held_lock_refuses_every_writer() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    let lock = tmp.path().join("o.lock");
    let mut f = fs::File::create(&lock).unwrap();
    std::io::Write::write_all(&mut f, b"pid 4242: chipban run elsewhere").unwrap();
    f.try_lock().unwrap();
    for args in [
        vec!["run", &tiny(), "--no-charts", "--out", s(&out)],
        vec!["sweep", &fixture("sweep_grid.ron"), "--no-charts", "--out", s(&out)],
        vec![
            "compare",
            &tiny(),
            &tiny(),
            "--replicates",
            "2",
            "--months",
            "3",
            "--no-charts",
            "--out",
            s(&out),
        ],
        vec!["sweep", &fixture("sweep_grid.ron"), "--emit-slurm", s(&out)],
    ] {
        refused(&chipban(&args), &["being written by another chipban", "pid 4242: chipban run elsewhere"]);
        assert!(!out.exists(), "nothing written: {args:?}");
    }
    drop(f);
}

#[test]
fn merge_refuses_a_held_study_folder_or_a_shard_still_being_written() {
    let tmp = temp_dir();
    let dirs = two_shards(tmp.path());
    for held in [tmp.path().join("study.lock"), tmp.path().join("s1.lock")] {
        let mut f = fs::File::create(&held).unwrap();
        std::io::Write::write_all(&mut f, b"pid 4242: chipban sweep elsewhere").unwrap();
        f.try_lock().unwrap();
        refused(&merge(tmp.path(), &dirs), &["being written by another chipban", "pid 4242"]);
        assert!(!tmp.path().join("study").exists());
        drop(f);
        fs::remove_file(&held).unwrap();
    }
    ok(&merge(tmp.path(), &dirs));
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", listing(tmp.path()));
}

#[test]
fn a_stale_lock_file_does_not_block_and_is_removed() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    fs::write(tmp.path().join("o.lock"), "pid 1: a writer that died").unwrap();
    ok(&chipban(&["run", &tiny(), "--no-charts", "--out", s(&out)]));
    assert!(out.join("months.csv").exists());
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", listing(tmp.path()));
}

#[test]
fn a_fifo_or_folder_where_the_lock_goes_is_refused_without_hanging() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    fifo(&tmp.path().join("o.lock"));
    refused(
        &chipban(&["run", &tiny(), "--no-charts", "--out", s(&out)]),
        &["o.lock", "not a regular file", "remove it"],
    );
    assert!(!out.exists());
    fs::remove_file(tmp.path().join("o.lock")).unwrap();
    fs::create_dir(tmp.path().join("o.lock")).unwrap();
    refused(&chipban(&["run", &tiny(), "--no-charts", "--out", s(&out)]), &["o.lock", "not a regular file"]);
    assert_eq!(listing(tmp.path()), ["o.lock"]);
}

#[test]
fn leftovers_of_a_killed_writer_are_removed_by_the_next() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    fs::create_dir(tmp.path().join(".o.tmp-abc123")).unwrap();
    fs::write(tmp.path().join(".o.tmp-abc123/months.csv"), "x").unwrap();
    fs::create_dir(tmp.path().join(".o.old-999")).unwrap();
    fs::write(tmp.path().join(".other.tmp-1"), "not ours").unwrap();
    ok(&chipban(&["run", &tiny(), "--no-charts", "--out", s(&out)]));
    assert_eq!(listing(tmp.path()), [".other.tmp-1", "o"]);
}

#[test]
fn resume_removes_temporary_files_inside_the_sweep_folder() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--no-charts", "--shard", "0/2"]));
    fs::write(out.join(".journal.csv.tmp-XYZ"), "half").unwrap();
    fs::create_dir(out.join(".charts.tmp-XYZ")).unwrap();
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--resume", "--shard", "0/2"]));
    assert!(leftovers(&out).is_empty(), "{:?}", listing(&out));
}

#[test]
fn out_file_with_force_never_destroys_the_users_file() {
    let tmp = temp_dir();
    let file = tmp.path().join("notes.txt");
    fs::write(&file, "my notes").unwrap();
    for args in [
        vec!["run", &tiny(), "--no-charts", "--force", "--out", s(&file)],
        vec!["sweep", &fixture("sweep_grid.ron"), "--no-charts", "--force", "--out", s(&file)],
        vec!["compare", &tiny(), &tiny(), "--replicates", "2", "--months", "3", "--force", "--out", s(&file)],
    ] {
        refused(&chipban(&args), &["notes.txt", "is a file"]);
        assert_eq!(fs::read_to_string(&file).unwrap(), "my notes", "{args:?}");
    }
    assert_eq!(listing(tmp.path()), ["notes.txt"]);
}

#[test]
fn a_refused_run_leaves_the_folder_and_no_lock() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("thesis.tex"), "x").unwrap();
    refused(&chipban(&["run", &tiny(), "--no-charts", "--out", s(&out)]), &["already exists", "--force"]);
    assert_eq!(listing(&out), ["thesis.tex"]);
    assert_eq!(listing(tmp.path()), ["o"]);
}

// ---- 6. Tampered sweep folders --------------------------------------------

/// Both shards of the tiny grid, finished, in `tmp` (s0, s1).
fn two_shards(tmp: &Path) -> [PathBuf; 2] {
    let dirs = [tmp.join("s0"), tmp.join("s1")];
    for (k, d) in dirs.iter().enumerate() {
        let shard = format!("{k}/2");
        ok(&chipban(&[
            "sweep",
            &fixture("sweep_grid.ron"),
            "--shard",
            &shard,
            "--out",
            s(d),
            "--no-charts",
            "--jobs",
            "1",
        ]));
    }
    dirs
}

fn merge(tmp: &Path, dirs: &[PathBuf]) -> Output {
    let out = tmp.join("study");
    let mut args = vec!["merge", "--no-charts", "--out", s(&out)];
    args.extend(dirs.iter().map(|d| s(d)));
    chipban(&args)
}

/// Merge `dirs` after `edit`, expect a refusal with `words`, and nothing written.
fn tampered_merge(edit: impl Fn(&[PathBuf; 2]), words: &[&str]) -> String {
    let tmp = temp_dir();
    let dirs = two_shards(tmp.path());
    edit(&dirs);
    let err = refused(&merge(tmp.path(), &dirs), words);
    assert!(!tmp.path().join("study").exists(), "no study written");
    assert!(leftovers(tmp.path()).is_empty());
    err
}

fn edit_file(path: &Path, f: impl Fn(String) -> String) {
    let text = fs::read_to_string(path).unwrap();
    let new = f(text.clone());
    assert_ne!(new, text, "the edit changed {}", path.display());
    fs::write(path, new).unwrap();
}

/// Replace field `col` of journal line `line` (1-based) with `value`.
fn edit_journal(dir: &Path, line: usize, col: usize, value: &str) {
    edit_file(&dir.join("journal.csv"), |t| {
        let mut lines: Vec<String> = t.lines().map(String::from).collect();
        let mut f: Vec<String> = lines[line - 1].split(',').map(String::from).collect();
        f[col] = value.to_string();
        lines[line - 1] = f.join(",");
        lines.join("\n") + "\n"
    });
}

#[test]
fn shard_index_edited_past_its_count_is_refused() {
    tampered_merge(
        |d| edit_file(&d[1].join("state.json"), |t| t.replace("\"index\": 1", "\"index\": 7")),
        &["state.json", "shard index 7 of 2"],
    );
}

#[test]
fn shard_count_edited_is_refused() {
    tampered_merge(
        |d| {
            edit_file(&d[0].join("state.json"), |t| t.replace("\"count\": 2", "\"count\": 4000000000"));
        },
        &["state.json"],
    );
}

#[test]
fn runs_in_this_folder_edited_is_refused() {
    tampered_merge(
        |d| {
            edit_file(&d[0].join("state.json"), |t| {
                t.replace("\"runs_in_this_folder\": 12", "\"runs_in_this_folder\": 13")
            })
        },
        &["state.json", "runs_in_this_folder", "13"],
    );
}

#[test]
fn journal_run_id_out_of_range_is_refused_with_its_line() {
    tampered_merge(|d| edit_journal(&d[0], 3, 0, "9000"), &["journal.csv:3", "run_id 9000 is out of range"]);
}

#[test]
fn journal_cell_edited_is_refused_with_its_line() {
    tampered_merge(|d| edit_journal(&d[1], 2, 1, "5"), &["journal.csv:2", "cell 5"]);
}

#[test]
fn journal_replicate_out_of_range_is_refused_with_its_line() {
    tampered_merge(|d| edit_journal(&d[0], 4, 2, "4000000"), &["journal.csv:4", "replicate 4000000"]);
}

#[test]
fn journal_nan_outcome_is_refused_with_its_line() {
    tampered_merge(|d| edit_journal(&d[1], 5, 4, "NaN"), &["journal.csv:5", "not a finite number"]);
}

#[test]
fn edited_replicates_in_sweep_ron_are_refused() {
    tampered_merge(
        |d| {
            for dir in d {
                edit_file(&dir.join("sweep.ron"), |t| t.replace("replicates: 4", "replicates: 2"));
            }
        },
        &["state.json", "runs"],
    );
}

#[test]
fn resume_refuses_a_tampered_journal() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--no-charts", "--shard", "0/2"]));
    edit_journal(&out, 2, 3, "12345");
    let before = fs::read(out.join("journal.csv")).unwrap();
    refused(
        &chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--resume", "--shard", "0/2"]),
        &["journal.csv:2", "seed"],
    );
    assert_eq!(fs::read(out.join("journal.csv")).unwrap(), before);
    assert!(!out.join("cells.csv").exists() && leftovers(tmp.path()).is_empty());
}

#[test]
fn resume_refuses_an_edited_state_file() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--no-charts", "--shard", "1/2"]));
    edit_file(&out.join("state.json"), |t| t.replace("\"runs\": 24", "\"runs\": 25"));
    refused(
        &chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--resume", "--shard", "1/2"]),
        &["state.json", "`runs` is 25"],
    );
    assert!(leftovers(tmp.path()).is_empty());
}

// ---- 7. Every failure maps to an exit code --------------------------------

#[test]
fn huge_or_zero_jobs_are_refused_before_work() {
    let tmp = temp_dir();
    for jobs in ["1000000000", "0"] {
        refused_in(&["sweep", &fixture("sweep_grid.ron"), "--jobs", jobs], tmp.path(), &["--jobs", "1024"]);
        refused_in(
            &["compare", &tiny(), &tiny(), "--replicates", "2", "--jobs", jobs],
            tmp.path(),
            &["--jobs"],
        );
        refused_in(&["calibrate", &tiny(), "--replicates", "2", "--jobs", jobs], tmp.path(), &["--jobs"]);
    }
}

fn run_folder(tmp: &Path) -> PathBuf {
    let out = tmp.join("r");
    ok(&chipban(&["run", &tiny(), "--no-charts", "--out", s(&out), "--months", "6"]));
    out
}

#[test]
fn chart_on_an_empty_months_csv_is_a_user_error() {
    let tmp = temp_dir();
    let out = run_folder(tmp.path());
    fs::write(out.join("months.csv"), "").unwrap();
    let before = listing(&out);
    refused(&chipban(&["chart", s(&out)]), &["months.csv"]);
    assert_eq!(listing(&out), before);
    assert!(leftovers(tmp.path()).is_empty() && leftovers(&out).is_empty());
}

#[test]
fn chart_on_a_header_only_months_csv_is_a_user_error() {
    let tmp = temp_dir();
    let out = run_folder(tmp.path());
    edit_file(&out.join("months.csv"), |t| t.lines().next().unwrap().to_string() + "\n");
    let before = listing(&out);
    let err = refused(&chipban(&["chart", s(&out)]), &["months.csv", "no month rows", "chipban run"]);
    assert!(!err.contains("internal error"), "{err}");
    assert_eq!(listing(&out), before);
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn chart_on_a_sweep_folder_names_the_command_that_redraws_it() {
    let tmp = temp_dir();
    let out = tmp.path().join("sw");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&out), "--no-charts"]));
    let before = listing(&out);
    refused(&chipban(&["chart", s(&out)]), &["sweep folder", "chipban sweep", "--resume"]);
    assert_eq!(listing(&out), before);
    // ... and that command does redraw it.
    let sweep_ron = out.join("sweep.ron");
    ok(&chipban(&["sweep", s(&sweep_ron), "--out", s(&out), "--resume"]));
    assert!(out.join("report.html").exists() && out.join("charts").is_dir());
    assert!(leftovers(tmp.path()).is_empty() && leftovers(&out).is_empty());
}

#[test]
fn chart_on_a_shard_or_comparison_folder_says_what_to_do() {
    let tmp = temp_dir();
    let shard = tmp.path().join("s0");
    ok(&chipban(&["sweep", &fixture("sweep_grid.ron"), "--out", s(&shard), "--shard", "0/2"]));
    refused(&chipban(&["chart", s(&shard)]), &["shard folder", "chipban merge"]);
    let cmp = tmp.path().join("cmp");
    ok(&chipban(&[
        "compare",
        &tiny(),
        &tiny(),
        "--replicates",
        "2",
        "--months",
        "3",
        "--no-charts",
        "--out",
        s(&cmp),
    ]));
    let before = listing(&cmp);
    refused(&chipban(&["chart", s(&cmp)]), &["comparison folder", "chipban compare", "--force"]);
    assert_eq!(listing(&cmp), before);
}

#[test]
fn the_same_bad_world_twice_is_reported_once() {
    let tmp = temp_dir();
    let w = named_world(tmp.path(), "\"a/b\"");
    let err = refused_in(&["compare", &w, &w, "--replicates", "2"], tmp.path(), &["world.name"]);
    assert_eq!(err.matches("world.name").count(), 1, "{err}");
}
