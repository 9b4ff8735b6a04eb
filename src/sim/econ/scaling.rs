//! Capability from compute (docs/model-v2.md §3): effective training
//! compute from chips, algorithmic progress, staffing and data; a training
//! stock that accumulates; capability logarithmic in it (a scaling
//! relation); and the open-weight floor.
//!
//! Units: compute in PFLOP/s (held) and PFLOP/s-months (PF·mo, work);
//! capability in points; time in months.

/// Algorithmic progress: the multiple of effective compute a FLOP buys
/// after `months`, when the compute needed for a given capability halves
/// every `halving_months` (Ho et al. 2024, Epoch AI: about 8 months for
/// language models): `A = 2^(t / h)`. A non-positive halving time means
/// no progress.
pub fn algorithmic_multiplier(months: f64, halving_months: f64) -> f64 {
    if halving_months <= 0.0 { 1.0 } else { (months / halving_months).exp2() }
}

/// Staffing factor in [0, 1]: `h = min(1, R / (r · F))^φ` — a lab with
/// fewer researchers than its compute needs (r per PFLOP/s of training)
/// uses it less well; φ is the penalty's strength. 1 without training
/// compute.
pub fn staffing(researchers: f64, training_pflops: f64, researchers_per_pflops: f64, penalty: f64) -> f64 {
    let need = researchers_per_pflops * training_pflops;
    if need <= 0.0 {
        return 1.0;
    }
    (researchers.max(0.0) / need).min(1.0).powf(penalty.max(0.0))
}

/// Data factor: `d = (1 − ζ) + ζ · D`, D ∈ [0, 1] the lab's data access
/// (own platforms, bought data, usage) and ζ the weight of data.
pub fn data_factor(access: f64, weight: f64) -> f64 {
    let z = weight.clamp(0.0, 1.0);
    (1.0 - z) + z * access.clamp(0.0, 1.0)
}

/// One month of effective training compute, PF·mo:
/// `X = F · A · h · d · e` (training PFLOP/s × one month × the factors
/// above × the lab's own training efficiency e).
pub fn effective_training(
    training_pflops: f64,
    algorithmic: f64,
    staffing: f64,
    data: f64,
    efficiency: f64,
) -> f64 {
    training_pflops.max(0.0) * algorithmic * staffing * data * efficiency.max(0.0)
}

/// The training stock after a month: `K' = (1 − δ) K + X`, δ the monthly
/// obsolescence of what was learnt.
pub fn stock_step(stock: f64, effective: f64, obsolescence: f64) -> f64 {
    (1.0 - obsolescence.clamp(0.0, 1.0)) * stock.max(0.0) + effective.max(0.0)
}

/// Catch-up by diffusion (Nelson and Phelps 1966; Benhabib and Spiegel
/// 2005): a lab behind the domestic frontier closes a share of its gap
/// each month — published methods, open papers and distillation spread —
/// at a rate set by its absorptive capacity, which needs compute and staff
/// to reproduce what the leaders do: `q' = q + φ · a · max(0, q_f − q)`,
/// with `a = h · C / (C + C½)` (C the lab's compute, PFLOP/s; C½ = s ·
/// C_max the compute at which it absorbs at half the full rate, a share s
/// of the largest lab's; h the staffing factor). A lab with few chips
/// relative to the leaders absorbs little, so it falls behind; φ is the
/// monthly rate at full absorption.
pub fn catch_up(
    capability: f64,
    frontier: f64,
    rate: f64,
    pflops: f64,
    half_pflops: f64,
    staffing: f64,
) -> f64 {
    let f = pflops.max(0.0);
    let absorb = if f + half_pflops.max(0.0) > 0.0 { f / (f + half_pflops.max(0.0)) } else { 0.0 };
    capability + rate.clamp(0.0, 1.0) * absorb * staffing.clamp(0.0, 1.0) * (frontier - capability).max(0.0)
}

