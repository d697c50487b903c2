//! CloudFormation and SAM templates (YAML or JSON) → [`ScenarioSpec`].
//!
//! The template is parsed into one tree ([`node`]), its intrinsic functions
//! are evaluated with parameter defaults and `--param` overrides ([`eval`]),
//! nested stacks with a local `TemplateURL` are read through the caller's
//! loader, and the network resources become scenario entities whose ids are
//! the logical ids (`PrivateSubnet1`, nested: `Vpc/PrivateSubnet1`), so a
//! trace points at the line a user edits. What the template does not say
//! (subnets passed as parameters, `Fn::ImportValue`) becomes `missing` data
//! and report entries, never a guess.

mod build;
mod cidr;
mod compute;
mod eval;
mod lambda;
mod network;
pub mod node;
mod security;
mod val;
mod yaml;

use std::collections::BTreeMap;

use awsreach_model::ScenarioSpec;

use self::eval::Stack;
use self::node::{Node, NodeV};
use self::val::Val;
use crate::{EntryKind, ImportError, Imported, InputFile, Report};

/// Nested stacks deeper than this are refused (a template nesting itself).
const MAX_NESTING: usize = 5;

/// What the user said beside the template.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--param Key=Value`, in the order given (a later one wins).
    pub params: Vec<(String, String)>,
    /// The stack's region (`AWS::Region`); `us-east-1` when absent.
    pub region: Option<String>,
}

/// Reads a nested stack's `TemplateURL` (as written, relative to the parent
/// template's path) for the importer, which does no I/O itself. An `Err`
/// says why it could not (a remote URL, a missing file).
pub type Loader<'l> = dyn FnMut(&str, &str) -> Result<InputFile, String> + 'l;

/// Does this text look like a CloudFormation or SAM template? A cheap sniff
/// for the CLI's input detection; [`import`] decides for sure.
pub fn sniff(text: &str) -> bool {
    let head = text.trim_start();
    if head.starts_with('(') {
        return false;
    }
    text.contains("AWSTemplateFormatVersion")
        || text.contains("AWS::Serverless-2016-10-31")
        || (text.contains("Resources") && text.contains("AWS::") && text.contains("Type"))
}

/// Parses a template file, JSON when it starts with `{`, YAML otherwise.
pub fn parse(file: &InputFile) -> Result<(Node, Vec<yaml::DuplicateKey>), ImportError> {
    if file.text.trim_start().starts_with('{') {
        node::parse_json(&file.path, &file.text)
    } else {
        yaml::parse_yaml(&file.path, &file.text)
    }
}

/// Is this parsed document a template? `Err` describes what it looks like.
fn check_template(path: &str, root: &Node) -> Result<(), ImportError> {
    let not = |what: String| ImportError::NotThisKind {
        path: path.to_string(),
        message: format!("not a CloudFormation/SAM template: {what}"),
    };
    let Some(m) = root.as_map() else {
        return Err(not(match &root.v {
            NodeV::Null => "the file is empty".into(),
            NodeV::Seq(_) => "the document is a list".into(),
            _ => "the document is a single value".into(),
        }));
    };
    let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
    let has = |k: &str| keys.contains(&k);
    let typed = root
        .get("Resources")
        .and_then(Node::as_map)
        .is_some_and(|r| r.iter().any(|(_, v)| v.get("Type").is_some()));
    if has("AWSTemplateFormatVersion") || (has("Resources") && typed) {
        return Ok(());
    }
    let looks = if has("planned_values") || has("format_version") {
        "it looks like a Terraform plan (`awsreach import terraform`)".to_string()
    } else if [
        "Vpcs",
        "Subnets",
        "RouteTables",
        "Reservations",
        "Functions",
        "SecurityGroups",
    ]
    .iter()
    .any(|k| has(k))
    {
        "it looks like AWS CLI `describe` output (`awsreach import aws`)".to_string()
    } else {
        let shown: Vec<&str> = keys.iter().take(5).copied().collect();
        format!(
            "a mapping with keys {} and no `Resources` with `Type: AWS::...`",
            shown.join(", ")
        )
    };
    Err(not(looks))
}

