//! Where a property test file keeps its failures: proptest's config with the
//! failures persisted in `tests/NAME.proptest-regressions`, beside the file.
//!
//! proptest finds that file by itself from the source path, but these tests
//! are built from `suite/` (see its `Cargo.toml`), so their source path is
//! `suite/../tests/NAME.rs`, which it resolves to the wrong directory, and
//! then it neither reads the saved cases nor saves new ones where they are
//! kept.

/// `ProptestConfig` with `cases` cases and the failures of `tests/NAME.rs`
/// persisted beside it.
macro_rules! regressions_config {
    ($cases:expr, $name:literal) => {
        proptest::test_runner::Config {
            cases: $cases,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../tests/",
                    $name,
                    ".proptest-regressions"
                )),
            )),
            ..proptest::test_runner::Config::default()
        }
    };
}
