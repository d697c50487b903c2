//! The principles behind every table of seed-patterns.md, checked by moving
//! the function under study around each seed scenario:
//!
//! 1. who can invoke a function does not depend on the function's placement;
//! 2. what a function can reach depends only on its own placement;
//! 3. managed integrations (pollers, EventBridge, ...) invoke it wherever it is.

use awsreach_model::ScenarioSpec;
use awsreach_model::spec::{
    EndpointKind, FunctionVpcSpec, PollerMode, RouteTarget, TriggerSource, TriggerSpec,
    VpcEndpointSpec,
};
use awsreach_sim::Outcome;

use crate::{Loaded, blocked, load_file, load_spec};

#[derive(Debug, Clone, Copy)]
enum Placement {
    Outside,
    Public,
    Private,
}

const PLACEMENTS: [Placement; 3] = [Placement::Outside, Placement::Public, Placement::Private];

fn seed(name: &str) -> Loaded {
    load_file(&crate::root().join("scenarios/seed").join(name))
}

fn seed_files() -> Vec<std::path::PathBuf> {
    crate::scenario_files()
        .into_iter()
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("seed")))
        .collect()
}

/// The spec with function `f` moved to `p` (the seed's `public`/`private` subnets).
fn place(spec: &ScenarioSpec, f: &str, p: Placement) -> ScenarioSpec {
    let mut spec = spec.clone();
    let func = spec
        .functions
        .iter_mut()
        .find(|x| x.id == f)
        .unwrap_or_else(|| panic!("no function {f}"));
    func.vpc = match p {
        Placement::Outside => None,
        Placement::Public | Placement::Private => Some(FunctionVpcSpec {
            subnets: vec![
                if matches!(p, Placement::Public) {
                    "public"
                } else {
                    "private"
                }
                .into(),
            ],
            security_groups: Vec::new(),
            ipv6_dual_stack: false,
        }),
    };
    spec
}

/// Everything that can invoke `fn` in a scenario: resources, other
/// functions, and the services and triggers that target it.
fn callers(l: &Loaded) -> Vec<String> {
    let sc = l.engine.scenario();
    let mut v: Vec<String> = sc.resources.iter().map(|r| r.name.clone()).collect();
    v.extend(
        sc.functions
            .iter()
            .filter(|f| f.name != "fn")
            .map(|f| f.name.clone()),
    );
    for t in sc
        .triggers
        .iter()
        .filter(|t| sc.functions[t.function.ix()].name == "fn")
    {
        v.push(t.name.clone());
        v.push(sc.services[t.service.ix()].id.clone());
    }
    v.sort();
    v.dedup();
    v
}

#[test]
fn invoking_a_function_ignores_its_placement() {
    let (mut reachable, mut blocked_cells) = (0, 0);
    for path in seed_files() {
        let l = load_file(&path);
        let name = crate::rel(&path);
        let moved: Vec<Loaded> = PLACEMENTS
            .iter()
            .map(|p| load_spec(place(&l.spec, "fn", *p), &format!("{name}, fn {p:?}")))
            .collect();
        for caller in callers(&l) {
            let outcomes: Vec<Outcome> = moved.iter().map(|m| m.outcome(&caller, "fn")).collect();
            assert!(
                outcomes.iter().all(|o| *o == outcomes[0]),
                "{name}: {caller} -> fn depends on fn's placement: {:?}",
                PLACEMENTS.iter().zip(&outcomes).collect::<Vec<_>>()
            );
            // And on the file's own placement too.
            assert_eq!(
                l.outcome(&caller, "fn"),
                outcomes[0],
                "{name}: {caller} -> fn"
            );
            match outcomes[0] {
                Outcome::Reachable => reachable += 1,
                Outcome::Blocked(_) => blocked_cells += 1,
                Outcome::Unknown(c) => panic!("{name}: unknown {c} without missing data"),
            }
        }
    }
    // The comparison covered both kinds of answer.
    assert!(
        reachable > 10 && blocked_cells >= 3,
        "{reachable} / {blocked_cells}"
    );
}

#[test]
fn managed_triggers_invoke_the_function_in_every_placement() {
    use TriggerSource::*;
    for path in seed_files() {
        let l = load_file(&path);
        let name = crate::rel(&path);
        let mut spec = l.spec.clone();
        // Every managed source, whether or not the file declares it.
        let declared: Vec<TriggerSource> = spec
            .triggers
            .iter()
            .filter(|t| t.function == "fn")
            .map(|t| t.source)
            .collect();
        for source in [
            Sqs,
            Kinesis,
            DynamoDbStreams,
            EventBridge,
            Sns,
            S3,
            ApiGateway,
        ] {
            if !declared.contains(&source) {
                spec.triggers.push(TriggerSpec {
                    id: None,
                    source,
                    function: "fn".into(),
                    subnets: Vec::new(),
                    security_groups: Vec::new(),
                    port: None,
                    mode: PollerMode::OnDemand,
                    secrets_manager: false,
                    engine: None,
                    auth: None,
                });
            }
        }
        for p in PLACEMENTS {
            let m = load_spec(place(&spec, "fn", p), &format!("{name}, fn {p:?}"));
            for service in [
                "sqs",
                "kinesis",
                "dynamodb",
                "events",
                "sns",
                "s3",
                "execute-api",
            ] {
                assert_eq!(
                    m.outcome(service, "fn"),
                    Outcome::Reachable,
                    "{name}: {service} -> fn with fn {p:?}"
                );
            }
        }
    }
}

