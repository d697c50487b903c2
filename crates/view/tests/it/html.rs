//! The HTML trace pages (issue 13): the structure of the picture of every
//! seed expectation is snapshotted (its frames region → VPC → AZ → subnet,
//! its entities and which the path marks, its numbered hops and their
//! decisions), not its pixels; `.ci/html` renders pages in Chromium.

use awsreach_model::load;
use awsreach_sim::{Engine, ProbeOptions};
use awsreach_view::TraceDoc;
use awsreach_view::html::{esc, report_page, trace_page};

const SEEDS: &[(&str, &str)] = &[
    (
        "p1",
        include_str!("../../../../scenarios/seed/p1-outside-vpc-calls-out.ron"),
    ),
    (
        "p2",
        include_str!("../../../../scenarios/seed/p2-outside-vpc-invoked-no-nat.ron"),
    ),
    (
        "p3",
        include_str!("../../../../scenarios/seed/p3-outside-vpc-invoked-with-nat.ron"),
    ),
    (
        "p4",
        include_str!("../../../../scenarios/seed/p4-public-subnet-calls-out.ron"),
    ),
    (
        "p5",
        include_str!("../../../../scenarios/seed/p5-public-subnet-invoked.ron"),
    ),
    (
        "p6",
        include_str!("../../../../scenarios/seed/p6-private-no-nat-calls-out.ron"),
    ),
    (
        "p7",
        include_str!("../../../../scenarios/seed/p7-private-with-nat-calls-out.ron"),
    ),
    (
        "p8",
        include_str!("../../../../scenarios/seed/p8-private-subnet-invoked.ron"),
    ),
];

fn page_of(src: &str, from: &str, to: &str) -> (TraceDoc, String) {
    let engine = Engine::new(load(src).unwrap().scenario);
    let p = engine.probe(from, to, &ProbeOptions::default()).unwrap();
    let doc = TraceDoc::new(&engine, &engine.trace(&p), &[]);
    let html = trace_page(engine.scenario(), "seed.ron", &doc, &[]);
    (doc, html)
}

