//! Graphviz DOT of a [`Topology`], nested as AWS draws a network: region →
//! VPC → availability zone → subnet clusters, gateways, gateway endpoints
//! and route tables at the VPC level, services, Lambda-managed functions,
//! peering and transit gateways in the region, the internet outside; route
//! edges labelled with their destinations, and a legend. With a path
//! ([`Topology::to_dot_path`]) the nodes a trace passes are coloured and
//! numbered, green while it passes and red at the blocking hop. Only shapes
//! Graphviz knows (`dot -Tsvg` renders it without a warning; `.ci/graphviz`
//! checks every scenario).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use awsreach_model::{RouteTableId, Scenario, SubnetId, Target, VpcId};

use crate::topology::{self, Item, Mark, Nest, Part, PathHop, Spot, Topology};

fn shape(p: Part) -> &'static str {
    match p {
        Part::Vpc(_) | Part::Subnet(_) => "box",
        Part::RouteTable(_) => "note",
        Part::Igw(_) | Part::Eigw(_) => "invhouse",
        Part::Nat(_) => "octagon",
        Part::Endpoint(_) => "hexagon",
        Part::Peering(_) | Part::Tgw(_) => "diamond",
        Part::Resource(_) => "box3d",
        Part::Function(_) => "component",
        Part::Service(_) => "tab",
        Part::Poller(_) => "parallelogram",
        Part::Host(_) => "ellipse",
        Part::Internet => "doublecircle",
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

const PASS: &str = "#1a7f37";
const BLOCK: &str = "#cf222e";
const UNKNOWN: &str = "#bf8700";

fn mark_colour(m: Mark) -> &'static str {
    match m {
        Mark::Pass | Mark::Info => PASS,
        Mark::Block => BLOCK,
        Mark::Unknown => UNKNOWN,
    }
}

/// What the path does at each drawn item: its steps and the worst mark.
#[derive(Default)]
struct Marked {
    steps: Vec<String>,
    mark: Option<Mark>,
}

