//! `awsreach import aws DIR`: turn an AWS account snapshot into a RON
//! scenario and say what was read, skipped and missing. The Terraform and
//! CloudFormation importers are further subcommands of the same shape.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use awsreach_import::{EntryKind, Imported};

use crate::load::{self, InputKind};
use crate::out::Out;
use crate::{Exit, Format};

#[derive(Debug, clap::Args)]
#[command(
    about = "Turn what you already have (an AWS account snapshot, a Terraform plan, ...) into a scenario"
)]
pub struct Args {
    #[command(subcommand)]
    pub kind: Kind,
}

#[derive(Debug, clap::Subcommand)]
pub enum Kind {
    /// An AWS account snapshot: a directory of AWS CLI JSON output (scripts/collect-aws.sh)
    #[command(after_long_help = AWS_HELP)]
    Aws(Common),
    /// A Terraform plan or state: the output of `terraform show -json`
    #[command(alias = "tf", after_long_help = TERRAFORM_HELP)]
    Terraform(TerraformArgs),
    /// A CloudFormation or SAM template (YAML or JSON), with its local nested stacks
    #[command(alias = "cfn", after_long_help = CFN_HELP)]
    Cloudformation(Common),
}

const TERRAFORM_HELP: &str = "\
The input is what `terraform show -json` prints, for a saved plan or for the
state:
  terraform plan -out plan.tfplan && terraform show -json plan.tfplan > plan.json

Ids are resource addresses (aws_subnet.private[0], module.vpc.aws_subnet.public[\"a\"]);
objects that exist outside the plan (data sources, literal ids) keep their AWS
ids. Ids AWS assigns at apply are resolved through the configuration's
references, count.index and for_each keys included; what stays unknown is
reported and declared missing, so verdicts that depend on it are unknown.

--base DIR overlays the plan on an account snapshot (awsreach import aws): the
plan's literal ids then name the account's subnets, groups and tables — \"my
account as it is, plus this change\".

Every other command also takes the plan wherever it takes a scenario:
  awsreach trace plan.json --from aws_lambda_function.worker --to secretsmanager

Examples:
  awsreach import terraform plan.json -o plan.ron
  awsreach import terraform plan.json --base ./snapshot --format json

Exit codes:
  0  imported (the report says what is missing)
  2  bad input: not JSON (file:line:col), not a plan, an unreadable base";

/// `import terraform`: the common arguments and an optional base.
#[derive(Debug, clap::Args)]
pub struct TerraformArgs {
    #[command(flatten)]
    pub common: Common,
    /// An AWS account snapshot directory the plan is applied on top of
    #[arg(long, value_name = "DIR")]
    pub base: Option<PathBuf>,
}

const CFN_HELP: &str = "\
The template's intrinsic functions are evaluated (Ref, Fn::GetAtt, Fn::Sub,
Fn::If with Conditions, Fn::Cidr, ...) with each parameter's Default, or the
value given with --param NAME=VALUE (list parameters take a,b,c). Ids are the
logical ids (nested stacks: Stack/Resource). What the template does not say
(a parameter without a value, Fn::ImportValue, a subnet created elsewhere) is
reported, and the verdicts that depend on it are unknown. Give a prefix-list
id as pl:s3 or pl:dynamodb to say whose list it is.

Every other command also takes the template wherever it takes a scenario:
  awsreach trace template.yaml --from MyFunction --to secretsmanager

Examples:
  awsreach import cloudformation scenarios/templates/sam-private-function.yaml -o network.ron
  awsreach import cloudformation template.yaml --param Env=prod --param VpcCidr=10.50.0.0/16

Exit codes:
  0  imported (the report says what is missing)
  2  bad input";

const AWS_HELP: &str = "\
The directory holds the JSON output of read-only AWS CLI calls, one file per
call (`aws ec2 describe-vpcs --output json > ec2-describe-vpcs.json`), as
scripts/collect-aws.sh writes it; files are recognised by their top-level key
(`Vpcs`, `Subnets`, `Functions`, ...), so CloudMapper's and Batfish's layouts
load too. A tree with several regions or accounts holds several scenarios:
pick one with --region, or write them all with -o DIR. The format and the
report are described in docs/snapshot-format.md.

Every other command also takes the directory wherever it takes a scenario:
  awsreach trace ./snapshot --from worker --to s3

Examples:
  awsreach import aws ./snapshot -o account.ron
  awsreach import aws ./snapshot --region us-east-1 --format json

Exit codes:
  0  imported (the report says what is missing)
  2  bad input";

/// The arguments every importer takes.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// The input (a snapshot directory for `aws`, a JSON plan for `terraform`)
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Write the RON scenario here (a directory when there are several);
    /// without it the RON goes to standard output and the report to standard error
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Format of the import report
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    match args.kind {
        Kind::Aws(c) => run_kind(InputKind::AwsSnapshot, c),
        Kind::Terraform(t) => {
            let region = crate::load::region_arg();
            let base = match &t.base {
                Some(dir) => {
                    let all = load::import(InputKind::AwsSnapshot, dir, region.as_deref())?;
                    Some(load::pick(dir, all)?.spec)
                }
                None => None,
            };
            let c = t.common;
            let result = load::import_plan(&c.input, base.as_ref())?;
            let all = load::imported(InputKind::TerraformPlan, &c.input, result)?;
            emit(&c, all)
        }
        Kind::Cloudformation(c) => run_kind(InputKind::CfnTemplate, c),
    }
}

