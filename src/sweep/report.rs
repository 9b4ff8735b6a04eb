//! The study report (written by the charts helper).
