//! One test per AWS rule of `docs/aws-rules.md`, each on a small
//! inline scenario, asserting the verdict and the hops that decided it.

use awsreach_model::spec::{FunctionVpcSpec, PollerMode, TriggerSource};
use awsreach_sim::{Decision, Direction, Outcome, Verdict};

use crate::{blocked, blocked_code, components, invalid, load_spec, scenario};

/// The `rule` text of the route-table hop that decided the forward path.
fn route_rule(t: &crate::Shown) -> Vec<String> {
    t.hops
        .iter()
        .filter(|h| h.kind == "route-table" && h.decision == Decision::Pass)
        .filter_map(|h| h.rule.clone())
        .collect()
}

fn blocking_hop(t: &crate::Shown) -> &crate::HopText {
    match &t.verdict {
        Verdict::Blocked(b) => &t.hops[b.hop],
        other => panic!("expected a blocked trace, got {other:?}"),
    }
}

// ------------------------------------------------------------- rule 9: LPM

const PEERED: &str = r#"(
    vpcs: [
        (id: "hub", cidr: "10.0.0.0/16"),
        (id: "near", cidr: "10.1.0.0/16"),
        (id: "wide", cidr: "10.2.0.0/16"),
    ],
    subnets: [
        (id: "app", vpc: "hub", cidr: "10.0.1.0/24", route_table: "rt-hub"),
        (id: "near-a", vpc: "near", cidr: "10.1.1.0/24", route_table: "rt-near"),
        (id: "near-b", vpc: "near", cidr: "10.1.2.0/24", route_table: "rt-near"),
        (id: "wide-a", vpc: "wide", cidr: "10.2.1.0/24", route_table: "rt-wide"),
    ],
    route_tables: [
        (id: "rt-hub", vpc: "hub", routes: [
            (dest: "10.0.0.0/8", target: Peering("pcx-wide")),
            (dest: "10.1.0.0/16", target: Peering("pcx-near")),
            (dest: "10.1.2.0/24", target: Blackhole),
            // Ties with the implicit local route for the VPC's CIDR, which wins.
            (dest: "10.0.0.0/16", target: Blackhole),
        ]),
        (id: "rt-near", vpc: "near", routes: [(dest: "10.0.0.0/16", target: Peering("pcx-near"))]),
        (id: "rt-wide", vpc: "wide", routes: [(dest: "10.0.0.0/16", target: Peering("pcx-wide"))]),
    ],
    peering_connections: [
        (id: "pcx-near", requester: "hub", accepter: "near"),
        (id: "pcx-wide", requester: "hub", accepter: "wide"),
    ],
    security_groups: [
        (id: "hub-sg", vpc: "hub", ingress: [(protocol: Tcp, ports: "443", cidr: "10.0.0.0/8")]),
        (id: "near-sg", vpc: "near", ingress: [(protocol: Tcp, ports: "443", cidr: "10.0.0.0/8")]),
        (id: "wide-sg", vpc: "wide", ingress: [(protocol: Tcp, ports: "443", cidr: "10.0.0.0/8")]),
    ],
    resources: [
        (id: "hub-ec2", subnet: "app", security_groups: ["hub-sg"], listen: ["tcp/443"]),
        (id: "near-a-ec2", subnet: "near-a", security_groups: ["near-sg"], listen: ["tcp/443"]),
        (id: "near-b-ec2", subnet: "near-b", security_groups: ["near-sg"], listen: ["tcp/443"]),
        (id: "wide-ec2", subnet: "wide-a", security_groups: ["wide-sg"], listen: ["tcp/443"]),
    ],
    functions: [(id: "fn", vpc: (subnets: ["app"]))],
)"#;

#[test]
fn lpm_the_most_specific_route_wins() {
    let s = scenario(PEERED);
    // A /16 via one peering beats the /8 via another.
    let t = s.trace("fn", "near-a-ec2");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert_eq!(route_rule(&t), ["10.1.0.0/16 -> pcx-near"]);
    // Only the /8 covers wide-vpc.
    let t = s.trace("fn", "wide-ec2");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert_eq!(route_rule(&t), ["10.0.0.0/8 -> pcx-wide"]);
    // A /24 blackhole beats the /16 peering route.
    let t = s.trace("fn", "near-b-ec2");
    assert_eq!(blocked_code(&t), Some("BLACKHOLE_ROUTE"));
    // The /8 carries an address no VPC holds: it ends in wide, which lacks it.
    let t = s.trace("fn", "10.9.0.1");
    assert_eq!(blocked_code(&t), Some("NO_ROUTE"));
    assert_eq!(route_rule(&t), ["10.0.0.0/8 -> pcx-wide"]);
}

#[test]
fn lpm_tie_with_the_local_route_goes_to_local() {
    let s = scenario(PEERED);
    let t = s.trace("fn", "hub-ec2");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert_eq!(route_rule(&t), ["10.0.0.0/16 -> local"]);
}

#[test]
fn lpm_two_declared_routes_to_one_destination_are_rejected() {
    let errs = invalid(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [(id: "app", vpc: "vpc", cidr: "10.0.1.0/24", route_table: "rt")],
        internet_gateways: [(id: "igw", vpc: "vpc")],
        route_tables: [(id: "rt", vpc: "vpc", routes: [
            (dest: "0.0.0.0/0", target: Igw("igw")),
            (dest: "0.0.0.0/0", target: Blackhole),
        ])],
    )"#,
    );
    assert!(errs.iter().any(|e| e.contains("0.0.0.0/0")), "{errs:?}");
}

