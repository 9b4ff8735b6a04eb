//! The commands behind the CLI, one module each: its options struct (plain
//! data, no clap), its entry point `main` (do the work, print the summary),
//! the work alone as `execute` (for the library and tests) and the summary
//! text it prints. `main.rs` parses arguments into the options, calls
//! `main` and maps [`AppError`] to exit codes.
//!
//! This is the top layer: it may use every other module; nothing else
//! imports it.

pub mod calibrate;
pub mod chart;
pub mod check;
pub mod compare;
pub mod explore;
pub mod export;
pub mod merge;
pub mod run;
pub mod sweep;
pub mod worlds;

pub use crate::error::AppError;
pub use crate::world::resolve as resolve_world;

/// Where and how a command writes its output folder (the flattened
/// `--out`, `--force`, `--quiet`, `--no-charts` of every writing command).
#[derive(Clone, Debug, Default)]
pub struct OutputOptions {
    /// The folder; `None` = the command's default under `output/`.
    pub out: Option<std::path::PathBuf>,
    /// Replace an occupied folder.
    pub force: bool,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Data files only: no charts, GIF or report.
    pub no_charts: bool,
    /// CSV and/or Parquet data tables (`--format`, of `run`, `sweep` and `merge`).
    pub format: crate::record::parquet::Format,
}

impl OutputOptions {
    /// The folder asked for, or `default` (a path under `output/`).
    pub(crate) fn folder(&self, default: impl FnOnce() -> String) -> std::path::PathBuf {
        self.out.clone().unwrap_or_else(|| std::path::PathBuf::from("output").join(default()))
    }
}

/// The most worker threads `--jobs` may ask for: more than any machine has
/// cores, few enough that starting them never exhausts the system.
pub const MAX_JOBS: usize = 1024;

/// Refuse a `--jobs` of 0 or above [`MAX_JOBS`] before any work starts.
pub(crate) fn check_jobs(jobs: Option<usize>) -> Result<(), AppError> {
    match jobs {
        Some(n) if n == 0 || n > MAX_JOBS => Err(crate::error::UsageError::Jobs(n).into()),
        _ => Ok(()),
    }
}

/// Refuse a study of `runs` runs of `world` (replicates of `compare` or
/// `calibrate`; `what` names the option) over the size limits, before any
/// work starts.
pub(crate) fn check_runs(
    what: &str,
    runs: u64,
    world: &crate::world::World,
    limits: crate::world::SizePolicy,
) -> Result<(), AppError> {
    let problems =
        crate::world::limits::study_problems(limits, what, runs, &crate::world::limits::estimate(world));
    if problems.is_empty() { Ok(()) } else { Err(crate::error::UsageError::Limits(problems).into()) }
}

/// Worker threads: the number asked for, or the machine's cores.
pub(crate) fn jobs_or_cores(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Text made safe to print on a terminal: every control character other
/// than newline and tab (escape sequences, carriage returns, bells) and
/// every bidirectional-override character is replaced by its visible
/// escape (`\u{1b}`), so names in a world file cannot rewrite the screen.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut s = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if bad(c) {
            s.extend(c.escape_unicode());
        } else {
            s.push(c);
        }
    }
    std::borrow::Cow::Owned(s)
}

/// The charts of a set as files of an output folder (`charts/NAME.png`, `.svg`).
pub(crate) fn chart_files(charts: Vec<crate::view::theme::Rendered>) -> Vec<crate::outdir::OutFile> {
    let mut files = Vec::with_capacity(2 * charts.len());
    for r in charts {
        files.push((format!("charts/{}.png", r.name), r.png));
        files.push((format!("charts/{}.svg", r.name), r.svg.into_bytes()));
    }
    files
}

#[cfg(test)]
mod tests {
    #[test]
    fn terminal_safe_escapes_controls_visibly() {
        assert_eq!(super::terminal_safe("plain\n\ttext"), "plain\n\ttext");
        assert_eq!(super::terminal_safe("a\u{1b}[31mred\r"), "a\\u{1b}[31mred\\u{d}");
        assert_eq!(super::terminal_safe("x\u{202e}y\u{9b}"), "x\\u{202e}y\\u{9b}");
    }
}
