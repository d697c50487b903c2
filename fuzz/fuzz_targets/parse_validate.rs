//! Arbitrary bytes, read as (lossy) UTF-8, through everything a user's
//! scenario file goes through: parse, validate, and when valid compile,
//! probe its expectations and a few generated probes, build a few matrix
//! cells and apply a fix. None of it may panic.
//!
//! The same path runs under `cargo test` on mangled copies of the bundled
//! scenarios (crates/gen/tests/fuzz.rs); this target lets libFuzzer search
//! for inputs nobody thought of. Seed the corpus with `scenarios/`:
//!
//!   cargo +nightly fuzz run parse_validate ../scenarios

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = awsreach_gen::fuzz::exercise(&text);
});
