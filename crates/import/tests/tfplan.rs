//! The Terraform importer on small plans of our own
//! (`tests/fixtures/tfplan/`), one per rule, so these run everywhere.

use awsreach_import::{EntryKind, Imported, InputFile, tfplan};
use awsreach_model::spec::{MissingKind, RouteTarget, TriggerSource};
use awsreach_sim::{Engine, Outcome, ProbeOptions};

fn fixture(name: &str) -> Imported {
    let path = format!(
        "{}/tests/fixtures/tfplan/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    tfplan::import(&InputFile {
        path: name.into(),
        text,
    })
    .unwrap()
}

fn engine(imp: &Imported) -> Engine {
    let checked = awsreach_model::validate(&imp.spec)
        .unwrap_or_else(|e| panic!("{}: {:#?}", imp.label, e.errors));
    Engine::new(checked.scenario)
}

fn table<'s>(imp: &'s Imported, id: &str) -> &'s awsreach_model::spec::RouteTableSpec {
    imp.spec.route_tables.iter().find(|t| t.id == id).unwrap()
}

/// Unknown ids of a raw plan resolve through `references`, with
/// `count.index` pairing instance i with instance i, and say so.
#[test]
fn raw_plan_references_resolve_with_count_index() {
    let imp = fixture("raw-count-index.json");
    assert_eq!(
        table(&imp, "aws_route_table.public").routes[0].target,
        RouteTarget::Igw("aws_internet_gateway.igw".into())
    );
    assert_eq!(
        table(&imp, "aws_route_table.private[0]").routes[0].target,
        RouteTarget::Nat("aws_nat_gateway.nat".into())
    );
    assert!(table(&imp, "aws_route_table.private[1]").routes.is_empty());
    let sub = |id: &str| imp.spec.subnets.iter().find(|s| s.id == id).unwrap();
    assert_eq!(
        sub("aws_subnet.private[1]").route_table.as_deref(),
        Some("aws_route_table.private[1]")
    );
    assert_eq!(
        sub("aws_subnet.public[0]").route_table.as_deref(),
        Some("aws_route_table.public")
    );
    assert!(
        imp.report
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Warning
                && e.subject == "aws_route_table_association.private[1]"
                && e.message.contains("count.index = 1"))
    );
    // Splat: the function is in every private subnet.
    let f = imp.spec.functions[0].vpc.as_ref().unwrap();
    assert_eq!(
        f.subnets,
        ["aws_subnet.private[0]", "aws_subnet.private[1]"]
    );
}

/// Terraform removes AWS's allow-all egress rule: a group has the egress
/// rules written, here one standalone rule.
#[test]
fn terraform_security_groups_have_only_written_egress() {
    let imp = fixture("raw-count-index.json");
    let g = &imp.spec.security_groups[0];
    assert_eq!(g.egress.as_ref().map(Vec::len), Some(1));
    assert!(g.ingress.is_empty());
}

/// A kind awsreach does not model is named in the report.
#[test]
fn unmodelled_kinds_are_listed() {
    let imp = fixture("raw-count-index.json");
    let e = imp
        .report
        .entries
        .iter()
        .find(|e| e.kind == EntryKind::Skipped && e.subject == "aws_vpn_gateway")
        .expect("vpn gateway listed");
    assert!(e.message.contains("aws_vpn_gateway.vgw"), "{e:?}");
}

