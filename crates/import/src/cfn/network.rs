//! EC2 network resources: VPCs and their blocks, subnets, route tables and
//! routes, gateways, NAT, endpoints and peering.

use awsreach_model::catalog;
use awsreach_model::spec::{
    EgressOnlyIgwSpec, EndpointKind, EndpointPolicySpec, InternetGatewaySpec, MissingKind,
    NatConnectivity, NatGatewaySpec, PeeringSpec, RouteSpec, RouteTableSpec, RouteTarget,
    SubnetSpec, VpcEndpointSpec, VpcSpec,
};
use ipnet::IpNet;

use super::build::Ctx;
use super::compute;
use super::val::Val;
use crate::EntryKind;

/// VPCs, subnets, route tables (without routes), gateways, peering, TGWs.
pub fn build(cx: &mut Ctx<'_>) {
    vpcs(cx);
    route_tables(cx);
    subnets(cx);
    gateways(cx);
    nat_gateways(cx);
    peering(cx);
}

/// After security groups: endpoints, instances, interfaces, databases,
/// then the routes that may target any of them, then transit gateways.
pub fn build_compute(cx: &mut Ctx<'_>) {
    endpoints(cx);
    compute::instances(cx);
    compute::databases(cx);
    compute::transit_gateways(cx);
    routes(cx);
}

/// A CIDR as the model wants it: parsed, host bits cleared (with a warning).
pub fn cidr(cx: &mut Ctx<'_>, r: usize, v: Option<&Val>, what: &str) -> Result<String, String> {
    let text = match v {
        Some(Val::Str(s)) => s.clone(),
        Some(Val::Unknown(w)) => return Err(w.clone()),
        None => return Err(format!("no {what}")),
        Some(o) => return Err(format!("{what}: expected a CIDR, got {o:?}")),
    };
    let net: IpNet = text
        .trim()
        .parse()
        .map_err(|_| format!("{what} `{text}` is not a CIDR block"))?;
    let trunc = net.trunc();
    if trunc != net {
        cx.entry(
            EntryKind::Warning,
            r,
            format!("{what} {text} has host bits set; AWS uses its network {trunc}"),
        );
    }
    Ok(trunc.to_string())
}

fn vpcs(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::EC2::VPC"]) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        let block = cx.prop(r, "CidrBlock").cloned();
        let c = match cidr(cx, r, block.as_ref(), "CidrBlock") {
            Ok(c) => c,
            Err(why) => {
                cx.absent(r, why);
                continue;
            }
        };
        let flag = |k: &str, d: bool| cx.prop(r, k).and_then(Val::truthy).unwrap_or(d);
        let (dns_support, dns_hostnames) = (
            flag("EnableDnsSupport", true),
            flag("EnableDnsHostnames", false),
        );
        cx.spec.vpcs.push(VpcSpec {
            id: id.clone(),
            cidr: c,
            secondary_cidrs: Vec::new(),
            ipv6_cidr: None,
            dns_support,
            dns_hostnames,
        });
        cx.built(&id, "vpc");
        cx.built(&format!("{id}-default-sg"), "security group");
        cx.built(&format!("{id}-default-acl"), "network acl");
    }
    for r in cx.of(&["AWS::EC2::VPCCidrBlock"]) {
        cx.handled(r);
        let vpc = match cx.entity(cx.prop(r, "VpcId"), "vpc") {
            Ok(v) => v,
            Err(why) => {
                cx.entry(EntryKind::Missing, r, format!("block not imported: {why}"));
                continue;
            }
        };
        let Some(i) = cx.spec.vpcs.iter().position(|v| v.id == vpc) else {
            continue;
        };
        if let Some(b) = cx.prop(r, "CidrBlock").cloned() {
            match cidr(cx, r, Some(&b), "CidrBlock") {
                Ok(c) => cx.spec.vpcs[i].secondary_cidrs.push(c),
                Err(why) => cx.entry(EntryKind::Missing, r, format!("block not imported: {why}")),
            }
        } else if let Some(b) = cx.prop(r, "Ipv6CidrBlock").cloned() {
            match cidr(cx, r, Some(&b), "Ipv6CidrBlock") {
                Ok(c) => cx.spec.vpcs[i].ipv6_cidr = Some(c),
                Err(why) => cx.entry(EntryKind::Missing, r, format!("block not imported: {why}")),
            }
        } else {
            cx.entry(
                EntryKind::Missing,
                r,
                "IPv6 block assigned by Amazon (or an IPAM pool) at deployment: not imported",
            );
        }
    }
}

