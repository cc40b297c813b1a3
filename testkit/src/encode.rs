//! The check behind the `encode` fuzz target, also run on stable by
//! `tests/fuzz_replay.rs`. It needs the encoder and the reference model only,
//! not the parser.
//!
//! Oracle: the reference model ([`crate::reference`]) reads back from the
//! encoded stream exactly the events, retries, comments and last event ID
//! that were written; event types are refused exactly when they hold CR or LF,
//! IDs exactly when they hold CR, LF or NUL (the error naming the first such
//! byte); every writer gives the same bytes, of the announced length.
//!
//! Input: fields separated by `0xFF` (never part of UTF-8), five per block:
//! `control`, event type, ID, data, comment; text is decoded lossily.
//! `control[0]`: bit 0 data, bit 1 ID, bit 2 retry (`control[1..]`, little
//! endian), bit 3 comment, bits 4-5 the writer (`append_to`, `encode_into`,
//! `DataWriter` with the data cut at each `0xFE` of the raw field, possibly
//! inside a character, `write_to`).

use crate::reference::{self, EndKind, Ev};
use ssewire::{Comment, EncodeError, ServerEvent};

/// Panics when an invariant breaks.
pub fn encode(input: &[u8]) {
    let fields: Vec<&[u8]> = input.split(|&b| b == 0xFF).collect();
    let mut stream = Vec::new();
    let (mut events, mut retries, mut comments) = (Vec::new(), Vec::new(), Vec::new());
    let mut last_id = String::new();

    for block in fields.chunks(5) {
        let field = |i: usize| block.get(i).copied().unwrap_or_default();
        let control = field(0);
        let flags = control.first().copied().unwrap_or(0);
        let event_type = String::from_utf8_lossy(field(1));
        let id = String::from_utf8_lossy(field(2));
        let raw_data = field(3);
        let data = String::from_utf8_lossy(raw_data);
        let comment = String::from_utf8_lossy(field(4));

        // Refused exactly when a reader could not take it back; then unset.
        let type_refused = event_type.contains(['\r', '\n']);
        match ServerEvent::without_data().event_type(&event_type) {
            Ok(_) => assert!(!type_refused, "accepted event type {event_type:?}"),
            Err(error) => {
                assert!(type_refused, "refused event type {event_type:?}");
                assert_eq!(error, EncodeError::LineBreakInEventType);
            }
        }
        let type_written: &str = if type_refused { "" } else { &event_type };
        let mut id_written = None;
        if flags & 2 != 0 {
            let first_bad = id.bytes().find(|b| matches!(b, b'\r' | b'\n' | b'\0'));
            match (ServerEvent::without_data().id(&id), first_bad) {
                (Ok(_), None) => {
                    id_written = Some(&*id);
                    last_id = id.to_string();
                }
                (Err(EncodeError::NulInId), Some(b'\0')) => {}
                (Err(EncodeError::LineBreakInId), Some(b'\r' | b'\n')) => {}
                (result, _) => panic!("id {id:?}: {result:?}"),
            }
        }
        let mut retry = None;
        if flags & 4 != 0 {
            let mut ms = [0u8; 8];
            let digits = control.get(1..).unwrap_or_default();
            let n = digits.len().min(8);
            ms[..n].copy_from_slice(&digits[..n]);
            let ms = u64::from_le_bytes(ms);
            retry = Some(ms);
            retries.push(ms);
        }
        let make = |data| build(data, type_written, id_written, retry);
        let event = make((flags & 1 != 0).then_some(&*data));
        if flags & 8 != 0 {
            Comment::new(&comment).append_to(&mut stream);
            comments.extend(lines(&comment));
        }
        if flags & 1 != 0 {
            events.push(Ev {
                event_type: if type_written.is_empty() {
                    "message".to_string()
                } else {
                    type_written.to_string()
                },
                data: data.replace("\r\n", "\n").replace('\r', "\n"),
                id: last_id.clone(),
            });
        }

        let mut one_shot = Vec::new();
        let len = event.append_to(&mut one_shot);
        assert_eq!(len, one_shot.len());
        assert_eq!(len, event.encoded_len());
        let written = match (flags >> 4) & 3 {
            0 => one_shot.clone(),
            1 => {
                let mut buf = vec![0u8; len];
                if len > 0 {
                    assert_eq!(
                        event.encode_into(&mut buf[..len - 1]),
                        Err(EncodeError::BufferTooSmall {
                            needed: len,
                            available: len - 1
                        })
                    );
                }
                assert_eq!(event.encode_into(&mut buf), Ok(len));
                buf
            }
            2 => {
                // The cuts are byte offsets of the lossy text, which may fall
                // inside a character. A block without data pushes nothing.
                let data: &str = if flags & 1 != 0 { &data } else { "" };
                let mut cuts: Vec<usize> = raw_data
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == 0xFE)
                    .map(|(i, _)| i.min(data.len()))
                    .collect();
                cuts.push(data.len());
                let header = make(None);
                let mut out = Vec::new();
                let mut writer = header.data_writer(&mut out).expect("Vec");
                let mut start = 0;
                for cut in cuts {
                    writer
                        .push_bytes(&data.as_bytes()[start..cut])
                        .expect("Vec");
                    start = cut;
                }
                let n = writer.finish().expect("Vec");
                assert_eq!(n, out.len());
                if flags & 1 != 0 {
                    assert_eq!(out, one_shot, "DataWriter vs one shot");
                } else {
                    // A DataWriter always writes data: here, empty data.
                    let mut with_empty = Vec::new();
                    make(Some("")).append_to(&mut with_empty);
                    assert_eq!(out, with_empty);
                }
                one_shot.clone()
            }
            _ => {
                let mut out = Vec::new();
                assert_eq!(event.write_to(&mut out).expect("Vec"), len);
                out
            }
        };
        assert_eq!(written, one_shot);
        stream.extend_from_slice(&written);
    }

    let model = reference::parse(&stream);
    assert_eq!(model.events, events, "events");
    assert_eq!(model.retries, retries, "retries");
    assert_eq!(model.comments, comments, "comments");
    assert_eq!(model.last_event_id, last_id, "last event ID");
    assert_eq!(model.end, EndKind::Clean);
}

