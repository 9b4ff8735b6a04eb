//! Expanding a sweep's design into cells: the grid (every combination of
//! values), the full factorial (every combination of levels) and the Latin
//! hypercube (stratified samples of ranges), with the checks each design
//! needs. It reports problems into the caller's list and never reads files.

use super::{CellPlan, Design, Factor, GridParam, Range, SetValue, at, decimal_year, splitmix64};
use crate::study::data::{DesignKind, FactorInfo, Param, ParamKind};
use crate::world::{self, Month, World};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

pub(super) type Expanded = (DesignKind, Vec<Param>, Vec<FactorInfo>, Vec<CellPlan>);

/// Kind and numeric value of one parameter value, judged by the base
/// world's current value at the path.
fn kind_of(current: &serde_json::Value) -> ParamKind {
    match current {
        serde_json::Value::Number(_) => ParamKind::Number,
        serde_json::Value::String(s) if Month::parse(s).is_ok() => ParamKind::Month,
        _ => ParamKind::Text,
    }
}

fn numeric(kind: ParamKind, text: &str) -> Option<f64> {
    match kind {
        ParamKind::Number => text.trim().parse::<f64>().ok(),
        ParamKind::Month => Month::parse(text.trim()).ok().map(decimal_year),
        ParamKind::Level | ParamKind::Text => None,
    }
}

/// The last segment of a path, for short labels: `policy.rules[1].effective` → `effective`.
fn short(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

pub(super) fn grid(
    params: &[GridParam],
    base: &World,
    text: &str,
    origin: &str,
    problems: &mut Vec<String>,
) -> Expanded {
    // The shape checks run again here (after `structural`): a problem of a
    // grid's shape is listed twice, as it always was.
    grid_shape(params, text, origin, problems);
    let mut out_params = Vec::new();
    for p in params {
        let kind = match world::value_at(base, &p.path) {
            Ok(v) => kind_of(&v),
            Err(e) => {
                problems.push(at(text, origin, &p.path, format!("`{}`: {e}", p.path)));
                ParamKind::Text
            }
        };
        for a in &p.also {
            if let Err(e) = world::value_at(base, a) {
                problems.push(at(text, origin, a, format!("`{a}` (in `also` of `{}`): {e}", p.path)));
            }
        }
        out_params.push(Param { column: p.path.clone(), kind });
    }
    let sizes: Vec<usize> = params.iter().map(|p| p.values.len()).collect();
    let cells = combinations(&sizes, |k, j| {
        let v = params[k].values[j].as_set_text();
        let mut sets = vec![format!("{}={v}", params[k].path)];
        sets.extend(params[k].also.iter().map(|a| format!("{a}={v}")));
        let label = format!("{}={v}", short(&params[k].path));
        (sets, numeric(out_params[k].kind, &v), label, v)
    });
    (DesignKind::Grid, out_params, Vec::new(), cells)
}

/// The shape of a grid: some params, each path once, each with values.
fn grid_shape(params: &[GridParam], text: &str, origin: &str, problems: &mut Vec<String>) {
    if params.is_empty() {
        problems.push(format!(
            "{origin}: the Grid design has no params: list at least one Param(path: ..., values: [...])"
        ));
    }
    for (i, p) in params.iter().enumerate() {
        let mut problem =
            |what: &str| problems.push(at(text, origin, &p.path, format!("`{}` {what}", p.path)));
        if params[..i].iter().any(|q| q.path == p.path) {
            problem("is listed twice in the grid");
        }
        if p.values.is_empty() {
            problem("has no values: list at least one");
        }
    }
}

/// The number of cells a design expands to (grid or factorial
/// combinations, hypercube samples), counted without expanding it
/// (saturating: a product past `u64::MAX` stays there).
pub fn cell_count(design: &Design) -> u64 {
    let product =
        |sizes: &mut dyn Iterator<Item = usize>| sizes.fold(1u64, |n, k| n.saturating_mul(k as u64));
    match design {
        Design::Grid { params } => product(&mut params.iter().map(|p| p.values.len())),
        Design::Factorial { factors } => product(&mut factors.iter().map(|f| f.levels.len())),
        Design::LatinHypercube { samples, .. } => *samples as u64,
    }
}

/// Checks of the design's shape that need no world: empty designs,
/// duplicates, factors with one level, too few samples.
pub(super) fn structural(design: &Design, text: &str, origin: &str, problems: &mut Vec<String>) {
    match design {
        Design::Grid { params } => grid_shape(params, text, origin, problems),
        Design::Factorial { factors } => {
            if factors.is_empty() {
                problems.push(format!("{origin}: the Factorial design has no factors: list at least one Factor(name: ..., levels: [...])"));
            }
            for (i, f) in factors.iter().enumerate() {
                let mut problem = |msg: String| problems.push(at(text, origin, &f.name, msg));
                if f.name.trim().is_empty() || !f.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    problem(format!(
                        "factor name \"{}\" must be a column name: letters, digits and `_`",
                        f.name
                    ));
                }
                if factors[..i].iter().any(|g| g.name == f.name) {
                    problem(format!("factor `{}` is defined twice", f.name));
                }
                if f.levels.len() < 2 {
                    let n = f.levels.len();
                    problem(format!(
                        "factor `{}` has {n} level(s): a factor needs two or more levels",
                        f.name
                    ));
                }
                for (j, l) in f.levels.iter().enumerate() {
                    if f.levels[..j].iter().any(|m| m.name == l.name) {
                        problem(format!("factor `{}` has two levels named `{}`", f.name, l.name));
                    }
                }
            }
        }
        Design::LatinHypercube { samples, ranges } => {
            if *samples < 2 {
                problems.push(format!(
                    "{origin}: the LatinHypercube design needs at least 2 samples (got {samples}); 10 per parameter is a common minimum"
                ));
            }
            if ranges.is_empty() {
                problems.push(format!(
                    "{origin}: the LatinHypercube design has no ranges: list at least one Range(path: ..., min: ..., max: ...)"
                ));
            }
            for (i, r) in ranges.iter().enumerate() {
                if ranges[..i].iter().any(|q| q.path == r.path) {
                    problems.push(at(text, origin, &r.path, format!("`{}` has two ranges", r.path)));
                }
            }
        }
    }
}

