//! The fuzz harness under `cargo test`: the reference evaluator against the
//! bundled scenarios' expectations, a bounded invariant fuzz over a fixed
//! seed list, and mangled scenario files that must never panic.

use std::path::{Path, PathBuf};

use awsreach_gen::reference::{Answer, evaluate};
use awsreach_model::spec::Expect;

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
        for e in &checked.scenario.expectations {
            count += 1;
            let got = evaluate(&checked.scenario, &e.from, &e.to, e.port, e.protocol);
            let ok = match (&got, e.expect) {
                (Ok(Answer::Reachable), Expect::Reachable) => true,
                (Ok(Answer::Blocked(c)), Expect::Blocked) => {
                    e.code.as_deref().is_none_or(|w| w == *c)
                }
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
        .unwrap_or(60);
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
    assert!(
        failures.is_empty(),
        "{} violation(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
