//! The aggregated result of a sweep: what `runs.csv`, `cells.csv`,
//! `bands.csv` and `effects.csv` hold, in memory. Charts and the study
//! report are made from a [`Study`] alone.

use crate::analysis::materiality::Materiality;
use crate::analysis::outcome::Outcome;
use crate::world::Month;

/// Which kind of design produced the cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesignKind {
    Grid,
    Factorial,
    LatinHypercube,
}

impl DesignKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DesignKind::Grid => "grid",
            DesignKind::Factorial => "factorial",
            DesignKind::LatinHypercube => "latin_hypercube",
        }
    }
}

/// What kind of values a parameter column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A number (integer or real).
    Number,
    /// A calendar month `YYYY-MM`; its numeric value is the decimal year
    /// (2023-10 → 2023.75).
    Month,
    /// A named level of a factorial factor ("low", "high"); its numeric
    /// value is the level's index.
    Level,
    /// Anything else (an enum, a name): no numeric value.
    Text,
}

/// One parameter column of `runs.csv` (a grid path, a factor, or a
/// Latin-hypercube range).
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Column name in the CSV files: the world path (`market.inertia`) or
    /// the factor name (`chip_scarcity`).
    pub column: String,
    pub kind: ParamKind,
}

/// One cell of the design: one combination of parameter values.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub id: u32,
    /// The value of each parameter (same order as `Study::params`), as
    /// written in `runs.csv`.
    pub values: Vec<String>,
    /// The numeric value of each parameter, where it has one.
    pub numeric: Vec<Option<f64>>,
    /// Short human label, e.g. `effective=2023-10, capacity=11000`.
    pub label: String,
}

/// The monthly metrics kept per run for fan charts (`bands.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Hhi,
    IndependentFirms,
    Cr4,
}

impl Metric {
    pub const ALL: [Metric; 3] = [Metric::Hhi, Metric::IndependentFirms, Metric::Cr4];
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Hhi => "hhi",
            Metric::IndependentFirms => "independent_firms",
            Metric::Cr4 => "cr4",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Metric::Hhi => "HHI",
            Metric::IndependentFirms => "independent firms",
            Metric::Cr4 => "CR4",
        }
    }
}

/// One finished run, as the journal holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    pub run_id: u64,
    pub cell: u32,
    pub replicate: u32,
    pub seed: u64,
    /// One value per outcome, indexed like [`Outcome::ALL`]; `None` = empty (no consolidation).
    pub outcomes: Vec<Option<f64>>,
    /// Monthly paths, one value per month, indexed like [`Metric::ALL`].
    pub paths: [Vec<f64>; 3],
}

/// Descriptive statistics of one sample. With n = 0 every field is `None`;
/// with n = 1 `sd` and the interval are `None`.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Summary {
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    /// 95% confidence interval of the mean (Student t).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub p5: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

/// `cells.csv`: one outcome in one cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellStat {
    pub cell: u32,
    pub outcome: Outcome,
    pub summary: Summary,
}

/// One month of a fan chart.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct BandPoint {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// `bands.csv`: one metric of one group of runs over time.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// The cell, or `None` for "all runs" (Latin hypercube studies).
    pub cell: Option<u32>,
    /// The cell's label, or "all runs".
    pub group: String,
    pub metric: Metric,
    /// Runs in the group.
    pub n: usize,
    /// One point per month (tick 0..months).
    pub points: Vec<BandPoint>,
}

/// A factor of a factorial design and its level names (first = reference).
#[derive(Clone, Debug, PartialEq)]
pub struct FactorInfo {
    pub name: String,
    pub levels: Vec<String>,
}

/// `effects.csv` for a factorial: a main effect or an interaction on one outcome.
///
/// Effects are contrasts against each factor's first (reference) level,
/// averaged over the levels of the other factors: a main effect is
/// y(level) − y(reference); a two-way interaction is
/// y(a,b) − y(a,0) − y(0,b) + y(0,0), i.e. what the two together add
/// beyond the sum of each alone; three-way likewise by inclusion–exclusion.
/// The estimate is the mean over replicates of the per-replicate contrast,
/// with a Student t 95% interval over replicates (n = replicates, the
/// number of seeds: under common random numbers the cells of a replicate
/// share one seed, so the replicate, not the run, is the unit). A time to
/// an event enters as the restricted time min(T, horizon), so its effect
/// is a difference of restricted means over every replicate.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// e.g. `chip_scarcity`, `chip_scarcity x talent_demand`, or
    /// `chip_scarcity=high` when a factor has more than two levels.
    pub term: String,
    /// Indexes into `Study::factors`.
    pub factors: Vec<usize>,
    /// The non-reference level of each factor in `factors`.
    pub levels: Vec<usize>,
    /// 1 = main effect, 2 = two-way interaction, 3 = three-way.
    pub order: u32,
    pub outcome: Outcome,
    /// Replicates with a value for every cell the contrast needs.
    pub n: usize,
    pub estimate: Option<f64>,
    pub se: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// The threshold of a material change in the outcome's unit
    /// (`Outcome::threshold` against the reference cell's mean).
    pub threshold: Option<f64>,
    /// Material, detectable but small, negligible or inconclusive.
    pub materiality: Option<Materiality>,
}

