//! "Interesting, not uniform noise": over 50 seeds, each profile produces
//! the patterns of the seed guide and the mistakes of aws-rules.md.

use std::collections::BTreeSet;

use awsreach_gen::Profile;
use awsreach_model::error::Problem;
use awsreach_model::spec::{EndpointKind, Protocol, RuleAction, TriggerSource};
use awsreach_model::{RouteDest, RouteOrigin, SgPeer, Target};

use crate::{check, gen_with};

/// Everything seen over a run of seeds.
#[derive(Default)]
struct Seen {
    triggers: BTreeSet<String>,
    features: BTreeSet<&'static str>,
}

fn survey(profile: Profile, seeds: std::ops::Range<u64>) -> Seen {
    let mut seen = Seen::default();
    for seed in seeds {
        let spec = gen_with(profile, seed);
        let checked = check(&spec, &format!("{profile} seed {seed}"));
        let sc = &checked.scenario;
        let mut f = |name: &'static str, yes: bool| {
            if yes {
                seen.features.insert(name);
            }
        };

        for t in &spec.triggers {
            seen.triggers.insert(format!("{:?}", t.source));
        }
        f(
            "vpc poller with subnets and groups",
            spec.triggers.iter().any(|t| {
                t.source.polls_in_vpc() && !t.subnets.is_empty() && !t.security_groups.is_empty()
            }),
        );
        let public = |s| sc.is_public_subnet(s);
        f(
            "public subnet",
            (0..sc.subnets.len()).any(|i| public(awsreach_model::SubnetId(i as u32))),
        );
        f(
            "nat gateway",
            sc.nat_gateways.iter().any(|n| n.public && public(n.subnet)),
        );
        f(
            "nat misplaced",
            sc.nat_gateways
                .iter()
                .any(|n| n.public && !public(n.subnet)),
        );
        f("private nat", sc.nat_gateways.iter().any(|n| !n.public));
        f(
            "vpc without nat",
            sc.vpcs.iter().enumerate().any(|(v, _)| {
                !sc.nat_gateways
                    .iter()
                    .any(|n| sc.subnets[n.subnet.ix()].vpc.ix() == v)
            }),
        );
        f(
            "gateway endpoint",
            sc.endpoints.iter().any(|e| e.kind == EndpointKind::Gateway),
        );
        f(
            "interface endpoint",
            sc.endpoints
                .iter()
                .any(|e| e.kind == EndpointKind::Interface),
        );
        f(
            "private dns on",
            sc.endpoints
                .iter()
                .any(|e| e.kind == EndpointKind::Interface && e.private_dns),
        );
        f(
            "private dns off",
            sc.endpoints
                .iter()
                .any(|e| e.kind == EndpointKind::Interface && !e.private_dns),
        );
        f(
            "private dns impossible (vpc dns off)",
            sc.endpoints.iter().any(|e| {
                let v = &sc.vpcs[e.vpc.ix()];
                e.kind == EndpointKind::Interface && !(v.dns_support && v.dns_hostnames)
            }),
        );
        f(
            "gateway endpoint missing from a table",
            sc.endpoints.iter().any(|e| {
                e.kind == EndpointKind::Gateway
                    && sc
                        .route_tables
                        .iter()
                        .filter(|t| t.vpc == e.vpc && t.declared)
                        .count()
                        > e.route_tables.len()
            }),
        );
        let admits_443 = |g: &awsreach_model::SecurityGroup| {
            g.ingress
                .iter()
                .any(|r| r.protocol.matches(Protocol::Tcp) && r.ports.contains(443))
        };
        f(
            "endpoint group without 443",
            sc.endpoints.iter().any(|e| {
                e.kind == EndpointKind::Interface
                    && !e
                        .security_groups
                        .iter()
                        .any(|g| admits_443(&sc.security_groups[g.ix()]))
            }),
        );
        f(
            "endpoint policy",
            sc.endpoints.iter().any(|e| !e.policy.is_default()),
        );
        f(
            "group references a group",
            sc.security_groups
                .iter()
                .any(|g| g.ingress.iter().any(|r| matches!(r.peer, SgPeer::Sg(_)))),
        );
        f(
            "group references a peered vpc's group",
            sc.security_groups.iter().any(|g| {
                g.ingress.iter().any(
                    |r| matches!(r.peer, SgPeer::Sg(o) if sc.security_groups[o.ix()].vpc != g.vpc),
                )
            }),
        );
        f(
            "restricted function egress",
            spec.security_groups
                .iter()
                .any(|g| g.id.ends_with("-fn") && g.egress.is_some()),
        );
        f(
            "nacl deny rule",
            sc.network_acls
                .iter()
                .any(|n| n.ingress.iter().any(|r| r.action == RuleAction::Deny)),
        );
        f(
            "nacl narrow ephemeral",
            spec.network_acls.iter().any(|n| {
                n.ingress
                    .iter()
                    .chain(&n.egress)
                    .any(|r| r.ports.as_deref() == Some("32768-60999"))
            }),
        );
        f(
            "nacl without return rule",
            spec.network_acls.iter().any(|n| {
                !n.ingress.iter().any(|r| {
                    r.ports
                        .as_deref()
                        .is_some_and(|p| p.ends_with("65535") || p.ends_with("60999"))
                })
            }),
        );
        f(
            "function outside vpc",
            sc.functions.iter().any(|f| f.vpc.is_none()),
        );
        f(
            "function in public subnet",
            sc.functions.iter().any(|f| {
                f.vpc
                    .as_ref()
                    .is_some_and(|v| v.subnets.iter().any(|s| public(*s)))
            }),
        );
        f(
            "function in private subnet",
            sc.functions.iter().any(|f| {
                f.vpc
                    .as_ref()
                    .is_some_and(|v| v.subnets.iter().all(|s| !public(*s)))
            }),
        );
        f(
            "function policy",
            sc.functions.iter().any(|f| f.policy.is_some()),
        );
        f(
            "resource with public ip",
            sc.resources
                .iter()
                .any(|r| sc.enis[r.eni.ix()].public_ip.is_some()),
        );
        f(
            "public-subnet resource without public ip",
            checked
                .warnings
                .iter()
                .any(|w| matches!(w.problem, Problem::NoPublicIpInPublicSubnet { .. })),
        );
        f(
            "resource listening",
            sc.resources.iter().any(|r| !r.listen.is_empty()),
        );
        f(
            "resource with explicit ip",
            spec.resources.iter().any(|r| r.private_ip.is_some()),
        );
        f("external host", !sc.external_hosts.is_empty());
        f("peering", !sc.peerings.is_empty());
        f(
            "peering routed on both sides",
            sc.peerings.iter().any(|p| {
                [p.requester, p.accepter].iter().all(|v| {
                    sc.route_tables.iter().any(|t| {
                        t.vpc == *v
                            && t.routes
                                .iter()
                                .any(|r| matches!(r.target, Target::Peering(_)))
                    })
                })
            }),
        );
        f("transit gateway", !sc.transit_gateways.is_empty());
        let declared = |t: &awsreach_model::RouteTable| {
            t.routes
                .iter()
                .filter(|r| r.origin == RouteOrigin::Declared)
                .copied()
                .collect::<Vec<_>>()
        };
        f(
            "blackhole route",
            sc.route_tables
                .iter()
                .any(|t| t.routes.iter().any(|r| r.target == Target::Blackhole)),
        );
        f(
            "overlapping routes to different targets",
            sc.route_tables.iter().any(|t| {
                let rs = declared(t);
                rs.iter().any(|a| {
                    rs.iter().any(|b| match (a.dest, b.dest) {
                        (RouteDest::Cidr(x), RouteDest::Cidr(y)) => {
                            x != y && x.contains(&y) && a.target != b.target
                        }
                        _ => false,
                    })
                })
            }),
        );
        f(
            "eni route (nat instance)",
            sc.route_tables
                .iter()
                .any(|t| t.routes.iter().any(|r| matches!(r.target, Target::Eni(_)))),
        );
        f(
            "appliance chain longer than four",
            (0..sc.route_tables.len()).any(|t| appliance_chain(sc, t) > 4),
        );
        f("ipv6", sc.vpcs.iter().any(|v| v.ipv6_cidr.is_some()));
        f(
            "service override",
            spec.services
                .iter()
                .any(|s| s.interface_endpoint == Some(false)),
        );
        f(
            "provisioned poller",
            spec.triggers
                .iter()
                .any(|t| t.mode == awsreach_model::spec::PollerMode::Provisioned),
        );
        f(
            "secrets manager poller",
            spec.triggers.iter().any(|t| t.secrets_manager),
        );
    }
    seen
}

