//! The compiled scenario: indices built once so a probe is a walk over
//! integers (route tables as per-prefix-length sorted arrays, ENIs by
//! address, endpoints by VPC and service).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use awsreach_model::net::Protocol;
use awsreach_model::spec::EndpointKind;
use awsreach_model::*;

use crate::trace::CallKind;

mod addr;
mod lpm;

pub(crate) use addr::may_hold_public;
pub use addr::{Addr, ShowAddr};
pub(crate) use lpm::Lpm;

/// A probe endpoint, resolved from a scenario id (what a probe means is
/// defined once, in `awsreach_model::probe`).
pub use awsreach_model::probe::Node;

/// A resolved question: can `from` reach `to` with this protocol and port?
///
/// Built only by the engine ([`Engine::probe`], [`Engine::probe_nodes`]),
/// which checks that the endpoints and the call kind fit together, so the
/// walk never meets a probe it cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Probe {
    pub(crate) from: Node,
    /// The source as the user named it (`from` is the ENI's owner when a
    /// literal address names an ENI): what the trace calls it.
    pub(crate) named_from: Node,
    pub(crate) to: Node,
    pub(crate) kind: CallKind,
    pub(crate) protocol: Protocol,
    pub(crate) port: u16,
    /// IAM action for endpoint policies; default: the service's default action.
    pub(crate) action: Option<String>,
    /// A flow over IPv6.
    pub(crate) ipv6: bool,
    /// A service call: the index of the hostname it calls in the service's
    /// `hostnames` (0, the regional name, unless `--host` or the
    /// destination named another).
    pub(crate) host: u16,
    /// A flow to an external host named by its hostname (or known by it
    /// only): the source resolves the name first.
    pub(crate) by_name: bool,
}

impl Probe {
    pub fn from(&self) -> Node {
        self.from
    }

    /// The source as the user named it (an address an ENI holds, say,
    /// where [`Probe::from`] is that ENI's owner).
    pub fn named_from(&self) -> Node {
        self.named_from
    }

    pub fn to(&self) -> Node {
        self.to
    }

    pub fn kind(&self) -> CallKind {
        self.kind
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the flow goes over IPv6.
    pub fn ipv6(&self) -> bool {
        self.ipv6
    }

    /// The IAM action given for endpoint policies, if any.
    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }

    /// A service call's hostname, as an index into the service's
    /// `hostnames` (0: the regional name).
    pub fn host(&self) -> u16 {
        self.host
    }
}

/// Options a user may give a probe; absent ones follow from the endpoints.
#[derive(Debug, Clone, Default)]
pub struct ProbeOptions {
    pub port: Option<u16>,
    pub protocol: Option<Protocol>,
    pub kind: Option<CallKind>,
    pub action: Option<String>,
    /// Ask the flow over IPv6 (`--ip-version 6`).
    pub ipv6: bool,
    /// The hostname a service call uses (`--host`); absent, the regional
    /// one, or the one the destination was named by.
    pub host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    #[error("unknown id `{id}`")]
    UnknownId {
        id: String,
        /// The closest id or `name` of the scenario.
        suggestion: Option<String>,
        /// The suggestion's other name: the `name` of a suggested id, or
        /// the id of a suggested `name`.
        known_as: Option<String>,
    },
    #[error("cannot trace from `{from}` to `{to}`: {reason}")]
    Unsupported {
        from: String,
        to: String,
        reason: String,
    },
}

impl ProbeError {
    pub fn hint(&self) -> Option<String> {
        match self {
            ProbeError::UnknownId {
                suggestion: Some(s),
                known_as,
                ..
            } => Some(format!(
                "did you mean `{s}`{}? ids are functions, resources, external hosts, triggers, catalog services, `internet`, or an ip address",
                known_as
                    .as_ref()
                    .map(|k| format!(" ({k})"))
                    .unwrap_or_default()
            )),
            ProbeError::UnknownId { .. } => Some(
                "ids are functions, resources, external hosts, triggers, catalog services (`awsreach services`), `internet`, or an ip address".into(),
            ),
            ProbeError::Unsupported { .. } => None,
        }
    }
}

