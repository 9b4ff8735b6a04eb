//! Readable names for a study's parameters: a world path such as
//! `chips.suppliers[5].capacity_units_month` becomes "Ascend 910B supply"
//! with its unit "units/month", resolved against the sweep's base world
//! (firm, chip, rule, talent pool and investor names by index) and a table
//! of field names. A path the table does not know falls back to a cleaned
//! path (names for indexes, spaces for underscores, the unit read from the
//! field's suffix). Knows names and units only: it formats no values and
//! draws nothing.

use super::data::{DesignKind, FactorInfo, Param};
use super::spec::{Design, SweepSpec};
use crate::world::World;

/// A parameter's readable name and unit.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ParamLabel {
    /// e.g. "Ascend 910B supply", "Oct 2023 rule: effective date", "chip scarcity".
    pub name: String,
    /// e.g. "units/month"; `None` for a date, a factor or a level.
    pub unit: Option<String>,
    /// The shortest form that keeps the sense, for legends and cell names:
    /// "Ascend 910B supply", "Oct 2023 rule".
    pub short: String,
}

impl ParamLabel {
    /// `name (unit)`, or the name alone.
    pub fn full(&self) -> String {
        match &self.unit {
            Some(u) => format!("{} ({u})", self.name),
            None => self.name.clone(),
        }
    }

    /// A label without a world to resolve indexes against: a factor's name
    /// with spaces for underscores, or a path cleaned as the fallback does.
    pub fn plain(column: &str) -> Self {
        if column.contains('.') {
            return fallback(column, None);
        }
        ParamLabel::new(column.replace('_', " "), None)
    }

    /// A label whose short form is its name without a parenthesis.
    pub fn new(name: String, unit: Option<String>) -> Self {
        let short = name.split(" (").next().unwrap_or(&name).to_string();
        ParamLabel { name, unit, short }
    }
}

