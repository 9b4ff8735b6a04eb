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
    active: Res<ActiveFirms>,
    mut stats: ResMut<MonthStats>,
    mut books: ResMut<Books>,
    mut firms: Query<(&Firm, &Capability, &mut Sales), With<Active>>,
    mut scratch: Local<Scratch>,
) {
    let m = &params.0.market;
    let total = m.revenue_musd_month * (1.0 + m.revenue_growth_yearly).powf(clock.years());
    let (quality, prev, target, shares) = &mut *scratch;
    quality.clear();
    prev.clear();
    for (_, cap, sales) in firms.iter_many(&active.0).flatten() {
        quality.push((1.0 - m.benchmark_weight) * cap.value + m.benchmark_weight * cap.benchmark);
        prev.push(sales.share);
    }
    logit_shares(quality, m.capability_sensitivity, target);
    blend_shares(prev, target, m.inertia, shares);
    let mut walk = firms.iter_many_mut(&active.0);
    let mut k = 0;
    while let Some(item) = walk.fetch_next() {
        let Ok((_, _, mut sales)) = item else { continue };
        sales.share = shares[k];
        sales.revenue_musd = shares[k] * total;
        k += 1;
    }
    let earned: f64 = shares.iter().map(|s| s * total).sum();
    books.add(Flow::Revenue, earned);
    stats.total_revenue_musd = earned;
    stats.hhi = hhi(shares);
}
