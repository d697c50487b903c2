//! `awsreach bench-scenario --size N`: writes the benchmark topology of that
//! size, so anyone can time `validate`, `matrix` or their own scripts on
//! exactly the scenarios the published numbers were measured on.

use std::path::PathBuf;

use anyhow::Context;

use crate::Exit;

const LONG_ABOUT: &str = "\
Write the benchmark topology of about N network interfaces (ENIs) as RON.

The topology is the one the criterion benches and the README's performance
table use: ~100 ENIs per subnet, one route table per subnet padded to N/100
routes (at most AWS's 1,000, so ~1M routes at N = 100000), up to 5 security
groups per ENI with up to 60 rules each, network ACLs of 40 rules per
direction, and one Lambda function for every ten ENIs. The same size and
seed give the same file, byte for byte, on every machine.

  awsreach bench-scenario --size 100000 -o big.ron
  /usr/bin/time -v awsreach validate big.ron
  time awsreach matrix big.ron --format csv > /dev/null";

#[derive(Debug, clap::Args)]
#[command(
    about = "Write the benchmark topology of a given size, to time your own machine",
    long_about = LONG_ABOUT,
    after_long_help = "\
Examples:
  awsreach bench-scenario --size 2000 -o bench.ron && awsreach validate bench.ron
  awsreach bench-scenario --size 500 --seed 3

Exit codes:
  0  written
  2  bad arguments or an unwritable file"
)]
pub struct Args {
    /// About this many network interfaces (ENIs) in all
    #[arg(long, value_name = "N")]
    pub size: usize,
    /// Random seed of the generator
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Write to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let spec = awsreach_gen::try_bench_topology(args.size, args.seed).map_err(|e| {
        // The only size option here is --size.
        match e {
            awsreach_gen::GenError::TooLarge {
                value, max, why, ..
            } => {
                anyhow::anyhow!("--size {value} is too large (at most {max}): {why}")
            }
            other => anyhow::anyhow!("--size {} is too large: {other}", args.size),
        }
    })?;
    let text = awsreach_model::to_ron(&spec);
    match &args.output {
        Some(path) => std::fs::write(path, &text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => crate::out::print(&text)?,
    }
    let routes: usize = spec.route_tables.iter().map(|t| t.routes.len()).sum();
    anstream::eprintln!(
        "{}: {} vpcs, {} subnets, {} functions, {} resources, {} declared routes, {} bytes (seed {})",
        args.output
            .as_ref()
            .map_or("<stdout>".into(), |p| p.display().to_string()),
        spec.vpcs.len(),
        spec.subnets.len(),
        spec.functions.len(),
        spec.resources.len(),
        routes,
        text.len(),
        args.seed
    );
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The written file is a valid scenario, the same bytes for the same size and seed.
    #[test]
    fn writes_a_valid_reproducible_topology() {
        let dir =
            std::env::temp_dir().join(format!("awsreach-bench-scenario-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, seed: u64| {
            let path = dir.join(name);
            let exit = run(Args {
                size: 300,
                seed,
                output: Some(path.clone()),
            })
            .unwrap();
            assert_eq!(exit, Exit::Ok);
            std::fs::read_to_string(path).unwrap()
        };
        let (a, b, c) = (write("a.ron", 1), write("b.ron", 1), write("c.ron", 2));
        assert_eq!(a, b);
        assert_ne!(a, c);
        let checked = awsreach_model::load(&a).expect("bench topologies validate");
        assert!(checked.scenario.enis.len() > 200, "about --size interfaces");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
