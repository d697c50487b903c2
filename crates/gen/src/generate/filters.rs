//! Security groups and network ACLs, with their padding rules.

use awsreach_model::spec::*;

use crate::addr;
use crate::dice::Dice;

use super::Builder;

impl Builder<'_> {
    // ----- security groups ------------------------------------------------

    pub(super) fn rule(protocol: Protocol, ports: Option<&str>) -> SgRuleSpec {
        SgRuleSpec {
            protocol,
            ports: ports.map(str::to_string),
            cidr: None,
            sg: None,
            prefix_list: None,
            description: None,
        }
    }

    pub(super) fn from_cidr(protocol: Protocol, ports: Option<&str>, cidr: &str) -> SgRuleSpec {
        SgRuleSpec {
            cidr: Some(cidr.to_string()),
            ..Self::rule(protocol, ports)
        }
    }

    pub(super) fn from_sg(protocol: Protocol, ports: Option<&str>, sg: &str) -> SgRuleSpec {
        SgRuleSpec {
            sg: Some(sg.to_string()),
            ..Self::rule(protocol, ports)
        }
    }

    pub(super) fn security_groups(&mut self, v: usize) {
        let k = self.k;
        let plan = &self.vpcs[v];
        let vpc = plan.id.clone();
        let vcidr = addr::cidr(plan.primary, 16);
        let g = plan.groups.clone();
        let ipv6 = plan.ipv6;
        let peer_apps: Vec<String> = plan
            .peers
            .iter()
            .map(|p| self.vpcs[p.vpc].groups.app.clone())
            .collect();
        let mut out: Vec<SecurityGroupSpec> = Vec::new();
        let group = |id: &str, ingress: Vec<SgRuleSpec>, egress: Option<Vec<SgRuleSpec>>| {
            SecurityGroupSpec {
                id: id.to_string(),
                vpc: vpc.clone(),
                default: false,
                ingress,
                egress,
            }
        };
        use Protocol::{All, Icmp, Tcp};

        if self.d.pct(k.default_sg_declared) {
            let id = format!("sg{v}-default");
            // AWS's default group admits its own members; sometimes someone emptied it.
            let ingress = if self.d.pct(80) {
                vec![Self::from_sg(All, None, &id)]
            } else {
                Vec::new()
            };
            out.push(SecurityGroupSpec {
                default: true,
                ..group(&id, ingress, None)
            });
        }

        let mut web = vec![
            Self::from_cidr(Tcp, Some("443"), "0.0.0.0/0"),
            Self::from_cidr(Tcp, Some("80"), "0.0.0.0/0"),
            Self::from_cidr(Tcp, Some("22"), "198.51.100.0/24"),
        ];
        if ipv6 {
            web.push(Self::from_cidr(Tcp, Some("443"), "::/0"));
        }
        out.push(group(&g.web, web, None));

        let mut app = vec![
            Self::from_sg(Tcp, Some("8080"), &g.web),
            Self::from_sg(Tcp, Some("8000-8080"), &g.func),
            Self::from_cidr(Icmp, None, &vcidr),
        ];
        for peer_app in &peer_apps {
            if self.d.pct(k.sg_cross_ref) {
                app.push(Self::from_sg(Tcp, Some("8080"), peer_app));
            }
        }
        out.push(group(&g.app, app, None));

        let db = vec![
            Self::from_sg(Tcp, Some("5432"), &g.app),
            Self::from_sg(Tcp, Some("3306"), &g.app),
            Self::from_sg(Tcp, Some("5432"), &g.func),
            Self::from_sg(Tcp, Some("6379"), &g.func),
        ];
        let db_egress = self.d.pct(30).then(Vec::new);
        out.push(group(&g.db, db, db_egress));

        // Function groups admit nothing; their egress is where mistakes hide.
        let fn_egress = if self.d.pct(k.fn_egress_none) {
            Some(Vec::new())
        } else if self.d.pct(k.fn_egress_restricted) {
            let mut e = vec![
                Self::from_sg(Tcp, Some("5432"), &g.db),
                Self::from_sg(Tcp, Some("6379"), &g.db),
                Self::from_sg(Tcp, Some("8080"), &g.app),
                SgRuleSpec {
                    prefix_list: Some("s3".into()),
                    ..Self::rule(Tcp, Some("443"))
                },
            ];
            // Without this one the function reaches no interface endpoint and no NAT.
            if self.d.pct(60) {
                e.push(Self::from_cidr(Tcp, Some("443"), "0.0.0.0/0"));
            }
            Some(e)
        } else {
            None
        };
        out.push(group(&g.func, Vec::new(), fn_egress));

        // Interface endpoints need 443 from their callers (aws-rules.md rule 13).
        let vpce = if self.d.pct(k.endpoint_sg_no_443) {
            if self.d.pct(50) {
                vec![Self::from_cidr(Tcp, Some("80"), &vcidr)]
            } else {
                Vec::new()
            }
        } else if self.d.pct(50) {
            vec![Self::from_cidr(Tcp, Some("443"), &vcidr)]
        } else {
            vec![
                Self::from_sg(Tcp, Some("443"), &g.func),
                Self::from_sg(Tcp, Some("443"), &g.broker),
                Self::from_sg(Tcp, Some("443"), &g.app),
            ]
        };
        out.push(group(&g.vpce, vpce, None));

        // Event-source clusters must admit their broker port from themselves (rule 5).
        let broker = if self.d.pct(k.broker_sg_no_self) {
            vec![Self::from_cidr(Tcp, Some("443"), &vcidr)]
        } else {
            vec![
                Self::from_sg(Tcp, Some("9092-9098"), &g.broker),
                Self::from_sg(Tcp, Some("5671"), &g.broker),
                Self::from_sg(Tcp, Some("61617"), &g.broker),
                Self::from_sg(Tcp, Some("27017"), &g.broker),
                Self::from_sg(Tcp, Some("443"), &g.broker),
            ]
        };
        out.push(group(&g.broker, broker, None));

        if let Some(fw) = &g.fw {
            out.push(group(fw, vec![Self::from_cidr(All, None, &vcidr)], None));
        }

        // Benchmark padding: more groups to choose from, each near the rule quota.
        let mut extras = Vec::new();
        if self.lim.rules_per_sg > 0 {
            for x in 0..(self.lim.sgs_per_eni - 1) * 2 {
                let id = format!("sg{v}-x{x}");
                out.push(group(&id, Vec::new(), None));
                extras.push(id);
            }
            let pool: Vec<String> = out.iter().map(|s| s.id.clone()).collect();
            for sg in &mut out {
                let lo = self.lim.rules_per_sg / 2;
                let n = self.d.range(lo, self.lim.rules_per_sg);
                while sg.ingress.len() < n {
                    sg.ingress.push(Self::padding_rule(&mut self.d, &pool));
                }
                if let Some(e) = &mut sg.egress
                    && !e.is_empty()
                {
                    let n = self.d.range(e.len(), self.lim.rules_per_sg / 4);
                    while e.len() < n {
                        e.push(Self::padding_rule(&mut self.d, &pool));
                    }
                }
            }
        }
        self.vpcs[v].groups.extras = extras;
        self.spec.security_groups.extend(out);
    }

    pub(super) fn padding_rule(d: &mut Dice, pool: &[String]) -> SgRuleSpec {
        const PORTS: [&str; 10] = [
            "22",
            "80",
            "443",
            "3306",
            "5432",
            "6379",
            "8080",
            "8443",
            "9000-9100",
            "1024-65535",
        ];
        let protocol = [Protocol::Tcp, Protocol::Udp, Protocol::Icmp, Protocol::All]
            [d.weighted(&[75, 15, 5, 5])];
        let ports = protocol.has_ports().then(|| d.pick(&PORTS).to_string());
        let mut r = Self::rule(protocol, None);
        r.ports = ports;
        match d.weighted(&[60, 30, 10]) {
            0 => {
                let len = [8u8, 16, 20, 24, 28, 32][d.below(6)];
                let base = (10 << 24) | (d.u32() & 0x00ff_ffff);
                let mask = if len == 32 {
                    u32::MAX
                } else {
                    !(u32::MAX >> len)
                };
                r.cidr = Some(addr::cidr(base & mask, len));
            }
            1 => r.sg = Some(d.pick(pool).clone()),
            _ => r.prefix_list = Some(d.pick(&["s3", "dynamodb"]).to_string()),
        }
        r
    }

    // ----- network ACLs ---------------------------------------------------

    pub(super) fn nacl_rule(
        rule: u32,
        action: RuleAction,
        protocol: Protocol,
        ports: Option<&str>,
        cidr: &str,
    ) -> NaclRuleSpec {
        NaclRuleSpec {
            rule,
            action,
            protocol,
            ports: ports.map(str::to_string),
            cidr: cidr.to_string(),
        }
    }

    pub(super) fn network_acls(&mut self, v: usize) {
        use Protocol::{All, Tcp, Udp};
        use RuleAction::{Allow, Deny};
        let k = self.k;
        let (vid, vcidr, ipv6) = {
            let p = &self.vpcs[v];
            (p.id.clone(), addr::cidr(p.primary, 16), p.ipv6)
        };
        for n in 0..2 {
            if !self.d.pct(k.custom_nacl) {
                continue;
            }
            let free: Vec<usize> = self.vpcs[v]
                .subnets
                .iter()
                .copied()
                .filter(|&s| !self.subnets[s].custom_nacl)
                .collect();
            if free.is_empty() {
                break;
            }
            let count = self.d.range(1, free.len().div_ceil(2));
            let chosen = self.d.some_of(&free, count);
            let id = format!("acl{v}-{n}");

            let mut ingress = Vec::new();
            let mut egress = Vec::new();
            if self.d.pct(k.nacl_deny) {
                ingress.push(Self::nacl_rule(50, Deny, Tcp, Some("22"), "0.0.0.0/0"));
            }
            if self.d.pct(k.nacl_deny) {
                // The range of one of the external hosts.
                ingress.push(Self::nacl_rule(60, Deny, All, None, "203.0.113.0/24"));
            }
            ingress.push(Self::nacl_rule(100, Allow, All, None, &vcidr));
            ingress.push(Self::nacl_rule(110, Allow, Tcp, Some("443"), "0.0.0.0/0"));
            ingress.push(Self::nacl_rule(120, Allow, Tcp, Some("80"), "0.0.0.0/0"));
            // Return traffic (stateless, rule 17): the full ephemeral range, a
            // narrow Linux-style one that drops NAT and Lambda returns, a deny
            // in front, or nothing.
            let ephemeral = if self.d.pct(k.nacl_no_ephemeral) {
                None
            } else if self.d.pct(k.nacl_narrow_ephemeral) {
                Some("32768-60999")
            } else {
                Some("1024-65535")
            };
            if let Some(p) = ephemeral {
                ingress.push(Self::nacl_rule(130, Allow, Tcp, Some(p), "0.0.0.0/0"));
                if self.d.pct(50) {
                    ingress.push(Self::nacl_rule(140, Allow, Udp, Some(p), "0.0.0.0/0"));
                }
            }
            if self.d.pct(k.nacl_deny / 2) {
                ingress.push(Self::nacl_rule(
                    125,
                    Deny,
                    Tcp,
                    Some("1024-65535"),
                    "0.0.0.0/0",
                ));
            }
            if ipv6 {
                ingress.push(Self::nacl_rule(111, Allow, Tcp, Some("443"), "::/0"));
                if let Some(p) = ephemeral {
                    ingress.push(Self::nacl_rule(131, Allow, Tcp, Some(p), "::/0"));
                }
            }
            // SSH out denied (the mirror of NACL entry 50 in): it judges packets a
            // transit gateway sends into the subnet too (rule 18). Not in
            // benchmark topologies, which stay as they were.
            if !self.lim.table_per_subnet && self.d.pct(k.nacl_deny / 2) {
                egress.push(Self::nacl_rule(50, Deny, Tcp, Some("22"), "0.0.0.0/0"));
            }
            if self.d.pct(50) {
                egress.push(Self::nacl_rule(100, Allow, All, None, "0.0.0.0/0"));
            } else {
                // Egress spelled out: the responses to inbound clients need ephemeral ports too.
                egress.push(Self::nacl_rule(100, Allow, All, None, &vcidr));
                egress.push(Self::nacl_rule(110, Allow, Tcp, Some("443"), "0.0.0.0/0"));
                egress.push(Self::nacl_rule(120, Allow, Tcp, Some("80"), "0.0.0.0/0"));
                let ret = if self.d.pct(k.nacl_narrow_ephemeral) {
                    "32768-60999"
                } else {
                    "1024-65535"
                };
                egress.push(Self::nacl_rule(130, Allow, Tcp, Some(ret), "0.0.0.0/0"));
            }
            if ipv6 {
                egress.push(Self::nacl_rule(101, Allow, All, None, "::/0"));
            }
            for list in [&mut ingress, &mut egress] {
                let mut number = 200;
                while list.len() < self.lim.nacl_rules {
                    list.push(Self::padding_nacl_rule(&mut self.d, number));
                    number += 1;
                }
            }

            // Both ways of associating: on the subnet, or on the NACL.
            let nacl_side = self.d.pct(50);
            for &s in &chosen {
                self.subnets[s].custom_nacl = true;
                if !nacl_side {
                    self.spec.subnets[s].network_acl = Some(id.clone());
                }
            }
            self.spec.network_acls.push(NetworkAclSpec {
                id: id.clone(),
                vpc: vid.clone(),
                default: false,
                subnets: if nacl_side {
                    chosen.iter().map(|&s| self.subnet_id(s)).collect()
                } else {
                    Vec::new()
                },
                ingress,
                egress,
            });
        }
    }

    pub(super) fn padding_nacl_rule(d: &mut Dice, number: u32) -> NaclRuleSpec {
        let action = if d.pct(30) {
            RuleAction::Deny
        } else {
            RuleAction::Allow
        };
        let protocol = [Protocol::Tcp, Protocol::Udp, Protocol::All][d.weighted(&[80, 15, 5])];
        let ports = protocol.has_ports().then(|| {
            let lo = d.range(1, 65000) as u16;
            let hi = lo.saturating_add(d.range(0, 500) as u16);
            format!("{lo}-{hi}")
        });
        let len = [8u8, 16, 24, 32][d.below(4)];
        let base = if d.pct(50) {
            (10 << 24) | (d.u32() & 0x00ff_ffff)
        } else {
            d.u32()
        };
        let mask = if len == 32 {
            u32::MAX
        } else {
            !(u32::MAX >> len)
        };
        NaclRuleSpec {
            rule: number,
            action,
            protocol,
            ports,
            cidr: addr::cidr(base & mask, len),
        }
    }
}
