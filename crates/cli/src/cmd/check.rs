//! `awsreach check`: run every `expect` entry of scenario files, for CI.

use std::path::{Path, PathBuf};

use anyhow::Result;

use clap::ValueEnum;

use crate::cli::Exit;
use crate::expectations::{self, FileResult, Row, Tally, expect_lines};
use crate::load::Message;
use awsreach_sim::{Engine, check_expectations};

use crate::render::paint;
use crate::style::{ERROR as RED, OK as GREEN};

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Runs every `expect: [...]` entry of the given scenario files, and of every .ron file
under the given directories (recursively). A pass is one line; a failure names the
`file:line` of its entry, the expected and actual verdict and code, the blocking hop
and why, and the `awsreach trace` command that reruns just that probe. The last line
is `N passed, M failed`.

Examples:
  awsreach check scenarios/
  awsreach check scenarios/seed --failures-only
  awsreach check scenarios/seed --format junit > check.xml
  awsreach check scenarios/seed/p4-public-subnet-calls-out.ron --format json

JSON: {passed, failed, bad_input, files: [{file, loaded, errors?, expectations: [{line,
from, to, port, protocol, expected: {verdict, code}, actual: {verdict, code}, error,
passed, note, blocking_hop, why, rerun}]}]}.
JUnit: one <testsuite> per file, one <testcase> per expectation (<failure> for a wrong
verdict, <error> for bad input).

Folders are walked without following a link back into themselves; a `*.ron` that is
not a regular file (a FIFO, a device) is skipped with a warning.

Exit codes:
  0  every expectation holds
  1  an expectation failed
  2  bad input: a path cannot be read, a folder holds no .ron file, a file does not
     load, or an expectation's probe cannot be made
  3  unknown: an expectation's verdict depends on data a scenario does not have")]
pub struct Args {
    /// Scenario files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Show only the expectations that fail (the summary still counts all).
    #[arg(long)]
    pub failures_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A line per pass, a block per failure, the summary last
    Text,
    /// One JSON object (verdict and code as separate fields)
    Json,
    /// JUnit XML for CI dashboards: a test suite per file, a test case per expectation
    Junit,
}

/// Loads one file for `check`: its messages go to standard error as for
/// every command, and are kept for the JSON and JUnit reports.
fn load(file: &Path) -> std::result::Result<(String, String, Engine), Vec<String>> {
    match crate::load::load(file) {
        Ok(loaded) => {
            loaded.warnings.iter().for_each(Message::eprint);
            Ok((
                loaded.source.name,
                loaded.source.text,
                Engine::new(loaded.scenario),
            ))
        }
        Err(failed) => {
            failed.eprint();
            Err(failed.errors.iter().map(ToString::to_string).collect())
        }
    }
}

pub fn run(args: Args) -> Result<Exit> {
    let inputs = crate::inputs::collect(&args.paths);
    let mut out = crate::out::Out::stdout();
    let mut results = Vec::new();
    inputs.warnings.iter().for_each(Message::eprint);
    // A path that cannot be used (missing, a folder without scenarios) is
    // named on stderr and is a file in error in the reports.
    for m in &inputs.errors {
        m.eprint();
        results.push(FileResult {
            file: m.location.clone(),
            outcome: Err(vec![m.to_string()]),
        });
    }
    for file in &inputs.files {
        let name = crate::load::display_name(file);
        // A file that does not load is reported and counted; the others still run.
        let outcome = load(file).map(|(name, text, engine)| {
            // Lines are the RON file's; an imported input (a plan) has no
            // RON lines to point at, so its rows name the file only.
            let lines = if crate::load::InputKind::detect(file) == crate::load::InputKind::Ron {
                expect_lines(&text)
            } else {
                Vec::new()
            };
            let rows: Vec<Row> = check_expectations(&engine)
                .iter()
                .enumerate()
                .map(|(i, r)| Row::new(&name, lines.get(i).copied(), &engine, r))
                .collect();
            // An expectation that cannot run is bad input: on stderr, at its line.
            for r in &rows {
                if let Err(e) = &r.actual {
                    Message {
                        location: r.location(),
                        severity: awsreach_model::Severity::Error,
                        text: format!("expect: {} -> {}: {e}", r.from, r.to),
                        hint: None,
                    }
                    .eprint();
                }
            }
            rows
        });
        let result = FileResult {
            file: name,
            outcome,
        };
        if args.format == CheckFormat::Text {
            if let Ok(rows) = &result.outcome {
                for r in rows.iter().filter(|r| !args.failures_only || !r.passed) {
                    out.write_str(&r.text())?;
                }
            }
            // Keeps each file's lines before the next file's errors on stderr.
            out.flush()?;
        }
        results.push(result);
    }
    let tally = Tally::of(&results);
    match args.format {
        CheckFormat::Text => {
            if tally.bad > 0 {
                let s = if tally.bad == 1 { "" } else { "s" };
                writeln!(
                    out,
                    "{}",
                    paint(
                        RED,
                        format!(
                            "{} file{s} or expectation{s} could not run (bad input, see above)",
                            tally.bad
                        )
                    )
                )?;
            }
            let style = if tally.failed + tally.bad == 0 {
                GREEN
            } else {
                RED
            };
            writeln!(out, "{}", paint(style, tally.summary()))?;
        }
        CheckFormat::Json => {
            let mut v = expectations::json(&results);
            if args.failures_only {
                for f in v["files"].as_array_mut().into_iter().flatten() {
                    if let Some(rows) = f["expectations"].as_array_mut() {
                        rows.retain(|r| r["passed"] != true);
                    }
                }
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        CheckFormat::Junit => out.write_str(&expectations::junit(&results, args.failures_only))?,
    }
    out.finish()?;
    Ok(if tally.bad > 0 {
        Exit::BadInput
    } else if tally.failed > 0 {
        Exit::Blocked
    } else if tally.unknown > 0 {
        // Nothing contradicts the expectations, but some could not be told.
        Exit::Unknown
    } else {
        Exit::Ok
    })
}