#[test]
fn lpm_a_prefix_list_beats_the_default_route() {
    let s = scenario(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "public", vpc: "vpc", cidr: "10.0.0.0/24", route_table: "rt-public"),
            (id: "private", vpc: "vpc", cidr: "10.0.1.0/24", route_table: "rt-private"),
        ],
        route_tables: [
            (id: "rt-public", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))]),
            (id: "rt-private", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Nat("nat"))]),
        ],
        internet_gateways: [(id: "igw", vpc: "vpc")],
        nat_gateways: [(id: "nat", subnet: "public", elastic_ip: "54.160.0.100")],
        vpc_endpoints: [(id: "vpce-s3", vpc: "vpc", service: "s3", kind: Gateway, route_tables: ["rt-private"])],
        functions: [(id: "fn", vpc: (subnets: ["private"]))],
    )"#,
    );
    let t = s.trace("fn", "s3");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert_eq!(route_rule(&t), ["pl:s3 -> vpce-s3"]);
    assert!(!components(&t).contains(&"nat"));
    // Everything else still takes the NAT gateway.
    let t = s.trace("fn", "sqs");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert!(components(&t).contains(&"nat"));
}

// ------------------------------------------------- rule 16: security groups

const GROUPS: &str = r#"(
    vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
    subnets: [(id: "app", vpc: "vpc", cidr: "10.0.1.0/24")],
    security_groups: [
        (id: "app-sg", vpc: "vpc"),
        (id: "other-sg", vpc: "vpc"),
        (id: "db-sg", vpc: "vpc", ingress: [(protocol: Tcp, ports: "5432", sg: "app-sg")]),
    ],
    resources: [
        (id: "db", kind: Rds, subnet: "app", security_groups: ["db-sg"], listen: ["tcp/5432"]),
        // Same subnet, neighbouring address, but not a member of app-sg.
        (id: "other-ec2", subnet: "app", security_groups: ["other-sg"]),
        (id: "app-ec2", subnet: "app", security_groups: ["app-sg"]),
    ],
    functions: [
        (id: "fn-app", vpc: (subnets: ["app"], security_groups: ["app-sg"])),
        (id: "fn-other", vpc: (subnets: ["app"], security_groups: ["other-sg"])),
        (id: "fn-both", vpc: (subnets: ["app"], security_groups: ["other-sg", "app-sg"])),
    ],
)"#;

#[test]
fn sg_references_match_by_membership() {
    let s = scenario(GROUPS);
    for from in ["fn-app", "app-ec2", "fn-both"] {
        let t = s.trace(from, "db");
        assert!(t.verdict.is_reachable(), "{from}: {:?}", t.verdict);
        let hop = t
            .hops
            .iter()
            .find(|h| h.component == "db-sg")
            .expect("db-sg hop");
        assert_eq!(hop.rule.as_deref(), Some("tcp/5432 from app-sg"));
    }
    for from in ["fn-other", "other-ec2"] {
        let t = s.trace(from, "db");
        assert_eq!(blocked_code(&t), Some("SG_INGRESS_DENIED"), "{from}");
        assert_eq!(blocking_hop(&t).component, "db-sg");
    }
}

#[test]
fn sg_egress_is_allow_only_and_stateful() {
    let mut spec = scenario(GROUPS).spec;
    // `egress: []` removes the default allow-all rule.
    spec.security_groups
        .iter_mut()
        .find(|g| g.id == "app-sg")
        .unwrap()
        .egress = Some(Vec::new());
    let s = load_spec(spec, "app-sg without egress");
    assert_eq!(s.outcome("fn-app", "db"), blocked("SG_EGRESS_DENIED"));
    // fn-both: other-sg has the default egress, and groups are a union.
    assert_eq!(s.outcome("fn-both", "db"), Outcome::Reachable);
    // Stateful: db-sg has no egress rule for the reply, and needs none.
    let t = s.trace("fn-both", "db");
    assert!(
        !t.hops
            .iter()
            .any(|h| h.direction == Direction::Return && h.kind == "security-group")
    );
}

// -------------------------------------------------------- rule 17: NACLs

fn nacl_scenario(ingress: &str, egress: &str) -> crate::Loaded {
    scenario(&format!(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "app", vpc: "vpc", cidr: "10.0.1.0/24"),
            (id: "db", vpc: "vpc", cidr: "10.0.2.0/24", network_acl: "db-acl"),
        ],
        network_acls: [(id: "db-acl", vpc: "vpc", ingress: [{ingress}], egress: [{egress}])],
        security_groups: [(id: "db-sg", vpc: "vpc", ingress: [(protocol: Tcp, ports: "5432", cidr: "10.0.0.0/16")])],
        resources: [
            (id: "db-ec2", subnet: "db", security_groups: ["db-sg"], listen: ["tcp/5432"]),
            (id: "db-peer", subnet: "db", listen: ["tcp/5432"], security_groups: ["db-sg"]),
        ],
        functions: [(id: "fn", vpc: (subnets: ["app"]))],
    )"#
    ))
}

const ALL_OUT: &str = r#"(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0")"#;

