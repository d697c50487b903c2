//! Real Terraform plans written by others (`../shared/fixtures/real/`:
//! Cloudrail's test plans, terraform-compliance's raw plans): every one
//! imports into a valid scenario, and the answers their EXPECTED.md
//! asserts that fall inside awsreach's model hold. Skips with a message
//! when the fixtures are absent (CI with only Rust).

use std::path::{Path, PathBuf};

use awsreach_import::{EntryKind, Imported, InputFile, tfplan};
use awsreach_model::net::Protocol;
use awsreach_model::spec::MissingKind;
use awsreach_sim::{Engine, Outcome, ProbeOptions};

fn real() -> Option<PathBuf> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/real"
    ));
    if dir.is_dir() {
        Some(dir.to_path_buf())
    } else {
        eprintln!(
            "skipped: {} does not exist (real third-party fixtures are optional)",
            dir.display()
        );
        None
    }
}

fn plans(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            plans(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn import(path: &Path) -> Imported {
    let text = std::fs::read_to_string(path).unwrap();
    tfplan::import(&InputFile {
        path: path.display().to_string(),
        text,
    })
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn engine(imp: &Imported) -> Engine {
    match awsreach_model::validate(&imp.spec) {
        Ok(c) => Engine::new(c.scenario),
        Err(e) => panic!("{}: invalid scenario: {:#?}", imp.label, e.errors),
    }
}

fn outcome(e: &Engine, from: &str, to: &str, port: Option<u16>) -> Outcome {
    let opts = ProbeOptions {
        port,
        protocol: port.map(|_| Protocol::Tcp),
        ..ProbeOptions::default()
    };
    let p = e
        .probe(from, to, &opts)
        .unwrap_or_else(|err| panic!("{from} -> {to}: {err}"));
    e.outcome(&p)
}

fn load(rel: &str) -> Option<(Imported, Engine)> {
    let dir = real()?;
    let imp = import(&dir.join(rel));
    let e = engine(&imp);
    Some((imp, e))
}

#[test]
fn every_real_plan_imports_into_a_valid_scenario() {
    let Some(dir) = real() else { return };
    let mut files = Vec::new();
    plans(&dir.join("cloudrail-tf-plans"), &mut files);
    plans(&dir.join("terraform-compliance"), &mut files);
    assert!(files.len() >= 14, "found only {files:?}");
    for f in &files {
        let imp = import(f);
        let _ = engine(&imp);
        assert!(
            imp.report.count(EntryKind::Read) > 0,
            "{}: nothing read",
            f.display()
        );
        eprintln!(
            "{}: {} vpcs, {} subnets, {} functions, {} resources; report: {} read, {} skipped, {} missing, {} warnings",
            f.display(),
            imp.spec.vpcs.len(),
            imp.spec.subnets.len(),
            imp.spec.functions.len(),
            imp.spec.resources.len(),
            imp.report.count(EntryKind::Read),
            imp.report.count(EntryKind::Skipped),
            imp.report.count(EntryKind::Missing),
            imp.report.count(EntryKind::Warning),
        );
    }
}

/// cloudrail lambda-outbound-connections (*source*): the function has a
/// private outbound connection to the instance on port 80.
#[test]
fn cloudrail_lambda_outbound_connection_is_allowed() {
    let Some((imp, e)) =
        load("cloudrail-tf-plans/lambda-function/lambda-outbound-connections/cached_plan.json")
    else {
        return;
    };
    let f = imp
        .spec
        .functions
        .iter()
        .find(|f| f.id == "aws_lambda_function.my-lambda")
        .unwrap();
    let vpc = f.vpc.as_ref().expect("the function is in the VPC");
    assert_eq!(vpc.subnets, ["aws_subnet.private-subnet"]);
    assert_eq!(
        vpc.security_groups,
        [
            "aws_security_group.allow-all-local",
            "aws_security_group.allow-http"
        ]
    );
    // The importer lists a placement as missing (the plan leaves it
    // unknown), so the simulator answers `unknown` instead of guessing
    // reachable (issue 10.5).
    assert!(matches!(
        outcome(
            &e,
            "aws_lambda_function.my-lambda",
            "aws_instance.web-server",
            Some(80)
        ),
        Outcome::Reachable | Outcome::Unknown(awsreach_sim::Code::UnknownPlacement)
    ));
}

/// ...-mismatch: the instance's group admits 80 only from 192.168.100.0/25,
/// which does not hold the function's subnet.
#[test]
fn cloudrail_lambda_outbound_mismatch_is_blocked_at_the_instance_group() {
    let Some((_, e)) = load(
        "cloudrail-tf-plans/lambda-function/lambda-outbound-connections-mismatch/cached_plan.json",
    ) else {
        return;
    };
    let from = "aws_lambda_function.my-lambda";
    match outcome(&e, from, "aws_instance.web-server", Some(80)) {
        Outcome::Blocked(c) => assert_eq!(c.as_str(), "SG_INGRESS_DENIED"),
        // A placement the plan leaves unknown: no guess (issue 10.5).
        Outcome::Unknown(c) => assert_eq!(c.as_str(), "UNKNOWN_PLACEMENT"),
        other => panic!("expected blocked, got {other:?}"),
    }
}

/// lambda-vpc-configuration (*source*): vpc_config resolves to the plan's
/// security group and subnet.
#[test]
fn cloudrail_lambda_vpc_configuration_resolves() {
    let Some((imp, _)) =
        load("cloudrail-tf-plans/lambda-function/lambda-vpc-configuration/cached_plan.json")
    else {
        return;
    };
    let f = &imp.spec.functions[0];
    let vpc = f.vpc.as_ref().expect("in a VPC");
    assert!(
        vpc.subnets.iter().all(|s| s.starts_with("aws_subnet.")),
        "{vpc:?}"
    );
    assert!(
        vpc.security_groups
            .iter()
            .all(|s| s.starts_with("aws_security_group.")),
        "{vpc:?}"
    );
    assert!(!vpc.subnets.is_empty() && !vpc.security_groups.is_empty());
}

/// s3/dynamodb_vpce_gateway_not_used (*source*): the private table routes
/// the service's prefix list to the endpoint; the invalid hand-written
/// routes are flagged. Probe 1: the custom NACL has no inbound rules, so
/// the reply is dropped.
#[test]
fn cloudrail_gateway_endpoint_rules() {
    for (rel, service) in [
        (
            "cloudrail-tf-plans/rules/s3_vpce_gateway_not_used_rule/vpc_has_only_s3_vpce_gw_connection/cached_plan.json",
            "s3",
        ),
        (
            "cloudrail-tf-plans/rules/dynamodb_vpce_gateway_not_used_rule/vpc_has_only_dynamodb_vpce_gw_connection/cached_plan.json",
            "dynamodb",
        ),
    ] {
        let Some((imp, e)) = load(rel) else { return };
        let ep = imp
            .spec
            .vpc_endpoints
            .iter()
            .find(|v| v.service == service)
            .expect("endpoint");
        assert!(
            !ep.route_tables.is_empty(),
            "{rel}: endpoint associated with the private table"
        );
        assert!(
            imp.report
                .entries
                .iter()
                .any(|en| en.kind == EntryKind::Warning
                    && en.message.contains("left out")
                    && en.message.contains("route")),
            "{rel}: the invalid hand-written route is flagged"
        );
        let instance = imp
            .spec
            .resources
            .iter()
            .find(|r| r.id.starts_with("aws_instance."))
            .unwrap()
            .id
            .clone();
        match outcome(&e, &instance, service, None) {
            Outcome::Blocked(c) => assert_eq!(c.as_str(), "NACL_RETURN_DENIED", "{rel}"),
            // A placement the plan leaves unknown: no guess (issue 10.5).
            Outcome::Unknown(c) => assert_eq!(c.as_str(), "UNKNOWN_PLACEMENT", "{rel}"),
            other => panic!("{rel}: expected blocked on the return path, got {other:?}"),
        }
    }
}

/// performance-eni-1000: the counts, and probes 2-4 of EXPECTED.md.
#[test]
fn cloudrail_performance_eni_1000() {
    let Some((imp, e)) = load("cloudrail-tf-plans/scenarios/performance-eni-1000/cached_plan.json")
    else {
        return;
    };
    assert_eq!(imp.spec.vpcs.len(), 3);
    assert_eq!(imp.spec.subnets.len(), 18);
    assert_eq!(imp.spec.functions.len(), 133);
    assert!(imp.spec.functions.iter().all(|f| f.vpc.is_some()));
    let f = "aws_lambda_function.prod[0]";
    // 2: the sqs endpoint has private DNS off, no NAT: no route.
    match outcome(&e, f, "sqs", None) {
        Outcome::Blocked(c) => assert!(
            ["ENDPOINT_PRIVATE_DNS_OFF", "NO_ROUTE"].contains(&c.as_str()),
            "{c:?}"
        ),
        other => panic!("fn -> sqs: expected blocked, got {other:?}"),
    }
    // 3: the database sits in the VPC's default group, which admits only its members.
    match outcome(&e, f, "aws_db_instance.prod[0]", Some(3306)) {
        Outcome::Blocked(c) => assert_eq!(c.as_str(), "SG_INGRESS_DENIED"),
        // A placement the plan leaves unknown: no guess (issue 10.5).
        Outcome::Unknown(c) => assert_eq!(c.as_str(), "UNKNOWN_PLACEMENT"),
        other => panic!("fn -> db: expected blocked, got {other:?}"),
    }
    // 4: same VPC, the instance's group admits 80 from anywhere.
    assert_eq!(
        outcome(&e, f, "aws_instance.privateA[0]", Some(80)),
        Outcome::Reachable
    );
}

/// covid-alert: the functions are outside any VPC.
#[test]
fn cloudrail_covid_alert_functions_outside_vpc() {
    let Some((imp, _)) = load(
        "cloudrail-tf-plans/scenarios/covid-alert-server-staging-terraform/server/aws/cached_plan.json",
    ) else {
        return;
    };
    assert_eq!(imp.spec.functions.len(), 2);
    assert!(imp.spec.functions.iter().all(|f| f.vpc.is_none()));
    // 7 endpoints: the two ECR ones take their subnets from a data source
    // the plan did not read: kept with their placement missing, and said so.
    assert_eq!(
        imp.spec.vpc_endpoints.len(),
        7,
        "{:?}",
        imp.spec.vpc_endpoints
    );
    for ecr in ["aws_vpc_endpoint.ecr-api", "aws_vpc_endpoint.ecr-dkr"] {
        assert!(
            imp.report
                .entries
                .iter()
                .any(|en| en.kind == EntryKind::Missing && en.subject == ecr),
            "{ecr}"
        );
        assert!(
            imp.spec
                .missing
                .iter()
                .any(|m| m.entity == ecr && m.what == awsreach_model::spec::MissingKind::Placement),
            "{ecr}"
        );
    }
    // aws_rds_cluster is not modelled, and says so.
    assert!(
        imp.report
            .entries
            .iter()
            .any(|en| en.kind == EntryKind::Skipped && en.subject == "aws_rds_cluster")
    );
}

/// test_issue-158 (raw plan): NAT routes resolve through references with
/// count.index; a function in a private subnet reaches the internet.
#[test]
fn compliance_158_nat_routes_resolve_through_count_index() {
    let Some((mut imp, _)) = load("terraform-compliance/test_issue-158/plan.out.json") else {
        return;
    };
    for k in 0..3 {
        let rt = imp
            .spec
            .route_tables
            .iter()
            .find(|t| t.id == format!("module.vpc.aws_route_table.private[{k}]"))
            .unwrap();
        assert_eq!(rt.routes.len(), 1, "{rt:?}");
        assert_eq!(
            rt.routes[0].target,
            awsreach_model::spec::RouteTarget::Nat(format!("module.vpc.aws_nat_gateway.this[{k}]"))
        );
    }
    let public = imp
        .spec
        .route_tables
        .iter()
        .find(|t| t.id == "module.vpc.aws_route_table.public[0]")
        .unwrap();
    assert_eq!(
        public.routes[0].target,
        awsreach_model::spec::RouteTarget::Igw("module.vpc.aws_internet_gateway.this[0]".into())
    );
    assert!(
        imp.report
            .entries
            .iter()
            .any(|en| en.message.contains("count.index")),
        "the pairing is labelled as an inference"
    );
    // Probe 4: a function placed in private[0] reaches the internet; in public[0] it does not.
    for (subnet, reachable) in [
        ("module.vpc.aws_subnet.private[0]", true),
        ("module.vpc.aws_subnet.public[0]", false),
    ] {
        imp.spec.functions = vec![awsreach_model::spec::FunctionSpec {
            name: None,
            id: "probe-fn".into(),
            vpc: Some(awsreach_model::spec::FunctionVpcSpec {
                subnets: vec![subnet.into()],
                security_groups: Vec::new(),
                ipv6_dual_stack: false,
            }),
            policy: None,
        }];
        let e = engine(&imp);
        let o = outcome(&e, "probe-fn", "internet", None);
        assert_eq!(o == Outcome::Reachable, reachable, "{subnet}: {o:?}");
    }
}

/// test_issue-249: the function's subnets exist outside the plan: reported,
/// the function kept in its VPC (read from data.aws_vpc), and route tables
/// and ACLs of those subnets declared missing.
#[test]
fn compliance_249_dangling_subnets_are_reported_and_missing() {
    let Some((imp, _)) = load("terraform-compliance/test_issue-249/plan.out.json") else {
        return;
    };
    let f = imp
        .spec
        .functions
        .iter()
        .find(|f| f.id == "module.lambda_TFUpgradeTest.aws_lambda_function.lambda")
        .expect("the function is kept");
    let vpc = f.vpc.as_ref().expect("still in its VPC");
    assert_eq!(vpc.security_groups.len(), 1);
    for s in ["subnet-13f44a58", "subnet-9918eec4"] {
        assert!(
            imp.report
                .entries
                .iter()
                .any(|e| e.kind == EntryKind::Missing && e.subject == s),
            "{s} reported missing"
        );
    }
    let sub = &vpc.subnets[0];
    assert!(
        imp.spec
            .missing
            .iter()
            .any(|m| &m.entity == sub && m.what == MissingKind::RouteTable)
    );
    assert!(
        imp.spec
            .missing
            .iter()
            .any(|m| &m.entity == sub && m.what == MissingKind::NetworkAcl)
    );
    let v = imp
        .spec
        .vpcs
        .iter()
        .find(|v| v.id == "vpc-32E071F6")
        .expect("the VPC from data.aws_vpc.default");
    assert_eq!(v.cidr, "10.107.56.0/21");
}

/// test_pull_330 probe 5: no route table in the plan, the subnet uses the
/// main table with the local route only.
#[test]
fn compliance_330_subnet_without_table_has_no_route_out() {
    let Some((mut imp, _)) = load("terraform-compliance/test_pull_330/plan.out.json") else {
        return;
    };
    let subnet = "aws_subnet.test";
    assert!(imp.spec.subnets.iter().any(|s| s.id == subnet));
    imp.spec.resources.push(awsreach_model::spec::ResourceSpec {
        name: None,
        id: "probe".into(),
        kind: awsreach_model::spec::ResourceKind::Ec2,
        subnet: subnet.into(),
        private_ip: None,
        public_ip: None,
        ipv6_ip: None,
        security_groups: Vec::new(),
        listen: Vec::new(),
        forwarding: false,
    });
    let e = engine(&imp);
    match outcome(&e, "probe", "internet", None) {
        Outcome::Blocked(c) => assert_eq!(c.as_str(), "NO_ROUTE"),
        other => panic!("expected no route, got {other:?}"),
    }
}

/// test_issue-171: the route's gateway is unknown and has no expression:
/// the table's routes are declared missing, never guessed.
#[test]
fn compliance_171_unknown_route_target_is_missing() {
    let Some((imp, _)) = load("terraform-compliance/test_issue-171/plan.out.json") else {
        return;
    };
    assert!(
        imp.spec
            .missing
            .iter()
            .any(|m| m.what == MissingKind::Routes),
        "{:?}",
        imp.spec.missing
    );
}
