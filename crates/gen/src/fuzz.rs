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

mod blast;
mod change;

pub use change::{Change, Direction};

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use awsreach_model::spec::{Expect, ExpectationSpec, FunctionVpcSpec};
use awsreach_model::{ScenarioSpec, parse, to_ron, validate};
use awsreach_sim::{
    Decision, Engine, Node, Outcome, ProbeError, ProbeOptions, Verdict, apply_remedy,
};

use crate::reference::{self, Answer};
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
    /// `matrix(rows, cols).get(i, j) == cell(rows[i], cols[j])`.
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
}

impl Invariant {
    pub const ALL: [Invariant; 12] = [
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
    pub checks: [usize; 12],
    /// The engine's verdicts on the generated probes: `reachable` or the
    /// reason code, with counts (what the probes covered).
    pub verdicts: std::collections::BTreeMap<&'static str, usize>,
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
                checks: [0; 12],
                verdicts: Default::default(),
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

/// The probes a scenario file is replayed with: its `expect` entries, then
/// `n` generated ones.
pub fn replay_probes(spec: &ScenarioSpec, seed: u64, n: usize) -> Vec<ProbeSpec> {
    let mut out: Vec<ProbeSpec> = spec
        .expect
        .iter()
        .map(|e| ProbeSpec {
            from: e.from.clone(),
            to: e.to.clone(),
            port: e.port,
            protocol: e.protocol,
        })
        .collect();
    // Small scenarios repeat generated probes: ask each question once.
    for p in probes(spec, seed, n) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Adds random routes (every prefix length, random networks, to a
/// blackhole or to the VPC's gateways and peerings) to every declared table,
/// and external hosts at random addresses: route lookups then meet prefixes
/// of every length and addresses on octet boundaries. The probes of the
/// scenario reach these hosts through [`probes`]' external-host flows.
pub fn stress_routes(spec: &mut ScenarioSpec, seed: u64) {
    use awsreach_model::spec::{ExternalHostSpec, RouteSpec, RouteTarget};
    let mut pick = Pick(mix(seed, 0x1b3));
    const LENS: [u8; 16] = [1, 2, 4, 7, 8, 9, 12, 15, 16, 17, 20, 23, 24, 25, 31, 32];
    let random_addr = |pick: &mut Pick| -> u32 {
        let hi = pick.below(1 << 16) as u32;
        let lo = pick.below(1 << 16) as u32;
        let a = (hi << 16) | lo;
        // Now and then right on an octet boundary.
        match pick.below(4) {
            0 => a & 0xffff_ff00,
            1 => a | 0x0000_00ff,
            _ => a,
        }
    };
    let mut hosts = Vec::new();
    for k in 0..4 {
        let a = random_addr(&mut pick);
        hosts.push(a);
        spec.external_hosts.push(ExternalHostSpec {
            id: format!("stress-host-{k}"),
            ip: std::net::Ipv4Addr::from(a).to_string(),
            hostname: None,
            listen: vec!["tcp/443".into()],
        });
    }
    let tables: Vec<usize> = (0..spec.route_tables.len()).collect();
    for t in tables {
        let vpc = spec.route_tables[t].vpc.clone();
        let mut targets = vec![RouteTarget::Blackhole];
        targets.extend(
            spec.internet_gateways
                .iter()
                .filter(|g| g.vpc == vpc)
                .map(|g| RouteTarget::Igw(g.id.clone())),
        );
        targets.extend(
            spec.nat_gateways
                .iter()
                .filter(|n| {
                    spec.subnets
                        .iter()
                        .any(|s| s.id == n.subnet && s.vpc == vpc)
                })
                .map(|n| RouteTarget::Nat(n.id.clone())),
        );
        targets.extend(
            spec.peering_connections
                .iter()
                .filter(|p| p.requester == vpc || p.accepter == vpc)
                .map(|p| RouteTarget::Peering(p.id.clone())),
        );
        for _ in 0..pick.below(9) {
            let len = LENS[pick.below(LENS.len())];
            // Around one of the hosts most of the time, so that the routes matter.
            let base = if pick.below(3) == 0 {
                random_addr(&mut pick)
            } else {
                hosts[pick.below(hosts.len())]
            };
            let mask = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len))
            };
            let dest = format!("{}/{len}", std::net::Ipv4Addr::from(base & mask));
            let table = &mut spec.route_tables[t];
            if table.routes.iter().any(|r| r.dest == dest) {
                continue;
            }
            let target = targets[pick.below(targets.len())].clone();
            table.routes.push(RouteSpec { dest, target });
        }
    }
}

/// Probes to literal addresses, which the generator's probes never use:
/// the private address of any interface (a NAT gateway's and an
/// endpoint's included), public and Elastic IPs, IPv6 addresses, external
/// hosts by address, and addresses nothing holds inside and outside VPCs.
pub fn address_probes(sc: &awsreach_model::Scenario, seed: u64, n: usize) -> Vec<ProbeSpec> {
    let mut targets: Vec<String> = Vec::new();
    for e in &sc.enis {
        targets.push(e.private_ip.to_string());
        targets.extend(e.public_ip.map(|p| p.to_string()));
        targets.extend(e.ipv6.map(|p| p.to_string()));
    }
    targets.extend(sc.external_hosts.iter().map(|h| h.ip.to_string()));
    for v in &sc.vpcs {
        for c in &v.cidrs {
            // Deep inside the block, where no interface usually sits.
            let a =
                u32::from(c.network()).wrapping_add(0x0000_f00d % c.hosts().count().max(1) as u32);
            targets.push(std::net::Ipv4Addr::from(a).to_string());
        }
    }
    targets.push("198.18.0.1".into());
    targets.push("2001:db8:ffff::1".into());
    let mut sources: Vec<String> = vec!["internet".into()];
    sources.extend(sc.functions.iter().map(|f| f.name.clone()));
    sources.extend(sc.resources.iter().map(|r| r.name.clone()));
    sources.extend(sc.external_hosts.iter().map(|h| h.name.clone()));
    const PORTS: [(awsreach_model::net::Protocol, Option<u16>); 5] = [
        (awsreach_model::net::Protocol::Tcp, Some(443)),
        (awsreach_model::net::Protocol::Tcp, Some(22)),
        (awsreach_model::net::Protocol::Tcp, Some(5432)),
        (awsreach_model::net::Protocol::Udp, Some(53)),
        (awsreach_model::net::Protocol::Icmp, None),
    ];
    let mut pick = Pick(mix(seed, 0xadd7));
    (0..n)
        .map(|_| {
            let (protocol, port) = PORTS[pick.below(PORTS.len())];
            ProbeSpec {
                from: sources[pick.below(sources.len())].clone(),
                to: targets[pick.below(targets.len())].clone(),
                port,
                protocol: Some(protocol),
            }
        })
        .collect()
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

fn run_checks(
    spec: &ScenarioSpec,
    probes: &[ProbeSpec],
    seed: u64,
    cfg: &Config,
    focus: &Focus,
) -> Report {
    let current: RefCell<Option<ProbeSpec>> = RefCell::new(None);
    let mut out = Vec::new();
    let mut checks = [0; 12];
    let mut verdicts = std::collections::BTreeMap::new();
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
    }
}

struct Checker<'a, 'f> {
    spec: &'a ScenarioSpec,
    probes: &'a [ProbeSpec],
    cfg: &'a Config,
    focus: &'a Focus<'f>,
    seed: u64,
    current: &'a RefCell<Option<ProbeSpec>>,
    out: &'a mut Vec<Violation>,
    checks: &'a mut [usize; 12],
    verdicts: &'a mut std::collections::BTreeMap<&'static str, usize>,
}

fn opts(p: &ProbeSpec) -> ProbeOptions {
    ProbeOptions {
        port: p.port,
        protocol: p.protocol,
        ..ProbeOptions::default()
    }
}

fn show_outcome(o: &Result<Outcome, ProbeError>) -> String {
    match o {
        Ok(Outcome::Reachable) => "reachable".into(),
        Ok(Outcome::Blocked(c)) => format!("blocked {c}"),
        Ok(Outcome::Unknown(c)) => format!("unknown {c}"),
        Err(e) => format!("refused ({e})"),
    }
}

impl Checker<'_, '_> {
    fn on(&self, i: Invariant) -> bool {
        self.focus.invariant.is_none_or(|f| f == i) && self.cfg.on(i)
    }