#[test]
fn nacl_lowest_rule_number_matches_first() {
    let deny_first = nacl_scenario(
        r#"(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0"),
           (rule: 50, action: Deny, protocol: Tcp, ports: "5432", cidr: "10.0.1.0/24")"#,
        ALL_OUT,
    );
    let t = deny_first.trace("fn", "db-ec2");
    assert_eq!(blocked_code(&t), Some("NACL_INBOUND_DENIED"));
    assert!(blocking_hop(&t).detail.contains("rule 50"), "{t:#?}");

    let allow_first = nacl_scenario(
        r#"(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0"),
           (rule: 150, action: Deny, protocol: Tcp, ports: "5432", cidr: "10.0.1.0/24")"#,
        ALL_OUT,
    );
    let t = allow_first.trace("fn", "db-ec2");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    let inbound = t
        .hops
        .iter()
        .find(|h| h.component == "db-acl" && h.direction == Direction::Forward)
        .unwrap();
    assert_eq!(inbound.rule.as_deref(), Some("rule 100 allow"));

    // No rule matches: the final implicit deny.
    let none = nacl_scenario(
        r#"(rule: 100, action: Allow, protocol: Udp, cidr: "0.0.0.0/0")"#,
        ALL_OUT,
    );
    let t = none.trace("fn", "db-ec2");
    assert_eq!(blocked_code(&t), Some("NACL_INBOUND_DENIED"));
    assert!(blocking_hop(&t).detail.contains("implicit deny"));
}

#[test]
fn nacl_is_stateless_the_reply_needs_every_ephemeral_port() {
    let all_in = r#"(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0")"#;
    // Only the Linux range out: the reply to a Lambda client port below 32768 is dropped.
    let narrow = nacl_scenario(
        all_in,
        r#"(rule: 100, action: Allow, protocol: Tcp, ports: "32768-65535", cidr: "0.0.0.0/0")"#,
    );
    let t = narrow.trace("fn", "db-ec2");
    assert_eq!(blocked_code(&t), Some("NACL_RETURN_DENIED"));
    let hop = blocking_hop(&t);
    assert_eq!(hop.direction, Direction::Return);
    assert!(hop.detail.contains("1024-65535"), "{}", hop.detail);

    let full = nacl_scenario(
        all_in,
        r#"(rule: 100, action: Allow, protocol: Tcp, ports: "1024-65535", cidr: "10.0.1.0/24")"#,
    );
    assert_eq!(full.outcome("fn", "db-ec2"), Outcome::Reachable);
    // Within one subnet no NACL is crossed at all.
    let closed = nacl_scenario(
        r#"(rule: 100, action: Deny, protocol: All, cidr: "0.0.0.0/0")"#,
        r#"(rule: 100, action: Deny, protocol: All, cidr: "0.0.0.0/0")"#,
    );
    assert_eq!(
        closed.outcome("fn", "db-ec2"),
        blocked("NACL_INBOUND_DENIED")
    );
    let t = closed.trace("db-peer", "db-ec2");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert!(!components(&t).contains(&"db-acl"));
}

// ------------------------------------------- rule 10: IGW needs a public IP

const PUBLIC_SUBNET: &str = r#"(
    vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
    subnets: [
        (id: "public", vpc: "vpc", cidr: "10.0.0.0/24", route_table: "rt-public"),
        (id: "private", vpc: "vpc", cidr: "10.0.1.0/24"),
    ],
    route_tables: [(id: "rt-public", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))])],
    internet_gateways: [(id: "igw", vpc: "vpc")],
    security_groups: [(id: "web-sg", vpc: "vpc", ingress: [(protocol: Tcp, ports: "443", cidr: "0.0.0.0/0")])],
    resources: [
        (id: "with-ip", subnet: "public", public_ip: "54.160.0.20", security_groups: ["web-sg"], listen: ["tcp/443"]),
        (id: "without-ip", subnet: "public", security_groups: ["web-sg"], listen: ["tcp/443"]),
        (id: "private-ec2", subnet: "private", security_groups: ["web-sg"], listen: ["tcp/443"]),
    ],
    functions: [
        (id: "fn-public", vpc: (subnets: ["public"])),
        (id: "fn-outside"),
    ],
)"#;

#[test]
fn igw_translates_only_interfaces_with_a_public_ip() {
    let s = scenario(PUBLIC_SUBNET);
    let t = s.trace("with-ip", "internet");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    let igw = t.hops.iter().find(|h| h.component == "igw").unwrap();
    assert!(
        igw.detail.contains("-> 54.160.0.20"),
        "1:1 NAT to the public ip: {}",
        igw.detail
    );
    for to in ["internet", "s3"] {
        let t = s.trace("without-ip", to);
        assert_eq!(blocked_code(&t), Some("NO_PUBLIC_IP"), "{to}");
        assert_eq!(blocking_hop(&t).component, "igw");
    }
    // Inbound, the IGW only reaches public addresses.
    assert_eq!(s.outcome("fn-outside", "with-ip"), Outcome::Reachable);
    assert_eq!(
        s.outcome("fn-outside", "without-ip"),
        blocked("PRIVATE_ADDRESS_FROM_INTERNET")
    );
    assert_eq!(
        s.outcome("internet", "private-ec2"),
        blocked("PRIVATE_ADDRESS_FROM_INTERNET")
    );
}

// ------------------------------------ rule 1: a function in a public subnet

