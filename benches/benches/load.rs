//! Load: parse + validate + compile of a bench topology's RON text, the
//! work every command does before its first probe. Throughput is ENIs per
//! second, so a flat rate across sizes means linear load time.

mod common;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    for n in common::sizes() {
        if n >= 10_000 {
            g.sample_size(10);
            g.measurement_time(Duration::from_secs(if n >= 100_000 { 30 } else { 5 }));
        }
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("parse_validate_compile", n), |b| {
            let text = common::ron(n);
            // Dropping the engine is not part of loading it.
            b.iter_with_large_drop(|| {
                let checked = awsreach_model::load(&text).expect("bench topology loads");
                awsreach_sim::Engine::new(checked.scenario)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
