//! Which cells of a reachability diff can differ: the entities two versions
//! of a scenario disagree on, and the sources and destinations whose walks
//! can read one of them.
//!
//! A cell's walk reads the entities of its two ends (their ENIs, subnets,
//! the subnets' route tables and network ACLs, the ENIs' security groups,
//! a callee's policy and triggers), entities on the way (NAT gateways,
//! endpoints, appliances, transit attachments, peerings) and region-wide
//! data (VPCs, services, the `missing` section). A change confined to the
//! first kind can only change the cells of the ends that hold it, so only
//! those rows and columns need walking again; a change to anything else, or
//! to an entity some path crosses on the way, can touch any cell, and the
//! caller compares everything. The analysis is conservative: a property
//! test (`crates/gen/tests/it/diff.rs`) checks it against the full diff.

use std::collections::HashSet;
use std::net::IpAddr;

use awsreach_model::*;

use crate::engine::{Engine, Node};

/// The sources and destinations (by position in the lists given) whose
/// cells can differ; every other cell is equal on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Affected {
    pub rows: Vec<bool>,
    pub cols: Vec<bool>,
}

/// Per kind, which entities differ (same index on both sides).
struct Changed {
    subnets: Vec<bool>,
    tables: Vec<bool>,
    nacls: Vec<bool>,
    /// Security groups whose inbound / outbound rules (or identity) differ.
    sg_in: Vec<bool>,
    sg_out: Vec<bool>,
    enis: Vec<bool>,
    resources: Vec<bool>,
    functions: Vec<bool>,
    triggers: Vec<bool>,
    /// Addresses of changed ENIs, on either side: a walk that looks an
    /// address up (`eni_by_ip`) may find a different interface now.
    addrs: HashSet<IpAddr>,
    any_eni: bool,
}

/// The entities that differ, one flag per element (references compare as
/// indices, the same on both sides once the names line up); `None` when
/// the two lists do not hold the same entities in the same order.
fn differ<T: PartialEq>(a: &[T], b: &[T], name: impl Fn(&T) -> &str) -> Option<Vec<bool>> {
    if a.len() != b.len() || a.iter().zip(b).any(|(x, y)| name(x) != name(y)) {
        return None;
    }
    Some(a.iter().zip(b).map(|(x, y)| x != y).collect())
}

/// True when the two lists are the same entities with the same content.
fn same<T: PartialEq>(a: &[T], b: &[T], name: impl Fn(&T) -> &str) -> bool {
    differ(a, b, name).is_some_and(|d| !d.iter().any(|x| *x))
}

/// Everything a path may cross on the way between its two ends: the ENIs
/// of NAT gateways, endpoints and forwarding appliances (and any ENI a
/// route sends to), the subnets they and transit attachments sit in, those
/// subnets' tables and ACLs, and the interfaces' security groups.
struct Transit {
    enis: Vec<bool>,
    subnets: Vec<bool>,
    tables: Vec<bool>,
    nacls: Vec<bool>,
    sgs: Vec<bool>,
}

impl Transit {
    fn of(sc: &Scenario) -> Transit {
        let mut t = Transit {
            enis: vec![false; sc.enis.len()],
            subnets: vec![false; sc.subnets.len()],
            tables: vec![false; sc.route_tables.len()],
            nacls: vec![false; sc.network_acls.len()],
            sgs: vec![false; sc.security_groups.len()],
        };
        for (i, n) in sc.enis.iter().enumerate() {
            let on_the_way = match n.owner {
                EniOwner::Endpoint(_) | EniOwner::Nat(_) => true,
                EniOwner::Resource(r) => sc.resources[r.ix()].forwarding,
                EniOwner::Function(_) => false,
            };
            t.enis[i] |= on_the_way;
        }
        for rt in &sc.route_tables {
            for r in &rt.routes {
                if let Target::Eni(e) = r.target {
                    t.enis[e.ix()] = true;
                }
            }
        }
        for (i, n) in sc.enis.iter().enumerate() {
            if t.enis[i] {
                t.subnets[n.subnet.ix()] = true;
                for g in &n.security_groups {
                    t.sgs[g.ix()] = true;
                }
            }
        }
        for nat in &sc.nat_gateways {
            t.subnets[nat.subnet.ix()] = true;
        }
        for ep in &sc.endpoints {
            for s in &ep.subnets {
                t.subnets[s.ix()] = true;
            }
            for g in &ep.security_groups {
                t.sgs[g.ix()] = true;
            }
        }
        for tgw in &sc.transit_gateways {
            for a in &tgw.attachments {
                for s in &a.subnets {
                    t.subnets[s.ix()] = true;
                }
            }
        }
        for (i, s) in sc.subnets.iter().enumerate() {
            if t.subnets[i] {
                t.tables[s.route_table.ix()] = true;
                t.nacls[s.network_acl.ix()] = true;
            }
        }
        t
    }

