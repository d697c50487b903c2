//! VPC peering connections and transit gateways.
//!
//! A transit gateway is imported with its route tables (the routes
//! search-transit-gateway-routes returns, or Batfish's static routes and
//! propagations), each VPC attachment's association, subnets and appliance
//! mode, and the gateway's security group referencing. What the snapshot
//! cannot say (a table's routes not collected, an association not listed,
//! routes to VPN or peering attachments, tables owned by another account)
//! makes its routes `missing`, never guessed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use awsreach_model::spec::*;

use super::build::Ctx;
use super::value::{arr, s, strs};

pub fn peerings(cx: &mut Ctx) {
    let items = cx.dump.list("VpcPeeringConnections").to_vec();
    let mut n = 0;
    for it in &items {
        let Some(id) = s(&it.v, "VpcPeeringConnectionId") else {
            continue;
        };
        let status =
            it.v.get("Status")
                .and_then(|x| s(x, "Code"))
                .unwrap_or("active");
        if status != "active" {
            cx.skip(
                &it.src,
                id,
                format!("peering connection is {status}: carries no traffic"),
            );
            continue;
        }
        let req = it.v.get("RequesterVpcInfo").and_then(|x| s(x, "VpcId"));
        let acc = it.v.get("AccepterVpcInfo").and_then(|x| s(x, "VpcId"));
        let (Some(req), Some(acc)) = (req, acc) else {
            continue;
        };
        let absent: Vec<&str> = [req, acc]
            .into_iter()
            .filter(|v| !cx.vpcs.contains_key(*v))
            .collect();
        if !absent.is_empty() {
            cx.skip(
                &it.src,
                id,
                format!(
                    "peering with {} outside this snapshot (another region or account): routes to it are missing",
                    absent.join(", ")
                ),
            );
            continue;
        }
        if !cx.claim(&it.src, id, "peering connection") {
            continue;
        }
        cx.targets.insert(id.to_string(), "pcx");
        n += 1;
        cx.spec.peering_connections.push(PeeringSpec {
            id: id.to_string(),
            requester: req.to_string(),
            accepter: acc.to_string(),
        });
    }
    if !items.is_empty() {
        cx.read(
            "VpcPeeringConnections",
            "VpcPeeringConnections",
            format!("{n} peering connections"),
        );
    }
}

/// A route of a transit-gateway route table, from search-transit-gateway-routes
/// or from Batfish's static routes and propagations.
struct TgwRoute {
    dest: String,
    /// The attachment it sends to; none for a blackhole.
    attachment: Option<String>,
}

