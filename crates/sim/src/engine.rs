//! The compiled scenario: indices built once so a probe is a walk over
//! integers (route tables as per-prefix-length sorted arrays, ENIs by
//! address, endpoints by VPC and service).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use awsreach_model::net::Protocol;
use awsreach_model::spec::EndpointKind;
use awsreach_model::*;
use ipnet::IpNet;

use crate::trace::CallKind;

/// Where a packet is headed or comes from, as an address. Public AWS
/// endpoints and "the internet" are abstract: they sit in AWS's or someone
/// else's public ranges, so only a `/0` CIDR (or the service's prefix list)
/// matches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addr {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Svc(ServiceId),
    Internet,
    /// The internet over IPv6 (`--ip-version 6` from `internet`): only
    /// `::/0` covers it.
    Internet6,
    /// The public address an external host's hostname resolves to, which
    /// the scenario does not know (rule 26): matched by `0.0.0.0/0` only,
    /// and a narrower public CIDR makes the hop unknown.
    Unresolved(HostId),
}

/// Blocks that hold no public address (RFC 1918, shared, loopback,
/// link-local, multicast and reserved): a host found by public DNS is not
/// in them.
const NOT_PUBLIC: [(u32, u8); 8] = [
    (0x0000_0000, 8),
    (0x0a00_0000, 8),
    (0x6440_0000, 10),
    (0x7f00_0000, 8),
    (0xa9fe_0000, 16),
    (0xac10_0000, 12),
    (0xc0a8_0000, 16),
    (0xe000_0000, 3),
];

/// True when a CIDR narrower than `/0` may hold a public IPv4 address:
/// for an address the scenario lacks, such a rule may decide (rule 26).
pub(crate) fn may_hold_public(n: &IpNet) -> bool {
    let IpNet::V4(n) = n else { return false };
    if n.prefix_len() == 0 {
        return false;
    }
    let (lo, len) = (u32::from(n.network()), n.prefix_len());
    !NOT_PUBLIC.iter().any(|&(b, l)| {
        let mask = u32::MAX << (32 - l as u32);
        len >= l && lo & mask == b
    })
}

impl Addr {
    pub(crate) fn from_ip(ip: IpAddr) -> Addr {
        match ip {
            IpAddr::V4(a) => Addr::V4(a),
            IpAddr::V6(a) => Addr::V6(a),
        }
    }

    #[inline]
    pub(crate) fn in_net(self, n: &IpNet) -> bool {
        match (self, n) {
            (Addr::V4(a), IpNet::V4(n)) => n.contains(&a),
            (Addr::V6(a), IpNet::V6(n)) => n.contains(&a),
            (Addr::Svc(_) | Addr::Internet | Addr::Unresolved(_), IpNet::V4(n)) => {
                n.prefix_len() == 0
            }
            (Addr::Internet6, IpNet::V6(n)) => n.prefix_len() == 0,
            _ => false,
        }
    }

    pub(crate) fn is_v6(self) -> bool {
        matches!(self, Addr::V6(_) | Addr::Internet6)
    }

    /// A CIDR that covers this address, for fixes: `/32`, `/128`, or `0.0.0.0/0`.
    pub(crate) fn cidr(self) -> String {
        match self {
            Addr::V4(a) => format!("{a}/32"),
            Addr::V6(a) => format!("{a}/128"),
            Addr::Svc(_) | Addr::Internet | Addr::Unresolved(_) => "0.0.0.0/0".into(),
            Addr::Internet6 => "::/0".into(),
        }
    }

    /// The address for people. Written straight into the caller's
    /// `format!` (no string of its own): traces show addresses on most hops.
    pub fn show(self, sc: &Scenario) -> ShowAddr<'_> {
        ShowAddr(self, sc)
    }
}

/// An IPv4 address in dotted-quad text, built on the stack: the standard
/// `Display` writes each octet through the integer formatter, a measurable
/// share of a trace (hops mention addresses often).
struct Dotted {
    buf: [u8; 15],
    len: u8,
}

impl Dotted {
    fn new(a: Ipv4Addr) -> Dotted {
        let mut d = Dotted {
            buf: [0; 15],
            len: 0,
        };
        for (i, o) in a.octets().into_iter().enumerate() {
            if i > 0 {
                d.push(b'.');
            }
            if o >= 100 {
                d.push(b'0' + o / 100);
            }
            if o >= 10 {
                d.push(b'0' + o / 10 % 10);
            }
            d.push(b'0' + o % 10);
        }
        d
    }

