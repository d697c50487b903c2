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
//! One file of ~1,100 lines on purpose: the evaluator is read top to bottom
//! as one plain account of the rules, against the simulator's split walk. Route tables
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
use awsreach_model::spec::{EndpointKind, PollerMode, RuleAction};
use awsreach_model::{EniOwner, RouteDest, Scenario, SgId, SgPeer, Target};
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
    let src_node = probe::resolve(sc, from).ok_or_else(|| format!("unknown id `{from}`"))?;
    let dst_node = probe::resolve(sc, to).ok_or_else(|| format!("unknown id `{to}`"))?;
    let ask = probe::Ask {
        kind: None,
        protocol,
        port,
    };
    let m = probe::meaning(sc, src_node, dst_node, ask, None).map_err(|r| r.to_string())?;
    let (src, dst) = (end(src_node), end(dst_node));
    let kind = match m.kind {
        CallKind::Trigger => Kind::Trigger,
        CallKind::Invoke => Kind::Invoke,
        CallKind::ServiceCall => Kind::Api,
        CallKind::Flow => Kind::Flow,
    };
    let (proto, port) = (m.protocol, m.port);
    let mut cx = Cx::new(sc, proto, port, "lambda:InvokeFunction".to_string());
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
            (Addr::Service(_) | Addr::Anywhere, IpNet::V4(n)) => n.prefix_len() == 0,
            _ => false,
        }
    }

    fn is_v6(self) -> bool {
        matches!(self, Addr::V6(_))
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
        }
    }

    // ------------------------------------------------------------ invoking

    /// Rule 3 and seed principle 1: invoking is a call to the Lambda API,
    /// then the resource-based policy; the callee's placement never enters.
    fn invoke(&mut self, from: End, f: usize) -> Step {
        let lambda = self.service_index("lambda");
        self.api_call(from, lambda)?;
        let principal = match from {
            End::Resource(r) => self.sc.resources[r].name.as_str(),
            End::Function(g) => self.sc.functions[g].name.as_str(),
            _ => "*",
        };
        self.policy_allows(f, principal)
    }

    fn policy_allows(&self, f: usize, principal: &str) -> Step {
        match &self.sc.functions[f].policy {
            None => Ok(()),
            Some(allowed) => {
                if allowed.iter().any(|a| a == "*" || a == principal) {
                    Ok(())
                } else {
                    Err("INVOKE_NOT_PERMITTED")
                }
            }
        }
    }

    /// Rules 4-6: which triggers connect the source to the function, and
    /// whether one of them works.
    fn trigger(&mut self, from: End, f: usize) -> Step {
        let mut candidates = Vec::new();
        for (i, t) in self.sc.triggers.iter().enumerate() {
            let matches = match from {
                End::Trigger(x) => x == i,
                End::Service(s) => t.service.ix() == s,
                _ => false,
            };
            if matches && t.function.ix() == f {
                candidates.push(i);
            }
        }
        let mut first_failure = None;
        for t in candidates {
            match self.one_trigger(t) {
                Ok(()) => return Ok(()),
                Err(c) => {
                    if first_failure.is_none() {
                        first_failure = Some(c);
                    }
                }
            }
        }
        Err(first_failure.unwrap_or("NO_TRIGGER"))
    }

    fn one_trigger(&mut self, t: usize) -> Step {
        use awsreach_model::spec::TriggerSource as S;
        let tr = &self.sc.triggers[t];
        match tr.source {
            // Rule 4: Lambda-managed pollers in AWS's network, execution role.
            S::Sqs | S::Kinesis | S::DynamoDbStreams => Ok(()),
            // Rule 5: pollers with ENIs in every subnet of the event source.
            S::Msk | S::SelfManagedKafka | S::AmazonMq | S::DocumentDb => {
                for sub in &tr.subnets {
                    self.poller(t, sub.ix())?;
                }
                Ok(())
            }
            // Rule 6: push sources invoke through the Lambda service, as their principal.
            _ => {
                let principal = self.sc.services[tr.service.ix()].principal.clone();
                self.policy_allows(tr.function.ix(), &principal)
            }
        }
    }

    fn poller(&mut self, t: usize, subnet: usize) -> Step {
        let tr = &self.sc.triggers[t];
        let cidr = self.sc.subnets[subnet].cidr;
        let ip = Ipv4Addr::from(u32::from(cidr.broadcast()) - 1);
        let me = Peer {
            addr: Addr::V4(ip),
            groups: &tr.security_groups,
        };
        // The poller talks to the brokers, which carry the same groups: the
        // broker port must be allowed out to and in from the groups themselves.
        let broker = Cx::new(self.sc, Protocol::Tcp, tr.port, String::new());
        let out = broker.groups_allow(&tr.security_groups, false, me);
        let inn = broker.groups_allow(&tr.security_groups, true, me);
        if !out || !inn {
            return Err("POLLER_SG_DENIED");
        }
        if tr.mode == PollerMode::Provisioned {
            return Ok(());
        }
        let mut needed = vec!["lambda", "sts"];
        if tr.secrets_manager {
            needed.push("secretsmanager");
        }
        let sender = Sender {
            subnet,
            ip,
            ipv6: None,
            public_ip: None,
            groups: Some(&tr.security_groups),
            nat: None,
        };
        for id in needed {
            let s = self.service_index(id);
            let action = self.sc.services[s].default_action.clone();
            let mut call = Cx::new(self.sc, Protocol::Tcp, 443, action);
            if call.api_from(sender, s).is_err() {
                return Err("POLLER_NO_PATH");
            }
        }
        Ok(())
    }

    // ----------------------------------------------------------- API calls

    fn api_call(&mut self, from: End, s: usize) -> Step {
        match from {
            End::Resource(r) => {
                let sender = self.eni_sender(self.sc.resources[r].eni.ix());
                self.api_from(sender, s)
            }
            End::Function(f) => match &self.sc.functions[f].vpc {
                // Rule 2: the Lambda-managed network reaches public endpoints.
                None => Ok(()),
                Some(v) => {
                    for eni in &v.enis {
                        self.legs.clear();
                        let sender = self.eni_sender(eni.ix());
                        self.api_from(sender, s)?;
                    }
                    Ok(())
                }
            },
            // Public endpoints are on the internet.
            End::Host(_) | End::Internet => Ok(()),
            End::Ip(ip) => match self.eni_holding(ip) {
                Some(eni) => {
                    let sender = self.eni_sender(eni);
                    self.api_from(sender, s)
                }
                None => Ok(()),
            },
            End::Service(_) | End::Trigger(_) => unreachable!("refused in evaluate"),
        }
    }

    /// A non-endpoint ENI holding a literal IPv4 source address, first VPC first.
    fn eni_holding(&self, ip: IpAddr) -> Option<usize> {
        let IpAddr::V4(a) = ip else { return None };
        for v in 0..self.sc.vpcs.len() {
            for (i, n) in self.sc.enis.iter().enumerate() {
                if n.private_ip == a
                    && self.vpc_of_subnet(n.subnet.ix()) == v
                    && !matches!(n.owner, EniOwner::Endpoint(_))
                {
                    return Some(i);
                }
            }
        }
        None
    }

    /// An HTTPS call from an ENI: DNS (rule 13), then the path.
    fn api_from(&mut self, sender: Sender<'s>, s: usize) -> Step {
        let vpc_ix = self.vpc_of_subnet(sender.subnet);
        let vpc = &self.sc.vpcs[vpc_ix];
        if !vpc.dns_support {
            return Err("DNS_RESOLUTION_DISABLED");
        }
        // Private DNS of an interface endpoint in the caller's VPC captures the
        // service hostname (needs the VPC's DNS support and DNS hostnames).
        let mut captured = None;
        for e in &self.sc.endpoints {
            if e.vpc.ix() == vpc_ix
                && e.service.ix() == s
                && e.kind == EndpointKind::Interface
                && e.private_dns
                && vpc.dns_hostnames
                && !e.enis.is_empty()
            {
                captured = Some(e);
                break;
            }
        }
        if let Some(e) = captured {
            // The resolver answers with the endpoint's address in the caller's
            // subnet, else in its availability zone, else the first one.
            let az = &self.sc.subnets[sender.subnet].az;
            let mut pick = None;
            for n in &e.enis {
                if self.sc.enis[n.ix()].subnet.ix() == sender.subnet {
                    pick = Some(n.ix());
                    break;
                }
            }
            if pick.is_none() {
                for n in &e.enis {
                    if &self.sc.subnets[self.sc.enis[n.ix()].subnet.ix()].az == az {
                        pick = Some(n.ix());
                        break;
                    }
                }
            }
            let eni = pick.unwrap_or(e.enis[0].ix());
            return self.send(sender, Goal::Private(eni), 0);
        }
        match self.send(sender, Goal::Service(s), 0) {
            Ok(()) => Ok(()),
            Err(code) => Err(self.rename_public_failure(code, sender, s)),
        }
    }

    /// A call that could not get out to the public endpoint, said in terms
    /// of what the VPC offers for the service instead.
    fn rename_public_failure(
        &self,
        code: &'static str,
        sender: Sender<'s>,
        s: usize,
    ) -> &'static str {
        let way_out = [
            "NO_ROUTE",
            "BLACKHOLE_ROUTE",
            "NO_PUBLIC_IP",
            "NAT_WITHOUT_INTERNET_ROUTE",
            "NAT_IN_SOURCE_SUBNET",
        ];
        if !way_out.contains(&code) {
            return code;
        }
        let vpc = self.vpc_of_subnet(sender.subnet);
        let table = self.sc.subnets[sender.subnet].route_table;
        let mut interface = false;
        let mut gateway_elsewhere = false;
        for e in &self.sc.endpoints {
            if e.vpc.ix() != vpc || e.service.ix() != s {
                continue;
            }
            match e.kind {
                EndpointKind::Interface => interface = true,
                EndpointKind::Gateway => {
                    if !e.route_tables.contains(&table) {
                        gateway_elsewhere = true;
                    }
                }
            }
        }
        let svc = &self.sc.services[s];
        if interface {
            "ENDPOINT_PRIVATE_DNS_OFF"
        } else if gateway_elsewhere {
            "GATEWAY_ENDPOINT_NOT_ASSOCIATED"
        } else if !svc.gateway_endpoint
            && !svc.interface_endpoint
            && (code == "NO_ROUTE" || code == "BLACKHOLE_ROUTE")
        {
            // Seed pattern 6: no way out at all and no endpoint to create. A
            // missing public IP or a broken NAT gateway keeps its own code,
            // which names what to repair.
            "NO_ENDPOINT_SUPPORT"
        } else {
            code
        }
    }

    // --------------------------------------------------------------- flows

    fn flow_from(&mut self, from: End, to: End) -> Step {
        match from {
            End::Resource(r) => {
                let sender = self.eni_sender(self.sc.resources[r].eni.ix());
                let goal = self.goal(Some(sender), to);
                self.send(sender, goal, 0)
            }
            End::Function(f) => match &self.sc.functions[f].vpc {
                Some(v) => {
                    for eni in &v.enis {
                        self.legs.clear();
                        let sender = self.eni_sender(eni.ix());
                        let goal = self.goal(Some(sender), to);
                        self.send(sender, goal, 0)?;
                    }
                    Ok(())
                }
                None => {
                    let goal = self.goal(None, to);
                    // Rule 8: no outbound IPv6 outside a VPC.
                    if self.goal_addr(goal).is_v6() {
                        return Err("NO_IPV6");
                    }
                    self.internet(Addr::Anywhere, goal)
                }
            },
            End::Host(h) => {
                let goal = self.goal(None, to);
                self.internet(Addr::of(self.sc.external_hosts[h].ip), goal)
            }
            End::Internet => {
                let goal = self.goal(None, to);
                self.internet(Addr::Anywhere, goal)
            }
            End::Ip(ip) => {
                let goal = self.goal(None, to);
                match self.eni_holding(ip) {
                    Some(eni) => {
                        let sender = self.eni_sender(eni);
                        self.send(sender, goal, 0)
                    }
                    None => self.internet(Addr::of(ip), goal),
                }
            }
            End::Service(_) | End::Trigger(_) => unreachable!("refused in evaluate"),
        }
    }

    /// Which address of the destination the sender uses.
    fn goal(&self, sender: Option<Sender<'s>>, to: End) -> Goal {
        match to {
            End::Resource(r) => {
                let eni = self.sc.resources[r].eni.ix();
                let n = &self.sc.enis[eni];
                let private = match sender {
                    None => false,
                    Some(s) => {
                        let same_vpc =
                            self.vpc_of_subnet(s.subnet) == self.vpc_of_subnet(n.subnet.ix());
                        let table = self.sc.subnets[s.subnet].route_table.ix();
                        let specific = self.lookup(table, Addr::V4(n.private_ip)).is_some_and(
                            |r| !matches!(r.dest, RouteDest::Cidr(c) if c.prefix_len() == 0),
                        );
                        same_vpc || specific
                    }
                };
                if private || n.public_ip.is_none() {
                    Goal::Private(eni)
                } else {
                    Goal::Public(eni)
                }
            }
            End::Host(h) => Goal::Host(h),
            End::Service(s) => Goal::Service(s),
            End::Internet => Goal::Internet,
            End::Ip(ip) => {
                if let IpAddr::V4(a) = ip {
                    for (i, n) in self.sc.enis.iter().enumerate() {
                        if n.public_ip == Some(a) {
                            return Goal::Public(i);
                        }
                    }
                }
                for (i, h) in self.sc.external_hosts.iter().enumerate() {
                    if h.ip == ip {
                        return Goal::Host(i);
                    }
                }
                Goal::Literal(ip)
            }
            End::Function(_) | End::Trigger(_) => unreachable!("not a flow destination"),
        }
    }

    fn goal_addr(&self, g: Goal) -> Addr {
        match g {
            Goal::Private(e) => Addr::V4(self.sc.enis[e].private_ip),
            Goal::Public(e) => {
                let n = &self.sc.enis[e];
                Addr::V4(n.public_ip.unwrap_or(n.private_ip))
            }
            Goal::Host(h) => Addr::of(self.sc.external_hosts[h].ip),
            Goal::Service(s) => Addr::Service(s),
            Goal::Internet => Addr::Anywhere,
            Goal::Literal(ip) => Addr::of(ip),
        }
    }

    /// Rule 9: the most specific route for `addr`, scanning every route.
    /// A service's prefix list is more specific than `0.0.0.0/0`; on a tie
    /// the earlier route (the implicit `local` ones come first) wins.
    fn lookup(&self, table: usize, addr: Addr) -> Option<&'s awsreach_model::Route> {
        let routes = &self.sc.route_tables[table].routes;
        if let Addr::Service(s) = addr {
            for r in routes {
                if r.dest == RouteDest::PrefixList(awsreach_model::ServiceId(s as u32)) {
                    return Some(r);
                }
            }
        }
        let mut best: Option<(&'s awsreach_model::Route, u8)> = None;
        for r in routes {
            let RouteDest::Cidr(c) = r.dest else { continue };
            if !addr.in_cidr(&c) {
                continue;
            }
            let len = c.prefix_len();
            if best.is_none_or(|(_, l)| len > l) {
                best = Some((r, len));
            }
        }
        best.map(|(r, _)| r)
    }

    /// The packet leaves `sender` for `goal`.
    fn send(&mut self, sender: Sender<'s>, goal: Goal, depth: usize) -> Step {
        if depth == 0 {
            self.senders.clear();
        }
        self.senders.push((sender.subnet, sender.ip));
        let addr = self.goal_addr(goal);
        if addr.is_v6() && sender.ipv6.is_none() {
            return Err("NO_IPV6");
        }
        let (far_eni, far_groups): (Option<usize>, &'s [SgId]) = match goal {
            Goal::Private(e) => (Some(e), &self.sc.enis[e].security_groups),
            _ => (None, &[]),
        };
        // Rule 16: outbound, a union over the sender's groups.
        if let Some(groups) = sender.groups {
            let remote = Peer {
                addr,
                groups: far_groups,
            };
            if !self.groups_allow(groups, false, remote) {
                return Err("SG_EGRESS_DENIED");
            }
        }
        // Rule 17: NACLs guard the subnet boundary only.
        let same_subnet = far_eni.is_some_and(|e| self.sc.enis[e].subnet.ix() == sender.subnet);
        if !same_subnet {
            self.nacl(sender.subnet, false, addr, PortRange::single(self.port))?;
            self.legs.push((sender.subnet, true, addr));
        }
        let table = self.sc.subnets[sender.subnet].route_table.ix();
        let Some(route) = self.lookup(table, addr) else {
            let public_goal = matches!(
                goal,
                Goal::Service(_) | Goal::Internet | Goal::Host(_) | Goal::Public(_)
            );
            if sender.nat.is_some() && public_goal {
                return Err("NAT_WITHOUT_INTERNET_ROUTE");
            }
            return Err("NO_ROUTE");
        };
        let vpc = self.vpc_of_subnet(sender.subnet);
        let me = Peer {
            addr: Addr::V4(sender.ip),
            groups: sender.groups.unwrap_or(&[]),
        };
        match route.target {
            Target::Local => self.deliver(vpc, me, goal, same_subnet, None),
            Target::Blackhole => Err("BLACKHOLE_ROUTE"),
            Target::Igw(_) => self.through_igw(sender, goal, addr),
            Target::Nat(n) => self.through_nat(sender, goal, n.ix(), depth),
            Target::Endpoint(ep) => {
                // Rule 12: a gateway endpoint, reached through its prefix-list route.
                self.endpoint_policy(ep.ix())?;
                self.replies()
            }
            Target::Peering(p) => {
                let pc = &self.sc.peerings[p.ix()];
                let other = if pc.requester.ix() == vpc {
                    pc.accepter.ix()
                } else {
                    pc.requester.ix()
                };
                self.across(me, goal, addr, other, route.target)
            }
            Target::TransitGateway(t) => {
                let tg = &self.sc.transit_gateways[t.ix()];
                let mut best: Option<(&Option<awsreach_model::VpcId>, u8)> = None;
                for (net, to) in &tg.routes {
                    if addr.in_cidr(net) && best.is_none_or(|(_, l)| net.prefix_len() > l) {
                        best = Some((to, net.prefix_len()));
                    }
                }
                match best {
                    None => Err("NO_ROUTE"),
                    Some((None, _)) => Err("BLACKHOLE_ROUTE"),
                    Some((Some(v), _)) => self.across(me, goal, addr, v.ix(), route.target),
                }
            }
            Target::EgressOnlyIgw(_) => {
                // Rule 8: IPv6 out, nothing in.
                let from = Addr::V6(sender.ipv6.expect("checked above"));
                self.internet(from, goal)
            }
            Target::Eni(appliance) => {
                let a = appliance.ix();
                let forwards = match self.sc.enis[a].owner {
                    EniOwner::Resource(r) => self.sc.resources[r.ix()].forwarding,
                    _ => false,
                };
                if !forwards {
                    return Err("ENI_NOT_FORWARDING");
                }
                // Rules 16 and 17: the appliance's subnet NACL and its own
                // groups filter what it receives; it sends the packet on as
                // itself (a NAT instance), through its groups again.
                let next = self.eni_sender(a);
                if next.subnet != sender.subnet {
                    let from = Addr::V4(sender.ip);
                    self.nacl(next.subnet, true, from, PortRange::single(self.port))?;
                    self.legs.push((next.subnet, false, from));
                }
                if !self.groups_allow(&self.sc.enis[a].security_groups, true, me) {
                    return Err("SG_INGRESS_DENIED");
                }
                if self.senders.contains(&(next.subnet, next.ip)) {
                    return Err("ROUTING_LOOP");
                }
                self.send(next, goal, depth + 1)
            }
        }
    }

    /// Rule 10: the internet gateway translates 1:1 and needs a public IPv4.
    fn through_igw(&mut self, sender: Sender<'s>, goal: Goal, addr: Addr) -> Step {
        if addr.is_v6() {
            let from = Addr::V6(sender.ipv6.expect("checked in send"));
            return self.internet(from, goal);
        }
        if let Some(n) = sender.nat
            && !self.sc.nat_gateways[n].public
        {
            // Rule 11: a private NAT gateway cannot use an internet gateway.
            return Err("NAT_WITHOUT_INTERNET_ROUTE");
        }
        match sender.public_ip {
            Some(p) => self.internet(Addr::V4(p), goal),
            None => Err("NO_PUBLIC_IP"),
        }
    }

    /// Rule 11: the NAT gateway translates the source to itself and sends on
    /// through its own subnet's table; it does not serve its own subnet.
    fn through_nat(&mut self, sender: Sender<'s>, goal: Goal, n: usize, depth: usize) -> Step {
        let public_goal = matches!(
            goal,
            Goal::Service(_) | Goal::Internet | Goal::Host(_) | Goal::Public(_)
        );
        if sender.nat.is_some() && public_goal {
            // A NAT gateway whose table sends public traffic to a NAT gateway.
            return Err("NAT_WITHOUT_INTERNET_ROUTE");
        }
        let nat = &self.sc.nat_gateways[n];
        if nat.subnet.ix() == sender.subnet {
            return Err("NAT_IN_SOURCE_SUBNET");
        }
        let from = Addr::V4(sender.ip);
        self.nacl(nat.subnet.ix(), true, from, PortRange::single(self.port))?;
        self.legs.push((nat.subnet.ix(), false, from));
        let eni = &self.sc.enis[nat.eni.ix()];
        if self.senders.contains(&(nat.subnet.ix(), eni.private_ip)) {
            return Err("ROUTING_LOOP");
        }
        let me = Sender {
            subnet: nat.subnet.ix(),
            ip: eni.private_ip,
            ipv6: None,
            public_ip: nat.elastic_ip,
            groups: None,
            nat: Some(n),
        };
        self.send(me, goal, depth + 1)
    }

    /// Rule 15 (and transit gateways): into another VPC, which must hold the
    /// destination and route the reply back the same way.
    fn across(&mut self, me: Peer<'s>, goal: Goal, addr: Addr, other: usize, via: Target) -> Step {
        let inside = match addr {
            Addr::V4(a) => self.sc.vpcs[other].contains(IpAddr::V4(a)),
            Addr::V6(a) => self.sc.vpcs[other].contains(IpAddr::V6(a)),
            _ => false,
        };
        if !inside {
            // Not transitive: the far VPC's gateways and peerings are not used.
            return Err("NO_ROUTE");
        }
        self.deliver(other, me, goal, false, Some(via))
    }

    /// Delivery to an ENI of `vpc`.
    fn deliver(
        &mut self,
        vpc: usize,
        me: Peer<'s>,
        goal: Goal,
        same_subnet: bool,
        via: Option<Target>,
    ) -> Step {
        let mut eni = match goal {
            Goal::Private(e) | Goal::Public(e) => Some(e),
            Goal::Literal(IpAddr::V4(a)) => self
                .sc
                .enis
                .iter()
                .position(|n| n.private_ip == a && self.vpc_of_subnet(n.subnet.ix()) == vpc),
            _ => None,
        };
        if eni.is_some_and(|e| self.vpc_of_subnet(self.sc.enis[e].subnet.ix()) != vpc) {
            eni = None;
        }
        let Some(eni) = eni else {
            return Err("DESTINATION_UNKNOWN");
        };
        let subnet = self.sc.enis[eni].subnet.ix();
        if let Some(via) = via {
            let table = self.sc.subnets[subnet].route_table.ix();
            let back = self.lookup(table, me.addr).map(|r| r.target);
            if back != Some(via) {
                return Err("NO_RETURN_ROUTE");
            }
        }
        if !same_subnet {
            self.nacl(subnet, true, me.addr, PortRange::single(self.port))?;
            self.legs.push((subnet, false, me.addr));
        }
        self.arrive(eni, me)
    }

    /// At the destination ENI: its groups, then what listens.
    fn arrive(&mut self, eni: usize, me: Peer<'s>) -> Step {
        let n = &self.sc.enis[eni];
        // NAT gateways have no security groups (rule 11: they only take
        // replies to their own sessions, so NOT_LISTENING below).
        let nat = matches!(n.owner, EniOwner::Nat(_));
        if !nat && !self.groups_allow(&n.security_groups, true, me) {
            return Err(match n.owner {
                EniOwner::Endpoint(_) => "ENDPOINT_SG_DENIED",
                _ => "SG_INGRESS_DENIED",
            });
        }
        match n.owner {
            EniOwner::Endpoint(ep) => {
                self.endpoint_policy(ep.ix())?;
                self.replies()
            }
            EniOwner::Resource(r) => {
                let listens = self.sc.resources[r.ix()].listen.iter().any(|l| {
                    l.protocol.matches(self.proto)
                        && (!has_ports(self.proto) || l.ports.contains(self.port))
                });
                if listens {
                    self.replies()
                } else {
                    Err("NOT_LISTENING")
                }
            }
            EniOwner::Function(_) | EniOwner::Nat(_) => Err("NOT_LISTENING"),
        }
    }

    /// The public side: endpoints, the internet, hosts, and public IPs of
    /// resources, entered through their VPC's internet gateway (rule 10).
    fn internet(&mut self, from: Addr, goal: Goal) -> Step {
        match goal {
            Goal::Service(_) | Goal::Internet => self.replies(),
            Goal::Host(h) => {
                let host = &self.sc.external_hosts[h];
                let listens = host.listen.is_empty()
                    || host.listen.iter().any(|l| {
                        l.protocol.matches(self.proto)
                            && (!has_ports(self.proto) || l.ports.contains(self.port))
                    });
                if listens {
                    self.replies()
                } else {
                    Err("NOT_LISTENING")
                }
            }
            Goal::Public(eni) => {
                let n = &self.sc.enis[eni];
                let subnet = n.subnet.ix();
                let vpc = self.vpc_of_subnet(subnet);
                if self.sc.vpcs[vpc].internet_gateway.is_none() {
                    return Err("NO_ROUTE");
                }
                // The reply leaves through the subnet's table: it must lead to the IGW.
                let table = self.sc.subnets[subnet].route_table.ix();
                let back = self.lookup(table, from).map(|r| r.target);
                if !matches!(back, Some(Target::Igw(_))) {
                    return Err("NO_RETURN_ROUTE");
                }
                self.nacl(subnet, true, from, PortRange::single(self.port))?;
                self.legs.push((subnet, false, from));
                // Group references never match traffic from a public address.
                self.arrive(
                    eni,
                    Peer {
                        addr: from,
                        groups: &[],
                    },
                )
            }
            Goal::Private(_) => Err("PRIVATE_ADDRESS_FROM_INTERNET"),
            Goal::Literal(ip) => {
                if Addr::of(ip).is_v4_private(self.sc) {
                    Err("PRIVATE_ADDRESS_FROM_INTERNET")
                } else {
                    self.replies()
                }
            }
        }
    }

    fn endpoint_policy(&self, ep: usize) -> Step {
        let p = &self.sc.endpoints[ep].policy;
        for pattern in &p.deny {
            if wildcard(pattern, &self.action) {
                return Err("ENDPOINT_POLICY_DENIED");
            }
        }
        match &p.allow {
            None => Ok(()),
            Some(list) => {
                if list.iter().any(|pattern| wildcard(pattern, &self.action)) {
                    Ok(())
                } else {
                    Err("ENDPOINT_POLICY_DENIED")
                }
            }
        }
    }

    /// Rule 17: the reply crosses the same NACLs in reverse, to the
    /// client's ephemeral ports; security groups are stateful (rule 16).
    fn replies(&mut self) -> Step {
        self.replying = true;
        let legs = std::mem::take(&mut self.legs);
        let ports = if has_ports(self.proto) {
            EPHEMERAL
        } else {
            PortRange { lo: 0, hi: 65535 }
        };
        for &(subnet, inbound, remote) in legs.iter().rev() {
            self.nacl(subnet, inbound, remote, ports)?;
        }
        self.replying = false;
        Ok(())
    }

    // ------------------------------------------------------------- filters

    /// Rule 16: does any rule of any group allow the packet? Group
    /// references match by membership of the other end's ENI.
    fn groups_allow(&self, groups: &[SgId], inbound: bool, other: Peer) -> bool {
        for g in groups {
            let sg = &self.sc.security_groups[g.ix()];
            let rules = if inbound { &sg.ingress } else { &sg.egress };
            for r in rules {
                if !r.protocol.matches(self.proto) {
                    continue;
                }
                if has_ports(self.proto) && !r.ports.contains(self.port) {
                    continue;
                }
                let hit = match r.peer {
                    SgPeer::Cidr(c) => other.addr.in_cidr(&c),
                    SgPeer::Sg(x) => other.groups.contains(&x),
                    SgPeer::PrefixList(s) => other.addr == Addr::Service(s.ix()),
                };
                if hit {
                    return true;
                }
            }
        }
        false
    }

    /// Rule 17: rules by ascending number, first match wins, implicit deny.
    /// For a port range every port must be allowed.
    fn nacl(&self, subnet: usize, inbound: bool, remote: Addr, ports: PortRange) -> Step {
        let acl = &self.sc.network_acls[self.sc.subnets[subnet].network_acl.ix()];
        let mut rules: Vec<&awsreach_model::NaclRule> = if inbound {
            acl.ingress.iter().collect()
        } else {
            acl.egress.iter().collect()
        };
        rules.sort_by_key(|r| r.number);
        // The decision only changes at rule boundaries: try one port per piece.
        let mut probes = vec![ports.lo];
        if has_ports(self.proto) {
            for r in &rules {
                for p in [Some(r.ports.lo), r.ports.hi.checked_add(1)]
                    .into_iter()
                    .flatten()
                {
                    if p > ports.lo && p <= ports.hi {
                        probes.push(p);
                    }
                }
            }
        }
        for p in probes {
            let mut allowed = false;
            for r in &rules {
                let port_ok = !has_ports(self.proto) || r.ports.contains(p);
                if r.protocol.matches(self.proto) && port_ok && remote.in_cidr(&r.cidr) {
                    allowed = r.action == RuleAction::Allow;
                    break;
                }
            }
            if !allowed {
                return Err(if self.replying {
                    "NACL_RETURN_DENIED"
                } else if inbound {
                    "NACL_INBOUND_DENIED"
                } else {
                    "NACL_OUTBOUND_DENIED"
                });
            }
        }
        Ok(())
    }
}

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
