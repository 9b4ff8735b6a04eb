//! `--format csv|parquet|both`: the Parquet files hold the CSV files'
//! columns, in order, with typed values equal to the CSV's (floats equal to
//! the printed value), read back with the `parquet` crate's record API; a
//! folder written with `--format parquet` still charts; a bad `--format` is
//! refused.

mod common;

use common::*;
use parquet::file::reader::FileReader;
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::record::Field;
use std::path::Path;

/// The type of a Parquet value, as the test names types.
fn type_of(f: &Field) -> &'static str {
    match f {
        Field::UByte(_) => "u8",
        Field::UInt(_) => "u32",
        Field::ULong(_) => "u64",
        Field::Long(_) => "i64",
        Field::Double(_) => "f64",
        Field::Str(_) => "str",
        Field::Null => "null",
        _ => "other",
    }
}

/// Is the Parquet value the CSV cell's value?
fn same_value(f: &Field, cell: &str) -> bool {
    match f {
        Field::Null => cell.is_empty(),
        Field::Str(s) => s == cell,
        Field::Double(x) => cell.parse::<f64>().is_ok_and(|c| c == *x || (c.is_nan() && x.is_nan())),
        Field::UByte(x) => x.to_string() == cell,
        Field::UInt(x) => x.to_string() == cell,
        Field::ULong(x) => x.to_string() == cell,
        Field::Long(x) => x.to_string() == cell,
        _ => false,
    }
}

/// Compare `NAME.parquet` with `NAME.csv` in `dir`: the same column names
/// in the same order, the same number of rows, every value equal; every
/// column of the type `expect(column)` gives (nulls only for empty cells).
/// Returns the number of rows.
fn compare(dir: &Path, name: &str, expect: impl Fn(&str) -> &'static str) -> usize {
    let csv_path = dir.join(format!("{name}.csv"));
    let mut csv = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();

    let pq_path = dir.join(format!("{name}.parquet"));
    let reader = SerializedFileReader::new(std::fs::File::open(&pq_path).unwrap()).unwrap();
    let columns: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(columns, header, "{name}: the Parquet columns are the CSV header");
    assert_eq!(reader.metadata().file_metadata().num_rows() as usize, records.len(), "{name}: row count");

    let mut n = 0;
    for (i, row) in reader.get_row_iter(None).unwrap().enumerate() {
        let row = row.unwrap();
        let record = &records[i];
        assert_eq!(row.len(), record.len());
        for ((col, field), cell) in row.get_column_iter().zip(record.iter()) {
            assert!(
                same_value(field, cell),
                "{name} row {} column {col}: Parquet {field:?}, CSV `{cell}`",
                i + 1
            );
            let ty = type_of(field);
            assert!(ty == expect(col) || ty == "null", "{name} column {col}: {ty}, expected {}", expect(col));
        }
        n += 1;
    }
    assert_eq!(n, records.len());
    n
}

/// The type of each column of a run's tables (docs/data.md).
fn run_type(col: &str) -> &'static str {
    match col {
        "date" | "firm" | "tier" | "status" | "owner" | "chip" | "kind" | "actor" | "target" | "detail" => {
            "str"
        }
        "consolidating" | "banned" => "u8",
        "banned_chip_units" | "chip_units" | "units_held" | "units_delivered" | "units" | "vacancies"
        | "seekers" => "u64",
        "month" | "independent_firms" | "independent_labs" | "startups_alive" | "entries" | "exits"
        | "acquisitions" | "pivots" | "team_transfers" | "researchers" => "u32",
        _ => "f64",
    }
}

