//! Validation of AWS rules users get wrong (issue 9): provisioned poller
//! mode, public addresses, callers' identities (rule 20).

use awsreach_model::spec::MqEngine;
use awsreach_model::{Account, Identity};

use crate::{check, error};

const MQ_VPC: &str = r#"
    vpcs: [(id: "v", cidr: "10.0.0.0/16")],
    subnets: [(id: "s", vpc: "v", cidr: "10.0.1.0/24")],
    security_groups: [(id: "mq-sg", vpc: "v")],
    functions: [(id: "f")],
"#;

#[test]
fn provisioned_mode_is_refused_for_amazon_mq_and_documentdb() {
    for source in ["AmazonMq", "DocumentDb", "Kinesis", "DynamoDbStreams"] {
        let src = format!(
            r#"({MQ_VPC} triggers: [(id: "t", source: {source}, function: "f", subnets: ["s"], security_groups: ["mq-sg"], mode: Provisioned)])"#
        );
        assert_eq!(
            error(&src),
            format!(
                "triggers[0].mode: {source} event source mappings have no provisioned poller mode\n  \
                 hint: provisioned mode exists only for Msk, SelfManagedKafka and Sqs triggers (Lambda \"Provisioned mode\"); remove `mode: Provisioned`"
            ),
        );
    }
}

#[test]
fn provisioned_mode_is_accepted_for_msk_kafka_and_sqs() {
    for source in ["Msk", "SelfManagedKafka", "Sqs"] {
        let src = format!(
            r#"({MQ_VPC} triggers: [(id: "t", source: {source}, function: "f", subnets: ["s"], security_groups: ["mq-sg"], mode: Provisioned)])"#
        );
        let sc = check(&src).scenario;
        assert_eq!(sc.triggers.len(), 1, "{source}");
    }
}

#[test]
fn public_and_elastic_ips_must_be_public_unicast() {
    let base = r#"
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "s", vpc: "v", cidr: "10.0.1.0/24")],
    "#;
    assert_eq!(
        error(&format!(
            r#"({base} resources: [(id: "web", subnet: "s", public_ip: "10.9.9.9")])"#
        )),
        "resources[\"web\"].public_ip: 10.9.9.9 is not a public unicast address (10.0.0.0/8, private (RFC 1918))\n  \
         hint: public and Elastic IPs come from AWS's public address pools (e.g. 54.160.0.10); a private address belongs in `private_ip`"
    );
    for (ip, block) in [
        ("127.0.0.9", "127.0.0.0/8, loopback"),
        (
            "100.64.3.4",
            "100.64.0.0/10, shared carrier-grade NAT space",
        ),
        ("169.254.0.7", "169.254.0.0/16, link-local"),
        ("239.1.2.3", "224.0.0.0/4, multicast"),
    ] {
        let e = error(&format!(
            r#"({base} nat_gateways: [(id: "nat", subnet: "s", elastic_ip: "{ip}")])"#
        ));
        assert!(
            e.starts_with(&format!(
                "nat_gateways[\"nat\"].elastic_ip: {ip} is not a public unicast address ({block})"
            )),
            "{e}"
        );
    }
    check(&format!(
        r#"({base} resources: [(id: "web", subnet: "s", public_ip: "54.160.0.10")])"#
    ));
}

const CALLERS: &str = r#"
    vpcs: [(id: "v", cidr: "10.0.0.0/16")],
    subnets: [(id: "s", vpc: "v", cidr: "10.0.1.0/24")],
    resources: [(id: "vm", subnet: "s")],
    external_hosts: [(id: "laptop", ip: "198.51.100.7")],
"#;

#[test]
fn identities_give_callers_an_account_and_a_role() {
    let sc = check(&format!(
        r#"({CALLERS} account: "111122223333",
            functions: [(id: "f", policy: (allow: ["444455556666", "arn:aws:iam::777788889999:root", "laptop"]))],
            identities: [
                (of: "vm", account: "111122223333", allow: ["s3:GetObject"]),
                (of: "laptop", account: "444455556666"),
            ])"#
    ))
    .scenario;
    assert_eq!(sc.account.as_deref(), Some("111122223333"));
    // Naming the scenario's own account is the home account.
    assert_eq!(sc.resources[0].identity.account, Some(Account::Home));
    assert!(!sc.resources[0].identity.allows("lambda:InvokeFunction"));
    assert_eq!(
        sc.external_hosts[0].identity.account,
        Some(Account::Other("444455556666".into()))
    );
    assert!(
        sc.external_hosts[0]
            .identity
            .allows("lambda:InvokeFunction")
    );
    // Without an entry: a function is in the home account, a host anonymous.
    assert_eq!(sc.functions[0].identity, Identity::home());
}

