//! Transit gateways in the checked model: several route tables,
//! associations, propagations, static and blackhole routes, and the
//! mistakes validation names.

use awsreach_model::edit::Fix;

use crate::{check, error, spec};

const VPCS: &str = r#"
    vpcs: [(id: "a", cidr: "10.1.0.0/16"), (id: "b", cidr: "10.2.0.0/16"), (id: "shared", cidr: "10.9.0.0/16")],
    subnets: [
        (id: "sa", vpc: "a", cidr: "10.1.0.0/24"),
        (id: "sb", vpc: "b", cidr: "10.2.0.0/24", az: "b"),
        (id: "ss", vpc: "shared", cidr: "10.9.0.0/24"),
    ],
"#;

fn full() -> String {
    format!(
        r#"({VPCS}
        transit_gateways: [(
            id: "tgw",
            sg_referencing: true,
            default_route_table: "spokes",
            route_tables: [
                (id: "spokes", routes: [(dest: "10.200.0.0/16")]),
                (id: "shared-rt", routes: [(dest: "10.9.0.0/16", vpc: "shared")]),
            ],
            attachments: [
                (id: "att-a", vpc: "a", subnets: ["sa"], propagate: ["shared-rt"]),
                (vpc: "b", subnets: ["sb"], propagate: ["shared-rt"], appliance_mode: true),
                (vpc: "shared", subnets: ["ss"], route_table: "shared-rt", propagate: ["spokes", "shared-rt"]),
            ],
        )],
    )"#
    )
}

#[test]
fn full_form_resolves_associations_propagations_and_static_routes() {
    let s = check(&full()).scenario;
    let tg = &s.transit_gateways[0];
    assert!(tg.sg_referencing);
    let names: Vec<&str> = tg.route_tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["spokes", "shared-rt"]);
    // Unsaid association: the default route table; said: the one named.
    let assoc: Vec<Option<usize>> = tg.attachments.iter().map(|a| a.route_table).collect();
    assert_eq!(assoc, [Some(0), Some(0), Some(1)]);
    assert_eq!(tg.attachments[0].name, "att-a");
    assert_eq!(
        tg.attachments[1].name, "b",
        "an attachment without id is named by its vpc"
    );
    assert!(tg.attachments[1].appliance_mode && !tg.attachments[0].appliance_mode);
    let show = |t: usize| -> Vec<String> {
        tg.route_tables[t]
            .routes
            .iter()
            .map(|r| {
                let to = r
                    .target
                    .map_or("blackhole".to_string(), |a| tg.attachments[a].name.clone());
                format!(
                    "{} {to}{}",
                    r.dest,
                    if r.propagated { " (propagated)" } else { "" }
                )
            })
            .collect()
    };
    // Spokes see only the shared VPC (isolated spokes) and a blackhole.
    assert_eq!(
        show(0),
        ["10.200.0.0/16 blackhole", "10.9.0.0/16 shared (propagated)"]
    );
    // The static route to 10.9.0.0/16 wins over the same prefix propagated.
    assert_eq!(
        show(1),
        [
            "10.9.0.0/16 shared",
            "10.1.0.0/16 att-a (propagated)",
            "10.2.0.0/16 b (propagated)"
        ]
    );
}

#[test]
fn security_groups_reference_across_a_transit_gateway_only_when_enabled() {
    let groups = r#"security_groups: [
        (id: "sg-a", vpc: "a"),
        (id: "sg-s", vpc: "shared", ingress: [(protocol: Tcp, ports: "443", sg: "sg-a")]),
    ],"#;
    let on = full().replacen(
        "transit_gateways",
        &format!("{groups}\n transit_gateways"),
        1,
    );
    check(&on);
    let off = on.replace("sg_referencing: true,", "");
    assert_eq!(
        error(&off),
        "security_groups[\"sg-s\"].ingress[0]: security group `sg-a` is in vpc `a`, not in vpc `shared`"
    );
}

