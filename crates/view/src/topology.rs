//! The scenario as a graph: components (VPCs, subnets, route tables,
//! gateways, endpoints, resources, functions, services) and the links
//! between them. Used for drawing (`awsreach graph`, [`crate::dot`]) and for
//! whole-topology questions such as which VPCs can talk at all. petgraph
//! stays behind this crate: callers see `Topology` and scenario ids, never
//! `NodeIndex`.

use std::collections::HashMap;

use awsreach_model::spec::{EndpointKind, PollerMode, ResourceKind};
use awsreach_model::*;
use petgraph::graph::{NodeIndex, UnGraph};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Part {
    Vpc(VpcId),
    Subnet(SubnetId),
    RouteTable(RouteTableId),
    Igw(IgwId),
    Eigw(EigwId),
    Nat(NatId),
    Endpoint(EndpointId),
    Resource(ResourceId),
    Function(FunctionId),
    Service(ServiceId),
    /// A trigger's event poller (rule 4 and 5, docs/aws-rules.md): in the
    /// Lambda service for SQS, Kinesis and DynamoDB Streams, with ENIs in
    /// the event source's subnets for Kafka, Amazon MQ and DocumentDB.
    /// Push sources have none: they invoke through the Lambda service.
    Poller(TriggerId),
    Peering(PeeringId),
    Tgw(TgwId),
    Host(HostId),
    Internet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// Containment: a subnet in a VPC, an ENI in a subnet.
    In,
    /// A subnet uses a route table.
    Uses,
    /// A route table sends traffic to a target.
    Routes,
    /// A gateway, peering or attachment joins networks.
    Joins,
    /// A trigger: a service invokes a function.
    Invokes,
}

/// The scenario's components and links.
pub struct Topology<'s> {
    sc: &'s Scenario,
    pub(crate) g: UnGraph<Part, Link>,
    at: HashMap<Part, NodeIndex>,
}

