//! The one driver: runs a stream through a layer of ssewire under a chunking,
//! checking each layer's calling contract on every call, and records what
//! came out as a [`Trace`] that tests, fuzz checks and the reference model
//! compare.

use ssewire::{
    Config, Error, Event, Field, Handler, Parser, Piece, Step, Storage, StreamEnd, Token, Tokenizer,
};

use crate::reference::{EndKind, Ev, Outcome};

/// Comments are cut to this by default.
pub const MAX_COMMENT: usize = Config::DEFAULT_MAX_COMMENT_BYTES;
/// Size of the array the [`Layer::Array`] parser owns.
pub const ARRAY: usize = 9 << 10;
/// Spare lent storage beyond the input length: enough that neither an event
/// nor a comment (cut at `MAX_COMMENT`) can reach the limit.
pub const SPARE: usize = MAX_COMMENT + 64;

/// How to cut the input into chunks. After the last chunk every run also feeds
/// an empty chunk (which is not the end of the stream).
#[derive(Clone, Copy, Debug)]
pub enum Cuts<'a> {
    /// One chunk.
    Whole,
    /// These chunk lengths in turn, over and over; 0 is an empty chunk. No
    /// lengths, or only zeros: one byte at a time (between the empty chunks).
    Cycle(&'a [u8]),
    /// These chunk lengths once, then the rest in one chunk.
    Lead(&'a [u8]),
    /// Cut at these offsets (sorted; a repeat is an empty chunk), then the rest.
    At(&'a [usize]),
}

/// The `(start, end)` of each chunk.
pub fn chunk_bounds(len: usize, cuts: Cuts<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    match cuts {
        Cuts::Whole => out.push((0, len)),
        Cuts::Cycle(lens) => {
            let mut zeros = 0;
            let mut i = 0;
            while start < len {
                let mut size = usize::from(lens.get(i % lens.len().max(1)).copied().unwrap_or(1));
                i += 1;
                if size == 0 {
                    zeros += 1;
                    if zeros > lens.len() {
                        size = 1;
                        zeros = 0;
                    }
                } else {
                    zeros = 0;
                }
                let end = (start + size).min(len);
                out.push((start, end));
                start = end;
            }
        }
        Cuts::Lead(lens) => {
            for &l in lens {
                let end = (start + usize::from(l)).min(len);
                out.push((start, end));
                start = end;
            }
            out.push((start, len));
        }
        Cuts::At(offsets) => {
            for &cut in offsets {
                let end = cut.clamp(start, len);
                out.push((start, end));
                start = end;
            }
            out.push((start, len));
        }
    }
    out.push((len, len));
    out
}

/// The standard chunkings of a stream of `len` bytes, as cut offsets: whole,
/// every split in two, byte by byte, and byte by byte with an empty chunk
/// between bytes.
pub fn chunkings(len: usize) -> Vec<Vec<usize>> {
    let mut all = vec![vec![]];
    all.extend((0..=len).map(|i| vec![i]));
    all.push((1..len).collect());
    all.push((0..=len).flat_map(|i| [i, i]).collect());
    all
}

/// Splits `[n] [len; n % 16] stream` into `n / 16`, the lengths and the stream.
pub fn schedule(input: &[u8]) -> (u8, &[u8], &[u8]) {
    match input.split_first() {
        Some((&n, rest)) => {
            let (lens, stream) = rest.split_at(usize::from(n % 16).min(rest.len()));
            (n / 16, lens, stream)
        }
        None => (0, &[], &[]),
    }
}

/// Something a parser handed out, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `event_type` as `Event::event_type` gives it (`message` by default).
    Event {
        event_type: Vec<u8>,
        data: Vec<u8>,
        id: Vec<u8>,
    },
    Retry(u64),
    /// A comment and whether it came marked as truncated.
    Comment(Vec<u8>, bool),
    Error(Error),
}

impl Item {
    pub fn event(event: &Event<'_>) -> Self {
        Item::Event {
            event_type: event.event_type().to_vec(),
            data: event.data().to_vec(),
            id: event.id().to_vec(),
        }
    }
}

/// All a run produced, to compare runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    pub items: Vec<Item>,
    pub end: StreamEnd,
    /// `last_event_id()` after `finish`.
    pub last_event_id: Vec<u8>,
    /// `reconnection_time()` after `finish`.
    pub reconnection_time: Option<u64>,
    /// Bytes consumed by `feed`, all calls together.
    pub consumed: usize,
}

