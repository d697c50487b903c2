//! Second names (`name: "web-1"` on a resource or function, an AWS `Name`
//! tag): each one is another id for probes and `expect` entries, so it must
//! not be an id, another entity's name, `internet`, an address or a DNS name
//! the scenario knows. A name equal to the entity's own id adds nothing and
//! is accepted.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::catalog;
use crate::error::Problem;
use crate::probe;

use super::{Validator, path};

impl Validator<'_> {
    pub(super) fn aliases(&mut self) {
        let spec = self.spec;
        let named = spec
            .resources
            .iter()
            .map(|r| ("resources", &r.id, &r.name))
            .chain(spec.functions.iter().map(|f| ("functions", &f.id, &f.name)));
        let mut taken: HashMap<&str, (&str, &str)> = HashMap::new();
        for (list, id, name) in named {
            let Some(name) = name.as_deref() else {
                continue;
            };
            if name == id {
                continue;
            }
            let at = path(list, id, "name");
            if name.is_empty() {
                self.err(at, id, Problem::Empty { what: "a name" });
                continue;
            }
            let len = name.chars().count();
            if len > crate::MAX_ID_LEN {
                self.err(
                    at,
                    id,
                    Problem::IdTooLong {
                        id: super::quoted(name),
                        len,
                        max: crate::MAX_ID_LEN,
                    },
                );
                continue;
            }
            let other = if let Some(kind) = self.ids.get(name) {
                Some(format!("the {} of that id", kind.noun()))
            } else if catalog::lookup(name).is_some() {
                Some("the catalog service of that id".to_string())
            } else if name == "internet" {
                Some("the internet".to_string())
            } else if name.parse::<IpAddr>().is_ok() {
                Some("the address it spells (probes may name any address)".to_string())
            } else if name.contains('@') {
                Some("the `function@subnet` form of a function's interface".to_string())
            } else if probe::by_hostname(&self.out, name).is_some() {
                Some("the DNS name it spells".to_string())
            } else if let Some((l, other_id)) = taken.get(name) {
                Some(format!("{} `{other_id}` ({l})", "the name of"))
            } else {
                None
            };
            if let Some(other) = other {
                self.err(
                    at,
                    id,
                    Problem::NameTaken {
                        name: super::quoted(name),
                        other,
                    },
                );
                continue;
            }
            taken.insert(name, (list, id));
            if list == "resources" {
                if let Some(&r) = self.resource.get(id.as_str()) {
                    self.out.resources[r.ix()].alias = Some(name.to_string());
                }
            } else if let Some(&f) = self.function.get(id.as_str()) {
                self.out.functions[f.ix()].alias = Some(name.to_string());
            }
        }
    }
}