impl<'s> Topology<'s> {
    pub fn build(sc: &'s Scenario) -> Topology<'s> {
        let mut t = Topology {
            sc,
            g: UnGraph::new_undirected(),
            at: HashMap::new(),
        };
        for (i, v) in sc.vpcs.iter().enumerate() {
            let vpc = Part::Vpc(VpcId(i as u32));
            t.node(vpc);
            if let Some(g) = v.internet_gateway {
                t.link(Part::Igw(g), vpc, Link::Joins);
                t.link(Part::Igw(g), Part::Internet, Link::Joins);
            }
            if let Some(g) = v.egress_only_igw {
                t.link(Part::Eigw(g), vpc, Link::Joins);
                t.link(Part::Eigw(g), Part::Internet, Link::Joins);
            }
        }
        for (i, s) in sc.subnets.iter().enumerate() {
            let sub = Part::Subnet(SubnetId(i as u32));
            t.link(sub, Part::Vpc(s.vpc), Link::In);
            t.link(sub, Part::RouteTable(s.route_table), Link::Uses);
        }
        for (i, rt) in sc.route_tables.iter().enumerate() {
            let table = Part::RouteTable(RouteTableId(i as u32));
            t.node(table);
            for r in &rt.routes {
                let target = match r.target {
                    Target::Local | Target::Blackhole => continue,
                    Target::Igw(g) => Part::Igw(g),
                    Target::Nat(n) => Part::Nat(n),
                    Target::Endpoint(e) => Part::Endpoint(e),
                    Target::Peering(p) => Part::Peering(p),
                    Target::TransitGateway(g) => Part::Tgw(g),
                    Target::EgressOnlyIgw(g) => Part::Eigw(g),
                    Target::Eni(e) => match sc.enis[e.ix()].owner {
                        EniOwner::Resource(r) => Part::Resource(r),
                        _ => continue,
                    },
                };
                t.link(table, target, Link::Routes);
            }
        }
        for (i, n) in sc.nat_gateways.iter().enumerate() {
            t.link(Part::Nat(NatId(i as u32)), Part::Subnet(n.subnet), Link::In);
        }
        for (i, e) in sc.endpoints.iter().enumerate() {
            let ep = Part::Endpoint(EndpointId(i as u32));
            t.link(ep, Part::Service(e.service), Link::Joins);
            for s in &e.subnets {
                t.link(ep, Part::Subnet(*s), Link::In);
            }
            if e.subnets.is_empty() {
                t.link(ep, Part::Vpc(e.vpc), Link::In);
            }
        }
        for (i, r) in sc.resources.iter().enumerate() {
            t.link(
                Part::Resource(ResourceId(i as u32)),
                Part::Subnet(sc.enis[r.eni.ix()].subnet),
                Link::In,
            );
        }
        for (i, f) in sc.functions.iter().enumerate() {
            let func = Part::Function(FunctionId(i as u32));
            match &f.vpc {
                Some(v) => v
                    .subnets
                    .iter()
                    .for_each(|s| t.link(func, Part::Subnet(*s), Link::In)),
                None => t.link(func, Part::Internet, Link::In),
            }
        }
        for (i, tr) in sc.triggers.iter().enumerate() {
            if polls(tr) {
                let poller = Part::Poller(TriggerId(i as u32));
                t.link(Part::Service(tr.service), poller, Link::Joins);
                for s in &tr.subnets {
                    t.link(poller, Part::Subnet(*s), Link::In);
                }
                t.link(poller, Part::Function(tr.function), Link::Invokes);
            } else {
                t.link(
                    Part::Service(tr.service),
                    Part::Function(tr.function),
                    Link::Invokes,
                );
            }
        }
        for (i, p) in sc.peerings.iter().enumerate() {
            let pcx = Part::Peering(PeeringId(i as u32));
            t.link(pcx, Part::Vpc(p.requester), Link::Joins);
            t.link(pcx, Part::Vpc(p.accepter), Link::Joins);
        }
        for (i, g) in sc.transit_gateways.iter().enumerate() {
            for a in &g.attachments {
                t.link(Part::Tgw(TgwId(i as u32)), Part::Vpc(a.vpc), Link::Joins);
            }
        }
        t
    }

    fn node(&mut self, p: Part) -> NodeIndex {
        *self.at.entry(p).or_insert_with(|| self.g.add_node(p))
    }

    fn link(&mut self, a: Part, b: Part, l: Link) {
        let (a, b) = (self.node(a), self.node(b));
        self.g.add_edge(a, b, l);
    }

    /// The parts linked to `p` (one ring of neighbours).
    pub(crate) fn neighbours(&self, p: Part) -> Vec<Part> {
        match self.at.get(&p) {
            Some(&i) => self.g.neighbors(i).map(|n| self.g[n]).collect(),
            None => Vec::new(),
        }
    }

    /// The scenario this topology draws.
    pub(crate) fn scenario(&self) -> &'s Scenario {
        self.sc
    }

    /// VPCs grouped by whether any peering or transit gateway joins them
    /// (routes aside): VPCs in different groups can only meet over the internet.
    pub fn connected_vpcs(&self) -> Vec<Vec<String>> {
        let mut uf = petgraph::unionfind::UnionFind::<usize>::new(self.sc.vpcs.len());
        for p in &self.sc.peerings {
            uf.union(p.requester.ix(), p.accepter.ix());
        }
        for t in &self.sc.transit_gateways {
            for w in t.attachments.windows(2) {
                uf.union(w[0].vpc.ix(), w[1].vpc.ix());
            }
        }
        let mut groups: Vec<Vec<String>> = Vec::new();
        let mut slot: HashMap<usize, usize> = HashMap::new();
        for (i, v) in self.sc.vpcs.iter().enumerate() {
            let root = uf.find(i);
            let k = *slot.entry(root).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[k].push(v.name.clone());
        }
        groups
    }

    pub fn component_count(&self) -> usize {
        self.g.node_count()
    }
}

