//! Lambda: functions (`AWS::Lambda::Function`, SAM `AWS::Serverless::Function`
//! with `VpcConfig` and `Events`), event source mappings, permissions, and
//! the push sources that name a function (EventBridge rules, SNS
//! subscriptions, S3 notifications).

use std::collections::BTreeMap;

use awsreach_model::spec::{
    FunctionSpec, FunctionVpcSpec, InvokePolicySpec, MissingKind, PollerMode, TriggerSource,
    TriggerSpec,
};

use super::build::Ctx;
use super::val::Val;
use crate::EntryKind;

pub fn build(cx: &mut Ctx<'_>) {
    let mut policy: BTreeMap<String, Vec<String>> = BTreeMap::new();
    functions(cx);
    sam_events(cx, &mut policy);
    mappings(cx);
    push_sources(cx);
    permissions(cx, &mut policy);
    for f in &mut cx.spec.functions {
        if let Some(mut allow) = policy.remove(&f.id) {
            allow.sort();
            allow.dedup();
            f.policy = Some(InvokePolicySpec { allow });
        }
    }
}

/// Subnets and security groups of a poller.
type Placement = (Vec<String>, Vec<String>);

const FUNCTIONS: &[&str] = &["AWS::Lambda::Function", "AWS::Serverless::Function"];

fn functions(cx: &mut Ctx<'_>) {
    for r in cx.of(FUNCTIONS) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        // Lambda Managed Instances run in the capacity provider's VpcConfig.
        let provider = cx
            .prop(r, "CapacityProviderConfig")
            .and_then(|c| c.get("Arn").or(c.get("CapacityProviderArn")))
            .and_then(Val::text)
            .and_then(|a| {
                cx.by_id
                    .get(a.split('.').next().unwrap_or_default())
                    .copied()
            });
        let config = match provider {
            Some(p) => cx.prop(p, "VpcConfig").cloned(),
            None => cx.prop(r, "VpcConfig").cloned(),
        };
        let vpc = match config {
            None => None,
            Some(Val::Unknown(w)) => {
                cx.missing(
                    r,
                    &id,
                    MissingKind::Placement,
                    format!("VpcConfig unknown: {w}"),
                );
                None
            }
            Some(c) => match cx.entities(c.get("SubnetIds"), "subnet") {
                Ok(subnets) if subnets.is_empty() => None,
                Ok(subnets) => {
                    let security_groups =
                        match cx.entities(c.get("SecurityGroupIds"), "security group") {
                            Ok(g) => g,
                            Err(why) => {
                                cx.missing(
                                    r,
                                    &id,
                                    MissingKind::Placement,
                                    format!("security groups of {id} unknown: {why}"),
                                );
                                Vec::new()
                            }
                        };
                    let ipv6_dual_stack = c
                        .get("Ipv6AllowedForDualStack")
                        .and_then(Val::truthy)
                        .unwrap_or(false);
                    Some(FunctionVpcSpec {
                        subnets,
                        security_groups,
                        ipv6_dual_stack,
                    })
                }
                Err(why) => {
                    cx.missing(
                        r,
                        &id,
                        MissingKind::Placement,
                        format!("subnets of {id} unknown: {why}"),
                    );
                    None
                }
            },
        };
        if cx.prop(r, "CapacityProviderConfig").is_some() {
            cx.entry(
                EntryKind::Warning,
                r,
                "runs on Lambda Managed Instances: modelled as a function in its capacity provider's VpcConfig",
            );
        }
        cx.spec.functions.push(FunctionSpec {
            name: None,
            id: id.clone(),
            vpc,
            policy: None,
        });
        cx.built(&id, "function");
    }
}

/// The function a value names: `Ref`, `GetAtt .Arn`, an alias, or its `FunctionName`.
fn function_of(cx: &Ctx<'_>, v: Option<&Val>) -> Result<String, String> {
    if let Some(Val::Str(s)) = v {
        let by_name = cx
            .of(FUNCTIONS)
            .into_iter()
            .find(|&i| cx.text(i, "FunctionName").as_deref() == Some(s.as_str()));
        if let Some(i) = by_name {
            return Ok(cx.res[i].id.clone());
        }
        if let Some(arn) = s.strip_prefix("arn:") {
            let name = arn.split(':').nth(5).unwrap_or_default();
            return Err(format!("function `{name}` is not created by this template"));
        }
    }
    cx.entity(v, "function")
}