/// Known fields: the path with its indexes removed → the name (`{}` stands
/// for the indexed entity's name) and the unit.
const FIELDS: &[(&str, &str, &str)] = &[
    // market
    ("market.price_elasticity", "price elasticity η", "dimensionless"),
    ("market.reference_price_usd_mtok", "reference token price", "US$ per million tokens"),
    ("market.inertia", "market-share inertia", "weight on last month, 0–1"),
    ("market.quality_saturation", "quality saturation S", "capability points"),
    ("market.capability_sensitivity", "demand's sensitivity to capability", "per point"),
    ("market.price_sensitivity", "demand's sensitivity to price", "per unit ln(price)"),
    ("market.usage_cost_usd_mtok", "serving cost", "US$ per million tokens"),
    ("market.efficiency_growth_yearly", "serving efficiency growth", "per year"),
    ("market.max_markup", "largest markup", "× cost"),
    // pricing
    ("pricing.parity_gap", "price-war parity gap", "capability points"),
    ("pricing.loss_budget_share", "price-war loss budget", "share of core cash flow a month"),
    ("pricing.undercut", "price-war undercut", "fraction"),
    ("pricing.trigger_ratio", "price-war trigger", "ratio"),
    ("pricing.truce_months", "price-war truce", "months"),
    // research
    ("research.points_per_efold", "capability per e-fold of compute κ", "points"),
    ("research.algorithmic_halving_months", "algorithmic halving time", "months"),
    ("research.stock_scale_pflops_months", "training stock scale K0", "PFLOP/s-months"),
    ("research.obsolescence_monthly", "capability obsolescence", "per month"),
    ("research.data_weight", "data weight ζ", "0–1"),
    ("research.open_release_lag_months", "open-weight release lag", "months"),
    ("research.open_release_gap", "open-weight release gap", "capability points"),
    ("research.open_small_release_gap", "small open-weight release gap", "capability points"),
    ("research.frontier_drift_monthly", "frontier compute drift", "per month"),
    ("research.catch_up_monthly", "catch-up by diffusion", "share of the gap a month"),
    ("research.absorption_half_share", "absorption half share", "share of the largest lab's compute"),
    // talent
    ("talent.pools.size", "{} pool size", "people"),
    ("talent.pools.wage_elasticity", "{} wage elasticity", "per unit ln(tightness) a month"),
    ("talent.pools.wage_musd_month", "{} wage", "US$ M a month"),
    ("talent.pools.growth_yearly", "{} pool growth", "per year"),
    (
        "talent.matching_efficiency",
        "hiring matching efficiency",
        "matches per √(seekers × vacancies) a month",
    ),
    ("talent.max_wage_cut_monthly", "largest monthly wage cut", "fraction a month"),
    ("talent.max_wage_change_monthly", "largest monthly wage change", "fraction a month"),
    ("talent.churn_monthly", "researcher churn", "per month"),
    // chips
    ("chips.suppliers.capacity_units_month", "{} supply", "units/month"),
    ("chips.suppliers.capacity_growth_yearly", "{} supply growth", "per year"),
    ("chips.suppliers.price_musd", "{} price", "US$ M per unit"),
    ("chips.suppliers.available_from", "{} available from", ""),
    ("chips.suppliers.lead_time_months", "{} lead time", "months"),
    ("chips.grey_market.units_month", "grey-market supply", "units/month"),
    ("chips.grey_market.premium", "grey-market premium", "fraction of the list price"),
    ("chips.grey_market.enabled", "grey market on", "yes/no"),
    ("chips.price_elasticity", "chip price elasticity", "dimensionless"),
    // policy
    ("policy.rules.effective", "{}: effective date", ""),
    ("policy.rules.announced", "{}: announcement date", ""),
    // finance
    ("finance.overhead_musd_month", "lab overhead", "US$ M a month"),
    ("finance.compute_per_researcher_pflops", "compute per researcher", "PFLOP/s"),
    ("finance.compute_per_researcher_growth_monthly", "growth of compute per researcher", "per month"),
    ("finance.revenue_multiple", "valuation multiple", "× annual revenue"),
    ("finance.reserve_months", "cash reserve", "months"),
    ("finance.stockpile_horizon_months", "stockpile horizon", "months"),
    // funding
    ("funding.herd_weight", "VC herd weight", "score per unit share"),
    ("funding.frontier_option_musd", "frontier option value", "US$ M"),
    ("funding.min_check_share", "largest cheque's share of a round", "0–1"),
    ("funding.dilution", "dilution per round", "fraction"),
    ("funding.judgement_noise", "investors' judgement noise", "dimensionless"),
    // exits, entry, consolidation
    ("exits.choice_noise", "exit choice noise", "share of the value of continuing"),
    ("entry.rate_month", "entry rate", "firms a month"),
    ("consolidation.hhi_threshold", "consolidation HHI threshold", "HHI points"),
    ("consolidation.hold_months", "consolidation hold", "months"),
    // firms and investors
    ("firms.platform_data", "{} platform data", "0–1"),
    ("firms.cash_musd", "{} starting cash", "US$ M"),
    ("firms.capability", "{} starting capability", "points"),
    ("firms.core_cash_flow_musd_month", "{} core cash flow", "US$ M a month"),
    ("firms.strategy.price_aggressiveness", "{} price aggressiveness", "0–1"),
    ("firms.strategy.stockpile", "{} stockpiling", "0–1"),
    ("firms.strategy.risk", "{} risk appetite", "0–1"),
    ("firms.strategy.acquisitiveness", "{} acquisitiveness", "0–1"),
    ("investors.dry_powder_musd", "{} dry powder", "US$ M"),
    ("investors.inflow_musd_month", "{} inflow", "US$ M a month"),
];

/// Units read from a field's suffix, longest first (for the fallback).
const SUFFIXES: &[(&str, &str)] = &[
    ("_musd_month", "US$ M a month"),
    ("_units_month", "units/month"),
    ("_usd_mtok", "US$ per million tokens"),
    ("_pflops_months", "PFLOP/s-months"),
    ("_pflops", "PFLOP/s"),
    ("_musd", "US$ M"),
    ("_months", "months"),
    ("_monthly", "per month"),
    ("_yearly", "per year"),
    ("_month", "a month"),
    ("_share", "share"),
];

/// One segment of a world path: `suppliers[5]` → ("suppliers", Some(5)).
fn segment(s: &str) -> (&str, Option<usize>) {
    match s.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
        None => (s, None),
    }
}

