//! Nothing: this package exists for its targets, ssewire's tests, examples
//! and benches, which live at the repository's root (see `Cargo.toml`).
