//! The checked layer: every reference resolved to a typed index, every CIDR,
//! address and port parsed, every AWS default made explicit. The simulator
//! sees only these types.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Serialize;

use crate::catalog::Invokes;
use crate::net::{Listener, PortRange, Protocol};
use crate::spec::{
    EndpointKind, Expect, MissingKind, MqEngine, PollerMode, ResourceKind, RuleAction,
    TriggerSource, UrlAuth,
};

macro_rules! ids {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            #[inline]
            pub fn ix(self) -> usize { self.0 as usize }
        }
    )*};
}

ids!(
    VpcId,
    SubnetId,
    RouteTableId,
    IgwId,
    EigwId,
    NatId,
    EndpointId,
    SgId,
    NaclId,
    /// A network interface: of a resource, a function, an endpoint or a NAT gateway.
    EniId,
    ResourceId,
    FunctionId,
    ServiceId,
    TriggerId,
    HostId,
    PeeringId,
    TgwId,
);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub name: String,
    pub region: String,
    /// The 12-digit id of the scenario's own account, when declared.
    pub account: Option<String>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub internet_gateways: Vec<InternetGateway>,
    pub egress_only_igws: Vec<EgressOnlyIgw>,
    pub nat_gateways: Vec<NatGateway>,
    pub endpoints: Vec<VpcEndpoint>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_acls: Vec<NetworkAcl>,
    pub enis: Vec<Eni>,
    pub resources: Vec<Resource>,
    pub functions: Vec<Function>,
    pub services: Vec<Service>,
    pub triggers: Vec<Trigger>,
    pub external_hosts: Vec<ExternalHost>,
    pub peerings: Vec<Peering>,
    pub transit_gateways: Vec<TransitGateway>,
    pub expectations: Vec<Expectation>,
    /// Data the scenario lacks, sorted by (entity, what) with no two alike:
    /// ask with [`Scenario::missing`].
    pub missing: Vec<Missing>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vpc {
    pub name: String,
    pub cidrs: Vec<Ipv4Net>,
    pub ipv6_cidr: Option<Ipv6Net>,
    pub dns_support: bool,
    pub dns_hostnames: bool,
    pub main_route_table: RouteTableId,
    pub default_nacl: NaclId,
    pub default_sg: SgId,
    pub internet_gateway: Option<IgwId>,
    pub egress_only_igw: Option<EigwId>,
    pub subnets: Vec<SubnetId>,
}

