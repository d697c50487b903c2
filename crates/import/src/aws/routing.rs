//! Route tables (and which subnet uses which), network ACLs, and the VPC
//! DNS attributes.

use std::collections::{HashMap, HashSet};

use awsreach_model::spec::*;

use super::build::Ctx;
use super::value::{arr, b, i, s};

/// Route tables, their associations and routes. A route whose target is
/// not in the scenario is left out and the table's routes are `missing`,
/// so a verdict that could have used it is `unknown`.
pub fn route_tables(cx: &mut Ctx) {
    let items = cx.dump.list("RouteTables").to_vec();
    let read = cx.dump.has("RouteTables");
    let mut tables: HashSet<String> = HashSet::new();
    let mut has_main: HashSet<String> = HashSet::new();
    let mut assoc: HashMap<String, String> = HashMap::new();
    for it in &items {
        let (Some(id), Some(vpc)) = (s(&it.v, "RouteTableId"), s(&it.v, "VpcId")) else {
            continue;
        };
        if !cx.vpc_known(&it.src, id, vpc, "") {
            continue;
        }
        if !cx.claim(&it.src, id, "route table") {
            continue;
        }
        tables.insert(id.to_string());
        let mut main = false;
        for a in arr(&it.v, "Associations") {
            if a.get("AssociationState")
                .and_then(|x| s(x, "State"))
                .is_some_and(|st| st != "associated")
            {
                continue;
            }
            if b(a, "Main").unwrap_or(false) {
                main = true;
            } else if let Some(sn) = s(a, "SubnetId") {
                assoc.insert(sn.to_string(), id.to_string());
            } else if let Some(g) = s(a, "GatewayId") {
                cx.skip(
                    &it.src,
                    id,
                    format!("edge association with gateway {g} (ingress routing): not modelled"),
                );
            }
        }
        if main {
            has_main.insert(vpc.to_string());
        }
        let mut routes = Vec::new();
        for r in arr(&it.v, "Routes") {
            routes.extend(route(cx, &it.src, id, r));
        }
        cx.spec.route_tables.push(RouteTableSpec {
            id: id.to_string(),
            vpc: vpc.to_string(),
            main,
            routes,
        });
    }
    // Which table each subnet uses: its explicit association, else its
    // VPC's main table; neither in the snapshot → missing.
    for sub in &mut cx.spec.subnets {
        if let Some(t) = assoc.get(&sub.id) {
            sub.route_table = Some(t.clone());
        }
    }
    let unassociated: Vec<(String, String)> = cx
        .spec
        .subnets
        .iter()
        .filter(|s| s.route_table.is_none() && !has_main.contains(&s.vpc))
        .map(|s| (s.id.clone(), s.vpc.clone()))
        .collect();
    for (sn, vpc) in unassociated {
        let why = if read {
            format!("no explicit association and no main table of {vpc} in RouteTables")
        } else {
            "the snapshot has no describe-route-tables output".to_string()
        };
        cx.missing("RouteTables", &sn, MissingKind::RouteTable, why);
    }
    // Gateway endpoints name their route tables: keep the ones imported.
    let mut dangling = Vec::new();
    for ep in &mut cx.spec.vpc_endpoints {
        ep.route_tables.retain(|t| {
            let ok = tables.contains(t);
            if !ok {
                dangling.push((ep.id.clone(), t.clone()));
            }
            ok
        });
    }
    for (ep, t) in dangling {
        cx.report.push(
            crate::EntryKind::Missing,
            "VpcEndpoints",
            &t,
            format!("gateway endpoint {ep} names route table {t}, which is not in the snapshot"),
        );
    }
    if read {
        let n = cx.spec.route_tables.len();
        cx.read("RouteTables", "RouteTables", format!("{n} route tables"));
    }
}

