//! `--set PATH=VALUE` overrides, applied generically over the serde tree of
//! a world: the world is turned into a JSON value, the path is walked
//! (object keys and `[i]` indexes), the value is replaced, and the whole
//! tree is read back into a `World`, so any field of the schema can be set
//! and type errors come from serde.
//!
//! VALUE is RON (`0.5`, `"text"`, `Giant`, `None`, `Some(3)`,
//! `Chip("A100")`, `Uniform(0.1, 0.5)`, `[("A100", 10)]`, ...). Anything
//! that is not RON is taken as a plain string, so `2023-06` is the month
//! "2023-06" and `Baichuan 2` a name.

use super::error::{WorldError, closest, did_you_mean};
use super::load::ron_options;
use super::schema::World;
use serde::Deserialize;
use serde_json::Value;

/// Why one `--set PATH=VALUE` cannot be applied (the path walk, the value,
/// or the type the schema wants); `WorldError::Override` lists them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error("expected PATH=VALUE, e.g. market.inertia=0.5")]
    NoEquals,
    #[error("empty path: expected PATH=VALUE, e.g. market.inertia=0.5")]
    EmptyPath,
    #[error("bad path `{path}`: {why}")]
    BadPath { path: String, why: String },
    #[error("{at} has no field `{key}`{hint} (fields: {fields})")]
    NoField { at: String, key: String, hint: String, fields: String },
    #[error(
        "index [{index}] is out of range: {at} has {len} element{}{}",
        if *len == 1 { "" } else { "s" },
        if *len == 0 { String::new() } else { format!(" (indexes 0..={})", len - 1) }
    )]
    OutOfRange { at: String, index: usize, len: usize },
    #[error("{at} is a list of {len} elements, not a struct: use an index, e.g. `[0]`, before `.{key}`")]
    NotAStruct { at: String, len: usize, key: String },
    #[error("{at} is {kind}, not a list: `[{index}]` does not apply")]
    NotAList { at: String, kind: &'static str, index: usize },
    #[error("{at} is {kind}, it has no {what}{}", if *empty { "; set the whole value first, e.g. with Some(...)" } else { "" })]
    NoPart { at: String, kind: &'static str, what: String, empty: bool },
    #[error("{at}: missing")]
    Missing { at: String },
    #[error("`{0}` is not a finite number")]
    NotFinite(String),
    /// The value does not fit the schema: serde's message (with a "did you mean").
    #[error("{0}")]
    Schema(String),
    #[error("cannot read the world: {0}")]
    Unreadable(String),
}

/// Apply every `PATH=VALUE` in `sets`, in order (a later set of the same
/// path wins). All problems are collected before returning. The result is
/// not validated: callers run `validate` on it.
pub fn apply_overrides(world: World, sets: &[String]) -> Result<World, WorldError> {
    if sets.is_empty() {
        return Ok(world);
    }
    let mut root = serde_json::to_value(&world).map_err(|e| WorldError::Override {
        problems: vec![format!("this world cannot be edited with --set: {e}")],
    })?;
    let mut problems = Vec::new();
    for set in sets {
        match apply_one(&root, set) {
            Ok(next) => root = next,
            Err(p) => problems.push(format!("--set {set}: {p}")),
        }
    }
    if !problems.is_empty() {
        return Err(WorldError::Override { problems });
    }
    World::deserialize(&root).map_err(|e| WorldError::Override { problems: vec![format!("--set: {e}")] })
}

/// The current value at `path` in `world` (as a JSON value), or why the
/// path does not exist. Used by sweeps to learn a parameter's type.
pub fn value_at(world: &World, path: &str) -> Result<Value, OverrideError> {
    let mut root = serde_json::to_value(world).map_err(|e| OverrideError::Unreadable(e.to_string()))?;
    let segs = parse_path(path.trim())?;
    walk(&mut root, &segs).map(|v| v.clone())
}

/// One step of a path: a field name or a list index.
#[derive(Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Split `a.b[2].c` (or `a.b.2.c`) into segments.
fn parse_path(path: &str) -> Result<Vec<Seg>, OverrideError> {
    let bad = |why: &str| OverrideError::BadPath { path: path.to_string(), why: why.to_string() };
    if path.trim().is_empty() {
        return Err(OverrideError::EmptyPath);
    }
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() && rest.is_empty() {
            return Err(bad("empty field name"));
        }
        if !key.is_empty() {
            if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(bad(&format!("`{key}` is not a field name")));
            }
            match key.parse::<usize>() {
                Ok(i) => segs.push(Seg::Index(i)),
                Err(_) => segs.push(Seg::Key(key.to_string())),
            }
        } else if segs.is_empty() {
            return Err(bad("it must start with a field name"));
        }
        while !rest.is_empty() {
            let Some(close) = rest.find(']') else {
                return Err(bad("missing `]`"));
            };
            let inner = &rest[1..close];
            let i = inner
                .trim()
                .parse::<usize>()
                .map_err(|_| bad(&format!("`[{inner}]` is not a list index like `[0]`")))?;
            segs.push(Seg::Index(i));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(bad(&format!("unexpected `{rest}` after `]`")));
            }
        }
    }
    Ok(segs)
}

