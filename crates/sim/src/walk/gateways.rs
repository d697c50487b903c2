//! Route targets and arrival: internet and NAT gateways, peering and
//! transit gateways, delivery into a VPC, the destination's security
//! groups and listener, and the public side (the internet).

use std::net::{IpAddr, Ipv4Addr};

use awsreach_model::*;
use ipnet::IpNet;

use super::*;
use crate::code::Code;
use crate::engine::Addr;
use crate::fix::{Fix, Remedy, RuleDirection};
use crate::hop::{At, HopKind, Listening, Via};
use crate::trace::Decision;

impl<'e, S: Sink> Walk<'e, S> {
    /// Rule 10: the IGW translates 1:1 and needs a public address.
    pub(crate) fn via_igw(&mut self, src: &Src<'e>, dst: Dst, daddr: Addr, g: IgwId) -> Step {
        let igw = &self.sc.internet_gateways[g.ix()];
        if daddr.is_v6() {
            hop!(
                self,
                HopKind::InternetGateway,
                Decision::Pass,
                At::IgwV6 { igw: g }
            );
            return self.internet(Addr::V6(src.ipv6.expect("checked")), dst);
        }
        if let SrcKind::Nat(n) = src.what
            && !self.sc.nat_gateways[n.ix()].public
        {
            // Rule 11: a private NAT gateway cannot use an internet gateway.
            return Err(self.nat_no_internet(n, daddr));
        }
        let Some(public) = src.public_ip else {
            return Err(self.block(Code::NoPublicIp, HopKind::InternetGateway, At::NoPublicIp { igw: g, ip: src.ip }, |w| {
                let why = match src.what {
                    SrcKind::Tgw(..) => format!("{} routes traffic from transit gateway attachment {} to {}, but an internet gateway only translates addresses of this VPC's interfaces that have a public IP: the spoke's private source address is dropped (route it through a NAT gateway)", w.subnet_name(src.subnet), src.name, igw.name),
                    SrcKind::Function(_) | SrcKind::Poller(_) => format!("{} sends through {} from subnet {}, but Lambda's ENIs never get a public IP, so the internet gateway drops the packet: a function in a public subnet has no internet access", src.name, igw.name, w.subnet_name(src.subnet)),
                    _ => format!("{} has no public IP, so {} drops its packet (the gateway only translates addresses that have a public IP)", src.name, igw.name),
                };
                (why, w.no_public_ip_fixes(src, dst))
            }));
        };
        hop!(
            self,
            HopKind::InternetGateway,
            Decision::Pass,
            At::IgwNat {
                igw: g,
                from: src.ip,
                to: public
            }
        );
        self.internet(Addr::V4(public), dst)
    }