impl Trace {
    /// The trace as the reference model states its results (text, lossy).
    /// Errors panic: the model has none.
    pub fn outcome(&self) -> Outcome {
        let mut out = Outcome {
            events: Vec::new(),
            retries: Vec::new(),
            last_event_id: lossy(&self.last_event_id),
            end: EndKind::Clean,
            discarded: 0,
            comments: Vec::new(),
        };
        for item in &self.items {
            match item {
                Item::Event {
                    event_type,
                    data,
                    id,
                } => out.events.push(Ev {
                    event_type: lossy(event_type),
                    data: lossy(data),
                    id: lossy(id),
                }),
                Item::Retry(ms) => out.retries.push(*ms),
                Item::Comment(text, _) => out.comments.push(lossy(text)),
                Item::Error(error) => panic!("unexpected error {error:?}"),
            }
        }
        (out.end, out.discarded) = match self.end {
            StreamEnd::Clean => (EndKind::Clean, 0),
            StreamEnd::Truncated { discarded } => (EndKind::Incomplete, discarded),
            other => panic!("an unknown end {other:?}"),
        };
        out
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A trace plus where in the stream each item came out (the consumed count
/// after the call that returned it), which depends on the chunking.
#[derive(Clone, Debug)]
pub struct Run {
    pub trace: Trace,
    pub offsets: Vec<usize>,
}

/// The layers, for the checks that run them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// Tokens assembled into events by [`assemble`].
    Tokenizer,
    /// Lent storage big enough for the stream, driven with `feed`.
    Lent,
    /// A `[u8; ARRAY]` the parser owns (skipped for streams that might not
    /// fit), driven with `feed`.
    Array,
    /// A growable `Vec`, driven with `feed`.
    Growable,
    /// A growable `Vec`, driven with `feed_all`.
    GrowableAll,
    /// The tokenizer with its fast paths off (the slow path, the reference
    /// for every fast one).
    SlowTokenizer,
    /// A growable `Vec` with every fast path off, driven with `feed`.
    Slow,
    /// A growable `Vec` with every fast path off, driven with `feed_all`.
    SlowAll,
}

/// Every layer (the growable ones need ssewire's `alloc`).
pub const LAYERS: &[Layer] = &[
    Layer::Tokenizer,
    Layer::Lent,
    Layer::Array,
    #[cfg(feature = "alloc")]
    Layer::Growable,
    #[cfg(feature = "alloc")]
    Layer::GrowableAll,
    Layer::SlowTokenizer,
    #[cfg(feature = "alloc")]
    Layer::Slow,
    #[cfg(feature = "alloc")]
    Layer::SlowAll,
];

/// What the driver does at the end of the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtEof {
    /// `finish` only: the spec's discard.
    Discard,
    /// `dispatch_pending`, then `finish`.
    Dispatch,
}

/// Runs `input` through `layer`; `None` when the layer does not apply. The
/// tokenizer takes only the comment setting from `config`.
pub fn run_layer(
    layer: Layer,
    input: &[u8],
    cuts: Cuts<'_>,
    config: Config,
    at_eof: AtEof,
) -> Option<Run> {
    Some(match layer {
        Layer::Tokenizer | Layer::SlowTokenizer => {
            if at_eof == AtEof::Dispatch {
                return None;
            }
            let comments = config.comments(true) == config;
            let fast = layer == Layer::Tokenizer;
            let (lines, end) = run_tokenizer_with(input, cuts, comments, fast);
            Run {
                trace: assemble(&lines, end, input.len()),
                offsets: Vec::new(),
            }
        }
        Layer::Lent => {
            let mut storage = vec![0u8; input.len() + SPARE];
            let mut parser = Parser::with_config(&mut storage[..], config);
            run_parser(&mut parser, input, cuts, at_eof)
        }
        Layer::Array => {
            if input.len() + SPARE > ARRAY {
                return None;
            }
            let mut parser = Box::new(Parser::with_config([0u8; ARRAY], config));
            run_parser(&mut parser, input, cuts, at_eof)
        }
        #[cfg(feature = "alloc")]
        Layer::Growable => run_parser(
            &mut Parser::with_config(Vec::new(), config),
            input,
            cuts,
            at_eof,
        ),
        #[cfg(feature = "alloc")]
        Layer::GrowableAll => Run {
            trace: run_parser_all(
                &mut Parser::with_config(Vec::new(), config),
                input,
                cuts,
                at_eof,
            ),
            offsets: Vec::new(),
        },
        #[cfg(feature = "alloc")]
        Layer::Slow => run_parser(
            &mut Parser::with_config(Vec::new(), config.fast_paths(false)),
            input,
            cuts,
            at_eof,
        ),
        #[cfg(feature = "alloc")]
        Layer::SlowAll => Run {
            trace: run_parser_all(
                &mut Parser::with_config(Vec::new(), config.fast_paths(false)),
                input,
                cuts,
                at_eof,
            ),
            offsets: Vec::new(),
        },
        #[cfg(not(feature = "alloc"))]
        Layer::Growable | Layer::GrowableAll | Layer::Slow | Layer::SlowAll => return None,
    })
}

fn item_of(step: Step<'_>) -> Option<Item> {
    Some(match step {
        Step::Event(event) => Item::event(&event),
        Step::Retry(ms) => Item::Retry(ms),
        Step::Comment { text, truncated } => Item::Comment(text.to_vec(), truncated),
        _ => return None, // `NeedInput`
    })
}

/// Feeds `input` cut at `cuts` with `feed`, then ends the stream, checking
/// the calling contract on every call:
/// - `consumed <= input`; `NeedInput` only once the chunk is used up; every
///   other result consumed something;
/// - a stopped parser consumes each chunk whole, and nothing comes out;
/// - a limit error names `limit()` and needs more than it; `retained_bytes()`
///   never exceeds `limit()`; `Retry` updates `reconnection_time()`;
/// - the consumed counts add up to the input;
/// - `finish` leaves a fresh parser that retains only the last event ID and
///   finishes `Clean`.
pub fn run_parser<S: Storage>(
    parser: &mut Parser<S>,
    input: &[u8],
    cuts: Cuts<'_>,
    at_eof: AtEof,
) -> Run {
    let limit = parser.limit();
    let mut items = Vec::new();
    let mut offsets = Vec::new();
    let mut consumed = 0;
    for (start, end) in chunk_bounds(input.len(), cuts) {
        let mut pos = start;
        loop {
            let rest = &input[pos..end];
            let was_stopped = parser.is_stopped();
            let (step, used) = parser.feed(rest);
            assert!(used <= rest.len(), "consumed {used} of {}", rest.len());
            let result = step.map(item_of);
            pos += used;
            consumed += used;
            assert!(parser.retained_bytes() <= limit, "retained above the limit");
            if was_stopped {
                match result {
                    Ok(None) => assert_eq!(pos, end, "a stopped parser left input"),
                    other => panic!("a stopped parser gave {other:?}"),
                }
                break;
            }
            match result {
                Ok(None) => {
                    assert_eq!(pos, end, "NeedInput with input left");
                    break;
                }
                Ok(Some(item)) => {
                    assert!(used > 0, "{item:?} consumed nothing");
                    if let Item::Retry(ms) = item {
                        assert_eq!(parser.reconnection_time(), Some(ms));
                    }
                    items.push(item);
                    offsets.push(consumed);
                }
                Err(error) => {
                    assert!(used > 0, "{error:?} consumed nothing");
                    if let Error::LimitExceeded { limit: l, needed } = error {
                        assert_eq!(l, limit, "the error names another limit");
                        assert!(needed > limit, "{needed} bytes fit in {limit}");
                    }
                    items.push(Item::Error(error));
                    offsets.push(consumed);
                }
            }
        }
    }
    assert_eq!(consumed, input.len(), "consumed counts do not add up");
    if at_eof == AtEof::Dispatch {
        match parser.dispatch_pending() {
            Some(Ok(event)) => items.push(Item::event(&event)),
            Some(Err(error)) => items.push(Item::Error(error)),
            None => {}
        }
        offsets.push(consumed);
        assert!(
            parser.dispatch_pending().is_none(),
            "dispatch_pending twice"
        );
    }
    let end = parser.finish();
    finished(parser, items, end, consumed, offsets, at_eof)
}

/// After `finish`: checks that only the last event ID is retained, that the
/// reconnection time is the last `retry` handed out (or, after
/// `dispatch_pending`, one from the unfinished line, which is not handed out)
/// and that the parser is fresh, and makes the run.
fn finished<S: Storage>(
    parser: &mut Parser<S>,
    items: Vec<Item>,
    end: StreamEnd,
    consumed: usize,
    offsets: Vec<usize>,
    at_eof: AtEof,
) -> Run {
    let last_event_id = parser.last_event_id().to_vec();
    assert_eq!(
        parser.retained_bytes(),
        last_event_id.len(),
        "after finish only the last event ID is retained"
    );
    let reconnection_time = parser.reconnection_time();
    let last_retry = items.iter().rev().find_map(|i| match i {
        Item::Retry(ms) => Some(*ms),
        _ => None,
    });
    match at_eof {
        AtEof::Discard => assert_eq!(reconnection_time, last_retry, "reconnection time"),
        AtEof::Dispatch => assert!(
            last_retry.is_none() || reconnection_time.is_some(),
            "reconnection time lost"
        ),
    }
    assert!(!parser.is_stopped(), "stopped after finish");
    assert_eq!(parser.finish(), StreamEnd::Clean, "finish after finish");
    Run {
        trace: Trace {
            items,
            end,
            last_event_id,
            reconnection_time,
            consumed,
        },
        offsets,
    }
}

/// A [`Handler`] that records items.
#[derive(Default)]
pub struct Recorder {
    pub items: Vec<Item>,
}

impl Handler for Recorder {
    fn event(&mut self, event: Event<'_>) {
        self.items.push(Item::event(&event));
    }

