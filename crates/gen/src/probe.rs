//! Probe generation: meaningful (from, to) questions about a scenario.
//!
//! Meaningful means the kinds of calls the seed patterns ask about:
//! functions and resources calling functions, resources, services, external
//! hosts and the internet; clients on the internet reaching resources; and
//! trigger sources (service ids and trigger ids) invoking functions.

use std::collections::BTreeSet;

use awsreach_model::ScenarioSpec;
use awsreach_model::net::Listener;
use awsreach_model::spec::Protocol;

use crate::dice::Dice;

/// One reachability question, by scenario ids (`"internet"` included).
/// `port` and `protocol` are absent when the call kind fixes them (API
/// calls are HTTPS) and set for flows to resources, hosts and the internet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProbeSpec {
    pub from: String,
    pub to: String,
    pub port: Option<u16>,
    pub protocol: Option<Protocol>,
    /// The flow is asked over IPv6 (`ip_version: 6`, rule 24).
    pub ipv6: bool,
}

/// Of the flows that can be asked over IPv6 (to a resource with an IPv6
/// address, or to the internet from a source that may have one), the share
/// asked over IPv6: the egress-only gateway, inbound IPv6 through the
/// internet gateway and `NO_IPV6` at the sender are met only so.
const IPV6_SHARE: u32 = 50;

/// A listening endpoint and the listeners it declares.
struct Listening<'a> {
    id: &'a str,
    listen: Vec<Listener>,
}

