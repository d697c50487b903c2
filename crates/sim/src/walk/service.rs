//! Service calls: DNS (private DNS of interface endpoints), the public
//! endpoint, gateway endpoints, endpoint policies, and the codes a failed
//! call to a public endpoint is relabelled with.

use awsreach_model::spec::MissingKind;
use awsreach_model::*;

use super::*;
use crate::code::Code;
use crate::engine::{Addr, Node};
use crate::fix::{Fix, Remedy};
use crate::hop::{Action, At, HopKind, Via};
use crate::trace::Decision;

impl<'e, S: Sink> Walk<'e, S> {
    /// An HTTPS call to a service's regional endpoint from any source.
    pub(crate) fn call_from(&mut self, from: Node, s: ServiceId) -> Step {
        // Rule 7: a function's own log stream is shipped by the Lambda
        // service, whatever its network; what is traced here is an API call
        // made by the function's code.
        if matches!(from, Node::Function(_) | Node::FunctionEni(..))
            && self.sc.services[s.ix()].id == "logs"
        {
            hop!(self, HopKind::LambdaService, Decision::Info, At::OwnLogs);
        }
        match from {
            Node::Resource(r) => {
                let src = self.src_of_eni(self.sc.resources[r.ix()].eni);
                self.service_call(&src, s)
            }
            Node::FunctionEni(_, e) => {
                let src = self.src_of_eni(e);
                self.service_call(&src, s)
            }
            Node::Function(f) if self.sc.functions[f.ix()].vpc.is_some() => {
                self.each_function_eni(f, &|w, src| w.service_call(&src, s), &|w, src| {
                    w.service_call(&src, s)
                })
            }
            Node::Function(f) => {
                // Rule 2: the Lambda-managed network has internet access.
                hop!(
                    self,
                    HopKind::LambdaNetwork,
                    Decision::Pass,
                    At::OutsideVpc {
                        function: f,
                        flow: false
                    }
                );
                self.internet(Addr::Internet, Dst::Svc(s))
            }
            Node::Host(h) => {
                hop!(
                    self,
                    HopKind::Host,
                    Decision::Info,
                    At::HostOnInternet { host: h }
                );
                let ip = self.sc.external_hosts[h.ix()].ip;
                self.internet(ip.map_or(Addr::Unresolved(h), Addr::from_ip), Dst::Svc(s))
            }
            Node::Internet => {
                hop!(
                    self,
                    HopKind::Internet,
                    Decision::Info,
                    At::InternetClient { ipv6: false }
                );
                self.internet(Addr::Internet, Dst::Svc(s))
            }
            // A NAT gateway's address (an ENI's owner is the source otherwise,
            // `probe::sender`) calls as itself, DNS first; any other address
            // is a host on the internet.
            Node::Ip(ip) => match self.sending_eni(ip) {
                Some(eni) => {
                    let src = self.src_of_eni(eni);
                    self.service_call(&src, s)
                }
                None => self.flow_from_ip(ip, Dst::Svc(s)),
            },
            Node::Service(_) | Node::Trigger(_) => {
                unreachable!("rejected when the probe was built")
            }
        }
    }

    /// DNS first (rule 13: private DNS of an interface endpoint captures the
    /// public hostname), then the network path.
    pub(crate) fn service_call(&mut self, src: &Src<'e>, s: ServiceId) -> Step {
        // Poller ENIs were shown by `poller_in_subnet` already.
        if !matches!(src.what, SrcKind::Poller(_)) {
            self.src_hop(src);
        }
        let vpc = self.sc.subnet_vpc(src.subnet);
        let svc = &self.sc.services[s.ix()];
        if !self.sc.vpcs[vpc.ix()].dns_support {
            return Err(self.block(
                Code::DnsResolutionDisabled,
                HopKind::Dns,
                At::DnsOff { vpc, service: s },
                |w| {
                    let v = w.vpc_name(vpc).to_string();
                    (
                        format!(
                            "{v} has dns_support off, so {} cannot resolve {}",
                            src.name, svc.hostname
                        ),
                        vec![Remedy::one(Fix::EnableVpcDns { vpc: v })],
                    )
                },
            ));
        }
        let ieps = self.e.iface_eps.get(&(vpc, s)).map(Vec::as_slice);
        self.endpoint_placement_known(ieps, s)?;
        let private = ieps.and_then(|list| {
            list.iter().copied().find(|e| {
                self.sc.endpoints[e.ix()].private_dns && !self.sc.endpoints[e.ix()].enis.is_empty()
            })
        });
        // Rule 25: private DNS answers only the names the catalog says it
        // covers; a legacy or global name resolves publicly.
        let host = self.host;
        let covered = svc
            .hostnames
            .get(host as usize)
            .is_none_or(|h| h.private_dns);
        match private {
            Some(ep) if covered => {
                let eni = self.pick_endpoint_eni(ep, src.subnet);
                hop!(
                    self,
                    HopKind::Dns,
                    Decision::Pass,
                    At::PrivateDns {
                        service: s,
                        endpoint: ep,
                        eni,
                        host
                    }
                );
                self.flow(src, Dst::Eni(eni), false)?;
                return Ok(());
            }
            _ => {}
        }
        hop!(
            self,
            HopKind::Dns,
            Decision::Info,
            At::PublicDns {
                service: s,
                host,
                uncovered: private.is_some()
            }
        );
        match self.flow(src, Dst::Svc(s), false) {
            Ok(()) => Ok(()),
            Err(b) => Err(self.relabel_public_failure(b, src, s)),
        }
    }

