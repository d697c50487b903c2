//! The parsed template: one tree for YAML and JSON, every node with the
//! line it starts on, YAML short-form tags already turned into their long
//! form (`!Ref X` is `{Ref: X}`), so the evaluator sees one shape.

use super::yaml::DuplicateKey;
use crate::ImportError;

/// A node of the template and where it starts (1-based; line 0 when the
/// parser gives no position, as for JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub v: NodeV,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeV {
    Null,
    Bool(bool),
    /// A number, kept as written (CloudFormation compares numbers as strings).
    Num(String),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order; duplicates were resolved by the parser.
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn new(v: NodeV, line: usize) -> Node {
        Node { v, line }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.v {
            NodeV::Map(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, Node)]> {
        match &self.v {
            NodeV::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A scalar as text (strings, numbers and booleans).
    pub fn as_scalar(&self) -> Option<String> {
        match &self.v {
            NodeV::Str(s) | NodeV::Num(s) => Some(s.clone()),
            NodeV::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A one-key mapping whose key names an intrinsic function or `Ref`.
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        match &self.v {
            NodeV::Map(m) if m.len() == 1 => {
                let (k, v) = &m[0];
                (k == "Ref" || k == "Condition" || k.starts_with("Fn::")).then_some((k.as_str(), v))
            }
            _ => None,
        }
    }
}

/// Nesting deeper than this is refused: no real template comes close, and a
/// bound keeps every recursive walk of the tree on a small stack.
pub const MAX_DEPTH: usize = 200;

/// Parses JSON text into a [`Node`] tree; syntax errors carry `line:col`.
/// serde_json decides validity and positions errors; the tree comes from the
/// YAML reader when it agrees (JSON is YAML 1.2 flow style), which keeps
/// document order and the line of every node.
pub fn parse_json(path: &str, text: &str) -> Result<(Node, Vec<DuplicateKey>), ImportError> {
    let checked = parse_json_only(path, text)?;
    match super::yaml::parse_yaml(path, text) {
        Ok((n, dups)) if n.as_map().is_some() => Ok((n, dups)),
        _ => Ok((checked, Vec::new())),
    }
}

fn parse_json_only(path: &str, text: &str) -> Result<Node, ImportError> {
    // serde_json's own recursion limit (128) answers deep nesting with an error.
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| ImportError::Syntax {
        path: path.to_string(),
        line: e.line(),
        col: e.column(),
        message: format!("invalid JSON: {e}")
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_string(),
    })?;
    Ok(from_json(&v))
}

fn from_json(v: &serde_json::Value) -> Node {
    use serde_json::Value;
    let nv = match v {
        Value::Null => NodeV::Null,
        Value::Bool(b) => NodeV::Bool(*b),
        Value::Number(n) => NodeV::Num(n.to_string()),
        Value::String(s) => NodeV::Str(s.clone()),
        Value::Array(a) => NodeV::Seq(a.iter().map(from_json).collect()),
        Value::Object(o) => NodeV::Map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()),
    };
    Node::new(nv, 0)
}

/// The line of `"key":` in JSON text (the first occurrence after `after`),
/// so report entries for JSON templates can point at a line too.
pub fn json_key_line(text: &str, key: &str, after: usize) -> Option<(usize, usize)> {
    let needle = format!("\"{key}\"");
    let mut from = after;
    while let Some(pos) = text.get(from..)?.find(&needle) {
        let at = from + pos;
        let rest = text[at + needle.len()..].trim_start();
        if rest.starts_with(':') {
            let line = text[..at].bytes().filter(|&b| b == b'\n').count() + 1;
            return Some((line, at));
        }
        from = at + needle.len();
    }
    None
}
