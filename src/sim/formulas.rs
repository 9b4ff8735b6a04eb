//! The formulas that move results, as named pure functions with their
//! equations and units. Systems call these; tests check hand-computed cases.

/// Bandwagon inertia: `s_i = λ · prev_i / Σ prev + (1 − λ) · target_i`.
/// With no previous shares (all zero) the target is used as is.
pub fn blend_shares(prev: &[f64], target: &[f64], inertia: f64, out: &mut Vec<f64>) {
    out.clear();
    let prev_total: f64 = prev.iter().sum();
    if prev_total <= 0.0 {
        out.extend_from_slice(target);
        return;
    }
    out.extend(prev.iter().zip(target).map(|(p, t)| inertia * p / prev_total + (1.0 - inertia) * t));
}

/// Scarcity premium over list price, fraction: relaxes by `relax` each month
/// and rises by `elasticity · (demand / capacity − 1)` when demand exceeds
/// capacity: `π' = (1 − r) π + ε · max(0, D/K − 1)`.
pub fn scarcity_premium(prev: f64, demand: f64, capacity: f64, elasticity: f64, relax: f64) -> f64 {
    let excess = if capacity > 0.0 {
        (demand / capacity - 1.0).max(0.0)
    } else if demand > 0.0 {
        1.0
    } else {
        0.0
    };
    (1.0 - relax) * prev + elasticity * excess.min(4.0)
}

/// Supplier capacity after `months` of ramp at `growth_yearly`, units/month:
/// `K = K0 · (1 + g)^(months / 12)`.
pub fn capacity(base: f64, growth_yearly: f64, months: f64) -> f64 {
    base * (1.0 + growth_yearly).powf(months.max(0.0) / 12.0)
}

/// Wage offer as a multiple of the going wage, from the runway in months:
/// `o = 0.7 + 0.6 · r / (r + 12)` — a firm with a year of cash offers 1.0×,
/// a rich one up to 1.3×, one near the end 0.7×.
pub fn offer_multiple(runway_months: f64) -> f64 {
    let r = runway_months.clamp(0.0, 1e6);
    0.7 + 0.6 * r / (r + 12.0)
}

/// Search multiplier (× `talent.churn_monthly`) of a firm's staff, given the firm's
/// offer and the mean offer over **all active firms** (hiring or not; the
/// difference is material): `2 / (1 + exp(k (o − ō)))`,
/// i.e. 1 at parity, up to 2 for weak payers, towards 0 for strong ones.
pub fn leave_probability(offer: f64, mean_offer: f64, sensitivity: f64) -> f64 {
    2.0 / (1.0 + (sensitivity * (offer - mean_offer)).exp())
}

/// Round size for a given pre-money valuation and dilution d, USD M:
/// post-money = pre + round and round = d · post ⇒ round = pre · d / (1 − d).
pub fn round_size(pre_money_musd: f64, dilution: f64) -> f64 {
    pre_money_musd * dilution / (1.0 - dilution).max(1e-9)
}

/// Piecewise-linear interpolation of a (tick, value) path; flat outside.
pub fn interpolate(path: &[(i32, f64)], tick: i32) -> f64 {
    match path {
        [] => 1.0,
        [(t0, v0), ..] if tick <= *t0 => *v0,
        _ => {
            for w in path.windows(2) {
                let ((t0, v0), (t1, v1)) = (w[0], w[1]);
                if tick <= t1 {
                    let f = if t1 > t0 { (tick - t0) as f64 / (t1 - t0) as f64 } else { 1.0 };
                    return v0 + f * (v1 - v0);
                }
            }
            path[path.len() - 1].1
        }
    }
}

