//! Deterministic benchmark corpora for `text/event-stream` parsers.
//!
//! Shared by ssewire's own benches and by the comparison crate in `benches/compare/`:
//! include it with `#[path = "..."] mod corpus;`. Only `std`, no randomness from outside:
//! every corpus comes from a xorshift64* generator with a fixed seed, so the same bytes
//! and the same expected results come out on every machine.
//!
//! Each corpus knows what a correct parser must report, computed while it is generated
//! (never by parsing it): the number of dispatched events and a checksum of their data.
//!
//! Checksum: for each dispatched event, `fnv1a64(data) + len(data)` (wrapping); the
//! corpus checksum is the wrapping sum of that over all events. `data` is the event's
//! data as the spec defines it: its `data` lines joined with LF, no trailing LF.
//! [`Checksum`] computes it incrementally, so a parser that hands out data in pieces
//! can be checked without gathering them. [`Expected`] also has the total data length,
//! cheap enough to check inside a timed loop.

/// Size of each full corpus.
pub const FULL_LEN: usize = 8 << 20;
/// Size of the prefix used where a full corpus would be too slow (1-byte chunks).
pub const PREFIX_LEN: usize = 1 << 20;

/// The corpora, by the name used in benchmark group names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Chat-completion chunks, `data: {json}` + blank line, LF line ends, then `[DONE]`.
    Llm,
    /// The same as `Llm` with CRLF line ends.
    LlmCrlf,
    /// Datastar `patch-elements` events: event type, id, 20-200 `data:` lines each.
    Datastar,
    /// Single `data:` lines of 256 KiB to 1 MiB.
    Big,
    /// Mostly `: ping` comments, a few short events, one `retry:` block.
    Heartbeat,
    /// `data: x` + blank line, over and over.
    Tiny,
}

/// Every corpus, in report order.
pub const KINDS: [Kind; 6] = [
    Kind::Llm,
    Kind::LlmCrlf,
    Kind::Datastar,
    Kind::Big,
    Kind::Heartbeat,
    Kind::Tiny,
];

impl Kind {
    /// The name used in benchmark group names (`<corpus>/<chunking>`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Llm => "llm",
            Kind::LlmCrlf => "llm-crlf",
            Kind::Datastar => "datastar",
            Kind::Big => "big",
            Kind::Heartbeat => "heartbeat",
            Kind::Tiny => "tiny",
        }
    }

    /// Generates this corpus, whole events only, at most `max_len` bytes (but always at
    /// least one event). With the same kind, a smaller `max_len` gives the same events
    /// from the start (for `llm`, plus the final `[DONE]`).
    pub fn generate(self, max_len: usize) -> Corpus {
        let mut g = Gen::new(self, max_len);
        match self {
            Kind::Llm => llm(&mut g, b"\n"),
            Kind::LlmCrlf => llm(&mut g, b"\r\n"),
            Kind::Datastar => datastar(&mut g),
            Kind::Big => big(&mut g),
            Kind::Heartbeat => heartbeat(&mut g),
            Kind::Tiny => tiny(&mut g),
        }
        g.finish()
    }

    /// The full corpus (about [`FULL_LEN`] bytes).
    pub fn full(self) -> Corpus {
        self.generate(FULL_LEN)
    }

    /// The prefix corpus (about [`PREFIX_LEN`] bytes), cut at an event boundary.
    pub fn prefix(self) -> Corpus {
        self.generate(PREFIX_LEN)
    }
}

/// One generated corpus and what a correct parser reports for it.
pub struct Corpus {
    pub kind: Kind,
    pub bytes: Vec<u8>,
    pub expected: Expected,
}

/// What a correct parser reports: dispatched events, the data checksum, and the sum of
/// the data lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Expected {
    pub events: u64,
    pub checksum: u64,
    pub data_bytes: u64,
}

/// How the input is cut before it is given to a parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunking {
    /// Used in benchmark group names.
    pub name: &'static str,
    pub cut: Cut,
}

