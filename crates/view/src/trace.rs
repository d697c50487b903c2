//! The document of one trace: the probe, every hop (with the id and entity
//! kind of the component it concerns, so a picture can find it in the
//! [`crate::ScenarioDoc`] or the [`crate::Topology`]), the verdict and its
//! code, and for a blocked probe why, the fixes (with their blast radius when
//! assessed) and what still blocks after the recommended one. Built once
//! ([`TraceDoc::new`]); `awsreach trace --format json` serialises it and the
//! HTML report draws it. The JSON shape is documented in the README ("JSON
//! output"); [`VERSION`] changes when a field is removed or changes meaning.

use awsreach_model::Scenario;
use awsreach_model::edit::Fix;
use awsreach_sim::blast::{Assessment, Danger, Effect};
use awsreach_sim::diff::Key;
use awsreach_sim::{
    At, CallKind, Code, Decision, Direction, Engine, Followup, Outcome, Remedy, Trace, Verdict,
};
use serde::Serialize;

/// Version of the JSON document.
pub const VERSION: u32 = 1;

/// One trace, name-resolved. Blocked and unknown details are flattened into
/// the top level of the JSON (`why`, `fixes`, ... or `missing`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceDoc {
    pub version: u32,
    /// The source's id (or `internet`, an address), whatever name the
    /// user gave it by.
    pub from: String,
    pub to: String,
    /// The source's `name` (a `Name` tag, a function name), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    /// The destination's `name`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_name: Option<String>,
    /// `invoke`, `service-call`, `flow` or `trigger`.
    pub kind: &'static str,
    pub protocol: &'static str,
    pub port: u16,
    /// 6 for a flow over IPv6 (`--ip-version 6`, or an IPv6 end); left
    /// out for IPv4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<u8>,
    /// `reachable`, `blocked` or `unknown`.
    pub verdict: &'static str,
    /// The reason code when blocked, the `UNKNOWN_*` code when unknown.
    pub code: Option<&'static str>,
    /// The `step` of the blocking (or unknown) hop.
    pub hop: Option<usize>,
    pub hops: Vec<HopDoc>,
    #[serde(flatten)]
    pub blocked: Option<BlockedDoc>,
    #[serde(flatten)]
    pub unknown: Option<UnknownDoc>,
    /// A function with several ENIs (one per subnet, any of which Lambda
    /// may send from): the trace from each ENI, `from` naming it as
    /// `fn@subnet`, in the order of the function's subnets. The document's
    /// own verdict is reachable only when every ENI's is; its hops are
    /// those of the ENI that decides (the first blocked, else the first
    /// unknown). Empty (and left out of the JSON) for any other source,
    /// and filled only by [`TraceDoc::with_enis`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enis: Vec<TraceDoc>,
}

/// One step of the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HopDoc {
    /// 1-based position in `hops`.
    pub step: usize,
    /// What kind of step: `eni`, `security-group`, `network-acl`,
    /// `route-table`, `internet-gateway`, `nat-gateway`, `vpc-endpoint`,
    /// `dns`, `lambda-service`, `internet`, ...
    pub kind: &'static str,
    /// The id of the component (`rt-private`, `nat-a`), or of an
    /// AWS-managed segment (`lambda-service`, `route53-resolver`).
    pub component: String,
    /// What `component` names: an entity kind of the scenario, or
    /// `aws-managed`, `internet`, `address`.
    pub entity: Entity,
    /// The scenario ids the hop concerns: `component`'s, or each group's
    /// when the hop checks several security groups at once; empty for
    /// AWS-managed segments, the internet and bare addresses.
    pub ids: Vec<String>,
    pub decision: Decision,
    /// What was checked, in a sentence fragment.
    pub detail: String,
    /// The rule or route that decided, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// For a transit-gateway hop, the gateway's route table that routed it
    /// (a table is named within its gateway, so it is no scenario id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tgw_route_table: Option<String>,
    pub direction: Direction,
}

