//! `chipban worlds`: list the worlds shipped inside the binary.

use super::AppError;
use crate::world;

/// The entry point: one line per shipped world.
pub fn main() -> Result<(), AppError> {
    print!("{}", summary(&shipped_worlds()));
    Ok(())
}

/// (file name, world name, months, description) of each shipped world.
pub fn shipped_worlds() -> Vec<(String, String, u32, String)> {
    world::SHIPPED
        .iter()
        .filter_map(|(file, text)| {
            world::load_str(text, file)
                .ok()
                .map(|w| (format!("worlds/{file}"), w.name, w.months, w.description))
        })
        .collect()
}

/// What `worlds` prints.
pub fn summary(worlds: &[(String, String, u32, String)]) -> String {
    worlds
        .iter()
        .map(|(file, name, months, desc)| format!("{file:<24} {name:<10} {months:>3} months  {desc}\n"))
        .collect()
}
