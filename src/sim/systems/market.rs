//! Step 6 of the month: the product market. Total AI revenue grows; shares
//! follow a logit on perceived quality (true capability blended with the
//! benchmark score) with bandwagon inertia on last month's users.

use crate::sim::components::*;
use crate::sim::formulas::{blend_shares, logit_shares};
use crate::sim::measures::hhi;
use crate::sim::resources::*;
use bevy_ecs::prelude::*;

/// Reused buffers: quality, previous shares, logit target, new shares.
type Scratch = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

/// Shares and revenue for every active firm (in id order: the logit sums
/// over firms), the month's revenue and its concentration.
pub fn clear_product_market(
    clock: Res<Clock>,
    params: Res<Params>,
    mut stats: ResMut<MonthStats>,
    mut books: ResMut<Books>,
    mut firms: Query<(&Firm, &Capability, &mut Sales), With<Active>>,
    mut scratch: Local<Scratch>,
) {
    let m = &params.0.market;
    let total = m.revenue_musd_month * (1.0 + m.revenue_growth_yearly).powf(clock.years());
    let (quality, prev, target, shares) = &mut *scratch;
    let mut active: Vec<_> = firms.iter_mut().sort::<&Firm>().collect();
    quality.clear();
    prev.clear();
    for (_, cap, sales) in &active {
        quality.push((1.0 - m.benchmark_weight) * cap.value + m.benchmark_weight * cap.benchmark);
        prev.push(sales.share);
    }
    logit_shares(quality, m.capability_sensitivity, target);
    blend_shares(prev, target, m.inertia, shares);
    for ((_, _, sales), share) in active.iter_mut().zip(shares.iter()) {
        sales.share = *share;
        sales.revenue_musd = *share * total;
    }
    let earned: f64 = shares.iter().map(|s| s * total).sum();
    books.add(Flow::Revenue, earned);
    stats.total_revenue_musd = earned;
    stats.hhi = hhi(shares);
}
