//! Greedy scenario shrinking: drop entities, rules, routes and optional
//! fields one at a time while a property (a fuzz violation) still holds.
//!
//! Every candidate is a smaller [`ScenarioSpec`]; the predicate decides
//! whether it still shows the problem (and, for the fuzz harness, whether it
//! is still valid). Lists are tried from the end so that a removal never
//! shifts the positions still to try, whole entities before their parts,
//! and the passes repeat until nothing more can go or the budget of
//! predicate calls is spent.

use awsreach_model::ScenarioSpec;

/// How many positions an edit has in a spec, and how to apply it at one
/// (false: nothing to do there).
struct Edit {
    count: fn(&ScenarioSpec) -> usize,
    apply: fn(&mut ScenarioSpec, usize) -> bool,
}

macro_rules! drop_item {
    ($field:ident) => {
        Edit {
            count: |s| s.$field.len(),
            apply: |s, i| {
                s.$field.remove(i);
                true
            },
        }
    };
}

/// Drops element `j` of the inner list of element `k` of an outer list,
/// with positions flattened over the outer list.
macro_rules! drop_inner {
    ($outer:ident, $inner:ident) => {
        Edit {
            count: |s| s.$outer.iter().map(|o| o.$inner.len()).sum(),
            apply: |s, mut i| {
                for o in &mut s.$outer {
                    if i < o.$inner.len() {
                        o.$inner.remove(i);
                        return true;
                    }
                    i -= o.$inner.len();
                }
                false
            },
        }
    };
}

/// Resets an optional field of each element of a list to its default.
macro_rules! clear_field {
    ($outer:ident, $field:ident) => {
        Edit {
            count: |s| s.$outer.len(),
            apply: |s, i| {
                let f = &mut s.$outer[i].$field;
                if *f == Default::default() {
                    return false;
                }
                *f = Default::default();
                true
            },
        }
    };
}

fn edits() -> Vec<Edit> {
    vec![
        // Whole entities, dependants first.
        drop_item!(expect),
        drop_item!(identities),
        drop_item!(triggers),
        drop_item!(functions),
        drop_item!(resources),
        drop_item!(external_hosts),
        drop_item!(vpc_endpoints),
        drop_item!(transit_gateways),
        drop_item!(nat_gateways),
        drop_item!(peering_connections),
        drop_item!(network_acls),
        drop_item!(security_groups),
        drop_item!(route_tables),
        drop_item!(subnets),
        drop_item!(internet_gateways),
        drop_item!(egress_only_internet_gateways),
        drop_item!(vpcs),
        drop_item!(services),
        // Parts of entities.
        drop_inner!(route_tables, routes),
        drop_inner!(security_groups, ingress),
        Edit {
            count: |s| {
                s.security_groups
                    .iter()
                    .map(|g| g.egress.as_ref().map_or(0, Vec::len))
                    .sum()
            },
            apply: |s, mut i| {
                for g in &mut s.security_groups {
                    let Some(rules) = &mut g.egress else { continue };
                    if i < rules.len() {
                        rules.remove(i);
                        return true;
                    }
                    i -= rules.len();
                }
                false
            },
        },
        drop_inner!(network_acls, ingress),
        drop_inner!(network_acls, egress),
        drop_inner!(network_acls, subnets),
        drop_inner!(resources, listen),
        drop_inner!(resources, security_groups),
        drop_inner!(vpc_endpoints, subnets),
        drop_inner!(vpc_endpoints, route_tables),
        drop_inner!(vpc_endpoints, security_groups),
        drop_inner!(triggers, subnets),
        drop_inner!(triggers, security_groups),
        drop_inner!(transit_gateways, attachments),
        drop_inner!(transit_gateways, routes),
        drop_inner!(vpcs, secondary_cidrs),
        Edit {
            count: |s| {
                s.functions
                    .iter()
                    .map(|f| {
                        f.vpc
                            .as_ref()
                            .map_or(0, |v| v.subnets.len() + v.security_groups.len())
                    })
                    .sum()
            },
            apply: |s, mut i| {
                for f in &mut s.functions {
                    let Some(v) = &mut f.vpc else { continue };
                    if i < v.subnets.len() {
                        v.subnets.remove(i);
                        return true;
                    }
                    i -= v.subnets.len();
                    if i < v.security_groups.len() {
                        v.security_groups.remove(i);
                        return true;
                    }
                    i -= v.security_groups.len();
                }
                false
            },
        },
        Edit {
            count: |s| {
                s.functions
                    .iter()
                    .map(|f| f.policy.as_ref().map_or(0, |p| p.allow.len()))
                    .sum()
            },
            apply: |s, mut i| {
                for f in &mut s.functions {
                    let Some(p) = &mut f.policy else { continue };
                    if i < p.allow.len() {
                        p.allow.remove(i);
                        return true;
                    }
                    i -= p.allow.len();
                }
                false
            },
        },
        // Optional fields back to their defaults.
        clear_field!(functions, policy),
        clear_field!(functions, vpc),
        clear_field!(resources, public_ip),
        clear_field!(resources, private_ip),
        clear_field!(resources, ipv6_ip),
        clear_field!(resources, forwarding),
        clear_field!(subnets, route_table),
        clear_field!(subnets, network_acl),
        clear_field!(subnets, ipv6_cidr),
        clear_field!(subnets, az),
        clear_field!(vpcs, ipv6_cidr),
        clear_field!(vpc_endpoints, policy),
        clear_field!(triggers, id),
        clear_field!(triggers, port),
        clear_field!(triggers, secrets_manager),
        clear_field!(security_groups, egress),
        clear_field!(security_groups, default),
        clear_field!(network_acls, default),
        clear_field!(route_tables, main),
        Edit {
            count: |_| 1,
            apply: |s, _| {
                let had = s.name.is_some() || s.description.is_some();
                s.name = None;
                s.description = None;
                had
            },
        },
    ]
}