/// How many forwarding appliances the default route of table `t` passes
/// through, each sending on by its own subnet's default route (a loop counts
/// each appliance once).
fn appliance_chain(sc: &awsreach_model::Scenario, t: usize) -> usize {
    let default = |t: usize| {
        sc.route_tables[t]
            .routes
            .iter()
            .find_map(|r| match (r.dest, r.target) {
                (RouteDest::Cidr(n), Target::Eni(e)) if n.to_string() == "0.0.0.0/0" => Some(e),
                _ => None,
            })
    };
    let mut seen = Vec::new();
    let mut next = default(t);
    while let Some(e) = next {
        if seen.contains(&e) {
            break;
        }
        seen.push(e);
        let subnet = sc.enis[e.ix()].subnet;
        next = default(sc.subnets[subnet.ix()].route_table.ix());
    }
    seen.len()
}

const EVERY_TRIGGER: [TriggerSource; 11] = [
    TriggerSource::Sqs,
    TriggerSource::Kinesis,
    TriggerSource::DynamoDbStreams,
    TriggerSource::Msk,
    TriggerSource::SelfManagedKafka,
    TriggerSource::AmazonMq,
    TriggerSource::DocumentDb,
    TriggerSource::EventBridge,
    TriggerSource::Sns,
    TriggerSource::S3,
    TriggerSource::ApiGateway,
];

