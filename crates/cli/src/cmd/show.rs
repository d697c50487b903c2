//! `awsreach show FILE`: a readable summary of a scenario, with every AWS
//! default made visible (main tables, default ACLs and groups, assigned
//! addresses, endpoint routes), as text or JSON.
//!
//! Both formats render one [`Doc`], so they always agree. The JSON shape is
//! documented in `docs/scenario-format.md` ("awsreach show --format json");
//! `version` changes when a field is removed or changes meaning.

use std::fmt::Write;
use std::net::IpAddr;
use std::path::PathBuf;

use awsreach_model::catalog;
use awsreach_model::net::{Listener, PortRange, Protocol};
use awsreach_model::spec::{EndpointKind, Expect, PollerMode, ResourceKind, RuleAction};
use awsreach_model::*;
use serde::Serialize;

use crate::cmd::services::invokes_name;
use crate::load::{self, Message};
use crate::style;
use crate::table::{Table, list, opt};
use crate::{Exit, Format};

const LONG_ABOUT: &str = "\
Print a readable summary of a scenario after validation: each VPC with its
subnets (CIDR, availability zone, public/private/isolated, route table,
network ACL), the network interfaces in them with their addresses, route
tables with their implicit `local` and gateway-endpoint routes, gateways,
endpoints, security groups and network ACLs; then functions and their
placement, triggers, services, external hosts, peering connections,
transit gateways and expectations.

Defaults are shown as AWS applies them: a subnet without a route table uses
the VPC's main table, the implicit main table / default ACL / default
security group appear with their generated names, and addresses that were
left out are shown as assigned.

A subnet is `public` when its route table sends 0.0.0.0/0 to an internet
gateway, `private` when 0.0.0.0/0 goes elsewhere (NAT gateway, appliance,
transit gateway...), and `isolated` without a 0.0.0.0/0 route.";

#[derive(Debug, clap::Args)]
#[command(about = "Print a readable summary of a scenario", long_about = LONG_ABOUT)]
pub struct Args {
    /// Scenario file (RON); `-` reads standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format; JSON is documented in docs/scenario-format.md
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let loaded = load::scenario(&args.file)?;
    let doc = Doc::new(&loaded.scenario, &loaded.spec, &loaded.warnings);
    match args.format {
        Format::Text => crate::out::print(&doc.text())?,
        Format::Json => crate::out::print(&(serde_json::to_string_pretty(&doc)? + "\n"))?,
    }
    Ok(Exit::Ok)
}

/// Version of the JSON document.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Doc {
    pub version: u32,
    pub name: String,
    pub description: Option<String>,
    pub region: String,
    pub vpcs: Vec<VpcDoc>,
    pub resources: Vec<ResourceDoc>,
    pub functions: Vec<FunctionDoc>,
    pub triggers: Vec<TriggerDoc>,
    pub services: Vec<ServiceDoc>,
    pub external_hosts: Vec<HostDoc>,
    pub peering_connections: Vec<PeeringDoc>,
    pub transit_gateways: Vec<TgwDoc>,
    pub expectations: Vec<ExpectDoc>,
    pub warnings: Vec<WarningDoc>,
}

#[derive(Debug, Serialize)]
pub struct VpcDoc {
    pub id: String,
    pub cidrs: Vec<String>,
    pub ipv6_cidr: Option<String>,
    pub dns_support: bool,
    pub dns_hostnames: bool,
    pub internet_gateway: Option<String>,
    pub egress_only_internet_gateway: Option<String>,
    pub main_route_table: String,
    pub default_network_acl: String,
    pub default_security_group: String,
    pub subnets: Vec<SubnetDoc>,
    pub route_tables: Vec<RouteTableDoc>,
    pub nat_gateways: Vec<NatDoc>,
    pub endpoints: Vec<EndpointDoc>,
    pub security_groups: Vec<SgDoc>,
    pub network_acls: Vec<NaclDoc>,
}

#[derive(Debug, Serialize)]
pub struct SubnetDoc {
    pub id: String,
    pub cidr: String,
    pub ipv6_cidr: Option<String>,
    pub az: String,
    /// `public`, `private` or `isolated`.
    pub reach: &'static str,
    pub route_table: String,
    pub network_acl: String,
    pub interfaces: Vec<InterfaceDoc>,
}

