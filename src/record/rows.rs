//! The output files' rows: one serde type per file (`months.csv`,
//! `firms.csv`, `chips.csv`, `events.csv`, `summary.json`), written and read
//! back through the same type. A row's fields are the file's columns, in
//! order; floats carry their printed precision in a `serialize_with`
//! attribute, so the bytes of a file are fixed by its type alone.
//!
//! Rows are built from the simulation's record (`sim::output`) here. The
//! big files are written by `fastcsv` (the same bytes, faster, proven by its
//! tests against [`to_csv`] of these types); this module does no file I/O and never parses prose (an event's `detail`
//! column is [`Payload::detail`]/[`Payload::parse`], in `sim::output`).

use crate::sim::output::{ChipRow, Event, EventKind, FirmRow, MonthRow, Payload, RunHead};
use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Fixed-precision floats: each CSV float column is printed with a set
/// number of decimals (`{:.N}`).
mod fixed {
    use serde::Serializer;

    pub fn d2<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{x:.2}"))
    }
    pub fn d4<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{x:.4}"))
    }
    pub fn d6<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{x:.6}"))
    }
}

/// A row of `months.csv`: the market in one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthRec {
    pub month: u32,
    pub date: String,
    #[serde(serialize_with = "fixed::d2")]
    pub hhi: f64,
    #[serde(serialize_with = "fixed::d6")]
    pub cr4: f64,
    pub independent_firms: u32,
    pub independent_labs: u32,
    pub startups_alive: u32,
    pub entries: u32,
    pub exits: u32,
    pub acquisitions: u32,
    pub pivots: u32,
    pub team_transfers: u32,
    #[serde(serialize_with = "fixed::d6")]
    pub top4_compute_share: f64,
    #[serde(serialize_with = "fixed::d6")]
    pub compute_gini: f64,
    #[serde(serialize_with = "fixed::d6")]
    pub chip_price_index: f64,
    #[serde(serialize_with = "fixed::d6")]
    pub wage_index: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub vc_funding_musd: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub loans_outstanding_musd: f64,
    pub banned_chip_units: u64,
    #[serde(serialize_with = "fixed::d4")]
    pub total_revenue_musd: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub token_volume_ttok: f64,
    #[serde(serialize_with = "fixed::d6")]
    pub token_price_usd_mtok: f64,
    #[serde(serialize_with = "fixed::d6")]
    pub token_price_index: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub frontier_capability: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub open_floor: f64,
    pub vacancies: u64,
    pub seekers: u64,
    /// 1 inside a consolidation phase.
    pub consolidating: u8,
}

impl MonthRec {
    pub fn new(m: &MonthRow, date: String) -> MonthRec {
        MonthRec {
            month: m.month,
            date,
            hhi: m.hhi,
            cr4: m.cr4,
            independent_firms: m.independent_firms,
            independent_labs: m.independent_labs,
            startups_alive: m.startups_alive,
            entries: m.entries,
            exits: m.exits,
            acquisitions: m.acquisitions,
            pivots: m.pivots,
            team_transfers: m.team_transfers,
            top4_compute_share: m.top4_compute_share,
            compute_gini: m.compute_gini,
            chip_price_index: m.chip_price_index,
            wage_index: m.wage_index,
            vc_funding_musd: m.vc_funding_musd,
            loans_outstanding_musd: m.loans_outstanding_musd,
            banned_chip_units: m.banned_chip_units,
            total_revenue_musd: m.total_revenue_musd,
            token_volume_ttok: m.token_volume_ttok,
            token_price_usd_mtok: m.token_price_usd_mtok,
            token_price_index: m.token_price_index,
            frontier_capability: m.frontier_capability,
            open_floor: m.open_floor,
            vacancies: m.vacancies,
            seekers: m.seekers,
            consolidating: m.consolidating as u8,
        }
    }
}

