//! Running the built `ssewire` in tests.
#![allow(dead_code)] // each test file uses a part

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_ssewire");

/// The repository root (fixtures, the bundled sample).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn fixtures() -> PathBuf {
    root().join("spec-fixtures")
}

/// `ssewire ARGS` in the repository root, its output piped, with no proxy
/// (URLs in tests are on 127.0.0.1) and no NO_COLOR from the environment.
pub fn ssewire(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("NO_COLOR");
    for proxy in ["http_proxy", "https_proxy", "all_proxy"] {
        command.env_remove(proxy).env_remove(proxy.to_uppercase());
    }
    command
}

/// Runs `ssewire ARGS` with `stdin` as its input, in the repository root.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = ssewire(args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("ssewire starts");
    let mut input = child.stdin.take().expect("piped stdin");
    let bytes = stdin.to_vec();
    // Written on a thread: a program may print before it has read it all.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let output = child.wait_with_output().expect("ssewire ends");
    writer.join().expect("writer thread");
    output
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every `folder/name` case of the suite, sorted, with its stream path.
pub fn cases() -> Vec<(String, PathBuf)> {
    let mut cases = Vec::new();
    for folder in std::fs::read_dir(fixtures()).expect("spec-fixtures/") {
        let folder = folder.expect("entry").path();
        if !folder.is_dir() || folder.ends_with("tools") {
            continue;
        }
        for file in std::fs::read_dir(&folder).expect("folder") {
            let path = file.expect("entry").path();
            if path.extension().is_some_and(|e| e == "sse") {
                let name = format!(
                    "{}/{}",
                    folder.file_name().unwrap_or_default().to_string_lossy(),
                    path.file_stem().unwrap_or_default().to_string_lossy()
                );
                cases.push((name, path));
            }
        }
    }
    cases.sort();
    assert!(cases.len() >= 329, "the suite is there");
    cases
}