pub(super) fn factorial(factors: &[Factor]) -> Expanded {
    let params: Vec<Param> =
        factors.iter().map(|f| Param { column: f.name.clone(), kind: ParamKind::Level }).collect();
    let infos: Vec<FactorInfo> = factors
        .iter()
        .map(|f| FactorInfo {
            name: f.name.clone(),
            levels: f.levels.iter().map(|l| l.name.clone()).collect(),
        })
        .collect();
    let sizes: Vec<usize> = factors.iter().map(|f| f.levels.len()).collect();
    let cells = combinations(&sizes, |k, j| {
        let level = &factors[k].levels[j];
        let sets = level.set.iter().map(|(p, v)| format!("{p}={}", v.as_set_text())).collect();
        (sets, Some(j as f64), format!("{}={}", factors[k].name, level.name), level.name.clone())
    });
    (DesignKind::Factorial, params, infos, cells)
}

/// One cell per combination of choices (see [`product`]); `choice(k, j)`
/// gives what choosing option j of parameter k contributes: its overrides,
/// numeric value, label part and value text.
fn combinations(
    sizes: &[usize],
    choice: impl Fn(usize, usize) -> (Vec<String>, Option<f64>, String, String),
) -> Vec<CellPlan> {
    product(sizes)
        .into_iter()
        .map(|combo| {
            let mut cell =
                CellPlan { sets: Vec::new(), values: Vec::new(), numeric: Vec::new(), label: String::new() };
            let mut label = Vec::with_capacity(combo.len());
            for (k, &j) in combo.iter().enumerate() {
                let (sets, num, part, value) = choice(k, j);
                cell.sets.extend(sets);
                cell.numeric.push(num);
                cell.values.push(value);
                label.push(part);
            }
            cell.label = label.join(", ");
            cell
        })
        .collect()
}

/// How a Latin-hypercube range is sampled.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scale {
    Real(f64, f64),
    Whole(i64, i64),
    Months(Month, Month),
}