    fn retry(&mut self, ms: u64) {
        self.items.push(Item::Retry(ms));
    }

    fn comment(&mut self, text: &[u8], truncated: bool) {
        self.items.push(Item::Comment(text.to_vec(), truncated));
    }

    fn error(&mut self, error: Error) {
        self.items.push(Item::Error(error));
    }
}

/// Feeds `input` cut at `cuts` with `feed_all`, then ends the stream. The
/// trace equals [`run_parser`]'s.
pub fn run_parser_all<S: Storage>(
    parser: &mut Parser<S>,
    input: &[u8],
    cuts: Cuts<'_>,
    at_eof: AtEof,
) -> Trace {
    let mut recorder = Recorder::default();
    for (start, end) in chunk_bounds(input.len(), cuts) {
        parser.feed_all(&input[start..end], &mut recorder);
        assert!(parser.retained_bytes() <= parser.limit());
    }
    if at_eof == AtEof::Dispatch {
        match parser.dispatch_pending() {
            Some(Ok(event)) => recorder.items.push(Item::event(&event)),
            Some(Err(error)) => recorder.items.push(Item::Error(error)),
            None => {}
        }
    }
    let end = parser.finish();
    let items = recorder.items;
    let offsets = Vec::new();
    finished(parser, items, end, input.len(), offsets, at_eof).trace
}

/// One line as the tokenizer reported it, its value pieces joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Value(Field, Vec<u8>),
    IgnoredId,
    Retry(u64),
    Blank,
}

