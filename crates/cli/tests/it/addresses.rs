//! Probe endpoints named by address, by `function@subnet`, and over IPv6,
//! through the real binary (issue 9: the same probe gets the same verdict
//! whether its ends are named by id or by address).

use super::{awsreach, workspace};

const LITERAL: &str = "scenarios/rules/literal-address-source.ron";

fn trace(file: &str, extra: &[&str]) -> super::Run {
    let mut args = vec!["trace", file, "--no-followup", "--blast-radius", "off"];
    args.extend_from_slice(extra);
    awsreach(&workspace(), &args)
}

#[test]
fn a_function_eni_address_calls_like_the_function_dns_first() {
    // 10.20.11.5 is worker's ENI in app-a (10.20.11.4 is the endpoint's).
    let run = trace(LITERAL, &["--from", "10.20.11.5", "--to", "sqs"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with("trace 10.20.11.5 -> sqs"),
        "the trace keeps the name the user gave: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("resolves to interface endpoint vpce-sqs (10.20.11.4) through private DNS"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("worker "), "{}", run.stdout);
}

#[test]
fn function_at_subnet_picks_one_eni() {
    let run = trace(LITERAL, &["--from", "worker@app-b", "--to", "sqs"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("10.20.12.4 in subnet app-b"),
        "{}",
        run.stdout
    );
    let bad = trace(LITERAL, &["--from", "worker@data", "--to", "sqs"]);
    assert_eq!(
        bad.code,
        2,
        "worker has no ENI in data: {}",
        bad.transcript()
    );
}

#[test]
fn an_endpoint_address_is_no_source() {
    let run = trace(LITERAL, &["--from", "10.20.11.4", "--to", "sqs"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("interface endpoint `vpce-sqs`, which only receives"),
        "{}",
        run.stderr
    );
}

#[test]
fn within_a_subnet_no_nacl_by_id_or_by_address() {
    for to in ["db", "10.20.20.10"] {
        let run = trace(LITERAL, &["--from", "cache", "--to", to, "--port", "5432"]);
        assert_eq!(run.code, 0, "{to}: {}", run.transcript());
        assert!(
            !run.stdout.contains("network-acl"),
            "{to}: the shut NACL of subnet data is not crossed: {}",
            run.stdout
        );
    }
}
