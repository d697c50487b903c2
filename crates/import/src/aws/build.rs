//! Turning a sorted snapshot into a [`ScenarioSpec`]: the shared state of
//! one import and the order of the steps (each step's references must
//! already be known: route targets before route tables, subnets before
//! everything placed in them).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use awsreach_model::ScenarioSpec;
use awsreach_model::spec::{MissingKind, MissingSpec};
use ipnet::IpNet;

use super::dump::Dump;
use crate::report::{EntryKind, Report};

/// A subnet as later steps need it.
#[derive(Debug, Clone)]
pub struct SubnetInfo {
    pub vpc: String,
    pub cidr: IpNet,
    pub az: Option<String>,
}

/// The state of one import.
pub struct Ctx<'d> {
    pub dump: &'d Dump,
    pub region: String,
    pub spec: ScenarioSpec,
    pub report: Report,
    /// Every id the scenario uses (one namespace, as in the model).
    pub ids: HashSet<String>,
    /// VPC → its associated CIDR blocks.
    pub vpcs: HashMap<String, Vec<IpNet>>,
    pub subnets: HashMap<String, SubnetInfo>,
    pub sgs: HashSet<String>,
    /// Route targets that exist in the scenario, by AWS id (gateways, NATs,
    /// endpoints, peerings, transit gateways); ENIs map to their resource.
    pub targets: HashMap<String, &'static str>,
    /// ENI or instance id → the resource that owns it.
    pub eni_resource: HashMap<String, String>,
    /// Addresses taken, so no two resources claim one.
    pub used_ips: HashSet<IpAddr>,
    /// AWS-managed prefix list → the catalog service it stands for.
    pub pl_service: HashMap<String, String>,
    /// Customer-managed prefix list → its CIDRs (when the entries were read).
    pub pl_cidrs: HashMap<String, Vec<String>>,
    /// IAM role ARN → function, for invoke policies naming a role.
    pub roles: HashMap<String, String>,
    missing_seen: BTreeSet<(String, String)>,
    /// Stand-ins handed out for public addresses AWS would never assign.
    stand_ins: u16,
}

impl<'d> Ctx<'d> {
    pub fn read(&mut self, src: &str, subject: &str, message: impl Into<String>) {
        self.report.push(EntryKind::Read, src, subject, message);
    }

    pub fn skip(&mut self, src: &str, subject: &str, message: impl Into<String>) {
        self.report.push(EntryKind::Skipped, src, subject, message);
    }

    pub fn warn(&mut self, src: &str, subject: &str, message: impl Into<String>) {
        self.report.push(EntryKind::Warning, src, subject, message);
    }

    /// Records that `entity` lacks `what`: a `missing` entry in the spec
    /// (once per entity and kind) and a report line (each time, with why).
    pub fn missing(&mut self, src: &str, entity: &str, what: MissingKind, note: impl Into<String>) {
        let note = note.into();
        self.report
            .push(EntryKind::Missing, src, entity, note.clone());
        if self
            .missing_seen
            .insert((entity.to_string(), format!("{what:?}")))
        {
            self.spec.missing.push(MissingSpec {
                entity: entity.to_string(),
                what,
                note: Some(note),
            });
        }
    }

    /// True when `vpc` was imported; otherwise a `Missing` entry saying that
    /// `id` is not imported (`what`: "the subnet", "the group", or empty).
    pub fn vpc_known(&mut self, src: &str, id: &str, vpc: &str, what: &str) -> bool {
        if self.vpcs.contains_key(vpc) {
            return true;
        }
        let tail = if what.is_empty() {
            "not imported".to_string()
        } else {
            format!("{what} is not imported")
        };
        self.report.push(
            EntryKind::Missing,
            src,
            id,
            format!("its VPC {vpc} is not in the snapshot; {tail}"),
        );
        false
    }

    /// Claims an id; false (and a warning) when it is already taken.
    pub fn claim(&mut self, src: &str, id: &str, what: &str) -> bool {
        if awsreach_model::catalog::lookup(id).is_some() {
            self.warn(
                src,
                id,
                format!("{what} `{id}` has the id of a catalog service; not imported"),
            );
            return false;
        }
        if !self.ids.insert(id.to_string()) {
            self.warn(
                src,
                id,
                format!("{what} `{id}` appears twice; the first one is kept"),
            );
            return false;
        }
        true
    }

    /// An address for a resource in `subnet`: `ip` when AWS could have
    /// assigned it there, else none (and a warning saying why).
    pub fn address(
        &mut self,
        src: &str,
        owner: &str,
        subnet: &str,
        ip: Option<&str>,
    ) -> Option<String> {
        let ip_text = ip?;
        let Ok(addr) = ip_text.parse::<IpAddr>() else {
            self.warn(
                src,
                owner,
                format!("address `{ip_text}` is not an IP address; ignored"),
            );
            return None;
        };
        let cidr = self.subnets.get(subnet)?.cidr;
        if !cidr.contains(&addr) {
            self.warn(
                src,
                owner,
                format!(
                    "address {addr} is outside its subnet {subnet} ({cidr}), which AWS never \
                     assigns (a quirk of the data, e.g. moto's); awsreach assigns one inside the subnet"
                ),
            );
            return None;
        }
        if reserved(cidr, addr) {
            self.warn(
                src,
                owner,
                format!("address {addr} is one of the five AWS reserves in {cidr}; awsreach assigns another"),
            );
            return None;
        }
        if !self.used_ips.insert(addr) {
            self.warn(
                src,
                owner,
                format!(
                    "address {addr} is already used by another interface; awsreach assigns another"
                ),
            );
            return None;
        }
        Some(addr.to_string())
    }
}

