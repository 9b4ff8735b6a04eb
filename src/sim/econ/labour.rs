//! The labour market of Model v2 (docs/model-v2.md §4): vacancies meet
//! job seekers through a matching function, matches are shared among
//! hiring firms with capped, redistributed pro-rata, and wages follow the
//! vacancy/seeker ratio.
//!
//! Units: researchers (people), wages in USD millions per researcher-month.

/// Matches in a month (Cobb–Douglas matching function, Petrongolo &
/// Pissarides 2001): `M = min(U, V, μ · U^ξ · V^(1−ξ))` with U seekers, V
/// vacancies, μ the matching efficiency and ξ the elasticity with respect
/// to seekers (≈ ½ in their survey).
pub fn matches(seekers: f64, vacancies: f64, efficiency: f64, elasticity: f64) -> f64 {
    if seekers <= 0.0 || vacancies <= 0.0 {
        return 0.0;
    }
    let xi = elasticity.clamp(0.0, 1.0);
    (efficiency.max(0.0) * seekers.powf(xi) * vacancies.powf(1.0 - xi)).min(seekers).min(vacancies)
}

/// Wage after a month: `w' = w · exp(ε · ln(θ / θ*))`, θ = V / U the
/// tightness and θ* the tightness at which wages hold still, with the
/// monthly rise capped at `max_change` and the monthly cut at `max_cut`
/// (fractions): wages are sticky downward (Bewley 1999; Dickens et al.
/// 2007 find nominal pay cuts rare), so slack shows as a slow drift down,
/// not a collapse. With no seekers the market is as tight as the cap
/// allows; with no vacancies as slack.
pub fn wage_update(
    wage: f64,
    vacancies: f64,
    seekers: f64,
    elasticity: f64,
    normal_tightness: f64,
    max_change: f64,
    max_cut: f64,
) -> f64 {
    let cap = max_change.clamp(0.0, 0.5);
    let cut = max_cut.clamp(0.0, 0.5);
    let log_change = if vacancies <= 0.0 && seekers <= 0.0 {
        0.0
    } else if seekers <= 0.0 {
        f64::INFINITY
    } else if vacancies <= 0.0 {
        f64::NEG_INFINITY
    } else {
        elasticity * (vacancies / seekers / normal_tightness.max(1e-9)).ln()
    };
    let factor = log_change.exp().clamp(1.0 - cut, 1.0 + cap);
    wage * factor
}

