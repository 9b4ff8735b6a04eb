//! Pure measures of concentration and inequality, and the consolidation test.
//! No ECS, no files: every function takes plain slices.

/// Herfindahl–Hirschman index of shares given as fractions (they are
/// normalised to sum to 1 first), on the 0–10,000 scale:
/// `HHI = 10_000 · Σ (s_i / Σ s)²`. Empty or all-zero input gives 0.
pub fn hhi(shares: &[f64]) -> f64 {
    let total: f64 = shares.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    shares.iter().map(|s| (s / total) * (s / total)).sum::<f64>() * 10_000.0
}

/// Concentration ratio: the combined share of the `n` largest, as a
/// fraction 0..1 of the total. O(len) with a partial selection.
pub fn cr_n(values: &[f64], n: usize) -> f64 {
    let total: f64 = values.iter().sum();
    if total <= 0.0 || values.is_empty() {
        return 0.0;
    }
    top_n_sum(values, n) / total
}

/// Sum of the `n` largest values, without sorting everything.
pub fn top_n_sum(values: &[f64], n: usize) -> f64 {
    if values.len() <= n {
        return values.iter().sum();
    }
    let mut v = values.to_vec();
    let k = v.len() - n;
    v.select_nth_unstable_by(k, |a, b| a.total_cmp(b));
    v[k..].iter().sum()
}

/// Gini coefficient of non-negative values, 0 (equal) .. 1 (one holds all):
/// `G = Σ_i (2i − n − 1) x_(i) / (n Σ x)` over sorted values, i = 1..n.
pub fn gini(values: &[f64]) -> f64 {
    let n = values.len();
    let total: f64 = values.iter().sum();
    if n < 2 || total <= 0.0 {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let nf = n as f64;
    let weighted: f64 = v.iter().enumerate().map(|(i, x)| (2.0 * (i as f64 + 1.0) - nf - 1.0) * x).sum();
    weighted / (nf * total)
}

/// Lorenz curve points (population share, value share), from (0,0) to (1,1).
pub fn lorenz(values: &[f64]) -> Vec<(f64, f64)> {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let total: f64 = v.iter().sum();
    let n = v.len().max(1) as f64;
    let mut out = vec![(0.0, 0.0)];
    let mut acc = 0.0;
    for (i, x) in v.iter().enumerate() {
        acc += x;
        let share = if total > 0.0 { acc / total } else { 0.0 };
        out.push(((i + 1) as f64 / n, share));
    }
    out
}

/// Which months are inside a consolidation phase (DESIGN §4): HHI at least
/// `hhi_threshold` AND independent firms at least `drop` below their running
/// peak, for a run of at least `hold` consecutive months. Returns a flag per
/// month and the first month of the first phase.
pub fn consolidation_phase(
    hhi: &[f64],
    independent: &[u32],
    hhi_threshold: f64,
    drop: f64,
    hold: u32,
) -> (Vec<bool>, Option<usize>) {
    let n = hhi.len().min(independent.len());
    let mut peak = 0u32;
    let cond: Vec<bool> = (0..n)
        .map(|t| {
            peak = peak.max(independent[t]);
            hhi[t] >= hhi_threshold && (independent[t] as f64) <= (1.0 - drop) * peak as f64
        })
        .collect();
    let hold = hold.max(1) as usize;
    let mut flags = vec![false; n];
    let mut first = None;
    let mut t = 0;
    while t < n {
        if !cond[t] {
            t += 1;
            continue;
        }
        let start = t;
        while t < n && cond[t] {
            t += 1;
        }
        if t - start >= hold {
            flags[start..t].iter_mut().for_each(|f| *f = true);
            first.get_or_insert(start);
        }
    }
    (flags, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hhi_hand_computed() {
        // 50/30/20 → 2500 + 900 + 400 = 3800
        assert!((hhi(&[0.5, 0.3, 0.2]) - 3800.0).abs() < 1e-9);
        // unnormalised input gives the same
        assert!((hhi(&[5.0, 3.0, 2.0]) - 3800.0).abs() < 1e-9);
        assert_eq!(hhi(&[]), 0.0);
        assert!((hhi(&[1.0]) - 10_000.0).abs() < 1e-9);
    }

    #[test]
    fn cr4_takes_the_four_largest() {
        let v = [0.05, 0.3, 0.1, 0.2, 0.15, 0.2];
        assert!((cr_n(&v, 4) - 0.85).abs() < 1e-12);
        assert!((cr_n(&[0.5, 0.5], 4) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn gini_hand_computed() {
        assert!(gini(&[1.0, 1.0, 1.0, 1.0]).abs() < 1e-12);
        // one of four holds everything: (2·4 − 5)/4 = 0.75
        assert!((gini(&[0.0, 0.0, 0.0, 8.0]) - 0.75).abs() < 1e-12);
        // 1,2,3: Σ(2i−4)x = −2·1 + 0·2 + 2·3 = 4; 4 / (3·6) = 0.2222
        assert!((gini(&[3.0, 1.0, 2.0]) - 4.0 / 18.0).abs() < 1e-12);
    }

    #[test]
    fn lorenz_ends_at_one() {
        let l = lorenz(&[1.0, 3.0]);
        assert_eq!(l, vec![(0.0, 0.0), (0.5, 0.25), (1.0, 1.0)]);
    }

    #[test]
    fn consolidation_needs_both_conditions_held() {
        let hhi = [1000.0, 2000.0, 2000.0, 2000.0, 2000.0, 500.0, 2000.0, 2000.0];
        let firms = [10, 10, 6, 6, 6, 6, 6, 6];
        // month 1: HHI high but no drop; months 2–4 both hold (3 months)
        let (flags, first) = consolidation_phase(&hhi, &firms, 1800.0, 0.3, 3);
        assert_eq!(first, Some(2));
        assert_eq!(flags, vec![false, false, true, true, true, false, false, false]);
        // a hold of 4 is never met
        assert_eq!(consolidation_phase(&hhi, &firms, 1800.0, 0.3, 4).1, None);
    }
}
