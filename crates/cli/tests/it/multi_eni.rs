//! A function in several subnets through the real binary: `trace --from FN`
//! answers for each of its ENIs (text and JSON), the exit code is 0 only
//! when every ENI reaches, and the matrix marks a function whose ENIs
//! disagree instead of showing the worst one alone.

use super::{awsreach, workspace};

const M: &str = "scenarios/rules/multi-subnet-function.ron";

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let run = awsreach(&workspace(), args);
    let v =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.transcript()));
    (run.code, v)
}

#[test]
fn a_trace_from_the_function_answers_for_each_eni() {
    let run = awsreach(
        &workspace(),
        &["trace", M, "--from", "fn-flaky", "--to", "sqs"],
    );
    assert_eq!(run.code, 1, "one ENI is blocked: {}", run.transcript());
    let lines: Vec<&str> = run.stdout.lines().collect();
    let line = |id: &str| {
        lines
            .iter()
            .find(|l| {
                l.trim_start().starts_with(&format!("✔ {id} "))
                    || l.trim_start().starts_with(&format!("✘ {id} "))
            })
            .unwrap_or_else(|| panic!("no line for {id}: {}", run.stdout))
            .to_string()
    };
    let a = line("fn-flaky@private-a");
    assert!(
        a.contains("✔") && a.contains("10.0.1.5") && a.ends_with("reachable"),
        "{a}"
    );
    let c = line("fn-flaky@private-c");
    assert!(
        c.contains("✘") && c.contains("10.0.3.4") && c.contains("blocked: NO_ROUTE at hop 5"),
        "{c}"
    );
    assert!(
        run.stdout.contains("1 of 2 ENIs reach sqs"),
        "{}",
        run.stdout
    );
    // The failing ENI's own trace, with why and the fix; none for the one that reaches.
    assert!(
        run.stdout.contains("\nfrom fn-flaky@private-c\n"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("\nfrom fn-flaky@private-a\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("rt-forgotten has no route"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("fix:"), "{}", run.stdout);
}

#[test]
fn every_failing_eni_is_shown_with_its_own_reason() {
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            M,
            "--from",
            "fn-broken",
            "--to",
            "sqs",
            "--blast-radius",
            "off",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("none of the 2 ENIs reach sqs"),
        "{}",
        run.stdout
    );
    let c = run
        .stdout
        .find("\nfrom fn-broken@private-c\n")
        .expect("private-c's trace");
    let d = run
        .stdout
        .find("\nfrom fn-broken@private-d\n")
        .expect("private-d's trace");
    assert!(c < d, "in subnet order");
    assert!(
        run.stdout[c..d].contains("blocked: NO_ROUTE"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout[d..].contains("blocked: NACL_OUTBOUND_DENIED"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout[d..].contains("network acl shut-out"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_exit_code_is_zero_only_when_every_eni_reaches() {
    let good = awsreach(
        &workspace(),
        &["trace", M, "--from", "fn-good", "--to", "sqs"],
    );
    assert_eq!(good.code, 0, "{}", good.transcript());
    assert!(
        good.stdout.contains("reachable from each of the 2 ENIs"),
        "{}",
        good.stdout
    );
    // One ENI alone is one answer, with no list of ENIs.
    let one = awsreach(
        &workspace(),
        &["trace", M, "--from", "fn-flaky@private-a", "--to", "sqs"],
    );
    assert_eq!(one.code, 0, "{}", one.transcript());
    assert!(!one.stdout.contains("ENIs"), "{}", one.stdout);
    let other = awsreach(
        &workspace(),
        &["trace", M, "--from", "fn-flaky@private-c", "--to", "sqs"],
    );
    assert_eq!(other.code, 1, "{}", other.transcript());
}

#[test]
fn json_carries_each_enis_trace() {
    let (code, v) = json(&[
        "trace", M, "--from", "fn-flaky", "--to", "sqs", "--format", "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "blocked");
    assert_eq!(v["code"], "NO_ROUTE");
    let enis = v["enis"].as_array().expect("enis");
    let summary: Vec<(String, String)> = enis
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap().to_string(),
                e["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("fn-flaky@private-a".to_string(), "reachable".to_string()),
            ("fn-flaky@private-c".to_string(), "blocked".to_string())
        ]
    );
    assert_eq!(enis[1]["code"], "NO_ROUTE");
    assert!(
        enis[1]["why"].as_str().unwrap().contains("private-c"),
        "{}",
        enis[1]
    );
    assert!(enis[0]["hops"].as_array().unwrap().len() > 5);
    // The document's own hops are those of the ENI that decides.
    assert_eq!(v["hops"], enis[1]["hops"]);
    // One ENI alone: no `enis`.
    let (_, one) = json(&[
        "trace",
        M,
        "--from",
        "fn-flaky@private-a",
        "--to",
        "sqs",
        "--format",
        "json",
    ]);
    assert!(one.get("enis").is_none(), "{one}");
}

#[test]
fn the_matrix_marks_functions_whose_enis_disagree() {
    let run = awsreach(&workspace(), &["matrix", M, "--width", "200"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let row = |name: &str| {
        run.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row {name}: {}", run.stdout))
            .to_string()
    };
    let flaky = row("fn-flaky");
    assert_eq!(flaky.matches("◐ NO_ROUTE 1/2").count(), 4, "{flaky}");
    assert!(!flaky.contains('✗'), "{flaky}");
    // Both of fn-broken's ENIs are blocked: they agree, plain ✗.
    let broken = row("fn-broken");
    assert!(
        broken.contains("✗ NO_ROUTE") && !broken.contains('◐'),
        "{broken}"
    );
    assert!(
        run.stdout
            .contains("◐ CODE n/m  the function's ENIs disagree"),
        "{}",
        run.stdout
    );
    let ascii = awsreach(&workspace(), &["matrix", M, "--ascii", "--width", "200"]);
    assert!(ascii.stdout.contains("~ NO_ROUTE 1/2"), "{}", ascii.stdout);
    let csv = awsreach(&workspace(), &["matrix", M, "--format", "csv"]);
    assert!(
        csv.stdout
            .contains("\nfn-flaky,NO_ROUTE 1/2,,NO_ROUTE 1/2,"),
        "{}",
        csv.stdout
    );
}

#[test]
fn matrix_json_lists_each_enis_answer_where_they_disagree() {
    let (code, v) = json(&["matrix", M, "--format", "json"]);
    assert_eq!(code, 0);
    let rows: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let cols: Vec<&str> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let cell = |r: &str, c: &str| {
        let i = rows.iter().position(|x| *x == r).unwrap();
        let j = cols.iter().position(|x| *x == c).unwrap();
        v["cells"][i][j].clone()
    };
    let split = cell("fn-flaky", "sqs");
    assert_eq!(split["verdict"], "blocked");
    assert_eq!(split["enis_reach"], 1);
    assert_eq!(
        split["enis"],
        serde_json::json!([
            {"subnet": "private-a", "verdict": "reachable"},
            {"subnet": "private-c", "verdict": "blocked", "code": "NO_ROUTE"}
        ])
    );
    assert!(cell("fn-broken", "sqs").get("enis").is_none());
    assert!(cell("fn-good", "sqs").get("enis").is_none());
}
