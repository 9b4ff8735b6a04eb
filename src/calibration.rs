//! History-friendly calibration: what the baseline must reproduce of the
//! documented record up to late 2023 (DESIGN §4), measured on a run's
//! record, and `chipban calibrate`, which measures them over many
//! replicates. docs/calibration.md gives the sources and how the
//! parameters were chosen; tests/calibration.rs fails if the baseline
//! drifts out of the ranges.

use crate::analysis::stats;
use crate::record::{EventKind, Payload, Record};
use crate::sim::output::SimError;
use crate::study::spec::run_seed;
use crate::world::{Month, Tier, World};

/// One calibration target.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub key: &'static str,
    pub what: &'static str,
    pub source: &'static str,
    pub unit: &'static str,
    /// Documented value (for the table).
    pub documented: &'static str,
    /// The accepted range for the mean over replicates.
    pub low: f64,
    pub high: f64,
    /// Must every replicate be in range (a fact, not an average)?
    pub every_run: bool,
}

pub const TARGETS: [Target; 9] = [
    Target {
        key: "giants_a800_units_for_2023",
        what: "A800 units the four giants ordered for delivery in 2023",
        source: "FT, 2023-08-09: ~100,000 A800 for 2023 delivery",
        unit: "units",
        documented: "~100,000",
        low: 70_000.0,
        high: 130_000.0,
        every_run: false,
    },
    Target {
        key: "giants_a800_musd_for_2023",
        what: "what those A800 orders cost",
        source: "FT, 2023-08-09: ~$1bn",
        unit: "USD M",
        documented: "~1,000",
        low: 700.0,
        high: 1_500.0,
        every_run: false,
    },
    Target {
        key: "giants_nvidia_musd_for_2024",
        what: "Nvidia GPUs the four giants ordered for delivery in 2024",
        source: "FT, 2023-08-09: a further ~$4bn of GPUs for 2024 delivery",
        unit: "USD M",
        documented: "~4,000",
        low: 2_500.0,
        high: 6_000.0,
        every_run: false,
    },
    Target {
        key: "others_share_of_soon_banned_orders_when_giants_know",
        what: "other firms' share of A800+H800 units ordered in 2023-06 (the giants know of the rule: 4 months' foresight) relative to their share in 2023-02..05 — the giants' rush crowds them out of the capped supply",
        source: "Robin Li, 2023-11-21: stocked for the next year or two; FT 2023-08-09: rush orders ahead of tighter rules",
        unit: "ratio",
        documented: "< 1 (a rush before the rule)",
        low: 0.0,
        high: 0.6,
        every_run: false,
    },
    Target {
        key: "a800_h800_legal_deliveries_after_rule",
        what: "A800/H800 units delivered through legal channels from 2023-11 on",
        source: "BIS rule of 2023-10-17, enforced from 2023-10-23 (Nvidia 8-K, 2023-10-24)",
        unit: "units",
        documented: "0",
        low: 0.0,
        high: 0.0,
        every_run: true,
    },
    Target {
        key: "zero_one_ai_loans_2023_musd",
        what: "chip-backed loans 01.AI took in 2023",
        source: "Bloomberg, 2023-11-05 / Bloomberg TV 2023-11-10: chips bought with loans before the rule",
        unit: "USD M",
        documented: "> 0 (amount not disclosed)",
        low: 1.0,
        high: 150.0,
        every_run: true,
    },
    Target {
        key: "zero_one_ai_first_billion_round",
        what: "month of 01.AI's first round valuing it at >= $1bn",
        source: "Bloomberg, 2023-11-05: valued above $1bn after a round led by Alibaba",
        unit: "month",
        documented: "2023-11",
        // 2023-09 .. 2024-01, as months since 2022-01 (see `month_value`).
        low: 20.0,
        high: 24.0,
        every_run: false,
    },
    Target {
        key: "zero_one_ai_prerule_loans_repaid_by_2024_06",
        what: "share of the loans 01.AI took before the 2023-10 rule that it repaid by 2024-06",
        source: "DESIGN §4: loans repaid after the $1bn valuation",
        unit: "share",
        documented: "1 (all)",
        low: 0.999,
        high: 1.0,
        every_run: false,
    },
    Target {
        key: "llm_developers_2023_peak",
        what: "most independent AI firms active in any month of 2023",
        source: "~130 Chinese LLMs by 2023-09 (ISTIC report via Xinhua, 2023-10; the 'war of a hundred models')",
        unit: "firms",
        documented: "100-150",
        low: 100.0,
        high: 150.0,
        every_run: false,
    },
];