/// The kind of an event source from its ARN value: a resource of the
/// template (`Queue.Arn`) or a literal ARN.
fn source_of(cx: &Ctx<'_>, v: Option<&Val>) -> Result<(TriggerSource, Option<usize>), String> {
    let text = match v {
        Some(Val::Str(s)) => s.clone(),
        Some(Val::Unknown(w)) => return Err(w.clone()),
        _ => return Err("no EventSourceArn".into()),
    };
    let key = text.split('.').next().unwrap_or(&text);
    if let Some(&i) = cx.by_id.get(key) {
        let s = match cx.res[i].ty.as_str() {
            "AWS::SQS::Queue" => TriggerSource::Sqs,
            "AWS::Kinesis::Stream" | "AWS::Kinesis::StreamConsumer" => TriggerSource::Kinesis,
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => TriggerSource::DynamoDbStreams,
            "AWS::MSK::Cluster" | "AWS::MSK::ServerlessCluster" => TriggerSource::Msk,
            "AWS::AmazonMQ::Broker" => TriggerSource::AmazonMq,
            "AWS::DocDB::DBCluster" => TriggerSource::DocumentDb,
            other => return Err(format!("{key} is a {other}, not an event source")),
        };
        return Ok((s, Some(i)));
    }
    let service = text.strip_prefix("arn:").and_then(|a| a.split(':').nth(1));
    // `!Sub arn:...:cluster:${DBCluster}`: a Ref gives the logical id.
    let last = text.rsplit([':', '/']).next().unwrap_or_default();
    let named = cx.by_id.get(last).copied();
    if let Some(i) = named
        && let Ok((s, _)) = source_of(cx, Some(&Val::Str(cx.res[i].id.clone())))
    {
        return Ok((s, Some(i)));
    }
    Ok((
        match service {
            Some("sqs") => TriggerSource::Sqs,
            Some("kinesis") => TriggerSource::Kinesis,
            Some("dynamodb") => TriggerSource::DynamoDbStreams,
            Some("kafka") => TriggerSource::Msk,
            Some("mq") => TriggerSource::AmazonMq,
            Some("rds") => TriggerSource::DocumentDb,
            _ => {
                return Err(format!(
                    "event source `{text}` is of no kind awsreach knows"
                ));
            }
        },
        None,
    ))
}

/// Subnets and groups of a VPC event source defined in the template.
fn source_placement(
    cx: &Ctx<'_>,
    src: Option<usize>,
) -> Result<(Vec<String>, Vec<String>), String> {
    let Some(i) = src else {
        return Err(
            "the event source is not created by this template, so its subnets are unknown".into(),
        );
    };
    let (subnets, groups) = match cx.res[i].ty.as_str() {
        "AWS::MSK::Cluster" => {
            let b = cx.prop(i, "BrokerNodeGroupInfo");
            (
                b.and_then(|b| b.get("ClientSubnets")).cloned(),
                b.and_then(|b| b.get("SecurityGroups")).cloned(),
            )
        }
        "AWS::AmazonMQ::Broker" => (
            cx.prop(i, "SubnetIds").cloned(),
            cx.prop(i, "SecurityGroups").cloned(),
        ),
        "AWS::DocDB::DBCluster" => {
            let group = cx
                .text(i, "DBSubnetGroupName")
                .and_then(|g| cx.by_id.get(&g).copied());
            (
                group.and_then(|g| cx.prop(g, "SubnetIds").cloned()),
                cx.prop(i, "VpcSecurityGroupIds").cloned(),
            )
        }
        other => return Err(format!("subnets of a {other} are not read")),
    };
    let subnets = cx.entities(subnets.as_ref(), "subnet")?;
    let groups = cx.entities(groups.as_ref(), "security group")?;
    if subnets.is_empty() || groups.is_empty() {
        return Err(format!(
            "{} names no subnets or security groups",
            cx.res[i].id
        ));
    }
    Ok((subnets, groups))
}

