//! Validation with many errors against a valid file (issue 16.3): a bench
//! topology as generated, and the same topology with every subnet's `vpc`
//! misspelt (thousands of unknown references, each wanting a "did you
//! mean"). The two should stay within 2× of each other, however many
//! errors there are.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn validate(c: &mut Criterion) {
    let mut g = c.benchmark_group("validate");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    for n in [10_000usize] {
        let valid = awsreach_gen::bench_topology(n, 1);
        let mut broken = valid.clone();
        for (i, s) in broken.subnets.iter_mut().enumerate() {
            // A different typo each, so no two errors share a suggestion.
            s.vpc = format!("{}-x{i}", s.vpc);
        }
        for sg in broken.security_groups.iter_mut() {
            sg.vpc.push('z');
        }
        let errors = match awsreach_model::validate(&broken) {
            Ok(_) => 0,
            Err(e) => e.errors.len() + e.omitted,
        };
        assert!(errors >= 1_000, "only {errors} errors");
        g.bench_function(BenchmarkId::new("valid", n), |b| {
            b.iter(|| awsreach_model::validate(&valid).is_ok())
        });
        g.bench_function(BenchmarkId::new(format!("{errors}_errors"), n), |b| {
            b.iter(|| awsreach_model::validate(&broken).is_err())
        });
    }
    g.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
