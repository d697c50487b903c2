//! The checker: runs every invariant over one scenario, catching panics,
//! and the per-probe checks (round trip, differential, matrix).

use std::cell::RefCell;

use awsreach_model::{ScenarioSpec, parse, to_ron, validate};
use awsreach_sim::{
    At, Code, Decision, Engine, Node, Outcome, ProbeError, ProbeOptions, Split, Trace, Verdict,
};

use crate::ProbeSpec;
use crate::reference::{self, Answer};

use super::{Config, Focus, Invariant, Pick, Report, Violation, mix};
use super::{catching, panic_key, problem_kind};

pub(super) fn run_checks(
    spec: &ScenarioSpec,
    probes: &[ProbeSpec],
    seed: u64,
    cfg: &Config,
    focus: &Focus,
) -> Report {
    let current: RefCell<Option<ProbeSpec>> = RefCell::new(None);
    let mut out = Vec::new();
    let mut checks = [0; 14];
    let mut verdicts = std::collections::BTreeMap::new();
    let mut forwarded = std::collections::BTreeMap::new();
    let mut hidden = std::collections::BTreeMap::new();
    let r = catching(|| {
        Checker {
            spec,
            probes,
            cfg,
            focus,
            seed,
            current: &current,
            out: &mut out,
            checks: &mut checks,
            verdicts: &mut verdicts,
            forwarded: &mut forwarded,
            hidden: &mut hidden,
        }
        .run()
    });
    checks[Invariant::NoPanic as usize] += 1;
    if let Err(msg) = r {
        out.push(Violation {
            invariant: Invariant::NoPanic,
            probe: current.borrow().clone(),
            change: None,
            cell: None,
            key: panic_key(&msg),
            detail: format!("panicked: {msg}"),
        });
    }
    let mut failed: Vec<&ProbeSpec> = out.iter().filter_map(|v| v.probe.as_ref()).collect();
    failed.sort_by(|a, b| (&a.from, &a.to, a.port).cmp(&(&b.from, &b.to, b.port)));
    failed.dedup();
    Report {
        probes: probes.len(),
        failed_probes: failed.len(),
        violations: out,
        checks,
        verdicts,
        forwarded,
        hidden,
    }
}

pub(super) struct Checker<'a, 'f> {
    pub(super) spec: &'a ScenarioSpec,
    pub(super) probes: &'a [ProbeSpec],
    pub(super) cfg: &'a Config,
    pub(super) focus: &'a Focus<'f>,
    pub(super) seed: u64,
    pub(super) current: &'a RefCell<Option<ProbeSpec>>,
    pub(super) out: &'a mut Vec<Violation>,
    pub(super) checks: &'a mut [usize; 14],
    pub(super) verdicts: &'a mut std::collections::BTreeMap<&'static str, usize>,
    pub(super) forwarded: &'a mut std::collections::BTreeMap<usize, usize>,
    pub(super) hidden: &'a mut std::collections::BTreeMap<&'static str, usize>,
}

pub(super) fn opts(p: &ProbeSpec) -> ProbeOptions {
    ProbeOptions {
        port: p.port,
        protocol: p.protocol,
        ipv6: p.ipv6,
        ..ProbeOptions::default()
    }
}

pub(super) fn show_outcome(o: &Result<Outcome, ProbeError>) -> String {
    match o {
        Ok(Outcome::Reachable) => "reachable".into(),
        Ok(Outcome::Blocked(c)) => format!("blocked {c}"),
        Ok(Outcome::Unknown(c)) => format!("unknown {c}"),
        Err(e) => format!("refused ({e})"),
    }
}

impl Checker<'_, '_> {
    pub(super) fn on(&self, i: Invariant) -> bool {
        self.focus.invariant.is_none_or(|f| f == i) && self.cfg.on(i)
    }

    pub(super) fn count(&mut self, i: Invariant) {
        self.checks[i as usize] += 1;
    }

    pub(super) fn report(
        &mut self,
        invariant: Invariant,
        probe: Option<&ProbeSpec>,
        detail: String,
    ) {
        self.out.push(Violation {
            invariant,
            probe: probe.cloned(),
            change: None,
            cell: None,
            key: String::new(),
            detail,
        });
    }

