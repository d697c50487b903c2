//! Integration tests of the generator: every scenario validates, the same
//! options give the same bytes, RON round-trips, sizes scale, and the
//! patterns the seed guide and aws-rules.md care about do appear.

mod coverage;
mod diff;
mod expectations;
mod probes;
mod properties;

use awsreach_gen::{GenOptions, Profile, generate};
use awsreach_model::{Checked, ScenarioSpec, to_ron, validate};

/// Validates a generated scenario, showing every error and how to replay it.
fn check(spec: &ScenarioSpec, what: &str) -> Checked {
    match validate(spec) {
        Ok(c) => c,
        Err(e) => {
            let all: Vec<String> = e.errors.iter().map(|d| d.to_string()).collect();
            panic!(
                "{what}: generated scenario is invalid:\n{}\n\n{}",
                all.join("\n"),
                to_ron(spec)
            )
        }
    }
}

fn gen_with(profile: Profile, seed: u64) -> ScenarioSpec {
    generate(&GenOptions::new(profile, seed))
}
