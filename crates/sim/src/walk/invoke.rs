//! Lambda invocation: the call to the Lambda API, the resource-based
//! policy, and the triggers (push sources, Lambda-managed pollers, and
//! poller ENIs in the event source's subnets).

use std::net::Ipv4Addr;

use awsreach_model::net::Protocol;
use awsreach_model::spec::MissingKind;
use awsreach_model::spec::{MqEngine, PollerMode, TriggerSource, UrlAuth};
use awsreach_model::*;

use super::permission::permission;
use super::*;
use crate::code::Code;
use crate::engine::{Addr, Node};
use crate::fix::{Fix, Peer, Remedy, RuleDirection};
use crate::hop::{At, Groups, HopKind, Principal};
use crate::remedy::source_for_service;
use crate::trace::Decision;

impl<'e, S: Sink> Walk<'e, S> {
    /// An invocation is a call to the Lambda API, then the Lambda service
    /// delivers the event; the callee's placement never matters (rule 3,
    /// seed principle 1).
    pub(crate) fn invoke(&mut self, from: Node, f: FunctionId) -> Step {
        let lambda = self.e.lambda;
        self.call_from(from, lambda)?;
        let principal = match from {
            Node::Resource(r) => Principal::Resource(r),
            Node::Function(g) | Node::FunctionEni(g, _) => Principal::Function(g),
            Node::Host(h) => Principal::Host(h),
            _ => Principal::Any,
        };
        self.lambda_delivers(f, Some(principal))
    }

    /// The Lambda service invokes `f`; `who` is checked against its IAM
    /// identity and the function's resource-based policy (rule 20,
    /// `permission.rs`; None: an event source mapping, which uses the
    /// function's execution role instead, rule 4).
    pub(crate) fn lambda_delivers(&mut self, f: FunctionId, who: Option<Principal>) -> Step {
        if who.is_some()
            && let Some(m) = self.lacks(EntityRef::Function(f), MissingKind::Policy)
        {
            return Err(
                self.unknown(Code::UnknownPolicy, HopKind::LambdaService, m, |_| {
                    "whether the caller may invoke it".to_string()
                }),
            );
        }
        match who.map(|p| (p, permission(self.sc, f, p))) {
            Some((p, Err(denial))) => return Err(self.invoke_denied(f, p, denial)),
            Some((principal, Ok(Some(grant)))) => hop!(
                self,
                HopKind::LambdaService,
                Decision::Pass,
                At::InvokeAllowed {
                    function: f,
                    principal,
                    grant,
                }
            ),
            Some((p, Ok(None))) => hop!(
                self,
                HopKind::LambdaService,
                Decision::Info,
                At::LambdaInvokes { principal: Some(p) }
            ),
            None => hop!(
                self,
                HopKind::LambdaService,
                Decision::Info,
                At::LambdaInvokes { principal: None }
            ),
        }
        hop!(
            self,
            HopKind::Function,
            Decision::Pass,
            At::Invoked { function: f }
        );
        Ok(())
    }

    pub(crate) fn trigger(&mut self, from: Node, to: Node) -> Step {
        let Node::Function(f) = to else {
            unreachable!("triggers target functions")
        };
        // The triggers that may decide, without collecting them (the
        // verdict-only path allocates nothing).
        let (sc, e) = (self.sc, self.e);
        let (single, service) = match from {
            Node::Trigger(t) if sc.triggers[t.ix()].function == f => (Some(t), None),
            Node::Service(s) => (None, Some(s)),
            _ => (None, None),
        };
        let candidates = || {
            single
                .into_iter()
                .chain(service.into_iter().flat_map(move |s| {
                    e.triggers_by_fn[f.ix()]
                        .iter()
                        .copied()
                        .filter(move |t| sc.triggers[t.ix()].service == s)
                }))
        };
        let Some(first) = candidates().next() else {
            return Err(self.block(Code::NoTrigger, HopKind::Service, At::NoTrigger { from, function: f }, |w| {
                let src = w.e.node_name(from);
                let fname = w.sc.functions[f.ix()].name.clone();
                let source = match from {
                    Node::Service(s) => source_for_service(&w.sc.services[s.ix()].id),
                    _ => None,
                };
                let fixes = source.map(|source| vec![Remedy::one(Fix::AddTrigger { source, function: fname.clone() })]).unwrap_or_default();
                (format!("{src} never invokes {fname}: the scenario declares no trigger (event source mapping, rule, subscription or notification) between them"), fixes)
            }));
        };
        // Several triggers from one service: reachable if any works, else the
        // first failure. Each is tried on a fresh verdict-only walk, so the
        // trace records only the trigger that decides (a reachable trace
        // showed the blocking hops of a failed alternative before), and no
        // state of a failed attempt (reply legs, direction) leaks into the
        // next. Found by `awsreach fuzz` (trace-shape).
        let pick = if candidates().nth(1).is_none() {
            first
        } else {
            // Reachable if any works; else unknown if one depends on missing
            // data (it might work); else the first failure.
            let mut unknown = None;
            candidates()
                .find(|&t| match self.shallow().one_trigger(t) {
                    Ok(()) => true,
                    Err(b) => {
                        if b.code.is_unknown() {
                            unknown.get_or_insert(t);
                        }
                        false
                    }
                })
                .or(unknown)
                .unwrap_or(first)
        };
        self.one_trigger(pick)
    }

