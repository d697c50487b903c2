//! `awsreach report` and `trace --format html`: the HTML pages of
//! `awsreach_view::html`, built here from the engine's traces and written.

use std::path::{Path, PathBuf};

use anyhow::Result;
use awsreach_model::probe::Node;
use awsreach_sim::{Engine, ProbeOptions};
use awsreach_view::TraceDoc;

use crate::cli::Exit;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Writes one self-contained HTML page (inline SVG and CSS, nothing fetched when
opened): the reachability matrix of every source against every destination as a
heat map, each cell a link to its trace further down the page, drawn on the part
of the network it touches (region, VPC, availability zone, subnet), numbered hop
by hop, green while it passes and red at the blocking hop, with why and the fixes.

Examples:
  awsreach report scenarios/seed/p6-private-no-nat-calls-out.ron -o report.html
  awsreach report scenarios/example-full.ron --from order-api -o order-api.html

Exit codes:
  0  written
  2  bad input: the file is unreadable or invalid, an unknown id")]
pub struct Args {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Only these sources (ids, repeatable).
    #[arg(long, value_name = "ID")]
    pub from: Vec<String>,
    /// Only these destinations (ids, repeatable).
    #[arg(long, value_name = "ID")]
    pub to: Vec<String>,
    /// Where to write the page (default: standard output).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit> {
    let loaded = crate::load::scenario(&args.file)?;
    let engine = Engine::new(loaded.scenario);
    let pick = |ids: &[String], all: Vec<Node>| -> Result<Vec<Node>, String> {
        if ids.is_empty() {
            return Ok(all);
        }
        ids.iter()
            .map(|id| engine.node(id).map_err(|e| e.to_string()))
            .collect()
    };
    let (rows, cols) = match (
        pick(&args.from, engine.sources()),
        pick(&args.to, engine.destinations()),
    ) {
        (Ok(r), Ok(c)) => (r, c),
        (Err(e), _) | (_, Err(e)) => {
            anstream::eprintln!(
                "{}: {} {e}",
                args.file.display(),
                crate::render::paint(crate::style::ERROR, "error:")
            );
            return Ok(Exit::BadInput);
        }
    };
    let mut traces = Vec::new();
    let mut cells = Vec::new();
    for &r in &rows {
        let mut line = Vec::new();
        for &c in &cols {
            match engine.probe_nodes(r, c, &ProbeOptions::default()) {
                Ok(p) => {
                    line.push(Some(traces.len()));
                    traces.push(TraceDoc::new(&engine, &engine.trace(&p), &[]));
                }
                Err(_) => line.push(None),
            }
        }
        cells.push(line);
    }
    let names = |v: &[Node]| -> Vec<String> { v.iter().map(|n| engine.node_name(*n)).collect() };
    let html = awsreach_view::html::report_page(
        engine.scenario(),
        &args.file.display().to_string(),
        &names(&rows),
        &names(&cols),
        &cells,
        &traces,
    );
    match &args.output {
        Some(path) => crate::cmd::graph::write_file(path, &html)?,
        None => crate::out::print(&html)?,
    }
    Ok(Exit::Ok)
}

/// `trace --format html`: the trace's page, with each ENI's own trace
/// when the source is a VPC function with several (`doc.enis`).
pub fn trace_html(engine: &Engine, doc: &TraceDoc, file: &Path) -> String {
    awsreach_view::html::trace_page(
        engine.scenario(),
        &file.display().to_string(),
        doc,
        &doc.enis,
    )
}
