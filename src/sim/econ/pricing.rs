//! How a lab sets its token price (docs/model-v2.md §2): the cost of a
//! token, the static logit markup, and the defend-and-match rule that
//! turns a far cheaper rival at parity into a price war.
//!
//! Units: prices and costs in USD per million tokens (USD/Mtok); compute
//! cost in USD millions per PFLOP/s-month; serving throughput in trillions
//! of tokens per PFLOP/s-month.

/// Cost of serving a million tokens, USD/Mtok:
/// `c = k / (τ · e)` with k the cost of a PFLOP/s-month (USD M), τ the
/// tokens a PFLOP/s-month serves at reference efficiency (T tok) and e the
/// lab's serving efficiency (a multiple of the reference). USD M per T tok
/// is USD per M tok. Infinite when nothing can be served.
pub fn serving_cost(
    cost_per_pflops_month_musd: f64,
    tokens_per_pflops_month_ttok: f64,
    efficiency: f64,
) -> f64 {
    let throughput = tokens_per_pflops_month_ttok * efficiency;
    if throughput > 0.0 { cost_per_pflops_month_musd.max(0.0) / throughput } else { f64::INFINITY }
}

/// Own-price elasticity of a lab's volume under logit choice with market
/// expansion: `ε = α (1 − s) + η s` (α the price sensitivity of choice, η
/// the market's price elasticity, s the lab's share).
pub fn own_price_elasticity(share: f64, price_sensitivity: f64, market_elasticity: f64) -> f64 {
    let s = share.clamp(0.0, 1.0);
    price_sensitivity * (1.0 - s) + market_elasticity * s
}

/// Static (Lerner) markup, price over cost: `μ = ε / (ε − 1)`, capped at
/// `μ̄` (also where demand is inelastic, ε ≤ 1, and the formula has no
/// finite answer).
pub fn markup(elasticity: f64, max_markup: f64) -> f64 {
    let cap = max_markup.max(1.0);
    if elasticity <= 1.0 {
        return cap;
    }
    (elasticity / (elasticity - 1.0)).min(cap)
}

/// What each lab sees of its rivals for the defence trigger.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rival {
    /// Perceived quality g (points).
    pub perceived: f64,
    /// Price, USD/Mtok.
    pub price: f64,
    /// Whether its share rose over the trigger's window.
    pub gained: bool,
}

/// For each lab, the lowest price (and that rival's index; ties to the
/// lower index) among the *other* labs that gained share and are at parity
/// (`g_j ≥ g_i − gap`), or `None`. O(n log n): labs are
/// sorted by perceived quality and a running minimum (with the runner-up,
/// so a lab never finds itself) is kept over the qualifying ones.
pub fn cheapest_rival_at_parity(labs: &[Rival], parity_gap: f64) -> Vec<Option<(f64, usize)>> {
    let mut order: Vec<usize> = (0..labs.len()).collect();
    // descending quality, ties by index
    order.sort_by(|&a, &b| labs[b].perceived.total_cmp(&labs[a].perceived).then(a.cmp(&b)));
    // prefix over `order`: best and second-best (price, lab) among gainers
    // (price, lab) of a qualifying rival
    type Offer = Option<(f64, usize)>;
    let mut best: Vec<(Offer, Offer)> = Vec::with_capacity(labs.len());
    let (mut b1, mut b2): (Offer, Offer) = (None, None);
    for &j in &order {
        if labs[j].gained {
            let c = (labs[j].price, j);
            let lower = |x: (f64, usize), y: (f64, usize)| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)).is_lt();
            match b1 {
                Some(b) if !lower(c, b) => {
                    if b2.is_none_or(|b2v| lower(c, b2v)) {
                        b2 = Some(c);
                    }
                }
                _ => {
                    b2 = b1;
                    b1 = Some(c);
                }
            }
        }
        best.push((b1, b2));
    }
    let mut out = vec![None; labs.len()];
    for (i, lab) in labs.iter().enumerate() {
        // the number of labs with g ≥ g_i − gap: a prefix of `order`
        let threshold = lab.perceived - parity_gap;
        let n = order.partition_point(|&j| labs[j].perceived >= threshold);
        if n == 0 {
            continue;
        }
        out[i] = match best[n - 1] {
            (Some((p, j)), _) if j != i => Some((p, j)),
            (_, Some(second)) => Some(second),
            _ => None,
        };
    }
    out
}

/// Is the lab contested? Its share fell over the window and a rival at
/// parity that gained share charges at most `trigger_ratio` of its price.
pub fn contested(
    share_now: f64,
    share_then: f64,
    price: f64,
    cheapest_rival: Option<f64>,
    trigger_ratio: f64,
) -> bool {
    share_now < share_then && cheapest_rival.is_some_and(|p| p <= trigger_ratio * price)
}

/// The defending price, USD/Mtok: undercut the cheapest rival at parity by
/// `a · undercut`, never below the floor — 0 for a lab whose losses a core
/// business or a parent funds, `c · (1 − a)` for a venture-funded lab.
/// `a` is the lab's price aggressiveness (0 = does not follow).
pub fn defend_price(
    rival_price: f64,
    cost: f64,
    aggressiveness: f64,
    undercut: f64,
    deep_pockets: bool,
) -> f64 {
    let a = aggressiveness.clamp(0.0, 1.0);
    let floor = if deep_pockets { 0.0 } else { cost * (1.0 - a) };
    ((1.0 - a * undercut) * rival_price).max(floor).max(0.0)
}

/// Raise a price until the subsidy it implies is affordable:
/// `(c − p) · x ≤ b`, with x last month's volume (T tok) and b the monthly
/// loss budget (USD M). Prices at or above cost pass unchanged.
pub fn within_budget(price: f64, cost: f64, volume_ttok: f64, budget_musd: f64) -> f64 {
    if price >= cost || volume_ttok <= 0.0 {
        return price;
    }
    price.max(cost - budget_musd.max(0.0) / volume_ttok)
}

