//! The pass/fail table and the summary.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::case::{cut, Outcome, Problem};
use super::suite::Case;
use crate::style::Paint;

/// A case's row: failures always, passes with `--verbose`.
pub fn print_row(
    out: &mut dyn Write,
    case: &Case,
    outcome: &Outcome,
    width: usize,
    verbose: bool,
    paint: Paint,
) -> io::Result<()> {
    match outcome {
        Outcome::Pass { .. } if !verbose => {}
        Outcome::Pass { end_reported } => {
            let note = if *end_reported {
                "end ok"
            } else {
                "end not reported"
            };
            writeln!(
                out,
                "{}  {:<width$}  {note}",
                paint.green("pass"),
                case.name
            )?;
        }
        Outcome::Fail { problems, stderr } => {
            let first = problems.first().map(|p| p.summary.as_str()).unwrap_or("");
            let more = if problems.len() > 1 {
                format!(" (+{} more)", problems.len() - 1)
            } else {
                String::new()
            };
            writeln!(
                out,
                "{}  {:<width$}  {first}{more}",
                paint.red("FAIL"),
                case.name
            )?;
            if verbose {
                print_details(out, problems, stderr)?;
            }
        }
    }
    Ok(())
}

pub fn print_details(out: &mut dyn Write, problems: &[Problem], stderr: &[u8]) -> io::Result<()> {
    for problem in problems {
        writeln!(out, "      {}", problem.summary)?;
        for line in &problem.details {
            writeln!(out, "      {line}")?;
        }
    }
    let stderr = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    if !lines.is_empty() {
        writeln!(out, "      stderr:")?;
        for line in lines.iter().take(10) {
            writeln!(out, "        {}", cut(line))?;
        }
        if lines.len() > 10 {
            writeln!(out, "        ... ({} lines)", lines.len())?;
        }
    }
    Ok(())
}

#[derive(Default)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub end_not_reported: usize,
}

#[derive(Default)]
pub struct Summary {
    pub folders: BTreeMap<String, Tally>,
}

impl Summary {
    pub fn add(&mut self, case: &Case, outcome: &Outcome) {
        let tally = self.folders.entry(case.folder.clone()).or_default();
        match outcome {
            Outcome::Pass { end_reported } => {
                tally.passed += 1;
                tally.end_not_reported += usize::from(!end_reported);
            }
            Outcome::Fail { .. } => tally.failed += 1,
        }
    }

    pub fn passed(&self) -> usize {
        self.folders.values().map(|t| t.passed).sum()
    }

    pub fn failed(&self) -> usize {
        self.folders.values().map(|t| t.failed).sum()
    }

    pub fn print(
        &self,
        out: &mut dyn Write,
        comments_checked: bool,
        paint: Paint,
    ) -> io::Result<()> {
        let width = self
            .folders
            .keys()
            .map(String::len)
            .max()
            .unwrap_or(0)
            .max("folder".len());
        writeln!(out)?;
        writeln!(
            out,
            "{:<width$}  {:>6}  {:>6}",
            "folder", "passed", "failed"
        )?;
        for (folder, tally) in &self.folders {
            writeln!(
                out,
                "{folder:<width$}  {:>6}  {:>6}",
                tally.passed, tally.failed
            )?;
        }
        writeln!(out)?;
        let not_reported: usize = self.folders.values().map(|t| t.end_not_reported).sum();
        if not_reported > 0 {
            writeln!(out, "end/last_event_id not reported by the program in {not_reported} passing cases (not checked there)")?;
        }
        if !comments_checked {
            writeln!(
                out,
                "comments not checked (run with --comments to check them)"
            )?;
        }
        let last = format!("{} passed, {} failed", self.passed(), self.failed());
        let last = if self.failed() > 0 {
            paint.red(&last)
        } else {
            paint.green(&last)
        };
        writeln!(out, "{last}")
    }
}