/// "Ascend910B" → "Ascend 910B": a space between a word and the number
/// that follows it (a model name of one letter, "A800", is kept).
pub fn chip_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    let mut letters = 0;
    for c in name.chars() {
        if c.is_ascii_digit() && letters >= 2 {
            out.push(' ');
        }
        letters = if c.is_alphabetic() { letters + 1 } else { 0 };
        out.push(c);
    }
    out
}

/// A rule's name for people: "2023-10-17" → "Oct 2023 rule"; any other
/// name → "NAME rule".
pub fn rule_name(name: &str) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut parts = name.split('-');
    let year = parts.next().filter(|y| y.len() == 4).and_then(|y| y.parse::<u32>().ok());
    let month = parts.next().and_then(|m| m.parse::<usize>().ok()).filter(|m| (1..=12).contains(m));
    match (year, month) {
        (Some(y), Some(m)) => format!("{} {y} rule", MONTHS[m - 1]),
        _ => format!("{name} rule"),
    }
}

/// The name of the entity a path indexes, if it indexes one the world has.
fn entity(world: &World, path: &str) -> Option<String> {
    let segs: Vec<(&str, Option<usize>)> = path.split('.').map(segment).collect();
    let first = segs.first()?;
    let (key, i) = match (first, segs.get(1)) {
        ((name, Some(i)), _) => (*name, *i),
        ((sec, None), Some((name, Some(i)))) => match (*sec, *name) {
            ("chips", "suppliers") => ("suppliers", *i),
            ("policy", "rules") => ("rules", *i),
            ("talent", "pools") => ("pools", *i),
            _ => return None,
        },
        _ => return None,
    };
    match key {
        "firms" => world.firms.get(i).map(|f| f.name.clone()),
        "suppliers" => world.chips.suppliers.get(i).map(|s| chip_name(&s.name)),
        "rules" => world.policy.rules.get(i).map(|r| rule_name(&r.name)),
        "pools" => world.talent.pools.get(i).map(|p| p.name.replace('_', " ")),
        "investors" => world.investors.get(i).map(|v| v.name.clone()),
        "cohorts" => world.cohorts.get(i).map(|c| format!("cohort {}", c.prefix)),
        "investor_cohorts" => world.investor_cohorts.get(i).map(|c| format!("investor cohort {}", c.prefix)),
        _ => None,
    }
}

/// The path with its indexes removed: `chips.suppliers[5].capacity_units_month`
/// → `chips.suppliers.capacity_units_month`.
fn pattern(path: &str) -> String {
    path.split('.').map(|s| segment(s).0).collect::<Vec<_>>().join(".")
}

/// The readable name and unit of one world path (see the module comment).
pub fn path_label(world: &World, path: &str) -> ParamLabel {
    let who = entity(world, path);
    let key = pattern(path);
    if let Some((_, name, unit)) = FIELDS.iter().find(|(k, _, _)| *k == key) {
        let name = match &who {
            Some(w) => name.replace("{}", w),
            None => name.replace("{} ", "").replace("{}: ", "").replace("{}", ""),
        };
        let mut label = ParamLabel::new(name, (!unit.is_empty()).then(|| unit.to_string()));
        if let (true, Some(rule)) = (key.starts_with("policy.rules."), who) {
            label.short = rule;
        }
        return label;
    }
    fallback(path, who)
}

/// A path the table does not know: the indexed entity's name (or the
/// section), the field with spaces, the unit from its suffix.
fn fallback(path: &str, who: Option<String>) -> ParamLabel {
    let segs: Vec<&str> = path.split('.').collect();
    let field = segs.last().map(|s| segment(s).0).unwrap_or(path);
    let (stem, unit) = SUFFIXES
        .iter()
        .find_map(|(suf, unit)| {
            field.strip_suffix(suf).filter(|s| !s.is_empty()).map(|s| (s, Some(unit.to_string())))
        })
        .unwrap_or((field, None));
    let stem = stem.replace('_', " ");
    let name = match who {
        Some(w) => format!("{w} {stem}"),
        None if segs.len() > 1 => format!(
            "{}: {stem}",
            segs[..segs.len() - 1]
                .iter()
                .map(|s| segment(s).0)
                .collect::<Vec<_>>()
                .join(" ")
                .replace('_', " ")
        ),
        None => stem,
    };
    ParamLabel::new(name, unit)
}

