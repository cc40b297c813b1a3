//! The fuzz checks on stable, without libFuzzer: every seed of the corpus (made
//! in memory from `spec-fixtures/` and inline seeds, the same way
//! `examples/fuzz_corpus.rs` writes it for `cargo fuzz`) and every regression
//! input in `fuzz/regressions/<target>/` goes through the same checks as the
//! fuzz targets (`ssewire_testkit::checks`).
#![cfg(feature = "alloc")]

use ssewire_testkit::{checks, corpus};

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    // suite/, whose parent is the repository's root.
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The core's targets, and the adapters' when their features are on.
fn all_targets() -> Vec<(&'static str, checks::Check)> {
    #[allow(unused_mut)]
    let mut all = checks::TARGETS.to_vec();
    #[cfg(feature = "tokio-util")]
    all.extend(ssewire_testkit::adapters::TARGETS);
    all
}

fn check(target: &str) -> checks::Check {
    all_targets()
        .into_iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| check)
        .expect("a target of fuzz/checks")
}

/// Runs `check` on `input`; on a failure, says which input it was.
fn run(target: &str, what: &str, input: &[u8]) {
    let result = std::panic::catch_unwind(|| check(target)(input));
    if let Err(panic) = result {
        eprintln!("fuzz_replay: {target} failed on {what}: {input:?}");
        std::panic::resume_unwind(panic);
    }
}

fn seeds_of(target: &str) {
    let fixtures = corpus::fixtures(&root().join("spec-fixtures"));
    let streams = corpus::streams(&fixtures);
    let seeds = corpus::seeds(target, &streams);
    for (i, seed) in seeds.iter().enumerate() {
        run(target, &format!("seed {i}"), seed);
    }
    eprintln!("fuzz_replay: {target}: {} seeds", seeds.len());
}

#[test]
fn seed_corpus_one_shot() {
    seeds_of("one_shot");
}

#[test]
fn seed_corpus_chunked() {
    seeds_of("chunked");
}

#[test]
fn seed_corpus_differential() {
    seeds_of("differential");
}

#[test]
fn seed_corpus_limits() {
    seeds_of("limits");
}

#[test]
fn seed_corpus_text() {
    seeds_of("text");
}

#[test]
fn seed_corpus_layers() {
    seeds_of("layers");
}

/// The adapters' targets over `chunked`'s seeds: every adapter against the
/// core parser, under every chunk schedule and setting.
#[cfg(feature = "tokio-util")]
#[test]
fn seed_corpus_adapters() {
    for target in corpus::ADAPTER_TARGETS {
        seeds_of(target);
    }
}

/// Beyond the seeds: every stream under every chunk schedule and layer
/// selector (`chunked`), and under a sweep of limits, policies and storages
/// (`limits`).
#[test]
fn sweep_schedules_and_limits() {
    let fixtures = corpus::fixtures(&root().join("spec-fixtures"));
    let streams = corpus::streams(&fixtures);
    let mut count = 0;
    for (i, stream) in streams.iter().enumerate() {
        for (j, schedule) in corpus::SCHEDULES.iter().enumerate() {
            for selector in 0..16u8 {
                let input = corpus::with_schedule(selector, schedule, stream);
                run("chunked", &format!("stream {i}, schedule {j}"), &input);
                count += 1;
            }
        }
        for limit in [0u8, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233] {
            for flags in [0u8, 1, 2, 3, 4, 5, 9, 11, 16, 17, 42, 43] {
                let schedule =
                    corpus::SCHEDULES[(i + usize::from(flags)) % corpus::SCHEDULES.len()];
                let input = [
                    &[limit, flags][..],
                    &corpus::with_schedule(u8::from(limit % 3 == 0), schedule, stream),
                ]
                .concat();
                run(
                    "limits",
                    &format!("stream {i}, limit {limit}, flags {flags}"),
                    &input,
                );
                count += 1;
            }
        }
    }
    eprintln!("fuzz_replay: {count} sweep inputs");
}

/// Whole fixtures (up to 64 KiB, not cut to the seed size) against the model
/// and across layers.
#[test]
fn whole_fixtures() {
    for (path, bytes) in corpus::fixtures(&root().join("spec-fixtures")) {
        let what = path.display().to_string();
        run("differential", &what, &bytes);
        run("layers", &what, &bytes);
    }
}

