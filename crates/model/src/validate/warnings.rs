//! Warnings: legal but suspicious configurations, checked only when the
//! scenario has no errors.

use crate::error::Problem;
use crate::scenario::*;
use crate::spec::*;

use super::{Validator, path};

impl Validator<'_> {
    /// Legal but suspicious configurations.
    pub(super) fn warnings(&mut self) {
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
                // A dual-stack ENI whose subnet sends ::/0 to the internet
                // gateway still has the internet over IPv6 (rule 24).
                let rt = &self.out.route_tables[self.out.subnets[eni.subnet.ix()].route_table.ix()];
                let v6_out = rt.routes.iter().any(|r| {
                    matches!(r.target, Target::Igw(_))
                        && matches!(r.dest, RouteDest::Cidr(ipnet::IpNet::V6(n)) if n.prefix_len() == 0)
                });
                let problem = match eni.ipv6 {
                    Some(a) if v6_out => Problem::Ipv6OnlyInPublicSubnet {
                        id: r.name.clone(),
                        subnet,
                        ipv6: a.to_string(),
                    },
                    _ => Problem::NoPublicIpInPublicSubnet {
                        id: r.name.clone(),
                        subnet,
                    },
                };
                found.push((
                    path("resources", &r.name, "public_ip"),
                    r.name.clone(),
                    problem,
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
        // Each route table's 0.0.0.0/0 target, once (a table may hold
        // 1,000 routes and serve 1,000 subnets).
        let defaults: Vec<Option<Target>> = self
            .out
            .route_tables
            .iter()
            .map(|rt| {
                rt.routes
                    .iter()
                    .find(|r| matches!(r.dest, RouteDest::Cidr(ipnet::IpNet::V4(n)) if n.prefix_len() == 0))
                    .map(|r| r.target)
            })
            .collect();
        self.ways_out(&defaults, &mut found);
        self.nacl_replies(&mut found);
        self.nat_zones(&defaults, &mut found);
        self.appliance_mode(&mut found);
        for (p, id, problem) in found {
            self.err(p, &id, problem);
        }
    }
}

/// Where a subnet sends 0.0.0.0/0, by kind of target: two NAT gateways in
/// two zones are the same way out, a NAT gateway and no route are not.
fn way_out(defaults: &[Option<Target>], sc: &Scenario, s: SubnetId) -> &'static str {
    match defaults[sc.subnets[s.ix()].route_table.ix()] {
        None => "nothing (no 0.0.0.0/0 route)",
        Some(Target::Nat(_)) => "a NAT gateway",
        Some(Target::Igw(_)) => "an internet gateway",
        Some(Target::TransitGateway(_)) => "a transit gateway",
        Some(Target::Peering(_)) => "a peering connection",
        Some(Target::Eni(_)) => "a network interface",
        Some(Target::Blackhole) => "a blackhole",
        Some(_) => "another target",
    }
}

/// The first reply port in 1024-65535 that the egress rules of `nacl` do
/// not allow towards `clients` for `proto` (first match by rule number,
/// then the implicit deny), or None when every reply gets out. Rules
/// covering only part of `clients` deny some of them, and allow too few.
fn reply_gap(
    nacl: &NetworkAcl,
    proto: crate::net::Protocol,
    clients: ipnet::IpNet,
) -> Option<(u16, u16)> {
    // Undecided port intervals of the ephemeral range.
    let mut open: Vec<(u16, u16)> = vec![(1024, 65535)];
    for r in &nacl.egress {
        if !r.protocol.matches(proto) || open.is_empty() {
            continue;
        }
        let covers = r.cidr.contains(&clients);
        let touches = covers || clients.contains(&r.cidr);
        if !touches {
            continue;
        }
        let (lo, hi) = if r.protocol == crate::net::Protocol::All {
            (0, 65535)
        } else {
            (r.ports.lo, r.ports.hi)
        };
        if r.action == RuleAction::Deny {
            if let Some(denied) = open
                .iter()
                .map(|&(a, b)| (a.max(lo), b.min(hi)))
                .find(|(x, y)| x <= y)
            {
                return Some(denied);
            }
        } else if covers {
            // An allow for some of the clients decides nothing for all.
            open = minus(&open, lo, hi);
        }
    }
    open.first().copied()
}

