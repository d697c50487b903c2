//! Generator options and profiles: how many entities a scenario gets, and
//! how often the generator reaches for each configuration pattern — and for
//! each of the mistakes users make (docs/aws-rules.md, "the usual causes" of
//! "my Lambda in a VPC times out").

use std::fmt;
use std::str::FromStr;

/// A flavour of generated scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// A handful of entities: quick to read and to shrink.
    Small,
    /// Mostly sound networks with the occasional mistake.
    #[default]
    Realistic,
    /// Leans on the edge cases: misplaced NAT gateways, private DNS off,
    /// endpoint groups without 443, NACLs that drop return traffic, gateway
    /// endpoints missing from tables, public subnets without public IPs.
    Adversarial,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Small, Profile::Realistic, Profile::Adversarial];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Small => "small",
            Profile::Realistic => "realistic",
            Profile::Adversarial => "adversarial",
        }
    }

    pub(crate) fn knobs(self) -> Knobs {
        match self {
            Profile::Small => Knobs {
                external_hosts: 1,
                iface_endpoints: (0, 2),
                ..Knobs::REALISTIC
            },
            Profile::Realistic => Knobs::REALISTIC,
            Profile::Adversarial => Knobs::ADVERSARIAL,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Profile, String> {
        Profile::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown profile `{s}` (small, realistic, adversarial)"))
    }
}

/// Size knobs beyond entity counts, for benchmark topologies. Zero padding
/// leaves tables, groups and NACLs at their natural size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Pad every declared route table with extra routes up to this many
    /// (AWS: 50 by default, adjustable up to 1,000). 0: no padding.
    pub routes_per_table: usize,
    /// At most this many security groups on one resource or function (AWS default quota: 5).
    pub sgs_per_eni: usize,
    /// Pad security groups with up to this many inbound rules (AWS quota: 60 per direction).
    /// 0: no padding.
    pub rules_per_sg: usize,
    /// Pad custom network ACLs up to this many rules per direction (AWS: 20, up to 40).
    /// 0: no padding.
    pub nacl_rules: usize,
    /// One route table per subnet rather than one per role (public, NAT, private).
    pub table_per_subnet: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            routes_per_table: 0,
            sgs_per_eni: 2,
            rules_per_sg: 0,
            nacl_rules: 0,
            table_per_subnet: false,
        }
    }
}

/// What to generate. Same options, same scenario, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    pub seed: u64,
    /// At most 273: each VPC takes a /16 of the RFC 1918 ranges.
    pub vpcs: usize,
    /// At least one subnet per VPC is always made.
    pub subnets_per_vpc: usize,
    /// Lambda functions, inside and outside VPCs.
    pub functions: usize,
    /// Resources (EC2 instances, databases, caches) in subnets; none without VPCs.
    pub instances: usize,
    /// The regional services the scenario uses. `None`: a random mix
    /// (always `lambda`). `Some`: exactly these; endpoints and triggers are
    /// only made for them. Ids not in the catalog are skipped.
    pub services: Option<Vec<String>>,
    pub profile: Profile,
    /// When set, `instances` is ignored and resources are added until the
    /// scenario has about this many network interfaces in all.
    pub eni_target: Option<usize>,
    pub limits: Limits,
}

/// At most this many interfaces, instances or functions: a scenario ten
/// times the 100k-ENI benchmark (which validates in ~445 MiB) would not fit
/// in the memory of the machines this runs on.
pub const MAX_ENIS: usize = 1_000_000;

/// AWS's default quota of subnets per VPC ("Subnets per VPC: 200",
/// <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>);
/// the address plan also numbers a VPC's IPv6 /64s in one byte.
pub const MAX_SUBNETS_PER_VPC: usize = 200;

/// Options the generator cannot honour, naming the option (its field name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenError {
    #[error("{option} = {value} is too large (at most {max}): {why}")]
    TooLarge {
        option: &'static str,
        value: usize,
        max: usize,
        why: String,
    },
    #[error(
        "a subnet would need {need} addresses, more than a /16 holds: ask for fewer instances \
         or functions, or more subnets per VPC"
    )]
    SubnetTooFull { need: usize },
    #[error(
        "the scenario needs more than the {blocks} /16 blocks of private address space: ask for \
         fewer VPCs, subnets or instances"
    )]
    AddressSpace { blocks: usize },
}

impl GenError {
    /// The option to make smaller.
    pub fn option(&self) -> &'static str {
        match self {
            GenError::TooLarge { option, .. } => option,
            GenError::SubnetTooFull { .. } | GenError::AddressSpace { .. } => "instances",
        }
    }
}

