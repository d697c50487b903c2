//! Edits of network ACLs: a new allow rule, or an existing allow rule
//! widened to the address or ports a call needs (the narrow, idiomatic
//! change when a rule nearly matches).

use std::fmt;

use super::{Fix, RuleDirection};
use crate::spec::{NaclRuleSpec, RuleAction, ScenarioSpec};

fn word(direction: RuleDirection) -> &'static str {
    match direction {
        RuleDirection::Ingress => "inbound",
        RuleDirection::Egress => "outbound",
    }
}

pub(super) fn describe(fix: &Fix, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match fix {
        Fix::AddNaclRule {
            nacl,
            direction,
            rule,
            protocol,
            ports,
            cidr,
        } => write!(
            f,
            "add {} rule {rule} allow {protocol}/{ports} {cidr} to network acl {nacl}",
            word(*direction)
        ),
        Fix::WidenNaclRule {
            nacl,
            direction,
            rule,
            protocol,
            ports,
            cidr,
            was,
        } => write!(
            f,
            "widen {} rule {rule} of network acl {nacl} to allow {protocol}/{ports} {cidr} (was {was})",
            word(*direction)
        ),
        _ => unreachable!("only network acl edits are described here"),
    }
}

pub(super) fn apply(fix: &Fix, spec: &mut ScenarioSpec) {
    match fix {
        Fix::AddNaclRule {
            nacl,
            direction,
            rule,
            protocol,
            ports,
            cidr,
        } => {
            if let Some(n) = spec.network_acls.iter_mut().find(|n| &n.id == nacl) {
                let r = NaclRuleSpec {
                    rule: *rule,
                    action: RuleAction::Allow,
                    protocol: *protocol,
                    ports: Some(ports.clone()),
                    cidr: cidr.clone(),
                };
                match direction {
                    RuleDirection::Ingress => n.ingress.push(r),
                    RuleDirection::Egress => n.egress.push(r),
                }
            }
        }
        Fix::WidenNaclRule {
            nacl,
            direction,
            rule,
            ports,
            cidr,
            ..
        } => {
            let Some(n) = spec.network_acls.iter_mut().find(|n| &n.id == nacl) else {
                return;
            };
            let rules = match direction {
                RuleDirection::Ingress => &mut n.ingress,
                RuleDirection::Egress => &mut n.egress,
            };
            // The rule keeps its number, action and protocol: only what it
            // matches grows.
            if let Some(r) = rules.iter_mut().find(|r| r.rule == *rule) {
                if r.protocol.has_ports() {
                    r.ports = Some(ports.clone());
                }
                r.cidr = cidr.clone();
            }
        }
        _ => unreachable!("only network acl edits are applied here"),
    }
}