fn route(cx: &mut Ctx, src: &str, table: &str, r: &serde_json::Value) -> Vec<RouteSpec> {
    let dest = s(r, "DestinationCidrBlock")
        .or(s(r, "DestinationIpv6CidrBlock"))
        .map(str::to_string);
    let pl = s(r, "DestinationPrefixListId");
    let gateway = s(r, "GatewayId");
    if gateway == Some("local") {
        return Vec::new(); // implicit in the model
    }
    let state = s(r, "State").unwrap_or("active");
    // Prefix-list routes of gateway endpoints come from the endpoint's
    // own route-table list.
    if gateway.is_some_and(|g| g.starts_with("vpce-") || cx.targets.get(g) == Some(&"vpce"))
        && pl.is_some()
    {
        return Vec::new();
    }
    let target_id = gateway
        .or(s(r, "NatGatewayId"))
        .or(s(r, "VpcPeeringConnectionId"))
        .or(s(r, "TransitGatewayId"))
        .or(s(r, "EgressOnlyInternetGatewayId"))
        .or(s(r, "NetworkInterfaceId"))
        .or(s(r, "InstanceId"))
        .or(s(r, "CarrierGatewayId"))
        .or(s(r, "LocalGatewayId"))
        .or(s(r, "CoreNetworkArn"))
        .unwrap_or("?");
    let dests: Vec<String> = match (dest, pl) {
        (Some(d), _) => vec![d],
        (None, Some(pl)) => match (cx.pl_service.get(pl), cx.pl_cidrs.get(pl)) {
            (Some(svc), _) => vec![format!("pl:{svc}")],
            (None, Some(cidrs)) => cidrs.clone(),
            (None, None) => {
                cx.missing(
                    src,
                    table,
                    MissingKind::Routes,
                    format!("a route to prefix list {pl} via {target_id}: the list's entries are not in the snapshot"),
                );
                return Vec::new();
            }
        },
        (None, None) => return Vec::new(),
    };
    if dests.len() != 1 {
        // A customer-managed prefix list: one route per entry.
        let mut out = Vec::new();
        for d in dests {
            let mut r2 = r.clone();
            if let Some(o) = r2.as_object_mut() {
                o.remove("DestinationPrefixListId");
                let key = if d.contains(':') {
                    "DestinationIpv6CidrBlock"
                } else {
                    "DestinationCidrBlock"
                };
                o.insert(key.into(), d.into());
            }
            out.extend(route(cx, src, table, &r2));
        }
        return out;
    }
    let Some(dest) = dests.into_iter().next() else {
        return Vec::new();
    };
    let dest = if dest.starts_with("pl:") {
        dest
    } else {
        match cx.cidr(src, table, &dest) {
            Some(d) => d,
            None => return Vec::new(),
        }
    };
    if state == "blackhole" {
        cx.warn(
            src,
            table,
            format!(
                "route {dest} → {target_id} is a blackhole (its target is gone): traffic is dropped"
            ),
        );
        return vec![RouteSpec {
            dest,
            target: RouteTarget::Blackhole,
        }];
    }
    // The kind of the target as imported (AWS ids carry it in their prefix,
    // but scenarios written back by synth need not).
    let kind = cx
        .targets
        .get(target_id)
        .copied()
        .unwrap_or_else(|| target_id.split('-').next().unwrap_or(""));
    let known = cx.targets.contains_key(target_id);
    let target = match kind {
        "igw" if known => RouteTarget::Igw(target_id.into()),
        "nat" if known => RouteTarget::Nat(target_id.into()),
        "pcx" if known => RouteTarget::Peering(target_id.into()),
        "tgw" if known => RouteTarget::TransitGateway(target_id.into()),
        "eigw" if known => RouteTarget::EgressOnlyIgw(target_id.into()),
        "vpce" if known => RouteTarget::Endpoint(target_id.into()),
        "eni" | "i" if cx.eni_resource.contains_key(target_id) => {
            RouteTarget::Eni(cx.eni_resource[target_id].clone())
        }
        "vgw" | "cagw" | "lgw" => {
            cx.skip(
                src,
                table,
                format!("route {dest} → {target_id}: that gateway kind is not modelled"),
            );
            cx.missing(
                src,
                table,
                MissingKind::Routes,
                format!("route {dest} → {target_id} leads where awsreach does not model"),
            );
            return Vec::new();
        }
        _ => {
            cx.missing(
                src,
                table,
                MissingKind::Routes,
                format!("route {dest} → {target_id}: the target is not in the snapshot (or was not imported)"),
            );
            return Vec::new();
        }
    };
    vec![RouteSpec { dest, target }]
}