impl Vpc {
    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => self.cidrs.iter().any(|c| c.contains(&a)),
            IpAddr::V6(a) => self.ipv6_cidr.is_some_and(|c| c.contains(&a)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subnet {
    pub name: String,
    pub vpc: VpcId,
    pub cidr: Ipv4Net,
    pub ipv6_cidr: Option<Ipv6Net>,
    pub az: String,
    pub route_table: RouteTableId,
    pub network_acl: NaclId,
}

impl Subnet {
    /// Whether `addr` lies in the subnet's IPv4 or IPv6 block.
    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => self.cidr.contains(&a),
            IpAddr::V6(a) => self.ipv6_cidr.is_some_and(|c| c.contains(&a)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteTable {
    pub name: String,
    pub vpc: VpcId,
    pub main: bool,
    /// False for the main table awsreach creates when a VPC declares none.
    pub declared: bool,
    /// Implicit `local` routes first, then declared routes, then gateway-endpoint routes.
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RouteDest {
    Cidr(IpNet),
    /// A service's managed prefix list (`pl:s3`).
    PrefixList(ServiceId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Target {
    Local,
    Igw(IgwId),
    Nat(NatId),
    Endpoint(EndpointId),
    Peering(PeeringId),
    TransitGateway(TgwId),
    EgressOnlyIgw(EigwId),
    Eni(EniId),
    Blackhole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RouteOrigin {
    /// The implicit route for one of the VPC's CIDRs.
    Local,
    Declared,
    /// Added by a gateway endpoint's route-table association.
    GatewayEndpoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Route {
    pub dest: RouteDest,
    pub target: Target,
    pub origin: RouteOrigin,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InternetGateway {
    pub name: String,
    pub vpc: VpcId,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EgressOnlyIgw {
    pub name: String,
    pub vpc: VpcId,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NatGateway {
    pub name: String,
    pub subnet: SubnetId,
    pub public: bool,
    pub elastic_ip: Option<Ipv4Addr>,
    pub eni: EniId,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VpcEndpoint {
    pub name: String,
    pub vpc: VpcId,
    pub service: ServiceId,
    pub kind: EndpointKind,
    pub route_tables: Vec<RouteTableId>,
    pub subnets: Vec<SubnetId>,
    pub security_groups: Vec<SgId>,
    pub private_dns: bool,
    pub policy: EndpointPolicy,
    /// Interface endpoints: one ENI per subnet, in `subnets` order.
    pub enis: Vec<EniId>,
}

/// `allow` (None = every action) minus `deny`, IAM-style `*` wildcards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EndpointPolicy {
    pub allow: Option<Vec<String>>,
    pub deny: Vec<String>,
}

impl EndpointPolicy {
    pub fn is_default(&self) -> bool {
        self.allow.is_none() && self.deny.is_empty()
    }

    /// The pattern that decides `action`: `Err(pattern)` when denied
    /// (`"(not allowed)"` when no allow pattern matches).
    pub fn decide(&self, action: &str) -> Result<(), String> {
        self.deciding(action).map_err(str::to_string)
    }

    /// [`EndpointPolicy::decide`] without copying the pattern (the
    /// simulator's verdict-only path allocates nothing).
    pub fn deciding(&self, action: &str) -> Result<(), &str> {
        if let Some(p) = self.deny.iter().find(|p| action_matches(p, action)) {
            return Err(p);
        }
        match &self.allow {
            None => Ok(()),
            Some(list) if list.iter().any(|p| action_matches(p, action)) => Ok(()),
            Some(_) => Err("(not in the allow list)"),
        }
    }
}

/// IAM action matching: case-insensitive, `*` matches any run of characters.
///
/// Greedy two-pointer matching: on a mismatch after a `*`, that star takes
/// one more character and matching resumes behind it. Only the last star
/// ever needs to backtrack (an earlier star's choice can always be moved
/// into the later one), so the work is O(pattern × action) at worst; the
/// recursive matcher this replaces was exponential in the number of stars
/// (`*s*s*s…*X`, 14 stars: over 100 s).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let (p, a) = (pattern.as_bytes(), action.as_bytes());
    let (mut i, mut j) = (0, 0);
    // The last star seen (index into `p`) and where in `a` it began to match.
    let mut star: Option<(usize, usize)> = None;
    while j < a.len() {
        if i < p.len() && p[i] == b'*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && p[i].eq_ignore_ascii_case(&a[j]) {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            // The star swallows one more character; retry the rest after it.
            star = Some((si, sj + 1));
            i = si + 1;
            j = sj + 1;
        } else {
            return false;
        }
    }
    // The action is used up: only stars may remain.
    p[i..].iter().all(|&c| c == b'*')
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityGroup {
    pub name: String,
    pub vpc: VpcId,
    /// False for the default group awsreach creates when a VPC declares none.
    pub declared: bool,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SgPeer {
    Cidr(IpNet),
    Sg(SgId),
    PrefixList(ServiceId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SgRule {
    pub protocol: Protocol,
    pub ports: PortRange,
    pub peer: SgPeer,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkAcl {
    pub name: String,
    pub vpc: VpcId,
    pub declared: bool,
    /// Sorted by rule number.
    pub ingress: Vec<NaclRule>,
    pub egress: Vec<NaclRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NaclRule {
    pub number: u32,
    pub action: RuleAction,
    pub protocol: Protocol,
    pub ports: PortRange,
    pub cidr: IpNet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EniOwner {
    Resource(ResourceId),
    Function(FunctionId),
    Endpoint(EndpointId),
    Nat(NatId),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eni {
    pub owner: EniOwner,
    pub subnet: SubnetId,
    pub private_ip: Ipv4Addr,
    /// Public IPv4 / Elastic IP. Lambda's Hyperplane ENIs never have one.
    pub public_ip: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
    pub security_groups: Vec<SgId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    pub name: String,
    /// The scenario's `name` for it (a `Name` tag): another id for probes.
    pub alias: Option<String>,
    pub kind: ResourceKind,
    pub eni: EniId,
    pub listen: Vec<Listener>,
    pub forwarding: bool,
    pub identity: Identity,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Function {
    pub name: String,
    /// The scenario's `name` for it: another id for probes.
    pub alias: Option<String>,
    pub vpc: Option<FunctionVpc>,
    /// Principals allowed by the resource-based policy; None = not modelled.
    pub policy: Option<Vec<String>>,
    pub identity: Identity,
}

/// The account an entity belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Account {
    /// The scenario's own account (`account` of the scenario, named or not).
    Home,
    /// Another account, by its 12-digit id.
    Other(String),
}

/// Who a caller is to IAM (rule 20, docs/aws-rules.md).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Identity {
    /// None: no AWS identity at all (an external host with no `identities`
    /// entry: an anonymous client).
    pub account: Option<Account>,
    /// IAM actions its identity-based policy allows; None = not modelled,
    /// taken to allow the calls it makes.
    pub allow: Option<Vec<String>>,
}

impl Identity {
    /// A resource or function with no `identities` entry.
    pub fn home() -> Identity {
        Identity {
            account: Some(Account::Home),
            allow: None,
        }
    }

    /// Whether its identity-based policy allows `action`.
    pub fn allows(&self, action: &str) -> bool {
        self.allow
            .as_ref()
            .is_none_or(|l| l.iter().any(|p| action_matches(p, action)))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionVpc {
    pub vpc: VpcId,
    pub subnets: Vec<SubnetId>,
    pub security_groups: Vec<SgId>,
    pub ipv6_dual_stack: bool,
    /// One Hyperplane ENI per subnet, in `subnets` order.
    pub enis: Vec<EniId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// The regional hostname (`sqs.us-east-1.amazonaws.com`): the first of
    /// `hostnames`.
    pub hostname: String,
    /// Every hostname a call may use, the regional one first, each with
    /// whether an interface endpoint's private DNS answers it (rule 25).
    pub hostnames: Vec<ServiceHostname>,
    /// In the built-in catalog (else declared by the scenario).
    pub in_catalog: bool,
    pub endpoint_service: String,
    pub gateway_endpoint: bool,
    pub interface_endpoint: bool,
    pub invokes: Invokes,
    pub principal: String,
    pub default_action: String,
    /// Listed in the scenario's `services` (rather than only referenced).
    pub declared: bool,
}

/// One DNS name of a service: a name (`*.` matches one or more labels)
/// and whether private DNS of an interface endpoint covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceHostname {
    pub name: String,
    pub private_dns: bool,
}

impl ServiceHostname {
    /// True when `host` (lower-case, no trailing dot) is this name.
    pub fn matches(&self, host: &str) -> bool {
        match self.name.strip_prefix("*.") {
            Some(rest) => host
                .strip_suffix(rest)
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            None => self.name == host,
        }
    }
}

impl Service {
    /// The index in `hostnames` of the name `host` (case and a trailing dot
    /// ignored).
    pub fn hostname_index(&self, host: &str) -> Option<u16> {
        let norm = host.trim_end_matches('.').to_ascii_lowercase();
        self.hostnames
            .iter()
            .position(|h| h.matches(&norm))
            .map(|i| i as u16)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trigger {
    pub name: String,
    pub source: TriggerSource,
    pub service: ServiceId,
    pub function: FunctionId,
    pub subnets: Vec<SubnetId>,
    pub security_groups: Vec<SgId>,
    pub port: u16,
    pub mode: PollerMode,
    pub secrets_manager: bool,
    /// Amazon MQ: the broker engine (ActiveMQ unless declared); `None` for
    /// every other source.
    pub engine: Option<MqEngine>,
    /// Function URLs: the auth type (`AwsIam` unless declared).
    pub auth: Option<UrlAuth>,
}

impl TriggerSource {
    /// The catalog service a trigger of this kind comes from.
    pub fn service_id(self) -> &'static str {
        match self {
            TriggerSource::Sqs => "sqs",
            TriggerSource::Kinesis => "kinesis",
            TriggerSource::DynamoDbStreams => "dynamodb",
            TriggerSource::Msk | TriggerSource::SelfManagedKafka => "kafka",
            TriggerSource::AmazonMq => "mq",
            TriggerSource::DocumentDb => "docdb",
            TriggerSource::EventBridge => "events",
            TriggerSource::Sns => "sns",
            TriggerSource::S3 => "s3",
            TriggerSource::ApiGateway => "execute-api",
            TriggerSource::StepFunctions => "states",
            TriggerSource::CloudWatchLogs => "logs",
            TriggerSource::Cognito => "cognito-idp",
            TriggerSource::Alb => "elasticloadbalancing",
            // A function URL is served by the Lambda service itself.
            TriggerSource::FunctionUrl => "lambda",
        }
    }

    /// Pollers that place ENIs in the event source's VPC (rule 5, docs/aws-rules.md).
    pub fn polls_in_vpc(self) -> bool {
        matches!(
            self,
            TriggerSource::Msk
                | TriggerSource::SelfManagedKafka
                | TriggerSource::AmazonMq
                | TriggerSource::DocumentDb
        )
    }

    /// Sources whose event source mapping has a provisioned poller mode:
    /// Amazon MSK, self-managed Kafka and SQS (rule 21, docs/aws-rules.md;
    /// "Provisioned mode" in
    /// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html).
    pub fn has_provisioned_mode(self) -> bool {
        matches!(
            self,
            TriggerSource::Msk | TriggerSource::SelfManagedKafka | TriggerSource::Sqs
        )
    }

    /// Lambda-managed pollers in AWS's network (rule 4, docs/aws-rules.md).
    pub fn polls_in_aws(self) -> bool {
        matches!(
            self,
            TriggerSource::Sqs | TriggerSource::Kinesis | TriggerSource::DynamoDbStreams
        )
    }

    /// Default broker port: MSK IAM auth 9098, Kafka 9092, MQ AMQPS 5671,
    /// DocumentDB 27017.
    pub fn default_port(self) -> u16 {
        match self {
            TriggerSource::Msk => 9098,
            TriggerSource::SelfManagedKafka => 9092,
            TriggerSource::AmazonMq => 5671,
            TriggerSource::DocumentDb => 27017,
            _ => 443,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExternalHost {
    pub name: String,
    /// None: known by its hostname only (its address is listed missing).
    pub ip: Option<IpAddr>,
    /// Its DNS name, lower-case without a trailing dot, when declared.
    pub hostname: Option<String>,
    pub listen: Vec<Listener>,
    /// Anonymous (`account: None`) unless `identities` names it.
    pub identity: Identity,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peering {
    pub name: String,
    pub requester: VpcId,
    pub accepter: VpcId,
}

impl Peering {
    /// The VPC at the other end, if `vpc` is one end.
    pub fn other(&self, vpc: VpcId) -> Option<VpcId> {
        if self.requester == vpc {
            Some(self.accepter)
        } else if self.accepter == vpc {
            Some(self.requester)
        } else {
            None
        }
    }
}

/// A transit gateway: its attachments and route tables (Transit Gateway
/// guide, "How transit gateways work", "Transit gateway route tables").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitGateway {
    pub name: String,
    pub attachments: Vec<TgwAttachment>,
    pub route_tables: Vec<TgwRouteTable>,
    /// Security groups may reference groups across the transit gateway.
    pub sg_referencing: bool,
}

impl TransitGateway {
    /// The attachment of `vpc` (AWS allows one per VPC and transit gateway).
    pub fn attachment_of(&self, vpc: VpcId) -> Option<usize> {
        self.attachments.iter().position(|a| a.vpc == vpc)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TgwAttachment {
    /// The attachment's id, or its VPC's when the scenario names none.
    pub name: String,
    pub vpc: VpcId,
    /// One subnet per Availability Zone: the transit gateway's interfaces.
    pub subnets: Vec<SubnetId>,
    /// The associated route table (index into `route_tables`); `None`: not
    /// associated, so packets arriving from it have no table to route them.
    pub route_table: Option<usize>,
    pub appliance_mode: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TgwRouteTable {
    pub name: String,
    /// Static and blackhole routes first, then propagated ones.
    pub routes: Vec<TgwRoute>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TgwRoute {
    pub dest: IpNet,
    /// The attachment (index into `attachments`); `None` = blackhole.
    pub target: Option<usize>,
    /// Propagated from the attachment's VPC CIDRs (else static).
    pub propagated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expectation {
    pub from: String,
    pub to: String,
    pub port: Option<u16>,
    pub protocol: Option<Protocol>,
    /// 6: the flow over IPv6.
    pub ip_version: Option<u8>,
    pub expect: Expect,
    /// The hostname a service call uses, when not the regional one.
    pub host: Option<String>,
    pub code: Option<String>,
    pub note: Option<String>,
}

/// An entity of the checked scenario by its typed index, for data keyed by
/// entity (the `missing` section). Only the kinds that data can be missing
/// for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EntityRef {
    Subnet(SubnetId),
    RouteTable(RouteTableId),
    SecurityGroup(SgId),
    NetworkAcl(NaclId),
    Resource(ResourceId),
    Function(FunctionId),
    VpcEndpoint(EndpointId),
    TransitGateway(TgwId),
    Trigger(TriggerId),
    ExternalHost(HostId),
}

/// One piece of data the scenario lacks: a verdict that depends on it is
/// `unknown`, naming it (from the `missing` section of the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub entity: EntityRef,
    pub what: MissingKind,
    /// Where the data should have come from, in words.
    pub note: Option<String>,
}

/// Every kind of entity a scenario names, for messages and lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EntityKind {
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    EgressOnlyIgw,
    NatGateway,
    VpcEndpoint,
    SecurityGroup,
    NetworkAcl,
    Resource,
    Function,
    Service,
    Trigger,
    ExternalHost,
    Peering,
    TransitGateway,
}

impl EntityKind {
    pub fn noun(self) -> &'static str {
        match self {
            EntityKind::Vpc => "vpc",
            EntityKind::Subnet => "subnet",
            EntityKind::RouteTable => "route table",
            EntityKind::InternetGateway => "internet gateway",
            EntityKind::EgressOnlyIgw => "egress-only internet gateway",
            EntityKind::NatGateway => "nat gateway",
            EntityKind::VpcEndpoint => "vpc endpoint",
            EntityKind::SecurityGroup => "security group",
            EntityKind::NetworkAcl => "network acl",
            EntityKind::Resource => "resource",
            EntityKind::Function => "function",
            EntityKind::Service => "service",
            EntityKind::Trigger => "trigger",
            EntityKind::ExternalHost => "external host",
            EntityKind::Peering => "peering connection",
            EntityKind::TransitGateway => "transit gateway",
        }
    }
}

impl Scenario {
    /// What the scenario says is missing of kind `what` for `entity`, if it
    /// says so: a binary search, no allocation.
    #[inline]
    pub fn missing(&self, entity: EntityRef, what: MissingKind) -> Option<&Missing> {
        if self.missing.is_empty() {
            return None;
        }
        self.missing
            .binary_search_by(|m| (m.entity, m.what).cmp(&(entity, what)))
            .ok()
            .map(|i| &self.missing[i])
    }

    /// Everything missing for `entity`, of any kind.
    pub fn missing_for(&self, entity: EntityRef) -> &[Missing] {
        let start = self.missing.partition_point(|m| m.entity < entity);
        let end = self.missing.partition_point(|m| m.entity <= entity);
        &self.missing[start..end]
    }

    /// The id users know an entity by.
    pub fn entity_name(&self, entity: EntityRef) -> &str {
        match entity {
            EntityRef::Subnet(i) => &self.subnets[i.ix()].name,
            EntityRef::RouteTable(i) => &self.route_tables[i.ix()].name,
            EntityRef::SecurityGroup(i) => &self.security_groups[i.ix()].name,
            EntityRef::NetworkAcl(i) => &self.network_acls[i.ix()].name,
            EntityRef::Resource(i) => &self.resources[i.ix()].name,
            EntityRef::Function(i) => &self.functions[i.ix()].name,
            EntityRef::VpcEndpoint(i) => &self.endpoints[i.ix()].name,
            EntityRef::TransitGateway(i) => &self.transit_gateways[i.ix()].name,
            EntityRef::Trigger(i) => &self.triggers[i.ix()].name,
            EntityRef::ExternalHost(i) => &self.external_hosts[i.ix()].name,
        }
    }

    pub fn service_by_id(&self, id: &str) -> Option<ServiceId> {
        self.services
            .iter()
            .position(|s| s.id == id)
            .map(|i| ServiceId(i as u32))
    }

    pub fn function_by_name(&self, name: &str) -> Option<FunctionId> {
        self.functions
            .iter()
            .position(|f| f.name == name)
            .map(|i| FunctionId(i as u32))
    }

    pub fn resource_by_name(&self, name: &str) -> Option<ResourceId> {
        self.resources
            .iter()
            .position(|r| r.name == name)
            .map(|i| ResourceId(i as u32))
    }

    /// The name users know an ENI by (its owner's id).
    pub fn eni_owner_name(&self, eni: EniId) -> &str {
        match self.enis[eni.ix()].owner {
            EniOwner::Resource(r) => &self.resources[r.ix()].name,
            EniOwner::Function(f) => &self.functions[f.ix()].name,
            EniOwner::Endpoint(e) => &self.endpoints[e.ix()].name,
            EniOwner::Nat(n) => &self.nat_gateways[n.ix()].name,
        }
    }

    pub fn subnet_vpc(&self, s: SubnetId) -> VpcId {
        self.subnets[s.ix()].vpc
    }

    /// The name of a route target, as a user wrote it.
    pub fn target_name(&self, t: Target) -> String {
        match t {
            Target::Local => "local".into(),
            Target::Igw(i) => self.internet_gateways[i.ix()].name.clone(),
            Target::Nat(n) => self.nat_gateways[n.ix()].name.clone(),
            Target::Endpoint(e) => self.endpoints[e.ix()].name.clone(),
            Target::Peering(p) => self.peerings[p.ix()].name.clone(),
            Target::TransitGateway(t) => self.transit_gateways[t.ix()].name.clone(),
            Target::EgressOnlyIgw(e) => self.egress_only_igws[e.ix()].name.clone(),
            Target::Eni(e) => self.eni_owner_name(e).to_string(),
            Target::Blackhole => "blackhole".into(),
        }
    }

    pub fn dest_name(&self, d: RouteDest) -> String {
        match d {
            RouteDest::Cidr(c) => c.to_string(),
            RouteDest::PrefixList(s) => format!("pl:{}", self.services[s.ix()].id),
        }
    }

    /// True when the subnet's route table sends 0.0.0.0/0 to an internet
    /// gateway: the definition of a public subnet (seed vocabulary).
    pub fn is_public_subnet(&self, s: SubnetId) -> bool {
        let rt = &self.route_tables[self.subnets[s.ix()].route_table.ix()];
        rt.routes.iter().any(|r| {
            matches!(r.target, Target::Igw(_))
                && matches!(r.dest, RouteDest::Cidr(IpNet::V4(n)) if n.prefix_len() == 0)
        })
    }
}
