//! Terraform plans and states (`terraform show -json`) → [`ScenarioSpec`].
//!
//! [`graph`] indexes the document and resolves each attribute to what it
//! names (known values, post-processed addresses, or the configuration's
//! `references` with `count.index` pairing); one module per resource
//! family maps instances into the spec: [`net`] (VPCs, subnets, routing,
//! gateways, endpoints, peering, transit gateways), [`filter`] (security
//! groups and network ACLs), [`compute`] (instances, ENIs, databases,
//! functions and their triggers). Scenario ids are resource addresses
//! (`module.vpc.aws_subnet.private[0]`); objects that exist outside the
//! plan keep their AWS ids, so a `--base` account snapshot can supply them.

mod compute;
mod expect;
mod filter;
pub mod graph;
mod mq;
mod net;
mod transit;

use std::collections::{BTreeMap, HashMap, HashSet};

use awsreach_model::ScenarioSpec;
use awsreach_model::spec::{MissingKind, MissingSpec};
use serde_json::Value;

use crate::InputFile;
use crate::report::{EntryKind, ImportError, Imported, Report};
use graph::{Doc, Mode, Plan, Target};

/// True when `text` looks like `terraform show -json` output: a JSON
/// object with `format_version` and planned values, state values or
/// resource changes. Cheap: looks only at the top-level keys' names.
pub fn looks_like_plan(text: &str) -> bool {
    let t = text.trim_start();
    if !t.starts_with('{') {
        return false;
    }
    t.contains("\"format_version\"")
        && ["\"planned_values\"", "\"values\"", "\"resource_changes\""]
            .iter()
            .any(|k| t.contains(k))
}

/// Imports a plan or state. Errors only when the file is not JSON or not
/// a Terraform document; everything else is a report entry.
pub fn import(file: &InputFile) -> Result<Imported, ImportError> {
    import_onto(file, None)
}

/// Imports a plan on top of `base` (an account snapshot already imported):
/// literal AWS ids in the plan name the base's entities, and the plan's
/// resources are added next to them — "my account as it is, plus this change".
pub fn import_onto(file: &InputFile, base: Option<&ScenarioSpec>) -> Result<Imported, ImportError> {
    let doc = parse(file)?;
    let plan = Plan::new(&doc);
    let mut b = Builder::new(&plan, &file.path, base);
    b.spec.region = region(&doc, &plan).unwrap_or_else(|| b.spec.region.clone());
    net::map(&mut b);
    filter::map(&mut b);
    compute::map(&mut b);
    net::existing_vpcs(&mut b);
    filter::existing_vpcs(&mut b);
    expect::map(&mut b, &doc);
    b.finish();
    let label = file.path.clone();
    let mut spec = b.spec;
    if spec.name.is_none() {
        spec.name = Some(format!("terraform plan {}", file.path));
    }
    Ok(Imported {
        label,
        spec,
        report: b.report,
    })
}

