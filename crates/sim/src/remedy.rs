//! Fix synthesis: the remedies for a blocked hop, as scenario edits
//! ([`Fix`]) that a user (or `trace --fix`) applies. The walk decides; this
//! module only proposes changes, reading the walk's context.

use std::net::{IpAddr, Ipv4Addr};

use awsreach_model::net::Protocol;
use awsreach_model::*;
use ipnet::IpNet;

use crate::engine::{Addr, Node};
use crate::fix::{Fix, Peer, Remedy, RuleDirection};
use crate::walk::{Dst, Seen, Sink, Src, SrcKind, Walk};

mod ipv6;
mod nacl;

impl<'e, S: Sink> Walk<'e, S> {
    pub(crate) fn peer_for(&self, daddr: Addr, dst_sgs: &[SgId], src_sg: SgId) -> Peer {
        let vpc = self.sc.security_groups[src_sg.ix()].vpc;
        match (dst_sgs.first(), daddr) {
            (Some(g), _) if self.sc.security_groups[g.ix()].vpc == vpc => {
                Peer::Sg(self.name_of_sg(*g).into())
            }
            (_, Addr::Svc(s)) if self.sc.services[s.ix()].gateway_endpoint => {
                Peer::Cidr("0.0.0.0/0".into())
            }
            (_, a) => Peer::Cidr(a.cidr()),
        }
    }

    /// Whom an inbound rule of group `g` should admit: the sender's group
    /// when it is in the same VPC, else the sender's address.
    pub(crate) fn ingress_peer(&self, seen: Seen, g: SgId) -> Peer {
        match seen.src_sg_first {
            Some(sg)
                if self.sc.security_groups[sg.ix()].vpc == self.sc.security_groups[g.ix()].vpc =>
            {
                Peer::Sg(self.name_of_sg(sg).into())
            }
            _ => Peer::Cidr(seen.addr.cidr()),
        }
    }

    pub(crate) fn sg_fix(&self, g: SgId, direction: RuleDirection, peer: Peer) -> Fix {
        let sg = &self.sc.security_groups[g.ix()];
        let (protocol, ports) = if self.proto.has_ports() {
            (self.proto, self.port.to_string())
        } else {
            (self.proto, "all".into())
        };
        Fix::AddSgRule {
            sg: sg.name.clone(),
            vpc: self.vpc_name(sg.vpc).into(),
            direction,
            protocol,
            ports,
            peer,
        }
    }

    /// A deterministic public address for fixes that need one.
    pub(crate) fn fresh_public_ip(&self, seed: u32) -> String {
        let mut n = seed;
        loop {
            let ip = Ipv4Addr::new(54, 240, ((n >> 8) & 0xff) as u8, (n & 0xff) as u8 | 1);
            if !self.e.eni_by_public.contains_key(&ip)
                && !self
                    .sc
                    .nat_gateways
                    .iter()
                    .any(|g| g.elastic_ip == Some(ip))
            {
                return ip.to_string();
            }
            n = n.wrapping_add(1);
        }
    }

    /// A NAT gateway of the VPC that can reach the internet (in a public subnet, public).
    pub(crate) fn working_nat(&self, vpc: VpcId, not_in: SubnetId) -> Option<NatId> {
        self.sc
            .nat_gateways
            .iter()
            .enumerate()
            .find(|(_, n)| {
                n.public
                    && n.subnet != not_in
                    && self.sc.subnet_vpc(n.subnet) == vpc
                    && self.sc.is_public_subnet(n.subnet)
            })
            .map(|(i, _)| NatId(i as u32))
    }

    pub(crate) fn add_route(
        &self,
        table: RouteTableId,
        dest: String,
        target: awsreach_model::spec::RouteTarget,
        target_name: String,
    ) -> Fix {
        let t = &self.sc.route_tables[table.ix()];
        Fix::AddRoute {
            table: t.name.clone(),
            vpc: self.vpc_name(t.vpc).into(),
            dest,
            target: target_name,
            spec_target: target,
        }
    }

