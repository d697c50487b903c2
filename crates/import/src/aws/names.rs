//! `Name` tags as second names: an instance or a standalone network
//! interface is imported under its AWS id, with its `Name` tag as `name`, so
//! `--from web-1` works where `--from i-0abc...` does. A tag that could not
//! serve as a name (two entities share it, it is an id, an address, ...)
//! is dropped with a warning, never guessed between.

use std::collections::HashMap;
use std::net::IpAddr;

use serde_json::Value;

use super::build::Ctx;
use super::value::{arr, s};

/// The value of the `Name` tag in a `Tags`/`TagSet` list.
pub fn name_tag(v: &Value, key: &str) -> Option<String> {
    arr(v, key)
        .iter()
        .find(|t| s(t, "Key") == Some("Name"))
        .and_then(|t| s(t, "Value"))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// Drops the names that would not be unique second ids, with a warning each.
pub fn settle(cx: &mut Ctx) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for r in &cx.spec.resources {
        if let Some(n) = &r.name {
            *count.entry(n.clone()).or_default() += 1;
        }
    }
    let ids = cx.ids.clone();
    let functions: Vec<String> = cx.spec.functions.iter().map(|f| f.id.clone()).collect();
    let mut dropped = Vec::new();
    for r in &mut cx.spec.resources {
        let Some(n) = r.name.clone() else { continue };
        if n == r.id {
            r.name = None;
            continue;
        }
        let why = if count[&n] > 1 {
            Some(format!("{} resources share it", count[&n]))
        } else if ids.contains(&n) || functions.contains(&n) {
            Some("it is the id of something else".to_string())
        } else if awsreach_model::catalog::lookup(&n).is_some() || n == "internet" {
            Some("it names a service".to_string())
        } else if n.parse::<IpAddr>().is_ok() || n.contains('@') || n.contains('.') {
            Some("it reads as an address, a DNS name or a function interface".to_string())
        } else if n.chars().count() > awsreach_model::MAX_ID_LEN {
            Some("it is too long".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            r.name = None;
            dropped.push((r.id.clone(), n, why));
        }
    }
    for (id, n, why) in dropped {
        cx.warn(
            "Name tags",
            &id,
            format!("Name tag \"{n}\" not usable as a name ({why}); use the id"),
        );
    }
}
