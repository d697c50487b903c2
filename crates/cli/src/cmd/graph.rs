//! `awsreach graph`: the scenario's topology as Graphviz DOT (or Mermaid),
//! optionally with one trace's path marked on it.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use awsreach_sim::{Engine, ProbeOptions};
use awsreach_view::topology::PathHop;
use awsreach_view::{Topology, TraceDoc};
use clap::ValueEnum;

use crate::cli::Exit;
use crate::render;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Prints the topology as Graphviz DOT, nested as AWS draws it: region, VPC,
availability zone and subnet clusters; gateways, gateway endpoints and route
tables at the VPC level; services, Lambda-managed functions, peering and transit
gateways in the region; route edges labelled with their destinations; a legend.

With --path FROM TO, the nodes one trace passes are numbered by step and drawn
green, and red at the blocking hop.

With --vpc-groups, prints instead which VPCs any peering or transit gateway joins
(VPCs in different groups can only meet over the internet).

Examples:
  awsreach graph scenarios/example-full.ron | dot -Tsvg > network.svg
  awsreach graph scenarios/seed/p4-public-subnet-calls-out.ron --path fn s3 | dot -Tsvg > p4.svg
  awsreach graph scenarios/seed/p4-public-subnet-calls-out.ron --format mermaid
  awsreach graph scenarios/example-full.ron --vpc-groups

Exit codes:
  0  drawn
  2  bad input: the file is unreadable or invalid, an unknown id in --path")]
pub struct Args {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Print the groups of joined VPCs instead of the graph.
    #[arg(long)]
    pub vpc_groups: bool,
    /// Mark the path of the trace FROM -> TO (as `awsreach trace --from FROM --to TO`).
    #[arg(long, num_args = 2, value_names = ["FROM", "TO"])]
    pub path: Option<Vec<String>>,
    /// Output format: Graphviz DOT or a Mermaid flowchart (GitHub renders it).
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

pub fn run(args: Args) -> Result<Exit> {
    let loaded = crate::load::scenario(&args.file)?;
    let topology = Topology::build(&loaded.scenario);
    let mut out = crate::out::Out::stdout();
    if args.vpc_groups {
        for (i, group) in topology.connected_vpcs().iter().enumerate() {
            writeln!(out, "group {}: {}", i + 1, group.join(", "))?;
        }
        out.finish()?;
        return Ok(Exit::Ok);
    }
    let mut hops = Vec::new();
    if let Some(p) = &args.path {
        let engine = Engine::new(loaded.scenario.clone());
        let probe = match engine.probe(&p[0], &p[1], &ProbeOptions::default()) {
            Ok(probe) => probe,
            Err(e) => {
                render::probe_error(&args.file, "--path: ", &e);
                return Ok(Exit::BadInput);
            }
        };
        hops = PathHop::of(&TraceDoc::new(&engine, &engine.trace(&probe), &[]));
    }
    let text = match args.format {
        GraphFormat::Dot => topology.to_dot_path(&hops),
        GraphFormat::Mermaid => awsreach_view::mermaid::graph(&topology, &hops),
    };
    out.write_str(&text)?;
    out.finish()?;
    Ok(Exit::Ok)
}

/// Writes a rendered view to `path` (without terminal styles) and says so on stderr.
pub fn write_file(path: &std::path::Path, text: &str) -> Result<()> {
    let plain = anstream::adapter::strip_str(text).to_string();
    std::fs::write(path, plain).with_context(|| format!("cannot write {}", path.display()))?;
    anstream::eprintln!("wrote {}", path.display());
    Ok(())
}
