//! The facts of the consolidation test for one run (DESIGN §4, docs/data.md
//! §3.1), read from the output files: what the narration and the run report
//! both state. Pure: no formatting, no files. Since Model v2 the test counts
//! independent *labs* (firms serving their own foundation model,
//! `independent_labs` of months.csv: a firm that pivoted to applications has
//! left the market) and the HHI is that of the foundation-model (token)
//! market, as `chipban run` flags the `consolidating` months.

use crate::record::RunData;

/// The parameters of the consolidation test (DESIGN §4, docs/data.md §3.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TestParams {
    pub hhi_threshold: f64,
    pub drop_from_peak: f64,
    pub hold_months: u32,
}

/// A consolidation phase as the `consolidating` flags of months.csv show it:
/// first and last month (ticks, inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phase {
    pub start: u32,
    pub end: u32,
}

/// What one run shows about the consolidation test, all from the output
/// files: the parameters and the first phase come from summary.json, the
/// rest from months.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct Consolidation {
    pub params: TestParams,
    /// The first phase's start month as summary.json reports it.
    pub first_start: Option<u32>,
    /// Every phase, from the `consolidating` flags.
    pub phases: Vec<Phase>,
    /// Independent labs at their running peak up to each month: (peak, month of the peak).
    pub peak_before: Vec<(u32, u32)>,
    /// The overall peak of independent labs and its (first) month.
    pub peak: (u32, u32),
    /// Highest HHI and its (first) month.
    pub max_hhi: (f64, u32),
    /// First month with HHI at or above the threshold.
    pub first_hhi_above: Option<u32>,
    /// Largest fall of independent labs below their running peak (fraction) and its month.
    pub max_drop: (f64, u32),
    /// Longest run of consecutive months meeting both conditions: (length, first month).
    pub longest_run: (u32, u32),
    /// Whether that longest run reaches the last month (right-censored).
    pub longest_run_at_end: bool,
}

impl Consolidation {
    /// The facts of the test for a run.
    pub fn of(data: &RunData) -> Self {
        let test = &data.summary.consolidation.test;
        let params = TestParams {
            hhi_threshold: test.hhi_threshold,
            drop_from_peak: test.drop_from_peak,
            hold_months: test.hold_months,
        };
        let first_start = data.summary.consolidation.phase.as_ref().map(|p| p.start_month);

        let mut phases: Vec<Phase> = Vec::new();
        for m in &data.months {
            if m.consolidating == 1 {
                match phases.last_mut() {
                    Some(p) if p.end + 1 == m.month => p.end = m.month,
                    _ => phases.push(Phase { start: m.month, end: m.month }),
                }
            }
        }

        let mut peak_before = Vec::with_capacity(data.months.len());
        let mut peak = (0u32, 0u32);
        let mut max_hhi = (f64::NEG_INFINITY, 0u32);
        let mut first_hhi_above = None;
        let mut max_drop = (0.0f64, 0u32);
        let (mut run, mut run_start) = (0u32, 0u32);
        let mut longest_run = (0u32, 0u32);
        let mut longest_run_at_end = false;
        let last = data.months.last().map(|m| m.month).unwrap_or(0);
        for m in &data.months {
            if m.independent_labs > peak.0 {
                peak = (m.independent_labs, m.month);
            }
            peak_before.push(peak);
            if m.hhi > max_hhi.0 {
                max_hhi = (m.hhi, m.month);
            }
            let above = m.hhi >= params.hhi_threshold;
            if above && first_hhi_above.is_none() {
                first_hhi_above = Some(m.month);
            }
            let drop = if peak.0 > 0 { 1.0 - m.independent_labs as f64 / peak.0 as f64 } else { 0.0 };
            if drop > max_drop.0 + 1e-12 {
                max_drop = (drop, m.month);
            }
            let fell = m.independent_labs as f64 <= (1.0 - params.drop_from_peak) * peak.0 as f64 + 1e-9;
            if above && fell {
                if run == 0 {
                    run_start = m.month;
                }
                run += 1;
                if run > longest_run.0 {
                    longest_run = (run, run_start);
                    longest_run_at_end = m.month == last;
                } else if run == longest_run.0 && run_start == longest_run.1 {
                    longest_run_at_end = m.month == last;
                }
            } else {
                run = 0;
            }
        }
        if max_hhi.0 == f64::NEG_INFINITY {
            max_hhi = (0.0, 0);
        }
        Consolidation {
            params,
            first_start,
            phases,
            peak_before,
            peak,
            max_hhi,
            first_hhi_above,
            max_drop,
            longest_run,
            longest_run_at_end,
        }
    }

