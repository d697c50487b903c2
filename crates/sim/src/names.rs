//! Probe endpoints named by DNS: `--to api.stripe.com` is the external host
//! with that hostname; `--to sqs.us-east-1.amazonaws.com` is the service
//! itself, so the service-call walk resolves it as DNS in the source's VPC
//! would (an interface endpoint's private DNS answers with the endpoint,
//! otherwise the public endpoint). Literal addresses need no declaration:
//! [`Engine::node`] takes them as they are. Resources and functions may
//! also carry a `name`, shown next to their id.

use crate::engine::{Engine, Node, ProbeError};

impl Engine {
    /// The host or service whose DNS name is `name`, if any (the model's
    /// one definition, [`awsreach_model::probe::by_hostname`]).
    pub(crate) fn by_hostname(&self, name: &str) -> Option<Node> {
        awsreach_model::probe::by_hostname(&self.sc, name)
    }
}

/// Entities by `name` (a resource's `Name` tag, a function's name), another
/// id for probes: shown next to the id, and searched by "did you mean".
impl Engine {
    /// The `name` of a probe endpoint, when it has one; one ENI of a
    /// function (named `fn@subnet` or by its address) carries the function's.
    pub fn node_alias(&self, n: Node) -> Option<&str> {
        match n {
            Node::Function(f) | Node::FunctionEni(f, _) => {
                self.sc.functions[f.ix()].alias.as_deref()
            }
            Node::Resource(r) => self.sc.resources[r.ix()].alias.as_deref(),
            _ => None,
        }
    }

    /// The error for an id nothing has: the closest id or name, with the
    /// suggestion's other name (`fn-arn` (exporter), `exporter` (fn-arn)).
    pub(crate) fn unknown_id(&self, id: &str) -> ProbeError {
        let aliases = (self.sc.functions.iter().filter_map(|f| f.alias.as_deref()))
            .chain(self.sc.resources.iter().filter_map(|r| r.alias.as_deref()));
        let suggestion =
            awsreach_model::suggest(id, self.names.keys().map(|k| k.as_str()).chain(aliases));
        let known_as = suggestion.as_deref().and_then(|s| {
            let n = self.lookup(s)?;
            match self.node_alias(n) {
                Some(a) if a == s => Some(self.node_name(n)),
                other => other.map(str::to_string),
            }
        });
        ProbeError::UnknownId {
            id: id.into(),
            suggestion,
            known_as,
        }
    }
}
