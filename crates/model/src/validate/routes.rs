//! Validation of routes: route tables' routes and their targets, and
//! transit gateway attachments and route tables.

use std::collections::HashSet;

use ipnet::IpNet;

use crate::error::Problem;
use crate::scenario::*;
use crate::spec::*;

use super::{Lazy, Validator, path, resolve_in};

impl Validator<'_> {
    pub(super) fn route_target(
        &mut self,
        t: &RouteTarget,
        vpc: VpcId,
        at: &dyn Fn() -> String,
        entity: &str,
    ) -> Option<Target> {
        Some(match t {
            RouteTarget::Local => Target::Local,
            RouteTarget::Blackhole => Target::Blackhole,
            RouteTarget::Igw(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.igw,
                    EntityKind::InternetGateway,
                    n,
                    Lazy(at),
                    entity,
                )?;
                self.same_vpc(
                    "internet gateway",
                    n,
                    self.out.internet_gateways[g.ix()].vpc,
                    vpc,
                    Lazy(at),
                    entity,
                )
                .then_some(Target::Igw(g))?
            }
            RouteTarget::EgressOnlyIgw(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.eigw,
                    EntityKind::EgressOnlyIgw,
                    n,
                    Lazy(at),
                    entity,
                )?;
                self.same_vpc(
                    "egress-only internet gateway",
                    n,
                    self.out.egress_only_igws[g.ix()].vpc,
                    vpc,
                    Lazy(at),
                    entity,
                )
                .then_some(Target::EgressOnlyIgw(g))?
            }
            RouteTarget::Nat(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.nat,
                    EntityKind::NatGateway,
                    n,
                    Lazy(at),
                    entity,
                )?;
                let gv = self.out.subnets[self.out.nat_gateways[g.ix()].subnet.ix()].vpc;
                self.same_vpc("nat gateway", n, gv, vpc, Lazy(at), entity)
                    .then_some(Target::Nat(g))?
            }
            RouteTarget::Endpoint(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.vpce,
                    EntityKind::VpcEndpoint,
                    n,
                    Lazy(at),
                    entity,
                )?;
                self.same_vpc(
                    "vpc endpoint",
                    n,
                    self.out.endpoints[g.ix()].vpc,
                    vpc,
                    Lazy(at),
                    entity,
                )
                .then_some(Target::Endpoint(g))?
            }
            RouteTarget::Peering(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.peering,
                    EntityKind::Peering,
                    n,
                    Lazy(at),
                    entity,
                )?;
                if self.out.peerings[g.ix()].other(vpc).is_none() {
                    let p = &self.out.peerings[g.ix()];
                    let (found, expected) = (
                        format!(
                            "{} <-> {}",
                            self.vpc_name(p.requester),
                            self.vpc_name(p.accepter)
                        ),
                        self.vpc_name(vpc),
                    );
                    self.err(
                        at(),
                        entity,
                        Problem::CrossVpc {
                            what: "peering connection",
                            id: n.clone(),
                            found,
                            expected,
                        },
                    );
                    return None;
                }
                Target::Peering(g)
            }
            RouteTarget::TransitGateway(n) => Target::TransitGateway(resolve_in(
                &mut self.diags,
                &self.tgw,
                EntityKind::TransitGateway,
                n,
                Lazy(at),
                entity,
            )?),
            RouteTarget::Eni(n) => {
                let r = resolve_in(
                    &mut self.diags,
                    &self.resource,
                    EntityKind::Resource,
                    n,
                    Lazy(at),
                    entity,
                )?;
                let eni = self.out.resources[r.ix()].eni;
                let ev = self.out.subnets[self.out.enis[eni.ix()].subnet.ix()].vpc;
                self.same_vpc("resource", n, ev, vpc, Lazy(at), entity)
                    .then_some(Target::Eni(eni))?
            }
        })
    }

    pub(super) fn routes(&mut self) {
        let spec = self.spec;
        // Implicit local routes first (rule 9, docs/aws-rules.md: they cover the VPC's CIDRs).
        for t in &mut self.out.route_tables {
            let v = &self.out.vpcs[t.vpc.ix()];
            for c in &v.cidrs {
                t.routes.push(Route {
                    dest: RouteDest::Cidr(IpNet::V4(*c)),
                    target: Target::Local,
                    origin: RouteOrigin::Local,
                });
            }
            if let Some(c) = v.ipv6_cidr {
                t.routes.push(Route {
                    dest: RouteDest::Cidr(IpNet::V6(c)),
                    target: Target::Local,
                    origin: RouteOrigin::Local,
                });
            }
        }
        for t in &spec.route_tables {
            let Some(&rt) = self.rt.get(t.id.as_str()) else {
                continue;
            };
            let vpc = self.out.route_tables[rt.ix()].vpc;
            let mut seen: HashSet<&str> = HashSet::with_capacity(t.routes.len());
            for r in &t.routes {
                let at = || path("route_tables", &t.id, &format!("routes[{}]", r.dest));
                let dest = if let Some(svc) = r.dest.strip_prefix("pl:") {
                    match self.service.get(svc) {
                        Some(s) => RouteDest::PrefixList(*s),
                        None => {
                            self.resolve_service(svc, at(), &t.id);
                            continue;
                        }
                    }
                } else {
                    // Valid CIDRs need no path; invalid ones get parse_net's message.
                    match r.dest.parse::<IpNet>() {
                        Ok(n) if n.trunc() == n => RouteDest::Cidr(n),
                        _ => match self.parse_net(&r.dest, at(), &t.id) {
                            Some(n) => RouteDest::Cidr(n),
                            None => continue,
                        },
                    }
                };
                if !seen.insert(r.dest.as_str()) {
                    self.err(
                        at(),
                        &t.id,
                        Problem::DuplicateRoute {
                            dest: r.dest.clone(),
                        },
                    );
                }
                let Some(target) = self.route_target(&r.target, vpc, &at, &t.id) else {
                    continue;
                };
                // Family rules: egress-only IGWs carry IPv6 only, NAT gateways IPv4 only.
                let need = match (target, dest) {
                    (Target::EgressOnlyIgw(_), RouteDest::Cidr(IpNet::V4(_))) => Some(6),
                    (Target::Nat(_), RouteDest::Cidr(IpNet::V6(_))) => Some(4),
                    _ => None,
                };
                if let Some(need) = need {
                    self.err(
                        at(),
                        &t.id,
                        Problem::RouteFamily {
                            dest: r.dest.clone(),
                            target: format!("{:?}", r.target),
                            need,
                        },
                    );
                    continue;
                }
                self.out.route_tables[rt.ix()].routes.push(Route {
                    dest,
                    target,
                    origin: RouteOrigin::Declared,
                });
            }
        }
        // Gateway endpoints add their prefix-list route to each associated table (rule 12, docs/aws-rules.md).
        for (i, e) in self.out.endpoints.iter().enumerate() {
            if e.kind != EndpointKind::Gateway {
                continue;
            }
            for rt in &e.route_tables {
                let routes = &mut self.out.route_tables[rt.ix()].routes;
                let dest = RouteDest::PrefixList(e.service);
                if !routes.iter().any(|r| r.dest == dest) {
                    routes.push(Route {
                        dest,
                        target: Target::Endpoint(EndpointId(i as u32)),
                        origin: RouteOrigin::GatewayEndpoint,
                    });
                }
            }
        }
    }
}
