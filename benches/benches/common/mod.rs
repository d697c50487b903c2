//! What the bench targets share: the sizes, the bench topologies (generated
//! once per process and cached), and a deterministic pick of probes.

#![allow(dead_code)] // each bench target uses a different part

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use awsreach_sim::{Engine, Node, Probe, ProbeOptions};

/// Topology sizes in ENIs. `AWSREACH_BENCH_MAX=10000` leaves out the larger
/// ones (the 100k topology takes a few seconds to build and ~0.5 GiB).
pub fn sizes() -> Vec<usize> {
    let max = std::env::var("AWSREACH_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    [100, 1_000, 10_000, 100_000]
        .into_iter()
        .filter(|n| *n <= max)
        .collect()
}

/// The bench topology of `enis` interfaces, seed 0, as RON text.
pub fn ron(enis: usize) -> Arc<String> {
    static CACHE: OnceLock<Mutex<HashMap<usize, Arc<String>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap();
    cache
        .entry(enis)
        .or_insert_with(|| {
            Arc::new(awsreach_model::to_ron(&awsreach_gen::bench_topology(
                enis, 0,
            )))
        })
        .clone()
}

/// The compiled bench topology of `enis` interfaces (seed 0).
pub fn engine(enis: usize) -> Arc<Engine> {
    static CACHE: OnceLock<Mutex<HashMap<usize, Arc<Engine>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap();
    cache
        .entry(enis)
        .or_insert_with(|| {
            let spec = awsreach_gen::bench_topology(enis, 0);
            let checked = awsreach_model::validate(&spec).expect("bench topologies validate");
            Arc::new(Engine::new(checked.scenario))
        })
        .clone()
}

/// Compiles a scenario file of the repository (path from the workspace root).
pub fn scenario(path: &str) -> Engine {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    let checked = awsreach_model::load(&text).unwrap_or_else(|e| panic!("{full}: {e:?}"));
    Engine::new(checked.scenario)
}

/// `n` meaningful probes of the engine's natural matrix, spread over it by
/// a fixed-step walk (no randomness, so every run asks the same questions).
pub fn spread_probes(engine: &Engine, n: usize) -> Vec<Probe> {
    let (rows, cols) = (engine.sources(), engine.destinations());
    let opts = ProbeOptions::default();
    let mut out = Vec::with_capacity(n);
    let total = rows.len() * cols.len();
    // A step coprime with nothing in particular, so rows and columns both vary.
    let step = (total / n).max(1) | 1;
    let mut k = 7usize;
    let mut tries = 0;
    while out.len() < n && tries < n * 100 {
        tries += 1;
        k = (k + step) % total;
        let (from, to): (Node, Node) = (rows[k / cols.len()], cols[k % cols.len()]);
        if from == to {
            continue;
        }
        if let Ok(p) = engine.probe_nodes(from, to, &opts) {
            out.push(p);
        }
    }
    out
}
