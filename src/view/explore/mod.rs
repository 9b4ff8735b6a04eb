//! What `chipban explore` shows, as data: the page's three files (HTML,
//! script, stylesheet, written for chipban and embedded in the binary: no
//! network, no CDN), the controls ([`controls`]), and a run as the JSON the
//! page draws (series over months, firms' rows, the month's events as the
//! narration's sentences). Pure: no server, no files, no model run; the
//! command (`commands::explore`) does those.

pub mod controls;

use crate::record::RunData;
use crate::view::narrate;
use crate::world::Month;
use serde::Serialize;
use std::collections::HashMap;

/// The page (`GET /`).
pub const INDEX_HTML: &str = include_str!("../../../assets/explore/index.html");
/// Its script (`GET /explore.js`): the SVG charts, the controls, the player.
pub const SCRIPT_JS: &str = include_str!("../../../assets/explore/explore.js");
/// Its stylesheet (`GET /explore.css`).
pub const STYLE_CSS: &str = include_str!("../../../assets/explore/explore.css");

/// Series over the months of a run (months.csv), one value a month.
#[derive(Debug, Serialize)]
pub struct Series {
    /// Independent firms (not acquired, not exited).
    pub firms_alive: Vec<u32>,
    /// Independent firms that train and serve their own model.
    pub labs: Vec<u32>,
    pub startups: Vec<u32>,
    /// HHI of the foundation-model market (tokens served), 0..10,000.
    pub hhi: Vec<f64>,
    /// Share of the four largest labs, 0..1.
    pub cr4: Vec<f64>,
    pub chip_price_index: Vec<f64>,
    pub token_price_usd_mtok: Vec<f64>,
    /// Venture funding raised in the month, USD M.
    pub vc_funding_musd: Vec<f64>,
    /// 1 inside the consolidation phase.
    pub consolidating: Vec<u8>,
}

/// One chip model's market: price each month (USD M per unit) and whether
/// it is banned.
#[derive(Debug, Serialize)]
pub struct ChipSeries {
    pub name: String,
    pub domestic: bool,
    pub price_musd: Vec<Option<f64>>,
    pub banned: Vec<u8>,
}

/// One firm over the run (firms.csv), compactly: its figures from month
/// `first` to its last row (`null` in a month without a row), its status
/// and owner as changes (`(month, value)`; owner `null` = itself).
#[derive(Debug, Serialize)]
pub struct FirmSeries {
    pub name: String,
    pub tier: String,
    /// `#rrggbb`, the firm's colour in every chart of chipban.
    pub colour: String,
    /// Month of its first row.
    pub first: u32,
    pub status: Vec<(u32, Option<String>)>,
    pub owner: Vec<(u32, Option<String>)>,
    pub cash_musd: Vec<Option<f64>>,
    pub chip_units: Vec<Option<u64>>,
    pub compute_pflops: Vec<Option<f64>>,
    pub researchers: Vec<Option<u32>>,
    pub capability: Vec<Option<f64>>,
    /// Share of the model market (tokens served), 0..1.
    pub share: Vec<Option<f64>>,
    /// Chips held by model, a month at a time like the values above: the
    /// (index into `RunView::chips`, units) of each model held. Empty until
    /// [`add_holdings`] fills it from the run in memory (firms.csv has the
    /// total only).
    pub held: Vec<Option<Vec<(usize, u64)>>>,
}

impl FirmSeries {
    /// A firm from its rows (in month order).
    fn of(data: &RunData, rows: &[&crate::record::FirmRec]) -> FirmSeries {
        let r0 = rows[0];
        let first = r0.month;
        let span = (rows[rows.len() - 1].month - first + 1) as usize;
        let mut f = FirmSeries {
            name: r0.firm.clone(),
            tier: r0.tier.clone(),
            colour: hex(crate::view::theme::firm_colour(&data.world, &r0.firm)),
            first,
            status: Vec::new(),
            owner: Vec::new(),
            cash_musd: vec![None; span],
            chip_units: vec![None; span],
            compute_pflops: vec![None; span],
            researchers: vec![None; span],
            capability: vec![None; span],
            share: vec![None; span],
            held: Vec::new(),
        };
        let mut last: Option<(u32, &str, &str)> = None;
        for r in rows {
            let t = (r.month - first) as usize;
            let owner = if r.owner == r.firm { None } else { Some(r.owner.as_str()) };
            let gap = last.is_some_and(|(m, ..)| r.month > m + 1);
            if gap {
                let after = last.map_or(0, |(m, ..)| m + 1);
                f.status.push((after, None));
                f.owner.push((after, None));
            }
            if gap || last.is_none_or(|(_, s, _)| s != r.status) {
                f.status.push((r.month, Some(r.status.clone())));
            }
            if gap || last.is_none_or(|(_, _, o)| o != owner.unwrap_or("")) {
                f.owner.push((r.month, owner.map(str::to_string)));
            }
            last = Some((r.month, r.status.as_str(), owner.unwrap_or("")));
            f.cash_musd[t] = Some(sig(r.cash_musd));
            f.chip_units[t] = Some(r.chip_units);
            f.compute_pflops[t] = Some(sig(r.compute_pflops));
            f.researchers[t] = Some(r.researchers);
            f.capability[t] = Some(sig(r.capability));
            f.share[t] = Some(sig(r.share));
        }
        f
    }
}

