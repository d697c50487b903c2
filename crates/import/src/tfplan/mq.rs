//! Amazon MQ event source mappings: the broker's `engine_type`, read
//! through the plan's reference graph (the mapping's `event_source_arn`
//! names the `aws_mq_broker`), or listed as missing when the broker is not
//! in the plan.

use awsreach_model::spec::{MissingKind, MqEngine};

use super::Builder;
use crate::report::EntryKind;

/// The engine of the broker behind mapping `i` (scenario id `id`), whose
/// event source resolved to instance `src` if it is in the plan; `vhost`:
/// the mapping has a `VIRTUAL_HOST` access configuration, which exists for
/// RabbitMQ only (Lambda API Reference, SourceAccessConfiguration,
/// https://docs.aws.amazon.com/lambda/latest/api/API_SourceAccessConfiguration.html).
/// `None` with a `Missing` entry and a `missing` `Engine` when it cannot be
/// read.
pub(super) fn engine_of(
    b: &mut Builder,
    i: usize,
    id: &str,
    src: Option<usize>,
    vhost: bool,
) -> Option<MqEngine> {
    let read = match src {
        Some(j) if b.plan.instances[j].rtype == "aws_mq_broker" => {
            match b.plan.str(j, &["engine_type"]) {
                Some(t) => crate::mq::engine(t).ok_or(format!(
                    "{}: engine_type `{t}` is not ActiveMQ or RabbitMQ",
                    b.addr(j)
                )),
                None => Err(format!(
                    "{}: engine_type is not known in the plan",
                    b.addr(j)
                )),
            }
        }
        _ => Err(match b.plan.str(i, &["event_source_arn"]) {
            Some(arn) => format!("broker {arn} is not in the plan"),
            None => "the broker is not in the plan".to_string(),
        }),
    };
    match read {
        Ok(e) => Some(e),
        Err(_) if vhost => Some(MqEngine::RabbitMq),
        Err(why) => {
            let note = crate::mq::missing_note(id, &why);
            let at = b.src(i);
            b.report
                .push(EntryKind::Missing, at, id.to_string(), note.clone());
            b.missing(id, MissingKind::Engine, note);
            None
        }
    }
}