/// `SourceAccessConfigurations`: credentials in Secrets Manager, and for
/// self-managed Kafka the `VPC_SUBNET` / `VPC_SECURITY_GROUP` placement.
fn access(cx: &Ctx<'_>, v: Option<&Val>) -> (bool, Result<Placement, String>) {
    let mut secrets = false;
    let (mut subnets, mut groups) = (Vec::new(), Vec::new());
    let mut err = None;
    if let Some(Val::List(list)) = v {
        for a in list {
            let ty = a.get("Type").and_then(Val::text).unwrap_or_default();
            let uri = a.get("URI").cloned();
            match ty.as_str() {
                "BASIC_AUTH"
                | "SASL_SCRAM_256_AUTH"
                | "SASL_SCRAM_512_AUTH"
                | "CLIENT_CERTIFICATE_TLS_AUTH"
                | "SERVER_ROOT_CA_CERTIFICATE" => secrets = true,
                "VPC_SUBNET" | "VPC_SECURITY_GROUP" => {
                    let kind = if ty == "VPC_SUBNET" {
                        "subnet"
                    } else {
                        "security group"
                    };
                    let stripped = uri.map(|u| match u {
                        Val::Str(s) => {
                            Val::Str(s.split_once(':').map_or(s.clone(), |x| x.1.to_string()))
                        }
                        o => o,
                    });
                    match cx.entity(stripped.as_ref(), kind) {
                        Ok(id) if ty == "VPC_SUBNET" => subnets.push(id),
                        Ok(id) => groups.push(id),
                        Err(w) => err = Some(w),
                    }
                }
                _ => {}
            }
        }
    }
    (secrets, err.map_or(Ok((subnets, groups)), Err))
}

struct Pending {
    r: usize,
    id: String,
    source: TriggerSource,
    function: String,
    src: Option<usize>,
    mode: PollerMode,
    access: Option<Val>,
}

fn add_trigger(cx: &mut Ctx<'_>, p: Pending) {
    let (secrets_manager, self_managed) = access(cx, p.access.as_ref());
    let (subnets, security_groups) = if !p.source.polls_in_vpc() {
        (Vec::new(), Vec::new())
    } else {
        let placed = if p.source == TriggerSource::SelfManagedKafka {
            self_managed
        } else {
            source_placement(cx, p.src)
        };
        match placed {
            Ok(x) => x,
            Err(why) => {
                // The poller's ENIs go into the event source's subnets
                // (aws-rules.md rule 5); with those unknown the trigger is
                // declared with its placement listed as missing, so its
                // verdict is `unknown`, naming what is missing.
                cx.missing(
                    p.r,
                    &p.id,
                    MissingKind::Placement,
                    format!("poller placement of {} unknown: {why}", p.id),
                );
                (Vec::new(), Vec::new())
            }
        }
    };
    // Amazon MQ: the broker's `EngineType` decides whether the poller needs
    // STS (rule 5); a broker outside the template leaves it missing.
    let engine = if p.source == TriggerSource::AmazonMq {
        let read = match p.src {
            Some(i) if cx.res[i].ty == "AWS::AmazonMQ::Broker" => match cx.prop(i, "EngineType") {
                Some(Val::Unknown(w)) => Err(w.clone()),
                v => match v.and_then(Val::text) {
                    Some(t) => crate::mq::engine(&t)
                        .ok_or(format!("EngineType `{t}` is not ACTIVEMQ or RABBITMQ")),
                    None => Err(format!("{} has no EngineType", cx.res[i].id)),
                },
            },
            _ => Err("the broker is not created by this template".to_string()),
        };
        // `VIRTUAL_HOST` access exists for RabbitMQ only (Lambda API
        // Reference, SourceAccessConfiguration,
        // https://docs.aws.amazon.com/lambda/latest/api/API_SourceAccessConfiguration.html).
        let vhost = matches!(&p.access, Some(Val::List(l))
            if l.iter().any(|a| a.get("Type").and_then(Val::text).as_deref() == Some("VIRTUAL_HOST")));
        match read {
            Ok(e) => Some(e),
            Err(_) if vhost => Some(awsreach_model::spec::MqEngine::RabbitMq),
            Err(why) => {
                let note = crate::mq::missing_note(&p.id, &why);
                cx.missing(p.r, &p.id, MissingKind::Engine, note);
                None
            }
        }
    } else {
        None
    };
    if let Some(i) = p.src {
        // The event source's resource is part of the scenario through its trigger.
        cx.handled(i);
    }
    cx.spec.triggers.push(TriggerSpec {
        engine,
        auth: None,
        id: Some(p.id),
        source: p.source,
        function: p.function,
        subnets,
        security_groups,
        port: None,
        mode: p.mode,
        secrets_manager,
    });
}

