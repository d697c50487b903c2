//! Probe endpoints named by address, by `function@subnet`, and over IPv6,
//! through the real binary (issue 9: the same probe gets the same verdict
//! whether its ends are named by id or by address).

use super::{awsreach, workspace};

const LITERAL: &str = "scenarios/rules/literal-address-source.ron";

fn trace(file: &str, extra: &[&str]) -> super::Run {
    let mut args = vec!["trace", file, "--no-followup", "--blast-radius", "off"];
    args.extend_from_slice(extra);
    awsreach(&workspace(), &args)
}

#[test]
fn a_function_eni_address_calls_like_the_function_dns_first() {
    // 10.20.11.5 is worker's ENI in app-a (10.20.11.4 is the endpoint's).
    let run = trace(LITERAL, &["--from", "10.20.11.5", "--to", "sqs"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with("trace 10.20.11.5 -> sqs"),
        "the trace keeps the name the user gave: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("resolves to interface endpoint vpce-sqs (10.20.11.4) through private DNS"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("worker "), "{}", run.stdout);
}

#[test]
fn function_at_subnet_picks_one_eni() {
    let run = trace(LITERAL, &["--from", "worker@app-b", "--to", "sqs"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("10.20.12.4 in subnet app-b"),
        "{}",
        run.stdout
    );
    let bad = trace(LITERAL, &["--from", "worker@data", "--to", "sqs"]);
    assert_eq!(
        bad.code,
        2,
        "worker has no ENI in data: {}",
        bad.transcript()
    );
}

#[test]
fn an_endpoint_address_is_no_source() {
    let run = trace(LITERAL, &["--from", "10.20.11.4", "--to", "sqs"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("interface endpoint `vpce-sqs`, which only receives"),
        "{}",
        run.stderr
    );
}

#[test]
fn within_a_subnet_no_nacl_by_id_or_by_address() {
    for to in ["db", "10.20.20.10"] {
        let run = trace(LITERAL, &["--from", "cache", "--to", to, "--port", "5432"]);
        assert_eq!(run.code, 0, "{to}: {}", run.transcript());
        assert!(
            !run.stdout.contains("network-acl"),
            "{to}: the shut NACL of subnet data is not crossed: {}",
            run.stdout
        );
    }
}

const IPV6: &str = "scenarios/rules/ipv6-inbound.ron";

#[test]
fn ip_version_6_reaches_a_resource_without_public_ipv4() {
    let run = trace(
        IPV6,
        &["--from", "internet", "--to", "web", "--ip-version", "6"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .starts_with("trace internet -> web (flow, tcp/443, IPv6)"),
        "the header says the flow is IPv6: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("IPv6: no translation, to 2600:1f18:1234:5601::10"),
        "{}",
        run.stdout
    );
    let v4 = trace(IPV6, &["--from", "internet", "--to", "web"]);
    assert_eq!(v4.code, 1, "{}", v4.transcript());
    assert!(
        v4.stdout.contains("`--ip-version 6`"),
        "PRIVATE_ADDRESS_FROM_INTERNET mentions the IPv6 way in: {}",
        v4.stdout
    );
    let json = trace(
        IPV6,
        &[
            "--from",
            "internet",
            "--to",
            "web",
            "--ip-version",
            "6",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["ip_version"], 6, "{}", json.stdout);
    assert!(
        !v4.stdout.contains("IPv6)"),
        "an IPv4 trace says nothing of IPv6 in its header: {}",
        v4.stdout
    );
    let bad = trace(
        IPV6,
        &["--from", "internet", "--to", "web", "--ip-version", "5"],
    );
    assert_eq!(bad.code, 2, "{}", bad.transcript());
}

#[test]
fn an_ipv6_literal_of_an_eni_is_checked_like_the_eni() {
    let run = trace(
        IPV6,
        &[
            "--from",
            "client",
            "--to",
            "2600:1f18:1234:5602::20",
            "--port",
            "5432",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("blocked: EGRESS_ONLY_IGW_INBOUND"),
        "{}",
        run.stdout
    );
    let asked = trace(IPV6, &["--from", "sqs", "--to", "web", "--ip-version", "6"]);
    assert_eq!(asked.code, 2, "{}", asked.transcript());
}

#[test]
fn a_failed_ipv6_expectation_reruns_with_ip_version_6() {
    let dir = std::env::temp_dir().join(format!("awsreach-ipv6-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(workspace().join(IPV6))
        .unwrap()
        .replace(
            r#"(from: "internet", to: "web", ip_version: 6, expect: Reachable"#,
            r#"(from: "internet", to: "web", ip_version: 6, expect: Blocked"#,
        );
    std::fs::write(dir.join("v6.ron"), text).unwrap();
    let run = awsreach(&dir, &["check", "v6.ron"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("--from internet --to web --ip-version 6"),
        "{}",
        run.stdout
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_ipv6_flow_with_an_ipv4_only_end_is_blocked_no_ipv6_at_that_end() {
    // legacy has a public IPv4 and no IPv6 address: reachable over IPv4,
    // not over IPv6.
    let v4 = trace(IPV6, &["--from", "internet", "--to", "legacy"]);
    assert_eq!(v4.code, 0, "{}", v4.transcript());
    let v6 = trace(
        IPV6,
        &["--from", "internet", "--to", "legacy", "--ip-version", "6"],
    );
    assert_eq!(v6.code, 1, "{}", v6.transcript());
    assert!(v6.stdout.contains("blocked: NO_IPV6"), "{}", v6.stdout);
    assert!(
        hop_line(&v6.stdout, &["eni", "legacy", "no IPv6 address"]),
        "the hop names the end without IPv6: {}",
        v6.stdout
    );
    // An IPv4 source on an IPv6 flow sends nothing over IPv6.
    let src = trace(
        IPV6,
        &["--from", "198.51.100.7", "--to", "web", "--ip-version", "6"],
    );
    assert_eq!(src.code, 1, "{}", src.transcript());
    assert!(
        hop_line(&src.stdout, &["host", "198.51.100.7", "no IPv6 address"]),
        "{}",
        src.stdout
    );
}

/// Whether one line of a text trace holds all `words`, in order.
fn hop_line(out: &str, words: &[&str]) -> bool {
    out.lines().any(|l| {
        let mut rest = l;
        words.iter().all(|w| match rest.find(w) {
            Some(i) => {
                rest = &rest[i + w.len()..];
                true
            }
            None => false,
        })
    })
}

/// `--apply-fix` writes the IPv6 fixes: an address from the subnet's IPv6
/// block for an end without one, a route for a peered VPC's IPv6 block.
#[test]
fn apply_fix_assigns_an_ipv6_address_and_routes_a_peered_vpcs_block() {
    let dir = std::env::temp_dir().join(format!("awsreach-v6-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = workspace().join("scenarios/rules/ipv6-fixes.ron");
    let file = file.to_str().unwrap();
    for (from, to, port, words) in [
        (
            "app",
            "old",
            "443",
            "fix: assign ipv6 address 2600:1f18:aaaa:a101:",
        ),
        (
            "batch",
            "db",
            "5432",
            "fix: add route 2600:1f18:bbbb:b100::/56 -> pcx-ab to rt-a3",
        ),
    ] {
        let probe = [
            "--from",
            from,
            "--to",
            to,
            "--port",
            port,
            "--ip-version",
            "6",
        ];
        let before = trace(file, &probe);
        assert_eq!(before.code, 1, "{}", before.transcript());
        assert!(before.stdout.contains(words), "{}", before.stdout);
        let out = dir.join(format!("{from}-{to}.ron"));
        let out = out.to_str().unwrap();
        let mut args = vec!["trace", file];
        args.extend(probe);
        args.extend(["--apply-fix", "1", "-o", out]);
        let run = awsreach(&dir, &args);
        assert_eq!(run.code, 0, "{}", run.transcript());
        let after = trace(out, &probe);
        assert_eq!(
            after.code,
            0,
            "{from} -> {to} fixed: {}",
            after.transcript()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
