//! The public shape: the three storage choices behind one constructor, generic
//! code over them, `finish` in one call, error loops that end, resuming a
//! stream after an error; and one test per adversarial finding of the 1.0
//! review (limits, IDs, comments, the end of a skipped stream).
#![cfg(feature = "alloc")]

use ssewire::{Config, Error, Event, Handler, OnLimit, Parser, Step, Storage, StreamEnd};

/// Generic over every storage, no turbofish: events' data, errors as text.
fn run<S: Storage>(parser: &mut Parser<S>, chunks: &[&[u8]]) -> Vec<String> {
    #[derive(Default)]
    struct Lines(Vec<String>);
    impl Handler for Lines {
        fn event(&mut self, event: Event<'_>) {
            self.0.push(format!(
                "{}: {}",
                event.event_type_lossy(),
                event.data_lossy()
            ));
        }
        fn retry(&mut self, ms: u64) {
            self.0.push(format!("retry {ms}"));
        }
        fn comment(&mut self, text: &[u8], truncated: bool) {
            let cut = if truncated { " (truncated)" } else { "" };
            self.0
                .push(format!("comment {:?}{cut}", String::from_utf8_lossy(text)));
        }
        fn error(&mut self, error: Error) {
            self.0.push(format!("error {error:?}"));
        }
    }
    let mut lines = Lines::default();
    for chunk in chunks {
        parser.feed_all(chunk, &mut lines);
    }
    lines.0
}

const STREAM: &[&[u8]] = &[b"event: a\ndata: 1\n\ndata: 2\r", b"\n\r\ndata: 3\n\n"];

#[test]
fn every_storage_choice_with_one_constructor() {
    let want = ["a: 1", "message: 2", "message: 3"];
    let mut bytes = [0u8; 64];
    assert_eq!(run(&mut Parser::new(Vec::new()), STREAM), want);
    assert_eq!(run(&mut Parser::new([0u8; 64]), STREAM), want);
    assert_eq!(run(&mut Parser::new(&mut bytes[..]), STREAM), want);
    assert_eq!(run(&mut Parser::default(), STREAM), want);
    let config = Config::new().comments(true);
    assert_eq!(Parser::with_config([0u8; 16], config).limit(), 16);
    assert_eq!(Parser::with_config(Vec::new(), config).limit(), 16 << 20);
    assert_eq!(
        Parser::with_config(&mut bytes[..], config.max_event_bytes(8)).limit(),
        8
    );
}

#[test]
fn finish_is_one_call_that_says_how_the_stream_ended() {
    let mut parser = Parser::new(Vec::new());
    assert_eq!(run(&mut parser, &[b"data: 1\n\ndata: 2"]), ["message: 1"]);
    assert_eq!(parser.finish(), StreamEnd::Truncated { discarded: 7 });
    assert_eq!(parser.finish(), StreamEnd::Clean, "a fresh stream");
}

/// The loop a new user writes: log the error, keep feeding. It ends, with
/// each error reported once: by default the oversized event is skipped and
/// the next one comes; with `OnLimit::Stop` the rest is dropped quietly.
#[test]
fn a_loop_that_logs_errors_and_goes_on_ends() {
    for (policy, events) in [(None, 1), (Some(OnLimit::Stop), 0)] {
        let mut config = Config::new().max_event_bytes(4);
        if let Some(policy) = policy {
            config = config.on_limit(policy);
        }
        let mut parser = Parser::with_config(Vec::new(), config);
        let mut input: &[u8] = b"data: too long\n\ndata: ok\n\n";
        let (mut calls, mut errors, mut seen) = (0, Vec::new(), 0);
        loop {
            calls += 1;
            assert!(calls < 10, "the loop spins");
            let (step, used) = parser.feed(input);
            input = &input[used..];
            match step {
                Ok(Step::NeedInput) => break,
                Ok(Step::Event(_)) => seen += 1,
                Ok(_) => {}
                Err(error) => errors.push(error),
            }
        }
        let limit = Error::LimitExceeded {
            limit: 4,
            needed: 8,
        };
        assert_eq!(errors, [limit], "{policy:?}");
        assert_eq!(seen, events, "{policy:?}");
        assert!(input.is_empty(), "{policy:?}: the rest was consumed");
        assert_eq!(parser.is_stopped(), policy.is_some());
        // Later chunks are consumed; a stopped parser hands out nothing.
        assert_eq!(parser.feed(b"data: x\n\n").1, 9);
        assert!(matches!(parser.feed(b"").0, Ok(Step::NeedInput)));
    }
}

