//! VPC peering connections and transit gateways: their attachments
//! (subnets, appliance mode), route tables, static and blackhole routes,
//! associations and propagations, with AWS's default route table where the
//! gateway and the attachment leave default association and propagation on
//! (Terraform's defaults: `default_route_table_association`,
//! `transit_gateway_default_route_table_association`, ...).

use std::collections::HashMap;

use awsreach_model::spec::{
    MissingKind, PeeringSpec, TgwAttachmentSpec, TgwRouteSpec, TgwRouteTableSpec,
    TransitGatewaySpec,
};

use super::graph::Target;
use super::{Builder, Kind};
use crate::report::EntryKind;

pub(super) fn peering(b: &mut Builder) {
    for i in b.of_type("aws_vpc_peering_connection") {
        let id = b.sid(i);
        let requester = b.refer_vpc(i, "vpc_id");
        let accepter = b.refer_one(i, &["peer_vpc_id"], Kind::Vpc);
        let (Some(requester), Some(accepter)) = (requester, accepter) else {
            let src = b.src(i);
            b.report.push(
                EntryKind::Missing,
                src,
                id,
                "one side of the peering is not in the plan: left out",
            );
            b.skipped.insert(i);
            continue;
        };
        if let Some(r) = b
            .plan
            .str(i, &["peer_region"])
            .filter(|r| *r != b.spec.region)
        {
            let msg = format!("the peer VPC is in {r}; awsreach treats both sides as one region");
            b.warn(i, msg);
        }
        b.define(Some(i), Kind::Peering, &id);
        b.spec.peering_connections.push(PeeringSpec {
            id,
            requester,
            accepter,
        });
    }
    for i in b
        .of_type("aws_vpc_peering_connection_accepter")
        .into_iter()
        .chain(b.of_type("aws_vpc_peering_connection_options"))
    {
        // The connection itself carries both sides.
        b.used.insert(i);
    }
}

/// The name of a gateway's AWS-created default route table.
fn default_table(tgw: &str) -> String {
    format!("{tgw}.default_route_table")
}

