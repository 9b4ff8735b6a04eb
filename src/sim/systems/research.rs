//! Step 5 of the month: capability grows toward the potential that compute
//! and talent together allow, with a spillover floor from open models;
//! benchmark scores add each firm's gaming.

use crate::sim::components::*;
use crate::sim::formulas::{capability_step, research_potential};
use crate::sim::resources::*;
use bevy_ecs::prelude::*;

/// Capability moves toward each firm's potential, then rises to the open
/// model floor. Firm order does not matter here (each firm's update is its
/// own; the frontier is a maximum), so the query is walked as stored.
pub fn do_research(
    clock: Res<Clock>,
    params: Res<Params>,
    pools: Res<Pools>,
    mut firms: Query<(&Profile, &Compute, &Workforce, &mut Capability), With<Active>>,
) {
    let r = &params.0.research;
    let productivity: Vec<f64> = pools.iter().map(|p| p.productivity).collect();
    let scale = r.input_scale * (r.frontier_drift_monthly * clock.tick as f64).exp();
    let mut frontier: f64 = 0.0;
    for (_, compute, wf, mut cap) in &mut firms {
        let r_eff: f64 = wf.by_pool.iter().zip(&productivity).map(|(n, p)| *n as f64 * p).sum();
        let potential = research_potential(compute.pflops, r_eff, r.compute_elasticity, scale);
        cap.value = capability_step(cap.value, potential, r.catch_up_monthly, r.decay_monthly);
        frontier = frontier.max(cap.value);
    }
    let floor = r.open_model_floor * frontier;
    for (profile, _, _, mut cap) in &mut firms {
        cap.value = cap.value.max(floor);
        cap.benchmark = cap.value * (1.0 + profile.strategy.gaming);
    }
}
