//! spec → `to_ron` → `parse` gives back the same spec, and syntax errors are
//! positioned.

use awsreach_model::spec::*;
use awsreach_model::{ScenarioSpec, parse, to_ron};

use crate::{check, example_src, spec};

fn round_trip(s: &ScenarioSpec) -> String {
    let text = to_ron(s);
    let back = parse(&text).unwrap_or_else(|e| panic!("to_ron output does not parse: {e}\n{text}"));
    assert_eq!(&back, s, "round trip changed the spec; RON was:\n{text}");
    text
}

#[test]
fn example_round_trips() {
    let s = spec(&example_src());
    // Guard against a vacuous pass: the example really is full.
    assert!(s.vpcs.len() >= 3 && s.triggers.len() >= 5 && !s.expect.is_empty());
    round_trip(&s);
}

/// Checked scenarios compare as values: the re-parsed example validates to
/// an equal scenario, and a one-field change makes it unequal (the fuzz
/// harness's round-trip invariant rests on this).
#[test]
fn checked_scenarios_compare_by_value() {
    let src = example_src();
    let a = check(&src).scenario;
    let b = check(&to_ron(&spec(&src))).scenario;
    assert_eq!(a, b);
    let mut c = b.clone();
    c.vpcs[0].dns_hostnames = !c.vpcs[0].dns_hostnames;
    assert_ne!(a, c);
    let mut d = b;
    d.missing.clear();
    d.expectations.pop();
    assert_ne!(a, d);
}

#[test]
fn default_spec_round_trips_to_almost_nothing() {
    let text = round_trip(&ScenarioSpec::default());
    assert_eq!(text, "(\n    region: \"us-east-1\",\n)\n");
}

