//! Scenario changes for the `monotonic` and `callee-placement` invariants,
//! named by the scenario's ids so that a change can be re-applied to a
//! shrunk scenario.
//!
//! Only changes that are monotone *in AWS* are used; each variant says why.
//! Two traps are avoided on purpose:
//! - a route is only added where no existing route covers its destination
//!   (`0.0.0.0/0` where the table has none), and only a route that nothing
//!   less specific backs up is removed (`0.0.0.0/0` again): a more specific
//!   route can divert traffic that worked (rule 9), and removing one can
//!   uncover a less specific route that works;
//! - no interface endpoint is added or removed: with private DNS an
//!   endpoint captures the service hostname (rule 13), so adding one can
//!   divert a call that went out through a NAT gateway into an endpoint
//!   whose security group refuses it, and removing one can do the reverse.
//!
//! Adding a network interface can shift the auto-assigned addresses of the
//! interfaces created after it in the same subnet, which would change
//! which CIDR rules match them; changes that add an interface pick a
//! subnet where nothing is auto-assigned after it.

use std::fmt;

use awsreach_model::ScenarioSpec;
use awsreach_model::spec::{
    FunctionVpcSpec, NaclRuleSpec, NatGatewaySpec, PollerMode, Protocol, RouteSpec, RouteTarget,
    RuleAction, SgRuleSpec,
};

/// One change to a scenario, by ids.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    // ---- permissive: may turn blocked probes reachable, never the reverse
    /// A rule allowing every protocol and port from/to `0.0.0.0/0`.
    /// Security groups only allow (rule 16): one more allow rule can only
    /// admit more. Egress is only widened where rules are declared (an
    /// absent egress list already allows everything).
    SgAllowAll { sg: String, ingress: bool },
    /// Rule number 1 allowing everything IPv4: evaluated first (rule 17),
    /// so that NACL direction admits every IPv4 packet.
    NaclAllowAll { nacl: String, ingress: bool },
    /// `0.0.0.0/0 -> target` in a table with no `0.0.0.0/0` route: it only
    /// matches addresses no route matched before (longest prefix match,
    /// rule 9), i.e. packets that were dropped with no route.
    DefaultRoute { table: String, target: RouteTarget },
    /// A new public NAT gateway in a public subnet, with `0.0.0.0/0 -> it`
    /// in a table that has no `0.0.0.0/0` route (rule 11; the route
    /// argument above). Its subnet has no interface auto-assigned after it.
    NatWithRoute {
        nat: String,
        subnet: String,
        elastic_ip: String,
        table: String,
    },
    /// `"*"` joins the function's resource-based policy (rule 3).
    AllowInvoke { function: String },
    /// Source/destination check off: the appliance forwards (rule 9).
    Forwarding { resource: String },
    /// Provisioned pollers need no NAT gateway or endpoints (rule 5).
    Provisioned { trigger: String },

    // ---- restrictive: may turn reachable probes blocked, never the reverse
    /// Drops one security-group rule; `index: None` drops the default
    /// allow-all egress rule (`egress: []`).
    DropSgRule {
        sg: String,
        ingress: bool,
        index: Option<usize>,
    },
    /// Drops one NACL *allow* rule: a packet it admitted falls through to
    /// later rules or the implicit deny; denied packets stay denied.
    DropNaclAllow {
        nacl: String,
        ingress: bool,
        index: usize,
    },
    /// Drops a table's `0.0.0.0/0` route: nothing less specific takes over.
    DropDefaultRoute { table: String },
    /// Removes one principal from a policy, or makes an absent policy empty.
    RevokeInvoke {
        function: String,
        index: Option<usize>,
    },
    /// The endpoint policy denies every action (rules 12, 13).
    DenyEndpointActions { endpoint: String },
    /// The resource stops listening on one of its listeners.
    DropListener { resource: String, index: usize },
    /// Source/destination check on: the appliance drops forwarded packets.
    NoForwarding { resource: String },

    // ---- neither: for callee-placement
    /// Moves a function to the end of the list (so that no other
    /// interface's address depends on it) and attaches it to `vpc` (or to
    /// no VPC).
    Place {
        function: String,
        vpc: Option<FunctionVpcSpec>,
    },
}

/// Which way a change may move verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Never turns a reachable probe blocked.
    Permissive,
    /// Never turns a blocked probe reachable.
    Restrictive,
    /// No monotonicity claim.
    Neither,
}