/// `effects.csv` for a Latin hypercube: how one parameter moves one outcome.
/// Each design point has its own seeds; its replicates are averaged, so the
/// observations are the design points (n = points with a value), never the
/// runs. A time to an event enters as the point's restricted mean time.
#[derive(Clone, Debug, PartialEq)]
pub struct Sensitivity {
    /// Index into `Study::params`.
    pub param: usize,
    pub outcome: Outcome,
    /// Design points with a value for the outcome.
    pub n: usize,
    /// Spearman rank correlation of parameter and outcome.
    pub spearman: Option<f64>,
    /// 95% interval of the rank correlation (Fisher z, Fieller's 1.06 variance).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Standardised regression coefficient (all parameters together, OLS).
    pub src: Option<f64>,
    /// R² of that linear model for the outcome (same on every row of an outcome).
    pub r2: Option<f64>,
}

/// Everything a finished sweep produced.
#[derive(Clone, Debug)]
pub struct Study {
    pub name: String,
    pub description: String,
    /// Name of the base world.
    pub world_name: String,
    /// First simulated month and number of months of every run.
    pub start: Month,
    pub months: u32,
    pub master_seed: u64,
    pub replicates: u32,
    pub design: DesignKind,
    /// Replicate r of every cell uses the same seed (never for a Latin
    /// hypercube, whose points each have their own seeds).
    pub common_random_numbers: bool,
    pub params: Vec<Param>,
    /// A readable name and unit per parameter (same order as `params`;
    /// `study::label`): "Ascend 910B supply (units/month)", never a path.
    pub labels: Vec<super::label::ParamLabel>,
    pub cells: Vec<Cell>,
    /// Factorial designs only.
    pub factors: Vec<FactorInfo>,
    /// Every run, sorted by `run_id`.
    pub runs: Vec<RunResult>,
    /// Sorted by (cell, outcome). A time to an event is summarised by the
    /// restricted times min(T, horizon) of all the cell's runs; an outcome
    /// in [`Study::constant`] has no sd and no interval.
    pub cell_stats: Vec<CellStat>,
    /// Outcomes with the same value in every run of the study, with that
    /// value: no interval, effect, correlation or SRC is computed for them.
    pub constant: Vec<(Outcome, f64)>,
    /// Kaplan–Meier median months to consolidation per cell (`None`: fewer
    /// than half the cell's runs consolidate).
    pub km_median: Vec<Option<u32>>,
    /// Per cell for grids and factorials; one group of all runs for Latin hypercubes.
    pub bands: Vec<Band>,
    /// Factorial designs only.
    pub effects: Vec<Effect>,
    /// Latin hypercube designs only.
    pub sensitivity: Vec<Sensitivity>,
}

impl Study {
    /// `YYYY-MM` of a tick.
    pub fn date(&self, month: u32) -> String {
        self.start.plus(month as i32).to_string()
    }

    /// The statistics of `outcome` (an [`Outcome`], or its column name) in `cell`.
    pub fn stat<O: TryInto<Outcome>>(&self, cell: u32, outcome: O) -> Option<&Summary> {
        let outcome = outcome.try_into().ok()?;
        self.cell_stats.iter().find(|s| s.cell == cell && s.outcome == outcome).map(|s| &s.summary)
    }

    /// The value of an outcome that is the same in every run, if it is.
    pub fn constant_value(&self, outcome: Outcome) -> Option<f64> {
        self.constant.iter().find(|(o, _)| *o == outcome).map(|(_, v)| *v)
    }

    /// The readable label of parameter `p` (a cleaned column name when the
    /// study has no label for it).
    pub fn label(&self, p: usize) -> super::label::ParamLabel {
        match self.labels.get(p) {
            Some(l) => l.clone(),
            None => {
                super::label::ParamLabel::plain(self.params.get(p).map_or("parameter", |x| x.column.as_str()))
            }
        }
    }

    /// The band of `metric` for `cell` (`None` = the all-runs group).
    pub fn band(&self, cell: Option<u32>, metric: Metric) -> Option<&Band> {
        self.bands.iter().find(|b| b.cell == cell && b.metric == metric)
    }
}
