//! Edits of a scenario as data: concrete changes that a user can read
//! ("add route 0.0.0.0/0 -> nat to rt-private") and that the simulator's
//! remedies, the tests, the importers and `diff` apply to a [`ScenarioSpec`]
//! with one definition. AWS's implicit defaults live in [`defaults`].

pub mod defaults;
mod nacl;
mod transit;

use std::fmt;

use serde::Serialize;

use crate::spec::*;

/// One change to a scenario, in the scenario's own terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fix {
    AddRoute {
        table: String,
        vpc: String,
        dest: String,
        target: String,
        #[serde(skip)]
        spec_target: RouteTarget,
    },
    AddSgRule {
        sg: String,
        vpc: String,
        direction: RuleDirection,
        protocol: Protocol,
        ports: String,
        peer: Peer,
    },
    AddNaclRule {
        nacl: String,
        direction: RuleDirection,
        rule: u32,
        protocol: Protocol,
        ports: String,
        cidr: String,
    },
    /// An existing allow rule of a network ACL made to match more: `cidr`
    /// and `ports` are what it matches afterwards (`was`: before, as
    /// `protocol/ports cidr`), so a call the rule nearly admitted gets
    /// through without a rule of its own.
    WidenNaclRule {
        nacl: String,
        direction: RuleDirection,
        rule: u32,
        protocol: Protocol,
        ports: String,
        cidr: String,
        was: String,
    },
    AssociateGatewayEndpoint {
        endpoint: String,
        table: String,
    },
    CreateGatewayEndpoint {
        id: String,
        vpc: String,
        service: String,
        route_tables: Vec<String>,
    },
    CreateInterfaceEndpoint {
        id: String,
        vpc: String,
        service: String,
        subnets: Vec<String>,
        security_groups: Vec<String>,
    },
    EnablePrivateDns {
        endpoint: String,
        vpc: String,
    },
    EnableVpcDns {
        vpc: String,
    },
    AllowEndpointAction {
        endpoint: String,
        action: String,
    },
    CreateNatGateway {
        id: String,
        subnet: String,
        elastic_ip: String,
    },
    MoveNatGateway {
        nat: String,
        subnet: String,
    },
    MakeNatPublic {
        nat: String,
        elastic_ip: String,
    },
    AssignPublicIp {
        resource: String,
        ip: String,
    },
    /// An IPv6 address from the resource's subnet's IPv6 block for its ENI.
    AssignIpv6 {
        resource: String,
        ip: String,
    },
    AddListener {
        resource: String,
        listener: String,
    },
    SetForwarding {
        resource: String,
    },
    MoveFunction {
        function: String,
        subnets: Vec<String>,
    },
    AttachFunctionToVpc {
        function: String,
        subnets: Vec<String>,
    },
    EnableFunctionIpv6 {
        function: String,
    },
    AllowInvoke {
        function: String,
        principal: String,
    },
    /// Allow an IAM action in a caller's identity-based policy (its
    /// `identities` entry's `allow`, rule 20).
    AllowIdentityAction {
        of: String,
        action: String,
    },
    AddTrigger {
        source: TriggerSource,
        function: String,
    },
    CreatePeering {
        id: String,
        requester: String,
        accepter: String,
    },
    /// A static route in a transit gateway route table (`vpc`: its
    /// attachment). In the simple form (`table` is `default`) the
    /// attachments keep propagating.
    AddTgwRoute {
        tgw: String,
        table: String,
        dest: String,
        vpc: String,
    },
    /// Associates the attachment of `vpc` with a transit gateway route table.
    AssociateTgwRouteTable {
        tgw: String,
        vpc: String,
        table: String,
    },
    /// The attachment of `vpc` propagates its CIDRs to a route table.
    PropagateTgwRoutes {
        tgw: String,
        vpc: String,
        table: String,
    },
    /// Adds a subnet (of an Availability Zone it lacks) to the attachment
    /// of `vpc`, attaching the VPC if it is not attached yet.
    AddTgwAttachmentSubnet {
        tgw: String,
        vpc: String,
        subnet: String,
    },
    /// A route table of the subnet's own: a copy of `copy_of` (its routes
    /// and gateway endpoint associations) explicitly associated with the
    /// subnet, so that a route added to it leaves the subnets that share
    /// `copy_of` (usually the main table) alone.
    OwnRouteTable {
        id: String,
        vpc: String,
        subnet: String,
        copy_of: String,
    },
    /// Subnet `subnet` uses route table `table` (explicitly associated):
    /// another subnet of a function joins the table made for the first.
    AssociateRouteTable {
        subnet: String,
        table: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleDirection {
    Ingress,
    Egress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Peer {
    Cidr(String),
    Sg(String),
    PrefixList(String),
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Cidr(c) => f.write_str(c),
            Peer::Sg(s) => f.write_str(s),
            Peer::PrefixList(p) => write!(f, "pl:{p}"),
        }
    }
}

