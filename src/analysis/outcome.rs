//! The outcomes of one run that studies and comparisons measure: one enum,
//! one table row per outcome (its `runs.csv` column, label and unit, the
//! longer wordings the charts and reports use, and how its numbers read).
//! The column order here is the column order of `runs.csv`, the journal and
//! `pairs.csv`. Turning a value into text is the view's job
//! (`view::format::outcome_value` / `outcome_diff`), by [`Reading`]; this
//! module computes nothing and formats nothing.

/// How the numbers of an outcome read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// A count or an amount: about three significant digits.
    Number,
    /// An HHI (0–10,000): a whole number with separators.
    Hhi,
    /// A fraction 0..1: two decimals (differences three).
    Fraction,
    /// 0/1 per run, so a mean is a share of runs: a percentage
    /// (differences in percentage points).
    ShareOfRuns,
}

/// One outcome column of `runs.csv`, in column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    FinalHhi,
    FinalCr4,
    FinalIndependentFirms,
    FinalIndependentLabs,
    PeakIndependentFirms,
    FinalStartupsAlive,
    FinalTop4ComputeShare,
    FinalComputeGini,
    FinalChipPriceIndex,
    FinalTokenPriceIndex,
    FinalTokenVolumeTtok,
    FinalWageIndex,
    FinalLoansOutstandingMusd,
    FinalBannedChipUnits,
    FinalTotalRevenueMusd,
    TotalEntries,
    TotalExits,
    TotalAcquisitions,
    TotalPivots,
    TotalTeamTransfers,
    TotalVcFundingMusd,
    Consolidated,
    MonthsToConsolidation,
}

/// The table row of an outcome.
struct Row {
    column: &'static str,
    label: &'static str,
    unit: &'static str,
    /// Label on a chart axis or panel (defaults to `label`).
    chart_label: Option<&'static str>,
    /// Unit on a chart axis (defaults to `unit`).
    chart_unit: Option<&'static str>,
    /// The outcome in a sentence: "the final HHI" (defaults to `label`).
    phrase: Option<&'static str>,
    /// A table heading (defaults to `label`).
    heading: Option<&'static str>,
    /// Unit of a difference on a chart ("" when no chart shows one).
    diff_unit: &'static str,
    reading: Reading,
}

const fn row(column: &'static str, label: &'static str, unit: &'static str, reading: Reading) -> Row {
    Row {
        column,
        label,
        unit,
        chart_label: None,
        chart_unit: None,
        phrase: None,
        heading: None,
        diff_unit: "",
        reading,
    }
}

use Reading::*;

impl Row {
    /// The row of an outcome the charts and reports show: its chart label
    /// (`None` = the label), then `[chart unit, phrase, heading, unit of a
    /// difference]`.
    const fn shown(self, chart_label: Option<&'static str>, words: [&'static str; 4]) -> Row {
        let [chart_unit, phrase, heading, diff_unit] = words;
        Row {
            chart_label,
            chart_unit: Some(chart_unit),
            phrase: Some(phrase),
            heading: Some(heading),
            diff_unit,
            ..self
        }
    }
}

/// One row per outcome, in [`Outcome::ALL`] order.
const ROWS: [Row; Outcome::COUNT] = [
    row("final_hhi", "final HHI", "HHI points (0-10,000)", Hhi)
        .shown(None, ["0–10,000", "the final HHI", "final HHI", "HHI points"]),
    row("final_cr4", "final CR4", "share of tokens served, 0..1", Fraction),
    row("final_independent_firms", "final independent firms", "firms", Number)
        .shown(None, ["firms", "the final number of independent firms", "final independent firms", "firms"]),
    row(
        "final_independent_labs",
        "final independent labs",
        "firms that train and serve their own model",
        Number,
    )
    .shown(
        None,
        ["labs", "the final number of independent foundation-model labs", "final independent labs", "labs"],
    ),
    row("peak_independent_firms", "peak independent firms", "firms", Number),
    row("final_startups_alive", "final start-ups alive", "firms", Number),
    row("final_top4_compute_share", "final top-4 compute share", "share, 0..1", Fraction),
    row("final_compute_gini", "final compute Gini", "0..1", Fraction),
    row("final_chip_price_index", "final chip price index", "start = 1", Number),
    row("final_token_price_index", "final token price index", "first month with volume = 1", Number),
    row("final_token_volume_ttok", "final monthly token volume", "T tokens/month", Number),
    row("final_wage_index", "final wage index", "start = 1", Number),
    row("final_loans_outstanding_musd", "final loans outstanding", "USD M", Number),
    row("final_banned_chip_units", "final banned chips held", "units", Number),
    row("final_total_revenue_musd", "final monthly AI revenue", "USD M/month", Number),
    row("total_entries", "entries", "firms over the run", Number),
    row("total_exits", "exits", "firms over the run", Number),
    row("total_acquisitions", "acquisitions", "deals over the run", Number),
    row("total_pivots", "pivots", "labs that pivoted to applications over the run", Number),
    row(
        "total_team_transfers",
        "team transfers",
        "labs that handed their team to a giant over the run",
        Number,
    ),
    row("total_vc_funding_musd", "VC funding", "USD M over the run", Number),
    row("consolidated", "consolidation phase reached", "1 = yes, 0 = no", ShareOfRuns).shown(
        Some("runs reaching a consolidation phase"),
        [
            "% of runs",
            "the share of runs that reach a consolidation phase",
            "consolidated (share of runs)",
            "pp",
        ],
    ),
    row(
        "months_to_consolidation",
        "months to consolidation",
        "months from the start (empty if none)",
        Number,
    )
    .shown(
        Some("restricted mean months to consolidation (never = horizon)"),
        [
            "months from the start",
            "the restricted mean months to consolidation",
            "months to consolidation (restricted mean; KM median)",
            "months",
        ],
    ),
];