/// The call a probe between two nodes makes when the user names none, or
/// why the pair cannot be traced.
pub(crate) fn natural_kind(
    from: Node,
    to: Node,
) -> Result<CallKind, awsreach_model::probe::Refusal> {
    awsreach_model::probe::natural_kind(from, to)
}

/// A scenario compiled for tracing.
#[derive(Debug)]
pub struct Engine {
    pub(crate) sc: Scenario,
    pub(crate) lpm: Vec<Lpm>,
    pub(crate) eni_by_ip: HashMap<(VpcId, Ipv4Addr), EniId>,
    pub(crate) eni_by_public: HashMap<Ipv4Addr, EniId>,
    /// ENIs by IPv6 address (globally unique, rule 24).
    pub(crate) eni_by_ipv6: HashMap<Ipv6Addr, EniId>,
    pub(crate) host_by_ip: HashMap<IpAddr, HostId>,
    /// Interface endpoints per (vpc, service).
    pub(crate) iface_eps: HashMap<(VpcId, ServiceId), Vec<EndpointId>>,
    /// Gateway endpoints per (vpc, service).
    pub(crate) gw_eps: HashMap<(VpcId, ServiceId), Vec<EndpointId>>,
    pub(crate) triggers_by_fn: Vec<Vec<TriggerId>>,
    pub(crate) names: HashMap<String, Node>,
    /// Every id of the scenario, for fixes that name a new entity; built on
    /// the first such fix (only traces make fixes).
    ids: std::sync::OnceLock<std::collections::HashSet<String>>,
    pub(crate) lambda: ServiceId,
    pub(crate) sts: ServiceId,
    pub(crate) secretsmanager: ServiceId,
}

