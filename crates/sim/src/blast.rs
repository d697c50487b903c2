//! The blast radius of a fix: apply each remedy to a copy of the scenario,
//! diff the whole reachability against the original, and report what else
//! it opens and breaks, plus the changes a reviewer should look at twice
//! (a resource made public, a port opened to the world, a shared main route
//! table or default network ACL edited, a function moved off the subnets
//! its other calls depend on). Remedies are then ranked, fewest side
//! effects first.

use std::collections::BTreeSet;

use awsreach_model::spec::ScenarioSpec;
use awsreach_model::{Scenario, SubnetId};
use serde::Serialize;

use crate::diff::{ChangeKind, Key, ReachDiff, Side};
use crate::engine::{Engine, Node, Probe, ProbeError, ProbeOptions};
use crate::fix::{Fix, Peer, Remedy, RuleDirection};
use crate::trace::{Outcome, Trace, Verdict};

/// Why a reviewer should look twice at a remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DangerKind {
    /// A resource gets a public IP address.
    PublicResource,
    /// A security group admits a port from 0.0.0.0/0 or ::/0.
    OpenToWorld,
    /// A route table that other subnets use (often the VPC's main table) changes.
    SharedRouteTable,
    /// A network ACL that other subnets use (often the default one) changes.
    SharedNacl,
    /// A function leaves subnets that some of its other calls needed.
    FunctionMoved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Danger {
    pub kind: DangerKind,
    /// One sentence naming the scenario's ids.
    pub detail: String,
}

/// One call whose outcome a remedy changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Effect {
    pub from: Key,
    pub to: Key,
    #[serde(serialize_with = "ser_outcome")]
    pub before: Outcome,
    #[serde(serialize_with = "ser_outcome")]
    pub after: Outcome,
}

fn ser_outcome<S: serde::Serializer>(o: &Outcome, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match o {
        Outcome::Reachable => "reachable",
        Outcome::Blocked(c) | Outcome::Unknown(c) => c.as_str(),
    })
}

/// What one remedy does to the whole scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub remedy: Remedy,
    /// Its position in the simulator's own order (0: the one it synthesised first).
    pub index: usize,
    /// The traced probe's outcome once the remedy is applied; `None` when
    /// the patched scenario does not validate or the probe no longer resolves.
    #[serde(serialize_with = "ser_opt_outcome")]
    pub probe_after: Option<Outcome>,
    /// Changed calls between the probe's own endpoints (what the fix is for).
    pub claimed: Vec<Effect>,
    /// Other calls it makes reachable.
    pub opens: Vec<Effect>,
    /// Other calls it blocks.
    pub breaks: Vec<Effect>,
    /// Other calls still blocked, for another reason.
    pub recoded: Vec<Effect>,
    /// Sources or destinations the remedy adds or removes.
    pub added: Vec<Key>,
    pub removed: Vec<Key>,
    pub dangers: Vec<Danger>,
    /// Why the patched scenario is invalid, if it is.
    pub invalid: Option<String>,
}

fn ser_opt_outcome<S: serde::Serializer>(o: &Option<Outcome>, s: S) -> Result<S::Ok, S::Error> {
    match o {
        Some(o) => ser_outcome(o, s),
        None => s.serialize_none(),
    }
}

impl Assessment {
    /// Calls whose outcome changes besides the ones the fix is for. (A
    /// node the fix adds, such as the service of a new endpoint, had no
    /// calls before, so it changes none.)
    pub fn side_effects(&self) -> usize {
        self.opens.len() + self.breaks.len() + self.recoded.len()
    }

    /// True when the remedy changes only the probe's own calls and raises no flag.
    pub fn is_clean(&self) -> bool {
        self.invalid.is_none() && self.side_effects() == 0 && self.dangers.is_empty()
    }

    /// The ranking key: valid first; then fewest exposures (a resource
    /// made public, a port opened to the world), fewest broken calls, fewest
    /// other flags, fixing the probe outright, fewest other changes; then
    /// the simulator's own order.
    fn rank(&self) -> (bool, usize, usize, usize, bool, usize, usize) {
        let exposures = self.dangers.iter().filter(|d| d.kind.is_exposure()).count();
        (
            self.invalid.is_some(),
            exposures,
            self.breaks.len(),
            self.dangers.len() - exposures,
            self.probe_after != Some(Outcome::Reachable),
            self.side_effects(),
            self.index,
        )
    }
}

