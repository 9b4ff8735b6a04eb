//! The chart registry: ONE table of every chart the program draws (a run's,
//! a study's and a comparison's), each with its id, file name and title.
//! Each family draws its charts by an exhaustive `match` on its id enum
//! ([`RunChart`], [`StudyChart`], [`CompareChart`]) and each report writes
//! its captions the same way, so a new or renamed chart cannot miss its
//! drawing, title or caption: the compiler says so. Nothing here draws.

/// A chart of one run (`chipban run`/`chart`), in the report's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunChart {
    Concentration,
    Firms,
    MarketShares,
    PriceWar,
    Compute,
    Funding,
    Talent,
    Lorenz,
    Timeline,
}

/// A chart of a study (`chipban sweep`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StudyChart {
    /// Fan chart of HHI (every design).
    FanHhi,
    /// Fan chart of independent firms (every design).
    FanFirms,
    /// Key outcomes against the parameter (grid of one parameter).
    OutcomeVsParam,
    /// Heat map of key outcomes over two parameters (grid of two parameters).
    Heatmap,
    /// Forest plot of main effects and interactions (factorial).
    Effects,
    /// Tornado of Spearman rank correlations (Latin hypercube).
    Sensitivity,
    /// Kaplan–Meier curves of the months to consolidation per level (grids).
    TimeToConsolidation,
}

/// A chart of a comparison (`chipban compare`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareChart {
    /// Fan chart of HHI, both worlds overlaid.
    FanHhi,
    /// Fan chart of independent firms, both worlds overlaid.
    FanFirms,
    /// Histograms of the per-replicate differences A − B.
    Paired,
    /// Kaplan–Meier curves of the time to consolidation.
    Survival,
}

/// Which chart, of which family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartId {
    Run(RunChart),
    Study(StudyChart),
    Compare(CompareChart),
}

/// One row of the registry.
#[derive(Debug)]
pub struct ChartDef {
    pub id: ChartId,
    /// File stem under `charts/` and the anchor in a report (`chart-NAME`).
    pub name: &'static str,
    /// Heading of the chart in a report.
    pub title: &'static str,
}

const fn def(id: ChartId, name: &'static str, title: &'static str) -> ChartDef {
    ChartDef { id, name, title }
}

use ChartId::{Compare, Run, Study};

/// Every chart, in the order a report shows each family.
pub const CHARTS: [ChartDef; 20] = [
    def(Run(RunChart::Concentration), "concentration", "Market concentration"),
    def(Run(RunChart::Firms), "firms", "How many firms"),
    def(Run(RunChart::MarketShares), "market_shares", "Market shares"),
    def(Run(RunChart::PriceWar), "price_war", "The price war"),
    def(Run(RunChart::Compute), "compute", "Compute and chips"),
    def(Run(RunChart::Funding), "funding", "Funding and chip-backed loans"),
    def(Run(RunChart::Talent), "talent", "Talent"),
    def(Run(RunChart::Lorenz), "lorenz", "Inequality of compute"),
    def(Run(RunChart::Timeline), "timeline", "Timeline"),
    def(Study(StudyChart::FanHhi), "fan_hhi", "Concentration over time"),
    def(Study(StudyChart::FanFirms), "fan_independent_firms", "Independent firms over time"),
    def(Study(StudyChart::OutcomeVsParam), "outcome_vs_param", "Outcomes against the parameter"),
    def(Study(StudyChart::Heatmap), "heatmap", "Outcomes over the grid"),
    def(Study(StudyChart::Effects), "effects", "Effects of the factors"),
    def(Study(StudyChart::Sensitivity), "sensitivity", "Sensitivity to the parameters"),
    def(Study(StudyChart::TimeToConsolidation), "time_to_consolidation", "Months to consolidation"),
    def(Compare(CompareChart::FanHhi), "compare_fan_hhi", "Concentration over time"),
    def(Compare(CompareChart::FanFirms), "compare_fan_independent_firms", "Independent firms over time"),
    def(Compare(CompareChart::Paired), "paired_differences", "Paired differences"),
    def(Compare(CompareChart::Survival), "survival", "Time to consolidation"),
];

/// The registry row of a chart.
pub fn chart(id: ChartId) -> &'static ChartDef {
    CHARTS.iter().find(|c| c.id == id).expect("every chart id has a row in CHARTS")
}

/// The registry row with this file name.
pub fn by_name(name: &str) -> Option<&'static ChartDef> {
    CHARTS.iter().find(|c| c.name == name)
}

/// The rows of one family, in order.
pub fn family(pick: impl Fn(ChartId) -> bool) -> impl Iterator<Item = &'static ChartDef> {
    CHARTS.iter().filter(move |c| pick(c.id))
}

/// Every run chart, in order.
pub fn run_charts() -> impl Iterator<Item = &'static ChartDef> {
    family(|id| matches!(id, Run(_)))
}

/// Every comparison chart, in order.
pub fn compare_charts() -> impl Iterator<Item = &'static ChartDef> {
    family(|id| matches!(id, Compare(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_id_has_one_row() {
        for (i, a) in CHARTS.iter().enumerate() {
            assert_eq!(chart(a.id).name, a.name);
            assert_eq!(by_name(a.name).map(|c| c.id), Some(a.id));
            for b in &CHARTS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.id, b.id);
            }
        }
        assert_eq!(run_charts().count(), 9);
        assert_eq!(compare_charts().count(), 4);
    }
}
