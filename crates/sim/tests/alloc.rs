//! The verdict-only path allocates nothing: `Engine::outcome` on every pair
//! of nodes of every bundled scenario (every probe kind, triggers and
//! pollers included, reachable and blocked alike) is counted by a global
//! allocator and must make zero allocations.
//!
//! Its own test binary, because the counting allocator is global.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use awsreach_sim::{CallKind, Engine, Node, Outcome, Probe, ProbeOptions};

/// Counts allocations made on a thread while that thread's `COUNTING` is on.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// `try_with`: the thread-locals may be gone while a thread shuts down.
fn note() {
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        }
    });
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations `f` makes on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64) {
    ALLOCS.with(|n| n.set(0));
    COUNTING.with(|on| on.set(true));
    let out = f();
    COUNTING.with(|on| on.set(false));
    (out, ALLOCS.with(|n| n.get()))
}

fn scenario_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "ron") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios"),
        &mut out,
    );
    out.sort();
    out
}

/// Every probe of a scenario: all pairs of matrix nodes, each trigger to its
/// function, and every `expect` entry (with its port, protocol and IP
/// version).
fn probes(engine: &Engine) -> Vec<Probe> {
    let none = ProbeOptions::default();
    let mut out = Vec::new();
    for &from in &engine.sources() {
        for &to in &engine.destinations() {
            if from != to
                && let Ok(p) = engine.probe_nodes(from, to, &none)
            {
                out.push(p);
            }
        }
    }
    for t in &engine.scenario().triggers {
        let f = &engine.scenario().functions[t.function.ix()].name;
        out.push(
            engine
                .probe(&t.name, f, &none)
                .expect("a trigger to its function"),
        );
    }
    for e in &engine.scenario().expectations {
        let opts = ProbeOptions {
            port: e.port,
            protocol: e.protocol,
            ipv6: e.ip_version == Some(6),
            ..ProbeOptions::default()
        };
        if let Ok(p) = engine.probe(&e.from, &e.to, &opts) {
            out.push(p);
        }
    }
    out
}

#[test]
fn outcome_makes_no_allocation() {
    let files = scenario_files();
    assert!(!files.is_empty(), "no scenario under scenarios/");
    let mut kinds = BTreeSet::new();
    let mut codes = BTreeSet::new();
    let (mut reachable, mut pollers, mut total) = (0, 0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let src = std::fs::read_to_string(path).expect("readable scenario");
        let checked = awsreach_model::load(&src)
            .unwrap_or_else(|e| panic!("{}: does not load: {e:?}", path.display()));
        let engine = Engine::new(checked.scenario);
        for p in probes(&engine) {
            let (outcome, n) = allocations(|| engine.outcome(&p));
            total += 1;
            kinds.insert(format!("{:?}", p.kind()));
            match outcome {
                Outcome::Reachable => reachable += 1,
                other => {
                    codes.insert(format!("{other:?}"));
                }
            }
            if let Node::Trigger(t) = p.from()
                && engine.scenario().triggers[t.ix()].source.polls_in_vpc()
            {
                pollers += 1;
            }
            if n > 0 {
                failures.push(format!(
                    "{}: {} -> {} ({:?}, {outcome:?}): {n} allocation(s)",
                    path.file_name().unwrap().to_string_lossy(),
                    engine.node_name(p.from()),
                    engine.node_name(p.to()),
                    p.kind()
                ));
            }
        }
    }
    // The probes must cover what the claim is about, or the test proves nothing.
    for k in [
        CallKind::Invoke,
        CallKind::ServiceCall,
        CallKind::Flow,
        CallKind::Trigger,
    ] {
        assert!(kinds.contains(&format!("{k:?}")), "no {k:?} probe was run");
    }
    assert!(reachable > 0 && !codes.is_empty() && pollers > 0);
    assert!(
        codes.len() >= 15,
        "only {} blocking codes covered",
        codes.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} verdict-only probes allocated:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A full trace records hops as data: its allocations are the hop list and
/// the two names of the probe's ends (`Trace::from`, `Trace::to`; an
/// address or `function@subnet` is formatted, which may grow its string
/// once), never one per hop. (Before hops were data, a trace made 6-8 per hop.) Lists
/// spill to the heap past 16 hops, 16 reply crossings or 8 forwarders, so
/// only traces within those are held to the bound.
#[test]
fn trace_allocates_only_its_hop_list_and_names() {
    let (mut held, mut total) = (0, 0);
    let mut failures = Vec::new();
    for path in &scenario_files() {
        let src = std::fs::read_to_string(path).expect("readable scenario");
        let checked = awsreach_model::load(&src)
            .unwrap_or_else(|e| panic!("{}: does not load: {e:?}", path.display()));
        let engine = Engine::new(checked.scenario);
        for p in probes(&engine) {
            let (t, n) = allocations(|| engine.trace(&p));
            total += 1;
            if t.hops.len() > 8 * 2 || p.action().is_some() {
                continue;
            }
            held += 1;
            if n > 5 {
                failures.push(format!(
                    "{}: {} -> {} ({} hops): {n} allocations",
                    path.file_name().unwrap().to_string_lossy(),
                    t.from,
                    t.to,
                    t.hops.len()
                ));
            }
        }
    }
    assert!(held * 10 >= total * 9, "only {held} of {total} traces held");
    assert!(
        failures.is_empty(),
        "{} of {held} traces allocated more than their hop list and names:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
