//! Differential reachability: what a change to a scenario opens and breaks.
//!
//! Two engines (before and after) are compared over every source ×
//! destination they share, matched by stable key (the entity's kind and
//! scenario id; for imported data that id is the AWS id or resource
//! address), never by position. The two matrices are computed block by
//! block of rows with the class-based matrix, so memory stays bounded by
//! the block size, not by the number of cells. [`compare`] hands the
//! changed cells over one at a time, in row-major order, as each block is
//! computed ([`Comparison::each_change`]), so a caller that writes them as
//! they come holds none; [`diff`] gathers them, 16 bytes each. When the two scenarios hold the same
//! entities, only the rows and columns a changed entity can touch are
//! walked ([`crate::delta`]): a one-rule change costs its few rows and
//! columns, not the whole matrix twice.

use std::collections::HashMap;

use serde::Serialize;

use crate::engine::{Engine, Node, Probe, ProbeOptions};
use crate::trace::{Outcome, Trace};

/// Cells per block of rows computed together (bounds each class table).
pub const BLOCK_CELLS: usize = 1 << 22;

/// A probe endpoint's stable identity across two versions of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Key {
    /// `function`, `resource`, `service`, `trigger`, `host`, `internet` or `ip`.
    pub kind: &'static str,
    /// The scenario id (the AWS id or resource address for imported data).
    pub id: String,
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id)
    }
}

/// What kind of node this is, in the words filters use.
pub fn node_kind(n: Node) -> &'static str {
    match n {
        Node::Function(_) => "function",
        Node::Resource(_) => "resource",
        Node::Service(_) => "service",
        Node::Trigger(_) => "trigger",
        Node::Host(_) => "host",
        Node::Internet => "internet",
        Node::Ip(_) => "ip",
        Node::FunctionEni(..) => "function-eni",
    }
}

impl Engine {
    /// The stable key of a node: its kind and scenario id.
    pub fn key(&self, n: Node) -> Key {
        Key {
            kind: node_kind(n),
            id: self.node_name(n),
        }
    }
}

/// How one cell changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Reachable before, blocked after.
    NewlyBlocked,
    /// Blocked before, reachable after.
    NewlyReachable,
    /// Blocked before and after, by a different reason (or unknown before
    /// and after, for different missing data).
    CodeChanged,
    /// Known on one side (reachable or blocked) and unknown on the other:
    /// the answer depends, or stopped depending, on missing data.
    Unknown,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 4] = [
        ChangeKind::NewlyBlocked,
        ChangeKind::NewlyReachable,
        ChangeKind::CodeChanged,
        ChangeKind::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::NewlyBlocked => "newly-blocked",
            ChangeKind::NewlyReachable => "newly-reachable",
            ChangeKind::CodeChanged => "code-changed",
            ChangeKind::Unknown => "unknown",
        }
    }

    /// The kind of a pair of outcomes, `None` when they are equal.
    pub fn of(before: Outcome, after: Outcome) -> Option<ChangeKind> {
        match (before, after) {
            (a, b) if a == b => None,
            (Outcome::Unknown(_), Outcome::Unknown(_)) => Some(ChangeKind::CodeChanged),
            (Outcome::Unknown(_), _) | (_, Outcome::Unknown(_)) => Some(ChangeKind::Unknown),
            (Outcome::Reachable, Outcome::Blocked(_)) => Some(ChangeKind::NewlyBlocked),
            (Outcome::Blocked(_), Outcome::Reachable) => Some(ChangeKind::NewlyReachable),
            _ => Some(ChangeKind::CodeChanged),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code;

    #[test]
    fn kinds_of_outcome_pairs() {
        let (r, b, c) = (
            Outcome::Reachable,
            Outcome::Blocked(Code::NoRoute),
            Outcome::Blocked(Code::SgEgressDenied),
        );
        let (u, v) = (
            Outcome::Unknown(Code::UnknownRoutes),
            Outcome::Unknown(Code::UnknownRules),
        );
        assert_eq!(ChangeKind::of(r, r), None);
        assert_eq!(ChangeKind::of(u, u), None);
        assert_eq!(ChangeKind::of(r, b), Some(ChangeKind::NewlyBlocked));
        assert_eq!(ChangeKind::of(b, r), Some(ChangeKind::NewlyReachable));
        assert_eq!(ChangeKind::of(b, c), Some(ChangeKind::CodeChanged));
        assert_eq!(ChangeKind::of(u, v), Some(ChangeKind::CodeChanged));
        for known in [r, b] {
            assert_eq!(ChangeKind::of(known, u), Some(ChangeKind::Unknown));
            assert_eq!(ChangeKind::of(u, known), Some(ChangeKind::Unknown));
        }
    }
}

/// One changed cell: indices into [`ReachDiff::rows`] and [`ReachDiff::cols`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub row: u32,
    pub col: u32,
    pub before: Outcome,
    pub after: Outcome,
}

