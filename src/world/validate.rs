//! Semantic checks of a parsed world. Every problem is collected (not just
//! the first), one line each, naming the offending field by its path, e.g.
//! `firms[3] ("Baichuan").cash_musd = -5: money must be >= 0`.
//!
//! Besides each field's meaning, numbers are held to a plausible range
//! (the `MAX_*` constants below, listed in docs/data.md "Limits"): beyond
//! it the model overflows to infinity, produces NaN or runs for hours.
//! [`validate`] also lists the sizes over their limits
//! ([`super::limits`]) with the other problems.

use super::error::WorldError;
use super::limits::{self, grown};
use super::month::Month;
use super::schema::*;
use std::collections::HashSet;

/// The most money any amount may be, USD millions (= USD 10^15, about ten
/// times the world's yearly output).
pub const MAX_MONEY_MUSD: f64 = 1e9;
/// The fastest growth a rate per year may ask for (+1000% a year).
pub const MAX_GROWTH_YEARLY: f64 = 10.0;
/// The most an amount that grows (market revenue in USD millions a month,
/// chip capacity in units a month) may reach by the end of the run.
pub const MAX_GROWN: f64 = 1e15;
/// The most researchers all talent pools together may hold by the end of
/// the run (pools grow by `growth_yearly`): a firm's headcount per pool is
/// a 32-bit count. (More free talent also means more entry: see
/// `limits::ENTRY_RATE`.)
pub const MAX_RESEARCHERS: f64 = 1e9;
/// The largest logit sensitivity (`talent.wage_sensitivity`,
/// `market.capability_sensitivity`): larger ones overflow `exp`.
pub const MAX_SENSITIVITY: f64 = 100.0;
/// The largest sigma of a lognormal (`offer_noise`, `LogNormal` sigma):
/// e^(5·4) is already a factor of 10^8.
pub const MAX_SIGMA: f64 = 5.0;
/// The largest valuation premium per benchmark point (gaps are clamped to
/// ±20 points, so e^(20·β) stays finite).
/// The largest funding climate multiplier.
pub const MAX_CLIMATE: f64 = 100.0;
/// The most investors one pitch may reach in a month.
pub const MAX_INVESTORS_PER_PITCH: u32 = 10_000;
/// The longest chip lead time, months.
pub const MAX_LEAD_TIME_MONTHS: u32 = 120;
/// The last month of the calendar: a run (and its deliveries) must end by then.
pub const LAST_MONTH: (i32, u32) = (9999, 12);
/// The first year a world may start in.
pub const FIRST_YEAR: i32 = 1000;

/// Check a world for values that parse but make no sense, and for sizes
/// over their limits ([`limits::world_problems`]), all problems at once.
/// The error's origin is the world's name; loaders replace it with the
/// file path.
pub fn validate(world: &World) -> Result<(), WorldError> {
    validate_with(world, limits::SizePolicy::DEFAULT)
}

/// [`validate`] with the size limits of `policy` (`--allow-large`).
pub fn validate_with(world: &World, policy: limits::SizePolicy) -> Result<(), WorldError> {
    let mut c = Checker::default();
    c.world(world);
    c.problems.extend(limits::world_problems_with(world, policy));
    c.into_result(world)
}

/// [`validate`] without the size limits: for a world read back from an
/// output folder (its run already happened, however large).
pub fn validate_values(world: &World) -> Result<(), WorldError> {
    let mut c = Checker::default();
    c.world(world);
    c.into_result(world)
}