/// The event with these (checked) fields and the given data, or none.
fn build<'a>(
    data: Option<&'a str>,
    event_type: &'a str,
    id: Option<&'a str>,
    retry: Option<u64>,
) -> ServerEvent<'a> {
    let event = data.map_or_else(ServerEvent::without_data, ServerEvent::new);
    let mut event = event.event_type(event_type).expect("checked");
    if let Some(id) = id {
        event = event.id(id).expect("checked");
    }
    if let Some(ms) = retry {
        event = event.retry(ms);
    }
    event
}

/// A comment's lines as a reader sees them (CR, LF and CRLF split).
fn lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(String::from)
        .collect()
}

/// Hand-made inputs for the stable replay: each case of the issue.
pub fn seeds() -> Vec<Vec<u8>> {
    let block = |control: &[u8], t: &[u8], id: &[u8], data: &[u8], comment: &[u8]| {
        [control, t, id, data, comment].join(&0xFF)
    };
    let mut seeds = Vec::new();
    for writer in 0u8..4 {
        let w = writer << 4;
        for data in [
            &b""[..],
            b"a\r\nb",
            b"a\rb\nc",
            b"x\n",
            b"x\r",
            b"\r\n\r\n",
            b" lead",
            b"nul\0",
            "\u{2028}\u{FEFF}".as_bytes(),
            b"cut\r\xFE\nhere\xFE\r",
            b"\xE2\x82\xFE\xAC",
        ] {
            seeds.push(block(&[1 | w], b"", b"", data, b""));
            seeds.push(block(&[3 | w], b"type", b"7", data, b""));
            seeds.push(block(&[15 | w, 0xB8, 0x0B], b" t", b" id", data, b"c\r\nd"));
        }
        seeds.push(block(&[2 | w], b"", b"only-id", b"", b""));
        seeds.push(block(&[4 | w, 1], b"", b"", b"", b""));
        seeds.push(block(&[3 | w], b"bad\ntype", b"bad\rid", b"d", b""));
        seeds.push(block(&[3 | w], b"t", b"nul\0id", b"d", b""));
    }
    let all: Vec<u8> = seeds.join(&0xFF);
    seeds.push(all);
    seeds
}
