//! The awsreach packet-path simulator: compile a checked [`Scenario`] into
//! an [`Engine`], then trace [`Probe`]s hop by hop to a [`Verdict`].
//!
//! Pure: no I/O. A blocked packet is data ([`Blocked`]), not an error.
//!
//! "Rule N" in comments is rule N of `docs/aws-rules.md` (ARCHITECTURE.md,
//! "Where each rule lives", indexes the code of each rule).

pub mod blast;
mod code;
mod delta;
pub mod diff;
mod engine;
mod enis;
mod fix;
pub mod hop;
mod matrix;
mod names;
mod remedy;
mod trace;
mod walk;

pub use code::Code;
pub use engine::{Addr, Engine, Node, Probe, ProbeError, ProbeOptions, ShowAddr};
pub use enis::Split;
pub use fix::{Fix, Peer, Remedy, RuleDirection};
pub use hop::{At, HopKind, ShowHop};
pub use matrix::{FILTER_KINDS, Matrix};
pub use trace::{
    Blocked, CallKind, Decision, Direction, Explanation, Followup, Hop, Outcome, Trace, Unknown,
    Verdict,
};

use awsreach_model::{Scenario, ScenarioSpec};
use walk::{Explain, NoHops, Walk};

impl Engine {
    /// Compiles a validated scenario.
    pub fn compile(scenario: Scenario) -> Engine {
        Engine::new(scenario)
    }

    /// The full trace: every hop (as data) and the verdict. Why and the
    /// remedies are made on demand by [`Engine::explain`].
    pub fn trace(&self, probe: &Probe) -> Trace {
        let mut w = Walk::new(self, probe, Vec::with_capacity(16));
        let r = w.run(probe);
        let verdict = match r {
            Ok(()) => Verdict::Reachable,
            Err(b) if b.code.is_unknown() => Verdict::Unknown(Unknown {
                code: b.code,
                hop: b.hop,
            }),
            Err(b) => Verdict::Blocked(Blocked {
                code: b.code,
                hop: b.hop,
                after_fix: None,
            }),
        };
        Trace {
            from: self.node_name(probe.named_from),
            to: self.node_name(probe.to),
            kind: probe.kind,
            protocol: probe.protocol,
            port: probe.port,
            probe: probe.clone(),
            hops: w.sink,
            verdict,
        }
    }

    /// Why a trace of this engine stops and what would fix it (`None` when
    /// it is reachable): the probe walked again, recording nothing and
    /// explaining the hop that stops it, so only the traces that are shown
    /// pay for sentences and remedies.
    pub fn explain(&self, t: &Trace) -> Option<Explanation> {
        if t.verdict.is_reachable() {
            return None;
        }
        let mut w = Walk::new(self, &t.probe, Explain);
        match w.run(&t.probe) {
            Ok(()) => None,
            Err(b) => Some(Explanation {
                why: b.why,
                fixes: b.fixes,
            }),
        }
    }

    /// [`Engine::explain`]'s sentence: why the trace is blocked, or what it
    /// lacks when unknown.
    pub fn why(&self, t: &Trace) -> Option<String> {
        self.explain(t).map(|e| e.why)
    }

    /// [`Engine::explain`]'s remedies, the recommended one first (empty
    /// when reachable or unknown).
    pub fn remedies(&self, t: &Trace) -> Vec<Remedy> {
        self.explain(t).map(|e| e.fixes).unwrap_or_default()
    }

    /// The verdict alone, without building hop records or sentences.
    pub fn outcome(&self, probe: &Probe) -> Outcome {
        let mut w = Walk::new(self, probe, NoHops);
        match w.run(probe) {
            Ok(()) => Outcome::Reachable,
            Err(b) => Outcome::stopped(b.code),
        }
    }
}

