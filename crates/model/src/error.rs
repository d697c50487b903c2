//! Errors for bad input: RON syntax errors with a position, and semantic
//! diagnostics (errors and warnings) with the entity path and a hint.

use std::fmt;

use thiserror::Error;

/// A RON syntax or type error, positioned in the source text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{line}:{col}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// What is wrong, with the data a tool needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Problem {
    #[error("unknown {kind} `{id}`")]
    UnknownRef {
        kind: &'static str,
        id: String,
        /// The first known ids of that kind, in order (at most 12).
        known: Vec<String>,
        /// How many more known ids there are.
        more: usize,
        suggestion: Option<String>,
    },
    #[error("id `{id}` is {len} characters long; ids are at most {max}")]
    IdTooLong { id: String, len: usize, max: usize },
    #[error("duplicate id `{id}` (already used by {other})")]
    DuplicateId { id: String, other: String },
    #[error("name `{name}` is already taken by {other}")]
    NameTaken { name: String, other: String },
    #[error("invalid {what} `{text}`: {reason}")]
    Invalid {
        what: &'static str,
        text: String,
        reason: String,
    },
    #[error("subnet cidr {cidr} is outside vpc `{vpc}` ({vpc_cidrs})")]
    SubnetOutsideVpc {
        cidr: String,
        vpc: String,
        vpc_cidrs: String,
    },
    #[error("subnet cidr {cidr} overlaps subnet `{other}` ({other_cidr})")]
    OverlappingSubnets {
        cidr: String,
        other: String,
        other_cidr: String,
    },
    #[error("private ip {ip} is outside subnet `{subnet}` ({cidr})")]
    IpOutsideSubnet {
        ip: String,
        subnet: String,
        cidr: String,
    },
    #[error(
        "private ip {ip} is reserved by AWS in subnet `{subnet}` (first four and last address)"
    )]
    IpReserved { ip: String, subnet: String },
    #[error("private ip {ip} is already used by `{other}`")]
    DuplicateIp { ip: String, other: String },
    #[error("subnet `{subnet}` ({cidr}) has no free address left")]
    SubnetFull { subnet: String, cidr: String },
    #[error("{what} `{id}` is in vpc `{found}`, not in vpc `{expected}`")]
    CrossVpc {
        what: &'static str,
        id: String,
        found: String,
        expected: String,
    },
    #[error("public nat gateway has no elastic_ip")]
    NatWithoutElasticIp,
    #[error("private nat gateway cannot have an elastic_ip")]
    PrivateNatWithElasticIp,
    #[error("private dns needs dns_support and dns_hostnames on vpc `{vpc}`")]
    PrivateDnsNeedsVpcDns { vpc: String },
    #[error("function subnets span vpcs `{a}` and `{b}`")]
    FunctionMixesVpcs { a: String, b: String },
    #[error("duplicate rule number {number} in {direction} rules")]
    DuplicateNaclRule {
        number: u32,
        direction: &'static str,
    },
    #[error("rule number {number} is outside 1-32766")]
    NaclRuleNumber { number: u32 },
    #[error("service `{service}` has no {kind} endpoint")]
    NoSuchEndpointKind { service: String, kind: &'static str },
    #[error("a rule needs exactly one of `cidr`, `sg`, `prefix_list` (found {found})")]
    RulePeer { found: usize },
    #[error("vpc `{vpc}` has two main route tables: `{a}` and `{b}`")]
    TwoMainTables { vpc: String, a: String, b: String },
    #[error("vpc `{vpc}` has two default {what}: `{a}` and `{b}`")]
    TwoDefaults {
        vpc: String,
        what: &'static str,
        a: String,
        b: String,
    },
    #[error("vpc `{vpc}` has two internet gateways: `{a}` and `{b}`")]
    TwoInternetGateways { vpc: String, a: String, b: String },
    #[error("subnet `{subnet}` is associated with network acls `{a}` and `{b}`")]
    ConflictingNacl {
        subnet: String,
        a: String,
        b: String,
    },
    #[error("{source_kind} trigger needs the event source's subnets and security groups")]
    TriggerNeedsVpc { source_kind: String },
    #[error("{ip} is not a public unicast address ({block})")]
    NotPublicAddress { ip: String, block: &'static str },
    #[error("{source_kind} event source mappings have no provisioned poller mode")]
    ProvisionedModeUnsupported { source_kind: String },
    #[error("`engine` is for AmazonMq triggers, not {source_kind}")]
    EngineNotMq { source_kind: String },
    #[error("`auth` is for FunctionUrl triggers, not {source_kind}")]
    AuthNotUrl { source_kind: String },
    #[error("{what} cannot be empty")]
    Empty { what: &'static str },
    #[error("peering connects vpc `{vpc}` to itself")]
    SelfPeering { vpc: String },
    #[error("route to {dest} targets {target}, which needs an ipv{need} destination")]
    RouteFamily {
        dest: String,
        target: String,
        need: u8,
    },
    #[error("duplicate route to {dest}")]
    DuplicateRoute { dest: String },
    #[error("`{what}` cannot be missing for {kind} `{id}`: it is data of {applies}")]
    MissingNotApplicable {
        what: &'static str,
        kind: &'static str,
        id: String,
        applies: &'static str,
    },
    #[error("cannot trace from `{from}` to `{to}`: {reason}")]
    ProbeRefused {
        from: String,
        to: String,
        reason: String,
    },
    #[error("`{what}` of `{id}` is listed as missing, yet `{id}` gives `{field}`")]
    MissingButGiven {
        what: &'static str,
        id: String,
        field: &'static str,
    },
    #[error("`{what}` of `{id}` is already listed as missing")]
    DuplicateMissing { what: &'static str, id: String },
    #[error("service `{id}` is in the catalog: its name, hostnames and action are catalog data")]
    CatalogServiceFixed { id: String },
    #[error("unknown service `{id}`: not in the catalog, and its endpoint kinds are not said")]
    ExtraServiceKinds {
        id: String,
        suggestion: Option<String>,
    },
    #[error("external host `{id}` has neither `ip` nor `hostname`")]
    HostWithoutAddress { id: String },
    #[error(
        "endpoint `{endpoint}` has a policy, but service `{service}` (not in the catalog) names no `action` to ask it about"
    )]
    PolicyNeedsAction { endpoint: String, service: String },
    // Warnings: legal, but probably not what the author meant.
    #[error(
        "nat gateway `{nat}` sits in subnet `{subnet}`, whose route table has no 0.0.0.0/0 route to an internet gateway"
    )]
    NatWithoutInternetRoute { nat: String, subnet: String },
    #[error("`{id}` has a public ip but subnet `{subnet}` has no route to an internet gateway")]
    PublicIpInPrivateSubnet { id: String, subnet: String },
    #[error(
        "function `{function}` is attached to public subnet `{subnet}`; Lambda ENIs never get a public ip, so it has no internet access"
    )]
    FunctionInPublicSubnet { function: String, subnet: String },
    #[error(
        "function `{function}` has subnets with different ways out: `{a}` sends 0.0.0.0/0 to {a_way}, `{b}` to {b_way}"
    )]
    FunctionSubnetsDiffer {
        function: String,
        a: String,
        a_way: String,
        b: String,
        b_way: String,
    },
    #[error(
        "network acl `{nacl}` admits inbound {what} from {cidr} (rule {rule}) but its outbound rules deny the replies to {cidr} on ports {gap}"
    )]
    NaclNoReplyAllowance {
        nacl: String,
        rule: u32,
        what: String,
        cidr: String,
        gap: String,
    },
    #[error(
        "subnet `{subnet}` ({az}) sends 0.0.0.0/0 to nat gateway `{nat}` in another availability zone ({nat_az})"
    )]
    NatServesOtherAz {
        subnet: String,
        az: String,
        nat: String,
        nat_az: String,
    },
    #[error(
        "transit gateway `{tgw}` brings traffic into `{vpc}` through attachment `{attachment}` (subnets in {zones} availability zones), whose route table `{table}` sends it to appliance `{appliance}`, and appliance mode is off"
    )]
    ApplianceModeOff {
        tgw: String,
        attachment: String,
        vpc: String,
        zones: usize,
        table: String,
        appliance: String,
    },
    #[error("gateway endpoint `{id}` is associated with no route table, so nothing uses it")]
    GatewayEndpointUnused { id: String },
    #[error(
        "`{id}` sits in public subnet `{subnet}` without a public ip: the internet gateway will not carry its traffic"
    )]
    NoPublicIpInPublicSubnet { id: String, subnet: String },
    #[error(
        "`{id}` sits in public subnet `{subnet}` without a public IPv4: the internet gateway carries only its IPv6 traffic (to and from {ipv6}), not IPv4"
    )]
    Ipv6OnlyInPublicSubnet {
        id: String,
        subnet: String,
        ipv6: String,
    },
}

