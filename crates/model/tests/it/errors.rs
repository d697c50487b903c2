//! Every validation error, as the user reads it: path, message and hint.

use crate::{check, error, errors};

#[test]
fn unknown_reference_lists_known_ids_and_suggests_the_closest() {
    let src = r#"(
        vpcs: [(id: "shop-vpc", cidr: "10.0.0.0/16"), (id: "data-vpc", cidr: "10.1.0.0/16")],
        subnets: [(id: "app", vpc: "shop-vcp", cidr: "10.0.1.0/24")],
    )"#;
    assert_eq!(
        error(src),
        "subnets[\"app\"].vpc: unknown vpc `shop-vcp`\n  \
         hint: did you mean `shop-vpc`? known vpc ids: `data-vpc`, `shop-vpc`"
    );
}

#[test]
fn unknown_reference_without_a_close_match_only_lists_known_ids() {
    let src = r#"(
        vpcs: [(id: "shop-vpc", cidr: "10.0.0.0/16"), (id: "data-vpc", cidr: "10.1.0.0/16")],
        subnets: [(id: "app", vpc: "zzz", cidr: "10.0.1.0/24")],
    )"#;
    assert_eq!(
        error(src),
        "subnets[\"app\"].vpc: unknown vpc `zzz`\n  hint: known vpc ids: `data-vpc`, `shop-vpc`"
    );
}

#[test]
fn unknown_reference_when_nothing_of_that_kind_exists() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "app", vpc: "v", cidr: "10.0.1.0/24", route_table: "rt")],
    )"#;
    assert_eq!(
        error(src),
        "subnets[\"app\"].route_table: unknown route table `rt`\n  \
         hint: the scenario declares no route table"
    );
}

#[test]
fn unknown_route_target_is_reported_at_the_route() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        internet_gateways: [(id: "main-igw", vpc: "v")],
        route_tables: [(id: "rt", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Igw("main-igx"))])],
    )"#;
    assert_eq!(
        error(src),
        "route_tables[\"rt\"].routes[0.0.0.0/0]: unknown internet gateway `main-igx`\n  \
         hint: did you mean `main-igw`? known internet gateway ids: `main-igw`"
    );
}

#[test]
fn service_not_in_the_catalog() {
    // Without its endpoint kinds, an id outside the catalog is a typo until
    // proven otherwise: suggest the catalog service, and say how to declare one.
    let src = r#"(services: [(id: "pinpoin", interface_endpoint: false)])"#;
    assert_eq!(
        error(src),
        "services[0].id: unknown service `pinpoin`: not in the catalog, and its endpoint kinds are not said\n  \
         hint: did you mean `pinpoint`? or a service outside the catalog says what AWS offers for it: `interface_endpoint: true, gateway_endpoint: false`"
    );
    // With them, it is a service of the scenario's own (rule 14).
    let ok = r#"(services: [(id: "bedrock-runtime", interface_endpoint: true, gateway_endpoint: false)])"#;
    let sc = awsreach_model::load(ok)
        .expect("an extra service loads")
        .scenario;
    let s = &sc.services[sc.service_by_id("bedrock-runtime").unwrap().ix()];
    assert_eq!(s.hostname, "bedrock-runtime.us-east-1.amazonaws.com");
    assert_eq!(
        s.endpoint_service,
        "com.amazonaws.us-east-1.bedrock-runtime"
    );
    assert!(s.interface_endpoint && !s.gateway_endpoint && !s.in_catalog);
    // Its id is a probe id like the catalog's.
    let taken = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "s", vpc: "v", cidr: "10.0.0.0/24")],
        services: [(id: "bedrock-runtime", interface_endpoint: true, gateway_endpoint: false)],
        resources: [(id: "bedrock-runtime", subnet: "s")],
    )"#;
    assert!(
        error(taken).contains("already used by the service of that name declared in `services`"),
        "{}",
        error(taken)
    );
    // A catalog service's names are not the scenario's to change.
    let fixed = r#"(services: [(id: "sqs", hostname: "queue.example.com")])"#;
    assert!(
        error(fixed).contains("service `sqs` is in the catalog"),
        "{}",
        error(fixed)
    );
    // An endpoint policy needs an action to ask about.
    let policy = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16", dns_hostnames: true)],
        subnets: [(id: "s", vpc: "v", cidr: "10.0.0.0/24")],
        services: [(id: "bedrock-runtime", interface_endpoint: true, gateway_endpoint: false)],
        vpc_endpoints: [(id: "ep", vpc: "v", service: "bedrock-runtime", kind: Interface, subnets: ["s"], policy: (deny: ["bedrock:*"]))],
    )"#;
    assert!(
        error(policy).contains("names no `action`"),
        "{}",
        error(policy)
    );
}

