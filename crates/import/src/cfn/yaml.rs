//! YAML templates through yaml-rust2's event parser: tags are kept (the
//! `!Ref` short forms need them), every node gets its line, duplicate keys
//! are resolved last-wins with a warning (CloudFormation's own behaviour,
//! which strict serde-based loaders refuse), and aliases are bounded.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::node::{MAX_DEPTH, Node, NodeV};
use crate::ImportError;

/// Aliases may copy anchored trees; past this many nodes the document is
/// refused (a "billion laughs" file must not exhaust memory).
const MAX_NODES: usize = 2_000_000;

/// Something the reader resolved that a user should know: a duplicate
/// mapping key (the later one wins), or an alias or merge key (expanded, as
/// `aws cloudformation package` and `sam` do; CloudFormation itself refuses
/// aliases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub line: usize,
    pub message: String,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        tag: Option<Tag>,
        anchor: usize,
        line: usize,
    },
    Map {
        items: Vec<(String, Node)>,
        /// The pending key and its line.
        key: Option<(String, usize)>,
        /// Keys that came from a `<<` merge: explicit keys replace them quietly.
        merged: Vec<String>,
        tag: Option<Tag>,
        anchor: usize,
        line: usize,
    },
}

/// Parses the first document of `text`.
pub fn parse_yaml(path: &str, text: &str) -> Result<(Node, Vec<DuplicateKey>), ImportError> {
    let syntax = |m: Marker, message: String| ImportError::Syntax {
        path: path.to_string(),
        line: m.line(),
        col: m.col() + 1,
        message,
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut dups = Vec::new();
    let mut nodes = 0usize;
    let mut aliased = false;
    let mut root: Option<Node> = None;
    loop {
        let (ev, mark) = parser
            .next_token()
            .map_err(|e| syntax(*e.marker(), format!("invalid YAML: {}", e.info())))?;
        let done: Option<(Node, usize)> = match ev {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => None,
            Event::Alias(id) => {
                let mut n = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| syntax(mark, "alias to an unknown anchor".into()))?;
                nodes += count(&n);
                if !aliased {
                    aliased = true;
                    dups.push(DuplicateKey {
                        key: "*alias".into(),
                        line: mark.line(),
                        message: "YAML aliases are expanded, as `aws cloudformation package` does; CloudFormation itself refuses them".into(),
                    });
                }
                n.line = mark.line();
                Some((n, 0))
            }
            Event::Scalar(value, style, anchor, tag) => {
                nodes += 1;
                let v = scalar(value, style, tag.as_ref());
                Some((tagged(v, mark.line(), tag.as_ref()), anchor))
            }
            Event::SequenceStart(anchor, tag) => {
                stack.push(Frame::Seq {
                    items: Vec::new(),
                    tag,
                    anchor,
                    line: mark.line(),
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                stack.push(Frame::Map {
                    items: Vec::new(),
                    key: None,
                    merged: Vec::new(),
                    tag,
                    anchor,
                    line: mark.line(),
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    items,
                    tag,
                    anchor,
                    line,
                }) => {
                    nodes += 1;
                    Some((tagged(NodeV::Seq(items), line, tag.as_ref()), anchor))
                }
                _ => return Err(syntax(mark, "unbalanced sequence".into())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    items,
                    tag,
                    anchor,
                    line,
                    ..
                }) => {
                    nodes += 1;
                    Some((tagged(NodeV::Map(items), line, tag.as_ref()), anchor))
                }
                _ => return Err(syntax(mark, "unbalanced mapping".into())),
            },
        };
        if stack.len() > MAX_DEPTH {
            return Err(syntax(
                mark,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        if nodes > MAX_NODES {
            return Err(syntax(mark, "aliases expand to too many nodes".into()));
        }
        let Some((node, anchor)) = done else { continue };
        if anchor > 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                items, key, merged, ..
            }) => match key.take() {
                None => {
                    let k = match &node.v {
                        NodeV::Str(s) | NodeV::Num(s) => s.clone(),
                        NodeV::Bool(b) => b.to_string(),
                        NodeV::Null => String::new(),
                        _ => return Err(syntax(mark, "a mapping key must be a scalar".into())),
                    };
                    *key = Some((k, node.line));
                }
                Some((k, key_line)) if k == "<<" => {
                    // A merge key: the merged mapping's keys, unless given explicitly.
                    let sources = match node.v {
                        NodeV::Map(m) => vec![m],
                        NodeV::Seq(list) => list
                            .into_iter()
                            .filter_map(|n| match n.v {
                                NodeV::Map(m) => Some(m),
                                _ => None,
                            })
                            .collect(),
                        _ => return Err(syntax(mark, "`<<` must merge a mapping".into())),
                    };
                    for (mk, mv) in sources.into_iter().flatten() {
                        if !items.iter().any(|(e, _)| *e == mk) {
                            merged.push(mk.clone());
                            items.push((mk, mv));
                        }
                    }
                    let _ = key_line;
                }
                Some((k, key_line)) => {
                    let mut node = node;
                    // A block collection starts on the line after its key; the
                    // key's line is the one a user looks for.
                    if matches!(node.v, NodeV::Map(_) | NodeV::Seq(_)) {
                        node.line = key_line;
                    }
                    if let Some(i) = items.iter().position(|(e, _)| *e == k) {
                        if let Some(m) = merged.iter().position(|e| *e == k) {
                            merged.remove(m);
                        } else {
                            dups.push(DuplicateKey {
                                message: format!("duplicate key `{k}`: the last one is used, as CloudFormation does"),
                                key: k.clone(),
                                line: key_line,
                            });
                        }
                        items.remove(i);
                    }
                    items.push((k, node));
                }
            },
        }
    }
    Ok((root.unwrap_or(Node::new(NodeV::Null, 1)), dups))
}

fn count(n: &Node) -> usize {
    1 + match &n.v {
        NodeV::Seq(s) => s.iter().map(count).sum(),
        NodeV::Map(m) => m.iter().map(|(_, v)| count(v)).sum(),
        _ => 0,
    }
}

/// Plain scalars are resolved by YAML 1.2's core schema; quoted ones and
/// tagged ones stay strings.
fn scalar(value: String, style: TScalarStyle, tag: Option<&Tag>) -> NodeV {
    if style != TScalarStyle::Plain {
        return NodeV::Str(value);
    }
    if let Some(t) = tag {
        if t.handle == "tag:yaml.org,2002:" {
            return match t.suffix.as_str() {
                "null" => NodeV::Null,
                "bool" => NodeV::Bool(value == "true"),
                "int" | "float" => NodeV::Num(value),
                _ => NodeV::Str(value),
            };
        }
        return NodeV::Str(value);
    }
    match value.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => NodeV::Null,
        "true" | "True" | "TRUE" => NodeV::Bool(true),
        "false" | "False" | "FALSE" => NodeV::Bool(false),
        s if is_number(s) => NodeV::Num(value),
        _ => NodeV::Str(value),
    }
}

