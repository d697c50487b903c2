//! Public addresses: an Elastic IP or a public IPv4 address comes from
//! AWS's public pools, so it is public unicast (rule 10, docs/aws-rules.md;
//! Amazon VPC "IP addressing", "Elastic IP addresses",
//! https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html,
//! https://docs.aws.amazon.com/vpc/latest/userguide/vpc-eips.html). The
//! special-purpose blocks of RFC 6890 are not. The documentation blocks
//! (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) stay allowed: examples and
//! importers' stand-ins for addresses AWS assigns at apply use them.

use std::net::Ipv4Addr;

use crate::error::Problem;

use super::Validator;

impl Validator<'_> {
    /// `a` when it is public unicast, else an error at `at`.
    pub(super) fn public_address(
        &mut self,
        a: Ipv4Addr,
        at: String,
        entity: &str,
    ) -> Option<Ipv4Addr> {
        match non_public_block(a) {
            None => Some(a),
            Some(block) => {
                self.err(
                    at,
                    entity,
                    Problem::NotPublicAddress {
                        ip: a.to_string(),
                        block,
                    },
                );
                None
            }
        }
    }
}

/// The special-purpose block `a` falls in, if it is not public unicast.
pub fn non_public_block(a: Ipv4Addr) -> Option<&'static str> {
    let blocks: [(u32, u8, &'static str); 11] = [
        (0x0000_0000, 8, "0.0.0.0/8, \"this network\""),
        (0x0a00_0000, 8, "10.0.0.0/8, private (RFC 1918)"),
        (
            0x6440_0000,
            10,
            "100.64.0.0/10, shared carrier-grade NAT space",
        ),
        (0x7f00_0000, 8, "127.0.0.0/8, loopback"),
        (0xa9fe_0000, 16, "169.254.0.0/16, link-local"),
        (0xac10_0000, 12, "172.16.0.0/12, private (RFC 1918)"),
        (0xc000_0000, 24, "192.0.0.0/24, IETF protocol assignments"),
        (0xc0a8_0000, 16, "192.168.0.0/16, private (RFC 1918)"),
        (0xc612_0000, 15, "198.18.0.0/15, benchmarking"),
        (0xe000_0000, 4, "224.0.0.0/4, multicast"),
        (0xf000_0000, 4, "240.0.0.0/4, reserved (and broadcast)"),
    ];
    let x = u32::from(a);
    blocks
        .iter()
        .find(|(net, len, _)| x >> (32 - len) == net >> (32 - len))
        .map(|b| b.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_blocks_are_not_public_and_aws_pools_are() {
        for (ip, block) in [
            ("10.9.9.9", "10.0.0.0/8"),
            ("127.0.0.1", "127.0.0.0/8"),
            ("100.64.0.1", "100.64.0.0/10"),
            ("100.127.255.255", "100.64.0.0/10"),
            ("169.254.169.254", "169.254.0.0/16"),
            ("172.31.0.1", "172.16.0.0/12"),
            ("192.168.1.1", "192.168.0.0/16"),
            ("224.0.0.251", "224.0.0.0/4"),
            ("239.255.255.250", "224.0.0.0/4"),
            ("255.255.255.255", "240.0.0.0/4"),
            ("0.0.0.0", "0.0.0.0/8"),
        ] {
            let got = non_public_block(ip.parse().unwrap());
            assert!(got.is_some_and(|b| b.starts_with(block)), "{ip}: {got:?}");
        }
        for ip in [
            "54.160.0.10",
            "52.0.0.1",
            "3.5.0.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "198.51.100.7",
            "203.0.113.50",
            "223.255.255.255",
        ] {
            assert_eq!(non_public_block(ip.parse().unwrap()), None, "{ip}");
        }
    }
}
