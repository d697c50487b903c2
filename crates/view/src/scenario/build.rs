//! Building a [`ScenarioDoc`] from the checked model: one pass per
//! section, resolving every typed index to the id a user wrote.

use std::net::IpAddr;

use awsreach_model::catalog::{self, Invokes};
use awsreach_model::net::{Listener, PortRange, Protocol};
use awsreach_model::spec::{EndpointKind, Expect, PollerMode, ResourceKind, RuleAction};
use awsreach_model::*;

use super::*;

/// How a service invokes Lambda, in the document's words.
pub fn invokes_name(i: Invokes) -> &'static str {
    match i {
        Invokes::None => "none",
        Invokes::Push => "push",
        Invokes::Poll => "poll",
        Invokes::PollVpc => "poll-vpc",
    }
}

fn entity_kind(e: EntityRef) -> &'static str {
    match e {
        EntityRef::Subnet(_) => EntityKind::Subnet.noun(),
        EntityRef::RouteTable(_) => EntityKind::RouteTable.noun(),
        EntityRef::SecurityGroup(_) => EntityKind::SecurityGroup.noun(),
        EntityRef::NetworkAcl(_) => EntityKind::NetworkAcl.noun(),
        EntityRef::Resource(_) => EntityKind::Resource.noun(),
        EntityRef::Function(_) => EntityKind::Function.noun(),
        EntityRef::VpcEndpoint(_) => EntityKind::VpcEndpoint.noun(),
        EntityRef::TransitGateway(_) => EntityKind::TransitGateway.noun(),
        EntityRef::Trigger(_) => EntityKind::Trigger.noun(),
        EntityRef::ExternalHost(_) => EntityKind::ExternalHost.noun(),
    }
}

fn protocol_name(p: Protocol) -> &'static str {
    p.as_str()
}

fn ports_text(protocol: Protocol, ports: PortRange) -> String {
    if protocol.has_ports() {
        ports.to_string()
    } else {
        "all".into()
    }
}

fn resource_kind(k: ResourceKind) -> &'static str {
    match k {
        ResourceKind::Ec2 => "ec2",
        ResourceKind::Rds => "rds",
        ResourceKind::ElastiCache => "elasticache",
        ResourceKind::Resource => "resource",
    }
}

fn trigger_source(s: spec::TriggerSource) -> &'static str {
    use spec::TriggerSource as T;
    match s {
        T::Sqs => "sqs",
        T::Kinesis => "kinesis",
        T::DynamoDbStreams => "dynamodb-streams",
        T::Msk => "msk",
        T::SelfManagedKafka => "self-managed-kafka",
        T::AmazonMq => "amazon-mq",
        T::DocumentDb => "documentdb",
        T::EventBridge => "eventbridge",
        T::Sns => "sns",
        T::S3 => "s3",
        T::ApiGateway => "api-gateway",
        T::StepFunctions => "step-functions",
        T::CloudWatchLogs => "cloudwatch-logs",
        T::Cognito => "cognito",
        T::Alb => "alb",
        T::FunctionUrl => "function-url",
    }
}

fn ip(a: impl Into<IpAddr>) -> String {
    a.into().to_string()
}

/// Public, private (0.0.0.0/0 elsewhere than an internet gateway) or
/// isolated (no 0.0.0.0/0 route).
fn reach(s: &Scenario, id: SubnetId) -> &'static str {
    if s.is_public_subnet(id) {
        return "public";
    }
    let rt = &s.route_tables[s.subnets[id.ix()].route_table.ix()];
    let default_route = rt.routes.iter().any(|r| {
        r.target != Target::Blackhole
            && matches!(r.dest, RouteDest::Cidr(n) if n.prefix_len() == 0 && n.addr().is_ipv4())
    });
    if default_route { "private" } else { "isolated" }
}

fn target_kind(t: Target) -> &'static str {
    match t {
        Target::Local => "local",
        Target::Igw(_) => "internet-gateway",
        Target::Nat(_) => "nat-gateway",
        Target::Endpoint(_) => "vpc-endpoint",
        Target::Peering(_) => "peering-connection",
        Target::TransitGateway(_) => "transit-gateway",
        Target::EgressOnlyIgw(_) => "egress-only-internet-gateway",
        Target::Eni(_) => "network-interface",
        Target::Blackhole => "blackhole",
    }
}

