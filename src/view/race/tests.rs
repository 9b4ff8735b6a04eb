//! Tests of the market race: plan, palette, encoding and the whole GIF.

use super::*;

#[test]
fn palette_maps_its_own_colours_to_themselves() {
    let pal = palette();
    assert!(pal.colours.len() <= 256);
    for (i, c) in pal.colours.iter().enumerate() {
        if i as u8 != pal.transparent {
            assert_eq!(pal.index(*c) as usize, i, "{c:?}");
        }
    }
    // every theme colour is in the palette exactly
    for c in PALETTE.iter().chain([TEXT, RULE, OTHERS, GRID].iter()).chain([WHITE].iter()) {
        let i = pal.index([c.0, c.1, c.2]) as usize;
        assert_eq!(pal.colours[i], [c.0, c.1, c.2]);
    }
    // nothing maps to the transparent index
    assert!(pal.lut.iter().all(|&i| i != pal.transparent));
}

#[test]
fn formats() {
    for (musd, want) in [(173.0243, "$173M"), (1.2851, "$1.3M"), (2400.0, "$2.4B")] {
        assert_eq!(money(musd), want);
    }
    for (v, want) in [(2455.01, "2,455"), (980.0, "980"), (2452.5, "2,452")] {
        assert_eq!(grouped(v), want);
    }
}

#[test]
fn changed_rect_covers_exactly_the_changes() {
    let (w, h) = (6, 4);
    let prev = vec![1u8; w * h];
    let mut next = prev.clone();
    next[w + 2] = 3;
    next[2 * w + 4] = 5;
    let f = changed_rect(&prev, &next, w, h, 9);
    assert_eq!((f.left, f.top, f.width, f.height), (2, 1, 3, 2));
    assert_eq!(&f.buffer[..], &[3, 9, 9, 9, 9, 5]);
    let same = changed_rect(&prev, &prev, w, h, 9);
    assert_eq!((same.width, same.height), (1, 1));
}

/// Decode one frame of indices with the gif crate.
fn roundtrip(data: &[u8], min_code_size: u8) -> Vec<u8> {
    let len = data.len().max(1);
    let (w, h) = (len.min(1000), len.div_ceil(1000));
    let mut pixels = data.to_vec();
    pixels.resize(w * h, 0);
    let palette: Vec<u8> = (0..(1usize << min_code_size) * 3).map(|i| i as u8).collect();
    let mut bytes = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut bytes, w as u16, h as u16, &palette).unwrap();
        let buffer = Cow::Owned(Lzw::new().encode(&pixels, min_code_size));
        let frame = gif::Frame { width: w as u16, height: h as u16, buffer, ..Default::default() };
        enc.write_lzw_pre_encoded_frame(&frame).unwrap();
    }
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut dec = opts.read_info(&bytes[..]).unwrap();
    let f = dec.read_next_frame().unwrap().unwrap();
    assert_eq!(f.buffer.len(), w * h);
    assert_eq!(&f.buffer[..], &pixels[..]);
    f.buffer.to_vec()
}

#[test]
fn lzw_round_trips() {
    // runs, noise (forces table clears), every code size
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut noise = |bits: u8| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as u8 & ((1u16 << bits) - 1) as u8
    };
    for bits in [2u8, 3, 5, 7, 8] {
        let mut data: Vec<u8> = (0..300_000).map(|_| noise(bits)).collect();
        for (i, d) in data.iter_mut().enumerate().skip(100_000).take(100_000) {
            *d = ((i / 977) as u8) & (((1u16 << bits) - 1) as u8);
        }
        roundtrip(&data, bits);
        // runs of every length, crossing table clears
        let mut runs = Vec::new();
        while runs.len() < 400_000 {
            let (sym, len) = (noise(bits), noise(8) as usize * noise(4) as usize + 1);
            runs.extend(std::iter::repeat_n(sym, len));
        }
        roundtrip(&runs, bits);
        roundtrip(&data[..1], bits);
        roundtrip(&data[..5000], bits);
    }
    roundtrip(&vec![0; 1_000_000], 8);
}

