//! Fuzzing (proptest, stable Rust): hostile inputs must give a result or a
//! user error, never a panic, an abort, an internal error or a hang.
//!
//! * `mutated_world_texts`: the shipped worlds' text with bytes flipped,
//!   lines deleted, duplicated or swapped, numbers replaced by extremes
//!   (0, -1, 1e308, NaN, inf, huge integers…) and odd strings inserted;
//! * `worlds_with_extreme_values`: the shipped worlds with `--set` of
//!   extreme values at random leaves of the schema's tree;
//! * `journal_lines`: the journal's line parser on mutated real lines;
//! * `tampered_sweep_folders`: a real sweep folder (whole and two shards)
//!   with its `journal.csv`, `state.json`, `sweep.ron` or `world.ron`
//!   mutated, then read back by the journal reader and the plan loader, and
//!   by the binary's `sweep --resume` and `merge`.
//!
//! Each world that loads and validates is then run by the binary, cut to
//! 12 months and at most 8 firms and 8 investors per cohort (so a case is
//! fast), with a time and memory limit: it must exit 0 or 2. Commands the
//! binary runs get the same limits.
//!
//! Budget: under a plain `cargo test` each property runs one or two
//! batches of 16 fixed cases (journal lines: 16 batches; about 15 s in
//! all). `CHIPBAN_FUZZ_SECONDS=N` (what `cargo xtask test` and `.ci/run`
//! set) gives the properties shares of N seconds (35% each for
//! the worlds, 25% for sweep folders, 5% for journal lines);
//! `CHIPBAN_FUZZ_SEED=S` explores from another seed (`CHIPBAN_FUZZ_BATCH=B`
//! reruns only batch B, as a failure's message says); `CHIPBAN_FUZZ_BIN`
//! names the binary the cases run (xtask gives the release build). A
//! failure prints the shrunk input and the seed that reproduces it.
//!
//! This file must not weaken what it checks to pass: a panic found is a bug
//! to fix where it is.

mod common;

use chipban::study::journal;
use chipban::world::{self, World};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// the budget and the runner

/// The fixed seed of the suite (`CHIPBAN_FUZZ_SEED` replaces it).
const SEED: u64 = 20_261_129;

/// CPU seconds one command of the binary may use in a case: with the
/// release binary (`CHIPBAN_FUZZ_BIN`, as `cargo xtask` gives) a case takes
/// well under a second, charts included; the debug binary of a plain
/// `cargo test` is 10 to 30 times slower. CPU time, unlike wall time, does
/// not grow when other processes load the machine.
fn case_cpu_seconds() -> u64 {
    if fuzz_bin().is_some() { 20 } else { 120 }
}

/// The binary the cases run: `CHIPBAN_FUZZ_BIN` (a release build, faster),
/// else the test build's own.
fn fuzz_bin() -> Option<PathBuf> {
    std::env::var_os("CHIPBAN_FUZZ_BIN").filter(|p| !p.is_empty()).map(PathBuf::from)
}

/// Address space one case of the binary may use.
const CASE_MEMORY_KB: u64 = 4 * 1024 * 1024;

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(v.trim().parse().unwrap_or_else(|_| panic!("{name} must be a whole number, not `{v}`")))
}

/// Cases in a batch (each batch has its own seed).
const BATCH: u32 = 16;

