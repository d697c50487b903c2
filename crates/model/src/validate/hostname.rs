//! External hosts, and their DNS names (`hostname: "api.stripe.com"`): each a valid
//! name, on one host only, and never a regional service's own name (that
//! name belongs to the service, whose DNS an interface endpoint may
//! answer). Probes may then name a host by its hostname.

use std::net::IpAddr;

use crate::scenario::{EntityKind, ExternalHost, Identity};

use super::{Validator, path};

/// The name as DNS compares it: lower-case, without the root's trailing dot.
pub fn normalize(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Why `name` is not a DNS host name, if it is not one (RFC 1123: labels of
/// letters, digits and hyphens, 1-63 characters, not starting or ending
/// with a hyphen; 253 characters in all).
pub fn problem(name: &str) -> Option<String> {
    let n = name.trim_end_matches('.');
    if n.is_empty() || n.len() > 253 {
        return Some("a host name has 1 to 253 characters".into());
    }
    for label in n.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Some(format!("label `{label}` must have 1 to 63 characters"));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Some(format!(
                "label `{label}` may hold only letters, digits and `-`"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!("label `{label}` cannot start or end with `-`"));
        }
    }
    if n.parse::<std::net::IpAddr>().is_ok() {
        return Some("an address goes in `ip`".into());
    }
    None
}

impl Validator<'_> {
    pub(super) fn external_hosts(&mut self) {
        let spec = self.spec;
        for h in &spec.external_hosts {
            if !self.declare("external_hosts", &h.id, EntityKind::ExternalHost) {
                continue;
            }
            let ip = match h.ip.as_deref().map(|t| (t, t.parse::<IpAddr>())) {
                None => None,
                Some((_, Ok(ip))) => Some(ip),
                Some((text, Err(_))) => {
                    self.invalid(
                        path("external_hosts", &h.id, "ip"),
                        &h.id,
                        "ip address",
                        text,
                        "expected e.g. 203.0.113.10".into(),
                    );
                    continue;
                }
            };
            if ip.is_none() && h.hostname.is_none() {
                self.err(
                    path("external_hosts", &h.id, "ip"),
                    &h.id,
                    crate::error::Problem::HostWithoutAddress { id: h.id.clone() },
                );
                continue;
            }
            let listen = self.listeners(&h.listen, path("external_hosts", &h.id, "listen"), &h.id);
            let hostname = h.hostname.as_deref().and_then(|name| {
                self.hostname(name, &h.id, path("external_hosts", &h.id, "hostname"))
            });
            if ip.is_none() && hostname.is_none() {
                continue; // its hostname was refused above
            }
            self.out.external_hosts.push(ExternalHost {
                name: h.id.clone(),
                ip,
                hostname,
                listen,
                identity: Identity {
                    account: None,
                    allow: None,
                },
            });
        }
    }

    /// Checks one host's `hostname`; its normalised form when valid.
    pub(super) fn hostname(&mut self, name: &str, host: &str, at: String) -> Option<String> {
        if let Some(reason) = problem(name) {
            self.invalid(
                at,
                host,
                "hostname",
                name,
                format!("{reason}, e.g. api.stripe.com"),
            );
            return None;
        }
        let norm = normalize(name);
        if let Some(svc) = self
            .out
            .services
            .iter()
            .find(|s| s.hostnames.iter().any(|n| n.matches(&norm)))
        {
            self.invalid(
                at,
                host,
                "hostname",
                name,
                format!(
                    "it is a hostname of service `{}`: probe the service by its id (and `host` for this name)",
                    svc.id
                ),
            );
            return None;
        }
        if let Some(other) = self
            .out
            .external_hosts
            .iter()
            .find(|h| h.hostname.as_deref() == Some(norm.as_str()))
        {
            let other = other.name.clone();
            self.invalid(
                at,
                host,
                "hostname",
                name,
                format!("external host `{other}` already has it"),
            );
            return None;
        }
        Some(norm)
    }

    /// True when `name` is the hostname of a declared external host or of
    /// a service: a probe may name it.
    pub(super) fn names_a_host(&self, name: &str) -> bool {
        let norm = normalize(name);
        self.spec
            .external_hosts
            .iter()
            .any(|h| h.hostname.as_deref().map(normalize).as_deref() == Some(norm.as_str()))
            || self
                .out
                .services
                .iter()
                .any(|s| s.hostnames.iter().any(|n| n.matches(&norm)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_follow_rfc_1123() {
        assert_eq!(problem("api.stripe.com"), None);
        assert_eq!(problem("API.Stripe.com."), None);
        assert_eq!(problem("x"), None);
        assert!(problem("").is_some());
        assert!(problem("a..b").is_some());
        assert!(problem("-a.b").is_some());
        assert!(problem("a_b.com").is_some());
        assert!(problem("203.0.113.5").is_some());
        assert!(problem(&"a".repeat(64)).is_some());
        assert_eq!(normalize("API.Stripe.com."), "api.stripe.com");
    }
}
