//! Every CloudFormation/SAM template of `../shared/fixtures/real/cfn-sam`,
//! imported and validated, and the answers of its EXPECTED.md that fall
//! inside awsreach's model. Skips with a message when the directory is
//! absent (CI with only Rust).

use std::path::{Path, PathBuf};

use awsreach_import::cfn::Options;
use awsreach_import::{EntryKind, Imported};
use awsreach_model::spec::MissingKind;

use crate::support::{import_path, verdict};

fn real() -> Option<PathBuf> {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/real/cfn-sam"
    ));
    if p.is_dir() {
        Some(p.to_path_buf())
    } else {
        eprintln!(
            "skipped: {} not found (the real fixtures are optional)",
            p.display()
        );
        None
    }
}

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            templates(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json" | "cform" | "template")
        ) {
            out.push(p);
        }
    }
}

fn import(rel: &str, params: &[(&str, &str)]) -> Option<Imported> {
    let dir = real()?;
    let opts = Options {
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        region: None,
    };
    Some(import_path(&dir.join(rel), &opts))
}

fn has_missing(i: &Imported, entity: &str, what: MissingKind) -> bool {
    i.spec
        .missing
        .iter()
        .any(|m| m.entity == entity && m.what == what)
}

#[test]
fn every_template_imports_into_a_valid_scenario() {
    let Some(dir) = real() else { return };
    let mut all = Vec::new();
    templates(&dir, &mut all);
    assert!(all.len() >= 14, "{} templates", all.len());
    for p in all {
        let i = import_path(&p, &Options::default());
        if let Err(e) = awsreach_model::validate(&i.spec) {
            // Includes the `missing` section: every entity exists and has the right kind.
            panic!(
                "{}: invalid scenario: {e:?}\n{}",
                p.display(),
                awsreach_model::to_ron(&i.spec)
            );
        }
        assert!(
            i.report.count(EntryKind::Read) > 0,
            "{}: nothing read",
            p.display()
        );
    }
}

#[test]
fn gford1000_lambda_in_vpc_reaches_s3_through_the_nested_stacks_nat() {
    let url = "../gford1000-aws+vpc/create_vpc.cform";
    let Some(i) = import(
        "gford1000-aws+lambda_in_vpc/create_lambda_in_vpc.cform",
        &[("VPCTemplateURL", url)],
    ) else {
        return;
    };
    // The nested stack gets CreatePublicSubnet "true", PrivateSubnetCount 3.
    let subnets: Vec<&str> = i.spec.subnets.iter().map(|s| s.id.as_str()).collect();
    assert!(
        subnets.contains(&"VPC/PrivateSubnet3") && subnets.contains(&"VPC/PublicSubnet1"),
        "{subnets:?}"
    );
    assert_eq!(
        i.spec.nat_gateways.len(),
        1,
        "MultipleNATGateways defaults to false"
    );
    assert_eq!(verdict(&i.spec, "LambdaS3Write", "s3", None), "reachable");
    // The nested VPC's private CIDRs are written with host bits ("X.Y.1.0/20").
    assert!(
        i.report
            .entries
            .iter()
            .any(|e| e.message.contains("has host bits set"))
    );
}

#[test]
fn gford1000_s3_only_through_the_gateway_endpoint() {
    let url = "../gford1000-aws+vpc/create_vpc.cform";
    let rel = "gford1000-aws+lambda_s3_access_using_vpc_endpoint/lambda_s3_access_using_vpc_endpoint.cform";
    // Without the prefix-list id the only egress rule is unknown.
    let Some(i) = import(rel, &[("VPCTemplateURL", url)]) else {
        return;
    };
    assert!(
        has_missing(&i, "LambdaSecurityGroup", MissingKind::Rules),
        "{:?}",
        i.spec.missing
    );
    let Some(i) = import(
        rel,
        &[("VPCTemplateURL", url), ("S3EndpointPrefixList", "pl:s3")],
    ) else {
        return;
    };
    assert!(i.spec.internet_gateways.is_empty() && i.spec.nat_gateways.is_empty());
    // PutObject is what the endpoint policy allows (probe 2: other actions are denied by it).
    let put = verdict(&i.spec, "LambdaS3Write", "s3", Some("s3:PutObject"));
    assert_eq!(put, "reachable");
    assert_eq!(
        verdict(&i.spec, "LambdaS3Write", "s3", Some("s3:GetObject")),
        "ENDPOINT_POLICY_DENIED"
    );
    // Every other destination fails (SG egress only to the S3 list, and no route).
    assert_eq!(
        verdict(&i.spec, "LambdaS3Write", "sqs", None),
        "SG_EGRESS_DENIED"
    );
}

