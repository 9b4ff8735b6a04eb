//! The streamed record: a run's rows go to their files month by month
//! (through a `RecordSink`) with the bytes of the in-memory path, the
//! output folder appears whole or not at all, and a NaN or infinite value
//! stops a run, a sweep, a comparison or a calibration with exit code 2
//! naming the month, the firm or event, and the column — nothing
//! non-finite is ever written.

mod common;

use chipban::record::{CsvSink, MonthBatch, RecordSink, SimError, data_files, head_files};
use chipban::sim::Simulation;
use chipban::world::{self, World};
use common::*;
use std::path::Path;

fn tiny() -> World {
    world::load_file(Path::new(&fixture("tiny.ron"))).expect("tiny.ron loads")
}

/// tiny.ron with a market so large that firm valuations overflow to
/// infinity in the first month (the validator accepts it).
fn overflowing_world_text() -> String {
    let text = std::fs::read_to_string(fixture("tiny.ron")).unwrap();
    assert!(text.contains("cash_musd: 5000.0,"));
    text.replacen("cash_musd: 5000.0,", "cash_musd: 1e308,", 1)
}

/// Names of what is in `dir` (sorted).
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn the_streamed_folder_holds_the_bytes_of_the_in_memory_files() {
    // a firm name the CSV must quote, to check the quoting of the fast writer too
    let text =
        std::fs::read_to_string(fixture("tiny.ron")).unwrap().replace("\"BigCo\"", "\"Big, \\\"Co\\\"\"");
    let tmp = temp_dir();
    let file = tmp.path().join("quoted.ron");
    std::fs::write(&file, &text).unwrap();
    for (path, seed) in [(file.display().to_string(), "3"), (world("baseline.ron"), "42")] {
        let out = tmp.path().join(format!("out-{seed}"));
        ok(&chipban(&["run", &path, "--seed", seed, "--no-charts", "--quiet", "--out", s(&out)]));
        let mut w = world::load_file(Path::new(&path)).unwrap();
        let seed: u64 = seed.parse().unwrap();
        w.seed = seed;
        let written = files(&out);
        let in_memory = data_files(&chipban::run(w, seed));
        assert_eq!(written.len(), in_memory.len(), "{:?}", written.keys());
        for (name, bytes) in &in_memory {
            assert!(written[name] == *bytes, "{path}: {name} differs from the in-memory file");
        }
    }
    let firms = std::fs::read_to_string(tmp.path().join("out-3/firms.csv")).unwrap();
    assert!(firms.contains(",\"Big, \"\"Co\"\"\",giant,"), "{}", &firms[..400]);
}

#[test]
fn the_sink_gets_each_month_as_it_ends() {
    /// Checks that every row a batch holds is of the batch's month, and counts.
    #[derive(Default)]
    struct Check {
        months: Vec<u32>,
        firms: usize,
        events: usize,
        names: usize,
    }
    impl RecordSink for Check {
        fn month(&mut self, b: &mut MonthBatch) {
            assert!(b.firms.iter().all(|f| f.month == b.month));
            assert!(b.chips.iter().all(|c| c.month == b.month));
            assert!(b.events.iter().all(|e| e.month == b.month));
            // every firm a row names is known by now
            self.names += b.new_firm_names.len();
            assert!(
                b.firms.iter().all(|f| (f.firm as usize) < self.names && (f.owner as usize) < self.names)
            );
            self.months.push(b.month);
            self.firms += b.firms.len();
            self.events += b.events.len();
        }
    }
    let w = tiny();
    let seed = w.seed;
    let whole = chipban::run(w.clone(), seed);
    let mut check = Check::default();
    let head = Simulation::new(w, seed).run_into(&mut check).unwrap();
    assert_eq!(check.months, (0..whole.months.len() as u32).collect::<Vec<_>>());
    assert_eq!(
        (check.firms, check.events, check.names),
        (whole.firms.len(), whole.events.len(), whole.firm_names.len())
    );
    assert_eq!(head.months, whole.months);
    assert_eq!(head.event_counts(), whole.event_counts());
}

#[test]
fn a_csv_sink_writes_what_data_files_holds() {
    let w = tiny();
    let seed = 5;
    let tmp = temp_dir();
    let mut sink = CsvSink::create(tmp.path(), &w).unwrap();
    let head = Simulation::new(w.clone(), seed).run_into(&mut sink).unwrap();
    sink.finish().unwrap();
    let mut streamed = files(tmp.path());
    for (name, bytes) in head_files(&head) {
        streamed.insert(name, bytes);
    }
    for (name, bytes) in data_files(&chipban::run(w, seed)) {
        assert!(streamed[&name] == bytes, "{name} differs");
    }
}