#[test]
fn hosts_need_an_address_or_a_hostname() {
    let none = r#"(external_hosts: [(id: "h")])"#;
    assert!(
        error(none).starts_with(
            "external_hosts[\"h\"].ip: external host `h` has neither `ip` nor `hostname`"
        ),
        "{}",
        error(none)
    );
    // A hostname alone: its address is listed missing, by validation.
    let named = r#"(external_hosts: [(id: "h", hostname: "api.stripe.com")])"#;
    let sc = awsreach_model::load(named)
        .expect("a host by name loads")
        .scenario;
    assert_eq!(sc.external_hosts[0].ip, None);
    assert_eq!(sc.missing.len(), 1);
    assert_eq!(
        sc.missing[0].what,
        awsreach_model::spec::MissingKind::Address
    );
    // Users cannot list it themselves: the host says it by having no `ip`.
    let listed = r#"(
        external_hosts: [(id: "h", ip: "203.0.113.5")],
        missing: [(entity: "h", what: Address)],
    )"#;
    assert!(
        error(listed).contains("cannot be missing"),
        "{}",
        error(listed)
    );
    // A legacy hostname of a service belongs to the service.
    let taken = r#"(external_hosts: [(id: "h", hostname: "us-east-1.queue.amazonaws.com")])"#;
    assert!(
        error(taken).contains("hostname of service `sqs`"),
        "{}",
        error(taken)
    );
}

#[test]
fn endpoint_for_a_service_not_in_the_catalog() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16", dns_hostnames: true)],
        subnets: [(id: "app", vpc: "v", cidr: "10.0.1.0/24")],
        vpc_endpoints: [(id: "fn-endpoint", vpc: "v", service: "lamda", kind: Interface, subnets: ["app"])],
    )"#;
    let e = error(src);
    assert!(
        e.starts_with(
            "vpc_endpoints[\"fn-endpoint\"].service: unknown service `lamda`\n  \
             hint: did you mean `lambda`?"
        ),
        "{e}"
    );
}

#[test]
fn duplicate_id_within_one_kind() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "app", vpc: "v", cidr: "10.0.1.0/24"),
            (id: "app", vpc: "v", cidr: "10.0.2.0/24"),
        ],
    )"#;
    assert_eq!(
        error(src),
        "subnets[\"app\"].id: duplicate id `app` (already used by a subnet)"
    );
}

#[test]
fn duplicate_id_across_kinds() {
    // One namespace for all ids, so `--from shop` is never ambiguous.
    let src = r#"(
        vpcs: [(id: "shop", cidr: "10.0.0.0/16")],
        subnets: [(id: "shop", vpc: "shop", cidr: "10.0.1.0/24")],
    )"#;
    assert_eq!(
        error(src),
        "subnets[\"shop\"].id: duplicate id `shop` (already used by a vpc)"
    );
}

#[test]
fn id_may_not_shadow_a_catalog_service() {
    let src = r#"(functions: [(id: "s3")])"#;
    assert_eq!(
        error(src),
        "functions[\"s3\"].id: duplicate id `s3` (already used by the catalog service of that name)"
    );
}

