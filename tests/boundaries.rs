//! Hand-written chunk-boundary cases: the classic bugs, one chunking each,
//! plus a direct look at what each feed returns.

use ssewire::{Config, Token, Tokenizer};
#[cfg(feature = "alloc")]
use ssewire::{Parser, Step, StreamEnd};
use ssewire_testkit::drive::{run_layer, AtEof, Cuts, LAYERS};
use ssewire_testkit::reference;

/// Runs `input` split at `cuts` through every layer and compares with the model.
fn split(input: &[u8], cuts: &[usize]) -> reference::Outcome {
    let expected = reference::parse(input);
    let config = Config::new().comments(true);
    for &layer in LAYERS {
        if let Some(run) = run_layer(layer, input, Cuts::At(cuts), config, AtEof::Discard) {
            assert_eq!(run.trace.outcome(), expected, "{layer:?} {cuts:?}");
        }
    }
    expected
}

#[test]
fn cr_and_lf_in_different_chunks_are_one_line_end() {
    let out = split(b"data: a\r\ndata: b\r\n\r\n", &[8]);
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].data, "a\nb");
    let out = split(b"data: a\r\n\r\n", &[8, 10]);
    assert_eq!(out.events.len(), 1);
}

#[test]
#[cfg(feature = "alloc")]
fn a_cr_dispatches_before_the_next_chunk_arrives() {
    let mut parser = Parser::new(Vec::new());
    let (step, used) = parser.feed(b"data: a\r\r");
    assert!(matches!(step, Ok(Step::Event(e)) if e.data() == b"a"));
    assert_eq!(used, 9);
    // The LF that may follow belongs to that CR.
    let (step, used) = parser.feed(b"\n");
    assert!(matches!(step, Ok(Step::NeedInput)));
    assert_eq!(used, 1);
    assert_eq!(parser.finish(), StreamEnd::Clean);
}

#[test]
fn bom_split_one_plus_two_and_two_plus_one_and_after_empty_feeds() {
    let input = b"\xEF\xBB\xBFdata: a\n\n";
    split(input, &[1]);
    split(input, &[2]);
    split(input, &[0, 0, 1, 1, 2, 2, 3]);
    let mut tokenizer = Tokenizer::new();
    for _ in 0..3 {
        assert_eq!(tokenizer.feed(b""), (Token::NeedInput, 0));
    }
    assert_eq!(tokenizer.feed(b"\xEF"), (Token::NeedInput, 1));
    assert_eq!(tokenizer.feed(b"\xBB\xBF"), (Token::NeedInput, 2));
    assert_eq!(
        tokenizer.feed(b"data:x\n"),
        (
            Token::Value {
                field: ssewire::Field::Data,
                piece: ssewire::Piece::Whole(b"x"),
            },
            7
        )
    );
}

#[test]
fn field_names_split_at_every_byte() {
    for stream in [&b"event: e\ndata: d\nid: i\nretry: 9\n\n"[..]] {
        for cut in 0..stream.len() {
            let out = split(stream, &[cut]);
            assert_eq!(out.events[0].event_type, "e");
            assert_eq!(out.retries, [9]);
        }
    }
}

#[test]
fn utf8_character_split_across_chunks_is_one_character() {
    let input = "data: é€😀\n\n".as_bytes();
    for cut in 6..input.len() {
        let out = split(input, &[cut]);
        assert_eq!(out.events[0].data, "é€😀");
    }
}

#[test]
fn the_space_after_the_colon_in_the_next_chunk() {
    let out = split(b"data:  x\n\n", &[5]);
    assert_eq!(out.events[0].data, " x");
    let out = split(b"retry: 5\n\n", &[6]);
    assert_eq!(out.retries, [5]);
}

#[test]
fn an_id_with_nul_split_across_chunks_is_ignored() {
    let out = split(b"id: a\n\nid: bb\0cc\ndata: x\n\n", &[11, 13]);
    assert_eq!(out.events[0].id, "a");
}

#[test]
#[cfg(feature = "alloc")]
fn empty_feeds_change_nothing() {
    let mut parser = Parser::new(Vec::new());
    let mut events = 0;
    for chunk in [
        &b""[..],
        b"id: 1
data: a",
        b"",
        b"\n",
        b"",
        b"\n",
        b"",
    ] {
        let (step, used) = parser.feed(chunk);
        assert_eq!(used, chunk.len());
        events += usize::from(matches!(step, Ok(Step::Event(_))));
    }
    assert_eq!(events, 1);
    assert_eq!(parser.last_event_id(), b"1");
}

#[test]
#[cfg(feature = "alloc")]
fn a_single_data_line_inside_the_chunk_is_not_copied() {
    let input = b"data: zero-copy\n\n";
    let mut parser = Parser::new(Vec::new());
    let (step, _) = parser.feed(input);
    let Ok(Step::Event(event)) = step else {
        panic!()
    };
    let inside = input.as_ptr_range();
    assert!(
        inside.contains(&event.data().as_ptr()),
        "data borrowed from the input"
    );
    // Two data lines are joined in the parser's buffer instead.
    let input = b"data: a\ndata: b\n\n";
    let (step, _) = parser.feed(input);
    let Ok(Step::Event(event)) = step else {
        panic!()
    };
    assert!(!input.as_ptr_range().contains(&event.data().as_ptr()));
}
