//! `awsreach fuzz`: generate scenarios, probe them, check the invariants;
//! shrink what breaks and say how to replay it.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::Exit;
use crate::out::{Out, OutputError};
use crate::render::paint;
use crate::style::{DIM, ERROR as RED, HEADER, OK as GREEN};
use awsreach_gen::Profile;
use awsreach_gen::fuzz::{
    self, Config, Invariant, Report, Violation, failure_file, replay_probes, run_case,
    shrink_violation,
};

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Each iteration generates a scenario (the profile rotates small, realistic,
adversarial unless one is given), picks probes, and checks these invariants:
  no-panic                   nothing panics, from generating to applying fixes
  valid                      the scenario validates; the engine accepts every probe
  ron-round-trip             to_ron then parse gives the same spec
  deterministic              the same probe twice (and on a recompiled engine) traces the same
  trace-shape                a blocked trace points at a blocking hop and says why
  trace-agrees-with-outcome  the full trace and the fast outcome agree
  matrix-exact               the all-pairs matrix equals cell-by-cell probes (and each ENI's
                             answer where a function's ENIs disagree)
  differential               the engine agrees with an independent reference evaluator
  monotonic                  a permissive change never blocks, a restrictive one never unblocks
  callee-placement           who can invoke a function ignores its placement; pollers always deliver
  fix-sound                  a blocked trace's fix gives a valid scenario that gets further
  fix-scoped                 a fix reported without side effects changes exactly its own calls
  address-is-eni             a probe from an ENI's address traces like the probe from that ENI
  no-guess                   with some data hidden (listed under `missing`), each answer is
                             unknown, naming what is missing, or the whole scenario's answer

A violation is shrunk (entities, rules and routes dropped while it persists),
written to the --out directory, and printed with the commands that replay it.

Examples:
  awsreach fuzz --seed 42 --iterations 10
  awsreach fuzz --time 1 --profile adversarial
  awsreach fuzz --seed 42 --iteration 17
  awsreach fuzz --replay scenarios/seed/p4-public-subnet-calls-out.ron

`--replay FILE` takes a saved failure (fuzz-failures/*.ron) or any scenario with
expectations.

Exit codes:
  0  no violation
  1  a violation (shrunk, saved, with the commands that replay it)
  2  bad arguments or an unreadable file")]
pub struct Args {
    /// Seed of the run (default: from the clock; printed either way).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Scenarios to check (default 200, or unbounded with --time).
    #[arg(long, short = 'n')]
    pub iterations: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub time: Option<f64>,
    /// Only this profile: small, realistic or adversarial.
    #[arg(long, value_parser = crate::cmd::r#gen::parse_profile)]
    pub profile: Option<Profile>,
    /// Check only iteration K of the run with --seed (what a failure prints).
    #[arg(long, value_name = "K", requires = "seed", conflicts_with_all = ["iterations", "time"])]
    pub iteration: Option<u64>,
    /// Check a scenario file instead (a shrunk failure, or any scenario),
    /// with its `expect` probes, generated probes, and every change, move
    /// and fix.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["seed", "iterations", "time", "profile", "iteration"])]
    pub replay: Option<PathBuf>,
    /// Probes per scenario.
    #[arg(long, default_value_t = 40)]
    pub probes: usize,
    /// Only these invariants (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
    /// Directory for shrunk failing scenarios.
    #[arg(long, value_name = "DIR", default_value = "fuzz-failures")]
    pub out: PathBuf,
    /// Report violations without shrinking them.
    #[arg(long)]
    pub no_shrink: bool,
    /// Stop at the first scenario with a violation.
    #[arg(long)]
    pub fail_fast: bool,
}

/// Shrink and write at most this many violations of each invariant per run.
const SHRINK_PER_INVARIANT: usize = 3;
/// Re-checks one shrink may spend.
const SHRINK_BUDGET: usize = 3000;

pub fn run(args: Args) -> Result<Exit> {
    let mut cfg = Config {
        probes: args.probes,
        ..Config::default()
    };
    if !args.only.is_empty() {
        let mut only = Vec::new();
        for name in &args.only {
            match Invariant::parse(name) {
                Some(i) => only.push(i),
                None => {
                    let all: Vec<&str> = Invariant::ALL.iter().map(|i| i.name()).collect();
                    bail!("unknown invariant `{name}` (one of: {})", all.join(", "));
                }
            }
        }
        cfg.only = Some(only);
    }
    if let Some(file) = &args.replay {
        return replay(file, &mut cfg);
    }
    let seed = args.seed.unwrap_or_else(clock_seed);
    let mut extra = String::new();
    if let Some(p) = args.profile {
        extra.push_str(&format!(" --profile {p}"));
    }
    if args.probes != Config::default().probes {
        extra.push_str(&format!(" --probes {}", args.probes));
    }
    if !args.only.is_empty() {
        extra.push_str(&format!(" --only {}", args.only.join(",")));
    }
    let (first, limit) = match args.iteration {
        Some(k) => (k, Some(1)),
        None => (
            0,
            args.iterations
                .or(if args.time.is_some() { None } else { Some(200) }),
        ),
    };
    let deadline = args
        .time
        .map(|t| Instant::now() + Duration::from_secs_f64(t.max(0.0)));
    anstream::eprintln!(
        "{} seed {seed}, {}, {}",
        paint(HEADER, "fuzzing:"),
        match args.profile {
            Some(p) => format!("profile {p}"),
            None => "profiles rotating".into(),
        },
        match (limit, args.time) {
            (Some(n), Some(t)) => format!("{n} iterations or {t} s"),
            (Some(n), None) => format!("{n} iteration{}", if n == 1 { "" } else { "s" }),
            (None, Some(t)) => format!("for {t} s"),
            (None, None) => unreachable!("a limit is always set"),
        }
    );

    let bar = progress(limit);
    let mut out = Out::stdout();
    let started = Instant::now();
    let mut total = Report::default();
    let (mut scenarios, mut failed_scenarios) = (0u64, 0u64);
    let mut shrunk_per_invariant: HashMap<Invariant, usize> = HashMap::new();
    let mut seen: Vec<(Invariant, String)> = Vec::new();
    let mut iteration = first;
    loop {
        if limit.is_some_and(|n| iteration - first >= n)
            || deadline.is_some_and(|d| Instant::now() >= d)
        {
            break;
        }
        let case = run_case(seed, iteration, args.profile, &cfg);
        scenarios += 1;
        bar.inc(1);
        if !case.report.violations.is_empty() {
            failed_scenarios += 1;
            let replay_cmd = format!("awsreach fuzz --seed {seed} --iteration {iteration}{extra}");
            for v in &case.report.violations {
                let first_of_kind = !seen
                    .iter()
                    .any(|(i, sig)| *i == v.invariant && *sig == signature(v));
                if first_of_kind {
                    seen.push((v.invariant, signature(v)));
                }
                let n = shrunk_per_invariant.entry(v.invariant).or_default();
                let written = match (
                    &case.spec,
                    args.no_shrink || *n >= SHRINK_PER_INVARIANT || !first_of_kind,
                ) {
                    (Some(spec), false) => {
                        *n += 1;
                        bar.set_message(format!("shrinking a {} violation", v.invariant));
                        let out = shrink_violation(
                            spec,
                            v,
                            fuzz::case_seed(seed, iteration),
                            &cfg,
                            SHRINK_BUDGET,
                        );
                        bar.set_message("");
                        let path = args
                            .out
                            .join(format!("{}-{seed}-{iteration}.ron", v.invariant));
                        let replay_file = format!("awsreach fuzz --replay {}", path.display());
                        write_failure(&path, &failure_file(&out.spec, v, &replay_cmd))?;
                        Some((path, replay_file, out.steps))
                    }
                    _ => None,
                };
                bar.suspend(|| print_violation(&mut out, v, &replay_cmd, written.as_ref()))?;
            }
            if args.fail_fast {
                total.absorb(case.report);
                break;
            }
        }
        total.absorb(case.report);
        iteration += 1;
    }
    bar.finish_and_clear();
    summary(
        &mut out,
        &total,
        scenarios,
        failed_scenarios,
        started.elapsed(),
    )?;
    out.finish()?;
    Ok(if total.violations.is_empty() {
        Exit::Ok
    } else {
        Exit::Blocked
    })
}

/// A violation's kind, for printing each problem once in full.
fn signature(v: &Violation) -> String {
    // The detail without the ids: numbers and quoted names vary between scenarios.
    let d: String = v.detail.split(['(', ':']).next().unwrap_or("").to_string();
    format!("{}|{}", v.key, d)
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn progress(limit: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match limit {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} scenarios {elapsed} {msg}")
                .expect("valid template"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {pos} scenarios {elapsed} {msg}")
                .expect("valid template"),
        ),
    };
    bar.set_draw_target(ProgressDrawTarget::stderr());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn write_failure(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn print_violation(
    out: &mut Out,
    v: &Violation,
    replay: &str,
    written: Option<&(PathBuf, String, usize)>,
) -> Result<(), OutputError> {
    writeln!(out, "{} {v}", paint(RED, "✘"))?;
    writeln!(out, "    {} {replay}", paint(DIM, "replay:"))?;
    if let Some((path, cmd, steps)) = written {
        writeln!(
            out,
            "    {} {} ({steps} shrink steps)",
            paint(DIM, "shrunk:"),
            path.display()
        )?;
        writeln!(out, "    {} {cmd}", paint(DIM, "replay:"))?;
    }
    // Before the progress bar draws again on standard error.
    out.flush()
}

/// `label: key n, key n, ...`, dimmed.
fn counts<K: std::fmt::Display, N: std::fmt::Display>(
    out: &mut Out,
    label: &str,
    pairs: impl IntoIterator<Item = (K, N)>,
) -> Result<(), OutputError> {
    let by: Vec<String> = pairs.into_iter().map(|(k, n)| format!("{k} {n}")).collect();
    writeln!(out, "{}", paint(DIM, format!("{label}: {}", by.join(", "))))
}

fn summary(
    out: &mut Out,
    total: &Report,
    scenarios: u64,
    failed: u64,
    elapsed: Duration,
) -> Result<(), OutputError> {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let style = if total.violations.is_empty() {
        GREEN
    } else {
        RED
    };
    let checks: Vec<String> = Invariant::ALL
        .iter()
        .map(|&i| format!("{i} {}", total.checked(i)))
        .collect();
    writeln!(
        out,
        "{}",
        paint(DIM, format!("checks: {}", checks.join(", ")))
    )?;
    let mut verdicts: Vec<(&str, usize)> = total.verdicts.iter().map(|(k, n)| (*k, *n)).collect();
    verdicts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts(out, "verdicts", verdicts)?;
    if !total.forwarded.is_empty() {
        counts(out, "probes forwarded by n appliances", &total.forwarded)?;
    }
    if !total.hidden.is_empty() {
        counts(out, "unknown once data was hidden", &total.hidden)?;
    }
    writeln!(
        out,
        "{}",
        paint(
            style,
            format!("scenarios: {} passed, {failed} failed", scenarios - failed)
        )
    )?;
    writeln!(
        out,
        "{}",
        paint(
            style,
            format!(
                "probes: {} passed, {} failed",
                total.probes - total.failed_probes,
                total.failed_probes
            )
        )
    )?;
    let build = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    writeln!(
        out,
        "{:.1} scenarios/s, {:.0} probes/s ({:.1} s, {build})",
        scenarios as f64 / secs,
        total.probes as f64 / secs,
        secs
    )?;
    Ok(())
}

fn replay(file: &Path, cfg: &mut Config) -> Result<Exit> {
    let src = crate::load::Source::read(file)?;
    let spec = match awsreach_model::parse(&src.text) {
        Ok(s) => s,
        Err(e) => {
            let m = crate::load::parse_message(&src.name, &e);
            bail!("{}: {}", m.location, m.text);
        }
    };
    cfg.exhaustive = true;
    let probes = replay_probes(&spec, 0, cfg.probes);
    let started = Instant::now();
    let report = fuzz::check(&spec, &probes, 0, cfg);
    let mut out = Out::stdout();
    for v in &report.violations {
        writeln!(out, "{} {v}", paint(RED, "✘"))?;
    }
    let failed = u64::from(!report.violations.is_empty());
    summary(&mut out, &report, 1, failed, started.elapsed())?;
    out.finish()?;
    Ok(if report.violations.is_empty() {
        Exit::Ok
    } else {
        Exit::Blocked
    })
}
