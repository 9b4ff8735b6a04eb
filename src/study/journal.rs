//! The journal: `journal.csv`, one line per finished run, appended as runs
//! finish. It is the sweep's source of truth: statistics are always made
//! from the journal's text, so a study read back after a crash, a resume
//! or a merge of shards is the same as one made in a single go.
//!
//! Format: a header, then per run `run_id,cell,replicate,seed`, the
//! outcomes (empty = none), and three monthly paths (`hhi_path`,
//! `independent_firms_path`, `cr4_path`), each month's values joined by
//! `;`. Numbers are written in Rust's shortest round-trip form, so parsing
//! gives back exactly the numbers that were written.

use super::data::{Metric, RunResult};
use super::error::{LineError, StudyError};
use crate::analysis::outcome::Outcome;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const FILE: &str = "journal.csv";

/// The header line (without newline).
pub fn header() -> String {
    let mut cols: Vec<String> =
        ["run_id", "cell", "replicate", "seed"].iter().map(|s| s.to_string()).collect();
    cols.extend(Outcome::ALL.iter().map(|o| o.column().to_string()));
    cols.extend(Metric::ALL.iter().map(|m| format!("{}_path", m.as_str())));
    cols.join(",")
}

fn num(v: f64) -> String {
    // `{}` on f64 is the shortest text that parses back to the same bits.
    format!("{v}")
}

/// One run as a journal line (with newline).
pub fn format_line(r: &RunResult) -> String {
    let mut s = format!("{},{},{},{}", r.run_id, r.cell, r.replicate, r.seed);
    for o in &r.outcomes {
        s.push(',');
        if let Some(v) = o {
            s.push_str(&num(*v));
        }
    }
    for p in &r.paths {
        s.push(',');
        let parts: Vec<String> = p.iter().map(|v| num(*v)).collect();
        s.push_str(&parts.join(";"));
    }
    s.push('\n');
    s
}

/// Parse one journal line (without newline).
pub fn parse_line(line: &str) -> Result<RunResult, LineError> {
    let fields: Vec<&str> = line.split(',').collect();
    let want = 4 + Outcome::COUNT + 3;
    if fields.len() != want {
        return Err(LineError::FieldCount { found: fields.len(), want });
    }
    let int = |s: &str, what: &'static str| {
        s.parse::<u64>().map_err(|_| LineError::BadInteger { what, text: s.to_string() })
    };
    let real = |s: &str| match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(LineError::NotFinite(s.to_string())),
        Err(_) => Err(LineError::BadNumber(s.to_string())),
    };
    let run_id = int(fields[0], "run_id")?;
    let cell = u32::try_from(int(fields[1], "cell")?).map_err(|_| LineError::OutOfRange("cell"))?;
    let replicate =
        u32::try_from(int(fields[2], "replicate")?).map_err(|_| LineError::OutOfRange("replicate"))?;
    let seed = int(fields[3], "seed")?;
    let mut outcomes = Vec::with_capacity(Outcome::COUNT);
    for f in &fields[4..4 + Outcome::COUNT] {
        outcomes.push(if f.is_empty() { None } else { Some(real(f)?) });
    }
    let path = |s: &str| -> Result<Vec<f64>, LineError> {
        if s.is_empty() { Ok(Vec::new()) } else { s.split(';').map(real).collect() }
    };
    let base = 4 + Outcome::COUNT;
    Ok(RunResult {
        run_id,
        cell,
        replicate,
        seed,
        outcomes,
        paths: [path(fields[base])?, path(fields[base + 1])?, path(fields[base + 2])?],
    })
}

/// What a journal on disk holds.
pub struct Contents {
    pub runs: Vec<RunResult>,
    /// Bytes of complete lines (header included); a torn last line lies beyond.
    pub good_len: u64,
    /// The file ended in a partial line (a run cut off by a kill).
    pub torn_tail: bool,
    /// The line number (1-based) of each run in `runs`.
    pub lines: Vec<usize>,
}

impl Contents {
    /// Check every run against the study it should belong to: its id is
    /// one of the study's `runs`, and its cell, replicate and seed are the
    /// ones `expect(run_id)` gives. The first mismatch is refused, naming
    /// the journal's file and line.
    pub fn check(
        &self,
        path: &Path,
        runs: u64,
        expect: impl Fn(u64) -> (u32, u32, u64),
    ) -> Result<(), StudyError> {
        for (r, &line) in self.runs.iter().zip(&self.lines) {
            let bad = |message: String| StudyError::TamperedLine { path: path.to_path_buf(), line, message };
            if r.run_id >= runs {
                return Err(bad(format!(
                    "run_id {} is out of range: the study has runs 0 to {}",
                    r.run_id,
                    runs.saturating_sub(1)
                )));
            }
            let (cell, replicate, seed) = expect(r.run_id);
            if (r.cell, r.replicate) != (cell, replicate) {
                return Err(bad(format!(
                    "run {} is cell {cell}, replicate {replicate} of this study, but the line says cell {}, replicate {}",
                    r.run_id, r.cell, r.replicate
                )));
            }
            if r.seed != seed {
                return Err(bad(format!(
                    "run {} has seed {}, but this study gives it seed {seed}",
                    r.run_id, r.seed
                )));
            }
        }
        Ok(())
    }
}

