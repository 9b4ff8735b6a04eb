//! The limits on every size a user controls (months, firms, investors,
//! entry rate, sweep runs, Latin hypercube samples, replicates, shards,
//! input files), in one place, with the estimate of a run's memory and time
//! the messages quote. A size over its *default* limit is refused before any
//! work starts unless `--allow-large` is given; a size over its *absolute*
//! limit is refused always (past it a type overflows or a date leaves the
//! calendar). docs/data.md ("Limits") lists the same numbers.
//!
//! Whether `--allow-large` is in force is an explicit [`SizePolicy`] passed
//! by the caller (no process-wide switch: a server handling many requests
//! uses the default policy whatever else runs in the process).
//!
//! Nothing here reads files or runs the model: it only counts and compares.

use super::schema::World;

/// A size limit: the default (raised by `--allow-large`) and the absolute one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limit {
    /// What is counted, e.g. "firms".
    pub what: &'static str,
    /// Refused above this unless `--allow-large`.
    pub default: u64,
    /// Refused above this always.
    pub absolute: u64,
    /// Why the absolute limit cannot be raised.
    pub why_absolute: &'static str,
}

/// Months of one run (100 years by default).
pub const MONTHS: Limit = Limit {
    what: "months",
    default: 1_200,
    absolute: 12_000,
    why_absolute: "the calendar of a run ends in year 9999",
};
/// Firms present at the start (named firms plus every cohort's count).
pub const FIRMS: Limit = Limit {
    what: "firms at the start (named firms + cohort counts)",
    default: 200_000,
    absolute: 10_000_000,
    why_absolute: "each firm holds its state in memory for the whole run",
};
/// Expected new entrants per month at the highest funding climate.
pub const ENTRY_RATE: Limit = Limit {
    what: "a month at most (entry.rate_month x highest funding climate x pool growth / entry.reference_free_talent_share)",
    default: 1_000,
    absolute: 100_000,
    why_absolute: "entrants are drawn one by one each month",
};
/// Firm-months of one run: firms (at the start plus expected entrants) × months.
pub const FIRM_MONTHS: Limit = Limit {
    what: "firm-months",
    default: 20_000_000,
    absolute: 2_000_000_000,
    why_absolute: "the firm panel would not fit in memory",
};
/// Investors (named plus every investor cohort's count).
pub const INVESTORS: Limit = Limit {
    what: "investors (named + investor cohort counts)",
    default: 100_000,
    absolute: 10_000_000,
    why_absolute: "each investor holds its state in memory for the whole run",
};
/// Runs of one study: cells × replicates (sweep), 2 × replicates (compare),
/// replicates (calibrate).
pub const RUNS: Limit = Limit {
    what: "runs",
    default: 100_000,
    absolute: 100_000_000,
    why_absolute: "every run's results are held until the study is written",
};
/// Cells of a sweep design (grid or factorial combinations, hypercube samples).
pub const CELLS: Limit = Limit {
    what: "cells",
    default: 100_000,
    absolute: 10_000_000,
    why_absolute: "every cell's world is built and checked before the first run",
};
/// Firm-months of a whole study: runs × firm-months per run (time, not memory).
pub const STUDY_FIRM_MONTHS: Limit = Limit {
    what: "firm-months over all runs",
    default: 10_000_000_000,
    absolute: u64::MAX,
    why_absolute: "",
};
/// Slurm array tasks of `--emit-slurm` (`--shards`).
pub const SHARDS: Limit = Limit {
    what: "shards",
    default: 10_000,
    absolute: 1_000_000,
    why_absolute: "each shard is one Slurm array task and one folder",
};

/// The largest world or sweep file read, in bytes (16 MiB; the shipped
/// worlds are under 20 KiB). Absolute.
pub const MAX_SPEC_FILE_BYTES: u64 = 16 << 20;
/// The largest data file of an output folder read back (`chipban chart`,
/// `merge`, `--resume`), in bytes (4 GiB). Absolute.
pub const MAX_DATA_FILE_BYTES: u64 = 4 << 30;

/// Measured CPU time per estimated firm-month ([`estimate`]), release
/// build, 2-core machine: `chipban run worlds/baseline.ron --set
/// cohorts[0].count=10000 --months 120 --no-charts` (an estimate of 1.21
/// million firm-months; 705,000 rows in firms.csv) took 3.79 s of user time
/// (best of 4; wall times of 10-34 s while three other builds ran).
/// The figure for 10,000 firms × 120 months, 3.47 s end to end, is
/// close. Used only for the estimates quoted in messages.
pub const SECONDS_PER_FIRM_MONTH: f64 = 3.2e-6;
/// Measured peak memory per estimated firm-month of the same run: 659 MB
/// (max RSS) for 1.21 million, with the whole record held in memory; an
/// upper bound once the record is streamed.
pub const BYTES_PER_FIRM_MONTH: f64 = 560.0;

