//! `gen` and `fuzz` through the real binary: same seed, same bytes; a
//! clean fuzz run's summary and exit code; replay and bad arguments.

use super::{awsreach, awsreach_with, data, workspace};

#[test]
fn gen_is_byte_identical_for_the_same_seed_and_valid() {
    let args = [
        "gen",
        "--seed",
        "42",
        "--profile",
        "adversarial",
        "--vpcs",
        "2",
    ];
    let a = awsreach(&workspace(), &args);
    let b = awsreach(&workspace(), &args);
    assert_eq!(a.code, 0, "{}", a.transcript());
    assert_eq!(a.stdout, b.stdout);
    let other = awsreach(
        &workspace(),
        &[
            "gen",
            "--seed",
            "43",
            "--profile",
            "adversarial",
            "--vpcs",
            "2",
        ],
    );
    assert_ne!(a.stdout, other.stdout);
    let check = awsreach_with(&workspace(), &["validate", "-"], Some(&a.stdout));
    assert_eq!(check.code, 0, "{}", check.transcript());
}

#[test]
fn gen_writes_a_file() {
    let dir = std::env::temp_dir().join(format!("awsreach-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = awsreach(
        &dir,
        &["gen", "--seed", "1", "--profile", "small", "-o", "net.ron"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.starts_with("wrote net.ron: "), "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join("net.ron")).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(awsreach_model::load(&text).is_ok());
}

#[test]
fn a_clean_fuzz_run_summarises_and_exits_0() {
    let run = awsreach(
        &workspace(),
        &["fuzz", "--seed", "5", "--iterations", "4", "--probes", "10"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("fuzzing: seed 5, profiles rotating, 4 iterations"),
        "{}",
        run.stderr
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.contains(&"scenarios: 4 passed, 0 failed"),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("probes: ") && l.ends_with(" passed, 0 failed")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(" probes/s ("), "{}", run.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("unknown once data was hidden: UNKNOWN_")),
        "{}",
        run.stdout
    );
}

#[test]
fn fuzz_replays_a_scenario_file() {
    let run = awsreach(
        &workspace(),
        &[
            "fuzz",
            "--replay",
            "scenarios/regressions/trigger-alternatives-trace.ron",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("scenarios: 1 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn fuzz_bad_input_exits_2() {
    let run = awsreach(&data(), &["fuzz", "--replay", "syntax.ron"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("syntax.ron:3:25"), "{}", run.stderr);
    let run = awsreach(&workspace(), &["fuzz", "--only", "nosuch"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("unknown invariant `nosuch`"),
        "{}",
        run.stderr
    );
}

/// Issue 16 item 9: `--instances 10000000` panicked in the address plan.
#[test]
fn gen_refuses_sizes_too_large_naming_the_option() {
    for (args, flag) in [
        (
            &["gen", "--instances", "10000000"][..],
            "--instances 10000000",
        ),
        (&["gen", "--vpcs", "1000"][..], "--vpcs 1000"),
        (
            &["gen", "--subnets-per-vpc", "5000"][..],
            "--subnets-per-vpc 5000",
        ),
        (&["gen", "--enis", "100000000"][..], "--enis 100000000"),
        (
            &["bench-scenario", "--size", "100000000"][..],
            "--size 100000000",
        ),
    ] {
        let run = awsreach(&workspace(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
        assert!(!run.stderr.contains("panicked"), "{}", run.transcript());
        assert!(
            run.stderr
                .starts_with(&format!("error: {flag} is too large (at most ")),
            "{args:?}: {}",
            run.transcript()
        );
    }
}