/// Traces `from → to` and, when blocked, applies the recommended fix to a
/// copy of the scenario and traces again, so the trace says what would
/// still block afterwards (up to `depth` rounds).
pub fn trace_with_followup(
    spec: &ScenarioSpec,
    engine: &Engine,
    from: &str,
    to: &str,
    opts: &ProbeOptions,
    depth: usize,
) -> Result<Trace, ProbeError> {
    let probe = engine.probe(from, to, opts)?;
    let mut trace = engine.trace(&probe);
    if depth > 0 && matches!(trace.verdict, Verdict::Blocked(_)) {
        let fixes = engine.remedies(&trace);
        if let Verdict::Blocked(b) = &mut trace.verdict {
            b.after_fix = next_blocker(spec, fixes.first(), from, to, opts, depth);
        }
    }
    Ok(trace)
}

/// What blocks after applying `remedy` (a blocked trace's recommended
/// one), if anything, explained.
pub(crate) fn next_blocker(
    spec: &ScenarioSpec,
    remedy: Option<&Remedy>,
    from: &str,
    to: &str,
    opts: &ProbeOptions,
    depth: usize,
) -> Option<Box<Followup>> {
    if depth == 0 {
        return None;
    }
    let mut fixed = spec.clone();
    remedy?.apply(&mut fixed);
    let checked = awsreach_model::validate(&fixed).ok()?;
    let engine = Engine::new(checked.scenario);
    let probe = engine.probe(from, to, opts).ok()?;
    let t = engine.trace(&probe);
    match &t.verdict {
        Verdict::Reachable | Verdict::Unknown(_) => None,
        Verdict::Blocked(next) => {
            let e = engine.explain(&t)?;
            let after_fix = next_blocker(&fixed, e.fixes.first(), from, to, opts, depth - 1);
            Some(Box::new(Followup {
                code: next.code,
                hop: next.hop,
                why: e.why,
                fixes: e.fixes,
                after_fix,
            }))
        }
    }
}

/// Applies a remedy to a copy of the spec and re-validates it.
pub fn apply_remedy(
    spec: &ScenarioSpec,
    remedy: &Remedy,
) -> Result<(ScenarioSpec, Scenario), awsreach_model::ValidationErrors> {
    let mut fixed = spec.clone();
    remedy.apply(&mut fixed);
    let checked = awsreach_model::validate(&fixed)?;
    Ok((fixed, checked.scenario))
}

/// The result of one `expect` entry of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectationResult {
    pub expectation: awsreach_model::Expectation,
    /// The traced outcome, or the probe error (an unknown id, say).
    pub actual: Result<Outcome, ProbeError>,
    pub passed: bool,
}

/// Runs every `expect` entry of the scenario.
pub fn check_expectations(engine: &Engine) -> Vec<ExpectationResult> {
    engine
        .scenario()
        .expectations
        .iter()
        .map(|e| {
            let opts = ProbeOptions {
                port: e.port,
                protocol: e.protocol,
                ipv6: e.ip_version == Some(6),
                host: e.host.clone(),
                ..ProbeOptions::default()
            };
            let actual = engine
                .probe(&e.from, &e.to, &opts)
                .map(|p| engine.outcome(&p));
            let passed = match (&actual, e.expect) {
                (Ok(Outcome::Reachable), awsreach_model::spec::Expect::Reachable) => true,
                (Ok(Outcome::Blocked(c)), awsreach_model::spec::Expect::Blocked)
                | (Ok(Outcome::Unknown(c)), awsreach_model::spec::Expect::Unknown) => {
                    e.code.as_deref().is_none_or(|want| want == c.as_str())
                }
                _ => false,
            };
            ExpectationResult {
                expectation: e.clone(),
                actual,
                passed,
            }
        })
        .collect()
}

impl Engine {
    /// One matrix cell: the outcome of the natural probe between two nodes,
    /// or `None` when the pair means nothing (a node to itself, a service to
    /// a non-function).
    pub fn cell(&self, from: Node, to: Node) -> Option<Outcome> {
        if from == to {
            return None;
        }
        let probe = self.probe_nodes(from, to, &ProbeOptions::default()).ok()?;
        Some(self.outcome(&probe))
    }
}
