//! The raw layer: plain serde types that mirror the RON scenario file.
//!
//! Nothing here is checked. References are strings, CIDRs and ports are
//! unparsed text, and every optional field has the default AWS itself applies.
//! [`crate::validate`] turns a [`ScenarioSpec`] into a checked [`crate::Scenario`].

use serde::{Deserialize, Serialize};

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn default_region() -> String {
    "us-east-1".to_string()
}

/// One AWS region's network and what is deployed in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default = "default_region")]
    pub region: String,
    /// The 12-digit id of the account everything declared belongs to
    /// (unless `identities` says otherwise); absent: one unnamed account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpcs: Vec<VpcSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<SubnetSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<RouteTableSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internet_gateways: Vec<InternetGatewaySpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress_only_internet_gateways: Vec<EgressOnlyIgwSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nat_gateways: Vec<NatGatewaySpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoints: Vec<VpcEndpointSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<SecurityGroupSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_acls: Vec<NetworkAclSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<FunctionSpec>,
    /// Regional services used by the scenario, each optionally overriding the
    /// built-in catalog entry. Services referenced elsewhere (endpoints,
    /// triggers) are added implicitly with their catalog entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<TriggerSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_hosts: Vec<ExternalHostSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peering_connections: Vec<PeeringSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_gateways: Vec<TransitGatewaySpec>,
    /// Who callers are to IAM: the account of a resource, function or
    /// external host, and what its identity-based policy allows (rule 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<IdentitySpec>,
    /// Data the scenario lacks (an importer could not read it): a verdict
    /// that depends on it is `unknown`, never a guess.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingSpec>,
    /// Reachability the author relies on; run by `awsreach check`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<ExpectationSpec>,
}

impl Default for ScenarioSpec {
    fn default() -> Self {
        ScenarioSpec {
            name: None,
            description: None,
            region: default_region(),
            account: None,
            vpcs: Vec::new(),
            subnets: Vec::new(),
            route_tables: Vec::new(),
            internet_gateways: Vec::new(),
            egress_only_internet_gateways: Vec::new(),
            nat_gateways: Vec::new(),
            vpc_endpoints: Vec::new(),
            security_groups: Vec::new(),
            network_acls: Vec::new(),
            resources: Vec::new(),
            functions: Vec::new(),
            services: Vec::new(),
            triggers: Vec::new(),
            external_hosts: Vec::new(),
            peering_connections: Vec::new(),
            transit_gateways: Vec::new(),
            identities: Vec::new(),
            missing: Vec::new(),
            expect: Vec::new(),
        }
    }
}

