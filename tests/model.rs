//! Mechanism tests on the model itself (through the library API): conservation,
//! determinism, stockpiling, bans, loans, acquisitions and exits.

use chipban::record::{EventKind, Record};
use chipban::world::{self, World};
use std::path::Path;

fn load(path: &str) -> World {
    world::load_file(Path::new(path)).expect("world loads")
}

/// Money, chips and researchers are conserved every month (DESIGN §3).
fn assert_conserved(r: &Record) {
    for (t, l) in r.ledger.iter().enumerate() {
        let expected = l.money_expected_musd();
        let tol = 1e-6 * (1.0 + expected.abs());
        assert!(
            (l.money_stock_musd - expected).abs() < tol,
            "{} seed {} month {t}: money stock {} but start + named flows = {}",
            r.world.name,
            r.seed,
            l.money_stock_musd,
            expected
        );
        assert_eq!(
            l.chips_initial + l.chips_delivered,
            l.chips_held + l.chips_retired + l.chips_sold,
            "{} seed {} month {t}: chips in != chips accounted for",
            r.world.name,
            r.seed
        );
        assert_eq!(
            l.researchers_employed + l.researchers_free,
            l.researchers_total,
            "{} seed {} month {t}: researchers",
            r.world.name,
            r.seed
        );
    }
}

#[test]
fn tiny_world_conserves_money_chips_and_researchers() {
    for seed in [1, 2, 3, 4, 5] {
        let r = chipban::run(load("tests/fixtures/tiny.ron"), seed);
        assert_conserved(&r);
    }
}

#[test]
fn baseline_conserves_over_several_seeds() {
    for seed in [1, 7, 42, 99] {
        let r = chipban::run(chipban::baseline(), seed);
        assert_conserved(&r);
        assert!(r.events.iter().any(|e| e.kind == EventKind::Exit || e.kind == EventKind::Acquisition));
    }
}
