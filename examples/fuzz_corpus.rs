//! Writes the fuzz seed corpus: `fuzz/corpus/<target>/<hash>` for each fuzz
//! target, from `spec-fixtures/**/*.sse`, inline seeds and variants (see
//! `testkit/src/corpus.rs`, which `tests/fuzz_replay.rs` also runs on stable).
//!
//! ```text
//! cargo run --example fuzz_corpus [-- OUT_DIR]   # default: fuzz/corpus
//! ```

use ssewire_testkit::corpus;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    // suite/, whose parent is the repository's root.
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(|| root.join("fuzz/corpus"), PathBuf::from);
    let fixtures = corpus::fixtures(&root.join("spec-fixtures"));
    let streams = corpus::streams(&fixtures);
    for target in corpus::TARGETS.into_iter().chain(corpus::ADAPTER_TARGETS) {
        let dir = out.join(target);
        std::fs::create_dir_all(&dir)?;
        let seeds = corpus::seeds(target, &streams);
        for seed in &seeds {
            // Named by content, as libFuzzer names its files (not SHA-1 here).
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            seed.hash(&mut hasher);
            std::fs::write(dir.join(format!("seed-{:016x}", hasher.finish())), seed)?;
        }
        println!("{}: {} seeds", dir.display(), seeds.len());
    }
    println!("from {} fixtures", fixtures.len());
    Ok(())
}
