//! Rendering traces: a packet-tracer style text view and the documented
//! JSON schema (see README, "JSON output").

use std::fmt::Write as _;

use anstyle::Style;
use awsreach_sim::blast::{Assessment, Effect};
use awsreach_sim::{Decision, Direction, Engine, Followup, Outcome, Trace, Verdict};
use awsreach_view::TraceDoc;

use crate::style::{DIM, ERROR as RED, HEADER as BOLD, OK as GREEN, WARNING as YELLOW};

/// Styled text; anstream strips the style when the output is not a
/// terminal or `NO_COLOR` is set.
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

pub fn kind_str(k: awsreach_sim::CallKind) -> &'static str {
    awsreach_view::trace::kind_word(k)
}

fn proto_port(t: &Trace) -> String {
    if t.protocol.has_ports() {
        format!("{}/{}", t.protocol, t.port)
    } else {
        t.protocol.to_string()
    }
}

/// The text view: one numbered line per hop, then the verdict.
pub fn trace_text(engine: &Engine, t: &Trace) -> String {
    trace_text_assessed(engine, t, &[])
}

/// [`trace_text`] with the blast radius of each fix under it (`assessed`
/// in the order of the trace's fixes; empty: none shown).
pub fn trace_text_assessed(engine: &Engine, t: &Trace, assessed: &[Assessment]) -> String {
    let sc = engine.scenario();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} -> {} ({}, {}{})",
        paint(BOLD, "trace"),
        paint(BOLD, &t.from),
        paint(BOLD, &t.to),
        kind_str(t.kind),
        proto_port(t),
        if t.probe.ipv6() { ", IPv6" } else { "" }
    );
    // Each hop's text, made once here (hops are data until shown).
    let shown: Vec<(String, String, Option<String>)> = t
        .hops
        .iter()
        .map(|h| {
            let s = t.show(h, sc);
            (
                s.component().to_string(),
                s.detail().to_string(),
                s.rule().map(|r| r.to_string()),
            )
        })
        .collect();
    let comp_w = shown
        .iter()
        .map(|(c, _, _)| c.chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    let kind_w = t
        .hops
        .iter()
        .map(|h| h.kind.as_str().len())
        .max()
        .unwrap_or(0);
    let mut in_return = false;
    for (i, (h, (component, detail, rule))) in t.hops.iter().zip(&shown).enumerate() {
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
            Decision::Unknown => paint(YELLOW, "?"),
        };
        let rule = rule
            .as_ref()
            .map(|r| paint(DIM, format!("  [{r}]")))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>4} {mark} {:<kind_w$}  {:<comp_w$}  {}{rule}",
            i + 1,
            h.kind.as_str(),
            component,
            detail
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
            let ex = engine.explain(t).unwrap_or_default();
            let top = Followup {
                code: b.code,
                hop: b.hop,
                why: ex.why,
                fixes: awsreach_sim::blast::fixes_of(engine, t, assessed),
                after_fix: b.after_fix.clone(),
            };
            write_blocked(&mut out, &top, "  ", assessed);
        }
        Verdict::Unknown(u) => {
            let _ = writeln!(
                out,
                "{} {} at hop {}",
                paint(YELLOW, "unknown:"),
                paint(BOLD, u.code),
                u.hop + 1
            );
            let _ = writeln!(out, "  missing: {}", engine.why(t).unwrap_or_default());
            let _ = writeln!(
                out,
                "  {}",
                paint(
                    DIM,
                    format!(
                        "neither reachable nor blocked can be claimed; supply the data (see `awsreach explain {}`)",
                        u.code
                    )
                )
            );
        }
    }
    out
}

/// A block, explained: the trace's own (its fixes as shown, ranked when
/// `assessed`) or what still blocks after a fix.
fn write_blocked(out: &mut String, b: &Followup, indent: &str, assessed: &[Assessment]) {
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
        if let Some(a) = assessed.get(i) {
            write_blast(out, a, &format!("{indent}     "));
        }
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
        write_blocked(out, next, &format!("{indent}  "), &[]);
    }
}

fn outcome_str(o: Outcome) -> &'static str {
    awsreach_view::trace::outcome_word(o)
}

/// `a -> b`, `a -> b (CODE)`; at most three, then how many more.
fn effects(list: &[Effect], with_code: bool) -> String {
    let mut shown: Vec<String> = list
        .iter()
        .take(3)
        .map(|e| {
            if with_code {
                format!("{} -> {}: {}", e.from, e.to, outcome_str(e.after))
            } else {
                format!("{} -> {}", e.from, e.to)
            }
        })
        .collect();
    if list.len() > 3 {
        shown.push(format!("… {} more", list.len() - 3));
    }
    shown.join(", ")
}

/// The blast radius of one fix, under its line.
fn write_blast(out: &mut String, a: &Assessment, indent: &str) {
    if let Some(why) = &a.invalid {
        let _ = writeln!(
            out,
            "{indent}{}",
            paint(RED, format!("the patched scenario is invalid: {why}"))
        );
        return;
    }
    let mut parts: Vec<String> = Vec::new();
    if !a.opens.is_empty() {
        parts.push(format!(
            "opens {} ({})",
            a.opens.len(),
            effects(&a.opens, false)
        ));
    }
    if !a.breaks.is_empty() {
        parts.push(format!(
            "breaks {} ({})",
            a.breaks.len(),
            effects(&a.breaks, true)
        ));
    }
    if !a.recoded.is_empty() {
        parts.push(format!(
            "changes the code of {} ({})",
            a.recoded.len(),
            effects(&a.recoded, true)
        ));
    }
    let mut effects = if parts.is_empty() {
        paint(GREEN, "no other call changes")
    } else {
        parts.join("; ")
    };
    for (label, keys) in [("new", &a.added), ("gone", &a.removed)] {
        if !keys.is_empty() {
            let ids: Vec<String> = keys
                .iter()
                .map(|k| format!("{} {}", k.kind, k.id))
                .collect();
            let _ = write!(effects, "; {label}: {}", ids.join(", "));
        }
    }
    let probe = match a.probe_after {
        Some(Outcome::Reachable) | None => String::new(),
        Some(o) => format!(" (this call then still blocked: {})", outcome_str(o)),
    };
    let _ = writeln!(
        out,
        "{indent}{} {effects}{probe}",
        paint(DIM, "blast radius:")
    );
    for d in &a.dangers {
        let _ = writeln!(out, "{indent}{} {}", paint(RED, "⚠"), d.detail);
    }
}

/// The JSON view: the [`TraceDoc`] of the trace, with the blast radius of
/// each fix (`assessed`, in the order of the trace's fixes; empty: none).
/// Its fields are documented in the README ("JSON output").
pub fn trace_json_assessed(engine: &Engine, t: &Trace, assessed: &[Assessment]) -> TraceDoc {
    TraceDoc::new(engine, t, assessed)
}