/// A sentence of the story, placed on a month (a quarter's summary on its last month).
#[derive(Debug, Serialize)]
pub struct Line {
    pub month: u32,
    pub date: String,
    pub text: String,
}

/// A notable event (the report's timeline), with the firms it concerns.
#[derive(Debug, Serialize)]
pub struct Notable {
    pub month: u32,
    pub date: String,
    pub kind: String,
    pub actor: String,
    pub target: String,
    pub units: u64,
    pub amount_musd: f64,
    pub detail: String,
}

/// An export rule on the time axis: its name and the month (index from the
/// run's start, possibly outside the run) it takes effect.
#[derive(Debug, Serialize)]
pub struct RuleMark {
    pub name: String,
    pub month: i32,
}

/// A run as the page draws it.
#[derive(Debug, Serialize)]
pub struct RunView {
    pub world: String,
    pub seed: u64,
    pub rules: Vec<RuleMark>,
    pub dates: Vec<String>,
    pub series: Series,
    pub chips: Vec<ChipSeries>,
    pub firms: Vec<FirmSeries>,
    pub story: Vec<Line>,
    pub notable: Vec<Notable>,
    /// Month of the start of the consolidation phase, if any.
    pub consolidation: Option<u32>,
    pub hhi_threshold: f64,
}

/// `v` to 4 significant digits: all the page shows, and a third of the JSON.
fn sig(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let p = 10f64.powi(3 - v.abs().log10().floor() as i32);
    if p.is_finite() && p > 0.0 { (v * p).round() / p } else { v }
}

fn sigs(v: impl Iterator<Item = f64>) -> Vec<f64> {
    v.map(sig).collect()
}

/// `#rrggbb` of a colour.
fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The month index of a story date (`2023-10`, or `2023 Q4` → its last
/// month), clamped to the run.
fn month_of(date: &str, start: Month, months: u32) -> u32 {
    let last = months.saturating_sub(1) as i32;
    let m = match date.split_once(" Q") {
        Some((y, q)) => match (y.parse::<i32>(), q.parse::<u32>()) {
            (Ok(y), Ok(q)) if (1..=4).contains(&q) => Month::new(y, q * 3),
            _ => start,
        },
        None => Month::parse(date).unwrap_or(start),
    };
    m.since(start).clamp(0, last) as u32
}

/// Fill each firm's chips held by model from the run's firm rows in memory
/// (`Record::firms`, whose `units_by_chip` firms.csv does not carry);
/// `names` is `Record::firm_names`. The chip index is the supplier's, the
/// order of `RunView::chips`.
pub fn add_holdings(view: &mut RunView, rows: &[crate::sim::output::FirmRow], names: &[String]) {
    // the view's firm of each record index
    let index: HashMap<&str, usize> =
        view.firms.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)).collect();
    let of_record: Vec<Option<usize>> = names.iter().map(|n| index.get(n.as_str()).copied()).collect();
    let models = view.chips.len();
    for f in &mut view.firms {
        f.held = vec![None; f.cash_musd.len()];
    }
    for r in rows {
        let Some(&Some(i)) = of_record.get(r.firm as usize) else { continue };
        let f = &mut view.firms[i];
        let Some(slot) = r.month.checked_sub(f.first).and_then(|t| f.held.get_mut(t as usize)) else {
            continue;
        };
        let held = (0..models).filter(|&c| r.units_by_chip[c] > 0).map(|c| (c, r.units_by_chip[c])).collect();
        *slot = Some(held);
    }
}