impl Change {
    pub fn direction(&self) -> Direction {
        use Change::*;
        match self {
            SgAllowAll { .. }
            | NaclAllowAll { .. }
            | DefaultRoute { .. }
            | NatWithRoute { .. }
            | AllowInvoke { .. }
            | Forwarding { .. }
            | Provisioned { .. } => Direction::Permissive,
            DropSgRule { .. }
            | DropNaclAllow { .. }
            | DropDefaultRoute { .. }
            | RevokeInvoke { .. }
            | DenyEndpointActions { .. }
            | DropListener { .. }
            | NoForwarding { .. } => Direction::Restrictive,
            Place { .. } => Direction::Neither,
        }
    }

    /// Applies the change; false when an id it names is gone (the change
    /// then means nothing for this scenario).
    pub fn apply(&self, spec: &mut ScenarioSpec) -> bool {
        use Change::*;
        match self {
            SgAllowAll { sg, ingress } => {
                let Some(g) = spec.security_groups.iter_mut().find(|g| &g.id == sg) else {
                    return false;
                };
                let rule = SgRuleSpec {
                    protocol: Protocol::All,
                    ports: None,
                    cidr: Some("0.0.0.0/0".into()),
                    sg: None,
                    prefix_list: None,
                    description: Some("fuzz: allow all".into()),
                };
                if *ingress {
                    g.ingress.push(rule);
                } else {
                    match &mut g.egress {
                        Some(rules) => rules.push(rule),
                        None => return false,
                    }
                }
                true
            }
            NaclAllowAll { nacl, ingress } => {
                let Some(a) = spec.network_acls.iter_mut().find(|a| &a.id == nacl) else {
                    return false;
                };
                let rules = if *ingress {
                    &mut a.ingress
                } else {
                    &mut a.egress
                };
                if rules.iter().any(|r| r.rule == 1) {
                    return false;
                }
                rules.push(NaclRuleSpec {
                    rule: 1,
                    action: RuleAction::Allow,
                    protocol: Protocol::All,
                    ports: None,
                    cidr: "0.0.0.0/0".into(),
                });
                true
            }
            DefaultRoute { table, target } => {
                let Some(t) = spec.route_tables.iter_mut().find(|t| &t.id == table) else {
                    return false;
                };
                if t.routes.iter().any(|r| is_v4_default(&r.dest)) {
                    return false;
                }
                t.routes.push(RouteSpec {
                    dest: "0.0.0.0/0".into(),
                    target: target.clone(),
                });
                true
            }
            NatWithRoute {
                nat,
                subnet,
                elastic_ip,
                table,
            } => {
                if !spec.subnets.iter().any(|s| &s.id == subnet) {
                    return false;
                }
                let Some(t) = spec.route_tables.iter_mut().find(|t| &t.id == table) else {
                    return false;
                };
                if t.routes.iter().any(|r| is_v4_default(&r.dest)) {
                    return false;
                }
                t.routes.push(RouteSpec {
                    dest: "0.0.0.0/0".into(),
                    target: RouteTarget::Nat(nat.clone()),
                });
                spec.nat_gateways.push(NatGatewaySpec {
                    id: nat.clone(),
                    subnet: subnet.clone(),
                    connectivity: Default::default(),
                    elastic_ip: Some(elastic_ip.clone()),
                });
                true
            }
            AllowInvoke { function } => {
                let Some(f) = spec.functions.iter_mut().find(|f| &f.id == function) else {
                    return false;
                };
                match &mut f.policy {
                    Some(p) => {
                        p.allow.push("*".into());
                        true
                    }
                    None => false,
                }
            }
            Forwarding { resource } | NoForwarding { resource } => {
                let Some(r) = spec.resources.iter_mut().find(|r| &r.id == resource) else {
                    return false;
                };
                r.forwarding = matches!(self, Forwarding { .. });
                true
            }
            Provisioned { trigger } => {
                let Some(t) = spec
                    .triggers
                    .iter_mut()
                    .find(|t| t.id.as_deref() == Some(trigger.as_str()))
                else {
                    return false;
                };
                t.mode = PollerMode::Provisioned;
                true
            }
            DropSgRule { sg, ingress, index } => {
                let Some(g) = spec.security_groups.iter_mut().find(|g| &g.id == sg) else {
                    return false;
                };
                match (ingress, index) {
                    (true, Some(i)) if *i < g.ingress.len() => {
                        g.ingress.remove(*i);
                        true
                    }
                    (false, Some(i)) => match &mut g.egress {
                        Some(rules) if *i < rules.len() => {
                            rules.remove(*i);
                            true
                        }
                        _ => false,
                    },
                    (false, None) if g.egress.is_none() => {
                        g.egress = Some(Vec::new());
                        true
                    }
                    _ => false,
                }
            }
            DropNaclAllow {
                nacl,
                ingress,
                index,
            } => {
                let Some(a) = spec.network_acls.iter_mut().find(|a| &a.id == nacl) else {
                    return false;
                };
                let rules = if *ingress {
                    &mut a.ingress
                } else {
                    &mut a.egress
                };
                if rules
                    .get(*index)
                    .is_none_or(|r| r.action != RuleAction::Allow)
                {
                    return false;
                }
                rules.remove(*index);
                true
            }
            DropDefaultRoute { table } => {
                let Some(t) = spec.route_tables.iter_mut().find(|t| &t.id == table) else {
                    return false;
                };
                let before = t.routes.len();
                t.routes.retain(|r| !is_v4_default(&r.dest));
                t.routes.len() < before
            }
            RevokeInvoke { function, index } => {
                let Some(f) = spec.functions.iter_mut().find(|f| &f.id == function) else {
                    return false;
                };
                match (&mut f.policy, index) {
                    (Some(p), Some(i)) if *i < p.allow.len() => {
                        p.allow.remove(*i);
                        true
                    }
                    (None, None) => {
                        f.policy =
                            Some(awsreach_model::spec::InvokePolicySpec { allow: Vec::new() });
                        true
                    }
                    _ => false,
                }
            }
            DenyEndpointActions { endpoint } => {
                let Some(e) = spec.vpc_endpoints.iter_mut().find(|e| &e.id == endpoint) else {
                    return false;
                };
                let mut p = e.policy.clone().unwrap_or_default();
                p.deny.push("*".into());
                e.policy = Some(p);
                true
            }
            DropListener { resource, index } => {
                let Some(r) = spec.resources.iter_mut().find(|r| &r.id == resource) else {
                    return false;
                };
                if *index >= r.listen.len() {
                    return false;
                }
                r.listen.remove(*index);
                true
            }
            Place { function, vpc } => {
                let Some(i) = spec.functions.iter().position(|f| &f.id == function) else {
                    return false;
                };
                let mut f = spec.functions.remove(i);
                f.vpc = vpc.clone();
                spec.functions.push(f);
                true
            }
        }
    }