#[test]
fn subnet_cidr_outside_the_vpc() {
    let src = r#"(
        vpcs: [(id: "shop", cidr: "10.0.0.0/16", secondary_cidrs: ["10.1.0.0/16"])],
        subnets: [
            (id: "in-secondary", vpc: "shop", cidr: "10.1.0.0/24"),
            (id: "app", vpc: "shop", cidr: "10.2.0.0/24"),
        ],
    )"#;
    assert_eq!(
        error(src),
        "subnets[\"app\"].cidr: subnet cidr 10.2.0.0/24 is outside vpc `shop` (10.0.0.0/16, 10.1.0.0/16)\n  \
         hint: pick a subnet cidr inside one of the vpc's cidr blocks"
    );
}

#[test]
fn subnet_larger_than_the_vpc_block_is_outside_it() {
    let src = r#"(
        vpcs: [(id: "shop", cidr: "10.0.0.0/24")],
        subnets: [(id: "app", vpc: "shop", cidr: "10.0.0.0/23")],
    )"#;
    assert!(error(src).starts_with("subnets[\"app\"].cidr: subnet cidr 10.0.0.0/23 is outside"));
}

#[test]
fn overlapping_subnets() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "wide", vpc: "v", cidr: "10.0.0.0/23"),
            (id: "narrow", vpc: "v", cidr: "10.0.1.0/24"),
            (id: "apart", vpc: "v", cidr: "10.0.2.0/24"),
        ],
    )"#;
    assert_eq!(
        error(src),
        "subnets[\"narrow\"].cidr: subnet cidr 10.0.1.0/24 overlaps subnet `wide` (10.0.0.0/23)\n  \
         hint: subnets of one vpc must not share addresses"
    );
}

#[test]
fn identical_subnet_cidrs_overlap() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "a", vpc: "v", cidr: "10.0.1.0/24"),
            (id: "b", vpc: "v", cidr: "10.0.1.0/24"),
        ],
    )"#;
    assert!(error(src).contains("overlaps subnet `a` (10.0.1.0/24)"));
}

#[test]
fn same_cidr_in_different_vpcs_is_fine() {
    check(
        r#"(
        vpcs: [(id: "a", cidr: "10.0.0.0/16"), (id: "b", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "sa", vpc: "a", cidr: "10.0.1.0/24"),
            (id: "sb", vpc: "b", cidr: "10.0.1.0/24"),
        ],
    )"#,
    );
}

const ONE_SUBNET: &str = r#"
    vpcs: [(id: "v", cidr: "10.0.0.0/16")],
    subnets: [(id: "app", vpc: "v", cidr: "10.0.1.0/24")],
"#;

#[test]
fn private_ip_outside_its_subnet() {
    let src = format!(
        r#"({ONE_SUBNET} resources: [(id: "db", subnet: "app", private_ip: "10.0.2.10")])"#
    );
    assert_eq!(
        error(&src),
        "resources[\"db\"].private_ip: private ip 10.0.2.10 is outside subnet `app` (10.0.1.0/24)"
    );
}

#[test]
fn private_ip_reserved_by_aws() {
    for ip in ["10.0.1.0", "10.0.1.3", "10.0.1.255"] {
        let src =
            format!(r#"({ONE_SUBNET} resources: [(id: "db", subnet: "app", private_ip: "{ip}")])"#);
        assert_eq!(
            error(&src),
            format!(
                "resources[\"db\"].private_ip: private ip {ip} is reserved by AWS in subnet `app` \
                 (first four and last address)"
            )
        );
    }
}

#[test]
fn private_ip_used_twice() {
    let src = format!(
        r#"({ONE_SUBNET} resources: [
            (id: "a", subnet: "app", private_ip: "10.0.1.10"),
            (id: "b", subnet: "app", private_ip: "10.0.1.10"),
        ])"#
    );
    assert_eq!(
        error(&src),
        "resources[\"b\"].private_ip: private ip 10.0.1.10 is already used by `a`"
    );
}

#[test]
fn private_ip_that_is_not_an_address() {
    let src =
        format!(r#"({ONE_SUBNET} resources: [(id: "a", subnet: "app", private_ip: "10.0.1")])"#);
    assert_eq!(
        error(&src),
        "resources[\"a\"].private_ip: invalid ipv4 address `10.0.1`: expected e.g. 10.0.1.10"
    );
}

#[test]
fn subnet_without_free_addresses() {
    // A /28 has 16 addresses; AWS keeps 5, which leaves 11.
    let resources: Vec<String> = (0..12)
        .map(|i| format!(r#"(id: "r{i}", subnet: "tiny")"#))
        .collect();
    let src = format!(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "tiny", vpc: "v", cidr: "10.0.0.0/28")],
        resources: [{}],
    )"#,
        resources.join(", ")
    );
    assert_eq!(
        error(&src),
        "resources[\"r11\"].subnet: subnet `tiny` (10.0.0.0/28) has no free address left"
    );
}

