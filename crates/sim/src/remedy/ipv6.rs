//! IPv6 remedies: a route towards an IPv6 destination (the internet through
//! an egress-only or internet gateway, another VPC through the peering
//! connection or transit gateway that joins the two), and an IPv6 address
//! for an end that has none (rule 24).

use std::net::{IpAddr, Ipv6Addr};

use awsreach_model::spec::RouteTarget as RT;
use awsreach_model::*;

use crate::engine::Addr;
use crate::fix::{Fix, Remedy};
use crate::walk::{Sink, Src, Walk};

impl<'e, S: Sink> Walk<'e, S> {
    /// The VPC whose IPv6 block holds `daddr`, if any.
    fn v6_vpc(&self, daddr: Addr) -> Option<VpcId> {
        let Addr::V6(a) = daddr else { return None };
        self.sc
            .vpcs
            .iter()
            .position(|v| v.contains(IpAddr::V6(a)))
            .map(|i| VpcId(i as u32))
    }

    /// Remedies for a source in `vpc` without a (working) route to the
    /// IPv6 address `daddr`. An address of another VPC is reached over the
    /// peering connection or transit gateway that joins the two, by a route
    /// for that VPC's IPv6 block (a route over the internet would bypass
    /// them; rules 15 and 18). When nothing joins them, the internet reaches
    /// the address if its VPC has an internet gateway (IPv6 addresses are
    /// global, rule 24), else no route can. An address of the source's own
    /// VPC is covered by the local route; nothing to add. Anything else is
    /// the internet: `::/0` to the egress-only (or internet) gateway (rule 8).
    /// <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html>
    /// <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html>
    pub(crate) fn ipv6_route_fixes(
        &self,
        vpc: VpcId,
        daddr: Addr,
        table: RouteTableId,
        replace: Option<String>,
    ) -> Vec<Remedy> {
        match self.v6_vpc(daddr) {
            Some(tv) if tv == vpc => Vec::new(),
            Some(tv) => {
                if let Some((t, name)) = self.joined_by(vpc, tv) {
                    let block = self.sc.vpcs[tv.ix()]
                        .ipv6_cidr
                        .expect("the VPC holds an IPv6 address")
                        .to_string();
                    let dest = replace.unwrap_or(block);
                    return vec![Remedy::one(self.add_route(table, dest, t, name))];
                }
                // Nothing joins the two, but IPv6 addresses are global: a
                // VPC with an internet gateway is reached over the internet
                // (its subnet's own routes and filters are the next hops).
                if self.sc.vpcs[tv.ix()].internet_gateway.is_some() {
                    self.ipv6_internet_fixes(vpc, table, replace)
                } else {
                    Vec::new()
                }
            }
            None => self.ipv6_internet_fixes(vpc, table, replace),
        }
    }

    /// `::/0` to the VPC's egress-only (else internet) gateway (rule 8).
    fn ipv6_internet_fixes(
        &self,
        vpc: VpcId,
        table: RouteTableId,
        replace: Option<String>,
    ) -> Vec<Remedy> {
        let v = &self.sc.vpcs[vpc.ix()];
        let dest = replace.unwrap_or_else(|| "::/0".into());
        let target = match (v.egress_only_igw, v.internet_gateway) {
            (Some(g), _) => {
                let name = self.sc.egress_only_igws[g.ix()].name.clone();
                Some((RT::EgressOnlyIgw(name.clone()), name))
            }
            (None, Some(g)) => {
                let name = self.sc.internet_gateways[g.ix()].name.clone();
                Some((RT::Igw(name.clone()), name))
            }
            (None, None) => None,
        };
        target
            .map(|(t, name)| Remedy::one(self.add_route(table, dest, t, name)))
            .into_iter()
            .collect()
    }

    /// What joins VPCs `a` and `b`: a peering connection between them, else
    /// a transit gateway both are attached to (as a route target). Used for
    /// IPv4 routes too.
    pub(crate) fn joined_by(&self, a: VpcId, b: VpcId) -> Option<(RT, String)> {
        if let Some(p) = self.sc.peerings.iter().find(|p| p.other(a) == Some(b)) {
            return Some((RT::Peering(p.name.clone()), p.name.clone()));
        }
        self.sc
            .transit_gateways
            .iter()
            .find(|g| g.attachment_of(a).is_some() && g.attachment_of(b).is_some())
            .map(|g| (RT::TransitGateway(g.name.clone()), g.name.clone()))
    }