    fn push(&mut self, b: u8) {
        self.buf[self.len as usize] = b;
        self.len += 1;
    }
}

impl std::ops::Deref for Dotted {
    type Target = str;
    fn deref(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).expect("ascii digits and dots")
    }
}

/// [`Addr::show`]: an address as hop details and sentences name it.
#[derive(Clone, Copy)]
pub struct ShowAddr<'s>(Addr, &'s Scenario);

impl std::fmt::Display for ShowAddr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Addr::V4(a) => f.pad(&Dotted::new(a)),
            Addr::V6(a) => a.fmt(f),
            Addr::Svc(s) => write!(f, "{} (public endpoint)", self.1.services[s.ix()].hostname),
            Addr::Internet => f.write_str("an internet address"),
            Addr::Internet6 => f.write_str("an internet IPv6 address"),
            Addr::Unresolved(h) => write!(
                f,
                "{} (address unknown)",
                self.1.external_hosts[h.ix()]
                    .hostname
                    .as_deref()
                    .unwrap_or("?")
            ),
        }
    }
}

/// Longest-prefix-match index of one route table.
///
/// IPv4 routes are flattened into disjoint address intervals, each holding
/// the answer of the longest prefix that covers it, so a lookup is one
/// binary search over interval starts (route tables of up to 1,000 routes:
/// ~11 comparisons) instead of one search per prefix length.
#[derive(Debug, Default)]
pub(crate) struct Lpm {
    /// (interval start, its route or [`Lpm::NONE`]), starts ascending from
    /// 0 when any IPv4 route exists; side by side so a lookup's last step
    /// reads the route from the cache line it searched.
    intervals: Vec<(u32, u32)>,
    /// `bucket[b]..bucket[b + 1]`: the intervals starting in `b.0.0.0/8`,
    /// so a search only looks at the first octet's share of the table.
    bucket: Vec<u32>,
    /// IPv6 routes, longest prefix first.
    v6: Vec<(ipnet::Ipv6Net, u32)>,
    /// Prefix-list routes: (service, route index).
    pl: Vec<(ServiceId, u32)>,
    default_v4: Option<u32>,
}

impl Lpm {
    const NONE: u32 = u32::MAX;

    fn build(rt: &RouteTable) -> Lpm {
        let mut lpm = Lpm::default();
        // (first address, last address, route), wider blocks first at equal
        // starts; CIDR blocks nest or are disjoint, so a stack sweep works.
        let mut v4: Vec<(u32, u32, u32)> = Vec::new();
        for (i, r) in rt.routes.iter().enumerate() {
            let i = i as u32;
            match r.dest {
                RouteDest::Cidr(IpNet::V4(n)) => {
                    if n.prefix_len() == 0 {
                        lpm.default_v4 = Some(i);
                    }
                    v4.push((u32::from(n.network()), u32::from(n.broadcast()), i));
                }
                RouteDest::Cidr(IpNet::V6(n)) => lpm.v6.push((n, i)),
                RouteDest::PrefixList(s) => lpm.pl.push((s, i)),
            }
        }
        // Equal blocks (not valid input) resolve to the first route.
        v4.sort_unstable_by_key(|&(lo, hi, i)| (lo, std::cmp::Reverse(hi), std::cmp::Reverse(i)));
        if !v4.is_empty() {
            lpm.set(0, Lpm::NONE);
        }
        let mut open: Vec<(u32, u32)> = Vec::new();
        for (lo, hi, i) in v4 {
            lpm.close_before(&mut open, lo);
            lpm.set(lo, i);
            open.push((hi, i));
        }
        lpm.close_before(&mut open, u32::MAX);
        if !lpm.intervals.is_empty() {
            lpm.bucket = (0..=256u64)
                .map(|b| {
                    lpm.intervals
                        .partition_point(|&(s, _)| u64::from(s) < b << 24)
                        as u32
                })
                .collect();
        }
        lpm.v6
            .sort_by_key(|(n, _)| std::cmp::Reverse(n.prefix_len()));
        lpm
    }

