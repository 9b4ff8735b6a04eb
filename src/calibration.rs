//! History-friendly calibration: what the baseline must reproduce of the
//! documented record (DESIGN §4 up to late 2023; issue 12's price war, IDC
//! token volumes and 2024 venture rounds), measured on a run's record in
//! memory, and `chipban calibrate`, which measures them over many
//! replicates. docs/calibration.md gives the sources and how the
//! parameters were chosen; tests/calibration.rs fails if the baseline
//! drifts out of the ranges. It only reads records: it must not change a
//! run or the world it is given.

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
    /// The accepted range (for the mean over replicates, or for each run:
    /// see `accept`).
    pub low: f64,
    pub high: f64,
    pub accept: Accept,
}

impl Target {
    /// Whether one value is in the accepted range.
    pub fn contains(&self, v: f64) -> bool {
        v >= self.low && v <= self.high
    }
}

/// How the replicates must meet a target's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    /// The mean over replicates is in range (every run measured).
    Mean,
    /// The mean is in range and so is every replicate (a fact, not an average).
    EveryRun,
    /// More than half of the replicates are in range; a run where the target
    /// cannot be measured (e.g. no price cut at all) counts as out of range.
    MostRuns,
}

pub const TARGETS: [Target; 14] = [
    Target {
        key: "giants_a800_units_for_2023",
        what: "A800 units the four giants ordered for delivery in 2023",
        source: "FT, 2023-08-09: ~100,000 A800 for 2023 delivery",
        unit: "units",
        documented: "~100,000",
        low: 70_000.0,
        high: 130_000.0,
        accept: Accept::Mean,
    },
    Target {
        key: "giants_a800_musd_for_2023",
        what: "what those A800 orders cost",
        source: "FT, 2023-08-09: ~$1bn",
        unit: "USD M",
        documented: "~1,000",
        low: 700.0,
        high: 1_500.0,
        accept: Accept::Mean,
    },
    Target {
        key: "giants_nvidia_musd_for_2024",
        what: "Nvidia GPUs the four giants ordered for delivery in 2024",
        source: "FT, 2023-08-09: a further ~$4bn of GPUs for 2024 delivery",
        unit: "USD M",
        documented: "~4,000",
        low: 2_500.0,
        high: 6_000.0,
        accept: Accept::Mean,
    },
    Target {
        key: "others_share_of_soon_banned_orders_when_giants_know",
        what: "other firms' share of A800+H800 units ordered in 2023-06 (the giants know of the rule: 4 months' foresight) relative to their share in 2023-02..05 — the giants' rush crowds them out of the capped supply",
        source: "Robin Li, 2023-11-21: stocked for the next year or two; FT 2023-08-09: rush orders ahead of tighter rules",
        unit: "ratio",
        documented: "< 1 (a rush before the rule)",
        low: 0.0,
        high: 0.6,
        accept: Accept::Mean,
    },
    Target {
        key: "a800_h800_legal_deliveries_after_rule",
        what: "A800/H800 units delivered through legal channels from 2023-11 on",
        source: "BIS rule of 2023-10-17, enforced from 2023-10-23 (Nvidia 8-K, 2023-10-24)",
        unit: "units",
        documented: "0",
        low: 0.0,
        high: 0.0,
        accept: Accept::EveryRun,
    },
    Target {
        key: "zero_one_ai_loans_2023_musd",
        what: "chip-backed loans 01.AI took in 2023",
        source: "Bloomberg, 2023-11-05 / Bloomberg TV 2023-11-10: chips bought with loans before the rule",
        unit: "USD M",
        documented: "> 0 (amount not disclosed)",
        low: 1.0,
        high: 150.0,
        accept: Accept::EveryRun,
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
        accept: Accept::Mean,
    },
    Target {
        key: "zero_one_ai_prerule_loans_repaid_by_2024_06",
        what: "share of the loans 01.AI took before the 2023-10 rule that it repaid by 2024-06",
        source: "DESIGN §4: loans repaid after the $1bn valuation",
        unit: "share",
        documented: "1 (all)",
        low: 0.999,
        high: 1.0,
        accept: Accept::Mean,
    },
    Target {
        key: "llm_developers_2023_peak",
        what: "most independent AI firms active in any month of 2023",
        source: "~130 Chinese LLMs by 2023-09 (ISTIC report via Xinhua, 2023-10; the 'war of a hundred models')",
        unit: "firms",
        documented: "100-150",
        low: 100.0,
        high: 150.0,
        accept: Accept::Mean,
    },
    Target {
        key: "first_giant_defending_price_cut",
        what: "month of the first giant's price cut defending its share (a price_cut event of Baidu, ByteDance, Tencent or Alibaba marked defending)",
        source: "DeepSeek-V2 at 1 CNY/Mtok 2024-05-06; Doubao-pro 0.8 CNY/Mtok 2024-05-15; Qwen-Long -97% and ERNIE Speed/Lite free 2024-05-21 (issue 12)",
        unit: "month",
        documented: "2024-05",
        // 2024-02 .. 2024-09, as months since 2022-01 (see `month_value`).
        low: 25.0,
        high: 32.0,
        accept: Accept::MostRuns,
    },
    Target {
        key: "token_price_fall_6_months_after_first_cut",
        what: "fall of the token-price index (months.csv token_price_usd_mtok) within six months of that first cut: 1 - min(price in the cut month and the 6 after) / price in the month before; a run with no cut counts 0",
        source: "issue 12: list prices fell by up to 97% within weeks of 2024-05-21 (Qwen-Long 20 -> 0.5 CNY/Mtok; ERNIE Speed/Lite free)",
        unit: "share",
        documented: ">= 0.80",
        low: 0.8,
        high: f64::INFINITY,
        accept: Accept::Mean,
    },
    Target {
        key: "token_volume_2024_ttok",
        what: "tokens served in 2024 (sum of months.csv token_volume_ttok)",
        source: "IDC: China's public-cloud LLM calls reached about 114 trillion tokens in 2024 (issue 12)",
        unit: "T tokens",
        documented: "~114",
        low: 80.0,
        high: 150.0,
        accept: Accept::Mean,
    },
    Target {
        key: "token_volume_2025_h1_ttok",
        what: "tokens served in 2025-01..06 (sum of months.csv token_volume_ttok)",
        source: "IDC: about 537 trillion tokens in the first half of 2025 (issue 12)",
        unit: "T tokens",
        documented: "~537",
        low: 375.0,
        high: 700.0,
        accept: Accept::Mean,
    },
    Target {
        key: "tigers_share_of_2024_venture_money",
        what: "six tigers' (Zhipu AI, MiniMax, Moonshot AI, Baichuan, StepFun, 01.AI) share of the 2024 funding rounds' money to firms that are neither giants nor DeepSeek",
        source: "Moonshot ~$1bn 2024-02 led by Alibaba (Bloomberg); MiniMax ~$600M 2024-03; Baichuan ~$690M 2024-07; Zhipu several strategic rounds (issue 12)",
        unit: "share",
        documented: "most",
        low: 0.5,
        high: 1.0,
        accept: Accept::Mean,
    },
];

