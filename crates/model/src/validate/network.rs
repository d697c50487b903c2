//! Validation passes over the network skeleton: catalog services, VPCs and
//! what hangs off them, subnets, AWS's implicit defaults, and the ids of
//! peerings and transit gateways.

use std::collections::{HashMap, HashSet};

use crate::catalog::{self, Invokes};
use crate::edit::defaults;
use crate::error::Problem;
use crate::scenario::*;

use super::{Validator, path};

impl Validator<'_> {
    /// Every catalog service, with the scenario's overrides; `declared`
    /// marks those the scenario lists or references.
    pub(super) fn services(&mut self) {
        let region = self.spec.region.clone();
        for e in catalog::catalog() {
            self.service
                .insert(e.id.clone(), ServiceId(self.out.services.len() as u32));
            self.out.services.push(Service {
                id: e.id.clone(),
                name: e.name.clone(),
                hostname: e.hostname(&region),
                hostnames: e.hostnames(&region),
                in_catalog: true,
                endpoint_service: e.endpoint_service_name(&region),
                gateway_endpoint: e.gateway_endpoint,
                interface_endpoint: e.interface_endpoint,
                invokes: e.invokes,
                principal: e.principal.clone(),
                default_action: e.default_action.clone(),
                declared: false,
            });
        }
        let mut seen = HashSet::new();
        for (i, s) in self.spec.services.iter().enumerate() {
            let at = format!("services[{i}]");
            if !seen.insert(s.id.as_str()) {
                self.err(
                    at,
                    &s.id,
                    Problem::DuplicateId {
                        id: s.id.clone(),
                        other: "an earlier services entry".into(),
                    },
                );
                continue;
            }
            let id = match self.service.get(s.id.as_str()).copied() {
                Some(id) => {
                    // The catalog's names are data about AWS, not overrides.
                    if s.name.is_some()
                        || s.hostname.is_some()
                        || s.endpoint_service.is_some()
                        || s.action.is_some()
                    {
                        self.err(
                            at.clone(),
                            &s.id,
                            Problem::CatalogServiceFixed { id: s.id.clone() },
                        );
                    }
                    id
                }
                None => match self.extra_service(s, &at, &region) {
                    Some(id) => id,
                    None => continue,
                },
            };
            let svc = &mut self.out.services[id.ix()];
            svc.declared = true;
            if let Some(g) = s.gateway_endpoint {
                svc.gateway_endpoint = g;
            }
            if let Some(x) = s.interface_endpoint {
                svc.interface_endpoint = x;
            }
            if let Some(inv) = s.invokes_lambda {
                svc.invokes = match (inv, svc.invokes) {
                    (false, _) => Invokes::None,
                    (true, Invokes::None) => Invokes::Push,
                    (true, other) => other,
                };
            }
        }
    }

    /// A service outside the catalog (rule 14: which services have which
    /// endpoints is data): its id a DNS label sequence, its endpoint kinds
    /// said, AWS's usual names unless given.
    fn extra_service(
        &mut self,
        s: &crate::spec::ServiceSpec,
        at: &str,
        region: &str,
    ) -> Option<ServiceId> {
        if let Some(reason) = super::hostname::problem(&s.id) {
            self.invalid(
                format!("{at}.id"),
                &s.id,
                "service id",
                &s.id,
                format!(
                    "{reason}; a service outside the catalog is named like its endpoint, e.g. bedrock-runtime"
                ),
            );
            return None;
        }
        let (Some(gateway), Some(interface)) = (s.gateway_endpoint, s.interface_endpoint) else {
            let suggestion =
                crate::suggest(&s.id, catalog::catalog().iter().map(|c| c.id.as_str()));
            self.err(
                format!("{at}.id"),
                &s.id,
                Problem::ExtraServiceKinds {
                    id: s.id.clone(),
                    suggestion,
                },
            );
            return None;
        };
        let hostname = match &s.hostname {
            Some(h) => {
                if let Some(reason) = super::hostname::problem(h) {
                    self.invalid(
                        format!("{at}.hostname"),
                        &s.id,
                        "hostname",
                        h,
                        format!("{reason}, e.g. bedrock-runtime.{region}.amazonaws.com"),
                    );
                    return None;
                }
                super::hostname::normalize(h)
            }
            None => format!("{}.{region}.amazonaws.com", s.id.to_ascii_lowercase()),
        };
        if let Some(other) = self
            .out
            .services
            .iter()
            .find(|o| o.hostnames.iter().any(|n| n.matches(&hostname)))
        {
            let other = other.id.clone();
            self.invalid(
                format!("{at}.hostname"),
                &s.id,
                "hostname",
                &hostname,
                format!("it is a hostname of service `{other}`"),
            );
            return None;
        }
        let id = ServiceId(self.out.services.len() as u32);
        self.service.insert(s.id.clone(), id);
        self.out.services.push(Service {
            id: s.id.clone(),
            name: s.name.clone().unwrap_or_else(|| s.id.clone()),
            hostnames: vec![ServiceHostname {
                name: hostname.clone(),
                private_dns: true,
            }],
            hostname,
            in_catalog: false,
            endpoint_service: s
                .endpoint_service
                .clone()
                .unwrap_or_else(|| format!("com.amazonaws.{region}.{}", s.id)),
            gateway_endpoint: gateway,
            interface_endpoint: interface,
            invokes: Invokes::None,
            principal: format!("{}.amazonaws.com", s.id),
            // Without `action`, an endpoint policy cannot be asked (refused
            // in `endpoints`); this stands for "any action of the service".
            default_action: s.action.clone().unwrap_or_else(|| format!("{}:*", s.id)),
            declared: false,
        });
        Some(id)
    }

    pub(super) fn vpcs(&mut self) {
        let spec = self.spec;
        for v in &spec.vpcs {
            if !self.declare("vpcs", &v.id, EntityKind::Vpc) {
                continue;
            }
            let mut cidrs = Vec::new();
            if let Some(c) = self.parse_v4net(&v.cidr, path("vpcs", &v.id, "cidr"), &v.id) {
                cidrs.push(c);
            }
            for c in &v.secondary_cidrs {
                if let Some(c) = self.parse_v4net(c, path("vpcs", &v.id, "secondary_cidrs"), &v.id)
                {
                    cidrs.push(c);
                }
            }
            let ipv6_cidr = v
                .ipv6_cidr
                .as_deref()
                .and_then(|c| self.parse_v6net(c, path("vpcs", &v.id, "ipv6_cidr"), &v.id));
            self.vpc.insert(&v.id, VpcId(self.out.vpcs.len() as u32));
            self.out.vpcs.push(Vpc {
                name: v.id.clone(),
                cidrs,
                ipv6_cidr,
                dns_support: v.dns_support,
                dns_hostnames: v.dns_hostnames,
                // Filled in by `defaults`.
                main_route_table: RouteTableId(u32::MAX),
                default_nacl: NaclId(u32::MAX),
                default_sg: SgId(u32::MAX),
                internet_gateway: None,
                egress_only_igw: None,
                subnets: Vec::new(),
            });
        }
    }

    /// Entities that hang off a VPC: route tables, gateways, groups, NACLs.
    pub(super) fn vpc_children(&mut self) {
        let spec = self.spec;
        let vpc_map = self.vpc.clone();
        for t in &spec.route_tables {
            let ok = self.declare("route_tables", &t.id, EntityKind::RouteTable);
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &t.vpc,
                path("route_tables", &t.id, "vpc"),
                &t.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            if t.main {
                let v = &self.out.vpcs[vpc.ix()];
                if v.main_route_table.0 != u32::MAX {
                    let (vn, a) = (
                        v.name.clone(),
                        self.out.route_tables[v.main_route_table.ix()].name.clone(),
                    );
                    self.err(
                        path("route_tables", &t.id, "main"),
                        &t.id,
                        Problem::TwoMainTables {
                            vpc: vn,
                            a,
                            b: t.id.clone(),
                        },
                    );
                } else {
                    self.out.vpcs[vpc.ix()].main_route_table =
                        RouteTableId(self.out.route_tables.len() as u32);
                }
            }
            self.rt
                .insert(&t.id, RouteTableId(self.out.route_tables.len() as u32));
            self.out.route_tables.push(RouteTable {
                name: t.id.clone(),
                vpc,
                main: t.main,
                declared: true,
                routes: Vec::new(),
            });
        }
        for g in &spec.internet_gateways {
            let ok = self.declare("internet_gateways", &g.id, EntityKind::InternetGateway);
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &g.vpc,
                path("internet_gateways", &g.id, "vpc"),
                &g.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let id = IgwId(self.out.internet_gateways.len() as u32);
            if let Some(prev) = self.out.vpcs[vpc.ix()].internet_gateway {
                let (vn, a) = (
                    self.vpc_name(vpc),
                    self.out.internet_gateways[prev.ix()].name.clone(),
                );
                self.err(
                    path("internet_gateways", &g.id, "vpc"),
                    &g.id,
                    Problem::TwoInternetGateways {
                        vpc: vn,
                        a,
                        b: g.id.clone(),
                    },
                );
            } else {
                self.out.vpcs[vpc.ix()].internet_gateway = Some(id);
            }
            self.igw.insert(&g.id, id);
            self.out.internet_gateways.push(InternetGateway {
                name: g.id.clone(),
                vpc,
            });
        }
        for g in &spec.egress_only_internet_gateways {
            let ok = self.declare(
                "egress_only_internet_gateways",
                &g.id,
                EntityKind::EgressOnlyIgw,
            );
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &g.vpc,
                path("egress_only_internet_gateways", &g.id, "vpc"),
                &g.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let id = EigwId(self.out.egress_only_igws.len() as u32);
            self.out.vpcs[vpc.ix()].egress_only_igw.get_or_insert(id);
            self.eigw.insert(&g.id, id);
            self.out.egress_only_igws.push(EgressOnlyIgw {
                name: g.id.clone(),
                vpc,
            });
        }
        for g in &spec.security_groups {
            let ok = self.declare("security_groups", &g.id, EntityKind::SecurityGroup);
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &g.vpc,
                path("security_groups", &g.id, "vpc"),
                &g.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let id = SgId(self.out.security_groups.len() as u32);
            if g.default {
                let cur = self.out.vpcs[vpc.ix()].default_sg;
                if cur.0 != u32::MAX {
                    let (vn, a) = (
                        self.vpc_name(vpc),
                        self.out.security_groups[cur.ix()].name.clone(),
                    );
                    self.err(
                        path("security_groups", &g.id, "default"),
                        &g.id,
                        Problem::TwoDefaults {
                            vpc: vn,
                            what: "security groups",
                            a,
                            b: g.id.clone(),
                        },
                    );
                } else {
                    self.out.vpcs[vpc.ix()].default_sg = id;
                }
            }
            self.sg.insert(&g.id, id);
            self.out.security_groups.push(SecurityGroup {
                name: g.id.clone(),
                vpc,
                declared: true,
                ingress: Vec::new(),
                egress: Vec::new(),
            });
        }
        for n in &spec.network_acls {
            let ok = self.declare("network_acls", &n.id, EntityKind::NetworkAcl);
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &n.vpc,
                path("network_acls", &n.id, "vpc"),
                &n.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let id = NaclId(self.out.network_acls.len() as u32);
            if n.default {
                let cur = self.out.vpcs[vpc.ix()].default_nacl;
                if cur.0 != u32::MAX {
                    let (vn, a) = (
                        self.vpc_name(vpc),
                        self.out.network_acls[cur.ix()].name.clone(),
                    );
                    self.err(
                        path("network_acls", &n.id, "default"),
                        &n.id,
                        Problem::TwoDefaults {
                            vpc: vn,
                            what: "network acls",
                            a,
                            b: n.id.clone(),
                        },
                    );
                } else {
                    self.out.vpcs[vpc.ix()].default_nacl = id;
                }
            }
            self.nacl.insert(&n.id, id);
            self.out.network_acls.push(NetworkAcl {
                name: n.id.clone(),
                vpc,
                declared: true,
                ingress: Vec::new(),
                egress: Vec::new(),
            });
        }
    }

    /// Main route table, default NACL (allow all) and default security group
    /// (ingress from itself, all egress) for VPCs that declare none: what
    /// AWS creates with every VPC (Amazon VPC user guide, "Route tables",
    /// "Default network ACL", "Default security groups").
    pub(super) fn defaults(&mut self) {
        for vi in 0..self.out.vpcs.len() {
            let vpc = VpcId(vi as u32);
            let name = self.out.vpcs[vi].name.clone();
            // A VPC with an IPv6 block also gets the IPv6 twins of the default
            // "allow all" rules: NACL rule 101 for ::/0 and a ::/0 outbound
            // rule in the default group ("Default network ACL", "Default
            // security groups" in the Amazon VPC user guide).
            let ipv6 = self.out.vpcs[vi].ipv6_cidr.is_some();
            if self.out.vpcs[vi].main_route_table.0 == u32::MAX {
                self.out.vpcs[vi].main_route_table =
                    RouteTableId(self.out.route_tables.len() as u32);
                self.out.route_tables.push(RouteTable {
                    name: defaults::main_route_table_name(&name),
                    vpc,
                    main: true,
                    declared: false,
                    routes: Vec::new(),
                });
            }
            if self.out.vpcs[vi].default_nacl.0 == u32::MAX {
                self.out.vpcs[vi].default_nacl = NaclId(self.out.network_acls.len() as u32);
                let rules = defaults::default_nacl_rules(ipv6);
                self.out.network_acls.push(NetworkAcl {
                    name: defaults::default_nacl_name(&name),
                    vpc,
                    declared: false,
                    ingress: rules.clone(),
                    egress: rules,
                });
            }
            if self.out.vpcs[vi].default_sg.0 == u32::MAX {
                let id = SgId(self.out.security_groups.len() as u32);
                self.out.vpcs[vi].default_sg = id;
                self.out.security_groups.push(SecurityGroup {
                    name: defaults::default_sg_name(&name),
                    vpc,
                    declared: false,
                    ingress: defaults::default_sg_ingress(id),
                    egress: defaults::default_sg_egress(ipv6),
                });
            }
        }
        // Subnets without an explicit association use the main table / default NACL.
        for si in 0..self.out.subnets.len() {
            let v = self.out.subnets[si].vpc;
            if self.out.subnets[si].route_table.0 == u32::MAX {
                self.out.subnets[si].route_table = self.out.vpcs[v.ix()].main_route_table;
            }
            if self.out.subnets[si].network_acl.0 == u32::MAX {
                self.out.subnets[si].network_acl = self.out.vpcs[v.ix()].default_nacl;
            }
        }
    }

    pub(super) fn subnets(&mut self) {
        let spec = self.spec;
        let (vpc_map, rt_map, nacl_map) = (self.vpc.clone(), self.rt.clone(), self.nacl.clone());
        // NACL-side associations, checked against subnet-side ones.
        let mut nacl_assoc: HashMap<&str, &str> = HashMap::new();
        for n in &spec.network_acls {
            for s in &n.subnets {
                if let Some(prev) = nacl_assoc.insert(s, &n.id)
                    && prev != n.id
                {
                    self.err(
                        path("network_acls", &n.id, "subnets"),
                        &n.id,
                        Problem::ConflictingNacl {
                            subnet: s.clone(),
                            a: prev.into(),
                            b: n.id.clone(),
                        },
                    );
                }
            }
        }
        for s in &spec.subnets {
            let ok = self.declare("subnets", &s.id, EntityKind::Subnet);
            let vpc = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &s.vpc,
                path("subnets", &s.id, "vpc"),
                &s.id,
            );
            let cidr = self.parse_v4net(&s.cidr, path("subnets", &s.id, "cidr"), &s.id);
            let ipv6 = s
                .ipv6_cidr
                .as_deref()
                .and_then(|c| self.parse_v6net(c, path("subnets", &s.id, "ipv6_cidr"), &s.id));
            let (Some(vpc), Some(cidr), true) = (vpc, cidr, ok) else {
                continue;
            };
            let v = &self.out.vpcs[vpc.ix()];
            if !v.cidrs.iter().any(|c| c.contains(&cidr)) {
                let vpc_cidrs = v
                    .cidrs
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.err(
                    path("subnets", &s.id, "cidr"),
                    &s.id,
                    Problem::SubnetOutsideVpc {
                        cidr: cidr.to_string(),
                        vpc: v.name.clone(),
                        vpc_cidrs,
                    },
                );
            }
            let mut route_table = RouteTableId(u32::MAX);
            if let Some(rt) = &s.route_table
                && let Some(r) = self.resolve(
                    &rt_map,
                    EntityKind::RouteTable,
                    rt,
                    path("subnets", &s.id, "route_table"),
                    &s.id,
                )
                && self.same_vpc(
                    "route table",
                    rt,
                    self.out.route_tables[r.ix()].vpc,
                    vpc,
                    path("subnets", &s.id, "route_table"),
                    &s.id,
                )
            {
                route_table = r;
            }
            let mut network_acl = NaclId(u32::MAX);
            let nacl_name = match (s.network_acl.as_deref(), nacl_assoc.get(s.id.as_str())) {
                (Some(a), Some(b)) if a != *b => {
                    self.err(
                        path("subnets", &s.id, "network_acl"),
                        &s.id,
                        Problem::ConflictingNacl {
                            subnet: s.id.clone(),
                            a: a.into(),
                            b: b.to_string(),
                        },
                    );
                    None
                }
                (Some(a), _) => Some(a),
                (None, b) => b.copied(),
            };
            if let Some(n) = nacl_name
                && let Some(r) = self.resolve(
                    &nacl_map,
                    EntityKind::NetworkAcl,
                    n,
                    path("subnets", &s.id, "network_acl"),
                    &s.id,
                )
                && self.same_vpc(
                    "network acl",
                    n,
                    self.out.network_acls[r.ix()].vpc,
                    vpc,
                    path("subnets", &s.id, "network_acl"),
                    &s.id,
                )
            {
                network_acl = r;
            }
            let id = SubnetId(self.out.subnets.len() as u32);
            self.subnet.insert(&s.id, id);
            self.out.vpcs[vpc.ix()].subnets.push(id);
            let az = match s.az.as_deref() {
                None => format!("{}a", self.spec.region),
                Some(a) if a.len() <= 2 => format!("{}{a}", self.spec.region),
                Some(a) => a.to_string(),
            };
            self.out.subnets.push(Subnet {
                name: s.id.clone(),
                vpc,
                cidr,
                ipv6_cidr: ipv6,
                az,
                route_table,
                network_acl,
            });
        }
        // Unknown subnets named by NACL associations.
        let subnet_map = self.subnet.clone();
        for n in &spec.network_acls {
            for s in &n.subnets {
                self.resolve(
                    &subnet_map,
                    EntityKind::Subnet,
                    s,
                    path("network_acls", &n.id, "subnets"),
                    &n.id,
                );
            }
        }
        // Overlaps, per VPC: sort by network address, compare neighbours.
        let mut by_vpc: HashMap<VpcId, Vec<SubnetId>> = HashMap::new();
        for (i, s) in self.out.subnets.iter().enumerate() {
            by_vpc.entry(s.vpc).or_default().push(SubnetId(i as u32));
        }
        let mut vpcs: Vec<_> = by_vpc.into_iter().collect();
        vpcs.sort_by_key(|(v, _)| *v);
        for (_, mut list) in vpcs {
            list.sort_by_key(|s| {
                (
                    self.out.subnets[s.ix()].cidr.network(),
                    self.out.subnets[s.ix()].cidr.prefix_len(),
                )
            });
            let mut widest: Option<SubnetId> = None;
            for s in list {
                let cur = &self.out.subnets[s.ix()];
                if let Some(w) = widest {
                    let prev = &self.out.subnets[w.ix()];
                    if prev.cidr.contains(&cur.cidr.network()) {
                        let (id, other, other_cidr, cidr) = (
                            cur.name.clone(),
                            prev.name.clone(),
                            prev.cidr.to_string(),
                            cur.cidr.to_string(),
                        );
                        self.err(
                            path("subnets", &id, "cidr"),
                            &id,
                            Problem::OverlappingSubnets {
                                cidr,
                                other,
                                other_cidr,
                            },
                        );
                        continue;
                    }
                }
                widest = Some(s);
            }
        }
    }

    pub(super) fn peerings_and_tgws_ids(&mut self) {
        let spec = self.spec;
        let vpc_map = self.vpc.clone();
        for p in &spec.peering_connections {
            let ok = self.declare("peering_connections", &p.id, EntityKind::Peering);
            let a = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &p.requester,
                path("peering_connections", &p.id, "requester"),
                &p.id,
            );
            let b = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &p.accepter,
                path("peering_connections", &p.id, "accepter"),
                &p.id,
            );
            let (Some(a), Some(b), true) = (a, b, ok) else {
                continue;
            };
            if a == b {
                self.err(
                    path("peering_connections", &p.id, "accepter"),
                    &p.id,
                    Problem::SelfPeering {
                        vpc: p.accepter.clone(),
                    },
                );
                continue;
            }
            self.peering
                .insert(&p.id, PeeringId(self.out.peerings.len() as u32));
            self.out.peerings.push(Peering {
                name: p.id.clone(),
                requester: a,
                accepter: b,
            });
        }
        for t in &spec.transit_gateways {
            if !self.declare("transit_gateways", &t.id, EntityKind::TransitGateway) {
                continue;
            }
            self.tgw
                .insert(&t.id, TgwId(self.out.transit_gateways.len() as u32));
            self.out.transit_gateways.push(TransitGateway {
                name: t.id.clone(),
                attachments: Vec::new(),
                route_tables: Vec::new(),
                sg_referencing: t.sg_referencing,
            });
        }
    }
}
