//! What a trace is: hops, a verdict, and for a blocked probe the reason code
//! and the blocking hop. A blocked packet is data, not an error. The
//! sentence and the remedies are made on demand ([`crate::Engine::explain`]).

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
    /// The hop would consult data the scenario lists as missing.
    Unknown,
}

pub use crate::hop::Hop;

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
    /// What still blocks after the recommended fix is applied, if anything
    /// (filled by [`crate::trace_with_followup`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_fix: Option<Box<Followup>>,
}

/// What blocks a probe once a fix is applied, explained (the fixed
/// scenario's engine is gone by the time it is shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Followup {
    pub code: Code,
    /// Index into the fixed scenario's trace of the blocking hop.
    pub hop: usize,
    /// One sentence naming the scenario's own ids.
    pub why: String,
    /// Remedies, the recommended one first.
    pub fixes: Vec<Remedy>,
    /// What still blocks after the recommended fix of this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_fix: Option<Box<Followup>>,
}

/// Why a probe stops, in words, and what would fix it: made on demand by
/// [`crate::Engine::explain`], never for a verdict alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Blocked: one sentence naming the scenario's own ids. Unknown: what
    /// is missing (with the `missing` entry's note, when it has one).
    pub why: String,
    /// Remedies, the recommended one first; each is a list of changes
    /// applied together. Empty for an unknown verdict.
    pub fixes: Vec<Remedy>,
}

/// A verdict that depends on data the scenario lists as missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// An `UNKNOWN_*` code naming the kind of data that is missing.
    pub code: Code,
    /// Index into `hops` of the hop that would consult it.
    pub hop: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Reachable,
    Blocked(Blocked),
    /// Neither reachable nor blocked can be claimed: the walk met missing data.
    Unknown(Unknown),
}

impl Verdict {
    pub fn is_reachable(&self) -> bool {
        matches!(self, Verdict::Reachable)
    }

    pub fn code(&self) -> Option<Code> {
        match self {
            Verdict::Reachable => None,
            Verdict::Blocked(b) => Some(b.code),
            Verdict::Unknown(u) => Some(u.code),
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Verdict::Unknown(_))
    }
}

/// The fast answer: reachable, the code that blocks, or the code naming
/// the missing data the answer depends on. No strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Reachable,
    Blocked(Code),
    /// An `UNKNOWN_*` code: the answer depends on missing data.
    Unknown(Code),
}

impl Outcome {
    pub fn code(self) -> Option<Code> {
        match self {
            Outcome::Reachable => None,
            Outcome::Blocked(c) | Outcome::Unknown(c) => Some(c),
        }
    }

    /// The outcome a walk's stopping code means.
    pub(crate) fn stopped(code: Code) -> Outcome {
        if code.is_unknown() {
            Outcome::Unknown(code)
        } else {
            Outcome::Blocked(code)
        }
    }

    /// `reachable`, `blocked` or `unknown`.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Reachable => "reachable",
            Outcome::Blocked(_) => "blocked",
            Outcome::Unknown(_) => "unknown",
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
    /// The probe traced (its nodes and its IAM action, which hops name).
    pub probe: crate::engine::Probe,
    pub hops: Vec<Hop>,
    pub verdict: Verdict,
}

impl Trace {
    /// A hop of this trace in words (with the probe's own IAM action,
    /// which endpoint-policy hops name).
    pub fn show<'a>(
        &'a self,
        hop: &'a Hop,
        sc: &'a awsreach_model::Scenario,
    ) -> crate::hop::ShowHop<'a> {
        hop.show(sc).action(self.probe.action())
    }

    pub fn outcome(&self) -> Outcome {
        match &self.verdict {
            Verdict::Reachable => Outcome::Reachable,
            Verdict::Blocked(b) => Outcome::Blocked(b.code),
            Verdict::Unknown(u) => Outcome::Unknown(u.code),
        }
    }
}
