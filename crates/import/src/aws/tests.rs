//! Unit tests of the snapshot importer, with small fixtures of our own
//! written the way the AWS CLI prints them.

use awsreach_model::spec::{MissingKind, RouteTarget};

use super::*;
use crate::InputFile;

fn file(path: &str, text: &str) -> InputFile {
    InputFile {
        path: path.into(),
        text: text.into(),
    }
}

fn one(files: &[InputFile]) -> Imported {
    let mut all = import(files, &Options::default()).expect("imports");
    assert_eq!(
        all.len(),
        1,
        "{:?}",
        all.iter().map(|i| &i.label).collect::<Vec<_>>()
    );
    all.remove(0)
}

const VPCS: &str = r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "IsDefault": false,
  "CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
    {"CidrBlock": "10.9.0.0/16", "CidrBlockState": {"State": "disassociated"}}],
  "Tags": [{"Key": "Name", "Value": "shop"}]}], "ResponseMetadata": {"RequestId": "x"}}"#;
const SUBNETS: &str = r#"{"Subnets": [
  {"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "eu-west-1a"},
  {"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "eu-west-1b"}]}"#;

#[test]
fn dispatches_on_the_top_level_key_not_the_file_name() {
    let a = one(&[file("x/whatever.json", VPCS), file("x/other.json", SUBNETS)]);
    assert_eq!(a.spec.vpcs.len(), 1);
    assert_eq!(a.spec.subnets.len(), 2);
    // The disassociated block is not the VPC's.
    assert!(a.spec.vpcs[0].secondary_cidrs.is_empty());
    // The region comes from the availability zones when no folder names it.
    assert_eq!(a.spec.region, "eu-west-1");
}

#[test]
fn several_region_folders_are_several_scenarios_and_region_picks_one() {
    let files = [
        file("123456789012/us-east-1/ec2-describe-vpcs.json", VPCS),
        file("123456789012/eu-west-1/Vpcs.json", VPCS),
    ];
    let all = import(&files, &Options::default()).unwrap();
    let labels: Vec<&str> = all.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["123456789012/eu-west-1", "123456789012/us-east-1"]);
    let opts = Options {
        region: Some("us-east-1".into()),
    };
    let picked = import(&files, &opts).unwrap();
    assert_eq!(picked.len(), 1);
    assert_eq!(picked[0].spec.region, "us-east-1");
    let none = import(
        &files,
        &Options {
            region: Some("ap-south-1".into()),
        },
    );
    assert!(matches!(none, Err(ImportError::Empty(m)) if m.contains("eu-west-1, us-east-1")));
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let err = import(
        &[file("r/Vpcs.json", "{\n  \"Vpcs\": [,]\n}")],
        &Options::default(),
    )
    .unwrap_err();
    match err {
        ImportError::Syntax {
            path, line, col, ..
        } => {
            assert_eq!(path, "r/Vpcs.json");
            assert_eq!((line, col), (2, 12));
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn unknown_shapes_and_non_json_files_are_reported_and_the_rest_imported() {
    let a = one(&[
        file("s/Vpcs.json", VPCS),
        file("s/weird.json", r#"{"Gizmos": [1, 2]}"#),
        file("s/notes.txt", ""),
    ]);
    assert_eq!(a.spec.vpcs.len(), 1);
    let w = a
        .report
        .entries
        .iter()
        .find(|e| e.source == "s/weird.json")
        .expect("reported");
    assert_eq!(w.kind, EntryKind::Warning);
    assert!(w.message.contains("Gizmos"), "{}", w.message);
    assert!(
        a.report
            .entries
            .iter()
            .any(|e| e.source == "s/notes.txt" && e.kind == EntryKind::Skipped)
    );
}

#[test]
fn subnets_without_route_tables_or_acls_in_the_snapshot_are_missing_them() {
    let a = one(&[file("s/Vpcs.json", VPCS), file("s/Subnets.json", SUBNETS)]);
    let kinds: Vec<(&str, MissingKind)> = a
        .spec
        .missing
        .iter()
        .map(|m| (m.entity.as_str(), m.what))
        .collect();
    assert!(kinds.contains(&("subnet-a", MissingKind::RouteTable)));
    assert!(kinds.contains(&("subnet-b", MissingKind::NetworkAcl)));
    assert_eq!(a.report.count(EntryKind::Missing), 4);
}

const ROUTES: &str = r#"{"RouteTables": [{"RouteTableId": "rtb-main", "VpcId": "vpc-1",
  "Associations": [{"Main": true, "RouteTableId": "rtb-main"}],
  "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
             {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"},
             {"DestinationCidrBlock": "172.16.0.0/12", "VpcPeeringConnectionId": "pcx-gone", "State": "active"},
             {"DestinationCidrBlock": "192.168.0.0/16", "NatGatewayId": "nat-old", "State": "blackhole"}]},
 {"RouteTableId": "rtb-a", "VpcId": "vpc-1",
  "Associations": [{"Main": false, "SubnetId": "subnet-a", "AssociationState": {"State": "associated"}}],
  "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vgw-1", "State": "active"}]}]}"#;
