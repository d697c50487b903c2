//! Network ACL remedies: widen an allow rule that nearly admits the packet
//! (it covers the port but not the address, or the address but not the
//! ports), else add a rule of its own. Rule 17: rules are evaluated in
//! ascending number, so a widened rule must come before the rule that
//! denies.

use std::net::Ipv4Addr;

use awsreach_model::net::PortRange;
use awsreach_model::spec::RuleAction;
use awsreach_model::*;
use ipnet::{IpNet, Ipv4Net};

use crate::engine::Addr;
use crate::fix::{Fix, Remedy, RuleDirection};
use crate::walk::filter::nacl_eval;
use crate::walk::{Sink, Walk};

/// The widest block a widened rule may name: a VPC's largest CIDR block
/// is a /16, so a wider rule would admit addresses of other networks, which
/// is no longer "nearly the same rule".
/// <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
const WIDEST_PREFIX: u8 = 16;

/// At most this many widenings per blocked hop: each one costs a blast
/// radius assessment (a whole-scenario diff).
const MAX_WIDENINGS: usize = 2;

impl<'e, S: Sink> Walk<'e, S> {
    /// The CIDR a network ACL rule for `remote` names. A Lambda function's
    /// ENI address is AWS's to choose and changes when Lambda replaces its
    /// Hyperplane ENIs, so a rule for one names the function's subnet
    /// instead of a /32 that breaks on the next deployment; any other
    /// address, itself.
    /// <https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>
    pub(crate) fn nacl_cidr(&self, vpc: VpcId, remote: Addr) -> String {
        match self.nacl_net(vpc, remote) {
            Some(n) => n.to_string(),
            None => remote.cidr(),
        }
    }

    /// [`Self::nacl_cidr`] as a block, for IPv4 addresses.
    fn nacl_net(&self, vpc: VpcId, remote: Addr) -> Option<Ipv4Net> {
        let Addr::V4(ip) = remote else { return None };
        if let Some(e) = self.e.eni_by_ip.get(&(vpc, ip))
            && matches!(self.sc.enis[e.ix()].owner, EniOwner::Function(_))
        {
            return Some(self.sc.subnets[self.sc.enis[e.ix()].subnet.ix()].cidr);
        }
        Some(Ipv4Net::new(ip, 32).expect("/32 is a valid prefix"))
    }

    /// Remedies for network ACL `acl_id` denying the packet on one leg:
    /// first the widenings of allow rules that nearly match, then a new
    /// allow rule numbered before the denying one. Only for a declared
    /// ACL (the implicit default one allows everything).
    /// Rules are changed in place with `ReplaceNetworkAclEntry`:
    /// <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceNetworkAclEntry.html>
    pub(crate) fn nacl_fixes(
        &self,
        acl_id: NaclId,
        dir: RuleDirection,
        ports: PortRange,
        remote: Addr,
        blocking: Option<u32>,
    ) -> Vec<Remedy> {
        let acl = &self.sc.network_acls[acl_id.ix()];
        if !acl.declared {
            return Vec::new();
        }
        let rules = match dir {
            RuleDirection::Ingress => &acl.ingress,
            RuleDirection::Egress => &acl.egress,
        };
        let mut out: Vec<Remedy> = self
            .widenings(rules, ports, remote, blocking, acl.vpc)
            .into_iter()
            .take(MAX_WIDENINGS)
            .map(|(i, r)| {
                let was = &rules[i];
                Remedy::one(Fix::WidenNaclRule {
                    nacl: acl.name.clone(),
                    direction: dir,
                    rule: r.number,
                    protocol: r.protocol,
                    ports: r.ports.to_string(),
                    cidr: r.cidr.to_string(),
                    was: format!("{}/{} {}", was.protocol, was.ports, was.cidr),
                })
            })
            .collect();
        out.push(Remedy::one(Fix::AddNaclRule {
            nacl: acl.name.clone(),
            direction: dir,
            rule: free_rule_number(rules, blocking),
            protocol: self.proto,
            ports: if self.proto.has_ports() {
                ports.to_string()
            } else {
                "all".into()
            },
            cidr: self.nacl_cidr(acl.vpc, remote),
        }));
        out
    }