/// Which limits are in force: the default ones, or (`--allow-large`) the
/// absolute ones. Passed explicitly to every check; the default is off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SizePolicy {
    /// `--allow-large`: every default limit raised to its absolute one.
    pub allow_large: bool,
}

impl SizePolicy {
    /// The default limits (no `--allow-large`).
    pub const DEFAULT: SizePolicy = SizePolicy { allow_large: false };
}

impl Limit {
    /// The limit in force under `policy` (the absolute one with `--allow-large`).
    pub fn current(&self, policy: SizePolicy) -> u64 {
        if policy.allow_large { self.absolute } else { self.default }
    }

    /// [`Limit::check_with`] under the default limits.
    pub fn check(&self, path: &str, value: u64, estimate: &str) -> Option<String> {
        self.check_with(SizePolicy::DEFAULT, path, value, estimate)
    }

    /// `None` if `value` is within the limit in force under `policy`, else
    /// the problem: `PATH = VALUE WHAT: ...` naming the limit and how to raise it.
    pub fn check_with(&self, policy: SizePolicy, path: &str, value: u64, estimate: &str) -> Option<String> {
        if value <= self.current(policy) {
            return None;
        }
        let est = if estimate.is_empty() { String::new() } else { format!(" ({estimate})") };
        Some(if value > self.absolute {
            format!(
                "{path} = {} {}{est}: at most {} are possible ({})",
                group(value),
                self.what,
                group(self.absolute),
                self.why_absolute
            )
        } else {
            format!(
                "{path} = {} {}{est}: the limit is {}; pass --allow-large to go up to {}",
                group(value),
                self.what,
                group(self.default),
                group(self.absolute)
            )
        })
    }
}

/// `12345678` → `12,345,678`.
pub fn group(n: u64) -> String {
    group_digits(&n.to_string())
}

/// `digits` (ASCII digits only) with a comma before every group of three;
/// the one digit grouping of the program (`view::format` uses it too).
pub fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a run of this world is expected to cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Firms at the start plus the entrants expected over the run.
    pub firms: u64,
    pub months: u64,
    /// `firms × months`.
    pub firm_months: u64,
}

impl Estimate {
    /// Expected peak memory, bytes.
    pub fn bytes(&self) -> f64 {
        self.firm_months as f64 * BYTES_PER_FIRM_MONTH
    }
    /// Expected time on one core, seconds.
    pub fn seconds(&self) -> f64 {
        self.firm_months as f64 * SECONDS_PER_FIRM_MONTH
    }
    /// "about 1.2 GB and 40 s".
    pub fn describe(&self) -> String {
        format!("about {} and {} per run", bytes(self.bytes()), duration(self.seconds()))
    }
}

/// Bytes for people: `1.2 GB`.
pub fn bytes(b: f64) -> String {
    match b {
        b if b >= 1e12 => format!("{:.1} TB", b / 1e12),
        b if b >= 1e9 => format!("{:.1} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.0} MB", b / 1e6),
        b => format!("{:.0} kB", b / 1e3),
    }
}

/// Seconds for people: `40 s`, `3.5 h`, `12 days`.
pub fn duration(s: f64) -> String {
    match s {
        s if s >= 2.0 * 86_400.0 => format!("{:.0} days", s / 86_400.0),
        s if s >= 3_600.0 => format!("{:.1} h", s / 3_600.0),
        s if s >= 60.0 => format!("{:.0} min", s / 60.0),
        s => format!("{s:.1} s"),
    }
}

/// The highest funding climate multiplier of a world (at least 1; one
/// past its plausible range is reported by the validator, not counted here).
fn max_climate(w: &World) -> f64 {
    let plausible = |m: &f64| m.is_finite() && *m <= super::validate::MAX_CLIMATE;
    w.funding.climate.iter().map(|(_, m)| *m).filter(plausible).fold(1.0, f64::max)
}

/// Firms at the start: named firms plus every cohort's count.
pub fn firms_at_start(w: &World) -> u64 {
    w.firms.len() as u64 + w.cohorts.iter().map(|c| c.count as u64).sum::<u64>()
}

/// `start · (1 + g)^(months / 12)`: an amount growing by `g` a year.
pub fn grown(start: f64, growth_yearly: f64, months: u32) -> f64 {
    start * (1.0 + growth_yearly).powf(months as f64 / 12.0)
}

