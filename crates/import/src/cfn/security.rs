//! Security groups (inline rules and `SecurityGroupIngress`/`Egress`
//! resources) and network ACLs (entries and subnet associations).

use awsreach_model::spec::{
    MissingKind, NaclRuleSpec, NetworkAclSpec, Protocol, RuleAction, SecurityGroupSpec, SgRuleSpec,
};

use super::build::Ctx;
use super::network::{cidr, prefix_list_service};
use super::val::Val;
use crate::EntryKind;

pub fn build(cx: &mut Ctx<'_>) {
    groups(cx);
    nacls(cx);
}

/// `!GetAtt Vpc.DefaultSecurityGroup` / `.DefaultNetworkAcl` name what AWS
/// creates with every VPC; the scenario gets them explicitly, as AWS makes
/// them (Amazon VPC user guide, "Default security groups", "Default network ACL").
const DEFAULT_SG: &str = "-default-sg";
const DEFAULT_ACL: &str = "-default-acl";

fn default_group(vpc: &str) -> SecurityGroupSpec {
    let id = format!("{vpc}{DEFAULT_SG}");
    let self_rule = SgRuleSpec {
        protocol: Protocol::All,
        ports: None,
        cidr: None,
        sg: Some(id.clone()),
        prefix_list: None,
        description: None,
    };
    SecurityGroupSpec {
        id,
        vpc: vpc.to_string(),
        default: true,
        ingress: vec![self_rule],
        egress: None,
    }
}

fn default_acl(vpc: &str) -> NetworkAclSpec {
    let all = |cidr: &str| NaclRuleSpec {
        rule: 100,
        action: RuleAction::Allow,
        protocol: Protocol::All,
        ports: None,
        cidr: cidr.to_string(),
    };
    NetworkAclSpec {
        id: format!("{vpc}{DEFAULT_ACL}"),
        vpc: vpc.to_string(),
        default: true,
        subnets: Vec::new(),
        ingress: vec![all("0.0.0.0/0")],
        egress: vec![all("0.0.0.0/0")],
    }
}

/// Declares the default groups and NACLs that something of the scenario
/// names, once everything is built.
pub fn declare_defaults(cx: &mut Ctx<'_>) {
    let s = &cx.spec;
    let mut named: Vec<String> = Vec::new();
    named.extend(
        s.functions
            .iter()
            .filter_map(|f| f.vpc.as_ref())
            .flat_map(|v| v.security_groups.clone()),
    );
    named.extend(s.resources.iter().flat_map(|r| r.security_groups.clone()));
    named.extend(
        s.vpc_endpoints
            .iter()
            .flat_map(|e| e.security_groups.clone()),
    );
    named.extend(s.triggers.iter().flat_map(|t| t.security_groups.clone()));
    named.extend(
        s.security_groups
            .iter()
            .flat_map(|g| g.ingress.iter().chain(g.egress.iter().flatten()))
            .filter_map(|r| r.sg.clone()),
    );
    named.extend(s.subnets.iter().filter_map(|x| x.network_acl.clone()));
    named.sort();
    named.dedup();
    for id in named {
        if let Some(vpc) = id.strip_suffix(DEFAULT_SG)
            && !cx.spec.security_groups.iter().any(|g| g.id == id)
        {
            cx.spec.security_groups.push(default_group(vpc));
        }
        if let Some(vpc) = id.strip_suffix(DEFAULT_ACL)
            && !cx.spec.network_acls.iter().any(|n| n.id == id)
        {
            cx.spec.network_acls.push(default_acl(vpc));
        }
    }
}

/// `IpProtocol` / NACL `Protocol`: names or IANA numbers, `-1` for all.
fn protocol(v: Option<&Val>) -> Result<Protocol, String> {
    let t = v.and_then(Val::text).ok_or("no IpProtocol")?;
    Ok(match t.to_ascii_lowercase().as_str() {
        "-1" | "all" => Protocol::All,
        "tcp" | "6" => Protocol::Tcp,
        "udp" | "17" => Protocol::Udp,
        "icmp" | "1" => Protocol::Icmp,
        other => {
            return Err(format!(
                "protocol {other} is not modelled (tcp, udp, icmp, all)"
            ));
        }
    })
}

/// `"443"`, `"1024-65535"` or `None` for every port.
fn ports(p: Protocol, from: Option<String>, to: Option<String>) -> Result<Option<String>, String> {
    if !matches!(p, Protocol::Tcp | Protocol::Udp) {
        return Ok(None);
    }
    let num = |x: Option<String>| -> Result<Option<i64>, String> {
        x.map(|t| {
            t.trim()
                .parse::<i64>()
                .map_err(|_| format!("port `{t}` is not a number"))
        })
        .transpose()
    };
    Ok(match (num(from)?, num(to)?) {
        (None | Some(-1), None | Some(-1)) | (Some(0), Some(65535)) => None,
        (Some(a), Some(b)) if a == b => Some(a.to_string()),
        (Some(a), Some(b)) => Some(format!("{a}-{b}")),
        (Some(a), None) | (None, Some(a)) => Some(a.to_string()),
    })
}