/// The SVG's outline: each `<g class=...>` with its first text or title.
fn outline(html: &str) -> String {
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    let mut out = String::new();
    for part in svg.split("<g class=\"").skip(1) {
        let class = &part[..part.find('"').unwrap()];
        let text = |tag: &str| {
            let open = format!("<{tag}");
            let i = part.find(&open)?;
            let rest = &part[i..];
            let start = rest.find('>')? + 1;
            let end = rest.find(&format!("</{tag}>"))?;
            Some(
                rest[start..end]
                    .replace("<tspan class=\"dim\">", "")
                    .replace("</tspan>", ""),
            )
        };
        let what = if class.starts_with("hop") {
            let step = part
                .split("data-step=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let title = text("title").unwrap();
            format!("{step}: {}", title.chars().take(60).collect::<String>())
        } else if class.starts_with("entity") {
            text("title").unwrap()
        } else {
            text("text").unwrap()
        };
        out.push_str(&format!("{class}: {what}\n"));
    }
    out
}

#[test]
fn seed_trace_pictures_keep_their_structure() {
    for (name, src) in SEEDS {
        let sc = load(src).unwrap().scenario;
        let mut all = String::new();
        for e in &sc.expectations {
            let (doc, html) = page_of(src, &e.from, &e.to);
            all.push_str(&format!(
                "== {} -> {}: {} {:?}\n",
                e.from, e.to, doc.verdict, doc.code
            ));
            all.push_str(&outline(&html));
        }
        insta::assert_snapshot!(format!("html_{name}"), all);
    }
}

#[test]
fn the_blocking_hop_and_its_entity_are_red_and_numbered_like_the_text() {
    let (doc, html) = page_of(SEEDS[3].1, "fn", "s3");
    assert_eq!(doc.code, Some("NO_PUBLIC_IP"));
    // One hop mark per hop, numbered 1..n; only the 6th is the blocking one.
    for h in &doc.hops {
        assert!(
            html.contains(&format!("data-step=\"{}\"", h.step)),
            "step {}",
            h.step
        );
    }
    assert_eq!(html.matches("class=\"hop block\"").count(), 1);
    assert!(html.contains("<g class=\"hop block\" id=\"trace-svg-hop-6\" data-step=\"6\"><title>6 ✘ internet-gateway igw: 10.0.0.5 has no public IPv4 address to translate to</title>"), "{html}");
    assert!(
        html.contains("<g class=\"entity gateway blocked\"><title>internet gateway igw</title>"),
        "{html}"
    );
    // The deciding route is on the hop (hover) and in the table.
    assert!(html.contains("5 ✔ route-table rt-public: s3.us-east-1.amazonaws.com (public endpoint) matches 0.0.0.0/0 -&gt; igw [0.0.0.0/0 -&gt; igw]"), "{html}");
    assert!(html.contains("<code>0.0.0.0/0 -&gt; igw</code>"));
    // The verdict, why and the Reachability Analyzer code.
    assert!(html.contains("blocked: NO_PUBLIC_IP at hop 6"));
    assert!(html.contains("Reachability Analyzer: IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"));
    // Self-contained: nothing is fetched.
    for needle in [
        "<script src",
        "<link",
        "http://",
        "https://",
        "@import",
        "url(http",
    ] {
        let found = html
            .match_indices(needle)
            .any(|(i, _)| !html[i..].starts_with("http://www.w3.org/2000/svg"));
        assert!(!found, "{needle} in the page");
    }
}

#[test]
fn a_reply_leg_is_drawn_dashed_after_the_forward_path() {
    let src = include_str!("../../../../scenarios/rules/nacl-ephemeral-return.ron");
    let sc = load(src).unwrap().scenario;
    let e = &sc.expectations[0];
    let (doc, html) = page_of(src, &e.from, &e.to);
    let replies = doc
        .hops
        .iter()
        .filter(|h| h.direction == awsreach_sim::Direction::Return)
        .count();
    assert!(replies > 0, "the scenario checks a reply");
    assert_eq!(
        html.matches("<g class=\"hop pass reply\"").count()
            + html.matches("<g class=\"hop block reply\"").count(),
        replies
    );
    assert!(
        html.contains("class=\"leg pass reply\"") || html.contains("class=\"leg block reply\"")
    );
    assert!(html.contains("reply (network ACLs are stateless)"));
}

#[test]
fn ids_are_escaped_in_the_page() {
    assert_eq!(
        esc("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
    let src = r#"(vpcs: [(id: "v<script>", cidr: "10.0.0.0/16")],
        subnets: [(id: "s&\"x", vpc: "v<script>", cidr: "10.0.0.0/24", route_table: "rt")],
        route_tables: [(id: "rt", vpc: "v<script>")],
        functions: [(id: "f</svg>", vpc: (subnets: ["s&\"x"]))], services: [(id: "sqs")])"#;
    let (_, html) = page_of(src, "f</svg>", "sqs");
    assert!(!html.contains("<script>") && !html.contains("f</svg>"));
    assert!(html.contains("VPC v&lt;script&gt;"));
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
}

#[test]
fn report_cells_link_to_their_trace_sections() {
    let src = SEEDS[5].1;
    let engine = Engine::new(load(src).unwrap().scenario);
    let mut traces = Vec::new();
    let mut cells = Vec::new();
    let (rows, cols) = (engine.sources(), engine.destinations());
    for &r in &rows {
        let mut line = Vec::new();
        for &c in &cols {
            match engine.probe_nodes(r, c, &ProbeOptions::default()) {
                Ok(p) => {
                    line.push(Some(traces.len()));
                    traces.push(TraceDoc::new(&engine, &engine.trace(&p), &[]));
                }
                Err(_) => line.push(None),
            }
        }
        cells.push(line);
    }
    let names = |v: &[awsreach_model::probe::Node]| -> Vec<String> {
        v.iter().map(|n| engine.node_name(*n)).collect()
    };
    let html = report_page(
        engine.scenario(),
        "p6.ron",
        &names(&rows),
        &names(&cols),
        &cells,
        &traces,
    );
    assert!(traces.len() > 5);
    for (i, t) in traces.iter().enumerate() {
        // Each cell links to a section with that id, coloured by its verdict.
        assert!(
            html.contains(&format!(
                "<td class=\"cell-{}\"><a href=\"#t{i}\"",
                t.verdict
            )),
            "cell {i}"
        );
        assert_eq!(
            html.matches(&format!("<section class=\"trace\" id=\"t{i}\">"))
                .count(),
            1
        );
    }
    assert!(html.contains("cell-blocked") && html.contains("cell-reachable"));
}
