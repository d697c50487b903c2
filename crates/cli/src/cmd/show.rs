//! `awsreach show FILE`: a readable summary of a scenario, with every AWS
//! default made visible (main tables, default ACLs and groups, assigned
//! addresses, endpoint routes), as text or JSON.
//!
//! Both formats render one [`ScenarioDoc`] (built in `awsreach-view`), so they
//! always agree; this module only lays the document out as text.

use std::fmt::Write;
use std::path::PathBuf;

use awsreach_view::scenario::{ScenarioDoc, SgRuleDoc, WarningDoc};

use crate::load;
use crate::style;
use crate::table::{Table, list, opt};
use crate::{Exit, Format};

const LONG_ABOUT: &str = "\
Print a readable summary of a scenario after validation: each VPC with its
subnets (CIDR, availability zone, public/private/isolated, route table,
network ACL), the network interfaces in them with their addresses, route
tables with their implicit `local` and gateway-endpoint routes, gateways,
endpoints, security groups and network ACLs; then functions and their
placement, triggers, services, external hosts, peering connections,
transit gateways and expectations.

Defaults are shown as AWS applies them: a subnet without a route table uses
the VPC's main table, the implicit main table / default ACL / default
security group appear with their generated names, and addresses that were
left out are shown as assigned.

A subnet is `public` when its route table sends 0.0.0.0/0 to an internet
gateway, `private` when 0.0.0.0/0 goes elsewhere (NAT gateway, appliance,
transit gateway...), and `isolated` without a 0.0.0.0/0 route.";

#[derive(Debug, clap::Args)]
#[command(
    about = "Print a readable summary of a scenario",
    long_about = LONG_ABOUT,
    after_long_help = "\
Examples:
  awsreach show scenarios/seed/p7-private-with-nat-calls-out.ron
  awsreach show scenarios/example-full.ron --format json

Exit codes:
  0  shown (warnings allowed)
  2  bad input: the file is unreadable or invalid"
)]
pub struct Args {
    /// Scenario file (RON); `-` reads standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format; JSON is documented in docs/scenario-format.md
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let loaded = load::scenario(&args.file)?;
    let warnings = loaded
        .warnings
        .iter()
        .map(|w| WarningDoc {
            location: w.location.clone(),
            message: w.text.clone(),
            hint: w.hint.clone(),
        })
        .collect();
    let doc = ScenarioDoc::new(&loaded.scenario, &loaded.spec, warnings);
    match args.format {
        Format::Text => crate::out::print(&text(&doc))?,
        Format::Json => crate::out::print(&(serde_json::to_string_pretty(&doc)? + "\n"))?,
    }
    Ok(Exit::Ok)
}

