//! Conformance runner: checks any program that speaks the spec-fixtures JSON-lines
//! protocol against every case in `spec-fixtures/`.
//!
//! ```text
//! cargo run --example conformance -- [--fixtures DIR] [--comments] [--filter SUBSTR]
//!                                    [--verbose] [--timeout SECS] -- PROGRAM [ARGS...]
//! ```
//!
//! For each case `NAME.sse` + `NAME.json`, the runner starts `PROGRAM ARGS...` (adding
//! `--comments` when the runner got `--comments` and the case lists comments), writes
//! the `.sse` bytes to its standard input, closes it, and reads standard output: one
//! JSON object per line, `{"type","data","id"}` per event, `{"retry": N}` per accepted
//! retry, `{"comment": "..."}` per comment, and optionally a final
//! `{"end": "clean"|"incomplete", "last_event_id": "..."}`. Events, retries and (when
//! asked) comments must match the case in order; `end` and `last_event_id` are checked
//! when the program reports them. The program must exit with status 0 within the
//! timeout. `spec-fixtures/README.md` describes the protocol and the suite.
//!
//! This example uses only `std` and `serde_json`; it does not use the ssewire library,
//! so it can check ssewire's own `sse_cat` example as well as any other parser.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: conformance [--fixtures DIR] [--comments] [--filter SUBSTR] [--verbose]
                   [--timeout SECS] -- PROGRAM [ARGS...]

  --fixtures DIR   the suite to run (default: spec-fixtures/ of this crate)
  --comments       also check comments, passing --comments to PROGRAM for the
                   cases that list them
  --filter SUBSTR  run only the cases whose name (folder/name) contains SUBSTR
  --verbose, -v    show what differs for every failing case
  --timeout SECS   time allowed per case (default 10)";

/// Longest string shown in a diff before it is cut.
const SHOWN_CHARS: usize = 72;
/// Equal list items shown around a difference.
const CONTEXT: usize = 2;
/// Longest diff shown for one list.
const MAX_DIFF_LINES: usize = 40;

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("conformance: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let cases = match discover(&options.fixtures) {
        Ok(cases) => cases,
        Err(message) => {
            eprintln!("conformance: {message}");
            return ExitCode::from(2);
        }
    };
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|case| {
            options
                .filter
                .as_ref()
                .map_or(true, |f| case.name.contains(f.as_str()))
        })
        .collect();
    if cases.is_empty() {
        eprintln!(
            "conformance: no case found under {}",
            options.fixtures.display()
        );
        return ExitCode::from(2);
    }

    println!(
        "running {} cases from {} against: {}",
        cases.len(),
        options.fixtures.display(),
        options.command_line()
    );
    let width = cases.iter().map(|case| case.name.len()).max().unwrap_or(0);
    let mut summary = Summary::default();
    for case in &cases {
        let outcome = run_case(case, &options);
        print_row(case, &outcome, width, options.verbose);
        summary.add(case, &outcome);
    }
    summary.print(options.comments);
    if summary.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

// ---------------------------------------------------------------------------------
// Command line

struct Options {
    fixtures: PathBuf,
    comments: bool,
    filter: Option<String>,
    verbose: bool,
    timeout: Duration,
    program: String,
    args: Vec<String>,
}

impl Options {
    fn command_line(&self) -> String {
        let mut words = vec![self.program.clone()];
        words.extend(self.args.iter().cloned());
        words.join(" ")
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        fixtures: Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-fixtures"),
        comments: false,
        filter: None,
        verbose: false,
        timeout: Duration::from_secs(10),
        program: String::new(),
        args: Vec::new(),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--" => break,
            "--comments" => options.comments = true,
            "--verbose" | "-v" => options.verbose = true,
            "--fixtures" => options.fixtures = PathBuf::from(value_of(&arg, args.next())?),
            "--filter" => options.filter = Some(value_of(&arg, args.next())?),
            "--timeout" => {
                let value = value_of(&arg, args.next())?;
                let secs: f64 = value
                    .parse()
                    .ok()
                    .filter(|secs: &f64| secs.is_finite() && *secs > 0.0)
                    .ok_or_else(|| format!("--timeout wants a positive number, not {value:?}"))?;
                options.timeout = Duration::from_secs_f64(secs);
            }
            "--help" | "-h" => return Err("help requested".into()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            _ => {
                // The program may also be given without the `--` separator.
                options.program = arg;
                break;
            }
        }
    }
    if options.program.is_empty() {
        options.program = args.next().ok_or("no PROGRAM given")?;
    }
    options.args = args.collect();
    Ok(options)
}