impl DangerKind {
    /// True for what exposes something to the internet.
    pub fn is_exposure(self) -> bool {
        matches!(self, DangerKind::PublicResource | DangerKind::OpenToWorld)
    }
}

/// Probe options that rebuild `p` on another engine.
fn options_of(e: &Engine, p: &Probe) -> ProbeOptions {
    let host = match p.to {
        Node::Service(s) if p.host != 0 => e.sc.services[s.ix()]
            .hostnames
            .get(p.host as usize)
            .map(|h| h.name.clone()),
        _ => None,
    };
    ProbeOptions {
        port: p.protocol.has_ports().then_some(p.port),
        protocol: Some(p.protocol),
        kind: Some(p.kind),
        action: p.action.clone(),
        ipv6: p.ipv6,
        host,
    }
}

/// The matrix row that stands for a probe's source: a trigger's service.
fn row_key(e: &Engine, n: Node) -> Key {
    match n {
        Node::Trigger(t) => e.key(Node::Service(e.sc.triggers[t.ix()].service)),
        other => e.key(other),
    }
}

/// The subnets a probe endpoint sends from or sits in.
fn source_subnets(sc: &Scenario, n: Node) -> Vec<SubnetId> {
    match n {
        Node::Function(f) => sc.functions[f.ix()]
            .vpc
            .as_ref()
            .map(|v| v.subnets.clone())
            .unwrap_or_default(),
        Node::Resource(r) => vec![sc.enis[sc.resources[r.ix()].eni.ix()].subnet],
        Node::FunctionEni(_, e) => vec![sc.enis[e.ix()].subnet],
        Node::Trigger(t) => sc.triggers[t.ix()].subnets.clone(),
        _ => Vec::new(),
    }
}

/// Assesses every remedy of a blocked probe and returns them ranked,
/// fewest side effects first.
pub fn assess(
    spec: &ScenarioSpec,
    engine: &Engine,
    probe: &Probe,
    remedies: &[Remedy],
) -> Vec<Assessment> {
    let rows = engine.sources();
    let cols = engine.destinations();
    let mut out: Vec<Assessment> = remedies
        .iter()
        .enumerate()
        .map(|(index, r)| assess_one(spec, engine, (&rows, &cols), probe, r, index))
        .collect();
    out.sort_by_key(|a| a.rank());
    out
}

fn assess_one(
    spec: &ScenarioSpec,
    engine: &Engine,
    (rows, cols): (&[Node], &[Node]),
    probe: &Probe,
    remedy: &Remedy,
    index: usize,
) -> Assessment {
    let mut a = Assessment {
        remedy: remedy.clone(),
        index,
        probe_after: None,
        claimed: Vec::new(),
        opens: Vec::new(),
        breaks: Vec::new(),
        recoded: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        dangers: Vec::new(),
        invalid: None,
    };
    let mut fixed = spec.clone();
    remedy.apply(&mut fixed);
    let checked = match awsreach_model::validate(&fixed) {
        Ok(c) => c,
        Err(e) => {
            a.invalid = Some(
                e.errors
                    .first()
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "the patched scenario does not validate".into()),
            );
            return a;
        }
    };
    let after = Engine::new(checked.scenario);
    let (rb, cb) = (after.sources(), after.destinations());
    let d = crate::diff::diff(
        Side::all(engine, rows, cols),
        Side::all(&after, &rb, &cb),
        &ProbeOptions::default(),
    );
    a.probe_after = after
        .probe(
            &engine.node_name(probe.from),
            &engine.node_name(probe.to),
            &options_of(engine, probe),
        )
        .ok()
        .map(|mut p| {
            // Called by its hostname before the fix, and after it.
            p.by_name |= probe.by_name;
            after.outcome(&p)
        });
    let (from, to) = (row_key(engine, probe.from), engine.key(probe.to));
    sort_effects(&mut a, &d, &from, &to);
    a.added = d.added.clone();
    a.removed = d.removed.clone();
    a.dangers = dangers(engine.scenario(), (probe.from, probe.to), remedy, &a.breaks);
    a
}