fn route_tables(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::EC2::RouteTable"]) {
        cx.handled(r);
        match cx.entity(cx.prop(r, "VpcId"), "vpc") {
            Ok(vpc) => {
                let id = cx.res[r].id.clone();
                cx.spec.route_tables.push(RouteTableSpec {
                    id: id.clone(),
                    vpc,
                    main: false,
                    routes: Vec::new(),
                });
                cx.built(&id, "route table");
            }
            Err(why) => cx.absent(r, why),
        }
    }
}

fn subnets(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::EC2::Subnet"]) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        let vpc = match cx.entity(cx.prop(r, "VpcId"), "vpc") {
            Ok(v) => v,
            Err(why) => {
                cx.absent(r, why);
                continue;
            }
        };
        let block = cx.prop(r, "CidrBlock").cloned();
        let c = match cidr(cx, r, block.as_ref(), "CidrBlock") {
            Ok(c) => c,
            Err(why) => {
                cx.absent(r, why);
                continue;
            }
        };
        let ipv6_cidr = match cx.prop(r, "Ipv6CidrBlock").cloned() {
            None => None,
            Some(b) => match cidr(cx, r, Some(&b), "Ipv6CidrBlock") {
                Ok(c) => Some(c),
                Err(why) => {
                    cx.entry(
                        EntryKind::Missing,
                        r,
                        format!("IPv6 block not imported: {why}"),
                    );
                    None
                }
            },
        };
        let az = cx.text(r, "AvailabilityZone");
        cx.spec.subnets.push(SubnetSpec {
            id: id.clone(),
            vpc,
            cidr: c,
            ipv6_cidr,
            az,
            route_table: None,
            network_acl: None,
        });
        cx.built(&id, "subnet");
    }
    for r in cx.of(&["AWS::EC2::SubnetRouteTableAssociation"]) {
        cx.handled(r);
        let s = cx.entity(cx.prop(r, "SubnetId"), "subnet");
        let t = cx.entity(cx.prop(r, "RouteTableId"), "route table");
        match (s, t) {
            (Ok(s), Ok(t)) => {
                if let Some(sub) = cx.spec.subnets.iter_mut().find(|x| x.id == s) {
                    sub.route_table = Some(t);
                }
            }
            (Ok(s), Err(why)) => {
                cx.missing(
                    r,
                    &s,
                    MissingKind::RouteTable,
                    format!("route table of {s} unknown: {why}"),
                );
            }
            (Err(why), _) => cx.entry(
                EntryKind::Missing,
                r,
                format!("association not imported: {why}"),
            ),
        }
    }
}

fn gateways(cx: &mut Ctx<'_>) {
    for r in cx.of(&[
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPNGateway",
        "AWS::EC2::EIP",
    ]) {
        // Internet gateways become entities through their attachment; EIPs
        // through the NAT gateway or instance that uses them.
        if cx.res[r].ty != "AWS::EC2::VPNGateway" {
            cx.handled(r);
        }
    }
    for r in cx.of(&["AWS::EC2::VPCGatewayAttachment"]) {
        cx.handled(r);
        let vpc = cx.entity(cx.prop(r, "VpcId"), "vpc");
        let Some(igw) = cx.prop(r, "InternetGatewayId").cloned() else {
            cx.entry(
                EntryKind::Skipped,
                r,
                "virtual private gateway attachment: VPN is not modelled",
            );
            continue;
        };
        let igw_id = match &igw {
            Val::Str(s)
                if cx
                    .by_id
                    .get(s)
                    .is_some_and(|&i| cx.res[i].ty == "AWS::EC2::InternetGateway") =>
            {
                s.clone()
            }
            other => {
                let why = other.unknown().map_or_else(
                    || format!("{other:?} is not an internet gateway of this template"),
                    str::to_string,
                );
                cx.entry(
                    EntryKind::Missing,
                    r,
                    format!("attachment not imported: {why}"),
                );
                continue;
            }
        };
        match vpc {
            Ok(vpc) => {
                if cx.built.contains_key(&igw_id) {
                    cx.entry(
                        EntryKind::Warning,
                        r,
                        format!("{igw_id} is attached twice; the first attachment is used"),
                    );
                    continue;
                }
                cx.spec.internet_gateways.push(InternetGatewaySpec {
                    id: igw_id.clone(),
                    vpc,
                });
                cx.built(&igw_id, "internet gateway");
            }
            Err(why) => {
                let i = cx.by_id[&igw_id];
                cx.absent(i, why);
            }
        }
    }
    for r in cx.of(&["AWS::EC2::InternetGateway"]) {
        let id = cx.res[r].id.clone();
        if !cx.built.contains_key(&id) && !cx.absent.contains_key(&id) {
            cx.absent(r, "no VPCGatewayAttachment attaches it to a VPC".into());
        }
    }
    for r in cx.of(&["AWS::EC2::EgressOnlyInternetGateway"]) {
        cx.handled(r);
        match cx.entity(cx.prop(r, "VpcId"), "vpc") {
            Ok(vpc) => {
                let id = cx.res[r].id.clone();
                cx.spec
                    .egress_only_internet_gateways
                    .push(EgressOnlyIgwSpec {
                        id: id.clone(),
                        vpc,
                    });
                cx.built(&id, "egress-only internet gateway");
            }
            Err(why) => cx.absent(r, why),
        }
    }
}

