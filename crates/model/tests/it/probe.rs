//! Probe meaning (`awsreach_model::probe`): the call two endpoints make, the
//! default port, the probes that mean nothing, and validation refusing
//! `expect` entries that `check` could not run.

use awsreach_model::net::Protocol;
use awsreach_model::probe::{self, Ask, CallKind, Node, Refusal};

use crate::{check, errors};

const SRC: &str = r#"(
    vpcs: [(id: "v", cidr: "10.0.0.0/16")],
    subnets: [(id: "a", vpc: "v", cidr: "10.0.1.0/24")],
    resources: [
        (id: "db", kind: Rds, subnet: "a", listen: ["tcp/5432", "tcp/6000"]),
        (id: "box", kind: Ec2, subnet: "a"),
    ],
    external_hosts: [(id: "dns", ip: "8.8.8.8", listen: ["udp/53"])],
    functions: [(id: "fn", vpc: (subnets: ["a"])), (id: "other")],
    triggers: [(source: Sqs, function: "fn")],
)"#;

fn node(s: &awsreach_model::Scenario, id: &str) -> Node {
    probe::resolve(s, id).unwrap_or_else(|| panic!("`{id}` resolves"))
}

#[test]
fn ids_resolve_to_their_kind() {
    let s = check(SRC).scenario;
    assert!(matches!(node(&s, "fn"), Node::Function(_)));
    assert!(matches!(node(&s, "db"), Node::Resource(_)));
    assert!(matches!(node(&s, "dns"), Node::Host(_)));
    assert!(matches!(node(&s, "sqs->fn"), Node::Trigger(_)));
    assert!(matches!(node(&s, "s3"), Node::Service(_)));
    assert_eq!(node(&s, "internet"), Node::Internet);
    assert_eq!(node(&s, "10.0.1.9"), Node::Ip("10.0.1.9".parse().unwrap()));
    assert_eq!(probe::resolve(&s, "nope"), None);
    // Only probe endpoints: a subnet is not one.
    assert_eq!(probe::resolve(&s, "a"), None);
}

#[test]
fn endpoints_decide_the_call_and_its_default_port() {
    let s = check(SRC).scenario;
    let mean = |from: &str, to: &str| {
        probe::meaning(&s, node(&s, from), node(&s, to), Ask::default(), None)
            .map(|m| (m.kind, m.protocol, m.port))
    };
    use CallKind::*;
    assert_eq!(mean("fn", "db"), Ok((Flow, Protocol::Tcp, 5432)));
    assert_eq!(mean("fn", "dns"), Ok((Flow, Protocol::Udp, 53)));
    // No listener: HTTPS.
    assert_eq!(mean("fn", "box"), Ok((Flow, Protocol::Tcp, 443)));
    assert_eq!(mean("box", "fn"), Ok((Invoke, Protocol::Tcp, 443)));
    assert_eq!(mean("fn", "s3"), Ok((ServiceCall, Protocol::Tcp, 443)));
    assert_eq!(mean("sqs", "fn"), Ok((Trigger, Protocol::Tcp, 443)));
    assert_eq!(mean("sqs->fn", "fn"), Ok((Trigger, Protocol::Tcp, 443)));
    assert_eq!(mean("fn", "internet"), Ok((Flow, Protocol::Tcp, 443)));
}

#[test]
fn probes_that_mean_nothing_are_refused_with_a_reason() {
    let s = check(SRC).scenario;
    let refuse = |from: &str, to: &str, ask: Ask| {
        probe::meaning(&s, node(&s, from), node(&s, to), ask, None).unwrap_err()
    };
    let none = Ask::default();
    assert_eq!(refuse("s3", "db", none), Refusal::InvokerToNonFunction);
    assert_eq!(refuse("sqs->fn", "s3", none), Refusal::InvokerToNonFunction);
    assert_eq!(refuse("fn", "sqs->fn", none), Refusal::TriggerAsDestination);
    assert_eq!(
        refuse("sqs->fn", "other", none).to_string(),
        "trigger `sqs->fn` invokes `fn`, not this function"
    );
    let all = Ask {
        protocol: Some(Protocol::All),
        ..none
    };
    assert_eq!(refuse("fn", "db", all), Refusal::NoProtocol);
    let port = Ask {
        port: Some(80),
        ..none
    };
    assert_eq!(refuse("fn", "s3", port), Refusal::NotHttps);
    assert_eq!(refuse("box", "fn", port), Refusal::NotHttps);
    let flow = Ask {
        kind: Some(CallKind::Flow),
        ..none
    };
    assert_eq!(
        refuse("box", "fn", flow),
        Refusal::KindMismatch {
            asked: CallKind::Flow,
            natural: CallKind::Invoke
        }
    );
    // An API call given as tcp/443 explicitly is fine.
    let https = Ask {
        protocol: Some(Protocol::Tcp),
        port: Some(443),
        kind: None,
        ipv6: false,
    };
    assert!(probe::meaning(&s, node(&s, "fn"), node(&s, "s3"), https, None).is_ok());
}

/// `validate` refuses every `expect` entry `check` could not run, at the
/// entry's path, with the engine's own reason.
#[test]
fn expectations_check_cannot_run_do_not_validate() {
    for (entry, reason) in [
        (
            r#"(from: "s3", to: "db", expect: Reachable)"#,
            "a service or trigger can only be traced to the function it invokes",
        ),
        (
            r#"(from: "fn", to: "sqs->fn", expect: Reachable)"#,
            "a trigger is a source; trace it to its function",
        ),
        (
            r#"(from: "sqs->fn", to: "other", expect: Reachable)"#,
            "trigger `sqs->fn` invokes `fn`, not this function",
        ),
        (
            r#"(from: "fn", to: "s3", port: 80, expect: Blocked)"#,
            "AWS API calls are HTTPS: tcp/443",
        ),
        (
            r#"(from: "fn", to: "db", protocol: All, expect: Reachable)"#,
            "a probe needs one protocol: tcp, udp or icmp",
        ),
    ] {
        let src = SRC.replace(
            "triggers:",
            &format!(
                "expect: [(from: \"fn\", to: \"db\", expect: Reachable), {entry}],\n    triggers:"
            ),
        );
        let e = errors(&src);
        assert_eq!(e.len(), 1, "{entry}: {e:#?}");
        assert!(
            e[0].starts_with("expect[1]: cannot trace from `"),
            "{}",
            e[0]
        );
        assert!(e[0].ends_with(reason), "{}", e[0]);
    }
}
