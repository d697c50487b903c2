//! `awsreach import aws` and every command on a snapshot directory
//! (tests/it/data/snapshot: one account, one region, written like the AWS
//! CLI's output).

use super::*;

fn snapshot() -> PathBuf {
    data().join("snapshot")
}

#[test]
fn import_writes_ron_that_validates_and_reports_what_it_read() {
    let dir = std::env::temp_dir().join(format!("awsreach-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("shop.ron");
    let snap = snapshot();
    let r = awsreach(
        &workspace(),
        &[
            "import",
            "aws",
            snap.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stdout
            .contains("123456789012/us-east-1: 13 read, 0 skipped, 0 missing, 0 warnings"),
        "{}",
        r.stdout
    );
    let ron = std::fs::read_to_string(&out).unwrap();
    assert!(
        ron.contains("id: \"worker\""),
        "function names are function ids"
    );
    assert!(ron.contains("target: Igw(\"igw-0a1\")"), "AWS ids are kept");
    let v = awsreach(&workspace(), &["validate", out.to_str().unwrap()]);
    assert_eq!(v.code, 0, "{}", v.transcript());
    let json = awsreach(
        &workspace(),
        &[
            "import",
            "aws",
            snap.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    assert_eq!(parsed["scenarios"][0]["counts"]["read"], 13);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trace_and_check_take_the_snapshot_directory() {
    let snap = snapshot();
    let s = snap.to_str().unwrap();
    // The private subnet reaches S3 through the gateway endpoint only.
    let r = awsreach(
        &workspace(),
        &["trace", s, "--from", "worker", "--to", "s3"],
    );
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("vpce-0s3"), "{}", r.stdout);
    assert!(
        r.stderr.contains("imported 123456789012/us-east-1"),
        "{}",
        r.stderr
    );
    // ... and nothing else outside the VPC: no NAT, no other route.
    let r = awsreach(
        &workspace(),
        &["trace", s, "--from", "worker", "--to", "sns"],
    );
    assert_eq!(r.code, 1, "{}", r.transcript());
    // The policy admits S3 but not EventBridge.
    let r = awsreach(
        &workspace(),
        &["trace", s, "--from", "events", "--to", "worker"],
    );
    assert_eq!(r.code, 1, "{}", r.transcript());
    for cmd in [
        ["show", s].as_slice(),
        &["validate", s],
        &["graph", s],
        &["matrix", s],
    ] {
        let r = awsreach(&workspace(), cmd);
        assert!(r.code <= 1, "{cmd:?}: {}", r.transcript());
    }
}

#[test]
fn region_picks_one_of_several_and_is_required_otherwise() {
    let dir = std::env::temp_dir().join(format!("awsreach-regions-{}", std::process::id()));
    let src = snapshot().join("123456789012/us-east-1");
    for region in ["us-east-1", "eu-west-1"] {
        let to = dir.join(region);
        std::fs::create_dir_all(&to).unwrap();
        std::fs::copy(
            src.join("ec2-describe-vpcs.json"),
            to.join("ec2-describe-vpcs.json"),
        )
        .unwrap();
    }
    let d = dir.to_str().unwrap();
    let r = awsreach(&workspace(), &["show", d]);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(
        r.stderr.contains("2 scenarios (eu-west-1, us-east-1)"),
        "{}",
        r.stderr
    );
    let r = awsreach(&workspace(), &["show", d, "--region", "eu-west-1"]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(r.stdout.contains("vpc-0a1"), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn malformed_json_is_file_line_col_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("awsreach-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Vpcs.json"),
        "{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\",,}\n]}",
    )
    .unwrap();
    let r = awsreach(
        &workspace(),
        &["trace", dir.to_str().unwrap(), "--from", "a", "--to", "s3"],
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(r.stderr.contains("Vpcs.json:2:21: error:"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
