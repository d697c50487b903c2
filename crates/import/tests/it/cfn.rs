//! The CloudFormation/SAM importer on small templates of our own
//! (`tests/fixtures/cfn`), one per intrinsic function or rule.

use std::path::Path;

use awsreach_import::cfn::Options;
use awsreach_import::{EntryKind, ImportError, Imported};
use awsreach_model::spec::{MissingKind, PollerMode, RouteTarget, TriggerSource};

use crate::support::{import_path, import_text, verdict};

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cfn")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn import(name: &str, params: &[(&str, &str)]) -> Imported {
    import_text(name, &fixture(name), params).unwrap_or_else(|e| panic!("{e}"))
}

fn messages(i: &Imported, kind: EntryKind) -> Vec<String> {
    i.report
        .entries
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| format!("{}: {}: {}", e.source, e.subject, e.message))
        .collect()
}

fn missing(i: &Imported, entity: &str, what: MissingKind) -> bool {
    i.spec
        .missing
        .iter()
        .any(|m| m.entity == entity && m.what == what)
}

#[test]
fn yaml_short_forms_and_json_long_forms_give_the_same_scenario() {
    let y = import("short-forms.yaml", &[]);
    let j = import("short-forms.json", &[]);
    let (mut ys, mut js) = (y.spec.clone(), j.spec.clone());
    (ys.name, ys.description, js.name, js.description) = (None, None, None, None);
    assert_eq!(ys, js);
    assert_eq!(
        ys.vpcs[0].cidr, "10.20.0.0/16",
        "Ref to a parameter default"
    );
    let e = &ys.vpc_endpoints[0];
    assert_eq!(
        (e.service.as_str(), e.private_dns),
        ("secretsmanager", true),
        "Fn::Sub list form"
    );
    assert_eq!(
        ys.security_groups[1].ingress[0].sg.as_deref(),
        Some("FunctionSg"),
        "GetAtt .GroupId"
    );
    assert_eq!(
        ys.security_groups[1].vpc, "Vpc",
        "GetAtt .VpcId reads the property"
    );
    assert_eq!(
        verdict(&ys, "MyFunction", "secretsmanager", None),
        "reachable"
    );
    assert_eq!(verdict(&ys, "MyFunction", "s3", None), "NO_ROUTE");
}

#[test]
fn json_templates_point_at_lines_too() {
    let j = import("short-forms.json", &[]);
    let read = j
        .report
        .entries
        .iter()
        .find(|e| e.message.contains("SecretsEndpoint"))
        .unwrap();
    assert_eq!(read.kind, EntryKind::Read);
    // No entry about a resource of the JSON file lacks a line.
    let i = import("cfn-lambda.json", &[]);
    let w = i
        .report
        .entries
        .iter()
        .find(|e| e.subject == "AllowAccount")
        .unwrap();
    assert!(w.source.ends_with(":22"), "{}", w.source);
}

#[test]
fn cidr_select_and_getazs() {
    let i = import("cidr-select-getazs.yaml", &[]);
    let s: Vec<(&str, Option<&str>)> = i
        .spec
        .subnets
        .iter()
        .map(|s| (s.cidr.as_str(), s.az.as_deref()))
        .collect();
    assert_eq!(
        s,
        [
            ("10.1.0.0/24", Some("us-east-1a")),
            ("10.1.3.0/24", Some("us-east-1b"))
        ]
    );
    let i = import_text(
        "c.yaml",
        &fixture("cidr-select-getazs.yaml").replace("4, 8", "4, 20"),
        &[],
    )
    .unwrap();
    assert!(i.spec.subnets.is_empty(), "a /12 does not fit in a /16");
    assert!(
        messages(&i, EntryKind::Warning)
            .iter()
            .any(|m| m.contains("Fn::Cidr")),
        "{:?}",
        i.report
    );
}

