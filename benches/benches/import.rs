//! Import: a Terraform plan (`terraform show -json`) to a compiled engine —
//! JSON parse, reference resolution and mapping (`tfplan::import`),
//! validation, compilation. The plan is Cloudrail's 1,811-resource
//! performance-eni-1000 (133 Lambda functions in VPCs, 99 endpoints, 864
//! security-group rules) from `../shared/fixtures/real` when present, else
//! a generated raw plan of the same shape, so the bench runs anywhere.

use std::path::Path;

use awsreach_import::{InputFile, tfplan};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

const REAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/fixtures/real/cloudrail-tf-plans/scenarios/performance-eni-1000/cached_plan.json"
);

/// The real plan, or a generated one (with a message saying which).
fn plan() -> (String, String) {
    if Path::new(REAL).is_file() {
        let text = std::fs::read_to_string(REAL).expect("readable plan");
        return ("performance-eni-1000".into(), text);
    }
    eprintln!("{REAL} is absent: benchmarking a generated plan of the same shape instead");
    ("generated-1800".into(), generated().to_string())
}

fn res(address: &str, rtype: &str, name: &str, index: Option<usize>, values: Value) -> Value {
    let mut r = json!({"address": address, "mode": "managed", "type": rtype, "name": name, "values": values});
    if let Some(i) = index {
        r["index"] = json!(i);
    }
    r
}

/// 3 VPCs × 6 subnets, 48 groups × 6 rules per VPC, 44 functions, 33
/// endpoints, 13 instances and 10 databases per VPC: about 1,800 resources,
/// linked by post-processed addresses as in Cloudrail's plans.
fn generated() -> Value {
    let mut rs = Vec::new();
    for v in 0..3 {
        let vpc = format!("aws_vpc.v{v}");
        rs.push(res(
            &vpc,
            "aws_vpc",
            &format!("v{v}"),
            None,
            json!({"cidr_block": format!("10.{v}.0.0/16")}),
        ));
        let vid = format!("{vpc}.id");
        let subnets: Vec<String> = (0..6).map(|s| format!("aws_subnet.s{v}[{s}]")).collect();
        for (s, a) in subnets.iter().enumerate() {
            rs.push(res(
                a,
                "aws_subnet",
                &format!("s{v}"),
                Some(s),
                json!({"cidr_block": format!("10.{v}.{s}.0/24"), "vpc_id": vid}),
            ));
        }
        for g in 0..48 {
            let sg = format!("aws_security_group.g{v}[{g}]");
            rs.push(res(
                &sg,
                "aws_security_group",
                &format!("g{v}"),
                Some(g),
                json!({"vpc_id": vid}),
            ));
            for k in 0..6 {
                rs.push(res(
                    &format!("aws_security_group_rule.r{v}_{g}[{k}]"),
                    "aws_security_group_rule",
                    &format!("r{v}_{g}"),
                    Some(k),
                    json!({"type": if k == 0 { "egress" } else { "ingress" }, "protocol": "tcp",
                           "from_port": 80 + k, "to_port": 80 + k, "cidr_blocks": [format!("10.{v}.{k}.0/24")],
                           "security_group_id": format!("{sg}.id")}),
                ));
            }
        }
        let ids: Vec<String> = subnets.iter().map(|s| format!("{s}.id")).collect();
        for f in 0..44 {
            rs.push(res(&format!("aws_lambda_function.f{v}[{f}]"), "aws_lambda_function", &format!("f{v}"), Some(f),
                json!({"function_name": format!("f{v}-{f}"), "vpc_config": [{"subnet_ids": ids, "security_group_ids": [format!("aws_security_group.g{v}[{}].id", f % 48)]}]})));
        }
        for (e, svc) in [
            "sqs",
            "sns",
            "kms",
            "logs",
            "sts",
            "secretsmanager",
            "lambda",
            "ssm",
            "events",
            "kinesis",
            "monitoring",
        ]
        .iter()
        .cycle()
        .take(33)
        .enumerate()
        {
            rs.push(res(&format!("aws_vpc_endpoint.e{v}[{e}]"), "aws_vpc_endpoint", &format!("e{v}"), Some(e),
                json!({"vpc_id": vid, "service_name": format!("com.amazonaws.us-east-1.{svc}"), "vpc_endpoint_type": "Interface",
                       "private_dns_enabled": false, "subnet_ids": [ids[e % 6].clone()], "security_group_ids": [format!("aws_security_group.g{v}[0].id")]})));
        }
        for n in 0..13 {
            rs.push(res(&format!("aws_instance.i{v}[{n}]"), "aws_instance", &format!("i{v}"), Some(n),
                json!({"subnet_id": ids[n % 6].clone(), "vpc_security_group_ids": [format!("aws_security_group.g{v}[{}].id", n % 48)]})));
        }
        let group = format!("aws_db_subnet_group.d{v}");
        rs.push(res(
            &group,
            "aws_db_subnet_group",
            &format!("d{v}"),
            None,
            json!({"subnet_ids": ids}),
        ));
        for d in 0..10 {
            rs.push(res(
                &format!("aws_db_instance.db{v}[{d}]"),
                "aws_db_instance",
                &format!("db{v}"),
                Some(d),
                json!({"engine": "mysql", "db_subnet_group_name": format!("{group}.id")}),
            ));
        }
    }
    json!({"format_version": "0.2", "planned_values": {"root_module": {"resources": rs}}})
}

fn import(c: &mut Criterion) {
    let (name, text) = plan();
    let file = InputFile {
        path: name.clone(),
        text,
    };
    c.bench_function(&format!("import/tfplan_compile/{name}"), |b| {
        b.iter_with_large_drop(|| {
            let imp = tfplan::import(&file).expect("the plan imports");
            let checked = awsreach_model::validate(&imp.spec).expect("a valid scenario");
            awsreach_sim::Engine::new(checked.scenario)
        })
    });
}

criterion_group!(benches, import);
criterion_main!(benches);
