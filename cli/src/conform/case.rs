//! One case: run it, compare with what the case expects, show the difference.

use serde_json::Value;
use std::fs;

use super::program::{parse_output, run_program, Reported};
use super::suite::{load_expected, Case, Event, Expected};
use super::Options;

/// Longest string shown in a diff before it is cut.
const SHOWN_CHARS: usize = 72;
/// Equal list items shown around a difference.
const CONTEXT: usize = 2;
/// Longest diff shown for one list.
const MAX_DIFF_LINES: usize = 40;

pub enum Outcome {
    Pass {
        end_reported: bool,
    },
    Fail {
        problems: Vec<Problem>,
        stderr: Vec<u8>,
    },
}

/// One thing that differs: a short summary for the table, details for --verbose.
pub struct Problem {
    pub summary: String,
    pub details: Vec<String>,
}

impl Problem {
    pub fn new(summary: impl Into<String>) -> Self {
        Problem {
            summary: summary.into(),
            details: Vec::new(),
        }
    }
}

pub fn run_case(case: &Case, options: &Options) -> Outcome {
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
    let reported = parse_output(&output.stdout);
    // Exit status 1 is allowed where the program itself says the stream
    // ended incomplete (`ssewire cat` does: a shell can tell the two apart).
    let said_incomplete =
        matches!(&reported, Ok(r) if r.end.as_ref().is_some_and(|(end, _)| end == "incomplete"));
    match output.status {
        None => problems.push(Problem::new(format!(
            "timed out after {:?}",
            options.timeout
        ))),
        Some(status) if status.code() == Some(1) && said_incomplete => {}
        Some(status) if !status.success() => {
            problems.push(Problem::new(format!("program failed: {status}")))
        }
        Some(_) => {}
    }
    let mut end_reported = false;
    match reported {
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

pub fn compare(expected: &Expected, reported: &Reported, check_comments: bool) -> Vec<Problem> {
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
pub fn compare_lists<T: PartialEq>(
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
pub enum Op {
    Same(usize),
    Missing(usize),
    Extra(usize),
}

/// A shortest edit script by longest common subsequence; item by item when the lists
/// are too long for the quadratic table.
pub fn diff<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Op> {
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

pub fn show_event(event: &Event) -> String {
    format!(
        "type={} data={} id={}",
        show(&event.event_type),
        show(&event.data),
        show(&event.id)
    )
}

/// A string as JSON, cut after SHOWN_CHARS characters with its full length noted.
pub fn show(text: &str) -> String {
    let count = text.chars().count();
    if count <= SHOWN_CHARS {
        return Value::from(text).to_string();
    }
    let head: String = text.chars().take(SHOWN_CHARS).collect();
    format!("{}...({count} chars)", Value::from(head))
}

pub fn cut(line: &str) -> String {
    let head: String = line.chars().take(SHOWN_CHARS).collect();
    if head.len() < line.len() {
        format!("{head}...")
    } else {
        head
    }
}