#[test]
fn resuming_the_same_stream_after_a_stop_loses_nothing_valid() {
    let config = Config::new().max_event_bytes(8);
    let chunks: [&[u8]; 3] = [
        b"id: 1\ndata: a\n\ndata: 1234",
        b"5678\ndata: more\n\nid: 2\nda",
        b"ta: b\n\n",
    ];
    // Resume right after the error: only the oversized event is lost.
    let mut parser = Parser::with_config(Vec::new(), config);
    let mut out = Vec::new();
    for chunk in chunks {
        let mut input = chunk;
        loop {
            let (step, used) = parser.feed(input);
            input = &input[used..];
            match step {
                Ok(Step::Event(e)) => out.push(format!("{} id={}", e.data_lossy(), e.id_lossy())),
                Ok(Step::NeedInput) => break,
                Ok(_) => {}
                Err(error) => {
                    out.push(format!("{error:?}"));
                    parser.resume();
                }
            }
        }
    }
    assert_eq!(
        out,
        ["a id=1", "LimitExceeded { limit: 8, needed: 9 }", "b id=2"]
    );
    assert_eq!(parser.last_event_id(), b"2");
    // With `feed_all` the parser cannot be resumed between events: going on
    // with the same stream is `OnLimit::SkipEvent`, which gives the same.
    let mut parser = Parser::with_config(Vec::new(), config.on_limit(OnLimit::SkipEvent));
    assert_eq!(
        run(&mut parser, &chunks),
        [
            "message: a",
            "error LimitExceeded { limit: 8, needed: 9 }",
            "message: b"
        ]
    );
    // `reset` is for a new connection, not for this: nothing is skipped, so
    // the dropped event's tail would be read as a new event.
    let mut parser = Parser::with_config(Vec::new(), config);
    let _ = run(&mut parser, &chunks[..1]);
    parser.reset();
    assert_eq!(run(&mut parser, &chunks[1..2]), ["message: more"]);
}

#[test]
fn retries_inside_a_skipped_event_take_effect_as_documented() {
    let config = Config::new()
        .max_event_bytes(8)
        .on_limit(OnLimit::SkipEvent);
    let mut parser = Parser::with_config(Vec::new(), config);
    let out = run(
        &mut parser,
        &[b"retry: 100\ndata: 123456789\nretry: 200\nid: 9\ndata: x\n\ndata: ok\n\n"],
    );
    assert_eq!(
        out,
        [
            "retry 100",
            "error LimitExceeded { limit: 8, needed: 9 }",
            "retry 200",
            "message: ok"
        ]
    );
    assert_eq!(parser.reconnection_time(), Some(200));
    assert_eq!(
        parser.last_event_id(),
        b"",
        "the dropped event's id has no effect"
    );
}

/// The spec and browsers take an ID of any length: by default the event
/// limit bounds it, as it bounds the rest of the event (a 5000-byte ID was
/// refused by a default of 4 KiB of its own).
#[test]
fn an_id_is_bounded_by_its_event_by_default() {
    let id = vec![b'7'; 5000];
    let stream = [b"id: ".as_slice(), &id, b"\ndata: x\n\n"].concat();
    let mut parser = Parser::new(Vec::new());
    assert_eq!(run(&mut parser, &[&stream]), ["message: x"]);
    assert_eq!(parser.last_event_id(), &id[..]);
    // Over the event limit it is refused with it, and the next event comes.
    let mut parser = Parser::with_config(Vec::new(), Config::new().max_event_bytes(4999));
    let out = run(&mut parser, &[&stream, b"data: later\n\n"]);
    assert_eq!(
        out,
        [
            "error LimitExceeded { limit: 4999, needed: 5000 }",
            "message: later"
        ]
    );
    assert_eq!(parser.last_event_id(), b"");
}