    /// Whether a changed entity lies on some path between other ends (an
    /// appliance's forwarding flag belongs to its resource).
    fn crossed_by(&self, sc: &Scenario, ch: &Changed) -> bool {
        let hit = |set: &[bool], changed: &[bool]| set.iter().zip(changed).any(|(a, b)| *a && *b);
        let appliance = |r: usize| self.enis[sc.resources[r].eni.ix()];
        hit(&self.enis, &ch.enis)
            || (0..sc.resources.len()).any(|r| ch.resources[r] && appliance(r))
            || hit(&self.subnets, &ch.subnets)
            || hit(&self.tables, &ch.tables)
            || hit(&self.nacls, &ch.nacls)
            || hit(&self.sgs, &ch.sg_in)
            || hit(&self.sgs, &ch.sg_out)
    }
}

fn changed(a: &Scenario, b: &Scenario) -> Option<Changed> {
    // Region-wide data and what paths cross: any difference can touch any cell.
    let global = a.region == b.region
        && a.account == b.account
        && same(&a.vpcs, &b.vpcs, |x| &x.name)
        && same(&a.internet_gateways, &b.internet_gateways, |x| &x.name)
        && same(&a.egress_only_igws, &b.egress_only_igws, |x| &x.name)
        && same(&a.nat_gateways, &b.nat_gateways, |x| &x.name)
        && same(&a.endpoints, &b.endpoints, |x| &x.name)
        && same(&a.services, &b.services, |x| &x.id)
        && same(&a.external_hosts, &b.external_hosts, |x| &x.name)
        && same(&a.peerings, &b.peerings, |x| &x.name)
        && same(&a.transit_gateways, &b.transit_gateways, |x| &x.name)
        && a.missing == b.missing;
    if !global {
        return None;
    }
    let sg_part = |ingress: bool| {
        let side = |sc: &Scenario| -> Vec<(String, VpcId, bool, Vec<SgRule>)> {
            sc.security_groups
                .iter()
                .map(|g| {
                    let rules = if ingress { &g.ingress } else { &g.egress };
                    (g.name.clone(), g.vpc, g.declared, rules.clone())
                })
                .collect()
        };
        differ(&side(a), &side(b), |x| &x.0)
    };
    let enis = differ(&a.enis, &b.enis, |_| "")?;
    // An ENI's identity is its owner: the same owners in the same order.
    if a.enis.iter().zip(&b.enis).any(|(x, y)| x.owner != y.owner) {
        return None;
    }
    let mut addrs = HashSet::new();
    for (i, _) in enis.iter().enumerate().filter(|(_, c)| **c) {
        for n in [&a.enis[i], &b.enis[i]] {
            addrs.insert(IpAddr::V4(n.private_ip));
            addrs.extend(n.public_ip.map(IpAddr::V4));
            addrs.extend(n.ipv6.map(IpAddr::V6));
        }
    }
    Some(Changed {
        subnets: differ(&a.subnets, &b.subnets, |x| &x.name)?,
        tables: differ(&a.route_tables, &b.route_tables, |x| &x.name)?,
        nacls: differ(&a.network_acls, &b.network_acls, |x| &x.name)?,
        sg_in: sg_part(true)?,
        sg_out: sg_part(false)?,
        any_eni: enis.iter().any(|c| *c),
        enis,
        resources: differ(&a.resources, &b.resources, |x| &x.name)?,
        functions: differ(&a.functions, &b.functions, |x| &x.name)?,
        triggers: differ(&a.triggers, &b.triggers, |x| &x.name)?,
        addrs,
    })
}

