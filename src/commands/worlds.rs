//! `chipban worlds`: list the worlds and sweeps built into the binary.

use super::AppError;
use crate::study::spec::{Design, SHIPPED as SWEEPS, SweepSpec, cell_count};
use crate::world::{self, shipped::names};
use std::path::Path;

/// A built-in world or sweep as `worlds` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// The name to give on the command line (`classroom`).
    pub name: String,
    /// The shipped file (`worlds/classroom.ron`).
    pub file: String,
    /// `72 months` for a world, `8 cells x 40 replicates` for a sweep.
    pub size: String,
    pub description: String,
    /// A file of this very name in the current folder, which a command uses instead.
    pub shadowed: bool,
}

/// The entry point: the built-in worlds, then the built-in sweeps.
pub fn main() -> Result<(), AppError> {
    print!("{}", summary(&shipped_worlds(), &shipped_sweeps()));
    Ok(())
}

/// Is there a file (not a folder) called `name` in the current folder?
fn shadowed(name: &str) -> bool {
    std::fs::metadata(Path::new(name)).is_ok_and(|m| !m.is_dir())
}

/// Each built-in world.
pub fn shipped_worlds() -> Vec<Listed> {
    world::SHIPPED
        .iter()
        .zip(names(world::SHIPPED))
        .filter_map(|((file, text), name)| {
            world::load_str(text, file).ok().map(|w| Listed {
                name: name.to_string(),
                file: format!("worlds/{file}"),
                size: format!("{} months", w.months),
                description: w.description,
                shadowed: shadowed(name),
            })
        })
        .collect()
}

/// Each built-in sweep.
pub fn shipped_sweeps() -> Vec<Listed> {
    SWEEPS
        .iter()
        .zip(names(SWEEPS))
        .filter_map(|((file, text), name)| {
            world::ron_options().from_str::<SweepSpec>(text).ok().map(|s| Listed {
                name: name.to_string(),
                file: format!("sweeps/{file}"),
                size: format!(
                    "{} {} x {} replicate{}",
                    cell_count(&s.design),
                    if matches!(s.design, Design::LatinHypercube { .. }) { "samples" } else { "cells" },
                    s.replicates,
                    if s.replicates == 1 { "" } else { "s" }
                ),
                description: s.description,
                shadowed: shadowed(name),
            })
        })
        .collect()
}

/// What `worlds` prints.
pub fn summary(worlds: &[Listed], sweeps: &[Listed]) -> String {
    let mut s = String::from(
        "Built-in worlds (chipban run NAME, also check, compare and calibrate; a file path works too):\n",
    );
    let line = |l: &Listed, width: usize| {
        let mut t = format!("  {:<12} {:<22} {:<width$}  {}\n", l.name, l.file, l.size, l.description);
        if l.shadowed {
            t.push_str(&format!(
                "  {:<12} (a file `{}` is in this folder: it is used instead)\n",
                "", l.name
            ));
        }
        t
    };
    worlds.iter().for_each(|l| s.push_str(&line(l, 10)));
    s.push_str("Built-in sweeps (chipban sweep NAME):\n");
    sweeps.iter().for_each(|l| s.push_str(&line(l, 24)));
    s.push_str("chipban export NAME [PATH] writes one to a file for editing; an existing file of the given name is always used before a built-in one.\n");
    s
}
