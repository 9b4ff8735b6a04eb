//! Streaming a run's big files: [`CsvSink`] is the [`RecordSink`] that
//! writes `firms.csv`, `chips.csv` and `events.csv` into a folder while the
//! simulation runs. The rows go through a bounded channel to one writer
//! thread that formats them (`fastcsv`) and writes them in order, so the
//! model and the writing overlap and at most a few months of rows are held
//! in memory; the bytes are those of the in-memory path (`data_files`).
//!
//! It writes only into the folder it is given (a staging folder of
//! `outdir`); it does not decide where a run's folder goes, and the month
//! rows, `world.ron` and `summary.json` are written after the run
//! ([`super::head_files`]).

use super::fastcsv::{self, Field};
use super::rows::{ChipRec, EventRec, FirmRec};
use crate::outdir::OutputError;
use crate::sim::output::{MonthBatch, RecordSink};
use crate::world::{Month, World};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Months of rows that may wait for the writer (the sink blocks beyond).
const QUEUE_MONTHS: usize = 2;
/// Bytes formatted before a write to the file.
const CHUNK: usize = 1 << 20;

/// Writes a run's streamed files into a folder as the months pass (see the
/// module doc). Call [`CsvSink::finish`] after the run to learn whether
/// every byte was written.
pub struct CsvSink {
    rows: Option<SyncSender<MonthBatch>>,
    /// Batches the writer is done with (still full: the run clears them), to be filled again.
    spare: Receiver<MonthBatch>,
    writer: Option<JoinHandle<Result<(), OutputError>>>,
}

/// One streamed file: its path, the open file and the bytes not yet written.
struct Out {
    path: PathBuf,
    file: File,
    buf: Vec<u8>,
}

impl Out {
    fn create(dir: &Path, name: &str, header: Vec<u8>) -> Result<Out, OutputError> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|source| OutputError::Io { path: path.clone(), source })?;
        let mut buf = Vec::with_capacity(CHUNK + CHUNK / 4);
        buf.extend_from_slice(&header);
        Ok(Out { path, file, buf })
    }

    fn flush_if_full(&mut self) -> Result<(), OutputError> {
        if self.buf.len() >= CHUNK { self.flush() } else { Ok(()) }
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        let r = self.file.write_all(&self.buf);
        self.buf.clear();
        r.map_err(|source| OutputError::Io { path: self.path.clone(), source })
    }

    fn close(mut self) -> Result<(), OutputError> {
        self.flush()?;
        self.file.sync_all().map_err(|source| OutputError::Io { path: self.path.clone(), source })
    }
}

impl CsvSink {
    /// Create `firms.csv`, `chips.csv` and `events.csv` (headers written)
    /// in `dir` for a run of `world`, and start the writer.
    pub fn create(dir: &Path, world: &World) -> Result<CsvSink, OutputError> {
        let firms = Out::create(dir, "firms.csv", fastcsv::header::<FirmRec>())?;
        let chips = Out::create(dir, "chips.csv", fastcsv::header::<ChipRec>())?;
        let events = Out::create(dir, "events.csv", fastcsv::header::<EventRec>())?;
        let chip_names: Vec<Field> = world.chips.suppliers.iter().map(|s| Field::new(&s.name)).collect();
        let start = world.start;
        let (rows, incoming) = sync_channel::<MonthBatch>(QUEUE_MONTHS);
        let (give_back, spare) = sync_channel::<MonthBatch>(QUEUE_MONTHS + 2);
        let writer = std::thread::Builder::new()
            .name("csv writer".into())
            .spawn(move || write_months(incoming, give_back, start, chip_names, [firms, chips, events]))
            .map_err(|source| OutputError::Io { path: dir.to_path_buf(), source })?;
        Ok(CsvSink { rows: Some(rows), spare, writer: Some(writer) })
    }

    /// Wait for the writer to write and sync every row handed to it.
    pub fn finish(mut self) -> Result<(), OutputError> {
        self.stop()
    }

    fn stop(&mut self) -> Result<(), OutputError> {
        self.rows = None;
        match self.writer.take() {
            Some(w) => w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => Ok(()),
        }
    }
}

impl Drop for CsvSink {
    fn drop(&mut self) {
        if self.writer.is_some() && !std::thread::panicking() {
            let _ = self.stop();
        }
    }
}

impl RecordSink for CsvSink {
    fn month(&mut self, batch: &mut MonthBatch) {
        let older = self.spare.try_recv().unwrap_or_default();
        let full = std::mem::replace(batch, older);
        if let Some(rows) = &self.rows
            && rows.send(full).is_err()
        {
            // The writer stopped on an error: `finish` reports it.
            self.rows = None;
        }
    }
}

/// The writer thread: format each month's rows into its file, in order.
fn write_months(
    incoming: Receiver<MonthBatch>,
    give_back: SyncSender<MonthBatch>,
    start: Month,
    chip_names: Vec<Field>,
    [mut firms, mut chips, mut events]: [Out; 3],
) -> Result<(), OutputError> {
    let mut firm_names: Vec<Field> = Vec::new();
    let mut detail = String::new();
    for batch in incoming {
        firm_names.extend(batch.new_firm_names.iter().map(|n| Field::new(n)));
        let prefix = fastcsv::month_prefix(batch.month, &start.plus(batch.month as i32).to_string());
        for c in &batch.chips {
            fastcsv::chip_row(&mut chips.buf, c, &prefix, &chip_names);
        }
        chips.flush_if_full()?;
        for f in &batch.firms {
            fastcsv::firm_row(&mut firms.buf, f, &prefix, &firm_names);
            firms.flush_if_full()?;
        }
        for e in &batch.events {
            fastcsv::event_row(&mut events.buf, e, &prefix, &mut detail);
            events.flush_if_full()?;
        }
        // Handed back full: the simulation's thread clears it as it reuses
        // it, so the names' reference counts are changed by the thread that
        // cloned them, not bounced between the two cores.
        let _ = give_back.try_send(batch);
    }
    firms.close()?;
    chips.close()?;
    events.close()
}
