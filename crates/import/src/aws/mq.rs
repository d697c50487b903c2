//! Amazon MQ brokers (`mq list-brokers`, `mq describe-broker`): the engine
//! of the broker an event source mapping polls, which decides whether its
//! poller needs STS (aws-rules.md rule 5), and, from `describe-broker`, the
//! broker's subnets and security groups, where the poller's ENIs sit.

use awsreach_model::spec::MqEngine;

use super::build::Ctx;
use super::value::{arr, s};

/// What the snapshot says about the broker behind `arn`.
pub(super) struct Broker {
    pub engine: Option<MqEngine>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
}

/// The broker an event source mapping names, matched by ARN (or by the
/// broker id at its end), from `describe-broker` first, then
/// `list-brokers` (which has the engine, not the placement).
pub(super) fn broker(cx: &Ctx, arn: &str) -> Option<Broker> {
    let id = arn.rsplit(':').next().unwrap_or(arn);
    let same = |v: &serde_json::Value| {
        s(v, "BrokerArn") == Some(arn) || s(v, "BrokerId").is_some_and(|b| b == id)
    };
    let items = cx
        .dump
        .list("Brokers")
        .iter()
        .chain(cx.dump.list("BrokerSummaries"));
    let mut found: Option<Broker> = None;
    for it in items.filter(|it| same(&it.v)) {
        let engine = s(&it.v, "EngineType").and_then(crate::mq::engine);
        let strs = |k: &str| -> Vec<String> {
            arr(&it.v, k)
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        };
        match &mut found {
            None => {
                found = Some(Broker {
                    engine,
                    subnets: strs("SubnetIds"),
                    security_groups: strs("SecurityGroups"),
                })
            }
            Some(b) => b.engine = b.engine.or(engine),
        }
    }
    found
}

/// A report line for the brokers read (distinct ids over both calls).
pub(super) fn report(cx: &mut Ctx) {
    let mut ids: Vec<&str> = cx
        .dump
        .list("Brokers")
        .iter()
        .chain(cx.dump.list("BrokerSummaries"))
        .filter_map(|it| s(&it.v, "BrokerId"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let n = ids.len();
    if n > 0 {
        cx.read("mq", "Brokers", format!("{n} Amazon MQ brokers"));
    }
}
