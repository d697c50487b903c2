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

/// A probe that cannot be asked (an unknown id, a kind that does not fit),
/// on stderr as `FILE: error: [CONTEXT]ERROR` with its hint.
pub fn probe_error(file: &std::path::Path, context: &str, e: &awsreach_sim::ProbeError) {
    let hint = e
        .hint()
        .map(|h| format!("\n  hint: {h}"))
        .unwrap_or_default();
    anstream::eprintln!(
        "{}: {} {context}{e}{hint}",
        file.display(),
        paint(RED, "error:")
    );
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

/// An id with its `name` when it has one: `fn-orders (orders-api)`.
pub fn with_name(id: &str, name: Option<&str>) -> String {
    match name {
        Some(n) if n != id => format!("{id} ({n})"),
        _ => id.to_string(),
    }
}

/// [`trace_text`] with the blast radius of each fix under it (`assessed`
/// in the order of the trace's fixes; empty: none shown). A function with
/// several ENIs answers for each of them (see [`each_eni_text`]).
pub fn trace_text_assessed(engine: &Engine, t: &Trace, assessed: &[Assessment]) -> String {
    let name = |n| engine.node_alias(n);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} -> {} ({}, {}{})",
        paint(BOLD, "trace"),
        paint(BOLD, with_name(&t.from, name(t.probe.named_from()))),
        paint(BOLD, with_name(&t.to, name(t.probe.to()))),
        kind_str(t.kind),
        proto_port(t),
        if t.probe.ipv6() { ", IPv6" } else { "" }
    );
    let each = engine.trace_each_eni(&t.probe);
    if each.is_empty() {
        hops_and_verdict(&mut out, engine, t, assessed);
    } else {
        each_eni_text(&mut out, engine, t, &each, assessed);
    }
    out
}

/// A function with several ENIs: Lambda may send from any of them, so the
/// call works only if each does. One line per ENI, then the trace of each
/// ENI that does not reach (the deciding one with the function trace's
/// assessed fixes and follow-ups), or the first ENI's when all reach.
fn each_eni_text(
    out: &mut String,
    engine: &Engine,
    t: &Trace,
    each: &[Trace],
    assessed: &[Assessment],
) {
    let reach = each.iter().filter(|e| e.verdict.is_reachable()).count();
    let _ = writeln!(
        out,
        "{} sends from any of its {} ENIs (one per subnet): the call works only if each gets through",
        t.from,
        each.len()
    );
    let sc = engine.scenario();
    let address = |e: &Trace| match e.probe.from() {
        awsreach_sim::Node::FunctionEni(_, eni) => sc.enis[eni.ix()].private_ip.to_string(),
        _ => String::new(),
    };
    let id_w = each
        .iter()
        .map(|e| e.from.chars().count())
        .max()
        .unwrap_or(0);
    let ip_w = each.iter().map(|e| address(e).len()).max().unwrap_or(0);
    for e in each {
        let (mark, what) = match &e.verdict {
            Verdict::Reachable => (paint(GREEN, "✔"), paint(GREEN, "reachable")),
            Verdict::Blocked(b) => (
                paint(RED, "✘"),
                format!("{} {} at hop {}", paint(RED, "blocked:"), b.code, b.hop + 1),
            ),
            Verdict::Unknown(u) => (
                paint(YELLOW, "?"),
                format!(
                    "{} {} at hop {}",
                    paint(YELLOW, "unknown:"),
                    u.code,
                    u.hop + 1
                ),
            ),
        };
        let _ = writeln!(
            out,
            "  {mark} {}  {}  {what}",
            crate::table::pad(&e.from, id_w),
            crate::table::pad(&address(e), ip_w)
        );
    }
    let n = each.len();
    let (word, others) = match &t.verdict {
        Verdict::Unknown(_) => (paint(YELLOW, "unknown:"), "may fail"),
        _ => (paint(RED, "blocked:"), "fail"),
    };
    let summary = if reach == n {
        paint(GREEN, format!("reachable from each of the {n} ENIs"))
    } else if reach == 0 {
        format!("{word} none of the {n} ENIs reach {}", t.to)
    } else {
        format!(
            "{word} {reach} of {n} ENIs reach {}; calls Lambda sends from the others {others}",
            t.to
        )
    };
    let _ = writeln!(out, "{summary}");
    // The function's own trace is that of the ENI that decides.
    let deciding = each
        .iter()
        .position(|e| e.hops == t.hops && e.outcome() == t.outcome());
    for (k, e) in each.iter().enumerate() {
        let shown = if reach == each.len() {
            k == 0
        } else {
            !e.verdict.is_reachable()
        };
        if !shown {
            continue;
        }
        let _ = writeln!(out, "\n{} {}", paint(BOLD, "from"), paint(BOLD, &e.from));
        if Some(k) == deciding {
            hops_and_verdict(out, engine, t, assessed);
        } else {
            hops_and_verdict(out, engine, e, &[]);
        }
    }
}

/// One numbered line per hop, then the verdict, why and the fixes.
fn hops_and_verdict(out: &mut String, engine: &Engine, t: &Trace, assessed: &[Assessment]) {
    let sc = engine.scenario();
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
            write_blocked(out, &top, "  ", assessed);
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
    let probe = a
        .probe_after
        .and_then(|o| awsreach_view::trace::after_fix_phrase(outcome_str(o)))
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
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
