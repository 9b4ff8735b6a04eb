//! The baseline stays calibrated: every target of DESIGN §4 (docs/calibration.md)
//! in its accepted range over 50 replicates. If a change to the model or
//! to worlds/baseline.ron moves a target out of range, this fails with the
//! whole table; re-run `chipban calibrate` and update docs/calibration.md.

#[test]
fn baseline_reproduces_the_documented_record() {
    let world = chipban::baseline();
    let rows = chipban::calibration::calibrate(&world, 50, world.seed, 2).expect("finite runs");
    let table = chipban::calibration::table(&rows, 50);
    assert_eq!(rows.len(), chipban::calibration::TARGETS.len());
    for r in &rows {
        assert_eq!(r.n, 50, "{}: measured in every run\n{table}", r.target.key);
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