/// Imports `file` (and the nested stacks `load` can read) into one scenario.
pub fn import(
    file: &InputFile,
    opts: &Options,
    load: &mut Loader<'_>,
) -> Result<Imported, ImportError> {
    let mut report = Report::default();
    let mut stacks = Vec::new();
    let region = opts.region.clone().unwrap_or_else(|| "us-east-1".into());
    let overrides: BTreeMap<String, String> = opts.params.iter().cloned().collect();
    let root = read_stack(file, "", &mut report)?;
    let root_params = root_params(file, &root, &overrides, &mut report);
    push_stack(&mut stacks, file, "", root, root_params);
    let spec = {
        load_children(&mut stacks, 0, &region, load, &mut report);
        build::build(&stacks, &region, &mut report)
    };
    // What the scenario covers: the stack, named after its file.
    let label = format!("stack {}", stack_name(&file.path));
    Ok(Imported {
        label,
        spec: finish(spec, file, &region),
        report,
    })
}

fn finish(mut spec: ScenarioSpec, file: &InputFile, region: &str) -> ScenarioSpec {
    spec.name = Some(stack_name(&file.path));
    spec.description = Some(format!("imported from {}", file.path));
    spec.region = region.to_string();
    spec
}

fn stack_name(path: &str) -> String {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    base.split('.').next().unwrap_or(base).to_string()
}

fn read_stack(file: &InputFile, prefix: &str, report: &mut Report) -> Result<Node, ImportError> {
    let (root, dups) = parse(file)?;
    check_template(&file.path, &root)?;
    for d in dups {
        report.push(
            EntryKind::Warning,
            format!("{}:{}", file.path, d.line),
            format!("{prefix}{}", d.key),
            format!(
                "duplicate key `{}`: the last one is used, as CloudFormation does",
                d.key
            ),
        );
    }
    Ok(root)
}

