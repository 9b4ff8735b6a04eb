//! The demand side of the foundation-model market (docs/model-v2.md §1):
//! total token demand, the labs' logit shares with switching inertia,
//! serving under inference capacity, and the price index.
//!
//! Units: volumes in trillions of tokens per month (T tok), prices in USD
//! per million tokens (USD/Mtok), so price × volume is USD millions.

/// Perceived quality, saturating in capability:
/// `g(q) = S · (1 − exp(−q / S))`. Near 0 it is q itself; far above S it
/// approaches S, so differences between good models matter less and less
/// (commoditisation). `S ≤ 0` means no saturation (`g = q`).
pub fn perceived_quality(capability: f64, saturation: f64) -> f64 {
    if saturation <= 0.0 { capability } else { saturation * (1.0 - (-capability / saturation).exp()) }
}

/// Total token demand, T tok per month:
/// `V = A · (P / p_ref)^(−η) · exp(κ · (Q − q_ref))`
/// with A the adoption path (T tok at the reference price and quality), P
/// the price index (USD/Mtok), η the price elasticity, Q the market's
/// volume-weighted capability and κ the demand per capability point.
/// A non-positive price index is treated as the reference price (no market
/// yet to price).
pub fn token_demand(
    adoption_ttok: f64,
    price_index: f64,
    reference_price: f64,
    price_elasticity: f64,
    capability_demand: f64,
    quality: f64,
    reference_quality: f64,
) -> f64 {
    let relative =
        if price_index > 0.0 && reference_price > 0.0 { price_index / reference_price } else { 1.0 };
    adoption_ttok.max(0.0)
        * relative.powf(-price_elasticity)
        * (capability_demand * (quality - reference_quality)).exp()
}

/// Logit target shares over the labs: utility
/// `u_i = θ · g_i − α · ln(p_i + p_0)`, `s*_i = exp(u_i) / Σ_j exp(u_j)`,
/// with g the perceived quality, p the price (USD/Mtok), p_0 the non-price
/// cost of use (USD/Mtok, > 0 so a free model has finite appeal). Writes
/// into `out`; an empty market gives no shares.
pub fn choice_shares(
    perceived: &[f64],
    prices: &[f64],
    quality_weight: f64,
    price_sensitivity: f64,
    usage_cost: f64,
    out: &mut Vec<f64>,
) {
    out.clear();
    out.extend(
        perceived
            .iter()
            .zip(prices)
            .map(|(g, p)| quality_weight * g - price_sensitivity * (p.max(0.0) + usage_cost).ln()),
    );
    let max = out.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    out.iter_mut().for_each(|u| *u = (*u - max).exp());
    let total: f64 = out.iter().sum();
    if total > 0.0 {
        out.iter_mut().for_each(|s| *s /= total);
    }
}

/// Serve demand under capacity, T tok: each lab serves
/// `x_i = min(d_i, cap_i)`; the unserved demand spills once to labs with
/// spare capacity in proportion to their demand, each again capped.
/// Writes served volumes into `out` and returns the demand left unserved.
pub fn serve(demand: &[f64], capacity: &[f64], out: &mut Vec<f64>) -> f64 {
    out.clear();
    out.extend(demand.iter().zip(capacity).map(|(d, c)| d.min(c.max(0.0)).max(0.0)));
    let total: f64 = demand.iter().map(|d| d.max(0.0)).sum();
    let excess: f64 = total - out.iter().sum::<f64>();
    if excess <= 0.0 {
        return 0.0;
    }
    // weights: the demand of labs that still have room
    let open: f64 = demand
        .iter()
        .zip(capacity)
        .zip(out.iter())
        .filter(|((_, c), x)| **x < **c)
        .map(|((d, _), _)| *d)
        .sum();
    if open > 0.0 {
        for ((d, c), x) in demand.iter().zip(capacity).zip(out.iter_mut()) {
            if *x < *c {
                *x = (*x + excess * d / open).min(*c);
            }
        }
    }
    (total - out.iter().sum::<f64>()).max(0.0)
}

