//! `awsreach`: parse the arguments, run the command, turn the outcome into
//! an exit code (0 ok / reachable, 1 blocked or failed expectations, 2 bad
//! input). Subcommands are declared in `cli.rs` (`Command`) and live in
//! `cmd/`, one module each. A closed standard output (`| head`) ends the
//! program quietly with success; any other failed write is exit 2.

use std::process::ExitCode;

use awsreach_cli::{
    Cli, Exit,
    load::{Message, Reported},
    out, style,
};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli.color.write_global();
    awsreach_cli::load::set_region(cli.region.clone());
    awsreach_cli::load::set_params(cli.params.clone());
    match cli.command.run() {
        Ok(exit) => exit.into(),
        Err(err) => {
            if out::output_error(&err).is_some_and(out::OutputError::is_broken_pipe) {
                return Exit::Ok.into();
            }
            if let Some(m) = err.downcast_ref::<Message>() {
                m.eprint();
            // Bad input already explained to the user (e.g. validation errors).
            } else if err.downcast_ref::<Reported>().is_none() {
                anstream::eprintln!("{e}error:{e:#} {err:#}", e = style::ERROR);
            }
            Exit::BadInput.into()
        }
    }
}
