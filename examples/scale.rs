//! One run of a generated world of N firms (500 investors, 120 months), for
//! counting instructions per firm-month with valgrind (see README,
//! Benchmarks): `cargo build --release --example scale`, then
//! `valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/scale 10000`.

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let firms: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let world = common::scaled_world(firms, 500, 120);
    let record = chipban::run(world, 42);
    let firm_months: u64 = record.months.iter().map(|m| m.independent_firms as u64).sum();
    println!("{firms} firms: {firm_months} firm-months, {} events", record.events.len());
}