    /// Rule 26: a flow to an external host called by its hostname resolves
    /// it first, by the source VPC's resolver (`src`) or public DNS: the
    /// host's address, or one the scenario lacks.
    pub(crate) fn host_dns(&mut self, src: Option<&Src<'e>>, to: Node) -> Step {
        let Node::Host(host) = to else { return Ok(()) };
        if !self.by_name {
            return Ok(());
        }
        if let Some(src) = src {
            let vpc = self.sc.subnet_vpc(src.subnet);
            if !self.sc.vpcs[vpc.ix()].dns_support {
                let name = src.name;
                return Err(self.block(
                    Code::DnsResolutionDisabled,
                    HopKind::Dns,
                    At::HostDnsOff { vpc, host },
                    |w| {
                        let v = w.vpc_name(vpc).to_string();
                        let h = &w.sc.external_hosts[host.ix()];
                        (
                            format!(
                                "{v} has dns_support off, so {name} cannot resolve {}",
                                h.hostname.as_deref().unwrap_or(&h.name)
                            ),
                            vec![Remedy::one(Fix::EnableVpcDns { vpc: v })],
                        )
                    },
                ));
            }
        }
        hop!(self, HopKind::Dns, Decision::Info, At::HostDns { host });
        Ok(())
    }

    /// Same subnet first, then same AZ, then any (the resolver answers with
    /// the endpoint's zonal addresses).
    pub(crate) fn pick_endpoint_eni(&self, ep: EndpointId, from: SubnetId) -> EniId {
        let e = &self.sc.endpoints[ep.ix()];
        let az = &self.sc.subnets[from.ix()].az;
        e.enis
            .iter()
            .copied()
            .find(|n| self.sc.enis[n.ix()].subnet == from)
            .or_else(|| {
                e.enis
                    .iter()
                    .copied()
                    .find(|n| &self.sc.subnets[self.sc.enis[n.ix()].subnet.ix()].az == az)
            })
            .unwrap_or(e.enis[0])
    }

    /// A call that failed on its way to the public endpoint: say so in the
    /// terms of what the VPC offers instead (rules 12, 13, 14).
    pub(crate) fn relabel_public_failure(
        &mut self,
        mut b: Block,
        src: &Src<'e>,
        s: ServiceId,
    ) -> Block {
        if !matches!(
            b.code,
            Code::NoRoute
                | Code::BlackholeRoute
                | Code::NoPublicIp
                | Code::NatWithoutInternetRoute
                | Code::NatInSourceSubnet
        ) {
            return b;
        }
        let vpc = self.sc.subnet_vpc(src.subnet);
        let svc = &self.sc.services[s.ix()];
        let table = self.table_of(src.subnet);
        // Rule 25: an interface endpoint serves the service here, but its
        // private DNS never answers the name called: neither the endpoint
        // nor its private DNS is the remedy; the name (or a NAT gateway) is.
        let name = svc.hostnames.get(self.host as usize);
        if let Some(name) = name.filter(|h| !h.private_dns)
            && let Some(ep) = self
                .e
                .iface_eps
                .get(&(vpc, s))
                .and_then(|l| l.first().copied())
        {
            b.code = Code::HostnameNotInPrivateDns;
            if S::EXPLAIN {
                let e = &self.sc.endpoints[ep.ix()];
                b.why = format!(
                    "{} calls {}, a name the private DNS of interface endpoint {} never answers (it answers {}), so it resolves to the public endpoint, which {} cannot reach ({})",
                    src.name, name.name, e.name, svc.hostname, src.name, b.why
                );
                b.fixes.retain(|r| {
                    !r.steps.iter().any(|f| {
                        matches!(
                            f,
                            Fix::CreateInterfaceEndpoint { .. } | Fix::EnablePrivateDns { .. }
                        )
                    })
                });
            }
            return b;
        }
        if let Some(ep) = self
            .e
            .iface_eps
            .get(&(vpc, s))
            .and_then(|l| l.first().copied())
        {
            b.code = Code::EndpointPrivateDnsOff;
            if S::EXPLAIN {
                let e = &self.sc.endpoints[ep.ix()];
                b.why = format!(
                    "interface endpoint {} for {} exists in {} but private DNS is off, so {} resolves to the public endpoint, which {} cannot reach ({})",
                    e.name,
                    svc.id,
                    self.vpc_name(vpc),
                    svc.hostname,
                    src.name,
                    b.why
                );
                let mut fixes = vec![Remedy::one(Fix::EnablePrivateDns {
                    endpoint: e.name.clone(),
                    vpc: self.vpc_name(vpc).into(),
                })];
                // The endpoint exists: creating another one with the same id is no remedy.
                b.fixes.retain(|r| {
                    !r.steps
                        .iter()
                        .any(|f| matches!(f, Fix::CreateInterfaceEndpoint { .. }))
                });
                fixes.append(&mut b.fixes);
                b.fixes = fixes;
            }
            return b;
        }
        if let Some(ep) = self.e.gw_eps.get(&(vpc, s)).and_then(|l| {
            l.iter()
                .copied()
                .find(|e| !self.sc.endpoints[e.ix()].route_tables.contains(&table))
        }) {
            b.code = Code::GatewayEndpointNotAssociated;
            if S::EXPLAIN {
                let e = &self.sc.endpoints[ep.ix()];
                let t = self.sc.route_tables[table.ix()].name.clone();
                b.why = format!(
                    "gateway endpoint {} for {} exists in {} but is not associated with {t}, the route table of {}, so the call heads for the public endpoint ({})",
                    e.name,
                    svc.id,
                    self.vpc_name(vpc),
                    self.subnet_name(src.subnet),
                    b.why
                );
                let mut fixes = vec![Remedy::one(Fix::AssociateGatewayEndpoint {
                    endpoint: e.name.clone(),
                    table: t,
                })];
                fixes.append(&mut b.fixes);
                b.fixes = fixes;
            }
            return b;
        }
        // NO_ENDPOINT_SUPPORT is for a caller with no way out at all (seed
        // pattern 6). A source in a public subnet is stopped by its missing
        // public IP (rules 1 and 10; seed pattern 4: "its ENI has no public
        // IP"), and one behind a misplaced NAT gateway by that gateway (rule
        // 11): keep those codes, which name what to repair.
        let broken_way_out = matches!(
            b.code,
            Code::NoPublicIp | Code::NatWithoutInternetRoute | Code::NatInSourceSubnet
        );
        if !svc.gateway_endpoint && !svc.interface_endpoint && !broken_way_out {
            b.code = Code::NoEndpointSupport;
            if S::EXPLAIN {
                b.why = format!(
                    "{} cannot reach the public endpoint of {} ({}), and {} offers no VPC endpoint, so only a NAT gateway can carry this call",
                    src.name, svc.id, b.why, svc.name
                );
                // Endpoint remedies do not apply: keep only the NAT ones.
                b.fixes.retain(|r| {
                    !r.steps
                        .iter()
                        .any(|f| matches!(f, Fix::CreateInterfaceEndpoint { .. }))
                });
            }
        }
        b
    }