impl ScenarioDoc {
    /// The document of a checked scenario. `spec` gives what the checked
    /// model drops (the description); `warnings` are the validation
    /// warnings as the caller located them in its input.
    pub fn new(s: &Scenario, spec: &ScenarioSpec, warnings: Vec<WarningDoc>) -> ScenarioDoc {
        let sg_names = |ids: &[SgId]| -> Vec<String> {
            ids.iter()
                .map(|g| s.security_groups[g.ix()].name.clone())
                .collect()
        };
        let subnet_names = |ids: &[SubnetId]| -> Vec<String> {
            ids.iter().map(|x| s.subnets[x.ix()].name.clone()).collect()
        };
        let sg_rule = |r: &SgRule| SgRuleDoc {
            protocol: protocol_name(r.protocol),
            ports: ports_text(r.protocol, r.ports),
            cidr: match r.peer {
                SgPeer::Cidr(c) => Some(c.to_string()),
                _ => None,
            },
            sg: match r.peer {
                SgPeer::Sg(g) => Some(s.security_groups[g.ix()].name.clone()),
                _ => None,
            },
            prefix_list: match r.peer {
                SgPeer::PrefixList(p) => Some(s.services[p.ix()].id.clone()),
                _ => None,
            },
        };
        let nacl_rule = |r: &NaclRule| NaclRuleDoc {
            rule: r.number,
            action: match r.action {
                RuleAction::Allow => "allow",
                RuleAction::Deny => "deny",
            },
            protocol: protocol_name(r.protocol),
            ports: ports_text(r.protocol, r.ports),
            cidr: r.cidr.to_string(),
        };

        let mut vpcs = Vec::new();
        for (vi, v) in s.vpcs.iter().enumerate() {
            let vid = VpcId(vi as u32);
            let subnets = v
                .subnets
                .iter()
                .map(|&sid| {
                    let sub = &s.subnets[sid.ix()];
                    let interfaces = s
                        .enis
                        .iter()
                        .filter(|e| e.subnet == sid)
                        .map(|e| InterfaceDoc {
                            owner: match e.owner {
                                EniOwner::Resource(r) => s.resources[r.ix()].name.clone(),
                                EniOwner::Function(f) => s.functions[f.ix()].name.clone(),
                                EniOwner::Endpoint(x) => s.endpoints[x.ix()].name.clone(),
                                EniOwner::Nat(n) => s.nat_gateways[n.ix()].name.clone(),
                            },
                            owner_name: match e.owner {
                                EniOwner::Resource(r) => s.resources[r.ix()].alias.clone(),
                                EniOwner::Function(f) => s.functions[f.ix()].alias.clone(),
                                EniOwner::Endpoint(_) | EniOwner::Nat(_) => None,
                            },
                            owner_kind: match e.owner {
                                EniOwner::Resource(_) => "resource",
                                EniOwner::Function(_) => "function",
                                EniOwner::Endpoint(_) => "endpoint",
                                EniOwner::Nat(_) => "nat-gateway",
                            },
                            private_ip: ip(e.private_ip),
                            public_ip: e.public_ip.map(ip),
                            ipv6: e.ipv6.map(ip),
                            security_groups: sg_names(&e.security_groups),
                        })
                        .collect();
                    SubnetDoc {
                        id: sub.name.clone(),
                        cidr: sub.cidr.to_string(),
                        ipv6_cidr: sub.ipv6_cidr.map(|c| c.to_string()),
                        az: sub.az.clone(),
                        reach: reach(s, sid),
                        route_table: s.route_tables[sub.route_table.ix()].name.clone(),
                        network_acl: s.network_acls[sub.network_acl.ix()].name.clone(),
                        interfaces,
                    }
                })
                .collect();
            let route_tables = s
                .route_tables
                .iter()
                .enumerate()
                .filter(|(_, t)| t.vpc == vid)
                .map(|(ti, t)| RouteTableDoc {
                    id: t.name.clone(),
                    main: t.main,
                    implicit: !t.declared,
                    subnets: v
                        .subnets
                        .iter()
                        .filter(|x| s.subnets[x.ix()].route_table.ix() == ti)
                        .map(|x| s.subnets[x.ix()].name.clone())
                        .collect(),
                    routes: t
                        .routes
                        .iter()
                        .map(|r| RouteDoc {
                            dest: s.dest_name(r.dest),
                            target_kind: target_kind(r.target),
                            target: match r.target {
                                Target::Local | Target::Blackhole => None,
                                t => Some(s.target_name(t)),
                            },
                            origin: match r.origin {
                                RouteOrigin::Local => "local",
                                RouteOrigin::Declared => "declared",
                                RouteOrigin::GatewayEndpoint => "gateway-endpoint",
                            },
                        })
                        .collect(),
                })
                .collect();
            let nat_gateways = s
                .nat_gateways
                .iter()
                .filter(|n| s.subnet_vpc(n.subnet) == vid)
                .map(|n| NatDoc {
                    id: n.name.clone(),
                    connectivity: if n.public { "public" } else { "private" },
                    subnet: s.subnets[n.subnet.ix()].name.clone(),
                    private_ip: ip(s.enis[n.eni.ix()].private_ip),
                    elastic_ip: n.elastic_ip.map(ip),
                })
                .collect();
            let endpoints = s
                .endpoints
                .iter()
                .filter(|e| e.vpc == vid)
                .map(|e| EndpointDoc {
                    id: e.name.clone(),
                    kind: match e.kind {
                        EndpointKind::Gateway => "gateway",
                        EndpointKind::Interface => "interface",
                    },
                    service: s.services[e.service.ix()].id.clone(),
                    route_tables: e
                        .route_tables
                        .iter()
                        .map(|t| s.route_tables[t.ix()].name.clone())
                        .collect(),
                    subnets: subnet_names(&e.subnets),
                    security_groups: sg_names(&e.security_groups),
                    private_dns: e.private_dns,
                    policy: (!e.policy.is_default()).then(|| PolicyDoc {
                        allow: e.policy.allow.clone(),
                        deny: e.policy.deny.clone(),
                    }),
                })
                .collect();
            let security_groups = s
                .security_groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.vpc == vid)
                .map(|(gi, g)| SgDoc {
                    id: g.name.clone(),
                    default: v.default_sg.ix() == gi,
                    implicit: !g.declared,
                    ingress: g.ingress.iter().map(sg_rule).collect(),
                    egress: g.egress.iter().map(sg_rule).collect(),
                })
                .collect();
            let network_acls = s
                .network_acls
                .iter()
                .enumerate()
                .filter(|(_, a)| a.vpc == vid)
                .map(|(ai, a)| NaclDoc {
                    id: a.name.clone(),
                    default: v.default_nacl.ix() == ai,
                    implicit: !a.declared,
                    subnets: v
                        .subnets
                        .iter()
                        .filter(|x| s.subnets[x.ix()].network_acl.ix() == ai)
                        .map(|x| s.subnets[x.ix()].name.clone())
                        .collect(),
                    ingress: a.ingress.iter().map(nacl_rule).collect(),
                    egress: a.egress.iter().map(nacl_rule).collect(),
                })
                .collect();
            vpcs.push(VpcDoc {
                id: v.name.clone(),
                cidrs: v.cidrs.iter().map(|c| c.to_string()).collect(),
                ipv6_cidr: v.ipv6_cidr.map(|c| c.to_string()),
                dns_support: v.dns_support,
                dns_hostnames: v.dns_hostnames,
                internet_gateway: v
                    .internet_gateway
                    .map(|g| s.internet_gateways[g.ix()].name.clone()),
                egress_only_internet_gateway: v
                    .egress_only_igw
                    .map(|g| s.egress_only_igws[g.ix()].name.clone()),
                main_route_table: s.route_tables[v.main_route_table.ix()].name.clone(),
                default_network_acl: s.network_acls[v.default_nacl.ix()].name.clone(),
                default_security_group: s.security_groups[v.default_sg.ix()].name.clone(),
                subnets,
                route_tables,
                nat_gateways,
                endpoints,
                security_groups,
                network_acls,
            });
        }

