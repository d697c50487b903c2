//! Integration tests of the simulator: every scenario file's expectations,
//! reason-code coverage, fix soundness, the seed principles, one test per
//! AWS rule, and snapshots of a handful of traces.

mod blast;
mod ipv6;
mod rules;
mod scenarios;
mod seed;
mod snapshots;
mod transit;

use std::path::{Path, PathBuf};

use awsreach_model::{LoadError, ScenarioSpec, load, parse, validate};
use awsreach_sim::{Engine, Outcome, ProbeOptions, Trace, Verdict};

/// The workspace root, where `scenarios/` lives.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.ron` file under `scenarios/`, recursively, sorted.
fn scenario_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "ron") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("scenarios"), &mut out);
    out.sort();
    out
}

/// A path relative to the workspace root, for messages.
fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A scenario ready to probe: its raw spec (for fixes) and its engine.
struct Loaded {
    spec: ScenarioSpec,
    engine: Engine,
}

/// Parses and validates a scenario that must be valid, showing every error otherwise.
fn load_src(src: &str, what: &str) -> Loaded {
    let spec = parse(src).unwrap_or_else(|e| panic!("{what}: parse error: {e}"));
    load_spec(spec, what)
}

fn load_file(path: &Path) -> Loaded {
    let src = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    load_src(&src, &rel(path))
}

/// Re-validates a spec changed by a test.
fn load_spec(spec: ScenarioSpec, what: &str) -> Loaded {
    let checked = match validate(&spec) {
        Ok(c) => c,
        Err(v) => {
            let all: Vec<String> = v.errors.iter().map(|d| d.to_string()).collect();
            panic!("{what}: invalid scenario:\n{}", all.join("\n"))
        }
    };
    Loaded {
        spec,
        engine: Engine::new(checked.scenario),
    }
}

impl Loaded {
    fn outcome(&self, from: &str, to: &str) -> Outcome {
        self.outcome_with(from, to, &ProbeOptions::default())
    }

    fn outcome_with(&self, from: &str, to: &str, opts: &ProbeOptions) -> Outcome {
        let probe = self
            .engine
            .probe(from, to, opts)
            .unwrap_or_else(|e| panic!("probe {from} -> {to}: {e}"));
        let fast = self.engine.outcome(&probe);
        // The verdict-only walk and the recording walk must always agree.
        let full = self.engine.trace(&probe);
        assert_eq!(
            fast,
            full.outcome(),
            "outcome() and trace() disagree for {from} -> {to}"
        );
        fast
    }

    fn trace(&self, from: &str, to: &str) -> Shown {
        self.trace_with(from, to, &ProbeOptions::default())
    }

    fn trace_with(&self, from: &str, to: &str, opts: &ProbeOptions) -> Shown {
        let probe = self
            .engine
            .probe(from, to, opts)
            .unwrap_or_else(|e| panic!("probe {from} -> {to}: {e}"));
        Shown::new(&self.engine, self.engine.trace(&probe))
    }
}

/// A hop in words, as a trace shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
struct HopText {
    kind: &'static str,
    component: String,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    decision: awsreach_sim::Decision,
    direction: awsreach_sim::Direction,
}

/// A trace with its hops in words (hops are data until shown); the rest
/// of the trace through `Deref`.
#[derive(Debug)]
struct Shown {
    trace: Trace,
    hops: Vec<HopText>,
    /// The explanation, made on demand (empty when reachable).
    why: String,
    fixes: Vec<awsreach_sim::Remedy>,
}

impl Shown {
    fn new(engine: &Engine, trace: Trace) -> Shown {
        let hops = trace
            .hops
            .iter()
            .map(|h| {
                let s = trace.show(h, engine.scenario());
                HopText {
                    kind: h.kind.as_str(),
                    component: s.component().to_string(),
                    detail: s.detail().to_string(),
                    rule: s.rule().map(|r| r.to_string()),
                    decision: h.decision,
                    direction: h.direction,
                }
            })
            .collect();
        let ex = engine.explain(&trace).unwrap_or_default();
        Shown {
            trace,
            hops,
            why: ex.why,
            fixes: ex.fixes,
        }
    }
}

impl std::ops::Deref for Shown {
    type Target = Trace;
    fn deref(&self) -> &Trace {
        &self.trace
    }
}

/// Loads an inline scenario written by a test.
fn scenario(src: &str) -> Loaded {
    load_src(src, "inline scenario")
}

/// The validation errors of an inline scenario that must be invalid.
fn invalid(src: &str) -> Vec<String> {
    match load(src) {
        Ok(_) => panic!("expected validation errors, the scenario is valid"),
        Err(LoadError::Invalid(v)) => v.errors.iter().map(|d| d.to_string()).collect(),
        Err(e) => panic!("expected validation errors, got: {e}"),
    }
}

fn blocked(code: &str) -> Outcome {
    Outcome::Blocked(
        awsreach_sim::Code::parse(code).unwrap_or_else(|| panic!("unknown code {code}")),
    )
}

/// The components of a trace's hops, in order, for path assertions.
fn components(t: &Shown) -> Vec<&str> {
    t.hops.iter().map(|h| h.component.as_str()).collect()
}

fn blocked_code(t: &Trace) -> Option<&'static str> {
    match &t.verdict {
        Verdict::Reachable | Verdict::Unknown(_) => None,
        Verdict::Blocked(b) => Some(b.code.as_str()),
    }
}