/// A month as a number for the ranges: months since 2022-01.
pub fn month_value(m: Month) -> f64 {
    m.since(Month::new(2022, 1)) as f64
}

/// Measure every target on one run of a world like the baseline (2022-01
/// start, the four giants, 01.AI). `None` where the run holds nothing to
/// measure (e.g. 01.AI never reached $1bn).
pub fn measure(r: &Record) -> Vec<Option<f64>> {
    let w = &r.world;
    let giants: Vec<&str> =
        w.firms.iter().filter(|f| f.tier == Tier::Giant).map(|f| f.name.as_str()).collect();
    let is_giant = |n: &str| giants.contains(&n);
    let domestic: Vec<&str> =
        w.chips.suppliers.iter().filter(|s| s.domestic).map(|s| s.name.as_str()).collect();
    let date = |t: u32| w.start.plus(t as i32);
    let (mut a800_units, mut a800_musd, mut nv_2024) = (0.0, 0.0, 0.0);
    // Units of A800+H800 ordered by [giants, everyone] before and after the giants learn of the rule.
    let (mut early, mut late) = ([0.0f64; 2], [0.0f64; 2]);
    let mut after_rule = 0.0;
    let mut loans_2023 = 0.0;
    let mut loans_before_rule = 0.0;
    let mut first_billion: Option<Month> = None;
    let rule = Month::new(2023, 11);
    for e in &r.events {
        let m = date(e.month);
        match &e.payload {
            Payload::ChipOrder { due } if is_giant(&e.actor) => {
                if &*e.target == "A800" && due.year() == 2023 {
                    a800_units += e.units as f64;
                    a800_musd += e.amount_musd;
                }
                if !domestic.contains(&&*e.target) && due.year() == 2024 {
                    nv_2024 += e.amount_musd;
                }
            }
            _ => {}
        }
        if e.kind() == EventKind::ChipOrder && (&*e.target == "A800" || &*e.target == "H800") {
            // Orders for delivery before 2023-10 (3-month lead time) are
            // possible until 2023-06, the month the giants learn of the rule.
            let g = if is_giant(&e.actor) { 0 } else { 1 };
            if m >= Month::new(2023, 2) && m <= Month::new(2023, 5) {
                early[g] += e.units as f64;
            } else if m == Month::new(2023, 6) {
                late[g] += e.units as f64;
            }
        }
        match &e.payload {
            Payload::ChipDelivery { grey_market: false }
                if (&*e.target == "A800" || &*e.target == "H800") && m >= rule =>
            {
                after_rule += e.units as f64;
            }
            Payload::Loan { .. } if &*e.target == "01.AI" && m.year() == 2023 => {
                loans_2023 += e.amount_musd;
                if m < Month::new(2023, 10) {
                    loans_before_rule += e.amount_musd;
                }
            }
            Payload::FundingRound { post_money_musd }
                if &*e.target == "01.AI" && first_billion.is_none() && *post_money_musd >= 1000.0 =>
            {
                first_billion = Some(m);
            }
            _ => {}
        }
    }
    // Repayment of the loans taken before the rule: loans are repaid whole
    // and oldest first, so the share is the repaid principal up to 2024-06
    // over the principal borrowed before 2023-10, capped at 1.
    let repaid: f64 = r
        .events
        .iter()
        .filter(|e| {
            e.kind() == EventKind::LoanRepaid && &*e.actor == "01.AI" && date(e.month) <= Month::new(2024, 6)
        })
        .map(|e| e.amount_musd)
        .sum::<f64>()
        + 0.0; // an empty f64 sum is -0.0
    let peak_2023 = r
        .months
        .iter()
        .filter(|m| date(m.month).year() == 2023)
        .map(|m| m.independent_firms as f64)
        .fold(None, |acc: Option<f64>, v| Some(acc.map_or(v, |a| a.max(v))));
    vec![
        Some(a800_units),
        Some(a800_musd),
        Some(nv_2024),
        {
            let share = |x: [f64; 2]| if x[0] + x[1] > 0.0 { Some(x[1] / (x[0] + x[1])) } else { None };
            match (share(early), share(late)) {
                (Some(a), Some(b)) if a > 0.0 => Some(b / a),
                _ => None,
            }
        },
        Some(after_rule),
        Some(loans_2023),
        first_billion.map(month_value),
        if loans_before_rule > 0.0 { Some((repaid / loans_before_rule).min(1.0)) } else { None },
        peak_2023,
    ]
}

