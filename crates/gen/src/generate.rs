//! The scenario generator: [`GenOptions`] in, a valid [`ScenarioSpec`] out.
//!
//! It works in two passes. The first decides the shape — VPCs, subnet
//! roles, gateways, tables, groups, functions, triggers, endpoints,
//! resources — and counts the network interfaces each subnet must hold;
//! the second sizes the subnets to fit and writes their CIDRs and the
//! explicitly chosen addresses. Every step is a loop over what it makes,
//! so time grows linearly with the output.

use std::collections::HashSet;

use awsreach_model::ScenarioSpec;
use awsreach_model::catalog;
use awsreach_model::spec::*;

use crate::addr;
use crate::dice::Dice;
use crate::profile::{GenError, GenOptions, Knobs, Limits, MAX_ENIS};

mod compute;
mod filters;
mod network;
mod routes;

/// Generates a scenario. Same options, byte-identical `to_ron` output.
///
/// The result always passes `awsreach_model::validate` (warnings allowed).
/// Options too large for the address plan (or for memory) are a
/// [`GenError`] naming the option; see [`GenOptions::check`].
pub fn try_generate(opts: &GenOptions) -> Result<ScenarioSpec, GenError> {
    opts.check()?;
    Builder::new(opts).build()
}

/// [`try_generate`] for options known to fit (tests, benches, the fuzzer's
/// own profiles).
///
/// # Panics
///
/// On the options `try_generate` refuses.
pub fn generate(opts: &GenOptions) -> ScenarioSpec {
    try_generate(opts).unwrap_or_else(|e| panic!("{e}"))
}

/// A benchmark topology of about `enis` network interfaces:
/// `try_generate(&GenOptions::for_size(enis, seed))`.
pub fn try_bench_topology(enis: usize, seed: u64) -> Result<ScenarioSpec, GenError> {
    if enis > MAX_ENIS {
        return Err(GenError::TooLarge {
            option: "enis",
            value: enis,
            max: MAX_ENIS,
            why: "larger topologies do not fit in memory".into(),
        });
    }
    try_generate(&GenOptions::for_size(enis, seed))
}

/// [`try_bench_topology`] for sizes known to fit.
///
/// # Panics
///
/// On the sizes `try_bench_topology` refuses.
pub fn bench_topology(enis: usize, seed: u64) -> ScenarioSpec {
    try_bench_topology(enis, seed).unwrap_or_else(|e| panic!("{e}"))
}

/// The role a subnet was made for, by what its route table does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// 0.0.0.0/0 → internet gateway.
    Public,
    /// 0.0.0.0/0 → NAT gateway.
    PrivateNat,
    /// No way to the internet, but peering, transit and endpoint routes.
    Private,
    /// The main table: local routes only (usually).
    Isolated,
}

const KINDS: [Kind; 4] = [
    Kind::Public,
    Kind::PrivateNat,
    Kind::Private,
    Kind::Isolated,
];

struct SubnetPlan {
    vpc: usize,
    /// Index within the VPC.
    local: usize,
    kind: Kind,
    ipv6: bool,
    /// Interfaces the subnet must hold.
    enis: usize,
    /// Resources named after this subnet so far.
    resources: usize,
    /// Explicit addresses handed out, from the top of the subnet down.
    explicit: usize,
    custom_nacl: bool,
    base: u32,
    size: u32,
}

/// The security groups every VPC gets, by role.
#[derive(Clone)]
struct Groups {
    web: String,
    app: String,
    db: String,
    func: String,
    vpce: String,
    broker: String,
    fw: Option<String>,
    /// Padding groups of benchmark topologies.
    extras: Vec<String>,
}

struct Peer {
    vpc: usize,
    pcx: String,
    /// This side's tables route to the peer.
    routed: bool,
}

struct VpcPlan {
    id: String,
    primary: u32,
    ipv6: bool,
    /// Both DNS attributes on: interface endpoints may use private DNS.
    dns_ok: bool,
    igw: Option<String>,
    eigw: Option<String>,
    subnets: Vec<usize>,
    by_kind: [Vec<usize>; 4],
    public_nats: Vec<String>,
    private_nat: Option<String>,
    appliance: Option<String>,
    /// A chain of forwarding appliances, first to last (`appliance_chain`).
    chain: Vec<ChainHop>,
    /// Declared route tables.
    tables: Vec<String>,
    groups: Groups,
    peers: Vec<Peer>,
    tgw_attached: bool,
    broker: bool,
    broker_secrets: bool,
}

