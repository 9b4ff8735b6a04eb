// TEMPORARY (compare charts helper): run baseline vs no_ban through the library.
fn main() {
    let reps: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(50);
    let opts = chipban::sweep::compare::CompareOptions {
        worlds: ["worlds/baseline.ron".into(), "worlds/no_ban.ron".into()],
        replicates: reps,
        out: Some(format!("/tmp/cmp-real-{reps}").into()),
        force: true,
        ..Default::default()
    };
    let t = std::time::Instant::now();
    match chipban::sweep::compare::compare(&opts) {
        Ok((c, out, secs)) => {
            println!("{} in {secs:.1}s ({:?})", out.display(), t.elapsed());
            for v in &c.verdict {
                println!("- {v}");
            }
        }
        Err(e) => println!("error: {e:?}"),
    }
}
