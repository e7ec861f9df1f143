//! The fuzz targets' shared harness (see `fuzz_targets/`). It lives in `harness.rs` so that
//! `tests/fuzz_regressions.rs` replays committed crash reproducers through exactly this code.
mod harness;
pub use harness::{check, parse, Syntax};