fn sort_effects(a: &mut Assessment, d: &ReachDiff, from: &Key, to: &Key) {
    for c in &d.changes {
        let (r, k) = d.keys(c);
        let e = Effect {
            from: r.clone(),
            to: k.clone(),
            before: c.before,
            after: c.after,
        };
        if r == from && k == to {
            a.claimed.push(e);
            continue;
        }
        match c.kind() {
            ChangeKind::NewlyReachable => a.opens.push(e),
            ChangeKind::NewlyBlocked => a.breaks.push(e),
            ChangeKind::CodeChanged => a.recoded.push(e),
            // A call that was reachable and now depends on missing data is
            // no longer known to work: ranked as a break.
            ChangeKind::Unknown if c.before == Outcome::Reachable => a.breaks.push(e),
            ChangeKind::Unknown => a.recoded.push(e),
        }
    }
}

/// Whether the subnet of resource `name` routes `::/0` to an internet gateway.
fn ipv6_internet_facing(sc: &Scenario, name: &str) -> bool {
    use awsreach_model::{RouteDest, Target};
    let Some(r) = sc.resources.iter().find(|r| r.name == name) else {
        return false;
    };
    let subnet = &sc.subnets[sc.enis[r.eni.ix()].subnet.ix()];
    sc.route_tables[subnet.route_table.ix()]
        .routes
        .iter()
        .any(|x| {
            matches!(x.target, Target::Igw(_))
                && matches!(x.dest, RouteDest::Cidr(ipnet::IpNet::V6(n)) if n.prefix_len() == 0)
        })
}

fn is_world(cidr: &str) -> bool {
    matches!(cidr, "0.0.0.0/0" | "::/0")
}

