//! Times the all-pairs matrix of a bench topology (or a scenario file) and
//! prints the class counts behind it:
//!
//! ```text
//! cargo run --release -p awsreach-benches --example matrix_scale -- 100000
//! cargo run --release -p awsreach-benches --example matrix_scale -- big.ron
//! ```
//!
//! `ROW_STEP=100` keeps every 100th source as a row (the criterion bench
//! does that at 100k ENIs, where the full matrix has ~10^10 cells).

use std::time::Instant;

use awsreach_sim::Engine;

fn main() {
    let arg = std::env::args()
        .nth(1)
        .expect("usage: matrix_scale SIZE|FILE.ron");
    let t = Instant::now();
    let spec = match arg.parse::<usize>() {
        Ok(n) => awsreach_gen::bench_topology(n, 0),
        Err(_) => awsreach_model::parse(&std::fs::read_to_string(&arg).expect("readable"))
            .expect("parses"),
    };
    let checked = awsreach_model::validate(&spec).expect("validates");
    let engine = Engine::new(checked.scenario);
    println!("load {:.2?}", t.elapsed());
    let (rows, cols) = (engine.sources(), engine.destinations());
    let step: usize = std::env::var("ROW_STEP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let all_rows = rows.len();
    // The full matrix's row classes, from a one-column matrix (cheap).
    let full_row_classes = (step > 1).then(|| {
        engine
            .matrix(&rows, &[awsreach_sim::Node::Internet])
            .classes()
            .0
    });
    let rows: Vec<_> = rows.into_iter().step_by(step).collect();
    let t = Instant::now();
    let m = engine.matrix(&rows, &cols);
    let dt = t.elapsed();
    let (rc, cc) = m.classes();
    println!(
        "{} x {} = {} cells; {rc} x {cc} = {} class pairs; matrix {dt:.2?}: {:.1} M cells/s, {:.0} ns per class pair",
        rows.len(),
        cols.len(),
        m.cells(),
        rc * cc,
        m.cells() as f64 / dt.as_secs_f64() / 1e6,
        dt.as_nanos() as f64 / (rc * cc) as f64,
    );
    if let Some(frc) = full_row_classes {
        // The sampled rows share fewer classes than all of them do; the
        // full matrix costs about (its class pairs) x (time per class pair).
        let t = dt.as_secs_f64() / (rc * cc) as f64 * (frc * cc) as f64;
        let cells = (all_rows * cols.len()) as f64;
        println!(
            "full matrix: {all_rows} x {} = {cells:.3e} cells; {frc} x {cc} class pairs; estimated {t:.0} s, {:.1} M cells/s",
            cols.len(),
            cells / t / 1e6
        );
    }
}
