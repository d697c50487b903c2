//! The formats that list every change, JSON and CSV: each change is
//! traced and written as the diff hands it over, a batch at a time, and
//! none is kept, so memory stays bounded by the diff's block and the batch
//! however many cells changed (at 10k ENIs, 805,491 changes held before
//! output took 584 MiB as CSV and 5.8 GiB as a JSON document; streamed,
//! 69 MiB each).

use anyhow::Result;
use awsreach_sim::diff::{Change, ChangeKind, Comparison};
use awsreach_sim::{Engine, Outcome};
use rayon::prelude::*;
use serde_json::{Value, json};

use super::{Shown, Tally, kind_ix, outcome_str, show};
use crate::out::{Out, OutputError};

/// Changes traced and rendered together (in parallel), then written in
/// order: a bound on what is held at once, whatever the diff's size.
const BATCH: usize = 1024;

/// Hands every change of `cmp`, in order, rendered by `render`, to
/// `write`; counts them by kind. Each batch of changes is traced in
/// parallel and written before the next is taken.
fn stream(
    cmp: &Comparison<'_>,
    engines: (&Engine, &Engine),
    render: impl Fn(&Shown) -> String + Sync,
    mut write: impl FnMut(String) -> Result<(), OutputError>,
) -> Result<Tally, OutputError> {
    let mut tally = Tally {
        added: cmp.added.len(),
        removed: cmp.removed.len(),
        ..Tally::default()
    };
    let mut batch: Vec<Change> = Vec::with_capacity(BATCH);
    let flush = |batch: &mut Vec<Change>,
                 write: &mut dyn FnMut(String) -> Result<(), OutputError>| {
        let rendered: Vec<String> = batch
            .par_iter()
            .map(|c| render(&show(engines, c, cmp.keys(c), cmp.traces(c))))
            .collect();
        batch.clear();
        rendered.into_iter().try_for_each(write)
    };
    cmp.each_change(|c| {
        tally.changes[kind_ix(c.kind())] += 1;
        batch.push(*c);
        if batch.len() == BATCH {
            flush(&mut batch, &mut write)?;
        }
        Ok(())
    })?;
    flush(&mut batch, &mut write)?;
    Ok(tally)
}

fn outcome_json(o: Outcome) -> Value {
    match o {
        Outcome::Reachable => json!({"verdict": "reachable"}),
        Outcome::Blocked(c) => json!({"verdict": "blocked", "code": c.as_str()}),
        Outcome::Unknown(c) => json!({"verdict": "unknown", "code": c.as_str()}),
    }
}

/// One change as a JSON object.
fn change_json(s: &Shown) -> Value {
    let mut v = json!({
        "change": s.kind.as_str(),
        "from": s.from.id,
        "to": s.to.id,
        "call": s.call,
        "before": outcome_json(s.before),
        "after": outcome_json(s.after),
    });
    let o = v.as_object_mut().expect("object");
    if let Some(bl) = &s.block {
        o.insert(
            "blocking_hop".into(),
            json!({"step": bl.step, "kind": bl.kind, "component": bl.component, "detail": bl.detail, "why": bl.why}),
        );
    }
    if s.kind == ChangeKind::NewlyReachable || !s.path.is_empty() {
        o.insert("path".into(), json!(s.path));
    }
    v
}

/// `v` as `serde_json::to_string_pretty` writes it nested `depth` levels
/// deep: every line after the first indented two spaces a level (JSON
/// strings hold no raw newline, so each line break is the printer's).
fn pretty_at(v: &Value, depth: usize) -> String {
    let text = serde_json::to_string_pretty(v).expect("a JSON value serializes");
    text.replace('\n', &format!("\n{}", "  ".repeat(depth)))
}

/// The JSON document, written as the diff goes: `before`, `after`,
/// `compared`, `summary` (a count per kind), `changes[]` {`change`, `from`,
/// `to`, `call`, `before`, `after` ({`verdict`, `code`?}), `blocking_hop`?
/// {`step`, `kind`, `component`, `detail`, `why`}, `path`? }, `added[]`,
/// `removed[]` ({`kind`, `id`}). Byte for byte what
/// `serde_json::to_string_pretty` makes of the whole document (keys in
/// its order), without holding the changes.
pub(super) fn json(
    cmp: &Comparison<'_>,
    engines: (&Engine, &Engine),
    (b, a): &(String, String),
    out: &mut Out,
) -> Result<Tally> {
    // The document's fields in serde_json's order, the changes and the
    // summary (known once the changes are) left to fill in.
    let doc = json!({
        "before": b,
        "after": a,
        "compared": cmp.compared,
        "summary": null,
        "changes": null,
        "added": cmp.added,
        "removed": cmp.removed,
    });
    let Value::Object(fields) = doc else {
        unreachable!("json! of an object literal is an object")
    };
    let mut tally = None;
    out.write_str("{")?;
    for (i, (key, value)) in fields.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        write!(out, "{sep}\n  {}: ", Value::from(key.as_str()))?;
        match key.as_str() {
            "changes" => {
                let mut first = true;
                let t = stream(
                    cmp,
                    engines,
                    |s| pretty_at(&change_json(s), 2),
                    |obj| {
                        let open = if first { "[\n    " } else { ",\n    " };
                        first = false;
                        out.write_str(open)?;
                        out.write_str(&obj)
                    },
                )?;
                out.write_str(if first { "[]" } else { "\n  ]" })?;
                tally = Some(t);
            }
            "summary" => {
                // serde_json orders keys by name: the summary comes after the changes.
                let Some(t) = &tally else {
                    anyhow::bail!("internal error: the JSON summary precedes the changes");
                };
                let mut summary = serde_json::Map::new();
                for k in ChangeKind::ALL {
                    summary.insert(k.as_str().into(), json!(t.count(k)));
                }
                summary.insert("added".into(), json!(t.added));
                summary.insert("removed".into(), json!(t.removed));
                out.write_str(&pretty_at(&Value::Object(summary), 1))?;
            }
            _ => out.write_str(&pretty_at(value, 1))?,
        }
    }
    out.write_str("\n}\n")?;
    tally.ok_or_else(|| anyhow::anyhow!("internal error: the JSON document has no changes"))
}

/// A CSV field, quoted when it needs to be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One change as a CSV line.
fn csv_line(s: &Shown) -> String {
    let (hop, comp, why) = match &s.block {
        Some(b) => (b.step.to_string(), b.component.as_str(), b.why.as_str()),
        None => Default::default(),
    };
    let cells = [
        s.kind.as_str(),
        &s.from.id,
        &s.to.id,
        &s.call,
        outcome_str(s.before),
        outcome_str(s.after),
        &hop,
        comp,
        why,
    ];
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    line.join(",") + "\n"
}

/// The CSV, one line per change written as the diff goes, then the
/// entities added and removed.
pub(super) fn csv(
    cmp: &Comparison<'_>,
    engines: (&Engine, &Engine),
    out: &mut Out,
) -> Result<Tally> {
    out.write_str("change,from,to,call,before,after,hop,component,why\n")?;
    let tally = stream(cmp, engines, csv_line, |line| out.write_str(&line))?;
    for (label, keys) in [("added", &cmp.added), ("removed", &cmp.removed)] {
        for k in keys {
            writeln!(out, "{label},{},,{},,,,,", field(&k.id), k.kind)?;
        }
    }
    Ok(tally)
}
