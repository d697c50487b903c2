//! Validation of packet filters: security group rules and network ACL rules.

use std::collections::HashSet;

use crate::error::Problem;
use crate::net::PortRange;
use crate::scenario::*;
use crate::spec::*;

use super::{Validator, path};

impl Validator<'_> {
    pub(super) fn sg_rules(
        &mut self,
        rules: &[SgRuleSpec],
        field: &str,
        id: &str,
        vpc: VpcId,
    ) -> Vec<SgRule> {
        let sg_map = self.sg.clone();
        let mut out = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let at = path("security_groups", id, &format!("{field}[{i}]"));
            let found = r.cidr.is_some() as usize
                + r.sg.is_some() as usize
                + r.prefix_list.is_some() as usize;
            if found != 1 {
                self.err(at, id, Problem::RulePeer { found });
                continue;
            }
            let ports = if r.protocol.has_ports() {
                self.parse_ports(r.ports.as_deref(), at.clone(), id)
            } else {
                PortRange::ALL
            };
            let peer = if let Some(c) = &r.cidr {
                match self.parse_net(c, at.clone(), id) {
                    Some(n) => SgPeer::Cidr(n),
                    None => continue,
                }
            } else if let Some(g) = &r.sg {
                let Some(g2) = self.resolve(&sg_map, EntityKind::SecurityGroup, g, at.clone(), id)
                else {
                    continue;
                };
                let gv = self.out.security_groups[g2.ix()].vpc;
                // Rules may reference groups in a peered VPC (Amazon VPC
                // peering guide), or across a transit gateway that enables it.
                let peered = self.out.peerings.iter().any(|p| p.other(vpc) == Some(gv));
                if gv != vpc && !peered && !self.tgw_sg_referencing(vpc, gv) {
                    self.same_vpc("security group", g, gv, vpc, at, id);
                    continue;
                }
                SgPeer::Sg(g2)
            } else {
                let svc = r.prefix_list.as_deref().unwrap_or_default();
                match self.resolve_service(svc, at.clone(), id) {
                    Some(s) => SgPeer::PrefixList(s),
                    None => continue,
                }
            };
            out.push(SgRule {
                protocol: r.protocol,
                ports,
                peer,
            });
        }
        out
    }

    pub(super) fn security_group_rules(&mut self) {
        let spec = self.spec;
        for g in &spec.security_groups {
            let Some(&id) = self.sg.get(g.id.as_str()) else {
                continue;
            };
            let vpc = self.out.security_groups[id.ix()].vpc;
            let ingress = self.sg_rules(&g.ingress, "ingress", &g.id, vpc);
            // No egress list: AWS's default "allow all outbound" rule (rule 16, docs/aws-rules.md).
            let egress = match &g.egress {
                None => vec![SgRule {
                    protocol: Protocol::All,
                    ports: PortRange::ALL,
                    peer: SgPeer::Cidr("0.0.0.0/0".parse().unwrap()),
                }],
                Some(list) => self.sg_rules(list, "egress", &g.id, vpc),
            };
            let sg = &mut self.out.security_groups[id.ix()];
            sg.ingress = ingress;
            sg.egress = egress;
        }
    }

    pub(super) fn nacl_rules(&mut self) {
        let spec = self.spec;
        for n in &spec.network_acls {
            let Some(&id) = self.nacl.get(n.id.as_str()) else {
                continue;
            };
            for (dir, rules) in [("ingress", &n.ingress), ("egress", &n.egress)] {
                let mut out: Vec<NaclRule> = Vec::new();
                let mut numbers = HashSet::new();
                for r in rules {
                    let at = path("network_acls", &n.id, &format!("{dir}[rule {}]", r.rule));
                    if !(1..=32766).contains(&r.rule) {
                        self.err(
                            at.clone(),
                            &n.id,
                            Problem::NaclRuleNumber { number: r.rule },
                        );
                    }
                    if !numbers.insert(r.rule) {
                        self.err(
                            at.clone(),
                            &n.id,
                            Problem::DuplicateNaclRule {
                                number: r.rule,
                                direction: dir,
                            },
                        );
                        continue;
                    }
                    let ports = if r.protocol.has_ports() {
                        self.parse_ports(r.ports.as_deref(), at.clone(), &n.id)
                    } else {
                        PortRange::ALL
                    };
                    let Some(cidr) = self.parse_net(&r.cidr, at, &n.id) else {
                        continue;
                    };
                    out.push(NaclRule {
                        number: r.rule,
                        action: r.action,
                        protocol: r.protocol,
                        ports,
                        cidr,
                    });
                }
                // Ascending rule number, first match wins (rule 17, docs/aws-rules.md).
                out.sort_by_key(|r| r.number);
                let acl = &mut self.out.network_acls[id.ix()];
                if dir == "ingress" {
                    acl.ingress = out;
                } else {
                    acl.egress = out;
                }
            }
        }
    }
}
