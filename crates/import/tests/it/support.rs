//! Helpers of the importer tests: read a template with its nested stacks,
//! and ask the simulator for a verdict.

use std::path::Path;

use awsreach_import::cfn::{self, Options};
use awsreach_import::{Imported, InputFile};
use awsreach_model::ScenarioSpec;
use awsreach_sim::{Engine, Outcome, ProbeOptions};

/// Nested stacks: a local TemplateURL relative to the parent's folder.
pub fn loader(parent: &str, url: &str) -> Result<InputFile, String> {
    if url.contains("://") {
        return Err(format!("{url} is remote"));
    }
    let p = Path::new(parent)
        .parent()
        .unwrap_or(Path::new("."))
        .join(url);
    std::fs::read_to_string(&p)
        .map(|text| InputFile {
            path: p.display().to_string(),
            text,
        })
        .map_err(|e| e.to_string())
}

pub fn import_path(p: &Path, opts: &Options) -> Imported {
    let f = InputFile {
        path: p.display().to_string(),
        text: std::fs::read_to_string(p).unwrap(),
    };
    cfn::import(&f, opts, &mut loader).unwrap_or_else(|e| panic!("{e}"))
}

pub fn import_text(
    name: &str,
    text: &str,
    params: &[(&str, &str)],
) -> Result<Imported, awsreach_import::ImportError> {
    let f = InputFile {
        path: name.to_string(),
        text: text.to_string(),
    };
    let opts = Options {
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        region: None,
    };
    cfn::import(&f, &opts, &mut |_: &str, u: &str| {
        Err(format!("{u}: no nested stacks in this test"))
    })
}

/// `"reachable"`, the blocking code, or `"error: ..."` for a probe that
/// makes no sense. `action` is an IAM action such as `s3:PutObject`.
pub fn verdict(spec: &ScenarioSpec, from: &str, to: &str, action: Option<&str>) -> String {
    let checked = awsreach_model::validate(spec)
        .unwrap_or_else(|e| panic!("invalid: {e:?}\n{}", awsreach_model::to_ron(spec)));
    let engine = Engine::compile(checked.scenario);
    let opts = ProbeOptions {
        action: action.map(str::to_string),
        ..ProbeOptions::default()
    };
    match engine.probe(from, to, &opts) {
        Ok(p) => match engine.outcome(&p) {
            Outcome::Reachable => "reachable".into(),
            Outcome::Blocked(c) => c.as_str().to_string(),
            Outcome::Unknown(c) => format!("unknown {c}"),
        },
        Err(e) => format!("error: {e}"),
    }
}