    /// Narrows remedies that add a route to `table` when it is the VPC's
    /// main table and other subnets use it too: the source's subnet gets a
    /// route table of its own (a copy of the main one, with its gateway
    /// endpoint associations) and the route goes there, so the subnets
    /// that share the main table are left as they are.
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html#RouteTables>
    ///
    /// A function's other subnets on the same table take the same way out
    /// (Lambda sends from any of its ENIs): they are not "other subnets" to
    /// spare, and when the table is split they join the new one, so the fix
    /// holds for every ENI, not only the one that decided.
    fn own_table(&self, src: &Src<'e>, table: RouteTableId, mut out: Vec<Remedy>) -> Vec<Remedy> {
        let rt = &self.sc.route_tables[table.ix()];
        let siblings: Vec<SubnetId> = match src.what {
            SrcKind::Function(f) => self.sc.functions[f.ix()]
                .vpc
                .iter()
                .flat_map(|v| v.subnets.iter().copied())
                .filter(|s| *s != src.subnet && self.sc.subnets[s.ix()].route_table == table)
                .collect(),
            _ => Vec::new(),
        };
        let shared = self.sc.subnets.iter().enumerate().any(|(i, sn)| {
            sn.route_table == table
                && i != src.subnet.ix()
                && !siblings.contains(&SubnetId(i as u32))
        });
        if !rt.main || !shared {
            return out;
        }
        let subnet = self.subnet_name(src.subnet).to_string();
        let id = self.fresh_id(&format!("rt-{subnet}"));
        for r in &mut out {
            let mut touched = false;
            for step in &mut r.steps {
                if let Fix::AddRoute { table: t, .. } = step
                    && *t == rt.name
                {
                    *t = id.clone();
                    touched = true;
                }
            }
            if touched {
                let joins = siblings.iter().map(|s| Fix::AssociateRouteTable {
                    subnet: self.subnet_name(*s).into(),
                    table: id.clone(),
                });
                let own = Fix::OwnRouteTable {
                    id: id.clone(),
                    vpc: self.vpc_name(rt.vpc).into(),
                    subnet: subnet.clone(),
                    copy_of: rt.name.clone(),
                };
                r.steps.splice(0..0, std::iter::once(own).chain(joins));
            }
        }
        out
    }

    /// Remedies for a source that has no (working) route to `dst`.
    pub(crate) fn route_fixes(
        &self,
        src: &Src<'e>,
        dst: Dst,
        daddr: Addr,
        table: RouteTableId,
        replace: Option<String>,
    ) -> Vec<Remedy> {
        let out = self.route_fixes_in(src, dst, daddr, table, replace);
        self.own_table(src, table, out)
    }

