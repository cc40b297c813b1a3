//! `zero_copy`: `Bytes` chunks in, `BytesEvent`s out; shows which events'
//! data is a slice of their chunk and which was copied (several lines, cut by
//! a chunk boundary, or too small for its chunk).
//!
//! ```text
//! cargo run --example zero_copy --features bytes
//! ```

use bytes::Bytes;
use ssewire::BytesParser;

fn main() {
    let chunks = [
        // One event per chunk: sliced.
        Bytes::from_static(b"data: {\"token\": \"Hello\"}\n\n"),
        // Two lines: assembled in the parser, copied once.
        Bytes::from_static(b"data: line one\ndata: line two\n\n"),
        // Cut by a chunk boundary: copied once.
        Bytes::from_static(b"data: spl"),
        Bytes::from_static(b"it\n\n"),
        // A tiny event in a large chunk: copied, so it does not pin 8 KiB.
        Bytes::from([b"data: tiny\n\n".as_slice(), &[b':'; 8 << 10], b"\n"].concat()),
    ];
    let mut parser = BytesParser::new();
    for chunk in chunks {
        let range = chunk.as_ptr_range();
        parser.push(chunk);
        while let Some(event) = parser.next_event() {
            let event = event.expect("no limit is hit here");
            let sliced = range.contains(&event.data().as_ptr());
            println!(
                "{:>6}: {:?}",
                if sliced { "sliced" } else { "copied" },
                String::from_utf8_lossy(event.data())
            );
        }
    }
    println!("end: {:?}", parser.finish());
}
