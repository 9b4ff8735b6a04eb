//! Encoding the frames as a GIF: the one fixed palette with its lookup cube,
//! the LZW coder and the changed-rectangle frames. Draws nothing.

use super::*;

// ---------------------------------------------------------------- encoding

/// The fixed GIF palette and its lookup cube.
pub(super) struct Palette {
    pub(super) colours: Vec<[u8; 3]>,
    /// 32×32×32 cube (5 bits per channel) → palette index.
    pub(super) lut: Vec<u8>,
    /// Index of the transparent colour (no pixel maps to it).
    pub(super) transparent: u8,
}

pub(super) fn cell(c: [u8; 3]) -> usize {
    ((c[0] as usize >> 3) << 10) | ((c[1] as usize >> 3) << 5) | (c[2] as usize >> 3)
}

impl Palette {
    pub(super) fn build() -> Self {
        let rgb = |c: RGBColor| [c.0, c.1, c.2];
        let mut colours: Vec<[u8; 3]> = Vec::new();
        let mut owner: Vec<Option<u8>> = vec![None; 32 * 32 * 32];
        let mut add = |c: [u8; 3], colours: &mut Vec<[u8; 3]>| {
            let k = cell(c);
            if owner[k].is_none() && colours.len() < 255 {
                owner[k] = Some(colours.len() as u8);
                colours.push(c);
            }
        };
        // exact colours first, then their blends towards white (the shades
        // anti-aliased text and stripes make on white), then greys
        let mut bases: Vec<RGBColor> = PALETTE.to_vec();
        bases.extend([RULE, PHASE, OTHERS, GRID, GREY, BANNER_BG, TEXT]);
        add([255, 255, 255], &mut colours);
        for &b in &bases {
            add(rgb(b), &mut colours);
        }
        for &b in PALETTE.iter().chain([RULE, PHASE].iter()) {
            for t in [0.5, 0.12, 0.25, 0.38, 0.65, 0.78, 0.9] {
                add(rgb(tint(b, 1.0 - t)), &mut colours);
            }
        }
        for v in (0..=248).step_by(8) {
            let v = v as u8 + 4;
            add([v, v, v], &mut colours);
        }
        for &b in [TEXT, GREY].iter() {
            for t in [0.2, 0.4, 0.6, 0.8] {
                add(rgb(tint(b, 1.0 - t)), &mut colours);
            }
        }
        let lut = (0..32 * 32 * 32)
            .map(|k: usize| {
                if let Some(i) = owner[k] {
                    return i;
                }
                let centre = [
                    ((k >> 10) << 3 | 4) as i32,
                    (((k >> 5) & 31) << 3 | 4) as i32,
                    ((k & 31) << 3 | 4) as i32,
                ];
                let mut best = (i32::MAX, 0u8);
                for (i, c) in colours.iter().enumerate() {
                    let d = (0..3).map(|j| (c[j] as i32 - centre[j]).pow(2)).sum::<i32>();
                    if d < best.0 {
                        best = (d, i as u8);
                    }
                }
                best.1
            })
            .collect();
        let transparent = colours.len() as u8;
        colours.push([255, 0, 255]);
        Palette { colours, lut, transparent }
    }

    /// The palette as `r g b r g b …` for the GIF header.
    pub(super) fn flat(&self) -> Vec<u8> {
        self.colours.iter().flatten().copied().collect()
    }

    /// The LZW minimum code size for this palette (bits per index, ≥ 2).
    pub(super) fn min_code_size(&self) -> u8 {
        let mut bits = 2;
        while (1usize << bits) < self.colours.len() {
            bits += 1;
        }
        bits
    }

    /// The palette index of one colour.
    #[cfg(test)]
    pub(super) fn index(&self, c: [u8; 3]) -> u8 {
        self.lut[cell(c)]
    }

    /// Map an RGB buffer to palette indices.
    pub(super) fn map(&self, rgb: &[u8], out: &mut [u8]) {
        for (o, p) in out.iter_mut().zip(rgb.chunks_exact(3)) {
            *o = self.lut[((p[0] as usize >> 3) << 10) | ((p[1] as usize >> 3) << 5) | (p[2] as usize >> 3)];
        }
    }
}

pub(super) fn palette() -> &'static Palette {
    static P: OnceLock<Palette> = OnceLock::new();
    P.get_or_init(Palette::build)
}

/// A GIF LZW compressor (the classic `compress`-style encoder with a
/// variable code size of up to 12 bits, a clear code when the table is
/// full). The string table is a small open-addressing hash table that stays
/// in the CPU cache, and runs of one index (most of a frame is transparent
/// or white) are skipped at one compare per pixel. It writes the same codes
/// as byte-by-byte LZW, about three times faster than the `gif` crate's own
/// compressor, which matters at 37 million pixels per animation.
pub(super) struct Lzw {
    /// `(code << 8 | byte) + 1` of each string in the table, 0 if the slot is free.
    pub(super) keys: Vec<u32>,
    /// The code of the string in the same slot.
    pub(super) codes: Vec<u16>,
    /// `runs[b]`: the codes of the strings bb, bbb, … (b repeated).
    pub(super) runs: Vec<Vec<u16>>,
    /// The `b` of each entry of `runs` (to clear them).
    pub(super) run_used: Vec<u8>,
}

/// Slots of the hash table (a power of two, twice the 4096 codes).
pub(super) const LZW_SLOTS: usize = 8192;

impl Lzw {
    pub(super) fn new() -> Self {
        Lzw {
            keys: vec![0; LZW_SLOTS],
            codes: vec![0; LZW_SLOTS],
            runs: vec![Vec::new(); 256],
            run_used: Vec::new(),
        }
    }

