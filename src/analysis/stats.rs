//! The statistics of a study, as small pure functions: sample summaries
//! with Student t intervals, quantiles, rank correlations with Fisher-z
//! intervals, and ordinary least squares for standardised regression
//! coefficients. Every function is deterministic (no resampling).

use crate::study::data::Summary;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Two-sided 95% critical value of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df as f64).expect("df > 0 is a valid Student t").inverse_cdf(0.975)
}

/// The 97.5% quantile of the standard normal (1.959964...).
pub fn z975() -> f64 {
    Normal::new(0.0, 1.0).expect("standard normal").inverse_cdf(0.975)
}

/// Arithmetic mean; `None` for an empty sample.
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() { None } else { Some(xs.iter().sum::<f64>() / xs.len() as f64) }
}

/// Sample standard deviation (n − 1 denominator); `None` below two values.
pub fn sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    Some((ss / (xs.len() - 1) as f64).sqrt())
}

/// Quantile `q` (0..1) of sorted data by linear interpolation between
/// order statistics (Hyndman & Fan type 7, the default of R and numpy).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Sort a sample (total order, NaN last).
pub fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// Mean with a Student t 95% interval: (mean, sd, low, high).
pub fn mean_ci(xs: &[f64]) -> (Option<f64>, Option<f64>, Option<f64>, Option<f64>) {
    let m = mean(xs);
    let s = sd(xs);
    match (m, s) {
        (Some(m), Some(s)) => {
            let half = t975(xs.len() - 1) * s / (xs.len() as f64).sqrt();
            (Some(m), Some(s), Some(m - half), Some(m + half))
        }
        _ => (m, s, None, None),
    }
}

/// n, mean, sd, t interval and the 5/50/95% quantiles of a sample.
pub fn summarise(xs: &[f64]) -> Summary {
    let (mean, sd, ci_low, ci_high) = mean_ci(xs);
    let s = sorted(xs);
    Summary {
        n: xs.len(),
        mean,
        sd,
        ci_low,
        ci_high,
        p5: quantile_sorted(&s, 0.05),
        p50: quantile_sorted(&s, 0.5),
        p95: quantile_sorted(&s, 0.95),
    }
}

/// Ranks 1..n, ties given their average rank.
pub fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]).then(a.cmp(&b)));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation; `None` when either sample is constant or n < 2.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 || y.len() != n {
        return None;
    }
    let mx = mean(x)?;
    let my = mean(y)?;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman rank correlation (Pearson on average ranks).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&ranks(x), &ranks(y))
}

/// 95% interval of a Spearman correlation by the Fisher z transform with
/// Fieller, Hartley & Pearson's variance 1.06 / (n − 3); needs n > 3.
pub fn spearman_ci(rho: f64, n: usize) -> Option<(f64, f64)> {
    if n <= 3 {
        return None;
    }
    let r = rho.clamp(-0.999_999, 0.999_999);
    let z = r.atanh();
    let half = z975() * (1.06 / (n as f64 - 3.0)).sqrt();
    Some(((z - half).tanh(), (z + half).tanh()))
}

/// Ordinary least squares of `y` on the columns of `x` (plus an intercept).
/// Returns the slope of each column and R², or `None` when the design is
/// singular or there are not more observations than coefficients.
pub fn ols(x: &[Vec<f64>], y: &[f64]) -> Option<(Vec<f64>, f64)> {
    let k = x.len();
    let n = y.len();
    if n <= k + 1 || x.iter().any(|c| c.len() != n) {
        return None;
    }
    // Centre everything: the intercept drops out.
    let my = mean(y)?;
    let yc: Vec<f64> = y.iter().map(|v| v - my).collect();
    let xc: Vec<Vec<f64>> = x
        .iter()
        .map(|c| {
            let m = mean(c).unwrap_or(0.0);
            c.iter().map(|v| v - m).collect()
        })
        .collect();
    // Normal equations (X'X) b = X'y, solved by Gaussian elimination with
    // partial pivoting.
    let mut a = vec![vec![0.0; k + 1]; k];
    for i in 0..k {
        for j in 0..k {
            a[i][j] = dot(&xc[i], &xc[j]);
        }
        a[i][k] = dot(&xc[i], &yc);
    }
    let b = solve(a)?;
    let syy = dot(&yc, &yc);
    if syy <= 0.0 {
        return None;
    }
    let mut sse = 0.0;
    for r in 0..n {
        let fit: f64 = (0..k).map(|j| b[j] * xc[j][r]).sum();
        sse += (yc[r] - fit) * (yc[r] - fit);
    }
    Some((b, 1.0 - sse / syy))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solve an augmented k × (k+1) system; `None` if it is (nearly) singular.
#[allow(clippy::needless_range_loop)] // row/column indexes read as the algebra
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let k = a.len();
    let scale = a.iter().flat_map(|r| r[..k].iter()).fold(0.0f64, |m, v| m.max(v.abs()));
    if scale == 0.0 {
        return None;
    }
    for col in 0..k {
        let piv = (col..k).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 * scale {
            return None;
        }
        a.swap(col, piv);
        for row in 0..k {
            if row != col {
                let f = a[row][col] / a[col][col];
                if f != 0.0 {
                    for c in col..=k {
                        a[row][c] -= f * a[col][c];
                    }
                }
            }
        }
    }
    Some((0..k).map(|i| a[i][k] / a[i][i]).collect())
}

