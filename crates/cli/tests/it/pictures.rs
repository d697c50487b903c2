//! Pictures (issue 13): `graph` as DOT nested region → VPC → AZ → subnet
//! with a marked path, and the Mermaid flowcharts of `graph` and `trace`.
//! The DOT's structure (clusters, nodes, shapes, marks) is snapshotted, not
//! its pixels; `.ci/graphviz` renders every scenario with `dot` itself.

use super::{awsreach, workspace};

/// The shapes Graphviz knows (its polygon-based shapes); `cloud` is not one.
const SHAPES: &[&str] = &[
    "box",
    "polygon",
    "ellipse",
    "oval",
    "circle",
    "point",
    "egg",
    "triangle",
    "plaintext",
    "plain",
    "diamond",
    "trapezium",
    "parallelogram",
    "house",
    "pentagon",
    "hexagon",
    "septagon",
    "octagon",
    "doublecircle",
    "doubleoctagon",
    "tripleoctagon",
    "invtriangle",
    "invtrapezium",
    "invhouse",
    "Mdiamond",
    "Msquare",
    "Mcircle",
    "rect",
    "rectangle",
    "square",
    "star",
    "none",
    "underline",
    "cylinder",
    "note",
    "tab",
    "folder",
    "box3d",
    "component",
];

/// The DOT's outline: each cluster's label, nested, with the nodes inside
/// (label, shape, and the path's colour and steps when marked).
fn outline(dot: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for line in dot.lines() {
        let t = line.trim();
        if t.starts_with("subgraph cluster_") {
            depth += 1;
        } else if t == "}" {
            depth = depth.saturating_sub(1);
        } else if let Some(label) = t.strip_prefix("label=\"") {
            let label = label.split("\";").next().unwrap();
            out.push_str(&format!("{}[{}]\n", "  ".repeat(depth), label));
        } else if t.starts_with('i') && t.contains(" [label=\"") && t.contains("shape=") {
            let label = attr(t, "label").unwrap();
            let shape = t.split("shape=").nth(1).unwrap().split(',').next().unwrap();
            let mut mark = String::new();
            if let Some(steps) = attr(t, "xlabel") {
                mark = format!(" {} {steps}", attr(t, "color").unwrap());
            }
            out.push_str(&format!(
                "{}{label} ({shape}){mark}\n",
                "  ".repeat(depth + 1)
            ));
        }
    }
    out
}

fn attr(line: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = line.find(&key).map(|i| i + key.len()).or_else(|| {
        line.find(&format!("[{name}=\""))
            .map(|i| i + name.len() + 3)
    })?;
    let rest = &line[start..];
    let mut end = 0;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        if c == '"' && !escaped {
            end = i;
            break;
        }
        escaped = c == '\\' && !escaped;
    }
    Some(rest[..end].to_string())
}