/// Run `test` on values of `strategy`, in batches of [`BATCH`] cases:
/// `quick` batches under a plain `cargo test`, or batches until this
/// property's share of `CHIPBAN_FUZZ_SECONDS` is spent, or only batch
/// `CHIPBAN_FUZZ_BATCH` (to reproduce a failure). Every batch's seed derives
/// from the suite's seed, the property and the batch number.
fn fuzz<S: Strategy>(
    name: &str,
    quick: u64,
    share_percent: u64,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let budget = env_u64("CHIPBAN_FUZZ_SECONDS").map(|s| Duration::from_millis(s * 10 * share_percent));
    let seed = env_u64("CHIPBAN_FUZZ_SEED").unwrap_or(SEED);
    harness_works();
    let only = env_u64("CHIPBAN_FUZZ_BATCH");
    let started = Instant::now();
    let (mut cases, mut batch) = (0u64, only.unwrap_or(0));
    loop {
        let config = Config {
            cases: BATCH,
            failure_persistence: None,
            max_shrink_time: 120_000,
            max_global_rejects: 100_000,
            ..Config::default()
        };
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&batch.to_le_bytes());
        key[16..24].copy_from_slice(&world::fnv1a_64(name.as_bytes()).to_le_bytes());
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
        match runner.run(&strategy, &test) {
            Ok(()) => {}
            Err(TestError::Fail(why, input)) => panic!(
                "{name}: {why}\nminimal input: {input:#?}\n\
                 reproduce: CHIPBAN_FUZZ_SEED={seed} CHIPBAN_FUZZ_BATCH={batch} cargo test --test fuzz {name}"
            ),
            Err(TestError::Abort(why)) => panic!("{name}: aborted: {why}"),
        }
        cases += BATCH as u64;
        batch += 1;
        let done = match (only, budget) {
            (Some(_), _) => true,
            (None, Some(b)) => started.elapsed() >= b,
            (None, None) => batch >= quick,
        };
        if done {
            break;
        }
    }
    // shown with --nocapture: what the cases reached
    let seen: Vec<String> = tally()
        .lock()
        .expect("tally")
        .iter()
        .filter(|(k, _)| k.starts_with(name))
        .map(|(k, n)| format!("{} {n}", &k[name.len() + 1..]))
        .collect();
    eprintln!(
        "{name}: {cases} cases in {:.1} s (seed {seed}): {}",
        started.elapsed().as_secs_f64(),
        seen.join(", ")
    );
}

/// How many cases of each property reached each outcome (`property/outcome`).
fn tally() -> &'static std::sync::Mutex<std::collections::BTreeMap<String, u64>> {
    static CELL: OnceLock<std::sync::Mutex<std::collections::BTreeMap<String, u64>>> = OnceLock::new();
    CELL.get_or_init(Default::default)
}

fn count(property: &str, outcome: &str) {
    *tally().lock().expect("tally").entry(format!("{property}/{outcome}")).or_default() += 1;
}

// ---------------------------------------------------------------------------
// mutations of a text

/// Numbers a hostile or careless user might write.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.0",
    "-0.0",
    "1e308",
    "-1e308",
    "1e-320",
    "1e400",
    "NaN",
    "inf",
    "-inf",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "99999999999999999999999999",
    "2147483647",
    "1000000",
    "0.5",
    "2.0",
];

/// Texts inserted anywhere, and strings given as values.
const TEXTS: &[&str] = &[
    "",
    "\"\"",
    "\"é漢字🙂\"",
    "\"\\u{1b}[31mred\"",
    "é",
    "漢",
    "🙂",
    "\u{0}",
    "\r",
    "//",
    "/*",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "Some(",
    "None",
    "\"../../escape\"",
    "\"2023-13\"",
    "\"9999-12\"",
    "\"0000-01\"",
];

/// Factors a number is scaled by (a month's year or month scaled is refused).
const FACTORS: &[f64] = &[0.0, 0.01, 0.1, 0.5, 0.9, 1.1, 2.0, 10.0, 100.0, 1e4, 1e6, -1.0];

/// `text` (a number literal) times `factor`, an integer if it was one.
fn scaled(text: &str, factor: f64) -> Option<String> {
    if let Ok(i) = text.parse::<i64>() {
        let v = (i as f64 * factor).round();
        return Some(if v.abs() < 9e18 { (v as i64).to_string() } else { format!("{v:?}") });
    }
    let v = text.parse::<f64>().ok()? * factor;
    Some(format!("{v:?}"))
}