/// Where chunks end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// Every this many bytes; `usize::MAX` for the whole input at once.
    Size(usize),
    /// After every blank line (LF LF, CR CR, CRLF CRLF or a mix): one chunk per
    /// event, as a server that flushes each event (an LLM API, Datastar) sends it.
    PerEvent,
}

/// The chunkings, in report order: whole input, 64 KiB reads, one Ethernet TCP
/// segment's payload, one event per chunk, a small odd size that cuts
/// everything, one byte at a time.
pub const CHUNKINGS: [Chunking; 6] = [
    Chunking {
        name: "whole",
        cut: Cut::Size(usize::MAX),
    },
    Chunking {
        name: "64KiB",
        cut: Cut::Size(64 * 1024),
    },
    Chunking {
        name: "1460B",
        cut: Cut::Size(1460),
    },
    Chunking {
        name: "event",
        cut: Cut::PerEvent,
    },
    Chunking {
        name: "61B",
        cut: Cut::Size(61),
    },
    Chunking {
        name: "1B",
        cut: Cut::Size(1),
    },
];

impl Chunking {
    /// One byte per call is run on the 1 MiB prefix only.
    pub fn uses_prefix(self) -> bool {
        self.cut == Cut::Size(1)
    }

    /// Whether the input is given in one piece.
    pub fn is_whole(self) -> bool {
        self.cut == Cut::Size(usize::MAX)
    }

    /// The corpus this chunking is run on: the full one, or the prefix for 1-byte chunks.
    pub fn corpus(self, kind: Kind) -> Corpus {
        if self.uses_prefix() {
            kind.prefix()
        } else {
            kind.full()
        }
    }
}

/// `input` cut as `chunking` says (the last chunk may be shorter; an empty
/// input gives no chunk). Made once, before timing.
pub fn chunks(input: &[u8], chunking: Chunking) -> Vec<&[u8]> {
    match chunking.cut {
        Cut::Size(size) => input.chunks(size).collect(),
        Cut::PerEvent => {
            let mut out = Vec::new();
            let mut start = 0;
            for end in blank_line_ends(input) {
                out.push(&input[start..end]);
                start = end;
            }
            if start < input.len() {
                out.push(&input[start..]);
            }
            out
        }
    }
}

/// The offset just after each blank line's line end (a CRLF counted whole).
fn blank_line_ends(input: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let (mut pos, mut line_start) = (0, 0);
    while pos < input.len() {
        match input[pos] {
            b'\r' | b'\n' => {
                let crlf = input[pos] == b'\r' && input.get(pos + 1) == Some(&b'\n');
                let next = pos + 1 + usize::from(crlf);
                if pos == line_start {
                    ends.push(next);
                }
                pos = next;
                line_start = next;
            }
            _ => pos += 1,
        }
    }
    ends
}

/// Incremental form of the corpus checksum (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct Checksum {
    events: u64,
    sum: u64,
    data_bytes: u64,
    hash: u64,
    len: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Default for Checksum {
    fn default() -> Self {
        Checksum {
            events: 0,
            sum: 0,
            data_bytes: 0,
            hash: FNV_OFFSET,
            len: 0,
        }
    }
}

impl Checksum {
    /// Adds the next piece of the current event's data.
    pub fn data(&mut self, piece: &[u8]) {
        let mut hash = self.hash;
        for &b in piece {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
        self.hash = hash;
        self.len += piece.len() as u64;
    }

    /// The event whose data was given is dispatched.
    pub fn dispatch(&mut self) {
        self.events += 1;
        self.sum = self.sum.wrapping_add(self.hash.wrapping_add(self.len));
        self.data_bytes += self.len;
        self.hash = FNV_OFFSET;
        self.len = 0;
    }

    /// One whole event.
    pub fn event(&mut self, data: &[u8]) {
        self.data(data);
        self.dispatch();
    }

    /// Events and checksum so far (data given since the last dispatch is not counted).
    pub fn expected(&self) -> Expected {
        Expected {
            events: self.events,
            checksum: self.sum,
            data_bytes: self.data_bytes,
        }
    }
}

/// xorshift64*: small, fast, and good enough for varying sizes and contents.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `lo..=hi` (modulo bias is irrelevant here).
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }
}

