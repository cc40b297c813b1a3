//! The seed corpus, made in memory from `spec-fixtures/**/*.sse`, inline seeds
//! and variants of both. One source for two users: `examples/fuzz_corpus.rs`
//! writes it to `fuzz/corpus/<target>/` for `cargo fuzz`, and
//! `tests/fuzz_replay.rs` runs it through the checks on stable. Deterministic:
//! the same fixtures give the same files. Uses `std` only.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Seeds are cut to this length (the campaign runs with `-max_len=4096`).
pub const MAX_SEED: usize = 4096;
/// Fixtures above this size are left out.
pub const MAX_FIXTURE: u64 = 64 << 10;

/// The fuzz targets, as named in `fuzz/Cargo.toml`.
pub const TARGETS: [&str; 6] = [
    "one_shot",
    "chunked",
    "differential",
    "limits",
    "text",
    "layers",
];

/// The adapters' fuzz targets (feature `adapters`): `chunked`'s input
/// format, so `chunked`'s seeds.
pub const ADAPTER_TARGETS: [&str; 7] = [
    "adapter_reader",
    "adapter_stream",
    "adapter_bytes",
    "adapter_body",
    "adapter_codec",
    "adapter_async_read",
    "adapter_embedded",
];

/// Inline seeds: the shapes of B.7 in `research/users-reliability.md`, so the
/// corpus is useful even without the fixtures.
pub const INLINE: &[&[u8]] = &[
    b"",
    b"data: hello\n\n",
    b"data: a\ndata: b\n\n",
    b"data\n\ndata\ndata\n\ndata:\n",
    b"event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\n",
    b"id: 1\ndata: x\n\nid\ndata: y\n\n",
    b"id: a\0b\ndata: x\n\nid: 7\n\n",
    b"retry: 3000\n\nretry: +5\nretry: 1e3\nretry:  7\nretry\n",
    b"retry: 18446744073709551615\nretry: 18446744073709551616\n",
    b": keep-alive\n\n:\n: \xE2\x80\xA8\n\n",
    b"data: one\r\ndata: two\r\n\r\n",
    b"data: one\rdata: two\r\r",
    b"\r\r\r\n\n\r\n\r",
    b"\xEF\xBB\xBFdata: bom\n\n",
    b"\xEF\xBB\xBF\xEF\xBB\xBFdata: two boms\n\n",
    b"\xEF\xBBdata: partial bom\n\n",
    b"data: \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n\n",
    b"data: \xFF\xFE\xE2\x82\n\nevent: \xC3\n\ndata: ok\n\nid: \x80\ndata: z\n\n",
    b"data: \x00nul\x00\n\n",
    b"data: line\xE2\x80\xA8sep\xC2\x85nel\n\n",
    b"data:no-space\n\ndata:  two spaces\n\n",
    b"DATA: upper\nData: mixed\ndatum: x\nevent\ndata\n\n",
    b"data: [DONE]\n\n",
    b"data: unterminated",
    b"data: no blank line\n",
    b"event: only a type\n\n",
    b"id: 42\n\n",
    b": comment without end",
    b"verylongfieldname: value\ndata: x\n\n",
    b"event: a\nevent: b\ndata: c\n\n",
    b"data: \n\ndata:\n\n",
    b"\n\n\n\ndata: x\n\n\n\n",
];

/// Every `*.sse` file under `dir` (sorted, at most [`MAX_FIXTURE`] bytes).
/// A missing directory gives none.
pub fn fixtures(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut paths = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "sse") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= MAX_FIXTURE))
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)))
        .collect()
}

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every line end made CRLF.
fn to_crlf(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + s.len() / 8);
    for (i, &b) in s.iter().enumerate() {
        match b {
            b'\n' if i == 0 || s[i - 1] != b'\r' => out.extend_from_slice(b"\r\n"),
            _ => out.push(b),
        }
    }
    out
}

/// Every line end made a lone CR.
fn to_cr(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for (i, &b) in s.iter().enumerate() {
        match b {
            b'\n' if i > 0 && s[i - 1] == b'\r' => {}
            b'\n' => out.push(b'\r'),
            _ => out.push(b),
        }
    }
    out
}