#[derive(Clone, Debug)]
enum Mutation {
    FlipBit {
        at: Index,
        bit: u8,
    },
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    ReplaceNumber {
        which: Index,
        with: &'static str,
    },
    /// A number times a factor: mostly values a validator accepts, so the run goes deeper.
    ScaleNumber {
        which: Index,
        factor: f64,
    },
    Insert {
        at: Index,
        text: &'static str,
    },
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        3 => (any::<Index>(), proptest::sample::select(NUMBERS))
            .prop_map(|(which, with)| Mutation::ReplaceNumber { which, with }),
        6 => (any::<Index>(), proptest::sample::select(FACTORS))
            .prop_map(|(which, factor)| Mutation::ScaleNumber { which, factor }),
        1 => (any::<Index>(), proptest::sample::select(TEXTS)).prop_map(|(at, text)| Mutation::Insert { at, text }),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(mutation(), 1..4)
}

/// Byte ranges of the number literals of a text (outside `//` comments).
fn numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut comment = false;
    while i < text.len() {
        let c = text[i];
        if c == b'\n' {
            comment = false;
        } else if c == b'/' && text.get(i + 1) == Some(&b'/') {
            comment = true;
        }
        let starts = c.is_ascii_digit() || (c == b'-' && text.get(i + 1).is_some_and(u8::is_ascii_digit));
        let in_word = i > 0 && (text[i - 1].is_ascii_alphanumeric() || text[i - 1] == b'_');
        if !comment && starts && !in_word {
            let s = i;
            i += 1;
            while i < text.len() && (text[i].is_ascii_alphanumeric() || b".-+_".contains(&text[i])) {
                i += 1;
            }
            out.push((s, i));
            continue;
        }
        i += 1;
    }
    out
}

/// Byte ranges of the lines (with their newline).
fn lines(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for (i, b) in text.iter().enumerate() {
        if *b == b'\n' {
            out.push((s, i + 1));
            s = i + 1;
        }
    }
    if s < text.len() {
        out.push((s, text.len()));
    }
    out
}

fn apply(text: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut t = text.to_vec();
    for m in muts {
        match m {
            Mutation::FlipBit { at, bit } if !t.is_empty() => {
                let i = at.index(t.len());
                t[i] ^= 1 << bit;
            }
            Mutation::DeleteLine(at) => {
                let ls = lines(&t);
                if !ls.is_empty() {
                    let (s, e) = ls[at.index(ls.len())];
                    t.drain(s..e);
                }
            }
            Mutation::DuplicateLine(at) => {
                let ls = lines(&t);
                if !ls.is_empty() {
                    let (s, e) = ls[at.index(ls.len())];
                    let line = t[s..e].to_vec();
                    t.splice(e..e, line);
                }
            }
            Mutation::SwapLines(a, b) => {
                let ls = lines(&t);
                if ls.len() >= 2 {
                    let (i, j) = (a.index(ls.len()), b.index(ls.len()));
                    let (i, j) = (i.min(j), i.max(j));
                    if i != j {
                        let (li, lj) = (t[ls[i].0..ls[i].1].to_vec(), t[ls[j].0..ls[j].1].to_vec());
                        t.splice(ls[j].0..ls[j].1, li);
                        t.splice(ls[i].0..ls[i].1, lj);
                    }
                }
            }
            Mutation::ReplaceNumber { which, with } => {
                let ns = numbers(&t);
                if !ns.is_empty() {
                    let (s, e) = ns[which.index(ns.len())];
                    t.splice(s..e, with.bytes());
                }
            }
            Mutation::ScaleNumber { which, factor } => {
                let ns = numbers(&t);
                if !ns.is_empty() {
                    let (s, e) = ns[which.index(ns.len())];
                    let old = String::from_utf8_lossy(&t[s..e]).into_owned();
                    if let Some(new) = scaled(&old, *factor) {
                        t.splice(s..e, new.bytes());
                    }
                }
            }
            Mutation::Insert { at, text } => {
                let i = at.index(t.len() + 1);
                t.splice(i..i, text.bytes());
            }
            Mutation::Truncate(at) => {
                let i = at.index(t.len() + 1);
                t.truncate(i);
            }
            Mutation::FlipBit { .. } => {}
        }
    }
    t
}

// ---------------------------------------------------------------------------
// running the binary under limits

/// What a command of the binary did, in a case.
#[derive(Debug)]
struct Ran {
    code: Option<i32>,
    /// The signal that ended it, if one did.
    signal: Option<i32>,
    stderr: String,
}

