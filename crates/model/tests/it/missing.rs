//! The `missing` section: entries are checked (the entity exists and the
//! data belongs to its kind) and answered by `Scenario::missing`.

use awsreach_model::spec::MissingKind;
use awsreach_model::*;

use crate::{check, errors};

const NET: &str = r#"
    vpcs: [(id: "v", cidr: "10.0.0.0/16")],
    route_tables: [(id: "rt", vpc: "v")],
    security_groups: [(id: "sg", vpc: "v")],
    network_acls: [(id: "acl", vpc: "v")],
    subnets: [(id: "a", vpc: "v", cidr: "10.0.1.0/24")],
    resources: [(id: "db", kind: Rds, subnet: "a", listen: ["tcp/5432"])],
    functions: [(id: "fn", vpc: (subnets: ["a"], security_groups: ["sg"]))],
    vpc_endpoints: [(id: "vpce", vpc: "v", service: "s3", kind: Gateway, route_tables: ["rt"])],
    transit_gateways: [(id: "tgw", attachments: [(vpc: "v", subnets: ["a"])])],
"#;

fn with_missing(entries: &str) -> String {
    format!("({NET}\n    missing: [{entries}],\n)")
}

fn index<T>(list: &[T], name: impl Fn(&T) -> &str, want: &str) -> u32 {
    list.iter().position(|x| name(x) == want).unwrap() as u32
}

#[test]
fn every_kind_of_missing_data_is_found_on_its_entity() {
    let s = check(&with_missing(
        r#"
        (entity: "a", what: RouteTable, note: "no DescribeRouteTables permission"),
        (entity: "a", what: NetworkAcl),
        (entity: "rt", what: Routes),
        (entity: "sg", what: Rules),
        (entity: "acl", what: Rules),
        (entity: "fn", what: Placement),
        (entity: "db", what: Placement),
        (entity: "tgw", what: TgwRoutes),
        (entity: "fn", what: Policy),
        (entity: "vpce", what: Policy),
    "#,
    ))
    .scenario;
    let subnet = EntityRef::Subnet(SubnetId(index(&s.subnets, |x| &x.name, "a")));
    let rt = EntityRef::RouteTable(RouteTableId(index(&s.route_tables, |x| &x.name, "rt")));
    let sg = EntityRef::SecurityGroup(SgId(index(&s.security_groups, |x| &x.name, "sg")));
    let acl = EntityRef::NetworkAcl(NaclId(index(&s.network_acls, |x| &x.name, "acl")));
    let func = EntityRef::Function(FunctionId(index(&s.functions, |x| &x.name, "fn")));
    let db = EntityRef::Resource(ResourceId(index(&s.resources, |x| &x.name, "db")));
    let tgw = EntityRef::TransitGateway(TgwId(index(&s.transit_gateways, |x| &x.name, "tgw")));
    let vpce = EntityRef::VpcEndpoint(EndpointId(index(&s.endpoints, |x| &x.name, "vpce")));
    let listed = [
        (subnet, MissingKind::RouteTable),
        (subnet, MissingKind::NetworkAcl),
        (rt, MissingKind::Routes),
        (sg, MissingKind::Rules),
        (acl, MissingKind::Rules),
        (func, MissingKind::Placement),
        (db, MissingKind::Placement),
        (tgw, MissingKind::TgwRoutes),
        (func, MissingKind::Policy),
        (vpce, MissingKind::Policy),
    ];
    assert_eq!(s.missing.len(), listed.len());
    for (e, what) in listed {
        let m = s
            .missing(e, what)
            .unwrap_or_else(|| panic!("{e:?} {what:?}"));
        assert_eq!((m.entity, m.what), (e, what));
        assert!(s.missing_for(e).iter().any(|m| m.what == what));
    }
    let note = s
        .missing(subnet, MissingKind::RouteTable)
        .unwrap()
        .note
        .as_deref();
    assert_eq!(note, Some("no DescribeRouteTables permission"));
    // Data not listed is not missing.
    assert!(s.missing(rt, MissingKind::Rules).is_none());
    assert!(s.missing(db, MissingKind::Policy).is_none());
    assert_eq!(s.missing_for(sg).len(), 1);
    assert_eq!(s.entity_name(tgw), "tgw");
}

