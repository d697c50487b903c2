//! One module per subcommand. Each exposes `Args` (clap) and
//! `run(Args) -> anyhow::Result<Exit>`; `cli::Command` lists them.

pub mod bench_scenario;
pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod fuzz;
pub mod r#gen;
pub mod graph;
pub mod import;
pub mod matrix;
pub mod report;
pub mod services;
pub mod show;
pub mod trace;
pub mod validate;