    pub(super) fn run(mut self) {
        let checked = match validate(self.spec) {
            Ok(c) => c,
            Err(e) => {
                let first = e.errors.first().map(|d| d.to_string()).unwrap_or_default();
                let kind = e
                    .errors
                    .first()
                    .map(|d| problem_kind(&d.problem))
                    .unwrap_or_default();
                self.out.push(Violation {
                    invariant: Invariant::Valid,
                    probe: None,
                    change: None,
                    cell: None,
                    key: format!("invalid:{kind}"),
                    detail: format!("{} validation error(s), first: {first}", e.errors.len()),
                });
                return;
            }
        };
        self.count(Invariant::Valid);
        if self.on(Invariant::RonRoundTrip) {
            self.count(Invariant::RonRoundTrip);
            self.round_trip(&checked.scenario);
        }
        let engine = Engine::new(checked.scenario);
        let twin = self
            .on(Invariant::Deterministic)
            .then(|| validate(self.spec).map(|c| Engine::new(c.scenario)).ok())
            .flatten();
        let mut outcomes = Vec::with_capacity(self.probes.len());
        for p in self.probes {
            *self.current.borrow_mut() = Some(p.clone());
            outcomes.push(self.probe(&engine, twin.as_ref(), p));
            if self.on(Invariant::AddressIsEni) {
                self.address_is_eni(&engine, p);
            }
        }
        *self.current.borrow_mut() = None;
        if self.on(Invariant::MatrixExact) || self.on(Invariant::Differential) {
            self.matrix(&engine);
        }
        if self.on(Invariant::NoGuess) {
            self.no_guess(&engine, &outcomes);
        }
        if self.on(Invariant::Monotonic) {
            self.monotonic(&outcomes);
        }
        if self.on(Invariant::CalleePlacement) {
            self.callee_placement(&engine);
        }
        if self.on(Invariant::FixSound) {
            self.fix_sound(&engine, &outcomes);
        }
        if self.on(Invariant::FixScoped) {
            self.fix_scoped(&engine, &outcomes);
        }
    }

    pub(super) fn round_trip(&mut self, scenario: &awsreach_model::Scenario) {
        let text = to_ron(self.spec);
        let detail = match parse(&text) {
            Err(e) => Some(format!("to_ron output does not parse: {e}")),
            Ok(back) if &back != self.spec => {
                Some("to_ron then parse gives a different spec".to_string())
            }
            Ok(back) => match validate(&back) {
                Err(e) => Some(format!(
                    "the re-parsed spec does not validate: {} error(s)",
                    e.errors.len()
                )),
                Ok(c) if c.scenario != *scenario => {
                    Some("the re-parsed spec validates to another scenario".to_string())
                }
                Ok(_) => None,
            },
        };
        if let Some(d) = detail {
            self.report(Invariant::RonRoundTrip, None, d);
        }
    }

