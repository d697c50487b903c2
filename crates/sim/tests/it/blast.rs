//! The blast radius of fixes: what else each remedy opens and breaks, the
//! flags on dangerous ones, and the ranking (fewest side effects first).

use awsreach_sim::blast::{Assessment, DangerKind, assess, fixes_of, trace_assessed};
use awsreach_sim::{Fix, Outcome, ProbeOptions, Verdict};

use crate::{Loaded, load_file, root, scenario};

fn assessed(l: &Loaded, from: &str, to: &str) -> Vec<Assessment> {
    let (trace, a) = trace_assessed(&l.spec, &l.engine, from, to, &ProbeOptions::default(), 0)
        .expect("probe resolves");
    let Verdict::Blocked(_) = &trace.verdict else {
        panic!("{from} -> {to} is blocked")
    };
    // The fixes shown are the assessed remedies, in ranked order: the
    // engine's own remedies, reordered.
    let shown = fixes_of(&l.engine, &trace, &a);
    assert_eq!(
        shown,
        a.iter().map(|x| x.remedy.clone()).collect::<Vec<_>>()
    );
    let mut own = l.engine.remedies(&trace);
    let mut ranked = shown.clone();
    own.sort_by_key(|r| r.to_string());
    ranked.sort_by_key(|r| r.to_string());
    assert_eq!(own, ranked);
    a
}

/// The first remedy that adds a route.
fn route_remedy(a: &[Assessment]) -> &Assessment {
    a.iter()
        .find(|x| {
            x.remedy
                .steps
                .iter()
                .any(|s| matches!(s, Fix::AddRoute { .. }))
        })
        .expect("a route remedy")
}

fn kinds(a: &Assessment) -> Vec<DangerKind> {
    a.dangers.iter().map(|d| d.kind).collect()
}

fn seed(name: &str) -> Loaded {
    load_file(&root().join("scenarios/seed").join(name))
}

#[test]
fn a_clean_fix_changes_only_its_own_call() {
    let l = seed("p6-private-no-nat-calls-out.ron");
    let a = assessed(&l, "fn", "sns");
    let first = &a[0];
    assert_eq!(first.probe_after, Some(Outcome::Reachable));
    assert_eq!(first.claimed.len(), 1);
    assert_eq!(
        (
            first.claimed[0].from.id.as_str(),
            first.claimed[0].to.id.as_str()
        ),
        ("fn", "sns")
    );
    // A NAT gateway for the private table also opens the rest of the
    // internet to everything in that subnet: reported, not hidden.
    assert!(
        first
            .opens
            .iter()
            .any(|e| e.from.id == "private-ec2" && e.to.id == "internet")
    );
    assert!(first.breaks.is_empty());
    // The interface endpoint with private DNS changes how every caller in
    // the VPC resolves sns: the public instance loses it.
    let endpoint = a
        .iter()
        .find(|x| {
            x.remedy
                .steps
                .iter()
                .any(|s| matches!(s, Fix::CreateInterfaceEndpoint { .. }))
        })
        .expect("an endpoint remedy");
    assert!(
        endpoint
            .breaks
            .iter()
            .any(|e| e.from.id == "public-ec2" && e.to.id == "sns"),
        "{:?}",
        endpoint.breaks
    );
}

#[test]
fn exposure_ranks_after_a_fix_that_only_breaks_calls() {
    // p1: a function outside any VPC cannot reach a private instance. One
    // remedy gives the instance a public IP (flagged), the other moves the
    // function into the VPC, where it loses the internet (flagged, with
    // what breaks). Exposure ranks last.
    let l = seed("p1-outside-vpc-calls-out.ron");
    let a = assessed(&l, "fn", "private-ec2");
    assert_eq!(a.len(), 2);
    assert_eq!(kinds(&a[0]), [DangerKind::FunctionMoved]);
    assert!(!a[0].breaks.is_empty() && a[0].breaks.iter().all(|e| e.from.id == "fn"));
    assert!(kinds(&a[1]).contains(&DangerKind::PublicResource));
    // Whatever order they come in, exposure ranks last.
    let probe = l
        .engine
        .probe("fn", "private-ec2", &ProbeOptions::default())
        .unwrap();
    let reversed = [a[1].remedy.clone(), a[0].remedy.clone()];
    let again = assess(&l.spec, &l.engine, &probe, &reversed);
    assert_eq!(again[0].remedy, a[0].remedy);
    assert_eq!(again[0].index, 1);
}

#[test]
fn a_port_opened_to_the_world_is_flagged() {
    let l = load_file(&root().join("scenarios/rules/public-resource-filters.ron"));
    let a = assessed(&l, "fn", "closed-ec2");
    assert!(
        a.iter()
            .any(|x| kinds(x).contains(&DangerKind::OpenToWorld)),
        "{:?}",
        a.iter().map(|x| x.remedy.to_string()).collect::<Vec<_>>()
    );
}

