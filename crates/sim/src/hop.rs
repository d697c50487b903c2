//! A hop as data: what kind of step it is, the entities it concerns (typed
//! ids of the checked scenario), the addresses and ports it decided on, and
//! the decision. Small and `Copy`: recording a hop builds no string. Text is
//! made only when shown, by [`Hop::show`], which borrows the scenario (the
//! sentences a trace printed before hops were data, word for word).

use std::fmt::{self, Display, Formatter};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use awsreach_model::net::{PortRange, Protocol};
use awsreach_model::spec::MissingKind;
use awsreach_model::*;

use crate::engine::{Addr, Node};
use crate::fix::RuleDirection;
use crate::trace::{Decision, Direction};

mod show;

pub use show::ShowHop;
pub(crate) use show::principal_name;

/// One step of the packet's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub kind: HopKind,
    /// What the hop concerns and what it decided on.
    pub at: At,
    pub decision: Decision,
    /// Forward path or reply.
    pub direction: Direction,
}

/// What kind of component a hop passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HopKind {
    Eni,
    SecurityGroup,
    NetworkAcl,
    RouteTable,
    InternetGateway,
    EgressOnlyIgw,
    NatGateway,
    VpcEndpoint,
    TransitGateway,
    Peering,
    Vpc,
    Dns,
    LambdaService,
    LambdaNetwork,
    Function,
    Service,
    Poller,
    /// An Application Load Balancer invoking its target function.
    LoadBalancer,
    /// A function URL (Lambda's own public HTTPS endpoint).
    FunctionUrl,
    Resource,
    Host,
    Internet,
}

impl HopKind {
    /// The kind in the words of the trace (`route-table`, `nat-gateway`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::Eni => "eni",
            HopKind::SecurityGroup => "security-group",
            HopKind::NetworkAcl => "network-acl",
            HopKind::RouteTable => "route-table",
            HopKind::InternetGateway => "internet-gateway",
            HopKind::EgressOnlyIgw => "egress-only-igw",
            HopKind::NatGateway => "nat-gateway",
            HopKind::VpcEndpoint => "vpc-endpoint",
            HopKind::TransitGateway => "transit-gateway",
            HopKind::Peering => "peering",
            HopKind::Vpc => "vpc",
            HopKind::Dns => "dns",
            HopKind::LambdaService => "lambda-service",
            HopKind::LambdaNetwork => "lambda-network",
            HopKind::Function => "function",
            HopKind::Service => "service",
            HopKind::Poller => "poller",
            HopKind::LoadBalancer => "load-balancer",
            HopKind::FunctionUrl => "function-url",
            HopKind::Resource => "resource",
            HopKind::Host => "host",
            HopKind::Internet => "internet",
        }
    }
}

impl Display for HopKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Who sends a packet: a resource's ENI, a function's, an event poller's
/// (in the event source's subnets), or a NAT gateway after translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sender {
    Resource(ResourceId),
    Function(FunctionId),
    Poller(TriggerId),
    Nat(NatId),
    /// A transit gateway handing a packet into the VPC of one of its
    /// attachments (index).
    Tgw(TgwId, u32),
}

/// A set of security groups checked together: an ENI's, or the groups an
/// event source's pollers carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Groups {
    Eni(EniId),
    Trigger(TriggerId),
}

/// Who asks the Lambda service to invoke a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Principal {
    Resource(ResourceId),
    Function(FunctionId),
    /// An external host (an AWS identity when `identities` gives it one).
    Host(HostId),
    /// A caller with no identity of its own in the scenario (`*`).
    Any,
    /// A service's principal (`sns.amazonaws.com`).
    Service(ServiceId),
}

/// Why the Lambda service lets a caller invoke a function (rule 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grant {
    /// Entry `entry` of the function's resource-based policy names the
    /// caller (its id, its account, or `*`).
    Policy { entry: u32 },
    /// The caller is in the function's account and its identity-based
    /// policy allows the call (`declared`: written in `identities`, else
    /// assumed, as awsreach assumes of IAM everywhere else).
    Identity { declared: bool },
}

