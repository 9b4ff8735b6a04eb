//! Re-render the charts, GIF and report of an output folder (development
//! aid; the same as `chipban chart OUTDIR`).
fn main() {
    let dir = std::env::args().nth(1).expect("usage: charts OUTDIR");
    chipban::commands::chart(std::path::Path::new(&dir)).expect("charts");
}