fn is_number(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    !t.is_empty()
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && (t.parse::<f64>().is_ok() || t.parse::<i64>().is_ok())
        && !t.contains(['_', ' '])
}

/// CloudFormation's short forms: `!Ref X` is `{Ref: X}`, `!GetAtt a.b`
/// is `{Fn::GetAtt: "a.b"}`, `!Sub ...` is `{Fn::Sub: ...}`; `!Condition X`
/// is `{Condition: X}`. Any other local tag `!Foo` becomes `{Fn::Foo: ...}`,
/// which the evaluator reports as unsupported.
fn tagged(v: NodeV, line: usize, tag: Option<&Tag>) -> Node {
    let inner = Node::new(v, line);
    let Some(t) = tag else { return inner };
    if t.handle != "!" {
        return inner;
    }
    let key = match t.suffix.as_str() {
        "Ref" => "Ref".to_string(),
        "Condition" => "Condition".to_string(),
        s => format!("Fn::{s}"),
    };
    Node::new(NodeV::Map(vec![(key, inner)]), line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms() {
        let (n, _) =
            parse_yaml("t.yaml", "a: !Ref X\nb: !GetAtt Y.Arn\nc: !Sub [x, {}]\n").unwrap();
        assert_eq!(n.get("a").unwrap().intrinsic().unwrap().0, "Ref");
        let (k, v) = n.get("b").unwrap().intrinsic().unwrap();
        assert_eq!((k, v.as_scalar().as_deref()), ("Fn::GetAtt", Some("Y.Arn")));
        assert!(matches!(
            n.get("c").unwrap().intrinsic().unwrap().1.v,
            NodeV::Seq(_)
        ));
        assert_eq!(n.get("c").unwrap().line, 3);
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let (n, d) = parse_yaml("t.yaml", "a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(n.get("a").unwrap().as_scalar().as_deref(), Some("3"));
        assert_eq!((d[0].key.as_str(), d[0].line), ("a", 3));
    }

    #[test]
    fn merge_keys_and_aliases_expand() {
        let (n, d) = parse_yaml("t.yaml", "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n").unwrap();
        let c = n.get("c").unwrap();
        assert_eq!(c.get("x").unwrap().as_scalar().as_deref(), Some("1"));
        assert_eq!(c.get("y").unwrap().as_scalar().as_deref(), Some("3"));
        assert_eq!(
            d.len(),
            1,
            "one note for the aliases, none for the overridden merge: {d:?}"
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let e = parse_yaml("t.yaml", "a: [1, 2\nb: 3\n").unwrap_err();
        let ImportError::Syntax { line, .. } = e else {
            panic!("{e:?}")
        };
        assert!(line >= 1);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        assert!(parse_yaml("t.yaml", &text).is_err());
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut t = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let p = (b'a' + i) as char;
            let n = (b'a' + i + 1) as char;
            t.push_str(&format!(
                "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            ));
        }
        assert!(parse_yaml("t.yaml", &t).is_err());
    }
}