/// Streams shaped like real ones: LLM token streams, keep-alives, named
/// events with IDs, reconnection hints; mixed line ends.
pub fn real_world(count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(0x5EED);
    let words: &[&str] = &[
        "Hello",
        " world",
        "!",
        " The",
        " quick",
        " caf\u{e9}",
        " \u{1F600}",
        "\\n",
        " \\\"q\\\"",
        " 42",
        "\u{2028}",
        " \u{85}",
    ];
    (0..count)
        .map(|n| {
            let mut s = String::new();
            let end = *rng.pick(&["\n", "\r\n", "\r"]);
            if rng.below(4) == 0 {
                s.push_str(&format!("retry: {}{end}", rng.below(10_000)));
            }
            let events = 1 + rng.below(12);
            for i in 0..events {
                if rng.below(5) == 0 {
                    s.push_str(&format!(":{end}{end}"));
                }
                let word = rng.pick(words);
                match n % 4 {
                    0 => s.push_str(&format!(
                        "data: {{\"id\":\"chatcmpl-{n}\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{word}\"}}}}]}}{end}{end}"
                    )),
                    1 => s.push_str(&format!(
                        "event: content_block_delta{end}data: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{word}\"}}}}{end}{end}"
                    )),
                    2 => s.push_str(&format!(
                        "event: datastar-patch-elements{end}id: {n}-{i}{end}data: elements <div id=\"x\">{word}</div>{end}data: elements <p>{i}</p>{end}{end}"
                    )),
                    _ => s.push_str(&format!("id: {i}{end}event: update{end}data: {word}{end}{end}")),
                }
            }
            match n % 4 {
                0 => s.push_str(&format!("data: [DONE]{end}{end}")),
                1 => s.push_str(&format!("event: message_stop{end}data: {{\"type\":\"message_stop\"}}{end}{end}")),
                _ => {}
            }
            if rng.below(3) == 0 {
                // A dropped connection: cut somewhere in the last event.
                let cut = s.len() - rng.below(s.len().min(20) + 1);
                let mut bytes = s.into_bytes();
                bytes.truncate(cut);
                return bytes;
            }
            s.into_bytes()
        })
        .collect()
}

/// The streams every target starts from: the inline seeds, the fixtures (each
/// as is and in one variant: CRLF, CR, with a BOM, cut short, or followed by
/// the next fixture) and real-world-shaped streams. Each at most
/// [`MAX_SEED`] bytes, no duplicates.
pub fn streams(fixtures: &[(PathBuf, Vec<u8>)]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = INLINE.iter().map(|s| s.to_vec()).collect();
    out.extend(INLINE.iter().map(|s| to_crlf(s)));
    let mut rng = Rng::new(0xF1C5);
    for (i, (_, bytes)) in fixtures.iter().enumerate() {
        out.push(bytes.clone());
        let variant = match i % 5 {
            0 => to_crlf(bytes),
            1 => to_cr(bytes),
            2 => [b"\xEF\xBB\xBF", &bytes[..]].concat(),
            3 => bytes[..rng.below(bytes.len() + 1)].to_vec(),
            _ => {
                let next = &fixtures[(i + 1) % fixtures.len()].1;
                [&bytes[..], next].concat()
            }
        };
        out.push(variant);
    }
    out.extend(real_world(60));
    for s in &mut out {
        s.truncate(MAX_SEED);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

/// Chunk schedules for `chunked` and `limits` (see `checks.rs`):
/// byte by byte, empty chunks between bytes, small and odd sizes.
pub const SCHEDULES: &[&[u8]] = &[
    &[],
    &[1, 0],
    &[2],
    &[3],
    &[7],
    &[1, 2, 3],
    &[64],
    &[5, 0, 13],
    &[255, 1],
    &[17, 4, 0, 9, 1],
];

/// `[n] [len; n % 16] stream` with `n / 16 == selector` (see `checks.rs`).
pub fn with_schedule(selector: u8, schedule: &[u8], stream: &[u8]) -> Vec<u8> {
    let mut out = vec![schedule.len() as u8 | selector << 4];
    out.extend_from_slice(schedule);
    out.extend_from_slice(stream);
    out
}

/// The seed inputs of one target, headers included.
pub fn seeds(target: &str, streams: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(0x11D175);
    let target = if ADAPTER_TARGETS.contains(&target) {
        "chunked"
    } else {
        target
    };
    match target {
        "chunked" => streams
            .iter()
            .enumerate()
            .map(|(i, s)| with_schedule((i % 16) as u8, SCHEDULES[i % SCHEDULES.len()], s))
            .collect(),
        "limits" => streams
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let limit = *rng.pick(&[0u8, 1, 3, 8, 16, 24, 40, 64, 100, 160, 255]);
                // Bit 0 SkipEvent, bit 1 comments, bit 2 limit x16, bits 3-4
                // which lent storage, bits 5-7 how much more of it.
                let x16 = if i % 7 == 0 { 4 } else { 0 };
                let flags = (i % 4) as u8 | x16 | ((i / 4 % 4) as u8) << 3 | ((i % 5) as u8) << 5;
                let mut out = vec![limit, flags];
                // Selector bit 0: the ID limit is half the event limit.
                out.extend(with_schedule(
                    (i % 3 == 0) as u8,
                    SCHEDULES[i % SCHEDULES.len()],
                    s,
                ));
                out
            })
            .collect(),
        _ => streams.to_vec(),
    }
}
