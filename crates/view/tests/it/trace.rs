//! Tests of the trace document: every hop names the entity it concerns by
//! kind and id (so a picture can find it), the verdict, code and blocking
//! step are separate fields, and the JSON keeps the documented field names.

use awsreach_model::{Scenario, load};
use awsreach_sim::{Engine, ProbeOptions, Verdict};
use awsreach_view::TraceDoc;
use awsreach_view::trace::{Entity, VERSION};

const SCENARIOS: [&str; 13] = [
    include_str!("../../../../scenarios/seed/p1-outside-vpc-calls-out.ron"),
    include_str!("../../../../scenarios/seed/p2-outside-vpc-invoked-no-nat.ron"),
    include_str!("../../../../scenarios/seed/p2e-outside-vpc-invoked-lambda-endpoint.ron"),
    include_str!("../../../../scenarios/seed/p3-outside-vpc-invoked-with-nat.ron"),
    include_str!("../../../../scenarios/seed/p3e-outside-vpc-invoked-nat-and-endpoint.ron"),
    include_str!("../../../../scenarios/seed/p4-public-subnet-calls-out.ron"),
    include_str!("../../../../scenarios/seed/p5-public-subnet-invoked.ron"),
    include_str!("../../../../scenarios/seed/p5e-public-subnet-invoked-lambda-endpoint.ron"),
    include_str!("../../../../scenarios/seed/p6-private-no-nat-calls-out.ron"),
    include_str!("../../../../scenarios/seed/p7-private-with-nat-calls-out.ron"),
    include_str!("../../../../scenarios/seed/p8-private-subnet-invoked.ron"),
    include_str!("../../../../scenarios/example-full.ron"),
    include_str!("../../../../scenarios/rules/unknown-missing-data.ron"),
];

/// Every trace of every `expect` entry of the bundled scenarios, with its document.
fn documents() -> Vec<(Engine, awsreach_sim::Trace, TraceDoc)> {
    let mut out = Vec::new();
    for src in SCENARIOS {
        let engine = Engine::new(load(src).expect("bundled scenarios load").scenario);
        let expectations = engine.scenario().expectations.clone();
        for e in &expectations {
            let opts = ProbeOptions {
                port: e.port,
                protocol: e.protocol,
                ..ProbeOptions::default()
            };
            let probe = engine
                .probe(&e.from, &e.to, &opts)
                .expect("expectation probes");
            let t = engine.trace(&probe);
            let doc = TraceDoc::new(&engine, &t, &[]);
            out.push((engine_clone(src), t, doc));
        }
    }
    out
}

fn engine_clone(src: &str) -> Engine {
    Engine::new(load(src).unwrap().scenario)
}

/// The ids of the scenario's entities of one kind, found without the document.
fn ids_of(sc: &Scenario, e: Entity) -> Vec<&str> {
    fn names<T>(l: &[T], f: impl Fn(&T) -> &str) -> Vec<&str> {
        l.iter().map(f).collect()
    }
    match e {
        Entity::Vpc => names(&sc.vpcs, |x| &x.name),
        Entity::Subnet => names(&sc.subnets, |x| &x.name),
        Entity::RouteTable => names(&sc.route_tables, |x| &x.name),
        Entity::InternetGateway => names(&sc.internet_gateways, |x| &x.name),
        Entity::EgressOnlyIgw => names(&sc.egress_only_igws, |x| &x.name),
        Entity::NatGateway => names(&sc.nat_gateways, |x| &x.name),
        Entity::VpcEndpoint => names(&sc.endpoints, |x| &x.name),
        Entity::SecurityGroup => names(&sc.security_groups, |x| &x.name),
        Entity::NetworkAcl => names(&sc.network_acls, |x| &x.name),
        Entity::Resource => names(&sc.resources, |x| &x.name),
        Entity::Function => names(&sc.functions, |x| &x.name),
        Entity::Service => names(&sc.services, |x| &x.id),
        Entity::Trigger => names(&sc.triggers, |x| &x.name),
        Entity::ExternalHost => names(&sc.external_hosts, |x| &x.name),
        Entity::Peering => names(&sc.peerings, |x| &x.name),
        Entity::TransitGateway => names(&sc.transit_gateways, |x| &x.name),
        Entity::AwsManaged | Entity::Internet | Entity::Address => Vec::new(),
    }
}

