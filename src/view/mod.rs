//! Everything people look at: number formatting, the theme, run, study and
//! comparison charts, the market-race GIF, the HTML reports and the
//! narration. The view reads the record (or a study/comparison) and writes
//! no files itself: it returns rendered bytes to the command that asked.

pub mod charts;
pub mod common_charts;
pub mod compare_charts;
pub mod format;
pub mod html;
pub mod narrate;
pub mod race;
pub mod study_charts;
pub mod theme;