    /// Ends every open block that stops before `addr`; after each, the
    /// enclosing block (or no route) takes over.
    fn close_before(&mut self, open: &mut Vec<(u32, u32)>, addr: u32) {
        while let Some(&(hi, _)) = open.last() {
            if hi >= addr {
                break;
            }
            open.pop();
            let outer = open.last().map_or(Lpm::NONE, |o| o.1);
            self.set(hi + 1, outer);
        }
    }

    /// From `at` on (until the next start) the answer is `route`.
    fn set(&mut self, at: u32, route: u32) {
        match self.intervals.last_mut() {
            Some(last) if last.0 == at => {
                last.1 = route;
                // Merging with the previous interval keeps the table minimal.
                let n = self.intervals.len();
                if n >= 2 && self.intervals[n - 2].1 == route {
                    self.intervals.pop();
                }
            }
            Some(last) if last.1 == route => {}
            _ => self.intervals.push((at, route)),
        }
    }

    /// The index of the most specific route for `addr` (aws-rules.md rule 9).
    #[inline]
    pub(crate) fn lookup(&self, addr: Addr) -> Option<u32> {
        match addr {
            Addr::V4(ip) => {
                let ip = u32::from(ip);
                let b = (ip >> 24) as usize;
                let (lo, hi) = (*self.bucket.get(b)? as usize, self.bucket[b + 1] as usize);
                // The last interval starting at or before `ip`: in this
                // octet's share, or the one running into it from below.
                let k = lo + self.intervals[lo..hi].partition_point(|&(s, _)| s <= ip);
                match self.intervals.get(k.checked_sub(1)?) {
                    Some(&(_, r)) if r != Lpm::NONE => Some(r),
                    _ => None,
                }
            }
            Addr::V6(ip) => self.v6.iter().find(|(n, _)| n.contains(&ip)).map(|e| e.1),
            // A service's prefix list is more specific than 0.0.0.0/0 (rule 12).
            Addr::Svc(s) => self
                .pl
                .iter()
                .find(|e| e.0 == s)
                .map(|e| e.1)
                .or(self.default_v4),
            Addr::Internet | Addr::Unresolved(_) => self.default_v4,
            Addr::Internet6 => self
                .v6
                .iter()
                .find(|(n, _)| n.prefix_len() == 0)
                .map(|e| e.1),
        }
    }
}

/// A probe endpoint, resolved from a scenario id (what a probe means is
/// defined once, in `awsreach_model::probe`).
pub use awsreach_model::probe::Node;

/// A resolved question: can `from` reach `to` with this protocol and port?
///
/// Built only by the engine ([`Engine::probe`], [`Engine::probe_nodes`]),
/// which checks that the endpoints and the call kind fit together, so the
/// walk never meets a probe it cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Probe {
    pub(crate) from: Node,
    /// The source as the user named it (`from` is the ENI's owner when a
    /// literal address names an ENI): what the trace calls it.
    pub(crate) named_from: Node,
    pub(crate) to: Node,
    pub(crate) kind: CallKind,
    pub(crate) protocol: Protocol,
    pub(crate) port: u16,
    /// IAM action for endpoint policies; default: the service's default action.
    pub(crate) action: Option<String>,
    /// A flow over IPv6.
    pub(crate) ipv6: bool,
    /// A service call: the index of the hostname it calls in the service's
    /// `hostnames` (0, the regional name, unless `--host` or the
    /// destination named another).
    pub(crate) host: u16,
    /// A flow to an external host named by its hostname (or known by it
    /// only): the source resolves the name first.
    pub(crate) by_name: bool,
}

impl Probe {
    pub fn from(&self) -> Node {
        self.from
    }

    /// The source as the user named it (an address an ENI holds, say,
    /// where [`Probe::from`] is that ENI's owner).
    pub fn named_from(&self) -> Node {
        self.named_from
    }

    pub fn to(&self) -> Node {
        self.to
    }

    pub fn kind(&self) -> CallKind {
        self.kind
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the flow goes over IPv6.
    pub fn ipv6(&self) -> bool {
        self.ipv6
    }

    /// The IAM action given for endpoint policies, if any.
    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }

    /// A service call's hostname, as an index into the service's
    /// `hostnames` (0: the regional name).
    pub fn host(&self) -> u16 {
        self.host
    }
}

