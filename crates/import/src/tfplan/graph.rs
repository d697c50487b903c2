//! The resolved resource graph of a plan or state: every resource instance
//! by address, and each attribute resolved to the instances it names.
//!
//! A raw `terraform show -json` plan leaves ids that AWS assigns at apply
//! (`subnet_id` of a subnet created by the same plan) unknown: the value is
//! absent from `planned_values` and `true` in `after_unknown`. The link
//! survives only in `configuration`, as the expression's `references`
//! (`["aws_subnet.private", "count.index"]`). Post-processed plans (Cloudrail)
//! write the address instead (`"aws_subnet.private[0].id"`); states and
//! pre-existing objects carry real AWS ids (`"subnet-0abc"`). All three end
//! up as [`Target`]s here.
//!
//! Just over 800 lines on purpose: the three reference forms and their
//! `count`/`for_each`/module expansion are one algorithm, kept in one place.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

/// The parts of a `terraform show -json` document the importer reads.
/// Resource changes keep only `after_unknown`: their `before`/`after`
/// copies are skipped while parsing, which halves the work on big plans.
#[derive(Debug, Default, Deserialize)]
pub struct Doc {
    pub format_version: Option<Value>,
    pub planned_values: Option<Value>,
    pub values: Option<Value>,
    pub prior_state: Option<Value>,
    pub configuration: Option<Value>,
    pub variables: Option<Value>,
    pub resource_changes: Option<Vec<Change>>,
}

#[derive(Debug, Deserialize)]
pub struct Change {
    pub address: String,
    pub change: Option<ChangeBody>,
}

#[derive(Debug, Deserialize)]
pub struct ChangeBody {
    pub after_unknown: Option<Value>,
}

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// One resource instance of the plan.
#[derive(Debug)]
pub struct Instance<'a> {
    pub address: &'a str,
    /// The module instance it lives in: `""` or `module.vpc`, `module.a[0].module.b`.
    pub module: &'a str,
    pub rtype: &'a str,
    pub name: &'a str,
    /// `count` index or `for_each` key.
    pub index: Option<&'a Value>,
    pub mode: Mode,
    /// `Value::Null` when the plan gives no values at all.
    pub values: &'a Value,
    /// `after_unknown` of its change, when the plan has one.
    pub unknown: Option<&'a Value>,
}

/// What an attribute names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An instance of this plan (index into [`Plan::instances`]).
    Res(usize),
    /// A literal value that names nothing in the plan (an AWS id such as
    /// `subnet-13f44a58`, a CIDR, an ARN).
    Lit(String),
}

/// An attribute, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    pub targets: Vec<Target>,
    /// How a reference was paired with an instance when the plan does not
    /// say (`count.index` pairing); reported as an inference.
    pub inferred: Option<String>,
    /// Why nothing could be resolved although the attribute is set.
    pub unresolved: Option<String>,
}

impl Resolved {
    fn lit(s: &str) -> Resolved {
        Resolved {
            targets: vec![Target::Lit(s.to_string())],
            ..Resolved::default()
        }
    }

    fn merge(&mut self, other: Resolved) {
        for t in other.targets {
            if !self.targets.contains(&t) {
                self.targets.push(t);
            }
        }
        if self.inferred.is_none() {
            self.inferred = other.inferred;
        }
        if self.unresolved.is_none() {
            self.unresolved = other.unresolved;
        }
    }
}