    /// Every change of the monotone kinds that applies to `spec`, in a
    /// stable order, grouped by kind.
    pub fn candidates(spec: &ScenarioSpec) -> Vec<Vec<Change>> {
        let mut groups: Vec<Vec<Change>> = Vec::new();
        let mut push = |g: Vec<Change>| {
            if !g.is_empty() {
                groups.push(g);
            }
        };
        // Permissive.
        let mut g = Vec::new();
        for sg in &spec.security_groups {
            g.push(Change::SgAllowAll {
                sg: sg.id.clone(),
                ingress: true,
            });
            if sg.egress.is_some() {
                g.push(Change::SgAllowAll {
                    sg: sg.id.clone(),
                    ingress: false,
                });
            }
        }
        push(g);
        let mut g = Vec::new();
        for a in &spec.network_acls {
            for (ingress, rules) in [(true, &a.ingress), (false, &a.egress)] {
                if !rules.iter().any(|r| r.rule == 1) {
                    g.push(Change::NaclAllowAll {
                        nacl: a.id.clone(),
                        ingress,
                    });
                }
            }
        }
        push(g);
        let mut g = Vec::new();
        for t in &spec.route_tables {
            if t.routes.iter().any(|r| is_v4_default(&r.dest)) {
                continue;
            }
            for target in targets_in(spec, &t.vpc) {
                g.push(Change::DefaultRoute {
                    table: t.id.clone(),
                    target,
                });
            }
        }
        push(g);
        push(new_nats(spec));
        push(
            spec.functions
                .iter()
                .filter(|f| {
                    f.policy
                        .as_ref()
                        .is_some_and(|p| !p.allow.iter().any(|a| a == "*"))
                })
                .map(|f| Change::AllowInvoke {
                    function: f.id.clone(),
                })
                .collect(),
        );
        push(
            spec.resources
                .iter()
                .filter(|r| !r.forwarding && is_route_target(spec, &r.id))
                .map(|r| Change::Forwarding {
                    resource: r.id.clone(),
                })
                .collect(),
        );
        push(
            spec.triggers
                .iter()
                .filter(|t| {
                    t.mode == PollerMode::OnDemand
                        && t.source.polls_in_vpc()
                        && t.source.has_provisioned_mode()
                })
                .filter_map(|t| t.id.clone())
                .map(|trigger| Change::Provisioned { trigger })
                .collect(),
        );
        // Restrictive.
        let mut g = Vec::new();
        for sg in &spec.security_groups {
            for i in 0..sg.ingress.len() {
                g.push(Change::DropSgRule {
                    sg: sg.id.clone(),
                    ingress: true,
                    index: Some(i),
                });
            }
            match &sg.egress {
                None => g.push(Change::DropSgRule {
                    sg: sg.id.clone(),
                    ingress: false,
                    index: None,
                }),
                Some(rules) => {
                    for i in 0..rules.len() {
                        g.push(Change::DropSgRule {
                            sg: sg.id.clone(),
                            ingress: false,
                            index: Some(i),
                        });
                    }
                }
            }
        }
        push(g);
        let mut g = Vec::new();
        for a in &spec.network_acls {
            for (ingress, rules) in [(true, &a.ingress), (false, &a.egress)] {
                for (i, r) in rules.iter().enumerate() {
                    if r.action == RuleAction::Allow {
                        g.push(Change::DropNaclAllow {
                            nacl: a.id.clone(),
                            ingress,
                            index: i,
                        });
                    }
                }
            }
        }
        push(g);
        push(
            spec.route_tables
                .iter()
                .filter(|t| t.routes.iter().any(|r| is_v4_default(&r.dest)))
                .map(|t| Change::DropDefaultRoute {
                    table: t.id.clone(),
                })
                .collect(),
        );
        let mut g = Vec::new();
        for f in &spec.functions {
            match &f.policy {
                None => g.push(Change::RevokeInvoke {
                    function: f.id.clone(),
                    index: None,
                }),
                Some(p) => {
                    for i in 0..p.allow.len() {
                        g.push(Change::RevokeInvoke {
                            function: f.id.clone(),
                            index: Some(i),
                        });
                    }
                }
            }
        }
        push(g);
        push(
            spec.vpc_endpoints
                .iter()
                .map(|e| Change::DenyEndpointActions {
                    endpoint: e.id.clone(),
                })
                .collect(),
        );
        let mut g = Vec::new();
        for r in &spec.resources {
            for i in 0..r.listen.len() {
                g.push(Change::DropListener {
                    resource: r.id.clone(),
                    index: i,
                });
            }
        }
        push(g);
        push(
            spec.resources
                .iter()
                .filter(|r| r.forwarding)
                .map(|r| Change::NoForwarding {
                    resource: r.id.clone(),
                })
                .collect(),
        );
        groups
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Change::*;
        let dir = |ingress: &bool| if *ingress { "inbound" } else { "outbound" };
        match self {
            SgAllowAll { sg, ingress } => write!(f, "allow all {} in {sg}", dir(ingress)),
            NaclAllowAll { nacl, ingress } => {
                write!(
                    f,
                    "add {} rule 1 allow all 0.0.0.0/0 to {nacl}",
                    dir(ingress)
                )
            }
            DefaultRoute { table, target } => {
                write!(f, "add route 0.0.0.0/0 -> {target:?} to {table}")
            }
            NatWithRoute {
                nat, subnet, table, ..
            } => write!(
                f,
                "create nat gateway {nat} in {subnet} and route 0.0.0.0/0 -> {nat} in {table}"
            ),
            AllowInvoke { function } => write!(f, "allow `*` to invoke {function}"),
            Forwarding { resource } => write!(f, "turn forwarding on for {resource}"),
            Provisioned { trigger } => write!(f, "switch {trigger} to provisioned mode"),
            DropSgRule {
                sg,
                ingress,
                index: Some(i),
            } => write!(f, "drop {} rule #{i} of {sg}", dir(ingress)),
            DropSgRule { sg, .. } => write!(f, "drop the default outbound rule of {sg}"),
            DropNaclAllow {
                nacl,
                ingress,
                index,
            } => write!(f, "drop {} allow rule #{index} of {nacl}", dir(ingress)),
            DropDefaultRoute { table } => write!(f, "drop route 0.0.0.0/0 of {table}"),
            RevokeInvoke {
                function,
                index: Some(i),
            } => write!(f, "drop principal #{i} from the policy of {function}"),
            RevokeInvoke { function, .. } => write!(f, "give {function} an empty policy"),
            DenyEndpointActions { endpoint } => write!(f, "deny `*` in the policy of {endpoint}"),
            DropListener { resource, index } => write!(f, "drop listener #{index} of {resource}"),
            NoForwarding { resource } => write!(f, "turn forwarding off for {resource}"),
            Place {
                function,
                vpc: None,
            } => write!(f, "detach {function} from its VPC"),
            Place {
                function,
                vpc: Some(v),
            } => write!(f, "attach {function} to subnets {}", v.subnets.join(", ")),
        }
    }
}

