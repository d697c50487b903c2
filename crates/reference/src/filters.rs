//! Packet filters: security groups, network ACLs, and the reply's
//! return path through the NACLs.

use awsreach_model::net::PortRange;
use awsreach_model::spec::RuleAction;
use awsreach_model::{SgId, SgPeer};

use crate::{Addr, Cx, EPHEMERAL, Peer, Step, has_ports};

impl<'s> Cx<'s> {
    /// Rule 17: the reply crosses the same NACLs in reverse, to the
    /// client's ephemeral ports; security groups are stateful (rule 16).
    pub(crate) fn replies(&mut self) -> Step {
        self.replying = true;
        let legs = std::mem::take(&mut self.legs);
        let ports = if has_ports(self.proto) {
            EPHEMERAL
        } else {
            PortRange { lo: 0, hi: 65535 }
        };
        for &(subnet, inbound, remote) in legs.iter().rev() {
            self.nacl(subnet, inbound, remote, ports)?;
        }
        self.replying = false;
        Ok(())
    }

    // ------------------------------------------------------------- filters

    /// Rule 16: does any rule of any group allow the packet? Group
    /// references match by membership of the other end's ENI.
    pub(crate) fn groups_allow(&self, groups: &[SgId], inbound: bool, other: Peer) -> bool {
        for g in groups {
            let sg = &self.sc.security_groups[g.ix()];
            let rules = if inbound { &sg.ingress } else { &sg.egress };
            for r in rules {
                if !r.protocol.matches(self.proto) {
                    continue;
                }
                if has_ports(self.proto) && !r.ports.contains(self.port) {
                    continue;
                }
                let hit = match r.peer {
                    SgPeer::Cidr(c) => other.addr.in_cidr(&c),
                    SgPeer::Sg(x) => other.groups.contains(&x),
                    SgPeer::PrefixList(s) => other.addr == Addr::Service(s.ix()),
                };
                if hit {
                    return true;
                }
            }
        }
        false
    }

    /// Rule 26: after no group allowed a packet to or from an address the
    /// scenario lacks, could a rule for a public block have?
    pub(crate) fn groups_depend(&self, groups: &[SgId], inbound: bool, addr: Addr) -> bool {
        if !matches!(addr, Addr::Unknown(_)) {
            return false;
        }
        for g in groups {
            let sg = &self.sc.security_groups[g.ix()];
            let rules = if inbound { &sg.ingress } else { &sg.egress };
            for r in rules {
                let port_ok = !has_ports(self.proto) || r.ports.contains(self.port);
                if r.protocol.matches(self.proto)
                    && port_ok
                    && matches!(r.peer, SgPeer::Cidr(c) if crate::public_block(&c))
                {
                    return true;
                }
            }
        }
        false
    }

    /// Rule 17: rules by ascending number, first match wins, implicit deny.
    /// For a port range every port must be allowed.
    pub(crate) fn nacl(
        &self,
        subnet: usize,
        inbound: bool,
        remote: Addr,
        ports: PortRange,
    ) -> Step {
        let acl = &self.sc.network_acls[self.sc.subnets[subnet].network_acl.ix()];
        let mut rules: Vec<&awsreach_model::NaclRule> = if inbound {
            acl.ingress.iter().collect()
        } else {
            acl.egress.iter().collect()
        };
        rules.sort_by_key(|r| r.number);
        // The decision only changes at rule boundaries: try one port per piece.
        let mut probes = vec![ports.lo];
        if has_ports(self.proto) {
            for r in &rules {
                for p in [Some(r.ports.lo), r.ports.hi.checked_add(1)]
                    .into_iter()
                    .flatten()
                {
                    if p > ports.lo && p <= ports.hi {
                        probes.push(p);
                    }
                }
            }
        }
        if let Addr::Unknown(_) = remote {
            // Rule 26: the rule deciding each port (or the implicit deny),
            // and any rule for a public block before it that might match.
            let (mut deny, mut allow, mut undecided) = (None::<u32>, None::<u32>, false);
            for &p in &probes {
                let first = rules.iter().find(|r| {
                    r.protocol.matches(self.proto)
                        && (!has_ports(self.proto) || r.ports.contains(p))
                        && remote.in_cidr(&r.cidr)
                });
                match first {
                    Some(r) if r.action == RuleAction::Allow => {
                        allow = Some(allow.map_or(r.number, |a: u32| a.max(r.number)));
                    }
                    Some(r) => deny = Some(deny.map_or(r.number, |d: u32| d.min(r.number))),
                    None => undecided = true,
                }
            }
            let deciding = match (deny, undecided) {
                (Some(d), _) => Some(d),
                (None, true) => None,
                (None, false) => allow,
            };
            if rules.iter().any(|r| {
                let overlaps =
                    !has_ports(self.proto) || (r.ports.lo <= ports.hi && ports.lo <= r.ports.hi);
                overlaps
                    && r.protocol.matches(self.proto)
                    && crate::public_block(&r.cidr)
                    && deciding.is_none_or(|d| r.number < d)
            }) {
                return Err("UNKNOWN_ADDRESS");
            }
        }
        for p in probes {
            let mut allowed = false;
            for r in &rules {
                let port_ok = !has_ports(self.proto) || r.ports.contains(p);
                if r.protocol.matches(self.proto) && port_ok && remote.in_cidr(&r.cidr) {
                    allowed = r.action == RuleAction::Allow;
                    break;
                }
            }
            if !allowed {
                return Err(if self.replying {
                    "NACL_RETURN_DENIED"
                } else if inbound {
                    "NACL_INBOUND_DENIED"
                } else {
                    "NACL_OUTBOUND_DENIED"
                });
            }
        }
        Ok(())
    }
}
