//! `awsreach diff --format json|csv` write each change as the diff
//! computes it (nothing is held, so memory does not grow with the number
//! of changes). The streamed output must stay byte for byte what the
//! whole-document rendering gave: the files under `data/diff/rendered/`
//! were written by that rendering (before streaming, from commit
//! da63059) and pin it; a larger pair checks that the JSON is exactly
//! serde_json's pretty printing of itself, and that CSV and JSON list the
//! same changes in the same order, across many batches.
//!
//! A deliberate change to the diff's output: `AWSREACH_BLESS=1 cargo test
//! -p awsreach diff_stream` rewrites the files; review them as a diff.

use std::path::Path;

use super::{Run, awsreach, workspace};

const DIFF: &str = "crates/cli/tests/it/data/diff";

/// (name, BEFORE, AFTER or "" for a Terraform plan alone, more
/// arguments); files in `DIFF` unless under `scenarios/`.
const PAIRS: &[(&str, &str, &str, &[&str])] = &[
    ("sg-closed", "base.ron", "sg-closed.ron", &[]),
    ("sg-opened", "sg-closed.ron", "base.ron", &[]),
    (
        "nat-route-removed",
        "base.ron",
        "nat-route-removed.ron",
        &[],
    ),
    ("nacl-denies", "base.ron", "nacl-denies.ron", &[]),
    ("rules-unknown", "base.ron", "db-rules-unknown.ron", &[]),
    ("rules-known", "db-rules-unknown.ron", "base.ron", &[]),
    ("renamed", "base.ron", "renamed.ron", &[]),
    ("identical", "base.ron", "base.ron", &[]),
    ("plan", "plan-closes-db.json", "", &["--port", "5432"]),
    (
        "seed-p6-p7",
        "scenarios/seed/p6-private-no-nat-calls-out.ron",
        "scenarios/seed/p7-private-with-nat-calls-out.ron",
        &[],
    ),
    (
        "seed-p7-p6-to-services",
        "scenarios/seed/p7-private-with-nat-calls-out.ron",
        "scenarios/seed/p6-private-no-nat-calls-out.ron",
        &["--to", "service"],
    ),
];

fn run_pair(before: &str, after: &str, more: &[&str], format: &str) -> Run {
    let path = |p: &str| {
        if p.starts_with("scenarios/") {
            p.to_string()
        } else {
            format!("{DIFF}/{p}")
        }
    };
    let (b, a) = (path(before), path(after));
    let mut args = vec!["diff", &b];
    if !after.is_empty() {
        args.push(&a);
    }
    args.extend(more);
    args.extend(["--format", format]);
    awsreach(&workspace(), &args)
}

#[test]
fn json_and_csv_are_byte_for_byte_the_whole_document_rendering() {
    let bless = std::env::var_os("AWSREACH_BLESS").is_some();
    let dir = workspace().join(DIFF).join("rendered");
    let mut failed = Vec::new();
    for (name, before, after, more) in PAIRS {
        for format in ["json", "csv"] {
            let run = run_pair(before, after, more, format);
            assert_eq!(run.code, 0, "{name} {format}: {}", run.transcript());
            let file = dir.join(format!("{name}.{format}"));
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&file, &run.stdout).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            if run.stdout != want {
                failed.push(format!(
                    "{}: differs\n--- want\n{want}\n--- got\n{}",
                    file.display(),
                    run.stdout
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{}\n(a deliberate change: AWSREACH_BLESS=1 rewrites the files)",
        failed.join("\n")
    );
}

/// Writes a benchmark topology of 300 ENIs in `dir`, and a copy whose
/// table `rt0-0` lost its default route to the internet gateway (which
/// strands the NAT gateway in that subnet too): thousands of changes.
fn many_changes_pair(dir: &Path) -> (&'static str, &'static str) {
    let run = awsreach(dir, &["bench-scenario", "--size", "300", "-o", "a.ron"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let a = std::fs::read_to_string(dir.join("a.ron")).unwrap();
    let route = r#"            id: "rt0-0",
            vpc: "vpc0",
            routes: [
                (
                    dest: "0.0.0.0/0",
                    target: Igw("igw0"),
                ),
"#;
    assert!(
        a.contains(route),
        "the benchmark topology changed: no default route in rt0-0"
    );
    let b = a.replace(
        route,
        "            id: \"rt0-0\",\n            vpc: \"vpc0\",\n            routes: [\n",
    );
    std::fs::write(dir.join("b.ron"), b).unwrap();
    ("a.ron", "b.ron")
}

#[test]
fn streamed_json_is_its_own_pretty_rendering_and_lists_what_csv_lists() {
    let tmp = std::env::temp_dir().join(format!("awsreach-diff-stream-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let (a, b) = many_changes_pair(&tmp);
    let json = awsreach(&tmp, &["diff", a, b, "--format", "json"]);
    let csv = awsreach(&tmp, &["diff", a, b, "--format", "csv"]);
    std::fs::remove_dir_all(&tmp).ok();
    assert_eq!(json.code, 0, "{}", json.transcript());
    assert_eq!(csv.code, 0, "{}", csv.transcript());
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    // The whole-document rendering was serde_json's pretty printer.
    assert_eq!(
        serde_json::to_string_pretty(&v).unwrap() + "\n",
        json.stdout,
        "the streamed JSON is not what the pretty printer makes of it"
    );
    let changes = v["changes"].as_array().expect("changes");
    // Several batches of traced changes (1,024 each).
    assert!(changes.len() > 2500, "only {} changes", changes.len());
    let total: u64 = [
        "newly-blocked",
        "newly-reachable",
        "code-changed",
        "unknown",
    ]
    .iter()
    .map(|k| v["summary"][k].as_u64().unwrap())
    .sum();
    assert_eq!(
        total,
        changes.len() as u64,
        "the summary counts what is listed"
    );
    let from_json: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "{},{},{}",
                c["change"].as_str().unwrap(),
                c["from"].as_str().unwrap(),
                c["to"].as_str().unwrap()
            )
        })
        .collect();
    let from_csv: Vec<String> = csv
        .stdout
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("added,") && !l.starts_with("removed,"))
        .map(|l| l.splitn(4, ',').take(3).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(
        from_json, from_csv,
        "CSV and JSON list the same changes in the same order"
    );
}
