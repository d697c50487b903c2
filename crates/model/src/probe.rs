//! What a probe means, shared by everything that answers or checks one (the
//! simulator, the reference evaluator, validation of `expect` entries): which
//! ids a probe may name ([`Node`], [`resolve`]), which call two endpoints
//! make ([`natural_kind`]), the default protocol and port ([`default_port`]),
//! and which probes mean nothing ([`meaning`] and its [`Refusal`]). One
//! definition, so `validate` and `check` cannot disagree on what runs.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::net::Protocol;
use crate::scenario::*;

/// A probe endpoint, resolved from a scenario id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    Function(FunctionId),
    Resource(ResourceId),
    Service(ServiceId),
    Trigger(TriggerId),
    Host(HostId),
    Internet,
    Ip(IpAddr),
    /// One network interface of a VPC function (`fn@subnet`, or that ENI's
    /// address as a source): Lambda creates one per subnet, and a call
    /// leaves from any of them; this one picks the ENI.
    FunctionEni(FunctionId, EniId),
}

/// What kind of call a probe makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallKind {
    /// `lambda:InvokeFunction` through the Lambda API.
    Invoke,
    /// An HTTPS API call to a regional service endpoint.
    ServiceCall,
    /// A network flow to an address and port.
    Flow,
    /// A service or trigger invoking a function.
    Trigger,
}

/// What the user asked for beyond the two endpoints; absent parts follow
/// from the endpoints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ask {
    pub kind: Option<CallKind>,
    pub protocol: Option<Protocol>,
    pub port: Option<u16>,
    /// Ask for the flow over IPv6 (`--ip-version 6`): to an ENI's IPv6
    /// address, from `internet` over IPv6. A literal IPv6 address or an
    /// IPv6 host at either end implies it for flows.
    pub ipv6: bool,
}

/// A probe that makes sense: the call and what it is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meaning {
    pub kind: CallKind,
    pub protocol: Protocol,
    /// 0 for protocols without ports.
    pub port: u16,
    /// A flow over IPv6.
    pub ipv6: bool,
}

