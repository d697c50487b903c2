//! Security groups (inline rules, standalone rules of both generations,
//! default groups) and network ACLs (inline rules, standalone rules,
//! associations, default ACLs).
//!
//! Terraform differs from the console in one way that decides verdicts:
//! when it creates a security group it removes the allow-all egress rule
//! AWS adds, so a group has exactly the egress rules the configuration
//! writes (Terraform AWS provider, `aws_security_group`, "NOTE on Egress
//! rules"). `aws_default_security_group` and `aws_default_network_acl`
//! likewise replace every rule with the configured ones.

use std::collections::HashMap;

use awsreach_model::spec::{
    MissingKind, NaclRuleSpec, NetworkAclSpec, Protocol, RuleAction, SecurityGroupSpec, SgRuleSpec,
};
use ipnet::IpNet;
use serde_json::Value;

use super::graph::Target;
use super::net::service_of;
use super::{Builder, Kind, strings};

pub(super) fn map(b: &mut Builder) {
    security_groups(b);
    nacls(b);
    endpoint_groups(b);
}

/// A value at `path`: the plan's when known, else the configuration's
/// constant.
fn known<'a>(b: &Builder<'_, 'a>, i: usize, path: &[&str]) -> Option<&'a Value> {
    match b.plan.value(i, path) {
        Some(Value::Null) | None => b
            .plan
            .expression(i, path)
            .and_then(|e| e.get("constant_value")),
        v => v,
    }
}

fn num(b: &Builder, i: usize, path: &[&str]) -> Option<i64> {
    match known(b, i, path)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn text<'a>(b: &Builder<'_, 'a>, i: usize, path: &[&str]) -> Option<&'a str> {
    known(b, i, path).and_then(Value::as_str)
}

fn protocol(p: &str) -> Option<Protocol> {
    Some(match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => Protocol::All,
        "tcp" | "6" => Protocol::Tcp,
        "udp" | "17" => Protocol::Udp,
        "icmp" | "1" => Protocol::Icmp,
        _ => return None,
    })
}

/// `"443"`, `"1024-65535"`, or `None` for every port.
fn ports(proto: Protocol, from: Option<i64>, to: Option<i64>) -> Option<String> {
    if !matches!(proto, Protocol::Tcp | Protocol::Udp) {
        return None;
    }
    match (from, to) {
        (Some(f), Some(t)) if f <= 0 && (t <= 0 || t >= 65535) => None,
        (Some(f), Some(t)) if f == t => Some(f.to_string()),
        (Some(f), Some(t)) => Some(format!("{f}-{t}")),
        _ => None,
    }
}

/// How many blocks of `attr` the instance has: its known values, else the
/// configuration's blocks. `None`: unknown and configured (dynamic blocks).
fn blocks(b: &Builder, i: usize, attr: &str) -> Option<usize> {
    if let Some(a) = b.plan.value(i, &[attr]).and_then(Value::as_array) {
        return Some(a.len());
    }
    match b.plan.expression(i, &[attr]) {
        None => Some(0),
        Some(Value::Array(a)) => Some(a.len()),
        // A dynamic block or an expression: not readable from the plan.
        Some(_) => None,
    }
}

struct Groups {
    index: HashMap<String, usize>,
}