/// The "six AI tigers" (SCMP 2024-07), by their names in the baseline.
pub const TIGERS: [&str; 6] = ["Zhipu AI", "MiniMax", "Moonshot AI", "Baichuan", "StepFun", "01.AI"];

/// The lab funded by its parent hedge fund, not by venture capital (issue 12).
pub const PARENT_FUNDED: &str = "DeepSeek";

/// A month as a number for the ranges: months since 2022-01.
pub fn month_value(m: Month) -> f64 {
    m.since(Month::new(2022, 1)) as f64
}

/// Tick of the first `price_cut` event of a giant under the defend-and-match
/// rule (`defending: true`), if any.
pub fn first_defending_giant_cut(r: &Record) -> Option<u32> {
    let giant = |n: &str| r.world.firms.iter().any(|f| f.tier == Tier::Giant && f.name == n);
    r.events
        .iter()
        .filter(|e| matches!(e.payload, Payload::PriceCut { defending: true, .. }) && giant(&e.actor))
        .map(|e| e.month)
        .min()
}

/// Fall of the volume-weighted token price within six months of the tick
/// `cut`: 1 − min(price over `cut` and the 6 months after, as far as the run
/// goes) / price in the month before `cut`. `None` when there is no month
/// before the cut or the price there is not positive.
pub fn price_fall_after(r: &Record, cut: u32) -> Option<f64> {
    let price = |t: u32| r.months.iter().find(|m| m.month == t).map(|m| m.token_price_usd_mtok);
    let before = price(cut.checked_sub(1)?)?;
    if before.is_nan() || before <= 0.0 {
        return None;
    }
    let low = (cut..=cut + 6).filter_map(price).reduce(f64::min)?;
    Some(1.0 - low / before)
}

