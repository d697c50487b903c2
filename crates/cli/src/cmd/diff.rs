//! `awsreach diff`: what a change to a scenario opens and breaks, call by call.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use awsreach_sim::diff::{Change, ChangeKind, Key, ReachDiff, Side};
use awsreach_sim::{Direction, Engine, Outcome, ProbeOptions, Trace, Verdict};
use clap::ValueEnum;
use serde_json::Value;

use crate::cli::Exit;
use crate::cmd::matrix::known_filter;
use crate::load::InputKind;
use crate::out::Out;
use crate::render::{kind_str, paint};
use crate::style::{DIM, ERROR as RED, HEADER as BOLD, OK as GREEN, WARNING as YELLOW};

mod stream;

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Compares the complete reachability of two versions of a scenario: every source x
destination both have, matched by id (never by position), probed the way `matrix` does.
Changes are grouped by kind:
  newly-blocked    reachable before, blocked after (with the new blocking hop, code, why)
  newly-reachable  blocked before, reachable after (with the path it now takes)
  code-changed     blocked before and after, for a different reason (or unknown both
                   times, for different missing data)
  unknown          known on one side (reachable or blocked), unknown on the other: the
                   answer depends, or stopped depending, on data the input lacks
  added, removed   sources or destinations only in AFTER / only in BEFORE

Examples (pattern 7 is pattern 6 with a NAT gateway):
  awsreach diff scenarios/seed/p6-private-no-nat-calls-out.ron \\
      scenarios/seed/p7-private-with-nat-calls-out.ron
  awsreach diff scenarios/seed/p6-private-no-nat-calls-out.ron \\
      scenarios/seed/p7-private-with-nat-calls-out.ron --format markdown > comment.md
  awsreach diff scenarios/seed/p7-private-with-nat-calls-out.ron \\
      scenarios/seed/p6-private-no-nat-calls-out.ron --to service --fail-on newly-blocked

One Terraform plan alone (`terraform show -json plan.tfplan > plan.json`, then
`awsreach diff plan.json`) diffs its prior state against its planned values.
Flows are asked over IPv4; --ip-version 6 asks them over IPv6 (a dual-stack change:
a ::/0 route, an egress-only gateway, an IPv6 rule), as `matrix --ip-version 6` does.

CSV columns: change,from,to,call,before,after,hop,component,why (for added/removed
entities: change,id,,kind).

Exit codes:
  0  no change of a `--fail-on` kind (or no --fail-on)
  1  a change of a `--fail-on` kind was found
  2  bad input: a file is unreadable or invalid")]
pub struct Args {
    /// The scenario before the change (any input the tool reads), or one
    /// Terraform plan (`terraform show -json`): its prior state against its
    /// planned values.
    pub before: PathBuf,
    /// The scenario after the change.
    pub after: Option<PathBuf>,
    /// Keep only these sources (ids or kinds, comma-separated), as `matrix`.
    #[arg(long, value_delimiter = ',')]
    pub from: Vec<String>,
    /// Keep only these destinations (ids or kinds, comma-separated), as `matrix`.
    #[arg(long, value_delimiter = ',')]
    pub to: Vec<String>,
    /// Probe network flows on this port (API calls are HTTPS: compared only for 443).
    #[arg(long)]
    pub port: Option<u16>,
    /// IP version of the flows: 6 asks every flow between ends over IPv6.
    #[arg(long, value_name = "4|6", value_parser = ["4", "6"], default_value = "4")]
    pub ip_version: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when a change of one of these kinds is found (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub fail_on: Vec<FailOn>,
    /// Changes listed per kind in text and markdown (0: all); JSON and CSV list all.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Csv,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    NewlyBlocked,
    /// Newly reachable (also `newly-reachable`).
    #[value(alias = "newly-reachable")]
    NewlyOpen,
    CodeChanged,
    /// Reachable or blocked on one side, unknown on the other.
    Unknown,
    Added,
    Removed,
    /// Any change at all.
    Any,
}

/// One change with what the traces say about it.
struct Shown<'d> {
    kind: ChangeKind,
    from: &'d Key,
    to: &'d Key,
    call: String,
    before: Outcome,
    after: Outcome,
    /// The blocking hop after (newly blocked, code changed) or before (newly reachable).
    block: Option<BlockAt>,
    /// The hops' components, forward direction, after (newly reachable).
    path: Vec<String>,
}