/// Split `total` units over weights proportionally, each capped at its
/// request, rounding down and handing out the remainder by largest
/// fractional part (ties to the earlier index). Returns units per request.
pub fn pro_rata(requests: &[u64], weights: &[f64], total: u64) -> Vec<u64> {
    let demand: u64 = requests.iter().sum();
    if demand <= total {
        return requests.to_vec();
    }
    let wsum: f64 = requests.iter().zip(weights).map(|(r, w)| *r as f64 * w).sum();
    if wsum <= 0.0 {
        return vec![0; requests.len()];
    }
    let mut out = Vec::with_capacity(requests.len());
    let mut fracs = Vec::with_capacity(requests.len());
    let mut given = 0u64;
    for (i, (r, w)) in requests.iter().zip(weights).enumerate() {
        let exact = (total as f64 * *r as f64 * w / wsum).min(*r as f64);
        let whole = exact.floor() as u64;
        given += whole;
        out.push(whole);
        fracs.push((exact - whole as f64, i));
    }
    // the remainder goes to the largest fractional parts (ties: lower index);
    // only requests below their cap can take one, and selecting the top
    // `left` is O(n), not a full sort
    let mut left = total.saturating_sub(given) as usize;
    fracs.retain(|&(_, i)| out[i] < requests[i]);
    let by_frac = |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    left = left.min(fracs.len());
    if left > 0 && left < fracs.len() {
        fracs.select_nth_unstable_by(left - 1, by_frac);
    }
    for &(_, i) in &fracs[..left] {
        out[i] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blend_normalises_previous_shares() {
        let mut out = Vec::new();
        blend_shares(&[0.2, 0.2], &[1.0, 0.0], 0.5, &mut out);
        assert!((out[0] - 0.75).abs() < 1e-12);
        assert!((out[1] - 0.25).abs() < 1e-12);
    }

    #[test]
    fn premium_rises_with_excess_and_relaxes() {
        assert!((scarcity_premium(0.0, 150.0, 100.0, 0.5, 0.2) - 0.25).abs() < 1e-12);
        assert!((scarcity_premium(0.25, 50.0, 100.0, 0.5, 0.2) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn capacity_ramps() {
        assert!((capacity(100.0, 1.0, 12.0) - 200.0).abs() < 1e-9);
        assert!((capacity(100.0, 1.0, 0.0) - 100.0).abs() < 1e-9);
    }

    #[test]
    fn offers_and_leaving() {
        assert!((offer_multiple(12.0) - 1.0).abs() < 1e-12);
        assert!((offer_multiple(0.0) - 0.7).abs() < 1e-12);
        assert!((leave_probability(1.0, 1.0, 4.0) - 1.0).abs() < 1e-12);
        assert!(leave_probability(0.8, 1.0, 4.0) > 1.0);
    }

    #[test]
    fn round_size_matches_dilution() {
        let r = round_size(850.0, 0.15);
        assert!((r / (850.0 + r) - 0.15).abs() < 1e-12);
    }

    #[test]
    fn interpolation() {
        let path = [(0, 1.0), (10, 2.0)];
        assert_eq!(interpolate(&path, -5), 1.0);
        assert!((interpolate(&path, 5) - 1.5).abs() < 1e-12);
        assert_eq!(interpolate(&path, 50), 2.0);
    }

    #[test]
    fn pro_rata_remainder_goes_to_largest_fractions_then_lower_index() {
        // 10 units over 3 equal requests of 10: 3.33 each → 3,3,3 and one
        // left for the lowest index among the equal fractions
        assert_eq!(pro_rata(&[10, 10, 10], &[1.0, 1.0, 1.0], 10), vec![4, 3, 3]);
        // weights: 7 units, weights 1:2 on requests 5,5 → 2.33, 4.67 → 2, 5
        assert_eq!(pro_rata(&[5, 5], &[1.0, 2.0], 7), vec![2, 5]);
        let many: Vec<u64> = (0..1000).map(|i| 1 + i % 7).collect();
        let got = pro_rata(&many, &vec![1.0; 1000], 1234);
        assert_eq!(got.iter().sum::<u64>(), 1234);
        assert!(got.iter().zip(&many).all(|(g, r)| g <= r));
    }

    #[test]
    fn pro_rata_conserves_units() {
        let got = pro_rata(&[10, 30, 60], &[1.0, 1.0, 1.0], 50);
        assert_eq!(got.iter().sum::<u64>(), 50);
        assert_eq!(got, vec![5, 15, 30]);
        assert_eq!(pro_rata(&[1, 2], &[1.0, 1.0], 10), vec![1, 2]);
    }
}
