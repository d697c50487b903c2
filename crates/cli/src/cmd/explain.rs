//! `awsreach explain`: what a reason code means and how it is usually fixed.

use anyhow::Result;

use crate::cli::Exit;
use crate::out::Out;
use awsreach_sim::Code;

use crate::render::paint;
use crate::style::{DIM, HEADER as BOLD};

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  awsreach explain NO_PUBLIC_IP
  awsreach explain --list

Exit codes:
  0  explained
  2  an unknown code (the close ones are suggested)")]
pub struct Args {
    /// A reason code, e.g. NO_PUBLIC_IP (case-insensitive).
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every reason code with a one-line summary.
    #[arg(long)]
    pub list: bool,
}

fn first_sentence(s: &str) -> &str {
    s.split_once(". ")
        .map(|(a, _)| a)
        .unwrap_or(s)
        .trim_end_matches('.')
}

pub fn run(args: Args) -> Result<Exit> {
    let mut out = Out::stdout();
    if args.list {
        let w = Code::ALL
            .iter()
            .map(|c| c.as_str().len())
            .max()
            .unwrap_or(0);
        for c in Code::ALL {
            writeln!(
                out,
                "{}  {}",
                paint(BOLD, format!("{:<w$}", c.as_str())),
                first_sentence(c.meaning())
            )?;
        }
        out.finish()?;
        return Ok(Exit::Ok);
    }
    let text = args.code.as_deref().unwrap_or_default();
    let Some(code) = Code::parse(text) else {
        anstream::eprintln!("error: unknown reason code `{text}`");
        let close = close_codes(text);
        let list = "`awsreach explain --list` shows them all";
        match close.as_slice() {
            [] => anstream::eprintln!("  hint: no code is close to it; {list}"),
            [one] => anstream::eprintln!("  hint: did you mean `{one}`? {list}"),
            more => anstream::eprintln!(
                "  hint: did you mean one of {}? {list}",
                more.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
        return Ok(Exit::BadInput);
    };
    writeln!(out, "{}", paint(BOLD, code))?;
    writeln!(out, "\n{}", code.meaning())?;
    writeln!(
        out,
        "\n{} {}",
        paint(BOLD, "Typical fix:"),
        code.typical_fix()
    )?;
    if let Some(ra) = code.reachability_analyzer() {
        writeln!(
            out,
            "\n{}",
            paint(
                DIM,
                format!("AWS Reachability Analyzer reports this as {ra}.")
            )
        )?;
    }
    out.finish()?;
    Ok(Exit::Ok)
}

/// The codes close to what the user typed, best first (at most three):
/// close in spelling (a typo), or sharing most of its words
/// (`NACL_DENIED` → the three NACL codes). Nothing for a word that is no
/// code at all, rather than a random nearest one.
pub fn close_codes(text: &str) -> Vec<&'static str> {
    let t = text.trim().to_uppercase().replace(['-', ' '], "_");
    let words: Vec<&str> = t.split('_').filter(|w| !w.is_empty()).collect();
    let scored = |keep: &dyn Fn(f64, usize, usize) -> bool| {
        let mut v: Vec<(f64, &'static str)> = Code::ALL
            .iter()
            .map(|c| c.as_str())
            .filter_map(|code| {
                let jw = strsim::jaro_winkler(&t, code);
                let lev = strsim::levenshtein(&t, code);
                // "NO" starts a third of the codes: sharing it says nothing.
                let shared = words
                    .iter()
                    .filter(|w| w.len() >= 2 && **w != "NO")
                    .filter(|w| code.split('_').any(|cw| cw == **w))
                    .count();
                keep(jw, lev, shared).then_some((shared as f64 + jw, code))
            })
            .collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        v.into_iter().map(|(_, c)| c).collect::<Vec<_>>()
    };
    // A typo: the one best match.
    let typos = scored(&|jw, lev, _| jw >= 0.9 || lev <= (t.len() / 5).max(1));
    if let Some(best) = typos.first() {
        return vec![best];
    }
    // Most of the words right: every such code, best first.
    let mut same = scored(&|_, _, shared| shared > 0 && shared * 2 >= words.len().max(2));
    same.truncate(3);
    same
}

#[cfg(test)]
mod tests {
    use super::close_codes;

    #[test]
    fn only_close_codes_are_suggested() {
        assert_eq!(close_codes("FOO"), Vec::<&str>::new());
        assert_eq!(close_codes("banana"), Vec::<&str>::new());
        assert_eq!(close_codes("NO_PUBLIC_IPP"), ["NO_PUBLIC_IP"]);
        assert_eq!(close_codes("no-rout")[0], "NO_ROUTE");
        let nacl = close_codes("nacl denied");
        assert_eq!(nacl.len(), 3, "{nacl:?}");
        assert!(nacl.iter().all(|c| c.starts_with("NACL_")), "{nacl:?}");
        assert_eq!(close_codes("éé"), Vec::<&str>::new());
    }
}