/// Volume-weighted mean price, USD/Mtok: `Σ p_i x_i / Σ x_i`; `None` when
/// nothing was served.
pub fn price_index(prices: &[f64], volumes: &[f64]) -> Option<f64> {
    let v: f64 = volumes.iter().sum();
    (v > 0.0).then(|| prices.iter().zip(volumes).map(|(p, x)| p * x).sum::<f64>() / v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturation_compresses_differences_between_good_models() {
        assert_eq!(perceived_quality(3.0, 0.0), 3.0);
        let s = 6.0;
        assert!((perceived_quality(0.0, s)).abs() < 1e-12);
        // small q: nearly linear; large q: differences shrink
        let low = perceived_quality(1.0, s) - perceived_quality(0.0, s);
        let high = perceived_quality(11.0, s) - perceived_quality(10.0, s);
        assert!(low > 0.9 && high < 0.2 && high > 0.0);
        assert!(perceived_quality(1e6, s) <= s);
    }

    #[test]
    fn demand_is_unit_elastic_at_eta_one_and_grows_with_quality() {
        let base = token_demand(10.0, 1.0, 1.0, 1.0, 0.0, 5.0, 5.0);
        assert!((base - 10.0).abs() < 1e-12);
        // price falls 80% → volume ×5, revenue unchanged
        let cut = token_demand(10.0, 0.2, 1.0, 1.0, 0.0, 5.0, 5.0);
        assert!((cut - 50.0).abs() < 1e-9);
        assert!((cut * 0.2 - base * 1.0).abs() < 1e-9);
        assert!(token_demand(10.0, 1.0, 1.0, 1.0, 0.3, 6.0, 5.0) > base);
        // no price yet: reference price
        assert!((token_demand(10.0, 0.0, 1.0, 1.0, 0.0, 5.0, 5.0) - 10.0).abs() < 1e-12);
    }

    #[test]
    fn cheaper_and_better_models_win_share() {
        let mut s = Vec::new();
        choice_shares(&[3.0, 3.0], &[1.0, 1.0], 1.5, 1.6, 0.02, &mut s);
        assert!((s[0] - 0.5).abs() < 1e-12);
        choice_shares(&[3.0, 3.0], &[1.0, 0.5], 1.5, 1.6, 0.0, &mut s);
        // share ratio = (p1/p0)^α = 2^1.6
        assert!((s[1] / s[0] - 2f64.powf(1.6)).abs() < 1e-9);
        choice_shares(&[4.0, 3.0], &[1.0, 1.0], 1.5, 1.6, 0.02, &mut s);
        assert!((s[0] / s[1] - 1.5f64.exp()).abs() < 1e-9);
        // free is finite appeal
        choice_shares(&[3.0, 3.0], &[0.0, 1.0], 1.5, 1.6, 0.02, &mut s);
        assert!(s[0] < 1.0 && s[0] > 0.99);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn capacity_binds_and_demand_spills_once() {
        let mut x = Vec::new();
        let lost = serve(&[6.0, 2.0, 2.0], &[4.0, 10.0, 2.0], &mut x);
        // lab 0 short by 2; lab 1 has room, lab 2 is full: 2 spill to lab 1
        assert_eq!(x, vec![4.0, 4.0, 2.0]);
        assert_eq!(lost, 0.0);
        let lost = serve(&[6.0, 2.0], &[4.0, 3.0], &mut x);
        assert_eq!(x, vec![4.0, 3.0]);
        assert!((lost - 1.0).abs() < 1e-12);
        let lost = serve(&[1.0, 1.0], &[0.0, 0.0], &mut x);
        assert_eq!((x[0], x[1], lost), (0.0, 0.0, 2.0));
    }

    #[test]
    fn price_index_weights_by_volume() {
        assert_eq!(price_index(&[1.0, 3.0], &[0.0, 0.0]), None);
        assert!((price_index(&[1.0, 3.0], &[3.0, 1.0]).unwrap() - 1.5).abs() < 1e-12);
    }
}
