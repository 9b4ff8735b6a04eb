//! Calendar months: the model's clock. A `Month` is a count of months since
//! year 0, written and read as `"YYYY-MM"` in world files and outputs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar month, `year * 12 + (month - 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    pub fn new(year: i32, month: u32) -> Self {
        Month(year * 12 + month as i32 - 1)
    }
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }
    pub fn month(self) -> u32 {
        (self.0.rem_euclid(12) + 1) as u32
    }
    /// This month plus `n` months (n may be negative).
    pub fn plus(self, n: i32) -> Self {
        Month(self.0 + n)
    }
    /// Months from `earlier` to `self` (negative if `self` is earlier).
    pub fn since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }
    /// Parse `YYYY-MM`; the error says what was expected.
    pub fn parse(s: &str) -> Result<Self, MonthError> {
        let bad = || MonthError::NotAMonth(s.to_string());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let y: i32 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&m) {
            return Err(MonthError::OutOfRange { text: s.to_string(), month: m });
        }
        Ok(Month::new(y, m))
    }
}

/// A text that is not a `YYYY-MM` month.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    #[error("`{0}` is not a month: expected \"YYYY-MM\", e.g. \"2023-10\"")]
    NotAMonth(String),
    #[error("`{text}`: month {month} is outside 01..12")]
    OutOfRange { text: String, month: u32 },
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Month::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_arithmetic() {
        let m = Month::parse("2023-10").unwrap();
        assert_eq!(m.to_string(), "2023-10");
        assert_eq!(m.plus(3).to_string(), "2024-01");
        assert_eq!(m.plus(-10).to_string(), "2022-12");
        assert_eq!(m.since(Month::parse("2022-01").unwrap()), 21);
    }

    #[test]
    fn rejects_bad_months() {
        assert!(Month::parse("2023-13").is_err());
        assert!(Month::parse("2023/10").is_err());
        assert!(Month::parse("23-10").is_err());
    }
}
