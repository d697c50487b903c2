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
    let found = warnings(&src);
    assert_eq!(
        found[0],
        "functions[\"f\"].vpc.subnets: function `f` is attached to public subnet `pub`; Lambda ENIs \
          never get a public ip, so it has no internet access\n  \
          hint: attach the function to private subnets routed to a nat gateway"
    );
    // Its two subnets also leave differently (issue 9): the second warning.
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[1].starts_with(
            "functions[\"f\"].vpc.subnets: function `f` has subnets with different ways out: \
             `priv` sends 0.0.0.0/0 to nothing (no 0.0.0.0/0 route), `pub` to an internet gateway"
        ),
        "{}",
        found[1]
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

/// `pub` with a network ACL admitting tcp/443 from `from`, and `egress`.
fn web_acl(from: &str, egress: &str) -> String {
    format!(
        r#"({VPC} network_acls: [(id: "web-acl", vpc: "v", subnets: ["pub"],
            ingress: [(rule: 100, action: Allow, protocol: Tcp, ports: "443", cidr: "{from}")],
            egress: [{egress}])])"#
    )
}

#[test]
fn a_nacl_admitting_a_service_port_needs_a_reply_allowance() {
    // Replies go out to the clients' ephemeral ports (rule 17).
    let quiet = [
        r#"(rule: 100, action: Allow, protocol: Tcp, ports: "1024-65535", cidr: "0.0.0.0/0")"#,
        r#"(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0")"#,
    ];
    for egress in quiet {
        assert_eq!(
            warnings(&web_acl("0.0.0.0/0", egress)),
            Vec::<String>::new(),
            "{egress}"
        );
    }
    // Narrower clients are covered by a wider allow.
    let wider =
        r#"(rule: 100, action: Allow, protocol: Tcp, ports: "1024-65535", cidr: "10.0.0.0/8")"#;
    assert_eq!(
        warnings(&web_acl("10.1.0.0/16", wider)),
        Vec::<String>::new()
    );
    // Only the ephemeral ports above 32767: the first gap is named.
    let half =
        r#"(rule: 100, action: Allow, protocol: Tcp, ports: "32768-65535", cidr: "0.0.0.0/0")"#;
    let w = warnings(&web_acl("0.0.0.0/0", half));
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].starts_with(
            "network_acls[\"web-acl\"].egress: network acl `web-acl` admits inbound tcp/443 from \
             0.0.0.0/0 (rule 100) but its outbound rules deny the replies to 0.0.0.0/0 on ports 1024-32767"
        ),
        "{}",
        w[0]
    );
    // A lower-numbered deny for some of the clients comes first.
    let denied = r#"(rule: 50, action: Deny, protocol: Tcp, ports: "2000-3000", cidr: "10.0.0.0/8"),
                    (rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0")"#;
    let w = warnings(&web_acl("0.0.0.0/0", denied));
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(w[0].contains("on ports 2000-3000"), "{}", w[0]);
    // An allow for only some of the clients leaves the rest to the implicit deny.
    let some =
        r#"(rule: 100, action: Allow, protocol: Tcp, ports: "1024-65535", cidr: "10.0.0.0/8")"#;
    assert_eq!(warnings(&web_acl("0.0.0.0/0", some)).len(), 1);
}

/// Rules are evaluated in order, first match wins (rule 17): an inbound
/// allow that lower-numbered rules shadow for every source and port admits
/// nothing, so its missing replies are not worth a warning; one shadowed
/// for only some sources or ports still admits the rest.
#[test]
fn a_shadowed_inbound_allowance_needs_no_reply_allowance() {
    let acl = |ingress: &str| {
        format!(
            r#"({VPC} network_acls: [(id: "web-acl", vpc: "v", subnets: ["pub"],
            ingress: [{ingress}], egress: [])])"#
        )
    };
    let allow = r#"(rule: 100, action: Allow, protocol: Tcp, ports: "443", cidr: "10.1.0.0/16")"#;
    let shadowed = [
        r#"(rule: 50, action: Deny, protocol: Tcp, ports: "443", cidr: "10.0.0.0/8")"#,
        r#"(rule: 50, action: Deny, protocol: All, cidr: "0.0.0.0/0")"#,
        // Two denies that together cover every port of the allow.
        r#"(rule: 40, action: Deny, protocol: Tcp, ports: "0-442", cidr: "0.0.0.0/0"),
           (rule: 50, action: Deny, protocol: Tcp, ports: "443-1000", cidr: "10.1.0.0/16")"#,
    ];
    for deny in shadowed {
        assert_eq!(
            warnings(&acl(&format!("{deny}, {allow}"))),
            Vec::<String>::new(),
            "{deny}"
        );
    }
    // Still effective: the deny is for some sources, another protocol, or
    // comes after it.
    let effective = [
        r#"(rule: 50, action: Deny, protocol: Tcp, ports: "443", cidr: "10.1.2.0/24")"#,
        r#"(rule: 50, action: Deny, protocol: Udp, ports: "443", cidr: "0.0.0.0/0")"#,
        r#"(rule: 150, action: Deny, protocol: Tcp, ports: "443", cidr: "0.0.0.0/0")"#,
    ];
    for deny in effective {
        let w = warnings(&acl(&format!("{deny}, {allow}")));
        assert_eq!(w.len(), 1, "{deny}: {w:#?}");
        assert!(
            w[0].contains("admits inbound tcp/443 from 10.1.0.0/16 (rule 100)"),
            "{}",
            w[0]
        );
    }
}