/// Short description of a JSON value's kind, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty (None)",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a struct",
    }
}

/// The slot at `segs` in `root`, or a message saying where the walk failed.
fn walk<'a>(root: &'a mut Value, segs: &[Seg]) -> Result<&'a mut Value, OverrideError> {
    let mut here = root;
    let mut at = String::from("the world");
    for seg in segs {
        here = match (seg, here) {
            (Seg::Key(k), Value::Object(map)) => {
                if !map.contains_key(k) {
                    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                    let hint = did_you_mean(k, keys.iter().copied());
                    let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                    return Err(OverrideError::NoField { at, key: k.clone(), hint, fields: list.join(", ") });
                }
                at = if at == "the world" {
                    format!("`{k}`")
                } else {
                    format!("{}.{k}`", at.trim_end_matches('`'))
                };
                map.get_mut(k).ok_or_else(|| OverrideError::Missing { at: at.clone() })?
            }
            (Seg::Index(i), Value::Array(items)) => {
                let len = items.len();
                if *i >= len {
                    return Err(OverrideError::OutOfRange { at, index: *i, len });
                }
                at = format!("{}[{i}]`", at.trim_end_matches('`'));
                &mut items[*i]
            }
            (Seg::Key(k), Value::Array(items)) => {
                return Err(OverrideError::NotAStruct { at, len: items.len(), key: k.clone() });
            }
            (Seg::Index(i), other) if !other.is_null() => {
                return Err(OverrideError::NotAList { at, kind: kind(other), index: *i });
            }
            (seg, other) => {
                let what = match seg {
                    Seg::Key(k) => format!("field `{k}`"),
                    Seg::Index(i) => format!("index `[{i}]`"),
                };
                return Err(OverrideError::NoPart { at, kind: kind(other), what, empty: other.is_null() });
            }
        };
    }
    Ok(here)
}

/// RON text as a JSON value. An `untagged` wrapper makes serde buffer the
/// value, and ron then keeps enum names: `Giant` becomes `"Giant"` and
/// `Chip("A100")` becomes `{"Chip": "A100"}`, the way serde_json writes
/// enums (a plain `serde_json::Value` would get `null` and `["A100"]`).
#[derive(Deserialize)]
#[serde(untagged)]
enum AnyRon {
    Value(Value),
}

/// Parse VALUE: RON if it is RON, else the text itself as a string.
fn parse_value(text: &str) -> Result<Value, OverrideError> {
    let t = text.trim();
    if matches!(t.trim_start_matches(['+', '-']), "NaN" | "inf" | "NaNf32" | "NaNf64" | "inff32" | "inff64") {
        return Err(OverrideError::NotFinite(t.to_string()));
    }
    match ron_options().from_str::<AnyRon>(t) {
        Ok(AnyRon::Value(v)) => Ok(v),
        Err(_) => Ok(Value::String(t.to_string())),
    }
}

/// Make `new` fit the kind of value it replaces where that is unambiguous:
/// a whole float for an integer becomes an integer, and a bare number or
/// bool for a string becomes the text itself (e.g. a name `2024`).
fn coerce(old: &Value, new: Value, text: &str) -> Value {
    match (old, &new) {
        (Value::Number(o), Value::Number(n)) if (o.is_u64() || o.is_i64()) && n.is_f64() => {
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f >= 0.0 && f <= u64::MAX as f64 => Value::from(f as u64),
                Some(f) if f.fract() == 0.0 && f < 0.0 && f >= i64::MIN as f64 => Value::from(f as i64),
                _ => new,
            }
        }
        (Value::String(_), Value::Number(_) | Value::Bool(_)) => Value::String(text.trim().to_string()),
        _ => new,
    }
}

