//! awsreach importers: turn what users already have — an AWS account
//! snapshot (`describe-*` JSON), a Terraform plan (`terraform show -json`),
//! a CloudFormation/SAM template — into the model's [`ScenarioSpec`], with a
//! [`Report`] of what was read, skipped and missing.
//!
//! No I/O: the caller reads the files and hands in their text
//! ([`InputFile`]). Importers know nothing of the simulator.
//!
//! "Rule N" in comments is rule N of `docs/aws-rules.md` (ARCHITECTURE.md,
//! "Where each rule lives", indexes the code of each rule).

pub mod aws;
pub mod cfn;
mod mq;
pub mod report;
pub mod tfplan;

pub use awsreach_model::ScenarioSpec;
pub use report::{Entry, EntryKind, ImportError, Imported, Report};

/// One input file as the caller read it: the path as the user should see
/// it in messages, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: String,
    pub text: String,
}