/// Does a cell with this node at one end read a changed entity?
struct Reads<'a> {
    e: &'a Engine,
    ch: &'a Changed,
}

impl Reads<'_> {
    fn subnet(&self, s: SubnetId) -> bool {
        let sn = &self.e.sc.subnets[s.ix()];
        self.ch.subnets[s.ix()]
            || self.ch.tables[sn.route_table.ix()]
            || self.ch.nacls[sn.network_acl.ix()]
    }

    /// An end's interface: as a source its outbound rules count, as a
    /// destination its inbound rules (security groups are stateful).
    fn eni(&self, id: EniId, col: bool) -> bool {
        let n = &self.e.sc.enis[id.ix()];
        let sg = if col { &self.ch.sg_in } else { &self.ch.sg_out };
        self.ch.enis[id.ix()]
            || self.subnet(n.subnet)
            || n.security_groups.iter().any(|g| sg[g.ix()])
            || self.ch.addrs.contains(&IpAddr::V4(n.private_ip))
            || n.public_ip
                .is_some_and(|p| self.ch.addrs.contains(&IpAddr::V4(p)))
            || n.ipv6
                .is_some_and(|p| self.ch.addrs.contains(&IpAddr::V6(p)))
    }

    /// A trigger's pollers: they sit in its subnets with its groups, both ways.
    fn trigger(&self, t: TriggerId) -> bool {
        let tr = &self.e.sc.triggers[t.ix()];
        self.ch.triggers[t.ix()]
            || tr.subnets.iter().any(|s| self.subnet(*s))
            || tr
                .security_groups
                .iter()
                .any(|g| self.ch.sg_in[g.ix()] || self.ch.sg_out[g.ix()])
    }

    fn function(&self, f: FunctionId, col: bool) -> bool {
        let func = &self.e.sc.functions[f.ix()];
        self.ch.functions[f.ix()]
            || func
                .vpc
                .as_ref()
                .is_some_and(|v| v.enis.iter().any(|n| self.eni(*n, col)))
            || (col
                && self.e.triggers_by_fn[f.ix()]
                    .iter()
                    .any(|t| self.trigger(*t)))
    }

    fn node(&self, n: Node, col: bool) -> bool {
        match n {
            Node::Function(f) => self.function(f, col),
            // One ENI of a function reads what the whole function reads
            // (and more conservatively so).
            Node::FunctionEni(f, _) => self.function(f, col),
            Node::Resource(r) => {
                self.ch.resources[r.ix()] || self.eni(self.e.sc.resources[r.ix()].eni, col)
            }
            Node::Trigger(t) => {
                self.trigger(t) || self.function(self.e.sc.triggers[t.ix()].function, true)
            }
            // A service's own data is region-wide (compared above); what it
            // pushes to is the callee's column.
            Node::Service(_) => false,
            Node::Host(h) => self.e.sc.external_hosts[h.ix()]
                .ip
                .is_some_and(|ip| self.ch.addrs.contains(&ip)),
            Node::Ip(ip) => self.ch.any_eni || self.ch.addrs.contains(&ip),
            Node::Internet => self.ch.any_eni,
        }
    }
}

/// The rows and columns whose cells can differ between `a` and `b`, for
/// the same node lists on both sides; `None` when any cell can (the
/// scenarios differ in shape, in region-wide data, or on some path's way).
pub(crate) fn affected(a: &Engine, b: &Engine, rows: &[Node], cols: &[Node]) -> Option<Affected> {
    let ch = changed(&a.sc, &b.sc)?;
    if Transit::of(&a.sc).crossed_by(&a.sc, &ch) || Transit::of(&b.sc).crossed_by(&b.sc, &ch) {
        return None;
    }
    let (ra, rb) = (Reads { e: a, ch: &ch }, Reads { e: b, ch: &ch });
    let mark = |nodes: &[Node], col: bool| -> Vec<bool> {
        nodes
            .iter()
            .map(|n| ra.node(*n, col) || rb.node(*n, col))
            .collect()
    };
    Some(Affected {
        rows: mark(rows, false),
        cols: mark(cols, true),
    })
}