/// The label of a parameter set at several paths at once (`also`): one
/// field of several entities ("Baidu/ByteDance price aggressiveness"), a
/// rule's two dates ("Oct 2023 rule: date (announced = effective)"), or the
/// first path's label noting the others.
pub fn paths_label(world: &World, path: &str, also: &[String]) -> ParamLabel {
    let first = path_label(world, path);
    if also.is_empty() {
        return first;
    }
    let all: Vec<&str> = std::iter::once(path).chain(also.iter().map(String::as_str)).collect();
    let keys: Vec<String> = all.iter().map(|p| pattern(p)).collect();
    let whos: Vec<Option<String>> = all.iter().map(|p| entity(world, p)).collect();
    // The same field of several entities.
    if keys.iter().all(|k| *k == keys[0]) && whos.iter().all(Option::is_some) {
        let names: Vec<String> = whos.into_iter().flatten().collect();
        let mut distinct = names.clone();
        distinct.dedup();
        if distinct.len() > 1 {
            let joined = distinct.join("/");
            let label = path_label(world, path);
            let own = names[0].as_str();
            return ParamLabel::new(label.name.replacen(own, &joined, 1), label.unit);
        }
        return first;
    }
    // A rule's announcement and entry into force moved together.
    let fields: std::collections::BTreeSet<&str> =
        all.iter().map(|p| p.rsplit('.').next().unwrap_or(p)).collect();
    let same_entity = whos.iter().all(|w| *w == whos[0]);
    if same_entity
        && keys.iter().all(|k| k.starts_with("policy.rules."))
        && fields == ["announced", "effective"].into()
    {
        let rule = whos[0].clone().unwrap_or_else(|| "rule".into());
        let mut label = ParamLabel::new(format!("{rule}: date (announced = effective)"), None);
        label.short = rule;
        return label;
    }
    let mut label = ParamLabel::new(format!("{} (and {} more)", first.name, also.len()), first.unit);
    label.short = first.short;
    label
}