/// Tokens served (T tok) over the months `from..=to`; `None` unless the run
/// covers every one of them.
pub fn token_volume(r: &Record, from: Month, to: Month) -> Option<f64> {
    let rows: Vec<f64> = r
        .months
        .iter()
        .filter(|m| {
            let d = r.world.start.plus(m.month as i32);
            d >= from && d <= to
        })
        .map(|m| m.token_volume_ttok)
        .collect();
    (rows.len() as i64 == i64::from(to.since(from)) + 1).then(|| rows.iter().sum::<f64>() + 0.0)
}

/// The [`TIGERS`]' share of the money of the funding rounds of `year` that
/// went to firms that are neither giants nor [`PARENT_FUNDED`]; `None` when
/// no such money was raised.
pub fn tigers_share_of_venture_money(r: &Record, year: i32) -> Option<f64> {
    let giant = |n: &str| r.world.firms.iter().any(|f| f.tier == Tier::Giant && f.name == n);
    let (mut tigers, mut all) = (0.0, 0.0);
    for e in &r.events {
        if e.kind() != EventKind::FundingRound
            || r.world.start.plus(e.month as i32).year() != year
            || giant(&e.target)
            || &*e.target == PARENT_FUNDED
        {
            continue;
        }
        all += e.amount_musd;
        if TIGERS.contains(&&*e.target) {
            tigers += e.amount_musd;
        }
    }
    (all > 0.0).then(|| tigers / all)
}

/// Measure every target on one run of a world like the baseline (2022-01
/// start, the four giants, 01.AI, the six tigers, DeepSeek), in the order of
/// [`TARGETS`]. `None` where the run holds nothing to measure (e.g. 01.AI
/// never reached $1bn, no giant cut its price).
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
    let cut = first_defending_giant_cut(r);
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
        cut.map(|t| month_value(date(t))),
        match cut {
            Some(t) => price_fall_after(r, t),
            None => Some(0.0),
        },
        token_volume(r, Month::new(2024, 1), Month::new(2024, 12)),
        token_volume(r, Month::new(2025, 1), Month::new(2025, 6)),
        tigers_share_of_venture_money(r, 2024),
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
    /// Share of all replicates whose value is in range (unmeasured runs out).
    pub share_in_range: f64,
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
            let share_in_range = if rows.is_empty() {
                0.0
            } else {
                xs.iter().filter(|v| t.contains(**v)).count() as f64 / rows.len() as f64
            };
            let ok = judge(t, rows.len(), &xs, mean);
            Measured { target: *t, n: xs.len(), mean, min, max, share_in_range, ok }
        })
        .collect())
}

