//! Worlds and sweeps built into the binary (issue 13 point 2), driven as a
//! user would from an empty folder: `run`, `check`, `compare`, `calibrate`
//! and `sweep` by name, a file of the same name winning, `worlds` listing
//! what is built in, and `export` writing the shipped files for editing.

mod common;

use common::{chipban_in, files, ok, repo, repo_file, s, user_error};
use std::fs;

const WORLDS: [&str; 4] = ["baseline", "no_ban", "classroom", "classroom_no_ban"];
const SWEEPS: [&str; 3] = ["ban_timing", "li_factors", "sensitivity"];

/// An empty folder to run in, with no `worlds/` or `sweeps/` beside it.
fn empty() -> tempfile::TempDir {
    let tmp = common::temp_dir();
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    tmp
}

#[test]
fn run_by_name_from_an_empty_folder_is_the_shipped_file() {
    let tmp = empty();
    let here = tmp.path();
    // classroom with charts: every file, the GIF and report included
    ok(&chipban_in(&["run", "classroom", "--quiet"], here));
    let by_name = here.join("output/classroom-seed7");
    let by_path = here.join("by_path");
    ok(&chipban_in(&["run", &repo_file("worlds/classroom.ron"), "--quiet", "--out", s(&by_path)], here));
    let (a, b) = (files(&by_name), files(&by_path));
    assert!(a.contains_key("report.html") && a.contains_key("market_race.gif"), "{:?}", a.keys());
    assert_eq!(a, b, "`run classroom` writes what `run worlds/classroom.ron` writes");
    // baseline, by name and by `worlds/NAME.ron` (the path `worlds` shows), data files only
    for (i, arg) in ["baseline", "worlds/baseline.ron", "baseline.ron"].iter().enumerate() {
        let out = here.join(format!("b{i}"));
        let text = ok(&chipban_in(&["run", arg, "--no-charts", "--months", "12", "--out", s(&out)], here));
        assert!(text.contains("12 months of baseline (seed"), "{text}");
    }
    assert_eq!(files(&here.join("b0")), files(&here.join("b1")));
    assert_eq!(files(&here.join("b0")), files(&here.join("b2")));
}

#[test]
fn a_file_of_that_name_wins_over_the_builtin() {
    let tmp = empty();
    let here = tmp.path();
    let shipped = fs::read_to_string(repo().join("worlds/classroom.ron")).unwrap();
    let edited = shipped.replace("months: 60,", "months: 5,");
    assert_ne!(edited, shipped, "the test edits the horizon");
    // a file called `classroom` in the current folder
    fs::write(here.join("classroom"), &edited).unwrap();
    let text = ok(&chipban_in(&["run", "classroom", "--no-charts", "--out", "a"], here));
    assert!(text.contains("5 months of classroom"), "{text}");
    let text = ok(&chipban_in(&["check", "classroom"], here));
    assert!(text.contains("5 months from"), "{text}");
    // `worlds/classroom.ron` on disk wins over the built-in of that path
    fs::create_dir(here.join("worlds")).unwrap();
    fs::write(here.join("worlds/classroom.ron"), edited.replace("months: 5,", "months: 4,")).unwrap();
    let text = ok(&chipban_in(&["run", "worlds/classroom.ron", "--no-charts", "--out", "b"], here));
    assert!(text.contains("4 months of classroom"), "{text}");
    // `worlds` says the file here is used instead
    let list = ok(&chipban_in(&["worlds"], here));
    assert!(list.contains("a file `classroom` is in this folder: it is used instead"), "{list}");
    // a folder of a built-in's name does not hide the built-in
    fs::create_dir(here.join("no_ban")).unwrap();
    let text = ok(&chipban_in(&["check", "no_ban"], here));
    assert!(text.starts_with("no_ban: ok — world \"no_ban\", 72 months"), "{text}");
}

