//! From evaluated resources to the scenario: the shared context of the
//! builders (resource lookup, id resolution, report and `missing` entries)
//! and the order they run in.

use std::collections::{BTreeMap, BTreeSet};

use awsreach_model::spec::{MissingKind, MissingSpec, ScenarioSpec};

use super::eval::{Eval, Stack};
use super::val::Val;
use super::{lambda, network, security};
use crate::{EntryKind, Report};

/// `AWS::AccountId` before deployment: a documentation account number.
pub const ACCOUNT: &str = "123456789012";

/// One resource of any stack, its properties evaluated.
pub struct Res {
    pub stack: usize,
    /// Logical id with its stack prefix: the scenario id.
    pub id: String,
    pub ty: String,
    pub props: Val,
    pub line: usize,
}

pub struct Ctx<'a> {
    pub stacks: &'a [Stack],
    pub res: Vec<Res>,
    pub by_id: BTreeMap<String, usize>,
    pub spec: ScenarioSpec,
    pub report: &'a mut Report,
    /// Ids that became scenario entities (including a VPC's implicit default
    /// group and NACL), by type.
    pub built: BTreeMap<String, &'static str>,
    /// Resources that could not become entities, and why.
    pub absent: BTreeMap<String, String>,
    handled: BTreeSet<usize>,
}

impl<'a> Ctx<'a> {
    pub fn at(&self, r: usize) -> String {
        let x = &self.res[r];
        let file = &self.stacks[x.stack].file;
        if x.line > 0 {
            format!("{file}:{}", x.line)
        } else {
            file.clone()
        }
    }

    pub fn handled(&mut self, r: usize) {
        self.handled.insert(r);
    }

    /// The resources of the given types, in stack and document order.
    pub fn of(&self, types: &[&str]) -> Vec<usize> {
        (0..self.res.len())
            .filter(|&i| types.contains(&self.res[i].ty.as_str()))
            .collect()
    }

    pub fn prop(&self, r: usize, key: &str) -> Option<&Val> {
        self.res[r].props.get(key)
    }

    pub fn text(&self, r: usize, key: &str) -> Option<String> {
        self.prop(r, key).and_then(Val::text)
    }

    pub fn entry(&mut self, kind: EntryKind, r: usize, message: impl Into<String>) {
        let at = self.at(r);
        let id = self.res[r].id.clone();
        self.report.push(kind, at, id, message);
    }

    /// Records data the scenario lacks for `entity`, in the spec and the report.
    pub fn missing(&mut self, r: usize, entity: &str, what: MissingKind, note: String) {
        let at = self.at(r);
        self.report
            .push(EntryKind::Missing, at, entity.to_string(), note.clone());
        let m = MissingSpec {
            entity: entity.to_string(),
            what,
            note: Some(note),
        };
        if !self.spec.missing.contains(&m) {
            self.spec.missing.push(m);
        }
    }

    /// A trigger that cannot be declared (its poller's placement or its
    /// source is unknown): a report entry naming it.
    pub fn missing_trigger(&mut self, r: usize, trigger: &str, note: String) {
        let at = self.at(r);
        self.report.push(
            EntryKind::Missing,
            at,
            trigger.to_string(),
            format!("trigger not imported: {note}"),
        );
    }

    /// Resolves a value naming a scenario entity of kind `kind` (`"vpc"`,
    /// `"subnet"`, ...): the id, or why it is not in the scenario.
    pub fn entity(&self, v: Option<&Val>, kind: &str) -> Result<String, String> {
        match v {
            None => Err(format!("no {kind} given")),
            Some(Val::Unknown(w)) => Err(w.clone()),
            Some(Val::Str(s)) => {
                let key = s.split('.').next().unwrap_or(s);
                match self.built.get(key) {
                    Some(k) if *k == kind => Ok(key.to_string()),
                    Some(k) => Err(format!("`{key}` is a {k}, not a {kind}")),
                    None => match self.absent.get(key) {
                        Some(why) => Err(format!("{kind} `{key}` is not in the scenario: {why}")),
                        None if self.by_id.contains_key(key) => Err(format!(
                            "`{key}` ({}) is not a {kind}",
                            self.res[self.by_id[key]].ty
                        )),
                        None => Err(format!("{kind} `{s}` is not created by this template")),
                    },
                }
            }
            Some(other) => Err(format!("expected a {kind} id, got {other:?}")),
        }
    }

    /// A list of entity ids; the first failure wins.
    pub fn entities(&self, v: Option<&Val>, kind: &str) -> Result<Vec<String>, String> {
        match v {
            None => Ok(Vec::new()),
            Some(Val::List(items)) => items.iter().map(|i| self.entity(Some(i), kind)).collect(),
            Some(Val::Unknown(w)) => Err(w.clone()),
            Some(one @ Val::Str(_)) => Ok(vec![self.entity(Some(one), kind)?]),
            Some(other) => Err(format!("expected a list of {kind} ids, got {other:?}")),
        }
    }

    pub fn built(&mut self, id: &str, kind: &'static str) {
        self.built.insert(id.to_string(), kind);
    }

    pub fn absent(&mut self, r: usize, why: String) {
        let id = self.res[r].id.clone();
        self.entry(EntryKind::Missing, r, format!("not imported: {why}"));
        self.absent.insert(id, why);
    }
}