fn security_groups(b: &mut Builder) {
    let mut g = Groups {
        index: HashMap::new(),
    };
    let mut list = b.of_type("aws_security_group");
    list.extend(b.of_type("aws_default_security_group"));
    for i in list {
        let id = b.sid(i);
        let default = b.plan.instances[i].rtype == "aws_default_security_group";
        let Some(vpc) = b.refer_vpc(i, "vpc_id") else {
            b.warn(
                i,
                "its VPC is not in the plan (no vpc_id: the account's default VPC): left out",
            );
            b.skipped.insert(i);
            continue;
        };
        b.define(Some(i), Kind::Sg, &id);
        g.index.insert(id.clone(), b.spec.security_groups.len());
        b.spec.security_groups.push(SecurityGroupSpec {
            id,
            vpc,
            default,
            ingress: Vec::new(),
            egress: Some(Vec::new()),
        });
    }
    let inline: Vec<usize> = b
        .of_type("aws_security_group")
        .into_iter()
        .chain(b.of_type("aws_default_security_group"))
        .filter(|i| b.ids.contains_key(i))
        .collect();
    for i in inline {
        let sg = b.ids[&i].1.clone();
        for (attr, egress) in [("ingress", false), ("egress", true)] {
            let Some(n) = blocks(b, i, attr) else {
                let msg =
                    format!("{attr} rules are written as dynamic blocks, not known before apply");
                b.warn(i, msg.clone());
                b.missing(&sg, MissingKind::Rules, msg);
                continue;
            };
            for k in 0..n {
                let ks = k.to_string();
                let base = [attr, ks.as_str()];
                sg_rule(b, &g, i, &sg, &base, egress, Style::Inline);
            }
        }
    }
    for i in b.of_type("aws_security_group_rule") {
        let Some(sg) = b.refer_one(i, &["security_group_id"], Kind::Sg) else {
            b.skipped.insert(i);
            continue;
        };
        let egress = match text(b, i, &["type"]) {
            Some("egress") => true,
            Some("ingress") => false,
            _ => {
                b.warn(i, "type is neither ingress nor egress: left out");
                continue;
            }
        };
        b.used.insert(i);
        sg_rule(b, &g, i, &sg, &[], egress, Style::Rule);
    }
    for (rtype, egress) in [
        ("aws_vpc_security_group_ingress_rule", false),
        ("aws_vpc_security_group_egress_rule", true),
    ] {
        for i in b.of_type(rtype) {
            let Some(sg) = b.refer_one(i, &["security_group_id"], Kind::Sg) else {
                b.skipped.insert(i);
                continue;
            };
            b.used.insert(i);
            sg_rule(b, &g, i, &sg, &[], egress, Style::Vpc);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// A block of `aws_security_group`.
    Inline,
    /// `aws_security_group_rule`.
    Rule,
    /// `aws_vpc_security_group_{ingress,egress}_rule`: one peer per rule.
    Vpc,
}

/// One rule (inline block at `base`, or a standalone rule resource) into
/// the group `sg`: one spec rule per peer.
fn sg_rule(
    b: &mut Builder,
    g: &Groups,
    i: usize,
    sg: &str,
    base: &[&str],
    egress: bool,
    style: Style,
) {
    let p = |k: &'static str| -> Vec<&str> {
        let mut v = base.to_vec();
        v.push(k);
        v
    };
    let proto_attr = if style == Style::Vpc {
        "ip_protocol"
    } else {
        "protocol"
    };
    let Some(proto_text) = text(b, i, &p(proto_attr)).map(str::to_string) else {
        b.warn(i, "protocol is not known before apply: rule left out");
        b.missing(
            sg,
            MissingKind::Rules,
            format!("{}: protocol unknown", b.addr(i)),
        );
        return;
    };
    let Some(protocol) = protocol(&proto_text) else {
        let msg =
            format!("protocol {proto_text} is not modelled (tcp, udp, icmp, all): rule left out");
        b.warn(i, msg);
        return;
    };
    let ports = ports(
        protocol,
        num(b, i, &p("from_port")),
        num(b, i, &p("to_port")),
    );
    let description = text(b, i, &p("description"))
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let rule = |cidr: Option<String>, sg: Option<String>, pl: Option<String>| SgRuleSpec {
        protocol,
        ports: ports.clone(),
        cidr,
        sg,
        prefix_list: pl,
        description: description.clone(),
    };
    let mut rules: Vec<SgRuleSpec> = Vec::new();
    let (cidr_attrs, pl_attr, sg_attr): (&[&str], &str, &str) = match style {
        Style::Inline => (
            &["cidr_blocks", "ipv6_cidr_blocks"],
            "prefix_list_ids",
            "security_groups",
        ),
        Style::Rule => (
            &["cidr_blocks", "ipv6_cidr_blocks"],
            "prefix_list_ids",
            "source_security_group_id",
        ),
        Style::Vpc => (
            &["cidr_ipv4", "cidr_ipv6"],
            "prefix_list_id",
            "referenced_security_group_id",
        ),
    };
    for a in cidr_attrs {
        let path = p(a);
        let v = known(b, i, &path);
        for c in strings(v) {
            if c.parse::<IpNet>().is_ok() {
                rules.push(rule(Some(c.to_string()), None, None));
            } else {
                let msg = format!("{a} `{c}` is not a CIDR block: left out");
                b.warn(i, msg);
            }
        }
        if v.is_none() && b.plan.is_unknown(i, &path) && b.plan.expression(i, &path).is_some() {
            let msg = format!("{a} is not known before apply");
            b.warn(i, msg.clone());
            b.missing(sg, MissingKind::Rules, format!("{}: {msg}", b.addr(i)));
        }
    }
    let pl_path = p(pl_attr);
    let r = b.plan.resolve(i, &pl_path);
    for t in &r.targets {
        let service = match t {
            Target::Res(j) => match b.plan.instances[*j].rtype {
                "aws_vpc_endpoint" => b.plan.str(*j, &["service_name"]),
                _ => b.plan.str(*j, &["name"]),
            }
            .and_then(|n| service_of(n, &b.spec.region)),
            Target::Lit(_) => None,
        };
        match service {
            Some(s) => rules.push(rule(None, None, Some(s))),
            None => {
                let what = match t {
                    Target::Res(j) => b.addr(*j).to_string(),
                    Target::Lit(s) => s.clone(),
                };
                let msg = format!(
                    "prefix list {what} is not the prefix list of a service awsreach knows"
                );
                b.warn(i, msg.clone());
                b.missing(sg, MissingKind::Rules, format!("{}: {msg}", b.addr(i)));
            }
        }
    }
    let peers = b.refer(i, &p(sg_attr), Kind::Sg);
    for peer in peers.ids {
        if g.index.contains_key(&peer) {
            rules.push(rule(None, Some(peer), None));
        }
    }
    if !peers.dangling.is_empty() || peers.unresolved {
        let msg = format!(
            "{sg_attr}: a peer group is not in the plan ({})",
            if peers.dangling.is_empty() {
                "unresolved".to_string()
            } else {
                peers.dangling.join(", ")
            }
        );
        b.missing(sg, MissingKind::Rules, format!("{}: {msg}", b.addr(i)));
    }
    if style != Style::Vpc && known(b, i, &p("self")).and_then(Value::as_bool) == Some(true) {
        rules.push(rule(None, Some(sg.to_string()), None));
    }
    if rules.is_empty() {
        return;
    }
    let Some(&k) = g.index.get(sg) else { return };
    let group = &mut b.spec.security_groups[k];
    if egress {
        group.egress.get_or_insert_with(Vec::new).extend(rules);
    } else {
        group.ingress.extend(rules);
    }
}

fn nacls(b: &mut Builder) {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut list = b.of_type("aws_network_acl");
    list.extend(b.of_type("aws_default_network_acl"));
    for i in list {
        let id = b.sid(i);
        let default = b.plan.instances[i].rtype == "aws_default_network_acl";
        let vpc = if default {
            b.default_of(i, "default_network_acl_id")
        } else {
            b.refer_vpc(i, "vpc_id")
        };
        let Some(vpc) = vpc else {
            b.warn(i, "its VPC is not in the plan: left out");
            b.skipped.insert(i);
            continue;
        };
        if default
            && b.spec
                .network_acls
                .iter()
                .any(|n| n.vpc == vpc && n.default)
        {
            b.warn(i, "a second default network ACL for the same VPC: left out");
            b.skipped.insert(i);
            continue;
        }
        b.define(Some(i), Kind::Nacl, &id);
        index.insert(id.clone(), b.spec.network_acls.len());
        let subnets = b.refer(i, &["subnet_ids"], Kind::Subnet).ids;
        b.spec.network_acls.push(NetworkAclSpec {
            id: id.clone(),
            vpc,
            default,
            subnets: Vec::new(),
            ingress: Vec::new(),
            egress: Vec::new(),
        });
        for s in subnets {
            associate(b, i, &index, &id, &s);
        }
        for (attr, egress) in [("ingress", false), ("egress", true)] {
            let Some(n) = blocks(b, i, attr) else {
                let msg =
                    format!("{attr} rules are written as dynamic blocks, not known before apply");
                b.warn(i, msg.clone());
                b.missing(&id, MissingKind::Rules, msg);
                continue;
            };
            for k in 0..n {
                let ks = k.to_string();
                nacl_rule(b, &index, i, &id, &[attr, &ks], egress, true);
            }
        }
    }
    for i in b.of_type("aws_network_acl_rule") {
        let Some(acl) = b.refer_one(i, &["network_acl_id"], Kind::Nacl) else {
            b.skipped.insert(i);
            continue;
        };
        let egress = known(b, i, &["egress"])
            .and_then(Value::as_bool)
            .unwrap_or(false);
        b.used.insert(i);
        nacl_rule(b, &index, i, &acl, &[], egress, false);
    }
    for i in b.of_type("aws_network_acl_association") {
        let acl = b.refer_one(i, &["network_acl_id"], Kind::Nacl);
        let subnet = b.refer_one(i, &["subnet_id"], Kind::Subnet);
        match (acl, subnet) {
            (Some(a), Some(s)) => {
                b.used.insert(i);
                associate(b, i, &index, &a, &s);
            }
            (None, Some(s)) => {
                b.used.insert(i);
                let note = format!("{}: its network ACL is not in the plan", b.addr(i));
                b.missing(&s, MissingKind::NetworkAcl, note);
            }
            _ => {
                b.skipped.insert(i);
            }
        }
    }
}

/// Associates a subnet with a network ACL, moving it from any other.
fn associate(b: &mut Builder, i: usize, index: &HashMap<String, usize>, acl: &str, subnet: &str) {
    let Some(&k) = index.get(acl) else { return };
    for (n, other) in b.spec.network_acls.iter_mut().enumerate() {
        if n != k && other.subnets.iter().any(|s| s == subnet) {
            other.subnets.retain(|s| s != subnet);
            let msg = format!(
                "{subnet} moves from {} to {acl} (the last association wins)",
                other.id
            );
            let src = b.src(i);
            b.report.push(
                crate::report::EntryKind::Warning,
                src,
                subnet.to_string(),
                msg,
            );
            break;
        }
    }
    let n = &mut b.spec.network_acls[k];
    if !n.subnets.iter().any(|s| s == subnet) {
        n.subnets.push(subnet.to_string());
    }
}

fn nacl_rule(
    b: &mut Builder,
    index: &HashMap<String, usize>,
    i: usize,
    acl: &str,
    base: &[&str],
    egress: bool,
    inline: bool,
) {
    let p = |k: &'static str| -> Vec<&str> {
        let mut v = base.to_vec();
        v.push(k);
        v
    };
    let (num_attr, action_attr) = if inline {
        ("rule_no", "action")
    } else {
        ("rule_number", "rule_action")
    };
    let number = num(b, i, &p(num_attr));
    let action = match text(b, i, &p(action_attr))
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("allow") => Some(RuleAction::Allow),
        Some("deny") => Some(RuleAction::Deny),
        _ => None,
    };
    let proto = text(b, i, &p("protocol"))
        .map(str::to_string)
        .or_else(|| num(b, i, &p("protocol")).map(|n| n.to_string()));
    let cidr = text(b, i, &p("cidr_block"))
        .filter(|c| !c.is_empty())
        .or_else(|| text(b, i, &p("ipv6_cidr_block")).filter(|c| !c.is_empty()));
    let (Some(number), Some(action), Some(proto), Some(cidr)) = (number, action, proto, cidr)
    else {
        let msg = "a rule's number, action, protocol or CIDR is not known before apply";
        b.warn(i, msg);
        b.missing(acl, MissingKind::Rules, format!("{}: {msg}", b.addr(i)));
        return;
    };
    let Some(protocol) = protocol(&proto) else {
        // A deny for an unmodelled protocol changes nothing modelled; an
        // allow is reported so it is not silently lost.
        let msg = format!("protocol {proto} is not modelled: rule {number} left out");
        b.warn(i, msg);
        return;
    };
    if cidr.parse::<IpNet>().is_err() {
        let msg = format!("cidr_block `{cidr}` is not a CIDR block: rule {number} left out");
        b.warn(i, msg);
        return;
    }
    let Ok(rule) = u32::try_from(number) else {
        return;
    };
    let ports = ports(
        protocol,
        num(b, i, &p("from_port")),
        num(b, i, &p("to_port")),
    );
    let Some(&k) = index.get(acl) else { return };
    let n = &mut b.spec.network_acls[k];
    let list = if egress {
        &mut n.egress
    } else {
        &mut n.ingress
    };
    if list.iter().any(|r| r.rule == rule) {
        let msg = format!(
            "{acl} already has {} rule {rule}; AWS rejects the duplicate: left out",
            if egress { "egress" } else { "ingress" }
        );
        b.warn(i, msg);
        return;
    }
    list.push(NaclRuleSpec {
        rule,
        action,
        protocol,
        ports,
        cidr: cidr.to_string(),
    });
}

