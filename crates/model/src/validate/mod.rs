//! Validation: [`ScenarioSpec`] → [`Scenario`], collecting every error at once.
//!
//! All ids share one namespace (as AWS resource ids do), so a probe's
//! `--from`/`--to` never has to guess which kind an id names.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::catalog;
use crate::error::{Diagnostic, Problem, Severity, ValidationErrors};
use crate::net::PortRange;
use crate::scenario::*;
use crate::spec::*;

mod address;
pub use address::non_public_block;
mod aliases;
mod compute;
mod expect;
mod filters;
mod hostname;
mod identity;

pub use identity::policy_account;
mod missing;
mod network;
mod routes;
mod transit;
mod triggers;
mod warnings;

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
                account: None,
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
        // Services (the catalog's and those the scenario declares, listed
        // first) share the namespace of probe ids.
        if let Some(s) = self.service.get(id) {
            let other = if self.out.services[s.ix()].in_catalog {
                "the catalog service of that name"
            } else {
                "the service of that name declared in `services`"
            };
            self.err(
                path(list, id, "id"),
                id,
                Problem::DuplicateId {
                    id: id.into(),
                    other: other.into(),
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

    /// The passes, in order: each may use what the ones before it checked.
    /// The comment on each group names the file that holds it.
    fn run(&mut self) {
        let spec = self.spec;
        // network.rs: ids and the network skeleton.
        self.services();
        self.vpcs();
        self.vpc_children();
        self.subnets();
        self.defaults();
        self.peerings_and_tgws_ids();
        // compute.rs: things placed in subnets. Explicit addresses first, so
        // auto-assigned ones (NAT gateways, endpoints, functions) never take
        // an address a resource asked for.
        self.reserve_explicit_ips();
        self.nat_gateways();
        self.endpoints();
        self.resources();
        self.functions();
        // routes.rs and filters.rs: what refers to the entities above.
        self.routes();
        self.security_group_rules();
        self.nacl_rules();
        self.transit_gateways();
        // triggers.rs, hostname.rs, aliases.rs, identity.rs, expect.rs, missing.rs.
        self.triggers();
        self.external_hosts();
        self.aliases();
        self.identities();
        self.expectations(spec);
        self.missing();
        // warnings.rs: only on a scenario without errors.
        if !self.diags.any_error() {
            self.warnings();
        }
    }
}