impl GenOptions {
    /// Refuses sizes the generator cannot honour, before any work (a
    /// 10-million-instance request used to panic in the address plan after
    /// minutes of generating).
    pub fn check(&self) -> Result<(), GenError> {
        let too_large = |option, value: usize, max: usize, why: &str| {
            (value > max).then(|| GenError::TooLarge {
                option,
                value,
                max,
                why: why.to_string(),
            })
        };
        // The ENI target first: it sets the other sizes (`for_size`).
        let checks = [
            self.eni_target.and_then(|n| {
                too_large("enis", n, MAX_ENIS, "the scenario would not fit in memory")
            }),
            too_large(
                "vpcs",
                self.vpcs,
                crate::addr::BLOCKS,
                "each VPC takes a /16 of 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16",
            ),
            too_large(
                "subnets_per_vpc",
                self.subnets_per_vpc,
                MAX_SUBNETS_PER_VPC,
                "AWS's default quota of subnets per VPC",
            ),
            too_large(
                "instances",
                self.instances,
                MAX_ENIS,
                "the scenario would not fit in memory",
            ),
            too_large(
                "functions",
                self.functions,
                MAX_ENIS,
                "the scenario would not fit in memory",
            ),
        ];
        match checks.into_iter().flatten().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The profile's default sizes.
    pub fn new(profile: Profile, seed: u64) -> GenOptions {
        let (vpcs, subnets_per_vpc, functions, instances) = match profile {
            Profile::Small => (2, 3, 3, 3),
            Profile::Realistic => (3, 6, 8, 12),
            Profile::Adversarial => (3, 5, 10, 10),
        };
        let sgs_per_eni = if profile == Profile::Small { 2 } else { 3 };
        GenOptions {
            seed,
            vpcs,
            subnets_per_vpc,
            functions,
            instances,
            services: None,
            profile,
            eni_target: None,
            limits: Limits {
                sgs_per_eni,
                ..Limits::default()
            },
        }
    }

    /// A benchmark topology of about `enis` network interfaces: ~100 per
    /// subnet, one route table per subnet padded to `enis / 100` routes
    /// (at most AWS's 1,000, so ~1M routes at 100k ENIs), up to 5 groups
    /// per ENI with up to 60 rules each, NACLs of 40 rules per direction,
    /// and one function for every ten ENIs.
    pub fn for_size(enis: usize, seed: u64) -> GenOptions {
        let enis = enis.max(10);
        let vpcs = (enis / 1000).clamp(2, 100);
        let subnets_per_vpc = (enis / 100 / vpcs).max(4);
        GenOptions {
            seed,
            vpcs,
            subnets_per_vpc,
            functions: enis / 10,
            instances: 0,
            services: None,
            profile: Profile::Realistic,
            eni_target: Some(enis),
            limits: Limits {
                routes_per_table: (enis / 100).clamp(8, 1000),
                sgs_per_eni: 5,
                rules_per_sg: 60,
                nacl_rules: 40,
                table_per_subnet: true,
            },
        }
    }
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions::new(Profile::Realistic, 0)
    }
}

/// How often each pattern appears: percentages (0-100) unless noted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Knobs {
    /// A VPC has an internet gateway.
    pub igw: u32,
    /// A VPC with an internet gateway has NAT gateway(s) ...
    pub nat: u32,
    /// ... two of them.
    pub two_nats: u32,
    /// A public NAT gateway sits in a private subnet (docs/aws-rules.md, cause 2).
    pub nat_misplaced: u32,
    /// A VPC also gets a private NAT gateway.
    pub private_nat: u32,
    /// A VPC without NAT gateways gets a NAT instance (an ENI route target).
    pub appliance: u32,
    /// A VPC with a public subnet gets a chain of 2 to 7 appliances ...
    pub chain: u32,
    /// ... whose last route leads back into the chain.
    pub chain_loop: u32,
    pub ipv6: u32,
    pub dns_support_off: u32,
    pub dns_hostnames: u32,
    /// Weights of public, private-with-NAT, private, isolated subnets.
    pub subnet_kinds: [u32; 4],
    pub main_declared: u32,
    /// The main table sends 0.0.0.0/0 to the internet gateway.
    pub main_public: u32,
    /// The private table's 0.0.0.0/0 is a blackhole (a deleted NAT gateway).
    pub private_default_blackhole: u32,
    /// A VPC peers with its neighbour.
    pub peering: u32,
    /// A peering gets routes on one side only.
    pub peering_one_sided: u32,
    /// A table of a peered VPC leaves out the peer's route.
    pub peering_route_missing: u32,
    pub tgw: u32,
    /// An unattached VPC routes to the transit gateway anyway.
    pub tgw_unattached_route: u32,
    /// The transit gateway has several route tables (associations,
    /// propagations, static and blackhole routes per table).
    pub tgw_tables: u32,
    /// An attachment has a subnet in one Availability Zone only.
    pub tgw_one_az: u32,
    /// A table gets an extra blackhole route.
    pub blackhole: u32,
    /// A table gets a wide route and a more specific one to another target.
    pub overlap: u32,
    /// A VPC gets a gateway endpoint, per gateway service.
    pub gw_endpoint: u32,
    /// Each route table of the VPC is associated with the gateway endpoint.
    pub gw_endpoint_table: u32,
    /// Interface endpoints per VPC: (min, max).
    pub iface_endpoints: (usize, usize),
    /// Private DNS off although the VPC allows it.
    pub private_dns_off: u32,
    pub endpoint_sg_no_443: u32,
    pub endpoint_default_sg: u32,
    pub endpoint_policy: u32,
    pub default_sg_declared: u32,
    /// Chance of each of up to two custom NACLs per VPC.
    pub custom_nacl: u32,
    /// Return traffic admitted on 32768-60999 only.
    pub nacl_narrow_ephemeral: u32,
    /// No rule for return traffic at all.
    pub nacl_no_ephemeral: u32,
    pub nacl_deny: u32,
    pub fn_egress_restricted: u32,
    pub fn_egress_none: u32,
    /// A group admits a group of a peered VPC.
    pub sg_cross_ref: u32,
    pub public_ip_public: u32,
    pub public_ip_private: u32,
    pub explicit_ip: u32,
    pub default_sg_resource: u32,
    /// Weights of function placement: no VPC, public, private with NAT, private, isolated.
    pub fn_placement: [u32; 5],
    pub fn_two_subnets: u32,
    pub fn_dual_stack: u32,
    pub fn_policy: u32,
    /// A function policy leaves out the principal of one of its own triggers.
    pub policy_omits_trigger: u32,
    /// Triggers per ten functions (not a percentage).
    pub triggers_per_10_fns: usize,
    pub provisioned: u32,
    pub custom_port: u32,
    pub broker_sg_no_self: u32,
    /// A declared Pinpoint says it has no interface endpoint (the 2022 guide).
    pub pinpoint_no_endpoint: u32,
    /// Not a percentage.
    pub external_hosts: usize,
}

