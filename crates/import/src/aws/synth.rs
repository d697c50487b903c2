//! The other way round: a scenario written out as the AWS CLI snapshot an
//! account holding it would give, for benchmarks at any size and for
//! round-trip tests (import ∘ synth keeps every verdict). Resources become
//! EC2 instances; everything else maps to its own call.

use std::collections::{BTreeSet, HashMap};

use awsreach_model::ScenarioSpec;
use awsreach_model::catalog;
use awsreach_model::spec::*;
use serde_json::{Value, json};

use crate::InputFile;

const ACCOUNT: &str = "123456789012";

fn file(region: &str, name: &str, v: Value) -> InputFile {
    InputFile {
        path: format!("{ACCOUNT}/{region}/{name}.json"),
        text: v.to_string(),
    }
}

fn proto(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::All => "-1",
    }
}

fn port_range(ports: Option<&str>) -> (i64, i64) {
    match ports {
        None | Some("all") => (0, 65535),
        Some(p) => match p.split_once('-') {
            Some((a, b)) => (a.parse().unwrap_or(0), b.parse().unwrap_or(65535)),
            None => {
                let n = p.parse().unwrap_or(0);
                (n, n)
            }
        },
    }
}

fn sg_perm(r: &SgRuleSpec) -> Value {
    let mut p = json!({"IpProtocol": proto(r.protocol)});
    if matches!(r.protocol, Protocol::Tcp | Protocol::Udp) {
        let (f, t) = port_range(r.ports.as_deref());
        p["FromPort"] = f.into();
        p["ToPort"] = t.into();
    }
    if let Some(c) = &r.cidr {
        if c.contains(':') {
            p["Ipv6Ranges"] = json!([{"CidrIpv6": c}]);
        } else {
            p["IpRanges"] = json!([{"CidrIp": c}]);
        }
    }
    if let Some(g) = &r.sg {
        p["UserIdGroupPairs"] = json!([{"GroupId": g}]);
    }
    if let Some(pl) = &r.prefix_list {
        p["PrefixListIds"] = json!([{"PrefixListId": format!("pl-{pl}")}]);
    }
    p
}

