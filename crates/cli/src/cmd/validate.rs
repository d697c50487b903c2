//! `awsreach validate FILE...`: parse and validate scenarios, report every
//! problem at once.

use std::path::PathBuf;

use crate::Exit;
use crate::load::{self, Message, Outcome, Source};
use crate::out::Out;
use crate::style;

const LONG_ABOUT: &str = "\
Check scenario files and report every problem at once.

For each valid file prints `FILE: ok` on standard output. Problems go to
standard error, compiler style, with the line of the entity at fault and a
hint where one helps:

  shop.ron:3:18: error: expected comma
  shop.ron:12: error: subnets[\"app\"].vpc: unknown vpc `shop-vcp`
    hint: did you mean `shop-vpc`? known vpc ids: `data-vpc`, `shop-vpc`

Warnings (legal but suspicious, e.g. a NAT gateway in a subnet without a
route to an internet gateway) do not make a file invalid.";

const AFTER_HELP: &str = "\
Examples:
  awsreach validate scenarios/example-full.ron
  awsreach validate scenarios/seed/*.ron

Exit codes:
  0  every file is valid (warnings allowed)
  2  a file is unreadable or invalid";

#[derive(Debug, clap::Args)]
#[command(
    about = "Check scenario files and report every problem at once",
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP
)]
pub struct Args {
    /// Scenario files (RON); `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let mut exit = Exit::Ok;
    let mut out = Out::stdout();
    for path in &args.files {
        let source = match Source::read(path) {
            Ok(s) => s,
            Err(e) => {
                if let Some(m) = load::read_failure(path, e) {
                    m.eprint();
                }
                exit = exit.max(Exit::BadInput);
                continue;
            }
        };
        match load::check(&source) {
            Outcome::Valid { warnings, .. } => {
                warnings.iter().for_each(Message::eprint);
                let ok = style::OK;
                if warnings.is_empty() {
                    writeln!(out, "{}: {ok}ok{ok:#}", source.name)?;
                } else {
                    writeln!(
                        out,
                        "{}: {ok}ok{ok:#} ({})",
                        source.name,
                        load::counts(0, warnings.len())
                    )?;
                }
            }
            Outcome::Invalid { errors, warnings } => {
                errors.iter().chain(&warnings).for_each(Message::eprint);
                anstream::eprintln!(
                    "{}: {}",
                    source.name,
                    load::counts(errors.len(), warnings.len())
                );
                exit = exit.max(Exit::BadInput);
            }
        }
        out.flush()?;
    }
    out.finish()?;
    Ok(exit)
}
