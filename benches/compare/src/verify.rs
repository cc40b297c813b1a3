//! Checks a runner before it is timed.
//!
//! A runner passes on a corpus/chunking pair when its event count, data checksum and
//! total data length all equal the corpus's expected values and the parser reported no
//! error. A panic is caught and reported. Some peers are quadratic on some inputs
//! (a single 8 MiB chunk holding a million events would take them hours), so a cheap
//! time probe runs first: the runner is timed on growing prefixes of the input (1/64,
//! 1/32, ... of it; short runs twice, keeping the faster) and the growth per doubling
//! is measured (x2 linear to x4 quadratic; x4 assumed until measured). Once a run is
//! long enough to measure (10 ms), if the next, twice as long prefix would take longer
//! than the budget, the runner is reported as too slow and neither verified nor timed
//! there. So no single run goes far past the budget, and a runner whose whole-input
//! run fits in it is let through.

use crate::corpus::Expected;
use crate::{Input, Runner};
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// The outcome of verifying one runner on one input.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Right results; the verification run (with hashing) took this long.
    Pass { took: Duration },
    /// Wrong results, or an error from the parser.
    Wrong {
        got: Expected,
        expected: Expected,
        errors: u64,
        first_error: Option<String>,
    },
    /// The runner panicked.
    Panicked { message: String },
    /// The time probe predicts a run longer than the budget.
    TooSlow { detail: String },
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Pass { .. })
    }

    /// One word for tables: `ok`, `WRONG`, `PANIC`, `SLOW`.
    pub fn status(&self) -> &'static str {
        match self {
            Verdict::Pass { .. } => "ok",
            Verdict::Wrong { .. } => "WRONG",
            Verdict::Panicked { .. } => "PANIC",
            Verdict::TooSlow { .. } => "SLOW",
        }
    }

    /// One line for people.
    pub fn detail(&self) -> String {
        match self {
            Verdict::Pass { took } => format!("verified in {:.1} ms", took.as_secs_f64() * 1e3),
            Verdict::Wrong {
                got,
                expected,
                errors,
                first_error,
            } => {
                let checksum = if got.checksum == expected.checksum {
                    "equal"
                } else {
                    "differs"
                };
                let mut s = format!(
                    "{} events (expected {}), {} data bytes (expected {}), checksum {checksum}",
                    got.events, expected.events, got.data_bytes, expected.data_bytes,
                );
                if *errors > 0 {
                    s += &format!("; error: {}", first_error.as_deref().unwrap_or("?"));
                }
                s
            }
            Verdict::Panicked { message } => format!("panicked: {message}"),
            Verdict::TooSlow { detail } => detail.clone(),
        }
    }
}

/// Verifies `runner` on `input` (see the module docs).
pub fn verify(runner: &Runner, input: &Input, expected: Expected, budget: Duration) -> Verdict {
    if let Some(verdict) = probe(runner, input, budget) {
        return verdict;
    }
    let start = Instant::now();
    let sink = match catch_unwind(AssertUnwindSafe(|| (runner.verify)(input))) {
        Ok(sink) => sink,
        Err(payload) => {
            return Verdict::Panicked {
                message: panic_message(&*payload),
            }
        }
    };
    let took = start.elapsed();
    let got = sink.result();
    if got == expected && sink.errors == 0 {
        Verdict::Pass { took }
    } else {
        Verdict::Wrong {
            got,
            expected,
            errors: sink.errors,
            first_error: sink.first_error,
        }
    }
}

fn probe(runner: &Runner, input: &Input, budget: Duration) -> Option<Verdict> {
    // Runs shorter than this are too noisy on a shared machine to judge from.
    const RELIABLE: f64 = 0.010;
    let full = input.len();
    let mut len = (full / 64).max(4096);
    let mut previous: Option<f64> = None;
    while len < full {
        let prefix = input.prefix(len);
        let mut secs = match timed(runner, &prefix) {
            Ok(secs) => secs,
            Err(verdict) => return Some(verdict),
        };
        if secs < 5.0 * RELIABLE {
            // Cheap enough to run again: keep the better of two.
            secs = match timed(runner, &prefix) {
                Ok(again) => secs.min(again),
                Err(verdict) => return Some(verdict),
            };
        }
        // Growth per doubling, linear (x2) to quadratic (x4); the worst until measured.
        let growth = match previous {
            Some(before) if before > 0.0 => (secs / before).clamp(2.0, 4.0),
            _ => 4.0,
        };
        let next = (2 * len).min(full);
        let doublings = |to: usize| (to as f64 / len as f64).log2();
        let next_secs = secs * growth.powf(doublings(next));
        if secs >= RELIABLE && next_secs > budget.as_secs_f64() {
            let whole_secs = secs * growth.powf(doublings(full));
            let mut detail = format!(
                "too slow: {:.0} KiB took {:.0} ms, x{:.1} per doubling, so about {:.1} s",
                len as f64 / 1024.0,
                secs * 1e3,
                growth,
                next_secs,
            );
            if next < full {
                detail += &format!(" for {:.0} KiB and {whole_secs:.1} s", next as f64 / 1024.0);
            }
            detail += &format!(
                " for the whole {:.0} KiB (budget {} s per run)",
                full as f64 / 1024.0,
                budget.as_secs_f64()
            );
            return Some(Verdict::TooSlow { detail });
        }
        previous = Some(secs);
        len = next;
    }
    None
}

/// Seconds for one timed-form run, or the panic it raised.
fn timed(runner: &Runner, input: &Input) -> Result<f64, Verdict> {
    let start = Instant::now();
    match catch_unwind(AssertUnwindSafe(|| (runner.count)(input))) {
        Ok(_) => Ok(start.elapsed().as_secs_f64()),
        Err(payload) => Err(Verdict::Panicked {
            message: panic_message(&*payload),
        }),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}
