//! `awsreach import terraform` and every command on a plan
//! (`terraform show -json` output), with the importer's own fixtures.

use super::*;

fn plan(name: &str) -> String {
    workspace()
        .join("crates/import/tests/fixtures/tfplan")
        .join(name)
        .display()
        .to_string()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("awsreach-tf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn import_terraform_writes_ron_that_validates() {
    let out = tmp("families.ron");
    let r = awsreach(
        &workspace(),
        &[
            "import",
            "terraform",
            &plan("state-families.json"),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("read     4 aws_subnet"), "{}", r.stdout);
    assert!(
        r.stdout.contains("skipped  aws_vpc_endpoint.sagemaker"),
        "{}",
        r.stdout
    );
    let ron = std::fs::read_to_string(&out).unwrap();
    assert!(
        ron.contains("id: \"aws_lambda_function.api\""),
        "addresses are ids"
    );
    let v = awsreach(&workspace(), &["validate", out.to_str().unwrap()]);
    assert_eq!(v.code, 0, "{}", v.transcript());
    // The alias and the JSON report.
    let j = awsreach(
        &workspace(),
        &[
            "import",
            "tf",
            &plan("state-families.json"),
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(j.code, 0, "{}", j.transcript());
    let doc: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(doc["scenarios"][0]["counts"]["skipped"], 2);
}

#[test]
fn commands_take_a_plan_like_a_scenario() {
    let p = plan("state-families.json");
    let ok = awsreach(
        &workspace(),
        &[
            "trace",
            &p,
            "--from",
            "aws_lambda_function.api",
            "--to",
            "aws_db_instance.pg",
            "--port",
            "5432",
            "--protocol",
            "tcp",
        ],
    );
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    assert!(ok.stdout.contains("aws_security_group.db"), "{}", ok.stdout);
    assert!(
        ok.stderr.contains("awsreach import terraform"),
        "the summary names the report command: {}",
        ok.stderr
    );
    let no = awsreach(
        &workspace(),
        &[
            "trace",
            &p,
            "--from",
            "aws_lambda_function.api",
            "--to",
            "sqs",
        ],
    );
    assert_eq!(no.code, 1, "{}", no.transcript());
    assert!(no.stdout.contains("SG_EGRESS_DENIED"), "{}", no.stdout);
    let raw = plan("raw-count-index.json");
    for cmd in [
        &["check", raw.as_str()][..],
        &["show", raw.as_str()],
        &["matrix", raw.as_str()],
    ] {
        let r = awsreach(&workspace(), cmd);
        assert_eq!(r.code, 0, "{cmd:?}: {}", r.transcript());
    }
}

#[test]
fn bad_plans_exit_2_with_one_line() {
    let broken = tmp("broken.json");
    std::fs::write(
        &broken,
        "{\"format_version\": \"1.2\",\n \"planned_values\": {]}\n",
    )
    .unwrap();
    let r = awsreach(
        &workspace(),
        &["import", "terraform", broken.to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr.contains("broken.json:2:21: error:"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("terraform show -json"), "{}", r.stderr);
    let other = tmp("other.json");
    std::fs::write(&other, "{\"Vpcs\": []}").unwrap();
    let r = awsreach(
        &workspace(),
        &["import", "terraform", other.to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("not a Terraform plan: it looks like a JSON object with keys Vpcs"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

/// `--base`: the plan's literal ids name the account snapshot's subnet and
/// group, and the function is traced through the account's network.
#[test]
fn a_plan_on_top_of_an_account_snapshot() {
    let snap = data().join("snapshot");
    let p = data().join("terraform/on-snapshot.json");
    let out = tmp("on-snapshot.ron");
    let alone = awsreach(&workspace(), &["import", "terraform", p.to_str().unwrap()]);
    assert_eq!(alone.code, 0, "{}", alone.transcript());
    assert!(
        alone.stderr.contains("subnet-0priv"),
        "reported missing without a base: {}",
        alone.stderr
    );
    let r = awsreach(
        &workspace(),
        &[
            "import",
            "terraform",
            p.to_str().unwrap(),
            "--base",
            snap.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("0 missing"), "{}", r.stdout);
    let ron = std::fs::read_to_string(&out).unwrap();
    assert!(ron.contains("\"subnet-0priv\""), "{ron}");
    assert!(
        ron.contains("id: \"aws_lambda_function.reporter\""),
        "{ron}"
    );
    let t = awsreach(
        &workspace(),
        &[
            "trace",
            out.to_str().unwrap(),
            "--from",
            "aws_lambda_function.reporter",
            "--to",
            "s3",
        ],
    );
    assert!(t.code == 0 || t.code == 1, "{}", t.transcript());
    assert!(t.stdout.contains("subnet-0priv"), "{}", t.stdout);
}

/// `check` runs the expectations a plan carries in its `awsreach_expect`
/// output; a malformed one is reported and left out.
#[test]
fn check_runs_the_plans_awsreach_expect_output() {
    let p = data().join("terraform/plan.json");
    let r = awsreach(&workspace(), &["check", p.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("2 passed, 0 failed"), "{}", r.stdout);
    // No line numbers of the RON the plan was turned into.
    assert!(!r.stdout.contains("plan.json:"), "{}", r.stdout);
    // The same plan with one expectation turned around fails the check.
    let text = std::fs::read_to_string(&p).unwrap().replacen(
        "\"expect\": \"blocked\"",
        "\"expect\": \"reachable\"",
        1,
    );
    let wrong = tmp("wrong-plan.json");
    std::fs::write(&wrong, text).unwrap();
    let r = awsreach(&workspace(), &["check", wrong.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.transcript());
}
