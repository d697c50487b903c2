//! Validation of the `expect` section: each entry a probe the scenario can
//! name, with the verdict it should give.

use std::collections::HashSet;
use std::net::IpAddr;

use crate::catalog::{self};
use crate::error::{Diagnostic, Problem};
use crate::probe;
use crate::scenario::*;
use crate::spec::*;

use super::{Validator, quoted};

impl Validator<'_> {
    pub(super) fn expectations(&mut self, spec: &ScenarioSpec) {
        // What a probe can name: functions, resources, hosts, triggers,
        // catalog services, `internet`, or an address.
        let probe_kinds = [
            EntityKind::Function,
            EntityKind::Resource,
            EntityKind::ExternalHost,
            EntityKind::Trigger,
        ];
        let default_triggers: HashSet<String> =
            self.out.triggers.iter().map(|t| t.name.clone()).collect();
        for (i, e) in spec.expect.iter().enumerate() {
            for (field, id) in [("from", &e.from), ("to", &e.to)] {
                let known = self
                    .ids
                    .get(id.as_str())
                    .is_some_and(|k| probe_kinds.contains(k))
                    || default_triggers.contains(id)
                    || self.service.contains_key(id.as_str())
                    || id == "internet"
                    || id.parse::<IpAddr>().is_ok()
                    || crate::probe::function_eni(&self.out, id).is_some()
                    || crate::probe::by_alias(&self.out, id).is_some()
                    || self.names_a_host(id);
                if !known {
                    if self.diags.full() {
                        self.diags.omitted += 1;
                        continue;
                    }
                    // Probe endpoints, then the catalog's services (in
                    // catalog order) for the suggestion only.
                    let mut ids: Vec<&str> = self
                        .ids
                        .iter()
                        .filter(|(_, k)| probe_kinds.contains(k))
                        .map(|(n, _)| *n)
                        .collect();
                    ids.sort_unstable();
                    let suggestion = crate::suggest(
                        id,
                        ids.iter()
                            .copied()
                            .chain(catalog::catalog().iter().map(|c| c.id.as_str())),
                    );
                    self.err(
                        format!("expect[{i}].{field}"),
                        id,
                        Problem::UnknownRef {
                            kind: "probe endpoint",
                            id: quoted(id),
                            known: ids.iter().take(12).map(|s| s.to_string()).collect(),
                            more: ids.len().saturating_sub(12),
                            suggestion,
                        },
                    );
                }
            }
        }
        // What `check` will run: the probe must mean something (the same
        // definition the engine applies, `probe::meaning`), else validation
        // would pass a file that `check` cannot run.
        for (i, e) in spec.expect.iter().enumerate() {
            let (Some(from), Some(to)) = (
                probe::resolve(&self.out, &e.from),
                probe::resolve(&self.out, &e.to),
            ) else {
                continue; // reported above
            };
            let ask = probe::Ask {
                kind: None,
                protocol: e.protocol,
                port: e.port,
                ipv6: e.ip_version == Some(6),
            };
            if let Some(host) = &e.host
                && let Err(r) = probe::service_host(&self.out, to, host)
            {
                self.diags.push(Diagnostic {
                    path: format!("expect[{i}].host"),
                    entity: None,
                    problem: Problem::ProbeRefused {
                        from: e.from.clone(),
                        to: e.to.clone(),
                        reason: r.to_string(),
                    },
                });
            }
            if let Err(r) = probe::meaning(&self.out, from, to, ask, None) {
                self.diags.push(Diagnostic {
                    path: format!("expect[{i}]"),
                    entity: None,
                    problem: Problem::ProbeRefused {
                        from: e.from.clone(),
                        to: e.to.clone(),
                        reason: r.to_string(),
                    },
                });
            }
        }
        for (i, e) in spec.expect.iter().enumerate() {
            if let Some(v) = e.ip_version.filter(|v| *v != 4 && *v != 6) {
                self.invalid(
                    format!("expect[{i}].ip_version"),
                    &e.from,
                    "ip version",
                    &v.to_string(),
                    "4 or 6".into(),
                );
            }
            self.out.expectations.push(Expectation {
                from: e.from.clone(),
                to: e.to.clone(),
                port: e.port,
                protocol: e.protocol,
                ip_version: e.ip_version,
                expect: e.expect,
                host: e.host.clone(),
                code: e.code.clone(),
                note: e.note.clone(),
            });
        }
    }
}
