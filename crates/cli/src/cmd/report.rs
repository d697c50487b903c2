//! `awsreach report` and `trace --format html`: the HTML pages of
//! `awsreach_view::html`, built here from the engine's traces and written.

use std::path::{Path, PathBuf};

use anyhow::Result;
use awsreach_model::probe::Node;
use awsreach_sim::{Engine, Outcome, ProbeOptions};
use awsreach_view::TraceDoc;
use awsreach_view::html::Coverage;

use crate::cli::Exit;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Writes one self-contained HTML page (inline SVG and CSS, nothing fetched when
opened): the reachability matrix of every source against every destination as a
heat map, each cell a link to its trace further down the page, drawn on the part
of the network it touches (region, VPC, availability zone, subnet), numbered hop
by hop, green while it passes and red at the blocking hop, with why and the fixes.

A large scenario's page stays usable: the heat map holds at most --max-cells
cells (sources × destinations), each with its trace drawn. When the matrix is
larger, the sources and destinations with the most blocked or unknown calls are
shown first, and the page says what was left out; the counts at the top are
those of the whole matrix. Narrow it with --from/--to, or see every cell with
`awsreach matrix`.

Examples:
  awsreach report scenarios/seed/p6-private-no-nat-calls-out.ron -o report.html
  awsreach report scenarios/example-full.ron --from order-api -o order-api.html
  awsreach report scenarios/example-full.ron --max-cells 100 -o part.html

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
    /// At most this many cells in the heat map, each with its trace drawn
    /// (about 8 KB of page per trace); the rest of the matrix is counted, not drawn.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CELLS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_cells: u32,
}

/// 20 × 20: a page of a few megabytes that a browser opens in a second or two.
pub const DEFAULT_MAX_CELLS: u32 = 400;

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
    // The whole matrix, exactly and cheaply (equivalence classes): the
    // counts at the top, and which rows and columns to show when capped.
    let m = engine.matrix(&rows, &cols);
    let mut all = Coverage {
        sources: rows.len(),
        destinations: cols.len(),
        max_cells: args.max_cells as usize,
        ..Coverage::default()
    };
    let mut row_bad = vec![0usize; rows.len()];
    let mut col_bad = vec![0usize; cols.len()];
    for (i, bad) in row_bad.iter_mut().enumerate() {
        for (j, col) in col_bad.iter_mut().enumerate() {
            match m.get(i, j) {
                None => {}
                Some(Outcome::Reachable) => all.reachable += 1,
                Some(o) => {
                    if matches!(o, Outcome::Blocked(_)) {
                        all.blocked += 1;
                    } else {
                        all.unknown += 1;
                    }
                    *bad += 1;
                    *col += 1;
                }
            }
        }
    }
    let (nr, nc) = shown_size(rows.len(), cols.len(), all.max_cells);
    let pick = |n: usize, total: usize, bad: &[usize]| -> Vec<usize> {
        let mut ix: Vec<usize> = (0..total).collect();
        if n < total {
            // Most blocked or unknown calls first; ties keep their order.
            ix.sort_by_key(|&i| std::cmp::Reverse(bad[i]));
            ix.truncate(n);
        }
        ix
    };
    let (shown_rows, shown_cols) = (
        pick(nr, rows.len(), &row_bad),
        pick(nc, cols.len(), &col_bad),
    );
    let mut traces = Vec::new();
    let mut cells = Vec::new();
    for &i in &shown_rows {
        let mut line = Vec::new();
        for &j in &shown_cols {
            let probe = m.get(i, j).and_then(|_| {
                engine
                    .probe_nodes(rows[i], cols[j], &ProbeOptions::default())
                    .ok()
            });
            match probe {
                Some(p) => {
                    line.push(Some(traces.len()));
                    traces.push(TraceDoc::new(&engine, &engine.trace(&p), &[]));
                }
                None => line.push(None),
            }
        }
        cells.push(line);
    }
    let rows: Vec<Node> = shown_rows.iter().map(|&i| rows[i]).collect();
    let cols: Vec<Node> = shown_cols.iter().map(|&j| cols[j]).collect();
    let names = |v: &[Node]| -> Vec<String> { v.iter().map(|n| engine.node_name(*n)).collect() };
    let html = awsreach_view::html::report_page(
        engine.scenario(),
        &args.file.display().to_string(),
        &names(&rows),
        &names(&cols),
        &cells,
        &traces,
        &all,
    );
    match &args.output {
        Some(path) => crate::cmd::graph::write_file(path, &html)?,
        None => crate::out::print(&html)?,
    }
    Ok(Exit::Ok)
}

/// How many rows and columns of a `rows × cols` matrix the heat map shows
/// within `max` cells: all of them when they fit, else a near-square block
/// (all of the short side when it is short).
pub fn shown_size(rows: usize, cols: usize, max: usize) -> (usize, usize) {
    let max = max.max(1);
    if rows.saturating_mul(cols) <= max {
        return (rows, cols);
    }
    let side = max.isqrt().max(1);
    if rows <= side {
        (rows, (max / rows.max(1)).min(cols))
    } else if cols <= side {
        ((max / cols.max(1)).min(rows), cols)
    } else {
        (side, side)
    }
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

#[cfg(test)]
mod tests {
    use super::shown_size;

    #[test]
    fn the_heat_map_fits_the_cap() {
        // Fits: everything.
        assert_eq!(shown_size(21, 19, 400), (21, 19));
        // A near-square block of a large matrix.
        assert_eq!(shown_size(10_008, 10_014, 400), (20, 20));
        // A short side is kept whole, the long one fills the cap.
        assert_eq!(shown_size(3, 1000, 400), (3, 133));
        assert_eq!(shown_size(1000, 5, 400), (80, 5));
        for (r, c, m) in [(7, 9, 10), (100, 100, 1), (2, 2, 3), (50, 60, 2999)] {
            let (a, b) = shown_size(r, c, m);
            assert!(
                a >= 1 && b >= 1 && a <= r && b <= c && a * b <= m.max(1),
                "{r}x{c} cap {m}"
            );
        }
    }
}
