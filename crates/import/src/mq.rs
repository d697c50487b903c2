//! Amazon MQ broker engines as each input spells them: the API's and
//! CloudFormation's `EngineType` (`ACTIVEMQ`, `RABBITMQ`), Terraform's
//! `engine_type` (`ActiveMQ`, `RabbitMQ`). The engine decides whether a
//! poller needs STS (aws-rules.md rule 5), so an importer that cannot read
//! it lists it as missing instead of letting the ActiveMQ default stand.

use awsreach_model::spec::MqEngine;

/// The engine an `EngineType` value names, if it names one.
pub(crate) fn engine(text: &str) -> Option<MqEngine> {
    if text.eq_ignore_ascii_case("activemq") {
        Some(MqEngine::ActiveMq)
    } else if text.eq_ignore_ascii_case("rabbitmq") {
        Some(MqEngine::RabbitMq)
    } else {
        None
    }
}

/// The note of a missing engine: why it could not be read.
pub(crate) fn missing_note(trigger: &str, why: &str) -> String {
    format!(
        "broker engine of {trigger} unknown ({why}): whether its poller needs STS (ActiveMQ does, RabbitMQ does not) cannot be told"
    )
}
