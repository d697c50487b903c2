//! Probes: deterministic, and every one is a question the simulator accepts.

use std::collections::BTreeSet;

use awsreach_gen::{Profile, bench_topology, probes};
use awsreach_sim::{Engine, ProbeOptions};

use crate::{check, gen_with};

#[test]
fn probes_are_deterministic() {
    let spec = gen_with(Profile::Realistic, 4);
    assert_eq!(probes(&spec, 1, 200), probes(&spec, 1, 200));
    assert_ne!(probes(&spec, 1, 200), probes(&spec, 2, 200));
    assert_eq!(probes(&spec, 1, 0), Vec::new());
}

#[test]
fn every_probe_is_accepted_by_the_engine() {
    for profile in Profile::ALL {
        for seed in 0..30 {
            let spec = gen_with(profile, seed);
            let engine = Engine::new(check(&spec, "").scenario);
            let ps = probes(&spec, seed, 100);
            assert_eq!(ps.len(), 100);
            for p in ps {
                let opts = ProbeOptions {
                    port: p.port,
                    protocol: p.protocol,
                    ..ProbeOptions::default()
                };
                if let Err(e) = engine.probe(&p.from, &p.to, &opts) {
                    panic!("{profile} seed {seed}: {p:?}: {e}");
                }
            }
        }
    }
}

#[test]
fn probes_ask_every_kind_of_question() {
    let mut from = BTreeSet::new();
    let mut to = BTreeSet::new();
    for seed in 0..20 {
        let spec = gen_with(Profile::Realistic, seed);
        let kind = |id: &str| -> &'static str {
            if id == "internet" {
                "internet"
            } else if spec.functions.iter().any(|f| f.id == id) {
                "function"
            } else if spec.resources.iter().any(|r| r.id == id) {
                "resource"
            } else if spec.external_hosts.iter().any(|h| h.id == id) {
                "host"
            } else if spec.triggers.iter().any(|t| t.id.as_deref() == Some(id)) {
                "trigger"
            } else {
                "service"
            }
        };
        for p in probes(&spec, seed, 300) {
            from.insert(kind(&p.from));
            to.insert(kind(&p.to));
        }
    }
    let all = |v: &[&'static str]| v.iter().copied().collect::<BTreeSet<_>>();
    assert_eq!(
        from,
        all(&[
            "function", "host", "internet", "resource", "service", "trigger"
        ])
    );
    assert_eq!(
        to,
        all(&["function", "host", "internet", "resource", "service"])
    );
}

#[test]
fn probes_on_a_bench_topology() {
    let spec = bench_topology(100, 0);
    assert_eq!(probes(&spec, 0, 1000).len(), 1000);
}
