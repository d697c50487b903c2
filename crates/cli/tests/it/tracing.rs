//! `trace`, `explain`, `check` and `matrix` through the real binary: exit
//! codes, the text and JSON trace views, and the seed tables.

use super::{awsreach, data, workspace};

#[test]
fn trace_blocked_text_exits_1() {
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/seed/p4-public-subnet-calls-out.ron",
            "--from",
            "fn",
            "--to",
            "s3",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("blocked: NO_PUBLIC_IP"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn trace_reachable_text_exits_0() {
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/seed/p8-private-subnet-invoked.ron",
            "--from",
            "sqs",
            "--to",
            "fn",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn trace_json_schema() {
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/seed/p2-outside-vpc-invoked-no-nat.ron",
            "--from",
            "private-ec2",
            "--to",
            "fn",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let v: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("trace --format json prints JSON");
    assert_eq!(v["verdict"], "blocked");
    assert_eq!(v["code"], "NO_ROUTE");
    let hops = v["hops"].as_array().expect("hops");
    let blocking = v["hop"].as_u64().expect("hop") as usize;
    assert_eq!(hops[blocking - 1]["decision"], "block");
    for (i, h) in hops.iter().enumerate() {
        assert_eq!(h["step"].as_u64(), Some(i as u64 + 1));
        for key in ["component", "kind", "decision", "detail", "direction"] {
            assert!(h.get(key).is_some(), "hop {i} lacks {key}");
        }
    }
    assert!(v["why"].as_str().is_some_and(|w| w.contains("private-ec2")));
    assert!(v["fix"].as_str().is_some_and(|f| !f.is_empty()));
    insta::assert_json_snapshot!(v);
}

#[test]
fn trace_reports_what_still_blocks_after_the_fix() {
    // Pattern 1: a non-VPC function cannot reach a private instance; the fix
    // (attach the function to the VPC) is checked by re-tracing.
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/seed/p1-outside-vpc-calls-out.ron",
            "--from",
            "fn",
            "--to",
            "private-ec2",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["code"], "PRIVATE_ADDRESS_FROM_INTERNET");
    assert!(
        v["fix"].as_str().unwrap().contains("attach function fn"),
        "{}",
        v["fix"]
    );
    // The fix is complete here: nothing else blocks.
    assert!(v["after_fix"].is_null(), "{}", v["after_fix"]);
}

/// A fix towards a destination whose placement is missing names its
/// address, not its listed groups (which may be wrong), and the blast
/// radius says the call then is unknown, not "still blocked".
#[test]
fn a_fix_towards_an_unknown_placement_names_the_address() {
    let args = [
        "trace",
        "scenarios/rules/unknown-placement.ron",
        "--from",
        "fn-app",
        "--to",
        "10.0.3.10",
        "--port",
        "22",
    ];
    let run = awsreach(&workspace(), &args);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("fix: allow tcp/22 to 10.0.3.10/32 in fn-sg (outbound)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("(this call then unknown: UNKNOWN_PLACEMENT)"),
        "{}",
        run.stdout
    );
    let html = awsreach(&workspace(), &[&args[..], &["--format", "html"]].concat());
    assert!(
        html.stdout
            .contains("(this call then unknown: UNKNOWN_PLACEMENT)"),
        "{}",
        html.stdout
    );
}

/// Regression (found by the hostile-input run): a probe from a NAT
/// gateway's private address took the gateway's empty group list for
/// security groups and panicked building the egress fix. A NAT gateway has
/// no security groups (rule 11): nothing filters what it sends.
#[test]
fn a_probe_from_a_nat_gateways_address_is_answered() {
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/rules/nat-gateway-inbound.ron",
            "--from",
            "10.0.0.4",
            "--to",
            "54.160.0.10",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("· eni               nat "),
        "{}",
        run.stdout
    );
}

#[test]
fn trace_bad_input_exits_2() {
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/seed/p4-public-subnet-calls-out.ron",
            "--from",
            "fm",
            "--to",
            "s3",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("unknown id `fm`") && run.stderr.contains("did you mean `fn`?"),
        "{}",
        run.stderr
    );
    let run = awsreach(
        &workspace(),
        &["trace", "no-such-file.ron", "--from", "a", "--to", "b"],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/seed/p8-private-subnet-invoked.ron",
            "--from",
            "s3",
            "--to",
            "public-ec2",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("can only be traced to the function it invokes"),
        "{}",
        run.stderr
    );
}

