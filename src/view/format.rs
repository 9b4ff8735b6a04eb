//! Every number, amount, share and sign as people read it, for charts,
//! the GIF, the HTML reports and the narration: one place, so a chart and
//! a report never write the same value two ways by accident. Where two
//! outputs deliberately write a value differently (`$1.2bn` in prose,
//! `US$1.2bn` on a chart axis, `$1.2B` in the GIF) each form has one named
//! function here. Pure functions of numbers; nothing here draws or reads a
//! run.

use crate::analysis::outcome::{Outcome, Reading};
use crate::world::limits::group_digits;

/// Money in USD millions as a reader expects it: `$0.05M`, `$2.6M`, `$120M`,
/// `$1.2bn`, `$12bn`; a trailing `.0` is dropped (`$2M`, `$1bn`).
pub fn money(musd: f64) -> String {
    let sign = if musd < 0.0 { "-" } else { "" };
    let a = musd.abs();
    let body = if a >= 999.5 {
        let bn = a / 1000.0;
        if bn >= 99.95 {
            format!("{}bn", thousands(bn.round() as u64))
        } else {
            format!("{}bn", trim0(bn, 1))
        }
    } else if a >= 9.95 {
        format!("{:.0}M", a)
    } else if a >= 0.095 {
        format!("{}M", trim0(a, 1))
    } else if a >= 0.005 {
        format!("{}M", trim0(a, 2))
    } else {
        return "$0".to_string();
    };
    format!("{sign}${body}")
}

/// `x` with `dp` decimals, without a trailing `.0` / `.00`.
fn trim0(x: f64, dp: usize) -> String {
    trim_zeros(format!("{x:.dp$}"))
}

// ---------------------------------------------------------------- amounts

/// An amount in USD millions as a short chart label: `US$1.2bn`, `US$330M`,
/// `US$2.5M`.
pub fn musd_label(v: f64) -> String {
    let v = v + 0.0; // no "-0"
    if v >= 1000.0 {
        let bn = format!("{:.1}", v / 1000.0);
        format!("US${}bn", bn.trim_end_matches(".0"))
    } else if v >= 10.0 {
        format!("US${v:.0}M")
    } else {
        format!("US${v:.1}M")
    }
}

/// USD millions as the market-race GIF writes them: `$173M`, `$1.3M`, `$2.4B`.
pub fn money_compact(musd: f64) -> String {
    if musd >= 1000.0 {
        format!("${:.1}B", musd / 1000.0)
    } else if musd >= 10.0 {
        format!("${musd:.0}M")
    } else {
        format!("${musd:.1}M")
    }
}

// ---------------------------------------------------------------- numbers

/// A number with thousands separators and no decimals, a tie rounded away
/// from zero: `12345.6` → `12,346`.
pub fn with_commas(v: f64) -> String {
    let n = v.round() as i64;
    let digits = group_digits(&n.unsigned_abs().to_string());
    if n < 0 { format!("-{digits}") } else { digits }
}

/// A number with about three significant digits and a true minus sign:
/// `2,455`, `360`, `−6.3`, `0.42` (tables and sentences of the reports).
pub fn num(v: f64) -> String {
    minus(&three_digits(v, 1.0))
}

/// A value in a chart tile or label: `2,455`, `38.2`, `0.62`.
pub fn value_label(v: f64) -> String {
    three_digits(v, 10.0)
}

/// About three significant digits: separators from 1,000, whole numbers
/// from 100, one decimal from `one_decimal_from`, two below.
fn three_digits(v: f64, one_decimal_from: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        with_commas(v)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= one_decimal_from {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A number for an axis whose visible range is `span` wide, with a true minus.
pub fn tick(v: f64, span: f64) -> String {
    let v = if v.abs() < span.abs() * 1e-9 { 0.0 } else { v };
    let s = if span >= 50.0 {
        with_commas(v)
    } else if span >= 5.0 {
        trim_zeros(format!("{v:.1}"))
    } else if span >= 0.5 {
        trim_zeros(format!("{v:.2}"))
    } else {
        trim_zeros(format!("{v:.3}"))
    };
    minus(&s)
}

/// A decimal without trailing zeros (and without a trailing point).
fn trim_zeros(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// A long decimal as written in the CSV files (`0.7001077918710875`) cut to
/// four significant digits (`0.7001`) for reading; anything else unchanged.
pub fn short_number(s: &str) -> String {
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && digits > 6 && s.contains('.') => {
            let mag = if v == 0.0 { 0 } else { v.abs().log10().floor() as i32 };
            let dp = (3 - mag).max(0) as usize;
            trim_zeros(format!("{v:.dp$}"))
        }
        _ => s.to_string(),
    }
}

/// Compute in PFLOPS: whole numbers with separators from 100 up, else one decimal.
pub fn pflops(v: f64) -> String {
    if v >= 100.0 { thousands(v.round() as u64) } else { format!("{v:.1}") }
}

// ---------------------------------------------------------------- signs

/// A number written with a true minus sign.
pub fn minus(s: &str) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s.to_string(),
    }
}

