//! Mermaid flowcharts (GitHub renders them in a PR comment inside a
//! ```` ```mermaid ```` block): the topology nested region → VPC → AZ →
//! subnet ([`graph`]), and one trace hop by hop ([`trace`]), the path
//! highlighted with `classDef`/`class` and `linkStyle`. Node ids are
//! generated (`n0`, `h3`), never a scenario id, and every label is quoted
//! with its special characters as Mermaid entity codes, so no id can break
//! the chart.

use std::fmt::Write as _;

use awsreach_model::{RouteTableId, Target};

use crate::topology::{self, Item, Mark, Nest, Part, PathHop, Spot, Topology};

/// The text of a quoted Mermaid label: characters Mermaid or Markdown give
/// a meaning to as `#code;` entities, line breaks as `<br/>`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            '"' | '#' | '<' | '>' | '&' | '`' | '[' | ']' | '{' | '}' | '(' | ')' | '|' | '\\'
            | ';' => {
                let _ = write!(out, "#{};", c as u32);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

const CLASSES: &str = "  classDef pass fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1a7f37\n  classDef block fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#cf222e\n  classDef unknown fill:#fff8c5,stroke:#bf8700,stroke-width:2px,color:#7d4e00\n  classDef info fill:#f6f8fa,stroke:#57606a,color:#24292f\n";

fn class(m: Mark) -> &'static str {
    match m {
        Mark::Pass => "pass",
        Mark::Block => "block",
        Mark::Unknown => "unknown",
        Mark::Info => "info",
    }
}

fn colour(m: Mark) -> &'static str {
    match m {
        Mark::Block => "#cf222e",
        Mark::Unknown => "#bf8700",
        Mark::Pass | Mark::Info => "#1a7f37",
    }
}

/// A node with the shape of its kind: `n3[["fn"]]`.
fn node(id: &str, p: Part, label: &str) -> String {
    let l = escape(label);
    match p {
        Part::Function(_) => format!("{id}[[\"{l}\"]]"),
        Part::Resource(_) => format!("{id}[(\"{l}\")]"),
        Part::RouteTable(_) => format!("{id}[/\"{l}\"/]"),
        Part::Igw(_) | Part::Eigw(_) => format!("{id}>\"{l}\"]"),
        Part::Nat(_) | Part::Endpoint(_) => format!("{id}{{{{\"{l}\"}}}}"),
        Part::Peering(_) | Part::Tgw(_) => format!("{id}{{\"{l}\"}}"),
        Part::Service(_) | Part::Host(_) => format!("{id}(\"{l}\")"),
        Part::Poller(_) => format!("{id}[/\"{l}\"\\]"),
        Part::Internet => format!("{id}((\"{l}\"))"),
        Part::Vpc(_) | Part::Subnet(_) => format!("{id}[\"{l}\"]"),
    }
}

/// Edges written so far, to address them in `linkStyle`.
struct Edges {
    out: String,
    count: usize,
}

impl Edges {
    fn add(&mut self, a: &str, arrow: &str, label: &str, b: &str) -> usize {
        if label.is_empty() {
            let _ = writeln!(self.out, "  {a} {arrow} {b}");
        } else {
            let _ = writeln!(self.out, "  {a} {arrow}|\"{}\"| {b}", escape(label));
        }
        self.count += 1;
        self.count - 1
    }
}