/// A set of changes applied together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remedy {
    pub steps: Vec<Fix>,
}

impl Remedy {
    pub fn one(f: Fix) -> Remedy {
        Remedy { steps: vec![f] }
    }

    pub fn apply(&self, spec: &mut ScenarioSpec) {
        for s in &self.steps {
            s.apply(spec);
        }
    }
}

impl fmt::Display for Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str("; then ")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fix::AddRoute {
                table,
                dest,
                target,
                ..
            } => write!(f, "add route {dest} -> {target} to {table}"),
            Fix::AddSgRule {
                sg,
                direction,
                protocol,
                ports,
                peer,
                ..
            } => match direction {
                RuleDirection::Ingress => {
                    write!(f, "allow {protocol}/{ports} from {peer} in {sg} (inbound)")
                }
                RuleDirection::Egress => {
                    write!(f, "allow {protocol}/{ports} to {peer} in {sg} (outbound)")
                }
            },
            Fix::AddNaclRule { .. } | Fix::WidenNaclRule { .. } => nacl::describe(self, f),
            Fix::AssociateGatewayEndpoint { endpoint, table } => {
                write!(f, "associate gateway endpoint {endpoint} with {table}")
            }
            Fix::CreateGatewayEndpoint {
                id,
                vpc,
                service,
                route_tables,
            } => write!(
                f,
                "create a gateway endpoint {id} for {service} in {vpc}, associated with {}",
                route_tables.join(", ")
            ),
            Fix::CreateInterfaceEndpoint {
                id,
                vpc,
                service,
                subnets,
                security_groups,
            } => write!(
                f,
                "create an interface endpoint {id} for {service} in {vpc} (subnets {}, security groups {}, private dns on)",
                subnets.join(", "),
                security_groups.join(", ")
            ),
            Fix::EnablePrivateDns { endpoint, vpc } => {
                write!(
                    f,
                    "enable private dns on {endpoint} (with dns_support and dns_hostnames on {vpc})"
                )
            }
            Fix::EnableVpcDns { vpc } => {
                write!(f, "turn on dns_support and dns_hostnames for {vpc}")
            }
            Fix::AllowEndpointAction { endpoint, action } => {
                write!(f, "allow {action} in the policy of {endpoint}")
            }
            Fix::CreateNatGateway {
                id,
                subnet,
                elastic_ip,
            } => {
                write!(
                    f,
                    "create a nat gateway {id} in public subnet {subnet} with elastic ip {elastic_ip}"
                )
            }
            Fix::MoveNatGateway { nat, subnet } => {
                write!(f, "move nat gateway {nat} to public subnet {subnet}")
            }
            Fix::MakeNatPublic { nat, elastic_ip } => {
                write!(
                    f,
                    "make nat gateway {nat} public with elastic ip {elastic_ip}"
                )
            }
            Fix::AssignPublicIp { resource, ip } => {
                write!(f, "assign public ip {ip} to {resource}")
            }
            Fix::AssignIpv6 { resource, ip } => {
                write!(f, "assign ipv6 address {ip} to {resource}")
            }
            Fix::AddListener { resource, listener } => {
                write!(f, "listen on {listener} on {resource}")
            }
            Fix::SetForwarding { resource } => {
                write!(
                    f,
                    "turn on forwarding (disable source/destination check) on {resource}"
                )
            }
            Fix::MoveFunction { function, subnets } => {
                write!(
                    f,
                    "attach function {function} to subnets {}",
                    subnets.join(", ")
                )
            }
            Fix::AttachFunctionToVpc { function, subnets } => {
                write!(
                    f,
                    "attach function {function} to the vpc, in subnets {}",
                    subnets.join(", ")
                )
            }
            Fix::EnableFunctionIpv6 { function } => {
                write!(f, "enable ipv6_dual_stack on function {function}")
            }
            Fix::AllowInvoke {
                function,
                principal,
            } => {
                write!(
                    f,
                    "allow {principal} to invoke {function} in its resource-based policy"
                )
            }
            Fix::AllowIdentityAction { of, action } => {
                write!(f, "allow {action} in the identity-based policy of {of}")
            }
            Fix::AddTrigger { source, function } => {
                write!(f, "declare a {source:?} trigger for {function}")
            }
            Fix::CreatePeering {
                id,
                requester,
                accepter,
            } => {
                write!(
                    f,
                    "create a peering connection {id} between {requester} and {accepter}"
                )
            }
            Fix::AddTgwRoute { .. }
            | Fix::AssociateTgwRouteTable { .. }
            | Fix::PropagateTgwRoutes { .. }
            | Fix::AddTgwAttachmentSubnet { .. } => transit::describe(self, f),
            Fix::OwnRouteTable {
                id,
                subnet,
                copy_of,
                ..
            } => write!(
                f,
                "give subnet {subnet} a route table of its own, {id} (a copy of {copy_of}, which other subnets share)"
            ),
            Fix::AssociateRouteTable { subnet, table } => {
                write!(f, "associate subnet {subnet} with route table {table} too")
            }
        }
    }
}

