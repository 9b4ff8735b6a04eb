//! Everything people look at: number formatting, the theme, run, study and
//! comparison charts, the market-race GIF, the HTML reports and the
//! narration. The view reads the record (or a study/comparison) and writes
//! no files itself: it returns rendered bytes to the command that asked.

pub mod axis;
pub mod charts;
pub mod compare_charts;
pub mod explore;
pub mod facts;
pub mod format;
pub mod hover;
pub mod html;
pub mod legend;
pub mod narrate;
pub mod panels;
pub mod race;
pub mod registry;
pub mod rules;
pub mod study_charts;
pub mod text;
pub mod theme;