fn mode(v: Option<&Val>) -> PollerMode {
    if v.is_some() {
        PollerMode::Provisioned
    } else {
        PollerMode::OnDemand
    }
}

fn sam_events(cx: &mut Ctx<'_>, policy: &mut BTreeMap<String, Vec<String>>) {
    for r in cx.of(&["AWS::Serverless::Function"]) {
        let function = cx.res[r].id.clone();
        let Some(Val::Map(events)) = cx.prop(r, "Events").cloned() else {
            continue;
        };
        for (name, ev) in events {
            let id = format!("{function}.{name}");
            let ty = ev.get("Type").and_then(Val::text).unwrap_or_default();
            let p = ev
                .get("Properties")
                .cloned()
                .unwrap_or(Val::Map(Vec::new()));
            let poll = |key: &str| -> Option<&Val> { p.get(key) };
            let push = |s: TriggerSource, principal: &str| (s, principal.to_string());
            let (source, src, principal) = match ty.as_str() {
                "SQS" | "Kinesis" | "DynamoDB" | "MSK" | "MQ" | "DocumentDB" => {
                    let key = match ty.as_str() {
                        "SQS" => "Queue",
                        "MQ" => "Broker",
                        "DocumentDB" => "Cluster",
                        _ => "Stream",
                    };
                    let kind = match ty.as_str() {
                        "SQS" => TriggerSource::Sqs,
                        "Kinesis" => TriggerSource::Kinesis,
                        "DynamoDB" => TriggerSource::DynamoDbStreams,
                        "MSK" => TriggerSource::Msk,
                        "MQ" => TriggerSource::AmazonMq,
                        _ => TriggerSource::DocumentDb,
                    };
                    // The event type names the kind; the ARN may name the resource.
                    let src = source_of(cx, poll(key)).ok().and_then(|(_, i)| i);
                    (kind, src, None)
                }
                "SelfManagedKafka" => (TriggerSource::SelfManagedKafka, None, None),
                "SNS" => {
                    let (s, p) = push(TriggerSource::Sns, "sns.amazonaws.com");
                    (s, None, Some(p))
                }
                "S3" => {
                    let (s, p) = push(TriggerSource::S3, "s3.amazonaws.com");
                    (s, None, Some(p))
                }
                "EventBridgeRule" | "CloudWatchEvent" | "Schedule" => {
                    let (s, p) = push(TriggerSource::EventBridge, "events.amazonaws.com");
                    (s, None, Some(p))
                }
                "Api" | "HttpApi" => {
                    let (s, p) = push(TriggerSource::ApiGateway, "apigateway.amazonaws.com");
                    (s, None, Some(p))
                }
                other => {
                    cx.entry(
                        EntryKind::Skipped,
                        r,
                        format!("event {name} of type {other} is not modelled"),
                    );
                    continue;
                }
            };
            if let Some(pr) = principal {
                // SAM adds the lambda:InvokeFunction permission for push events.
                policy.entry(function.clone()).or_default().push(pr);
            }
            let pending = Pending {
                r,
                id,
                source,
                function: function.clone(),
                src,
                mode: mode(poll("ProvisionedPollerConfig")),
                access: poll("SourceAccessConfigurations").cloned(),
            };
            add_trigger(cx, pending);
        }
    }
}