/// What kind of thing a part is, in words.
pub(crate) fn kind_word(sc: &Scenario, p: Part) -> &'static str {
    match p {
        Part::Vpc(_) => "VPC",
        Part::Subnet(_) => "subnet",
        Part::RouteTable(_) => "route table",
        Part::Igw(_) => "internet gateway",
        Part::Eigw(_) => "egress-only internet gateway",
        Part::Nat(_) => "NAT gateway",
        Part::Endpoint(e) => match sc.endpoints[e.ix()].kind {
            EndpointKind::Gateway => "gateway endpoint",
            EndpointKind::Interface => "interface endpoint",
        },
        Part::Resource(r) => match sc.resources[r.ix()].kind {
            ResourceKind::Ec2 => "EC2 instance",
            ResourceKind::Rds => "RDS database",
            ResourceKind::ElastiCache => "ElastiCache node",
            ResourceKind::Resource => "resource",
        },
        Part::Function(_) => "Lambda function",
        Part::Service(_) => "AWS service",
        Part::Poller(_) => "event poller",
        Part::Peering(_) => "peering connection",
        Part::Tgw(_) => "transit gateway",
        Part::Host(_) => "external host",
        Part::Internet => "internet",
    }
}

/// A route's destination as written: a CIDR or `pl:<service>`.
pub(crate) fn dest_str(sc: &Scenario, d: RouteDest) -> String {
    match d {
        RouteDest::Cidr(c) => c.to_string(),
        RouteDest::PrefixList(s) => format!("pl:{}", sc.services[s.ix()].id),
    }
}

/// Where a drawn item sits in the nesting region → VPC → AZ → subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Spot {
    /// Inside a subnet (an ENI of it).
    Subnet(SubnetId),
    /// At the VPC level, at its edge: gateways, gateway endpoints, route tables.
    Vpc(VpcId),
    /// In the region outside any VPC: services, Lambda-managed functions,
    /// peering connections and transit gateways.
    Region,
    /// Outside AWS: the internet and external hosts.
    Outside,
}

/// One box of a picture. A part with ENIs in several subnets (a VPC
/// function, an interface endpoint) is one item per subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub part: Part,
    pub spot: Spot,
    pub name: String,
    /// A second line: an address, an elastic IP, the endpoint's service.
    pub note: String,
}

/// An availability zone's name and its subnets.
pub(crate) type Az = (String, Vec<SubnetId>);

/// Each VPC's availability zones, each with its subnets, in scenario order.
pub(crate) struct Nest {
    pub vpcs: Vec<(VpcId, Vec<Az>)>,
}

impl Nest {
    /// The nesting of the VPCs and subnets `keep` accepts.
    pub fn of(
        sc: &Scenario,
        keep_vpc: impl Fn(VpcId) -> bool,
        keep_subnet: impl Fn(SubnetId) -> bool,
    ) -> Nest {
        let mut vpcs = Vec::new();
        for (i, v) in sc.vpcs.iter().enumerate() {
            let id = VpcId(i as u32);
            if !keep_vpc(id) {
                continue;
            }
            let mut azs: Vec<Az> = Vec::new();
            for &s in &v.subnets {
                if !keep_subnet(s) {
                    continue;
                }
                let az = &sc.subnets[s.ix()].az;
                match azs.iter_mut().find(|(a, _)| a == az) {
                    Some((_, list)) => list.push(s),
                    None => azs.push((az.clone(), vec![s])),
                }
            }
            vpcs.push((id, azs));
        }
        Nest { vpcs }
    }
}

