//! The systems, one file per step of the month (the order is written once,
//! in `monthly_schedule`), and the `SystemParam` bundles they share. Each
//! system is named for what it does; its parameters are its contract.

pub mod acquisitions;
pub mod chips;
pub mod entry;
pub mod finance;
pub mod funding;
pub mod market;
pub mod params;
pub mod policy;
pub mod pricing;
pub mod record_month;
pub mod research;
pub mod strategy;
pub mod talent;