/// A VPC. DNS defaults follow `CreateVpc`: `enableDnsSupport` is on and
/// `enableDnsHostnames` is off for every VPC except the default VPC
/// (Amazon VPC user guide, "DNS attributes for your VPC").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcSpec {
    pub id: String,
    /// Primary IPv4 CIDR block.
    pub cidr: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_cidrs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub dns_support: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub dns_hostnames: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    pub id: String,
    pub vpc: String,
    pub cidr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<String>,
    /// Availability zone suffix or name (`"a"`, `"us-east-1a"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub az: Option<String>,
    /// Explicit route-table association; else the VPC's main table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<String>,
    /// Explicit network-ACL association; else the VPC's default NACL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acl: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTableSpec {
    pub id: String,
    pub vpc: String,
    /// The VPC's main table serves every subnet without an explicit association.
    #[serde(default, skip_serializing_if = "is_false")]
    pub main: bool,
    /// Routes besides the implicit `local` routes for the VPC's CIDRs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// An IPv4/IPv6 CIDR, or a managed prefix list written `"pl:s3"`.
    pub dest: String,
    pub target: RouteTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteTarget {
    Local,
    Igw(String),
    Nat(String),
    /// A gateway VPC endpoint (normally added by the endpoint's route-table association).
    Endpoint(String),
    Peering(String),
    TransitGateway(String),
    EgressOnlyIgw(String),
    /// The network interface of a resource (an appliance or NAT instance).
    Eni(String),
    Blackhole,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternetGatewaySpec {
    pub id: String,
    pub vpc: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressOnlyIgwSpec {
    pub id: String,
    pub vpc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NatConnectivity {
    #[default]
    Public,
    Private,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGatewaySpec {
    pub id: String,
    pub subnet: String,
    #[serde(default)]
    pub connectivity: NatConnectivity,
    /// Required for a public NAT gateway, forbidden for a private one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elastic_ip: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointKind {
    Gateway,
    Interface,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpointSpec {
    pub id: String,
    pub vpc: String,
    /// A catalog service id (`"s3"`, `"lambda"`, ...).
    pub service: String,
    pub kind: EndpointKind,
    /// Gateway endpoints: the route tables that get the prefix-list route.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<String>,
    /// Interface endpoints: one endpoint ENI per subnet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    /// Interface endpoints: groups on the endpoint ENIs (else the VPC's default group).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    /// Interface endpoints: private DNS is on by default for AWS services.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub private_dns: bool,
    /// Endpoint policy; absent means the default full-access policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<EndpointPolicySpec>,
}

/// An endpoint policy reduced to actions: `allow` (absent = every action)
/// minus `deny`. Patterns are IAM actions with `*` wildcards (`"sqs:*"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointPolicySpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroupSpec {
    pub id: String,
    pub vpc: String,
    /// Marks the VPC's default group (used by ENIs that name no group).
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    /// A new group admits nothing inbound.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<SgRuleSpec>,
    /// Absent: AWS's default rule allowing all outbound traffic. `[]`: nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<SgRuleSpec>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    All,
}

/// One security-group rule: protocol, ports and exactly one peer
/// (`cidr`, `sg` or `prefix_list`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgRuleSpec {
    pub protocol: Protocol,
    /// `"443"`, `"1024-65535"` or `"all"` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sg: Option<String>,
    /// A managed prefix list, by service id (`"s3"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAclSpec {
    pub id: String,
    pub vpc: String,
    /// Marks the VPC's default NACL (used by subnets with no association).
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    /// Subnets associated with this NACL (alternative to `network_acl` on the subnet).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    /// Evaluated by ascending rule number; a final implicit deny follows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<NaclRuleSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<NaclRuleSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleAction {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NaclRuleSpec {
    /// 1..=32766.
    pub rule: u32,
    pub action: RuleAction,
    pub protocol: Protocol,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<String>,
    pub cidr: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ResourceKind {
    #[default]
    Ec2,
    Rds,
    ElastiCache,
    Resource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSpec {
    pub id: String,
    /// A second name (an AWS `Name` tag) that probes and `expect` entries
    /// may use wherever the id goes; it shares the ids' namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: ResourceKind,
    pub subnet: String,
    /// Auto-assigned from the subnet when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
    /// A public IPv4 or Elastic IP address associated with the ENI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_ip: Option<String>,
    /// Empty: the VPC's default group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    /// `"tcp/443"`, `"udp/53"`, `"tcp/8000-8080"`, `"icmp"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listen: Vec<String>,
    /// Forwarding on (source/destination check off), for appliances and NAT instances.
    #[serde(default, skip_serializing_if = "is_false")]
    pub forwarding: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    pub id: String,
    /// A second name (the function's name when the id is a resource address
    /// or an ARN) that probes and `expect` entries may use wherever the id
    /// goes; it shares the ids' namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Absent: the function runs in the Lambda-managed network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<FunctionVpcSpec>,
    /// Resource-based policy: principals allowed to invoke. Absent: not
    /// modelled (every caller with IAM permission may invoke).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<InvokePolicySpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionVpcSpec {
    pub subnets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ipv6_dual_stack: bool,
}

/// Principals that may call `lambda:InvokeFunction`: service principals
/// (`"events.amazonaws.com"`), scenario ids of resources, functions or
/// external hosts (their IAM role), 12-digit account ids or
/// `"arn:aws:iam::<account>:root"` (any principal of that account), or `"*"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvokePolicySpec {
    pub allow: Vec<String>,
}

/// Who a caller is to IAM (rule 20, docs/aws-rules.md): a caller in the
/// function's own account is allowed by either its identity-based policy or
/// the function's resource-based policy; another account needs both, and a
/// service principal the resource-based policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentitySpec {
    /// A resource, function or external host id.
    pub of: String,
    /// Its 12-digit account id; absent: the scenario's `account`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// IAM actions its identity-based policy (role) allows, with `*`
    /// wildcards (`"lambda:InvokeFunction"`, `"lambda:*"`). Absent: not
    /// modelled, so it is taken to allow the calls it makes, as everywhere
    /// else awsreach assumes IAM allows a call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<Vec<String>>,
}

/// A service used by the scenario. For a catalog service every field but
/// `id` overrides the catalog entry; a service outside the catalog
/// (`bedrock-runtime`) is declared here with its endpoint kinds, and
/// `name`, `hostname`, `endpoint_service` and `action` when they differ
/// from AWS's usual pattern (`<id>.<region>.amazonaws.com`,
/// `com.amazonaws.<region>.<id>`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub id: String,
    /// Services outside the catalog: its name for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Services outside the catalog: the regional hostname, which an
    /// interface endpoint's private DNS answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Services outside the catalog: the endpoint service name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_service: Option<String>,
    /// Services outside the catalog: the IAM action a call makes
    /// (endpoint policies are asked about it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_endpoint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_endpoint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invokes_lambda: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TriggerSource {
    Sqs,
    Kinesis,
    DynamoDbStreams,
    Msk,
    SelfManagedKafka,
    AmazonMq,
    DocumentDb,
    EventBridge,
    Sns,
    S3,
    ApiGateway,
    /// AWS Step Functions task state (`states.amazonaws.com`).
    StepFunctions,
    /// CloudWatch Logs subscription filter (`logs.amazonaws.com`).
    CloudWatchLogs,
    /// Amazon Cognito user pool trigger (`cognito-idp.amazonaws.com`).
    Cognito,
    /// An Application Load Balancer target group (`elasticloadbalancing.amazonaws.com`).
    Alb,
    /// A function URL: a public HTTPS endpoint, `auth` decides who may call it.
    FunctionUrl,
}

/// A function URL's `AuthType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum UrlAuth {
    /// `AWS_IAM`: requests signed by an IAM principal the policies allow.
    #[default]
    AwsIam,
    /// `NONE`: no authentication; the resource-based policy must still
    /// grant public access (`"*"`).
    NoAuth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PollerMode {
    #[default]
    OnDemand,
    Provisioned,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerSpec {
    /// Defaults to `"<source service>-><function>"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub source: TriggerSource,
    pub function: String,
    /// VPC event sources (MSK, Kafka, MQ, DocumentDB): the source's subnets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    /// VPC event sources: the source's security groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    /// VPC event sources: the broker port (default per source kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "is_default_mode")]
    pub mode: PollerMode,
    /// VPC event sources: credentials kept in Secrets Manager.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secrets_manager: bool,
    /// Amazon MQ only: the broker engine (absent: ActiveMQ, unless the
    /// `missing` section lists the trigger's `Engine`). Its on-demand
    /// poller needs an STS endpoint for ActiveMQ only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<MqEngine>,
    /// `FunctionUrl` only: the URL's auth type (absent: `AwsIam`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<UrlAuth>,
}

/// The engine of an Amazon MQ broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum MqEngine {
    #[default]
    ActiveMq,
    RabbitMq,
}

fn is_default_mode(m: &PollerMode) -> bool {
    *m == PollerMode::OnDemand
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalHostSpec {
    pub id: String,
    /// Its public address; absent, the address is not known (a host given
    /// by `hostname` only): a verdict that depends on it is `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// The host's DNS name (`api.stripe.com`): probes may name the host by
    /// it, and a probe to it resolves it first (public DNS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listen: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeeringSpec {
    pub id: String,
    pub requester: String,
    pub accepter: String,
}

/// A transit gateway (Transit Gateway guide, "How transit gateways work").
/// The simple form lists attachments (and optionally `routes`): one
/// default route table, every attachment associated with it and
/// propagating into it — AWS's default route table association and
/// propagation. The full form lists `route_tables` and says per attachment
/// which table it is associated with and which it propagates to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewaySpec {
    pub id: String,
    pub attachments: Vec<TgwAttachmentSpec>,
    /// Static routes of the default route table (simple form only); when
    /// given, attachments propagate only where they say `propagate`.
    /// Absent, every attachment propagates its VPC CIDRs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<TgwRouteSpec>,
    /// The route tables (full form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<TgwRouteTableSpec>,
    /// With `route_tables`: the table attachments are associated with and
    /// propagate to unless they say otherwise (AWS's default association
    /// and propagation route table). Absent, none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_route_table: Option<String>,
    /// Security groups may reference groups in other VPCs attached to this
    /// transit gateway (`SecurityGroupReferencingSupport`, off by default).
    #[serde(default, skip_serializing_if = "is_false")]
    pub sg_referencing: bool,
}

/// A VPC attachment: the VPC, and its attachment subnets (one per
/// Availability Zone; the transit gateway's network interfaces live there).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TgwAttachmentSpec {
    /// The attachment's id (`tgw-attach-...`); absent, the VPC's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub vpc: String,
    pub subnets: Vec<String>,
    /// The route table this attachment is associated with (routes the
    /// packets arriving from it); absent, the default route table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<String>,
    /// The route tables its VPC CIDRs propagate to; absent, the default
    /// route table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagate: Option<Vec<String>>,
    /// Appliance mode (`ApplianceModeSupport`): both directions of a flow
    /// use one Availability Zone of this attachment.
    #[serde(default, skip_serializing_if = "is_false")]
    pub appliance_mode: bool,
}

/// One route table of a transit gateway: its static and blackhole routes
/// (propagated routes come from the attachments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TgwRouteTableSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<TgwRouteSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TgwRouteSpec {
    pub dest: String,
    /// The attached VPC (its attachment), or absent for a blackhole route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Expect {
    Reachable,
    Blocked,
    /// The answer depends on data listed in `missing`.
    Unknown,
}

