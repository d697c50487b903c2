//! Small network value types shared by the checked model and the simulator:
//! port ranges, listeners, prefix destinations.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

pub use crate::spec::Protocol;

/// The ephemeral port range AWS documents for Lambda and NAT gateway clients
/// (Amazon VPC user guide, "Network ACLs", ephemeral ports: 1024-65535).
pub const EPHEMERAL: PortRange = PortRange {
    lo: 1024,
    hi: 65535,
};

/// An inclusive port range; `PortRange::ALL` for protocols without ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortRange {
    pub lo: u16,
    pub hi: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { lo: 0, hi: 65535 };

    pub fn single(p: u16) -> PortRange {
        PortRange { lo: p, hi: p }
    }

    pub fn contains(self, p: u16) -> bool {
        self.lo <= p && p <= self.hi
    }

    /// True when every port of `other` is in `self`.
    pub fn covers(self, other: PortRange) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }

    pub fn is_all(self) -> bool {
        self == PortRange::ALL
    }

    /// Parses `"443"`, `"1024-65535"` or `"all"`.
    pub fn parse(s: &str) -> Result<PortRange, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") || s == "*" {
            return Ok(PortRange::ALL);
        }
        let num = |t: &str| -> Result<u16, String> {
            t.trim()
                .parse::<u16>()
                .map_err(|_| format!("`{t}` is not a port number (0-65535)"))
        };
        match s.split_once('-') {
            Some((a, b)) => {
                let (lo, hi) = (num(a)?, num(b)?);
                if lo > hi {
                    return Err(format!("port range `{s}` runs backwards"));
                }
                Ok(PortRange { lo, hi })
            }
            None => Ok(PortRange::single(num(s)?)),
        }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            f.write_str("all")
        } else if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}-{}", self.lo, self.hi)
        }
    }
}

impl Protocol {
    /// True when a rule for `self` matches a packet of protocol `p`.
    pub fn matches(self, p: Protocol) -> bool {
        self == Protocol::All || self == p
    }

    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Protocol> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            "icmp" => Some(Protocol::Icmp),
            "all" | "-1" => Some(Protocol::All),
            _ => None,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A port a resource or host listens on: `tcp/443`, `udp/53`, `icmp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Listener {
    pub protocol: Protocol,
    pub ports: PortRange,
}

impl Listener {
    pub fn parse(s: &str) -> Result<Listener, String> {
        let (proto, ports) = match s.split_once('/') {
            Some((p, r)) => (p, Some(r)),
            None => (s, None),
        };
        let protocol = Protocol::parse(proto)
            .ok_or_else(|| format!("unknown protocol `{proto}` (tcp, udp, icmp, all)"))?;
        let ports = match (protocol.has_ports(), ports) {
            (true, Some(r)) => PortRange::parse(r)?,
            (true, None) => return Err(format!("`{s}` needs a port, e.g. `{proto}/443`")),
            (false, _) => PortRange::ALL,
        };
        Ok(Listener { protocol, ports })
    }

    pub fn accepts(&self, protocol: Protocol, port: u16) -> bool {
        self.protocol.matches(protocol) && (!protocol.has_ports() || self.ports.contains(port))
    }
}

impl fmt::Display for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.protocol.has_ports() {
            write!(f, "{}/{}", self.protocol, self.ports)
        } else {
            write!(f, "{}", self.protocol)
        }
    }
}

/// True when `net` contains `addr` (families must agree).
pub fn net_contains(net: &IpNet, addr: IpAddr) -> bool {
    net.contains(&addr)
}