fn parse(file: &InputFile) -> Result<Doc, ImportError> {
    let syntax = |e: serde_json::Error| ImportError::Syntax {
        path: file.path.clone(),
        line: e.line(),
        col: e.column(),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or("")
            .to_string(),
    };
    match serde_json::from_str::<Doc>(&file.text) {
        Ok(d)
            if d.format_version.is_some()
                && (d.planned_values.is_some()
                    || d.values.is_some()
                    || d.resource_changes.is_some()) =>
        {
            return Ok(d);
        }
        Err(e) if e.is_syntax() || e.is_eof() => return Err(syntax(e)),
        // Well-formed but not a plan (or not an object): described below.
        _ => {}
    }
    // Not a plan: read it as plain JSON to say what it looks like.
    let doc: Value = serde_json::from_str(&file.text).map_err(syntax)?;
    let Some(obj) = doc.as_object() else {
        return Err(ImportError::NotThisKind {
            path: file.path.clone(),
            message: format!(
                "not a Terraform plan: the JSON document is {}, not an object with `format_version` and `planned_values` (make it with `terraform show -json plan.tfplan > plan.json`)",
                kind_of(&doc)
            ),
        });
    };
    let has = |k: &str| obj.contains_key(k);
    let keys: Vec<&str> = obj.keys().take(4).map(String::as_str).collect();
    let looks = if has("Resources") || has("AWSTemplateFormatVersion") {
        "a CloudFormation template (use `awsreach import cloudformation`)".to_string()
    } else if has("format_version") {
        "a Terraform document of another kind (a plan has `planned_values`, a state `values`)"
            .to_string()
    } else if keys.is_empty() {
        "an empty JSON object".to_string()
    } else {
        format!("a JSON object with keys {}", keys.join(", "))
    };
    Err(ImportError::NotThisKind {
        path: file.path.clone(),
        message: format!(
            "not a Terraform plan: it looks like {looks}; a plan has `format_version` and `planned_values` (make it with `terraform show -json plan.tfplan > plan.json`)"
        ),
    })
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The AWS provider's region, else the region of an availability zone.
fn region(doc: &Doc, plan: &Plan) -> Option<String> {
    if let Some(r) = doc
        .configuration
        .as_ref()
        .and_then(|c| c.pointer("/provider_config/aws/expressions/region/constant_value"))
        .and_then(Value::as_str)
    {
        return Some(r.to_string());
    }
    plan.instances.iter().find_map(|inst| {
        let az = inst.values.get("availability_zone")?.as_str()?;
        let r = az.trim_end_matches(|c: char| c.is_ascii_lowercase());
        (r.len() + 1 == az.len()).then(|| r.to_string())
    })
}

/// The kinds of scenario entity a reference can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Vpc,
    Subnet,
    RouteTable,
    Igw,
    EgressIgw,
    Nat,
    Endpoint,
    Sg,
    Nacl,
    Resource,
    Function,
    Peering,
    Tgw,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Vpc => "VPC",
            Kind::Subnet => "subnet",
            Kind::RouteTable => "route table",
            Kind::Igw => "internet gateway",
            Kind::EgressIgw => "egress-only internet gateway",
            Kind::Nat => "NAT gateway",
            Kind::Endpoint => "VPC endpoint",
            Kind::Sg => "security group",
            Kind::Nacl => "network ACL",
            Kind::Resource => "instance or network interface",
            Kind::Function => "Lambda function",
            Kind::Peering => "peering connection",
            Kind::Tgw => "transit gateway",
        }
    }
}

/// What a reference came to.
#[derive(Debug, Default)]
pub(crate) struct Refs {
    /// Scenario ids of defined entities of the wanted kind.
    pub ids: Vec<String>,
    /// Literal ids that name nothing in the plan (nor in the base).
    pub dangling: Vec<String>,
    /// Plan instances of another type than wanted (an ENI for an instance).
    pub others: Vec<usize>,
    /// The attribute is set but could not be resolved.
    pub unresolved: bool,
}

/// The spec under construction and its report.
pub(crate) struct Builder<'p, 'a> {
    pub plan: &'p Plan<'a>,
    pub file: &'p str,
    pub spec: ScenarioSpec,
    pub report: Report,
    /// Scenario id of each mapped instance, and its kind.
    pub ids: HashMap<usize, (Kind, String)>,
    defined: HashSet<(Kind, String)>,
    /// Instances a family mapped (or consumed as part of another).
    pub used: HashSet<usize>,
    missing: HashSet<(String, MissingKind)>,
    placeholder: u32,
    /// Instances reported one by one (left out with a reason).
    pub skipped: HashSet<usize>,
    /// VPCs that exist outside the plan (read by data sources).
    pub existing_vpcs: std::collections::BTreeSet<String>,
}

impl<'p, 'a> Builder<'p, 'a> {
    fn new(plan: &'p Plan<'a>, file: &'p str, base: Option<&ScenarioSpec>) -> Self {
        let spec = base.cloned().unwrap_or_default();
        let mut defined = HashSet::new();
        let s = &spec;
        let groups: [(Kind, Vec<&String>); 12] = [
            (Kind::Vpc, s.vpcs.iter().map(|x| &x.id).collect()),
            (Kind::Subnet, s.subnets.iter().map(|x| &x.id).collect()),
            (
                Kind::RouteTable,
                s.route_tables.iter().map(|x| &x.id).collect(),
            ),
            (
                Kind::Igw,
                s.internet_gateways.iter().map(|x| &x.id).collect(),
            ),
            (
                Kind::EgressIgw,
                s.egress_only_internet_gateways
                    .iter()
                    .map(|x| &x.id)
                    .collect(),
            ),
            (Kind::Nat, s.nat_gateways.iter().map(|x| &x.id).collect()),
            (
                Kind::Endpoint,
                s.vpc_endpoints.iter().map(|x| &x.id).collect(),
            ),
            (Kind::Sg, s.security_groups.iter().map(|x| &x.id).collect()),
            (Kind::Nacl, s.network_acls.iter().map(|x| &x.id).collect()),
            (Kind::Resource, s.resources.iter().map(|x| &x.id).collect()),
            (Kind::Function, s.functions.iter().map(|x| &x.id).collect()),
            (
                Kind::Peering,
                s.peering_connections.iter().map(|x| &x.id).collect(),
            ),
        ];
        for (k, ids) in groups {
            for id in ids {
                defined.insert((k, id.clone()));
            }
        }
        for t in &s.transit_gateways {
            defined.insert((Kind::Tgw, t.id.clone()));
        }
        Builder {
            plan,
            file,
            spec,
            report: Report::default(),
            ids: HashMap::new(),
            defined,
            used: HashSet::new(),
            missing: HashSet::new(),
            placeholder: 0,
            skipped: HashSet::new(),
            existing_vpcs: Default::default(),
        }
    }