/// The sign to write before the magnitude `digits` of `v`: none when the
/// digits round to zero, else `+` or a true minus.
pub fn sign(digits: &str, v: f64) -> &'static str {
    if digits.trim_matches(|c| c == '0' || c == '.' || c == ',').is_empty() {
        ""
    } else if v > 0.0 {
        "+"
    } else {
        "−"
    }
}

/// A signed difference with `digits` decimals: `+3.20`, `−1,234`, `0.00`.
pub fn signed(v: f64, digits: usize) -> String {
    let s = if v.abs() >= 1000.0 { with_commas(v.abs()) } else { format!("{:.digits$}", v.abs()) };
    format!("{}{s}", sign(&s, v))
}

/// A correlation as `+0.48` / `−0.37` / `0.00` (no sign when it rounds to zero).
pub fn rho(r: f64) -> String {
    let s = format!("{:.2}", r.abs());
    format!("{}{s}", sign(&s, r))
}

// ---------------------------------------------------------------- shares

/// A share (0..1) as a percentage with sensible precision (charts):
/// `0.2756` → `27.6%`, `0.00236` → `0.24%`, `0.00004` → `<0.01%`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p <= 0.0 {
        "0%".into()
    } else if p < 0.01 {
        "<0.01%".into()
    } else if p < 1.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A revenue share as the run report writes it: whole percent from 10%,
/// more decimals below.
pub fn share(x: f64) -> String {
    let p = 100.0 * x;
    if p >= 10.0 {
        format!("{p:.0}%")
    } else if p >= 1.0 {
        format!("{p:.1}%")
    } else if p >= 0.005 {
        format!("{p:.2}%")
    } else if p > 0.0 {
        "<0.01%".to_string()
    } else {
        "0%".to_string()
    }
}

// ---------------------------------------------------------------- outcomes

/// A mean or a bound of an outcome as a reader expects it (shares of runs
/// as percentages): `40%`, `2,455`, `0.62`, `−6.3`.
pub fn outcome_value(o: Outcome, v: f64) -> String {
    match o.reading() {
        Reading::ShareOfRuns => format!("{:.0}%", 100.0 * v),
        Reading::Hhi => hhi(v),
        Reading::Fraction => format!("{v:.2}"),
        Reading::Number => num(v),
    }
}

/// A difference of an outcome, signed (shares of runs in percentage points):
/// `+50 pp`, `−3.4 pp`, `+0.012`, `−6.0`.
pub fn outcome_diff(o: Outcome, v: f64) -> String {
    let (s, unit) = match o.reading() {
        Reading::ShareOfRuns => {
            let pp = 100.0 * v;
            (if pp.abs() >= 9.95 { format!("{:.0}", pp.abs()) } else { format!("{:.1}", pp.abs()) }, " pp")
        }
        Reading::Fraction => (format!("{:.3}", v.abs()), ""),
        Reading::Hhi | Reading::Number => (num(v.abs()), ""),
    };
    format!("{}{s}{unit}", sign(&s, v))
}

/// A whole number with thousands separators: `12,000`.
pub fn thousands(n: u64) -> String {
    crate::world::limits::group(n)
}

/// A number with separators, rounded the way `{:.0}` rounds (a tie to the
/// even neighbour: `2452.5` → `2,452`), as the GIF and the compute axis
/// write them; no `-0`.
pub fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let body = group_digits(&digits);
    if v < 0.0 && digits != "0" { format!("-{body}") } else { body }
}

/// An HHI value (0–10,000) rounded to a whole number with separators.
pub fn hhi(x: f64) -> String {
    thousands(x.max(0.0).round() as u64)
}

/// A fraction 0..1 as a whole percentage: `0.354` → `35%`.
pub fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// `n` and the noun, singular or plural: `1 order`, `3 orders`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// First letter upper-case: `the US bans` → `The US bans`.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_like_a_newspaper() {
        let cases = [
            (120.4, "$120M"),
            (1234.0, "$1.2bn"),
            (1000.0, "$1bn"),
            (999.4, "$999M"),
            (999.6, "$1bn"),
            (12_345.0, "$12.3bn"),
            (150_000.0, "$150bn"),
            (2.5757, "$2.6M"),
            (2.0, "$2M"),
            (9.96, "$10M"),
            (0.3, "$0.3M"),
            (0.05, "$0.05M"),
            (0.0, "$0"),
            (-3.25, "-$3.2M"),
        ];
        for (musd, want) in cases {
            assert_eq!(money(musd), want, "money({musd})");
        }
    }

    #[test]
    fn counts_and_lists() {
        for (n, want) in [(0, "0"), (999, "999"), (1000, "1,000"), (1_234_567, "1,234,567")] {
            assert_eq!(thousands(n), want);
        }
        assert_eq!(count(1, "order", "orders"), "1 order");
        assert_eq!(count(1200, "order", "orders"), "1,200 orders");
        assert_eq!(hhi(2455.01), "2,455");
        assert_eq!(pct(0.354), "35%");
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_and(&s(&[])), "");
        assert_eq!(join_and(&s(&["A800"])), "A800");
        assert_eq!(join_and(&s(&["A800", "H800"])), "A800 and H800");
        assert_eq!(join_and(&s(&["A", "B", "C"])), "A, B and C");
    }
}