#[test]
fn gford1000_dynamodb_only_through_the_gateway_endpoint() {
    let url = "../gford1000-aws+vpc/create_vpc.cform";
    let rel = "gford1000-aws+lambda_dynamodb_access_via_vpc_endpoint/lambda_ddb_access_using_vpc_endpoint.cform";
    let Some(i) = import(
        rel,
        &[
            ("VPCTemplateURL", url),
            ("DDBEndpointPrefixList", "pl:dynamodb"),
        ],
    ) else {
        return;
    };
    assert_eq!(
        verdict(
            &i.spec,
            "LambdaDDBWrite",
            "dynamodb",
            Some("dynamodb:PutItem")
        ),
        "reachable"
    );
    assert_ne!(verdict(&i.spec, "LambdaDDBWrite", "s3", None), "reachable");
}

#[test]
fn sqs_lmi_instances_reach_aws_apis_through_nat_on_https_only() {
    let Some(i) = import(
        "serverless-patterns/sqs-lambda-lmi-esm-provisioned-sam/template.yaml",
        &[],
    ) else {
        return;
    };
    assert_eq!(
        verdict(&i.spec, "ProcessorFunction", "sqs", None),
        "reachable"
    );
    assert_eq!(
        verdict(&i.spec, "ProcessorFunction", "lambda", None),
        "reachable"
    );
    assert_eq!(
        verdict(&i.spec, "SQSEventSourceMapping", "ProcessorFunction", None),
        "reachable"
    );
    let t = &i.spec.triggers[0];
    assert_eq!(t.mode, awsreach_model::spec::PollerMode::Provisioned);
}

#[test]
fn lambda_s3_files_cannot_call_the_s3_api() {
    let Some(i) = import("serverless-patterns/lambda-s3-files-sam/template.yaml", &[]) else {
        return;
    };
    // LambdaSecurityGroup allows only 443/2049 to the VPC CIDR.
    assert_eq!(
        verdict(&i.spec, "S3FilesReaderFunction", "s3", None),
        "SG_EGRESS_DENIED"
    );
    assert!(
        i.spec.route_tables[0]
            .routes
            .iter()
            .all(|r| r.dest.starts_with("pl:"))
    );
}

#[test]
fn subnets_from_parameters_leave_placement_unknown() {
    let Some(i) = import(
        "serverless-patterns/apigw-rest-api-lambda-vpc-sqs/template.yml",
        &[],
    ) else {
        return;
    };
    assert!(has_missing(&i, "LambdaToSQS", MissingKind::Placement));
    // Probe 5: API Gateway invokes through the Lambda API, placement does not matter.
    assert_eq!(
        verdict(&i.spec, "LambdaToSQS.CreateAPI", "LambdaToSQS", None),
        "reachable"
    );
}

#[test]
fn vpc_pollers_of_sources_outside_the_template_are_unknown() {
    for (rel, function, trigger) in [
        (
            "serverless-patterns/docdb-lambda/template.yaml",
            "MyLambdaFunction",
            "MyLambdaFunction.LambdaESM",
        ),
        (
            "serverless-patterns/msk-cfn-sasl-lambda/template.yaml",
            "TopicConsumerFunction",
            "TopicConsumerFunction.MSKEvent",
        ),
        (
            "serverless-patterns/rabbitmq-private-lambda-java-sam/rabbitmq_consumer_dynamo_sam/template_original.yaml",
            "LambdaRabbitMQConsumerJavaFunction",
            "LambdaRabbitMQConsumerJavaFunction.MQEvent",
        ),
    ] {
        let Some(i) = import(rel, &[]) else { return };
        // The trigger is declared with its poller's placement missing; the
        // report names it, its verdict is `unknown` (never reachable or
        // blocked), and the function's own placement is missing too.
        let said = i
            .report
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Missing && e.subject == trigger);
        assert!(said, "{rel}: {:?}", i.report);
        assert!(
            has_missing(&i, trigger, MissingKind::Placement),
            "{rel}: {:?}",
            i.spec.missing
        );
        let v = crate::support::verdict(&i.spec, trigger, function, None);
        assert_eq!(v, "unknown UNKNOWN_PLACEMENT", "{rel}");
        assert!(
            has_missing(&i, function, MissingKind::Placement),
            "{rel}: {:?}",
            i.spec.missing
        );
    }
}

#[test]
fn duplicate_output_keys_are_read_last_wins_with_a_warning() {
    let Some(i) = import("serverless-patterns/vpc-lattice-lambda/template.yaml", &[]) else {
        return;
    };
    let dups = i
        .report
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Warning && e.message.contains("duplicate key"))
        .count();
    assert!(dups >= 2, "{dups}");
}
