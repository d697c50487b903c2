//! Issue 16 items 2 and 10 through the real binary: ids at the length limit
//! flow through every table, ids past it are refused with a location and a
//! short message, and a `--from` list of ids resolves like the kind it names.

use std::path::PathBuf;

use super::{awsreach, workspace};

const P6: &str = "scenarios/seed/p6-private-no-nat-calls-out.ron";

/// p6 with its function `fn` renamed to `id`, written to a fresh folder.
fn p6_with_function_id(name: &str, id: &str) -> (PathBuf, String) {
    let text = std::fs::read_to_string(workspace().join(P6)).unwrap();
    let renamed = text.replace("\"fn\"", &format!("\"{id}\""));
    assert_ne!(renamed, text, "p6 names its function \"fn\"");
    let dir = std::env::temp_dir().join(format!("awsreach-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("s.ron"), renamed).unwrap();
    (dir, "s.ron".into())
}

#[test]
fn an_id_at_the_length_limit_goes_through_show_matrix_and_trace() {
    let id = "f".repeat(awsreach_model::MAX_ID_LEN);
    let (dir, f) = p6_with_function_id("id-at-limit", &id);
    // The text matrix abbreviates ids to fit the width; the rest show them whole.
    let text_matrix = awsreach(&dir, &["matrix", f.as_str()]);
    assert_eq!(text_matrix.code, 0, "{}", text_matrix.transcript());
    assert!(
        text_matrix.stdout.contains("ffff"),
        "{}",
        text_matrix.stdout
    );
    for args in [
        vec!["show", f.as_str()],
        vec![
            "matrix",
            f.as_str(),
            "--from",
            id.as_str(),
            "--format",
            "csv",
        ],
        vec!["trace", f.as_str(), "--from", id.as_str(), "--to", "sqs"],
    ] {
        let run = awsreach(&dir, &args);
        assert_eq!(run.code, 0, "{args:?}\n{}", run.transcript());
        assert!(run.stdout.contains(&id), "{args:?} shows the whole id");
    }
}

#[test]
fn an_id_past_the_limit_is_refused_with_its_line_and_a_short_message() {
    let id = "f".repeat(70_000);
    let (dir, f) = p6_with_function_id("id-past-limit", &id);
    for cmd in ["validate", "show", "matrix", "graph", "check"] {
        let run = awsreach(&dir, &[cmd, f.as_str()]);
        assert_eq!(run.code, 2, "{cmd}: {}", run.transcript());
        assert!(
            run.stderr.contains("s.ron:") && run.stderr.contains("255"),
            "{cmd} names the file and the limit: {}",
            &run.stderr[..run.stderr.len().min(2_000)]
        );
        assert!(
            run.stderr.len() < 8_000,
            "{cmd} quotes the id short ({} bytes of stderr)",
            run.stderr.len()
        );
    }
    let json = awsreach(&dir, &["check", f.as_str(), "--format", "json"]);
    assert_eq!(json.code, 2, "{}", json.transcript());
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let errors = doc["files"][0]["errors"].to_string();
    assert!(errors.contains("ids are at most 255"), "{errors}");
    assert!(
        json.stdout.len() < 8_000,
        "check's JSON quotes the id short too"
    );
}

#[test]
fn a_from_list_of_ids_keeps_the_same_rows_as_their_kind() {
    let dir = workspace();
    let full = "scenarios/example-full.ron";
    let by_kind = awsreach(
        &dir,
        &["matrix", full, "--from", "function", "--format", "csv"],
    );
    assert_eq!(by_kind.code, 0, "{}", by_kind.transcript());
    let ids: Vec<&str> = by_kind
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(ids.len() > 1, "example-full has several functions");
    // Listed in reverse, each twice.
    let list: Vec<&str> = ids.iter().rev().chain(ids.iter()).copied().collect();
    let listed = list.join(",");
    let by_ids = awsreach(
        &dir,
        &["matrix", full, "--from", &listed, "--format", "csv"],
    );
    assert_eq!(by_ids.code, 0, "{}", by_ids.transcript());
    assert_eq!(
        by_ids.stdout, by_kind.stdout,
        "rows in scenario order, once each"
    );
}
