//! VPCs, subnets, route tables and routes, gateways and endpoints
//! (peering and transit gateways are in `transit`).
//!
//! Over 800 lines on purpose: the network family's mappers share the route
//! helpers (destination, target, association), kept beside their one user.

use awsreach_model::catalog::catalog;
use awsreach_model::spec::{
    EgressOnlyIgwSpec, EndpointKind, EndpointPolicySpec, InternetGatewaySpec, MissingKind,
    NatConnectivity, NatGatewaySpec, RouteSpec, RouteTableSpec, RouteTarget, SubnetSpec,
    VpcEndpointSpec, VpcSpec,
};
use ipnet::IpNet;
use serde_json::Value;

use super::graph::{Mode, Target};
use super::{Builder, Kind, strings};
use crate::report::EntryKind;

pub(super) fn map(b: &mut Builder) {
    vpcs(b);
    subnets(b);
    gateways(b);
    // Route targets first, then the tables that name them.
    super::transit::peering(b);
    super::transit::transit(b);
    route_tables(b);
    endpoints(b);
    associations(b);
}

fn vpcs(b: &mut Builder) {
    let mut list = b.of_type("aws_vpc");
    list.extend(b.of_type("aws_default_vpc"));
    list.extend(b.of(Mode::Data, "aws_vpc"));
    for i in list {
        let id = b.sid(i);
        let data = b.plan.instances[i].mode == Mode::Data;
        let Some(cidr) = b.plan.str(i, &["cidr_block"]) else {
            let src = b.src(i);
            b.report.push(
                EntryKind::Missing,
                src,
                id,
                "cidr_block is not known before apply (IPAM?); the VPC and everything in it are left out",
            );
            b.skipped.insert(i);
            continue;
        };
        if b.is_defined(Kind::Vpc, &id) {
            b.used.insert(i);
            continue;
        }
        let default_vpc = b.plan.instances[i].rtype == "aws_default_vpc"
            || b.plan.bool(i, &["default"]) == Some(true);
        let dns_support = b.plan.bool(i, &["enable_dns_support"]).unwrap_or(true);
        let dns_hostnames = b
            .plan
            .bool(i, &["enable_dns_hostnames"])
            .unwrap_or(default_vpc);
        let ipv6_cidr = b
            .plan
            .str(i, &["ipv6_cidr_block"])
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if ipv6_cidr.is_none()
            && b.plan.bool(i, &["assign_generated_ipv6_cidr_block"]) == Some(true)
        {
            b.warn(
                i,
                "an Amazon-provided IPv6 block is assigned at apply: IPv6 is left out",
            );
        }
        let secondary_cidrs = if data {
            // A data source lists every associated block.
            b.plan
                .value(i, &["cidr_block_associations"])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|a| a.get("cidr_block").and_then(Value::as_str))
                .filter(|c| *c != cidr)
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        b.define(Some(i), Kind::Vpc, &id);
        if data {
            b.existing_vpcs.insert(id.clone());
        }
        b.spec.vpcs.push(VpcSpec {
            id,
            cidr: cidr.to_string(),
            secondary_cidrs,
            ipv6_cidr,
            dns_support,
            dns_hostnames,
        });
    }
    for i in b.of_type("aws_vpc_ipv4_cidr_block_association") {
        let Some(vpc) = b.refer_vpc(i, "vpc_id") else {
            continue;
        };
        let Some(cidr) = b.plan.str(i, &["cidr_block"]) else {
            b.warn(
                i,
                "cidr_block is not known before apply: the block is left out",
            );
            continue;
        };
        if let Some(v) = b.spec.vpcs.iter_mut().find(|v| v.id == vpc) {
            v.secondary_cidrs.push(cidr.to_string());
            b.used.insert(i);
        }
    }
    for i in b.of_type("aws_vpc_ipv6_cidr_block_association") {
        let Some(vpc) = b.refer_vpc(i, "vpc_id") else {
            continue;
        };
        let Some(cidr) = b.plan.str(i, &["ipv6_cidr_block"]) else {
            b.warn(i, "ipv6_cidr_block is assigned at apply: IPv6 is left out");
            b.skipped.insert(i);
            continue;
        };
        if let Some(v) = b.spec.vpcs.iter_mut().find(|v| v.id == vpc) {
            if v.ipv6_cidr.is_none() {
                v.ipv6_cidr = Some(cidr.to_string());
            }
            b.used.insert(i);
        }
    }
}