impl Topology<'_> {
    /// Graphviz DOT of the whole topology.
    pub fn to_dot(&self) -> String {
        self.to_dot_path(&[])
    }

    /// Graphviz DOT with `path` (a trace's hops) marked: the nodes it passes
    /// coloured and numbered by step, and numbered edges from node to node.
    /// Hops at components that are not nodes (security groups, network
    /// ACLs, DNS) are numbered on the node drawn just before them.
    pub fn to_dot_path(&self, path: &[PathHop]) -> String {
        let sc = self.scenario();
        let items = topology::items(sc);
        let at = topology::locate(sc, &items, path);
        let mut marked: BTreeMap<usize, Marked> = BTreeMap::new();
        // Consecutive drawn items of the path: (from item, to item, step, mark, reply).
        let mut legs: Vec<(usize, usize, usize, Mark, bool)> = Vec::new();
        let mut last: Option<usize> = None;
        for (h, &item) in path.iter().zip(&at) {
            let Some(i) = item.or(last) else { continue };
            let m = marked.entry(i).or_default();
            m.steps.push(format!("{} {}", h.step, h.mark.symbol()));
            m.mark = Some(match (m.mark, h.mark) {
                (Some(Mark::Block), _) | (_, Mark::Block) => Mark::Block,
                (Some(Mark::Unknown), _) | (_, Mark::Unknown) => Mark::Unknown,
                _ => Mark::Pass,
            });
            if let (Some(prev), Some(_)) = (last, item)
                && prev != i
            {
                legs.push((prev, i, h.step, h.mark, h.reply));
            }
            last = Some(i);
        }

        let mut out = String::from(
            "digraph awsreach {\n  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.5];\n  node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=white];\n  edge [fontname=\"Helvetica\", fontsize=9, color=\"#57606a\"];\n",
        );
        let node = |out: &mut String, ix: usize, indent: &str| {
            let it = &items[ix];
            let mut label = it.name.clone();
            if !it.note.is_empty() {
                label = format!("{label}\n{}", it.note);
            }
            let mut attrs = format!(
                "label=\"{}\", shape={}, tooltip=\"{}\"",
                escape(&label),
                shape(it.part),
                escape(&format!("{} {}", topology::kind_word(sc, it.part), it.name))
            );
            if let Some(m) = marked.get(&ix) {
                let c = mark_colour(m.mark.unwrap_or(Mark::Pass));
                let _ = write!(
                    attrs,
                    ", color=\"{c}\", penwidth=2.5, fontcolor=\"{c}\", xlabel=\"{}\"",
                    escape(&m.steps.join(", "))
                );
            }
            let _ = writeln!(out, "{indent}i{ix} [{attrs}];");
        };
        let items = &items;
        let in_spot = |s: Spot| (0..items.len()).filter(move |&i| items[i].spot == s);

        let nest = Nest::of(sc, |_| true, |_| true);
        let _ = writeln!(
            out,
            "  subgraph cluster_region {{\n    label=\"region {}\"; style=rounded; color=\"#8c959f\";",
            escape(&sc.region)
        );
        for (vpc, azs) in &nest.vpcs {
            self.vpc_cluster(
                &mut out,
                sc,
                *vpc,
                azs,
                &mut |o, i, ind| node(o, i, ind),
                items,
            );
        }
        let lambda: Vec<usize> = in_spot(Spot::Region)
            .filter(|&i| matches!(items[i].part, Part::Function(_) | Part::Poller(_)))
            .collect();
        if !lambda.is_empty() {
            out.push_str("    subgraph cluster_lambda {\n      label=\"Lambda-managed network\"; style=dashed; color=\"#8c959f\";\n");
            for i in lambda {
                node(&mut out, i, "      ");
            }
            out.push_str("    }\n");
        }
        let services: Vec<usize> = in_spot(Spot::Region)
            .filter(|&i| matches!(items[i].part, Part::Service(_)))
            .collect();
        if !services.is_empty() {
            out.push_str("    subgraph cluster_services {\n      label=\"AWS services\"; style=dashed; color=\"#8c959f\";\n");
            for i in services {
                node(&mut out, i, "      ");
            }
            out.push_str("    }\n");
        }
        for i in in_spot(Spot::Region)
            .filter(|&i| matches!(items[i].part, Part::Peering(_) | Part::Tgw(_)))
        {
            node(&mut out, i, "    ");
        }
        out.push_str("  }\n");
        for i in in_spot(Spot::Outside) {
            node(&mut out, i, "  ");
        }

        self.edges(&mut out, sc, items);
        for (a, b, step, mark, reply) in legs {
            let c = mark_colour(mark);
            let style = if reply { "dashed" } else { "solid" };
            let _ = writeln!(
                out,
                "  i{a} -> i{b} [color=\"{c}\", fontcolor=\"{c}\", penwidth=2.5, style={style}, label=\"{step}\", constraint=false];"
            );
        }
        legend(&mut out, !path.is_empty());
        out.push_str("}\n");
        out
    }

    fn vpc_cluster(
        &self,
        out: &mut String,
        sc: &Scenario,
        vpc: VpcId,
        azs: &[(String, Vec<SubnetId>)],
        node: &mut dyn FnMut(&mut String, usize, &str),
        items: &[Item],
    ) {
        let v = &sc.vpcs[vpc.ix()];
        let cidrs: Vec<String> = v.cidrs.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "    subgraph cluster_v{} {{\n      label=\"VPC {}\\n{}\"; style=\"rounded,bold\"; color=\"#1f6feb\";\n      v{} [shape=point, style=invis, width=0.01];",
            vpc.0,
            escape(&v.name),
            escape(&cidrs.join(", ")),
            vpc.0
        );
        for i in (0..items.len()).filter(|&i| items[i].spot == Spot::Vpc(vpc)) {
            node(out, i, "      ");
        }
        for (k, (az, subnets)) in azs.iter().enumerate() {
            let _ = writeln!(
                out,
                "      subgraph cluster_v{}_az{k} {{\n        label=\"AZ {}\"; style=dashed; color=\"#8c959f\";",
                vpc.0,
                escape(az)
            );
            for s in subnets {
                let sn = &sc.subnets[s.ix()];
                let _ = writeln!(
                    out,
                    "        subgraph cluster_s{} {{\n          label=\"subnet {}\\n{}\"; style=\"rounded,filled\"; fillcolor=\"#f6f8fa\"; color=\"#57606a\";\n          s{} [shape=point, style=invis, width=0.01];",
                    s.0,
                    escape(&sn.name),
                    sn.cidr,
                    s.0
                );
                for i in (0..items.len()).filter(|&i| items[i].spot == Spot::Subnet(*s)) {
                    node(out, i, "          ");
                }
                out.push_str("        }\n");
            }
            out.push_str("      }\n");
        }
        out.push_str("    }\n");
    }

    /// Subnet → route table, route table → target (labelled with the
    /// destinations), gateways to the internet, endpoints to their service,
    /// peering and transit gateways to their VPCs, triggers.
    fn edges(&self, out: &mut String, sc: &Scenario, items: &[Item]) {
        let first = |p: Part| items.iter().position(|i| i.part == p);
        for (i, s) in sc.subnets.iter().enumerate() {
            if let Some(rt) = first(Part::RouteTable(s.route_table)) {
                let _ = writeln!(
                    out,
                    "  s{i} -> i{rt} [ltail=cluster_s{i}, style=dashed, arrowhead=none, color=\"#8c959f\"];"
                );
            }
        }
        for (r, table) in sc.route_tables.iter().enumerate() {
            let Some(from) = first(Part::RouteTable(RouteTableId(r as u32))) else {
                continue;
            };
            let mut by_target: Vec<(String, Vec<String>)> = Vec::new();
            for route in &table.routes {
                let to = match route.target {
                    Target::Local => continue,
                    Target::Blackhole => "blackhole".to_string(),
                    Target::Igw(g) => node_of(first(Part::Igw(g))),
                    Target::EgressOnlyIgw(g) => node_of(first(Part::Eigw(g))),
                    Target::Nat(n) => node_of(first(Part::Nat(n))),
                    Target::Endpoint(e) => node_of(first(Part::Endpoint(e))),
                    Target::Peering(p) => node_of(first(Part::Peering(p))),
                    Target::TransitGateway(t) => node_of(first(Part::Tgw(t))),
                    Target::Eni(e) => match sc.enis[e.ix()].owner {
                        awsreach_model::EniOwner::Resource(x) => node_of(first(Part::Resource(x))),
                        _ => continue,
                    },
                };
                let dest = topology::dest_str(sc, route.dest);
                match by_target.iter_mut().find(|(t, _)| *t == to) {
                    Some((_, d)) => d.push(dest),
                    None => by_target.push((to, vec![dest])),
                }
            }
            for (to, dests) in by_target {
                if to.is_empty() {
                    continue;
                }
                if to == "blackhole" {
                    let _ = writeln!(
                        out,
                        "  bh{r} [label=\"blackhole\", shape=point, width=0.12, color=\"{BLOCK}\"];\n  i{from} -> bh{r} [label=\"{}\", color=\"{BLOCK}\"];",
                        escape(&dests.join("\n"))
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "  i{from} -> {to} [label=\"{}\", style=bold];",
                        escape(&dests.join("\n"))
                    );
                }
            }
        }
        let internet = first(Part::Internet);
        for (k, it) in items.iter().enumerate() {
            match it.part {
                Part::Igw(_) | Part::Eigw(_) => {
                    if let Some(n) = internet {
                        let _ = writeln!(out, "  i{k} -> i{n} [style=dotted, arrowhead=none];");
                    }
                }
                Part::Endpoint(e) => {
                    if let Some(svc) = first(Part::Service(sc.endpoints[e.ix()].service)) {
                        let _ = writeln!(out, "  i{k} -> i{svc} [style=dotted];");
                    }
                }
                Part::Peering(p) => {
                    let pc = &sc.peerings[p.ix()];
                    for v in [pc.requester, pc.accepter] {
                        let _ = writeln!(
                            out,
                            "  i{k} -> v{} [lhead=cluster_v{}, style=dotted, arrowhead=none];",
                            v.0, v.0
                        );
                    }
                }
                Part::Tgw(t) => {
                    for a in &sc.transit_gateways[t.ix()].attachments {
                        let _ = writeln!(
                            out,
                            "  i{k} -> v{} [lhead=cluster_v{}, style=dotted, arrowhead=none, label=\"attachment\"];",
                            a.vpc.0, a.vpc.0
                        );
                    }
                }
                _ => {}
            }
        }
        for (t, svc, pollers, f) in topology::trigger_edges(sc, items) {
            if pollers.is_empty() {
                let _ = writeln!(
                    out,
                    "  i{svc} -> i{f} [label=\"{}\", color=\"#0969da\", fontcolor=\"#0969da\"];",
                    escape(&t.name)
                );
            }
            for p in pollers {
                let _ = writeln!(
                    out,
                    "  i{p} -> i{svc} [style=dotted, color=\"#0969da\", label=\"polls\"];\n  i{p} -> i{f} [label=\"{}\", color=\"#0969da\", fontcolor=\"#0969da\"];",
                    escape(&t.name)
                );
            }
        }
    }
}