/// Feeds the tokenizer, checking its contract: progress on every non-empty
/// input, `NeedInput` only at the end of a chunk, `ValuePart` pieces
/// non-empty and of one field, `whole` exactly when no piece came first, no
/// NUL in an ID value, comments only when asked for, `finish` equal to
/// `end_status` and resetting.
pub fn run_tokenizer(input: &[u8], cuts: Cuts<'_>, comments: bool) -> (Vec<Line>, StreamEnd) {
    run_tokenizer_with(input, cuts, comments, true)
}

/// [`run_tokenizer`] with the fast paths on or off.
pub fn run_tokenizer_with(
    input: &[u8],
    cuts: Cuts<'_>,
    comments: bool,
    fast: bool,
) -> (Vec<Line>, StreamEnd) {
    let mut tokenizer = Tokenizer::new().comments(comments).fast_paths(fast);
    let mut lines = Vec::new();
    let mut pending: Option<(Field, Vec<u8>)> = None;
    let mut consumed = 0;
    for (start, end) in chunk_bounds(input.len(), cuts) {
        let mut pos = start;
        loop {
            let rest = &input[pos..end];
            let (token, used) = tokenizer.feed(rest);
            assert!(used <= rest.len(), "consumed {used} of {}", rest.len());
            if rest.is_empty() {
                assert_eq!(token, Token::NeedInput);
            } else {
                assert!(used > 0, "{token:?} consumed nothing");
            }
            pos += used;
            consumed += used;
            match token {
                Token::NeedInput => {
                    assert_eq!(pos, end, "NeedInput with input left");
                    break;
                }
                Token::Value {
                    field,
                    piece: Piece::Part(bytes),
                } => {
                    assert!(!bytes.is_empty(), "an empty Part");
                    assert!(comments || field != Field::Comment);
                    match &mut pending {
                        Some((f, value)) => {
                            assert_eq!(*f, field, "Part pieces of two fields");
                            value.extend_from_slice(bytes);
                        }
                        None => pending = Some((field, bytes.to_vec())),
                    }
                }
                Token::Value { field, piece } => {
                    assert!(comments || field != Field::Comment);
                    let value = match pending.take() {
                        Some((f, mut value)) => {
                            assert_eq!(f, field, "the last piece of another field");
                            assert!(
                                matches!(piece, Piece::Last(_)),
                                "{piece:?} after Part pieces"
                            );
                            value.extend_from_slice(piece.bytes());
                            value
                        }
                        None => {
                            assert!(
                                matches!(piece, Piece::Whole(_)),
                                "{piece:?} without Part pieces"
                            );
                            piece.bytes().to_vec()
                        }
                    };
                    assert!(field != Field::Id || !value.contains(&0), "an ID with NUL");
                    lines.push(Line::Value(field, value));
                }
                Token::IgnoredId => {
                    if let Some((f, _)) = pending.take() {
                        assert_eq!(f, Field::Id, "IgnoredId after pieces of {f:?}");
                    }
                    lines.push(Line::IgnoredId);
                }
                Token::Retry(ms) => {
                    assert!(pending.is_none(), "Retry inside a value");
                    lines.push(Line::Retry(ms));
                }
                Token::BlankLine => {
                    assert!(pending.is_none(), "BlankLine inside a value");
                    lines.push(Line::Blank);
                }
                other => panic!("an unknown token {other:?}"),
            }
            if pending.is_some() {
                assert!(tokenizer.is_mid_line(), "a value pending, not mid-line");
            }
        }
    }
    assert_eq!(consumed, input.len(), "consumed counts do not add up");
    let status = tokenizer.end_status();
    let end = tokenizer.finish();
    assert_eq!(end, status, "finish vs end_status");
    assert_eq!(tokenizer.finish(), StreamEnd::Clean, "finish resets");
    (lines, end)
}

