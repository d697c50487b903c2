//! The network layer: VPCs, subnets, prefix lists, security groups,
//! gateways, endpoints, route tables and network ACLs.
//!
//! Just over 800 lines on purpose: one file per family of `describe-*`
//! output, as `compute.rs`; each mapper reads one kind top to bottom.

use std::collections::HashMap;

use awsreach_model::catalog;
use awsreach_model::spec::*;
use ipnet::IpNet;
use serde_json::Value;

use super::build::{Ctx, SubnetInfo};
use super::value::{arr, b, i, ids, s};

/// Only `associated` CIDR blocks count: a `disassociated` block of
/// `CidrBlockAssociationSet` is no longer the VPC's.
pub fn vpcs(cx: &mut Ctx) {
    let items = cx.dump.list("Vpcs").to_vec();
    for it in &items {
        let Some(id) = s(&it.v, "VpcId") else {
            cx.warn(&it.src, "Vpcs", "a VPC without VpcId; not imported");
            continue;
        };
        let Some(primary) = s(&it.v, "CidrBlock") else {
            cx.warn(&it.src, id, "a VPC without CidrBlock; not imported");
            continue;
        };
        if !cx.claim(&it.src, id, "VPC") {
            continue;
        }
        let mut cidrs: Vec<IpNet> = primary.parse().into_iter().collect();
        let mut secondary = Vec::new();
        for a in arr(&it.v, "CidrBlockAssociationSet") {
            let state = a.get("CidrBlockState").and_then(|x| s(x, "State"));
            let Some(c) = s(a, "CidrBlock") else { continue };
            if c == primary {
                continue;
            }
            if state.is_some_and(|st| st != "associated") {
                cx.skip(
                    &it.src,
                    id,
                    format!("CIDR block {c} is {}: not the VPC's", state.unwrap_or("?")),
                );
                continue;
            }
            if let Ok(n) = c.parse() {
                cidrs.push(n);
            }
            secondary.push(c.to_string());
        }
        let ipv6 = arr(&it.v, "Ipv6CidrBlockAssociationSet")
            .iter()
            .filter(|a| {
                a.get("Ipv6CidrBlockState")
                    .and_then(|x| s(x, "State"))
                    .is_none_or(|st| st == "associated")
            })
            .find_map(|a| s(a, "Ipv6CidrBlock"))
            .map(str::to_string);
        if let Some(v6) = &ipv6
            && let Ok(n) = v6.parse()
        {
            cidrs.push(n);
        }
        let is_default = b(&it.v, "IsDefault").unwrap_or(false);
        cx.vpcs.insert(id.to_string(), cidrs);
        cx.spec.vpcs.push(VpcSpec {
            id: id.to_string(),
            cidr: primary.to_string(),
            secondary_cidrs: secondary,
            ipv6_cidr: ipv6,
            dns_support: true,
            // The CreateVpc defaults; describe-vpc-attribute (read last)
            // replaces them when it was collected.
            dns_hostnames: is_default,
        });
    }
    if !items.is_empty() {
        cx.read("Vpcs", "Vpcs", format!("{} VPCs", cx.spec.vpcs.len()));
    }
}

pub fn subnets(cx: &mut Ctx) {
    let items = cx.dump.list("Subnets").to_vec();
    for it in &items {
        let (Some(id), Some(vpc), Some(cidr)) = (
            s(&it.v, "SubnetId"),
            s(&it.v, "VpcId"),
            s(&it.v, "CidrBlock"),
        ) else {
            cx.warn(
                &it.src,
                "Subnets",
                "a subnet without SubnetId, VpcId or CidrBlock; not imported",
            );
            continue;
        };
        if !cx.vpc_known(&it.src, id, vpc, "the subnet") {
            continue;
        }
        let Ok(net) = cidr.parse::<IpNet>() else {
            cx.warn(
                &it.src,
                id,
                format!("CIDR `{cidr}` is not a CIDR; not imported"),
            );
            continue;
        };
        if !cx.claim(&it.src, id, "subnet") {
            continue;
        }
        let az = s(&it.v, "AvailabilityZone").map(str::to_string);
        let ipv6 = arr(&it.v, "Ipv6CidrBlockAssociationSet")
            .iter()
            .filter(|a| {
                a.get("Ipv6CidrBlockState")
                    .and_then(|x| s(x, "State"))
                    .is_none_or(|st| st == "associated")
            })
            .find_map(|a| s(a, "Ipv6CidrBlock"))
            .map(str::to_string);
        cx.subnets.insert(
            id.to_string(),
            SubnetInfo {
                vpc: vpc.to_string(),
                cidr: net,
                az: az.clone(),
            },
        );
        cx.spec.subnets.push(SubnetSpec {
            id: id.to_string(),
            vpc: vpc.to_string(),
            cidr: cidr.to_string(),
            ipv6_cidr: ipv6,
            az,
            route_table: None,
            network_acl: None,
        });
    }
    if !items.is_empty() {
        cx.read(
            "Subnets",
            "Subnets",
            format!("{} subnets", cx.spec.subnets.len()),
        );
    }
}

