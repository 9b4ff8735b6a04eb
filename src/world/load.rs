//! Reading and writing world files (RON), with errors located at
//! `file:line:col`.

use super::error::{WorldError, did_you_mean};
use super::limits::MAX_SPEC_FILE_BYTES;
use super::schema::World;
use super::validate::{validate, validate_values};
use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;
use std::path::Path;

/// The RON options used for world files: `Option` fields may be written
/// as `Some(x)` or just `x`.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Parse a world from RON text and validate its values (not its sizes: a
/// world read back from an output folder may be as large as `--allow-large`
/// let it be; [`load_file`] and [`super::resolve`] check sizes too).
/// `origin` names the text in errors (usually the file path).
pub fn load_str(text: &str, origin: &str) -> Result<World, WorldError> {
    let world: World = ron_options().from_str(text).map_err(|e| syntax_error(&e, text, origin))?;
    validate_values(&world).map_err(|e| e.with_origin(origin))?;
    Ok(world)
}

/// Read, parse and validate a world file, values and sizes (every problem
/// at once). Only a regular file of at most [`MAX_SPEC_FILE_BYTES`] is
/// read. Errors name the path as given.
pub fn load_file(path: &Path) -> Result<World, WorldError> {
    let world = parse_file(path)?;
    validate(&world).map_err(|e| e.with_origin(&path.display().to_string()))?;
    Ok(world)
}

/// Read and parse a world file and validate its values, not yet its sizes
/// (`--set` and `--months` may still change them).
pub fn load_file_values(path: &Path) -> Result<World, WorldError> {
    let world = parse_file(path)?;
    validate_values(&world).map_err(|e| e.with_origin(&path.display().to_string()))?;
    Ok(world)
}

fn parse_file(path: &Path) -> Result<World, WorldError> {
    let shown = path.display().to_string();
    let text = read_spec_file(path, "world file")
        .map_err(|message| WorldError::Io { path: shown.clone(), message })?;
    ron_options().from_str(&text).map_err(|e| syntax_error(&e, &text, &shown))
}

/// The text of a world or sweep file (`what`), or why it cannot be read,
/// as a sentence: only a regular UTF-8 file of at most
/// [`MAX_SPEC_FILE_BYTES`] (a FIFO, a device or a huge file is refused
/// before reading).
pub fn read_spec_file(path: &Path, what: &str) -> Result<String, String> {
    crate::safe_read::text(path, MAX_SPEC_FILE_BYTES).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::IsADirectory => format!("is a directory, not a {what}"),
        std::io::ErrorKind::InvalidData => "not a text file (invalid UTF-8)".to_string(),
        std::io::ErrorKind::InvalidInput => format!("{e}; give a {what}"),
        std::io::ErrorKind::FileTooLarge => {
            format!("{e} (the limit for a {what} is {} MiB)", MAX_SPEC_FILE_BYTES >> 20)
        }
        _ => format!("cannot read: {e}"),
    })
}

/// The world as pretty RON with struct names, readable by [`load_str`].
pub fn to_ron(world: &World) -> String {
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    // A `World` holds only strings, numbers, bools, sequences, options and
    // enums, all of which RON can write: this cannot fail.
    ron::ser::to_string_pretty(world, config).expect("a World always serializes to RON")
}

/// Turn ron's error into a `Syntax` error at the start of its span, with a
/// "did you mean" hint for unknown names and a clearer word for a few of
/// ron's less helpful messages.
pub fn syntax_error(e: &SpannedError, text: &str, origin: &str) -> WorldError {
    let mut start = e.span.start;
    // ron may point at the blank before the offending value: move onto it.
    let rest = rest_of_line(text, start.line, start.col);
    let blank = rest.chars().take_while(|c| c.is_whitespace()).count();
    if blank > 0
        && !rest[rest.len() - rest.trim_start().len()..].is_empty()
        && !rest.trim_start().starts_with("//")
    {
        start.col += blank;
    }
    let mut message = e.code.to_string();
    match &e.code {
        RonError::NoSuchStructField { expected, found, .. }
        | RonError::NoSuchEnumVariant { expected, found, .. } => {
            message.push_str(&did_you_mean(found, expected.iter().copied()))
        }
        RonError::ExpectedComma | RonError::ExpectedStructLikeEnd | RonError::ExpectedArrayEnd
            if at_fraction(text, start.line, start.col) =>
        {
            message.push_str(" (this field takes a whole number: write it without a decimal point)");
        }
        RonError::IntegerOutOfBounds => {
            message.push_str(" (this field takes a whole number >= 0 that fits its type)");
        }
        RonError::ExpectedString if looks_like_month(rest_of_line(text, start.line, start.col)) => {
            message.push_str(" (write months in quotes, e.g. \"2023-10\")");
        }
        _ => {}
    }
    WorldError::Syntax { origin: origin.to_string(), line: start.line, col: start.col, message }
}

/// Is the text at (line, col) (1-based, in characters) the fractional part
/// of a number, like the `.5` of `60.5`? ron stops reading an integer there
/// and then complains about a missing comma.
fn at_fraction(text: &str, line: usize, col: usize) -> bool {
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return false;
    };
    let chars: Vec<char> = l.chars().collect();
    let i = col.saturating_sub(1);
    let here = chars.get(i).copied();
    let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
    matches!(here, Some('.' | 'e' | 'E')) && before.is_some_and(|c| c.is_ascii_digit())
}

