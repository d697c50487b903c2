//! The scenario files under `scenarios/`: their expectations hold, together
//! they produce every reason code, and every fix the simulator suggests for
//! a blocked expectation really moves or removes the block.

use std::collections::BTreeSet;

use awsreach_model::spec::Expect;
use awsreach_sim::{Code, ProbeOptions, Verdict, apply_remedy, check_expectations};

use crate::{Loaded, load_file, load_spec, rel, scenario_files};

/// The seed files issue 4 asks for, one per pattern table of seed-patterns.md.
const SEED_FILES: &[&str] = &[
    "p1-outside-vpc-calls-out.ron",
    "p2-outside-vpc-invoked-no-nat.ron",
    "p2e-outside-vpc-invoked-lambda-endpoint.ron",
    "p3-outside-vpc-invoked-with-nat.ron",
    "p3e-outside-vpc-invoked-nat-and-endpoint.ron",
    "p4-public-subnet-calls-out.ron",
    "p5-public-subnet-invoked.ron",
    "p5e-public-subnet-invoked-lambda-endpoint.ron",
    "p6-private-no-nat-calls-out.ron",
    "p7-private-with-nat-calls-out.ron",
    "p8-private-subnet-invoked.ron",
];

/// Codes that may come without a fix, and why no scenario change is right:
///
/// - `DESTINATION_UNKNOWN`: the probe names an address no interface holds;
///   the mistake is in the question (a wrong address), not in the network,
///   and inventing a host at that address would not be a fix.
/// - `NAT_INBOUND_UNSOLICITED`: a NAT gateway admits only replies to
///   connections it opened (rule 11); no setting of it or around it accepts
///   a new connection, so the question, not the network, is what to change.
/// - `EGRESS_ONLY_IGW_INBOUND`: an egress-only subnet refusing inbound IPv6
///   is by design: opening it to the internet is a decision, not a repair.
const NO_FIX_OK: &[Code] = &[
    Code::DestinationUnknown,
    Code::EgressOnlyInbound,
    Code::NatInboundUnsolicited,
];

fn opts(e: &awsreach_model::Expectation) -> ProbeOptions {
    ProbeOptions {
        port: e.port,
        protocol: e.protocol,
        ipv6: e.ip_version == Some(6),
        ..ProbeOptions::default()
    }
}

#[test]
fn seed_files_exist_with_expectations() {
    let dir = crate::root().join("scenarios/seed");
    for name in SEED_FILES {
        let path = dir.join(name);
        assert!(path.exists(), "missing seed scenario {}", rel(&path));
        let l = load_file(&path);
        assert!(
            !l.engine.scenario().expectations.is_empty(),
            "{name} has no expectations"
        );
    }
    let on_disk = std::fs::read_dir(&dir)
        .expect("scenarios/seed")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "ron"))
        })
        .count();
    assert_eq!(
        on_disk,
        SEED_FILES.len(),
        "scenarios/seed holds scenarios issue 4 does not list"
    );
}

