//! Transit gateways (rules 18 and 19 of `docs/aws-rules.md`): the
//! attachment a packet enters by, its Availability Zone, the route table
//! associated with the attachment, the longest prefix match there, the
//! way into the far VPC (delivery, or that VPC's attachment subnet route
//! table: centralised egress, inspection), and the reply's way back
//! through the table associated with the attachment the reply enters on.
//!
//! AWS pages: "How transit gateways work"
//! <https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html>,
//! "Transit gateway route tables"
//! <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>,
//! "Amazon VPC attachments" (Availability Zones, appliance mode)
//! <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>,
//! "Network ACLs for transit gateways" (the attachment subnets' NACLs)
//! <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html>.

use std::net::IpAddr;

use awsreach_model::net::PortRange;
use awsreach_model::spec::MissingKind;
use awsreach_model::*;

use super::*;
use crate::code::Code;
use crate::engine::Addr;
use crate::fix::{Fix, Remedy, RuleDirection};
use crate::hop::{At, HopKind};
use crate::trace::Decision;

/// A crossing of a transit gateway whose reply is still to be checked: the
/// reply enters on `to` and must be routed back to `from`.
#[derive(Clone, Copy)]
pub(crate) struct TgwBack {
    pub(crate) tgw: TgwId,
    pub(crate) from: usize,
    pub(crate) to: usize,
    /// The source address as the far side sees it (the reply's destination).
    pub(crate) addr: Addr,
    /// The attachment's subnet the packet enters the far VPC by.
    pub(crate) entry: SubnetId,
}