/// The last lines of a command's stderr.
fn tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    lines[lines.len().saturating_sub(25)..].join("\n")
}

/// Run the binary with `args` under a CPU time limit
/// ([`case_cpu_seconds`]), a wall-time limit three times as long (for a
/// process that waits) and [`CASE_MEMORY_KB`]; a case over a limit fails.
fn chipban_limited(args: &[&str], work: &Path) -> Result<Ran, TestCaseError> {
    let err_path = work.join("case-stderr.txt");
    let cpu = case_cpu_seconds();
    let bin = fuzz_bin().unwrap_or_else(|| common::bin().to_path_buf());
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {CASE_MEMORY_KB} && ulimit -t {cpu} && exec \"$0\" \"$@\""))
        .arg(&bin)
        .args(args)
        .current_dir(work)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("the chipban binary starts");
    let deadline = Instant::now() + Duration::from_secs(3 * cpu + 30);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chipban") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TestCaseError::fail(format!(
                "`chipban {}` did not finish within {} s (wall time)",
                args.join(" "),
                3 * cpu + 30
            )));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stderr = String::from_utf8_lossy(&std::fs::read(&err_path).unwrap_or_default()).into_owned();
    use std::os::unix::process::ExitStatusExt;
    Ok(Ran { code: status.code(), signal: status.signal(), stderr })
}

/// The limits and the binary work: a shipped world runs through
/// [`chipban_limited`] with exit 0 (a broken `sh` line would exit 2 and
/// pass every case as a refusal).
fn harness_works() {
    static CELL: OnceLock<()> = OnceLock::new();
    CELL.get_or_init(|| {
        let tmp = common::temp_dir();
        let out = tmp.path().join("out");
        let world = common::world("classroom.ron");
        let args =
            ["run", world.as_str(), "--months", "3", "--no-charts", "--quiet", "--out", common::s(&out)];
        let ran = chipban_limited(&args, tmp.path()).expect("the harness runs the binary");
        assert_eq!(ran.code, Some(0), "the fuzz harness cannot run the binary:\n{}", ran.stderr);
        assert!(out.join("months.csv").is_file(), "the harness's run wrote no months.csv");
    });
}

/// Exit 0 (done) or 2 (the user's input refused) is an answer; anything
/// else (1 = internal error, 101 = panic, a signal such as an abort) fails.
fn answered(args: &[&str], ran: &Ran) -> Result<(), TestCaseError> {
    match ran.code {
        Some(0 | 2) => Ok(()),
        None => {
            let why = match ran.signal {
                Some(24) => format!("killed after {} s of CPU (a hang?)", case_cpu_seconds()),
                Some(6) => "aborted (SIGABRT: e.g. an allocation failure)".to_string(),
                Some(9) => "killed (SIGKILL)".to_string(),
                s => format!("killed by signal {s:?}"),
            };
            Err(TestCaseError::fail(format!(
                "`chipban {}` was {why}:\n{}",
                args.join(" "),
                tail(&ran.stderr)
            )))
        }
        code => Err(TestCaseError::fail(format!(
            "`chipban {}` exited with {code:?} (0 or 2 expected):\n{}",
            args.join(" "),
            tail(&ran.stderr)
        ))),
    }
}

/// A valid world, cut to 12 months and at most 8 firms and 8 investors per
/// cohort, run by the binary (charts too, when asked): it must exit 0 or 2.
fn run_short(property: &str, world: &World, charts: bool) -> Result<(), TestCaseError> {
    let mut w = world.clone();
    w.months = w.months.min(12);
    for c in &mut w.cohorts {
        c.count = c.count.min(8);
    }
    for c in &mut w.investor_cohorts {
        c.count = c.count.min(8);
    }
    if world::validate(&w).is_err() {
        count(property, "invalid once cut");
        return Ok(()); // the cut made it invalid: nothing to run
    }
    // what `world.ron` of a run holds must load back as the same world
    let text = world::to_ron(&w);
    match world::load_str(&text, "world.ron") {
        Ok(back) => prop_assert!(world::to_ron(&back) == text, "the world read back from to_ron differs"),
        Err(e) => {
            return Err(TestCaseError::fail(format!("a valid world does not load back from to_ron: {e}")));
        }
    }
    let tmp = common::temp_dir();
    let file = tmp.path().join("fuzz.ron");
    std::fs::write(&file, text).expect("write the case's world");
    let out = tmp.path().join("out");
    let mut args = vec!["run", common::s(&file), "--out", common::s(&out), "--quiet"];
    if !charts {
        args.push("--no-charts");
    }
    let ran = chipban_limited(&args, tmp.path())?;
    count(property, &format!("run exit {:?}", ran.code));
    answered(&args, &ran)
}

