//! CLI tests: the clap definition, and the real binary's stdout, stderr and
//! exit code for `validate`, `show` and `services`.

mod addresses;
mod check;
mod check_inputs;
mod cloudformation;
mod completions;
mod diff;
mod diff_stream;
mod dns;
mod examples;
mod gen_fuzz;
mod hostile;
mod hostnames;
mod import;
mod limits;
mod matrix_text;
mod mistakes;
mod multi_eni;
mod names;
mod output;
mod pictures;
mod rules_index;
mod teach;
mod terraform;
mod tracing;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use awsreach_cli::Cli;
use clap::CommandFactory;

#[test]
fn cli_definition_is_consistent() {
    Cli::command().debug_assert();
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data")
}

/// The outcome of one run of the binary.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one reviewable text.
    fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn awsreach_with(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awsreach"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        // Output that depends on the locale and the width is pinned: UTF-8
        // glyphs, and the default width of a table written to a pipe.
        .env("LC_ALL", "C.UTF-8")
        .env_remove("COLUMNS")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the awsreach binary runs");
    if let Some(text) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn awsreach(dir: &Path, args: &[&str]) -> Run {
    awsreach_with(dir, args, None)
}

#[test]
fn validate_good_file() {
    let run = awsreach(&workspace(), &["validate", "scenarios/example-full.ron"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript(), @r"
    exit: 0
    --- stdout
    scenarios/example-full.ron: ok
    --- stderr
    ");
}

#[test]
fn validate_bad_file_reports_every_error_with_its_line() {
    let run = awsreach(&data(), &["validate", "bad.ron"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn validate_syntax_error_has_line_and_column() {
    let run = awsreach(&data(), &["validate", "syntax.ron"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.transcript(), @r"
    exit: 2
    --- stdout
    --- stderr
    syntax.ron:3:25: error: expected comma
    syntax.ron: 1 error
    ");
}

#[test]
fn validate_warnings_keep_the_file_valid() {
    let run = awsreach(&data(), &["validate", "warnings.ron"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 0
    --- stdout
    warnings.ron: ok (1 warning)
    --- stderr
    warnings.ron:7: warning: nat_gateways["nat-a"].subnet: nat gateway `nat-a` sits in subnet `private-a`, whose route table has no 0.0.0.0/0 route to an internet gateway
      hint: place the nat gateway in a public subnet (0.0.0.0/0 -> internet gateway)
    "#);
}

#[test]
fn validate_points_duplicates_at_the_later_declaration() {
    let run = awsreach(&data(), &["validate", "duplicates.ron"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.transcript(), @r#"
    exit: 2
    --- stdout
    --- stderr
    duplicates.ron:5: error: subnets["app"].id: duplicate id `app` (already used by a subnet)
    duplicates.ron:7: error: functions["s3"].id: duplicate id `s3` (already used by the catalog service of that name)
    duplicates.ron: 2 errors
    "#);
}

#[test]
fn validate_several_files_reports_each_and_fails_if_any_fails() {
    let run = awsreach(
        &data(),
        &["validate", "warnings.ron", "missing.ron", "syntax.ron"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "warnings.ron: ok (1 warning)\n");
    assert!(
        run.stderr.contains("missing.ron: error: cannot read: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("syntax.ron:3:25: error: expected comma")
    );
}

#[test]
fn validate_reads_standard_input() {
    let run = awsreach_with(
        &data(),
        &["validate", "-"],
        Some(r#"(vpcs: [(id: "v", cidr: "10.0.0.0/33")])"#),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with(r#"<stdin>:1: error: vpcs["v"].cidr: invalid cidr `10.0.0.0/33`"#),
        "{}",
        run.stderr
    );
}

#[test]
fn validate_needs_a_file() {
    let run = awsreach(&data(), &["validate"]);
    assert_eq!(run.code, 2, "usage errors are bad input too");
    assert!(run.stderr.contains("<FILE>..."), "{}", run.stderr);
}

#[test]
fn show_text() {
    let run = awsreach(&workspace(), &["show", "scenarios/example-full.ron"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn show_json() {
    let run = awsreach(
        &workspace(),
        &["show", "scenarios/example-full.ron", "--format", "json"],
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    // A few fields a script would rely on, beyond the snapshot.
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["vpcs"][0]["subnets"][0]["reach"], "public");
    let tgw = &doc["transit_gateways"][0];
    assert_eq!(tgw["attachments"][0]["route_table"], "default");
    assert_eq!(
        tgw["route_tables"][0]["routes"][2]["vpc"],
        serde_json::Value::Null
    );
    assert_eq!(doc["vpcs"][0]["subnets"][4]["route_table"], "shop-main");
    assert_eq!(doc["functions"][0]["placement"], "lambda-managed");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn show_invalid_file_reports_errors_and_exits_2() {
    let run = awsreach(&data(), &["show", "bad.ron"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    let validate = awsreach(&data(), &["validate", "bad.ron"]);
    assert_eq!(run.stderr, validate.stderr, "same messages as validate");
}

#[test]
fn show_prints_warnings_on_stderr_and_in_json() {
    let run = awsreach(&data(), &["show", "warnings.ron", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.starts_with("warnings.ron:7: warning: "));
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["warnings"][0]["location"], "warnings.ron:7");
}

/// The scenario's `missing` section is shown, never dropped.
#[test]
fn show_lists_missing_data() {
    let src = r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        security_groups: [(id: "sg", vpc: "v")],
        missing: [(entity: "sg", what: Rules, note: "DescribeSecurityGroupRules denied")])"#;
    let run = awsreach_with(&data(), &["show", "-"], Some(src));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("missing data")
            && run
                .stdout
                .contains("security group sg  Rules  DescribeSecurityGroupRules denied"),
        "{}",
        run.stdout
    );
}

#[test]
fn show_missing_file() {
    let run = awsreach(&data(), &["show", "missing.ron"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("missing.ron: error: cannot read: "),
        "{}",
        run.stderr
    );
}

#[test]
fn services_text() {
    let run = awsreach(&data(), &["services"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn services_json() {
    let run = awsreach(&data(), &["services", "--format", "json"]);
    assert_eq!(run.code, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        rows.len(),
        awsreach_model::catalog::catalog().len(),
        "one row per catalog entry"
    );
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn help_documents_exit_codes() {
    for flag in ["-h", "--help"] {
        let run = awsreach(&data(), &[flag]);
        assert_eq!(run.code, 0);
        assert!(
            run.stdout.contains(
                "Exit codes:\n  0  ok: the scenario is valid, the probe is reachable, every expectation holds\n  \
                 1  blocked: a probe is blocked, or an expectation failed\n  \
                 2  bad input: unreadable file, RON syntax error, invalid scenario, bad arguments"
            ),
            "{}",
            run.stdout
        );
    }
}
