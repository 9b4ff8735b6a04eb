//! The ECS model: components, resources, one file per system, and the
//! monthly schedule. `Simulation::new(world, seed).run_into(sink)` hands
//! each month's rows to a `RecordSink` as the month ends and returns what
//! stays in memory (`RunHead`); `run()` keeps everything (`Record`).
//! Nothing here reads or writes files.
//!
//! Firms are entities (their state split into small components); chip
//! suppliers, talent pools and investors are fixed, indexed lists held as
//! resources (`Suppliers`, `Pools`, `Investors`).

pub mod components;
pub mod econ;
pub mod formulas;
pub mod init;
pub mod measures;
pub mod output;
pub mod resources;
pub mod systems;

use crate::sim::measures::consolidation_phase;
use crate::sim::output::{
    EventKind, MemorySink, MonthBatch, Record, RecordSink, RunHead, SimError, check_finite,
};
use crate::world::World;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::ScheduleLabel;
use bevy_ecs::schedule::SingleThreadedExecutor;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use resources::*;
use std::sync::Arc;
use systems::entry::activate;

#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Month;

/// The fixed order of the month (DESIGN §3), written down once.
pub fn monthly_schedule() -> Schedule {
    use systems::*;
    let mut schedule = Schedule::new(Month);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.add_systems(
        (
            policy::begin_month,
            policy::apply_rules,
            chips::place_chip_orders,
            chips::deliver_chips,
            talent::match_talent,
            research::do_research,
            pricing::set_prices,
            market::clear_model_market,
            finance::settle_finances,
            funding::raise_funding,
            strategy::choose_strategy,
            acquisitions::acquire_and_exit,
            entry::enter_firms,
            record_month::record_month,
        )
            .chain(),
    );
    schedule
}

/// One run of one world with one seed.
pub struct Simulation {
    world: bevy_ecs::world::World,
    schedule: Schedule,
    months: u32,
    seed: u64,
}

impl Simulation {
    /// Build the ECS world: list the suppliers, pools and investors, spawn
    /// the firms, draw the cohorts, and bring in the firms present at the
    /// start.
    pub fn new(w: World, seed: u64) -> Self {
        let w = Arc::new(w);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut world = bevy_ecs::world::World::new();
        let init::Population { roster, suppliers, pools, investors } =
            init::populate(&mut world, &w, &mut rng);
        let researchers_total: u64 = w.talent.pools.iter().map(|p| p.size as u64).sum();
        let dry_powder: f64 = investors.iter().map(|i| i.dry_powder_musd).sum();
        let mut pending: Vec<(u32, u32, Entity)> = world
            .query::<(Entity, &components::Firm, &components::Founding)>()
            .iter(&world)
            .map(|(e, firm, founding)| (founding.entry_tick, firm.id, e))
            .collect();
        pending.sort();
        world.insert_resource(Clock { tick: 0, start: w.start });
        world.insert_resource(init::rule_book(&w));
        world.insert_resource(Params(w.clone()));
        world.insert_resource(SimRng(rng));
        world.insert_resource(roster);
        world.insert_resource(suppliers);
        world.insert_resource(pools);
        world.insert_resource(investors);
        world.insert_resource(Books {
            initial_money_musd: dry_powder,
            researchers_total,
            ..Default::default()
        });
        world.insert_resource(MonthStats::default());
        world.insert_resource(TokenMarket::default());
        world.insert_resource(OpenFloor::default());
        world.insert_resource(Output { firm_panel: w.record.firm_panel, ..Default::default() });
        world.insert_resource(EntrantCount::default());
        world.insert_resource(ActiveFirms::default());
        for (.., e) in pending.iter().filter(|(t, ..)| *t == 0) {
            activate(&mut world, *e, 0, true);
        }
        world.insert_resource(Pending {
            queue: pending.iter().filter(|(t, ..)| *t > 0).map(|(t, _, e)| (*t, *e)).collect(),
            next: 0,
        });
        Simulation { world, schedule: monthly_schedule(), months: w.months, seed }
    }