/// The type of each column of a study's tables; `params` gives the
/// parameter columns' types.
fn study_type(col: &str, params: &[(&str, &'static str)]) -> &'static str {
    if let Some((_, t)) = params.iter().find(|(p, _)| *p == col) {
        return t;
    }
    match col {
        "run_id" | "seed" | "n" => "u64",
        "replicate" | "order" | "month" => "u32",
        "outcome" | "metric" | "date" | "term" | "parameter" | "verdict" => "str",
        _ => "f64",
    }
}

fn parquet_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = files(dir).into_keys().filter(|n| n.ends_with(".parquet")).collect();
    names.sort();
    names
}

#[test]
fn a_run_in_both_formats_has_equal_tables() {
    let tmp = temp_dir();
    let out = tmp.path().join("both");
    ok(&chipban(&[
        "run",
        &fixture("tiny.ron"),
        "--out",
        s(&out),
        "--format",
        "both",
        "--no-charts",
        "--quiet",
    ]));
    assert_eq!(parquet_files(&out), ["chips.parquet", "events.parquet", "firms.parquet", "months.parquet"]);
    for table in ["months", "firms", "chips", "events"] {
        let n = compare(&out, table, run_type);
        assert!(n > 0, "{table} has rows");
    }
    // the CSV files are the ones `--format csv` (the default) writes, and it writes no Parquet
    let csv_only = tmp.path().join("csv");
    ok(&chipban(&["run", &fixture("tiny.ron"), "--out", s(&csv_only), "--no-charts", "--quiet"]));
    assert!(parquet_files(&csv_only).is_empty());
    let (a, b) = (files(&out), files(&csv_only));
    for (name, bytes) in &b {
        assert!(a.get(name) == Some(bytes), "{name} differs between --format both and csv");
    }
}

#[test]
fn a_parquet_only_run_folder_charts_like_a_csv_one() {
    let tmp = temp_dir();
    let (pq, csv) = (tmp.path().join("pq"), tmp.path().join("csv"));
    ok(&chipban(&["run", &fixture("tiny.ron"), "--out", s(&pq), "--format", "parquet", "--quiet"]));
    ok(&chipban(&["run", &fixture("tiny.ron"), "--out", s(&csv), "--quiet"]));
    let (p, c) = (files(&pq), files(&csv));
    assert!(!p.keys().any(|n| n.ends_with(".csv")), "no CSV with --format parquet: {:?}", p.keys());
    assert!(
        p.contains_key("months.parquet") && p.contains_key("summary.json") && p.contains_key("world.ron")
    );
    // the charts, GIF and report are those of the CSV folder
    for (name, bytes) in c.iter().filter(|(n, _)| !n.ends_with(".csv")) {
        assert!(p.get(name) == Some(bytes), "{name} differs");
    }
    // and `chipban chart` redraws them from the Parquet files
    std::fs::remove_dir_all(pq.join("charts")).unwrap();
    std::fs::remove_file(pq.join("report.html")).unwrap();
    ok(&chipban(&["chart", s(&pq)]));
    let redrawn = files(&pq);
    for (name, bytes) in c.iter().filter(|(n, _)| !n.ends_with(".csv")) {
        assert!(redrawn.get(name) == Some(bytes), "{name} differs after `chipban chart`");
    }
    // a damaged Parquet file is a user error naming it
    std::fs::write(pq.join("firms.parquet"), b"not parquet").unwrap();
    let err = user_error(&chipban(&["chart", s(&pq)]));
    assert!(err.contains("firms.parquet"), "{err}");
}

#[test]
fn sweep_tables_in_both_formats_are_equal() {
    let tmp = temp_dir();
    // a grid: a real-valued parameter and a month
    let grid = tmp.path().join("grid");
    ok(&chipban(&[
        "sweep",
        &fixture("sweep_grid.ron"),
        "--out",
        s(&grid),
        "--format",
        "both",
        "--no-charts",
        "--quiet",
    ]));
    assert_eq!(parquet_files(&grid), ["bands.parquet", "cells.parquet", "runs.parquet"]);
    let params = [("research.data_weight", "f64"), ("policy.rules[0].effective", "str"), ("cell", "u32")];
    assert_eq!(compare(&grid, "runs", |c| study_type(c, &params)), 24);
    compare(&grid, "cells", |c| study_type(c, &params));
    compare(&grid, "bands", |c| study_type(c, &[("cell", "str")]));
    // a Latin hypercube: a real, a whole number and a month; its sensitivity table
    let lhs = tmp.path().join("lhs");
    ok(&chipban(&[
        "sweep",
        &fixture("sweep_lhs.ron"),
        "--out",
        s(&lhs),
        "--format",
        "both",
        "--no-charts",
        "--quiet",
    ]));
    let params = [
        ("research.data_weight", "f64"),
        ("acquisitions.bidders", "i64"),
        ("policy.rules[0].effective", "str"),
        ("cell", "u32"),
    ];
    assert_eq!(compare(&lhs, "runs", |c| study_type(c, &params)), 20);
    compare(&lhs, "effects", |c| study_type(c, &params));
    // a factorial: level names; its effects table
    let fac = tmp.path().join("fac");
    ok(&chipban(&[
        "sweep",
        &fixture("sweep_factorial.ron"),
        "--out",
        s(&fac),
        "--format",
        "both",
        "--no-charts",
        "--quiet",
    ]));
    let params = [("floor", "str"), ("churn", "str"), ("cell", "u32")];
    compare(&fac, "runs", |c| study_type(c, &params));
    compare(&fac, "effects", |c| study_type(c, &params));
}

#[test]
fn parquet_only_sweeps_and_merges_write_no_csv_tables() {
    let tmp = temp_dir();
    let whole = tmp.path().join("whole");
    ok(&chipban(&[
        "sweep",
        &fixture("sweep_grid.ron"),
        "--out",
        s(&whole),
        "--format",
        "parquet",
        "--no-charts",
        "--quiet",
    ]));
    let names = files(&whole);
    for table in ["runs", "cells", "bands"] {
        assert!(
            names.contains_key(&format!("{table}.parquet")) && !names.contains_key(&format!("{table}.csv"))
        );
    }
    // shards merged with --format parquet give the same Parquet files
    let mut shards = Vec::new();
    for k in 0..2 {
        let dir = tmp.path().join(format!("shard{k}"));
        ok(&chipban(&[
            "sweep",
            &fixture("sweep_grid.ron"),
            "--shard",
            &format!("{k}/2"),
            "--out",
            s(&dir),
            "--quiet",
        ]));
        shards.push(dir);
    }
    let merged = tmp.path().join("merged");
    let mut args =
        vec!["merge", s(&shards[0]), s(&shards[1]), "--out", s(&merged), "--format", "parquet", "--quiet"];
    args.push("--no-charts");
    ok(&chipban(&args));
    let merged_files = files(&merged);
    for table in ["runs.parquet", "cells.parquet", "bands.parquet"] {
        assert!(merged_files.get(table) == names.get(table), "{table} differs between sweep and merge");
    }
}

#[test]
fn an_unknown_format_is_refused() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    for args in [
        vec!["run", "--format", "bogus", "--out", s(&out)],
        vec!["sweep", "x.ron", "--format", "xlsx", "--out", s(&out)],
    ] {
        let err = user_error(&chipban(&args));
        assert!(err.contains("--format") && err.contains("csv, parquet, both"), "{err}");
        assert!(!out.exists(), "nothing written");
    }
}