#[test]
fn no_missing_section_means_nothing_missing() {
    let s = check(&format!("({NET})")).scenario;
    assert!(s.missing.is_empty());
    let a = EntityRef::Subnet(SubnetId(0));
    assert!(s.missing(a, MissingKind::RouteTable).is_none());
    assert!(s.missing_for(a).is_empty());
}

#[test]
fn an_unknown_entity_is_an_error_with_a_suggestion() {
    let e = errors(&with_missing(r#"(entity: "rtt", what: Routes)"#));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].starts_with("missing[0].entity: unknown entity `rtt`"),
        "{}",
        e[0]
    );
    assert!(e[0].contains("did you mean `rt`?"), "{}", e[0]);
}

#[test]
fn data_that_does_not_belong_to_the_entity_is_an_error() {
    for (entry, applies) in [
        (r#"(entity: "a", what: Routes)"#, "a route table"),
        (r#"(entity: "rt", what: RouteTable)"#, "a subnet"),
        (
            r#"(entity: "fn", what: Rules)"#,
            "a security group or a network acl",
        ),
        (
            r#"(entity: "sg", what: Placement)"#,
            "a function, a resource, a trigger or a vpc endpoint",
        ),
        (r#"(entity: "rt", what: TgwRoutes)"#, "a transit gateway"),
        (
            r#"(entity: "db", what: Policy)"#,
            "a function or a vpc endpoint",
        ),
        (r#"(entity: "v", what: NetworkAcl)"#, "a subnet"),
    ] {
        let e = errors(&with_missing(entry));
        assert_eq!(e.len(), 1, "{entry}: {e:#?}");
        assert!(e[0].starts_with("missing[0].entity: `"), "{}", e[0]);
        assert!(
            e[0].contains(&format!("it is data of {applies}")),
            "{}",
            e[0]
        );
    }
}

#[test]
fn the_same_missing_data_twice_is_an_error() {
    let e = errors(&with_missing(
        r#"(entity: "rt", what: Routes), (entity: "sg", what: Rules), (entity: "rt", what: Routes, note: "again")"#,
    ));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].starts_with("missing[2]: `Routes` of `rt` is already listed"),
        "{}",
        e[0]
    );
}

#[test]
fn missing_survives_a_round_trip() {
    let src = with_missing(r#"(entity: "fn", what: Policy, note: "GetPolicy denied")"#);
    let spec = parse(&src).unwrap();
    assert_eq!(parse(&to_ron(&spec)).unwrap(), spec);
}

/// A VPC poller (rule 5) or an interface endpoint (rule 13) whose placement
/// is listed as missing may name no subnets: an importer could not read
/// them. Without the entry, no subnets is still an error.
#[test]
fn a_poller_or_an_interface_endpoint_with_missing_placement_may_list_no_subnets() {
    let net = format!(
        "({NET}\n    triggers: [(id: \"msk-esm\", source: Msk, function: \"fn\")],\n    services: [(id: \"secretsmanager\")],\n    {}",
        r#"missing: [
        (entity: "msk-esm", what: Placement, note: "the cluster is not in the plan"),
        (entity: "ep", what: Placement),
    ],
)"#
    );
    let with_ep = net.replace(
        "vpc_endpoints: [",
        r#"vpc_endpoints: [(id: "ep", vpc: "v", service: "secretsmanager", kind: Interface, private_dns: false), "#,
    );
    let s = check(&with_ep).scenario;
    let t = index(&s.triggers, |x| &x.name, "msk-esm");
    let ep = index(&s.endpoints, |x| &x.name, "ep");
    let m = s
        .missing(EntityRef::Trigger(TriggerId(t)), MissingKind::Placement)
        .expect("the trigger's placement is missing");
    assert_eq!(m.note.as_deref(), Some("the cluster is not in the plan"));
    assert!(
        s.missing(
            EntityRef::VpcEndpoint(EndpointId(ep)),
            MissingKind::Placement
        )
        .is_some()
    );
    assert_eq!(s.entity_name(EntityRef::Trigger(TriggerId(t))), "msk-esm");
    // Without the entries, a poller and an interface endpoint need subnets.
    let bare = with_ep.replace(
        r#"missing: [
        (entity: "msk-esm", what: Placement, note: "the cluster is not in the plan"),
        (entity: "ep", what: Placement),
    ],"#,
        "",
    );
    let e = errors(&bare);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e.iter().any(|x| x.starts_with("triggers[0].subnets")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|x| x.starts_with("vpc_endpoints") && x.contains("subnets")),
        "{e:#?}"
    );
}
