//! Validation: [`ScenarioSpec`] → [`Scenario`], collecting every error at once.
//!
//! All ids share one namespace (as AWS resource ids do), so a probe's
//! `--from`/`--to` never has to guess which kind an id names.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::catalog::{self, Invokes};
use crate::edit::defaults;
use crate::error::{Diagnostic, Problem, Severity, ValidationErrors};
use crate::net::{Listener, PortRange};
use crate::probe;
use crate::scenario::*;
use crate::spec::*;

mod hostname;
mod missing;

/// A validated scenario and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Checked {
    pub scenario: Scenario,
    pub warnings: Vec<Diagnostic>,
}

/// How many errors validation describes; the rest are counted
/// ([`ValidationErrors::omitted`]). Describing an error can cost a scan of
/// the known ids, so this bounds the work a file full of mistakes makes.
pub const MAX_ERRORS: usize = 200;

/// How many candidate ids "did you mean" may score in one validation, in
/// all: past it, unknown references are reported without a suggestion.
const SUGGEST_BUDGET: usize = 1_000_000;

/// Validates a parsed scenario. Returns every error (the first
/// [`MAX_ERRORS`] described, the rest counted), not just the first.
pub fn validate(spec: &ScenarioSpec) -> Result<Checked, ValidationErrors> {
    let mut v = Validator::new(spec);
    v.run();
    let omitted = v.diags.omitted;
    let (errors, warnings): (Vec<_>, Vec<_>) = v
        .diags
        .list
        .into_iter()
        .partition(|d| d.severity() == Severity::Error);
    if errors.is_empty() && omitted == 0 {
        Ok(Checked {
            scenario: v.out,
            warnings,
        })
    } else {
        Err(ValidationErrors {
            errors,
            omitted,
            warnings,
        })
    }
}

/// The diagnostics found so far, with the bounds on describing errors, and
/// the sorted candidate lists "unknown reference" messages quote (built once
/// per kind, not once per error).
#[derive(Default)]
struct Diags {
    list: Vec<Diagnostic>,
    errors: usize,
    omitted: usize,
    suggest_left: usize,
    /// kind noun → (how many ids the list was built from, the sorted ids).
    sorted: HashMap<&'static str, (usize, Vec<String>)>,
}

impl Diags {
    fn new() -> Diags {
        Diags {
            suggest_left: SUGGEST_BUDGET,
            ..Diags::default()
        }
    }

    fn push(&mut self, d: Diagnostic) {
        if d.severity() == Severity::Error {
            if self.errors >= MAX_ERRORS {
                self.omitted += 1;
                return;
            }
            self.errors += 1;
        }
        self.list.push(d);
    }

    /// True when the next error will only be counted: callers skip the
    /// work of describing it.
    fn full(&self) -> bool {
        self.errors >= MAX_ERRORS
    }

    fn any_error(&self) -> bool {
        self.errors > 0
    }

    /// An unknown reference to `id` among `names` (the ids of `kind`; `key`
    /// names that set of ids for the cache): the first known ids, how many
    /// more, and a suggestion while the budget lasts.
    fn unknown<'n>(
        &mut self,
        key: &'static str,
        kind: &'static str,
        id: &str,
        names: impl Iterator<Item = &'n str>,
        count: usize,
    ) -> Problem {
        if !matches!(self.sorted.get(key), Some((n, _)) if *n == count) {
            let mut list: Vec<String> = names.map(str::to_string).collect();
            // Declared ids in order of name; the catalog in its own order.
            if key != "service" {
                list.sort_unstable();
            }
            self.sorted.insert(key, (count, list));
        }
        let scored = self.suggest_left >= count;
        if scored {
            self.suggest_left -= count;
        }
        let list = &self.sorted[key].1;
        let suggestion = if scored {
            crate::suggest(id, list.iter().map(String::as_str))
        } else {
            None
        };
        Problem::UnknownRef {
            kind,
            id: quoted(id),
            known: list.iter().take(12).cloned().collect(),
            more: list.len().saturating_sub(12),
            suggestion,
        }
    }
}

/// An id as messages quote it: cut to [`crate::MAX_ID_LEN`] characters.
fn quoted(id: &str) -> String {
    let p = crate::prefix(id, crate::MAX_ID_LEN);
    if p.len() < id.len() {
        format!("{p}…")
    } else {
        id.to_string()
    }
}

struct Validator<'a> {
    spec: &'a ScenarioSpec,
    out: Scenario,
    diags: Diags,
    /// Every declared id → the kind that declared it (one namespace).
    ids: HashMap<&'a str, EntityKind>,
    vpc: HashMap<&'a str, VpcId>,
    subnet: HashMap<&'a str, SubnetId>,
    rt: HashMap<&'a str, RouteTableId>,
    igw: HashMap<&'a str, IgwId>,
    eigw: HashMap<&'a str, EigwId>,
    nat: HashMap<&'a str, NatId>,
    vpce: HashMap<&'a str, EndpointId>,
    sg: HashMap<&'a str, SgId>,
    nacl: HashMap<&'a str, NaclId>,
    resource: HashMap<&'a str, ResourceId>,
    function: HashMap<&'a str, FunctionId>,
    service: HashMap<String, ServiceId>,
    peering: HashMap<&'a str, PeeringId>,
    tgw: HashMap<&'a str, TgwId>,
    /// Addresses taken per subnet, for auto-assignment and duplicates.
    used_ips: HashMap<SubnetId, HashMap<Ipv4Addr, String>>,
    next_ip: HashMap<SubnetId, u32>,
}

/// Where a diagnostic points: `kind["id"].field`. The id and the field are
/// quoted short: a field can hold user text (a route's destination), and 200
/// diagnostics each echoing a 70,000-character value flood the terminal.
fn path(list: &str, id: &str, field: &str) -> String {
    let id = quoted(id);
    if field.is_empty() {
        format!("{list}[\"{id}\"]")
    } else {
        format!("{list}[\"{id}\"].{}", quoted(field))
    }
}

/// Where a diagnostic points, built only when a diagnostic is made: a
/// `String`, or [`Lazy`] to format it on demand (the million routes of a
/// large scenario would otherwise format a path each for nothing).
trait At {
    fn at(self) -> String;
}

impl At for String {
    fn at(self) -> String {
        self
    }
}

/// A path formatted only if a diagnostic needs it.
struct Lazy<F>(F);

impl<F: FnOnce() -> String> At for Lazy<F> {
    fn at(self) -> String {
        (self.0)()
    }
}

/// [`Validator::resolve`] on borrowed fields: resolving against one of the
/// validator's own maps this way needs no copy of the map (a copy per route
/// or per ENI made large scenarios quadratic).
fn resolve_in<T: Copy>(
    diags: &mut Diags,
    map: &HashMap<&str, T>,
    kind: EntityKind,
    id: &str,
    at: impl At,
    entity: &str,
) -> Option<T> {
    if let Some(x) = map.get(id) {
        return Some(*x);
    }
    if diags.full() {
        diags.omitted += 1;
        return None;
    }
    let problem = diags.unknown(kind.noun(), kind.noun(), id, map.keys().copied(), map.len());
    diags.push(Diagnostic {
        path: at.at(),
        entity: Some(entity.to_string()),
        problem,
    });
    None
}

impl<'a> Validator<'a> {
    fn new(spec: &'a ScenarioSpec) -> Self {
        Validator {
            spec,
            out: Scenario {
                name: spec.name.clone().unwrap_or_else(|| "scenario".into()),
                region: spec.region.clone(),
                vpcs: Vec::new(),
                subnets: Vec::new(),
                route_tables: Vec::new(),
                internet_gateways: Vec::new(),
                egress_only_igws: Vec::new(),
                nat_gateways: Vec::new(),
                endpoints: Vec::new(),
                security_groups: Vec::new(),
                network_acls: Vec::new(),
                enis: Vec::new(),
                resources: Vec::new(),
                functions: Vec::new(),
                services: Vec::new(),
                triggers: Vec::new(),
                external_hosts: Vec::new(),
                peerings: Vec::new(),
                transit_gateways: Vec::new(),
                expectations: Vec::new(),
                missing: Vec::new(),
            },
            diags: Diags::new(),
            ids: HashMap::new(),
            vpc: HashMap::new(),
            subnet: HashMap::new(),
            rt: HashMap::new(),
            igw: HashMap::new(),
            eigw: HashMap::new(),
            nat: HashMap::new(),
            vpce: HashMap::new(),
            sg: HashMap::new(),
            nacl: HashMap::new(),
            resource: HashMap::new(),
            function: HashMap::new(),
            service: HashMap::new(),
            peering: HashMap::new(),
            tgw: HashMap::new(),
            used_ips: HashMap::new(),
            next_ip: HashMap::new(),
        }
    }

    fn err(&mut self, path: String, entity: &str, problem: Problem) {
        self.diags.push(Diagnostic {
            path,
            entity: Some(entity.to_string()),
            problem,
        });
    }