/// Options a user may give a probe; absent ones follow from the endpoints.
#[derive(Debug, Clone, Default)]
pub struct ProbeOptions {
    pub port: Option<u16>,
    pub protocol: Option<Protocol>,
    pub kind: Option<CallKind>,
    pub action: Option<String>,
    /// Ask the flow over IPv6 (`--ip-version 6`).
    pub ipv6: bool,
    /// The hostname a service call uses (`--host`); absent, the regional
    /// one, or the one the destination was named by.
    pub host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    #[error("unknown id `{id}`")]
    UnknownId {
        id: String,
        /// The closest id or `name` of the scenario.
        suggestion: Option<String>,
        /// The suggestion's other name: the `name` of a suggested id, or
        /// the id of a suggested `name`.
        known_as: Option<String>,
    },
    #[error("cannot trace from `{from}` to `{to}`: {reason}")]
    Unsupported {
        from: String,
        to: String,
        reason: String,
    },
}

impl ProbeError {
    pub fn hint(&self) -> Option<String> {
        match self {
            ProbeError::UnknownId {
                suggestion: Some(s),
                known_as,
                ..
            } => Some(format!(
                "did you mean `{s}`{}? ids are functions, resources, external hosts, triggers, catalog services, `internet`, or an ip address",
                known_as
                    .as_ref()
                    .map(|k| format!(" ({k})"))
                    .unwrap_or_default()
            )),
            ProbeError::UnknownId { .. } => Some(
                "ids are functions, resources, external hosts, triggers, catalog services (`awsreach services`), `internet`, or an ip address".into(),
            ),
            ProbeError::Unsupported { .. } => None,
        }
    }
}

/// The call a probe between two nodes makes when the user names none, or
/// why the pair cannot be traced.
pub(crate) fn natural_kind(
    from: Node,
    to: Node,
) -> Result<CallKind, awsreach_model::probe::Refusal> {
    awsreach_model::probe::natural_kind(from, to)
}

/// A scenario compiled for tracing.
#[derive(Debug)]
pub struct Engine {
    pub(crate) sc: Scenario,
    pub(crate) lpm: Vec<Lpm>,
    pub(crate) eni_by_ip: HashMap<(VpcId, Ipv4Addr), EniId>,
    pub(crate) eni_by_public: HashMap<Ipv4Addr, EniId>,
    /// ENIs by IPv6 address (globally unique, rule 24).
    pub(crate) eni_by_ipv6: HashMap<Ipv6Addr, EniId>,
    pub(crate) host_by_ip: HashMap<IpAddr, HostId>,
    /// Interface endpoints per (vpc, service).
    pub(crate) iface_eps: HashMap<(VpcId, ServiceId), Vec<EndpointId>>,
    /// Gateway endpoints per (vpc, service).
    pub(crate) gw_eps: HashMap<(VpcId, ServiceId), Vec<EndpointId>>,
    pub(crate) triggers_by_fn: Vec<Vec<TriggerId>>,
    pub(crate) names: HashMap<String, Node>,
    /// Every id of the scenario, for fixes that name a new entity; built on
    /// the first such fix (only traces make fixes).
    ids: std::sync::OnceLock<std::collections::HashSet<String>>,
    pub(crate) lambda: ServiceId,
    pub(crate) sts: ServiceId,
    pub(crate) secretsmanager: ServiceId,
}

