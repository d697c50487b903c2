//! `awsreach matrix`: the seed's tables for any scenario.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::Exit;
use awsreach_model::net::Protocol;
use awsreach_sim::{Code, Engine, Node, Outcome, ProbeOptions, Split};
use clap::ValueEnum;
use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressStyle};

use crate::grid::{self, Glyphs};
use crate::render::paint;
use crate::style::{ERROR as RED, OK as GREEN, WARNING as YELLOW};

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Rows are sources (trigger services, functions, resources, external hosts), columns are
destinations (functions, resources, declared services, external hosts, internet).
Each cell is the natural probe between them: ○ reachable, ✗ CODE blocked, — not meaningful,
◐ CODE n/m a function whose ENIs disagree (n of its m ENIs reach, CODE stops the others;
Lambda may send from any of them, one per subnet; JSON: `enis_reach` and `enis`, CSV: `CODE n/m`)
(o, x, -, ~ with --ascii or when the locale is not UTF-8); a legend follows the table.
A column whose flow goes elsewhere than tcp/443 names its port: `orders-db:5432`.
A table wider than --width wraps into several, each with the row labels; ids too long
for the width are shortened in the middle (`payments…blue`).

Filters take ids or kinds (function, resource, service, host, internet), comma-separated.
With --ip-version 6 every flow is asked over IPv6 (an end without an IPv6 address is
NO_IPV6); the corner reads `from \\ to (IPv6)` and JSON says `\"ip_version\": 6`.

Examples:
  awsreach matrix scenarios/seed/p8-private-subnet-invoked.ron
  awsreach matrix scenarios/example-full.ron --from function --to service,internet --format markdown
  awsreach matrix scenarios/rules/ipv6-fixes.ron --from resource --ip-version 6

Exit codes:
  0  printed (blocked cells are answers, not failures)
  2  bad input: the file is unreadable or invalid, or a filter names no id or kind")]
pub struct Args {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Keep only these sources (ids or kinds, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID_OR_KIND")]
    pub from: Vec<String>,
    /// Keep only these destinations (ids or kinds, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID_OR_KIND")]
    pub to: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MatrixFormat::Text)]
    pub format: MatrixFormat,
    /// ASCII glyphs (o x -) instead of ○ ✗ — (automatic when the locale is not UTF-8).
    #[arg(long)]
    pub ascii: bool,
    /// Lay the text table out in this many columns (default: the terminal's
    /// width, else $COLUMNS, else 120); wider tables wrap into several.
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<usize>,
    /// IP version of the flows: 6 asks every flow between ends over IPv6.
    #[arg(long, value_name = "4|6", value_parser = ["4", "6"], default_value = "4")]
    pub ip_version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Text,
    Json,
    Csv,
    Markdown,
}

/// The kinds a filter takes besides ids.
pub(crate) use awsreach_sim::FILTER_KINDS;

/// True when a filter word is a node kind or an id of the scenario.
pub(crate) fn known_filter(engine: &Engine, f: &str) -> bool {
    FILTER_KINDS.contains(&f) || engine.node(f).is_ok()
}

/// What to tell a user whose filter is neither a kind nor an id: the
/// closest kind or id, and every kind.
pub(crate) fn filter_hint(engine: &Engine, f: &str) -> String {
    let kinds = FILTER_KINDS.join(", ");
    let close =
        awsreach_model::suggest(f, FILTER_KINDS.iter().copied()).or_else(|| match engine.node(f) {
            Err(awsreach_sim::ProbeError::UnknownId { suggestion, .. }) => suggestion,
            _ => None,
        });
    let close = close
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default();
    format!("{close}a filter takes ids of the scenario or the kinds {kinds} (comma-separated)")
}

/// The table's corner, which says over which IP version flows were asked.
fn corner(v6: bool) -> &'static str {
    if v6 {
        "from \\ to (IPv6)"
    } else {
        "from \\ to"
    }
}

/// Cells per block of rows computed together (bounds the class table).
const BLOCK_CELLS: usize = 1 << 24;

/// The matrix, computed one block of rows at a time as output asks for it.
struct Blocks<'a> {
    engine: &'a Engine,
    opts: &'a ProbeOptions,
    rows: &'a [Node],
    cols: &'a [Node],
    size: usize,
    current: Option<(usize, awsreach_sim::Matrix)>,
    bar: ProgressBar,
}

