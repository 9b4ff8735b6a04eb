//! Errors from reading, validating and overriding a world. Every variant is
//! a user error (a bad file, a bad value, a bad `--set`): the CLI prints it
//! and exits with code 2.

/// What went wrong with a world file or a `--set` override.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    /// The file could not be read (missing, a directory, not UTF-8, ...).
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// The text is not a well-formed world: RON syntax, an unknown or
    /// missing field, a value of the wrong type. `line` and `col` are 1-based.
    #[error("{origin}:{line}:{col}: {message}")]
    Syntax { origin: String, line: usize, col: usize, message: String },
    /// The world parses but its values do not make sense; one line per
    /// problem, each naming the offending field.
    #[error("{origin}: {} problem{} in the world:{}", problems.len(), plural(problems.len()), listed(problems))]
    Invalid { origin: String, problems: Vec<String> },
    /// One or more `--set PATH=VALUE` overrides could not be applied.
    #[error("{} bad --set override{}:{}", problems.len(), plural(problems.len()), listed(problems))]
    Override { problems: Vec<String> },
}

impl WorldError {
    /// The same error reported against another origin (e.g. a file path
    /// instead of the world's name). `Io` and `Override` are unchanged.
    pub fn with_origin(self, origin: &str) -> Self {
        match self {
            WorldError::Syntax { line, col, message, .. } => {
                WorldError::Syntax { origin: origin.to_string(), line, col, message }
            }
            WorldError::Invalid { problems, .. } => {
                WorldError::Invalid { origin: origin.to_string(), problems }
            }
            other => other,
        }
    }

    /// The individual problems (one for `Io` and `Syntax`).
    pub fn problems(&self) -> Vec<String> {
        match self {
            WorldError::Invalid { problems, .. } | WorldError::Override { problems } => problems.clone(),
            WorldError::Io { message, .. } | WorldError::Syntax { message, .. } => {
                vec![message.clone()]
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The problems as an indented list, one per line.
fn listed(problems: &[String]) -> String {
    problems.iter().map(|p| format!("\n  - {p}")).collect()
}

/// Edit distance between two names (optimal string alignment: insertions,
/// deletions, substitutions and swaps of neighbours each cost 1),
/// ignoring ASCII case.
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// The expected name closest to `found`, if one is close enough to be a
/// likely typo (or `found` is the expected name without its unit suffix,
/// like `cash` for `cash_musd`).
pub(crate) fn closest<'a, I>(found: &str, expected: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (found.chars().count() / 3).max(1);
    let lower = found.to_ascii_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for name in expected {
        if name == found {
            continue;
        }
        let d = edit_distance(found, name);
        let prefix = lower.len() >= 3 && name.to_ascii_lowercase().starts_with(&lower);
        let score = if d <= limit {
            d
        } else if prefix {
            limit + 1
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, name));
        }
    }
    best.map(|(_, name)| name)
}

/// `"; did you mean `x`?"` when some expected name is close to `found`,
/// else an empty string.
pub(crate) fn did_you_mean<'a, I>(found: &str, expected: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match closest(found, expected) {
        Some(name) => format!("; did you mean `{name}`?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("seed", "seed"), 0);
        assert_eq!(edit_distance("sead", "seed"), 1);
        assert_eq!(edit_distance("inertai", "inertia"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("Giant", "giant"), 0);
    }

    #[test]
    fn suggests_close_names_only() {
        let fields = ["name", "cash_musd", "capability", "share"];
        assert_eq!(closest("cash_mud", fields), Some("cash_musd"));
        assert_eq!(closest("cash", fields), Some("cash_musd"));
        assert_eq!(closest("shrae", fields), Some("share"));
        assert_eq!(closest("xyzzy", fields), None);
        assert_eq!(did_you_mean("nmae", fields), "; did you mean `name`?");
        assert_eq!(did_you_mean("zzz", fields), "");
    }

    #[test]
    fn display_formats() {
        let e = WorldError::Syntax { origin: "w.ron".into(), line: 4, col: 5, message: "oops".into() };
        assert_eq!(e.to_string(), "w.ron:4:5: oops");
        let e = WorldError::Invalid { origin: "w.ron".into(), problems: vec!["a".into(), "b".into()] };
        assert_eq!(e.to_string(), "w.ron: 2 problems in the world:\n  - a\n  - b");
        let e = WorldError::Invalid { origin: "x".into(), problems: vec!["a".into()] }.with_origin("y.ron");
        assert_eq!(e.to_string(), "y.ron: 1 problem in the world:\n  - a");
        let e = WorldError::Io { path: "nope.ron".into(), message: "no such file".into() };
        assert_eq!(e.to_string(), "nope.ron: no such file");
    }
}
