//! The name-resolved document of a scenario, as `awsreach show` presents it:
//! every reference replaced by the id a user wrote, every AWS default made
//! visible (main tables, default ACLs and groups, assigned addresses,
//! endpoint routes). Built once from the checked model ([`ScenarioDoc::new`],
//! in `scenario/build.rs`); the text and JSON forms both render it, so they
//! always agree. The JSON shape is documented in `docs/scenario-format.md`
//! ("awsreach show --format json"); [`VERSION`] changes when a field is
//! removed or changes meaning.

use serde::Serialize;

mod build;

pub use build::invokes_name;

/// Version of the JSON document.
pub const VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioDoc {
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
    /// Data the scenario lacks (its `missing` section); left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterfaceDoc {
    pub owner: String,
    /// The owner's `name` (a `Name` tag, a function name), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// `resource`, `function`, `endpoint` or `nat-gateway`.
    pub owner_kind: &'static str,
    pub private_ip: String,
    pub public_ip: Option<String>,
    pub ipv6: Option<String>,
    pub security_groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteTableDoc {
    pub id: String,
    pub main: bool,
    /// Created by awsreach because the VPC declares no main table.
    pub implicit: bool,
    /// Subnets using this table, explicitly or as the main table.
    pub subnets: Vec<String>,
    pub routes: Vec<RouteDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NatDoc {
    pub id: String,
    /// `public` or `private`.
    pub connectivity: &'static str,
    pub subnet: String,
    pub private_ip: String,
    pub elastic_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDoc {
    /// Absent: every action.
    pub allow: Option<Vec<String>>,
    pub deny: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SgDoc {
    pub id: String,
    pub default: bool,
    pub implicit: bool,
    pub ingress: Vec<SgRuleDoc>,
    pub egress: Vec<SgRuleDoc>,
}

/// One rule; exactly one of `cidr`, `sg`, `prefix_list` is present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NaclDoc {
    pub id: String,
    pub default: bool,
    pub implicit: bool,
    pub subnets: Vec<String>,
    pub ingress: Vec<NaclRuleDoc>,
    pub egress: Vec<NaclRuleDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NaclRuleDoc {
    pub rule: u32,
    /// `allow` or `deny`.
    pub action: &'static str,
    pub protocol: &'static str,
    pub ports: String,
    pub cidr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceDoc {
    pub id: String,
    /// Its `name` (a `Name` tag), another id for probes, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionDoc {
    pub id: String,
    /// Its `name` (the function name when the id is an ARN, say), another
    /// id for probes, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionEniDoc {
    pub subnet: String,
    pub private_ip: String,
    pub ipv6: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostDoc {
    pub id: String,
    pub ip: String,
    pub listen: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeeringDoc {
    pub id: String,
    pub requester: String,
    pub accepter: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TgwDoc {
    pub id: String,
    pub sg_referencing: bool,
    pub attachments: Vec<TgwAttachmentDoc>,
    pub route_tables: Vec<TgwRouteTableDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TgwAttachmentDoc {
    pub id: String,
    pub vpc: String,
    pub subnets: Vec<String>,
    /// The associated route table; absent: none.
    pub route_table: Option<String>,
    pub appliance_mode: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TgwRouteTableDoc {
    pub id: String,
    pub routes: Vec<TgwRouteDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TgwRouteDoc {
    pub dest: String,
    /// The attachment's VPC; absent: a blackhole route.
    pub vpc: Option<String>,
    pub propagated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectDoc {
    pub from: String,
    pub to: String,
    pub protocol: Option<&'static str>,
    pub port: Option<u16>,
    /// 6: asked over IPv6; left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<u8>,
    /// `reachable` or `blocked`.
    pub expect: &'static str,
    pub code: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningDoc {
    /// `file:line` or `file`.
    pub location: String,
    pub message: String,
    pub hint: Option<String>,
}

/// One piece of data the scenario lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingDoc {
    /// The id of the entity the data belongs to.
    pub entity: String,
    /// The kind of entity: `subnet`, `route table`, `security group`, ...
    pub entity_kind: &'static str,
    /// As written in the scenario: `RouteTable`, `Routes`, `Rules`, ...
    pub what: &'static str,
    pub note: Option<String>,
}