    /// The per-probe invariants; returns the engine's answer.
    pub(super) fn probe(
        &mut self,
        engine: &Engine,
        twin: Option<&Engine>,
        p: &ProbeSpec,
    ) -> Result<Outcome, ProbeError> {
        let reference = self.on(Invariant::Differential).then(|| {
            reference::evaluate_ip(
                engine.scenario(),
                &p.from,
                &p.to,
                p.port,
                p.protocol,
                p.ipv6,
            )
        });
        let probe = match engine.probe(&p.from, &p.to, &opts(p)) {
            Ok(probe) => probe,
            Err(e) => {
                if self.on(Invariant::Valid) {
                    self.report(
                        Invariant::Valid,
                        Some(p),
                        format!("the engine refuses a generated probe: {e}"),
                    );
                }
                if let Some(Ok(a)) = reference {
                    self.report(
                        Invariant::Differential,
                        Some(p),
                        format!("the engine refuses the probe ({e}); the reference says {a}"),
                    );
                }
                return Err(e);
            }
        };
        self.count(Invariant::Valid);
        let trace = engine.trace(&probe);
        let outcome = engine.outcome(&probe);
        let verdict = outcome.code().map_or("reachable", |c| c.as_str());
        *self.verdicts.entry(verdict).or_default() += 1;
        let appliances = trace
            .hops
            .iter()
            .filter(|h| matches!(h.at, At::Forwards { .. }))
            .count();
        if appliances > 0 {
            *self.forwarded.entry(appliances).or_default() += 1;
        }
        for i in [
            Invariant::TraceAgreesWithOutcome,
            Invariant::TraceShape,
            Invariant::Deterministic,
        ] {
            if self.on(i) {
                self.count(i);
            }
        }
        if self.on(Invariant::TraceAgreesWithOutcome) && trace.outcome() != outcome {
            self.report(
                Invariant::TraceAgreesWithOutcome,
                Some(p),
                format!(
                    "trace says {}, outcome says {}",
                    show_outcome(&Ok(trace.outcome())),
                    show_outcome(&Ok(outcome))
                ),
            );
        }
        if self.on(Invariant::TraceShape)
            && let Some(d) = trace_shape(engine, &trace, p)
        {
            self.report(Invariant::TraceShape, Some(p), d);
        }
        if self.on(Invariant::Deterministic) {
            let again = engine.trace(&probe);
            let other = twin.map(|t| t.probe(&p.from, &p.to, &opts(p)).map(|q| t.trace(&q)));
            let detail = if again != trace {
                Some("a second trace on the same engine differs".to_string())
            } else if engine.outcome(&probe) != outcome {
                Some("a second outcome on the same engine differs".to_string())
            } else {
                match other {
                    Some(Ok(t)) if t != trace => Some(
                        "an engine compiled again from the same spec traces differently"
                            .to_string(),
                    ),
                    Some(Err(e)) => {
                        Some(format!("an engine compiled again refuses the probe: {e}"))
                    }
                    _ => None,
                }
            };
            if let Some(d) = detail {
                self.report(Invariant::Deterministic, Some(p), d);
            }
        }
        if let Some(r) = reference {
            self.count(Invariant::Differential);
            // The reference does not model the `missing` section: an
            // unknown answer is compared only in being allowed at all (a
            // scenario that lists missing data), and is pinned by the
            // scenarios' own `expect: Unknown` entries.
            // It does model the addresses of hosts known by their hostname
            // only (rule 26): UNKNOWN_ADDRESS is compared like a code.
            let loose = engine.source_enis(&probe).len() > 1;
            let agree = agrees(engine, &r, Some(outcome), loose);
            if !agree {
                let why = engine
                    .why(&trace)
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                let said = match r {
                    Ok(a) => a.to_string(),
                    Err(e) => format!("refused ({e})"),
                };
                self.report(
                    Invariant::Differential,
                    Some(p),
                    format!(
                        "engine: {}{why}; reference: {said}",
                        show_outcome(&Ok(outcome))
                    ),
                );
            }
        }
        Ok(outcome)
    }

