//! The fast CSV writer of the big files (`firms.csv`, `chips.csv`,
//! `events.csv`): it writes a row of the simulation straight into a byte
//! buffer, with exactly the bytes the serde path (`rows.rs` through the
//! `csv` crate, floats by `format!("{x:.N}")`) gives — the tests below
//! prove it for every row type and for floats over random and edge values.
//!
//! The columns, their order and their decimals are defined once, by the row
//! types of `rows.rs` (the header comes from them); this module must not
//! define another layout, only write the same one faster. It does no I/O.

use super::rows::columns;
use crate::sim::output::{ChipRow, Event, FirmRow, MonthRow, Name};
use serde::de::DeserializeOwned;

/// `10^n` for the decimals the files use.
const POW10: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];

/// Append `x` printed with `decimals` decimals: the bytes of
/// `format!("{x:.decimals$}")`. The scaled value `x * 10^decimals` is
/// rounded to an integer and printed with a decimal point when it is far
/// enough from a rounding tie that the product's rounding error cannot
/// change the result; otherwise (near a tie, huge or non-finite values)
/// `format!` does it.
pub fn fixed(buf: &mut Vec<u8>, x: f64, decimals: usize) {
    debug_assert!(decimals < POW10.len());
    let scaled = (x * POW10[decimals]).abs();
    // Below 2^51 the tie `floor + 0.5` is exact and the rounding error of
    // the product is at most half an ulp of `scaled`, below scaled * 2^-53.
    if scaled < 2_251_799_813_685_248.0 {
        // truncation is the floor of a non-negative value
        let floor = scaled as u64;
        let frac = scaled - floor as f64;
        let margin = (frac - 0.5).abs();
        if margin > scaled * 2.3e-16 + 1e-300 {
            let int = if frac > 0.5 { floor + 1 } else { floor };
            if x.is_sign_negative() {
                buf.push(b'-');
            }
            point(buf, int, decimals);
            return;
        }
    }
    use std::io::Write;
    let _ = write!(buf, "{x:.decimals$}");
}

/// Append `int / 10^decimals` with exactly `decimals` decimals (`1234`, 2 → `12.34`).
fn point(buf: &mut Vec<u8>, int: u64, decimals: usize) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
                                2021222324252627282930313233343536373839\
                                4041424344454647484950515253545556575859\
                                6061626364656667686970717273747576777879\
                                8081828384858687888990919293949596979899";
    let mut digits = [b'0'; 24];
    let mut i = digits.len();
    let mut n = int;
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + n as u8;
    }
    // at least one digit before the point
    let first = i.min(digits.len() - decimals - 1);
    let split = digits.len() - decimals;
    buf.extend_from_slice(&digits[first..split]);
    if decimals > 0 {
        buf.push(b'.');
        buf.extend_from_slice(&digits[split..]);
    }
}

/// Append an unsigned integer.
pub fn int(buf: &mut Vec<u8>, n: u64) {
    point(buf, n, 0);
}

/// Append a text field as the `csv` crate writes it: in double quotes
/// (inner quotes doubled) if it holds a comma, a double quote, `\r` or `\n`;
/// as it is otherwise.
pub fn text(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if !b.iter().any(|&c| matches!(c, b',' | b'"' | b'\r' | b'\n')) {
        buf.extend_from_slice(b);
        return;
    }
    buf.push(b'"');
    for &c in b {
        if c == b'"' {
            buf.push(b'"');
        }
        buf.push(c);
    }
    buf.push(b'"');
}

/// The header line of a row type (its columns, as `to_csv` writes them).
pub fn header<T: DeserializeOwned>() -> Vec<u8> {
    let mut buf = Vec::new();
    for (i, c) in columns::<T>().iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        text(&mut buf, c);
    }
    buf.push(b'\n');
    buf
}

/// A name as a CSV field, quoted once rather than at every row.
#[derive(Clone, Debug)]
pub struct Field(Vec<u8>);

impl Field {
    pub fn new(s: &str) -> Field {
        let mut buf = Vec::with_capacity(s.len());
        text(&mut buf, s);
        Field(buf)
    }
}

/// A month's `month,date,` prefix, shared by the rows of that month.
pub fn month_prefix(month: u32, date: &str) -> Vec<u8> {
    let mut buf = Vec::with_capacity(16);
    int(&mut buf, month as u64);
    buf.push(b',');
    text(&mut buf, date);
    buf.push(b',');
    buf
}