/// AWS-managed prefix lists (`com.amazonaws.<region>.s3`) stand for a
/// catalog service; customer-managed ones for their entries.
pub fn prefix_lists(cx: &mut Ctx) {
    let items = cx.dump.list("PrefixLists").to_vec();
    for it in &items {
        let Some(id) = s(&it.v, "PrefixListId") else {
            continue;
        };
        let name = s(&it.v, "PrefixListName").unwrap_or("");
        if let Some(svc) = service_of_name(name, &cx.region) {
            cx.pl_service.insert(id.to_string(), svc.to_string());
        }
        let cidrs: Vec<String> = super::value::strs(&it.v, "Cidrs")
            .into_iter()
            .map(str::to_string)
            .collect();
        if !cidrs.is_empty() {
            cx.pl_cidrs.insert(id.to_string(), cidrs);
        }
    }
    let entries = cx.dump.prefix_entries.clone();
    for (it, pl) in &entries {
        let cidrs: Vec<String> =
            it.v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|e| s(e, "Cidr"))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
        cx.pl_cidrs.insert(pl.clone(), cidrs);
    }
    if !items.is_empty() || !entries.is_empty() {
        let n = items.len();
        cx.read(
            "PrefixLists",
            "PrefixLists",
            format!("{n} prefix lists, {} entry lists", entries.len()),
        );
    }
}

/// The catalog service of an AWS service name: `com.amazonaws.us-east-1.s3`
/// → `s3`.
pub fn service_of_name(name: &str, region: &str) -> Option<&'static str> {
    catalog::catalog()
        .iter()
        .find(|e| e.endpoint_service_name(region) == name)
        .map(|e| e.id.as_str())
}

/// `-1` all, `6` tcp, `17` udp, `1` icmp; others are not modelled.
fn protocol(p: &str) -> Option<Protocol> {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => Some(Protocol::All),
        "tcp" | "6" => Some(Protocol::Tcp),
        "udp" | "17" => Some(Protocol::Udp),
        "icmp" | "1" => Some(Protocol::Icmp),
        _ => None,
    }
}

/// A port range as the model writes it, or none for "all".
fn ports(proto: Protocol, from: Option<i64>, to: Option<i64>) -> Option<String> {
    if !matches!(proto, Protocol::Tcp | Protocol::Udp) {
        return None;
    }
    match (from, to) {
        (Some(f), Some(t)) if f >= 0 && t <= 65535 && f <= t => {
            if f == 0 && t == 65535 {
                None
            } else if f == t {
                Some(f.to_string())
            } else {
                Some(format!("{f}-{t}"))
            }
        }
        _ => None,
    }
}

/// One security-group permission as both describe calls give it.
struct Perm {
    proto: String,
    from: Option<i64>,
    to: Option<i64>,
    cidrs: Vec<String>,
    groups: Vec<(String, Option<String>)>,
    pls: Vec<String>,
    description: Option<String>,
}

fn perms_of_group(v: &Value, key: &str) -> Vec<Perm> {
    arr(v, key)
        .iter()
        .map(|p| Perm {
            proto: s(p, "IpProtocol").unwrap_or("-1").to_string(),
            from: i(p, "FromPort"),
            to: i(p, "ToPort"),
            cidrs: ids(p, "IpRanges", "CidrIp")
                .into_iter()
                .chain(ids(p, "Ipv6Ranges", "CidrIpv6"))
                .map(str::to_string)
                .collect(),
            groups: arr(p, "UserIdGroupPairs")
                .iter()
                .filter_map(|g| {
                    Some((
                        s(g, "GroupId")?.to_string(),
                        s(g, "VpcPeeringConnectionId").map(str::to_string),
                    ))
                })
                .collect(),
            pls: ids(p, "PrefixListIds", "PrefixListId")
                .into_iter()
                .map(str::to_string)
                .collect(),
            description: arr(p, "IpRanges")
                .iter()
                .find_map(|r| s(r, "Description"))
                .map(str::to_string),
        })
        .collect()
}

