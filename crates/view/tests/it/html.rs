//! The HTML trace pages (issue 13): the structure of the picture of every
//! seed expectation is snapshotted (its frames region → VPC → AZ → subnet,
//! its entities and which the path marks, its numbered hops and their
//! decisions), not its pixels; `.ci/html` renders pages in Chromium.

use awsreach_model::load;
use awsreach_sim::{Engine, ProbeOptions};
use awsreach_view::TraceDoc;
use awsreach_view::html::{Coverage, esc, report_page, trace_page};

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
    let count = |v: &str| traces.iter().filter(|t| t.verdict == v).count();
    let all = Coverage {
        sources: rows.len(),
        destinations: cols.len(),
        reachable: count("reachable"),
        blocked: count("blocked"),
        unknown: count("unknown"),
        max_cells: 400,
    };
    let html = report_page(
        engine.scenario(),
        "p6.ron",
        &names(&rows),
        &names(&cols),
        &cells,
        &traces,
        &all,
    );
    // Everything is drawn: no note of what was left out.
    assert!(!html.contains("Part of the matrix"), "{html}");
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

/// The rectangle of the first `<g class="{class}...">` whose title starts
/// with `title`: (x, y, width, height).
fn rect_of(html: &str, class: &str, title: &str) -> Option<(f32, f32, f32, f32)> {
    for part in html.split(&format!("<g class=\"{class}")).skip(1) {
        let part = part.split("</g>").next()?;
        let between = |open: &str, close: &str| {
            part.split_once(open)
                .and_then(|(_, t)| t.split(close).next())
                .map(|t| {
                    t.replace("<tspan class=\"dim\">", "")
                        .replace("</tspan>", "")
                })
                .unwrap_or_default()
        };
        // Entities carry a title; frames (VPC, subnet) a text label.
        let label = between("<title>", "</title>");
        let text = between("\">", "</text>");
        if !label.starts_with(title) && !text.contains(title) {
            continue;
        }
        let rect = part.split("<rect ").nth(1)?;
        let num = |a: &str| -> f32 {
            rect.split(&format!("{a}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(f32::NAN)
        };
        return Some((num("x"), num("y"), num("width"), num("height")));
    }
    None
}

fn inside(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
    a.0 >= b.0 && a.1 >= b.1 && a.0 + a.2 <= b.0 + b.2 && a.1 + a.3 <= b.1 + b.3
}

#[test]
fn a_vpc_poller_is_drawn_in_the_event_sources_subnet_and_a_managed_one_outside_the_vpc() {
    let src = include_str!("../../../../scenarios/rules/msk-trigger-no-nat-no-endpoints.ron");
    let (doc, html) = page_of(src, "msk-on-demand", "process-orders");
    assert_eq!(doc.code, Some("POLLER_NO_PATH"));
    let poller = rect_of(&html, "entity poller on-path", "event poller msk-on-demand")
        .expect("the poller is drawn and on the path");
    let subnet = rect_of(&html, "subnet", "subnet private").expect("its subnet is drawn");
    assert!(inside(poller, subnet), "{poller:?} in {subnet:?}");
    // The poller's first hops are numbered on it.
    assert!(html.contains("data-step=\"1\"><title>1 · poller msk-on-demand"));

    let src = include_str!("../../../../scenarios/rules/pollers-every-kind.ron");
    let (doc, html) = page_of(src, "sqs", "handler");
    assert_eq!(doc.verdict, "reachable");
    let poller = rect_of(
        &html,
        "entity poller on-path",
        "event poller sqs-&gt;handler (Lambda-managed)",
    )
    .expect("the Lambda-managed poller is drawn on the path");
    for vpc in ["VPC app-vpc", "VPC data-vpc"] {
        let v = rect_of(&html, "vpc", vpc).expect(vpc);
        assert!(!inside(poller, v), "the managed poller is outside {vpc}");
    }
    // A push source has no poller: EventBridge invokes directly.
    let (_, html) = page_of(src, "events", "handler");
    assert!(!html.contains("entity poller on-path"), "{html}");
}

#[test]
fn the_transit_gateway_table_that_decided_is_drawn_at_the_gateway() {
    let src = include_str!("../../../../scenarios/rules/tgw-blackhole.ron");
    let (doc, html) = page_of(src, "fn", "old-db");
    assert_eq!(doc.code, Some("BLACKHOLE_ROUTE"));
    let table = doc
        .hops
        .iter()
        .find(|h| h.kind == "transit-gateway" && h.tgw_route_table.is_some())
        .and_then(|h| h.tgw_route_table.clone())
        .expect("the blocking hop names its table");
    let t = rect_of(
        &html,
        "entity route-table tgw-table blocked",
        &format!("TGW route table {table}"),
    )
    .expect("the table is drawn, red");
    let g = rect_of(&html, "entity gateway", "transit gateway tgw").expect("the gateway is drawn");
    // Right under its gateway, in the same column.
    assert!(
        t.1 > g.1 && t.1 - (g.1 + g.3) < 20.0 && (t.0 - g.0).abs() < 20.0,
        "{t:?} under {g:?}"
    );
    let step = doc.hop.unwrap();
    let hop = html
        .split(&format!("data-step=\"{step}\">"))
        .nth(1)
        .unwrap();
    let cx: f32 = hop
        .split("cx=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        cx >= t.0 && cx <= t.0 + t.2 + 20.0,
        "hop {step} at {cx}, table {t:?}"
    );
}

#[test]
fn each_eni_of_a_function_is_drawn_and_the_one_the_trace_used_is_marked() {
    let src = include_str!("../../../../scenarios/rules/multi-subnet-function.ron");
    let engine = Engine::new(load(src).unwrap().scenario);
    for (from, used, other) in [
        ("fn-flaky", "10.0.3.4", "10.0.1.5"),
        ("fn-flaky@private-a", "10.0.1.5", "10.0.3.4"),
    ] {
        let p = engine.probe(from, "sqs", &ProbeOptions::default()).unwrap();
        let doc = TraceDoc::new(&engine, &engine.trace(&p), &[]);
        let html = trace_page(engine.scenario(), "x.ron", &doc, &[]);
        let on = rect_of(
            &html,
            "entity function on-path",
            &format!("Lambda function fn-flaky ({used})"),
        );
        assert!(on.is_some(), "{from}: the ENI it used is on the path");
        let off = rect_of(
            &html,
            "entity function\"",
            &format!("Lambda function fn-flaky ({other})"),
        );
        assert!(off.is_some(), "{from}: the other ENI is drawn too");
    }
}
