//! Charts of a run, rendered with plotters from the run's output folder
//! (`record::RunData`): one module per family, one shared theme. Each chart
//! is written as PNG and SVG into `<out>/charts/`.

pub mod common;
pub mod compute;
pub mod concentration;
pub mod firms;
pub mod funding;
pub mod lorenz;
pub mod market_shares;
pub mod talent;
pub mod timeline;

use crate::record::RunData;
use crate::view::theme::Rendered;

/// The chart families, in the order the report shows them.
pub const NAMES: [&str; 8] =
    ["concentration", "firms", "market_shares", "compute", "funding", "talent", "lorenz", "timeline"];

/// Render every chart of a run in memory.
pub fn render_all(data: &RunData) -> Result<Vec<Rendered>, String> {
    Ok(vec![
        crate::render_chart!("concentration", concentration, data)?,
        crate::render_chart!("firms", firms, data)?,
        crate::render_chart!("market_shares", market_shares, data)?,
        crate::render_chart!("compute", compute, data)?,
        crate::render_chart!("funding", funding, data)?,
        crate::render_chart!("talent", talent, data)?,
        crate::render_chart!("lorenz", lorenz, data)?,
        crate::render_chart!("timeline", timeline, data)?,
    ])
}
