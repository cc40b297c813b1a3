//! `ssewire conform`: runs `spec-fixtures/` against any program that speaks
//! the JSON-lines protocol (see `spec-fixtures/README.md`).
//!
//! This part does not use the ssewire library: it checks ssewire's own `cat`
//! the same way as any other parser.

mod case;
mod program;
mod report;
mod suite;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::exit::{Fatal, Status};
use crate::style::{self, Paint};
use crate::ConformArgs;

use case::{run_case, Outcome};
use report::Summary;
use suite::Case;

/// What a run needs from the command line.
pub struct Options {
    pub comments: bool,
    pub verbose: bool,
    pub timeout: Duration,
    pub program: String,
    pub args: Vec<String>,
}

/// `--timeout`: seconds, fractions allowed.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs > 0.0 && *secs < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{text:?} is not a positive number of seconds"))
}

pub fn run(args: &ConformArgs) -> Result<Status, Fatal> {
    let (program, program_args) = match args.program.split_first() {
        Some((program, rest)) => (program.clone(), rest.to_vec()),
        None => return Err(Fatal::new(Status::Usage, "no PROGRAM given after --")),
    };
    let options = Options {
        comments: args.comments,
        verbose: args.verbose,
        timeout: args.timeout,
        program,
        args: program_args,
    };
    let root = fixtures_dir(args.fixtures.as_deref())?;
    let cases: Vec<Case> = suite::discover(&root)
        .map_err(|message| Fatal::new(Status::Input, message))?
        .into_iter()
        .filter(|case| args.only.is_empty() || args.only.iter().any(|p| case.name.contains(p)))
        .collect();
    if cases.is_empty() {
        return Err(Fatal::new(
            Status::Input,
            format!("no case found under {}", root.display()),
        ));
    }
    program::check_starts(&options)?;

    let paint = Paint {
        on: style::stdout_colour(),
    };
    let mut out = std::io::stdout().lock();
    let summary = run_all(&mut out, &cases, &root, &options, paint).map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Fatal::quiet()
        } else {
            Fatal::new(
                Status::Input,
                format!("<stdout>: {}", crate::exit::describe_io(&e)),
            )
        }
    })?;
    Ok(if summary.failed() > 0 {
        Status::Failed
    } else {
        Status::Ok
    })
}

/// Runs every case, printing rows as they finish, then the summary.
fn run_all(
    out: &mut dyn Write,
    cases: &[Case],
    root: &Path,
    options: &Options,
    paint: Paint,
) -> std::io::Result<Summary> {
    writeln!(
        out,
        "running {} cases from {} against: {}",
        cases.len(),
        root.display(),
        options.command_line()
    )?;
    let progress = std::io::stderr().is_terminal();
    let width = cases.iter().map(|case| case.name.len()).max().unwrap_or(0);
    let mut summary = Summary::default();
    for (done, case) in cases.iter().enumerate() {
        if progress {
            // One line, rewritten: where the run is, never scrolled away.
            eprint!("\r\x1b[2K[{}/{}] {}", done + 1, cases.len(), case.name);
            let _ = std::io::stderr().flush();
        }
        let outcome = run_case(case, options);
        if progress && (options.verbose || matches!(outcome, Outcome::Fail { .. })) {
            eprint!("\r\x1b[2K");
        }
        report::print_row(out, case, &outcome, width, options.verbose, paint)?;
        out.flush()?;
        summary.add(case, &outcome);
    }
    if progress {
        eprint!("\r\x1b[2K");
    }
    summary.print(out, options.comments, paint)?;
    Ok(summary)
}

impl Options {
    pub fn command_line(&self) -> String {
        let mut words = vec![self.program.clone()];
        words.extend(self.args.iter().cloned());
        words.join(" ")
    }
}

/// `--fixtures`, else `./spec-fixtures`, else the suite of the repository
/// this command was built from.
fn fixtures_dir(given: Option<&Path>) -> Result<PathBuf, Fatal> {
    if let Some(dir) = given {
        return if dir.is_dir() {
            Ok(dir.to_path_buf())
        } else {
            Err(Fatal::new(
                Status::Input,
                format!("{}: not a directory", dir.display()),
            ))
        };
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec-fixtures");
    [PathBuf::from("spec-fixtures"), built_from]
        .into_iter()
        .find(|dir| dir.is_dir())
        .ok_or_else(|| {
            Fatal::new(
                Status::Input,
                "no spec-fixtures/ here or in the repository ssewire was built from: pass --fixtures DIR",
            )
        })
}