struct BlockAt {
    step: usize,
    kind: &'static str,
    component: String,
    detail: String,
    why: String,
}

/// The hop that blocks, or that would consult the missing data (unknown).
fn block_at(e: &Engine, t: &Trace) -> Option<BlockAt> {
    let hop = match &t.verdict {
        Verdict::Blocked(b) => b.hop,
        Verdict::Unknown(u) => u.hop,
        Verdict::Reachable => return None,
    };
    let h = t.hops.get(hop)?;
    let shown = t.show(h, e.scenario());
    Some(BlockAt {
        step: hop + 1,
        kind: h.kind.as_str(),
        component: shown.component().to_string(),
        detail: shown.detail().to_string(),
        why: e.why(t).unwrap_or_default(),
    })
}

fn path_of(e: &Engine, t: &Trace) -> Vec<String> {
    let mut path: Vec<String> = Vec::new();
    for h in t.hops.iter().filter(|h| h.direction == Direction::Forward) {
        let component = h.show(e.scenario()).component().to_string();
        if path.last() != Some(&component) {
            path.push(component);
        }
    }
    path
}

fn call_of(t: &Trace) -> String {
    if t.protocol.has_ports() {
        format!("{} {}/{}", kind_str(t.kind), t.protocol, t.port)
    } else {
        format!("{} {}", kind_str(t.kind), t.protocol)
    }
}

fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Reachable => "reachable",
        Outcome::Blocked(c) | Outcome::Unknown(c) => c.as_str(),
    }
}

pub fn run(args: Args) -> Result<Exit> {
    let (before, after, after_name) = match &args.after {
        Some(after) => (
            crate::load::scenario(&args.before)?.scenario,
            crate::load::scenario(after)?.scenario,
            after.display().to_string(),
        ),
        None if InputKind::detect(&args.before) == InputKind::TerraformPlan => {
            let (b, a) = plan_sides(&args.before)?;
            (b, a, format!("{} (planned values)", args.before.display()))
        }
        None => {
            anstream::eprintln!(
                "{}: {} diff takes two inputs, BEFORE and AFTER (or one Terraform plan, `terraform show -json plan.tfplan > plan.json`)",
                args.before.display(),
                paint(RED, "error:")
            );
            return Ok(Exit::BadInput);
        }
    };
    let (ea, eb) = (Engine::new(before), Engine::new(after));
    for f in args.from.iter().chain(&args.to) {
        if !known_filter(&ea, f) && !known_filter(&eb, f) {
            anstream::eprintln!(
                "{}: {} unknown id or kind `{f}` in a filter (in neither scenario)",
                after_name,
                paint(RED, "error:")
            );
            return Ok(Exit::BadInput);
        }
    }
    let opts = ProbeOptions {
        port: args.port,
        ipv6: args.ip_version == "6",
        ..ProbeOptions::default()
    };
    let (ra, ca) = (
        ea.select(ea.sources(), &args.from),
        ea.select(ea.destinations(), &args.to),
    );
    let (rb, cb) = (
        eb.select(eb.sources(), &args.from),
        eb.select(eb.destinations(), &args.to),
    );
    let cmp =
        awsreach_sim::diff::compare(Side::all(&ea, &ra, &ca), Side::all(&eb, &rb, &cb), &opts);
    let before_name = match &args.after {
        Some(_) => args.before.display().to_string(),
        None => format!("{} (prior state)", args.before.display()),
    };
    let names = (before_name, after_name);
    let tally = match args.format {
        // JSON and CSV list every change: each is traced and written as
        // its block of the diff is computed, and none is kept (a 10k-ENI
        // diff with 805,491 changes took 584 MiB as CSV and 5.8 GiB as a
        // JSON document held whole; 69 MiB either way streamed).
        DiffFormat::Json | DiffFormat::Csv => {
            let mut out = Out::stdout();
            let tally = if args.format == DiffFormat::Json {
                stream::json(&cmp, (&ea, &eb), &names, &mut out)?
            } else {
                stream::csv(&cmp, (&ea, &eb), &mut out)?
            };
            out.finish()?;
            tally
        }
        DiffFormat::Text | DiffFormat::Markdown => {
            let d = cmp.collect();
            let shown = limited(&d, (&ea, &eb), &opts, args.limit);
            let text = if args.format == DiffFormat::Text {
                text(&d, &shown, &names, args.limit)
            } else {
                markdown(&d, &shown, &names, args.limit)
            };
            crate::out::print(&text)?;
            Tally::of(&d)
        }
    };
    Ok(if tally.fails(&args.fail_on) {
        Exit::Blocked
    } else {
        Exit::Ok
    })
}