/// Standardised regression coefficients: OLS slopes scaled by sd(x)/sd(y),
/// so each says how many standard deviations the outcome moves per
/// standard deviation of the parameter, the others held fixed. Also R².
pub fn src(x: &[Vec<f64>], y: &[f64]) -> Option<(Vec<f64>, f64)> {
    let (b, r2) = ols(x, y)?;
    let sy = sd(y)?;
    let coefs = b.iter().zip(x).map(|(bj, c)| bj * sd(c).unwrap_or(0.0) / sy).collect();
    Some((coefs, r2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn t_and_z_critical_values() {
        assert!(close(t975(1), 12.706, 1e-3));
        assert!(close(t975(9), 2.262, 1e-3));
        assert!(close(t975(199), 1.972, 1e-3));
        assert!(close(z975(), 1.95996, 1e-4));
    }

    #[test]
    fn summary_of_a_known_sample() {
        let s = summarise(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.n, 8);
        assert!(close(s.mean.unwrap(), 5.0, 1e-12));
        assert!(close(s.sd.unwrap(), 2.138_089_935, 1e-8));
        let half = 2.364_624_252 * 2.138_089_935 / 8f64.sqrt();
        assert!(close(s.ci_low.unwrap(), 5.0 - half, 1e-6));
        assert!(close(s.ci_high.unwrap(), 5.0 + half, 1e-6));
        // numpy.percentile([2,4,4,4,5,5,7,9], [5,50,95]) = [2.7, 4.5, 8.3]
        assert!(close(s.p5.unwrap(), 2.7, 1e-12));
        assert!(close(s.p50.unwrap(), 4.5, 1e-12));
        assert!(close(s.p95.unwrap(), 8.3, 1e-12));
    }

    #[test]
    fn small_samples_have_no_interval() {
        let empty = summarise(&[]);
        assert_eq!(empty.n, 0);
        assert!(empty.mean.is_none() && empty.p50.is_none());
        let one = summarise(&[3.0]);
        assert_eq!(one.mean, Some(3.0));
        assert!(one.sd.is_none() && one.ci_low.is_none());
        assert_eq!(one.p5, Some(3.0));
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 5.0]), vec![2.0, 3.5, 3.5, 1.0]);
    }

    #[test]
    fn spearman_is_one_for_monotone_and_none_for_constant() {
        let x: Vec<f64> = (0..20).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.powi(3)).collect();
        assert!(close(spearman(&x, &y).unwrap(), 1.0, 1e-12));
        let z: Vec<f64> = x.iter().map(|v| -v.exp()).collect();
        assert!(close(spearman(&x, &z).unwrap(), -1.0, 1e-12));
        assert!(spearman(&x, &[1.0; 20]).is_none());
        let (lo, hi) = spearman_ci(0.5, 100).unwrap();
        assert!(lo > 0.3 && lo < 0.5 && hi > 0.5 && hi < 0.7, "{lo} {hi}");
        assert!(spearman_ci(0.5, 3).is_none());
    }

    #[test]
    fn ols_recovers_a_linear_model() {
        // y = 3 + 2 a - 0.5 b, exactly.
        let a: Vec<f64> = (0..30).map(|i| (i % 7) as f64).collect();
        let b: Vec<f64> = (0..30).map(|i| ((i * 5) % 11) as f64).collect();
        let y: Vec<f64> = (0..30).map(|i| 3.0 + 2.0 * a[i] - 0.5 * b[i]).collect();
        let (coef, r2) = ols(&[a.clone(), b.clone()], &y).unwrap();
        assert!(close(coef[0], 2.0, 1e-9) && close(coef[1], -0.5, 1e-9));
        assert!(close(r2, 1.0, 1e-12));
        let (s, _) = src(&[a.clone(), b.clone()], &y).unwrap();
        assert!(close(s[0], 2.0 * sd(&a).unwrap() / sd(&y).unwrap(), 1e-9));
        // Collinear columns are singular.
        assert!(ols(&[a.clone(), a.clone()], &y).is_none());
    }
}