/// The spec's interpretation of tokenizer lines, written independently of the
/// parser, with plain `Vec`s; comments cut as the parser cuts them.
pub fn assemble(lines: &[Line], end: StreamEnd, consumed: usize) -> Trace {
    let mut items = Vec::new();
    let (mut data, mut event_type, mut id, mut committed) = (vec![], vec![], vec![], vec![]);
    let mut has_data = false;
    let mut reconnection_time = None;
    for line in lines {
        match line {
            Line::Value(Field::Data, value) => {
                if has_data {
                    data.push(b'\n');
                }
                data.extend_from_slice(value);
                has_data = true;
            }
            Line::Value(Field::Event, value) => event_type.clone_from(value),
            Line::Value(Field::Id, value) => id.clone_from(value),
            Line::Value(Field::Comment, value) => {
                let cut = value.len() > MAX_COMMENT;
                items.push(Item::Comment(
                    value[..value.len().min(MAX_COMMENT)].to_vec(),
                    cut,
                ));
            }
            Line::IgnoredId => {}
            Line::Retry(ms) => {
                items.push(Item::Retry(*ms));
                reconnection_time = Some(*ms);
            }
            Line::Blank => {
                committed.clone_from(&id);
                if has_data {
                    items.push(Item::event(&Event::new(&event_type, &data, &id)));
                }
                data.clear();
                event_type.clear();
                has_data = false;
            }
        }
    }
    Trace {
        items,
        end,
        last_event_id: committed,
        reconnection_time,
        consumed,
    }
}

/// Runs one layer, cut at `cuts`, with the default settings but `comments`,
/// and states the result as the model does (`None`: the layer does not apply
/// to this input). Panics on an error.
pub fn run_outcome(layer: Layer, input: &[u8], cuts: &[usize], comments: bool) -> Option<Outcome> {
    let config = Config::new().comments(comments);
    run_layer(layer, input, Cuts::At(cuts), config, AtEof::Discard).map(|run| run.trace.outcome())
}

