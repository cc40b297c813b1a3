//! Prints the comparison tables from criterion's results and the verification note.
//!
//! `cargo run --release --bin report` after `cargo bench`; `-- --summary` prints the
//! summary only.
//!
//! First a summary, one row per corpus and chunking, ready to paste into the README:
//! ssewire's decoder in MiB/s, the fastest verified peer and its MiB/s, the ratio of
//! the two, the memchr2 floor (the whole-input scan for `whole`, the per-chunk scan
//! otherwise) and ssewire's ratio to it; then millions of events per second for `tiny`
//! and `heartbeat`.
//!
//! Then, for each corpus: throughput in MiB/s (input bytes / median time) of every
//! runner per chunking, the ratios of each ssewire layer to the fastest verified peer
//! and to the whole-input memchr2 scan, and for `tiny` and `heartbeat` millions of
//! events per second as well. A runner that failed verification shows its status
//! (WRONG, PANIC, SLOW) instead of a number, even if an older run left a timing behind.

use serde_json::Value;
use ssewire_compare::corpus::{CHUNKINGS, KINDS};
use ssewire_compare::note::Note;
use ssewire_compare::{criterion_dir, runners};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const BASELINES: [&str; 3] = ["memchr2", "memchr2-per-chunk", "memchr2-stream"];

/// Median seconds per iteration, keyed by (group, function).
type Timings = BTreeMap<(String, String), f64>;

fn main() {
    let dir = criterion_dir();
    let timings = read_timings(&dir);
    let note = Note::load(&dir.join("verification.tsv"));
    if timings.is_empty() {
        eprintln!(
            "no criterion results under {}: run `cargo bench` first",
            dir.display()
        );
        std::process::exit(1);
    }
    let names: Vec<&str> = runners::all().iter().map(|r| r.name).collect();
    let ours: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("ssewire"))
        .collect();
    let rows: Vec<&str> = BASELINES
        .iter()
        .copied()
        .chain(names.iter().copied())
        .collect();
    let report = Report {
        timings: &timings,
        note: &note,
    };

    print_summary(&report, &names);
    print_stream_summary(&report);
    if std::env::args().skip(1).any(|a| a == "--summary") {
        return;
    }

    println!(
        "Throughput in MiB/s (input bytes / median time per run). Criterion results: {}\n",
        dir.display()
    );
    for kind in KINDS {
        let corpus = kind.name();
        let groups: Vec<String> = CHUNKINGS
            .iter()
            .map(|c| format!("{corpus}/{}", c.name))
            .collect();
        if !groups.iter().any(|g| report.has_group(g)) {
            continue;
        }
        println!("### {corpus}\n");
        print_header(&groups);
        for &runner in &rows {
            let cells: Vec<String> = groups
                .iter()
                .map(|g| report.cell(g, runner, Unit::MiBs))
                .collect();
            if cells.iter().any(|c| c != "-") {
                println!("| {runner} | {} |", cells.join(" | "));
            }
        }
        for &layer in &ours {
            let to_peer: Vec<String> = groups
                .iter()
                .map(|g| report.ratio_to_best_peer(g, layer, &names))
                .collect();
            let to_scan: Vec<String> = groups
                .iter()
                .map(|g| report.ratio(g, layer, "memchr2"))
                .collect();
            println!("| {layer} / fastest peer | {} |", to_peer.join(" | "));
            println!("| {layer} / memchr2 | {} |", to_scan.join(" | "));
        }
        println!();
        if corpus == "tiny" || corpus == "heartbeat" {
            println!("{corpus}, millions of events per second:\n");
            print_header(&groups);
            for &runner in names.iter() {
                let cells: Vec<String> = groups
                    .iter()
                    .map(|g| report.cell(g, runner, Unit::MEvents))
                    .collect();
                if cells.iter().any(|c| c != "-") {
                    println!("| {runner} | {} |", cells.join(" | "));
                }
            }
            println!();
        }
        print_failures(&note, &groups);
    }
}