const SHARED_MAIN: &str = r#"(
    vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
    subnets: [
        (id: "public", vpc: "vpc", cidr: "10.0.0.0/24", route_table: "rt-public"),
        (id: "app", vpc: "vpc", cidr: "10.0.1.0/24"),
        (id: "data", vpc: "vpc", cidr: "10.0.2.0/24"),
    ],
    route_tables: [(id: "rt-public", vpc: "vpc", routes: [(dest: "0.0.0.0/0", target: Igw("igw"))])],
    internet_gateways: [(id: "igw", vpc: "vpc")],
    nat_gateways: [(id: "nat", subnet: "public", elastic_ip: "54.160.0.100")],
    resources: [(id: "db", subnet: "data", listen: ["tcp/5432"])],
    functions: [(id: "fn", vpc: (subnets: ["app"]))],
    services: [(id: "sns")],
)"#;

#[test]
fn a_nat_route_goes_to_a_table_of_the_subnets_own_not_the_shared_main_one() {
    // app and data both use the VPC's implicit main table: the route fix
    // gives app a table of its own instead, so the database subnet keeps
    // no internet route.
    let l = scenario(SHARED_MAIN);
    let a = assessed(&l, "fn", "sns");
    let route = route_remedy(&a);
    assert!(
        matches!(&route.remedy.steps[0], Fix::OwnRouteTable { subnet, copy_of, .. } if subnet == "app" && copy_of == "vpc-main"),
        "{}",
        route.remedy
    );
    assert_eq!(
        route.probe_after,
        Some(Outcome::Reachable),
        "{}",
        route.remedy
    );
    assert!(
        !kinds(route).contains(&DangerKind::SharedRouteTable),
        "{:?}",
        route.dangers
    );
    assert!(
        route.opens.iter().all(|e| e.from.id == "fn"),
        "{:?}",
        route.opens
    );
}

#[test]
fn a_route_added_to_a_shared_main_table_is_flagged_with_the_other_subnets() {
    let l = scenario(SHARED_MAIN);
    let probe = l
        .engine
        .probe("fn", "sns", &ProbeOptions::default())
        .unwrap();
    let (trace, _) =
        trace_assessed(&l.spec, &l.engine, "fn", "sns", &ProbeOptions::default(), 0).unwrap();
    assert!(matches!(trace.verdict, Verdict::Blocked(_)));
    // The unnarrowed remedy: the same route, on the main table itself.
    let wide = l
        .engine
        .remedies(&trace)
        .iter()
        .find_map(|r| {
            r.steps.iter().find_map(|s| match s {
                Fix::AddRoute { .. } => {
                    let mut s = s.clone();
                    if let Fix::AddRoute { table, .. } = &mut s {
                        *table = "vpc-main".into();
                    }
                    Some(awsreach_sim::Remedy::one(s))
                }
                _ => None,
            })
        })
        .expect("a route remedy");
    let a = assess(&l.spec, &l.engine, &probe, &[wide]);
    let d = a[0]
        .dangers
        .iter()
        .find(|d| d.kind == DangerKind::SharedRouteTable)
        .expect("flagged");
    assert!(
        d.detail.contains("main route table") && d.detail.contains("data"),
        "{}",
        d.detail
    );
    assert!(
        a[0].opens.iter().any(|e| e.from.id == "db"),
        "{:?}",
        a[0].opens
    );
}

#[test]
fn an_invalid_patch_is_reported_and_ranked_last() {
    let l = seed("p6-private-no-nat-calls-out.ron");
    let probe = l
        .engine
        .probe("fn", "sns", &ProbeOptions::default())
        .unwrap();
    let good = {
        let (t, a) =
            trace_assessed(&l.spec, &l.engine, "fn", "sns", &ProbeOptions::default(), 0).unwrap();
        assert!(matches!(t.verdict, Verdict::Blocked(_)));
        fixes_of(&l.engine, &t, &a)[0].clone()
    };
    let bad = awsreach_sim::Remedy::one(Fix::MoveFunction {
        function: "fn".into(),
        subnets: vec!["no-such-subnet".into()],
    });
    let a = assess(&l.spec, &l.engine, &probe, &[bad, good]);
    assert!(a[0].invalid.is_none() && a[0].index == 1);
    assert!(a[1].invalid.is_some() && a[1].index == 0);
}

