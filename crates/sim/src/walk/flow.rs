//! A packet leaving an ENI: the sender's security groups, its subnet's
//! NACL and route table, and the route's target (appliances hand the
//! packet on; see `gateways` for the rest).

use std::net::IpAddr;

use awsreach_model::*;
use ipnet::IpNet;

use super::*;
use crate::code::Code;
use crate::engine::{Addr, Node};
use crate::fix::{Fix, Remedy, RuleDirection};
use crate::hop::{At, HopKind};
use crate::trace::Decision;

impl<'e, S: Sink> Walk<'e, S> {
    pub(crate) fn flow_from(&mut self, from: Node, to: Node) -> Step {
        // Rule 24: an IPv6 flow needs an IPv6 address at both ends.
        if self.v6
            && let Some(end) = awsreach_model::probe::v4_only_end(self.sc, from, to)
        {
            let kind = if matches!(end, Node::Resource(_)) {
                HopKind::Eni
            } else {
                HopKind::Host
            };
            let dst = end == to;
            return Err(
                self.block(Code::NoIpv6, kind, At::NoIpv6End { end, dst }, |w| {
                    let name = w.e.node_name(end);
                    let mut why = if dst {
                        format!("{name} has no IPv6 address, so nothing reaches it over IPv6")
                    } else {
                        format!("{name} has no IPv6 address, so it sends nothing over IPv6")
                    };
                    let (fixes, needs) = match end {
                        Node::Resource(r) => w.assign_ipv6_fixes(r),
                        _ => (Vec::new(), None),
                    };
                    why.extend(needs);
                    (why, fixes)
                }),
            );
        }
        match from {
            Node::Resource(r) => {
                let src = self.src_of_eni(self.sc.resources[r.ix()].eni);
                self.flow_named(&src, to)
            }
            Node::FunctionEni(_, e) => {
                let src = self.src_of_eni(e);
                self.flow_named(&src, to)
            }
            Node::Function(f) if self.sc.functions[f.ix()].vpc.is_some() => {
                self.each_function_eni(f, &|w, src| w.flow_named(&src, to), &|w, src| {
                    w.flow_named(&src, to)
                })
            }
            Node::Function(f) => {
                let dst = self.dst_for(None, to);
                hop!(
                    self,
                    HopKind::LambdaNetwork,
                    Decision::Pass,
                    At::OutsideVpc {
                        function: f,
                        flow: true
                    }
                );
                self.host_dns(None, to)?;
                if self.dst_addr(dst).is_v6() {
                    // Rule 8: non-VPC functions have no outbound IPv6.
                    let name: &'e str = &self.sc.functions[f.ix()].name;
                    return Err(self.block(Code::NoIpv6, HopKind::LambdaNetwork, At::OutsideVpcNoIpv6, |w| {
                        (format!("{name} runs outside any VPC, where functions have no outbound IPv6"), w.ipv6_attach_fix(name))
                    }));
                }
                self.internet(Addr::Internet, dst)
            }
            Node::Host(h) => {
                let host = &self.sc.external_hosts[h.ix()];
                hop!(
                    self,
                    HopKind::Host,
                    Decision::Info,
                    At::HostOnInternet { host: h }
                );
                self.host_dns(None, to)?;
                let dst = self.dst_for(None, to);
                let from = host.ip.map_or(Addr::Unresolved(h), Addr::from_ip);
                self.internet(from, dst)
            }
            Node::Internet => {
                hop!(
                    self,
                    HopKind::Internet,
                    Decision::Info,
                    At::InternetClient { ipv6: self.v6 }
                );
                self.host_dns(None, to)?;
                let dst = self.dst_for(None, to);
                let me = if self.v6 {
                    Addr::Internet6
                } else {
                    Addr::Internet
                };
                self.internet(me, dst)
            }
            Node::Ip(ip) => {
                if let Some(eni) = self.sending_eni(ip) {
                    let src = self.src_of_eni(eni);
                    return self.flow_named(&src, to);
                }
                let dst = self.dst_for(None, to);
                self.flow_from_ip(ip, dst)
            }
            Node::Service(_) | Node::Trigger(_) => {
                unreachable!("rejected when the probe was built")
            }
        }
    }