/// One rule from its CloudFormation shape; `peer` is `Source` or `Destination`.
fn sg_rule(cx: &mut Ctx<'_>, r: usize, rule: &Val, peer: &str) -> Result<SgRuleSpec, String> {
    let protocol = protocol(rule.get("IpProtocol"))?;
    let ports = ports(
        protocol,
        rule.get("FromPort").and_then(Val::text),
        rule.get("ToPort").and_then(Val::text),
    )?;
    let mut out = SgRuleSpec {
        protocol,
        ports,
        cidr: None,
        sg: None,
        prefix_list: None,
        description: rule.get("Description").and_then(Val::text),
    };
    if let Some(c) = rule.get("CidrIp").or(rule.get("CidrIpv6")) {
        out.cidr = Some(cidr(cx, r, Some(c), "CidrIp")?);
    } else if let Some(g) = rule.get(&format!("{peer}SecurityGroupId")) {
        out.sg = Some(cx.entity(Some(g), "security group")?);
    } else if let Some(pl) = rule.get(&format!("{peer}PrefixListId")) {
        out.prefix_list = Some(prefix_list_service(Some(pl))?);
    } else if rule.get("SourceSecurityGroupName").is_some() {
        return Err(
            "SourceSecurityGroupName names a group of the default VPC, which is not modelled"
                .into(),
        );
    } else {
        // AWS::EC2::SecurityGroupEgress reference: without a peer "the rule will not be added".
        return Err("the rule names no CIDR, group or prefix list, so AWS adds nothing".into());
    }
    Ok(out)
}

fn groups(cx: &mut Ctx<'_>) {
    let mut made = Vec::new();
    for r in cx.of(&["AWS::EC2::SecurityGroup"]) {
        cx.handled(r);
        match cx.entity(cx.prop(r, "VpcId"), "vpc") {
            Ok(vpc) => {
                let id = cx.res[r].id.clone();
                cx.built(&id, "security group");
                made.push((
                    r,
                    SecurityGroupSpec {
                        id,
                        vpc,
                        default: false,
                        ingress: Vec::new(),
                        egress: None,
                    },
                ));
            }
            Err(why) => {
                let why = if cx.prop(r, "VpcId").is_none() {
                    "no VpcId: the group belongs to the default VPC, which is not in the template"
                        .to_string()
                } else {
                    why
                };
                cx.absent(r, why);
            }
        }
    }
    // Rules after every group exists, so groups may name each other.
    for (r, g) in &mut made {
        let r = *r;
        for (key, peer, egress) in [
            ("SecurityGroupIngress", "Source", false),
            ("SecurityGroupEgress", "Destination", true),
        ] {
            let rules = match cx.prop(r, key).cloned() {
                None => continue,
                Some(Val::List(l)) => l,
                Some(Val::Unknown(w)) => {
                    cx.missing(r, &g.id.clone(), MissingKind::Rules, format!("{key}: {w}"));
                    continue;
                }
                Some(one) => vec![one],
            };
            let mut list = Vec::new();
            for rule in &rules {
                match sg_rule(cx, r, rule, peer) {
                    Ok(x) => list.push(x),
                    Err(why) => cx.missing(
                        r,
                        &g.id.clone(),
                        MissingKind::Rules,
                        format!("{key} rule not imported: {why}"),
                    ),
                }
            }
            if egress {
                // Egress given in the template replaces AWS's default allow-all rule,
                // even when none of its rules could be read.
                if !rules.is_empty() {
                    g.egress = Some(list);
                }
            } else {
                g.ingress = list;
            }
        }
    }
    let mut extra: Vec<(String, bool, SgRuleSpec)> = Vec::new();
    for r in cx.of(&[
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
    ]) {
        cx.handled(r);
        let egress = cx.res[r].ty.ends_with("Egress");
        let group = match cx.entity(cx.prop(r, "GroupId"), "security group") {
            Ok(g) => g,
            Err(why) => {
                cx.entry(EntryKind::Missing, r, format!("rule not imported: {why}"));
                continue;
            }
        };
        let rule = cx.res[r].props.clone();
        match sg_rule(cx, r, &rule, if egress { "Destination" } else { "Source" }) {
            Ok(x) => extra.push((group, egress, x)),
            Err(why) => cx.missing(
                r,
                &group,
                MissingKind::Rules,
                format!("rule {} not imported: {why}", cx.res[r].id),
            ),
        }
    }
    for (group, egress, rule) in extra {
        let Some((_, g)) = made.iter_mut().find(|(_, g)| g.id == group) else {
            // A rule on a VPC's default group: the scenario's implicit default
            // group cannot take extra rules; say so.
            cx.report.push(
                EntryKind::Missing,
                String::new(),
                group.clone(),
                "rule on a VPC's default security group not imported",
            );
            continue;
        };
        if egress {
            // A standalone egress rule is added after creation: if the group had
            // no inline egress, AWS's allow-all rule stays and covers it.
            if let Some(e) = g.egress.as_mut() {
                e.push(rule);
            }
        } else {
            g.ingress.push(rule);
        }
    }
    cx.spec
        .security_groups
        .extend(made.into_iter().map(|(_, g)| g));
}