/// The layer the summary is about: what most users will use.
const SUMMARY_LAYER: &str = "ssewire";

/// One row per corpus and chunking that has results: ssewire's decoder against the
/// fastest verified peer and against the memchr2 floor for that chunking.
fn print_summary(report: &Report<'_>, names: &[&str]) {
    let groups = groups_where(|group| report.has_group(group));
    if groups.is_empty() {
        return;
    }
    println!("## Summary: `{SUMMARY_LAYER}`\n");
    println!(
        "MiB/s of input (median run). Fastest peer: the fastest of the {} other crates \
         that gave the right events in that group (a peer that was wrong or too slow \
         there is left out; see the tables below). memchr2: finding every CR and LF and \
         nothing else, over the whole input for `whole`, once per chunk otherwise.\n",
        names.iter().filter(|n| !n.starts_with("ssewire")).count()
    );
    println!("| corpus | chunking | ssewire | fastest peer | peer | ssewire / peer | memchr2 | ssewire / memchr2 |");
    println!("|---|---|---:|---|---:|---:|---:|---:|");
    for (group, chunking) in &groups {
        let corpus = group.split('/').next().unwrap_or(group);
        let floor = floor_for(chunking);
        let ours = report.mib_per_sec(group, SUMMARY_LAYER);
        let best = report.best_peer(group, names);
        let scan = report.mib_per_sec(group, floor);
        println!(
            "| {corpus} | {chunking} | {} | {} | {} | {} | {} | {} |",
            number(ours),
            best.map_or("-", |(name, _)| name),
            number(best.map(|(_, v)| v)),
            times(ours, best.map(|(_, v)| v)),
            number(scan),
            times(ours, scan),
        );
    }
    println!();

    let per_event: Vec<&(String, &str)> = groups
        .iter()
        .filter(|(g, _)| g.starts_with("tiny/") || g.starts_with("heartbeat/"))
        .collect();
    if !per_event.is_empty() {
        println!("Millions of events per second, for the corpora of small events:\n");
        println!("| corpus | chunking | events | ssewire | fastest peer | peer | ssewire / peer |");
        println!("|---|---|---:|---:|---|---:|---:|");
        for (group, chunking) in per_event {
            let corpus = group.split('/').next().unwrap_or(group);
            let events = report.note.groups.get(group).map(|info| info.events);
            let ours = report.events_per_sec(group, SUMMARY_LAYER);
            let best = report
                .best_peer(group, names)
                .and_then(|(name, _)| Some((name, report.events_per_sec(group, name)?)));
            println!(
                "| {corpus} | {chunking} | {} | {} | {} | {} | {} |",
                events.map_or("-".to_string(), |e| e.to_string()),
                number(ours),
                best.map_or("-", |(name, _)| name),
                number(best.map(|(_, v)| v)),
                times(ours, best.map(|(_, v)| v)),
            );
        }
        println!();
    }
}