    pub(super) fn reset(&mut self) {
        self.keys.fill(0);
        for &b in &self.run_used {
            self.runs[b as usize].clear();
        }
        self.run_used.clear();
    }

    /// The slot of `key`: where it is, or the free slot where it would go.
    #[inline]
    pub(super) fn slot(&self, key: u32) -> usize {
        let mut i = (key.wrapping_mul(0x9E37_79B1) >> 19) as usize;
        loop {
            let k = self.keys[i];
            if k == key || k == 0 {
                return i;
            }
            i = (i + 1) & (LZW_SLOTS - 1);
        }
    }

    /// Compress palette indices (each below `2^min_code_size`) into what
    /// `Encoder::write_lzw_pre_encoded_frame` expects: the minimum code size,
    /// then the code stream.
    pub(super) fn encode(&mut self, data: &[u8], min_code_size: u8) -> Vec<u8> {
        let clear = 1u32 << min_code_size;
        let eoi = clear + 1;
        let init_bits = min_code_size as u32 + 1;
        let mut out = Vec::with_capacity(data.len() / 8 + 64);
        out.push(min_code_size);
        let mut acc = 0u64;
        let mut acc_bits = 0u32;
        let mut bits = init_bits;
        let mut max_code = (1u32 << bits) - 1;
        let mut next = eoi + 1;
        let mut cleared = true;
        // write a code, then widen the codes once the next one to be
        // assigned no longer fits (or narrow them again after a clear)
        let mut emit = |code: u32, next: u32, cleared: &mut bool, out: &mut Vec<u8>| {
            acc |= (code as u64) << acc_bits;
            acc_bits += bits;
            while acc_bits >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                acc_bits -= 8;
            }
            if *cleared {
                bits = init_bits;
                max_code = (1 << bits) - 1;
                *cleared = false;
            } else if next > max_code {
                bits += 1;
                max_code = if bits == 12 { 4096 } else { (1 << bits) - 1 };
            }
        };
        // give the new string the next code (`$add` files it) while codes
        // are left, else clear the table and start again
        macro_rules! next_code {
            ($add:block) => {
                if next < 4096 {
                    $add
                    next += 1;
                } else {
                    self.reset();
                    next = eoi + 1;
                    cleared = true;
                    emit(clear, next, &mut cleared, &mut out);
                }
            };
        }
        self.reset();
        emit(clear, next, &mut cleared, &mut out);
        let n = data.len();
        let mut i = 0;
        while i < n {
            // A string starts at `i`. If a run of one index starts here, jump
            // over it: greedy matching through a run only ever meets the
            // strings b, bb, bbb… (kept in `runs[b]`, never in the hash
            // table, as no other lookup can ask for them), so this gives the
            // same codes as matching byte by byte, at one compare per byte.
            let b = data[i] as usize;
            let mut left = 1 + data[i + 1..].iter().take_while(|&&x| x as usize == b).count();
            i += left;
            let mut cur = loop {
                let known = self.runs[b].len() + 1; // b, bb, … up to this length
                let code = |len: usize| if len == 1 { b as u32 } else { self.runs[b][len - 2] as u32 };
                if left <= known {
                    break code(left);
                }
                emit(code(known), next, &mut cleared, &mut out);
                left -= known;
                next_code!({
                    self.runs[b].push(next as u16);
                    self.run_used.push(b as u8);
                });
            };
            // then match byte by byte until the string ends
            loop {
                let Some(&c) = data.get(i) else {
                    emit(cur, next, &mut cleared, &mut out);
                    break;
                };
                let key = (cur << 8 | c as u32) + 1;
                let slot = self.slot(key);
                if self.keys[slot] == key {
                    cur = self.codes[slot] as u32;
                    i += 1;
                    continue;
                }
                emit(cur, next, &mut cleared, &mut out);
                next_code!({
                    self.keys[slot] = key;
                    self.codes[slot] = next as u16;
                });
                break;
            }
        }
        emit(eoi, next, &mut cleared, &mut out);
        if acc_bits > 0 {
            out.push(acc as u8);
        }
        out
    }
}

/// The part of `next` that differs from `prev`, as a frame with the
/// unchanged pixels inside it transparent (a 1×1 transparent frame if none
/// changed).
pub(super) fn changed_rect(
    prev: &[u8],
    next: &[u8],
    w: usize,
    h: usize,
    transparent: u8,
) -> gif::Frame<'static> {
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        let (a, b) = (&prev[y * w..(y + 1) * w], &next[y * w..(y + 1) * w]);
        if a == b {
            continue;
        }
        let first = a.iter().zip(b).position(|(p, q)| p != q).unwrap_or(0);
        let last = w - 1 - a.iter().rev().zip(b.iter().rev()).position(|(p, q)| p != q).unwrap_or(0);
        x0 = x0.min(first);
        x1 = x1.max(last);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return gif::Frame {
            width: 1,
            height: 1,
            transparent: Some(transparent),
            buffer: Cow::Owned(vec![transparent]),
            ..gif::Frame::default()
        };
    }
    let (fw, fh) = (x1 - x0 + 1, y1 - y0 + 1);
    let mut buf = Vec::with_capacity(fw * fh);
    for y in y0..=y1 {
        let (a, b) = (&prev[y * w + x0..=y * w + x1], &next[y * w + x0..=y * w + x1]);
        buf.extend(a.iter().zip(b).map(|(&p, &q)| if p == q { transparent } else { q }));
    }
    gif::Frame {
        left: x0 as u16,
        top: y0 as u16,
        width: fw as u16,
        height: fh as u16,
        transparent: Some(transparent),
        buffer: Cow::Owned(buf),
        ..gif::Frame::default()
    }
}
