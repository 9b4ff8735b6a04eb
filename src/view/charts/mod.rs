//! Charts of a run, rendered with plotters from the run's output folder
//! (`record::RunData`): one module per family, one shared theme. Each chart
//! is written as PNG and SVG into `<out>/charts/`. Names and titles are in
//! [`crate::view::registry`].

pub mod common;
pub mod compute;
pub mod concentration;
pub mod firms;
pub mod funding;
pub mod lorenz;
pub mod market_shares;
pub mod price_war;
pub mod talent;
pub mod timeline;

use crate::record::RunData;
use crate::view::registry::{self, ChartDef, ChartId, RunChart};
use crate::view::theme::Rendered;

/// The file names of a run's charts, in the registry's order.
pub fn names() -> Vec<&'static str> {
    registry::run_charts().map(|c| c.name).collect()
}

/// Render every chart of a run in memory, in the registry's order.
pub fn render_all(data: &RunData) -> Result<Vec<Rendered>, String> {
    registry::run_charts().map(|def| render(def, data)).collect()
}

/// Render one run chart.
fn render(def: &'static ChartDef, data: &RunData) -> Result<Rendered, String> {
    let ChartId::Run(id) = def.id else { unreachable!("run_charts() holds run charts only") };
    match id {
        RunChart::Concentration => crate::render_chart_hover!(def, concentration, data),
        RunChart::Firms => crate::render_chart_hover!(def, firms, data),
        RunChart::MarketShares => crate::render_chart_hover!(def, market_shares, data),
        RunChart::PriceWar => crate::render_chart_hover!(def, price_war, data),
        RunChart::Compute => crate::render_chart_hover!(def, compute, data),
        RunChart::Funding => crate::render_chart_hover!(def, funding, data),
        RunChart::Talent => crate::render_chart_hover!(def, talent, data),
        RunChart::Lorenz => crate::render_chart_hover!(def, lorenz, data),
        RunChart::Timeline => crate::render_chart_hover!(def, timeline, data),
    }
}