fn mappings(cx: &mut Ctx<'_>) {
    for r in cx.of(&["AWS::Lambda::EventSourceMapping"]) {
        cx.handled(r);
        let id = cx.res[r].id.clone();
        let function = match function_of(cx, cx.prop(r, "FunctionName")) {
            Ok(f) => f,
            Err(why) => {
                cx.entry(
                    EntryKind::Missing,
                    r,
                    format!("mapping not imported: {why}"),
                );
                continue;
            }
        };
        let (source, src) = if cx.prop(r, "SelfManagedEventSource").is_some() {
            (TriggerSource::SelfManagedKafka, None)
        } else {
            match source_of(cx, cx.prop(r, "EventSourceArn")) {
                Ok(x) => x,
                Err(why) => {
                    cx.missing_trigger(r, &id, format!("event source unknown: {why}"));
                    continue;
                }
            }
        };
        let mode = mode(cx.prop(r, "ProvisionedPollerConfig"));
        let access = cx.prop(r, "SourceAccessConfigurations").cloned();
        add_trigger(
            cx,
            Pending {
                r,
                id,
                source,
                function,
                src,
                mode,
                access,
            },
        );
    }
}

/// EventBridge rule targets, SNS subscriptions and S3 notifications that
/// name a function of the template.
fn push_sources(cx: &mut Ctx<'_>) {
    let mut found: Vec<(usize, String, TriggerSource, Val)> = Vec::new();
    for r in cx.of(&["AWS::Events::Rule"]) {
        cx.handled(r);
        if let Some(Val::List(targets)) = cx.prop(r, "Targets") {
            for (i, t) in targets.iter().enumerate() {
                let name = t
                    .get("Id")
                    .and_then(Val::text)
                    .unwrap_or_else(|| i.to_string());
                if let Some(arn) = t.get("Arn") {
                    found.push((
                        r,
                        format!("{}.{name}", cx.res[r].id),
                        TriggerSource::EventBridge,
                        arn.clone(),
                    ));
                }
            }
        }
    }
    for r in cx.of(&["AWS::SNS::Subscription", "AWS::SNS::Topic"]) {
        let subs = if cx.res[r].ty == "AWS::SNS::Topic" {
            match cx.prop(r, "Subscription") {
                Some(Val::List(l)) => l.clone(),
                _ => Vec::new(),
            }
        } else {
            vec![cx.res[r].props.clone()]
        };
        for (i, s) in subs.iter().enumerate() {
            if s.get("Protocol").and_then(Val::text).as_deref() == Some("lambda")
                && let Some(e) = s.get("Endpoint")
            {
                cx.handled(r);
                let id = if subs.len() > 1 {
                    format!("{}.{i}", cx.res[r].id)
                } else {
                    cx.res[r].id.clone()
                };
                found.push((r, id, TriggerSource::Sns, e.clone()));
            }
        }
    }
    for r in cx.of(&["AWS::S3::Bucket"]) {
        let Some(Val::List(list)) = cx
            .prop(r, "NotificationConfiguration")
            .and_then(|n| n.get("LambdaConfigurations"))
            .cloned()
        else {
            continue;
        };
        for (i, c) in list.iter().enumerate() {
            if let Some(f) = c.get("Function") {
                cx.handled(r);
                found.push((
                    r,
                    format!("{}.{i}", cx.res[r].id),
                    TriggerSource::S3,
                    f.clone(),
                ));
            }
        }
    }
    for (r, id, source, target) in found {
        match function_of(cx, Some(&target)) {
            Ok(function) => add_trigger(
                cx,
                Pending {
                    r,
                    id,
                    source,
                    function,
                    src: None,
                    mode: PollerMode::OnDemand,
                    access: None,
                },
            ),
            Err(why) => cx.entry(
                EntryKind::Skipped,
                r,
                format!("target is not a function of the template: {why}"),
            ),
        }
    }
}

fn permissions(cx: &mut Ctx<'_>, policy: &mut BTreeMap<String, Vec<String>>) {
    for r in cx.of(&["AWS::Lambda::Permission"]) {
        cx.handled(r);
        let function = match function_of(cx, cx.prop(r, "FunctionName")) {
            Ok(f) => f,
            Err(why) => {
                cx.entry(
                    EntryKind::Missing,
                    r,
                    format!("permission not imported: {why}"),
                );
                continue;
            }
        };
        let principal = cx.text(r, "Principal").unwrap_or_default();
        if principal == "*" || principal.ends_with(".amazonaws.com") {
            policy.entry(function).or_default().push(principal);
        } else {
            cx.entry(
                EntryKind::Warning,
                r,
                format!("principal `{principal}` (an account or role) is not modelled; {function}'s policy lacks it"),
            );
            policy.entry(function).or_default();
        }
    }
}
