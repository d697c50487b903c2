//! Validation of Lambda triggers (event source mappings and pollers).

use std::collections::HashSet;

use crate::error::Problem;
use crate::scenario::*;
use crate::spec::MissingKind;

use super::Validator;

impl Validator<'_> {
    pub(super) fn triggers(&mut self) {
        let spec = self.spec;
        let (fn_map, subnet_map) = (self.function.clone(), self.subnet.clone());
        let mut default_names = HashSet::new();
        for (i, t) in spec.triggers.iter().enumerate() {
            let name =
                t.id.clone()
                    .unwrap_or_else(|| format!("{}->{}", t.source.service_id(), t.function));
            let list_at = format!("triggers[{i}]");
            // Unnamed triggers are known by `<service>-><function>`; two of
            // them with the same source and function would be indistinguishable.
            if t.id.is_none() && !default_names.insert(name.clone()) {
                self.err(
                    list_at.clone(),
                    &name,
                    Problem::DuplicateId {
                        id: name.clone(),
                        other:
                            "another trigger with the same source and function; give each an `id`"
                                .into(),
                    },
                );
                continue;
            }
            if t.id.is_some()
                && !self.declare(
                    "triggers",
                    t.id.as_deref().unwrap_or_default(),
                    EntityKind::Trigger,
                )
            {
                continue;
            }
            let Some(function) = self.resolve(
                &fn_map,
                EntityKind::Function,
                &t.function,
                format!("{list_at}.function"),
                &name,
            ) else {
                continue;
            };
            let Some(service) = self.service.get(t.source.service_id()).copied() else {
                continue;
            };
            self.out.services[service.ix()].declared = true;
            let mut subnets = Vec::new();
            let mut security_groups = Vec::new();
            if t.source.polls_in_vpc() {
                let unknown =
                    t.id.as_deref()
                        .is_some_and(|id| self.listed_missing(id, MissingKind::Placement));
                if (t.subnets.is_empty() || t.security_groups.is_empty()) && !unknown {
                    self.err(
                        format!("{list_at}.subnets"),
                        &name,
                        Problem::TriggerNeedsVpc {
                            source_kind: format!("{:?}", t.source),
                        },
                    );
                }
                let mut vpc: Option<VpcId> = None;
                for s in &t.subnets {
                    if let Some(sub) = self.resolve(
                        &subnet_map,
                        EntityKind::Subnet,
                        s,
                        format!("{list_at}.subnets"),
                        &name,
                    ) {
                        let sv = self.out.subnets[sub.ix()].vpc;
                        if let Some(v) = vpc
                            && !self.same_vpc(
                                "subnet",
                                s,
                                sv,
                                v,
                                format!("{list_at}.subnets"),
                                &name,
                            )
                        {
                            continue;
                        }
                        vpc = Some(sv);
                        subnets.push(sub);
                    }
                }
                if let Some(v) = vpc
                    && !t.security_groups.is_empty()
                {
                    security_groups = self.sg_list(&t.security_groups, v, "triggers", &name);
                }
            }
            // Rule 21: provisioned poller mode exists only for MSK,
            // self-managed Kafka and SQS; AWS rejects it elsewhere.
            if t.mode == crate::spec::PollerMode::Provisioned && !t.source.has_provisioned_mode() {
                self.err(
                    format!("{list_at}.mode"),
                    &name,
                    Problem::ProvisionedModeUnsupported {
                        source_kind: format!("{:?}", t.source),
                    },
                );
            }
            // The broker engine belongs to Amazon MQ triggers only.
            let mq = t.source == crate::spec::TriggerSource::AmazonMq;
            if t.engine.is_some() && !mq {
                self.err(
                    format!("{list_at}.engine"),
                    &name,
                    Problem::EngineNotMq {
                        source_kind: format!("{:?}", t.source),
                    },
                );
            }
            // An engine given and listed as missing: which is it?
            if mq && t.engine.is_some() && self.listed_missing(&name, MissingKind::Engine) {
                self.err(
                    format!("{list_at}.engine"),
                    &name,
                    Problem::MissingButGiven {
                        what: MissingKind::Engine.name(),
                        id: name.clone(),
                        field: "engine",
                    },
                );
            }
            if t.auth.is_some() && t.source != crate::spec::TriggerSource::FunctionUrl {
                self.err(
                    format!("{list_at}.auth"),
                    &name,
                    Problem::AuthNotUrl {
                        source_kind: format!("{:?}", t.source),
                    },
                );
            }
            self.out.triggers.push(Trigger {
                name,
                source: t.source,
                service,
                function,
                subnets,
                security_groups,
                port: t.port.unwrap_or(t.source.default_port()),
                mode: t.mode,
                secrets_manager: t.secrets_manager,
                engine: mq.then(|| t.engine.unwrap_or_default()),
                auth: (t.source == crate::spec::TriggerSource::FunctionUrl)
                    .then(|| t.auth.unwrap_or_default()),
            });
        }
    }
}