/// `describe-security-group-rules`: one peer per rule.
fn perm_of_rule(r: &Value) -> Perm {
    Perm {
        proto: s(r, "IpProtocol").unwrap_or("-1").to_string(),
        from: i(r, "FromPort"),
        to: i(r, "ToPort"),
        cidrs: s(r, "CidrIpv4")
            .or(s(r, "CidrIpv6"))
            .map(str::to_string)
            .into_iter()
            .collect(),
        groups: r
            .get("ReferencedGroupInfo")
            .and_then(|g| s(g, "GroupId"))
            .map(|g| (g.to_string(), None))
            .into_iter()
            .collect(),
        pls: s(r, "PrefixListId")
            .map(str::to_string)
            .into_iter()
            .collect(),
        description: s(r, "Description").map(str::to_string),
    }
}

pub fn security_groups(cx: &mut Ctx) {
    let items = cx.dump.list("SecurityGroups").to_vec();
    // Known first, so references between groups resolve in any order.
    for it in &items {
        if let (Some(id), Some(vpc)) = (s(&it.v, "GroupId"), s(&it.v, "VpcId"))
            && cx.vpcs.contains_key(vpc)
        {
            cx.sgs.insert(id.to_string());
        }
    }
    let mut by_rules: HashMap<String, (Vec<Perm>, Vec<Perm>, String)> = HashMap::new();
    for it in cx.dump.list("SecurityGroupRules") {
        let Some(g) = s(&it.v, "GroupId") else {
            continue;
        };
        let e = by_rules
            .entry(g.to_string())
            .or_insert_with(|| (Vec::new(), Vec::new(), it.src.clone()));
        if b(&it.v, "IsEgress").unwrap_or(false) {
            e.1.push(perm_of_rule(&it.v));
        } else {
            e.0.push(perm_of_rule(&it.v));
        }
    }
    // A VPC has one default group; a dump with two groups named `default`
    // in one VPC (seen in real data) cannot say which, so neither is marked.
    let mut defaults: HashMap<&str, usize> = HashMap::new();
    for it in &items {
        if let (Some("default"), Some(vpc)) = (s(&it.v, "GroupName"), s(&it.v, "VpcId")) {
            *defaults.entry(vpc).or_default() += 1;
        }
    }
    for it in &items {
        let Some(id) = s(&it.v, "GroupId") else {
            continue;
        };
        let Some(vpc) = s(&it.v, "VpcId") else {
            cx.skip(
                &it.src,
                id,
                "EC2-Classic security group (no VpcId): not modelled",
            );
            continue;
        };
        if !cx.vpc_known(&it.src, id, vpc, "the group") {
            continue;
        }
        if !cx.claim(&it.src, id, "security group") {
            cx.sgs.remove(id);
            continue;
        }
        // describe-security-group-rules, where collected, has the same
        // rules one peer per line; the group's own lists are used otherwise.
        let (ing, eg) = match by_rules.remove(id) {
            Some((i, e, _)) => (i, e),
            None => (
                perms_of_group(&it.v, "IpPermissions"),
                perms_of_group(&it.v, "IpPermissionsEgress"),
            ),
        };
        let mut is_default = s(&it.v, "GroupName") == Some("default");
        if is_default && defaults.get(vpc).copied().unwrap_or(0) > 1 {
            cx.warn(
                &it.src,
                id,
                format!(
                    "{vpc} has several groups named `default`; none is taken as its default group"
                ),
            );
            is_default = false;
        }
        let ingress = rules(cx, &it.src, id, ing);
        let egress_rules = rules(cx, &it.src, id, eg);
        let egress = if is_default_egress(&egress_rules) {
            None
        } else {
            Some(egress_rules)
        };
        cx.spec.security_groups.push(SecurityGroupSpec {
            id: id.to_string(),
            vpc: vpc.to_string(),
            default: is_default,
            ingress,
            egress,
        });
    }
    for (g, (_, _, src)) in by_rules {
        cx.warn(
            &src,
            &g,
            "rules of a group that describe-security-groups does not list; not imported",
        );
    }
    if !items.is_empty() {
        let n = cx.spec.security_groups.len();
        cx.read(
            "SecurityGroups",
            "SecurityGroups",
            format!("{n} security groups"),
        );
    }
}

