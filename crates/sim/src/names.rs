//! Probe endpoints named by DNS: `--to api.stripe.com` is the external host
//! with that hostname; `--to sqs.us-east-1.amazonaws.com` is the service
//! itself, so the service-call walk resolves it as DNS in the source's VPC
//! would (an interface endpoint's private DNS answers with the endpoint,
//! otherwise the public endpoint). Literal addresses need no declaration:
//! [`Engine::node`] takes them as they are.

use awsreach_model::scenario::{HostId, ServiceId};

use crate::engine::{Engine, Node};

impl Engine {
    /// The host or service whose DNS name is `name` (case and a trailing
    /// dot ignored), if any.
    pub(crate) fn by_hostname(&self, name: &str) -> Option<Node> {
        if !name.contains('.') {
            return None;
        }
        let norm = name.trim_end_matches('.').to_ascii_lowercase();
        let host = self
            .sc
            .external_hosts
            .iter()
            .position(|h| h.hostname.as_deref() == Some(norm.as_str()))
            .map(|i| Node::Host(HostId(i as u32)));
        host.or_else(|| {
            self.sc
                .services
                .iter()
                .position(|s| s.hostname.eq_ignore_ascii_case(&norm))
                .map(|i| Node::Service(ServiceId(i as u32)))
        })
    }
}