fn value_of(option: &str, value: Option<String>) -> Result<String, String> {
    value.ok_or_else(|| format!("{option} needs a value"))
}

// ---------------------------------------------------------------------------------
// The suite on disk

struct Case {
    /// `folder/name`, with `/` whatever the platform.
    name: String,
    folder: String,
    sse: PathBuf,
    json: PathBuf,
}

/// Every `NAME.json` with a `NAME.sse` beside it, under `root`, sorted by name.
/// Hidden folders and `tools/` are skipped.
fn discover(root: &Path) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .path();
            let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !file_name.starts_with('.') && file_name != "tools" {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "json") {
                let sse = path.with_extension("sse");
                if sse.is_file() {
                    cases.push(case_at(root, path, sse));
                }
            }
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

fn case_at(root: &Path, json: PathBuf, sse: PathBuf) -> Case {
    let relative = json.strip_prefix(root).unwrap_or(&json).with_extension("");
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let folder = if parts.len() > 1 {
        parts[0].clone()
    } else {
        ".".to_string()
    };
    Case {
        name: parts.join("/"),
        folder,
        sse,
        json,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Event {
    event_type: String,
    data: String,
    id: String,
}

/// What a `NAME.json` says the stream means.
struct Expected {
    events: Vec<Event>,
    retries: Vec<u64>,
    last_event_id: String,
    end: String,
    comments: Option<Vec<String>>,
}

fn load_expected(path: &Path) -> Result<Expected, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let object = value.as_object().ok_or("not a JSON object")?;
    let events = array(object, "events")?
        .iter()
        .map(|item| {
            item.as_object()
                .ok_or("an event is not an object".to_string())
                .and_then(event_from)
        })
        .collect::<Result<_, _>>()?;
    let retries = array(object, "retries")?
        .iter()
        .map(|item| item.as_u64().ok_or(format!("retry {item} is not a u64")))
        .collect::<Result<_, _>>()?;
    let comments = match object.get("comments") {
        None => None,
        Some(_) => Some(
            array(object, "comments")?
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or(format!("comment {item} is not a string"))
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(Expected {
        events,
        retries,
        last_event_id: string(object, "last_event_id")?,
        end: string(object, "end")?,
        comments,
    })
}

fn array<'a>(object: &'a Map<String, Value>, key: &str) -> Result<&'a Vec<Value>, String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .ok_or(format!("\"{key}\" is missing or not an array"))
}

fn string(object: &Map<String, Value>, key: &str) -> Result<String, String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or(format!("\"{key}\" is missing or not a string"))
}

fn event_from(object: &Map<String, Value>) -> Result<Event, String> {
    Ok(Event {
        event_type: string(object, "type")?,
        data: string(object, "data")?,
        id: string(object, "id")?,
    })
}

// ---------------------------------------------------------------------------------
// Running the program under test

struct RunOutput {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// `None` when the program was killed at the timeout.
    status: Option<ExitStatus>,
}

fn run_program(options: &Options, extra: &[&str], input: Vec<u8>) -> Result<RunOutput, String> {
    let mut child = Command::new(&options.program)
        .args(&options.args)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", options.program))?;

    // Feed stdin and drain stdout/stderr on their own threads, so a program that
    // writes before it has read everything cannot deadlock against us.
    let stdin = child.stdin.take();
    let writer = thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A program may exit without reading all of its input; that is its business.
            let _ = stdin.write_all(&input);
        } // dropping stdin closes it: end of stream
    });
    let stdout = spawn_reader(child.stdout.take());
    let stderr = spawn_reader(child.stderr.take());

    let status = wait_with_timeout(&mut child, options.timeout);
    if !matches!(status, Ok(Some(_))) {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = writer.join();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(RunOutput {
        stdout,
        stderr,
        status: status?,
    })
}

