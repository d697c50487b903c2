//! What runs in the network: EC2 instances, network interfaces, Elastic
//! IPs, RDS instances, Lambda functions, their resource-based policies and
//! their triggers (event source mappings, EventBridge targets, SNS
//! subscriptions, S3 notifications).

use std::collections::HashMap;

use awsreach_model::spec::{
    FunctionSpec, FunctionVpcSpec, InvokePolicySpec, MissingKind, PollerMode, ResourceKind,
    ResourceSpec, SubnetSpec, TriggerSource, TriggerSpec,
};
use ipnet::IpNet;
use serde_json::Value;

use super::graph::Target;
use super::{Builder, Kind, strings};
use crate::report::EntryKind;

pub(super) fn map(b: &mut Builder) {
    let mut listen_note = false;
    instances(b, &mut listen_note);
    interfaces(b, &mut listen_note);
    elastic_ips(b);
    databases(b);
    functions(b);
    permissions(b);
    triggers(b);
    if listen_note {
        let src = b.file.to_string();
        b.report.push(
            EntryKind::Warning,
            src,
            "aws_instance",
            "what software listens on instances and network interfaces is not in a plan: they are taken to accept every port, so verdicts to them are about the network path",
        );
    }
}

/// Instance index of each mapped subnet, to read `map_public_ip_on_launch`.
fn subnet_instances(b: &Builder) -> HashMap<String, usize> {
    b.ids
        .iter()
        .filter(|(_, (k, _))| *k == Kind::Subnet)
        .map(|(i, (_, id))| (id.clone(), *i))
        .collect()
}

/// The subnets an attribute names; subnets outside the plan become one
/// stand-in subnet spanning their VPC, with unknown routes and ACL.
fn placement_subnets(
    b: &mut Builder,
    i: usize,
    path: &[&str],
    groups: &[String],
) -> Option<Vec<String>> {
    let r = b.refer(i, path, Kind::Subnet);
    if r.dangling.is_empty() {
        return (!r.ids.is_empty()).then_some(r.ids);
    }
    let mut ids = r.ids;
    // The VPC: from a subnet of the plan, else from the security groups.
    let vpc = ids
        .iter()
        .find_map(|s| {
            b.spec
                .subnets
                .iter()
                .find(|x| &x.id == s)
                .map(|x| x.vpc.clone())
        })
        .or_else(|| {
            groups.iter().find_map(|g| {
                b.spec
                    .security_groups
                    .iter()
                    .find(|x| &x.id == g)
                    .map(|x| x.vpc.clone())
            })
        });
    let Some(vpc) = vpc else {
        return (!ids.is_empty()).then_some(ids);
    };
    let id = r.dangling.join("|");
    if !b.is_defined(Kind::Subnet, &id) {
        let Some(cidr) = b
            .spec
            .vpcs
            .iter()
            .find(|v| v.id == vpc)
            .map(|v| v.cidr.clone())
        else {
            return (!ids.is_empty()).then_some(ids);
        };
        let net: Option<IpNet> = cidr.parse().ok();
        let overlaps = b.spec.subnets.iter().any(|s| {
            s.vpc == vpc
                && match (s.cidr.parse::<IpNet>().ok(), net) {
                    (Some(a), Some(n)) => a.contains(&n) || n.contains(&a),
                    _ => true,
                }
        });
        if overlaps {
            return (!ids.is_empty()).then_some(ids);
        }
        b.define(None, Kind::Subnet, &id);
        let note = format!(
            "{} exist outside the plan; their CIDRs, route tables and network ACLs are unknown (the stand-in spans {vpc})",
            r.dangling.join(", ")
        );
        let src = b.src(i);
        b.report
            .push(EntryKind::Warning, src, id.clone(), note.clone());
        b.spec.subnets.push(SubnetSpec {
            id: id.clone(),
            vpc,
            cidr,
            ipv6_cidr: None,
            az: None,
            route_table: None,
            network_acl: None,
        });
        b.missing(&id, MissingKind::RouteTable, note.clone());
        b.missing(&id, MissingKind::NetworkAcl, note);
    }
    ids.push(id);
    Some(ids)
}