/// `n` probes over `spec`, deterministic in `seed`. Empty when the scenario
/// has nothing to probe from.
pub fn probes(spec: &ScenarioSpec, seed: u64, n: usize) -> Vec<ProbeSpec> {
    let mut d = Dice::new(seed);
    let parse = |l: &[String]| l.iter().filter_map(|s| Listener::parse(s).ok()).collect();
    let fns: Vec<&str> = spec.functions.iter().map(|f| f.id.as_str()).collect();
    let res: Vec<Listening> = spec
        .resources
        .iter()
        .map(|r| Listening {
            id: &r.id,
            listen: parse(&r.listen),
        })
        .collect();
    let hosts: Vec<Listening> = spec
        .external_hosts
        .iter()
        .map(|h| Listening {
            id: &h.id,
            listen: parse(&h.listen),
        })
        .collect();
    // Every service the scenario names, in a stable order.
    let services: Vec<&str> = spec
        .services
        .iter()
        .map(|s| s.id.as_str())
        .chain(spec.vpc_endpoints.iter().map(|e| e.service.as_str()))
        .chain(spec.triggers.iter().map(|t| t.source.service_id()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // (source id, function): trigger ids, and the trigger's service.
    let triggers: Vec<(&str, &str, &str)> = spec
        .triggers
        .iter()
        .map(|t| {
            (
                t.id.as_deref().unwrap_or(""),
                t.source.service_id(),
                t.function.as_str(),
            )
        })
        .collect();

    let callers = fns.len() + res.len();
    // External hosts alone ask nothing: they probe only functions and
    // resources (with no callers every weight below is zero, and drawing
    // from them panicked; found by `awsreach fuzz` with functions: 0).
    if callers == 0 && triggers.is_empty() {
        return Vec::new();
    }
    // Who may take part in an IPv6 flow: resources with an IPv6 address or
    // in a subnet with an IPv6 block (one without an address is blocked
    // NO_IPV6, whose fix assigns one), and dual-stack functions.
    let dual: BTreeSet<&str> = spec
        .subnets
        .iter()
        .filter(|s| s.ipv6_cidr.is_some())
        .map(|s| s.id.as_str())
        .collect();
    let v6: BTreeSet<&str> = spec
        .resources
        .iter()
        .filter(|r| r.ipv6_ip.is_some() || dual.contains(r.subnet.as_str()))
        .map(|r| r.id.as_str())
        .chain(
            spec.functions
                .iter()
                .filter(|f| f.vpc.as_ref().is_some_and(|v| v.ipv6_dual_stack))
                .map(|f| f.id.as_str()),
        )
        .collect();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        // Sources: function, resource, trigger, external host, the internet.
        let w = [
            35 * !fns.is_empty() as u32,
            35 * !res.is_empty() as u32,
            15 * !triggers.is_empty() as u32,
            7 * (!hosts.is_empty() && callers > 0) as u32,
            8 * (callers > 0) as u32,
        ];
        let p = match d.weighted(&w) {
            0 => {
                let from = *d.pick(&fns);
                from_caller(&mut d, from, &fns, &res, &hosts, &services)
            }
            1 => {
                let from = d.pick(&res).id;
                from_caller(&mut d, from, &fns, &res, &hosts, &services)
            }
            2 => {
                let (tid, service, function) = *d.pick(&triggers);
                let from = if !tid.is_empty() && d.pct(50) {
                    tid
                } else {
                    service
                };
                // Mostly the function the trigger invokes; sometimes another one.
                let to = if d.pct(80) || tid == from {
                    function
                } else {
                    *d.pick(&fns)
                };
                api(from, to)
            }
            k => {
                let from = if k == 3 {
                    d.pick(&hosts).id
                } else {
                    "internet"
                };
                if !res.is_empty() && (fns.is_empty() || d.pct(70)) {
                    let r = d.pick(&res);
                    flow(&mut d, from, r)
                } else {
                    api(from, d.pick::<&str>(&fns))
                }
            }
        };
        // Only a probe that can be asked over IPv6 draws for it, so the
        // probes of a scenario without IPv6 are what they were.
        let mut p = p;
        // A host known by its hostname only is asked over IPv4 only.
        let by_name = spec
            .external_hosts
            .iter()
            .any(|h| h.ip.is_none() && (h.id == p.from || h.id == p.to));
        let eligible = p.protocol.is_some()
            && !by_name
            && (v6.contains(p.to.as_str()) && !fns.contains(&p.to.as_str())
                || p.to == "internet" && v6.contains(p.from.as_str()));
        if eligible && d.pct(IPV6_SHARE) {
            p.ipv6 = true;
        }
        out.push(p);
    }
    out
}

fn api(from: &str, to: &str) -> ProbeSpec {
    ProbeSpec {
        from: from.to_string(),
        to: to.to_string(),
        port: None,
        protocol: None,
        ipv6: false,
    }
}

/// A flow to a listening endpoint: mostly on a port it listens on.
fn flow(d: &mut Dice, from: &str, to: &Listening) -> ProbeSpec {
    const COMMON: [(Protocol, u16); 9] = [
        (Protocol::Tcp, 22),
        (Protocol::Tcp, 80),
        (Protocol::Tcp, 443),
        (Protocol::Tcp, 3306),
        (Protocol::Tcp, 5432),
        (Protocol::Tcp, 6379),
        (Protocol::Tcp, 8080),
        (Protocol::Udp, 53),
        (Protocol::Icmp, 0),
    ];
    let (protocol, port) = if !to.listen.is_empty() && d.pct(70) {
        let l = d.pick(&to.listen);
        let lo = l.ports.lo as usize;
        let hi = l.ports.hi as usize;
        (l.protocol, d.range(lo, hi) as u16)
    } else {
        *d.pick(&COMMON)
    };
    // `All` listeners take any protocol; probe them over TCP.
    let protocol = if protocol == Protocol::All {
        Protocol::Tcp
    } else {
        protocol
    };
    ProbeSpec {
        from: from.to_string(),
        to: to.id.to_string(),
        port: protocol.has_ports().then_some(port),
        protocol: Some(protocol),
        ipv6: false,
    }
}

fn from_caller(
    d: &mut Dice,
    from: &str,
    fns: &[&str],
    res: &[Listening],
    hosts: &[Listening],
    services: &[&str],
) -> ProbeSpec {
    // Destinations: function, resource, service, external host, the internet.
    let w = [
        25 * !fns.is_empty() as u32,
        30 * res.iter().any(|r| r.id != from) as u32,
        25 * !services.is_empty() as u32,
        10 * !hosts.is_empty() as u32,
        10,
    ];
    match d.weighted(&w) {
        0 => api(from, d.pick::<&str>(fns)),
        1 => loop {
            let r = d.pick(res);
            if r.id != from {
                break flow(d, from, r);
            }
        },
        2 => api(from, d.pick::<&str>(services)),
        3 => {
            let h = d.pick(hosts);
            flow(d, from, h)
        }
        _ => {
            let port = *d.pick(&[443u16, 443, 80]);
            ProbeSpec {
                from: from.to_string(),
                to: "internet".to_string(),
                port: Some(port),
                protocol: Some(Protocol::Tcp),
                ipv6: false,
            }
        }
    }
}