/// The imported plan answers: out through the NAT gateway from
/// private[0]; private[1]'s table has no route out.
#[test]
fn imported_plan_traces() {
    let mut imp = fixture("raw-count-index.json");
    for k in 0..2 {
        imp.spec.resources.push(awsreach_model::spec::ResourceSpec {
            id: format!("probe{k}"),
            kind: awsreach_model::spec::ResourceKind::Ec2,
            subnet: format!("aws_subnet.private[{k}]"),
            private_ip: None,
            public_ip: None,
            ipv6_ip: None,
            security_groups: vec!["aws_security_group.fn".into()],
            listen: Vec::new(),
            forwarding: false,
        });
    }
    let e = engine(&imp);
    let out = |from: &str| e.outcome(&e.probe(from, "internet", &ProbeOptions::default()).unwrap());
    assert_eq!(out("probe0"), Outcome::Reachable);
    match out("probe1") {
        Outcome::Blocked(c) => assert_eq!(c.as_str(), "NO_ROUTE"),
        o => panic!("expected no route, got {o:?}"),
    }
}

/// Module outputs and inputs are followed (`module.net.subnet_ids` into
/// `var.subnets`), `for_each` keys kept in the ids.
#[test]
fn module_outputs_and_inputs_resolve() {
    let imp = fixture("modules-and-existing.json");
    let f = &imp.spec.functions[0];
    assert_eq!(f.id, "module.fn.aws_lambda_function.this");
    assert_eq!(
        f.vpc.as_ref().unwrap().subnets,
        [
            "module.net.aws_subnet.app[\"a\"]",
            "module.net.aws_subnet.app[\"b\"]"
        ]
    );
    let _ = engine(&imp);
}

/// Objects outside the plan: the VPC read by a data source keeps its AWS
/// id; its main table, default ACL and default group are declared
/// missing; an unknown security group is reported and the placement
/// missing; a route to a NAT gateway outside the plan is missing routes.
#[test]
fn existing_objects_are_missing_not_guessed() {
    let imp = fixture("modules-and-existing.json");
    assert_eq!(imp.spec.vpcs[0].id, "vpc-0existing");
    let has = |entity: &str, what| {
        imp.spec
            .missing
            .iter()
            .any(|m| m.entity == entity && m.what == what)
    };
    assert!(has(
        "module.net.aws_subnet.app[\"a\"]",
        MissingKind::RouteTable
    ));
    assert!(has(
        "module.net.aws_subnet.app[\"a\"]",
        MissingKind::NetworkAcl
    ));
    assert!(has("vpc-0existing-default-sg", MissingKind::Rules));
    assert!(has(
        "module.fn.aws_lambda_function.this",
        MissingKind::Placement
    ));
    assert!(has("module.net.aws_route_table.app", MissingKind::Routes));
    assert!(
        imp.report
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Missing && e.subject == "sg-0existing")
    );
}

/// Resource-based policies and EventBridge targets become the function's
/// policy and trigger.
#[test]
fn permissions_and_triggers() {
    let imp = fixture("modules-and-existing.json");
    let f = &imp.spec.functions[0];
    assert_eq!(f.policy.as_ref().unwrap().allow, ["events.amazonaws.com"]);
    assert_eq!(imp.spec.triggers.len(), 1);
    assert_eq!(imp.spec.triggers[0].source, TriggerSource::EventBridge);
    assert_eq!(imp.spec.triggers[0].function, f.id);
}

/// With a base (an account snapshot), literal ids name its entities.
#[test]
fn a_base_supplies_what_the_plan_lacks() {
    let base = awsreach_model::parse(
        r#"(
            vpcs: [(id: "vpc-0existing", cidr: "10.1.0.0/16")],
            security_groups: [(id: "sg-0existing", vpc: "vpc-0existing")],
        )"#,
    )
    .unwrap();
    let path = format!(
        "{}/tests/fixtures/tfplan/modules-and-existing.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let imp = tfplan::import_onto(&InputFile { path, text }, Some(&base)).unwrap();
    let f = imp
        .spec
        .functions
        .iter()
        .find(|f| f.id == "module.fn.aws_lambda_function.this")
        .unwrap();
    assert_eq!(f.vpc.as_ref().unwrap().security_groups, ["sg-0existing"]);
    assert!(!imp.spec.missing.iter().any(|m| m.entity == f.id));
    let _ = engine(&imp);
}