/// The topology as a Mermaid flowchart, with `path` (a trace's hops)
/// highlighted: the nodes it passes classed `pass`/`block`/`unknown` and
/// numbered edges between them styled green (red into the blocking hop).
pub fn graph(t: &Topology<'_>, path: &[PathHop]) -> String {
    let sc = t.scenario();
    let items = topology::items(sc);
    let at = topology::locate(sc, &items, path);
    let mut out = String::from("flowchart LR\n");
    let write_item = |out: &mut String, i: usize, indent: &str| {
        let it: &Item = &items[i];
        let label = if it.note.is_empty() {
            it.name.clone()
        } else {
            format!("{}\n{}", it.name, it.note)
        };
        let _ = writeln!(out, "{indent}{}", node(&format!("n{i}"), it.part, &label));
    };
    let _ = writeln!(out, "  subgraph region [\"region {}\"]", escape(&sc.region));
    let nest = Nest::of(sc, |_| true, |_| true);
    for (vpc, azs) in &nest.vpcs {
        let v = &sc.vpcs[vpc.ix()];
        let cidrs: Vec<String> = v.cidrs.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "    subgraph v{} [\"VPC {}<br/>{}\"]",
            vpc.0,
            escape(&v.name),
            escape(&cidrs.join(", "))
        );
        for i in (0..items.len()).filter(|&i| items[i].spot == Spot::Vpc(*vpc)) {
            write_item(&mut out, i, "      ");
        }
        for (k, (az, subnets)) in azs.iter().enumerate() {
            let _ = writeln!(
                out,
                "      subgraph v{}az{k} [\"AZ {}\"]",
                vpc.0,
                escape(az)
            );
            for s in subnets {
                let sn = &sc.subnets[s.ix()];
                let _ = writeln!(
                    out,
                    "        subgraph s{} [\"subnet {} {}\"]",
                    s.0,
                    escape(&sn.name),
                    sn.cidr
                );
                let inside: Vec<usize> = (0..items.len())
                    .filter(|&i| items[i].spot == Spot::Subnet(*s))
                    .collect();
                if inside.is_empty() {
                    // Mermaid draws no empty subgraph; a placeholder keeps the subnet.
                    let _ = writeln!(out, "          s{}e[\" \"]", s.0);
                }
                for i in inside {
                    write_item(&mut out, i, "          ");
                }
                out.push_str("        end\n");
            }
            out.push_str("      end\n");
        }
        out.push_str("    end\n");
    }
    for i in (0..items.len()).filter(|&i| items[i].spot == Spot::Region) {
        write_item(&mut out, i, "    ");
    }
    out.push_str("  end\n");
    for i in (0..items.len()).filter(|&i| items[i].spot == Spot::Outside) {
        write_item(&mut out, i, "  ");
    }

    let first = |p: Part| {
        items
            .iter()
            .position(|i| i.part == p)
            .map(|i| format!("n{i}"))
    };
    let mut e = Edges {
        out: String::new(),
        count: 0,
    };
    for (i, s) in sc.subnets.iter().enumerate() {
        if let Some(rt) = first(Part::RouteTable(s.route_table)) {
            e.add(&format!("s{i}"), "-.-", "", &rt);
        }
    }
    for (r, table) in sc.route_tables.iter().enumerate() {
        let Some(from) = first(Part::RouteTable(RouteTableId(r as u32))) else {
            continue;
        };
        let mut by: Vec<(String, Vec<String>)> = Vec::new();
        for route in &table.routes {
            let to = match route.target {
                Target::Local => continue,
                Target::Blackhole => Some(format!("bh{r}")),
                Target::Igw(g) => first(Part::Igw(g)),
                Target::EgressOnlyIgw(g) => first(Part::Eigw(g)),
                Target::Nat(n) => first(Part::Nat(n)),
                Target::Endpoint(x) => first(Part::Endpoint(x)),
                Target::Peering(p) => first(Part::Peering(p)),
                Target::TransitGateway(g) => first(Part::Tgw(g)),
                Target::Eni(n) => match sc.enis[n.ix()].owner {
                    awsreach_model::EniOwner::Resource(x) => first(Part::Resource(x)),
                    _ => None,
                },
            };
            let Some(to) = to else { continue };
            let dest = topology::dest_str(sc, route.dest);
            match by.iter_mut().find(|(t, _)| *t == to) {
                Some((_, d)) => d.push(dest),
                None => by.push((to, vec![dest])),
            }
        }
        for (to, dests) in by {
            if to.starts_with("bh") {
                let _ = writeln!(e.out, "  {to}((\"blackhole\"))");
            }
            e.add(&from, "==>", &dests.join(", "), &to);
        }
    }
    let internet = first(Part::Internet);
    for (k, it) in items.iter().enumerate() {
        let me = format!("n{k}");
        match it.part {
            Part::Igw(_) | Part::Eigw(_) => {
                if let Some(n) = &internet {
                    e.add(&me, "-.-", "", n);
                }
            }
            Part::Endpoint(x) => {
                if let Some(s) = first(Part::Service(sc.endpoints[x.ix()].service)) {
                    e.add(&me, "-.->", "", &s);
                }
            }
            Part::Peering(p) => {
                let pc = &sc.peerings[p.ix()];
                for v in [pc.requester, pc.accepter] {
                    e.add(&me, "-.-", "", &format!("v{}", v.0));
                }
            }
            Part::Tgw(g) => {
                for a in &sc.transit_gateways[g.ix()].attachments {
                    e.add(&me, "-.-", "attachment", &format!("v{}", a.vpc.0));
                }
            }
            _ => {}
        }
    }
    for (tr, s, pollers, f) in topology::trigger_edges(sc, &items) {
        let (s, f) = (format!("n{s}"), format!("n{f}"));
        if pollers.is_empty() {
            e.add(&s, "-->", &tr.name, &f);
        }
        for p in pollers {
            e.add(&format!("n{p}"), "-.->", "polls", &s);
            e.add(&format!("n{p}"), "-->", &tr.name, &f);
        }
    }

    // The path: numbered edges between the drawn items it passes.
    let mut styled: Vec<(usize, Mark)> = Vec::new();
    let mut marks: Vec<(usize, Mark)> = Vec::new();
    let mut last: Option<usize> = None;
    for (h, &item) in path.iter().zip(&at) {
        let Some(i) = item.or(last) else { continue };
        match marks.iter_mut().find(|(k, _)| *k == i) {
            Some((_, m)) => {
                if h.mark == Mark::Block || (h.mark == Mark::Unknown && *m != Mark::Block) {
                    *m = h.mark;
                }
            }
            None => marks.push((
                i,
                if h.mark == Mark::Info {
                    Mark::Pass
                } else {
                    h.mark
                },
            )),
        }
        if let (Some(prev), Some(_)) = (last, item)
            && prev != i
        {
            let arrow = if h.reply { "-.->" } else { "-->" };
            let ix = e.add(
                &format!("n{prev}"),
                arrow,
                &h.step.to_string(),
                &format!("n{i}"),
            );
            styled.push((ix, h.mark));
        }
        last = Some(i);
    }
    out.push_str(&e.out);
    if !path.is_empty() {
        out.push_str(CLASSES);
        for (i, m) in &marks {
            let _ = writeln!(out, "  class n{i} {}", class(*m));
        }
        for (ix, m) in styled {
            let _ = writeln!(
                out,
                "  linkStyle {ix} stroke:{},stroke-width:3px",
                colour(m)
            );
        }
    }
    out
}