pub fn transit_gateways(cx: &mut Ctx) {
    let gws = cx.dump.list("TransitGateways").to_vec();
    if gws.is_empty() {
        return;
    }
    // Attachments: VPC attachments carry their subnets.
    // id -> (tgw, vpc, subnets, appliance mode)
    let mut vpc_att: HashMap<String, (String, String, Vec<String>, bool)> = HashMap::new();
    for it in cx.dump.list("TransitGatewayVpcAttachments") {
        let st = s(&it.v, "State").unwrap_or("available");
        let (Some(id), Some(tgw), Some(vpc)) = (
            s(&it.v, "TransitGatewayAttachmentId"),
            s(&it.v, "TransitGatewayId"),
            s(&it.v, "VpcId"),
        ) else {
            continue;
        };
        if st != "available" {
            continue;
        }
        let subnets = strs(&it.v, "SubnetIds")
            .into_iter()
            .map(str::to_string)
            .collect();
        let appliance =
            it.v.get("Options")
                .and_then(|o| s(o, "ApplianceModeSupport"))
                == Some("enable");
        vpc_att.insert(
            id.to_string(),
            (tgw.to_string(), vpc.to_string(), subnets, appliance),
        );
    }
    // Every attachment (any kind) and its association.
    let mut kind_of: HashMap<String, String> = HashMap::new();
    let mut assoc: HashMap<String, Option<String>> = HashMap::new();
    for it in cx.dump.list("TransitGatewayAttachments") {
        let Some(id) = s(&it.v, "TransitGatewayAttachmentId") else {
            continue;
        };
        let st = s(&it.v, "State").unwrap_or("available");
        if st != "available" {
            cx.skip(
                &it.src,
                id,
                format!("transit gateway attachment is {st}: carries no traffic"),
            );
            continue;
        }
        kind_of.insert(
            id.to_string(),
            s(&it.v, "ResourceType").unwrap_or("?").to_string(),
        );
        let a =
            it.v.get("Association")
                .filter(|a| s(a, "State").is_none_or(|x| x == "associated"))
                .and_then(|a| s(a, "TransitGatewayRouteTableId"))
                .map(str::to_string);
        assoc.insert(id.to_string(), a);
    }
    // Route tables per gateway, and their routes.
    let mut tables: BTreeMap<String, String> = BTreeMap::new(); // rtb -> tgw
    for it in cx.dump.list("TransitGatewayRouteTables") {
        if let (Some(id), Some(tgw)) = (
            s(&it.v, "TransitGatewayRouteTableId"),
            s(&it.v, "TransitGatewayId"),
        ) {
            tables.insert(id.to_string(), tgw.to_string());
        }
    }
    let mut routes: HashMap<String, Vec<TgwRoute>> = HashMap::new();
    let mut routes_read: BTreeSet<String> = BTreeSet::new();
    let mut anonymous: Vec<(String, String)> = Vec::new();
    for (it, rtb) in &cx.dump.tgw_routes {
        routes_read.insert(rtb.clone());
        for r in it.v.as_array().map(Vec::as_slice).unwrap_or(&[]) {
            let Some(dest) = s(r, "DestinationCidrBlock") else {
                continue;
            };
            let att = arr(r, "TransitGatewayAttachments")
                .first()
                .and_then(|a| s(a, "TransitGatewayAttachmentId"))
                .map(str::to_string);
            let blackhole = s(r, "State") == Some("blackhole");
            if att.is_none() && !blackhole {
                // An active route always names its attachment in AWS;
                // moto leaves the list empty. Where it goes is unknown.
                anonymous.push((rtb.clone(), dest.to_string()));
                continue;
            }
            routes.entry(rtb.clone()).or_default().push(TgwRoute {
                dest: dest.to_string(),
                attachment: if blackhole { None } else { att },
            });
        }
    }
    // Batfish's layout: static routes plus propagations.
    for it in cx.dump.list("TransitGatewayStaticRoutes") {
        let Some(rtb) = s(&it.v, "TransitGatewayRouteTableId") else {
            continue;
        };
        routes_read.insert(rtb.to_string());
        for r in arr(&it.v, "Routes") {
            let Some(dest) = s(r, "DestinationCidrBlock") else {
                continue;
            };
            let att = arr(r, "TransitGatewayAttachments")
                .first()
                .and_then(|a| s(a, "TransitGatewayAttachmentId"))
                .map(str::to_string);
            let blackhole = s(r, "State") == Some("blackhole");
            routes.entry(rtb.to_string()).or_default().push(TgwRoute {
                dest: dest.to_string(),
                attachment: if blackhole { None } else { att },
            });
        }
    }
    for it in cx.dump.list("TransitGatewayPropagations") {
        let Some(rtb) = s(&it.v, "TransitGatewayRouteTableId") else {
            continue;
        };
        routes_read.insert(rtb.to_string());
        for p in arr(&it.v, "TransitGatewayRouteTablePropagations") {
            if s(p, "State").is_some_and(|x| x != "enabled") {
                continue;
            }
            let Some(att) = s(p, "TransitGatewayAttachmentId") else {
                continue;
            };
            if s(p, "ResourceType") == Some("vpc") {
                if let Some(vpc) = s(p, "ResourceId") {
                    for c in cx.vpcs.get(vpc).cloned().unwrap_or_default() {
                        routes.entry(rtb.to_string()).or_default().push(TgwRoute {
                            dest: c.to_string(),
                            attachment: Some(att.to_string()),
                        });
                    }
                }
            } else {
                // A VPN/Direct Connect propagation: its BGP routes are not
                // in any describe call.
                routes.entry(rtb.to_string()).or_default().push(TgwRoute {
                    dest: "(propagated)".into(),
                    attachment: Some(att.to_string()),
                });
            }
        }
    }

    let mut n = 0;
    for it in &gws {
        let Some(id) = s(&it.v, "TransitGatewayId") else {
            continue;
        };
        let st = s(&it.v, "State").unwrap_or("available");
        if st != "available" {
            cx.skip(&it.src, id, format!("transit gateway is {st}"));
            continue;
        }
        if !cx.claim(&it.src, id, "transit gateway") {
            continue;
        }
        let own: BTreeSet<&String> = tables
            .iter()
            .filter(|(_, t)| *t == id)
            .map(|(r, _)| r)
            .collect();
        let mut gaps: Vec<String> = Vec::new();
        let mut attachments = Vec::new();
        let mut att_vpc: HashMap<String, String> = HashMap::new();
        let mut used_tables = BTreeSet::new();
        for (aid, (tgw, vpc, subnets, appliance)) in &vpc_att {
            if tgw != id {
                continue;
            }
            if !cx.vpcs.contains_key(vpc) {
                cx.skip(
                    &it.src,
                    aid,
                    format!("attachment of VPC {vpc}, outside this snapshot"),
                );
                continue;
            }
            let subnets: Vec<String> = subnets
                .iter()
                .filter(|x| cx.subnets.contains_key(*x))
                .cloned()
                .collect();
            if subnets.is_empty() {
                cx.report.push(
                    crate::EntryKind::Missing,
                    &it.src,
                    aid,
                    "none of the attachment's subnets is in the snapshot",
                );
                continue;
            }
            let route_table = match assoc.get(aid) {
                Some(Some(t)) if own.contains(t) => {
                    used_tables.insert(t.clone());
                    Some(t.clone())
                }
                Some(Some(t)) => {
                    gaps.push(format!(
                        "attachment {aid} is associated with route table {t}, which is not in the snapshot"
                    ));
                    None
                }
                // Known to be associated with no table: AWS routes nothing it brings in.
                Some(None) => None,
                None => {
                    gaps.push(format!(
                        "the association of attachment {aid} is not in the snapshot (describe-transit-gateway-attachments)"
                    ));
                    None
                }
            };
            att_vpc.insert(aid.clone(), vpc.clone());
            attachments.push(TgwAttachmentSpec {
                id: Some(aid.clone()),
                vpc: vpc.clone(),
                subnets,
                route_table,
                // The tables' routes below are the effective ones, propagated
                // routes included.
                propagate: Some(Vec::new()),
                appliance_mode: *appliance,
            });
        }
        attachments.sort_by(|a, b| a.vpc.cmp(&b.vpc));
        if own.is_empty() && !attachments.is_empty() {
            gaps.push(if s(&it.v, "OwnerId").is_some() {
                "its route tables are not in the snapshot (owned by another account, or not collected)".into()
            } else {
                "which route table its attachments use is not in the snapshot".into()
            });
        }
        let mut route_tables = Vec::new();
        for t in &own {
            let used = used_tables.contains(*t);
            let mut table_routes: Vec<TgwRouteSpec> = Vec::new();
            if !routes_read.contains(*t) {
                if used {
                    gaps.push(format!(
                        "the routes of its table {t} are not in the snapshot (search-transit-gateway-routes)"
                    ));
                }
            } else if anonymous.iter().any(|(r, _)| r == *t) {
                // Reported whether or not an association is known: where
                // such a route leads is unknown either way.
                let dests: Vec<&str> = anonymous
                    .iter()
                    .filter(|(r, _)| r == *t)
                    .map(|(_, d)| d.as_str())
                    .collect();
                gaps.push(format!(
                    "active routes of {t} name no attachment ({}), which AWS never does (a moto quirk): where they lead is unknown",
                    dests.join(", ")
                ));
            }
            let mut lost = Vec::new();
            for r in routes.get(*t).map(Vec::as_slice).unwrap_or(&[]) {
                // The first route to a prefix is the effective one (static
                // routes are read before propagations).
                if table_routes.iter().any(|x| x.dest == r.dest) {
                    continue;
                }
                match &r.attachment {
                    None => table_routes.push(TgwRouteSpec {
                        dest: r.dest.clone(),
                        vpc: None,
                    }),
                    Some(a) => match att_vpc.get(a) {
                        Some(v) => table_routes.push(TgwRouteSpec {
                            dest: r.dest.clone(),
                            vpc: Some(v.clone()),
                        }),
                        None => lost.push(format!(
                            "{} → {a} ({})",
                            r.dest,
                            kind_of
                                .get(a)
                                .map(String::as_str)
                                .unwrap_or("attachment outside the snapshot")
                        )),
                    },
                }
            }
            if used && !lost.is_empty() {
                gaps.push(format!(
                    "routes of {t} to attachments awsreach does not model: {}",
                    lost.join(", ")
                ));
            }
            table_routes.sort_by(|a, b| a.dest.cmp(&b.dest).then(a.vpc.cmp(&b.vpc)));
            route_tables.push(TgwRouteTableSpec {
                id: (*t).clone(),
                routes: table_routes,
            });
        }
        let gap = (!gaps.is_empty()).then(|| gaps.join("; "));
        let sg_referencing =
            it.v.get("Options")
                .and_then(|o| s(o, "SecurityGroupReferencingSupport"))
                == Some("enable");
        if let Some(why) = gap {
            cx.missing(&it.src, id, MissingKind::TgwRoutes, why);
            // The imported routes are the part that was readable.
        }
        cx.targets.insert(id.to_string(), "tgw");
        n += 1;
        if route_tables.is_empty() {
            // No table to name: the simple form's default table must not
            // propagate what the snapshot does not say (and `missing` above
            // makes any use of it unknown).
            route_tables.push(TgwRouteTableSpec {
                id: "unknown".into(),
                routes: Vec::new(),
            });
        }
        cx.spec.transit_gateways.push(TransitGatewaySpec {
            id: id.to_string(),
            attachments,
            route_tables,
            sg_referencing,
            ..Default::default()
        });
    }
    cx.read(
        "TransitGateways",
        "TransitGateways",
        format!("{n} transit gateways"),
    );
}
