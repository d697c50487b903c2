//! `awsreach diff` and the blast radius of fixes.
//!
//! `diff/route/N` and `diff/sg/N`: the whole reachability of the N-ENI
//! bench topology against a copy that differs by one route (the first
//! table's first route dropped) or one security-group rule (one more
//! inbound rule in the first group): the incremental diff, which walks
//! again only the rows and columns the change can touch.
//! `blast/...`: every remedy of one blocked seed trace applied to a copy,
//! re-validated, compiled and diffed against the whole scenario.

mod common;

use std::hint::black_box;
use std::time::Duration;

use awsreach_model::spec::{Protocol, ScenarioSpec, SgRuleSpec};
use awsreach_model::validate;
use awsreach_sim::blast::assess;
use awsreach_sim::diff::{Side, diff};
use awsreach_sim::{Engine, ProbeOptions, Verdict};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn engine(spec: &ScenarioSpec) -> Engine {
    Engine::new(validate(spec).expect("bench topologies validate").scenario)
}

/// The bench topology and a copy with one route dropped / one SG rule added.
fn variants(n: usize) -> (ScenarioSpec, ScenarioSpec, ScenarioSpec) {
    let a = awsreach_gen::bench_topology(n, 0);
    let mut route = a.clone();
    let t = route
        .route_tables
        .iter_mut()
        .find(|t| !t.routes.is_empty())
        .expect("a table with routes");
    t.routes.remove(0);
    let mut sg = a.clone();
    sg.security_groups[0].ingress.push(SgRuleSpec {
        protocol: Protocol::Tcp,
        ports: Some("5432".into()),
        cidr: Some("10.0.0.0/8".into()),
        sg: None,
        prefix_list: None,
        description: None,
    });
    (a, route, sg)
}

fn diffs(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    for n in common::sizes()
        .into_iter()
        .filter(|n| *n >= 1_000 && *n <= 10_000)
    {
        let (a, route, sg) = variants(n);
        let ea = engine(&a);
        let (ra, ca) = (ea.sources(), ea.destinations());
        // What the diff costs beyond its two matrices.
        let er = engine(&route);
        let (rr, cr) = (er.sources(), er.destinations());
        g.bench_with_input(BenchmarkId::new("two-matrices", n), &n, |b, _| {
            b.iter(|| black_box((ea.matrix(&ra, &ca), er.matrix(&rr, &cr))))
        });
        for (name, spec) in [("route", &route), ("sg", &sg)] {
            let eb = engine(spec);
            let (rb, cb) = (eb.sources(), eb.destinations());
            g.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| {
                    black_box(diff(
                        Side::all(&ea, &ra, &ca),
                        Side::all(&eb, &rb, &cb),
                        &ProbeOptions::default(),
                    ))
                })
            });
        }
    }
    g.finish();
}

fn blast(c: &mut Criterion) {
    let mut g = c.benchmark_group("blast");
    for (file, from, to) in [
        ("p1-outside-vpc-calls-out", "fn", "private-ec2"),
        ("p4-public-subnet-calls-out", "fn", "s3"),
        ("p6-private-no-nat-calls-out", "fn", "sns"),
        ("p2-outside-vpc-invoked-no-nat", "private-ec2", "fn"),
    ] {
        let path = format!(
            "{}/../scenarios/seed/{file}.ron",
            env!("CARGO_MANIFEST_DIR")
        );
        let spec = awsreach_model::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let e = engine(&spec);
        let probe = e.probe(from, to, &ProbeOptions::default()).unwrap();
        let t = e.trace(&probe);
        let Verdict::Blocked(_) = t.verdict else {
            panic!("{file}: {from} -> {to} is blocked")
        };
        let fixes = e.remedies(&t);
        let id = format!("{file}/{from}->{to} ({} remedies)", fixes.len());
        g.bench_function(id, |bench| {
            bench.iter(|| black_box(assess(&spec, &e, &probe, &fixes)))
        });
    }
    g.finish();
}

criterion_group!(benches, diffs, blast);
criterion_main!(benches);