/// Capability, points: `q = κ · ln(1 + K / K₀)` — loss falls as a power of
/// compute (Kaplan et al. 2020; Hoffmann et al. 2022), so benchmark-style
/// capability rises linearly in log compute; κ points per e-fold, K₀ the
/// scale (PF·mo).
pub fn capability(stock: f64, scale: f64, points_per_efold: f64) -> f64 {
    if scale <= 0.0 {
        return 0.0;
    }
    points_per_efold * (stock.max(0.0) / scale).ln_1p()
}

/// The training stock that gives capability `q` (the inverse of
/// [`capability`]): `K = K₀ · (exp(q / κ) − 1)`. Used to start named labs
/// at their documented standing.
pub fn stock_for(capability: f64, scale: f64, points_per_efold: f64) -> f64 {
    if points_per_efold <= 0.0 {
        return 0.0;
    }
    scale.max(0.0) * (capability.max(0.0) / points_per_efold).exp_m1()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithmic_progress_halves_the_compute_needed() {
        assert!((algorithmic_multiplier(8.0, 8.0) - 2.0).abs() < 1e-12);
        assert!((algorithmic_multiplier(24.0, 8.0) - 8.0).abs() < 1e-12);
        assert_eq!(algorithmic_multiplier(24.0, 0.0), 1.0);
    }

    #[test]
    fn short_staff_and_no_data_waste_compute() {
        assert_eq!(staffing(100.0, 10.0, 5.0, 0.5), 1.0);
        assert!((staffing(25.0, 10.0, 5.0, 1.0) - 0.5).abs() < 1e-12);
        assert_eq!(staffing(0.0, 0.0, 5.0, 1.0), 1.0);
        assert!((data_factor(0.0, 0.4) - 0.6).abs() < 1e-12);
        assert!((data_factor(1.0, 0.4) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn capability_is_logarithmic_in_the_stock_and_invertible() {
        let (k0, kappa) = (1.6, 1.5);
        let q1 = capability(100.0, k0, kappa);
        let q10 = capability(1000.0, k0, kappa);
        // ten times the stock: about κ ln 10 more points
        assert!((q10 - q1 - kappa * 10f64.ln()).abs() < 0.05);
        for q in [0.0, 1.0, 4.0, 7.5] {
            assert!((capability(stock_for(q, k0, kappa), k0, kappa) - q).abs() < 1e-9);
        }
    }

    #[test]
    fn a_lab_without_chips_falls_behind() {
        // same start; one trains on 10 PFLOP/s, the other on 1
        let (mut a, mut b) = (stock_for(5.0, 1.6, 1.5), stock_for(5.0, 1.6, 1.5));
        for t in 0..24 {
            let m = algorithmic_multiplier(t as f64, 8.0);
            a = stock_step(a, effective_training(10.0, m, 1.0, 1.0, 1.0), 0.02);
            b = stock_step(b, effective_training(1.0, m, 1.0, 1.0, 1.0), 0.02);
        }
        let (qa, qb) = (capability(a, 1.6, 1.5), capability(b, 1.6, 1.5));
        assert!(qa > qb + 2.0, "{qa} vs {qb}");
        assert!(qb > 5.0, "algorithmic progress still lifts the small lab");
    }

    #[test]
    fn catch_up_needs_training_compute_and_stops_at_the_frontier() {
        // a lab 4 points behind with half-rate compute closes φ·½ of the gap
        assert!((catch_up(4.0, 8.0, 0.2, 100.0, 100.0, 1.0) - 4.4).abs() < 1e-12);
        // without training compute nothing is absorbed
        assert_eq!(catch_up(4.0, 8.0, 0.2, 0.0, 100.0, 1.0), 4.0);
        // more compute, faster; short staff, slower
        assert!(catch_up(4.0, 8.0, 0.2, 1000.0, 100.0, 1.0) > catch_up(4.0, 8.0, 0.2, 100.0, 100.0, 1.0));
        assert!(catch_up(4.0, 8.0, 0.2, 100.0, 100.0, 0.5) < catch_up(4.0, 8.0, 0.2, 100.0, 100.0, 1.0));
        // the frontier lab itself, or a lab ahead, gains nothing
        assert_eq!(catch_up(9.0, 8.0, 0.2, 1000.0, 100.0, 1.0), 9.0);
    }
}
