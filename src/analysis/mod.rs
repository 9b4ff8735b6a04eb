//! Pure maths over finished runs: statistics (t intervals, quantiles,
//! rank correlation, regression), survival analysis (Kaplan–Meier) and a
//! deterministic parallel map, and the verdict on an effect's size
//! ([`materiality`]). Nothing here reads or writes files. The
//! outcome table ([`outcome::Outcome`]) names what studies and comparisons
//! measure.

pub mod materiality;
pub mod outcome;
pub mod parallel;
pub mod stats;
pub mod survival;
