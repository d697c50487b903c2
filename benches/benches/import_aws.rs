//! Import: an AWS account snapshot to a compiled engine — JSON parse,
//! dispatch, mapping (`aws::import`), validation, compilation. The snapshot
//! is the bench topology of N ENIs (one function per ten ENIs) written out
//! as AWS CLI output by `aws::synth`, so the sizes match the other benches:
//! 10k ENIs is 1k functions.

use awsreach_import::aws;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

mod common;

fn import(c: &mut Criterion) {
    let mut g = c.benchmark_group("import/aws_snapshot_compile");
    g.sample_size(10);
    for n in common::sizes().into_iter().filter(|n| *n >= 1_000) {
        let spec = awsreach_gen::bench_topology(n, 0);
        let files = aws::synth::snapshot(&spec);
        let bytes: usize = files.iter().map(|f| f.text.len()).sum();
        eprintln!(
            "{n} ENIs: {} functions, {} files, {} MB of JSON",
            spec.functions.len(),
            files.len(),
            bytes / 1_000_000
        );
        g.bench_with_input(BenchmarkId::from_parameter(n), &files, |b, files| {
            b.iter_with_large_drop(|| {
                let imp = aws::import(files, &aws::Options::default())
                    .expect("imports")
                    .remove(0);
                let checked = awsreach_model::validate(&imp.spec).expect("a valid scenario");
                awsreach_sim::Engine::new(checked.scenario)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