    /// A source in another VPC sent an IPv6 packet for VPC `to` out to the
    /// internet (its default route won, no route for `to`'s block): when
    /// the two VPCs are joined, the fix is a route for `to`'s IPv6 block, in
    /// the sender's table, over what joins them.
    pub(crate) fn ipv6_join_fixes(&self, from: Addr, to: VpcId) -> Vec<Remedy> {
        let Addr::V6(a) = from else { return Vec::new() };
        let Some(&e) = self.e.eni_by_ipv6.get(&a) else {
            return Vec::new();
        };
        let subnet = self.sc.enis[e.ix()].subnet;
        let vpc = self.sc.subnet_vpc(subnet);
        let Some(block) = self.sc.vpcs[to.ix()].ipv6_cidr.filter(|_| vpc != to) else {
            return Vec::new();
        };
        self.joined_by(vpc, to)
            .map(|(t, name)| {
                Remedy::one(self.add_route(self.table_of(subnet), block.to_string(), t, name))
            })
            .into_iter()
            .collect()
    }

    /// Why no route is proposed towards the IPv6 address `daddr` from a
    /// source in `vpc`, when that is so: its VPC and the source's are not
    /// joined by anything, and its VPC has no internet gateway.
    pub(crate) fn ipv6_unjoined(&self, vpc: VpcId, daddr: Addr) -> Option<String> {
        let tv = self.v6_vpc(daddr).filter(|tv| *tv != vpc)?;
        if self.joined_by(vpc, tv).is_some() || self.sc.vpcs[tv.ix()].internet_gateway.is_some() {
            return None;
        }
        Some(format!(
            "; {daddr} is in {}, no peering connection or transit gateway joins {} and {}, and {} has no internet gateway, so no route can reach it",
            self.vpc_name(tv),
            self.vpc_name(vpc),
            self.vpc_name(tv),
            self.vpc_name(tv),
            daddr = daddr.show(self.sc)
        ))
    }

    /// Remedies for a resource whose ENI has no IPv6 address on an IPv6
    /// flow (rule 24): in a subnet with an IPv6 block, assign it an address
    /// from that block (AssignIpv6Addresses picks one from the subnet's IPv6
    /// CIDR block); without one there is nothing to assign from, and the
    /// second value says what is needed instead (an IPv6 block for the VPC
    /// and the subnet, which Amazon allocates: no fix names it).
    /// <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssignIpv6Addresses.html>
    /// <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html>
    pub(crate) fn assign_ipv6_fixes(&self, r: ResourceId) -> (Vec<Remedy>, Option<String>) {
        let res = &self.sc.resources[r.ix()];
        let eni = &self.sc.enis[res.eni.ix()];
        let sn = &self.sc.subnets[eni.subnet.ix()];
        let Some(net) = sn.ipv6_cidr else {
            let vpc = self.sc.subnet_vpc(eni.subnet);
            let needs = if self.sc.vpcs[vpc.ix()].ipv6_cidr.is_some() {
                format!("an IPv6 CIDR block for subnet {}", sn.name)
            } else {
                format!(
                    "an IPv6 CIDR block for {} and then for subnet {}",
                    self.vpc_name(vpc),
                    sn.name
                )
            };
            return (
                Vec::new(),
                Some(format!(
                    "; subnet {} has no IPv6 CIDR block, so {} needs {needs} before it can be assigned an IPv6 address",
                    sn.name, res.name
                )),
            );
        };
        // The address at the ENI's IPv4 offset in the subnet (as Lambda's
        // dual-stack ENIs get, rule 8), else the next one nobody holds.
        let offset = u128::from(u32::from(eni.private_ip) - u32::from(sn.cidr.network()));
        let base = u128::from(net.network());
        let ip = (0..)
            .map(|k| Ipv6Addr::from(base + ((offset + k) & 0xffff_ffff_ffff_ffff)))
            .find(|a| !self.e.eni_by_ipv6.contains_key(a) && *a != net.network())
            .expect("a /64 has a free address");
        (
            vec![Remedy::one(Fix::AssignIpv6 {
                resource: res.name.clone(),
                ip: ip.to_string(),
            })],
            None,
        )
    }

    /// [`Walk::assign_ipv6_fixes`] for the sender of a flow, when it is a resource.
    pub(crate) fn sender_ipv6_fixes(&self, src: &Src<'e>) -> (Vec<Remedy>, Option<String>) {
        match src.what {
            crate::walk::SrcKind::Resource(r) => self.assign_ipv6_fixes(r),
            _ => (Vec::new(), None),
        }
    }
}
