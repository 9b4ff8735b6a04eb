//! The baseline stays calibrated: every target of docs/calibration.md (the
//! nine of DESIGN §4 and the five of issue 12: the price war, IDC's token
//! volumes, the tigers' share of 2024 venture money) in its accepted range
//! over 50 replicates. If a change to the model or
//! to worlds/baseline.ron moves a target out of range, this fails with the
//! whole table; re-run `chipban calibrate` and update docs/calibration.md.

use chipban::calibration::Accept;

#[test]
fn baseline_reproduces_the_documented_record() {
    let world = chipban::baseline();
    let rows = chipban::calibration::calibrate(&world, 50, world.seed, 2).expect("finite runs");
    let table = chipban::calibration::table(&rows, 50);
    assert_eq!(rows.len(), 14);
    assert_eq!(rows.len(), chipban::calibration::TARGETS.len());
    for r in &rows {
        // A "most runs" target (the first giant's price cut) may miss some
        // runs (no cut at all): they count as out of range in its share.
        if r.target.accept != Accept::MostRuns {
            assert_eq!(r.n, 50, "{}: measured in every run\n{table}", r.target.key);
        }
        assert!(r.ok, "{} out of its range\n{table}", r.target.key);
    }
}

#[test]
fn calibration_can_fail() {
    // The same measurement on a world without the 2023 rule: A800/H800 keep
    // arriving after 2023-10, so that target must be out of range.
    let mut world = chipban::baseline();
    world.policy.rules.truncate(1);
    let rows = chipban::calibration::calibrate(&world, 5, world.seed, 2).expect("finite runs");
    let after = rows.iter().find(|r| r.target.key == "a800_h800_legal_deliveries_after_rule").unwrap();
    assert!(!after.ok && after.min.unwrap() > 0.0, "{}", chipban::calibration::table(&rows, 5));
}

#[test]
fn the_price_war_targets_can_fail() {
    // Giants that never defend their share (price aggressiveness 0) never
    // make a defending cut: the first-cut month cannot be measured in any
    // run (so not in most runs) and the price fall counts 0 in every run.
    let mut world = chipban::baseline();
    for f in world.firms.iter_mut().filter(|f| f.tier == chipban::world::Tier::Giant) {
        f.strategy.price_aggressiveness = 0.0;
    }
    let rows = chipban::calibration::calibrate(&world, 3, world.seed, 2).expect("finite runs");
    let table = chipban::calibration::table(&rows, 3);
    let row = |key: &str| rows.iter().find(|r| r.target.key == key).unwrap();
    let cut = row("first_giant_defending_price_cut");
    assert!(!cut.ok && cut.n == 0 && cut.share_in_range == 0.0, "{table}");
    let fall = row("token_price_fall_6_months_after_first_cut");
    assert!(!fall.ok && fall.max == Some(0.0), "{table}");
}
