//! The packet walk: one pass over the compiled scenario that both decides
//! and (when asked) records readable hops. Every AWS rule applied here cites
//! its number in `shared/spec/aws-rules.md`.
//!
//! The walk is generic over a [`Sink`]: with [`NoHops`] no string is ever
//! built, which is the verdict-only fast path.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use awsreach_model::net::{EPHEMERAL, PortRange, Protocol};
use awsreach_model::spec::{PollerMode, RuleAction};
use awsreach_model::*;
use ipnet::IpNet;

use crate::code::Code;
use crate::engine::{Addr, Engine, Node, Probe};
use crate::fix::{Fix, Peer, Remedy, RuleDirection};
use crate::trace::{CallKind, Decision, Direction, Hop};

/// Receives hop records; `ON == false` compiles the records away.
pub(crate) trait Sink {
    const ON: bool;
    fn push(&mut self, hop: Hop);
    fn len(&self) -> usize;
}

pub(crate) struct NoHops;

impl Sink for NoHops {
    const ON: bool = false;
    #[inline]
    fn push(&mut self, _: Hop) {}
    #[inline]
    fn len(&self) -> usize {
        0
    }
}

impl Sink for Vec<Hop> {
    const ON: bool = true;
    fn push(&mut self, hop: Hop) {
        Vec::push(self, hop)
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
}

/// Why the walk stopped. `why` and `fixes` are empty on the fast path.
#[derive(Debug)]
pub(crate) struct Block {
    pub code: Code,
    pub hop: usize,
    pub why: String,
    pub fixes: Vec<Remedy>,
}

type Step = Result<(), Block>;

/// A network interface sending a packet: a resource's, a function's, a
/// poller's, or a NAT gateway's after translation.
#[derive(Clone, Copy)]
struct Src<'e> {
    name: &'e str,
    subnet: SubnetId,
    ip: Ipv4Addr,
    ipv6: Option<Ipv6Addr>,
    public_ip: Option<Ipv4Addr>,
    /// None: no security group applies (a NAT gateway).
    sgs: Option<&'e [SgId]>,
    what: SrcKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SrcKind {
    Resource(ResourceId),
    Function(FunctionId),
    Poller(TriggerId),
    Nat(NatId),
}

/// Where a packet is going.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dst {
    /// The private address of an ENI (resource or interface endpoint).
    Eni(EniId),
    /// The public address of a resource's ENI.
    PublicIp(EniId),
    Host(HostId),
    /// A service's public endpoint.
    Svc(ServiceId),
    Internet,
    Ip(IpAddr),
}

/// A reply-direction NACL check recorded on the way out (rule 17: NACLs are stateless).
#[derive(Clone, Copy)]
struct Leg {
    nacl: NaclId,
    subnet: SubnetId,
    /// Direction of the *reply* at this NACL.
    dir: RuleDirection,
    remote: Addr,
}

/// The sender as the receiver sees it: address and security groups (for
/// group references, which only work on private addresses).
#[derive(Clone, Copy)]
struct Seen<'e> {
    addr: Addr,
    sgs: &'e [SgId],
    name: &'e str,
    src_sg_first: Option<SgId>,
}

const MAX_DEPTH: u8 = 6;

pub(crate) struct Walk<'e, S: Sink> {
    e: &'e Engine,
    sc: &'e Scenario,
    pub sink: S,
    proto: Protocol,
    port: u16,
    action: &'e str,
    legs: [Option<Leg>; 8],
    nlegs: usize,
    dir: Direction,
    /// The probe's source, for fixes that depend on who is calling.
    from: Node,
}

macro_rules! hop {
    ($w:expr, $kind:expr, $comp:expr, $dec:expr, $detail:expr) => {
        hop!($w, $kind, $comp, $dec, $detail, None)
    };
    ($w:expr, $kind:expr, $comp:expr, $dec:expr, $detail:expr, $rule:expr) => {
        if S::ON {
            let dir = $w.dir;
            $w.sink.push(Hop {
                component: $comp.to_string(),
                kind: $kind,
                decision: $dec,
                detail: $detail,
                rule: $rule,
                direction: dir,
            });
        }
    };
}

fn ports_str(proto: Protocol, port: u16) -> String {
    if proto.has_ports() {
        format!("{proto}/{port}")
    } else {
        proto.to_string()
    }
}

impl<'e, S: Sink> Walk<'e, S> {
    pub(crate) fn new(e: &'e Engine, probe: &'e Probe, sink: S) -> Self {
        let action = match (&probe.action, probe.kind, probe.to) {
            (Some(a), _, _) => a.as_str(),
            (None, CallKind::ServiceCall, Node::Service(s)) => {
                e.sc.services[s.ix()].default_action.as_str()
            }
            _ => "lambda:InvokeFunction",
        };
        Walk {
            e,
            sc: &e.sc,
            sink,
            proto: probe.protocol,
            port: probe.port,
            action,
            legs: [None; 8],
            nlegs: 0,
            dir: Direction::Forward,
            from: probe.from,
        }
    }

    /// Records the blocking hop and builds the block (sentences only when recording).
    fn block(
        &mut self,
        code: Code,
        kind: &'static str,
        comp: impl FnOnce(&Self) -> String,
        detail: impl FnOnce(&Self) -> String,
        why_fix: impl FnOnce(&Self) -> (String, Vec<Remedy>),
    ) -> Block {
        if S::ON {
            let (c, d) = (comp(self), detail(self));
            let dir = self.dir;
            self.sink.push(Hop {
                component: c,
                kind,
                decision: Decision::Block,
                detail: d,
                rule: None,
                direction: dir,
            });
            let (why, fixes) = why_fix(self);
            Block {
                code,
                hop: self.sink.len() - 1,
                why,
                fixes,
            }
        } else {
            Block {
                code,
                hop: 0,
                why: String::new(),
                fixes: Vec::new(),
            }
        }
    }

