//! What runs in the network: EC2 instances, other network interfaces, RDS
//! databases, Lambda functions, and what triggers them.
//!
//! Over 800 lines on purpose: one file per family of `describe-*` output, as
//! the other families; each function maps one kind and reads top to bottom.

use std::collections::{BTreeSet, HashMap};

use awsreach_model::spec::*;
use serde_json::Value;

use super::build::Ctx;
use super::network::placeholder_sg;
use super::value::{arn_name, arn_service, arr, b, i, ids, s, strs};

/// Listeners are not part of a network snapshot: an imported instance or
/// interface accepts on every port, so a verdict is about the network path
/// (as in Reachability Analyzer), never a guess that nothing listens.
const ANY: &str = "all";

/// The groups of a resource: those in the scenario; one the snapshot lacks
/// becomes a placeholder with `missing` rules.
fn groups(cx: &mut Ctx, src: &str, owner: &str, vpc: &str, want: Vec<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for g in want {
        if !cx.sgs.contains(g) {
            placeholder_sg(cx, src, owner, g, vpc);
        }
        if cx.sgs.contains(g) {
            out.push(g.to_string());
        }
    }
    out
}

/// EC2 instances: one resource each, on its primary interface.
pub fn instances(cx: &mut Ctx) {
    let mut n = 0;
    let mut items = Vec::new();
    for r in cx.dump.list("Reservations") {
        for (k, inst) in arr(&r.v, "Instances").iter().enumerate() {
            items.push((format!("{}/Instances/{k}", r.src), inst.clone()));
        }
    }
    for (src, v) in &items {
        let Some(id) = s(v, "InstanceId") else {
            continue;
        };
        let state = v
            .get("State")
            .and_then(|x| s(x, "Name"))
            .unwrap_or("running");
        if matches!(state, "terminated" | "shutting-down") {
            cx.skip(src, id, format!("instance is {state}"));
            continue;
        }
        let Some(subnet) = s(v, "SubnetId") else {
            cx.skip(src, id, "instance outside any VPC subnet (EC2-Classic)");
            continue;
        };
        if !cx.subnets.contains_key(subnet) {
            cx.report.push(
                crate::EntryKind::Missing,
                src,
                id,
                format!("its subnet {subnet} is not in the snapshot; not imported"),
            );
            continue;
        }
        if !cx.claim(src, id, "instance") {
            continue;
        }
        if state != "running" {
            cx.warn(
                src,
                id,
                format!("instance is {state}: verdicts describe its network configuration"),
            );
        }
        let vpc = cx.subnets[subnet].vpc.clone();
        let enis = arr(v, "NetworkInterfaces");
        let primary = enis
            .iter()
            .find(|e| e.get("Attachment").and_then(|a| i(a, "DeviceIndex")) == Some(0))
            .or(enis.first());
        for e in enis {
            if let Some(eid) = s(e, "NetworkInterfaceId") {
                cx.eni_resource
                    .entry(eid.to_string())
                    .or_insert_with(|| id.to_string());
            }
            if !std::ptr::eq(e, primary.unwrap_or(e)) {
                cx.skip(
                    src,
                    id,
                    format!(
                        "secondary network interface {}: awsreach gives a resource one interface",
                        s(e, "NetworkInterfaceId").unwrap_or("?")
                    ),
                );
            }
        }
        cx.eni_resource.insert(id.to_string(), id.to_string());
        let private_ip = cx.address(src, id, subnet, s(v, "PrivateIpAddress"));
        let public_ip = s(v, "PublicIpAddress").or_else(|| {
            primary
                .and_then(|p| p.get("Association"))
                .and_then(|a| s(a, "PublicIp"))
        });
        let public_ip = cx.public_address(src, id, public_ip);
        let ipv6 = s(v, "Ipv6Address")
            .or_else(|| {
                primary
                    .and_then(|p| arr(p, "Ipv6Addresses").first())
                    .and_then(|a| s(a, "Ipv6Address"))
            })
            .map(str::to_string);
        let sgs = groups(cx, src, id, &vpc, ids(v, "SecurityGroups", "GroupId"));
        cx.targets.insert(id.to_string(), "eni");
        n += 1;
        cx.spec.resources.push(ResourceSpec {
            name: super::names::name_tag(v, "Tags"),
            id: id.to_string(),
            kind: ResourceKind::Ec2,
            subnet: subnet.to_string(),
            private_ip,
            public_ip,
            ipv6_ip: ipv6,
            security_groups: sgs,
            listen: vec![ANY.into()],
            forwarding: b(v, "SourceDestCheck") == Some(false),
        });
    }
    if cx.dump.has("Reservations") {
        cx.read(
            "Reservations",
            "Reservations",
            format!("{n} EC2 instances (listening on every port: a snapshot has no listeners)"),
        );
    }
}

