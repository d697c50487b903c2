//! Warnings: legal but suspicious configurations, checked only when the
//! scenario has no errors.

use crate::error::Problem;
use crate::scenario::*;
use crate::spec::*;

use super::{Validator, path};

impl Validator<'_> {
    /// Legal but suspicious configurations.
    pub(super) fn warnings(&mut self) {
        let mut found = Vec::new();
        // Once per subnet, not per resource: a table can hold 1,000 routes.
        let public: Vec<bool> = (0..self.out.subnets.len())
            .map(|s| self.out.is_public_subnet(SubnetId(s as u32)))
            .collect();
        let is_public = |s: SubnetId| public[s.ix()];
        for n in &self.out.nat_gateways {
            if n.public && !is_public(n.subnet) {
                found.push((
                    path("nat_gateways", &n.name, "subnet"),
                    n.name.clone(),
                    Problem::NatWithoutInternetRoute {
                        nat: n.name.clone(),
                        subnet: self.out.subnets[n.subnet.ix()].name.clone(),
                    },
                ));
            }
        }
        for r in &self.out.resources {
            let eni = &self.out.enis[r.eni.ix()];
            let public = is_public(eni.subnet);
            let subnet = self.out.subnets[eni.subnet.ix()].name.clone();
            if eni.public_ip.is_some() && !public {
                found.push((
                    path("resources", &r.name, "public_ip"),
                    r.name.clone(),
                    Problem::PublicIpInPrivateSubnet {
                        id: r.name.clone(),
                        subnet,
                    },
                ));
            } else if eni.public_ip.is_none() && public {
                // A dual-stack ENI whose subnet sends ::/0 to the internet
                // gateway still has the internet over IPv6 (rule 24).
                let rt = &self.out.route_tables[self.out.subnets[eni.subnet.ix()].route_table.ix()];
                let v6_out = rt.routes.iter().any(|r| {
                    matches!(r.target, Target::Igw(_))
                        && matches!(r.dest, RouteDest::Cidr(ipnet::IpNet::V6(n)) if n.prefix_len() == 0)
                });
                let problem = match eni.ipv6 {
                    Some(a) if v6_out => Problem::Ipv6OnlyInPublicSubnet {
                        id: r.name.clone(),
                        subnet,
                        ipv6: a.to_string(),
                    },
                    _ => Problem::NoPublicIpInPublicSubnet {
                        id: r.name.clone(),
                        subnet,
                    },
                };
                found.push((
                    path("resources", &r.name, "public_ip"),
                    r.name.clone(),
                    problem,
                ));
            }
        }
        for f in &self.out.functions {
            let Some(v) = &f.vpc else { continue };
            if let Some(s) = v.subnets.iter().find(|s| is_public(**s)) {
                found.push((
                    path("functions", &f.name, "vpc.subnets"),
                    f.name.clone(),
                    Problem::FunctionInPublicSubnet {
                        function: f.name.clone(),
                        subnet: self.out.subnets[s.ix()].name.clone(),
                    },
                ));
            }
        }
        for e in &self.out.endpoints {
            if e.kind == EndpointKind::Gateway && e.route_tables.is_empty() {
                found.push((
                    path("vpc_endpoints", &e.name, "route_tables"),
                    e.name.clone(),
                    Problem::GatewayEndpointUnused { id: e.name.clone() },
                ));
            }
        }
        for (p, id, problem) in found {
            self.err(p, &id, problem);
        }
    }
}