fn subnets(b: &mut Builder) {
    let mut list = b.of_type("aws_subnet");
    list.extend(b.of_type("aws_default_subnet"));
    list.extend(b.of(Mode::Data, "aws_subnet"));
    for i in list {
        let id = b.sid(i);
        if b.is_defined(Kind::Subnet, &id) {
            b.used.insert(i);
            continue;
        }
        let Some(cidr) = b.plan.str(i, &["cidr_block"]) else {
            let src = b.src(i);
            b.report.push(
                EntryKind::Missing,
                src,
                id,
                "cidr_block is not known before apply: the subnet is left out",
            );
            b.skipped.insert(i);
            continue;
        };
        // The CIDR says more than "the only VPC of the module": try it first.
        let (mut vpc, open) = b.refer_vpc_quiet(i, "vpc_id");
        if vpc.is_none() && open {
            vpc = vpc_containing(b, cidr);
            if let Some(v) = &vpc {
                let msg = format!(
                    "vpc_id: inferred {v}, the only VPC of the plan whose CIDR contains {cidr}"
                );
                b.warn(i, msg);
            } else {
                vpc = b.refer_vpc(i, "vpc_id");
            }
        }
        let Some(vpc) = vpc else {
            let src = b.src(i);
            b.report.push(
                EntryKind::Missing,
                src,
                id,
                "its VPC is not in the plan: the subnet is left out",
            );
            b.skipped.insert(i);
            continue;
        };
        let az = b.plan.str(i, &["availability_zone"]).map(str::to_string);
        let ipv6_cidr = b
            .plan
            .str(i, &["ipv6_cidr_block"])
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        b.define(Some(i), Kind::Subnet, &id);
        b.spec.subnets.push(SubnetSpec {
            id,
            vpc,
            cidr: cidr.to_string(),
            ipv6_cidr,
            az,
            route_table: None,
            network_acl: None,
        });
    }
}

/// The one VPC whose CIDRs contain `cidr`, when exactly one does.
fn vpc_containing(b: &Builder, cidr: &str) -> Option<String> {
    let net: IpNet = cidr.parse().ok()?;
    let mut hits = b.spec.vpcs.iter().filter(|v| {
        std::iter::once(&v.cidr)
            .chain(&v.secondary_cidrs)
            .chain(&v.ipv6_cidr)
            .filter_map(|c| c.parse::<IpNet>().ok())
            .any(|n| n.contains(&net))
    });
    let first = hits.next()?;
    hits.next().is_none().then(|| first.id.clone())
}

