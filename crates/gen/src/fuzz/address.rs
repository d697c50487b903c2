//! The `address-is-eni` invariant: a probe whose source is a literal
//! address held by an ENI is that ENI (rule 23), so it traces exactly like
//! the probe from the ENI named by id — a resource by its id, one ENI of a
//! function as `fn@subnet` — with the same hops and the same verdict.

use std::net::IpAddr;

use awsreach_model::probe::{Node, eni_holding};
use awsreach_model::{EniId, Scenario};
use awsreach_sim::{CallKind, Engine, ProbeOptions};

use super::checker::{Checker, opts};
use super::{Invariant, show_probe};
use crate::ProbeSpec;

/// At most this many ENIs of one source are compared per probe.
const ENIS_PER_PROBE: usize = 4;

/// The ENIs a probe source sends from, each with the id that names it
/// alone: a resource's one ENI by the resource's id, each of a VPC
/// function's as `fn@subnet`.
fn named_enis(sc: &Scenario, n: Node) -> Vec<(EniId, String)> {
    match n {
        Node::Resource(r) => vec![(sc.resources[r.ix()].eni, sc.resources[r.ix()].name.clone())],
        Node::Function(f) => {
            let func = &sc.functions[f.ix()];
            func.vpc
                .iter()
                .flat_map(|v| &v.enis)
                .map(|&e| {
                    let subnet = &sc.subnets[sc.enis[e.ix()].subnet.ix()].name;
                    (e, format!("{}@{subnet}", func.name))
                })
                .collect()
        }
        Node::FunctionEni(f, e) => {
            let subnet = &sc.subnets[sc.enis[e.ix()].subnet.ix()].name;
            vec![(e, format!("{}@{subnet}", sc.functions[f.ix()].name))]
        }
        _ => Vec::new(),
    }
}

impl Checker<'_, '_> {
    /// For each ENI of `p`'s source: the probe from the ENI's address (its
    /// private IPv4 address, and its IPv6 address when it has one) against
    /// the probe from the ENI by id.
    pub(super) fn address_is_eni(&mut self, engine: &Engine, p: &ProbeSpec) {
        let sc = engine.scenario();
        let Ok(from) = engine.node(&p.from) else {
            return;
        };
        for (eni, id) in named_enis(sc, from).into_iter().take(ENIS_PER_PROBE) {
            let n = &sc.enis[eni.ix()];
            let addresses = std::iter::once(IpAddr::V4(n.private_ip))
                .chain(n.ipv6.map(IpAddr::V6))
                // A private address repeated in another VPC names the first
                // VPC's ENI (rule 23): compare only addresses that name this one.
                .filter(|a| eni_holding(sc, *a) == Some(eni))
                // An IPv4 address cannot send over IPv6: on an IPv6 probe
                // the literal's flow is NO_IPV6 by design (rule 24).
                .filter(|a| !p.ipv6 || a.is_ipv6());
            for addr in addresses {
                self.count(Invariant::AddressIsEni);
                // An IPv6 address as the source of a flow asks the flow over
                // IPv6 (rule 24): the ENI by id is asked the same.
                let by_id = engine.probe(&id, &p.to, &opts(p)).and_then(|q| {
                    if addr.is_ipv6() && q.kind() == CallKind::Flow {
                        let v6 = ProbeOptions {
                            ipv6: true,
                            ..opts(p)
                        };
                        engine.probe(&id, &p.to, &v6)
                    } else {
                        Ok(q)
                    }
                });
                let by_addr = engine.probe(&addr.to_string(), &p.to, &opts(p));
                let detail = match (by_id, by_addr) {
                    (Ok(a), Ok(b)) => {
                        let (x, y) = (engine.trace(&a), engine.trace(&b));
                        if x.verdict != y.verdict {
                            Some(format!(
                                "from {id}: {:?}; from {addr}: {:?}",
                                x.outcome(),
                                y.outcome()
                            ))
                        } else if x.hops != y.hops {
                            let first = x.hops.iter().zip(&y.hops).position(|(h, k)| h != k);
                            Some(format!(
                                "same verdict, other hops (from {id}: {} hops, from {addr}: {}; first difference at hop {})",
                                x.hops.len(),
                                y.hops.len(),
                                first.map_or("past the shorter".to_string(), |i| (i + 1)
                                    .to_string())
                            ))
                        } else {
                            None
                        }
                    }
                    (Err(e), Ok(_)) => Some(format!("{id} is refused ({e}), {addr} is not")),
                    (Ok(_), Err(e)) => Some(format!("{addr} is refused ({e}), {id} is not")),
                    (Err(_), Err(_)) => None,
                };
                if let Some(d) = detail {
                    // Reported on the probe by id, which replays the check.
                    let to = show_probe(&ProbeSpec {
                        from: addr.to_string(),
                        ..p.clone()
                    });
                    self.report(Invariant::AddressIsEni, Some(p), format!("{d} [{to}]"));
                }
            }
        }
    }
}