/// One target over the replicates.
#[derive(Clone, Debug)]
pub struct Measured {
    pub target: Target,
    /// Replicates with a value.
    pub n: usize,
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub ok: bool,
}

/// Run `world` `replicates` times (seeds from `master` as a sweep's
/// replicates) on `jobs` threads and measure every target.
pub fn calibrate(
    world: &World,
    replicates: u32,
    master: u64,
    jobs: usize,
) -> Result<Vec<Measured>, SimError> {
    let rows: Vec<Result<Vec<Option<f64>>, SimError>> =
        crate::analysis::parallel::map_indexed(replicates as usize, jobs, |r| {
            let mut w = world.clone();
            w.record.firm_panel = false;
            Ok(measure(&crate::sim::try_run(w, run_seed(master, None, r as u32))?))
        });
    // the first failed run in run order, whatever the threads did
    let rows = rows.into_iter().collect::<Result<Vec<_>, SimError>>()?;
    Ok(TARGETS
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let xs: Vec<f64> = rows.iter().filter_map(|v| v[i]).collect();
            let mean = stats::mean(&xs);
            let min = xs.iter().copied().reduce(f64::min);
            let max = xs.iter().copied().reduce(f64::max);
            let inside = |v: f64| v >= t.low && v <= t.high;
            let ok = xs.len() == rows.len()
                && mean.is_some_and(inside)
                && (!t.every_run || xs.iter().all(|v| inside(*v)));
            Measured { target: *t, n: xs.len(), mean, min, max, ok }
        })
        .collect())
}

/// A value as the table shows it (months as `YYYY-MM`).
pub fn show(t: &Target, v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if t.unit == "month" => {
            let whole = Month::new(2022, 1).plus(v.floor() as i32);
            if v.fract() == 0.0 { whole.to_string() } else { format!("{whole} (+{:.1})", v.fract()) }
        }
        Some(v) if t.unit == "ratio" || t.unit == "share" => format!("{v:.2}"),
        Some(v) => crate::view::format::thousands(v.round() as u64),
    }
}

/// The calibration table in Markdown.
pub fn table(rows: &[Measured], replicates: u32) -> String {
    let mut s = format!(
        "| target | documented | accepted range | model mean | model min–max ({replicates} runs) | ok |\n| --- | --- | --- | --- | --- | --- |\n"
    );
    for m in rows {
        let t = &m.target;
        let range = if t.high.is_infinite() {
            format!(">= {}", show(t, Some(t.low)))
        } else {
            format!("{} – {}", show(t, Some(t.low)), show(t, Some(t.high)))
        };
        let every = if t.every_run { " (every run)" } else { "" };
        s.push_str(&format!(
            "| {} ({}) | {} | {range}{every} | {} | {} – {} | {} |\n",
            t.what,
            t.unit,
            t.documented,
            show(t, m.mean),
            show(t, m.min),
            show(t, m.max),
            if m.ok { "yes" } else { "**no**" }
        ));
    }
    s
}