    /// A flow from an ENI to `to`: DNS first when the destination is a
    /// host called by its hostname (rule 26), then the packet.
    fn flow_named(&mut self, src: &Src<'e>, to: Node) -> Step {
        let dst = self.dst_for(Some(src), to);
        if self.by_name && matches!(to, Node::Host(_)) {
            self.src_hop(src);
            self.host_dns(Some(src), to)?;
            return self.flow(src, dst, false);
        }
        self.flow(src, dst, true)
    }

    /// A literal source address: an ENI's address if one holds it, else a host on the internet.
    pub(crate) fn flow_from_ip(&mut self, ip: IpAddr, dst: Dst) -> Step {
        if let Some(eni) = self.sending_eni(ip) {
            let src = self.src_of_eni(eni);
            return self.flow(&src, dst, true);
        }
        hop!(self, HopKind::Host, Decision::Info, At::IpOnInternet { ip });
        self.internet(Addr::from_ip(ip), dst)
    }

    /// The ENI that sends from a literal source address: one that holds it
    /// and is not an endpoint's (endpoint ENIs never send).
    pub(crate) fn sending_eni(&self, ip: IpAddr) -> Option<EniId> {
        awsreach_model::probe::eni_holding(self.sc, ip)
            .filter(|e| !matches!(self.sc.enis[e.ix()].owner, EniOwner::Endpoint(_)))
    }

    /// Which address of a destination a source uses: the private address
    /// from inside the VPC or over peering/transit, else the public one.
    pub(crate) fn dst_for(&self, src: Option<&Src<'e>>, to: Node) -> Dst {
        match to {
            Node::Resource(r) => {
                let eni = self.sc.resources[r.ix()].eni;
                let n = &self.sc.enis[eni.ix()];
                let dvpc = self.sc.subnet_vpc(n.subnet);
                let private = match src {
                    None => false,
                    Some(s) => {
                        let svpc = self.sc.subnet_vpc(s.subnet);
                        svpc == dvpc || {
                            let t = self.table_of(s.subnet);
                            self.e.lpm[t.ix()]
                                .lookup(Addr::V4(n.private_ip))
                                .is_some_and(|ri| {
                                    let r = &self.sc.route_tables[t.ix()].routes[ri as usize];
                                    !matches!(r.dest, RouteDest::Cidr(c) if c.prefix_len() == 0)
                                })
                        }
                    }
                };
                if self.v6 {
                    // Rule 24: IPv6 addresses are global, one address from anywhere.
                    Dst::Eni6(eni)
                } else if private || n.public_ip.is_none() {
                    Dst::Eni(eni)
                } else {
                    Dst::PublicIp(eni)
                }
            }
            Node::Host(h) => Dst::Host(h),
            Node::Service(s) => Dst::Svc(s),
            Node::Internet => Dst::Internet,
            Node::Ip(IpAddr::V4(a)) => {
                if let Some(e) = self.e.eni_by_public.get(&a) {
                    return Dst::PublicIp(*e);
                }
                if let Some(h) = self.e.host_by_ip.get(&IpAddr::V4(a)) {
                    return Dst::Host(*h);
                }
                // A private address an ENI of the source's own VPC holds is
                // that ENI, as when it is named by id (same groups, same
                // subnet, same NACLs). Elsewhere the routes decide which VPC
                // the address is in (private addresses repeat across VPCs),
                // at delivery; from the internet it is never reached.
                if let Some(s) = src
                    && let Some(e) = self.e.eni_by_ip.get(&(self.sc.subnet_vpc(s.subnet), a))
                {
                    return Dst::Eni(*e);
                }
                Dst::Ip(IpAddr::V4(a))
            }
            Node::Ip(IpAddr::V6(a)) => {
                // Rules 23 and 24: an IPv6 address an ENI holds is that ENI.
                if let Some(e) = self.e.eni_by_ipv6.get(&a) {
                    return Dst::Eni6(*e);
                }
                self.e
                    .host_by_ip
                    .get(&IpAddr::V6(a))
                    .map(|h| Dst::Host(*h))
                    .unwrap_or(Dst::Ip(IpAddr::V6(a)))
            }
            Node::Function(_) | Node::Trigger(_) | Node::FunctionEni(..) => {
                unreachable!("not a flow destination")
            }
        }
    }

