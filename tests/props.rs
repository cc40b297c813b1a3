//! Property tests: for SSE-shaped inputs and any chunking, every layer agrees
//! with the reference model; with limits, every layer gives the unlimited
//! result or the limit error, never retaining more than the limit.

use proptest::prelude::*;
use ssewire::{Config, Error, OnLimit, Parser, Storage};
use ssewire_testkit::drive::{run_outcome, run_parser, AtEof, Cuts, Item, Trace, LAYERS};
use ssewire_testkit::reference::{self, EndKind};

#[macro_use]
mod regressions;
mod common;
use common::stream_and_cuts;

proptest! {
    #![proptest_config(regressions_config!(2000, "props"))]

    #[test]
    fn every_layer_matches_the_model((input, cuts) in stream_and_cuts(), comments: bool) {
        let mut expected = reference::parse(&input);
        if !comments {
            expected.comments.clear();
        }
        for &layer in LAYERS {
            if let Some(got) = run_outcome(layer, &input, &cuts, comments) {
                prop_assert_eq!(&got, &expected, "{:?}", layer);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_match_the_model(input in prop::collection::vec(any::<u8>(), 0..200), cut in 0usize..200) {
        let expected = reference::parse(&input);
        for &layer in LAYERS {
            if let Some(got) = run_outcome(layer, &input, &[cut], true) {
                prop_assert_eq!(&got, &expected, "{:?}", layer);
            }
        }
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn limits_give_the_result_or_the_error(
        (input, cuts) in stream_and_cuts(),
        limit in 0usize..120,
        skip: bool,
    ) {
        let unlimited = reference::parse(&input);
        let policy = if skip { OnLimit::SkipEvent } else { OnLimit::Stop };
        let config = Config::new().max_event_bytes(limit).on_limit(policy);

        let growable = check_limited(&mut Parser::with_config(Vec::new(), config), &input, &cuts, &unlimited, limit)?;
        // Lent storage of exactly `limit` bytes, default config otherwise.
        let mut storage = vec![0u8; limit];
        let lent = check_limited(
            &mut Parser::with_config(&mut storage[..], Config::new().on_limit(policy)),
            &input, &cuts, &unlimited, limit,
        )?;
        // Both agree with each other, error for error.
        prop_assert_eq!(growable, lent);
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn dispatching_at_eof_matches_the_model_with_a_blank_line((input, cuts) in stream_and_cuts()) {
        // As if the stream ended with a line end and a blank line.
        let mut with_end = input.clone();
        with_end.extend_from_slice(b"\r\r");
        let expected = reference::parse(&with_end);
        let mut parser = Parser::new(Vec::new());
        let got = run_parser(&mut parser, &input, Cuts::At(&cuts), AtEof::Dispatch).trace.outcome();
        prop_assert_eq!(got.events, expected.events);
        prop_assert_eq!(got.last_event_id, expected.last_event_id);
        // The unfinished line's `retry` is not handed out, but takes effect.
        prop_assert!(expected.retries.starts_with(&got.retries));
        prop_assert!(expected.retries.len() <= got.retries.len() + 1);
        prop_assert_eq!(parser.reconnection_time(), expected.retries.last().copied());
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn strict_utf8_reports_exactly_the_invalid_events((input, cuts) in stream_and_cuts()) {
        let lossy = reference::parse(&input);
        let mut parser = Parser::with_config(Vec::new(), Config::new().strict_utf8(true));
        let trace = run_parser(&mut parser, &input, Cuts::At(&cuts), AtEof::Discard).trace;
        let mut events = Vec::new();
        let mut errors = 0;
        for item in &trace.items {
            match item {
                Item::Event { event_type, data, id } => events.push((
                    String::from_utf8(event_type.clone()).unwrap(),
                    String::from_utf8(data.clone()).unwrap(),
                    String::from_utf8(id.clone()).unwrap(),
                )),
                Item::Error(Error::InvalidUtf8 { .. }) => errors += 1,
                Item::Error(e) => panic!("{e}"),
                _ => {}
            }
        }
        // Valid events are exactly the model's events without U+FFFD that came
        // from bad bytes; count both kinds together.
        prop_assert_eq!(events.len() + errors, lossy.events.len());
        for (event_type, data, id) in &events {
            prop_assert!(lossy.events.iter().any(|e| &e.event_type == event_type && &e.data == data && &e.id == id));
        }
    }
}

/// Feeds with a limit: until the first limit error the events equal the
/// model's prefix; retained bytes never exceed the limit (the driver checks
/// it on every call); no limit error means the full unlimited result.
/// Returns the trace, to compare storage kinds.
fn check_limited<S: Storage>(
    parser: &mut Parser<S>,
    input: &[u8],
    cuts: &[usize],
    unlimited: &reference::Outcome,
    limit: usize,
) -> Result<Trace, TestCaseError> {
    let trace = run_parser(parser, input, Cuts::At(cuts), AtEof::Discard).trace;
    let mut events = Vec::new();
    let mut limited = false;
    for item in &trace.items {
        match item {
            Item::Event {
                event_type,
                data,
                id,
            } => {
                let own_type = if event_type == b"message" {
                    0
                } else {
                    event_type.len()
                };
                prop_assert!(
                    data.len() + own_type + id.len() <= limit,
                    "an event larger than the limit came out"
                );
                if !limited {
                    events.push(String::from_utf8_lossy(data).into_owned());
                }
            }
            Item::Error(Error::LimitExceeded { limit: l, needed }) => {
                prop_assert_eq!(*l, limit);
                prop_assert!(*needed > limit);
                limited = true;
            }
            Item::Error(e) => panic!("{e}"),
            Item::Retry(_) | Item::Comment(..) => {}
        }
    }
    let model: Vec<String> = unlimited.events.iter().map(|e| e.data.clone()).collect();
    if limited {
        prop_assert!(model.starts_with(&events), "events before the error differ");
    } else {
        let got = trace.outcome();
        prop_assert_eq!(&events, &model);
        prop_assert_eq!(&got.retries, &unlimited.retries);
        prop_assert_eq!(got.end == EndKind::Clean, unlimited.end == EndKind::Clean);
        prop_assert_eq!(&got.last_event_id, &unlimited.last_event_id);
    }
    Ok(trace)
}

proptest! {
    #![proptest_config(regressions_config!(1000, "props"))]

    /// The same limit property on lent storage alone (runs without `alloc`).
    #[test]
    fn lent_storage_limits_give_the_result_or_the_error(
        (input, cuts) in stream_and_cuts(),
        limit in 0usize..120,
        skip: bool,
    ) {
        let unlimited = reference::parse(&input);
        let policy = if skip { OnLimit::SkipEvent } else { OnLimit::Stop };
        let mut storage = vec![0u8; limit];
        let mut lent = Parser::with_config(&mut storage[..], Config::new().on_limit(policy));
        check_limited(&mut lent, &input, &cuts, &unlimited, limit)?;
    }
}
