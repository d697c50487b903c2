//! Warnings: legal configurations that are probably not what the author
//! meant. The scenario still loads.

use crate::{check, warnings};

/// A VPC with an internet gateway, a public subnet and a private one.
const VPC: &str = r#"
    vpcs: [(id: "v", cidr: "10.0.0.0/16")],
    internet_gateways: [(id: "igw", vpc: "v")],
    route_tables: [(id: "public-rt", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))])],
    subnets: [
        (id: "pub", vpc: "v", cidr: "10.0.0.0/24", route_table: "public-rt"),
        (id: "priv", vpc: "v", cidr: "10.0.1.0/24"),
    ],
"#;

#[test]
fn nat_gateway_in_a_subnet_without_internet_route() {
    let src =
        format!(r#"({VPC} nat_gateways: [(id: "nat", subnet: "priv", elastic_ip: "52.0.0.1")])"#);
    assert_eq!(
        warnings(&src),
        [
            "nat_gateways[\"nat\"].subnet: nat gateway `nat` sits in subnet `priv`, whose route table \
          has no 0.0.0.0/0 route to an internet gateway\n  \
          hint: place the nat gateway in a public subnet (0.0.0.0/0 -> internet gateway)"
        ]
    );
}

#[test]
fn nat_gateway_in_a_public_subnet_or_private_nat_is_quiet() {
    let src = format!(
        r#"({VPC} nat_gateways: [
            (id: "nat", subnet: "pub", elastic_ip: "52.0.0.1"),
            (id: "pnat", subnet: "priv", connectivity: Private),
        ])"#
    );
    assert_eq!(warnings(&src), Vec::<String>::new());
}

#[test]
fn function_in_a_public_subnet() {
    let src = format!(r#"({VPC} functions: [(id: "f", vpc: (subnets: ["priv", "pub"]))])"#);
    assert_eq!(
        warnings(&src),
        [
            "functions[\"f\"].vpc.subnets: function `f` is attached to public subnet `pub`; Lambda ENIs \
          never get a public ip, so it has no internet access\n  \
          hint: attach the function to private subnets routed to a nat gateway"
        ]
    );
    let quiet = format!(r#"({VPC} functions: [(id: "f", vpc: (subnets: ["priv"])), (id: "g")])"#);
    assert_eq!(warnings(&quiet), Vec::<String>::new());
}

#[test]
fn public_ip_in_a_private_subnet() {
    let src = format!(r#"({VPC} resources: [(id: "box", subnet: "priv", public_ip: "54.0.0.1")])"#);
    assert_eq!(
        warnings(&src),
        [
            "resources[\"box\"].public_ip: `box` has a public ip but subnet `priv` has no route to an internet gateway"
        ]
    );
}

#[test]
fn no_public_ip_in_a_public_subnet() {
    let src = format!(r#"({VPC} resources: [(id: "box", subnet: "pub")])"#);
    assert_eq!(
        warnings(&src),
        [
            "resources[\"box\"].public_ip: `box` sits in public subnet `pub` without a public ip: the \
          internet gateway will not carry its traffic"
        ]
    );
}

#[test]
fn gateway_endpoint_without_route_tables() {
    let src = format!(
        r#"({VPC} vpc_endpoints: [(id: "s3-gw", vpc: "v", service: "s3", kind: Gateway)])"#
    );
    assert_eq!(
        warnings(&src),
        [
            "vpc_endpoints[\"s3-gw\"].route_tables: gateway endpoint `s3-gw` is associated with no route \
          table, so nothing uses it"
        ]
    );
}

#[test]
fn warnings_do_not_block_loading() {
    let src = format!(
        r#"({VPC}
        nat_gateways: [(id: "nat", subnet: "priv", elastic_ip: "52.0.0.1")],
        functions: [(id: "f", vpc: (subnets: ["pub"]))],
        resources: [(id: "box", subnet: "pub")],
    )"#
    );
    let c = check(&src);
    assert_eq!(c.warnings.len(), 3);
    assert!(
        c.warnings
            .iter()
            .all(|w| w.severity() == awsreach_model::Severity::Warning)
    );
    assert_eq!(c.scenario.functions.len(), 1);
}