impl VpcPlan {
    fn kind(&self, k: Kind) -> &[usize] {
        &self.by_kind[k as usize]
    }

    /// Subnets that are not public, else all of them.
    fn inner_subnets(&self) -> Vec<usize> {
        let inner: Vec<usize> = [Kind::PrivateNat, Kind::Private, Kind::Isolated]
            .iter()
            .flat_map(|k| self.kind(*k).iter().copied())
            .collect();
        if inner.is_empty() {
            self.subnets.clone()
        } else {
            inner
        }
    }
}

/// One appliance of a chain: its subnet, and that subnet's own table's
/// default route (the next appliance, the way out, or back into the chain).
struct ChainHop {
    subnet: usize,
    appliance: String,
    next: Option<RouteTarget>,
}

/// A route table under construction; `seen` keeps destinations unique.
struct Table {
    routes: Vec<RouteSpec>,
    seen: HashSet<String>,
}

impl Table {
    fn new() -> Table {
        Table {
            routes: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn add(&mut self, dest: String, target: RouteTarget) -> bool {
        if self.seen.contains(&dest) {
            return false;
        }
        self.seen.insert(dest.clone());
        self.routes.push(RouteSpec { dest, target });
        true
    }
}

struct Builder<'o> {
    opts: &'o GenOptions,
    k: Knobs,
    lim: Limits,
    d: Dice,
    spec: ScenarioSpec,
    vpcs: Vec<VpcPlan>,
    subnets: Vec<SubnetPlan>,
    /// Declared services (catalog order).
    wanted: Vec<&'static str>,
    /// Services a scenario says have no interface endpoint.
    no_interface: Vec<&'static str>,
    tgw: Option<String>,
    elastic_ips: usize,
    public_ips: usize,
    /// (resource index, subnet, slot from the top).
    explicit_ips: Vec<(usize, usize, usize)>,
    /// Service principals of each function's triggers.
    fn_principals: Vec<Vec<&'static str>>,
}

impl<'o> Builder<'o> {
    fn new(opts: &'o GenOptions) -> Builder<'o> {
        Builder {
            opts,
            k: opts.profile.knobs(),
            lim: Limits {
                sgs_per_eni: opts.limits.sgs_per_eni.max(1),
                ..opts.limits.clone()
            },
            d: Dice::new(opts.seed),
            spec: ScenarioSpec::default(),
            vpcs: Vec::new(),
            subnets: Vec::new(),
            wanted: Vec::new(),
            no_interface: Vec::new(),
            tgw: None,
            elastic_ips: 0,
            public_ips: 0,
            explicit_ips: Vec::new(),
            fn_principals: Vec::new(),
        }
    }

    fn build(mut self) -> Result<ScenarioSpec, GenError> {
        self.services();
        self.vpcs_and_subnets();
        self.nat_gateways();
        self.peerings();
        self.transit_gateway();
        for v in 0..self.vpcs.len() {
            self.security_groups(v);
        }
        for v in 0..self.vpcs.len() {
            self.route_tables(v);
        }
        for v in 0..self.vpcs.len() {
            self.gateway_endpoints(v);
            self.network_acls(v);
        }
        self.functions();
        self.triggers();
        for v in 0..self.vpcs.len() {
            self.interface_endpoints(v);
        }
        self.resources();
        self.external_hosts();
        self.function_policies();
        self.declare_used_services();
        self.address_plan()?;
        self.describe();
        // Last, so that the rest of a seed's scenario stays as it was.
        self.identities();
        Ok(self.spec)
    }

    // ----- services -------------------------------------------------------

    /// True when the scenario may use `id` (for endpoints and triggers).
    fn allowed(&self, id: &str) -> bool {
        self.opts.services.is_none() || self.wanted.contains(&id)
    }

    fn has_interface(&self, id: &str) -> bool {
        catalog::lookup(id).is_some_and(|e| e.interface_endpoint)
            && !self.no_interface.contains(&id)
    }

    fn services(&mut self) {
        let cat = catalog::catalog();
        self.wanted = match &self.opts.services {
            Some(list) => cat
                .iter()
                .filter(|e| list.contains(&e.id))
                .map(|e| e.id.as_str())
                .collect(),
            None => {
                let mut v = Vec::new();
                for e in cat {
                    let always = matches!(e.id.as_str(), "lambda" | "s3" | "sqs");
                    // The plain service APIs added to the catalog later
                    // (ec2, ecs, rds) exercise nothing the other interface
                    // services do not; rolling no dice for them keeps every
                    // seed's scenario what it was.
                    if matches!(e.id.as_str(), "ec2" | "ecs" | "rds") {
                        continue;
                    }
                    if always || self.d.pct(35) {
                        v.push(e.id.as_str());
                    }
                }
                v
            }
        };
        for &id in &self.wanted.clone() {
            let mut s = ServiceSpec {
                id: id.to_string(),
                ..ServiceSpec::default()
            };
            // Amazon Pinpoint had no interface endpoint when the seed guide was written.
            if id == "pinpoint" && self.d.pct(self.k.pinpoint_no_endpoint) {
                s.interface_endpoint = Some(false);
                self.no_interface.push(id);
            }
            self.spec.services.push(s);
        }
    }

    /// Lists the services endpoints and triggers use (which they declare
    /// implicitly anyway), so the `services` section reads as the whole list.
    fn declare_used_services(&mut self) {
        if self.opts.services.is_some() {
            return;
        }
        let used: Vec<&str> = self
            .spec
            .vpc_endpoints
            .iter()
            .map(|e| e.service.as_str())
            .chain(self.spec.triggers.iter().map(|t| t.source.service_id()))
            .collect();
        let listed: Vec<ServiceSpec> = std::mem::take(&mut self.spec.services);
        for e in catalog::catalog() {
            if let Some(s) = listed.iter().find(|s| s.id == e.id) {
                self.spec.services.push(s.clone());
            } else if used.contains(&e.id.as_str()) {
                self.spec.services.push(ServiceSpec {
                    id: e.id.clone(),
                    ..ServiceSpec::default()
                });
            }
        }
    }

    // ----- addresses ------------------------------------------------------

    /// Sizes every VPC's subnets to hold their interfaces, spilling into
    /// secondary /16 blocks when one is not enough.
    fn address_plan(&mut self) -> Result<(), GenError> {
        let mut next_block = self.vpcs.len();
        for v in 0..self.vpcs.len() {
            let subs = self.vpcs[v].subnets.clone();
            // AWS reserves five addresses in every subnet.
            let need = subs
                .iter()
                .map(|&s| self.subnets[s].enis + 5)
                .max()
                .unwrap_or(16);
            let mut size = addr::subnet_size(need);
            if size > 1 << 16 {
                return Err(GenError::SubnetTooFull { need });
            }
            // /24s read best, when they fit in the primary block.
            if size < 256 && subs.len() * 256 <= 1 << 16 {
                size = 256;
            }
            let per_block = ((1u32 << 16) / size) as usize;
            let blocks = subs.len().div_ceil(per_block);
            let mut bases = vec![self.vpcs[v].primary];
            for _ in 1..blocks {
                if next_block >= addr::BLOCKS {
                    return Err(GenError::AddressSpace {
                        blocks: addr::BLOCKS,
                    });
                }
                let b = addr::block16(next_block);
                next_block += 1;
                self.spec.vpcs[v].secondary_cidrs.push(addr::cidr(b, 16));
                bases.push(b);
            }
            for (i, &s) in subs.iter().enumerate() {
                let base = bases[i / per_block] + (i % per_block) as u32 * size;
                self.subnets[s].base = base;
                self.subnets[s].size = size;
                self.spec.subnets[s].cidr = addr::cidr(base, addr::prefix_len(size));
            }
        }
        // Explicit addresses from the top down (the last one is reserved);
        // automatic ones count up from the bottom, so the two never meet.
        for &(r, s, slot) in &self.explicit_ips {
            let p = &self.subnets[s];
            let a = p.base + p.size - 2 - slot as u32;
            self.spec.resources[r].private_ip = Some(addr::ip(a));
        }
        Ok(())
    }

    fn describe(&mut self) {
        let o = self.opts;
        self.spec.name = Some(format!("gen-{}-{}", o.profile, o.seed));
        let what = match o.eni_target {
            Some(n) => format!("about {n} network interfaces"),
            None => format!("{} instances", o.instances),
        };
        self.spec.description = Some(format!(
            "generated by awsreach-gen: seed {}, profile {}, {} vpcs x {} subnets, {} functions, {what}",
            o.seed,
            o.profile,
            self.vpcs.len(),
            o.subnets_per_vpc.max(1),
            o.functions,
        ));
    }
}
