//! Building the ECS world from a resolved `World`: firms (named and
//! generated cohorts) become entities; suppliers, pools and investors become
//! the `Suppliers`, `Pools` and `Investors` lists; rules become the
//! `RuleBook`. Cohort draws use the run's RNG first, in file order.

use super::components::*;
use super::resources::*;
use crate::sim::econ::scaling::stock_for;
use crate::sim::output::Name;
use crate::world::{Cohort, Coverage, Dist, FirmSpec, Strategy, World};
use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};
use std::collections::HashMap;

/// Draw one value from a world-file distribution.
pub fn draw(d: &Dist, rng: &mut ChaCha8Rng) -> f64 {
    match *d {
        Dist::Fixed(v) => v,
        Dist::Uniform(lo, hi) => {
            if hi > lo {
                rng.random_range(lo..hi)
            } else {
                lo
            }
        }
        Dist::LogNormal { median, sigma } => {
            if sigma <= 0.0 || median <= 0.0 {
                median
            } else {
                LogNormal::new(median.ln(), sigma).map(|ln| ln.sample(rng)).unwrap_or(median)
            }
        }
    }
}

/// A firm spec drawn from a cohort (used at start and by `entry`).
pub fn firm_from_cohort(c: &Cohort, name: String, rng: &mut ChaCha8Rng) -> FirmSpec {
    let span = c.founded_to.since(c.founded_from).max(0);
    let founded = c.founded_from.plus(if span > 0 { rng.random_range(0..=span) } else { 0 });
    // drawn in the order of the cohort's fields
    let cash_musd = draw(&c.cash_musd, rng).max(0.0);
    let researchers = c.researchers.iter().map(|d| draw(d, rng).round().max(0.0) as u32).collect();
    let chips =
        c.chips.iter().map(|(chip, d)| (chip.clone(), draw(d, rng).round().max(0.0) as u32)).collect();
    let capability = draw(&c.capability, rng).max(0.0);
    let strategy = Strategy {
        stockpile: draw(&c.stockpile, rng).clamp(0.0, 1.0),
        risk: draw(&c.risk, rng).clamp(0.0, 1.0),
        gaming: draw(&c.gaming, rng).clamp(0.0, 1.0),
        acquisitiveness: draw(&c.acquisitiveness, rng).clamp(0.0, 1.0),
        price_aggressiveness: draw(&c.price_aggressiveness, rng).clamp(0.0, 1.0),
    };
    let serving_efficiency = draw(&c.serving_efficiency, rng).max(1e-6);
    let training_efficiency = draw(&c.training_efficiency, rng).max(1e-6);
    let platform_data = draw(&c.platform_data, rng).clamp(0.0, 1.0);
    FirmSpec {
        name,
        tier: c.tier,
        founded,
        cash_musd,
        core_cash_flow_musd_month: 0.0,
        researchers,
        chips,
        capability,
        share: 0.0,
        serving_efficiency,
        serving_upgrade: None,
        training_efficiency,
        platform_data,
        open_weights_from: None,
        strategy,
        foresight_months: c.foresight_months,
        chip_loans: None,
    }
}

/// Researchers per pool as the inline array a `Workforce` holds.
pub fn counts(researchers: &[u32]) -> [u32; MAX_POOLS] {
    let mut by_pool = [0; MAX_POOLS];
    for (slot, n) in by_pool.iter_mut().zip(researchers) {
        *slot = *n;
    }
    by_pool
}

/// Spawn a firm's entity (pending, not active) and register its name.
pub fn spawn_firm(
    world: &mut bevy_ecs::world::World,
    spec: &FirmSpec,
    entry_tick: u32,
    roster: &mut Roster,
    w: &World,
) -> Entity {
    let list_prices: Vec<f64> = w.chips.suppliers.iter().map(|s| s.price_musd).collect();
    let id = roster.firm_names.len() as u32;
    let lender_index = |name: &str| roster.investor_names.iter().position(|n| &**n == name);
    let chip_loans =
        spec.chip_loans.as_ref().and_then(|p| lender_index(&p.lender).map(|i| (i, p.max_outstanding_musd)));
    let chip_index: HashMap<&str, usize> =
        roster.chip_names.iter().enumerate().map(|(i, n)| (&**n, i)).collect();
    let mut compute = Compute::default();
    for (chip, units) in &spec.chips {
        if let Some(&c) = chip_index.get(chip.as_str()) {
            compute.add_lot(c, *units as u64, entry_tick, list_prices[c], None);
        }
    }
    let e = world
        .spawn((
            Firm { id },
            Profile {
                tier: spec.tier,
                strategy: spec.strategy.clone(),
                foresight_months: spec.foresight_months,
                core_cash_flow_musd: spec.core_cash_flow_musd_month,
                serving_efficiency: spec.serving_efficiency,
                serving_upgrade: spec.serving_upgrade.map(|(m, e)| (m.since(w.start), e)),
                training_efficiency: spec.training_efficiency,
                platform_data: spec.platform_data,
                open_weights_from: spec.open_weights_from.map(|m| m.since(w.start)),
                chip_loans,
            },
            Founding { cash_musd: spec.cash_musd, entry_tick },
            Status::Pending,
            Treasury { cash_musd: 0.0, ..Default::default() },
            Debts::default(),
            Equity::default(),
            compute,
            ChipOrders::default(),
            Workforce { by_pool: counts(&spec.researchers), offer: 1.0, vacancies: 0 },
            Role::Lab,
            Plan::Continue,
            Capability {
                value: spec.capability,
                stock: stock_for(
                    spec.capability,
                    w.research.stock_scale_pflops_months,
                    w.research.points_per_efold,
                ),
                benchmark: spec.capability * (1.0 + spec.strategy.gaming),
            },
            (Sales { share: spec.share, ..Default::default() }, Pricing::default()),
        ))
        .id();
    roster.firm_names.push(Name::from(spec.name.as_str()));
    e
}

