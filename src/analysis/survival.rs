//! Survival analysis of the time to an event (here: the start of a
//! consolidation phase) over many runs: the Kaplan–Meier curve, its median
//! and the restricted time. Pure functions of the event times; nothing here
//! knows about runs, outcomes or files.

/// One step of a Kaplan–Meier curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurvivalPoint {
    /// Tick (months from the start).
    pub month: u32,
    /// Runs still without the event at the start of the month.
    pub at_risk: usize,
    /// Runs whose event happened this month.
    pub events: usize,
    /// Share of runs still without the event at the end of the month.
    pub survival: f64,
}

/// Kaplan–Meier estimate, month by month over `months`, of the share of
/// runs without the event. `times[i]` is run i's event month, or `None`
/// when it never happened (censored at the horizon): Ŝ(t) = Π_{m ≤ t} (1 − d_m / n_m),
/// with d_m events in month m and n_m runs at risk at its start.
pub fn kaplan_meier(times: &[Option<f64>], months: u32) -> Vec<SurvivalPoint> {
    let mut events = vec![0usize; months as usize];
    for t in times.iter().flatten() {
        let t = *t as usize;
        if t < events.len() {
            events[t] += 1;
        }
    }
    let mut at_risk = times.len();
    let mut s = 1.0;
    let mut out = Vec::with_capacity(months as usize);
    for (m, &e) in events.iter().enumerate() {
        if at_risk > 0 {
            s *= 1.0 - e as f64 / at_risk as f64;
        }
        out.push(SurvivalPoint { month: m as u32, at_risk, events: e, survival: s });
        at_risk -= e;
    }
    out
}

/// The median time: the first month at which the curve is at or below one
/// half (`None` if fewer than half the runs have the event).
pub fn median_time(curve: &[SurvivalPoint]) -> Option<u32> {
    curve.iter().find(|p| p.survival <= 0.5).map(|p| p.month)
}

/// A run's restricted time to the event: min(T, horizon), with a run that
/// never has it counted at the horizon. As censoring happens only at the
/// horizon, the mean of these equals the area under the Kaplan–Meier curve
/// (the restricted mean survival time).
pub fn restricted_time(time: Option<f64>, horizon: u32) -> f64 {
    time.unwrap_or(horizon as f64).min(horizon as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kaplan_meier_with_censoring_at_the_horizon() {
        // 4 runs: events at 2, 2, 5, and one censored (never).
        let km = kaplan_meier(&[Some(2.0), Some(2.0), Some(5.0), None], 8);
        assert_eq!(km.len(), 8);
        assert_eq!(km[1].survival, 1.0);
        assert_eq!((km[2].at_risk, km[2].events), (4, 2));
        assert!((km[2].survival - 0.5).abs() < 1e-12);
        assert!((km[5].survival - 0.25).abs() < 1e-12);
        assert!((km[7].survival - 0.25).abs() < 1e-12, "the censored run keeps the curve above 0");
        assert_eq!(median_time(&km), Some(2));
    }

    #[test]
    fn no_events_no_median() {
        let km = kaplan_meier(&[None, None, Some(3.0)], 6);
        assert!((km[5].survival - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(median_time(&km), None);
        // an event past the horizon does not count
        assert_eq!(kaplan_meier(&[Some(9.0)], 6)[5].survival, 1.0);
    }

    #[test]
    fn restricted_mean_is_the_area_under_the_curve() {
        let times = [Some(2.0), Some(2.0), Some(5.0), None];
        let mean = times.iter().map(|t| restricted_time(*t, 8)).sum::<f64>() / 4.0;
        // area under the step curve: the share still without the event, summed over the months
        let area: f64 = kaplan_meier(&times, 8).iter().map(|p| p.survival).sum();
        assert!((mean - area).abs() < 1e-12, "{mean} vs {area}");
        assert_eq!(restricted_time(Some(12.0), 8), 8.0);
    }
}
