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
                self.name(p).replace('"', "'"),
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