/// What the traces say about one change.
fn show<'d>(
    (ea, eb): (&Engine, &Engine),
    c: &Change,
    (from, to): (&'d Key, &'d Key),
    (tb, ta): (Option<Trace>, Option<Trace>),
) -> Shown<'d> {
    let kind = c.kind();
    let (block, path) = match kind {
        ChangeKind::NewlyReachable => (
            tb.as_ref().and_then(|t| block_at(ea, t)),
            ta.as_ref().map(|t| path_of(eb, t)).unwrap_or_default(),
        ),
        // No longer unknown and now reachable: what was missing, and the path.
        ChangeKind::Unknown if c.after == Outcome::Reachable => (
            tb.as_ref().and_then(|t| block_at(ea, t)),
            ta.as_ref().map(|t| path_of(eb, t)).unwrap_or_default(),
        ),
        _ => (ta.as_ref().and_then(|t| block_at(eb, t)), Vec::new()),
    };
    Shown {
        kind,
        from,
        to,
        call: ta.as_ref().or(tb.as_ref()).map(call_of).unwrap_or_default(),
        before: c.before,
        after: c.after,
        block,
        path,
    }
}

/// The first `limit` changes of each kind (all with 0), traced: text and
/// markdown trace only what they list (a 10k-ENI diff with 433,499
/// changed cells took 101 s and 331 MiB tracing every one, to show 300).
fn limited<'d>(
    d: &'d ReachDiff,
    engines: (&Engine, &Engine),
    opts: &ProbeOptions,
    limit: usize,
) -> Vec<Shown<'d>> {
    let mut per_kind = [0usize; ChangeKind::ALL.len()];
    d.changes
        .iter()
        .filter(|c| {
            let i = kind_ix(c.kind());
            per_kind[i] += 1;
            limit == 0 || per_kind[i] <= limit
        })
        .map(|c| {
            let traces = d.traces(engines.0, engines.1, c, opts);
            show(engines, c, d.keys(c), traces)
        })
        .collect()
}

fn kind_ix(k: ChangeKind) -> usize {
    ChangeKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

/// How many changes of each kind (in [`ChangeKind::ALL`] order), entities
/// added and removed: what `--fail-on` and the JSON summary need.
#[derive(Debug, Default)]
struct Tally {
    changes: [usize; ChangeKind::ALL.len()],
    added: usize,
    removed: usize,
}

impl Tally {
    fn of(d: &ReachDiff) -> Tally {
        let mut t = Tally {
            added: d.added.len(),
            removed: d.removed.len(),
            ..Tally::default()
        };
        d.changes
            .iter()
            .for_each(|c| t.changes[kind_ix(c.kind())] += 1);
        t
    }

    fn count(&self, k: ChangeKind) -> usize {
        self.changes[kind_ix(k)]
    }

    /// True when the diff holds a change of a kind the user asked to fail on.
    fn fails(&self, fail_on: &[FailOn]) -> bool {
        fail_on.iter().any(|f| match f {
            FailOn::NewlyBlocked => self.count(ChangeKind::NewlyBlocked) > 0,
            FailOn::NewlyOpen => self.count(ChangeKind::NewlyReachable) > 0,
            FailOn::CodeChanged => self.count(ChangeKind::CodeChanged) > 0,
            FailOn::Unknown => self.count(ChangeKind::Unknown) > 0,
            FailOn::Added => self.added > 0,
            FailOn::Removed => self.removed > 0,
            FailOn::Any => self.changes.iter().sum::<usize>() + self.added + self.removed > 0,
        })
    }
}

fn title(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::NewlyBlocked => "newly blocked",
        ChangeKind::NewlyReachable => "newly reachable",
        ChangeKind::CodeChanged => "code changed",
        ChangeKind::Unknown => "unknown",
    }
}