/// Share `total` units among requests in proportion to their weights, each
/// capped at its request, with what a capped request cannot take handed
/// on to the others (water-filling), then rounded down with the remainder
/// to the largest fractional parts (ties: lower index). Gives out
/// `min(total, Σ caps)` exactly. O(n log n).
pub fn allocate_capped(total: u64, caps: &[u64], weights: &[f64]) -> Vec<u64> {
    let n = caps.len();
    let cap_sum: u64 = caps.iter().sum();
    if total >= cap_sum {
        return caps.to_vec();
    }
    // continuous water level λ: x_i = min(cap_i, λ w_i), Σ x = total
    let mut order: Vec<usize> = (0..n).filter(|&i| caps[i] > 0 && weights[i] > 0.0).collect();
    order.sort_by(|&a, &b| {
        (caps[a] as f64 / weights[a]).total_cmp(&(caps[b] as f64 / weights[b])).then(a.cmp(&b))
    });
    let mut left = total as f64;
    let mut wsum: f64 = order.iter().map(|&i| weights[i]).sum();
    let mut exact = vec![0.0; n];
    let mut k = 0;
    while k < order.len() {
        let i = order[k];
        let level = left / wsum;
        if caps[i] as f64 <= level * weights[i] {
            exact[i] = caps[i] as f64;
            left -= caps[i] as f64;
            wsum -= weights[i];
            k += 1;
        } else {
            for &j in &order[k..] {
                exact[j] = level * weights[j];
            }
            break;
        }
    }
    if k == order.len() {
        // every weighted request is full: the rest goes to unweighted ones, in order
        for i in (0..n).filter(|&i| !(caps[i] > 0 && weights[i] > 0.0)) {
            let take = left.min(caps[i] as f64).max(0.0);
            exact[i] = take;
            left -= take;
        }
    }
    let mut out: Vec<u64> = exact.iter().zip(caps).map(|(x, c)| (x.floor() as u64).min(*c)).collect();
    let given: u64 = out.iter().sum();
    let mut rest = total.saturating_sub(given);
    let mut fracs: Vec<(f64, usize)> =
        (0..n).filter(|&i| out[i] < caps[i]).map(|i| (exact[i] - out[i] as f64, i)).collect();
    fracs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in &fracs {
        if rest == 0 {
            break;
        }
        out[i] += 1;
        rest -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_is_bounded_by_both_sides() {
        // μ = 0.5, ξ = ½: 0.5 · √(100 · 400) = 100
        assert!((matches(100.0, 400.0, 0.5, 0.5) - 100.0).abs() < 1e-9);
        assert_eq!(matches(10.0, 400.0, 5.0, 0.5), 10.0);
        assert_eq!(matches(0.0, 400.0, 0.5, 0.5), 0.0);
        // more vacancies → more matches, fewer per vacancy
        let a = matches(100.0, 100.0, 0.3, 0.5);
        let b = matches(100.0, 200.0, 0.3, 0.5);
        assert!(b > a && b / 200.0 < a / 100.0);
    }

    #[test]
    fn wages_follow_tightness_within_the_clamp() {
        assert!((wage_update(1.0, 250.0, 100.0, 0.02, 2.5, 0.05, 0.05) - 1.0).abs() < 1e-12);
        let up = wage_update(1.0, 500.0, 100.0, 0.02, 2.5, 0.05, 0.05);
        assert!((up - 2f64.powf(0.02)).abs() < 1e-12);
        assert!(wage_update(1.0, 50.0, 100.0, 0.02, 2.5, 0.05, 0.05) < 1.0);
        assert_eq!(wage_update(1.0, 100.0, 0.0, 0.02, 2.5, 0.05, 0.05), 1.05);
        assert_eq!(wage_update(1.0, 0.0, 100.0, 0.02, 2.5, 0.05, 0.05), 0.95);
        assert_eq!(wage_update(1.0, 0.0, 0.0, 0.02, 2.5, 0.05, 0.05), 1.0);
        // sticky downward: a slack market cuts by at most max_cut
        assert_eq!(wage_update(1.0, 0.0, 100.0, 0.02, 2.5, 0.05, 0.005), 0.995);
    }

    #[test]
    fn capped_allocation_redistributes_the_surplus() {
        // 10 units, weights 1:1:2, caps 1, 10, 10: level gives 2.5/2.5/5,
        // the first is capped at 1; its surplus goes to the others 1:2
        let got = allocate_capped(10, &[1, 10, 10], &[1.0, 1.0, 2.0]);
        assert_eq!(got.iter().sum::<u64>(), 10);
        assert_eq!(got, vec![1, 3, 6]);
        assert_eq!(allocate_capped(100, &[3, 4], &[1.0, 1.0]), vec![3, 4]);
        assert_eq!(allocate_capped(0, &[3, 4], &[1.0, 1.0]), vec![0, 0]);
        // a request without weight only gets what the weighted ones cannot take
        assert_eq!(allocate_capped(5, &[3, 4], &[1.0, 0.0]), vec![3, 2]);
        assert_eq!(allocate_capped(2, &[3, 4], &[1.0, 0.0]), vec![2, 0]);
    }

    #[test]
    fn capped_allocation_never_leaves_units_while_demand_exceeds_supply() {
        let caps: Vec<u64> = (0..500).map(|i| (i * 7 % 13) as u64).collect();
        let weights: Vec<f64> = (0..500).map(|i| 0.5 + (i * 3 % 11) as f64).collect();
        for total in [0u64, 1, 17, 500, 1000, 2000] {
            let got = allocate_capped(total, &caps, &weights);
            let cap_sum: u64 = caps.iter().sum();
            assert_eq!(got.iter().sum::<u64>(), total.min(cap_sum), "total {total}");
            assert!(got.iter().zip(&caps).all(|(g, c)| g <= c));
        }
    }
}