    fn declare(&mut self, list: &str, id: &'a str, kind: EntityKind) -> bool {
        if id.is_empty() {
            self.err(
                format!("{list}[\"\"]"),
                id,
                Problem::Empty { what: "an id" },
            );
            return false;
        }
        let len = id.chars().count();
        if len > crate::MAX_ID_LEN {
            self.err(
                path(list, &quoted(id), "id"),
                id,
                Problem::IdTooLong {
                    id: quoted(id),
                    len,
                    max: crate::MAX_ID_LEN,
                },
            );
            return false;
        }
        if catalog::lookup(id).is_some() {
            self.err(
                path(list, id, "id"),
                id,
                Problem::DuplicateId {
                    id: id.into(),
                    other: "the catalog service of that name".into(),
                },
            );
            return false;
        }
        match self.ids.insert(id, kind) {
            Some(prev) => {
                self.ids.insert(id, prev);
                self.err(
                    path(list, id, "id"),
                    id,
                    Problem::DuplicateId {
                        id: id.into(),
                        other: format!("a {}", prev.noun()),
                    },
                );
                false
            }
            None => true,
        }
    }

    /// Resolves a reference, or records an unknown-reference error.
    fn resolve<T: Copy>(
        &mut self,
        map: &HashMap<&'a str, T>,
        kind: EntityKind,
        id: &str,
        at: String,
        entity: &str,
    ) -> Option<T> {
        resolve_in(&mut self.diags, map, kind, id, at, entity)
    }

    /// Records an unknown reference to an id that must name an entity of
    /// one of `kinds`, with the known ids of those kinds and a suggestion.
    fn unknown_id(
        &mut self,
        at: String,
        id: &str,
        (noun, key): (&'static str, &'static str),
        kinds: &[EntityKind],
    ) {
        if self.diags.full() {
            self.diags.omitted += 1;
            return;
        }
        let names = self
            .ids
            .iter()
            .filter(|(_, k)| kinds.contains(k))
            .map(|(n, _)| *n);
        let count = names.clone().count();
        let problem = self.diags.unknown(key, noun, id, names, count);
        self.err(at, id, problem);
    }

    fn resolve_service(&mut self, id: &str, at: String, entity: &str) -> Option<ServiceId> {
        if let Some(s) = self.service.get(id) {
            return Some(*s);
        }
        if self.diags.full() {
            self.diags.omitted += 1;
            return None;
        }
        let names = catalog::catalog().iter().map(|e| e.id.as_str());
        let count = catalog::catalog().len();
        let problem = self.diags.unknown("service", "service", id, names, count);
        self.err(at, entity, problem);
        None
    }

    fn invalid(
        &mut self,
        at: String,
        entity: &str,
        what: &'static str,
        text: &str,
        reason: String,
    ) {
        self.err(
            at,
            entity,
            Problem::Invalid {
                what,
                text: text.into(),
                reason,
            },
        );
    }

    fn parse_net(&mut self, text: &str, at: String, entity: &str) -> Option<IpNet> {
        match text.parse::<IpNet>() {
            Ok(n) if n.trunc() == n => Some(n),
            Ok(n) => {
                self.invalid(
                    at,
                    entity,
                    "cidr",
                    text,
                    format!("host bits are set; did you mean {}?", n.trunc()),
                );
                None
            }
            Err(_) => {
                self.invalid(at, entity, "cidr", text, "expected e.g. 10.0.0.0/16".into());
                None
            }
        }
    }

    fn parse_v4net(&mut self, text: &str, at: String, entity: &str) -> Option<Ipv4Net> {
        match self.parse_net(text, at.clone(), entity)? {
            IpNet::V4(n) => Some(n),
            IpNet::V6(_) => {
                self.invalid(
                    at,
                    entity,
                    "cidr",
                    text,
                    "an IPv4 block is needed here".into(),
                );
                None
            }
        }
    }

    fn parse_v6net(&mut self, text: &str, at: String, entity: &str) -> Option<Ipv6Net> {
        match self.parse_net(text, at.clone(), entity)? {
            IpNet::V6(n) => Some(n),
            IpNet::V4(_) => {
                self.invalid(
                    at,
                    entity,
                    "cidr",
                    text,
                    "an IPv6 block is needed here".into(),
                );
                None
            }
        }
    }

    fn parse_ports(&mut self, text: Option<&str>, at: String, entity: &str) -> PortRange {
        match text {
            None => PortRange::ALL,
            Some(t) => PortRange::parse(t).unwrap_or_else(|reason| {
                self.invalid(at, entity, "port range", t, reason);
                PortRange::ALL
            }),
        }
    }

    fn vpc_name(&self, v: VpcId) -> String {
        self.out.vpcs[v.ix()].name.clone()
    }

    fn same_vpc(
        &mut self,
        what: &'static str,
        id: &str,
        found: VpcId,
        expected: VpcId,
        at: impl At,
        entity: &str,
    ) -> bool {
        if found == expected {
            return true;
        }
        let (found, expected) = (self.vpc_name(found), self.vpc_name(expected));
        self.err(
            at.at(),
            entity,
            Problem::CrossVpc {
                what,
                id: id.into(),
                found,
                expected,
            },
        );
        false
    }

    fn run(&mut self) {
        let spec = self.spec;
        self.services();
        self.vpcs();
        self.vpc_children();
        self.subnets();
        self.defaults();
        self.peerings_and_tgws_ids();
        // Explicit addresses first, so auto-assigned ones (NAT gateways,
        // endpoints, functions) never take an address a resource asked for.
        self.reserve_explicit_ips();
        self.nat_gateways();
        self.endpoints();
        self.resources();
        self.functions();
        self.routes();
        self.security_group_rules();
        self.nacl_rules();
        self.transit_gateways();
        self.triggers();
        self.external_hosts();
        self.expectations(spec);
        self.missing();
        if !self.diags.any_error() {
            self.warnings();
        }
    }

    /// Every catalog service, with the scenario's overrides; `declared`
    /// marks those the scenario lists or references.
    fn services(&mut self) {
        let region = self.spec.region.clone();
        for e in catalog::catalog() {
            self.service
                .insert(e.id.clone(), ServiceId(self.out.services.len() as u32));
            self.out.services.push(Service {
                id: e.id.clone(),
                name: e.name.clone(),
                hostname: e.hostname(&region),
                endpoint_service: e.endpoint_service_name(&region),
                gateway_endpoint: e.gateway_endpoint,
                interface_endpoint: e.interface_endpoint,
                invokes: e.invokes,
                principal: e.principal.clone(),
                default_action: e.default_action.clone(),
                declared: false,
            });
        }
        let mut seen = HashSet::new();
        for (i, s) in self.spec.services.iter().enumerate() {
            let at = format!("services[{i}]");
            if !seen.insert(s.id.as_str()) {
                self.err(
                    at,
                    &s.id,
                    Problem::DuplicateId {
                        id: s.id.clone(),
                        other: "an earlier services entry".into(),
                    },
                );
                continue;
            }
            let Some(id) = self.resolve_service(&s.id, format!("{at}.id"), &s.id) else {
                continue;
            };
            let svc = &mut self.out.services[id.ix()];
            svc.declared = true;
            if let Some(g) = s.gateway_endpoint {
                svc.gateway_endpoint = g;
            }
            if let Some(x) = s.interface_endpoint {
                svc.interface_endpoint = x;
            }
            if let Some(inv) = s.invokes_lambda {
                svc.invokes = match (inv, svc.invokes) {
                    (false, _) => Invokes::None,
                    (true, Invokes::None) => Invokes::Push,
                    (true, other) => other,
                };
            }
        }
    }

    fn vpcs(&mut self) {
        let spec = self.spec;
        for v in &spec.vpcs {
            if !self.declare("vpcs", &v.id, EntityKind::Vpc) {
                continue;
            }
            let mut cidrs = Vec::new();
            if let Some(c) = self.parse_v4net(&v.cidr, path("vpcs", &v.id, "cidr"), &v.id) {
                cidrs.push(c);
            }
            for c in &v.secondary_cidrs {
                if let Some(c) = self.parse_v4net(c, path("vpcs", &v.id, "secondary_cidrs"), &v.id)
                {
                    cidrs.push(c);
                }
            }
            let ipv6_cidr = v
                .ipv6_cidr
                .as_deref()
                .and_then(|c| self.parse_v6net(c, path("vpcs", &v.id, "ipv6_cidr"), &v.id));
            self.vpc.insert(&v.id, VpcId(self.out.vpcs.len() as u32));
            self.out.vpcs.push(Vpc {
                name: v.id.clone(),
                cidrs,
                ipv6_cidr,
                dns_support: v.dns_support,
                dns_hostnames: v.dns_hostnames,
                // Filled in by `defaults`.
                main_route_table: RouteTableId(u32::MAX),
                default_nacl: NaclId(u32::MAX),
                default_sg: SgId(u32::MAX),
                internet_gateway: None,
                egress_only_igw: None,
                subnets: Vec::new(),
            });
        }
    }

