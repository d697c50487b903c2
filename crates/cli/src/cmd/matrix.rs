//! `awsreach matrix`: the seed's tables for any scenario.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::Exit;
use awsreach_sim::{Engine, Node, Outcome};
use clap::ValueEnum;
use rayon::prelude::*;
use serde_json::json;

use crate::render::paint;
use crate::style::{ERROR as RED, OK as GREEN};

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Rows are sources (trigger services, functions, resources, external hosts), columns are
destinations (functions, resources, declared services, external hosts, internet).
Each cell is the natural probe between them: ○ reachable, ✗ CODE blocked, — not meaningful.

Filters take ids or kinds (function, resource, service, host, internet), comma-separated:
  awsreach matrix scenarios/seed/p8-private-subnet-invoked.ron
  awsreach matrix my.ron --from function --to service,internet --format markdown")]
pub struct Args {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Keep only these sources (ids or kinds, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub from: Vec<String>,
    /// Keep only these destinations (ids or kinds, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub to: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MatrixFormat::Text)]
    pub format: MatrixFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Text,
    Json,
    Csv,
    Markdown,
}

fn kind_of(n: Node) -> &'static str {
    match n {
        Node::Function(_) => "function",
        Node::Resource(_) => "resource",
        Node::Service(_) => "service",
        Node::Trigger(_) => "trigger",
        Node::Host(_) => "host",
        Node::Internet => "internet",
        Node::Ip(_) => "ip",
    }
}

fn keep(engine: &Engine, nodes: Vec<Node>, filter: &[String]) -> Vec<Node> {
    if filter.is_empty() {
        return nodes;
    }
    nodes.into_iter().filter(|n| filter.iter().any(|f| f == kind_of(*n) || *f == engine.node_name(*n))).collect()
}

fn cell_text(c: Option<Outcome>) -> String {
    match c {
        None => "—".into(),
        Some(Outcome::Reachable) => "○".into(),
        Some(Outcome::Blocked(code)) => format!("✗ {code}"),
    }
}

pub fn run(args: Args) -> Result<Exit> {
    let loaded = crate::load::scenario(&args.file)?;
    let engine = Engine::new(loaded.scenario);
    let rows = keep(&engine, engine.sources(), &args.from);
    let cols = keep(&engine, engine.destinations(), &args.to);
    for f in args.from.iter().chain(&args.to) {
        let known = ["function", "resource", "service", "host", "internet"].contains(&f.as_str()) || engine.node(f).is_ok();
        if !known {
            anstream::eprintln!("{}: error: unknown id or kind `{f}` in a filter", args.file.display());
            return Ok(Exit::BadInput);
        }
    }
    // Rows in parallel; each row is a contiguous run of cells.
    let cells: Vec<Vec<Option<Outcome>>> = rows.par_iter().map(|r| cols.iter().map(|c| engine.cell(*r, *c)).collect()).collect();
    let rn: Vec<String> = rows.iter().map(|n| engine.node_name(*n)).collect();
    let cn: Vec<String> = cols.iter().map(|n| engine.node_name(*n)).collect();
    match args.format {
        MatrixFormat::Json => {
            let cells: Vec<Vec<serde_json::Value>> = cells
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| match c {
                            None => serde_json::Value::Null,
                            Some(Outcome::Reachable) => json!({ "verdict": "reachable" }),
                            Some(Outcome::Blocked(code)) => json!({ "verdict": "blocked", "code": code.as_str() }),
                        })
                        .collect()
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&json!({ "rows": rn, "columns": cn, "cells": cells }))?);
        }
        MatrixFormat::Csv => {
            println!("from,{}", cn.join(","));
            for (name, row) in rn.iter().zip(&cells) {
                let vals: Vec<String> = row.iter().map(|c| match c {
                    None => String::new(),
                    Some(Outcome::Reachable) => "reachable".into(),
                    Some(Outcome::Blocked(code)) => code.as_str().into(),
                }).collect();
                println!("{name},{}", vals.join(","));
            }
        }
        MatrixFormat::Markdown => {
            println!("| from \\ to | {} |", cn.join(" | "));
            println!("|---|{}", "---|".repeat(cn.len()));
            for (name, row) in rn.iter().zip(&cells) {
                let vals: Vec<String> = row.iter().map(|c| cell_text(*c)).collect();
                println!("| {name} | {} |", vals.join(" | "));
            }
        }
        MatrixFormat::Text => {
            let texts: Vec<Vec<String>> = cells.iter().map(|r| r.iter().map(|c| cell_text(*c)).collect()).collect();
            let w0 = rn.iter().map(|s| s.chars().count()).max().unwrap_or(0).max("from \\ to".len());
            let widths: Vec<usize> = (0..cn.len()).map(|j| texts.iter().map(|r| r[j].chars().count()).chain([cn[j].chars().count()]).max().unwrap_or(1)).collect();
            let mut line = format!("{:<w0$}", "from \\ to");
            for (j, c) in cn.iter().enumerate() {
                line.push_str(&format!("  {:<w$}", c, w = widths[j]));
            }
            anstream::println!("{}", line.trim_end());
            for (name, row) in rn.iter().zip(&texts) {
                let mut line = format!("{name:<w0$}");
                for (j, t) in row.iter().enumerate() {
                    let pad = widths[j] - t.chars().count();
                    let styled = if t.starts_with('○') { paint(GREEN, t) } else if t.starts_with('✗') { paint(RED, t) } else { t.clone() };
                    line.push_str(&format!("  {styled}{}", " ".repeat(pad)));
                }
                anstream::println!("{}", line.trim_end());
            }
        }
    }
    Ok(Exit::Ok)
}