fn gateways(b: &mut Builder) {
    for i in b.of_type("aws_internet_gateway") {
        let id = b.sid(i);
        let mut vpc = b.refer_vpc(i, "vpc_id");
        if vpc.is_none() {
            // Attached separately.
            for a in b.of_type("aws_internet_gateway_attachment") {
                if b.plan.resolve(a, &["internet_gateway_id"]).targets == [Target::Res(i)] {
                    vpc = b.refer_one(a, &["vpc_id"], Kind::Vpc);
                    b.used.insert(a);
                }
            }
        }
        let Some(vpc) = vpc else {
            b.warn(i, "not attached to a VPC of the plan: left out");
            b.skipped.insert(i);
            continue;
        };
        if let Some(other) = b.spec.internet_gateways.iter().find(|g| g.vpc == vpc) {
            let msg = format!(
                "{vpc} already has internet gateway {}; a VPC takes one (AWS rejects the second attachment): left out",
                other.id
            );
            b.warn(i, msg);
            b.skipped.insert(i);
            continue;
        }
        b.define(Some(i), Kind::Igw, &id);
        b.spec
            .internet_gateways
            .push(InternetGatewaySpec { id, vpc });
    }
    for i in b.of_type("aws_egress_only_internet_gateway") {
        let id = b.sid(i);
        let Some(vpc) = b.refer_vpc(i, "vpc_id") else {
            b.skipped.insert(i);
            continue;
        };
        b.define(Some(i), Kind::EgressIgw, &id);
        b.spec
            .egress_only_internet_gateways
            .push(EgressOnlyIgwSpec { id, vpc });
    }
    for i in b.of_type("aws_nat_gateway") {
        let id = b.sid(i);
        let Some(subnet) = b.refer_one(i, &["subnet_id"], Kind::Subnet) else {
            b.warn(i, "its subnet is not in the plan: left out");
            b.skipped.insert(i);
            continue;
        };
        let private = b.plan.str(i, &["connectivity_type"]) == Some("private");
        let elastic_ip = if private {
            None
        } else {
            Some(nat_address(b, i))
        };
        b.define(Some(i), Kind::Nat, &id);
        b.spec.nat_gateways.push(NatGatewaySpec {
            id,
            subnet,
            connectivity: if private {
                NatConnectivity::Private
            } else {
                NatConnectivity::Public
            },
            elastic_ip,
        });
    }
}

/// The public address of a NAT gateway's Elastic IP, or a stand-in.
fn nat_address(b: &mut Builder, i: usize) -> String {
    let r = b.plan.resolve(i, &["allocation_id"]);
    for t in &r.targets {
        if let Target::Res(j) = t {
            if b.plan.instances[*j].rtype == "aws_eip" {
                b.used.insert(*j);
                if let Some(ip) = b.plan.str(*j, &["public_ip"]).filter(|s| !s.is_empty()) {
                    return ip.to_string();
                }
            } else {
                let msg = format!(
                    "allocation_id names {}, which is not an Elastic IP",
                    b.addr(*j)
                );
                b.warn(i, msg);
            }
        }
    }
    b.placeholder_ip(i, "the NAT gateway's Elastic IP address")
}

/// Which route attribute names the target, and the kind it must be.
const TARGETS: [(&str, &[Kind]); 9] = [
    ("gateway_id", &[Kind::Igw, Kind::Endpoint]),
    ("nat_gateway_id", &[Kind::Nat]),
    ("egress_only_gateway_id", &[Kind::EgressIgw]),
    ("transit_gateway_id", &[Kind::Tgw]),
    ("vpc_peering_connection_id", &[Kind::Peering]),
    ("network_interface_id", &[Kind::Resource]),
    ("instance_id", &[Kind::Resource]),
    ("vpc_endpoint_id", &[Kind::Endpoint]),
    ("local_gateway_id", &[]),
];

enum Dest {
    Ok(String),
    Bad(String),
}

/// A route's destination: an IPv4/IPv6 CIDR or a prefix list of a service.
fn route_dest(b: &mut Builder, i: usize, base: &[&str], names: [&str; 3]) -> Option<Dest> {
    for (n, name) in names.iter().enumerate() {
        let mut p: Vec<&str> = base.to_vec();
        p.push(name);
        let Some(v) = b.plan.str(i, &p).filter(|s| !s.is_empty()) else {
            continue;
        };
        if n < 2 {
            return Some(match v.parse::<IpNet>() {
                Ok(_) => Dest::Ok(v.to_string()),
                Err(_) => Dest::Bad(format!("{name} `{v}` is not a CIDR block")),
            });
        }
        return Some(match prefix_list_service(b, i, &p) {
            Some(s) => Dest::Ok(format!("pl:{s}")),
            None => Dest::Bad(format!(
                "{name} `{v}` is not the prefix list of a gateway endpoint of the plan"
            )),
        });
    }
    None
}

