//! The import report: what was read, what was skipped and why, what is
//! missing. Nothing a user gave is silently dropped: every input that does
//! not become part of the scenario has an entry here.

use serde::Serialize;

use awsreach_model::ScenarioSpec;

/// One scenario produced by an importer (one per region or account of a
/// snapshot tree; one per plan or template) and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// What this scenario covers, e.g. `123456789012/us-east-1` or the
    /// template's file name.
    pub label: String,
    pub spec: ScenarioSpec,
    pub report: Report,
}

/// What an import did with its input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub kind: EntryKind,
    /// Where it came from: a file, with a JSON pointer or resource address
    /// when one helps (`ec2-describe-vpcs.json#/Vpcs/2`,
    /// `plan.json: aws_subnet.private[0]`).
    pub source: String,
    /// What it is about (an AWS id, a resource address, a call).
    pub subject: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// Read into the scenario (counts per call or resource kind).
    Read,
    /// Present in the input but not modelled (a resource kind awsreach does
    /// not know, such as a VPN gateway); named so nothing is silently dropped.
    Skipped,
    /// Referenced but absent from the input; verdicts that depend on it are
    /// `unknown`.
    Missing,
    /// Read, but adjusted or doubtful (a quirk of the input, an ambiguity).
    Warning,
}

impl Report {
    pub fn push(
        &mut self,
        kind: EntryKind,
        source: impl Into<String>,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.entries.push(Entry {
            kind,
            source: source.into(),
            subject: subject.into(),
            message: message.into(),
        });
    }

    pub fn count(&self, kind: EntryKind) -> usize {
        self.entries.iter().filter(|e| e.kind == kind).count()
    }
}

/// An input the importer cannot use at all. Anything less is a report entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Malformed JSON or YAML, with the 1-based position of the error.
    #[error("{path}:{line}:{col}: {message}")]
    Syntax {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    /// The file is well-formed but is not what the importer reads.
    #[error("{path}: {message}")]
    NotThisKind { path: String, message: String },
    /// Nothing to import (an empty directory, no known call in it).
    #[error("{0}")]
    Empty(String),
}
