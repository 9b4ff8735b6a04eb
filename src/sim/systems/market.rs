//! Step 7 of the month: the foundation-model market (docs/model-v2.md §1).
//! Token demand grows with adoption and capability and falls with the
//! price index; customers choose labs by perceived quality and price (a
//! logit) with switching inertia; each lab serves what its inference
//! compute allows, unserved demand spilling once to labs with room;
//! revenue is price × tokens served, and the concentration of the
//! consolidation test is measured on the tokens served.

use super::params::Context;
use crate::sim::components::*;
use crate::sim::econ::tokens::{choice_shares, perceived_quality, price_index, serve, token_demand};
use crate::sim::formulas::{blend_shares, interpolate};
use crate::sim::measures::hhi;
use crate::sim::resources::*;
use bevy_ecs::prelude::*;

/// What the market reads of a firm, and what it sets.
type LabMarket<'a> =
    (&'a Profile, &'a Compute, &'a Capability, &'a Role, &'a Workforce, &'a mut Pricing, &'a mut Sales);

/// Reused buffers: perceived quality, price, previous share, demand,
/// capacity, target share, blended share, served volume.
type Scratch = [Vec<f64>; 8];

/// The adoption path at a tick, T tok per month: interpolated linearly in
/// logs between the world's points (so steady growth is steady), flat
/// outside them.
pub fn adoption_ttok(path: &[(crate::world::Month, f64)], start: crate::world::Month, tick: u32) -> f64 {
    let logs: Vec<(i32, f64)> = path.iter().map(|(m, v)| (m.since(start), v.max(1e-12).ln())).collect();
    if logs.is_empty() { 0.0 } else { interpolate(&logs, tick as i32).exp() }
}

/// Clear the month's token market for every active lab, in id order (the
/// logit sums over labs).
pub fn clear_model_market(
    ctx: Context,
    mut market: ResMut<TokenMarket>,
    open: Res<OpenFloor>,
    mut stats: ResMut<MonthStats>,
    mut books: ResMut<Books>,
    mut firms: Query<LabMarket, With<Active>>,
    mut scratch: Local<Scratch>,
) {
    let Context { clock, params, active, .. } = ctx;
    let m = &params.0.market;
    let [quality, price, prev, demand, capacity, target, shares, served] = &mut *scratch;
    for v in [&mut *quality, &mut *price, &mut *prev, &mut *capacity] {
        v.clear();
    }
    let efficiency_now = (1.0 + m.efficiency_growth_yearly).powf(clock.years());
    let mut q_sum = 0.0;
    for (profile, compute, cap, _, _, pricing, sales) in
        firms.iter_many(&active.0).flatten().filter(|f| *f.3 == Role::Lab)
    {
        // a lab whose own model is below the open-weight floor serves the open model
        let seen =
            ((1.0 - m.benchmark_weight) * cap.value + m.benchmark_weight * cap.benchmark).max(open.floor);
        quality.push(perceived_quality(seen, m.quality_saturation));
        price.push(pricing.price_usd_mtok.unwrap_or(pricing.cost_usd_mtok));
        prev.push(sales.share);
        capacity.push(
            m.max_serving_share
                * compute.pflops
                * m.tokens_per_pflops_month_ttok
                * profile.serving_efficiency_at(clock.tick)
                * efficiency_now,
        );
        q_sum += cap.value;
    }
    let n = quality.len();
    // last month's price and capability set this month's total demand
    let ref_q = market.capability.unwrap_or(if n > 0 { q_sum / n as f64 } else { m.reference_capability });
    let adoption = adoption_ttok(&m.adoption, clock.start, clock.tick);
    let total = token_demand(
        adoption,
        market.price_usd_mtok.unwrap_or(m.reference_price_usd_mtok),
        m.reference_price_usd_mtok,
        m.price_elasticity,
        m.capability_demand,
        ref_q,
        m.reference_capability,
    );
    choice_shares(
        quality,
        price,
        m.capability_sensitivity,
        m.price_sensitivity,
        m.usage_cost_usd_mtok,
        target,
    );
    blend_shares(prev, target, m.inertia, shares);
    demand.clear();
    demand.extend(shares.iter().map(|s| s * total));
    let unserved = serve(demand, capacity, served);
    let volume: f64 = served.iter().sum();

    let mut revenue = 0.0;
    let mut app_revenue = 0.0;
    let mut q_weighted = 0.0;
    let mut walk = firms.iter_many_mut(&active.0);
    let mut k = 0;
    while let Some(item) = walk.fetch_next() {
        let Ok((_, _, cap, role, wf, mut pricing, mut sales)) = item else { continue };
        let last = sales.revenue_musd;
        sales.past_revenue_musd.rotate_left(1);
        sales.past_revenue_musd[5] = last;
        if *role == Role::App {
            // an application company earns from its apps, not from tokens
            sales.volume_ttok = 0.0;
            sales.share = 0.0;
            sales.revenue_musd = params.0.exits.app_revenue_musd_per_researcher * wf.total() as f64;
            app_revenue += sales.revenue_musd;
            continue;
        }
        sales.volume_ttok = served[k];
        sales.share = if volume > 0.0 { served[k] / volume } else { 0.0 };
        // remembered for the pricing rule's window
        pricing.push_share(sales.share);
        sales.revenue_musd = price[k] * served[k];
        revenue += sales.revenue_musd;
        q_weighted += sales.share * cap.value;
        k += 1;
    }
    // the shares of the consolidation test: tokens served
    target.clear();
    target.extend(served.iter().map(|x| if volume > 0.0 { x / volume } else { 0.0 }));
    books.add(Flow::Revenue, revenue + app_revenue);
    stats.total_revenue_musd = revenue;
    stats.hhi = hhi(target);
    market.price_usd_mtok = price_index(price, served).or(market.price_usd_mtok);
    market.capability = (volume > 0.0).then_some(q_weighted).or(market.capability);
    market.volume_ttok = volume;
    market.unserved_ttok = unserved;
    if market.index_base_usd_mtok.is_none() && volume >= 1.0 {
        market.index_base_usd_mtok = market.price_usd_mtok;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{Strategy, Tier};
    use bevy_ecs::system::RunSystemOnce;
    use std::sync::Arc;

    /// A month of the model market with three labs of equal capability and
    /// compute; the first (a giant) charges `giant_price`, the others 1 USD/Mtok.
    /// Returns each lab's revenue and share.
    fn clear(giant_price: f64) -> Vec<(f64, f64)> {
        let mut w = crate::baseline();
        w.market.adoption = vec![(w.start, 10.0)];
        let mut world = bevy_ecs::world::World::new();
        world.insert_resource(Clock { tick: 30, start: w.start });
        world.insert_resource(Params(Arc::new(w)));
        world.insert_resource(TokenMarket { price_usd_mtok: Some(1.0), ..Default::default() });
        world.insert_resource(OpenFloor::default());
        world.insert_resource(MonthStats::default());
        world.insert_resource(Books::default());
        world.insert_resource(Roster::default());
        let strategy = Strategy {
            stockpile: 0.0,
            risk: 0.0,
            gaming: 0.0,
            acquisitiveness: 0.0,
            price_aggressiveness: 1.0,
        };
        let mut labs = Vec::new();
        for (k, price) in [giant_price, 1.0, 1.0].into_iter().enumerate() {
            let profile = Profile {
                tier: if k == 0 { Tier::Giant } else { Tier::Startup },
                strategy: strategy.clone(),
                foresight_months: 0,
                core_cash_flow_musd: 0.0,
                serving_efficiency: 1.0,
                serving_upgrade: None,
                training_efficiency: 1.0,
                platform_data: 0.0,
                open_weights_from: None,
                chip_loans: None,
            };
            let mut compute = Compute::default();
            compute.pflops = 1e6;
            let pricing = Pricing { price_usd_mtok: Some(price), ..Default::default() };
            let sales = Sales { share: 1.0 / 3.0, ..Default::default() };
            let cap = Capability { value: 8.0, stock: 1.0, benchmark: 8.0 };
            labs.push(
                world
                    .spawn((profile, compute, cap, Role::Lab, Workforce::default(), pricing, sales, Active))
                    .id(),
            );
        }
        world.insert_resource(ActiveFirms(labs.clone()));
        world.run_system_once(clear_model_market).expect("the market clears");
        labs.iter()
            .map(|e| {
                let s = world.get::<Sales>(*e).unwrap();
                (s.revenue_musd, s.share)
            })
            .collect()
    }

    #[test]
    fn a_giants_price_cut_lowers_its_rivals_revenue() {
        let before = clear(1.0);
        let after = clear(0.1);
        for rival in 1..3 {
            assert!(
                after[rival].0 < before[rival].0,
                "rival {rival}: {:?} vs {:?}",
                after[rival],
                before[rival]
            );
            assert!(after[rival].1 < before[rival].1);
        }
        assert!(after[0].1 > before[0].1, "the giant wins share");
    }
}
