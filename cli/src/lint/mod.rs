//! `ssewire lint`: what a server author should fix in a stream.

mod report;
mod rules;
mod scan;
mod url;

pub use report::escape;

use std::io::{self, Write};

use crate::exit::{Fatal, Status};
use crate::input::{self, Source};
use crate::style::{self, Paint};
use crate::LintArgs;

/// `--help` text: the rules, from the rule table, and the exit statuses.
pub fn rules_help() -> String {
    let mut text = String::from("Rules:\n");
    for (name, severity, what) in rules::RULES {
        text.push_str(&format!("  {name:<20} {:<8} {what}\n", severity.name()));
    }
    text.push_str(
        "\nExit status:
  0  no errors (warnings allowed)
  1  errors found
  2  usage error
  3  input missing, a directory, or unreadable
  5  a URL could not be fetched: refused, or no response within --max-time",
    );
    text
}

pub fn run(args: &LintArgs) -> Result<Status, Fatal> {
    let source = Source::parse(args.input.as_deref());
    let printer = report::Printer {
        out: io::BufWriter::new(io::stdout().lock()),
        name: source.name().to_string(),
        json: args.json,
        paint: Paint {
            on: !args.json && style::stdout_colour(),
        },
        errors: 0,
        warnings: 0,
        result: Ok(()),
    };
    let mut checker = rules::Checker::new(printer, args.max_line_size, args.max_event_size);
    let mut scanner = scan::Scanner::default();
    if let Source::Url(url) = &source {
        // The stream's end is judged only if the server ended it.
        if url::lint(url, args, &mut scanner, &mut checker)? {
            scanner.finish(&mut checker);
        }
    } else {
        let mut opened = source.open()?;
        let mut chunk = vec![0u8; input::CHUNK];
        loop {
            let n = input::read_chunk(&mut opened.reader, &mut chunk, source.name())?;
            if n == 0 {
                break;
            }
            scanner.feed(chunk.get(..n).unwrap_or_default(), &mut checker);
            written(&mut checker.report.result)?;
        }
        scanner.finish(&mut checker);
    }
    let printer = &mut checker.report;
    if !printer.json && printer.errors + printer.warnings > 0 {
        let summary = format!(
            "{}: {} error{}, {} warning{}\n",
            printer.name,
            printer.errors,
            plural(printer.errors),
            printer.warnings,
            plural(printer.warnings)
        );
        if printer.result.is_ok() {
            printer.result = printer.out.write_all(summary.as_bytes());
        }
    }
    if printer.result.is_ok() {
        printer.result = printer.out.flush();
    }
    written(&mut printer.result)?;
    Ok(if printer.errors > 0 {
        Status::Failed
    } else {
        Status::Ok
    })
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A failed write ends the command; a closed pipe ends it quietly.
pub(crate) fn written(result: &mut io::Result<()>) -> Result<(), Fatal> {
    match std::mem::replace(result, Ok(())) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Fatal::quiet()),
        Err(e) => Err(Fatal::new(
            Status::Input,
            format!("<stdout>: {}", crate::exit::describe_io(&e)),
        )),
    }
}
