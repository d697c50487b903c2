//! Route tables and VPC endpoints (gateway and interface).

use awsreach_model::catalog;
use awsreach_model::spec::*;

use crate::addr;

use super::{Builder, Kind, Table};

impl Builder<'_> {
    // ----- route tables ---------------------------------------------------

    pub(super) fn route_tables(&mut self, v: usize) {
        let k = self.k;
        let plan = &self.vpcs[v];
        let vid = plan.id.clone();
        let igw = plan.igw.clone();
        let eigw = plan.eigw.clone();
        let nats = plan.public_nats.clone();
        let private_nat = plan.private_nat.clone();
        let appliance = plan.appliance.clone();
        let chain_head = plan.chain.first().map(|h| h.appliance.clone());
        // The chain's subnets have tables of their own, made below.
        let subnets: Vec<usize> = plan
            .subnets
            .iter()
            .copied()
            .filter(|s| !plan.chain.iter().any(|h| h.subnet == *s))
            .collect();
        let table_id = |suffix: &str| format!("rt{v}-{suffix}");

        // What each role's table sends where, before the shared extras.
        let main_declared = self.d.pct(k.main_declared);
        let mut main = Table::new();
        if let Some(g) = &igw
            && self.d.pct(k.main_public)
        {
            main.add("0.0.0.0/0".into(), RouteTarget::Igw(g.clone()));
        }
        let public = |t: &mut Table| {
            if let Some(g) = &igw {
                t.add("0.0.0.0/0".into(), RouteTarget::Igw(g.clone()));
                if plan.ipv6 {
                    t.add("::/0".into(), RouteTarget::Igw(g.clone()));
                }
            }
        };
        let eigw_route = |t: &mut Table| {
            if let Some(g) = &eigw {
                t.add("::/0".into(), RouteTarget::EgressOnlyIgw(g.clone()));
            }
        };
        let private_default = if self.d.pct(k.private_default_blackhole) {
            Some(RouteTarget::Blackhole)
        } else if let Some(a) = chain_head.as_ref().or(appliance.as_ref()) {
            Some(RouteTarget::Eni(a.clone()))
        } else if let Some(n) = &private_nat
            && self.d.pct(50)
        {
            // A private NAT gateway cannot reach the internet; a trap.
            Some(RouteTarget::Nat(n.clone()))
        } else {
            None
        };
        let private_v6 = self.d.pct(50);
        let private = |t: &mut Table| {
            if let Some(target) = &private_default {
                t.add("0.0.0.0/0".into(), target.clone());
            }
            if private_v6 {
                eigw_route(t);
            }
        };
        let via_nat = |t: &mut Table, nat: &str| {
            t.add("0.0.0.0/0".into(), RouteTarget::Nat(nat.to_string()));
            eigw_route(t);
        };

        // (table id, routes, subnets associated explicitly)
        let mut tables: Vec<(String, Table, Vec<usize>, bool)> = Vec::new();
        if main_declared {
            tables.push((table_id("main"), main, Vec::new(), true));
        }
        if self.lim.table_per_subnet {
            for &s in &subnets {
                let sp = &self.subnets[s];
                let mut t = Table::new();
                match sp.kind {
                    Kind::Public => public(&mut t),
                    Kind::PrivateNat if !nats.is_empty() => {
                        via_nat(&mut t, &nats[sp.local % nats.len()])
                    }
                    Kind::PrivateNat | Kind::Private => private(&mut t),
                    Kind::Isolated => {}
                }
                tables.push((table_id(&sp.local.to_string()), t, vec![s], false));
            }
        } else {
            let of = |kind: Kind| -> Vec<usize> {
                subnets
                    .iter()
                    .copied()
                    .filter(|&s| self.subnets[s].kind == kind)
                    .collect()
            };
            let pubs = of(Kind::Public);
            if !pubs.is_empty() {
                let mut t = Table::new();
                public(&mut t);
                tables.push((table_id("pub"), t, pubs, false));
            }
            let mut privs = of(Kind::Private);
            let nat_subnets = of(Kind::PrivateNat);
            if nats.is_empty() {
                privs.extend(nat_subnets);
            } else {
                for (i, nat) in nats.iter().enumerate() {
                    let mut t = Table::new();
                    via_nat(&mut t, nat);
                    let mine: Vec<usize> = nat_subnets
                        .iter()
                        .copied()
                        .filter(|&s| self.subnets[s].local % nats.len() == i)
                        .collect();
                    tables.push((table_id(&format!("nat{i}")), t, mine, false));
                }
            }
            if !privs.is_empty() {
                let mut t = Table::new();
                private(&mut t);
                tables.push((table_id("priv"), t, privs, false));
            }
            // Isolated subnets use the main table, sometimes by explicit association.
            if main_declared && self.d.pct(50) {
                tables[0].2 = of(Kind::Isolated);
            }
        }

        for (i, hop) in self.vpcs[v].chain.iter().enumerate() {
            let mut t = Table::new();
            if let Some(target) = &hop.next {
                t.add("0.0.0.0/0".into(), target.clone());
            }
            tables.push((table_id(&format!("h{i}")), t, vec![hop.subnet], false));
        }

        // Shared extras: peering, transit, overlapping and blackhole routes, padding.
        let peers: Vec<(String, String)> = self.vpcs[v]
            .peers
            .iter()
            .filter(|p| p.routed)
            .map(|p| (addr::cidr(self.vpcs[p.vpc].primary, 16), p.pcx.clone()))
            .collect();
        let tgw_here = self.vpcs[v].tgw_attached;
        let mut padding_targets = vec![RouteTarget::Blackhole];
        if let Some(t) = &self.tgw
            && tgw_here
        {
            padding_targets.push(RouteTarget::TransitGateway(t.clone()));
        }
        padding_targets.extend(peers.iter().map(|(_, p)| RouteTarget::Peering(p.clone())));
        padding_targets.extend(nats.iter().map(|n| RouteTarget::Nat(n.clone())));
        padding_targets.extend(appliance.iter().map(|a| RouteTarget::Eni(a.clone())));
        padding_targets.extend(igw.iter().map(|g| RouteTarget::Igw(g.clone())));

        for (_, t, _, _) in &mut tables {
            for (dest, pcx) in &peers {
                if !self.d.pct(k.peering_route_missing) {
                    t.add(dest.clone(), RouteTarget::Peering(pcx.clone()));
                }
            }
            if let Some(tgw) = &self.tgw {
                let route = if tgw_here {
                    self.d.pct(80)
                } else {
                    self.d.pct(k.tgw_unattached_route)
                };
                if route {
                    // Wider than the peering routes above: longest prefix decides.
                    t.add(
                        "10.0.0.0/8".into(),
                        RouteTarget::TransitGateway(tgw.clone()),
                    );
                    if self.d.pct(30) {
                        t.add(
                            "172.16.0.0/12".into(),
                            RouteTarget::TransitGateway(tgw.clone()),
                        );
                    }
                }
            }
            if self.d.pct(k.overlap) {
                if let Some((dest, pcx)) = peers.first() {
                    // A peer's block through the peering, all of 10/8 elsewhere.
                    t.add(dest.clone(), RouteTarget::Peering(pcx.clone()));
                    t.add("10.0.0.0/8".into(), RouteTarget::Blackhole);
                } else if let Some(n) = nats.first() {
                    t.add("192.168.0.0/16".into(), RouteTarget::Nat(n.clone()));
                    t.add("192.168.10.0/24".into(), RouteTarget::Blackhole);
                }
            }
            if self.d.pct(k.blackhole) {
                match self.d.below(3) {
                    0 if !peers.is_empty() => {
                        // A more specific hole inside a peer's block.
                        let (dest, _) = self.d.pick(&peers);
                        let half = dest.replacen(".0.0/16", ".128.0/17", 1);
                        t.add(half, RouteTarget::Blackhole);
                    }
                    1 => {
                        t.add("0.0.0.0/0".into(), RouteTarget::Blackhole);
                    }
                    _ => {
                        t.add("192.168.0.0/16".into(), RouteTarget::Blackhole);
                    }
                }
            }
            // Room for the two prefix-list routes gateway endpoints may add.
            let want = self.lim.routes_per_table.saturating_sub(2);
            let mut tries = 0;
            while t.routes.len() < want && tries < want * 4 {
                tries += 1;
                let r = self.d.u32();
                let target = self.d.pick(&padding_targets).clone();
                t.add(addr::padding_dest(r), target);
            }
        }

        for (id, t, assoc, is_main) in tables {
            for s in assoc {
                self.spec.subnets[s].route_table = Some(id.clone());
            }
            self.vpcs[v].tables.push(id.clone());
            self.spec.route_tables.push(RouteTableSpec {
                id,
                vpc: vid.clone(),
                main: is_main,
                routes: t.routes,
            });
        }
    }

    // ----- endpoints ------------------------------------------------------

    pub(super) fn endpoint_policy(&mut self, service: &str) -> Option<EndpointPolicySpec> {
        if !self.d.pct(self.k.endpoint_policy) {
            return None;
        }
        let action = catalog::lookup(service)
            .map(|e| e.default_action.clone())
            .unwrap_or_else(|| format!("{service}:*"));
        let prefix = action.split(':').next().unwrap_or(service).to_string();
        Some(match self.d.below(3) {
            0 => EndpointPolicySpec {
                allow: Some(vec![format!("{prefix}:*")]),
                deny: Vec::new(),
            },
            // Denies exactly what a default probe does.
            1 => EndpointPolicySpec {
                allow: None,
                deny: vec![action],
            },
            _ => EndpointPolicySpec {
                allow: Some(vec![format!("{prefix}:Get*"), format!("{prefix}:List*")]),
                deny: Vec::new(),
            },
        })
    }

    pub(super) fn gateway_endpoints(&mut self, v: usize) {
        for service in ["s3", "dynamodb"] {
            let supported = catalog::lookup(service).is_some_and(|e| e.gateway_endpoint);
            if !supported || !self.allowed(service) || !self.d.pct(self.k.gw_endpoint) {
                continue;
            }
            // Associated with some tables only: a subnet whose table lacks it
            // does not use it (rule 12).
            let tables: Vec<String> = self.vpcs[v]
                .tables
                .clone()
                .into_iter()
                .filter(|_| self.d.pct(self.k.gw_endpoint_table))
                .collect();
            let policy = self.endpoint_policy(service);
            self.spec.vpc_endpoints.push(VpcEndpointSpec {
                id: format!("vpce{v}-{service}-gw"),
                vpc: self.vpcs[v].id.clone(),
                service: service.to_string(),
                kind: EndpointKind::Gateway,
                route_tables: tables,
                subnets: Vec::new(),
                security_groups: Vec::new(),
                private_dns: true,
                policy,
            });
        }
    }

    pub(super) fn interface_endpoints(&mut self, v: usize) {
        let cands: Vec<&'static str> = self
            .wanted
            .iter()
            .copied()
            .filter(|s| self.has_interface(s))
            .collect();
        let (lo, hi) = self.k.iface_endpoints;
        let n = self.d.range(lo, hi);
        let mut chosen = self.d.some_of(&cands, n);
        // Pollers in this VPC need Lambda and STS (and Secrets Manager) endpoints, or NAT (rule 5).
        if self.vpcs[v].broker && self.d.pct(60) {
            let mut need = vec!["lambda", "sts"];
            if self.vpcs[v].broker_secrets {
                need.push("secretsmanager");
            }
            for s in need {
                if self.allowed(s) && self.has_interface(s) && !chosen.contains(&s) {
                    chosen.push(s);
                }
            }
        }
        let plan = &self.vpcs[v];
        let inner = plan.inner_subnets();
        let (vid, dns_ok, vpce_sg) = (plan.id.clone(), plan.dns_ok, plan.groups.vpce.clone());
        for service in chosen {
            let count = self.d.range(1, 2);
            let subnets = self.d.some_of(&inner, count);
            for &s in &subnets {
                self.subnets[s].enis += 1;
            }
            let security_groups = if self.d.pct(self.k.endpoint_default_sg) {
                Vec::new()
            } else {
                vec![vpce_sg.clone()]
            };
            // Private DNS needs both VPC DNS attributes; without them it must be off.
            let private_dns = dns_ok && !self.d.pct(self.k.private_dns_off);
            let policy = self.endpoint_policy(service);
            self.spec.vpc_endpoints.push(VpcEndpointSpec {
                id: format!("vpce{v}-{service}"),
                vpc: vid.clone(),
                service: service.to_string(),
                kind: EndpointKind::Interface,
                route_tables: Vec::new(),
                subnets: subnets.iter().map(|&s| self.subnet_id(s)).collect(),
                security_groups,
                private_dns,
                policy,
            });
        }
    }
}