/// The lists and names `populate` builds, for `Simulation::new` to insert.
pub struct Population {
    pub roster: Roster,
    pub suppliers: Suppliers,
    pub pools: Pools,
    pub investors: Investors,
}

/// Build everything a run starts from, in a fixed order: the suppliers,
/// pools and investors (drawing investor cohorts), then the firms (drawing
/// firm cohorts), spawned as pending entities.
pub fn populate(world: &mut bevy_ecs::world::World, w: &World, rng: &mut ChaCha8Rng) -> Population {
    let mut roster = Roster::default();
    let start = w.start;

    let mut suppliers = Vec::with_capacity(w.chips.suppliers.len());
    for (i, s) in w.chips.suppliers.iter().enumerate() {
        suppliers.push(Supplier {
            index: i,
            domestic: s.domestic,
            tflops_bf16: s.tflops_bf16,
            tpp: s.tpp,
            list_price_musd: s.price_musd,
            price_musd: s.price_musd,
            premium: 0.0,
            capacity_base: s.capacity_units_month,
            capacity_growth_yearly: s.capacity_growth_yearly,
            available_tick: s.available_from.since(start),
            lead_time_months: s.lead_time_months,
            efficiency: s.efficiency,
            banned: false,
            fill_rate: 1.0,
        });
        roster.chip_names.push(Name::from(s.name.as_str()));
    }

    let mut pools = Vec::with_capacity(w.talent.pools.len());
    for (i, p) in w.talent.pools.iter().enumerate() {
        pools.push(Pool {
            index: i,
            free: p.size as u64,
            wage_musd: p.wage_musd_month,
            base_wage_musd: p.wage_musd_month,
            base_size: p.size as u64,
            growth_yearly: p.growth_yearly,
            wage_elasticity: p.wage_elasticity,
            productivity: p.productivity,
            growth_carry: 0.0,
            vacancies: 0,
            seekers: 0,
        });
        roster.pool_names.push(Name::from(p.name.as_str()));
    }

    let mut investors = Vec::with_capacity(w.investors.len());
    for s in &w.investors {
        investors.push(Investor {
            index: investors.len(),
            kind: s.kind,
            dry_powder_musd: s.dry_powder_musd,
            inflow_musd_month: s.inflow_musd_month,
            check_min_musd: s.check_min_musd,
            check_max_musd: s.check_max_musd,
            risk_appetite: s.risk_appetite,
            leaderboard_trust: s.leaderboard_trust,
            loan: s.loan.clone(),
        });
        roster.investor_names.push(Name::from(s.name.as_str()));
    }
    for c in &w.investor_cohorts {
        for k in 0..c.count {
            // the draws happen in the order the fields are written
            investors.push(Investor {
                index: investors.len(),
                kind: c.kind,
                dry_powder_musd: draw(&c.dry_powder_musd, rng).max(0.0),
                inflow_musd_month: draw(&c.inflow_musd_month, rng).max(0.0),
                check_min_musd: c.check_min_musd,
                check_max_musd: c.check_max_musd,
                risk_appetite: draw(&c.risk_appetite, rng).clamp(0.0, 1.0),
                leaderboard_trust: draw(&c.leaderboard_trust, rng).clamp(0.0, 1.0),
                loan: None,
            });
            roster.investor_names.push(Name::from(format!("{} {}", c.prefix, k + 1).as_str()));
        }
    }

    let mut specs: Vec<FirmSpec> = w.firms.clone();
    for c in &w.cohorts {
        for k in 0..c.count {
            specs.push(firm_from_cohort(c, format!("{} {}", c.prefix, k + 1), rng));
        }
    }
    for spec in &specs {
        let entry_tick = spec.founded.since(start).max(0) as u32;
        spawn_firm(world, spec, entry_tick, &mut roster, w);
    }
    Population {
        roster,
        suppliers: Suppliers::new(suppliers),
        pools: Pools(pools),
        investors: Investors(investors),
    }
}

/// Resolve rule coverage to chip indices.
pub fn rule_book(w: &World) -> RuleBook {
    let rules = w
        .policy
        .rules
        .iter()
        .map(|r| {
            let mut chips: Vec<usize> = w
                .chips
                .suppliers
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    r.covers.iter().any(|c| match c {
                        Coverage::Chip(name) => *name == s.name,
                        Coverage::TppAtLeast(t) => !s.domestic && s.tpp >= *t,
                    })
                })
                .map(|(i, _)| i)
                .collect();
            chips.sort_unstable();
            RuleState {
                name: r.name.clone(),
                announced_tick: r.announced.since(w.start),
                effective_tick: r.effective.since(w.start),
                chips,
            }
        })
        .collect();
    RuleBook { rules }
}