/// A number for a message: as written for ordinary magnitudes, in
/// exponent form for huge or tiny ones (`1e300`, not 301 digits).
pub(crate) fn shown(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-6..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The range a number (or a distribution's support) must lie in.
#[derive(Clone, Copy)]
enum Range {
    /// Any finite number.
    Finite,
    /// Money, USD millions: >= 0.
    Money,
    /// A price, USD millions: > 0 (indices divide by it).
    Price,
    /// >= 0 (counts, durations, sensitivities, noise).
    NonNeg,
    /// > 0.
    Positive,
    /// A growth rate: >= -1 (cannot shrink by more than 100%).
    Growth,
    /// A share, fraction or probability: 0..1 inclusive.
    Unit,
    /// Strictly between 0 and 1.
    OpenUnit,
    /// 0 to the given bound, inclusive.
    UpTo(f64),
}

impl Range {
    fn holds(self, v: f64) -> bool {
        match self {
            Range::Finite => true,
            Range::Money | Range::NonNeg => v >= 0.0,
            Range::Price => v > 0.0,
            Range::Positive => v > 0.0,
            Range::Growth => v >= -1.0,
            Range::Unit => (0.0..=1.0).contains(&v),
            Range::OpenUnit => v > 0.0 && v < 1.0,
            Range::UpTo(max) => (0.0..=max).contains(&v),
        }
    }

    /// The plausible upper bound of this range, if it has one besides
    /// `holds` (money and growth rates).
    fn ceiling(self) -> Option<(f64, &'static str)> {
        match self {
            Range::Money | Range::Price | Range::Finite => {
                Some((MAX_MONEY_MUSD, "USD millions, i.e. USD 10^15"))
            }
            Range::Growth => Some((MAX_GROWTH_YEARLY, "+1000% a year")),
            _ => None,
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Range::Finite => "must be a finite number",
            Range::Money => "money must be >= 0",
            Range::Price => "a price must be > 0 (the chip price index divides by it)",
            Range::NonNeg => "must be >= 0",
            Range::Positive => "must be > 0",
            Range::Growth => "a growth rate must be >= -1 (-100%)",
            Range::Unit => "must be between 0 and 1",
            Range::OpenUnit => "must be strictly between 0 and 1",
            Range::UpTo(_) => "must be between 0 and the bound of its plausible range",
        }
    }

    /// The message for a value outside the range.
    fn broken(self) -> String {
        match self {
            Range::UpTo(max) => format!("must be between 0 and {} (its plausible range)", shown(max)),
            _ => self.rule().to_string(),
        }
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<String>,
}

/// `items[i] ("name")`, the path of a named element of a list.
fn named(list: &str, i: usize, name: &str) -> String {
    format!("{list}[{i}] ({name:?})")
}

impl Checker {
    fn problem(&mut self, p: String) {
        self.problems.push(p);
    }

    fn into_result(self, world: &World) -> Result<(), WorldError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(WorldError::Invalid { origin: format!("world {:?}", world.name), problems: self.problems })
        }
    }

    fn num(&mut self, path: &str, v: f64, range: Range) {
        if !v.is_finite() {
            self.problem(format!("{path} = {v}: must be a finite number"));
        } else if !range.holds(v) {
            self.problem(format!("{path} = {}: {}", shown(v), range.broken()));
        } else {
            self.ceiling(path, v, range);
        }
    }

    /// A value above its range's plausible ceiling (or below minus it, for
    /// amounts that may be negative).
    fn ceiling(&mut self, path: &str, v: f64, range: Range) {
        if let Some((max, unit)) = range.ceiling()
            && v.abs() > max
        {
            let bound = if v < 0.0 { "at least -" } else { "at most " };
            self.problem(format!(
                "{path} = {}: must be {bound}{} ({unit}): larger amounts overflow the model",
                shown(v),
                shown(max)
            ));
        }
    }

    /// A whole number above its plausible bound.
    fn count_at_most(&mut self, path: &str, v: u32, max: u32, what: &str) {
        if v > max {
            self.problem(format!("{path} = {v}: at most {max} {what}"));
        }
    }

    /// An amount that grows by `growth_yearly` over `months`: what it
    /// reaches must stay at most `max`.
    fn grown(&mut self, path: &str, start: f64, growth_yearly: f64, months: u32, max: f64, unit: &str) {
        let end = grown(start, growth_yearly, months);
        if end > max {
            self.problem(format!(
                "{path}: grows from {} to {} {unit} over {months} months; at most {} are possible: lower the growth rate or the months",
                shown(start),
                if end.is_finite() { shown(end) } else { "infinity".to_string() },
                shown(max)
            ));
        }
    }

    fn dist(&mut self, path: &str, d: &Dist, range: Range) {
        match *d {
            Dist::Fixed(v) => self.num(&format!("{path}.Fixed"), v, range),
            Dist::Uniform(lo, hi) => {
                if !lo.is_finite() || !hi.is_finite() {
                    self.problem(format!("{path} = Uniform({lo}, {hi}): bounds must be finite numbers"));
                } else if lo > hi {
                    self.problem(format!(
                        "{path} = Uniform({lo}, {hi}): the low bound is above the high bound"
                    ));
                } else if !range.holds(lo) || !range.holds(hi) {
                    self.problem(format!("{path} = Uniform({lo}, {hi}): both bounds {}", range.broken()));
                } else {
                    self.ceiling(&format!("{path}.Uniform.1"), hi, range);
                }
            }
            Dist::LogNormal { median, sigma } => {
                if !median.is_finite() || !sigma.is_finite() {
                    self.problem(format!(
                        "{path} = LogNormal(median: {median}, sigma: {sigma}): \
                         median and sigma must be finite numbers"
                    ));
                    return;
                }
                if sigma < 0.0 {
                    self.problem(format!("{path}.sigma = {sigma}: must be >= 0"));
                } else if sigma > MAX_SIGMA {
                    self.problem(format!(
                        "{path}.sigma = {}: must be at most {MAX_SIGMA} (larger values overflow the model)",
                        shown(sigma)
                    ));
                }
                if median <= 0.0 {
                    self.problem(format!("{path}.median = {median}: a lognormal median must be > 0"));
                } else if !range.holds(median) {
                    self.problem(format!("{path}.median = {median}: {}", range.rule()));
                } else {
                    self.ceiling(&format!("{path}.median"), median, range);
                }
            }
        }
    }

    fn name(&mut self, path: &str, name: &str) {
        if name.trim().is_empty() {
            self.problem(format!("{path}.name: must not be empty"));
        }
    }

    /// A list of named entries that must hold 1 to `max` of them (`one`:
    /// what one entry is called, `many`: the word for several): its size,
    /// then each entry's name and `fields` (given the entry's path), then
    /// that the names are unique.
    fn named_list<T>(
        &mut self,
        list: &str,
        items: &[T],
        (one, many, max): (&str, &str, usize),
        name: impl Fn(&T) -> &str,
        mut fields: impl FnMut(&mut Self, &str, &T),
    ) {
        if items.is_empty() {
            self.problem(format!("{list} is empty: at least one {one} is needed"));
        }
        if items.len() > max {
            self.problem(format!("{list} has {} {many}: at most {max} are supported", items.len()));
        }
        for (i, item) in items.iter().enumerate() {
            let path = named(list, i, name(item));
            self.name(&format!("{list}[{i}]"), name(item));
            fields(self, &path, item);
        }
        self.unique(list, items.iter().map(name));
    }

    /// Report names that occur more than once in `names` (one line per name).
    fn unique<'a>(&mut self, what: &str, names: impl IntoIterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        let mut reported = HashSet::new();
        for n in names {
            if !seen.insert(n) && reported.insert(n) {
                self.problem(format!("{what}: the name {n:?} is used more than once"));
            }
        }
    }

    /// Generated firms are named `<prefix> <n>`: a named firm of that form
    /// would share its name with a generated one.
    fn generated_names_clash(&mut self, w: &World) {
        let prefixes: Vec<&str> =
            w.cohorts.iter().map(|c| c.prefix.as_str()).chain([w.entry.template.prefix.as_str()]).collect();
        for (i, f) in w.firms.iter().enumerate() {
            let clash = prefixes.iter().find(|p| {
                f.name
                    .strip_prefix(**p)
                    .and_then(|rest| rest.strip_prefix(' '))
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            });
            if let Some(p) = clash {
                self.problem(format!(
                    "{}.name: clashes with the generated firms \"{p} <n>\"; rename the firm or the prefix",
                    named("firms", i, &f.name)
                ));
            }
        }
    }

    fn world(&mut self, w: &World) {
        self.name("world", &w.name);
        if let Some(why) = unsafe_name(&w.name) {
            self.problem(format!("world.name = {:?}: {why} (it names the output folder)", w.name));
        }
        if w.months == 0 {
            self.problem("months = 0: must be at least 1".to_string());
        }
        self.calendar(w);
        self.market(&w.market);
        self.pricing(&w.pricing);
        self.research(&w.research);
        self.talent(&w.talent);
        self.chips(&w.chips);
        self.growth(w);
        let chips: HashSet<&str> = w.chips.suppliers.iter().map(|s| s.name.as_str()).collect();
        let pools = w.talent.pools.len();
        self.policy(&w.policy, &chips);
        self.finance(&w.finance);
        self.funding(&w.funding);
        self.acquisitions(&w.acquisitions);
        let x = &w.exits;
        self.num("exits.choice_noise", x.choice_noise, Range::NonNeg);
        self.num("exits.app_revenue_musd_per_researcher", x.app_revenue_musd_per_researcher, Range::Money);
        self.num("exits.app_revenue_multiple", x.app_revenue_multiple, Range::NonNeg);
        self.num("exits.app_staff_share", x.app_staff_share, Range::Unit);
        self.num("exits.acquihire_bonus_months", x.acquihire_bonus_months, Range::NonNeg);
        self.num("entry.rate_month", w.entry.rate_month, Range::NonNeg);
        self.num("entry.reference_free_talent_share", w.entry.reference_free_talent_share, Range::Unit);
        self.cohort("entry.template", &w.entry.template, &chips, pools);
        self.consolidation(&w.consolidation);
        self.firms(w, &chips, pools);
        for (i, c) in w.cohorts.iter().enumerate() {
            self.cohort(&named("cohorts", i, &c.prefix), c, &chips, pools);
        }
        self.unique(
            "cohorts and entry.template",
            w.cohorts.iter().map(|c| c.prefix.as_str()).chain([w.entry.template.prefix.as_str()]),
        );
        self.generated_names_clash(w);
        for (i, inv) in w.investors.iter().enumerate() {
            self.investor(&named("investors", i, &inv.name), inv);
        }
        self.unique("investors", w.investors.iter().map(|i| i.name.as_str()));
        for (i, ic) in w.investor_cohorts.iter().enumerate() {
            self.investor_cohort(&named("investor_cohorts", i, &ic.prefix), ic);
        }
    }

    /// The run, and every delivery it orders, ends within the calendar
    /// (four-digit years: months are written as `YYYY-MM`).
    fn calendar(&mut self, w: &World) {
        if w.start.year() < FIRST_YEAR {
            self.problem(format!("start = {}: must be {FIRST_YEAR}-01 or later", w.start));
        }
        let lead = w.chips.suppliers.iter().map(|s| s.lead_time_months).max().unwrap_or(0);
        let last = Month::new(LAST_MONTH.0, LAST_MONTH.1);
        let end = w.start.0 as i64 + w.months as i64 + lead.min(MAX_LEAD_TIME_MONTHS) as i64;
        if end > last.0 as i64 {
            self.problem(format!(
                "months = {}: a run from {} (with chip lead times of up to {lead} months) would end after {last}, the last month of the calendar",
                w.months, w.start
            ));
        }
    }

    /// Amounts that grow over the run stay finite (and plausible) by its end.
    fn growth(&mut self, w: &World) {
        let months = w.months;
        for (i, (_, v)) in w.market.adoption.iter().enumerate() {
            if v.is_finite() && *v > MAX_GROWN {
                self.problem(format!(
                    "market.adoption[{i}].1 = {}: at most {} T tok a month",
                    shown(*v),
                    shown(MAX_GROWN)
                ));
            }
        }
        for (i, s) in w.chips.suppliers.iter().enumerate() {
            let (cap, g) = (s.capacity_units_month, s.capacity_growth_yearly);
            if cap.is_finite() && (-1.0..=MAX_GROWTH_YEARLY).contains(&g) {
                let path = format!("{}.capacity_units_month", named("chips.suppliers", i, &s.name));
                self.grown(&path, cap, g, months, MAX_GROWN, "units a month");
            }
        }
        let pools = &w.talent.pools;
        if pools.iter().all(|p| (-1.0..=MAX_GROWTH_YEARLY).contains(&p.growth_yearly)) {
            let start: f64 = pools.iter().map(|p| p.size as f64).sum();
            let end: f64 = pools.iter().map(|p| grown(p.size as f64, p.growth_yearly, months)).sum();
            if end > MAX_RESEARCHERS {
                self.problem(format!(
                    "talent.pools[..].size: {} researchers grow to {} over {months} months (talent.pools[..].growth_yearly); at most {} are possible: lower the sizes, the growth or the months",
                    shown(start),
                    shown(end.round()),
                    shown(MAX_RESEARCHERS)
                ));
            }
        }
    }

    fn market(&mut self, m: &Market) {
        if m.adoption.is_empty() {
            self.problem("market.adoption: must have at least one (month, T tok) point".to_string());
        }
        if m.adoption.windows(2).any(|w| w[0].0 >= w[1].0) {
            self.problem("market.adoption: months must be in increasing order".to_string());
        }
        for (i, (_, v)) in m.adoption.iter().enumerate() {
            self.num(&format!("market.adoption[{i}].1"), *v, Range::Positive);
        }
        self.num("market.reference_price_usd_mtok", m.reference_price_usd_mtok, Range::Positive);
        self.num("market.price_elasticity", m.price_elasticity, Range::NonNeg);
        self.num("market.capability_demand", m.capability_demand, Range::NonNeg);
        self.num("market.reference_capability", m.reference_capability, Range::NonNeg);
        let sensitivity = Range::UpTo(MAX_SENSITIVITY);
        self.num("market.capability_sensitivity", m.capability_sensitivity, sensitivity);
        self.num("market.price_sensitivity", m.price_sensitivity, sensitivity);
        self.num("market.usage_cost_usd_mtok", m.usage_cost_usd_mtok, Range::Positive);
        self.num("market.quality_saturation", m.quality_saturation, Range::NonNeg);
        self.num("market.inertia", m.inertia, Range::Unit);
        self.num("market.benchmark_weight", m.benchmark_weight, Range::Unit);
        self.num("market.tokens_per_pflops_month_ttok", m.tokens_per_pflops_month_ttok, Range::Positive);
        self.num("market.efficiency_growth_yearly", m.efficiency_growth_yearly, Range::Growth);
        self.num("market.max_serving_share", m.max_serving_share, Range::Unit);
        if m.max_markup.is_finite() && m.max_markup < 1.0 {
            self.problem(format!(
                "market.max_markup = {}: must be >= 1 (a price below cost is a subsidy, not a markup)",
                m.max_markup
            ));
        } else {
            self.num("market.max_markup", m.max_markup, Range::Positive);
        }
    }

    fn pricing(&mut self, p: &Pricing) {
        if !(1..=12).contains(&p.window_months) {
            self.problem(format!("pricing.window_months = {}: must be between 1 and 12", p.window_months));
        }
        self.num("pricing.trigger_ratio", p.trigger_ratio, Range::Unit);
        self.num("pricing.parity_gap", p.parity_gap, Range::NonNeg);
        self.num("pricing.undercut", p.undercut, Range::Unit);
        self.num("pricing.loss_budget_share", p.loss_budget_share, Range::Unit);
        self.num("pricing.adjustment", p.adjustment, Range::Unit);
        self.num("pricing.cut_event_threshold", p.cut_event_threshold, Range::OpenUnit);
    }

    fn research(&mut self, r: &Research) {
        self.num("research.algorithmic_halving_months", r.algorithmic_halving_months, Range::NonNeg);
        self.num("research.points_per_efold", r.points_per_efold, Range::Positive);
        self.num("research.stock_scale_pflops_months", r.stock_scale_pflops_months, Range::Positive);
        self.num("research.obsolescence_monthly", r.obsolescence_monthly, Range::Unit);
        self.num("research.staffing_penalty", r.staffing_penalty, Range::NonNeg);
        self.num("research.data_weight", r.data_weight, Range::Unit);
        self.num("research.usage_data", r.usage_data, Range::Unit);
        if r.open_weights.windows(2).any(|w| w[0].0 >= w[1].0) {
            self.problem("research.open_weights: months must be in increasing order".to_string());
        }
        for (i, (_, v)) in r.open_weights.iter().enumerate() {
            self.num(&format!("research.open_weights[{i}].1"), *v, Range::NonNeg);
        }
        self.num("research.open_release_gap", r.open_release_gap, Range::NonNeg);
        self.num("research.open_small_release_gap", r.open_small_release_gap, Range::NonNeg);
        self.num("research.frontier_drift_monthly", r.frontier_drift_monthly, Range::NonNeg);
        self.num("research.catch_up_monthly", r.catch_up_monthly, Range::Unit);
        self.num("research.absorption_half_share", r.absorption_half_share, Range::Unit);
    }

    fn talent(&mut self, t: &Talent) {
        let pool_words = ("talent pool", "pools", MAX_POOLS);
        self.named_list(
            "talent.pools",
            &t.pools,
            pool_words,
            |p| &p.name,
            |v, path, p| {
                v.num(&format!("{path}.growth_yearly"), p.growth_yearly, Range::Growth);
                v.num(&format!("{path}.wage_musd_month"), p.wage_musd_month, Range::Money);
                v.num(&format!("{path}.wage_elasticity"), p.wage_elasticity, Range::NonNeg);
                v.num(&format!("{path}.productivity"), p.productivity, Range::NonNeg);
            },
        );
        self.num("talent.churn_monthly", t.churn_monthly, Range::Unit);
        self.num("talent.wage_sensitivity", t.wage_sensitivity, Range::UpTo(MAX_SENSITIVITY));
        self.num("talent.offer_noise", t.offer_noise, Range::UpTo(MAX_SIGMA));
        self.num("talent.matching_efficiency", t.matching_efficiency, Range::NonNeg);
        self.num("talent.normal_tightness", t.normal_tightness, Range::Positive);
        self.num("talent.max_wage_change_monthly", t.max_wage_change_monthly, Range::Unit);
        self.num("talent.max_wage_cut_monthly", t.max_wage_cut_monthly, Range::Unit);
        self.num("talent.layoff_slack", t.layoff_slack, Range::NonNeg);
        self.num("talent.outside_wage_share", t.outside_wage_share, Range::Unit);
    }

    fn chips(&mut self, c: &Chips) {
        let chip_words = ("chip supplier", "chips", MAX_CHIPS);
        self.named_list(
            "chips.suppliers",
            &c.suppliers,
            chip_words,
            |s| &s.name,
            |v, path, s| {
                v.num(&format!("{path}.tflops_bf16"), s.tflops_bf16, Range::NonNeg);
                v.num(&format!("{path}.tpp"), s.tpp, Range::NonNeg);
                v.num(&format!("{path}.price_musd"), s.price_musd, Range::Price);
                let cap = s.capacity_units_month;
                v.num(&format!("{path}.capacity_units_month"), cap, Range::NonNeg);
                let growth = s.capacity_growth_yearly;
                v.num(&format!("{path}.capacity_growth_yearly"), growth, Range::Growth);
                v.num(&format!("{path}.efficiency"), s.efficiency, Range::Unit);
                let lead = s.lead_time_months;
                v.count_at_most(&format!("{path}.lead_time_months"), lead, MAX_LEAD_TIME_MONTHS, "months");
            },
        );
        self.num("chips.price_elasticity", c.price_elasticity, Range::NonNeg);
        let relax = c.price_relaxation_monthly;
        self.num("chips.price_relaxation_monthly", relax, Range::Unit);
        if c.lifetime_months == 0 {
            self.problem("chips.lifetime_months = 0: must be at least 1".to_string());
        }
        let opex = c.opex_musd_per_pflops_month;
        self.num("chips.opex_musd_per_pflops_month", opex, Range::Money);
        self.num("chips.resale_haircut", c.resale_haircut, Range::Unit);
        let g = &c.grey_market;
        self.num("chips.grey_market.premium", g.premium, Range::NonNeg);
        self.num("chips.grey_market.units_month", g.units_month, Range::NonNeg);
        self.num("chips.grey_market.min_risk", g.min_risk, Range::Unit);
        self.num("chips.grey_market.max_budget_share", g.max_budget_share, Range::Unit);
    }

    fn chip_name(&mut self, path: &str, chip: &str, chips: &HashSet<&str>) {
        if !chips.contains(chip) {
            let mut known: Vec<&str> = chips.iter().copied().collect();
            known.sort_unstable();
            let known: Vec<String> = known.iter().map(|k| format!("{k:?}")).collect();
            self.problem(format!(
                "{path} = {chip:?}: no chip supplier has this name (known chips: {})",
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ));
        }
    }

    fn policy(&mut self, p: &Policy, chips: &HashSet<&str>) {
        for (i, r) in p.rules.iter().enumerate() {
            let path = named("policy.rules", i, &r.name);
            self.name(&format!("policy.rules[{i}]"), &r.name);
            if r.effective < r.announced {
                self.problem(format!(
                    "{path}.effective = {}: before its announcement ({}); move `policy.rules[{i}].announced` too",
                    r.effective, r.announced
                ));
            }
            for (j, cov) in r.covers.iter().enumerate() {
                match cov {
                    Coverage::Chip(name) => self.chip_name(&format!("{path}.covers[{j}]"), name, chips),
                    Coverage::TppAtLeast(tpp) => {
                        self.num(&format!("{path}.covers[{j}].TppAtLeast"), *tpp, Range::NonNeg)
                    }
                }
            }
        }
        self.unique("policy.rules", p.rules.iter().map(|r| r.name.as_str()));
    }

    fn finance(&mut self, f: &Finance) {
        self.num("finance.overhead_musd_month", f.overhead_musd_month, Range::Money);
        self.num("finance.capex_share_monthly", f.capex_share_monthly, Range::Unit);
        self.num("finance.reserve_months", f.reserve_months, Range::NonNeg);
        let cpr = f.compute_per_researcher_pflops;
        self.num("finance.compute_per_researcher_pflops", cpr, Range::NonNeg);
        let g = f.compute_per_researcher_growth_monthly;
        self.num("finance.compute_per_researcher_growth_monthly", g, Range::NonNeg);
        let horizon = f.stockpile_horizon_months;
        self.num("finance.stockpile_horizon_months", horizon, Range::NonNeg);
        self.num("finance.revenue_multiple", f.revenue_multiple, Range::NonNeg);
    }

    fn funding(&mut self, f: &Funding) {
        self.num("funding.growth_years", f.growth_years, Range::NonNeg);
        self.num("funding.frontier_option_musd", f.frontier_option_musd, Range::Money);
        self.num("funding.option_decay", f.option_decay, Range::NonNeg);
        self.num("funding.herd_weight", f.herd_weight, Range::NonNeg);
        self.num("funding.cut_runway_months", f.cut_runway_months, Range::NonNeg);
        self.num("funding.recycle_share", f.recycle_share, Range::Unit);
        self.num("funding.pitch_runway_months", f.pitch_runway_months, Range::NonNeg);
        if f.climate.is_empty() {
            self.problem("funding.climate is empty: give at least one (month, multiplier) point".into());
        }
        for (i, (month, mult)) in f.climate.iter().enumerate() {
            self.num(&format!("funding.climate[{i}].1"), *mult, Range::UpTo(MAX_CLIMATE));
            if i > 0 {
                let prev = f.climate[i - 1].0;
                if *month <= prev {
                    self.problem(format!(
                        "funding.climate[{i}].0 = {month}: months must increase \
                         (previous point is {prev})"
                    ));
                }
            }
        }
        let reach = f.investors_per_pitch;
        self.count_at_most("funding.investors_per_pitch", reach, MAX_INVESTORS_PER_PITCH, "investors");
        self.num("funding.dilution", f.dilution, Range::Unit);
        self.num("funding.min_check_share", f.min_check_share, Range::Unit);
        self.num("funding.judgement_noise", f.judgement_noise, Range::NonNeg);
        let v = f.loan_repay_valuation_musd;
        self.num("funding.loan_repay_valuation_musd", v, Range::Money);
    }

    fn acquisitions(&mut self, a: &Acquisitions) {
        let d = a.distress_runway_months;
        self.num("acquisitions.distress_runway_months", d, Range::NonNeg);
        self.num("acquisitions.max_premium", a.max_premium, Range::NonNeg);
        if let Some(at) = &a.antitrust {
            self.num("acquisitions.antitrust.hhi_threshold", at.hhi_threshold, Range::NonNeg);
            let d = at.delta_threshold;
            self.num("acquisitions.antitrust.delta_threshold", d, Range::NonNeg);
        }
    }

    fn consolidation(&mut self, c: &Consolidation) {
        let hhi = c.hhi_threshold;
        if !hhi.is_finite() || !(0.0..=10_000.0).contains(&hhi) {
            self.problem(format!("consolidation.hhi_threshold = {hhi}: HHI must be between 0 and 10000"));
        }
        self.num("consolidation.drop_from_peak", c.drop_from_peak, Range::Unit);
    }

    fn researchers_len(&mut self, path: &str, len: usize, pools: usize) {
        if len != pools {
            self.problem(format!(
                "{path}.researchers has {len} entr{}: need one per talent pool ({pools})",
                if len == 1 { "y" } else { "ies" }
            ));
        }
    }

    fn firms(&mut self, w: &World, chips: &HashSet<&str>, pools: usize) {
        let mut share_sum = 0.0;
        for (i, f) in w.firms.iter().enumerate() {
            let path = named("firms", i, &f.name);
            self.name(&format!("firms[{i}]"), &f.name);
            self.num(&format!("{path}.cash_musd"), f.cash_musd, Range::Money);
            let ccf = f.core_cash_flow_musd_month;
            self.num(&format!("{path}.core_cash_flow_musd_month"), ccf, Range::Finite);
            self.researchers_len(&path, f.researchers.len(), pools);
            for (j, (chip, _)) in f.chips.iter().enumerate() {
                self.chip_name(&format!("{path}.chips[{j}].0"), chip, chips);
            }
            self.num(&format!("{path}.capability"), f.capability, Range::NonNeg);
            self.num(&format!("{path}.share"), f.share, Range::Unit);
            if f.share.is_finite() {
                share_sum += f.share;
            }
            let s = &f.strategy;
            self.num(&format!("{path}.strategy.stockpile"), s.stockpile, Range::Unit);
            self.num(&format!("{path}.strategy.risk"), s.risk, Range::Unit);
            self.num(&format!("{path}.strategy.gaming"), s.gaming, Range::Unit);
            let acq = s.acquisitiveness;
            self.num(&format!("{path}.strategy.acquisitiveness"), acq, Range::Unit);
            let agg = s.price_aggressiveness;
            self.num(&format!("{path}.strategy.price_aggressiveness"), agg, Range::Unit);
            self.num(&format!("{path}.serving_efficiency"), f.serving_efficiency, Range::Positive);
            if let Some((_, e)) = f.serving_upgrade {
                self.num(&format!("{path}.serving_upgrade.1"), e, Range::Positive);
            }
            self.num(&format!("{path}.training_efficiency"), f.training_efficiency, Range::Positive);
            self.num(&format!("{path}.platform_data"), f.platform_data, Range::Unit);
            if let Some(plan) = &f.chip_loans {
                self.chip_loans(&path, plan, &w.investors);
            }
        }
        if share_sum > 1.0 + 1e-9 {
            let shown = (share_sum * 1e6).round() / 1e6;
            self.problem(format!("firms[..].share: initial shares add up to {shown}, more than 1"));
        }
        self.unique("firms", w.firms.iter().map(|f| f.name.as_str()));
    }

    fn chip_loans(&mut self, path: &str, plan: &ChipLoanPlan, investors: &[InvestorSpec]) {
        let lp = format!("{path}.chip_loans.lender = {:?}", plan.lender);
        match investors.iter().find(|inv| inv.name == plan.lender) {
            None => {
                let lenders: Vec<String> = investors
                    .iter()
                    .filter(|i| i.kind == InvestorKind::Lender)
                    .map(|i| format!("{:?}", i.name))
                    .collect();
                self.problem(format!(
                    "{lp}: no investor has this name (lenders: {})",
                    if lenders.is_empty() { "none".to_string() } else { lenders.join(", ") }
                ));
            }
            Some(inv) if inv.kind != InvestorKind::Lender => {
                self.problem(format!("{lp}: this investor is a {:?}, not a Lender", inv.kind))
            }
            Some(inv) if inv.loan.is_none() => self.problem(format!("{lp}: this lender has no `loan` terms")),
            Some(_) => {}
        }
        let m = plan.max_outstanding_musd;
        self.num(&format!("{path}.chip_loans.max_outstanding_musd"), m, Range::Money);
    }

    fn cohort(&mut self, path: &str, c: &Cohort, chips: &HashSet<&str>, pools: usize) {
        if c.prefix.trim().is_empty() {
            self.problem(format!("{path}.prefix: must not be empty"));
        }
        if c.founded_from > c.founded_to {
            self.problem(format!(
                "{path}.founded_from = {}: after founded_to ({})",
                c.founded_from, c.founded_to
            ));
        }
        self.dist(&format!("{path}.cash_musd"), &c.cash_musd, Range::Money);
        self.researchers_len(path, c.researchers.len(), pools);
        for (j, d) in c.researchers.iter().enumerate() {
            self.dist(&format!("{path}.researchers[{j}]"), d, Range::NonNeg);
        }
        for (j, (chip, d)) in c.chips.iter().enumerate() {
            self.chip_name(&format!("{path}.chips[{j}].0"), chip, chips);
            self.dist(&format!("{path}.chips[{j}].1"), d, Range::NonNeg);
        }
        self.dist(&format!("{path}.capability"), &c.capability, Range::NonNeg);
        self.dist(&format!("{path}.stockpile"), &c.stockpile, Range::Unit);
        self.dist(&format!("{path}.risk"), &c.risk, Range::Unit);
        self.dist(&format!("{path}.gaming"), &c.gaming, Range::Unit);
        self.dist(&format!("{path}.acquisitiveness"), &c.acquisitiveness, Range::Unit);
        self.dist(&format!("{path}.price_aggressiveness"), &c.price_aggressiveness, Range::Unit);
        self.dist(&format!("{path}.serving_efficiency"), &c.serving_efficiency, Range::Positive);
        self.dist(&format!("{path}.training_efficiency"), &c.training_efficiency, Range::Positive);
        self.dist(&format!("{path}.platform_data"), &c.platform_data, Range::Unit);
    }

    fn checks(&mut self, path: &str, min: f64, max: f64) {
        self.num(&format!("{path}.check_min_musd"), min, Range::Money);
        self.num(&format!("{path}.check_max_musd"), max, Range::Money);
        if min.is_finite() && max.is_finite() && min > max {
            self.problem(format!("{path}.check_min_musd = {min}: above check_max_musd ({max})"));
        }
    }

    fn investor(&mut self, path: &str, inv: &InvestorSpec) {
        if inv.name.trim().is_empty() {
            self.problem(format!("{path}.name: must not be empty"));
        }
        self.num(&format!("{path}.dry_powder_musd"), inv.dry_powder_musd, Range::Money);
        let inflow = inv.inflow_musd_month;
        self.num(&format!("{path}.inflow_musd_month"), inflow, Range::Money);
        self.checks(path, inv.check_min_musd, inv.check_max_musd);
        self.num(&format!("{path}.risk_appetite"), inv.risk_appetite, Range::Unit);
        let trust = inv.leaderboard_trust;
        self.num(&format!("{path}.leaderboard_trust"), trust, Range::Unit);
        if let Some(loan) = &inv.loan {
            self.num(&format!("{path}.loan.rate_yearly"), loan.rate_yearly, Range::NonNeg);
            let ltv = loan.loan_to_value;
            self.num(&format!("{path}.loan.loan_to_value"), ltv, Range::Unit);
            if loan.maturity_months == 0 {
                self.problem(format!("{path}.loan.maturity_months = 0: must be at least 1"));
            }
        }
    }

    fn investor_cohort(&mut self, path: &str, ic: &InvestorCohort) {
        if ic.prefix.trim().is_empty() {
            self.problem(format!("{path}.prefix: must not be empty"));
        }
        self.dist(&format!("{path}.dry_powder_musd"), &ic.dry_powder_musd, Range::Money);
        let inflow = &ic.inflow_musd_month;
        self.dist(&format!("{path}.inflow_musd_month"), inflow, Range::Money);
        self.checks(path, ic.check_min_musd, ic.check_max_musd);
        self.dist(&format!("{path}.risk_appetite"), &ic.risk_appetite, Range::Unit);
        let trust = &ic.leaderboard_trust;
        self.dist(&format!("{path}.leaderboard_trust"), trust, Range::Unit);
    }
}