// ---------------------------------------------------------------------------
// worlds

fn shipped(name: &str) -> &'static str {
    world::SHIPPED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).expect("a shipped world")
}

/// Load a world text: a world, or a user error whose message and problems
/// can be shown. Never a panic.
fn load(text: &str) -> Option<World> {
    match world::load_str(text, "fuzz.ron") {
        Ok(w) => {
            count("mutated_world_texts", "valid");
            Some(w)
        }
        Err(e) => {
            count("mutated_world_texts", "refused");
            let shown = e.to_string();
            assert!(!shown.is_empty(), "an empty error message");
            let _ = e.problems();
            None
        }
    }
}

#[test]
fn mutated_world_texts() {
    let strategy = (proptest::sample::select(&["classroom.ron", "baseline.ron"][..]), mutations(), 0u8..8);
    fuzz("mutated_world_texts", 2, 35, strategy, |(name, muts, charts)| {
        let text = apply(shipped(name).as_bytes(), &muts);
        let text = String::from_utf8_lossy(&text);
        if let Some(w) = load(&text) {
            run_short("mutated_world_texts", &w, charts == 0)?;
        }
        Ok(())
    });
}

/// Every leaf of a world's tree that `--set` can address: its path and its
/// value (as JSON).
type Leaf = (String, serde_json::Value);

fn leaves(w: &World) -> Vec<Leaf> {
    fn walk(v: &serde_json::Value, path: String, out: &mut Vec<Leaf>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    walk(v, p, out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, format!("{path}[{i}]"), out);
                }
            }
            leaf => out.push((path, leaf.clone())),
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(w).expect("a world as JSON"), String::new(), &mut out);
    out.retain(|(p, _)| world::value_at(w, p).is_ok());
    out
}

/// The classroom and the baseline worlds with their settable leaves.
fn worlds_and_leaves() -> &'static [(World, Vec<Leaf>)] {
    static CELL: OnceLock<Vec<(World, Vec<Leaf>)>> = OnceLock::new();
    CELL.get_or_init(|| {
        ["classroom.ron", "baseline.ron"]
            .iter()
            .map(|n| {
                let w = world::load_str(shipped(n), n).expect("shipped world");
                let l = leaves(&w);
                assert!(l.len() > 50, "{n}: only {} settable leaves found", l.len());
                (w, l)
            })
            .collect()
    })
}

/// A new value for a leaf, as `--set` text: its own value scaled, an
/// extreme number, a random one, or an odd string.
fn value_for(current: serde_json::Value) -> BoxedStrategy<String> {
    let extreme = proptest::sample::select(NUMBERS)
        .prop_filter("finite for --set", |n| !["NaN", "inf", "-inf", "1e400"].contains(n))
        .prop_map(str::to_string);
    let number = prop_oneof![
        3 => extreme,
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => any::<u32>().prop_map(|i| i.to_string()),
        1 => (-1e12f64..1e12).prop_map(|f| format!("{f:?}")),
        1 => (-2.0f64..2.0).prop_map(|f| format!("{f:?}")),
    ];
    let text = proptest::sample::select(TEXTS).prop_map(str::to_string);
    match current {
        serde_json::Value::Number(n) => {
            let own = n.to_string();
            let scaled = proptest::sample::select(FACTORS)
                .prop_map(move |f| scaled(&own, f).unwrap_or_else(|| "0".to_string()));
            prop_oneof![3 => scaled, 2 => number].boxed()
        }
        serde_json::Value::String(_) => prop_oneof![3 => text, 1 => number].boxed(),
        serde_json::Value::Bool(_) => {
            prop_oneof![1 => Just("true".to_string()), 1 => Just("false".to_string()), 1 => number].boxed()
        }
        _ => {
            prop_oneof![1 => Just("None".to_string()), 2 => number.prop_map(|n| format!("Some({n})"))].boxed()
        }
    }
}