impl Ctx<'_> {
    /// A public IPv4 address (an Elastic IP, an instance's public IP) as the
    /// model accepts it: public unicast (rule 10, docs/aws-rules.md). One in a
    /// special-purpose block is a quirk of the data (moto hands out Elastic
    /// IPs in 127.0.0.0/8): the resource keeps a public address, as it would
    /// have in AWS, from the documentation ranges (RFC 5737), with a warning
    /// naming the one it replaces; none (and a warning) when it is not IPv4.
    pub fn public_address(&mut self, src: &str, owner: &str, ip: Option<&str>) -> Option<String> {
        let ip_text = ip?;
        let Ok(addr) = ip_text.parse::<std::net::Ipv4Addr>() else {
            self.warn(
                src,
                owner,
                format!("public address `{ip_text}` is not an IPv4 address; ignored"),
            );
            return None;
        };
        let Some(block) = awsreach_model::validate::non_public_block(addr) else {
            return Some(ip_text.to_string());
        };
        const TEST_NETS: [[u8; 3]; 3] = [[203, 0, 113], [198, 51, 100], [192, 0, 2]];
        let n = self.stand_ins;
        let Some(net) = TEST_NETS.get(usize::from(n / 254)) else {
            self.warn(
                src,
                owner,
                format!(
                    "public address {addr} is in {block}, which AWS never assigns; \
                     ignored (no documentation address left to stand in for it)"
                ),
            );
            return None;
        };
        self.stand_ins += 1;
        let stand_in = std::net::Ipv4Addr::new(net[0], net[1], net[2], (n % 254 + 1) as u8);
        self.warn(
            src,
            owner,
            format!(
                "public address {addr} is in {block}, which AWS never assigns (a quirk of \
                 the data, e.g. moto's Elastic IPs); {stand_in} (documentation range) stands in for it"
            ),
        );
        Some(stand_in.to_string())
    }

    /// A CIDR as the model accepts it: host bits cleared (older APIs and
    /// hand-made data keep `2.2.2.2/28`, which AWS matches as `2.2.2.0/28`),
    /// with a warning; none (and a warning) when it is not a CIDR.
    pub fn cidr(&mut self, src: &str, subject: &str, c: &str) -> Option<String> {
        match c.parse::<IpNet>() {
            Ok(n) if n.trunc() == n => Some(c.to_string()),
            Ok(n) => {
                self.warn(
                    src,
                    subject,
                    format!("CIDR {c} has host bits set; read as {}", n.trunc()),
                );
                Some(n.trunc().to_string())
            }
            Err(_) => {
                self.warn(
                    src,
                    subject,
                    format!("`{c}` is not a CIDR; that rule or route is left out"),
                );
                None
            }
        }
    }
}

/// The first four addresses and the last of a subnet are reserved
/// (Amazon VPC user guide, "Subnet CIDR blocks").
fn reserved(cidr: IpNet, addr: IpAddr) -> bool {
    match (cidr, addr) {
        (IpNet::V4(n), IpAddr::V4(a)) => {
            let base = u32::from(n.network());
            let x = u32::from(a);
            x < base + 4 || x == u32::from(n.broadcast())
        }
        (IpNet::V6(n), IpAddr::V6(a)) => {
            let base = u128::from(n.network());
            u128::from(a) < base + 4
        }
        _ => false,
    }
}

/// Builds the scenario of one snapshot folder.
pub fn build(dump: &Dump, region: Option<&str>, label: &str) -> (ScenarioSpec, Report) {
    let mut cx = Ctx {
        dump,
        region: region.unwrap_or("us-east-1").to_string(),
        spec: ScenarioSpec::default(),
        report: Report::default(),
        ids: HashSet::new(),
        vpcs: HashMap::new(),
        subnets: HashMap::new(),
        sgs: HashSet::new(),
        targets: HashMap::new(),
        eni_resource: HashMap::new(),
        used_ips: HashSet::new(),
        pl_service: HashMap::new(),
        pl_cidrs: HashMap::new(),
        roles: HashMap::new(),
        missing_seen: BTreeSet::new(),
        stand_ins: 0,
    };
    if region.is_none() {
        cx.warn(
            label,
            "region",
            "no region in the folder names or availability zones; us-east-1 assumed \
             (it names service endpoints only)",
        );
    }
    cx.spec.name = Some(format!("imported from {label}"));
    cx.spec.description = Some(format!(
        "Imported by `awsreach import aws` from the AWS CLI snapshot {label}; \
         AWS ids are kept as ids."
    ));
    cx.spec.region = cx.region.clone();

    super::network::vpcs(&mut cx);
    super::network::subnets(&mut cx);
    super::network::prefix_lists(&mut cx);
    super::network::security_groups(&mut cx);
    super::network::gateways(&mut cx);
    super::transit::peerings(&mut cx);
    super::transit::transit_gateways(&mut cx);
    super::compute::instances(&mut cx);
    super::compute::interfaces(&mut cx);
    super::compute::databases(&mut cx);
    super::network::endpoints(&mut cx);
    super::routing::route_tables(&mut cx);
    super::routing::network_acls(&mut cx);
    super::compute::functions(&mut cx);
    super::compute::triggers(&mut cx);
    super::names::settle(&mut cx);
    super::routing::dns_attributes(&mut cx);
    (cx.spec, cx.report)
}