    /// Instances of a resource type (managed), in plan order.
    pub fn of_type(&self, rtype: &str) -> Vec<usize> {
        self.of(Mode::Managed, rtype)
    }

    pub fn of(&self, mode: Mode, rtype: &str) -> Vec<usize> {
        (0..self.plan.instances.len())
            .filter(|&i| {
                let inst = &self.plan.instances[i];
                inst.mode == mode && inst.rtype == rtype
            })
            .collect()
    }

    pub fn addr(&self, i: usize) -> &'a str {
        self.plan.instances[i].address
    }

    /// The scenario id for an instance: its address, or for a data source
    /// the AWS id it read (so a base snapshot and literal ids agree).
    pub fn sid(&self, i: usize) -> String {
        let inst = &self.plan.instances[i];
        match inst.mode {
            Mode::Managed => inst.address.to_string(),
            Mode::Data => inst
                .values
                .get("id")
                .and_then(Value::as_str)
                .map_or_else(|| inst.address.to_string(), str::to_string),
        }
    }

    /// Records that instance `i` became entity `id` of `kind`.
    pub fn define(&mut self, i: Option<usize>, kind: Kind, id: &str) -> bool {
        if !self.defined.insert((kind, id.to_string())) {
            return false;
        }
        if let Some(i) = i {
            self.ids.insert(i, (kind, id.to_string()));
            self.used.insert(i);
        }
        true
    }

    pub fn is_defined(&self, kind: Kind, id: &str) -> bool {
        self.defined.contains(&(kind, id.to_string()))
    }

    /// Where a report entry about instance `i` comes from.
    pub fn src(&self, i: usize) -> String {
        format!("{}: {}", self.file, self.addr(i))
    }

    pub fn warn(&mut self, i: usize, msg: impl Into<String>) {
        let src = self.src(i);
        let addr = self.addr(i);
        self.report.push(EntryKind::Warning, src, addr, msg);
    }

    /// Resolves the attribute `path` of instance `i` to entities of `kind`.
    /// Unresolvable and dangling references become report entries; the
    /// caller decides what the entity does without them.
    pub fn refer(&mut self, i: usize, path: &[&str], kind: Kind) -> Refs {
        self.refer_as(i, path, kind, true)
    }

    /// A VPC reference, with one fallback when the plan cannot resolve it
    /// (`vpc_id = local.vpc_id` in terraform-aws-modules): the only VPC of
    /// the same module, else the only VPC of the plan — labelled inferred.
    pub fn refer_vpc(&mut self, i: usize, attr: &str) -> Option<String> {
        let r = self.refer_as(i, &[attr], Kind::Vpc, false);
        if r.ids.len() == 1 {
            return r.ids.into_iter().next();
        }
        if !r.ids.is_empty() || !r.dangling.is_empty() || !r.others.is_empty() || !r.unresolved {
            if r.ids.len() > 1 {
                let msg = format!("{attr} names several VPCs; the plan does not say which");
                self.warn(i, msg);
            }
            return None;
        }
        let module = self.plan.instances[i].module;
        let vpcs: Vec<String> = self
            .ids
            .iter()
            .filter(|(_, (k, _))| *k == Kind::Vpc)
            .map(|(j, (_, id))| (*j, id.clone()))
            .filter(|(j, _)| self.plan.instances[*j].module == module)
            .map(|(_, id)| id)
            .collect();
        let all: Vec<String> = self.spec.vpcs.iter().map(|v| v.id.clone()).collect();
        let (pick, scope) = match (vpcs.as_slice(), all.as_slice()) {
            ([one], _) => (one.clone(), "of its module"),
            (_, [one]) => (one.clone(), "of the plan"),
            _ => {
                let why = self.plan.resolve(i, &[attr]).unresolved.unwrap_or_default();
                let src = self.src(i);
                let addr = self.addr(i);
                self.report.push(
                    EntryKind::Missing,
                    src,
                    addr,
                    format!("{attr} (VPC): {why}"),
                );
                return None;
            }
        };
        let why = self.plan.resolve(i, &[attr]).unresolved.unwrap_or_default();
        let msg = format!("{attr}: inferred {pick}, the only VPC {scope} ({why})");
        self.warn(i, msg);
        Some(pick)
    }

    /// The VPC of an `aws_default_*` resource, from the attribute naming
    /// the default object (`default_network_acl_id`), which is also an
    /// attribute of the VPC.
    pub fn default_of(&mut self, i: usize, attr: &str) -> Option<String> {
        let r = self.refer_as(i, &[attr], Kind::Vpc, false);
        if let Some(v) = r.ids.into_iter().next() {
            return Some(v);
        }
        let lit = self.plan.str(i, &[attr])?;
        let vpc = (0..self.plan.instances.len()).find(|&j| {
            let inst = &self.plan.instances[j];
            matches!(inst.rtype, "aws_vpc" | "aws_default_vpc")
                && inst.values.get(attr).and_then(Value::as_str) == Some(lit)
        })?;
        match self.ids.get(&vpc) {
            Some((Kind::Vpc, id)) => Some(id.clone()),
            _ => None,
        }
    }

    /// A VPC reference without report entries: (the VPC, whether the
    /// reference was unresolvable), for callers with a fallback.
    pub fn refer_vpc_quiet(&mut self, i: usize, attr: &str) -> (Option<String>, bool) {
        let r = self.refer_as(i, &[attr], Kind::Vpc, false);
        let open = r.unresolved && r.ids.is_empty();
        (r.ids.into_iter().next(), open)
    }

    fn refer_as(&mut self, i: usize, path: &[&str], kind: Kind, loud: bool) -> Refs {
        let r = self.plan.resolve(i, path);
        let mut out = Refs::default();
        let attr = path
            .iter()
            .filter(|s| s.parse::<usize>().is_err())
            .copied()
            .collect::<Vec<_>>()
            .join(".");
        if let Some(why) = &r.inferred {
            let msg = format!("{attr}: inferred {why}");
            self.warn(i, msg);
        }
        // A data source listing ids (`aws_subnet_ids`, `aws_subnets`,
        // `aws_security_groups`) stands for those ids.
        let mut targets: Vec<Target> = Vec::new();
        for t in r.targets.iter() {
            let inst = match t {
                Target::Res(j) => Some(&self.plan.instances[*j]),
                Target::Lit(_) => None,
            };
            match inst {
                Some(inst)
                    if inst.mode == Mode::Data
                        && matches!(
                            inst.rtype,
                            "aws_subnet_ids" | "aws_subnets" | "aws_security_groups"
                        ) =>
                {
                    match inst.values.get("ids").and_then(Value::as_array) {
                        Some(ids) => targets.extend(
                            ids.iter()
                                .filter_map(Value::as_str)
                                .flat_map(|s| self.plan.resolve_str(s).targets),
                        ),
                        None => targets.push(t.clone()),
                    }
                }
                _ => targets.push(t.clone()),
            }
        }
        for t in &targets {
            match t {
                Target::Res(j) => match self.ids.get(j) {
                    Some((k, id)) if *k == kind => out.ids.push(id.clone()),
                    _ => {
                        // A data source of the wanted kind read an existing object.
                        let sid = self.sid(*j);
                        if self.is_defined(kind, &sid) {
                            out.ids.push(sid);
                        } else if self.plan.instances[*j].mode == Mode::Data {
                            out.dangling.push(sid);
                        } else {
                            out.others.push(*j);
                        }
                    }
                },
                Target::Lit(s) => {
                    if self.is_defined(kind, s) {
                        out.ids.push(s.clone());
                    } else {
                        out.dangling.push(s.clone());
                    }
                }
            }
        }
        if let Some(why) = r.unresolved.filter(|_| r.targets.is_empty()) {
            out.unresolved = true;
            if !loud {
                return out;
            }
            let src = self.src(i);
            let addr = self.addr(i);
            self.report.push(
                EntryKind::Missing,
                src,
                addr,
                format!("{attr} ({}): {why}", kind.word()),
            );
        }
        for d in &out.dangling {
            let src = self.src(i);
            self.report.push(
                EntryKind::Missing,
                src,
                d.clone(),
                format!(
                    "{attr} of {} names {} `{d}`, which is not in the plan",
                    self.addr(i),
                    kind.word()
                ),
            );
        }
        out
    }

    /// One entity of `kind`, or `None` (reported) when there is none or
    /// more than one.
    pub fn refer_one(&mut self, i: usize, path: &[&str], kind: Kind) -> Option<String> {
        let r = self.refer(i, path, kind);
        if r.ids.len() > 1 {
            let msg = format!(
                "{} names several {}s ({}); the plan does not say which",
                path.join("."),
                kind.word(),
                r.ids.join(", ")
            );
            self.warn(i, msg);
            return None;
        }
        r.ids.into_iter().next()
    }

    /// Declares data the scenario lacks for `entity` (once per kind).
    pub fn missing(&mut self, entity: &str, what: MissingKind, note: impl Into<String>) {
        if self.missing.insert((entity.to_string(), what)) {
            self.spec.missing.push(MissingSpec {
                entity: entity.to_string(),
                what,
                note: Some(note.into()),
            });
        }
    }

    /// A stand-in public address for one AWS assigns at apply (an Elastic
    /// IP, an auto-assigned public IP), from TEST-NET-2 (RFC 5737) so it
    /// never names a real host; reported.
    pub fn placeholder_ip(&mut self, i: usize, what: &str) -> String {
        self.placeholder += 1;
        let n = self.placeholder;
        let ip = format!("198.51.{}.{}", 100 + n / 250, 1 + n % 250);
        let msg =
            format!("{what}: AWS assigns it at apply; {ip} (documentation range) stands in for it");
        self.warn(i, msg);
        ip
    }

    /// Report what was read per type, and every instance no family used.
    fn finish(&mut self) {
        // Missing data about something that was left out is in the report.
        // (Triggers are declared without a `Kind`: no reference names one.)
        let defined = &self.defined;
        let triggers: HashSet<&str> = self
            .spec
            .triggers
            .iter()
            .filter_map(|t| t.id.as_deref())
            .collect();
        let kept: Vec<bool> = self
            .spec
            .missing
            .iter()
            .map(|m| {
                triggers.contains(m.entity.as_str())
                    || defined.iter().any(|(_, id)| *id == m.entity)
            })
            .collect();
        let mut keep = kept.into_iter();
        self.spec.missing.retain(|_| keep.next().unwrap_or(false));
        let mut read: BTreeMap<&str, usize> = BTreeMap::new();
        let mut skipped: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
        for (i, inst) in self.plan.instances.iter().enumerate() {
            if self.used.contains(&i) {
                *read.entry(inst.rtype).or_default() += 1;
            } else if inst.mode == Mode::Managed {
                let why = if self.skipped.contains(&i) {
                    "left out (what it needs is not in the plan; see the entries about it)"
                } else if inst.rtype.starts_with("aws_") {
                    "not modelled by awsreach"
                } else {
                    "not an AWS resource"
                };
                skipped
                    .entry((inst.rtype, why))
                    .or_default()
                    .push(inst.address);
            }
        }
        for (t, n) in read {
            self.report
                .push(EntryKind::Read, self.file, t, format!("{n} {t}"));
        }
        for ((t, why), addrs) in skipped {
            let shown: Vec<&str> = addrs.iter().take(5).copied().collect();
            let more = if addrs.len() > 5 {
                format!(" and {} more", addrs.len() - 5)
            } else {
                String::new()
            };
            self.report.push(
                EntryKind::Skipped,
                self.file,
                t,
                format!("{} {why}: {}{more}", addrs.len(), shown.join(", ")),
            );
        }
    }
}

