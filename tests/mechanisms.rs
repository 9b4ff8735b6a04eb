//! Mechanism tests of Model v2 (docs/model-v2.md): each checks the
//! direction of one mechanism in a controlled world, whatever the
//! calibration — chip scarcity slows a constrained lab's capability, labs
//! far below the open-weight floor leave the model market, and the stocks
//! still balance. (The price cut's effect on rivals' revenue is tested at
//! the system level in `src/sim/systems/market.rs`.)

use chipban::record::{EventKind, Record};
use chipban::world::{self, World};
use std::path::Path;

fn load(path: &str) -> World {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    world::load_file(&root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn tiny(sets: &[&str]) -> World {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    world::apply_overrides(load("tests/fixtures/tiny.ron"), &sets).expect("overrides apply")
}

fn capability_of(r: &Record, firm: &str, month: u32) -> f64 {
    let id = r.firm_names.iter().position(|n| n == firm).expect("firm exists") as u32;
    r.firms.iter().find(|f| f.firm == id && f.month == month).map(|f| f.capability).expect("firm row")
}

#[test]
fn chip_scarcity_slows_a_constrained_labs_capability() {
    // LoanStart enters without chips and must buy them; with no supply at
    // all (no capacity, no grey market) it trains on nothing
    let open = tiny(&[]);
    let cut = tiny(&[
        "chips.suppliers[0].capacity_units_month=0",
        "chips.suppliers[1].capacity_units_month=0",
        "chips.suppliers[2].capacity_units_month=0",
        "chips.grey_market.enabled=false",
    ]);
    for seed in [1, 2, 3] {
        let a = chipban::run(open.clone(), seed);
        let b = chipban::run(cut.clone(), seed);
        let last = a.months.len() as u32 - 1;
        let (qa, qb) = (capability_of(&a, "LoanStart", last), capability_of(&b, "LoanStart", last));
        assert!(qb < qa, "seed {seed}: without chips {qb} should trail {qa}");
    }
}

#[test]
fn labs_far_below_the_open_weight_floor_leave_the_model_market() {
    // an outside open-weight model far better than anyone's: every
    // start-up's own model is worthless
    let w = tiny(&["research.open_weights=[(\"2022-01\", 100.0)]"]);
    for seed in [1, 2, 3] {
        let r = chipban::run(w.clone(), seed);
        let left = [EventKind::Pivot, EventKind::Acquisition, EventKind::Exit, EventKind::TeamTransfer];
        for name in ["MidStart", "TinyLab"] {
            let gone = r.events.iter().any(|e| {
                (left.contains(&e.kind()) && &*e.actor == name)
                    || (e.kind() == EventKind::Acquisition && &*e.target == name)
            });
            assert!(gone, "seed {seed}: {name} stayed a lab below the floor");
        }
        let last = r.months.last().unwrap();
        assert!(last.independent_labs < last.independent_firms || last.independent_firms <= 1, "{last:?}");
    }
}

#[test]
fn stocks_balance_every_month_in_the_v2_baseline() {
    // twenty seeds of the calibrated baseline, every month
    for seed in 1..=20u64 {
        let r = chipban::run(chipban::baseline(), seed);
        for (t, l) in r.ledger.iter().enumerate() {
            let money = l.money_expected_musd();
            assert!(
                (l.money_stock_musd - money).abs() <= 1e-6 * money.abs().max(1.0),
                "seed {seed} month {t}: money {} vs {}",
                l.money_stock_musd,
                money
            );
            assert_eq!(
                l.chips_initial + l.chips_delivered,
                l.chips_held + l.chips_retired + l.chips_sold,
                "seed {seed} month {t}: chips"
            );
            assert_eq!(
                l.researchers_employed + l.researchers_free,
                l.researchers_total,
                "seed {seed} month {t}: researchers"
            );
        }
    }
}
