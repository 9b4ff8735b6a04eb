//! Step 10 of the month: entry. Firms whose founding month has come enter
//! (named tigers, the generated cohort); new startups are also drawn at a
//! Poisson rate that rises with the funding climate and with free talent.
//! An entrant brings its founders' cash and hires its founding team from
//! the pools.
//!
//! An exclusive system (`&mut World`): it spawns entrants and activates
//! them at once, in the same month.

use crate::sim::components::*;
use crate::sim::init::{firm_from_cohort, spawn_firm};
use crate::sim::output::Payload;
use crate::sim::resources::*;
use bevy_ecs::prelude::*;
use rand_distr::{Distribution, Poisson};

/// Bring one firm into the market: founders' cash, founding team from the
/// pools, status active, the `Active` marker. Records an `entry` event
/// unless it is present at the start (`tick` 0 with `initial`).
pub fn activate(world: &mut World, e: Entity, tick: u32, initial: bool) {
    let Some(wanted) = world.get::<Workforce>(e).map(|w| w.by_pool) else { return };
    let mut hired = [0u32; MAX_POOLS];
    for (p, pool) in world.resource_mut::<Pools>().iter_mut().enumerate() {
        let take = (wanted[p] as u64).min(pool.free);
        pool.free -= take;
        hired[p] = take as u32;
    }
    let id = world.get::<Firm>(e).expect("firm id").id;
    let tier = world.get::<Profile>(e).expect("firm profile").tier;
    let cash = world.get::<Founding>(e).expect("firm founding").cash_musd;
    let lifetime = world.resource::<Params>().0.chips.lifetime_months;
    let ppu = world.resource::<Suppliers>().pflops_per_unit().to_vec();
    let chips = {
        let mut c = world.get_mut::<Compute>(e).expect("firm compute");
        c.refresh(&ppu, tick, lifetime);
        c.total_units()
    };
    world.get_mut::<Workforce>(e).expect("workforce").by_pool = hired;
    world.get_mut::<Treasury>(e).expect("treasury").cash_musd = cash;
    *world.get_mut::<Status>(e).expect("status") = Status::Active;
    world.entity_mut(e).insert(Active);
    world.resource_mut::<ActiveFirms>().0.push(e);
    {
        let mut books = world.resource_mut::<Books>();
        books.chips_initial += chips;
        if initial {
            books.initial_money_musd += cash;
        } else {
            books.add(Flow::FounderCapital, cash);
        }
    }
    if !initial {
        let people: u32 = hired.iter().sum();
        world.resource_mut::<MonthStats>().entries += 1;
        let name = world.resource::<Roster>().firm_names[id as usize].clone();
        world.resource_mut::<Output>().event(
            tick,
            &name,
            "",
            people as u64,
            cash,
            Payload::Entry { tier, researchers: people as u64, chips },
        );
    }
}

/// Firms whose founding month has come enter, then new startups are drawn
/// and enter at once.
pub fn enter_firms(world: &mut World) {
    let tick = world.resource::<Clock>().tick;
    loop {
        let next = {
            let p = world.resource::<Pending>();
            p.queue.get(p.next).copied()
        };
        match next {
            Some((t, e)) if t <= tick => {
                world.resource_mut::<Pending>().next += 1;
                activate(world, e, tick, false);
            }
            _ => break,
        }
    }

    let params = world.resource::<Params>().clone();
    let w = &params.0;
    let climate = world.resource::<MonthStats>().climate;
    let (free, total) = world
        .resource::<Pools>()
        .iter()
        .fold((0u64, 0u64), |(f, t), pool| (f + pool.free, t + pool.base_size));
    let free_share = if total > 0 { free as f64 / total as f64 } else { 0.0 };
    let lambda = w.entry.rate_month * climate * (free_share / w.entry.reference_free_talent_share.max(1e-9));
    let n = if lambda > 0.0 {
        let mut rng = world.resource_mut::<SimRng>();
        Poisson::new(lambda).map(|d| d.sample(&mut rng.0) as u32).unwrap_or(0)
    } else {
        0
    };
    for _ in 0..n {
        let k = {
            let mut c = world.resource_mut::<EntrantCount>();
            c.0 += 1;
            c.0
        };
        let mut spec = {
            let mut rng = world.resource_mut::<SimRng>();
            firm_from_cohort(&w.entry.template, format!("{} {k}", w.entry.template.prefix), &mut rng.0)
        };
        spec.founded = world.resource::<Clock>().month();
        let e = world
            .resource_scope(|world, mut roster: Mut<Roster>| spawn_firm(world, &spec, tick, &mut roster, w));
        activate(world, e, tick, false);
    }
}