impl Change {
    pub fn kind(&self) -> ChangeKind {
        ChangeKind::of(self.before, self.after).expect("a change differs")
    }
}

/// One side of a comparison: an engine and the sources and destinations
/// to compare (already filtered).
#[derive(Debug, Clone, Copy)]
pub struct Side<'e> {
    pub engine: &'e Engine,
    pub rows: &'e [Node],
    pub cols: &'e [Node],
}

impl<'e> Side<'e> {
    /// Every source and destination of the engine.
    pub fn all(engine: &'e Engine, rows: &'e [Node], cols: &'e [Node]) -> Side<'e> {
        Side { engine, rows, cols }
    }
}

/// A node shared by both sides: its key and its node in each engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub key: Key,
    pub before: Node,
    pub after: Node,
}

/// The difference in reachability between two scenarios.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachDiff {
    /// Sources present on both sides, in the before side's order.
    pub rows: Vec<Shared>,
    /// Destinations present on both sides, in the before side's order.
    pub cols: Vec<Shared>,
    /// Changed cells, row-major.
    pub changes: Vec<Change>,
    /// Sources or destinations only after / only before, sorted.
    pub added: Vec<Key>,
    pub removed: Vec<Key>,
    /// Meaningful cells compared (both sides have a probe for the pair).
    pub compared: u64,
}

impl ReachDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// How many changes of each kind.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind() == kind).count()
    }

    /// The (source, destination) keys of a change.
    pub fn keys(&self, c: &Change) -> (&Key, &Key) {
        (
            &self.rows[c.row as usize].key,
            &self.cols[c.col as usize].key,
        )
    }

    /// The full traces behind a change, before and after (the probe built
    /// with the options the diff used). `None` for a side whose probe
    /// cannot be built, which the matrix would have reported as no cell.
    pub fn traces(
        &self,
        before: &Engine,
        after: &Engine,
        c: &Change,
        opts: &ProbeOptions,
    ) -> (Option<Trace>, Option<Trace>) {
        traces_of(&self.rows, &self.cols, (before, after), c, opts)
    }
}

fn traces_of(
    rows: &[Shared],
    cols: &[Shared],
    (before, after): (&Engine, &Engine),
    c: &Change,
    opts: &ProbeOptions,
) -> (Option<Trace>, Option<Trace>) {
    let (r, k) = (&rows[c.row as usize], &cols[c.col as usize]);
    let tr = |e: &Engine, from: Node, to: Node| -> Option<Trace> {
        let p: Probe = e.probe_nodes(from, to, opts).ok()?;
        Some(e.trace(&p))
    };
    (tr(before, r.before, k.before), tr(after, r.after, k.after))
}

/// The nodes both sides have, matched by key, in `a`'s order; and the
/// keys only in `a` and only in `b`.
fn pair_up(ea: &Engine, a: &[Node], eb: &Engine, b: &[Node]) -> (Vec<Shared>, Vec<Key>, Vec<Key>) {
    let mut in_b: HashMap<Key, Node> = b.iter().map(|n| (eb.key(*n), *n)).collect();
    let mut shared = Vec::with_capacity(a.len().min(b.len()));
    let mut only_a = Vec::new();
    for n in a {
        let key = ea.key(*n);
        match in_b.remove(&key) {
            Some(m) => shared.push(Shared {
                key,
                before: *n,
                after: m,
            }),
            None => only_a.push(key),
        }
    }
    let only_b: Vec<Key> = in_b.into_keys().collect();
    (shared, only_a, only_b)
}

