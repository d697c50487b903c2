//! The AWS defaults the checked model makes explicit: implicit tables, ACLs
//! and groups, associations, auto-assigned addresses, endpoint routes.

use std::net::Ipv4Addr;

use awsreach_model::catalog::Invokes;
use awsreach_model::net::{PortRange, Protocol};
use awsreach_model::spec::{EndpointKind, PollerMode, RuleAction};
use awsreach_model::*;

use crate::{check, example_src};

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn net(s: &str) -> ipnet::IpNet {
    s.parse().unwrap()
}

fn subnet<'a>(s: &'a Scenario, name: &str) -> &'a Subnet {
    s.subnets.iter().find(|x| x.name == name).unwrap()
}

fn table<'a>(s: &'a Scenario, name: &str) -> &'a RouteTable {
    s.route_tables.iter().find(|x| x.name == name).unwrap()
}

fn rt_id(s: &Scenario, name: &str) -> RouteTableId {
    RouteTableId(s.route_tables.iter().position(|x| x.name == name).unwrap() as u32)
}

fn sg_id(s: &Scenario, name: &str) -> SgId {
    SgId(
        s.security_groups
            .iter()
            .position(|x| x.name == name)
            .unwrap() as u32,
    )
}

fn resource_eni<'a>(s: &'a Scenario, name: &str) -> &'a Eni {
    let r = &s.resources[s.resource_by_name(name).unwrap().ix()];
    &s.enis[r.eni.ix()]
}

fn all_outbound() -> SgRule {
    SgRule {
        protocol: Protocol::All,
        ports: PortRange::ALL,
        peer: SgPeer::Cidr(net("0.0.0.0/0")),
    }
}

#[test]
fn scenario_defaults_region_and_name() {
    let s = check("()").scenario;
    assert_eq!(
        (s.name.as_str(), s.region.as_str()),
        ("scenario", "us-east-1")
    );
}

#[test]
fn vpc_dns_defaults_follow_create_vpc() {
    let s = check(r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")])"#).scenario;
    assert!(s.vpcs[0].dns_support, "enableDnsSupport defaults to on");
    assert!(
        !s.vpcs[0].dns_hostnames,
        "enableDnsHostnames defaults to off"
    );
}

#[test]
fn implicit_main_table_default_nacl_and_default_sg_are_synthesized() {
    let s = check(r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")])"#).scenario;
    let v = &s.vpcs[0];

    let main = &s.route_tables[v.main_route_table.ix()];
    assert_eq!(main.name, "v-main");
    assert!(main.main && !main.declared);
    assert_eq!(main.vpc, VpcId(0));

    let acl = &s.network_acls[v.default_nacl.ix()];
    assert_eq!(acl.name, "v-default-acl");
    assert!(!acl.declared);

    let sg = &s.security_groups[v.default_sg.ix()];
    assert_eq!(sg.name, "v-default-sg");
    assert!(!sg.declared);
}

#[test]
fn default_nacl_allows_everything_both_ways() {
    let s = check(r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")])"#).scenario;
    let acl = &s.network_acls[s.vpcs[0].default_nacl.ix()];
    let allow_all = NaclRule {
        number: 100,
        action: RuleAction::Allow,
        protocol: Protocol::All,
        ports: PortRange::ALL,
        cidr: net("0.0.0.0/0"),
    };
    assert_eq!(acl.ingress, [allow_all]);
    assert_eq!(acl.egress, [allow_all]);
}

#[test]
fn ipv6_vpc_defaults_also_allow_ipv6() {
    // AWS adds NACL rule 101 for ::/0 and a ::/0 outbound rule in the default
    // group when the VPC has an IPv6 block; a new group gets IPv4 only.
    let s = check(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16", ipv6_cidr: "2600:1f18::/56")],
            security_groups: [(id: "custom", vpc: "v")])"#,
    )
    .scenario;
    let acl = &s.network_acls[s.vpcs[0].default_nacl.ix()];
    let rules: Vec<(u32, String)> = acl
        .ingress
        .iter()
        .map(|r| (r.number, r.cidr.to_string()))
        .collect();
    assert_eq!(rules, [(100, "0.0.0.0/0".into()), (101, "::/0".into())]);
    assert_eq!(acl.egress, acl.ingress);
    let sg = &s.security_groups[s.vpcs[0].default_sg.ix()];
    let peers: Vec<SgPeer> = sg.egress.iter().map(|r| r.peer).collect();
    assert_eq!(
        peers,
        [SgPeer::Cidr(net("0.0.0.0/0")), SgPeer::Cidr(net("::/0"))]
    );
    let custom = &s.security_groups[sg_id(&s, "custom").ix()];
    assert_eq!(custom.egress, [all_outbound()]);
}

#[test]
fn custom_nacl_without_rules_has_none_so_it_denies_all() {
    let s = check(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")], network_acls: [(id: "locked", vpc: "v")])"#,
    )
    .scenario;
    let acl = s.network_acls.iter().find(|a| a.name == "locked").unwrap();
    assert!(acl.declared && acl.ingress.is_empty() && acl.egress.is_empty());
    // The VPC still gets its synthesized allow-all default.
    assert_ne!(s.network_acls[s.vpcs[0].default_nacl.ix()].name, "locked");
}

#[test]
fn nacl_rules_are_sorted_by_number() {
    let s = check(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")], network_acls: [(id: "acl", vpc: "v", ingress: [
            (rule: 200, action: Allow, protocol: All, cidr: "0.0.0.0/0"),
            (rule: 50, action: Deny, protocol: Tcp, ports: "22", cidr: "0.0.0.0/0"),
        ])])"#,
    )
    .scenario;
    let numbers: Vec<u32> = s.network_acls[0].ingress.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [50, 200]);
    assert_eq!(s.network_acls[0].ingress[0].ports, PortRange::single(22));
}