#[test]
fn lambda_in_a_public_subnet_has_no_internet_access() {
    let s = scenario(PUBLIC_SUBNET);
    for to in ["s3", "sqs", "internet", "fn-outside"] {
        let t = s.trace("fn-public", to);
        assert_eq!(blocked_code(&t), Some("NO_PUBLIC_IP"), "fn-public -> {to}");
        assert_eq!(blocking_hop(&t).kind, "internet-gateway");
        assert!(
            t.hops[0].detail.contains("no public ip"),
            "the ENI hop says why: {}",
            t.hops[0].detail
        );
    }
    // The local route still works, to the private address of a public instance too.
    for to in ["with-ip", "without-ip", "private-ec2"] {
        let t = s.trace("fn-public", to);
        assert!(
            t.verdict.is_reachable(),
            "fn-public -> {to}: {:?}",
            t.verdict
        );
        assert_eq!(route_rule(&t), ["10.0.0.0/16 -> local"]);
    }
}

// ---------------------------------------------------- rule 11: NAT gateway

fn nat_scenario(nat_subnet: &str) -> crate::Loaded {
    scenario(&format!(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "public", vpc: "vpc", cidr: "10.0.0.0/24", route_table: "rt-public"),
            (id: "hidden", vpc: "vpc", cidr: "10.0.2.0/24"),
            (id: "app", vpc: "vpc", cidr: "10.0.1.0/24", route_table: "rt-app"),
        ],
        route_tables: [
            (id: "rt-public", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))]),
            (id: "rt-app", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Nat("nat"))]),
        ],
        internet_gateways: [(id: "igw", vpc: "vpc")],
        nat_gateways: [(id: "nat", subnet: "{nat_subnet}", elastic_ip: "54.160.0.100")],
        resources: [(id: "app-ec2", subnet: "app"), (id: "web-ec2", subnet: "public", public_ip: "54.160.0.10")],
        functions: [(id: "fn", vpc: (subnets: ["app"]))],
    )"#
    ))
}

#[test]
fn nat_gateway_in_a_public_subnet_translates_then_uses_the_igw() {
    let s = nat_scenario("public");
    let t = s.trace("fn", "sqs");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    let path: Vec<&str> = t
        .hops
        .iter()
        .filter(|h| matches!(h.kind, "nat-gateway" | "internet-gateway" | "route-table"))
        .map(|h| h.component.as_str())
        .collect();
    assert_eq!(path, ["rt-app", "nat", "rt-public", "igw"]);
    let igw = t.hops.iter().find(|h| h.component == "igw").unwrap();
    assert!(
        igw.detail.contains("54.160.0.100"),
        "leaves with the nat gateway's elastic ip: {}",
        igw.detail
    );
}

#[test]
fn nat_gateway_in_a_private_subnet_cannot_reach_the_internet() {
    let s = nat_scenario("hidden");
    let t = s.trace("fn", "sqs");
    assert_eq!(blocked_code(&t), Some("NAT_WITHOUT_INTERNET_ROUTE"));
    assert_eq!(blocking_hop(&t).component, "nat");
    assert_eq!(
        s.outcome("app-ec2", "internet"),
        blocked("NAT_WITHOUT_INTERNET_ROUTE")
    );
    // Moving it to the public subnet is the fix the trace recommends.
    assert!(matches!(t.verdict, Verdict::Blocked(_)));
    assert_eq!(
        t.fixes[0].to_string(),
        "move nat gateway nat to public subnet public"
    );
}

#[test]
fn nat_gateway_does_not_serve_its_own_subnet() {
    let mut spec = nat_scenario("public").spec;
    // web-ec2's subnet routes to the NAT gateway that sits in it.
    let rt = spec
        .route_tables
        .iter_mut()
        .find(|t| t.id == "rt-public")
        .unwrap();
    rt.routes.push(awsreach_model::spec::RouteSpec {
        dest: "198.51.100.0/24".into(),
        target: awsreach_model::spec::RouteTarget::Nat("nat".into()),
    });
    let s = load_spec(spec, "nat serving its own subnet");
    let t = s.trace("web-ec2", "198.51.100.10");
    assert_eq!(blocked_code(&t), Some("NAT_IN_SOURCE_SUBNET"));
    assert_eq!(blocking_hop(&t).component, "nat");
    // Other destinations leave web-ec2's subnet through the IGW as before.
    assert_eq!(s.outcome("web-ec2", "internet"), Outcome::Reachable);
}

#[test]
fn private_nat_gateway_cannot_use_the_igw() {
    let s = scenario(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "public", vpc: "vpc", cidr: "10.0.0.0/24", route_table: "rt-public"),
            (id: "app", vpc: "vpc", cidr: "10.0.1.0/24", route_table: "rt-app"),
        ],
        route_tables: [
            (id: "rt-public", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))]),
            (id: "rt-app", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Nat("nat"))]),
        ],
        internet_gateways: [(id: "igw", vpc: "vpc")],
        nat_gateways: [(id: "nat", subnet: "public", connectivity: Private)],
        functions: [(id: "fn", vpc: (subnets: ["app"]))],
    )"#,
    );
    assert_eq!(
        s.outcome("fn", "sqs"),
        blocked("NAT_WITHOUT_INTERNET_ROUTE")
    );
}

// ----------------------------------------------- rule 12: gateway endpoints

