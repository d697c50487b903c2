//! DNS traps through the real binary (issue 9, issue 15.5): the hostname a
//! service call uses (`--host`, rule 25), hosts known by their hostname only
//! (rule 26), and services outside the catalog.

use super::{awsreach, awsreach_with, workspace};

const LEGACY: &str = "scenarios/rules/sqs-legacy-hostname.ron";
const HOSTS: &str = "scenarios/rules/host-by-name.ron";

fn trace(file: &str, args: &[&str]) -> super::Run {
    let mut all = vec!["trace", file];
    all.extend_from_slice(args);
    awsreach(&workspace(), &all)
}

#[test]
fn a_legacy_hostname_is_not_answered_by_private_dns() {
    let regional = trace(LEGACY, &["--from", "fn-isolated", "--to", "sqs"]);
    assert_eq!(regional.code, 0, "{}", regional.transcript());
    assert!(
        regional
            .stdout
            .contains("sqs.us-east-1.amazonaws.com resolves to interface endpoint vpce-sqs"),
        "{}",
        regional.stdout
    );
    let legacy = trace(
        LEGACY,
        &[
            "--from",
            "fn-isolated",
            "--to",
            "sqs",
            "--host",
            "US-EAST-1.queue.amazonaws.com.",
        ],
    );
    assert_eq!(legacy.code, 1, "{}", legacy.transcript());
    assert!(
        legacy.stdout.contains(
            "us-east-1.queue.amazonaws.com resolves to the public endpoint: the interface endpoint's private DNS does not answer this name"
        ),
        "{}",
        legacy.stdout
    );
    assert!(
        legacy
            .stdout
            .contains("blocked: HOSTNAME_NOT_IN_PRIVATE_DNS"),
        "{}",
        legacy.stdout
    );
    // The remedy is a way out, never the endpoint the VPC already has.
    assert!(legacy.stdout.contains("-> nat"), "{}", legacy.stdout);
    assert!(
        !legacy.stdout.contains("private dns on"),
        "{}",
        legacy.stdout
    );
    // Naming the legacy hostname as the destination is the same call.
    let named = trace(
        LEGACY,
        &[
            "--from",
            "fn-isolated",
            "--to",
            "us-east-1.queue.amazonaws.com",
        ],
    );
    assert_eq!(named.code, 1, "{}", named.transcript());
    assert!(
        named.stdout.contains("HOSTNAME_NOT_IN_PRIVATE_DNS"),
        "{}",
        named.stdout
    );
    // Behind a NAT gateway the same name gets out over the internet.
    let natted = trace(
        LEGACY,
        &[
            "--from",
            "fn-natted",
            "--to",
            "sqs",
            "--host",
            "us-east-1.queue.amazonaws.com",
        ],
    );
    assert_eq!(natted.code, 0, "{}", natted.transcript());
    assert!(natted.stdout.contains("nat-gateway"), "{}", natted.stdout);
}

#[test]
fn a_hostname_the_service_lacks_is_bad_input() {
    let run = trace(
        LEGACY,
        &[
            "--from",
            "fn-isolated",
            "--to",
            "sqs",
            "--host",
            "queue.example.com",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("`queue.example.com` is not a hostname of service `sqs`"),
        "{}",
        run.stderr
    );
    let flow = trace(
        HOSTS,
        &[
            "--from",
            "app-vm",
            "--to",
            "stripe",
            "--host",
            "api.stripe.com",
        ],
    );
    assert_eq!(flow.code, 2, "{}", flow.transcript());
    // And in an `expect` entry, at validation.
    let text = std::fs::read_to_string(workspace().join(LEGACY)).unwrap();
    let bad = text.replace(
        "host: \"sqs.us-east-1.api.aws\"",
        "host: \"sqs.us-east-2.api.aws\"",
    );
    let run = awsreach_with(&workspace(), &["validate", "-"], Some(&bad));
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("expect[1].host"), "{}", run.stderr);
}

#[test]
fn check_reruns_a_failing_host_probe_with_its_host() {
    let text = std::fs::read_to_string(workspace().join(LEGACY)).unwrap();
    let wrong = text.replace(
        "host: \"us-east-1.queue.amazonaws.com\", expect: Blocked, code: \"HOSTNAME_NOT_IN_PRIVATE_DNS\")",
        "host: \"us-east-1.queue.amazonaws.com\", expect: Reachable)",
    );
    assert_ne!(wrong, text);
    let dir = std::env::temp_dir().join(format!("awsreach-dns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("legacy.ron");
    std::fs::write(&file, wrong).unwrap();
    let run = awsreach(&dir, &["check", "legacy.ron"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("--to sqs --host us-east-1.queue.amazonaws.com"),
        "{}",
        run.stdout
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_host_by_name_is_resolved_then_unknown_only_where_its_address_decides() {
    let open = trace(HOSTS, &["--from", "app-vm", "--to", "api.stripe.com"]);
    assert_eq!(open.code, 0, "{}", open.transcript());
    assert!(
        open.stdout.contains(
            "api.stripe.com resolves through public DNS to an address the scenario lacks"
        ),
        "{}",
        open.stdout
    );
    let pinned = trace(HOSTS, &["--from", "pinned-vm", "--to", "stripe"]);
    assert_eq!(pinned.code, 3, "{}", pinned.transcript());
    assert!(
        pinned.stdout.contains("unknown: UNKNOWN_ADDRESS"),
        "{}",
        pinned.stdout
    );
    assert!(
        pinned
            .stdout
            .contains("the scenario lacks the address of external host stripe"),
        "{}",
        pinned.stdout
    );
    let nodns = trace(HOSTS, &["--from", "lone-vm", "--to", "api.partner.example"]);
    assert_eq!(nodns.code, 1, "{}", nodns.transcript());
    assert!(
        nodns
            .stdout
            .contains("api.partner.example does not resolve: dns_support is off"),
        "{}",
        nodns.stdout
    );
    // By address, no DNS is involved.
    let direct = trace(HOSTS, &["--from", "lone-vm", "--to", "198.51.100.20"]);
    assert_eq!(direct.code, 0, "{}", direct.transcript());
    assert!(!direct.stdout.contains(" dns "), "{}", direct.stdout);
    // IPv6 is not asked of a host whose address is not known.
    let v6 = trace(
        HOSTS,
        &["--from", "app-vm", "--to", "stripe", "--ip-version", "6"],
    );
    assert_eq!(v6.code, 2, "{}", v6.transcript());
}

#[test]
fn a_service_outside_the_catalog_is_called_like_any() {
    let file = "scenarios/rules/extra-service.ron";
    let run = trace(file, &["--from", "worker", "--to", "bedrock-runtime"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "bedrock-runtime.us-east-1.amazonaws.com resolves to interface endpoint vpce-bedrock"
        ),
        "{}",
        run.stdout
    );
    let denied = trace(
        file,
        &[
            "--from",
            "worker",
            "--to",
            "bedrock-runtime",
            "--api-action",
            "bedrock:InvokeModelWithResponseStream",
        ],
    );
    assert_eq!(denied.code, 1, "{}", denied.transcript());
    assert!(
        denied.stdout.contains("ENDPOINT_POLICY_DENIED"),
        "{}",
        denied.stdout
    );
}
