//! The `awsreach` command line: argument parsing, file loading, terminal
//! output and exit codes, over the model and simulator libraries.
//!
//! The binary (`main.rs`) only parses arguments and maps [`Exit`] to a
//! process exit code; everything else is here so tests can reach it.

pub mod cli;
pub mod cmd;
pub mod expectations;
pub mod grid;
pub mod inputs;
pub mod load;
pub mod out;
pub mod render;
pub mod style;
pub mod table;

pub use cli::{Cli, Command, Exit, Format};