/// A row of `firms.csv`: one firm in one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirmRec {
    pub month: u32,
    pub date: String,
    pub firm: String,
    pub tier: String,
    pub status: String,
    /// The acquirer for acquired firms, the firm itself otherwise.
    pub owner: String,
    #[serde(serialize_with = "fixed::d4")]
    pub cash_musd: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub debt_musd: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub compute_pflops: f64,
    pub chip_units: u64,
    pub researchers: u32,
    #[serde(serialize_with = "fixed::d4")]
    pub capability: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub benchmark: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub revenue_musd: f64,
    #[serde(serialize_with = "fixed::d6")]
    pub share: f64,
    #[serde(serialize_with = "fixed::d4")]
    pub valuation_musd: f64,
}

impl FirmRec {
    /// `names`: the firm names, by index (`Record::firm_names`).
    pub fn new(f: &FirmRow, date: String, names: &[String]) -> FirmRec {
        FirmRec {
            month: f.month,
            date,
            firm: names[f.firm as usize].clone(),
            tier: f.tier.to_string(),
            status: f.status.to_string(),
            owner: names[f.owner as usize].clone(),
            cash_musd: f.cash_musd,
            debt_musd: f.debt_musd,
            compute_pflops: f.compute_pflops,
            chip_units: f.chip_units,
            researchers: f.researchers,
            capability: f.capability,
            benchmark: f.benchmark,
            revenue_musd: f.revenue_musd,
            share: f.share,
            valuation_musd: f.valuation_musd,
        }
    }
}

/// A row of `chips.csv`: the market for one chip model in one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChipRec {
    pub month: u32,
    pub date: String,
    pub chip: String,
    pub units_held: u64,
    #[serde(serialize_with = "fixed::d4")]
    pub pflops_held: f64,
    pub units_delivered: u64,
    #[serde(serialize_with = "fixed::d6")]
    pub price_musd: f64,
    /// 1 if banned by an export rule in force.
    pub banned: u8,
}

impl ChipRec {
    /// `names`: the chip names, by index (`Record::chip_names`).
    pub fn new(c: &ChipRow, date: String, names: &[String]) -> ChipRec {
        ChipRec {
            month: c.month,
            date,
            chip: names[c.chip as usize].clone(),
            units_held: c.units_held,
            pflops_held: c.pflops_held,
            units_delivered: c.units_delivered,
            price_musd: c.price_musd,
            banned: c.banned as u8,
        }
    }
}

/// A row of `events.csv`: an event with its typed payload. In the file the
/// payload is two columns, `kind` and the prose `detail`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "EventLine", try_from = "EventLine")]
pub struct EventRec {
    pub month: u32,
    pub date: String,
    pub actor: String,
    pub target: String,
    pub units: u64,
    pub amount_musd: f64,
    pub payload: Payload,
}

impl EventRec {
    pub fn new(e: &Event, date: String) -> EventRec {
        EventRec {
            month: e.month,
            date,
            actor: e.actor.to_string(),
            target: e.target.to_string(),
            units: e.units,
            amount_musd: e.amount_musd,
            payload: e.payload.clone(),
        }
    }

    pub fn kind(&self) -> EventKind {
        self.payload.kind()
    }
}

/// The columns of `events.csv` as they are in the file.
#[derive(Serialize, Deserialize)]
struct EventLine {
    month: u32,
    date: String,
    kind: EventKind,
    actor: String,
    target: String,
    units: u64,
    #[serde(serialize_with = "fixed::d4")]
    amount_musd: f64,
    detail: String,
}

impl From<EventRec> for EventLine {
    fn from(e: EventRec) -> EventLine {
        EventLine {
            month: e.month,
            date: e.date,
            kind: e.payload.kind(),
            actor: e.actor,
            target: e.target,
            units: e.units,
            amount_musd: e.amount_musd,
            detail: e.payload.detail(),
        }
    }
}

impl TryFrom<EventLine> for EventRec {
    type Error = String;
    fn try_from(l: EventLine) -> Result<EventRec, String> {
        Ok(EventRec {
            month: l.month,
            date: l.date,
            actor: l.actor,
            target: l.target,
            units: l.units,
            amount_musd: l.amount_musd,
            payload: Payload::parse(l.kind, &l.detail)?,
        })
    }
}

