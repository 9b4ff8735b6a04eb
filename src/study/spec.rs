//! Sweep files (RON): the schema, loading with located errors, validation
//! that lists every problem at once, and expansion of the design into
//! cells (one combination of world overrides each). The design builders
//! (grid, factorial, Latin hypercube) live in [`design`]; this file holds
//! the schema, the plan and the checks of the whole file.

mod design;

use super::data::{DesignKind, FactorInfo, Param};
use crate::world::{self, Month, SizePolicy, World};
pub use design::{cell_count, product};
use design::{factorial, grid, latin_hypercube, structural};
use serde::{Deserialize, Serialize};
use std::path::Path;
use world::limits;

/// A value in a sweep file. Numbers and bools are themselves; a string is
/// taken exactly as the text after `--set PATH=` would be, so `"2023-10"`
/// is a month, `"BigBuyersFirst"` an enum variant and
/// `"Uniform(0.1, 0.5)"` a distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SetValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl SetValue {
    /// The value as `--set` text.
    pub fn as_set_text(&self) -> String {
        match self {
            SetValue::Bool(b) => b.to_string(),
            SetValue::Int(i) => i.to_string(),
            SetValue::Float(f) => format!("{f:?}"),
            SetValue::Text(t) => t.clone(),
        }
    }
}

/// A sweep file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Sweep")]
pub struct SweepSpec {
    /// Short name (used for the default output folder).
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The base world: a path relative to the sweep file's folder.
    pub world: String,
    /// Master seed: every run's seed derives from it, the cell and the replicate.
    pub seed: u64,
    /// Runs per cell (per sample for a Latin hypercube).
    pub replicates: u32,
    /// Months to simulate (default: the world's own).
    #[serde(default)]
    pub months: Option<u32>,
    /// Replicate r of every cell uses the same seed (common random numbers),
    /// so differences between cells are not blurred by luck. Default true.
    /// Ignored by a Latin hypercube, whose points always have their own seeds.
    #[serde(default = "yes")]
    pub common_random_numbers: bool,
    /// Overrides applied to the base world before the design, as (path, value).
    #[serde(default)]
    pub set: Vec<(String, SetValue)>,
    pub design: Design,
}

fn yes() -> bool {
    true
}

/// The design of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Design {
    /// Every combination of the listed values (the first parameter varies slowest).
    Grid { params: Vec<GridParam> },
    /// Every combination of factor levels; a level may set several paths.
    Factorial { factors: Vec<Factor> },
    /// `samples` points spread over the ranges by Latin hypercube sampling.
    LatinHypercube { samples: u32, ranges: Vec<Range> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Param")]
pub struct GridParam {
    pub path: String,
    /// Other paths set to the same value in every cell (e.g. a rule's
    /// `announced` moving with its `effective`).
    #[serde(default)]
    pub also: Vec<String>,
    pub values: Vec<SetValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Two or more levels; the first is the reference for effects.
    pub levels: Vec<Level>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub name: String,
    /// (path, value) overrides of this level; may be empty (the base world).
    #[serde(default)]
    pub set: Vec<(String, SetValue)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub path: String,
    /// Other paths set to the same sampled value.
    #[serde(default)]
    pub also: Vec<String>,
    /// Lower and upper bound: numbers, or months (`"2023-01"`) for a month field.
    /// Whole-number fields are sampled as integers.
    pub min: SetValue,
    pub max: SetValue,
}

/// One cell: the overrides that make its world, and its parameter values.
#[derive(Clone, Debug, PartialEq)]
pub struct CellPlan {
    /// `PATH=VALUE` overrides on top of the base world.
    pub sets: Vec<String>,
    pub values: Vec<String>,
    pub numeric: Vec<Option<f64>>,
    pub label: String,
}

/// A loaded, validated and expanded sweep.
#[derive(Clone, Debug)]
pub struct Plan {
    pub spec: SweepSpec,
    /// The base world after `set` and `months` (validated).
    pub base: World,
    pub design: DesignKind,
    pub params: Vec<Param>,
    pub factors: Vec<FactorInfo>,
    pub cells: Vec<CellPlan>,
    /// Where the sweep came from (for messages).
    pub origin: String,
}

impl Plan {
    pub fn runs(&self) -> u64 {
        self.cells.len() as u64 * self.spec.replicates as u64
    }

    /// Run id of (cell, replicate): cells in order, replicates within.
    pub fn run_id(&self, cell: u32, replicate: u32) -> u64 {
        cell as u64 * self.spec.replicates as u64 + replicate as u64
    }

    /// (cell, replicate) of a run id.
    pub fn cell_of(&self, run_id: u64) -> (u32, u32) {
        let r = self.spec.replicates as u64;
        ((run_id / r) as u32, (run_id % r) as u32)
    }

    /// Do the cells share seeds (replicate r of every cell the same)? Never
    /// for a Latin hypercube: its design points are the observations of the
    /// sensitivity analysis, so each point gets its own seeds whatever
    /// `common_random_numbers` says.
    pub fn common_random_numbers(&self) -> bool {
        self.spec.common_random_numbers && self.design != DesignKind::LatinHypercube
    }

    /// The seed of a run: from the master seed, the cell (unless common
    /// random numbers are on) and the replicate, never from scheduling.
    pub fn seed(&self, cell: u32, replicate: u32) -> u64 {
        run_seed(self.spec.seed, if self.common_random_numbers() { None } else { Some(cell) }, replicate)
    }

    /// The world of a cell (overrides applied; validated when the plan was made).
    pub fn cell_world(&self, cell: u32) -> Result<World, world::WorldError> {
        world::apply_overrides(self.base.clone(), &self.cells[cell as usize].sets)
    }

    /// The resolved sweep file: the spec with `world: "world.ron"`, to be
    /// written beside `world.ron` so the folder can be re-run or merged.
    pub fn resolved_ron(&self) -> String {
        let mut spec = self.spec.clone();
        spec.world = "world.ron".into();
        spec.months = Some(self.base.months);
        spec.set = Vec::new();
        let config = ron::ser::PrettyConfig::new().struct_names(true);
        let body = ron::ser::to_string_pretty(&spec, config).expect("a sweep always serializes to RON");
        format!("#![enable(implicit_some)]\n{body}\n")
    }
}

/// SplitMix64 finaliser: a bijective mix of 64 bits.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// seed = mix(mix(mix(master) ^ cell') ^ replicate), where cell' is the
/// cell index, or all ones under common random numbers.
pub fn run_seed(master: u64, cell: Option<u32>, replicate: u32) -> u64 {
    let c = cell.map_or(u64::MAX, u64::from);
    splitmix64(splitmix64(splitmix64(master) ^ c) ^ replicate as u64)
}

/// A sweep problem at a place in the file.
fn at(text: &str, origin: &str, needle: &str, msg: String) -> String {
    match locate(text, needle) {
        Some((line, col)) => format!("{origin}:{line}:{col}: {msg}"),
        None => format!("{origin}: {msg}"),
    }
}

/// 1-based line and column of the first `"needle"` (quoted) in the text.
fn locate(text: &str, needle: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{needle}\"");
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if let Some(c) = code.find(&quoted) {
            return Some((i + 1, code[..c].chars().count() + 1));
        }
    }
    None
}

