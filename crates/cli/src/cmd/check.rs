//! `awsreach check`: run every `expect` entry of scenario files, for CI.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::Exit;
use awsreach_model::spec::Expect;
use awsreach_sim::{Engine, Outcome, check_expectations};

use serde_json::json;

use crate::render::paint;
use crate::style::{DIM, ERROR as RED, OK as GREEN};

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Runs every `expect: [...]` entry of the given scenario files, and of every .ron file
under the given directories (recursively), and prints one line per expectation.

Examples:
  awsreach check scenarios/
  awsreach check my-network.ron --format json

Exit status: 0 all expectations pass, 1 any fails, 2 bad input (a file that does not
load, or an expectation naming an unknown id).")]
pub struct Args {
    /// Scenario files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::cli::Format::Text)]
    pub format: crate::cli::Format,
}

/// Every `.ron` file under the paths, in a stable order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read directory {}", dir.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|x| x == "ron") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn show(o: &Outcome) -> String {
    match o {
        Outcome::Reachable => "reachable".into(),
        Outcome::Blocked(c) => format!("blocked {c}"),
    }
}

pub fn run(args: Args) -> Result<Exit> {
    let files = collect(&args.paths)?;
    let (mut passed, mut failed, mut bad) = (0usize, 0usize, 0usize);
    let mut json_files = Vec::new();
    let mut out = crate::out::Out::stdout();
    for file in &files {
        // A file that does not load is reported and counted; the others still run.
        let Ok(loaded) = crate::load::scenario(file) else {
            bad += 1;
            continue;
        };
        let engine = Engine::new(loaded.scenario);
        let results = check_expectations(&engine);
        let mut json_rows = Vec::new();
        for r in &results {
            let e = &r.expectation;
            let expected = match (e.expect, &e.code) {
                (Expect::Reachable, _) => "reachable".to_string(),
                (Expect::Blocked, Some(c)) => format!("blocked {c}"),
                (Expect::Blocked, None) => "blocked".to_string(),
            };
            let actual = match &r.actual {
                Ok(o) => show(o),
                Err(err) => {
                    bad += 1;
                    format!("error: {err}")
                }
            };
            if r.passed {
                passed += 1;
            } else if r.actual.is_ok() {
                failed += 1;
            }
            let port = e.port.map(|p| format!(":{p}")).unwrap_or_default();
            if args.format == crate::cli::Format::Text {
                let mark = if r.passed {
                    paint(GREEN, "✔")
                } else {
                    paint(RED, "✘")
                };
                let detail = if r.passed {
                    paint(DIM, &actual)
                } else {
                    format!("expected {expected}, got {actual}")
                };
                writeln!(
                    out,
                    "{mark} {}  {} -> {}{port}  {detail}",
                    paint(DIM, file.display()),
                    e.from,
                    e.to
                )?;
            }
            json_rows.push(json!({
                "from": e.from, "to": e.to, "port": e.port,
                "expected": expected, "actual": actual, "passed": r.passed, "note": e.note,
            }));
        }
        json_files.push(json!({ "file": file.display().to_string(), "expectations": json_rows }));
        out.flush()?;
    }
    match args.format {
        crate::cli::Format::Text => {
            let summary = format!("{passed} passed, {failed} failed");
            let bad_note = if bad > 0 {
                format!(", {bad} bad input")
            } else {
                String::new()
            };
            let style = if failed + bad == 0 { GREEN } else { RED };
            writeln!(out, "{}{bad_note}", paint(style, summary))?;
        }
        crate::cli::Format::Json => {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(
                    &json!({ "passed": passed, "failed": failed, "bad_input": bad, "files": json_files })
                )?
            )?;
        }
    }
    out.finish()?;
    Ok(if bad > 0 {
        Exit::BadInput
    } else if failed > 0 {
        Exit::Blocked
    } else {
        Exit::Ok
    })
}
