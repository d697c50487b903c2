//! AWS's implicit defaults in one place: what every VPC has without being
//! told (main route table, default network ACL, default security group),
//! their names, and their rules, for the validator that synthesises them and
//! for the edits that turn a synthesised one into a declared one.
//!
//! Rules 9, 16 and 17 of docs/aws-rules.md. Sources (Amazon VPC user
//! guide): "Route tables" (every VPC has a main
//! route table that subnets without an association use), "Default network
//! ACL" (allows all traffic both ways, NACL rule 100 for IPv4 and NACL rule 101 for
//! IPv6), "Default security groups for your VPCs" (inbound from members of
//! the group itself, all outbound, IPv6 outbound when the VPC has IPv6).
//! <https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html>
//! <https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html>

use crate::SgId;
use crate::net::{PortRange, Protocol};
use crate::scenario::{NaclRule, SgPeer, SgRule};
use crate::spec::{RouteTableSpec, RuleAction, SecurityGroupSpec, SgRuleSpec};

/// The name given to a VPC's synthesised main route table.
pub fn main_route_table_name(vpc: &str) -> String {
    format!("{vpc}-main")
}

/// The name given to a VPC's synthesised default network ACL.
pub fn default_nacl_name(vpc: &str) -> String {
    format!("{vpc}-default-acl")
}

/// The name given to a VPC's synthesised default security group.
pub fn default_sg_name(vpc: &str) -> String {
    format!("{vpc}-default-sg")
}

/// The rule number of the default network ACL's IPv4 "allow all" rule.
pub const DEFAULT_NACL_RULE_V4: u32 = 100;
/// The rule number of the default network ACL's IPv6 "allow all" rule.
pub const DEFAULT_NACL_RULE_V6: u32 = 101;

/// The rules of a default network ACL, the same each way: allow everything
/// (and everything over IPv6 when the VPC has an IPv6 block).
pub fn default_nacl_rules(ipv6: bool) -> Vec<NaclRule> {
    let all = |number, cidr: &str| NaclRule {
        number,
        action: RuleAction::Allow,
        protocol: Protocol::All,
        ports: PortRange::ALL,
        cidr: cidr.parse().expect("a literal CIDR"),
    };
    let mut rules = vec![all(DEFAULT_NACL_RULE_V4, "0.0.0.0/0")];
    if ipv6 {
        rules.push(all(DEFAULT_NACL_RULE_V6, "::/0"));
    }
    rules
}

/// The ingress rules of a default security group `id`: everything from
/// members of the group itself.
pub fn default_sg_ingress(id: SgId) -> Vec<SgRule> {
    vec![SgRule {
        protocol: Protocol::All,
        ports: PortRange::ALL,
        peer: SgPeer::Sg(id),
    }]
}

/// The egress rules of a default security group: everything to anywhere.
pub fn default_sg_egress(ipv6: bool) -> Vec<SgRule> {
    ["0.0.0.0/0", "::/0"][..if ipv6 { 2 } else { 1 }]
        .iter()
        .map(|c| SgRule {
            protocol: Protocol::All,
            ports: PortRange::ALL,
            peer: SgPeer::Cidr(c.parse().expect("a literal CIDR")),
        })
        .collect()
}

/// The spec of a default security group named `sg` in `vpc`, as it is
/// declared when an edit first touches the synthesised one: ingress from
/// itself, and no `egress` list, which means AWS's default "all outbound".
pub fn default_sg_spec(sg: &str, vpc: &str) -> SecurityGroupSpec {
    SecurityGroupSpec {
        id: sg.to_string(),
        vpc: vpc.to_string(),
        default: true,
        ingress: vec![SgRuleSpec {
            protocol: Protocol::All,
            ports: None,
            cidr: None,
            sg: Some(sg.to_string()),
            prefix_list: None,
            description: None,
        }],
        egress: None,
    }
}

/// The spec of a main route table named `table` in `vpc`, as it is declared
/// when an edit first touches the synthesised one (its `local` routes stay
/// implicit).
pub fn main_route_table_spec(table: &str, vpc: &str) -> RouteTableSpec {
    RouteTableSpec {
        id: table.to_string(),
        vpc: vpc.to_string(),
        main: true,
        routes: Vec::new(),
    }
}
