//! The three HTML reports: a run's, a study's and a comparison's.

pub mod compare_report;
pub mod page;
pub mod run_report;
pub mod study_report;

pub use run_report::report;
