//! Graphviz DOT of a [`Topology`]: one node per component, in scenario
//! order, with a shape per kind and a line style per link.

use std::fmt::Write as _;

use petgraph::visit::EdgeRef;

use crate::topology::{Link, Part, Topology};

fn shape(p: Part) -> &'static str {
    match p {
        Part::Vpc(_) => "box3d",
        Part::Subnet(_) => "box",
        Part::RouteTable(_) => "note",
        Part::Igw(_) | Part::Eigw(_) | Part::Nat(_) | Part::Peering(_) | Part::Tgw(_) => "diamond",
        Part::Endpoint(_) => "hexagon",
        Part::Resource(_) => "ellipse",
        Part::Function(_) => "component",
        Part::Service(_) | Part::Internet => "cloud",
    }
}

/// The inside of a DOT quoted string: `\\` and `"` escaped (an id
/// ending in a backslash used to escape the closing quote and break the
/// file), line breaks as `\n`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

impl Topology<'_> {
    /// Graphviz DOT, one node per component, in scenario order.
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "graph awsreach {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n",
        );
        for i in self.g.node_indices() {
            let p = self.g[i];
            let _ = writeln!(
                out,
                "  n{} [label=\"{}\", shape={}];",
                i.index(),
                escape(&self.name(p)),
                shape(p)
            );
        }
        for e in self.g.edge_references() {
            let style = match e.weight() {
                Link::In => "style=dotted",
                Link::Uses => "style=solid",
                Link::Routes => "style=bold",
                Link::Joins => "style=dashed",
                Link::Invokes => "style=bold, color=blue",
            };
            let _ = writeln!(
                out,
                "  n{} -- n{} [{style}];",
                e.source().index(),
                e.target().index()
            );
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    /// Issue 16 item 10: an id with a backslash or a quote made invalid DOT.
    #[test]
    fn dot_strings_escape_backslashes_and_quotes() {
        assert_eq!(escape(r"fw\"), r"fw\\");
        assert_eq!(escape(r#"a"b"#), r#"a\"b"#);
        assert_eq!(escape("a\nb"), r"a\nb");
        // Every quote of a label is escaped: the string ends where DOT expects.
        let label = format!("\"{}\"", escape(r#"x\" -- n0 [z"#));
        let inner = &label[1..label.len() - 1];
        let mut backslashes = 0;
        for c in inner.chars() {
            assert!(
                c != '"' || backslashes % 2 == 1,
                "unescaped quote in {label}"
            );
            backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        }
        assert_eq!(
            backslashes % 2,
            0,
            "the closing quote is escaped in {label}"
        );
    }
}
