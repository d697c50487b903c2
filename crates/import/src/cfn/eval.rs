//! The intrinsic functions of a network template, evaluated the way
//! CloudFormation would at deploy time, with what only deployment knows
//! (ARNs, Amazon-assigned addresses, other stacks' exports) left `Unknown`.
//! Every walk is bounded in depth and in total steps, so cycles in `Ref`,
//! `Fn::GetAtt` or `Conditions` end with an error value, never a hang.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::cidr;
use super::node::{Node, NodeV};
use super::val::{Val, base64};

/// Nested intrinsic calls deeper than this are a cycle or a mistake.
const MAX_EVAL_DEPTH: u32 = 64;
/// Total evaluation steps for one import: no real template needs a fraction.
const MAX_STEPS: usize = 5_000_000;

/// One stack: the root template or a nested `AWS::CloudFormation::Stack`.
#[derive(Debug)]
pub struct Stack {
    /// Put before every logical id of this stack (`""` for the root, `"Vpc/"`).
    pub prefix: String,
    pub file: String,
    pub root: Node,
    /// Evaluated parameters (defaults, overrides, or `Unknown`).
    pub params: BTreeMap<String, Val>,
    /// Logical id → resource type.
    pub types: BTreeMap<String, String>,
    /// Nested stacks: logical id → index in the stack list.
    pub children: BTreeMap<String, usize>,
    pub name: String,
    /// The source text (JSON templates find their lines in it).
    pub text: String,
}

impl Stack {
    pub fn resource(&self, id: &str) -> Option<&Node> {
        self.root.get("Resources")?.get(id)
    }

    pub fn props(&self, id: &str) -> Option<&Node> {
        self.resource(id)?.get("Properties")
    }
}

/// Something the evaluator could not do, for the import report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Issue {
    pub stack: usize,
    /// The resource (or section) being evaluated.
    pub subject: String,
    pub line: usize,
    pub unsupported: bool,
    pub message: String,
}

pub struct Eval<'a> {
    pub stacks: &'a [Stack],
    pub region: String,
    pub account: String,
    conds: RefCell<HashMap<(usize, String), Result<bool, String>>>,
    busy: RefCell<BTreeSet<(usize, String)>>,
    steps: Cell<usize>,
    pub issues: RefCell<BTreeSet<Issue>>,
    /// What is being evaluated, for issues (a logical id).
    pub current: RefCell<String>,
}

type CondResult = Result<bool, String>;

impl<'a> Eval<'a> {
    pub fn new(stacks: &'a [Stack], region: &str, account: &str) -> Self {
        Eval {
            stacks,
            region: region.to_string(),
            account: account.to_string(),
            conds: RefCell::default(),
            busy: RefCell::default(),
            steps: Cell::new(0),
            issues: RefCell::default(),
            current: RefCell::default(),
        }
    }

    fn issue(&self, s: usize, line: usize, unsupported: bool, message: String) {
        let subject = self.current.borrow().clone();
        self.issues.borrow_mut().insert(Issue {
            stack: s,
            subject,
            line,
            unsupported,
            message,
        });
    }

    /// Fails an evaluation with an unknown value and records why.
    fn fail(&self, s: usize, n: &Node, message: String) -> Val {
        self.issue(s, n.line, false, message.clone());
        Val::Unknown(message)
    }

    /// Evaluates a node of stack `s`.
    pub fn eval(&self, s: usize, n: &Node) -> Val {
        self.ev(s, n, 0)
    }