    pub(crate) fn one_trigger(&mut self, t: TriggerId) -> Step {
        let tr = &self.sc.triggers[t.ix()];
        let f = tr.function;
        if tr.source.polls_in_vpc() {
            // Rule 5: pollers with ENIs in the event source's subnets.
            hop!(
                self,
                HopKind::Poller,
                Decision::Info,
                At::PollerInVpc { trigger: t }
            );
            self.poller_placement_known(t)?;
            for &sub in &tr.subnets {
                self.poller_in_subnet(t, sub)?;
            }
            return self.lambda_delivers(f, None);
        }
        if tr.source.polls_in_aws() {
            // Rule 4: SQS / Kinesis / DynamoDB Streams pollers run in the Lambda service.
            hop!(
                self,
                HopKind::Poller,
                Decision::Info,
                At::PollerInAws { trigger: t }
            );
            return self.lambda_delivers(f, None);
        }
        if tr.source == TriggerSource::FunctionUrl {
            return self.function_url(t);
        }
        if tr.source == TriggerSource::Alb {
            // "The load balancer invokes the Lambda function directly
            // instead of using a network connection" (Elastic Load
            // Balancing, "Use Lambda functions as targets of an Application
            // Load Balancer",
            // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html).
            hop!(
                self,
                HopKind::LoadBalancer,
                Decision::Info,
                At::AlbInvokes { trigger: t }
            );
        }
        // Rule 6: push sources call Invoke through the Lambda service.
        hop!(
            self,
            HopKind::Service,
            Decision::Info,
            At::PushSource {
                service: tr.service
            }
        );
        self.lambda_delivers(f, Some(Principal::Service(tr.service)))
    }