const TWO_VPCS: &str = r#"
    vpcs: [(id: "a", cidr: "10.0.0.0/16"), (id: "b", cidr: "10.1.0.0/16"), (id: "c", cidr: "10.2.0.0/16")],
    subnets: [
        (id: "sa", vpc: "a", cidr: "10.0.0.0/24"),
        (id: "sb", vpc: "b", cidr: "10.1.0.0/24"),
    ],
    internet_gateways: [(id: "igw-a", vpc: "a"), (id: "igw-b", vpc: "b")],
"#;

#[test]
fn route_target_in_another_vpc() {
    let src = format!(
        r#"({TWO_VPCS}
        route_tables: [(id: "rt-a", vpc: "a", routes: [(dest: "0.0.0.0/0", target: Igw("igw-b"))])],
    )"#
    );
    assert_eq!(
        error(&src),
        "route_tables[\"rt-a\"].routes[0.0.0.0/0]: internet gateway `igw-b` is in vpc `b`, not in vpc `a`"
    );
}

#[test]
fn nat_and_eni_targets_in_another_vpc() {
    let src = format!(
        r#"({TWO_VPCS}
        nat_gateways: [(id: "nat-b", subnet: "sb", connectivity: Private)],
        resources: [(id: "box-b", subnet: "sb")],
        route_tables: [(id: "rt-a", vpc: "a", routes: [
            (dest: "0.0.0.0/0", target: Nat("nat-b")),
            (dest: "192.168.0.0/16", target: Eni("box-b")),
        ])],
    )"#
    );
    assert_eq!(
        errors(&src),
        [
            "route_tables[\"rt-a\"].routes[0.0.0.0/0]: nat gateway `nat-b` is in vpc `b`, not in vpc `a`",
            "route_tables[\"rt-a\"].routes[192.168.0.0/16]: resource `box-b` is in vpc `b`, not in vpc `a`",
        ]
    );
}

#[test]
fn peering_route_in_a_vpc_the_peering_does_not_touch() {
    let src = format!(
        r#"({TWO_VPCS}
        peering_connections: [(id: "pcx-bc", requester: "b", accepter: "c")],
        route_tables: [(id: "rt-a", vpc: "a", routes: [(dest: "10.1.0.0/16", target: Peering("pcx-bc"))])],
    )"#
    );
    assert_eq!(
        error(&src),
        "route_tables[\"rt-a\"].routes[10.1.0.0/16]: peering connection `pcx-bc` is in vpc `b <-> c`, not in vpc `a`"
    );
}

#[test]
fn subnet_associated_with_a_route_table_of_another_vpc() {
    let src = r#"(
        vpcs: [(id: "a", cidr: "10.0.0.0/16"), (id: "b", cidr: "10.1.0.0/16")],
        route_tables: [(id: "rt-b", vpc: "b")],
        subnets: [(id: "sa", vpc: "a", cidr: "10.0.0.0/24", route_table: "rt-b")],
    )"#;
    assert_eq!(
        error(src),
        "subnets[\"sa\"].route_table: route table `rt-b` is in vpc `b`, not in vpc `a`"
    );
}

