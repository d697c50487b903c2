//! Functions, triggers and their policies; resources and external hosts.

use awsreach_model::catalog;
use awsreach_model::spec::*;

use crate::addr;

use super::{Builder, KINDS, Kind};

impl Builder<'_> {
    // ----- functions and triggers -----------------------------------------

    /// Up to `sgs_per_eni - 1` padding groups of VPC `v`.
    pub(super) fn extra_groups(&mut self, v: usize) -> Vec<String> {
        let extras = self.vpcs[v].groups.extras.clone();
        if extras.is_empty() {
            return Vec::new();
        }
        let n = self.d.range(0, self.lim.sgs_per_eni - 1);
        self.d.some_of(&extras, n)
    }

    pub(super) fn functions(&mut self) {
        let k = self.k;
        let mut global: [Vec<usize>; 4] = Default::default();
        for (g, s) in self.subnets.iter().enumerate() {
            global[s.kind as usize].push(g);
        }
        for f in 0..self.opts.functions {
            let mut w = k.fn_placement;
            for (i, kind) in KINDS.iter().enumerate() {
                if global[*kind as usize].is_empty() {
                    w[i + 1] = 0;
                }
            }
            if w.iter().all(|x| *x == 0) {
                w[0] = 1;
            }
            let place = self.d.weighted(&w);
            let vpc = if place == 0 {
                None
            } else {
                let first = *self.d.pick(&global[place - 1]);
                let v = self.subnets[first].vpc;
                let mut subs = vec![first];
                let all = &self.vpcs[v].subnets;
                if all.len() > 1 && self.d.pct(k.fn_two_subnets) {
                    let other = *self.d.pick(all);
                    if other != first {
                        subs.push(other);
                    }
                }
                for &s in &subs {
                    self.subnets[s].enis += 1;
                }
                let security_groups = if self.d.pct(k.default_sg_resource) {
                    Vec::new()
                } else {
                    let mut g = vec![self.vpcs[v].groups.func.clone()];
                    g.extend(self.extra_groups(v));
                    g
                };
                let dual =
                    subs.iter().all(|&s| self.subnets[s].ipv6) && self.d.pct(k.fn_dual_stack);
                Some(FunctionVpcSpec {
                    subnets: subs.iter().map(|&s| self.subnet_id(s)).collect(),
                    security_groups,
                    ipv6_dual_stack: dual,
                })
            };
            self.spec.functions.push(FunctionSpec {
                name: None,
                id: format!("fn{f}"),
                vpc,
                policy: None,
            });
        }
        self.fn_principals = vec![Vec::new(); self.opts.functions];
    }

    pub(super) fn triggers(&mut self) {
        const ALL: [TriggerSource; 16] = [
            TriggerSource::Sqs,
            TriggerSource::Kinesis,
            TriggerSource::DynamoDbStreams,
            TriggerSource::Msk,
            TriggerSource::SelfManagedKafka,
            TriggerSource::AmazonMq,
            TriggerSource::DocumentDb,
            TriggerSource::EventBridge,
            TriggerSource::Sns,
            TriggerSource::S3,
            TriggerSource::ApiGateway,
            TriggerSource::StepFunctions,
            TriggerSource::CloudWatchLogs,
            TriggerSource::Cognito,
            TriggerSource::Alb,
            TriggerSource::FunctionUrl,
        ];
        let k = self.k;
        let nf = self.opts.functions;
        if nf == 0 {
            return;
        }
        let has_vpcs = !self.vpcs.is_empty();
        let mut kinds: Vec<TriggerSource> = ALL
            .into_iter()
            .filter(|t| self.allowed(t.service_id()) && (has_vpcs || !t.polls_in_vpc()))
            .collect();
        if kinds.is_empty() {
            return;
        }
        // A shuffled cycle through every kind, so that each appears.
        self.d.shuffle(&mut kinds);
        let n = (nf * k.triggers_per_10_fns).div_ceil(10);
        for t in 0..n {
            let source = kinds[t % kinds.len()];
            let f = self.d.below(nf);
            let mut spec = TriggerSpec {
                engine: None,
                auth: None,
                id: Some(format!("tr{t}")),
                source,
                function: format!("fn{f}"),
                subnets: Vec::new(),
                security_groups: Vec::new(),
                port: None,
                mode: PollerMode::OnDemand,
                secrets_manager: false,
            };
            if source.polls_in_vpc() {
                let v = self.d.below(self.vpcs.len());
                let inner = self.vpcs[v].inner_subnets();
                let count = self.d.range(1, 2);
                spec.subnets = self
                    .d
                    .some_of(&inner, count)
                    .into_iter()
                    .map(|s| self.subnet_id(s))
                    .collect();
                spec.security_groups = vec![self.vpcs[v].groups.broker.clone()];
                if self.d.pct(20) {
                    spec.security_groups.push(self.vpcs[v].groups.func.clone());
                }
                if self.d.pct(k.custom_port) {
                    spec.port = Some(match source {
                        TriggerSource::Msk => *self.d.pick(&[9096, 9094]),
                        TriggerSource::SelfManagedKafka => *self.d.pick(&[9093, 9094]),
                        TriggerSource::AmazonMq => 61617,
                        _ => 27018,
                    });
                }
                spec.secrets_manager = self.d.pct(40);
                // Amazon MQ: a RabbitMQ broker's poller needs no STS (rule 5).
                if source == TriggerSource::AmazonMq {
                    spec.engine = Some(*self.d.pick(&[MqEngine::ActiveMq, MqEngine::RabbitMq]));
                }
                self.vpcs[v].broker = true;
                self.vpcs[v].broker_secrets |= spec.secrets_manager;
            }
            // The draw stays where it was (a seed's scenario is unchanged
            // otherwise); only sources with a provisioned mode take it (rule 21).
            if (source.polls_in_vpc() || source.polls_in_aws())
                && self.d.pct(k.provisioned)
                && source.has_provisioned_mode()
            {
                spec.mode = PollerMode::Provisioned;
            }
            if source == TriggerSource::FunctionUrl {
                // A function URL is called anonymously: AWS_IAM refuses
                // that, NONE needs a public ("*") policy.
                let auth = *self.d.pick(&[UrlAuth::AwsIam, UrlAuth::NoAuth]);
                spec.auth = Some(auth);
                if auth == UrlAuth::NoAuth {
                    self.fn_principals[f].push("*");
                }
            } else if let Some(e) = catalog::lookup(source.service_id()) {
                self.fn_principals[f].push(e.principal.as_str());
            }
            self.spec.triggers.push(spec);
        }
    }

    pub(super) fn function_policies(&mut self) {
        let k = self.k;
        for f in 0..self.opts.functions {
            if !self.d.pct(k.fn_policy) {
                continue;
            }
            let mut allow: Vec<String> = Vec::new();
            let mut push = |s: String| {
                if !allow.contains(&s) {
                    allow.push(s);
                }
            };
            for p in self.fn_principals[f].clone() {
                // Leaving out a trigger's principal blocks that trigger.
                if !self.d.pct(k.policy_omits_trigger) {
                    push(p.to_string());
                }
            }
            if self.d.pct(40) {
                push("events.amazonaws.com".into());
            }
            if !self.spec.resources.is_empty() && self.d.pct(50) {
                let r = self.d.below(self.spec.resources.len());
                push(self.spec.resources[r].id.clone());
            }
            if self.d.pct(30) {
                push(format!("fn{}", self.d.below(self.opts.functions)));
            }
            if self.d.pct(10) {
                push("*".into());
            }
            self.spec.functions[f].policy = Some(InvokePolicySpec { allow });
        }
    }

    /// Callers' IAM identities (rule 20): some callers in another account,
    /// some roles that cannot invoke, some named accounts in policies (the
    /// other account, or the scenario's own, which only delegates to roles).
    pub(super) fn identities(&mut self) {
        const OTHER: &str = "444455556666";
        const HOME: &str = "111122223333";
        let mut callers: Vec<String> = Vec::new();
        callers.extend(self.spec.resources.iter().map(|r| r.id.clone()));
        callers.extend(self.spec.functions.iter().map(|f| f.id.clone()));
        callers.extend(self.spec.external_hosts.iter().map(|h| h.id.clone()));
        for of in callers {
            if !self.d.pct(15) {
                continue;
            }
            let account = self.d.pct(50).then(|| OTHER.to_string());
            let allow = match self.d.below(3) {
                0 => None,
                1 => Some(vec!["lambda:InvokeFunction".to_string()]),
                _ => Some(vec!["s3:GetObject".to_string()]),
            };
            self.spec
                .identities
                .push(IdentitySpec { of, account, allow });
        }
        if !self.spec.identities.is_empty() {
            let home = self.d.pct(50);
            if home {
                self.spec.account = Some(HOME.to_string());
            }
            for f in &mut self.spec.functions {
                if let Some(p) = &mut f.policy {
                    if self.d.pct(30) {
                        p.allow.push(OTHER.to_string());
                    }
                    if home && self.d.pct(30) {
                        p.allow.push(format!("arn:aws:iam::{HOME}:root"));
                    }
                }
            }
        }
    }

    // ----- resources and hosts --------------------------------------------

    pub(super) fn resources(&mut self) {
        if self.subnets.is_empty() {
            return;
        }
        let n = match self.opts.eni_target {
            Some(target) => {
                let so_far: usize = self.subnets.iter().map(|s| s.enis).sum();
                target.saturating_sub(so_far)
            }
            None => self.opts.instances,
        };
        for _ in 0..n {
            let s = self.d.below(self.subnets.len());
            self.resource(s);
        }
    }

    pub(super) fn resource(&mut self, s: usize) {
        let k = self.k;
        let (v, local, kind, ipv6) = {
            let p = &self.subnets[s];
            (p.vpc, p.local, p.kind, p.ipv6)
        };
        #[derive(Clone, Copy, PartialEq)]
        enum Role {
            Web,
            App,
            Db,
            Cache,
            Generic,
        }
        let role = match kind {
            Kind::Public => [Role::Web, Role::Generic][self.d.weighted(&[80, 20])],
            Kind::PrivateNat | Kind::Private => {
                [Role::App, Role::Generic, Role::Db][self.d.weighted(&[70, 10, 20])]
            }
            Kind::Isolated => [Role::Db, Role::Cache, Role::App][self.d.weighted(&[50, 30, 20])],
        };
        let (prefix, rkind) = match role {
            Role::Web | Role::App => ("i", ResourceKind::Ec2),
            Role::Db => ("db", ResourceKind::Rds),
            Role::Cache => ("cache", ResourceKind::ElastiCache),
            Role::Generic => ("r", ResourceKind::Resource),
        };
        let n = self.subnets[s].resources;
        self.subnets[s].resources += 1;
        self.subnets[s].enis += 1;
        let id = format!("{prefix}{v}-{local}-{n}");

        let listen: Vec<String> = match role {
            Role::Web => {
                let mut l = vec!["tcp/443".to_string(), "tcp/80".to_string()];
                if self.d.pct(30) {
                    l.push("icmp".into());
                }
                l
            }
            Role::App => {
                let mut l = vec![
                    if self.d.pct(70) {
                        "tcp/8080"
                    } else {
                        "tcp/8000-8080"
                    }
                    .to_string(),
                ];
                if self.d.pct(40) {
                    l.push("tcp/22".into());
                }
                l
            }
            Role::Db => vec![
                if self.d.pct(60) {
                    "tcp/5432"
                } else {
                    "tcp/3306"
                }
                .to_string(),
            ],
            Role::Cache => vec!["tcp/6379".to_string()],
            Role::Generic => match self.d.below(3) {
                0 => vec!["udp/53".to_string(), "tcp/53".to_string()],
                1 => vec!["tcp/9000-9100".to_string()],
                _ => Vec::new(),
            },
        };
        let public = if kind == Kind::Public {
            self.d.pct(k.public_ip_public)
        } else {
            self.d.pct(k.public_ip_private)
        };
        let public_ip = public.then(|| {
            self.public_ips += 1;
            addr::public_ip(self.public_ips - 1)
        });
        let security_groups = if self.d.pct(k.default_sg_resource) {
            Vec::new()
        } else {
            let g = &self.vpcs[v].groups;
            let main = match role {
                Role::Web => g.web.clone(),
                Role::App | Role::Generic => g.app.clone(),
                Role::Db | Role::Cache => g.db.clone(),
            };
            let mut list = vec![main];
            if self.lim.sgs_per_eni >= 2 && role == Role::Web && self.d.pct(30) {
                list.push(g.app.clone());
            }
            for x in self.extra_groups(v) {
                if list.len() < self.lim.sgs_per_eni {
                    list.push(x);
                }
            }
            list
        };
        let ipv6_ip =
            (ipv6 && self.d.pct(30)).then(|| addr::subnet_v6_host(v, local, 0x100 + n as u32));
        if self.d.pct(k.explicit_ip) {
            let slot = self.subnets[s].explicit;
            self.subnets[s].explicit += 1;
            self.explicit_ips.push((self.spec.resources.len(), s, slot));
        }
        self.spec.resources.push(ResourceSpec {
            name: None,
            id,
            kind: rkind,
            subnet: self.subnet_id(s),
            private_ip: None,
            public_ip,
            ipv6_ip,
            security_groups,
            listen,
            forwarding: false,
        });
    }

    pub(super) fn external_hosts(&mut self) {
        let n = self.k.external_hosts + self.opts.eni_target.unwrap_or(0) / 5000;
        for h in 0..n {
            let listen = match self.d.below(4) {
                0 => vec!["tcp/443"],
                1 => vec!["tcp/443", "tcp/22", "icmp"],
                2 => vec!["udp/53", "tcp/53"],
                _ => Vec::new(),
            };
            self.spec.external_hosts.push(ExternalHostSpec {
                id: format!("ext{h}"),
                ip: Some(addr::external_ip(h)),
                hostname: None,
                listen: listen.into_iter().map(str::to_string).collect(),
            });
        }
    }
}