pub(super) fn transit(b: &mut Builder) {
    // gateway address → (default association on, default propagation on)
    let mut defaults: HashMap<String, (bool, bool)> = HashMap::new();
    // gateway instance → its address
    let mut gateways: HashMap<usize, String> = HashMap::new();
    for i in b.of_type("aws_ec2_transit_gateway") {
        let id = b.sid(i);
        b.define(Some(i), Kind::Tgw, &id);
        let on = |b: &Builder, attr: &str| b.plan.str(i, &[attr]) != Some("disable");
        let d = (
            on(b, "default_route_table_association"),
            on(b, "default_route_table_propagation"),
        );
        defaults.insert(id.clone(), d);
        gateways.insert(i, id.clone());
        let sg_referencing =
            b.plan.str(i, &["security_group_referencing_support"]) == Some("enable");
        b.spec.transit_gateways.push(TransitGatewaySpec {
            id,
            sg_referencing,
            ..Default::default()
        });
    }
    // attachment instance → (tgw, vpc)
    let mut attached: HashMap<usize, (String, String)> = HashMap::new();
    for i in b.of_type("aws_ec2_transit_gateway_vpc_attachment") {
        let (Some(tgw), Some(vpc)) = (
            b.refer_one(i, &["transit_gateway_id"], Kind::Tgw),
            b.refer_vpc(i, "vpc_id"),
        ) else {
            b.skipped.insert(i);
            continue;
        };
        let subnets = b.refer(i, &["subnet_ids"], Kind::Subnet).ids;
        let (assoc_on, prop_on) = defaults.get(&tgw).copied().unwrap_or((true, true));
        let flag = |b: &Builder, attr: &str| b.plan.bool(i, &[attr]) != Some(false);
        let route_table = (assoc_on && flag(b, "transit_gateway_default_route_table_association"))
            .then(|| default_table(&tgw));
        let propagate = (prop_on && flag(b, "transit_gateway_default_route_table_propagation"))
            .then(|| default_table(&tgw))
            .into_iter()
            .collect();
        let appliance_mode = b.plan.str(i, &["appliance_mode_support"]) == Some("enable");
        if let Some(t) = b.spec.transit_gateways.iter_mut().find(|t| t.id == tgw) {
            t.attachments.push(TgwAttachmentSpec {
                id: Some(b.plan.instances[i].address.to_string()),
                vpc: vpc.clone(),
                subnets,
                route_table,
                propagate: Some(propagate),
                appliance_mode,
            });
        }
        b.used.insert(i);
        attached.insert(i, (tgw, vpc));
    }
    // Route table instance → (its transit gateway, its table name).
    let mut tables: HashMap<usize, (String, String)> = HashMap::new();
    for i in b.of_type("aws_ec2_transit_gateway_route_table") {
        if let Some(tgw) = b.refer_one(i, &["transit_gateway_id"], Kind::Tgw) {
            let name = b.plan.instances[i].address.to_string();
            tables.insert(i, (tgw, name));
            b.used.insert(i);
        }
    }
    let one = |b: &Builder, i: usize, attr: &str| -> Option<usize> {
        match b.plan.resolve(i, &[attr]).targets.as_slice() {
            [Target::Res(j)] => Some(*j),
            _ => None,
        }
    };
    // A table reference: a table of the plan, or a gateway's default table
    // (`aws_ec2_transit_gateway.x.association_default_route_table_id`).
    let table_of = |b: &Builder, i: usize| -> Option<(String, String)> {
        let j = one(b, i, "transit_gateway_route_table_id")?;
        tables
            .get(&j)
            .cloned()
            .or_else(|| gateways.get(&j).map(|g| (g.clone(), default_table(g))))
    };
    let mut routes: Vec<(String, String, TgwRouteSpec)> = Vec::new(); // (tgw, table, route)
    for i in b.of_type("aws_ec2_transit_gateway_route") {
        let Some(dest) = b
            .plan
            .str(i, &["destination_cidr_block"])
            .map(str::to_string)
        else {
            b.warn(
                i,
                "destination_cidr_block is not known before apply: left out",
            );
            continue;
        };
        let Some((tgw, table)) = table_of(b, i) else {
            b.warn(
                i,
                "its transit gateway route table is not in the plan: left out",
            );
            continue;
        };
        let vpc = if b.plan.bool(i, &["blackhole"]) == Some(true) {
            None
        } else {
            match one(b, i, "transit_gateway_attachment_id").and_then(|a| attached.get(&a)) {
                Some((_, v)) => Some(v.clone()),
                None => {
                    let msg = "its attachment is not a VPC attachment of the plan: left out";
                    b.warn(i, msg);
                    b.missing(
                        &tgw,
                        MissingKind::TgwRoutes,
                        format!("{}: {msg}", b.addr(i)),
                    );
                    continue;
                }
            }
        };
        routes.push((tgw, table, TgwRouteSpec { dest, vpc }));
        b.used.insert(i);
    }
    // Explicit associations and propagations.
    for i in b
        .of_type("aws_ec2_transit_gateway_route_table_association")
        .into_iter()
        .chain(b.of_type("aws_ec2_transit_gateway_route_table_propagation"))
    {
        let propagation = b.plan.instances[i].rtype.ends_with("propagation");
        let (Some(a), Some((tgw, table))) =
            (one(b, i, "transit_gateway_attachment_id"), table_of(b, i))
        else {
            b.warn(
                i,
                "its attachment or route table is not in the plan: left out",
            );
            b.skipped.insert(i);
            continue;
        };
        let Some((_, vpc)) = attached.get(&a).cloned() else {
            b.warn(
                i,
                "its attachment is not a VPC attachment of the plan: left out",
            );
            b.skipped.insert(i);
            continue;
        };
        b.used.insert(i);
        let Some(t) = b.spec.transit_gateways.iter_mut().find(|t| t.id == tgw) else {
            continue;
        };
        let Some(att) = t.attachments.iter_mut().find(|x| x.vpc == vpc) else {
            continue;
        };
        if propagation {
            let list = att.propagate.get_or_insert_with(Vec::new);
            if !list.contains(&table) {
                list.push(table);
            }
        } else {
            att.route_table = Some(table);
        }
    }
    // The tables: the plan's, and each gateway's default table when
    // anything uses it.
    for t in b.spec.transit_gateways.iter_mut() {
        let mut names: Vec<String> = tables
            .values()
            .filter(|(g, _)| *g == t.id)
            .map(|(_, n)| n.clone())
            .collect();
        names.sort();
        let default = default_table(&t.id);
        let uses_default = t.attachments.iter().any(|a| {
            a.route_table.as_deref() == Some(default.as_str())
                || a.propagate.iter().flatten().any(|p| *p == default)
        }) || routes.iter().any(|(g, n, _)| *g == t.id && *n == default);
        if uses_default {
            names.insert(0, default);
        }
        t.route_tables = names
            .into_iter()
            .map(|n| TgwRouteTableSpec {
                routes: routes
                    .iter()
                    .filter(|(g, tn, _)| *g == t.id && *tn == n)
                    .map(|(_, _, r)| r.clone())
                    .collect(),
                id: n,
            })
            .collect();
        if t.route_tables.is_empty() {
            // No table at all: nothing is routed (and the simple form, which
            // would propagate everything, must not be implied).
            t.route_tables.push(TgwRouteTableSpec {
                id: default_table(&t.id),
                routes: Vec::new(),
            });
        }
    }
    for i in b.of_type("aws_ec2_transit_gateway_route") {
        if !b.used.contains(&i) {
            b.skipped.insert(i);
        }
    }
}