/// The highest expected number of new entrants in a month: entry runs at
/// `rate_month × climate × free share / reference free share`, and the free
/// share (free researchers over the pools' starting size) is at most the
/// pools' growth over the run.
fn entry_rate(w: &World) -> f64 {
    let start: f64 = w.talent.pools.iter().map(|p| p.size as f64).sum();
    let end: f64 =
        w.talent.pools.iter().map(|p| grown(p.size as f64, p.growth_yearly.max(-1.0), w.months)).sum();
    let free_share = if start > 0.0 { (end / start).max(1.0) } else { 1.0 };
    let reference = w.entry.reference_free_talent_share.max(1e-9);
    let r = w.entry.rate_month * max_climate(w) * free_share / reference;
    if r.is_finite() { r.max(0.0) } else { f64::MAX }
}

/// The cost of one run of `w`.
pub fn estimate(w: &World) -> Estimate {
    let months = w.months as u64;
    let entrants = (entry_rate(w) * months as f64).min(1e18) as u64;
    let firms = firms_at_start(w).saturating_add(entrants);
    Estimate { firms, months, firm_months: firms.saturating_mul(months) }
}

/// Every size of `w` over its default limit, one line each (empty if none).
pub fn world_problems(w: &World) -> Vec<String> {
    world_problems_with(w, SizePolicy::DEFAULT)
}

/// Every size of `w` over its limit under `policy`, one line each (empty if none).
pub fn world_problems_with(w: &World, policy: SizePolicy) -> Vec<String> {
    let est = estimate(w);
    let investors = w.investors.len() as u64 + w.investor_cohorts.iter().map(|c| c.count as u64).sum::<u64>();
    let rate = entry_rate(w);
    let checks = [
        MONTHS.check_with(policy, "months", est.months, ""),
        FIRMS.check_with(policy, "firms + cohorts[..].count", firms_at_start(w), ""),
        ENTRY_RATE.check_with(policy, "new entrants", rate.ceil().min(u64::MAX as f64) as u64, ""),
        INVESTORS.check_with(policy, "investors + investor_cohorts[..].count", investors, ""),
        FIRM_MONTHS.check_with(
            policy,
            "firms x months",
            est.firm_months,
            &format!(
                "{} firms incl. expected entrants x {} months; {}",
                group(est.firms),
                est.months,
                est.describe()
            ),
        ),
    ];
    checks.into_iter().flatten().collect()
}

/// The problem with a study of `runs` runs of worlds costing `per_run`
/// each, if any: too many runs, or too much work in total. `path` names
/// what sets the runs (e.g. "cells x replicates").
pub fn study_problems(policy: SizePolicy, path: &str, runs: u64, per_run: &Estimate) -> Vec<String> {
    let total = runs.saturating_mul(per_run.firm_months);
    let time = duration(total as f64 * SECONDS_PER_FIRM_MONTH);
    [
        RUNS.check_with(policy, path, runs, ""),
        STUDY_FIRM_MONTHS.check_with(
            policy,
            &format!("{path} x firm-months per run"),
            total,
            &format!(
                "{} runs x {} firm-months, about {time} on one core",
                group(runs),
                group(per_run.firm_months)
            ),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000), "1,000");
        assert_eq!(group(20_000_000), "20,000,000");
    }

    #[test]
    fn a_limit_names_the_value_the_limit_and_the_flag() {
        assert_eq!(MONTHS.check("months", 1_200, ""), None);
        let p = MONTHS.check("months", 1_201, "").unwrap();
        assert_eq!(p, "months = 1,201 months: the limit is 1,200; pass --allow-large to go up to 12,000");
        let p = MONTHS.check("months", 50_000, "").unwrap();
        assert!(p.contains("at most 12,000 are possible (the calendar"), "{p}");
    }

    #[test]
    fn the_estimate_counts_cohorts_and_entrants() {
        let w = crate::baseline();
        let e = estimate(&w);
        assert!(e.firms >= firms_at_start(&w));
        assert_eq!(e.firm_months, e.firms * w.months as u64);
        assert!(world_problems(&w).is_empty(), "{:?}", world_problems(&w));
        let mut big = w.clone();
        big.cohorts[0].count = 300_000;
        let p = world_problems(&big);
        assert!(p.iter().any(|p| p.starts_with("firms + cohorts[..].count = 3")), "{p:?}");
        assert!(p.iter().any(|p| p.starts_with("firms x months = ") && p.contains("GB")), "{p:?}");
        let mut funds = w.clone();
        funds.investor_cohorts[0].count = 200_000;
        let p = world_problems(&funds);
        assert!(p.iter().any(|p| p.starts_with("investors + investor_cohorts[..].count = 200,0")), "{p:?}");
    }
}
