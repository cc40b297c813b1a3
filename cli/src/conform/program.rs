//! Running the program under test and reading what it printed.

use serde_json::{Map, Value};
use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::case::cut;
use super::suite::{event_from, string, Event};
use super::Options;
use crate::exit::{Fatal, Status};

/// Fails early, with its own status, when the program cannot be started at
/// all: every case would fail the same way.
pub fn check_starts(options: &Options) -> Result<(), Fatal> {
    let started = Command::new(&options.program)
        .args(&options.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match started {
        Ok(mut child) => {
            // It reads an empty stream and ends; whatever it does is the cases' business.
            let _ = child.kill();
            let _ = child.wait();
            Ok(())
        }
        Err(e) => Err(Fatal::new(
            Status::Program,
            format!(
                "cannot start {}: {}",
                options.program,
                crate::exit::describe_io(&e)
            ),
        )),
    }
}

pub struct RunOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// `None` when the program was killed at the timeout.
    pub status: Option<ExitStatus>,
}

pub fn run_program(options: &Options, extra: &[&str], input: Vec<u8>) -> Result<RunOutput, String> {
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

pub fn spawn_reader<R: Read + Send + 'static>(source: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut source) = source {
            let _ = source.read_to_end(&mut bytes);
        }
        bytes
    })
}

pub fn wait_with_timeout(
    child: &mut Child,
    timeout: Duration,
) -> Result<Option<ExitStatus>, String> {
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
pub struct Reported {
    pub events: Vec<Event>,
    pub retries: Vec<u64>,
    pub comments: Vec<String>,
    /// `(end, last_event_id)` from the final line, if the program printed one.
    pub end: Option<(String, String)>,
}

pub fn parse_output(stdout: &[u8]) -> Result<Reported, String> {
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

pub fn parse_output_line(
    object: &Map<String, Value>,
    reported: &mut Reported,
) -> Result<(), String> {
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