    /// Rule 12: a gateway endpoint carries only its own service, IPv4, and
    /// applies its policy.
    pub(crate) fn via_gateway_endpoint(&mut self, ep: EndpointId, daddr: Addr) -> Step {
        hop!(
            self,
            HopKind::VpcEndpoint,
            Decision::Pass,
            At::GatewayEndpoint { endpoint: ep }
        );
        self.endpoint_policy(ep)?;
        let Addr::Svc(s) = daddr else {
            unreachable!("prefix-list routes match only their service")
        };
        self.service_reached(s, Via::GatewayEndpoint)
    }

    pub(crate) fn endpoint_policy(&mut self, ep: EndpointId) -> Step {
        let e = &self.sc.endpoints[ep.ix()];
        if let Some(m) = self.lacks(EntityRef::VpcEndpoint(ep), MissingKind::Policy) {
            return Err(
                self.unknown(Code::UnknownPolicy, HopKind::VpcEndpoint, m, |w| {
                    format!("whether the endpoint allows {}", w.action)
                }),
            );
        }
        match e.policy.deciding(self.action) {
            Ok(()) => {
                hop!(
                    self,
                    HopKind::VpcEndpoint,
                    Decision::Pass,
                    At::EndpointPolicyAllows {
                        endpoint: ep,
                        action: self.action_ref()
                    }
                );
                Ok(())
            }
            Err(pattern) => {
                let action = self.action;
                Err(self.block(
                    Code::EndpointPolicyDenied,
                    HopKind::VpcEndpoint,
                    At::EndpointPolicyDenies {
                        endpoint: ep,
                        action: self.action_ref(),
                    },
                    |_| {
                        (
                            format!(
                                "the policy of endpoint {} does not allow {action} ({pattern})",
                                e.name
                            ),
                            vec![Remedy::one(Fix::AllowEndpointAction {
                                endpoint: e.name.clone(),
                                action: action.to_string(),
                            })],
                        )
                    },
                ))
            }
        }
    }

    pub(crate) fn service_reached(&mut self, s: ServiceId, via: Via) -> Step {
        hop!(
            self,
            HopKind::Service,
            Decision::Pass,
            At::ServiceReached { service: s, via }
        );
        self.check_return()
    }

    /// Which action this walk asks endpoint policies about: the Lambda
    /// API's, a service's usual one, or the probe's own.
    pub(crate) fn action_ref(&self) -> Action {
        if self.action == "lambda:InvokeFunction" {
            return Action::Invoke;
        }
        self.sc
            .services
            .iter()
            .position(|s| std::ptr::eq(s.default_action.as_str(), self.action))
            .map_or(Action::Given, |i| Action::Service(ServiceId(i as u32)))
    }
}
