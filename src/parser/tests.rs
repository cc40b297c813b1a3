//! The fast paths held to the slow path inside the crate, where the whole
//! state is at hand: every cut of every spec fixture (up to 8 KiB; the
//! CRLF and CR rewrites up to 2 KiB), runs of `data` lines at every limit,
//! and the bytes held back from tiny chunks. The test kit does the same
//! for every test and fuzz input (`run_fast_and_slow`).

extern crate std;
use std::path::{Path, PathBuf};
use std::vec::Vec;
use std::{format, fs, string::String};

use super::{Parser, Step};
use crate::{Config, Storage};

impl<S: Storage> Parser<S> {
    /// The whole state, as the test kit compares it, once held-back bytes
    /// are parsed (they hand out nothing).
    fn state(&mut self) -> String {
        self.release_held_back(&mut super::NothingExpected);
        format!("{:?}", self.debug_state().unwrap())
    }
}

/// Records what `feed_all` hands out.
struct Lines<'o>(&'o mut Vec<String>);

impl crate::Handler for Lines<'_> {
    fn event(&mut self, event: crate::Event<'_>) {
        self.0.push(format!("{event:?}"));
    }
    fn retry(&mut self, ms: u64) {
        self.0.push(format!("retry {ms}"));
    }
    fn comment(&mut self, text: &[u8], truncated: bool) {
        self.0.push(format!("comment {text:?} {truncated}"));
    }
    fn error(&mut self, error: crate::Error) {
        self.0.push(format!("{error:?}"));
    }
}

/// Feeds all of `input` with `feed`; what came out, in order, as `Lines`
/// writes it.
fn feed<S: Storage>(parser: &mut Parser<S>, mut input: &[u8], out: &mut Vec<String>) {
    loop {
        let (step, used) = parser.feed(input);
        input = &input[used..];
        out.push(match step {
            Ok(Step::NeedInput) => return,
            Ok(Step::Event(event)) => format!("{event:?}"),
            Ok(Step::Retry(ms)) => format!("retry {ms}"),
            Ok(Step::Comment { text, truncated }) => format!("comment {text:?} {truncated}"),
            Err(error) => format!("{error:?}"),
        });
    }
}

/// Feeds `input` cut at `cut` to `fast` (`feed`), `all` (`feed_all`)
/// and `slow` (`feed`, its fast paths off): after each chunk the first
/// two are left exactly as the slow path is (bytes held back to be parsed
/// later are no difference); all three hand out the same things and end
/// the same, in the same state. `what` names the case.
fn compare_at_cut<A: Storage, B: Storage, C: Storage>(
    fast: &mut Parser<A>,
    all: &mut Parser<B>,
    slow: &mut Parser<C>,
    input: &[u8],
    cut: usize,
    what: &str,
) {
    let what = format!("{what}, cut at {cut}");
    let (mut fast_out, mut all_out, mut slow_out) = (Vec::new(), Vec::new(), Vec::new());
    for chunk in [&input[..cut], &input[cut..]] {
        feed(fast, chunk, &mut fast_out);
        all.feed_all(chunk, &mut Lines(&mut all_out));
        feed(slow, chunk, &mut slow_out);
        let slow_state = slow.state();
        assert_eq!(fast.state(), slow_state, "{what}");
        assert_eq!(all.state(), slow_state, "feed_all, {what}");
    }
    assert_eq!(fast_out, slow_out, "{what}");
    assert_eq!(all_out, slow_out, "feed_all, {what}");
    let end = slow.finish();
    assert_eq!((fast.finish(), all.finish()), (end, end), "{what}");
    let slow_state = slow.state();
    assert_eq!(fast.state(), slow_state, "{what}, finished");
    assert_eq!(all.state(), slow_state, "feed_all, {what}, finished");
}

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            fixtures(&path, out);
        } else if path.extension().is_some_and(|e| e == "sse") {
            out.push(path);
        }
    }
}

