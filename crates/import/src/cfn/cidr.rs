//! `Fn::Cidr`: split an address block into `count` consecutive blocks with
//! `cidr_bits` host bits each, from the block's first address.
//! ("Fn::Cidr", AWS CloudFormation User Guide: "The number of subnet bits for
//! the CIDR. For example, specifying a value "8" for this parameter will
//! create a CIDR with a mask of "/24"." Count is 1 to 256.)

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

pub fn split(block: &str, count: u32, cidr_bits: u32) -> Result<Vec<String>, String> {
    let net: IpNet = block
        .trim()
        .parse()
        .map_err(|_| format!("`{block}` is not a CIDR block"))?;
    if !(1..=256).contains(&count) {
        return Err(format!("count {count} is outside 1..=256"));
    }
    let width: u32 = match net {
        IpNet::V4(_) => 32,
        IpNet::V6(_) => 128,
    };
    if cidr_bits == 0 || cidr_bits > width || cidr_bits >= 128 {
        return Err(format!("cidrBits {cidr_bits} is outside 1..={width}"));
    }
    let prefix = width - cidr_bits;
    if prefix < u32::from(net.prefix_len()) {
        return Err(format!(
            "/{prefix} blocks ({cidr_bits} host bits) do not fit in {block}"
        ));
    }
    // How many /prefix blocks the parent holds: 2^(prefix - parent prefix).
    let room = prefix - u32::from(net.prefix_len());
    if room < 9 && count > (1u32 << room) {
        return Err(format!(
            "{block} holds only {} /{prefix} blocks, {count} asked",
            1u32 << room
        ));
    }
    let base: u128 = match net.network() {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    };
    let step: u128 = 1u128 << cidr_bits;
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..u128::from(count) {
        let a = i
            .checked_mul(step)
            .and_then(|o| o.checked_add(base))
            .ok_or_else(|| format!("{block} is too small for {count} blocks"))?;
        let s = match net {
            IpNet::V4(_) => format!("{}/{prefix}", Ipv4Addr::from(a as u32)),
            IpNet::V6(_) => format!("{}/{prefix}", Ipv6Addr::from(a)),
        };
        out.push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_the_user_guide_example() {
        // User guide: !Cidr [ "192.168.0.0/24", 6, 5 ] → six /27 blocks.
        let v = split("192.168.0.0/24", 6, 5).unwrap();
        assert_eq!(v[0], "192.168.0.0/27");
        assert_eq!(v[1], "192.168.0.32/27");
        assert_eq!(v[5], "192.168.0.160/27");
        assert_eq!(v.len(), 6);
    }

    #[test]
    fn host_bits_of_the_block_are_ignored() {
        assert_eq!(
            split("10.0.3.7/16", 2, 8).unwrap(),
            ["10.0.0.0/24", "10.0.1.0/24"]
        );
    }

    #[test]
    fn ipv6_blocks() {
        let v = split("2001:db8::/56", 3, 64).unwrap();
        assert_eq!(
            v,
            ["2001:db8::/64", "2001:db8:0:1::/64", "2001:db8:0:2::/64"]
        );
    }

    #[test]
    fn too_many_or_too_big_is_an_error() {
        assert!(split("10.0.0.0/24", 3, 7).is_err());
        assert!(split("10.0.0.0/24", 1, 9).is_err());
        assert!(split("10.0.0.0/24", 0, 4).is_err());
        assert!(split("nope", 1, 4).is_err());
    }
}
