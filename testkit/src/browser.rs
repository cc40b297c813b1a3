//! Headless Chromium for the browser tests (feature `std`): found at
//! `/usr/bin/chromium` or `SSEWIRE_CHROMIUM`, started on a loopback URL with
//! a fresh profile, stopped by its process id when dropped (also on a
//! panic). Shared by `tests/browser_encode.rs` and
//! `client-tests/tests/browser_reconnect.rs`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The browser to use, or `None` (the caller skips) when there is none and
/// `SSEWIRE_REQUIRE_BROWSER=1` is not set; with it set, panics instead.
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("SSEWIRE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("SSEWIRE_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "SSEWIRE_REQUIRE_BROWSER=1 but {} is missing",
        path.display()
    );
    eprintln!(
        "{test}: SKIPPED: no {} (install Debian's `chromium`)",
        path.display()
    );
    None
}

/// A running browser, stopped by its id when dropped, and its profile
/// directory removed.
pub struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Browser {
    /// Starts `chromium` headless on `url` (a 127.0.0.1 address), with a
    /// profile directory named by this process's id and `port`, so unique on
    /// this machine.
    pub fn launch(chromium: &PathBuf, url: &str, port: u16) -> Self {
        let profile =
            std::env::temp_dir().join(format!("ssewire-chromium-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("profile directory");
        let child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        Self { child, profile }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // SIGTERM first so that Chromium takes its helper processes down with
        // it; SIGKILL (Child::kill, same id) if it has not gone in 5 s.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