/// What a hop's component is, in the words of the scenario document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Entity {
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    EgressOnlyIgw,
    NatGateway,
    VpcEndpoint,
    SecurityGroup,
    NetworkAcl,
    Resource,
    Function,
    Service,
    Trigger,
    ExternalHost,
    Peering,
    TransitGateway,
    /// A segment AWS runs for you: the Lambda service and its network, the
    /// Route 53 Resolver.
    AwsManaged,
    /// The public internet.
    Internet,
    /// A bare IP address, not an entity of the scenario.
    Address,
}

/// Why a probe is blocked and what would fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockedDoc {
    /// The closest AWS Reachability Analyzer explanation code.
    pub reachability_analyzer_code: Option<&'static str>,
    /// One sentence naming the scenario's ids.
    pub why: String,
    /// The recommended fix, in one line.
    pub fix: Option<String>,
    /// Every remedy, the recommended one first.
    pub fixes: Vec<FixDoc>,
    /// What still blocks after the recommended fix, if anything.
    pub after_fix: Option<Box<FollowupDoc>>,
}

/// What still blocks after a fix: its code, the step of the hop that
/// blocks in the fixed scenario's trace, and the same details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowupDoc {
    pub code: &'static str,
    pub hop: usize,
    #[serde(flatten)]
    pub blocked: BlockedDoc,
}

/// One remedy: changes applied together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixDoc {
    /// The remedy in one line.
    pub summary: String,
    /// Each change, typed (`{"change": "add_route", "table": ...}`).
    pub steps: Vec<Fix>,
    /// What else the remedy changes, when it was assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blast_radius: Option<BlastDoc>,
}

/// The blast radius of one remedy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlastDoc {
    /// The probe's outcome once fixed (`reachable` or a code), or null when
    /// the patched scenario is invalid.
    pub probe_after: Option<&'static str>,
    /// How many other calls change.
    pub side_effects: usize,
    pub opens: Vec<EffectDoc>,
    pub breaks: Vec<EffectDoc>,
    pub code_changed: Vec<EffectDoc>,
    /// Sources or destinations the remedy adds or removes.
    pub added: Vec<Key>,
    pub removed: Vec<Key>,
    pub dangers: Vec<Danger>,
    /// Why the patched scenario is invalid, if it is.
    pub invalid: Option<String>,
    /// 1-based position in the simulator's own order of remedies.
    pub synthesis_order: usize,
}

/// One call whose outcome a remedy changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectDoc {
    pub from: String,
    pub to: String,
    /// `reachable` or the code.
    pub before: &'static str,
    pub after: &'static str,
}

/// Why neither reachable nor blocked can be claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownDoc {
    /// What the scenario lacks, in a sentence naming its ids.
    pub missing: String,
}

