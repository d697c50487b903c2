//! Standard output that goes away: every command, with stdout a pipe whose
//! reader has closed (`| head -c1`) and a full disk (`>/dev/full`), ends
//! without a panic: quietly with success for the pipe, exit 2 naming the
//! output for the disk.

use std::process::{Command, Stdio};

use super::workspace;

/// One invocation of each command that writes to standard output, each
/// exiting 0 when its output is read in full.
const COMMANDS: &[&[&str]] = &[
    &["validate", "scenarios/example-full.ron"],
    &["show", "scenarios/example-full.ron"],
    &["show", "scenarios/example-full.ron", "--format", "json"],
    &["services"],
    &["services", "--format", "json"],
    &[
        "trace",
        "scenarios/seed/p7-private-with-nat-calls-out.ron",
        "--from",
        "fn",
        "--to",
        "s3",
    ],
    &[
        "trace",
        "scenarios/seed/p7-private-with-nat-calls-out.ron",
        "--from",
        "fn",
        "--to",
        "s3",
        "--format",
        "json",
    ],
    &["explain", "NO_ROUTE"],
    &["explain", "--list"],
    &["check", "scenarios/example-full.ron"],
    &["check", "scenarios/example-full.ron", "--format", "json"],
    &["matrix", "scenarios/example-full.ron"],
    &["matrix", "scenarios/example-full.ron", "--format", "json"],
    &["matrix", "scenarios/example-full.ron", "--format", "csv"],
    &["graph", "scenarios/example-full.ron"],
    &["graph", "scenarios/example-full.ron", "--vpc-groups"],
    &[
        "diff",
        "scenarios/seed/p6-private-no-nat-calls-out.ron",
        "scenarios/seed/p7-private-with-nat-calls-out.ron",
        "--format",
        "json",
    ],
    &[
        "diff",
        "scenarios/seed/p6-private-no-nat-calls-out.ron",
        "scenarios/seed/p7-private-with-nat-calls-out.ron",
        "--format",
        "csv",
    ],
    &["gen", "--seed", "1"],
    &["bench-scenario", "--size", "300"],
    &["fuzz", "--seed", "1", "-n", "1"],
];

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awsreach"));
    cmd.args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn every_command_exits_0_quietly_when_stdout_is_a_closed_pipe() {
    for args in COMMANDS {
        let mut child = command(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // Close the reading end before the command has written anything:
        // its first write fails with EPIPE (`println!` used to panic there).
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("error"),
            "{args:?}: a closed pipe is not an error: {stderr}"
        );
    }
}

#[test]
fn every_command_exits_2_naming_the_output_when_stdout_is_full() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full on this system");
        return;
    };
    for args in COMMANDS {
        let out = command(args)
            .stdout(full.try_clone().unwrap())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write to standard output: "),
            "{args:?}: {stderr}"
        );
    }
}
