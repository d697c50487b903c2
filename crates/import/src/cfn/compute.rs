//! What runs in subnets besides Lambda (EC2 instances, network interfaces,
//! RDS databases), and transit gateways with their attachments and routes.

use awsreach_model::spec::{
    MissingKind, ResourceKind, ResourceSpec, TgwAttachmentSpec, TgwRouteSpec, TgwRouteTableSpec,
    TransitGatewaySpec,
};

use super::build::Ctx;
use super::network::cidr;
use super::val::Val;
use crate::EntryKind;

/// Instances and standalone network interfaces, as resources.
pub fn instances(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::EC2::Instance", "AWS::EC2::NetworkInterface"]) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        let ec2 = cx.res[r].ty == "AWS::EC2::Instance";
        // An instance's primary interface may be given inline (device 0).
        let nic = cx.prop(r, "NetworkInterfaces").and_then(|n| match n {
            Val::List(l) => l.first().cloned(),
            _ => None,
        });
        let src = |k: &str| {
            nic.as_ref()
                .and_then(|n| n.get(k))
                .or(cx.prop(r, k))
                .cloned()
        };
        let subnet = match cx.entity(src("SubnetId").as_ref(), "subnet") {
            Ok(s) => s,
            Err(why) => {
                cx.absent(r, format!("placement unknown: {why}"));
                continue;
            }
        };
        let groups_val = src("GroupSet").or(src("SecurityGroupIds"));
        let private_ip = src("PrivateIpAddress").and_then(|v| v.text());
        let security_groups = match cx.entities(groups_val.as_ref(), "security group") {
            Ok(g) => g,
            Err(why) => {
                cx.missing(
                    r,
                    &id,
                    MissingKind::Placement,
                    format!("security groups unknown: {why}"),
                );
                Vec::new()
            }
        };
        let forwarding = cx.prop(r, "SourceDestCheck").and_then(Val::truthy) == Some(false);
        cx.entry(
            EntryKind::Warning,
            r,
            "listening ports are not in a template: add `listen` to the scenario to probe it",
        );
        cx.spec.resources.push(ResourceSpec {
            name: None,
            id: id.clone(),
            kind: if ec2 {
                ResourceKind::Ec2
            } else {
                ResourceKind::Resource
            },
            subnet,
            private_ip,
            public_ip: None,
            ipv6_ip: None,
            security_groups,
            listen: Vec::new(),
            forwarding,
        });
        cx.built(&id, "resource");
    }
}

/// RDS instances, placed in the first subnet of their subnet group.
pub fn databases(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::RDS::DBSubnetGroup"]) {
        cx.handled(r);
    }
    for r in cx.of(&["AWS::RDS::DBInstance"]) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        let group = cx.prop(r, "DBSubnetGroupName").cloned();
        let subnets = match &group {
            Some(Val::Str(g)) if cx.by_id.contains_key(g) => {
                let gi = cx.by_id[g];
                cx.entities(cx.prop(gi, "SubnetIds"), "subnet")
            }
            Some(Val::Unknown(w)) => Err(w.clone()),
            Some(other) => Err(format!(
                "DB subnet group {other:?} is not created by this template"
            )),
            None => Err("no DBSubnetGroupName: the default VPC is not in the template".into()),
        };
        let subnet = match subnets {
            Ok(s) if !s.is_empty() => s[0].clone(),
            Ok(_) => {
                cx.absent(r, "its subnet group lists no subnet".into());
                continue;
            }
            Err(why) => {
                cx.absent(r, format!("placement unknown: {why}"));
                continue;
            }
        };
        let security_groups = match cx.entities(cx.prop(r, "VPCSecurityGroups"), "security group") {
            Ok(g) => g,
            Err(why) => {
                cx.missing(
                    r,
                    &id,
                    MissingKind::Placement,
                    format!("security groups unknown: {why}"),
                );
                Vec::new()
            }
        };
        let engine = cx.text(r, "Engine").unwrap_or_default();
        let port = cx
            .text(r, "Port")
            .or_else(|| default_port(&engine).map(str::to_string));
        cx.spec.resources.push(ResourceSpec {
            name: None,
            id: id.clone(),
            kind: ResourceKind::Rds,
            subnet,
            private_ip: None,
            public_ip: None,
            ipv6_ip: None,
            security_groups,
            listen: port.map(|p| vec![format!("tcp/{p}")]).unwrap_or_default(),
            forwarding: false,
        });
        cx.built(&id, "resource");
    }
}

