//! Reason codes: stable, documented identifiers for why a probe is blocked.

use std::fmt;

use serde::Serialize;

macro_rules! codes {
    ($( $(#[$m:meta])* $v:ident = $s:literal, ra: $ra:expr, meaning: $meaning:literal, fix: $fix:literal; )*) => {
        /// Why a probe is blocked. The string forms never change once published.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code { $( $(#[$m])* $v, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$v),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$v => $s,)* }
            }

            /// The closest AWS Reachability Analyzer explanation code, if any.
            pub fn reachability_analyzer(self) -> Option<&'static str> {
                match self { $(Code::$v => $ra,)* }
            }

            /// What the code means and when AWS behaves this way.
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$v => $meaning,)* }
            }

            /// The typical fixes.
            pub fn typical_fix(self) -> &'static str {
                match self { $(Code::$v => $fix,)* }
            }

            pub fn parse(s: &str) -> Option<Code> {
                match s.to_ascii_uppercase().as_str() { $($s => Some(Code::$v),)* _ => None }
            }
        }
    };
}

codes! {
    NoRoute = "NO_ROUTE", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "The route table of the subnet the packet leaves has no route whose destination covers the packet's destination (longest prefix match found nothing). A private subnet without a 0.0.0.0/0 route cannot reach public AWS endpoints or the internet.",
        fix: "Add a route to a NAT gateway (0.0.0.0/0), create a VPC endpoint for the service, or add a peering/transit-gateway route for another VPC.";
    BlackholeRoute = "BLACKHOLE_ROUTE", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "The most specific matching route is a blackhole: its target was deleted or it drops traffic on purpose.",
        fix: "Replace the route with one to a live target.";
    RoutingLoop = "ROUTING_LOOP", ra: None,
        meaning: "The routes send the packet back to an appliance or NAT gateway that already forwarded it, so it would circle between the same forwarders until it expires. Found by the walk state that repeats (the same sender with the same destination), not by a hop count: a long straight chain of appliances is not a loop.",
        fix: "Change a route of the loop so that one of its forwarders sends the destination onward (to a gateway, a peering or the destination's own subnet) instead of back into the chain.";
    NoPublicIp = "NO_PUBLIC_IP", ra: Some("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"),
        meaning: "The packet reaches an internet gateway from a network interface without a public IPv4 address. The IGW only performs 1:1 NAT for interfaces with a public or Elastic IP, so it drops the packet. Lambda's Hyperplane ENIs never get a public IP: a function in a public subnet has no internet access.",
        fix: "Give the instance a public/Elastic IP; for a Lambda function, attach it to private subnets routed to a NAT gateway, or use a VPC endpoint.";
    NatWithoutInternetRoute = "NAT_WITHOUT_INTERNET_ROUTE", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "A public NAT gateway forwards to the internet through the route table of its own subnet; that subnet has no 0.0.0.0/0 route to an internet gateway (the NAT gateway sits in a private subnet), or the NAT gateway is private and cannot use an internet gateway.",
        fix: "Place the NAT gateway in a public subnet (0.0.0.0/0 -> internet gateway), with an Elastic IP.";
    NatInSourceSubnet = "NAT_IN_SOURCE_SUBNET", ra: Some("NGW_REQUIRES_SOURCE_IN_VPC"),
        meaning: "The source sits in the same subnet as the NAT gateway it routes to; a NAT gateway does not serve sources in its own subnet.",
        fix: "Move the source to another subnet, or route this subnet to the internet gateway directly.";
    SgEgressDenied = "SG_EGRESS_DENIED", ra: Some("ENI_SG_RULES_MISMATCH"),
        meaning: "No outbound rule of the source's security groups matches the packet (protocol, port, destination). Security groups allow only; no match means drop.",
        fix: "Add an outbound rule for the protocol and port to the destination.";
    SgIngressDenied = "SG_INGRESS_DENIED", ra: Some("ENI_SG_RULES_MISMATCH"),
        meaning: "No inbound rule of the destination's security groups admits the packet from this source. A new group admits nothing inbound.",
        fix: "Add an inbound rule for the protocol and port from the source's CIDR or security group.";
    NaclOutboundDenied = "NACL_OUTBOUND_DENIED", ra: Some("SUBNET_ACL_RESTRICTION"),
        meaning: "The network ACL of the subnet the packet leaves denies it (a deny rule matched first, or no rule matched: the final implicit deny).",
        fix: "Add an allow rule numbered below the deny rule.";
    NaclInboundDenied = "NACL_INBOUND_DENIED", ra: Some("SUBNET_ACL_RESTRICTION"),
        meaning: "The network ACL of the subnet the packet enters denies it.",
        fix: "Add an inbound allow rule numbered below the deny rule.";
    NaclReturnDenied = "NACL_RETURN_DENIED", ra: Some("SUBNET_ACL_RESTRICTION"),
        meaning: "Network ACLs are stateless: the reply travels back to the client's ephemeral ports (1024-65535 for Lambda and NAT gateways) and a NACL on the way back denies some of them.",
        fix: "Allow the ephemeral range 1024-65535 in the direction of the reply.";
    NoReturnRoute = "NO_RETURN_ROUTE", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "The reply has no route back: the destination subnet's route table does not send the source's address through the same peering connection or transit gateway.",
        fix: "Add the return route in the destination's route table.";
    NoEndpointSupport = "NO_ENDPOINT_SUPPORT", ra: None,
        meaning: "The caller has no path to the service's public endpoint, and the service offers no VPC endpoint (per the catalog or the scenario's override), so only a NAT gateway can carry the call.",
        fix: "Route 0.0.0.0/0 to a NAT gateway in a public subnet.";
    EndpointPrivateDnsOff = "ENDPOINT_PRIVATE_DNS_OFF", ra: None,
        meaning: "An interface endpoint for the service exists in the caller's VPC but private DNS is off, so the service's hostname resolves to the public endpoint, which the caller cannot reach.",
        fix: "Enable private DNS on the endpoint (with the VPC's DNS support and DNS hostnames on), or call the endpoint's own DNS name.";
    HostnameNotInPrivateDns = "HOSTNAME_NOT_IN_PRIVATE_DNS", ra: None,
        meaning: "An interface endpoint with private DNS serves the service in the caller's VPC, but the hostname the call uses (a legacy or global name, such as SQS's <region>.queue.amazonaws.com or sts.amazonaws.com) is not one its private DNS answers, so it resolves to the public endpoint, which the caller cannot reach.",
        fix: "Call the regional hostname the endpoint answers (set the SDK's endpoint or region), or give the subnet a way out (a NAT gateway).";
    GatewayEndpointNotAssociated = "GATEWAY_ENDPOINT_NOT_ASSOCIATED", ra: None,
        meaning: "A gateway endpoint for the service exists in the VPC, but the caller subnet's route table lacks its prefix-list route, so the call goes to the public endpoint, which the caller cannot reach.",
        fix: "Associate the gateway endpoint with the subnet's route table.";
    EndpointSgDenied = "ENDPOINT_SG_DENIED", ra: Some("ENI_SG_RULES_MISMATCH"),
        meaning: "The interface endpoint's security groups do not admit TCP 443 from the caller.",
        fix: "Allow TCP 443 from the caller's security group (or CIDR) in the endpoint's security group.";
    EndpointPolicyDenied = "ENDPOINT_POLICY_DENIED", ra: None,
        meaning: "The VPC endpoint's policy does not allow the action.",
        fix: "Allow the action in the endpoint policy.";
    DnsResolutionDisabled = "DNS_RESOLUTION_DISABLED", ra: None,
        meaning: "The caller's VPC has enableDnsSupport off, so the Amazon-provided resolver answers nothing and the service hostname does not resolve.",
        fix: "Turn on dns_support for the VPC.";
    PrivateAddressFromInternet = "PRIVATE_ADDRESS_FROM_INTERNET", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "The destination has only a private address and the source is on the internet (or in the Lambda-managed network): nothing routes from the internet into a private address.",
        fix: "Give the destination a public IP in a public subnet, or put the caller in the VPC (a Lambda function: attach it to the VPC).";
    DestinationUnknown = "DESTINATION_UNKNOWN", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "The packet is delivered to a VPC but no network interface there holds the destination address.",
        fix: "Check the address.";
    NotListening = "NOT_LISTENING", ra: None,
        meaning: "The packet arrives but nothing listens on that protocol and port.",
        fix: "Add the listener to the resource, or probe the port it listens on.";
    NatInboundUnsolicited = "NAT_INBOUND_UNSOLICITED", ra: None,
        meaning: "The packet is addressed to a NAT gateway (its Elastic IP or private address) but is not a reply to a connection the NAT gateway opened. A NAT gateway translates outbound connections of the subnets routed to it and admits inbound packets only as replies to them; nothing can connect to it (rule 11, https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html).",
        fix: "None on the NAT gateway: to accept connections from the internet, address a resource with a public or Elastic IP in a public subnet (or a load balancer) instead.";
    EniNotForwarding = "ENI_NOT_FORWARDING", ra: Some("ENI_SOURCE_DEST_CHECK_RESTRICTION"),
        meaning: "A route targets an instance's network interface, but that instance has source/destination checking on and drops traffic not addressed to it.",
        fix: "Turn on forwarding (disable the source/destination check) on the appliance.";
    NoIpv6 = "NO_IPV6", ra: None,
        meaning: "The destination is IPv6 but the source has no IPv6 address (a Lambda function needs ipv6_dual_stack and dual-stack subnets; non-VPC functions have no outbound IPv6).",
        fix: "Enable IPv6 dual stack on the function and give its subnets IPv6 CIDRs.";
    EgressOnlyInbound = "EGRESS_ONLY_IGW_INBOUND", ra: None,
        meaning: "An IPv6 connection from the internet to an address in a subnet whose IPv6 traffic leaves through an egress-only internet gateway: that gateway carries connections the VPC opens and the replies to them, never a connection opened from outside.",
        fix: "Route the subnet's ::/0 to an internet gateway (attached to the VPC) if the resource should be reachable from the internet over IPv6; keep the egress-only gateway for outbound-only subnets.";
    InvokeNotPermitted = "INVOKE_NOT_PERMITTED", ra: None,
        meaning: "The function's resource-based policy does not allow this principal to call lambda:InvokeFunction.",
        fix: "Add the principal to the function's policy.";
    NoTrigger = "NO_TRIGGER", ra: None,
        meaning: "The scenario declares no trigger (event source mapping, rule, subscription, notification or integration) from this service to the function, so the service never invokes it.",
        fix: "Declare the trigger.";
    PollerSgDenied = "POLLER_SG_DENIED", ra: Some("ENI_SG_RULES_MISMATCH"),
        meaning: "Lambda's event poller ENIs use the event source's security groups; those groups do not admit the broker port from themselves.",
        fix: "Allow the broker port from the cluster's own security group.";
    PollerNoPath = "POLLER_NO_PATH", ra: None,
        meaning: "An MSK / Kafka / MQ / DocumentDB event poller in on-demand mode must call the Lambda and STS APIs (and Secrets Manager when credentials live there) from the event source's subnets; it needs a NAT gateway or interface endpoints there, even for a cluster in a public subnet.",
        fix: "Route the source's subnets to a NAT gateway, or create interface endpoints for lambda and sts (and secretsmanager) in its VPC.";
    TgwNotAttached = "TGW_NOT_ATTACHED", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "A route sends the packet to a transit gateway that the sender's VPC is not attached to, so the transit gateway never receives it (Transit Gateway guide, tgw-vpc-attachments).",
        fix: "Attach the VPC to the transit gateway (one subnet per Availability Zone), or remove the route.";
    TgwNoAttachmentInAz = "TGW_NO_ATTACHMENT_IN_AZ", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "The sender (or the replier, for the reply) sits in an Availability Zone where its VPC's transit gateway attachment has no subnet: resources in an AZ without an attachment subnet cannot reach the transit gateway, even with a route to it (Transit Gateway guide, tgw-vpc-attachments).",
        fix: "Add a subnet of that Availability Zone to the VPC's transit gateway attachment.";
    TgwNotAssociated = "TGW_NOT_ASSOCIATED", ra: Some("NO_ROUTE_TO_DESTINATION"),
        meaning: "The packet enters the transit gateway from an attachment that is associated with no transit gateway route table, so nothing routes it (Transit Gateway guide, tgw-route-tables: the associated table routes the packets arriving from an attachment).",
        fix: "Associate the attachment with a transit gateway route table.";
    UnknownRouteTable = "UNKNOWN_ROUTE_TABLE", ra: None,
        meaning: "Unknown, not blocked: the packet leaves (or its reply returns through) a subnet whose route table association the scenario lists as missing (for instance an import whose DescribeRouteTables call was denied), so which routes apply cannot be told.",
        fix: "Supply the subnet's route table association (or remove the entry from `missing` once the subnet is described).";
    UnknownRoutes = "UNKNOWN_ROUTES", ra: None,
        meaning: "Unknown, not blocked: the route lookup uses a route table whose routes the scenario lists as missing, or only partly known; a missing route could be the longest match.",
        fix: "Supply the table's routes.";
    UnknownNetworkAcl = "UNKNOWN_NETWORK_ACL", ra: None,
        meaning: "Unknown, not blocked: the packet crosses the boundary of a subnet whose network ACL association the scenario lists as missing.",
        fix: "Supply the subnet's network ACL.";
    UnknownRules = "UNKNOWN_RULES", ra: None,
        meaning: "Unknown, not blocked: a security group or network ACL decides this hop but its rules are listed as missing. For security groups (a union of allows) the hop is unknown only when no group with known rules admits the packet; network ACL rules are ordered, so any missing rule leaves the hop unknown.",
        fix: "Supply the rules of the security group or network ACL.";
    UnknownPlacement = "UNKNOWN_PLACEMENT", ra: None,
        meaning: "Unknown, not blocked: the probe starts from (or goes to) a function or resource whose placement (subnets, security groups, VPC attachment) the scenario lists as missing, or depends on the placement of a VPC poller (its event source's subnets) or of an interface endpoint whose private DNS captures the call. An invocation of a function does not depend on its placement and is still answered.",
        fix: "Supply the function's VPC configuration, the resource's subnet and security groups, the event source's subnets and security groups, or the endpoint's subnets (for a plan or template: `--base DIR` with the account snapshot, or `--param`).";
    UnknownTgwRoutes = "UNKNOWN_TGW_ROUTES", ra: None,
        meaning: "Unknown, not blocked: the packet reaches a transit gateway whose route tables or routes are listed as missing (typically owned by another account).",
        fix: "Supply the transit gateway's routes (search-transit-gateway-routes in the owning account).";
    UnknownPolicy = "UNKNOWN_POLICY", ra: None,
        meaning: "Unknown, not blocked: the call is decided by a resource-based policy of a function, or a VPC endpoint's policy, that is listed as missing.",
        fix: "Supply the policy (lambda get-policy, or the endpoint's PolicyDocument).";
    UnknownAddress = "UNKNOWN_ADDRESS", ra: None,
        meaning: "Unknown, not blocked: the probe goes to (or comes from) an external host known by its hostname only, and a route, security group or network ACL rule narrower than 0.0.0.0/0 that could hold a public address would decide differently depending on the address the name resolves to.",
        fix: "Give the host its address (`ip`), or make the rules that name public CIDRs agree with 0.0.0.0/0.";
    UnknownEngine = "UNKNOWN_ENGINE", ra: None,
        meaning: "Unknown, not blocked: an on-demand Amazon MQ poller cannot reach STS, which only an ActiveMQ broker's poller needs (Lambda, \"Process Amazon MQ messages with Lambda\"), and the broker's engine is listed as missing; with RabbitMQ the poller gets through, with ActiveMQ it is blocked.",
        fix: "Supply the broker's engine (`engine: ActiveMq` or `RabbitMq`; mq describe-broker EngineType, Terraform engine_type, CloudFormation EngineType), or give the broker's subnets a path to STS.";
}

impl Code {
    /// True for the `UNKNOWN_*` codes: the verdict depends on data the
    /// scenario lists as missing, so it is `unknown`, never a guess.
    pub fn is_unknown(self) -> bool {
        matches!(
            self,
            Code::UnknownRouteTable
                | Code::UnknownRoutes
                | Code::UnknownNetworkAcl
                | Code::UnknownRules
                | Code::UnknownPlacement
                | Code::UnknownTgwRoutes
                | Code::UnknownPolicy
                | Code::UnknownAddress
                | Code::UnknownEngine
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_screaming_snake() {
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert!(
                c.as_str()
                    .chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch == '_' || ch.is_ascii_digit())
            );
        }
    }
}