#[test]
fn a_nat_gateway_serving_another_zone_warns_only_when_both_zones_are_declared() {
    let src = |az_priv: &str| {
        format!(
            r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")],
            internet_gateways: [(id: "igw", vpc: "v")],
            route_tables: [
                (id: "public-rt", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))]),
                (id: "nat-rt", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Nat("nat"))]),
            ],
            subnets: [
                (id: "pub", vpc: "v", cidr: "10.0.0.0/24", az: "a", route_table: "public-rt"),
                (id: "priv", vpc: "v", cidr: "10.0.1.0/24", {az_priv} route_table: "nat-rt"),
            ],
            nat_gateways: [(id: "nat", subnet: "pub", elastic_ip: "52.0.0.1")])"#
        )
    };
    assert_eq!(
        warnings(&src(r#"az: "b","#)),
        [
            "subnets[\"priv\"].route_table: subnet `priv` (us-east-1b) sends 0.0.0.0/0 to nat gateway \
             `nat` in another availability zone (us-east-1a)\n  \
             hint: this works, but an outage of us-east-1a cuts `priv` off the internet (and \
             cross-zone traffic is billed): give each availability zone its own NAT gateway"
        ]
    );
    assert_eq!(
        warnings(&src(r#"az: "a","#)),
        Vec::<String>::new(),
        "same zone"
    );
    assert_eq!(
        warnings(&src("")),
        Vec::<String>::new(),
        "zone not declared"
    );
}

/// Rule 18: an inspection VPC whose attachment spans two zones and whose
/// attachment subnets route through an appliance needs appliance mode.
#[test]
fn an_inspection_attachment_across_zones_without_appliance_mode_warns() {
    let src = |zone_b: &str, mode: bool| {
        format!(
            r#"(vpcs: [(id: "spoke", cidr: "10.1.0.0/16"), (id: "insp", cidr: "10.9.0.0/16")],
            route_tables: [
                (id: "spoke-rt", vpc: "spoke", routes: [(dest: "0.0.0.0/0", target: TransitGateway("tgw"))]),
                (id: "att-rt", vpc: "insp", routes: [(dest: "0.0.0.0/0", target: Eni("fw"))]),
            ],
            subnets: [
                (id: "app", vpc: "spoke", cidr: "10.1.1.0/24", az: "a", route_table: "spoke-rt"),
                (id: "att-a", vpc: "insp", cidr: "10.9.0.0/28", az: "a", route_table: "att-rt"),
                (id: "att-b", vpc: "insp", cidr: "10.9.0.16/28", az: "{zone_b}", route_table: "att-rt"),
                (id: "fw-a", vpc: "insp", cidr: "10.9.1.0/24", az: "a"),
            ],
            resources: [(id: "fw", subnet: "fw-a", forwarding: true)],
            transit_gateways: [(id: "tgw", attachments: [
                (vpc: "spoke", subnets: ["app"]),
                (vpc: "insp", subnets: ["att-a", "att-b"], appliance_mode: {mode}),
            ])])"#
        )
    };
    assert_eq!(
        warnings(&src("b", false)),
        [
            "transit_gateways[\"tgw\"].attachments[insp].appliance_mode: transit gateway `tgw` brings \
             traffic into `insp` through attachment `insp` (subnets in 2 availability zones), whose \
             route table `att-rt` sends it to appliance `fw`, and appliance mode is off\n  \
             hint: without appliance mode the transit gateway keeps each direction of a flow in the \
             zone it came from, so the request and the reply of a flow between zones pass different \
             appliances; a stateful appliance that does not translate addresses (a firewall) drops \
             the half it did not see. awsreach models `fw` as a NAT instance, for which routing is \
             symmetric: enable appliance mode on `insp` (ApplianceModeSupport) unless it translates"
        ]
    );
    assert_eq!(
        warnings(&src("b", true)),
        Vec::<String>::new(),
        "appliance mode on"
    );
    assert_eq!(warnings(&src("a", false)), Vec::<String>::new(), "one zone");
}
