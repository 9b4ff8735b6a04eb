//! Charts of a sweep (written by the charts helper).
