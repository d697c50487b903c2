//! The scenario as a graph: components (VPCs, subnets, route tables,
//! gateways, endpoints, resources, functions, services) and the links
//! between them. Used for drawing (`awsreach graph`, [`crate::dot`]) and for
//! whole-topology questions such as which VPCs can talk at all. petgraph
//! stays behind this crate: callers see `Topology` and scenario ids, never
//! `NodeIndex`.

use std::collections::HashMap;

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
    Peering(PeeringId),
    Tgw(TgwId),
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
        for tr in &sc.triggers {
            t.link(
                Part::Service(tr.service),
                Part::Function(tr.function),
                Link::Invokes,
            );
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

    pub(crate) fn name(&self, p: Part) -> String {
        let sc = self.sc;
        match p {
            Part::Vpc(v) => sc.vpcs[v.ix()].name.clone(),
            Part::Subnet(s) => sc.subnets[s.ix()].name.clone(),
            Part::RouteTable(r) => sc.route_tables[r.ix()].name.clone(),
            Part::Igw(g) => sc.internet_gateways[g.ix()].name.clone(),
            Part::Eigw(g) => sc.egress_only_igws[g.ix()].name.clone(),
            Part::Nat(n) => sc.nat_gateways[n.ix()].name.clone(),
            Part::Endpoint(e) => sc.endpoints[e.ix()].name.clone(),
            Part::Resource(r) => sc.resources[r.ix()].name.clone(),
            Part::Function(f) => sc.functions[f.ix()].name.clone(),
            Part::Service(s) => sc.services[s.ix()].id.clone(),
            Part::Peering(p) => sc.peerings[p.ix()].name.clone(),
            Part::Tgw(t) => sc.transit_gateways[t.ix()].name.clone(),
            Part::Internet => "internet".into(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_topology() {
        let src = include_str!("../../../scenarios/example-full.ron");
        let sc = awsreach_model::load(src).unwrap().scenario;
        let t = Topology::build(&sc);
        let dot = t.to_dot();
        assert!(dot.starts_with("graph awsreach {"));
        // Every VPC, subnet and function is drawn.
        for name in sc
            .vpcs
            .iter()
            .map(|v| &v.name)
            .chain(sc.subnets.iter().map(|s| &s.name))
            .chain(sc.functions.iter().map(|f| &f.name))
        {
            assert!(dot.contains(&format!("label=\"{name}\"")), "{name} missing");
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