/// Interface endpoints' security groups (else the VPC's default group).
fn endpoint_groups(b: &mut Builder) {
    for i in b.of_type("aws_vpc_endpoint") {
        let Some((Kind::Endpoint, ep)) = b.ids.get(&i).cloned() else {
            continue;
        };
        let interface = b
            .spec
            .vpc_endpoints
            .iter()
            .any(|e| e.id == ep && e.kind == awsreach_model::spec::EndpointKind::Interface);
        if !interface {
            continue;
        }
        let groups = b.refer(i, &["security_group_ids"], Kind::Sg).ids;
        if let Some(e) = b.spec.vpc_endpoints.iter_mut().find(|e| e.id == ep) {
            e.security_groups = groups;
        }
    }
    for i in b.of_type("aws_vpc_endpoint_security_group_association") {
        let e = b.refer_one(i, &["vpc_endpoint_id"], Kind::Endpoint);
        let g = b.refer_one(i, &["security_group_id"], Kind::Sg);
        if let (Some(e), Some(g)) = (e, g) {
            let replace = b.plan.bool(i, &["replace_default_association"]) == Some(true);
            if let Some(ep) = b.spec.vpc_endpoints.iter_mut().find(|x| x.id == e) {
                if replace {
                    ep.security_groups.clear();
                }
                if !ep.security_groups.contains(&g) {
                    ep.security_groups.push(g);
                }
                b.used.insert(i);
            }
        }
    }
}