/// The service of a managed prefix list named at `path` (an endpoint's
/// `prefix_list_id`, or a `data.aws_prefix_list` of a service).
fn prefix_list_service(b: &Builder, i: usize, path: &[&str]) -> Option<String> {
    let r = b.plan.resolve(i, path);
    for t in r.targets {
        if let Target::Res(j) = t {
            let inst = &b.plan.instances[j];
            let name = match inst.rtype {
                "aws_vpc_endpoint" => b.plan.str(j, &["service_name"]),
                "aws_prefix_list" | "aws_ec2_managed_prefix_list" => b.plan.str(j, &["name"]),
                _ => None,
            };
            if let Some(s) = name.and_then(|n| service_of(n, &b.spec.region)) {
                return Some(s);
            }
        }
    }
    None
}

/// `com.amazonaws.us-east-1.s3` → `s3` (catalog id).
pub(super) fn service_of(name: &str, region: &str) -> Option<String> {
    catalog()
        .iter()
        .find(|e| e.endpoint_service_name(region) == name)
        .or_else(|| {
            // Another region's name: compare the suffix after the region.
            let suffix = name.strip_prefix("com.amazonaws.")?.split_once('.')?.1;
            catalog()
                .iter()
                .find(|e| e.endpoint_service.as_deref().unwrap_or(&e.id) == suffix)
        })
        .map(|e| e.id.clone())
}

enum Tgt {
    Ok(RouteTarget),
    /// The target is set but unresolvable or not modelled (why).
    Unknown(String),
    Unsupported(String),
}

fn route_target(b: &mut Builder, i: usize, base: &[&str]) -> Tgt {
    // Every target attribute is optional and computed: unknown ones without
    // an expression are AWS filling in, not the target.
    let mut unresolved: Option<String> = None;
    for (attr, kinds) in TARGETS {
        let mut p: Vec<&str> = base.to_vec();
        p.push(attr);
        let r = b.plan.resolve(i, &p);
        if r.targets.is_empty() {
            if let Some(why) = r.unresolved
                && b.plan.expression(i, &p).is_some()
            {
                unresolved.get_or_insert(format!("{attr}: {why}"));
            }
            continue;
        }
        if kinds.is_empty() {
            return Tgt::Unsupported(format!("{attr}: local gateways are not modelled"));
        }
        if r.targets.len() > 1 {
            return Tgt::Unknown(format!(
                "{attr} names several targets; the plan does not say which"
            ));
        }
        let id = match &r.targets[0] {
            Target::Lit(s) if s == "local" => return Tgt::Ok(RouteTarget::Local),
            Target::Lit(s) => s.clone(),
            Target::Res(j) => match b.ids.get(j) {
                Some((_, id)) => id.clone(),
                None => {
                    let t = b.plan.instances[*j].rtype;
                    return Tgt::Unsupported(format!(
                        "{attr} names {} ({t}), which awsreach does not model as a route target",
                        b.addr(*j)
                    ));
                }
            },
        };
        for k in kinds {
            if b.is_defined(*k, &id) {
                return Tgt::Ok(match (k, attr) {
                    (Kind::Igw, _) => RouteTarget::Igw(id),
                    (Kind::Endpoint, _) => RouteTarget::Endpoint(id),
                    (Kind::Nat, _) => RouteTarget::Nat(id),
                    (Kind::EgressIgw, _) => RouteTarget::EgressOnlyIgw(id),
                    (Kind::Tgw, _) => RouteTarget::TransitGateway(id),
                    (Kind::Peering, _) => RouteTarget::Peering(id),
                    _ => RouteTarget::Eni(id),
                });
            }
        }
        return Tgt::Unknown(format!("{attr} names `{id}`, which is not in the plan"));
    }
    Tgt::Unknown(unresolved.unwrap_or_else(|| {
        "no target attribute is known before apply, and the configuration has no expression for one".into()
    }))
}

/// Adds a route unless the table already has one for that destination.
fn add_route(b: &mut Builder, i: usize, table: &str, dest: String, target: RouteTarget) {
    let Some(rt) = b.spec.route_tables.iter_mut().find(|t| t.id == table) else {
        return;
    };
    if let Some(r) = rt.routes.iter().find(|r| r.dest == dest) {
        let msg = format!(
            "{table} already routes {dest} (to {:?}); AWS rejects a second route for the same destination: left out",
            r.target
        );
        b.warn(i, msg);
        return;
    }
    rt.routes.push(RouteSpec { dest, target });
}