/// Every file in `fuzz/regressions/<target>/`, through that target's check.
#[test]
fn regressions() {
    let dir = root().join("fuzz/regressions");
    let mut count = 0;
    for (target, _) in all_targets() {
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths.iter().filter(|p| p.is_file()) {
            let input = std::fs::read(path).expect("readable");
            run(target, &path.display().to_string(), &input);
            count += 1;
        }
    }
    eprintln!("fuzz_replay: {count} regression inputs");
}

/// The corpus is big enough to be worth having: 200 seeds per target even
/// without the fixtures would be too much to ask, so with them.
#[test]
fn corpus_size() {
    let fixtures = corpus::fixtures(&root().join("spec-fixtures"));
    let streams = corpus::streams(&fixtures);
    for target in corpus::TARGETS {
        assert!(checks::TARGETS.iter().any(|(name, _)| *name == target));
        let seeds = corpus::seeds(target, &streams);
        assert!(seeds.len() >= 60, "{target}: {} seeds", seeds.len());
        if !fixtures.is_empty() {
            assert!(seeds.len() >= 200, "{target}: {} seeds", seeds.len());
        }
        assert!(seeds.iter().all(|s| s.len() <= corpus::MAX_SEED + 32));
    }
}

/// Runs a check that is not one of `checks::TARGETS` on its seeds, on
/// `extra` inputs and on `fuzz/regressions/<target>/`; on a failure, says
/// which input it was.
fn replay(target: &str, check: fn(&[u8]), seeds: Vec<Vec<u8>>, extra: Vec<(String, Vec<u8>)>) {
    let mut inputs: Vec<(String, Vec<u8>)> = seeds
        .into_iter()
        .enumerate()
        .map(|(i, seed)| (format!("seed {i}"), seed))
        .collect();
    inputs.extend(extra);
    inputs.extend(regression_inputs(target));
    for (what, input) in &inputs {
        if let Err(panic) = std::panic::catch_unwind(|| check(input)) {
            eprintln!("fuzz_replay: {target} failed on {what}: {input:?}");
            std::panic::resume_unwind(panic);
        }
    }
    eprintln!("fuzz_replay: {target}: {} inputs", inputs.len());
}

/// The files of `fuzz/regressions/<target>/`, named by path, in order.
fn regression_inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(root().join("fuzz/regressions").join(target)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.is_file())
        .map(|path| {
            let input = std::fs::read(&path).expect("readable");
            (path.display().to_string(), input)
        })
        .collect()
}

/// The encoder's check (`ssewire_testkit::encode`): its inline seeds and
/// `fuzz/regressions/encode/`.
#[cfg(feature = "std")]
#[test]
fn encode_seeds_and_regressions() {
    use ssewire_testkit::encode;

    replay("encode", encode::encode, encode::seeds(), Vec::new());
}

/// The reconnection check (`ssewire_testkit::reconnect`): its seeds, every
/// short op sequence under a few option bytes, long pseudo-random ones, and
/// `fuzz/regressions/reconnect/`.
#[test]
fn reconnect_seeds_sweep_and_regressions() {
    use ssewire_testkit::reconnect;

    let mut inputs = Vec::new();
    // 64: a request without response is sent again; 128: the head parsers.
    for flags in [
        0u8,
        1,
        2,
        4,
        7,
        8,
        15,
        2 | 16,
        3 | 32,
        6 | 48,
        64,
        64 | 7,
        128,
    ] {
        // Every sequence of 4 ops, arguments fixed by position.
        for n in 0..10u32.pow(4) {
            let mut input = vec![flags];
            let mut m = n;
            for k in 0..4u8 {
                input.extend([(m % 10) as u8, k.wrapping_mul(77)]);
                m /= 10;
            }
            inputs.push((format!("flags {flags}, ops {n}"), input));
        }
        // Long sequences from a fixed xorshift.
        let mut x = 0x2545_F491_4F6C_DD1Du64 ^ u64::from(flags);
        for k in 0..50 {
            let input: Vec<u8> = std::iter::once(flags)
                .chain((0..200).map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                }))
                .collect();
            inputs.push((format!("flags {flags}, random {k}"), input));
        }
    }
    replay(
        "reconnect",
        reconnect::reconnect,
        reconnect::seeds(),
        inputs,
    );
}

/// The response body's check (`ssewire_testkit::serve`): its seeds and
/// `fuzz/regressions/serve_body/`.
#[cfg(feature = "server")]
#[test]
fn serve_body_seeds_and_regressions() {
    use ssewire_testkit::serve;

    replay("serve_body", serve::body, serve::seeds(), Vec::new());
}