/// Default ports of RDS engines (Amazon RDS user guide, "DB instance port").
fn default_port(engine: &str) -> Option<&'static str> {
    let e = engine.to_ascii_lowercase();
    Some(if e.contains("postgres") {
        "5432"
    } else if e.contains("mysql") || e.contains("mariadb") || e.contains("aurora") {
        "3306"
    } else if e.starts_with("oracle") {
        "1521"
    } else if e.starts_with("sqlserver") {
        "1433"
    } else if e.starts_with("db2") {
        "50000"
    } else {
        return None;
    })
}

/// The name of a gateway's AWS-created default route table.
fn default_table(tgw: &str) -> String {
    format!("{tgw}.DefaultRouteTable")
}

/// Transit gateways with their route tables, associations, propagations
/// and static routes; AWS's default route table where the gateway leaves
/// default association and propagation on (the CloudFormation defaults).
pub fn transit_gateways(cx: &mut Ctx<'_>) {
    // gateway → (default association on, default propagation on)
    let mut defaults = std::collections::BTreeMap::new();
    for r in cx.of(&["AWS::EC2::TransitGateway"]) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        let on = |cx: &Ctx<'_>, key: &str| cx.text(r, key).as_deref() != Some("disable");
        defaults.insert(
            id.clone(),
            (
                on(cx, "DefaultRouteTableAssociation"),
                on(cx, "DefaultRouteTablePropagation"),
            ),
        );
        let sg_referencing =
            cx.text(r, "SecurityGroupReferencingSupport").as_deref() == Some("enable");
        cx.spec.transit_gateways.push(TransitGatewaySpec {
            id: id.clone(),
            sg_referencing,
            ..Default::default()
        });
        cx.built(&id, "transit gateway");
    }
    // attachment → (gateway, vpc)
    let mut attachment_vpc = std::collections::BTreeMap::new();
    for r in cx.of(&[
        "AWS::EC2::TransitGatewayAttachment",
        "AWS::EC2::TransitGatewayVpcAttachment",
    ]) {
        cx.handled(r);
        let tgw = cx.entity(cx.prop(r, "TransitGatewayId"), "transit gateway");
        let vpc = cx.entity(cx.prop(r, "VpcId"), "vpc");
        let subnets = cx.entities(cx.prop(r, "SubnetIds"), "subnet");
        match (tgw, vpc, subnets) {
            (Ok(t), Ok(vpc), Ok(subnets)) => {
                let (assoc, prop) = defaults.get(&t).copied().unwrap_or((true, true));
                let appliance_mode = cx
                    .prop(r, "Options")
                    .and_then(|o| o.get("ApplianceModeSupport"))
                    .and_then(Val::text)
                    .as_deref()
                    == Some("enable");
                let id = cx.res[r].id.clone();
                attachment_vpc.insert(id.clone(), (t.clone(), vpc.clone()));
                if let Some(g) = cx.spec.transit_gateways.iter_mut().find(|g| g.id == t) {
                    g.attachments.push(TgwAttachmentSpec {
                        id: Some(id),
                        vpc,
                        subnets,
                        route_table: assoc.then(|| default_table(&t)),
                        propagate: Some(prop.then(|| default_table(&t)).into_iter().collect()),
                        appliance_mode,
                    });
                }
            }
            (Err(why), ..) | (_, Err(why), _) | (.., Err(why)) => cx.entry(
                EntryKind::Missing,
                r,
                format!("attachment not imported: {why}"),
            ),
        }
    }
    // table → gateway
    let mut tables = std::collections::BTreeMap::new();
    for r in cx.of(&["AWS::EC2::TransitGatewayRouteTable"]) {
        cx.handled(r);
        if let Some(t) = cx.text(r, "TransitGatewayId") {
            tables.insert(cx.res[r].id.clone(), t);
        }
    }
    for r in cx.of(&[
        "AWS::EC2::TransitGatewayRouteTableAssociation",
        "AWS::EC2::TransitGatewayRouteTablePropagation",
    ]) {
        cx.handled(r);
        let propagation = cx.res[r].ty.ends_with("Propagation");
        let table = cx.text(r, "TransitGatewayRouteTableId").unwrap_or_default();
        let att = cx.text(r, "TransitGatewayAttachmentId").unwrap_or_default();
        let (Some(tgw), Some((_, vpc))) = (tables.get(&table), attachment_vpc.get(&att)) else {
            let what = if propagation {
                "propagation"
            } else {
                "association"
            };
            cx.entry(
                EntryKind::Missing,
                r,
                format!(
                    "{what} not imported: its route table or VPC attachment is not in the template"
                ),
            );
            if let Some(t) = tables.get(&table).cloned() {
                cx.missing(
                    r,
                    &t,
                    MissingKind::TgwRoutes,
                    format!("the attachment of a route table {what} is unknown"),
                );
            }
            continue;
        };
        let Some(a) = cx
            .spec
            .transit_gateways
            .iter_mut()
            .find(|g| &g.id == tgw)
            .and_then(|g| g.attachments.iter_mut().find(|a| &a.vpc == vpc))
        else {
            continue;
        };
        if propagation {
            let list = a.propagate.get_or_insert_with(Vec::new);
            if !list.contains(&table) {
                list.push(table);
            }
        } else {
            a.route_table = Some(table);
        }
    }
    // table → its routes
    let mut routes: std::collections::BTreeMap<String, Vec<TgwRouteSpec>> = Default::default();
    for r in cx.of(&["AWS::EC2::TransitGatewayRoute"]) {
        cx.handled(r);
        let table = cx.text(r, "TransitGatewayRouteTableId").unwrap_or_default();
        let tgw = tables.get(&table).cloned();
        let dest = cx.prop(r, "DestinationCidrBlock").cloned();
        let dest = cidr(cx, r, dest.as_ref(), "DestinationCidrBlock");
        let blackhole = cx.prop(r, "Blackhole").and_then(Val::truthy) == Some(true);
        let vpc = cx
            .text(r, "TransitGatewayAttachmentId")
            .and_then(|a| attachment_vpc.get(&a).map(|(_, v)| v.clone()));
        match (tgw, dest) {
            (Some(_), Ok(dest)) if blackhole || vpc.is_some() => {
                routes.entry(table).or_default().push(TgwRouteSpec {
                    dest,
                    vpc: if blackhole { None } else { vpc },
                });
            }
            (Some(t), _) => cx.missing(
                r,
                &t,
                MissingKind::TgwRoutes,
                "a static route's target is unknown".into(),
            ),
            (None, _) => cx.entry(
                EntryKind::Missing,
                r,
                "route not imported: its route table is unknown",
            ),
        }
    }
    for g in cx.spec.transit_gateways.iter_mut() {
        let default = default_table(&g.id);
        let uses_default = g.attachments.iter().any(|a| {
            a.route_table.as_deref() == Some(default.as_str())
                || a.propagate.iter().flatten().any(|p| *p == default)
        });
        let mut names: Vec<String> = tables
            .iter()
            .filter(|(_, t)| **t == g.id)
            .map(|(n, _)| n.clone())
            .collect();
        if uses_default || names.is_empty() {
            names.insert(0, default);
        }
        g.route_tables = names
            .into_iter()
            .map(|n| TgwRouteTableSpec {
                routes: routes.get(&n).cloned().unwrap_or_default(),
                id: n,
            })
            .collect();
    }
}
