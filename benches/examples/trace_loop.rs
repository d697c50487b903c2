//! Runs one seed probe's trace in a loop, for profilers:
//!
//! ```text
//! perf record -g target/release/examples/trace_loop scenarios/seed/p8-private-subnet-invoked.ron private-ec2 fn
//! ```

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, from, to] = &args[..] else {
        panic!("usage: trace_loop FILE FROM TO [outcome]");
    };
    let verdict_only = std::env::var("OUTCOME").is_ok();
    let text = std::fs::read_to_string(file).expect("readable");
    let engine = awsreach_sim::Engine::new(awsreach_model::load(&text).expect("loads").scenario);
    let probe = engine
        .probe(from, to, &Default::default())
        .expect("probe resolves");
    let n = 2_000_000;
    let t = Instant::now();
    for _ in 0..n {
        if verdict_only {
            black_box(engine.outcome(black_box(&probe)));
        } else {
            black_box(engine.trace(black_box(&probe)));
        }
    }
    println!(
        "{:.1} ns per probe",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}