/// One route from instance `i` (an `aws_route`, or a block of a table).
fn route(b: &mut Builder, i: usize, table: &str, base: &[&str]) {
    let names = if base.is_empty() {
        [
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        ]
    } else {
        [
            "cidr_block",
            "ipv6_cidr_block",
            "destination_prefix_list_id",
        ]
    };
    let at = if base.is_empty() { "" } else { "inline " };
    let dest = match route_dest(b, i, base, names) {
        Some(Dest::Ok(d)) => d,
        Some(Dest::Bad(why)) => {
            b.warn(i, format!("{at}{why}: the route is left out"));
            return;
        }
        None => {
            let msg = format!("{at}the destination is not known before apply");
            let src = b.src(i);
            b.report
                .push(EntryKind::Missing, src, table.to_string(), msg.clone());
            b.missing(table, MissingKind::Routes, format!("{}: {msg}", b.addr(i)));
            return;
        }
    };
    match route_target(b, i, base) {
        Tgt::Ok(RouteTarget::Local) => {}
        Tgt::Ok(t) => add_route(b, i, table, dest, t),
        Tgt::Unknown(why) => {
            let msg = format!("{at}route {dest}: target unknown ({why})");
            let src = b.src(i);
            b.report
                .push(EntryKind::Missing, src, table.to_string(), msg.clone());
            b.missing(table, MissingKind::Routes, format!("{}: {msg}", b.addr(i)));
        }
        Tgt::Unsupported(why) => {
            b.warn(i, format!("{at}route {dest} is left out: {why}"));
        }
    }
}

fn route_tables(b: &mut Builder) {
    for i in b.of_type("aws_route_table") {
        let id = b.sid(i);
        let Some(vpc) = b.refer_vpc(i, "vpc_id") else {
            b.warn(i, "its VPC is not in the plan: left out");
            b.skipped.insert(i);
            continue;
        };
        b.define(Some(i), Kind::RouteTable, &id);
        b.spec.route_tables.push(RouteTableSpec {
            id,
            vpc,
            main: false,
            routes: Vec::new(),
        });
    }
    for i in b.of_type("aws_default_route_table") {
        let id = b.sid(i);
        let Some(vpc) = b.default_of(i, "default_route_table_id") else {
            b.warn(
                i,
                "default_route_table_id does not name a VPC of the plan: left out",
            );
            b.skipped.insert(i);
            continue;
        };
        b.define(Some(i), Kind::RouteTable, &id);
        b.spec.route_tables.push(RouteTableSpec {
            id,
            vpc,
            main: true,
            routes: Vec::new(),
        });
    }
    // Gateways are defined, so targets resolve; inline routes next.
    for i in b
        .of_type("aws_route_table")
        .into_iter()
        .chain(b.of_type("aws_default_route_table"))
    {
        let Some((Kind::RouteTable, table)) = b.ids.get(&i).cloned() else {
            continue;
        };
        if b.plan.is_unknown(i, &["route"]) && b.plan.value(i, &["route"]).is_none() {
            let configured = b
                .plan
                .expression(i, &["route"])
                .is_some_and(|e| e.as_array().is_some_and(|a| !a.is_empty()));
            if configured {
                let src = b.src(i);
                b.report.push(
                    EntryKind::Missing,
                    src,
                    table.clone(),
                    "inline routes are not known before apply",
                );
                b.missing(
                    &table,
                    MissingKind::Routes,
                    "inline routes known only after apply",
                );
            }
        }
        let n = b
            .plan
            .value(i, &["route"])
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for k in 0..n {
            let ks = k.to_string();
            route(b, i, &table, &["route", &ks]);
        }
    }
    for i in b.of_type("aws_route") {
        let Some(table) = b.refer_one(i, &["route_table_id"], Kind::RouteTable) else {
            b.skipped.insert(i);
            continue;
        };
        b.used.insert(i);
        route(b, i, &table, &[]);
    }
    for i in b.of_type("aws_main_route_table_association") {
        let (Some(vpc), Some(table)) = (
            b.refer_vpc(i, "vpc_id"),
            b.refer_one(i, &["route_table_id"], Kind::RouteTable),
        ) else {
            b.skipped.insert(i);
            continue;
        };
        b.used.insert(i);
        for t in b.spec.route_tables.iter_mut().filter(|t| t.vpc == vpc) {
            t.main = t.id == table;
        }
    }
}

