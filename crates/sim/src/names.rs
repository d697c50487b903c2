//! Probe endpoints named by DNS: `--to api.stripe.com` is the external host
//! with that hostname; `--to sqs.us-east-1.amazonaws.com` is the service
//! itself, so the service-call walk resolves it as DNS in the source's VPC
//! would (an interface endpoint's private DNS answers with the endpoint,
//! otherwise the public endpoint). Literal addresses need no declaration:
//! [`Engine::node`] takes them as they are.

use crate::engine::{Engine, Node};

impl Engine {
    /// The host or service whose DNS name is `name`, if any (the model's
    /// one definition, [`awsreach_model::probe::by_hostname`]).
    pub(crate) fn by_hostname(&self, name: &str) -> Option<Node> {
        awsreach_model::probe::by_hostname(&self.sc, name)
    }
}