/// "The fast paths leave the parser exactly as the slow path would",
/// checked: at every prefix of every spec fixture (and of its CRLF and CR
/// rewrites), then after the rest, the whole state is the same. (Feeding
/// every prefix is quadratic: the three fixtures over 8 KiB are left out,
/// and the rewrites of those over 2 KiB.)
#[test]
fn fast_and_slow_paths_leave_the_same_state_at_every_prefix() {
    let mut paths = Vec::new();
    fixtures(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-fixtures"),
        &mut paths,
    );
    if paths.is_empty() {
        std::eprintln!("no spec-fixtures/ (a packaged crate): nothing to compare");
        return;
    }
    let mut compared = 0usize;
    for path in &paths {
        let bytes = fs::read(path).unwrap();
        if bytes.len() > 8 << 10 {
            continue; // The 1 MiB case: its prefixes add nothing but time.
        }
        let mut crlf = Vec::new();
        for &b in &bytes {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        let cr: Vec<u8> = bytes
            .iter()
            .map(|&b| if b == b'\n' { b'\r' } else { b })
            .collect();
        // Every prefix is quadratic: the rewrites of the few cases over
        // 2 KiB (long lines, which the rewrites do not change) are left out.
        let small = bytes.len() <= 2 << 10;
        let all = [bytes.clone(), crlf, cr];
        for input in if small { &all[..] } else { &all[..1] } {
            for comments in [false, true] {
                let config = Config::new().comments(comments).max_event_bytes(1 << 20);
                for cut in 0..=input.len() {
                    let mut fast_storage = std::vec![0u8; 2 * input.len() + 64];
                    let mut slow_storage = std::vec![0u8; 2 * input.len() + 64];
                    let mut all_storage = std::vec![0u8; 2 * input.len() + 64];
                    compare_at_cut(
                        &mut Parser::with_config(&mut fast_storage[..], config.fast_paths(true)),
                        // `feed_all` has a fast path of its own.
                        &mut Parser::with_config(&mut all_storage[..], config.fast_paths(true)),
                        &mut Parser::with_config(&mut slow_storage[..], config.fast_paths(false)),
                        input,
                        cut,
                        &format!("{}", path.display()),
                    );
                    compared += 2;
                }
            }
        }
    }
    assert!(compared > 10_000, "{compared} comparisons");
}

/// The loop over an event's later `data` lines (`more_data_lines`, the
/// Datastar shape) leaves the parser as the slow path would: runs of
/// `data` lines ended by LF, CRLF and CR, with and without the space,
/// empty ones, a line that only looks like one, cut at every byte, with
/// every limit up to past the largest event (so each line in turn is
/// the one that does not fit), in lent and growable storage.
#[test]
fn runs_of_data_lines_leave_the_same_state_as_the_slow_path() {
    let input: &[u8] = b"event: x\ndata: a1\ndata: b22\ndata:c333\r\ndata: \rdata: d4444\n\
        data\ndata: e\rdatum: f\ndata: g\r\n\r\n: c\ndata: h\ndata: i\ndata: j\n\n\
        data: k\ndata: l\ndata: m\r";
    for limit in 0..=40 {
        let config = Config::new()
            .max_event_bytes(limit)
            .on_limit(crate::OnLimit::SkipEvent);
        for cut in 0..=input.len() {
            let mut lent = std::vec![0u8; limit];
            compare_at_cut(
                &mut Parser::with_config(&mut lent[..], config),
                &mut Parser::with_config(Vec::new(), config),
                &mut Parser::with_config(Vec::new(), config.fast_paths(false)),
                input,
                cut,
                &format!("limit {limit}"),
            );
        }
    }
}

/// The same for runs of long `data` lines: around the 128 bytes copied
/// as a block, with more than 128 bytes of input after them or not, and
/// limits that stop the run on either side of each line.
#[test]
fn runs_of_long_data_lines_leave_the_same_state_as_the_slow_path() {
    let mut input = b"event: type\nid: 7\ndata: first\n".to_vec();
    let mut limits = std::vec![0, 1, 20, 140, 400, 1 << 20];
    // What the event holds: its type, ID and data so far.
    let mut held = b"type7first".len();
    for (len, end) in [
        (126, &b"\n"[..]),
        (127, b"\r\n"),
        (128, b"\n"),
        (129, b"\r"),
        (130, b"\n"),
        (200, b"\n"),
        (1, b"\n"),
        (128, b"\r\n"),
        (300, b"\n"),
        (128, b"\n"),
    ] {
        input.extend_from_slice(b"data: ");
        input.extend((0..len).map(|i| b'a' + (i % 26) as u8));
        input.extend_from_slice(end);
        // Around where this line (and its LF in the data) fits.
        held += 1 + len;
        limits.extend(held - 2..=held + 2);
    }
    input.extend_from_slice(b"\ndata: last\n\n");
    for limit in limits {
        let config = Config::new()
            .max_event_bytes(limit)
            .on_limit(crate::OnLimit::SkipEvent);
        for cut in 0..=input.len() {
            let mut lent = std::vec![0u8; limit.min(4096)];
            compare_at_cut(
                &mut Parser::with_config(&mut lent[..], config),
                &mut Parser::with_config(Vec::new(), config),
                &mut Parser::with_config(Vec::new(), config.fast_paths(false)),
                &input,
                cut,
                &format!("limit {limit}"),
            );
        }
    }
}

/// Bytes held back from tiny chunks change nothing: for every spec
/// fixture fed 1, 2, 3, 5 and 15 bytes at a time to `feed_all`, what
/// comes out, how the stream ends and the state after it are what the
/// slow path gives for the whole input. With a limit just above the
/// largest event and a small ID limit too, so the hold-back meets both.
#[test]
fn bytes_held_back_from_tiny_chunks_change_nothing() {
    let mut paths = Vec::new();
    fixtures(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-fixtures"),
        &mut paths,
    );
    for path in &paths {
        let input = fs::read(path).unwrap();
        if input.len() > 64 << 10 {
            continue;
        }
        for limit in [24, 64, 1 << 20] {
            for comments in [false, true] {
                let config = Config::new()
                    .comments(comments)
                    .max_event_bytes(limit)
                    .max_id_bytes(8)
                    .on_limit(crate::OnLimit::SkipEvent);
                let mut slow = Parser::with_config(Vec::new(), config.fast_paths(false));
                let mut slow_out = Vec::new();
                feed(&mut slow, &input, &mut slow_out);
                for size in [1, 2, 3, 5, 15] {
                    let mut tiny = Parser::with_config(Vec::new(), config);
                    let mut tiny_out = Vec::new();
                    for chunk in input.chunks(size) {
                        tiny.feed_all(chunk, &mut Lines(&mut tiny_out));
                    }
                    let what = format!("{} by {size}, limit {limit}", path.display());
                    // `needed` depends on the cuts (a lower bound).
                    let kinds = |out: &[String]| -> Vec<String> {
                        out.iter()
                            .map(|line| match line.split_once(", needed") {
                                Some((kind, _)) => kind.into(),
                                None => line.clone(),
                            })
                            .collect()
                    };
                    assert_eq!(kinds(&tiny_out), kinds(&slow_out), "{what}");
                    let mut slow = Parser::with_config(Vec::new(), config.fast_paths(false));
                    feed(&mut slow, &input, &mut Vec::new());
                    assert_eq!(tiny.finish(), slow.finish(), "{what}");
                    assert_eq!(tiny.state(), slow.state(), "{what}");
                }
            }
        }
    }
}

/// The byte held back that would not fit with the LF a second `data`
/// line adds is parsed at once, so its error is reported in its chunk,
/// not lost at the end of the stream.
#[test]
fn a_held_byte_always_fits_with_its_line_feed() {
    let mut parser = Parser::with_config(Vec::new(), Config::new().max_event_bytes(3));
    let mut out = Vec::new();
    for chunk in [&b"data: ab\ndata:"[..], b"x"] {
        parser.feed_all(chunk, &mut Lines(&mut out));
    }
    assert_eq!(out, ["LimitExceeded { limit: 3, needed: 4 }"]);
    assert!(parser.finish() != crate::StreamEnd::Clean);
}
