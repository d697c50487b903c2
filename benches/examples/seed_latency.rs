//! Per-probe latency of every `expect` entry of the seed scenarios: the
//! distribution behind the README's "single trace on a seed scenario"
//! numbers (criterion's `probe_seed` group measures a few of them in depth).
//!
//! ```text
//! cargo run --release -p awsreach-benches --example seed_latency [DIR]
//! ```
//!
//! Each probe runs in batches; its time is the median batch's mean.

use std::hint::black_box;
use std::time::Instant;

use awsreach_sim::{Engine, ProbeOptions};

fn per_call(mut f: impl FnMut()) -> f64 {
    // Warm up, then size batches to ~2 ms.
    let t = Instant::now();
    let mut n = 0u32;
    while t.elapsed().as_micros() < 2_000 {
        f();
        n += 1;
    }
    let mut batches: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .collect();
    batches.sort_by(f64::total_cmp);
    batches[batches.len() / 2]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    (v[(n - 1) / 2] + v[n / 2]) / 2.0
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("{}/../scenarios/seed", env!("CARGO_MANIFEST_DIR")));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("a scenario directory")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    let (mut traces, mut outcomes, mut hops) = (Vec::new(), Vec::new(), Vec::new());
    println!("{:>9} {:>9} {:>5}  probe", "trace ns", "verdict", "hops");
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let engine = Engine::new(awsreach_model::load(&text).expect("loads").scenario);
        let name = path.file_stem().unwrap().to_string_lossy();
        for e in &engine.scenario().expectations {
            let opts = ProbeOptions {
                port: e.port,
                protocol: e.protocol,
                ..ProbeOptions::default()
            };
            let Ok(p) = engine.probe(&e.from, &e.to, &opts) else {
                continue;
            };
            let t = per_call(|| {
                black_box(engine.trace(black_box(&p)));
            });
            let o = per_call(|| {
                black_box(engine.outcome(black_box(&p)));
            });
            let h = engine.trace(&p).hops.len();
            println!("{t:>9.0} {o:>9.0} {h:>5}  {name}: {} -> {}", e.from, e.to);
            traces.push(t);
            outcomes.push(o);
            hops.push(h as f64);
        }
    }
    let n = traces.len();
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "{n} probes: trace median {:.0} ns (max {:.0}), verdict-only median {:.0} ns (max {:.0}), median {} hops",
        median(&mut traces.clone()),
        max(&traces),
        median(&mut outcomes.clone()),
        max(&outcomes),
        median(&mut hops)
    );
}