#[test]
fn default_sg_admits_ingress_only_from_itself_and_allows_all_egress() {
    let s = check(r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")])"#).scenario;
    let id = s.vpcs[0].default_sg;
    let sg = &s.security_groups[id.ix()];
    assert_eq!(
        sg.ingress,
        [SgRule {
            protocol: Protocol::All,
            ports: PortRange::ALL,
            peer: SgPeer::Sg(id),
        }]
    );
    assert_eq!(sg.egress, [all_outbound()]);
}

#[test]
fn new_sg_admits_nothing_and_without_egress_allows_all_outbound() {
    let s = check(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")], security_groups: [
            (id: "open-out", vpc: "v"),
            (id: "closed-out", vpc: "v", egress: []),
        ])"#,
    )
    .scenario;
    let open = &s.security_groups[sg_id(&s, "open-out").ix()];
    assert!(open.ingress.is_empty());
    assert_eq!(open.egress, [all_outbound()]);
    let closed = &s.security_groups[sg_id(&s, "closed-out").ix()];
    assert!(
        closed.egress.is_empty(),
        "`egress: []` means nothing outbound"
    );
}

#[test]
fn declared_defaults_replace_the_synthesized_ones() {
    let s = check(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        route_tables: [(id: "my-main", vpc: "v", main: true)],
        security_groups: [(id: "my-default", vpc: "v", default: true)],
        network_acls: [(id: "my-acl", vpc: "v", default: true)],
        subnets: [(id: "app", vpc: "v", cidr: "10.0.1.0/24")],
        resources: [(id: "box", subnet: "app")],
    )"#,
    )
    .scenario;
    let v = &s.vpcs[0];
    assert_eq!(s.route_tables[v.main_route_table.ix()].name, "my-main");
    assert_eq!(s.security_groups[v.default_sg.ix()].name, "my-default");
    assert_eq!(s.network_acls[v.default_nacl.ix()].name, "my-acl");
    assert_eq!(
        (
            s.route_tables.len(),
            s.security_groups.len(),
            s.network_acls.len()
        ),
        (1, 1, 1)
    );
    assert_eq!(resource_eni(&s, "box").security_groups, [v.default_sg]);
    assert_eq!(subnet(&s, "app").network_acl, v.default_nacl);
}

