//! `awsreach import cloudformation` and every command on a template (the
//! importer's own fixtures, crates/import/tests/fixtures/cfn).

use super::*;

fn template(name: &str) -> String {
    workspace()
        .join("crates/import/tests/fixtures/cfn")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn trace_takes_a_template_and_ids_are_logical_ids() {
    let t = template("short-forms.yaml");
    let r = awsreach(
        &workspace(),
        &[
            "trace",
            &t,
            "--from",
            "MyFunction",
            "--to",
            "secretsmanager",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout.contains("interface endpoint SecretsEndpoint"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("imported stack short-forms"),
        "{}",
        r.stderr
    );
    let j = awsreach(
        &workspace(),
        &[
            "trace",
            &template("short-forms.json"),
            "--from",
            "MyFunction",
            "--to",
            "secretsmanager",
        ],
    );
    assert_eq!(j.stdout, r.stdout, "the JSON template traces the same");
}

#[test]
fn param_overrides_a_default() {
    let t = template("conditions.yaml");
    let dev = awsreach(&workspace(), &["trace", &t, "--from", "Fn", "--to", "s3"]);
    assert_eq!(dev.code, 1, "{}", dev.transcript());
    assert!(dev.stdout.contains("NO_PUBLIC_IP"), "{}", dev.stdout);
    let prod = awsreach(
        &workspace(),
        &[
            "trace", &t, "--param", "Env=prod", "--from", "Fn", "--to", "s3",
        ],
    );
    assert_eq!(prod.code, 0, "{}", prod.transcript());
    assert!(prod.stdout.contains("Nat"), "{}", prod.stdout);
    let bad = awsreach(
        &workspace(),
        &["trace", &t, "--param", "Env", "--from", "Fn", "--to", "s3"],
    );
    assert_eq!(bad.code, 2, "{}", bad.transcript());
    assert!(bad.stderr.contains("not NAME=VALUE"), "{}", bad.stderr);
}

#[test]
fn import_cloudformation_writes_ron_and_reports_what_is_missing() {
    let dir = std::env::temp_dir().join(format!("awsreach-cfn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("fn.ron");
    let t = template("params-required.yaml");
    let r = awsreach(
        &workspace(),
        &["import", "cloudformation", &t, "-o", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout
            .contains("stack params-required: 4 read, 0 skipped, 3 missing"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("give it with --param SubnetIds=VALUE"),
        "{}",
        r.stdout
    );
    let ron = std::fs::read_to_string(&out).unwrap();
    assert!(ron.contains("what: Placement"), "{ron}");
    let v = awsreach(&workspace(), &["validate", out.to_str().unwrap()]);
    assert_eq!(v.code, 0, "{}", v.transcript());
    // `cfn` is the short name; nested stacks are read from local paths only.
    let n = awsreach(
        &workspace(),
        &[
            "import",
            "cfn",
            &template("nested/parent.yaml"),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(n.code, 0, "{}", n.transcript());
    assert!(
        n.stdout
            .contains("2 AWS::EC2::Subnet: Network/S1, Network/S2"),
        "{}",
        n.stdout
    );
    assert!(n.stdout.contains("is not a local file"), "{}", n.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_templates_are_exit_2_with_a_position_or_what_the_file_looks_like() {
    let dir = std::env::temp_dir().join(format!("awsreach-cfn-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "Resources:\n  A: [\n").unwrap();
    let r = awsreach(&workspace(), &["show", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr.contains("bad.yaml:3:1: error: invalid YAML"),
        "{}",
        r.stderr
    );
    let other = dir.join("compose.yml");
    std::fs::write(&other, "services:\n  web: {}\n").unwrap();
    let r = awsreach(
        &workspace(),
        &["trace", other.to_str().unwrap(), "--from", "a", "--to", "b"],
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    // One line says what the file is, naming it once; then the count.
    let first = r.stderr.lines().next().unwrap_or_default();
    let want =
        "compose.yml: error: not a CloudFormation/SAM template: a mapping with keys services";
    assert!(first.contains(want), "{}", r.stderr);
    assert_eq!(first.matches("compose.yml").count(), 1, "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_bundled_sam_template_answers_what_its_comment_says() {
    let t = workspace()
        .join("scenarios/templates/sam-private-function.yaml")
        .display()
        .to_string();
    let run = |extra: &[&str], to: &str| {
        let mut args = vec!["trace", t.as_str()];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--from", "MyFunction", "--to", to]);
        awsreach(&workspace(), &args)
    };
    let r = run(&[], "secretsmanager");
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("SecretsManagerEndpoint"), "{}", r.stdout);
    let r = run(&[], "s3");
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("S3Endpoint"), "{}", r.stdout);
    let r = run(&[], "sqs");
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stdout.contains("blocked: NO_ROUTE"), "{}", r.stdout);
    let r = run(&["--param", "Env=prod"], "sqs");
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("NatGateway"), "{}", r.stdout);
}