fn nacls(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::EC2::NetworkAcl"]) {
        cx.handled(r);
        match cx.entity(cx.prop(r, "VpcId"), "vpc") {
            Ok(vpc) => {
                let id = cx.res[r].id.clone();
                cx.built(&id, "network acl");
                cx.spec.network_acls.push(NetworkAclSpec {
                    id,
                    vpc,
                    default: false,
                    subnets: Vec::new(),
                    ingress: Vec::new(),
                    egress: Vec::new(),
                });
            }
            Err(why) => cx.absent(r, why),
        }
    }
    for r in cx.of(&["AWS::EC2::NetworkAclEntry"]) {
        cx.handled(r);
        let acl = match cx.entity(cx.prop(r, "NetworkAclId"), "network acl") {
            Ok(a) => a,
            Err(why) => {
                cx.entry(EntryKind::Missing, r, format!("entry not imported: {why}"));
                continue;
            }
        };
        match nacl_entry(cx, r) {
            Ok((egress, e)) => {
                if let Some(n) = cx.spec.network_acls.iter_mut().find(|n| n.id == acl) {
                    if egress {
                        n.egress.push(e)
                    } else {
                        n.ingress.push(e)
                    }
                } else {
                    cx.entry(
                        EntryKind::Missing,
                        r,
                        "entry on a VPC's default network ACL not imported",
                    );
                }
            }
            Err(why) => cx.missing(
                r,
                &acl,
                MissingKind::Rules,
                format!("entry {} not imported: {why}", cx.res[r].id),
            ),
        }
    }
    for r in cx.of(&["AWS::EC2::SubnetNetworkAclAssociation"]) {
        cx.handled(r);
        let s = cx.entity(cx.prop(r, "SubnetId"), "subnet");
        let a = cx.entity(cx.prop(r, "NetworkAclId"), "network acl");
        match (s, a) {
            (Ok(s), Ok(a)) => {
                if let Some(sub) = cx.spec.subnets.iter_mut().find(|x| x.id == s) {
                    sub.network_acl = Some(a);
                }
            }
            (Ok(s), Err(why)) => cx.missing(
                r,
                &s,
                MissingKind::NetworkAcl,
                format!("network ACL of {s} unknown: {why}"),
            ),
            (Err(why), _) => cx.entry(
                EntryKind::Missing,
                r,
                format!("association not imported: {why}"),
            ),
        }
    }
}

fn nacl_entry(cx: &mut Ctx<'_>, r: usize) -> Result<(bool, NaclRuleSpec), String> {
    let rule: u32 = cx
        .text(r, "RuleNumber")
        .and_then(|t| t.trim().parse().ok())
        .ok_or("no RuleNumber")?;
    let action = match cx
        .text(r, "RuleAction")
        .map(|a| a.to_ascii_lowercase())
        .as_deref()
    {
        Some("allow") => RuleAction::Allow,
        Some("deny") => RuleAction::Deny,
        other => return Err(format!("RuleAction {other:?} is neither allow nor deny")),
    };
    let protocol = protocol(cx.prop(r, "Protocol"))?;
    let range = cx.prop(r, "PortRange").cloned();
    let ports = ports(
        protocol,
        range
            .as_ref()
            .and_then(|p| p.get("From"))
            .and_then(Val::text),
        range.as_ref().and_then(|p| p.get("To")).and_then(Val::text),
    )?;
    let c = cx
        .prop(r, "CidrBlock")
        .or(cx.prop(r, "Ipv6CidrBlock"))
        .cloned();
    let cidr = cidr(cx, r, c.as_ref(), "CidrBlock")?;
    let egress = cx.prop(r, "Egress").and_then(Val::truthy).unwrap_or(false);
    Ok((
        egress,
        NaclRuleSpec {
            rule,
            action,
            protocol,
            ports,
            cidr,
        },
    ))
}