fn short_baseline_run() -> RunData {
    let dir = tempfile::tempdir().unwrap();
    // long enough for the first acquisitions (month 42 with seed 42),
    // short enough for a quick debug test
    let mut world = crate::baseline();
    world.months = 50;
    let record = crate::run(world, 42);
    crate::record::write_outputs(&record, dir.path(), true).unwrap();
    crate::record::read_output(dir.path()).unwrap()
}

#[test]
fn one_frame_per_month_and_deterministic() {
    let data = short_baseline_run();
    let gif_bytes = market_race_gif(&data).unwrap();
    let threads = if std::thread::available_parallelism().map_or(1, |t| t.get()) > 1 { 1 } else { 3 };
    assert_eq!(gif_bytes, race_gif(&data, threads).unwrap(), "same bytes on {threads} threads");
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut dec = opts.read_info(&gif_bytes[..]).unwrap();
    assert_eq!((dec.width() as u32, dec.height() as u32), (GIF_WIDTH, GIF_HEIGHT));
    // composite the frames as a viewer does and compare some with the
    // frame drawn directly
    let ctx = Ctx::new(&data).unwrap();
    let (w, h) = (GIF_WIDTH as usize, GIF_HEIGHT as usize);
    let (mut rgb, mut direct, mut canvas) = (vec![0u8; w * h * 3], vec![0u8; w * h], vec![0u8; w * h]);
    let n = data.months.len();
    let mut frames = 0;
    let mut delays = Vec::new();
    while let Some(f) = dec.read_next_frame().unwrap() {
        let (fl, ft, fw, fh) = (f.left as usize, f.top as usize, f.width as usize, f.height as usize);
        assert!(fl + fw <= w && ft + fh <= h);
        if frames == 0 {
            assert_eq!((fw, fh), (w, h));
        }
        for y in 0..fh {
            for x in 0..fw {
                let p = f.buffer[y * fw + x];
                if Some(p) != f.transparent {
                    canvas[(ft + y) * w + fl + x] = p;
                }
            }
        }
        if [0, 1, n / 2, n - 1].contains(&frames) {
            ctx.render(frames, &mut rgb, &mut direct).unwrap();
            assert!(canvas == direct, "frame {frames} decodes to what was drawn");
        }
        delays.push(f.delay);
        frames += 1;
    }
    assert_eq!(frames, n);
    assert_eq!(*delays.last().unwrap(), LAST_DELAY_CS);
}

#[test]
fn acquisitions_are_drawn_under_their_buyer() {
    let data = short_baseline_run();
    let plans = plan(&data);
    assert_eq!(plans.len(), data.months.len());
    // The first deal whose target is among the firms drawn (a race shows
    // the biggest firms; a deal among the long tail has no bar).
    let drawn = data.events.iter().filter(|e| e.kind() == EventKind::Acquisition).find_map(|deal| {
        plans[deal.month as usize].rows.iter().enumerate().find_map(|(i, r)| match r {
            Row::Acquired { name, buyer_row, buyer, .. } if *name == deal.target && *buyer == deal.actor => {
                Some((deal, i, *buyer_row))
            }
            _ => None,
        })
    });
    let (deal, i, buyer_row) = drawn.expect("some bought firm is drawn in its deal month");
    let p = &plans[deal.month as usize];
    assert!(buyer_row < i);
    assert!(matches!(&p.rows[buyer_row], Row::Firm { name, merged, .. }
        if *name == deal.actor && merged.iter().any(|(m, _)| *m == deal.target)));
    assert!(p.banner_now);
    assert_eq!(p.banner.as_ref().unwrap().kind, Some(EventKind::Acquisition));
    // the month before, the bought firm is not shown as bought
    let before = &plans[deal.month as usize - 1];
    assert!(!before.rows.iter().any(|r| matches!(r, Row::Acquired { .. })) || deal.month == 0);
}