fn summary(d: &ReachDiff) -> String {
    let mut parts: Vec<String> = ChangeKind::ALL
        .iter()
        .map(|k| format!("{} {}", d.count(*k), title(*k)))
        .collect();
    parts.push(format!("{} added", d.added.len()));
    parts.push(format!("{} removed", d.removed.len()));
    parts.join(", ")
}

fn entity(k: &Key) -> String {
    format!("{} {}", k.kind, k.id)
}

fn text(d: &ReachDiff, shown: &[Shown], (b, a): &(String, String), limit: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {b} -> {a}: {} cells compared",
        paint(BOLD, "diff"),
        d.compared
    );
    if d.is_empty() {
        let _ = writeln!(out, "{}", paint(GREEN, "no change in reachability"));
        return out;
    }
    let _ = writeln!(out, "{}", summary(d));
    for k in ChangeKind::ALL {
        // `shown` holds at most `limit` changes of each kind; the diff counts them all.
        let of_kind: Vec<&Shown> = shown.iter().filter(|s| s.kind == k).collect();
        let total = d.count(k);
        if total == 0 {
            continue;
        }
        let _ = writeln!(out, "\n{} ({total})", paint(BOLD, title(k)));
        let cap = if limit == 0 { total } else { limit };
        for s in of_kind.iter().take(cap) {
            let head = format!("  {} -> {} ({})", s.from, s.to, s.call);
            match k {
                ChangeKind::NewlyBlocked | ChangeKind::CodeChanged | ChangeKind::Unknown => {
                    let was = if k != ChangeKind::NewlyBlocked {
                        format!("{} -> ", outcome_str(s.before))
                    } else {
                        String::new()
                    };
                    let now = match s.after {
                        Outcome::Reachable => paint(GREEN, "reachable"),
                        Outcome::Unknown(c) => paint(YELLOW, c.as_str()),
                        Outcome::Blocked(c) => paint(RED, c.as_str()),
                    };
                    let _ = writeln!(out, "{head}: {was}{now}");
                    if !s.path.is_empty() {
                        let _ = writeln!(out, "      via {}", s.path.join(" → "));
                    }
                    if let Some(bl) = &s.block {
                        let _ = writeln!(
                            out,
                            "      at hop {} {} {}: {}",
                            bl.step, bl.kind, bl.component, bl.detail
                        );
                        let _ = writeln!(out, "      {}", paint(DIM, format!("why: {}", bl.why)));
                    }
                }
                ChangeKind::NewlyReachable => {
                    let at = s
                        .block
                        .as_ref()
                        .map(|b| format!(" at hop {} {} {}", b.step, b.kind, b.component))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{head}: was {}{at}, now {}",
                        outcome_str(s.before),
                        paint(GREEN, "reachable")
                    );
                    let _ = writeln!(out, "      via {}", s.path.join(" → "));
                }
            }
        }
        if total > cap {
            let _ = writeln!(
                out,
                "  {}",
                paint(DIM, format!("… and {} more", total - cap))
            );
        }
    }
    for (label, keys) in [("added", &d.added), ("removed", &d.removed)] {
        if keys.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", paint(BOLD, label), keys.len());
        for k in keys {
            let _ = writeln!(out, "  {}", paint(YELLOW, entity(k)));
        }
    }
    out
}