        let resources = s
            .resources
            .iter()
            .map(|r| {
                let e = &s.enis[r.eni.ix()];
                ResourceDoc {
                    id: r.name.clone(),
                    name: r.alias.clone(),
                    kind: resource_kind(r.kind),
                    vpc: s.vpcs[s.subnet_vpc(e.subnet).ix()].name.clone(),
                    subnet: s.subnets[e.subnet.ix()].name.clone(),
                    private_ip: ip(e.private_ip),
                    public_ip: e.public_ip.map(ip),
                    ipv6: e.ipv6.map(ip),
                    security_groups: sg_names(&e.security_groups),
                    listen: r.listen.iter().map(Listener::to_string).collect(),
                    forwarding: r.forwarding,
                }
            })
            .collect();

        let functions = s
            .functions
            .iter()
            .map(|f| match &f.vpc {
                None => FunctionDoc {
                    id: f.name.clone(),
                    name: f.alias.clone(),
                    placement: "lambda-managed",
                    vpc: None,
                    subnets: Vec::new(),
                    security_groups: Vec::new(),
                    ipv6_dual_stack: false,
                    interfaces: Vec::new(),
                    invoke_policy: f.policy.clone(),
                },
                Some(v) => FunctionDoc {
                    id: f.name.clone(),
                    name: f.alias.clone(),
                    placement: "vpc",
                    vpc: Some(s.vpcs[v.vpc.ix()].name.clone()),
                    subnets: subnet_names(&v.subnets),
                    security_groups: sg_names(&v.security_groups),
                    ipv6_dual_stack: v.ipv6_dual_stack,
                    interfaces: v
                        .enis
                        .iter()
                        .map(|e| {
                            let e = &s.enis[e.ix()];
                            FunctionEniDoc {
                                subnet: s.subnets[e.subnet.ix()].name.clone(),
                                private_ip: ip(e.private_ip),
                                ipv6: e.ipv6.map(ip),
                            }
                        })
                        .collect(),
                    invoke_policy: f.policy.clone(),
                },
            })
            .collect();