fn run_kind(kind: InputKind, c: Common) -> anyhow::Result<Exit> {
    let region = crate::load::region_arg();
    let all = load::import(kind, &c.input, region.as_deref())?;
    emit(&c, all)
}

/// Writes the scenario(s) and the report.
fn emit(c: &Common, all: Vec<Imported>) -> anyhow::Result<Exit> {
    let report = match c.format {
        Format::Text => all.iter().map(report_text).collect::<String>(),
        Format::Json => {
            let v: Vec<_> = all
                .iter()
                .map(|i| serde_json::json!({"label": i.label, "entries": i.report.entries, "counts": counts(i)}))
                .collect();
            let mut s =
                serde_json::to_string_pretty(&serde_json::json!({"version": 1, "scenarios": v}))?;
            s.push('\n');
            s
        }
    };
    match &c.output {
        Some(out) => {
            write_scenarios(out, &all)?;
            let mut o = Out::stdout();
            o.write_str(&report)?;
            o.finish()?;
        }
        None => {
            if all.len() > 1 {
                let labels: Vec<&str> = all.iter().map(|i| i.label.as_str()).collect();
                anyhow::bail!(
                    "{} holds {} scenarios ({}); write them with -o DIR, or pick one with --region",
                    c.input.display(),
                    all.len(),
                    labels.join(", ")
                );
            }
            anstream::eprint!("{report}");
            let mut o = Out::stdout();
            o.write_str(&awsreach_model::to_ron(&all[0].spec))?;
            o.finish()?;
        }
    }
    Ok(Exit::Ok)
}

/// One file, or one file per scenario in a directory.
fn write_scenarios(out: &Path, all: &[Imported]) -> anyhow::Result<()> {
    if all.len() == 1 && !out.is_dir() {
        std::fs::write(out, awsreach_model::to_ron(&all[0].spec))
            .with_context(|| format!("cannot write {}", out.display()))?;
        return Ok(());
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create directory {}", out.display()))?;
    for imp in all {
        let name: String = imp
            .label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let file = out.join(format!("{name}.ron"));
        std::fs::write(&file, awsreach_model::to_ron(&imp.spec))
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    Ok(())
}

fn counts(i: &Imported) -> serde_json::Value {
    let r = &i.report;
    serde_json::json!({
        "read": r.count(EntryKind::Read),
        "skipped": r.count(EntryKind::Skipped),
        "missing": r.count(EntryKind::Missing),
        "warning": r.count(EntryKind::Warning),
    })
}

/// The report for people: what was read, then what was skipped, missing
/// or doubtful, each with where it came from.
pub fn report_text(i: &Imported) -> String {
    let mut s = String::new();
    let r = &i.report;
    let _ = writeln!(
        s,
        "{}: {} read, {} skipped, {} missing, {} warnings",
        i.label,
        r.count(EntryKind::Read),
        r.count(EntryKind::Skipped),
        r.count(EntryKind::Missing),
        r.count(EntryKind::Warning)
    );
    for kind in [
        EntryKind::Read,
        EntryKind::Missing,
        EntryKind::Skipped,
        EntryKind::Warning,
    ] {
        for e in r.entries.iter().filter(|e| e.kind == kind) {
            let word = match kind {
                EntryKind::Read => "read",
                EntryKind::Skipped => "skipped",
                EntryKind::Missing => "missing",
                EntryKind::Warning => "warning",
            };
            if kind == EntryKind::Read {
                let _ = writeln!(s, "  {word:<8} {}", e.message);
            } else {
                let _ = writeln!(s, "  {word:<8} {}: {} ({})", e.subject, e.message, e.source);
            }
        }
    }
    s
}
