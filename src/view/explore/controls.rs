//! The explorer's controls: the parameters a teacher asks about (the ban and
//! its date, domestic chip supply, the funding climate, the talent pool,
//! price-war aggressiveness, the open-weight floor), each with its unit, a
//! one-line explanation and its range, and the `--set PATH=VALUE` overrides a
//! value stands for. The overrides are applied by the world's own override
//! code (`world::resolve_loaded`), so a bad value gets the command line's
//! message. Nothing here runs the model or applies an override.

use crate::world::{Month, World};
use serde::Serialize;

/// How a control is shown.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// On (1) or off (0).
    Toggle,
    /// A number on a slider (any number may be typed in its box).
    Range,
}

/// One control of the page.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    pub id: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    /// The unit of the value, e.g. "months" or "× the world's capacity".
    pub unit: String,
    /// One line: what the control changes in the model.
    pub help: String,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// The world's own value (no override).
    pub value: f64,
    /// Words of the problems this control's overrides can cause (paths),
    /// so that a message is shown beside the control that caused it.
    pub marks: Vec<&'static str>,
}

/// The controls that apply to `w` (domestic supply only if it has a
/// domestic chip; the ban's date only if it has rules).
pub fn controls(w: &World) -> Vec<Control> {
    let rules = !w.policy.rules.is_empty();
    let domestic: Vec<&str> =
        w.chips.suppliers.iter().filter(|s| s.domestic).map(|s| s.name.as_str()).collect();
    let domestic_cap: f64 =
        w.chips.suppliers.iter().filter(|s| s.domestic).map(|s| s.capacity_units_month).sum();
    let pools: u64 = w.talent.pools.iter().map(|p| p.size as u64).sum();
    let first_rule = w.policy.rules.iter().map(|r| r.effective).min();
    let mut out = vec![Control {
        id: "ban",
        label: "US export ban",
        kind: Kind::Toggle,
        unit: "on / off".into(),
        help: if rules {
            format!(
                "Whether the world's {} US export rule{} apply; off empties policy.rules, as worlds/no_ban.ron does.",
                w.policy.rules.len(),
                if w.policy.rules.len() == 1 { "" } else { "s" }
            )
        } else {
            "This world has no export rules: there is no ban to switch on.".into()
        },
        min: 0.0,
        max: 1.0,
        step: 1.0,
        value: if rules { 1.0 } else { 0.0 },
        marks: vec!["policy.rules"],
    }];
    if let Some(first) = first_rule {
        out.push(Control {
            id: "ban_shift",
            label: "Ban date",
            kind: Kind::Range,
            unit: "months earlier (−) or later (+)".into(),
            help: format!(
                "Moves every rule's announced and effective month by this many months (the first rule is in force from {first})."
            ),
            min: -24.0,
            max: 36.0,
            step: 1.0,
            value: 0.0,
            marks: vec!["policy.rules", "announced", "effective"],
        });
    }
    if !domestic.is_empty() {
        out.push(Control {
            id: "domestic",
            label: "Domestic chip supply",
            kind: Kind::Range,
            unit: format!("× {} units/month of {}", crate::view::format::thousands(domestic_cap as u64), domestic.join(", ")),
            help: "Scales the monthly capacity of the domestic chips (not subject to US rules) that firms can buy.".into(),
            min: 0.0,
            max: 5.0,
            step: 0.05,
            value: 1.0,
            marks: vec!["capacity_units_month", "chips.suppliers"],
        });
    }
    out.extend([
        Control {
            id: "funding",
            label: "Funding climate",
            kind: Kind::Range,
            unit: "× the world's climate path".into(),
            help: "Scales the funding climate over time: how many start-ups enter and how much investors put into rounds."
                .into(),
            min: 0.25,
            max: 3.0,
            step: 0.05,
            value: 1.0,
            marks: vec!["funding.climate"],
        },
        Control {
            id: "talent",
            label: "Talent pool",
            kind: Kind::Range,
            unit: format!("× {} researchers at the start", crate::view::format::thousands(pools)),
            help: "Scales the size of every talent pool: more researchers to hire, lower wages, more new start-ups."
                .into(),
            min: 0.25,
            max: 4.0,
            step: 0.05,
            value: 1.0,
            marks: vec!["talent.pools"],
        },
        Control {
            id: "undercut",
            label: "Price-war aggressiveness",
            kind: Kind::Range,
            unit: "fraction under the rival's price (0..1)".into(),
            help: "How far a fully aggressive defender prices under a cheaper rival of similar quality (pricing.undercut)."
                .into(),
            min: 0.0,
            max: 0.9,
            step: 0.01,
            value: w.pricing.undercut,
            marks: vec!["pricing.undercut"],
        },
        Control {
            id: "open_gap",
            label: "Open-weight floor",
            kind: Kind::Range,
            unit: "points behind the best model".into(),
            help: "How far a near-flagship open-weight release trails the best model (research.open_release_gap): smaller = a higher free floor under every lab."
                .into(),
            min: 0.0,
            max: 6.0,
            step: 0.1,
            value: w.research.open_release_gap,
            marks: vec!["open_release_gap"],
        },
    ]);
    out
}