fn nat_gateways(cx: &mut Ctx<'_>) {
    let mut placeholder = 0u32;
    for r in cx.of(&["AWS::EC2::NatGateway"]) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        let subnet = match cx.entity(cx.prop(r, "SubnetId"), "subnet") {
            Ok(s) => s,
            Err(why) => {
                cx.absent(r, why);
                continue;
            }
        };
        let private = cx
            .text(r, "ConnectivityType")
            .is_some_and(|c| c.eq_ignore_ascii_case("private"));
        let elastic_ip = if private {
            None
        } else {
            // The address is Amazon's choice at deployment; reachability
            // does not depend on its value, only on there being one.
            placeholder += 1;
            Some(format!("198.51.100.{}", placeholder.min(254)))
        };
        cx.spec.nat_gateways.push(NatGatewaySpec {
            id: id.clone(),
            subnet,
            connectivity: if private {
                NatConnectivity::Private
            } else {
                NatConnectivity::Public
            },
            elastic_ip,
        });
        cx.built(&id, "nat gateway");
    }
}

fn peering(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::EC2::VPCPeeringConnection"]) {
        cx.handled(r);
        let a = cx.entity(cx.prop(r, "VpcId"), "vpc");
        let b = cx.entity(cx.prop(r, "PeerVpcId"), "vpc");
        let other_region = cx.text(r, "PeerRegion");
        match (a, b) {
            (Ok(requester), Ok(accepter)) if other_region.is_none() => {
                let id = cx.res[r].id.clone();
                cx.spec.peering_connections.push(PeeringSpec {
                    id: id.clone(),
                    requester,
                    accepter,
                });
                cx.built(&id, "peering connection");
            }
            (Err(why), _) | (_, Err(why)) => cx.absent(r, why),
            _ => cx.absent(r, "the peer VPC is in another region (PeerRegion)".into()),
        }
    }
}

/// `pl-…` ids are account data; `pl:s3` or a catalog service id names the
/// service whose managed prefix list is meant.
pub fn prefix_list_service(v: Option<&Val>) -> Result<String, String> {
    match v {
        Some(Val::Str(s)) => {
            let svc = s.strip_prefix("pl:").unwrap_or(s);
            if catalog::lookup(svc).is_some() {
                Ok(svc.to_string())
            } else {
                Err(format!(
                    "prefix list `{s}` is an account-specific id; give the parameter as `pl:s3` (or `pl:dynamodb`) to say whose list it is"
                ))
            }
        }
        Some(Val::Unknown(w)) => Err(w.clone()),
        _ => Err("no prefix list".into()),
    }
}

/// `com.amazonaws.<region>.<service>` → a catalog service id.
fn endpoint_service(name: &str) -> Option<&'static str> {
    let suffix = name.strip_prefix("com.amazonaws.")?.split_once('.')?.1;
    catalog::catalog()
        .iter()
        .find(|e| e.endpoint_service.as_deref().unwrap_or(&e.id) == suffix)
        .map(|e| e.id.as_str())
}