    fn route_fixes_in(
        &self,
        src: &Src<'e>,
        dst: Dst,
        daddr: Addr,
        table: RouteTableId,
        replace: Option<String>,
    ) -> Vec<Remedy> {
        use awsreach_model::spec::RouteTarget as RT;
        let vpc = self.sc.subnet_vpc(src.subnet);
        let mut out = Vec::new();
        if daddr.is_v6() {
            return self.ipv6_route_fixes(vpc, daddr, table, replace);
        }
        match dst {
            Dst::Svc(_) | Dst::Internet | Dst::Host(_) | Dst::PublicIp(_) | Dst::Ip(_) if !matches!(daddr, Addr::V4(a) if a.is_private()) =>
            {
                let dest = replace.unwrap_or_else(|| "0.0.0.0/0".into());
                // Interface endpoint first for services that have one: one change, no internet.
                if let Dst::Svc(s) = dst {
                    let svc = &self.sc.services[s.ix()];
                    if svc.interface_endpoint {
                        out.push(self.create_endpoint_fix(vpc, s, src));
                    }
                }
                if let Some(n) = self.working_nat(vpc, src.subnet) {
                    let name = self.sc.nat_gateways[n.ix()].name.clone();
                    out.push(Remedy::one(self.add_route(
                        table,
                        dest,
                        RT::Nat(name.clone()),
                        name,
                    )));
                } else if let Some(pub_sub) = self.sc.vpcs[vpc.ix()]
                    .subnets
                    .iter()
                    .copied()
                    .find(|s| self.sc.is_public_subnet(*s) && *s != src.subnet)
                {
                    let id = self.fresh_id(&format!("nat-{}", self.subnet_name(pub_sub)));
                    out.push(Remedy {
                        steps: vec![
                            Fix::CreateNatGateway {
                                id: id.clone(),
                                subnet: self.subnet_name(pub_sub).into(),
                                elastic_ip: self.fresh_public_ip(src.subnet.0),
                            },
                            self.add_route(table, dest, RT::Nat(id.clone()), id),
                        ],
                    });
                } else if let (Some(g), SrcKind::Resource(_)) =
                    (self.sc.vpcs[vpc.ix()].internet_gateway, src.what)
                {
                    let name = self.sc.internet_gateways[g.ix()].name.clone();
                    let mut steps = vec![self.add_route(table, dest, RT::Igw(name.clone()), name)];
                    if src.public_ip.is_none() {
                        steps.extend(self.assign_public_ip_fix(src));
                    }
                    out.push(Remedy { steps });
                }
            }
            _ => {
                // A private address in another VPC.
                let target_vpc = self.sc.vpcs.iter().position(|v| match daddr {
                    Addr::V4(a) => v.contains(IpAddr::V4(a)),
                    _ => false,
                });
                if let Some(tv) = target_vpc.map(|i| VpcId(i as u32)).filter(|tv| *tv != vpc) {
                    // The CIDR block that holds the address: a secondary block
                    // is not covered by the first one (found by `awsreach fuzz`,
                    // fix-sound). Likewise for the route back to the source.
                    let block = |v: VpcId, a: Ipv4Addr| {
                        let cidrs = &self.sc.vpcs[v.ix()].cidrs;
                        cidrs
                            .iter()
                            .find(|c| c.contains(&a))
                            .unwrap_or(&cidrs[0])
                            .to_string()
                    };
                    let dest = replace.unwrap_or_else(|| match daddr {
                        Addr::V4(a) => block(tv, a),
                        _ => self.sc.vpcs[tv.ix()].cidrs[0].to_string(),
                    });
                    // Over what already joins the two: the peering, else a
                    // transit gateway both are attached to (rule 18; a new
                    // peering beside a transit gateway would bypass it).
                    if let Some((target, name)) = self.joined_by(vpc, tv) {
                        out.push(Remedy::one(self.add_route(table, dest, target, name)));
                    } else if let Some(e) = Self::dst_eni(dst) {
                        // Rule 15: no transitive routing; a peering of their own,
                        // with routes in both directions.
                        let id = self.fresh_id(&format!(
                            "pcx-{}-{}",
                            self.vpc_name(vpc),
                            self.vpc_name(tv)
                        ));
                        let back = self.table_of(self.sc.enis[e.ix()].subnet);
                        out.push(Remedy {
                            steps: vec![
                                Fix::CreatePeering {
                                    id: id.clone(),
                                    requester: self.vpc_name(vpc).into(),
                                    accepter: self.vpc_name(tv).into(),
                                },
                                self.add_route(table, dest, RT::Peering(id.clone()), id.clone()),
                                self.add_route(
                                    back,
                                    self.unclobbered(back, block(vpc, src.ip), Addr::V4(src.ip)),
                                    RT::Peering(id.clone()),
                                    id,
                                ),
                            ],
                        });
                    }
                }
            }
        }
        out
    }

    /// A routing loop: the route that closes it (in the table of `src`,
    /// the sender that hands the packet back) goes somewhere that leads
    /// out instead, as for a source without a route.
    ///
    /// When that route already goes to the transit gateway, the gateway's
    /// table (the one associated with the sender's attachment) is what sent
    /// the packet back: the fix is a route there to the attachment whose VPC
    /// holds the address (rule 18), not the same route again (found by
    /// `awsreach fuzz`, fix-sound, seed 23).
    pub(crate) fn loop_fixes(&self, src: &Src<'e>, dst: Dst, daddr: Addr) -> Vec<Remedy> {
        let table = self.table_of(src.subnet);
        let current = self.e.lpm[table.ix()]
            .lookup(daddr)
            .map(|ri| self.sc.route_tables[table.ix()].routes[ri as usize]);
        if let Some(Route {
            target: Target::TransitGateway(g),
            ..
        }) = current
        {
            let tg = &self.sc.transit_gateways[g.ix()];
            let vpc = self.sc.subnet_vpc(src.subnet);
            return tg
                .attachment_of(vpc)
                .and_then(|a| tg.attachments[a].route_table)
                .map(|t| self.tgw_route_fixes(g, t, daddr, None))
                .unwrap_or_default();
        }
        let dest = current.map(|r| self.sc.dest_name(r.dest));
        self.route_fixes(src, dst, daddr, table, dest)
    }

