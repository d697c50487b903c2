//! The detail column of a hop: one arm per place a hop can stop ([`At`]),
//! in the words a trace printed before hops were data. One match kept whole
//! (about 540 lines) so every wording can be found by its `At` variant.

use std::fmt::{self, Formatter};

use awsreach_model::*;

use super::*;

pub(super) fn detail(
    sc: &Scenario,
    hop: &Hop,
    given: Option<&str>,
    f: &mut Formatter<'_>,
) -> fmt::Result {
    let subnet = |s: SubnetId| &sc.subnets[s.ix()].name;
    let vpc = |v: VpcId| &sc.vpcs[v.ix()].name;
    match hop.at {
        At::Sender {
            sender,
            ip,
            subnet: s,
            public_ip,
        } => {
            if let Sender::Poller(t) = sender {
                write!(f, "event poller ENI of {} ", sc.triggers[t.ix()].name)?;
            }
            write!(
                f,
                "{} in subnet {} ({})",
                ip.show(sc),
                subnet(s),
                vpc(sc.subnet_vpc(s))
            )?;
            match (sender, public_ip) {
                (Sender::Function(_) | Sender::Poller(_), _) => {
                    f.write_str(", no public ip (Lambda Hyperplane ENI)")
                }
                (_, Some(p)) => write!(f, ", public ip {p}"),
                (_, None) => f.write_str(", no public ip"),
            }
        }
        At::Nacl {
            subnet: s,
            dir,
            proto,
            ports,
            remote,
            rule,
            ..
        } => {
            let (way, word) = in_out(dir);
            write!(
                f,
                "{way} {} {word} {} ",
                Ports(proto, ports),
                remote.show(sc)
            )?;
            if hop.decision == Decision::Pass {
                write!(f, "allowed at subnet {}", subnet(s))
            } else {
                write!(f, "denied at subnet {} by ", subnet(s))?;
                match rule {
                    Some(r) => write!(f, "rule {r}"),
                    None => f.write_str("the implicit deny (*)"),
                }
            }
        }
        At::SgOut {
            proto, port: p, to, ..
        } => write!(
            f,
            "outbound {} to {} allowed",
            port(proto, p),
            to.show(sc)
        ),
        At::SgOutDenied {
            proto, port: p, to, ..
        } => write!(
            f,
            "no outbound rule allows {} to {}",
            port(proto, p),
            to.show(sc)
        ),
        At::SgIn {
            proto,
            port: p,
            from,
            appliance,
            ..
        } => write!(
            f,
            "inbound {} from {} allowed{}",
            port(proto, p),
            from.show(sc),
            if appliance { " on the appliance" } else { "" }
        ),
        At::SgInDenied {
            proto,
            port: p,
            from,
            appliance,
            ..
        } => write!(
            f,
            "no inbound rule admits {} from {}{}",
            port(proto, p),
            from.show(sc),
            if appliance { " on the appliance" } else { "" }
        ),
        At::PollerSgDenied { port: p, .. } => write!(
            f,
            "broker port tcp/{p} not admitted between the source's own security groups"
        ),
        At::PollerSgAllowed { port: p, .. } => {
            write!(f, "tcp/{p} to the brokers allowed within the source's groups")
        }
        At::Route { table, route, to } => {
            let r = sc.route_tables[table.ix()].routes[route as usize];
            write!(
                f,
                "{} matches {} -> {}",
                to.show(sc),
                sc.dest_name(r.dest),
                sc.target_name(r.target)
            )
        }
        At::Blackhole { .. } => f.write_str("blackhole route"),
        At::NoRoute { to, .. } => write!(f, "no route matches {}", to.show(sc)),
        At::TgwRoute {
            tgw,
            from,
            table,
            route,
            to,
        } => {
            let tg = &sc.transit_gateways[tgw.ix()];
            let t = &tg.route_tables[table as usize];
            let r = t.routes[route as usize];
            let ya = &tg.attachments[r.target.unwrap_or_default()];
            write!(
                f,
                "route table {} (associated with {}): {} matches {} -> attachment {} ({})",
                t.name,
                tg.attachments[from as usize].name,
                to.show(sc),
                r.dest,
                ya.name,
                vpc(ya.vpc)
            )
        }
        At::TgwBlackhole { tgw, table, route } => {
            let t = &sc.transit_gateways[tgw.ix()].route_tables[table as usize];
            write!(
                f,
                "route table {}: {} is a blackhole",
                t.name, t.routes[route as usize].dest
            )
        }
        At::TgwNoRoute { tgw, table, to } => write!(
            f,
            "route table {}: no route for {}",
            sc.transit_gateways[tgw.ix()].route_tables[table as usize].name,
            to.show(sc)
        ),
        At::TgwNotAttached { vpc: v, .. } => write!(f, "{} is not attached", vpc(v)),
        At::TgwNoAttachmentInAz {
            tgw,
            attachment,
            subnet: s,
        } => write!(
            f,
            "attachment {} has no subnet in {}",
            sc.transit_gateways[tgw.ix()].attachments[attachment as usize].name,
            sc.subnets[s.ix()].az
        ),
        At::TgwNotAssociated { tgw, attachment } => write!(
            f,
            "attachment {} is associated with no route table",
            sc.transit_gateways[tgw.ix()].attachments[attachment as usize].name
        ),
        At::TgwReplyLost {
            tgw,
            table,
            route,
            to,
        } => {
            let tg = &sc.transit_gateways[tgw.ix()];
            let t = &tg.route_tables[table as usize];
            match route {
                None => write!(
                    f,
                    "route table {}: no route back to {}",
                    t.name,
                    to.show(sc)
                ),
                Some(ri) => {
                    let r = t.routes[ri as usize];
                    write!(
                        f,
                        "route table {}: {} matches {} -> {}",
                        t.name,
                        to.show(sc),
                        r.dest,
                        r.target
                            .map(|a| tg.attachments[a].name.as_str())
                            .unwrap_or("blackhole")
                    )
                }
            }
        }
        At::TgwReply {
            tgw,
            on,
            table,
            back,
            to,
        } => {
            let tg = &sc.transit_gateways[tgw.ix()];
            write!(
                f,
                "reply: route table {} (associated with {}) routes {} back to attachment {}",
                tg.route_tables[table as usize].name,
                tg.attachments[on as usize].name,
                to.show(sc),
                tg.attachments[back as usize].name
            )
        }
        At::NotTransitive { to, via, .. } => write!(
            f,
            "{} -> {}: not for transit traffic",
            to.show(sc),
            sc.target_name(via)
        ),
        At::EgressOnlyIgw { .. } => f.write_str("IPv6 egress"),
        At::EgressOnlyInbound { .. } => {
            f.write_str("admits no connection opened from the internet")
        }
        At::IgwV6 { .. } => f.write_str("IPv6: no translation"),
        At::IgwV6Inbound { to, .. } => write!(f, "IPv6: no translation, to {to}"),
        At::IgwNat { from, to, .. } => write!(f, "1:1 NAT {from} -> {to}"),
        At::NoPublicIp { ip, .. } => {
            write!(f, "{ip} has no public IPv4 address to translate to")
        }
        At::NatTranslates { nat, from } => {
            let n = &sc.nat_gateways[nat.ix()];
            write!(
                f,
                "translates source {from} -> {} in subnet {}",
                sc.enis[n.eni.ix()].private_ip,
                subnet(n.subnet)
            )
        }
        At::NatOwnSubnet { .. } => f.write_str("the source is in the NAT gateway's own subnet"),
        At::NatUnsolicited { .. } => f.write_str("admits only replies to connections it opened"),
        At::NatNoInternet { nat, narrower } => {
            let n = &sc.nat_gateways[nat.ix()];
            match (n.public, narrower) {
                (false, _) => f.write_str("a private NAT gateway cannot use an internet gateway"),
                (true, Some(ri)) => {
                    let table = sc.subnets[n.subnet.ix()].route_table;
                    let r = sc.route_tables[table.ix()].routes[ri as usize];
                    write!(
                        f,
                        "subnet {} sends {} to {} instead of the internet gateway",
                        subnet(n.subnet),
                        sc.dest_name(r.dest),
                        sc.target_name(r.target)
                    )
                }
                (true, None) => write!(
                    f,
                    "subnet {} has no 0.0.0.0/0 route to an internet gateway",
                    subnet(n.subnet)
                ),
            }
        }
        At::Across { vpc: v, .. } => write!(f, "into {}", vpc(v)),
        At::NotInVpc { vpc: v, to, .. } => write!(f, "{} is not in {}", to.show(sc), vpc(v)),
        At::NoInterface { to, .. } => write!(f, "no interface holds {}", to.show(sc)),
        At::NoReturnVia { to, via, .. } => write!(
            f,
            "no route back to {} via {}",
            to.show(sc),
            sc.target_name(via)
        ),
        At::NoReturnIgw { ipv6: false, .. } => {
            f.write_str("no route back to the internet gateway")
        }
        At::NoReturnIgw { ipv6: true, .. } => {
            f.write_str("no IPv6 route back to the internet gateway")
        }
        At::NoIgw { .. } => f.write_str("no internet gateway attached"),
        At::Loop { .. } => f.write_str("the packet comes back here: routing loop"),
        At::NoIpv6 { .. } => f.write_str("no IPv6 address for an IPv6 destination"),
        At::NoIpv6End { .. } => f.write_str("no IPv6 address"),
        At::NotForwarding { .. } => {
            f.write_str("source/destination check drops forwarded traffic")
        }
        At::Forwards { .. } => f.write_str(
            "appliance forwards the packet (as a NAT instance: the source becomes the appliance)",
        ),
        At::NoInbound { .. } => f.write_str("accepts no inbound connections"),
        At::Listens {
            at,
            proto,
            port: p,
        } => match at {
            Listening::Resource(r) => {
                let hit = sc.resources[r.ix()]
                    .listen
                    .iter()
                    .find(|l| l.accepts(proto, p));
                match hit {
                    Some(l) => write!(f, "listening on {l}"),
                    None => Ok(()),
                }
            }
            Listening::Host(h) => write!(f, "{} reached", HostAddr(sc, h)),
        },
        At::NotListening { proto, port: p, .. } => {
            write!(f, "nothing listens on {}", port(proto, p))
        }
        At::OutsideVpc { function, flow } => {
            write!(
                f,
                "{} runs outside any VPC, in the Lambda-managed network",
                sc.functions[function.ix()].name
            )?;
            f.write_str(if flow {
                ": internet access, no route into private addresses"
            } else {
                ", which has internet access"
            })
        }
        At::OutsideVpcNoIpv6 => f.write_str("no outbound IPv6 outside a VPC"),
        At::HostOnInternet { host } => write!(f, "{} on the internet", HostAddr(sc, host)),
        At::IpOnInternet { ip } => write!(f, "{ip} on the internet"),
        At::InternetClient { ipv6: false } => f.write_str("a client on the internet"),
        At::InternetClient { ipv6: true } => f.write_str("a client on the internet, over IPv6"),
        At::Internet { from, to } => write!(f, "from {} to {}", from.show(sc), to.show(sc)),
        At::InternetReached => f.write_str("internet address reached"),
        At::IpReached { ip } => write!(f, "{ip} reached"),
        At::PrivateAddress { ip } => write!(f, "{ip} is a private address"),
        At::OwnLogs => f.write_str(
            "the function's own logs are delivered by the Lambda service and need no network path; tracing an API call from its code",
        ),
        At::DnsOff { service, .. } => write!(
            f,
            "{} does not resolve: dns_support is off",
            sc.services[service.ix()].hostname
        ),
        At::PrivateDns {
            service,
            endpoint,
            eni,
            host,
        } => write!(
            f,
            "{} resolves to interface endpoint {} ({}) through private DNS",
            service_host(sc, service, host),
            sc.endpoints[endpoint.ix()].name,
            sc.enis[eni.ix()].private_ip
        ),
        At::PublicDns {
            service,
            host,
            uncovered,
        } => {
            write!(
                f,
                "{} resolves to the public endpoint",
                service_host(sc, service, host)
            )?;
            if uncovered {
                f.write_str(": the interface endpoint's private DNS does not answer this name")?;
            }
            Ok(())
        }
        At::HostDns { host } => {
            let h = &sc.external_hosts[host.ix()];
            let name = h.hostname.as_deref().unwrap_or(&h.name);
            match h.ip {
                Some(ip) => write!(f, "{name} resolves to {ip} (public DNS)"),
                None => write!(
                    f,
                    "{name} resolves through public DNS to an address the scenario lacks"
                ),
            }
        }
        At::HostDnsOff { host, .. } => write!(
            f,
            "{} does not resolve: dns_support is off",
            sc.external_hosts[host.ix()]
                .hostname
                .as_deref()
                .unwrap_or("the host's name")
        ),
        At::GatewayEndpoint { endpoint } => {
            let e = &sc.endpoints[endpoint.ix()];
            write!(f, "gateway endpoint for {}", sc.services[e.service.ix()].id)
        }
        At::EndpointPolicyAllows { endpoint, action } => {
            let a = action_text(sc, action, given);
            if sc.endpoints[endpoint.ix()].policy.is_default() {
                write!(f, "default policy allows {a}")
            } else {
                write!(f, "policy allows {a}")
            }
        }
        At::EndpointPolicyDenies { endpoint, action } => {
            let a = action_text(sc, action, given);
            let pattern = sc.endpoints[endpoint.ix()]
                .policy
                .deciding(a)
                .err()
                .unwrap_or_default();
            write!(f, "policy denies {a} ({pattern})")
        }
        At::ServiceReached { service, via } => write!(
            f,
            "{} API reached {}",
            sc.services[service.ix()].name,
            match via {
                Via::PublicEndpoint => "at its public endpoint",
                Via::InterfaceEndpoint => "through the interface endpoint",
                Via::GatewayEndpoint => "through the gateway endpoint",
            }
        ),
        At::InvokeAllowed {
            function,
            principal,
            grant,
        } => {
            let (name, p) = (
                &sc.functions[function.ix()].name,
                principal_name(sc, principal),
            );
            match grant {
                Grant::Policy { entry } => {
                    let e = sc.functions[function.ix()]
                        .policy
                        .as_ref()
                        .and_then(|l| l.get(entry as usize))
                        .map_or("", String::as_str);
                    if e == p {
                        write!(f, "resource-based policy of {name} allows {p}")
                    } else {
                        write!(f, "resource-based policy of {name} allows {p} (as `{e}`)")
                    }
                }
                Grant::Identity { declared: true } => write!(
                    f,
                    "{p} is in {name}'s account and its identity-based policy allows lambda:InvokeFunction"
                ),
                Grant::Identity { declared: false } => write!(
                    f,
                    "{p} is in {name}'s account: its identity-based policy (not modelled, taken to allow its calls) is enough"
                ),
            }
        }
        At::InvokeDenied {
            function,
            principal,
            denial,
        } => {
            let (name, p) = (
                &sc.functions[function.ix()].name,
                principal_name(sc, principal),
            );
            match (denial.resource, denial.identity, denial.either) {
                (true, true, true) => write!(
                    f,
                    "neither {p}'s identity-based policy nor the resource-based policy of {name} allows it"
                ),
                (false, true, _) => write!(
                    f,
                    "{p}'s identity-based policy does not allow lambda:InvokeFunction"
                ),
                (true, false, _) => {
                    write!(f, "resource-based policy of {name} does not allow {p}")
                }
                _ => write!(
                    f,
                    "{p} is in another account: both its identity-based policy and the resource-based policy of {name} must allow it"
                ),
            }
        }
        At::LambdaInvokes { principal } => match principal {
            None => f.write_str("invokes with the function's execution role (event source mapping)"),
            Some(p) => write!(
                f,
                "accepts lambda:InvokeFunction from {}",
                principal_name(sc, p)
            ),
        },
        At::Invoked { function } => match &sc.functions[function.ix()].vpc {
            None => f.write_str("invoked in the Lambda-managed network"),
            Some(v) => write!(
                f,
                "invoked; its VPC attachment ({}) does not affect who can invoke it",
                vpc(v.vpc)
            ),
        },
        At::NoTrigger { from, function } => {
            f.write_str("no trigger from ")?;
            node_name(sc, from, f)?;
            write!(f, " to {} is declared", sc.functions[function.ix()].name)
        }
        At::PollerInVpc { trigger } => write!(
            f,
            "{:?} event source mapping: Lambda places poller ENIs in the source's subnets with its security groups",
            sc.triggers[trigger.ix()].source
        ),
        At::PollerInAws { trigger } => write!(
            f,
            "Lambda-managed poller reads {} inside the Lambda service; no VPC path is used",
            sc.services[sc.triggers[trigger.ix()].service.ix()].name
        ),
        At::PollerProvisioned { .. } => {
            f.write_str("provisioned mode: pollers need no NAT gateway or endpoints")
        }
        At::AlbInvokes { .. } => f.write_str(
            "the load balancer invokes its target function through the Lambda service, not over a network connection: its subnets and security groups play no part",
        ),
        At::FunctionUrlCall { auth, .. } => write!(
            f,
            "a client on the internet calls https://<url-id>.lambda-url.{}.on.aws, auth type {}",
            sc.region,
            match auth {
                awsreach_model::spec::UrlAuth::AwsIam => "AWS_IAM",
                awsreach_model::spec::UrlAuth::NoAuth => "NONE",
            }
        ),
        At::FunctionUrlUnsigned { .. } => {
            f.write_str("AWS_IAM: an unsigned request is refused")
        }
        At::PushSource { service } => {
            let svc = &sc.services[service.ix()];
            write!(
                f,
                "{} invokes through the Lambda service as {}; no VPC path is used",
                svc.name, svc.principal
            )
        }
        At::Missing { entity, what } => {
            let (noun, name) = entity_name(sc, entity);
            write!(f, "{} of {noun} {name} missing", what.noun())
        }
    }
}