const GATEWAY: &str = r#"(
    vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
    subnets: [
        (id: "public", vpc: "vpc", cidr: "10.0.0.0/24", route_table: "rt-public"),
        (id: "a", vpc: "vpc", cidr: "10.0.1.0/24", route_table: "rt-a"),
        (id: "b", vpc: "vpc", cidr: "10.0.2.0/24", route_table: "rt-b"),
        (id: "c", vpc: "vpc", cidr: "10.0.3.0/24", route_table: "rt-c"),
    ],
    route_tables: [
        (id: "rt-public", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))]),
        (id: "rt-a", vpc: "vpc"),
        (id: "rt-b", vpc: "vpc"),
        (id: "rt-c", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Nat("nat"))]),
    ],
    internet_gateways: [(id: "igw", vpc: "vpc")],
    nat_gateways: [(id: "nat", subnet: "public", elastic_ip: "54.160.0.100")],
    vpc_endpoints: [(id: "vpce-s3", vpc: "vpc", service: "s3", kind: Gateway, route_tables: ["rt-a"])],
    functions: [
        (id: "fn-a", vpc: (subnets: ["a"])),
        (id: "fn-b", vpc: (subnets: ["b"])),
        (id: "fn-c", vpc: (subnets: ["c"])),
    ],
)"#;

#[test]
fn gateway_endpoint_serves_only_associated_route_tables() {
    let s = scenario(GATEWAY);
    let t = s.trace("fn-a", "s3");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert_eq!(route_rule(&t), ["pl:s3 -> vpce-s3"]);
    assert!(components(&t).contains(&"vpce-s3"));

    let t = s.trace("fn-b", "s3");
    assert_eq!(blocked_code(&t), Some("GATEWAY_ENDPOINT_NOT_ASSOCIATED"));

    // With a NAT gateway the unassociated subnet still gets there, the public way.
    let t = s.trace("fn-c", "s3");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert!(components(&t).contains(&"nat"));
    assert!(!components(&t).contains(&"vpce-s3"));

    // Only for its own service.
    assert_eq!(s.outcome("fn-a", "dynamodb"), blocked("NO_ROUTE"));
}

// --------------------------------------------- rule 13: interface endpoints

fn interface_scenario(private_dns: bool, endpoint_ingress: &str) -> crate::Loaded {
    scenario(&format!(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16", dns_support: true, dns_hostnames: true)],
        subnets: [(id: "app", vpc: "vpc", cidr: "10.0.1.0/24")],
        vpc_endpoints: [(id: "vpce-sqs", vpc: "vpc", service: "sqs", kind: Interface, subnets: ["app"],
            security_groups: ["endpoint-sg"], private_dns: {private_dns})],
        security_groups: [
            (id: "fn-sg", vpc: "vpc"),
            (id: "other-sg", vpc: "vpc"),
            (id: "endpoint-sg", vpc: "vpc", ingress: [{endpoint_ingress}]),
        ],
        functions: [
            (id: "fn", vpc: (subnets: ["app"], security_groups: ["fn-sg"])),
            (id: "fn-other", vpc: (subnets: ["app"], security_groups: ["other-sg"])),
        ],
    )"#
    ))
}

const HTTPS_FROM_FN: &str = r#"(protocol: Tcp, ports: "443", sg: "fn-sg")"#;

#[test]
fn interface_endpoint_private_dns_switch() {
    let on = interface_scenario(true, HTTPS_FROM_FN);
    let t = on.trace("fn", "sqs");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    let dns = t.hops.iter().find(|h| h.kind == "dns").unwrap();
    assert!(
        dns.detail
            .contains("resolves to interface endpoint vpce-sqs"),
        "{}",
        dns.detail
    );

    let off = interface_scenario(false, HTTPS_FROM_FN);
    let t = off.trace("fn", "sqs");
    assert_eq!(blocked_code(&t), Some("ENDPOINT_PRIVATE_DNS_OFF"));
    let dns = t.hops.iter().find(|h| h.kind == "dns").unwrap();
    assert!(
        dns.detail.contains("resolves to the public endpoint"),
        "{}",
        dns.detail
    );

    // Private DNS needs the VPC's DNS support and DNS hostnames (AWS refuses otherwise).
    let errs = invalid(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [(id: "app", vpc: "vpc", cidr: "10.0.1.0/24")],
        vpc_endpoints: [(id: "vpce-sqs", vpc: "vpc", service: "sqs", kind: Interface, subnets: ["app"])],
    )"#,
    );
    assert!(errs.iter().any(|e| e.contains("private_dns")), "{errs:?}");
}

#[test]
fn interface_endpoint_security_group_must_admit_443() {
    let s = interface_scenario(true, HTTPS_FROM_FN);
    assert_eq!(s.outcome("fn", "sqs"), Outcome::Reachable);
    let t = s.trace("fn-other", "sqs");
    assert_eq!(blocked_code(&t), Some("ENDPOINT_SG_DENIED"));
    assert_eq!(blocking_hop(&t).component, "endpoint-sg");

    let port_80 = interface_scenario(true, r#"(protocol: Tcp, ports: "80", cidr: "10.0.0.0/16")"#);
    assert_eq!(port_80.outcome("fn", "sqs"), blocked("ENDPOINT_SG_DENIED"));

    let by_cidr = interface_scenario(
        true,
        r#"(protocol: Tcp, ports: "443", cidr: "10.0.1.0/24")"#,
    );
    assert_eq!(by_cidr.outcome("fn-other", "sqs"), Outcome::Reachable);
}

// ------------------------------------------------ rules 4, 5, 6: triggers

const POLLERS: &str = r#"(
    vpcs: [(id: "vpc", cidr: "10.0.0.0/16", dns_support: true, dns_hostnames: true)],
    subnets: [
        (id: "public", vpc: "vpc", cidr: "10.0.0.0/24", route_table: "rt-public"),
        (id: "isolated", vpc: "vpc", cidr: "10.0.1.0/24"),
    ],
    route_tables: [(id: "rt-public", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))])],
    internet_gateways: [(id: "igw", vpc: "vpc")],
    security_groups: [
        (id: "src-sg", vpc: "vpc", ingress: [(protocol: Tcp, sg: "src-sg")]),
        (id: "endpoint-sg", vpc: "vpc", ingress: [(protocol: Tcp, ports: "443", sg: "src-sg")]),
    ],
    functions: [(id: "fn", vpc: (subnets: ["isolated"]))],
)"#;