/// Append a `months.csv` row (see `MonthRec`).
pub fn month_row(buf: &mut Vec<u8>, m: &MonthRow, prefix: &[u8]) {
    buf.extend_from_slice(prefix);
    fixed(buf, m.hhi, 2);
    buf.push(b',');
    fixed(buf, m.cr4, 6);
    for n in [
        m.independent_firms,
        m.independent_labs,
        m.startups_alive,
        m.entries,
        m.exits,
        m.acquisitions,
        m.pivots,
        m.team_transfers,
    ] {
        buf.push(b',');
        int(buf, n as u64);
    }
    for x in [m.top4_compute_share, m.compute_gini, m.chip_price_index, m.wage_index] {
        buf.push(b',');
        fixed(buf, x, 6);
    }
    buf.push(b',');
    fixed(buf, m.vc_funding_musd, 4);
    buf.push(b',');
    fixed(buf, m.loans_outstanding_musd, 4);
    buf.push(b',');
    int(buf, m.banned_chip_units);
    buf.push(b',');
    fixed(buf, m.total_revenue_musd, 4);
    buf.push(b',');
    fixed(buf, m.token_volume_ttok, 4);
    for x in [m.token_price_usd_mtok, m.token_price_index] {
        buf.push(b',');
        fixed(buf, x, 6);
    }
    for x in [m.frontier_capability, m.open_floor] {
        buf.push(b',');
        fixed(buf, x, 4);
    }
    for n in [m.vacancies, m.seekers] {
        buf.push(b',');
        int(buf, n);
    }
    buf.push(b',');
    int(buf, m.consolidating as u64);
    buf.push(b'\n');
}

/// Append a `firms.csv` row (see `FirmRec`); `names`: the firm names as fields, by id.
pub fn firm_row(buf: &mut Vec<u8>, f: &FirmRow, prefix: &[u8], names: &[Field]) {
    buf.extend_from_slice(prefix);
    buf.extend_from_slice(&names[f.firm as usize].0);
    buf.push(b',');
    text(buf, f.tier);
    buf.push(b',');
    text(buf, f.status);
    buf.push(b',');
    buf.extend_from_slice(&names[f.owner as usize].0);
    for x in [f.cash_musd, f.debt_musd, f.compute_pflops] {
        buf.push(b',');
        fixed(buf, x, 4);
    }
    buf.push(b',');
    int(buf, f.chip_units);
    buf.push(b',');
    int(buf, f.researchers as u64);
    for x in [f.capability, f.benchmark, f.revenue_musd] {
        buf.push(b',');
        fixed(buf, x, 4);
    }
    buf.push(b',');
    fixed(buf, f.share, 6);
    buf.push(b',');
    fixed(buf, f.valuation_musd, 4);
    buf.push(b'\n');
}

/// Append a `chips.csv` row (see `ChipRec`); `names`: the chip names as fields, by index.
pub fn chip_row(buf: &mut Vec<u8>, c: &ChipRow, prefix: &[u8], names: &[Field]) {
    buf.extend_from_slice(prefix);
    buf.extend_from_slice(&names[c.chip as usize].0);
    buf.push(b',');
    int(buf, c.units_held);
    buf.push(b',');
    fixed(buf, c.pflops_held, 4);
    buf.push(b',');
    int(buf, c.units_delivered);
    buf.push(b',');
    fixed(buf, c.price_musd, 6);
    buf.push(b',');
    int(buf, c.banned as u64);
    buf.push(b'\n');
}

/// Append an `events.csv` row (see `EventRec`); `scratch` holds the
/// `detail` text on its way (reused from row to row).
pub fn event_row(buf: &mut Vec<u8>, e: &Event, prefix: &[u8], scratch: &mut String) {
    buf.extend_from_slice(prefix);
    text(buf, e.kind().as_str());
    buf.push(b',');
    name(buf, &e.actor);
    buf.push(b',');
    name(buf, &e.target);
    buf.push(b',');
    int(buf, e.units);
    buf.push(b',');
    fixed(buf, e.amount_musd, 4);
    buf.push(b',');
    scratch.clear();
    e.payload.write_detail(scratch).expect("a String takes any text");
    text(buf, scratch);
    buf.push(b'\n');
}

