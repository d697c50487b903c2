//! What a command's input is (a RON scenario, an AWS snapshot folder, a
//! Terraform plan, a CloudFormation template) and importing the non-RON
//! kinds into a scenario.

use std::path::Path;

use anyhow::Context;

use awsreach_model::{ScenarioSpec, Severity};

use super::{Message, Reported, Source};

/// What a command's input is. Every command that takes a scenario file
/// takes any of these; [`InputKind::detect`] decides from the path (and,
/// for JSON files, the first bytes of the content), never from a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A RON scenario (`.ron`, standard input, or anything unrecognised).
    Ron,
    /// A directory of AWS CLI `describe-*`/`list-*` JSON output
    /// (`awsreach import aws`).
    AwsSnapshot,
    /// `terraform show -json` output (`awsreach import terraform`).
    TerraformPlan,
    /// A CloudFormation or SAM template, YAML or JSON (`awsreach import cfn`).
    CfnTemplate,
}

impl InputKind {
    pub fn detect(path: &Path) -> InputKind {
        if path.is_dir() {
            return InputKind::AwsSnapshot;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" | "template" | "cform" => InputKind::CfnTemplate,
            "json" => {
                // Peek: a plan has `format_version` and planned/prior values;
                // a template has `Resources` or `AWSTemplateFormatVersion`.
                let head: String = std::fs::read_to_string(path)
                    .map(|t| t.chars().take(64 * 1024).collect())
                    .unwrap_or_default();
                if head.contains("\"format_version\"")
                    && (head.contains("\"planned_values\"")
                        || head.contains("\"values\"")
                        || head.contains("\"terraform_version\""))
                {
                    InputKind::TerraformPlan
                } else if head.contains("\"AWSTemplateFormatVersion\"")
                    || head.contains("\"Resources\"")
                {
                    InputKind::CfnTemplate
                } else {
                    // One call's output (`Vpcs.json`) is a one-file snapshot.
                    InputKind::AwsSnapshot
                }
            }
            _ => InputKind::Ron,
        }
    }

    /// The `awsreach import` subcommand for this kind.
    pub fn command(self) -> &'static str {
        match self {
            InputKind::Ron => "validate",
            InputKind::AwsSnapshot => "import aws",
            InputKind::TerraformPlan => "import terraform",
            InputKind::CfnTemplate => "import cloudformation",
        }
    }
}

/// A directory is an AWS snapshot when it holds JSON files and no RON
/// scenario (searched recursively), so `check scenarios/` still walks a
/// folder of scenarios.
pub fn is_snapshot_dir(dir: &Path) -> bool {
    fn scan(dir: &Path, json: &mut bool, depth: usize) -> bool {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return true;
        };
        for e in rd.filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                if depth < 6 && !scan(&p, json, depth + 1) {
                    return false;
                }
            } else if p.extension().is_some_and(|x| x == "ron") {
                return false;
            } else if p.extension().is_some_and(|x| x == "json") {
                *json = true;
            }
        }
        true
    }
    let mut json = false;
    scan(dir, &mut json, 0) && json
}

static REGION: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Sets the global `--region` (once, from `main`): which region of a
/// snapshot tree with several to load.
pub fn set_region(region: Option<String>) {
    let _ = REGION.set(region);
}

/// The global `--region`, if given.
pub fn region_arg() -> Option<String> {
    REGION.get().cloned().flatten()
}

/// Runs the importer of `kind` on `path`: every scenario it yields, with
/// its report. Malformed input is reported `file:line:col` (exit 2).
pub fn import(
    kind: InputKind,
    path: &Path,
    region: Option<&str>,
) -> anyhow::Result<Vec<awsreach_import::Imported>> {
    let result = match kind {
        InputKind::AwsSnapshot => {
            let files = snapshot_files(path)?;
            let opts = awsreach_import::aws::Options {
                region: region.map(str::to_string),
            };
            awsreach_import::aws::import(&files, &opts)
        }
        InputKind::TerraformPlan => import_plan(path, None)?,
        InputKind::CfnTemplate => import_cfn(path, region)?,
        InputKind::Ron => anyhow::bail!("{}: a RON scenario is not imported", path.display()),
    };
    imported(kind, path, result)
}

/// An importer's result for a command: malformed input is reported
/// `file:line:col` (exit 2), a file of another kind in one line.
pub fn imported(
    kind: InputKind,
    path: &Path,
    result: Result<Vec<awsreach_import::Imported>, awsreach_import::ImportError>,
) -> anyhow::Result<Vec<awsreach_import::Imported>> {
    use awsreach_import::ImportError;
    match result {
        Ok(v) => Ok(v),
        Err(ImportError::Syntax {
            path: file,
            line,
            col,
            message,
        }) => {
            Message {
                location: format!("{file}:{line}:{col}"),
                severity: Severity::Error,
                text: message,
                hint: Some(match kind {
                    InputKind::TerraformPlan => {
                        "the file must be the output of `terraform show -json plan.tfplan`".into()
                    }
                    InputKind::CfnTemplate => {
                        "a CloudFormation or SAM template is YAML or JSON".into()
                    }
                    _ => "the file must be the JSON output of an AWS CLI call".into(),
                }),
            }
            .eprint();
            Err(Reported.into())
        }
        // One message naming the file once, like every other bad input.
        Err(ImportError::NotThisKind {
            path: file,
            message,
        }) => Err(Message {
            location: file,
            severity: Severity::Error,
            text: message,
            hint: None,
        }
        .into()),
        Err(e) => anyhow::bail!("{}: {e}", path.display()),
    }
}