/// The plan, indexed.
pub struct Plan<'a> {
    pub instances: Vec<Instance<'a>>,
    by_addr: HashMap<&'a str, usize>,
    by_id: HashMap<&'a str, usize>,
    /// (module instance, mode, type, name) → instances in plan order.
    by_res: HashMap<(&'a str, Mode, &'a str, &'a str), Vec<usize>>,
    /// (module call path such as `vpc` or `a.b`, config address) → config.
    configs: HashMap<(String, &'a str), &'a Value>,
    /// module call path → that module's configuration (`outputs`, `module_calls`).
    modules: HashMap<String, &'a Value>,
    /// Root-module input variables (`variables`).
    pub variables: Option<&'a Value>,
}

impl<'a> Plan<'a> {
    /// Indexes a `terraform show -json` document (plan or state).
    pub fn new(doc: &'a Doc) -> Plan<'a> {
        let mut plan = Plan {
            instances: Vec::new(),
            by_addr: HashMap::new(),
            by_id: HashMap::new(),
            by_res: HashMap::new(),
            configs: HashMap::new(),
            modules: HashMap::new(),
            variables: doc.variables.as_ref(),
        };
        let mut unknown: HashMap<&str, &Value> = HashMap::new();
        for c in doc.resource_changes.iter().flatten() {
            if let Some(u) = c.change.as_ref().and_then(|ch| ch.after_unknown.as_ref()) {
                unknown.insert(c.address.as_str(), u);
            }
        }
        // What exists after apply: a plan's planned values, a state's values.
        for root in [&doc.planned_values, &doc.values]
            .into_iter()
            .flatten()
            .filter_map(|v| v.get("root_module"))
        {
            plan.collect(root, "", &unknown, false);
        }
        // Data sources read before planning, and ids of existing objects.
        if let Some(prior) = doc
            .prior_state
            .as_ref()
            .and_then(|p| p.pointer("/values/root_module"))
        {
            plan.collect(prior, "", &unknown, true);
        }
        if let Some(root) = doc
            .configuration
            .as_ref()
            .and_then(|c| c.get("root_module"))
        {
            plan.collect_config(root, String::new());
        }
        // A VPC's default route table, network ACL and security group are
        // named by ids the VPC carries (`aws_default_route_table`'s
        // `default_route_table_id`); their own resources win when present.
        for i in 0..plan.instances.len() {
            let inst = &plan.instances[i];
            if inst.rtype != "aws_vpc" && inst.rtype != "aws_default_vpc" {
                continue;
            }
            let values = inst.values;
            for k in [
                "default_route_table_id",
                "main_route_table_id",
                "default_network_acl_id",
                "default_security_group_id",
            ] {
                if let Some(id) = values.get(k).and_then(Value::as_str) {
                    plan.by_id.entry(id).or_insert(i);
                }
            }
        }
        plan
    }

    fn collect(
        &mut self,
        module: &'a Value,
        module_addr: &'a str,
        unknown: &HashMap<&str, &'a Value>,
        prior: bool,
    ) {
        for r in module
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(address), Some(rtype), Some(name)) = (
                r.get("address").and_then(Value::as_str),
                r.get("type").and_then(Value::as_str),
                r.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            let mode = if r.get("mode").and_then(Value::as_str) == Some("data") {
                Mode::Data
            } else {
                Mode::Managed
            };
            let values = r.get("values").unwrap_or(&Value::Null);
            if let Some(&i) = self.by_addr.get(address) {
                // Prior state of a planned resource: only its id is news.
                if let Some(id) = values.get("id").and_then(Value::as_str) {
                    self.by_id.entry(id).or_insert(i);
                }
                continue;
            }
            if prior && mode == Mode::Managed {
                // In the prior state but not planned: destroyed by this plan.
                continue;
            }
            let i = self.instances.len();
            self.instances.push(Instance {
                address,
                module: module_addr,
                rtype,
                name,
                index: r.get("index"),
                mode,
                values,
                unknown: unknown.get(address).copied(),
            });
            self.by_addr.insert(address, i);
            // A list data source (`aws_subnet_ids`) carries another
            // object's id as its own (the VPC's): it names nothing.
            let list = mode == Mode::Data && (rtype.ends_with('s') || rtype.ends_with("_ids"));
            if let Some(id) = values.get("id").and_then(Value::as_str).filter(|_| !list) {
                self.by_id.entry(id).or_insert(i);
            }
            // Resources that others name by name rather than by id.
            let names: &[&str] = match rtype {
                "aws_lambda_function" => &["function_name", "arn"],
                "aws_db_subnet_group" | "aws_docdb_subnet_group" => &["name", "arn"],
                "aws_vpc_endpoint" => &["prefix_list_id", "arn"],
                _ if mode == Mode::Managed => &["arn"],
                _ => &[],
            };
            {
                for k in names {
                    if let Some(n) = values.get(k).and_then(Value::as_str) {
                        self.by_id.entry(n).or_insert(i);
                    }
                }
            }
            self.by_res
                .entry((module_addr, mode, rtype, name))
                .or_default()
                .push(i);
        }
        for child in module
            .get("child_modules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let addr = child.get("address").and_then(Value::as_str).unwrap_or("");
            self.collect(child, addr, unknown, prior);
        }
    }

    fn collect_config(&mut self, module: &'a Value, path: String) {
        for r in module
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(a) = r.get("address").and_then(Value::as_str) {
                self.configs.insert((path.clone(), a), r);
            }
        }
        if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
            for (name, call) in calls {
                if let Some(m) = call.get("module") {
                    let p = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    self.collect_config(m, p);
                }
            }
        }
        self.modules.insert(path, module);
    }

    pub fn get(&self, address: &str) -> Option<usize> {
        self.by_addr.get(address).copied()
    }

    /// The instance an AWS id (or Lambda function name/ARN) belongs to.
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The plain value at `path` (`["vpc_config", "0", "subnet_ids"]`).
    pub fn value(&self, i: usize, path: &[&str]) -> Option<&'a Value> {
        at(self.instances[i].values, path)
    }

    pub fn str(&self, i: usize, path: &[&str]) -> Option<&'a str> {
        self.value(i, path).and_then(Value::as_str)
    }

    pub fn bool(&self, i: usize, path: &[&str]) -> Option<bool> {
        self.value(i, path).and_then(Value::as_bool)
    }

    /// True when the plan says the value is known only after apply.
    pub fn is_unknown(&self, i: usize, path: &[&str]) -> bool {
        let Some(mut u) = self.instances[i].unknown else {
            return false;
        };
        for seg in path {
            if u.as_bool() == Some(true) {
                return true;
            }
            u = match (u, seg.parse::<usize>()) {
                (Value::Array(a), Ok(n)) => match a.get(n) {
                    Some(v) => v,
                    None => return false,
                },
                (Value::Object(o), _) => match o.get(*seg) {
                    Some(v) => v,
                    None => return false,
                },
                _ => return false,
            };
        }
        u.as_bool() == Some(true)
    }

    /// The configuration block of an instance's resource, when the plan has one.
    pub fn config(&self, i: usize) -> Option<&'a Value> {
        let inst = &self.instances[i];
        let local = local_address(inst);
        self.configs
            .get(&(module_path(inst.module), local.as_str()))
            .copied()
    }

    /// The expression of an attribute in the configuration.
    pub fn expression(&self, i: usize, path: &[&str]) -> Option<&'a Value> {
        let mut e = self.config(i)?.get("expressions")?;
        for seg in path {
            e = match (e, seg.parse::<usize>()) {
                (Value::Array(a), Ok(n)) => a.get(n)?,
                (Value::Object(o), _) => o.get(*seg)?,
                _ => return None,
            };
        }
        Some(e)
    }

    /// Resolves the attribute at `path` to what it names: the plan's value
    /// when known, else the configuration expression's references.
    pub fn resolve(&self, i: usize, path: &[&str]) -> Resolved {
        let inst = &self.instances[i];
        match at(inst.values, path) {
            // The provider writes "" for an unset optional id.
            Some(Value::String(s)) if s.is_empty() => return Resolved::default(),
            Some(Value::String(s)) => return self.resolve_str(s),
            Some(Value::Array(items)) if !self.is_unknown(i, path) => {
                let mut out = Resolved::default();
                for s in items
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|s| !s.is_empty())
                {
                    out.merge(self.resolve_str(s));
                }
                return out;
            }
            Some(Value::Null) | None | Some(Value::Array(_)) => {}
            Some(_) => return Resolved::default(),
        }
        let explicit_null = matches!(at(inst.values, path), Some(Value::Null));
        if explicit_null && !self.is_unknown(i, path) {
            return Resolved::default();
        }
        let Some(expr) = self.expression(i, path) else {
            if self.is_unknown(i, path) {
                return Resolved {
                    unresolved: Some(
                        "known only after apply, and the plan's configuration has no expression for it"
                            .into(),
                    ),
                    ..Resolved::default()
                };
            }
            return Resolved::default();
        };
        self.resolve_expr(expr, inst.module, inst.index, 0)
    }

    fn resolve_expr(
        &self,
        expr: &'a Value,
        module: &'a str,
        key: Option<&'a Value>,
        depth: usize,
    ) -> Resolved {
        if let Some(c) = expr.get("constant_value") {
            return match c {
                Value::String(s) => self.resolve_str(s),
                Value::Array(a) => {
                    let mut out = Resolved::default();
                    for s in a.iter().filter_map(Value::as_str) {
                        out.merge(self.resolve_str(s));
                    }
                    out
                }
                _ => Resolved::default(),
            };
        }
        let refs: Vec<&str> = expr
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if refs.is_empty() {
            return Resolved::default();
        }
        self.resolve_refs(&refs, module, key, depth)
    }

    /// Resolves a `references` list in the context of a module instance and
    /// a `count.index` / `each.key`.
    fn resolve_refs(
        &self,
        refs: &[&str],
        module: &'a str,
        key: Option<&'a Value>,
        depth: usize,
    ) -> Resolved {
        let mut out = Resolved::default();
        if depth > 8 {
            out.unresolved = Some("references nest too deeply".into());
            return out;
        }
        let counted = refs.contains(&"count.index");
        let each = refs.iter().any(|r| r.starts_with("each."));
        let mut opaque: Vec<&str> = Vec::new();
        let mut seen: Vec<(Mode, &str, &str, Option<String>)> = Vec::new();
        for r in refs {
            match parse_ref(r) {
                Ref::Resource {
                    mode,
                    rtype,
                    name,
                    index,
                } => {
                    let k = (mode, rtype, name, index.clone());
                    // `aws_subnet.a.id` and `aws_subnet.a` are the same reference.
                    if seen.contains(&k) {
                        continue;
                    }
                    seen.push(k);
                    let all = self
                        .by_res
                        .get(&(module, mode, rtype, name))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let picked: Vec<usize> = if let Some(ix) = &index {
                        all.iter()
                            .copied()
                            .filter(|&j| index_matches(self.instances[j].index, ix))
                            .collect()
                    } else if all.len() <= 1 {
                        all.to_vec()
                    } else if (counted || each) && key.is_some() {
                        let found: Vec<usize> = all
                            .iter()
                            .copied()
                            .filter(|&j| self.instances[j].index == key)
                            .collect();
                        if !found.is_empty() {
                            out.inferred.get_or_insert_with(|| {
                                format!(
                                    "{rtype}.{name} paired by {} = {} (the element(…, count.index) convention)",
                                    if counted { "count.index" } else { "each.key" },
                                    key.map(Value::to_string).unwrap_or_default()
                                )
                            });
                        }
                        found
                    } else {
                        all.to_vec()
                    };
                    for j in picked {
                        let t = Target::Res(j);
                        if !out.targets.contains(&t) {
                            out.targets.push(t);
                        }
                    }
                }
                Ref::ModuleOutput { call, output } => {
                    let r = self.module_output(module, call, output, depth);
                    out.merge(r);
                }
                Ref::Var(v) => match self.module_input(module, v, depth) {
                    Some(r) => out.merge(r),
                    None => opaque.push(r),
                },
                Ref::Context => {}
                Ref::Other => opaque.push(r),
            }
        }
        if out.targets.is_empty() && !opaque.is_empty() && out.unresolved.is_none() {
            out.unresolved = Some(format!(
                "computed from {} (values the plan does not carry)",
                opaque.join(", ")
            ));
        }
        out
    }

    /// `module.<call>.<output>` seen from `module`: the output's expression,
    /// resolved inside every instance of that module call.
    fn module_output(&self, module: &'a str, call: &str, output: &str, depth: usize) -> Resolved {
        let child_path = join_path(&module_path(module), call);
        let Some(expr) = self
            .modules
            .get(&child_path)
            .and_then(|m| m.pointer(&format!("/outputs/{output}/expression")))
        else {
            return Resolved {
                unresolved: Some(format!(
                    "module.{call}.{output}: the plan has no such module output"
                )),
                ..Resolved::default()
            };
        };
        let prefix = if module.is_empty() {
            format!("module.{call}")
        } else {
            format!("{module}.module.{call}")
        };
        let mut out = Resolved::default();
        let mut found = false;
        for m in self.module_instances(&prefix) {
            found = true;
            out.merge(self.resolve_expr(expr, m, None, depth + 1));
        }
        if !found {
            // A module with no resource instances: nothing to name.
            out.unresolved = Some(format!("module.{call} has no resources in the plan"));
        }
        out
    }

    /// `var.<name>` inside a child module: the module call's argument,
    /// resolved in the calling module.
    fn module_input(&self, module: &'a str, var: &str, depth: usize) -> Option<Resolved> {
        let (parent, call) = split_module(module)?;
        let expr = self
            .modules
            .get(&module_path(parent))?
            .pointer(&format!("/module_calls/{call}/expressions/{var}"))?;
        Some(self.resolve_expr(expr, parent, None, depth + 1))
    }

    /// The module instance addresses starting with `prefix` (`module.vpc`
    /// matches `module.vpc` and `module.vpc[0]`), each once.
    fn module_instances(&self, prefix: &str) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        for inst in &self.instances {
            let m = inst.module;
            let hit = match m.strip_prefix(prefix) {
                Some("") => true,
                Some(t) => t.starts_with('[') && !t.contains(".module."),
                None => false,
            };
            if hit && !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }

    /// A literal: an address written by a post-processor
    /// (`aws_subnet.a[0].id`), an AWS id of an object in the plan, or a
    /// value that names nothing here.
    pub fn resolve_str(&self, s: &str) -> Resolved {
        if let Some(i) = self.get(s).or_else(|| self.by_id(s)) {
            return Resolved {
                targets: vec![Target::Res(i)],
                ..Resolved::default()
            };
        }
        // `<address>.<attribute>`: drop up to two trailing attribute names.
        let mut rest = s;
        for _ in 0..2 {
            let Some(dot) = rest.rfind('.') else { break };
            if rest[dot..].contains(']') {
                break;
            }
            rest = &rest[..dot];
            if let Some(i) = self.get(rest) {
                return Resolved {
                    targets: vec![Target::Res(i)],
                    ..Resolved::default()
                };
            }
        }
        Resolved::lit(s)
    }
}

