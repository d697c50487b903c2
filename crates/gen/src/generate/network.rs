//! VPCs and subnets, NAT gateways and instances, peering and transit.

use std::collections::HashSet;

use awsreach_model::spec::*;

use crate::addr;

use super::{Builder, ChainHop, Groups, KINDS, Kind, Peer, SubnetPlan, VpcPlan};

impl Builder<'_> {
    // ----- VPCs and subnets -----------------------------------------------

    pub(super) fn vpcs_and_subnets(&mut self) {
        let nv = self.opts.vpcs.min(addr::BLOCKS);
        let ns = self.opts.subnets_per_vpc.max(1);
        for v in 0..nv {
            let id = format!("vpc{v}");
            let primary = addr::block16(v);
            let ipv6 = ns <= 256 && self.d.pct(self.k.ipv6);
            let dns_support = !self.d.pct(self.k.dns_support_off);
            let dns_hostnames = self.d.pct(self.k.dns_hostnames);
            let igw = self.d.pct(self.k.igw).then(|| format!("igw{v}"));
            let eigw = (ipv6 && self.d.pct(70)).then(|| format!("eigw{v}"));
            let has_nat = igw.is_some() && self.d.pct(self.k.nat);
            self.spec.vpcs.push(VpcSpec {
                id: id.clone(),
                cidr: addr::cidr(primary, 16),
                secondary_cidrs: Vec::new(),
                ipv6_cidr: ipv6.then(|| addr::vpc_v6(v)),
                dns_support,
                dns_hostnames,
            });
            if let Some(g) = &igw {
                self.spec.internet_gateways.push(InternetGatewaySpec {
                    id: g.clone(),
                    vpc: id.clone(),
                });
            }
            if let Some(g) = &eigw {
                self.spec
                    .egress_only_internet_gateways
                    .push(EgressOnlyIgwSpec {
                        id: g.clone(),
                        vpc: id.clone(),
                    });
            }
            let mut plan = VpcPlan {
                id: id.clone(),
                primary,
                ipv6,
                dns_ok: dns_support && dns_hostnames,
                igw,
                eigw,
                subnets: Vec::new(),
                by_kind: Default::default(),
                // A placeholder: `nat_gateways` fills these in.
                public_nats: if has_nat {
                    vec![String::new()]
                } else {
                    Vec::new()
                },
                private_nat: None,
                appliance: None,
                chain: Vec::new(),
                tables: Vec::new(),
                groups: Groups {
                    web: format!("sg{v}-web"),
                    app: format!("sg{v}-app"),
                    db: format!("sg{v}-db"),
                    func: format!("sg{v}-fn"),
                    vpce: format!("sg{v}-vpce"),
                    broker: format!("sg{v}-mq"),
                    fw: None,
                    extras: Vec::new(),
                },
                peers: Vec::new(),
                tgw_attached: false,
                broker: false,
                broker_secrets: false,
            };
            for s in 0..ns {
                let kind = if s == 0 && plan.igw.is_some() {
                    Kind::Public
                } else if s == 1 {
                    if has_nat {
                        Kind::PrivateNat
                    } else {
                        Kind::Private
                    }
                } else {
                    let mut w = self.k.subnet_kinds;
                    if plan.igw.is_none() {
                        w[Kind::Public as usize] = 0;
                    }
                    if !has_nat {
                        w[Kind::PrivateNat as usize] = 0;
                    }
                    KINDS[self.d.weighted(&w)]
                };
                let g = self.add_subnet(v, &id, s, kind, ipv6, format!("sn{v}-{s}"));
                plan.subnets.push(g);
                plan.by_kind[kind as usize].push(g);
            }
            self.vpcs.push(plan);
        }
    }

    /// A subnet of VPC `v` (id `vpc`), the `local`-th of it, in zone a, b
    /// or c by that index; `address_plan` writes its CIDR once its size is
    /// known. Returns its global index.
    fn add_subnet(
        &mut self,
        v: usize,
        vpc: &str,
        local: usize,
        kind: Kind,
        ipv6: bool,
        id: String,
    ) -> usize {
        let g = self.subnets.len();
        self.subnets.push(SubnetPlan {
            vpc: v,
            local,
            kind,
            ipv6,
            enis: 0,
            resources: 0,
            explicit: 0,
            custom_nacl: false,
            base: 0,
            size: 0,
        });
        self.spec.subnets.push(SubnetSpec {
            id,
            vpc: vpc.to_string(),
            cidr: String::new(),
            ipv6_cidr: ipv6.then(|| addr::subnet_v6(v, local)),
            az: Some(["a", "b", "c"][local % 3].to_string()),
            route_table: None,
            network_acl: None,
        });
        g
    }

    pub(super) fn subnet_id(&self, g: usize) -> String {
        self.spec.subnets[g].id.clone()
    }

    // ----- NAT gateways and NAT instances ---------------------------------

    pub(super) fn nat_gateways(&mut self) {
        for v in 0..self.vpcs.len() {
            let plan = &self.vpcs[v];
            let public = plan.kind(Kind::Public).to_vec();
            let inner: Vec<usize> = [Kind::Private, Kind::Isolated]
                .iter()
                .flat_map(|k| plan.kind(*k).iter().copied())
                .collect();
            let mut nats = Vec::new();
            if !plan.public_nats.is_empty() && !public.is_empty() {
                let n = if self.d.pct(self.k.two_nats) { 2 } else { 1 };
                for i in 0..n {
                    // The classic mistake: the NAT gateway in a subnet without an IGW route.
                    let misplaced = !inner.is_empty() && self.d.pct(self.k.nat_misplaced);
                    let subnet = if misplaced {
                        *self.d.pick(&inner)
                    } else {
                        public[i % public.len()]
                    };
                    let id = format!("nat{v}-{i}");
                    self.subnets[subnet].enis += 1;
                    self.spec.nat_gateways.push(NatGatewaySpec {
                        id: id.clone(),
                        subnet: self.subnet_id(subnet),
                        connectivity: NatConnectivity::Public,
                        elastic_ip: Some(addr::elastic_ip(self.elastic_ips)),
                    });
                    self.elastic_ips += 1;
                    nats.push(id);
                }
            }
            if !inner.is_empty() && self.d.pct(self.k.private_nat) {
                let subnet = *self.d.pick(&inner);
                let id = format!("nat{v}-p");
                self.subnets[subnet].enis += 1;
                self.spec.nat_gateways.push(NatGatewaySpec {
                    id: id.clone(),
                    subnet: self.subnet_id(subnet),
                    connectivity: NatConnectivity::Private,
                    elastic_ip: None,
                });
                self.vpcs[v].private_nat = Some(id);
            }
            // A NAT instance where there is no NAT gateway: a forwarding
            // resource that private tables route through.
            if nats.is_empty() && !public.is_empty() && self.d.pct(self.k.appliance) {
                let subnet = *self.d.pick(&public);
                let id = format!("fw{v}");
                self.subnets[subnet].enis += 1;
                self.forwarding_appliance(v, &id, subnet, true);
                self.vpcs[v].appliance = Some(id);
            }
            self.vpcs[v].public_nats = nats;
            // Benchmark topologies (a table per subnet) stay as they were,
            // so that bench figures compare across versions.
            if !self.lim.table_per_subnet && !public.is_empty() && self.d.pct(self.k.chain) {
                self.appliance_chain(v);
            }
        }
    }

    /// A chain of forwarding appliances, each in a subnet of its own whose
    /// table sends 0.0.0.0/0 to the next (an inspection pipeline); the last
    /// hands the packet to the VPC's way out: its NAT gateway, its NAT
    /// instance, or the internet gateway (then with a public IP). Sometimes
    /// the last route points back into the chain: a routing loop. Private
    /// tables send their default route to the first appliance.
    fn appliance_chain(&mut self, v: usize) {
        let len = self.d.range(2, 7);
        let base = self.vpcs[v].subnets.len();
        let vpc = self.vpcs[v].id.clone();
        let mut subnets = Vec::with_capacity(len);
        for i in 0..len {
            let g = self.add_subnet(
                v,
                &vpc,
                base + i,
                Kind::Private,
                false,
                format!("sn{v}-h{i}"),
            );
            // Its appliance.
            self.subnets[g].enis = 1;
            self.vpcs[v].subnets.push(g);
            subnets.push(g);
        }
        let plan = &self.vpcs[v];
        let exit = if let Some(n) = plan.public_nats.first() {
            Some(RouteTarget::Nat(n.clone()))
        } else if let Some(a) = &plan.appliance {
            Some(RouteTarget::Eni(a.clone()))
        } else {
            plan.igw.clone().map(RouteTarget::Igw)
        };
        let public_exit = matches!(exit, Some(RouteTarget::Igw(_)));
        let looped = self.d.pct(self.k.chain_loop);
        let id = |i: usize| format!("fw{v}-{i}");
        let mut chain = Vec::with_capacity(len);
        for (i, &subnet) in subnets.iter().enumerate() {
            let last = i + 1 == len;
            let next = if !last {
                Some(RouteTarget::Eni(id(i + 1)))
            } else if looped {
                Some(RouteTarget::Eni(id(self.d.below(len - 1))))
            } else {
                exit.clone()
            };
            self.forwarding_appliance(v, &id(i), subnet, last && public_exit && !looped);
            chain.push(ChainHop {
                subnet,
                appliance: id(i),
                next,
            });
        }
        self.vpcs[v].chain = chain;
    }

    /// A forwarding EC2 instance (source/destination check off) in subnet
    /// `g`, in the VPC's appliance group, with a public IP when `public`.
    fn forwarding_appliance(&mut self, v: usize, id: &str, g: usize, public: bool) {
        let sg = format!("sg{v}-fw");
        let public_ip = public.then(|| {
            self.public_ips += 1;
            addr::public_ip(self.public_ips - 1)
        });
        self.spec.resources.push(ResourceSpec {
            name: None,
            id: id.to_string(),
            kind: ResourceKind::Ec2,
            subnet: self.subnet_id(g),
            private_ip: None,
            public_ip,
            ipv6_ip: None,
            security_groups: vec![sg.clone()],
            listen: Vec::new(),
            forwarding: true,
        });
        self.vpcs[v].groups.fw = Some(sg);
    }

    // ----- peering and transit --------------------------------------------

    pub(super) fn peerings(&mut self) {
        let nv = self.vpcs.len();
        if nv < 2 {
            return;
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut seen = HashSet::new();
        for v in 0..nv - 1 {
            if self.d.pct(self.k.peering) && seen.insert((v, v + 1)) {
                pairs.push((v, v + 1));
            }
        }
        if nv > 2 {
            for v in 0..nv {
                if self.d.pct(self.k.peering / 3) {
                    let w = self.d.below(nv);
                    let p = (v.min(w), v.max(w));
                    if v != w && seen.insert(p) {
                        pairs.push(p);
                    }
                }
            }
        }
        for (a, b) in pairs {
            let (req, acc) = if self.d.pct(50) { (a, b) } else { (b, a) };
            let pcx = format!("pcx{req}-{acc}");
            self.spec.peering_connections.push(PeeringSpec {
                id: pcx.clone(),
                requester: self.vpcs[req].id.clone(),
                accepter: self.vpcs[acc].id.clone(),
            });
            // Routes on both sides, unless this is the one-sided mistake.
            let one_sided = self.d.pct(self.k.peering_one_sided);
            let silent = if one_sided { self.d.below(2) } else { 2 };
            for (i, (x, y)) in [(req, acc), (acc, req)].into_iter().enumerate() {
                self.vpcs[x].peers.push(Peer {
                    vpc: y,
                    pcx: pcx.clone(),
                    routed: i != silent,
                });
            }
        }
    }

    pub(super) fn transit_gateway(&mut self) {
        let nv = self.vpcs.len();
        if nv < 2 || !self.d.pct(self.k.tgw) {
            return;
        }
        let mut attached: Vec<usize> = (0..nv).filter(|_| self.d.pct(70)).collect();
        for v in 0..nv {
            if attached.len() >= 2 {
                break;
            }
            if !attached.contains(&v) {
                attached.push(v);
            }
        }
        attached.sort_unstable();
        let id = "tgw0".to_string();
        let mut attachments = Vec::new();
        for &v in &attached {
            // One attachment subnet per Availability Zone (rule 19), or,
            // sometimes, one zone only.
            let mut inner = self.vpcs[v].inner_subnets();
            self.d.shuffle(&mut inner);
            let mut subnets: Vec<String> = Vec::new();
            let mut zones: Vec<Option<String>> = Vec::new();
            for s in inner {
                let az = self.spec.subnets[s].az.clone();
                if !zones.contains(&az) {
                    zones.push(az);
                    subnets.push(self.subnet_id(s));
                }
            }
            if self.d.pct(self.k.tgw_one_az) {
                subnets.truncate(1);
            }
            attachments.push(TgwAttachmentSpec {
                vpc: self.vpcs[v].id.clone(),
                subnets,
                appliance_mode: self.d.pct(30),
                ..Default::default()
            });
            self.vpcs[v].tgw_attached = true;
        }
        let sg_referencing = self.d.pct(50);
        if self.d.pct(self.k.tgw_tables) {
            // Several tables: each attachment associated with one (or, rarely,
            // none) and propagating to some; static routes and blackholes.
            let names = ["tgw-rt-a", "tgw-rt-b", "tgw-rt-c"];
            let n = self.d.range(2, 3);
            let mut route_tables: Vec<TgwRouteTableSpec> = names[..n]
                .iter()
                .map(|t| TgwRouteTableSpec {
                    id: t.to_string(),
                    routes: Vec::new(),
                })
                .collect();
            for a in &mut attachments {
                if !self.d.pct(5) {
                    a.route_table = Some(names[self.d.below(n)].to_string());
                }
                a.propagate = Some(
                    names[..n]
                        .iter()
                        .filter(|_| self.d.pct(60))
                        .map(|t| t.to_string())
                        .collect(),
                );
            }
            for t in &mut route_tables {
                for &v in &attached {
                    if self.d.pct(20) {
                        t.routes.push(TgwRouteSpec {
                            dest: addr::cidr(self.vpcs[v].primary, 16),
                            vpc: self.d.pct(80).then(|| self.vpcs[v].id.clone()),
                        });
                    }
                }
                if self.d.pct(30) {
                    let v = *self.d.pick(&attached);
                    t.routes.push(TgwRouteSpec {
                        dest: "0.0.0.0/0".into(),
                        vpc: Some(self.vpcs[v].id.clone()),
                    });
                }
            }
            self.spec.transit_gateways.push(TransitGatewaySpec {
                id: id.clone(),
                attachments,
                route_tables,
                sg_referencing,
                ..Default::default()
            });
            self.tgw = Some(id);
            return;
        }
        // Half the time the default table with propagation; else static
        // routes, sometimes one short, and a blackhole for on-premises space.
        let mut routes = Vec::new();
        if self.d.pct(50) {
            for &v in &attached {
                if !self.d.pct(self.k.peering_route_missing) {
                    routes.push(TgwRouteSpec {
                        dest: addr::cidr(self.vpcs[v].primary, 16),
                        vpc: Some(self.vpcs[v].id.clone()),
                    });
                }
            }
            routes.push(TgwRouteSpec {
                dest: "192.168.0.0/16".into(),
                vpc: None,
            });
        }
        self.spec.transit_gateways.push(TransitGatewaySpec {
            id: id.clone(),
            attachments,
            routes,
            sg_referencing,
            ..Default::default()
        });
        self.tgw = Some(id);
    }
}