/// Network ACLs and which subnet uses which. Entry 32767 (`*`) is the
/// implicit deny every ACL has, which the model adds itself.
pub fn network_acls(cx: &mut Ctx) {
    let items = cx.dump.list("NetworkAcls").to_vec();
    let read = cx.dump.has("NetworkAcls");
    let mut assoc: HashMap<String, String> = HashMap::new();
    let mut has_default: HashSet<String> = HashSet::new();
    for it in &items {
        let (Some(id), Some(vpc)) = (s(&it.v, "NetworkAclId"), s(&it.v, "VpcId")) else {
            continue;
        };
        if !cx.vpc_known(&it.src, id, vpc, "") {
            continue;
        }
        if !cx.claim(&it.src, id, "network ACL") {
            continue;
        }
        let default = b(&it.v, "IsDefault").unwrap_or(false);
        if default {
            has_default.insert(vpc.to_string());
        }
        for a in arr(&it.v, "Associations") {
            if let Some(sn) = s(a, "SubnetId") {
                assoc.insert(sn.to_string(), id.to_string());
            }
        }
        let mut ingress = Vec::new();
        let mut egress = Vec::new();
        let mut final_deny = (false, false);
        for e in arr(&it.v, "Entries") {
            let n = i(e, "RuleNumber").unwrap_or(0);
            let is_egress = b(e, "Egress").unwrap_or(false);
            if n == 32767 {
                if is_egress {
                    final_deny.1 = true;
                } else {
                    final_deny.0 = true;
                }
                continue;
            }
            let Some(cidr) = s(e, "CidrBlock").or(s(e, "Ipv6CidrBlock")) else {
                continue;
            };
            let Some(cidr) = cx.cidr(&it.src, id, cidr) else {
                continue;
            };
            let proto = s(e, "Protocol").unwrap_or("-1");
            let Some(protocol) = nacl_protocol(proto) else {
                cx.skip(
                    &it.src,
                    id,
                    format!("rule {n} for IP protocol {proto}: not modelled"),
                );
                if s(e, "RuleAction") == Some("allow") {
                    // An allow that is dropped could have admitted a flow of
                    // that protocol only, which no probe uses: nothing is lost.
                }
                continue;
            };
            if !(1..=32766).contains(&n) {
                cx.warn(
                    &it.src,
                    id,
                    format!("rule number {n} is outside 1..32766; not imported"),
                );
                continue;
            }
            let ports = match (protocol, e.get("PortRange")) {
                (Protocol::Tcp | Protocol::Udp, Some(pr)) => match (i(pr, "From"), i(pr, "To")) {
                    (Some(0), Some(65535)) => None,
                    (Some(f), Some(t)) if f == t => Some(f.to_string()),
                    (Some(f), Some(t)) => Some(format!("{f}-{t}")),
                    _ => None,
                },
                _ => None,
            };
            let rule = NaclRuleSpec {
                rule: n as u32,
                action: if s(e, "RuleAction") == Some("deny") {
                    RuleAction::Deny
                } else {
                    RuleAction::Allow
                },
                protocol,
                ports,
                cidr,
            };
            if is_egress {
                egress.push(rule);
            } else {
                ingress.push(rule);
            }
        }
        if final_deny != (true, true) {
            cx.warn(
                &it.src,
                id,
                "no rule-32767 (`*`) deny entries (a moto quirk): every network ACL ends with \
                 them in AWS, and awsreach applies them",
            );
        }
        ingress.sort_by_key(|r| r.rule);
        egress.sort_by_key(|r| r.rule);
        cx.spec.network_acls.push(NetworkAclSpec {
            id: id.to_string(),
            vpc: vpc.to_string(),
            default,
            subnets: Vec::new(),
            ingress,
            egress,
        });
    }
    let mut lacking = Vec::new();
    for sub in &mut cx.spec.subnets {
        match assoc.get(&sub.id) {
            Some(a) => sub.network_acl = Some(a.clone()),
            None if !has_default.contains(&sub.vpc) => lacking.push(sub.id.clone()),
            None => {}
        }
    }
    for sn in lacking {
        let why = if read {
            "no association and no default network ACL of its VPC in NetworkAcls"
        } else {
            "the snapshot has no describe-network-acls output"
        };
        cx.missing("NetworkAcls", &sn, MissingKind::NetworkAcl, why);
    }
    if read {
        let n = cx.spec.network_acls.len();
        cx.read("NetworkAcls", "NetworkAcls", format!("{n} network ACLs"));
    }
}

fn nacl_protocol(p: &str) -> Option<Protocol> {
    match p {
        "-1" | "all" => Some(Protocol::All),
        "6" | "tcp" => Some(Protocol::Tcp),
        "17" | "udp" => Some(Protocol::Udp),
        "1" | "icmp" => Some(Protocol::Icmp),
        _ => None,
    }
}

/// `describe-vpc-attribute` where collected. Where it was not, the
/// CreateVpc defaults stay, except that an interface endpoint with private
/// DNS on proves both attributes on (AWS refuses private DNS otherwise:
/// <https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html>).
pub fn dns_attributes(cx: &mut Ctx) {
    let attrs = cx.dump.vpc_attributes.clone();
    let mut set: HashSet<(String, &str)> = HashSet::new();
    for (it, vpc, name, val) in &attrs {
        let Some(v) = cx.spec.vpcs.iter_mut().find(|v| &v.id == vpc) else {
            cx.report.push(
                crate::EntryKind::Warning,
                &it.src,
                vpc,
                "attribute of a VPC that is not in the snapshot",
            );
            continue;
        };
        match *name {
            "enableDnsSupport" => v.dns_support = *val,
            _ => v.dns_hostnames = *val,
        }
        set.insert((vpc.clone(), name));
    }
    let proven: HashSet<String> = cx
        .spec
        .vpc_endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Interface && e.private_dns)
        .map(|e| e.vpc.clone())
        .collect();
    let vpcs: Vec<String> = cx.spec.vpcs.iter().map(|v| v.id.clone()).collect();
    for id in vpcs {
        let has_both = set.contains(&(id.clone(), "enableDnsSupport"))
            && set.contains(&(id.clone(), "enableDnsHostnames"));
        if has_both {
            continue;
        }
        if proven.contains(&id) {
            let v = cx
                .spec
                .vpcs
                .iter_mut()
                .find(|v| v.id == id)
                .expect("listed above");
            v.dns_support = true;
            v.dns_hostnames = true;
            cx.warn(
                "ec2-describe-vpc-attribute",
                &id,
                "DNS attributes not collected; both are on, since an interface endpoint of this VPC \
                 has private DNS enabled, which AWS allows only then",
            );
        } else {
            cx.warn(
                "ec2-describe-vpc-attribute",
                &id,
                "DNS attributes not collected; the CreateVpc defaults apply (DNS support on; DNS \
                 hostnames on only in a default VPC)",
            );
        }
    }
}