    /// Matrix cells against single cells, and (differential) against the reference.
    pub(super) fn matrix(&mut self, engine: &Engine) {
        let rows = engine.sources();
        let cols = engine.destinations();
        let total = rows.len() * cols.len();
        if total == 0 {
            return;
        }
        let names = |n: Node| engine.node_name(n);
        let cells: Vec<(usize, usize)> = match self.focus.cell {
            Some((r, c)) => {
                let i = rows.iter().position(|&n| names(n) == *r);
                let j = cols.iter().position(|&n| names(n) == *c);
                match (i, j) {
                    (Some(i), Some(j)) => vec![(i, j)],
                    _ => return,
                }
            }
            None if total <= self.cfg.matrix_cells => (0..rows.len())
                .flat_map(|i| (0..cols.len()).map(move |j| (i, j)))
                .collect(),
            None => {
                let mut pick = Pick(mix(self.seed, 77));
                (0..self.cfg.matrix_cells)
                    .map(|_| (pick.below(rows.len()), pick.below(cols.len())))
                    .collect()
            }
        };
        let m = self
            .on(Invariant::MatrixExact)
            .then(|| engine.matrix(&rows, &cols));
        let mut reported = 0;
        for &(i, j) in &cells {
            let cell = engine.cell(rows[i], cols[j]);
            let (r, c) = (names(rows[i]), names(cols[j]));
            if m.is_some() {
                self.count(Invariant::MatrixExact);
            }
            if let Some(m) = &m
                && reported < 3
            {
                // Where a function's ENIs disagree, each ENI's answer as
                // its own probe (`fn@subnet`) gives it.
                let each = || {
                    let p = engine
                        .probe_nodes(rows[i], cols[j], &ProbeOptions::default())
                        .ok()?;
                    let each = engine.outcome_each_eni(&p);
                    Split::of(&each).map(|_| each)
                };
                let each = (rows[i] != cols[j]).then(each).flatten();
                let detail = if m.get(i, j) != cell {
                    Some(format!(
                        "matrix says {:?}, the cell alone {:?}",
                        m.get(i, j),
                        cell
                    ))
                } else if m.eni_outcomes(i, j) != each.as_deref() {
                    Some(format!(
                        "matrix keeps the ENIs' answers {:?}, each ENI alone {:?}",
                        m.eni_outcomes(i, j),
                        each
                    ))
                } else {
                    None
                };
                if let Some(detail) = detail {
                    reported += 1;
                    self.cell_violation(&r, &c, detail);
                }
            }
            if self.on(Invariant::Differential) && self.focus.cell.is_none() && rows[i] != cols[j] {
                self.count(Invariant::Differential);
                let reference = reference::evaluate(engine.scenario(), &r, &c, None, None);
                let agree = agrees(engine, &reference, cell, several_enis(engine, rows[i]));
                if !agree {
                    let p = ProbeSpec {
                        from: r,
                        to: c,
                        port: None,
                        protocol: None,
                        ipv6: false,
                    };
                    let said = match reference {
                        Ok(a) => a.to_string(),
                        Err(e) => format!("refused ({e})"),
                    };
                    self.report(
                        Invariant::Differential,
                        Some(&p),
                        format!("matrix cell: engine {cell:?}; reference: {said}"),
                    );
                }
            }
        }
        if self.focus.cell.is_none() && engine.scenario().vpcs.iter().any(|v| v.ipv6_cidr.is_some())
        {
            self.matrix_v6(engine, &rows, &cols, &cells);
        }
    }

    /// A matrix cell that disagrees with its own probe.
    fn cell_violation(&mut self, row: &str, col: &str, detail: String) {
        self.out.push(Violation {
            invariant: Invariant::MatrixExact,
            probe: None,
            change: None,
            cell: Some((row.to_string(), col.to_string())),
            key: String::new(),
            detail,
        });
    }

    /// The same cells asked over IPv6 (`matrix --ip-version 6`): the
    /// matrix, whose classes then read IPv6 addresses, against each cell's
    /// own probe, and each cell against the reference evaluator.
    fn matrix_v6(
        &mut self,
        engine: &Engine,
        rows: &[Node],
        cols: &[Node],
        cells: &[(usize, usize)],
    ) {
        let opts = ProbeOptions {
            ipv6: true,
            ..ProbeOptions::default()
        };
        let m = self
            .on(Invariant::MatrixExact)
            .then(|| engine.matrix_with(rows, cols, &opts));
        let mut reported = 0;
        for &(i, j) in cells {
            if rows[i] == cols[j] {
                continue;
            }
            let cell = engine
                .probe_nodes(rows[i], cols[j], &opts)
                .ok()
                .map(|p| engine.outcome(&p));
            let (r, c) = (engine.node_name(rows[i]), engine.node_name(cols[j]));
            if let Some(m) = &m {
                self.count(Invariant::MatrixExact);
                if m.get(i, j) != cell && reported < 3 {
                    reported += 1;
                    let detail = format!(
                        "over IPv6 the matrix says {:?}, the cell alone {cell:?}",
                        m.get(i, j)
                    );
                    self.cell_violation(&r, &c, detail);
                }
            }
            if self.on(Invariant::Differential) {
                let Some(cell) = cell else { continue };
                if matches!(cell, Outcome::Unknown(_)) {
                    continue; // the reference does not read the `missing` section
                }
                self.count(Invariant::Differential);
                let reference = reference::evaluate_ip(engine.scenario(), &r, &c, None, None, true);
                let agree = agrees(
                    engine,
                    &reference,
                    Some(cell),
                    several_enis(engine, rows[i]),
                );
                if !agree {
                    let said = match reference {
                        Ok(a) => a.to_string(),
                        Err(e) => format!("refused ({e})"),
                    };
                    let p = ProbeSpec {
                        from: r,
                        to: c,
                        port: None,
                        protocol: None,
                        ipv6: true,
                    };
                    self.report(
                        Invariant::Differential,
                        Some(&p),
                        format!("IPv6 matrix cell: engine {cell:?}; reference: {said}"),
                    );
                }
            }
        }
    }
}

