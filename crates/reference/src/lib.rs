//! A deliberately simple reference evaluator, for differential fuzzing.
//!
//! It answers the same question as the simulator — can `from` reach `to`,
//! and if not, which reason code stops it — but is written separately from
//! the rules in `docs/aws-rules.md`: no indices, no hash maps, no code
//! shared with `awsreach-sim` (this crate depends on the model only, so
//! Cargo enforces it). What a probe *means* (which call two endpoints make,
//! the default port, which probes are refused) is the model's
//! `awsreach_model::probe`, shared on purpose: both must ask the same
//! question to be compared.
//!
//! The evaluator reads as one plain account of the rules, a file per
//! concern: `lambda` (invoking, triggers, pollers), `api` (service calls and
//! endpoint policies), `flow` (routes, gateways, delivery) and `filters`
//! (security groups, NACLs, the reply's path). Route tables
//! are scanned linearly for the longest prefix, security groups and network
//! ACLs rule by rule, and every lookup is a loop over the checked
//! [`Scenario`]'s vectors. It is slow on purpose; correctness is the point.
//!
//! Where the rules leave a choice to the tool, the reference follows the
//! conventions the simulator documents, so that answers can be compared
//! code for code:
//! - a caller uses a resource's private address inside its VPC and where
//!   its route table sends that address somewhere more specific than
//!   `0.0.0.0/0` (peering, transit gateway); otherwise its public address;
//! - a VPC function is reachable-from only if every one of its ENIs (one per
//!   subnet) gets through, since Lambda may use any of them; the first ENI
//!   that fails gives the code;
//! - public AWS endpoints and "the internet" are abstract addresses that
//!   only a `/0` CIDR (or the service's prefix list) covers;
//! - the hops are checked in path order — source group, source NACL, route
//!   table, gateway, far NACL, far group, listener — then the reply's NACLs
//!   in reverse; a failed call to a public endpoint is named after what the
//!   VPC offers instead (an endpoint with private DNS off, an unassociated
//!   gateway endpoint, a service without endpoints);
//! - a poller of an in-VPC event source has an address of its subnet (the
//!   last usable one) and the source's security groups.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use awsreach_model::net::{PortRange, Protocol};
use awsreach_model::probe::{self, CallKind, Node};
use awsreach_model::{Scenario, SgId};
use ipnet::IpNet;

/// The reference's verdict: reachable, or blocked with a reason code (the
/// simulator's stable string, e.g. `"NO_ROUTE"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    Reachable,
    Blocked(&'static str),
}

impl Answer {
    pub fn is_reachable(self) -> bool {
        self == Answer::Reachable
    }

    pub fn code(self) -> Option<&'static str> {
        match self {
            Answer::Reachable => None,
            Answer::Blocked(c) => Some(c),
        }
    }
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Reachable => f.write_str("reachable"),
            Answer::Blocked(c) => write!(f, "blocked {c}"),
        }
    }
}

/// Evaluates one probe. `Err` when the probe means nothing (an unknown id,
/// a service as a destination of a flow, a non-HTTPS API call, ...): the
/// simulator must refuse the same probes.
pub fn evaluate(
    sc: &Scenario,
    from: &str,
    to: &str,
    port: Option<u16>,
    protocol: Option<Protocol>,
) -> Result<Answer, String> {
    evaluate_ip(sc, from, to, port, protocol, false)
}

/// [`evaluate`], with the flow asked over IPv6 (`--ip-version 6`).
pub fn evaluate_ip(
    sc: &Scenario,
    from: &str,
    to: &str,
    port: Option<u16>,
    protocol: Option<Protocol>,
    ipv6: bool,
) -> Result<Answer, String> {
    evaluate_host(sc, from, to, port, protocol, ipv6, None)
}

