//! A hop in words: [`ShowHop`] borrows the scenario and writes a hop's
//! component, detail and rule (the text a trace printed before hops were
//! data, word for word). Nothing here runs unless a hop is shown.

use std::fmt::{self, Display, Formatter};

use awsreach_model::net::{PortRange, Protocol};
use awsreach_model::*;

use super::*;
use crate::engine::Node;
use crate::fix::RuleDirection;
use crate::trace::Decision;

mod detail;
use detail::detail;

/// [`Hop::show`]: a hop with the scenario it names.
#[derive(Clone, Copy)]
pub struct ShowHop<'a> {
    pub(super) hop: &'a Hop,
    pub(super) sc: &'a Scenario,
    pub(super) action: Option<&'a str>,
}

impl<'a> ShowHop<'a> {
    /// The probe's own IAM action (`--api-action`), for endpoint-policy hops.
    pub fn action(mut self, action: Option<&'a str>) -> Self {
        self.action = action;
        self
    }

    /// The component's id, or the AWS-managed segment's name.
    pub fn component(self) -> impl Display + 'a {
        Part(self, 0)
    }

    /// What was checked, in a sentence fragment.
    pub fn detail(self) -> impl Display + 'a {
        Part(self, 1)
    }

    /// The rule or route that decided, when one did.
    pub fn rule(self) -> Option<impl Display + 'a> {
        matches!(
            self.hop.at,
            At::Nacl { rule: Some(_), .. }
                | At::SgOut { .. }
                | At::SgIn { .. }
                | At::Route { .. }
                | At::TgwRoute { .. }
        )
        .then_some(Part(self, 2))
        .filter(|_| self.hop.decision == Decision::Pass)
    }
}

impl Display for ShowHop<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.hop.kind,
            self.component(),
            self.detail()
        )?;
        if let Some(r) = self.rule() {
            write!(f, " [{r}]")?;
        }
        Ok(())
    }
}

/// One column of a shown hop: 0 the component, 1 the detail, 2 the rule.
struct Part<'a>(ShowHop<'a>, u8);

impl Display for Part<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = self.0;
        match self.1 {
            0 => component(s.sc, &s.hop.at, f),
            1 => detail(s.sc, s.hop, s.action, f),
            _ => rule(s.sc, &s.hop.at, f),
        }
    }
}

pub(crate) fn sender_name(sc: &Scenario, s: Sender) -> &str {
    match s {
        Sender::Resource(r) => &sc.resources[r.ix()].name,
        Sender::Function(x) => &sc.functions[x.ix()].name,
        Sender::Poller(t) => &sc.triggers[t.ix()].name,
        Sender::Nat(n) => &sc.nat_gateways[n.ix()].name,
        Sender::Tgw(g, _) => &sc.transit_gateways[g.ix()].name,
    }
}

pub(crate) fn groups_of(sc: &Scenario, g: Groups) -> &[SgId] {
    match g {
        Groups::Eni(e) => &sc.enis[e.ix()].security_groups,
        Groups::Trigger(t) => &sc.triggers[t.ix()].security_groups,
    }
}

pub(crate) fn principal_name(sc: &Scenario, p: Principal) -> &str {
    match p {
        Principal::Resource(r) => &sc.resources[r.ix()].name,
        Principal::Function(x) => &sc.functions[x.ix()].name,
        Principal::Host(h) => &sc.external_hosts[h.ix()].name,
        Principal::Any => "*",
        Principal::Service(s) => &sc.services[s.ix()].principal,
    }
}

pub(crate) fn action_text<'a>(sc: &'a Scenario, a: Action, given: Option<&'a str>) -> &'a str {
    match a {
        Action::Invoke => "lambda:InvokeFunction",
        Action::Service(s) => &sc.services[s.ix()].default_action,
        Action::Given => given.unwrap_or("the probe's action"),
    }
}

fn node_name(sc: &Scenario, n: Node, f: &mut Formatter<'_>) -> fmt::Result {
    match n {
        Node::Function(x) => f.write_str(&sc.functions[x.ix()].name),
        Node::Resource(r) => f.write_str(&sc.resources[r.ix()].name),
        Node::Service(s) => f.write_str(&sc.services[s.ix()].id),
        Node::Trigger(t) => f.write_str(&sc.triggers[t.ix()].name),
        Node::Host(h) => f.write_str(&sc.external_hosts[h.ix()].name),
        Node::Internet => f.write_str("internet"),
        Node::Ip(ip) => write!(f, "{ip}"),
        Node::FunctionEni(x, e) => write!(
            f,
            "{}@{}",
            sc.functions[x.ix()].name,
            sc.subnets[sc.enis[e.ix()].subnet.ix()].name
        ),
    }
}