#[test]
fn subnet_without_route_table_uses_the_vpc_main_table() {
    let s = check(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        route_tables: [(id: "other", vpc: "v"), (id: "main-rt", vpc: "v", main: true)],
        subnets: [
            (id: "implicit", vpc: "v", cidr: "10.0.1.0/24"),
            (id: "explicit", vpc: "v", cidr: "10.0.2.0/24", route_table: "other"),
        ],
    )"#,
    )
    .scenario;
    assert_eq!(subnet(&s, "implicit").route_table, rt_id(&s, "main-rt"));
    assert_eq!(subnet(&s, "explicit").route_table, rt_id(&s, "other"));
}

#[test]
fn subnet_without_route_table_or_declared_main_uses_the_synthesized_one() {
    let s = check(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")], subnets: [(id: "app", vpc: "v", cidr: "10.0.1.0/24")])"#,
    )
    .scenario;
    assert_eq!(subnet(&s, "app").route_table, s.vpcs[0].main_route_table);
    assert_eq!(subnet(&s, "app").network_acl, s.vpcs[0].default_nacl);
}

#[test]
fn nacl_can_be_associated_from_either_side() {
    let s = check(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        network_acls: [(id: "acl-a", vpc: "v", subnets: ["a"]), (id: "acl-b", vpc: "v")],
        subnets: [
            (id: "a", vpc: "v", cidr: "10.0.1.0/24"),
            (id: "b", vpc: "v", cidr: "10.0.2.0/24", network_acl: "acl-b"),
        ],
    )"#,
    )
    .scenario;
    let name = |sub: &str| {
        s.network_acls[subnet(&s, sub).network_acl.ix()]
            .name
            .as_str()
    };
    assert_eq!((name("a"), name("b")), ("acl-a", "acl-b"));
}

#[test]
fn local_routes_cover_every_vpc_block_and_come_first() {
    let s = check(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16", secondary_cidrs: ["10.1.0.0/16"], ipv6_cidr: "2600:1f18::/56")],
        internet_gateways: [(id: "igw", vpc: "v")],
        route_tables: [(id: "rt", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))])],
    )"#,
    )
    .scenario;
    let routes: Vec<(String, Target, RouteOrigin)> = table(&s, "rt")
        .routes
        .iter()
        .map(|r| (s.dest_name(r.dest), r.target, r.origin))
        .collect();
    assert_eq!(
        routes,
        [
            ("10.0.0.0/16".into(), Target::Local, RouteOrigin::Local),
            ("10.1.0.0/16".into(), Target::Local, RouteOrigin::Local),
            ("2600:1f18::/56".into(), Target::Local, RouteOrigin::Local),
            (
                "0.0.0.0/0".into(),
                Target::Igw(IgwId(0)),
                RouteOrigin::Declared
            ),
        ]
    );
    // The synthesized main table gets them too.
    assert_eq!(table(&s, "v-main").routes.len(), 3);
}

#[test]
fn gateway_endpoint_adds_its_prefix_list_route_to_associated_tables() {
    let s = check(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        route_tables: [(id: "with", vpc: "v"), (id: "without", vpc: "v")],
        vpc_endpoints: [(id: "s3-gw", vpc: "v", service: "s3", kind: Gateway, route_tables: ["with"])],
    )"#,
    )
    .scenario;
    let s3 = s.service_by_id("s3").unwrap();
    let with = table(&s, "with").routes.last().unwrap();
    assert_eq!(
        *with,
        Route {
            dest: RouteDest::PrefixList(s3),
            target: Target::Endpoint(EndpointId(0)),
            origin: RouteOrigin::GatewayEndpoint,
        }
    );
    assert_eq!(s.dest_name(with.dest), "pl:s3");
    assert!(
        table(&s, "without")
            .routes
            .iter()
            .all(|r| r.dest != RouteDest::PrefixList(s3))
    );
}