#[test]
fn every_hop_names_an_entity_of_its_scenario() {
    let docs = documents();
    assert!(docs.len() > 40, "only {} traces", docs.len());
    for (engine, t, doc) in &docs {
        let sc = engine.scenario();
        assert_eq!(doc.hops.len(), t.hops.len());
        for (i, (h, d)) in t.hops.iter().zip(&doc.hops).enumerate() {
            assert_eq!(d.step, i + 1);
            let shown = t.show(h, sc);
            assert_eq!(
                (d.kind, d.component.clone()),
                (h.kind.as_str(), shown.component().to_string())
            );
            let known = ids_of(sc, d.entity);
            for id in &d.ids {
                assert!(
                    known.contains(&id.as_str()),
                    "{d:?}: {id} is no {:?}",
                    d.entity
                );
            }
            let want = match h.kind.as_str() {
                "route-table" => Some(Entity::RouteTable),
                "network-acl" => Some(Entity::NetworkAcl),
                "security-group" => Some(Entity::SecurityGroup),
                "nat-gateway" => Some(Entity::NatGateway),
                "internet-gateway" => Some(Entity::InternetGateway),
                "vpc-endpoint" => Some(Entity::VpcEndpoint),
                "function" => Some(Entity::Function),
                "lambda-service" | "lambda-network" => Some(Entity::AwsManaged),
                "internet" => Some(Entity::Internet),
                _ => None,
            };
            // A hop that would read missing data may name what lacks it
            // (the subnet whose route table is unknown).
            if let (Some(want), false) = (want, d.decision == awsreach_sim::Decision::Unknown) {
                assert_eq!(d.entity, want, "{d:?}");
            }
            let entity = !matches!(
                d.entity,
                Entity::AwsManaged | Entity::Internet | Entity::Address
            );
            assert_eq!(entity, !d.ids.is_empty(), "{d:?}");
        }
    }
}

#[test]
fn verdict_code_and_blocking_step_are_separate_fields() {
    let docs = documents();
    let (mut blocked, mut unknown) = (0, 0);
    for (engine, t, doc) in &docs {
        assert_eq!(doc.version, VERSION);
        assert_eq!(doc.verdict, t.outcome().word());
        assert_eq!(doc.code, t.verdict.code().map(|c| c.as_str()));
        let json = serde_json::to_value(doc).unwrap();
        match &t.verdict {
            Verdict::Reachable => {
                assert!(doc.hop.is_none() && doc.blocked.is_none() && doc.unknown.is_none());
                assert!(json.get("why").is_none());
            }
            Verdict::Blocked(b) => {
                blocked += 1;
                assert_eq!(doc.hop, Some(b.hop + 1));
                assert_eq!(doc.hops[b.hop].decision, awsreach_sim::Decision::Block);
                let d = doc.blocked.as_ref().expect("blocked details");
                let ex = engine.explain(t).expect("a blocked trace is explained");
                assert!(!ex.why.is_empty());
                assert_eq!(d.why, ex.why);
                assert_eq!(d.fixes.len(), ex.fixes.len());
                assert_eq!(json["why"], ex.why.as_str());
                assert_eq!(json["code"], b.code.as_str());
                assert_eq!(json["hop"], b.hop + 1);
                assert!(json.get("missing").is_none());
            }
            Verdict::Unknown(u) => {
                unknown += 1;
                assert_eq!(doc.hop, Some(u.hop + 1));
                let what = engine.why(t).expect("an unknown trace is explained");
                assert!(!what.is_empty());
                assert_eq!(doc.unknown.as_ref().unwrap().missing, what);
                assert_eq!(json["missing"], what.as_str());
                assert!(json.get("why").is_none());
            }
        }
    }
    assert!(
        blocked > 5 && unknown > 2,
        "{blocked} blocked, {unknown} unknown"
    );
}