#[test]
fn a_network_acl_fix_for_a_function_names_its_subnet_not_its_eni_address() {
    // Lambda picks (and replaces) its ENIs' addresses: a /32 for one would
    // break on the next deployment. The rule names the function's subnet;
    // for an instance's fixed address it stays a /32.
    let l = scenario(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "app", vpc: "vpc", cidr: "10.0.1.0/24"),
            (id: "data", vpc: "vpc", cidr: "10.0.2.0/24", network_acl: "data-acl"),
        ],
        network_acls: [(
            id: "data-acl", vpc: "vpc", subnets: ["data"],
            ingress: [(rule: 100, action: Allow, protocol: Tcp, ports: "5432", cidr: "10.0.9.0/24")],
            egress: [(rule: 100, action: Allow, protocol: All, cidr: "0.0.0.0/0")],
        )],
        security_groups: [(id: "db-sg", vpc: "vpc", ingress: [(protocol: Tcp, ports: "5432", cidr: "10.0.0.0/16")])],
        resources: [
            (id: "db", subnet: "data", security_groups: ["db-sg"], listen: ["tcp/5432"]),
            (id: "app-ec2", subnet: "app", listen: ["tcp/22"]),
        ],
        functions: [(id: "fn", vpc: (subnets: ["app"]))],
    )"#,
    );
    let nacl_cidr = |from: &str| -> String {
        let t = l.trace(from, "db");
        let Verdict::Blocked(_) = &t.verdict else {
            panic!("{from} -> db blocked")
        };
        t.fixes
            .iter()
            .flat_map(|r| &r.steps)
            .find_map(|s| match s {
                Fix::AddNaclRule { cidr, .. } => Some(cidr.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("a nacl fix for {from}: {:?}", t.fixes))
    };
    assert_eq!(nacl_cidr("fn"), "10.0.1.0/24");
    assert!(nacl_cidr("app-ec2").ends_with("/32"));
}

/// A data subnet whose network ACL admits the database port from
/// `acl_from` and lets replies out to `reply_ports`; the function sits in
/// 10.0.1.0/24, `batch` in 10.0.0.0/24 and `app-ec2` in 10.0.3.0/24.
fn nacl_near_miss(acl_from: &str, reply_ports: &str) -> Loaded {
    scenario(&format!(
        r#"(
        vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
        subnets: [
            (id: "legacy", vpc: "vpc", cidr: "10.0.0.0/24"),
            (id: "app", vpc: "vpc", cidr: "10.0.1.0/24"),
            (id: "other", vpc: "vpc", cidr: "10.0.3.0/24"),
            (id: "data", vpc: "vpc", cidr: "10.0.2.0/24", network_acl: "data-acl"),
        ],
        network_acls: [(
            id: "data-acl", vpc: "vpc", subnets: ["data"],
            ingress: [(rule: 100, action: Allow, protocol: Tcp, ports: "5432", cidr: "{acl_from}")],
            egress: [(rule: 100, action: Allow, protocol: Tcp, ports: "{reply_ports}", cidr: "10.0.0.0/16")],
        )],
        security_groups: [(id: "db-sg", vpc: "vpc", ingress: [(protocol: Tcp, ports: "5432", cidr: "10.0.0.0/16")])],
        resources: [
            (id: "db", subnet: "data", security_groups: ["db-sg"], listen: ["tcp/5432"]),
            (id: "batch", subnet: "legacy"),
            (id: "app-ec2", subnet: "other", listen: ["tcp/22"]),
        ],
        functions: [(id: "fn", vpc: (subnets: ["app"]))],
    )"#
    ))
}

fn widens(a: &Assessment) -> bool {
    a.remedy
        .steps
        .iter()
        .any(|s| matches!(s, Fix::WidenNaclRule { .. }))
}

#[test]
fn a_nearly_matching_network_acl_rule_is_widened_before_a_rule_of_its_own() {
    // The ACL entry numbered 100 admits 5432 from the legacy /24 next to the function's
    // subnet: widening it to the /23 holding both is one edit and opens
    // nothing else, so it ranks first, ahead of a new rule for the subnet.
    let l = nacl_near_miss("10.0.0.0/24", "1024-65535");
    let a = assessed(&l, "fn", "db");
    assert!(widens(&a[0]), "{:#?}", a[0].remedy);
    let Fix::WidenNaclRule {
        nacl,
        rule,
        cidr,
        ports,
        ..
    } = &a[0].remedy.steps[0]
    else {
        unreachable!("a widening has one step")
    };
    assert_eq!(
        (nacl.as_str(), *rule, cidr.as_str(), ports.as_str()),
        ("data-acl", 100, "10.0.0.0/23", "5432")
    );
    assert!(a[0].is_clean(), "{:#?}", a[0]);
    assert_eq!(a[0].probe_after, Some(Outcome::Reachable));
    assert!(
        a.iter().any(|x| x
            .remedy
            .steps
            .iter()
            .any(|s| matches!(s, Fix::AddNaclRule { .. }))),
        "the new rule is still offered"
    );
    // The patched scenario lets the call through; the rule kept its number.
    let (fixed, checked) = awsreach_sim::apply_remedy(&l.spec, &a[0].remedy).expect("valid");
    let e = awsreach_sim::Engine::new(checked);
    let p = e.probe("fn", "db", &ProbeOptions::default()).unwrap();
    assert_eq!(e.outcome(&p), Outcome::Reachable);
    let acl = fixed
        .network_acls
        .iter()
        .find(|n| n.id == "data-acl")
        .unwrap();
    assert_eq!(acl.ingress.len(), 1);
    assert_eq!(acl.ingress[0].rule, 100);
}

