//! `check` (and `validate`) on files and folders that are not what they
//! seem: missing, not UTF-8, UTF-16, empty folders, link cycles, FIFOs.
//! Each test pins a bug of issue 16 (item 5, 6 and the second half of 4):
//! every such input is named, exit 2, and nothing hangs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Run, awsreach, data};

fn regressions() -> PathBuf {
    data().join("regressions")
}

/// A fresh folder under the system's temporary directory.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("awsreach-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary, killing it after `limit`: a hang is a failure, not a
/// stuck test run.
fn awsreach_within(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_awsreach"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "awsreach {args:?} still running after {limit:?}; stderr so far:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn check_missing_file_is_named_and_in_the_json() {
    let run = awsreach(&data(), &["check", "missing.ron", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("missing.ron: error: cannot read: "),
        "{}",
        run.transcript()
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["bad_input"], 1);
    assert_eq!(json["files"][0]["file"], "missing.ron");
    assert!(
        json["files"][0]["errors"][0]
            .as_str()
            .unwrap()
            .contains("cannot read")
    );
}

#[test]
fn check_latin1_file_is_named_with_the_position_of_the_bad_byte() {
    let run = awsreach(&regressions(), &["check", "latin1-not-utf8.ron"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains(
            "latin1-not-utf8.ron:1:28: error: invalid UTF-8: byte 0xE9 at byte offset 27"
        ),
        "{}",
        run.transcript()
    );
    // The same message from every command that reads a scenario.
    for cmd in ["validate", "show", "matrix", "graph"] {
        let run = awsreach(&regressions(), &[cmd, "latin1-not-utf8.ron"]);
        assert_eq!(run.code, 2, "{cmd}: {}", run.transcript());
        assert!(
            run.stderr
                .contains("latin1-not-utf8.ron:1:28: error: invalid UTF-8"),
            "{cmd}: {}",
            run.transcript()
        );
    }
}

#[test]
fn check_utf16_file_says_utf16() {
    let run = awsreach(
        &regressions(),
        &["check", "utf16-with-bom.ron", "--format", "json"],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("utf16-with-bom.ron:1:1: error: the file is UTF-16"),
        "{}",
        run.transcript()
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["files"][0]["file"], "utf16-with-bom.ron");
}

#[test]
fn check_empty_folder_says_nothing_was_checked_and_fails() {
    let dir = temp("empty");
    let run = awsreach(&dir, &["check", "."]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("nothing was checked"),
        "{}",
        run.transcript()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn check_folder_with_a_link_to_its_parent_checks_each_file_once() {
    let dir = temp("cycle");
    let example = data().join("wrong-expectation.ron");
    std::fs::create_dir_all(dir.join("a/b")).unwrap();
    std::fs::copy(&example, dir.join("a/one.ron")).unwrap();
    std::fs::copy(&example, dir.join("a/b/two.ron")).unwrap();
    std::os::unix::fs::symlink("../..", dir.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("a/b/parent")).unwrap();
    let run = awsreach_within(&dir, &["check", "a"], Duration::from_secs(60));
    // Two files of two expectations each, every one once.
    assert!(
        run.stdout.contains("2 passed, 2 failed"),
        "{}",
        run.transcript()
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn check_folder_with_a_fifo_named_ron_skips_it_with_a_warning() {
    let dir = temp("fifo");
    std::fs::copy(data().join("wrong-expectation.ron"), dir.join("real.ron")).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe.ron"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let run = awsreach_within(&dir, &["check", "."], Duration::from_secs(60));
    assert!(
        run.stderr
            .contains("pipe.ron: warning: skipped: not a regular file"),
        "{}",
        run.transcript()
    );
    assert!(
        run.stdout.contains("1 passed, 1 failed"),
        "{}",
        run.transcript()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_expectation_that_cannot_run_is_on_stderr_with_its_line() {
    let run = awsreach(
        &regressions(),
        &["check", "check-expectation-that-cannot-run.ron"],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    // Whether validation or the probe refuses it, it is bad input at line 10.
    assert!(
        run.stderr
            .contains("check-expectation-that-cannot-run.ron:10: error:"),
        "{}",
        run.transcript()
    );
}
