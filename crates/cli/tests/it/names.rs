//! Entities by name through the real binary: a `Name` tag of an imported
//! snapshot and a scenario's `name` are ids for `--from`/`--to`; a tag two
//! instances share names neither (a warning says so) and is refused as an
//! id, never guessed between.

use std::fs;
use std::path::PathBuf;

use super::{awsreach, data, workspace};

/// The test snapshot plus `ec2-describe-instances.json` holding `instances`.
fn snapshot_with(tag: &str, instances: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("awsreach-names-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let src = data().join("snapshot/123456789012/us-east-1");
    let dst = dir.join("123456789012/us-east-1");
    copy(&src, &dst);
    fs::write(
        dst.join("ec2-describe-instances.json"),
        format!(r#"{{"Reservations": [{{"Instances": [{instances}]}}]}}"#),
    )
    .unwrap();
    dir
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn instance(id: &str, ip: &str, name: &str) -> String {
    format!(
        r#"{{"InstanceId": "{id}", "State": {{"Name": "running"}}, "SubnetId": "subnet-0priv",
           "VpcId": "vpc-0a1", "PrivateIpAddress": "{ip}", "SecurityGroups": [{{"GroupId": "sg-0fn"}}],
           "Tags": [{{"Key": "Name", "Value": "{name}"}}]}}"#
    )
}

#[test]
fn a_name_tag_of_a_snapshot_is_an_id_for_trace() {
    let dir = snapshot_with("one", &instance("i-0rep", "10.0.1.20", "reporting"));
    let s = dir.to_str().unwrap();
    let by_name = awsreach(
        &workspace(),
        &["trace", s, "--from", "reporting", "--to", "s3"],
    );
    assert_eq!(by_name.code, 0, "{}", by_name.transcript());
    assert!(by_name.stdout.contains("vpce-0s3"), "{}", by_name.stdout);
    let by_id = awsreach(
        &workspace(),
        &["trace", s, "--from", "i-0rep", "--to", "s3"],
    );
    assert_eq!(by_name.stdout, by_id.stdout);
    let ron = awsreach(&workspace(), &["import", "aws", s]);
    assert_eq!(ron.code, 0, "{}", ron.transcript());
    assert!(
        ron.stdout.contains("id: \"i-0rep\"") && ron.stdout.contains("name: \"reporting\""),
        "{}",
        ron.stdout
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_name_tag_two_instances_share_names_neither() {
    let both = format!(
        "{}, {}",
        instance("i-0a", "10.0.1.21", "web"),
        instance("i-0b", "10.0.1.22", "web")
    );
    let dir = snapshot_with("two", &both);
    let s = dir.to_str().unwrap();
    let r = awsreach(&workspace(), &["trace", s, "--from", "web", "--to", "s3"]);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(r.stderr.contains("2 warnings"), "{}", r.stderr);
    let report = awsreach(&workspace(), &["import", "aws", s]);
    let all = format!("{}{}", report.stdout, report.stderr);
    assert!(
        all.contains("Name tag \"web\" not usable as a name (2 resources share it)"),
        "{}",
        report.transcript()
    );
    assert!(
        !report.stdout.contains("name: \"web\""),
        "{}",
        report.stdout
    );
    let r = awsreach(&workspace(), &["trace", s, "--from", "i-0a", "--to", "s3"]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_scenario_name_is_an_id_for_trace_and_check() {
    let file = "scenarios/rules/names.ron";
    let r = awsreach(
        &workspace(),
        &["trace", file, "--from", "reporting", "--to", "s3"],
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    let r = awsreach(
        &workspace(),
        &["trace", file, "--from", "exporter", "--to", "orders-db"],
    );
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stdout.contains("SG_INGRESS_DENIED"), "{}", r.stdout);
    let r = awsreach(&workspace(), &["check", file]);
    assert_eq!(r.code, 0, "{}", r.transcript());
}

const NAMES: &str = "scenarios/rules/names.ron";

#[test]
fn names_are_shown_next_to_ids() {
    let run = awsreach(
        &workspace(),
        &["trace", NAMES, "--from", "exporter", "--to", "orders-db"],
    );
    let header = run.stdout.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("trace fn-arn (exporter) -> db-7f3e (orders-db) "),
        "{}",
        run.transcript()
    );
    let json = awsreach(
        &workspace(),
        &[
            "trace", NAMES, "--from", "fn-arn", "--to", "s3", "--format", "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["from"], "fn-arn");
    assert_eq!(v["from_name"], "exporter");
    assert!(v.get("to_name").is_none(), "s3 has no name: {v}");
    let show = awsreach(&workspace(), &["show", NAMES]);
    for shown in [
        "resource i-0a1b2c (reporting)",
        "function fn-arn (exporter)",
        "db-7f3e (orders-db)",
    ] {
        assert!(show.stdout.contains(shown), "{shown}: {}", show.stdout);
    }
    let doc = awsreach(&workspace(), &["show", NAMES, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&doc.stdout).unwrap();
    assert_eq!(v["functions"][0]["name"], "exporter");
}

#[test]
fn did_you_mean_names_the_id_and_its_name() {
    for (typo, hint) in [
        ("exportr", "did you mean `exporter` (fn-arn)?"),
        ("fn-ar", "did you mean `fn-arn` (exporter)?"),
        ("i-0a1b2d", "did you mean `i-0a1b2c` (reporting)?"),
    ] {
        let run = awsreach(
            &workspace(),
            &["trace", NAMES, "--from", typo, "--to", "s3"],
        );
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(run.stderr.contains(hint), "{typo}: {}", run.stderr);
    }
}