/// `summary.json`: provenance, final metrics, the consolidation phase and
/// event counts. Fields are declared in sorted order (the file's keys are
/// sorted); no timestamps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub build: String,
    pub consolidation: ConsolidationSummary,
    /// Events of each kind, by kind name (every kind, zeros included).
    pub event_counts: BTreeMap<String, u64>,
    #[serde(rename = "final")]
    pub finals: Finals,
    /// Firms that were in the market at some point of the run.
    pub firms_entered: u32,
    pub months: usize,
    pub program: String,
    pub seed: u64,
    pub start: String,
    pub version: String,
    pub world: String,
    pub world_hash: String,
}

/// The consolidation test's parameters and the first phase it found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsolidationSummary {
    pub phase: Option<PhaseStart>,
    pub test: ConsolidationTest,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseStart {
    pub start_date: String,
    pub start_month: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsolidationTest {
    pub drop_from_peak: f64,
    pub hhi_threshold: f64,
    pub hold_months: u32,
}

/// The last month's metrics, rounded as `months.csv` prints them (sorted keys).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finals {
    pub acquisitions: u32,
    pub banned_chip_units: u64,
    pub chip_price_index: f64,
    pub compute_gini: f64,
    pub consolidating: u8,
    pub cr4: f64,
    pub entries: u32,
    pub exits: u32,
    pub hhi: f64,
    pub independent_firms: u32,
    pub loans_outstanding_musd: f64,
    pub startups_alive: u32,
    pub top4_compute_share: f64,
    pub total_revenue_musd: f64,
    pub vc_funding_musd: f64,
    pub wage_index: f64,
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

impl Finals {
    pub fn new(m: &MonthRow) -> Finals {
        Finals {
            acquisitions: m.acquisitions,
            banned_chip_units: m.banned_chip_units,
            chip_price_index: round(m.chip_price_index, 6),
            compute_gini: round(m.compute_gini, 6),
            consolidating: m.consolidating as u8,
            cr4: round(m.cr4, 6),
            entries: m.entries,
            exits: m.exits,
            hhi: round(m.hhi, 2),
            independent_firms: m.independent_firms,
            loans_outstanding_musd: round(m.loans_outstanding_musd, 4),
            startups_alive: m.startups_alive,
            top4_compute_share: round(m.top4_compute_share, 6),
            total_revenue_musd: round(m.total_revenue_musd, 4),
            vc_funding_musd: round(m.vc_funding_musd, 4),
            wage_index: round(m.wage_index, 6),
        }
    }
}

impl RunSummary {
    /// The summary of a run; `world_hash` identifies its world (seed left out).
    pub fn new(r: &RunHead, world_hash: &str) -> RunSummary {
        let c = &r.world.consolidation;
        RunSummary {
            build: crate::BUILD.to_string(),
            consolidation: ConsolidationSummary {
                phase: r.consolidation_start.map(|m| PhaseStart { start_date: r.date(m), start_month: m }),
                test: ConsolidationTest {
                    drop_from_peak: c.drop_from_peak,
                    hhi_threshold: c.hhi_threshold,
                    hold_months: c.hold_months,
                },
            },
            event_counts: r.event_counts().into_iter().map(|(k, n)| (k.as_str().to_string(), n)).collect(),
            finals: Finals::new(&r.months.last().cloned().unwrap_or_default()),
            firms_entered: r.firms_entered,
            months: r.months.len(),
            program: "chipban".to_string(),
            seed: r.seed,
            start: r.world.start.to_string(),
            version: crate::VERSION.to_string(),
            world: r.world.name.clone(),
            world_hash: world_hash.to_string(),
        }
    }
}

/// The column names of a row type, in file order (its serde field names).
pub fn columns<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that only records the field names of the struct asked for.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only struct field names are read"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("only struct field names are read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// A CSV file of `rows` under a header of the type's columns (the header
/// is written even when there are no rows).
pub fn to_csv<T: Serialize + DeserializeOwned>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let fail = |e: csv::Error| -> ! { panic!("CSV of plain values into memory: {e}") };
    w.write_record(columns::<T>()).unwrap_or_else(|e| fail(e));
    for row in rows {
        w.serialize(row).unwrap_or_else(|e| fail(e));
    }
    w.into_inner().unwrap_or_else(|e| panic!("CSV into memory: {e}"))
}

