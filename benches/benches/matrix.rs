//! All-pairs matrix throughput, in logical cells (probes) per second:
//! `Engine::matrix` (exact, through equivalence classes) on all cores and
//! in a one-thread pool, and cell by cell (`Engine::cell`, no classes) for
//! the raw probe rate.
//!
//! The 100k-ENI topology has ~10^10 cells; its bench takes every 250th
//! source against every destination (4*10^7 cells per iteration): the same
//! per-class-pair work on the full-size engine, but sampled rows share
//! fewer classes than all rows do, so its cells/s is a lower bound for the
//! full matrix (`cargo run --release -p awsreach-benches --example
//! matrix_scale -- 100000` measures or estimates that).

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use awsreach_sim::{Engine, Node};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// A bench topology and the rows and columns of its matrix bench.
struct Setup {
    engine: Arc<Engine>,
    row_nodes: Vec<Node>,
    col_nodes: Vec<Node>,
    rows: usize,
    cols: usize,
}

impl Setup {
    fn new(n: usize) -> Setup {
        let engine = common::engine(n);
        let (rows, cols) = (engine.sources(), engine.destinations());
        let rows: Vec<Node> = if n >= 100_000 {
            rows.into_iter().step_by(ROW_STEP_100K).collect()
        } else {
            rows
        };
        Setup {
            rows: rows.len(),
            cols: cols.len(),
            engine,
            row_nodes: rows,
            col_nodes: cols,
        }
    }
}

/// At 100k ENIs, every this-many-th source is a row.
const ROW_STEP_100K: usize = 250;

fn matrix(c: &mut Criterion) {
    let serial = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let mut g = c.benchmark_group("matrix");
    for n in common::sizes() {
        let s = Setup::new(n);
        let (rows, cols) = (s.rows, s.cols);
        g.throughput(Throughput::Elements((rows * cols) as u64));
        if n >= 10_000 {
            g.sample_size(10);
            g.measurement_time(Duration::from_secs(20));
        }
        let id = format!("{n}/{rows}x{cols}");
        g.bench_function(BenchmarkId::new("parallel", &id), |b| {
            b.iter_with_large_drop(|| s.engine.matrix(&s.row_nodes, &s.col_nodes))
        });
        g.bench_function(BenchmarkId::new("serial", &id), |b| {
            b.iter_with_large_drop(|| {
                serial.install(|| s.engine.matrix(&s.row_nodes, &s.col_nodes))
            })
        });
        if n <= 1_000 {
            g.bench_function(BenchmarkId::new("cell_by_cell", &id), |b| {
                b.iter(|| {
                    for r in s.row_nodes.iter() {
                        for c in s.col_nodes.iter() {
                            black_box(s.engine.cell(*r, *c));
                        }
                    }
                })
            });
        }
    }
    g.finish();
}

/// Resolving a `--from` filter: every source's id listed explicitly against
/// the kind that names them all (issue 16: a 10,000-id list once cost 7x the
/// kind, one scan of the list per node).
fn select(c: &mut Criterion) {
    let mut g = c.benchmark_group("matrix_select");
    for n in common::sizes().into_iter().filter(|n| *n <= 10_000) {
        let engine = common::engine(n);
        let sources = engine.sources();
        let ids: Vec<String> = sources.iter().map(|s| engine.node_name(*s)).collect();
        let kinds: Vec<String> = ["function", "resource"].map(String::from).to_vec();
        let id = format!("{n}/{}", ids.len());
        g.bench_function(BenchmarkId::new("ids", &id), |b| {
            b.iter_with_large_drop(|| engine.select(sources.clone(), black_box(&ids)))
        });
        g.bench_function(BenchmarkId::new("kinds", &id), |b| {
            b.iter_with_large_drop(|| engine.select(sources.clone(), black_box(&kinds)))
        });
    }
    g.finish();
}

criterion_group!(benches, matrix, select);
criterion_main!(benches);