/// What a reference string names.
#[derive(Debug, PartialEq, Eq)]
enum Ref<'r> {
    Resource {
        mode: Mode,
        rtype: &'r str,
        name: &'r str,
        /// The index as written inside brackets (`0`, `"a"`).
        index: Option<String>,
    },
    ModuleOutput {
        call: &'r str,
        output: &'r str,
    },
    Var(&'r str),
    /// `count.index`, `each.key`, `path.module`, `self`, `terraform.workspace`.
    Context,
    /// `local.*` and anything else the plan does not carry.
    Other,
}

fn parse_ref(r: &str) -> Ref<'_> {
    let (mode, rest) = match r.strip_prefix("data.") {
        Some(rest) => (Mode::Data, rest),
        None => (Mode::Managed, r),
    };
    let first = rest.split(['.', '[']).next().unwrap_or("");
    match (mode, first) {
        (Mode::Managed, "count" | "each" | "path" | "self" | "terraform") => return Ref::Context,
        (Mode::Managed, "var") => {
            return Ref::Var(rest[4..].split(['.', '[']).next().unwrap_or(""));
        }
        (Mode::Managed, "local") => return Ref::Other,
        (Mode::Managed, "module") => {
            let mut parts = rest[7..].splitn(2, '.');
            let call = parts.next().unwrap_or("");
            let call = call.split('[').next().unwrap_or(call);
            return match parts.next() {
                Some(o) => Ref::ModuleOutput {
                    call,
                    output: o.split(['.', '[']).next().unwrap_or(o),
                },
                None => Ref::Other,
            };
        }
        _ => {}
    }
    let rtype = first;
    if rtype.is_empty() || rest.len() <= rtype.len() + 1 {
        return Ref::Other;
    }
    let after = &rest[rtype.len() + 1..];
    let name_end = after.find(['.', '[']).unwrap_or(after.len());
    let name = &after[..name_end];
    let index = after[name_end..]
        .strip_prefix('[')
        .and_then(|s| s.find(']').map(|e| s[..e].to_string()));
    Ref::Resource {
        mode,
        rtype,
        name,
        index,
    }
}