/// Compares the reachability of `before` and `after` over the sources and
/// destinations both have, with the same probe options on both sides.
/// Only the rows and columns a changed entity can touch are walked again
/// (see [`crate::delta`]); every other cell is equal on both sides.
pub fn diff(before: Side<'_>, after: Side<'_>, opts: &ProbeOptions) -> ReachDiff {
    diff_in_blocks(before, after, opts, BLOCK_CELLS)
}

/// [`diff`] computing at most about `block_cells` cells of each side at a time.
pub fn diff_in_blocks(
    before: Side<'_>,
    after: Side<'_>,
    opts: &ProbeOptions,
    block_cells: usize,
) -> ReachDiff {
    compare(before, after, opts).collect_in_blocks(block_cells)
}

/// [`diff_in_blocks`] walking every cell of both sides, whatever changed:
/// the reference the incremental diff is tested against.
pub fn diff_full_in_blocks(
    before: Side<'_>,
    after: Side<'_>,
    opts: &ProbeOptions,
    block_cells: usize,
) -> ReachDiff {
    compare_all(before, after, opts).collect_in_blocks(block_cells)
}

/// The nodes of each side, in the shared order.
#[derive(Debug)]
struct Grid {
    rows_a: Vec<Node>,
    rows_b: Vec<Node>,
    cols_a: Vec<Node>,
    cols_b: Vec<Node>,
}

impl Grid {
    /// The cells both sides have a probe for (the cells a full comparison
    /// compares), counted without walking: whether a probe fits depends
    /// only on the source's kind (and a trigger's function) and on the
    /// destination, and a node is never probed against itself.
    fn meaningful(&self, (ea, eb): (&Engine, &Engine), opts: &ProbeOptions) -> u64 {
        let fits = |i: usize, j: usize| {
            ea.probe_with(self.rows_a[i], self.cols_a[j], opts, None)
                .is_ok()
                && eb
                    .probe_with(self.rows_b[i], self.cols_b[j], opts, None)
                    .is_ok()
        };
        let col_at: HashMap<Node, usize> = self
            .cols_a
            .iter()
            .enumerate()
            .map(|(j, n)| (*n, j))
            .collect();
        // Rows by kind: the first row of a kind stands for the others.
        let mut per_kind: HashMap<&'static str, (usize, u64, Vec<bool>)> = HashMap::new();
        let mut total = 0u64;
        for (i, r) in self.rows_a.iter().enumerate() {
            if let Node::Trigger(t) = r {
                // A trigger has a probe only to its own function.
                let f = Node::Function(ea.sc.triggers[t.ix()].function);
                total += col_at.get(&f).is_some_and(|j| fits(i, *j)) as u64;
                continue;
            }
            let entry = per_kind.entry(node_kind(*r)).or_insert_with(|| {
                let ok: Vec<bool> = (0..self.cols_a.len()).map(|j| fits(i, j)).collect();
                (i, ok.iter().filter(|x| **x).count() as u64, ok)
            });
            total += entry.1;
            // Never against itself.
            if let Some(j) = col_at.get(r) {
                total -= entry.2[*j] as u64;
            }
        }
        total
    }
}

/// A diff before its cells are walked: what the two sides share, what only
/// one has, how many cells count, and which rows and columns can differ.
/// [`Comparison::each_change`] then hands the changed cells over one at a
/// time, in row-major order, as each block of rows is computed; none is
/// kept, so a caller that writes each change as it comes holds memory
/// bounded by the block size, however many cells changed.
#[derive(Debug)]
pub struct Comparison<'e> {
    /// Sources present on both sides, in the before side's order.
    pub rows: Vec<Shared>,
    /// Destinations present on both sides, in the before side's order.
    pub cols: Vec<Shared>,
    /// Sources or destinations only after / only before, sorted.
    pub added: Vec<Key>,
    pub removed: Vec<Key>,
    /// Meaningful cells compared (both sides have a probe for the pair).
    pub compared: u64,
    before: &'e Engine,
    after: &'e Engine,
    opts: ProbeOptions,
    grid: Grid,
    /// Per shared row, whether it is walked against every column; a row
    /// that is not is walked against `hit_cols` only.
    hit_rows: Vec<bool>,
    hit_cols: Vec<usize>,
}