/// The longest name that may name an output folder.
pub const MAX_NAME_LEN: usize = 64;

/// Why `name` cannot name an output folder, or `None` when it can. A safe
/// name has 1 to [`MAX_NAME_LEN`] characters, all ASCII letters, digits,
/// `-`, `_` or `.`, and does not start with `.`: so it can never be an
/// absolute path, `..`, hold a separator or a NUL, or hide a folder.
pub fn unsafe_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return None; // reported as empty elsewhere
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!("is {} characters long; at most {MAX_NAME_LEN} are allowed", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c))) {
        return Some(format!("may use only letters, digits, `-`, `_` and `.`, not {:?}", c));
    }
    if name.starts_with('.') {
        return Some("must not start with `.`".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::load_str;

    const TINY: &str = include_str!("../../tests/fixtures/tiny.ron");

    fn tiny() -> World {
        load_str(TINY, "tiny.ron").expect("tiny.ron is valid")
    }

    /// The problems `validate` reports for the tiny world after `edit`.
    fn problems(edit: impl FnOnce(&mut World)) -> Vec<String> {
        let mut w = tiny();
        edit(&mut w);
        match validate(&w) {
            Ok(()) => vec![],
            Err(WorldError::Invalid { problems, .. }) => problems,
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }

    fn has(problems: &[String], needle: &str) -> bool {
        problems.iter().any(|p| p.contains(needle))
    }

    #[test]
    fn tiny_world_is_valid() {
        assert_eq!(validate(&tiny()), Ok(()));
    }

    #[test]
    fn negative_money_names_the_field() {
        let p = problems(|w| w.firms[2].cash_musd = -5.0);
        assert_eq!(p, vec![r#"firms[2] ("MidStart").cash_musd = -5: money must be >= 0"#]);
    }

    #[test]
    fn core_cash_flow_may_be_negative_but_finite() {
        assert!(problems(|w| w.firms[0].core_cash_flow_musd_month = -50.0).is_empty());
        let p = problems(|w| w.firms[0].core_cash_flow_musd_month = f64::NAN);
        assert!(has(&p, "core_cash_flow_musd_month = NaN: must be a finite number"), "{p:?}");
    }

    #[test]
    fn collects_every_problem() {
        let p = problems(|w| {
            w.months = 0;
            w.market.inertia = 1.5;
            w.research.data_weight = 1.5;
            w.chips.resale_haircut = f64::INFINITY;
            w.investors[0].check_min_musd = 500.0;
            w.investors[1].loan =
                Some(LoanTerms { rate_yearly: 0.1, loan_to_value: 1.2, maturity_months: 0 });
        });
        assert!(has(&p, "months = 0"), "{p:?}");
        assert!(has(&p, "market.inertia = 1.5: must be between 0 and 1"), "{p:?}");
        assert!(has(&p, "research.data_weight = 1.5: must be between 0 and 1"), "{p:?}");
        assert!(has(&p, "chips.resale_haircut = inf: must be a finite number"), "{p:?}");
        assert!(has(&p, r#"investors[0] ("BigFund").check_min_musd = 500: above"#), "{p:?}");
        assert!(has(&p, "loan.loan_to_value = 1.2"), "{p:?}");
        assert!(has(&p, "loan.maturity_months = 0"), "{p:?}");
        assert_eq!(p.len(), 7, "{p:?}");
    }

    #[test]
    fn shares_must_not_exceed_one_in_total() {
        let p = problems(|w| w.firms[2].share = 0.6);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(has(&p, "add up to 1.15, more than 1"), "{p:?}");
        let p = problems(|w| w.firms[2].share = -0.1);
        assert!(has(&p, "share = -0.1: must be between 0 and 1"), "{p:?}");
    }

    #[test]
    fn duplicate_names() {
        let p = problems(|w| {
            w.firms[1].name = "BigCo".into();
            w.investors[2].name = "BigFund".into();
            w.chips.suppliers[1].name = "A100".into();
            w.talent.pools[1].name = "Top".into();
            let r = w.policy.rules[0].clone();
            w.policy.rules.push(r);
        });
        for what in [
            r#"firms: the name "BigCo""#,
            r#"investors: the name "BigFund""#,
            r#"chips.suppliers: the name "A100""#,
            r#"talent.pools: the name "Top""#,
            r#"policy.rules: the name "Oct 2022""#,
        ] {
            assert!(has(&p, what), "{what} in {p:?}");
        }
    }

    #[test]
    fn unknown_chips() {
        let p = problems(|w| {
            w.policy.rules[0].covers.push(Coverage::Chip("H100".into()));
            w.firms[2].chips[0].0 = "A10O".into();
            w.cohorts[0].chips[0].0 = "B200".into();
        });
        assert!(has(&p, r#"policy.rules[0] ("Oct 2022").covers[1] = "H100": no chip"#), "{p:?}");
        assert!(has(&p, r#"firms[2] ("MidStart").chips[0].0 = "A10O""#), "{p:?}");
        assert!(has(&p, r#"cohorts[0] ("Lab").chips[0].0 = "B200""#), "{p:?}");
        assert!(has(&p, r#"known chips: "A100", "A800", "Ascend910B""#), "{p:?}");
    }

    #[test]
    fn rule_effective_before_announced() {
        let p = problems(|w| w.policy.rules[0].effective = crate::world::Month::new(2022, 8));
        assert_eq!(
            p,
            vec![
                r#"policy.rules[0] ("Oct 2022").effective = 2022-08: before its announcement (2022-09); move `policy.rules[0].announced` too"#
            ]
        );
    }

    #[test]
    fn researchers_per_pool() {
        let p = problems(|w| {
            w.firms[0].researchers.push(3);
            w.cohorts[0].researchers.pop();
        });
        assert!(has(&p, r#"firms[0] ("BigCo").researchers has 3 entries"#), "{p:?}");
        assert!(has(&p, r#"cohorts[0] ("Lab").researchers has 1 entry"#), "{p:?}");
    }

    fn lender(w: &mut World, name: &str) {
        if let Some(plan) = w.firms[1].chip_loans.as_mut() {
            plan.lender = name.to_string();
        }
    }

    #[test]
    fn chip_loan_lenders() {
        let p = problems(|w| lender(w, "BigFund"));
        assert!(has(&p, "is a VentureFund, not a Lender"), "{p:?}");
        let p = problems(|w| w.investors[2].loan = None);
        assert!(has(&p, "has no `loan` terms"), "{p:?}");
        let p = problems(|w| lender(w, "Nobody"));
        assert!(has(&p, r#"no investor has this name (lenders: "ChipBank")"#), "{p:?}");
    }

    #[test]
    fn distributions() {
        let p = problems(|w| {
            let c = &mut w.cohorts[0];
            c.founded_from = crate::world::Month::new(2023, 1);
            c.cash_musd = Dist::LogNormal { median: 20.0, sigma: -0.5 };
            c.risk = Dist::Uniform(0.9, 0.1);
            c.gaming = Dist::Uniform(0.5, 1.5);
            c.stockpile = Dist::Fixed(-0.1);
        });
        assert!(has(&p, "founded_from = 2023-01: after founded_to (2022-06)"), "{p:?}");
        assert!(has(&p, "cash_musd.sigma = -0.5: must be >= 0"), "{p:?}");
        assert!(has(&p, "risk = Uniform(0.9, 0.1): the low bound is above"), "{p:?}");
        assert!(has(&p, "gaming = Uniform(0.5, 1.5): both bounds must be between"), "{p:?}");
        assert!(has(&p, "stockpile.Fixed = -0.1: must be between 0 and 1"), "{p:?}");
        assert_eq!(p.len(), 5, "{p:?}");
    }

    #[test]
    fn empty_and_unsorted_lists() {
        let p = problems(|w| {
            w.talent.pools.clear();
            w.chips.suppliers.clear();
            w.funding.climate.clear();
        });
        assert!(has(&p, "talent.pools is empty"), "{p:?}");
        assert!(has(&p, "chips.suppliers is empty"), "{p:?}");
        assert!(has(&p, "funding.climate is empty"), "{p:?}");
        let p = problems(|w| w.funding.climate.reverse());
        assert!(has(&p, "funding.climate[1].0 = 2022-01: months must increase"), "{p:?}");
    }

    #[test]
    fn knobs_and_fractions() {
        let p = problems(|w| {
            w.firms[3].strategy.risk = 2.0;
            w.investors[0].risk_appetite = -0.5;
            w.talent.churn_monthly = 1.1;
            w.chips.suppliers[2].efficiency = 1.5;
            w.finance.capex_share_monthly = -0.2;
            w.funding.dilution = 2.0;
            w.consolidation.drop_from_peak = 1.01;
        });
        assert_eq!(p.len(), 7, "{p:?}");
        assert!(has(&p, r#"firms[3] ("TinyLab").strategy.risk = 2"#), "{p:?}");
        assert!(has(&p, r#"chips.suppliers[2] ("Ascend910B").efficiency = 1.5"#), "{p:?}");
    }

    /// Values that made a run overflow to inf/NaN or run for minutes
    /// (found by trying ~500 extreme `--set` values): each is refused with
    /// its bound.
    #[test]
    fn values_past_their_plausible_range_are_refused() {
        type Edit = fn(&mut World);
        let cases: [(Edit, &str); 12] = [
            (|w| w.market.adoption[0].1 = 1e300, "market.adoption[0].1 = 1e300: at most 1e15 T tok a month"),
            (
                |w| w.talent.wage_sensitivity = 1e4,
                "talent.wage_sensitivity = 10000: must be between 0 and 100",
            ),
            (|w| w.talent.offer_noise = 1e3, "talent.offer_noise = 1000: must be between 0 and 5"),
            (
                |w| w.market.price_sensitivity = 1e4,
                "market.price_sensitivity = 10000: must be between 0 and 100",
            ),
            (|w| w.funding.climate[0].1 = 1e5, "funding.climate[0].1 = 100000: must be between 0 and 100"),
            (
                |w| w.funding.investors_per_pitch = u32::MAX,
                "funding.investors_per_pitch = 4294967295: at most 10000",
            ),
            (|w| w.chips.suppliers[0].lead_time_months = 500, "lead_time_months = 500: at most 120 months"),
            (|w| w.chips.suppliers[0].price_musd = 0.0, "price_musd = 0: a price must be > 0"),
            (|w| w.firms[0].cash_musd = 1e300, "cash_musd = 1e300: must be at most 1000000000 (USD millions"),
            (
                |w| w.firms[0].core_cash_flow_musd_month = -1e12,
                "core_cash_flow_musd_month = -1000000000000: must be at least -1000000000",
            ),
            (
                |w| w.cohorts[0].cash_musd = Dist::LogNormal { median: 1.0, sigma: 50.0 },
                "cash_musd.sigma = 50: must be at most 5",
            ),
            (|w| w.start = crate::world::Month::new(9999, 6), "would end after 9999-12"),
        ];
        for (edit, says) in cases {
            let p = problems(edit);
            assert_eq!(p.len(), 1, "{p:?}");
            assert!(has(&p, says), "{says} in {p:?}");
        }
        // Growth is bounded by what it reaches over the run.
        let p = problems(|w| {
            w.months = 600;
            w.chips.suppliers[0].capacity_growth_yearly = 2.0;
        });
        assert!(has(&p, "capacity_units_month: grows from"), "{p:?}");
    }

    #[test]
    fn sizes_are_listed_with_the_other_problems_but_not_when_reading_back() {
        let mut w = tiny();
        w.cohorts[0].count = 1_000_000;
        w.market.inertia = 2.0;
        let Err(WorldError::Invalid { problems, .. }) = validate(&w) else { panic!("invalid") };
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(has(&problems, "market.inertia = 2"), "{problems:?}");
        assert!(has(&problems, "firms + cohorts[..].count = 1,000,004 firms"), "{problems:?}");
        w.market.inertia = 0.5;
        assert_eq!(validate_values(&w), Ok(()));
    }

    #[test]
    fn origin_is_the_world_name() {
        let mut w = tiny();
        w.months = 0;
        let e = validate(&w).unwrap_err();
        assert_eq!(
            e.to_string(),
            "world \"tiny\": 1 problem in the world:\n  - months = 0: must be at least 1"
        );
    }

    #[test]
    fn world_names_are_safe_folder_names() {
        for ok in ["baseline", "no_ban", "v1.2-test", &"a".repeat(MAX_NAME_LEN)] {
            assert_eq!(unsafe_name(ok), None, "{ok}");
        }
        for bad in ["..", ".hidden", "a/b", "/abs", "a\\b", "a\0b", "a b", "é", &"a".repeat(MAX_NAME_LEN + 1)]
        {
            assert!(unsafe_name(bad).is_some(), "{bad:?}");
        }
        let p = problems(|w| w.name = "../up".into());
        assert_eq!(p.len(), 1, "one line, not two: {p:?}");
        assert!(has(&p, "world.name = \"../up\""), "{p:?}");
    }
}
