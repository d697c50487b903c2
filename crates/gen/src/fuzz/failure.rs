//! Failure files: a shrunk scenario with the violating probe as an
//! `expect` entry, ready to replay.

use awsreach_model::spec::{Expect, ExpectationSpec};
use awsreach_model::{ScenarioSpec, to_ron};

use super::{Invariant, Violation};

/// A failure file: the shrunk scenario, with the violating probe as an
/// `expect` entry (what the invariant says it should be, when it says) and
/// a header saying what broke and how to replay it.
pub fn failure_file(spec: &ScenarioSpec, v: &Violation, replay: &str) -> String {
    let mut spec = spec.clone();
    spec.expect.clear();
    if let Some(p) = &v.probe {
        let (expect, code) = expected_for(v);
        spec.expect.push(ExpectationSpec {
            ip_version: p.ipv6.then_some(6),
            from: p.from.clone(),
            to: p.to.clone(),
            port: p.port,
            protocol: p.protocol,
            expect,
            host: None,
            code,
            note: Some(format!("fuzz: {}", v.invariant)),
        });
    }
    let mut head = String::new();
    head.push_str(&format!("// awsreach fuzz: {} violated\n", v.invariant));
    for line in v.to_string().lines() {
        head.push_str(&format!("//   {line}\n"));
    }
    head.push_str(&format!("// replay: {replay}\n"));
    head.push_str(&to_ron(&spec));
    head
}

/// The verdict the violated invariant asks for, where it names one
/// (differential: the reference's); otherwise reachable, with no code.
pub(super) fn expected_for(v: &Violation) -> (Expect, Option<String>) {
    if v.invariant == Invariant::Differential
        && let Some(rest) = v.detail.split("reference: ").nth(1)
    {
        if rest.starts_with("reachable") {
            return (Expect::Reachable, None);
        }
        if let Some(code) = rest.strip_prefix("blocked ") {
            let code: String = code
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                .collect();
            return (Expect::Blocked, Some(code));
        }
    }
    (Expect::Reachable, None)
}
