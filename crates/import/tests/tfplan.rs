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
            name: None,
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

fn out(e: &Engine, from: &str, to: &str, port: Option<u16>) -> Outcome {
    let opts = ProbeOptions {
        port,
        ..ProbeOptions::default()
    };
    e.outcome(&e.probe(from, to, &opts).unwrap())
}

fn blocked(o: Outcome) -> &'static str {
    match o {
        Outcome::Blocked(c) => c.as_str(),
        o => panic!("expected blocked, got {o:?}"),
    }
}

/// A state (`values`, AWS ids everywhere): every family maps, linked by id.
#[test]
fn state_families_map() {
    let imp = fixture("state-families.json");
    let s = &imp.spec;
    // VPCs, secondary CIDR association.
    assert_eq!(s.vpcs[0].secondary_cidrs, ["100.64.0.0/24"]);
    // Route targets of every kind, inline and standalone; the default table is main.
    let app = table(&imp, "aws_route_table.app");
    let targets: Vec<&RouteTarget> = app.routes.iter().map(|r| &r.target).collect();
    assert_eq!(
        targets,
        [
            &RouteTarget::Peering("aws_vpc_peering_connection.ab".into()),
            &RouteTarget::TransitGateway("aws_ec2_transit_gateway.tgw".into()),
            &RouteTarget::EgressOnlyIgw("aws_egress_only_internet_gateway.eigw".into()),
        ]
    );
    let main = table(&imp, "aws_default_route_table.main");
    assert!(main.main);
    assert_eq!(
        main.routes[0].target,
        RouteTarget::Igw("aws_internet_gateway.igw".into())
    );
    // Endpoints: gateway via its association, interface with groups and policy.
    let ep = |id: &str| s.vpc_endpoints.iter().find(|e| e.id == id).unwrap();
    assert_eq!(
        ep("aws_vpc_endpoint.s3").route_tables,
        ["aws_route_table.app"]
    );
    assert_eq!(
        ep("aws_vpc_endpoint.sqs").security_groups,
        ["aws_security_group.ep"]
    );
    assert_eq!(
        ep("aws_vpc_endpoint.sqs")
            .policy
            .as_ref()
            .unwrap()
            .allow
            .as_deref(),
        Some(&["sqs:SendMessage".to_string()][..])
    );
    // A service outside the catalog is skipped by name.
    assert!(
        imp.report
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Skipped && e.subject == "aws_vpc_endpoint.sagemaker")
    );
    // Groups: prefix-list peer, group peer, the new-style rules, an unmodelled protocol reported.
    let g = |id: &str| s.security_groups.iter().find(|x| x.id == id).unwrap();
    let fn_egress = g("aws_security_group.fn").egress.as_ref().unwrap();
    assert_eq!(fn_egress.len(), 3);
    assert_eq!(fn_egress[0].prefix_list.as_deref(), Some("s3"));
    assert_eq!(fn_egress[1].sg.as_deref(), Some("aws_security_group.db"));
    assert_eq!(fn_egress[2].cidr.as_deref(), Some("::/0"));
    assert_eq!(
        g("aws_security_group.db").ingress[0].sg.as_deref(),
        Some("aws_security_group.fn")
    );
    assert!(
        g("aws_security_group.ep")
            .ingress
            .iter()
            .any(|r| r.sg.as_deref() == Some("aws_security_group.ep")),
        "self"
    );
    assert!(g("aws_default_security_group.a").default);
    assert!(
        imp.report
            .entries
            .iter()
            .any(|e| e.message.contains("protocol 50"))
    );
    // ACLs: inline + standalone rules, association moves the subnet, default ACL.
    let acl = |id: &str| s.network_acls.iter().find(|x| x.id == id).unwrap();
    assert_eq!(acl("aws_network_acl.db").ingress.len(), 2);
    assert_eq!(acl("aws_network_acl.spare").subnets, ["aws_subnet.pub"]);
    assert!(acl("aws_default_network_acl.a").default);
    // Compute: instance with its public IP, forwarding ENI with its EIP, RDS on its engine port.
    let r = |id: &str| s.resources.iter().find(|x| x.id == id).unwrap();
    assert_eq!(r("aws_instance.web").public_ip.as_deref(), Some("54.1.2.3"));
    assert!(r("aws_network_interface.appliance").forwarding);
    assert_eq!(
        r("aws_network_interface.appliance").public_ip.as_deref(),
        Some("54.9.9.9")
    );
    assert_eq!(r("aws_db_instance.pg").listen, ["tcp/5432"]);
    assert_eq!(r("aws_db_instance.pg").subnet, "aws_subnet.db");
    // Functions, policies, triggers, peering, transit gateway.
    let api = s
        .functions
        .iter()
        .find(|f| f.id == "aws_lambda_function.api")
        .unwrap();
    assert!(
        api.policy
            .as_ref()
            .unwrap()
            .allow
            .contains(&"s3.amazonaws.com".to_string())
    );
    assert!(
        s.functions
            .iter()
            .any(|f| f.id == "aws_lambda_function.edge" && f.vpc.is_none())
    );
    let sources: Vec<TriggerSource> = s.triggers.iter().map(|t| t.source).collect();
    assert_eq!(
        sources,
        [TriggerSource::Sqs, TriggerSource::Sns, TriggerSource::S3]
    );
    assert_eq!(s.peering_connections[0].accepter, "aws_vpc.b");
    let tgw = &s.transit_gateways[0];
    assert_eq!(tgw.attachments.len(), 2);
    // Terraform's defaults: both attachments associated with and propagating
    // to the gateway's default table; the plan's own table holds the static
    // routes and the explicit propagation of attachment a.
    let default = "aws_ec2_transit_gateway.tgw.default_route_table";
    let rt = "aws_ec2_transit_gateway_route_table.rt";
    let names: Vec<&str> = tgw.route_tables.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(names, [default, rt]);
    let a = &tgw.attachments[0];
    assert_eq!(
        a.id.as_deref(),
        Some("aws_ec2_transit_gateway_vpc_attachment.a")
    );
    assert_eq!(a.route_table.as_deref(), Some(default));
    assert_eq!(a.propagate, Some(vec![default.to_string(), rt.to_string()]));
    assert_eq!(
        tgw.attachments[1].propagate,
        Some(vec![default.to_string()])
    );
    let routes = &tgw.route_tables[1].routes;
    assert!(
        routes
            .iter()
            .any(|r| r.dest == "192.168.0.0/16" && r.vpc.is_none()),
        "blackhole"
    );
    assert!(
        routes
            .iter()
            .any(|r| r.dest == "10.1.0.0/16" && r.vpc.as_deref() == Some("aws_vpc.b")),
        "static route"
    );
}