#[test]
fn graph_nests_region_vpc_az_subnet_and_marks_the_blocked_path() {
    let run = awsreach(
        &workspace(),
        &[
            "graph",
            "scenarios/seed/p4-public-subnet-calls-out.ron",
            "--path",
            "fn",
            "s3",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let dot = &run.stdout;
    assert!(dot.starts_with("digraph awsreach {"), "{dot}");
    // The function sits in its subnet, in its AZ, in its VPC, in the region;
    // the internet gateway is red with the blocking step, the route table green.
    insta::assert_snapshot!(outline(dot), @r#"
    [region us-east-1]
      [VPC vpc\n10.0.0.0/16]
        igw (invhouse) #cf222e 6 ✘
        rt-public (note) #1a7f37 5 ✔
        rt-private (note)
        vpc-main\nmain (note)
        [AZ us-east-1a]
          [subnet public\n10.0.0.0/24]
            public-ec2\n10.0.0.4 / 54.160.0.10 (box3d)
            fn\n10.0.0.5 (component) #1a7f37 1 ·, 2 ·, 3 ✔, 4 ✔
          [subnet private\n10.0.1.0/24]
            private-ec2\n10.0.1.4 (box3d)
            fn-private\n10.0.1.5 (component)
      [AWS services]
        s3 (tab)
        sqs (tab)
        events (tab)
        pinpoint (tab)
    internet (doublecircle)
    [legend]
    "#);
    // Route edges carry their destinations; the path's edges are numbered.
    assert!(dot.contains("[label=\"0.0.0.0/0\", style=bold]"), "{dot}");
    assert!(dot.contains("label=\"5\", constraint=false"), "{dot}");
    assert!(
        dot.contains(
            "color=\"#cf222e\", fontcolor=\"#cf222e\", penwidth=2.5, style=solid, label=\"6\""
        ),
        "{dot}"
    );
}

/// Every bundled scenario draws with known shapes, balanced clusters and
/// quotes (the real `dot` run is `.ci/graphviz`).
#[test]
fn every_scenario_draws_valid_dot() {
    let root = workspace().join("scenarios");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "ron") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 20);
    for f in files {
        let run = awsreach(&workspace(), &["graph", f.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}: {}", f.display(), run.transcript());
        let mut depth = 0i32;
        for line in run.stdout.lines() {
            // Quotes are balanced once escaped ones are dropped.
            let unescaped = line.replace("\\\\", "").replace("\\\"", "");
            assert_eq!(
                unescaped.matches('"').count() % 2,
                0,
                "{}: {line}",
                f.display()
            );
            if let Some(s) = line.split("shape=").nth(1) {
                let shape = s.split([',', ']']).next().unwrap();
                assert!(
                    SHAPES.contains(&shape),
                    "{}: unknown shape {shape}",
                    f.display()
                );
            }
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            assert!(depth >= 0, "{}: {line}", f.display());
        }
        assert_eq!(depth, 0, "{}", f.display());
    }
}

#[test]
fn graph_path_with_an_unknown_id_is_bad_input() {
    let run = awsreach(
        &workspace(),
        &[
            "graph",
            "scenarios/seed/p4-public-subnet-calls-out.ron",
            "--path",
            "fn",
            "nosuch",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("--path") && run.stderr.contains("nosuch"),
        "{}",
        run.stderr
    );
}

#[test]
fn trace_mermaid_numbers_hops_and_reds_the_blocking_one() {
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/seed/p4-public-subnet-calls-out.ron",
            "--from",
            "fn",
            "--to",
            "s3",
            "--format",
            "mermaid",
            "--blast-radius",
            "off",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let m = &run.stdout;
    assert!(m.starts_with("flowchart LR\n"));
    assert!(m.contains("h6[\"6 ✘ internet-gateway<br/>igw<br/>"), "{m}");
    assert!(m.contains("class h6 block"), "{m}");
    assert!(m.contains("class h5 pass"), "{m}");
    assert!(
        m.contains("verdict([\"blocked: NO_PUBLIC_IP at hop 6\"])"),
        "{m}"
    );
    // The link into the blocking hop (the 6th: start->h1 is 0) is red, the one before green.
    assert!(m.contains("linkStyle 5 stroke:#cf222e"), "{m}");
    assert!(m.contains("linkStyle 4 stroke:#1a7f37"), "{m}");
}

/// Ids with quotes, brackets, `#`, `;` and Mermaid's `end` cannot break
/// the chart: node ids are generated and labels carry entity codes.
#[test]
fn mermaid_escapes_hostile_ids() {
    let dir = std::env::temp_dir().join(format!("awsreach-mermaid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hostile.ron");
    std::fs::write(
        &file,
        r#"(vpcs: [(id: "end", cidr: "10.0.0.0/16")],
            subnets: [(id: "a\"]-->x[b", vpc: "end", cidr: "10.0.0.0/24", route_table: "rt;#1")],
            route_tables: [(id: "rt;#1", vpc: "end")],
            functions: [(id: "f(n)|<b>", vpc: (subnets: ["a\"]-->x[b"]))])"#,
    )
    .unwrap();
    let run = awsreach(&dir, &["graph", "hostile.ron", "--format", "mermaid"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let m = &run.stdout;
    assert!(m.contains("VPC end<br/>10.0.0.0/16"), "{m}");
    assert!(
        m.contains("subnet a#34;#93;--#62;x#91;b 10.0.0.0/24"),
        "{m}"
    );
    assert!(m.contains("\"rt#59;#35;1\""), "{m}");
    assert!(
        m.contains("\"f#40;n#41;#124;#60;b#62;<br/>10.0.0.4\""),
        "{m}"
    );
    for line in m.lines() {
        assert_eq!(line.matches('"').count() % 2, 0, "{line}");
    }
    // Every subgraph is closed.
    let opened = m
        .lines()
        .filter(|l| l.trim_start().starts_with("subgraph "))
        .count();
    let closed = m.lines().filter(|l| l.trim() == "end").count();
    assert_eq!(opened, closed, "{m}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn graph_mermaid_marks_the_path() {
    let run = awsreach(
        &workspace(),
        &[
            "graph",
            "scenarios/seed/p4-public-subnet-calls-out.ron",
            "--path",
            "fn",
            "s3",
            "--format",
            "mermaid",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let m = &run.stdout;
    let igw = m
        .lines()
        .find(|l| l.contains(">\"igw\"]"))
        .expect("igw node")
        .trim()
        .split('>')
        .next()
        .unwrap()
        .to_string();
    assert!(m.contains(&format!("class {igw} block")), "{m}");
    // The numbered edge into the gateway is red: its linkStyle index is
    // the number of links defined before it.
    let is_link = |l: &str| {
        let mut w = l.split_whitespace();
        w.next();
        matches!(w.next(), Some("-->" | "-.-" | "==>" | "-.->"))
            || l.contains("-->|")
            || l.contains("==>|")
    };
    let links: Vec<&str> = m.lines().filter(|l| is_link(l)).collect();
    let index = links
        .iter()
        .position(|l| l.contains("-->|\"6\"|") && l.trim_end().ends_with(&igw))
        .expect("edge 6");
    assert!(
        m.contains(&format!("linkStyle {index} stroke:#cf222e")),
        "{m}"
    );
    let into_rt = links
        .iter()
        .position(|l| l.contains("-->|\"5\"|"))
        .expect("edge 5");
    assert!(
        m.contains(&format!("linkStyle {into_rt} stroke:#1a7f37")),
        "{m}"
    );
}

#[test]
fn trace_html_writes_one_page_with_the_blocking_hop() {
    let dir = std::env::temp_dir().join(format!("awsreach-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("trace.html");
    let run = awsreach(
        &workspace(),
        &[
            "trace",
            "scenarios/rules/multi-subnet-function.ron",
            "--from",
            "fn-flaky",
            "--to",
            "sqs",
            "--format",
            "html",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("class=\"hop block\""), "{html}");
    // The function has two ENIs: each one's own trace follows, and only
    // the one in private-c is blocked.
    assert!(html.contains("each ENI of fn-flaky"));
    assert!(
        html.contains("fn-flaky@private-a → sqs <span class=\"badge reachable\">"),
        "{html}"
    );
    assert!(
        html.contains("fn-flaky@private-c → sqs <span class=\"badge blocked\">"),
        "{html}"
    );
    // Remedies carry their blast radius.
    assert!(html.contains("blast radius:"), "{html}");

    let report = dir.join("report.html");
    let run = awsreach(
        &workspace(),
        &[
            "report",
            "scenarios/seed/p6-private-no-nat-calls-out.ron",
            "-o",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("<table class=\"matrix\">") && html.contains("href=\"#t0\""));
    std::fs::remove_dir_all(&dir).ok();
}

/// The `<p class="meta">` line of a report: the whole matrix's counts.
fn report_meta(html: &str) -> String {
    let i = html.find("<p class=\"meta\">").unwrap();
    html[i..].split("</p>").next().unwrap().to_string()
}

/// Each heat-map row: its source and how many of its cells are blocked or unknown.
fn heat_rows(html: &str) -> Vec<(String, usize)> {
    let table = html.split("<table class=\"matrix\">").nth(1).unwrap();
    let table = table.split("<tbody>").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    table
        .split("<tr><th>")
        .skip(1)
        .map(|row| {
            let name = row.split("</th>").next().unwrap().to_string();
            let bad = row.matches("cell-blocked").count() + row.matches("cell-unknown").count();
            (name, bad)
        })
        .collect()
}

/// `report --max-cells` (issue 13): a matrix larger than the cap shows the
/// sources and destinations with the most blocked or unknown calls, each
/// shown cell with its trace, says what it left out, and keeps the counts
/// of the whole matrix.
#[test]
fn report_caps_the_heat_map_and_says_what_it_left_out() {
    let dir = std::env::temp_dir().join(format!("awsreach-report-cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = |name: &str, cap: &str| -> String {
        let out = dir.join(name);
        let run = awsreach(
            &workspace(),
            &[
                "report",
                "scenarios/example-full.ron",
                "--max-cells",
                cap,
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.transcript());
        std::fs::read_to_string(&out).unwrap()
    };
    let full = page("full.html", "100000");
    let capped = page("capped.html", "25");
    assert_eq!(report_meta(&full), report_meta(&capped));
    assert!(!full.contains("<p class=\"capped\">"));
    let all = heat_rows(&full);
    assert!(
        all.len() > 5 && full.contains("21 sources × 26 destinations"),
        "{}",
        report_meta(&full)
    );
    assert!(
        capped.contains(
            "the heat map shows 5 of 21 sources and 5 of 26 destinations (at most 25 cells"
        ),
        "{capped}"
    );
    // The rows shown are the five with the most blocked or unknown calls
    // (in the order of the full map among equals).
    let mut ranked = all.clone();
    ranked.sort_by_key(|(_, bad)| std::cmp::Reverse(*bad));
    let shown: Vec<String> = heat_rows(&capped).into_iter().map(|(n, _)| n).collect();
    let top: Vec<String> = ranked.into_iter().take(5).map(|(n, _)| n).collect();
    assert_eq!(shown, top);
    // At most 25 cells, each call linked to its own drawn trace.
    let cells = capped.matches("<td class=\"cell-").count();
    assert_eq!(cells, 25);
    let links = capped.matches("<a href=\"#t").count();
    assert_eq!(capped.matches("<section class=\"trace\"").count(), links);
    assert!(links > 0 && links <= 25);
    std::fs::remove_dir_all(&dir).ok();
}

/// The default cap keeps the report of a generated 1k-ENI scenario (about
/// 1,000 × 1,000 calls) to at most 400 drawn traces and a few megabytes.
#[test]
fn report_of_a_large_scenario_stays_a_page_a_browser_opens() {
    let dir = std::env::temp_dir().join(format!("awsreach-report-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ron = dir.join("big.ron");
    let run = awsreach(
        &workspace(),
        &[
            "bench-scenario",
            "--size",
            "1000",
            "-o",
            ron.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let out = dir.join("big.html");
    let run = awsreach(
        &workspace(),
        &["report", ron.to_str().unwrap(), "-o", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("<p class=\"capped\">"),
        "{}",
        report_meta(&html)
    );
    assert!(html.contains("at most 400 cells"));
    assert!(html.matches("<td class=\"cell-").count() <= 400);
    assert!(html.matches("<section class=\"trace\"").count() <= 400);
    assert!(html.len() < 12_000_000, "{} bytes", html.len());
    std::fs::remove_dir_all(&dir).ok();
}

/// Event pollers in the DOT (issue 13): an MSK trigger's poller ENIs sit in
/// the cluster's subnet and carry the trace's first steps; Lambda-managed
/// pollers (SQS, Kinesis, DynamoDB Streams) sit outside any VPC, in the
/// Lambda-managed network.
#[test]
fn graph_draws_pollers_where_their_enis_are() {
    let run = awsreach(
        &workspace(),
        &[
            "graph",
            "scenarios/rules/msk-trigger-no-nat-no-endpoints.ron",
            "--path",
            "msk-on-demand",
            "process-orders",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let o = outline(&run.stdout);
    let private = o.find("[subnet private\\n10.0.1.0/24]").expect(&o);
    let poller = o
        .find("msk-on-demand\\nENI, on demand (parallelogram) #1a7f37 1 ·, 2 ·")
        .expect(&o);
    let next_cluster = o[private + 1..]
        .find('[')
        .map_or(o.len(), |i| private + 1 + i);
    assert!(private < poller && poller < next_cluster, "{o}");

    let run = awsreach(
        &workspace(),
        &["graph", "scenarios/rules/pollers-every-kind.ron"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let o = outline(&run.stdout);
    let lambda = o.find("[Lambda-managed network]").expect(&o);
    for p in ["sqs->handler", "kinesis->handler", "dynamodb->handler"] {
        let at = o
            .find(&format!("{p}\\nLambda-managed (parallelogram)"))
            .expect(p);
        assert!(at > lambda, "{p} in the Lambda-managed network: {o}");
    }
    // Push sources have no poller: the service invokes the function itself.
    assert!(!o.contains("events->handler"), "{o}");
}
