//! Shared helpers for the benchmarks: a world builder that scales the
//! baseline to a given number of firms, investors and months.

#![allow(dead_code)]

use chipban::world::World;

/// Firms the talent-pool scale factor is relative to: pools are multiplied
/// by `firms / TALENT_FIRMS_PER_BASELINE` (×100 at 10,000 firms, ×10 at 1,000).
pub const TALENT_FIRMS_PER_BASELINE: f64 = 100.0;

/// The baseline world scaled to about `firms` firms and `investors` investors,
/// run for `months` months. Everything not listed here is kept as in the
/// baseline:
///
/// * `months` is set;
/// * the first firm cohort's `count` is set so named firms + cohorts = `firms`
///   (other cohorts, if any, are kept and counted);
/// * every cohort is founded uniformly in `[start, start + 24 months]`, so
///   most firms exist across the run;
/// * the first investor cohort's `count` is set (one is added, modelled on
///   the angel funds, if the baseline has none) so named investors +
///   cohorts = `investors`;
/// * each talent pool's `size` is multiplied by `firms / 100`.
pub fn scaled_world(firms: u32, investors: u32, months: u32) -> World {
    let mut w = chipban::baseline();
    w.name = format!("bench_{firms}_firms_{investors}_investors_{months}_months");
    w.months = months;

    // Firms: the first cohort absorbs the difference.
    assert!(!w.cohorts.is_empty(), "the baseline has no firm cohort to scale");
    let named = w.firms.len() as u32;
    let other_cohorts: u32 = w.cohorts.iter().skip(1).map(|c| c.count).sum();
    let fixed = named + other_cohorts;
    assert!(firms >= fixed, "need at least {fixed} firms (named + other cohorts)");
    w.cohorts[0].count = firms - fixed;
    let (from, to) = (w.start, w.start.plus(24));
    for c in &mut w.cohorts {
        c.founded_from = from;
        c.founded_to = to;
    }

    // Investors: the first investor cohort absorbs the difference.
    let named_inv = w.investors.len() as u32;
    if w.investor_cohorts.is_empty() {
        w.investor_cohorts.push(chipban::world::InvestorCohort {
            prefix: "Bench Angel".to_string(),
            count: 0,
            kind: chipban::world::InvestorKind::VentureFund,
            dry_powder_musd: chipban::world::Dist::LogNormal { median: 30.0, sigma: 0.7 },
            inflow_musd_month: chipban::world::Dist::LogNormal { median: 0.5, sigma: 0.7 },
            check_min_musd: 0.5,
            check_max_musd: 10.0,
            risk_appetite: chipban::world::Dist::Uniform(0.5, 0.9),
            leaderboard_trust: chipban::world::Dist::Uniform(0.3, 0.9),
        });
    }
    let other_inv: u32 = w.investor_cohorts.iter().skip(1).map(|c| c.count).sum();
    let fixed_inv = named_inv + other_inv;
    assert!(investors >= fixed_inv, "need at least {fixed_inv} investors (named + other cohorts)");
    w.investor_cohorts[0].count = investors - fixed_inv;

    // Talent: pools grow with the number of firms so firms can hire.
    let scale = firms as f64 / TALENT_FIRMS_PER_BASELINE;
    for p in &mut w.talent.pools {
        p.size = (p.size as f64 * scale).round() as u32;
    }
    w
}

/// Total firms (named + cohorts) and investors (named + cohorts) of a world.
pub fn population(w: &World) -> (u32, u32) {
    let firms = w.firms.len() as u32 + w.cohorts.iter().map(|c| c.count).sum::<u32>();
    let investors = w.investors.len() as u32 + w.investor_cohorts.iter().map(|c| c.count).sum::<u32>();
    (firms, investors)
}

/// CPU time (user + system) of the calling thread so far, seconds, from
/// `/proc/thread-self/stat` (10 ms ticks; NaN where unavailable). On a
/// shared machine it is a steadier figure than wall time: it counts only
/// the time this thread ran.
pub fn thread_cpu_seconds() -> f64 {
    stat_cpu_seconds("/proc/thread-self/stat")
}

/// CPU time (user + system) of this process, all threads, seconds.
pub fn process_cpu_seconds() -> f64 {
    stat_cpu_seconds("/proc/self/stat")
}

fn stat_cpu_seconds(path: &str) -> f64 {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    // the fields after the command name (which is in parentheses)
    let rest = text.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 (the first after the name is
    // field 3), in clock ticks of 1/100 s
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}
