//! The matrix as text people can read: glyphs with a legend (Unicode, or
//! ASCII when asked or when the locale is not UTF-8), and a layout that
//! fits the width, wrapping columns into several stacked tables instead of
//! printing 330-column lines.

use awsreach_sim::{Outcome, Split};

/// The symbols of the kinds of cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    pub reachable: &'static str,
    pub blocked: &'static str,
    pub none: &'static str,
    /// A function whose ENIs disagree: some reach, others do not.
    pub split: &'static str,
}

impl Glyphs {
    pub const UNICODE: Glyphs = Glyphs {
        reachable: "○",
        blocked: "✗",
        none: "—",
        split: "◐",
    };
    pub const ASCII: Glyphs = Glyphs {
        reachable: "o",
        blocked: "x",
        none: "-",
        split: "~",
    };

    /// ASCII when asked, or when the locale cannot show Unicode.
    pub fn choose(ascii: bool) -> Glyphs {
        let lookup = |k: &str| std::env::var(k).ok();
        if ascii || !locale_is_utf8(lookup) {
            Glyphs::ASCII
        } else {
            Glyphs::UNICODE
        }
    }

    /// A cell; `split` when the source is a function whose ENIs disagree:
    /// `◐ CODE 1/2` (the code that stops the others, then how many of the
    /// ENIs reach).
    pub fn cell(&self, c: Option<Outcome>, split: Option<Split>) -> String {
        match (c, split) {
            (Some(o), Some(s)) => match o.code() {
                Some(code) => format!("{} {code} {}/{}", self.split, s.reach, s.of),
                None => format!("{} {}/{}", self.split, s.reach, s.of),
            },
            _ => self.cell_alone(c),
        }
    }

    fn cell_alone(&self, c: Option<Outcome>) -> String {
        match c {
            None => self.none.to_string(),
            Some(Outcome::Reachable) => self.reachable.to_string(),
            Some(Outcome::Blocked(code)) => format!("{} {code}", self.blocked),
            // The same `?` in both sets: it is ASCII already.
            Some(Outcome::Unknown(code)) => format!("? {code}"),
        }
    }

    /// What the glyphs mean, printed under the table; `split` when some
    /// cell is a function whose ENIs disagree.
    pub fn legend(&self, split: bool) -> String {
        let mut l = format!(
            "{} reachable   {} CODE blocked (awsreach explain CODE)   {} not a meaningful pair",
            self.reachable, self.blocked, self.none
        );
        if split {
            l.push_str(&format!(
                "\n{} CODE n/m  the function's ENIs disagree: n of its m ENIs reach, CODE stops \
                 the others (awsreach trace --from FN shows each)",
                self.split
            ));
        }
        l
    }
}

/// Whether the locale's character set is UTF-8, read the way C's
/// `setlocale` does: the first of LC_ALL, LC_CTYPE, LANG that is set and
/// non-empty decides; none set is the POSIX locale, which is ASCII.
pub fn locale_is_utf8(var: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| var(k).filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

/// The width to lay the table out in: `--width`, else the terminal's when
/// standard output is one, else `COLUMNS`, else 120.
pub fn width(asked: Option<usize>) -> usize {
    if let Some(w) = asked {
        return w.max(20);
    }
    use std::io::IsTerminal as _;
    if std::io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
    {
        return usize::from(w).max(20);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| *w >= 20)
        .unwrap_or(120)
}

/// Splits columns into consecutive groups that each fit in `width` beside
/// the row labels (`label` wide), two spaces between columns; every group
/// has at least one column.
pub fn column_groups(label: usize, widths: &[usize], width: usize) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let mut start = 0;
    let mut used = label;
    for (j, w) in widths.iter().enumerate() {
        if j > start && used + 2 + w > width {
            groups.push(start..j);
            start = j;
            used = label;
        }
        used += 2 + w;
    }
    if start < widths.len() || widths.is_empty() {
        groups.push(start..widths.len());
    }
    groups
}

/// `id`, cut to `max` characters with an ellipsis in the middle so both
/// ends (often the distinguishing parts) stay.
pub fn abbreviate(id: &str, max: usize, ascii: bool) -> String {
    let n = id.chars().count();
    if n <= max || max < 5 {
        return id.to_string();
    }
    let dots = if ascii { ".." } else { "…" };
    let keep = max - dots.chars().count();
    let head: String = id.chars().take(keep - keep / 2).collect();
    let tail: String = id.chars().skip(n - keep / 2).collect();
    format!("{head}{dots}{tail}")
}

/// `short`, except that an entry equal to another entry of `short` goes
/// back to its `full` form, so no two columns or rows read the same.
pub fn unique_or(short: Vec<String>, full: Vec<String>) -> Vec<String> {
    let mut count = std::collections::HashMap::new();
    for s in &short {
        *count.entry(s.clone()).or_insert(0) += 1;
    }
    short
        .into_iter()
        .zip(full)
        .map(|(s, f)| if count[&s] > 1 { f } else { s })
        .collect()
}

/// Every id abbreviated to `max`, where that keeps them distinct.
pub fn abbreviate_all(ids: &[String], max: usize, ascii: bool) -> Vec<String> {
    let short = ids.iter().map(|i| abbreviate(i, max, ascii)).collect();
    unique_or(short, ids.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_set_locale_variable_decides() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(locale_is_utf8(env(&[("LANG", "en_US.UTF-8")])));
        assert!(locale_is_utf8(env(&[
            ("LC_CTYPE", "C.utf8"),
            ("LANG", "C")
        ])));
        assert!(!locale_is_utf8(env(&[
            ("LC_ALL", "C"),
            ("LANG", "en_US.UTF-8")
        ])));
        assert!(locale_is_utf8(env(&[
            ("LC_ALL", ""),
            ("LANG", "de_DE.UTF-8")
        ])));
        assert!(!locale_is_utf8(env(&[("LANG", "POSIX")])));
        assert!(!locale_is_utf8(env(&[])), "unset is the POSIX locale");
    }

    #[test]
    fn columns_are_grouped_to_fit() {
        assert_eq!(column_groups(10, &[5, 5, 5], 100), vec![(0..3)]);
        // 10 + 7 + 7 = 24 fits in 25, a third column does not.
        assert_eq!(column_groups(10, &[5, 5, 5, 5], 25), [0..2, 2..4]);
        // A column wider than the width still gets a group of its own.
        assert_eq!(column_groups(10, &[50, 5], 30), [0..1, 1..2]);
        assert_eq!(column_groups(10, &[], 30), vec![(0..0)]);
    }

    #[test]
    fn abbreviations_keep_both_ends() {
        assert_eq!(abbreviate("short", 10, false), "short");
        assert_eq!(
            abbreviate("payments-api-eu-west-1-blue", 12, false),
            "paymen…-blue"
        );
        assert_eq!(
            abbreviate("payments-api-eu-west-1-blue", 12, true),
            "payme..-blue"
        );
        assert_eq!(
            abbreviate("payments-api-eu-west-1-blue", 12, true).len(),
            12
        );
        let ids = [
            "payments-api-eu-blue",
            "payments-api-us-blue",
            "orders-api-eu-west-1-green",
        ]
        .map(String::from);
        // The first two would both read `payme…blue`: they stay whole.
        assert_eq!(
            abbreviate_all(&ids, 10, false),
            ["payments-api-eu-blue", "payments-api-us-blue", "order…reen"]
        );
    }
}