/// Read a journal. A last line without its newline is a run that was being
/// written when the process died: it is dropped (and re-run). A damaged
/// line elsewhere is an error.
pub fn read(path: &Path) -> Result<Contents, StudyError> {
    let text = crate::safe_read::text(path, crate::world::limits::MAX_DATA_FILE_BYTES)
        .map_err(|source| StudyError::Read { path: path.to_path_buf(), source })?;
    let mut runs = Vec::new();
    let mut good_len = 0u64;
    let mut torn_tail = false;
    let mut lines = Vec::new();
    let head = header();
    for (i, chunk) in text.split_inclusive('\n').enumerate() {
        let complete = chunk.ends_with('\n');
        let line = chunk.trim_end_matches('\n');
        if i == 0 {
            if !complete || line != head {
                if !complete && head.starts_with(line) {
                    torn_tail = true;
                    break;
                }
                return Err(StudyError::JournalHeader { path: path.to_path_buf() });
            }
            good_len += chunk.len() as u64;
            continue;
        }
        if !complete {
            torn_tail = true;
            break;
        }
        let run = parse_line(line).map_err(|error| StudyError::DamagedLine {
            path: path.to_path_buf(),
            line: i + 1,
            error,
        })?;
        runs.push(run);
        lines.push(i + 1);
        good_len += chunk.len() as u64;
    }
    Ok(Contents { runs, good_len, torn_tail, lines })
}

/// An open journal that runs are appended to, one `write` per line, so a
/// kill leaves at most one torn line.
pub struct Writer {
    file: File,
    path: PathBuf,
}

impl Writer {
    /// Open for appending, creating the file with its header if needed and
    /// cutting off a torn last line (`good_len` from [`read`]).
    pub fn open(path: &Path, good_len: Option<u64>) -> Result<Writer, StudyError> {
        let err =
            |what: &'static str| move |source| StudyError::Journal { path: path.to_path_buf(), what, source };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(err("cannot open the journal"))?;
        match good_len {
            Some(len) if len > 0 => {
                file.set_len(len).map_err(err("cannot trim a torn line"))?;
            }
            _ => {
                file.set_len(0).map_err(err("cannot empty the journal"))?;
                file.write_all(format!("{}\n", header()).as_bytes())
                    .map_err(err("cannot write to the journal"))?;
            }
        }
        Ok(Writer { file, path: path.to_path_buf() })
    }

    pub fn append(&mut self, line: &str) -> Result<(), StudyError> {
        let path = self.path.clone();
        self.file.write_all(line.as_bytes()).map_err(|source| StudyError::Journal {
            path,
            what: "cannot write to the journal",
            source,
        })
    }

    /// Flush to the disk (not only the OS cache).
    pub fn sync(&mut self) -> Result<(), StudyError> {
        let path = self.path.clone();
        self.file.sync_data().map_err(|source| StudyError::Journal {
            path,
            what: "cannot sync the journal",
            source,
        })
    }
}

/// The journal text of runs sorted by id (the form a finished study keeps).
pub fn sorted_text(runs: &[RunResult]) -> String {
    let mut idx: Vec<usize> = (0..runs.len()).collect();
    idx.sort_by_key(|&i| runs[i].run_id);
    let mut s = format!("{}\n", header());
    for i in idx {
        s.push_str(&format_line(&runs[i]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: u64) -> RunResult {
        let mut outcomes: Vec<Option<f64>> =
            (0..Outcome::COUNT).map(|i| Some(i as f64 * 0.1 + 1.0 / 3.0)).collect();
        outcomes[Outcome::COUNT - 1] = None;
        RunResult {
            run_id: id,
            cell: 3,
            replicate: 7,
            seed: u64::MAX - id,
            outcomes,
            paths: [vec![1_234.567_890_123, 0.1 + 0.2], vec![10.0, 9.0], vec![0.999_999_999_9, 1e-300]],
        }
    }

    #[test]
    fn lines_round_trip_exactly() {
        let r = sample(12);
        let line = format_line(&r);
        assert!(line.ends_with('\n'));
        assert_eq!(parse_line(line.trim_end()).unwrap(), r);
        assert_eq!(header().split(',').count(), line.trim_end().split(',').count());
    }

    #[test]
    fn torn_tail_is_dropped_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE);
        let mut w = Writer::open(&p, None).unwrap();
        w.append(&format_line(&sample(0))).unwrap();
        w.append(&format_line(&sample(1))).unwrap();
        let full = format_line(&sample(2));
        w.append(&full[..full.len() / 2]).unwrap();
        drop(w);
        let c = read(&p).unwrap();
        assert_eq!(c.runs.len(), 2);
        assert!(c.torn_tail);
        let mut w = Writer::open(&p, Some(c.good_len)).unwrap();
        w.append(&full).unwrap();
        drop(w);
        let c = read(&p).unwrap();
        assert_eq!(c.runs.iter().map(|r| r.run_id).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert!(!c.torn_tail);
    }

    #[test]
    fn damaged_middle_line_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE);
        let text = format!("{}\n1,2,3\n{}", header(), format_line(&sample(0)));
        std::fs::write(&p, text).unwrap();
        let e = read(&p).err().unwrap();
        assert!(e.to_string().contains(":2: damaged run line"), "{e}");
        assert!(matches!(e, StudyError::DamagedLine { line: 2, .. }));
    }
}
