//! `awsreach gen`: write a seeded random scenario.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::cli::Exit;
use awsreach_gen::{GenError, GenOptions, Profile, try_generate};

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
The same seed and options give the same file, byte for byte, on any machine.
Options left out take the profile's defaults:
  small        2 VPCs, 3 subnets each, 3 functions, 3 instances
  realistic    3 VPCs, 6 subnets each, 8 functions, 12 instances
  adversarial  3 VPCs, 5 subnets each, 10 functions, 10 instances, leaning on the
               edge cases: misplaced NAT gateways, private DNS off, endpoint groups
               without 443, NACLs that drop replies, unassociated gateway endpoints

Examples:
  awsreach gen --seed 7 -o net.ron && awsreach matrix net.ron
  awsreach gen --seed 7 --profile adversarial --vpcs 1 --functions 4
  awsreach gen --seed 1 --enis 2000 -o big.ron && awsreach check big.ron

Exit codes:
  0  written
  2  bad arguments or an unwritable file")]
pub struct Args {
    /// Seed of the random stream.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Profile: small, realistic or adversarial.
    #[arg(long, default_value = "realistic", value_parser = parse_profile)]
    pub profile: Profile,
    /// VPCs.
    #[arg(long)]
    pub vpcs: Option<usize>,
    /// Subnets per VPC.
    #[arg(long)]
    pub subnets_per_vpc: Option<usize>,
    /// Lambda functions, inside and outside VPCs.
    #[arg(long)]
    pub functions: Option<usize>,
    /// Instances (EC2, RDS, ElastiCache) in subnets.
    #[arg(long)]
    pub instances: Option<usize>,
    /// Only these regional services (comma-separated catalog ids, e.g. `sqs,s3`).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub services: Option<Vec<String>>,
    /// A benchmark topology of about this many network interfaces (the
    /// other size options are then ignored).
    #[arg(long, value_name = "N", conflicts_with_all = ["vpcs", "subnets_per_vpc", "functions", "instances"])]
    pub enis: Option<usize>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A size the generator refuses, as the user typed it: which option
/// (`--instances`), its value, the limit and why. `enis_flag` names the flag
/// that set the sizes when it was not the option itself (`--enis`, `--size`).
pub fn too_large(e: &GenError, enis_flag: &str) -> anyhow::Error {
    let flag = match (e, enis_flag) {
        (GenError::TooLarge { .. }, _) | (_, "") => format!("--{}", e.option().replace('_', "-")),
        (_, f) => format!("--{f}"),
    };
    match e {
        GenError::TooLarge {
            value, max, why, ..
        } => anyhow::anyhow!("{flag} {value} is too large (at most {max}): {why}"),
        other => anyhow::anyhow!("{flag} is too large: {other}"),
    }
}

pub fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse()
}

pub fn options(args: &Args) -> GenOptions {
    if let Some(n) = args.enis {
        return GenOptions {
            services: args.services.clone(),
            ..GenOptions::for_size(n, args.seed)
        };
    }
    let base = GenOptions::new(args.profile, args.seed);
    GenOptions {
        vpcs: args.vpcs.unwrap_or(base.vpcs),
        subnets_per_vpc: args.subnets_per_vpc.unwrap_or(base.subnets_per_vpc),
        functions: args.functions.unwrap_or(base.functions),
        instances: args.instances.unwrap_or(base.instances),
        services: args.services.clone(),
        ..base
    }
}

pub fn run(args: Args) -> Result<Exit> {
    let opts = options(&args);
    let spec = try_generate(&opts).map_err(|e| {
        too_large(
            &e,
            if opts.eni_target.is_some() {
                "enis"
            } else {
                ""
            },
        )
    })?;
    // The generator promises a valid scenario; say so loudly if it is not.
    if let Err(e) = awsreach_model::validate(&spec) {
        let first = e.errors.first().map(|d| d.to_string()).unwrap_or_default();
        bail!(
            "the generated scenario is invalid (a generator bug, please report it with the command line): {first}"
        );
    }
    let text = awsreach_model::to_ron(&spec);
    match &args.output {
        None => crate::out::print(&text)?,
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            anstream::eprintln!(
                "wrote {}: {} vpcs, {} subnets, {} functions, {} resources, {} triggers (seed {}, {})",
                path.display(),
                spec.vpcs.len(),
                spec.subnets.len(),
                spec.functions.len(),
                spec.resources.len(),
                spec.triggers.len(),
                args.seed,
                opts.profile
            );
        }
    }
    Ok(Exit::Ok)
}