/// One pinned reachability fact: `from` can (not) reach `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectationSpec {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// 6: the flow over IPv6 (`--ip-version 6`); absent or 4: IPv4 unless
    /// an end is an IPv6 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<u8>,
    pub expect: Expect,
    /// The hostname a service call uses (`"us-east-1.queue.amazonaws.com"`,
    /// a legacy name an SDK may call); absent, the regional hostname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The reason code a blocked probe must report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One piece of data the scenario does not have, for the entity `entity`
/// (any id of the scenario). A probe whose verdict depends on it ends
/// `unknown`, naming what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingSpec {
    pub entity: String,
    pub what: MissingKind,
    /// Where the data should have come from, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What kind of data is missing for an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MissingKind {
    /// A subnet's route table (its association could not be read).
    RouteTable,
    /// A subnet's network ACL.
    NetworkAcl,
    /// A route table's routes, or some of them.
    Routes,
    /// A security group's or network ACL's rules.
    Rules,
    /// A function's or resource's placement (subnets, security groups).
    Placement,
    /// A transit gateway's route tables or routes.
    TgwRoutes,
    /// A function's resource-based policy or an endpoint's policy.
    Policy,
    /// An external host's address (a host known by its hostname only).
    Address,
    /// An Amazon MQ trigger's broker engine (ActiveMQ or RabbitMQ): an
    /// importer that could not read the broker.
    Engine,
}

impl MissingKind {
    /// The name written in a scenario file (`RouteTable`, `Rules`, ...).
    pub fn name(self) -> &'static str {
        match self {
            MissingKind::RouteTable => "RouteTable",
            MissingKind::NetworkAcl => "NetworkAcl",
            MissingKind::Routes => "Routes",
            MissingKind::Rules => "Rules",
            MissingKind::Placement => "Placement",
            MissingKind::TgwRoutes => "TgwRoutes",
            MissingKind::Policy => "Policy",
            MissingKind::Address => "Address",
            MissingKind::Engine => "Engine",
        }
    }

    /// The missing data in words, for messages: "the route table of subnet x".
    pub fn noun(self) -> &'static str {
        match self {
            MissingKind::RouteTable => "route table association",
            MissingKind::NetworkAcl => "network acl association",
            MissingKind::Routes => "routes",
            MissingKind::Rules => "rules",
            MissingKind::Placement => "placement (subnets and security groups)",
            MissingKind::TgwRoutes => "transit gateway routes",
            MissingKind::Policy => "policy",
            MissingKind::Address => "address",
            MissingKind::Engine => "broker engine (ActiveMQ or RabbitMQ)",
        }
    }
}