    /// Entities that hang off a VPC: route tables, gateways, groups, NACLs.
    fn vpc_children(&mut self) {
        let spec = self.spec;
        let vpc_map = self.vpc.clone();
        for t in &spec.route_tables {
            let ok = self.declare("route_tables", &t.id, EntityKind::RouteTable);
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &t.vpc,
                path("route_tables", &t.id, "vpc"),
                &t.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            if t.main {
                let v = &self.out.vpcs[vpc.ix()];
                if v.main_route_table.0 != u32::MAX {
                    let (vn, a) = (
                        v.name.clone(),
                        self.out.route_tables[v.main_route_table.ix()].name.clone(),
                    );
                    self.err(
                        path("route_tables", &t.id, "main"),
                        &t.id,
                        Problem::TwoMainTables {
                            vpc: vn,
                            a,
                            b: t.id.clone(),
                        },
                    );
                } else {
                    self.out.vpcs[vpc.ix()].main_route_table =
                        RouteTableId(self.out.route_tables.len() as u32);
                }
            }
            self.rt
                .insert(&t.id, RouteTableId(self.out.route_tables.len() as u32));
            self.out.route_tables.push(RouteTable {
                name: t.id.clone(),
                vpc,
                main: t.main,
                declared: true,
                routes: Vec::new(),
            });
        }
        for g in &spec.internet_gateways {
            let ok = self.declare("internet_gateways", &g.id, EntityKind::InternetGateway);
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &g.vpc,
                path("internet_gateways", &g.id, "vpc"),
                &g.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let id = IgwId(self.out.internet_gateways.len() as u32);
            if let Some(prev) = self.out.vpcs[vpc.ix()].internet_gateway {
                let (vn, a) = (
                    self.vpc_name(vpc),
                    self.out.internet_gateways[prev.ix()].name.clone(),
                );
                self.err(
                    path("internet_gateways", &g.id, "vpc"),
                    &g.id,
                    Problem::TwoInternetGateways {
                        vpc: vn,
                        a,
                        b: g.id.clone(),
                    },
                );
            } else {
                self.out.vpcs[vpc.ix()].internet_gateway = Some(id);
            }
            self.igw.insert(&g.id, id);
            self.out.internet_gateways.push(InternetGateway {
                name: g.id.clone(),
                vpc,
            });
        }
        for g in &spec.egress_only_internet_gateways {
            let ok = self.declare(
                "egress_only_internet_gateways",
                &g.id,
                EntityKind::EgressOnlyIgw,
            );
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &g.vpc,
                path("egress_only_internet_gateways", &g.id, "vpc"),
                &g.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let id = EigwId(self.out.egress_only_igws.len() as u32);
            self.out.vpcs[vpc.ix()].egress_only_igw.get_or_insert(id);
            self.eigw.insert(&g.id, id);
            self.out.egress_only_igws.push(EgressOnlyIgw {
                name: g.id.clone(),
                vpc,
            });
        }
        for g in &spec.security_groups {
            let ok = self.declare("security_groups", &g.id, EntityKind::SecurityGroup);
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &g.vpc,
                path("security_groups", &g.id, "vpc"),
                &g.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let id = SgId(self.out.security_groups.len() as u32);
            if g.default {
                let cur = self.out.vpcs[vpc.ix()].default_sg;
                if cur.0 != u32::MAX {
                    let (vn, a) = (
                        self.vpc_name(vpc),
                        self.out.security_groups[cur.ix()].name.clone(),
                    );
                    self.err(
                        path("security_groups", &g.id, "default"),
                        &g.id,
                        Problem::TwoDefaults {
                            vpc: vn,
                            what: "security groups",
                            a,
                            b: g.id.clone(),
                        },
                    );
                } else {
                    self.out.vpcs[vpc.ix()].default_sg = id;
                }
            }
            self.sg.insert(&g.id, id);
            self.out.security_groups.push(SecurityGroup {
                name: g.id.clone(),
                vpc,
                declared: true,
                ingress: Vec::new(),
                egress: Vec::new(),
            });
        }
        for n in &spec.network_acls {
            let ok = self.declare("network_acls", &n.id, EntityKind::NetworkAcl);
            let Some(vpc) = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &n.vpc,
                path("network_acls", &n.id, "vpc"),
                &n.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let id = NaclId(self.out.network_acls.len() as u32);
            if n.default {
                let cur = self.out.vpcs[vpc.ix()].default_nacl;
                if cur.0 != u32::MAX {
                    let (vn, a) = (
                        self.vpc_name(vpc),
                        self.out.network_acls[cur.ix()].name.clone(),
                    );
                    self.err(
                        path("network_acls", &n.id, "default"),
                        &n.id,
                        Problem::TwoDefaults {
                            vpc: vn,
                            what: "network acls",
                            a,
                            b: n.id.clone(),
                        },
                    );
                } else {
                    self.out.vpcs[vpc.ix()].default_nacl = id;
                }
            }
            self.nacl.insert(&n.id, id);
            self.out.network_acls.push(NetworkAcl {
                name: n.id.clone(),
                vpc,
                declared: true,
                ingress: Vec::new(),
                egress: Vec::new(),
            });
        }
    }

    /// Main route table, default NACL (allow all) and default security group
    /// (ingress from itself, all egress) for VPCs that declare none: what
    /// AWS creates with every VPC (Amazon VPC user guide, "Route tables",
    /// "Default network ACL", "Default security groups").
    fn defaults(&mut self) {
        for vi in 0..self.out.vpcs.len() {
            let vpc = VpcId(vi as u32);
            let name = self.out.vpcs[vi].name.clone();
            // A VPC with an IPv6 block also gets the IPv6 twins of the default
            // "allow all" rules: NACL rule 101 for ::/0 and a ::/0 outbound
            // rule in the default group ("Default network ACL", "Default
            // security groups" in the Amazon VPC user guide).
            let ipv6 = self.out.vpcs[vi].ipv6_cidr.is_some();
            if self.out.vpcs[vi].main_route_table.0 == u32::MAX {
                self.out.vpcs[vi].main_route_table =
                    RouteTableId(self.out.route_tables.len() as u32);
                self.out.route_tables.push(RouteTable {
                    name: defaults::main_route_table_name(&name),
                    vpc,
                    main: true,
                    declared: false,
                    routes: Vec::new(),
                });
            }
            if self.out.vpcs[vi].default_nacl.0 == u32::MAX {
                self.out.vpcs[vi].default_nacl = NaclId(self.out.network_acls.len() as u32);
                let rules = defaults::default_nacl_rules(ipv6);
                self.out.network_acls.push(NetworkAcl {
                    name: defaults::default_nacl_name(&name),
                    vpc,
                    declared: false,
                    ingress: rules.clone(),
                    egress: rules,
                });
            }
            if self.out.vpcs[vi].default_sg.0 == u32::MAX {
                let id = SgId(self.out.security_groups.len() as u32);
                self.out.vpcs[vi].default_sg = id;
                self.out.security_groups.push(SecurityGroup {
                    name: defaults::default_sg_name(&name),
                    vpc,
                    declared: false,
                    ingress: defaults::default_sg_ingress(id),
                    egress: defaults::default_sg_egress(ipv6),
                });
            }
        }
        // Subnets without an explicit association use the main table / default NACL.
        for si in 0..self.out.subnets.len() {
            let v = self.out.subnets[si].vpc;
            if self.out.subnets[si].route_table.0 == u32::MAX {
                self.out.subnets[si].route_table = self.out.vpcs[v.ix()].main_route_table;
            }
            if self.out.subnets[si].network_acl.0 == u32::MAX {
                self.out.subnets[si].network_acl = self.out.vpcs[v.ix()].default_nacl;
            }
        }
    }

