//! Rendering traces: a packet-tracer style text view and the documented
//! JSON schema (see README, "JSON output").

use std::fmt::Write as _;

use anstyle::Style;
use awsreach_sim::{Blocked, Decision, Direction, Remedy, Trace, Verdict};
use serde_json::{Value, json};

use crate::style::{DIM, ERROR as RED, HEADER as BOLD, OK as GREEN, WARNING as YELLOW};

/// Styled text; anstream strips the style when the output is not a
/// terminal or `NO_COLOR` is set.
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

pub fn kind_str(k: awsreach_sim::CallKind) -> &'static str {
    match k {
        awsreach_sim::CallKind::Invoke => "invoke",
        awsreach_sim::CallKind::ServiceCall => "service-call",
        awsreach_sim::CallKind::Flow => "flow",
        awsreach_sim::CallKind::Trigger => "trigger",
    }
}

fn proto_port(t: &Trace) -> String {
    if t.protocol.has_ports() {
        format!("{}/{}", t.protocol, t.port)
    } else {
        t.protocol.to_string()
    }
}

/// The text view: one numbered line per hop, then the verdict.
pub fn trace_text(t: &Trace) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} -> {} ({}, {})",
        paint(BOLD, "trace"),
        paint(BOLD, &t.from),
        paint(BOLD, &t.to),
        kind_str(t.kind),
        proto_port(t)
    );
    let comp_w = t
        .hops
        .iter()
        .map(|h| h.component.chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    let kind_w = t.hops.iter().map(|h| h.kind.len()).max().unwrap_or(0);
    let mut in_return = false;
    for (i, h) in t.hops.iter().enumerate() {
        if h.direction == Direction::Return && !in_return {
            in_return = true;
            let _ = writeln!(
                out,
                "     {}",
                paint(DIM, "-- reply (network ACLs are stateless) --")
            );
        }
        let mark = match h.decision {
            Decision::Pass => paint(GREEN, "✔"),
            Decision::Block => paint(RED, "✘"),
            Decision::Info => paint(DIM, "·"),
        };
        let rule = h
            .rule
            .as_ref()
            .map(|r| paint(DIM, format!("  [{r}]")))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>4} {mark} {:<kind_w$}  {:<comp_w$}  {}{rule}",
            i + 1,
            h.kind,
            h.component,
            h.detail
        );
    }
    match &t.verdict {
        Verdict::Reachable => {
            let _ = writeln!(out, "{}", paint(GREEN, "reachable"));
        }
        Verdict::Blocked(b) => {
            let _ = writeln!(
                out,
                "{} {} at hop {}",
                paint(RED, "blocked:"),
                paint(BOLD, b.code),
                b.hop + 1
            );
            write_blocked(&mut out, b, "  ");
        }
    }
    out
}

fn write_blocked(out: &mut String, b: &Blocked, indent: &str) {
    let _ = writeln!(out, "{indent}why: {}", b.why);
    if let Some(ra) = b.code.reachability_analyzer() {
        let _ = writeln!(
            out,
            "{indent}{}",
            paint(DIM, format!("Reachability Analyzer: {ra}"))
        );
    }
    for (i, r) in b.fixes.iter().enumerate() {
        let label = if i == 0 { "fix:" } else { " or:" };
        let _ = writeln!(out, "{indent}{} {r}", paint(YELLOW, label));
    }
    if b.fixes.is_empty() {
        let _ = writeln!(
            out,
            "{indent}fix: (none suggested; see `awsreach explain {}`)",
            b.code
        );
    }
    if let Some(next) = &b.after_fix {
        let _ = writeln!(
            out,
            "{indent}{} {}",
            paint(BOLD, "after that fix, still blocked:"),
            paint(BOLD, next.code)
        );
        write_blocked(out, next, &format!("{indent}  "));
    }
}

fn remedy_json(r: &Remedy) -> Value {
    json!({ "summary": r.to_string(), "steps": r.steps })
}

fn blocked_json(b: &Blocked) -> Value {
    json!({
        "code": b.code.as_str(),
        "reachability_analyzer_code": b.code.reachability_analyzer(),
        "hop": b.hop + 1,
        "why": b.why,
        "fix": b.fixes.first().map(|r| r.to_string()),
        "fixes": b.fixes.iter().map(remedy_json).collect::<Vec<_>>(),
        "after_fix": b.after_fix.as_deref().map(blocked_json),
    })
}

/// The JSON view. Schema (stable): `from`, `to`, `kind`, `protocol`, `port`,
/// `verdict` ("reachable" | "blocked"), `hops[]` {`step`, `component`,
/// `kind`, `decision`, `detail`, `rule`?, `direction`}, and when blocked:
/// `code`, `reachability_analyzer_code`, `hop` (the blocking `step`), `why`,
/// `fix` (recommended, one line), `fixes[]` {`summary`, `steps[]`}, `after_fix`.
pub fn trace_json(t: &Trace) -> Value {
    let hops: Vec<Value> = t
        .hops
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut v = serde_json::to_value(h).expect("hops serialise");
            v.as_object_mut()
                .expect("object")
                .insert("step".into(), json!(i + 1));
            v
        })
        .collect();
    let mut v = json!({
        "from": t.from,
        "to": t.to,
        "kind": kind_str(t.kind),
        "protocol": t.protocol.as_str(),
        "port": t.port,
        "verdict": if t.verdict.is_reachable() { "reachable" } else { "blocked" },
        "hops": hops,
    });
    if let Verdict::Blocked(b) = &t.verdict
        && let (Value::Object(o), Value::Object(extra)) = (&mut v, blocked_json(b))
    {
        o.extend(extra);
    }
    v
}