#[test]
fn an_overflowing_world_is_refused_up_front_and_nothing_is_written() {
    // the validator bounds the values that could overflow (issue 11 point 3:
    // "or the validator refuses the input up front"); the run's own guard
    // is the last line, tested through the library below
    let tmp = temp_dir();
    let file = tmp.path().join("huge.ron");
    std::fs::write(&file, overflowing_world_text()).unwrap();
    let out = tmp.path().join("out");
    let before = entries(tmp.path());
    let o = chipban(&["run", s(&file), "--out", s(&out)]);
    let msg = user_error(&o);
    for words in ["cash_musd", "1e308"] {
        assert!(msg.contains(words), "{words:?} missing from: {msg}");
    }
    // nothing was written, no temporary folder or lock is left
    assert_eq!(entries(tmp.path()), before);
}

/// The tiny world with a giant whose cash overflows in the first month.
fn overflowing() -> World {
    let mut w = tiny();
    w.firms[0].cash_musd = f64::MAX;
    w.firms[0].core_cash_flow_musd_month = f64::MAX;
    w
}

#[test]
fn the_library_returns_the_error_whatever_the_validator_says() {
    // a giant's cash at the largest float plus its core cash flow overflows
    let w = overflowing();
    let err = chipban::sim::try_run(w, 1).unwrap_err();
    let SimError::NonFinite { date, subject: got, value, .. } = &err;
    assert_eq!(date, "2022-01", "{err}");
    assert!(got.contains("\"BigCo\""), "{err}");
    assert!(!value.is_finite());
}

#[test]
fn comparisons_and_calibrations_get_the_same_error() {
    // worlds the validator never saw (library users): the guard stops every
    // replicate path with the month, the subject and the column
    // sweeps and comparisons keep no firm panel: overflow the market itself
    let mut huge = tiny();
    huge.market.adoption = vec![(huge.start, f64::MAX)];
    huge.market.tokens_per_pflops_month_ttok = f64::MAX;
    huge.market.capability_demand = 1.0;
    let worlds = [huge.clone(), tiny()];
    let err = chipban::compare::compare(&worlds, ["huge".into(), "tiny".into()], 2, 1, 2).unwrap_err();
    let SimError::NonFinite { date, quantity, value, .. } = &err;
    assert!(date.starts_with("2022-") && !quantity.is_empty() && !value.is_finite(), "{err}");
    let err = chipban::calibration::calibrate(&huge, 2, 1, 2).unwrap_err();
    let SimError::NonFinite { date, value, .. } = &err;
    assert!(date.starts_with("2022-") && !value.is_finite(), "{err}");
    // and every CLI path refuses the same world before any work
    let tmp = temp_dir();
    let file = tmp.path().join("huge.ron");
    std::fs::write(&file, overflowing_world_text()).unwrap();
    let sweep = tmp.path().join("huge_sweep.ron");
    std::fs::write(
        &sweep,
        "Sweep(name: \"huge\", description: \"overflows\", world: \"huge.ron\", seed: 1, replicates: 2, months: 12,\n\
         design: Grid(params: [Param(path: \"research.open_release_gap\", values: [0.5, 1.5])]))\n",
    )
    .unwrap();
    let cases: [(&str, Vec<String>); 3] = [
        ("sweep", vec!["sweep".into(), s(&sweep).into(), "--out".into(), s(&tmp.path().join("sw")).into()]),
        (
            "compare",
            vec![
                "compare".into(),
                s(&file).into(),
                fixture("tiny.ron"),
                "--replicates".into(),
                "2".into(),
                "--out".into(),
                s(&tmp.path().join("cmp")).into(),
            ],
        ),
        ("calibrate", vec!["calibrate".into(), s(&file).into(), "--replicates".into(), "2".into()]),
    ];
    for (what, args) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let msg = user_error(&chipban(&args));
        assert!(msg.contains("cash_musd"), "{what}: {msg}");
    }
    assert!(
        !tmp.path().join("cmp").exists() && !tmp.path().join("sw").exists(),
        "a refused study writes nothing"
    );
}