/// [`evaluate_ip`] for a service call that uses the hostname `host` (rule
/// 25, `--host`).
pub fn evaluate_host(
    sc: &Scenario,
    from: &str,
    to: &str,
    port: Option<u16>,
    protocol: Option<Protocol>,
    ipv6: bool,
    host: Option<&str>,
) -> Result<Answer, String> {
    let src_node = probe::resolve(sc, from).ok_or_else(|| format!("unknown id `{from}`"))?;
    let dst_node = probe::resolve(sc, to).ok_or_else(|| format!("unknown id `{to}`"))?;
    let ask = probe::Ask {
        kind: None,
        protocol,
        port,
        ipv6,
    };
    let m = probe::meaning(sc, src_node, dst_node, ask, None).map_err(|r| r.to_string())?;
    // A literal address an ENI holds sends as that ENI's owner (shared
    // meaning: the address is the sender).
    let src_node = probe::sender(sc, src_node);
    let (src, dst) = (end(src_node), end(dst_node));
    let kind = match m.kind {
        CallKind::Trigger => Kind::Trigger,
        CallKind::Invoke => Kind::Invoke,
        CallKind::ServiceCall => Kind::Api,
        CallKind::Flow => Kind::Flow,
    };
    let (proto, port) = (m.protocol, m.port);
    let mut cx = Cx::new(sc, proto, port, "lambda:InvokeFunction".to_string());
    cx.v6 = m.ipv6;
    // Rules 25 and 26: a destination named by a DNS name is called by it
    // (a service's other hostname; a host's name, resolved first), and a
    // host known by its name only always is.
    let named = to.contains('.') && to.parse::<IpAddr>().is_err() && !is_id(sc, to);
    if let Some(h) = host {
        cx.host = probe::service_host(sc, dst_node, h).map_err(|r| r.to_string())? as usize;
    }
    match dst_node {
        Node::Service(s) if named && host.is_none() && m.kind == CallKind::ServiceCall => {
            let svc = &sc.services[s.ix()];
            let norm = to.trim_end_matches('.').to_ascii_lowercase();
            cx.host = svc
                .hostnames
                .iter()
                .position(|h| h.matches(&norm))
                .unwrap_or(0);
        }
        Node::Host(h) if m.kind == CallKind::Flow => {
            cx.by_name = named || sc.external_hosts[h.ix()].ip.is_none();
        }
        _ => {}
    }
    let r = match (kind, dst) {
        (Kind::Trigger, End::Function(f)) => cx.trigger(src, f),
        (Kind::Invoke, End::Function(f)) => cx.invoke(src, f),
        (Kind::Api, End::Service(s)) => {
            cx.action = sc.services[s].default_action.clone();
            cx.api_call(src, s)
        }
        _ => cx.flow_from(src, dst),
    };
    Ok(match r {
        Ok(()) => Answer::Reachable,
        Err(code) => Answer::Blocked(code),
    })
}

/// True when `id` is an id of the scenario a probe may name (not a DNS name).
fn is_id(sc: &Scenario, id: &str) -> bool {
    sc.external_hosts.iter().any(|h| h.name == id)
        || sc.resources.iter().any(|r| r.name == id)
        || sc.functions.iter().any(|f| f.name == id)
        || sc.services.iter().any(|s| s.id == id)
        || sc.triggers.iter().any(|t| t.name == id)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Trigger,
    Invoke,
    Api,
    Flow,
}

/// A probe end, by position in the scenario's vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Function(usize),
    Resource(usize),
    Service(usize),
    Trigger(usize),
    Host(usize),
    Internet,
    Ip(IpAddr),
    /// A function's ENI: (function, ENI).
    FunctionEni(usize, usize),
}

/// A probe end as this evaluator indexes the scenario's vectors.
fn end(n: Node) -> End {
    match n {
        Node::Function(f) => End::Function(f.ix()),
        Node::Resource(r) => End::Resource(r.ix()),
        Node::Service(s) => End::Service(s.ix()),
        Node::Trigger(t) => End::Trigger(t.ix()),
        Node::Host(h) => End::Host(h.ix()),
        Node::Internet => End::Internet,
        Node::Ip(ip) => End::Ip(ip),
        Node::FunctionEni(f, e) => End::FunctionEni(f.ix(), e.ix()),
    }
}

/// An address as the filters see it. `Service` and `Anywhere` are the
/// abstract public addresses: only a `/0` IPv4 CIDR covers them (and the
/// service's prefix list covers `Service`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Addr {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Service(usize),
    Anywhere,
    /// The internet over IPv6: only `::/0` covers it.
    Anywhere6,
    /// An external host's address the scenario lacks (rule 26): covered by
    /// `/0` only; a narrower rule that may hold a public address makes the
    /// answer unknown.
    Unknown(usize),
}

/// Rule 26: may a CIDR narrower than `/0` hold a public IPv4 address (one
/// outside the private, shared, loopback, link-local, multicast and
/// reserved blocks)?
fn public_block(n: &IpNet) -> bool {
    let IpNet::V4(n) = n else { return false };
    if n.prefix_len() == 0 {
        return false;
    }
    let special = [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
    ];
    !special.iter().any(|b| {
        let b: ipnet::Ipv4Net = b.parse().expect("literal block");
        b.contains(&n.network()) && b.prefix_len() <= n.prefix_len()
    })
}

impl Addr {
    fn of(ip: IpAddr) -> Addr {
        match ip {
            IpAddr::V4(a) => Addr::V4(a),
            IpAddr::V6(a) => Addr::V6(a),
        }
    }

    fn in_cidr(self, n: &IpNet) -> bool {
        match (self, n) {
            (Addr::V4(a), IpNet::V4(n)) => n.contains(&a),
            (Addr::V6(a), IpNet::V6(n)) => n.contains(&a),
            (Addr::Service(_) | Addr::Anywhere | Addr::Unknown(_), IpNet::V4(n)) => {
                n.prefix_len() == 0
            }
            (Addr::Anywhere6, IpNet::V6(n)) => n.prefix_len() == 0,
            _ => false,
        }
    }

    fn is_v6(self) -> bool {
        matches!(self, Addr::V6(_) | Addr::Anywhere6)
    }