fn node_of(i: Option<usize>) -> String {
    i.map(|i| format!("i{i}")).unwrap_or_default()
}

/// The legend: one sample of each shape and line.
fn legend(out: &mut String, with_path: bool) {
    out.push_str("  subgraph cluster_legend {\n    label=\"legend\"; style=rounded; color=\"#8c959f\"; fontsize=10;\n    node [fontsize=9, width=0.3, height=0.2];\n    edge [fontsize=8];\n");
    let shapes = [
        ("Lambda function", "component"),
        ("EC2 / RDS / resource", "box3d"),
        ("route table", "note"),
        ("internet / egress-only gateway", "invhouse"),
        ("NAT gateway", "octagon"),
        ("VPC endpoint", "hexagon"),
        ("peering / transit gateway", "diamond"),
        ("AWS service", "tab"),
        ("event poller", "parallelogram"),
        ("internet", "doublecircle"),
    ];
    for (k, (label, shape)) in shapes.iter().enumerate() {
        let _ = writeln!(out, "    lg{k} [label=\"{label}\", shape={shape}];");
    }
    let lines = [
        ("route (destinations)", "style=bold"),
        (
            "subnet uses table",
            "style=dashed, arrowhead=none, color=\"#8c959f\"",
        ),
        ("attached / serves", "style=dotted"),
        ("trigger invokes", "color=\"#0969da\""),
    ];
    let mut lines: Vec<(&str, String)> = lines.iter().map(|(l, a)| (*l, a.to_string())).collect();
    if with_path {
        lines.push((
            "path passes (step)",
            format!("color=\"{PASS}\", penwidth=2.5"),
        ));
        lines.push((
            "path blocked here",
            format!("color=\"{BLOCK}\", penwidth=2.5"),
        ));
    }
    for (k, (label, attrs)) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "    la{k} [label=\"\", shape=point, width=0.05];\n    lb{k} [label=\"{label}\", shape=plaintext, style=\"\"];\n    la{k} -> lb{k} [{attrs}];"
        );
    }
    out.push_str("  }\n");
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
