//! Arbitrary input: how far mangled scenario text gets through parsing,
//! validation and probing.

use awsreach_model::{parse, validate};
use awsreach_sim::{Engine, Verdict, apply_remedy};

use super::opts;
use super::{Pick, replay_probes};

/// How far arbitrary text got: what [`exercise`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The RON parser refused it.
    Unparsed,
    /// It parsed but does not validate.
    Invalid,
    /// It validated, compiled, and every probe got a verdict or a probe error.
    Probed,
}

/// Feeds arbitrary text through everything a user's file goes through:
/// parse, validate, compile, and probe (its `expect` entries, a few
/// generated probes, a few matrix cells, the first fix of a blocked trace).
/// Must never panic, whatever the text; the cargo-fuzz target and the
/// mangled-scenario test call it.
pub fn exercise(text: &str) -> Stage {
    let Ok(spec) = parse(text) else {
        return Stage::Unparsed;
    };
    let Ok(checked) = validate(&spec) else {
        return Stage::Invalid;
    };
    let engine = Engine::new(checked.scenario);
    let mut fixed_one = false;
    for p in replay_probes(&spec, 0, 8) {
        let Ok(q) = engine.probe(&p.from, &p.to, &opts(&p)) else {
            continue;
        };
        let t = engine.trace(&q);
        let _ = engine.outcome(&q);
        if let Verdict::Blocked(_) = &t.verdict
            && !fixed_one
            && let Some(r) = engine.remedies(&t).first()
        {
            fixed_one = true;
            if let Ok((_, sc)) = apply_remedy(&spec, r) {
                let e2 = Engine::new(sc);
                if let Ok(q2) = e2.probe(&p.from, &p.to, &opts(&p)) {
                    let _ = e2.trace(&q2);
                }
            }
        }
    }
    let rows = engine.sources();
    let cols = engine.destinations();
    for (i, &r) in rows.iter().enumerate().take(6) {
        for &c in cols.iter().skip(i).take(6) {
            let _ = engine.cell(r, c);
        }
    }
    Stage::Probed
}

/// A mangled copy of a scenario file, deterministic in `seed`: cut short,
/// a line dropped, doubled or swapped, a string or number replaced by
/// another one of the same file, or a byte changed. Most results still
/// parse, so validation and the engine see odd but well-formed input.
pub fn mangle(text: &str, seed: u64) -> String {
    let mut pick = Pick(seed);
    let lines: Vec<&str> = text.lines().collect();
    let strings: Vec<&str> = text.split('"').skip(1).step_by(2).collect();
    let numbers: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    let mut out = text.to_string();
    let rounds = 1 + pick.below(3);
    for _ in 0..rounds {
        match pick.below(7) {
            0 => {
                // Cut short, on a char boundary.
                let mut at = pick.below(out.len() + 1);
                while !out.is_char_boundary(at) {
                    at -= 1;
                }
                out.truncate(at);
            }
            1 | 2 if !lines.is_empty() => {
                let mut ls: Vec<&str> = out.lines().collect();
                if ls.is_empty() {
                    continue;
                }
                let i = pick.below(ls.len());
                match pick.below(3) {
                    0 => {
                        ls.remove(i);
                    }
                    1 => ls.insert(i, ls[i]),
                    _ => {
                        let j = pick.below(ls.len());
                        ls.swap(i, j);
                    }
                }
                out = ls.join("\n");
            }
            3 if !strings.is_empty() => {
                // Replace one quoted string by another of the file.
                let quoted: Vec<(usize, usize)> = quote_spans(&out);
                if quoted.is_empty() {
                    continue;
                }
                let (a, b) = quoted[pick.below(quoted.len())];
                let with = strings[pick.below(strings.len())];
                out.replace_range(a..b, with);
            }
            4 | 5 if !numbers.is_empty() => {
                // Replace one number by another of the file, or an odd one.
                let spans = number_spans(&out);
                if spans.is_empty() {
                    continue;
                }
                let (a, b) = spans[pick.below(spans.len())];
                let odd = [
                    "0",
                    "1",
                    "32",
                    "33",
                    "255",
                    "256",
                    "65535",
                    "65536",
                    "4294967296",
                ];
                let with = if pick.below(2) == 0 {
                    numbers[pick.below(numbers.len())].to_string()
                } else {
                    odd[pick.below(odd.len())].to_string()
                };
                out.replace_range(a..b, &with);
            }
            _ => {
                // Change one byte to a structural character.
                if out.is_empty() {
                    continue;
                }
                let mut at = pick.below(out.len());
                while !out.is_char_boundary(at) {
                    at -= 1;
                }
                let end = (at + 1..=out.len())
                    .find(|&e| out.is_char_boundary(e))
                    .unwrap_or(out.len());
                let with = ["(", ")", "[", "]", ",", ":", "\"", "/", "-", " ", "x", "9"];
                out.replace_range(at..end, with[pick.below(with.len())]);
            }
        }
    }
    out
}

/// Byte spans of the contents of `"..."` strings.
pub(super) fn quote_spans(s: &str) -> Vec<(usize, usize)> {
    let idx: Vec<usize> = s.match_indices('"').map(|(i, _)| i).collect();
    idx.chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0] + 1, c[1]))
        .collect()
}

/// Byte spans of runs of ASCII digits.
pub(super) fn number_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                out.push((a, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        out.push((a, s.len()));
    }
    out
}