#[test]
fn every_expectation_of_every_scenario_holds() {
    let files = scenario_files();
    assert!(files.len() >= 30, "expected the seed and rule scenarios");
    let mut failures = Vec::new();
    let mut total = 0;
    for path in &files {
        let l = load_file(path);
        for r in check_expectations(&l.engine) {
            total += 1;
            if !r.passed {
                let e = &r.expectation;
                let want = match (e.expect, &e.code) {
                    (Expect::Reachable, _) => "reachable".to_string(),
                    (Expect::Blocked, Some(c)) => format!("blocked {c}"),
                    (Expect::Blocked, None) => "blocked".to_string(),
                    (Expect::Unknown, Some(c)) => format!("unknown {c}"),
                    (Expect::Unknown, None) => "unknown".to_string(),
                };
                failures.push(format!(
                    "{}: {} -> {}{}: expected {want}, got {:?}",
                    rel(path),
                    e.from,
                    e.to,
                    e.port.map(|p| format!(" port {p}")).unwrap_or_default(),
                    r.actual
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} expectations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_blocked_seed_and_rule_expectation_names_its_code() {
    let mut missing = Vec::new();
    // The seed and rule scenarios document their codes; other files may not.
    let ours = ["scenarios/seed/", "scenarios/rules/"];
    for path in scenario_files() {
        if !ours.iter().any(|d| rel(&path).starts_with(d)) {
            continue;
        }
        let l = load_file(&path);
        for e in &l.engine.scenario().expectations {
            if e.expect == Expect::Blocked {
                match &e.code {
                    None => missing.push(format!("{}: {} -> {}", rel(&path), e.from, e.to)),
                    Some(c) => {
                        assert!(Code::parse(c).is_some(), "{}: unknown code {c}", rel(&path))
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "blocked expectations without a code:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_reason_code_is_produced_by_a_scenario() {
    let mut seen = BTreeSet::new();
    for path in scenario_files() {
        let l = load_file(&path);
        for r in check_expectations(&l.engine) {
            // Only codes the engine really produced count, not what a file claims.
            if let (
                true,
                Ok(awsreach_sim::Outcome::Blocked(c) | awsreach_sim::Outcome::Unknown(c)),
            ) = (r.passed, &r.actual)
            {
                seen.insert(*c);
            }
        }
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !seen.contains(*c))
        .map(|c| c.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "no scenario expectation produces: {missing:?}"
    );
}

/// Applies the recommended fix of every blocked expectation and traces the
/// same probe again: it must be reachable, or blocked later or for another
/// reason. Every other remedy must at least yield a valid scenario. Then the
/// recommended fixes, applied one after another, must end in a reachable
/// probe within a few rounds: the simulator never sends users in circles.
#[test]
fn recommended_fixes_move_or_remove_the_block() {
    const ROUNDS: usize = 6;
    let mut failures = Vec::new();
    let mut fixed_codes = BTreeSet::new();
    let mut checked = 0;
    for path in scenario_files() {
        let original = load_file(&path);
        for e in &original.engine.scenario().expectations {
            if e.expect != Expect::Blocked {
                continue;
            }
            let at = format!("{}: {} -> {}", rel(&path), e.from, e.to);
            let mut l = load_spec(original.spec.clone(), &at);
            let mut history = Vec::new();
            for round in 0..=ROUNDS {
                let before = l.trace_with(&e.from, &e.to, &opts(e));
                let b = match &before.verdict {
                    Verdict::Reachable if round == 0 => break, // reported elsewhere
                    Verdict::Reachable | Verdict::Unknown(_) => break,
                    Verdict::Blocked(b) => b,
                };
                history.push(b.code.as_str());
                if round == ROUNDS {
                    failures.push(format!(
                        "{at}: still blocked after {ROUNDS} recommended fixes: {}",
                        history.join(" > ")
                    ));
                    break;
                }
                if before.fixes.is_empty() {
                    if !NO_FIX_OK.contains(&b.code) && !b.code.is_unknown() {
                        failures.push(format!(
                            "{at}: {} comes without a fix (after {})",
                            b.code,
                            history.join(" > ")
                        ));
                    }
                    break;
                }
                for (i, remedy) in before.fixes.iter().enumerate() {
                    if let Err(v) = apply_remedy(&l.spec, remedy) {
                        let errs: Vec<String> = v.errors.iter().map(|d| d.to_string()).collect();
                        failures.push(format!(
                            "{at}: remedy {i} ({remedy}) makes the scenario invalid: {}",
                            errs.join("; ")
                        ));
                    }
                }
                let remedy = &before.fixes[0];
                let Ok((spec, _)) = apply_remedy(&l.spec, remedy) else {
                    break;
                };
                let after: Loaded = load_spec(spec, &at);
                let t = after.trace_with(&e.from, &e.to, &opts(e));
                checked += 1;
                // The block moved: another code, a later hop, or another check
                // (a fix may shorten the path, as an endpoint replacing a NAT hop does).
                let same_check = |n: &awsreach_sim::Blocked| {
                    let (x, y) = (&before.hops[b.hop], &t.hops[n.hop]);
                    x.component == y.component && x.detail == y.detail
                };
                match &t.verdict {
                    Verdict::Blocked(n) if n.code == b.code && n.hop <= b.hop && same_check(n) => {
                        failures.push(format!(
                            "{at}: after \"{remedy}\" still {} at hop {} (was hop {})",
                            n.code, n.hop, b.hop
                        ));
                        break;
                    }
                    _ => {
                        fixed_codes.insert(b.code);
                    }
                }
                l = after;
            }
        }
    }
    assert!(checked > 40, "only {checked} fixes checked");
    for c in Code::ALL {
        // Unknown verdicts are not blocks: the remedy is to supply the data.
        if !NO_FIX_OK.contains(c) && !c.is_unknown() && !fixed_codes.contains(c) {
            failures.push(format!(
                "no scenario shows a working fix for {}",
                c.as_str()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fix problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