/// The synthesized default group (`<vpc>-default-sg`) or main table
/// (`<vpc>-main`) becomes a declared entity the first time a fix touches it.
fn sg_mut<'s>(spec: &'s mut ScenarioSpec, sg: &str, vpc: &str) -> &'s mut SecurityGroupSpec {
    if let Some(i) = spec.security_groups.iter().position(|g| g.id == sg) {
        return &mut spec.security_groups[i];
    }
    spec.security_groups
        .push(defaults::default_sg_spec(sg, vpc));
    spec.security_groups.last_mut().expect("just pushed")
}

fn table_mut<'s>(spec: &'s mut ScenarioSpec, table: &str, vpc: &str) -> &'s mut RouteTableSpec {
    if let Some(i) = spec.route_tables.iter().position(|t| t.id == table) {
        return &mut spec.route_tables[i];
    }
    spec.route_tables
        .push(defaults::main_route_table_spec(table, vpc));
    spec.route_tables.last_mut().expect("just pushed")
}

impl Fix {
    /// Applies the change to a scenario spec. Changes that name entities
    /// the spec lacks are no-ops; the re-validation that follows reports them.
    pub fn apply(&self, spec: &mut ScenarioSpec) {
        match self {
            Fix::AddTgwRoute { .. }
            | Fix::AssociateTgwRouteTable { .. }
            | Fix::PropagateTgwRoutes { .. }
            | Fix::AddTgwAttachmentSubnet { .. } => transit::apply(self, spec),
            Fix::AddRoute {
                table,
                vpc,
                dest,
                spec_target,
                ..
            } => {
                let t = table_mut(spec, table, vpc);
                // Replaces an existing route to the same destination (e.g. a blackhole).
                t.routes.retain(|r| &r.dest != dest);
                t.routes.push(RouteSpec {
                    dest: dest.clone(),
                    target: spec_target.clone(),
                });
            }
            Fix::AddSgRule {
                sg,
                vpc,
                direction,
                protocol,
                ports,
                peer,
            } => {
                // A peer group may be the VPC's implicit default group, which
                // the spec does not declare: declare it (as sg_mut does for
                // the group being changed), else the rule names an unknown
                // group and the fixed scenario does not validate. Found by
                // `awsreach fuzz` (fix-sound, scenarios/regressions/
                // fix-peer-is-implicit-default-sg.ron).
                if let Peer::Sg(p) = peer {
                    sg_mut(spec, p, vpc);
                }
                let g = sg_mut(spec, sg, vpc);
                let mut rule = SgRuleSpec {
                    protocol: *protocol,
                    ports: Some(ports.clone()),
                    cidr: None,
                    sg: None,
                    prefix_list: None,
                    description: Some("added by awsreach fix".into()),
                };
                match peer {
                    Peer::Cidr(c) => rule.cidr = Some(c.clone()),
                    Peer::Sg(s) => rule.sg = Some(s.clone()),
                    Peer::PrefixList(p) => rule.prefix_list = Some(p.clone()),
                }
                match direction {
                    RuleDirection::Ingress => g.ingress.push(rule),
                    RuleDirection::Egress => g.egress.get_or_insert_with(Vec::new).push(rule),
                }
            }
            Fix::AddNaclRule { .. } | Fix::WidenNaclRule { .. } => nacl::apply(self, spec),
            Fix::AssociateGatewayEndpoint { endpoint, table } => {
                if let Some(e) = spec.vpc_endpoints.iter_mut().find(|e| &e.id == endpoint)
                    && !e.route_tables.contains(table)
                {
                    e.route_tables.push(table.clone());
                }
                // The synthesized main table must exist in the spec to be associated.
                if let Some(vpc) = spec
                    .vpc_endpoints
                    .iter()
                    .find(|e| &e.id == endpoint)
                    .map(|e| e.vpc.clone())
                {
                    table_mut(spec, table, &vpc);
                }
            }
            Fix::CreateGatewayEndpoint {
                id,
                vpc,
                service,
                route_tables,
            } => {
                // The main table may be the synthesized one: declare it first.
                for t in route_tables {
                    table_mut(spec, t, vpc);
                }
                spec.vpc_endpoints.push(VpcEndpointSpec {
                    id: id.clone(),
                    vpc: vpc.clone(),
                    service: service.clone(),
                    kind: EndpointKind::Gateway,
                    route_tables: route_tables.clone(),
                    subnets: Vec::new(),
                    security_groups: Vec::new(),
                    private_dns: true,
                    policy: None,
                });
            }
            Fix::CreateInterfaceEndpoint {
                id,
                vpc,
                service,
                subnets,
                security_groups,
            } => {
                if let Some(v) = spec.vpcs.iter_mut().find(|v| &v.id == vpc) {
                    v.dns_support = true;
                    v.dns_hostnames = true;
                }
                for sg in security_groups {
                    sg_mut(spec, sg, vpc);
                }
                spec.vpc_endpoints.push(VpcEndpointSpec {
                    id: id.clone(),
                    vpc: vpc.clone(),
                    service: service.clone(),
                    kind: EndpointKind::Interface,
                    route_tables: Vec::new(),
                    subnets: subnets.clone(),
                    security_groups: security_groups.clone(),
                    private_dns: true,
                    policy: None,
                });
            }
            Fix::EnablePrivateDns { endpoint, vpc } => {
                if let Some(e) = spec.vpc_endpoints.iter_mut().find(|e| &e.id == endpoint) {
                    e.private_dns = true;
                }
                Fix::EnableVpcDns { vpc: vpc.clone() }.apply(spec);
            }
            Fix::EnableVpcDns { vpc } => {
                if let Some(v) = spec.vpcs.iter_mut().find(|v| &v.id == vpc) {
                    v.dns_support = true;
                    v.dns_hostnames = true;
                }
            }
            Fix::AllowEndpointAction { endpoint, action } => {
                if let Some(e) = spec.vpc_endpoints.iter_mut().find(|e| &e.id == endpoint)
                    && let Some(p) = &mut e.policy
                {
                    p.deny.retain(|d| !crate::action_matches(d, action));
                    if let Some(allow) = &mut p.allow {
                        allow.push(action.clone());
                    }
                }
            }
            Fix::CreateNatGateway {
                id,
                subnet,
                elastic_ip,
            } => {
                spec.nat_gateways.push(NatGatewaySpec {
                    id: id.clone(),
                    subnet: subnet.clone(),
                    connectivity: NatConnectivity::Public,
                    elastic_ip: Some(elastic_ip.clone()),
                });
            }
            Fix::MoveNatGateway { nat, subnet } => {
                if let Some(n) = spec.nat_gateways.iter_mut().find(|n| &n.id == nat) {
                    n.subnet = subnet.clone();
                }
            }
            Fix::MakeNatPublic { nat, elastic_ip } => {
                if let Some(n) = spec.nat_gateways.iter_mut().find(|n| &n.id == nat) {
                    n.connectivity = NatConnectivity::Public;
                    n.elastic_ip = Some(elastic_ip.clone());
                }
            }
            Fix::AssignPublicIp { resource, ip } => {
                if let Some(r) = spec.resources.iter_mut().find(|r| &r.id == resource) {
                    r.public_ip = Some(ip.clone());
                }
            }
            Fix::AssignIpv6 { resource, ip } => {
                if let Some(r) = spec.resources.iter_mut().find(|r| &r.id == resource) {
                    r.ipv6_ip = Some(ip.clone());
                }
            }
            Fix::AddListener { resource, listener } => {
                if let Some(r) = spec.resources.iter_mut().find(|r| &r.id == resource) {
                    r.listen.push(listener.clone());
                } else if let Some(h) = spec.external_hosts.iter_mut().find(|h| &h.id == resource) {
                    h.listen.push(listener.clone());
                }
            }
            Fix::SetForwarding { resource } => {
                if let Some(r) = spec.resources.iter_mut().find(|r| &r.id == resource) {
                    r.forwarding = true;
                }
            }
            Fix::MoveFunction { function, subnets }
            | Fix::AttachFunctionToVpc { function, subnets } => {
                if let Some(f) = spec.functions.iter_mut().find(|f| &f.id == function) {
                    match &mut f.vpc {
                        Some(v) => v.subnets = subnets.clone(),
                        None => {
                            f.vpc = Some(FunctionVpcSpec {
                                subnets: subnets.clone(),
                                security_groups: Vec::new(),
                                ipv6_dual_stack: false,
                            })
                        }
                    }
                }
            }
            Fix::EnableFunctionIpv6 { function } => {
                if let Some(v) = spec
                    .functions
                    .iter_mut()
                    .find(|f| &f.id == function)
                    .and_then(|f| f.vpc.as_mut())
                {
                    v.ipv6_dual_stack = true;
                }
            }
            Fix::AllowInvoke {
                function,
                principal,
            } => {
                if let Some(f) = spec.functions.iter_mut().find(|f| &f.id == function)
                    && let Some(p) = &mut f.policy
                {
                    p.allow.push(principal.clone());
                }
            }
            Fix::AllowIdentityAction { of, action } => {
                if let Some(i) = spec.identities.iter_mut().find(|i| &i.of == of)
                    && let Some(allow) = &mut i.allow
                {
                    allow.push(action.clone());
                }
            }
            Fix::OwnRouteTable {
                id,
                vpc,
                subnet,
                copy_of,
            } => {
                let routes = spec
                    .route_tables
                    .iter()
                    .find(|t| &t.id == copy_of)
                    .map(|t| t.routes.clone())
                    .unwrap_or_default();
                spec.route_tables.push(RouteTableSpec {
                    id: id.clone(),
                    vpc: vpc.clone(),
                    main: false,
                    routes,
                });
                for e in &mut spec.vpc_endpoints {
                    if e.route_tables.contains(copy_of) {
                        e.route_tables.push(id.clone());
                    }
                }
                if let Some(sn) = spec.subnets.iter_mut().find(|s| &s.id == subnet) {
                    sn.route_table = Some(id.clone());
                }
            }
            Fix::AssociateRouteTable { subnet, table } => {
                if let Some(sn) = spec.subnets.iter_mut().find(|s| &s.id == subnet) {
                    sn.route_table = Some(table.clone());
                }
            }
            Fix::CreatePeering {
                id,
                requester,
                accepter,
            } => {
                spec.peering_connections.push(PeeringSpec {
                    id: id.clone(),
                    requester: requester.clone(),
                    accepter: accepter.clone(),
                });
            }
            Fix::AddTrigger { source, function } => {
                spec.triggers.push(TriggerSpec {
                    engine: None,
                    auth: None,
                    id: None,
                    source: *source,
                    function: function.clone(),
                    subnets: Vec::new(),
                    security_groups: Vec::new(),
                    port: None,
                    mode: PollerMode::OnDemand,
                    secrets_manager: false,
                });
            }
        }
    }
}