/// The rows of a CSV file; the error names the line and the column.
pub fn from_csv<T: DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, csv::Error> {
    csv::Reader::from_reader(bytes).deserialize().collect()
}

/// A summary as `summary.json` holds it: pretty-printed, ending in a newline.
pub fn summary_json(s: &RunSummary) -> String {
    let mut text = serde_json::to_string_pretty(s).expect("JSON of plain values");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(name: &str, month: u32) -> FirmRec {
        FirmRec {
            month,
            date: "2023-01".into(),
            firm: name.into(),
            tier: "startup".into(),
            status: "active".into(),
            owner: name.into(),
            cash_musd: 1.23456,
            debt_musd: 0.0,
            compute_pflops: 2.0,
            chip_units: 3,
            researchers: 4,
            capability: 0.5,
            benchmark: 0.25,
            revenue_musd: 1.0,
            share: 0.1234567,
            valuation_musd: 10.0,
        }
    }

    #[test]
    fn columns_are_the_field_names() {
        assert_eq!(
            columns::<ChipRec>().join(","),
            "month,date,chip,units_held,pflops_held,units_delivered,price_musd,banned"
        );
        assert_eq!(columns::<EventRec>().join(","), "month,date,kind,actor,target,units,amount_musd,detail");
    }

    #[test]
    fn a_hostile_firm_name_round_trips() {
        let hostile = "Say \"hi\", Inc.\nline two";
        let rows = [firm(hostile, 0), firm("plain", 1)];
        let bytes = to_csv(rows.iter().cloned());
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"Say \"\"hi\"\", Inc.\nline two\""), "{text}");
        assert!(text.contains(",plain,startup,active,plain,1.2346,0.0000,"), "{text}");
        let back: Vec<FirmRec> = from_csv(&bytes).unwrap();
        assert_eq!(back[0].firm, hostile);
        assert_eq!(back[0].owner, hostile);
        assert_eq!(back[1].firm, "plain");
        // written again, the file is the same bytes
        assert_eq!(to_csv(back), bytes);
    }

    #[test]
    fn csv_quotes_when_needed() {
        let line = |name: &str| {
            let text = String::from_utf8(to_csv([firm(name, 0)])).unwrap();
            text.lines().nth(1).unwrap().split(",startup,").next().unwrap().to_string()
        };
        assert_eq!(line("a,b"), "0,2023-01,\"a,b\"");
        assert_eq!(line("say \"hi\""), "0,2023-01,\"say \"\"hi\"\"\"");
        assert_eq!(line("plain"), "0,2023-01,plain");
    }

    #[test]
    fn an_empty_file_has_its_header() {
        let text = String::from_utf8(to_csv(Vec::<ChipRec>::new())).unwrap();
        assert_eq!(text, "month,date,chip,units_held,pflops_held,units_delivered,price_musd,banned\n");
    }

    #[test]
    fn events_round_trip_with_their_payload() {
        use crate::world::Month;
        let e = EventRec {
            month: 3,
            date: "2023-04".into(),
            actor: "A, \"B\"".into(),
            target: "H800".into(),
            units: 5,
            amount_musd: 1.5,
            payload: Payload::ChipOrder { due: Month::new(2023, 7) },
        };
        let bytes = to_csv([e.clone()]);
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "month,date,kind,actor,target,units,amount_musd,detail\n3,2023-04,chip_order,\"A, \"\"B\"\"\",H800,5,1.5000,due 2023-07\n"
        );
        let back: Vec<EventRec> = from_csv(&bytes).unwrap();
        assert_eq!(back, vec![e]);
    }

    #[test]
    fn a_bad_detail_is_a_read_error() {
        let text = "month,date,kind,actor,target,units,amount_musd,detail\n0,2023-01,funding_round,a,b,0,1.0,post-money many\n";
        let err = from_csv::<EventRec>(text.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("post-money many"), "{err}");
    }
}