    pub(crate) fn dst_addr(&self, d: Dst) -> Addr {
        match d {
            Dst::Eni(e) => Addr::V4(self.sc.enis[e.ix()].private_ip),
            Dst::PublicIp(e) => Addr::V4(
                self.sc.enis[e.ix()]
                    .public_ip
                    .unwrap_or(self.sc.enis[e.ix()].private_ip),
            ),
            Dst::Host(h) => self.sc.external_hosts[h.ix()]
                .ip
                .map_or(Addr::Unresolved(h), Addr::from_ip),
            Dst::Svc(s) => Addr::Svc(s),
            Dst::Internet if self.v6 => Addr::Internet6,
            Dst::Internet => Addr::Internet,
            Dst::Eni6(e) => Addr::V6(
                self.sc.enis[e.ix()]
                    .ipv6
                    .expect("an IPv6 destination ENI has an IPv6 address"),
            ),
            Dst::Ip(ip) => Addr::from_ip(ip),
        }
    }

    pub(crate) fn dst_eni(d: Dst) -> Option<EniId> {
        match d {
            Dst::Eni(e) | Dst::Eni6(e) => Some(e),
            _ => None,
        }
    }

    /// The packet leaves `src` (shown first when `show_src`) and is handed
    /// on by forwarding appliances and NAT gateways until it arrives or
    /// stops. A loop, not recursion: a straight chain is as long as the
    /// scenario makes it. A loop in the routes is found by the state that
    /// repeats: a sender (the route's next hop) that already sent this
    /// packet would send it the same way again (`ROUTING_LOOP`).
    pub(crate) fn flow(&mut self, src: &Src<'e>, dst: Dst, show_src: bool) -> Step {
        if show_src {
            self.src_hop(src);
        }
        self.senders.clear();
        let mut cur = *src;
        loop {
            self.senders.push(cur.what);
            match self.flow_leg(&cur, dst)? {
                Next::Arrived => return Ok(()),
                Next::Forward(next) => cur = next,
            }
        }
    }

    /// True when `next` already sent this packet: handing it on would repeat
    /// the walk from there forever.
    pub(crate) fn loops_back(&self, next: SrcKind) -> bool {
        self.senders.iter().any(|s| s == next)
    }

