//! Tests of the views: the scenario document names everything by the id a
//! user wrote and makes the AWS defaults visible.

use awsreach_model::{Checked, ScenarioSpec, load, parse};
use awsreach_view::ScenarioDoc;
use awsreach_view::scenario::{VERSION, WarningDoc};

mod html;
mod trace;

fn example() -> (ScenarioSpec, Checked) {
    let src = include_str!("../../../../scenarios/example-full.ron");
    (parse(src).unwrap(), load(src).unwrap())
}

fn doc_of(src: &str) -> ScenarioDoc {
    let checked = load(src).unwrap();
    ScenarioDoc::new(&checked.scenario, &parse(src).unwrap(), Vec::new())
}

#[test]
fn every_entity_of_the_example_is_in_the_document_once() {
    let (spec, checked) = example();
    let s = &checked.scenario;
    let doc = ScenarioDoc::new(s, &spec, Vec::new());
    assert_eq!(doc.version, VERSION);
    assert_eq!(doc.description, spec.description);
    let subnets: Vec<&str> = doc
        .vpcs
        .iter()
        .flat_map(|v| v.subnets.iter().map(|x| x.id.as_str()))
        .collect();
    let mut want: Vec<&str> = s.subnets.iter().map(|x| x.name.as_str()).collect();
    let mut got = subnets.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    let tables: usize = doc.vpcs.iter().map(|v| v.route_tables.len()).sum();
    assert_eq!(tables, s.route_tables.len());
    let groups: usize = doc.vpcs.iter().map(|v| v.security_groups.len()).sum();
    assert_eq!(groups, s.security_groups.len());
    // Every network interface is listed under its subnet.
    let enis: usize = doc
        .vpcs
        .iter()
        .flat_map(|v| &v.subnets)
        .map(|x| x.interfaces.len())
        .sum();
    assert_eq!(enis, s.enis.len());
    assert_eq!(doc.functions.len(), s.functions.len());
    assert_eq!(doc.expectations.len(), s.expectations.len());
}

#[test]
fn implicit_defaults_are_named_and_marked() {
    let doc = doc_of(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")],
            subnets: [(id: "a", vpc: "v", cidr: "10.0.1.0/24")])"#,
    );
    let v = &doc.vpcs[0];
    assert_eq!(v.main_route_table, "v-main");
    assert_eq!(v.default_network_acl, "v-default-acl");
    assert_eq!(v.default_security_group, "v-default-sg");
    assert!(v.route_tables[0].implicit && v.route_tables[0].main);
    assert_eq!(v.route_tables[0].subnets, ["a"]);
    assert_eq!(v.subnets[0].reach, "isolated");
    assert_eq!(v.route_tables[0].routes[0].origin, "local");
    let sg = &v.security_groups[0];
    assert!(sg.default && sg.implicit);
    assert_eq!(sg.ingress[0].sg.as_deref(), Some("v-default-sg"));
}

#[test]
fn missing_data_is_shown_by_name_and_left_out_of_json_when_there_is_none() {
    let base = r#"vpcs: [(id: "v", cidr: "10.0.0.0/16")],
            route_tables: [(id: "rt", vpc: "v")],
            subnets: [(id: "a", vpc: "v", cidr: "10.0.1.0/24", route_table: "rt")],"#;
    let doc = doc_of(&format!(
        r#"({base} missing: [(entity: "rt", what: Routes, note: "denied")])"#
    ));
    assert_eq!(doc.missing.len(), 1);
    let m = &doc.missing[0];
    assert_eq!(
        (m.entity.as_str(), m.entity_kind, m.what, m.note.as_deref()),
        ("rt", "route table", "Routes", Some("denied"))
    );
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["missing"][0]["entity"], "rt");
    let none = serde_json::to_value(doc_of(&format!("({base})"))).unwrap();
    assert!(none.get("missing").is_none(), "{none}");
}

#[test]
fn warnings_are_carried_as_given() {
    let (spec, checked) = example();
    let w = WarningDoc {
        location: "x.ron:3".into(),
        message: "m".into(),
        hint: None,
    };
    let doc = ScenarioDoc::new(&checked.scenario, &spec, vec![w.clone()]);
    assert_eq!(doc.warnings, [w]);
}