#[test]
fn worlds_with_extreme_values() {
    let which = 0usize..2;
    let strategy = (which, 0u8..8).prop_flat_map(|(i, charts)| {
        let leaves = &worlds_and_leaves()[i].1;
        let one = proptest::sample::select(leaves.clone())
            .prop_flat_map(|(path, current)| value_for(current).prop_map(move |v| format!("{path}={v}")));
        (Just(i), proptest::collection::vec(one, 1..5), Just(charts))
    });
    fuzz("worlds_with_extreme_values", 1, 35, strategy, |(i, sets, charts)| {
        let base = worlds_and_leaves()[i].0.clone();
        let w = match world::apply_overrides(base, &sets) {
            Ok(w) => w,
            Err(e) => {
                count("worlds_with_extreme_values", "--set refused");
                let _ = e.to_string();
                return Ok(());
            }
        };
        match world::validate(&w) {
            Ok(()) => {
                count("worlds_with_extreme_values", "valid");
                run_short("worlds_with_extreme_values", &w, charts == 0)
            }
            Err(e) => {
                count("worlds_with_extreme_values", "refused");
                prop_assert!(!e.problems().is_empty(), "a refusal without a problem");
                Ok(())
            }
        }
    });
}

// ---------------------------------------------------------------------------
// sweep folders

/// A real sweep, its folders made once by the binary the cases run: the
/// whole study and its two shards.
struct SweepFixture {
    _tmp: tempfile::TempDir,
    whole: PathBuf,
    shards: [PathBuf; 2],
}

const SWEEP: &str = r#"Sweep(
    name: "fuzz",
    world: "WORLD",
    seed: 7,
    replicates: 3,
    months: 12,
    design: Grid(params: [
        Param(path: "market.inertia", values: [0.5, 0.8]),
    ]),
)
"#;

