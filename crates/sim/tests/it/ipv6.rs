//! IPv6 remedies (rule 24): a route to another VPC's IPv6 address goes over
//! what joins the two VPCs (before, every IPv6 destination without a route
//! got `::/0` to the egress-only gateway, which sends it to the internet,
//! where it is lost); an end without an IPv6 address is assigned one from
//! its subnet's IPv6 block, and, when the subnet has none, the trace says
//! what is needed instead.

use awsreach_model::spec::RouteTarget;
use awsreach_sim::blast::{DangerKind, trace_assessed};
use awsreach_sim::{Fix, Outcome, ProbeOptions, Remedy};

use crate::{Loaded, Shown, load_file, load_spec, root};

fn v6(port: u16) -> ProbeOptions {
    ProbeOptions {
        port: Some(port),
        ipv6: true,
        ..ProbeOptions::default()
    }
}

fn fixes_file() -> Loaded {
    load_file(&root().join("scenarios/rules/ipv6-fixes.ron"))
}

fn only_route(t: &Shown) -> (&str, &str, &RouteTarget) {
    match t.fixes.as_slice() {
        [Remedy { steps }] => match steps.as_slice() {
            [
                Fix::AddRoute {
                    table,
                    dest,
                    spec_target,
                    ..
                },
            ] => (table.as_str(), dest.as_str(), spec_target),
            other => panic!("one route expected, got {other:?}"),
        },
        other => panic!("one remedy expected, got {other:?}"),
    }
}

/// The first fix, applied, makes the call reachable over IPv6.
fn fixed_by_first(l: &Loaded, from: &str, to: &str, port: u16) {
    let t = l.trace_with(from, to, &v6(port));
    let mut spec = l.spec.clone();
    t.fixes[0].apply(&mut spec);
    let after = load_spec(spec, "fixed");
    assert_eq!(
        after.outcome_with(from, to, &v6(port)),
        Outcome::Reachable,
        "{from} -> {to} after {}",
        t.fixes[0]
    );
}

#[test]
fn no_ipv6_route_to_a_peered_vpc_routes_its_block_over_the_peering() {
    let l = fixes_file();
    let t = l.trace_with("batch", "db", &v6(5432));
    assert_eq!(t.outcome(), crate::blocked("NO_ROUTE"));
    assert_eq!(
        only_route(&t),
        (
            "rt-a3",
            "2600:1f18:bbbb:b100::/56",
            &RouteTarget::Peering("pcx-ab".into())
        )
    );
    fixed_by_first(&l, "batch", "db", 5432);
}

#[test]
fn no_ipv6_route_to_a_vpc_on_the_same_transit_gateway_routes_its_block_there() {
    let l = fixes_file();
    let t = l.trace_with("batch", "web", &v6(443));
    assert_eq!(
        only_route(&t),
        (
            "rt-a3",
            "2600:1f18:cccc:c100::/56",
            &RouteTarget::TransitGateway("tgw".into())
        )
    );
    // The attachments propagate their IPv6 blocks: one route is enough.
    fixed_by_first(&l, "batch", "web", 443);
}

#[test]
fn a_default_route_to_the_internet_loses_a_joined_vpcs_address_and_the_fix_routes_its_block() {
    let l = fixes_file();
    let t = l.trace_with("app", "db", &v6(5432));
    assert_eq!(t.outcome(), crate::blocked("NO_ROUTE"));
    assert_eq!(
        only_route(&t),
        (
            "rt-a",
            "2600:1f18:bbbb:b100::/56",
            &RouteTarget::Peering("pcx-ab".into())
        )
    );
    fixed_by_first(&l, "app", "db", 5432);
}

#[test]
fn nothing_joins_the_vpcs_so_no_route_is_proposed_and_the_trace_says_why() {
    let l = fixes_file();
    let t = l.trace_with("batch", "lone", &v6(443));
    assert_eq!(t.outcome(), crate::blocked("NO_ROUTE"));
    assert!(t.fixes.is_empty(), "{:?}", t.fixes);
    assert!(
        t.why
            .contains("no peering connection or transit gateway joins a and d"),
        "{}",
        t.why
    );
}

#[test]
fn an_end_without_ipv6_in_a_dual_stack_subnet_is_assigned_an_address() {
    let l = fixes_file();
    for (from, to) in [("app", "old"), ("old", "app")] {
        let t = l.trace_with(from, to, &v6(443));
        assert_eq!(t.outcome(), crate::blocked("NO_IPV6"), "{from} -> {to}");
        let [Remedy { steps }] = t.fixes.as_slice() else {
            panic!("one remedy expected, got {:?}", t.fixes)
        };
        let [Fix::AssignIpv6 { resource, ip }] = steps.as_slice() else {
            panic!("an IPv6 address expected, got {steps:?}")
        };
        assert_eq!(resource, "old");
        let ip: std::net::Ipv6Addr = ip.parse().expect("an IPv6 address");
        let net: ipnet::Ipv6Net = "2600:1f18:aaaa:a101::/64".parse().unwrap();
        assert!(net.contains(&ip), "{ip} is in old's subnet's block");
        fixed_by_first(&l, from, to, 443);
    }
}

#[test]
fn an_assigned_address_never_collides_with_one_an_eni_holds() {
    // old's IPv4 offset in a1 (.5) is where the address would go; app
    // holds that IPv6 address already.
    let src = std::fs::read_to_string(root().join("scenarios/rules/ipv6-fixes.ron"))
        .unwrap()
        .replace("2600:1f18:aaaa:a101::10", "2600:1f18:aaaa:a101::5");
    let l = crate::scenario(&src);
    let t = l.trace_with("app", "old", &v6(443));
    let Fix::AssignIpv6 { ip, .. } = &t.fixes[0].steps[0] else {
        panic!("{:?}", t.fixes)
    };
    assert_ne!(ip, "2600:1f18:aaaa:a101::5");
    fixed_by_first(&l, "app", "old", 443);
}