impl TraceDoc {
    /// The document of `t`, a trace of `engine`'s scenario; `assessed` is
    /// the blast radius of each of its fixes, in the order of the fixes
    /// (empty: none shown).
    pub fn new(engine: &Engine, t: &Trace, assessed: &[Assessment]) -> TraceDoc {
        let sc = engine.scenario();
        let hops = t
            .hops
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let shown = t.show(h, sc);
                let component = shown.component().to_string();
                let (entity, ids) = resolve(sc, h.kind.as_str(), &component);
                HopDoc {
                    step: i + 1,
                    kind: h.kind.as_str(),
                    component,
                    entity,
                    ids,
                    decision: h.decision,
                    detail: shown.detail().to_string(),
                    rule: shown.rule().map(|r| r.to_string()),
                    tgw_route_table: tgw_table(sc, &h.at),
                    direction: h.direction,
                }
            })
            .collect();
        let (code, hop, blocked, unknown) = match &t.verdict {
            Verdict::Reachable => (None, None, None, None),
            Verdict::Blocked(b) => {
                let ex = engine.explain(t).unwrap_or_default();
                // Assessed remedies come ranked; else the engine's order.
                let fixes = if assessed.is_empty() {
                    ex.fixes
                } else {
                    assessed.iter().map(|a| a.remedy.clone()).collect()
                };
                (
                    Some(b.code.as_str()),
                    Some(b.hop + 1),
                    Some(blocked_doc(
                        b.code,
                        ex.why,
                        &fixes,
                        assessed,
                        b.after_fix.as_deref(),
                    )),
                    None,
                )
            }
            Verdict::Unknown(u) => (
                Some(u.code.as_str()),
                Some(u.hop + 1),
                None,
                Some(UnknownDoc {
                    missing: engine.why(t).unwrap_or_default(),
                }),
            ),
        };
        TraceDoc {
            version: VERSION,
            from: t.from.clone(),
            to: t.to.clone(),
            from_name: engine.node_alias(t.probe.named_from()).map(str::to_string),
            to_name: engine.node_alias(t.probe.to()).map(str::to_string),
            kind: kind_word(t.kind),
            protocol: t.protocol.as_str(),
            port: t.port,
            ip_version: t.probe.ipv6().then_some(6),
            verdict: t.outcome().word(),
            code,
            hop,
            hops,
            blocked,
            unknown,
            enis: Vec::new(),
        }
    }

    /// This document with the trace from each ENI of its source, when the
    /// source is a function with several (`t` is the trace it was built
    /// from): which ENIs reach, which do not, and why.
    pub fn with_enis(mut self, engine: &Engine, t: &Trace) -> TraceDoc {
        self.enis = engine
            .trace_each_eni(&t.probe)
            .iter()
            .map(|each| TraceDoc::new(engine, each, &[]))
            .collect();
        self
    }
}

/// The transit gateway route table a hop names, if it names one.
fn tgw_table(sc: &Scenario, at: &At) -> Option<String> {
    let (tgw, table) = match *at {
        At::TgwRoute { tgw, table, .. }
        | At::TgwBlackhole { tgw, table, .. }
        | At::TgwNoRoute { tgw, table, .. }
        | At::TgwReplyLost { tgw, table, .. }
        | At::TgwReply { tgw, table, .. } => (tgw, table),
        _ => return None,
    };
    let g = sc.transit_gateways.get(tgw.ix())?;
    Some(g.route_tables.get(table as usize)?.name.clone())
}

/// `invoke`, `service-call`, `flow` or `trigger`.
pub fn kind_word(k: CallKind) -> &'static str {
    match k {
        CallKind::Invoke => "invoke",
        CallKind::ServiceCall => "service-call",
        CallKind::Flow => "flow",
        CallKind::Trigger => "trigger",
    }
}

/// `reachable`, or the code of a blocked or unknown outcome.
/// What the blast radius says of the probe itself once fixed, from its
/// outcome word (`reachable` or a code): nothing when it then reaches,
/// else `this call then still blocked: CODE` or `this call then unknown: CODE`.
pub fn after_fix_phrase(word: &str) -> Option<String> {
    if word == "reachable" {
        return None;
    }
    let unknown = awsreach_sim::Code::parse(word).is_some_and(|c| c.is_unknown());
    let state = if unknown { "unknown" } else { "still blocked" };
    Some(format!("this call then {state}: {word}"))
}

pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Reachable => "reachable",
        Outcome::Blocked(c) | Outcome::Unknown(c) => c.as_str(),
    }
}

fn blocked_doc(
    code: Code,
    why: String,
    fixes: &[Remedy],
    assessed: &[Assessment],
    after_fix: Option<&Followup>,
) -> BlockedDoc {
    BlockedDoc {
        reachability_analyzer_code: code.reachability_analyzer(),
        why,
        fix: fixes.first().map(|r| r.to_string()),
        fixes: fixes
            .iter()
            .enumerate()
            .map(|(i, r)| FixDoc {
                summary: r.to_string(),
                steps: r.steps.clone(),
                blast_radius: assessed.get(i).map(blast_doc),
            })
            .collect(),
        after_fix: after_fix.map(|n| {
            Box::new(FollowupDoc {
                code: n.code.as_str(),
                hop: n.hop + 1,
                blocked: blocked_doc(n.code, n.why.clone(), &n.fixes, &[], n.after_fix.as_deref()),
            })
        }),
    }
}

