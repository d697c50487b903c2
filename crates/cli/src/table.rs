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
                    let _ = write!(s, "{cell:<w$}  ", w = widths[i]);
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
