//! The invariant fuzz harness: generate a scenario, ask it questions, and
//! check properties that must hold whatever the scenario says.
//!
//! Each [`Invariant`] has a stable name (`awsreach fuzz --only NAME`). A
//! broken one is a [`Violation`] that names the probe (and the change, or
//! the matrix cell) it was seen on, so that [`reproduces`] can tell whether
//! a smaller scenario still shows it and [`shrink_violation`] can cut the
//! scenario down to what the problem needs. Everything is a pure function
//! of the seed: the CLI and the tests only decide how many iterations to
//! run and what to do with the results.

mod address;
mod blast;
mod change;
mod checker;
mod failure;
mod inputs;
mod mangle;
mod panics;
mod partial;
mod properties;

pub use change::{Change, Direction};
pub use failure::failure_file;
pub use inputs::{address_probes, replay_probes, stress_routes};
pub use mangle::{Stage, exercise, mangle};
pub use panics::catching;

use checker::{Checker, opts, run_checks, show_outcome};
use panics::panic_key;
use properties::problem_kind;

use std::fmt;

use awsreach_model::{ScenarioSpec, validate};

use crate::shrink;
use crate::{GenOptions, ProbeSpec, Profile, generate, probes};

/// A property every scenario and probe must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Invariant {
    /// Nothing panics: generating, validating, compiling, tracing, fixing.
    NoPanic,
    /// A generated scenario validates, and the engine accepts every
    /// generated probe (so every probe ends in a verdict).
    Valid,
    /// `to_ron` then `parse` gives the same spec, which validates the same.
    RonRoundTrip,
    /// The same probe twice, and on a second engine compiled from the same
    /// file, gives the identical trace.
    Deterministic,
    /// A blocked trace points at a hop that blocks and says why; a
    /// reachable one has no blocking hop.
    TraceShape,
    /// `trace(p).outcome() == outcome(p)`.
    TraceAgreesWithOutcome,
    /// `matrix(rows, cols).get(i, j) == cell(rows[i], cols[j])`, and the
    /// matrix keeps each ENI's answer exactly where a function's ENIs disagree.
    MatrixExact,
    /// The engine agrees with the reference evaluator (verdict and code).
    Differential,
    /// A permissive change never blocks a reachable probe; a restrictive
    /// one never unblocks a blocked probe.
    Monotonic,
    /// Who can invoke a function does not depend on its own placement, and
    /// managed pollers always deliver (seed principles 1 and 3).
    CalleePlacement,
    /// A blocked trace's first remedy gives a valid scenario in which the
    /// probe gets further: reachable, another code, or a block at another
    /// hop or for another reason.
    FixSound,
    /// A remedy whose blast radius reports no side effect changes exactly
    /// the calls it claims (its own probe's endpoints), cell by cell.
    FixScoped,
    /// A probe from a literal address that an ENI holds traces exactly
    /// like the probe from that ENI by id (a resource, or `fn@subnet`):
    /// the same hops and verdict (rule 23).
    AddressIsEni,
    /// With some data hidden (listed under `missing`, some of it dropped),
    /// every answer is `unknown` naming a kind of missing data, or the
    /// whole scenario's answer: the engine never guesses.
    NoGuess,
}

