//! `awsreach explain`: what a reason code means and how it is usually fixed.

use anyhow::Result;

use crate::cli::Exit;
use crate::out::Out;
use awsreach_sim::Code;

use crate::render::paint;
use crate::style::{DIM, HEADER as BOLD};

#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  awsreach explain NO_PUBLIC_IP\n  awsreach explain --list"
)]
pub struct Args {
    /// A reason code, e.g. NO_PUBLIC_IP (case-insensitive).
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every reason code with a one-line summary.
    #[arg(long)]
    pub list: bool,
}

fn first_sentence(s: &str) -> &str {
    s.split_once(". ")
        .map(|(a, _)| a)
        .unwrap_or(s)
        .trim_end_matches('.')
}

pub fn run(args: Args) -> Result<Exit> {
    let mut out = Out::stdout();
    if args.list {
        let w = Code::ALL
            .iter()
            .map(|c| c.as_str().len())
            .max()
            .unwrap_or(0);
        for c in Code::ALL {
            writeln!(
                out,
                "{}  {}",
                paint(BOLD, format!("{:<w$}", c.as_str())),
                first_sentence(c.meaning())
            )?;
        }
        out.finish()?;
        return Ok(Exit::Ok);
    }
    let text = args.code.as_deref().unwrap_or_default();
    let Some(code) = Code::parse(text) else {
        let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let close = known
            .iter()
            .copied()
            .max_by(|a, b| strsim_score(text, a).total_cmp(&strsim_score(text, b)));
        anstream::eprintln!("error: unknown reason code `{text}`");
        if let Some(c) = close {
            anstream::eprintln!(
                "  hint: did you mean `{c}`? `awsreach explain --list` shows them all"
            );
        }
        return Ok(Exit::BadInput);
    };
    writeln!(out, "{}", paint(BOLD, code))?;
    writeln!(out, "\n{}", code.meaning())?;
    writeln!(
        out,
        "\n{} {}",
        paint(BOLD, "Typical fix:"),
        code.typical_fix()
    )?;
    if let Some(ra) = code.reachability_analyzer() {
        writeln!(
            out,
            "\n{}",
            paint(
                DIM,
                format!("AWS Reachability Analyzer reports this as {ra}.")
            )
        )?;
    }
    out.finish()?;
    Ok(Exit::Ok)
}

fn strsim_score(a: &str, b: &str) -> f64 {
    let a = a.to_ascii_uppercase();
    let common = a
        .split('_')
        .filter(|w| !w.is_empty() && b.contains(*w))
        .count();
    common as f64
        // The first three characters (not bytes: `explain éé` is a user's typo too).
        + if b.starts_with(&a.chars().take(3).collect::<String>()) {
            0.5
        } else {
            0.0
        }
}