    fn count(&mut self, i: Invariant) {
        self.checks[i as usize] += 1;
    }

    fn report(&mut self, invariant: Invariant, probe: Option<&ProbeSpec>, detail: String) {
        self.out.push(Violation {
            invariant,
            probe: probe.cloned(),
            change: None,
            cell: None,
            key: String::new(),
            detail,
        });
    }

    fn run(mut self) {
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
        }
        *self.current.borrow_mut() = None;
        if self.on(Invariant::MatrixExact) || self.on(Invariant::Differential) {
            self.matrix(&engine);
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

    fn round_trip(&mut self, scenario: &awsreach_model::Scenario) {
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
                Ok(c) if format!("{:?}", c.scenario) != format!("{scenario:?}") => {
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
    fn probe(
        &mut self,
        engine: &Engine,
        twin: Option<&Engine>,
        p: &ProbeSpec,
    ) -> Result<Outcome, ProbeError> {
        let reference = self
            .on(Invariant::Differential)
            .then(|| reference::evaluate(engine.scenario(), &p.from, &p.to, p.port, p.protocol));
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
        if self.on(Invariant::TraceShape) {
            let problem = match &trace.verdict {
                Verdict::Blocked(b) => match trace.hops.get(b.hop) {
                    None => Some(format!(
                        "blocking hop {} of {} hops",
                        b.hop,
                        trace.hops.len()
                    )),
                    Some(h) if h.decision != Decision::Block => Some(format!(
                        "blocking hop {} ({} {}) does not block",
                        b.hop, h.kind, h.component
                    )),
                    Some(_) if b.why.is_empty() => Some("a block without a why".to_string()),
                    Some(_) => None,
                },
                Verdict::Unknown(u) => match trace.hops.get(u.hop) {
                    Some(h) if h.decision == Decision::Unknown && !u.what.is_empty() => None,
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
            let problem = problem.or_else(|| {
                (trace.from != p.from || trace.to != p.to)
                    .then(|| format!("the trace names {} -> {}", trace.from, trace.to))
            });
            if let Some(d) = problem {
                self.report(Invariant::TraceShape, Some(p), d);
            }
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
            let lacks = !engine.scenario().missing.is_empty();
            let agree = match (&r, outcome) {
                (_, Outcome::Unknown(_)) => lacks,
                (Ok(Answer::Reachable), Outcome::Reachable) => true,
                (Ok(Answer::Blocked(a)), Outcome::Blocked(c)) => *a == c.as_str(),
                _ => false,
            };
            if !agree {
                let why = match &trace.verdict {
                    Verdict::Blocked(b) => format!(" ({})", b.why),
                    Verdict::Unknown(u) => format!(" ({})", u.what),
                    Verdict::Reachable => String::new(),
                };
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
    fn matrix(&mut self, engine: &Engine) {
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
        for (i, j) in cells {
            let cell = engine.cell(rows[i], cols[j]);
            let (r, c) = (names(rows[i]), names(cols[j]));
            if m.is_some() {
                self.count(Invariant::MatrixExact);
            }
            if let Some(m) = &m
                && m.get(i, j) != cell
                && reported < 3
            {
                reported += 1;
                self.out.push(Violation {
                    invariant: Invariant::MatrixExact,
                    probe: None,
                    change: None,
                    cell: Some((r.clone(), c.clone())),
                    key: String::new(),
                    detail: format!("matrix says {:?}, the cell alone {:?}", m.get(i, j), cell),
                });
            }
            if self.on(Invariant::Differential) && self.focus.cell.is_none() && rows[i] != cols[j] {
                self.count(Invariant::Differential);
                let reference = reference::evaluate(engine.scenario(), &r, &c, None, None);
                let lacks = !engine.scenario().missing.is_empty();
                let agree = match (&reference, cell) {
                    (_, Some(Outcome::Unknown(_))) => lacks,
                    (Ok(Answer::Reachable), Some(Outcome::Reachable)) => true,
                    (Ok(Answer::Blocked(a)), Some(Outcome::Blocked(k))) => *a == k.as_str(),
                    (Err(_), None) => true,
                    _ => false,
                };
                if !agree {
                    let p = ProbeSpec {
                        from: r,
                        to: c,
                        port: None,
                        protocol: None,
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
    }

    /// The scenario after `change`, compiled; None when the change does not
    /// apply or makes the scenario invalid (not the engine's fault).
    fn changed(&self, change: &Change) -> Option<(ScenarioSpec, Engine)> {
        let mut spec = self.spec.clone();
        if !change.apply(&mut spec) {
            return None;
        }
        let checked = validate(&spec).ok()?;
        Some((spec, Engine::new(checked.scenario)))
    }

    fn monotonic(&mut self, before: &[Result<Outcome, ProbeError>]) {
        let chosen: Vec<Change> = match self.focus.change {
            Some(c) => vec![c.clone()],
            None if self.cfg.exhaustive => Change::candidates(self.spec)
                .into_iter()
                .flatten()
                .take(EXHAUSTIVE_CAP)
                .collect(),
            None => {
                let groups = Change::candidates(self.spec);
                if groups.is_empty() {
                    return;
                }
                let mut pick = Pick(mix(self.seed, 1));
                (0..self.cfg.changes)
                    .map(|_| {
                        let g = &groups[pick.below(groups.len())];
                        g[pick.below(g.len())].clone()
                    })
                    .collect()
            }
        };
        for change in chosen {
            let dir = change.direction();
            let Some((_, after)) = self.changed(&change) else {
                continue;
            };
            for (p, was) in self.probes.iter().zip(before) {
                *self.current.borrow_mut() = Some(p.clone());
                let Ok(was) = was else { continue };
                self.count(Invariant::Monotonic);
                let now = after
                    .probe(&p.from, &p.to, &opts(p))
                    .map(|q| after.outcome(&q));
                let broken = matches!(
                    (dir, was, &now),
                    (
                        Direction::Permissive,
                        Outcome::Reachable,
                        Ok(Outcome::Blocked(_))
                    ) | (
                        Direction::Restrictive,
                        Outcome::Blocked(_),
                        Ok(Outcome::Reachable)
                    ) | (_, _, Err(_))
                );
                if broken {
                    self.out.push(Violation {
                        invariant: Invariant::Monotonic,
                        probe: Some(p.clone()),
                        change: Some(change.clone()),
                        cell: None,
                        key: String::new(),
                        detail: format!(
                            "a {} change turned {} into {}",
                            if dir == Direction::Permissive {
                                "permissive"
                            } else {
                                "restrictive"
                            },
                            show_outcome(&Ok(*was)),
                            show_outcome(&now)
                        ),
                    });
                    // One probe per change is enough to shrink on.
                    break;
                }
            }
            *self.current.borrow_mut() = None;
        }
    }

    /// Seed principles 1 and 3: move a function (keeping it last, so no
    /// other interface's address moves) and ask every caller again.
    fn callee_placement(&mut self, engine: &Engine) {
        let sc = engine.scenario();
        let spec = self.spec;
        let moves: Vec<Change> = match self.focus.change {
            Some(c @ Change::Place { .. }) => vec![c.clone()],
            Some(_) => return,
            None if self.cfg.exhaustive => {
                let mut all = Vec::new();
                for f in &spec.functions {
                    if f.vpc.is_some() {
                        all.push(Change::Place {
                            function: f.id.clone(),
                            vpc: None,
                        });
                    }
                    for s in &spec.subnets {
                        all.push(Change::Place {
                            function: f.id.clone(),
                            vpc: Some(FunctionVpcSpec {
                                subnets: vec![s.id.clone()],
                                security_groups: Vec::new(),
                                ipv6_dual_stack: false,
                            }),
                        });
                    }
                }
                all.truncate(EXHAUSTIVE_CAP);
                all
            }
            None => {
                if spec.functions.is_empty() {
                    return;
                }
                let mut pick = Pick(mix(self.seed, 2));
                (0..self.cfg.placements)
                    .map(|_| {
                        let f = &spec.functions[pick.below(spec.functions.len())];
                        let vpc =
                            if f.vpc.is_some() && pick.below(2) == 0 || spec.subnets.is_empty() {
                                None
                            } else {
                                let s = &spec.subnets[pick.below(spec.subnets.len())];
                                let same: Vec<&str> = spec
                                    .subnets
                                    .iter()
                                    .filter(|t| t.vpc == s.vpc)
                                    .map(|t| t.id.as_str())
                                    .collect();
                                let mut subnets = vec![s.id.clone()];
                                let other = same[pick.below(same.len())];
                                if other != s.id {
                                    subnets.push(other.to_string());
                                }
                                Some(FunctionVpcSpec {
                                    subnets,
                                    security_groups: Vec::new(),
                                    ipv6_dual_stack: false,
                                })
                            };
                        Change::Place {
                            function: f.id.clone(),
                            vpc,
                        }
                    })
                    .collect()
            }
        };
        for mv in moves {
            let Change::Place { function, .. } = &mv else {
                continue;
            };
            let Some(f) = spec.functions.iter().find(|f| &f.id == function) else {
                continue;
            };
            // The same function, last in the list, where it was.
            let stay = Change::Place {
                function: function.clone(),
                vpc: f.vpc.clone(),
            };
            let (Some((_, a)), Some((_, b))) = (self.changed(&stay), self.changed(&mv)) else {
                continue;
            };
            let mut callers: Vec<String> = vec!["internet".into()];
            callers.extend(
                sc.functions
                    .iter()
                    .map(|g| g.name.clone())
                    .filter(|g| g != function),
            );
            callers.extend(sc.resources.iter().map(|r| r.name.clone()));
            callers.extend(sc.external_hosts.iter().map(|h| h.name.clone()));
            let mut managed = Vec::new();
            for t in &sc.triggers {
                if sc.functions[t.function.ix()].name == *function {
                    callers.push(t.name.clone());
                    callers.push(sc.services[t.service.ix()].id.clone());
                    if t.source.polls_in_aws() {
                        managed.push(t.name.clone());
                    }
                }
            }
            callers.dedup();
            if let Some(p) = self.probes.first().filter(|_| self.focus.change.is_some()) {
                // Shrinking: only the caller that showed the problem.
                callers.retain(|c| *c == p.from);
            }
            for caller in callers {
                let p = ProbeSpec {
                    from: caller.clone(),
                    to: function.clone(),
                    port: None,
                    protocol: None,
                };
                *self.current.borrow_mut() = Some(p.clone());
                self.count(Invariant::CalleePlacement);
                let oa = a
                    .probe(&caller, function, &ProbeOptions::default())
                    .map(|q| a.outcome(&q));
                let ob = b
                    .probe(&caller, function, &ProbeOptions::default())
                    .map(|q| b.outcome(&q));
                let detail = if oa != ob {
                    Some(format!(
                        "invoking gives {} before the move and {} after",
                        show_outcome(&oa),
                        show_outcome(&ob)
                    ))
                } else if managed.contains(&caller) && ob != Ok(Outcome::Reachable) {
                    Some(format!(
                        "a Lambda-managed poller does not deliver: {}",
                        show_outcome(&ob)
                    ))
                } else {
                    None
                };
                if let Some(d) = detail {
                    self.out.push(Violation {
                        invariant: Invariant::CalleePlacement,
                        probe: Some(p),
                        change: Some(mv.clone()),
                        cell: None,
                        key: String::new(),
                        detail: d,
                    });
                    break;
                }
            }
            *self.current.borrow_mut() = None;
        }
    }

    /// Applies the first remedy of a few blocked traces (different codes first).
    fn fix_sound(&mut self, engine: &Engine, outcomes: &[Result<Outcome, ProbeError>]) {
        let mut blocked: Vec<(usize, awsreach_sim::Code)> = outcomes
            .iter()
            .enumerate()
            .filter_map(|(i, o)| match o {
                Ok(Outcome::Blocked(c)) => Some((i, *c)),
                _ => None,
            })
            .collect();
        // One per code first, in a seeded order.
        let mut pick = Pick(mix(self.seed, 3));
        for k in (1..blocked.len()).rev() {
            blocked.swap(k, pick.below(k + 1));
        }
        let mut seen = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        for &(i, c) in &blocked {
            if !seen.contains(&c) {
                seen.push(c);
                order.push(i);
            }
        }
        for &(i, _) in &blocked {
            if !order.contains(&i) {
                order.push(i);
            }
        }
        if !self.cfg.exhaustive {
            order.truncate(self.cfg.fixes);
        }
        for i in order {
            let p = self.probes[i].clone();
            *self.current.borrow_mut() = Some(p.clone());
            if let Some(d) = self.fix_chain(engine, &p) {
                // The kind of failure is what a smaller scenario must show.
                let key = ["invalid", "refused", "circles", "still blocked"]
                    .into_iter()
                    .find(|k| d.contains(k))
                    .unwrap_or("")
                    .to_string();
                self.out.push(Violation {
                    invariant: Invariant::FixSound,
                    probe: Some(p.clone()),
                    change: None,
                    cell: None,
                    key,
                    detail: d,
                });
            }
        }
        *self.current.borrow_mut() = None;
    }

    /// Follows the recommended fixes of a blocked probe, up to
    /// [`FIX_ROUNDS`] of them. Each must give a valid scenario; the first
    /// must get the probe further (reachable, another code, or a block at
    /// another hop or for another reason: hop indices are no measure, a fix
    /// can shorten the path before the block); and no fix may bring the
    /// scenario back to one seen before, which would send a user who
    /// follows the advice in circles. Long chains are no violation: a
    /// generated scenario can have many independent problems.
    fn fix_chain(&mut self, engine: &Engine, p: &ProbeSpec) -> Option<String> {
        type State = (awsreach_sim::Code, Option<(String, String)>, String);
        let state = |t: &awsreach_sim::Trace| -> Option<(State, Vec<awsreach_sim::Remedy>)> {
            match &t.verdict {
                Verdict::Reachable | Verdict::Unknown(_) => None,
                Verdict::Blocked(b) => Some((
                    (
                        b.code,
                        t.hops
                            .get(b.hop)
                            .map(|h| (h.component.clone(), h.detail.clone())),
                        b.why.clone(),
                    ),
                    b.fixes.clone(),
                )),
            }
        };
        let probe = engine.probe(&p.from, &p.to, &opts(p)).ok()?;
        let (mut now, mut fixes) = state(&engine.trace(&probe))?;
        let mut visited: Vec<ScenarioSpec> = vec![self.spec.clone()];
        let mut applied: Vec<String> = Vec::new();
        for round in 0..FIX_ROUNDS {
            let remedy = fixes.first()?.clone();
            if round == 0 {
                self.count(Invariant::FixSound);
            }
            let current = visited.last().expect("the original spec").clone();
            let (fixed, sc) = match apply_remedy(&current, &remedy) {
                Ok(x) => x,
                Err(e) => {
                    return Some(format!(
                        "the fix `{remedy}` for {} makes the scenario invalid: {}",
                        now.0,
                        e.errors.first().map(|d| d.to_string()).unwrap_or_default()
                    ));
                }
            };
            applied.push(format!("{} -> `{remedy}`", now.0));
            if visited.contains(&fixed) {
                return Some(format!(
                    "the recommended fixes go in circles (the scenario comes back to an earlier state): {}",
                    applied.join(", then ")
                ));
            }
            visited.push(fixed);
            let e2 = Engine::new(sc);
            let q = match e2.probe(&p.from, &p.to, &opts(p)) {
                Ok(q) => q,
                Err(e) => {
                    return Some(format!(
                        "after the fix `{remedy}` the probe is refused: {e}"
                    ));
                }
            };
            let (next, next_fixes) = state(&e2.trace(&q))?;
            if round == 0 && next == now {
                return Some(format!(
                    "after the fix `{remedy}` the probe is still blocked with {} at the same hop ({})",
                    next.0, next.2
                ));
            }
            (now, fixes) = (next, next_fixes);
        }
        None
    }
}

/// How many recommended fixes in a row `fix-sound` follows.
const FIX_ROUNDS: usize = 12;

/// The variant name of a validation problem, e.g. `DuplicateIp`.
fn problem_kind(p: &awsreach_model::Problem) -> String {
    let d = format!("{p:?}");
    d.split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_string()
}

/// A panic's location (`file:line`), which a smaller scenario must share.
fn panic_key(msg: &str) -> String {
    msg.rsplit_once(" at ")
        .map(|(_, at)| at.to_string())
        .unwrap_or_else(|| msg.to_string())
}

// -------------------------------------------------------------- panics

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that, inside [`catching`], records the
/// message and location instead of printing them; elsewhere the previous
/// hook runs as before.
fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) {
                let msg = payload_text(info.payload());
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_else(|| "unknown location".into());
                LAST_PANIC.with(|l| *l.borrow_mut() = Some(format!("{msg} at {at}")));
            } else {
                previous(info);
            }
        }));
    });
}

fn payload_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// Runs `f`, turning a panic into `Err("message at file:line")`.
pub fn catching<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    let outer = QUIET.with(|q| q.replace(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(outer));
    r.map_err(|payload| {
        LAST_PANIC
            .with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| payload_text(&*payload))
    })
}

// ------------------------------------------------------------- failure files

/// A failure file: the shrunk scenario, with the violating probe as an
/// `expect` entry (what the invariant says it should be, when it says) and
/// a header saying what broke and how to replay it.
pub fn failure_file(spec: &ScenarioSpec, v: &Violation, replay: &str) -> String {
    let mut spec = spec.clone();
    spec.expect.clear();
    if let Some(p) = &v.probe {
        let (expect, code) = expected_for(v);
        spec.expect.push(ExpectationSpec {
            from: p.from.clone(),
            to: p.to.clone(),
            port: p.port,
            protocol: p.protocol,
            expect,
            code,
            note: Some(format!("fuzz: {}", v.invariant)),
        });
    }
    let mut head = String::new();
    head.push_str(&format!("// awsreach fuzz: {} violated\n", v.invariant));
    for line in v.to_string().lines() {
        head.push_str(&format!("//   {line}\n"));
    }
    head.push_str(&format!("// replay: {replay}\n"));
    head.push_str(&to_ron(&spec));
    head
}

/// The verdict the violated invariant asks for, where it names one
/// (differential: the reference's); otherwise reachable, with no code.
fn expected_for(v: &Violation) -> (Expect, Option<String>) {
    if v.invariant == Invariant::Differential
        && let Some(rest) = v.detail.split("reference: ").nth(1)
    {
        if rest.starts_with("reachable") {
            return (Expect::Reachable, None);
        }
        if let Some(code) = rest.strip_prefix("blocked ") {
            let code: String = code
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                .collect();
            return (Expect::Blocked, Some(code));
        }
    }
    (Expect::Reachable, None)
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

// ------------------------------------------------------- arbitrary input

/// How far arbitrary text got: what [`exercise`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The RON parser refused it.
    Unparsed,
    /// It parsed but does not validate.
    Invalid,
    /// It validated, compiled, and every probe got a verdict or a probe error.
    Probed,
}

/// Feeds arbitrary text through everything a user's file goes through:
/// parse, validate, compile, and probe (its `expect` entries, a few
/// generated probes, a few matrix cells, the first fix of a blocked trace).
/// Must never panic, whatever the text; the cargo-fuzz target and the
/// mangled-scenario test call it.
pub fn exercise(text: &str) -> Stage {
    let Ok(spec) = parse(text) else {
        return Stage::Unparsed;
    };
    let Ok(checked) = validate(&spec) else {
        return Stage::Invalid;
    };
    let engine = Engine::new(checked.scenario);
    let mut fixed_one = false;
    for p in replay_probes(&spec, 0, 8) {
        let Ok(q) = engine.probe(&p.from, &p.to, &opts(&p)) else {
            continue;
        };
        let t = engine.trace(&q);
        let _ = engine.outcome(&q);
        if let Verdict::Blocked(b) = &t.verdict
            && !fixed_one
            && let Some(r) = b.fixes.first()
        {
            fixed_one = true;
            if let Ok((_, sc)) = apply_remedy(&spec, r) {
                let e2 = Engine::new(sc);
                if let Ok(q2) = e2.probe(&p.from, &p.to, &opts(&p)) {
                    let _ = e2.trace(&q2);
                }
            }
        }
    }
    let rows = engine.sources();
    let cols = engine.destinations();
    for (i, &r) in rows.iter().enumerate().take(6) {
        for &c in cols.iter().skip(i).take(6) {
            let _ = engine.cell(r, c);
        }
    }
    Stage::Probed
}

/// A mangled copy of a scenario file, deterministic in `seed`: cut short,
/// a line dropped, doubled or swapped, a string or number replaced by
/// another one of the same file, or a byte changed. Most results still
/// parse, so validation and the engine see odd but well-formed input.
pub fn mangle(text: &str, seed: u64) -> String {
    let mut pick = Pick(seed);
    let lines: Vec<&str> = text.lines().collect();
    let strings: Vec<&str> = text.split('"').skip(1).step_by(2).collect();
    let numbers: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    let mut out = text.to_string();
    let rounds = 1 + pick.below(3);
    for _ in 0..rounds {
        match pick.below(7) {
            0 => {
                // Cut short, on a char boundary.
                let mut at = pick.below(out.len() + 1);
                while !out.is_char_boundary(at) {
                    at -= 1;
                }
                out.truncate(at);
            }
            1 | 2 if !lines.is_empty() => {
                let mut ls: Vec<&str> = out.lines().collect();
                if ls.is_empty() {
                    continue;
                }
                let i = pick.below(ls.len());
                match pick.below(3) {
                    0 => {
                        ls.remove(i);
                    }
                    1 => ls.insert(i, ls[i]),
                    _ => {
                        let j = pick.below(ls.len());
                        ls.swap(i, j);
                    }
                }
                out = ls.join("\n");
            }
            3 if !strings.is_empty() => {
                // Replace one quoted string by another of the file.
                let quoted: Vec<(usize, usize)> = quote_spans(&out);
                if quoted.is_empty() {
                    continue;
                }
                let (a, b) = quoted[pick.below(quoted.len())];
                let with = strings[pick.below(strings.len())];
                out.replace_range(a..b, with);
            }
            4 | 5 if !numbers.is_empty() => {
                // Replace one number by another of the file, or an odd one.
                let spans = number_spans(&out);
                if spans.is_empty() {
                    continue;
                }
                let (a, b) = spans[pick.below(spans.len())];
                let odd = [
                    "0",
                    "1",
                    "32",
                    "33",
                    "255",
                    "256",
                    "65535",
                    "65536",
                    "4294967296",
                ];
                let with = if pick.below(2) == 0 {
                    numbers[pick.below(numbers.len())].to_string()
                } else {
                    odd[pick.below(odd.len())].to_string()
                };
                out.replace_range(a..b, &with);
            }
            _ => {
                // Change one byte to a structural character.
                if out.is_empty() {
                    continue;
                }
                let mut at = pick.below(out.len());
                while !out.is_char_boundary(at) {
                    at -= 1;
                }
                let end = (at + 1..=out.len())
                    .find(|&e| out.is_char_boundary(e))
                    .unwrap_or(out.len());
                let with = ["(", ")", "[", "]", ",", ":", "\"", "/", "-", " ", "x", "9"];
                out.replace_range(at..end, with[pick.below(with.len())]);
            }
        }
    }
    out
}

/// Byte spans of the contents of `"..."` strings.
fn quote_spans(s: &str) -> Vec<(usize, usize)> {
    let idx: Vec<usize> = s.match_indices('"').map(|(i, _)| i).collect();
    idx.chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0] + 1, c[1]))
        .collect()
}

/// Byte spans of runs of ASCII digits.
fn number_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                out.push((a, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        out.push((a, s.len()));
    }
    out
}