/// The flags a remedy raises, read from its steps against the scenario
/// before the change (and, for a moved function, from what it breaks).
fn dangers(
    sc: &Scenario,
    (source, target): (Node, Node),
    remedy: &Remedy,
    breaks: &[Effect],
) -> Vec<Danger> {
    // The source's and destination's subnets, and those a step of the
    // remedy moves the source to: changing their tables is the fix itself;
    // other subnets sharing the table or ACL are what a reviewer must see.
    let mut mine = source_subnets(sc, source);
    mine.extend(source_subnets(sc, target));
    if let Node::Function(f) | Node::FunctionEni(f, _) = source {
        let name = &sc.functions[f.ix()].name;
        for step in &remedy.steps {
            if let Fix::MoveFunction { function, subnets }
            | Fix::AttachFunctionToVpc { function, subnets } = step
                && function == name
            {
                mine.extend(
                    (0..sc.subnets.len() as u32)
                        .map(SubnetId)
                        .filter(|s| subnets.contains(&sc.subnets[s.ix()].name)),
                );
            }
        }
    }
    let names = |ids: &[SubnetId]| -> String {
        ids.iter()
            .map(|s| sc.subnets[s.ix()].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Subnets besides the source's that use a route table or network ACL.
    let others_of_table = |table: &str| -> Option<(bool, Vec<SubnetId>)> {
        let (i, rt) = sc
            .route_tables
            .iter()
            .enumerate()
            .find(|(_, t)| t.name == table)?;
        let users: Vec<SubnetId> = (0..sc.subnets.len() as u32)
            .map(SubnetId)
            .filter(|s| sc.subnets[s.ix()].route_table.ix() == i && !mine.contains(s))
            .collect();
        Some((rt.main, users))
    };
    let others_of_nacl = |nacl: &str| -> Option<(bool, Vec<SubnetId>)> {
        let i = sc.network_acls.iter().position(|n| n.name == nacl)?;
        let default = sc.vpcs.iter().any(|v| v.default_nacl.ix() == i);
        let users: Vec<SubnetId> = (0..sc.subnets.len() as u32)
            .map(SubnetId)
            .filter(|s| sc.subnets[s.ix()].network_acl.ix() == i && !mine.contains(s))
            .collect();
        Some((default, users))
    };
    let mut out: Vec<Danger> = Vec::new();
    let mut tables: BTreeSet<&str> = BTreeSet::new();
    for step in &remedy.steps {
        match step {
            Fix::AssignPublicIp { resource, ip } => out.push(Danger {
                kind: DangerKind::PublicResource,
                detail: format!(
                    "gives {resource} the public ip {ip}: the internet reaches it wherever its security groups and network acl allow"
                ),
            }),
            // An IPv6 address is global unicast: where the subnet routes
            // ::/0 to an internet gateway, the internet reaches it as it
            // would a public IPv4 address (rule 24). The matrix asks IPv4
            // only, so the diff cannot show it: flagged here.
            Fix::AssignIpv6 { resource, ip } if ipv6_internet_facing(sc, resource) => {
                out.push(Danger {
                    kind: DangerKind::PublicResource,
                    detail: format!(
                        "gives {resource} the IPv6 address {ip}, which its subnet routes to an internet gateway: the internet reaches it wherever its security groups and network acl allow"
                    ),
                })
            }
            Fix::AddSgRule {
                sg,
                direction: RuleDirection::Ingress,
                protocol,
                ports,
                peer: Peer::Cidr(c),
                ..
            } if is_world(c) => out.push(Danger {
                kind: DangerKind::OpenToWorld,
                detail: format!("opens {protocol}/{ports} in {sg} to {c}"),
            }),
            Fix::AddRoute { table, .. } | Fix::AssociateGatewayEndpoint { table, .. } => {
                tables.insert(table);
            }
            Fix::CreateGatewayEndpoint { route_tables, .. } => {
                tables.extend(route_tables.iter().map(String::as_str));
            }
            Fix::AddNaclRule { nacl, .. } => {
                if let Some((default, users)) = others_of_nacl(nacl)
                    && !users.is_empty()
                {
                    let what = if default { "the default network acl" } else { "network acl" };
                    out.push(Danger {
                        kind: DangerKind::SharedNacl,
                        detail: format!(
                            "changes {what} {nacl}, which subnets {} also use",
                            names(&users)
                        ),
                    });
                }
            }
            Fix::MoveFunction { function, subnets }
            | Fix::AttachFunctionToVpc { function, subnets } => {
                let Some(f) = sc.functions.iter().find(|f| &f.name == function) else {
                    continue;
                };
                let lost: Vec<&Effect> = breaks.iter().filter(|b| &b.from.id == function).collect();
                if lost.is_empty() {
                    continue;
                }
                let off = match &f.vpc {
                    None => "into the vpc (it ran outside any vpc)".to_string(),
                    Some(v) => {
                        let left: Vec<SubnetId> = v
                            .subnets
                            .iter()
                            .copied()
                            .filter(|s| !subnets.contains(&sc.subnets[s.ix()].name))
                            .collect();
                        if left.is_empty() {
                            continue;
                        }
                        format!("off subnets {}", names(&left))
                    }
                };
                let shown: Vec<String> = lost.iter().take(3).map(|b| b.to.id.clone()).collect();
                out.push(Danger {
                    kind: DangerKind::FunctionMoved,
                    detail: format!(
                        "moves {function} {off}: {} of its other calls break ({}{})",
                        lost.len(),
                        shown.join(", "),
                        if lost.len() > 3 { ", …" } else { "" }
                    ),
                });
            }
            _ => {}
        }
    }
    for table in tables {
        if let Some((main, users)) = others_of_table(table)
            && !users.is_empty()
        {
            let what = if main {
                "the main route table"
            } else {
                "route table"
            };
            out.push(Danger {
                kind: DangerKind::SharedRouteTable,
                detail: format!(
                    "changes {what} {table}, which subnets {} also use",
                    names(&users)
                ),
            });
        }
    }
    out
}

/// Traces `from → to`; when blocked, assesses every remedy, puts them in
/// ranked order (so the recommended fix is the one with the fewest side
/// effects) and follows the recommended one up to `depth` rounds.
/// Returns the trace and the assessments in ranked order: their remedies
/// are the trace's fixes as shown (see [`fixes_of`]).
pub fn trace_assessed(
    spec: &ScenarioSpec,
    engine: &Engine,
    from: &str,
    to: &str,
    opts: &ProbeOptions,
    depth: usize,
) -> Result<(Trace, Vec<Assessment>), ProbeError> {
    let probe = engine.probe(from, to, opts)?;
    let mut trace = engine.trace(&probe);
    let mut assessed = Vec::new();
    if matches!(trace.verdict, Verdict::Blocked(_)) {
        assessed = assess(spec, engine, &probe, &engine.remedies(&trace));
        let first = assessed.first().map(|a| &a.remedy);
        let after_fix = crate::next_blocker(spec, first, from, to, opts, depth);
        if let Verdict::Blocked(b) = &mut trace.verdict {
            b.after_fix = after_fix;
        }
    }
    Ok((trace, assessed))
}

/// The fixes a blocked trace shows: the assessed remedies in ranked order
/// when there are assessments, else the engine's own order.
pub fn fixes_of(engine: &Engine, t: &Trace, assessed: &[Assessment]) -> Vec<Remedy> {
    if assessed.is_empty() {
        engine.remedies(t)
    } else {
        assessed.iter().map(|a| a.remedy.clone()).collect()
    }
}
