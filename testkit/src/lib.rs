//! ssewire's test support, one copy used by `tests/`, `fuzz/` and `benches/`:
//!
//! - [`reference`]: the spec as a plain model over a whole input, the oracle;
//! - [`drive`]: the one driver that runs a stream through any layer under any
//!   chunking, checking each call's contract, into a comparable [`drive::Trace`];
//! - [`checks`] (feature `alloc`): the fuzz targets' checks, plain functions
//!   that panic when an invariant breaks, replayed on stable by
//!   `tests/fuzz_replay.rs`;
//! - [`browser`] (feature `std`): headless Chromium, started and stopped;
//! - [`encode`] (feature `std`): the encoder's fuzz check;
//! - [`adapters`] (feature `adapters`): each adapter driven under a chunking,
//!   compared with the core parser fed the same chunks; their fuzz checks;
//! - [`reconnect`] (feature `alloc`): the reconnection state's fuzz check;
//! - [`serve`] (feature `server`): the response body's fuzz check;
//! - [`corpus`]: the fuzz seed corpus, made in memory;
//! - [`bench`]: the driver the benchmarks time.
//!
//! Not published: `cargo package` leaves it and the tests out.

#[cfg(feature = "adapters")]
pub mod adapters;
pub mod bench;
#[cfg(feature = "std")]
pub mod browser;
#[cfg(feature = "alloc")]
pub mod checks;
pub mod corpus;
pub mod drive;
#[cfg(feature = "std")]
pub mod encode;
#[cfg(feature = "alloc")]
pub mod reconnect;
pub mod reference;
#[cfg(feature = "server")]
pub mod serve;