#[test]
fn public_nat_gateway_without_elastic_ip() {
    let src = format!(r#"({ONE_SUBNET} nat_gateways: [(id: "nat", subnet: "app")])"#);
    assert_eq!(
        error(&src),
        "nat_gateways[\"nat\"].elastic_ip: public nat gateway has no elastic_ip\n  \
         hint: add `elastic_ip: \"<address>\"`, or set `connectivity: Private`"
    );
}

#[test]
fn private_nat_gateway_with_elastic_ip() {
    let src = format!(
        r#"({ONE_SUBNET} nat_gateways: [(id: "nat", subnet: "app", connectivity: Private, elastic_ip: "52.0.0.1")])"#
    );
    assert_eq!(
        error(&src),
        "nat_gateways[\"nat\"].elastic_ip: private nat gateway cannot have an elastic_ip"
    );
}

#[test]
fn interface_endpoint_private_dns_needs_vpc_dns() {
    // CreateVpc leaves dns_hostnames off, so the default private_dns is refused.
    let src = r#"(
        vpcs: [(id: "shop", cidr: "10.0.0.0/16")],
        subnets: [(id: "app", vpc: "shop", cidr: "10.0.1.0/24")],
        vpc_endpoints: [(id: "lambda-ep", vpc: "shop", service: "lambda", kind: Interface, subnets: ["app"])],
    )"#;
    assert_eq!(
        error(src),
        "vpc_endpoints[\"lambda-ep\"].private_dns: private dns needs dns_support and dns_hostnames on vpc `shop`\n  \
         hint: AWS refuses this: set `dns_support: true, dns_hostnames: true` on vpc `shop`, or `private_dns: false`"
    );
    // Hostnames on but support off is refused too.
    let src2 = src.replace(
        r#"cidr: "10.0.0.0/16")"#,
        r#"cidr: "10.0.0.0/16", dns_support: false, dns_hostnames: true)"#,
    );
    assert!(error(&src2).contains("private dns needs dns_support and dns_hostnames"));
    // Both on, or private DNS off: accepted.
    check(&src.replace(
        r#"cidr: "10.0.0.0/16")"#,
        r#"cidr: "10.0.0.0/16", dns_hostnames: true)"#,
    ));
    check(&src.replace(
        r#"subnets: ["app"])"#,
        r#"subnets: ["app"], private_dns: false)"#,
    ));
}

#[test]
fn function_vpc_config_mixing_vpcs() {
    let src = format!(r#"({TWO_VPCS} functions: [(id: "f", vpc: (subnets: ["sa", "sb"]))])"#);
    assert_eq!(
        error(&src),
        "functions[\"f\"].vpc.subnets: function subnets span vpcs `a` and `b`\n  \
         hint: a function's subnets must all belong to one vpc"
    );
}

#[test]
fn invalid_port_ranges() {
    let cases = [
        ("443-80", "port range `443-80` runs backwards"),
        ("70000", "`70000` is not a port number (0-65535)"),
        ("https", "`https` is not a port number (0-65535)"),
        ("1024-", "`` is not a port number (0-65535)"),
    ];
    for (ports, reason) in cases {
        let src = format!(
            r#"({ONE_SUBNET} security_groups: [(id: "sg", vpc: "v", ingress: [(protocol: Tcp, ports: "{ports}", cidr: "0.0.0.0/0")])])"#
        );
        assert_eq!(
            error(&src),
            format!("security_groups[\"sg\"].ingress[0]: invalid port range `{ports}`: {reason}")
        );
    }
}

#[test]
fn invalid_port_range_in_a_nacl_rule() {
    let src = format!(
        r#"({ONE_SUBNET} network_acls: [(id: "acl", vpc: "v", egress: [(rule: 100, action: Allow, protocol: Udp, ports: "53-1", cidr: "0.0.0.0/0")])])"#
    );
    assert_eq!(
        error(&src),
        "network_acls[\"acl\"].egress[rule 100]: invalid port range `53-1`: port range `53-1` runs backwards"
    );
}

#[test]
fn invalid_listeners() {
    let src = format!(
        r#"({ONE_SUBNET} resources: [(id: "r", subnet: "app", listen: ["tcp/99999", "tcp", "http/80", "icmp"])])"#
    );
    assert_eq!(
        errors(&src),
        [
            "resources[\"r\"].listen: invalid listener `tcp/99999`: `99999` is not a port number (0-65535)",
            "resources[\"r\"].listen: invalid listener `tcp`: `tcp` needs a port, e.g. `tcp/443`",
            "resources[\"r\"].listen: invalid listener `http/80`: unknown protocol `http` (tcp, udp, icmp, all)",
        ]
    );
}

#[test]
fn duplicate_nacl_rule_numbers() {
    let src = format!(
        r#"({ONE_SUBNET} network_acls: [(
            id: "acl",
            vpc: "v",
            ingress: [
                (rule: 100, action: Allow, protocol: Tcp, ports: "443", cidr: "0.0.0.0/0"),
                (rule: 100, action: Deny, protocol: All, cidr: "10.9.0.0/16"),
            ],
            // The same number in the other direction is a different rule.
            egress: [(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0")],
        )])"#
    );
    assert_eq!(
        error(&src),
        "network_acls[\"acl\"].ingress[rule 100]: duplicate rule number 100 in ingress rules\n  \
         hint: give every rule its own number"
    );
}