/// ssewire's `Stream` adapters against the peers' `Stream`s, and against the
/// floor of any `Stream` adapter: polling the same `Stream` of chunks and
/// scanning each with memchr2.
fn print_stream_summary(report: &Report<'_>) {
    let groups = groups_where(|group| {
        runners::STREAM_OURS
            .iter()
            .any(|ours| report.mib_per_sec(group, ours).is_some())
    });
    if groups.is_empty() {
        return;
    }
    println!("## Async readers over a `Stream` of chunks\n");
    println!(
        "MiB/s of input (median run). Lending: `.sse()`'s `next_event().await`, each event \
         borrowed from its chunk or the parser. `.sse()` as a `Stream` hands out \
         `OwnedEvent`s, `.sse_bytes()` `BytesEvent`s (data sliced from the chunk). Fastest \
         peer: the fastest verified of the peers whose API is a `Stream` ({}). Core: the \
         parser's own `feed_all` over the same chunks, no `Stream`. memchr2-stream: \
         polling the same `Stream` of chunks and scanning each with memchr2, the floor of \
         any `Stream` adapter. Core floor: the least a `Stream` over ssewire's parser \
         costs (each event's data as a bare `Bytes` sliced from its chunk; no type, ID \
         or end state). AsyncRead: `AsyncEventReader::next_event` over an in-memory \
         reader that hands out one chunk per read, the transport async-sse reads (an \
         `AsyncBufRead`), without the `Stream` of `Bytes` the others poll.\n",
        runners::STREAM_PEERS.join(", ")
    );
    println!("| corpus | chunking | lending | `.sse()` | `.sse_bytes()` | fastest peer | peer | lending / peer | `.sse()` / peer | `.sse_bytes()` / peer | lending / core | core floor / peer | memchr2-stream | lending / memchr2-stream | AsyncRead | AsyncRead / async-sse |");
    println!("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (group, chunking) in &groups {
        let corpus = group.split('/').next().unwrap_or(group);
        let lending = report.mib_per_sec(group, runners::STREAM_OURS[0]);
        let owned = report.mib_per_sec(group, runners::STREAM_OURS[1]);
        let bytes = report.mib_per_sec(group, runners::STREAM_OURS[2]);
        let core = report.mib_per_sec(group, runners::CORE);
        let best = report.best_peer(group, &runners::STREAM_PEERS);
        let core_floor = report.mib_per_sec(group, runners::STREAM_FLOOR);
        let floor = report.mib_per_sec(group, BASELINES[2]);
        let peer = best.map(|(_, v)| v);
        let reader = report.mib_per_sec(group, runners::READER_OURS);
        let reader_peer = report.mib_per_sec(group, runners::READER_PEER);
        println!(
            "| {corpus} | {chunking} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            number(lending),
            number(owned),
            number(bytes),
            best.map_or("-", |(name, _)| name),
            number(peer),
            times(lending, peer),
            times(owned, peer),
            times(bytes, peer),
            times(lending, core),
            times(core_floor, peer),
            number(floor),
            times(lending, floor),
            number(reader),
            times(reader, reader_peer),
        );
    }
    println!();
}

/// Every `<corpus>/<chunking>` group that `keep` keeps, with its chunking's
/// name, corpus by corpus.
fn groups_where(keep: impl Fn(&str) -> bool) -> Vec<(String, &'static str)> {
    KINDS
        .iter()
        .flat_map(|kind| {
            CHUNKINGS
                .iter()
                .map(move |c| (format!("{}/{}", kind.name(), c.name), c.name))
        })
        .filter(|(group, _)| keep(group))
        .collect()
}

/// The memchr2 scan that bounds a parser fed this way: whole input, or chunk by chunk.
fn floor_for(chunking: &str) -> &'static str {
    if chunking == "whole" {
        BASELINES[0]
    } else {
        BASELINES[1]
    }
}

/// Three significant digits or so, `-` for nothing.
fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) if v >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.2}"),
        None => "-".to_string(),
    }
}

fn times(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}x", a / b),
        _ => "-".to_string(),
    }
}

fn print_header(groups: &[String]) {
    let chunkings: Vec<&str> = groups
        .iter()
        .map(|g| g.split('/').nth(1).unwrap_or(g))
        .collect();
    println!("| runner | {} |", chunkings.join(" | "));
    println!("|---|{}", "---:|".repeat(chunkings.len()));
}

fn print_failures(note: &Note, groups: &[String]) {
    let mut any = false;
    for ((group, runner), entry) in &note.verdicts {
        if groups.contains(group) && entry.status != "ok" {
            if !any {
                println!("Not timed:\n");
                any = true;
            }
            println!("- {group} {runner}: {} {}", entry.status, entry.detail);
        }
    }
    if any {
        println!();
    }
}