    /// Rule 11: a NAT gateway translates the source to itself and forwards
    /// through its own subnet's route table; not for its own subnet.
    pub(crate) fn via_nat(
        &mut self,
        src: &Src<'e>,
        dst: Dst,
        daddr: Addr,
        n: NatId,
    ) -> Result<Src<'e>, Block> {
        let nat = &self.sc.nat_gateways[n.ix()];
        // Rule 11: a NAT gateway reaches the internet only through an internet
        // gateway route in its own subnet's table; one whose table sends public
        // traffic to a NAT gateway (itself included) has no internet route.
        if let SrcKind::Nat(m) = src.what
            && self.is_public_dst(dst)
        {
            return Err(self.nat_no_internet(m, daddr));
        }
        if nat.subnet == src.subnet {
            return Err(self.block(Code::NatInSourceSubnet, HopKind::NatGateway, At::NatOwnSubnet { nat: n }, |w| {
                // Replace the route that matched (it may be narrower than 0.0.0.0/0).
                let table = w.table_of(src.subnet);
                let dest = w.e.lpm[table.ix()]
                    .lookup(daddr)
                    .map(|ri| w.sc.dest_name(w.sc.route_tables[table.ix()].routes[ri as usize].dest))
                    .unwrap_or_else(|| "0.0.0.0/0".into());
                (format!("{} routes to {} but sits in the same subnet {}, and a NAT gateway does not serve its own subnet", src.name, nat.name, w.subnet_name(src.subnet)), w.route_fixes(src, dst, daddr, table, Some(dest)))
            }));
        }
        self.cross_boundary(nat.subnet, RuleDirection::Ingress, self.src_addr(src))?;
        // Rule 18: the NAT gateway answers for a transit gateway crossing
        // (centralised egress: its subnet must route the spoke back).
        if let (SrcKind::Tgw(..), Some(b)) = (src.what, self.tgw_back.take()) {
            self.tgw_return(b, nat.subnet)?;
        }
        if self.loops_back(SrcKind::Nat(n)) {
            return Err(self.routing_loop(
                (HopKind::NatGateway, &nat.name, SrcKind::Nat(n)),
                src,
                dst,
                daddr,
            ));
        }
        let eni = &self.sc.enis[nat.eni.ix()];
        hop!(
            self,
            HopKind::NatGateway,
            Decision::Pass,
            At::NatTranslates {
                nat: n,
                from: src.ip
            }
        );
        let me = Src {
            name: &nat.name,
            subnet: nat.subnet,
            ip: eni.private_ip,
            ipv6: None,
            public_ip: nat.elastic_ip,
            sgs: None,
            groups: None,
            what: SrcKind::Nat(n),
        };
        Ok(me)
    }

    /// Rule 11: a NAT gateway that cannot reach the internet for `daddr`.
    pub(crate) fn nat_no_internet(&mut self, n: NatId, daddr: Addr) -> Block {
        let nat = &self.sc.nat_gateways[n.ix()];
        // A NAT gateway already in a public subnet whose table sends this
        // destination elsewhere through a more specific route (rule 9).
        let table = self.table_of(nat.subnet);
        let narrower_at = if nat.public && self.sc.is_public_subnet(nat.subnet) {
            self.e.lpm[table.ix()].lookup(daddr).filter(|ri| {
                !matches!(
                    self.sc.route_tables[table.ix()].routes[*ri as usize].target,
                    Target::Igw(_)
                )
            })
        } else {
            None
        };
        let narrower = narrower_at.map(|ri| self.sc.route_tables[table.ix()].routes[ri as usize]);
        self.block(Code::NatWithoutInternetRoute, HopKind::NatGateway, At::NatNoInternet { nat: n, narrower: narrower_at }, |w| {
            let vpc = w.sc.subnet_vpc(nat.subnet);
            let public = w.sc.vpcs[vpc.ix()].subnets.iter().copied().find(|s| w.sc.is_public_subnet(*s));
            let move_to_public = |w: &Self| match public {
                Some(s) if !w.sc.is_public_subnet(nat.subnet) => Some(Fix::MoveNatGateway { nat: nat.name.clone(), subnet: w.subnet_name(s).into() }),
                _ => None,
            };
            if !nat.public {
                // Public connectivity alone is not enough: it must also sit in a public subnet.
                let mut steps = vec![Fix::MakeNatPublic { nat: nat.name.clone(), elastic_ip: w.fresh_public_ip(n.0 + 7000) }];
                steps.extend(move_to_public(w));
                return (format!("{} is a private NAT gateway, which cannot reach the internet", nat.name), vec![Remedy { steps }]);
            }
            if let Some(r) = narrower {
                let g = w.sc.vpcs[vpc.ix()].internet_gateway.expect("a public subnet has an internet gateway");
                let gname = w.sc.internet_gateways[g.ix()].name.clone();
                let fix = w.add_route(table, w.sc.dest_name(r.dest), awsreach_model::spec::RouteTarget::Igw(gname.clone()), gname);
                return (format!("{} sits in subnet {}, whose route table sends {} ({}) to {} instead of the internet gateway, so it cannot reach the internet", nat.name, w.subnet_name(nat.subnet), daddr.show(w.sc), w.sc.dest_name(r.dest), w.sc.target_name(r.target)), vec![Remedy::one(fix)]);
            }
            let fixes = move_to_public(w).map(Remedy::one).into_iter().collect();
            (format!("{} sits in subnet {}, whose route table has no 0.0.0.0/0 route to an internet gateway, so it cannot reach the internet", nat.name, w.subnet_name(nat.subnet)), fixes)
        })
    }

    /// Peering (rule 15): deliver in the other VPC, which must hold the
    /// destination (no transitive routing) and route the reply back.
    pub(crate) fn across(
        &mut self,
        seen: Seen<'e>,
        dst: Dst,
        daddr: Addr,
        other: VpcId,
        via: Target,
        _what: impl Fn() -> String,
    ) -> Step {
        if !self.sc.vpcs[other.ix()].contains(match daddr {
            Addr::V4(a) => IpAddr::V4(a),
            Addr::V6(a) => IpAddr::V6(a),
            _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        }) {
            let vname = self.vpc_name(other).to_string();
            return Err(self.block(Code::NoRoute, HopKind::Peering, At::NotInVpc { via, vpc: other, to: daddr }, |w| {
                (format!("{} does not lead to {}: it ends in {vname}, and a peering connection never uses the far VPC's gateways or other peerings", w.sc.target_name(via), daddr.show(w.sc)), Vec::new())
            }));
        }
        hop!(
            self,
            HopKind::Peering,
            Decision::Pass,
            At::Across { via, vpc: other }
        );
        self.deliver(other, seen, dst, false, Some(via))
    }

    /// Final delivery to an ENI inside `vpc`.
    pub(crate) fn deliver(
        &mut self,
        vpc: VpcId,
        seen: Seen<'e>,
        dst: Dst,
        same_subnet: bool,
        via: Option<Target>,
    ) -> Step {
        let eni = match dst {
            Dst::Eni(e) | Dst::PublicIp(e) | Dst::Eni6(e) => Some(e),
            Dst::Ip(IpAddr::V4(a)) => self.e.eni_by_ip.get(&(vpc, a)).copied(),
            _ => None,
        };
        let daddr = self.dst_addr(dst);
        let Some(eni) = eni.filter(|e| self.sc.subnet_vpc(self.sc.enis[e.ix()].subnet) == vpc)
        else {
            self.holder_known(vpc, daddr)?;
            return Err(self.block(
                Code::DestinationUnknown,
                HopKind::Vpc,
                At::NoInterface { vpc, to: daddr },
                |w| {
                    (
                        format!(
                            "no network interface in {} has the address {}",
                            w.vpc_name(vpc),
                            daddr.show(w.sc)
                        ),
                        Vec::new(),
                    )
                },
            ));
        };
        self.eni_placement_known(eni)?;
        let n = &self.sc.enis[eni.ix()];
        // Rule 18: a transit gateway's reply is routed by the VPC table and
        // the transit gateway table of the attachment it enters on.
        if let Some(Target::TransitGateway(_)) = via
            && let Some(b) = self.tgw_back.take()
        {
            self.tgw_return(b, n.subnet)?;
            // Rule 18: from the gateway's interface in `b.entry` to the ENI;
            // within one subnet no NACL judges the packet, and the reply
            // meets both rule sets of that subnet's NACL (outbound to the
            // source, inbound by the replier's own address at the gateway's
            // interface); across subnets, the attachment subnet's outbound
            // rules, then the ENI's subnet as usual.
            if b.entry == n.subnet {
                self.push_leg(n.subnet, RuleDirection::Ingress, daddr);
                self.push_leg(n.subnet, RuleDirection::Egress, seen.addr);
                return self.arrive(eni, seen);
            }
            self.cross_boundary(b.entry, RuleDirection::Egress, daddr)?;
        } else if let Some(via) = via {
            // The reply must come back the same way (peering return route).
            let t = self.routes_of(n.subnet, seen.addr)?;
            let back = self.e.lpm[t.ix()]
                .lookup(seen.addr)
                .map(|ri| self.sc.route_tables[t.ix()].routes[ri as usize].target);
            if back != Some(via) {
                return Err(self.block(
                    Code::NoReturnRoute,
                    HopKind::RouteTable,
                    At::NoReturnVia {
                        table: t,
                        to: seen.addr,
                        via,
                    },
                    |w| {
                        let table = &w.sc.route_tables[t.ix()];
                        let src_vpc = w.sc.vpcs.iter().find(|v| {
                            v.contains(match seen.addr {
                                Addr::V4(a) => IpAddr::V4(a),
                                _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                            })
                        });
                        // The source's own CIDR block (a secondary one is not
                        // covered by the first).
                        let dest = src_vpc
                            .map(|v| {
                                let block =
                                    v.cidrs.iter().find(|c| seen.addr.in_net(&IpNet::V4(**c)));
                                block.unwrap_or(&v.cidrs[0]).to_string()
                            })
                            .unwrap_or_else(|| seen.addr.cidr());
                        let dest = w.unclobbered(t, dest, seen.addr);
                        let spec_target = match via {
                            Target::Peering(p) => awsreach_model::spec::RouteTarget::Peering(
                                w.sc.peerings[p.ix()].name.clone(),
                            ),
                            Target::TransitGateway(g) => {
                                awsreach_model::spec::RouteTarget::TransitGateway(
                                    w.sc.transit_gateways[g.ix()].name.clone(),
                                )
                            }
                            _ => awsreach_model::spec::RouteTarget::Local,
                        };
                        (
                            format!(
                                "{} (route table of {}) has no route back to {} through {}",
                                table.name,
                                w.subnet_name(n.subnet),
                                seen.addr.show(w.sc),
                                w.sc.target_name(via)
                            ),
                            vec![Remedy::one(Fix::AddRoute {
                                table: table.name.clone(),
                                vpc: w.vpc_name(table.vpc).into(),
                                dest,
                                target: w.sc.target_name(via),
                                spec_target,
                            })],
                        )
                    },
                ));
            }
        }
        if !same_subnet {
            self.cross_boundary(n.subnet, RuleDirection::Ingress, seen.addr)?;
        }
        self.arrive(eni, seen)
    }

    /// At the destination ENI: security group in, then the listener.
    pub(crate) fn arrive(&mut self, eni: EniId, seen: Seen<'e>) -> Step {
        let n = &self.sc.enis[eni.ix()];
        let endpoint = match n.owner {
            EniOwner::Endpoint(e) => Some(e),
            _ => None,
        };
        // A NAT gateway has no security groups and takes no new inbound
        // connection (rule 11): no group check, NAT_INBOUND_UNSOLICITED below. (A probe
        // to a NAT gateway's Elastic IP panicked building the group fix from
        // an empty list; found by `awsreach fuzz` on mangled scenario files.)
        let nat = matches!(n.owner, EniOwner::Nat(_));
        match self.sg_match(&n.security_groups, RuleDirection::Ingress, seen) {
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
                        appliance: false,
                    }
                );
            }
            None if nat => {}
            None => {
                self.sg_known(&n.security_groups)?;
                self.sg_address_known(&n.security_groups, RuleDirection::Ingress, seen.addr)?;
                let code = if endpoint.is_some() {
                    Code::EndpointSgDenied
                } else {
                    Code::SgIngressDenied
                };
                let sgs: &[SgId] = &n.security_groups;
                let at = At::SgInDenied {
                    eni,
                    proto: self.proto,
                    port: self.port,
                    from: seen.addr,
                    appliance: false,
                };
                return Err(self.block(code, HopKind::SecurityGroup, at, |w| {
                    let g = sgs[0];
                    let peer = w.ingress_peer(seen, g);
                    let owner = w.sc.eni_owner_name(eni).to_string();
                    let why = match endpoint {
                        Some(_) => format!("the security groups of interface endpoint {owner} ({}) do not admit tcp/443 from {}", w.sg_names(sgs), seen.name),
                        None => format!("no inbound rule of {owner}'s security groups ({}) admits {} from {}", w.sg_names(sgs), ports_str(w.proto, w.port), if seen.name.is_empty() { seen.addr.show(w.sc).to_string() } else { format!("{} ({})", seen.name, seen.addr.show(w.sc)) }),
                    };
                    (why, vec![Remedy::one(w.sg_fix(g, RuleDirection::Ingress, peer))])
                }));
            }
        }
        match n.owner {
            EniOwner::Endpoint(ep) => {
                self.endpoint_policy(ep)?;
                let s = self.sc.endpoints[ep.ix()].service;
                self.service_reached(s, Via::InterfaceEndpoint)
            }
            EniOwner::Resource(r) => {
                let res = &self.sc.resources[r.ix()];
                // `reached` only runs when a listener matched.
                self.must_listen(Listening::Resource(r), &res.name, &res.listen, false)
            }
            EniOwner::Nat(nat) => {
                // Rule 11: a NAT gateway admits inbound packets only as
                // replies to connections it opened; no rule, group or
                // listener can change that, so no fix is offered
                // (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html).
                Err(self.block(
                    Code::NatInboundUnsolicited,
                    HopKind::NatGateway,
                    At::NatUnsolicited { nat },
                    |w| {
                        let g = &w.sc.nat_gateways[nat.ix()];
                        let addr = match n.public_ip {
                            Some(ip) => format!("its Elastic IP {ip}"),
                            None => format!("its address {}", n.private_ip),
                        };
                        (
                            format!(
                                "{} is a NAT gateway: it translates connections that its routed subnets open and admits inbound packets only as their replies, so a new connection to {addr} is dropped",
                                g.name
                            ),
                            Vec::new(),
                        )
                    },
                ))
            }
            EniOwner::Function(_) => {
                let who: &'e str = self.sc.eni_owner_name(eni);
                Err(self.block(
                    Code::NotListening,
                    HopKind::Eni,
                    At::NoInbound { eni },
                    |_| {
                        (
                            format!(
                                "{who} accepts no inbound connections on its network interface"
                            ),
                            Vec::new(),
                        )
                    },
                ))
            }
        }
    }

    /// The end of a flow: something must listen on the probe's protocol
    /// and port (a host with no declared listener accepts anything).
    pub(crate) fn must_listen(
        &mut self,
        at: Listening,
        name: &'e str,
        listen: &'e [awsreach_model::net::Listener],
        open_if_none: bool,
    ) -> Step {
        let kind = match at {
            Listening::Resource(_) => HopKind::Resource,
            Listening::Host(_) => HopKind::Host,
        };
        let (proto, port) = (self.proto, self.port);
        let hit = listen.iter().find(|l| l.accepts(proto, port));
        if hit.is_some() || (open_if_none && listen.is_empty()) {
            hop!(self, kind, Decision::Pass, At::Listens { at, proto, port });
            return self.check_return();
        }
        Err(self.block(
            Code::NotListening,
            kind,
            At::NotListening { at, proto, port },
            |w| {
                let want = ports_str(w.proto, w.port);
                (
                    format!("{name} does not listen on {want}"),
                    vec![Remedy::one(Fix::AddListener {
                        resource: name.to_string(),
                        listener: want,
                    })],
                )
            },
        ))
    }

    /// Rule 24: an IPv6 connection from the internet enters the ENI's VPC
    /// through its internet gateway, untranslated (no public IPv4 needed);
    /// the reply leaves by the subnet's own table, which must send it to
    /// that internet gateway. An egress-only internet gateway admits no
    /// connection opened from outside ("prevents hosts outside of your VPC
    /// from initiating an IPv6 connection with your instance").
    /// Sources: <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html>,
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html>.
    fn inbound_ipv6(&mut self, from: Addr, eni: EniId) -> Step {
        self.eni_placement_known(eni)?;
        let n = &self.sc.enis[eni.ix()];
        let ip = n.ipv6.expect("an IPv6 destination ENI has an IPv6 address");
        let vpc = self.sc.subnet_vpc(n.subnet);
        let name: &'e str = self.sc.eni_owner_name(eni);
        let t = self.routes_of(n.subnet, from)?;
        let back = self.reply_target(t, from);
        if let Some(Target::EgressOnlyIgw(g)) = back {
            let gname: &'e str = &self.sc.egress_only_igws[g.ix()].name;
            return Err(self.block(Code::EgressOnlyInbound, HopKind::EgressOnlyIgw, At::EgressOnlyInbound { eigw: g }, |w| {
                (format!("subnet {} sends IPv6 to the internet through egress-only internet gateway {gname}, which carries connections {name} opens but none opened from the internet to {ip}", w.subnet_name(n.subnet)), w.ipv6_join_fixes(from, vpc))
            }));
        }
        let Some(g) = self.sc.vpcs[vpc.ix()].internet_gateway else {
            return Err(self.block(Code::NoRoute, HopKind::Vpc, At::NoIgw { vpc }, |w| {
                (format!("{} has no internet gateway, so nothing reaches {name} ({ip}) from the internet", w.vpc_name(vpc)), w.ipv6_join_fixes(from, vpc))
            }));
        };
        hop!(
            self,
            HopKind::InternetGateway,
            Decision::Pass,
            At::IgwV6Inbound { igw: g, to: ip }
        );
        self.reply_to_internet(eni, t, g, from, back)?;
        self.enter_from_internet(eni, from)
    }

    /// The route table `t` gives a reply to `to`, if any.
    fn reply_target(&self, t: RouteTableId, to: Addr) -> Option<Target> {
        self.e.lpm[t.ix()]
            .lookup(to)
            .map(|ri| self.sc.route_tables[t.ix()].routes[ri as usize].target)
    }

    /// Rules 10 and 24: the reply to a client on the internet (`from`)
    /// leaves through the subnet's own table `t`, whose route for it
    /// (`back`) must be the VPC's internet gateway `g`. A more specific
    /// route that diverts the reply (rule 9) is beaten by the client's own
    /// address, not by another default route (found by `awsreach fuzz`,
    /// fix-sound).
    fn reply_to_internet(
        &mut self,
        eni: EniId,
        t: RouteTableId,
        g: IgwId,
        from: Addr,
        back: Option<Target>,
    ) -> Step {
        if matches!(back, Some(Target::Igw(_))) {
            return Ok(());
        }
        let subnet = self.sc.enis[eni.ix()].subnet;
        let vpc = self.sc.subnet_vpc(subnet);
        let name: &'e str = self.sc.eni_owner_name(eni);
        let ipv6 = from.is_v6();
        let at = At::NoReturnIgw { table: t, ipv6 };
        Err(self.block(Code::NoReturnRoute, HopKind::RouteTable, at, |w| {
            let table = &w.sc.route_tables[t.ix()].name;
            let gname = &w.sc.internet_gateways[g.ix()].name;
            let s = w.subnet_name(subnet);
            let (default, why) = if ipv6 {
                let why = format!(
                    "the reply from {name} leaves subnet {s} through {table}, which has no ::/0 route to internet gateway {gname}"
                );
                ("::/0", why)
            } else {
                let why = format!(
                    "{name} has a public ip but its subnet {s} routes the reply elsewhere (no 0.0.0.0/0 -> internet gateway in {table})"
                );
                ("0.0.0.0/0", why)
            };
            let fix = Fix::AddRoute {
                table: table.clone(),
                vpc: w.vpc_name(vpc).into(),
                dest: if back.is_some() {
                    from.cidr()
                } else {
                    default.into()
                },
                target: gname.clone(),
                spec_target: awsreach_model::spec::RouteTarget::Igw(gname.clone()),
            };
            (why, vec![Remedy::one(fix)])
        }))
    }

    /// A connection from the internet entering `eni`'s subnet through the
    /// internet gateway: the subnet's NACL, the reply's leg, then the ENI.
    /// Group references never match traffic from a public address.
    fn enter_from_internet(&mut self, eni: EniId, from: Addr) -> Step {
        let subnet = self.sc.enis[eni.ix()].subnet;
        self.cross_boundary(subnet, RuleDirection::Ingress, from)?;
        let seen = Seen {
            addr: from,
            sgs: &[],
            name: "",
            src_sg_first: None,
        };
        self.arrive(eni, seen)
    }

    /// The public side: the internet, public endpoints, hosts, and public
    /// IPs of resources (entering their VPC through its IGW, rule 10).
    pub(crate) fn internet(&mut self, from: Addr, dst: Dst) -> Step {
        hop!(
            self,
            HopKind::Internet,
            Decision::Info,
            At::Internet {
                from,
                to: self.dst_addr(dst)
            }
        );
        match dst {
            Dst::Svc(s) => self.service_reached(s, Via::PublicEndpoint),
            Dst::Internet => {
                hop!(self, HopKind::Internet, Decision::Pass, At::InternetReached);
                self.check_return()
            }
            Dst::Host(h) => {
                let host = &self.sc.external_hosts[h.ix()];
                // A host that declares no listener accepts anything.
                self.must_listen(Listening::Host(h), &host.name, &host.listen, true)
            }
            Dst::PublicIp(eni) => {
                self.eni_placement_known(eni)?;
                let n = &self.sc.enis[eni.ix()];
                let vpc = self.sc.subnet_vpc(n.subnet);
                let Some(g) = self.sc.vpcs[vpc.ix()].internet_gateway else {
                    return Err(self.block(Code::NoRoute, HopKind::Vpc, At::NoIgw { vpc }, |w| (format!("{} has no internet gateway, so nothing reaches {} from the internet", w.vpc_name(vpc), w.sc.eni_owner_name(eni)), Vec::new())));
                };
                hop!(
                    self,
                    HopKind::InternetGateway,
                    Decision::Pass,
                    At::IgwNat {
                        igw: g,
                        from: n.public_ip.expect("public"),
                        to: n.private_ip
                    }
                );
                // The reply leaves through the subnet's own table, which must send it to the IGW.
                let t = self.routes_of(n.subnet, from)?;
                let back = self.reply_target(t, from);
                self.reply_to_internet(eni, t, g, from, back)?;
                self.enter_from_internet(eni, from)
            }
            Dst::Eni6(eni) => self.inbound_ipv6(from, eni),
            Dst::Eni(eni) => {
                let name: &'e str = self.sc.eni_owner_name(eni);
                let n = &self.sc.enis[eni.ix()];
                let (ip, v6) = (n.private_ip, n.ipv6);
                Err(self.block(Code::PrivateAddressFromInternet, HopKind::Internet, At::PrivateAddress { ip: IpAddr::V4(ip) }, |w| {
                    // Rule 24: an ENI with an IPv6 address is reachable at it
                    // without any public IPv4: say so.
                    let why = match v6 {
                        Some(a) => format!("{name} has no public IPv4 address, only the private {ip}, and nothing routes from the internet to a private address; over IPv6 the internet may reach its address {a} directly (`--ip-version 6`), without a public IPv4"),
                        None => format!("{name} has only the private address {ip}; nothing routes from the internet into a private subnet"),
                    };
                    (why, w.private_from_internet_fixes(eni))
                }))
            }
            Dst::Ip(ip) => {
                // Rule 24: an IPv6 address in a VPC's block that no ENI holds.
                if ip.is_ipv6()
                    && let Some(v) = self.sc.vpcs.iter().position(|v| v.contains(ip))
                {
                    let vpc = VpcId(v as u32);
                    self.holder_known(vpc, Addr::from_ip(ip))?;
                    return Err(self.block(
                        Code::DestinationUnknown,
                        HopKind::Vpc,
                        At::NoInterface {
                            vpc,
                            to: Addr::from_ip(ip),
                        },
                        |w| {
                            (
                                format!(
                                    "no network interface in {} has the address {ip}",
                                    w.vpc_name(vpc)
                                ),
                                Vec::new(),
                            )
                        },
                    ));
                }
                let private = match ip {
                    IpAddr::V4(a) => a.is_private() || self.sc.vpcs.iter().any(|v| v.contains(ip)),
                    IpAddr::V6(_) => false,
                };
                if private {
                    return Err(self.block(Code::PrivateAddressFromInternet, HopKind::Internet, At::PrivateAddress { ip }, |_| (format!("{ip} is a private address; nothing routes to it from the internet"), Vec::new())));
                }
                hop!(
                    self,
                    HopKind::Internet,
                    Decision::Pass,
                    At::IpReached { ip }
                );
                self.check_return()
            }
        }
    }
}