fn sweep_fixture() -> &'static SweepFixture {
    static CELL: OnceLock<SweepFixture> = OnceLock::new();
    CELL.get_or_init(|| {
        let tmp = common::temp_dir();
        let file = tmp.path().join("fuzz.ron");
        std::fs::write(&file, SWEEP.replace("WORLD", &common::world("classroom.ron")))
            .expect("write the sweep");
        let run = |out: &Path, shard: Option<&str>| {
            let mut args = vec!["sweep", common::s(&file), "--out", common::s(out), "--quiet", "--no-charts"];
            if let Some(s) = shard {
                args.extend(["--shard", s]);
            }
            let ran = chipban_limited(&args, tmp.path()).expect("the fixture sweep runs");
            assert_eq!(ran.code, Some(0), "the fixture sweep runs: {}", ran.stderr);
        };
        let whole = tmp.path().join("whole");
        run(&whole, None);
        let shards = [tmp.path().join("shard0"), tmp.path().join("shard1")];
        run(&shards[0], Some("0/2"));
        run(&shards[1], Some("1/2"));
        // untampered, the shards merge (through the cases' harness)
        let merged = tmp.path().join("merged");
        let args = [
            "merge",
            common::s(&shards[0]),
            common::s(&shards[1]),
            "--out",
            common::s(&merged),
            "--quiet",
            "--no-charts",
        ];
        let ran = chipban_limited(&args, tmp.path()).expect("merge runs");
        assert_eq!(ran.code, Some(0), "the untampered shards merge:\n{}", ran.stderr);
        assert_eq!(
            std::fs::read(merged.join("cells.csv")).expect("merged cells.csv"),
            std::fs::read(whole.join("cells.csv")).expect("whole cells.csv"),
            "merged shards give the whole study"
        );
        SweepFixture { _tmp: tmp, whole, shards }
    })
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for e in std::fs::read_dir(from).expect("read the fixture") {
        let e = e.expect("entry");
        if e.file_type().expect("type").is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

const FOLDER_FILES: [&str; 4] = ["journal.csv", "state.json", "sweep.ron", "world.ron"];

#[test]
fn journal_lines() {
    let fx = sweep_fixture();
    let text = std::fs::read_to_string(fx.whole.join("journal.csv")).expect("the fixture's journal");
    let real: Vec<String> = text.lines().skip(1).map(str::to_string).collect();
    let strategy = (proptest::sample::select(real), mutations());
    fuzz("journal_lines", 16, 5, strategy, |(line, muts)| {
        let bytes = apply(line.as_bytes(), &muts);
        let line = String::from_utf8_lossy(&bytes);
        for l in line.split('\n') {
            match journal::parse_line(l) {
                Ok(_) => count("journal_lines", "read"),
                Err(e) => {
                    count("journal_lines", "refused");
                    let _ = e.to_string();
                }
            }
        }
        Ok(())
    });
}

#[test]
fn tampered_sweep_folders() {
    let fx = sweep_fixture();
    // (folder: 0 whole, 1 shard 0, 2 shard 1), (file of it), mutations
    let strategy = (0usize..3, 0usize..FOLDER_FILES.len(), mutations());
    fuzz("tampered_sweep_folders", 2, 25, strategy, |(folder, file, muts)| {
        let tmp = common::temp_dir();
        let dirs = [tmp.path().join("whole"), tmp.path().join("shard0"), tmp.path().join("shard1")];
        copy_folder(&fx.whole, &dirs[0]);
        copy_folder(&fx.shards[0], &dirs[1]);
        copy_folder(&fx.shards[1], &dirs[2]);
        let target = dirs[folder].join(FOLDER_FILES[file]);
        let before = std::fs::read(&target).expect("the fixture file");
        std::fs::write(&target, apply(&before, &muts)).expect("write the tampered file");

        // the readers, in this process: the plan loader (on the folder's
        // sweep.ron and world.ron), the journal reader and its check
        let plan = match chipban::study::load_plan(&dirs[folder].join("sweep.ron")) {
            Ok(p) => Some(p),
            Err(e) => {
                prop_assert!(!e.problems.is_empty(), "a refusal without a problem");
                None
            }
        };
        let jpath = dirs[folder].join("journal.csv");
        match journal::read(&jpath) {
            Ok(c) => {
                count("tampered_sweep_folders", "journal read");
                if let Some(plan) = &plan {
                    let checked = c.check(&jpath, plan.runs(), |id| {
                        let (cell, replicate) = plan.cell_of(id);
                        (cell, replicate, plan.seed(cell, replicate))
                    });
                    if let Err(e) = checked {
                        let _ = e.to_string();
                    }
                }
            }
            Err(e) => {
                count("tampered_sweep_folders", "journal refused");
                let _ = e.to_string();
            }
        }

        // the binary: resume the tampered folder, merge the shards
        let dir = &dirs[folder];
        let sweep_file = dir.join("sweep.ron");
        let mut resume =
            vec!["sweep", common::s(&sweep_file), "--out", common::s(dir), "--resume", "--quiet"];
        resume.push("--no-charts");
        let shard = ["", "0/2", "1/2"][folder];
        if !shard.is_empty() {
            resume.extend(["--shard", shard]);
        }
        // merge first (resume may repair the folder)
        if folder > 0 {
            let merged = tmp.path().join("merged");
            let merge =
                ["merge", common::s(&dirs[1]), common::s(&dirs[2]), "--out", common::s(&merged), "--quiet"];
            let mut merge = merge.to_vec();
            merge.push("--no-charts");
            let ran = chipban_limited(&merge, tmp.path())?;
            count("tampered_sweep_folders", &format!("merge exit {:?}", ran.code));
            answered(&merge, &ran)?;
        }
        let ran = chipban_limited(&resume, tmp.path())?;
        count("tampered_sweep_folders", &format!("resume exit {:?}", ran.code));
        answered(&resume, &ran)?;
        Ok(())
    });
}