/// The labels of a plan's parameters, in the order of `params`: a grid's
/// and a Latin hypercube's paths (with their `also`), a factorial's factor
/// names.
pub fn param_labels(
    world: &World,
    spec: &SweepSpec,
    design: DesignKind,
    params: &[Param],
    factors: &[FactorInfo],
) -> Vec<ParamLabel> {
    let paths: Vec<(&str, &[String])> = match &spec.design {
        Design::Grid { params } => params.iter().map(|p| (p.path.as_str(), p.also.as_slice())).collect(),
        Design::LatinHypercube { ranges, .. } => {
            ranges.iter().map(|r| (r.path.as_str(), r.also.as_slice())).collect()
        }
        Design::Factorial { .. } => Vec::new(),
    };
    params
        .iter()
        .map(|p| {
            if design == DesignKind::Factorial || factors.iter().any(|f| f.name == p.column) {
                return ParamLabel::plain(&p.column);
            }
            match paths.iter().find(|(path, _)| *path == p.column) {
                Some((path, also)) => paths_label(world, path, also),
                None => path_label(world, &p.column),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> World {
        crate::world::load_str(include_str!("../../worlds/baseline.ron"), "baseline.ron")
            .expect("baseline loads")
    }

    fn full(w: &World, path: &str) -> String {
        path_label(w, path).full()
    }

    #[test]
    fn names_of_chips_and_rules() {
        assert_eq!(chip_name("Ascend910B"), "Ascend 910B");
        assert_eq!(chip_name("A800"), "A800");
        assert_eq!(chip_name("H100"), "H100");
        assert_eq!(rule_name("2023-10-17"), "Oct 2023 rule");
        assert_eq!(rule_name("2022-10-07"), "Oct 2022 rule");
        assert_eq!(rule_name("entity list"), "entity list rule");
    }

    #[test]
    fn the_ban_timing_paths_read_as_names_and_units() {
        let w = baseline();
        assert_eq!(full(&w, "chips.suppliers[5].capacity_units_month"), "Ascend 910B supply (units/month)");
        assert_eq!(full(&w, "policy.rules[1].effective"), "Oct 2023 rule: effective date");
        assert_eq!(path_label(&w, "policy.rules[1].effective").short, "Oct 2023 rule");
        assert_eq!(path_label(&w, "chips.suppliers[5].capacity_units_month").short, "Ascend 910B supply");
        assert_eq!(
            paths_label(&w, "policy.rules[1].effective", &["policy.rules[1].announced".into()]).full(),
            "Oct 2023 rule: date (announced = effective)"
        );
    }

    #[test]
    fn the_li_factors_paths_read_as_names_and_units() {
        let w = baseline();
        assert_eq!(full(&w, "chips.grey_market.units_month"), "grey-market supply (units/month)");
        assert_eq!(full(&w, "research.data_weight"), "data weight ζ (0–1)");
        assert_eq!(full(&w, "firms[0].platform_data"), "Baidu platform data (0–1)");
        assert_eq!(full(&w, "talent.pools[0].size"), "top researchers pool size (people)");
        assert_eq!(
            full(&w, "talent.pools[1].wage_elasticity"),
            "engineers wage elasticity (per unit ln(tightness) a month)"
        );
        assert_eq!(
            full(&w, "research.stock_scale_pflops_months"),
            "training stock scale K0 (PFLOP/s-months)"
        );
        assert_eq!(full(&w, "finance.overhead_musd_month"), "lab overhead (US$ M a month)");
        assert_eq!(ParamLabel::plain("chip_scarcity").full(), "chip scarcity");
    }

    /// The labels of a shipped sweep's parameters, one per path or factor
    /// of its file (without building its cells, which is slow in a test).
    fn sweep_labels(name: &str) -> Vec<ParamLabel> {
        let text = std::fs::read_to_string(format!("sweeps/{name}.ron")).expect("the sweep file");
        let spec: SweepSpec = crate::world::ron_options().from_str(&text).expect("the sweep parses");
        let w = baseline();
        match &spec.design {
            Design::Grid { params } => params.iter().map(|p| paths_label(&w, &p.path, &p.also)).collect(),
            Design::LatinHypercube { ranges, .. } => {
                ranges.iter().map(|r| paths_label(&w, &r.path, &r.also)).collect()
            }
            Design::Factorial { factors } => factors.iter().map(|f| ParamLabel::plain(&f.name)).collect(),
        }
    }

    #[test]
    fn the_shipped_sweeps_parameters_have_readable_labels() {
        let ban = sweep_labels("ban_timing");
        assert_eq!(
            ban.iter().map(ParamLabel::full).collect::<Vec<_>>(),
            ["Oct 2023 rule: date (announced = effective)", "Ascend 910B supply (units/month)"]
        );
        let li = sweep_labels("li_factors");
        assert_eq!(
            li.iter().map(ParamLabel::full).collect::<Vec<_>>(),
            ["chip scarcity", "data and talent", "upfront investment"]
        );
        let sens = sweep_labels("sensitivity");
        assert_eq!(sens.len(), 28);
        for l in &sens {
            assert!(!l.name.contains('[') && !l.name.contains('.') && !l.name.contains('_'), "{l:?}");
            assert!(l.unit.is_some() || l.name.contains("rule"), "{l:?} has a unit");
        }
        let names: Vec<String> = sens.iter().map(ParamLabel::full).collect();
        for want in [
            "price elasticity η (dimensionless)",
            "Baidu/ByteDance/Tencent/Alibaba price aggressiveness (0–1)",
            "top researchers/engineers wage elasticity (per unit ln(tightness) a month)",
            "Ascend 910B supply (units/month)",
            "Oct 2023 rule: date (announced = effective)",
        ] {
            assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
        }
    }

    #[test]
    fn unknown_fields_fall_back_to_a_cleaned_path() {
        let w = baseline();
        assert_eq!(full(&w, "acquisitions.max_premium"), "acquisitions: max premium");
        assert_eq!(full(&w, "chips.suppliers[0].efficiency"), "A100 efficiency");
        assert_eq!(full(&w, "firms[1].foresight_months"), "ByteDance foresight (months)");
        assert_eq!(full(&w, "entry.reference_free_talent_share"), "entry: reference free talent (share)");
        assert_eq!(full(&w, "firms[99].platform_data"), "platform data (0–1)");
    }
}
