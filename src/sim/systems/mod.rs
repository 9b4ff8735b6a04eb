//! One file per system, in the order of the month (see `monthly_schedule`).

pub mod acquisitions;
pub mod chips;
pub mod entry;
pub mod finance;
pub mod funding;
pub mod market;
pub mod metrics;
pub mod policy;
pub mod research;
pub mod talent;