/// The text form: one block per VPC, then the regional sections.
fn text(doc: &ScenarioDoc) -> String {
    let h = style::HEADER;
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "{h}scenario {}{h:#} (region {})", doc.name, doc.region);
    if let Some(d) = &doc.description {
        let _ = writeln!(o, "  {d}");
    }

    for v in &doc.vpcs {
        let _ = writeln!(o);
        let mut blocks = v.cidrs.clone();
        blocks.extend(v.ipv6_cidr.clone());
        let _ = writeln!(o, "{h}vpc {}{h:#}  {}", v.id, blocks.join(", "));
        let on = |b: bool| if b { "on" } else { "off" };
        let _ = writeln!(
            o,
            "  dns support {}, dns hostnames {}",
            on(v.dns_support),
            on(v.dns_hostnames)
        );
        let mut gws = Vec::new();
        if let Some(g) = &v.internet_gateway {
            gws.push(format!("internet gateway {g}"));
        }
        if let Some(g) = &v.egress_only_internet_gateway {
            gws.push(format!("egress-only internet gateway {g}"));
        }
        if gws.is_empty() {
            gws.push("no internet gateway".into());
        }
        let _ = writeln!(o, "  {}", gws.join(", "));

        if !v.subnets.is_empty() {
            let _ = writeln!(o, "\n  {h}subnets{h:#}");
            let mut t = Table::with_header(&[
                "subnet",
                "cidr",
                "az",
                "reach",
                "route table",
                "network acl",
                "ipv6",
            ]);
            for sub in &v.subnets {
                t.row([
                    sub.id.clone(),
                    sub.cidr.clone(),
                    sub.az.clone(),
                    sub.reach.to_string(),
                    sub.route_table.clone(),
                    sub.network_acl.clone(),
                    opt(&sub.ipv6_cidr),
                ]);
            }
            t.render(4, o);
        }

        let mut t = Table::with_header(&[
            "subnet",
            "private ip",
            "public ip",
            "ipv6",
            "interface of",
            "security groups",
        ]);
        for sub in &v.subnets {
            for e in &sub.interfaces {
                let kind = e.owner_kind.replace('-', " ");
                t.row([
                    sub.id.clone(),
                    e.private_ip.clone(),
                    opt(&e.public_ip),
                    opt(&e.ipv6),
                    format!(
                        "{kind} {}",
                        crate::render::with_name(&e.owner, e.owner_name.as_deref())
                    ),
                    list(&e.security_groups),
                ]);
            }
        }
        if !t.is_empty() {
            let _ = writeln!(o, "\n  {h}network interfaces{h:#}");
            t.render(4, o);
        }

        let _ = writeln!(o, "\n  {h}route tables{h:#}");
        for rt in &v.route_tables {
            let mut tags = Vec::new();
            if rt.main {
                tags.push("main".to_string());
            }
            if rt.implicit {
                tags.push("implicit".to_string());
            }
            let tags = if tags.is_empty() {
                String::new()
            } else {
                format!(" ({})", tags.join(", "))
            };
            let _ = writeln!(o, "    {}{tags}  subnets: {}", rt.id, list(&rt.subnets));
            let mut t = Table::new();
            for r in &rt.routes {
                let kind = match r.target_kind {
                    "egress-only-internet-gateway" => "egress-only internet gateway".into(),
                    k => k.replace('-', " "),
                };
                let target = match &r.target {
                    Some(name) => format!("{kind} {name}"),
                    None => kind,
                };
                let note = match r.origin {
                    "local" => "(implicit)",
                    "gateway-endpoint" => "(added by the endpoint)",
                    _ => "",
                };
                t.row([r.dest.clone(), target, note.to_string()]);
            }
            t.render(6, o);
        }

        if !v.nat_gateways.is_empty() {
            let _ = writeln!(o, "\n  {h}nat gateways{h:#}");
            let mut t = Table::with_header(&[
                "nat gateway",
                "connectivity",
                "subnet",
                "private ip",
                "elastic ip",
            ]);
            for n in &v.nat_gateways {
                t.row([
                    n.id.clone(),
                    n.connectivity.to_string(),
                    n.subnet.clone(),
                    n.private_ip.clone(),
                    opt(&n.elastic_ip),
                ]);
            }
            t.render(4, o);
        }

        if !v.endpoints.is_empty() {
            let _ = writeln!(o, "\n  {h}vpc endpoints{h:#}");
            let mut t = Table::with_header(&[
                "endpoint",
                "kind",
                "service",
                "in",
                "security groups",
                "private dns",
                "policy",
            ]);
            for e in &v.endpoints {
                let placed = if e.kind == "gateway" {
                    format!("route tables {}", list(&e.route_tables))
                } else {
                    format!("subnets {}", list(&e.subnets))
                };
                let dns = match (e.kind, e.private_dns) {
                    ("gateway", _) => "-",
                    (_, true) => "on",
                    (_, false) => "off",
                };
                let policy = match &e.policy {
                    None => "full access".to_string(),
                    Some(p) => {
                        let mut parts = Vec::new();
                        if let Some(a) = &p.allow {
                            parts.push(format!("allow {}", list(a)));
                        }
                        if !p.deny.is_empty() {
                            parts.push(format!("deny {}", list(&p.deny)));
                        }
                        parts.join("; ")
                    }
                };
                t.row([
                    e.id.clone(),
                    e.kind.to_string(),
                    e.service.clone(),
                    placed,
                    if e.kind == "gateway" {
                        "-".into()
                    } else {
                        list(&e.security_groups)
                    },
                    dns.to_string(),
                    policy,
                ]);
            }
            t.render(4, o);
        }

        let _ = writeln!(o, "\n  {h}security groups{h:#}");
        for g in &v.security_groups {
            let mut tags = Vec::new();
            if g.default {
                tags.push("default");
            }
            if g.implicit {
                tags.push("implicit");
            }
            let tags = if tags.is_empty() {
                String::new()
            } else {
                format!(" ({})", tags.join(", "))
            };
            let _ = writeln!(o, "    {}{tags}", g.id);
            let mut t = Table::new();
            let peer = |r: &SgRuleDoc| {
                if let Some(c) = &r.cidr {
                    c.clone()
                } else if let Some(g) = &r.sg {
                    format!("sg {g}")
                } else {
                    format!("pl:{}", r.prefix_list.as_deref().unwrap_or_default())
                }
            };
            for r in &g.ingress {
                t.row([
                    "in".to_string(),
                    rule_ports(r.protocol, &r.ports),
                    format!("from {}", peer(r)),
                ]);
            }
            if g.ingress.is_empty() {
                t.row(["in", "nothing", ""]);
            }
            for r in &g.egress {
                t.row([
                    "out".to_string(),
                    rule_ports(r.protocol, &r.ports),
                    format!("to {}", peer(r)),
                ]);
            }
            if g.egress.is_empty() {
                t.row(["out", "nothing", ""]);
            }
            t.render(6, o);
        }

        let _ = writeln!(o, "\n  {h}network acls{h:#}");
        for a in &v.network_acls {
            let mut tags = Vec::new();
            if a.default {
                tags.push("default");
            }
            if a.implicit {
                tags.push("implicit");
            }
            let tags = if tags.is_empty() {
                String::new()
            } else {
                format!(" ({})", tags.join(", "))
            };
            let _ = writeln!(o, "    {}{tags}  subnets: {}", a.id, list(&a.subnets));
            let mut t = Table::new();
            for (dir, rules, word) in [("in", &a.ingress, "from"), ("out", &a.egress, "to")] {
                for r in rules {
                    t.row([
                        dir.to_string(),
                        r.rule.to_string(),
                        r.action.to_string(),
                        rule_ports(r.protocol, &r.ports),
                        format!("{word} {}", r.cidr),
                    ]);
                }
                t.row([dir, "*", "deny", "all", "(implicit)"]);
            }
            t.render(6, o);
        }
    }

    if !doc.resources.is_empty() {
        let _ = writeln!(o, "\n{h}resources{h:#}");
        let mut t = Table::with_header(&[
            "resource",
            "kind",
            "subnet",
            "private ip",
            "public ip",
            "security groups",
            "listens",
        ]);
        for r in &doc.resources {
            let kind = if r.forwarding {
                format!("{} (forwarding)", r.kind)
            } else {
                r.kind.to_string()
            };
            t.row([
                crate::render::with_name(&r.id, r.name.as_deref()),
                kind,
                r.subnet.clone(),
                r.private_ip.clone(),
                opt(&r.public_ip),
                list(&r.security_groups),
                list(&r.listen),
            ]);
        }
        t.render(2, o);
    }

    if !doc.functions.is_empty() {
        let _ = writeln!(o, "\n{h}functions{h:#}");
        let mut t = Table::with_header(&[
            "function",
            "placement",
            "subnets",
            "security groups",
            "invoke policy",
        ]);
        for f in &doc.functions {
            let placement = match &f.vpc {
                None => "outside any vpc (lambda-managed network)".to_string(),
                Some(v) if f.ipv6_dual_stack => format!("vpc {v}, dual-stack"),
                Some(v) => format!("vpc {v}"),
            };
            let subnets = if f.interfaces.is_empty() {
                "-".to_string()
            } else {
                let parts: Vec<String> = f
                    .interfaces
                    .iter()
                    .map(|e| format!("{} {}", e.subnet, e.private_ip))
                    .collect();
                parts.join(", ")
            };
            t.row([
                crate::render::with_name(&f.id, f.name.as_deref()),
                placement,
                subnets,
                list(&f.security_groups),
                f.invoke_policy
                    .as_ref()
                    .map_or_else(|| "not modelled".to_string(), |p| list(p)),
            ]);
        }
        t.render(2, o);
    }

    if !doc.triggers.is_empty() {
        let _ = writeln!(o, "\n{h}triggers{h:#}");
        let mut t = Table::with_header(&["trigger", "source", "function", "delivery"]);
        for tr in &doc.triggers {
            let delivery = match tr.delivery {
                "aws-poller" => "polled by Lambda in AWS's network".to_string(),
                "push" => format!("{} invokes through the Lambda service", tr.service),
                _ => {
                    let mut d = format!(
                        "poller in {}, sg {}, port {}, {}",
                        list(&tr.subnets),
                        list(&tr.security_groups),
                        tr.port.unwrap_or_default(),
                        tr.mode.unwrap_or_default()
                    );
                    if tr.secrets_manager {
                        d.push_str(", secrets manager");
                    }
                    d
                }
            };
            t.row([
                tr.id.clone(),
                tr.source.to_string(),
                tr.function.clone(),
                delivery,
            ]);
        }
        t.render(2, o);
    }

    if !doc.services.is_empty() {
        let _ = writeln!(o, "\n{h}services used{h:#}");
        let mut t = Table::with_header(&[
            "service",
            "hostname",
            "endpoints",
            "invokes lambda",
            "overridden",
        ]);
        for x in &doc.services {
            let endpoints = match (x.gateway_endpoint, x.interface_endpoint) {
                (true, true) => "gateway, interface",
                (true, false) => "gateway",
                (false, true) => "interface",
                (false, false) => "none",
            };
            t.row([
                x.id.clone(),
                x.hostname.clone(),
                endpoints.to_string(),
                x.invokes.to_string(),
                list(&x.overrides),
            ]);
        }
        t.render(2, o);
    }

    if !doc.external_hosts.is_empty() {
        let _ = writeln!(o, "\n{h}external hosts{h:#}");
        let mut t = Table::with_header(&["host", "ip", "listens"]);
        for x in &doc.external_hosts {
            t.row([x.id.clone(), x.ip.clone(), list(&x.listen)]);
        }
        t.render(2, o);
    }

    if !doc.peering_connections.is_empty() {
        let _ = writeln!(o, "\n{h}peering connections{h:#}");
        let mut t = Table::new();
        for p in &doc.peering_connections {
            t.row([p.id.clone(), format!("{} <-> {}", p.requester, p.accepter)]);
        }
        t.render(2, o);
    }

    if !doc.transit_gateways.is_empty() {
        let _ = writeln!(o, "\n{h}transit gateways{h:#}");
        for tg in &doc.transit_gateways {
            let att: Vec<String> = tg
                .attachments
                .iter()
                .map(|a| {
                    let mut s = format!("{} ({})", a.vpc, list(&a.subnets));
                    match &a.route_table {
                        Some(t) => s.push_str(&format!(" -> {t}")),
                        None => s.push_str(" not associated"),
                    }
                    if a.appliance_mode {
                        s.push_str(", appliance mode");
                    }
                    s
                })
                .collect();
            let sgref = if tg.sg_referencing {
                "  (security group referencing)"
            } else {
                ""
            };
            let _ = writeln!(o, "  {}  attachments: {}{sgref}", tg.id, list(&att));
            for rt in &tg.route_tables {
                let _ = writeln!(o, "    route table {}", rt.id);
                let mut t = Table::new();
                for r in &rt.routes {
                    t.row([
                        r.dest.clone(),
                        r.vpc
                            .as_ref()
                            .map_or_else(|| "blackhole".to_string(), |v| format!("vpc {v}")),
                        if r.propagated { "propagated" } else { "static" }.to_string(),
                    ]);
                }
                t.render(6, o);
            }
        }
    }

    if !doc.expectations.is_empty() {
        let _ = writeln!(o, "\n{h}expectations{h:#}");
        let mut t = Table::new();
        for e in &doc.expectations {
            let what = match (e.protocol, e.port) {
                (Some(p), Some(n)) => format!("{p}/{n}"),
                (Some(p), None) => p.to_string(),
                (None, Some(n)) => format!("port {n}"),
                (None, None) => "-".into(),
            };
            let mut expect = e.expect.to_string();
            if let Some(c) = &e.code {
                expect.push_str(&format!(" {c}"));
            }
            t.row([
                format!("{} -> {}", e.from, e.to),
                what,
                expect,
                e.note.clone().unwrap_or_default(),
            ]);
        }
        t.render(2, o);
    }
    if !doc.missing.is_empty() {
        let _ = writeln!(
            o,
            "\n{h}missing data{h:#} (verdicts that depend on it are unknown)"
        );
        let mut t = Table::new();
        for m in &doc.missing {
            t.row([
                format!("{} {}", m.entity_kind, m.entity),
                m.what.to_string(),
                m.note.clone().unwrap_or_default(),
            ]);
        }
        t.render(2, o);
    }
    out
}

/// `tcp/443`, `udp/all`, `all`, `icmp`.
fn rule_ports(protocol: &str, ports: &str) -> String {
    match protocol {
        "tcp" | "udp" => format!("{protocol}/{ports}"),
        p => p.to_string(),
    }
}