    fn ev(&self, s: usize, n: &Node, depth: u32) -> Val {
        self.steps.set(self.steps.get() + 1);
        if depth > MAX_EVAL_DEPTH {
            return self.fail(
                s,
                n,
                format!("intrinsic functions nested deeper than {MAX_EVAL_DEPTH} (a cycle?)"),
            );
        }
        if self.steps.get() > MAX_STEPS {
            return Val::Unknown("evaluation step budget exhausted".into());
        }
        if let Some((f, arg)) = n.intrinsic()
            && f != "Condition"
        {
            return self.call(s, n, f, arg, depth + 1);
        }
        match &n.v {
            NodeV::Null => Val::Null,
            NodeV::Bool(b) => Val::Bool(*b),
            NodeV::Num(x) | NodeV::Str(x) => Val::Str(x.clone()),
            NodeV::Seq(items) => Val::List(
                items
                    .iter()
                    .map(|i| self.ev(s, i, depth + 1))
                    .filter(|v| *v != Val::NoValue)
                    .collect(),
            ),
            NodeV::Map(m) => Val::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), self.ev(s, v, depth + 1)))
                    .filter(|(_, v)| *v != Val::NoValue)
                    .collect(),
            ),
        }
    }

    fn args<'n>(
        &self,
        s: usize,
        n: &'n Node,
        f: &str,
        arg: &'n Node,
        count: std::ops::RangeInclusive<usize>,
    ) -> Result<&'n [Node], Val> {
        match &arg.v {
            NodeV::Seq(items) if count.contains(&items.len()) => Ok(items),
            _ => Err(self.fail(
                s,
                n,
                format!(
                    "{f} takes a list of {}..{} arguments",
                    count.start(),
                    count.end()
                ),
            )),
        }
    }

    fn text_arg(&self, s: usize, n: &Node, f: &str, v: Val) -> Result<String, Val> {
        match v {
            Val::Unknown(_) => Err(v),
            v => v
                .text()
                .ok_or_else(|| self.fail(s, n, format!("{f}: expected a string, got {v:?}"))),
        }
    }

    fn call(&self, s: usize, n: &Node, f: &str, arg: &Node, depth: u32) -> Val {
        let r: Result<Val, Val> = (|| match f {
            "Ref" => {
                let name = self.text_arg(s, n, f, self.ev(s, arg, depth))?;
                Ok(self.reference(s, n, &name))
            }
            "Fn::GetAtt" => {
                let (id, attr) = match &arg.v {
                    NodeV::Str(t) => match t.split_once('.') {
                        Some((a, b)) => (a.to_string(), b.to_string()),
                        None => {
                            return Err(self.fail(
                                s,
                                n,
                                format!("Fn::GetAtt `{t}` needs `Resource.Attribute`"),
                            ));
                        }
                    },
                    _ => {
                        let a = self.args(s, n, f, arg, 2..=2)?;
                        let id = self.text_arg(s, n, f, self.ev(s, &a[0], depth))?;
                        let attr = self.text_arg(s, n, f, self.ev(s, &a[1], depth))?;
                        (id, attr)
                    }
                };
                Ok(self.get_att(s, n, &id, &attr, depth))
            }
            "Fn::Sub" => {
                let (tpl, vars) = match &arg.v {
                    NodeV::Seq(_) => {
                        let a = self.args(s, n, f, arg, 2..=2)?;
                        (self.ev(s, &a[0], depth), self.ev(s, &a[1], depth))
                    }
                    _ => (self.ev(s, arg, depth), Val::Map(Vec::new())),
                };
                let tpl = self.text_arg(s, n, f, tpl)?;
                self.sub(s, n, &tpl, &vars, depth)
            }
            "Fn::Join" => {
                let a = self.args(s, n, f, arg, 2..=2)?;
                let sep = self.text_arg(s, n, f, self.ev(s, &a[0], depth))?;
                let parts = self.list(s, n, f, self.ev(s, &a[1], depth))?;
                let mut out = Vec::new();
                for p in parts {
                    out.push(self.text_arg(s, n, f, p)?);
                }
                Ok(Val::Str(out.join(&sep)))
            }
            "Fn::Split" => {
                let a = self.args(s, n, f, arg, 2..=2)?;
                let sep = self.text_arg(s, n, f, self.ev(s, &a[0], depth))?;
                let text = self.text_arg(s, n, f, self.ev(s, &a[1], depth))?;
                if sep.is_empty() {
                    return Err(self.fail(s, n, "Fn::Split: empty delimiter".into()));
                }
                Ok(Val::List(
                    text.split(sep.as_str())
                        .map(|p| Val::Str(p.to_string()))
                        .collect(),
                ))
            }
            "Fn::Select" => {
                let a = self.args(s, n, f, arg, 2..=2)?;
                let ix = self.text_arg(s, n, f, self.ev(s, &a[0], depth))?;
                let ix: usize = ix.trim().parse().map_err(|_| {
                    self.fail(s, n, format!("Fn::Select: index `{ix}` is not a number"))
                })?;
                let list = self.list(s, n, f, self.ev(s, &a[1], depth))?;
                let len = list.len();
                list.into_iter().nth(ix).ok_or_else(|| {
                    self.fail(
                        s,
                        n,
                        format!("Fn::Select: index {ix} is past the end of a list of {len}"),
                    )
                })
            }
            "Fn::GetAZs" => {
                let r = self.text_arg(s, n, f, self.ev(s, arg, depth))?;
                let region = if r.is_empty() { self.region.clone() } else { r };
                // The real list depends on the account; letters a..f cover
                // what templates select, and only names the subnets' zones.
                Ok(Val::List(
                    ("abcdef".chars())
                        .map(|c| Val::Str(format!("{region}{c}")))
                        .collect(),
                ))
            }
            "Fn::Cidr" => {
                let a = self.args(s, n, f, arg, 3..=3)?;
                let block = self.text_arg(s, n, f, self.ev(s, &a[0], depth))?;
                let num = |v: Val| -> Result<u32, Val> {
                    let t = self.text_arg(s, n, f, v)?;
                    t.trim()
                        .parse()
                        .map_err(|_| self.fail(s, n, format!("Fn::Cidr: `{t}` is not a number")))
                };
                let count = num(self.ev(s, &a[1], depth))?;
                let bits = num(self.ev(s, &a[2], depth))?;
                cidr::split(&block, count, bits)
                    .map(|v| Val::List(v.into_iter().map(Val::Str).collect()))
                    .map_err(|e| self.fail(s, n, format!("Fn::Cidr: {e}")))
            }
            "Fn::If" => {
                let a = self.args(s, n, f, arg, 3..=3)?;
                let c = self.text_arg(s, n, f, self.ev(s, &a[0], depth))?;
                match self.condition(s, &a[0], &c, depth) {
                    Ok(true) => Ok(self.ev(s, &a[1], depth)),
                    Ok(false) => Ok(self.ev(s, &a[2], depth)),
                    Err(why) => Err(Val::Unknown(why)),
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => match self.cond_expr(s, n, depth) {
                Ok(b) => Ok(Val::Bool(b)),
                Err(why) => Err(Val::Unknown(why)),
            },
            "Fn::FindInMap" => {
                let a = self.args(s, n, f, arg, 3..=4)?;
                let map = self.text_arg(s, n, f, self.ev(s, &a[0], depth))?;
                let k1 = self.text_arg(s, n, f, self.ev(s, &a[1], depth))?;
                let k2 = self.text_arg(s, n, f, self.ev(s, &a[2], depth))?;
                let hit = self.stacks[s]
                    .root
                    .get("Mappings")
                    .and_then(|m| m.get(&map))
                    .and_then(|m| m.get(&k1))
                    .and_then(|m| m.get(&k2));
                match (hit, a.get(3)) {
                    (Some(v), _) => Ok(self.ev(s, v, depth)),
                    (None, Some(d)) => Ok(self.ev(s, d.get("DefaultValue").unwrap_or(d), depth)),
                    (None, None) => Err(self.fail(
                        s,
                        n,
                        format!("Fn::FindInMap: no {map}.{k1}.{k2} in Mappings"),
                    )),
                }
            }
            "Fn::Base64" => Ok(Val::Str(base64(&self.text_arg(
                s,
                n,
                f,
                self.ev(s, arg, depth),
            )?))),
            "Fn::Length" => Ok(Val::Str(
                self.list(s, n, f, self.ev(s, arg, depth))?
                    .len()
                    .to_string(),
            )),
            "Fn::ImportValue" => {
                let name = self.ev(s, arg, depth).text().unwrap_or_else(|| "?".into());
                let why = format!("Fn::ImportValue `{name}` is exported by another stack");
                self.issue(s, n.line, false, why.clone());
                Err(Val::Unknown(why))
            }
            other => {
                let why = format!("unsupported intrinsic function {other}");
                self.issue(s, n.line, true, why.clone());
                Err(Val::Unknown(why))
            }
        })();
        r.unwrap_or_else(|v| v)
    }

    fn list(&self, s: usize, n: &Node, f: &str, v: Val) -> Result<Vec<Val>, Val> {
        match v {
            Val::List(l) => match l.iter().find_map(Val::unknown) {
                Some(u) => Err(Val::Unknown(u.to_string())),
                None => Ok(l),
            },
            Val::Unknown(_) => Err(v),
            v => Err(self.fail(s, n, format!("{f}: expected a list, got {v:?}"))),
        }
    }

    /// `Ref`: a pseudo parameter, a parameter, or a resource (its logical id).
    fn reference(&self, s: usize, n: &Node, name: &str) -> Val {
        let st = &self.stacks[s];
        match name {
            "AWS::Region" => return Val::Str(self.region.clone()),
            "AWS::AccountId" => return Val::Str(self.account.clone()),
            "AWS::StackName" => return Val::Str(st.name.clone()),
            "AWS::StackId" => {
                return Val::Str(format!(
                    "arn:aws:cloudformation:{}:{}:stack/{}/id",
                    self.region, self.account, st.name
                ));
            }
            "AWS::Partition" => return Val::Str("aws".into()),
            "AWS::URLSuffix" => return Val::Str("amazonaws.com".into()),
            "AWS::NoValue" => return Val::NoValue,
            "AWS::NotificationARNs" => return Val::List(Vec::new()),
            _ => {}
        }
        if let Some(v) = st.params.get(name) {
            return v.clone();
        }
        if st.types.contains_key(name) {
            return Val::Str(format!("{}{name}", st.prefix));
        }
        self.fail(
            s,
            n,
            format!("Ref to `{name}`, which is neither a parameter nor a resource"),
        )
    }

    fn get_att(&self, s: usize, n: &Node, id: &str, attr: &str, depth: u32) -> Val {
        let st = &self.stacks[s];
        let Some(ty) = st.types.get(id) else {
            return self.fail(
                s,
                n,
                format!("Fn::GetAtt of `{id}`, which is not a resource"),
            );
        };
        let full = format!("{}{id}", st.prefix);
        let prop = |p: &str| match st.props(id).and_then(|x| x.get(p)) {
            Some(v) => self.ev(s, v, depth),
            None => Val::Unknown(format!("{full}.{attr}: no {p} property")),
        };
        match (ty.as_str(), attr) {
            ("AWS::CloudFormation::Stack", a) if a.starts_with("Outputs.") => {
                let out = &a["Outputs.".len()..];
                let Some(&c) = st.children.get(id) else {
                    return Val::Unknown(format!(
                        "nested stack {full} was not imported, so its output {out} is unknown"
                    ));
                };
                match self.stacks[c]
                    .root
                    .get("Outputs")
                    .and_then(|o| o.get(out))
                    .and_then(|o| o.get("Value"))
                {
                    Some(v) => self.ev(c, v, depth),
                    None => self.fail(s, n, format!("nested stack {full} has no output {out}")),
                }
            }
            ("AWS::EC2::VPC", "DefaultSecurityGroup") => Val::Str(format!("{full}-default-sg")),
            ("AWS::EC2::VPC", "DefaultNetworkAcl") => Val::Str(format!("{full}-default-acl")),
            ("AWS::EC2::VPC", "CidrBlock") | ("AWS::EC2::Subnet", "CidrBlock") => prop("CidrBlock"),
            ("AWS::EC2::VPC", "Ipv6CidrBlocks") => self.vpc_ipv6(s, id, depth),
            ("AWS::EC2::Subnet", "AvailabilityZone") => prop("AvailabilityZone"),
            ("AWS::EC2::Subnet", "Ipv6CidrBlocks") => match prop("Ipv6CidrBlock") {
                Val::Str(c) => Val::List(vec![Val::Str(c)]),
                other => other,
            },
            (_, "VpcId") if !ty.ends_with("::VPC") => prop("VpcId"),
            ("AWS::EC2::Instance", "PrivateIp") => prop("PrivateIpAddress"),
            ("AWS::EC2::NetworkInterface", "PrimaryPrivateIpAddress") => prop("PrivateIpAddress"),
            // Ids of the resource itself (`GroupId`, `SubnetId`, `AllocationId`, `Id`, ...).
            (_, a) if a == "Id" || (a.ends_with("Id") && !a.contains('.')) => Val::Str(full),
            // Plural attributes are lists known only after deployment.
            (_, a) if a.ends_with('s') => {
                Val::Unknown(format!("{full}.{a} is known after deployment"))
            }
            // Anything else (ARNs, names, endpoints) is known after deployment;
            // the placeholder still names the resource, for triggers.
            (_, a) => Val::Str(format!("{full}.{a}")),
        }
    }

    fn vpc_ipv6(&self, s: usize, vpc: &str, depth: u32) -> Val {
        let st = &self.stacks[s];
        let mut out = Vec::new();
        for (id, ty) in &st.types {
            if ty != "AWS::EC2::VPCCidrBlock" {
                continue;
            }
            let Some(p) = st.props(id) else { continue };
            let owner = p.get("VpcId").map(|v| self.ev(s, v, depth));
            if owner != Some(Val::Str(format!("{}{vpc}", st.prefix))) {
                continue;
            }
            if let Some(c) = p.get("Ipv6CidrBlock") {
                out.push(self.ev(s, c, depth));
            } else if p.get("AmazonProvidedIpv6CidrBlock").is_some() {
                return Val::Unknown(format!(
                    "{}{vpc}'s IPv6 block is assigned by Amazon at deployment ({id})",
                    st.prefix
                ));
            }
        }
        if out.is_empty() {
            return Val::Unknown(format!(
                "{}{vpc} has no IPv6 block in this template",
                st.prefix
            ));
        }
        Val::List(out)
    }

    fn sub(&self, s: usize, n: &Node, tpl: &str, vars: &Val, depth: u32) -> Result<Val, Val> {
        let mut out = String::new();
        let mut rest = tpl;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            if let Some(lit) = after.strip_prefix('!') {
                // `${!Literal}` writes `${Literal}`.
                out.push_str("${");
                rest = lit;
                continue;
            }
            let Some(end) = after.find('}') else {
                return Err(self.fail(s, n, format!("Fn::Sub: unclosed `${{` in `{tpl}`")));
            };
            let name = after[..end].trim();
            let v = if let Some(v) = vars.get(name) {
                v.clone()
            } else if let Some((id, attr)) = name.split_once('.')
                && self.stacks[s].types.contains_key(id)
            {
                self.get_att(s, n, id, attr, depth)
            } else {
                self.reference(s, n, name)
            };
            out.push_str(&self.text_arg(s, n, "Fn::Sub", v)?);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(Val::Str(out))
    }

    /// A named condition of stack `s`, memoised; a cycle is an unknown.
    pub fn condition(&self, s: usize, at: &Node, name: &str, depth: u32) -> CondResult {
        let key = (s, name.to_string());
        if let Some(r) = self.conds.borrow().get(&key) {
            return r.clone();
        }
        if !self.busy.borrow_mut().insert(key.clone()) {
            let why = format!("condition `{name}` depends on itself");
            self.issue(s, at.line, false, why.clone());
            return Err(why);
        }
        let r = match self.stacks[s]
            .root
            .get("Conditions")
            .and_then(|c| c.get(name))
        {
            Some(c) => self.cond_expr(s, c, depth + 1),
            None => {
                let why = format!("no condition named `{name}`");
                self.issue(s, at.line, false, why.clone());
                Err(why)
            }
        };
        self.busy.borrow_mut().remove(&key);
        self.conds.borrow_mut().insert(key, r.clone());
        r
    }

    fn cond_expr(&self, s: usize, n: &Node, depth: u32) -> CondResult {
        if depth > MAX_EVAL_DEPTH {
            return Err(self
                .fail(s, n, "conditions nested too deep".into())
                .unknown()
                .unwrap_or_default()
                .to_string());
        }
        let Some((f, arg)) = n.intrinsic() else {
            return match self.ev(s, n, depth + 1) {
                Val::Unknown(w) => Err(w),
                v => v
                    .truthy()
                    .ok_or_else(|| format!("`{v:?}` is not a condition")),
            };
        };
        let items = |lo: usize, hi: usize| -> Result<&[Node], String> {
            match &arg.v {
                NodeV::Seq(i) if (lo..=hi).contains(&i.len()) => Ok(i),
                _ => {
                    let why = format!("{f} takes {lo}..{hi} conditions");
                    self.issue(s, n.line, false, why.clone());
                    Err(why)
                }
            }
        };
        match f {
            "Condition" => {
                let name = self.ev(s, arg, depth + 1).text().unwrap_or_default();
                self.condition(s, n, &name, depth + 1)
            }
            "Fn::Equals" => {
                let a = items(2, 2)?;
                let x = self.ev(s, &a[0], depth + 1);
                let y = self.ev(s, &a[1], depth + 1);
                if let Some(w) = x.first_unknown().or(y.first_unknown()) {
                    return Err(w.to_string());
                }
                Ok(x.text().map_or_else(|| x == y, |xt| Some(xt) == y.text()))
            }
            "Fn::Not" => Ok(!self.cond_expr(s, &items(1, 1)?[0], depth + 1)?),
            "Fn::And" | "Fn::Or" => {
                let and = f == "Fn::And";
                let mut unknown = None;
                for c in items(2, 10)? {
                    match self.cond_expr(s, c, depth + 1) {
                        Ok(b) if b != and => return Ok(b),
                        Ok(_) => {}
                        Err(w) => unknown = Some(w),
                    }
                }
                unknown.map_or(Ok(and), Err)
            }
            _ => match self.ev(s, n, depth + 1) {
                Val::Unknown(w) => Err(w),
                v => v
                    .truthy()
                    .ok_or_else(|| format!("{f} is not a condition function")),
            },
        }
    }
}