#[test]
fn nacl_rule_number_out_of_range() {
    for n in [0, 32767] {
        let src = format!(
            r#"({ONE_SUBNET} network_acls: [(id: "acl", vpc: "v", ingress: [(rule: {n}, action: Allow, protocol: All, cidr: "0.0.0.0/0")])])"#
        );
        assert_eq!(
            error(&src),
            format!("network_acls[\"acl\"].ingress[rule {n}]: rule number {n} is outside 1-32766")
        );
    }
}

#[test]
fn gateway_endpoint_for_sqs() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        route_tables: [(id: "rt", vpc: "v", main: true)],
        vpc_endpoints: [(id: "sqs-gw", vpc: "v", service: "sqs", kind: Gateway, route_tables: ["rt"])],
    )"#;
    assert_eq!(
        error(src),
        "vpc_endpoints[\"sqs-gw\"].kind: service `sqs` has no gateway endpoint\n  \
         hint: gateway endpoints exist only for s3 and dynamodb; use `kind: Interface`"
    );
}

#[test]
fn interface_endpoint_for_a_service_overridden_without_one() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "app", vpc: "v", cidr: "10.0.1.0/24")],
        services: [(id: "pinpoint", interface_endpoint: false)],
        vpc_endpoints: [(id: "pp", vpc: "v", service: "pinpoint", kind: Interface, subnets: ["app"], private_dns: false)],
    )"#;
    assert_eq!(
        error(src),
        "vpc_endpoints[\"pp\"].kind: service `pinpoint` has no interface endpoint\n  \
         hint: override the catalog with `services: [(id: \"pinpoint\", interface_endpoint: true)]` if your region has one"
    );
    // Without the override the catalog (2023 onward) has one.
    check(&src.replace(
        r#"services: [(id: "pinpoint", interface_endpoint: false)],"#,
        "",
    ));
}

#[test]
fn all_errors_are_reported_at_once() {
    // Three unrelated mistakes in three sections: three errors, in file order.
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "app", vpc: "v", cidr: "10.0.1.0/24"),
            (id: "far", vpc: "v", cidr: "10.5.0.0/24", route_table: "public"),
        ],
        nat_gateways: [(id: "nat", subnet: "app")],
    )"#;
    let all = errors(src);
    assert_eq!(
        all.len(),
        3,
        "expected three errors, got:\n{}",
        all.join("\n")
    );
    assert!(all[0].starts_with("subnets[\"far\"].cidr: subnet cidr 10.5.0.0/24 is outside"));
    assert!(all[1].starts_with("subnets[\"far\"].route_table: unknown route table `public`"));
    assert!(all[2].starts_with("nat_gateways[\"nat\"].elastic_ip: public nat gateway"));
}