fn with_trigger(
    source: TriggerSource,
    mode: PollerMode,
    secrets_manager: bool,
) -> awsreach_model::ScenarioSpec {
    let mut spec = scenario(POLLERS).spec;
    let in_vpc = source.polls_in_vpc();
    spec.triggers.push(awsreach_model::spec::TriggerSpec {
        engine: None,
        auth: None,
        id: Some("t".into()),
        source,
        function: "fn".into(),
        subnets: if in_vpc {
            vec!["isolated".into()]
        } else {
            Vec::new()
        },
        security_groups: if in_vpc {
            vec!["src-sg".into()]
        } else {
            Vec::new()
        },
        port: None,
        mode,
        secrets_manager,
    });
    spec
}

fn add_interface_endpoint(spec: &mut awsreach_model::ScenarioSpec, service: &str) {
    spec.vpc_endpoints
        .push(awsreach_model::spec::VpcEndpointSpec {
            id: format!("vpce-{service}"),
            vpc: "vpc".into(),
            service: service.into(),
            kind: awsreach_model::spec::EndpointKind::Interface,
            route_tables: Vec::new(),
            subnets: vec!["isolated".into()],
            security_groups: vec!["endpoint-sg".into()],
            private_dns: true,
            policy: None,
        });
}

#[test]
fn managed_pollers_and_push_sources_need_no_vpc_path() {
    use TriggerSource::*;
    for source in [
        Sqs,
        Kinesis,
        DynamoDbStreams,
        EventBridge,
        Sns,
        S3,
        ApiGateway,
    ] {
        let s = load_spec(
            with_trigger(source, PollerMode::OnDemand, false),
            &format!("{source:?}"),
        );
        let t = s.trace("t", "fn");
        assert!(t.verdict.is_reachable(), "{source:?}: {:?}", t.verdict);
        // No hop of the walk touches the VPC: no ENI, filter or route.
        assert!(
            t.hops.iter().all(|h| !matches!(
                h.kind,
                "eni" | "security-group" | "network-acl" | "route-table"
            )),
            "{source:?} used a VPC path: {:#?}",
            t.hops
        );
        // The service id works as well as the trigger id.
        let service = source.service_id();
        assert_eq!(s.outcome(service, "fn"), Outcome::Reachable, "{service}");
    }
}

#[test]
fn vpc_pollers_need_nat_or_lambda_and_sts_endpoints() {
    use TriggerSource::*;
    for source in [Msk, SelfManagedKafka, AmazonMq, DocumentDb] {
        let what = format!("{source:?}");
        // On demand, isolated subnet: no way to the Lambda API.
        let s = load_spec(with_trigger(source, PollerMode::OnDemand, false), &what);
        let t = s.trace("t", "fn");
        assert_eq!(blocked_code(&t), Some("POLLER_NO_PATH"), "{what}");
        assert!(
            t.hops.iter().any(|h| h.kind == "eni"),
            "{what}: the poller ENI is a hop"
        );

        // Provisioned mode needs nothing extra; it exists only for MSK and
        // self-managed Kafka here (and SQS), validation refuses it elsewhere
        // (rule 21).
        let provisioned = with_trigger(source, PollerMode::Provisioned, false);
        if source.has_provisioned_mode() {
            let s = load_spec(provisioned, &what);
            assert_eq!(
                s.outcome("t", "fn"),
                Outcome::Reachable,
                "{what} provisioned"
            );
        } else {
            assert!(
                awsreach_model::validate(&provisioned).is_err(),
                "{what}: provisioned mode must be refused"
            );
        }

        // Endpoints for lambda alone are not enough; lambda and sts are.
        let mut spec = with_trigger(source, PollerMode::OnDemand, false);
        add_interface_endpoint(&mut spec, "lambda");
        let s = load_spec(spec.clone(), &what);
        let t = s.trace("t", "fn");
        assert_eq!(blocked_code(&t), Some("POLLER_NO_PATH"), "{what}");
        assert!(
            blocking_hop(&t).detail.contains("sts"),
            "{what}: {}",
            blocking_hop(&t).detail
        );
        add_interface_endpoint(&mut spec, "sts");
        let s = load_spec(spec, &what);
        assert_eq!(s.outcome("t", "fn"), Outcome::Reachable, "{what} endpoints");

        // Credentials in Secrets Manager add a third endpoint.
        let mut spec = with_trigger(source, PollerMode::OnDemand, true);
        add_interface_endpoint(&mut spec, "lambda");
        add_interface_endpoint(&mut spec, "sts");
        let s = load_spec(spec.clone(), &what);
        assert_eq!(s.outcome("t", "fn"), blocked("POLLER_NO_PATH"), "{what}");
        add_interface_endpoint(&mut spec, "secretsmanager");
        let s = load_spec(spec, &what);
        assert_eq!(s.outcome("t", "fn"), Outcome::Reachable, "{what} secrets");
    }
}