/// Principle 2 as one table per network: the function's own placement
/// decides what it reaches (patterns 1, 4, 6 and 7).
#[test]
fn what_a_function_reaches_depends_on_its_placement() {
    let no_public_ip = blocked("NO_PUBLIC_IP");
    let from_internet = blocked("PRIVATE_ADDRESS_FROM_INTERNET");
    let ok = Outcome::Reachable;
    // (file, placement, [to s3, to pinpoint, to public-ec2, to private-ec2])
    let table = [
        // A VPC with a NAT gateway (the network of pattern 8).
        (
            "p8-private-subnet-invoked.ron",
            Placement::Outside,
            [ok, ok, ok, from_internet],
        ),
        (
            "p8-private-subnet-invoked.ron",
            Placement::Public,
            [no_public_ip, no_public_ip, ok, ok],
        ),
        (
            "p8-private-subnet-invoked.ron",
            Placement::Private,
            [ok, ok, ok, ok],
        ),
        // A VPC without one (the network of pattern 2).
        (
            "p2-outside-vpc-invoked-no-nat.ron",
            Placement::Outside,
            [ok, ok, ok, from_internet],
        ),
        (
            "p2-outside-vpc-invoked-no-nat.ron",
            Placement::Public,
            [no_public_ip, no_public_ip, ok, ok],
        ),
        (
            "p2-outside-vpc-invoked-no-nat.ron",
            Placement::Private,
            [blocked("NO_ROUTE"), blocked("NO_ENDPOINT_SUPPORT"), ok, ok],
        ),
    ];
    for (file, p, want) in table {
        let m = load_spec(
            place(&seed(file).spec, "fn", p),
            &format!("{file}, fn {p:?}"),
        );
        for (to, want) in ["s3", "pinpoint", "public-ec2", "private-ec2"]
            .iter()
            .zip(want)
        {
            assert_eq!(m.outcome("fn", to), want, "{file}: fn {p:?} -> {to}");
        }
    }
}

/// Pattern 8's parenthesis: a private caller needs a NAT gateway or a Lambda
/// interface endpoint in its own VPC, either one.
#[test]
fn a_private_caller_needs_nat_or_a_lambda_endpoint() {
    let base = seed("p8-private-subnet-invoked.ron").spec;
    assert_eq!(
        load_spec(base.clone(), "p8").outcome("private-ec2", "fn"),
        Outcome::Reachable
    );

    let mut no_nat = base.clone();
    for t in &mut no_nat.route_tables {
        t.routes
            .retain(|r| !matches!(r.target, RouteTarget::Nat(_)));
    }
    let s = load_spec(no_nat.clone(), "p8 without the nat route");
    assert_eq!(s.outcome("private-ec2", "fn"), blocked("NO_ROUTE"));
    // Everything the Lambda service does for fn is unaffected.
    assert_eq!(s.outcome("sqs", "fn"), Outcome::Reachable);
    assert_eq!(s.outcome("events", "fn"), Outcome::Reachable);

    let mut endpoint = no_nat;
    endpoint.vpc_endpoints.push(VpcEndpointSpec {
        id: "vpce-lambda".into(),
        vpc: "vpc".into(),
        service: "lambda".into(),
        kind: EndpointKind::Interface,
        route_tables: Vec::new(),
        subnets: vec!["private".into()],
        // The web-sg group admits 443 from anywhere; fine for an endpoint.
        security_groups: vec!["web-sg".into()],
        private_dns: true,
        policy: None,
    });
    let s = load_spec(endpoint, "p8 with a lambda endpoint instead");
    let t = s.trace("private-ec2", "fn");
    assert!(t.verdict.is_reachable(), "{:?}", t.verdict);
    assert!(crate::components(&t).contains(&"vpce-lambda"));
}

/// Pattern 7's last row and pattern 3e: where an endpoint exists, it wins
/// over the NAT path.
#[test]
fn endpoints_win_over_the_nat_path() {
    let p7 = seed("p7-private-with-nat-calls-out.ron");
    for (to, endpoint) in [("sqs", "vpce-sqs"), ("s3", "vpce-s3")] {
        let t = p7.trace("fn", to);
        assert!(t.verdict.is_reachable(), "{to}: {:?}", t.verdict);
        let c = crate::components(&t);
        assert!(c.contains(&endpoint), "fn -> {to}: {c:?}");
        assert!(
            !c.contains(&"nat"),
            "fn -> {to} took the nat gateway: {c:?}"
        );
    }
    // Services without an endpoint take the NAT gateway.
    let t = p7.trace("fn", "sns");
    assert!(crate::components(&t).contains(&"nat"));

    let p3e = seed("p3e-outside-vpc-invoked-nat-and-endpoint.ron");
    let c = crate::components(&p3e.trace("private-ec2", "fn")).join(" ");
    assert!(c.contains("vpce-lambda") && !c.contains("nat"), "{c}");
}