/// A stream that loses nothing at its end finishes `Clean`, also after an
/// error dropped an event: the error said so, and `Clean` speaks only of
/// the end of the stream.
#[test]
fn clean_speaks_of_the_end_of_the_stream_only() {
    for policy in [OnLimit::SkipEvent, OnLimit::Stop] {
        let config = Config::new().max_event_bytes(4).on_limit(policy);
        let mut parser = Parser::with_config(Vec::new(), config);
        let out = run(&mut parser, &[b"data: too long\n\n"]);
        assert_eq!(out, ["error LimitExceeded { limit: 4, needed: 8 }"]);
        assert_eq!(parser.finish(), StreamEnd::Clean, "{policy:?}");
    }
}

#[test]
fn one_long_id_does_not_starve_later_events() {
    let long_id = [b"id: ".as_slice(), &[b'i'; 64 << 10], b"\ndata: x\n\n"].concat();
    let mut storage = vec![0u8; 64 << 10];
    let config = Config::new().max_id_bytes(4096);
    let mut parser = Parser::with_config(&mut storage[..], config);
    let out = run(&mut parser, &[&long_id, b"data: later\n\n"]);
    assert_eq!(out, ["error IdTooLong { limit: 4096 }", "message: later"]);
    assert_eq!(parser.last_event_id(), b"");
    // An ID within its limit stays, and takes its share of every event.
    let id = [b"id: ".as_slice(), &[b'i'; 4096], b"\ndata: x\n\n"].concat();
    let out = run(&mut parser, &[&id, b"data: later\n\n"]);
    assert_eq!(out, ["message: x", "message: later"]);
    assert_eq!(parser.last_event_id().len(), 4096);
    assert_eq!(parser.retained_bytes(), 4096);
    parser.reset();
    assert_eq!(
        run(&mut parser, &[b"data: after reset\n\n"]),
        ["message: after reset"]
    );
}

#[test]
fn a_comment_cut_by_a_limit_says_so() {
    let config = Config::new().comments(true).max_event_bytes(0);
    let mut parser = Parser::with_config(Vec::new(), config);
    assert_eq!(
        run(&mut parser, &[b": ping\n:\n"]),
        ["comment \"\" (truncated)", "comment \"\""]
    );
    // Cut by the room the event leaves, below the comment cap.
    let config = Config::new().comments(true).max_event_bytes(6);
    let mut parser = Parser::with_config(Vec::new(), config);
    assert_eq!(
        run(&mut parser, &[b"data: abcd\n: 1234", b"56\n\n"]),
        ["comment \"12\" (truncated)", "message: abcd"]
    );
}

#[test]
fn the_end_of_a_skipped_stream_counts_what_was_dropped() {
    let config = Config::new()
        .max_event_bytes(8)
        .on_limit(OnLimit::SkipEvent);
    let mut parser = Parser::with_config(Vec::new(), config);
    let out = run(&mut parser, &[b"data: ok\n\ndata: 123456789\ndata: more"]);
    assert_eq!(
        out,
        ["message: ok", "error LimitExceeded { limit: 8, needed: 9 }"]
    );
    assert!(
        parser.dispatch_pending().is_none(),
        "nothing to dispatch while skipping"
    );
    assert_eq!(parser.finish(), StreamEnd::Truncated { discarded: 26 });
}

#[test]
fn needed_is_a_lower_bound_that_depends_on_the_chunking() {
    let line = [b"data: ".as_slice(), &[b'x'; 100], b"\n\n"].concat();
    let config = Config::new().max_event_bytes(10);
    for size in [1, 7, 50, line.len()] {
        let mut parser = Parser::with_config(Vec::new(), config);
        let chunks: Vec<&[u8]> = line.chunks(size).collect();
        let out = run(&mut parser, &chunks);
        let Some(needed) = out[0].strip_prefix("error LimitExceeded { limit: 10, needed: ") else {
            panic!("{out:?}");
        };
        let needed: usize = needed.trim_end_matches(" }").parse().unwrap();
        assert!((11..=100).contains(&needed), "chunks of {size}: {needed}");
    }
}

#[test]
fn events_show_their_content_in_debug_and_compare_by_effective_type() {
    let mut parser = Parser::new(Vec::new());
    let (step, _) = parser.feed(b"data: hi\n\n");
    let Ok(Step::Event(event)) = step else {
        panic!()
    };
    assert_eq!(
        format!("{event:?}"),
        r#"Event { event_type: "message", data: "hi", id: "" }"#
    );
    assert_eq!(event, Event::new(b"message", b"hi", b""));
}
