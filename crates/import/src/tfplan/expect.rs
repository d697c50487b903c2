//! Expectations written in Terraform: an output named `awsreach_expect`
//! whose value is a list of `{from, to, expect, port?, protocol?, code?,
//! note?}` objects becomes the scenario's `expect` entries, so
//! `awsreach check plan.json` pins what a change must keep reachable (or
//! blocked) in the same repository as the change:
//!
//! ```hcl
//! output "awsreach_expect" {
//!   value = [
//!     { from = "aws_lambda_function.worker", to = "secretsmanager", expect = "reachable" },
//!     { from = "aws_lambda_function.worker", to = "internet", expect = "blocked" },
//!   ]
//! }
//! ```

use awsreach_model::spec::{Expect, ExpectationSpec, Protocol};
use serde_json::Value;

use super::Builder;
use super::graph::Doc;
use crate::report::EntryKind;

/// The output's name.
pub const OUTPUT: &str = "awsreach_expect";

pub(super) fn map(b: &mut Builder, doc: &Doc) {
    let Some(list) = [&doc.planned_values, &doc.values]
        .into_iter()
        .flatten()
        .find_map(|v| v.pointer(&format!("/outputs/{OUTPUT}/value")))
    else {
        return;
    };
    let src = format!("{}: output.{OUTPUT}", b.file);
    let Some(items) = list.as_array() else {
        b.report.push(
            EntryKind::Warning,
            src,
            OUTPUT,
            "the output's value is not a list of {from, to, expect} objects: ignored",
        );
        return;
    };
    for (k, item) in items.iter().enumerate() {
        match entry(item) {
            Ok(e) => b.spec.expect.push(e),
            Err(why) => b.report.push(
                EntryKind::Warning,
                src.clone(),
                format!("{OUTPUT}[{k}]"),
                format!("{why}: this expectation is left out"),
            ),
        }
    }
    let n = b.spec.expect.len();
    if n > 0 {
        b.report.push(
            EntryKind::Read,
            b.file,
            OUTPUT,
            format!("{n} expectations (output.{OUTPUT})"),
        );
    }
}

fn entry(v: &Value) -> Result<ExpectationSpec, String> {
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let from = text("from").ok_or("`from` is missing")?;
    let to = text("to").ok_or("`to` is missing")?;
    let expect = match text("expect")
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("reachable") => Expect::Reachable,
        Some("blocked") => Expect::Blocked,
        other => {
            return Err(format!(
                "`expect` is {}, not \"reachable\" or \"blocked\"",
                other.map_or("missing".to_string(), |o| format!("\"{o}\""))
            ));
        }
    };
    let port = match v.get("port") {
        None | Some(Value::Null) => None,
        Some(p) => {
            let n = p
                .as_u64()
                .or_else(|| p.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(|| format!("`port` {p} is not a number"))?;
            Some(u16::try_from(n).map_err(|_| format!("`port` {n} is not a port"))?)
        }
    };
    let protocol = match text("protocol") {
        None => None,
        Some(p) => match Protocol::parse(&p) {
            Some(x @ (Protocol::Tcp | Protocol::Udp | Protocol::Icmp)) => Some(x),
            _ => return Err(format!("`protocol` \"{p}\" is not tcp, udp or icmp")),
        },
    };
    Ok(ExpectationSpec {
        ip_version: None,
        from,
        to,
        port,
        protocol,
        expect,
        host: text("host"),
        code: text("code"),
        note: text("note"),
    })
}