fn spawn_reader<R: Read + Send + 'static>(source: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut source) = source {
            let _ = source.read_to_end(&mut bytes);
        }
        bytes
    })
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Result<Option<ExitStatus>, String> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| format!("waiting for the program: {e}"))?
        {
            return Ok(Some(status));
        }
        if start.elapsed() >= timeout {
            return Ok(None);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// What the program printed, sorted by kind (each kind in stream order).
#[derive(Default)]
struct Reported {
    events: Vec<Event>,
    retries: Vec<u64>,
    comments: Vec<String>,
    /// `(end, last_event_id)` from the final line, if the program printed one.
    end: Option<(String, String)>,
}

fn parse_output(stdout: &[u8]) -> Result<Reported, String> {
    let text = std::str::from_utf8(stdout).map_err(|e| format!("output is not UTF-8: {e}"))?;
    let mut reported = Reported::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let where_ = format!("output line {}", index + 1);
        if reported.end.is_some() {
            return Err(format!("{where_}: more output after the end line"));
        }
        let value: Value = serde_json::from_str(line)
            .map_err(|e| format!("{where_}: not JSON ({e}): {}", cut(line)))?;
        let object = value
            .as_object()
            .ok_or(format!("{where_}: not a JSON object: {}", cut(line)))?;
        parse_output_line(object, &mut reported)
            .map_err(|e| format!("{where_}: {e}: {}", cut(line)))?;
    }
    Ok(reported)
}

