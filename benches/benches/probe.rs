//! Single-probe latency: `Engine::trace` (every hop recorded, with the
//! why and the fix when blocked) and `Engine::outcome` (the verdict alone),
//! on the seed scenarios and on bench topologies of growing size.

mod common;

use std::hint::black_box;

use awsreach_sim::{Engine, Probe, ProbeOptions};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Seed probes that walk each kind of path: (scenario, from, to).
const SEED_PROBES: &[(&str, &str, &str)] = &[
    // private subnet -> NAT gateway -> internet gateway -> public endpoint
    ("p7-private-with-nat-calls-out", "fn", "sns"),
    // private DNS -> interface endpoint ENI
    ("p7-private-with-nat-calls-out", "fn", "sqs"),
    // ENI to ENI inside the VPC
    ("p7-private-with-nat-calls-out", "fn", "private-ec2"),
    // blocked: no route out, with the why and the fixes
    ("p6-private-no-nat-calls-out", "fn", "sns"),
    // invocation: the caller's path to the Lambda API, then the policy
    ("p8-private-subnet-invoked", "private-ec2", "fn"),
    // event source mapping
    ("p8-private-subnet-invoked", "sqs", "fn"),
];

fn seed_path(name: &str) -> String {
    format!("scenarios/seed/{name}.ron")
}

fn seed(c: &mut Criterion) {
    let mut g = c.benchmark_group("probe_seed");
    for &(file, from, to) in SEED_PROBES {
        let engine = common::scenario(&seed_path(file));
        let probe = engine
            .probe(from, to, &ProbeOptions::default())
            .expect("seed probe resolves");
        let id = format!(
            "{}:{from}->{to}",
            &file[..file.find('-').unwrap_or(file.len())]
        );
        g.bench_function(BenchmarkId::new("trace", &id), |b| {
            b.iter(|| engine.trace(black_box(&probe)))
        });
        g.bench_function(BenchmarkId::new("outcome", &id), |b| {
            b.iter(|| engine.outcome(black_box(&probe)))
        });
    }
    g.finish();

    // Every `expect` entry of every seed scenario: the mean cost per probe.
    let dir = format!("{}/../scenarios/seed", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("scenarios/seed")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    files.sort();
    let cases: Vec<(Engine, Vec<Probe>)> = files
        .iter()
        .map(|f| {
            let engine = common::scenario(&format!("scenarios/seed/{f}"));
            let probes = engine
                .scenario()
                .expectations
                .iter()
                .filter_map(|e| {
                    let opts = ProbeOptions {
                        port: e.port,
                        protocol: e.protocol,
                        ..ProbeOptions::default()
                    };
                    engine.probe(&e.from, &e.to, &opts).ok()
                })
                .collect();
            (engine, probes)
        })
        .collect();
    let n: usize = cases.iter().map(|(_, p)| p.len()).sum();
    let mut g = c.benchmark_group("probe_seed_all");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("trace", n), |b| {
        b.iter(|| {
            for (e, probes) in &cases {
                for p in probes {
                    black_box(e.trace(p));
                }
            }
        })
    });
    g.bench_function(BenchmarkId::new("outcome", n), |b| {
        b.iter(|| {
            for (e, probes) in &cases {
                for p in probes {
                    black_box(e.outcome(p));
                }
            }
        })
    });
    g.finish();
}

/// The same number of probes, spread over the matrix of each bench
/// topology: per-probe time should stay flat (or grow like a log) with size.
fn by_size(c: &mut Criterion) {
    const PROBES: usize = 1024;
    let mut g = c.benchmark_group("probe_by_size");
    g.throughput(Throughput::Elements(PROBES as u64));
    for n in common::sizes() {
        let mut probes: Option<(std::sync::Arc<Engine>, Vec<Probe>)> = None;
        let setup = |probes: &mut Option<_>| {
            probes
                .get_or_insert_with(|| {
                    let e = common::engine(n);
                    let p = common::spread_probes(&e, PROBES);
                    assert_eq!(p.len(), PROBES, "enough meaningful pairs");
                    (e, p)
                })
                .clone()
        };
        g.bench_function(BenchmarkId::new("outcome", n), |b| {
            let (e, ps) = setup(&mut probes);
            b.iter(|| {
                for p in &ps {
                    black_box(e.outcome(p));
                }
            })
        });
        g.bench_function(BenchmarkId::new("trace", n), |b| {
            let (e, ps) = setup(&mut probes);
            b.iter(|| {
                for p in &ps {
                    black_box(e.trace(p));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, seed, by_size);
criterion_main!(benches);