/// The result of a shrink.
#[derive(Debug, Clone)]
pub struct Shrunk {
    pub spec: ScenarioSpec,
    /// Predicate calls made.
    pub tries: usize,
    /// Edits kept.
    pub steps: usize,
}

/// Shrinks `spec` while `keep` holds, calling it at most `budget` times.
/// `keep` is not called on `spec` itself: the caller knows it holds.
pub fn shrink(
    spec: &ScenarioSpec,
    mut keep: impl FnMut(&ScenarioSpec) -> bool,
    budget: usize,
) -> Shrunk {
    let mut best = spec.clone();
    let (mut tries, mut steps) = (0, 0);
    let edits = edits();
    loop {
        let mut progress = false;
        for e in &edits {
            let mut i = (e.count)(&best);
            while i > 0 {
                i -= 1;
                if tries >= budget {
                    return Shrunk {
                        spec: best,
                        tries,
                        steps,
                    };
                }
                let mut cand = best.clone();
                if !(e.apply)(&mut cand, i) {
                    continue;
                }
                tries += 1;
                if keep(&cand) {
                    best = cand;
                    steps += 1;
                    progress = true;
                    // Removals never shift the positions below `i`; clears
                    // leave the count as it was.
                    i = i.min((e.count)(&best));
                }
            }
        }
        if !progress {
            return Shrunk {
                spec: best,
                tries,
                steps,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use awsreach_model::spec::{FunctionSpec, ResourceSpec};

    fn function(id: &str) -> FunctionSpec {
        FunctionSpec {
            name: None,
            id: id.into(),
            vpc: None,
            policy: None,
        }
    }

    #[test]
    fn drops_everything_the_property_does_not_need() {
        let mut spec = ScenarioSpec {
            name: Some("big".into()),
            ..ScenarioSpec::default()
        };
        for i in 0..20 {
            spec.functions.push(function(&format!("fn-{i}")));
        }
        spec.resources.push(ResourceSpec {
            name: None,
            id: "db".into(),
            kind: Default::default(),
            subnet: "nowhere".into(),
            private_ip: None,
            public_ip: Some("54.0.0.1".into()),
            ipv6_ip: None,
            security_groups: Vec::new(),
            listen: vec!["tcp/5432".into()],
            forwarding: false,
        });
        // The "bug" needs fn-7 and fn-13, nothing else.
        let needs = |s: &ScenarioSpec| {
            s.functions.iter().any(|f| f.id == "fn-7")
                && s.functions.iter().any(|f| f.id == "fn-13")
        };
        let out = shrink(&spec, needs, 10_000);
        let ids: Vec<&str> = out.spec.functions.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["fn-7", "fn-13"]);
        assert!(out.spec.resources.is_empty());
        assert_eq!(out.spec.name, None);
    }

    #[test]
    fn respects_the_budget() {
        let mut spec = ScenarioSpec::default();
        for i in 0..50 {
            spec.functions.push(function(&format!("fn-{i}")));
        }
        let out = shrink(&spec, |_| true, 10);
        assert_eq!(out.tries, 10);
        assert_eq!(out.spec.functions.len(), 40);
    }
}
