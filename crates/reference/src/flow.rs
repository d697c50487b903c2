//! Network flows: where a packet is headed, the route table's choice,
//! gateways (internet, NAT, peering, transit) and delivery.

use std::net::IpAddr;

use awsreach_model::net::PortRange;
use awsreach_model::{EniOwner, RouteDest, SgId, Target};

use crate::{Addr, Cx, End, Goal, Peer, Sender, Step, has_ports};

impl<'s> Cx<'s> {
    pub(crate) fn flow_from(&mut self, from: End, to: End) -> Step {
        // An IPv6 flow needs an IPv6 address at both ends.
        if self.v6 && (self.v4_only(to, true) || self.v4_only(from, false)) {
            return Err("NO_IPV6");
        }
        let anywhere = if self.v6 {
            Addr::Anywhere6
        } else {
            Addr::Anywhere
        };
        match from {
            End::Resource(r) => {
                let sender = self.eni_sender(self.sc.resources[r].eni.ix());
                self.resolve_host(Some(sender), to)?;
                let goal = self.goal(Some(sender), to);
                self.send(sender, goal, 0)
            }
            End::Function(f) => match &self.sc.functions[f].vpc {
                Some(v) => {
                    // Any ENI may carry the call: one that is blocked
                    // decides; one whose answer is unknown only when none is.
                    let mut unknown = None;
                    for eni in &v.enis {
                        self.legs.clear();
                        let sender = self.eni_sender(eni.ix());
                        let r = self.resolve_host(Some(sender), to).and_then(|()| {
                            let goal = self.goal(Some(sender), to);
                            self.send(sender, goal, 0)
                        });
                        match r {
                            Err(c) if c.starts_with("UNKNOWN_") => {
                                unknown.get_or_insert(c);
                            }
                            Err(c) => return Err(c),
                            Ok(()) => {}
                        }
                    }
                    unknown.map_or(Ok(()), Err)
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
                let from = self.sc.external_hosts[h]
                    .ip
                    .map_or(Addr::Unknown(h), Addr::of);
                self.internet(from, goal)
            }
            End::Internet => {
                let goal = self.goal(None, to);
                self.internet(anywhere, goal)
            }
            End::FunctionEni(_, eni) => {
                let sender = self.eni_sender(eni);
                self.resolve_host(Some(sender), to)?;
                let goal = self.goal(Some(sender), to);
                self.send(sender, goal, 0)
            }
            End::Ip(ip) => {
                let goal = self.goal(None, to);
                match self.eni_holding(ip) {
                    Some(eni) => {
                        let sender = self.eni_sender(eni);
                        self.resolve_host(Some(sender), to)?;
                        let goal = self.goal(Some(sender), to);
                        self.send(sender, goal, 0)
                    }
                    None => self.internet(Addr::of(ip), goal),
                }
            }
            End::Service(_) | End::Trigger(_) => unreachable!("refused in evaluate"),
        }
    }

    /// Rule 26: a host called by its hostname is resolved by the sender
    /// VPC's resolver, which answers nothing with DNS support off.
    fn resolve_host(&self, sender: Option<Sender<'s>>, to: End) -> Step {
        if let (true, End::Host(_), Some(s)) = (self.by_name, to, sender)
            && !self.sc.vpcs[self.vpc_of_subnet(s.subnet)].dns_support
        {
            return Err("DNS_RESOLUTION_DISABLED");
        }
        Ok(())
    }

    /// Rule 26: would a route to a public block, other than the one
    /// `0.0.0.0/0` picks, decide for an address the scenario lacks?
    pub(crate) fn route_depends(&self, table: usize, addr: Addr) -> bool {
        if !matches!(addr, Addr::Unknown(_)) {
            return false;
        }
        let chosen = self.lookup(table, addr).map(|r| r.target);
        self.sc.route_tables[table].routes.iter().any(|r| {
            matches!(r.dest, RouteDest::Cidr(c) if crate::public_block(&c))
                && Some(r.target) != chosen
        })
    }

    /// Which address of the destination the sender uses.
    pub(crate) fn goal(&self, sender: Option<Sender<'s>>, to: End) -> Goal {
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
                if self.v6 {
                    Goal::Ipv6(eni)
                } else if private || n.public_ip.is_none() {
                    Goal::Private(eni)
                } else {
                    Goal::Public(eni)
                }
            }
            End::Host(h) => Goal::Host(h),
            End::Service(s) => Goal::Service(s),
            End::Internet => Goal::Internet,
            End::Ip(ip) => {
                if let IpAddr::V6(a) = ip {
                    for (i, n) in self.sc.enis.iter().enumerate() {
                        if n.ipv6 == Some(a) {
                            return Goal::Ipv6(i);
                        }
                    }
                }
                if let IpAddr::V4(a) = ip {
                    for (i, n) in self.sc.enis.iter().enumerate() {
                        if n.public_ip == Some(a) {
                            return Goal::Public(i);
                        }
                    }
                }
                for (i, h) in self.sc.external_hosts.iter().enumerate() {
                    if h.ip == Some(ip) {
                        return Goal::Host(i);
                    }
                }
                // A private address an ENI of the sender's VPC holds is that
                // ENI (as named by id); elsewhere the routes decide.
                if let (IpAddr::V4(a), Some(s)) = (ip, sender) {
                    let own = self.vpc_of_subnet(s.subnet);
                    for (i, n) in self.sc.enis.iter().enumerate() {
                        if n.private_ip == a && self.vpc_of_subnet(n.subnet.ix()) == own {
                            return Goal::Private(i);
                        }
                    }
                }
                Goal::Literal(ip)
            }
            End::Function(_) | End::Trigger(_) | End::FunctionEni(..) => {
                unreachable!("not a flow destination")
            }
        }
    }

    pub(crate) fn goal_addr(&self, g: Goal) -> Addr {
        match g {
            Goal::Private(e) => Addr::V4(self.sc.enis[e].private_ip),
            Goal::Public(e) => {
                let n = &self.sc.enis[e];
                Addr::V4(n.public_ip.unwrap_or(n.private_ip))
            }
            Goal::Host(h) => self.sc.external_hosts[h]
                .ip
                .map_or(Addr::Unknown(h), Addr::of),
            Goal::Service(s) => Addr::Service(s),
            Goal::Internet if self.v6 => Addr::Anywhere6,
            Goal::Internet => Addr::Anywhere,
            Goal::Literal(ip) => Addr::of(ip),
            Goal::Ipv6(e) => Addr::V6(self.sc.enis[e].ipv6.expect("checked in flow_from")),
        }
    }

    /// Rule 9: the most specific route for `addr`, scanning every route.
    /// A service's prefix list is more specific than `0.0.0.0/0`; on a tie
    /// the earlier route (the implicit `local` ones come first) wins.
    pub(crate) fn lookup(&self, table: usize, addr: Addr) -> Option<&'s awsreach_model::Route> {
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
    pub(crate) fn send(&mut self, sender: Sender<'s>, goal: Goal, depth: usize) -> Step {
        if depth == 0 {
            self.senders.clear();
            self.crossings.clear();
        }
        self.senders.push((sender.subnet, sender.ip));
        let addr = self.goal_addr(goal);
        if addr.is_v6() && sender.ipv6.is_none() {
            return Err("NO_IPV6");
        }
        let (far_eni, far_groups): (Option<usize>, &'s [SgId]) = match goal {
            Goal::Private(e) | Goal::Ipv6(e) => (Some(e), &self.sc.enis[e].security_groups),
            _ => (None, &[]),
        };
        // Rule 16: outbound, a union over the sender's groups.
        if let Some(groups) = sender.groups {
            let remote = Peer {
                addr,
                groups: far_groups,
            };
            if !self.groups_allow(groups, false, remote) {
                if self.groups_depend(groups, false, addr) {
                    return Err("UNKNOWN_ADDRESS");
                }
                return Err("SG_EGRESS_DENIED");
            }
        }
        // Rule 17: NACLs guard the subnet boundary only.
        // An address of the sender's subnet that no ENI holds is still in it.
        let same_subnet = match (far_eni, goal) {
            (Some(e), _) => self.sc.enis[e].subnet.ix() == sender.subnet,
            (None, Goal::Literal(ip)) => self.sc.subnets[sender.subnet].contains(ip),
            (None, _) => false,
        };
        // (A transit gateway sending on from its subnet is a sender like any
        // other here: rule 18.)
        if !same_subnet {
            self.nacl(sender.subnet, false, addr, PortRange::single(self.port))?;
            self.legs.push((sender.subnet, true, addr));
        }
        let table = self.sc.subnets[sender.subnet].route_table.ix();
        if self.route_depends(table, addr) {
            return Err("UNKNOWN_ADDRESS");
        }
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
            addr: self.sender_addr(sender),
            groups: sender.groups.unwrap_or(&[]),
        };
        match route.target {
            Target::Local => self.deliver(vpc, me, goal, same_subnet, None),
            Target::Blackhole => Err("BLACKHOLE_ROUTE"),
            Target::Igw(_) => self.through_igw(sender, goal, addr),
            Target::Nat(n) => self.through_nat(sender, goal, n.ix(), depth),
            // Rules 12 and 15: only the VPC's own traffic, never a transit gateway's.
            Target::Endpoint(_) | Target::Peering(_) if sender.transit => Err("NO_ROUTE"),
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
            Target::TransitGateway(t) => self.through_tgw(sender, me, goal, addr, t.ix(), depth),
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
                    let from = self.sender_addr(sender);
                    self.nacl(next.subnet, true, from, PortRange::single(self.port))?;
                    self.legs.push((next.subnet, false, from));
                }
                if !self.groups_allow(&self.sc.enis[a].security_groups, true, me) {
                    return Err("SG_INGRESS_DENIED");
                }
                if sender.transit {
                    self.crossing_replies(next.subnet)?;
                }
                if self.senders.contains(&(next.subnet, next.ip)) {
                    return Err("ROUTING_LOOP");
                }
                self.send(next, goal, depth + 1)
            }
        }
    }

    /// An end with only an IPv4 address: a host or literal, or (as the
    /// destination) a resource without an IPv6 address; ENIs that send are
    /// checked where they send.
    fn v4_only(&self, end: End, destination: bool) -> bool {
        match end {
            End::Ip(ip) => ip.is_ipv4(),
            End::Host(h) => self.sc.external_hosts[h].ip.is_some_and(|ip| ip.is_ipv4()),
            End::Resource(r) => {
                destination && self.sc.enis[self.sc.resources[r].eni.ix()].ipv6.is_none()
            }
            _ => false,
        }
    }

    /// The sender's address on this flow: IPv6 on an IPv6 flow.
    fn sender_addr(&self, sender: Sender<'s>) -> Addr {
        match (self.v6, sender.ipv6) {
            (true, Some(a)) => Addr::V6(a),
            _ => Addr::V4(sender.ip),
        }
    }

    /// Rule 10: the internet gateway translates 1:1 and needs a public IPv4.
    pub(crate) fn through_igw(&mut self, sender: Sender<'s>, goal: Goal, addr: Addr) -> Step {
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
    pub(crate) fn through_nat(
        &mut self,
        sender: Sender<'s>,
        goal: Goal,
        n: usize,
        depth: usize,
    ) -> Step {
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
        let from = self.sender_addr(sender);
        self.nacl(nat.subnet.ix(), true, from, PortRange::single(self.port))?;
        self.legs.push((nat.subnet.ix(), false, from));
        if sender.transit {
            self.crossing_replies(nat.subnet.ix())?;
        }
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
            transit: false,
        };
        self.send(me, goal, depth + 1)
    }

    /// Rule 15: into the peer VPC, which must hold the destination and
    /// route the reply back the same way.
    pub(crate) fn across(
        &mut self,
        me: Peer<'s>,
        goal: Goal,
        addr: Addr,
        other: usize,
        via: Target,
    ) -> Step {
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
    pub(crate) fn deliver(
        &mut self,
        vpc: usize,
        me: Peer<'s>,
        goal: Goal,
        same_subnet: bool,
        via: Option<Target>,
    ) -> Step {
        let mut eni = match goal {
            Goal::Private(e) | Goal::Public(e) | Goal::Ipv6(e) => Some(e),
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
        if let Some(Target::TransitGateway(_)) = via {
            let entry = self.pending.map(|p| p.4);
            self.crossing_replies(subnet)?;
            // Rule 18: from the gateway's interface to the ENI. One subnet:
            // no NACL now; the reply meets its outbound rules (to the
            // source) and its inbound rules (from the replier). Two: the
            // interface's subnet, outbound, then the ENI's as usual.
            let to = self.goal_addr(goal);
            if entry == Some(subnet) {
                self.legs.push((subnet, true, to));
                self.legs.push((subnet, false, me.addr));
                return self.arrive(eni, me);
            }
            if let Some(entry) = entry {
                self.nacl(entry, false, to, PortRange::single(self.port))?;
                self.legs.push((entry, true, to));
            }
        } else if let Some(via) = via {
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

    /// A connection from the internet (`from`) entering `eni`'s subnet
    /// through the internet gateway: the subnet's NACL, the reply's leg,
    /// then the ENI. Group references never match traffic from a public
    /// address.
    fn enter_from_internet(&mut self, subnet: usize, eni: usize, from: Addr) -> Step {
        self.nacl(subnet, true, from, PortRange::single(self.port))?;
        self.legs.push((subnet, false, from));
        self.arrive(
            eni,
            Peer {
                addr: from,
                groups: &[],
            },
        )
    }

    /// At the destination ENI: its groups, then what listens.
    pub(crate) fn arrive(&mut self, eni: usize, me: Peer<'s>) -> Step {
        let n = &self.sc.enis[eni];
        // NAT gateways have no security groups (rule 11: they only take
        // replies to their own sessions, so NAT_INBOUND_UNSOLICITED below).
        let nat = matches!(n.owner, EniOwner::Nat(_));
        if !nat && !self.groups_allow(&n.security_groups, true, me) {
            if self.groups_depend(&n.security_groups, true, me.addr) {
                return Err("UNKNOWN_ADDRESS");
            }
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
            // Rule 11: a NAT gateway admits only replies to connections it opened.
            EniOwner::Nat(_) => Err("NAT_INBOUND_UNSOLICITED"),
            EniOwner::Function(_) => Err("NOT_LISTENING"),
        }
    }

    /// The public side: endpoints, the internet, hosts, and public IPs of
    /// resources, entered through their VPC's internet gateway (rule 10).
    pub(crate) fn internet(&mut self, from: Addr, goal: Goal) -> Step {
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
                if self.route_depends(table, from) {
                    return Err("UNKNOWN_ADDRESS");
                }
                let back = self.lookup(table, from).map(|r| r.target);
                if !matches!(back, Some(Target::Igw(_))) {
                    return Err("NO_RETURN_ROUTE");
                }
                self.enter_from_internet(subnet, eni, from)
            }
            Goal::Private(_) => Err("PRIVATE_ADDRESS_FROM_INTERNET"),
            // Rule 24: IPv6 in through the internet gateway, untranslated;
            // an egress-only gateway admits no connection from outside.
            Goal::Ipv6(eni) => {
                let n = &self.sc.enis[eni];
                let subnet = n.subnet.ix();
                let vpc = self.vpc_of_subnet(subnet);
                let table = self.sc.subnets[subnet].route_table.ix();
                let back = self.lookup(table, from).map(|r| r.target);
                if matches!(back, Some(Target::EgressOnlyIgw(_))) {
                    return Err("EGRESS_ONLY_IGW_INBOUND");
                }
                if self.sc.vpcs[vpc].internet_gateway.is_none() {
                    return Err("NO_ROUTE");
                }
                if !matches!(back, Some(Target::Igw(_))) {
                    return Err("NO_RETURN_ROUTE");
                }
                self.enter_from_internet(subnet, eni, from)
            }
            Goal::Literal(ip) if ip.is_ipv6() && self.sc.vpcs.iter().any(|v| v.contains(ip)) => {
                Err("DESTINATION_UNKNOWN")
            }
            Goal::Literal(ip) => {
                if Addr::of(ip).is_v4_private(self.sc) {
                    Err("PRIVATE_ADDRESS_FROM_INTERNET")
                } else {
                    self.replies()
                }
            }
        }
    }
}
