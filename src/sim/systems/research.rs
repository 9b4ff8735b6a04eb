//! Step 5 of the month: research (docs/model-v2.md §3). Each lab trains on
//! the compute it does not need for serving; effective training compute
//! grows with algorithmic progress, falls when the lab is short of
//! researchers for its compute, and rises with data (its own platforms and
//! the usage its models get). It accumulates in a training stock, and
//! capability is logarithmic in that stock (a scaling relation). A lab
//! behind the domestic frontier also catches up by diffusion, as fast as
//! its compute relative to the largest lab's lets it absorb what the
//! leaders do (docs/ODD.md §7.6 c′), so a lab that cannot get chips falls
//! behind. The open-weight floor is the best
//! model anyone can serve: the outside path (Llama etc.) or the modelled
//! open-weight labs' best, released with a lag and a gap (labs open
//! smaller models than their flagship).

use crate::sim::components::*;
use crate::sim::econ::scaling::{
    algorithmic_multiplier, capability, catch_up, data_factor, effective_training, staffing, stock_for,
    stock_step,
};
use crate::sim::formulas::interpolate;
use crate::sim::resources::*;
use bevy_ecs::prelude::*;

/// What research reads of a firm, and its capability.
type Trainee<'a> = (&'a Profile, &'a Treasury, &'a Compute, &'a Workforce, &'a Sales, &'a mut Capability);

/// Compute a lab needs for serving what it served last month, PFLOP/s,
/// capped at its serving share: `I = min(σ C, x / (τ e))`.
pub fn inference_pflops(
    pflops: f64,
    volume_ttok: f64,
    tokens_per_pflops_month: f64,
    efficiency: f64,
    max_share: f64,
) -> f64 {
    let per_pflops = tokens_per_pflops_month * efficiency;
    let need = if per_pflops > 0.0 { volume_ttok / per_pflops } else { 0.0 };
    need.min(max_share.clamp(0.0, 1.0) * pflops).max(0.0)
}

/// Every lab trains; then the open-weight floor is updated. Each lab's
/// update is its own (the floor is a maximum), so the query is walked as
/// stored.
pub fn do_research(
    clock: Res<Clock>,
    params: Res<Params>,
    pools: Res<Pools>,
    mut floor: ResMut<OpenFloor>,
    mut firms: Query<Trainee, With<Active>>,
) {
    let w = &params.0;
    let (r, m) = (&w.research, &w.market);
    let t = clock.tick as f64;
    let productivity: Vec<f64> = pools.iter().map(|p| p.productivity).collect();
    let algorithmic = algorithmic_multiplier(t, r.algorithmic_halving_months);
    let serving_growth = (1.0 + m.efficiency_growth_yearly).powf(clock.years());
    let per_researcher = w.finance.compute_per_researcher_pflops;
    // the same staffing ratio the labour market hires by (talent.rs)
    let per_researcher = per_researcher * (w.finance.compute_per_researcher_growth_monthly * t).exp();
    let researchers_per_pflops = if per_researcher > 0.0 { 1.0 / per_researcher } else { 0.0 };
    // the domestic frontier as it stood at the start of the month (last
    // month's capabilities), so no lab's update depends on the walk order
    let frontier = firms.iter().map(|t| t.5.value).fold(0.0_f64, f64::max);
    let largest = firms.iter().map(|t| t.2.pflops).fold(0.0_f64, f64::max);
    let half = r.absorption_half_share * largest;
    let mut open_best: f64 = 0.0;
    for (profile, treasury, compute, wf, sales, mut cap) in &mut firms {
        let r_eff: f64 = wf.by_pool.iter().zip(&productivity).map(|(n, p)| *n as f64 * p).sum();
        let serving = inference_pflops(
            compute.pflops,
            sales.volume_ttok,
            m.tokens_per_pflops_month_ttok,
            profile.serving_efficiency_at(clock.tick) * serving_growth,
            m.max_serving_share,
        );
        // a lab cutting costs after a failed round stops pre-training
        let training = if treasury.cost_cut { 0.0 } else { (compute.pflops - serving).max(0.0) };
        let staff = staffing(r_eff, training, researchers_per_pflops, r.staffing_penalty);
        let access = (profile.platform_data + r.usage_data * sales.share).min(1.0);
        let data = data_factor(access, r.data_weight);
        let x = effective_training(training, algorithmic, staff, data, profile.training_efficiency);
        cap.stock = stock_step(cap.stock, x, r.obsolescence_monthly);
        let own = capability(cap.stock, r.stock_scale_pflops_months, r.points_per_efold);
        let absorbing = if treasury.cost_cut { 0.0 } else { compute.pflops };
        let caught = catch_up(own, frontier, r.catch_up_monthly, absorbing, half, staff);
        if caught > own {
            cap.stock = stock_for(caught, r.stock_scale_pflops_months, r.points_per_efold);
        }
        cap.value = capability(cap.stock, r.stock_scale_pflops_months, r.points_per_efold);
        cap.benchmark = cap.value * (1.0 + profile.strategy.gaming);
        if profile.open_weights_from.is_some_and(|from| clock.tick as i32 >= from) {
            open_best = open_best.max(cap.value);
        }
    }
    floor.history.push(open_best);
    let lag = r.open_release_lag_months as usize;
    let gap = if (clock.tick as i32) < r.open_large_from.since(clock.start) {
        r.open_small_release_gap
    } else {
        r.open_release_gap
    };
    let released =
        floor.history.len().checked_sub(1 + lag).map_or(0.0, |i| (floor.history[i] - gap).max(0.0));
    let outside = if r.open_weights.is_empty() {
        0.0
    } else {
        let path: Vec<(i32, f64)> =
            r.open_weights.iter().map(|(month, v)| (month.since(clock.start), *v)).collect();
        interpolate(&path, clock.tick as i32)
    };
    floor.floor = outside.max(released);
}
