//! Throughput comparison of ssewire against the other Rust `text/event-stream` parsers.
//!
//! One runner per parser (`runners/`), each feeding an [`Input`] chunk by chunk and
//! reporting every dispatched event to a [`Sink`]. The bench (`benches/compare.rs`)
//! first checks every runner against the corpus's expected events and checksum
//! ([`verify`]), then times only the runners that were right. `src/bin/report.rs`
//! turns criterion's output into tables.

pub use ssewire_testkit::bench as drive;
pub use ssewire_testkit::bench::corpus;
pub mod input;
pub mod note;
pub mod runners;
pub mod sink;
pub mod verify;

pub use input::Input;
pub use runners::Runner;
pub use sink::{Counter, Sink, Verifier};

use std::path::PathBuf;

/// Where criterion writes its results, found the way criterion 0.5 finds it.
pub fn criterion_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target")));
    target.join("criterion")
}

#[cfg(test)]
mod tests {
    use crate::corpus::{Checksum, Kind, CHUNKINGS, KINDS};
    use crate::verify::{verify, Verdict};
    use crate::{runners, Input};
    use std::time::Duration;

    /// A naive reading of the corpora's simple subset of the format (LF or CRLF line
    /// ends, no BOM, no CR alone): an independent check of the generators' bookkeeping.
    fn naive(bytes: &[u8]) -> Checksum {
        let text = std::str::from_utf8(bytes).unwrap().replace("\r\n", "\n");
        let mut sum = Checksum::default();
        let mut data: Option<String> = None;
        for line in text.split('\n') {
            if line.is_empty() {
                if let Some(d) = data.take() {
                    sum.event(d.as_bytes());
                }
            } else if let Some(value) = line.strip_prefix("data:") {
                let value = value.strip_prefix(' ').unwrap_or(value);
                match &mut data {
                    Some(d) => {
                        d.push('\n');
                        d.push_str(value);
                    }
                    None => data = Some(value.to_string()),
                }
            }
        }
        sum
    }

    #[test]
    fn generators_agree_with_a_naive_reading() {
        for kind in KINDS {
            let corpus = kind.generate(2 << 20);
            assert!(corpus.bytes.len() <= 2 << 20 || corpus.expected.events == 1);
            assert!(corpus.expected.events > 0);
            assert_eq!(
                naive(&corpus.bytes).expected(),
                corpus.expected,
                "{}",
                kind.name()
            );
        }
    }

    #[test]
    fn smaller_corpora_start_the_same() {
        for kind in [Kind::Datastar, Kind::Big, Kind::Heartbeat, Kind::Tiny] {
            let small = kind.generate(1 << 20);
            let large = kind.generate(3 << 20);
            assert!(large.bytes.starts_with(&small.bytes), "{}", kind.name());
        }
    }

    #[test]
    fn llm_json_is_170_to_200_bytes() {
        let corpus = Kind::Llm.generate(1 << 20);
        let text = std::str::from_utf8(&corpus.bytes).unwrap();
        for line in text.lines().filter(|l| l.starts_with("data: {")) {
            let len = line.len() - "data: ".len();
            assert!((170..=200).contains(&len), "{len}: {line}");
        }
    }

    #[test]
    fn ssewire_and_sse_parse_pass_everywhere_on_small_inputs() {
        let all = runners::all();
        let sure = all
            .iter()
            .filter(|r| r.name.starts_with("ssewire") || r.name == "sse-parse");
        for runner in sure {
            for kind in KINDS {
                let corpus = kind.generate(256 << 10);
                for chunking in CHUNKINGS {
                    let input = Input::new(&corpus.bytes, chunking);
                    let verdict = verify(runner, &input, corpus.expected, Duration::from_secs(60));
                    assert!(
                        matches!(verdict, Verdict::Pass { .. }),
                        "{} on {}/{}: {}",
                        runner.name,
                        kind.name(),
                        chunking.name,
                        verdict.detail()
                    );
                }
            }
        }
    }
}