#[derive(Clone, Copy)]
enum Unit {
    MiBs,
    MEvents,
}

struct Report<'a> {
    timings: &'a Timings,
    note: &'a Note,
}

impl Report<'_> {
    fn has_group(&self, group: &str) -> bool {
        self.timings.keys().any(|(g, _)| g == group)
    }

    /// Seconds per run, if timed and (for parsers) verified in the latest run.
    fn secs(&self, group: &str, runner: &str) -> Option<f64> {
        let key = (group.to_string(), runner.to_string());
        if !BASELINES.contains(&runner) {
            match self.note.verdicts.get(&key) {
                Some(entry) if entry.status == "ok" => {}
                _ => return None,
            }
        }
        self.timings.get(&key).copied()
    }

    fn mib_per_sec(&self, group: &str, runner: &str) -> Option<f64> {
        let bytes = self.note.groups.get(group)?.bytes as f64;
        Some(bytes / (1 << 20) as f64 / self.secs(group, runner)?)
    }

    /// Millions of dispatched events per second.
    fn events_per_sec(&self, group: &str, runner: &str) -> Option<f64> {
        let events = self.note.groups.get(group)?.events as f64;
        Some(events / 1e6 / self.secs(group, runner)?)
    }

    /// The fastest verified peer (not ssewire) in a group, with its MiB/s.
    fn best_peer<'n>(&self, group: &str, names: &[&'n str]) -> Option<(&'n str, f64)> {
        names
            .iter()
            .filter(|n| !n.starts_with("ssewire"))
            .filter_map(|n| Some((*n, self.mib_per_sec(group, n)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    fn cell(&self, group: &str, runner: &str, unit: Unit) -> String {
        let value = match unit {
            Unit::MiBs => self.mib_per_sec(group, runner),
            Unit::MEvents => self.events_per_sec(group, runner),
        };
        match value {
            Some(_) => number(value),
            None => match self
                .note
                .verdicts
                .get(&(group.to_string(), runner.to_string()))
            {
                Some(entry) if entry.status != "ok" => entry.status.clone(),
                _ => "-".to_string(),
            },
        }
    }

    fn ratio(&self, group: &str, runner: &str, other: &str) -> String {
        match (
            self.mib_per_sec(group, runner),
            self.mib_per_sec(group, other),
        ) {
            (Some(a), Some(b)) => format!("{:.2}x", a / b),
            _ => "-".to_string(),
        }
    }

    fn ratio_to_best_peer(&self, group: &str, runner: &str, names: &[&str]) -> String {
        match (
            self.mib_per_sec(group, runner),
            self.best_peer(group, names),
        ) {
            (Some(ours), Some((name, theirs))) => format!("{:.2}x ({name})", ours / theirs),
            _ => "-".to_string(),
        }
    }
}

/// Reads `<dir>/<group>/<function>/new/{benchmark,estimates}.json`.
fn read_timings(dir: &Path) -> Timings {
    let mut timings = Timings::new();
    let Ok(groups) = fs::read_dir(dir) else {
        return timings;
    };
    for group in groups.flatten() {
        let Ok(functions) = fs::read_dir(group.path()) else {
            continue;
        };
        for function in functions.flatten() {
            let new = function.path().join("new");
            let (Some(benchmark), Some(estimates)) = (
                read_json(&new.join("benchmark.json")),
                read_json(&new.join("estimates.json")),
            ) else {
                continue;
            };
            let group_id = benchmark["group_id"].as_str();
            let function_id = benchmark["function_id"].as_str();
            let median_ns = estimates["median"]["point_estimate"].as_f64();
            if let (Some(g), Some(f), Some(ns)) = (group_id, function_id, median_ns) {
                timings.insert((g.to_string(), f.to_string()), ns * 1e-9);
            }
        }
    }
    timings
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&fs::read_to_string(path).ok()?).ok()
}