/// Every item of the scenario, in scenario order: what `graph` draws.
pub(crate) fn items(sc: &Scenario) -> Vec<Item> {
    let mut out = Vec::new();
    let mut push = |part, spot, name: &str, note: String| {
        out.push(Item {
            part,
            spot,
            name: name.to_string(),
            note,
        })
    };
    for (i, v) in sc.vpcs.iter().enumerate() {
        let vpc = VpcId(i as u32);
        if let Some(g) = v.internet_gateway {
            push(
                Part::Igw(g),
                Spot::Vpc(vpc),
                &sc.internet_gateways[g.ix()].name,
                String::new(),
            );
        }
        if let Some(g) = v.egress_only_igw {
            push(
                Part::Eigw(g),
                Spot::Vpc(vpc),
                &sc.egress_only_igws[g.ix()].name,
                String::new(),
            );
        }
    }
    for (i, rt) in sc.route_tables.iter().enumerate() {
        let note = if rt.main {
            "main".to_string()
        } else {
            String::new()
        };
        push(
            Part::RouteTable(RouteTableId(i as u32)),
            Spot::Vpc(rt.vpc),
            &rt.name,
            note,
        );
    }
    for (i, e) in sc.endpoints.iter().enumerate() {
        let part = Part::Endpoint(EndpointId(i as u32));
        let note = sc.services[e.service.ix()].id.clone();
        if e.kind == EndpointKind::Gateway || e.subnets.is_empty() {
            push(part, Spot::Vpc(e.vpc), &e.name, note);
        } else {
            for (k, s) in e.subnets.iter().enumerate() {
                let ip = e
                    .enis
                    .get(k)
                    .map(|n| sc.enis[n.ix()].private_ip.to_string());
                push(
                    part,
                    Spot::Subnet(*s),
                    &e.name,
                    format!("{note} {}", ip.unwrap_or_default())
                        .trim()
                        .to_string(),
                );
            }
        }
    }
    for (i, n) in sc.nat_gateways.iter().enumerate() {
        let note = n
            .elastic_ip
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "private".into());
        push(
            Part::Nat(NatId(i as u32)),
            Spot::Subnet(n.subnet),
            &n.name,
            note,
        );
    }
    for (i, r) in sc.resources.iter().enumerate() {
        let eni = &sc.enis[r.eni.ix()];
        let note = match eni.public_ip {
            Some(p) => format!("{} / {p}", eni.private_ip),
            None => eni.private_ip.to_string(),
        };
        push(
            Part::Resource(ResourceId(i as u32)),
            Spot::Subnet(eni.subnet),
            &r.name,
            note,
        );
    }
    for (i, f) in sc.functions.iter().enumerate() {
        let part = Part::Function(FunctionId(i as u32));
        match &f.vpc {
            Some(v) => {
                for (k, s) in v.subnets.iter().enumerate() {
                    let ip = v
                        .enis
                        .get(k)
                        .map(|n| sc.enis[n.ix()].private_ip.to_string());
                    push(part, Spot::Subnet(*s), &f.name, ip.unwrap_or_default());
                }
            }
            None => push(part, Spot::Region, &f.name, "Lambda-managed".into()),
        }
    }
    let mut used = vec![false; sc.services.len()];
    for e in &sc.endpoints {
        used[e.service.ix()] = true;
    }
    for t in &sc.triggers {
        used[t.service.ix()] = true;
    }
    for (i, s) in sc.services.iter().enumerate() {
        if s.declared || used[i] {
            push(
                Part::Service(ServiceId(i as u32)),
                Spot::Region,
                &s.id,
                String::new(),
            );
        }
    }
    for (i, tr) in sc.triggers.iter().enumerate() {
        if !polls(tr) {
            continue;
        }
        let part = Part::Poller(TriggerId(i as u32));
        let mode = match tr.mode {
            PollerMode::Provisioned => "provisioned",
            PollerMode::OnDemand => "on demand",
        };
        if tr.source.polls_in_vpc() && !tr.subnets.is_empty() {
            // The poller's ENIs sit in the event source's subnets (rule 5).
            for s in &tr.subnets {
                push(part, Spot::Subnet(*s), &tr.name, format!("ENI, {mode}"));
            }
        } else {
            push(part, Spot::Region, &tr.name, "Lambda-managed".into());
        }
    }
    for (i, p) in sc.peerings.iter().enumerate() {
        push(
            Part::Peering(PeeringId(i as u32)),
            Spot::Region,
            &p.name,
            String::new(),
        );
    }
    for (i, t) in sc.transit_gateways.iter().enumerate() {
        push(
            Part::Tgw(TgwId(i as u32)),
            Spot::Region,
            &t.name,
            String::new(),
        );
    }
    let internet = sc
        .vpcs
        .iter()
        .any(|v| v.internet_gateway.is_some() || v.egress_only_igw.is_some())
        || sc.functions.iter().any(|f| f.vpc.is_none())
        || !sc.external_hosts.is_empty();
    if internet {
        push(Part::Internet, Spot::Outside, "internet", String::new());
    }
    for (i, h) in sc.external_hosts.iter().enumerate() {
        push(
            Part::Host(HostId(i as u32)),
            Spot::Outside,
            &h.name,
            match (h.ip, &h.hostname) {
                (Some(ip), _) => ip.to_string(),
                (None, Some(n)) => n.clone(),
                (None, None) => String::new(),
            },
        );
    }
    out
}