fn parse_output_line(object: &Map<String, Value>, reported: &mut Reported) -> Result<(), String> {
    if object.contains_key("end") {
        reported.end = Some((string(object, "end")?, string(object, "last_event_id")?));
    } else if let Some(retry) = object.get("retry") {
        reported.retries.push(
            retry
                .as_u64()
                .ok_or("retry is not an integer in u64 range")?,
        );
    } else if object.contains_key("comment") {
        reported.comments.push(string(object, "comment")?);
    } else if object.contains_key("type") || object.contains_key("data") {
        reported.events.push(event_from(object)?);
    } else {
        return Err("not an event, retry, comment or end line".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// One case

enum Outcome {
    Pass {
        end_reported: bool,
    },
    Fail {
        problems: Vec<Problem>,
        stderr: Vec<u8>,
    },
}

/// One thing that differs: a short summary for the table, details for --verbose.
struct Problem {
    summary: String,
    details: Vec<String>,
}

impl Problem {
    fn new(summary: impl Into<String>) -> Self {
        Problem {
            summary: summary.into(),
            details: Vec::new(),
        }
    }
}

fn run_case(case: &Case, options: &Options) -> Outcome {
    let fail = |summary: String| Outcome::Fail {
        problems: vec![Problem::new(summary)],
        stderr: Vec::new(),
    };
    let expected = match load_expected(&case.json) {
        Ok(expected) => expected,
        Err(e) => return fail(format!("bad fixture: {e}")),
    };
    let input = match fs::read(&case.sse) {
        Ok(input) => input,
        Err(e) => return fail(format!("cannot read {}: {e}", case.sse.display())),
    };
    let check_comments = options.comments && expected.comments.is_some();
    let extra: &[&str] = if check_comments { &["--comments"] } else { &[] };
    let output = match run_program(options, extra, input) {
        Ok(output) => output,
        Err(e) => return fail(e),
    };

    let mut problems = Vec::new();
    match output.status {
        None => problems.push(Problem::new(format!(
            "timed out after {:?}",
            options.timeout
        ))),
        Some(status) if !status.success() => {
            problems.push(Problem::new(format!("program failed: {status}")))
        }
        Some(_) => {}
    }
    let mut end_reported = false;
    match parse_output(&output.stdout) {
        Err(e) => problems.push(Problem::new(e)),
        Ok(reported) => {
            end_reported = reported.end.is_some();
            problems.extend(compare(&expected, &reported, check_comments));
        }
    }
    if problems.is_empty() {
        Outcome::Pass { end_reported }
    } else {
        Outcome::Fail {
            problems,
            stderr: output.stderr,
        }
    }
}

fn compare(expected: &Expected, reported: &Reported, check_comments: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    problems.extend(compare_lists(
        "events",
        &expected.events,
        &reported.events,
        show_event,
    ));
    problems.extend(compare_lists(
        "retries",
        &expected.retries,
        &reported.retries,
        |r| r.to_string(),
    ));
    if check_comments {
        if let Some(comments) = &expected.comments {
            problems.extend(compare_lists(
                "comments",
                comments,
                &reported.comments,
                |c| show(c),
            ));
        }
    }
    if let Some((end, last_event_id)) = &reported.end {
        if *end != expected.end {
            problems.push(Problem::new(format!(
                "end: expected {}, got {}",
                show(&expected.end),
                show(end)
            )));
        }
        if *last_event_id != expected.last_event_id {
            problems.push(Problem::new(format!(
                "last_event_id: expected {}, got {}",
                show(&expected.last_event_id),
                show(last_event_id)
            )));
        }
    }
    problems
}

/// `None` when equal; otherwise a summary and a diff: `-` expected only, `+` got only,
/// unmarked items equal, a few of them kept around each difference.
fn compare_lists<T: PartialEq>(
    what: &str,
    expected: &[T],
    got: &[T],
    show_item: impl Fn(&T) -> String,
) -> Option<Problem> {
    if expected == got {
        return None;
    }
    let first = expected.iter().zip(got).take_while(|(e, g)| e == g).count();
    let mut problem = Problem::new(format!(
        "{what} differ (expected {}, got {}; first difference at #{first})",
        expected.len(),
        got.len()
    ));
    let ops = diff(expected, got);
    let near_change = |k: usize| {
        let from = k.saturating_sub(CONTEXT);
        let to = (k + CONTEXT + 1).min(ops.len());
        ops[from..to].iter().any(|op| !matches!(op, Op::Same(..)))
    };
    let mut skipped = false;
    for (k, op) in ops.iter().enumerate() {
        if problem.details.len() >= MAX_DIFF_LINES {
            problem.details.push("    ... (diff cut)".into());
            break;
        }
        if !near_change(k) {
            if !skipped {
                problem.details.push("    ...".into());
                skipped = true;
            }
            continue;
        }
        skipped = false;
        problem.details.push(match *op {
            Op::Same(i) => format!("    #{i} {}", show_item(&expected[i])),
            Op::Missing(i) => format!("  - #{i} {}", show_item(&expected[i])),
            Op::Extra(j) => format!("  + #{j} {}", show_item(&got[j])),
        });
    }
    Some(problem)
}

/// One step of a diff: an item in both lists, only in the expected list, only in the
/// program's output (with the item's index in its list).
enum Op {
    Same(usize),
    Missing(usize),
    Extra(usize),
}

/// A shortest edit script by longest common subsequence; item by item when the lists
/// are too long for the quadratic table.
fn diff<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > 4_000_000 {
        let mut ops = Vec::new();
        for k in 0..n.max(m) {
            match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) if x == y => ops.push(Op::Same(k)),
                (x, y) => {
                    if x.is_some() {
                        ops.push(Op::Missing(k));
                    }
                    if y.is_some() {
                        ops.push(Op::Extra(k));
                    }
                }
            }
        }
        return ops;
    }
    // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same(i));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(Op::Missing(i));
            i += 1;
        } else {
            ops.push(Op::Extra(j));
            j += 1;
        }
    }
    ops
}

fn show_event(event: &Event) -> String {
    format!(
        "type={} data={} id={}",
        show(&event.event_type),
        show(&event.data),
        show(&event.id)
    )
}

/// A string as JSON, cut after SHOWN_CHARS characters with its full length noted.
fn show(text: &str) -> String {
    let count = text.chars().count();
    if count <= SHOWN_CHARS {
        return Value::from(text).to_string();
    }
    let head: String = text.chars().take(SHOWN_CHARS).collect();
    format!("{}...({count} chars)", Value::from(head))
}

