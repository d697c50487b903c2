//! `awsreach trace`: one probe, every hop, the verdict, why and the fix.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::cli::Exit;
use awsreach_sim::blast::trace_assessed;
use awsreach_sim::{CallKind, Engine, ProbeOptions, trace_with_followup};
use clap::ValueEnum;

use crate::render;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  awsreach trace scenarios/seed/p4-public-subnet-calls-out.ron --from fn --to s3
  awsreach trace scenarios/seed/p8-private-subnet-invoked.ron --from sqs --to fn
  awsreach trace scenarios/example-full.ron --from web-1 --to orders-db --port 5432 --format json

What a probe does follows from its endpoints:
  to a function          an invocation: the caller's path to the Lambda API, then the
                         Lambda service (the callee's own placement never matters)
  to a service (s3, sqs) an HTTPS call to the service endpoint: DNS, then the network path
  to a resource/host/IP  a network flow to that address and port
  service -> function    the trigger path (event source mapping, rule, subscription)

A function attached to several subnets has one ENI per subnet and Lambda may send from
any of them: the trace answers for each ENI (which reach, which do not, and why; JSON:
`enis`), and the verdict is reachable only when every ENI reaches. `--from FN@SUBNET`
(or the ENI's address) traces one ENI.

Exit codes:
  0  reachable (from every ENI of a function)
  1  blocked (from at least one ENI of a function)
  2  bad input: the file is unreadable or invalid, an unknown id, a probe that cannot be made
  3  unknown: the verdict depends on data the scenario does not have (its `missing`)")]
pub struct Args {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Source: a function (or one ENI of it, `fn@subnet`), resource, external host, service or
    /// trigger id or name, `internet`, or an IP.
    #[arg(long, value_name = "ID")]
    pub from: String,
    /// Destination: a function, resource, external host, service id, `internet`, or an IP.
    #[arg(long, value_name = "ID")]
    pub to: String,
    /// Destination port (default: the destination's first listener, else 443).
    #[arg(long)]
    pub port: Option<u16>,
    /// Protocol (default: the destination's first listener, else tcp).
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolArg>,
    /// IP version of a flow: 6 goes to the destination's IPv6 address (and
    /// from `internet` over IPv6); an IPv6 address at either end implies it.
    #[arg(long, value_name = "4|6", value_parser = ["4", "6"])]
    pub ip_version: Option<String>,
    /// Force the kind of call instead of inferring it from the endpoints.
    #[arg(long, value_enum)]
    pub action: Option<ActionArg>,
    /// IAM action checked against VPC endpoint policies (default: the service's usual one).
    #[arg(long, value_name = "IAM_ACTION")]
    pub api_action: Option<String>,
    /// The hostname a service call uses, when not the regional one (an
    /// SDK's legacy or global name, e.g. us-east-1.queue.amazonaws.com):
    /// an interface endpoint's private DNS answers only some names.
    #[arg(long, value_name = "HOSTNAME")]
    pub host: Option<String>,
    /// Output format: text, JSON, a Mermaid flowchart (for a PR comment),
    /// or a self-contained HTML page with the path drawn on the network.
    #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
    pub format: TraceFormat,
    /// Do not re-trace after the recommended fix to report the next blocker.
    #[arg(long)]
    pub no_followup: bool,
    /// Apply each fix to a copy and diff the whole scenario, to show what
    /// else it opens and breaks and rank the fixes (auto: when the matrix
    /// has at most a million cells).
    #[arg(long, value_enum, default_value_t = BlastArg::Auto)]
    pub blast_radius: BlastArg,
    /// Apply fix N (as numbered in the output, 1 = `fix:`) and write the
    /// patched scenario (RON) to `-o FILE`, or to standard output.
    #[arg(long, value_name = "N")]
    pub apply_fix: Option<usize>,
    /// Write the output (or, with `--apply-fix`, the patched scenario) to FILE.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// Aligned text for people
    Text,
    /// JSON for scripts (see the README, "JSON output")
    Json,
    /// A Mermaid flowchart, the path highlighted (GitHub renders it)
    Mermaid,
    /// One self-contained HTML page: the path drawn on the network (use -o FILE)
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BlastArg {
    Auto,
    On,
    Off,
}

/// The largest matrix (sources × destinations) `--blast-radius auto` diffs.
const AUTO_BLAST_CELLS: usize = 1_000_000;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProtocolArg {
    Tcp,
    Udp,
    Icmp,
}

impl From<ProtocolArg> for awsreach_model::net::Protocol {
    fn from(p: ProtocolArg) -> Self {
        match p {
            ProtocolArg::Tcp => Self::Tcp,
            ProtocolArg::Udp => Self::Udp,
            ProtocolArg::Icmp => Self::Icmp,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ActionArg {
    /// Invoke a function through the Lambda API.
    Invoke,
    /// An HTTPS API call to a regional service.
    Call,
    /// A network flow to an address and port.
    Flow,
    /// A service or trigger invoking a function.
    Trigger,
}

pub fn run(args: Args) -> Result<Exit> {
    let loaded = crate::load::scenario(&args.file)?;
    let engine = Engine::new(loaded.scenario);
    let opts = ProbeOptions {
        port: args.port,
        protocol: args.protocol.map(Into::into),
        kind: args.action.map(|a| match a {
            ActionArg::Invoke => CallKind::Invoke,
            ActionArg::Call => CallKind::ServiceCall,
            ActionArg::Flow => CallKind::Flow,
            ActionArg::Trigger => CallKind::Trigger,
        }),
        action: args.api_action.clone(),
        ipv6: args.ip_version.as_deref() == Some("6"),
        host: args.host.clone(),
    };
    let depth = if args.no_followup { 0 } else { 3 };
    let blast = match args.blast_radius {
        BlastArg::On => true,
        BlastArg::Off => false,
        BlastArg::Auto => {
            engine.sources().len() * engine.destinations().len() <= AUTO_BLAST_CELLS
                || args.apply_fix.is_some()
        }
    };
    let result = if blast {
        trace_assessed(&loaded.spec, &engine, &args.from, &args.to, &opts, depth)
    } else {
        trace_with_followup(&loaded.spec, &engine, &args.from, &args.to, &opts, depth)
            .map(|t| (t, Vec::new()))
    };
    let (trace, assessed) = match result {
        Ok(t) => t,
        Err(e) => {
            render::probe_error(&args.file, "", &e);
            return Ok(Exit::BadInput);
        }
    };
    if let Some(n) = args.apply_fix {
        // The fixes as numbered in the output (ranked when assessed).
        let fixes = awsreach_sim::blast::fixes_of(&engine, &trace, &assessed);
        return apply_fix(&args, &loaded.spec, &fixes, n);
    }
    let text = match args.format {
        TraceFormat::Text => render::trace_text_assessed(&engine, &trace, &assessed),
        TraceFormat::Json => {
            serde_json::to_string_pretty(
                &render::trace_json_assessed(&engine, &trace, &assessed).with_enis(&engine, &trace),
            )? + "\n"
        }
        TraceFormat::Mermaid => awsreach_view::mermaid::trace_doc(&awsreach_view::TraceDoc::new(
            &engine, &trace, &assessed,
        )),
        TraceFormat::Html => crate::cmd::report::trace_html(
            &engine,
            &awsreach_view::TraceDoc::new(&engine, &trace, &assessed).with_enis(&engine, &trace),
            &args.file,
        ),
    };
    match &args.output {
        Some(path) => crate::cmd::graph::write_file(path, &text)?,
        None => crate::out::print(&text)?,
    }
    Ok(match trace.verdict {
        awsreach_sim::Verdict::Reachable => Exit::Ok,
        awsreach_sim::Verdict::Blocked(_) => Exit::Blocked,
        awsreach_sim::Verdict::Unknown(_) => Exit::Unknown,
    })
}

/// `--apply-fix N`: the patched scenario, to `-o FILE` or standard output.
fn apply_fix(
    args: &Args,
    spec: &awsreach_model::ScenarioSpec,
    fixes: &[awsreach_sim::Remedy],
    n: usize,
) -> Result<Exit> {
    let Some(remedy) = n.checked_sub(1).and_then(|i| fixes.get(i)) else {
        let have = if fixes.is_empty() {
            "this trace suggests no fix".to_string()
        } else {
            format!("this trace suggests fixes 1 to {}", fixes.len())
        };
        anstream::eprintln!(
            "{}: {} no fix {n}: {have}",
            args.file.display(),
            render::paint(crate::style::ERROR, "error:")
        );
        return Ok(Exit::BadInput);
    };
    let mut fixed = spec.clone();
    remedy.apply(&mut fixed);
    let header = format!(
        "// {} with fix {n} of `awsreach trace --from {} --to {}` applied:\n// {remedy}\n",
        args.file.display(),
        args.from,
        args.to
    );
    let text = header + &awsreach_model::to_ron(&fixed);
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            anstream::eprintln!("wrote {} ({remedy})", path.display());
        }
        None => crate::out::print(&text)?,
    }
    Ok(Exit::Ok)
}
