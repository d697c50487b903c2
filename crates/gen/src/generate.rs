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

    // ----- VPCs and subnets -----------------------------------------------

    fn vpcs_and_subnets(&mut self) {
        let nv = self.opts.vpcs.min(addr::BLOCKS);
        let ns = self.opts.subnets_per_vpc.max(1);
        for v in 0..nv {
            let id = format!("vpc{v}");
            let primary = addr::block16(v);
            let ipv6 = ns <= 256 && self.d.pct(self.k.ipv6);
            let dns_support = !self.d.pct(self.k.dns_support_off);
            let dns_hostnames = self.d.pct(self.k.dns_hostnames);
            let igw = self.d.pct(self.k.igw).then(|| format!("igw{v}"));
            let eigw = (ipv6 && self.d.pct(70)).then(|| format!("eigw{v}"));
            let has_nat = igw.is_some() && self.d.pct(self.k.nat);
            self.spec.vpcs.push(VpcSpec {
                id: id.clone(),
                cidr: addr::cidr(primary, 16),
                secondary_cidrs: Vec::new(),
                ipv6_cidr: ipv6.then(|| addr::vpc_v6(v)),
                dns_support,
                dns_hostnames,
            });
            if let Some(g) = &igw {
                self.spec.internet_gateways.push(InternetGatewaySpec {
                    id: g.clone(),
                    vpc: id.clone(),
                });
            }
            if let Some(g) = &eigw {
                self.spec
                    .egress_only_internet_gateways
                    .push(EgressOnlyIgwSpec {
                        id: g.clone(),
                        vpc: id.clone(),
                    });
            }
            let mut plan = VpcPlan {
                id: id.clone(),
                primary,
                ipv6,
                dns_ok: dns_support && dns_hostnames,
                igw,
                eigw,
                subnets: Vec::new(),
                by_kind: Default::default(),
                // A placeholder: `nat_gateways` fills these in.
                public_nats: if has_nat {
                    vec![String::new()]
                } else {
                    Vec::new()
                },
                private_nat: None,
                appliance: None,
                tables: Vec::new(),
                groups: Groups {
                    web: format!("sg{v}-web"),
                    app: format!("sg{v}-app"),
                    db: format!("sg{v}-db"),
                    func: format!("sg{v}-fn"),
                    vpce: format!("sg{v}-vpce"),
                    broker: format!("sg{v}-mq"),
                    fw: None,
                    extras: Vec::new(),
                },
                peers: Vec::new(),
                tgw_attached: false,
                broker: false,
                broker_secrets: false,
            };
            for s in 0..ns {
                let kind = if s == 0 && plan.igw.is_some() {
                    Kind::Public
                } else if s == 1 {
                    if has_nat {
                        Kind::PrivateNat
                    } else {
                        Kind::Private
                    }
                } else {
                    let mut w = self.k.subnet_kinds;
                    if plan.igw.is_none() {
                        w[Kind::Public as usize] = 0;
                    }
                    if !has_nat {
                        w[Kind::PrivateNat as usize] = 0;
                    }
                    KINDS[self.d.weighted(&w)]
                };
                let g = self.subnets.len();
                plan.subnets.push(g);
                plan.by_kind[kind as usize].push(g);
                self.subnets.push(SubnetPlan {
                    vpc: v,
                    local: s,
                    kind,
                    ipv6,
                    enis: 0,
                    resources: 0,
                    explicit: 0,
                    custom_nacl: false,
                    base: 0,
                    size: 0,
                });
                self.spec.subnets.push(SubnetSpec {
                    id: format!("sn{v}-{s}"),
                    vpc: id.clone(),
                    // Written by `address_plan` once the subnet's size is known.
                    cidr: String::new(),
                    ipv6_cidr: ipv6.then(|| addr::subnet_v6(v, s)),
                    az: Some(["a", "b", "c"][s % 3].to_string()),
                    route_table: None,
                    network_acl: None,
                });
            }
            self.vpcs.push(plan);
        }
    }

    fn subnet_id(&self, g: usize) -> String {
        self.spec.subnets[g].id.clone()
    }

    // ----- NAT gateways and NAT instances ---------------------------------

    fn nat_gateways(&mut self) {
        for v in 0..self.vpcs.len() {
            let plan = &self.vpcs[v];
            let public = plan.kind(Kind::Public).to_vec();
            let inner: Vec<usize> = [Kind::Private, Kind::Isolated]
                .iter()
                .flat_map(|k| plan.kind(*k).iter().copied())
                .collect();
            let mut nats = Vec::new();
            if !plan.public_nats.is_empty() && !public.is_empty() {
                let n = if self.d.pct(self.k.two_nats) { 2 } else { 1 };
                for i in 0..n {
                    // The classic mistake: the NAT gateway in a subnet without an IGW route.
                    let misplaced = !inner.is_empty() && self.d.pct(self.k.nat_misplaced);
                    let subnet = if misplaced {
                        *self.d.pick(&inner)
                    } else {
                        public[i % public.len()]
                    };
                    let id = format!("nat{v}-{i}");
                    self.subnets[subnet].enis += 1;
                    self.spec.nat_gateways.push(NatGatewaySpec {
                        id: id.clone(),
                        subnet: self.subnet_id(subnet),
                        connectivity: NatConnectivity::Public,
                        elastic_ip: Some(addr::elastic_ip(self.elastic_ips)),
                    });
                    self.elastic_ips += 1;
                    nats.push(id);
                }
            }
            if !inner.is_empty() && self.d.pct(self.k.private_nat) {
                let subnet = *self.d.pick(&inner);
                let id = format!("nat{v}-p");
                self.subnets[subnet].enis += 1;
                self.spec.nat_gateways.push(NatGatewaySpec {
                    id: id.clone(),
                    subnet: self.subnet_id(subnet),
                    connectivity: NatConnectivity::Private,
                    elastic_ip: None,
                });
                self.vpcs[v].private_nat = Some(id);
            }
            // A NAT instance where there is no NAT gateway: a forwarding
            // resource that private tables route through.
            if nats.is_empty() && !public.is_empty() && self.d.pct(self.k.appliance) {
                let subnet = *self.d.pick(&public);
                let id = format!("fw{v}");
                let sg = format!("sg{v}-fw");
                self.subnets[subnet].enis += 1;
                self.spec.resources.push(ResourceSpec {
                    id: id.clone(),
                    kind: ResourceKind::Ec2,
                    subnet: self.subnet_id(subnet),
                    private_ip: None,
                    public_ip: Some(addr::public_ip(self.public_ips)),
                    ipv6_ip: None,
                    security_groups: vec![sg.clone()],
                    listen: Vec::new(),
                    forwarding: true,
                });
                self.public_ips += 1;
                self.vpcs[v].appliance = Some(id);
                self.vpcs[v].groups.fw = Some(sg);
            }
            self.vpcs[v].public_nats = nats;
        }
    }

    // ----- peering and transit --------------------------------------------

    fn peerings(&mut self) {
        let nv = self.vpcs.len();
        if nv < 2 {
            return;
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut seen = HashSet::new();
        for v in 0..nv - 1 {
            if self.d.pct(self.k.peering) && seen.insert((v, v + 1)) {
                pairs.push((v, v + 1));
            }
        }
        if nv > 2 {
            for v in 0..nv {
                if self.d.pct(self.k.peering / 3) {
                    let w = self.d.below(nv);
                    let p = (v.min(w), v.max(w));
                    if v != w && seen.insert(p) {
                        pairs.push(p);
                    }
                }
            }
        }
        for (a, b) in pairs {
            let (req, acc) = if self.d.pct(50) { (a, b) } else { (b, a) };
            let pcx = format!("pcx{req}-{acc}");
            self.spec.peering_connections.push(PeeringSpec {
                id: pcx.clone(),
                requester: self.vpcs[req].id.clone(),
                accepter: self.vpcs[acc].id.clone(),
            });
            // Routes on both sides, unless this is the one-sided mistake.
            let one_sided = self.d.pct(self.k.peering_one_sided);
            let silent = if one_sided { self.d.below(2) } else { 2 };
            for (i, (x, y)) in [(req, acc), (acc, req)].into_iter().enumerate() {
                self.vpcs[x].peers.push(Peer {
                    vpc: y,
                    pcx: pcx.clone(),
                    routed: i != silent,
                });
            }
        }
    }

    fn transit_gateway(&mut self) {
        let nv = self.vpcs.len();
        if nv < 2 || !self.d.pct(self.k.tgw) {
            return;
        }
        let mut attached: Vec<usize> = (0..nv).filter(|_| self.d.pct(70)).collect();
        for v in 0..nv {
            if attached.len() >= 2 {
                break;
            }
            if !attached.contains(&v) {
                attached.push(v);
            }
        }
        attached.sort_unstable();
        let id = "tgw0".to_string();
        let mut attachments = Vec::new();
        for &v in &attached {
            let inner = self.vpcs[v].inner_subnets();
            let s = *self.d.pick(&inner);
            attachments.push(TgwAttachmentSpec {
                vpc: self.vpcs[v].id.clone(),
                subnets: vec![self.subnet_id(s)],
            });
            self.vpcs[v].tgw_attached = true;
        }
        // Half the time the default table with propagation; else static
        // routes, sometimes one short, and a blackhole for on-premises space.
        let mut routes = Vec::new();
        if self.d.pct(50) {
            for &v in &attached {
                if !self.d.pct(self.k.peering_route_missing) {
                    routes.push(TgwRouteSpec {
                        dest: addr::cidr(self.vpcs[v].primary, 16),
                        vpc: Some(self.vpcs[v].id.clone()),
                    });
                }
            }
            routes.push(TgwRouteSpec {
                dest: "192.168.0.0/16".into(),
                vpc: None,
            });
        }
        self.spec.transit_gateways.push(TransitGatewaySpec {
            id: id.clone(),
            attachments,
            routes,
        });
        self.tgw = Some(id);
    }

    // ----- security groups ------------------------------------------------

    fn rule(protocol: Protocol, ports: Option<&str>) -> SgRuleSpec {
        SgRuleSpec {
            protocol,
            ports: ports.map(str::to_string),
            cidr: None,
            sg: None,
            prefix_list: None,
            description: None,
        }
    }

    fn from_cidr(protocol: Protocol, ports: Option<&str>, cidr: &str) -> SgRuleSpec {
        SgRuleSpec {
            cidr: Some(cidr.to_string()),
            ..Self::rule(protocol, ports)
        }
    }

    fn from_sg(protocol: Protocol, ports: Option<&str>, sg: &str) -> SgRuleSpec {
        SgRuleSpec {
            sg: Some(sg.to_string()),
            ..Self::rule(protocol, ports)
        }
    }

    fn security_groups(&mut self, v: usize) {
        let k = self.k;
        let plan = &self.vpcs[v];
        let vpc = plan.id.clone();
        let vcidr = addr::cidr(plan.primary, 16);
        let g = plan.groups.clone();
        let ipv6 = plan.ipv6;
        let peer_apps: Vec<String> = plan
            .peers
            .iter()
            .map(|p| self.vpcs[p.vpc].groups.app.clone())
            .collect();
        let mut out: Vec<SecurityGroupSpec> = Vec::new();
        let group = |id: &str, ingress: Vec<SgRuleSpec>, egress: Option<Vec<SgRuleSpec>>| {
            SecurityGroupSpec {
                id: id.to_string(),
                vpc: vpc.clone(),
                default: false,
                ingress,
                egress,
            }
        };
        use Protocol::{All, Icmp, Tcp};

        if self.d.pct(k.default_sg_declared) {
            let id = format!("sg{v}-default");
            // AWS's default group admits its own members; sometimes someone emptied it.
            let ingress = if self.d.pct(80) {
                vec![Self::from_sg(All, None, &id)]
            } else {
                Vec::new()
            };
            out.push(SecurityGroupSpec {
                default: true,
                ..group(&id, ingress, None)
            });
        }

        let mut web = vec![
            Self::from_cidr(Tcp, Some("443"), "0.0.0.0/0"),
            Self::from_cidr(Tcp, Some("80"), "0.0.0.0/0"),
            Self::from_cidr(Tcp, Some("22"), "198.51.100.0/24"),
        ];
        if ipv6 {
            web.push(Self::from_cidr(Tcp, Some("443"), "::/0"));
        }
        out.push(group(&g.web, web, None));

        let mut app = vec![
            Self::from_sg(Tcp, Some("8080"), &g.web),
            Self::from_sg(Tcp, Some("8000-8080"), &g.func),
            Self::from_cidr(Icmp, None, &vcidr),
        ];
        for peer_app in &peer_apps {
            if self.d.pct(k.sg_cross_ref) {
                app.push(Self::from_sg(Tcp, Some("8080"), peer_app));
            }
        }
        out.push(group(&g.app, app, None));

        let db = vec![
            Self::from_sg(Tcp, Some("5432"), &g.app),
            Self::from_sg(Tcp, Some("3306"), &g.app),
            Self::from_sg(Tcp, Some("5432"), &g.func),
            Self::from_sg(Tcp, Some("6379"), &g.func),
        ];
        let db_egress = self.d.pct(30).then(Vec::new);
        out.push(group(&g.db, db, db_egress));

        // Function groups admit nothing; their egress is where mistakes hide.
        let fn_egress = if self.d.pct(k.fn_egress_none) {
            Some(Vec::new())
        } else if self.d.pct(k.fn_egress_restricted) {
            let mut e = vec![
                Self::from_sg(Tcp, Some("5432"), &g.db),
                Self::from_sg(Tcp, Some("6379"), &g.db),
                Self::from_sg(Tcp, Some("8080"), &g.app),
                SgRuleSpec {
                    prefix_list: Some("s3".into()),
                    ..Self::rule(Tcp, Some("443"))
                },
            ];
            // Without this one the function reaches no interface endpoint and no NAT.
            if self.d.pct(60) {
                e.push(Self::from_cidr(Tcp, Some("443"), "0.0.0.0/0"));
            }
            Some(e)
        } else {
            None
        };
        out.push(group(&g.func, Vec::new(), fn_egress));

        // Interface endpoints need 443 from their callers (aws-rules.md rule 13).
        let vpce = if self.d.pct(k.endpoint_sg_no_443) {
            if self.d.pct(50) {
                vec![Self::from_cidr(Tcp, Some("80"), &vcidr)]
            } else {
                Vec::new()
            }
        } else if self.d.pct(50) {
            vec![Self::from_cidr(Tcp, Some("443"), &vcidr)]
        } else {
            vec![
                Self::from_sg(Tcp, Some("443"), &g.func),
                Self::from_sg(Tcp, Some("443"), &g.broker),
                Self::from_sg(Tcp, Some("443"), &g.app),
            ]
        };
        out.push(group(&g.vpce, vpce, None));

        // Event-source clusters must admit their broker port from themselves (rule 5).
        let broker = if self.d.pct(k.broker_sg_no_self) {
            vec![Self::from_cidr(Tcp, Some("443"), &vcidr)]
        } else {
            vec![
                Self::from_sg(Tcp, Some("9092-9098"), &g.broker),
                Self::from_sg(Tcp, Some("5671"), &g.broker),
                Self::from_sg(Tcp, Some("61617"), &g.broker),
                Self::from_sg(Tcp, Some("27017"), &g.broker),
                Self::from_sg(Tcp, Some("443"), &g.broker),
            ]
        };
        out.push(group(&g.broker, broker, None));

        if let Some(fw) = &g.fw {
            out.push(group(fw, vec![Self::from_cidr(All, None, &vcidr)], None));
        }

        // Benchmark padding: more groups to choose from, each near the rule quota.
        let mut extras = Vec::new();
        if self.lim.rules_per_sg > 0 {
            for x in 0..(self.lim.sgs_per_eni - 1) * 2 {
                let id = format!("sg{v}-x{x}");
                out.push(group(&id, Vec::new(), None));
                extras.push(id);
            }
            let pool: Vec<String> = out.iter().map(|s| s.id.clone()).collect();
            for sg in &mut out {
                let lo = self.lim.rules_per_sg / 2;
                let n = self.d.range(lo, self.lim.rules_per_sg);
                while sg.ingress.len() < n {
                    sg.ingress.push(Self::padding_rule(&mut self.d, &pool));
                }
                if let Some(e) = &mut sg.egress
                    && !e.is_empty()
                {
                    let n = self.d.range(e.len(), self.lim.rules_per_sg / 4);
                    while e.len() < n {
                        e.push(Self::padding_rule(&mut self.d, &pool));
                    }
                }
            }
        }
        self.vpcs[v].groups.extras = extras;
        self.spec.security_groups.extend(out);
    }

    fn padding_rule(d: &mut Dice, pool: &[String]) -> SgRuleSpec {
        const PORTS: [&str; 10] = [
            "22",
            "80",
            "443",
            "3306",
            "5432",
            "6379",
            "8080",
            "8443",
            "9000-9100",
            "1024-65535",
        ];
        let protocol = [Protocol::Tcp, Protocol::Udp, Protocol::Icmp, Protocol::All]
            [d.weighted(&[75, 15, 5, 5])];
        let ports = protocol.has_ports().then(|| d.pick(&PORTS).to_string());
        let mut r = Self::rule(protocol, None);
        r.ports = ports;
        match d.weighted(&[60, 30, 10]) {
            0 => {
                let len = [8u8, 16, 20, 24, 28, 32][d.below(6)];
                let base = (10 << 24) | (d.u32() & 0x00ff_ffff);
                let mask = if len == 32 {
                    u32::MAX
                } else {
                    !(u32::MAX >> len)
                };
                r.cidr = Some(addr::cidr(base & mask, len));
            }
            1 => r.sg = Some(d.pick(pool).clone()),
            _ => r.prefix_list = Some(d.pick(&["s3", "dynamodb"]).to_string()),
        }
        r
    }

    // ----- route tables ---------------------------------------------------

    fn route_tables(&mut self, v: usize) {
        let k = self.k;
        let plan = &self.vpcs[v];
        let vid = plan.id.clone();
        let igw = plan.igw.clone();
        let eigw = plan.eigw.clone();
        let nats = plan.public_nats.clone();
        let private_nat = plan.private_nat.clone();
        let appliance = plan.appliance.clone();
        let subnets = plan.subnets.clone();
        let table_id = |suffix: &str| format!("rt{v}-{suffix}");

        // What each role's table sends where, before the shared extras.
        let main_declared = self.d.pct(k.main_declared);
        let mut main = Table::new();
        if let Some(g) = &igw
            && self.d.pct(k.main_public)
        {
            main.add("0.0.0.0/0".into(), RouteTarget::Igw(g.clone()));
        }
        let public = |t: &mut Table| {
            if let Some(g) = &igw {
                t.add("0.0.0.0/0".into(), RouteTarget::Igw(g.clone()));
                if plan.ipv6 {
                    t.add("::/0".into(), RouteTarget::Igw(g.clone()));
                }
            }
        };
        let eigw_route = |t: &mut Table| {
            if let Some(g) = &eigw {
                t.add("::/0".into(), RouteTarget::EgressOnlyIgw(g.clone()));
            }
        };
        let private_default = if self.d.pct(k.private_default_blackhole) {
            Some(RouteTarget::Blackhole)
        } else if let Some(a) = &appliance {
            Some(RouteTarget::Eni(a.clone()))
        } else if let Some(n) = &private_nat
            && self.d.pct(50)
        {
            // A private NAT gateway cannot reach the internet; a trap.
            Some(RouteTarget::Nat(n.clone()))
        } else {
            None
        };
        let private_v6 = self.d.pct(50);
        let private = |t: &mut Table| {
            if let Some(target) = &private_default {
                t.add("0.0.0.0/0".into(), target.clone());
            }
            if private_v6 {
                eigw_route(t);
            }
        };
        let via_nat = |t: &mut Table, nat: &str| {
            t.add("0.0.0.0/0".into(), RouteTarget::Nat(nat.to_string()));
            eigw_route(t);
        };

        // (table id, routes, subnets associated explicitly)
        let mut tables: Vec<(String, Table, Vec<usize>, bool)> = Vec::new();
        if main_declared {
            tables.push((table_id("main"), main, Vec::new(), true));
        }
        if self.lim.table_per_subnet {
            for &s in &subnets {
                let sp = &self.subnets[s];
                let mut t = Table::new();
                match sp.kind {
                    Kind::Public => public(&mut t),
                    Kind::PrivateNat if !nats.is_empty() => {
                        via_nat(&mut t, &nats[sp.local % nats.len()])
                    }
                    Kind::PrivateNat | Kind::Private => private(&mut t),
                    Kind::Isolated => {}
                }
                tables.push((table_id(&sp.local.to_string()), t, vec![s], false));
            }
        } else {
            let of = |kind: Kind| -> Vec<usize> {
                subnets
                    .iter()
                    .copied()
                    .filter(|&s| self.subnets[s].kind == kind)
                    .collect()
            };
            let pubs = of(Kind::Public);
            if !pubs.is_empty() {
                let mut t = Table::new();
                public(&mut t);
                tables.push((table_id("pub"), t, pubs, false));
            }
            let mut privs = of(Kind::Private);
            let nat_subnets = of(Kind::PrivateNat);
            if nats.is_empty() {
                privs.extend(nat_subnets);
            } else {
                for (i, nat) in nats.iter().enumerate() {
                    let mut t = Table::new();
                    via_nat(&mut t, nat);
                    let mine: Vec<usize> = nat_subnets
                        .iter()
                        .copied()
                        .filter(|&s| self.subnets[s].local % nats.len() == i)
                        .collect();
                    tables.push((table_id(&format!("nat{i}")), t, mine, false));
                }
            }
            if !privs.is_empty() {
                let mut t = Table::new();
                private(&mut t);
                tables.push((table_id("priv"), t, privs, false));
            }
            // Isolated subnets use the main table, sometimes by explicit association.
            if main_declared && self.d.pct(50) {
                tables[0].2 = of(Kind::Isolated);
            }
        }

        // Shared extras: peering, transit, overlapping and blackhole routes, padding.
        let peers: Vec<(String, String)> = self.vpcs[v]
            .peers
            .iter()
            .filter(|p| p.routed)
            .map(|p| (addr::cidr(self.vpcs[p.vpc].primary, 16), p.pcx.clone()))
            .collect();
        let tgw_here = self.vpcs[v].tgw_attached;
        let mut padding_targets = vec![RouteTarget::Blackhole];
        if let Some(t) = &self.tgw
            && tgw_here
        {
            padding_targets.push(RouteTarget::TransitGateway(t.clone()));
        }
        padding_targets.extend(peers.iter().map(|(_, p)| RouteTarget::Peering(p.clone())));
        padding_targets.extend(nats.iter().map(|n| RouteTarget::Nat(n.clone())));
        padding_targets.extend(appliance.iter().map(|a| RouteTarget::Eni(a.clone())));
        padding_targets.extend(igw.iter().map(|g| RouteTarget::Igw(g.clone())));

        for (_, t, _, _) in &mut tables {
            for (dest, pcx) in &peers {
                if !self.d.pct(k.peering_route_missing) {
                    t.add(dest.clone(), RouteTarget::Peering(pcx.clone()));
                }
            }
            if let Some(tgw) = &self.tgw {
                let route = if tgw_here {
                    self.d.pct(80)
                } else {
                    self.d.pct(k.tgw_unattached_route)
                };
                if route {
                    // Wider than the peering routes above: longest prefix decides.
                    t.add(
                        "10.0.0.0/8".into(),
                        RouteTarget::TransitGateway(tgw.clone()),
                    );
                    if self.d.pct(30) {
                        t.add(
                            "172.16.0.0/12".into(),
                            RouteTarget::TransitGateway(tgw.clone()),
                        );
                    }
                }
            }
            if self.d.pct(k.overlap) {
                if let Some((dest, pcx)) = peers.first() {
                    // A peer's block through the peering, all of 10/8 elsewhere.
                    t.add(dest.clone(), RouteTarget::Peering(pcx.clone()));
                    t.add("10.0.0.0/8".into(), RouteTarget::Blackhole);
                } else if let Some(n) = nats.first() {
                    t.add("192.168.0.0/16".into(), RouteTarget::Nat(n.clone()));
                    t.add("192.168.10.0/24".into(), RouteTarget::Blackhole);
                }
            }
            if self.d.pct(k.blackhole) {
                match self.d.below(3) {
                    0 if !peers.is_empty() => {
                        // A more specific hole inside a peer's block.
                        let (dest, _) = self.d.pick(&peers);
                        let half = dest.replacen(".0.0/16", ".128.0/17", 1);
                        t.add(half, RouteTarget::Blackhole);
                    }
                    1 => {
                        t.add("0.0.0.0/0".into(), RouteTarget::Blackhole);
                    }
                    _ => {
                        t.add("192.168.0.0/16".into(), RouteTarget::Blackhole);
                    }
                }
            }
            // Room for the two prefix-list routes gateway endpoints may add.
            let want = self.lim.routes_per_table.saturating_sub(2);
            let mut tries = 0;
            while t.routes.len() < want && tries < want * 4 {
                tries += 1;
                let r = self.d.u32();
                let target = self.d.pick(&padding_targets).clone();
                t.add(addr::padding_dest(r), target);
            }
        }

        for (id, t, assoc, is_main) in tables {
            for s in assoc {
                self.spec.subnets[s].route_table = Some(id.clone());
            }
            self.vpcs[v].tables.push(id.clone());
            self.spec.route_tables.push(RouteTableSpec {
                id,
                vpc: vid.clone(),
                main: is_main,
                routes: t.routes,
            });
        }
    }

    // ----- endpoints ------------------------------------------------------

    fn endpoint_policy(&mut self, service: &str) -> Option<EndpointPolicySpec> {
        if !self.d.pct(self.k.endpoint_policy) {
            return None;
        }
        let action = catalog::lookup(service)
            .map(|e| e.default_action.clone())
            .unwrap_or_else(|| format!("{service}:*"));
        let prefix = action.split(':').next().unwrap_or(service).to_string();
        Some(match self.d.below(3) {
            0 => EndpointPolicySpec {
                allow: Some(vec![format!("{prefix}:*")]),
                deny: Vec::new(),
            },
            // Denies exactly what a default probe does.
            1 => EndpointPolicySpec {
                allow: None,
                deny: vec![action],
            },
            _ => EndpointPolicySpec {
                allow: Some(vec![format!("{prefix}:Get*"), format!("{prefix}:List*")]),
                deny: Vec::new(),
            },
        })
    }

    fn gateway_endpoints(&mut self, v: usize) {
        for service in ["s3", "dynamodb"] {
            let supported = catalog::lookup(service).is_some_and(|e| e.gateway_endpoint);
            if !supported || !self.allowed(service) || !self.d.pct(self.k.gw_endpoint) {
                continue;
            }
            // Associated with some tables only: a subnet whose table lacks it
            // does not use it (rule 12).
            let tables: Vec<String> = self.vpcs[v]
                .tables
                .clone()
                .into_iter()
                .filter(|_| self.d.pct(self.k.gw_endpoint_table))
                .collect();
            let policy = self.endpoint_policy(service);
            self.spec.vpc_endpoints.push(VpcEndpointSpec {
                id: format!("vpce{v}-{service}-gw"),
                vpc: self.vpcs[v].id.clone(),
                service: service.to_string(),
                kind: EndpointKind::Gateway,
                route_tables: tables,
                subnets: Vec::new(),
                security_groups: Vec::new(),
                private_dns: true,
                policy,
            });
        }
    }

    fn interface_endpoints(&mut self, v: usize) {
        let cands: Vec<&'static str> = self
            .wanted
            .iter()
            .copied()
            .filter(|s| self.has_interface(s))
            .collect();
        let (lo, hi) = self.k.iface_endpoints;
        let n = self.d.range(lo, hi);
        let mut chosen = self.d.some_of(&cands, n);
        // Pollers in this VPC need Lambda and STS (and Secrets Manager) endpoints, or NAT (rule 5).
        if self.vpcs[v].broker && self.d.pct(60) {
            let mut need = vec!["lambda", "sts"];
            if self.vpcs[v].broker_secrets {
                need.push("secretsmanager");
            }
            for s in need {
                if self.allowed(s) && self.has_interface(s) && !chosen.contains(&s) {
                    chosen.push(s);
                }
            }
        }
        let plan = &self.vpcs[v];
        let inner = plan.inner_subnets();
        let (vid, dns_ok, vpce_sg) = (plan.id.clone(), plan.dns_ok, plan.groups.vpce.clone());
        for service in chosen {
            let count = self.d.range(1, 2);
            let subnets = self.d.some_of(&inner, count);
            for &s in &subnets {
                self.subnets[s].enis += 1;
            }
            let security_groups = if self.d.pct(self.k.endpoint_default_sg) {
                Vec::new()
            } else {
                vec![vpce_sg.clone()]
            };
            // Private DNS needs both VPC DNS attributes; without them it must be off.
            let private_dns = dns_ok && !self.d.pct(self.k.private_dns_off);
            let policy = self.endpoint_policy(service);
            self.spec.vpc_endpoints.push(VpcEndpointSpec {
                id: format!("vpce{v}-{service}"),
                vpc: vid.clone(),
                service: service.to_string(),
                kind: EndpointKind::Interface,
                route_tables: Vec::new(),
                subnets: subnets.iter().map(|&s| self.subnet_id(s)).collect(),
                security_groups,
                private_dns,
                policy,
            });
        }
    }

    // ----- network ACLs ---------------------------------------------------

    fn nacl_rule(
        rule: u32,
        action: RuleAction,
        protocol: Protocol,
        ports: Option<&str>,
        cidr: &str,
    ) -> NaclRuleSpec {
        NaclRuleSpec {
            rule,
            action,
            protocol,
            ports: ports.map(str::to_string),
            cidr: cidr.to_string(),
        }
    }

    fn network_acls(&mut self, v: usize) {
        use Protocol::{All, Tcp, Udp};
        use RuleAction::{Allow, Deny};
        let k = self.k;
        let (vid, vcidr, ipv6) = {
            let p = &self.vpcs[v];
            (p.id.clone(), addr::cidr(p.primary, 16), p.ipv6)
        };
        for n in 0..2 {
            if !self.d.pct(k.custom_nacl) {
                continue;
            }
            let free: Vec<usize> = self.vpcs[v]
                .subnets
                .iter()
                .copied()
                .filter(|&s| !self.subnets[s].custom_nacl)
                .collect();
            if free.is_empty() {
                break;
            }
            let count = self.d.range(1, free.len().div_ceil(2));
            let chosen = self.d.some_of(&free, count);
            let id = format!("acl{v}-{n}");

            let mut ingress = Vec::new();
            let mut egress = Vec::new();
            if self.d.pct(k.nacl_deny) {
                ingress.push(Self::nacl_rule(50, Deny, Tcp, Some("22"), "0.0.0.0/0"));
            }
            if self.d.pct(k.nacl_deny) {
                // The range of one of the external hosts.
                ingress.push(Self::nacl_rule(60, Deny, All, None, "203.0.113.0/24"));
            }
            ingress.push(Self::nacl_rule(100, Allow, All, None, &vcidr));
            ingress.push(Self::nacl_rule(110, Allow, Tcp, Some("443"), "0.0.0.0/0"));
            ingress.push(Self::nacl_rule(120, Allow, Tcp, Some("80"), "0.0.0.0/0"));
            // Return traffic (stateless, rule 17): the full ephemeral range, a
            // narrow Linux-style one that drops NAT and Lambda returns, a deny
            // in front, or nothing.
            let ephemeral = if self.d.pct(k.nacl_no_ephemeral) {
                None
            } else if self.d.pct(k.nacl_narrow_ephemeral) {
                Some("32768-60999")
            } else {
                Some("1024-65535")
            };
            if let Some(p) = ephemeral {
                ingress.push(Self::nacl_rule(130, Allow, Tcp, Some(p), "0.0.0.0/0"));
                if self.d.pct(50) {
                    ingress.push(Self::nacl_rule(140, Allow, Udp, Some(p), "0.0.0.0/0"));
                }
            }
            if self.d.pct(k.nacl_deny / 2) {
                ingress.push(Self::nacl_rule(
                    125,
                    Deny,
                    Tcp,
                    Some("1024-65535"),
                    "0.0.0.0/0",
                ));
            }
            if ipv6 {
                ingress.push(Self::nacl_rule(111, Allow, Tcp, Some("443"), "::/0"));
                if let Some(p) = ephemeral {
                    ingress.push(Self::nacl_rule(131, Allow, Tcp, Some(p), "::/0"));
                }
            }
            if self.d.pct(50) {
                egress.push(Self::nacl_rule(100, Allow, All, None, "0.0.0.0/0"));
            } else {
                // Egress spelled out: the responses to inbound clients need ephemeral ports too.
                egress.push(Self::nacl_rule(100, Allow, All, None, &vcidr));
                egress.push(Self::nacl_rule(110, Allow, Tcp, Some("443"), "0.0.0.0/0"));
                egress.push(Self::nacl_rule(120, Allow, Tcp, Some("80"), "0.0.0.0/0"));
                let ret = if self.d.pct(k.nacl_narrow_ephemeral) {
                    "32768-60999"
                } else {
                    "1024-65535"
                };
                egress.push(Self::nacl_rule(130, Allow, Tcp, Some(ret), "0.0.0.0/0"));
            }
            if ipv6 {
                egress.push(Self::nacl_rule(101, Allow, All, None, "::/0"));
            }
            for list in [&mut ingress, &mut egress] {
                let mut number = 200;
                while list.len() < self.lim.nacl_rules {
                    list.push(Self::padding_nacl_rule(&mut self.d, number));
                    number += 1;
                }
            }

            // Both ways of associating: on the subnet, or on the NACL.
            let nacl_side = self.d.pct(50);
            for &s in &chosen {
                self.subnets[s].custom_nacl = true;
                if !nacl_side {
                    self.spec.subnets[s].network_acl = Some(id.clone());
                }
            }
            self.spec.network_acls.push(NetworkAclSpec {
                id: id.clone(),
                vpc: vid.clone(),
                default: false,
                subnets: if nacl_side {
                    chosen.iter().map(|&s| self.subnet_id(s)).collect()
                } else {
                    Vec::new()
                },
                ingress,
                egress,
            });
        }
    }

    fn padding_nacl_rule(d: &mut Dice, number: u32) -> NaclRuleSpec {
        let action = if d.pct(30) {
            RuleAction::Deny
        } else {
            RuleAction::Allow
        };
        let protocol = [Protocol::Tcp, Protocol::Udp, Protocol::All][d.weighted(&[80, 15, 5])];
        let ports = protocol.has_ports().then(|| {
            let lo = d.range(1, 65000) as u16;
            let hi = lo.saturating_add(d.range(0, 500) as u16);
            format!("{lo}-{hi}")
        });
        let len = [8u8, 16, 24, 32][d.below(4)];
        let base = if d.pct(50) {
            (10 << 24) | (d.u32() & 0x00ff_ffff)
        } else {
            d.u32()
        };
        let mask = if len == 32 {
            u32::MAX
        } else {
            !(u32::MAX >> len)
        };
        NaclRuleSpec {
            rule: number,
            action,
            protocol,
            ports,
            cidr: addr::cidr(base & mask, len),
        }
    }

    // ----- functions and triggers -----------------------------------------

    /// Up to `sgs_per_eni - 1` padding groups of VPC `v`.
    fn extra_groups(&mut self, v: usize) -> Vec<String> {
        let extras = self.vpcs[v].groups.extras.clone();
        if extras.is_empty() {
            return Vec::new();
        }
        let n = self.d.range(0, self.lim.sgs_per_eni - 1);
        self.d.some_of(&extras, n)
    }

    fn functions(&mut self) {
        let k = self.k;
        let mut global: [Vec<usize>; 4] = Default::default();
        for (g, s) in self.subnets.iter().enumerate() {
            global[s.kind as usize].push(g);
        }
        for f in 0..self.opts.functions {
            let mut w = k.fn_placement;
            for (i, kind) in KINDS.iter().enumerate() {
                if global[*kind as usize].is_empty() {
                    w[i + 1] = 0;
                }
            }
            if w.iter().all(|x| *x == 0) {
                w[0] = 1;
            }
            let place = self.d.weighted(&w);
            let vpc = if place == 0 {
                None
            } else {
                let first = *self.d.pick(&global[place - 1]);
                let v = self.subnets[first].vpc;
                let mut subs = vec![first];
                let all = &self.vpcs[v].subnets;
                if all.len() > 1 && self.d.pct(k.fn_two_subnets) {
                    let other = *self.d.pick(all);
                    if other != first {
                        subs.push(other);
                    }
                }
                for &s in &subs {
                    self.subnets[s].enis += 1;
                }
                let security_groups = if self.d.pct(k.default_sg_resource) {
                    Vec::new()
                } else {
                    let mut g = vec![self.vpcs[v].groups.func.clone()];
                    g.extend(self.extra_groups(v));
                    g
                };
                let dual =
                    subs.iter().all(|&s| self.subnets[s].ipv6) && self.d.pct(k.fn_dual_stack);
                Some(FunctionVpcSpec {
                    subnets: subs.iter().map(|&s| self.subnet_id(s)).collect(),
                    security_groups,
                    ipv6_dual_stack: dual,
                })
            };
            self.spec.functions.push(FunctionSpec {
                id: format!("fn{f}"),
                vpc,
                policy: None,
            });
        }
        self.fn_principals = vec![Vec::new(); self.opts.functions];
    }

    fn triggers(&mut self) {
        const ALL: [TriggerSource; 11] = [
            TriggerSource::Sqs,
            TriggerSource::Kinesis,
            TriggerSource::DynamoDbStreams,
            TriggerSource::Msk,
            TriggerSource::SelfManagedKafka,
            TriggerSource::AmazonMq,
            TriggerSource::DocumentDb,
            TriggerSource::EventBridge,
            TriggerSource::Sns,
            TriggerSource::S3,
            TriggerSource::ApiGateway,
        ];
        let k = self.k;
        let nf = self.opts.functions;
        if nf == 0 {
            return;
        }
        let has_vpcs = !self.vpcs.is_empty();
        let mut kinds: Vec<TriggerSource> = ALL
            .into_iter()
            .filter(|t| self.allowed(t.service_id()) && (has_vpcs || !t.polls_in_vpc()))
            .collect();
        if kinds.is_empty() {
            return;
        }
        // A shuffled cycle through every kind, so that each appears.
        self.d.shuffle(&mut kinds);
        let n = (nf * k.triggers_per_10_fns).div_ceil(10);
        for t in 0..n {
            let source = kinds[t % kinds.len()];
            let f = self.d.below(nf);
            let mut spec = TriggerSpec {
                id: Some(format!("tr{t}")),
                source,
                function: format!("fn{f}"),
                subnets: Vec::new(),
                security_groups: Vec::new(),
                port: None,
                mode: PollerMode::OnDemand,
                secrets_manager: false,
            };
            if source.polls_in_vpc() {
                let v = self.d.below(self.vpcs.len());
                let inner = self.vpcs[v].inner_subnets();
                let count = self.d.range(1, 2);
                spec.subnets = self
                    .d
                    .some_of(&inner, count)
                    .into_iter()
                    .map(|s| self.subnet_id(s))
                    .collect();
                spec.security_groups = vec![self.vpcs[v].groups.broker.clone()];
                if self.d.pct(20) {
                    spec.security_groups.push(self.vpcs[v].groups.func.clone());
                }
                if self.d.pct(k.custom_port) {
                    spec.port = Some(match source {
                        TriggerSource::Msk => *self.d.pick(&[9096, 9094]),
                        TriggerSource::SelfManagedKafka => *self.d.pick(&[9093, 9094]),
                        TriggerSource::AmazonMq => 61617,
                        _ => 27018,
                    });
                }
                spec.secrets_manager = self.d.pct(40);
                self.vpcs[v].broker = true;
                self.vpcs[v].broker_secrets |= spec.secrets_manager;
            }
            if (source.polls_in_vpc() || source.polls_in_aws()) && self.d.pct(k.provisioned) {
                spec.mode = PollerMode::Provisioned;
            }
            if let Some(e) = catalog::lookup(source.service_id()) {
                self.fn_principals[f].push(e.principal.as_str());
            }
            self.spec.triggers.push(spec);
        }
    }

    fn function_policies(&mut self) {
        let k = self.k;
        for f in 0..self.opts.functions {
            if !self.d.pct(k.fn_policy) {
                continue;
            }
            let mut allow: Vec<String> = Vec::new();
            let mut push = |s: String| {
                if !allow.contains(&s) {
                    allow.push(s);
                }
            };
            for p in self.fn_principals[f].clone() {
                // Leaving out a trigger's principal blocks that trigger.
                if !self.d.pct(k.policy_omits_trigger) {
                    push(p.to_string());
                }
            }
            if self.d.pct(40) {
                push("events.amazonaws.com".into());
            }
            if !self.spec.resources.is_empty() && self.d.pct(50) {
                let r = self.d.below(self.spec.resources.len());
                push(self.spec.resources[r].id.clone());
            }
            if self.d.pct(30) {
                push(format!("fn{}", self.d.below(self.opts.functions)));
            }
            if self.d.pct(10) {
                push("*".into());
            }
            self.spec.functions[f].policy = Some(InvokePolicySpec { allow });
        }
    }

    // ----- resources and hosts --------------------------------------------

    fn resources(&mut self) {
        if self.subnets.is_empty() {
            return;
        }
        let n = match self.opts.eni_target {
            Some(target) => {
                let so_far: usize = self.subnets.iter().map(|s| s.enis).sum();
                target.saturating_sub(so_far)
            }
            None => self.opts.instances,
        };
        for _ in 0..n {
            let s = self.d.below(self.subnets.len());
            self.resource(s);
        }
    }

    fn resource(&mut self, s: usize) {
        let k = self.k;
        let (v, local, kind, ipv6) = {
            let p = &self.subnets[s];
            (p.vpc, p.local, p.kind, p.ipv6)
        };
        #[derive(Clone, Copy, PartialEq)]
        enum Role {
            Web,
            App,
            Db,
            Cache,
            Generic,
        }
        let role = match kind {
            Kind::Public => [Role::Web, Role::Generic][self.d.weighted(&[80, 20])],
            Kind::PrivateNat | Kind::Private => {
                [Role::App, Role::Generic, Role::Db][self.d.weighted(&[70, 10, 20])]
            }
            Kind::Isolated => [Role::Db, Role::Cache, Role::App][self.d.weighted(&[50, 30, 20])],
        };
        let (prefix, rkind) = match role {
            Role::Web | Role::App => ("i", ResourceKind::Ec2),
            Role::Db => ("db", ResourceKind::Rds),
            Role::Cache => ("cache", ResourceKind::ElastiCache),
            Role::Generic => ("r", ResourceKind::Resource),
        };
        let n = self.subnets[s].resources;
        self.subnets[s].resources += 1;
        self.subnets[s].enis += 1;
        let id = format!("{prefix}{v}-{local}-{n}");

        let listen: Vec<String> = match role {
            Role::Web => {
                let mut l = vec!["tcp/443".to_string(), "tcp/80".to_string()];
                if self.d.pct(30) {
                    l.push("icmp".into());
                }
                l
            }
            Role::App => {
                let mut l = vec![
                    if self.d.pct(70) {
                        "tcp/8080"
                    } else {
                        "tcp/8000-8080"
                    }
                    .to_string(),
                ];
                if self.d.pct(40) {
                    l.push("tcp/22".into());
                }
                l
            }
            Role::Db => vec![
                if self.d.pct(60) {
                    "tcp/5432"
                } else {
                    "tcp/3306"
                }
                .to_string(),
            ],
            Role::Cache => vec!["tcp/6379".to_string()],
            Role::Generic => match self.d.below(3) {
                0 => vec!["udp/53".to_string(), "tcp/53".to_string()],
                1 => vec!["tcp/9000-9100".to_string()],
                _ => Vec::new(),
            },
        };
        let public = if kind == Kind::Public {
            self.d.pct(k.public_ip_public)
        } else {
            self.d.pct(k.public_ip_private)
        };
        let public_ip = public.then(|| {
            self.public_ips += 1;
            addr::public_ip(self.public_ips - 1)
        });
        let security_groups = if self.d.pct(k.default_sg_resource) {
            Vec::new()
        } else {
            let g = &self.vpcs[v].groups;
            let main = match role {
                Role::Web => g.web.clone(),
                Role::App | Role::Generic => g.app.clone(),
                Role::Db | Role::Cache => g.db.clone(),
            };
            let mut list = vec![main];
            if self.lim.sgs_per_eni >= 2 && role == Role::Web && self.d.pct(30) {
                list.push(g.app.clone());
            }
            for x in self.extra_groups(v) {
                if list.len() < self.lim.sgs_per_eni {
                    list.push(x);
                }
            }
            list
        };
        let ipv6_ip =
            (ipv6 && self.d.pct(30)).then(|| addr::subnet_v6_host(v, local, 0x100 + n as u32));
        if self.d.pct(k.explicit_ip) {
            let slot = self.subnets[s].explicit;
            self.subnets[s].explicit += 1;
            self.explicit_ips.push((self.spec.resources.len(), s, slot));
        }
        self.spec.resources.push(ResourceSpec {
            id,
            kind: rkind,
            subnet: self.subnet_id(s),
            private_ip: None,
            public_ip,
            ipv6_ip,
            security_groups,
            listen,
            forwarding: false,
        });
    }

    fn external_hosts(&mut self) {
        let n = self.k.external_hosts + self.opts.eni_target.unwrap_or(0) / 5000;
        for h in 0..n {
            let listen = match self.d.below(4) {
                0 => vec!["tcp/443"],
                1 => vec!["tcp/443", "tcp/22", "icmp"],
                2 => vec!["udp/53", "tcp/53"],
                _ => Vec::new(),
            };
            self.spec.external_hosts.push(ExternalHostSpec {
                id: format!("ext{h}"),
                ip: addr::external_ip(h),
                hostname: None,
                listen: listen.into_iter().map(str::to_string).collect(),
            });
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