    /// Rule 8: IPv6 egress needs a VPC function in a dual-stack subnet whose
    /// table sends `::/0` to an (egress-only) internet gateway.
    pub(crate) fn ipv6_attach_fix(&self, function: &str) -> Vec<Remedy> {
        let subnet = (0..self.sc.subnets.len())
            .map(|i| SubnetId(i as u32))
            .find(|s| {
                self.sc.subnets[s.ix()].ipv6_cidr.is_some() && {
                    let t = self.table_of(*s);
                    self.sc.route_tables[t.ix()].routes.iter().any(|r| {
                        matches!(r.target, Target::EgressOnlyIgw(_) | Target::Igw(_))
                            && matches!(r.dest, RouteDest::Cidr(IpNet::V6(n)) if n.prefix_len() == 0)
                    })
                }
            });
        subnet
            .map(|s| Remedy {
                steps: vec![
                    Fix::AttachFunctionToVpc {
                        function: function.to_string(),
                        subnets: vec![self.subnet_name(s).to_string()],
                    },
                    Fix::EnableFunctionIpv6 {
                        function: function.to_string(),
                    },
                ],
            })
            .into_iter()
            .collect()
    }

    pub(crate) fn assign_public_ip_fix(&self, src: &Src<'e>) -> Option<Fix> {
        match src.what {
            SrcKind::Resource(r) => Some(Fix::AssignPublicIp {
                resource: self.sc.resources[r.ix()].name.clone(),
                ip: self.fresh_public_ip(r.0 + 1000),
            }),
            _ => None,
        }
    }

    pub(crate) fn create_endpoint_fix(&self, vpc: VpcId, s: ServiceId, src: &Src<'e>) -> Remedy {
        let svc = &self.sc.services[s.ix()];
        // S3 and DynamoDB: a gateway endpoint on the caller's route table is
        // the free, one-step fix; its prefix-list route beats 0.0.0.0/0 (rule 12).
        if svc.gateway_endpoint {
            let table = &self.sc.route_tables[self.table_of(src.subnet).ix()];
            return Remedy::one(Fix::CreateGatewayEndpoint {
                id: self.fresh_id(&format!("vpce-{}-gw", svc.id)),
                vpc: self.vpc_name(vpc).into(),
                service: svc.id.clone(),
                route_tables: vec![table.name.clone()],
            });
        }
        let first = src.sgs.and_then(|g| g.first().copied());
        let sgs: Vec<String> = first
            .map(|g| vec![self.name_of_sg(g).to_string()])
            .unwrap_or_default();
        // The caller's own group goes on the endpoint; rule 13: the endpoint's
        // groups must admit tcp/443 from the caller, so add a self-reference
        // for 443 when the group does not already admit its own members on it.
        let mut steps = vec![Fix::CreateInterfaceEndpoint {
            id: self.fresh_id(&format!("vpce-{}", svc.id.replace('.', "-"))),
            vpc: self.vpc_name(vpc).into(),
            service: svc.id.clone(),
            subnets: vec![self.subnet_name(src.subnet).into()],
            security_groups: sgs,
        }];
        if let (Some(g), Some(mine)) = (first, src.sgs) {
            let me = Seen {
                addr: Addr::V4(src.ip),
                sgs: mine,
                name: src.name,
                src_sg_first: Some(g),
            };
            let https = Walk::fresh(
                self.e,
                self.from,
                crate::walk::NoHops,
                (Protocol::Tcp, 443, self.action),
            );
            if https.sg_match(&[g], RuleDirection::Ingress, me).is_none() {
                let name = self.name_of_sg(g).to_string();
                steps.push(Fix::AddSgRule {
                    sg: name.clone(),
                    vpc: self.vpc_name(vpc).into(),
                    direction: RuleDirection::Ingress,
                    protocol: Protocol::Tcp,
                    ports: "443".into(),
                    peer: Peer::Sg(name),
                });
            }
        }
        Remedy { steps }
    }