#[test]
fn vpc_pollers_use_the_sources_security_group_on_the_broker_port() {
    let mut spec = with_trigger(TriggerSource::Msk, PollerMode::Provisioned, false);
    // Only 9092 between members: the MSK IAM port 9098 is missing.
    let sg = spec
        .security_groups
        .iter_mut()
        .find(|g| g.id == "src-sg")
        .unwrap();
    sg.ingress[0].ports = Some("9092".into());
    let s = load_spec(spec.clone(), "msk on 9098");
    assert_eq!(s.outcome("t", "fn"), blocked("POLLER_SG_DENIED"));
    spec.triggers[0].port = Some(9092);
    let s = load_spec(spec, "msk on 9092");
    assert_eq!(s.outcome("t", "fn"), Outcome::Reachable);
}

#[test]
fn vpc_pollers_in_a_public_subnet_still_need_nat_or_endpoints() {
    let mut spec = with_trigger(TriggerSource::Msk, PollerMode::OnDemand, false);
    spec.triggers[0].subnets = vec!["public".into()];
    let s = load_spec(spec, "msk in a public subnet");
    let t = s.trace("t", "fn");
    assert_eq!(blocked_code(&t), Some("POLLER_NO_PATH"));
    assert_eq!(blocking_hop(&t).kind, "internet-gateway");
}

// ------------------------------------ rule 1: every ENI of a VPC function

#[test]
fn multi_subnet_function_is_blocked_when_one_subnet_lacks_nat() {
    let mut spec = nat_scenario("public").spec;
    spec.subnets.push(awsreach_model::spec::SubnetSpec {
        id: "forgotten".into(),
        vpc: "vpc".into(),
        cidr: "10.0.9.0/24".into(),
        ipv6_cidr: None,
        az: Some("b".into()),
        route_table: None,
        network_acl: None,
    });
    let both = |subnets: &[&str]| FunctionVpcSpec {
        subnets: subnets.iter().map(|s| s.to_string()).collect(),
        security_groups: Vec::new(),
        ipv6_dual_stack: false,
    };
    spec.functions[0].vpc = Some(both(&["app", "forgotten"]));
    let s = load_spec(spec.clone(), "fn in app and forgotten");
    let t = s.trace("fn", "sqs");
    assert_eq!(blocked_code(&t), Some("NO_ROUTE"));
    assert!(
        t.hops[0].detail.contains("subnet forgotten"),
        "the trace follows the failing ENI: {}",
        t.hops[0].detail
    );
    // The order of the subnets does not matter.
    spec.functions[0].vpc = Some(both(&["forgotten", "app"]));
    let s = load_spec(spec.clone(), "fn in forgotten and app");
    assert_eq!(s.outcome("fn", "sqs"), blocked("NO_ROUTE"));
    // Both subnets routed to the NAT gateway: reachable.
    spec.subnets.last_mut().unwrap().route_table = Some("rt-app".into());
    let s = load_spec(spec, "both subnets routed");
    assert_eq!(s.outcome("fn", "sqs"), Outcome::Reachable);
}

// ----------------------------------------------------------- rule 3: invoke

#[test]
fn invocation_goes_to_the_lambda_api_not_the_function() {
    let s = nat_scenario("public");
    let t = s.trace("app-ec2", "fn");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    let dns = t.hops.iter().find(|h| h.kind == "dns").unwrap();
    assert!(
        dns.detail.contains("lambda.us-east-1.amazonaws.com"),
        "{}",
        dns.detail
    );
    // The callee's ENI is never a hop of the invocation.
    assert!(
        !t.hops
            .iter()
            .any(|h| h.kind == "eni" && h.component == "fn")
    );
    assert_eq!(t.hops.last().unwrap().component, "fn");
}

// ---------------------------------------------- rule 7: logs via the service

#[test]
fn function_logs_are_shipped_by_the_lambda_service_api_calls_are_not() {
    // A private function without NAT: its own logs still flow (the Lambda
    // service ships them), but an SDK call to CloudWatch Logs has no path.
    let s = scenario(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")],
            subnets: [(id: "private", vpc: "v", cidr: "10.0.1.0/24")],
            functions: [(id: "fn", vpc: (subnets: ["private"]))])"#,
    );
    let t = s.trace("fn", "logs");
    assert_eq!(t.hops[0].kind, "lambda-service");
    assert!(t.hops[0].detail.contains("delivered by the Lambda service"));
    assert_eq!(blocked_code(&t), Some("NO_ROUTE"));
    // Other services get no such note.
    assert_ne!(s.trace("fn", "sqs").hops[0].kind, "lambda-service");
}