/// One cell: the outcome, and for a function whose ENIs disagree each
/// ENI's outcome (in the order of the function's subnets).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell {
    outcome: Option<Outcome>,
    enis: Option<Vec<Outcome>>,
}

impl Cell {
    fn split(&self) -> Option<Split> {
        self.enis.as_deref().and_then(Split::of)
    }
}

impl Blocks<'_> {
    /// Row `i`'s cells; rows are asked for in order.
    fn row(&mut self, i: usize) -> Vec<Cell> {
        let start = i / self.size * self.size;
        if self.current.as_ref().is_none_or(|(s, _)| *s != start) {
            let end = (start + self.size).min(self.rows.len());
            let m = self
                .engine
                .matrix_with(&self.rows[start..end], self.cols, self.opts);
            self.current = Some((start, m));
            self.bar.set_position(end as u64);
        }
        let (_, m) = self.current.as_ref().expect("just computed");
        (0..self.cols.len())
            .map(|j| Cell {
                outcome: m.get(i - start, j),
                enis: m.eni_outcomes(i - start, j).map(<[Outcome]>::to_vec),
            })
            .collect()
    }
}

/// The subnet of each ENI of a source function, in its order.
fn eni_subnets(engine: &Engine, n: Node) -> Vec<String> {
    let sc = engine.scenario();
    match n {
        Node::Function(f) => sc.functions[f.ix()]
            .vpc
            .iter()
            .flat_map(|v| &v.enis)
            .map(|e| sc.subnets[sc.enis[e.ix()].subnet.ix()].name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// A cell as JSON: `{"verdict": ..., "code": ...}`, with `enis` (each
/// ENI's subnet and answer) when the function's ENIs disagree.
fn cell_json(c: &Cell, subnets: &[String]) -> String {
    fn verdict(o: Outcome) -> String {
        match o {
            Outcome::Reachable => r#""verdict":"reachable""#.to_string(),
            Outcome::Blocked(code) => format!(r#""verdict":"blocked","code":"{code}""#),
            Outcome::Unknown(code) => format!(r#""verdict":"unknown","code":"{code}""#),
        }
    }
    let Some(o) = c.outcome else {
        return "null".to_string();
    };
    match (&c.enis, c.split()) {
        (Some(each), Some(s)) => {
            let enis: Vec<String> = each
                .iter()
                .zip(subnets)
                .map(|(o, subnet)| {
                    let subnet = serde_json::to_string(subnet).expect("a string serialises");
                    format!(r#"{{"subnet":{subnet},{}}}"#, verdict(*o))
                })
                .collect();
            format!(
                r#"{{{},"enis_reach":{},"enis":[{}]}}"#,
                verdict(o),
                s.reach,
                enis.join(",")
            )
        }
        _ => format!("{{{}}}", verdict(o)),
    }
}

/// Column headers: the id, with the port (and protocol unless tcp) of a
/// flow whose destination listens elsewhere than tcp/443, e.g. `db:5432`.
fn headers(engine: &Engine, cols: &[Node]) -> Vec<String> {
    let sc = engine.scenario();
    cols.iter()
        .map(|n| {
            let listener = match n {
                Node::Resource(r) => sc.resources[r.ix()].listen.first(),
                Node::Host(h) => sc.external_hosts[h.ix()].listen.first(),
                _ => None,
            };
            let name = engine.node_name(*n);
            match listener {
                Some(l) if l.protocol == Protocol::Tcp && l.ports.lo != 443 => {
                    format!("{name}:{}", l.ports.lo)
                }
                Some(l) if l.protocol == Protocol::Udp => format!("{name}:udp/{}", l.ports.lo),
                Some(l) if l.protocol == Protocol::Icmp => format!("{name}:icmp"),
                _ => name,
            }
        })
        .collect()
}

pub fn run(args: Args) -> Result<Exit> {
    let loaded = crate::load::scenario(&args.file)?;
    let engine = Engine::new(loaded.scenario);
    let rows = engine.select(engine.sources(), &args.from);
    let cols = engine.select(engine.destinations(), &args.to);
    for f in args.from.iter().chain(&args.to) {
        if !known_filter(&engine, f) {
            anstream::eprintln!(
                "{}: error: unknown id or kind `{f}` in a filter\n  hint: {}",
                args.file.display(),
                filter_hint(&engine, f)
            );
            return Ok(Exit::BadInput);
        }
    }
    // Computed once per pair of equivalence classes (in parallel), exact per
    // cell, in blocks of rows so that the class table of a huge matrix never
    // has to fit in memory; output streams row by row, no cell is stored.
    let block_rows = (BLOCK_CELLS / cols.len().max(1)).max(1);
    let one_block = rows.len() <= block_rows;
    // A bar on a terminal when the matrix takes several blocks.
    let bar = if one_block || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(rows.len() as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed} (eta {eta})")
                .expect("a valid template"),
        )
    };
    let v6 = args.ip_version == "6";
    let opts = ProbeOptions {
        ipv6: v6,
        ..ProbeOptions::default()
    };
    let mut blocks = Blocks {
        engine: &engine,
        opts: &opts,
        rows: &rows,
        cols: &cols,
        size: block_rows,
        current: None,
        bar,
    };
    let mut row = |i: usize| -> Vec<Cell> { blocks.row(i) };
    let mut out = crate::out::Out::stdout();
    let rn: Vec<String> = rows.iter().map(|n| engine.node_name(*n)).collect();
    let cn: Vec<String> = cols.iter().map(|n| engine.node_name(*n)).collect();
    match args.format {
        MatrixFormat::Json => {
            // Written by hand so a large matrix is never held as a JSON value.
            writeln!(
                out,
                "{{\n  \"ip_version\": {},\n  \"rows\": {},\n  \"columns\": {},\n  \"cells\": [",
                if v6 { 6 } else { 4 },
                serde_json::to_string(&rn)?,
                serde_json::to_string(&cn)?
            )?;
            for i in 0..rows.len() {
                let subnets = eni_subnets(&engine, rows[i]);
                let vals: Vec<String> = row(i).iter().map(|c| cell_json(c, &subnets)).collect();
                let comma = if i + 1 < rows.len() { "," } else { "" };
                writeln!(out, "    [{}]{comma}", vals.join(", "))?;
            }
            writeln!(out, "  ]\n}}")?;
        }
        MatrixFormat::Csv => {
            writeln!(out, "from,{}", cn.join(","))?;
            for (i, name) in rn.iter().enumerate() {
                // A function whose ENIs disagree: `CODE n/m` (n of m ENIs reach).
                let vals: Vec<String> = row(i)
                    .into_iter()
                    .map(|c| {
                        let word = match c.outcome {
                            None => "",
                            Some(Outcome::Reachable) => "reachable",
                            Some(Outcome::Blocked(code) | Outcome::Unknown(code)) => code.as_str(),
                        };
                        match c.split() {
                            Some(s) => format!("{word} {}/{}", s.reach, s.of),
                            None => word.to_string(),
                        }
                    })
                    .collect();
                writeln!(out, "{name},{}", vals.join(","))?;
            }
        }
        MatrixFormat::Markdown => {
            let glyphs = Glyphs::choose(args.ascii);
            let headers = headers(&engine, &cols);
            writeln!(out, "| {} | {} |", corner(v6), headers.join(" | "))?;
            writeln!(out, "|---|{}", "---|".repeat(cn.len()))?;
            let mut any_split = false;
            for (i, name) in rn.iter().enumerate() {
                let vals: Vec<String> = row(i)
                    .into_iter()
                    .map(|c| {
                        any_split |= c.split().is_some();
                        glyphs.cell(c.outcome, c.split())
                    })
                    .collect();
                writeln!(out, "| {name} | {} |", vals.join(" | "))?;
            }
            writeln!(out, "\n{}", glyphs.legend(any_split))?;
        }
        MatrixFormat::Text => {
            let glyphs = Glyphs::choose(args.ascii);
            let width = grid::width(args.width);
            let ascii = glyphs == Glyphs::ASCII;
            let mut headers = headers(&engine, &cols);
            // Two passes over the class table: widths first, then the rows.
            let mut cells_w: Vec<usize> = vec![1; cols.len()];
            if one_block {
                for i in 0..rows.len() {
                    for (j, c) in row(i).into_iter().enumerate() {
                        cells_w[j] =
                            cells_w[j].max(glyphs.cell(c.outcome, c.split()).chars().count());
                    }
                }
            } else {
                // Too large to look ahead: room for the longest possible cell.
                // (`◐ CODE n/m` for a function's disagreeing ENIs: its ENIs
                // are one per subnet, so n/m fits in 10 characters.)
                let widest = Code::ALL
                    .iter()
                    .map(|c| c.as_str().len() + 2 + 10)
                    .max()
                    .unwrap_or(0);
                cells_w.iter_mut().for_each(|w| *w = widest);
            }
            // Row labels take at most a third of the width.
            let mut labels = rn.clone();
            let corner = corner(v6);
            let label_w = |l: &[String]| {
                l.iter()
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(corner.len())
            };
            if label_w(&labels) > width / 3 {
                labels = grid::abbreviate_all(&labels, (width / 3).max(corner.len()), ascii);
            }
            let w0 = label_w(&labels);
            let full: usize = w0
                + cells_w
                    .iter()
                    .zip(&headers)
                    .map(|(c, h)| 2 + (*c).max(h.chars().count()))
                    .sum::<usize>();
            if full > width {
                // Headers much wider than their cells give way first.
                let short: Vec<String> = headers
                    .iter()
                    .zip(&cells_w)
                    .map(|(h, c)| grid::abbreviate(h, (*c).max(12), ascii))
                    .collect();
                headers = grid::unique_or(short, headers);
            }
            let widths: Vec<usize> = headers
                .iter()
                .zip(&cells_w)
                .map(|(h, c)| h.chars().count().max(*c))
                .collect();
            // A huge matrix streams in one pass: its columns are not regrouped.
            let groups = if one_block {
                grid::column_groups(w0, &widths, width)
            } else {
                std::iter::once(0..widths.len()).collect()
            };
            let mut any_split = false;
            for (g, group) in groups.iter().enumerate() {
                if g > 0 {
                    writeln!(out)?;
                }
                // Padded by hand: a format width over 65,535 panics, and ids that long are valid.
                let mut line = crate::table::pad(corner, w0);
                for j in group.clone() {
                    line.push_str("  ");
                    line.push_str(&crate::table::pad(&headers[j], widths[j]));
                }
                writeln!(out, "{}", line.trim_end())?;
                for (i, name) in labels.iter().enumerate() {
                    let mut line = crate::table::pad(name, w0);
                    let cells = row(i);
                    for j in group.clone() {
                        let c = &cells[j];
                        let split = c.split();
                        any_split |= split.is_some();
                        let t = glyphs.cell(c.outcome, split);
                        let pad = widths[j].saturating_sub(t.chars().count());
                        let styled = match c.outcome {
                            _ if split.is_some() => paint(YELLOW, &t),
                            Some(Outcome::Reachable) => paint(GREEN, &t),
                            Some(Outcome::Blocked(_)) => paint(RED, &t),
                            Some(Outcome::Unknown(_)) => paint(YELLOW, &t),
                            None => t,
                        };
                        line.push_str(&format!("  {styled}{}", " ".repeat(pad)));
                    }
                    writeln!(out, "{}", line.trim_end())?;
                }
            }
            writeln!(out, "\n{}", glyphs.legend(any_split))?;
        }
    }
    out.finish()?;
    blocks.bar.finish_and_clear();
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of any size give the same cells as one matrix over all rows.
    #[test]
    fn blocks_agree_with_the_whole_matrix() {
        let src = include_str!("../../../../scenarios/example-full.ron");
        let engine = Engine::new(awsreach_model::load(src).unwrap().scenario);
        let (rows, cols) = (engine.sources(), engine.destinations());
        let whole = engine.matrix(&rows, &cols);
        for size in [1, 3, rows.len()] {
            let mut blocks = Blocks {
                engine: &engine,
                opts: &ProbeOptions::default(),
                rows: &rows,
                cols: &cols,
                size,
                current: None,
                bar: ProgressBar::hidden(),
            };
            for i in 0..rows.len() {
                let expected: Vec<_> = (0..cols.len())
                    .map(|j| Cell {
                        outcome: whole.get(i, j),
                        enis: whole.eni_outcomes(i, j).map(<[Outcome]>::to_vec),
                    })
                    .collect();
                assert_eq!(blocks.row(i), expected, "row {i}, blocks of {size}");
            }
        }
    }
}
