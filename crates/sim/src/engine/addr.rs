//! Addresses as the walk sees them ([`Addr`]) and how they are shown.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use awsreach_model::*;
use ipnet::IpNet;

/// Where a packet is headed or comes from, as an address. Public AWS
/// endpoints and "the internet" are abstract: they sit in AWS's or someone
/// else's public ranges, so only a `/0` CIDR (or the service's prefix list)
/// matches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addr {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Svc(ServiceId),
    Internet,
    /// The internet over IPv6 (`--ip-version 6` from `internet`): only
    /// `::/0` covers it.
    Internet6,
    /// The public address an external host's hostname resolves to, which
    /// the scenario does not know (rule 26): matched by `0.0.0.0/0` only,
    /// and a narrower public CIDR makes the hop unknown.
    Unresolved(HostId),
}

/// Blocks that hold no public address (RFC 1918, shared, loopback,
/// link-local, multicast and reserved): a host found by public DNS is not
/// in them.
const NOT_PUBLIC: [(u32, u8); 8] = [
    (0x0000_0000, 8),
    (0x0a00_0000, 8),
    (0x6440_0000, 10),
    (0x7f00_0000, 8),
    (0xa9fe_0000, 16),
    (0xac10_0000, 12),
    (0xc0a8_0000, 16),
    (0xe000_0000, 3),
];

/// True when a CIDR narrower than `/0` may hold a public IPv4 address:
/// for an address the scenario lacks, such a rule may decide (rule 26).
pub(crate) fn may_hold_public(n: &IpNet) -> bool {
    let IpNet::V4(n) = n else { return false };
    if n.prefix_len() == 0 {
        return false;
    }
    let (lo, len) = (u32::from(n.network()), n.prefix_len());
    !NOT_PUBLIC.iter().any(|&(b, l)| {
        let mask = u32::MAX << (32 - l as u32);
        len >= l && lo & mask == b
    })
}

impl Addr {
    pub(crate) fn from_ip(ip: IpAddr) -> Addr {
        match ip {
            IpAddr::V4(a) => Addr::V4(a),
            IpAddr::V6(a) => Addr::V6(a),
        }
    }

    #[inline]
    pub(crate) fn in_net(self, n: &IpNet) -> bool {
        match (self, n) {
            (Addr::V4(a), IpNet::V4(n)) => n.contains(&a),
            (Addr::V6(a), IpNet::V6(n)) => n.contains(&a),
            (Addr::Svc(_) | Addr::Internet | Addr::Unresolved(_), IpNet::V4(n)) => {
                n.prefix_len() == 0
            }
            (Addr::Internet6, IpNet::V6(n)) => n.prefix_len() == 0,
            _ => false,
        }
    }

    pub(crate) fn is_v6(self) -> bool {
        matches!(self, Addr::V6(_) | Addr::Internet6)
    }

    /// A CIDR that covers this address, for fixes: `/32`, `/128`, or `0.0.0.0/0`.
    pub(crate) fn cidr(self) -> String {
        match self {
            Addr::V4(a) => format!("{a}/32"),
            Addr::V6(a) => format!("{a}/128"),
            Addr::Svc(_) | Addr::Internet | Addr::Unresolved(_) => "0.0.0.0/0".into(),
            Addr::Internet6 => "::/0".into(),
        }
    }

    /// The address for people. Written straight into the caller's
    /// `format!` (no string of its own): traces show addresses on most hops.
    pub fn show(self, sc: &Scenario) -> ShowAddr<'_> {
        ShowAddr(self, sc)
    }
}

/// An IPv4 address in dotted-quad text, built on the stack: the standard
/// `Display` writes each octet through the integer formatter, a measurable
/// share of a trace (hops mention addresses often).
struct Dotted {
    buf: [u8; 15],
    len: u8,
}

impl Dotted {
    fn new(a: Ipv4Addr) -> Dotted {
        let mut d = Dotted {
            buf: [0; 15],
            len: 0,
        };
        for (i, o) in a.octets().into_iter().enumerate() {
            if i > 0 {
                d.push(b'.');
            }
            if o >= 100 {
                d.push(b'0' + o / 100);
            }
            if o >= 10 {
                d.push(b'0' + o / 10 % 10);
            }
            d.push(b'0' + o % 10);
        }
        d
    }

    fn push(&mut self, b: u8) {
        self.buf[self.len as usize] = b;
        self.len += 1;
    }
}

impl std::ops::Deref for Dotted {
    type Target = str;
    fn deref(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).expect("ascii digits and dots")
    }
}

/// [`Addr::show`]: an address as hop details and sentences name it.
#[derive(Clone, Copy)]
pub struct ShowAddr<'s>(Addr, &'s Scenario);

impl std::fmt::Display for ShowAddr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Addr::V4(a) => f.pad(&Dotted::new(a)),
            Addr::V6(a) => a.fmt(f),
            Addr::Svc(s) => write!(f, "{} (public endpoint)", self.1.services[s.ix()].hostname),
            Addr::Internet => f.write_str("an internet address"),
            Addr::Internet6 => f.write_str("an internet IPv6 address"),
            Addr::Unresolved(h) => write!(
                f,
                "{} (address unknown)",
                self.1.external_hosts[h.ix()]
                    .hostname
                    .as_deref()
                    .unwrap_or("?")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_blocks_are_those_a_public_address_may_fall_in() {
        let may = |c: &str| may_hold_public(&c.parse::<IpNet>().unwrap());
        for public in [
            "203.0.113.0/24",
            "8.0.0.0/7",
            "1.2.3.4/32",
            "128.0.0.0/1",
            "11.0.0.0/8",
        ] {
            assert!(may(public), "{public}");
        }
        for not in [
            "0.0.0.0/0",
            "10.1.0.0/16",
            "172.16.0.0/12",
            "172.20.1.0/24",
            "192.168.5.0/24",
            "100.64.0.0/10",
            "169.254.169.254/32",
            "127.0.0.1/32",
            "224.0.0.0/4",
            "2001:db8::/32",
        ] {
            assert!(!may(not), "{not}");
        }
    }

    #[test]
    fn dotted_quads_match_the_standard_display() {
        for a in [
            Ipv4Addr::new(0, 0, 0, 0),
            Ipv4Addr::new(10, 0, 1, 4),
            Ipv4Addr::new(54, 160, 0, 100),
            Ipv4Addr::new(255, 255, 255, 255),
            Ipv4Addr::new(9, 99, 100, 199),
        ] {
            assert_eq!(&*Dotted::new(a), a.to_string());
        }
        let sc = awsreach_model::load(include_str!("../../../../scenarios/example-full.ron"))
            .expect("example loads")
            .scenario;
        let a = Addr::V4(Ipv4Addr::new(10, 2, 30, 4));
        assert_eq!(format!("[{:>12}]", a.show(&sc)), "[   10.2.30.4]");
    }
}