/// What is wrong with the shape of `trace`, the trace of `p`: a blocked
/// one must point at a hop that blocks and say why, an unknown one at an
/// unknown hop, a reachable one has no blocking hop, and the trace names
/// the probe's endpoints.
pub(super) fn trace_shape(engine: &Engine, trace: &Trace, p: &ProbeSpec) -> Option<String> {
    // The explanation is a second walk: it must stop too, with words.
    let why = engine.why(trace).unwrap_or_default();
    let problem = match &trace.verdict {
        Verdict::Blocked(b) => match trace.hops.get(b.hop) {
            None => Some(format!(
                "blocking hop {} of {} hops",
                b.hop,
                trace.hops.len()
            )),
            Some(h) if h.decision != Decision::Block => Some(format!(
                "blocking hop {} ({}) does not block",
                b.hop,
                trace.show(h, engine.scenario())
            )),
            Some(_) if why.is_empty() => Some("a block without a why".to_string()),
            Some(_) => None,
        },
        Verdict::Unknown(u) => match trace.hops.get(u.hop) {
            Some(h) if h.decision == Decision::Unknown && !why.is_empty() => None,
            _ => Some(format!(
                "unknown at hop {}, which is not an unknown hop",
                u.hop
            )),
        },
        Verdict::Reachable => trace
            .hops
            .iter()
            .position(|h| h.decision == Decision::Block)
            .map(|i| format!("reachable, yet hop {i} blocks")),
    };
    problem.or_else(|| {
        // A probe may name an endpoint by a second name (`name`):
        // the trace then names it by id, the same node.
        let same = |shown: &str, asked: &str| {
            shown == asked || engine.node(shown).ok() == engine.node(asked).ok()
        };
        (!same(&trace.from, &p.from) || !same(&trace.to, &p.to))
            .then(|| format!("the trace names {} -> {}", trace.from, trace.to))
    })
}

/// Whether a VPC function in several subnets is the node: its verdict is
/// its first blocked ENI's (rule 23).
pub(super) fn several_enis(engine: &Engine, n: Node) -> bool {
    match n {
        Node::Function(f) => engine.scenario().functions[f.ix()]
            .vpc
            .as_ref()
            .is_some_and(|v| v.enis.len() > 1),
        _ => false,
    }
}

/// Whether the engine's answer `o` (None: the probe was refused) agrees
/// with the reference's `r`. The reference reads no `missing` section: an
/// unknown is allowed where the scenario lacks data, except UNKNOWN_ADDRESS
/// (rule 26), which it models. `several`: the source is a function in
/// several subnets; where data is missing, one of its ENIs may be unknown
/// and another give the function's code, where the reference sees the
/// first blocked ENI: blocked then agrees with blocked whatever the code,
/// and an unknown with anything.
fn agrees(engine: &Engine, r: &Result<Answer, String>, o: Option<Outcome>, several: bool) -> bool {
    let lacks = !engine.scenario().missing.is_empty();
    match (r, o) {
        (Ok(Answer::Blocked(a)), Some(Outcome::Unknown(c))) if c == Code::UnknownAddress => {
            *a == c.as_str() || (lacks && several)
        }
        (_, Some(Outcome::Unknown(c))) => lacks && (c != Code::UnknownAddress || several),
        (Ok(Answer::Reachable), Some(Outcome::Reachable)) => true,
        (Ok(Answer::Blocked(a)), Some(Outcome::Blocked(c))) => {
            *a == c.as_str() || (lacks && several)
        }
        (Err(_), None) => true,
        _ => false,
    }
}