fn endpoints(cx: &mut Ctx<'_>) {
    'endpoints: for r in cx.of(&["AWS::EC2::VPCEndpoint"]) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        let vpc = match cx.entity(cx.prop(r, "VpcId"), "vpc") {
            Ok(v) => v,
            Err(why) => {
                cx.absent(r, why);
                continue;
            }
        };
        let name = cx.text(r, "ServiceName").unwrap_or_default();
        let Some(service) = endpoint_service(&name) else {
            cx.absent(r, format!("service `{name}` is not in awsreach's catalog"));
            continue;
        };
        // CloudFormation's default VpcEndpointType is Gateway, and its
        // PrivateDnsEnabled defaults to false (AWS::EC2::VPCEndpoint reference).
        let kind = match cx.text(r, "VpcEndpointType").as_deref() {
            None | Some("Gateway") => EndpointKind::Gateway,
            Some("Interface") => EndpointKind::Interface,
            Some(other) => {
                cx.absent(r, format!("{other} endpoints are not modelled"));
                continue;
            }
        };
        // A gateway endpoint whose route tables are unknown cannot be
        // placed: left out, and said so. An interface endpoint whose subnets
        // or groups are unknown is kept with its placement listed as
        // missing: its private DNS still captures the service's hostname,
        // so calls to the service from its VPC are `unknown`, not sent to
        // the public endpoint by a guess (rule 13).
        let mut lists = Vec::with_capacity(3);
        let mut unplaced = Vec::new();
        for (key, what) in [
            ("RouteTableIds", "route table"),
            ("SubnetIds", "subnet"),
            ("SecurityGroupIds", "security group"),
        ] {
            match cx.entities(cx.prop(r, key), what) {
                Ok(l) => lists.push(l),
                Err(why) if kind == EndpointKind::Interface && key != "RouteTableIds" => {
                    unplaced.push(format!("{key}: {why}"));
                    lists.push(Vec::new());
                }
                Err(why) => {
                    cx.absent(
                        r,
                        format!("{key}: {why}; verdicts through this endpoint are not known"),
                    );
                    continue 'endpoints;
                }
            }
        }
        if !unplaced.is_empty() {
            let note = format!(
                "placement of interface endpoint {id} unknown ({}); calls its private DNS captures are unknown",
                unplaced.join("; ")
            );
            cx.missing(r, &id, MissingKind::Placement, note);
        }
        let security_groups = lists.pop().unwrap_or_default();
        let subnets = lists.pop().unwrap_or_default();
        let route_tables = lists.pop().unwrap_or_default();
        let private_dns = cx
            .prop(r, "PrivateDnsEnabled")
            .and_then(Val::truthy)
            .unwrap_or(false);
        let policy = cx
            .prop(r, "PolicyDocument")
            .cloned()
            .and_then(|p| policy(cx, r, &p));
        cx.spec.vpc_endpoints.push(VpcEndpointSpec {
            id: id.clone(),
            vpc,
            service: service.to_string(),
            kind,
            route_tables,
            subnets,
            security_groups,
            private_dns,
            policy,
        });
        cx.built(&id, "vpc endpoint");
    }
}

/// An endpoint policy reduced to actions: `Allow` statements give the
/// allowed actions, `Deny` statements the denied ones. Resource and
/// condition limits are reported, since the model keeps actions only.
fn policy(cx: &mut Ctx<'_>, r: usize, doc: &Val) -> Option<EndpointPolicySpec> {
    let doc = match doc {
        Val::Str(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(v) => json_to_val(&v),
            Err(_) => {
                cx.entry(
                    EntryKind::Warning,
                    r,
                    "PolicyDocument is not JSON: treated as the default full-access policy",
                );
                return None;
            }
        },
        other => other.clone(),
    };
    let stmts = match doc.get("Statement") {
        Some(Val::List(l)) => l.clone(),
        Some(one @ Val::Map(_)) => vec![one.clone()],
        _ => return None,
    };
    let mut allow = Vec::new();
    let mut deny = Vec::new();
    let mut narrowed = false;
    for st in &stmts {
        let actions: Vec<String> = match st.get("Action") {
            Some(Val::List(l)) => l.iter().filter_map(Val::text).collect(),
            Some(v) => v.text().into_iter().collect(),
            None => Vec::new(),
        };
        narrowed |= st.get("Condition").is_some()
            || st
                .get("Resource")
                .is_some_and(|x| x.text().as_deref() != Some("*"));
        match st.get("Effect").and_then(Val::text).as_deref() {
            Some("Deny") => deny.extend(actions),
            _ => allow.extend(actions),
        }
    }
    if narrowed {
        cx.entry(
            EntryKind::Warning,
            r,
            "endpoint policy limits resources or conditions; awsreach keeps only its actions",
        );
    }
    Some(EndpointPolicySpec {
        allow: Some(allow),
        deny,
    })
}

