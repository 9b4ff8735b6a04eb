//! Write `market_race.gif` for an output folder (development aid):
//! `cargo run --release --example race -- OUTDIR [FRAME...]`. With frame
//! numbers, also writes those frames as `race-frame-N.png` (decoded from the
//! GIF) into OUTDIR.
fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: race OUTDIR [FRAME...]"));
    let data = chipban::record::read_output(&dir).expect("read output folder");
    let t = std::time::Instant::now();
    let gif = chipban::view::race::market_race_gif(&data).expect("render market_race.gif");
    let took = t.elapsed();
    let path = dir.join("market_race.gif");
    std::fs::write(&path, &gif).expect("write market_race.gif");
    eprintln!(
        "{}: {} bytes, {} frames, {:.0} ms",
        path.display(),
        gif.len(),
        data.months.len(),
        took.as_secs_f64() * 1e3
    );
    let wanted: Vec<usize> = args.map(|a| a.parse().expect("frame number")).collect();
    if wanted.is_empty() {
        return;
    }
    // decode and composite the frames to RGBA, as a viewer would
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut dec = opts.read_info(&gif[..]).expect("decode");
    let (w, h) = (dec.width() as usize, dec.height() as usize);
    let pal = dec.global_palette().expect("global palette").to_vec();
    let mut canvas = vec![255u8; w * h * 3];
    let mut i = 0;
    while let Some(f) = dec.read_next_frame().expect("frame") {
        for y in 0..f.height as usize {
            for x in 0..f.width as usize {
                let p = f.buffer[y * f.width as usize + x];
                if Some(p) == f.transparent {
                    continue;
                }
                let o = ((f.top as usize + y) * w + f.left as usize + x) * 3;
                canvas[o..o + 3].copy_from_slice(&pal[p as usize * 3..p as usize * 3 + 3]);
            }
        }
        if wanted.contains(&i) {
            let png = chipban::view::theme::encode_png(&canvas, w as u32, h as u32).expect("png");
            let out = dir.join(format!("race-frame-{i}.png"));
            std::fs::write(&out, png).expect("write png");
            eprintln!("{}", out.display());
        }
        i += 1;
    }
}
