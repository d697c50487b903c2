//! Times the all-pairs matrix of a bench topology (or a scenario file) and
//! prints the class counts behind it:
//!
//! ```text
//! cargo run --release -p awsreach-benches --example matrix_scale -- 100000
//! cargo run --release -p awsreach-benches --example matrix_scale -- big.ron
//! ```

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
}
