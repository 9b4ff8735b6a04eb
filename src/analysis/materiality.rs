//! Size as well as sign: whether an estimated effect with a 95% interval is
//! material, detectable but small, negligible or inconclusive against an
//! outcome's threshold of a material change (`Outcome::threshold`). Pure
//! classification; it does not choose thresholds or format numbers.

/// The verdict on one effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Materiality {
    /// The interval excludes 0 and |estimate| ≥ threshold.
    Material,
    /// The interval excludes 0 but |estimate| < threshold.
    DetectableButSmall,
    /// The interval lies inside ±threshold (and includes 0).
    Negligible,
    /// None of these: the interval includes 0 and reaches past the threshold.
    Inconclusive,
}

impl Materiality {
    /// The words of the verdict ("detectable but small").
    pub fn as_str(self) -> &'static str {
        match self {
            Materiality::Material => "material",
            Materiality::DetectableButSmall => "detectable but small",
            Materiality::Negligible => "negligible",
            Materiality::Inconclusive => "inconclusive",
        }
    }

    /// Does the interval exclude zero?
    pub fn detectable(self) -> bool {
        matches!(self, Materiality::Material | Materiality::DetectableButSmall)
    }
}

/// Classify an estimate with its 95% interval `lo..hi` against a threshold
/// (≥ 0). `None` without an interval or a threshold.
pub fn classify(
    estimate: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    threshold: Option<f64>,
) -> Option<Materiality> {
    let (m, lo, hi, t) = (estimate?, lo?, hi?, threshold?.abs());
    Some(if lo > 0.0 || hi < 0.0 {
        if m.abs() >= t { Materiality::Material } else { Materiality::DetectableButSmall }
    } else if lo >= -t && hi <= t {
        Materiality::Negligible
    } else {
        Materiality::Inconclusive
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Materiality::*;

    #[test]
    fn the_four_verdicts() {
        let c = |m, lo, hi| classify(Some(m), Some(lo), Some(hi), Some(100.0));
        assert_eq!(c(150.0, 120.0, 180.0), Some(Material));
        assert_eq!(c(-150.0, -190.0, -60.0), Some(Material), "the estimate, not the bound, is judged");
        // +18 HHI points with an interval that excludes zero: real but small.
        assert_eq!(c(18.0, 5.0, 31.0), Some(DetectableButSmall));
        assert_eq!(c(3.0, -40.0, 46.0), Some(Negligible));
        assert_eq!(c(30.0, -20.0, 140.0), Some(Inconclusive));
        assert_eq!(classify(Some(1.0), None, None, Some(1.0)), None);
        assert_eq!(classify(Some(1.0), Some(0.5), Some(1.5), None), None);
        assert!(Material.detectable() && DetectableButSmall.detectable() && !Negligible.detectable());
    }
}
