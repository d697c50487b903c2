//! Column-aligned plain-text tables for command output.

use std::fmt::Write;

use anstyle::Style;

use crate::style;

/// Rows of cells, printed with every column padded to its widest cell.
#[derive(Debug, Default)]
pub struct Table {
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    /// A header row, printed dimmed on a terminal.
    pub fn with_header(cells: &[&str]) -> Table {
        Table {
            header: Some(cells.iter().map(|c| c.to_string()).collect()),
            rows: Vec::new(),
        }
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Renders the table, each line prefixed by `indent` spaces. Trailing
    /// blanks are trimmed so empty last cells leave no whitespace behind.
    pub fn render(&self, indent: usize, out: &mut String) {
        let all = self.header.iter().chain(&self.rows);
        let mut widths: Vec<usize> = Vec::new();
        for row in all.clone() {
            for (i, cell) in row.iter().enumerate() {
                let w = cell.chars().count();
                match widths.get_mut(i) {
                    Some(x) => *x = (*x).max(w),
                    None => widths.push(w),
                }
            }
        }
        let line = |row: &[String], st: Style, out: &mut String| {
            let mut s = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 < row.len() {
                    s.push_str(&pad(cell, widths[i]));
                    s.push_str("  ");
                } else {
                    s.push_str(cell);
                }
            }
            let s = s.trim_end();
            let _ = writeln!(out, "{:indent$}{st}{s}{st:#}", "");
        };
        if let Some(h) = &self.header {
            line(h, style::DIM, out);
        }
        for row in &self.rows {
            line(row, Style::new(), out);
        }
    }
}

/// `text` padded with spaces to `width` characters. Not `{:<width$}`: a
/// format width above 65,535 panics ("Formatting argument out of range"),
/// and ids that long are valid.
pub fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    let mut out = String::with_capacity(text.len() + width.saturating_sub(n));
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out
}

/// `a, b, c`, or `-` for nothing.
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        "-".to_string()
    } else {
        items
            .iter()
            .map(|s| s.as_ref())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The value, or `-`.
pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_string(), T::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16 item 2: a 65,536-character id panicked in the text tables.
    #[test]
    fn a_table_pads_cells_longer_than_a_format_width() {
        let long = "x".repeat(70_000);
        let mut t = Table::with_header(&["ID", "KIND"]);
        t.row([long.as_str(), "vpc"]);
        t.row(["short", "subnet"]);
        let mut out = String::new();
        t.render(0, &mut out);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].starts_with(&long) && lines[1].ends_with("  vpc"));
        assert_eq!(lines[2].find("subnet"), Some(70_002));
    }
}