#[test]
fn an_unknown_name_is_a_user_error_listing_the_builtins() {
    let tmp = empty();
    for args in [&["run", "clasroom"][..], &["check", "clasroom"], &["calibrate", "clasroom"]] {
        let err = user_error(&chipban_in(args, tmp.path()));
        assert!(
            err.contains("clasroom: no such file, and no built-in world of that name"),
            "{args:?}: {err}"
        );
        assert!(err.contains("built in: baseline, no_ban, classroom, classroom_no_ban"), "{err}");
    }
    let err = user_error(&chipban_in(&["compare", "baseline", "nobann"], tmp.path()));
    assert!(err.contains("nobann: no such file, and no built-in world"), "{err}");
    let err = user_error(&chipban_in(&["sweep", "li_factor"], tmp.path()));
    assert!(err.contains("li_factor: no such file, and no built-in sweep of that name"), "{err}");
    assert!(err.contains("built in: ban_timing, li_factors, sensitivity"), "{err}");
    // a path to a missing file says so as before
    let err = user_error(&chipban_in(&["run", "somewhere/classroom.ron"], tmp.path()));
    assert!(err.contains("somewhere/classroom.ron: no such file"), "{err}");
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn check_compare_and_calibrate_by_name() {
    let tmp = empty();
    let here = tmp.path();
    for w in WORLDS {
        let text = ok(&chipban_in(&["check", w], here));
        assert!(text.starts_with(&format!("{w}: ok — world \"{w}\"")), "{text}");
    }
    let text = ok(&chipban_in(
        &["compare", "baseline", "no_ban", "--replicates", "2", "--months", "12", "--no-charts"],
        here,
    ));
    assert!(text.contains("wrote output/compare-baseline-vs-no_ban (4 paired runs"), "{text}");
    let summary = fs::read_to_string(here.join("output/compare-baseline-vs-no_ban/summary.json")).unwrap();
    assert!(summary.contains("\"file\": \"worlds/baseline.ron (built in)\""), "{summary}");
    assert!(summary.contains("\"file\": \"worlds/no_ban.ron (built in)\""), "{summary}");
    // the same comparison from the shipped files has the same data
    let (a, b) = (repo_file("worlds/baseline.ron"), repo_file("worlds/no_ban.ron"));
    ok(&chipban_in(
        &["compare", &a, &b, "--replicates", "2", "--months", "12", "--no-charts", "--out", "files"],
        here,
    ));
    for f in ["pairs.csv", "compare.csv", "survival.csv", "world_a.ron", "world_b.ron"] {
        let by_name = fs::read(here.join("output/compare-baseline-vs-no_ban").join(f)).unwrap();
        assert_eq!(by_name, fs::read(here.join("files").join(f)).unwrap(), "{f}");
    }
    let text = ok(&chipban_in(&["calibrate", "classroom", "--replicates", "2"], here));
    assert!(text.starts_with("Calibration of world \"classroom\" (2 replicates"), "{text}");
}

#[test]
fn sweeps_by_name_run_and_resume_from_an_empty_folder() {
    let tmp = empty();
    let here = tmp.path();
    // li_factors has 8 x 40 = 320 runs: shard 0 of 160 holds runs 0 and 160
    let text = ok(&chipban_in(&["sweep", "li_factors", "--shard", "0/160", "--jobs", "1"], here));
    assert!(text.contains("wrote output/sweep-li_factors-shard0of160: 2 runs (2 simulated now"), "{text}");
    let out = here.join("output/sweep-li_factors-shard0of160");
    // the same shard from the shipped file: the same study, byte for byte
    let file = here.join("from_file");
    let sweep = repo_file("sweeps/li_factors.ron");
    ok(&chipban_in(&["sweep", &sweep, "--shard", "0/160", "--jobs", "1", "--out", s(&file)], here));
    for f in ["sweep.ron", "world.ron", "state.json", "journal.csv"] {
        assert_eq!(fs::read(out.join(f)).unwrap(), fs::read(file.join(f)).unwrap(), "{f}");
    }
    // interrupted after its first run: --resume of the built-in sweep runs the other
    let journal = fs::read_to_string(out.join("journal.csv")).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two runs: {journal}");
    fs::write(out.join("journal.csv"), format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    let text = ok(&chipban_in(&["sweep", "li_factors", "--shard", "0/160", "--jobs", "1", "--resume"], here));
    assert!(text.contains("2 runs (1 simulated now, 1 already done)"), "{text}");
    assert_eq!(fs::read_to_string(out.join("journal.csv")).unwrap(), journal);
    // without --resume the folder is refused, as for a file
    user_error(&chipban_in(&["sweep", "li_factors", "--shard", "0/160"], here));
    // every built-in sweep plans from here (emit-slurm loads, validates and writes the resolved
    // study); sensitivity's 600 samples take half a minute to validate in a debug build: once
    let dir = here.join("slurm-sensitivity");
    ok(&chipban_in(&["sweep", "sensitivity", "--emit-slurm", s(&dir)], here));
    assert!(fs::read_to_string(dir.join("sweep.ron")).unwrap().contains("name: \"sensitivity\""));
    assert!(fs::read_to_string(dir.join("world.ron")).unwrap().contains("name: \"baseline\""));
    for name in ["ban_timing", "li_factors"] {
        let dir = here.join(format!("slurm-{name}"));
        ok(&chipban_in(&["sweep", name, "--emit-slurm", s(&dir)], here));
        let from_file = here.join(format!("slurm-file-{name}"));
        let path = repo_file(&format!("sweeps/{name}.ron"));
        ok(&chipban_in(&["sweep", &path, "--emit-slurm", s(&from_file)], here));
        for f in ["sweep.ron", "world.ron"] {
            assert_eq!(fs::read(dir.join(f)).unwrap(), fs::read(from_file.join(f)).unwrap(), "{name} {f}");
        }
    }
}

#[test]
fn worlds_lists_the_builtin_worlds_and_sweeps() {
    let tmp = empty();
    let text = ok(&chipban_in(&["worlds"], tmp.path()));
    for w in WORLDS {
        assert!(text.contains(&format!("  {w:<12} worlds/{w}.ron")), "{text}");
    }
    for sw in SWEEPS {
        assert!(text.contains(&format!("  {sw:<12} sweeps/{sw}.ron")), "{text}");
    }
    assert!(
        text.contains("8 cells x 40 replicates") && text.contains("600 samples x 1 replicate "),
        "{text}"
    );
    assert!(text.contains("Built-in worlds") && text.contains("Built-in sweeps"), "{text}");
    assert!(!text.contains("is in this folder"), "nothing shadows a built-in in an empty folder: {text}");
}

#[test]
fn export_writes_the_shipped_file_and_refuses_to_overwrite() {
    let tmp = empty();
    let here = tmp.path();
    for (name, folder) in WORLDS.iter().map(|w| (w, "worlds")).chain(SWEEPS.iter().map(|w| (w, "sweeps"))) {
        let text = ok(&chipban_in(&["export", name], here));
        assert!(
            text.starts_with(&format!("wrote {name}.ron, a copy of the built-in {folder}/{name}.ron")),
            "{text}"
        );
        let shipped = fs::read(repo().join(folder).join(format!("{name}.ron"))).unwrap();
        assert_eq!(fs::read(here.join(format!("{name}.ron"))).unwrap(), shipped, "{name} byte for byte");
    }
    // an existing file is kept without --force
    fs::write(here.join("classroom.ron"), "mine").unwrap();
    let err = user_error(&chipban_in(&["export", "classroom"], here));
    assert!(err.contains("classroom.ron already exists; give another PATH, or pass --force"), "{err}");
    assert_eq!(fs::read_to_string(here.join("classroom.ron")).unwrap(), "mine");
    ok(&chipban_in(&["export", "classroom", "--force"], here));
    assert_eq!(
        fs::read(here.join("classroom.ron")).unwrap(),
        fs::read(repo().join("worlds/classroom.ron")).unwrap()
    );
    // PATH: a file name, or a folder to write NAME.ron into; no temporary file is left behind
    ok(&chipban_in(&["export", "no_ban", "mine.ron"], here));
    fs::create_dir(here.join("d")).unwrap();
    ok(&chipban_in(&["export", "worlds/baseline.ron", "d"], here));
    assert!(here.join("mine.ron").is_file() && here.join("d/baseline.ron").is_file());
    assert!(fs::read_dir(here).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains(".tmp-")));
    // an unknown name lists what can be exported
    let err = user_error(&chipban_in(&["export", "nope"], here));
    assert!(err.contains("`nope` is not a built-in world or sweep (worlds: baseline, no_ban, classroom, classroom_no_ban; sweeps: ban_timing, li_factors, sensitivity)"), "{err}");
}

#[test]
fn an_exported_world_reproduces_the_builtin_run_byte_for_byte() {
    let tmp = empty();
    let here = tmp.path();
    ok(&chipban_in(&["export", "classroom"], here));
    ok(&chipban_in(&["run", "./classroom.ron", "--quiet", "--seed", "11", "--out", "exported"], here));
    // the exported file is in the way of nothing: `classroom` (no .ron) is still the built-in
    ok(&chipban_in(&["run", "classroom", "--quiet", "--seed", "11", "--out", "builtin"], here));
    let (a, b) = (files(&here.join("exported")), files(&here.join("builtin")));
    assert!(a.contains_key("report.html") && a.keys().any(|k| k.starts_with("charts/")), "{:?}", a.keys());
    assert_eq!(a, b);
    // an exported sweep runs from here: its `../worlds/baseline.ron` is the built-in baseline
    ok(&chipban_in(&["export", "ban_timing"], here));
    let text =
        ok(&chipban_in(&["sweep", "ban_timing.ron", "--shard", "0/480", "--no-charts", "--out", "bt"], here));
    assert!(text.contains("wrote bt: 1 runs (1 simulated now"), "{text}");
    let world = fs::read_to_string(here.join("bt/world.ron")).unwrap();
    assert!(world.contains("name: \"baseline\""), "{}", &world[..world.len().min(300)]);
    assert!(here.join("bt/journal.csv").is_file());
}
