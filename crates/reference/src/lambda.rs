//! Invoking a function: the Lambda API call, the resource-based policy,
//! and triggers with their pollers.

use std::net::Ipv4Addr;

use awsreach_model::net::Protocol;
use awsreach_model::spec::PollerMode;
use awsreach_model::{Account, Identity};

use crate::{Addr, Cx, End, Peer, Sender, Step};

impl<'s> Cx<'s> {
    /// Rule 3 and seed principle 1: invoking is a call to the Lambda API,
    /// then the resource-based policy; the callee's placement never enters.
    pub(crate) fn invoke(&mut self, from: End, f: usize) -> Step {
        let lambda = self.service_index("lambda");
        self.api_call(from, lambda)?;
        let caller = match from {
            End::Resource(r) => Some((
                self.sc.resources[r].name.as_str(),
                &self.sc.resources[r].identity,
            )),
            End::Function(g) | End::FunctionEni(g, _) => Some((
                self.sc.functions[g].name.as_str(),
                &self.sc.functions[g].identity,
            )),
            End::Host(h) => Some((
                self.sc.external_hosts[h].name.as_str(),
                &self.sc.external_hosts[h].identity,
            )),
            _ => None,
        };
        self.caller_may_invoke(f, caller)
    }

    /// Rule 20: in the function's own account, an allow in the caller's
    /// identity-based policy or in the function's resource-based policy is
    /// enough; a caller of another account needs both; a caller with no
    /// identity only the resource-based policy ("*" or its id). A policy
    /// that is not modelled (absent) grants what a resource policy could.
    fn caller_may_invoke(&self, f: usize, caller: Option<(&str, &Identity)>) -> Step {
        let func = &self.sc.functions[f];
        let Some((name, id)) = caller else {
            return self.policy_allows(f, "*");
        };
        let account_id = match &id.account {
            Some(Account::Home) => self.sc.account.as_deref(),
            Some(Account::Other(a)) => Some(a.as_str()),
            None => None,
        };
        let same = id.account.is_some() && id.account == func.identity.account;
        // None: the resource-based policy is not modelled. An entry naming
        // an account delegates to that account's identity-based policies
        // (IAM "Principal", AWS account principals): in the function's own
        // account it adds nothing to the caller's role.
        let named = func.policy.as_ref().map(|list| {
            list.iter().any(|a| {
                a == "*"
                    || a == name
                    || (!same
                        && account_id.is_some()
                        && awsreach_model::validate::policy_account(a) == account_id)
            })
        });
        let role = id.allow.as_ref().is_none_or(|l| {
            l.iter()
                .any(|p| awsreach_model::action_matches(p, "lambda:InvokeFunction"))
        });
        let ok = match &id.account {
            None => named != Some(false),
            Some(a) if Some(a) == func.identity.account.as_ref() => role || named == Some(true),
            Some(_) => role && named != Some(false),
        };
        if ok {
            Ok(())
        } else {
            Err("INVOKE_NOT_PERMITTED")
        }
    }

    /// A service principal (or an anonymous caller, `*`): the resource-based
    /// policy must name it (rule 6), unless it is not modelled.
    pub(crate) fn policy_allows(&self, f: usize, principal: &str) -> Step {
        match &self.sc.functions[f].policy {
            None => Ok(()),
            Some(allowed) => {
                if allowed.iter().any(|a| a == "*" || a == principal) {
                    Ok(())
                } else {
                    Err("INVOKE_NOT_PERMITTED")
                }
            }
        }
    }

    /// Rules 4-6: which triggers connect the source to the function, and
    /// whether one of them works.
    pub(crate) fn trigger(&mut self, from: End, f: usize) -> Step {
        let mut candidates = Vec::new();
        for (i, t) in self.sc.triggers.iter().enumerate() {
            let matches = match from {
                End::Trigger(x) => x == i,
                End::Service(s) => t.service.ix() == s,
                _ => false,
            };
            if matches && t.function.ix() == f {
                candidates.push(i);
            }
        }
        let mut first_failure = None;
        for t in candidates {
            match self.one_trigger(t) {
                Ok(()) => return Ok(()),
                Err(c) => {
                    if first_failure.is_none() {
                        first_failure = Some(c);
                    }
                }
            }
        }
        Err(first_failure.unwrap_or("NO_TRIGGER"))
    }

    pub(crate) fn one_trigger(&mut self, t: usize) -> Step {
        use awsreach_model::spec::TriggerSource as S;
        let tr = &self.sc.triggers[t];
        match tr.source {
            // Rule 4: Lambda-managed pollers in AWS's network, execution role.
            S::Sqs | S::Kinesis | S::DynamoDbStreams => Ok(()),
            // Rule 5: pollers with ENIs in every subnet of the event source.
            S::Msk | S::SelfManagedKafka | S::AmazonMq | S::DocumentDb => {
                for sub in &tr.subnets {
                    self.poller(t, sub.ix())?;
                }
                Ok(())
            }
            // A function URL called by an anonymous client: AuthType NONE
            // needs a public resource-based policy; AWS_IAM refuses unsigned
            // requests (Lambda "Control access to function URLs").
            S::FunctionUrl => match tr.auth {
                Some(awsreach_model::spec::UrlAuth::NoAuth) => {
                    self.policy_allows(tr.function.ix(), "*")
                }
                _ => Err("INVOKE_NOT_PERMITTED"),
            },
            // Rule 6: push sources invoke through the Lambda service, as their principal.
            _ => {
                let principal = self.sc.services[tr.service.ix()].principal.clone();
                self.policy_allows(tr.function.ix(), &principal)
            }
        }
    }

    pub(crate) fn poller(&mut self, t: usize, subnet: usize) -> Step {
        let tr = &self.sc.triggers[t];
        let cidr = self.sc.subnets[subnet].cidr;
        let ip = Ipv4Addr::from(u32::from(cidr.broadcast()) - 1);
        let me = Peer {
            addr: Addr::V4(ip),
            groups: &tr.security_groups,
        };
        // The poller talks to the brokers, which carry the same groups: the
        // broker port must be allowed out to and in from the groups themselves.
        let broker = Cx::new(self.sc, Protocol::Tcp, tr.port, String::new());
        let out = broker.groups_allow(&tr.security_groups, false, me);
        let inn = broker.groups_allow(&tr.security_groups, true, me);
        if !out || !inn {
            return Err("POLLER_SG_DENIED");
        }
        if tr.mode == PollerMode::Provisioned {
            return Ok(());
        }
        // Amazon MQ for RabbitMQ needs Lambda (and Secrets Manager), not STS.
        let mut needed = vec!["lambda"];
        if tr.engine != Some(awsreach_model::spec::MqEngine::RabbitMq) {
            needed.push("sts");
        }
        if tr.secrets_manager {
            needed.push("secretsmanager");
        }
        let sender = Sender {
            subnet,
            ip,
            ipv6: None,
            public_ip: None,
            groups: Some(&tr.security_groups),
            nat: None,
            transit: false,
        };
        for id in needed {
            let s = self.service_index(id);
            let action = self.sc.services[s].default_action.clone();
            let mut call = Cx::new(self.sc, Protocol::Tcp, 443, action);
            if call.api_from(sender, s).is_err() {
                return Err("POLLER_NO_PATH");
            }
        }
        Ok(())
    }
}