/// `value` with struct names dropped: `{"Antitrust": {..fields..}}`, as
/// ron reports `Antitrust(hhi_threshold: ..)`, becomes `{..fields..}`.
/// Used as a second try when the value with names does not fit.
fn strip_struct_names(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            if map.len() == 1
                && let Some((k, Value::Object(inner))) = map.iter().next()
                && k.starts_with(|c: char| c.is_ascii_uppercase())
            {
                return strip_struct_names(&Value::Object(inner.clone()));
            }
            Value::Object(map.iter().map(|(k, v)| (k.clone(), strip_struct_names(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(strip_struct_names).collect()),
        other => other.clone(),
    }
}

/// `root` with one `PATH=VALUE` applied, or why it cannot be.
fn apply_one(root: &Value, set: &str) -> Result<Value, OverrideError> {
    let Some((path, text)) = set.split_once('=') else {
        return Err(OverrideError::NoEquals);
    };
    let segs = parse_path(path.trim())?;
    let parsed = parse_value(text)?;
    let mut first_err = None;
    let mut tries = vec![parsed.clone()];
    let stripped = strip_struct_names(&parsed);
    if stripped != parsed {
        tries.push(stripped);
    }
    for value in tries {
        let mut next = root.clone();
        let slot = walk(&mut next, &segs)?;
        *slot = coerce(slot, value, text);
        match World::deserialize(&next) {
            Ok(_) => return Ok(next),
            Err(e) => {
                first_err.get_or_insert(e.to_string());
            }
        }
    }
    Err(OverrideError::Schema(explain(first_err.unwrap_or_default())))
}

/// serde's message, with a "did you mean" for an unknown variant.
fn explain(msg: String) -> String {
    // "unknown variant `Gaint`, expected one of `Giant`, `Startup`, `Small`"
    if let Some(rest) = msg.strip_prefix("unknown variant `")
        && let Some((found, expected)) = rest.split_once('`')
    {
        let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        if let Some(name) = closest(found, names.iter().copied()) {
            return format!("{msg}; did you mean `{name}`?");
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{Coverage, Dist, Month, Tier, load_str};

    const TINY: &str = include_str!("../../tests/fixtures/tiny.ron");

    fn tiny() -> World {
        load_str(TINY, "tiny.ron").expect("tiny.ron is valid")
    }

    fn set(sets: &[&str]) -> Result<World, WorldError> {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        apply_overrides(tiny(), &sets)
    }

    fn problems(sets: &[&str]) -> Vec<String> {
        match set(sets) {
            Err(WorldError::Override { problems }) => problems,
            other => panic!("expected an override error, got {other:?}"),
        }
    }

    #[test]
    fn round_trip_through_json_is_lossless() {
        let w = tiny();
        let v = serde_json::to_value(&w).expect("to json");
        assert_eq!(World::deserialize(&v).expect("from json"), w);
        assert_eq!(apply_overrides(w.clone(), &[]).expect("no sets"), w);
        for (name, text) in crate::world::SHIPPED {
            if let Ok(w) = load_str(text, name) {
                let v = serde_json::to_value(&w).expect("to json");
                assert_eq!(World::deserialize(&v).expect("from json"), w, "{name}");
            }
        }
    }

    #[test]
    fn month_override() {
        let w = set(&["policy.rules[0].effective=2022-11", "start=\"2021-06\""]).expect("ok");
        assert_eq!(w.policy.rules[0].effective, Month::new(2022, 11));
        assert_eq!(w.start, Month::new(2021, 6));
        let p = problems(&["start=2022-13"]);
        assert_eq!(p.len(), 1);
        assert!(p[0].contains("month 13 is outside 01..12"), "{p:?}");
        let p = problems(&["start=2023"]);
        assert!(p[0].contains("`2023` is not a month"), "{p:?}");
    }

    #[test]
    fn integer_overrides() {
        let w = set(&["talent.pools[0].size=450", "months=24", "seed=99"]).expect("ok");
        assert_eq!(w.talent.pools[0].size, 450);
        assert_eq!(w.months, 24);
        assert_eq!(w.seed, 99);
        assert_eq!(set(&["months=36.0"]).expect("whole float").months, 36);
        let p = problems(&["months=60.5"]);
        assert_eq!(p, vec!["--set months=60.5: invalid type: floating point `60.5`, expected u32"]);
    }

    #[test]
    fn float_overrides() {
        let w = set(&[
            "market.inertia=0.6",
            "firms[2].strategy.risk=0.75",
            "firms.3.cash_musd=12",
            "chips.suppliers[1].tpp=4800",
        ])
        .expect("ok");
        assert_eq!(w.market.inertia, 0.6);
        assert_eq!(w.firms[2].strategy.risk, 0.75);
        assert_eq!(w.firms[3].cash_musd, 12.0);
        assert_eq!(w.chips.suppliers[1].tpp, 4800.0);
    }

    #[test]
    fn enums_strings_and_lists() {
        let w = set(&[
            "firms[3].tier=Startup",
            "firms[3].name=Baichuan 2",
            "description=\"a = b\"",
            "policy.rules[0].covers=[Chip(\"A800\"), TppAtLeast(4800)]",
            "cohorts[0].risk=Uniform(0.2, 0.4)",
            "cohorts[0].cash_musd=LogNormal(median: 5.0, sigma: 1.0)",
            "firms[0].chips=[(\"A800\", 5)]",
        ])
        .expect("ok");
        assert_eq!(w.firms[3].tier, Tier::Startup);
        assert_eq!(w.firms[3].name, "Baichuan 2");
        assert_eq!(w.description, "a = b");
        assert_eq!(
            w.policy.rules[0].covers,
            vec![Coverage::Chip("A800".into()), Coverage::TppAtLeast(4800.0)]
        );
        assert_eq!(w.cohorts[0].risk, Dist::Uniform(0.2, 0.4));
        assert_eq!(w.cohorts[0].cash_musd, Dist::LogNormal { median: 5.0, sigma: 1.0 });
        assert_eq!(w.firms[0].chips, vec![("A800".to_string(), 5)]);
        let p = problems(&["firms[0].tier=Gaint"]);
        assert!(p[0].contains("unknown variant `Gaint`"), "{p:?}");
        assert!(p[0].ends_with("did you mean `Giant`?"), "{p:?}");
    }

    #[test]
    fn options() {
        let w = set(&["firms[1].chip_loans=None", "investors[0].loan=None"]).expect("ok");
        assert_eq!(w.firms[1].chip_loans, None);
        let w = set(&["acquisitions.antitrust=Some((hhi_threshold: 1800, delta_threshold: 100))"])
            .expect("Some(struct)");
        let at = w.acquisitions.antitrust.expect("set");
        assert_eq!((at.hhi_threshold, at.delta_threshold), (1800.0, 100.0));
        // Implicit Some, and a struct name, are accepted too.
        let w = set(&["acquisitions.antitrust=Antitrust(hhi_threshold: 2000, delta_threshold: 50)"])
            .expect("named struct");
        assert_eq!(w.acquisitions.antitrust.map(|a| a.hhi_threshold), Some(2000.0));
        // Then a field inside it, in the same command line.
        let w = set(&[
            "acquisitions.antitrust=(hhi_threshold: 1800, delta_threshold: 100)",
            "acquisitions.antitrust.delta_threshold=200",
        ])
        .expect("nested after Some");
        assert_eq!(w.acquisitions.antitrust.map(|a| a.delta_threshold), Some(200.0));
        let p = problems(&["acquisitions.antitrust.hhi_threshold=1800"]);
        assert!(p[0].contains("`acquisitions.antitrust` is empty (None)"), "{p:?}");
        assert!(p[0].contains("Some(...)"), "{p:?}");
    }

    #[test]
    fn unknown_paths() {
        let p = problems(&["market.inertai=0.5"]);
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with(
                "--set market.inertai=0.5: `market` has no field `inertai`; did you mean `inertia`?"
            ),
            "{p:?}"
        );
        assert!(p[0].contains("`benchmark_weight`"), "lists fields: {p:?}");
    }

    #[test]
    fn index_out_of_range() {
        let p = problems(&["firms[7].cash_musd=1"]);
        assert_eq!(
            p,
            vec![
                "--set firms[7].cash_musd=1: index [7] is out of range: `firms` has 4 elements (indexes 0..=3)"
            ]
        );
    }

    #[test]
    fn wrong_types() {
        let p = problems(&["market.inertia=abc"]);
        assert_eq!(p, vec!["--set market.inertia=abc: invalid type: string \"abc\", expected f64"]);
    }

    /// Bad paths and values: what the first problem says.
    #[test]
    fn first_problem_says() {
        let cases = [
            ("nosuch=1", "the world has no field `nosuch`"),
            ("firms.name=x", "`firms` is a list of 4 elements"),
            ("market.inertia.x=1", "`market.inertia` is a number, it has no field `x`"),
            ("market[0]=1", "`market` is a struct, not a list"),
            ("market.inertia", "expected PATH=VALUE"),
            ("firms[x].share=1", "is not a list index"),
            ("policy.rules[0].covers[3]=Chip(\"A800\")", "`policy.rules[0].covers` has 1 element"),
            ("market.inertia=NaN", "not a finite number"),
            ("chips.grey_market.enabled=maybe", "expected a boolean"),
        ];
        for (set, says) in cases {
            let p = problems(&[set]);
            assert!(p[0].contains(says), "{set}: {p:?}");
        }
    }

    #[test]
    fn collects_all_problems_and_keeps_order() {
        let p = problems(&["market.inertia=abc", "months=6", "nosuch=1", "seed=-1"]);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].starts_with("--set market.inertia=abc"));
        assert!(p[1].starts_with("--set nosuch=1"));
        assert!(p[2].starts_with("--set seed=-1"));
        // Later sets of the same path win.
        let w = set(&["months=6", "months=8"]).expect("ok");
        assert_eq!(w.months, 8);
    }

    #[test]
    fn result_is_not_validated_here() {
        let w = set(&["market.inertia=1.5"]).expect("type is fine");
        assert!(crate::world::validate(&w).is_err());
    }
}