impl Invariant {
    pub const ALL: [Invariant; 14] = [
        Invariant::NoPanic,
        Invariant::Valid,
        Invariant::RonRoundTrip,
        Invariant::Deterministic,
        Invariant::TraceShape,
        Invariant::TraceAgreesWithOutcome,
        Invariant::MatrixExact,
        Invariant::Differential,
        Invariant::Monotonic,
        Invariant::CalleePlacement,
        Invariant::FixSound,
        Invariant::FixScoped,
        Invariant::AddressIsEni,
        Invariant::NoGuess,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Invariant::NoPanic => "no-panic",
            Invariant::Valid => "valid",
            Invariant::RonRoundTrip => "ron-round-trip",
            Invariant::Deterministic => "deterministic",
            Invariant::TraceShape => "trace-shape",
            Invariant::TraceAgreesWithOutcome => "trace-agrees-with-outcome",
            Invariant::MatrixExact => "matrix-exact",
            Invariant::Differential => "differential",
            Invariant::Monotonic => "monotonic",
            Invariant::CalleePlacement => "callee-placement",
            Invariant::FixSound => "fix-sound",
            Invariant::FixScoped => "fix-scoped",
            Invariant::AddressIsEni => "address-is-eni",
            Invariant::NoGuess => "no-guess",
        }
    }

    pub fn parse(s: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.name() == s)
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken invariant, with what it takes to see it again.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub invariant: Invariant,
    /// The probe it shows on, if any.
    pub probe: Option<ProbeSpec>,
    /// The change applied (monotonic, callee-placement).
    pub change: Option<Change>,
    /// The matrix cell, by ids (matrix-exact).
    pub cell: Option<(String, String)>,
    /// What a smaller scenario must still show: the panic location, the
    /// kind of validation error; empty when the invariant and probe say it all.
    pub key: String,
    /// What went wrong, in a sentence or two.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.invariant)?;
        if let Some(p) = &self.probe {
            write!(f, " [{}]", show_probe(p))?;
        }
        if let Some((r, c)) = &self.cell {
            write!(f, " [cell {r} -> {c}]")?;
        }
        if let Some(ch) = &self.change {
            write!(f, " [after: {ch}]")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// `from -> to:port/proto`.
pub fn show_probe(p: &ProbeSpec) -> String {
    let mut s = format!("{} -> {}", p.from, p.to);
    if let Some(port) = p.port {
        s.push_str(&format!(":{port}"));
    }
    if let Some(proto) = p.protocol {
        s.push_str(&format!("/{proto}"));
    }
    if p.ipv6 {
        s.push_str(" over IPv6");
    }
    s
}

/// How hard to look at each scenario.
#[derive(Debug, Clone)]
pub struct Config {
    /// Generated probes per scenario.
    pub probes: usize,
    /// Matrix cells compared per scenario (a sample beyond this).
    pub matrix_cells: usize,
    /// Monotone changes tried per scenario.
    pub changes: usize,
    /// Callee moves tried per scenario.
    pub placements: usize,
    /// Blocked traces whose fix is applied, per scenario.
    pub fixes: usize,
    /// Only these invariants (no-panic and valid always hold the loop up).
    pub only: Option<Vec<Invariant>>,
    /// Every change, every move of every function, every fix and every
    /// matrix cell instead of a sample: for replaying small scenarios.
    pub exhaustive: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            probes: 40,
            matrix_cells: 300,
            changes: 3,
            placements: 1,
            fixes: 3,
            only: None,
            exhaustive: false,
        }
    }
}

impl Config {
    fn on(&self, i: Invariant) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(&i))
    }
}

/// What checking one scenario found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Probes asked.
    pub probes: usize,
    /// Probes with at least one violation.
    pub failed_probes: usize,
    pub violations: Vec<Violation>,
    /// How many comparisons each invariant made, in [`Invariant::ALL`]
    /// order: proof that the checks ran, not just that nothing failed.
    pub checks: [usize; 14],
    /// The engine's verdicts on the generated probes: `reachable` or the
    /// reason code, with counts (what the probes covered).
    pub verdicts: std::collections::BTreeMap<&'static str, usize>,
    /// Probes whose path some forwarding appliances passed on, by how many
    /// (that long appliance chains were walked, not just generated).
    pub forwarded: std::collections::BTreeMap<usize, usize>,
    /// `unknown` answers that hiding data produced (no-guess), by code:
    /// proof that the hidden data reached the walk.
    pub hidden: std::collections::BTreeMap<&'static str, usize>,
}

