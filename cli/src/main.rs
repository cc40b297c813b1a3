//! `ssewire`: cat a Server-Sent Events stream, lint a server's output, hold
//! any parser to the `spec-fixtures/` suite.

mod cat;
mod conform;
mod exit;
mod http;
mod input;
mod json;
mod lint;
mod request;
mod size;
mod style;
mod url;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use exit::{Status, STATUSES};

#[derive(Parser)]
#[command(
    name = "ssewire",
    version,
    about = "Cat, lint and conformance-test text/event-stream (Server-Sent Events) streams",
    after_help = STATUSES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Cat(CatArgs),
    Lint(LintArgs),
    Conform(ConformArgs),
}

/// Print a stream's events, parsed by the spec, as they arrive.
///
/// Writes JSON lines (the spec-fixtures protocol: {"type","data","id"} per
/// event, {"retry": N} per retry, {"comment": ...} with --comments, and a last
/// {"end": "clean"|"incomplete", "last_event_id": ...}) or, on a terminal, a
/// readable coloured form. Each event is written as soon as it is complete:
/// `curl -sN URL | ssewire cat` is live.
///
/// A URL is fetched and followed as EventSource does: when the stream ends or
/// breaks, the same request is sent again after the server's `retry` time
/// (3 s until it sets one; backoff while attempts fail), with the
/// Last-Event-ID of the last event. Each reconnection is one line on stderr;
/// stdout has only the stream, and an end line only when the server ends it
/// for good (a 204, or the one connection of --no-reconnect). Until the stream
/// has opened once, any failure ends the command (status 5; a response that
/// is not a stream is shown with the start of its body); after that, 429,
/// 502, 503 and 504 are retried, honouring Retry-After.
///
/// A request other than GET (-d, --data-json, -X POST) makes one connection
/// unless --reconnect: sending a POST again repeats what it does (an LLM
/// answer paid twice, an MCP call made twice).
#[derive(Args)]
#[command(after_help = exit::CAT_STATUSES)]
pub struct CatArgs {
    /// A file, `-` for stdin (the default), or an http(s) URL.
    pub input: Option<String>,
    /// Also print comment lines.
    #[arg(long)]
    pub comments: bool,
    /// Largest event accepted, in bytes (suffixes K, M, G: 64K, 16M).
    #[arg(long, value_name = "SIZE", value_parser = size::parse, default_value = "16M")]
    pub max_event_size: usize,
    /// Longest `id` accepted, in bytes (default: --max-event-size, as an ID
    /// is part of an event; browsers have no lower bound). An event with a
    /// longer ID is dropped (status 4) and the last event ID stays.
    #[arg(long, value_name = "SIZE", value_parser = size::parse)]
    pub max_id_size: Option<usize>,
    /// Treat an event that is not valid UTF-8 as an error (it is dropped).
    #[arg(long)]
    pub strict_utf8: bool,
    /// Stop after the first event whose data is exactly TEXT (e.g. '[DONE]').
    #[arg(long, value_name = "TEXT")]
    pub until_data: Option<String>,
    /// JSON lines even on a terminal.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub follow: FollowArgs,
}

/// Whether `cat URL` reconnects.
#[derive(Args, Debug, Default)]
#[command(next_help_heading = "URL input")]
pub struct FollowArgs {
    /// One connection: its end ends the command (status 0 after a clean end,
    /// 1 inside an event or on a broken connection). The default for a
    /// request other than GET; a GET reconnects with Last-Event-ID, waiting
    /// the server's `retry` time.
    #[arg(long, conflicts_with = "reconnect")]
    pub no_reconnect: bool,
    /// Reconnect a request other than GET too (a POST is sent again, with
    /// its body and Last-Event-ID, each time the stream ends or breaks).
    #[arg(long)]
    pub reconnect: bool,
}