/// The port intervals `open` without `lo..=hi`.
fn minus(open: &[(u16, u16)], lo: u16, hi: u16) -> Vec<(u16, u16)> {
    let mut next = Vec::new();
    for &(a, b) in open {
        let (x, y) = (a.max(lo), b.min(hi));
        if x > y {
            next.push((a, b));
            continue;
        }
        if a < x {
            next.push((a, x - 1));
        }
        if y < b {
            next.push((y + 1, b));
        }
    }
    next
}

/// True when inbound rule `k` of `nacl` decides some packet: rules are
/// evaluated in order and the first match wins (rule 17), so an allow whose
/// every (protocol, port) for all of its sources a lower-numbered rule
/// already decides (a deny above it, or an allow that says it first) is
/// never used. Only earlier rules covering all of its sources decide for
/// it; one for some of them leaves the rest to it.
fn ingress_effective(nacl: &NetworkAcl, k: usize) -> bool {
    let r = &nacl.ingress[k];
    let ports = |x: &crate::scenario::NaclRule| {
        if x.protocol.has_ports() {
            (x.ports.lo, x.ports.hi)
        } else {
            (0, 65535)
        }
    };
    // Undecided port intervals of the rule.
    let mut open: Vec<(u16, u16)> = vec![ports(r)];
    for e in &nacl.ingress[..k] {
        let same_proto = e.protocol == crate::net::Protocol::All || e.protocol == r.protocol;
        if !same_proto || !e.cidr.contains(&r.cidr) {
            continue;
        }
        let (lo, hi) = ports(e);
        open = minus(&open, lo, hi);
        if open.is_empty() {
            return false;
        }
    }
    true
}

