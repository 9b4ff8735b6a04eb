//! Re-render the charts, GIF and report of an output folder (development
//! aid; the same as `chipban chart OUTDIR`).
fn main() {
    let dir = std::env::args().nth(1).expect("usage: charts OUTDIR");
    let opts = chipban::commands::chart::ChartOptions { outdir: dir.into() };
    chipban::commands::chart::execute(&opts).expect("charts");
}