/// The imported state answers like AWS: the function reaches the database
/// through both groups and the database subnet's ACL, S3 through the
/// gateway endpoint; SQS's endpoint is refused by the function's own egress.
#[test]
fn state_families_trace() {
    let imp = fixture("state-families.json");
    let e = engine(&imp);
    let f = "aws_lambda_function.api";
    assert_eq!(
        out(&e, f, "aws_db_instance.pg", Some(5432)),
        Outcome::Reachable
    );
    assert_eq!(
        blocked(out(&e, f, "aws_db_instance.pg", Some(3306))),
        "SG_EGRESS_DENIED"
    );
    assert_eq!(out(&e, f, "s3", None), Outcome::Reachable);
    assert_eq!(blocked(out(&e, f, "sqs", None)), "SG_EGRESS_DENIED");
    // EventBridge has no target on `api`, S3 does.
    assert_eq!(out(&e, "s3", f, None), Outcome::Reachable);
}

fn inline(text: &str) -> Imported {
    tfplan::import(&InputFile {
        path: "inline.json".into(),
        text: text.into(),
    })
    .unwrap()
}

/// Rule sets unknown in the plan: none configured means none (a new custom
/// ACL denies everything); dynamic blocks mean the rules are missing; an
/// expression the plan cannot evaluate is named with where it is.
#[test]
fn unknown_rules_and_expressions() {
    let imp = inline(
        r#"{"format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
          {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v", "values": {"cidr_block": "10.0.0.0/16"}},
          {"address": "aws_network_acl.a", "mode": "managed", "type": "aws_network_acl", "name": "a", "values": {"vpc_id": "aws_vpc.v.id"}},
          {"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g", "values": {"vpc_id": "aws_vpc.v.id"}},
          {"address": "aws_route_table.r", "mode": "managed", "type": "aws_route_table", "name": "r", "values": {"vpc_id": "aws_vpc.v.id"}},
          {"address": "aws_route.x", "mode": "managed", "type": "aws_route", "name": "x", "values": {"route_table_id": "aws_route_table.r.id", "destination_cidr_block": "0.0.0.0/0"}}
        ]}},
        "resource_changes": [
          {"address": "aws_network_acl.a", "change": {"after_unknown": {"ingress": true, "egress": true}}},
          {"address": "aws_security_group.g", "change": {"after_unknown": {"ingress": true, "egress": true}}},
          {"address": "aws_route.x", "change": {"after_unknown": {"gateway_id": true}}}
        ],
        "configuration": {"root_module": {"resources": [
          {"address": "aws_network_acl.a", "type": "aws_network_acl", "name": "a", "expressions": {}},
          {"address": "aws_security_group.g", "type": "aws_security_group", "name": "g", "expressions": {"ingress": {"references": ["var.rules"]}}},
          {"address": "aws_route.x", "type": "aws_route", "name": "x", "expressions": {"gateway_id": {"references": ["local.gw"]}}}
        ]}}}"#,
    );
    let acl = &imp.spec.network_acls[0];
    assert!(acl.ingress.is_empty() && acl.egress.is_empty());
    assert!(!imp.spec.missing.iter().any(|m| m.entity == acl.id));
    assert!(
        imp.spec
            .missing
            .iter()
            .any(|m| m.entity == "aws_security_group.g" && m.what == MissingKind::Rules)
    );
    assert!(
        imp.spec
            .missing
            .iter()
            .any(|m| m.entity == "aws_route_table.r" && m.what == MissingKind::Routes)
    );
    let e = imp
        .report
        .entries
        .iter()
        .find(|e| e.kind == EntryKind::Missing && e.message.contains("local.gw"))
        .expect("the unevaluable expression is named");
    assert_eq!(e.source, "inline.json: aws_route.x");
    let _ = engine(&imp);
}