/// The snapshot files of `spec`, in the CloudMapper layout under
/// `123456789012/<region>/`.
pub fn snapshot(spec: &ScenarioSpec) -> Vec<InputFile> {
    let region = spec.region.as_str();
    let mut out = Vec::new();
    let vpcs: Vec<Value> = spec
        .vpcs
        .iter()
        .map(|v| {
            let mut set = vec![json!({"CidrBlock": v.cidr, "CidrBlockState": {"State": "associated"}})];
            set.extend(v.secondary_cidrs.iter().map(|c| json!({"CidrBlock": c, "CidrBlockState": {"State": "associated"}})));
            let mut o = json!({"VpcId": v.id, "CidrBlock": v.cidr, "CidrBlockAssociationSet": set, "IsDefault": false});
            if let Some(c) = &v.ipv6_cidr {
                o["Ipv6CidrBlockAssociationSet"] = json!([{"Ipv6CidrBlock": c, "Ipv6CidrBlockState": {"State": "associated"}}]);
            }
            o
        })
        .collect();
    out.push(file(region, "ec2-describe-vpcs", json!({ "Vpcs": vpcs })));
    for v in &spec.vpcs {
        for (attr, key, val) in [
            ("enableDnsSupport", "EnableDnsSupport", v.dns_support),
            ("enableDnsHostnames", "EnableDnsHostnames", v.dns_hostnames),
        ] {
            out.push(file(
                region,
                &format!("ec2-describe-vpc-attribute/Attribute-{attr}_VpcId-{}", v.id),
                json!({"VpcId": v.id, key: {"Value": val}}),
            ));
        }
    }
    let az = |a: &Option<String>| match a.as_deref() {
        None => format!("{region}a"),
        Some(x) if x.len() <= 2 => format!("{region}{x}"),
        Some(x) => x.to_string(),
    };
    let subnets: Vec<Value> = spec
        .subnets
        .iter()
        .map(|s| {
            let mut o = json!({"SubnetId": s.id, "VpcId": s.vpc, "CidrBlock": s.cidr, "AvailabilityZone": az(&s.az)});
            if let Some(c) = &s.ipv6_cidr {
                o["Ipv6CidrBlockAssociationSet"] = json!([{"Ipv6CidrBlock": c}]);
            }
            o
        })
        .collect();
    out.push(file(
        region,
        "ec2-describe-subnets",
        json!({ "Subnets": subnets }),
    ));

    // Route tables, with a main table for every VPC that has none (AWS
    // always has one) and the gateway endpoints' prefix-list routes.
    let mut tables: Vec<Value> = Vec::new();
    let mut endpoint_routes: HashMap<&str, Vec<Value>> = HashMap::new();
    for e in &spec.vpc_endpoints {
        for t in &e.route_tables {
            endpoint_routes
                .entry(t.as_str())
                .or_default()
                .push(json!({"DestinationPrefixListId": format!("pl-{}", e.service), "GatewayId": e.id, "State": "active"}));
        }
    }
    let resource_of: HashMap<&str, &str> = spec
        .resources
        .iter()
        .map(|r| (r.id.as_str(), r.id.as_str()))
        .collect();
    for t in &spec.route_tables {
        let mut assoc: Vec<Value> = spec
            .subnets
            .iter()
            .filter(|s| s.route_table.as_deref() == Some(t.id.as_str()))
            .map(|s| json!({"Main": false, "SubnetId": s.id, "RouteTableId": t.id, "AssociationState": {"State": "associated"}}))
            .collect();
        if t.main {
            assoc.push(json!({"Main": true, "RouteTableId": t.id}));
        }
        let mut routes = vec![
            json!({"DestinationCidrBlock": spec.vpcs.iter().find(|v| v.id == t.vpc).map(|v| v.cidr.as_str()).unwrap_or(""), "GatewayId": "local", "State": "active"}),
        ];
        for r in &t.routes {
            let mut o = if let Some(svc) = r.dest.strip_prefix("pl:") {
                json!({"DestinationPrefixListId": format!("pl-{svc}")})
            } else if r.dest.contains(':') {
                json!({"DestinationIpv6CidrBlock": r.dest})
            } else {
                json!({"DestinationCidrBlock": r.dest})
            };
            o["State"] = "active".into();
            match &r.target {
                RouteTarget::Local => continue,
                RouteTarget::Igw(x) | RouteTarget::Endpoint(x) => {
                    o["GatewayId"] = x.as_str().into()
                }
                RouteTarget::Nat(x) => o["NatGatewayId"] = x.as_str().into(),
                RouteTarget::Peering(x) => o["VpcPeeringConnectionId"] = x.as_str().into(),
                RouteTarget::TransitGateway(x) => o["TransitGatewayId"] = x.as_str().into(),
                RouteTarget::EgressOnlyIgw(x) => {
                    o["EgressOnlyInternetGatewayId"] = x.as_str().into()
                }
                RouteTarget::Eni(x) => {
                    o["InstanceId"] = resource_of.get(x.as_str()).copied().unwrap_or(x).into()
                }
                RouteTarget::Blackhole => {
                    o["NatGatewayId"] = "nat-deleted".into();
                    o["State"] = "blackhole".into();
                }
            }
            routes.push(o);
        }
        routes.extend(endpoint_routes.remove(t.id.as_str()).unwrap_or_default());
        tables.push(
            json!({"RouteTableId": t.id, "VpcId": t.vpc, "Associations": assoc, "Routes": routes}),
        );
    }
    let with_main: BTreeSet<&str> = spec
        .route_tables
        .iter()
        .filter(|t| t.main)
        .map(|t| t.vpc.as_str())
        .collect();
    for v in spec
        .vpcs
        .iter()
        .filter(|v| !with_main.contains(v.id.as_str()))
    {
        let id = format!("rtb-main-{}", v.id);
        tables.push(json!({"RouteTableId": id, "VpcId": v.id, "Associations": [{"Main": true, "RouteTableId": id}],
            "Routes": [{"DestinationCidrBlock": v.cidr, "GatewayId": "local", "State": "active"}]}));
    }
    out.push(file(
        region,
        "ec2-describe-route-tables",
        json!({ "RouteTables": tables }),
    ));

    let pls: Vec<Value> = catalog::catalog()
        .iter()
        .filter(|e| e.gateway_endpoint)
        .map(|e| json!({"PrefixListId": format!("pl-{}", e.id), "PrefixListName": e.endpoint_service_name(region)}))
        .collect();
    out.push(file(
        region,
        "ec2-describe-prefix-lists",
        json!({ "PrefixLists": pls }),
    ));
    let igws: Vec<Value> = spec
        .internet_gateways
        .iter()
        .map(|g| json!({"InternetGatewayId": g.id, "Attachments": [{"State": "available", "VpcId": g.vpc}]}))
        .collect();
    out.push(file(
        region,
        "ec2-describe-internet-gateways",
        json!({ "InternetGateways": igws }),
    ));
    let eigws: Vec<Value> = spec
        .egress_only_internet_gateways
        .iter()
        .map(|g| json!({"EgressOnlyInternetGatewayId": g.id, "Attachments": [{"State": "attached", "VpcId": g.vpc}]}))
        .collect();
    out.push(file(
        region,
        "ec2-describe-egress-only-internet-gateways",
        json!({ "EgressOnlyInternetGateways": eigws }),
    ));
    let nats: Vec<Value> = spec
        .nat_gateways
        .iter()
        .map(|n| {
            let private = n.connectivity == NatConnectivity::Private;
            let mut o = json!({"NatGatewayId": n.id, "SubnetId": n.subnet, "State": "available",
                "ConnectivityType": if private { "private" } else { "public" }});
            if let Some(ip) = &n.elastic_ip {
                o["NatGatewayAddresses"] = json!([{"PublicIp": ip}]);
            }
            o
        })
        .collect();
    out.push(file(
        region,
        "ec2-describe-nat-gateways",
        json!({ "NatGateways": nats }),
    ));
    let eps: Vec<Value> = spec
        .vpc_endpoints
        .iter()
        .filter_map(|e| {
            let svc = catalog::lookup(&e.service)?;
            Some(json!({"VpcEndpointId": e.id, "VpcId": e.vpc, "ServiceName": svc.endpoint_service_name(region),
                "VpcEndpointType": if e.kind == EndpointKind::Gateway { "Gateway" } else { "Interface" },
                "State": "available", "RouteTableIds": e.route_tables, "SubnetIds": e.subnets,
                "Groups": e.security_groups.iter().map(|g| json!({"GroupId": g})).collect::<Vec<_>>(),
                "PrivateDnsEnabled": e.private_dns}))
        })
        .collect();
    out.push(file(
        region,
        "ec2-describe-vpc-endpoints",
        json!({ "VpcEndpoints": eps }),
    ));
    let sgs: Vec<Value> = spec
        .security_groups
        .iter()
        .map(|g| {
            let egress: Vec<Value> = match &g.egress {
                None => vec![json!({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})],
                Some(rules) => rules.iter().map(sg_perm).collect(),
            };
            json!({"GroupId": g.id, "GroupName": if g.default { "default".to_string() } else { g.id.clone() },
                "VpcId": g.vpc, "IpPermissions": g.ingress.iter().map(sg_perm).collect::<Vec<_>>(),
                "IpPermissionsEgress": egress})
        })
        .collect();
    out.push(file(
        region,
        "ec2-describe-security-groups",
        json!({ "SecurityGroups": sgs }),
    ));
    let acls: Vec<Value> = spec
        .network_acls
        .iter()
        .map(|a| {
            let mut entries = Vec::new();
            for (egress, rules) in [(false, &a.ingress), (true, &a.egress)] {
                for r in rules.iter() {
                    let mut e = json!({"RuleNumber": r.rule, "Protocol": proto(r.protocol), "Egress": egress, "CidrBlock": r.cidr,
                        "RuleAction": if r.action == RuleAction::Allow { "allow" } else { "deny" }});
                    if matches!(r.protocol, Protocol::Tcp | Protocol::Udp) {
                        let (f, t) = port_range(r.ports.as_deref());
                        e["PortRange"] = json!({"From": f, "To": t});
                    }
                    entries.push(e);
                }
                entries.push(json!({"RuleNumber": 32767, "Protocol": "-1", "Egress": egress, "CidrBlock": "0.0.0.0/0", "RuleAction": "deny"}));
            }
            let assoc: Vec<Value> = spec
                .subnets
                .iter()
                .filter(|s| s.network_acl.as_deref() == Some(a.id.as_str()) || a.subnets.contains(&s.id))
                .map(|s| json!({"SubnetId": s.id, "NetworkAclId": a.id}))
                .collect();
            json!({"NetworkAclId": a.id, "VpcId": a.vpc, "IsDefault": a.default, "Associations": assoc, "Entries": entries})
        })
        .collect();
    let mut acls = acls;
    // AWS gives every VPC a default ACL (allow all) that every subnet
    // without an association uses.
    let with_default: BTreeSet<&str> = spec
        .network_acls
        .iter()
        .filter(|a| a.default)
        .map(|a| a.vpc.as_str())
        .collect();
    for v in spec
        .vpcs
        .iter()
        .filter(|v| !with_default.contains(v.id.as_str()))
    {
        let assoc: Vec<Value> = spec
            .subnets
            .iter()
            .filter(|s| {
                s.vpc == v.id
                    && s.network_acl.is_none()
                    && !spec.network_acls.iter().any(|a| a.subnets.contains(&s.id))
            })
            .map(|s| json!({"SubnetId": s.id}))
            .collect();
        let mut entries = Vec::new();
        for egress in [false, true] {
            entries.push(json!({"RuleNumber": 100, "Protocol": "-1", "Egress": egress, "CidrBlock": "0.0.0.0/0", "RuleAction": "allow"}));
            entries.push(json!({"RuleNumber": 32767, "Protocol": "-1", "Egress": egress, "CidrBlock": "0.0.0.0/0", "RuleAction": "deny"}));
        }
        acls.push(json!({"NetworkAclId": format!("acl-default-{}", v.id), "VpcId": v.id, "IsDefault": true, "Associations": assoc, "Entries": entries}));
    }
    out.push(file(
        region,
        "ec2-describe-network-acls",
        json!({ "NetworkAcls": acls }),
    ));
    let instances: Vec<Value> = spec
        .resources
        .iter()
        .map(|r| {
            let mut o = json!({"InstanceId": r.id, "State": {"Name": "running"}, "SubnetId": r.subnet,
                "SecurityGroups": r.security_groups.iter().map(|g| json!({"GroupId": g})).collect::<Vec<_>>(),
                "SourceDestCheck": !r.forwarding});
            if let Some(ip) = &r.private_ip {
                o["PrivateIpAddress"] = ip.as_str().into();
            }
            if let Some(ip) = &r.public_ip {
                o["PublicIpAddress"] = ip.as_str().into();
            }
            if let Some(ip) = &r.ipv6_ip {
                o["Ipv6Address"] = ip.as_str().into();
            }
            if let Some(n) = &r.name {
                o["Tags"] = json!([{"Key": "Name", "Value": n}]);
            }
            o
        })
        .collect();
    out.push(file(
        region,
        "ec2-describe-instances",
        json!({"Reservations": [{"Instances": instances}]}),
    ));
    let arn = |f: &str| format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{f}");
    let fns: Vec<Value> = spec
        .functions
        .iter()
        .map(|f| {
            let mut o = json!({"FunctionName": f.id, "FunctionArn": arn(&f.id), "Role": format!("arn:aws:iam::{ACCOUNT}:role/{}", f.id)});
            if let Some(v) = &f.vpc {
                o["VpcConfig"] = json!({"SubnetIds": v.subnets, "SecurityGroupIds": v.security_groups, "Ipv6AllowedForDualStack": v.ipv6_dual_stack});
            }
            o
        })
        .collect();
    out.push(file(
        region,
        "lambda-list-functions",
        json!({ "Functions": fns }),
    ));
    let esms: Vec<Value> = spec
        .triggers
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let svc = match t.source {
                TriggerSource::Sqs => "sqs",
                TriggerSource::Kinesis => "kinesis",
                TriggerSource::DynamoDbStreams => "dynamodb",
                _ => return None,
            };
            Some(json!({"UUID": format!("esm-{i}"), "FunctionArn": arn(&t.function), "State": "Enabled",
                "EventSourceArn": format!("arn:aws:{svc}:{region}:{ACCOUNT}:source-{i}")}))
        })
        .collect();
    out.push(file(
        region,
        "lambda-list-event-source-mappings",
        json!({ "EventSourceMappings": esms }),
    ));
    let pcx: Vec<Value> = spec
        .peering_connections
        .iter()
        .map(|p| {
            json!({"VpcPeeringConnectionId": p.id, "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": p.requester}, "AccepterVpcInfo": {"VpcId": p.accepter}})
        })
        .collect();
    out.push(file(
        region,
        "ec2-describe-vpc-peering-connections",
        json!({ "VpcPeeringConnections": pcx }),
    ));
    // Transit gateways: one route table each, every attachment associated
    // with it; its routes are the spec's, or the attached CIDRs propagated.
    let (mut gws, mut atts, mut rtbs) = (Vec::new(), Vec::new(), Vec::new());
    for (i, g) in spec.transit_gateways.iter().enumerate() {
        // The route-table id is read back from the file name: hex, as AWS's.
        let rtb = format!("tgw-rtb-{i:08x}");
        let att_id = |vpc: &str| format!("tgw-attach-{}-{vpc}", g.id);
        gws.push(json!({"TransitGatewayId": g.id, "State": "available", "OwnerId": ACCOUNT}));
        rtbs.push(json!({"TransitGatewayRouteTableId": rtb, "TransitGatewayId": g.id, "State": "available"}));
        for a in &g.attachments {
            atts.push(json!({"TransitGatewayAttachmentId": att_id(&a.vpc), "TransitGatewayId": g.id, "VpcId": a.vpc,
                "SubnetIds": a.subnets, "State": "available", "ResourceType": "vpc", "ResourceId": a.vpc,
                "Association": {"State": "associated", "TransitGatewayRouteTableId": rtb}}));
        }
        let routes: Vec<Value> = if g.routes.is_empty() {
            g.attachments
                .iter()
                .flat_map(|a| {
                    let v = spec.vpcs.iter().find(|v| v.id == a.vpc);
                    let cidrs: Vec<String> = v.map(|v| std::iter::once(v.cidr.clone()).chain(v.secondary_cidrs.clone()).collect()).unwrap_or_default();
                    let att = att_id(&a.vpc);
                    cidrs.into_iter().map(move |c| json!({"DestinationCidrBlock": c, "State": "active", "Type": "propagated",
                        "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": att, "ResourceType": "vpc"}]}))
                })
                .collect()
        } else {
            g.routes
                .iter()
                .map(|r| match &r.vpc {
                    Some(v) => json!({"DestinationCidrBlock": r.dest, "State": "active", "Type": "static",
                        "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": att_id(v), "ResourceType": "vpc"}]}),
                    None => json!({"DestinationCidrBlock": r.dest, "State": "blackhole", "Type": "static"}),
                })
                .collect()
        };
        out.push(file(
            region,
            &format!("ec2-search-transit-gateway-routes/TransitGatewayRouteTableId-{rtb}"),
            json!({ "Routes": routes }),
        ));
    }
    out.push(file(
        region,
        "ec2-describe-transit-gateways",
        json!({ "TransitGateways": gws }),
    ));
    out.push(file(
        region,
        "ec2-describe-transit-gateway-vpc-attachments",
        json!({ "TransitGatewayVpcAttachments": atts.clone() }),
    ));
    out.push(file(
        region,
        "ec2-describe-transit-gateway-attachments",
        json!({ "TransitGatewayAttachments": atts }),
    ));
    out.push(file(
        region,
        "ec2-describe-transit-gateway-route-tables",
        json!({ "TransitGatewayRouteTables": rtbs }),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated scenario survives the round trip: same VPCs, subnets,
    /// resources and functions, and the import is valid.
    #[test]
    fn generated_scenarios_round_trip_through_a_snapshot() {
        let spec = awsreach_gen_free_spec();
        let files = snapshot(&spec);
        let imp = crate::aws::import(&files, &crate::aws::Options::default())
            .unwrap()
            .remove(0);
        assert_eq!(imp.spec.vpcs.len(), spec.vpcs.len());
        assert_eq!(imp.spec.subnets.len(), spec.subnets.len());
        assert_eq!(imp.spec.resources.len(), spec.resources.len());
        assert_eq!(imp.spec.functions.len(), spec.functions.len());
        assert!(imp.spec.missing.is_empty(), "{:?}", imp.spec.missing);
        let before = awsreach_sim::Engine::new(awsreach_model::validate(&spec).unwrap().scenario);
        let after =
            awsreach_sim::Engine::new(awsreach_model::validate(&imp.spec).expect("valid").scenario);
        // Every expectation that names no external host (a snapshot has
        // none) gets the same verdict from the imported scenario.
        let hosts: Vec<&str> = spec.external_hosts.iter().map(|h| h.id.as_str()).collect();
        let mut compared = 0;
        for e in &spec.expect {
            if hosts.contains(&e.from.as_str()) || hosts.contains(&e.to.as_str()) {
                continue;
            }
            let opts = awsreach_sim::ProbeOptions {
                port: e.port,
                protocol: e.protocol,
                ..Default::default()
            };
            let (Ok(a), Ok(b)) = (
                before.probe(&e.from, &e.to, &opts),
                after.probe(&e.from, &e.to, &opts),
            ) else {
                panic!("{} -> {} no longer probes", e.from, e.to);
            };
            assert_eq!(
                before.outcome(&a),
                after.outcome(&b),
                "{} -> {}",
                e.from,
                e.to
            );
            compared += 1;
        }
        assert!(compared >= 5, "only {compared} expectations compared");
    }

    fn awsreach_gen_free_spec() -> ScenarioSpec {
        awsreach_model::parse(include_str!("../../../../scenarios/example-full.ron")).unwrap()
    }
}
