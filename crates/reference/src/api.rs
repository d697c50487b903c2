//! Calls to AWS service APIs: from an ENI to the service's public
//! endpoint or to an interface endpoint, and the endpoint's policy.

use std::net::IpAddr;

use awsreach_model::EniOwner;
use awsreach_model::spec::EndpointKind;

use crate::{Cx, End, Goal, Sender, Step, wildcard};

impl<'s> Cx<'s> {
    pub(crate) fn api_call(&mut self, from: End, s: usize) -> Step {
        match from {
            End::Resource(r) => {
                let sender = self.eni_sender(self.sc.resources[r].eni.ix());
                self.api_from(sender, s)
            }
            End::Function(f) => match &self.sc.functions[f].vpc {
                // Rule 2: the Lambda-managed network reaches public endpoints.
                None => Ok(()),
                Some(v) => {
                    for eni in &v.enis {
                        self.legs.clear();
                        let sender = self.eni_sender(eni.ix());
                        self.api_from(sender, s)?;
                    }
                    Ok(())
                }
            },
            // Public endpoints are on the internet.
            End::Host(_) | End::Internet => Ok(()),
            End::FunctionEni(_, eni) => {
                let sender = self.eni_sender(eni);
                self.api_from(sender, s)
            }
            End::Ip(ip) => match self.eni_holding(ip) {
                Some(eni) => {
                    let sender = self.eni_sender(eni);
                    self.api_from(sender, s)
                }
                None => Ok(()),
            },
            End::Service(_) | End::Trigger(_) => unreachable!("refused in evaluate"),
        }
    }

    /// A non-endpoint ENI holding a literal IPv4 source address, first VPC first.
    pub(crate) fn eni_holding(&self, ip: IpAddr) -> Option<usize> {
        let IpAddr::V4(a) = ip else { return None };
        for v in 0..self.sc.vpcs.len() {
            for (i, n) in self.sc.enis.iter().enumerate() {
                if n.private_ip == a
                    && self.vpc_of_subnet(n.subnet.ix()) == v
                    && !matches!(n.owner, EniOwner::Endpoint(_))
                {
                    return Some(i);
                }
            }
        }
        None
    }

    /// An HTTPS call from an ENI: DNS (rule 13), then the path.
    pub(crate) fn api_from(&mut self, sender: Sender<'s>, s: usize) -> Step {
        let vpc_ix = self.vpc_of_subnet(sender.subnet);
        let vpc = &self.sc.vpcs[vpc_ix];
        if !vpc.dns_support {
            return Err("DNS_RESOLUTION_DISABLED");
        }
        // Private DNS of an interface endpoint in the caller's VPC captures the
        // service hostname (needs the VPC's DNS support and DNS hostnames).
        // Rule 25: only the hostnames the catalog says private DNS answers.
        let covered = self.sc.services[s]
            .hostnames
            .get(self.host)
            .is_none_or(|h| h.private_dns);
        let mut captured = None;
        for e in &self.sc.endpoints {
            if e.vpc.ix() == vpc_ix
                && e.service.ix() == s
                && e.kind == EndpointKind::Interface
                && e.private_dns
                && vpc.dns_hostnames
                && !e.enis.is_empty()
                && covered
            {
                captured = Some(e);
                break;
            }
        }
        if let Some(e) = captured {
            // The resolver answers with the endpoint's address in the caller's
            // subnet, else in its availability zone, else the first one.
            let az = &self.sc.subnets[sender.subnet].az;
            let mut pick = None;
            for n in &e.enis {
                if self.sc.enis[n.ix()].subnet.ix() == sender.subnet {
                    pick = Some(n.ix());
                    break;
                }
            }
            if pick.is_none() {
                for n in &e.enis {
                    if &self.sc.subnets[self.sc.enis[n.ix()].subnet.ix()].az == az {
                        pick = Some(n.ix());
                        break;
                    }
                }
            }
            let eni = pick.unwrap_or(e.enis[0].ix());
            return self.send(sender, Goal::Private(eni), 0);
        }
        match self.send(sender, Goal::Service(s), 0) {
            Ok(()) => Ok(()),
            Err(code) => Err(self.rename_public_failure(code, sender, s)),
        }
    }

    /// A call that could not get out to the public endpoint, said in terms
    /// of what the VPC offers for the service instead.
    pub(crate) fn rename_public_failure(
        &self,
        code: &'static str,
        sender: Sender<'s>,
        s: usize,
    ) -> &'static str {
        let way_out = [
            "NO_ROUTE",
            "BLACKHOLE_ROUTE",
            "NO_PUBLIC_IP",
            "NAT_WITHOUT_INTERNET_ROUTE",
            "NAT_IN_SOURCE_SUBNET",
        ];
        if !way_out.contains(&code) {
            return code;
        }
        let vpc = self.vpc_of_subnet(sender.subnet);
        let table = self.sc.subnets[sender.subnet].route_table;
        let mut interface = false;
        let mut gateway_elsewhere = false;
        for e in &self.sc.endpoints {
            if e.vpc.ix() != vpc || e.service.ix() != s {
                continue;
            }
            match e.kind {
                EndpointKind::Interface => interface = true,
                EndpointKind::Gateway => {
                    if !e.route_tables.contains(&table) {
                        gateway_elsewhere = true;
                    }
                }
            }
        }
        let svc = &self.sc.services[s];
        let covered = svc.hostnames.get(self.host).is_none_or(|h| h.private_dns);
        if interface && !covered {
            "HOSTNAME_NOT_IN_PRIVATE_DNS"
        } else if interface {
            "ENDPOINT_PRIVATE_DNS_OFF"
        } else if gateway_elsewhere {
            "GATEWAY_ENDPOINT_NOT_ASSOCIATED"
        } else if !svc.gateway_endpoint
            && !svc.interface_endpoint
            && (code == "NO_ROUTE" || code == "BLACKHOLE_ROUTE")
        {
            // Seed pattern 6: no way out at all and no endpoint to create. A
            // missing public IP or a broken NAT gateway keeps its own code,
            // which names what to repair.
            "NO_ENDPOINT_SUPPORT"
        } else {
            code
        }
    }

    pub(crate) fn endpoint_policy(&self, ep: usize) -> Step {
        let p = &self.sc.endpoints[ep].policy;
        for pattern in &p.deny {
            if wildcard(pattern, &self.action) {
                return Err("ENDPOINT_POLICY_DENIED");
            }
        }
        match &p.allow {
            None => Ok(()),
            Some(list) => {
                if list.iter().any(|pattern| wildcard(pattern, &self.action)) {
                    Ok(())
                } else {
                    Err("ENDPOINT_POLICY_DENIED")
                }
            }
        }
    }
}