impl Engine {
    pub fn new(sc: Scenario) -> Engine {
        let lpm = sc.route_tables.iter().map(Lpm::build).collect();
        let mut eni_by_ip = HashMap::with_capacity(sc.enis.len());
        let mut eni_by_public = HashMap::new();
        let mut eni_by_ipv6 = HashMap::new();
        for (i, e) in sc.enis.iter().enumerate() {
            let id = EniId(i as u32);
            eni_by_ip.insert((sc.subnets[e.subnet.ix()].vpc, e.private_ip), id);
            if let Some(p) = e.public_ip {
                eni_by_public.insert(p, id);
            }
            if let Some(a) = e.ipv6 {
                eni_by_ipv6.entry(a).or_insert(id);
            }
        }
        let host_by_ip = sc
            .external_hosts
            .iter()
            .enumerate()
            .filter_map(|(i, h)| Some((h.ip?, HostId(i as u32))))
            .collect();
        let mut iface_eps: HashMap<_, Vec<_>> = HashMap::new();
        let mut gw_eps: HashMap<_, Vec<_>> = HashMap::new();
        for (i, e) in sc.endpoints.iter().enumerate() {
            let map = if e.kind == EndpointKind::Interface {
                &mut iface_eps
            } else {
                &mut gw_eps
            };
            map.entry((e.vpc, e.service))
                .or_default()
                .push(EndpointId(i as u32));
        }
        let mut triggers_by_fn = vec![Vec::new(); sc.functions.len()];
        for (i, t) in sc.triggers.iter().enumerate() {
            triggers_by_fn[t.function.ix()].push(TriggerId(i as u32));
        }
        let mut names = HashMap::new();
        for (i, s) in sc.services.iter().enumerate() {
            names.insert(s.id.clone(), Node::Service(ServiceId(i as u32)));
        }
        for (i, f) in sc.functions.iter().enumerate() {
            names.insert(f.name.clone(), Node::Function(FunctionId(i as u32)));
        }
        for (i, r) in sc.resources.iter().enumerate() {
            names.insert(r.name.clone(), Node::Resource(ResourceId(i as u32)));
        }
        for (i, h) in sc.external_hosts.iter().enumerate() {
            names.insert(h.name.clone(), Node::Host(HostId(i as u32)));
        }
        for (i, t) in sc.triggers.iter().enumerate() {
            names.insert(t.name.clone(), Node::Trigger(TriggerId(i as u32)));
        }
        let svc = |id: &str| {
            sc.service_by_id(id)
                .expect("catalog service present in every scenario")
        };
        let (lambda, sts, secretsmanager) = (svc("lambda"), svc("sts"), svc("secretsmanager"));
        Engine {
            sc,
            lpm,
            eni_by_ip,
            eni_by_public,
            eni_by_ipv6,
            host_by_ip,
            iface_eps,
            gw_eps,
            triggers_by_fn,
            names,
            ids: std::sync::OnceLock::new(),
            lambda,
            sts,
            secretsmanager,
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// True when some entity of the scenario already has this id (ids share
    /// one namespace), so a fix must not create another with it.
    pub(crate) fn id_taken(&self, id: &str) -> bool {
        self.ids
            .get_or_init(|| {
                let sc = &self.sc;
                let names = (sc.vpcs.iter().map(|x| &x.name))
                    .chain(sc.subnets.iter().map(|x| &x.name))
                    .chain(sc.route_tables.iter().map(|x| &x.name))
                    .chain(sc.internet_gateways.iter().map(|x| &x.name))
                    .chain(sc.egress_only_igws.iter().map(|x| &x.name))
                    .chain(sc.nat_gateways.iter().map(|x| &x.name))
                    .chain(sc.endpoints.iter().map(|x| &x.name))
                    .chain(sc.security_groups.iter().map(|x| &x.name))
                    .chain(sc.network_acls.iter().map(|x| &x.name))
                    .chain(sc.resources.iter().map(|x| &x.name))
                    .chain(sc.functions.iter().map(|x| &x.name))
                    .chain(sc.triggers.iter().map(|x| &x.name))
                    .chain(sc.external_hosts.iter().map(|x| &x.name))
                    .chain(sc.peerings.iter().map(|x| &x.name))
                    .chain(sc.transit_gateways.iter().map(|x| &x.name));
                names.cloned().collect()
            })
            .contains(id)
    }

    /// Resolves an id (or `internet`, or an IP address) to a probe endpoint.
    pub fn node(&self, id: &str) -> Result<Node, ProbeError> {
        if let Some(n) = self.lookup(id) {
            return Ok(n);
        }
        Err(self.unknown_id(id))
    }

    /// [`Engine::node`] without the "did you mean" work of a miss.
    pub(crate) fn lookup(&self, id: &str) -> Option<Node> {
        if let Some(n) = self.names.get(id) {
            return Some(*n);
        }
        if id == "internet" {
            return Some(Node::Internet);
        }
        if let Some(n) = awsreach_model::probe::by_alias(&self.sc, id) {
            return Some(n);
        }
        if let Some(n) = awsreach_model::probe::function_eni(&self.sc, id) {
            return Some(n);
        }
        self.by_hostname(id)
            .or_else(|| id.parse::<IpAddr>().ok().map(Node::Ip))
    }

    pub fn node_name(&self, n: Node) -> String {
        match n {
            Node::Function(f) => self.sc.functions[f.ix()].name.clone(),
            Node::Resource(r) => self.sc.resources[r.ix()].name.clone(),
            Node::Service(s) => self.sc.services[s.ix()].id.clone(),
            Node::Trigger(t) => self.sc.triggers[t.ix()].name.clone(),
            Node::Host(h) => self.sc.external_hosts[h.ix()].name.clone(),
            Node::Internet => "internet".into(),
            Node::Ip(ip) => ip.to_string(),
            Node::FunctionEni(f, e) => format!(
                "{}@{}",
                self.sc.functions[f.ix()].name,
                self.sc.subnets[self.sc.enis[e.ix()].subnet.ix()].name
            ),
        }
    }

    /// Builds a probe between two ids; the call kind, protocol and port
    /// follow from the endpoints unless given.
    pub fn probe(&self, from: &str, to: &str, opts: &ProbeOptions) -> Result<Probe, ProbeError> {
        let (f, t) = (self.node(from)?, self.node(to)?);
        let mut p = self.probe_nodes(f, t, opts)?;
        // A destination named by a DNS name is called by that name: a
        // service's other hostname, or a host's hostname (rules 25, 26).
        if !self.names.contains_key(to) && to.contains('.') {
            match t {
                Node::Service(_) if opts.host.is_none() => {
                    if let Some((_, k)) = awsreach_model::probe::service_by_hostname(&self.sc, to) {
                        p.host = k;
                    }
                }
                Node::Host(_) => p.by_name = to.parse::<IpAddr>().is_err(),
                _ => {}
            }
        }
        Ok(p)
    }

    pub fn probe_nodes(
        &self,
        from: Node,
        to: Node,
        opts: &ProbeOptions,
    ) -> Result<Probe, ProbeError> {
        self.probe_with(from, to, opts, None)
    }

    /// [`Engine::probe_nodes`], with the default protocol and port of a flow
    /// to `to` already known (the matrix looks them up once per column).
    pub(crate) fn probe_with(
        &self,
        from: Node,
        to: Node,
        opts: &ProbeOptions,
        flow_default: Option<(Protocol, u16)>,
    ) -> Result<Probe, ProbeError> {
        // A literal source address held by an ENI sends as that ENI's owner.
        let ask = awsreach_model::probe::Ask {
            kind: opts.kind,
            protocol: opts.protocol,
            port: opts.port,
            ipv6: opts.ipv6,
        };
        let m =
            awsreach_model::probe::meaning(&self.sc, from, to, ask, flow_default).map_err(|r| {
                ProbeError::Unsupported {
                    from: self.node_name(from),
                    to: self.node_name(to),
                    reason: r.to_string(),
                }
            })?;
        // A literal source address held by an ENI sends as that ENI's owner.
        let (named_from, from) = (from, awsreach_model::probe::sender(&self.sc, from));
        let refused = |r: awsreach_model::probe::Refusal| ProbeError::Unsupported {
            from: self.node_name(from),
            to: self.node_name(to),
            reason: r.to_string(),
        };
        let host = match &opts.host {
            Some(h) => awsreach_model::probe::service_host(&self.sc, to, h).map_err(refused)?,
            None => 0,
        };
        // A host known by its hostname only is called by that name.
        let by_name = matches!(to, Node::Host(h) if self.sc.external_hosts[h.ix()].ip.is_none());
        Ok(Probe {
            from,
            named_from,
            to,
            kind: m.kind,
            protocol: m.protocol,
            port: m.port,
            action: opts.action.clone(),
            ipv6: m.ipv6,
            host,
            by_name,
        })
    }

    /// The protocol and port a probe uses when the user gives none: a flow
    /// goes to the destination's first listener, everything else is HTTPS.
    pub(crate) fn default_port(&self, kind: CallKind, to: Node) -> (Protocol, u16) {
        awsreach_model::probe::default_port(&self.sc, kind, to)
    }

    /// Every node a matrix considers: functions, resources, external hosts,
    /// triggers' services, declared services, `internet`.
    pub fn sources(&self) -> Vec<Node> {
        let mut v: Vec<Node> = Vec::new();
        let mut svcs: Vec<ServiceId> = self.sc.triggers.iter().map(|t| t.service).collect();
        svcs.sort();
        svcs.dedup();
        v.extend(svcs.into_iter().map(Node::Service));
        v.extend((0..self.sc.functions.len()).map(|i| Node::Function(FunctionId(i as u32))));
        v.extend((0..self.sc.resources.len()).map(|i| Node::Resource(ResourceId(i as u32))));
        v.extend((0..self.sc.external_hosts.len()).map(|i| Node::Host(HostId(i as u32))));
        v
    }

    pub fn destinations(&self) -> Vec<Node> {
        let mut v: Vec<Node> = Vec::new();
        v.extend((0..self.sc.functions.len()).map(|i| Node::Function(FunctionId(i as u32))));
        v.extend((0..self.sc.resources.len()).map(|i| Node::Resource(ResourceId(i as u32))));
        v.extend(
            self.sc
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| s.declared)
                .map(|(i, _)| Node::Service(ServiceId(i as u32))),
        );
        v.extend((0..self.sc.external_hosts.len()).map(|i| Node::Host(HostId(i as u32))));
        v.push(Node::Internet);
        v
    }
}