/// A number as RON text: whole numbers without a fraction, others at most
/// 6 decimals (what a slider's step can mean), never `NaN` or `inf`
/// (those are passed through so the override code refuses them).
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let r = (v * 1e6).round() / 1e6;
    if r.fract() == 0.0 && r.abs() < 1e15 { format!("{r:.1}") } else { format!("{r}") }
}

/// The `--set PATH=VALUE` overrides for control `id` at `value` in world
/// `w` (none at the world's own value), or why the control is unknown.
pub fn sets_for(w: &World, id: &str, value: f64) -> Result<Vec<String>, String> {
    let same = |d: f64| (value - d).abs() < 1e-9;
    let mut sets = Vec::new();
    match id {
        "ban" => {
            if value < 0.5 && !w.policy.rules.is_empty() {
                sets.push("policy.rules=[]".to_string());
            }
        }
        "ban_shift" => {
            if !same(0.0) {
                if value.fract() != 0.0 || !value.is_finite() || value.abs() > 12_000.0 {
                    return Err(format!("ban date: {value} is not a whole number of months"));
                }
                let n = value as i32;
                for (i, r) in w.policy.rules.iter().enumerate() {
                    sets.push(format!("policy.rules[{i}].announced={}", shift(r.announced, n)));
                    sets.push(format!("policy.rules[{i}].effective={}", shift(r.effective, n)));
                }
            }
        }
        "domestic" => {
            if !same(1.0) {
                for (i, s) in w.chips.suppliers.iter().enumerate().filter(|(_, s)| s.domestic) {
                    sets.push(format!(
                        "chips.suppliers[{i}].capacity_units_month={}",
                        number(s.capacity_units_month * value)
                    ));
                }
            }
        }
        "funding" => {
            if !same(1.0) {
                let points: Vec<String> = w
                    .funding
                    .climate
                    .iter()
                    .map(|(m, c)| format!("(\"{m}\", {})", number(c * value)))
                    .collect();
                sets.push(format!("funding.climate=[{}]", points.join(", ")));
            }
        }
        "talent" => {
            if !same(1.0) {
                for (i, p) in w.talent.pools.iter().enumerate() {
                    let size = (p.size as f64 * value).round();
                    sets.push(format!(
                        "talent.pools[{i}].size={}",
                        if size.is_finite() { format!("{size:.0}") } else { number(size) }
                    ));
                }
            }
        }
        "undercut" => {
            if !same(w.pricing.undercut) {
                sets.push(format!("pricing.undercut={}", number(value)));
            }
        }
        "open_gap" => {
            if !same(w.research.open_release_gap) {
                sets.push(format!("research.open_release_gap={}", number(value)));
            }
        }
        other => return Err(format!("unknown control `{other}`")),
    }
    Ok(sets)
}

/// `m` moved by `n` months, as the override text of a month (`2023-10`);
/// a month outside the calendar is written as it falls, for the validator
/// to refuse with its own message.
fn shift(m: Month, n: i32) -> String {
    m.plus(n).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_ron() {
        assert_eq!(number(2.0), "2.0");
        assert_eq!(number(0.35000000000000003), "0.35");
        assert_eq!(number(13750.0), "13750.0");
    }

    #[test]
    fn default_values_change_nothing_and_others_name_real_paths() {
        let w = crate::baseline();
        for c in controls(&w) {
            assert_eq!(sets_for(&w, c.id, c.value).unwrap(), Vec::<String>::new(), "{}", c.id);
        }
        let sets = sets_for(&w, "ban_shift", 6.0).unwrap();
        assert!(sets.contains(&"policy.rules[0].effective=2023-04".to_string()), "{sets:?}");
        let sets = sets_for(&w, "domestic", 2.0).unwrap();
        assert_eq!(sets, ["chips.suppliers[5].capacity_units_month=22000.0"]);
        for c in controls(&w) {
            let v = if c.kind == Kind::Toggle { 0.0 } else { c.max };
            let sets = sets_for(&w, c.id, v).unwrap();
            assert!(!sets.is_empty(), "{}", c.id);
            crate::world::apply_overrides(w.clone(), &sets).unwrap_or_else(|e| panic!("{}: {e}", c.id));
        }
        assert!(sets_for(&w, "nope", 1.0).is_err());
    }
}
