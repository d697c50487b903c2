//! Invoke permission (rule 20): who may call `lambda:InvokeFunction` on a
//! function, from the caller's IAM identity (its account and what its role
//! allows, the scenario's `identities`) and the function's resource-based
//! policy.

use awsreach_model::*;

use super::*;
use crate::fix::Fix;
use crate::hop::{Denial, Grant, Principal, principal_name};

const INVOKE: &str = "lambda:InvokeFunction";

/// The IAM identity behind a principal; `None` for a service principal and
/// an anonymous caller.
fn identity_of(sc: &Scenario, p: Principal) -> Option<&Identity> {
    match p {
        Principal::Resource(r) => Some(&sc.resources[r.ix()].identity),
        Principal::Function(f) => Some(&sc.functions[f.ix()].identity),
        Principal::Host(h) => Some(&sc.external_hosts[h.ix()].identity),
        Principal::Any | Principal::Service(_) => None,
    }
}

/// Rule 20 (IAM "Policy evaluation logic", "Cross-account policy evaluation
/// logic" and "AWS JSON policy elements: Principal"; Lambda "Granting
/// Lambda function access to other accounts":
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
/// https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html).
/// Within the function's account an allow in the caller's identity-based
/// policy or in the function's resource-based policy is enough; another
/// account needs both; a service principal or a caller with no AWS
/// identity needs the resource-based policy. A policy entry naming an
/// account delegates to that account's identity-based policies, so in the
/// function's own account it grants nothing the caller's role does not.
/// `Ok(None)`: nothing modelled decides (no resource-based policy, and a
/// role that is not described); an absent resource-based policy grants
/// what one could.
pub(crate) fn permission(
    sc: &Scenario,
    f: FunctionId,
    p: Principal,
) -> Result<Option<Grant>, Denial> {
    let func = &sc.functions[f.ix()];
    let policy = func.policy.as_deref();
    // None: no resource-based policy; Some(None): one that names no match.
    let entry = |hit: &dyn Fn(&str) -> bool| -> Option<Option<u32>> {
        policy.map(|l| l.iter().position(|a| hit(a)).map(|i| i as u32))
    };
    let resource_only = |found: Option<Option<u32>>| match found {
        None => Ok(None),
        Some(Some(entry)) => Ok(Some(Grant::Policy { entry })),
        Some(None) => Err(Denial {
            resource: true,
            identity: false,
            either: false,
        }),
    };
    let name = principal_name(sc, p);
    let Some(id) = identity_of(sc, p) else {
        return resource_only(entry(&|a| a == "*" || a == name));
    };
    let Some(account) = &id.account else {
        // No AWS identity: an anonymous client, unless the policy names it.
        return resource_only(entry(&|a| a == "*" || a == name));
    };
    let same = func.identity.account.as_ref() == Some(account);
    let account_id = match account {
        Account::Home => sc.account.as_deref(),
        Account::Other(a) => Some(a.as_str()),
    };
    let named = entry(&|a| {
        a == "*"
            || a == name
            || (!same
                && account_id.is_some()
                && awsreach_model::validate::policy_account(a) == account_id)
    });
    let role = id.allows(INVOKE);
    if same {
        return match named {
            Some(Some(entry)) => Ok(Some(Grant::Policy { entry })),
            None if id.allow.is_none() => Ok(None),
            _ if role => Ok(Some(Grant::Identity {
                declared: id.allow.is_some(),
            })),
            _ => Err(Denial {
                resource: named.is_some(),
                identity: true,
                either: true,
            }),
        };
    }
    match (role, named) {
        (true, None) => Ok(None),
        (true, Some(Some(entry))) => Ok(Some(Grant::Policy { entry })),
        (role, named) => Err(Denial {
            resource: named == Some(None),
            identity: !role,
            either: false,
        }),
    }
}

impl<'e, S: Sink> Walk<'e, S> {
    /// The INVOKE_NOT_PERMITTED block for a denial, with the policy entry,
    /// the role's action, or (another account) both to add.
    pub(crate) fn invoke_denied(&mut self, f: FunctionId, p: Principal, d: Denial) -> Block {
        let at = At::InvokeDenied {
            function: f,
            principal: p,
            denial: d,
        };
        self.block(Code::InvokeNotPermitted, HopKind::LambdaService, at, |w| {
            let func = w.sc.functions[f.ix()].name.clone();
            let principal = principal_name(w.sc, p).to_string();
            let other_account = !d.either
                && identity_of(w.sc, p).is_some_and(|i| i.account.is_some());
            let why = match (d.resource, d.identity, d.either) {
                (true, true, true) => format!(
                    "{principal} is in the account of {func}, where an allow in either its identity-based policy or the function's resource-based policy is enough, but neither allows lambda:InvokeFunction"
                ),
                (false, true, true) => format!(
                    "{principal} is in the account of {func}, whose resource-based policy is not modelled, and its identity-based policy does not allow lambda:InvokeFunction"
                ),
                (true, false, _) if other_account => format!(
                    "{principal} is in another account than {func}: a cross-account call needs the function's resource-based policy to allow it, and it does not"
                ),
                (true, false, _) => format!(
                    "the resource-based policy of {func} does not allow {principal} to call lambda:InvokeFunction"
                ),
                (false, true, _) => format!(
                    "{principal} is in another account than {func}: a cross-account call needs its own identity-based policy to allow lambda:InvokeFunction, and it does not"
                ),
                _ => format!(
                    "{principal} is in another account than {func}: a cross-account call needs both its identity-based policy and the function's resource-based policy to allow lambda:InvokeFunction, and neither does"
                ),
            };
            let res = Fix::AllowInvoke {
                function: func,
                principal: principal.clone(),
            };
            let idn = Fix::AllowIdentityAction {
                of: principal,
                action: INVOKE.to_string(),
            };
            let fixes = match (d.resource, d.identity, d.either) {
                (true, true, true) => vec![Remedy::one(res), Remedy::one(idn)],
                (true, true, false) => vec![Remedy {
                    steps: vec![res, idn],
                }],
                (true, false, _) => vec![Remedy::one(res)],
                (false, true, _) => vec![Remedy::one(idn)],
                (false, false, _) => Vec::new(),
            };
            (why, fixes)
        })
    }
}