/// Collects blocks until the size budget is spent.
struct Gen {
    kind: Kind,
    out: Vec<u8>,
    max_len: usize,
    sum: Checksum,
    rng: Rng,
}

impl Gen {
    fn new(kind: Kind, max_len: usize) -> Gen {
        let seed = 0x5eed_0000_0000_0001 ^ ((kind as u64 + 1) << 32);
        Gen {
            kind,
            out: Vec::with_capacity(max_len),
            max_len,
            sum: Checksum::default(),
            rng: Rng(seed),
        }
    }

    /// Whether `n` more bytes fit, keeping `reserve` bytes free.
    fn fits(&self, n: usize, reserve: usize) -> bool {
        self.out.is_empty() || self.out.len() + n + reserve <= self.max_len
    }

    /// Appends a block; `data` is the event data it dispatches, `None` if it dispatches
    /// nothing (comments, `retry`).
    fn block(&mut self, block: &[u8], data: Option<&[u8]>) {
        self.out.extend_from_slice(block);
        if let Some(data) = data {
            self.sum.event(data);
        }
    }

    fn finish(self) -> Corpus {
        Corpus {
            kind: self.kind,
            bytes: self.out,
            expected: self.sum.expected(),
        }
    }
}

const WORDS: &[&str] = &[
    " the",
    " a",
    " parser",
    " stream",
    " event",
    " token",
    "ing",
    "ed",
    ",",
    ".",
    " Rust",
    " is",
    " of",
    " and",
    " to",
    " in",
    " that",
    " buffer",
    " line",
    "\\n",
    "\\n\\n",
    " \\\"",
    " caf\u{e9}",
    " na\u{ef}ve",
    " \u{2014}",
    " \u{6771}\u{4eac}",
    " \u{1f600}",
    "**",
    " `fn`",
];

/// Chat-completion chunks, 170-200 bytes of JSON each, then `[DONE]`.
fn llm(g: &mut Gen, eol: &[u8]) {
    const DONE: &[u8] = b"[DONE]";
    let done_len = b"data: ".len() + DONE.len() + 2 * eol.len();
    let alnum = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut id = String::new();
    let mut chunks_left = 0;
    let mut created = 1_731_312_345u64;
    let mut block = Vec::new();
    loop {
        if chunks_left == 0 {
            // A new response: new completion id, a few hundred chunks.
            id = (0..29).map(|_| char::from(*g.rng.pick(alnum))).collect();
            chunks_left = g.rng.range(100, 600);
            created += g.rng.range(1, 30) as u64;
        }
        chunks_left -= 1;
        let head = format!(
            "{{\"id\":\"chatcmpl-{id}\",\"object\":\"chat.completion.chunk\",\"created\":{created},\
             \"model\":\"gpt-4o-mini\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\""
        );
        let tail = "\"},\"finish_reason\":null}]}";
        let target = g.rng.range(170, 200);
        let room = target.saturating_sub(head.len() + tail.len()).max(1);
        let mut content = String::new();
        while content.len() < room {
            let word = *g.rng.pick(WORDS);
            if content.len() + word.len() <= room {
                content.push_str(word);
            } else {
                content.push(char::from(*g.rng.pick(alnum)));
            }
        }
        let json = format!("{head}{content}{tail}");
        block.clear();
        block.extend_from_slice(b"data: ");
        block.extend_from_slice(json.as_bytes());
        block.extend_from_slice(eol);
        block.extend_from_slice(eol);
        if !g.fits(block.len(), done_len) {
            break;
        }
        g.block(&block, Some(json.as_bytes()));
    }
    block.clear();
    block.extend_from_slice(b"data: ");
    block.extend_from_slice(DONE);
    block.extend_from_slice(eol);
    block.extend_from_slice(eol);
    g.block(&block, Some(DONE));
}