    /// The allow rules (index, widened rule) that, widened to the block
    /// of `remote` or to the ports needed, admit the packet on this leg.
    /// A rule is widened in one dimension only: an address block when it
    /// already covers the ports, a port range that overlaps or touches its
    /// own when it already covers the address (80 is not widened to
    /// 80-443: that is a second service, a rule of its own).
    fn widenings(
        &self,
        rules: &[NaclRule],
        ports: PortRange,
        remote: Addr,
        blocking: Option<u32>,
        vpc: VpcId,
    ) -> Vec<(usize, NaclRule)> {
        let ranged = self.proto.has_ports();
        let target = self.nacl_net(vpc, remote);
        let mut out = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.action != RuleAction::Allow
                || !r.protocol.matches(self.proto)
                || blocking.is_some_and(|b| r.number >= b)
            {
                continue;
            }
            let covers_ports = !ranged || r.ports.covers(ports);
            let covers_addr = remote.in_net(&r.cidr);
            let mut wide = *r;
            match (covers_ports, covers_addr) {
                (true, false) => {
                    let (IpNet::V4(have), Some(want)) = (r.cidr, target) else {
                        continue;
                    };
                    match supernet(have, want) {
                        Some(n) => wide.cidr = IpNet::V4(n),
                        None => continue,
                    }
                }
                (false, true) => {
                    let touches = u32::from(r.ports.lo) <= u32::from(ports.hi) + 1
                        && u32::from(ports.lo) <= u32::from(r.ports.hi) + 1;
                    if !touches {
                        continue;
                    }
                    wide.ports = PortRange {
                        lo: r.ports.lo.min(ports.lo),
                        hi: r.ports.hi.max(ports.hi),
                    };
                }
                _ => continue,
            }
            // The widened rule must let this leg through: an earlier deny
            // for part of the range would still stop it.
            let mut with = rules.to_vec();
            with[i] = wide;
            if nacl_eval(&with, self.proto, ports, remote).is_ok() {
                out.push((i, wide));
            }
        }
        out
    }
}

/// The smallest block holding both `a` and `b`, when it is no wider than
/// [`WIDEST_PREFIX`].
fn supernet(a: Ipv4Net, b: Ipv4Net) -> Option<Ipv4Net> {
    let diff = u32::from(a.network()) ^ u32::from(b.network());
    let len = (diff.leading_zeros() as u8)
        .min(a.prefix_len())
        .min(b.prefix_len());
    if len < WIDEST_PREFIX {
        return None;
    }
    Ipv4Net::new(Ipv4Addr::from(u32::from(a.network())), len)
        .ok()
        .map(|n| n.trunc())
}

/// A free rule number that sorts before `blocking` (or after every rule
/// when the implicit deny blocked).
pub(crate) fn free_rule_number(rules: &[NaclRule], blocking: Option<u32>) -> u32 {
    let used = |n: u32| rules.iter().any(|r| r.number == n);
    match blocking {
        Some(b) => (1..b).rev().find(|n| !used(*n)).unwrap_or(1),
        None => {
            let max = rules.iter().map(|r| r.number).max().unwrap_or(0);
            (max + 1..=32766).find(|n| !used(*n)).unwrap_or(32766)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().expect("a block")
    }

    #[test]
    fn supernets_stay_within_a_vpc_sized_block() {
        assert_eq!(
            supernet(net("10.0.9.0/24"), net("10.0.1.0/24")),
            Some(net("10.0.0.0/20"))
        );
        assert_eq!(
            supernet(net("10.0.0.0/24"), net("10.0.1.7/32")),
            Some(net("10.0.0.0/23"))
        );
        assert_eq!(supernet(net("10.0.0.0/24"), net("10.1.0.0/24")), None);
        assert_eq!(supernet(net("10.0.0.0/24"), net("192.168.0.0/24")), None);
    }

    #[test]
    fn free_rule_numbers() {
        let rule = |number, action| NaclRule {
            number,
            action,
            protocol: awsreach_model::net::Protocol::Tcp,
            ports: PortRange { lo: 0, hi: 1 },
            cidr: "0.0.0.0/0".parse().expect("a block"),
        };
        let rules = [rule(100, RuleAction::Deny), rule(99, RuleAction::Allow)];
        assert_eq!(free_rule_number(&rules, Some(100)), 98);
        assert_eq!(free_rule_number(&rules, None), 101);
    }
}