    /// Is this a public address from a VPC's point of view (not one of its ENIs)?
    fn is_v4_private(self, sc: &Scenario) -> bool {
        match self {
            Addr::V4(a) => a.is_private() || sc.vpcs.iter().any(|v| v.contains(IpAddr::V4(a))),
            _ => false,
        }
    }
}

/// Where a flow is headed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// The private address of an ENI.
    Private(usize),
    /// The public address of a resource's ENI.
    Public(usize),
    Host(usize),
    Service(usize),
    Internet,
    Literal(IpAddr),
    /// The IPv6 address of an ENI (the same from everywhere).
    Ipv6(usize),
}

/// A network interface that sends: a resource's, a function's, a
/// poller's, a NAT gateway's or a forwarding appliance's.
#[derive(Debug, Clone, Copy)]
struct Sender<'s> {
    subnet: usize,
    ip: Ipv4Addr,
    ipv6: Option<Ipv6Addr>,
    public_ip: Option<Ipv4Addr>,
    /// None: no security group applies (a NAT gateway).
    groups: Option<&'s [SgId]>,
    /// Some(nat) when a NAT gateway sends (after translating).
    nat: Option<usize>,
    /// A transit gateway's interface handing a packet into its VPC.
    transit: bool,
}

/// The party a receiver sees: its address and, for group references, its groups.
#[derive(Debug, Clone, Copy)]
struct Peer<'s> {
    addr: Addr,
    groups: &'s [SgId],
}

/// A NACL the reply will cross: (subnet, the reply's direction is inbound, the remote end).
type Leg = (usize, bool, Addr);

type Step = Result<(), &'static str>;

/// The ephemeral ports Lambda and NAT gateways use (aws-rules.md rule 17).
const EPHEMERAL: PortRange = PortRange {
    lo: 1024,
    hi: 65535,
};

struct Cx<'s> {
    sc: &'s Scenario,
    proto: Protocol,
    port: u16,
    action: String,
    legs: Vec<Leg>,
    replying: bool,
    /// The senders of the current packet, by (subnet, address): one that
    /// would send it again closes a routing loop.
    senders: Vec<(usize, Ipv4Addr)>,
    /// The transit gateway crossings of the current packet, by (transit
    /// gateway, attachment it leaves by): one repeated closes a loop.
    crossings: Vec<(usize, usize)>,
    /// The last transit gateway crossing whose reply is still to be checked.
    pending: Option<transit::Crossing>,
    /// The flow goes over IPv6.
    v6: bool,
    /// A service call's hostname (index into the service's `hostnames`).
    host: usize,
    /// A flow to an external host called by its hostname.
    by_name: bool,
}

impl<'s> Cx<'s> {
    fn new(sc: &'s Scenario, proto: Protocol, port: u16, action: String) -> Cx<'s> {
        Cx {
            sc,
            proto,
            port,
            action,
            legs: Vec::new(),
            replying: false,
            senders: Vec::new(),
            crossings: Vec::new(),
            pending: None,
            v6: false,
            host: 0,
            by_name: false,
        }
    }

    fn vpc_of_subnet(&self, subnet: usize) -> usize {
        self.sc.subnets[subnet].vpc.ix()
    }

    fn service_index(&self, id: &str) -> usize {
        self.sc
            .services
            .iter()
            .position(|s| s.id == id)
            .expect("every catalog service is in a checked scenario")
    }

    fn eni_sender(&self, eni: usize) -> Sender<'s> {
        let n = &self.sc.enis[eni];
        Sender {
            subnet: n.subnet.ix(),
            ip: n.private_ip,
            ipv6: n.ipv6,
            public_ip: n.public_ip,
            groups: Some(&n.security_groups),
            nat: None,
            transit: false,
        }
    }
}

mod api;
mod filters;
mod flow;
mod lambda;
mod transit;

fn has_ports(p: Protocol) -> bool {
    matches!(p, Protocol::Tcp | Protocol::Udp)
}

/// IAM action patterns: case-insensitive, `*` matches any run.
fn wildcard(pattern: &str, action: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let a: Vec<char> = action.to_ascii_lowercase().chars().collect();
    // Classic dynamic programming over (pattern prefix, action prefix).
    let mut m = vec![vec![false; a.len() + 1]; p.len() + 1];
    m[0][0] = true;
    for i in 1..=p.len() {
        m[i][0] = m[i - 1][0] && p[i - 1] == '*';
        for j in 1..=a.len() {
            m[i][j] = if p[i - 1] == '*' {
                m[i - 1][j] || m[i][j - 1]
            } else {
                m[i - 1][j - 1] && p[i - 1] == a[j - 1]
            };
        }
    }
    m[p.len()][a.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("sqs:*", "sqs:SendMessage"));
        assert!(wildcard("*", "s3:GetObject"));
        assert!(wildcard("S3:Get*", "s3:GetObject"));
        assert!(!wildcard("s3:Put*", "s3:GetObject"));
        assert!(wildcard("s3:*Object", "s3:GetObject"));
        assert!(!wildcard("", "x"));
    }
}