#[test]
fn identities_name_callers_once_with_twelve_digit_accounts() {
    assert_eq!(
        error(&format!(r#"({CALLERS} account: "1234")"#)),
        "account: invalid account id `1234`: an AWS account id is 12 digits, e.g. \"111122223333\""
    );
    assert_eq!(
        error(&format!(
            r#"({CALLERS} identities: [(of: "vm", account: "12345678901x")])"#
        )),
        "identities[0].account: invalid account id `12345678901x`: an AWS account id is 12 digits, e.g. \"111122223333\""
    );
    assert_eq!(
        error(&format!(r#"({CALLERS} identities: [(of: "s")])"#)),
        "identities[0].of: invalid identity `s`: `s` is a subnet; identities belong to callers: resources, functions and external hosts"
    );
    let dup = error(&format!(
        r#"({CALLERS} identities: [(of: "vm"), (of: "vm", allow: [])])"#
    ));
    assert!(dup.starts_with("identities[1].of: "), "{dup}");
    assert!(dup.contains("another identities entry"), "{dup}");
}

#[test]
fn the_broker_engine_belongs_to_amazon_mq_triggers() {
    let sc = check(&format!(
        r#"({MQ_VPC} triggers: [
            (id: "rabbit", source: AmazonMq, engine: RabbitMq, function: "f", subnets: ["s"], security_groups: ["mq-sg"]),
            (id: "active", source: AmazonMq, function: "f", subnets: ["s"], security_groups: ["mq-sg"]),
            (id: "stream", source: Msk, function: "f", subnets: ["s"], security_groups: ["mq-sg"]),
        ])"#
    ))
    .scenario;
    let engines: Vec<_> = sc.triggers.iter().map(|t| t.engine).collect();
    assert_eq!(
        engines,
        [Some(MqEngine::RabbitMq), Some(MqEngine::ActiveMq), None],
        "an Amazon MQ trigger without `engine` is ActiveMQ"
    );
    assert_eq!(
        error(&format!(
            r#"({MQ_VPC} triggers: [(id: "t", source: Msk, engine: RabbitMq, function: "f", subnets: ["s"], security_groups: ["mq-sg"])])"#
        )),
        "triggers[0].engine: `engine` is for AmazonMq triggers, not Msk\n  hint: remove `engine`, or set `source: AmazonMq`"
    );
}

#[test]
fn a_missing_engine_belongs_to_amazon_mq_triggers() {
    use awsreach_model::spec::MissingKind;
    use awsreach_model::{EntityRef, TriggerId};
    let sc = check(&format!(
        r#"({MQ_VPC} triggers: [(id: "broker", source: AmazonMq, function: "f", subnets: ["s"], security_groups: ["mq-sg"])],
            missing: [(entity: "broker", what: Engine)])"#
    ))
    .scenario;
    assert!(
        sc.missing(EntityRef::Trigger(TriggerId(0)), MissingKind::Engine)
            .is_some()
    );
    let e = error(&format!(
        r#"({MQ_VPC} triggers: [(id: "k", source: Msk, function: "f", subnets: ["s"], security_groups: ["mq-sg"])],
            missing: [(entity: "k", what: Engine)])"#
    ));
    assert!(
        e.starts_with("missing[0].entity: `Engine` cannot be missing for trigger `k`"),
        "{e}"
    );
    // Given and listed as missing: a contradiction, not a silent choice.
    assert_eq!(
        error(&format!(
            r#"({MQ_VPC} triggers: [(id: "broker", source: AmazonMq, engine: RabbitMq, function: "f", subnets: ["s"], security_groups: ["mq-sg"])],
            missing: [(entity: "broker", what: Engine)])"#
        )),
        "triggers[0].engine: `Engine` of `broker` is listed as missing, yet `broker` gives `engine`\n  \
         hint: keep one: remove `engine` if it could not be read, or drop the `missing` entry if it is known"
    );
}
