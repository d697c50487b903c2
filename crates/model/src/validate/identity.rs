//! Who callers are to IAM (rule 20, docs/aws-rules.md): the scenario's
//! `account`, the `identities` section (the account of a resource, function
//! or external host, and what its identity-based policy allows), and the
//! principals a function's resource-based policy names.

use crate::error::Problem;
use crate::scenario::{Account, EntityKind, Identity};

use super::{Validator, path};

/// A 12-digit AWS account id.
fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account a resource-based policy entry names: `"123456789012"` or
/// `"arn:aws:iam::123456789012:root"` (any principal of that account).
pub fn policy_account(entry: &str) -> Option<&str> {
    let id = entry
        .strip_prefix("arn:aws:iam::")
        .and_then(|r| r.strip_suffix(":root"))
        .unwrap_or(entry);
    is_account_id(id).then_some(id)
}

impl Validator<'_> {
    pub(super) fn identities(&mut self) {
        let spec = self.spec;
        if let Some(a) = &spec.account
            && !is_account_id(a)
        {
            self.invalid(
                "account".into(),
                a,
                "account id",
                a,
                "an AWS account id is 12 digits, e.g. \"111122223333\"".into(),
            );
        }
        self.out.account = spec.account.clone().filter(|a| is_account_id(a));
        let mut seen = std::collections::HashSet::new();
        for (i, idn) in spec.identities.iter().enumerate() {
            let at = |field: &str| format!("identities[{i}].{field}");
            if !seen.insert(idn.of.as_str()) {
                self.err(
                    at("of"),
                    &idn.of,
                    Problem::DuplicateId {
                        id: idn.of.clone(),
                        other: "another identities entry; give each caller one".into(),
                    },
                );
                continue;
            }
            let account = match &idn.account {
                None => Account::Home,
                Some(a) if !is_account_id(a) => {
                    self.invalid(
                        at("account"),
                        &idn.of,
                        "account id",
                        a,
                        "an AWS account id is 12 digits, e.g. \"111122223333\"".into(),
                    );
                    continue;
                }
                Some(a) if self.out.account.as_ref() == Some(a) => Account::Home,
                Some(a) => Account::Other(a.clone()),
            };
            let identity = Identity {
                account: Some(account),
                allow: idn.allow.clone(),
            };
            // An entity declared but left out for its own errors has no
            // index: its error is reported already (found by `awsreach fuzz`
            // on mangled files).
            match self.ids.get(idn.of.as_str()).copied() {
                Some(EntityKind::Resource) => {
                    if let Some(r) = self.resource.get(idn.of.as_str()) {
                        self.out.resources[r.ix()].identity = identity;
                    }
                }
                Some(EntityKind::Function) => {
                    if let Some(f) = self.function.get(idn.of.as_str()) {
                        self.out.functions[f.ix()].identity = identity;
                    }
                }
                Some(EntityKind::ExternalHost) => {
                    if let Some(h) = self.out.external_hosts.iter_mut().find(|h| h.name == idn.of)
                    {
                        h.identity = identity;
                    }
                }
                Some(other) => self.invalid(
                    at("of"),
                    &idn.of,
                    "identity",
                    &idn.of,
                    format!(
                        "`{}` is a {}; identities belong to callers: resources, functions and external hosts",
                        idn.of,
                        other.noun()
                    ),
                ),
                None => self.invalid(
                    at("of"),
                    &idn.of,
                    "identity",
                    &idn.of,
                    "expected the id of a resource, function or external host".into(),
                ),
            }
        }
        // Principals are checked once every caller is known.
        for f in &spec.functions {
            let Some(p) = &f.policy else { continue };
            for who in &p.allow {
                let known = who == "*"
                    || who.ends_with(".amazonaws.com")
                    || policy_account(who).is_some()
                    || matches!(
                        self.ids.get(who.as_str()),
                        Some(
                            EntityKind::Resource | EntityKind::Function | EntityKind::ExternalHost
                        )
                    );
                if !known {
                    self.invalid(
                        path("functions", &f.id, "policy.allow"),
                        &f.id,
                        "principal",
                        who,
                        "expected \"*\", a service principal such as \"events.amazonaws.com\", an account id (\"111122223333\" or \"arn:aws:iam::111122223333:root\"), or the id of a resource, function or external host".into(),
                    );
                }
            }
        }
    }
}
