//! Self-contained HTML pages (inline SVG and CSS, no script, nothing
//! fetched when opened): one trace drawn on its part of the network
//! ([`trace_page`]), and a report of every source × destination as a
//! heat-map table whose cells link to their trace further down the same
//! page ([`report_page`]). Built from [`TraceDoc`]s; the CLI only writes.
//! Readable when printed: the print stylesheet drops colours that carry
//! no meaning and keeps each trace on its own page.

mod layout;

use std::fmt::Write as _;

use awsreach_model::Scenario;

use crate::TraceDoc;
use crate::topology::PathHop;
use crate::trace::{BlastDoc, BlockedDoc, EffectDoc};

/// Text and attribute values with `& < > " '` escaped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --pass: #1a7f37; --block: #cf222e; --unknown: #9a6700; --dim: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0 auto; padding: 16px 24px; max-width: 1500px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 6px; } h3 { font-size: 15px; margin: 16px 0 4px; }
.meta, .dim { color: var(--dim); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 13px; color: #fff; }
.badge.reachable { background: var(--pass); } .badge.blocked { background: var(--block); } .badge.unknown { background: var(--unknown); }
.picture { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
svg.net { display: block; font: 11px Helvetica, Arial, sans-serif; }
svg .region > rect { fill: #fff; stroke: #8c959f; stroke-dasharray: 6 3; }
svg .vpc > rect { fill: #f5f9ff; stroke: #1f6feb; stroke-width: 1.5; }
svg .az > rect { fill: none; stroke: #8c959f; stroke-dasharray: 4 3; }
svg .subnet > rect { fill: #f6f8fa; stroke: #57606a; }
svg .region > text, svg .vpc > text, svg .az > text, svg .subnet > text { font-weight: 600; fill: #24292f; }
svg tspan.dim { font-weight: 400; fill: var(--dim); }
svg .entity rect { fill: #fff; stroke: #8c959f; }
svg .entity.function rect { fill: #fff8f0; stroke: #d1701a; }
svg .entity.gateway rect { fill: #f0f6ff; stroke: #1f6feb; }
svg .entity.route-table rect { fill: #fbf8ff; stroke: #8250df; }
svg .entity.endpoint rect { fill: #f0fff4; stroke: #2da44e; }
svg .entity.poller rect { fill: #fff8f0; stroke: #d1701a; stroke-dasharray: 5 2; }
svg line.hang { stroke: #8250df; stroke-width: 1.5; }
svg .entity.service rect, svg .entity.managed rect { fill: #fff; stroke: #bf8700; stroke-dasharray: 3 2; }
svg .entity.on-path rect { stroke: var(--pass); stroke-width: 2.5; }
svg .entity.blocked rect { stroke: var(--block); stroke-width: 3.5; fill: #ffebe9; }
svg .entity.unknown rect { stroke: var(--unknown); stroke-width: 3; fill: #fff8c5; }
svg .entity .name { font-weight: 600; fill: #1f2328; } svg .entity .note { fill: var(--dim); font-size: 10px; }
svg .leg { stroke-width: 3; fill: none; } svg .leg.pass { stroke: var(--pass); } svg .leg.block { stroke: var(--block); } svg .leg.unknown { stroke: var(--unknown); }
svg .leg.reply { stroke-dasharray: 6 4; stroke-width: 2; }
svg .hop circle { stroke: #fff; stroke-width: 1.5; } svg .hop text { fill: #fff; font-weight: 700; font-size: 10px; text-anchor: middle; }
svg .hop.pass circle { fill: var(--pass); } svg .hop.info circle { fill: #6e7781; } svg .hop.block circle { fill: var(--block); } svg .hop.unknown circle { fill: var(--unknown); }
svg .hop:hover circle { stroke: #000; }
table { border-collapse: collapse; margin: 6px 0; }
table.hops td, table.hops th { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
table.hops td.mark { font-weight: 700; } tr.pass td.mark { color: var(--pass); } tr.block td, tr.block td.mark { color: var(--block); font-weight: 600; } tr.unknown td.mark { color: var(--unknown); }
table.hops code, .rule { font-size: 12px; color: var(--dim); }
tr.reply-head td { color: var(--dim); font-style: italic; }
.verdict { border-left: 4px solid var(--line); padding: 4px 12px; margin: 8px 0; }
.verdict.blocked { border-color: var(--block); } .verdict.reachable { border-color: var(--pass); } .verdict.unknown { border-color: var(--unknown); }
.danger { color: var(--block); }
table.matrix { font-size: 12px; } table.matrix th { padding: 3px 6px; text-align: left; }
table.matrix th.col { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
table.matrix td { padding: 0; border: 1px solid #fff; min-width: 24px; text-align: center; }
table.matrix td a { display: block; padding: 3px 4px; color: #fff; text-decoration: none; font-weight: 600; }
td.cell-reachable { background: #2da44e; } td.cell-blocked { background: #cf222e; } td.cell-unknown { background: #bf8700; } td.cell-none { background: #eaeef2; }
nav.toc a { margin-right: 10px; }
p.capped { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 6px 10px; }
@page { margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .picture { overflow: visible; border: none; break-inside: avoid; }
  svg.net { max-width: 100%; height: auto; }
  section.trace { break-before: page; }
  section.trace:first-of-type { break-before: auto; }
  table.hops tr, .verdict p, ol.fixes li { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  table.matrix { font-size: 9px; } table.matrix td { min-width: 14px; }
  a { color: inherit; text-decoration: none; }
  nav.toc { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        esc(title)
    )
}

fn probe_words(d: &TraceDoc) -> String {
    if d.protocol == "icmp" {
        format!("{}, icmp", d.kind)
    } else {
        format!("{}, {}/{}", d.kind, d.protocol, d.port)
    }
}

/// One trace: heading, picture, hop table, verdict, why and remedies.
/// `anchor` is the section's id.
fn section(c: &layout::Canvas<'_>, d: &TraceDoc, anchor: &str, heading: &str) -> String {
    let hops = PathHop::of(d);
    let mut s = format!(
        "<section class=\"trace\" id=\"{}\">\n<{heading}>{} → {} <span class=\"badge {}\">{}</span></{heading}>\n<p class=\"meta\">{}</p>\n",
        esc(anchor),
        esc(&d.from),
        esc(&d.to),
        d.verdict,
        match d.code {
            Some(c) => format!("{} {}", d.verdict, esc(c)),
            None => d.verdict.to_string(),
        },
        esc(&probe_words(d)),
    );
    let _ = writeln!(
        s,
        "<div class=\"picture\">{}</div>",
        layout::svg(c, &hops, &d.from, &d.to, &format!("{anchor}-svg"))
    );
    s.push_str("<table class=\"hops\"><thead><tr><th>#</th><th></th><th>kind</th><th>component</th><th>what was checked</th><th>rule or route</th></tr></thead><tbody>\n");
    let mut in_reply = false;
    for h in &hops {
        if h.reply && !in_reply {
            in_reply = true;
            s.push_str("<tr class=\"reply-head\"><td colspan=\"6\">reply (network ACLs are stateless)</td></tr>\n");
        }
        let cls = match h.mark {
            crate::topology::Mark::Pass => "pass",
            crate::topology::Mark::Block => "block",
            crate::topology::Mark::Info => "info",
            crate::topology::Mark::Unknown => "unknown",
        };
        let _ = writeln!(
            s,
            "<tr class=\"{cls}\" id=\"{}-step-{}\"><td>{}</td><td class=\"mark\">{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            esc(anchor),
            h.step,
            h.step,
            h.mark.symbol(),
            esc(&h.kind),
            esc(&h.component),
            esc(&h.detail),
            esc(h.rule.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</tbody></table>\n");
    let _ = write!(s, "<div class=\"verdict {}\">", d.verdict);
    match (d.verdict, &d.blocked, &d.unknown) {
        ("blocked", Some(b), _) => {
            let _ = write!(
                s,
                "<p><strong>blocked: {} at hop {}</strong></p>",
                esc(d.code.unwrap_or("")),
                d.hop.unwrap_or(0)
            );
            blocked(&mut s, b, d.code.unwrap_or(""));
        }
        ("unknown", _, Some(u)) => {
            let _ = write!(
                s,
                "<p><strong>unknown: {} at hop {}</strong></p><p>missing: {}</p><p class=\"dim\">neither reachable nor blocked can be claimed; supply the data (see <code>awsreach explain {}</code>)</p>",
                esc(d.code.unwrap_or("")),
                d.hop.unwrap_or(0),
                esc(&u.missing),
                esc(d.code.unwrap_or(""))
            );
        }
        _ => s.push_str("<p><strong>reachable</strong></p>"),
    }
    s.push_str("</div>\n</section>\n");
    s
}

fn blocked(s: &mut String, b: &BlockedDoc, code: &str) {
    let _ = write!(s, "<p>why: {}</p>", esc(&b.why));
    if let Some(ra) = b.reachability_analyzer_code {
        let _ = write!(s, "<p class=\"dim\">Reachability Analyzer: {}</p>", esc(ra));
    }
    if b.fixes.is_empty() {
        let _ = write!(
            s,
            "<p>fix: none suggested; see <code>awsreach explain {}</code></p>",
            esc(code)
        );
    } else {
        s.push_str("<h3>remedies (the recommended one first)</h3><ol class=\"fixes\">");
        for f in &b.fixes {
            let _ = write!(s, "<li>{}", esc(&f.summary));
            if let Some(br) = &f.blast_radius {
                blast(s, br);
            }
            s.push_str("</li>");
        }
        s.push_str("</ol>");
    }
    if let Some(next) = &b.after_fix {
        let _ = write!(
            s,
            "<div class=\"after\"><p><strong>after that fix, still blocked: {}</strong> (hop {})</p>",
            esc(next.code),
            next.hop
        );
        blocked(s, &next.blocked, next.code);
        s.push_str("</div>");
    }
}

fn effects(list: &[EffectDoc], with_code: bool) -> String {
    let mut v: Vec<String> = list
        .iter()
        .take(3)
        .map(|e| {
            if with_code {
                format!("{} → {}: {}", e.from, e.to, e.after)
            } else {
                format!("{} → {}", e.from, e.to)
            }
        })
        .collect();
    if list.len() > 3 {
        v.push(format!("… {} more", list.len() - 3));
    }
    esc(&v.join(", "))
}

fn blast(s: &mut String, b: &BlastDoc) {
    if let Some(why) = &b.invalid {
        let _ = write!(
            s,
            "<div class=\"danger\">the patched scenario is invalid: {}</div>",
            esc(why)
        );
        return;
    }
    let mut parts = Vec::new();
    if !b.opens.is_empty() {
        parts.push(format!(
            "opens {} ({})",
            b.opens.len(),
            effects(&b.opens, false)
        ));
    }
    if !b.breaks.is_empty() {
        parts.push(format!(
            "breaks {} ({})",
            b.breaks.len(),
            effects(&b.breaks, true)
        ));
    }
    if !b.code_changed.is_empty() {
        parts.push(format!(
            "changes the code of {} ({})",
            b.code_changed.len(),
            effects(&b.code_changed, true)
        ));
    }
    let text = if parts.is_empty() {
        "no other call changes".to_string()
    } else {
        parts.join("; ")
    };
    let _ = write!(s, "<div class=\"dim\">blast radius: {text}");
    if let Some(after) = b.probe_after.and_then(crate::trace::after_fix_phrase) {
        let _ = write!(s, " ({})", esc(&after));
    }
    s.push_str("</div>");
    for d in &b.dangers {
        let _ = write!(s, "<div class=\"danger\">⚠ {}</div>", esc(&d.detail));
    }
}

/// The page of one trace. `per_eni` holds, for a function with several
/// ENIs, the trace from each of them (`fn@subnet`), drawn after the main one.
pub fn trace_page(sc: &Scenario, source: &str, doc: &TraceDoc, per_eni: &[TraceDoc]) -> String {
    let mut body = format!(
        "<h1>awsreach trace {} → {}</h1>\n<p class=\"meta\">{} · scenario {} · region {}</p>\n",
        esc(&doc.from),
        esc(&doc.to),
        esc(source),
        esc(&sc.name),
        esc(&sc.region)
    );
    let canvas = layout::Canvas::new(sc);
    body.push_str(&section(&canvas, doc, "trace", "h2"));
    if !per_eni.is_empty() {
        let _ = write!(
            body,
            "<h2>each ENI of {}</h2><p class=\"dim\">Lambda may send from any of the function's ENIs (one per subnet), so each must have the way.</p>",
            esc(&doc.from)
        );
        for (k, d) in per_eni.iter().enumerate() {
            body.push_str(&section(&canvas, d, &format!("eni-{}", k + 1), "h3"));
        }
    }
    page(&format!("awsreach trace {} → {}", doc.from, doc.to), &body)
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The whole matrix a report draws part of: its size and verdict counts,
/// and the cap on the cells drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    pub sources: usize,
    pub destinations: usize,
    pub reachable: usize,
    pub blocked: usize,
    pub unknown: usize,
    /// The most cells the heat map holds (`report --max-cells`).
    pub max_cells: usize,
}

impl Coverage {
    pub fn calls(&self) -> usize {
        self.reachable + self.blocked + self.unknown
    }
}

/// The report page: the matrix as a heat map (`cells[row][col]` is the
/// index of its trace in `traces`, or none for a pair that is not a call),
/// each cell a link to its trace's section further down. `all` is the
/// whole matrix: when the heat map shows only part of it, a note says
/// what was left out.
pub fn report_page(
    sc: &Scenario,
    source: &str,
    rows: &[String],
    cols: &[String],
    cells: &[Vec<Option<usize>>],
    traces: &[TraceDoc],
    all: &Coverage,
) -> String {
    let mut body = format!(
        "<h1>awsreach report: {}</h1>\n<p class=\"meta\">{} · region {} · {} sources × {} destinations · {} calls: {} reachable, {} blocked, {} unknown</p>\n",
        esc(&sc.name),
        esc(source),
        esc(&sc.region),
        thousands(all.sources),
        thousands(all.destinations),
        thousands(all.calls()),
        thousands(all.reachable),
        thousands(all.blocked),
        thousands(all.unknown)
    );
    if rows.len() < all.sources || cols.len() < all.destinations {
        let count = |v: &str| traces.iter().filter(|t| t.verdict == v).count();
        let (r, b, u) = (count("reachable"), count("blocked"), count("unknown"));
        let _ = writeln!(
            body,
            "<p class=\"capped\"><strong>Part of the matrix:</strong> the heat map shows {} of {} sources and {} of {} destinations (at most {} cells, <code>--max-cells</code>), those with the most blocked or unknown calls first. Left out: {} calls ({} reachable, {} blocked, {} unknown). Narrow the page with <code>--from</code>/<code>--to</code>, or list every cell with <code>awsreach matrix</code>.</p>",
            rows.len(),
            thousands(all.sources),
            cols.len(),
            thousands(all.destinations),
            thousands(all.max_cells),
            thousands(all.calls().saturating_sub(traces.len())),
            thousands(all.reachable.saturating_sub(r)),
            thousands(all.blocked.saturating_sub(b)),
            thousands(all.unknown.saturating_sub(u))
        );
    }
    body.push_str("<table class=\"matrix\"><thead><tr><th>from \\ to</th>");
    for c in cols {
        let _ = write!(body, "<th class=\"col\">{}</th>", esc(c));
    }
    body.push_str("</tr></thead><tbody>\n");
    for (r, row) in rows.iter().enumerate() {
        let _ = write!(body, "<tr><th>{}</th>", esc(row));
        for (c, cell) in cells[r].iter().enumerate() {
            match cell.and_then(|i| traces.get(i).map(|t| (i, t))) {
                Some((i, t)) => {
                    let label = match t.verdict {
                        "reachable" => "○".to_string(),
                        "blocked" => "✗".to_string(),
                        _ => "?".to_string(),
                    };
                    let _ = write!(
                        body,
                        "<td class=\"cell-{}\"><a href=\"#t{i}\" title=\"{} → {}: {}\">{label}</a></td>",
                        t.verdict,
                        esc(&rows[r]),
                        esc(&cols[c]),
                        esc(t.code.unwrap_or("reachable"))
                    );
                }
                None => body.push_str("<td class=\"cell-none\"></td>"),
            }
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody></table>\n<p class=\"dim\">○ reachable · ✗ blocked · ? unknown; each cell links to its trace below.</p>\n");
    let canvas = layout::Canvas::new(sc);
    for (i, t) in traces.iter().enumerate() {
        body.push_str(&section(&canvas, t, &format!("t{i}"), "h2"));
    }
    page(&format!("awsreach report: {}", sc.name), &body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(100_119_974), "100,119,974");
    }
}
