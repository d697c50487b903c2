//! `awsreach diff` through the real binary, on the fixture pairs of
//! `tests/it/data/diff/`: each change kind, renamed / added / removed
//! entities, identical inputs, filters, formats and `--fail-on`.

use std::collections::BTreeSet;

use super::{Run, awsreach, data};

fn diff(args: &[&str]) -> Run {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    awsreach(&data().join("diff"), &all)
}

/// The CSV rows as `change from to before after`, as a set.
fn rows(run: &Run) -> BTreeSet<String> {
    run.stdout
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            match f[0] {
                "added" | "removed" => format!("{} {} {}", f[0], f[1], f[3]),
                _ => format!("{} {} {} {} {}", f[0], f[1], f[2], f[4], f[5]),
            }
        })
        .collect()
}

fn set(lines: &[&str]) -> BTreeSet<String> {
    lines.iter().map(|s| s.to_string()).collect()
}

#[test]
fn each_fixture_pair_gives_its_expected_diff() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "base.ron",
            "sg-closed.ron",
            &["newly-blocked orders db reachable SG_INGRESS_DENIED"],
        ),
        (
            "base.ron",
            "nat-route-removed.ron",
            &[
                "newly-blocked orders sns reachable NO_ROUTE",
                "newly-blocked orders internet reachable NO_ROUTE",
                "newly-blocked db orders reachable NO_ROUTE",
                "newly-blocked db sns reachable NO_ROUTE",
                "newly-blocked db internet reachable NO_ROUTE",
            ],
        ),
        (
            "nat-route-removed.ron",
            "base.ron",
            &[
                "newly-reachable orders sns NO_ROUTE reachable",
                "newly-reachable orders internet NO_ROUTE reachable",
                "newly-reachable db orders NO_ROUTE reachable",
                "newly-reachable db sns NO_ROUTE reachable",
                "newly-reachable db internet NO_ROUTE reachable",
            ],
        ),
        (
            "nat-route-removed.ron",
            "nacl-denies.ron",
            &[
                "newly-blocked orders s3 reachable NACL_OUTBOUND_DENIED",
                "newly-blocked db s3 reachable NACL_OUTBOUND_DENIED",
                "code-changed orders sns NO_ROUTE NACL_OUTBOUND_DENIED",
                "code-changed orders internet NO_ROUTE NACL_OUTBOUND_DENIED",
                "code-changed db orders NO_ROUTE NACL_OUTBOUND_DENIED",
                "code-changed db sns NO_ROUTE NACL_OUTBOUND_DENIED",
                "code-changed db internet NO_ROUTE NACL_OUTBOUND_DENIED",
            ],
        ),
        // Renamed route tables and groups, reordered entities: matched by
        // id, nothing changes but the function's own id.
        (
            "base.ron",
            "renamed.ron",
            &[
                "added orders-v2 function",
                "added partner-api host",
                "removed orders function",
            ],
        ),
        // The database's group lost its rule and its rules are missing:
        // known on one side, unknown on the other, both ways.
        (
            "base.ron",
            "db-rules-unknown.ron",
            &["unknown orders db reachable UNKNOWN_RULES"],
        ),
        (
            "db-rules-unknown.ron",
            "sg-closed.ron",
            &["unknown orders db UNKNOWN_RULES SG_INGRESS_DENIED"],
        ),
        ("base.ron", "base.ron", &[]),
    ];
    for (before, after, expected) in cases {
        let run = diff(&[before, after, "--format", "csv"]);
        assert_eq!(run.code, 0, "{before} -> {after}: {}", run.transcript());
        assert_eq!(rows(&run), set(expected), "{before} -> {after}");
    }
}