    /// Run every month, handing each month's rows to `sink` as it ends;
    /// return what stays in memory (the month rows, names and counts). A
    /// NaN or infinite value in a month's rows stops the run before they
    /// reach the sink.
    pub fn run_into(mut self, sink: &mut dyn RecordSink) -> Result<RunHead, SimError> {
        let mut batch = MonthBatch::default();
        let mut names_sent = 0;
        let mut event_counts = [0u64; EventKind::ALL.len()];
        for tick in 0..self.months {
            self.world.resource_mut::<Clock>().tick = tick;
            self.schedule.run(&mut self.world);
            batch.month = tick;
            batch.new_firm_names.clear();
            batch.chips.clear();
            batch.firms.clear();
            batch.events.clear();
            {
                let roster = self.world.resource::<Roster>();
                batch.new_firm_names.extend(roster.firm_names[names_sent..].iter().cloned());
                names_sent = roster.firm_names.len();
            }
            let mut out = self.world.resource_mut::<Output>();
            std::mem::swap(&mut out.chips, &mut batch.chips);
            std::mem::swap(&mut out.firms, &mut batch.firms);
            std::mem::swap(&mut out.events, &mut batch.events);
            batch.ledger = out.ledger.pop().unwrap_or_default();
            out.ledger.clear();
            let month = out.months.last().cloned().unwrap_or_default();
            let roster = self.world.resource::<Roster>();
            let date = self.world.resource::<Clock>().start.plus(tick as i32).to_string();
            check_finite(&date, &month, &batch, &roster.firm_names, &roster.chip_names)?;
            for e in &batch.events {
                event_counts[e.kind() as usize] += 1;
            }
            sink.month(&mut batch);
        }
        let params = self.world.resource::<Params>().0.clone();
        let out = std::mem::take(&mut *self.world.resource_mut::<Output>());
        let firms_entered = self
            .world
            .query::<&components::Status>()
            .iter(&self.world)
            .filter(|s| **s != components::Status::Pending)
            .count() as u32;
        let roster = self.world.resource::<Roster>();
        let mut months = out.months;
        let hhi: Vec<f64> = months.iter().map(|m| m.hhi).collect();
        // the consolidation test counts labs: a firm that pivoted to applications left the market
        let firms: Vec<u32> = months.iter().map(|m| m.independent_labs).collect();
        let c = &params.consolidation;
        let (flags, start) =
            consolidation_phase(&hhi, &firms, c.hhi_threshold, c.drop_from_peak, c.hold_months);
        for (m, f) in months.iter_mut().zip(flags) {
            m.consolidating = f;
        }
        Ok(RunHead {
            world: (*params).clone(),
            seed: self.seed,
            firm_names: roster.firm_names.iter().map(|n| n.to_string()).collect(),
            chip_names: roster.chip_names.iter().map(|n| n.to_string()).collect(),
            months,
            consolidation_start: start.map(|s| s as u32),
            firms_entered,
            event_counts,
        })
    }

    /// Run every month and keep every row in memory.
    pub fn run(self) -> Result<Record, SimError> {
        let mut rows = MemorySink::default();
        let head = self.run_into(&mut rows)?;
        Ok(Record::from_parts(head, rows))
    }
}

/// Run a world with a seed and keep the whole record in memory: the
/// library's entry point for tests and small worlds (a big panel should go
/// to a [`RecordSink`] through [`Simulation::run_into`]).
///
/// # Panics
/// If the run produces a NaN or infinite value; [`try_run`] returns that error.
pub fn run(world: World, seed: u64) -> Record {
    try_run(world, seed).unwrap_or_else(|e| panic!("{e}"))
}

/// [`run`], returning the error of a run that produced a non-finite value.
pub fn try_run(world: World, seed: u64) -> Result<Record, SimError> {
    Simulation::new(world, seed).run()
}
