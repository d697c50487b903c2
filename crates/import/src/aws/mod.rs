//! AWS account snapshots: a directory of `aws <service> <call> --output
//! json` files (or boto3's equivalent), dispatched on their top-level key,
//! never on file names, so both common layouts load:
//!
//! - CloudMapper style: `<account>/<region>/ec2-describe-vpcs.json`, with
//!   per-item calls in sub-folders (`ec2-describe-vpc-attribute/…`,
//!   `lambda-get-policy/…`);
//! - Batfish style: `aws_configs/[<region>/]Vpcs.json`, with extra keys
//!   such as `ResponseMetadata`.
//!
//! Every folder that holds calls (per-item call sub-folders belong to their
//! parent) is one scenario: several regions or accounts in one tree are
//! several scenarios. The format and the report are documented in
//! `docs/snapshot-format.md`.

mod build;
mod compute;
mod dump;
mod mq;
mod names;
mod network;
mod routing;
pub mod synth;
mod transit;
mod value;

use std::collections::BTreeMap;

use crate::InputFile;
use crate::report::{EntryKind, ImportError, Imported, Report};

pub use dump::{Call, call_of};

/// What to import from a snapshot tree.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Keep only the scenarios of this region.
    pub region: Option<String>,
}

/// Imports every scenario of a snapshot tree. `files` are every file of
/// the tree, with paths relative to its root (`us-east-1/Vpcs.json`); a file
/// that is not JSON (by its name) is reported as skipped and its text is
/// never looked at.
///
/// Errors: malformed JSON (with its line and column), or nothing to import.
/// Everything else (unknown shapes, dangling references, data AWS would not
/// produce) is a report entry.
pub fn import(files: &[InputFile], opts: &Options) -> Result<Vec<Imported>, ImportError> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut stray = Report::default();
    for (i, f) in files.iter().enumerate() {
        if !f.path.ends_with(".json") {
            stray.push(
                EntryKind::Skipped,
                &f.path,
                "file",
                "not a JSON file; a snapshot holds the JSON output of AWS CLI calls",
            );
            continue;
        }
        groups.entry(group_of(&f.path)).or_default().push(i);
    }
    let mut out = Vec::new();
    for (group, members) in &groups {
        let mut report = Report::default();
        let mut dump = dump::Dump::default();
        for &i in members {
            let f = &files[i];
            let value: serde_json::Value =
                serde_json::from_str(&f.text).map_err(|e| ImportError::Syntax {
                    path: f.path.clone(),
                    line: e.line().max(1),
                    col: e.column().max(1),
                    message: e.to_string().split(" at line ").next().unwrap_or("").into(),
                })?;
            dump.add(&f.path, value, &mut report);
        }
        if dump.is_empty() {
            // Only unknown shapes here: their warnings go with every scenario.
            stray.entries.append(&mut report.entries);
            continue;
        }
        let region = region_of(group).or_else(|| dump.region_from_zones());
        if let (Some(want), Some(have)) = (&opts.region, &region)
            && want != have
        {
            continue;
        }
        if opts.region.is_some() && region.is_none() {
            continue;
        }
        let label = if group.is_empty() {
            region.clone().unwrap_or_else(|| ".".into())
        } else {
            group.clone()
        };
        let (spec, mut report2) = build::build(&dump, region.as_deref(), &label);
        report.entries.append(&mut report2.entries);
        out.push(Imported {
            label,
            spec,
            report,
        });
    }
    if out.is_empty() {
        let known: Vec<String> = groups.keys().filter_map(|g| region_of(g)).collect();
        return Err(ImportError::Empty(match &opts.region {
            Some(r) if !known.is_empty() => format!(
                "no scenario for region {r} in the snapshot (regions found: {})",
                known.join(", ")
            ),
            Some(r) => format!("no scenario for region {r} in the snapshot"),
            None => "no AWS CLI output found: expected JSON files such as \
                     ec2-describe-vpcs.json or Vpcs.json (top-level key `Vpcs`)"
                .into(),
        }));
    }
    for imp in &mut out {
        imp.report.entries.extend(stray.entries.iter().cloned());
    }
    Ok(out)
}

/// The folder a file's scenario is named after: its own folder, or its
/// parent's when the folder is a per-item call (`lambda-get-policy`).
fn group_of(path: &str) -> String {
    let mut parts: Vec<&str> = path.split(['/', '\\']).collect();
    parts.pop();
    if parts.last().is_some_and(|d| call_of(d).is_some()) {
        parts.pop();
    }
    parts.join("/")
}

/// The last path component that names a region (`us-east-1`, `eu-west-3`,
/// `us-gov-west-1`).
pub fn region_of(path: &str) -> Option<String> {
    path.split(['/', '\\'])
        .rfind(|p| is_region(p))
        .map(str::to_string)
}

/// `xx-word-N` or `xx-gov-word-N`, lower case.
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let n = parts.len();
    (3..=4).contains(&n)
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..n - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && !parts[n - 1].is_empty()
        && parts[n - 1].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests;