/// What an invocation lacks (rule 20): an entry in the function's
/// resource-based policy, an allow in the caller's identity-based policy,
/// and whether one of the two would be enough (a caller in the function's
/// account) or both are needed (another account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Denial {
    pub resource: bool,
    pub identity: bool,
    pub either: bool,
}

/// The IAM action an endpoint policy is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `lambda:InvokeFunction`.
    Invoke,
    /// The service's usual action.
    Service(ServiceId),
    /// The action the probe names (`--api-action`).
    Given,
}

/// What ends a flow by listening (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Listening {
    Resource(ResourceId),
    Host(HostId),
}

/// How a service's API was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    PublicEndpoint,
    InterfaceEndpoint,
    GatewayEndpoint,
}

/// What a hop concerns, with what it decided on: one variant per kind of
/// step the walk takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A sender's ENI: its address (IPv6 on an IPv6 flow), subnet and
    /// public address.
    Sender {
        sender: Sender,
        ip: Addr,
        subnet: SubnetId,
        public_ip: Option<Ipv4Addr>,
    },
    /// A network ACL at a subnet boundary: allowed by rule `rule`, or
    /// denied by it (`None`: the implicit deny).
    Nacl {
        acl: NaclId,
        subnet: SubnetId,
        dir: RuleDirection,
        proto: Protocol,
        ports: PortRange,
        remote: Addr,
        rule: Option<u32>,
    },
    /// A group's rule (index `rule` of its egress rules) lets the packet out.
    SgOut {
        sg: SgId,
        rule: u32,
        proto: Protocol,
        port: u16,
        to: Addr,
    },
    /// No outbound rule of `groups` allows the packet.
    SgOutDenied {
        groups: Groups,
        proto: Protocol,
        port: u16,
        to: Addr,
    },
    /// A group's rule (index `rule` of its ingress rules) admits the packet;
    /// `appliance`: at a forwarding appliance on the way.
    SgIn {
        sg: SgId,
        rule: u32,
        proto: Protocol,
        port: u16,
        from: Addr,
        appliance: bool,
    },
    /// No inbound rule of the ENI's groups admits the packet.
    SgInDenied {
        eni: EniId,
        proto: Protocol,
        port: u16,
        from: Addr,
        appliance: bool,
    },
    /// The event source's own groups do not admit the broker port.
    PollerSgDenied {
        trigger: TriggerId,
        port: u16,
    },
    /// The event source's own groups admit the broker port.
    PollerSgAllowed {
        trigger: TriggerId,
        port: u16,
    },
    /// Route `route` of `table` matches `to`.
    Route {
        table: RouteTableId,
        route: u32,
        to: Addr,
    },
    /// The matching route of `table` is a blackhole.
    Blackhole {
        table: RouteTableId,
    },
    /// No route of `table` matches `to`.
    NoRoute {
        table: RouteTableId,
        to: Addr,
    },
    /// A transit gateway routes `to`, arriving on attachment `from`, by
    /// route `route` of its route table `table` (indices into the gateway's
    /// attachments, tables and that table's routes).
    TgwRoute {
        tgw: TgwId,
        from: u32,
        table: u32,
        route: u32,
        to: Addr,
    },
    /// Route `route` of table `table` is a blackhole.
    TgwBlackhole {
        tgw: TgwId,
        table: u32,
        route: u32,
    },
    /// No route of table `table` matches `to`.
    TgwNoRoute {
        tgw: TgwId,
        table: u32,
        to: Addr,
    },
    /// The VPC has no attachment to the transit gateway.
    TgwNotAttached {
        tgw: TgwId,
        vpc: VpcId,
    },
    /// Attachment `attachment` has no subnet in the AZ of `subnet`.
    TgwNoAttachmentInAz {
        tgw: TgwId,
        attachment: u32,
        subnet: SubnetId,
    },
    /// Attachment `attachment` is associated with no route table.
    TgwNotAssociated {
        tgw: TgwId,
        attachment: u32,
    },
    /// The reply is not routed back: table `table` has no route for `to`
    /// (`route: None`) or route `route` leads elsewhere.
    TgwReplyLost {
        tgw: TgwId,
        table: u32,
        route: Option<u32>,
        to: Addr,
    },
    /// The reply, entering on attachment `on`, is routed by table `table`
    /// back to attachment `back`.
    TgwReply {
        tgw: TgwId,
        on: u32,
        table: u32,
        back: u32,
        to: Addr,
    },
    /// The route of `table` sends transit traffic to a peering connection
    /// or gateway endpoint, which carry only the VPC's own.
    NotTransitive {
        table: RouteTableId,
        to: Addr,
        via: Target,
    },
    EgressOnlyIgw {
        eigw: EigwId,
    },
    /// An egress-only internet gateway admits no connection opened from
    /// the internet (rule 24).
    EgressOnlyInbound {
        eigw: EigwId,
    },
    /// An internet gateway passes IPv6 untranslated.
    IgwV6 {
        igw: IgwId,
    },
    /// An internet gateway lets an IPv6 connection from the internet in to
    /// the ENI's address `to`, untranslated (rule 24).
    IgwV6Inbound {
        igw: IgwId,
        to: Ipv6Addr,
    },
    /// An internet gateway translates `from` to `to` (1:1 NAT).
    IgwNat {
        igw: IgwId,
        from: Ipv4Addr,
        to: Ipv4Addr,
    },
    /// The sender `ip` has no public address to translate to.
    NoPublicIp {
        igw: IgwId,
        ip: Ipv4Addr,
    },
    /// A NAT gateway translates the source `from` to itself.
    NatTranslates {
        nat: NatId,
        from: Ipv4Addr,
    },
    /// The source sits in the NAT gateway's own subnet.
    NatOwnSubnet {
        nat: NatId,
    },
    /// A new connection to a NAT gateway (not a reply to one it opened).
    NatUnsolicited {
        nat: NatId,
    },
    /// A NAT gateway cannot reach the internet; `narrower`: the route of
    /// its subnet's table that sends the destination elsewhere.
    NatNoInternet {
        nat: NatId,
        narrower: Option<u32>,
    },
    /// A peering connection or transit attachment into `vpc`.
    Across {
        via: Target,
        vpc: VpcId,
    },
    /// `to` is not in the VPC the attachment ends in.
    NotInVpc {
        via: Target,
        vpc: VpcId,
        to: Addr,
    },
    /// No ENI of `vpc` holds `to`.
    NoInterface {
        vpc: VpcId,
        to: Addr,
    },
    /// `table` has no route back to `to` through `via`.
    NoReturnVia {
        table: RouteTableId,
        to: Addr,
        via: Target,
    },
    /// `table` has no route back to the internet gateway (`ipv6`: for an
    /// IPv6 reply, `::/0`).
    NoReturnIgw {
        table: RouteTableId,
        ipv6: bool,
    },
    /// `vpc` has no internet gateway.
    NoIgw {
        vpc: VpcId,
    },
    /// The routes send the packet back to `sender`, which already sent it.
    Loop {
        sender: Sender,
    },
    /// The sender has no IPv6 address for an IPv6 destination.
    NoIpv6 {
        sender: Sender,
    },
    /// An end of an IPv6 flow (`dst`: the destination, else the source)
    /// has only IPv4 (rule 24).
    NoIpv6End {
        end: Node,
        dst: bool,
    },
    /// An appliance's source/destination check is on.
    NotForwarding {
        eni: EniId,
    },
    /// An appliance forwards the packet.
    Forwards {
        eni: EniId,
    },
    /// A function's ENI takes no inbound connection.
    NoInbound {
        eni: EniId,
    },
    /// Something listens on the call's protocol and port.
    Listens {
        at: Listening,
        proto: Protocol,
        port: u16,
    },
    /// Nothing listens on the call's protocol and port.
    NotListening {
        at: Listening,
        proto: Protocol,
        port: u16,
    },
    /// A function outside any VPC, in the Lambda-managed network;
    /// `flow`: on a network flow (else a service call).
    OutsideVpc {
        function: FunctionId,
        flow: bool,
    },
    /// No outbound IPv6 outside a VPC.
    OutsideVpcNoIpv6,
    HostOnInternet {
        host: HostId,
    },
    IpOnInternet {
        ip: IpAddr,
    },
    /// A client on the internet (`ipv6`: over IPv6).
    InternetClient {
        ipv6: bool,
    },
    /// The public internet between two addresses.
    Internet {
        from: Addr,
        to: Addr,
    },
    InternetReached,
    IpReached {
        ip: IpAddr,
    },
    /// A private address, unreachable from the internet.
    PrivateAddress {
        ip: IpAddr,
    },
    /// The function's own logs go through the Lambda service.
    OwnLogs,
    /// DNS resolution is off in `vpc`.
    DnsOff {
        vpc: VpcId,
        service: ServiceId,
    },
    /// Private DNS resolves the service's hostname `host` (index into its
    /// `hostnames`) to an interface endpoint's ENI.
    PrivateDns {
        service: ServiceId,
        endpoint: EndpointId,
        eni: EniId,
        host: u16,
    },
    /// The service's hostname `host` resolves to the public endpoint;
    /// `uncovered`: an endpoint's private DNS serves the service in this
    /// VPC but does not answer this name (rule 25).
    PublicDns {
        service: ServiceId,
        host: u16,
        uncovered: bool,
    },
    /// An external host's hostname, resolved by public DNS (to its
    /// address, or to one the scenario lacks).
    HostDns {
        host: HostId,
    },
    /// DNS resolution is off in `vpc`: the host's name does not resolve.
    HostDnsOff {
        vpc: VpcId,
        host: HostId,
    },
    GatewayEndpoint {
        endpoint: EndpointId,
    },
    EndpointPolicyAllows {
        endpoint: EndpointId,
        action: Action,
    },
    EndpointPolicyDenies {
        endpoint: EndpointId,
        action: Action,
    },
    ServiceReached {
        service: ServiceId,
        via: Via,
    },
    /// IAM lets `principal` invoke the function (rule 20).
    InvokeAllowed {
        function: FunctionId,
        principal: Principal,
        grant: Grant,
    },
    /// IAM refuses `principal` the invocation (rule 20).
    InvokeDenied {
        function: FunctionId,
        principal: Principal,
        denial: Denial,
    },
    /// The Lambda service invokes; `None`: with the function's execution
    /// role (an event source mapping).
    LambdaInvokes {
        principal: Option<Principal>,
    },
    Invoked {
        function: FunctionId,
    },
    /// An Application Load Balancer invokes its target function through
    /// the Lambda service, not over a network connection.
    AlbInvokes {
        trigger: TriggerId,
    },
    /// A client on the internet calls a function URL with auth type `auth`.
    FunctionUrlCall {
        trigger: TriggerId,
        auth: awsreach_model::spec::UrlAuth,
    },
    /// A function URL with auth type AWS_IAM refuses an unsigned request.
    FunctionUrlUnsigned {
        trigger: TriggerId,
    },
    /// No trigger from `from` to `function` is declared.
    NoTrigger {
        from: Node,
        function: FunctionId,
    },
    /// Pollers with ENIs in the event source's subnets.
    PollerInVpc {
        trigger: TriggerId,
    },
    /// Pollers inside the Lambda service.
    PollerInAws {
        trigger: TriggerId,
    },
    /// Provisioned-mode pollers need no further path.
    PollerProvisioned {
        trigger: TriggerId,
    },
    /// A push source invokes through the Lambda service.
    PushSource {
        service: ServiceId,
    },
    /// The hop would read data the scenario lists as missing.
    Missing {
        entity: EntityRef,
        what: MissingKind,
    },
}

impl Hop {
    /// The hop in words, borrowing the scenario: `component`, `detail` and
    /// `rule` for columns, or `Display` for one line.
    pub fn show<'a>(&'a self, sc: &'a Scenario) -> ShowHop<'a> {
        ShowHop {
            hop: self,
            sc,
            action: None,
        }
    }
}
