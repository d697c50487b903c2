//! Snapshots of a handful of traces, rendered one hop per line like a packet
//! tracer, plus one in JSON. Review changes with `cargo insta review`.

use awsreach_sim::{
    Blocked, Decision, Direction, Followup, ProbeOptions, Verdict, trace_with_followup,
};

use crate::{Shown, load_file};

fn render(t: &Shown) -> String {
    let mut out = format!(
        "trace {} -> {} ({:?}, {}/{})\n",
        t.from, t.to, t.kind, t.protocol, t.port
    );
    let mut replying = false;
    for (i, h) in t.hops.iter().enumerate() {
        if h.direction == Direction::Return && !replying {
            out.push_str("   -- reply --\n");
            replying = true;
        }
        let mark = match h.decision {
            Decision::Pass => "ok",
            Decision::Block => "XX",
            Decision::Info => " .",
            Decision::Unknown => " ?",
        };
        out.push_str(&format!(
            "{i:>3} {mark} {:<16} {:<20} {}",
            h.kind, h.component, h.detail
        ));
        if let Some(r) = &h.rule {
            out.push_str(&format!("  [{r}]"));
        }
        out.push('\n');
    }
    match &t.verdict {
        Verdict::Reachable => out.push_str("reachable\n"),
        Verdict::Blocked(b) => render_block(&mut out, &explained(t, b), 0),
        Verdict::Unknown(u) => {
            out.push_str(&format!("unknown {} at {}: {}\n", u.code, u.hop, t.why))
        }
    }
    out
}

/// The trace's own block with its explanation, shaped like a follow-up.
fn explained(t: &Shown, b: &Blocked) -> Followup {
    Followup {
        code: b.code,
        hop: b.hop,
        why: t.why.clone(),
        fixes: t.fixes.clone(),
        after_fix: b.after_fix.clone(),
    }
}

fn render_block(out: &mut String, b: &Followup, depth: usize) {
    let pad = "  ".repeat(depth);
    if depth == 0 {
        out.push_str(&format!("blocked: {} at hop {}\n", b.code, b.hop));
    } else {
        out.push_str(&format!("{pad}after that fix, still blocked: {}\n", b.code));
    }
    out.push_str(&format!("{pad}why: {}\n", b.why));
    for (i, f) in b.fixes.iter().enumerate() {
        out.push_str(&format!(
            "{pad}{}: {f}\n",
            if i == 0 { "fix" } else { " or" }
        ));
    }
    if let Some(next) = &b.after_fix {
        render_block(out, next, depth + 1);
    }
}

fn snap(file: &str, from: &str, to: &str) -> String {
    let l = load_file(&crate::root().join("scenarios").join(file));
    let t = trace_with_followup(&l.spec, &l.engine, from, to, &ProbeOptions::default(), 3)
        .unwrap_or_else(|e| panic!("{file}: {from} -> {to}: {e}"));
    render(&Shown::new(&l.engine, t))
}

#[test]
fn public_subnet_function_to_s3() {
    insta::assert_snapshot!(snap("seed/p4-public-subnet-calls-out.ron", "fn", "s3"));
}

#[test]
fn private_function_without_nat_to_pinpoint() {
    insta::assert_snapshot!(snap(
        "seed/p6-private-no-nat-calls-out.ron",
        "fn",
        "pinpoint"
    ));
}

#[test]
fn private_function_with_nat_to_sqs_takes_the_endpoint() {
    insta::assert_snapshot!(snap("seed/p7-private-with-nat-calls-out.ron", "fn", "sqs"));
}

#[test]
fn private_function_with_nat_to_sns_takes_the_nat_gateway() {
    insta::assert_snapshot!(snap("seed/p7-private-with-nat-calls-out.ron", "fn", "sns"));
}

#[test]
fn sqs_poller_invokes_a_private_function() {
    insta::assert_snapshot!(snap("seed/p8-private-subnet-invoked.ron", "sqs", "fn"));
}

#[test]
fn private_instance_invokes_through_the_lambda_endpoint() {
    insta::assert_snapshot!(snap(
        "seed/p2e-outside-vpc-invoked-lambda-endpoint.ron",
        "private-ec2",
        "fn"
    ));
}

#[test]
fn nacl_drops_the_reply_on_ephemeral_ports() {
    insta::assert_snapshot!(snap("rules/nacl-ephemeral-return.ron", "fn-narrow", "sqs"));
}

#[test]
fn msk_poller_without_nat_or_endpoints_with_followups() {
    insta::assert_snapshot!(snap(
        "rules/msk-trigger-no-nat-no-endpoints.ron",
        "msk-on-demand",
        "process-orders"
    ));
}

#[test]
fn private_instance_invokes_through_the_nat_gateway_json() {
    let l = load_file(&crate::root().join("scenarios/seed/p3-outside-vpc-invoked-with-nat.ron"));
    let t = l.trace("private-ec2", "fn");
    let verdict = match &t.verdict {
        Verdict::Reachable => serde_json::json!("reachable"),
        Verdict::Blocked(b) => serde_json::to_value(explained(&t, b)).expect("Blocked serialises"),
        Verdict::Unknown(u) => {
            serde_json::json!({"code": u.code, "hop": u.hop, "what": t.why})
        }
    };
    let doc = serde_json::json!({
        "from": t.from,
        "to": t.to,
        "kind": t.kind,
        "hops": t.hops,
        "verdict": verdict,
    });
    insta::assert_json_snapshot!(doc);
}
