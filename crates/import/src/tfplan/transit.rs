//! VPC peering connections and transit gateways: their attachments,
//! route tables, static routes, associations and propagations (the model
//! keeps one route table per transit gateway and says when it merges).

use std::collections::{HashMap, HashSet};

use awsreach_model::spec::{
    MissingKind, PeeringSpec, TgwAttachmentSpec, TgwRouteSpec, TransitGatewaySpec,
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

pub(super) fn transit(b: &mut Builder) {
    for i in b.of_type("aws_ec2_transit_gateway") {
        let id = b.sid(i);
        b.define(Some(i), Kind::Tgw, &id);
        b.spec.transit_gateways.push(TransitGatewaySpec {
            id,
            attachments: Vec::new(),
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
        if let Some(t) = b.spec.transit_gateways.iter_mut().find(|t| t.id == tgw) {
            t.attachments.push(TgwAttachmentSpec {
                vpc: vpc.clone(),
                subnets,
                ..Default::default()
            });
        }
        b.used.insert(i);
        attached.insert(i, (tgw, vpc));
    }
    // Route table instance → its transit gateway.
    let mut tables: HashMap<usize, String> = HashMap::new();
    for i in b.of_type("aws_ec2_transit_gateway_route_table") {
        if let Some(tgw) = b.refer_one(i, &["transit_gateway_id"], Kind::Tgw) {
            tables.insert(i, tgw);
            b.used.insert(i);
        }
    }
    let mut statics: HashSet<String> = HashSet::new();
    let mut per_tgw: HashMap<String, usize> = HashMap::new();
    for t in tables.values() {
        *per_tgw.entry(t.clone()).or_default() += 1;
    }
    for (t, n) in per_tgw.iter().filter(|(_, n)| **n > 1) {
        let src = b.file.to_string();
        b.report.push(
            EntryKind::Warning,
            src,
            t.clone(),
            format!(
                "{n} route tables: awsreach models one per transit gateway and merges their routes"
            ),
        );
    }
    let one = |b: &Builder, i: usize, attr: &str| -> Option<usize> {
        match b.plan.resolve(i, &[attr]).targets.as_slice() {
            [Target::Res(j)] => Some(*j),
            _ => None,
        }
    };
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
        let table = one(b, i, "transit_gateway_route_table_id");
        let Some(tgw) = table.and_then(|t| tables.get(&t).cloned()) else {
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
        if let Some(t) = b.spec.transit_gateways.iter_mut().find(|t| t.id == tgw) {
            t.routes.push(TgwRouteSpec { dest, vpc });
            b.used.insert(i);
            statics.insert(tgw);
        }
    }
    for i in b
        .of_type("aws_ec2_transit_gateway_route_table_association")
        .into_iter()
        .chain(b.of_type("aws_ec2_transit_gateway_route_table_propagation"))
    {
        b.used.insert(i);
        let propagation = b.plan.instances[i].rtype.ends_with("propagation");
        if !propagation {
            continue;
        }
        // With static routes the model stops propagating: add the
        // propagated VPC's CIDRs as routes of the table.
        let (Some(a), Some(t)) = (
            one(b, i, "transit_gateway_attachment_id"),
            one(b, i, "transit_gateway_route_table_id"),
        ) else {
            continue;
        };
        let (Some((_, vpc)), Some(tgw)) = (attached.get(&a).cloned(), tables.get(&t).cloned())
        else {
            continue;
        };
        let cidrs: Vec<String> = b
            .spec
            .vpcs
            .iter()
            .filter(|v| v.id == vpc)
            .flat_map(|v| std::iter::once(v.cidr.clone()).chain(v.secondary_cidrs.clone()))
            .collect();
        if let Some(tg) = b.spec.transit_gateways.iter_mut().find(|x| x.id == tgw) {
            for c in cidrs {
                if !tg.routes.iter().any(|r| r.dest == c) {
                    tg.routes.push(TgwRouteSpec {
                        dest: c,
                        vpc: Some(vpc.clone()),
                    });
                }
            }
        }
    }
    // Propagated routes only matter next to static ones.
    for t in b.spec.transit_gateways.iter_mut() {
        if !statics.contains(&t.id) {
            t.routes.clear();
        }
    }
    for i in b.of_type("aws_ec2_transit_gateway_route") {
        if !b.used.contains(&i) {
            b.skipped.insert(i);
        }
    }
}