#[test]
fn conditions_decide_what_exists_and_fn_if_picks_the_target() {
    let dev = import("conditions.yaml", &[]);
    assert!(dev.spec.nat_gateways.is_empty());
    let rt = dev
        .spec
        .route_tables
        .iter()
        .find(|t| t.id == "PrivateRt")
        .unwrap();
    assert_eq!(rt.routes[0].target, RouteTarget::Igw("Igw".into()));
    assert_eq!(verdict(&dev.spec, "Fn", "s3", None), "NO_PUBLIC_IP");
    assert!(
        messages(&dev, EntryKind::Skipped)
            .iter()
            .any(|m| m.contains("WantNat is false: not created: NatEip, Nat"))
    );
    for params in [&[("Env", "prod")][..], &[("ForceNat", "true")][..]] {
        let on = import("conditions.yaml", params);
        assert_eq!(on.spec.nat_gateways.len(), 1, "{params:?}");
        let rt = on
            .spec
            .route_tables
            .iter()
            .find(|t| t.id == "PrivateRt")
            .unwrap();
        assert_eq!(rt.routes[0].target, RouteTarget::Nat("Nat".into()));
        assert_eq!(
            verdict(&on.spec, "Fn", "s3", None),
            "reachable",
            "{params:?}"
        );
    }
    let bad = import("conditions.yaml", &[("Env", "staging")]);
    assert!(
        messages(&bad, EntryKind::Warning)
            .iter()
            .any(|m| m.contains("AllowedValues"))
    );
}

#[test]
fn find_in_map_join_split_base64() {
    let i = import("join-split-map-base64.yaml", &[]);
    assert_eq!(i.spec.vpcs[0].cidr, "10.9.0.0/16");
    assert_eq!(i.spec.subnets[0].cidr, "10.9.4.0/24");
    assert_eq!(i.spec.subnets[0].az.as_deref(), Some("us-east-1b"));
    assert_eq!(i.spec.resources[0].private_ip.as_deref(), Some("10.9.4.10"));
    let dev = import(
        "join-split-map-base64.yaml",
        &[("Env", "dev"), ("Zones", "c, d")],
    );
    assert_eq!(dev.spec.subnets[0].cidr, "10.8.4.0/24");
    assert_eq!(dev.spec.subnets[0].az.as_deref(), Some("us-east-1d"));
}

#[test]
fn required_parameters_leave_placement_unknown_until_given() {
    let i = import("params-required.yaml", &[]);
    assert!(i.spec.functions[0].vpc.is_none());
    assert!(
        missing(&i, "MyFunction", MissingKind::Placement),
        "{:?}",
        i.spec.missing
    );
    assert!(
        messages(&i, EntryKind::Missing)
            .iter()
            .any(|m| m.contains("--param SubnetIds="))
    );
    let given = import(
        "params-required.yaml",
        &[("SubnetIds", "PrivateA"), ("SecurityGroupId", "Sg")],
    );
    assert!(given.spec.missing.is_empty(), "{:?}", given.spec.missing);
    let vpc = given.spec.functions[0].vpc.as_ref().unwrap();
    assert_eq!(
        (vpc.subnets.as_slice(), vpc.security_groups.as_slice()),
        (&["PrivateA".to_string()][..], &["Sg".to_string()][..])
    );
    // An id the template does not create stays unknown.
    let other = import(
        "params-required.yaml",
        &[("SubnetIds", "subnet-0abc"), ("SecurityGroupId", "Sg")],
    );
    assert!(missing(&other, "MyFunction", MissingKind::Placement));
    let unused = import("params-required.yaml", &[("Nope", "1")]);
    assert!(
        messages(&unused, EntryKind::Warning)
            .iter()
            .any(|m| m.contains("--param Nope"))
    );
}

#[test]
fn import_value_is_unresolved_and_reported() {
    let i = import("import-value.yaml", &[]);
    assert!(i.spec.subnets.is_empty());
    assert!(missing(&i, "MyFunction", MissingKind::Placement));
    let all = format!("{:?}", i.report);
    assert!(
        all.contains("Fn::ImportValue `shared-network-VpcId`"),
        "{all}"
    );
}

#[test]
fn an_unsupported_intrinsic_is_named_with_its_line() {
    let i = import("unsupported-intrinsic.yaml", &[]);
    let s = messages(&i, EntryKind::Skipped);
    assert!(
        s.iter().any(|m| m.starts_with(
            "unsupported-intrinsic.yaml:6: Vpc: unsupported intrinsic function Fn::Transform"
        )),
        "{s:?}"
    );
    assert!(i.spec.vpcs.is_empty());
}

#[test]
fn cycles_end_with_report_entries() {
    let i = import("cycles.yaml", &[]);
    let all = format!("{:?}", i.report);
    assert!(
        all.contains("depends on itself") || all.contains("a cycle"),
        "{all}"
    );
    assert!(i.spec.vpcs.is_empty());
}

