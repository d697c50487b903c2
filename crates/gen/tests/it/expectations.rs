//! `validate` and `check` agree on which `expect` entries can run: on
//! generated scenarios with expectations between every kind of endpoint,
//! with and without ports and protocols, an entry validates exactly when the
//! engine builds its probe (issue 16.4).

use awsreach_gen::Profile;
use awsreach_model::net::Protocol;
use awsreach_model::spec::{Expect, ExpectationSpec};
use awsreach_model::validate;
use awsreach_sim::{Engine, ProbeOptions};

use crate::{check, gen_with};

/// A small deterministic generator (xorshift), so a failure replays by seed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn an_expectation_validates_exactly_when_the_engine_can_probe_it() {
    let mut checked_entries = 0;
    let mut refused = 0;
    for profile in Profile::ALL {
        for seed in 0..8 {
            let mut spec = gen_with(profile, seed);
            let engine = Engine::new(check(&spec, "generated").scenario);
            let s = engine.scenario();
            // Every probe endpoint of the scenario, and a few that are not declared.
            let mut ids: Vec<String> = (s.functions.iter().map(|x| x.name.clone()))
                .chain(s.resources.iter().map(|x| x.name.clone()))
                .chain(s.external_hosts.iter().map(|x| x.name.clone()))
                .chain(s.triggers.iter().map(|x| x.name.clone()))
                .chain(
                    s.services
                        .iter()
                        .filter(|x| x.declared)
                        .map(|x| x.id.clone()),
                )
                .collect();
            ids.extend(["internet", "10.0.0.9", "s3", "lambda"].map(String::from));
            let mut dice = Dice(seed * 7919 + 1 + profile as u64);
            let protocols = [
                None,
                Some(Protocol::Tcp),
                Some(Protocol::Udp),
                Some(Protocol::Icmp),
                Some(Protocol::All),
            ];
            let ports = [None, Some(443), Some(80), Some(5432)];
            spec.expect = (0..120)
                .map(|_| ExpectationSpec {
                    ip_version: None,
                    from: ids[dice.below(ids.len())].clone(),
                    to: ids[dice.below(ids.len())].clone(),
                    port: ports[dice.below(ports.len())],
                    protocol: protocols[dice.below(protocols.len())],
                    expect: Expect::Reachable,
                    host: None,
                    code: None,
                    note: None,
                })
                .collect();
            let invalid: Vec<usize> = match validate(&spec) {
                Ok(_) => Vec::new(),
                Err(e) => e
                    .errors
                    .iter()
                    .map(|d| {
                        let i = d
                            .path
                            .strip_prefix("expect[")
                            .and_then(|p| p.split(']').next());
                        i.and_then(|i| i.parse().ok())
                            .unwrap_or_else(|| panic!("an error outside `expect`: {d}"))
                    })
                    .collect(),
            };
            for (i, e) in spec.expect.iter().enumerate() {
                let opts = ProbeOptions {
                    port: e.port,
                    protocol: e.protocol,
                    ..ProbeOptions::default()
                };
                let probe = engine.probe(&e.from, &e.to, &opts);
                assert_eq!(
                    invalid.contains(&i),
                    probe.is_err(),
                    "{profile} seed {seed}: expect[{i}] {} -> {} {:?}/{:?}: validate says {}, engine says {:?}",
                    e.from,
                    e.to,
                    e.protocol,
                    e.port,
                    if invalid.contains(&i) {
                        "invalid"
                    } else {
                        "valid"
                    },
                    probe.err()
                );
                checked_entries += 1;
                refused += usize::from(probe.is_err());
            }
        }
    }
    // Both sides of the equivalence were exercised.
    assert!(
        refused > 50 && refused < checked_entries - 50,
        "{refused} of {checked_entries}"
    );
}
