//! Filters: security groups (stateful, allow-only) and network ACLs
//! (stateless, ordered rules), and the reply's NACL checks.

use awsreach_model::net::{EPHEMERAL, PortRange, Protocol};
use awsreach_model::spec::RuleAction;
use awsreach_model::*;

use super::*;
use crate::code::Code;
use crate::engine::{Addr, may_hold_public};
use crate::fix::RuleDirection;
use crate::hop::{At, HopKind};
use crate::trace::{Decision, Direction};

impl<'e, S: Sink> Walk<'e, S> {
    /// Rule 16: the rules of group `g` in direction `dir`.
    #[inline]
    fn sg_rules_of(&self, g: SgId, dir: RuleDirection) -> &'e [SgRule] {
        let sg = &self.sc.security_groups[g.ix()];
        if dir == RuleDirection::Ingress {
            &sg.ingress
        } else {
            &sg.egress
        }
    }

    /// Whether rule `r` is for the packet's protocol and port.
    #[inline]
    fn sg_rule_fits(&self, r: &SgRule) -> bool {
        r.protocol.matches(self.proto) && (!self.proto.has_ports() || r.ports.contains(self.port))
    }

    /// Rule 16: the rules of groups `sgs` in direction `dir` that are for
    /// the packet's protocol and port, with their group and index (for the
    /// checks off the hot path; [`Self::sg_match`] loops by hand).
    pub(crate) fn sg_rules<'s>(
        &'s self,
        sgs: &'s [SgId],
        dir: RuleDirection,
    ) -> impl Iterator<Item = (SgId, usize, &'e SgRule)> + 's {
        sgs.iter().flat_map(move |&g| {
            self.sg_rules_of(g, dir)
                .iter()
                .enumerate()
                .filter(|(_, r)| self.sg_rule_fits(r))
                .map(move |(i, r)| (g, i, r))
        })
    }

    /// Rule 16: the first rule of any group that admits the packet.
    pub(crate) fn sg_match(
        &self,
        sgs: &[SgId],
        dir: RuleDirection,
        remote: Seen,
    ) -> Option<(SgId, usize)> {
        for &g in sgs {
            for (i, r) in self.sg_rules_of(g, dir).iter().enumerate() {
                if !self.sg_rule_fits(r) {
                    continue;
                }
                let hit = match r.peer {
                    SgPeer::Cidr(n) => remote.addr.in_net(&n),
                    // Group references match by membership of the peer's ENI.
                    SgPeer::Sg(x) => remote.sgs.contains(&x),
                    SgPeer::PrefixList(s) => remote.addr == Addr::Svc(s),
                };
                if hit {
                    return Some((g, i));
                }
            }
        }
        None
    }

    pub(crate) fn sg_names(&self, sgs: &[SgId]) -> String {
        sgs.iter()
            .map(|g| self.name_of_sg(*g))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(crate) fn push_leg(&mut self, subnet: SubnetId, dir: RuleDirection, remote: Addr) {
        self.legs.push(Leg {
            subnet,
            dir,
            remote,
        });
    }

    /// Drops the reply leg the sender in `subnet` just pushed (its inbound
    /// rules for the reply), when the reply turns out not to cross them.
    pub(crate) fn pop_leg(&mut self, subnet: SubnetId) {
        let n = self.legs.len();
        if n > 0 {
            let last = self.legs.get(n - 1);
            if last.subnet == subnet && last.dir == RuleDirection::Ingress {
                self.legs.pop();
            }
        }
    }

    /// Rule 17: a packet crossing `subnet`'s boundary in direction `dir`
    /// meets its NACL now; its reply crosses back the other way, checked
    /// when the reply legs are (a leg).
    pub(crate) fn cross_boundary(
        &mut self,
        subnet: SubnetId,
        dir: RuleDirection,
        remote: Addr,
    ) -> Step {
        self.nacl_step(subnet, dir, remote, PortRange::single(self.port))?;
        let back = match dir {
            RuleDirection::Ingress => RuleDirection::Egress,
            RuleDirection::Egress => RuleDirection::Ingress,
        };
        self.push_leg(subnet, back, remote);
        Ok(())
    }

    /// Rule 17: ascending rule numbers, first match wins, implicit deny.
    /// `ports` may be a range (the reply's ephemeral ports): every port must be allowed.
    pub(crate) fn nacl_step(
        &mut self,
        subnet: SubnetId,
        dir: RuleDirection,
        remote: Addr,
        ports: PortRange,
    ) -> Step {
        self.nacl_known(subnet)?;
        let acl_id = self.sc.subnets[subnet.ix()].network_acl;
        let acl = &self.sc.network_acls[acl_id.ix()];
        let rules = if dir == RuleDirection::Ingress {
            &acl.ingress
        } else {
            &acl.egress
        };
        let verdict = nacl_eval(rules, self.proto, ports, remote);
        if let Addr::Unresolved(_) = remote {
            // Rule 26: a rule for a public block ahead of the deciding one
            // may match the address the scenario lacks.
            let at = match verdict {
                Ok(n) => Some(n),
                Err(n) => n,
            };
            let proto = self.proto;
            let decides = rules.iter().any(|r| {
                r.protocol.matches(proto)
                    && (!proto.has_ports() || (r.ports.lo <= ports.hi && ports.lo <= r.ports.hi))
                    && may_hold_public(&r.cidr)
                    && at.is_none_or(|d| r.number < d)
            });
            self.address_known(remote, HopKind::NetworkAcl, decides)?;
        }
        match verdict {
            Ok(rule) => {
                hop!(
                    self,
                    HopKind::NetworkAcl,
                    Decision::Pass,
                    At::Nacl {
                        acl: acl_id,
                        subnet,
                        dir,
                        proto: self.proto,
                        ports,
                        remote,
                        rule: Some(rule),
                    }
                );
                Ok(())
            }
            Err(rule) => {
                let code = match (self.dir, dir) {
                    (Direction::Return, _) => Code::NaclReturnDenied,
                    (_, RuleDirection::Ingress) => Code::NaclInboundDenied,
                    (_, RuleDirection::Egress) => Code::NaclOutboundDenied,
                };
                let at = At::Nacl {
                    acl: acl_id,
                    subnet,
                    dir,
                    proto: self.proto,
                    ports,
                    remote,
                    rule,
                };
                Err(self.block(code, HopKind::NetworkAcl, at, |w| {
                    let what = if w.dir == Direction::Return { "the reply" } else { "the packet" };
                    let why = format!("network acl {} of subnet {} denies {what} {} {} {} ({}){}", acl.name, w.subnet_name(subnet), ports_str_range(w.proto, ports), if dir == RuleDirection::Ingress { "from" } else { "to" }, remote.show(w.sc), rule.map(|r| format!("rule {r}")).unwrap_or_else(|| "no rule matches: implicit deny".into()), if w.dir == Direction::Return { "; network ACLs are stateless, so replies to ephemeral ports need their own rule" } else { "" });
                    let fixes = w.nacl_fixes(acl_id, dir, ports, remote, rule);
                    (why, fixes)
                }))
            }
        }
    }

    /// The reply, in reverse order of the forward legs (security groups are
    /// stateful, rule 16; NACLs are not, rule 17).
    pub(crate) fn check_return(&mut self) -> Step {
        if self.legs.len() == 0 {
            return Ok(());
        }
        self.dir = Direction::Return;
        let ports = if self.proto.has_ports() {
            EPHEMERAL
        } else {
            PortRange::ALL
        };
        for i in (0..self.legs.len()).rev() {
            let leg = self.legs.get(i);
            self.nacl_step(leg.subnet, leg.dir, leg.remote, ports)?;
        }
        self.legs.clear();
        self.dir = Direction::Forward;
        Ok(())
    }
}

/// First-match NACL evaluation over a port range: Ok(allowing rule) when
/// every port is allowed, Err(denying rule or None for the implicit deny).
///
/// Each port is decided by the first rule (in number order) that matches
/// it. The range is swept in segments that one rule decides, with no
/// allocation: the answer is the first-ordered deny that decides some port,
/// else the implicit deny if some port is undecided, else the last-ordered
/// allow that was needed (the rule at which every port is settled).
pub(crate) fn nacl_eval(
    rules: &[NaclRule],
    proto: Protocol,
    ports: PortRange,
    remote: Addr,
) -> Result<u32, Option<u32>> {
    let ranged = proto.has_ports();
    let span = |r: &NaclRule| {
        if ranged {
            (r.ports.lo, r.ports.hi)
        } else {
            (0, u16::MAX)
        }
    };
    let applies = |r: &NaclRule| r.protocol.matches(proto) && remote.in_net(&r.cidr);
    // (index, number) of the first deny and the last allow that decide a port.
    let mut deny: Option<(usize, u32)> = None;
    let mut allow: Option<(usize, u32)> = None;
    let mut undecided = false;
    let mut p = ports.lo;
    loop {
        // The first rule that decides port `p`.
        let first = rules
            .iter()
            .enumerate()
            .find(|(_, r)| applies(r) && (span(r).0..=span(r).1).contains(&p));
        // The segment from `p` that this rule decides: up to its own end,
        // cut before any earlier rule that starts later in the range (that
        // one decides from its start on).
        let earlier = first.map_or(rules.len(), |(i, _)| i);
        let mut end = first.map_or(ports.hi, |(_, r)| span(r).1.min(ports.hi));
        for r in rules[..earlier].iter().filter(|r| applies(r)) {
            let lo = span(r).0;
            if lo > p && lo <= end {
                end = lo - 1;
            }
        }
        match first {
            None => undecided = true,
            Some((i, r)) if r.action == RuleAction::Deny => {
                if deny.is_none_or(|(d, _)| i < d) {
                    deny = Some((i, r.number));
                }
            }
            Some((i, r)) => {
                if allow.is_none_or(|(a, _)| i > a) {
                    allow = Some((i, r.number));
                }
            }
        }
        if end >= ports.hi {
            break;
        }
        p = end + 1;
    }
    match (deny, undecided, allow) {
        (Some((_, n)), _, _) => Err(Some(n)),
        (None, true, _) | (None, false, None) => Err(None),
        (None, false, Some((_, n))) => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(number: u32, action: RuleAction, ports: (u16, u16), cidr: &str) -> NaclRule {
        NaclRule {
            number,
            action,
            protocol: Protocol::Tcp,
            ports: PortRange {
                lo: ports.0,
                hi: ports.1,
            },
            cidr: cidr.parse().unwrap(),
        }
    }

    #[test]
    fn nacl_first_match_wins() {
        let rules = [
            rule(90, RuleAction::Deny, (443, 443), "0.0.0.0/0"),
            rule(100, RuleAction::Allow, (0, 65535), "0.0.0.0/0"),
        ];
        let a = Addr::V4(Ipv4Addr::new(1, 2, 3, 4));
        assert_eq!(
            nacl_eval(&rules, Protocol::Tcp, PortRange::single(443), a),
            Err(Some(90))
        );
        assert_eq!(
            nacl_eval(&rules, Protocol::Tcp, PortRange::single(80), a),
            Ok(100)
        );
    }

    #[test]
    fn nacl_range_needs_every_port() {
        let a = Addr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let narrow = [rule(100, RuleAction::Allow, (32768, 65535), "0.0.0.0/0")];
        assert_eq!(nacl_eval(&narrow, Protocol::Tcp, EPHEMERAL, a), Err(None));
        let split = [
            rule(100, RuleAction::Allow, (1024, 30000), "0.0.0.0/0"),
            rule(110, RuleAction::Allow, (30001, 65535), "0.0.0.0/0"),
        ];
        assert_eq!(nacl_eval(&split, Protocol::Tcp, EPHEMERAL, a), Ok(110));
        let hole = [
            rule(100, RuleAction::Allow, (1024, 2000), "0.0.0.0/0"),
            rule(110, RuleAction::Deny, (2001, 2001), "0.0.0.0/0"),
            rule(120, RuleAction::Allow, (0, 65535), "0.0.0.0/0"),
        ];
        assert_eq!(
            nacl_eval(&hole, Protocol::Tcp, EPHEMERAL, a),
            Err(Some(110))
        );
    }

    /// The segment sweep answers like deciding every port one by one.
    #[test]
    fn nacl_sweep_agrees_with_port_by_port() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let a = Addr::V4(Ipv4Addr::new(10, 0, 0, 1));
        for _ in 0..3000 {
            let rules: Vec<NaclRule> = (0..next(6))
                .map(|i| {
                    let lo = next(40) as u16;
                    let hi = lo + next(20) as u16;
                    let action = if next(3) == 0 {
                        RuleAction::Deny
                    } else {
                        RuleAction::Allow
                    };
                    let cidr = if next(5) == 0 {
                        "192.168.0.0/16"
                    } else {
                        "0.0.0.0/0"
                    };
                    rule(100 + i as u32 * 10, action, (lo, hi), cidr)
                })
                .collect();
            let lo = next(50) as u16;
            let ports = PortRange {
                lo,
                hi: lo + next(30) as u16,
            };
            // Port by port: the first matching rule decides each port.
            let (mut deny, mut allow, mut undecided) = (None::<usize>, None::<usize>, false);
            for p in ports.lo..=ports.hi {
                let first = rules
                    .iter()
                    .position(|r| a.in_net(&r.cidr) && r.ports.lo <= p && p <= r.ports.hi);
                match first {
                    None => undecided = true,
                    Some(i) if rules[i].action == RuleAction::Deny => {
                        deny = Some(deny.map_or(i, |d| d.min(i)))
                    }
                    Some(i) => allow = Some(allow.map_or(i, |m| m.max(i))),
                }
            }
            let want = match (deny, undecided, allow) {
                (Some(d), _, _) => Err(Some(rules[d].number)),
                (None, false, Some(m)) => Ok(rules[m].number),
                _ => Err(None),
            };
            assert_eq!(
                nacl_eval(&rules, Protocol::Tcp, ports, a),
                want,
                "{rules:?} {ports:?}"
            );
        }
    }

    #[test]
    fn nacl_public_endpoints_match_only_default_cidr() {
        let rules = [rule(100, RuleAction::Allow, (0, 65535), "10.0.0.0/8")];
        assert_eq!(
            nacl_eval(
                &rules,
                Protocol::Tcp,
                PortRange::single(443),
                Addr::Internet
            ),
            Err(None)
        );
        let rules = [rule(100, RuleAction::Allow, (0, 65535), "0.0.0.0/0")];
        assert_eq!(
            nacl_eval(
                &rules,
                Protocol::Tcp,
                PortRange::single(443),
                Addr::Internet
            ),
            Ok(100)
        );
    }
}