    fn name_of_sg(&self, g: SgId) -> &'e str {
        &self.sc.security_groups[g.ix()].name
    }

    fn subnet_name(&self, s: SubnetId) -> &'e str {
        &self.sc.subnets[s.ix()].name
    }

    fn vpc_name(&self, v: VpcId) -> &'e str {
        &self.sc.vpcs[v.ix()].name
    }

    fn table_of(&self, s: SubnetId) -> RouteTableId {
        self.sc.subnets[s.ix()].route_table
    }

    // ---------------------------------------------------------------- entry

    pub(crate) fn run(&mut self, probe: &Probe) -> Step {
        match probe.kind {
            CallKind::Trigger => self.trigger(probe.from, probe.to),
            CallKind::Invoke => {
                let Node::Function(f) = probe.to else {
                    unreachable!("invoke probes target a function")
                };
                self.invoke(probe.from, f)
            }
            CallKind::ServiceCall => {
                let Node::Service(s) = probe.to else {
                    unreachable!("service calls target a service")
                };
                self.call_from(probe.from, s)
            }
            CallKind::Flow => self.flow_from(probe.from, probe.to),
        }
    }

    /// Runs `body` from each ENI of a VPC function (one per subnet); the
    /// probe is reachable only if every ENI gets through, since Lambda may
    /// use any of them. Records the first failing ENI (or the first ENI).
    fn each_function_eni(
        &mut self,
        f: FunctionId,
        body: &dyn Fn(&mut Walk<'e, NoHops>, Src<'e>) -> Step,
        rec: &dyn Fn(&mut Self, Src<'e>) -> Step,
    ) -> Step {
        let v = self.sc.functions[f.ix()]
            .vpc
            .as_ref()
            .expect("vpc function");
        let mut pick = v.enis[0];
        if v.enis.len() > 1 {
            for &eni in &v.enis {
                let mut probe_walk = Walk {
                    e: self.e,
                    sc: self.sc,
                    sink: NoHops,
                    proto: self.proto,
                    port: self.port,
                    action: self.action,
                    legs: [None; 8],
                    nlegs: 0,
                    dir: Direction::Forward,
                    from: self.from,
                };
                if body(&mut probe_walk, self.src_of_eni(eni)).is_err() {
                    pick = eni;
                    break;
                }
            }
        }
        rec(self, self.src_of_eni(pick))
    }

    fn src_of_eni(&self, eni: EniId) -> Src<'e> {
        let n = &self.sc.enis[eni.ix()];
        let what = match n.owner {
            EniOwner::Resource(r) => SrcKind::Resource(r),
            EniOwner::Function(f) => SrcKind::Function(f),
            EniOwner::Nat(x) => SrcKind::Nat(x),
            EniOwner::Endpoint(_) => unreachable!("endpoint ENIs never send"),
        };
        Src {
            name: self.sc.eni_owner_name(eni),
            subnet: n.subnet,
            ip: n.private_ip,
            ipv6: n.ipv6,
            public_ip: n.public_ip,
            sgs: Some(&n.security_groups),
            what,
        }
    }

    fn src_hop(&mut self, src: &Src<'e>) {
        hop!(self, "eni", src.name, Decision::Info, {
            let public = match (src.what, src.public_ip) {
                (SrcKind::Function(_) | SrcKind::Poller(_), _) => {
                    ", no public ip (Lambda Hyperplane ENI)".to_string()
                }
                (_, Some(p)) => format!(", public ip {p}"),
                (_, None) => ", no public ip".to_string(),
            };
            let who = match src.what {
                SrcKind::Poller(t) => {
                    format!("event poller ENI of {} ", self.sc.triggers[t.ix()].name)
                }
                _ => String::new(),
            };
            format!(
                "{who}{} in subnet {} ({}){public}",
                src.ip,
                self.subnet_name(src.subnet),
                self.vpc_name(self.sc.subnet_vpc(src.subnet))
            )
        });
    }

    // ----------------------------------------------------------- invocation

    /// An invocation is a call to the Lambda API, then the Lambda service
    /// delivers the event; the callee's placement never matters (rule 3,
    /// seed principle 1).
    fn invoke(&mut self, from: Node, f: FunctionId) -> Step {
        let lambda = self.e.lambda;
        self.call_from(from, lambda)?;
        let principal = match from {
            Node::Resource(r) => self.sc.resources[r.ix()].name.as_str(),
            Node::Function(g) => self.sc.functions[g.ix()].name.as_str(),
            _ => "*",
        };
        self.lambda_delivers(f, Some(principal))
    }

    /// The Lambda service invokes `f`; `principal` is checked against the
    /// resource-based policy (None: an event source mapping, which uses the
    /// function's execution role instead, rule 4).
    fn lambda_delivers(&mut self, f: FunctionId, principal: Option<&str>) -> Step {
        let func = &self.sc.functions[f.ix()];
        if let (Some(p), Some(policy)) = (principal, &func.policy) {
            let allowed = policy.iter().any(|a| a == "*" || a == p);
            if !allowed {
                let p = p.to_string();
                return Err(self.block(Code::InvokeNotPermitted, "lambda-service", |_| "lambda-service".into(), |w| format!("resource-based policy of {} does not allow {p}", w.sc.functions[f.ix()].name), |w| {
                    let name = w.sc.functions[f.ix()].name.clone();
                    (format!("the resource-based policy of {name} does not allow {p} to call lambda:InvokeFunction"), vec![Remedy::one(Fix::AllowInvoke { function: name, principal: p.clone() })])
                }));
            }
            hop!(
                self,
                "lambda-service",
                "lambda-service",
                Decision::Pass,
                format!("resource-based policy of {} allows {p}", func.name)
            );
        } else {
            hop!(
                self,
                "lambda-service",
                "lambda-service",
                Decision::Info,
                match principal {
                    None => "invokes with the function's execution role (event source mapping)"
                        .to_string(),
                    Some(p) => format!("accepts lambda:InvokeFunction from {p}"),
                }
            );
        }
        hop!(
            self,
            "function",
            func.name,
            Decision::Pass,
            match &func.vpc {
                None => "invoked in the Lambda-managed network".to_string(),
                Some(v) => format!(
                    "invoked; its VPC attachment ({}) does not affect who can invoke it",
                    self.vpc_name(v.vpc)
                ),
            }
        );
        Ok(())
    }

    // -------------------------------------------------------------- triggers

    fn trigger(&mut self, from: Node, to: Node) -> Step {
        let Node::Function(f) = to else {
            unreachable!("triggers target functions")
        };
        let candidates: Vec<TriggerId> = match from {
            Node::Trigger(t) if self.sc.triggers[t.ix()].function == f => vec![t],
            Node::Trigger(_) => Vec::new(),
            Node::Service(s) => self.e.triggers_by_fn[f.ix()]
                .iter()
                .copied()
                .filter(|t| self.sc.triggers[t.ix()].service == s)
                .collect(),
            _ => Vec::new(),
        };
        if candidates.is_empty() {
            let src = self.e.node_name(from);
            return Err(self.block(Code::NoTrigger, "service", |_| src.clone(), |w| format!("no trigger from {src} to {} is declared", w.sc.functions[f.ix()].name), |w| {
                let fname = w.sc.functions[f.ix()].name.clone();
                let source = match from {
                    Node::Service(s) => source_for_service(&w.sc.services[s.ix()].id),
                    _ => None,
                };
                let fixes = source.map(|source| vec![Remedy::one(Fix::AddTrigger { source, function: fname.clone() })]).unwrap_or_default();
                (format!("{src} never invokes {fname}: the scenario declares no trigger (event source mapping, rule, subscription or notification) between them"), fixes)
            }));
        }
        // Several triggers from one service: reachable if any works, else the
        // first failure. Each is tried on a fresh verdict-only walk, so the
        // trace records only the trigger that decides (a reachable trace
        // showed the blocking hops of a failed alternative before), and no
        // state of a failed attempt (reply legs, direction) leaks into the
        // next. Found by `awsreach fuzz` (trace-shape).
        let pick = match candidates[..] {
            [only] => only,
            _ => candidates
                .iter()
                .copied()
                .find(|&t| self.shallow().one_trigger(t).is_ok())
                .unwrap_or(candidates[0]),
        };
        self.one_trigger(pick)
    }

    fn one_trigger(&mut self, t: TriggerId) -> Step {
        let tr = &self.sc.triggers[t.ix()];
        let svc = &self.sc.services[tr.service.ix()];
        let f = tr.function;
        if tr.source.polls_in_vpc() {
            // Rule 5: pollers with ENIs in the event source's subnets.
            hop!(
                self,
                "poller",
                tr.name,
                Decision::Info,
                format!(
                    "{:?} event source mapping: Lambda places poller ENIs in the source's subnets with its security groups",
                    tr.source
                )
            );
            for &sub in &tr.subnets {
                self.poller_in_subnet(t, sub)?;
            }
            return self.lambda_delivers(f, None);
        }
        if tr.source.polls_in_aws() {
            // Rule 4: SQS / Kinesis / DynamoDB Streams pollers run in the Lambda service.
            hop!(
                self,
                "poller",
                tr.name,
                Decision::Info,
                format!(
                    "Lambda-managed poller reads {} inside the Lambda service; no VPC path is used",
                    svc.name
                )
            );
            return self.lambda_delivers(f, None);
        }
        // Rule 6: push sources call Invoke through the Lambda service.
        hop!(
            self,
            "service",
            svc.id,
            Decision::Info,
            format!(
                "{} invokes through the Lambda service as {}; no VPC path is used",
                svc.name, svc.principal
            )
        );
        let principal = svc.principal.as_str();
        self.lambda_delivers(f, Some(principal))
    }

    fn poller_in_subnet(&mut self, t: TriggerId, sub: SubnetId) -> Step {
        let tr = &self.sc.triggers[t.ix()];
        let cidr = self.sc.subnets[sub.ix()].cidr;
        // The poller ENI gets some address of the subnet; the last usable one stands in for it.
        let ip = Ipv4Addr::from(u32::from(cidr.broadcast()).saturating_sub(1));
        let src = Src {
            name: &tr.name,
            subnet: sub,
            ip,
            ipv6: None,
            public_ip: None,
            sgs: Some(&tr.security_groups),
            what: SrcKind::Poller(t),
        };
        self.src_hop(&src);
        // The poller connects to the brokers, which carry the same groups: they
        // must admit the broker port from themselves (rule 5).
        let broker = Seen {
            addr: Addr::V4(ip),
            sgs: &tr.security_groups,
            name: &tr.name,
            src_sg_first: tr.security_groups.first().copied(),
        };
        let port = tr.port;
        let (saved_proto, saved_port) = (self.proto, self.port);
        (self.proto, self.port) = (Protocol::Tcp, port);
        let out = self.sg_match(&tr.security_groups, RuleDirection::Egress, broker);
        let inn = self.sg_match(&tr.security_groups, RuleDirection::Ingress, broker);
        (self.proto, self.port) = (saved_proto, saved_port);
        if out.is_none() || inn.is_none() {
            let dir = if out.is_none() {
                RuleDirection::Egress
            } else {
                RuleDirection::Ingress
            };
            return Err(self.block(Code::PollerSgDenied, "security-group", |w| w.sg_names(&tr.security_groups), |_| format!("broker port tcp/{port} not admitted between the source's own security groups"), |w| {
                let sg = tr.security_groups[0];
                let g = w.name_of_sg(sg).to_string();
                (format!("the poller ENIs of {} use the source's security groups ({}), which do not allow tcp/{port} {} themselves", tr.name, w.sg_names(&tr.security_groups), if dir == RuleDirection::Egress { "out to" } else { "in from" }),
                 vec![Remedy::one(Fix::AddSgRule { sg: g.clone(), vpc: w.vpc_name(w.sc.security_groups[sg.ix()].vpc).into(), direction: dir, protocol: Protocol::Tcp, ports: port.to_string(), peer: Peer::Sg(g) })])
            }));
        }
        hop!(
            self,
            "security-group",
            self.sg_names(&tr.security_groups),
            Decision::Pass,
            format!("tcp/{port} to the brokers allowed within the source's groups")
        );
        if tr.mode == PollerMode::Provisioned {
            hop!(
                self,
                "poller",
                tr.name,
                Decision::Info,
                "provisioned mode: pollers need no NAT gateway or endpoints".to_string()
            );
            return Ok(());
        }
        let mut needs = vec![self.e.lambda, self.e.sts];
        if tr.secrets_manager {
            needs.push(self.e.secretsmanager);
        }
        for &s in &needs {
            let saved = (self.proto, self.port, self.action, self.nlegs);
            (self.proto, self.port) = (Protocol::Tcp, 443);
            self.action = &self.sc.services[s.ix()].default_action;
            self.nlegs = 0;
            let r = self.service_call(&src, s);
            (self.proto, self.port, self.action, self.nlegs) = saved;
            if let Err(inner) = r {
                let svc = &self.sc.services[s.ix()].id;
                let why = if S::ON {
                    format!(
                        "the {} poller in {} cannot reach the {svc} API, which on-demand pollers need: {}",
                        tr.name,
                        self.subnet_name(sub),
                        inner.why
                    )
                } else {
                    String::new()
                };
                let mut fixes = inner.fixes;
                // Rule 5: the poller needs every one of these APIs, so an
                // endpoint remedy creates the missing ones together.
                if S::ON
                    && let Some(first) = fixes.first_mut()
                    && first
                        .steps
                        .iter()
                        .any(|f| matches!(f, Fix::CreateInterfaceEndpoint { .. }))
                {
                    let vpc = self.sc.subnet_vpc(sub);
                    for &other in needs.iter().filter(|o| **o != s) {
                        let served = self.e.iface_eps.get(&(vpc, other)).is_some_and(|l| {
                            l.iter().any(|e| self.sc.endpoints[e.ix()].private_dns)
                        });
                        if served {
                            continue;
                        }
                        for step in self.create_endpoint_fix(vpc, other, &src).steps {
                            if !first.steps.contains(&step) {
                                first.steps.push(step);
                            }
                        }
                    }
                }
                return Err(Block {
                    code: Code::PollerNoPath,
                    hop: inner.hop,
                    why,
                    fixes,
                });
            }
        }
        Ok(())
    }

    // --------------------------------------------------------- service calls

    /// An HTTPS call to a service's regional endpoint from any source.
    fn call_from(&mut self, from: Node, s: ServiceId) -> Step {
        // Rule 7: a function's own log stream is shipped by the Lambda
        // service, whatever its network; what is traced here is an API call
        // made by the function's code.
        if matches!(from, Node::Function(_)) && self.sc.services[s.ix()].id == "logs" {
            hop!(
                self,
                "lambda-service",
                "lambda-service",
                Decision::Info,
                "the function's own logs are delivered by the Lambda service and need no network path; tracing an API call from its code".to_string()
            );
        }
        match from {
            Node::Resource(r) => {
                let src = self.src_of_eni(self.sc.resources[r.ix()].eni);
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
                    "lambda-network",
                    "lambda-managed-network",
                    Decision::Pass,
                    format!(
                        "{} runs outside any VPC, in the Lambda-managed network, which has internet access",
                        self.sc.functions[f.ix()].name
                    )
                );
                self.internet(Addr::Internet, Dst::Svc(s))
            }
            Node::Host(h) => {
                hop!(
                    self,
                    "host",
                    self.sc.external_hosts[h.ix()].name,
                    Decision::Info,
                    format!("{} on the internet", self.sc.external_hosts[h.ix()].ip)
                );
                self.internet(
                    Addr::from_ip(self.sc.external_hosts[h.ix()].ip),
                    Dst::Svc(s),
                )
            }
            Node::Internet => {
                hop!(
                    self,
                    "internet",
                    "internet",
                    Decision::Info,
                    "a client on the internet".to_string()
                );
                self.internet(Addr::Internet, Dst::Svc(s))
            }
            Node::Ip(ip) => self.flow_from_ip(ip, Dst::Svc(s)),
            Node::Service(_) | Node::Trigger(_) => {
                unreachable!("rejected when the probe was built")
            }
        }
    }

    /// DNS first (rule 13: private DNS of an interface endpoint captures the
    /// public hostname), then the network path.
    fn service_call(&mut self, src: &Src<'e>, s: ServiceId) -> Step {
        // Poller ENIs were shown by `poller_in_subnet` already.
        if !matches!(src.what, SrcKind::Poller(_)) {
            self.src_hop(src);
        }
        let vpc = self.sc.subnet_vpc(src.subnet);
        let svc = &self.sc.services[s.ix()];
        if !self.sc.vpcs[vpc.ix()].dns_support {
            return Err(self.block(
                Code::DnsResolutionDisabled,
                "dns",
                |w| w.vpc_name(vpc).to_string(),
                |_| format!("{} does not resolve: dns_support is off", svc.hostname),
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
        let ieps = self.e.iface_eps.get(&(vpc, s));
        let private = ieps.and_then(|list| {
            list.iter().copied().find(|e| {
                self.sc.endpoints[e.ix()].private_dns && !self.sc.endpoints[e.ix()].enis.is_empty()
            })
        });
        if let Some(ep) = private {
            let eni = self.pick_endpoint_eni(ep, src.subnet);
            hop!(
                self,
                "dns",
                "route53-resolver",
                Decision::Pass,
                format!(
                    "{} resolves to interface endpoint {} ({}) through private DNS",
                    svc.hostname,
                    self.sc.endpoints[ep.ix()].name,
                    self.sc.enis[eni.ix()].private_ip
                )
            );
            self.flow(src, Dst::Eni(eni), 1)?;
            return Ok(());
        }
        hop!(
            self,
            "dns",
            "route53-resolver",
            Decision::Info,
            format!("{} resolves to the public endpoint", svc.hostname)
        );
        match self.flow(src, Dst::Svc(s), 1) {
            Ok(()) => Ok(()),
            Err(b) => Err(self.relabel_public_failure(b, src, s)),
        }
    }

    /// Same subnet first, then same AZ, then any (the resolver answers with
    /// the endpoint's zonal addresses).
    fn pick_endpoint_eni(&self, ep: EndpointId, from: SubnetId) -> EniId {
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
    fn relabel_public_failure(&mut self, mut b: Block, src: &Src<'e>, s: ServiceId) -> Block {
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
        if let Some(ep) = self
            .e
            .iface_eps
            .get(&(vpc, s))
            .and_then(|l| l.first().copied())
        {
            b.code = Code::EndpointPrivateDnsOff;
            if S::ON {
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
            if S::ON {
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
            if S::ON {
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

    // ------------------------------------------------------------------ flows

    fn flow_from(&mut self, from: Node, to: Node) -> Step {
        match from {
            Node::Resource(r) => {
                let src = self.src_of_eni(self.sc.resources[r.ix()].eni);
                let dst = self.dst_for(Some(&src), to);
                self.flow(&src, dst, 0)
            }
            Node::Function(f) if self.sc.functions[f.ix()].vpc.is_some() => self.each_function_eni(
                f,
                &|w, src| {
                    let dst = w.dst_for(Some(&src), to);
                    w.flow(&src, dst, 0)
                },
                &|w, src| {
                    let dst = w.dst_for(Some(&src), to);
                    w.flow(&src, dst, 0)
                },
            ),
            Node::Function(f) => {
                let dst = self.dst_for(None, to);
                hop!(
                    self,
                    "lambda-network",
                    "lambda-managed-network",
                    Decision::Pass,
                    format!(
                        "{} runs outside any VPC, in the Lambda-managed network: internet access, no route into private addresses",
                        self.sc.functions[f.ix()].name
                    )
                );
                if self.dst_addr(dst).is_v6() {
                    // Rule 8: non-VPC functions have no outbound IPv6.
                    let name = self.sc.functions[f.ix()].name.clone();
                    return Err(self.block(Code::NoIpv6, "lambda-network", |_| "lambda-managed-network".into(), |_| "no outbound IPv6 outside a VPC".into(), |w| {
                        (format!("{name} runs outside any VPC, where functions have no outbound IPv6"), w.ipv6_attach_fix(&name))
                    }));
                }
                self.internet(Addr::Internet, dst)
            }
            Node::Host(h) => {
                let host = &self.sc.external_hosts[h.ix()];
                hop!(
                    self,
                    "host",
                    host.name,
                    Decision::Info,
                    format!("{} on the internet", host.ip)
                );
                let dst = self.dst_for(None, to);
                self.internet(Addr::from_ip(host.ip), dst)
            }
            Node::Internet => {
                hop!(
                    self,
                    "internet",
                    "internet",
                    Decision::Info,
                    "a client on the internet".to_string()
                );
                let dst = self.dst_for(None, to);
                self.internet(Addr::Internet, dst)
            }
            Node::Ip(ip) => {
                let dst = self.dst_for(None, to);
                self.flow_from_ip(ip, dst)
            }
            Node::Service(_) | Node::Trigger(_) => {
                unreachable!("rejected when the probe was built")
            }
        }
    }

    /// A literal source address: an ENI's address if one holds it, else a host on the internet.
    fn flow_from_ip(&mut self, ip: IpAddr, dst: Dst) -> Step {
        if let IpAddr::V4(a) = ip
            && let Some(eni) = self
                .sc
                .vpcs
                .iter()
                .enumerate()
                .find_map(|(i, _)| self.e.eni_by_ip.get(&(VpcId(i as u32), a)).copied())
            && !matches!(self.sc.enis[eni.ix()].owner, EniOwner::Endpoint(_))
        {
            let src = self.src_of_eni(eni);
            return self.flow(&src, dst, 0);
        }
        hop!(
            self,
            "host",
            ip,
            Decision::Info,
            format!("{ip} on the internet")
        );
        self.internet(Addr::from_ip(ip), dst)
    }

    /// Which address of a destination a source uses: the private address
    /// from inside the VPC or over peering/transit, else the public one.
    fn dst_for(&self, src: Option<&Src<'e>>, to: Node) -> Dst {
        match to {
            Node::Resource(r) => {
                let eni = self.sc.resources[r.ix()].eni;
                let n = &self.sc.enis[eni.ix()];
                let dvpc = self.sc.subnet_vpc(n.subnet);
                let private = match src {
                    None => false,
                    Some(s) => {
                        let svpc = self.sc.subnet_vpc(s.subnet);
                        svpc == dvpc || {
                            let t = self.table_of(s.subnet);
                            self.e.lpm[t.ix()]
                                .lookup(Addr::V4(n.private_ip))
                                .is_some_and(|ri| {
                                    let r = &self.sc.route_tables[t.ix()].routes[ri as usize];
                                    !matches!(r.dest, RouteDest::Cidr(c) if c.prefix_len() == 0)
                                })
                        }
                    }
                };
                if private || n.public_ip.is_none() {
                    Dst::Eni(eni)
                } else {
                    Dst::PublicIp(eni)
                }
            }
            Node::Host(h) => Dst::Host(h),
            Node::Service(s) => Dst::Svc(s),
            Node::Internet => Dst::Internet,
            Node::Ip(IpAddr::V4(a)) => {
                if let Some(e) = self.e.eni_by_public.get(&a) {
                    return Dst::PublicIp(*e);
                }
                if let Some(h) = self.e.host_by_ip.get(&IpAddr::V4(a)) {
                    return Dst::Host(*h);
                }
                Dst::Ip(IpAddr::V4(a))
            }
            Node::Ip(ip) => self
                .e
                .host_by_ip
                .get(&ip)
                .map(|h| Dst::Host(*h))
                .unwrap_or(Dst::Ip(ip)),
            Node::Function(_) | Node::Trigger(_) => unreachable!("not a flow destination"),
        }
    }

    fn dst_addr(&self, d: Dst) -> Addr {
        match d {
            Dst::Eni(e) => Addr::V4(self.sc.enis[e.ix()].private_ip),
            Dst::PublicIp(e) => Addr::V4(
                self.sc.enis[e.ix()]
                    .public_ip
                    .unwrap_or(self.sc.enis[e.ix()].private_ip),
            ),
            Dst::Host(h) => Addr::from_ip(self.sc.external_hosts[h.ix()].ip),
            Dst::Svc(s) => Addr::Svc(s),
            Dst::Internet => Addr::Internet,
            Dst::Ip(ip) => Addr::from_ip(ip),
        }
    }

    fn dst_eni(d: Dst) -> Option<EniId> {
        match d {
            Dst::Eni(e) => Some(e),
            _ => None,
        }
    }

    /// The packet leaves `src`: security group, NACL, route table, target.
    fn flow(&mut self, src: &Src<'e>, dst: Dst, depth: u8) -> Step {
        if depth == 0 {
            self.src_hop(src);
        }
        let daddr = self.dst_addr(dst);
        if daddr.is_v6() && src.ipv6.is_none() {
            return Err(self.block(
                Code::NoIpv6,
                "eni",
                |_| src.name.to_string(),
                |_| "no IPv6 address for an IPv6 destination".into(),
                |w| {
                    let fixes = match src.what {
                        // Dual stack gives an IPv6 address only in subnets that
                        // have an IPv6 CIDR (rule 8); otherwise move the function
                        // to one (found by `awsreach fuzz`, fix-sound).
                        SrcKind::Function(f) => {
                            let name = w.sc.functions[f.ix()].name.clone();
                            let enable = Fix::EnableFunctionIpv6 {
                                function: name.clone(),
                            };
                            let v = w.sc.functions[f.ix()].vpc.as_ref().expect("a VPC function");
                            let dual = |s: &SubnetId| w.sc.subnets[s.ix()].ipv6_cidr.is_some();
                            let v6_out = |s: &SubnetId| {
                                w.sc.route_tables[w.table_of(*s).ix()].routes.iter().any(|r| {
                                    matches!(r.dest, RouteDest::Cidr(IpNet::V6(n)) if n.prefix_len() == 0)
                                })
                            };
                            let vpc_subnets = &w.sc.vpcs[v.vpc.ix()].subnets;
                            let target = vpc_subnets
                                .iter()
                                .find(|s| dual(s) && v6_out(s))
                                .or_else(|| vpc_subnets.iter().find(|s| dual(s)));
                            if v.subnets.iter().all(dual) {
                                vec![Remedy::one(enable)]
                            } else if let Some(s) = target {
                                vec![Remedy {
                                    steps: vec![
                                        Fix::MoveFunction {
                                            function: name,
                                            subnets: vec![w.subnet_name(*s).to_string()],
                                        },
                                        enable,
                                    ],
                                }]
                            } else {
                                Vec::new()
                            }
                        }
                        _ => Vec::new(),
                    };
                    (
                        format!(
                            "{} has no IPv6 address, so it cannot reach {}",
                            src.name,
                            daddr.show(w.sc)
                        ),
                        fixes,
                    )
                },
            ));
        }
        let dst_sgs: &[SgId] = match Self::dst_eni(dst) {
            Some(e) => &self.sc.enis[e.ix()].security_groups,
            None => &[],
        };
        // Rule 16: security groups, outbound (allow-only, a union over the ENI's groups).
        if let Some(sgs) = src.sgs {
            let remote = Seen {
                addr: daddr,
                sgs: dst_sgs,
                name: "",
                src_sg_first: None,
            };
            match self.sg_match(sgs, RuleDirection::Egress, remote) {
                Some((g, i)) => {
                    hop!(
                        self,
                        "security-group",
                        self.name_of_sg(g),
                        Decision::Pass,
                        format!(
                            "outbound {} to {} allowed",
                            ports_str(self.proto, self.port),
                            daddr.show(self.sc)
                        ),
                        Some(self.sg_rule_text(g, RuleDirection::Egress, i))
                    );
                }
                None => {
                    return Err(self.block(
                        Code::SgEgressDenied,
                        "security-group",
                        |w| w.sg_names(sgs),
                        |w| {
                            format!(
                                "no outbound rule allows {} to {}",
                                ports_str(w.proto, w.port),
                                daddr.show(w.sc)
                            )
                        },
                        |w| {
                            let g = sgs[0];
                            let peer = w.peer_for(daddr, dst_sgs, g);
                            (
                                format!(
                                    "no outbound rule of {}'s security groups ({}) allows {} to {}",
                                    src.name,
                                    w.sg_names(sgs),
                                    ports_str(w.proto, w.port),
                                    daddr.show(w.sc)
                                ),
                                vec![Remedy::one(w.sg_fix(g, RuleDirection::Egress, peer))],
                            )
                        },
                    ));
                }
            }
        }
        let dst_subnet = Self::dst_eni(dst).map(|e| self.sc.enis[e.ix()].subnet);
        let same_subnet = dst_subnet == Some(src.subnet);
        // Rule 17: NACLs sit at the subnet boundary; traffic within a subnet skips them.
        if !same_subnet {
            self.nacl_step(
                src.subnet,
                RuleDirection::Egress,
                daddr,
                PortRange::single(self.port),
            )?;
            self.push_leg(src.subnet, RuleDirection::Ingress, daddr);
        }
        // Rule 9: the subnet's table (else the main table), longest prefix match.
        let table = self.table_of(src.subnet);
        let Some(ri) = self.e.lpm[table.ix()].lookup(daddr) else {
            return Err(self.no_route(src, dst, daddr, table));
        };
        let route = self.sc.route_tables[table.ix()].routes[ri as usize];
        hop!(
            self,
            "route-table",
            self.sc.route_tables[table.ix()].name,
            Decision::Pass,
            format!(
                "{} matches {} -> {}",
                daddr.show(self.sc),
                self.sc.dest_name(route.dest),
                self.sc.target_name(route.target)
            ),
            Some(format!(
                "{} -> {}",
                self.sc.dest_name(route.dest),
                self.sc.target_name(route.target)
            ))
        );
        let vpc = self.sc.subnet_vpc(src.subnet);
        let seen = Seen {
            addr: Addr::V4(src.ip),
            sgs: src.sgs.unwrap_or(&[]),
            name: src.name,
            src_sg_first: src.sgs.and_then(|s| s.first().copied()),
        };
        match route.target {
            Target::Local => self.deliver(vpc, seen, dst, same_subnet, None),
            Target::Blackhole => Err(self.block(
                Code::BlackholeRoute,
                "route-table",
                |w| w.sc.route_tables[table.ix()].name.clone(),
                |_| "blackhole route".into(),
                |w| {
                    let t = &w.sc.route_tables[table.ix()];
                    (
                        format!(
                            "the route {} in {} is a blackhole, so {} cannot reach {}",
                            w.sc.dest_name(route.dest),
                            t.name,
                            src.name,
                            daddr.show(w.sc)
                        ),
                        w.route_fixes(src, dst, daddr, table, Some(w.sc.dest_name(route.dest))),
                    )
                },
            )),
            Target::Igw(g) => self.via_igw(src, dst, daddr, g, depth),
            Target::Nat(n) => self.via_nat(src, dst, daddr, n, depth),
            Target::Endpoint(ep) => self.via_gateway_endpoint(ep, daddr),
            Target::Peering(p) => {
                let other = self.sc.peerings[p.ix()]
                    .other(vpc)
                    .expect("validated: peering touches this vpc");
                self.across(seen, dst, daddr, other, route.target, || {
                    format!("peering {}", "connection")
                })
            }
            Target::TransitGateway(t) => {
                let tg = &self.sc.transit_gateways[t.ix()];
                let hit = tg
                    .routes
                    .iter()
                    .filter(|(n, _)| daddr.in_net(n))
                    .max_by_key(|(n, _)| n.prefix_len());
                match hit {
                    Some((n, Some(v))) => {
                        hop!(
                            self,
                            "transit-gateway",
                            tg.name,
                            Decision::Pass,
                            format!(
                                "{} matches {n} -> attachment {}",
                                daddr.show(self.sc),
                                self.vpc_name(*v)
                            )
                        );
                        self.across(seen, dst, daddr, *v, route.target, || {
                            "transit gateway".into()
                        })
                    }
                    Some((n, None)) => Err(self.block(
                        Code::BlackholeRoute,
                        "transit-gateway",
                        |_| tg.name.clone(),
                        |_| format!("{n} is a blackhole"),
                        |w| {
                            (
                                format!(
                                    "transit gateway {} drops {} (blackhole route {n})",
                                    tg.name,
                                    daddr.show(w.sc)
                                ),
                                Vec::new(),
                            )
                        },
                    )),
                    None => Err(self.block(
                        Code::NoRoute,
                        "transit-gateway",
                        |_| tg.name.clone(),
                        |w| format!("no route for {}", daddr.show(w.sc)),
                        |w| {
                            (
                                format!(
                                    "transit gateway {} has no route for {}",
                                    tg.name,
                                    daddr.show(w.sc)
                                ),
                                Vec::new(),
                            )
                        },
                    )),
                }
            }
            Target::EgressOnlyIgw(g) => {
                // Rule 8: IPv6 egress only; IPv4 routes to it are rejected at validation.
                hop!(
                    self,
                    "egress-only-igw",
                    self.sc.egress_only_igws[g.ix()].name,
                    Decision::Pass,
                    "IPv6 egress".to_string()
                );
                let me = Addr::V6(src.ipv6.expect("checked above"));
                self.internet(me, dst)
            }
            Target::Eni(appliance) => {
                let owner = self.sc.enis[appliance.ix()].owner;
                let forwarding =
                    matches!(owner, EniOwner::Resource(r) if self.sc.resources[r.ix()].forwarding);
                let name = self.sc.eni_owner_name(appliance).to_string();
                if !forwarding {
                    return Err(self.block(Code::EniNotForwarding, "eni", |_| name.clone(), |_| "source/destination check drops forwarded traffic".into(), |_| {
                        (format!("the route sends the packet to {name}, whose source/destination check is on, so it drops traffic not addressed to it"), vec![Remedy::one(Fix::SetForwarding { resource: name.clone() })])
                    }));
                }
                if depth >= MAX_DEPTH {
                    return Err(self.block(
                        Code::NoRoute,
                        "eni",
                        |_| name.clone(),
                        |_| "routing loop".into(),
                        |_| (format!("the packet loops through {name}"), Vec::new()),
                    ));
                }
                let n = &self.sc.enis[appliance.ix()];
                // Rule 17: reaching the appliance crosses its subnet's NACL
                // (and the reply crosses it back).
                if n.subnet != src.subnet {
                    self.nacl_step(
                        n.subnet,
                        RuleDirection::Ingress,
                        Addr::V4(src.ip),
                        PortRange::single(self.port),
                    )?;
                    self.push_leg(n.subnet, RuleDirection::Egress, Addr::V4(src.ip));
                }
                // Rule 16: the appliance's own groups filter what it receives
                // and, below, what it sends on.
                let sgs: &[SgId] = &n.security_groups;
                match self.sg_match(sgs, RuleDirection::Ingress, seen) {
                    Some((g, i)) => {
                        hop!(
                            self,
                            "security-group",
                            self.name_of_sg(g),
                            Decision::Pass,
                            format!(
                                "inbound {} from {} allowed on the appliance",
                                ports_str(self.proto, self.port),
                                seen.addr.show(self.sc)
                            ),
                            Some(self.sg_rule_text(g, RuleDirection::Ingress, i))
                        );
                    }
                    None => {
                        return Err(self.block(Code::SgIngressDenied, "security-group", |w| w.sg_names(sgs), |w| format!("no inbound rule admits {} from {} on the appliance", ports_str(w.proto, w.port), seen.addr.show(w.sc)), |w| {
                            let g = sgs[0];
                            let peer = w.ingress_peer(seen, g);
                            (format!("the route sends the packet through {name}, whose security groups ({}) do not admit {} from {}", w.sg_names(sgs), ports_str(w.proto, w.port), seen.name), vec![Remedy::one(w.sg_fix(g, RuleDirection::Ingress, peer))])
                        }));
                    }
                }
                hop!(self, "eni", name, Decision::Pass, "appliance forwards the packet (as a NAT instance: the source becomes the appliance)".to_string());
                let next = self.src_of_eni(appliance);
                self.flow(&next, dst, depth + 1)
            }
        }
    }

    fn no_route(&mut self, src: &Src<'e>, dst: Dst, daddr: Addr, table: RouteTableId) -> Block {
        if matches!(src.what, SrcKind::Nat(_)) && self.is_public_dst(dst) {
            let SrcKind::Nat(n) = src.what else {
                unreachable!()
            };
            return self.nat_no_internet(n, daddr);
        }
        self.block(
            Code::NoRoute,
            "route-table",
            |w| w.sc.route_tables[table.ix()].name.clone(),
            |w| format!("no route matches {}", daddr.show(w.sc)),
            |w| {
                let t = &w.sc.route_tables[table.ix()];
                (
                    format!(
                        "{} cannot leave subnet {}: its route table {} has no route to {}",
                        src.name,
                        w.subnet_name(src.subnet),
                        t.name,
                        daddr.show(w.sc)
                    ),
                    w.route_fixes(src, dst, daddr, table, None),
                )
            },
        )
    }

    fn is_public_dst(&self, d: Dst) -> bool {
        matches!(
            d,
            Dst::Svc(_) | Dst::Internet | Dst::Host(_) | Dst::PublicIp(_)
        )
    }

    /// Rule 10: the IGW translates 1:1 and needs a public address.
    fn via_igw(&mut self, src: &Src<'e>, dst: Dst, daddr: Addr, g: IgwId, _depth: u8) -> Step {
        let igw = &self.sc.internet_gateways[g.ix()];
        if daddr.is_v6() {
            hop!(
                self,
                "internet-gateway",
                igw.name,
                Decision::Pass,
                "IPv6: no translation".to_string()
            );
            return self.internet(Addr::V6(src.ipv6.expect("checked")), dst);
        }
        if let SrcKind::Nat(n) = src.what
            && !self.sc.nat_gateways[n.ix()].public
        {
            // Rule 11: a private NAT gateway cannot use an internet gateway.
            return Err(self.nat_no_internet(n, daddr));
        }
        let Some(public) = src.public_ip else {
            return Err(self.block(Code::NoPublicIp, "internet-gateway", |_| igw.name.clone(), |_| format!("{} has no public IPv4 address to translate to", src.ip), |w| {
                let why = match src.what {
                    SrcKind::Function(_) | SrcKind::Poller(_) => format!("{} sends through {} from subnet {}, but Lambda's ENIs never get a public IP, so the internet gateway drops the packet: a function in a public subnet has no internet access", src.name, igw.name, w.subnet_name(src.subnet)),
                    _ => format!("{} has no public IP, so {} drops its packet (the gateway only translates addresses that have a public IP)", src.name, igw.name),
                };
                (why, w.no_public_ip_fixes(src, dst))
            }));
        };
        hop!(
            self,
            "internet-gateway",
            igw.name,
            Decision::Pass,
            format!("1:1 NAT {} -> {public}", src.ip)
        );
        self.internet(Addr::V4(public), dst)
    }

    /// Rule 11: a NAT gateway translates the source to itself and forwards
    /// through its own subnet's route table; not for its own subnet.
    fn via_nat(&mut self, src: &Src<'e>, dst: Dst, daddr: Addr, n: NatId, depth: u8) -> Step {
        let nat = &self.sc.nat_gateways[n.ix()];
        // Rule 11: a NAT gateway reaches the internet only through an internet
        // gateway route in its own subnet's table; one whose table sends public
        // traffic to a NAT gateway (itself included) has no internet route.
        if let SrcKind::Nat(m) = src.what
            && self.is_public_dst(dst)
        {
            return Err(self.nat_no_internet(m, daddr));
        }
        if nat.subnet == src.subnet {
            return Err(self.block(Code::NatInSourceSubnet, "nat-gateway", |_| nat.name.clone(), |_| "the source is in the NAT gateway's own subnet".into(), |w| {
                // Replace the route that matched (it may be narrower than 0.0.0.0/0).
                let table = w.table_of(src.subnet);
                let dest = w.e.lpm[table.ix()]
                    .lookup(daddr)
                    .map(|ri| w.sc.dest_name(w.sc.route_tables[table.ix()].routes[ri as usize].dest))
                    .unwrap_or_else(|| "0.0.0.0/0".into());
                (format!("{} routes to {} but sits in the same subnet {}, and a NAT gateway does not serve its own subnet", src.name, nat.name, w.subnet_name(src.subnet)), w.route_fixes(src, dst, daddr, table, Some(dest)))
            }));
        }
        if depth >= MAX_DEPTH {
            return Err(self.block(
                Code::NoRoute,
                "nat-gateway",
                |_| nat.name.clone(),
                |_| "routing loop".into(),
                |_| (format!("the packet loops through {}", nat.name), Vec::new()),
            ));
        }
        self.nacl_step(
            nat.subnet,
            RuleDirection::Ingress,
            Addr::V4(src.ip),
            PortRange::single(self.port),
        )?;
        self.push_leg(nat.subnet, RuleDirection::Egress, Addr::V4(src.ip));
        let eni = &self.sc.enis[nat.eni.ix()];
        hop!(
            self,
            "nat-gateway",
            nat.name,
            Decision::Pass,
            format!(
                "translates source {} -> {} in subnet {}",
                src.ip,
                eni.private_ip,
                self.subnet_name(nat.subnet)
            )
        );
        let me = Src {
            name: &nat.name,
            subnet: nat.subnet,
            ip: eni.private_ip,
            ipv6: None,
            public_ip: nat.elastic_ip,
            sgs: None,
            what: SrcKind::Nat(n),
        };
        self.flow(&me, dst, depth + 1)
    }

    /// Rule 11: a NAT gateway that cannot reach the internet for `daddr`.
    fn nat_no_internet(&mut self, n: NatId, daddr: Addr) -> Block {
        let nat = &self.sc.nat_gateways[n.ix()];
        // A NAT gateway already in a public subnet whose table sends this
        // destination elsewhere through a more specific route (rule 9).
        let table = self.table_of(nat.subnet);
        let narrower = if nat.public && self.sc.is_public_subnet(nat.subnet) {
            self.e.lpm[table.ix()]
                .lookup(daddr)
                .map(|ri| self.sc.route_tables[table.ix()].routes[ri as usize])
                .filter(|r| !matches!(r.target, Target::Igw(_)))
        } else {
            None
        };
        self.block(Code::NatWithoutInternetRoute, "nat-gateway", |_| nat.name.clone(), |w| match (nat.public, narrower) {
            (false, _) => "a private NAT gateway cannot use an internet gateway".into(),
            (true, Some(r)) => format!("subnet {} sends {} to {} instead of the internet gateway", w.subnet_name(nat.subnet), w.sc.dest_name(r.dest), w.sc.target_name(r.target)),
            (true, None) => format!("subnet {} has no 0.0.0.0/0 route to an internet gateway", w.subnet_name(nat.subnet)),
        }, |w| {
            let vpc = w.sc.subnet_vpc(nat.subnet);
            let public = w.sc.vpcs[vpc.ix()].subnets.iter().copied().find(|s| w.sc.is_public_subnet(*s));
            let move_to_public = |w: &Self| match public {
                Some(s) if !w.sc.is_public_subnet(nat.subnet) => Some(Fix::MoveNatGateway { nat: nat.name.clone(), subnet: w.subnet_name(s).into() }),
                _ => None,
            };
            if !nat.public {
                // Public connectivity alone is not enough: it must also sit in a public subnet.
                let mut steps = vec![Fix::MakeNatPublic { nat: nat.name.clone(), elastic_ip: w.fresh_public_ip(n.0 + 7000) }];
                steps.extend(move_to_public(w));
                return (format!("{} is a private NAT gateway, which cannot reach the internet", nat.name), vec![Remedy { steps }]);
            }
            if let Some(r) = narrower {
                let g = w.sc.vpcs[vpc.ix()].internet_gateway.expect("a public subnet has an internet gateway");
                let gname = w.sc.internet_gateways[g.ix()].name.clone();
                let fix = w.add_route(table, w.sc.dest_name(r.dest), awsreach_model::spec::RouteTarget::Igw(gname.clone()), gname);
                return (format!("{} sits in subnet {}, whose route table sends {} ({}) to {} instead of the internet gateway, so it cannot reach the internet", nat.name, w.subnet_name(nat.subnet), daddr.show(w.sc), w.sc.dest_name(r.dest), w.sc.target_name(r.target)), vec![Remedy::one(fix)]);
            }
            let fixes = move_to_public(w).map(Remedy::one).into_iter().collect();
            (format!("{} sits in subnet {}, whose route table has no 0.0.0.0/0 route to an internet gateway, so it cannot reach the internet", nat.name, w.subnet_name(nat.subnet)), fixes)
        })
    }

    /// Rule 12: a gateway endpoint carries only its own service, IPv4, and
    /// applies its policy.
    fn via_gateway_endpoint(&mut self, ep: EndpointId, daddr: Addr) -> Step {
        let e = &self.sc.endpoints[ep.ix()];
        hop!(
            self,
            "vpc-endpoint",
            e.name,
            Decision::Pass,
            format!(
                "gateway endpoint for {}",
                self.sc.services[e.service.ix()].id
            )
        );
        self.endpoint_policy(ep)?;
        let Addr::Svc(s) = daddr else {
            unreachable!("prefix-list routes match only their service")
        };
        self.service_reached(s, "through the gateway endpoint")
    }

    fn endpoint_policy(&mut self, ep: EndpointId) -> Step {
        let e = &self.sc.endpoints[ep.ix()];
        match e.policy.decide(self.action) {
            Ok(()) => {
                hop!(
                    self,
                    "vpc-endpoint",
                    e.name,
                    Decision::Pass,
                    if e.policy.is_default() {
                        format!("default policy allows {}", self.action)
                    } else {
                        format!("policy allows {}", self.action)
                    }
                );
                Ok(())
            }
            Err(pattern) => {
                let action = self.action.to_string();
                Err(self.block(
                    Code::EndpointPolicyDenied,
                    "vpc-endpoint",
                    |_| e.name.clone(),
                    |_| format!("policy denies {action} ({pattern})"),
                    |_| {
                        (
                            format!(
                                "the policy of endpoint {} does not allow {action} ({pattern})",
                                e.name
                            ),
                            vec![Remedy::one(Fix::AllowEndpointAction {
                                endpoint: e.name.clone(),
                                action: action.clone(),
                            })],
                        )
                    },
                ))
            }
        }
    }

    fn service_reached(&mut self, s: ServiceId, how: &str) -> Step {
        let svc = &self.sc.services[s.ix()];
        hop!(
            self,
            "service",
            svc.id,
            Decision::Pass,
            format!("{} API reached {how}", svc.name)
        );
        self.check_return()
    }

    /// Peering (rule 15) or transit gateway: deliver in the other VPC, which
    /// must hold the destination (no transitive routing) and route the reply back.
    fn across(
        &mut self,
        seen: Seen<'e>,
        dst: Dst,
        daddr: Addr,
        other: VpcId,
        via: Target,
        _what: impl Fn() -> String,
    ) -> Step {
        if !self.sc.vpcs[other.ix()].contains(match daddr {
            Addr::V4(a) => IpAddr::V4(a),
            Addr::V6(a) => IpAddr::V6(a),
            _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        }) {
            let vname = self.vpc_name(other).to_string();
            return Err(self.block(Code::NoRoute, "peering", |w| w.sc.target_name(via), |w| format!("{} is not in {vname}", daddr.show(w.sc)), |w| {
                (format!("{} does not lead to {}: it ends in {vname}, and peering and transit attachments never use the far VPC's gateways or other peerings", w.sc.target_name(via), daddr.show(w.sc)), Vec::new())
            }));
        }
        hop!(
            self,
            "peering",
            self.sc.target_name(via),
            Decision::Pass,
            format!("into {}", self.vpc_name(other))
        );
        self.deliver(other, seen, dst, false, Some(via))
    }

    /// Final delivery to an ENI inside `vpc`.
    fn deliver(
        &mut self,
        vpc: VpcId,
        seen: Seen<'e>,
        dst: Dst,
        same_subnet: bool,
        via: Option<Target>,
    ) -> Step {
        let eni = match dst {
            Dst::Eni(e) | Dst::PublicIp(e) => Some(e),
            Dst::Ip(IpAddr::V4(a)) => self.e.eni_by_ip.get(&(vpc, a)).copied(),
            _ => None,
        };
        let daddr = self.dst_addr(dst);
        let Some(eni) = eni.filter(|e| self.sc.subnet_vpc(self.sc.enis[e.ix()].subnet) == vpc)
        else {
            return Err(self.block(
                Code::DestinationUnknown,
                "vpc",
                |w| w.vpc_name(vpc).to_string(),
                |w| format!("no interface holds {}", daddr.show(w.sc)),
                |w| {
                    (
                        format!(
                            "no network interface in {} has the address {}",
                            w.vpc_name(vpc),
                            daddr.show(w.sc)
                        ),
                        Vec::new(),
                    )
                },
            ));
        };
        let n = &self.sc.enis[eni.ix()];
        // The reply must come back the same way (peering/transit return route).
        if let Some(via) = via {
            let t = self.table_of(n.subnet);
            let back = self.e.lpm[t.ix()]
                .lookup(seen.addr)
                .map(|ri| self.sc.route_tables[t.ix()].routes[ri as usize].target);
            if back != Some(via) {
                return Err(self.block(
                    Code::NoReturnRoute,
                    "route-table",
                    |w| w.sc.route_tables[t.ix()].name.clone(),
                    |w| {
                        format!(
                            "no route back to {} via {}",
                            seen.addr.show(w.sc),
                            w.sc.target_name(via)
                        )
                    },
                    |w| {
                        let table = &w.sc.route_tables[t.ix()];
                        let src_vpc = w.sc.vpcs.iter().find(|v| {
                            v.contains(match seen.addr {
                                Addr::V4(a) => IpAddr::V4(a),
                                _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                            })
                        });
                        // The source's own CIDR block (a secondary one is not
                        // covered by the first).
                        let dest = src_vpc
                            .map(|v| {
                                let block =
                                    v.cidrs.iter().find(|c| seen.addr.in_net(&IpNet::V4(**c)));
                                block.unwrap_or(&v.cidrs[0]).to_string()
                            })
                            .unwrap_or_else(|| seen.addr.cidr());
                        let dest = w.unclobbered(t, dest, seen.addr);
                        let spec_target = match via {
                            Target::Peering(p) => awsreach_model::spec::RouteTarget::Peering(
                                w.sc.peerings[p.ix()].name.clone(),
                            ),
                            Target::TransitGateway(g) => {
                                awsreach_model::spec::RouteTarget::TransitGateway(
                                    w.sc.transit_gateways[g.ix()].name.clone(),
                                )
                            }
                            _ => awsreach_model::spec::RouteTarget::Local,
                        };
                        (
                            format!(
                                "{} (route table of {}) has no route back to {} through {}",
                                table.name,
                                w.subnet_name(n.subnet),
                                seen.addr.show(w.sc),
                                w.sc.target_name(via)
                            ),
                            vec![Remedy::one(Fix::AddRoute {
                                table: table.name.clone(),
                                vpc: w.vpc_name(table.vpc).into(),
                                dest,
                                target: w.sc.target_name(via),
                                spec_target,
                            })],
                        )
                    },
                ));
            }
        }
        if !same_subnet {
            self.nacl_step(
                n.subnet,
                RuleDirection::Ingress,
                seen.addr,
                PortRange::single(self.port),
            )?;
            self.push_leg(n.subnet, RuleDirection::Egress, seen.addr);
        }
        self.arrive(eni, seen)
    }

    /// At the destination ENI: security group in, then the listener.
    fn arrive(&mut self, eni: EniId, seen: Seen<'e>) -> Step {
        let n = &self.sc.enis[eni.ix()];
        let endpoint = match n.owner {
            EniOwner::Endpoint(e) => Some(e),
            _ => None,
        };
        // A NAT gateway has no security groups and takes no new inbound
        // connection (rule 11): no group check, NOT_LISTENING below. (A probe
        // to a NAT gateway's Elastic IP panicked building the group fix from
        // an empty list; found by `awsreach fuzz` on mangled scenario files.)
        let nat = matches!(n.owner, EniOwner::Nat(_));
        match self.sg_match(&n.security_groups, RuleDirection::Ingress, seen) {
            Some((g, i)) => {
                hop!(
                    self,
                    "security-group",
                    self.name_of_sg(g),
                    Decision::Pass,
                    format!(
                        "inbound {} from {} allowed",
                        ports_str(self.proto, self.port),
                        seen.addr.show(self.sc)
                    ),
                    Some(self.sg_rule_text(g, RuleDirection::Ingress, i))
                );
            }
            None if nat => {}
            None => {
                let code = if endpoint.is_some() {
                    Code::EndpointSgDenied
                } else {
                    Code::SgIngressDenied
                };
                let sgs: &[SgId] = &n.security_groups;
                return Err(self.block(code, "security-group", |w| w.sg_names(sgs), |w| format!("no inbound rule admits {} from {}", ports_str(w.proto, w.port), seen.addr.show(w.sc)), |w| {
                    let g = sgs[0];
                    let peer = w.ingress_peer(seen, g);
                    let owner = w.sc.eni_owner_name(eni).to_string();
                    let why = match endpoint {
                        Some(_) => format!("the security groups of interface endpoint {owner} ({}) do not admit tcp/443 from {}", w.sg_names(sgs), seen.name),
                        None => format!("no inbound rule of {owner}'s security groups ({}) admits {} from {}", w.sg_names(sgs), ports_str(w.proto, w.port), if seen.name.is_empty() { seen.addr.show(w.sc).to_string() } else { format!("{} ({})", seen.name, seen.addr.show(w.sc)) }),
                    };
                    (why, vec![Remedy::one(w.sg_fix(g, RuleDirection::Ingress, peer))])
                }));
            }
        }
        match n.owner {
            EniOwner::Endpoint(ep) => {
                self.endpoint_policy(ep)?;
                let s = self.sc.endpoints[ep.ix()].service;
                self.service_reached(s, "through the interface endpoint")
            }
            EniOwner::Resource(r) => {
                let res = &self.sc.resources[r.ix()];
                // `reached` only runs when a listener matched.
                self.must_listen("resource", &res.name, &res.listen, false, |l| {
                    l.map(|l| format!("listening on {l}")).unwrap_or_default()
                })
            }
            EniOwner::Function(_) | EniOwner::Nat(_) => {
                let who = self.sc.eni_owner_name(eni).to_string();
                Err(self.block(
                    Code::NotListening,
                    "eni",
                    |_| who.clone(),
                    |_| "accepts no inbound connections".into(),
                    |_| {
                        (
                            format!(
                                "{who} accepts no inbound connections on its network interface"
                            ),
                            Vec::new(),
                        )
                    },
                ))
            }
        }
    }

    /// The end of a flow: something must listen on the probe's protocol
    /// and port (a host with no declared listener accepts anything).
    fn must_listen(
        &mut self,
        kind: &'static str,
        name: &'e str,
        listen: &'e [awsreach_model::net::Listener],
        open_if_none: bool,
        reached: impl FnOnce(Option<&awsreach_model::net::Listener>) -> String,
    ) -> Step {
        let hit = listen.iter().find(|l| l.accepts(self.proto, self.port));
        if hit.is_some() || (open_if_none && listen.is_empty()) {
            hop!(self, kind, name, Decision::Pass, reached(hit));
            return self.check_return();
        }
        let want = ports_str(self.proto, self.port);
        Err(self.block(
            Code::NotListening,
            kind,
            |_| name.to_string(),
            |_| format!("nothing listens on {want}"),
            |_| {
                (
                    format!("{name} does not listen on {want}"),
                    vec![Remedy::one(Fix::AddListener {
                        resource: name.to_string(),
                        listener: want.clone(),
                    })],
                )
            },
        ))
    }

    /// The public side: the internet, public endpoints, hosts, and public
    /// IPs of resources (entering their VPC through its IGW, rule 10).
    fn internet(&mut self, from: Addr, dst: Dst) -> Step {
        hop!(
            self,
            "internet",
            "internet",
            Decision::Info,
            format!(
                "from {} to {}",
                from.show(self.sc),
                self.dst_addr(dst).show(self.sc)
            )
        );
        match dst {
            Dst::Svc(s) => self.service_reached(s, "at its public endpoint"),
            Dst::Internet => {
                hop!(
                    self,
                    "internet",
                    "internet",
                    Decision::Pass,
                    "internet address reached".to_string()
                );
                self.check_return()
            }
            Dst::Host(h) => {
                let host = &self.sc.external_hosts[h.ix()];
                // A host that declares no listener accepts anything.
                self.must_listen("host", &host.name, &host.listen, true, |_| {
                    format!("{} reached", host.ip)
                })
            }
            Dst::PublicIp(eni) => {
                let n = &self.sc.enis[eni.ix()];
                let vpc = self.sc.subnet_vpc(n.subnet);
                let Some(g) = self.sc.vpcs[vpc.ix()].internet_gateway else {
                    return Err(self.block(Code::NoRoute, "vpc", |w| w.vpc_name(vpc).to_string(), |_| "no internet gateway attached".into(), |w| (format!("{} has no internet gateway, so nothing reaches {} from the internet", w.vpc_name(vpc), w.sc.eni_owner_name(eni)), Vec::new())));
                };
                hop!(
                    self,
                    "internet-gateway",
                    self.sc.internet_gateways[g.ix()].name,
                    Decision::Pass,
                    format!(
                        "1:1 NAT {} -> {}",
                        n.public_ip.expect("public"),
                        n.private_ip
                    )
                );
                // The reply leaves through the subnet's own table, which must send it to the IGW.
                let t = self.table_of(n.subnet);
                let back = self.e.lpm[t.ix()]
                    .lookup(from)
                    .map(|ri| self.sc.route_tables[t.ix()].routes[ri as usize].target);
                if !matches!(back, Some(Target::Igw(_))) {
                    let name = self.sc.eni_owner_name(eni).to_string();
                    return Err(self.block(Code::NoReturnRoute, "route-table", |w| w.sc.route_tables[t.ix()].name.clone(), |_| "no route back to the internet gateway".into(), |w| {
                        let table = &w.sc.route_tables[t.ix()];
                        (format!("{name} has a public ip but its subnet {} routes the reply elsewhere (no 0.0.0.0/0 -> internet gateway in {})", w.subnet_name(n.subnet), table.name),
                         // A more specific route that diverts the reply (rule 9) is
                         // beaten by the client's own address, not by another
                         // 0.0.0.0/0 (found by `awsreach fuzz`, fix-sound).
                         vec![Remedy::one(Fix::AddRoute { table: table.name.clone(), vpc: w.vpc_name(vpc).into(), dest: if back.is_some() { from.cidr() } else { "0.0.0.0/0".into() }, target: w.sc.internet_gateways[g.ix()].name.clone(), spec_target: awsreach_model::spec::RouteTarget::Igw(w.sc.internet_gateways[g.ix()].name.clone()) })])
                    }));
                }
                let seen = Seen {
                    addr: from,
                    sgs: &[],
                    name: "",
                    src_sg_first: None,
                };
                self.nacl_step(
                    n.subnet,
                    RuleDirection::Ingress,
                    from,
                    PortRange::single(self.port),
                )?;
                self.push_leg(n.subnet, RuleDirection::Egress, from);
                self.arrive(eni, seen)
            }
            Dst::Eni(eni) => {
                let name = self.sc.eni_owner_name(eni).to_string();
                let ip = self.sc.enis[eni.ix()].private_ip;
                Err(self.block(Code::PrivateAddressFromInternet, "internet", |_| "internet".into(), |_| format!("{ip} is a private address"), |w| {
                    (format!("{name} has only the private address {ip}; nothing routes from the internet into a private subnet"), w.private_from_internet_fixes(eni))
                }))
            }
            Dst::Ip(ip) => {
                let private = match ip {
                    IpAddr::V4(a) => a.is_private() || self.sc.vpcs.iter().any(|v| v.contains(ip)),
                    IpAddr::V6(_) => false,
                };
                if private {
                    return Err(self.block(Code::PrivateAddressFromInternet, "internet", |_| "internet".into(), |_| format!("{ip} is a private address"), |_| (format!("{ip} is a private address; nothing routes to it from the internet"), Vec::new())));
                }
                hop!(
                    self,
                    "internet",
                    "internet",
                    Decision::Pass,
                    format!("{ip} reached")
                );
                self.check_return()
            }
        }
    }

    // ------------------------------------------------------------- filters

    /// Rule 16: the first rule of any group that admits the packet.
    fn sg_match(&self, sgs: &[SgId], dir: RuleDirection, remote: Seen) -> Option<(SgId, usize)> {
        for &g in sgs {
            let sg = &self.sc.security_groups[g.ix()];
            let rules = if dir == RuleDirection::Ingress {
                &sg.ingress
            } else {
                &sg.egress
            };
            for (i, r) in rules.iter().enumerate() {
                if !r.protocol.matches(self.proto)
                    || (self.proto.has_ports() && !r.ports.contains(self.port))
                {
                    continue;
                }
                let hit = match r.peer {
                    SgPeer::Cidr(n) => remote.addr.in_net(&n),
                    // Group references match by membership of the peer's ENI.
                    SgPeer::Sg(x) => remote.sgs.contains(&x),
                    SgPeer::PrefixList(s) => remote.addr == Addr::Svc(s),
                };
                if hit {
                    return Some((g, i));
                }
            }
        }
        None
    }

    fn sg_names(&self, sgs: &[SgId]) -> String {
        sgs.iter()
            .map(|g| self.name_of_sg(*g))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn sg_rule_text(&self, g: SgId, dir: RuleDirection, i: usize) -> String {
        let sg = &self.sc.security_groups[g.ix()];
        let r = if dir == RuleDirection::Ingress {
            sg.ingress[i]
        } else {
            sg.egress[i]
        };
        let peer = match r.peer {
            SgPeer::Cidr(n) => n.to_string(),
            SgPeer::Sg(x) => self.name_of_sg(x).to_string(),
            SgPeer::PrefixList(s) => format!("pl:{}", self.sc.services[s.ix()].id),
        };
        let ports = if r.protocol.has_ports() {
            format!("/{}", r.ports)
        } else {
            String::new()
        };
        let d = if dir == RuleDirection::Ingress {
            "from"
        } else {
            "to"
        };
        format!("{}{ports} {d} {peer}", r.protocol)
    }

    fn push_leg(&mut self, subnet: SubnetId, dir: RuleDirection, remote: Addr) {
        if self.nlegs < self.legs.len() {
            self.legs[self.nlegs] = Some(Leg {
                nacl: self.sc.subnets[subnet.ix()].network_acl,
                subnet,
                dir,
                remote,
            });
            self.nlegs += 1;
        }
    }

    /// Rule 17: ascending rule numbers, first match wins, implicit deny.
    /// `ports` may be a range (the reply's ephemeral ports): every port must be allowed.
    fn nacl_step(
        &mut self,
        subnet: SubnetId,
        dir: RuleDirection,
        remote: Addr,
        ports: PortRange,
    ) -> Step {
        let acl_id = self.sc.subnets[subnet.ix()].network_acl;
        let acl = &self.sc.network_acls[acl_id.ix()];
        let rules = if dir == RuleDirection::Ingress {
            &acl.ingress
        } else {
            &acl.egress
        };
        match nacl_eval(rules, self.proto, ports, remote) {
            Ok(rule) => {
                hop!(
                    self,
                    "network-acl",
                    acl.name,
                    Decision::Pass,
                    format!(
                        "{} {} {} {} allowed at subnet {}",
                        if dir == RuleDirection::Ingress {
                            "inbound"
                        } else {
                            "outbound"
                        },
                        ports_str_range(self.proto, ports),
                        if dir == RuleDirection::Ingress {
                            "from"
                        } else {
                            "to"
                        },
                        remote.show(self.sc),
                        self.subnet_name(subnet)
                    ),
                    Some(format!("rule {rule} allow"))
                );
                Ok(())
            }
            Err(rule) => {
                let code = match (self.dir, dir) {
                    (Direction::Return, _) => Code::NaclReturnDenied,
                    (_, RuleDirection::Ingress) => Code::NaclInboundDenied,
                    (_, RuleDirection::Egress) => Code::NaclOutboundDenied,
                };
                Err(self.block(code, "network-acl", |_| acl.name.clone(), |w| format!("{} {} {} {} denied at subnet {} by {}", if dir == RuleDirection::Ingress { "inbound" } else { "outbound" }, ports_str_range(w.proto, ports), if dir == RuleDirection::Ingress { "from" } else { "to" }, remote.show(w.sc), w.subnet_name(subnet), rule.map(|r| format!("rule {r}")).unwrap_or_else(|| "the implicit deny (*)".into())), |w| {
                    let what = if w.dir == Direction::Return { "the reply" } else { "the packet" };
                    let number = free_rule_number(rules, rule);
                    let why = format!("network acl {} of subnet {} denies {what} {} {} {} ({}){}", acl.name, w.subnet_name(subnet), ports_str_range(w.proto, ports), if dir == RuleDirection::Ingress { "from" } else { "to" }, remote.show(w.sc), rule.map(|r| format!("rule {r}")).unwrap_or_else(|| "no rule matches: implicit deny".into()), if w.dir == Direction::Return { "; network ACLs are stateless, so replies to ephemeral ports need their own rule" } else { "" });
                    let fixes = if acl.declared {
                        vec![Remedy::one(Fix::AddNaclRule { nacl: acl.name.clone(), direction: dir, rule: number, protocol: w.proto, ports: if w.proto.has_ports() { ports.to_string() } else { "all".into() }, cidr: remote.cidr() })]
                    } else {
                        Vec::new()
                    };
                    (why, fixes)
                }))
            }
        }
    }

    /// The reply, in reverse order of the forward legs (security groups are
    /// stateful, rule 16; NACLs are not, rule 17).
    fn check_return(&mut self) -> Step {
        if self.nlegs == 0 {
            return Ok(());
        }
        self.dir = Direction::Return;
        let legs = self.legs;
        for i in (0..self.nlegs).rev() {
            let leg = legs[i].expect("filled");
            let _ = leg.nacl;
            self.nacl_step(
                leg.subnet,
                leg.dir,
                leg.remote,
                if self.proto.has_ports() {
                    EPHEMERAL
                } else {
                    PortRange::ALL
                },
            )?;
        }
        self.nlegs = 0;
        self.dir = Direction::Forward;
        Ok(())
    }

    // ----------------------------------------------------------------- fixes

    fn peer_for(&self, daddr: Addr, dst_sgs: &[SgId], src_sg: SgId) -> Peer {
        let vpc = self.sc.security_groups[src_sg.ix()].vpc;
        match (dst_sgs.first(), daddr) {
            (Some(g), _) if self.sc.security_groups[g.ix()].vpc == vpc => {
                Peer::Sg(self.name_of_sg(*g).into())
            }
            (_, Addr::Svc(s)) if self.sc.services[s.ix()].gateway_endpoint => {
                Peer::Cidr("0.0.0.0/0".into())
            }
            (_, a) => Peer::Cidr(a.cidr()),
        }
    }

    /// Whom an inbound rule of group `g` should admit: the sender's group
    /// when it is in the same VPC, else the sender's address.
    fn ingress_peer(&self, seen: Seen, g: SgId) -> Peer {
        match seen.src_sg_first {
            Some(sg)
                if self.sc.security_groups[sg.ix()].vpc == self.sc.security_groups[g.ix()].vpc =>
            {
                Peer::Sg(self.name_of_sg(sg).into())
            }
            _ => Peer::Cidr(seen.addr.cidr()),
        }
    }

    fn sg_fix(&self, g: SgId, direction: RuleDirection, peer: Peer) -> Fix {
        let sg = &self.sc.security_groups[g.ix()];
        let (protocol, ports) = if self.proto.has_ports() {
            (self.proto, self.port.to_string())
        } else {
            (self.proto, "all".into())
        };
        Fix::AddSgRule {
            sg: sg.name.clone(),
            vpc: self.vpc_name(sg.vpc).into(),
            direction,
            protocol,
            ports,
            peer,
        }
    }

    /// A deterministic public address for fixes that need one.
    fn fresh_public_ip(&self, seed: u32) -> String {
        let mut n = seed;
        loop {
            let ip = Ipv4Addr::new(54, 240, ((n >> 8) & 0xff) as u8, (n & 0xff) as u8 | 1);
            if !self.e.eni_by_public.contains_key(&ip)
                && !self
                    .sc
                    .nat_gateways
                    .iter()
                    .any(|g| g.elastic_ip == Some(ip))
            {
                return ip.to_string();
            }
            n = n.wrapping_add(1);
        }
    }

    /// A NAT gateway of the VPC that can reach the internet (in a public subnet, public).
    fn working_nat(&self, vpc: VpcId, not_in: SubnetId) -> Option<NatId> {
        self.sc
            .nat_gateways
            .iter()
            .enumerate()
            .find(|(_, n)| {
                n.public
                    && n.subnet != not_in
                    && self.sc.subnet_vpc(n.subnet) == vpc
                    && self.sc.is_public_subnet(n.subnet)
            })
            .map(|(i, _)| NatId(i as u32))
    }

    fn add_route(
        &self,
        table: RouteTableId,
        dest: String,
        target: awsreach_model::spec::RouteTarget,
        target_name: String,
    ) -> Fix {
        let t = &self.sc.route_tables[table.ix()];
        Fix::AddRoute {
            table: t.name.clone(),
            vpc: self.vpc_name(t.vpc).into(),
            dest,
            target: target_name,
            spec_target: target,
        }
    }

    /// Remedies for a source that has no (working) route to `dst`.
    fn route_fixes(
        &self,
        src: &Src<'e>,
        dst: Dst,
        daddr: Addr,
        table: RouteTableId,
        replace: Option<String>,
    ) -> Vec<Remedy> {
        use awsreach_model::spec::RouteTarget as RT;
        let vpc = self.sc.subnet_vpc(src.subnet);
        let mut out = Vec::new();
        if daddr.is_v6() {
            // Rule 8: IPv6 leaves through an egress-only internet gateway (or
            // an internet gateway); NAT gateways carry IPv4 only, so an IPv4
            // default route is no fix (found by `awsreach fuzz`, fix-sound).
            let v = &self.sc.vpcs[vpc.ix()];
            let dest = replace.unwrap_or_else(|| "::/0".into());
            let target = match (v.egress_only_igw, v.internet_gateway) {
                (Some(g), _) => {
                    let name = self.sc.egress_only_igws[g.ix()].name.clone();
                    Some((RT::EgressOnlyIgw(name.clone()), name))
                }
                (None, Some(g)) => {
                    let name = self.sc.internet_gateways[g.ix()].name.clone();
                    Some((RT::Igw(name.clone()), name))
                }
                (None, None) => None,
            };
            out.extend(target.map(|(t, name)| Remedy::one(self.add_route(table, dest, t, name))));
            return out;
        }
        match dst {
            Dst::Svc(_) | Dst::Internet | Dst::Host(_) | Dst::PublicIp(_) | Dst::Ip(_) if !matches!(daddr, Addr::V4(a) if a.is_private()) =>
            {
                let dest = replace.unwrap_or_else(|| "0.0.0.0/0".into());
                // Interface endpoint first for services that have one: one change, no internet.
                if let Dst::Svc(s) = dst {
                    let svc = &self.sc.services[s.ix()];
                    if svc.interface_endpoint {
                        out.push(self.create_endpoint_fix(vpc, s, src));
                    }
                }
                if let Some(n) = self.working_nat(vpc, src.subnet) {
                    let name = self.sc.nat_gateways[n.ix()].name.clone();
                    out.push(Remedy::one(self.add_route(
                        table,
                        dest,
                        RT::Nat(name.clone()),
                        name,
                    )));
                } else if let Some(pub_sub) = self.sc.vpcs[vpc.ix()]
                    .subnets
                    .iter()
                    .copied()
                    .find(|s| self.sc.is_public_subnet(*s) && *s != src.subnet)
                {
                    let id = self.fresh_id(&format!("nat-{}", self.subnet_name(pub_sub)));
                    out.push(Remedy {
                        steps: vec![
                            Fix::CreateNatGateway {
                                id: id.clone(),
                                subnet: self.subnet_name(pub_sub).into(),
                                elastic_ip: self.fresh_public_ip(src.subnet.0),
                            },
                            self.add_route(table, dest, RT::Nat(id.clone()), id),
                        ],
                    });
                } else if let (Some(g), SrcKind::Resource(_)) =
                    (self.sc.vpcs[vpc.ix()].internet_gateway, src.what)
                {
                    let name = self.sc.internet_gateways[g.ix()].name.clone();
                    let mut steps = vec![self.add_route(table, dest, RT::Igw(name.clone()), name)];
                    if src.public_ip.is_none() {
                        steps.extend(self.assign_public_ip_fix(src));
                    }
                    out.push(Remedy { steps });
                }
            }
            _ => {
                // A private address in another VPC: peering route if a peering exists.
                let target_vpc = self.sc.vpcs.iter().position(|v| match daddr {
                    Addr::V4(a) => v.contains(IpAddr::V4(a)),
                    _ => false,
                });
                if let Some(tv) = target_vpc.map(|i| VpcId(i as u32)).filter(|tv| *tv != vpc) {
                    // The CIDR block that holds the address: a secondary block
                    // is not covered by the first one (found by `awsreach fuzz`,
                    // fix-sound). Likewise for the route back to the source.
                    let block = |v: VpcId, a: Ipv4Addr| {
                        let cidrs = &self.sc.vpcs[v.ix()].cidrs;
                        cidrs
                            .iter()
                            .find(|c| c.contains(&a))
                            .unwrap_or(&cidrs[0])
                            .to_string()
                    };
                    let dest = replace.unwrap_or_else(|| match daddr {
                        Addr::V4(a) => block(tv, a),
                        _ => self.sc.vpcs[tv.ix()].cidrs[0].to_string(),
                    });
                    if let Some(p) = self.sc.peerings.iter().find(|p| p.other(vpc) == Some(tv)) {
                        out.push(Remedy::one(self.add_route(
                            table,
                            dest,
                            RT::Peering(p.name.clone()),
                            p.name.clone(),
                        )));
                    } else if let Some(e) = Self::dst_eni(dst) {
                        // Rule 15: no transitive routing; a peering of their own,
                        // with routes in both directions.
                        let id = self.fresh_id(&format!(
                            "pcx-{}-{}",
                            self.vpc_name(vpc),
                            self.vpc_name(tv)
                        ));
                        let back = self.table_of(self.sc.enis[e.ix()].subnet);
                        out.push(Remedy {
                            steps: vec![
                                Fix::CreatePeering {
                                    id: id.clone(),
                                    requester: self.vpc_name(vpc).into(),
                                    accepter: self.vpc_name(tv).into(),
                                },
                                self.add_route(table, dest, RT::Peering(id.clone()), id.clone()),
                                self.add_route(
                                    back,
                                    self.unclobbered(back, block(vpc, src.ip), Addr::V4(src.ip)),
                                    RT::Peering(id.clone()),
                                    id,
                                ),
                            ],
                        });
                    }
                }
            }
        }
        out
    }

    /// Rule 8: IPv6 egress needs a VPC function in a dual-stack subnet whose
    /// table sends `::/0` to an (egress-only) internet gateway.
    fn ipv6_attach_fix(&self, function: &str) -> Vec<Remedy> {
        let subnet = (0..self.sc.subnets.len())
            .map(|i| SubnetId(i as u32))
            .find(|s| {
                self.sc.subnets[s.ix()].ipv6_cidr.is_some() && {
                    let t = self.table_of(*s);
                    self.sc.route_tables[t.ix()].routes.iter().any(|r| {
                        matches!(r.target, Target::EgressOnlyIgw(_) | Target::Igw(_))
                            && matches!(r.dest, RouteDest::Cidr(IpNet::V6(n)) if n.prefix_len() == 0)
                    })
                }
            });
        subnet
            .map(|s| Remedy {
                steps: vec![
                    Fix::AttachFunctionToVpc {
                        function: function.to_string(),
                        subnets: vec![self.subnet_name(s).to_string()],
                    },
                    Fix::EnableFunctionIpv6 {
                        function: function.to_string(),
                    },
                ],
            })
            .into_iter()
            .collect()
    }

    fn assign_public_ip_fix(&self, src: &Src<'e>) -> Option<Fix> {
        match src.what {
            SrcKind::Resource(r) => Some(Fix::AssignPublicIp {
                resource: self.sc.resources[r.ix()].name.clone(),
                ip: self.fresh_public_ip(r.0 + 1000),
            }),
            _ => None,
        }
    }

    fn create_endpoint_fix(&self, vpc: VpcId, s: ServiceId, src: &Src<'e>) -> Remedy {
        let svc = &self.sc.services[s.ix()];
        // S3 and DynamoDB: a gateway endpoint on the caller's route table is
        // the free, one-step fix; its prefix-list route beats 0.0.0.0/0 (rule 12).
        if svc.gateway_endpoint {
            let table = &self.sc.route_tables[self.table_of(src.subnet).ix()];
            return Remedy::one(Fix::CreateGatewayEndpoint {
                id: self.fresh_id(&format!("vpce-{}-gw", svc.id)),
                vpc: self.vpc_name(vpc).into(),
                service: svc.id.clone(),
                route_tables: vec![table.name.clone()],
            });
        }
        let first = src.sgs.and_then(|g| g.first().copied());
        let sgs: Vec<String> = first
            .map(|g| vec![self.name_of_sg(g).to_string()])
            .unwrap_or_default();
        // The caller's own group goes on the endpoint; rule 13: the endpoint's
        // groups must admit tcp/443 from the caller, so add a self-reference
        // for 443 when the group does not already admit its own members on it.
        let mut steps = vec![Fix::CreateInterfaceEndpoint {
            id: self.fresh_id(&format!("vpce-{}", svc.id.replace('.', "-"))),
            vpc: self.vpc_name(vpc).into(),
            service: svc.id.clone(),
            subnets: vec![self.subnet_name(src.subnet).into()],
            security_groups: sgs,
        }];
        if let (Some(g), Some(mine)) = (first, src.sgs) {
            let me = Seen {
                addr: Addr::V4(src.ip),
                sgs: mine,
                name: src.name,
                src_sg_first: Some(g),
            };
            let https = Walk {
                proto: Protocol::Tcp,
                port: 443,
                ..self.shallow()
            };
            if https.sg_match(&[g], RuleDirection::Ingress, me).is_none() {
                let name = self.name_of_sg(g).to_string();
                steps.push(Fix::AddSgRule {
                    sg: name.clone(),
                    vpc: self.vpc_name(vpc).into(),
                    direction: RuleDirection::Ingress,
                    protocol: Protocol::Tcp,
                    ports: "443".into(),
                    peer: Peer::Sg(name),
                });
            }
        }
        Remedy { steps }
    }

    /// An id for an entity a fix creates: `base`, or `base-2`, `base-3`, ...
    /// when the scenario already uses it (ids are unique across every kind).
    fn fresh_id(&self, base: &str) -> String {
        // A set lookup: scanning every entity per candidate made a fix cost
        // ~0.2 ms at 100k ENIs.
        let taken = |id: &str| self.e.id_taken(id);
        if !taken(base) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !taken(id))
            .expect("some suffix is free")
    }

    /// A verdict-only copy of this walk's settings, for side questions.
    fn shallow(&self) -> Walk<'e, NoHops> {
        Walk {
            e: self.e,
            sc: self.sc,
            sink: NoHops,
            proto: self.proto,
            port: self.port,
            action: self.action,
            legs: [None; 8],
            nlegs: 0,
            dir: Direction::Forward,
            from: self.from,
        }
    }

    fn no_public_ip_fixes(&self, src: &Src<'e>, dst: Dst) -> Vec<Remedy> {
        use awsreach_model::spec::RouteTarget as RT;
        let vpc = self.sc.subnet_vpc(src.subnet);
        let mut out = Vec::new();
        if let Some(f) = self.assign_public_ip_fix(src) {
            out.push(Remedy::one(f));
            return out;
        }
        if let Dst::Svc(s) = dst
            && self.sc.services[s.ix()].interface_endpoint
        {
            out.push(self.create_endpoint_fix(vpc, s, src));
        }
        if let SrcKind::Function(f) = src.what {
            let fname = self.sc.functions[f.ix()].name.clone();
            // Another subnet of the same VPC whose table sends *this*
            // destination (not just 0.0.0.0/0: a narrower route may point at
            // the IGW) to a working NAT gateway.
            let daddr = self.dst_addr(dst);
            let natted = self.sc.vpcs[vpc.ix()].subnets.iter().copied().find(|s| {
                let t = self.table_of(*s);
                *s != src.subnet
                    && self.e.lpm[t.ix()].lookup(daddr).is_some_and(|ri| {
                        matches!(self.sc.route_tables[t.ix()].routes[ri as usize].target,
                            Target::Nat(n) if self.working_nat(vpc, *s) == Some(n))
                    })
            });
            match natted {
                Some(s) => out.push(Remedy::one(Fix::MoveFunction {
                    function: fname,
                    subnets: vec![self.subnet_name(s).into()],
                })),
                None => {
                    if let Some(s) = self.sc.vpcs[vpc.ix()]
                        .subnets
                        .iter()
                        .copied()
                        .find(|s| !self.sc.is_public_subnet(*s))
                    {
                        let t = self.table_of(s);
                        let id = self.fresh_id(&format!("nat-{}", self.subnet_name(src.subnet)));
                        out.push(Remedy {
                            steps: vec![
                                Fix::CreateNatGateway {
                                    id: id.clone(),
                                    subnet: self.subnet_name(src.subnet).into(),
                                    elastic_ip: self.fresh_public_ip(src.subnet.0 + 3000),
                                },
                                self.add_route(t, "0.0.0.0/0".into(), RT::Nat(id.clone()), id),
                                Fix::MoveFunction {
                                    function: fname,
                                    subnets: vec![self.subnet_name(s).into()],
                                },
                            ],
                        });
                    }
                }
            }
        }
        out
    }

    /// The destination for a new route in `table` towards `addr`: `dest`
    /// (the CIDR block holding `addr`), unless the table already routes that
    /// block elsewhere; then the subnet holding `addr`, so that the new route
    /// does not replace one that other traffic needs. (A function with ENIs
    /// in subnets routed through different targets made the return-route
    /// fixes flip one table's route back and forth; found by `awsreach
    /// fuzz`, fix-sound.)
    fn unclobbered(&self, table: RouteTableId, dest: String, addr: Addr) -> String {
        let routes = &self.sc.route_tables[table.ix()].routes;
        // Compare parsed blocks when `dest` is a CIDR in canonical form:
        // formatting every route of a 1,000-route table cost ~0.1 ms a fix.
        let taken = match dest.parse::<IpNet>() {
            Ok(n) if n.to_string() == dest => routes.iter().any(|r| r.dest == RouteDest::Cidr(n)),
            _ => routes.iter().any(|r| self.sc.dest_name(r.dest) == dest),
        };
        if !taken {
            return dest;
        }
        self.sc
            .subnets
            .iter()
            .find(|s| addr.in_net(&IpNet::V4(s.cidr)))
            .map(|s| s.cidr.to_string())
            .unwrap_or(dest)
    }

    /// A private destination seen from the internet: a non-VPC function
    /// moves into the destination's VPC; otherwise the destination goes public.
    fn private_from_internet_fixes(&self, eni: EniId) -> Vec<Remedy> {
        let mut out = Vec::new();
        let dst_vpc = self.sc.subnet_vpc(self.sc.enis[eni.ix()].subnet);
        let target_ip = self.sc.enis[eni.ix()].private_ip;
        // The ENI whose table sends the address to the internet (no route
        // more specific than 0.0.0.0/0), not simply a function's first one
        // (found by `awsreach fuzz`, fix-sound).
        let unrouted = |e: &EniId| {
            let t = self.table_of(self.sc.enis[e.ix()].subnet);
            self.e.lpm[t.ix()].lookup(Addr::V4(target_ip)).is_none_or(|ri| {
                matches!(self.sc.route_tables[t.ix()].routes[ri as usize].dest, RouteDest::Cidr(c) if c.prefix_len() == 0)
            })
        };
        let src_eni = match self.from {
            Node::Resource(r) => Some(self.sc.resources[r.ix()].eni),
            Node::Function(f) => self.sc.functions[f.ix()]
                .vpc
                .as_ref()
                .map(|v| v.enis.iter().copied().find(unrouted).unwrap_or(v.enis[0])),
            _ => None,
        };
        match (self.from, src_eni) {
            // A VPC source heading for a peer VPC's private address over the
            // internet lacks the peering route (rule 15).
            (_, Some(se)) => {
                let sub = self.sc.enis[se.ix()].subnet;
                let svpc = self.sc.subnet_vpc(sub);
                if let Some(p) = self
                    .sc
                    .peerings
                    .iter()
                    .find(|p| p.other(svpc) == Some(dst_vpc))
                {
                    let cidrs = &self.sc.vpcs[dst_vpc.ix()].cidrs;
                    let dest = cidrs
                        .iter()
                        .find(|c| c.contains(&target_ip))
                        .unwrap_or(&cidrs[0])
                        .to_string();
                    let target = awsreach_model::spec::RouteTarget::Peering(p.name.clone());
                    out.push(Remedy::one(self.add_route(
                        self.table_of(sub),
                        dest,
                        target,
                        p.name.clone(),
                    )));
                }
            }
            (Node::Function(f), None) => {
                let subnet = self.subnet_name(self.sc.enis[eni.ix()].subnet).to_string();
                out.push(Remedy::one(Fix::AttachFunctionToVpc {
                    function: self.sc.functions[f.ix()].name.clone(),
                    subnets: vec![subnet],
                }));
            }
            _ => {}
        }
        out.extend(self.make_public_fix(eni));
        out
    }

    fn make_public_fix(&self, eni: EniId) -> Option<Remedy> {
        let n = &self.sc.enis[eni.ix()];
        match n.owner {
            EniOwner::Resource(r) => {
                let res = &self.sc.resources[r.ix()];
                let mut steps = Vec::new();
                if !self.sc.is_public_subnet(n.subnet) {
                    let vpc = self.sc.subnet_vpc(n.subnet);
                    let g = self.sc.vpcs[vpc.ix()].internet_gateway?;
                    let t = self.table_of(n.subnet);
                    let name = self.sc.internet_gateways[g.ix()].name.clone();
                    steps.push(self.add_route(
                        t,
                        "0.0.0.0/0".into(),
                        awsreach_model::spec::RouteTarget::Igw(name.clone()),
                        name,
                    ));
                }
                steps.push(Fix::AssignPublicIp {
                    resource: res.name.clone(),
                    ip: self.fresh_public_ip(r.0 + 1000),
                });
                Some(Remedy { steps })
            }
            _ => None,
        }
    }
}

fn ports_str_range(proto: Protocol, ports: PortRange) -> String {
    if proto.has_ports() {
        format!("{proto}/{ports}")
    } else {
        proto.to_string()
    }
}

/// A spec `TriggerSource` for a service id, for the "declare a trigger" fix.
fn source_for_service(id: &str) -> Option<awsreach_model::spec::TriggerSource> {
    use awsreach_model::spec::TriggerSource as T;
    Some(match id {
        "sqs" => T::Sqs,
        "kinesis" => T::Kinesis,
        "dynamodb" => T::DynamoDbStreams,
        "events" => T::EventBridge,
        "sns" => T::Sns,
        "s3" => T::S3,
        "execute-api" => T::ApiGateway,
        _ => return None,
    })
}

/// First-match NACL evaluation over a port range: Ok(allowing rule) when
/// every port is allowed, Err(denying rule or None for the implicit deny).
fn nacl_eval(
    rules: &[NaclRule],
    proto: Protocol,
    ports: PortRange,
    remote: Addr,
) -> Result<u32, Option<u32>> {
    let ranged = proto.has_ports();
    // Ports still undecided, as disjoint inclusive intervals.
    let mut pending: Vec<(u16, u16)> = Vec::new();
    let mut single = Some((ports.lo, ports.hi));
    for r in rules {
        if !r.protocol.matches(proto) || !remote.in_net(&r.cidr) {
            continue;
        }
        let (rlo, rhi) = if ranged {
            (r.ports.lo, r.ports.hi)
        } else {
            (0, u16::MAX)
        };
        // Fast path: one undecided interval (the common case, no allocation).
        if let Some((lo, hi)) = single {
            let (olo, ohi) = (lo.max(rlo), hi.min(rhi));
            if olo > ohi {
                continue;
            }
            if r.action == RuleAction::Deny {
                return Err(Some(r.number));
            }
            match (olo > lo, ohi < hi) {
                (false, false) => return Ok(r.number),
                (true, false) => single = Some((lo, olo - 1)),
                (false, true) => single = Some((ohi + 1, hi)),
                (true, true) => {
                    single = None;
                    pending = vec![(lo, olo - 1), (ohi + 1, hi)];
                }
            }
            continue;
        }
        let mut next = Vec::with_capacity(pending.len() + 1);
        for &(lo, hi) in &pending {
            let (olo, ohi) = (lo.max(rlo), hi.min(rhi));
            if olo > ohi {
                next.push((lo, hi));
                continue;
            }
            if r.action == RuleAction::Deny {
                return Err(Some(r.number));
            }
            if olo > lo {
                next.push((lo, olo - 1));
            }
            if ohi < hi {
                next.push((ohi + 1, hi));
            }
        }
        if next.is_empty() {
            return Ok(r.number);
        }
        pending = next;
    }
    Err(None)
}

/// A free rule number that sorts before `blocking` (or after every rule
/// when the implicit deny blocked).
fn free_rule_number(rules: &[NaclRule], blocking: Option<u32>) -> u32 {
    let used = |n: u32| rules.iter().any(|r| r.number == n);
    match blocking {
        Some(b) => (1..b).rev().find(|n| !used(*n)).unwrap_or(1),
        None => {
            let max = rules.iter().map(|r| r.number).max().unwrap_or(0);
            (max + 1..=32766).find(|n| !used(*n)).unwrap_or(32766)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(number: u32, action: RuleAction, ports: (u16, u16), cidr: &str) -> NaclRule {
        NaclRule {
            number,
            action,
            protocol: Protocol::Tcp,
            ports: PortRange {
                lo: ports.0,
                hi: ports.1,
            },
            cidr: cidr.parse().unwrap(),
        }
    }

    #[test]
    fn nacl_first_match_wins() {
        let rules = [
            rule(90, RuleAction::Deny, (443, 443), "0.0.0.0/0"),
            rule(100, RuleAction::Allow, (0, 65535), "0.0.0.0/0"),
        ];
        let a = Addr::V4(Ipv4Addr::new(1, 2, 3, 4));
        assert_eq!(
            nacl_eval(&rules, Protocol::Tcp, PortRange::single(443), a),
            Err(Some(90))
        );
        assert_eq!(
            nacl_eval(&rules, Protocol::Tcp, PortRange::single(80), a),
            Ok(100)
        );
    }

    #[test]
    fn nacl_range_needs_every_port() {
        let a = Addr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let narrow = [rule(100, RuleAction::Allow, (32768, 65535), "0.0.0.0/0")];
        assert_eq!(nacl_eval(&narrow, Protocol::Tcp, EPHEMERAL, a), Err(None));
        let split = [
            rule(100, RuleAction::Allow, (1024, 30000), "0.0.0.0/0"),
            rule(110, RuleAction::Allow, (30001, 65535), "0.0.0.0/0"),
        ];
        assert_eq!(nacl_eval(&split, Protocol::Tcp, EPHEMERAL, a), Ok(110));
        let hole = [
            rule(100, RuleAction::Allow, (1024, 2000), "0.0.0.0/0"),
            rule(110, RuleAction::Deny, (2001, 2001), "0.0.0.0/0"),
            rule(120, RuleAction::Allow, (0, 65535), "0.0.0.0/0"),
        ];
        assert_eq!(
            nacl_eval(&hole, Protocol::Tcp, EPHEMERAL, a),
            Err(Some(110))
        );
    }

    #[test]
    fn nacl_public_endpoints_match_only_default_cidr() {
        let rules = [rule(100, RuleAction::Allow, (0, 65535), "10.0.0.0/8")];
        assert_eq!(
            nacl_eval(
                &rules,
                Protocol::Tcp,
                PortRange::single(443),
                Addr::Internet
            ),
            Err(None)
        );
        let rules = [rule(100, RuleAction::Allow, (0, 65535), "0.0.0.0/0")];
        assert_eq!(
            nacl_eval(
                &rules,
                Protocol::Tcp,
                PortRange::single(443),
                Addr::Internet
            ),
            Ok(100)
        );
    }

    #[test]
    fn free_rule_numbers() {
        let rules = [
            rule(100, RuleAction::Deny, (0, 1), "0.0.0.0/0"),
            rule(99, RuleAction::Allow, (0, 1), "0.0.0.0/0"),
        ];
        assert_eq!(free_rule_number(&rules, Some(100)), 98);
        assert_eq!(free_rule_number(&rules, None), 101);
    }
}
