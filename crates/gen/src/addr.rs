//! Address plans: which blocks VPCs, subnets, public IPs and external hosts
//! get, so that nothing generated overlaps what it must not.
//!
//! - VPCs take whole /16s of the RFC 1918 ranges (`10.0.0.0/8` first), so
//!   they are "private" to every reader and never collide.
//! - Padding routes point into `100.64.0.0/10` (shared address space), which
//!   no VPC uses.
//! - Public IPs are drawn from `52.0.0.0/8` (Elastic IPs) and `54.0.0.0/8`
//!   (resources), external hosts from the documentation ranges.

use std::net::Ipv4Addr;

/// How many /16 blocks the VPC pool holds: 10/8, 172.16/12, 192.168/16.
pub(crate) const BLOCKS: usize = 256 + 16 + 1;

/// The `i`-th /16 of the VPC pool.
pub(crate) fn block16(i: usize) -> u32 {
    match i {
        0..256 => (10 << 24) | ((i as u32) << 16),
        256..272 => (172 << 24) | ((16 + (i - 256) as u32) << 16),
        272 => (192 << 24) | (168 << 16),
        _ => panic!(
            "the scenario needs more than {BLOCKS} /16 blocks of private address space; \
             ask for fewer VPCs or fewer interfaces"
        ),
    }
}

pub(crate) fn ip(a: u32) -> String {
    Ipv4Addr::from(a).to_string()
}

pub(crate) fn cidr(base: u32, len: u8) -> String {
    format!("{}/{len}", ip(base))
}

/// The IPv6 /56 of VPC `v`.
pub(crate) fn vpc_v6(v: usize) -> String {
    let (hi, lo) = ((v >> 8) & 0xffff, v & 0xff);
    format!("2600:1f18:{hi:x}:{:x}::/56", lo << 8)
}

/// The IPv6 /64 of subnet `s` (< 256) of VPC `v`.
pub(crate) fn subnet_v6(v: usize, s: usize) -> String {
    let (hi, lo) = ((v >> 8) & 0xffff, v & 0xff);
    format!("2600:1f18:{hi:x}:{:x}::/64", (lo << 8) | s)
}

/// Address `host` (> 0) in subnet `s` of VPC `v`.
pub(crate) fn subnet_v6_host(v: usize, s: usize, host: u32) -> String {
    let (hi, lo) = ((v >> 8) & 0xffff, v & 0xff);
    format!("2600:1f18:{hi:x}:{:x}::{host:x}", (lo << 8) | s)
}

/// The `k`-th Elastic IP.
pub(crate) fn elastic_ip(k: usize) -> String {
    ip((52 << 24) + 1 + k as u32)
}

/// The `k`-th auto-assigned public IPv4 address.
pub(crate) fn public_ip(k: usize) -> String {
    ip((54 << 24) + 1 + k as u32)
}

/// The `k`-th external host address: TEST-NET-3, -2, -1, then IPv6 documentation space.
pub(crate) fn external_ip(k: usize) -> String {
    let nets = [
        (203u32 << 24) | (113 << 8),
        (198 << 24) | (51 << 16) | (100 << 8),
        (192 << 24) | (2 << 8),
    ];
    match k / 250 {
        n @ 0..3 => ip(nets[n] + 1 + (k % 250) as u32),
        _ => format!("2001:db8::{:x}", k + 1),
    }
}

/// The smallest power of two `>= n`, at least 16 (AWS's smallest subnet is a /28).
pub(crate) fn subnet_size(n: usize) -> u32 {
    (n.max(16) as u32).next_power_of_two()
}

pub(crate) fn prefix_len(size: u32) -> u8 {
    (32 - size.trailing_zeros()) as u8
}

/// A padding-route destination: a random block in `100.64.0.0/10`.
pub(crate) fn padding_dest(r: u32) -> String {
    // Lengths from /16 to /28 so longest-prefix match has work to do.
    const LENS: [u8; 8] = [16, 20, 22, 24, 24, 24, 26, 28];
    let len = LENS[(r & 7) as usize];
    let base = (100 << 24) | (64 << 16);
    let span = 1u32 << 22;
    let off = (r >> 3) % span;
    let mask = !((1u32 << (32 - len)) - 1);
    cidr((base + off) & mask, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_private_and_distinct() {
        let all: Vec<u32> = (0..BLOCKS).map(block16).collect();
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), BLOCKS);
        assert!(all.iter().all(|b| Ipv4Addr::from(*b).is_private()));
    }

    #[test]
    fn ipv6_plans_nest() {
        assert_eq!(vpc_v6(3), "2600:1f18:0:300::/56");
        assert_eq!(subnet_v6(3, 5), "2600:1f18:0:305::/64");
        assert_eq!(subnet_v6_host(3, 5, 16), "2600:1f18:0:305::10");
        assert_eq!(vpc_v6(300), "2600:1f18:1:2c00::/56");
    }

    #[test]
    fn padding_dests_have_no_host_bits() {
        for r in [0u32, 1, 77, 12345, u32::MAX] {
            let d = padding_dest(r);
            let net: ipnet_lite::Net = d.parse().unwrap();
            assert!(net.ok(), "{d}");
        }
    }

    /// Enough of a CIDR parser to check host bits without another dependency.
    mod ipnet_lite {
        use std::net::Ipv4Addr;
        use std::str::FromStr;

        pub struct Net(u32, u8);

        impl Net {
            pub fn ok(&self) -> bool {
                self.1 == 0 || self.0 & ((1u32 << (32 - self.1)) - 1) == 0
            }
        }

        impl FromStr for Net {
            type Err = ();
            fn from_str(s: &str) -> Result<Net, ()> {
                let (a, l) = s.split_once('/').ok_or(())?;
                let a: Ipv4Addr = a.parse().map_err(|_| ())?;
                Ok(Net(u32::from(a), l.parse().map_err(|_| ())?))
            }
        }
    }
}
