//! Transit gateways: attachments (their VPC, subnets, association and
//! propagations) and route tables (static, blackhole and propagated
//! routes), checked and resolved (Transit Gateway guide, "Transit gateway
//! route tables": <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>).

use std::collections::HashMap;

use ipnet::IpNet;

use super::{Validator, path};
use crate::scenario::*;
use crate::spec::{TgwRouteSpec, TransitGatewaySpec};

/// The name of the one route table of the simple form (AWS's default
/// association and propagation route table).
pub const DEFAULT_TABLE: &str = "default";

impl Validator<'_> {
    pub(super) fn transit_gateways(&mut self) {
        let spec = self.spec;
        for t in &spec.transit_gateways {
            let Some(&id) = self.tgw.get(t.id.as_str()) else {
                continue;
            };
            let (attachments, tables) = self.transit_gateway(t);
            let tg = &mut self.out.transit_gateways[id.ix()];
            tg.attachments = attachments;
            tg.route_tables = tables;
        }
    }

    fn transit_gateway(
        &mut self,
        t: &TransitGatewaySpec,
    ) -> (Vec<TgwAttachment>, Vec<TgwRouteTable>) {
        let (vpc_map, subnet_map) = (self.vpc.clone(), self.subnet.clone());
        let simple = t.route_tables.is_empty();
        if !simple && !t.routes.is_empty() {
            self.invalid(
                path("transit_gateways", &t.id, "routes"),
                &t.id,
                "transit gateway routes",
                "routes",
                "`routes` is the simple form's default table; with `route_tables`, list the routes in the table they belong to".into(),
            );
        }
        // Table names → index.
        let mut tables: Vec<TgwRouteTable> = Vec::new();
        let mut table_ix: HashMap<&str, usize> = HashMap::new();
        if simple {
            table_ix.insert(DEFAULT_TABLE, 0);
            tables.push(TgwRouteTable {
                name: DEFAULT_TABLE.into(),
                routes: Vec::new(),
            });
        }
        for rt in &t.route_tables {
            // A second table of the same name keeps the first one's index
            // (`insert` would point the name past the end of `tables`).
            if table_ix.contains_key(rt.id.as_str()) {
                self.invalid(
                    path("transit_gateways", &t.id, "route_tables"),
                    &t.id,
                    "transit gateway route table",
                    &rt.id,
                    "listed twice".into(),
                );
                continue;
            }
            table_ix.insert(rt.id.as_str(), tables.len());
            tables.push(TgwRouteTable {
                name: rt.id.clone(),
                routes: Vec::new(),
            });
        }
        let default_table = if simple {
            Some(0)
        } else {
            match &t.default_route_table {
                None => None,
                Some(d) => self.tgw_table(&table_ix, d, t, "default_route_table"),
            }
        };
        let mut attachments = Vec::new();
        // Per attachment: the tables it propagates to.
        let mut propagations: Vec<Vec<usize>> = Vec::new();
        for a in &t.attachments {
            let at = path("transit_gateways", &t.id, "attachments");
            let Some(vpc) = self.resolve(&vpc_map, EntityKind::Vpc, &a.vpc, at.clone(), &t.id)
            else {
                continue;
            };
            if attachments.iter().any(|x: &TgwAttachment| x.vpc == vpc) {
                // AWS refuses a second attachment of the same VPC
                // (DuplicateTransitGatewayAttachment).
                self.invalid(
                    at,
                    &t.id,
                    "transit gateway attachment",
                    &a.vpc,
                    "the vpc is attached twice; a vpc has at most one attachment per transit gateway".into(),
                );
                continue;
            }
            let mut subnets = Vec::new();
            for s in &a.subnets {
                if let Some(sub) =
                    self.resolve(&subnet_map, EntityKind::Subnet, s, at.clone(), &t.id)
                    && self.same_vpc(
                        "subnet",
                        s,
                        self.out.subnets[sub.ix()].vpc,
                        vpc,
                        at.clone(),
                        &t.id,
                    )
                {
                    subnets.push(sub);
                }
            }
            let route_table = match &a.route_table {
                Some(n) => self.tgw_table(&table_ix, n, t, "attachments.route_table"),
                None => default_table,
            };
            let propagate = match &a.propagate {
                Some(list) => list
                    .iter()
                    .filter_map(|n| self.tgw_table(&table_ix, n, t, "attachments.propagate"))
                    .collect(),
                // The simple form's static routes turn propagation off
                // (as documented for `routes`).
                None if simple && !t.routes.is_empty() => Vec::new(),
                None => default_table.into_iter().collect(),
            };
            propagations.push(propagate);
            attachments.push(TgwAttachment {
                name: a.id.clone().unwrap_or_else(|| a.vpc.clone()),
                vpc,
                subnets,
                route_table,
                appliance_mode: a.appliance_mode,
            });
        }
        // Static and blackhole routes.
        let statics: Vec<(usize, &TgwRouteSpec, String)> = if simple {
            t.routes
                .iter()
                .map(|r| (0, r, format!("routes[{}]", r.dest)))
                .collect()
        } else {
            t.route_tables
                .iter()
                .filter_map(|rt| table_ix.get(rt.id.as_str()).map(|i| (*i, rt)))
                .flat_map(|(i, rt)| {
                    rt.routes
                        .iter()
                        .map(move |r| (i, r, format!("route_tables[{}].routes[{}]", rt.id, r.dest)))
                })
                .collect()
        };
        for (ti, r, field) in statics {
            let at = path("transit_gateways", &t.id, &field);
            let Some(dest) = self.parse_net(&r.dest, at.clone(), &t.id) else {
                continue;
            };
            let target = match &r.vpc {
                None => None,
                Some(v) => {
                    let Some(vpc) = self.resolve(&vpc_map, EntityKind::Vpc, v, at.clone(), &t.id)
                    else {
                        continue;
                    };
                    match attachments.iter().position(|a| a.vpc == vpc) {
                        Some(i) => Some(i),
                        None => {
                            // A route's target is an attachment of this
                            // transit gateway.
                            self.invalid(
                                at,
                                &t.id,
                                "transit gateway route",
                                v,
                                format!("vpc `{v}` is not attached to transit gateway `{}`; add it to `attachments`", t.id),
                            );
                            continue;
                        }
                    }
                }
            };
            if tables[ti].routes.iter().any(|x| x.dest == dest) {
                self.invalid(
                    at,
                    &t.id,
                    "transit gateway route",
                    &r.dest,
                    format!(
                        "route table `{}` already has a route to {dest}",
                        tables[ti].name
                    ),
                );
                continue;
            }
            tables[ti].routes.push(TgwRoute {
                dest,
                target,
                propagated: false,
            });
        }
        // Propagated routes: each attachment's VPC CIDRs, in the tables it
        // propagates to. A static route to the same prefix takes priority,
        // and a prefix already propagated by another attachment is not
        // propagated again ("Transit gateway route tables"; overlapping
        // CIDRs in tgw-vpc-attachments).
        // An attachment propagates its VPC's IPv6 block too (a transit
        // gateway route table holds IPv4 and IPv6 CIDRs, "Transit gateways
        // in AWS Transit Gateway",
        // <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html>).
        for (ai, tabs) in propagations.iter().enumerate() {
            let vpc = attachments[ai].vpc;
            let v = &self.out.vpcs[vpc.ix()];
            let blocks: Vec<IpNet> = v
                .cidrs
                .iter()
                .map(|c| IpNet::V4(*c))
                .chain(v.ipv6_cidr.map(IpNet::V6))
                .collect();
            for &ti in tabs {
                for &dest in &blocks {
                    if tables[ti].routes.iter().any(|x| x.dest == dest) {
                        continue;
                    }
                    tables[ti].routes.push(TgwRoute {
                        dest,
                        target: Some(ai),
                        propagated: true,
                    });
                }
            }
        }
        (attachments, tables)
    }

    /// Whether a transit gateway with security-group referencing enabled
    /// attaches both VPCs: then rules may reference groups across it
    /// (`SecurityGroupReferencingSupport`, Transit Gateway guide, "Security
    /// group referencing": <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>).
    /// Read from the file, since groups are checked before the transit
    /// gateways are.
    pub(super) fn tgw_sg_referencing(&self, a: VpcId, b: VpcId) -> bool {
        let (a, b) = (self.vpc_name(a), self.vpc_name(b));
        self.spec.transit_gateways.iter().any(|t| {
            t.sg_referencing
                && t.attachments.iter().any(|x| x.vpc == a)
                && t.attachments.iter().any(|x| x.vpc == b)
        })
    }

    fn tgw_table(
        &mut self,
        tables: &HashMap<&str, usize>,
        name: &str,
        t: &TransitGatewaySpec,
        field: &str,
    ) -> Option<usize> {
        if let Some(i) = tables.get(name) {
            return Some(*i);
        }
        let mut known: Vec<&str> = tables.keys().copied().collect();
        known.sort_unstable();
        self.invalid(
            path("transit_gateways", &t.id, field),
            &t.id,
            "transit gateway route table",
            name,
            format!(
                "no route table of that name in transit gateway `{}` (known: {})",
                t.id,
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ),
        );
        None
    }
}