/// `output "awsreach_expect"` becomes the scenario's expectations; a
/// malformed entry is a warning naming it.
#[test]
fn expectations_from_the_awsreach_expect_output() {
    let imp = inline(
        r#"{"format_version": "1.2",
        "planned_values": {"outputs": {"awsreach_expect": {"sensitive": false, "value": [
            {"from": "a", "to": "s3", "expect": "reachable"},
            {"from": "a", "to": "b", "port": 5432, "protocol": "tcp", "expect": "Blocked", "code": "SG_INGRESS_DENIED"},
            {"from": "a", "to": "b", "expect": "maybe"}
          ]}},
          "root_module": {"resources": []}}}"#,
    );
    assert_eq!(imp.spec.expect.len(), 2);
    assert_eq!(imp.spec.expect[1].port, Some(5432));
    assert_eq!(
        imp.spec.expect[1].code.as_deref(),
        Some("SG_INGRESS_DENIED")
    );
    let w = imp
        .report
        .entries
        .iter()
        .find(|e| e.subject == "awsreach_expect[2]")
        .expect("the bad entry is reported");
    assert!(w.message.contains("\"maybe\""), "{w:?}");
}

/// What the plan does not contain (issue 11, item 3): an MSK cluster that
/// already exists, a self-managed Kafka poller in an existing subnet and an
/// interface endpoint in one: the pollers and the endpoint are kept with
/// their placement missing, and the verdicts that depend on them are
/// `unknown`, neither reachable nor blocked.
#[test]
fn pollers_and_an_endpoint_outside_the_plan_are_unknown() {
    let imp = fixture("unplaced-pollers.json");
    let e = engine(&imp);
    for (t, source) in [
        ("aws_lambda_event_source_mapping.msk", TriggerSource::Msk),
        (
            "aws_lambda_event_source_mapping.kafka",
            TriggerSource::SelfManagedKafka,
        ),
    ] {
        let tr = imp
            .spec
            .triggers
            .iter()
            .find(|x| x.id.as_deref() == Some(t));
        assert_eq!(tr.map(|x| x.source), Some(source), "{t} is declared");
        assert!(
            imp.spec
                .missing
                .iter()
                .any(|m| m.entity == t && m.what == MissingKind::Placement),
            "{t}: {:?}",
            imp.spec.missing
        );
        let o = out(&e, t, "aws_lambda_function.consumer", None);
        assert!(
            matches!(o, Outcome::Unknown(c) if c.as_str() == "UNKNOWN_PLACEMENT"),
            "{t}: {o:?}"
        );
    }
    let ep = "aws_vpc_endpoint.secrets";
    assert!(imp.spec.vpc_endpoints.iter().any(|x| x.id == ep));
    assert!(
        imp.report
            .entries
            .iter()
            .any(|x| x.kind == EntryKind::Missing && x.subject == ep)
    );
    let o = out(&e, "aws_lambda_function.worker", "secretsmanager", None);
    assert!(
        matches!(o, Outcome::Unknown(c) if c.as_str() == "UNKNOWN_PLACEMENT"),
        "{o:?}"
    );
    // Calls the endpoint does not capture are known as before.
    assert_eq!(
        blocked(out(&e, "aws_lambda_function.worker", "sqs", None)),
        "NO_ROUTE"
    );
}