fn is_v4_default(dest: &str) -> bool {
    dest.parse::<ipnet::Ipv4Net>()
        .is_ok_and(|n| n.prefix_len() == 0)
}

fn is_route_target(spec: &ScenarioSpec, resource: &str) -> bool {
    spec.route_tables
        .iter()
        .flat_map(|t| &t.routes)
        .any(|r| matches!(&r.target, RouteTarget::Eni(x) if x == resource))
}

/// Route targets a table of `vpc` may use for `0.0.0.0/0`.
fn targets_in(spec: &ScenarioSpec, vpc: &str) -> Vec<RouteTarget> {
    let mut out = Vec::new();
    for g in &spec.internet_gateways {
        if g.vpc == vpc {
            out.push(RouteTarget::Igw(g.id.clone()));
        }
    }
    for n in &spec.nat_gateways {
        if spec
            .subnets
            .iter()
            .any(|s| s.id == n.subnet && s.vpc == vpc)
        {
            out.push(RouteTarget::Nat(n.id.clone()));
        }
    }
    for p in &spec.peering_connections {
        if p.requester == vpc || p.accepter == vpc {
            out.push(RouteTarget::Peering(p.id.clone()));
        }
    }
    out
}

/// New NAT gateways in public subnets where nothing is auto-assigned
/// after a NAT gateway (no endpoint, function or resource without an
/// explicit address), each with a table of its VPC lacking `0.0.0.0/0`.
fn new_nats(spec: &ScenarioSpec) -> Vec<Change> {
    let mut out = Vec::new();
    let used_eips: Vec<&str> = spec
        .nat_gateways
        .iter()
        .filter_map(|n| n.elastic_ip.as_deref())
        .chain(spec.resources.iter().filter_map(|r| r.public_ip.as_deref()))
        .collect();
    let eip = (1..=250u32)
        .map(|i| format!("52.250.250.{i}"))
        .find(|ip| !used_eips.contains(&ip.as_str()));
    let Some(eip) = eip else { return out };
    for s in &spec.subnets {
        let table = s.route_table.as_deref().or_else(|| {
            spec.route_tables
                .iter()
                .find(|t| t.vpc == s.vpc && t.main)
                .map(|t| t.id.as_str())
        });
        let public = table.is_some_and(|id| {
            spec.route_tables.iter().any(|t| {
                t.id == id
                    && t.routes
                        .iter()
                        .any(|r| is_v4_default(&r.dest) && matches!(r.target, RouteTarget::Igw(_)))
            })
        });
        let crowded = spec.vpc_endpoints.iter().any(|e| e.subnets.contains(&s.id))
            || spec
                .functions
                .iter()
                .any(|f| f.vpc.as_ref().is_some_and(|v| v.subnets.contains(&s.id)))
            || spec
                .resources
                .iter()
                .any(|r| r.subnet == s.id && r.private_ip.is_none());
        if !public || crowded {
            continue;
        }
        for t in &spec.route_tables {
            if t.vpc == s.vpc && !t.routes.iter().any(|r| is_v4_default(&r.dest)) {
                out.push(Change::NatWithRoute {
                    nat: format!("fuzz-nat-{}", s.id),
                    subnet: s.id.clone(),
                    elastic_ip: eip.clone(),
                    table: t.id.clone(),
                });
            }
        }
    }
    out
}