fn cut(line: &str) -> String {
    let head: String = line.chars().take(SHOWN_CHARS).collect();
    if head.len() < line.len() {
        format!("{head}...")
    } else {
        head
    }
}

// ---------------------------------------------------------------------------------
// Report

fn print_row(case: &Case, outcome: &Outcome, width: usize, verbose: bool) {
    match outcome {
        Outcome::Pass { end_reported } => {
            let note = if *end_reported {
                "end ok"
            } else {
                "end not reported"
            };
            println!("pass  {:<width$}  {note}", case.name);
        }
        Outcome::Fail { problems, stderr } => {
            let first = problems.first().map(|p| p.summary.as_str()).unwrap_or("");
            let more = if problems.len() > 1 {
                format!(" (+{} more)", problems.len() - 1)
            } else {
                String::new()
            };
            println!("FAIL  {:<width$}  {first}{more}", case.name);
            if verbose {
                print_details(problems, stderr);
            }
        }
    }
}

fn print_details(problems: &[Problem], stderr: &[u8]) {
    for problem in problems {
        println!("      {}", problem.summary);
        for line in &problem.details {
            println!("      {line}");
        }
    }
    let stderr = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    if !lines.is_empty() {
        println!("      stderr:");
        for line in lines.iter().take(10) {
            println!("        {}", cut(line));
        }
        if lines.len() > 10 {
            println!("        ... ({} lines)", lines.len());
        }
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    end_not_reported: usize,
}

#[derive(Default)]
struct Summary {
    folders: BTreeMap<String, Tally>,
}

impl Summary {
    fn add(&mut self, case: &Case, outcome: &Outcome) {
        let tally = self.folders.entry(case.folder.clone()).or_default();
        match outcome {
            Outcome::Pass { end_reported } => {
                tally.passed += 1;
                tally.end_not_reported += usize::from(!end_reported);
            }
            Outcome::Fail { .. } => tally.failed += 1,
        }
    }

    fn passed(&self) -> usize {
        self.folders.values().map(|t| t.passed).sum()
    }

    fn failed(&self) -> usize {
        self.folders.values().map(|t| t.failed).sum()
    }

    fn print(&self, comments_checked: bool) {
        let width = self
            .folders
            .keys()
            .map(String::len)
            .max()
            .unwrap_or(0)
            .max("folder".len());
        println!();
        println!("{:<width$}  {:>6}  {:>6}", "folder", "passed", "failed");
        for (folder, tally) in &self.folders {
            println!("{folder:<width$}  {:>6}  {:>6}", tally.passed, tally.failed);
        }
        println!();
        let not_reported: usize = self.folders.values().map(|t| t.end_not_reported).sum();
        if not_reported > 0 {
            println!("end/last_event_id not reported by the program in {not_reported} passing cases (not checked there)");
        }
        if !comments_checked {
            println!("comments not checked (run with --comments to check them)");
        }
        println!("{} passed, {} failed", self.passed(), self.failed());
    }
}

#[cfg(test)]
mod tests {
    // Keeps `cargo test --examples` meaningful for this file without a suite run.
    use super::*;

    #[test]
    fn parses_protocol_lines() {
        let out = b"{\"type\":\"message\",\"data\":\"a\",\"id\":\"\"}\n{\"retry\":18446744073709551615}\n{\"comment\":\"c\"}\n{\"end\":\"clean\",\"last_event_id\":\"\"}\n";
        let reported = parse_output(out).expect("valid output");
        assert_eq!(reported.events.len(), 1);
        assert_eq!(reported.retries, vec![u64::MAX]);
        assert_eq!(reported.comments, vec!["c".to_string()]);
        assert_eq!(reported.end, Some(("clean".into(), String::new())));
        assert!(
            parse_output(b"{\"end\":\"clean\",\"last_event_id\":\"\"}\n{\"retry\":1}\n").is_err()
        );
        assert!(parse_output(b"{\"retry\":-1}\n").is_err());
        assert!(parse_output(b"not json\n").is_err());
    }
}