#[test]
fn sam_events_become_triggers_and_permissions() {
    let i = import("sam-events.yaml", &[]);
    let f = &i.spec.functions[0];
    assert_eq!(
        f.vpc.as_ref().unwrap().subnets,
        ["Private"],
        "Globals.Function.VpcConfig"
    );
    let allow = &f.policy.as_ref().unwrap().allow;
    assert_eq!(
        allow,
        &[
            "apigateway.amazonaws.com",
            "events.amazonaws.com",
            "s3.amazonaws.com",
            "sns.amazonaws.com"
        ]
    );
    let t: Vec<(&str, TriggerSource)> = i
        .spec
        .triggers
        .iter()
        .map(|t| (t.id.as_deref().unwrap(), t.source))
        .collect();
    assert_eq!(
        t,
        [
            ("Worker.FromQueue", TriggerSource::Sqs),
            ("Worker.FromTopic", TriggerSource::Sns),
            ("Worker.FromBucket", TriggerSource::S3),
            ("Worker.Nightly", TriggerSource::EventBridge),
            ("Worker.Http", TriggerSource::ApiGateway),
            ("Worker.FromKafka", TriggerSource::Msk),
            ("Worker.FromDocs", TriggerSource::DocumentDb),
        ]
    );
    let kafka = &i.spec.triggers[5];
    assert_eq!(
        (kafka.subnets.as_slice(), kafka.security_groups.as_slice()),
        (&["Private".to_string()][..], &["BrokerSg".to_string()][..])
    );
    assert!(kafka.secrets_manager && i.spec.triggers[6].secrets_manager);
    assert!(
        messages(&i, EntryKind::Skipped)
            .iter()
            .any(|m| m.contains("Iot of type IoTRule"))
    );
    // The pollers in the private subnet have no NAT and no endpoints.
    assert_eq!(
        verdict(&i.spec, "Worker.FromKafka", "Worker", None),
        "POLLER_NO_PATH"
    );
    assert_eq!(
        verdict(&i.spec, "Worker.FromQueue", "Worker", None),
        "reachable"
    );
}

#[test]
fn plain_cloudformation_lambda_sources() {
    let i = import("cfn-lambda.json", &[]);
    let t: Vec<(&str, TriggerSource, &str)> = i
        .spec
        .triggers
        .iter()
        .map(|t| (t.id.as_deref().unwrap(), t.source, t.function.as_str()))
        .collect();
    assert_eq!(
        t,
        [
            ("FromStream", TriggerSource::Kinesis, "Handler"),
            ("Nightly.t1", TriggerSource::EventBridge, "Handler")
        ]
    );
    assert_eq!(i.spec.triggers[0].mode, PollerMode::OnDemand);
    // Found by FunctionName; the account principal is reported, not dropped.
    assert_eq!(
        i.spec.functions[0].policy.as_ref().unwrap().allow,
        ["events.amazonaws.com"]
    );
    assert!(
        messages(&i, EntryKind::Warning)
            .iter()
            .any(|m| m.contains("111122223333"))
    );
    assert_eq!(verdict(&i.spec, "Nightly.t1", "Handler", None), "reachable");
}

#[test]
fn network_resources() {
    let i = import("network-full.yaml", &[]);
    let s = &i.spec;
    assert_eq!(s.vpcs[0].secondary_cidrs, ["100.64.0.0/16"]);
    assert!(
        messages(&i, EntryKind::Missing)
            .iter()
            .any(|m| m.starts_with("network-full.yaml:12: V6:"))
    );
    assert_eq!(
        s.subnets
            .iter()
            .find(|x| x.id == "Data")
            .unwrap()
            .network_acl
            .as_deref(),
        Some("DataAcl")
    );
    let acl = &s.network_acls[0];
    assert_eq!((acl.ingress.len(), acl.egress.len()), (2, 1));
    let app = s.security_groups.iter().find(|g| g.id == "AppSg").unwrap();
    assert_eq!(
        app.egress.as_ref().unwrap().len(),
        2,
        "inline egress plus the standalone rule"
    );
    assert_eq!(s.peering_connections[0].accepter, "Other");
    // The template's table holds the static route; the attachment keeps
    // CloudFormation's default association and propagation (AWS's default
    // route table).
    let tgw = &s.transit_gateways[0];
    let tables: Vec<&str> = tgw.route_tables.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(tables, ["Tgw.DefaultRouteTable", "TgwTable"]);
    assert_eq!(tgw.route_tables[1].routes[0].vpc.as_deref(), Some("Other"));
    assert_eq!(
        tgw.attachments[0].route_table.as_deref(),
        Some("Tgw.DefaultRouteTable")
    );
    assert_eq!(s.egress_only_internet_gateways[0].vpc, "Vpc");
    assert!(
        missing(&i, "AppRt", MissingKind::Routes),
        "the VPN gateway route is not modelled"
    );
    let db = s.resources.iter().find(|r| r.id == "Db").unwrap();
    assert_eq!(
        (db.subnet.as_str(), db.listen.as_slice()),
        ("Data", &["tcp/5432".to_string()][..])
    );
    // The data subnet's NACL denies 5432 from the app subnet, but AppRt's
    // routes are listed as missing (the VPN route), so the walk stops at the
    // route lookup: `unknown`, not a guess (issue 10.5).
    assert_eq!(verdict(s, "AppFn", "Db", None), "unknown UNKNOWN_ROUTES");
    assert!(
        messages(&i, EntryKind::Skipped)
            .iter()
            .any(|m| m.contains("AWS::EC2::VPNGateway"))
    );
}