/// Subnets of VPCs that exist outside the plan use a default network ACL
/// the plan does not show, and ENIs there without a group use a default
/// group whose rules may have been changed.
pub(super) fn existing_vpcs(b: &mut Builder) {
    let existing: Vec<String> = b.existing_vpcs.iter().cloned().collect();
    for vpc in existing {
        if b.spec
            .network_acls
            .iter()
            .any(|n| n.vpc == vpc && n.default)
        {
            continue;
        }
        let subnets: Vec<String> = b
            .spec
            .subnets
            .iter()
            .filter(|s| s.vpc == vpc)
            .filter(|s| {
                !b.spec
                    .network_acls
                    .iter()
                    .any(|n| n.subnets.contains(&s.id))
            })
            .map(|s| s.id.clone())
            .collect();
        for s in subnets {
            b.missing(
                &s,
                MissingKind::NetworkAcl,
                format!("the default network ACL of {vpc}, which exists outside the plan"),
            );
        }
        if !b
            .spec
            .security_groups
            .iter()
            .any(|g| g.vpc == vpc && g.default)
        {
            // Declared as AWS creates it, with its rules marked unknown.
            let id = format!("{vpc}-default-sg");
            b.define(None, Kind::Sg, &id);
            b.spec.security_groups.push(SecurityGroupSpec {
                id: id.clone(),
                vpc: vpc.clone(),
                default: true,
                ingress: vec![SgRuleSpec {
                    protocol: Protocol::All,
                    ports: None,
                    cidr: None,
                    sg: Some(id.clone()),
                    prefix_list: None,
                    description: None,
                }],
                egress: None,
            });
            b.missing(
                &id,
                MissingKind::Rules,
                format!("the default security group of {vpc}, which exists outside the plan"),
            );
        }
    }
}