/// A spec in which every optional field is set, to a non-default value where
/// the field has a default.
fn everything() -> ScenarioSpec {
    let s = |x: &str| x.to_string();
    let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    ScenarioSpec {
        name: Some(s("everything")),
        description: Some(s("every optional field set")),
        region: s("eu-west-1"),
        account: Some(s("111122223333")),
        vpcs: vec![VpcSpec {
            id: s("vpc"),
            cidr: s("10.0.0.0/16"),
            secondary_cidrs: v(&["10.1.0.0/16"]),
            ipv6_cidr: Some(s("2600:1f18::/56")),
            dns_support: false,
            dns_hostnames: true,
        }],
        subnets: vec![SubnetSpec {
            id: s("sub"),
            vpc: s("vpc"),
            cidr: s("10.0.1.0/24"),
            ipv6_cidr: Some(s("2600:1f18::/64")),
            az: Some(s("b")),
            route_table: Some(s("rt")),
            network_acl: Some(s("acl")),
        }],
        route_tables: vec![RouteTableSpec {
            id: s("rt"),
            vpc: s("vpc"),
            main: true,
            routes: vec![
                RouteSpec {
                    dest: s("10.0.0.0/16"),
                    target: RouteTarget::Local,
                },
                RouteSpec {
                    dest: s("0.0.0.0/0"),
                    target: RouteTarget::Igw(s("igw")),
                },
                RouteSpec {
                    dest: s("10.9.0.0/16"),
                    target: RouteTarget::Nat(s("nat")),
                },
                RouteSpec {
                    dest: s("pl:s3"),
                    target: RouteTarget::Endpoint(s("vpce")),
                },
                RouteSpec {
                    dest: s("10.2.0.0/16"),
                    target: RouteTarget::Peering(s("pcx")),
                },
                RouteSpec {
                    dest: s("10.3.0.0/16"),
                    target: RouteTarget::TransitGateway(s("tgw")),
                },
                RouteSpec {
                    dest: s("::/0"),
                    target: RouteTarget::EgressOnlyIgw(s("eigw")),
                },
                RouteSpec {
                    dest: s("192.168.0.0/16"),
                    target: RouteTarget::Eni(s("box")),
                },
                RouteSpec {
                    dest: s("10.99.0.0/16"),
                    target: RouteTarget::Blackhole,
                },
            ],
        }],
        internet_gateways: vec![InternetGatewaySpec {
            id: s("igw"),
            vpc: s("vpc"),
        }],
        egress_only_internet_gateways: vec![EgressOnlyIgwSpec {
            id: s("eigw"),
            vpc: s("vpc"),
        }],
        nat_gateways: vec![NatGatewaySpec {
            id: s("nat"),
            subnet: s("sub"),
            connectivity: NatConnectivity::Private,
            elastic_ip: Some(s("52.0.0.1")),
        }],
        vpc_endpoints: vec![VpcEndpointSpec {
            id: s("vpce"),
            vpc: s("vpc"),
            service: s("s3"),
            kind: EndpointKind::Interface,
            route_tables: v(&["rt"]),
            subnets: v(&["sub"]),
            security_groups: v(&["sg"]),
            private_dns: false,
            policy: Some(EndpointPolicySpec {
                allow: Some(v(&["s3:Get*"])),
                deny: v(&["s3:DeleteObject"]),
            }),
        }],
        security_groups: vec![SecurityGroupSpec {
            id: s("sg"),
            vpc: s("vpc"),
            default: true,
            ingress: vec![SgRuleSpec {
                protocol: Protocol::Tcp,
                ports: Some(s("443")),
                cidr: Some(s("0.0.0.0/0")),
                sg: Some(s("sg")),
                prefix_list: Some(s("s3")),
                description: Some(s("all three peers, which validation rejects")),
            }],
            egress: Some(vec![]),
        }],
        network_acls: vec![NetworkAclSpec {
            id: s("acl"),
            vpc: s("vpc"),
            default: true,
            subnets: v(&["sub"]),
            ingress: vec![NaclRuleSpec {
                rule: 100,
                action: RuleAction::Deny,
                protocol: Protocol::Udp,
                ports: Some(s("53")),
                cidr: s("0.0.0.0/0"),
            }],
            egress: vec![NaclRuleSpec {
                rule: 200,
                action: RuleAction::Allow,
                protocol: Protocol::All,
                ports: None,
                cidr: s("::/0"),
            }],
        }],
        resources: vec![ResourceSpec {
            name: Some("web-1".into()),
            id: s("box"),
            kind: ResourceKind::ElastiCache,
            subnet: s("sub"),
            private_ip: Some(s("10.0.1.10")),
            public_ip: Some(s("54.0.0.1")),
            ipv6_ip: Some(s("2600:1f18::10")),
            security_groups: v(&["sg"]),
            listen: v(&["tcp/6379", "icmp"]),
            forwarding: true,
        }],
        functions: vec![FunctionSpec {
            name: Some("orders".into()),
            id: s("fn"),
            vpc: Some(FunctionVpcSpec {
                subnets: v(&["sub"]),
                security_groups: v(&["sg"]),
                ipv6_dual_stack: true,
            }),
            policy: Some(InvokePolicySpec {
                allow: v(&["events.amazonaws.com", "box"]),
            }),
        }],
        services: vec![
            ServiceSpec {
                id: s("pinpoint"),
                gateway_endpoint: Some(false),
                interface_endpoint: Some(false),
                invokes_lambda: Some(true),
                ..ServiceSpec::default()
            },
            ServiceSpec {
                id: s("bedrock-runtime"),
                name: Some(s("Amazon Bedrock Runtime")),
                hostname: Some(s("bedrock-runtime.us-east-1.amazonaws.com")),
                endpoint_service: Some(s("com.amazonaws.us-east-1.bedrock-runtime")),
                action: Some(s("bedrock:InvokeModel")),
                gateway_endpoint: Some(false),
                interface_endpoint: Some(true),
                invokes_lambda: None,
            },
        ],
        triggers: vec![TriggerSpec {
            id: Some(s("stream")),
            source: TriggerSource::Msk,
            function: s("fn"),
            subnets: v(&["sub"]),
            security_groups: v(&["sg"]),
            port: Some(9096),
            mode: PollerMode::Provisioned,
            secrets_manager: true,
            engine: Some(MqEngine::RabbitMq),
            auth: Some(UrlAuth::NoAuth),
        }],
        external_hosts: vec![ExternalHostSpec {
            id: s("partner"),
            ip: Some(s("203.0.113.5")),
            hostname: Some(s("api.partner.example")),
            listen: v(&["tcp/443"]),
        }],
        peering_connections: vec![PeeringSpec {
            id: s("pcx"),
            requester: s("vpc"),
            accepter: s("other"),
        }],
        transit_gateways: vec![TransitGatewaySpec {
            id: s("tgw"),
            attachments: vec![TgwAttachmentSpec {
                id: Some(s("tgw-attach-1")),
                vpc: s("vpc"),
                subnets: v(&["sub"]),
                route_table: Some(s("spokes")),
                propagate: Some(v(&["spokes"])),
                appliance_mode: true,
            }],
            route_tables: vec![TgwRouteTableSpec {
                id: s("spokes"),
                routes: vec![TgwRouteSpec {
                    dest: s("0.0.0.0/0"),
                    vpc: Some(s("vpc")),
                }],
            }],
            default_route_table: Some(s("spokes")),
            sg_referencing: true,
            routes: vec![
                TgwRouteSpec {
                    dest: s("10.0.0.0/16"),
                    vpc: Some(s("vpc")),
                },
                TgwRouteSpec {
                    dest: s("10.99.0.0/16"),
                    vpc: None,
                },
            ],
        }],
        identities: vec![IdentitySpec {
            of: s("fn"),
            account: Some(s("444455556666")),
            allow: Some(v(&["lambda:InvokeFunction"])),
        }],
        missing: vec![MissingSpec {
            entity: s("app"),
            what: MissingKind::RouteTable,
            note: Some(s("no describe-route-tables in the snapshot")),
        }],
        expect: vec![ExpectationSpec {
            ip_version: None,
            from: s("fn"),
            to: s("partner"),
            port: Some(443),
            protocol: Some(Protocol::Tcp),
            expect: Expect::Blocked,
            host: None,
            code: Some(s("NO_ROUTE")),
            note: Some(s("a note")),
        }],
    }
}