#[test]
fn explain_codes() {
    let run = awsreach(&workspace(), &["explain", "no_public_ip"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"),
        "{}",
        run.stdout
    );
    let run = awsreach(&workspace(), &["explain", "--list"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), awsreach_sim::Code::ALL.len());
    let run = awsreach(&workspace(), &["explain", "NO_PUBLIC"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `NO_PUBLIC_IP`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_passes_on_bundled_scenarios() {
    let run = awsreach(&workspace(), &["check", "scenarios/"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .lines()
            .last()
            .unwrap()
            .ends_with(" passed, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_fails_on_a_wrong_expectation() {
    let run = awsreach(&data(), &["check", "wrong-expectation.ron"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
    let run = awsreach(
        &data(),
        &["check", "wrong-expectation.ron", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(1), Some(1))
    );
}

/// Every seed table, as `matrix` prints it: calls-out patterns from `fn`,
/// invoked patterns to `fn`.
#[test]
fn seed_matrices() {
    let seeds = [
        ("p1-outside-vpc-calls-out", "--from"),
        ("p2-outside-vpc-invoked-no-nat", "--to"),
        ("p2e-outside-vpc-invoked-lambda-endpoint", "--to"),
        ("p3-outside-vpc-invoked-with-nat", "--to"),
        ("p3e-outside-vpc-invoked-nat-and-endpoint", "--to"),
        ("p4-public-subnet-calls-out", "--from"),
        ("p5-public-subnet-invoked", "--to"),
        ("p5e-public-subnet-invoked-lambda-endpoint", "--to"),
        ("p6-private-no-nat-calls-out", "--from"),
        ("p7-private-with-nat-calls-out", "--from"),
        ("p8-private-subnet-invoked", "--to"),
    ];
    for (name, dir) in seeds {
        let file = format!("scenarios/seed/{name}.ron");
        for format in ["text", "markdown"] {
            let run = awsreach(
                &workspace(),
                &["matrix", &file, dir, "fn", "--format", format],
            );
            assert_eq!(run.code, 0, "{}", run.transcript());
            insta::assert_snapshot!(format!("matrix_{name}_{format}"), run.stdout);
        }
    }
}

/// The sample outputs in README.md are what the binary prints today.
#[test]
fn readme_samples_are_current() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```text\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let Some(cmdline) = block
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("$ awsreach "))
        else {
            continue;
        };
        let args: Vec<&str> = cmdline.split_whitespace().collect();
        let run = awsreach(&workspace(), &args);
        let expected: String = block.lines().skip(1).map(|l| format!("{l}\n")).collect();
        assert_eq!(run.stdout, expected, "README sample `{cmdline}` is stale");
        checked += 1;
    }
    assert!(checked >= 2, "README has its samples");
}

#[test]
fn graph_draws_dot_and_vpc_groups() {
    let run = awsreach(
        &workspace(),
        &["graph", "scenarios/seed/p8-private-subnet-invoked.ron"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.starts_with("digraph awsreach {") && run.stdout.trim_end().ends_with('}'));
    assert!(run.stdout.contains("label=\"nat\\n"), "{}", run.stdout);
    let run = awsreach(
        &workspace(),
        &["graph", "scenarios/example-full.ron", "--vpc-groups"],
    );
    assert_eq!(run.stdout, "group 1: shop-vpc, analytics-vpc, shared-vpc\n");
}