/// Amazon MQ: the mapping's `event_source_arn` resolves to its
/// `aws_mq_broker` (through the configuration's references, or a
/// post-processed address), whose `engine_type` decides whether the poller
/// needs STS (rule 5). The VPC has Lambda and Secrets Manager endpoints,
/// no STS: the RabbitMQ poller gets through, the ActiveMQ poller is
/// blocked, and a broker whose engine the plan does not say is unknown,
/// never blocked on the ActiveMQ default.
#[test]
fn mq_engines_come_from_the_broker() {
    use awsreach_model::spec::MqEngine;
    let imp = fixture("mq-engines.json");
    let tr = |t: &str| {
        imp.spec
            .triggers
            .iter()
            .find(|x| x.id.as_deref() == Some(t))
            .unwrap_or_else(|| panic!("{t} declared: {:?}", imp.spec.triggers))
    };
    let engine_missing = |t: &str| {
        imp.spec
            .missing
            .iter()
            .any(|m| m.entity == t && m.what == MissingKind::Engine)
    };
    let rabbit = "aws_lambda_event_source_mapping.rabbit";
    let active = "aws_lambda_event_source_mapping.active";
    let pending = "aws_lambda_event_source_mapping.pending";
    let shared = "aws_lambda_event_source_mapping.shared";
    assert_eq!(tr(rabbit).engine, Some(MqEngine::RabbitMq));
    assert_eq!(tr(active).engine, Some(MqEngine::ActiveMq));
    assert_eq!(tr(pending).engine, None);
    assert_eq!(tr(shared).engine, None);
    assert!(!engine_missing(rabbit) && !engine_missing(active));
    assert!(engine_missing(pending) && engine_missing(shared));
    assert!(
        imp.report
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Missing
                && e.subject == pending
                && e.message.contains("engine_type is not known"))
    );
    let e = engine(&imp);
    assert_eq!(
        out(&e, rabbit, "aws_lambda_function.orders", None),
        Outcome::Reachable
    );
    assert_eq!(
        blocked(out(&e, active, "aws_lambda_function.audit", None)),
        "POLLER_NO_PATH"
    );
    let o = out(&e, pending, "aws_lambda_function.billing", None);
    assert!(
        matches!(o, Outcome::Unknown(c) if c.as_str() == "UNKNOWN_ENGINE"),
        "{o:?}"
    );
}
