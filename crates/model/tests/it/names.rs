//! Second names (`name` on resources and functions): another id for probes,
//! kept apart from ids, addresses, DNS names and each other.

use awsreach_model::probe::{self, Node};

use crate::{check, errors};

fn scenario(resources: &str, functions: &str) -> String {
    format!(
        r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "s", vpc: "v", cidr: "10.0.1.0/24")],
        security_groups: [(id: "sg", vpc: "v")],
        resources: [{resources}],
        functions: [{functions}],
    )"#
    )
}

#[test]
fn a_name_resolves_to_its_entity_like_the_id() {
    let src = scenario(
        r#"(id: "i-0abc", name: "web-1", subnet: "s", security_groups: ["sg"])"#,
        r#"(id: "arn-fn", name: "orders")"#,
    );
    let sc = check(&src).scenario;
    assert_eq!(sc.resources[0].alias.as_deref(), Some("web-1"));
    assert_eq!(probe::resolve(&sc, "web-1"), probe::resolve(&sc, "i-0abc"));
    assert!(matches!(
        probe::resolve(&sc, "web-1"),
        Some(Node::Resource(_))
    ));
    assert!(matches!(
        probe::resolve(&sc, "orders"),
        Some(Node::Function(_))
    ));
    assert_eq!(probe::resolve(&sc, "web-2"), None);
}

#[test]
fn a_name_equal_to_its_own_id_is_accepted_and_adds_nothing() {
    let src = scenario(
        r#"(id: "web", name: "web", subnet: "s", security_groups: ["sg"])"#,
        "",
    );
    assert_eq!(check(&src).scenario.resources[0].alias, None);
}

#[test]
fn names_that_would_mean_two_things_are_refused() {
    let src = scenario(
        r#"(id: "a", name: "sg", subnet: "s", security_groups: ["sg"]),
           (id: "b", name: "twin", subnet: "s", security_groups: ["sg"]),
           (id: "c", name: "twin", subnet: "s", security_groups: ["sg"]),
           (id: "d", name: "10.0.1.9", subnet: "s", security_groups: ["sg"]),
           (id: "e", name: "s3", subnet: "s", security_groups: ["sg"]),
           (id: "f", name: "", subnet: "s", security_groups: ["sg"])"#,
        r#"(id: "g", name: "internet"), (id: "h", name: "sqs.us-east-1.amazonaws.com")"#,
    );
    let all = errors(&src);
    let want = [
        "resources[\"a\"].name: name `sg` is already taken by the security group of that id",
        "resources[\"c\"].name: name `twin` is already taken by the name of `b` (resources)",
        "resources[\"d\"].name: name `10.0.1.9` is already taken by the address it spells",
        "resources[\"e\"].name: name `s3` is already taken by the catalog service of that id",
        "resources[\"f\"].name: ",
        "functions[\"g\"].name: name `internet` is already taken by the internet",
        "functions[\"h\"].name: name `sqs.us-east-1.amazonaws.com` is already taken by the DNS name it spells",
    ];
    for w in want {
        assert!(
            all.iter().any(|e| e.starts_with(w)),
            "no error starting {w:?} in:\n{}",
            all.join("\n")
        );
    }
    assert!(all[0].contains("hint: a name is another id"), "{}", all[0]);
    assert_eq!(all.len(), want.len(), "{}", all.join("\n"));
}

#[test]
fn expect_entries_may_use_names() {
    let src = r#"(
        vpcs: [(id: "v", cidr: "10.0.0.0/16")],
        subnets: [(id: "s", vpc: "v", cidr: "10.0.1.0/24")],
        security_groups: [(id: "sg", vpc: "v")],
        resources: [(id: "i-0abc", name: "web-1", subnet: "s", security_groups: ["sg"])],
        expect: [(from: "web-1", to: "internet", expect: Blocked)],
    )"#;
    assert_eq!(check(src).scenario.expectations.len(), 1);
    let bad = src.replace("from: \"web-1\"", "from: \"web-9\"");
    assert!(errors(&bad)[0].contains("unknown probe endpoint `web-9`"));
}
