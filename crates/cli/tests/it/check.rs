//! `check` through the real binary: failures that say where, why and how
//! to rerun; `--failures-only`; JUnit XML that a real XML parser accepts;
//! JSON with the verdict and the code apart.

use super::{awsreach, data};

#[test]
fn a_failure_says_where_why_and_how_to_rerun() {
    let run = awsreach(
        &data(),
        &["check", "check-mixed.ron", "wrong-expectation.ron"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let last = run.stdout.lines().last().unwrap();
    assert_eq!(last, "2 passed, 3 failed", "{}", run.stdout);
    // The rerun command it prints is a real, working command.
    let rerun = run
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("rerun:"))
        .unwrap()
        .trim();
    let args: Vec<&str> = rerun.split(' ').skip(1).collect();
    let traced = awsreach(&data(), &args);
    assert_eq!(traced.code, 1, "{}", traced.transcript());
    assert!(
        traced.stdout.contains("blocked: NO_ROUTE"),
        "{}",
        traced.stdout
    );
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn failures_only_hides_the_passes_but_counts_them() {
    let run = awsreach(
        &data(),
        &["check", "wrong-expectation.ron", "--failures-only"],
    );
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains('✔'), "{}", run.stdout);
    assert!(
        run.stdout.contains("✘ wrong-expectation.ron:9  fn -> s3"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().last(), Some("1 passed, 1 failed"));
    let json = awsreach(
        &data(),
        &[
            "check",
            "wrong-expectation.ron",
            "--failures-only",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["passed"], 1);
    assert_eq!(v["files"][0]["expectations"].as_array().unwrap().len(), 1);
}

#[test]
fn json_keeps_verdict_and_code_apart() {
    let run = awsreach(&data(), &["check", "check-mixed.ron", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = v["files"][0]["expectations"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let wrong_code = &rows[2];
    assert_eq!(wrong_code["line"], 17);
    assert_eq!(wrong_code["expected"]["verdict"], "blocked");
    assert_eq!(wrong_code["expected"]["code"], "NACL_INBOUND_DENIED");
    assert_eq!(wrong_code["actual"]["verdict"], "blocked");
    assert_eq!(wrong_code["actual"]["code"], "SG_INGRESS_DENIED");
    assert_eq!(wrong_code["blocking_hop"]["kind"], "security-group");
    assert_eq!(
        wrong_code["rerun"],
        "awsreach trace check-mixed.ron --from fn --to db --port 5432"
    );
    assert_eq!(rows[0]["actual"]["code"], "NO_ROUTE");
    assert_eq!(rows[1]["expected"]["code"], serde_json::Value::Null);
    assert_eq!(
        (
            v["passed"].as_u64(),
            v["failed"].as_u64(),
            v["bad_input"].as_u64()
        ),
        (Some(1), Some(2), Some(0))
    );
}

/// An expectation `check` could not run does not validate (issue 16.4):
/// `validate` and `check` refuse the file alike, naming the entry.
#[test]
fn an_expectation_that_cannot_run_is_refused_by_validate_and_check() {
    for cmd in ["validate", "check"] {
        let run = awsreach(&data(), &[cmd, "check-refused.ron"]);
        assert_eq!(run.code, 2, "{cmd}: {}", run.transcript());
        assert!(
            run.stderr.contains(
                "expect[1]: cannot trace from `db` to `fn`: AWS API calls are HTTPS: tcp/443"
            ),
            "{cmd}: {}",
            run.stderr
        );
    }
}

#[test]
fn junit_is_valid_xml_with_a_case_per_expectation() {
    let run = awsreach(
        &data(),
        &[
            "check",
            "check-mixed.ron",
            "bad.ron",
            "wrong-expectation.ron",
            "--format",
            "junit",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    let doc = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        (
            root.attribute("tests"),
            root.attribute("failures"),
            root.attribute("errors")
        ),
        (Some("6"), Some("3"), Some("1"))
    );
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        ["check-mixed.ron", "bad.ron", "wrong-expectation.ron"]
    );
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    let lines: Vec<_> = cases.iter().map(|c| c.attribute("line").unwrap()).collect();
    assert_eq!(lines, ["15", "16", "17"]);
    // The markup of the note survives escaping as text.
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(
        failure
            .text()
            .unwrap()
            .contains("needs <a gateway endpoint> & \"a route\"")
    );
    assert_eq!(
        failure.attribute("message"),
        Some("expected reachable, got blocked NO_ROUTE")
    );
    // A file that does not load is one case in error, with its messages.
    let load = suites[1]
        .children()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    let err = load.children().find(|n| n.has_tag_name("error")).unwrap();
    assert!(err.text().unwrap().contains("bad.ron:"), "{:?}", err.text());
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn junit_failures_only_keeps_the_failing_cases() {
    let run = awsreach(
        &data(),
        &[
            "check",
            "wrong-expectation.ron",
            "--format",
            "junit",
            "--failures-only",
        ],
    );
    let doc = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 1);
}