impl Engine {
    pub fn new(sc: Scenario) -> Engine {
        let lpm = sc.route_tables.iter().map(Lpm::build).collect();
        let mut eni_by_ip = HashMap::with_capacity(sc.enis.len());
        let mut eni_by_public = HashMap::new();
        let mut eni_by_ipv6 = HashMap::new();
        for (i, e) in sc.enis.iter().enumerate() {
            let id = EniId(i as u32);
            eni_by_ip.insert((sc.subnets[e.subnet.ix()].vpc, e.private_ip), id);
            if let Some(p) = e.public_ip {
                eni_by_public.insert(p, id);
            }
            if let Some(a) = e.ipv6 {
                eni_by_ipv6.entry(a).or_insert(id);
            }
        }
        let host_by_ip = sc
            .external_hosts
            .iter()
            .enumerate()
            .filter_map(|(i, h)| Some((h.ip?, HostId(i as u32))))
            .collect();
        let mut iface_eps: HashMap<_, Vec<_>> = HashMap::new();
        let mut gw_eps: HashMap<_, Vec<_>> = HashMap::new();
        for (i, e) in sc.endpoints.iter().enumerate() {
            let map = if e.kind == EndpointKind::Interface {
                &mut iface_eps
            } else {
                &mut gw_eps
            };
            map.entry((e.vpc, e.service))
                .or_default()
                .push(EndpointId(i as u32));
        }
        let mut triggers_by_fn = vec![Vec::new(); sc.functions.len()];
        for (i, t) in sc.triggers.iter().enumerate() {
            triggers_by_fn[t.function.ix()].push(TriggerId(i as u32));
        }
        let mut names = HashMap::new();
        for (i, s) in sc.services.iter().enumerate() {
            names.insert(s.id.clone(), Node::Service(ServiceId(i as u32)));
        }
        for (i, f) in sc.functions.iter().enumerate() {
            names.insert(f.name.clone(), Node::Function(FunctionId(i as u32)));
        }
        for (i, r) in sc.resources.iter().enumerate() {
            names.insert(r.name.clone(), Node::Resource(ResourceId(i as u32)));
        }
        for (i, h) in sc.external_hosts.iter().enumerate() {
            names.insert(h.name.clone(), Node::Host(HostId(i as u32)));
        }
        for (i, t) in sc.triggers.iter().enumerate() {
            names.insert(t.name.clone(), Node::Trigger(TriggerId(i as u32)));
        }
        let svc = |id: &str| {
            sc.service_by_id(id)
                .expect("catalog service present in every scenario")
        };
        let (lambda, sts, secretsmanager) = (svc("lambda"), svc("sts"), svc("secretsmanager"));
        Engine {
            sc,
            lpm,
            eni_by_ip,
            eni_by_public,
            eni_by_ipv6,
            host_by_ip,
            iface_eps,
            gw_eps,
            triggers_by_fn,
            names,
            ids: std::sync::OnceLock::new(),
            lambda,
            sts,
            secretsmanager,
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// True when some entity of the scenario already has this id (ids share
    /// one namespace), so a fix must not create another with it.
    pub(crate) fn id_taken(&self, id: &str) -> bool {
        self.ids
            .get_or_init(|| {
                let sc = &self.sc;
                let names = (sc.vpcs.iter().map(|x| &x.name))
                    .chain(sc.subnets.iter().map(|x| &x.name))
                    .chain(sc.route_tables.iter().map(|x| &x.name))
                    .chain(sc.internet_gateways.iter().map(|x| &x.name))
                    .chain(sc.egress_only_igws.iter().map(|x| &x.name))
                    .chain(sc.nat_gateways.iter().map(|x| &x.name))
                    .chain(sc.endpoints.iter().map(|x| &x.name))
                    .chain(sc.security_groups.iter().map(|x| &x.name))
                    .chain(sc.network_acls.iter().map(|x| &x.name))
                    .chain(sc.resources.iter().map(|x| &x.name))
                    .chain(sc.functions.iter().map(|x| &x.name))
                    .chain(sc.triggers.iter().map(|x| &x.name))
                    .chain(sc.external_hosts.iter().map(|x| &x.name))
                    .chain(sc.peerings.iter().map(|x| &x.name))
                    .chain(sc.transit_gateways.iter().map(|x| &x.name));
                names.cloned().collect()
            })
            .contains(id)
    }

    /// Resolves an id (or `internet`, or an IP address) to a probe endpoint.
    pub fn node(&self, id: &str) -> Result<Node, ProbeError> {
        if let Some(n) = self.lookup(id) {
            return Ok(n);
        }
        Err(self.unknown_id(id))
    }

    /// [`Engine::node`] without the "did you mean" work of a miss.
    pub(crate) fn lookup(&self, id: &str) -> Option<Node> {
        if let Some(n) = self.names.get(id) {
            return Some(*n);
        }
        if id == "internet" {
            return Some(Node::Internet);
        }
        if let Some(n) = awsreach_model::probe::by_alias(&self.sc, id) {
            return Some(n);
        }
        if let Some(n) = awsreach_model::probe::function_eni(&self.sc, id) {
            return Some(n);
        }
        self.by_hostname(id)
            .or_else(|| id.parse::<IpAddr>().ok().map(Node::Ip))
    }

    pub fn node_name(&self, n: Node) -> String {
        match n {
            Node::Function(f) => self.sc.functions[f.ix()].name.clone(),
            Node::Resource(r) => self.sc.resources[r.ix()].name.clone(),
            Node::Service(s) => self.sc.services[s.ix()].id.clone(),
            Node::Trigger(t) => self.sc.triggers[t.ix()].name.clone(),
            Node::Host(h) => self.sc.external_hosts[h.ix()].name.clone(),
            Node::Internet => "internet".into(),
            Node::Ip(ip) => ip.to_string(),
            Node::FunctionEni(f, e) => format!(
                "{}@{}",
                self.sc.functions[f.ix()].name,
                self.sc.subnets[self.sc.enis[e.ix()].subnet.ix()].name
            ),
        }
    }

    /// Builds a probe between two ids; the call kind, protocol and port
    /// follow from the endpoints unless given.
    pub fn probe(&self, from: &str, to: &str, opts: &ProbeOptions) -> Result<Probe, ProbeError> {
        let (f, t) = (self.node(from)?, self.node(to)?);
        let mut p = self.probe_nodes(f, t, opts)?;
        // A destination named by a DNS name is called by that name: a
        // service's other hostname, or a host's hostname (rules 25, 26).
        if !self.names.contains_key(to) && to.contains('.') {
            match t {
                Node::Service(_) if opts.host.is_none() => {
                    if let Some((_, k)) = awsreach_model::probe::service_by_hostname(&self.sc, to) {
                        p.host = k;
                    }
                }
                Node::Host(_) => p.by_name = to.parse::<IpAddr>().is_err(),
                _ => {}
            }
        }
        Ok(p)
    }

    pub fn probe_nodes(
        &self,
        from: Node,
        to: Node,
        opts: &ProbeOptions,
    ) -> Result<Probe, ProbeError> {
        self.probe_with(from, to, opts, None)
    }

    /// [`Engine::probe_nodes`], with the default protocol and port of a flow
    /// to `to` already known (the matrix looks them up once per column).
    pub(crate) fn probe_with(
        &self,
        from: Node,
        to: Node,
        opts: &ProbeOptions,
        flow_default: Option<(Protocol, u16)>,
    ) -> Result<Probe, ProbeError> {
        // A literal source address held by an ENI sends as that ENI's owner.
        let ask = awsreach_model::probe::Ask {
            kind: opts.kind,
            protocol: opts.protocol,
            port: opts.port,
            ipv6: opts.ipv6,
        };
        let m =
            awsreach_model::probe::meaning(&self.sc, from, to, ask, flow_default).map_err(|r| {
                ProbeError::Unsupported {
                    from: self.node_name(from),
                    to: self.node_name(to),
                    reason: r.to_string(),
                }
            })?;
        // A literal source address held by an ENI sends as that ENI's owner.
        let (named_from, from) = (from, awsreach_model::probe::sender(&self.sc, from));
        let refused = |r: awsreach_model::probe::Refusal| ProbeError::Unsupported {
            from: self.node_name(from),
            to: self.node_name(to),
            reason: r.to_string(),
        };
        let host = match &opts.host {
            Some(h) => awsreach_model::probe::service_host(&self.sc, to, h).map_err(refused)?,
            None => 0,
        };
        // A host known by its hostname only is called by that name.
        let by_name = matches!(to, Node::Host(h) if self.sc.external_hosts[h.ix()].ip.is_none());
        Ok(Probe {
            from,
            named_from,
            to,
            kind: m.kind,
            protocol: m.protocol,
            port: m.port,
            action: opts.action.clone(),
            ipv6: m.ipv6,
            host,
            by_name,
        })
    }

    /// The protocol and port a probe uses when the user gives none: a flow
    /// goes to the destination's first listener, everything else is HTTPS.
    pub(crate) fn default_port(&self, kind: CallKind, to: Node) -> (Protocol, u16) {
        awsreach_model::probe::default_port(&self.sc, kind, to)
    }

    /// Every node a matrix considers: functions, resources, external hosts,
    /// triggers' services, declared services, `internet`.
    pub fn sources(&self) -> Vec<Node> {
        let mut v: Vec<Node> = Vec::new();
        let mut svcs: Vec<ServiceId> = self.sc.triggers.iter().map(|t| t.service).collect();
        svcs.sort();
        svcs.dedup();
        v.extend(svcs.into_iter().map(Node::Service));
        v.extend((0..self.sc.functions.len()).map(|i| Node::Function(FunctionId(i as u32))));
        v.extend((0..self.sc.resources.len()).map(|i| Node::Resource(ResourceId(i as u32))));
        v.extend((0..self.sc.external_hosts.len()).map(|i| Node::Host(HostId(i as u32))));
        v
    }

    pub fn destinations(&self) -> Vec<Node> {
        let mut v: Vec<Node> = Vec::new();
        v.extend((0..self.sc.functions.len()).map(|i| Node::Function(FunctionId(i as u32))));
        v.extend((0..self.sc.resources.len()).map(|i| Node::Resource(ResourceId(i as u32))));
        v.extend(
            self.sc
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| s.declared)
                .map(|(i, _)| Node::Service(ServiceId(i as u32))),
        );
        v.extend((0..self.sc.external_hosts.len()).map(|i| Node::Host(HostId(i as u32))));
        v.push(Node::Internet);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The interval index answers like a scan for the longest covering
    /// prefix (first declared on ties), on nested and disjoint blocks.
    #[test]
    fn lpm_intervals_agree_with_a_scan() {
        // A small deterministic generator (xorshift), no dependency.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..200 {
            let n = (next() % 40) as usize;
            let mut routes = Vec::new();
            for _ in 0..n {
                let len = [0u8, 8, 16, 16, 20, 24, 24, 28, 31, 32][(next() % 10) as usize];
                // Addresses from a narrow range so blocks nest often.
                let base = 0x0a00_0000 | (next() as u32 & 0x0000_ffff);
                let net = ipnet::Ipv4Net::new(Ipv4Addr::from(base), len)
                    .unwrap()
                    .trunc();
                routes.push(Route {
                    dest: RouteDest::Cidr(IpNet::V4(net)),
                    target: Target::Local,
                    origin: RouteOrigin::Declared,
                });
            }
            let rt = RouteTable {
                name: "rt".into(),
                vpc: VpcId(0),
                main: true,
                declared: true,
                routes,
            };
            let lpm = Lpm::build(&rt);
            let scan = |ip: Ipv4Addr| {
                let mut best: Option<(u8, u32)> = None;
                for (i, r) in rt.routes.iter().enumerate() {
                    if let RouteDest::Cidr(IpNet::V4(n)) = r.dest
                        && n.contains(&ip)
                        && best.is_none_or(|(l, _)| n.prefix_len() > l)
                    {
                        best = Some((n.prefix_len(), i as u32));
                    }
                }
                best.map(|b| b.1)
            };
            for _ in 0..300 {
                let ip = Ipv4Addr::from(match next() % 4 {
                    0 => next() as u32,
                    1 => 0xffff_ffff - (next() % 3) as u32,
                    _ => 0x0a00_0000 | (next() as u32 & 0x0001_ffff),
                });
                assert_eq!(
                    lpm.lookup(Addr::V4(ip)),
                    scan(ip),
                    "{ip} in {:?}",
                    rt.routes
                );
            }
        }
    }

    #[test]
    fn public_blocks_are_those_a_public_address_may_fall_in() {
        let may = |c: &str| may_hold_public(&c.parse::<IpNet>().unwrap());
        for public in [
            "203.0.113.0/24",
            "8.0.0.0/7",
            "1.2.3.4/32",
            "128.0.0.0/1",
            "11.0.0.0/8",
        ] {
            assert!(may(public), "{public}");
        }
        for not in [
            "0.0.0.0/0",
            "10.1.0.0/16",
            "172.16.0.0/12",
            "172.20.1.0/24",
            "192.168.5.0/24",
            "100.64.0.0/10",
            "169.254.169.254/32",
            "127.0.0.1/32",
            "224.0.0.0/4",
            "2001:db8::/32",
        ] {
            assert!(!may(not), "{not}");
        }
    }

    #[test]
    fn dotted_quads_match_the_standard_display() {
        for a in [
            Ipv4Addr::new(0, 0, 0, 0),
            Ipv4Addr::new(10, 0, 1, 4),
            Ipv4Addr::new(54, 160, 0, 100),
            Ipv4Addr::new(255, 255, 255, 255),
            Ipv4Addr::new(9, 99, 100, 199),
        ] {
            assert_eq!(&*Dotted::new(a), a.to_string());
        }
        let sc = awsreach_model::load(include_str!("../../../scenarios/example-full.ron"))
            .expect("example loads")
            .scenario;
        let a = Addr::V4(Ipv4Addr::new(10, 2, 30, 4));
        assert_eq!(format!("[{:>12}]", a.show(&sc)), "[   10.2.30.4]");
    }
}