/// A narrower route to the IGW beats the NAT default route: the fix must
/// move the function to a subnet whose table sends *that* destination to
/// the NAT gateway (found by `awsreach fuzz` with route stress).
#[test]
fn no_public_ip_fix_follows_the_route_that_matched() {
    let s = scenario(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")],
            subnets: [
                (id: "public", vpc: "v", cidr: "10.0.0.0/24", route_table: "rt-public"),
                (id: "odd", vpc: "v", cidr: "10.0.1.0/24", route_table: "rt-odd"),
                (id: "private", vpc: "v", cidr: "10.0.2.0/24", route_table: "rt-private"),
            ],
            route_tables: [
                (id: "rt-public", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))]),
                (id: "rt-odd", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Nat("nat")), (dest: "191.8.114.0/23", target: Igw("igw"))]),
                (id: "rt-private", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Nat("nat"))]),
            ],
            internet_gateways: [(id: "igw", vpc: "v")],
            nat_gateways: [(id: "nat", subnet: "public", elastic_ip: "52.0.0.1")],
            functions: [(id: "fn", vpc: (subnets: ["odd"]))],
            external_hosts: [(id: "host", ip: "191.8.114.88", listen: ["tcp/443"])])"#,
    );
    let t = s.trace("fn", "host");
    assert_eq!(blocked_code(&t), Some("NO_PUBLIC_IP"));
    assert!(matches!(t.verdict, Verdict::Blocked(_)));
    assert_eq!(
        t.fixes[0].to_string(),
        "attach function fn to subnets private"
    );
    let (fixed, _) = awsreach_sim::apply_remedy(&s.spec, &t.fixes[0]).expect("fix validates");
    assert_eq!(
        load_spec(fixed, "fixed").outcome("fn", "host"),
        Outcome::Reachable
    );
}

#[test]
fn a_function_url_with_aws_iam_refuses_an_anonymous_client() {
    // Lambda, "Control access to Lambda function URLs": AWS_IAM lets only
    // signed requests through; NONE needs a public resource-based policy.
    let src = r#"(
        functions: [(id: "f"), (id: "g", policy: (allow: ["*"]))],
        triggers: [
            (id: "iam-url", source: FunctionUrl, function: "f"),
            (id: "open-url", source: FunctionUrl, auth: NoAuth, function: "f"),
            (id: "public-url", source: FunctionUrl, auth: NoAuth, function: "g"),
        ],
    )"#;
    let s = scenario(src);
    let t = s.trace("iam-url", "f");
    assert_eq!(blocked_code(&t), Some("INVOKE_NOT_PERMITTED"));
    assert!(
        t.hops
            .iter()
            .any(|h| h.detail.contains("auth type AWS_IAM")),
        "{:#?}",
        t.hops
    );
    assert_eq!(
        s.outcome("open-url", "f"),
        Outcome::Reachable,
        "no policy modelled"
    );
    assert_eq!(s.outcome("public-url", "g"), Outcome::Reachable);
    assert_eq!(
        s.outcome("iam-url", "f"),
        blocked("INVOKE_NOT_PERMITTED"),
        "the verdict-only path agrees"
    );
}

// ------------------------------------------- rule 26: a host by its name

/// One instance with all egress allowed, a host known by its hostname only,
/// and the instance subnet's NACL given by `acl_rules` (outbound).
fn by_name(acl_rules: &str) -> crate::Loaded {
    scenario(&format!(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "public", vpc: "vpc", cidr: "10.0.0.0/24", route_table: "rt-public"),
            (id: "app", vpc: "vpc", cidr: "10.0.1.0/24", route_table: "rt-app", network_acl: "acl"),
        ],
        route_tables: [
            (id: "rt-public", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))]),
            (id: "rt-app", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Nat("nat"))]),
        ],
        internet_gateways: [(id: "igw", vpc: "vpc")],
        nat_gateways: [(id: "nat", subnet: "public", elastic_ip: "54.160.0.100")],
        network_acls: [(id: "acl", vpc: "vpc",
            ingress: [(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0")],
            egress: [{acl_rules}])],
        security_groups: [(id: "sg", vpc: "vpc")],
        resources: [(id: "vm", kind: Ec2, subnet: "app", security_groups: ["sg"])],
        external_hosts: [(id: "stripe", hostname: "api.stripe.com")],
    )"#
    ))
}

#[test]
fn an_unknown_address_decides_only_where_a_public_rule_comes_first() {
    let allow_all = r#"(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0")"#;
    assert_eq!(
        by_name(allow_all).outcome("vm", "api.stripe.com"),
        Outcome::Reachable
    );
    // A deny for a public block ahead of the allow: the address decides.
    let public_first = format!(
        r#"(rule: 90, action: Deny, protocol: Tcp, ports: "443", cidr: "203.0.113.0/24"), {allow_all}"#
    );
    assert_eq!(
        by_name(&public_first).outcome("vm", "api.stripe.com"),
        Outcome::Unknown(awsreach_sim::Code::UnknownAddress)
    );
    // The same deny after the allow, or for a private block, or another
    // port: no public address could meet it first.
    for rules in [
        format!(
            r#"{allow_all}, (rule: 200, action: Deny, protocol: Tcp, ports: "443", cidr: "203.0.113.0/24")"#
        ),
        format!(
            r#"(rule: 90, action: Deny, protocol: Tcp, ports: "443", cidr: "192.168.0.0/16"), {allow_all}"#
        ),
        format!(
            r#"(rule: 90, action: Deny, protocol: Tcp, ports: "22", cidr: "203.0.113.0/24"), {allow_all}"#
        ),
    ] {
        assert_eq!(
            by_name(&rules).outcome("vm", "api.stripe.com"),
            Outcome::Reachable,
            "{rules}"
        );
    }
    // Nothing allows any address: blocked whatever the name points to.
    let none = r#"(rule: 100, action: Deny, protocol: All, cidr: "0.0.0.0/0")"#;
    assert_eq!(
        by_name(none).outcome("vm", "api.stripe.com"),
        blocked("NACL_OUTBOUND_DENIED")
    );
    // The trace names the DNS answer and the missing address.
    let t = by_name(&public_first).trace("vm", "stripe");
    assert!(components(&t).contains(&"dns"), "{:?}", components(&t));
}