/// Builds the scenario from every stack's resources.
pub fn build(stacks: &[Stack], region: &str, report: &mut Report) -> ScenarioSpec {
    let ev = Eval::new(stacks, region, ACCOUNT);
    let mut res = Vec::new();
    let mut skipped_by_condition = Vec::new();
    for (s, st) in stacks.iter().enumerate() {
        let Some(list) = st.root.get("Resources").and_then(|r| r.as_map()) else {
            continue;
        };
        for (id, node) in list {
            let ty = st.types.get(id).cloned().unwrap_or_default();
            *ev.current.borrow_mut() = format!("{}{id}", st.prefix);
            if let Some(c) = node.get("Condition").and_then(|c| c.as_scalar()) {
                match ev.condition(s, node, &c, 0) {
                    Ok(true) => {}
                    Ok(false) => {
                        skipped_by_condition.push((s, c, format!("{}{id}", st.prefix)));
                        continue;
                    }
                    Err(why) => report.push(
                        EntryKind::Warning,
                        format!("{}:{}", st.file, node.line),
                        format!("{}{id}", st.prefix),
                        format!("condition {c} is unknown ({why}); imported as if created"),
                    ),
                }
            }
            let mut props = node
                .get("Properties")
                .map_or(Val::Map(Vec::new()), |p| ev.eval(s, p));
            if ty == "AWS::Serverless::Function"
                && let Some(g) = st.root.get("Globals").and_then(|g| g.get("Function"))
            {
                props = merge_globals(ev.eval(s, g), props);
            }
            let line = if node.line > 0 {
                node.line
            } else {
                json_line(st, id)
            };
            res.push(Res {
                stack: s,
                id: format!("{}{id}", st.prefix),
                ty,
                props,
                line,
            });
        }
    }
    // One entry per false condition, naming every resource it leaves out.
    let mut by_cond: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for (s, c, id) in skipped_by_condition {
        by_cond.entry((s, c)).or_default().push(id);
    }
    for ((s, c), ids) in by_cond {
        report.push(
            EntryKind::Skipped,
            stacks[s].file.clone(),
            format!("{}{c}", stacks[s].prefix),
            format!("condition {c} is false: not created: {}", ids.join(", ")),
        );
    }
    let by_id: BTreeMap<String, usize> = res
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let mut cx = Ctx {
        stacks,
        res,
        by_id,
        spec: ScenarioSpec::default(),
        report,
        built: BTreeMap::new(),
        absent: BTreeMap::new(),
        handled: BTreeSet::new(),
    };
    // Nested stacks that were read are part of the scenario.
    for st in stacks.iter() {
        for child in st.children.keys() {
            if let Some(&i) = cx.by_id.get(&format!("{}{child}", st.prefix)) {
                cx.handled(i);
            }
        }
    }
    network::build(&mut cx);
    security::build(&mut cx);
    network::build_compute(&mut cx);
    lambda::build(&mut cx);
    security::declare_defaults(&mut cx);
    for issue in ev.issues.borrow().iter() {
        let st = &stacks[issue.stack];
        let at = if issue.line > 0 {
            format!("{}:{}", st.file, issue.line)
        } else {
            st.file.clone()
        };
        let kind = if issue.unsupported {
            EntryKind::Skipped
        } else {
            EntryKind::Warning
        };
        cx.report
            .push(kind, at, issue.subject.clone(), issue.message.clone());
    }
    summarise(&mut cx);
    cx.spec
}

/// One `read` entry per imported type, one `skipped` entry per type that is
/// not part of the network model (naming every resource).
fn summarise(cx: &mut Ctx<'_>) {
    let mut read: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut skipped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (i, r) in cx.res.iter().enumerate() {
        let into = if cx.handled.contains(&i) {
            &mut read
        } else {
            &mut skipped
        };
        into.entry(r.ty.as_str()).or_default().push(r.id.as_str());
    }
    let file = cx
        .stacks
        .first()
        .map(|s| s.file.clone())
        .unwrap_or_default();
    for (ty, ids) in read {
        cx.report.push(
            EntryKind::Read,
            file.clone(),
            ty,
            format!("{} {ty}: {}", ids.len(), ids.join(", ")),
        );
    }
    for (ty, ids) in skipped {
        cx.report.push(
            EntryKind::Skipped,
            file.clone(),
            ty,
            format!("not part of the network model: {}", ids.join(", ")),
        );
    }
}

/// SAM `Globals.Function`: a function's own properties win; maps such as
/// `VpcConfig` or `Environment` are merged key by key.
fn merge_globals(globals: Val, own: Val) -> Val {
    let (Val::Map(g), Val::Map(mut o)) = (globals, own.clone()) else {
        return own;
    };
    for (k, gv) in g {
        match o.iter().position(|(ok, _)| *ok == k) {
            None => o.push((k, gv)),
            Some(i) => {
                if let (Val::Map(_), Val::Map(_)) = (&gv, &o[i].1) {
                    let merged = merge_globals(gv, o[i].1.clone());
                    o[i].1 = merged;
                }
            }
        }
    }
    Val::Map(o)
}

/// JSON templates carry no positions: find `"Id":` after `"Resources"`.
fn json_line(st: &Stack, id: &str) -> usize {
    let start = super::node::json_key_line(&st.text, "Resources", 0).map_or(0, |(_, at)| at);
    super::node::json_key_line(&st.text, id, start).map_or(0, |(line, _)| line)
}
