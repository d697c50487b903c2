//! Errors that teach, through the real binary: a RON type error names the
//! field, its path and the forms it takes, at its line and column; `explain`
//! suggests only close codes; a bad `matrix` filter lists the valid kinds.

use super::{awsreach, awsreach_with, workspace};

const SCENARIO: &str = r#"(
    vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
    security_groups: [
        (id: "sg", vpc: "vpc", ingress: [(protocol: Tcp, ports: "443", cidr: "0.0.0.0/0")]),
    ],
)
"#;

fn validate(text: &str) -> super::Run {
    awsreach_with(&workspace(), &["validate", "-"], Some(text))
}

#[test]
fn ron_type_errors_name_the_field_and_its_forms() {
    assert_eq!(validate(SCENARIO).code, 0);
    let run = validate(&SCENARIO.replace("ports: \"443\"", "ports: 443"));
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.starts_with(
            "<stdin>:4:65: error: security_groups[0].ingress[0].ports: `ports` takes a string such as \"443\", \"80-90\" or \"all\""
        ),
        "{}",
        run.stderr
    );
    let run = validate(&SCENARIO.replace("protocol: Tcp", "protocol: \"tcp\""));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "<stdin>:4:53: error: security_groups[0].ingress[0].protocol: `protocol` takes one of Tcp, Udp, Icmp, All"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn explain_suggests_only_close_codes() {
    let run = awsreach(&workspace(), &["explain", "FOO"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
    assert!(run.stderr.contains("explain --list"), "{}", run.stderr);
    let run = awsreach(&workspace(), &["explain", "NACL_DENIED"]);
    assert!(
        run.stderr.contains("did you mean one of `NACL_"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_matrix_filter_lists_the_kinds() {
    let run = awsreach(
        &workspace(),
        &[
            "matrix",
            "scenarios/seed/p4-public-subnet-calls-out.ron",
            "--from",
            "functon",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `function`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("the kinds function, resource, service, host, internet"),
        "{}",
        run.stderr
    );
}
