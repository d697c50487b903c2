//! Times each phase of loading one scenario file — read, parse, validate,
//! compile — and prints the process's peak memory, for the load target of
//! the README's performance table:
//!
//! ```text
//! cargo run --release -p awsreach-benches --example load_phases -- big.ron
//! ```

use std::time::Instant;

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: load_phases FILE.ron");
    let t0 = Instant::now();
    let text = std::fs::read_to_string(&path).expect("readable file");
    let t_read = t0.elapsed();
    let t = Instant::now();
    let spec = awsreach_model::parse(&text).expect("parses");
    let t_parse = t.elapsed();
    let t = Instant::now();
    let checked = awsreach_model::validate(&spec).expect("validates");
    let t_validate = t.elapsed();
    let t = Instant::now();
    let enis = checked.scenario.enis.len();
    let warnings = checked.warnings.len();
    let engine = awsreach_sim::Engine::new(checked.scenario);
    let t_compile = t.elapsed();
    println!(
        "{path}: {} bytes, {enis} enis, {} functions, {} routes, {warnings} warnings",
        text.len(),
        engine.scenario().functions.len(),
        engine
            .scenario()
            .route_tables
            .iter()
            .map(|r| r.routes.len())
            .sum::<usize>()
    );
    println!(
        "read {t_read:.2?}  parse {t_parse:.2?}  validate {t_validate:.2?}  compile {t_compile:.2?}  total {:.2?}",
        t0.elapsed()
    );
    if let Some(m) = peak_rss_mib() {
        println!("peak memory {m:.0} MiB");
    }
}