/// A run, from its data (as `RunData::from_files` reads the data files).
pub fn run_view(data: &RunData) -> RunView {
    let n = data.months.len();
    let start = data.world.start;
    let dates: Vec<String> = data.months.iter().map(|m| m.date.clone()).collect();
    let series = Series {
        firms_alive: data.months.iter().map(|m| m.independent_firms).collect(),
        labs: data.months.iter().map(|m| m.independent_labs).collect(),
        startups: data.months.iter().map(|m| m.startups_alive).collect(),
        hhi: sigs(data.months.iter().map(|m| m.hhi)),
        cr4: sigs(data.months.iter().map(|m| m.cr4)),
        chip_price_index: sigs(data.months.iter().map(|m| m.chip_price_index)),
        token_price_usd_mtok: sigs(data.months.iter().map(|m| m.token_price_usd_mtok)),
        vc_funding_musd: sigs(data.months.iter().map(|m| m.vc_funding_musd)),
        consolidating: data.months.iter().map(|m| m.consolidating).collect(),
    };
    let mut chips: Vec<ChipSeries> = Vec::new();
    let mut chip_index: HashMap<&str, usize> = HashMap::new();
    for s in &data.world.chips.suppliers {
        chip_index.insert(s.name.as_str(), chips.len());
        chips.push(ChipSeries {
            name: s.name.clone(),
            domestic: s.domestic,
            price_musd: vec![None; n],
            banned: vec![0; n],
        });
    }
    for c in &data.chips {
        if let Some(&i) = chip_index.get(c.chip.as_str())
            && (c.month as usize) < n
        {
            chips[i].price_musd[c.month as usize] = Some(sig(c.price_musd));
            chips[i].banned[c.month as usize] = c.banned;
        }
    }
    // Each firm's rows, firms in order of their first row.
    let mut rows_of: Vec<Vec<&crate::record::FirmRec>> = Vec::new();
    let mut firm_index: HashMap<String, usize> = HashMap::new();
    for r in data.firms.iter().filter(|r| (r.month as usize) < n) {
        let i = *firm_index.entry(r.firm.clone()).or_insert_with(|| {
            rows_of.push(Vec::new());
            rows_of.len() - 1
        });
        rows_of[i].push(r);
    }
    let firms: Vec<FirmSeries> = rows_of.iter().map(|rows| FirmSeries::of(data, rows)).collect();
    let (story, notable) = narrate::story_and_notable(data);
    let story = story
        .into_iter()
        .map(|(date, text)| Line { month: month_of(&date, start, n as u32), date, text })
        .collect();
    let notable = notable
        .into_iter()
        .map(|e| Notable {
            month: e.month,
            date: e.date.clone(),
            kind: e.kind().as_str().replace('_', " "),
            actor: e.actor.clone(),
            target: e.target.clone(),
            units: e.units,
            amount_musd: e.amount_musd,
            detail: e.payload.detail(),
        })
        .collect();
    RunView {
        world: data.summary.world.clone(),
        seed: data.summary.seed,
        rules: data
            .world
            .policy
            .rules
            .iter()
            .map(|r| RuleMark { name: r.name.clone(), month: r.effective.since(start) })
            .collect(),
        dates,
        series,
        chips,
        firms,
        story,
        notable,
        consolidation: data.summary.consolidation.phase.as_ref().map(|p| p.start_month),
        hhi_threshold: data.world.consolidation.hhi_threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_significant_digits() {
        assert_eq!(sig(1547.1158), 1547.0);
        assert_eq!(sig(0.278064), 0.2781);
        assert_eq!(sig(-12.345678), -12.35);
        assert_eq!(sig(0.0), 0.0);
    }

    #[test]
    fn story_dates_land_on_months() {
        let start = Month::new(2022, 1);
        assert_eq!(month_of("2022-01", start, 72), 0);
        assert_eq!(month_of("2023-10", start, 72), 21);
        assert_eq!(month_of("2023 Q2", start, 72), 17);
        assert_eq!(month_of("2040-01", start, 72), 71);
        assert_eq!(month_of("2021-01", start, 72), 0);
    }

    #[test]
    fn a_run_view_has_a_value_per_month_and_the_story() {
        let r = crate::sim::run(crate::baseline(), 1);
        let files = crate::record::data_files(&r);
        let data = RunData::from_files(std::path::Path::new("mem"), &files).unwrap();
        let v = run_view(&data);
        assert_eq!(v.dates.len(), 72);
        assert_eq!(v.series.hhi.len(), 72);
        assert!(v.firms.iter().any(|f| f.name == "Baidu" && f.first == 0 && f.cash_musd[0].is_some()));
        assert!(v.firms.iter().all(|f| f.first as usize + f.share.len() <= 72 && f.colour.len() == 7));
        assert!(v.firms.iter().all(|f| f.status.first().is_some_and(|(m, s)| *m == f.first && s.is_some())));
        let acquired =
            v.firms.iter().find(|f| f.status.iter().any(|(_, s)| s.as_deref() == Some("acquired")));
        assert!(
            acquired.is_some_and(|f| f.owner.iter().any(|(_, o)| o.is_some())),
            "an acquired firm has an owner"
        );
        assert!(!v.story.is_empty() && v.story.iter().all(|l| l.month < 72));
        assert!(v.chips.iter().any(|c| c.banned.contains(&1)));
        assert!(v.firms.iter().all(|f| f.held.is_empty()), "holdings come from the run in memory");
        let mut v = v;
        add_holdings(&mut v, &r.firms, &r.firm_names);
        let baidu = v.firms.iter().find(|f| f.name == "Baidu").unwrap();
        let a100 = v.chips.iter().position(|c| c.name == "A100").unwrap();
        assert_eq!(baidu.held[0], Some(vec![(a100, 12000)]), "the world file's 12,000 A100s in month 0");
        for f in &v.firms {
            assert_eq!(f.held.len(), f.chip_units.len());
            for (held, total) in f.held.iter().zip(&f.chip_units) {
                let sum = held.as_ref().map(|h| h.iter().map(|(_, u)| u).sum::<u64>());
                assert_eq!(sum, *total, "{}: the models add up to the chips held", f.name);
            }
        }
        assert!(
            baidu.held.iter().flatten().any(|h| h.len() > 1),
            "Baidu holds more than one model at some point"
        );
    }
}