/// The rule AWS gives every new group: all traffic to 0.0.0.0/0 (and ::/0).
fn is_default_egress(r: &[SgRuleSpec]) -> bool {
    let all = |c: &str| {
        r.iter().any(|x| {
            x.protocol == Protocol::All && x.cidr.as_deref() == Some(c) && x.ports.is_none()
        })
    };
    all("0.0.0.0/0")
        && r.iter().all(|x| {
            x.protocol == Protocol::All && matches!(x.cidr.as_deref(), Some("0.0.0.0/0" | "::/0"))
        })
}

fn rules(cx: &mut Ctx, src: &str, sg: &str, perms: Vec<Perm>) -> Vec<SgRuleSpec> {
    let mut out = Vec::new();
    for p in perms {
        let Some(proto) = protocol(&p.proto) else {
            cx.skip(
                src,
                sg,
                format!(
                    "rule for IP protocol {} (not tcp, udp, icmp or all): not modelled",
                    p.proto
                ),
            );
            continue;
        };
        let ports = ports(proto, p.from, p.to);
        let rule = |cidr: Option<String>, sg: Option<String>, pl: Option<String>| SgRuleSpec {
            protocol: proto,
            ports: ports.clone(),
            cidr,
            sg,
            prefix_list: pl,
            description: p.description.clone(),
        };
        for c in &p.cidrs {
            if let Some(c) = cx.cidr(src, sg, c) {
                out.push(rule(Some(c), None, None));
            }
        }
        for (g, pcx) in &p.groups {
            if cx.sgs.contains(g) {
                out.push(rule(None, Some(g.clone()), None));
            } else {
                let why = match pcx {
                    Some(pcx) => format!(
                        "a rule names group {g} across peering {pcx}, which is not in the snapshot"
                    ),
                    None => format!("a rule names group {g}, which is not in the snapshot"),
                };
                cx.missing(src, sg, MissingKind::Rules, why);
            }
        }
        for pl in &p.pls {
            if let Some(svc) = cx.pl_service.get(pl).cloned() {
                out.push(rule(None, None, Some(svc)));
            } else if let Some(cidrs) = cx.pl_cidrs.get(pl).cloned() {
                for c in cidrs {
                    out.push(rule(Some(c), None, None));
                }
            } else {
                cx.missing(
                    src,
                    sg,
                    MissingKind::Rules,
                    format!("a rule names prefix list {pl}, whose entries are not in the snapshot"),
                );
            }
        }
    }
    out
}

