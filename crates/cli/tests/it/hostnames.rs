//! Hosts by name through the real binary: a probe to an external host's
//! hostname, to a service's DNS name (resolved as the source VPC's DNS
//! would: the interface endpoint with private DNS, else the public
//! endpoint), and to an undeclared literal address; bad hostnames are bad
//! input.

use super::{awsreach, awsreach_with, data};

const FILE: &str = "hostnames.ron";

fn trace(to: &str) -> super::Run {
    awsreach(&data(), &["trace", FILE, "--from", "fn", "--to", to])
}

#[test]
fn a_hostname_names_its_external_host() {
    let run = trace("api.stripe.com");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with("trace fn -> stripe (flow, tcp/443)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        trace("API.Stripe.com.").stdout,
        run.stdout,
        "DNS ignores case and the root dot"
    );
    assert!(run.stdout.contains("198.51.100.7"), "{}", run.stdout);
}

#[test]
fn a_service_name_resolves_as_dns_in_the_source_vpc() {
    let run = trace("sqs.us-east-1.amazonaws.com");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("resolves to interface endpoint vpce-sqs (10.0.1.4) through private DNS"),
        "{}",
        run.stdout
    );
    // No endpoint for SNS: its public name goes out through the NAT gateway.
    let run = trace("sns.us-east-1.amazonaws.com");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("resolves to the public endpoint"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("nat"), "{}", run.stdout);
}

#[test]
fn a_literal_address_needs_no_declaration() {
    let run = trace("8.8.8.8");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with("trace fn -> 8.8.8.8 (flow"),
        "{}",
        run.stdout
    );
}

#[test]
fn expectations_may_name_hosts_by_hostname() {
    let run = awsreach(&data(), &["check", FILE]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout.lines().last(), Some("2 passed, 0 failed"));
}

#[test]
fn bad_hostnames_are_bad_input() {
    let text = std::fs::read_to_string(data().join(FILE)).unwrap();
    for (bad, says) in [
        ("api_stripe.com", "may hold only letters, digits and `-`"),
        (
            "sqs.us-east-1.amazonaws.com",
            "it is a hostname of service `sqs`",
        ),
    ] {
        let run = awsreach_with(
            &data(),
            &["validate", "-"],
            Some(&text.replace(
                "hostname: \"api.stripe.com\"",
                &format!("hostname: \"{bad}\""),
            )),
        );
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(
            run.stderr.contains("external_hosts[\"stripe\"].hostname"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }
    let twice = text.replace(
        "listen: [\"tcp/443\"])]",
        "listen: [\"tcp/443\"]), (id: \"stripe2\", ip: \"198.51.100.8\", hostname: \"API.stripe.com\")]",
    );
    let run = awsreach_with(&data(), &["validate", "-"], Some(&twice));
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("external host `stripe` already has it"),
        "{}",
        run.stderr
    );
}