/// A part by the id a user wrote (ids share one namespace in a scenario).
pub(crate) fn part_named(sc: &Scenario, id: &str) -> Option<Part> {
    fn find<T>(list: &[T], name: impl Fn(&T) -> &str, id: &str) -> Option<u32> {
        list.iter().position(|x| name(x) == id).map(|i| i as u32)
    }
    if id == "internet" {
        return Some(Part::Internet);
    }
    None.or_else(|| find(&sc.vpcs, |x| &x.name, id).map(|i| Part::Vpc(VpcId(i))))
        .or_else(|| find(&sc.subnets, |x| &x.name, id).map(|i| Part::Subnet(SubnetId(i))))
        .or_else(|| {
            find(&sc.route_tables, |x| &x.name, id).map(|i| Part::RouteTable(RouteTableId(i)))
        })
        .or_else(|| find(&sc.internet_gateways, |x| &x.name, id).map(|i| Part::Igw(IgwId(i))))
        .or_else(|| find(&sc.egress_only_igws, |x| &x.name, id).map(|i| Part::Eigw(EigwId(i))))
        .or_else(|| find(&sc.nat_gateways, |x| &x.name, id).map(|i| Part::Nat(NatId(i))))
        .or_else(|| find(&sc.endpoints, |x| &x.name, id).map(|i| Part::Endpoint(EndpointId(i))))
        .or_else(|| find(&sc.resources, |x| &x.name, id).map(|i| Part::Resource(ResourceId(i))))
        .or_else(|| find(&sc.functions, |x| &x.name, id).map(|i| Part::Function(FunctionId(i))))
        .or_else(|| find(&sc.services, |x| &x.id, id).map(|i| Part::Service(ServiceId(i))))
        .or_else(|| find(&sc.peerings, |x| &x.name, id).map(|i| Part::Peering(PeeringId(i))))
        .or_else(|| find(&sc.transit_gateways, |x| &x.name, id).map(|i| Part::Tgw(TgwId(i))))
        .or_else(|| find(&sc.external_hosts, |x| &x.name, id).map(|i| Part::Host(HostId(i))))
        .or_else(|| {
            let t = find(&sc.triggers, |x| &x.name, id)?;
            let tr = &sc.triggers[t as usize];
            Some(if polls(tr) {
                Part::Poller(TriggerId(t))
            } else {
                Part::Service(tr.service)
            })
        })
}

/// How each trigger is drawn among `items`: its source, the items of its
/// poller (each of its ENIs; none for a push source, which invokes the
/// function directly) and its function. Triggers whose source or function
/// is not drawn are left out.
pub(crate) fn trigger_edges<'a>(
    sc: &'a Scenario,
    items: &'a [Item],
) -> impl Iterator<Item = (&'a Trigger, usize, Vec<usize>, usize)> + 'a {
    let first = |p: Part| items.iter().position(|i| i.part == p);
    sc.triggers.iter().enumerate().filter_map(move |(k, tr)| {
        let source = first(Part::Service(tr.service))?;
        let function = first(Part::Function(tr.function))?;
        let poller = Part::Poller(TriggerId(k as u32));
        let pollers = (0..items.len())
            .filter(|&i| items[i].part == poller)
            .collect();
        Some((tr, source, pollers, function))
    })
}

/// Whether a trigger has an event poller to draw (a push source has none).
pub(crate) fn polls(tr: &Trigger) -> bool {
    tr.source.polls_in_vpc() || tr.source.polls_in_aws()
}

/// One hop of a path to mark on a picture ([`PathHop::of`] a trace document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathHop {
    /// 1-based, as the text trace numbers it.
    pub step: usize,
    /// `eni`, `security-group`, `route-table`, ...
    pub kind: String,
    pub component: String,
    pub mark: Mark,
    pub detail: String,
    pub rule: Option<String>,
    /// The transit gateway route table that routed the hop, if any.
    pub tgw_table: Option<String>,
    /// A hop of the reply (return leg).
    pub reply: bool,
}

/// How a hop decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Pass,
    Block,
    Info,
    Unknown,
}