/// Internet gateways, egress-only internet gateways, NAT gateways.
pub fn gateways(cx: &mut Ctx) {
    for (key, id_key, what) in [
        ("InternetGateways", "InternetGatewayId", "internet gateway"),
        (
            "EgressOnlyInternetGateways",
            "EgressOnlyInternetGatewayId",
            "egress-only internet gateway",
        ),
    ] {
        let items = cx.dump.list(key).to_vec();
        let mut n = 0;
        for it in &items {
            let Some(id) = s(&it.v, id_key) else { continue };
            let attached: Vec<&str> = arr(&it.v, "Attachments")
                .iter()
                .filter(|a| matches!(s(a, "State"), Some("available" | "attached") | None))
                .filter_map(|a| s(a, "VpcId"))
                .collect();
            let Some(vpc) = attached.first() else {
                cx.skip(&it.src, id, format!("{what} attached to no VPC"));
                continue;
            };
            if !cx.vpc_known(&it.src, id, vpc, "") {
                continue;
            }
            if !cx.claim(&it.src, id, what) {
                continue;
            }
            cx.targets.insert(
                id.to_string(),
                if key == "InternetGateways" {
                    "igw"
                } else {
                    "eigw"
                },
            );
            n += 1;
            if key == "InternetGateways" {
                cx.spec.internet_gateways.push(InternetGatewaySpec {
                    id: id.to_string(),
                    vpc: vpc.to_string(),
                });
            } else {
                cx.spec
                    .egress_only_internet_gateways
                    .push(EgressOnlyIgwSpec {
                        id: id.to_string(),
                        vpc: vpc.to_string(),
                    });
            }
        }
        if !items.is_empty() {
            cx.read(key, key, format!("{n} {what}s"));
        }
    }
    let items = cx.dump.list("NatGateways").to_vec();
    let mut n = 0;
    for it in &items {
        let Some(id) = s(&it.v, "NatGatewayId") else {
            continue;
        };
        let state = s(&it.v, "State").unwrap_or("available");
        if state != "available" {
            cx.skip(
                &it.src,
                id,
                format!("NAT gateway in state {state}: routes to it drop traffic"),
            );
            continue;
        }
        let Some(subnet) = s(&it.v, "SubnetId").filter(|x| cx.subnets.contains_key(*x)) else {
            cx.report.push(
                crate::EntryKind::Missing,
                &it.src,
                id,
                "its subnet is not in the snapshot; not imported",
            );
            continue;
        };
        let private = s(&it.v, "ConnectivityType") == Some("private");
        let addr = arr(&it.v, "NatGatewayAddresses").first();
        let public_ip = addr.and_then(|a| s(a, "PublicIp"));
        if let Some(pip) = addr.and_then(|a| s(a, "PrivateIp")) {
            let cidr = cx.subnets[subnet].cidr;
            if pip
                .parse::<std::net::IpAddr>()
                .is_ok_and(|a| !cidr.contains(&a))
            {
                cx.warn(
                    &it.src,
                    id,
                    format!(
                        "private address {pip} is outside its subnet {subnet} ({cidr}), which AWS \
                         never does (a moto quirk); the NAT gateway is placed in its subnet as AWS would"
                    ),
                );
            }
        }
        let public_ip = if private {
            None
        } else {
            cx.public_address(&it.src, id, public_ip)
        };
        if !private && public_ip.is_none() {
            cx.report.push(
                crate::EntryKind::Missing,
                &it.src,
                id,
                "public NAT gateway without its Elastic IP in the snapshot; not imported",
            );
            continue;
        }
        if !cx.claim(&it.src, id, "NAT gateway") {
            continue;
        }
        cx.targets.insert(id.to_string(), "nat");
        n += 1;
        cx.spec.nat_gateways.push(NatGatewaySpec {
            id: id.to_string(),
            subnet: subnet.to_string(),
            connectivity: if private {
                NatConnectivity::Private
            } else {
                NatConnectivity::Public
            },
            elastic_ip: public_ip,
        });
    }
    if !items.is_empty() {
        cx.read("NatGateways", "NatGateways", format!("{n} NAT gateways"));
    }
}