#[test]
fn hand_written_endpoint_route_is_not_duplicated() {
    let s = check(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        route_tables: [(id: "rt", vpc: "v", routes: [(dest: "pl:dynamodb", target: Endpoint("ddb-gw"))])],
        vpc_endpoints: [(id: "ddb-gw", vpc: "v", service: "dynamodb", kind: Gateway, route_tables: ["rt"])],
    )"#,
    )
    .scenario;
    let pl: Vec<&Route> = table(&s, "rt")
        .routes
        .iter()
        .filter(|r| matches!(r.dest, RouteDest::PrefixList(_)))
        .collect();
    assert_eq!(pl.len(), 1);
    assert_eq!(pl[0].origin, RouteOrigin::Declared);
}

const APP: &str = r#"
    vpcs: [(id: "v", cidr: "10.0.0.0/16", dns_hostnames: true)],
    subnets: [(id: "app", vpc: "v", cidr: "10.0.1.0/24")],
"#;

#[test]
fn auto_assigned_ips_skip_the_four_reserved_addresses() {
    let s = check(&format!(
        r#"({APP} resources: [(id: "a", subnet: "app"), (id: "b", subnet: "app")])"#
    ))
    .scenario;
    assert_eq!(resource_eni(&s, "a").private_ip, ip("10.0.1.4"));
    assert_eq!(resource_eni(&s, "b").private_ip, ip("10.0.1.5"));
}

#[test]
fn auto_assigned_ips_skip_explicit_ones() {
    let s = check(&format!(
        r#"({APP} resources: [(id: "auto", subnet: "app"), (id: "fixed", subnet: "app", private_ip: "10.0.1.4")])"#
    ))
    .scenario;
    assert_eq!(resource_eni(&s, "fixed").private_ip, ip("10.0.1.4"));
    assert_eq!(resource_eni(&s, "auto").private_ip, ip("10.0.1.5"));
}

/// Regression: explicit addresses were reserved only after NAT gateways and
/// endpoints had been given theirs, so a resource asking for the subnet's
/// first free address was told a NAT gateway already used it.
#[test]
fn nat_gateway_does_not_take_an_explicit_resource_ip() {
    let s = check(&format!(
        r#"({APP}
        nat_gateways: [(id: "nat", subnet: "app", connectivity: Private)],
        vpc_endpoints: [(id: "sqs-ep", vpc: "v", service: "sqs", kind: Interface, subnets: ["app"])],
        resources: [(id: "box", subnet: "app", private_ip: "10.0.1.4")],
    )"#
    ))
    .scenario;
    assert_eq!(resource_eni(&s, "box").private_ip, ip("10.0.1.4"));
    let nat = &s.nat_gateways[0];
    assert_eq!(s.enis[nat.eni.ix()].private_ip, ip("10.0.1.5"));
    assert_eq!(
        s.enis[s.endpoints[0].enis[0].ix()].private_ip,
        ip("10.0.1.6")
    );
}

#[test]
fn interface_endpoint_defaults() {
    let s = check(&format!(
        r#"({APP}
        route_tables: [(id: "rt", vpc: "v", main: true)],
        vpc_endpoints: [
            (id: "sqs-ep", vpc: "v", service: "sqs", kind: Interface, subnets: ["app"]),
            (id: "s3-gw", vpc: "v", service: "s3", kind: Gateway, route_tables: ["rt"]),
        ],
    )"#
    ))
    .scenario;
    let ep = &s.endpoints[0];
    assert_eq!(ep.kind, EndpointKind::Interface);
    assert!(ep.private_dns, "private DNS is on by default");
    assert!(ep.policy.is_default(), "no policy = full access");
    assert_eq!(ep.security_groups, [s.vpcs[0].default_sg]);
    assert_eq!(ep.enis.len(), 1);
    let eni = &s.enis[ep.enis[0].ix()];
    assert_eq!(eni.owner, EniOwner::Endpoint(EndpointId(0)));
    assert_eq!(eni.public_ip, None);
    assert!(!s.endpoints[1].private_dns, "gateway endpoints have no DNS");
    assert!(s.endpoints[1].enis.is_empty());
}