fn push_stack(
    stacks: &mut Vec<Stack>,
    file: &InputFile,
    prefix: &str,
    root: Node,
    params: BTreeMap<String, Val>,
) {
    let types = root
        .get("Resources")
        .and_then(Node::as_map)
        .map(|r| {
            r.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.get("Type").and_then(Node::as_scalar).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    stacks.push(Stack {
        prefix: prefix.to_string(),
        file: file.path.clone(),
        name: stack_name(&file.path),
        root,
        params,
        types,
        children: BTreeMap::new(),
        text: file.text.clone(),
    });
}

/// The root stack's parameters: `--param` overrides, then defaults, else
/// unknown (with a report entry naming the flag that would supply it).
fn root_params(
    file: &InputFile,
    root: &Node,
    overrides: &BTreeMap<String, String>,
    report: &mut Report,
) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    let decl = root
        .get("Parameters")
        .and_then(Node::as_map)
        .unwrap_or_default();
    for (name, p) in decl {
        let ty = p.get("Type").and_then(Node::as_scalar).unwrap_or_default();
        let given = overrides
            .get(name)
            .cloned()
            .or_else(|| p.get("Default").and_then(scalar_or_list));
        let v = match given {
            Some(text) => {
                if let Some(allowed) = p.get("AllowedValues")
                    && let NodeV::Seq(a) = &allowed.v
                    && !a
                        .iter()
                        .any(|x| x.as_scalar().as_deref() == Some(text.as_str()))
                {
                    report.push(
                        EntryKind::Warning,
                        format!("{}:{}", file.path, p.line),
                        name.clone(),
                        format!("value `{text}` is not one of the parameter's AllowedValues"),
                    );
                }
                param_value(&ty, text)
            }
            None if ty.starts_with("AWS::SSM::Parameter") => Val::Unknown(format!(
                "parameter {name} is read from SSM Parameter Store at deployment"
            )),
            None => {
                let why =
                    format!("parameter {name} has no Default; give it with --param {name}=VALUE");
                report.push(
                    EntryKind::Missing,
                    format!("{}:{}", file.path, p.line),
                    name.clone(),
                    why.clone(),
                );
                Val::Unknown(why)
            }
        };
        out.insert(name.clone(), v);
    }
    for k in overrides.keys().filter(|k| !out.contains_key(*k)) {
        report.push(
            EntryKind::Warning,
            file.path.clone(),
            k.clone(),
            format!("--param {k} names no parameter of the template"),
        );
    }
    out
}

fn scalar_or_list(n: &Node) -> Option<String> {
    match &n.v {
        NodeV::Seq(items) => Some(
            items
                .iter()
                .filter_map(Node::as_scalar)
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => n.as_scalar(),
    }
}

/// List-typed parameters (`CommaDelimitedList`, `List<AWS::EC2::Subnet::Id>`)
/// are lists of their comma-separated parts.
fn param_value(ty: &str, text: String) -> Val {
    if ty == "CommaDelimitedList" || ty.starts_with("List<") {
        Val::List(
            text.split(',')
                .map(|p| Val::Str(p.trim().to_string()))
                .collect(),
        )
    } else {
        Val::Str(text)
    }
}

/// Reads the nested stacks of stack `s` (recursively), evaluating their
/// `Parameters` in the parent.
fn load_children(
    stacks: &mut Vec<Stack>,
    s: usize,
    region: &str,
    load: &mut Loader<'_>,
    report: &mut Report,
) {
    let depth = stacks[s].prefix.matches('/').count();
    let nested: Vec<String> = stacks[s]
        .types
        .iter()
        .filter(|(_, t)| *t == "AWS::CloudFormation::Stack")
        .map(|(k, _)| k.clone())
        .collect();
    for id in nested {
        let (url, params, line, full) = {
            let ev = eval::Eval::new(stacks, region, build::ACCOUNT);
            let st = &stacks[s];
            let props = st.props(&id);
            let url = props
                .and_then(|p| p.get("TemplateURL"))
                .map(|u| ev.eval(s, u));
            let params: BTreeMap<String, Val> = match props
                .and_then(|p| p.get("Parameters"))
                .map(|p| ev.eval(s, p))
            {
                Some(Val::Map(m)) => m.into_iter().collect(),
                _ => BTreeMap::new(),
            };
            let line = st.resource(&id).map_or(0, |r| r.line);
            (url, params, line, format!("{}{id}", st.prefix))
        };
        let at = format!("{}:{line}", stacks[s].file);
        let url = match url {
            Some(Val::Str(u)) => u,
            Some(Val::Unknown(w)) => {
                report.push(
                    EntryKind::Missing,
                    at,
                    full,
                    format!("nested stack not imported: TemplateURL unknown ({w})"),
                );
                continue;
            }
            _ => {
                report.push(
                    EntryKind::Missing,
                    at,
                    full,
                    "nested stack not imported: no TemplateURL".to_string(),
                );
                continue;
            }
        };
        if depth >= MAX_NESTING {
            report.push(
                EntryKind::Skipped,
                at,
                full,
                format!("nested stacks deeper than {MAX_NESTING} levels"),
            );
            continue;
        }
        let parent = stacks[s].file.clone();
        let child = match load(&parent, &url) {
            Ok(f) => f,
            Err(why) => {
                report.push(
                    EntryKind::Missing,
                    at,
                    full,
                    format!("nested stack {url} not imported: {why}"),
                );
                continue;
            }
        };
        let prefix = format!("{full}/");
        let root = match read_stack(&child, &prefix, report) {
            Ok(r) => r,
            Err(e) => {
                report.push(
                    EntryKind::Missing,
                    at,
                    full,
                    format!("nested stack not imported: {e}"),
                );
                continue;
            }
        };
        let decl = root
            .get("Parameters")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .to_vec();
        let mut vals = BTreeMap::new();
        for (name, p) in &decl {
            let ty = p.get("Type").and_then(Node::as_scalar).unwrap_or_default();
            let v = match params.get(name) {
                Some(Val::Str(t)) => param_value(&ty, t.clone()),
                Some(v) => v.clone(),
                None => match p.get("Default").and_then(scalar_or_list) {
                    Some(t) => param_value(&ty, t),
                    None => Val::Unknown(format!(
                        "parameter {name} of nested stack {full} has no value"
                    )),
                },
            };
            vals.insert(name.clone(), v);
        }
        report.push(
            EntryKind::Read,
            at,
            full.clone(),
            format!("nested stack {}", child.path),
        );
        push_stack(stacks, &child, &prefix, root, vals);
        let c = stacks.len() - 1;
        stacks[s].children.insert(id, c);
        load_children(stacks, c, region, load, report);
    }
}