impl Knobs {
    const REALISTIC: Knobs = Knobs {
        igw: 85,
        nat: 65,
        two_nats: 30,
        nat_misplaced: 8,
        private_nat: 5,
        appliance: 15,
        chain: 12,
        chain_loop: 10,
        ipv6: 20,
        dns_support_off: 3,
        dns_hostnames: 70,
        subnet_kinds: [3, 3, 2, 2],
        main_declared: 70,
        main_public: 5,
        private_default_blackhole: 10,
        peering: 40,
        peering_one_sided: 10,
        peering_route_missing: 5,
        tgw: 35,
        tgw_unattached_route: 5,
        tgw_tables: 40,
        tgw_one_az: 15,
        blackhole: 15,
        overlap: 40,
        gw_endpoint: 50,
        gw_endpoint_table: 70,
        iface_endpoints: (0, 3),
        private_dns_off: 15,
        endpoint_sg_no_443: 10,
        endpoint_default_sg: 10,
        endpoint_policy: 15,
        default_sg_declared: 30,
        custom_nacl: 40,
        nacl_narrow_ephemeral: 15,
        nacl_no_ephemeral: 5,
        nacl_deny: 40,
        fn_egress_restricted: 25,
        fn_egress_none: 3,
        sg_cross_ref: 30,
        public_ip_public: 85,
        public_ip_private: 3,
        explicit_ip: 20,
        default_sg_resource: 10,
        fn_placement: [30, 8, 40, 12, 10],
        fn_two_subnets: 40,
        fn_dual_stack: 30,
        fn_policy: 30,
        policy_omits_trigger: 10,
        triggers_per_10_fns: 8,
        provisioned: 20,
        custom_port: 20,
        broker_sg_no_self: 10,
        pinpoint_no_endpoint: 40,
        external_hosts: 2,
    };

    const ADVERSARIAL: Knobs = Knobs {
        igw: 80,
        nat: 60,
        two_nats: 30,
        nat_misplaced: 40,
        private_nat: 25,
        appliance: 25,
        chain: 25,
        chain_loop: 25,
        ipv6: 30,
        dns_support_off: 15,
        dns_hostnames: 45,
        subnet_kinds: [3, 2, 3, 2],
        main_declared: 70,
        main_public: 20,
        private_default_blackhole: 30,
        peering: 50,
        peering_one_sided: 35,
        peering_route_missing: 30,
        tgw: 50,
        tgw_unattached_route: 25,
        tgw_tables: 60,
        tgw_one_az: 40,
        blackhole: 40,
        overlap: 60,
        gw_endpoint: 60,
        gw_endpoint_table: 45,
        iface_endpoints: (1, 4),
        private_dns_off: 45,
        endpoint_sg_no_443: 40,
        endpoint_default_sg: 20,
        endpoint_policy: 35,
        default_sg_declared: 40,
        custom_nacl: 70,
        nacl_narrow_ephemeral: 40,
        nacl_no_ephemeral: 25,
        nacl_deny: 60,
        fn_egress_restricted: 40,
        fn_egress_none: 10,
        sg_cross_ref: 40,
        public_ip_public: 55,
        public_ip_private: 15,
        explicit_ip: 20,
        default_sg_resource: 20,
        fn_placement: [20, 25, 25, 20, 10],
        fn_two_subnets: 40,
        fn_dual_stack: 30,
        fn_policy: 50,
        policy_omits_trigger: 40,
        triggers_per_10_fns: 10,
        provisioned: 30,
        custom_port: 30,
        broker_sg_no_self: 35,
        pinpoint_no_endpoint: 60,
        external_hosts: 3,
    };
}