/// One row of a seed table: from, to, and `None` (○) or the code of ✗.
type Row = (&'static str, &'static str, Option<&'static str>);

/// The tables of seed-patterns.md, row by row (`None` = ○, `Some(code)` =
/// ✗ with the code awsreach gives). Each row must be pinned by an `expect`
/// entry of its seed file, and the engine must agree.
#[test]
fn seed_files_pin_every_row_of_the_spec_tables() {
    const OK: Option<&str> = None;
    let tables: &[(&str, &[Row])] = &[
        (
            "p1-outside-vpc-calls-out.ron",
            &[
                ("fn", "s3", OK),
                ("fn", "sqs", OK),
                ("fn", "events", OK),
                ("fn", "pinpoint", OK),
                ("fn", "public-ec2", OK),
                ("fn", "private-ec2", Some("PRIVATE_ADDRESS_FROM_INTERNET")),
            ],
        ),
        (
            "p2-outside-vpc-invoked-no-nat.ron",
            &[
                ("events", "fn", OK),
                ("public-ec2", "fn", OK),
                ("private-ec2", "fn", Some("NO_ROUTE")),
            ],
        ),
        (
            "p2e-outside-vpc-invoked-lambda-endpoint.ron",
            &[
                ("events", "fn", OK),
                ("public-ec2", "fn", OK),
                ("private-ec2", "fn", OK),
            ],
        ),
        (
            "p3-outside-vpc-invoked-with-nat.ron",
            &[
                ("events", "fn", OK),
                ("public-ec2", "fn", OK),
                ("private-ec2", "fn", OK),
            ],
        ),
        (
            "p3e-outside-vpc-invoked-nat-and-endpoint.ron",
            &[
                ("events", "fn", OK),
                ("public-ec2", "fn", OK),
                ("private-ec2", "fn", OK),
            ],
        ),
        (
            "p4-public-subnet-calls-out.ron",
            &[
                ("fn", "s3", Some("NO_PUBLIC_IP")),
                ("fn", "sqs", Some("NO_PUBLIC_IP")),
                ("fn", "events", Some("NO_PUBLIC_IP")),
                ("fn", "pinpoint", Some("NO_PUBLIC_IP")),
                ("fn", "public-ec2", OK),
                ("fn", "private-ec2", OK),
                ("fn", "fn-private", Some("NO_PUBLIC_IP")),
            ],
        ),
        (
            "p5-public-subnet-invoked.ron",
            &[
                ("events", "fn", OK),
                ("public-ec2", "fn", OK),
                ("private-ec2", "fn", Some("NO_ROUTE")),
            ],
        ),
        (
            "p5e-public-subnet-invoked-lambda-endpoint.ron",
            &[
                ("events", "fn", OK),
                ("public-ec2", "fn", OK),
                ("private-ec2", "fn", OK),
            ],
        ),
        (
            "p6-private-no-nat-calls-out.ron",
            &[
                ("fn", "private-ec2", OK),
                ("fn", "public-ec2", OK),
                ("fn", "pinpoint", Some("NO_ENDPOINT_SUPPORT")),
                ("fn", "sqs", OK),
                ("fn", "s3", OK),
                ("fn", "sns", Some("NO_ROUTE")),
            ],
        ),
        (
            "p7-private-with-nat-calls-out.ron",
            &[
                ("fn", "private-ec2", OK),
                ("fn", "public-ec2", OK),
                ("fn", "pinpoint", OK),
                ("fn", "sns", OK),
                ("fn", "sqs", OK),
                ("fn", "s3", OK),
            ],
        ),
        (
            "p8-private-subnet-invoked.ron",
            &[
                ("events", "fn", OK),
                ("sqs", "fn", OK),
                ("events->fn", "fn", OK),
                ("public-ec2", "fn", OK),
                ("private-ec2", "fn", OK),
            ],
        ),
    ];
    assert_eq!(tables.len(), 11, "one table per seed file");
    for (file, rows) in tables {
        let l = seed(file);
        let pinned = &l.engine.scenario().expectations;
        for (from, to, want) in *rows {
            let want = match want {
                None => Outcome::Reachable,
                Some(c) => blocked(c),
            };
            assert_eq!(l.outcome(from, to), want, "{file}: {from} -> {to}");
            let row = pinned
                .iter()
                .find(|e| e.from == *from && e.to == *to && e.port.is_none())
                .unwrap_or_else(|| panic!("{file} does not pin {from} -> {to}"));
            let code = want.code().map(|c| c.as_str().to_string());
            assert_eq!(
                (
                    row.expect == awsreach_model::spec::Expect::Reachable,
                    &row.code
                ),
                (want == Outcome::Reachable, &code),
                "{file}: the expect entry for {from} -> {to}"
            );
        }
    }
}