impl Outcome {
    pub const COUNT: usize = 23;

    /// Every outcome in `runs.csv` column order.
    pub const ALL: [Outcome; Outcome::COUNT] = [
        Outcome::FinalHhi,
        Outcome::FinalCr4,
        Outcome::FinalIndependentFirms,
        Outcome::FinalIndependentLabs,
        Outcome::PeakIndependentFirms,
        Outcome::FinalStartupsAlive,
        Outcome::FinalTop4ComputeShare,
        Outcome::FinalComputeGini,
        Outcome::FinalChipPriceIndex,
        Outcome::FinalTokenPriceIndex,
        Outcome::FinalTokenVolumeTtok,
        Outcome::FinalWageIndex,
        Outcome::FinalLoansOutstandingMusd,
        Outcome::FinalBannedChipUnits,
        Outcome::FinalTotalRevenueMusd,
        Outcome::TotalEntries,
        Outcome::TotalExits,
        Outcome::TotalAcquisitions,
        Outcome::TotalPivots,
        Outcome::TotalTeamTransfers,
        Outcome::TotalVcFundingMusd,
        Outcome::Consolidated,
        Outcome::MonthsToConsolidation,
    ];

    fn row(self) -> &'static Row {
        &ROWS[self as usize]
    }

    /// Position in [`Outcome::ALL`] (and in a run's outcome values).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The outcome with this `runs.csv` column name.
    pub fn from_column(column: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.column() == column)
    }

    /// Column name in `runs.csv`, `cells.csv`, `effects.csv`, the journal.
    pub fn column(self) -> &'static str {
        self.row().column
    }

    /// Human label: `final HHI`.
    pub fn label(self) -> &'static str {
        self.row().label
    }

    /// Unit as the data files document it: `HHI points (0-10,000)`.
    pub fn unit(self) -> &'static str {
        self.row().unit
    }

    /// Label of a chart axis or panel.
    pub fn chart_label(self) -> &'static str {
        self.row().chart_label.unwrap_or(self.row().label)
    }

    /// Unit on a chart axis.
    pub fn chart_unit(self) -> &'static str {
        self.row().chart_unit.unwrap_or(self.row().unit)
    }

    /// The outcome named in a sentence: `the final HHI`.
    pub fn phrase(self) -> &'static str {
        self.row().phrase.unwrap_or(self.row().label)
    }

    /// A table heading.
    pub fn heading(self) -> &'static str {
        self.row().heading.unwrap_or(self.row().label)
    }

    /// Unit of a difference on a chart: `pp`, `firms`, `HHI points`.
    pub fn diff_unit(self) -> &'static str {
        self.row().diff_unit
    }

    /// How its numbers read.
    pub fn reading(self) -> Reading {
        self.row().reading
    }

    /// Factor that turns a value into what charts show (shares of runs as percent).
    pub fn chart_scale(self) -> f64 {
        if self.reading() == ShareOfRuns { 100.0 } else { 1.0 }
    }
}

/// The smallest change of an outcome that counts as material (docs/sweep.md,
/// "Material effects"): a fixed amount in the outcome's unit, or a share of
/// the control's mean (the reference cell of a factorial, world B of a
/// comparison).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    /// A fixed amount in the outcome's own unit.
    Absolute(f64),
    /// This fraction of |mean of the control|.
    OfControlMean(f64),
    /// This fraction of |mean of the control|, and at least one (a count:
    /// less than one firm or event is never material).
    CountOfControlMean(f64),
}

impl Threshold {
    /// The threshold in the outcome's unit, given the control's mean
    /// (`None` for a relative threshold without a control mean).
    pub fn resolve(self, control_mean: Option<f64>) -> Option<f64> {
        match self {
            Threshold::Absolute(t) => Some(t),
            Threshold::OfControlMean(f) => control_mean.map(|m| f * m.abs()),
            Threshold::CountOfControlMean(f) => control_mean.map(|m| (f * m.abs()).max(1.0)),
        }
    }
}