    pub(crate) fn poller_in_subnet(&mut self, t: TriggerId, sub: SubnetId) -> Step {
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
            groups: Some(Groups::Trigger(t)),
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
        let brokers = Walk::fresh(
            self.e,
            self.from,
            NoHops,
            (Protocol::Tcp, port, self.action),
        );
        let out = brokers.sg_match(&tr.security_groups, RuleDirection::Egress, broker);
        let inn = brokers.sg_match(&tr.security_groups, RuleDirection::Ingress, broker);
        if out.is_none() || inn.is_none() {
            self.sg_known(&tr.security_groups)?;
            let dir = if out.is_none() {
                RuleDirection::Egress
            } else {
                RuleDirection::Ingress
            };
            return Err(self.block(Code::PollerSgDenied, HopKind::SecurityGroup, At::PollerSgDenied { trigger: t, port }, |w| {
                let sg = tr.security_groups[0];
                let g = w.name_of_sg(sg).to_string();
                (format!("the poller ENIs of {} use the source's security groups ({}), which do not allow tcp/{port} {} themselves", tr.name, w.sg_names(&tr.security_groups), if dir == RuleDirection::Egress { "out to" } else { "in from" }),
                 vec![Remedy::one(Fix::AddSgRule { sg: g.clone(), vpc: w.vpc_name(w.sc.security_groups[sg.ix()].vpc).into(), direction: dir, protocol: Protocol::Tcp, ports: port.to_string(), peer: Peer::Sg(g) })])
            }));
        }
        hop!(
            self,
            HopKind::SecurityGroup,
            Decision::Pass,
            At::PollerSgAllowed { trigger: t, port }
        );
        if tr.mode == PollerMode::Provisioned {
            hop!(
                self,
                HopKind::Poller,
                Decision::Info,
                At::PollerProvisioned { trigger: t }
            );
            return Ok(());
        }
        // Amazon MQ for RabbitMQ needs no STS endpoint: "Deploy an endpoint
        // for Lambda, and, for ActiveMQ only, an endpoint for AWS STS" (rule
        // 5; Lambda, "Process Amazon MQ messages with Lambda", network
        // configuration,
        // https://docs.aws.amazon.com/lambda/latest/dg/process-mq-messages-with-lambda.html).
        // An engine listed as missing: STS is asked last, and a poller that
        // reaches everything else but STS is unknown, since only ActiveMQ
        // needs it.
        let engine_missing = if tr.source == TriggerSource::AmazonMq {
            self.lacks(EntityRef::Trigger(t), MissingKind::Engine)
        } else {
            None
        };
        let sts = engine_missing.is_some() || tr.engine != Some(MqEngine::RabbitMq);
        let mut picked = [self.e.lambda; 3];
        let mut n = 1;
        let order = if engine_missing.is_some() {
            [
                (tr.secrets_manager, self.e.secretsmanager),
                (sts, self.e.sts),
            ]
        } else {
            [
                (sts, self.e.sts),
                (tr.secrets_manager, self.e.secretsmanager),
            ]
        };
        for (want, s) in order {
            if want {
                picked[n] = s;
                n += 1;
            }
        }
        let needs = &picked[..n];
        for &s in needs {
            // Each API call is a walk of its own (an HTTPS call with its
            // own reply), recorded into this trace.
            let action = self.sc.services[s.ix()].default_action.as_str();
            let (e, from) = (self.e, self.from);
            let r = Walk::fresh(e, from, &mut self.sink, (Protocol::Tcp, 443, action))
                .service_call(&src, s);
            if let Err(inner) = r {
                if inner.code.is_unknown() {
                    return Err(inner);
                }
                if let Some(m) = engine_missing
                    && s == self.e.sts
                {
                    return Err(self.unknown(Code::UnknownEngine, HopKind::Poller, m, |w| {
                        format!(
                            "whether its poller needs STS, unreachable from subnet {} (ActiveMQ does, RabbitMQ does not),",
                            w.subnet_name(sub)
                        )
                    }));
                }
                let svc = &self.sc.services[s.ix()].id;
                let why = if S::EXPLAIN {
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
                if S::EXPLAIN
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
}

impl<'e, S: Sink> Walk<'e, S> {
    /// A client on the internet calls the function URL of trigger `t`
    /// (rule 6; Lambda, "Lambda function URLs" and "Control access to
    /// Lambda function URLs",
    /// https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html,
    /// https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html): a
    /// public HTTPS endpoint of the Lambda service. `NONE` performs no
    /// authentication, but "your function's resource-based policy is always
    /// in effect and must grant public access"; `AWS_IAM` refuses requests
    /// not signed by an IAM principal, so an anonymous client gets nothing.
    fn function_url(&mut self, t: TriggerId) -> Step {
        let tr = &self.sc.triggers[t.ix()];
        let f = tr.function;
        let auth = tr.auth.unwrap_or_default();
        hop!(
            self,
            HopKind::FunctionUrl,
            Decision::Info,
            At::FunctionUrlCall { trigger: t, auth }
        );
        match auth {
            UrlAuth::NoAuth => self.lambda_delivers(f, Some(Principal::Any)),
            UrlAuth::AwsIam => Err(self.block(
                Code::InvokeNotPermitted,
                HopKind::FunctionUrl,
                At::FunctionUrlUnsigned { trigger: t },
                |w| {
                    (
                        format!(
                            "{} uses auth type AWS_IAM, so only requests signed by an IAM principal that its identity-based policy or the resource-based policy of {} allows get through; an anonymous client's do not",
                            tr.name, w.sc.functions[f.ix()].name
                        ),
                        Vec::new(),
                    )
                },
            )),
        }
    }
}