#[allow(clippy::needless_range_loop)] // sample i indexes every range
pub(super) fn latin_hypercube(
    samples: u32,
    ranges: &[Range],
    master: u64,
    base: &World,
    text: &str,
    origin: &str,
    problems: &mut Vec<String>,
) -> Expanded {
    let mut scales = Vec::new();
    let mut params = Vec::new();
    let before = problems.len();
    for r in ranges {
        let current = match world::value_at(base, &r.path) {
            Ok(v) => v,
            Err(e) => {
                problems.push(at(text, origin, &r.path, format!("`{}`: {e}", r.path)));
                continue;
            }
        };
        for a in &r.also {
            if let Err(e) = world::value_at(base, a) {
                problems.push(at(text, origin, a, format!("`{a}` (in `also` of `{}`): {e}", r.path)));
            }
        }
        let bad = |why: String| at(text, origin, &r.path, format!("range of `{}`: {why}", r.path));
        let scale = match (&current, &r.min, &r.max) {
            (serde_json::Value::Number(n), lo, hi) if n.is_u64() || n.is_i64() => {
                match (as_whole(lo), as_whole(hi)) {
                    (Some(a), Some(b)) => Some(Scale::Whole(a, b)),
                    _ => {
                        problems.push(bad(
                            "this field takes whole numbers: give whole-number min and max".into()
                        ));
                        None
                    }
                }
            }
            (serde_json::Value::Number(_), lo, hi) => match (as_real(lo), as_real(hi)) {
                (Some(a), Some(b)) => Some(Scale::Real(a, b)),
                _ => {
                    problems.push(bad("this field is a number: give numbers for min and max".into()));
                    None
                }
            },
            (serde_json::Value::String(s), SetValue::Text(lo), SetValue::Text(hi))
                if Month::parse(s).is_ok() =>
            {
                match (Month::parse(lo), Month::parse(hi)) {
                    (Ok(a), Ok(b)) => Some(Scale::Months(a, b)),
                    _ => {
                        problems.push(bad("this field is a month: give min and max as \"YYYY-MM\"".into()));
                        None
                    }
                }
            }
            (serde_json::Value::String(s), _, _) if Month::parse(s).is_ok() => {
                problems.push(bad("this field is a month: give min and max as \"YYYY-MM\"".into()));
                None
            }
            (other, _, _) => {
                problems.push(bad(format!(
                    "only numbers and months can be sampled, and this field holds {other}"
                )));
                None
            }
        };
        if let Some(s) = scale {
            let empty = match s {
                Scale::Real(a, b) => a >= b || !a.is_finite() || !b.is_finite(),
                Scale::Whole(a, b) => a >= b,
                Scale::Months(a, b) => a >= b,
            };
            if empty {
                problems.push(bad(format!(
                    "min {} is not below max {}",
                    r.min.as_set_text(),
                    r.max.as_set_text()
                )));
            }
            scales.push(s);
            let kind = if matches!(s, Scale::Months(..)) { ParamKind::Month } else { ParamKind::Number };
            params.push(Param { column: r.path.clone(), kind });
        }
    }
    let mut cells = Vec::new();
    if problems.len() == before && samples >= 2 {
        let n = samples as usize;
        let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(master ^ 0x4C48_5300_0000_0001));
        // u[k][i]: the i-th sample's position in 0..1 along range k, one per stratum.
        let mut u = Vec::with_capacity(scales.len());
        for _ in &scales {
            let mut perm: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                let j = rng.random_range(0..=i);
                perm.swap(i, j);
            }
            let col: Vec<f64> = perm.iter().map(|&p| (p as f64 + rng.random::<f64>()) / n as f64).collect();
            u.push(col);
        }
        for i in 0..n {
            let mut sets = Vec::new();
            let mut values = Vec::new();
            let mut nums = Vec::new();
            for (k, s) in scales.iter().enumerate() {
                let x = u[k][i];
                let (v, num) = match *s {
                    Scale::Real(a, b) => {
                        let v = a + x * (b - a);
                        (format!("{v:?}"), v)
                    }
                    Scale::Whole(a, b) => {
                        let v = (a + (x * (b - a + 1) as f64).floor() as i64).min(b);
                        (v.to_string(), v as f64)
                    }
                    Scale::Months(a, b) => {
                        let span = b.since(a) as f64 + 1.0;
                        let m = a.plus(((x * span).floor() as i32).min(b.since(a)));
                        (m.to_string(), decimal_year(m))
                    }
                };
                sets.push(format!("{}={v}", ranges[k].path));
                sets.extend(ranges[k].also.iter().map(|a| format!("{a}={v}")));
                values.push(v);
                nums.push(Some(num));
            }
            cells.push(CellPlan { sets, values, numeric: nums, label: format!("sample {}", i + 1) });
        }
    }
    (DesignKind::LatinHypercube, params, Vec::new(), cells)
}

fn as_whole(v: &SetValue) -> Option<i64> {
    match v {
        SetValue::Int(i) => Some(*i),
        SetValue::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        _ => None,
    }
}

fn as_real(v: &SetValue) -> Option<f64> {
    match v {
        SetValue::Int(i) => Some(*i as f64),
        SetValue::Float(f) => Some(*f),
        _ => None,
    }
}

/// All combinations of indexes 0..sizes[k], the first varying slowest.
pub fn product(sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for &n in sizes {
        let mut next = Vec::with_capacity(out.len() * n);
        for prefix in &out {
            for j in 0..n {
                let mut c = prefix.clone();
                c.push(j);
                next.push(c);
            }
        }
        out = next;
    }
    out
}
