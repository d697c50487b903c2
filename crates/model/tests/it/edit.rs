//! Edits (`awsreach_model::edit`): a fix applied to a spec that re-validates
//! to the intended change, including edits of AWS's implicit defaults.

use awsreach_model::edit::{Fix, Peer, Remedy, RuleDirection, defaults};
use awsreach_model::net::Protocol;
use awsreach_model::spec::RouteTarget;
use awsreach_model::*;

use crate::{check, spec};

const VPC_ONLY: &str = r#"(
    vpcs: [(id: "v", cidr: "10.0.0.0/16")],
    subnets: [(id: "a", vpc: "v", cidr: "10.0.1.0/24")],
)"#;

fn sg<'a>(s: &'a Scenario, name: &str) -> &'a SecurityGroup {
    s.security_groups.iter().find(|g| g.name == name).unwrap()
}

#[test]
fn synthesised_defaults_carry_the_names_of_the_defaults_module() {
    let s = check(VPC_ONLY).scenario;
    let v = &s.vpcs[0];
    assert_eq!(
        s.route_tables[v.main_route_table.ix()].name,
        defaults::main_route_table_name("v")
    );
    assert_eq!(
        s.network_acls[v.default_nacl.ix()].name,
        defaults::default_nacl_name("v")
    );
    assert_eq!(
        s.security_groups[v.default_sg.ix()].name,
        defaults::default_sg_name("v")
    );
}

/// A rule added to the implicit default group declares the group with the
/// rules AWS gave it, so nothing it allowed before is lost.
#[test]
fn a_rule_on_the_implicit_default_group_keeps_its_default_rules() {
    let before = check(VPC_ONLY).scenario;
    let mut sp = spec(VPC_ONLY);
    let name = defaults::default_sg_name("v");
    Remedy::one(Fix::AddSgRule {
        sg: name.clone(),
        vpc: "v".into(),
        direction: RuleDirection::Ingress,
        protocol: Protocol::Tcp,
        ports: "443".into(),
        peer: Peer::Cidr("10.9.0.0/16".into()),
    })
    .apply(&mut sp);
    let after = validate(&sp).expect("the edited spec validates").scenario;
    let (old, new) = (sg(&before, &name), sg(&after, &name));
    assert!(new.declared && !old.declared);
    assert_eq!(new.ingress.len(), old.ingress.len() + 1);
    assert_eq!(new.ingress[..old.ingress.len()], old.ingress[..]);
    assert_eq!(new.egress, old.egress);
    assert_eq!(after.vpcs[0].default_sg, sg_index(&after, &name));
}

fn sg_index(s: &Scenario, name: &str) -> SgId {
    SgId(
        s.security_groups
            .iter()
            .position(|g| g.name == name)
            .unwrap() as u32,
    )
}

/// A route added to the implicit main table declares it as the main table,
/// so the subnets that used it implicitly still do.
#[test]
fn a_route_in_the_implicit_main_table_stays_in_the_main_table() {
    let mut sp = spec(&VPC_ONLY.replace(
        "subnets:",
        r#"internet_gateways: [(id: "igw", vpc: "v")],
    subnets:"#,
    ));
    let table = defaults::main_route_table_name("v");
    Fix::AddRoute {
        table: table.clone(),
        vpc: "v".into(),
        dest: "0.0.0.0/0".into(),
        target: "igw".into(),
        spec_target: RouteTarget::Igw("igw".into()),
    }
    .apply(&mut sp);
    let s = validate(&sp).expect("the edited spec validates").scenario;
    let main = &s.route_tables[s.vpcs[0].main_route_table.ix()];
    assert_eq!(main.name, table);
    assert!(main.declared);
    assert_eq!(s.subnets[0].route_table, s.vpcs[0].main_route_table);
    assert!(
        main.routes
            .iter()
            .any(|r| r.dest == RouteDest::Cidr("0.0.0.0/0".parse().unwrap()))
    );
}