fn groups(b: &mut Builder, i: usize, paths: &[&[&str]]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        let r = b.refer(i, p, Kind::Sg);
        for g in r.ids {
            if !out.contains(&g) {
                out.push(g);
            }
        }
        if !r.dangling.is_empty() || r.unresolved {
            let note = format!("{}: a security group is not in the plan", b.addr(i));
            let id = b.sid(i);
            b.missing(&id, MissingKind::Placement, note);
        }
    }
    out
}

fn instances(b: &mut Builder, listen_note: &mut bool) {
    let subnet_of = subnet_instances(b);
    for i in b.of_type("aws_instance") {
        let id = b.sid(i);
        // `security_groups` (names, EC2-Classic style) only when written.
        let named = b
            .plan
            .value(i, &["security_groups"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
            || b.plan.expression(i, &["security_groups"]).is_some();
        let paths: &[&[&str]] = if named {
            &[&["vpc_security_group_ids"], &["security_groups"]]
        } else {
            &[&["vpc_security_group_ids"]]
        };
        let sgs = groups(b, i, paths);
        let Some(subnets) = placement_subnets(b, i, &["subnet_id"], &sgs) else {
            b.warn(
                i,
                "its subnet is not in the plan (no subnet_id: the default VPC): left out",
            );
            b.skipped.insert(i);
            continue;
        };
        let subnet = subnets[0].clone();
        let public = match b.plan.bool(i, &["associate_public_ip_address"]) {
            Some(p) => p,
            None => subnet_of
                .get(&subnet)
                .and_then(|s| b.plan.bool(*s, &["map_public_ip_on_launch"]))
                .unwrap_or(false),
        };
        let public_ip = if public {
            Some(
                match b.plan.str(i, &["public_ip"]).filter(|s| !s.is_empty()) {
                    Some(ip) => ip.to_string(),
                    None => b.placeholder_ip(i, "the instance's public IPv4 address"),
                },
            )
        } else {
            None
        };
        let private_ip = b
            .plan
            .str(i, &["private_ip"])
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let forwarding = b.plan.bool(i, &["source_dest_check"]) == Some(false);
        *listen_note = true;
        b.define(Some(i), Kind::Resource, &id);
        b.spec.resources.push(ResourceSpec {
            name: None,
            id,
            kind: ResourceKind::Ec2,
            subnet,
            private_ip,
            public_ip,
            ipv6_ip: None,
            security_groups: sgs,
            listen: vec!["all".into()],
            forwarding,
        });
    }
}

fn interfaces(b: &mut Builder, listen_note: &mut bool) {
    for i in b.of_type("aws_network_interface") {
        let id = b.sid(i);
        let sgs = groups(b, i, &[&["security_groups"]]);
        let Some(subnets) = placement_subnets(b, i, &["subnet_id"], &sgs) else {
            b.skipped.insert(i);
            continue;
        };
        let private_ip = b
            .plan
            .str(i, &["private_ip"])
            .or_else(|| strings(b.plan.value(i, &["private_ips"])).first().copied())
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        *listen_note = true;
        b.define(Some(i), Kind::Resource, &id);
        b.spec.resources.push(ResourceSpec {
            name: None,
            id,
            kind: ResourceKind::Resource,
            subnet: subnets[0].clone(),
            private_ip,
            public_ip: None,
            ipv6_ip: None,
            security_groups: sgs,
            listen: vec!["all".into()],
            forwarding: b.plan.bool(i, &["source_dest_check"]) == Some(false),
        });
    }
    for i in b.of_type("aws_network_interface_attachment") {
        // The interface is its own resource in the model.
        b.used.insert(i);
    }
}

fn elastic_ips(b: &mut Builder) {
    for i in b
        .of_type("aws_eip")
        .into_iter()
        .chain(b.of_type("aws_eip_association"))
    {
        if b.used.contains(&i) {
            continue;
        }
        // Only addresses the plan says are associated with something.
        let associated = ["instance", "network_interface", "instance_id"]
            .iter()
            .any(|a| !b.plan.resolve(i, &[a]).targets.is_empty());
        if !associated {
            if b.plan.instances[i].rtype == "aws_eip" {
                b.used.insert(i);
            }
            continue;
        }
        let mut owner = b.refer_one(i, &["instance"], Kind::Resource);
        if owner.is_none() {
            owner = b.refer_one(i, &["network_interface"], Kind::Resource);
        }
        if owner.is_none() {
            owner = b.refer_one(i, &["instance_id"], Kind::Resource);
        }
        let Some(owner) = owner else {
            b.skipped.insert(i);
            continue;
        };
        let ip = match b.plan.str(i, &["public_ip"]).filter(|s| !s.is_empty()) {
            Some(ip) => ip.to_string(),
            None => b.placeholder_ip(i, "the Elastic IP address"),
        };
        if let Some(r) = b.spec.resources.iter_mut().find(|r| r.id == owner) {
            r.public_ip = Some(ip);
            b.used.insert(i);
        }
    }
}

/// The default port of an RDS engine.
fn engine_port(engine: &str) -> Option<u16> {
    let e = engine.to_ascii_lowercase();
    Some(if e.contains("postgres") {
        5432
    } else if e.contains("mysql") || e.contains("mariadb") || e.contains("aurora") {
        3306
    } else if e.contains("oracle") {
        1521
    } else if e.contains("sqlserver") {
        1433
    } else if e.contains("db2") {
        50000
    } else {
        return None;
    })
}

fn databases(b: &mut Builder) {
    for i in b.of_type("aws_db_instance") {
        let id = b.sid(i);
        let sgs = groups(b, i, &[&["vpc_security_group_ids"]]);
        let group = match b
            .plan
            .resolve(i, &["db_subnet_group_name"])
            .targets
            .as_slice()
        {
            [Target::Res(j)] if b.plan.instances[*j].rtype == "aws_db_subnet_group" => Some(*j),
            _ => None,
        };
        let Some(g) = group else {
            let src = b.src(i);
            b.report.push(
                EntryKind::Missing,
                src,
                id,
                "its DB subnet group is not in the plan (none: the default VPC's): left out",
            );
            b.skipped.insert(i);
            continue;
        };
        b.used.insert(g);
        let Some(subnets) = placement_subnets(b, g, &["subnet_ids"], &sgs) else {
            b.skipped.insert(i);
            continue;
        };
        // RDS picks one subnet of the group at create time. Where every
        // subnet of the group routes and filters alike, which one does not
        // change a verdict; otherwise the placement is unknown.
        let alike = subnets.iter().all(|s| {
            let x = b.spec.subnets.iter().find(|x| &x.id == s);
            let y = b.spec.subnets.iter().find(|y| y.id == subnets[0]);
            match (x, y) {
                (Some(x), Some(y)) => {
                    x.route_table == y.route_table
                        && b.spec
                            .network_acls
                            .iter()
                            .all(|n| n.subnets.contains(&x.id) == n.subnets.contains(&y.id))
                }
                _ => false,
            }
        });
        if !alike {
            b.missing(
                &id,
                MissingKind::Placement,
                format!(
                    "RDS places the instance in one subnet of {} ({}) at create time, and they route or filter differently",
                    b.addr(g),
                    subnets.join(", ")
                ),
            );
        } else if subnets.len() > 1 {
            let msg = format!(
                "placed in {} of its subnet group; the group's subnets route and filter alike",
                subnets[0]
            );
            b.warn(i, msg);
        }
        let port = b
            .plan
            .value(i, &["port"])
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok())
            .or_else(|| b.plan.str(i, &["engine"]).and_then(engine_port));
        let listen = match port {
            Some(p) => vec![format!("tcp/{p}")],
            None => {
                b.warn(
                    i,
                    "the engine's port is not known: taken to accept every port",
                );
                vec!["all".into()]
            }
        };
        let public_ip = if b.plan.bool(i, &["publicly_accessible"]) == Some(true) {
            Some(b.placeholder_ip(i, "the publicly accessible DB instance's address"))
        } else {
            None
        };
        b.define(Some(i), Kind::Resource, &id);
        b.spec.resources.push(ResourceSpec {
            name: None,
            id,
            kind: ResourceKind::Rds,
            subnet: subnets[0].clone(),
            private_ip: None,
            public_ip,
            ipv6_ip: None,
            security_groups: sgs,
            listen,
            forwarding: false,
        });
    }
}

fn functions(b: &mut Builder) {
    for i in b.of_type("aws_lambda_function") {
        let id = b.sid(i);
        let configured = b
            .plan
            .value(i, &["vpc_config"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
            || b.plan
                .expression(i, &["vpc_config"])
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
        let mut vpc = None;
        if configured {
            let sgs = groups(b, i, &[&["vpc_config", "0", "security_group_ids"]]);
            match placement_subnets(b, i, &["vpc_config", "0", "subnet_ids"], &sgs) {
                Some(subnets) => {
                    vpc = Some(FunctionVpcSpec {
                        subnets,
                        security_groups: sgs,
                        ipv6_dual_stack: b
                            .plan
                            .bool(i, &["vpc_config", "0", "ipv6_allowed_for_dual_stack"])
                            == Some(true),
                    });
                }
                None => {
                    let subnet_set = b
                        .plan
                        .value(i, &["vpc_config", "0", "subnet_ids"])
                        .and_then(Value::as_array)
                        .is_some_and(|a| !a.is_empty())
                        || b.plan.is_unknown(i, &["vpc_config", "0", "subnet_ids"])
                        || b.plan
                            .expression(i, &["vpc_config", "0", "subnet_ids"])
                            .is_some();
                    if subnet_set {
                        b.missing(
                            &id,
                            MissingKind::Placement,
                            "vpc_config names subnets that are not in the plan",
                        );
                    }
                }
            }
        }
        b.define(Some(i), Kind::Function, &id);
        b.spec.functions.push(FunctionSpec {
            name: None,
            id,
            vpc,
            policy: None,
        });
    }
}

/// The function an attribute names (by address, name or ARN).
fn function(b: &mut Builder, i: usize, attr: &str) -> Option<String> {
    let r = b.refer(i, &[attr], Kind::Function);
    if let Some(f) = r.ids.into_iter().next() {
        return Some(f);
    }
    // A qualified ARN or `name:alias`.
    for d in r.dangling {
        let base = d.rsplit_once(':').map(|(h, _)| h).unwrap_or(&d);
        for cand in [base, d.rsplit(':').next().unwrap_or("")] {
            if let Some(j) = b.plan.by_id(cand)
                && let Some((Kind::Function, id)) = b.ids.get(&j)
            {
                return Some(id.clone());
            }
        }
    }
    None
}

fn permissions(b: &mut Builder) {
    let mut allow: HashMap<String, Vec<String>> = HashMap::new();
    for i in b.of_type("aws_lambda_permission") {
        let Some(f) = function(b, i, "function_name") else {
            b.skipped.insert(i);
            continue;
        };
        let Some(p) = b.plan.str(i, &["principal"]) else {
            b.warn(i, "principal is not known before apply: left out");
            continue;
        };
        let who = if p == "*" || p.ends_with(".amazonaws.com") {
            p.to_string()
        } else {
            let msg = format!(
                "principal {p} (an account or role) is modelled as any caller: awsreach does not model IAM identities"
            );
            b.warn(i, msg);
            "*".to_string()
        };
        b.used.insert(i);
        let list = allow.entry(f).or_default();
        if !list.contains(&who) {
            list.push(who);
        }
    }
    if allow.is_empty() {
        return;
    }
    // Callers in the same account need only an IAM identity policy, which a
    // network model does not read: every resource and function of the
    // scenario keeps its right to call.
    let callers: Vec<String> = b
        .spec
        .resources
        .iter()
        .map(|r| r.id.clone())
        .chain(b.spec.functions.iter().map(|f| f.id.clone()))
        .collect();
    for f in b.spec.functions.iter_mut() {
        if let Some(list) = allow.remove(&f.id) {
            let mut all = list;
            all.extend(callers.iter().filter(|c| **c != f.id).cloned());
            f.policy = Some(InvokePolicySpec { allow: all });
        }
    }
    let src = b.file.to_string();
    b.report.push(
        EntryKind::Warning,
        src,
        "aws_lambda_permission",
        "resource-based policies are read for AWS services; resources and functions of the plan may still invoke (IAM identity policies are not modelled)",
    );
}

/// A VPC event source's subnets and groups, from the resource behind its ARN.
fn source_of(b: &mut Builder, j: usize) -> Option<(TriggerSource, Vec<String>, Vec<String>)> {
    let rtype = b.plan.instances[j].rtype;
    let kind = match rtype {
        "aws_sqs_queue" => TriggerSource::Sqs,
        "aws_kinesis_stream" => TriggerSource::Kinesis,
        "aws_dynamodb_table" => TriggerSource::DynamoDbStreams,
        "aws_msk_cluster" | "aws_msk_serverless_cluster" => TriggerSource::Msk,
        "aws_mq_broker" => TriggerSource::AmazonMq,
        "aws_docdb_cluster" => TriggerSource::DocumentDb,
        _ => return None,
    };
    let (subnets, sgs) = match kind {
        TriggerSource::Msk => {
            let sgs = groups(
                b,
                j,
                &[
                    &["broker_node_group_info", "0", "security_groups"],
                    &["vpc_config", "0", "security_group_ids"],
                ],
            );
            let s = placement_subnets(
                b,
                j,
                &["broker_node_group_info", "0", "client_subnets"],
                &sgs,
            )
            .or_else(|| placement_subnets(b, j, &["vpc_config", "0", "subnet_ids"], &sgs))
            .unwrap_or_default();
            (s, sgs)
        }
        TriggerSource::AmazonMq => {
            let sgs = groups(b, j, &[&["security_groups"]]);
            let s = placement_subnets(b, j, &["subnet_ids"], &sgs).unwrap_or_default();
            (s, sgs)
        }
        TriggerSource::DocumentDb => {
            let sgs = groups(b, j, &[&["vpc_security_group_ids"]]);
            let g = match b
                .plan
                .resolve(j, &["db_subnet_group_name"])
                .targets
                .as_slice()
            {
                [Target::Res(g)] => Some(*g),
                _ => None,
            };
            let s = g
                .and_then(|g| placement_subnets(b, g, &["subnet_ids"], &sgs))
                .unwrap_or_default();
            (s, sgs)
        }
        _ => (Vec::new(), Vec::new()),
    };
    Some((kind, subnets, sgs))
}

fn source_from_arn(arn: &str) -> Option<TriggerSource> {
    let service = arn.split(':').nth(2)?;
    Some(match service {
        "sqs" => TriggerSource::Sqs,
        "kinesis" => TriggerSource::Kinesis,
        "dynamodb" => TriggerSource::DynamoDbStreams,
        "kafka" => TriggerSource::Msk,
        "mq" => TriggerSource::AmazonMq,
        "rds" => TriggerSource::DocumentDb,
        _ => return None,
    })
}

fn triggers(b: &mut Builder) {
    for i in b.of_type("aws_lambda_event_source_mapping") {
        let id = b.sid(i);
        let Some(function) = function(b, i, "function_name") else {
            b.skipped.insert(i);
            continue;
        };
        let mut source = None;
        let mut subnets = Vec::new();
        let mut sgs = Vec::new();
        // The instance the event source ARN resolves to, if in the plan.
        let mut src_res = None;
        let self_managed = b
            .plan
            .value(i, &["self_managed_event_source"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let configs: Vec<(String, String)> = b
            .plan
            .value(i, &["source_access_configuration"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c.get("type")?.as_str()?.to_string(),
                    c.get("uri")?.as_str()?.to_string(),
                ))
            })
            .collect();
        if self_managed {
            source = Some(TriggerSource::SelfManagedKafka);
            for (t, uri) in &configs {
                let v = uri
                    .split_once(':')
                    .map_or(uri.as_str(), |(_, v)| v)
                    .to_string();
                match t.as_str() {
                    "VPC_SUBNET" if b.is_defined(Kind::Subnet, &v) => subnets.push(v),
                    "VPC_SECURITY_GROUP" if b.is_defined(Kind::Sg, &v) => sgs.push(v),
                    "VPC_SUBNET" | "VPC_SECURITY_GROUP" => {
                        let msg = format!("{t} {v} is not in the plan");
                        b.warn(i, msg.clone());
                        b.missing(&id, MissingKind::Placement, msg);
                    }
                    _ => {}
                }
            }
        } else {
            let r = b.plan.resolve(i, &["event_source_arn"]);
            match r.targets.first() {
                Some(Target::Res(j)) => {
                    if let Some((k, s, g)) = source_of(b, *j) {
                        b.used.insert(*j);
                        src_res = Some(*j);
                        source = Some(k);
                        subnets = s;
                        sgs = g;
                    }
                }
                Some(Target::Lit(arn)) => source = source_from_arn(arn),
                None => {}
            }
        }
        let Some(source) = source else {
            b.warn(i, "its event source is not one awsreach models (SQS, Kinesis, DynamoDB Streams, MSK, Kafka, Amazon MQ, DocumentDB) or is not known: left out");
            b.skipped.insert(i);
            continue;
        };
        let vpc_source = matches!(
            source,
            TriggerSource::Msk
                | TriggerSource::SelfManagedKafka
                | TriggerSource::AmazonMq
                | TriggerSource::DocumentDb
        );
        if vpc_source && (subnets.is_empty() || sgs.is_empty()) {
            // Rule 5: the poller's ENIs sit in the event source's subnets.
            // Declared with its placement missing, so its verdict is
            // `unknown` naming what is missing, never a guess.
            let note = format!(
                "{}: the {source:?} event source's subnets or security groups are not in the plan; its verdicts are unknown",
                b.addr(i)
            );
            let src = b.src(i);
            b.report
                .push(EntryKind::Missing, src, id.clone(), note.clone());
            b.missing(&id, MissingKind::Placement, note);
        }
        let provisioned = b
            .plan
            .value(i, &["provisioned_poller_config"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let secrets_manager = matches!(source, TriggerSource::AmazonMq)
            || configs
                .iter()
                .any(|(_, u)| u.starts_with("arn:aws:secretsmanager"));
        let engine = (source == TriggerSource::AmazonMq)
            .then(|| {
                let vhost = configs.iter().any(|(t, _)| t == "VIRTUAL_HOST");
                super::mq::engine_of(b, i, &id, src_res, vhost)
            })
            .flatten();
        b.used.insert(i);
        b.spec.triggers.push(TriggerSpec {
            engine,
            auth: None,
            id: Some(id),
            source,
            function,
            subnets,
            security_groups: sgs,
            port: None,
            mode: if provisioned {
                PollerMode::Provisioned
            } else {
                PollerMode::OnDemand
            },
            secrets_manager,
        });
    }
    let push = |b: &mut Builder, i: usize, id: String, source, function| {
        b.used.insert(i);
        b.spec.triggers.push(TriggerSpec {
            engine: None,
            auth: None,
            id: Some(id),
            source,
            function,
            subnets: Vec::new(),
            security_groups: Vec::new(),
            port: None,
            mode: PollerMode::OnDemand,
            secrets_manager: false,
        });
    };
    for i in b.of_type("aws_cloudwatch_event_target") {
        let is_fn = matches!(b.plan.resolve(i, &["arn"]).targets.first(),
            Some(Target::Res(j)) if b.plan.instances[*j].rtype == "aws_lambda_function")
            || b.plan
                .str(i, &["arn"])
                .is_some_and(|a| a.contains(":lambda:"));
        if !is_fn {
            continue;
        }
        if let Some(f) = function(b, i, "arn") {
            let id = b.sid(i);
            push(b, i, id, TriggerSource::EventBridge, f);
        }
    }
    for i in b.of_type("aws_sns_topic_subscription") {
        if b.plan.str(i, &["protocol"]) != Some("lambda") {
            continue;
        }
        if let Some(f) = function(b, i, "endpoint") {
            let id = b.sid(i);
            push(b, i, id, TriggerSource::Sns, f);
        }
    }
    for i in b.of_type("aws_s3_bucket_notification") {
        let n = b
            .plan
            .value(i, &["lambda_function"])
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for k in 0..n {
            let ks = k.to_string();
            let r = b.refer(
                i,
                &["lambda_function", &ks, "lambda_function_arn"],
                Kind::Function,
            );
            if let Some(f) = r.ids.into_iter().next() {
                let id = format!("{}/lambda_function[{k}]", b.sid(i));
                push(b, i, id, TriggerSource::S3, f);
            }
        }
    }
}