/// Security group names joined by `, `.
fn sg_list(sc: &Scenario, sgs: &[SgId], f: &mut Formatter<'_>) -> fmt::Result {
    for (i, g) in sgs.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(&sc.security_groups[g.ix()].name)?;
    }
    Ok(())
}

/// `tcp/443`, or `icmp` for a protocol without ports.
pub(crate) struct Ports(pub Protocol, pub PortRange);

impl Display for Ports {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0.has_ports() {
            write!(f, "{}/{}", self.0, self.1)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn port(proto: Protocol, port: u16) -> Ports {
    Ports(proto, PortRange::single(port))
}

fn entity_name(sc: &Scenario, e: EntityRef) -> (&'static str, &str) {
    let noun = match e {
        EntityRef::Subnet(_) => "subnet",
        EntityRef::RouteTable(_) => "route table",
        EntityRef::SecurityGroup(_) => "security group",
        EntityRef::NetworkAcl(_) => "network acl",
        EntityRef::Resource(_) => "resource",
        EntityRef::Function(_) => "function",
        EntityRef::VpcEndpoint(_) => "vpc endpoint",
        EntityRef::TransitGateway(_) => "transit gateway",
        EntityRef::Trigger(_) => "trigger",
        EntityRef::ExternalHost(_) => "external host",
    };
    (noun, sc.entity_name(e))
}

fn component(sc: &Scenario, at: &At, f: &mut Formatter<'_>) -> fmt::Result {
    let name: &str = match *at {
        At::Sender { sender, .. } | At::Loop { sender } | At::NoIpv6 { sender } => {
            sender_name(sc, sender)
        }
        At::Nacl { acl, .. } => &sc.network_acls[acl.ix()].name,
        At::SgOut { sg, .. } | At::SgIn { sg, .. } => &sc.security_groups[sg.ix()].name,
        At::SgOutDenied { groups, .. } => return sg_list(sc, groups_of(sc, groups), f),
        At::SgInDenied { eni, .. } => return sg_list(sc, groups_of(sc, Groups::Eni(eni)), f),
        At::PollerSgDenied { trigger, .. } | At::PollerSgAllowed { trigger, .. } => {
            return sg_list(sc, groups_of(sc, Groups::Trigger(trigger)), f);
        }
        At::Route { table, .. }
        | At::Blackhole { table }
        | At::NoRoute { table, .. }
        | At::NoReturnVia { table, .. }
        | At::NoReturnIgw { table, .. }
        | At::NotTransitive { table, .. } => &sc.route_tables[table.ix()].name,
        At::TgwRoute { tgw, .. }
        | At::TgwBlackhole { tgw, .. }
        | At::TgwNoRoute { tgw, .. }
        | At::TgwNotAttached { tgw, .. }
        | At::TgwNoAttachmentInAz { tgw, .. }
        | At::TgwNotAssociated { tgw, .. }
        | At::TgwReplyLost { tgw, .. }
        | At::TgwReply { tgw, .. } => &sc.transit_gateways[tgw.ix()].name,
        At::EgressOnlyIgw { eigw } | At::EgressOnlyInbound { eigw } => {
            &sc.egress_only_igws[eigw.ix()].name
        }
        At::IgwV6 { igw }
        | At::IgwV6Inbound { igw, .. }
        | At::IgwNat { igw, .. }
        | At::NoPublicIp { igw, .. } => &sc.internet_gateways[igw.ix()].name,
        At::NoIpv6End { end, .. } => return node_name(sc, end, f),
        At::NatTranslates { nat, .. }
        | At::NatOwnSubnet { nat }
        | At::NatUnsolicited { nat }
        | At::NatNoInternet { nat, .. } => &sc.nat_gateways[nat.ix()].name,
        At::Across { via, .. } | At::NotInVpc { via, .. } => {
            return f.write_str(&sc.target_name(via));
        }
        At::NoInterface { vpc, .. }
        | At::NoIgw { vpc }
        | At::DnsOff { vpc, .. }
        | At::HostDnsOff { vpc, .. } => &sc.vpcs[vpc.ix()].name,
        At::NotForwarding { eni } | At::Forwards { eni } | At::NoInbound { eni } => {
            sc.eni_owner_name(eni)
        }
        At::Listens { at, .. } | At::NotListening { at, .. } => match at {
            Listening::Resource(r) => &sc.resources[r.ix()].name,
            Listening::Host(h) => &sc.external_hosts[h.ix()].name,
        },
        At::OutsideVpc { .. } | At::OutsideVpcNoIpv6 => "lambda-managed-network",
        At::HostOnInternet { host } => &sc.external_hosts[host.ix()].name,
        At::IpOnInternet { ip } => return write!(f, "{ip}"),
        At::InternetClient { .. }
        | At::Internet { .. }
        | At::InternetReached
        | At::IpReached { .. }
        | At::PrivateAddress { .. } => "internet",
        At::OwnLogs
        | At::InvokeAllowed { .. }
        | At::InvokeDenied { .. }
        | At::LambdaInvokes { .. } => "lambda-service",
        At::PrivateDns { .. } | At::PublicDns { .. } => "route53-resolver",
        At::HostDns { .. } => "dns",
        At::GatewayEndpoint { endpoint }
        | At::EndpointPolicyAllows { endpoint, .. }
        | At::EndpointPolicyDenies { endpoint, .. } => &sc.endpoints[endpoint.ix()].name,
        At::ServiceReached { service, .. } | At::PushSource { service } => {
            &sc.services[service.ix()].id
        }
        At::Invoked { function } => &sc.functions[function.ix()].name,
        At::NoTrigger { from, .. } => return node_name(sc, from, f),
        At::PollerInVpc { trigger }
        | At::PollerInAws { trigger }
        | At::PollerProvisioned { trigger }
        | At::AlbInvokes { trigger }
        | At::FunctionUrlCall { trigger, .. }
        | At::FunctionUrlUnsigned { trigger } => &sc.triggers[trigger.ix()].name,
        At::Missing { entity, .. } => sc.entity_name(entity),
    };
    f.write_str(name)
}

fn in_out(dir: RuleDirection) -> (&'static str, &'static str) {
    if dir == RuleDirection::Ingress {
        ("inbound", "from")
    } else {
        ("outbound", "to")
    }
}

fn rule(sc: &Scenario, at: &At, f: &mut Formatter<'_>) -> fmt::Result {
    match *at {
        At::Nacl { rule: Some(n), .. } => write!(f, "rule {n} allow"),
        At::SgOut { sg, rule, .. } => sg_rule(sc, sg, RuleDirection::Egress, rule, f),
        At::SgIn { sg, rule, .. } => sg_rule(sc, sg, RuleDirection::Ingress, rule, f),
        At::Route { table, route, .. } => {
            let r = sc.route_tables[table.ix()].routes[route as usize];
            write!(
                f,
                "{} -> {}",
                sc.dest_name(r.dest),
                sc.target_name(r.target)
            )
        }
        At::TgwRoute {
            tgw, table, route, ..
        } => {
            let tg = &sc.transit_gateways[tgw.ix()];
            let t = &tg.route_tables[table as usize];
            let r = t.routes[route as usize];
            write!(
                f,
                "{}: {} -> {} ({})",
                t.name,
                r.dest,
                tg.attachments[r.target.unwrap_or_default()].name,
                if r.propagated { "propagated" } else { "static" }
            )
        }
        _ => Ok(()),
    }
}

fn sg_rule(
    sc: &Scenario,
    g: SgId,
    dir: RuleDirection,
    i: u32,
    f: &mut Formatter<'_>,
) -> fmt::Result {
    let sg = &sc.security_groups[g.ix()];
    let r = if dir == RuleDirection::Ingress {
        sg.ingress[i as usize]
    } else {
        sg.egress[i as usize]
    };
    write!(f, "{}", r.protocol)?;
    if r.protocol.has_ports() {
        write!(f, "/{}", r.ports)?;
    }
    let (_, word) = in_out(dir);
    write!(f, " {word} ")?;
    match r.peer {
        SgPeer::Cidr(n) => write!(f, "{n}"),
        SgPeer::Sg(x) => f.write_str(&sc.security_groups[x.ix()].name),
        SgPeer::PrefixList(s) => write!(f, "pl:{}", sc.services[s.ix()].id),
    }
}

/// A service's hostname `host` (an index into its `hostnames`).
fn service_host(sc: &Scenario, s: ServiceId, host: u16) -> &str {
    let svc = &sc.services[s.ix()];
    svc.hostnames
        .get(host as usize)
        .map_or(svc.hostname.as_str(), |h| h.name.as_str())
}

/// An external host by its address, else its hostname.
struct HostAddr<'a>(&'a Scenario, HostId);

impl Display for HostAddr<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let h = &self.0.external_hosts[self.1.ix()];
        match (h.ip, &h.hostname) {
            (Some(ip), _) => write!(f, "{ip}"),
            (None, Some(n)) => f.write_str(n),
            (None, None) => f.write_str(&h.name),
        }
    }
}