const IGWS: &str = r#"{"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}]}"#;

#[test]
fn routes_keep_known_targets_and_mark_the_rest_missing() {
    let a = one(&[
        file("s/Vpcs.json", VPCS),
        file("s/Subnets.json", SUBNETS),
        file("s/RouteTables.json", ROUTES),
        file("s/InternetGateways.json", IGWS),
    ]);
    let main = a
        .spec
        .route_tables
        .iter()
        .find(|t| t.id == "rtb-main")
        .unwrap();
    assert!(main.main);
    let targets: Vec<&RouteTarget> = main.routes.iter().map(|r| &r.target).collect();
    assert_eq!(
        targets,
        [&RouteTarget::Igw("igw-1".into()), &RouteTarget::Blackhole]
    );
    let sub_a = a.spec.subnets.iter().find(|s| s.id == "subnet-a").unwrap();
    assert_eq!(sub_a.route_table.as_deref(), Some("rtb-a"));
    let sub_b = a.spec.subnets.iter().find(|s| s.id == "subnet-b").unwrap();
    assert_eq!(sub_b.route_table, None, "uses the main table");
    let missing: Vec<(&str, MissingKind)> = a
        .spec
        .missing
        .iter()
        .map(|m| (m.entity.as_str(), m.what))
        .collect();
    assert!(
        missing.contains(&("rtb-main", MissingKind::Routes)),
        "the peering is gone: {missing:?}"
    );
    assert!(
        missing.contains(&("rtb-a", MissingKind::Routes)),
        "VGW routes lead outside the model"
    );
    assert!(!missing.iter().any(|(_, k)| *k == MissingKind::RouteTable));
    awsreach_model::validate(&a.spec).expect("valid");
}

const FUNCTIONS: &str = r#"{"Functions": [
  {"FunctionName": "orders", "FunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:orders",
   "Role": "arn:aws:iam::111122223333:role/orders",
   "VpcConfig": {"SubnetIds": ["subnet-a", "subnet-b", "subnet-gone"], "SecurityGroupIds": ["sg-fn"], "VpcId": "vpc-123abcd"}},
  {"FunctionName": "public", "FunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:public",
   "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}}]}"#;
const ENIS: &str = r#"{"NetworkInterfaces": [
  {"NetworkInterfaceId": "eni-l", "InterfaceType": "lambda", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.1.20",
   "Description": "AWS Lambda VPC ENI-public-0b5f", "Groups": [{"GroupId": "sg-fn"}]}]}"#;
const SGS: &str = r#"{"SecurityGroups": [{"GroupId": "sg-fn", "GroupName": "fn", "VpcId": "vpc-1",
  "IpPermissions": [],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
 {"GroupId": "sg-db", "GroupName": "db", "VpcId": "vpc-1",
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
     "UserIdGroupPairs": [{"GroupId": "sg-fn"}, {"GroupId": "sg-elsewhere"}], "IpRanges": [{"CidrIp": "10.0.1.7/24"}]}],
  "IpPermissionsEgress": []}]}"#;