fn endpoints(b: &mut Builder) {
    for i in b.of_type("aws_vpc_endpoint") {
        let id = b.sid(i);
        let Some(name) = b.plan.str(i, &["service_name"]) else {
            b.warn(i, "service_name is not known before apply: left out");
            b.skipped.insert(i);
            continue;
        };
        let Some(service) = service_of(name, &b.spec.region) else {
            let src = b.src(i);
            b.report.push(
                EntryKind::Skipped,
                src,
                id,
                format!("endpoint service {name} is not in awsreach's service catalog"),
            );
            b.skipped.insert(i);
            continue;
        };
        let kind = match b.plan.str(i, &["vpc_endpoint_type"]).unwrap_or("Gateway") {
            "Gateway" => EndpointKind::Gateway,
            "Interface" => EndpointKind::Interface,
            other => {
                let msg = format!("{other} endpoints are not modelled: left out");
                b.warn(i, msg);
                b.skipped.insert(i);
                continue;
            }
        };
        let entry = awsreach_model::catalog::lookup(&service);
        let offered = entry.is_some_and(|e| match kind {
            EndpointKind::Gateway => e.gateway_endpoint,
            EndpointKind::Interface => e.interface_endpoint,
        });
        if !offered {
            let msg = format!("{service} has no {kind:?} endpoint in AWS: left out");
            b.warn(i, msg);
            b.skipped.insert(i);
            continue;
        }
        let Some(vpc) = b.refer_vpc(i, "vpc_id") else {
            b.warn(i, "its VPC is not in the plan: left out");
            b.skipped.insert(i);
            continue;
        };
        let (route_tables, subnets, security_groups) = match kind {
            EndpointKind::Gateway => (
                b.refer(i, &["route_table_ids"], Kind::RouteTable).ids,
                Vec::new(),
                Vec::new(),
            ),
            EndpointKind::Interface => (
                Vec::new(),
                b.refer(i, &["subnet_ids"], Kind::Subnet).ids,
                Vec::new(),
            ),
        };
        if kind == EndpointKind::Interface && subnets.is_empty() {
            // Rule 13: its private DNS still answers for the service, with
            // addresses in subnets the plan does not hold: kept, with its
            // placement listed as missing, so calls it captures are `unknown`.
            let note = format!(
                "{}: an interface endpoint whose subnets are not in the plan; calls its private DNS captures are unknown",
                b.addr(i)
            );
            let src = b.src(i);
            b.report
                .push(EntryKind::Missing, src, id.clone(), note.clone());
            b.missing(&id, MissingKind::Placement, note);
        }
        let private_dns = kind == EndpointKind::Interface
            && b.plan.bool(i, &["private_dns_enabled"]).unwrap_or(false);
        let policy = b
            .plan
            .str(i, &["policy"])
            .and_then(|p| endpoint_policy(b, i, p));
        b.define(Some(i), Kind::Endpoint, &id);
        b.spec.vpc_endpoints.push(VpcEndpointSpec {
            id,
            vpc,
            service,
            kind,
            route_tables,
            subnets,
            security_groups,
            private_dns: private_dns || kind == EndpointKind::Gateway,
            policy,
        });
    }
}