/// Every problem of a sweep file, already located and worded.
#[derive(Debug)]
pub struct SweepProblems {
    pub origin: String,
    pub problems: Vec<String>,
}

impl std::fmt::Display for SweepProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.problems.len();
        if n == 1 {
            return write!(f, "{}", self.problems[0]);
        }
        write!(f, "{}: {n} problems in the sweep:", self.origin)?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SweepProblems {}

/// The sweeps shipped with chipban, embedded in the binary: (file name, text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("ban_timing.ron", include_str!("../../sweeps/ban_timing.ron")),
    ("li_factors.ron", include_str!("../../sweeps/li_factors.ron")),
    ("sensitivity.ron", include_str!("../../sweeps/sensitivity.ron")),
];

/// Read and parse a sweep file, load its world, validate (under the
/// default size limits), and expand the design.
pub fn load_plan(path: &Path) -> Result<Plan, SweepProblems> {
    load_plan_with(path, SizePolicy::DEFAULT)
}

/// [`load_plan`] with the size limits of `policy` (`--allow-large`).
pub fn load_plan_with(path: &Path, policy: SizePolicy) -> Result<Plan, SweepProblems> {
    let origin = path.display().to_string();
    let one = |msg: String| SweepProblems { origin: origin.clone(), problems: vec![msg] };
    let text = world::read_spec_file(path, "sweep file").map_err(|e| one(format!("{origin}: {e}")))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    plan_text(&text, &origin, dir, policy)
}

/// A sweep named on the command line: the file `arg` if it exists, else
/// the built-in sweep of that name (`li_factors`, `li_factors.ron` or
/// `sweeps/li_factors.ron`). A built-in sweep's `world` path starts at
/// `sweeps/` of the current folder, as if the sweep were there: an existing
/// `worlds/baseline.ron` is read, else the built-in world of that file name.
pub fn load_plan_named(arg: &Path, policy: SizePolicy) -> Result<Plan, SweepProblems> {
    match world::shipped::find(arg, SHIPPED, "sweeps") {
        Some(world::Source::File(path)) => load_plan_with(&path, policy),
        Some(source @ world::Source::Builtin { text, .. }) => {
            plan_text(text, &source.label(), Path::new("sweeps"), policy)
        }
        None => {
            let origin = arg.display().to_string();
            let problems = vec![format!("{origin}: {}", world::shipped::not_found("sweep", SHIPPED))];
            Err(SweepProblems { origin, problems })
        }
    }
}