/// A markdown table cell: pipes escaped, one line.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(d: &ReachDiff, shown: &[Shown], (b, a): &(String, String), limit: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### awsreach diff: `{}` → `{}`\n", md(b), md(a));
    if d.is_empty() {
        let _ = writeln!(
            out,
            "No change in reachability ({} calls compared).",
            d.compared
        );
        return out;
    }
    let _ = writeln!(out, "{} ({} calls compared).", summary(d), d.compared);
    for k in ChangeKind::ALL {
        let of_kind: Vec<&Shown> = shown.iter().filter(|s| s.kind == k).collect();
        let total = d.count(k);
        if total == 0 {
            continue;
        }
        let mut t = title(k).to_string();
        t[..1].make_ascii_uppercase();
        let _ = writeln!(out, "\n#### {t} ({total})\n");
        match k {
            ChangeKind::NewlyBlocked => {
                let _ = writeln!(
                    out,
                    "| from | to | call | blocked by | at | why |\n|---|---|---|---|---|---|"
                );
            }
            ChangeKind::CodeChanged | ChangeKind::Unknown => {
                let _ = writeln!(
                    out,
                    "| from | to | call | before | after | at | why |\n|---|---|---|---|---|---|---|"
                );
            }
            ChangeKind::NewlyReachable => {
                let _ = writeln!(
                    out,
                    "| from | to | call | was | path |\n|---|---|---|---|---|"
                );
            }
        }
        let cap = if limit == 0 { total } else { limit };
        for s in of_kind.iter().take(cap) {
            let at = s
                .block
                .as_ref()
                .map(|b| format!("{} `{}`", b.kind, md(&b.component)))
                .unwrap_or_default();
            let why = s.block.as_ref().map(|b| md(&b.why)).unwrap_or_default();
            let (f, t, c) = (md(&s.from.id), md(&s.to.id), md(&s.call));
            let _ = match k {
                ChangeKind::NewlyBlocked => writeln!(
                    out,
                    "| `{f}` | `{t}` | {c} | `{}` | {at} | {why} |",
                    outcome_str(s.after)
                ),
                ChangeKind::CodeChanged | ChangeKind::Unknown => writeln!(
                    out,
                    "| `{f}` | `{t}` | {c} | `{}` | `{}` | {at} | {why} |",
                    outcome_str(s.before),
                    outcome_str(s.after)
                ),
                ChangeKind::NewlyReachable => writeln!(
                    out,
                    "| `{f}` | `{t}` | {c} | `{}` | {} |",
                    outcome_str(s.before),
                    md(&s.path.join(" → "))
                ),
            };
        }
        if total > cap {
            let _ = writeln!(out, "\n… and {} more.", total - cap);
        }
    }
    for (label, keys) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !keys.is_empty() {
            let list: Vec<String> = keys
                .iter()
                .map(|k| format!("`{}` ({})", md(&k.id), k.kind))
                .collect();
            let _ = writeln!(out, "\n**{label}:** {}", list.join(", "));
        }
    }
    out
}

/// The two sides of one Terraform plan: the scenario of its `prior_state`
/// (empty when the plan creates everything) and of its planned values.
/// Entities keep their resource addresses as ids on both sides, so they
/// match by address.
fn plan_sides(
    path: &std::path::Path,
) -> Result<(awsreach_model::Scenario, awsreach_model::Scenario)> {
    use anyhow::Context as _;
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
    let doc: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        // The importer reports the syntax error with its line and column.
        Err(_) => {
            crate::load::scenario(path)?;
            anyhow::bail!("{name}: not JSON");
        }
    };
    let import = |label: String, text: String| -> Result<awsreach_model::Scenario> {
        let file = awsreach_import::InputFile {
            path: label.clone(),
            text,
        };
        let imported =
            awsreach_import::tfplan::import(&file).map_err(|e| anyhow::anyhow!("{label}: {e}"))?;
        anstream::eprintln!("{}", crate::load::summary(path, &imported));
        let source = crate::load::Source {
            name: label,
            text: awsreach_model::to_ron(&imported.spec),
        };
        match crate::load::check(&source) {
            crate::load::Outcome::Valid { checked, .. } => Ok(checked.scenario),
            crate::load::Outcome::Invalid { errors, warnings } => {
                errors
                    .iter()
                    .chain(&warnings)
                    .for_each(crate::load::Message::eprint);
                Err(crate::load::Reported.into())
            }
        }
    };
    let before = match doc.get("prior_state") {
        Some(prior) if !prior.is_null() => {
            // A prior state is a state document; some plans leave out its
            // format_version, which the importer looks for: take the plan's.
            let mut prior = prior.clone();
            if let (Some(o), Some(v)) = (prior.as_object_mut(), doc.get("format_version"))
                && !o.contains_key("format_version")
            {
                o.insert("format_version".into(), v.clone());
            }
            import(format!("{name}#prior_state"), prior.to_string())?
        }
        _ => {
            awsreach_model::validate(&awsreach_model::ScenarioSpec::default())
                .map_err(|_| anyhow::anyhow!("the empty scenario does not validate"))?
                .scenario
        }
    };
    let after = import(name, text)?;
    Ok((before, after))
}
