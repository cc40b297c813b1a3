//! Strategies shared by the property tests (`tests/props.rs`,
//! `tests/adapters.rs`).

use proptest::prelude::*;

/// Pieces that SSE parsers trip over, glued together at random.
fn atom() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::sample::select(vec![
            &b"data"[..], b"data:", b"data: ", b"event:", b"event: ", b"id:", b"id: ",
            b"retry:", b"retry: ", b":", b" ", b"  ", b"\r", b"\n", b"\r\n", b"\n\n",
            b"\r\n\r\n", b"\xEF\xBB\xBF", b"\0", b"Data:", b"dat", b"even", b"retr",
            b"x", b"hello", b"\xC3\xA9", b"\xE2\x82\xAC", b"\xE2\x82", b"\xFF",
            b"\xF0\x9F\x98", b"\xE2\x80\xA8", b"123", b"+5", b"4294967296",
            b"18446744073709551615", b"18446744073709551616", b"[DONE]", b"\t",
        ])
        .prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(any::<u8>(), 0..8),
        1 => (1usize..300).prop_map(|n| vec![b'v'; n]),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(atom(), 0..40).prop_map(|atoms| atoms.concat())
}

/// Cut offsets (sorted; repeats are empty chunks). Biased to small chunks.
fn cuts(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        Just(vec![]),
        Just((1..len).collect()),
        prop::collection::vec(0..=len, 0..24).prop_map(|mut cuts| {
            cuts.sort_unstable();
            cuts
        }),
    ]
}

pub fn stream_and_cuts() -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    stream().prop_flat_map(|s| {
        let len = s.len();
        (Just(s), cuts(len))
    })
}