impl Problem {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Problem::UnknownRef {
                kind,
                known,
                more,
                suggestion,
                ..
            } => {
                let list = if known.is_empty() {
                    format!("the scenario declares no {kind}")
                } else {
                    let shown: Vec<_> = known.iter().take(12).map(|k| format!("`{k}`")).collect();
                    let more = more + known.len().saturating_sub(12);
                    let tail = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    format!("known {kind} ids: {}{tail}", shown.join(", "))
                };
                match suggestion {
                    Some(s) => format!("did you mean `{s}`? {list}"),
                    None => list,
                }
            }
            Problem::SubnetOutsideVpc { .. } => {
                "pick a subnet cidr inside one of the vpc's cidr blocks".into()
            }
            Problem::OverlappingSubnets { .. } => {
                "subnets of one vpc must not share addresses".into()
            }
            Problem::NatWithoutElasticIp => {
                "add `elastic_ip: \"<address>\"`, or set `connectivity: Private`".into()
            }
            Problem::PrivateDnsNeedsVpcDns { vpc } => format!(
                "AWS refuses this: set `dns_support: true, dns_hostnames: true` on vpc `{vpc}`, or `private_dns: false`"
            ),
            Problem::NoSuchEndpointKind { kind, .. } if *kind == "gateway" => {
                "gateway endpoints exist only for s3 and dynamodb; use `kind: Interface`".into()
            }
            Problem::NoSuchEndpointKind { service, .. } => format!(
                "override the catalog with `services: [(id: \"{service}\", interface_endpoint: true)]` if your region has one"
            ),
            Problem::FunctionMixesVpcs { .. } => {
                "a function's subnets must all belong to one vpc".into()
            }
            Problem::DuplicateNaclRule { .. } => "give every rule its own number".into(),
            Problem::NatWithoutInternetRoute { .. } => {
                "place the nat gateway in a public subnet (0.0.0.0/0 -> internet gateway)".into()
            }
            Problem::FunctionSubnetsDiffer { function, .. } => format!(
                "Lambda sends from whichever of {function}'s interfaces it picks, so its calls work from one subnet and fail from the other: route every subnet of the function the same way (each to a NAT gateway in its own zone)"
            ),
            Problem::NaclNoReplyAllowance { cidr, .. } => format!(
                "network ACLs are stateless: add an outbound allow rule for the replies to {cidr} on ports 1024-65535 (clients, NAT gateways and Lambda use ephemeral ports)"
            ),
            Problem::ApplianceModeOff { appliance, attachment, .. } => format!(
                "without appliance mode the transit gateway keeps each direction of a flow in the zone it came from, so the request and the reply of a flow between zones pass different appliances; a stateful appliance that does not translate addresses (a firewall) drops the half it did not see. awsreach models `{appliance}` as a NAT instance, for which routing is symmetric: enable appliance mode on `{attachment}` (ApplianceModeSupport) unless it translates"
            ),
            Problem::NatServesOtherAz { nat_az, subnet, .. } => format!(
                "this works, but an outage of {nat_az} cuts `{subnet}` off the internet (and cross-zone traffic is billed): give each availability zone its own NAT gateway"
            ),
            Problem::FunctionInPublicSubnet { .. } => {
                "attach the function to private subnets routed to a nat gateway".into()
            }
            Problem::RulePeer { .. } => {
                "write e.g. `cidr: \"0.0.0.0/0\"` or `sg: \"sg-app\"`".into()
            }
            Problem::TriggerNeedsVpc { .. } => {
                "add `subnets: [...]` and `security_groups: [...]` of the cluster or broker".into()
            }
            Problem::NotPublicAddress { .. } => {
                "public and Elastic IPs come from AWS's public address pools (e.g. 54.160.0.10); a private address belongs in `private_ip`".into()
            }
            Problem::ProvisionedModeUnsupported { .. } => {
                "provisioned mode exists only for Msk, SelfManagedKafka and Sqs triggers (Lambda \"Provisioned mode\"); remove `mode: Provisioned`".into()
            }
            Problem::EngineNotMq { .. } => "remove `engine`, or set `source: AmazonMq`".into(),
            Problem::AuthNotUrl { .. } => "remove `auth`, or set `source: FunctionUrl`".into(),
            Problem::MissingNotApplicable { applies, .. } => {
                format!("name {applies} in `entity`, or pick the kind of data that is missing")
            }
            Problem::DuplicateMissing { .. } => "list each missing piece once".into(),
            Problem::MissingButGiven { field, .. } => format!(
                "keep one: remove `{field}` if it could not be read, or drop the `missing` entry if it is known"
            ),
            Problem::CatalogServiceFixed { .. } => {
                "drop `name`, `hostname`, `endpoint_service` and `action`; a probe names another hostname with `host:` (or `--host`)".into()
            }
            Problem::ExtraServiceKinds { suggestion, .. } => {
                let declare = "a service outside the catalog says what AWS offers for it: `interface_endpoint: true, gateway_endpoint: false`";
                match suggestion {
                    Some(s) => format!("did you mean `{s}`? or {declare}"),
                    None => format!("{declare} (`awsreach services` lists the catalog)"),
                }
            }
            Problem::HostWithoutAddress { .. } => {
                "add `ip: \"203.0.113.10\"`, or `hostname: \"api.example.com\"` when only the name is known".into()
            }
            Problem::PolicyNeedsAction { service, .. } => format!(
                "add `action: \"<iam action>\"` to service `{service}` in `services`"
            ),
            Problem::NameTaken { .. } => {
                "a name is another id for probes: it must differ from every id, address, hostname and other name; rename it or drop `name`".into()
            }
            Problem::IdTooLong { .. } => {
                "AWS names and ids are at most 255 characters; use a shorter id".into()
            }
            _ => return None,
        })
    }

    pub fn severity(&self) -> Severity {
        match self {
            Problem::NatWithoutInternetRoute { .. }
            | Problem::PublicIpInPrivateSubnet { .. }
            | Problem::FunctionInPublicSubnet { .. }
            | Problem::GatewayEndpointUnused { .. }
            | Problem::NoPublicIpInPublicSubnet { .. }
            | Problem::Ipv6OnlyInPublicSubnet { .. }
            | Problem::FunctionSubnetsDiffer { .. }
            | Problem::NaclNoReplyAllowance { .. }
            | Problem::NatServesOtherAz { .. }
            | Problem::ApplianceModeOff { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One finding of validation: where (`subnets["app"].cidr`), what, and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path of the offending field, e.g. `subnets["app"].cidr`.
    pub path: String,
    /// The id of the entity it belongs to, for locating it in the source.
    pub entity: Option<String>,
    pub problem: Problem,
}

impl Diagnostic {
    pub fn severity(&self) -> Severity {
        self.problem.severity()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)?;
        if let Some(h) = self.problem.hint() {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Every error found in a scenario, plus its warnings.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{} error(s) in scenario", errors.len() + omitted)]
pub struct ValidationErrors {
    /// The first errors, in the order found (at most
    /// [`crate::validate::MAX_ERRORS`]).
    pub errors: Vec<Diagnostic>,
    /// Errors found beyond those listed: counted, not described, so that a
    /// file with thousands of mistakes validates as fast as a good one.
    pub omitted: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Parsing or validating failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LoadError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}