fn effects(list: &[Effect]) -> Vec<EffectDoc> {
    list.iter()
        .map(|e| EffectDoc {
            from: e.from.id.clone(),
            to: e.to.id.clone(),
            before: outcome_word(e.before),
            after: outcome_word(e.after),
        })
        .collect()
}

fn blast_doc(a: &Assessment) -> BlastDoc {
    BlastDoc {
        probe_after: a.probe_after.map(outcome_word),
        side_effects: a.side_effects(),
        opens: effects(&a.opens),
        breaks: effects(&a.breaks),
        code_changed: effects(&a.recoded),
        added: a.added.clone(),
        removed: a.removed.clone(),
        dangers: a.dangers.clone(),
        invalid: a.invalid.clone(),
        synthesis_order: a.index + 1,
    }
}

/// The entity a hop's component names. Ids share one namespace in a
/// scenario, so the id alone finds the entity; a security-group hop may
/// name several groups (`sg-a, sg-b`).
fn resolve(sc: &Scenario, kind: &str, component: &str) -> (Entity, Vec<String>) {
    if let Some(e) = entity_of(sc, component) {
        return (e, vec![component.to_string()]);
    }
    if kind == "security-group" {
        let ids: Vec<String> = component.split(", ").map(str::to_string).collect();
        if ids
            .iter()
            .all(|id| entity_of(sc, id) == Some(Entity::SecurityGroup))
        {
            return (Entity::SecurityGroup, ids);
        }
    }
    let entity = match kind {
        "internet" => Entity::Internet,
        _ if component.parse::<std::net::IpAddr>().is_ok() => Entity::Address,
        _ => Entity::AwsManaged,
    };
    (entity, Vec::new())
}

fn entity_of(sc: &Scenario, id: &str) -> Option<Entity> {
    fn has<T>(list: &[T], name: impl Fn(&T) -> &str, id: &str) -> bool {
        list.iter().any(|x| name(x) == id)
    }
    let found = [
        (has(&sc.vpcs, |x| &x.name, id), Entity::Vpc),
        (has(&sc.subnets, |x| &x.name, id), Entity::Subnet),
        (has(&sc.route_tables, |x| &x.name, id), Entity::RouteTable),
        (
            has(&sc.internet_gateways, |x| &x.name, id),
            Entity::InternetGateway,
        ),
        (
            has(&sc.egress_only_igws, |x| &x.name, id),
            Entity::EgressOnlyIgw,
        ),
        (has(&sc.nat_gateways, |x| &x.name, id), Entity::NatGateway),
        (has(&sc.endpoints, |x| &x.name, id), Entity::VpcEndpoint),
        (
            has(&sc.security_groups, |x| &x.name, id),
            Entity::SecurityGroup,
        ),
        (has(&sc.network_acls, |x| &x.name, id), Entity::NetworkAcl),
        (has(&sc.resources, |x| &x.name, id), Entity::Resource),
        (has(&sc.functions, |x| &x.name, id), Entity::Function),
        (has(&sc.services, |x| &x.id, id), Entity::Service),
        (has(&sc.triggers, |x| &x.name, id), Entity::Trigger),
        (
            has(&sc.external_hosts, |x| &x.name, id),
            Entity::ExternalHost,
        ),
        (has(&sc.peerings, |x| &x.name, id), Entity::Peering),
        (
            has(&sc.transit_gateways, |x| &x.name, id),
            Entity::TransitGateway,
        ),
    ];
    found.into_iter().find(|(hit, _)| *hit).map(|(_, e)| e)
}