/// The text of `line` from `col` on (1-based, in characters); empty if the
/// position is outside the text.
fn rest_of_line(text: &str, line: usize, col: usize) -> &str {
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return "";
    };
    match l.char_indices().nth(col.saturating_sub(1)) {
        Some((i, _)) => &l[i..],
        None => "",
    }
}

/// Does `s` start with an unquoted `YYYY-MM`?
fn looks_like_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = include_str!("../../tests/fixtures/tiny.ron");

    fn syntax(text: &str) -> (usize, usize, String) {
        match load_str(text, "t.ron") {
            Err(WorldError::Syntax { line, col, message, .. }) => (line, col, message),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    /// 1-based line number of the first line containing `needle`.
    fn line_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).map(|i| i + 1).expect("needle in fixture")
    }

    #[test]
    fn fixture_is_valid() {
        let w = load_str(TINY, "tiny.ron").expect("tiny.ron loads");
        assert_eq!(w.name, "tiny");
        assert_eq!(w.firms.len(), 4);
        assert_eq!(w.talent.pools.len(), 2);
        assert!(w.firms[1].chip_loans.is_some());
    }

    #[test]
    fn round_trip_through_ron() {
        let w = load_str(TINY, "tiny.ron").expect("tiny.ron loads");
        let text = to_ron(&w);
        assert!(text.contains("World("), "struct names are written");
        let back = load_str(&text, "round-trip").expect("written RON loads");
        assert_eq!(back, w);
    }

    #[test]
    fn round_trip_shipped_worlds() {
        for (name, text) in crate::world::SHIPPED {
            // The shipped files may still be placeholders; only check the
            // ones that load.
            if let Ok(w) = load_str(text, name) {
                let back = load_str(&to_ron(&w), name).expect("written RON loads");
                assert_eq!(back, w, "{name}");
            }
        }
    }

    #[test]
    fn implicit_some_is_enabled() {
        let text = TINY.replace(
            "chip_loans: Some(ChipLoanPlan(lender: \"ChipBank\", max_outstanding_musd: 300.0))",
            "chip_loans: ChipLoanPlan(lender: \"ChipBank\", max_outstanding_musd: 300.0)",
        );
        assert_ne!(text, TINY);
        let w = load_str(&text, "t.ron").expect("implicit Some loads");
        assert_eq!(w.firms[1].chip_loans.as_ref().map(|c| c.lender.as_str()), Some("ChipBank"));
    }

    #[test]
    fn unknown_field_is_located_with_hint() {
        let text = TINY.replace("    inertia: 0.8,", "    inertai: 0.8,");
        let (line, col, msg) = syntax(&text);
        assert_eq!(line, line_of(&text, "inertai"));
        assert_eq!(col, 9);
        assert!(msg.contains("`inertai`"), "{msg}");
        assert!(msg.contains("`benchmark_weight`"), "lists expected: {msg}");
        assert!(msg.ends_with("did you mean `inertia`?"), "{msg}");
    }

    /// One-line edits of `TINY` that break its syntax: the line (found by a
    /// needle) and column the error points at, and what it says.
    #[test]
    fn syntax_errors_are_located_with_hints() {
        // (replace, with, line of, column, the message contains)
        type Case = (&'static str, &'static str, Option<&'static str>, Option<usize>, &'static str);
        let cases: [Case; 6] = [
            ("tier: Giant,", "tier: Gaint,", Some("Gaint"), None, "did you mean `Giant`?"),
            ("        benchmark_weight: 0.3,", "", None, None, "missing field named `benchmark_weight`"),
            ("months: 12,", "months: 60.5,", Some("months: 60.5"), None, "whole number"),
            (
                "start: \"2022-01\"",
                "start: 2022-01",
                Some("start: 2022-01"),
                Some(12),
                "write months in quotes",
            ),
            ("seed: 7,", "seed: -7,", None, None, "whole number >= 0"),
            ("start: \"2022-01\"", "start: \"2022-13\"", Some("2022-13"), None, "outside 01..12"),
        ];
        for (from, to, at, col, says) in cases {
            let text = TINY.replace(from, to);
            let (line, c, msg) = syntax(&text);
            if let Some(needle) = at {
                assert_eq!(line, line_of(&text, needle), "{msg}");
            }
            if let Some(want) = col {
                assert_eq!(c, want, "{msg}");
            }
            assert!(msg.contains(says), "{msg}");
        }
    }

    #[test]
    fn invalid_world_uses_origin() {
        let text = TINY.replace("months: 12,", "months: 0,");
        match load_str(&text, "t.ron") {
            Err(e @ WorldError::Invalid { .. }) => {
                assert!(e.to_string().starts_with("t.ron: 1 problem"), "{e}")
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn missing_file_says_so() {
        let err = load_file(Path::new("/definitely/not/here.ron")).unwrap_err();
        assert_eq!(err.to_string(), "/definitely/not/here.ron: no such file");
    }
}