#[test]
fn a_widening_that_opens_other_calls_ranks_after_the_narrow_rule() {
    // The block holding 10.0.3.0/24 and the function's 10.0.1.0/24 is
    // 10.0.0.0/22, which also admits batch in 10.0.0.0/24: the blast
    // radius says so, and the new rule for the function's subnet ranks first.
    let l = nacl_near_miss("10.0.3.0/24", "1024-65535");
    let a = assessed(&l, "fn", "db");
    let widen = a.iter().find(|x| widens(x)).expect("a widening is offered");
    let Fix::WidenNaclRule { cidr, .. } = &widen.remedy.steps[0] else {
        unreachable!("a widening has one step")
    };
    assert_eq!(cidr, "10.0.0.0/22");
    assert!(
        widen
            .opens
            .iter()
            .any(|e| e.from.id == "batch" && e.to.id == "db"),
        "{widen:#?}"
    );
    assert!(
        !widens(&a[0]),
        "the narrow rule ranks first: {}",
        a[0].remedy
    );
    assert!(a[0].is_clean(), "{:#?}", a[0]);
}

#[test]
fn a_reply_rule_that_nearly_covers_the_ephemeral_ports_is_widened() {
    // The reply leaves the data subnet for the function's ephemeral port;
    // the ACL entry numbered 100 allows 32768-65535 (Linux's range), the reply needs 1024-65535.
    let l = nacl_near_miss("10.0.1.0/24", "32768-65535");
    let a = assessed(&l, "fn", "db");
    let widen = a.iter().find(|x| widens(x)).expect("a widening is offered");
    let Fix::WidenNaclRule {
        rule, ports, cidr, ..
    } = &widen.remedy.steps[0]
    else {
        unreachable!("a widening has one step")
    };
    assert_eq!(
        (*rule, ports.as_str(), cidr.as_str()),
        (100, "1024-65535", "10.0.0.0/16")
    );
    assert_eq!(widen.probe_after, Some(Outcome::Reachable));
    // A rule for another service is not stretched over the ports between.
    let l = nacl_near_miss("10.0.1.0/24", "80");
    let a = assessed(&l, "fn", "db");
    assert!(!a.iter().any(widens), "{a:#?}");
}

/// A function in two subnets that share the main table with a database
/// subnet: the route fix splits the table for both of the function's
/// subnets (the second joins the new table), so the call works from every
/// ENI, and the database subnet still gets no internet route. Before, only
/// the ENI that decided was fixed and the other still failed.
#[test]
fn a_route_fix_for_a_function_covers_every_subnet_of_it_on_the_shared_table() {
    let src = SHARED_MAIN
        .replace(
            r#"(id: "data", vpc: "vpc", cidr: "10.0.2.0/24"),"#,
            r#"(id: "data", vpc: "vpc", cidr: "10.0.2.0/24"),
        (id: "app-b", vpc: "vpc", cidr: "10.0.3.0/24"),"#,
        )
        .replace(r#"subnets: ["app"]"#, r#"subnets: ["app", "app-b"]"#);
    let l = scenario(&src);
    let a = assessed(&l, "fn", "sns");
    let route = route_remedy(&a);
    let steps = &route.remedy.steps;
    assert!(
        matches!(&steps[0], Fix::OwnRouteTable { copy_of, .. } if copy_of == "vpc-main"),
        "{}",
        route.remedy
    );
    assert!(
        matches!(&steps[1], Fix::AssociateRouteTable { .. }),
        "{}",
        route.remedy
    );
    let mut spec = l.spec.clone();
    route.remedy.apply(&mut spec);
    let after = crate::load_spec(spec, "fixed");
    for eni in ["fn@app", "fn@app-b"] {
        assert_eq!(
            after.outcome(eni, "sns"),
            Outcome::Reachable,
            "{eni}: {}",
            route.remedy
        );
    }
    assert!(
        route.opens.iter().all(|e| e.from.id == "fn"),
        "{:?}",
        route.opens
    );
}
