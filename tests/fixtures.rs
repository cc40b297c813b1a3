//! Runs the language-neutral conformance suite in `spec-fixtures/` through
//! every layer and chunking, and through the reference model: each case is
//! checked whole, split at every byte offset, byte by byte, and (up to 64
//! bytes) split at every pair of offsets; then again after rewrites that keep
//! it valid (LF as CR, LF as CRLF, a BOM in front). Cases over 4 KiB are split
//! at every offset near their start, end and line ends, and at a stride
//! elsewhere (every offset of a 1 MiB case would take hours).

use std::path::{Path, PathBuf};

use serde_json::Value;
use ssewire_testkit::drive::{run_outcome, LAYERS};
use ssewire_testkit::reference::{self, EndKind, Ev, Outcome};

/// A case: its name, its bytes and what it must produce.
struct Case {
    name: String,
    input: Vec<u8>,
    expected: Expected,
}

/// The expected result, as in `NAME.json`.
#[derive(Clone, Debug, PartialEq)]
struct Expected {
    events: Vec<Ev>,
    retries: Vec<u64>,
    last_event_id: String,
    end: EndKind,
    comments: Option<Vec<String>>,
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec-fixtures"))
}

fn load_cases() -> Vec<Case> {
    let mut files = Vec::new();
    collect(&fixtures_dir(), &mut files);
    files.sort();
    let cases: Vec<Case> = files.iter().map(|path| load(path)).collect();
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    cases
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("spec-fixtures/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "sse") {
            out.push(path);
        }
    }
}

fn load(sse: &Path) -> Case {
    let name = sse
        .strip_prefix(fixtures_dir())
        .unwrap_or(sse)
        .display()
        .to_string();
    let input = std::fs::read(sse).expect("case bytes");
    let json = std::fs::read_to_string(sse.with_extension("json"))
        .unwrap_or_else(|e| panic!("{name}: no expected result: {e}"));
    let json: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
    let text = |v: &Value| {
        v.as_str()
            .unwrap_or_else(|| panic!("{name}: not a string"))
            .to_string()
    };
    let events = json["events"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no events"))
        .iter()
        .map(|e| Ev {
            event_type: text(&e["type"]),
            data: text(&e["data"]),
            id: text(&e["id"]),
        })
        .collect();
    let retries = json["retries"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no retries"))
        .iter()
        .map(|r| r.as_u64().unwrap_or_else(|| panic!("{name}: retry {r}")))
        .collect();
    let end = match json["end"].as_str() {
        Some("clean") => EndKind::Clean,
        Some("incomplete") => EndKind::Incomplete,
        other => panic!("{name}: end {other:?}"),
    };
    let comments = json
        .get("comments")
        .and_then(Value::as_array)
        .map(|c| c.iter().map(text).collect());
    assert!(
        json["description"].as_str().is_some_and(|d| !d.is_empty()),
        "{name}: every case says which rule it pins"
    );
    let last_event_id = text(&json["last_event_id"]);
    Case {
        name,
        input,
        expected: Expected {
            events,
            retries,
            last_event_id,
            end,
            comments,
        },
    }
}

/// What an outcome says, in the terms of a case (comments only if it lists them).
fn as_expected(outcome: &Outcome, with_comments: bool) -> Expected {
    Expected {
        events: outcome.events.clone(),
        retries: outcome.retries.clone(),
        last_event_id: outcome.last_event_id.clone(),
        end: outcome.end,
        comments: with_comments.then(|| outcome.comments.clone()),
    }
}

/// The chunkings for an input of `len` bytes.
fn chunkings(input: &[u8]) -> Vec<Vec<usize>> {
    let len = input.len();
    let mut all = vec![vec![]];
    if len <= 4096 {
        all.extend((0..=len).map(|i| vec![i]));
        all.push((1..len).collect());
    } else {
        let mut offsets: Vec<usize> = (0..=256.min(len))
            .chain(len.saturating_sub(256)..=len)
            .collect();
        for (i, &b) in input.iter().enumerate() {
            if b == b'\r' || b == b'\n' {
                offsets.extend(i.saturating_sub(2)..=(i + 2).min(len));
            }
        }
        offsets.extend((0..len).step_by(len / 64 + 1));
        offsets.sort_unstable();
        offsets.dedup();
        offsets.truncate(2048);
        all.extend(offsets.into_iter().map(|i| vec![i]));
        all.push((0..len).step_by(1460).collect());
        all.push((0..len).step_by(61).collect());
        all.push((1..len.min(65_536)).collect());
    }
    if len <= 64 {
        for a in 0..=len {
            for b in a..=len {
                all.push(vec![a, b]);
            }
        }
    }
    all
}

/// Runs `input` through every layer under every chunking; every result must
/// equal `expected`.
fn check_case(name: &str, input: &[u8], expected: &Expected) -> usize {
    let comments = expected.comments.is_some();
    let model = as_expected(&reference::parse(input), comments);
    assert_eq!(
        &model, expected,
        "{name}: the reference model disagrees with the case"
    );
    let mut runs = 0;
    for cuts in chunkings(input) {
        for &layer in LAYERS {
            let Some(got) = run_outcome(layer, input, &cuts, comments) else {
                continue;
            };
            let got = as_expected(&got, comments);
            if &got != expected {
                panic!("{name}: {layer:?} with cuts {cuts:?}\n got: {got:?}\nwant: {expected:?}");
            }
            runs += 1;
        }
    }
    runs
}

#[test]
fn every_case_on_every_layer_and_chunking() {
    let start = std::time::Instant::now();
    let mut runs = 0;
    let cases = load_cases();
    for case in &cases {
        runs += check_case(&case.name, &case.input, &case.expected);
    }
    eprintln!(
        "{} cases, {runs} runs in {:.1?}",
        cases.len(),
        start.elapsed()
    );
}

/// Rewrites that keep a case's meaning, where the case allows them.
fn expansions(input: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    if !input.contains(&b'\r') {
        let as_cr = input
            .iter()
            .map(|&b| if b == b'\n' { b'\r' } else { b })
            .collect();
        out.push(("LF as CR", as_cr));
        let mut as_crlf = Vec::with_capacity(input.len() * 2);
        for &b in input {
            if b == b'\n' {
                as_crlf.push(b'\r');
            }
            as_crlf.push(b);
        }
        out.push(("LF as CRLF", as_crlf));
    }
    if !input.starts_with(b"\xEF\xBB\xBF") {
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(input);
        out.push(("BOM in front", with_bom));
    }
    out
}

#[test]
fn every_case_after_rewrites_that_keep_its_meaning() {
    let mut variants = 0;
    for case in load_cases() {
        for (how, input) in expansions(&case.input) {
            check_case(&format!("{} ({how})", case.name), &input, &case.expected);
            variants += 1;
        }
    }
    assert!(variants > 300, "{variants}");
}