/// Network interfaces not owned by something imported elsewhere (instances,
/// Lambda, NAT gateways, endpoints, RDS) become generic resources.
/// Lambda's Hyperplane interfaces are shared per (subnet, security groups)
/// and named after one function, so functions are placed from their
/// `VpcConfig` instead.
pub fn interfaces(cx: &mut Ctx) {
    let items = cx.dump.list("NetworkInterfaces").to_vec();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut seen = BTreeSet::new();
    // Interfaces their owners name (moto leaves their type and description
    // blank, so the owner's side is the dependable one).
    let mut owned: HashMap<String, &str> = HashMap::new();
    for it in cx.dump.list("NatGateways") {
        for a in arr(&it.v, "NatGatewayAddresses") {
            if let Some(e) = s(a, "NetworkInterfaceId") {
                owned.insert(e.to_string(), "NAT gateway");
            }
        }
    }
    for it in cx.dump.list("VpcEndpoints") {
        for e in strs(&it.v, "NetworkInterfaceIds") {
            owned.insert(e.to_string(), "VPC endpoint");
        }
    }
    for it in &items {
        let Some(id) = s(&it.v, "NetworkInterfaceId") else {
            continue;
        };
        let kind = s(&it.v, "InterfaceType").unwrap_or("interface");
        let desc = s(&it.v, "Description").unwrap_or("");
        let requester = s(&it.v, "RequesterId").unwrap_or("");
        let attached_to = it.v.get("Attachment").and_then(|a| s(a, "InstanceId"));
        let owner = if let Some(o) = owned.get(id) {
            o
        } else if kind == "lambda" || desc.starts_with("AWS Lambda VPC ENI") {
            "Lambda Hyperplane (functions are placed from their VpcConfig)"
        } else if kind == "nat_gateway" || desc.starts_with("Interface for NAT Gateway") {
            "NAT gateway"
        } else if kind == "vpc_endpoint" || desc.starts_with("VPC Endpoint Interface") {
            "VPC endpoint"
        } else if desc.starts_with("RDSNetworkInterface") || requester == "amazon-rds" {
            "RDS (databases are read from describe-db-instances)"
        } else if attached_to.is_some_and(|x| cx.eni_resource.contains_key(x)) {
            "EC2 instance"
        } else if kind != "interface" {
            cx.skip(
                &it.src,
                id,
                format!("network interface of type {kind}: not modelled"),
            );
            continue;
        } else if cx.eni_resource.contains_key(id) {
            "EC2 instance"
        } else {
            ""
        };
        if !owner.is_empty() {
            *counts.entry(owner).or_default() += 1;
            if owner.starts_with("NAT") || owner.starts_with("VPC endpoint") {
                check_inside(cx, &it.src, id, &it.v, owner);
            }
            continue;
        }
        if !seen.insert(id.to_string()) {
            cx.warn(
                &it.src,
                id,
                "network interface listed twice; the first is kept",
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
        if !cx.claim(&it.src, id, "network interface") {
            continue;
        }
        let vpc = cx.subnets[subnet].vpc.clone();
        let private_ip = cx.address(&it.src, id, subnet, s(&it.v, "PrivateIpAddress"));
        let public_ip = it.v.get("Association").and_then(|a| s(a, "PublicIp"));
        let public_ip = cx.public_address(&it.src, id, public_ip);
        let ipv6 = arr(&it.v, "Ipv6Addresses")
            .first()
            .and_then(|a| s(a, "Ipv6Address"))
            .map(str::to_string);
        let sgs = groups(cx, &it.src, id, &vpc, ids(&it.v, "Groups", "GroupId"));
        cx.eni_resource.insert(id.to_string(), id.to_string());
        cx.targets.insert(id.to_string(), "eni");
        *counts
            .entry("standalone (imported as resources)")
            .or_default() += 1;
        cx.spec.resources.push(ResourceSpec {
            name: super::names::name_tag(&it.v, "TagSet"),
            id: id.to_string(),
            kind: ResourceKind::Resource,
            subnet: subnet.to_string(),
            private_ip,
            public_ip,
            ipv6_ip: ipv6,
            security_groups: sgs,
            listen: vec![ANY.into()],
            forwarding: b(&it.v, "SourceDestCheck") == Some(false),
        });
    }
    if cx.dump.has("NetworkInterfaces") {
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        cx.read(
            "NetworkInterfaces",
            "NetworkInterfaces",
            format!("{} network interfaces: {}", items.len(), parts.join(", ")),
        );
    }
}

/// moto places NAT and endpoint interfaces at addresses outside their
/// subnet; AWS never does. The model places them itself, so this is only
/// reported.
fn check_inside(cx: &mut Ctx, src: &str, id: &str, v: &Value, owner: &str) {
    let (Some(sn), Some(ip)) = (s(v, "SubnetId"), s(v, "PrivateIpAddress")) else {
        return;
    };
    let Some(info) = cx.subnets.get(sn) else {
        return;
    };
    if ip
        .parse::<std::net::IpAddr>()
        .is_ok_and(|a| !info.cidr.contains(&a))
    {
        let cidr = info.cidr;
        cx.warn(
            src,
            id,
            format!(
                "{owner} interface at {ip}, outside its subnet {sn} ({cidr}), which AWS never \
                 does (a moto quirk); it is placed inside its subnet as AWS would"
            ),
        );
    }
}

/// RDS instances: in the subnet of their group that is in their AZ.
pub fn databases(cx: &mut Ctx) {
    let items = cx.dump.list("DBInstances").to_vec();
    let mut n = 0;
    for it in &items {
        let Some(id) = s(&it.v, "DBInstanceIdentifier") else {
            continue;
        };
        let group = it.v.get("DBSubnetGroup");
        let cands: Vec<&str> = group
            .map(|g| ids(g, "Subnets", "SubnetIdentifier"))
            .unwrap_or_default()
            .into_iter()
            .filter(|x| cx.subnets.contains_key(*x))
            .collect();
        let az = s(&it.v, "AvailabilityZone");
        let in_az: Vec<&str> = cands
            .iter()
            .copied()
            .filter(|x| az.is_some() && cx.subnets[*x].az.as_deref() == az)
            .collect();
        let vpc_of = group.and_then(|g| s(g, "VpcId"));
        let subnet = match (in_az.first(), cands.first()) {
            (Some(x), _) => *x,
            (None, Some(x)) => {
                cx.missing(
                    &it.src,
                    id,
                    MissingKind::Placement,
                    format!(
                        "no subnet of its subnet group is in its zone {}; placed in {x} for the \
                         model, so verdicts that depend on which subnet are unknown",
                        az.unwrap_or("?")
                    ),
                );
                *x
            }
            (None, None) => {
                cx.report.push(
                    crate::EntryKind::Missing,
                    &it.src,
                    id,
                    "none of its subnets is in the snapshot; not imported",
                );
                continue;
            }
        };
        if vpc_of.is_some_and(|v| v != cx.subnets[subnet].vpc) {
            cx.warn(
                &it.src,
                id,
                "its subnet group names a VPC its subnets are not in; the subnets win",
            );
        }
        if !cx.claim(&it.src, id, "RDS instance") {
            continue;
        }
        let vpc = cx.subnets[subnet].vpc.clone();
        let want: Vec<&str> = arr(&it.v, "VpcSecurityGroups")
            .iter()
            .filter(|g| s(g, "Status").is_none_or(|st| st == "active"))
            .filter_map(|g| s(g, "VpcSecurityGroupId"))
            .collect();
        let sgs = groups(cx, &it.src, id, &vpc, want);
        let port =
            it.v.get("Endpoint")
                .and_then(|e| i(e, "Port"))
                .or(i(&it.v, "DbInstancePort"));
        let listen = match port {
            Some(p) if p > 0 => vec![format!("tcp/{p}")],
            _ => vec![ANY.into()],
        };
        cx.warn(&it.src, id, "the database's address is not in describe-db-instances; awsreach assigns one in its subnet");
        n += 1;
        cx.spec.resources.push(ResourceSpec {
            name: None,
            id: id.to_string(),
            kind: ResourceKind::Rds,
            subnet: subnet.to_string(),
            private_ip: None,
            public_ip: None,
            ipv6_ip: None,
            security_groups: sgs,
            listen,
            forwarding: false,
        });
    }
    if !items.is_empty() {
        cx.read("DBInstances", "DBInstances", format!("{n} RDS instances"));
    }
}

/// Lambda functions, placed from their `VpcConfig`, with their invoke
/// policies.
pub fn functions(cx: &mut Ctx) {
    let items = cx.dump.list("Functions").to_vec();
    let mut n = 0;
    let mut seen = BTreeSet::new();
    for it in &items {
        let Some(name) = s(&it.v, "FunctionName") else {
            continue;
        };
        if !seen.insert(name.to_string()) {
            // list-functions and get-function-configuration both list it.
            continue;
        }
        if !cx.claim(&it.src, name, "function") {
            continue;
        }
        if let Some(role) = s(&it.v, "Role") {
            cx.roles.insert(role.to_string(), name.to_string());
        }
        let vpc = function_vpc(cx, &it.src, name, it.v.get("VpcConfig"));
        n += 1;
        cx.spec.functions.push(FunctionSpec {
            name: None,
            id: name.to_string(),
            vpc,
            policy: None,
        });
    }
    if !items.is_empty() {
        cx.read("Functions", "Functions", format!("{n} Lambda functions"));
    }
    policies(cx);
}

fn function_vpc(
    cx: &mut Ctx,
    src: &str,
    name: &str,
    cfg: Option<&Value>,
) -> Option<FunctionVpcSpec> {
    let cfg = cfg?;
    let wanted = strs(cfg, "SubnetIds");
    if wanted.is_empty() {
        return None;
    }
    let mut subnets = Vec::new();
    for sn in &wanted {
        if cx.subnets.contains_key(*sn) {
            subnets.push(sn.to_string());
        } else {
            cx.report.push(
                crate::EntryKind::Missing,
                src,
                name,
                format!("its subnet {sn} is not in the snapshot; left out of its placement"),
            );
        }
    }
    if subnets.is_empty() {
        cx.missing(
            src,
            name,
            MissingKind::Placement,
            "none of the function's subnets is in the snapshot",
        );
        return None;
    }
    let vpc = cx.subnets[&subnets[0]].vpc.clone();
    subnets.retain(|x| cx.subnets[x].vpc == vpc);
    if let Some(claimed) = s(cfg, "VpcId")
        && claimed != vpc
    {
        cx.warn(
                src,
                name,
                format!("VpcConfig names VPC {claimed} but its subnets are in {vpc} (moto writes a placeholder); the subnets win"),
            );
    }
    let sgs = groups(cx, src, name, &vpc, strs(cfg, "SecurityGroupIds"));
    Some(FunctionVpcSpec {
        subnets,
        security_groups: sgs,
        ipv6_dual_stack: b(cfg, "Ipv6AllowedForDualStack").unwrap_or(false),
    })
}

/// `lambda get-policy`: principals allowed `lambda:InvokeFunction`.
/// Conditions (SourceArn, SourceAccount) are not evaluated; they are named
/// in the report. Where get-policy was collected and a function has no
/// file, it has no resource policy: only same-account IAM callers can
/// invoke it.
fn policies(cx: &mut Ctx) {
    let pols = cx.dump.policies.clone();
    let mut by_fn: HashMap<String, Vec<String>> = HashMap::new();
    for (it, fname, doc) in &pols {
        if !cx.spec.functions.iter().any(|f| &f.id == fname) {
            cx.warn(
                &it.src,
                fname,
                "policy of a function that is not in the snapshot; not imported",
            );
            continue;
        }
        let allow = by_fn.entry(fname.clone()).or_default();
        let statements: Vec<Value> = match doc.get("Statement") {
            Some(Value::Array(a)) => a.clone(),
            Some(o) => vec![o.clone()],
            None => Vec::new(),
        };
        let mut notes = Vec::new();
        for st in &statements {
            let actions: Vec<&str> = match st.get("Action") {
                Some(Value::String(a)) => vec![a.as_str()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !actions
                .iter()
                .any(|a| matches!(*a, "lambda:InvokeFunction" | "lambda:*" | "*"))
            {
                continue;
            }
            if s(st, "Effect") == Some("Deny") {
                notes.push("a Deny statement".to_string());
                continue;
            }
            let principals: Vec<String> = match st.get("Principal") {
                Some(Value::String(p)) => vec![p.clone()],
                Some(Value::Object(o)) => o
                    .values()
                    .flat_map(|v| match v {
                        Value::String(x) => vec![x.clone()],
                        Value::Array(a) => a
                            .iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect(),
                        _ => Vec::new(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for p in principals {
                if p == "*" || p.ends_with(".amazonaws.com") {
                    allow.push(p);
                } else if let Some(f) = cx.roles.get(&p) {
                    allow.push(f.clone());
                } else {
                    notes.push(format!(
                        "principal {p} (not a service, `*` or a role of a function in the snapshot)"
                    ));
                }
            }
            if let Some(c) = st.get("Condition") {
                notes.push(format!("condition {c} (not evaluated)"));
            }
        }
        for note in notes {
            cx.skip(&it.src, fname, format!("invoke policy: {note}"));
        }
        let own_account = cx
            .dump
            .list("Functions")
            .iter()
            .find(|f| s(&f.v, "FunctionName") == Some(fname))
            .and_then(|f| s(&f.v, "FunctionArn"))
            .and_then(super::value::arn_account)
            .map(str::to_string);
        let res_account = statements
            .iter()
            .find_map(|st| s(st, "Resource"))
            .and_then(super::value::arn_account)
            .map(str::to_string);
        if let (Some(a), Some(b)) = (own_account, res_account)
            && a != b
        {
            cx.warn(&it.src, fname, format!("the policy's resource names account {b}, the function's ARN {a} (anonymised data?); read as the function's own policy"));
        }
    }
    let collected = cx
        .dump
        .collected
        .iter()
        .any(|d| d.starts_with("lambda-get-policy"));
    let names: Vec<String> = cx.spec.functions.iter().map(|f| f.id.clone()).collect();
    for name in names {
        let allow = match by_fn.remove(&name) {
            Some(mut a) => {
                a.sort();
                a.dedup();
                Some(a)
            }
            None if collected => Some(Vec::new()),
            None => None,
        };
        if let Some(allow) = allow {
            let f = cx
                .spec
                .functions
                .iter_mut()
                .find(|f| f.id == name)
                .expect("listed");
            f.policy = Some(InvokePolicySpec { allow });
        }
    }
    if !pols.is_empty() {
        cx.read(
            "lambda-get-policy",
            "Policy",
            format!("{} invoke policies", pols.len()),
        );
    }
}

/// Event source mappings, EventBridge rules, SNS subscriptions and S3
/// notifications that target a function of the scenario.
pub fn triggers(cx: &mut Ctx) {
    let fns: BTreeSet<String> = cx.spec.functions.iter().map(|f| f.id.clone()).collect();
    let target_fn = |arn: &str| {
        arn_name(arn)
            .filter(|n| fns.contains(*n))
            .map(str::to_string)
    };
    let mut out: Vec<(String, TriggerSpec)> = Vec::new();
    super::mq::report(cx);
    for it in cx.dump.list("EventSourceMappings").to_vec() {
        let uuid = s(&it.v, "UUID").unwrap_or("?").to_string();
        let Some(function) = s(&it.v, "FunctionArn").and_then(&target_fn) else {
            cx.report.push(
                crate::EntryKind::Missing,
                &it.src,
                &uuid,
                "event source mapping of a function that is not in the snapshot",
            );
            continue;
        };
        let state = s(&it.v, "State").unwrap_or("Enabled");
        if matches!(state, "Disabled" | "Disabling" | "Deleting") {
            cx.skip(&it.src, &uuid, format!("event source mapping is {state}"));
            continue;
        }
        let arn = s(&it.v, "EventSourceArn").unwrap_or("");
        let self_managed = it.v.get("SelfManagedEventSource").is_some();
        let source = match (self_managed, arn_service(arn)) {
            (true, _) => TriggerSource::SelfManagedKafka,
            (_, Some("sqs")) => TriggerSource::Sqs,
            (_, Some("kinesis")) => TriggerSource::Kinesis,
            (_, Some("dynamodb")) => TriggerSource::DynamoDbStreams,
            (_, Some("kafka")) => TriggerSource::Msk,
            (_, Some("mq")) => TriggerSource::AmazonMq,
            (_, Some("rds")) => TriggerSource::DocumentDb,
            (_, other) => {
                cx.skip(
                    &it.src,
                    &uuid,
                    format!("event source {} is not modelled", other.unwrap_or(arn)),
                );
                continue;
            }
        };
        let access = arr(&it.v, "SourceAccessConfigurations");
        let mut subnets = Vec::new();
        let mut sgs = Vec::new();
        let mut secrets = false;
        for a in access {
            let uri = s(a, "URI").unwrap_or("");
            match s(a, "Type").unwrap_or("") {
                "VPC_SUBNET" => subnets.push(uri.trim_start_matches("subnet:").to_string()),
                "VPC_SECURITY_GROUP" => {
                    sgs.push(uri.trim_start_matches("security_group:").to_string())
                }
                "BASIC_AUTH"
                | "SASL_SCRAM_256_AUTH"
                | "SASL_SCRAM_512_AUTH"
                | "CLIENT_CERTIFICATE_TLS_AUTH"
                | "SERVER_ROOT_CA_CERTIFICATE" => secrets = true,
                _ => {}
            }
        }
        // Amazon MQ: the broker (`mq describe-broker`, `list-brokers`)
        // gives the engine, which decides whether the poller needs STS
        // (rule 5), and the subnets and groups its ENIs sit in; without
        // it, a `VIRTUAL_HOST` access configuration exists for RabbitMQ
        // only (Lambda API Reference, SourceAccessConfiguration,
        // https://docs.aws.amazon.com/lambda/latest/api/API_SourceAccessConfiguration.html).
        let mut engine = None;
        if source == TriggerSource::AmazonMq {
            let b = super::mq::broker(cx, arn);
            if let Some(b) = &b
                && subnets.is_empty()
            {
                subnets.clone_from(&b.subnets);
                sgs.clone_from(&b.security_groups);
            }
            let vhost = access.iter().any(|a| s(a, "Type") == Some("VIRTUAL_HOST"));
            engine = b
                .as_ref()
                .and_then(|b| b.engine)
                .or(vhost.then_some(awsreach_model::spec::MqEngine::RabbitMq));
            if engine.is_none() {
                let tid = format!("esm-{uuid}");
                let why = match b {
                    Some(_) => {
                        format!("mq describe-broker and list-brokers give no EngineType for {arn}")
                    }
                    None => format!("no mq describe-broker or list-brokers entry for {arn}"),
                };
                cx.missing(
                    &it.src,
                    &tid,
                    MissingKind::Engine,
                    crate::mq::missing_note(&tid, &why),
                );
            }
        }
        subnets.retain(|x| cx.subnets.contains_key(x));
        sgs.retain(|x| cx.sgs.contains(x));
        let in_vpc = matches!(
            source,
            TriggerSource::Msk
                | TriggerSource::SelfManagedKafka
                | TriggerSource::AmazonMq
                | TriggerSource::DocumentDb
        );
        if in_vpc && subnets.is_empty() {
            // The broker's subnets come from the MSK/MQ/DocumentDB cluster,
            // which the snapshot does not describe.
            let tid = format!("esm-{uuid}");
            out.push((
                it.src.clone(),
                TriggerSpec {
                    engine,
                    auth: None,
                    id: Some(tid.clone()),
                    source,
                    function: function.clone(),
                    subnets: Vec::new(),
                    security_groups: Vec::new(),
                    port: None,
                    mode: PollerMode::OnDemand,
                    secrets_manager: secrets,
                },
            ));
            cx.missing(&it.src, &tid, MissingKind::Placement, format!("the {source:?} event source's subnets and security groups are not in the snapshot ({arn})"));
            continue;
        }
        out.push((
            it.src.clone(),
            TriggerSpec {
                engine,
                auth: None,
                id: Some(format!("esm-{uuid}")),
                source,
                function,
                subnets,
                security_groups: sgs,
                port: None,
                mode: if it.v.get("ProvisionedPollerConfig").is_some() {
                    PollerMode::Provisioned
                } else {
                    PollerMode::OnDemand
                },
                secrets_manager: secrets,
            },
        ));
    }
    for (it, rule) in cx.dump.rule_targets.clone() {
        for t in it.v.as_array().cloned().unwrap_or_default() {
            let Some(arn) = s(&t, "Arn") else { continue };
            if arn_service(arn) != Some("lambda") {
                continue;
            }
            let Some(function) = target_fn(arn) else {
                cx.report.push(
                    crate::EntryKind::Missing,
                    &it.src,
                    arn,
                    "EventBridge target function not in the snapshot",
                );
                continue;
            };
            out.push((
                it.src.clone(),
                push_trigger(
                    TriggerSource::EventBridge,
                    &format!("rule-{rule}"),
                    function,
                ),
            ));
        }
    }
    for it in cx.dump.list("Subscriptions").to_vec() {
        if s(&it.v, "Protocol") != Some("lambda") {
            continue;
        }
        let Some(arn) = s(&it.v, "Endpoint") else {
            continue;
        };
        let topic = s(&it.v, "TopicArn")
            .and_then(arn_name)
            .unwrap_or("topic")
            .to_string();
        let Some(function) = target_fn(arn) else {
            cx.report.push(
                crate::EntryKind::Missing,
                &it.src,
                arn,
                "SNS subscriber function not in the snapshot",
            );
            continue;
        };
        out.push((
            it.src.clone(),
            push_trigger(TriggerSource::Sns, &format!("sns-{topic}"), function),
        ));
    }
    for (it, bucket) in cx.dump.bucket_notifications.clone() {
        for c in arr(&it.v, "LambdaFunctionConfigurations") {
            let Some(arn) = s(c, "LambdaFunctionArn") else {
                continue;
            };
            let Some(function) = target_fn(arn) else {
                cx.report.push(
                    crate::EntryKind::Missing,
                    &it.src,
                    arn,
                    "S3 notification function not in the snapshot",
                );
                continue;
            };
            out.push((
                it.src.clone(),
                push_trigger(TriggerSource::S3, &format!("s3-{bucket}"), function),
            ));
        }
    }
    // A push source's permission in the invoke policy is how AWS wires
    // API Gateway, EventBridge, SNS and S3 to a function (AddPermission);
    // where the snapshot lacks the source's own side (API Gateway is not
    // collected), the statement stands for the trigger.
    let push: Vec<(String, String)> = cx
        .spec
        .functions
        .iter()
        .flat_map(|f| {
            let allow = f
                .policy
                .as_ref()
                .map(|p| p.allow.clone())
                .unwrap_or_default();
            allow.into_iter().map(move |p| (f.id.clone(), p))
        })
        .collect();
    for (function, principal) in push {
        let source = match principal.as_str() {
            "apigateway.amazonaws.com" => TriggerSource::ApiGateway,
            "events.amazonaws.com" => TriggerSource::EventBridge,
            "sns.amazonaws.com" => TriggerSource::Sns,
            "s3.amazonaws.com" => TriggerSource::S3,
            "states.amazonaws.com" => TriggerSource::StepFunctions,
            "logs.amazonaws.com" => TriggerSource::CloudWatchLogs,
            "cognito-idp.amazonaws.com" => TriggerSource::Cognito,
            "elasticloadbalancing.amazonaws.com" => TriggerSource::Alb,
            _ => continue,
        };
        if out
            .iter()
            .any(|(_, t)| t.function == function && t.source == source)
        {
            continue;
        }
        let name = principal.trim_end_matches(".amazonaws.com").to_string();
        cx.read(
            "lambda-get-policy",
            &function,
            format!("{principal} may invoke {function} (its invoke policy): read as a {source:?} trigger"),
        );
        out.push((String::new(), push_trigger(source, &name, function)));
    }
    let n = out.len();
    for (src, mut t) in out {
        let id = t.id.clone().unwrap_or_default();
        let mut unique = id.clone();
        let mut k = 2;
        while cx.ids.contains(&unique) || awsreach_model::catalog::lookup(&unique).is_some() {
            unique = format!("{id}-{k}");
            k += 1;
        }
        cx.ids.insert(unique.clone());
        t.id = Some(unique);
        let _ = src;
        cx.spec.triggers.push(t);
    }
    if n > 0 {
        cx.read(
            "triggers",
            "triggers",
            format!("{n} triggers (event source mappings, rules, subscriptions, notifications)"),
        );
    }
}

fn push_trigger(source: TriggerSource, name: &str, function: String) -> TriggerSpec {
    TriggerSpec {
        engine: None,
        auth: None,
        id: Some(format!("{name}->{function}")),
        source,
        function,
        subnets: Vec::new(),
        security_groups: Vec::new(),
        port: None,
        mode: PollerMode::OnDemand,
        secrets_manager: false,
    }
}
