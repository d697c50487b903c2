//! Transit gateways in traces (rules 18 and 19 of `docs/aws-rules.md`):
//! what the hops say, and group references across the gateway.

use awsreach_model::net::Protocol;
use awsreach_sim::{Decision, ProbeOptions};

use crate::{blocked_code, scenario};

/// Two VPCs joined by a transit gateway with two tables and, for the group
/// reference test, by a peering too (which makes the reference valid
/// whatever the gateway's setting): the route goes through the gateway.
fn two_vpcs(sg_referencing: bool) -> String {
    format!(
        r#"(
        vpcs: [(id: "a", cidr: "10.1.0.0/16"), (id: "b", cidr: "10.2.0.0/16")],
        subnets: [
            (id: "sa", vpc: "a", cidr: "10.1.1.0/24", route_table: "rt-a"),
            (id: "sb", vpc: "b", cidr: "10.2.1.0/24", route_table: "rt-b"),
        ],
        route_tables: [
            (id: "rt-a", vpc: "a", routes: [(dest: "10.2.0.0/16", target: TransitGateway("tgw"))]),
            (id: "rt-b", vpc: "b", routes: [(dest: "10.1.0.0/16", target: TransitGateway("tgw"))]),
        ],
        peering_connections: [(id: "pcx", requester: "a", accepter: "b")],
        transit_gateways: [(
            id: "tgw",
            sg_referencing: {sg_referencing},
            route_tables: [(id: "rt-from-a", routes: [(dest: "10.2.0.0/16", vpc: "b")]), (id: "rt-from-b")],
            attachments: [
                (id: "att-a", vpc: "a", subnets: ["sa"], route_table: "rt-from-a", propagate: ["rt-from-b"]),
                (id: "att-b", vpc: "b", subnets: ["sb"], route_table: "rt-from-b", propagate: []),
            ],
        )],
        security_groups: [
            (id: "app-sg", vpc: "a"),
            (id: "db-sg", vpc: "b", ingress: [(protocol: Tcp, ports: "5432", sg: "app-sg")]),
        ],
        resources: [
            (id: "app", subnet: "sa", security_groups: ["app-sg"]),
            (id: "db", kind: Rds, subnet: "sb", security_groups: ["db-sg"], listen: ["tcp/5432"]),
        ],
    )"#
    )
}

fn db() -> ProbeOptions {
    ProbeOptions {
        port: Some(5432),
        protocol: Some(Protocol::Tcp),
        ..ProbeOptions::default()
    }
}

#[test]
fn transit_gateway_hops_name_the_table_and_route_that_decided() {
    let t = scenario(&two_vpcs(true)).trace_with("app", "db", &db());
    assert_eq!(blocked_code(&t), None, "{t:#?}");
    let tgw: Vec<&crate::HopText> = t
        .hops
        .iter()
        .filter(|h| h.kind == "transit-gateway")
        .collect();
    assert!(t.hops.iter().all(|h| h.kind != "peering"), "{t:#?}");
    assert_eq!(tgw.len(), 2, "the crossing and the reply's check: {t:#?}");
    assert!(
        tgw.iter()
            .all(|h| h.component == "tgw" && h.decision == Decision::Pass)
    );
    assert!(
        tgw[0]
            .detail
            .contains("route table rt-from-a (associated with att-a)"),
        "{}",
        tgw[0].detail
    );
    assert_eq!(
        tgw[0].rule.as_deref(),
        Some("rt-from-a: 10.2.0.0/16 -> att-b (static)")
    );
    assert!(
        tgw[1].detail.contains("route table rt-from-b")
            && tgw[1].detail.contains("back to attachment att-a"),
        "{}",
        tgw[1].detail
    );
}

/// A group reference holds across a transit gateway only when the gateway
/// enables security group referencing; the peering that makes the rule
/// valid is not the path the packet takes.
#[test]
fn group_references_match_across_a_transit_gateway_only_when_enabled() {
    let on = scenario(&two_vpcs(true)).trace_with("app", "db", &db());
    assert_eq!(blocked_code(&on), None, "{on:#?}");
    let off = scenario(&two_vpcs(false)).trace_with("app", "db", &db());
    assert_eq!(blocked_code(&off), Some("SG_INGRESS_DENIED"), "{off:#?}");
}

/// Rule 18 in the remedies: a VPC with no route to another VPC that shares
/// its transit gateway is told to route that VPC's block to the gateway
/// (before, it was told to create a peering connection, which bypasses the
/// gateway and its inspection or isolation tables).
#[test]
fn no_route_to_a_vpc_on_the_same_transit_gateway_routes_its_block_there() {
    let src = r#"(
        vpcs: [(id: "a", cidr: "10.1.0.0/16"), (id: "b", cidr: "10.2.0.0/16")],
        subnets: [
            (id: "sa", vpc: "a", cidr: "10.1.1.0/24", route_table: "rt-a"),
            (id: "sb", vpc: "b", cidr: "10.2.1.0/24", route_table: "rt-b"),
        ],
        route_tables: [
            (id: "rt-a", vpc: "a"),
            (id: "rt-b", vpc: "b", routes: [(dest: "10.1.0.0/16", target: TransitGateway("tgw"))]),
        ],
        transit_gateways: [(
            id: "tgw",
            attachments: [
                (id: "att-a", vpc: "a", subnets: ["sa"]),
                (id: "att-b", vpc: "b", subnets: ["sb"]),
            ],
        )],
        security_groups: [
            (id: "app-sg", vpc: "a"),
            (id: "db-sg", vpc: "b", ingress: [(protocol: Tcp, ports: "5432", cidr: "10.1.0.0/16")]),
        ],
        resources: [
            (id: "app", subnet: "sa", security_groups: ["app-sg"]),
            (id: "db", kind: Rds, subnet: "sb", security_groups: ["db-sg"], listen: ["tcp/5432"]),
        ],
    )"#;
    let l = scenario(src);
    let t = l.trace_with("app", "db", &db());
    assert_eq!(blocked_code(&t), Some("NO_ROUTE"), "{t:#?}");
    let first = t.fixes.first().expect("a fix");
    assert_eq!(
        first.steps,
        vec![awsreach_sim::Fix::AddRoute {
            table: "rt-a".into(),
            dest: "10.2.0.0/16".into(),
            spec_target: awsreach_model::spec::RouteTarget::TransitGateway("tgw".into()),
            target: "tgw".into(),
            vpc: "a".into(),
        }],
        "{first}"
    );
    let mut spec = l.spec.clone();
    first.apply(&mut spec);
    let after = crate::load_spec(spec, "fixed");
    assert_eq!(
        after.outcome_with("app", "db", &db()),
        awsreach_sim::Outcome::Reachable
    );
}