#[test]
fn mistakes_in_transit_gateway_tables_are_named() {
    let unknown_table = full().replace("route_table: \"shared-rt\"", "route_table: \"shared\"");
    assert_eq!(
        error(&unknown_table),
        "transit_gateways[\"tgw\"].attachments.route_table: invalid transit gateway route table `shared`: no route table of that name in transit gateway `tgw` (known: shared-rt, spokes)"
    );
    let unattached = full().replace(
        "(id: \"att-a\", vpc: \"a\", subnets: [\"sa\"], propagate: [\"shared-rt\"]),",
        "",
    );
    let unattached = unattached.replace(
        "routes: [(dest: \"10.200.0.0/16\")]",
        "routes: [(dest: \"10.1.0.0/16\", vpc: \"a\")]",
    );
    assert_eq!(
        error(&unattached),
        "transit_gateways[\"tgw\"].route_tables[spokes].routes[10.1.0.0/16]: invalid transit gateway route `a`: vpc `a` is not attached to transit gateway `tgw`; add it to `attachments`"
    );
    let twice = full().replace(
        "(vpc: \"shared\", subnets: [\"ss\"]",
        "(vpc: \"a\", subnets: [\"sa\"]), (vpc: \"shared\", subnets: [\"ss\"]",
    );
    assert_eq!(
        error(&twice),
        "transit_gateways[\"tgw\"].attachments: invalid transit gateway attachment `a`: the vpc is attached twice; a vpc has at most one attachment per transit gateway"
    );
    let both = full().replace("sg_referencing: true,", "routes: [(dest: \"10.0.0.0/8\")],");
    assert!(error(&both).contains("`routes` is the simple form's default table"));
}

/// A first static route in the simple form would turn propagation off;
/// the edit pins the attachments' propagation so that it does not.
#[test]
fn adding_a_static_route_keeps_the_simple_form_propagating() {
    let src = format!(
        r#"({VPCS} transit_gateways: [(id: "tgw", attachments: [(vpc: "a", subnets: ["sa"]), (vpc: "b", subnets: ["sb"])])])"#
    );
    let mut sp = spec(&src);
    Fix::AddTgwRoute {
        tgw: "tgw".into(),
        table: "default".into(),
        dest: "10.9.0.0/16".into(),
        vpc: "b".into(),
    }
    .apply(&mut sp);
    let s = awsreach_model::validate(&sp)
        .expect("valid after the edit")
        .scenario;
    let dests: Vec<String> = s.transit_gateways[0].route_tables[0]
        .routes
        .iter()
        .map(|r| format!("{}{}", r.dest, if r.propagated { " p" } else { "" }))
        .collect();
    assert_eq!(dests, ["10.9.0.0/16", "10.1.0.0/16 p", "10.2.0.0/16 p"]);
    // Associating and propagating edit the attachment.
    Fix::PropagateTgwRoutes {
        tgw: "tgw".into(),
        vpc: "a".into(),
        table: "default".into(),
    }
    .apply(&mut sp);
    Fix::AddTgwAttachmentSubnet {
        tgw: "tgw".into(),
        vpc: "shared".into(),
        subnet: "ss".into(),
    }
    .apply(&mut sp);
    let t = &sp.transit_gateways[0];
    assert_eq!(t.attachments.len(), 3, "the shared vpc is attached");
    assert_eq!(t.attachments[2].subnets, ["ss"]);
}

/// A table listed twice is named once and keeps its first place: the second
/// listing once pointed the name past the end of the tables, and a
/// propagation into it panicked (found by `awsreach fuzz` on a mangled
/// `tgw-centralised-egress.ron`).
#[test]
fn a_table_listed_twice_is_an_error_not_a_panic() {
    let twice = full().replace(
        "(id: \"shared-rt\", routes: [(dest: \"10.9.0.0/16\", vpc: \"shared\")]),",
        "(id: \"shared-rt\", routes: [(dest: \"10.9.0.0/16\", vpc: \"shared\")]), (id: \"spokes\"),",
    );
    assert_ne!(twice, full());
    assert_eq!(
        error(&twice),
        "transit_gateways[\"tgw\"].route_tables: invalid transit gateway route table `spokes`: listed twice"
    );
}