impl Report {
    /// Adds another report's counts and violations to this one.
    pub fn absorb(&mut self, other: Report) {
        self.probes += other.probes;
        self.failed_probes += other.failed_probes;
        self.violations.extend(other.violations);
        for (a, b) in self.checks.iter_mut().zip(other.checks) {
            *a += b;
        }
        for (k, n) in other.verdicts {
            *self.verdicts.entry(k).or_default() += n;
        }
        for (k, n) in other.forwarded {
            *self.forwarded.entry(k).or_default() += n;
        }
        for (k, n) in other.hidden {
            *self.hidden.entry(k).or_default() += n;
        }
    }

    pub fn checked(&self, i: Invariant) -> usize {
        self.checks[i as usize]
    }
}

/// At most this many changes or moves in an exhaustive check.
const EXHAUSTIVE_CAP: usize = 400;

/// A small, portable mixer for seeds (splitmix64).
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A deterministic stream of choices for one scenario.
struct Pick(u64);

impl Pick {
    fn below(&mut self, n: usize) -> usize {
        self.0 = mix(self.0, 1);
        (self.0 % n.max(1) as u64) as usize
    }
}

/// The generator options of iteration `iteration` of a run with `seed`:
/// the profile rotates unless one is given.
pub fn case_options(seed: u64, iteration: u64, profile: Option<Profile>) -> GenOptions {
    let profile = profile.unwrap_or(Profile::ALL[(iteration % 3) as usize]);
    let base = GenOptions::new(profile, mix(seed, iteration));
    // Every fourth scenario has other sizes than the profile's: one VPC or
    // many, no functions, crowded subnets, a short list of services.
    let mut pick = Pick(mix(base.seed, 4));
    if pick.below(4) != 0 {
        return base;
    }
    const SERVICES: [&str; 8] = [
        "lambda", "s3", "sqs", "sts", "dynamodb", "kafka", "pinpoint", "events",
    ];
    let services = (pick.below(3) == 0).then(|| {
        (0..1 + pick.below(4))
            .map(|_| SERVICES[pick.below(SERVICES.len())].to_string())
            .collect()
    });
    GenOptions {
        vpcs: pick.below(5),
        subnets_per_vpc: 1 + pick.below(6),
        functions: pick.below(12),
        instances: pick.below(16),
        services,
        ..base
    }
}

/// The seed of the probes and changes of iteration `iteration`.
pub fn case_seed(seed: u64, iteration: u64) -> u64 {
    mix(seed ^ 0x5eed_f022, iteration)
}

/// One generated and checked scenario.
#[derive(Debug, Clone)]
pub struct Case {
    pub options: GenOptions,
    /// None when the generator itself panicked.
    pub spec: Option<ScenarioSpec>,
    pub probes: Vec<ProbeSpec>,
    pub report: Report,
}