#[test]
fn an_end_in_a_subnet_without_an_ipv6_block_gets_no_fix_but_the_reason() {
    let l = fixes_file();
    for (from, to) in [("app", "legacy"), ("legacy", "app")] {
        let t = l.trace_with(from, to, &v6(443));
        assert_eq!(t.outcome(), crate::blocked("NO_IPV6"));
        assert!(t.fixes.is_empty(), "{:?}", t.fixes);
        assert!(
            t.why.contains("subnet a2 has no IPv6 CIDR block")
                && t.why.contains("an IPv6 CIDR block for subnet a2"),
            "{}",
            t.why
        );
    }
}

#[test]
fn an_ipv6_address_on_an_internet_facing_subnet_is_flagged_public() {
    // a1 routes ::/0 to an internet gateway instead of the egress-only one.
    let src = std::fs::read_to_string(root().join("scenarios/rules/ipv6-fixes.ron"))
        .unwrap()
        .replace(
            "(dest: \"::/0\", target: EgressOnlyIgw(\"eigw\"))",
            "(dest: \"::/0\", target: Igw(\"igw\"))",
        )
        .replace(
            "egress_only_internet_gateways: [(id: \"eigw\", vpc: \"a\")],",
            "",
        )
        .replace(
            "internet_gateways: [(id: \"igw-e\", vpc: \"e\")],",
            "internet_gateways: [(id: \"igw-e\", vpc: \"e\"), (id: \"igw\", vpc: \"a\")],",
        );
    let l = crate::scenario(&src);
    let (_, a) = trace_assessed(&l.spec, &l.engine, "app", "old", &v6(443), 0).expect("probe");
    assert!(matches!(a[0].remedy.steps[0], Fix::AssignIpv6 { .. }));
    assert!(
        a[0].dangers
            .iter()
            .any(|d| d.kind == DangerKind::PublicResource),
        "{:?}",
        a[0].dangers
    );
    // Behind the egress-only gateway the same address is not flagged.
    let l = fixes_file();
    let (_, a) = trace_assessed(&l.spec, &l.engine, "app", "old", &v6(443), 0).expect("probe");
    assert!(a[0].dangers.is_empty(), "{:?}", a[0].dangers);
}

/// Nothing joins a and e, but e has an internet gateway: IPv6 addresses are
/// global, so the fix is the internet route (before, nothing was proposed).
#[test]
fn nothing_joins_the_vpcs_but_the_far_one_faces_the_internet_so_the_fix_is_the_default_route() {
    let l = fixes_file();
    let t = l.trace_with("batch", "open", &v6(443));
    assert_eq!(t.outcome(), crate::blocked("NO_ROUTE"));
    assert_eq!(
        only_route(&t),
        ("rt-a3", "::/0", &RouteTarget::EgressOnlyIgw("eigw".into()))
    );
    assert!(!t.why.contains("no route can reach it"), "{}", t.why);
    fixed_by_first(&l, "batch", "open", 443);
}

/// A matrix asked over IPv6 tells apart ENIs that only their IPv6 address
/// distinguishes (same subnet, same groups, one IPv4 class): a group rule
/// for one source's /128 admits that source alone. Before, the matrix's
/// classes knew only whether an ENI had an IPv6 address, and answered for
/// both what it found for the first.
#[test]
fn an_ipv6_matrix_tells_apart_sources_only_their_ipv6_address_distinguishes() {
    let l = crate::scenario(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16", ipv6_cidr: "2600:1f18:aaaa:a100::/56")],
        subnets: [
            (id: "s", vpc: "v", cidr: "10.0.1.0/24", ipv6_cidr: "2600:1f18:aaaa:a101::/64"),
            (id: "t", vpc: "v", cidr: "10.0.2.0/24", ipv6_cidr: "2600:1f18:aaaa:a102::/64"),
        ],
        security_groups: [
            (id: "src", vpc: "v", egress: [(protocol: All, cidr: "::/0")]),
            (id: "db-sg", vpc: "v", ingress: [(protocol: Tcp, ports: "5432", cidr: "2600:1f18:aaaa:a101::20/128")]),
        ],
        resources: [
            (id: "one", subnet: "s", ipv6_ip: "2600:1f18:aaaa:a101::10", security_groups: ["src"]),
            (id: "two", subnet: "s", ipv6_ip: "2600:1f18:aaaa:a101::20", security_groups: ["src"]),
            (id: "db", kind: Rds, subnet: "t", ipv6_ip: "2600:1f18:aaaa:a102::30", security_groups: ["db-sg"], listen: ["tcp/5432"]),
        ],
    )"#,
    );
    let e = &l.engine;
    let rows = vec![e.node("one").unwrap(), e.node("two").unwrap()];
    let cols = vec![e.node("db").unwrap()];
    let opts = v6(5432);
    let m = e.matrix_with(&rows, &cols, &opts);
    for (i, name) in ["one", "two"].iter().enumerate() {
        let alone = e.outcome(&e.probe_nodes(rows[i], cols[0], &opts).unwrap());
        assert_eq!(m.get(i, 0), Some(alone), "{name}");
    }
    assert_eq!(m.get(0, 0), Some(crate::blocked("SG_INGRESS_DENIED")));
    assert_eq!(m.get(1, 0), Some(Outcome::Reachable));
}