    /// An id for an entity a fix creates: `base`, or `base-2`, `base-3`, ...
    /// when the scenario already uses it (ids are unique across every kind).
    pub(crate) fn fresh_id(&self, base: &str) -> String {
        // A set lookup: scanning every entity per candidate made a fix cost
        // ~0.2 ms at 100k ENIs.
        let taken = |id: &str| self.e.id_taken(id);
        if !taken(base) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !taken(id))
            .expect("some suffix is free")
    }

    pub(crate) fn no_public_ip_fixes(&self, src: &Src<'e>, dst: Dst) -> Vec<Remedy> {
        use awsreach_model::spec::RouteTarget as RT;
        let vpc = self.sc.subnet_vpc(src.subnet);
        let mut out = Vec::new();
        if let Some(f) = self.assign_public_ip_fix(src) {
            out.push(Remedy::one(f));
            return out;
        }
        if let Dst::Svc(s) = dst
            && self.sc.services[s.ix()].interface_endpoint
        {
            out.push(self.create_endpoint_fix(vpc, s, src));
        }
        if let SrcKind::Function(f) = src.what {
            let fname = self.sc.functions[f.ix()].name.clone();
            // Another subnet of the same VPC whose table sends *this*
            // destination (not just 0.0.0.0/0: a narrower route may point at
            // the IGW) to a working NAT gateway.
            let daddr = self.dst_addr(dst);
            let natted = self.sc.vpcs[vpc.ix()].subnets.iter().copied().find(|s| {
                let t = self.table_of(*s);
                *s != src.subnet
                    && self.e.lpm[t.ix()].lookup(daddr).is_some_and(|ri| {
                        matches!(self.sc.route_tables[t.ix()].routes[ri as usize].target,
                            Target::Nat(n) if self.working_nat(vpc, *s) == Some(n))
                    })
            });
            match natted {
                Some(s) => out.push(Remedy::one(Fix::MoveFunction {
                    function: fname,
                    subnets: vec![self.subnet_name(s).into()],
                })),
                None => {
                    if let Some(s) = self.sc.vpcs[vpc.ix()]
                        .subnets
                        .iter()
                        .copied()
                        .find(|s| !self.sc.is_public_subnet(*s))
                    {
                        let t = self.table_of(s);
                        let id = self.fresh_id(&format!("nat-{}", self.subnet_name(src.subnet)));
                        out.push(Remedy {
                            steps: vec![
                                Fix::CreateNatGateway {
                                    id: id.clone(),
                                    subnet: self.subnet_name(src.subnet).into(),
                                    elastic_ip: self.fresh_public_ip(src.subnet.0 + 3000),
                                },
                                self.add_route(t, "0.0.0.0/0".into(), RT::Nat(id.clone()), id),
                                Fix::MoveFunction {
                                    function: fname,
                                    subnets: vec![self.subnet_name(s).into()],
                                },
                            ],
                        });
                    }
                }
            }
        }
        out
    }

    /// The destination for a new route in `table` towards `addr`: `dest`
    /// (the CIDR block holding `addr`), unless the table already routes that
    /// block elsewhere; then the subnet holding `addr`, so that the new route
    /// does not replace one that other traffic needs. (A function with ENIs
    /// in subnets routed through different targets made the return-route
    /// fixes flip one table's route back and forth; found by `awsreach
    /// fuzz`, fix-sound.)
    pub(crate) fn unclobbered(&self, table: RouteTableId, dest: String, addr: Addr) -> String {
        let routes = &self.sc.route_tables[table.ix()].routes;
        // Compare parsed blocks when `dest` is a CIDR in canonical form:
        // formatting every route of a 1,000-route table cost ~0.1 ms a fix.
        let taken = match dest.parse::<IpNet>() {
            Ok(n) if n.to_string() == dest => routes.iter().any(|r| r.dest == RouteDest::Cidr(n)),
            _ => routes.iter().any(|r| self.sc.dest_name(r.dest) == dest),
        };
        if !taken {
            return dest;
        }
        self.sc
            .subnets
            .iter()
            .find(|s| addr.in_net(&IpNet::V4(s.cidr)))
            .map(|s| s.cidr.to_string())
            .unwrap_or(dest)
    }

    /// A private destination seen from the internet: a non-VPC function
    /// moves into the destination's VPC; otherwise the destination goes public.
    pub(crate) fn private_from_internet_fixes(&self, eni: EniId) -> Vec<Remedy> {
        let mut out = Vec::new();
        let dst_vpc = self.sc.subnet_vpc(self.sc.enis[eni.ix()].subnet);
        let target_ip = self.sc.enis[eni.ix()].private_ip;
        // The ENI whose table sends the address to the internet (no route
        // more specific than 0.0.0.0/0), not simply a function's first one
        // (found by `awsreach fuzz`, fix-sound).
        let unrouted = |e: &EniId| {
            let t = self.table_of(self.sc.enis[e.ix()].subnet);
            self.e.lpm[t.ix()].lookup(Addr::V4(target_ip)).is_none_or(|ri| {
                matches!(self.sc.route_tables[t.ix()].routes[ri as usize].dest, RouteDest::Cidr(c) if c.prefix_len() == 0)
            })
        };
        let src_eni = match self.from {
            Node::Resource(r) => Some(self.sc.resources[r.ix()].eni),
            Node::Function(f) => self.sc.functions[f.ix()]
                .vpc
                .as_ref()
                .map(|v| v.enis.iter().copied().find(unrouted).unwrap_or(v.enis[0])),
            Node::FunctionEni(_, e) => Some(e),
            _ => None,
        };
        match (self.from, src_eni) {
            // A VPC source heading for a peer VPC's private address over the
            // internet lacks the peering route (rule 15).
            (_, Some(se)) => {
                let sub = self.sc.enis[se.ix()].subnet;
                let svpc = self.sc.subnet_vpc(sub);
                if let Some(p) = self
                    .sc
                    .peerings
                    .iter()
                    .find(|p| p.other(svpc) == Some(dst_vpc))
                {
                    let cidrs = &self.sc.vpcs[dst_vpc.ix()].cidrs;
                    let dest = cidrs
                        .iter()
                        .find(|c| c.contains(&target_ip))
                        .unwrap_or(&cidrs[0])
                        .to_string();
                    let target = awsreach_model::spec::RouteTarget::Peering(p.name.clone());
                    out.push(Remedy::one(self.add_route(
                        self.table_of(sub),
                        dest,
                        target,
                        p.name.clone(),
                    )));
                }
            }
            (Node::Function(f), None) => {
                let subnet = self.subnet_name(self.sc.enis[eni.ix()].subnet).to_string();
                out.push(Remedy::one(Fix::AttachFunctionToVpc {
                    function: self.sc.functions[f.ix()].name.clone(),
                    subnets: vec![subnet],
                }));
            }
            _ => {}
        }
        out.extend(self.make_public_fix(eni));
        out
    }

    pub(crate) fn make_public_fix(&self, eni: EniId) -> Option<Remedy> {
        let n = &self.sc.enis[eni.ix()];
        match n.owner {
            EniOwner::Resource(r) => {
                let res = &self.sc.resources[r.ix()];
                let mut steps = Vec::new();
                if !self.sc.is_public_subnet(n.subnet) {
                    let vpc = self.sc.subnet_vpc(n.subnet);
                    let g = self.sc.vpcs[vpc.ix()].internet_gateway?;
                    let t = self.table_of(n.subnet);
                    let name = self.sc.internet_gateways[g.ix()].name.clone();
                    steps.push(self.add_route(
                        t,
                        "0.0.0.0/0".into(),
                        awsreach_model::spec::RouteTarget::Igw(name.clone()),
                        name,
                    ));
                }
                // A second public IP would only replace the first, and a
                // chain of such fixes would go in circles (found by
                // `awsreach fuzz`, fix-sound, seed 201568214601356).
                if n.public_ip.is_none() {
                    steps.push(Fix::AssignPublicIp {
                        resource: res.name.clone(),
                        ip: self.fresh_public_ip(r.0 + 1000),
                    });
                }
                (!steps.is_empty()).then_some(Remedy { steps })
            }
            _ => None,
        }
    }
}

/// A spec `TriggerSource` for a service id, for the "declare a trigger" fix.
pub(crate) fn source_for_service(id: &str) -> Option<awsreach_model::spec::TriggerSource> {
    use awsreach_model::spec::TriggerSource as T;
    Some(match id {
        "sqs" => T::Sqs,
        "kinesis" => T::Kinesis,
        "dynamodb" => T::DynamoDbStreams,
        "events" => T::EventBridge,
        "sns" => T::Sns,
        "s3" => T::S3,
        "execute-api" => T::ApiGateway,
        "states" => T::StepFunctions,
        "logs" => T::CloudWatchLogs,
        "cognito-idp" => T::Cognito,
        "elasticloadbalancing" => T::Alb,
        _ => return None,
    })
}