/// A network interface: of a resource, function, endpoint or NAT gateway.
#[derive(Debug, Serialize)]
pub struct InterfaceDoc {
    pub owner: String,
    /// `resource`, `function`, `endpoint` or `nat-gateway`.
    pub owner_kind: &'static str,
    pub private_ip: String,
    pub public_ip: Option<String>,
    pub ipv6: Option<String>,
    pub security_groups: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RouteTableDoc {
    pub id: String,
    pub main: bool,
    /// Created by awsreach because the VPC declares no main table.
    pub implicit: bool,
    /// Subnets using this table, explicitly or as the main table.
    pub subnets: Vec<String>,
    pub routes: Vec<RouteDoc>,
}

#[derive(Debug, Serialize)]
pub struct RouteDoc {
    /// A CIDR or `pl:<service>`.
    pub dest: String,
    /// `local`, `internet-gateway`, `nat-gateway`, `vpc-endpoint`,
    /// `peering-connection`, `transit-gateway`, `egress-only-internet-gateway`,
    /// `network-interface` or `blackhole`.
    pub target_kind: &'static str,
    /// The target's id; absent for `local` and `blackhole`.
    pub target: Option<String>,
    /// `local` (implicit), `declared`, or `gateway-endpoint` (added by one).
    pub origin: &'static str,
}

#[derive(Debug, Serialize)]
pub struct NatDoc {
    pub id: String,
    /// `public` or `private`.
    pub connectivity: &'static str,
    pub subnet: String,
    pub private_ip: String,
    pub elastic_ip: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EndpointDoc {
    pub id: String,
    /// `gateway` or `interface`.
    pub kind: &'static str,
    pub service: String,
    pub route_tables: Vec<String>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub private_dns: bool,
    /// Absent: the default full-access policy.
    pub policy: Option<PolicyDoc>,
}

#[derive(Debug, Serialize)]
pub struct PolicyDoc {
    /// Absent: every action.
    pub allow: Option<Vec<String>>,
    pub deny: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SgDoc {
    pub id: String,
    pub default: bool,
    pub implicit: bool,
    pub ingress: Vec<SgRuleDoc>,
    pub egress: Vec<SgRuleDoc>,
}

/// One rule; exactly one of `cidr`, `sg`, `prefix_list` is present.
#[derive(Debug, Serialize)]
pub struct SgRuleDoc {
    pub protocol: &'static str,
    pub ports: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NaclDoc {
    pub id: String,
    pub default: bool,
    pub implicit: bool,
    pub subnets: Vec<String>,
    pub ingress: Vec<NaclRuleDoc>,
    pub egress: Vec<NaclRuleDoc>,
}

#[derive(Debug, Serialize)]
pub struct NaclRuleDoc {
    pub rule: u32,
    /// `allow` or `deny`.
    pub action: &'static str,
    pub protocol: &'static str,
    pub ports: String,
    pub cidr: String,
}

#[derive(Debug, Serialize)]
pub struct ResourceDoc {
    pub id: String,
    /// `ec2`, `rds`, `elasticache` or `resource`.
    pub kind: &'static str,
    pub vpc: String,
    pub subnet: String,
    pub private_ip: String,
    pub public_ip: Option<String>,
    pub ipv6: Option<String>,
    pub security_groups: Vec<String>,
    pub listen: Vec<String>,
    pub forwarding: bool,
}

#[derive(Debug, Serialize)]
pub struct FunctionDoc {
    pub id: String,
    /// `lambda-managed` (no VPC config) or `vpc`.
    pub placement: &'static str,
    pub vpc: Option<String>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub ipv6_dual_stack: bool,
    pub interfaces: Vec<FunctionEniDoc>,
    /// Principals the resource-based policy allows; absent: not modelled.
    pub invoke_policy: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct FunctionEniDoc {
    pub subnet: String,
    pub private_ip: String,
    pub ipv6: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TriggerDoc {
    pub id: String,
    /// The scenario's source name in kebab case: `sqs`, `dynamodb-streams`,
    /// `msk`, `self-managed-kafka`, `amazon-mq`, `documentdb`, `eventbridge`, ...
    pub source: &'static str,
    pub service: String,
    pub function: String,
    /// `aws-poller` (Lambda-managed poller in AWS's network), `vpc-poller`
    /// (poller ENIs in the source's subnets) or `push` (the service invokes).
    pub delivery: &'static str,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// The broker port, for `vpc-poller` triggers.
    pub port: Option<u16>,
    /// `on-demand` or `provisioned`, for `vpc-poller` triggers.
    pub mode: Option<&'static str>,
    pub secrets_manager: bool,
}

#[derive(Debug, Serialize)]
pub struct ServiceDoc {
    pub id: String,
    pub name: String,
    pub hostname: String,
    pub endpoint_service: String,
    pub gateway_endpoint: bool,
    pub interface_endpoint: bool,
    /// `none`, `push`, `poll` or `poll-vpc`.
    pub invokes: &'static str,
    /// Catalog fields the scenario overrides.
    pub overrides: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct HostDoc {
    pub id: String,
    pub ip: String,
    pub listen: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PeeringDoc {
    pub id: String,
    pub requester: String,
    pub accepter: String,
}

#[derive(Debug, Serialize)]
pub struct TgwDoc {
    pub id: String,
    pub attachments: Vec<TgwAttachmentDoc>,
    pub routes: Vec<TgwRouteDoc>,
}

#[derive(Debug, Serialize)]
pub struct TgwAttachmentDoc {
    pub vpc: String,
    pub subnets: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TgwRouteDoc {
    pub dest: String,
    /// Absent: a blackhole route.
    pub vpc: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ExpectDoc {
    pub from: String,
    pub to: String,
    pub protocol: Option<&'static str>,
    pub port: Option<u16>,
    /// `reachable` or `blocked`.
    pub expect: &'static str,
    pub code: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct WarningDoc {
    /// `file:line` or `file`.
    pub location: String,
    pub message: String,
    pub hint: Option<String>,
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

impl Doc {
    pub fn new(s: &Scenario, spec: &ScenarioSpec, warnings: &[Message]) -> Doc {
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
        Doc {
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
                    ip: h.ip.to_string(),
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
                    attachments: t
                        .attachments
                        .iter()
                        .map(|a| TgwAttachmentDoc {
                            vpc: vpc_name(a.vpc),
                            subnets: subnet_names(&a.subnets),
                        })
                        .collect(),
                    routes: t
                        .routes
                        .iter()
                        .map(|(dest, v)| TgwRouteDoc {
                            dest: dest.to_string(),
                            vpc: v.map(vpc_name),
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
                    expect: match e.expect {
                        Expect::Reachable => "reachable",
                        Expect::Blocked => "blocked",
                    },
                    code: e.code.clone(),
                    note: e.note.clone(),
                })
                .collect(),
            warnings: warnings
                .iter()
                .map(|w| WarningDoc {
                    location: w.location.clone(),
                    message: w.text.clone(),
                    hint: w.hint.clone(),
                })
                .collect(),
        }
    }

    /// The text form: one block per VPC, then the regional sections.
    pub fn text(&self) -> String {
        let h = style::HEADER;
        let mut out = String::new();
        let o = &mut out;
        let _ = writeln!(o, "{h}scenario {}{h:#} (region {})", self.name, self.region);
        if let Some(d) = &self.description {
            let _ = writeln!(o, "  {d}");
        }

        for v in &self.vpcs {
            let _ = writeln!(o);
            let mut blocks = v.cidrs.clone();
            blocks.extend(v.ipv6_cidr.clone());
            let _ = writeln!(o, "{h}vpc {}{h:#}  {}", v.id, blocks.join(", "));
            let on = |b: bool| if b { "on" } else { "off" };
            let _ = writeln!(
                o,
                "  dns support {}, dns hostnames {}",
                on(v.dns_support),
                on(v.dns_hostnames)
            );
            let mut gws = Vec::new();
            if let Some(g) = &v.internet_gateway {
                gws.push(format!("internet gateway {g}"));
            }
            if let Some(g) = &v.egress_only_internet_gateway {
                gws.push(format!("egress-only internet gateway {g}"));
            }
            if gws.is_empty() {
                gws.push("no internet gateway".into());
            }
            let _ = writeln!(o, "  {}", gws.join(", "));

            if !v.subnets.is_empty() {
                let _ = writeln!(o, "\n  {h}subnets{h:#}");
                let mut t = Table::with_header(&[
                    "subnet",
                    "cidr",
                    "az",
                    "reach",
                    "route table",
                    "network acl",
                    "ipv6",
                ]);
                for sub in &v.subnets {
                    t.row([
                        sub.id.clone(),
                        sub.cidr.clone(),
                        sub.az.clone(),
                        sub.reach.to_string(),
                        sub.route_table.clone(),
                        sub.network_acl.clone(),
                        opt(&sub.ipv6_cidr),
                    ]);
                }
                t.render(4, o);
            }

            let mut t = Table::with_header(&[
                "subnet",
                "private ip",
                "public ip",
                "ipv6",
                "interface of",
                "security groups",
            ]);
            for sub in &v.subnets {
                for e in &sub.interfaces {
                    let kind = e.owner_kind.replace('-', " ");
                    t.row([
                        sub.id.clone(),
                        e.private_ip.clone(),
                        opt(&e.public_ip),
                        opt(&e.ipv6),
                        format!("{kind} {}", e.owner),
                        list(&e.security_groups),
                    ]);
                }
            }
            if !t.is_empty() {
                let _ = writeln!(o, "\n  {h}network interfaces{h:#}");
                t.render(4, o);
            }

            let _ = writeln!(o, "\n  {h}route tables{h:#}");
            for rt in &v.route_tables {
                let mut tags = Vec::new();
                if rt.main {
                    tags.push("main".to_string());
                }
                if rt.implicit {
                    tags.push("implicit".to_string());
                }
                let tags = if tags.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", tags.join(", "))
                };
                let _ = writeln!(o, "    {}{tags}  subnets: {}", rt.id, list(&rt.subnets));
                let mut t = Table::new();
                for r in &rt.routes {
                    let kind = match r.target_kind {
                        "egress-only-internet-gateway" => "egress-only internet gateway".into(),
                        k => k.replace('-', " "),
                    };
                    let target = match &r.target {
                        Some(name) => format!("{kind} {name}"),
                        None => kind,
                    };
                    let note = match r.origin {
                        "local" => "(implicit)",
                        "gateway-endpoint" => "(added by the endpoint)",
                        _ => "",
                    };
                    t.row([r.dest.clone(), target, note.to_string()]);
                }
                t.render(6, o);
            }

            if !v.nat_gateways.is_empty() {
                let _ = writeln!(o, "\n  {h}nat gateways{h:#}");
                let mut t = Table::with_header(&[
                    "nat gateway",
                    "connectivity",
                    "subnet",
                    "private ip",
                    "elastic ip",
                ]);
                for n in &v.nat_gateways {
                    t.row([
                        n.id.clone(),
                        n.connectivity.to_string(),
                        n.subnet.clone(),
                        n.private_ip.clone(),
                        opt(&n.elastic_ip),
                    ]);
                }
                t.render(4, o);
            }

            if !v.endpoints.is_empty() {
                let _ = writeln!(o, "\n  {h}vpc endpoints{h:#}");
                let mut t = Table::with_header(&[
                    "endpoint",
                    "kind",
                    "service",
                    "in",
                    "security groups",
                    "private dns",
                    "policy",
                ]);
                for e in &v.endpoints {
                    let placed = if e.kind == "gateway" {
                        format!("route tables {}", list(&e.route_tables))
                    } else {
                        format!("subnets {}", list(&e.subnets))
                    };
                    let dns = match (e.kind, e.private_dns) {
                        ("gateway", _) => "-",
                        (_, true) => "on",
                        (_, false) => "off",
                    };
                    let policy = match &e.policy {
                        None => "full access".to_string(),
                        Some(p) => {
                            let mut parts = Vec::new();
                            if let Some(a) = &p.allow {
                                parts.push(format!("allow {}", list(a)));
                            }
                            if !p.deny.is_empty() {
                                parts.push(format!("deny {}", list(&p.deny)));
                            }
                            parts.join("; ")
                        }
                    };
                    t.row([
                        e.id.clone(),
                        e.kind.to_string(),
                        e.service.clone(),
                        placed,
                        if e.kind == "gateway" {
                            "-".into()
                        } else {
                            list(&e.security_groups)
                        },
                        dns.to_string(),
                        policy,
                    ]);
                }
                t.render(4, o);
            }

            let _ = writeln!(o, "\n  {h}security groups{h:#}");
            for g in &v.security_groups {
                let mut tags = Vec::new();
                if g.default {
                    tags.push("default");
                }
                if g.implicit {
                    tags.push("implicit");
                }
                let tags = if tags.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", tags.join(", "))
                };
                let _ = writeln!(o, "    {}{tags}", g.id);
                let mut t = Table::new();
                let peer = |r: &SgRuleDoc| {
                    if let Some(c) = &r.cidr {
                        c.clone()
                    } else if let Some(g) = &r.sg {
                        format!("sg {g}")
                    } else {
                        format!("pl:{}", r.prefix_list.as_deref().unwrap_or_default())
                    }
                };
                for r in &g.ingress {
                    t.row([
                        "in".to_string(),
                        rule_ports(r.protocol, &r.ports),
                        format!("from {}", peer(r)),
                    ]);
                }
                if g.ingress.is_empty() {
                    t.row(["in", "nothing", ""]);
                }
                for r in &g.egress {
                    t.row([
                        "out".to_string(),
                        rule_ports(r.protocol, &r.ports),
                        format!("to {}", peer(r)),
                    ]);
                }
                if g.egress.is_empty() {
                    t.row(["out", "nothing", ""]);
                }
                t.render(6, o);
            }

            let _ = writeln!(o, "\n  {h}network acls{h:#}");
            for a in &v.network_acls {
                let mut tags = Vec::new();
                if a.default {
                    tags.push("default");
                }
                if a.implicit {
                    tags.push("implicit");
                }
                let tags = if tags.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", tags.join(", "))
                };
                let _ = writeln!(o, "    {}{tags}  subnets: {}", a.id, list(&a.subnets));
                let mut t = Table::new();
                for (dir, rules, word) in [("in", &a.ingress, "from"), ("out", &a.egress, "to")] {
                    for r in rules {
                        t.row([
                            dir.to_string(),
                            r.rule.to_string(),
                            r.action.to_string(),
                            rule_ports(r.protocol, &r.ports),
                            format!("{word} {}", r.cidr),
                        ]);
                    }
                    t.row([dir, "*", "deny", "all", "(implicit)"]);
                }
                t.render(6, o);
            }
        }

        if !self.resources.is_empty() {
            let _ = writeln!(o, "\n{h}resources{h:#}");
            let mut t = Table::with_header(&[
                "resource",
                "kind",
                "subnet",
                "private ip",
                "public ip",
                "security groups",
                "listens",
            ]);
            for r in &self.resources {
                let kind = if r.forwarding {
                    format!("{} (forwarding)", r.kind)
                } else {
                    r.kind.to_string()
                };
                t.row([
                    r.id.clone(),
                    kind,
                    r.subnet.clone(),
                    r.private_ip.clone(),
                    opt(&r.public_ip),
                    list(&r.security_groups),
                    list(&r.listen),
                ]);
            }
            t.render(2, o);
        }

        if !self.functions.is_empty() {
            let _ = writeln!(o, "\n{h}functions{h:#}");
            let mut t = Table::with_header(&[
                "function",
                "placement",
                "subnets",
                "security groups",
                "invoke policy",
            ]);
            for f in &self.functions {
                let placement = match &f.vpc {
                    None => "outside any vpc (lambda-managed network)".to_string(),
                    Some(v) if f.ipv6_dual_stack => format!("vpc {v}, dual-stack"),
                    Some(v) => format!("vpc {v}"),
                };
                let subnets = if f.interfaces.is_empty() {
                    "-".to_string()
                } else {
                    let parts: Vec<String> = f
                        .interfaces
                        .iter()
                        .map(|e| format!("{} {}", e.subnet, e.private_ip))
                        .collect();
                    parts.join(", ")
                };
                t.row([
                    f.id.clone(),
                    placement,
                    subnets,
                    list(&f.security_groups),
                    f.invoke_policy
                        .as_ref()
                        .map_or_else(|| "not modelled".to_string(), |p| list(p)),
                ]);
            }
            t.render(2, o);
        }

        if !self.triggers.is_empty() {
            let _ = writeln!(o, "\n{h}triggers{h:#}");
            let mut t = Table::with_header(&["trigger", "source", "function", "delivery"]);
            for tr in &self.triggers {
                let delivery = match tr.delivery {
                    "aws-poller" => "polled by Lambda in AWS's network".to_string(),
                    "push" => format!("{} invokes through the Lambda service", tr.service),
                    _ => {
                        let mut d = format!(
                            "poller in {}, sg {}, port {}, {}",
                            list(&tr.subnets),
                            list(&tr.security_groups),
                            tr.port.unwrap_or_default(),
                            tr.mode.unwrap_or_default()
                        );
                        if tr.secrets_manager {
                            d.push_str(", secrets manager");
                        }
                        d
                    }
                };
                t.row([
                    tr.id.clone(),
                    tr.source.to_string(),
                    tr.function.clone(),
                    delivery,
                ]);
            }
            t.render(2, o);
        }

        if !self.services.is_empty() {
            let _ = writeln!(o, "\n{h}services used{h:#}");
            let mut t = Table::with_header(&[
                "service",
                "hostname",
                "endpoints",
                "invokes lambda",
                "overridden",
            ]);
            for x in &self.services {
                let endpoints = match (x.gateway_endpoint, x.interface_endpoint) {
                    (true, true) => "gateway, interface",
                    (true, false) => "gateway",
                    (false, true) => "interface",
                    (false, false) => "none",
                };
                t.row([
                    x.id.clone(),
                    x.hostname.clone(),
                    endpoints.to_string(),
                    x.invokes.to_string(),
                    list(&x.overrides),
                ]);
            }
            t.render(2, o);
        }

        if !self.external_hosts.is_empty() {
            let _ = writeln!(o, "\n{h}external hosts{h:#}");
            let mut t = Table::with_header(&["host", "ip", "listens"]);
            for x in &self.external_hosts {
                t.row([x.id.clone(), x.ip.clone(), list(&x.listen)]);
            }
            t.render(2, o);
        }

        if !self.peering_connections.is_empty() {
            let _ = writeln!(o, "\n{h}peering connections{h:#}");
            let mut t = Table::new();
            for p in &self.peering_connections {
                t.row([p.id.clone(), format!("{} <-> {}", p.requester, p.accepter)]);
            }
            t.render(2, o);
        }

        if !self.transit_gateways.is_empty() {
            let _ = writeln!(o, "\n{h}transit gateways{h:#}");
            for tg in &self.transit_gateways {
                let att: Vec<String> = tg
                    .attachments
                    .iter()
                    .map(|a| format!("{} ({})", a.vpc, list(&a.subnets)))
                    .collect();
                let _ = writeln!(o, "  {}  attachments: {}", tg.id, list(&att));
                let mut t = Table::new();
                for r in &tg.routes {
                    t.row([
                        r.dest.clone(),
                        r.vpc
                            .as_ref()
                            .map_or_else(|| "blackhole".to_string(), |v| format!("vpc {v}")),
                    ]);
                }
                t.render(4, o);
            }
        }

        if !self.expectations.is_empty() {
            let _ = writeln!(o, "\n{h}expectations{h:#}");
            let mut t = Table::new();
            for e in &self.expectations {
                let what = match (e.protocol, e.port) {
                    (Some(p), Some(n)) => format!("{p}/{n}"),
                    (Some(p), None) => p.to_string(),
                    (None, Some(n)) => format!("port {n}"),
                    (None, None) => "-".into(),
                };
                let mut expect = e.expect.to_string();
                if let Some(c) = &e.code {
                    expect.push_str(&format!(" {c}"));
                }
                t.row([
                    format!("{} -> {}", e.from, e.to),
                    what,
                    expect,
                    e.note.clone().unwrap_or_default(),
                ]);
            }
            t.render(2, o);
        }
        out
    }
}

/// `tcp/443`, `udp/all`, `all`, `icmp`.
fn rule_ports(protocol: &str, ports: &str) -> String {
    match protocol {
        "tcp" | "udp" => format!("{protocol}/{ports}"),
        p => p.to_string(),
    }
}
