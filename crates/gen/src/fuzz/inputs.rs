//! What a case is checked on besides generated probes: a scenario file's
//! own probes, stressed route tables, and probes between raw addresses.

use awsreach_model::ScenarioSpec;

use crate::{ProbeSpec, probes};

use super::{Pick, mix};

/// The probes a scenario file is replayed with: its `expect` entries, then
/// `n` generated ones.
pub fn replay_probes(spec: &ScenarioSpec, seed: u64, n: usize) -> Vec<ProbeSpec> {
    let mut out: Vec<ProbeSpec> = spec
        .expect
        .iter()
        .map(|e| ProbeSpec {
            from: e.from.clone(),
            to: e.to.clone(),
            port: e.port,
            protocol: e.protocol,
            ipv6: e.ip_version == Some(6),
        })
        .collect();
    // Small scenarios repeat generated probes: ask each question once.
    for p in probes(spec, seed, n) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Adds random routes (every prefix length, random networks, to a
/// blackhole or to the VPC's gateways and peerings) to every declared table,
/// and external hosts at random addresses: route lookups then meet prefixes
/// of every length and addresses on octet boundaries. The probes of the
/// scenario reach these hosts through [`probes`]' external-host flows.
pub fn stress_routes(spec: &mut ScenarioSpec, seed: u64) {
    use awsreach_model::spec::{ExternalHostSpec, RouteSpec, RouteTarget};
    let mut pick = Pick(mix(seed, 0x1b3));
    const LENS: [u8; 16] = [1, 2, 4, 7, 8, 9, 12, 15, 16, 17, 20, 23, 24, 25, 31, 32];
    let random_addr = |pick: &mut Pick| -> u32 {
        let hi = pick.below(1 << 16) as u32;
        let lo = pick.below(1 << 16) as u32;
        let a = (hi << 16) | lo;
        // Now and then right on an octet boundary.
        match pick.below(4) {
            0 => a & 0xffff_ff00,
            1 => a | 0x0000_00ff,
            _ => a,
        }
    };
    let mut hosts = Vec::new();
    for k in 0..4 {
        let a = random_addr(&mut pick);
        hosts.push(a);
        spec.external_hosts.push(ExternalHostSpec {
            id: format!("stress-host-{k}"),
            ip: Some(std::net::Ipv4Addr::from(a).to_string()),
            hostname: None,
            listen: vec!["tcp/443".into()],
        });
    }
    // A host known by its hostname only (rule 26): the random routes to
    // public blocks below make its address decide, or not. No dice: the
    // rest of the stress stays what it was for every seed.
    spec.external_hosts.push(ExternalHostSpec {
        id: "stress-by-name".into(),
        ip: None,
        hostname: Some("stress.example.com".into()),
        listen: vec!["tcp/443".into()],
    });
    let tables: Vec<usize> = (0..spec.route_tables.len()).collect();
    for t in tables {
        let vpc = spec.route_tables[t].vpc.clone();
        let mut targets = vec![RouteTarget::Blackhole];
        targets.extend(
            spec.internet_gateways
                .iter()
                .filter(|g| g.vpc == vpc)
                .map(|g| RouteTarget::Igw(g.id.clone())),
        );
        targets.extend(
            spec.nat_gateways
                .iter()
                .filter(|n| {
                    spec.subnets
                        .iter()
                        .any(|s| s.id == n.subnet && s.vpc == vpc)
                })
                .map(|n| RouteTarget::Nat(n.id.clone())),
        );
        targets.extend(
            spec.peering_connections
                .iter()
                .filter(|p| p.requester == vpc || p.accepter == vpc)
                .map(|p| RouteTarget::Peering(p.id.clone())),
        );
        for _ in 0..pick.below(9) {
            let len = LENS[pick.below(LENS.len())];
            // Around one of the hosts most of the time, so that the routes matter.
            let base = if pick.below(3) == 0 {
                random_addr(&mut pick)
            } else {
                hosts[pick.below(hosts.len())]
            };
            let mask = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len))
            };
            let dest = format!("{}/{len}", std::net::Ipv4Addr::from(base & mask));
            let table = &mut spec.route_tables[t];
            if table.routes.iter().any(|r| r.dest == dest) {
                continue;
            }
            let target = targets[pick.below(targets.len())].clone();
            table.routes.push(RouteSpec { dest, target });
        }
    }
}

/// Probes to literal addresses, which the generator's probes never use:
/// the private address of any interface (a NAT gateway's and an
/// endpoint's included), public and Elastic IPs, IPv6 addresses, external
/// hosts by address, and addresses nothing holds inside and outside VPCs.
pub fn address_probes(sc: &awsreach_model::Scenario, seed: u64, n: usize) -> Vec<ProbeSpec> {
    let mut targets: Vec<String> = Vec::new();
    for e in &sc.enis {
        targets.push(e.private_ip.to_string());
        targets.extend(e.public_ip.map(|p| p.to_string()));
        targets.extend(e.ipv6.map(|p| p.to_string()));
    }
    targets.extend(
        sc.external_hosts
            .iter()
            .filter_map(|h| h.ip)
            .map(|ip| ip.to_string()),
    );
    for v in &sc.vpcs {
        for c in &v.cidrs {
            // Deep inside the block, where no interface usually sits.
            let a =
                u32::from(c.network()).wrapping_add(0x0000_f00d % c.hosts().count().max(1) as u32);
            targets.push(std::net::Ipv4Addr::from(a).to_string());
        }
    }
    targets.push("198.18.0.1".into());
    targets.push("2001:db8:ffff::1".into());
    let mut sources: Vec<String> = vec!["internet".into()];
    sources.extend(sc.functions.iter().map(|f| f.name.clone()));
    sources.extend(sc.resources.iter().map(|r| r.name.clone()));
    sources.extend(sc.external_hosts.iter().map(|h| h.name.clone()));
    const PORTS: [(awsreach_model::net::Protocol, Option<u16>); 5] = [
        (awsreach_model::net::Protocol::Tcp, Some(443)),
        (awsreach_model::net::Protocol::Tcp, Some(22)),
        (awsreach_model::net::Protocol::Tcp, Some(5432)),
        (awsreach_model::net::Protocol::Udp, Some(53)),
        (awsreach_model::net::Protocol::Icmp, None),
    ];
    let mut pick = Pick(mix(seed, 0xadd7));
    (0..n)
        .map(|_| {
            let (protocol, port) = PORTS[pick.below(PORTS.len())];
            ProbeSpec {
                from: sources[pick.below(sources.len())].clone(),
                to: targets[pick.below(targets.len())].clone(),
                port,
                protocol: Some(protocol),
                ipv6: false,
            }
        })
        // A host known by its hostname only is never asked over IPv6 (rule
        // 26: the probe means nothing); dropped after the dice, so the
        // other probes stay what they were.
        .filter(|p| {
            let by_name = sc
                .external_hosts
                .iter()
                .any(|h| h.name == p.from && h.ip.is_none());
            !(by_name && p.to.parse::<std::net::Ipv6Addr>().is_ok())
        })
        .collect()
}