/// Prepares the incremental diff of `before` and `after` (see [`diff`]).
pub fn compare<'e>(before: Side<'e>, after: Side<'e>, opts: &ProbeOptions) -> Comparison<'e> {
    prepare(before, after, opts, true)
}

/// Prepares a diff that walks every cell of both sides (see
/// [`diff_full_in_blocks`]).
pub fn compare_all<'e>(before: Side<'e>, after: Side<'e>, opts: &ProbeOptions) -> Comparison<'e> {
    prepare(before, after, opts, false)
}

impl Comparison<'_> {
    /// The (source, destination) keys of a change.
    pub fn keys(&self, c: &Change) -> (&Key, &Key) {
        (
            &self.rows[c.row as usize].key,
            &self.cols[c.col as usize].key,
        )
    }

    /// The full traces behind a change, before and after (see
    /// [`ReachDiff::traces`]).
    pub fn traces(&self, c: &Change) -> (Option<Trace>, Option<Trace>) {
        traces_of(
            &self.rows,
            &self.cols,
            (self.before, self.after),
            c,
            &self.opts,
        )
    }

    /// Hands every changed cell to `f`, row-major (by source, then by
    /// destination, in the shared order), computing [`BLOCK_CELLS`] cells
    /// of each side at a time; stops at the first error `f` returns.
    pub fn each_change<E>(&self, f: impl FnMut(&Change) -> Result<(), E>) -> Result<(), E> {
        self.each_change_in_blocks(BLOCK_CELLS, f)
    }

    /// [`Comparison::each_change`] computing at most about `block_cells`
    /// cells of each side at a time.
    pub fn each_change_in_blocks<E>(
        &self,
        block_cells: usize,
        mut f: impl FnMut(&Change) -> Result<(), E>,
    ) -> Result<(), E> {
        let (ncols, nhit) = (self.cols.len(), self.hit_cols.len());
        let cost = |i: usize| if self.hit_rows[i] { ncols } else { nhit };
        // Blocks of consecutive rows, so that the changes come out in
        // order without being gathered and sorted.
        let mut start = 0;
        while start < self.rows.len() {
            let (mut end, mut cells) = (start, 0);
            while end < self.rows.len() && (end == start || cells + cost(end) <= block_cells) {
                cells += cost(end);
                end += 1;
            }
            if cells > 0 {
                self.block(start..end, &mut f)?;
            }
            start = end;
        }
        Ok(())
    }

    /// The changes of the rows `range`, in order: the rows a change can
    /// touch against every column, the others against the touched columns.
    fn block<E>(
        &self,
        range: std::ops::Range<usize>,
        f: &mut impl FnMut(&Change) -> Result<(), E>,
    ) -> Result<(), E> {
        let g = &self.grid;
        let (hit, other): (Vec<usize>, Vec<usize>) = range.clone().partition(|i| self.hit_rows[*i]);
        let pick =
            |nodes: &[Node], ix: &[usize]| -> Vec<Node> { ix.iter().map(|i| nodes[*i]).collect() };
        let side = |e: &Engine, rows: &[Node], cols: &[Node], hit_cols: &[Node]| {
            let full =
                (!hit.is_empty()).then(|| e.matrix_with(&pick(rows, &hit), cols, &self.opts));
            let part = (!other.is_empty() && !hit_cols.is_empty())
                .then(|| e.matrix_with(&pick(rows, &other), hit_cols, &self.opts));
            (full, part)
        };
        let (hit_a, hit_b) = (
            pick(&g.cols_a, &self.hit_cols),
            pick(&g.cols_b, &self.hit_cols),
        );
        let ((full_a, part_a), (full_b, part_b)) = rayon::join(
            || side(self.before, &g.rows_a, &g.cols_a, &hit_a),
            || side(self.after, &g.rows_b, &g.cols_b, &hit_b),
        );
        let all_cols: Vec<usize> = (0..self.cols.len()).collect();
        let (mut nh, mut no) = (0, 0);
        for row in range {
            // This row's place in its matrices, and the columns it was walked against.
            let (ma, mb, i, cols) = if self.hit_rows[row] {
                nh += 1;
                (&full_a, &full_b, nh - 1, &all_cols)
            } else {
                no += 1;
                (&part_a, &part_b, no - 1, &self.hit_cols)
            };
            let (Some(ma), Some(mb)) = (ma, mb) else {
                continue;
            };
            for (j, col) in cols.iter().enumerate() {
                let (Some(x), Some(y)) = (ma.get(i, j), mb.get(i, j)) else {
                    continue;
                };
                if x != y {
                    f(&Change {
                        row: row as u32,
                        col: *col as u32,
                        before: x,
                        after: y,
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Every change gathered into a [`ReachDiff`].
    pub fn collect(self) -> ReachDiff {
        self.collect_in_blocks(BLOCK_CELLS)
    }

    fn collect_in_blocks(self, block_cells: usize) -> ReachDiff {
        let mut changes = Vec::new();
        let gathered: Result<(), std::convert::Infallible> =
            self.each_change_in_blocks(block_cells, |c| {
                changes.push(*c);
                Ok(())
            });
        match gathered {
            Ok(()) => {}
            Err(never) => match never {},
        }
        ReachDiff {
            rows: self.rows,
            cols: self.cols,
            changes,
            added: self.added,
            removed: self.removed,
            compared: self.compared,
        }
    }
}

fn prepare<'e>(
    before: Side<'e>,
    after: Side<'e>,
    opts: &ProbeOptions,
    incremental: bool,
) -> Comparison<'e> {
    let (ea, eb) = (before.engine, after.engine);
    let (rows, rows_removed, rows_added) = pair_up(ea, before.rows, eb, after.rows);
    let (cols, cols_removed, cols_added) = pair_up(ea, before.cols, eb, after.cols);
    // A node is added or removed once, whether it is a source, a destination or both.
    let merge = |mut a: Vec<Key>, b: Vec<Key>| {
        a.extend(b);
        a.sort();
        a.dedup();
        a
    };
    let added = merge(rows_added, cols_added);
    let removed = merge(rows_removed, cols_removed);
    let grid = Grid {
        rows_a: rows.iter().map(|s| s.before).collect(),
        rows_b: rows.iter().map(|s| s.after).collect(),
        cols_a: cols.iter().map(|s| s.before).collect(),
        cols_b: cols.iter().map(|s| s.after).collect(),
    };
    let compared = grid.meaningful((ea, eb), opts);
    // The incremental diff needs the same nodes at the same positions.
    let same_nodes = grid.rows_a == grid.rows_b && grid.cols_a == grid.cols_b;
    let touched = (incremental && same_nodes)
        .then(|| crate::delta::affected(ea, eb, &grid.rows_a, &grid.cols_a))
        .flatten();
    let (hit_rows, hit_cols) = match touched {
        Some(t) => (t.rows, (0..cols.len()).filter(|j| t.cols[*j]).collect()),
        None => (vec![true; rows.len()], (0..cols.len()).collect()),
    };
    Comparison {
        rows,
        cols,
        added,
        removed,
        compared,
        before: ea,
        after: eb,
        opts: opts.clone(),
        grid,
        hit_rows,
        hit_cols,
    }
}

/// Whether [`diff`] over every source and destination of the two engines
/// walks only the rows and columns a change touches, rather than all.
pub fn is_incremental(before: &Engine, after: &Engine) -> bool {
    let (rows, cols) = (before.sources(), before.destinations());
    rows == after.sources()
        && cols == after.destinations()
        && crate::delta::affected(before, after, &rows, &cols).is_some()
}