/// Datastar `datastar-patch-elements` events with 20-200 `data: elements ...` lines.
fn datastar(g: &mut Gen) {
    let classes = [
        "row",
        "row odd",
        "card",
        "card selected",
        "item muted",
        "cell",
    ];
    let texts = [
        "Hello",
        "42 items",
        "Updated 3s ago",
        "Tom & Jerry",
        "\u{2713} done",
        "Lorem ipsum dolor sit amet",
    ];
    let mut block = Vec::new();
    let mut data = Vec::new();
    for n in 1u64.. {
        block.clear();
        data.clear();
        block.extend_from_slice(format!("event: datastar-patch-elements\nid: {n}\n").as_bytes());
        for k in 0..g.rng.range(20, 200) {
            let line = format!(
                "elements <div id=\"item-{n}-{k}\" class=\"{}\">{}</div>",
                g.rng.pick(&classes),
                g.rng.pick(&texts)
            );
            block.extend_from_slice(b"data: ");
            block.extend_from_slice(line.as_bytes());
            block.push(b'\n');
            if k > 0 {
                data.push(b'\n');
            }
            data.extend_from_slice(line.as_bytes());
        }
        block.push(b'\n');
        if !g.fits(block.len(), 0) {
            break;
        }
        g.block(&block, Some(&data));
    }
}

/// One `data:` line of 256 KiB to 1 MiB per event.
fn big(g: &mut Gen) {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut block = Vec::new();
    loop {
        let len = g.rng.range(256 << 10, 1 << 20);
        if !g.fits(len + 8, 0) {
            break;
        }
        block.clear();
        block.extend_from_slice(b"data: ");
        while block.len() < 6 + len {
            // 8 characters per random number: this is most of the generation time.
            let mut x = g.rng.next();
            for _ in 0..8.min(6 + len - block.len()) {
                block.push(alphabet[(x & 63) as usize]);
                x >>= 6;
            }
        }
        block.extend_from_slice(b"\n\n");
        let data = block[6..6 + len].to_vec();
        g.block(&block, Some(&data));
    }
}

/// Keep-alive comments with a few short events; one `retry` block near the start.
fn heartbeat(g: &mut Gen) {
    g.block(b": connected\n\nretry: 3000\n\n", None);
    for seq in 0u64.. {
        let roll = g.rng.range(0, 99);
        let (block, data) = match roll {
            0..=59 => (b": ping\n".to_vec(), None),
            60..=79 => (b": ping\n\n".to_vec(), None),
            80..=89 => (b":\n".to_vec(), None),
            _ => {
                let data = format!("{{\"seq\":{seq},\"status\":\"ok\"}}");
                (
                    format!("event: tick\ndata: {data}\n\n").into_bytes(),
                    Some(data.into_bytes()),
                )
            }
        };
        if !g.fits(block.len(), 0) {
            break;
        }
        g.block(&block, data.as_deref());
    }
}

/// `data: x` + blank line.
fn tiny(g: &mut Gen) {
    while g.fits(9, 0) {
        g.block(b"data: x\n\n", Some(b"x"));
    }
}

#[cfg(test)]
mod tests {
    use super::{chunks, Chunking, Cut};

    #[test]
    fn per_event_chunks_end_after_each_blank_line() {
        let per_event = Chunking {
            name: "event",
            cut: Cut::PerEvent,
        };
        let input = b"data: a\n\ndata: b\r\n\r\n: c\r\rdata: d\n\r\ndata: e";
        assert_eq!(
            chunks(input, per_event),
            [
                &b"data: a\n\n"[..],
                b"data: b\r\n\r\n",
                b": c\r\r",
                b"data: d\n\r\n",
                b"data: e"
            ]
        );
    }
}