/// Runs `input` through every layer under every standard chunking, with and
/// without comments, and asserts each result equals the model's. Returns the
/// model's outcome for further checks.
pub fn check(input: &[u8]) -> Outcome {
    let expected = crate::reference::parse(input);
    let no_comments = Outcome {
        comments: Vec::new(),
        ..expected.clone()
    };
    for cuts in chunkings(input.len()) {
        for &layer in LAYERS {
            for (comments, want) in [(true, &expected), (false, &no_comments)] {
                let Some(got) = run_outcome(layer, input, &cuts, comments) else {
                    continue;
                };
                assert_eq!(
                    &got, want,
                    "{layer:?}, comments {comments}, cuts {cuts:?}, input {input:?}"
                );
            }
        }
    }
    expected
}

/// An event, for expectations.
pub fn ev(event_type: &str, data: &str, id: &str) -> Ev {
    Ev {
        event_type: event_type.to_string(),
        data: data.to_string(),
        id: id.to_string(),
    }
}

/// Feeds one chunk to `parser` (with `feed_all` when `all`, else `feed` until
/// it needs input), recording what came out.
#[cfg(feature = "alloc")]
fn feed_chunk<S: Storage>(parser: &mut Parser<S>, chunk: &[u8], all: bool, out: &mut Recorder) {
    if all {
        parser.feed_all(chunk, out);
        return;
    }
    let mut rest = chunk;
    loop {
        let (step, used) = parser.feed(rest);
        rest = &rest[used..];
        match step {
            Ok(Step::NeedInput) => return,
            Ok(Step::Event(event)) => out.event(event),
            Ok(Step::Retry(ms)) => out.retry(ms),
            Ok(Step::Comment { text, truncated }) => out.comment(text, truncated),
            Ok(other) => panic!("an unknown step {other:?}"),
            Err(error) => out.error(error),
        }
    }
}

/// The fast paths held to the slow path: feeds `input` cut at `cuts` to a
/// growable parser with `config` and to one with every fast path off (with
/// `feed_all` when `all`, else `feed`), and after every chunk checks that
/// both handed out the same items and are in the same state (whenever the
/// fast one holds no bytes back), then that they end the same. Returns what
/// came out.
#[cfg(feature = "alloc")]
pub fn run_fast_and_slow(
    input: &[u8],
    cuts: Cuts<'_>,
    config: Config,
    all: bool,
    at_eof: AtEof,
) -> Trace {
    let mut fast = Parser::with_config(Vec::new(), config.fast_paths(true));
    let mut slow = Parser::with_config(Vec::new(), config.fast_paths(false));
    let (mut fast_out, mut slow_out) = (Recorder::default(), Recorder::default());
    // The state holds the stored bytes: compared after every chunk of a
    // short stream, after about a thousand chunks spread over a long one,
    // so that the check stays linear.
    let bounds = chunk_bounds(input.len(), cuts);
    let stride = bounds.len() / 1024 + 1;
    for (i, &(start, end)) in bounds.iter().enumerate() {
        let chunk = &input[start..end];
        feed_chunk(&mut fast, chunk, all, &mut fast_out);
        feed_chunk(&mut slow, chunk, all, &mut slow_out);
        if i % stride != 0 {
            continue;
        }
        let slow_state = format!("{:?}", slow.debug_state().expect("nothing held back"));
        if let Some(state) = fast.debug_state() {
            assert_eq!(format!("{state:?}"), slow_state, "state after {end} bytes");
        }
        assert_eq!(
            fast_out.items.len(),
            slow_out.items.len(),
            "items after {end} bytes"
        );
    }
    let mut ends = Vec::new();
    for (parser, out) in [(&mut fast, &mut fast_out), (&mut slow, &mut slow_out)] {
        if at_eof == AtEof::Dispatch {
            match parser.dispatch_pending() {
                Some(Ok(event)) => out.items.push(Item::event(&event)),
                Some(Err(error)) => out.items.push(Item::Error(error)),
                None => {}
            }
        }
        ends.push(parser.finish());
    }
    assert_eq!(fast_out.items, slow_out.items, "items at the end");
    assert_eq!(ends[0], ends[1], "how the stream ended");
    let states =
        [&mut fast, &mut slow].map(|p| format!("{:?}", p.debug_state().expect("finished")));
    assert_eq!(states[0], states[1], "state after finish");
    Trace {
        items: slow_out.items,
        end: ends[1],
        last_event_id: slow.last_event_id().to_vec(),
        reconnection_time: slow.reconnection_time(),
        consumed: input.len(),
    }
}