fn json_to_val(v: &serde_json::Value) -> Val {
    use serde_json::Value;
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => Val::Str(n.to_string()),
        Value::String(s) => Val::Str(s.clone()),
        Value::Array(a) => Val::List(a.iter().map(json_to_val).collect()),
        Value::Object(o) => Val::Map(o.iter().map(|(k, v)| (k.clone(), json_to_val(v))).collect()),
    }
}

fn routes(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::EC2::Route"]) {
        cx.handled(r);
        let table = match cx.entity(cx.prop(r, "RouteTableId"), "route table") {
            Ok(t) => t,
            Err(why) => {
                cx.entry(EntryKind::Missing, r, format!("route not imported: {why}"));
                continue;
            }
        };
        let dest = if let Some(pl) = cx.prop(r, "DestinationPrefixListId").cloned() {
            prefix_list_service(Some(&pl)).map(|s| format!("pl:{s}"))
        } else {
            let d = cx
                .prop(r, "DestinationCidrBlock")
                .or(cx.prop(r, "DestinationIpv6CidrBlock"))
                .cloned();
            cidr(cx, r, d.as_ref(), "destination")
        };
        let target = route_target(cx, r);
        match (dest, target) {
            (Ok(dest), Ok(target)) => {
                if let Some(t) = cx.spec.route_tables.iter_mut().find(|t| t.id == table) {
                    t.routes.push(RouteSpec { dest, target });
                }
            }
            (Err(why), _) | (_, Err(why)) => {
                cx.missing(
                    r,
                    &table,
                    MissingKind::Routes,
                    format!("route {} not imported: {why}", cx.res[r].id),
                );
            }
        }
    }
}

fn route_target(cx: &mut Ctx<'_>, r: usize) -> Result<RouteTarget, String> {
    let get = |k: &str| cx.prop(r, k);
    if let Some(g) = get("GatewayId") {
        if g.text().as_deref() == Some("local") {
            return Ok(RouteTarget::Local);
        }
        if let Val::Str(s) = g
            && cx
                .by_id
                .get(s)
                .is_some_and(|&i| cx.res[i].ty == "AWS::EC2::InternetGateway")
            && !cx.built.contains_key(s)
        {
            // A route to a gateway that is not attached drops traffic.
            cx.entry(
                EntryKind::Warning,
                r,
                format!("{s} is attached to no VPC: the route is a blackhole"),
            );
            return Ok(RouteTarget::Blackhole);
        }
        return cx.entity(Some(g), "internet gateway").map(RouteTarget::Igw);
    }
    type Make = fn(String) -> RouteTarget;
    let pairs: [(&str, &str, Make); 6] = [
        ("NatGatewayId", "nat gateway", RouteTarget::Nat),
        (
            "VpcPeeringConnectionId",
            "peering connection",
            RouteTarget::Peering,
        ),
        (
            "TransitGatewayId",
            "transit gateway",
            RouteTarget::TransitGateway,
        ),
        (
            "EgressOnlyInternetGatewayId",
            "egress-only internet gateway",
            RouteTarget::EgressOnlyIgw,
        ),
        ("NetworkInterfaceId", "resource", RouteTarget::Eni),
        ("InstanceId", "resource", RouteTarget::Eni),
    ];
    for (key, kind, make) in pairs {
        if let Some(v) = get(key) {
            return cx.entity(Some(v), kind).map(make);
        }
    }
    let other = [
        "VpcEndpointId",
        "CarrierGatewayId",
        "LocalGatewayId",
        "CoreNetworkArn",
    ]
    .into_iter()
    .find(|k| get(k).is_some())
    .unwrap_or("no target");
    Err(format!("route target {other} is not modelled"))
}