#[test]
fn spec_with_every_optional_field_round_trips() {
    let text = round_trip(&everything());
    // Implicit Some keeps the output the way people write it by hand.
    assert!(!text.contains("Some("), "{text}");
    insta::assert_snapshot!("every_field", text);
}

#[test]
fn explicit_some_is_accepted_too() {
    let a = spec(r#"(subnets: [(id: "s", vpc: "v", cidr: "10.0.0.0/24", az: Some("b"))])"#);
    let b = spec(r#"(subnets: [(id: "s", vpc: "v", cidr: "10.0.0.0/24", az: "b")])"#);
    assert_eq!(a, b);
    assert_eq!(a.subnets[0].az.as_deref(), Some("b"));
}

#[test]
fn syntax_error_carries_line_and_column() {
    let src = "(\n    vpcs: [\n        (id: \"v\" cidr: \"10.0.0.0/16\"),\n    ],\n)\n";
    let e = parse(src).unwrap_err();
    assert_eq!((e.line, e.col), (3, 18));
    assert_eq!(e.to_string(), "3:18: Expected comma");
}

#[test]
fn unknown_field_is_a_positioned_error_naming_the_valid_fields() {
    let src = "(\n    vpcs: [\n        (id: \"v\", cidrr: \"10.0.0.0/16\"),\n    ],\n)\n";
    let e = parse(src).unwrap_err();
    assert_eq!((e.line, e.col), (3, 19));
    assert!(e.message.contains("`cidrr`"), "{}", e.message);
    assert!(e.message.contains("`secondary_cidrs`"), "{}", e.message);
}

#[test]
fn wrong_type_and_unknown_variant_are_positioned() {
    let e = parse("(vpcs: [(id: \"v\", cidr: 10)])").unwrap_err();
    // At the value itself, naming the field's path and the forms it takes.
    assert_eq!((e.line, e.col), (1, 25));
    assert_eq!(
        e.message,
        "vpcs[0].cidr: `cidr` takes a string such as \"10.0.0.0/16\" (or an IPv6 block such as \"2600:1f18::/56\") (expected string)"
    );

    let src = "(\n  nat_gateways: [(id: \"n\", subnet: \"s\", connectivity: Public2)],\n)";
    let e = parse(src).unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.message.contains("`Public2`"), "{}", e.message);
}

#[test]
fn parse_errors_surface_through_load() {
    let e = awsreach_model::load("(vpcs: [").unwrap_err();
    assert!(
        matches!(&e, awsreach_model::LoadError::Parse(p) if p.line == 1),
        "{e:?}"
    );
}