impl PathHop {
    /// The hops of a trace document.
    pub fn of(doc: &crate::TraceDoc) -> Vec<PathHop> {
        doc.hops
            .iter()
            .map(|h| PathHop {
                step: h.step,
                kind: h.kind.to_string(),
                component: h.component.clone(),
                mark: match h.decision {
                    awsreach_sim::Decision::Pass => Mark::Pass,
                    awsreach_sim::Decision::Block => Mark::Block,
                    awsreach_sim::Decision::Info => Mark::Info,
                    awsreach_sim::Decision::Unknown => Mark::Unknown,
                },
                detail: h.detail.clone(),
                rule: h.rule.clone(),
                tgw_table: h.tgw_route_table.clone(),
                reply: h.direction == awsreach_sim::Direction::Return,
            })
            .collect()
    }
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Pass => "✔",
            Mark::Block => "✘",
            Mark::Info => "·",
            Mark::Unknown => "?",
        }
    }
}

/// The item each hop is drawn at, if any (security groups and network ACLs
/// are not items; the drawings place them by their neighbours). A part
/// drawn in several subnets (a function's or a poller's ENIs, an interface
/// endpoint's) is found in the subnet the hop itself names, else in one
/// the trace names, so each ENI a trace touches is marked where it is.
pub(crate) fn locate(sc: &Scenario, items: &[Item], hops: &[PathHop]) -> Vec<Option<usize>> {
    let names_subnet = |h: &PathHop, s: SubnetId| {
        mentions(&h.detail, &format!("subnet {}", sc.subnets[s.ix()].name))
    };
    let named_subnets: Vec<SubnetId> = (0..sc.subnets.len() as u32)
        .map(SubnetId)
        .filter(|s| hops.iter().any(|h| names_subnet(h, *s)))
        .collect();
    hops.iter()
        .map(|h| {
            let part = part_named(sc, &h.component)?;
            let all: Vec<usize> = (0..items.len())
                .filter(|&i| items[i].part == part)
                .collect();
            if all.len() < 2 {
                return all.first().copied();
            }
            let in_subnet = |i: usize, ok: &dyn Fn(SubnetId) -> bool| {
                matches!(items[i].spot, Spot::Subnet(s) if ok(s))
            };
            all.iter()
                .copied()
                .find(|&i| in_subnet(i, &|s| names_subnet(h, s)))
                .or_else(|| {
                    all.iter()
                        .copied()
                        .find(|&i| in_subnet(i, &|s| named_subnets.contains(&s)))
                })
                .or_else(|| all.first().copied())
        })
        .collect()
}

/// True when `text` contains `phrase` as whole words.
fn mentions(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let after = text[i + phrase.len()..].chars().next();
        !matches!(after, Some(c) if c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_topology() {
        let src = include_str!("../../../scenarios/example-full.ron");
        let sc = awsreach_model::load(src).unwrap().scenario;
        let t = Topology::build(&sc);
        let dot = t.to_dot();
        assert!(dot.starts_with("digraph awsreach {"));
        // Every VPC and subnet is a cluster, every function a node.
        for v in &sc.vpcs {
            assert!(
                dot.contains(&format!("label=\"VPC {}\\n", v.name)),
                "{} missing",
                v.name
            );
        }
        for s in &sc.subnets {
            assert!(
                dot.contains(&format!("label=\"subnet {}\\n", s.name)),
                "{} missing",
                s.name
            );
        }
        for f in &sc.functions {
            assert!(
                dot.contains(&format!("label=\"{}\\n", f.name)),
                "{} missing",
                f.name
            );
        }
        // Peering and the transit gateway join the example's VPCs into one group.
        let groups = t.connected_vpcs();
        assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), sc.vpcs.len());
    }

    #[test]
    fn unjoined_vpcs_are_separate_groups() {
        let src = r#"(vpcs: [(id: "a", cidr: "10.0.0.0/16"), (id: "b", cidr: "10.1.0.0/16"), (id: "c", cidr: "10.2.0.0/16")],
            peering_connections: [(id: "pcx", requester: "a", accepter: "c")])"#;
        let sc = awsreach_model::load(src).unwrap().scenario;
        let groups = Topology::build(&sc).connected_vpcs();
        assert_eq!(
            groups,
            vec![
                vec!["a".to_string(), "c".to_string()],
                vec!["b".to_string()]
            ]
        );
    }
}
