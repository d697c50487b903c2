//! `awsreach graph`: the scenario's topology as Graphviz DOT.

use std::path::PathBuf;

use anyhow::Result;
use awsreach_view::Topology;

use crate::cli::Exit;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Prints the topology (VPCs, subnets, route tables, gateways, endpoints, resources,
functions, triggers, peering and transit gateways) as Graphviz DOT:

With --vpc-groups, prints instead which VPCs any peering or transit gateway joins
(VPCs in different groups can only meet over the internet).

Examples:
  awsreach graph scenarios/example-full.ron | dot -Tsvg > network.svg
  awsreach graph scenarios/example-full.ron --vpc-groups

Exit codes:
  0  drawn
  2  bad input: the file is unreadable or invalid")]
pub struct Args {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Print the groups of joined VPCs instead of the DOT graph.
    #[arg(long)]
    pub vpc_groups: bool,
}

pub fn run(args: Args) -> Result<Exit> {
    let loaded = crate::load::scenario(&args.file)?;
    let topology = Topology::build(&loaded.scenario);
    let mut out = crate::out::Out::stdout();
    if args.vpc_groups {
        for (i, group) in topology.connected_vpcs().iter().enumerate() {
            writeln!(out, "group {}: {}", i + 1, group.join(", "))?;
        }
    } else {
        out.write_str(&topology.to_dot())?;
    }
    out.finish()?;
    Ok(Exit::Ok)
}
