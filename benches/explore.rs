//! The explorer's answer to a changed control, server side: `POST /api/run`
//! runs the world and its twin without the export rules (two threads) and
//! serialises both as the page's JSON. Issue 13 asks for a slider change
//! answered in 200 ms for the baseline in the browser; tests/explore.rs
//! measures that end to end, this bench the part the server owns.
//!
//! Run with `cargo bench --bench explore`. Target (release, 2 cores):
//! * `explore_run_json_baseline`: median well under 200 ms (the page then
//!   parses the JSON and redraws its SVG charts);
//! * `explore_run_json_classroom`: the teaching world, for comparison.

use chipban::commands::explore::{ExploreOptions, Explorer, Settings};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn answer(c: &mut Criterion, world: &str, name: &str) {
    let opts = ExploreOptions { world: Some(PathBuf::from(world)), ..Default::default() };
    let explorer = Explorer::load(&opts, 0).expect("the shipped world loads");
    // a moved slider: the domestic supply doubled, the undercut raised
    let mut settings = Settings::default();
    settings.controls.insert("domestic".into(), 2.0);
    settings.controls.insert("undercut".into(), 0.5);
    let (status, body) = explorer.run_json(&settings);
    assert_eq!(status, 200);
    assert!(body.contains("\"ok\":true"), "{}", &body[..body.len().min(300)]);
    eprintln!("[setup] {name}: {} bytes of JSON an answer", body.len());
    c.bench_function(name, |b| b.iter(|| black_box(explorer.run_json(black_box(&settings)))));
}

fn explore(c: &mut Criterion) {
    answer(c, "baseline", "explore_run_json_baseline");
    answer(c, "classroom", "explore_run_json_classroom");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(8));
    targets = explore
}
criterion_main!(benches);
