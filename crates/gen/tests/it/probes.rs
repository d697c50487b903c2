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
                    ipv6: p.ipv6,
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

/// A share of the flows that can be asked over IPv6 are asked so, and
/// between them they meet what only IPv6 meets: the egress-only gateway
/// refusing inbound, inbound IPv6 through the internet gateway, and an end
/// without an IPv6 address; the reference evaluator answers each the same.
#[test]
fn probes_ask_ipv6_flows_and_meet_the_ipv6_rules() {
    let mut codes = BTreeSet::new();
    let (mut asked, mut flows) = (0, 0);
    for seed in 0..80 {
        let spec = gen_with(Profile::Realistic, seed);
        let engine = Engine::new(check(&spec, "").scenario);
        for p in probes(&spec, seed, 200) {
            flows += p.protocol.is_some() as usize;
            if !p.ipv6 {
                continue;
            }
            asked += 1;
            assert!(p.protocol.is_some(), "only flows go over IPv6: {p:?}");
            let opts = ProbeOptions {
                port: p.port,
                protocol: p.protocol,
                ipv6: true,
                ..ProbeOptions::default()
            };
            let q = engine.probe(&p.from, &p.to, &opts).expect("accepted");
            let out = engine.outcome(&q);
            codes.insert(out.code().map_or("reachable", |c| c.as_str()));
            if matches!(out, awsreach_sim::Outcome::Unknown(_)) {
                continue; // the reference does not read the `missing` section
            }
            let r = awsreach_reference::evaluate_ip(
                engine.scenario(),
                &p.from,
                &p.to,
                p.port,
                p.protocol,
                true,
            )
            .expect("the reference answers");
            assert_eq!(
                out.code().map_or("reachable", |c| c.as_str()),
                r.to_string().trim_start_matches("blocked ").to_string(),
                "seed {seed}: {p:?}"
            );
        }
    }
    assert!(asked * 20 > flows, "{asked} of {flows} flows over IPv6");
    for c in ["reachable", "NO_IPV6", "EGRESS_ONLY_IGW_INBOUND"] {
        assert!(codes.contains(c), "no IPv6 probe is {c}: {codes:?}");
    }
}