/// One trace as a Mermaid flowchart: a node per hop, numbered like the
/// text trace and classed by its decision, the forward path then the reply
/// in their own subgraphs, and the verdict. `title` names the probe
/// (`fn -> s3 (service-call, tcp/443)`), `verdict` is the verdict line.
pub fn trace(title: &str, hops: &[PathHop], verdict: &str, verdict_mark: Mark) -> String {
    let mut out = String::from("flowchart LR\n");
    let _ = writeln!(out, "  start([\"{}\"])", escape(title));
    let mut e = Edges {
        out: String::new(),
        count: 0,
    };
    let mut styled: Vec<(usize, Mark)> = Vec::new();
    let mut prev = "start".to_string();
    let mut in_reply = false;
    out.push_str("  subgraph forward [\"forward path\"]\n    direction LR\n");
    for h in hops {
        if h.reply && !in_reply {
            in_reply = true;
            out.push_str("  end\n  subgraph reply [\"reply (network ACLs are stateless)\"]\n    direction LR\n");
        }
        let mut label = format!("{} {} {}\n{}", h.step, h.mark.symbol(), h.kind, h.component);
        if let Some(r) = &h.rule {
            let _ = write!(label, "\n[{}]", short(r, 48));
        } else if h.mark == Mark::Block || h.mark == Mark::Unknown {
            let _ = write!(label, "\n{}", short(&h.detail, 48));
        }
        let id = format!("h{}", h.step);
        let _ = writeln!(out, "    {id}[\"{}\"]", escape(&label));
        let arrow = if h.reply { "-.->" } else { "-->" };
        let ix = e.add(&prev, arrow, "", &id);
        styled.push((ix, h.mark));
        prev = id;
    }
    out.push_str("  end\n");
    let _ = writeln!(out, "  verdict([\"{}\"])", escape(verdict));
    e.add(&prev, "-->", "", "verdict");
    styled.push((e.count - 1, verdict_mark));
    out.push_str(&e.out);
    out.push_str(CLASSES);
    for h in hops {
        let _ = writeln!(out, "  class h{} {}", h.step, class(h.mark));
    }
    let _ = writeln!(out, "  class verdict {}", class(verdict_mark));
    for (ix, m) in styled {
        let _ = writeln!(
            out,
            "  linkStyle {ix} stroke:{},stroke-width:3px",
            colour(m)
        );
    }
    out
}

/// [`trace`] of a trace document.
pub fn trace_doc(doc: &crate::TraceDoc) -> String {
    let title = if doc.protocol == "icmp" {
        format!("{} -> {} ({}, icmp)", doc.from, doc.to, doc.kind)
    } else {
        format!(
            "{} -> {} ({}, {}/{})",
            doc.from, doc.to, doc.kind, doc.protocol, doc.port
        )
    };
    let (verdict, mark) = match (doc.verdict, doc.code, doc.hop) {
        ("blocked", Some(c), Some(h)) => (format!("blocked: {c} at hop {h}"), Mark::Block),
        ("unknown", Some(c), Some(h)) => (format!("unknown: {c} at hop {h}"), Mark::Unknown),
        (v, _, _) => (v.to_string(), Mark::Pass),
    };
    trace(&title, &PathHop::of(doc), &verdict, mark)
}

/// At most `n` characters, with `…` when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