/// Options for URL input: the request.
#[derive(Args, Debug, Default)]
#[command(next_help_heading = "URL input")]
pub struct HttpArgs {
    /// HTTP method (default GET, or POST with -d or --data-json).
    #[arg(short = 'X', long = "request", value_name = "METHOD", value_parser = http::method)]
    pub method: Option<String>,
    /// A request header, `Name: value`; repeatable. Replaces the default
    /// Accept or Cache-Control or the body's Content-Type; a Last-Event-ID
    /// resumes from that ID.
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = http::header)]
    pub headers: Vec<String>,
    /// Request body, sent as it is with `Content-Type:
    /// application/x-www-form-urlencoded`, as curl's -d (-H replaces it);
    /// `@FILE` reads it from FILE, once, every byte kept (curl's -d @FILE
    /// drops line breaks; its --data-binary does not). POST unless -X.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub body: Option<String>,
    /// A JSON request body (`@FILE` reads it from FILE), sent with
    /// `Content-Type: application/json` and `Accept: text/event-stream` (-H
    /// replaces either: an MCP server wants `Accept: application/json,
    /// text/event-stream`). POST unless -X.
    #[arg(long = "data-json", value_name = "JSON", conflicts_with = "body")]
    pub json_body: Option<String>,
}

/// Check a server's output: what a server author should fix.
///
/// Each finding has a byte offset, a line and a column (1-based, in bytes), a
/// rule and a severity, and is printed as `FILE:LINE:COL: SEVERITY[RULE]:
/// MESSAGE` with the line and a caret, or with --json as one JSON object per
/// line. The stream is read in chunks with bounded memory (stdin too).
///
/// A URL is fetched once (with the request options of `cat`): the response's
/// status, Content-Type, Cache-Control and what buffers or compresses it
/// are checked, then its body, for --max-time seconds or --max-events
/// events at most (a stream cut there is not faulted for how it ends).
#[derive(Args)]
#[command(after_help = lint::rules_help())]
pub struct LintArgs {
    /// A file, `-` for stdin (the default), or an http(s) URL.
    pub input: Option<String>,
    /// One JSON object per finding, for tools.
    #[arg(long)]
    pub json: bool,
    /// Longest line without a warning (many clients read lines with a 64 KiB buffer).
    #[arg(long, value_name = "SIZE", value_parser = size::parse, default_value = "64K")]
    pub max_line_size: usize,
    /// Largest event without an error (ssewire's default limit).
    #[arg(long, value_name = "SIZE", value_parser = size::parse, default_value = "16M")]
    pub max_event_size: usize,
    /// URL input: stop reading the stream after SECS seconds (the response
    /// head must come within them too).
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = conform::parse_timeout)]
    pub max_time: std::time::Duration,
    /// URL input: stop reading the stream after N events.
    #[arg(long, value_name = "N")]
    pub max_events: Option<u64>,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// Run spec-fixtures/ against any program that speaks the JSON-lines protocol.
///
/// For each case, starts PROGRAM ARGS (adding --comments with --comments when
/// the case lists comments), writes the case's stream to its stdin, closes it,
/// and compares the JSON lines it prints with the expected result. A case
/// fails on any difference, on output that is not the protocol, on a non-zero
/// exit, or after the timeout.
#[derive(Args)]
#[command(after_help = exit::CONFORM_STATUSES)]
pub struct ConformArgs {
    /// The suite (default: ./spec-fixtures, else the one in the repository
    /// this command was built from).
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// Also check comments, passing --comments to PROGRAM for the cases that list them.
    #[arg(long)]
    pub comments: bool,
    /// Run only the cases whose `folder/name` contains PATTERN; repeatable.
    #[arg(long, alias = "filter", value_name = "PATTERN")]
    pub only: Vec<String>,
    /// Show every case, and what differs under each failure.
    #[arg(short, long)]
    pub verbose: bool,
    /// Seconds allowed per case.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = conform::parse_timeout)]
    pub timeout: std::time::Duration,
    /// The program under test and its arguments.
    #[arg(required = true, last = true, value_name = "PROGRAM")]
    pub program: Vec<String>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are not errors.
            let status = if error.use_stderr() {
                Status::Usage
            } else {
                Status::Ok
            };
            let _ = error.print();
            return status.into();
        }
    };
    let result = match cli.command {
        Command::Cat(args) => cat::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Conform(args) => conform::run(&args),
    };
    match result {
        Ok(status) => status.into(),
        Err(fatal) => {
            if !fatal.message.is_empty() {
                eprintln!("ssewire: {fatal}");
            }
            fatal.status.into()
        }
    }
}
