//! What a trace is: hops, a verdict, and for a blocked probe the reason code,
//! the sentence, and the fix. A blocked packet is data, not an error.

use serde::Serialize;

use crate::code::Code;
use crate::fix::Remedy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The hop let the packet through (a rule or route matched).
    Pass,
    /// The hop stopped the packet.
    Block,
    /// A step with nothing to decide (an AWS-managed segment, a translation).
    Info,
}

/// One step of the packet's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// The scenario id of the component (`"rt-private"`, `"nat-a"`) or an
    /// AWS-managed segment (`"lambda-service"`, `"internet"`).
    pub component: String,
    /// What kind of component: `eni`, `security-group`, `network-acl`,
    /// `route-table`, `internet-gateway`, `nat-gateway`, `vpc-endpoint`, `dns`, ...
    pub kind: &'static str,
    pub decision: Decision,
    /// What was checked, in a sentence fragment.
    pub detail: String,
    /// The rule or route that decided, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Forward path or reply.
    pub direction: Direction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Forward,
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocked {
    pub code: Code,
    /// Index into `hops` of the blocking hop.
    pub hop: usize,
    /// One sentence naming the scenario's own ids.
    pub why: String,
    /// Remedies, the recommended one first; each is a list of changes applied together.
    pub fixes: Vec<Remedy>,
    /// What still blocks after the recommended fix is applied, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_fix: Option<Box<Blocked>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Reachable,
    Blocked(Blocked),
}

impl Verdict {
    pub fn is_reachable(&self) -> bool {
        matches!(self, Verdict::Reachable)
    }

    pub fn code(&self) -> Option<Code> {
        match self {
            Verdict::Reachable => None,
            Verdict::Blocked(b) => Some(b.code),
        }
    }
}

/// The fast answer: reachable, or the code that blocks. No strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Reachable,
    Blocked(Code),
}

impl Outcome {
    pub fn code(self) -> Option<Code> {
        match self {
            Outcome::Reachable => None,
            Outcome::Blocked(c) => Some(c),
        }
    }
}

/// What kind of call a probe makes (defined with the probe's meaning, in
/// `awsreach_model::probe`).
pub use awsreach_model::probe::CallKind;

/// A full trace: the probe in words, every hop, and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub from: String,
    pub to: String,
    pub kind: CallKind,
    pub protocol: awsreach_model::net::Protocol,
    pub port: u16,
    pub hops: Vec<Hop>,
    pub verdict: Verdict,
}

impl Trace {
    pub fn outcome(&self) -> Outcome {
        match &self.verdict {
            Verdict::Reachable => Outcome::Reachable,
            Verdict::Blocked(b) => Outcome::Blocked(b.code),
        }
    }
}