/// Parse a sweep's text (from `origin`; relative world paths start at `dir`), then [`plan`].
fn plan_text(text: &str, origin: &str, dir: &Path, policy: SizePolicy) -> Result<Plan, SweepProblems> {
    let one = |msg: String| SweepProblems { origin: origin.to_string(), problems: vec![msg] };
    let spec: SweepSpec = world::ron_options()
        .from_str(text)
        .map_err(|e| one(world::syntax_error(&e, text, origin).to_string()))?;
    plan(spec, text, origin, dir, policy)
}

/// The base world of a sweep: the file `dir/world` if it exists, else the
/// built-in world of that file name (`../worlds/baseline.ron` →
/// `baseline.ron`), else the file's error. Returns the world and its label.
/// (`sweeps/../worlds/x.ron` is also tried as `worlds/x.ron`, for a
/// built-in sweep run where there is no `sweeps/` folder.)
fn sweep_world(dir: &Path, world_path: &str) -> Result<(World, String), world::WorldError> {
    let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let joined = dir.join(world_path);
    let path = match world::shipped::lexical(&joined) {
        short if !exists(&joined) && exists(&short) => short,
        _ => joined,
    };
    if !exists(&path) {
        let name = path.file_name().map(Path::new);
        if let Some((file, text)) =
            name.and_then(|n| world::shipped::builtin_named(n, world::SHIPPED, "worlds"))
        {
            let source = world::Source::Builtin { path: format!("worlds/{file}"), text };
            return Ok((world::load_source_values(&source)?, source.label()));
        }
    }
    let shown = path.display().to_string();
    world::load_file_values(&path).map(|w| (w, shown))
}

/// Validate and expand a parsed sweep. `text` is the file (for locating
/// problems); `dir` is where relative world paths start; sizes are checked
/// against the limits of `policy`.
pub fn plan(
    spec: SweepSpec,
    text: &str,
    origin: &str,
    dir: &Path,
    policy: SizePolicy,
) -> Result<Plan, SweepProblems> {
    let mut problems = Vec::new();
    let fail = |problems: Vec<String>| SweepProblems { origin: origin.to_string(), problems };
    if spec.name.trim().is_empty() {
        problems.push(format!("{origin}: `name` is empty: give the study a short name"));
    } else if !spec.name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        problems.push(at(
            text,
            origin,
            &spec.name,
            format!(
                "`name` \"{}\" may use only letters, digits, `-`, `_` and `.` (it names the output folder)",
                spec.name
            ),
        ));
    } else if let Some(why) = crate::world::unsafe_name(&spec.name) {
        problems.push(at(
            text,
            origin,
            &spec.name,
            format!("`name` \"{}\" {why} (it names the output folder)", spec.name),
        ));
    }
    if spec.replicates == 0 {
        problems.push(format!("{origin}: `replicates` is 0: use at least 1 run per cell (20 or more for intervals worth reading)"));
    }
    if spec.months == Some(0) {
        problems.push(format!("{origin}: `months` is 0: simulate at least 1 month"));
    }
    // The base world.
    let base = match sweep_world(dir, &spec.world) {
        Ok((w, world_origin)) => {
            let sets: Vec<String> =
                spec.set.iter().map(|(p, v)| format!("{p}={}", v.as_set_text())).collect();
            match world::apply_overrides(w, &sets) {
                Ok(mut w) => {
                    if let Some(m) = spec.months {
                        w.months = m;
                    }
                    match world::validate_with(&w, policy) {
                        Ok(()) => Some(w),
                        Err(e) => {
                            problems.push(format!(
                                "{origin}: the base world after `set` is not valid: {}",
                                e.with_origin(&world_origin)
                            ));
                            None
                        }
                    }
                }
                Err(e) => {
                    for (p, (path, _)) in e.problems().iter().zip(&spec.set) {
                        problems.push(at(text, origin, path, format!("in `set`: {p}")));
                    }
                    if e.problems().len() != spec.set.len() {
                        problems.push(format!("{origin}: in `set`: {e}"));
                    }
                    None
                }
            }
        }
        Err(e) => {
            problems.push(at(
                text,
                origin,
                &spec.world,
                format!(
                    "`world` \"{}\" cannot be used (paths start at the sweep file's folder): {e}",
                    spec.world
                ),
            ));
            None
        }
    };
    structural(&spec.design, text, origin, &mut problems);
    // The sizes, before the design is expanded (a grid of many long lists
    // multiplies to more cells than memory holds).
    let cells_n = cell_count(&spec.design);
    let what = match spec.design {
        Design::LatinHypercube { .. } => "`samples`",
        _ => "the design's cells",
    };
    let too_many_cells = limits::CELLS.check_with(policy, what, cells_n, "");
    let runs = cells_n.saturating_mul(spec.replicates as u64);
    let run_problem = limits::RUNS.check_with(policy, "cells x `replicates`", runs, "");
    let sized = too_many_cells.is_none() && run_problem.is_none();
    problems.extend(too_many_cells.into_iter().chain(run_problem).map(|p| format!("{origin}: {p}")));
    let Some(base) = base.filter(|_| sized) else {
        return Err(fail(problems));
    };
    let before = problems.len();
    let expanded = match &spec.design {
        Design::Grid { params } => grid(params, &base, text, origin, &mut problems),
        Design::Factorial { factors } => factorial(factors),
        Design::LatinHypercube { samples, ranges } => {
            latin_hypercube(*samples, ranges, spec.seed, &base, text, origin, &mut problems)
        }
    };
    let (design, params, factors, cells) = expanded;
    // Overrides are checked one by one even when the design has other
    // problems, so that every bad path or value is reported in one go.
    let structure_ok = problems.len() == before && problems.is_empty();
    let firm_months =
        check_cells(&base, &cells, (text, origin), &spec.design, structure_ok, policy, &mut problems);
    if problems.is_empty() {
        // The whole study's work: every cell's firm-months × replicates.
        let per_run = limits::Estimate {
            firm_months: firm_months.div_ceil(cells.len().max(1) as u64),
            ..limits::estimate(&base)
        };
        let runs = cells.len() as u64 * spec.replicates as u64;
        problems.extend(
            limits::study_problems(policy, "cells x `replicates`", runs, &per_run)
                .into_iter()
                .map(|p| format!("{origin}: {p}")),
        );
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Ok(Plan { spec, base, design, params, factors, cells, origin: origin.to_string() })
}