impl Validator<'_> {
    /// A function whose subnets leave differently: Lambda may use any of
    /// its interfaces (rule 1), so a call works from one and not another.
    fn ways_out(&self, defaults: &[Option<Target>], found: &mut Vec<(String, String, Problem)>) {
        let way_out = |s| way_out(defaults, &self.out, s);
        for f in &self.out.functions {
            let Some(v) = &f.vpc else { continue };
            let Some((&first, rest)) = v.subnets.split_first() else {
                continue;
            };
            let a_way = way_out(first);
            if let Some(&b) = rest.iter().find(|&&b| way_out(b) != a_way) {
                found.push((
                    path("functions", &f.name, "vpc.subnets"),
                    f.name.clone(),
                    Problem::FunctionSubnetsDiffer {
                        function: f.name.clone(),
                        a: self.out.subnets[first.ix()].name.clone(),
                        a_way: a_way.into(),
                        b: self.out.subnets[b.ix()].name.clone(),
                        b_way: way_out(b).into(),
                    },
                ));
            }
        }
    }

    /// An inbound allowance for a service port, effective under first-match
    /// evaluation, whose replies the same (stateless) ACL denies outbound
    /// (rule 17). Wide inbound ranges
    /// (1,000 ports or more) are themselves reply allowances, not services,
    /// and are left alone; so are ACLs no subnet uses.
    fn nacl_replies(&self, found: &mut Vec<(String, String, Problem)>) {
        use crate::net::Protocol;
        let mut used = vec![false; self.out.network_acls.len()];
        for s in &self.out.subnets {
            used[s.network_acl.ix()] = true;
        }
        for (i, nacl) in self.out.network_acls.iter().enumerate() {
            if !used[i] {
                continue;
            }
            for (k, r) in nacl.ingress.iter().enumerate() {
                if r.action != RuleAction::Allow || r.protocol == Protocol::Icmp {
                    continue;
                }
                // An allowance a lower-numbered rule shadows admits nothing.
                if !ingress_effective(nacl, k) {
                    continue;
                }
                let (lo, hi) = if r.protocol == Protocol::All {
                    (0, 65535)
                } else {
                    (r.ports.lo, r.ports.hi)
                };
                if hi - lo >= 1000 {
                    continue;
                }
                let proto = if r.protocol == Protocol::Udp {
                    Protocol::Udp
                } else {
                    Protocol::Tcp
                };
                if let Some((x, y)) = reply_gap(nacl, proto, r.cidr) {
                    let p = if proto == Protocol::Udp { "udp" } else { "tcp" };
                    let what = if lo == hi {
                        format!("{p}/{lo}")
                    } else {
                        format!("{p}/{lo}-{hi}")
                    };
                    found.push((
                        format!("network_acls[\"{}\"].egress", nacl.name),
                        nacl.name.clone(),
                        Problem::NaclNoReplyAllowance {
                            nacl: nacl.name.clone(),
                            rule: r.number,
                            what,
                            cidr: r.cidr.to_string(),
                            gap: if x == y {
                                x.to_string()
                            } else {
                                format!("{x}-{y}")
                            },
                        },
                    ));
                    break;
                }
            }
        }
    }

    /// A transit gateway attachment whose subnets span several zones and
    /// whose route table (an attachment subnet's) sends traffic to a
    /// forwarding appliance, with appliance mode off: the classic
    /// inspection-VPC mistake (rule 18; "Example: Appliance in a shared
    /// services VPC",
    /// https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html;
    /// `ApplianceModeSupport`, "Amazon VPC attachments",
    /// https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html).
    /// The simulator's appliances translate like NAT instances, so no
    /// verdict depends on it: a warning says what a real firewall would do.
    fn appliance_mode(&self, found: &mut Vec<(String, String, Problem)>) {
        for g in &self.out.transit_gateways {
            for a in &g.attachments {
                let zones: std::collections::BTreeSet<&str> = a
                    .subnets
                    .iter()
                    .map(|s| self.out.subnets[s.ix()].az.as_str())
                    .collect();
                if a.appliance_mode || zones.len() < 2 {
                    continue;
                }
                let appliance = a.subnets.iter().find_map(|s| {
                    let t = self.out.subnets[s.ix()].route_table;
                    self.out.route_tables[t.ix()]
                        .routes
                        .iter()
                        .find_map(|r| match r.target {
                            Target::Eni(e) => match self.out.enis[e.ix()].owner {
                                EniOwner::Resource(res)
                                    if self.out.resources[res.ix()].forwarding =>
                                {
                                    Some((t, res))
                                }
                                _ => None,
                            },
                            _ => None,
                        })
                });
                let Some((t, res)) = appliance else { continue };
                let vpc = self.out.vpcs[a.vpc.ix()].name.clone();
                found.push((
                    path(
                        "transit_gateways",
                        &g.name,
                        &format!("attachments[{vpc}].appliance_mode"),
                    ),
                    g.name.clone(),
                    Problem::ApplianceModeOff {
                        tgw: g.name.clone(),
                        attachment: a.name.clone(),
                        vpc,
                        zones: zones.len(),
                        table: self.out.route_tables[t.ix()].name.clone(),
                        appliance: self.out.resources[res.ix()].name.clone(),
                    },
                ));
            }
        }
    }

    /// A subnet routed to a NAT gateway of another availability zone: it
    /// works, but the zone's outage cuts it off (Amazon VPC, "NAT gateway
    /// basics": a NAT gateway is zonal; "create a NAT gateway in each
    /// Availability Zone",
    /// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html).
    /// Only subnets that both declare `az` are compared.
    fn nat_zones(&self, defaults: &[Option<Target>], found: &mut Vec<(String, String, Problem)>) {
        let declared: std::collections::HashSet<&str> = self
            .spec
            .subnets
            .iter()
            .filter(|s| s.az.is_some())
            .map(|s| s.id.as_str())
            .collect();
        for s in &self.out.subnets {
            if !declared.contains(s.name.as_str()) {
                continue;
            }
            let Some(Target::Nat(n)) = defaults[s.route_table.ix()] else {
                continue;
            };
            let nat = &self.out.nat_gateways[n.ix()];
            let home = &self.out.subnets[nat.subnet.ix()];
            if declared.contains(home.name.as_str()) && home.az != s.az {
                found.push((
                    path("subnets", &s.name, "route_table"),
                    s.name.clone(),
                    Problem::NatServesOtherAz {
                        subnet: s.name.clone(),
                        az: s.az.clone(),
                        nat: nat.name.clone(),
                        nat_az: home.az.clone(),
                    },
                ));
            }
        }
    }
}