#[test]
fn nested_stacks_with_a_local_template_url() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cfn/nested/parent.yaml");
    let i = import_path(&p, &Options::default());
    let ids: Vec<&str> = i.spec.subnets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["Network/S1", "Network/S2"]);
    assert_eq!(i.spec.subnets[1].cidr, "10.7.1.0/24");
    assert_eq!(
        i.spec.functions[0].vpc.as_ref().unwrap().subnets,
        ["Network/S1", "Network/S2"]
    );
    assert_eq!(i.spec.security_groups[0].vpc, "Network/Vpc");
    assert!(
        messages(&i, EntryKind::Missing)
            .iter()
            .any(|m| m.contains("Remote") && m.contains("remote"))
    );
}

#[test]
fn malformed_yaml_and_json_report_line_and_column() {
    let e = import_text(
        "bad.yaml",
        "Resources:\n  A:\n    Type: [AWS::EC2::VPC\n",
        &[],
    )
    .unwrap_err();
    assert!(
        matches!(e, ImportError::Syntax { ref path, line, .. } if path == "bad.yaml" && line >= 3),
        "{e}"
    );
    let e = import_text("bad.json", "{\n  \"Resources\": {\n    \"A\": }\n}\n", &[]).unwrap_err();
    assert!(
        matches!(
            e,
            ImportError::Syntax {
                line: 3,
                col: 10,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().starts_with("bad.json:3:10: invalid JSON"),
        "{e}"
    );
}

#[test]
fn not_a_template_says_what_the_file_looks_like() {
    let cases = [
        (
            "plan.json",
            "{\"format_version\": \"1.2\", \"planned_values\": {}}",
            "Terraform plan",
        ),
        ("vpcs.json", "{\"Vpcs\": []}", "AWS CLI `describe` output"),
        ("list.yaml", "- a\n- b\n", "the document is a list"),
        ("empty.yaml", "", "the file is empty"),
        ("other.yaml", "name: x\nsteps: []\n", "keys name, steps"),
    ];
    for (name, text, want) in cases {
        let e = import_text(name, text, &[]).unwrap_err();
        assert!(matches!(e, ImportError::NotThisKind { .. }), "{name}: {e}");
        let msg = e.to_string();
        assert!(
            msg.starts_with(&format!("{name}: not a CloudFormation/SAM template"))
                && msg.contains(want),
            "{msg}"
        );
        assert!(!msg.contains('\n'), "one line: {msg}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties: {{CidrBlock: {}x{}}}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(matches!(
        import_text("deep.yaml", &deep, &[]),
        Err(ImportError::Syntax { .. })
    ));
    let mut joins = String::from("10.0.0.0/16");
    for _ in 0..300 {
        joins = format!("{{\"Fn::Join\": [\"\", [{joins}]]}}")
            .replace("[10.0.0.0/16]", "[\"10.0.0.0/16\"]");
    }
    let text = format!(
        "{{\"Resources\": {{\"A\": {{\"Type\": \"AWS::EC2::VPC\", \"Properties\": {{\"CidrBlock\": {joins}}}}}}}}}"
    );
    // serde_json's recursion limit or the evaluator's depth bound: either way an answer.
    match import_text("deep.json", &text, &[]) {
        Ok(i) => assert!(i.spec.vpcs.is_empty()),
        Err(e) => assert!(matches!(e, ImportError::Syntax { .. }), "{e}"),
    }
}

#[test]
fn sniff_tells_templates_from_scenarios() {
    assert!(awsreach_import::cfn::sniff(&fixture("short-forms.yaml")));
    assert!(awsreach_import::cfn::sniff(&fixture(
        "params-required.yaml"
    )));
    assert!(!awsreach_import::cfn::sniff("(\n  vpcs: [],\n)\n"));
    assert!(!awsreach_import::cfn::sniff("{\"Vpcs\": []}"));
}

#[test]
fn a_vpc_poller_needs_lambda_sts_and_secrets_manager_endpoints() {
    let with = import("poller-endpoints.yaml", &[]);
    let t = &with.spec.triggers[0];
    assert_eq!(
        (t.id.as_deref(), t.source),
        (Some("FromBroker"), TriggerSource::AmazonMq)
    );
    assert!(t.secrets_manager);
    assert_eq!(with.spec.vpc_endpoints[1].subnets, ["Private"], "an alias");
    assert_eq!(
        verdict(&with.spec, "FromBroker", "Consumer", None),
        "reachable"
    );
    let without = import("poller-endpoints.yaml", &[("WithEndpoints", "false")]);
    assert!(without.spec.vpc_endpoints.is_empty());
    assert_eq!(
        verdict(&without.spec, "FromBroker", "Consumer", None),
        "POLLER_NO_PATH"
    );
}

#[test]
fn pollers_and_an_endpoint_placed_outside_the_template_are_unknown() {
    let i = import("unplaced-pollers-and-endpoint.yaml", &[]);
    for t in ["FromCluster", "FromDocs", "FromKafka"] {
        assert!(
            missing(&i, t, MissingKind::Placement),
            "{t}: {:?}",
            i.spec.missing
        );
        assert_eq!(
            verdict(&i.spec, t, "Consumer", None),
            "unknown UNKNOWN_PLACEMENT",
            "{t}: neither reachable nor blocked"
        );
    }
    // The report names what is missing.
    let said = messages(&i, EntryKind::Missing).join("\n");
    for what in ["FromCluster", "FromDocs", "FromKafka", "SecretsEndpoint"] {
        assert!(said.contains(what), "{what} in:\n{said}");
    }
    // The endpoint is kept: its private DNS captures the hostname, so the
    // call from the VPC is unknown rather than sent to the public endpoint.
    assert!(missing(&i, "SecretsEndpoint", MissingKind::Placement));
    assert_eq!(
        verdict(&i.spec, "Worker", "secretsmanager", None),
        "unknown UNKNOWN_PLACEMENT"
    );
    // Given the endpoint's subnets, the verdict is known again.
    let given = import(
        "unplaced-pollers-and-endpoint.yaml",
        &[("EndpointSubnets", "Private")],
    );
    assert!(!missing(&given, "SecretsEndpoint", MissingKind::Placement));
    assert_eq!(
        verdict(&given.spec, "Worker", "secretsmanager", None),
        "reachable"
    );
}

/// Amazon MQ: each mapping's broker (by `GetAtt .Arn`, or a `Sub` over its
/// `Ref`) gives the engine, which decides whether the poller needs STS
/// (rule 5): with Lambda and Secrets Manager endpoints and no STS, RabbitMQ
/// gets through and ActiveMQ is blocked; an engine another stack exports is
/// listed missing and the verdict is unknown, not blocked.
#[test]
fn mq_engines_come_from_the_broker() {
    use awsreach_model::spec::MqEngine;
    let i = import("mq-engines.yaml", &[]);
    let engine = |t: &str| {
        i.spec
            .triggers
            .iter()
            .find(|x| x.id.as_deref() == Some(t))
            .map(|x| x.engine)
    };
    assert_eq!(engine("FromRabbit"), Some(Some(MqEngine::RabbitMq)));
    assert_eq!(engine("FromActive"), Some(Some(MqEngine::ActiveMq)));
    assert_eq!(engine("FromShared"), Some(None));
    assert!(!missing(&i, "FromRabbit", MissingKind::Engine));
    assert!(!missing(&i, "FromActive", MissingKind::Engine));
    assert!(missing(&i, "FromShared", MissingKind::Engine));
    let said = messages(&i, EntryKind::Missing).join("\n");
    assert!(said.contains("shared-mq-EngineType"), "{said}");
    assert_eq!(verdict(&i.spec, "FromRabbit", "Orders", None), "reachable");
    assert_eq!(
        verdict(&i.spec, "FromActive", "Audit", None),
        "POLLER_NO_PATH"
    );
    assert_eq!(
        verdict(&i.spec, "FromShared", "Billing", None),
        "unknown UNKNOWN_ENGINE"
    );
}