const FEATURES: [&str; 39] = [
    "vpc poller with subnets and groups",
    "public subnet",
    "nat gateway",
    "nat misplaced",
    "private nat",
    "vpc without nat",
    "gateway endpoint",
    "interface endpoint",
    "private dns on",
    "private dns off",
    "private dns impossible (vpc dns off)",
    "gateway endpoint missing from a table",
    "endpoint group without 443",
    "endpoint policy",
    "group references a group",
    "group references a peered vpc's group",
    "restricted function egress",
    "nacl deny rule",
    "nacl narrow ephemeral",
    "nacl without return rule",
    "function outside vpc",
    "function in public subnet",
    "function in private subnet",
    "function policy",
    "resource with public ip",
    "public-subnet resource without public ip",
    "resource listening",
    "resource with explicit ip",
    "external host",
    "peering",
    "peering routed on both sides",
    "transit gateway",
    "blackhole route",
    "overlapping routes to different targets",
    "eni route (nat instance)",
    "appliance chain longer than four",
    "ipv6",
    "service override",
    "provisioned poller",
];

fn assert_covered(profile: Profile) {
    let seen = survey(profile, 0..50);
    for t in EVERY_TRIGGER {
        assert!(
            seen.triggers.contains(&format!("{t:?}")),
            "{profile}: no {t:?} trigger in 50 seeds"
        );
    }
    let missing: Vec<&str> = FEATURES
        .iter()
        .copied()
        .filter(|f| !seen.features.contains(f))
        .collect();
    assert!(missing.is_empty(), "{profile}: never generated {missing:?}");
}

#[test]
fn realistic_covers_every_pattern() {
    assert_covered(Profile::Realistic);
}

#[test]
fn adversarial_covers_every_pattern() {
    assert_covered(Profile::Adversarial);
}

#[test]
fn small_covers_every_pattern() {
    assert_covered(Profile::Small);
}

/// The adversarial profile leans on the mistakes: it makes each of them
/// more often than the realistic one.
#[test]
fn adversarial_makes_more_mistakes() {
    let count = |profile| {
        let mut n = 0;
        for seed in 0..50 {
            let spec = gen_with(profile, seed);
            let sc = check(&spec, "").scenario;
            n += sc
                .nat_gateways
                .iter()
                .filter(|g| g.public && !sc.is_public_subnet(g.subnet))
                .count();
            n += sc
                .endpoints
                .iter()
                .filter(|e| e.kind == EndpointKind::Interface && !e.private_dns)
                .count();
        }
        n
    };
    assert!(count(Profile::Adversarial) > count(Profile::Realistic));
}