/// Why a probe means nothing. The sentences are what users read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// A trigger traced to a function other than its own.
    OtherFunction { trigger: String, function: String },
    /// A service or trigger traced to something that is not a function.
    InvokerToNonFunction,
    /// A trigger as a destination.
    TriggerAsDestination,
    /// A call kind the endpoints do not make.
    KindMismatch { asked: CallKind, natural: CallKind },
    /// `All` as a probe's protocol.
    NoProtocol,
    /// An API call on something other than tcp/443.
    NotHttps,
    /// One ENI of a function as a destination.
    FunctionEniAsDestination,
    /// IPv6 asked of a call that is not a flow.
    Ipv6FlowsOnly,
    /// The address of an interface endpoint's ENI as a source.
    EndpointAsSource { ip: IpAddr, endpoint: String },
    /// A hostname (`--host`, `host:`) for a probe that is no service call.
    HostOnlyForServices,
    /// IPv6 asked of a host known by its hostname only.
    Ipv6ByName,
    /// A hostname that is not one of the service's.
    NotAHostname {
        host: String,
        service: String,
        known: String,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::OtherFunction { trigger, function } => {
                write!(
                    f,
                    "trigger `{trigger}` invokes `{function}`, not this function"
                )
            }
            Refusal::InvokerToNonFunction => {
                f.write_str("a service or trigger can only be traced to the function it invokes")
            }
            Refusal::TriggerAsDestination => {
                f.write_str("a trigger is a source; trace it to its function")
            }
            Refusal::KindMismatch { asked, natural } => write!(
                f,
                "a {asked:?} call does not fit these endpoints (they make a {natural:?})"
            ),
            Refusal::NoProtocol => f.write_str("a probe needs one protocol: tcp, udp or icmp"),
            Refusal::NotHttps => f.write_str("AWS API calls are HTTPS: tcp/443"),
            Refusal::Ipv6FlowsOnly => f.write_str(
                "--ip-version 6 asks a network flow over IPv6 (to a resource, host, address or `internet`); API calls and invocations pick their own addresses",
            ),
            Refusal::EndpointAsSource { ip, endpoint } => write!(
                f,
                "{ip} is an address of interface endpoint `{endpoint}`, which only receives; trace from the caller"
            ),
            Refusal::Ipv6ByName => f.write_str(
                "a host known by its hostname only is called by its IPv4 address (A record); give its IPv6 address in `ip` to ask over IPv6",
            ),
            Refusal::HostOnlyForServices => f.write_str(
                "a hostname (`--host`, `host:`) names the DNS name a service call uses; the destination is no service",
            ),
            Refusal::NotAHostname {
                host,
                service,
                known,
            } => write!(
                f,
                "`{host}` is not a hostname of service `{service}` (known: {known})"
            ),
            Refusal::FunctionEniAsDestination => f.write_str(
                "`function@subnet` picks the ENI a function's calls leave from; to invoke it, name the function",
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// Resolves a probe id by scanning the scenario: triggers, external hosts,
/// resources, functions, catalog services, `internet`, or an address.
/// Declared ids share one namespace; where a name still means two things (a
/// trigger's generated id, `sqs->fn`, given twice), the earlier kind in that
/// order wins, and the last trigger of a name, as in the engine's index.
/// Linear: for validation and the reference; the engine keeps its own index.
pub fn resolve(sc: &Scenario, id: &str) -> Option<Node> {
    if let Some(i) = sc.triggers.iter().rposition(|t| t.name == id) {
        return Some(Node::Trigger(TriggerId(i as u32)));
    }
    if let Some(i) = sc.external_hosts.iter().position(|h| h.name == id) {
        return Some(Node::Host(HostId(i as u32)));
    }
    if let Some(i) = sc.resources.iter().position(|r| r.name == id) {
        return Some(Node::Resource(ResourceId(i as u32)));
    }
    if let Some(i) = sc.functions.iter().position(|f| f.name == id) {
        return Some(Node::Function(FunctionId(i as u32)));
    }
    if let Some(i) = sc.service_by_id(id) {
        return Some(Node::Service(i));
    }
    if id == "internet" {
        return Some(Node::Internet);
    }
    if let Some(n) = by_alias(sc, id) {
        return Some(n);
    }
    if let Some(n) = function_eni(sc, id) {
        return Some(n);
    }
    by_hostname(sc, id).or_else(|| id.parse::<IpAddr>().ok().map(Node::Ip))
}

/// The resource or function whose `name` (a `Name` tag, a function name) is
/// `name`: validation keeps names apart from ids, addresses, DNS names and
/// each other, so at most one entity has it.
pub fn by_alias(sc: &Scenario, name: &str) -> Option<Node> {
    if let Some(i) = sc
        .resources
        .iter()
        .position(|r| r.alias.as_deref() == Some(name))
    {
        return Some(Node::Resource(ResourceId(i as u32)));
    }
    sc.functions
        .iter()
        .position(|f| f.alias.as_deref() == Some(name))
        .map(|i| Node::Function(FunctionId(i as u32)))
}

/// `function@subnet`: the ENI a VPC function has in that subnet (one per
/// subnet, aws-rules.md rule 1).
pub fn function_eni(sc: &Scenario, id: &str) -> Option<Node> {
    let (name, subnet) = id.rsplit_once('@')?;
    let (i, f) = sc
        .functions
        .iter()
        .enumerate()
        .find(|(_, f)| f.name == name)?;
    let v = f.vpc.as_ref()?;
    let eni = v
        .enis
        .iter()
        .copied()
        .find(|e| sc.subnets[sc.enis[e.ix()].subnet.ix()].name == subnet)?;
    Some(Node::FunctionEni(FunctionId(i as u32), eni))
}

/// The network interface that holds a literal address: its private IPv4
/// address or its IPv6 address, the first VPC's first (private addresses
/// repeat across VPCs). Endpoint ENIs are included; use [`sender`] for
/// sources.
pub fn eni_holding(sc: &Scenario, ip: IpAddr) -> Option<EniId> {
    let holds = |n: &Eni| match ip {
        IpAddr::V4(a) => n.private_ip == a,
        IpAddr::V6(a) => n.ipv6 == Some(a),
    };
    (0..sc.vpcs.len()).find_map(|v| {
        sc.enis
            .iter()
            .position(|n| sc.subnets[n.subnet.ix()].vpc.ix() == v && holds(n))
            .map(|i| EniId(i as u32))
    })
}

/// A probe source as the walk sends from it: a literal address that a
/// resource's or a function's ENI holds is that resource, or that one ENI of
/// the function (same DNS, endpoints, policies as when named by id); any
/// other source is itself.
pub fn sender(sc: &Scenario, n: Node) -> Node {
    let Node::Ip(ip) = n else { return n };
    match eni_holding(sc, ip).map(|e| (e, sc.enis[e.ix()].owner)) {
        Some((_, EniOwner::Resource(r))) => Node::Resource(r),
        Some((e, EniOwner::Function(f))) => Node::FunctionEni(f, e),
        _ => n,
    }
}

/// The endpoint a DNS name stands for (case and a trailing dot ignored):
/// the external host with that `hostname`, or the service it is a hostname
/// of, whose call then resolves the name as DNS in the source's VPC would
/// (an interface endpoint's private DNS where it covers the name, else the
/// public endpoint).
pub fn by_hostname(sc: &Scenario, name: &str) -> Option<Node> {
    if !name.contains('.') {
        return None;
    }
    let norm = name.trim_end_matches('.').to_ascii_lowercase();
    if let Some(i) = sc
        .external_hosts
        .iter()
        .position(|h| h.hostname.as_deref() == Some(norm.as_str()))
    {
        return Some(Node::Host(HostId(i as u32)));
    }
    service_by_hostname(sc, &norm).map(|(s, _)| Node::Service(s))
}

/// The service `name` is a hostname of, and which of its hostnames. Two
/// services may share a name (DocumentDB's API is RDS's): the one whose id
/// starts the name wins, else the first.
pub fn service_by_hostname(sc: &Scenario, name: &str) -> Option<(ServiceId, u16)> {
    let norm = name.trim_end_matches('.').to_ascii_lowercase();
    let label = norm.split('.').next().unwrap_or_default();
    let mut best: Option<(ServiceId, u16)> = None;
    for (i, s) in sc.services.iter().enumerate() {
        if let Some(k) = s.hostname_index(&norm) {
            let hit = (ServiceId(i as u32), k);
            if s.id == label {
                return Some(hit);
            }
            best = best.or(Some(hit));
        }
    }
    best
}

/// Which hostname of the destination service a probe calls (`--host`,
/// `host:`): its index in the service's `hostnames`.
pub fn service_host(sc: &Scenario, to: Node, host: &str) -> Result<u16, Refusal> {
    let Node::Service(s) = to else {
        return Err(Refusal::HostOnlyForServices);
    };
    let svc = &sc.services[s.ix()];
    svc.hostname_index(host)
        .ok_or_else(|| Refusal::NotAHostname {
            host: host.to_string(),
            service: svc.id.clone(),
            known: svc
                .hostnames
                .iter()
                .map(|h| h.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The call a probe between two endpoints makes when the user names none,
/// or why the pair cannot be traced.
pub fn natural_kind(from: Node, to: Node) -> Result<CallKind, Refusal> {
    Ok(match (from, to) {
        (Node::Service(_) | Node::Trigger(_), Node::Function(_)) => CallKind::Trigger,
        (Node::Service(_) | Node::Trigger(_), _) => return Err(Refusal::InvokerToNonFunction),
        (_, Node::Function(_)) => CallKind::Invoke,
        (_, Node::Service(_)) => CallKind::ServiceCall,
        (_, Node::Trigger(_)) => return Err(Refusal::TriggerAsDestination),
        (_, Node::FunctionEni(..)) => return Err(Refusal::FunctionEniAsDestination),
        _ => CallKind::Flow,
    })
}

/// The protocol and port a probe uses when the user gives none: a flow goes
/// to the destination's first listener, everything else is HTTPS.
pub fn default_port(sc: &Scenario, kind: CallKind, to: Node) -> (Protocol, u16) {
    // A listener on every protocol (what importers declare when they cannot
    // know what listens) gives no protocol to probe: tcp/443, which it
    // accepts, unless the user names a port.
    let first = |l: &[crate::net::Listener]| {
        l.first()
            .filter(|l| l.protocol != Protocol::All)
            .map(|l| (l.protocol, l.ports.lo))
    };
    let found = match (kind, to) {
        (CallKind::Flow, Node::Resource(r)) => first(&sc.resources[r.ix()].listen),
        (CallKind::Flow, Node::Host(h)) => first(&sc.external_hosts[h.ix()].listen),
        _ => None,
    };
    found.unwrap_or((Protocol::Tcp, 443))
}

/// What a probe from `from` to `to` means, or why it means nothing.
/// `flow_default` is the destination's default protocol and port for a flow
/// when the caller already knows it ([`default_port`] otherwise).
pub fn meaning(
    sc: &Scenario,
    from: Node,
    to: Node,
    ask: Ask,
    flow_default: Option<(Protocol, u16)>,
) -> Result<Meaning, Refusal> {
    if let (Node::Trigger(t), Node::Function(f)) = (from, to) {
        let tr = &sc.triggers[t.ix()];
        if tr.function != f {
            return Err(Refusal::OtherFunction {
                trigger: tr.name.clone(),
                function: sc.functions[tr.function.ix()].name.clone(),
            });
        }
    }
    if let Node::Ip(ip) = from
        && let Some(e) = eni_holding(sc, ip)
        && let EniOwner::Endpoint(ep) = sc.enis[e.ix()].owner
    {
        return Err(Refusal::EndpointAsSource {
            ip,
            endpoint: sc.endpoints[ep.ix()].name.clone(),
        });
    }
    let natural = natural_kind(from, to)?;
    let kind = match ask.kind {
        None => natural,
        Some(k) if k == natural => k,
        // `--action invoke` to a service id `lambda` means "invoke through the API".
        Some(CallKind::ServiceCall) if natural == CallKind::Invoke => CallKind::Invoke,
        Some(asked) => return Err(Refusal::KindMismatch { asked, natural }),
    };
    let (def_proto, def_port) = match flow_default {
        Some(d) if kind == CallKind::Flow => d,
        _ => default_port(sc, kind, to),
    };
    let protocol = ask.protocol.unwrap_or(def_proto);
    if protocol == Protocol::All {
        return Err(Refusal::NoProtocol);
    }
    let port = if protocol.has_ports() {
        ask.port.unwrap_or(def_port)
    } else {
        0
    };
    if kind != CallKind::Flow
        && (protocol != Protocol::Tcp || port != 443)
        && (ask.port.is_some() || ask.protocol.is_some())
    {
        return Err(Refusal::NotHttps);
    }
    let ipv6 = ipv6_flow(sc, from, to, kind, ask.ipv6)?;
    Ok(Meaning {
        kind,
        protocol,
        port,
        ipv6,
    })
}

/// Whether a flow goes over IPv6: asked, or implied by an IPv6 address at
/// either end (a literal, a host's). Asked of another call it means
/// nothing. (An end without an IPv6 address is an answer, NO_IPV6: see
/// [`v4_only_end`].)
fn ipv6_flow(
    sc: &Scenario,
    from: Node,
    to: Node,
    kind: CallKind,
    asked: bool,
) -> Result<bool, Refusal> {
    if kind != CallKind::Flow {
        return if asked {
            Err(Refusal::Ipv6FlowsOnly)
        } else {
            Ok(false)
        };
    }
    let v6 = |n: Node| match n {
        Node::Ip(ip) => ip.is_ipv6(),
        Node::Host(h) => sc.external_hosts[h.ix()].ip.is_some_and(|ip| ip.is_ipv6()),
        _ => false,
    };
    // A host known by its hostname only is called by its A record (rule
    // 26); whether the name has an IPv6 address is not known.
    let by_name = |n: Node| matches!(n, Node::Host(h) if sc.external_hosts[h.ix()].ip.is_none());
    let ipv6 = asked || v6(from) || v6(to);
    if ipv6 && (by_name(from) || by_name(to)) {
        return Err(Refusal::Ipv6ByName);
    }
    Ok(ipv6)
}

/// On an IPv6 flow, the end that has only an IPv4 address, if any: the
/// destination (a resource without an IPv6 address, an IPv4 host or
/// literal) first, then the source (an IPv4 host or literal; an ENI is
/// checked where it sends). Such a flow is blocked `NO_IPV6` (rule 24).
pub fn v4_only_end(sc: &Scenario, from: Node, to: Node) -> Option<Node> {
    let dst = match to {
        Node::Ip(ip) => ip.is_ipv4(),
        Node::Host(h) => sc.external_hosts[h.ix()].ip.is_some_and(|ip| ip.is_ipv4()),
        Node::Resource(r) => sc.enis[sc.resources[r.ix()].eni.ix()].ipv6.is_none(),
        _ => false,
    };
    if dst {
        return Some(to);
    }
    let src = match from {
        Node::Ip(ip) => ip.is_ipv4(),
        Node::Host(h) => sc.external_hosts[h.ix()].ip.is_some_and(|ip| ip.is_ipv4()),
        _ => false,
    };
    src.then_some(from)
}