    fn subnets(&mut self) {
        let spec = self.spec;
        let (vpc_map, rt_map, nacl_map) = (self.vpc.clone(), self.rt.clone(), self.nacl.clone());
        // NACL-side associations, checked against subnet-side ones.
        let mut nacl_assoc: HashMap<&str, &str> = HashMap::new();
        for n in &spec.network_acls {
            for s in &n.subnets {
                if let Some(prev) = nacl_assoc.insert(s, &n.id)
                    && prev != n.id
                {
                    self.err(
                        path("network_acls", &n.id, "subnets"),
                        &n.id,
                        Problem::ConflictingNacl {
                            subnet: s.clone(),
                            a: prev.into(),
                            b: n.id.clone(),
                        },
                    );
                }
            }
        }
        for s in &spec.subnets {
            let ok = self.declare("subnets", &s.id, EntityKind::Subnet);
            let vpc = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &s.vpc,
                path("subnets", &s.id, "vpc"),
                &s.id,
            );
            let cidr = self.parse_v4net(&s.cidr, path("subnets", &s.id, "cidr"), &s.id);
            let ipv6 = s
                .ipv6_cidr
                .as_deref()
                .and_then(|c| self.parse_v6net(c, path("subnets", &s.id, "ipv6_cidr"), &s.id));
            let (Some(vpc), Some(cidr), true) = (vpc, cidr, ok) else {
                continue;
            };
            let v = &self.out.vpcs[vpc.ix()];
            if !v.cidrs.iter().any(|c| c.contains(&cidr)) {
                let vpc_cidrs = v
                    .cidrs
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.err(
                    path("subnets", &s.id, "cidr"),
                    &s.id,
                    Problem::SubnetOutsideVpc {
                        cidr: cidr.to_string(),
                        vpc: v.name.clone(),
                        vpc_cidrs,
                    },
                );
            }
            let mut route_table = RouteTableId(u32::MAX);
            if let Some(rt) = &s.route_table
                && let Some(r) = self.resolve(
                    &rt_map,
                    EntityKind::RouteTable,
                    rt,
                    path("subnets", &s.id, "route_table"),
                    &s.id,
                )
                && self.same_vpc(
                    "route table",
                    rt,
                    self.out.route_tables[r.ix()].vpc,
                    vpc,
                    path("subnets", &s.id, "route_table"),
                    &s.id,
                )
            {
                route_table = r;
            }
            let mut network_acl = NaclId(u32::MAX);
            let nacl_name = match (s.network_acl.as_deref(), nacl_assoc.get(s.id.as_str())) {
                (Some(a), Some(b)) if a != *b => {
                    self.err(
                        path("subnets", &s.id, "network_acl"),
                        &s.id,
                        Problem::ConflictingNacl {
                            subnet: s.id.clone(),
                            a: a.into(),
                            b: b.to_string(),
                        },
                    );
                    None
                }
                (Some(a), _) => Some(a),
                (None, b) => b.copied(),
            };
            if let Some(n) = nacl_name
                && let Some(r) = self.resolve(
                    &nacl_map,
                    EntityKind::NetworkAcl,
                    n,
                    path("subnets", &s.id, "network_acl"),
                    &s.id,
                )
                && self.same_vpc(
                    "network acl",
                    n,
                    self.out.network_acls[r.ix()].vpc,
                    vpc,
                    path("subnets", &s.id, "network_acl"),
                    &s.id,
                )
            {
                network_acl = r;
            }
            let id = SubnetId(self.out.subnets.len() as u32);
            self.subnet.insert(&s.id, id);
            self.out.vpcs[vpc.ix()].subnets.push(id);
            let az = match s.az.as_deref() {
                None => format!("{}a", self.spec.region),
                Some(a) if a.len() <= 2 => format!("{}{a}", self.spec.region),
                Some(a) => a.to_string(),
            };
            self.out.subnets.push(Subnet {
                name: s.id.clone(),
                vpc,
                cidr,
                ipv6_cidr: ipv6,
                az,
                route_table,
                network_acl,
            });
        }
        // Unknown subnets named by NACL associations.
        let subnet_map = self.subnet.clone();
        for n in &spec.network_acls {
            for s in &n.subnets {
                self.resolve(
                    &subnet_map,
                    EntityKind::Subnet,
                    s,
                    path("network_acls", &n.id, "subnets"),
                    &n.id,
                );
            }
        }
        // Overlaps, per VPC: sort by network address, compare neighbours.
        let mut by_vpc: HashMap<VpcId, Vec<SubnetId>> = HashMap::new();
        for (i, s) in self.out.subnets.iter().enumerate() {
            by_vpc.entry(s.vpc).or_default().push(SubnetId(i as u32));
        }
        let mut vpcs: Vec<_> = by_vpc.into_iter().collect();
        vpcs.sort_by_key(|(v, _)| *v);
        for (_, mut list) in vpcs {
            list.sort_by_key(|s| {
                (
                    self.out.subnets[s.ix()].cidr.network(),
                    self.out.subnets[s.ix()].cidr.prefix_len(),
                )
            });
            let mut widest: Option<SubnetId> = None;
            for s in list {
                let cur = &self.out.subnets[s.ix()];
                if let Some(w) = widest {
                    let prev = &self.out.subnets[w.ix()];
                    if prev.cidr.contains(&cur.cidr.network()) {
                        let (id, other, other_cidr, cidr) = (
                            cur.name.clone(),
                            prev.name.clone(),
                            prev.cidr.to_string(),
                            cur.cidr.to_string(),
                        );
                        self.err(
                            path("subnets", &id, "cidr"),
                            &id,
                            Problem::OverlappingSubnets {
                                cidr,
                                other,
                                other_cidr,
                            },
                        );
                        continue;
                    }
                }
                widest = Some(s);
            }
        }
    }

    fn peerings_and_tgws_ids(&mut self) {
        let spec = self.spec;
        let vpc_map = self.vpc.clone();
        for p in &spec.peering_connections {
            let ok = self.declare("peering_connections", &p.id, EntityKind::Peering);
            let a = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &p.requester,
                path("peering_connections", &p.id, "requester"),
                &p.id,
            );
            let b = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &p.accepter,
                path("peering_connections", &p.id, "accepter"),
                &p.id,
            );
            let (Some(a), Some(b), true) = (a, b, ok) else {
                continue;
            };
            if a == b {
                self.err(
                    path("peering_connections", &p.id, "accepter"),
                    &p.id,
                    Problem::SelfPeering {
                        vpc: p.accepter.clone(),
                    },
                );
                continue;
            }
            self.peering
                .insert(&p.id, PeeringId(self.out.peerings.len() as u32));
            self.out.peerings.push(Peering {
                name: p.id.clone(),
                requester: a,
                accepter: b,
            });
        }
        for t in &spec.transit_gateways {
            if !self.declare("transit_gateways", &t.id, EntityKind::TransitGateway) {
                continue;
            }
            self.tgw
                .insert(&t.id, TgwId(self.out.transit_gateways.len() as u32));
            self.out.transit_gateways.push(TransitGateway {
                name: t.id.clone(),
                attachments: Vec::new(),
                routes: Vec::new(),
            });
        }
    }

    fn take_ip(&mut self, subnet: SubnetId, ip: Ipv4Addr, owner: &str, at: String) -> bool {
        let s = &self.out.subnets[subnet.ix()];
        let (name, cidr) = (s.name.clone(), s.cidr);
        if !cidr.contains(&ip) {
            self.err(
                at,
                owner,
                Problem::IpOutsideSubnet {
                    ip: ip.to_string(),
                    subnet: name,
                    cidr: cidr.to_string(),
                },
            );
            return false;
        }
        // AWS reserves the first four addresses and the last one of every subnet.
        let off = u32::from(ip) - u32::from(cidr.network());
        if off < 4 || ip == cidr.broadcast() {
            self.err(
                at,
                owner,
                Problem::IpReserved {
                    ip: ip.to_string(),
                    subnet: name,
                },
            );
            return false;
        }
        let used = self.used_ips.entry(subnet).or_default();
        if let Some(other) = used.get(&ip) {
            let other = other.clone();
            self.err(
                at,
                owner,
                Problem::DuplicateIp {
                    ip: ip.to_string(),
                    other,
                },
            );
            return false;
        }
        used.insert(ip, owner.to_string());
        true
    }

    /// The next free address of a subnet, skipping reserved and taken ones.
    fn auto_ip(&mut self, subnet: SubnetId, owner: &str, at: String) -> Ipv4Addr {
        let s = &self.out.subnets[subnet.ix()];
        let (base, last, name, cidr) = (
            u32::from(s.cidr.network()),
            u32::from(s.cidr.broadcast()),
            s.name.clone(),
            s.cidr,
        );
        let next = self.next_ip.entry(subnet).or_insert(4);
        let used = self.used_ips.entry(subnet).or_default();
        loop {
            let cand = base.saturating_add(*next);
            if cand >= last {
                self.err(
                    at,
                    owner,
                    Problem::SubnetFull {
                        subnet: name,
                        cidr: cidr.to_string(),
                    },
                );
                return Ipv4Addr::from(base);
            }
            *next += 1;
            let ip = Ipv4Addr::from(cand);
            if let Entry::Vacant(e) = used.entry(ip) {
                e.insert(owner.to_string());
                return ip;
            }
        }
    }

    fn reserve_explicit_ips(&mut self) {
        let spec = self.spec;
        let subnet_map = self.subnet.clone();
        for r in &spec.resources {
            if let (Some(ip), Some(s)) = (&r.private_ip, subnet_map.get(r.subnet.as_str())) {
                match ip.parse::<Ipv4Addr>() {
                    Ok(a) => {
                        self.take_ip(*s, a, &r.id, path("resources", &r.id, "private_ip"));
                    }
                    Err(_) => self.invalid(
                        path("resources", &r.id, "private_ip"),
                        &r.id,
                        "ipv4 address",
                        ip,
                        "expected e.g. 10.0.1.10".into(),
                    ),
                }
            }
        }
    }

    fn sg_list(&mut self, names: &[String], vpc: VpcId, list: &str, id: &str) -> Vec<SgId> {
        let mut out = Vec::new();
        for n in names {
            if let Some(g) = resolve_in(
                &mut self.diags,
                &self.sg,
                EntityKind::SecurityGroup,
                n,
                Lazy(|| path(list, id, "security_groups")),
                id,
            ) && self.same_vpc(
                "security group",
                n,
                self.out.security_groups[g.ix()].vpc,
                vpc,
                Lazy(|| path(list, id, "security_groups")),
                id,
            ) {
                out.push(g);
            }
        }
        if names.is_empty() {
            out.push(self.out.vpcs[vpc.ix()].default_sg);
        }
        out
    }

    fn push_eni(&mut self, eni: Eni) -> EniId {
        self.out.enis.push(eni);
        EniId(self.out.enis.len() as u32 - 1)
    }

    fn nat_gateways(&mut self) {
        let spec = self.spec;
        let subnet_map = self.subnet.clone();
        for n in &spec.nat_gateways {
            let ok = self.declare("nat_gateways", &n.id, EntityKind::NatGateway);
            let Some(subnet) = self.resolve(
                &subnet_map,
                EntityKind::Subnet,
                &n.subnet,
                path("nat_gateways", &n.id, "subnet"),
                &n.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let public = n.connectivity == NatConnectivity::Public;
            let elastic_ip = match (&n.elastic_ip, public) {
                (None, true) => {
                    self.err(
                        path("nat_gateways", &n.id, "elastic_ip"),
                        &n.id,
                        Problem::NatWithoutElasticIp,
                    );
                    None
                }
                (Some(_), false) => {
                    self.err(
                        path("nat_gateways", &n.id, "elastic_ip"),
                        &n.id,
                        Problem::PrivateNatWithElasticIp,
                    );
                    None
                }
                (Some(ip), true) => match ip.parse::<Ipv4Addr>() {
                    Ok(a) => Some(a),
                    Err(_) => {
                        self.invalid(
                            path("nat_gateways", &n.id, "elastic_ip"),
                            &n.id,
                            "ipv4 address",
                            ip,
                            "expected e.g. 52.1.2.3".into(),
                        );
                        None
                    }
                },
                (None, false) => None,
            };
            let id = NatId(self.out.nat_gateways.len() as u32);
            let private_ip = self.auto_ip(subnet, &n.id, path("nat_gateways", &n.id, "subnet"));
            let eni = self.push_eni(Eni {
                owner: EniOwner::Nat(id),
                subnet,
                private_ip,
                public_ip: elastic_ip,
                ipv6: None,
                security_groups: Vec::new(),
            });
            self.nat.insert(&n.id, id);
            self.out.nat_gateways.push(NatGateway {
                name: n.id.clone(),
                subnet,
                public,
                elastic_ip,
                eni,
            });
        }
    }

    fn endpoints(&mut self) {
        let spec = self.spec;
        let (vpc_map, rt_map, subnet_map) =
            (self.vpc.clone(), self.rt.clone(), self.subnet.clone());
        for e in &spec.vpc_endpoints {
            let ok = self.declare("vpc_endpoints", &e.id, EntityKind::VpcEndpoint);
            let vpc = self.resolve(
                &vpc_map,
                EntityKind::Vpc,
                &e.vpc,
                path("vpc_endpoints", &e.id, "vpc"),
                &e.id,
            );
            let service =
                self.resolve_service(&e.service, path("vpc_endpoints", &e.id, "service"), &e.id);
            let (Some(vpc), Some(service), true) = (vpc, service, ok) else {
                continue;
            };
            self.out.services[service.ix()].declared = true;
            let svc = &self.out.services[service.ix()];
            let supported = match e.kind {
                EndpointKind::Gateway => svc.gateway_endpoint,
                EndpointKind::Interface => svc.interface_endpoint,
            };
            if !supported {
                let kind = if e.kind == EndpointKind::Gateway {
                    "gateway"
                } else {
                    "interface"
                };
                self.err(
                    path("vpc_endpoints", &e.id, "kind"),
                    &e.id,
                    Problem::NoSuchEndpointKind {
                        service: e.service.clone(),
                        kind,
                    },
                );
            }
            let id = EndpointId(self.out.endpoints.len() as u32);
            let mut route_tables = Vec::new();
            let mut subnets = Vec::new();
            let mut security_groups = Vec::new();
            let mut enis = Vec::new();
            match e.kind {
                EndpointKind::Gateway => {
                    for t in &e.route_tables {
                        if let Some(r) = self.resolve(
                            &rt_map,
                            EntityKind::RouteTable,
                            t,
                            path("vpc_endpoints", &e.id, "route_tables"),
                            &e.id,
                        ) && self.same_vpc(
                            "route table",
                            t,
                            self.out.route_tables[r.ix()].vpc,
                            vpc,
                            path("vpc_endpoints", &e.id, "route_tables"),
                            &e.id,
                        ) {
                            route_tables.push(r);
                        }
                    }
                }
                EndpointKind::Interface => {
                    let v = &self.out.vpcs[vpc.ix()];
                    // AWS refuses private DNS unless both VPC DNS attributes are on
                    // (PrivateLink guide, "DNS hostnames" / "Private DNS").
                    if e.private_dns && !(v.dns_support && v.dns_hostnames) {
                        let vn = v.name.clone();
                        self.err(
                            path("vpc_endpoints", &e.id, "private_dns"),
                            &e.id,
                            Problem::PrivateDnsNeedsVpcDns { vpc: vn },
                        );
                    }
                    if e.subnets.is_empty() {
                        self.err(
                            path("vpc_endpoints", &e.id, "subnets"),
                            &e.id,
                            Problem::Empty {
                                what: "an interface endpoint's subnets",
                            },
                        );
                    }
                    security_groups = self.sg_list(&e.security_groups, vpc, "vpc_endpoints", &e.id);
                    for s in &e.subnets {
                        if let Some(sub) = self.resolve(
                            &subnet_map,
                            EntityKind::Subnet,
                            s,
                            path("vpc_endpoints", &e.id, "subnets"),
                            &e.id,
                        ) && self.same_vpc(
                            "subnet",
                            s,
                            self.out.subnets[sub.ix()].vpc,
                            vpc,
                            path("vpc_endpoints", &e.id, "subnets"),
                            &e.id,
                        ) {
                            subnets.push(sub);
                            let ip =
                                self.auto_ip(sub, &e.id, path("vpc_endpoints", &e.id, "subnets"));
                            let eni = self.push_eni(Eni {
                                owner: EniOwner::Endpoint(id),
                                subnet: sub,
                                private_ip: ip,
                                public_ip: None,
                                ipv6: None,
                                security_groups: security_groups.clone(),
                            });
                            enis.push(eni);
                        }
                    }
                }
            }
            let policy = e
                .policy
                .as_ref()
                .map(|p| EndpointPolicy {
                    allow: p.allow.clone(),
                    deny: p.deny.clone(),
                })
                .unwrap_or_default();
            self.vpce.insert(&e.id, id);
            self.out.endpoints.push(VpcEndpoint {
                name: e.id.clone(),
                vpc,
                service,
                kind: e.kind,
                route_tables,
                subnets,
                security_groups,
                private_dns: e.private_dns && e.kind == EndpointKind::Interface,
                policy,
                enis,
            });
        }
    }

    fn resources(&mut self) {
        let spec = self.spec;
        let subnet_map = self.subnet.clone();
        for r in &spec.resources {
            let ok = self.declare("resources", &r.id, EntityKind::Resource);
            let Some(subnet) = self.resolve(
                &subnet_map,
                EntityKind::Subnet,
                &r.subnet,
                path("resources", &r.id, "subnet"),
                &r.id,
            ) else {
                continue;
            };
            if !ok {
                continue;
            }
            let vpc = self.out.subnets[subnet.ix()].vpc;
            let private_ip = match r.private_ip.as_deref().map(str::parse::<Ipv4Addr>) {
                Some(Ok(a)) => a,
                Some(Err(_)) => Ipv4Addr::UNSPECIFIED,
                None => self.auto_ip(subnet, &r.id, path("resources", &r.id, "subnet")),
            };
            let public_ip = r
                .public_ip
                .as_deref()
                .and_then(|ip| match ip.parse::<Ipv4Addr>() {
                    Ok(a) => Some(a),
                    Err(_) => {
                        self.invalid(
                            path("resources", &r.id, "public_ip"),
                            &r.id,
                            "ipv4 address",
                            ip,
                            "expected e.g. 54.1.2.3".into(),
                        );
                        None
                    }
                });
            let ipv6 = r
                .ipv6_ip
                .as_deref()
                .and_then(|ip| match ip.parse::<Ipv6Addr>() {
                    Ok(a) => Some(a),
                    Err(_) => {
                        self.invalid(
                            path("resources", &r.id, "ipv6_ip"),
                            &r.id,
                            "ipv6 address",
                            ip,
                            "expected e.g. 2600:1f18::10".into(),
                        );
                        None
                    }
                });
            let security_groups = self.sg_list(&r.security_groups, vpc, "resources", &r.id);
            let listen = self.listeners(&r.listen, path("resources", &r.id, "listen"), &r.id);
            let id = ResourceId(self.out.resources.len() as u32);
            let eni = self.push_eni(Eni {
                owner: EniOwner::Resource(id),
                subnet,
                private_ip,
                public_ip,
                ipv6,
                security_groups,
            });
            self.resource.insert(&r.id, id);
            self.out.resources.push(Resource {
                name: r.id.clone(),
                kind: r.kind,
                eni,
                listen,
                forwarding: r.forwarding,
            });
        }
    }

    fn listeners(&mut self, list: &[String], at: String, entity: &str) -> Vec<Listener> {
        let mut out = Vec::new();
        for l in list {
            match Listener::parse(l) {
                Ok(x) => out.push(x),
                Err(reason) => self.invalid(at.clone(), entity, "listener", l, reason),
            }
        }
        out
    }

    fn functions(&mut self) {
        let spec = self.spec;
        let subnet_map = self.subnet.clone();
        for f in &spec.functions {
            if !self.declare("functions", &f.id, EntityKind::Function) {
                continue;
            }
            let id = FunctionId(self.out.functions.len() as u32);
            let mut vpc_cfg = None;
            if let Some(cfg) = &f.vpc {
                if cfg.subnets.is_empty() {
                    self.err(
                        path("functions", &f.id, "vpc.subnets"),
                        &f.id,
                        Problem::Empty {
                            what: "a function's vpc subnets",
                        },
                    );
                }
                let mut subnets = Vec::new();
                let mut vpc: Option<VpcId> = None;
                for s in &cfg.subnets {
                    let Some(sub) = self.resolve(
                        &subnet_map,
                        EntityKind::Subnet,
                        s,
                        path("functions", &f.id, "vpc.subnets"),
                        &f.id,
                    ) else {
                        continue;
                    };
                    let sv = self.out.subnets[sub.ix()].vpc;
                    match vpc {
                        Some(v) if v != sv => {
                            let (a, b) = (self.vpc_name(v), self.vpc_name(sv));
                            self.err(
                                path("functions", &f.id, "vpc.subnets"),
                                &f.id,
                                Problem::FunctionMixesVpcs { a, b },
                            );
                        }
                        _ => {
                            vpc = Some(sv);
                            subnets.push(sub);
                        }
                    }
                }
                if let Some(v) = vpc {
                    let security_groups = self.sg_list(&cfg.security_groups, v, "functions", &f.id);
                    let mut enis = Vec::new();
                    for &sub in &subnets {
                        let ip = self.auto_ip(sub, &f.id, path("functions", &f.id, "vpc.subnets"));
                        let s = &self.out.subnets[sub.ix()];
                        // Dual-stack functions get an IPv6 address in dual-stack subnets (rule 8, docs/aws-rules.md).
                        let ipv6 = match (cfg.ipv6_dual_stack, s.ipv6_cidr) {
                            (true, Some(net)) => Some(Ipv6Addr::from(
                                u128::from(net.network())
                                    + u128::from(u32::from(ip) - u32::from(s.cidr.network())),
                            )),
                            _ => None,
                        };
                        // Hyperplane ENIs never get a public IP (rule 1, docs/aws-rules.md).
                        enis.push(self.push_eni(Eni {
                            owner: EniOwner::Function(id),
                            subnet: sub,
                            private_ip: ip,
                            public_ip: None,
                            ipv6,
                            security_groups: security_groups.clone(),
                        }));
                    }
                    vpc_cfg = Some(FunctionVpc {
                        vpc: v,
                        subnets,
                        security_groups,
                        ipv6_dual_stack: cfg.ipv6_dual_stack,
                        enis,
                    });
                }
            }
            self.function.insert(&f.id, id);
            self.out.functions.push(Function {
                name: f.id.clone(),
                vpc: vpc_cfg,
                policy: f.policy.as_ref().map(|p| p.allow.clone()),
            });
        }
        // Principals are checked once every resource and function is known.
        for f in &spec.functions {
            let Some(p) = &f.policy else { continue };
            for who in &p.allow {
                let known = who == "*"
                    || who.ends_with(".amazonaws.com")
                    || self.resource.contains_key(who.as_str())
                    || self.function.contains_key(who.as_str());
                if !known {
                    self.invalid(
                        path("functions", &f.id, "policy.allow"),
                        &f.id,
                        "principal",
                        who,
                        "expected \"*\", a service principal such as \"events.amazonaws.com\", or the id of a resource or function".into(),
                    );
                }
            }
        }
    }

    fn route_target(
        &mut self,
        t: &RouteTarget,
        vpc: VpcId,
        at: &dyn Fn() -> String,
        entity: &str,
    ) -> Option<Target> {
        Some(match t {
            RouteTarget::Local => Target::Local,
            RouteTarget::Blackhole => Target::Blackhole,
            RouteTarget::Igw(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.igw,
                    EntityKind::InternetGateway,
                    n,
                    Lazy(at),
                    entity,
                )?;
                self.same_vpc(
                    "internet gateway",
                    n,
                    self.out.internet_gateways[g.ix()].vpc,
                    vpc,
                    Lazy(at),
                    entity,
                )
                .then_some(Target::Igw(g))?
            }
            RouteTarget::EgressOnlyIgw(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.eigw,
                    EntityKind::EgressOnlyIgw,
                    n,
                    Lazy(at),
                    entity,
                )?;
                self.same_vpc(
                    "egress-only internet gateway",
                    n,
                    self.out.egress_only_igws[g.ix()].vpc,
                    vpc,
                    Lazy(at),
                    entity,
                )
                .then_some(Target::EgressOnlyIgw(g))?
            }
            RouteTarget::Nat(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.nat,
                    EntityKind::NatGateway,
                    n,
                    Lazy(at),
                    entity,
                )?;
                let gv = self.out.subnets[self.out.nat_gateways[g.ix()].subnet.ix()].vpc;
                self.same_vpc("nat gateway", n, gv, vpc, Lazy(at), entity)
                    .then_some(Target::Nat(g))?
            }
            RouteTarget::Endpoint(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.vpce,
                    EntityKind::VpcEndpoint,
                    n,
                    Lazy(at),
                    entity,
                )?;
                self.same_vpc(
                    "vpc endpoint",
                    n,
                    self.out.endpoints[g.ix()].vpc,
                    vpc,
                    Lazy(at),
                    entity,
                )
                .then_some(Target::Endpoint(g))?
            }
            RouteTarget::Peering(n) => {
                let g = resolve_in(
                    &mut self.diags,
                    &self.peering,
                    EntityKind::Peering,
                    n,
                    Lazy(at),
                    entity,
                )?;
                if self.out.peerings[g.ix()].other(vpc).is_none() {
                    let p = &self.out.peerings[g.ix()];
                    let (found, expected) = (
                        format!(
                            "{} <-> {}",
                            self.vpc_name(p.requester),
                            self.vpc_name(p.accepter)
                        ),
                        self.vpc_name(vpc),
                    );
                    self.err(
                        at(),
                        entity,
                        Problem::CrossVpc {
                            what: "peering connection",
                            id: n.clone(),
                            found,
                            expected,
                        },
                    );
                    return None;
                }
                Target::Peering(g)
            }
            RouteTarget::TransitGateway(n) => Target::TransitGateway(resolve_in(
                &mut self.diags,
                &self.tgw,
                EntityKind::TransitGateway,
                n,
                Lazy(at),
                entity,
            )?),
            RouteTarget::Eni(n) => {
                let r = resolve_in(
                    &mut self.diags,
                    &self.resource,
                    EntityKind::Resource,
                    n,
                    Lazy(at),
                    entity,
                )?;
                let eni = self.out.resources[r.ix()].eni;
                let ev = self.out.subnets[self.out.enis[eni.ix()].subnet.ix()].vpc;
                self.same_vpc("resource", n, ev, vpc, Lazy(at), entity)
                    .then_some(Target::Eni(eni))?
            }
        })
    }

    fn routes(&mut self) {
        let spec = self.spec;
        // Implicit local routes first (rule 9, docs/aws-rules.md: they cover the VPC's CIDRs).
        for t in &mut self.out.route_tables {
            let v = &self.out.vpcs[t.vpc.ix()];
            for c in &v.cidrs {
                t.routes.push(Route {
                    dest: RouteDest::Cidr(IpNet::V4(*c)),
                    target: Target::Local,
                    origin: RouteOrigin::Local,
                });
            }
            if let Some(c) = v.ipv6_cidr {
                t.routes.push(Route {
                    dest: RouteDest::Cidr(IpNet::V6(c)),
                    target: Target::Local,
                    origin: RouteOrigin::Local,
                });
            }
        }
        for t in &spec.route_tables {
            let Some(&rt) = self.rt.get(t.id.as_str()) else {
                continue;
            };
            let vpc = self.out.route_tables[rt.ix()].vpc;
            let mut seen: HashSet<&str> = HashSet::with_capacity(t.routes.len());
            for r in &t.routes {
                let at = || path("route_tables", &t.id, &format!("routes[{}]", r.dest));
                let dest = if let Some(svc) = r.dest.strip_prefix("pl:") {
                    match self.service.get(svc) {
                        Some(s) => RouteDest::PrefixList(*s),
                        None => {
                            self.resolve_service(svc, at(), &t.id);
                            continue;
                        }
                    }
                } else {
                    // Valid CIDRs need no path; invalid ones get parse_net's message.
                    match r.dest.parse::<IpNet>() {
                        Ok(n) if n.trunc() == n => RouteDest::Cidr(n),
                        _ => match self.parse_net(&r.dest, at(), &t.id) {
                            Some(n) => RouteDest::Cidr(n),
                            None => continue,
                        },
                    }
                };
                if !seen.insert(r.dest.as_str()) {
                    self.err(
                        at(),
                        &t.id,
                        Problem::DuplicateRoute {
                            dest: r.dest.clone(),
                        },
                    );
                }
                let Some(target) = self.route_target(&r.target, vpc, &at, &t.id) else {
                    continue;
                };
                // Family rules: egress-only IGWs carry IPv6 only, NAT gateways IPv4 only.
                let need = match (target, dest) {
                    (Target::EgressOnlyIgw(_), RouteDest::Cidr(IpNet::V4(_))) => Some(6),
                    (Target::Nat(_), RouteDest::Cidr(IpNet::V6(_))) => Some(4),
                    _ => None,
                };
                if let Some(need) = need {
                    self.err(
                        at(),
                        &t.id,
                        Problem::RouteFamily {
                            dest: r.dest.clone(),
                            target: format!("{:?}", r.target),
                            need,
                        },
                    );
                    continue;
                }
                self.out.route_tables[rt.ix()].routes.push(Route {
                    dest,
                    target,
                    origin: RouteOrigin::Declared,
                });
            }
        }
        // Gateway endpoints add their prefix-list route to each associated table (rule 12, docs/aws-rules.md).
        for (i, e) in self.out.endpoints.iter().enumerate() {
            if e.kind != EndpointKind::Gateway {
                continue;
            }
            for rt in &e.route_tables {
                let routes = &mut self.out.route_tables[rt.ix()].routes;
                let dest = RouteDest::PrefixList(e.service);
                if !routes.iter().any(|r| r.dest == dest) {
                    routes.push(Route {
                        dest,
                        target: Target::Endpoint(EndpointId(i as u32)),
                        origin: RouteOrigin::GatewayEndpoint,
                    });
                }
            }
        }
    }

    fn sg_rules(&mut self, rules: &[SgRuleSpec], field: &str, id: &str, vpc: VpcId) -> Vec<SgRule> {
        let sg_map = self.sg.clone();
        let mut out = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let at = path("security_groups", id, &format!("{field}[{i}]"));
            let found = r.cidr.is_some() as usize
                + r.sg.is_some() as usize
                + r.prefix_list.is_some() as usize;
            if found != 1 {
                self.err(at, id, Problem::RulePeer { found });
                continue;
            }
            let ports = if r.protocol.has_ports() {
                self.parse_ports(r.ports.as_deref(), at.clone(), id)
            } else {
                PortRange::ALL
            };
            let peer = if let Some(c) = &r.cidr {
                match self.parse_net(c, at.clone(), id) {
                    Some(n) => SgPeer::Cidr(n),
                    None => continue,
                }
            } else if let Some(g) = &r.sg {
                let Some(g2) = self.resolve(&sg_map, EntityKind::SecurityGroup, g, at.clone(), id)
                else {
                    continue;
                };
                let gv = self.out.security_groups[g2.ix()].vpc;
                // Rules may reference groups in a peered VPC (Amazon VPC peering guide).
                let peered = self.out.peerings.iter().any(|p| p.other(vpc) == Some(gv));
                if gv != vpc && !peered {
                    self.same_vpc("security group", g, gv, vpc, at, id);
                    continue;
                }
                SgPeer::Sg(g2)
            } else {
                let svc = r.prefix_list.as_deref().unwrap_or_default();
                match self.resolve_service(svc, at.clone(), id) {
                    Some(s) => SgPeer::PrefixList(s),
                    None => continue,
                }
            };
            out.push(SgRule {
                protocol: r.protocol,
                ports,
                peer,
            });
        }
        out
    }

    fn security_group_rules(&mut self) {
        let spec = self.spec;
        for g in &spec.security_groups {
            let Some(&id) = self.sg.get(g.id.as_str()) else {
                continue;
            };
            let vpc = self.out.security_groups[id.ix()].vpc;
            let ingress = self.sg_rules(&g.ingress, "ingress", &g.id, vpc);
            // No egress list: AWS's default "allow all outbound" rule (rule 16, docs/aws-rules.md).
            let egress = match &g.egress {
                None => vec![SgRule {
                    protocol: Protocol::All,
                    ports: PortRange::ALL,
                    peer: SgPeer::Cidr("0.0.0.0/0".parse().unwrap()),
                }],
                Some(list) => self.sg_rules(list, "egress", &g.id, vpc),
            };
            let sg = &mut self.out.security_groups[id.ix()];
            sg.ingress = ingress;
            sg.egress = egress;
        }
    }

    fn nacl_rules(&mut self) {
        let spec = self.spec;
        for n in &spec.network_acls {
            let Some(&id) = self.nacl.get(n.id.as_str()) else {
                continue;
            };
            for (dir, rules) in [("ingress", &n.ingress), ("egress", &n.egress)] {
                let mut out: Vec<NaclRule> = Vec::new();
                let mut numbers = HashSet::new();
                for r in rules {
                    let at = path("network_acls", &n.id, &format!("{dir}[rule {}]", r.rule));
                    if !(1..=32766).contains(&r.rule) {
                        self.err(
                            at.clone(),
                            &n.id,
                            Problem::NaclRuleNumber { number: r.rule },
                        );
                    }
                    if !numbers.insert(r.rule) {
                        self.err(
                            at.clone(),
                            &n.id,
                            Problem::DuplicateNaclRule {
                                number: r.rule,
                                direction: dir,
                            },
                        );
                        continue;
                    }
                    let ports = if r.protocol.has_ports() {
                        self.parse_ports(r.ports.as_deref(), at.clone(), &n.id)
                    } else {
                        PortRange::ALL
                    };
                    let Some(cidr) = self.parse_net(&r.cidr, at, &n.id) else {
                        continue;
                    };
                    out.push(NaclRule {
                        number: r.rule,
                        action: r.action,
                        protocol: r.protocol,
                        ports,
                        cidr,
                    });
                }
                // Ascending rule number, first match wins (rule 17, docs/aws-rules.md).
                out.sort_by_key(|r| r.number);
                let acl = &mut self.out.network_acls[id.ix()];
                if dir == "ingress" {
                    acl.ingress = out;
                } else {
                    acl.egress = out;
                }
            }
        }
    }

    fn transit_gateways(&mut self) {
        let spec = self.spec;
        let (vpc_map, subnet_map) = (self.vpc.clone(), self.subnet.clone());
        for t in &spec.transit_gateways {
            let Some(&id) = self.tgw.get(t.id.as_str()) else {
                continue;
            };
            let mut attachments = Vec::new();
            for a in &t.attachments {
                let Some(vpc) = self.resolve(
                    &vpc_map,
                    EntityKind::Vpc,
                    &a.vpc,
                    path("transit_gateways", &t.id, "attachments"),
                    &t.id,
                ) else {
                    continue;
                };
                let mut subnets = Vec::new();
                for s in &a.subnets {
                    if let Some(sub) = self.resolve(
                        &subnet_map,
                        EntityKind::Subnet,
                        s,
                        path("transit_gateways", &t.id, "attachments"),
                        &t.id,
                    ) && self.same_vpc(
                        "subnet",
                        s,
                        self.out.subnets[sub.ix()].vpc,
                        vpc,
                        path("transit_gateways", &t.id, "attachments"),
                        &t.id,
                    ) {
                        subnets.push(sub);
                    }
                }
                attachments.push(TgwAttachment { vpc, subnets });
            }
            let mut routes = Vec::new();
            if t.routes.is_empty() {
                // Default route table: every attachment propagates its VPC CIDRs.
                for a in &attachments {
                    for c in &self.out.vpcs[a.vpc.ix()].cidrs {
                        routes.push((IpNet::V4(*c), Some(a.vpc)));
                    }
                }
            }
            for r in &t.routes {
                let at = path("transit_gateways", &t.id, &format!("routes[{}]", r.dest));
                let Some(dest) = self.parse_net(&r.dest, at.clone(), &t.id) else {
                    continue;
                };
                let vpc = match &r.vpc {
                    None => None,
                    Some(v) => match self.resolve(&vpc_map, EntityKind::Vpc, v, at, &t.id) {
                        Some(v) => Some(v),
                        None => continue,
                    },
                };
                routes.push((dest, vpc));
            }
            let tg = &mut self.out.transit_gateways[id.ix()];
            tg.attachments = attachments;
            tg.routes = routes;
        }
    }

    fn triggers(&mut self) {
        let spec = self.spec;
        let (fn_map, subnet_map) = (self.function.clone(), self.subnet.clone());
        let mut default_names = HashSet::new();
        for (i, t) in spec.triggers.iter().enumerate() {
            let name =
                t.id.clone()
                    .unwrap_or_else(|| format!("{}->{}", t.source.service_id(), t.function));
            let list_at = format!("triggers[{i}]");
            // Unnamed triggers are known by `<service>-><function>`; two of
            // them with the same source and function would be indistinguishable.
            if t.id.is_none() && !default_names.insert(name.clone()) {
                self.err(
                    list_at.clone(),
                    &name,
                    Problem::DuplicateId {
                        id: name.clone(),
                        other:
                            "another trigger with the same source and function; give each an `id`"
                                .into(),
                    },
                );
                continue;
            }
            if t.id.is_some()
                && !self.declare(
                    "triggers",
                    t.id.as_deref().unwrap_or_default(),
                    EntityKind::Trigger,
                )
            {
                continue;
            }
            let Some(function) = self.resolve(
                &fn_map,
                EntityKind::Function,
                &t.function,
                format!("{list_at}.function"),
                &name,
            ) else {
                continue;
            };
            let Some(service) = self.service.get(t.source.service_id()).copied() else {
                continue;
            };
            self.out.services[service.ix()].declared = true;
            let mut subnets = Vec::new();
            let mut security_groups = Vec::new();
            if t.source.polls_in_vpc() {
                if t.subnets.is_empty() || t.security_groups.is_empty() {
                    self.err(
                        format!("{list_at}.subnets"),
                        &name,
                        Problem::TriggerNeedsVpc {
                            source_kind: format!("{:?}", t.source),
                        },
                    );
                }
                let mut vpc: Option<VpcId> = None;
                for s in &t.subnets {
                    if let Some(sub) = self.resolve(
                        &subnet_map,
                        EntityKind::Subnet,
                        s,
                        format!("{list_at}.subnets"),
                        &name,
                    ) {
                        let sv = self.out.subnets[sub.ix()].vpc;
                        if let Some(v) = vpc
                            && !self.same_vpc(
                                "subnet",
                                s,
                                sv,
                                v,
                                format!("{list_at}.subnets"),
                                &name,
                            )
                        {
                            continue;
                        }
                        vpc = Some(sv);
                        subnets.push(sub);
                    }
                }
                if let Some(v) = vpc
                    && !t.security_groups.is_empty()
                {
                    security_groups = self.sg_list(&t.security_groups, v, "triggers", &name);
                }
            }
            self.out.triggers.push(Trigger {
                name,
                source: t.source,
                service,
                function,
                subnets,
                security_groups,
                port: t.port.unwrap_or(t.source.default_port()),
                mode: t.mode,
                secrets_manager: t.secrets_manager,
            });
        }
    }

    fn external_hosts(&mut self) {
        let spec = self.spec;
        for h in &spec.external_hosts {
            if !self.declare("external_hosts", &h.id, EntityKind::ExternalHost) {
                continue;
            }
            let ip = match h.ip.parse::<IpAddr>() {
                Ok(ip) => ip,
                Err(_) => {
                    self.invalid(
                        path("external_hosts", &h.id, "ip"),
                        &h.id,
                        "ip address",
                        &h.ip,
                        "expected e.g. 203.0.113.10".into(),
                    );
                    continue;
                }
            };
            let listen = self.listeners(&h.listen, path("external_hosts", &h.id, "listen"), &h.id);
            let hostname = h.hostname.as_deref().and_then(|name| {
                self.hostname(name, &h.id, path("external_hosts", &h.id, "hostname"))
            });
            self.out.external_hosts.push(ExternalHost {
                name: h.id.clone(),
                ip,
                hostname,
                listen,
            });
        }
    }

    fn expectations(&mut self, spec: &ScenarioSpec) {
        // What a probe can name: functions, resources, hosts, triggers,
        // catalog services, `internet`, or an address.
        let probe_kinds = [
            EntityKind::Function,
            EntityKind::Resource,
            EntityKind::ExternalHost,
            EntityKind::Trigger,
        ];
        let default_triggers: HashSet<String> =
            self.out.triggers.iter().map(|t| t.name.clone()).collect();
        for (i, e) in spec.expect.iter().enumerate() {
            for (field, id) in [("from", &e.from), ("to", &e.to)] {
                let known = self
                    .ids
                    .get(id.as_str())
                    .is_some_and(|k| probe_kinds.contains(k))
                    || default_triggers.contains(id)
                    || catalog::lookup(id).is_some()
                    || id == "internet"
                    || id.parse::<IpAddr>().is_ok()
                    || self.names_a_host(id);
                if !known {
                    if self.diags.full() {
                        self.diags.omitted += 1;
                        continue;
                    }
                    // Probe endpoints, then the catalog's services (in
                    // catalog order) for the suggestion only.
                    let mut ids: Vec<&str> = self
                        .ids
                        .iter()
                        .filter(|(_, k)| probe_kinds.contains(k))
                        .map(|(n, _)| *n)
                        .collect();
                    ids.sort_unstable();
                    let suggestion = crate::suggest(
                        id,
                        ids.iter()
                            .copied()
                            .chain(catalog::catalog().iter().map(|c| c.id.as_str())),
                    );
                    self.err(
                        format!("expect[{i}].{field}"),
                        id,
                        Problem::UnknownRef {
                            kind: "probe endpoint",
                            id: quoted(id),
                            known: ids.iter().take(12).map(|s| s.to_string()).collect(),
                            more: ids.len().saturating_sub(12),
                            suggestion,
                        },
                    );
                }
            }
        }
        // What `check` will run: the probe must mean something (the same
        // definition the engine applies, `probe::meaning`), else validation
        // would pass a file that `check` cannot run.
        for (i, e) in spec.expect.iter().enumerate() {
            let (Some(from), Some(to)) = (
                probe::resolve(&self.out, &e.from),
                probe::resolve(&self.out, &e.to),
            ) else {
                continue; // reported above
            };
            let ask = probe::Ask {
                kind: None,
                protocol: e.protocol,
                port: e.port,
            };
            if let Err(r) = probe::meaning(&self.out, from, to, ask, None) {
                self.diags.push(Diagnostic {
                    path: format!("expect[{i}]"),
                    entity: None,
                    problem: Problem::ProbeRefused {
                        from: e.from.clone(),
                        to: e.to.clone(),
                        reason: r.to_string(),
                    },
                });
            }
        }
        for e in &spec.expect {
            self.out.expectations.push(Expectation {
                from: e.from.clone(),
                to: e.to.clone(),
                port: e.port,
                protocol: e.protocol,
                expect: e.expect,
                code: e.code.clone(),
                note: e.note.clone(),
            });
        }
    }

    /// Legal but suspicious configurations.
    fn warnings(&mut self) {
        let mut found = Vec::new();
        // Once per subnet, not per resource: a table can hold 1,000 routes.
        let public: Vec<bool> = (0..self.out.subnets.len())
            .map(|s| self.out.is_public_subnet(SubnetId(s as u32)))
            .collect();
        let is_public = |s: SubnetId| public[s.ix()];
        for n in &self.out.nat_gateways {
            if n.public && !is_public(n.subnet) {
                found.push((
                    path("nat_gateways", &n.name, "subnet"),
                    n.name.clone(),
                    Problem::NatWithoutInternetRoute {
                        nat: n.name.clone(),
                        subnet: self.out.subnets[n.subnet.ix()].name.clone(),
                    },
                ));
            }
        }
        for r in &self.out.resources {
            let eni = &self.out.enis[r.eni.ix()];
            let public = is_public(eni.subnet);
            let subnet = self.out.subnets[eni.subnet.ix()].name.clone();
            if eni.public_ip.is_some() && !public {
                found.push((
                    path("resources", &r.name, "public_ip"),
                    r.name.clone(),
                    Problem::PublicIpInPrivateSubnet {
                        id: r.name.clone(),
                        subnet,
                    },
                ));
            } else if eni.public_ip.is_none() && public {
                found.push((
                    path("resources", &r.name, "public_ip"),
                    r.name.clone(),
                    Problem::NoPublicIpInPublicSubnet {
                        id: r.name.clone(),
                        subnet,
                    },
                ));
            }
        }
        for f in &self.out.functions {
            let Some(v) = &f.vpc else { continue };
            if let Some(s) = v.subnets.iter().find(|s| is_public(**s)) {
                found.push((
                    path("functions", &f.name, "vpc.subnets"),
                    f.name.clone(),
                    Problem::FunctionInPublicSubnet {
                        function: f.name.clone(),
                        subnet: self.out.subnets[s.ix()].name.clone(),
                    },
                ));
            }
        }
        for e in &self.out.endpoints {
            if e.kind == EndpointKind::Gateway && e.route_tables.is_empty() {
                found.push((
                    path("vpc_endpoints", &e.name, "route_tables"),
                    e.name.clone(),
                    Problem::GatewayEndpointUnused { id: e.name.clone() },
                ));
            }
        }
        for (p, id, problem) in found {
            self.err(p, &id, problem);
        }
    }
}
