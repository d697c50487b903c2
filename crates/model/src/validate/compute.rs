//! Validation passes that place things in subnets: address assignment,
//! ENIs, NAT gateways, VPC endpoints, resources and Lambda functions.

use std::collections::hash_map::Entry;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::Problem;
use crate::net::Listener;
use crate::scenario::*;
use crate::spec::*;

use super::{Lazy, Validator, path, resolve_in};

impl Validator<'_> {
    pub(super) fn take_ip(
        &mut self,
        subnet: SubnetId,
        ip: Ipv4Addr,
        owner: &str,
        at: String,
    ) -> bool {
        let s = &self.out.subnets[subnet.ix()];
        let (name, cidr) = (s.name.clone(), s.cidr);
        if !cidr.contains(&ip) {
            self.err(
                at,
                owner,
                Problem::IpOutsideSubnet {
                    ip: ip.to_string(),
                    subnet: name,
                    cidr: cidr.to_string(),
                },
            );
            return false;
        }
        // AWS reserves the first four addresses and the last one of every subnet.
        let off = u32::from(ip) - u32::from(cidr.network());
        if off < 4 || ip == cidr.broadcast() {
            self.err(
                at,
                owner,
                Problem::IpReserved {
                    ip: ip.to_string(),
                    subnet: name,
                },
            );
            return false;
        }
        let used = self.used_ips.entry(subnet).or_default();
        if let Some(other) = used.get(&ip) {
            let other = other.clone();
            self.err(
                at,
                owner,
                Problem::DuplicateIp {
                    ip: ip.to_string(),
                    other,
                },
            );
            return false;
        }
        used.insert(ip, owner.to_string());
        true
    }

    /// The next free address of a subnet, skipping reserved and taken ones.
    pub(super) fn auto_ip(&mut self, subnet: SubnetId, owner: &str, at: String) -> Ipv4Addr {
        let s = &self.out.subnets[subnet.ix()];
        let (base, last, name, cidr) = (
            u32::from(s.cidr.network()),
            u32::from(s.cidr.broadcast()),
            s.name.clone(),
            s.cidr,
        );
        let next = self.next_ip.entry(subnet).or_insert(4);
        let used = self.used_ips.entry(subnet).or_default();
        loop {
            let cand = base.saturating_add(*next);
            if cand >= last {
                self.err(
                    at,
                    owner,
                    Problem::SubnetFull {
                        subnet: name,
                        cidr: cidr.to_string(),
                    },
                );
                return Ipv4Addr::from(base);
            }
            *next += 1;
            let ip = Ipv4Addr::from(cand);
            if let Entry::Vacant(e) = used.entry(ip) {
                e.insert(owner.to_string());
                return ip;
            }
        }
    }

    pub(super) fn reserve_explicit_ips(&mut self) {
        let spec = self.spec;
        let subnet_map = self.subnet.clone();
        for r in &spec.resources {
            if let (Some(ip), Some(s)) = (&r.private_ip, subnet_map.get(r.subnet.as_str())) {
                match ip.parse::<Ipv4Addr>() {
                    Ok(a) => {
                        self.take_ip(*s, a, &r.id, path("resources", &r.id, "private_ip"));
                    }
                    Err(_) => self.invalid(
                        path("resources", &r.id, "private_ip"),
                        &r.id,
                        "ipv4 address",
                        ip,
                        "expected e.g. 10.0.1.10".into(),
                    ),
                }
            }
        }
    }

    pub(super) fn sg_list(
        &mut self,
        names: &[String],
        vpc: VpcId,
        list: &str,
        id: &str,
    ) -> Vec<SgId> {
        let mut out = Vec::new();
        for n in names {
            if let Some(g) = resolve_in(
                &mut self.diags,
                &self.sg,
                EntityKind::SecurityGroup,
                n,
                Lazy(|| path(list, id, "security_groups")),
                id,
            ) && self.same_vpc(
                "security group",
                n,
                self.out.security_groups[g.ix()].vpc,
                vpc,
                Lazy(|| path(list, id, "security_groups")),
                id,
            ) {
                out.push(g);
            }
        }
        if names.is_empty() {
            out.push(self.out.vpcs[vpc.ix()].default_sg);
        }
        out
    }

    pub(super) fn push_eni(&mut self, eni: Eni) -> EniId {
        self.out.enis.push(eni);
        EniId(self.out.enis.len() as u32 - 1)
    }

    pub(super) fn nat_gateways(&mut self) {
        let spec = self.spec;
        let subnet_map = self.subnet.clone();
        for n in &spec.nat_gateways {
            let ok = self.declare("nat_gateways", &n.id, EntityKind::NatGateway);
            let Some(subnet) = self.resolve(
                &subnet_map,
                EntityKind::Subnet,
                &n.subnet,
                path("nat_gateways", &n.id, "subnet"),
                &n.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let public = n.connectivity == NatConnectivity::Public;
            let elastic_ip = match (&n.elastic_ip, public) {
                (None, true) => {
                    self.err(
                        path("nat_gateways", &n.id, "elastic_ip"),
                        &n.id,
                        Problem::NatWithoutElasticIp,
                    );
                    None
                }
                (Some(_), false) => {
                    self.err(
                        path("nat_gateways", &n.id, "elastic_ip"),
                        &n.id,
                        Problem::PrivateNatWithElasticIp,
                    );
                    None
                }
                (Some(ip), true) => match ip.parse::<Ipv4Addr>() {
                    Ok(a) => {
                        self.public_address(a, path("nat_gateways", &n.id, "elastic_ip"), &n.id)
                    }
                    Err(_) => {
                        self.invalid(
                            path("nat_gateways", &n.id, "elastic_ip"),
                            &n.id,
                            "ipv4 address",
                            ip,
                            "expected e.g. 52.1.2.3".into(),
                        );
                        None
                    }
                },
                (None, false) => None,
            };
            let id = NatId(self.out.nat_gateways.len() as u32);
            let private_ip = self.auto_ip(subnet, &n.id, path("nat_gateways", &n.id, "subnet"));
            let eni = self.push_eni(Eni {
                owner: EniOwner::Nat(id),
                subnet,
                private_ip,
                public_ip: elastic_ip,
                ipv6: None,
                security_groups: Vec::new(),
            });
            self.nat.insert(&n.id, id);
            self.out.nat_gateways.push(NatGateway {
                name: n.id.clone(),
                subnet,
                public,
                elastic_ip,
                eni,
            });
        }
    }

    pub(super) fn endpoints(&mut self) {
        let spec = self.spec;
        let (vpc_map, rt_map, subnet_map) =
            (self.vpc.clone(), self.rt.clone(), self.subnet.clone());
        for e in &spec.vpc_endpoints {
            let ok = self.declare("vpc_endpoints", &e.id, EntityKind::VpcEndpoint);
            let vpc = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &e.vpc,
                path("vpc_endpoints", &e.id, "vpc"),
                &e.id,
            );
            let service =
                self.resolve_service(&e.service, path("vpc_endpoints", &e.id, "service"), &e.id);
            let (Some(vpc), Some(service), true) = (vpc, service, ok) else {
                continue;
            };
            self.out.services[service.ix()].declared = true;
            let svc = &self.out.services[service.ix()];
            let in_catalog = svc.in_catalog;
            let supported = match e.kind {
                EndpointKind::Gateway => svc.gateway_endpoint,
                EndpointKind::Interface => svc.interface_endpoint,
            };
            if !supported {
                let kind = if e.kind == EndpointKind::Gateway {
                    "gateway"
                } else {
                    "interface"
                };
                self.err(
                    path("vpc_endpoints", &e.id, "kind"),
                    &e.id,
                    Problem::NoSuchEndpointKind {
                        service: e.service.clone(),
                        kind,
                    },
                );
            }
            // A service outside the catalog has no known action: a policy
            // could not be asked about its calls.
            if !in_catalog
                && e.policy.is_some()
                && !spec
                    .services
                    .iter()
                    .any(|x| x.id == e.service && x.action.is_some())
            {
                self.err(
                    path("vpc_endpoints", &e.id, "policy"),
                    &e.id,
                    Problem::PolicyNeedsAction {
                        endpoint: e.id.clone(),
                        service: e.service.clone(),
                    },
                );
            }
            let id = EndpointId(self.out.endpoints.len() as u32);
            let mut route_tables = Vec::new();
            let mut subnets = Vec::new();
            let mut security_groups = Vec::new();
            let mut enis = Vec::new();
            match e.kind {
                EndpointKind::Gateway => {
                    for t in &e.route_tables {
                        if let Some(r) = self.resolve(
                            &rt_map,
                            EntityKind::RouteTable,
                            t,
                            path("vpc_endpoints", &e.id, "route_tables"),
                            &e.id,
                        ) && self.same_vpc(
                            "route table",
                            t,
                            self.out.route_tables[r.ix()].vpc,
                            vpc,
                            path("vpc_endpoints", &e.id, "route_tables"),
                            &e.id,
                        ) {
                            route_tables.push(r);
                        }
                    }
                }
                EndpointKind::Interface => {
                    let v = &self.out.vpcs[vpc.ix()];
                    // AWS refuses private DNS unless both VPC DNS attributes are on
                    // (PrivateLink guide, "DNS hostnames" / "Private DNS").
                    if e.private_dns && !(v.dns_support && v.dns_hostnames) {
                        let vn = v.name.clone();
                        self.err(
                            path("vpc_endpoints", &e.id, "private_dns"),
                            &e.id,
                            Problem::PrivateDnsNeedsVpcDns { vpc: vn },
                        );
                    }
                    if e.subnets.is_empty()
                        && !self.listed_missing(&e.id, crate::spec::MissingKind::Placement)
                    {
                        self.err(
                            path("vpc_endpoints", &e.id, "subnets"),
                            &e.id,
                            Problem::Empty {
                                what: "an interface endpoint's subnets",
                            },
                        );
                    }
                    security_groups = self.sg_list(&e.security_groups, vpc, "vpc_endpoints", &e.id);
                    for s in &e.subnets {
                        if let Some(sub) = self.resolve(
                            &subnet_map,
                            EntityKind::Subnet,
                            s,
                            path("vpc_endpoints", &e.id, "subnets"),
                            &e.id,
                        ) && self.same_vpc(
                            "subnet",
                            s,
                            self.out.subnets[sub.ix()].vpc,
                            vpc,
                            path("vpc_endpoints", &e.id, "subnets"),
                            &e.id,
                        ) {
                            subnets.push(sub);
                            let ip =
                                self.auto_ip(sub, &e.id, path("vpc_endpoints", &e.id, "subnets"));
                            let eni = self.push_eni(Eni {
                                owner: EniOwner::Endpoint(id),
                                subnet: sub,
                                private_ip: ip,
                                public_ip: None,
                                ipv6: None,
                                security_groups: security_groups.clone(),
                            });
                            enis.push(eni);
                        }
                    }
                }
            }
            let policy = e
                .policy
                .as_ref()
                .map(|p| EndpointPolicy {
                    allow: p.allow.clone(),
                    deny: p.deny.clone(),
                })
                .unwrap_or_default();
            self.vpce.insert(&e.id, id);
            self.out.endpoints.push(VpcEndpoint {
                name: e.id.clone(),
                vpc,
                service,
                kind: e.kind,
                route_tables,
                subnets,
                security_groups,
                private_dns: e.private_dns && e.kind == EndpointKind::Interface,
                policy,
                enis,
            });
        }
    }

    pub(super) fn resources(&mut self) {
        let spec = self.spec;
        let subnet_map = self.subnet.clone();
        for r in &spec.resources {
            let ok = self.declare("resources", &r.id, EntityKind::Resource);
            let Some(subnet) = self.resolve(
                &subnet_map,
                EntityKind::Subnet,
                &r.subnet,
                path("resources", &r.id, "subnet"),
                &r.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let vpc = self.out.subnets[subnet.ix()].vpc;
            let private_ip = match r.private_ip.as_deref().map(str::parse::<Ipv4Addr>) {
                Some(Ok(a)) => a,
                Some(Err(_)) => Ipv4Addr::UNSPECIFIED,
                None => self.auto_ip(subnet, &r.id, path("resources", &r.id, "subnet")),
            };
            let public_ip = r
                .public_ip
                .as_deref()
                .and_then(|ip| match ip.parse::<Ipv4Addr>() {
                    Ok(a) => self.public_address(a, path("resources", &r.id, "public_ip"), &r.id),
                    Err(_) => {
                        self.invalid(
                            path("resources", &r.id, "public_ip"),
                            &r.id,
                            "ipv4 address",
                            ip,
                            "expected e.g. 54.1.2.3".into(),
                        );
                        None
                    }
                });
            let ipv6 = r
                .ipv6_ip
                .as_deref()
                .and_then(|ip| match ip.parse::<Ipv6Addr>() {
                    Ok(a) => Some(a),
                    Err(_) => {
                        self.invalid(
                            path("resources", &r.id, "ipv6_ip"),
                            &r.id,
                            "ipv6 address",
                            ip,
                            "expected e.g. 2600:1f18::10".into(),
                        );
                        None
                    }
                });
            let security_groups = self.sg_list(&r.security_groups, vpc, "resources", &r.id);
            let listen = self.listeners(&r.listen, path("resources", &r.id, "listen"), &r.id);
            let id = ResourceId(self.out.resources.len() as u32);
            let eni = self.push_eni(Eni {
                owner: EniOwner::Resource(id),
                subnet,
                private_ip,
                public_ip,
                ipv6,
                security_groups,
            });
            self.resource.insert(&r.id, id);
            self.out.resources.push(Resource {
                name: r.id.clone(),
                alias: None,
                kind: r.kind,
                eni,
                listen,
                forwarding: r.forwarding,
                identity: Identity::home(),
            });
        }
    }

    pub(super) fn listeners(&mut self, list: &[String], at: String, entity: &str) -> Vec<Listener> {
        let mut out = Vec::new();
        for l in list {
            match Listener::parse(l) {
                Ok(x) => out.push(x),
                Err(reason) => self.invalid(at.clone(), entity, "listener", l, reason),
            }
        }
        out
    }

    pub(super) fn functions(&mut self) {
        let spec = self.spec;
        let subnet_map = self.subnet.clone();
        for f in &spec.functions {
            if !self.declare("functions", &f.id, EntityKind::Function) {
                continue;
            }
            let id = FunctionId(self.out.functions.len() as u32);
            let mut vpc_cfg = None;
            if let Some(cfg) = &f.vpc {
                if cfg.subnets.is_empty() {
                    self.err(
                        path("functions", &f.id, "vpc.subnets"),
                        &f.id,
                        Problem::Empty {
                            what: "a function's vpc subnets",
                        },
                    );
                }
                let mut subnets = Vec::new();
                let mut vpc: Option<VpcId> = None;
                for s in &cfg.subnets {
                    let Some(sub) = self.resolve(
                        &subnet_map,
                        EntityKind::Subnet,
                        s,
                        path("functions", &f.id, "vpc.subnets"),
                        &f.id,
                    ) else {
                        continue;
                    };
                    let sv = self.out.subnets[sub.ix()].vpc;
                    match vpc {
                        Some(v) if v != sv => {
                            let (a, b) = (self.vpc_name(v), self.vpc_name(sv));
                            self.err(
                                path("functions", &f.id, "vpc.subnets"),
                                &f.id,
                                Problem::FunctionMixesVpcs { a, b },
                            );
                        }
                        _ => {
                            vpc = Some(sv);
                            subnets.push(sub);
                        }
                    }
                }
                if let Some(v) = vpc {
                    let security_groups = self.sg_list(&cfg.security_groups, v, "functions", &f.id);
                    let mut enis = Vec::new();
                    for &sub in &subnets {
                        let ip = self.auto_ip(sub, &f.id, path("functions", &f.id, "vpc.subnets"));
                        let s = &self.out.subnets[sub.ix()];
                        // Dual-stack functions get an IPv6 address in dual-stack subnets (rule 8, docs/aws-rules.md).
                        let ipv6 = match (cfg.ipv6_dual_stack, s.ipv6_cidr) {
                            (true, Some(net)) => Some(Ipv6Addr::from(
                                u128::from(net.network())
                                    + u128::from(u32::from(ip) - u32::from(s.cidr.network())),
                            )),
                            _ => None,
                        };
                        // Hyperplane ENIs never get a public IP (rule 1, docs/aws-rules.md).
                        enis.push(self.push_eni(Eni {
                            owner: EniOwner::Function(id),
                            subnet: sub,
                            private_ip: ip,
                            public_ip: None,
                            ipv6,
                            security_groups: security_groups.clone(),
                        }));
                    }
                    vpc_cfg = Some(FunctionVpc {
                        vpc: v,
                        subnets,
                        security_groups,
                        ipv6_dual_stack: cfg.ipv6_dual_stack,
                        enis,
                    });
                }
            }
            self.function.insert(&f.id, id);
            self.out.functions.push(Function {
                name: f.id.clone(),
                alias: None,
                vpc: vpc_cfg,
                policy: f.policy.as_ref().map(|p| p.allow.clone()),
                identity: Identity::home(),
            });
        }
        // Principals are checked with the identities (identity.rs), once
        // every caller is known.
    }
}
