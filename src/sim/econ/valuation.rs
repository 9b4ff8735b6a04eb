//! Funding on fundamentals and the strategic exit choice
//! (docs/model-v2.md §6–7): a lab's valuation from revenue, growth and its
//! gap to the frontier and the open-weight floor; the chance its next
//! round succeeds; and the choice among continuing, pivoting, handing the
//! team to a giant, selling and closing.
//!
//! Units: USD millions; capability in points; growth as a yearly fraction.

use statrs::distribution::{ContinuousCDF, Normal};

/// What a valuation is made of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fundamentals {
    /// Revenue this month, USD M.
    pub revenue_month_musd: f64,
    /// Revenue growth, yearly fraction (clamped to [−0.9, 3]).
    pub growth_yearly: f64,
    /// Capability gap to the frontier, points (≥ 0).
    pub gap_to_frontier: f64,
    /// Whether the lab's own model is above the best open-weight model.
    pub above_open_floor: bool,
    /// Cash minus debt, USD M.
    pub net_cash_musd: f64,
}

/// The parameters of a valuation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValuationTerms {
    /// Multiple of annual revenue.
    pub revenue_multiple: f64,
    /// Years of growth priced in.
    pub growth_years: f64,
    /// Value of being the frontier lab, USD M.
    pub frontier_option_musd: f64,
    /// How fast that value falls with the gap, per point.
    pub option_decay: f64,
}

/// A lab's valuation, USD M:
/// `V = climate · [m · 12 · rev · (1 + g)^h + O · exp(−θ_v · gap) · 1[above floor]] + net cash`.
/// A base model below the open-weight floor is worth nothing as a model.
pub fn valuation(f: &Fundamentals, terms: &ValuationTerms, climate: f64) -> f64 {
    let g = f.growth_yearly.clamp(-0.9, 3.0);
    let revenue =
        terms.revenue_multiple * 12.0 * f.revenue_month_musd.max(0.0) * (1.0 + g).powf(terms.growth_years);
    let option = if f.above_open_floor {
        terms.frontier_option_musd * (-terms.option_decay * f.gap_to_frontier.max(0.0)).exp()
    } else {
        0.0
    };
    climate.max(0.0) * (revenue + option) + f.net_cash_musd
}

/// Probability that a pitch succeeds when the investors' score is
/// `score + η`, η ~ N(0, σ²), against a bar: `Φ((score − bar) / σ)`; a step
/// function when σ = 0.
pub fn funding_probability(score: f64, bar: f64, noise_sd: f64) -> f64 {
    if noise_sd <= 0.0 {
        return if score >= bar { 1.0 } else { 0.0 };
    }
    Normal::standard().cdf((score - bar) / noise_sd)
}

/// A lab's options each month (docs/model-v2.md §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Continue,
    Pivot,
    TeamTransfer,
    Sell,
    Close,
}

/// The choice among options by expected value with logit noise: each
/// option's value plus `scale · ε`, ε a standard Gumbel draw given in
/// `gumbel` (one per option, drawn by the caller from the run's RNG), and
/// the highest wins (ties: the earlier option, so `Continue` first).
/// Options with no value (`None`: not available this month) are skipped.
/// With scale 0 this is the plain argmax.
pub fn choose(values: &[(Choice, Option<f64>)], gumbel: &[f64], scale: f64) -> Choice {
    let mut best: Option<(f64, Choice)> = None;
    for ((choice, value), eps) in values.iter().zip(gumbel) {
        let Some(v) = value else { continue };
        let score = v + scale.max(0.0) * eps;
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, *choice));
        }
    }
    best.map_or(Choice::Continue, |(_, c)| c)
}

/// A standard Gumbel draw from a uniform u ∈ (0, 1): `−ln(−ln u)`.
pub fn gumbel(u: f64) -> f64 {
    let u = u.clamp(1e-300, 1.0 - 1e-16);
    -(-u.ln()).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> ValuationTerms {
        ValuationTerms {
            revenue_multiple: 15.0,
            growth_years: 1.0,
            frontier_option_musd: 3000.0,
            option_decay: 0.5,
        }
    }

    #[test]
    fn valuations_rest_on_revenue_growth_and_the_gap() {
        let f = Fundamentals {
            revenue_month_musd: 1.0,
            growth_yearly: 1.0,
            gap_to_frontier: 0.0,
            above_open_floor: true,
            net_cash_musd: 10.0,
        };
        // 15 · 12 · 1 · 2 + 3000 = 3360, + 10
        assert!((valuation(&f, &terms(), 1.0) - 3370.0).abs() < 1e-9);
        let behind = Fundamentals { gap_to_frontier: 2.0, ..f };
        assert!((valuation(&behind, &terms(), 1.0) - (360.0 + 3000.0 * (-1.0f64).exp() + 10.0)).abs() < 1e-9);
        let below = Fundamentals { above_open_floor: false, ..f };
        assert!((valuation(&below, &terms(), 1.0) - 370.0).abs() < 1e-9);
        // no per-head value: a zero-revenue lab below the floor is worth its cash
        let empty = Fundamentals { revenue_month_musd: 0.0, ..below };
        assert!((valuation(&empty, &terms(), 1.6) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn funding_probability_is_a_normal_cdf() {
        assert!((funding_probability(0.5, 0.5, 0.15) - 0.5).abs() < 1e-12);
        assert!(funding_probability(0.8, 0.5, 0.15) > 0.97);
        assert_eq!(funding_probability(0.4, 0.5, 0.0), 0.0);
    }

    #[test]
    fn choice_by_value_with_noise() {
        let v = [
            (Choice::Continue, Some(100.0)),
            (Choice::Pivot, Some(150.0)),
            (Choice::TeamTransfer, None),
            (Choice::Sell, Some(120.0)),
            (Choice::Close, Some(10.0)),
        ];
        assert_eq!(choose(&v, &[0.0; 5], 0.0), Choice::Pivot);
        // a large draw on Sell can flip it when noise matters
        assert_eq!(choose(&v, &[0.0, 0.0, 0.0, 2.0, 0.0], 20.0), Choice::Sell);
        // ties go to the earlier option
        let tie = [(Choice::Continue, Some(1.0)), (Choice::Close, Some(1.0))];
        assert_eq!(choose(&tie, &[0.0, 0.0], 1.0), Choice::Continue);
        assert!(gumbel(0.5).is_finite() && gumbel(0.0).is_finite() && gumbel(1.0).is_finite());
    }
}
