//! Integration tests of the scenario model: the RON format, validation
//! messages, warnings and the AWS defaults the checked model makes explicit.

mod defaults;
mod edit;
mod errors;
mod glob;
mod limits;
mod missing;
mod names;
mod probe;
mod roundtrip;
mod rules;
mod transit;
mod warnings;

use awsreach_model::{Checked, LoadError, ScenarioSpec, load, parse};

/// The bundled example scenario, which exercises every entity kind.
fn example_src() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/example-full.ron"
    );
    std::fs::read_to_string(path).expect("scenarios/example-full.ron is readable")
}

fn spec(src: &str) -> ScenarioSpec {
    parse(src).unwrap_or_else(|e| panic!("parse error: {e}"))
}

/// Loads a scenario that must be valid, showing every error if it is not.
fn check(src: &str) -> Checked {
    match load(src) {
        Ok(c) => c,
        Err(LoadError::Invalid(v)) => {
            let all: Vec<String> = v.errors.iter().map(|d| d.to_string()).collect();
            panic!("expected a valid scenario, got:\n{}", all.join("\n"))
        }
        Err(e) => panic!("expected a valid scenario, got: {e}"),
    }
}

/// Every error of a scenario that must be invalid, as users read them.
fn errors(src: &str) -> Vec<String> {
    match load(src) {
        Ok(_) => panic!("expected validation errors, the scenario is valid"),
        Err(LoadError::Invalid(v)) => v.errors.iter().map(|d| d.to_string()).collect(),
        Err(e) => panic!("expected validation errors, got: {e}"),
    }
}

/// The single error of a scenario with exactly one mistake.
fn error(src: &str) -> String {
    let mut all = errors(src);
    assert_eq!(all.len(), 1, "expected exactly one error, got:\n{all:#?}");
    all.remove(0)
}

/// Warnings of a scenario that must be valid.
fn warnings(src: &str) -> Vec<String> {
    check(src).warnings.iter().map(|d| d.to_string()).collect()
}

#[test]
fn example_scenario_is_valid_without_warnings() {
    let c = check(&example_src());
    assert_eq!(c.warnings, [], "the example should be warning-free");
}

/// The complete scenarios in docs/scenario-format.md (```ron blocks that
/// open with `(` and a `name:` line) stay valid as the format evolves.
#[test]
fn scenarios_in_the_format_docs_are_valid() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/scenario-format.md");
    let doc = std::fs::read_to_string(path).expect("docs/scenario-format.md is readable");
    let mut checked = 0;
    for block in doc.split("```ron\n").skip(1) {
        let src = block.split("```").next().unwrap_or_default();
        if src.starts_with("(\n    name:") {
            check(src);
            checked += 1;
        }
    }
    assert!(checked >= 1, "no complete scenario found in the docs");
}