#[test]
fn endpoint_policy_allow_minus_deny() {
    let s = check(&format!(
        r#"({APP} vpc_endpoints: [(id: "sqs-ep", vpc: "v", service: "sqs", kind: Interface, subnets: ["app"],
            policy: (allow: ["sqs:*"], deny: ["sqs:Delete*"]))])"#
    ))
    .scenario;
    let p = &s.endpoints[0].policy;
    assert_eq!(p.decide("sqs:SendMessage"), Ok(()));
    assert_eq!(p.decide("sqs:DeleteQueue"), Err("sqs:Delete*".into()));
    assert!(p.decide("sns:Publish").is_err());
}

#[test]
fn availability_zone_defaults_to_the_regions_first() {
    let s = check(
        r#"(
        region: "eu-west-1",
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "none", vpc: "v", cidr: "10.0.1.0/24"),
            (id: "suffix", vpc: "v", cidr: "10.0.2.0/24", az: "b"),
            (id: "full", vpc: "v", cidr: "10.0.3.0/24", az: "eu-west-1c"),
        ],
    )"#,
    )
    .scenario;
    let az = |n: &str| subnet(&s, n).az.clone();
    assert_eq!(
        [az("none"), az("suffix"), az("full")],
        ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    );
}

#[test]
fn function_enis_never_get_public_ips_and_dual_stack_gets_ipv6() {
    let s = check(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16", ipv6_cidr: "2600:1f18::/56")],
        subnets: [
            (id: "ds", vpc: "v", cidr: "10.0.1.0/24", ipv6_cidr: "2600:1f18:0:1::/64"),
            (id: "v4", vpc: "v", cidr: "10.0.2.0/24"),
        ],
        functions: [
            (id: "f", vpc: (subnets: ["ds", "v4"], ipv6_dual_stack: true)),
            (id: "g", vpc: (subnets: ["ds"])),
            (id: "outside"),
        ],
    )"#,
    )
    .scenario;
    let f = s.functions[0].vpc.as_ref().unwrap();
    assert_eq!(f.security_groups, [s.vpcs[0].default_sg]);
    let enis: Vec<&Eni> = f.enis.iter().map(|e| &s.enis[e.ix()]).collect();
    assert_eq!(enis[0].private_ip, ip("10.0.1.4"));
    assert_eq!(enis[0].ipv6, Some("2600:1f18:0:1::4".parse().unwrap()));
    assert_eq!(enis[1].ipv6, None, "v4-only subnet");
    let g = &s.enis[s.functions[1].vpc.as_ref().unwrap().enis[0].ix()];
    assert_eq!(g.ipv6, None, "not dual-stack");
    assert!(s.enis.iter().all(|e| e.public_ip.is_none()));
    assert!(s.functions[2].vpc.is_none());
}

#[test]
fn trigger_defaults() {
    let s = check(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "app", vpc: "v", cidr: "10.0.1.0/24")],
        security_groups: [(id: "msk-sg", vpc: "v")],
        functions: [(id: "f")],
        triggers: [
            (source: Sqs, function: "f"),
            (id: "stream", source: Msk, function: "f", subnets: ["app"], security_groups: ["msk-sg"]),
        ],
    )"#,
    )
    .scenario;
    let (sqs, msk) = (&s.triggers[0], &s.triggers[1]);
    assert_eq!(sqs.name, "sqs->f");
    assert_eq!(sqs.port, 443);
    assert!(sqs.subnets.is_empty());
    assert_eq!(msk.name, "stream");
    assert_eq!(msk.port, 9098, "MSK IAM auth port");
    assert_eq!(msk.mode, PollerMode::OnDemand);
    assert_eq!(msk.security_groups, [sg_id(&s, "msk-sg")]);
    assert_eq!(s.services[msk.service.ix()].id, "kafka");
}