    /// The phase that starts at the first start summary.json reports (or the
    /// first flagged phase).
    pub fn first_phase(&self) -> Option<Phase> {
        self.first_start
            .map(|s| self.phases.iter().copied().find(|p| p.start == s).unwrap_or(Phase { start: s, end: s }))
    }

    /// Independent labs' running peak up to month `m` and the month it was reached.
    pub fn peak_at(&self, m: u32) -> (u32, u32) {
        self.peak_before.get(m as usize).copied().unwrap_or(self.peak)
    }
}

/// Hand-made runs for the unit tests of this module.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::record::{
        ConsolidationSummary, ConsolidationTest, EventRec, Finals, FirmRec, MonthRec, Payload, PhaseStart,
        RunData, RunSummary,
    };

    /// A run of `hhi.len()` months from 2022-01 with the given HHI and
    /// independent firms each month, one giant "G", and `events`.
    pub fn run(hhi: &[f64], firms: &[u32], consolidating: &[u8], events: Vec<EventRec>) -> RunData {
        let world = crate::baseline();
        let months: Vec<MonthRec> = (0..hhi.len())
            .map(|t| MonthRec {
                month: t as u32,
                date: world.start.plus(t as i32).to_string(),
                hhi: hhi[t],
                cr4: 0.9,
                independent_firms: firms[t],
                independent_labs: firms[t],
                startups_alive: firms[t].saturating_sub(1),
                entries: 0,
                exits: 0,
                acquisitions: 0,
                pivots: 0,
                team_transfers: 0,
                top4_compute_share: 0.9,
                compute_gini: 0.5,
                chip_price_index: 1.0,
                wage_index: 1.0,
                vc_funding_musd: 0.0,
                loans_outstanding_musd: 0.0,
                banned_chip_units: 0,
                total_revenue_musd: 100.0,
                token_volume_ttok: 10.0,
                token_price_usd_mtok: 1.0,
                token_price_index: 1.0,
                frontier_capability: 8.0,
                open_floor: 5.0,
                vacancies: 100,
                seekers: 100,
                consolidating: consolidating.get(t).copied().unwrap_or(0),
            })
            .collect();
        let firm_rows = months
            .iter()
            .map(|m| FirmRec {
                month: m.month,
                date: m.date.clone(),
                firm: "G".into(),
                tier: "giant".into(),
                status: "active".into(),
                owner: "G".into(),
                cash_musd: 1.0,
                debt_musd: 0.0,
                compute_pflops: 1.0,
                chip_units: 1,
                researchers: 1,
                capability: 1.0,
                benchmark: 1.0,
                revenue_musd: 50.0,
                share: 0.5,
                valuation_musd: 10.0,
            })
            .collect();
        let start = consolidating.iter().position(|c| *c == 1);
        let last = months.last();
        let summary = RunSummary {
            build: "0".into(),
            consolidation: ConsolidationSummary {
                phase: start
                    .map(|s| PhaseStart { start_date: months[s].date.clone(), start_month: s as u32 }),
                test: ConsolidationTest { drop_from_peak: 0.3, hhi_threshold: 1800.0, hold_months: 3 },
            },
            event_counts: Default::default(),
            finals: Finals {
                acquisitions: 0,
                banned_chip_units: 0,
                chip_price_index: 1.0,
                compute_gini: 0.5,
                consolidating: last.map_or(0, |m| m.consolidating),
                cr4: 0.9,
                entries: 0,
                exits: 0,
                hhi: last.map_or(0.0, |m| m.hhi),
                independent_firms: last.map_or(0, |m| m.independent_firms),
                loans_outstanding_musd: 0.0,
                startups_alive: last.map_or(0, |m| m.startups_alive),
                top4_compute_share: 0.9,
                total_revenue_musd: 100.0,
                vc_funding_musd: 0.0,
                wage_index: 1.0,
            },
            firms_entered: 1,
            months: months.len(),
            program: "chipban".into(),
            seed: 1,
            start: world.start.to_string(),
            version: "0".into(),
            world: "fixture".into(),
            world_hash: "0".into(),
        };
        RunData { world, months, firms: firm_rows, chips: Vec::new(), events, summary }
    }

    pub fn event(
        month: u32,
        actor: &str,
        target: &str,
        units: u64,
        amount: f64,
        payload: Payload,
    ) -> EventRec {
        EventRec {
            month,
            date: crate::world::Month::new(2022, 1).plus(month as i32).to_string(),
            actor: actor.into(),
            target: target.into(),
            units,
            amount_musd: amount,
            payload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consolidation_facts_of_a_hand_made_run() {
        // HHI crosses 1,800 in month 2; firms peak at 10 in month 1 and fall
        // to 7 (30% down) in month 4; both hold months 4..=6, then HHI drops.
        let hhi = [1500.0, 1700.0, 1850.0, 1900.0, 2000.0, 2100.0, 2050.0, 1700.0];
        let firms = [9, 10, 10, 9, 7, 7, 6, 6];
        let flags = [0, 0, 0, 0, 1, 1, 1, 0];
        let data = fixture::run(&hhi, &firms, &flags, Vec::new());
        let c = Consolidation::of(&data);
        assert_eq!(c.params, TestParams { hhi_threshold: 1800.0, drop_from_peak: 0.3, hold_months: 3 });
        assert_eq!(c.first_start, Some(4));
        assert_eq!(c.phases, vec![Phase { start: 4, end: 6 }]);
        assert_eq!(c.first_phase(), Some(Phase { start: 4, end: 6 }));
        assert_eq!(c.peak, (10, 1));
        assert_eq!(c.peak_at(0), (9, 0));
        assert_eq!(c.max_hhi, (2100.0, 5));
        assert_eq!(c.first_hhi_above, Some(2));
        assert!((c.max_drop.0 - 0.4).abs() < 1e-12 && c.max_drop.1 == 6);
        assert_eq!(c.longest_run, (3, 4));
        assert!(!c.longest_run_at_end);
    }

    #[test]
    fn the_test_counts_labs_not_application_firms() {
        // labs fall 10 -> 6 while pivoted firms keep the firm count at 10:
        // the fall the test sees is that of the labs
        let hhi = [2000.0; 4];
        let labs = [10, 10, 7, 6];
        let mut data = fixture::run(&hhi, &labs, &[], Vec::new());
        for m in &mut data.months {
            m.independent_firms = 10;
        }
        let c = Consolidation::of(&data);
        assert_eq!(c.peak, (10, 0));
        assert!((c.max_drop.0 - 0.4).abs() < 1e-12 && c.max_drop.1 == 3);
        assert_eq!(c.longest_run, (2, 2));
    }

    #[test]
    fn a_run_cut_off_before_the_hold() {
        let hhi = [2000.0, 2000.0, 2000.0, 2000.0];
        let firms = [10, 10, 7, 6];
        let data = fixture::run(&hhi, &firms, &[], Vec::new());
        let c = Consolidation::of(&data);
        assert_eq!(c.first_start, None);
        assert!(c.phases.is_empty());
        assert_eq!(c.first_hhi_above, Some(0));
        assert_eq!(c.longest_run, (2, 2));
        assert!(c.longest_run_at_end);
    }
}
