//! Generator throughput: the bench topology of each size as a spec, and as
//! the RON text `awsreach bench-scenario` writes. Throughput is ENIs per
//! second.

mod common;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn generate(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate");
    for n in common::sizes() {
        if n >= 10_000 {
            g.sample_size(10);
            g.measurement_time(Duration::from_secs(if n >= 100_000 { 20 } else { 5 }));
        }
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("spec", n), |b| {
            b.iter_with_large_drop(|| awsreach_gen::bench_topology(n, 0))
        });
        g.bench_function(BenchmarkId::new("spec_to_ron", n), |b| {
            b.iter_with_large_drop(|| awsreach_model::to_ron(&awsreach_gen::bench_topology(n, 0)))
        });
    }
    g.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