#[test]
fn services_overrides_and_declared_flags() {
    let s = check(
        r#"(
        services: [(id: "pinpoint", interface_endpoint: false), (id: "sts", invokes_lambda: true), (id: "sqs", invokes_lambda: false)],
        functions: [(id: "f")],
        triggers: [(source: Sns, function: "f")],
    )"#,
    )
    .scenario;
    let svc = |id: &str| &s.services[s.service_by_id(id).unwrap().ix()];
    assert!(!svc("pinpoint").interface_endpoint);
    assert!(svc("pinpoint").declared);
    assert_eq!(svc("sts").invokes, Invokes::Push);
    assert_eq!(svc("sqs").invokes, Invokes::None);
    assert!(svc("sns").declared, "referenced by a trigger");
    assert!(!svc("kms").declared);
    assert_eq!(svc("lambda").hostname, "lambda.us-east-1.amazonaws.com");
    // Every catalog service is present, in catalog order.
    assert_eq!(s.services.len(), catalog::catalog().len());
}

#[test]
fn transit_gateway_propagates_attached_cidrs_without_static_routes() {
    let s = check(
        r#"(
        vpcs: [(id: "a", cidr: "10.0.0.0/16", secondary_cidrs: ["10.1.0.0/16"]), (id: "b", cidr: "10.2.0.0/16")],
        subnets: [(id: "sa", vpc: "a", cidr: "10.0.0.0/24"), (id: "sb", vpc: "b", cidr: "10.2.0.0/24")],
        transit_gateways: [
            (id: "propagated", attachments: [(vpc: "a", subnets: ["sa"]), (vpc: "b", subnets: ["sb"])]),
            (id: "static", attachments: [(vpc: "a", subnets: ["sa"])], routes: [
                (dest: "10.2.0.0/16", vpc: "a"),
                (dest: "10.99.0.0/16"),
            ]),
        ],
    )"#,
    )
    .scenario;
    let routes = |t: usize| -> Vec<(ipnet::IpNet, Option<usize>, bool)> {
        let tg = &s.transit_gateways[t];
        assert_eq!(tg.route_tables.len(), 1, "the simple form has one table");
        assert!(tg.attachments.iter().all(|a| a.route_table == Some(0)));
        tg.route_tables[0]
            .routes
            .iter()
            .map(|r| (r.dest, r.target, r.propagated))
            .collect()
    };
    assert_eq!(
        routes(0),
        [
            (net("10.0.0.0/16"), Some(0), true),
            (net("10.1.0.0/16"), Some(0), true),
            (net("10.2.0.0/16"), Some(1), true),
        ]
    );
    assert_eq!(
        routes(1),
        [
            (net("10.2.0.0/16"), Some(0), false),
            (net("10.99.0.0/16"), None, false)
        ]
    );
}

#[test]
fn example_scenario_checked_model() {
    let s = check(&example_src()).scenario;
    let id = |n: &str| SubnetId(s.subnets.iter().position(|x| x.name == n).unwrap() as u32);
    assert!(s.is_public_subnet(id("public-a")));
    assert!(!s.is_public_subnet(id("app-a")));
    // data subnets have no association, so they use the declared main table.
    assert_eq!(subnet(&s, "data-b").route_table, rt_id(&s, "shop-main"));
    assert_eq!(
        s.network_acls[subnet(&s, "data-a").network_acl.ix()].name,
        "data-acl"
    );
    // app-rt-b: pl:dynamodb written by hand, pl:s3 added by s3-gateway.
    let pl: Vec<(String, RouteOrigin)> = table(&s, "app-rt-b")
        .routes
        .iter()
        .filter(|r| matches!(r.dest, RouteDest::PrefixList(_)))
        .map(|r| (s.dest_name(r.dest), r.origin))
        .collect();
    assert_eq!(
        pl,
        [
            ("pl:dynamodb".to_string(), RouteOrigin::Declared),
            ("pl:s3".to_string(), RouteOrigin::GatewayEndpoint),
        ]
    );
    assert_eq!(
        resource_eni(&s, "sessions-cache").private_ip,
        ip("10.1.1.4")
    );
}
