//! Seeded random scenarios for fuzzing, tests and benchmarks.
//!
//! [`generate`] turns [`GenOptions`] into a [`ScenarioSpec`] that always
//! validates, byte-identical for the same options on any machine (one
//! ChaCha8 stream, no hash-order iteration). [`bench_topology`] makes the
//! large topologies of the benches, and [`probes`] picks reachability
//! questions worth asking of a scenario.
//!
//! [`ScenarioSpec`]: awsreach_model::ScenarioSpec
//!
//! "Rule N" in comments is rule N of `docs/aws-rules.md` (ARCHITECTURE.md,
//! "Where each rule lives", indexes the code of each rule).

mod addr;
mod dice;
mod generate;
mod probe;
mod profile;

pub use generate::{bench_topology, generate, try_bench_topology, try_generate};
pub use probe::{ProbeSpec, probes};
pub use profile::{GenError, GenOptions, Limits, MAX_ENIS, MAX_SUBNETS_PER_VPC, Profile};

// The invariant fuzz harness: the loop and its invariants, and the scenario
// shrinker. The independent reference evaluator is its own crate
// (awsreach-reference), which depends on the model only.
pub mod fuzz;
pub mod shrink;

pub use awsreach_reference as reference;