impl<'e, S: Sink> Walk<'e, S> {
    /// The most specific route of table `t` of `g` for `addr`; on a tie
    /// the static route (listed first) wins over a propagated one.
    pub(crate) fn tgw_lookup(&self, g: TgwId, t: usize, addr: Addr) -> Option<&'e TgwRoute> {
        let routes = &self.sc.transit_gateways[g.ix()].route_tables[t].routes;
        self.tgw_lookup_ix(g, t, addr).map(|i| &routes[i])
    }

    /// [`Walk::tgw_lookup`], as the route's index in its table (for hops).
    pub(crate) fn tgw_lookup_ix(&self, g: TgwId, t: usize, addr: Addr) -> Option<usize> {
        let routes = &self.sc.transit_gateways[g.ix()].route_tables[t].routes;
        let mut best: Option<usize> = None;
        for (i, r) in routes.iter().enumerate() {
            if addr.in_net(&r.dest)
                && best.is_none_or(|b| r.dest.prefix_len() > routes[b].dest.prefix_len())
            {
                best = Some(i);
            }
        }
        best
    }

    fn az_of(&self, s: SubnetId) -> &'e str {
        &self.sc.subnets[s.ix()].az
    }

    /// Rule 19: the attachment's subnet in the Availability Zone of `s`.
    fn attachment_subnet_in_az(&self, a: &'e TgwAttachment, s: SubnetId) -> Option<SubnetId> {
        let az = self.az_of(s);
        a.subnets.iter().copied().find(|x| self.az_of(*x) == az)
    }

    /// Rule 18: a VPC route sends the packet from `src` to transit gateway `g`.
    pub(crate) fn via_tgw(
        &mut self,
        src: &Src<'e>,
        seen: Seen<'e>,
        dst: Dst,
        daddr: Addr,
        g: TgwId,
    ) -> Result<Next<'e>, Block> {
        let tg: &'e TransitGateway = &self.sc.transit_gateways[g.ix()];
        if let Some(m) = self.lacks(EntityRef::TransitGateway(g), MissingKind::TgwRoutes) {
            return Err(
                self.unknown(Code::UnknownTgwRoutes, HopKind::TransitGateway, m, |w| {
                    format!("where the transit gateway sends {}", daddr.show(w.sc))
                }),
            );
        }
        let vpc = self.sc.subnet_vpc(src.subnet);
        let Some(x) = tg.attachment_of(vpc) else {
            return Err(self.block(Code::TgwNotAttached, HopKind::TransitGateway, At::TgwNotAttached { tgw: g, vpc }, |w| {
                (format!("subnet {} routes {} to transit gateway {}, but {} has no attachment to it, so the transit gateway never receives the packet", w.subnet_name(src.subnet), daddr.show(w.sc), tg.name, w.vpc_name(vpc)), vec![Remedy::one(Fix::AddTgwAttachmentSubnet { tgw: tg.name.clone(), vpc: w.vpc_name(vpc).into(), subnet: w.subnet_name(src.subnet).into() })])
            }));
        };
        let xa = &tg.attachments[x];
        // Rule 19: only from an AZ where the attachment has a subnet.
        let Some(leave) = self.attachment_subnet_in_az(xa, src.subnet) else {
            return Err(self.no_attachment_in_az(g, x, src.subnet, false));
        };
        // Rule 18: the attachment's interface sits in `leave`, whose NACL
        // judges the packet by its inbound rules, even when the sender shares
        // the subnet; the reply, from the gateway to the sender, meets that
        // NACL's outbound rules, and no NACL at all when they share it. (A
        // packet the gateway itself sends on meets no NACL here.)
        if !matches!(src.what, SrcKind::Tgw(..)) {
            self.nacl_step(
                leave,
                RuleDirection::Ingress,
                seen.addr,
                PortRange::single(self.port),
            )?;
            if leave == src.subnet {
                self.pop_leg(src.subnet);
            } else {
                self.push_leg(leave, RuleDirection::Egress, seen.addr);
            }
        }
        let Some(table) = xa.route_table else {
            return Err(self.block(Code::TgwNotAssociated, HopKind::TransitGateway, At::TgwNotAssociated { tgw: g, attachment: x as u32 }, |w| {
                // Propose the tables that would route the destination.
                let fixes = (0..tg.route_tables.len())
                    .filter(|t| w.tgw_lookup(g, *t, daddr).is_some_and(|r| r.target.is_some()))
                    .map(|t| Remedy::one(Fix::AssociateTgwRouteTable { tgw: tg.name.clone(), vpc: w.vpc_name(vpc).into(), table: tg.route_tables[t].name.clone() }))
                    .collect();
                (format!("attachment {} of {} to transit gateway {} is associated with no route table, so the packets it brings in are not routed", xa.name, w.vpc_name(vpc), tg.name), fixes)
            }));
        };
        let tname = &tg.route_tables[table].name;
        let (ri, route) = match self.tgw_lookup_ix(g, table, daddr) {
            None => {
                let at = At::TgwNoRoute {
                    tgw: g,
                    table: table as u32,
                    to: daddr,
                };
                return Err(self.block(Code::NoRoute, HopKind::TransitGateway, at, |w| {
                    (format!("route table {tname} of transit gateway {} (associated with attachment {}) has no route for {}", tg.name, xa.name, daddr.show(w.sc)), w.tgw_route_fixes(g, table, daddr, None))
                }));
            }
            Some(i) => (i, tg.route_tables[table].routes[i]),
        };
        let Some(y) = route.target else {
            let at = At::TgwBlackhole {
                tgw: g,
                table: table as u32,
                route: ri as u32,
            };
            return Err(self.block(Code::BlackholeRoute, HopKind::TransitGateway, at, |w| {
                // Replace the blackhole by a route to the attachment whose
                // VPC holds the address (propagation would not help: a
                // static route wins over a propagated one).
                let fixes = tg
                    .attachments
                    .iter()
                    .find(|a| w.sc.vpcs[a.vpc.ix()].cidrs.iter().any(|c| daddr.in_net(&ipnet::IpNet::V4(*c))))
                    .map(|a| Remedy::one(Fix::AddTgwRoute { tgw: tg.name.clone(), table: tname.clone(), dest: route.dest.to_string(), vpc: w.vpc_name(a.vpc).into() }))
                    .into_iter()
                    .collect();
                (format!("route table {tname} of transit gateway {} drops {} (blackhole route {})", tg.name, daddr.show(w.sc), route.dest), fixes)
            }));
        };
        let ya = &tg.attachments[y];
        let far = ya.vpc;
        hop!(
            self,
            HopKind::TransitGateway,
            Decision::Pass,
            At::TgwRoute {
                tgw: g,
                from: x as u32,
                table: table as u32,
                route: ri as u32,
                to: daddr
            }
        );
        // Security-group references hold across the transit gateway only
        // when it enables them (SecurityGroupReferencingSupport).
        let seen = if tg.sg_referencing {
            seen
        } else {
            Seen {
                sgs: &[],
                src_sg_first: None,
                ..seen
            }
        };
        // The transit gateway enters the far VPC by the attachment's subnet
        // in the AZ the packet came from, else another of its subnets.
        let Some(entry) = self
            .attachment_subnet_in_az(ya, src.subnet)
            .or_else(|| ya.subnets.first().copied())
        else {
            return Err(self.no_attachment_in_az(g, y, src.subnet, false));
        };
        let back = TgwBack {
            tgw: g,
            from: x,
            to: y,
            addr: seen.addr,
            entry,
        };
        let inside = match daddr {
            Addr::V4(a) => self.sc.vpcs[far.ix()].contains(IpAddr::V4(a)),
            Addr::V6(a) => self.sc.vpcs[far.ix()].contains(IpAddr::V6(a)),
            _ => false,
        };
        if inside {
            self.tgw_back = Some(back);
            return self
                .deliver(far, seen, dst, false, Some(Target::TransitGateway(g)))
                .map(|()| Next::Arrived);
        }
        // Rule 18: unlike peering, the far VPC routes the packet on through
        // the attachment subnet's route table (centralised egress through
        // its NAT gateway, inspection appliances).
        let me = SrcKind::Tgw(g, y as u32);
        if self.loops_back(me) {
            return Err(self.routing_loop(
                (HopKind::TransitGateway, &tg.name, me),
                src,
                dst,
                daddr,
            ));
        }
        self.tgw_back = Some(back);
        let ip = match seen.addr {
            Addr::V4(a) => a,
            _ => src.ip,
        };
        Ok(Next::Forward(Src {
            name: &ya.name,
            subnet: entry,
            ip,
            ipv6: src.ipv6,
            public_ip: None,
            sgs: None,
            groups: None,
            what: me,
        }))
    }

    /// Rule 19: `subnet`'s AZ has no subnet of attachment `a` (`reply`: the
    /// replier's, for the way back).
    fn no_attachment_in_az(&mut self, g: TgwId, a: usize, subnet: SubnetId, reply: bool) -> Block {
        let tg: &'e TransitGateway = &self.sc.transit_gateways[g.ix()];
        let att = &tg.attachments[a];
        let az = self.az_of(subnet);
        let at = At::TgwNoAttachmentInAz {
            tgw: g,
            attachment: a as u32,
            subnet,
        };
        self.block(Code::TgwNoAttachmentInAz, HopKind::TransitGateway, at, |w| {
            let vpc = w.vpc_name(att.vpc);
            let who = if reply { "the reply from subnet" } else { "subnet" };
            let fix = if w.sc.subnet_vpc(subnet) == att.vpc {
                vec![Remedy::one(Fix::AddTgwAttachmentSubnet { tgw: tg.name.clone(), vpc: vpc.into(), subnet: w.subnet_name(subnet).into() })]
            } else {
                Vec::new()
            };
            (format!("{who} {} is in {az}, where the attachment {} of {vpc} to transit gateway {} has no subnet: resources in an Availability Zone without an attachment subnet cannot reach the transit gateway", w.subnet_name(subnet), att.name, tg.name), fix)
        })
    }

    /// The fixes for a transit gateway table that does not route `addr` to
    /// attachment `want` (else the attachment whose VPC holds `addr`):
    /// propagate that attachment, when its route would then be the most
    /// specific, or a static route (replacing a more specific wrong one).
    pub(crate) fn tgw_route_fixes(
        &self,
        g: TgwId,
        table: usize,
        addr: Addr,
        want: Option<usize>,
    ) -> Vec<Remedy> {
        let tg = &self.sc.transit_gateways[g.ix()];
        let holds = |a: &TgwAttachment| {
            self.sc.vpcs[a.vpc.ix()]
                .cidrs
                .iter()
                .find(|c| addr.in_net(&ipnet::IpNet::V4(**c)))
                .copied()
        };
        let Some(ai) = want.or_else(|| tg.attachments.iter().position(|a| holds(a).is_some()))
        else {
            return Vec::new();
        };
        let a = &tg.attachments[ai];
        let tname = tg.route_tables[table].name.clone();
        let vpc = self.vpc_name(a.vpc).to_string();
        let cidr: ipnet::IpNet = match holds(a) {
            Some(c) => ipnet::IpNet::V4(c),
            None => match addr.cidr().parse() {
                Ok(n) => n,
                Err(_) => return Vec::new(),
            },
        };
        let hit = self.tgw_lookup(g, table, addr);
        let mut fixes = Vec::new();
        // Propagation adds `cidr` unless a route to that prefix exists, and
        // helps only if nothing more specific covers the address.
        let propagated_only = holds(a).is_some()
            && !tg.route_tables[table].routes.iter().any(|r| r.dest == cidr)
            && hit.is_none_or(|h| h.dest.prefix_len() < cidr.prefix_len());
        if propagated_only {
            fixes.push(Remedy::one(Fix::PropagateTgwRoutes {
                tgw: tg.name.clone(),
                vpc: vpc.clone(),
                table: tname.clone(),
            }));
        }
        let dest = match hit {
            Some(h) if h.dest.prefix_len() >= cidr.prefix_len() => h.dest,
            _ => cidr,
        };
        fixes.push(Remedy::one(Fix::AddTgwRoute {
            tgw: tg.name.clone(),
            table: tname,
            dest: dest.to_string(),
            vpc,
        }));
        fixes
    }

    /// Rule 18: the reply of the crossing `b` leaves from `replier` (the
    /// destination, NAT gateway or appliance in the far VPC that answers or
    /// hands the packet on): its subnet's route table must send the source
    /// back to the transit gateway, its AZ must have an attachment subnet
    /// (rule 19), and the table associated with the attachment the reply
    /// enters on must route the source to the attachment it came from.
    pub(crate) fn tgw_return(&mut self, b: TgwBack, replier: SubnetId) -> Step {
        let tg: &'e TransitGateway = &self.sc.transit_gateways[b.tgw.ix()];
        let t = self.routes_of(replier, b.addr)?;
        let back = self.e.lpm[t.ix()]
            .lookup(b.addr)
            .map(|ri| self.sc.route_tables[t.ix()].routes[ri as usize].target);
        if back != Some(Target::TransitGateway(b.tgw)) {
            let via = Target::TransitGateway(b.tgw);
            let at = At::NoReturnVia {
                table: t,
                to: b.addr,
                via,
            };
            return Err(self.block(Code::NoReturnRoute, HopKind::RouteTable, at, |w| {
                let table = &w.sc.route_tables[t.ix()];
                let src_vpc = tg.attachments[b.from].vpc;
                let dest = w.sc.vpcs[src_vpc.ix()]
                    .cidrs
                    .iter()
                    .find(|c| b.addr.in_net(&ipnet::IpNet::V4(**c)))
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| b.addr.cidr());
                let dest = w.unclobbered(t, dest, b.addr);
                (format!("{} (route table of {}) has no route back to {} through transit gateway {}", table.name, w.subnet_name(replier), b.addr.show(w.sc), tg.name), vec![Remedy::one(Fix::AddRoute {
                    table: table.name.clone(),
                    vpc: w.vpc_name(table.vpc).into(),
                    dest,
                    target: w.sc.target_name(via),
                    spec_target: awsreach_model::spec::RouteTarget::TransitGateway(tg.name.clone()),
                })])
            }));
        }
        let ya = &tg.attachments[b.to];
        if self.attachment_subnet_in_az(ya, replier).is_none() {
            return Err(self.no_attachment_in_az(b.tgw, b.to, replier, true));
        }
        let Some(table) = ya.route_table else {
            let at = At::TgwNotAssociated {
                tgw: b.tgw,
                attachment: b.to as u32,
            };
            return Err(self.block(Code::NoReturnRoute, HopKind::TransitGateway, at, |w| {
                let fixes = (0..tg.route_tables.len())
                    .filter(|t| w.tgw_lookup(b.tgw, *t, b.addr).is_some_and(|r| r.target == Some(b.from)))
                    .map(|t| Remedy::one(Fix::AssociateTgwRouteTable { tgw: tg.name.clone(), vpc: w.vpc_name(ya.vpc).into(), table: tg.route_tables[t].name.clone() }))
                    .collect();
                (format!("the reply enters transit gateway {} on attachment {}, which is associated with no route table, so it is not routed back to {}", tg.name, ya.name, b.addr.show(w.sc)), fixes)
            }));
        };
        let tname = &tg.route_tables[table].name;
        let hit_ix = self.tgw_lookup_ix(b.tgw, table, b.addr);
        let hit = hit_ix.map(|i| tg.route_tables[table].routes[i]);
        if hit.and_then(|r| r.target) != Some(b.from) {
            let xa = &tg.attachments[b.from];
            let at = At::TgwReplyLost {
                tgw: b.tgw,
                table: table as u32,
                route: hit_ix.map(|i| i as u32),
                to: b.addr,
            };
            return Err(self.block(Code::NoReturnRoute, HopKind::TransitGateway, at, |w| {
                let what = match hit {
                    None => "has no route back to".to_string(),
                    Some(r) => format!("sends the reply to {} ({}) instead of attachment {} for", r.target.map(|a| tg.attachments[a].name.as_str()).unwrap_or("a blackhole"), r.dest, xa.name),
                };
                (format!("route table {tname} of transit gateway {} (associated with attachment {}, where the reply enters) {what} {}", tg.name, ya.name, b.addr.show(w.sc)), w.tgw_route_fixes(b.tgw, table, b.addr, Some(b.from)))
            }));
        }
        hop!(
            self,
            HopKind::TransitGateway,
            Decision::Pass,
            At::TgwReply {
                tgw: b.tgw,
                on: b.to as u32,
                table: table as u32,
                back: b.from as u32,
                to: b.addr
            }
        );
        Ok(())
    }

    /// Traffic a transit gateway brought into this VPC cannot go on through
    /// a peering connection or a gateway endpoint: both serve only the
    /// VPC's own traffic (rules 12 and 15).
    pub(crate) fn not_transitive(&mut self, src: &Src<'e>, daddr: Addr, via: Target) -> Block {
        let what = match via {
            Target::Peering(_) => "a peering connection",
            _ => "a gateway endpoint",
        };
        let at = At::NotTransitive {
            table: self.table_of(src.subnet),
            to: daddr,
            via,
        };
        self.block(Code::NoRoute, HopKind::RouteTable, at, |w| {
            (format!("subnet {} sends the traffic transit gateway attachment {} brings in to {} ({what}), which carries only the VPC's own traffic, never traffic from a transit gateway", w.subnet_name(src.subnet), src.name, w.sc.target_name(via)), Vec::new())
        })
    }
}