fn index_matches(index: Option<&Value>, written: &str) -> bool {
    match index {
        Some(Value::Number(n)) => n.to_string() == written,
        Some(Value::String(s)) => written.trim_matches('"') == s,
        _ => false,
    }
}

/// `aws_subnet.a[0]` → `aws_subnet.a`, relative to its module
/// (`data.aws_vpc.v` for data sources).
fn local_address(inst: &Instance) -> String {
    match inst.mode {
        Mode::Managed => format!("{}.{}", inst.rtype, inst.name),
        Mode::Data => format!("data.{}.{}", inst.rtype, inst.name),
    }
}

/// `module.a[0].module.b` → `a.b`: the configuration's module call path.
pub fn module_path(module: &str) -> String {
    let mut out = String::new();
    let mut rest = module;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find(".module.").unwrap_or(r.len());
        let call = &r[..end];
        let call = call.split('[').next().unwrap_or(call);
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(call);
        rest = &r[end..];
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    out
}

fn join_path(parent: &str, call: &str) -> String {
    if parent.is_empty() {
        call.to_string()
    } else {
        format!("{parent}.{call}")
    }
}

/// `module.a[0].module.b` → (`module.a[0]`, `b`).
fn split_module(module: &str) -> Option<(&str, &str)> {
    // Both halves borrow from `module`.
    if module.is_empty() {
        return None;
    }
    let (parent, last) = match module.rfind(".module.") {
        Some(p) => (&module[..p], &module[p + 8..]),
        None => ("", module.strip_prefix("module.")?),
    };
    Some((parent, last.split('[').next().unwrap_or(last)))
}

