//! The command-line interface: clap types, the command list, exit codes.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::cmd;

const ABOUT: &str = "Trace whether AWS calls get through a VPC network, hop by hop, offline";

const LONG_ABOUT: &str = "\
Trace whether AWS calls get through a VPC network, hop by hop, offline.

awsreach reads a scenario: one RON file (or an AWS account snapshot
directory, see `awsreach import aws`) describing an AWS region's network
(VPCs, subnets, route tables, gateways, endpoints, security groups, network
ACLs) and what runs in it (EC2/RDS/ElastiCache resources, Lambda functions,
triggers, external hosts). It answers questions such as \"can this Lambda
function reach S3?\" or \"can the SQS poller invoke this function?\" the way
AWS would route and filter the packets, without touching a real account.

Start with `awsreach validate FILE` and `awsreach show FILE`; the format is
described in docs/scenario-format.md, and scenarios/example-full.ron uses
every part of it.";

const EXIT_CODES: &str = "\
Examples:
  awsreach trace scenarios/seed/p4-public-subnet-calls-out.ron --from fn --to s3
  awsreach check scenarios/
  awsreach matrix scenarios/seed/p6-private-no-nat-calls-out.ron --from fn

Exit codes:
  0  ok: the scenario is valid, the probe is reachable, every expectation holds
  1  blocked: a probe is blocked, or an expectation failed
  2  bad input: unreadable file, RON syntax error, invalid scenario, bad arguments
  3  unknown: the verdict depends on data the scenario does not have (its `missing`)

`awsreach COMMAND --help` shows each command's examples and exit codes.";

#[derive(Debug, Parser)]
#[command(
    name = "awsreach",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXIT_CODES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// When to colour the output (also honours NO_COLOR and CLICOLOR_FORCE)
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,

    /// Which region to load from an input holding several (an AWS snapshot
    /// tree with one folder per region)
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// A CloudFormation/SAM template parameter (repeatable; list parameters
    /// take `a,b,c`), overriding its Default
    #[arg(long = "param", global = true, value_name = "NAME=VALUE", value_parser = crate::load::parse_param)]
    pub params: Vec<(String, String)>,

    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand, each implemented by a module of `cmd/` exposing
/// `Args` (its clap arguments) and `run(Args) -> anyhow::Result<Exit>`.
#[derive(Debug, Subcommand)]
pub enum Command {
    Validate(cmd::validate::Args),
    Show(cmd::show::Args),
    Services(cmd::services::Args),
    /// Trace one call hop by hop: the verdict, the blocking hop, why, and the fix
    Trace(cmd::trace::Args),
    /// Explain a reason code (or list them all)
    Explain(cmd::explain::Args),
    /// Run the `expect` entries of scenario files (for CI)
    Check(cmd::check::Args),
    /// Reachability table of every source against every destination
    Matrix(cmd::matrix::Args),
    /// What a change opens and breaks: the reachability of two scenarios compared
    Diff(cmd::diff::Args),
    /// Draw the topology as Graphviz DOT
    Graph(cmd::graph::Args),
    /// One HTML page: the matrix as a heat map, each cell linked to its trace drawn on the network
    Report(cmd::report::Args),
    /// Turn an AWS account snapshot (or a plan, a template) into a scenario, with a report
    Import(cmd::import::Args),
    /// Write the benchmark topology of a given size, to time your own machine
    BenchScenario(cmd::bench_scenario::Args),
    /// Write a seeded random scenario (same seed, same bytes)
    Gen(cmd::r#gen::Args),
    /// Generate scenarios and check invariants; shrink and save what breaks
    Fuzz(cmd::fuzz::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell)
    Completions(cmd::completions::Args),
    /// Print the man page (roff)
    Man(cmd::completions::ManArgs),
    /// Print the ids a scenario offers to --from/--to (used by the completion scripts)
    #[command(hide = true)]
    CompleteIds(cmd::completions::IdsArgs),
}

impl Command {
    pub fn run(self) -> anyhow::Result<Exit> {
        match self {
            Command::Validate(a) => cmd::validate::run(a),
            Command::Show(a) => cmd::show::run(a),
            Command::Services(a) => cmd::services::run(a),
            Command::Trace(a) => cmd::trace::run(a),
            Command::Explain(a) => cmd::explain::run(a),
            Command::Check(a) => cmd::check::run(a),
            Command::Matrix(a) => cmd::matrix::run(a),
            Command::Gen(a) => cmd::r#gen::run(a),
            Command::Fuzz(a) => cmd::fuzz::run(a),
            Command::Diff(a) => cmd::diff::run(a),
            Command::Graph(a) => cmd::graph::run(a),
            Command::Report(a) => cmd::report::run(a),
            Command::Import(a) => cmd::import::run(a),
            Command::BenchScenario(a) => cmd::bench_scenario::run(a),
            Command::Completions(a) => cmd::completions::run(a),
            Command::Man(a) => cmd::completions::man(a),
            Command::CompleteIds(a) => cmd::completions::ids(a),
        }
    }
}

/// How a command ended; see the exit codes in `awsreach --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: valid, reachable, every expectation holds.
    Ok,
    /// 1: a probe is blocked or an expectation failed.
    Blocked,
    /// 2: the input could not be used (unreadable, malformed, invalid).
    BadInput,
    /// 3: the verdict depends on data the scenario lists as missing.
    Unknown,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Blocked => 1,
            Exit::BadInput => 2,
            Exit::Unknown => 3,
        }
    }

    /// How bad an outcome is: bad input, then a failure, then unknown.
    fn rank(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Unknown => 1,
            Exit::Blocked => 2,
            Exit::BadInput => 3,
        }
    }

    /// The worse of two outcomes, for commands over several inputs.
    pub fn max(self, other: Exit) -> Exit {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

/// Output format of commands that print data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Aligned text for people
    #[default]
    Text,
    /// JSON for scripts; the structure is documented per command
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

impl ColorChoice {
    /// Applies the choice to everything printed through `anstream`.
    pub fn write_global(self) {
        let c = match self {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        c.write_global();
    }
}