#[test]
fn errors_carry_the_entity_id_for_locating_them() {
    let src = format!(r#"({ONE_SUBNET} nat_gateways: [(id: "nat", subnet: "app")])"#);
    let Err(awsreach_model::LoadError::Invalid(v)) = awsreach_model::load(&src) else {
        panic!("expected validation errors")
    };
    assert_eq!(v.errors[0].entity.as_deref(), Some("nat"));
    assert_eq!(v.errors[0].path, "nat_gateways[\"nat\"].elastic_ip");
}

/// The remaining errors, in one scenario: a snapshot keeps their wording
/// reviewed, and the count shows validation goes on after each of them.
#[test]
fn every_other_error() {
    let src = r#"(
        vpcs: [
            (id: "a", cidr: "10.0.0.0/16", ipv6_cidr: "2600:1f18::/56"),
            (id: "b", cidr: "10.1.0.5/16"),
            (id: "c", cidr: "2600::/56"),
            (id: "d", cidr: "not-a-cidr"),
            (id: "", cidr: "10.9.0.0/16"),
        ],
        subnets: [
            (id: "sa", vpc: "a", cidr: "10.0.0.0/24", network_acl: "acl-1"),
            (id: "sa2", vpc: "a", cidr: "10.0.1.0/24"),
        ],
        route_tables: [
            (id: "rt-1", vpc: "a", main: true, routes: [
                (dest: "0.0.0.0/0", target: EgressOnlyIgw("eigw")),
                (dest: "::/0", target: Nat("nat")),
                (dest: "10.8.0.0/16", target: Blackhole),
                (dest: "10.8.0.0/16", target: Blackhole),
                (dest: "pl:s4", target: Blackhole),
            ]),
            (id: "rt-2", vpc: "a", main: true),
        ],
        internet_gateways: [(id: "igw-1", vpc: "a"), (id: "igw-2", vpc: "a")],
        egress_only_internet_gateways: [(id: "eigw", vpc: "a")],
        nat_gateways: [(id: "nat", subnet: "sa", elastic_ip: "52.0.0.999")],
        security_groups: [
            (id: "sg-1", vpc: "a", default: true, ingress: [
                (protocol: Tcp, ports: "443", cidr: "0.0.0.0/0", sg: "sg-1"),
                (protocol: Tcp, ports: "443"),
                (protocol: Tcp, ports: "443", sg: "sg-b"),
                (protocol: Tcp, ports: "443", prefix_list: "s4"),
            ]),
            (id: "sg-2", vpc: "a", default: true),
            (id: "sg-b", vpc: "b"),
        ],
        network_acls: [
            (id: "acl-1", vpc: "a", default: true),
            (id: "acl-2", vpc: "a", default: true, subnets: ["sa"]),
            (id: "acl-3", vpc: "a", subnets: ["sa2", "gone"]),
            (id: "acl-4", vpc: "a", subnets: ["sa2"]),
        ],
        functions: [
            (id: "f", vpc: (subnets: []), policy: (allow: ["events", "*", "sqs.amazonaws.com"])),
        ],
        services: [(id: "sqs"), (id: "sqs")],
        triggers: [(source: Msk, function: "f")],
        external_hosts: [(id: "h", ip: "example.com")],
        peering_connections: [(id: "pcx", requester: "a", accepter: "a")],
    )"#;
    let all = errors(src);
    insta::assert_snapshot!("every_other_error", all.join("\n"));
    assert_eq!(all.len(), 26);
}

#[test]
fn expectation_naming_an_unknown_id() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "private", vpc: "v", cidr: "10.0.1.0/24")],
        functions: [(id: "fn", vpc: (subnets: ["private"]))],
        expect: [(from: "fm", to: "s3", expect: Blocked), (from: "fn", to: "internet", expect: Blocked), (from: "10.0.1.9", to: "nothing-like-this", expect: Blocked)],
    )"#;
    assert_eq!(
        errors(src),
        [
            "expect[0].from: unknown probe endpoint `fm`\n  hint: did you mean `fn`? known probe endpoint ids: `fn`",
            "expect[2].to: unknown probe endpoint `nothing-like-this`\n  hint: known probe endpoint ids: `fn`",
        ]
    );
}

#[test]
fn two_unnamed_triggers_with_the_same_source_and_function() {
    let src = r#"(
        functions: [(id: "fn")],
        triggers: [(source: Sqs, function: "fn"), (source: Sqs, function: "fn"), (source: Sns, function: "fn")],
        expect: [(from: "sns->fn", to: "fn", expect: Reachable)],
    )"#;
    assert_eq!(
        error(src),
        "triggers[1]: duplicate id `sqs->fn` (already used by another trigger with the same source and function; give each an `id`)"
    );
}