/// Every string of a JSON array (or a lone string).
pub(crate) fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> InputFile {
        InputFile {
            path: "plan.json".into(),
            text: text.into(),
        }
    }

    #[test]
    fn detection_needs_format_version_and_values() {
        assert!(looks_like_plan(
            r#"{"format_version":"1.2","planned_values":{}}"#
        ));
        assert!(looks_like_plan(r#" {"format_version":"1.0","values":{}}"#));
        assert!(!looks_like_plan(r#"{"Vpcs": []}"#));
        assert!(!looks_like_plan("(name: \"x\")"));
    }

    #[test]
    fn malformed_json_has_line_and_column() {
        let e = import(&file("{\n  \"format_version\": \"1.0\",\n  oops\n}")).unwrap_err();
        match e {
            ImportError::Syntax { line, col, .. } => assert_eq!((line, col), (3, 3)),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn not_a_plan_says_what_it_looks_like() {
        let e = import(&file(r#"{"Vpcs": [], "ResponseMetadata": {}}"#)).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("plan.json: not a Terraform plan"), "{msg}");
        assert!(msg.contains("keys ResponseMetadata, Vpcs"), "{msg}");
        let e = import(&file(r#"{"Resources": {}}"#)).unwrap_err();
        assert!(e.to_string().contains("CloudFormation"), "{e}");
        let e = import(&file("[1, 2]")).unwrap_err();
        assert!(e.to_string().contains("an array"), "{e}");
    }
}