/// Gateway and interface endpoints of catalog services. Gateway Load
/// Balancer endpoints and endpoints of other services are skipped.
pub fn endpoints(cx: &mut Ctx) {
    let items = cx.dump.list("VpcEndpoints").to_vec();
    let mut n = 0;
    for it in &items {
        let Some(id) = s(&it.v, "VpcEndpointId") else {
            continue;
        };
        let kind = s(&it.v, "VpcEndpointType").unwrap_or("Gateway");
        let name = s(&it.v, "ServiceName").unwrap_or("");
        let state = s(&it.v, "State").unwrap_or("available");
        if !state.eq_ignore_ascii_case("available") {
            cx.skip(
                &it.src,
                id,
                format!("endpoint in state {state}: not in service"),
            );
            continue;
        }
        let kind = match kind {
            "Gateway" => EndpointKind::Gateway,
            "Interface" => EndpointKind::Interface,
            other => {
                cx.skip(
                    &it.src,
                    id,
                    format!("{other} endpoint ({name}): not modelled"),
                );
                continue;
            }
        };
        let Some(service) = service_of_name(name, &cx.region) else {
            cx.skip(
                &it.src,
                id,
                format!(
                    "endpoint of {name}, a service outside awsreach's catalog (`awsreach services`)"
                ),
            );
            continue;
        };
        let Some(vpc) = s(&it.v, "VpcId").filter(|v| cx.vpcs.contains_key(*v)) else {
            cx.report.push(
                crate::EntryKind::Missing,
                &it.src,
                id,
                "its VPC is not in the snapshot; not imported",
            );
            continue;
        };
        if !cx.claim(&it.src, id, "VPC endpoint") {
            continue;
        }
        let mut route_tables = Vec::new();
        let mut subnets = Vec::new();
        let mut groups = Vec::new();
        if kind == EndpointKind::Gateway {
            // Checked against the route tables read later (route_tables).
            route_tables = super::value::strs(&it.v, "RouteTableIds")
                .into_iter()
                .map(str::to_string)
                .collect();
        } else {
            for sn in super::value::strs(&it.v, "SubnetIds") {
                if cx.subnets.contains_key(sn) {
                    subnets.push(sn.to_string());
                } else {
                    cx.report.push(
                        crate::EntryKind::Missing,
                        &it.src,
                        id,
                        format!("its subnet {sn} is not in the snapshot; that endpoint interface is left out"),
                    );
                }
            }
            for g in ids(&it.v, "Groups", "GroupId") {
                if cx.sgs.contains(g) {
                    groups.push(g.to_string());
                } else {
                    placeholder_sg(cx, &it.src, id, g, vpc);
                    groups.push(g.to_string());
                }
            }
        }
        let policy = endpoint_policy(cx, &it.src, id, s(&it.v, "PolicyDocument"));
        cx.targets.insert(id.to_string(), "vpce");
        n += 1;
        cx.spec.vpc_endpoints.push(VpcEndpointSpec {
            id: id.to_string(),
            vpc: vpc.to_string(),
            service: service.to_string(),
            kind,
            route_tables,
            subnets,
            security_groups: groups,
            private_dns: kind == EndpointKind::Gateway
                || b(&it.v, "PrivateDnsEnabled").unwrap_or(false),
            policy,
        });
    }
    if !items.is_empty() {
        cx.read("VpcEndpoints", "VpcEndpoints", format!("{n} VPC endpoints"));
    }
}

/// A group something references that the snapshot lacks: it exists (AWS
/// would not let the reference be made otherwise) but its rules are
/// unknown, so verdicts through it are `unknown`, never guessed.
pub fn placeholder_sg(cx: &mut Ctx, src: &str, user: &str, g: &str, vpc: &str) {
    if cx.sgs.contains(g) {
        return;
    }
    if !cx.claim(src, g, "security group") {
        return;
    }
    cx.sgs.insert(g.to_string());
    cx.spec.security_groups.push(SecurityGroupSpec {
        id: g.to_string(),
        vpc: vpc.to_string(),
        default: false,
        ingress: Vec::new(),
        egress: Some(Vec::new()),
    });
    cx.missing(
        src,
        g,
        MissingKind::Rules,
        format!(
            "{user} uses security group {g}, which is not in the snapshot: its rules are unknown"
        ),
    );
}

/// An endpoint policy reduced to actions. The default full-access policy
/// is `None`; statements the model cannot express (conditions, principals
/// or resources other than `*`) make the policy missing.
fn endpoint_policy(
    cx: &mut Ctx,
    src: &str,
    id: &str,
    doc: Option<&str>,
) -> Option<EndpointPolicySpec> {
    let doc: Value = serde_json::from_str(doc?).ok()?;
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(o @ Value::Object(_)) => vec![o],
        _ => return None,
    };
    let list = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(x)) => vec![x.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    let star = |v: Option<&Value>| match v {
        None => true,
        Some(Value::String(x)) => x == "*",
        Some(Value::Object(o)) => o.values().all(|p| list(Some(p)) == ["*"]),
        Some(Value::Array(_)) => list(v) == ["*"],
        _ => false,
    };
    let mut allow: Vec<String> = Vec::new();
    let mut deny = Vec::new();
    let mut exact = true;
    for st in statements {
        if st.get("Condition").is_some() || !star(st.get("Principal")) || !star(st.get("Resource"))
        {
            exact = false;
        }
        let actions = list(st.get("Action"));
        match s(st, "Effect") {
            Some("Deny") => deny.extend(actions),
            _ => allow.extend(actions),
        }
    }
    if !exact {
        cx.missing(
            src,
            id,
            MissingKind::Policy,
            "the endpoint policy has conditions, principals or resources other than `*`, \
             which awsreach does not evaluate",
        );
    }
    if deny.is_empty() && allow.iter().any(|a| a == "*") {
        return None;
    }
    Some(EndpointPolicySpec {
        allow: if allow.iter().any(|a| a == "*") {
            None
        } else {
            Some(allow)
        },
        deny,
    })
}