#[test]
fn functions_are_placed_from_vpc_config_not_from_hyperplane_interfaces() {
    let a = one(&[
        file("s/Vpcs.json", VPCS),
        file("s/Subnets.json", SUBNETS),
        file("s/SecurityGroups.json", SGS),
        file("s/NetworkInterfaces.json", ENIS),
        file("s/lambda-list-functions.json", FUNCTIONS),
    ]);
    let orders = a.spec.functions.iter().find(|f| f.id == "orders").unwrap();
    let vpc = orders.vpc.as_ref().expect("in a VPC");
    assert_eq!(
        vpc.subnets,
        ["subnet-a", "subnet-b"],
        "the dangling subnet is left out"
    );
    assert_eq!(vpc.security_groups, ["sg-fn"]);
    // The Hyperplane ENI is named after `public`, which is not in a VPC.
    let public = a.spec.functions.iter().find(|f| f.id == "public").unwrap();
    assert!(public.vpc.is_none());
    assert!(
        a.spec.resources.is_empty(),
        "the Lambda ENI is not a resource"
    );
    // moto's VpcId placeholder is reported, the subnets win.
    assert!(
        a.report
            .entries
            .iter()
            .any(|e| e.subject == "orders" && e.message.contains("vpc-123abcd"))
    );
    assert!(
        a.report
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Missing && e.message.contains("subnet-gone"))
    );
    awsreach_model::validate(&a.spec).expect("valid");
}

#[test]
fn security_group_rules_one_peer_each_and_unknown_peers_missing() {
    let a = one(&[
        file("s/Vpcs.json", VPCS),
        file("s/SecurityGroups.json", SGS),
    ]);
    let db = a
        .spec
        .security_groups
        .iter()
        .find(|g| g.id == "sg-db")
        .unwrap();
    assert_eq!(db.ingress.len(), 2, "{:?}", db.ingress);
    assert!(
        db.ingress
            .iter()
            .all(|r| r.ports.as_deref() == Some("5432"))
    );
    assert!(
        db.ingress
            .iter()
            .any(|r| r.cidr.as_deref() == Some("10.0.1.0/24")),
        "host bits cleared"
    );
    assert_eq!(
        db.egress,
        Some(Vec::new()),
        "an empty egress list stays empty"
    );
    let fnsg = a
        .spec
        .security_groups
        .iter()
        .find(|g| g.id == "sg-fn")
        .unwrap();
    assert_eq!(
        fnsg.egress, None,
        "AWS's default egress rule is written as the default"
    );
    assert!(
        a.spec
            .missing
            .iter()
            .any(|m| m.entity == "sg-db" && m.what == MissingKind::Rules)
    );
}

#[test]
fn public_addresses_aws_never_assigns_get_a_documentation_stand_in() {
    // moto hands out Elastic IPs in 127.0.0.0/8; AWS never would.
    let nat = r#"{"NatGateways": [{"NatGatewayId": "nat-1", "SubnetId": "subnet-a",
      "State": "available", "ConnectivityType": "public",
      "NatGatewayAddresses": [{"PublicIp": "127.239.195.33", "PrivateIp": "10.0.1.9"}]}]}"#;
    let enis = r#"{"NetworkInterfaces": [
      {"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "VpcId": "vpc-1",
       "InterfaceType": "interface", "PrivateIpAddress": "10.0.1.20", "Groups": [],
       "Association": {"PublicIp": "10.1.2.3"}},
      {"NetworkInterfaceId": "eni-2", "SubnetId": "subnet-a", "VpcId": "vpc-1",
       "InterfaceType": "interface", "PrivateIpAddress": "10.0.1.21", "Groups": [],
       "Association": {"PublicIp": "54.160.0.10"}}]}"#;
    let a = one(&[
        file("s/vpcs.json", VPCS),
        file("s/subnets.json", SUBNETS),
        file("s/nat.json", nat),
        file("s/enis.json", enis),
    ]);
    assert_eq!(
        a.spec.nat_gateways[0].elastic_ip.as_deref(),
        Some("203.0.113.1")
    );
    let public = |id: &str| {
        a.spec
            .resources
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("{id} imported"))
            .public_ip
            .clone()
    };
    assert_eq!(public("eni-1").as_deref(), Some("203.0.113.2"));
    // A public unicast address is kept as it is.
    assert_eq!(public("eni-2").as_deref(), Some("54.160.0.10"));
    let said: Vec<&str> = a
        .report
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Warning && e.message.contains("stands in"))
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[0].contains("127.239.195.33") && said[0].contains("loopback"));
    awsreach_model::validate(&a.spec).expect("valid");
}