/// An endpoint policy reduced to the actions its `Allow` and `Deny`
/// statements for every principal name; anything narrower is reported.
fn endpoint_policy(b: &mut Builder, i: usize, text: &str) -> Option<EndpointPolicySpec> {
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        b.warn(
            i,
            "policy is not JSON: treated as the default full-access policy",
        );
        return None;
    };
    let stmts: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => return None,
    };
    let mut allow: Vec<String> = Vec::new();
    let mut deny: Vec<String> = Vec::new();
    let mut narrowed = false;
    for s in stmts {
        let actions: Vec<String> = strings(s.get("Action"))
            .iter()
            .map(|a| a.to_string())
            .collect();
        if s.get("Condition").is_some()
            || s.get("NotAction").is_some()
            || s.get("Principal")
                .is_some_and(|p| p != "*" && p.get("AWS") != Some(&Value::from("*")))
        {
            narrowed = true;
        }
        match s.get("Effect").and_then(Value::as_str) {
            Some("Allow") => allow.extend(actions),
            Some("Deny") => deny.extend(actions),
            _ => {}
        }
    }
    if narrowed {
        b.warn(
            i,
            "policy has conditions, NotAction or specific principals: only its actions are modelled",
        );
    }
    if allow.iter().any(|a| a == "*") && deny.is_empty() {
        return None;
    }
    Some(EndpointPolicySpec {
        allow: Some(allow),
        deny,
    })
}

/// Subnet ↔ route table, endpoint ↔ route table / subnet / security group.
fn associations(b: &mut Builder) {
    for i in b.of_type("aws_route_table_association") {
        if b.plan
            .value(i, &["gateway_id"])
            .is_some_and(|v| !v.is_null())
        {
            b.warn(
                i,
                "edge associations (gateway route tables) are not modelled: left out",
            );
            b.skipped.insert(i);
            continue;
        }
        let subnet = b.refer_one(i, &["subnet_id"], Kind::Subnet);
        let table = b.refer_one(i, &["route_table_id"], Kind::RouteTable);
        match (subnet, table) {
            (Some(s), Some(t)) => {
                if let Some(sub) = b.spec.subnets.iter_mut().find(|x| x.id == s) {
                    sub.route_table = Some(t);
                }
                b.used.insert(i);
            }
            (Some(s), None) => {
                let note = format!("{}: its route table is not in the plan", b.addr(i));
                b.missing(&s, MissingKind::RouteTable, note);
                b.used.insert(i);
            }
            _ => {
                b.skipped.insert(i);
            }
        }
    }
    for i in b.of_type("aws_vpc_endpoint_route_table_association") {
        let e = b.refer_one(i, &["vpc_endpoint_id"], Kind::Endpoint);
        let t = b.refer_one(i, &["route_table_id"], Kind::RouteTable);
        if let (Some(e), Some(t)) = (e, t)
            && let Some(ep) = b.spec.vpc_endpoints.iter_mut().find(|x| x.id == e)
        {
            if !ep.route_tables.contains(&t) {
                ep.route_tables.push(t);
            }
            b.used.insert(i);
        }
    }
    for i in b.of_type("aws_vpc_endpoint_subnet_association") {
        let e = b.refer_one(i, &["vpc_endpoint_id"], Kind::Endpoint);
        let s = b.refer_one(i, &["subnet_id"], Kind::Subnet);
        if let (Some(e), Some(s)) = (e, s)
            && let Some(ep) = b.spec.vpc_endpoints.iter_mut().find(|x| x.id == e)
        {
            if !ep.subnets.contains(&s) {
                ep.subnets.push(s);
            }
            b.used.insert(i);
        }
    }
}

/// VPCs that exist outside the plan (data sources): their main route
/// table and default network ACL are not in the plan, so the subnets that
/// rely on them have missing data.
pub(super) fn existing_vpcs(b: &mut Builder) {
    let existing: Vec<String> = b.existing_vpcs.iter().cloned().collect();
    for vpc in existing {
        let has_main = b.spec.route_tables.iter().any(|t| t.vpc == vpc && t.main);
        let subnets: Vec<String> = b
            .spec
            .subnets
            .iter()
            .filter(|s| s.vpc == vpc && s.route_table.is_none())
            .map(|s| s.id.clone())
            .collect();
        if !has_main {
            for s in subnets {
                b.missing(
                    &s,
                    MissingKind::RouteTable,
                    format!("the main route table of {vpc}, which exists outside the plan"),
                );
            }
        }
    }
}