impl Outcome {
    /// The documented threshold of a material change, with [`Outcome::threshold_source`].
    pub fn threshold(self) -> Threshold {
        use Outcome::*;
        match self {
            // The 2023 US Merger Guidelines: a change of more than 100 points.
            FinalHhi => Threshold::Absolute(100.0),
            // Shares of a market or of compute, a Gini, a share of runs: 5 percentage points.
            FinalCr4 | FinalTop4ComputeShare | FinalComputeGini | Consolidated => Threshold::Absolute(0.05),
            // A quarter of a year.
            MonthsToConsolidation => Threshold::Absolute(3.0),
            // Counts of firms and events: 5% of the control, at least one.
            FinalIndependentFirms
            | FinalIndependentLabs
            | PeakIndependentFirms
            | FinalStartupsAlive
            | TotalEntries
            | TotalExits
            | TotalAcquisitions
            | TotalPivots
            | TotalTeamTransfers => Threshold::CountOfControlMean(0.05),
            // Indexes, volumes and money: 5% of the control.
            FinalChipPriceIndex
            | FinalTokenPriceIndex
            | FinalTokenVolumeTtok
            | FinalWageIndex
            | FinalLoansOutstandingMusd
            | FinalBannedChipUnits
            | FinalTotalRevenueMusd
            | TotalVcFundingMusd => Threshold::OfControlMean(0.05),
        }
    }

    /// Where the threshold comes from, in a few words.
    pub fn threshold_source(self) -> &'static str {
        use Outcome::*;
        match self {
            FinalHhi => "change in HHI of more than 100 points (US DOJ/FTC Merger Guidelines 2023, §2.1)",
            FinalCr4 | FinalTop4ComputeShare | FinalComputeGini => "5 percentage points of a 0..1 share",
            Consolidated => "5 percentage points of the share of runs",
            MonthsToConsolidation => "3 months (one quarter) of the restricted mean",
            FinalIndependentFirms | FinalIndependentLabs | PeakIndependentFirms | FinalStartupsAlive => {
                "5% of the control's mean number of firms, at least 1"
            }
            FinalLoansOutstandingMusd | FinalTotalRevenueMusd | TotalVcFundingMusd => {
                "5% of the control's mean (money)"
            }
            FinalChipPriceIndex | FinalTokenPriceIndex | FinalWageIndex => "5% of the control's mean index",
            FinalTokenVolumeTtok | FinalBannedChipUnits => "5% of the control's mean quantity",
            TotalEntries | TotalExits | TotalAcquisitions | TotalPivots | TotalTeamTransfers => {
                "5% of the control's mean count, at least 1"
            }
        }
    }

    /// A time to an event (empty when it never happened): summarised only
    /// by Kaplan–Meier and the restricted mean, never over the runs that
    /// had the event.
    pub fn is_time_to_event(self) -> bool {
        self == Outcome::MonthsToConsolidation
    }

    /// The value statistics use for a run's value `raw` over a `horizon`
    /// of months: for a time to an event the restricted time min(T, horizon)
    /// (a run without the event counts at the horizon), otherwise `raw`.
    pub fn analysed(self, raw: Option<f64>, horizon: u32) -> Option<f64> {
        if self.is_time_to_event() {
            Some(crate::analysis::survival::restricted_time(raw, horizon))
        } else {
            raw
        }
    }
}

impl TryFrom<&str> for Outcome {
    type Error = ();
    /// The outcome with this column name.
    fn try_from(column: &str) -> Result<Outcome, ()> {
        Outcome::from_column(column).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_enum_agree() {
        for (i, o) in Outcome::ALL.iter().enumerate() {
            assert_eq!(o.index(), i);
            assert_eq!(Outcome::from_column(o.column()), Some(*o));
        }
        assert_eq!(Outcome::from_column("nope"), None);
        assert_eq!(Outcome::ALL[0].column(), "final_hhi");
        assert_eq!(Outcome::MonthsToConsolidation.column(), "months_to_consolidation");
    }

    #[test]
    fn thresholds_resolve_against_the_control() {
        assert_eq!(Outcome::FinalHhi.threshold().resolve(None), Some(100.0));
        assert_eq!(Outcome::Consolidated.threshold().resolve(Some(0.3)), Some(0.05));
        let firms = Outcome::FinalIndependentFirms.threshold();
        assert_eq!(firms.resolve(None), None);
        assert!((firms.resolve(Some(-40.0)).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(Outcome::MonthsToConsolidation.threshold().resolve(None), Some(3.0));
        for o in Outcome::ALL {
            assert!(!o.threshold_source().is_empty());
        }
    }

    #[test]
    fn time_to_event_is_restricted_to_the_horizon() {
        let t = Outcome::MonthsToConsolidation;
        assert_eq!(t.analysed(None, 72), Some(72.0));
        assert_eq!(t.analysed(Some(30.0), 72), Some(30.0));
        assert_eq!(Outcome::FinalHhi.analysed(None, 72), None);
        assert_eq!(Outcome::FinalHhi.analysed(Some(5.0), 72), Some(5.0));
    }
}