/// 2023-10 → 2023.75.
pub fn decimal_year(m: Month) -> f64 {
    m.year() as f64 + (m.month() as f64 - 1.0) / 12.0
}

/// Apply every cell's overrides to the base world and validate it. Problems
/// of a single override are reported once at its path; problems of a whole
/// cell name the cell. At most 20 distinct problems are listed. Returns the
/// firm-months of one run of every cell, summed ([`limits::estimate`]).
fn check_cells(
    base: &World,
    cells: &[CellPlan],
    (text, origin): (&str, &str),
    design: &Design,
    whole_cells: bool,
    policy: SizePolicy,
    problems: &mut Vec<String>,
) -> u64 {
    const MAX: usize = 20;
    let mut firm_months = 0u64;
    let mut seen = std::collections::BTreeSet::new();
    let mut more = 0usize;
    // Single overrides first: a bad path or value is named where it is written.
    let mut singles: Vec<String> = cells.iter().flat_map(|c| c.sets.iter().cloned()).collect();
    singles.sort();
    singles.dedup();
    let mut bad_single = false;
    for set in &singles {
        let path = set.split_once('=').map_or(set.as_str(), |(p, _)| p);
        if let Err(e) = world::value_at(base, path) {
            // Grids and ranges report this already, in the same words.
            let msg = at(text, origin, path, format!("`{path}`: {e}"));
            if !problems.contains(&msg) {
                problems.push(msg);
            }
            bad_single = true;
            continue;
        }
        if let Err(e) = world::apply_overrides(base.clone(), std::slice::from_ref(set)) {
            bad_single = true;
            for p in e.problems() {
                let p = p.replace("--set ", "");
                let msg = at(
                    text,
                    origin,
                    path,
                    format!("`{set}` cannot be applied: {}", p.trim_start_matches(&format!("{set}: "))),
                );
                if seen.insert(msg.clone()) {
                    if problems.len() < MAX { problems.push(msg) } else { more += 1 }
                }
            }
        }
    }
    if bad_single || !whole_cells {
        if more > 0 {
            problems.push(format!("... and {more} more"));
        }
        return firm_months;
    }
    let what = match design {
        Design::Grid { .. } => "cell",
        Design::Factorial { .. } => "cell",
        Design::LatinHypercube { .. } => "sample",
    };
    for (i, c) in cells.iter().enumerate() {
        let checked = world::apply_overrides(base.clone(), &c.sets).map_err(|e| e.problems()).and_then(|w| {
            firm_months = firm_months.saturating_add(limits::estimate(&w).firm_months);
            world::validate_with(&w, policy).map_err(|e| e.problems())
        });
        if let Err(ps) = checked {
            for p in ps {
                let msg = format!("{origin}: {what} {} ({}) makes an invalid world: {p}", i + 1, c.label);
                if seen.insert(p.clone()) {
                    if problems.len() < MAX { problems.push(msg) } else { more += 1 }
                }
            }
        }
    }
    if more > 0 {
        problems.push(format!("... and {more} more"));
    }
    firm_months
}
