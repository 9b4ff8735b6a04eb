//! What only run charts share: the months of the consolidation phase. The
//! time axis, rule markers, legends, text and numbers are in the view's
//! shared modules (`axis`, `rules`, `legend`, `text`, `format`).

use crate::record::RunData;

/// The months of the consolidation phase as (start, end) tick spans.
pub fn phase_spans(data: &RunData) -> Vec<(f64, f64)> {
    let mut spans = Vec::new();
    let mut start = None;
    for m in &data.months {
        match (m.consolidating == 1, start) {
            (true, None) => start = Some(m.month as f64),
            (false, Some(s)) => {
                spans.push((s, m.month as f64 - 0.5));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, data.months.len() as f64 - 1.0));
    }
    spans
}