/// Generates and checks iteration `iteration` of a run.
pub fn run_case(seed: u64, iteration: u64, profile: Option<Profile>, cfg: &Config) -> Case {
    let options = case_options(seed, iteration, profile);
    let pseed = case_seed(seed, iteration);
    match catching(|| {
        let mut spec = generate(&options);
        // Every fifth scenario gets random extra routes and hosts at random
        // addresses, so that longest-prefix matching meets every prefix
        // length and octet boundary (the generator's own routes are tidy).
        let mut stressed = false;
        if mix(pseed, 5).is_multiple_of(5) {
            let mut more = spec.clone();
            stress_routes(&mut more, pseed);
            if validate(&more).is_ok() {
                spec = more;
                stressed = true;
            }
        }
        // Every third scenario lacks some data, as an import may: every
        // invariant then meets `unknown` answers (no-guess, rolling with
        // the case's own seed, hides more).
        if mix(pseed, 6).is_multiple_of(3)
            && let Some(partial) = partial::hide(&spec, mix(pseed, 7))
            && validate(&partial).is_ok()
        {
            spec = partial;
        }
        let mut ps = probes(&spec, pseed, cfg.probes);
        if let Ok(c) = validate(&spec) {
            ps.extend(address_probes(&c.scenario, pseed, cfg.probes / 8));
        }
        (spec, ps, stressed)
    }) {
        Ok((spec, ps, stressed)) => {
            // The simulator's fixes assume tidy tables: with random routes
            // more specific than 0.0.0.0/0 towards internet gateways they
            // can miss (docs/fuzzing.md), so fixes are not followed there.
            let mut cfg = cfg.clone();
            if stressed {
                cfg.fixes = 0;
            }
            let report = check(&spec, &ps, pseed, &cfg);
            Case {
                options,
                spec: Some(spec),
                probes: ps,
                report,
            }
        }
        Err(msg) => Case {
            options: options.clone(),
            spec: None,
            probes: Vec::new(),
            report: Report {
                probes: 0,
                failed_probes: 0,
                checks: [0; 14],
                verdicts: Default::default(),
                forwarded: Default::default(),
                hidden: Default::default(),
                violations: vec![Violation {
                    invariant: Invariant::NoPanic,
                    probe: None,
                    change: None,
                    cell: None,
                    key: panic_key(&msg),
                    detail: format!(
                        "the generator panicked: {msg} (vpcs {}, subnets per vpc {}, functions {}, instances {}, services {:?}, profile {})",
                        options.vpcs,
                        options.subnets_per_vpc,
                        options.functions,
                        options.instances,
                        options.services,
                        options.profile
                    ),
                }],
            },
        },
    }
}

/// What to force when checking again (shrinking a violation).
#[derive(Default)]
struct Focus<'a> {
    invariant: Option<Invariant>,
    change: Option<&'a Change>,
    cell: Option<&'a (String, String)>,
}

/// Checks every invariant on one scenario and its probes; `seed` drives the
/// choice of changes, placements, fixes and matrix cells.
pub fn check(spec: &ScenarioSpec, probes: &[ProbeSpec], seed: u64, cfg: &Config) -> Report {
    run_checks(spec, probes, seed, cfg, &Focus::default())
}

/// Does `spec` still show `v`? Runs only `v`'s invariant, on `v`'s probe,
/// change or cell.
pub fn reproduces(spec: &ScenarioSpec, v: &Violation, seed: u64, cfg: &Config) -> bool {
    let probes: Vec<ProbeSpec> = v.probe.iter().cloned().collect();
    let focus = Focus {
        invariant: Some(v.invariant),
        change: v.change.as_ref(),
        cell: v.cell.as_ref(),
    };
    let mut cfg = cfg.clone();
    // Fix soundness and placement are checked on the violating probe alone.
    cfg.fixes = cfg.fixes.max(1);
    cfg.placements = cfg.placements.max(1);
    let report = run_checks(spec, &probes, seed, &cfg, &focus);
    report
        .violations
        .iter()
        .any(|w| w.invariant == v.invariant && w.key == v.key && w.probe == v.probe)
}

/// Shrinks `spec` to a smaller scenario that still shows `v` (at most
/// `budget` re-checks).
pub fn shrink_violation(
    spec: &ScenarioSpec,
    v: &Violation,
    seed: u64,
    cfg: &Config,
    budget: usize,
) -> shrink::Shrunk {
    shrink::shrink(spec, |cand| reproduces(cand, v, seed, cfg), budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invariant_names_round_trip() {
        for i in Invariant::ALL {
            assert_eq!(Invariant::parse(i.name()), Some(i));
        }
    }

    #[test]
    fn catching_reports_the_location() {
        let e = catching(|| -> u32 { panic!("boom {}", 7) }).unwrap_err();
        assert!(e.starts_with("boom 7 at "), "{e}");
        assert!(e.contains("fuzz.rs:"), "{e}");
        assert_eq!(catching(|| 3), Ok(3));
    }

    #[test]
    fn seeds_differ_per_iteration() {
        let a = case_options(1, 0, None);
        let b = case_options(1, 1, None);
        assert_ne!(a.seed, b.seed);
        assert_ne!(a.profile, b.profile);
        assert_eq!(case_options(1, 0, None), a);
    }
}