/// Sticky upward, quick downward: a cut to the target happens at once; a
/// rise closes `adjustment` of the gap each month.
pub fn move_price(price: f64, target: f64, adjustment: f64) -> f64 {
    if target <= price { target } else { price + adjustment.clamp(0.0, 1.0) * (target - price) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_of_a_token() {
        // $2,500 per PFLOP/s-month, 0.0025 T tok per PFLOP/s-month → $1/Mtok
        assert!((serving_cost(0.0025, 0.0025, 1.0) - 1.0).abs() < 1e-12);
        assert!((serving_cost(0.0025, 0.0025, 5.0) - 0.2).abs() < 1e-12);
        assert!(serving_cost(0.0025, 0.0, 1.0).is_infinite());
    }

    #[test]
    fn markups_shrink_as_demand_gets_elastic() {
        assert!((own_price_elasticity(0.0, 1.6, 1.0) - 1.6).abs() < 1e-12);
        assert!((own_price_elasticity(1.0, 1.6, 1.0) - 1.0).abs() < 1e-12);
        assert!((markup(2.0, 10.0) - 2.0).abs() < 1e-12);
        assert!((markup(1.6, 10.0) - 1.6 / 0.6).abs() < 1e-12);
        assert_eq!(markup(1.0, 4.0), 4.0);
        assert_eq!(markup(1.1, 4.0), 4.0);
        // a bigger share means more market power
        let small = markup(own_price_elasticity(0.05, 1.6, 1.0), 4.0);
        let big = markup(own_price_elasticity(0.5, 1.6, 1.0), 4.0);
        assert!(big > small);
    }

    fn lab(g: f64, p: f64, gained: bool) -> Rival {
        Rival { perceived: g, price: p, gained }
    }

    #[test]
    fn the_cheapest_gaining_rival_at_parity_and_never_oneself() {
        let labs = [lab(5.0, 10.0, false), lab(4.8, 1.0, true), lab(3.0, 0.1, true), lab(5.1, 8.0, true)];
        let got = cheapest_rival_at_parity(&labs, 0.5);
        // lab 0 (g 5): rivals at g ≥ 4.5 that gained: lab 1 (1.0), lab 3 (8.0)
        assert_eq!(got[0], Some((1.0, 1)));
        // lab 1 (g 4.8): rivals ≥ 4.3 that gained: lab 3 (8.0) — not itself
        assert_eq!(got[1], Some((8.0, 3)));
        // lab 2 (g 3): everyone is at parity or above: lab 1 at 1.0 (itself is cheaper but excluded)
        assert_eq!(got[2], Some((1.0, 1)));
        // lab 3 (g 5.1): rivals ≥ 4.6: lab 1
        assert_eq!(got[3], Some((1.0, 1)));
        assert_eq!(cheapest_rival_at_parity(&[lab(5.0, 1.0, true)], 1.0), vec![None]);
    }

    #[test]
    fn parity_search_matches_brute_force() {
        let mut labs = Vec::new();
        let mut x = 12345u64;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..300 {
            labs.push(lab((next() * 8.0).floor() / 2.0, (next() * 20.0).floor(), next() < 0.5));
        }
        let fast = cheapest_rival_at_parity(&labs, 1.0);
        for (i, l) in labs.iter().enumerate() {
            let slow = labs
                .iter()
                .enumerate()
                .filter(|(j, r)| *j != i && r.gained && r.perceived >= l.perceived - 1.0)
                .map(|(_, r)| r.price)
                .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.min(p))));
            assert_eq!(fast[i].map(|(p, _)| p), slow, "lab {i}");
        }
    }

    #[test]
    fn only_a_far_cheaper_rival_triggers_a_defence() {
        assert!(contested(0.3, 0.35, 10.0, Some(1.0), 0.5));
        assert!(!contested(0.3, 0.35, 10.0, Some(6.0), 0.5));
        assert!(!contested(0.36, 0.35, 10.0, Some(1.0), 0.5));
        assert!(!contested(0.3, 0.35, 10.0, None, 0.5));
    }

    #[test]
    fn defence_undercuts_down_to_the_floor() {
        // giant, fully aggressive, undercut 20%: 0.8 × rival
        assert!((defend_price(1.0, 2.0, 1.0, 0.2, true) - 0.8).abs() < 1e-12);
        // venture lab with a = 0.5: floor c·0.5 = 1.0 binds
        assert!((defend_price(1.0, 2.0, 0.5, 0.2, false) - 1.0).abs() < 1e-12);
        // a = 0 (Baichuan): does not go below cost
        assert!((defend_price(1.0, 2.0, 0.0, 0.2, false) - 2.0).abs() < 1e-12);
        assert_eq!(defend_price(0.0, 2.0, 1.0, 0.2, true), 0.0);
    }

    #[test]
    fn losses_are_bounded_by_the_budget() {
        // cost 1, price 0, 10 T tok → loss 10; budget 4 → price 0.6
        assert!((within_budget(0.0, 1.0, 10.0, 4.0) - 0.6).abs() < 1e-12);
        assert_eq!(within_budget(0.0, 1.0, 10.0, 20.0), 0.0);
        assert_eq!(within_budget(2.0, 1.0, 10.0, 0.0), 2.0);
    }

    #[test]
    fn prices_fall_at_once_and_rise_slowly() {
        assert_eq!(move_price(5.0, 1.0, 0.2), 1.0);
        assert!((move_price(1.0, 5.0, 0.25) - 2.0).abs() < 1e-12);
    }
}