#[test]
fn identical_inputs_give_an_empty_diff_and_exit_0() {
    let run = diff(&["base.ron", "base.ron", "--fail-on", "any"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("no change in reachability"),
        "{}",
        run.stdout
    );
    let run = diff(&["base.ron", "base.ron", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["changes"], serde_json::json!([]));
    assert!(v["compared"].as_u64().unwrap() > 0);
}

#[test]
fn fail_on_matches_only_the_kinds_asked_for() {
    let cases: &[(&str, &str, i32)] = &[
        ("sg-closed.ron", "newly-blocked", 1),
        ("sg-closed.ron", "newly-open", 0),
        ("sg-closed.ron", "newly-open,code-changed", 0),
        ("sg-closed.ron", "newly-open,newly-blocked", 1),
        ("sg-closed.ron", "any", 1),
        ("renamed.ron", "added", 1),
        ("renamed.ron", "removed", 1),
        ("renamed.ron", "newly-blocked", 0),
        ("db-rules-unknown.ron", "unknown", 1),
        ("db-rules-unknown.ron", "newly-blocked,code-changed", 0),
        ("sg-closed.ron", "unknown", 0),
    ];
    for (after, fail_on, code) in cases {
        let run = diff(&["base.ron", after, "--fail-on", fail_on]);
        assert_eq!(
            run.code,
            *code,
            "{after} --fail-on {fail_on}: {}",
            run.transcript()
        );
    }
    let run = diff(&[
        "nat-route-removed.ron",
        "base.ron",
        "--fail-on",
        "newly-reachable",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let run = diff(&["sg-closed.ron", "base.ron"]);
    assert_eq!(run.code, 0, "no --fail-on: 0 whatever changed");
}

/// An unknown change in every format: what is missing, at which hop.
#[test]
fn unknown_changes_show_what_is_missing_in_every_format() {
    let run = diff(&["base.ron", "db-rules-unknown.ron"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("1 unknown"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("orders -> db (flow tcp/5432): reachable -> UNKNOWN_RULES"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("lacks the rules of security group db-sg"),
        "{}",
        run.stdout
    );
    let run = diff(&["db-rules-unknown.ron", "base.ron", "--format", "markdown"]);
    assert!(run.stdout.contains("#### Unknown (1)"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("| `orders` | `db` | flow tcp/5432 | `UNKNOWN_RULES` | `reachable` |"),
        "{}",
        run.stdout
    );
    let run = diff(&["db-rules-unknown.ron", "base.ron", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["summary"]["unknown"], 1);
    let c = &v["changes"][0];
    assert_eq!(c["change"], "unknown");
    assert_eq!(c["before"]["verdict"], "unknown");
    assert_eq!(c["after"]["verdict"], "reachable");
    assert_eq!(c["blocking_hop"]["component"], "db-sg");
    assert_eq!(
        c["path"].as_array().map(|p| p.last().cloned()),
        Some(Some("db".into()))
    );
}

#[test]
fn filters_keep_only_the_named_sources_and_destinations() {
    let run = diff(&[
        "base.ron",
        "nat-route-removed.ron",
        "--from",
        "orders",
        "--to",
        "service",
        "--format",
        "csv",
    ]);
    assert_eq!(
        rows(&run),
        set(&["newly-blocked orders sns reachable NO_ROUTE"]),
        "{}",
        run.transcript()
    );
    let run = diff(&["base.ron", "sg-closed.ron", "--to", "nope"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("unknown id or kind `nope`"),
        "{}",
        run.stderr
    );
}

#[test]
fn port_probes_the_flows_on_that_port() {
    // On 5432 the function's flow to db changes; on 22 db listens on
    // nothing, so neither side reaches it and nothing changes.
    let run = diff(&[
        "base.ron",
        "sg-closed.ron",
        "--port",
        "5432",
        "--format",
        "csv",
    ]);
    assert_eq!(
        rows(&run),
        set(&["newly-blocked orders db reachable SG_INGRESS_DENIED"]),
        "{}",
        run.transcript()
    );
    let run = diff(&[
        "base.ron",
        "sg-closed.ron",
        "--port",
        "22",
        "--format",
        "csv",
    ]);
    assert_eq!(rows(&run), set(&[]), "{}", run.transcript());
}

#[test]
fn markdown_is_ready_for_a_pull_request() {
    let run = diff(&["base.ron", "nat-route-removed.ron", "--format", "markdown"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn text_names_the_new_blocking_hop_and_the_new_path() {
    let run = diff(&["base.ron", "sg-closed.ron"]);
    insta::assert_snapshot!(run.transcript());
    let run = diff(&["sg-closed.ron", "base.ron"]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn json_names_the_blocking_hop() {
    let run = diff(&["base.ron", "sg-closed.ron", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["summary"]["newly-blocked"], 1);
    let c = &v["changes"][0];
    assert_eq!(c["change"], "newly-blocked");
    assert_eq!(c["after"]["code"], "SG_INGRESS_DENIED");
    assert_eq!(c["blocking_hop"]["component"], "db-sg");
    assert_eq!(c["blocking_hop"]["kind"], "security-group");
    let run = diff(&["sg-closed.ron", "base.ron", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let c = &v["changes"][0];
    assert_eq!(c["change"], "newly-reachable");
    assert_eq!(c["path"].as_array().unwrap().last().unwrap(), "db");
}

#[test]
fn apply_fix_writes_a_scenario_where_the_call_gets_through() {
    let dir = std::env::temp_dir().join(format!("awsreach-apply-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixed = dir.join("fixed.ron");
    let seed = super::workspace().join("scenarios/seed/p6-private-no-nat-calls-out.ron");
    let (seed, out) = (seed.to_str().unwrap(), fixed.to_str().unwrap());
    let run = awsreach(
        &dir,
        &[
            "trace",
            seed,
            "--from",
            "fn",
            "--to",
            "sns",
            "--apply-fix",
            "1",
            "-o",
            out,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let run = awsreach(&dir, &["trace", out, "--from", "fn", "--to", "sns"]);
    assert_eq!(
        run.code,
        0,
        "the patched scenario lets the call through: {}",
        run.transcript()
    );
    // The diff of the patch shows the call it was for among what it opens.
    let run = awsreach(&dir, &["diff", seed, out, "--format", "csv"]);
    assert!(
        rows(&run).contains("newly-reachable fn sns NO_ROUTE reachable"),
        "{}",
        run.transcript()
    );
    // Without -o the scenario goes to standard output; a fix that does not exist is bad input.
    let run = awsreach(
        &dir,
        &[
            "trace",
            seed,
            "--from",
            "fn",
            "--to",
            "sns",
            "--apply-fix",
            "2",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(awsreach_model::parse(&run.stdout).is_ok(), "{}", run.stdout);
    let run = awsreach(
        &dir,
        &[
            "trace",
            seed,
            "--from",
            "fn",
            "--to",
            "sns",
            "--apply-fix",
            "9",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("no fix 9"), "{}", run.stderr);
    let run = awsreach(
        &dir,
        &[
            "trace",
            seed,
            "--from",
            "fn",
            "--to",
            "s3",
            "--apply-fix",
            "1",
        ],
    );
    assert_eq!(
        run.code,
        2,
        "a reachable call has no fix: {}",
        run.transcript()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn limit_counts_every_change_and_lists_the_first_ones() {
    // Five calls are newly blocked; with --limit 2 the header still says
    // five, two are listed (traced again) and the rest are counted.
    for (format, header, more) in [
        ("text", "newly blocked (5)", "… and 3 more"),
        ("markdown", "#### Newly blocked (5)", "… and 3 more."),
    ] {
        let run = diff(&[
            "base.ron",
            "nat-route-removed.ron",
            "--format",
            format,
            "--limit",
            "2",
        ]);
        assert!(run.stdout.contains(header), "{format}: {}", run.stdout);
        assert!(run.stdout.contains(more), "{format}: {}", run.stdout);
        let listed = run.stdout.matches("NO_ROUTE").count();
        assert_eq!(listed, 2, "{format}: {}", run.stdout);
    }
}

#[test]
fn apply_fix_widens_a_nearly_matching_network_acl_rule() {
    let dir = std::env::temp_dir().join(format!("awsreach-widen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixed = dir.join("fixed.ron");
    let input = data().join("diff/nacl-near-miss.ron");
    let (input, out) = (input.to_str().unwrap(), fixed.to_str().unwrap());
    let trace = ["trace", input, "--from", "fn", "--to", "db"];
    let run = awsreach(&dir, &trace);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "fix: widen inbound rule 100 of network acl data-acl to allow tcp/5432 10.0.0.0/23 (was tcp/5432 10.0.0.0/24)"
        ),
        "{}",
        run.stdout
    );
    let mut apply = trace.to_vec();
    apply.extend_from_slice(&["--apply-fix", "1", "-o", out]);
    let run = awsreach(&dir, &apply);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let run = awsreach(&dir, &["trace", out, "--from", "fn", "--to", "db"]);
    assert_eq!(
        run.code,
        0,
        "the widened rule admits the call: {}",
        run.transcript()
    );
    // One rule changed, none added: the diff is exactly the call it was for.
    let run = awsreach(&dir, &["diff", input, out, "--format", "csv"]);
    assert_eq!(
        rows(&run),
        set(&["newly-reachable fn db NACL_INBOUND_DENIED reachable"]),
        "{}",
        run.transcript()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_terraform_plan_diffs_its_prior_state_against_its_planned_values() {
    // plan-closes-db.json: the plan drops db's only inbound rule; entities
    // match by resource address on both sides.
    let run = diff(&["plan-closes-db.json", "--port", "5432", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(
        rows(&run),
        set(&[
            "newly-blocked aws_lambda_function.orders aws_instance.db reachable SG_INGRESS_DENIED"
        ]),
        "{}",
        run.transcript()
    );
    let run = diff(&[
        "plan-closes-db.json",
        "--port",
        "5432",
        "--fail-on",
        "newly-blocked",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    // One input that is not a plan is bad input.
    let run = diff(&["base.ron"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("two inputs"), "{}", run.stderr);
}