        let triggers = s
            .triggers
            .iter()
            .map(|t| {
                let in_vpc = t.source.polls_in_vpc();
                TriggerDoc {
                    id: t.name.clone(),
                    source: trigger_source(t.source),
                    service: s.services[t.service.ix()].id.clone(),
                    function: s.functions[t.function.ix()].name.clone(),
                    delivery: if in_vpc {
                        "vpc-poller"
                    } else if t.source.polls_in_aws() {
                        "aws-poller"
                    } else {
                        "push"
                    },
                    subnets: subnet_names(&t.subnets),
                    security_groups: sg_names(&t.security_groups),
                    port: in_vpc.then_some(t.port),
                    mode: in_vpc.then_some(match t.mode {
                        PollerMode::OnDemand => "on-demand",
                        PollerMode::Provisioned => "provisioned",
                    }),
                    secrets_manager: t.secrets_manager,
                }
            })
            .collect();

        let services = s
            .services
            .iter()
            .filter(|x| x.declared)
            .map(|x| {
                let mut overrides = Vec::new();
                if let Some(c) = catalog::lookup(&x.id) {
                    if c.gateway_endpoint != x.gateway_endpoint {
                        overrides.push("gateway_endpoint");
                    }
                    if c.interface_endpoint != x.interface_endpoint {
                        overrides.push("interface_endpoint");
                    }
                    if c.invokes != x.invokes {
                        overrides.push("invokes_lambda");
                    }
                }
                ServiceDoc {
                    id: x.id.clone(),
                    name: x.name.clone(),
                    hostname: x.hostname.clone(),
                    endpoint_service: x.endpoint_service.clone(),
                    gateway_endpoint: x.gateway_endpoint,
                    interface_endpoint: x.interface_endpoint,
                    invokes: invokes_name(x.invokes),
                    overrides,
                }
            })
            .collect();

        let vpc_name = |v: VpcId| s.vpcs[v.ix()].name.clone();
        ScenarioDoc {
            version: VERSION,
            name: s.name.clone(),
            description: spec.description.clone(),
            region: s.region.clone(),
            vpcs,
            resources,
            functions,
            triggers,
            services,
            external_hosts: s
                .external_hosts
                .iter()
                .map(|h| HostDoc {
                    id: h.name.clone(),
                    // A host known by its hostname only has no address.
                    ip: h.ip.map_or_else(|| "unknown".into(), |ip| ip.to_string()),
                    listen: h.listen.iter().map(Listener::to_string).collect(),
                })
                .collect(),
            peering_connections: s
                .peerings
                .iter()
                .map(|p| PeeringDoc {
                    id: p.name.clone(),
                    requester: vpc_name(p.requester),
                    accepter: vpc_name(p.accepter),
                })
                .collect(),
            transit_gateways: s
                .transit_gateways
                .iter()
                .map(|t| TgwDoc {
                    id: t.name.clone(),
                    sg_referencing: t.sg_referencing,
                    attachments: t
                        .attachments
                        .iter()
                        .map(|a| TgwAttachmentDoc {
                            id: a.name.clone(),
                            vpc: vpc_name(a.vpc),
                            subnets: subnet_names(&a.subnets),
                            route_table: a.route_table.map(|i| t.route_tables[i].name.clone()),
                            appliance_mode: a.appliance_mode,
                        })
                        .collect(),
                    route_tables: t
                        .route_tables
                        .iter()
                        .map(|rt| TgwRouteTableDoc {
                            id: rt.name.clone(),
                            routes: rt
                                .routes
                                .iter()
                                .map(|r| TgwRouteDoc {
                                    dest: r.dest.to_string(),
                                    vpc: r.target.map(|a| vpc_name(t.attachments[a].vpc)),
                                    propagated: r.propagated,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            expectations: s
                .expectations
                .iter()
                .map(|e| ExpectDoc {
                    from: e.from.clone(),
                    to: e.to.clone(),
                    protocol: e.protocol.map(protocol_name),
                    port: e.port,
                    ip_version: e.ip_version,
                    expect: match e.expect {
                        Expect::Reachable => "reachable",
                        Expect::Blocked => "blocked",
                        Expect::Unknown => "unknown",
                    },
                    code: e.code.clone(),
                    note: e.note.clone(),
                })
                .collect(),
            warnings,
            missing: s
                .missing
                .iter()
                .map(|m| MissingDoc {
                    entity: s.entity_name(m.entity).to_string(),
                    entity_kind: entity_kind(m.entity),
                    what: m.what.name(),
                    note: m.note.clone(),
                })
                .collect(),
        }
    }
}
