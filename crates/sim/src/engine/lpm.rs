//! Longest-prefix match over one route table.

use awsreach_model::*;
use ipnet::IpNet;

use super::Addr;

/// Longest-prefix-match index of one route table.
///
/// IPv4 routes are flattened into disjoint address intervals, each holding
/// the answer of the longest prefix that covers it, so a lookup is one
/// binary search over interval starts (route tables of up to 1,000 routes:
/// ~11 comparisons) instead of one search per prefix length.
#[derive(Debug, Default)]
pub(crate) struct Lpm {
    /// (interval start, its route or [`Lpm::NONE`]), starts ascending from
    /// 0 when any IPv4 route exists; side by side so a lookup's last step
    /// reads the route from the cache line it searched.
    intervals: Vec<(u32, u32)>,
    /// `bucket[b]..bucket[b + 1]`: the intervals starting in `b.0.0.0/8`,
    /// so a search only looks at the first octet's share of the table.
    bucket: Vec<u32>,
    /// IPv6 routes, longest prefix first.
    v6: Vec<(ipnet::Ipv6Net, u32)>,
    /// Prefix-list routes: (service, route index).
    pl: Vec<(ServiceId, u32)>,
    default_v4: Option<u32>,
}

impl Lpm {
    const NONE: u32 = u32::MAX;

    pub(super) fn build(rt: &RouteTable) -> Lpm {
        let mut lpm = Lpm::default();
        // (first address, last address, route), wider blocks first at equal
        // starts; CIDR blocks nest or are disjoint, so a stack sweep works.
        let mut v4: Vec<(u32, u32, u32)> = Vec::new();
        for (i, r) in rt.routes.iter().enumerate() {
            let i = i as u32;
            match r.dest {
                RouteDest::Cidr(IpNet::V4(n)) => {
                    if n.prefix_len() == 0 {
                        lpm.default_v4 = Some(i);
                    }
                    v4.push((u32::from(n.network()), u32::from(n.broadcast()), i));
                }
                RouteDest::Cidr(IpNet::V6(n)) => lpm.v6.push((n, i)),
                RouteDest::PrefixList(s) => lpm.pl.push((s, i)),
            }
        }
        // Equal blocks (not valid input) resolve to the first route.
        v4.sort_unstable_by_key(|&(lo, hi, i)| (lo, std::cmp::Reverse(hi), std::cmp::Reverse(i)));
        if !v4.is_empty() {
            lpm.set(0, Lpm::NONE);
        }
        let mut open: Vec<(u32, u32)> = Vec::new();
        for (lo, hi, i) in v4 {
            lpm.close_before(&mut open, lo);
            lpm.set(lo, i);
            open.push((hi, i));
        }
        lpm.close_before(&mut open, u32::MAX);
        if !lpm.intervals.is_empty() {
            lpm.bucket = (0..=256u64)
                .map(|b| {
                    lpm.intervals
                        .partition_point(|&(s, _)| u64::from(s) < b << 24)
                        as u32
                })
                .collect();
        }
        lpm.v6
            .sort_by_key(|(n, _)| std::cmp::Reverse(n.prefix_len()));
        lpm
    }

    /// Ends every open block that stops before `addr`; after each, the
    /// enclosing block (or no route) takes over.
    fn close_before(&mut self, open: &mut Vec<(u32, u32)>, addr: u32) {
        while let Some(&(hi, _)) = open.last() {
            if hi >= addr {
                break;
            }
            open.pop();
            let outer = open.last().map_or(Lpm::NONE, |o| o.1);
            self.set(hi + 1, outer);
        }
    }

    /// From `at` on (until the next start) the answer is `route`.
    fn set(&mut self, at: u32, route: u32) {
        match self.intervals.last_mut() {
            Some(last) if last.0 == at => {
                last.1 = route;
                // Merging with the previous interval keeps the table minimal.
                let n = self.intervals.len();
                if n >= 2 && self.intervals[n - 2].1 == route {
                    self.intervals.pop();
                }
            }
            Some(last) if last.1 == route => {}
            _ => self.intervals.push((at, route)),
        }
    }

    /// The index of the most specific route for `addr` (aws-rules.md rule 9).
    #[inline]
    pub(crate) fn lookup(&self, addr: Addr) -> Option<u32> {
        match addr {
            Addr::V4(ip) => {
                let ip = u32::from(ip);
                let b = (ip >> 24) as usize;
                let (lo, hi) = (*self.bucket.get(b)? as usize, self.bucket[b + 1] as usize);
                // The last interval starting at or before `ip`: in this
                // octet's share, or the one running into it from below.
                let k = lo + self.intervals[lo..hi].partition_point(|&(s, _)| s <= ip);
                match self.intervals.get(k.checked_sub(1)?) {
                    Some(&(_, r)) if r != Lpm::NONE => Some(r),
                    _ => None,
                }
            }
            Addr::V6(ip) => self.v6.iter().find(|(n, _)| n.contains(&ip)).map(|e| e.1),
            // A service's prefix list is more specific than 0.0.0.0/0 (rule 12).
            Addr::Svc(s) => self
                .pl
                .iter()
                .find(|e| e.0 == s)
                .map(|e| e.1)
                .or(self.default_v4),
            Addr::Internet | Addr::Unresolved(_) => self.default_v4,
            Addr::Internet6 => self
                .v6
                .iter()
                .find(|(n, _)| n.prefix_len() == 0)
                .map(|e| e.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    /// The interval index answers like a scan for the longest covering
    /// prefix (first declared on ties), on nested and disjoint blocks.
    #[test]
    fn lpm_intervals_agree_with_a_scan() {
        // A small deterministic generator (xorshift), no dependency.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..200 {
            let n = (next() % 40) as usize;
            let mut routes = Vec::new();
            for _ in 0..n {
                let len = [0u8, 8, 16, 16, 20, 24, 24, 28, 31, 32][(next() % 10) as usize];
                // Addresses from a narrow range so blocks nest often.
                let base = 0x0a00_0000 | (next() as u32 & 0x0000_ffff);
                let net = ipnet::Ipv4Net::new(Ipv4Addr::from(base), len)
                    .unwrap()
                    .trunc();
                routes.push(Route {
                    dest: RouteDest::Cidr(IpNet::V4(net)),
                    target: Target::Local,
                    origin: RouteOrigin::Declared,
                });
            }
            let rt = RouteTable {
                name: "rt".into(),
                vpc: VpcId(0),
                main: true,
                declared: true,
                routes,
            };
            let lpm = Lpm::build(&rt);
            let scan = |ip: Ipv4Addr| {
                let mut best: Option<(u8, u32)> = None;
                for (i, r) in rt.routes.iter().enumerate() {
                    if let RouteDest::Cidr(IpNet::V4(n)) = r.dest
                        && n.contains(&ip)
                        && best.is_none_or(|(l, _)| n.prefix_len() > l)
                    {
                        best = Some((n.prefix_len(), i as u32));
                    }
                }
                best.map(|b| b.1)
            };
            for _ in 0..300 {
                let ip = Ipv4Addr::from(match next() % 4 {
                    0 => next() as u32,
                    1 => 0xffff_ffff - (next() % 3) as u32,
                    _ => 0x0a00_0000 | (next() as u32 & 0x0001_ffff),
                });
                assert_eq!(
                    lpm.lookup(Addr::V4(ip)),
                    scan(ip),
                    "{ip} in {:?}",
                    rt.routes
                );
            }
        }
    }
}