fn name(buf: &mut Vec<u8>, n: &Name) {
    text(buf, n);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::rows::{ChipRec, EventRec, FirmRec, MonthRec, to_csv};
    use rand::{RngExt, SeedableRng};

    fn fast(x: f64, d: usize) -> String {
        let mut buf = Vec::new();
        fixed(&mut buf, x, d);
        String::from_utf8(buf).unwrap()
    }

    fn check(x: f64) {
        for d in [0, 1, 2, 4, 6] {
            assert_eq!(fast(x, d), format!("{x:.d$}"), "{x:e} with {d} decimals");
        }
    }

    #[test]
    fn floats_print_as_format_does_at_the_edges() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            -0.125,
            0.005,
            0.015,
            0.025,
            1.005,
            2.675,
            0.00005,
            0.00015,
            0.000005,
            0.0000005,
            0.0000015,
            1e-7,
            -1e-7,
            1e-300,
            -1e-300,
            5e-324,
            f64::MIN_POSITIVE,
            0.1,
            0.2,
            0.3,
            1.0 / 3.0,
            2.0 / 3.0,
            123456.789,
            999.9999995,
            9.9999995,
            99.995,
            0.999999,
            0.9999995,
            1e15,
            1e16,
            1e17,
            1e22,
            1e300,
            -1e300,
            f64::MAX,
            -f64::MAX,
            4503599627370496.0,
            2251799813685248.5,
            2251799813685247.5,
            (1u64 << 50) as f64 + 0.25,
            (1u64 << 53) as f64 + 2.0,
            0.045,
            1.45,
            1234.5,
            12345.5,
            -0.0049999,
            -0.005,
            0.00004999,
        ];
        for x in edges {
            check(x);
            check(-x);
            check(x * 1.0000000000000002);
            check(x / 1.0000000000000002);
        }
        // every half and quarter step near ties, and small integers
        for i in -4_000i64..4_000 {
            check(i as f64 / 200.0);
            check(i as f64 / 2e4);
            check(i as f64 / 2e6);
            check(i as f64 * 0.5);
            check(i as f64 / 8.0);
        }
    }

    #[test]
    fn floats_print_as_format_does_at_random() {
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(11);
        for _ in 0..40_000 {
            // random magnitudes over the whole range, and random bit patterns
            let mag = 10f64.powi(rng.random_range(-12..20));
            let x = (rng.random::<f64>() - 0.5) * mag;
            check(x);
            let bits = f64::from_bits(rng.random::<u64>());
            if bits.is_finite() {
                check(bits);
            }
            // values a few ulps from a decimal tie
            let k = rng.random_range(-1_000_000i64..1_000_000) as f64 + 0.5;
            for d in [2usize, 4, 6] {
                let t = k / POW10[d];
                for x in [t, t.next_up(), t.next_down(), t.next_up().next_up(), t.next_down().next_down()] {
                    assert_eq!(fast(x, d), format!("{x:.d$}"), "{x:e} with {d} decimals");
                }
            }
        }
    }

    #[test]
    fn non_finite_values_fall_back_to_format() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            check(x);
        }
    }

    #[test]
    fn integers() {
        for n in [0u64, 1, 9, 10, 99, 100, 12345, u32::MAX as u64, u64::MAX] {
            let mut buf = Vec::new();
            int(&mut buf, n);
            assert_eq!(String::from_utf8(buf).unwrap(), n.to_string());
        }
    }

    /// Names a world may hold (validation allows any non-empty text for firms and chips).
    const NAMES: [&str; 9] =
        ["plain", "Moonshot AI", "a,b", "say \"hi\"", "line\nbreak", "cr\rhere", "#hash", "=SUM(A1)", "\"\""];

    #[test]
    fn text_is_quoted_as_the_csv_crate_does() {
        for n in NAMES {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
            w.write_record([n, "x"]).unwrap();
            let want = w.into_inner().unwrap();
            let mut buf = Vec::new();
            text(&mut buf, n);
            buf.extend_from_slice(b",x\n");
            assert_eq!(String::from_utf8(buf).unwrap(), String::from_utf8(want).unwrap(), "{n:?}");
        }
    }

    fn random_f(rng: &mut impl RngExt) -> f64 {
        match rng.random_range(0..6) {
            0 => 0.0,
            1 => -0.0,
            2 => rng.random_range(-1e6..1e6),
            3 => rng.random_range(0.0..1.0),
            4 => rng.random_range(-10i32..10) as f64 * 0.00005,
            _ => 10f64.powi(rng.random_range(-8..18)) * (rng.random::<f64>() - 0.5),
        }
    }

    #[test]
    fn every_row_type_writes_the_bytes_of_the_serde_path() {
        use crate::sim::output::Payload;
        use crate::world::Month;
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(5);
        let names: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
        let fields: Vec<Field> = names.iter().map(|n| Field::new(n)).collect();
        let date = "2024-03".to_string();
        let prefix = month_prefix(7, &date);
        let (mut months, mut firms, mut chips) = (Vec::new(), Vec::new(), Vec::new());
        let (mut m_fast, mut f_fast, mut c_fast) =
            (header::<MonthRec>(), header::<FirmRec>(), header::<ChipRec>());
        for i in 0..3000 {
            let m = MonthRow {
                month: 7,
                hhi: random_f(&mut rng),
                cr4: random_f(&mut rng),
                independent_firms: rng.random(),
                independent_labs: rng.random(),
                startups_alive: rng.random(),
                entries: rng.random(),
                exits: rng.random(),
                acquisitions: rng.random(),
                pivots: rng.random(),
                team_transfers: rng.random(),
                top4_compute_share: random_f(&mut rng),
                compute_gini: random_f(&mut rng),
                chip_price_index: random_f(&mut rng),
                wage_index: random_f(&mut rng),
                vc_funding_musd: random_f(&mut rng),
                loans_outstanding_musd: random_f(&mut rng),
                banned_chip_units: rng.random(),
                total_revenue_musd: random_f(&mut rng),
                token_volume_ttok: random_f(&mut rng),
                token_price_usd_mtok: random_f(&mut rng),
                token_price_index: random_f(&mut rng),
                frontier_capability: random_f(&mut rng),
                open_floor: random_f(&mut rng),
                vacancies: rng.random(),
                seekers: rng.random(),
                consolidating: rng.random(),
            };
            month_row(&mut m_fast, &m, &prefix);
            months.push(MonthRec::new(&m, date.clone()));
            let f = FirmRow {
                month: 7,
                firm: (i % names.len()) as u32,
                tier: ["giant", "startup", "small"][i % 3],
                status: ["active", "acquired", "exited"][i % 3],
                owner: ((i * 7) % names.len()) as u32,
                cash_musd: random_f(&mut rng),
                debt_musd: random_f(&mut rng),
                compute_pflops: random_f(&mut rng),
                chip_units: rng.random(),
                researchers: rng.random(),
                capability: random_f(&mut rng),
                benchmark: random_f(&mut rng),
                revenue_musd: random_f(&mut rng),
                share: random_f(&mut rng),
                valuation_musd: random_f(&mut rng),
                units_by_chip: [0; crate::world::MAX_CHIPS],
            };
            firm_row(&mut f_fast, &f, &prefix, &fields);
            firms.push(FirmRec::new(&f, date.clone(), &names));
            let c = ChipRow {
                month: 7,
                chip: (i % names.len()) as u32,
                units_held: rng.random(),
                pflops_held: random_f(&mut rng),
                units_delivered: rng.random(),
                price_musd: random_f(&mut rng),
                banned: rng.random(),
            };
            chip_row(&mut c_fast, &c, &prefix, &fields);
            chips.push(ChipRec::new(&c, date.clone(), &names));
        }
        assert_eq!(String::from_utf8(m_fast).unwrap(), String::from_utf8(to_csv(months)).unwrap());
        assert_eq!(String::from_utf8(f_fast).unwrap(), String::from_utf8(to_csv(firms)).unwrap());
        assert_eq!(String::from_utf8(c_fast).unwrap(), String::from_utf8(to_csv(chips)).unwrap());

        let payloads = [
            Payload::ChipOrder { due: Month::new(2024, 3) },
            Payload::FundingRound { post_money_musd: 1234.0 },
            Payload::ChipDelivery { grey_market: true },
            Payload::TalentMove,
            Payload::Loan { collateral_units: 4, chip: Name::from("H800, \"PCIe\"") },
        ];
        let mut events = Vec::new();
        let mut e_fast = header::<EventRec>();
        for i in 0..3000 {
            let e = Event {
                month: 7,
                actor: Name::from(NAMES[i % NAMES.len()]),
                target: Name::from(NAMES[(i / 3) % NAMES.len()]),
                units: rng.random(),
                amount_musd: random_f(&mut rng),
                payload: payloads[i % payloads.len()].clone(),
            };
            event_row(&mut e_fast, &e, &prefix, &mut String::new());
            events.push(EventRec::new(&e, date.clone()));
        }
        assert_eq!(String::from_utf8(e_fast).unwrap(), String::from_utf8(to_csv(events)).unwrap());
    }
}