/// Imports a Terraform plan or state (`terraform show -json`), on top of
/// `base` (an imported account snapshot) when given.
pub fn import_plan(
    path: &Path,
    base: Option<&ScenarioSpec>,
) -> anyhow::Result<Result<Vec<awsreach_import::Imported>, awsreach_import::ImportError>> {
    let src = Source::read_ron(path)?;
    let file = awsreach_import::InputFile {
        path: src.name,
        text: src.text,
    };
    Ok(awsreach_import::tfplan::import_onto(&file, base).map(|i| vec![i]))
}

static PARAMS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();

/// Sets the global `--param NAME=VALUE` list (once, from `main`): template
/// parameters for CloudFormation inputs.
pub fn set_params(params: Vec<(String, String)>) {
    let _ = PARAMS.set(params);
}

/// `--param NAME=VALUE` as clap parses it.
pub fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

/// A CloudFormation/SAM template with its nested stacks: `TemplateURL`s are
/// read as local paths relative to the template that names them.
fn import_cfn(
    path: &Path,
    region: Option<&str>,
) -> anyhow::Result<Result<Vec<awsreach_import::Imported>, awsreach_import::ImportError>> {
    use awsreach_import::{InputFile, cfn};
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
    let opts = cfn::Options {
        params: PARAMS.get().cloned().unwrap_or_default(),
        region: region.map(str::to_string),
    };
    let mut loader = |parent: &str, url: &str| -> Result<InputFile, String> {
        if url.contains("://") || url.starts_with("s3:") {
            return Err(format!(
                "{url} is not a local file; download it and pass its path (e.g. --param NAME=./child.yaml)"
            ));
        }
        let p = Path::new(parent)
            .parent()
            .unwrap_or(Path::new(""))
            .join(url);
        std::fs::read_to_string(&p)
            .map(|text| InputFile {
                path: p.display().to_string(),
                text,
            })
            .map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    Ok(cfn::import(&InputFile { path: name, text }, &opts, &mut loader).map(|i| vec![i]))
}

/// Every file under a snapshot directory (or the one file), as the
/// importer takes them: paths relative to the root, JSON files read, other
/// files named only (the importer reports them as skipped).
pub fn snapshot_files(root: &Path) -> anyhow::Result<Vec<awsreach_import::InputFile>> {
    fn walk(
        root: &Path,
        dir: &Path,
        out: &mut Vec<awsreach_import::InputFile>,
    ) -> anyhow::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read directory {}", dir.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            if rel.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                walk(root, &p, out)?;
            } else if p.extension().is_some_and(|x| x == "json") {
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("cannot read {}", p.display()))?;
                out.push(awsreach_import::InputFile { path: rel, text });
            } else {
                out.push(awsreach_import::InputFile {
                    path: rel,
                    text: String::new(),
                });
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    if root.is_dir() {
        walk(root, root, &mut out)?;
    } else {
        let text = std::fs::read_to_string(root)
            .with_context(|| format!("cannot read {}", root.display()))?;
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(awsreach_import::InputFile { path: name, text });
    }
    Ok(out)
}

/// The one scenario a command runs on: several (regions, accounts) need
/// `--region` or a narrower path.
pub fn pick(
    path: &Path,
    mut all: Vec<awsreach_import::Imported>,
) -> anyhow::Result<awsreach_import::Imported> {
    if all.len() == 1 {
        return Ok(all.remove(0));
    }
    let labels: Vec<String> = all.iter().map(|i| i.label.clone()).collect();
    anyhow::bail!(
        "{} holds {} scenarios ({}); pick one with --region REGION or by giving its folder",
        path.display(),
        all.len(),
        labels.join(", ")
    )
}

/// `DIR: imported us-east-1: 3 VPCs, ...; 2 skipped, 4 missing, 1 warning
/// (awsreach import aws DIR shows the report)`.
pub fn summary(path: &Path, imp: &awsreach_import::Imported) -> String {
    use awsreach_import::EntryKind;
    let r = &imp.report;
    let s = &imp.spec;
    format!(
        "{}: imported {} ({} VPCs, {} subnets, {} resources, {} functions); {} skipped, {} missing, {} warnings ({} {} shows the report)",
        path.display(),
        imp.label,
        s.vpcs.len(),
        s.subnets.len(),
        s.resources.len(),
        s.functions.len(),
        r.count(EntryKind::Skipped),
        r.count(EntryKind::Missing),
        r.count(EntryKind::Warning),
        "awsreach",
        format_args!("{} {}", InputKind::detect(path).command(), path.display()),
    )
}
