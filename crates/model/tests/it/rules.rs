//! Validation of AWS rules users get wrong (issue 9): provisioned poller
//! mode and public addresses.

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