    /// The routing-loop block at the sender that repeats; `src` is the
    /// sender whose route closes the loop.
    pub(crate) fn routing_loop(
        &mut self,
        (kind, name, again): (HopKind, &'e str, SrcKind),
        src: &Src<'e>,
        dst: Dst,
        daddr: Addr,
    ) -> Block {
        self.block(
            Code::RoutingLoop,
            kind,
            At::Loop { sender: again },
            |w| {
                (
                    format!(
                        "the routes send the packet back to {name}, which already forwarded it: it would circle between {} forever",
                        w.loop_names(again)
                    ),
                    w.loop_fixes(src, dst, daddr),
                )
            },
        )
    }

    /// One sender's leg: security group, NACL, route table, target.
    fn flow_leg(&mut self, src: &Src<'e>, dst: Dst) -> Result<Next<'e>, Block> {
        let daddr = self.dst_addr(dst);
        if daddr.is_v6() && src.ipv6.is_none() {
            return Err(self.block(
                Code::NoIpv6,
                HopKind::Eni,
                At::NoIpv6 { sender: src.what },
                |w| {
                    let mut why_more = None;
                    let fixes = match src.what {
                        // Dual stack gives an IPv6 address only in subnets that
                        // have an IPv6 CIDR (rule 8); otherwise move the function
                        // to one (found by `awsreach fuzz`, fix-sound).
                        SrcKind::Function(f) => {
                            let name = w.sc.functions[f.ix()].name.clone();
                            let enable = Fix::EnableFunctionIpv6 {
                                function: name.clone(),
                            };
                            let v = w.sc.functions[f.ix()].vpc.as_ref().expect("a VPC function");
                            let dual = |s: &SubnetId| w.sc.subnets[s.ix()].ipv6_cidr.is_some();
                            let v6_out = |s: &SubnetId| {
                                w.sc.route_tables[w.table_of(*s).ix()].routes.iter().any(|r| {
                                    matches!(r.dest, RouteDest::Cidr(IpNet::V6(n)) if n.prefix_len() == 0)
                                })
                            };
                            let vpc_subnets = &w.sc.vpcs[v.vpc.ix()].subnets;
                            let target = vpc_subnets
                                .iter()
                                .find(|s| dual(s) && v6_out(s))
                                .or_else(|| vpc_subnets.iter().find(|s| dual(s)));
                            if v.subnets.iter().all(dual) {
                                vec![Remedy::one(enable)]
                            } else if let Some(s) = target {
                                vec![Remedy {
                                    steps: vec![
                                        Fix::MoveFunction {
                                            function: name,
                                            subnets: vec![w.subnet_name(*s).to_string()],
                                        },
                                        enable,
                                    ],
                                }]
                            } else {
                                Vec::new()
                            }
                        }
                        _ => {
                            let (fixes, needs) = w.sender_ipv6_fixes(src);
                            why_more = needs;
                            fixes
                        }
                    };
                    let mut why = format!(
                        "{} has no IPv6 address, so it cannot reach {}",
                        src.name,
                        daddr.show(w.sc)
                    );
                    why.extend(why_more);
                    (why, fixes)
                },
            ));
        }
        let dst_sgs: &[SgId] = match Self::dst_eni(dst) {
            Some(e) => &self.sc.enis[e.ix()].security_groups,
            None => &[],
        };
        // Rule 16: security groups, outbound (allow-only, a union over the ENI's groups).
        if let Some(sgs) = src.sgs {
            let remote = Seen {
                addr: daddr,
                sgs: dst_sgs,
                name: "",
                src_sg_first: None,
            };
            match self.sg_match(sgs, RuleDirection::Egress, remote) {
                Some((g, i)) => {
                    hop!(
                        self,
                        HopKind::SecurityGroup,
                        Decision::Pass,
                        At::SgOut {
                            sg: g,
                            rule: i as u32,
                            proto: self.proto,
                            port: self.port,
                            to: daddr,
                        }
                    );
                }
                None => {
                    self.sg_known(sgs)?;
                    self.sg_peer_known(sgs, Self::dst_eni(dst))?;
                    self.sg_address_known(sgs, RuleDirection::Egress, daddr)?;
                    let at = At::SgOutDenied {
                        groups: src.groups.expect("a sender with groups names them"),
                        proto: self.proto,
                        port: self.port,
                        to: daddr,
                    };
                    return Err(self.block(
                        Code::SgEgressDenied,
                        HopKind::SecurityGroup,
                        at,
                        |w| {
                            let g = sgs[0];
                            // A destination of unknown placement is named
                            // by its address: its listed groups may be wrong.
                            let known = Self::dst_eni(dst)
                                .is_none_or(|e| w.eni_lacks_placement(e).is_none());
                            let peer = w.peer_for(daddr, if known { dst_sgs } else { &[] }, g);
                            (
                                format!(
                                    "no outbound rule of {}'s security groups ({}) allows {} to {}",
                                    src.name,
                                    w.sg_names(sgs),
                                    ports_str(w.proto, w.port),
                                    daddr.show(w.sc)
                                ),
                                vec![Remedy::one(w.sg_fix(g, RuleDirection::Egress, peer))],
                            )
                        },
                    ));
                }
            }
        }
        // An address of the sender's own subnet that no ENI holds (it would
        // have been that ENI) is still within the subnet.
        let same_subnet = match Self::dst_eni(dst) {
            Some(e) => self.sc.enis[e.ix()].subnet == src.subnet,
            None => matches!(dst, Dst::Ip(ip) if self.sc.subnets[src.subnet.ix()].contains(ip)),
        };
        // Rule 17: NACLs sit at the subnet boundary; traffic within a subnet
        // skips them. A transit gateway sending on from its attachment
        // subnet meets that subnet's outbound rules like any sender (rule 18).
        if !same_subnet {
            self.cross_boundary(src.subnet, RuleDirection::Egress, daddr)?;
        }
        // Rule 9: the subnet's table (else the main table), longest prefix match.
        // Traffic within a subnet is never routed elsewhere (no route can
        // send it through an appliance), so a missing table does not matter.
        let table = if same_subnet {
            self.table_of(src.subnet)
        } else {
            self.routes_of(src.subnet, daddr)?
        };
        let Some(ri) = self.e.lpm[table.ix()].lookup(daddr) else {
            return Err(self.no_route(src, dst, daddr, table));
        };
        let route = self.sc.route_tables[table.ix()].routes[ri as usize];
        hop!(
            self,
            HopKind::RouteTable,
            Decision::Pass,
            At::Route {
                table,
                route: ri,
                to: daddr
            }
        );
        let vpc = self.sc.subnet_vpc(src.subnet);
        let seen = Seen {
            addr: self.src_addr(src),
            sgs: src.sgs.unwrap_or(&[]),
            name: src.name,
            src_sg_first: src.sgs.and_then(|s| s.first().copied()),
        };
        let end = match route.target {
            Target::Local => self.deliver(vpc, seen, dst, same_subnet, None),
            Target::Blackhole => Err(self.block(
                Code::BlackholeRoute,
                HopKind::RouteTable,
                At::Blackhole { table },
                |w| {
                    let t = &w.sc.route_tables[table.ix()];
                    (
                        format!(
                            "the route {} in {} is a blackhole, so {} cannot reach {}",
                            w.sc.dest_name(route.dest),
                            t.name,
                            src.name,
                            daddr.show(w.sc)
                        ),
                        w.route_fixes(src, dst, daddr, table, Some(w.sc.dest_name(route.dest))),
                    )
                },
            )),
            Target::Igw(g) => self.via_igw(src, dst, daddr, g),
            Target::Nat(n) => return self.via_nat(src, dst, daddr, n).map(Next::Forward),
            Target::Peering(_) | Target::Endpoint(_) if matches!(src.what, SrcKind::Tgw(..)) => {
                Err(self.not_transitive(src, daddr, route.target))
            }
            Target::Endpoint(ep) => self.via_gateway_endpoint(ep, daddr),
            Target::Peering(p) => {
                let other = self.sc.peerings[p.ix()]
                    .other(vpc)
                    .expect("validated: peering touches this vpc");
                self.across(seen, dst, daddr, other, route.target, || {
                    format!("peering {}", "connection")
                })
            }
            Target::TransitGateway(t) => return self.via_tgw(src, seen, dst, daddr, t),
            Target::EgressOnlyIgw(g) => {
                // Rule 8: IPv6 egress only; IPv4 routes to it are rejected at validation.
                hop!(
                    self,
                    HopKind::EgressOnlyIgw,
                    Decision::Pass,
                    At::EgressOnlyIgw { eigw: g }
                );
                let me = Addr::V6(src.ipv6.expect("checked above"));
                self.internet(me, dst)
            }
            Target::Eni(appliance) => {
                let owner = self.sc.enis[appliance.ix()].owner;
                let forwarding =
                    matches!(owner, EniOwner::Resource(r) if self.sc.resources[r.ix()].forwarding);
                let name: &'e str = self.sc.eni_owner_name(appliance);
                if !forwarding {
                    return Err(self.block(Code::EniNotForwarding, HopKind::Eni, At::NotForwarding { eni: appliance }, |_| {
                        (format!("the route sends the packet to {name}, whose source/destination check is on, so it drops traffic not addressed to it"), vec![Remedy::one(Fix::SetForwarding { resource: name.to_string() })])
                    }));
                }
                self.eni_placement_known(appliance)?;
                let n = &self.sc.enis[appliance.ix()];
                // Rule 17: reaching the appliance crosses its subnet's NACL
                // (and the reply crosses it back).
                if n.subnet != src.subnet {
                    self.cross_boundary(n.subnet, RuleDirection::Ingress, self.src_addr(src))?;
                }
                // Rule 16: the appliance's own groups filter what it receives
                // and, below, what it sends on.
                let sgs: &[SgId] = &n.security_groups;
                match self.sg_match(sgs, RuleDirection::Ingress, seen) {
                    Some((g, i)) => {
                        hop!(
                            self,
                            HopKind::SecurityGroup,
                            Decision::Pass,
                            At::SgIn {
                                sg: g,
                                rule: i as u32,
                                proto: self.proto,
                                port: self.port,
                                from: seen.addr,
                                appliance: true,
                            }
                        );
                    }
                    None => {
                        self.sg_known(sgs)?;
                        let at = At::SgInDenied {
                            eni: appliance,
                            proto: self.proto,
                            port: self.port,
                            from: seen.addr,
                            appliance: true,
                        };
                        return Err(self.block(Code::SgIngressDenied, HopKind::SecurityGroup, at, |w| {
                            let g = sgs[0];
                            let peer = w.ingress_peer(seen, g);
                            (format!("the route sends the packet through {name}, whose security groups ({}) do not admit {} from {}", w.sg_names(sgs), ports_str(w.proto, w.port), seen.name), vec![Remedy::one(w.sg_fix(g, RuleDirection::Ingress, peer))])
                        }));
                    }
                }
                // Rule 18: the appliance answers for a transit gateway crossing.
                if let (SrcKind::Tgw(..), Some(b)) = (src.what, self.tgw_back.take()) {
                    self.tgw_return(b, n.subnet)?;
                }
                let next = self.src_of_eni(appliance);
                if self.loops_back(next.what) {
                    return Err(self.routing_loop(
                        (HopKind::Eni, next.name, next.what),
                        src,
                        dst,
                        daddr,
                    ));
                }
                hop!(
                    self,
                    HopKind::Eni,
                    Decision::Pass,
                    At::Forwards { eni: appliance }
                );
                return Ok(Next::Forward(next));
            }
        };
        end.map(|()| Next::Arrived)
    }

    /// The names of the senders in the loop, from `again` (the one that
    /// repeats) on, for the loop's sentence.
    fn loop_names(&self, again: SrcKind) -> String {
        let names: Vec<&str> = self
            .senders
            .iter()
            .skip_while(|s| *s != again)
            .map(|s| match s {
                SrcKind::Resource(r) => self.sc.resources[r.ix()].name.as_str(),
                SrcKind::Function(f) => self.sc.functions[f.ix()].name.as_str(),
                SrcKind::Poller(t) => self.sc.triggers[t.ix()].name.as_str(),
                SrcKind::Nat(n) => self.sc.nat_gateways[n.ix()].name.as_str(),
                SrcKind::Tgw(g, _) => self.sc.transit_gateways[g.ix()].name.as_str(),
            })
            .collect();
        names.join(", ")
    }

    pub(crate) fn no_route(
        &mut self,
        src: &Src<'e>,
        dst: Dst,
        daddr: Addr,
        table: RouteTableId,
    ) -> Block {
        if matches!(src.what, SrcKind::Nat(_)) && self.is_public_dst(dst) {
            let SrcKind::Nat(n) = src.what else {
                unreachable!()
            };
            return self.nat_no_internet(n, daddr);
        }
        self.block(
            Code::NoRoute,
            HopKind::RouteTable,
            At::NoRoute { table, to: daddr },
            |w| {
                let t = &w.sc.route_tables[table.ix()];
                let mut why = format!(
                    "{} cannot leave subnet {}: its route table {} has no route to {}",
                    src.name,
                    w.subnet_name(src.subnet),
                    t.name,
                    daddr.show(w.sc)
                );
                why.extend(w.ipv6_unjoined(w.sc.subnet_vpc(src.subnet), daddr));
                (why, w.route_fixes(src, dst, daddr, table, None))
            },
        )
    }

    pub(crate) fn is_public_dst(&self, d: Dst) -> bool {
        matches!(
            d,
            Dst::Svc(_) | Dst::Internet | Dst::Host(_) | Dst::PublicIp(_)
        )
    }
}
