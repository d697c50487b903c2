//! VPC peering connections and transit gateways.
//!
//! The model's transit gateway has one route list (the route-table model
//! of issue 9 is not built yet): a gateway whose attachments all use one
//! route table is imported with that table's routes; anything else (several
//! tables in use, routes to VPN or peering attachments, tables owned by
//! another account) makes its routes `missing`, never guessed.

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
    let mut vpc_att: HashMap<String, (String, String, Vec<String>)> = HashMap::new(); // id -> (tgw, vpc, subnets)
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
        vpc_att.insert(id.to_string(), (tgw.to_string(), vpc.to_string(), subnets));
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
        let mut attachments = Vec::new();
        let mut att_vpc: HashMap<String, String> = HashMap::new();
        let mut used_tables = BTreeSet::new();
        let mut unassociated = Vec::new();
        for (aid, (tgw, vpc, subnets)) in &vpc_att {
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
            att_vpc.insert(aid.clone(), vpc.clone());
            attachments.push(TgwAttachmentSpec {
                vpc: vpc.clone(),
                subnets,
                ..Default::default()
            });
            match assoc.get(aid) {
                Some(Some(t)) => {
                    used_tables.insert(t.clone());
                }
                Some(None) => unassociated.push(aid.clone()),
                None => {}
            }
        }
        attachments.sort_by(|a, b| a.vpc.cmp(&b.vpc));
        let own: Vec<&String> = tables
            .iter()
            .filter(|(_, t)| *t == id)
            .map(|(r, _)| r)
            .collect();
        let mut tgw_routes = Vec::new();
        let mut gap: Option<String> = None;
        if !unassociated.is_empty() {
            gap = Some(format!(
                "attachments {} are associated with no route table (AWS drops their traffic), which the model cannot say",
                unassociated.join(", ")
            ));
        }
        if used_tables.len() > 1 {
            gap = Some(format!(
                "its attachments use {} route tables ({}); awsreach models one route list per transit gateway (issue 9)",
                used_tables.len(),
                used_tables.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        let table = used_tables
            .iter()
            .next()
            .cloned()
            .or_else(|| (own.len() == 1).then(|| own[0].clone()));
        match (&gap, table) {
            (Some(_), _) => {}
            (None, None) => {
                gap = Some(if own.is_empty() && s(&it.v, "OwnerId").is_some() {
                    "its route tables are not in the snapshot (owned by another account, or not collected)".into()
                } else {
                    "which route table its attachments use is not in the snapshot".into()
                });
            }
            (None, Some(t)) if !routes_read.contains(&t) => {
                gap = Some(format!(
                    "the routes of its table {t} are not in the snapshot (search-transit-gateway-routes)"
                ));
            }
            (None, Some(t)) if anonymous.iter().any(|(r, _)| *r == t) => {
                let dests: Vec<&str> = anonymous
                    .iter()
                    .filter(|(r, _)| *r == t)
                    .map(|(_, d)| d.as_str())
                    .collect();
                gap = Some(format!(
                    "active routes of {t} name no attachment ({}), which AWS never does (a moto quirk): where they lead is unknown",
                    dests.join(", ")
                ));
            }
            (None, Some(t)) => {
                let mut lost = Vec::new();
                for r in routes.get(&t).map(Vec::as_slice).unwrap_or(&[]) {
                    match &r.attachment {
                        None => tgw_routes.push(TgwRouteSpec {
                            dest: r.dest.clone(),
                            vpc: None,
                        }),
                        Some(a) => match att_vpc.get(a) {
                            Some(v) => tgw_routes.push(TgwRouteSpec {
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
                if !lost.is_empty() {
                    gap = Some(format!(
                        "routes to attachments awsreach does not model: {}",
                        lost.join(", ")
                    ));
                } else if tgw_routes.is_empty() {
                    // An empty table routes nothing; the model reads an
                    // empty list as "propagate every attachment", so say it.
                    tgw_routes.push(TgwRouteSpec {
                        dest: "0.0.0.0/0".into(),
                        vpc: None,
                    });
                    cx.read(
                        &it.src,
                        id,
                        format!("route table {t} is empty: nothing is routed"),
                    );
                }
                tgw_routes.sort_by(|a, b| a.dest.cmp(&b.dest).then(a.vpc.cmp(&b.vpc)));
                tgw_routes.dedup();
            }
        }
        if let Some(why) = gap {
            cx.missing(&it.src, id, MissingKind::TgwRoutes, why);
            // The imported routes are the part that was readable.
        }
        cx.targets.insert(id.to_string(), "tgw");
        n += 1;
        cx.spec.transit_gateways.push(TransitGatewaySpec {
            id: id.to_string(),
            attachments,
            routes: tgw_routes,
            ..Default::default()
        });
    }
    cx.read(
        "TransitGateways",
        "TransitGateways",
        format!("{n} transit gateways"),
    );
}