/// Whether the values `xs` measured in `runs` replicates (their `mean`)
/// meet target `t` (see [`Accept`]).
pub fn judge(t: &Target, runs: usize, xs: &[f64], mean: Option<f64>) -> bool {
    let inside = |v: f64| t.contains(v);
    match t.accept {
        Accept::Mean => xs.len() == runs && mean.is_some_and(inside),
        Accept::EveryRun => xs.len() == runs && mean.is_some_and(inside) && xs.iter().all(|v| inside(*v)),
        Accept::MostRuns => 2 * xs.iter().filter(|v| inside(**v)).count() > runs,
    }
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
        let every = match t.accept {
            Accept::Mean => "",
            Accept::EveryRun => " (every run)",
            Accept::MostRuns => " (most runs)",
        };
        let verdict = if m.ok { "yes" } else { "**no**" };
        let ok = match t.accept {
            Accept::MostRuns => format!("{verdict} ({:.0}% of runs in range)", 100.0 * m.share_in_range),
            _ => verdict.to_string(),
        };
        s.push_str(&format!(
            "| {} ({}) | {} | {range}{every} | {} | {} – {} | {} |\n",
            t.what,
            t.unit,
            t.documented,
            show(t, m.mean),
            show(t, m.min),
            show(t, m.max),
            ok
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Event, MonthRow};

    /// Months 0..`months` of the baseline (2022-01 start) with the given
    /// token price and volume per tick, and `events`.
    fn record(
        months: u32,
        price: impl Fn(u32) -> f64,
        volume: impl Fn(u32) -> f64,
        events: Vec<Event>,
    ) -> Record {
        Record {
            world: crate::baseline(),
            seed: 1,
            firm_names: vec![],
            chip_names: vec![],
            months: (0..months)
                .map(|t| MonthRow {
                    month: t,
                    token_price_usd_mtok: price(t),
                    token_volume_ttok: volume(t),
                    ..MonthRow::default()
                })
                .collect(),
            chips: vec![],
            firms: vec![],
            events,
            ledger: vec![],
            consolidation_start: None,
            firms_entered: 0,
        }
    }

    fn cut(month: u32, actor: &str, defending: bool) -> Event {
        Event {
            month,
            actor: actor.into(),
            target: "DeepSeek".into(),
            units: 0,
            amount_musd: 0.0,
            payload: Payload::PriceCut { from_usd_mtok: 1.0, to_usd_mtok: 0.5, defending },
        }
    }

    fn round(month: u32, firm: &str, musd: f64) -> Event {
        Event {
            month,
            actor: "Angel 1".into(),
            target: firm.into(),
            units: 0,
            amount_musd: musd,
            payload: Payload::FundingRound { post_money_musd: 10.0 * musd },
        }
    }

    fn target(key: &str) -> usize {
        TARGETS.iter().position(|t| t.key == key).expect("a target of that key")
    }

    /// 1.0 USD/Mtok until 2024-04 (tick 27), 0.5 in 2024-05, 0.1 in 2024-07,
    /// 0.02 from 2024-12 (tick 35, outside the six months after 2024-05).
    fn price(t: u32) -> f64 {
        match t {
            0..=27 => 1.0,
            28 | 29 => 0.5,
            30..=34 => 0.1,
            _ => 0.02,
        }
    }

    #[test]
    fn the_first_cut_is_a_giants_defending_cut() {
        let events = vec![
            cut(20, "MiniMax", true),   // not a giant
            cut(22, "Baidu", false),    // not defending (its costs fell)
            cut(28, "Alibaba", true),   // 2024-05
            cut(30, "ByteDance", true), // later
            cut(31, "Startup 3", true),
        ];
        let r = record(72, price, |_| 1.0, events);
        assert_eq!(first_defending_giant_cut(&r), Some(28));
        let v = measure(&r);
        assert_eq!(v.len(), TARGETS.len());
        assert_eq!(v[target("first_giant_defending_price_cut")], Some(month_value(Month::new(2024, 5))));
        assert_eq!(show(&TARGETS[target("first_giant_defending_price_cut")], Some(28.0)), "2024-05");
        // The price fell from 1.0 (2024-04) to 0.1 within 2024-05..11, not to the later 0.02.
        let fall = v[target("token_price_fall_6_months_after_first_cut")].unwrap();
        assert!((fall - 0.9).abs() < 1e-12, "{fall}");
    }

    #[test]
    fn no_giant_cut_means_no_month_and_a_fall_of_zero() {
        let r = record(72, price, |_| 1.0, vec![cut(28, "MiniMax", true), cut(29, "Tencent", false)]);
        assert_eq!(first_defending_giant_cut(&r), None);
        let v = measure(&r);
        assert_eq!(v[target("first_giant_defending_price_cut")], None);
        assert_eq!(v[target("token_price_fall_6_months_after_first_cut")], Some(0.0));
    }

    #[test]
    fn the_price_fall_needs_a_priced_month_before_the_cut_and_stops_at_the_run_end() {
        let r = record(72, price, |_| 1.0, vec![]);
        assert_eq!(price_fall_after(&r, 0), None, "no month before the first");
        let free = record(72, |t| if t < 10 { 0.0 } else { 1.0 }, |_| 1.0, vec![]);
        assert_eq!(price_fall_after(&free, 10), None, "no price before the market opened");
        // A run that ends in 2024-06 (tick 29): the window is 2024-05..06.
        let short = record(30, price, |_| 1.0, vec![]);
        assert!((price_fall_after(&short, 28).unwrap() - 0.5).abs() < 1e-12);
        // A rise is a negative fall.
        let up = record(40, |t| if t < 28 { 1.0 } else { 2.0 }, |_| 1.0, vec![]);
        assert!((price_fall_after(&up, 28).unwrap() + 1.0).abs() < 1e-12);
    }

    #[test]
    fn token_volumes_sum_the_calendar_window() {
        // volume = tick: 2024 is ticks 24..=35, 2025-01..06 ticks 36..=41
        let r = record(72, price, |t| t as f64, vec![]);
        let v = measure(&r);
        assert_eq!(v[target("token_volume_2024_ttok")], Some((24..=35).sum::<u32>() as f64));
        assert_eq!(v[target("token_volume_2025_h1_ttok")], Some((36..=41).sum::<u32>() as f64));
        // a run that ends before 2025-06 cannot measure the half year
        let short = record(40, price, |t| t as f64, vec![]);
        assert_eq!(token_volume(&short, Month::new(2025, 1), Month::new(2025, 6)), None);
        assert_eq!(token_volume(&short, Month::new(2024, 1), Month::new(2024, 12)), Some(354.0));
    }

    #[test]
    fn the_tigers_share_counts_2024_rounds_of_firms_other_than_giants_and_deepseek() {
        let events = vec![
            round(22, "Zhipu AI", 800.0),     // 2023: another year
            round(25, "Moonshot AI", 1000.0), // 2024-02
            round(26, "MiniMax", 600.0),
            round(30, "Startup 7", 400.0),
            round(31, "Baidu", 5000.0),   // a giant
            round(32, "DeepSeek", 300.0), // funded by its parent
            round(36, "Baichuan", 700.0), // 2025
        ];
        let r = record(72, price, |_| 1.0, events);
        let share = tigers_share_of_venture_money(&r, 2024).unwrap();
        assert!((share - 0.8).abs() < 1e-12, "{share}");
        assert_eq!(measure(&r)[target("tigers_share_of_2024_venture_money")], Some(share));
        assert_eq!(tigers_share_of_venture_money(&r, 2026), None, "no rounds, nothing to measure");
    }

    #[test]
    fn most_runs_counts_unmeasured_runs_as_out_of_range() {
        let t = TARGETS[target("first_giant_defending_price_cut")];
        assert_eq!(t.accept, Accept::MostRuns);
        let (may, dec) = (28.0, 35.0); // 2024-05 in range, 2024-12 out
        assert!(judge(&t, 5, &[may, may, may, dec, dec], Some(30.8)));
        assert!(!judge(&t, 4, &[may, may, dec, dec], Some(31.5)), "half is not most");
        // 3 of 5 in range, 2 runs without a cut: still most
        assert!(judge(&t, 5, &[may, may, may], Some(may)));
        // 2 of 5 in range, the others without a cut: the mean is in range but not most runs
        assert!(!judge(&t, 5, &[may, may], Some(may)));
        // a mean target needs every run measured
        let vol = TARGETS[target("token_volume_2024_ttok")];
        assert!(judge(&vol, 2, &[100.0, 120.0], Some(110.0)));
        assert!(!judge(&vol, 3, &[100.0, 120.0], Some(110.0)));
        assert!(!judge(&vol, 2, &[10.0, 20.0], Some(15.0)));
        let fall = TARGETS[target("token_price_fall_6_months_after_first_cut")];
        assert!(judge(&fall, 2, &[0.97, 0.7], Some(0.835)) && !judge(&fall, 2, &[0.9, 0.0], Some(0.45)));
    }

    #[test]
    fn the_table_shows_the_share_of_runs_in_range() {
        let t = TARGETS[target("first_giant_defending_price_cut")];
        let m = Measured {
            target: t,
            n: 4,
            mean: Some(28.0),
            min: Some(27.0),
            max: Some(29.0),
            share_in_range: 0.6,
            ok: true,
        };
        let s = table(&[m], 5);
        assert!(s.contains("2024-02 – 2024-09 (most runs)"), "{s}");
        assert!(s.contains("yes (60% of runs in range)"), "{s}");
        let f = TARGETS[target("token_price_fall_6_months_after_first_cut")];
        let m = Measured {
            target: f,
            n: 5,
            mean: Some(0.9),
            min: Some(0.8),
            max: Some(0.95),
            share_in_range: 1.0,
            ok: true,
        };
        assert!(table(&[m], 5).contains("| >= 0.80 |"));
    }
}