fn at<'v>(mut v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    for seg in path {
        v = match (v, seg.parse::<usize>()) {
            (Value::Array(a), Ok(n)) => a.get(n)?,
            (Value::Object(o), _) => o.get(*seg)?,
            _ => return None,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse() {
        assert_eq!(
            parse_ref("aws_subnet.public[0]"),
            Ref::Resource {
                mode: Mode::Managed,
                rtype: "aws_subnet",
                name: "public",
                index: Some("0".into())
            }
        );
        assert_eq!(
            parse_ref("data.aws_vpc.default.id"),
            Ref::Resource {
                mode: Mode::Data,
                rtype: "aws_vpc",
                name: "default",
                index: None
            }
        );
        assert_eq!(
            parse_ref("module.vpc.private_subnets"),
            Ref::ModuleOutput {
                call: "vpc",
                output: "private_subnets"
            }
        );
        assert_eq!(parse_ref("var.subnets"), Ref::Var("subnets"));
        assert_eq!(parse_ref("count.index"), Ref::Context);
        assert_eq!(parse_ref("local.vpc_id"), Ref::Other);
    }

    #[test]
    fn module_paths() {
        assert_eq!(module_path(""), "");
        assert_eq!(module_path("module.vpc"), "vpc");
        assert_eq!(module_path("module.a[0].module.b[\"x\"]"), "a.b");
        assert_eq!(
            split_module("module.a[0].module.b"),
            Some(("module.a[0]", "b"))
        );
        assert_eq!(split_module("module.vpc"), Some(("", "vpc")));
    }
}
