//! The fuzz harness under `cargo test`: the reference evaluator against the
//! bundled scenarios' expectations, a bounded invariant fuzz over a fixed
//! seed list, and mangled scenario files that must never panic.

use std::path::{Path, PathBuf};

use awsreach_gen::reference::{Answer, evaluate_host};
use awsreach_model::spec::{Expect, MissingKind};

/// The workspace root, where `scenarios/` lives.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.ron` file under `scenarios/`, sorted.
fn scenario_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "ron") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("scenarios"), &mut out);
    out
}

/// The reference evaluator, written from the rules, agrees with every
/// expectation the scenario files pin (reason codes included).
#[test]
fn reference_meets_the_bundled_expectations() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in scenario_files() {
        let text = std::fs::read_to_string(&file).expect("readable scenario");
        let checked = awsreach_model::load(&text)
            .unwrap_or_else(|e| panic!("{} does not load: {e:?}", file.display()));
        // The reference does not model the `missing` section, only the
        // addresses of hosts known by their hostname (rule 26).
        let addresses_only = checked
            .scenario
            .missing
            .iter()
            .all(|m| m.what == MissingKind::Address);
        for e in &checked.scenario.expectations {
            if e.expect == Expect::Unknown && !addresses_only {
                continue;
            }
            count += 1;
            let got = evaluate_host(
                &checked.scenario,
                &e.from,
                &e.to,
                e.port,
                e.protocol,
                e.ip_version == Some(6),
                e.host.as_deref(),
            );
            let ok = match (&got, e.expect) {
                (Ok(Answer::Reachable), Expect::Reachable) => true,
                (Ok(Answer::Blocked(c)), Expect::Blocked) => {
                    e.code.as_deref().is_none_or(|w| w == *c)
                }
                (Ok(Answer::Blocked(c)), Expect::Unknown) => *c == "UNKNOWN_ADDRESS",
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{}: {} -> {}{}: expected {:?} {}, reference says {got:?}",
                    file.file_name().unwrap().to_string_lossy(),
                    e.from,
                    e.to,
                    e.port.map(|p| format!(":{p}")).unwrap_or_default(),
                    e.expect,
                    e.code.as_deref().unwrap_or("")
                ));
            }
        }
    }
    assert!(count > 50, "only {count} expectations found");
    assert!(
        failures.is_empty(),
        "{} of {count} expectations fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A bounded fuzz run over a fixed list of seeds: every invariant, every
/// profile. Any violation fails the test with its replay command. Each
/// invariant must also have been exercised, so a check that silently stops
/// running is noticed.
#[test]
fn bounded_fuzz_finds_no_violation() {
    use awsreach_gen::fuzz::{Config, Invariant, Report, run_case};
    let iterations: u64 = std::env::var("AWSREACH_FUZZ_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let cfg = Config::default();
    let mut total = Report::default();
    let mut failures = Vec::new();
    for seed in [1u64, 2, 3] {
        for it in 0..iterations / 3 {
            let case = run_case(seed, it, None, &cfg);
            for v in &case.report.violations {
                failures.push(format!(
                    "{v}\n    replay: awsreach fuzz --seed {seed} --iteration {it}"
                ));
            }
            total.absorb(case.report);
        }
    }
    let counts: Vec<String> = Invariant::ALL
        .iter()
        .map(|&i| format!("{i}: {}", total.checked(i)))
        .collect();
    eprintln!("{} probes; checks: {}", total.probes, counts.join(", "));
    for i in Invariant::ALL {
        assert!(total.checked(i) > 0, "{i} was never checked");
    }
    // Every third scenario lacks some data: the generated probes themselves
    // meet unknown answers, and every invariant with them.
    let unknown: usize = total
        .verdicts
        .iter()
        .filter(|(k, _)| k.starts_with("UNKNOWN_") && **k != "UNKNOWN_ADDRESS")
        .map(|(_, n)| n)
        .sum();
    assert!(
        unknown > 0,
        "no generated probe was unknown: {:?}",
        total.verdicts
    );
    // no-guess: hiding data must reach the walk, for every kind the
    // generator's scenarios can lack (Address and Engine are rarer).
    eprintln!("unknown once data was hidden: {:?}", total.hidden);
    for code in [
        "UNKNOWN_ROUTE_TABLE",
        "UNKNOWN_ROUTES",
        "UNKNOWN_NETWORK_ACL",
        "UNKNOWN_RULES",
        "UNKNOWN_PLACEMENT",
        "UNKNOWN_POLICY",
        "UNKNOWN_TGW_ROUTES",
    ] {
        assert!(
            total.hidden.contains_key(code),
            "no {code} once data was hidden"
        );
    }
    assert!(
        failures.is_empty(),
        "{} violation(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Thousands of mangled copies of the bundled scenarios (cut short, lines
/// dropped or swapped, references and numbers replaced) go through parse,
/// validate, compile, probe and fix: nothing may panic. Many of them still
/// validate, so the engine sees odd but well-formed scenarios.
#[test]
fn mangled_scenario_files_never_panic() {
    use awsreach_gen::fuzz::{Stage, catching, exercise, mangle};
    let texts: Vec<(PathBuf, String)> = scenario_files()
        .into_iter()
        .map(|f| {
            let t = std::fs::read_to_string(&f).expect("readable scenario");
            (f, t)
        })
        .collect();
    let rounds: usize = std::env::var("AWSREACH_MANGLE_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let mut stages = [0usize; 3];
    let mut failures = Vec::new();
    for round in 0..rounds {
        let (file, text) = &texts[round % texts.len()];
        let mangled = mangle(text, round as u64);
        match catching(|| exercise(&mangled)) {
            Ok(stage) => stages[stage as usize] += 1,
            Err(msg) => failures.push(format!(
                "{} mangled with seed {round}: {msg}",
                file.file_name().unwrap().to_string_lossy()
            )),
        }
    }
    eprintln!(
        "{rounds} mangled files: {} unparsed, {} invalid, {} probed",
        stages[Stage::Unparsed as usize],
        stages[Stage::Invalid as usize],
        stages[Stage::Probed as usize]
    );
    assert!(
        failures.is_empty(),
        "{} panic(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The mangling must reach the engine, not just the parser.
    assert!(stages[Stage::Probed as usize] > rounds / 10, "{stages:?}");
    assert!(stages[Stage::Invalid as usize] > rounds / 10, "{stages:?}");
}

/// Every bundled scenario (seed patterns, rules, regressions) meets every
/// invariant on its own `expect` probes plus generated ones: the fuzz
/// harness as a regression suite for the files that pin past bugs.
#[test]
fn bundled_scenarios_meet_every_invariant() {
    use awsreach_gen::fuzz::{Config, check, replay_probes};
    let cfg = Config {
        changes: 12,
        placements: 4,
        fixes: 8,
        ..Config::default()
    };
    let mut failures = Vec::new();
    for file in scenario_files() {
        let text = std::fs::read_to_string(&file).expect("readable scenario");
        let spec = awsreach_model::parse(&text).expect("bundled scenarios parse");
        let report = check(&spec, &replay_probes(&spec, 0, 20), 0, &cfg);
        for v in report.violations {
            failures.push(format!(
                "{}: {v}\n    replay: awsreach fuzz --replay {}",
                file.file_name().unwrap().to_string_lossy(),
                file.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} violation(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Regressions the fuzzer found that have no place in `scenarios/` (their
/// blocked probes have no fix to offer): their expectations hold, their
/// traces build, and they meet every invariant.
#[test]
fn gen_regressions_hold() {
    use awsreach_gen::fuzz::{Config, check, replay_probes};
    use awsreach_sim::{Engine, ProbeOptions, check_expectations};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/regressions")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&file).expect("readable");
        let spec = awsreach_model::parse(&text).expect("parses");
        let engine = Engine::new(awsreach_model::validate(&spec).expect("valid").scenario);
        for r in check_expectations(&engine) {
            assert!(r.passed, "{name}: {:?} gave {:?}", r.expectation, r.actual);
            let e = &r.expectation;
            let opts = ProbeOptions {
                port: e.port,
                protocol: e.protocol,
                ..ProbeOptions::default()
            };
            let probe = engine.probe(&e.from, &e.to, &opts).expect("probe");
            assert_eq!(
                engine.trace(&probe).outcome(),
                engine.outcome(&probe),
                "{name}"
            );
        }
        let report = check(&spec, &replay_probes(&spec, 0, 20), 0, &Config::default());
        let all: Vec<String> = report.violations.iter().map(|v| v.to_string()).collect();
        assert!(all.is_empty(), "{name}:\n{}", all.join("\n"));
    }
}

/// Regression (found by `awsreach fuzz`, no-panic): a scenario with
/// external hosts but no function and no resource has nothing to probe;
/// picking probes for it drew from all-zero weights and panicked.
#[test]
fn probes_of_a_scenario_with_only_hosts() {
    use awsreach_gen::{GenOptions, Profile, generate, probes};
    for vpcs in [0, 3] {
        let spec = generate(&GenOptions {
            vpcs,
            functions: 0,
            instances: 0,
            ..GenOptions::new(Profile::Adversarial, 9)
        });
        assert!(!spec.external_hosts.is_empty());
        assert!(probes(&spec, 1, 10).is_empty());
    }
}
