//! Small-cell suppression: tables of counts of people made safe to share outside the
//! PUA (the SCC, the region, researchers) by hiding every figure that describes fewer
//! than [`K`] people, and enough others that no hidden figure can be worked back from
//! what is shown.
//!
//! # The guarantee
//!
//! Read a published table as equations over its interior cells: a shown cell says
//! "this cell = n", a shown row total "the cells of this row add up to n", and likewise
//! a column total and the grand total. A set of cells is *known* when its sum follows
//! from those equations exactly, that is when its indicator vector lies in their row
//! space. [`protect`] guarantees that
//! - every number it shows is at least [`K`] (an empty cell is hidden too: 0 < K) and
//!   is the true figure;
//! - every non-empty known set of cells counts at least [`K`] people: no hidden cell,
//!   and no union of cells, describing fewer than K people can be worked back. A hidden
//!   total is such a union, so the same holds for it.
//!
//! # How
//!
//! 1. Primary suppression: every number below K is hidden.
//! 2. Secondary suppression, line by line until nothing changes (the *line rule*). A
//!    line is a row with its total, a column with its total, the column totals with the
//!    grand total, or the row totals with the grand total. Where a line's total is
//!    shown, its hidden members must be none, or two or more adding up to at least K
//!    (their sum is known: the total minus the shown members); otherwise its smallest
//!    shown member is hidden too, or its total when every member is hidden. Where a
//!    line's total is hidden but every member is shown, the total could be added up,
//!    so the line's smallest member is hidden.
//! 3. The exact check: is some non-empty set of hidden cells counting fewer than K
//!    people known? Known sets are read off a graph of the hidden cells, and the
//!    smallest found with minimum cuts, exactly (the reasoning is on `Unknowns`). If
//!    one is found, one more figure is hidden, the first (smallest cells first, totals
//!    last) whose hiding leaves that set unknown, and steps 2 and 3 run again. Hiding
//!    only takes equations away, so nothing unknown becomes known on the way. A hidden
//!    figure found known anyway (hence at least K) is shown again when the line rule
//!    allows: showing what can already be worked out tells nothing new.
//! 4. The fallback, when step 3 does not end in a safe table (more hidden cells than
//!    it takes on, too many rounds, or no single figure to hide): from the primary
//!    suppression alone, the total of every row and column holding a hidden cell is
//!    hidden, and the grand total as soon as anything is.
//!
//! # Why the fallback is safe
//!
//! After it, no shown equation mentions a hidden cell: a shown cell mentions only
//! itself, a shown row or column total only a line with no hidden cell, and the grand
//! total is shown only when nothing is hidden. Whatever follows from the equations is a
//! combination of them, so it mentions shown cells only: a known set holds only shown
//! cells, each at least K, and so counts at least K when it is not empty; a hidden
//! cell is never known, nor a hidden total (its line holds a hidden cell, or it is
//! below K and hidden by step 1). The line rule holds too: a line with a shown total
//! hides nothing, and a line with a hidden total hides a member.
//!
//! # Invariants
//!
//! Pure: no IO, no clock, no randomness; the same table always gives the same output.
//! It never panics, whatever the table: the shape is given by the labels (a missing
//! cell counts as 0, a value beyond the labels is left out, totals included), and sums
//! saturate at `u64::MAX` rather than overflow.

use std::collections::VecDeque;

use serde::Serialize;

/// The least number of people a published figure may describe.
pub const K: u64 = 11;

/// The most hidden cells the exact check takes on; past it, the fallback. The check
/// costs about `2 K` searches of a graph of the hidden cells per hidden cell.
const MAX_CHECKED_CELLS: usize = 256;

/// The most figures hidden one by one to unsettle sets found known; past it, the
/// fallback.
const MAX_REPAIRS: usize = 32;

/// A two-dimensional table of counts of people; every person is in exactly one cell
/// (cells are disjoint, so row totals, column totals and the grand total are sums).
/// A one-dimensional table has one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub name: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `cells[row][col]`.
    pub cells: Vec<Vec<u64>>,
}

/// The table as published: `None` is suppressed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Published {
    pub name: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub cells: Vec<Vec<Option<u64>>>,
    pub row_totals: Vec<Option<u64>>,
    pub col_totals: Vec<Option<u64>>,
    pub total: Option<u64>,
}

/// The table with every figure that could identify fewer than [`K`] people hidden (see
/// the module documentation for the guarantee and how it is met).
pub fn protect(table: &Table) -> Published {
    let grid = Grid::new(table);
    let primary: Vec<bool> = grid.value.iter().map(|&v| v < K).collect();
    let hidden = grid
        .suppress(primary.clone())
        .unwrap_or_else(|| grid.fallback(primary));
    grid.publish(table, &hidden)
}

/// The published tables as one CSV (RFC 4180, CRLF line ends) in long format, one line
/// per figure under the header `table,row,column,count`.
///
/// Each table reads like its printed form, row by row: a row's cells, then its total
/// (column `total`); then the totals row (row `total`): each column's total, then the
/// grand total (row and column `total`). A hidden figure has an empty count. Labels
/// are quoted when they must be, and one starting with `=`, `+`, `-` or `@` gets a
/// leading `'` so a spreadsheet never runs it as a formula (as the other CSV exports
/// do). Callers keep `total` out of their labels, or a margin reads like a category.
pub fn csv(tables: &[Published]) -> String {
    let mut out = String::new();
    csv_line(
        &mut out,
        ["table", "row", "column", "count"].map(String::from),
    );
    for t in tables {
        let figure = |out: &mut String, row: &str, col: &str, n: Option<u64>| {
            let n = n.map(|n| n.to_string()).unwrap_or_default();
            csv_line(out, [t.name.clone(), row.to_string(), col.to_string(), n]);
        };
        for (i, row) in t.rows.iter().enumerate() {
            for (j, col) in t.cols.iter().enumerate() {
                let n = t.cells.get(i).and_then(|r| r.get(j)).copied().flatten();
                figure(&mut out, row, col, n);
            }
            figure(&mut out, row, TOTAL, t.row_totals.get(i).copied().flatten());
        }
        for (j, col) in t.cols.iter().enumerate() {
            figure(&mut out, TOTAL, col, t.col_totals.get(j).copied().flatten());
        }
        figure(&mut out, TOTAL, TOTAL, t.total);
    }
    out
}

/// The label of a margin in the CSV.
const TOTAL: &str = "total";

fn csv_line(out: &mut String, fields: [String; 4]) {
    crate::csv::csv_row(out, &fields.each_ref().map(String::as_str));
}

/// Every number a table can publish, in one index space (an *item*): the cells row by
/// row, then the row totals, the column totals, and the grand total last.
struct Grid {
    rows: usize,
    cols: usize,
    /// The true figure of every item.
    value: Vec<u64>,
    /// Every line the line rule is kept on (see the module documentation).
    lines: Vec<Line>,
}

/// A run of items that add up to another item, its total.
struct Line {
    members: Vec<usize>,
    total: usize,
}

impl Grid {
    fn new(table: &Table) -> Grid {
        let (rows, cols) = (table.rows.len(), table.cols.len());
        let mut grid = Grid {
            rows,
            cols,
            value: vec![0; rows * cols + rows + cols + 1],
            lines: Vec::with_capacity(rows + cols + 2),
        };
        for i in 0..rows {
            for j in 0..cols {
                let v = table.cells.get(i).and_then(|r| r.get(j)).copied();
                let cell = grid.cell(i, j);
                grid.value[cell] = v.unwrap_or(0);
                for item in [grid.row_total(i), grid.col_total(j), grid.grand()] {
                    grid.value[item] = grid.value[item].saturating_add(grid.value[cell]);
                }
            }
        }
        for i in 0..rows {
            let members = (0..cols).map(|j| grid.cell(i, j)).collect();
            let total = grid.row_total(i);
            grid.lines.push(Line { members, total });
        }
        for j in 0..cols {
            let members = (0..rows).map(|i| grid.cell(i, j)).collect();
            let total = grid.col_total(j);
            grid.lines.push(Line { members, total });
        }
        let members = (0..cols).map(|j| grid.col_total(j)).collect();
        let total = grid.grand();
        grid.lines.push(Line { members, total });
        let members = (0..rows).map(|i| grid.row_total(i)).collect();
        grid.lines.push(Line { members, total });
        grid
    }

    fn cells(&self) -> usize {
        self.rows * self.cols
    }

    fn cell(&self, i: usize, j: usize) -> usize {
        i * self.cols + j
    }

    fn row_total(&self, i: usize) -> usize {
        self.cells() + i
    }

    fn col_total(&self, j: usize) -> usize {
        self.cells() + self.rows + j
    }

    fn grand(&self) -> usize {
        self.cells() + self.rows + self.cols
    }

    /// The interior cells an item adds up.
    fn cover(&self, item: usize) -> Vec<usize> {
        let (cells, rows) = (self.cells(), self.rows);
        if item < cells {
            vec![item]
        } else if item < cells + rows {
            let i = item - cells;
            (0..self.cols).map(|j| self.cell(i, j)).collect()
        } else if item < self.grand() {
            let j = item - cells - rows;
            (0..rows).map(|i| self.cell(i, j)).collect()
        } else {
            (0..cells).collect()
        }
    }

    fn sum(&self, items: impl Iterator<Item = usize>) -> u64 {
        items.fold(0, |s, item| s.saturating_add(self.value[item]))
    }

    /// The item a line needs hidden to keep the line rule, if any; always a shown one.
    fn repair(&self, hidden: &[bool], line: &Line) -> Option<usize> {
        if line.members.is_empty() {
            return None;
        }
        let shown = line.members.iter().copied().filter(|&m| !hidden[m]);
        let smallest_shown = shown.min_by_key(|&m| self.value[m]);
        let hidden_members = || line.members.iter().copied().filter(|&m| hidden[m]);
        let count = hidden_members().count();
        if hidden[line.total] {
            // With every member shown, the total adds up.
            if count == 0 { smallest_shown } else { None }
        } else if count == 0 || (count >= 2 && self.sum(hidden_members()) >= K) {
            None
        } else {
            Some(smallest_shown.unwrap_or(line.total))
        }
    }

    fn line_rule_holds(&self, hidden: &[bool]) -> bool {
        self.lines.iter().all(|l| self.repair(hidden, l).is_none())
    }

    /// Step 2: hides items until every line keeps the line rule. Each round hides at
    /// least one more item or stops, so it ends.
    fn secondary(&self, hidden: &mut [bool]) {
        loop {
            let mut changed = false;
            for line in &self.lines {
                if let Some(item) = self.repair(hidden, line) {
                    hidden[item] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Steps 2 and 3, from the primary suppression. `None` when they do not end in a
    /// safe table soon enough: the caller falls back.
    fn suppress(&self, mut hidden: Vec<bool>) -> Option<Vec<bool>> {
        for _ in 0..MAX_REPAIRS {
            self.secondary(&mut hidden);
            let hidden_cells: Vec<usize> = (0..self.cells()).filter(|&c| hidden[c]).collect();
            if hidden_cells.len() > MAX_CHECKED_CELLS {
                return None;
            }
            let unknowns = Unknowns::new(self, &hidden, hidden_cells.clone());
            match unknowns.small_known_set(&self.value) {
                None => {
                    self.show_known(&mut hidden, &unknowns);
                    return Some(hidden);
                }
                // The cut's set is known by construction; were it not, the check
                // would be wrong, and only the fallback is safe.
                Some(exposed) if !unknowns.known(&exposed) => return None,
                Some(exposed) => {
                    let item = self.unsettler(&hidden, &hidden_cells, &exposed)?;
                    hidden[item] = true;
                }
            }
        }
        None
    }

    /// A shown item whose hiding leaves the hidden cells `exposed` no longer known, if
    /// one does: the smallest cells first, then the totals (the figures readers want
    /// most), the grand total last.
    fn unsettler(
        &self,
        hidden: &[bool],
        hidden_cells: &[usize],
        exposed: &[usize],
    ) -> Option<usize> {
        let mut candidates: Vec<usize> = (0..self.value.len()).filter(|&i| !hidden[i]).collect();
        candidates.sort_by_key(|&item| (item >= self.cells(), self.value[item], item));
        let mut trial = hidden.to_vec();
        candidates.into_iter().find(|&item| {
            trial[item] = true;
            let mut cells = hidden_cells.to_vec();
            if item < self.cells() {
                let at = cells.partition_point(|&c| c < item);
                cells.insert(at, item);
            }
            let known = Unknowns::new(self, &trial, cells).known(exposed);
            trial[item] = false;
            !known
        })
    }

    /// Shows again each hidden item that is known anyway, where it is at least K and
    /// the line rule still holds. The equations' row space stays the same (the item's
    /// equation is already in it), and with it everything the check proved.
    fn show_known(&self, hidden: &mut [bool], unknowns: &Unknowns) {
        for item in 0..self.value.len() {
            if hidden[item] && self.value[item] >= K && unknowns.known(&self.cover(item)) {
                hidden[item] = false;
                if !self.line_rule_holds(hidden) {
                    hidden[item] = true;
                }
            }
        }
    }

    /// Step 4, from the primary suppression (see the module documentation for why it
    /// is safe).
    fn fallback(&self, mut hidden: Vec<bool>) -> Vec<bool> {
        for i in 0..self.rows {
            if (0..self.cols).any(|j| hidden[self.cell(i, j)]) {
                hidden[self.row_total(i)] = true;
            }
        }
        for j in 0..self.cols {
            if (0..self.rows).any(|i| hidden[self.cell(i, j)]) {
                hidden[self.col_total(j)] = true;
            }
        }
        if hidden.iter().any(|&h| h) {
            let grand = self.grand();
            hidden[grand] = true;
        }
        hidden
    }

    fn publish(&self, table: &Table, hidden: &[bool]) -> Published {
        let show = |item: usize| (!hidden[item]).then_some(self.value[item]);
        Published {
            name: table.name.clone(),
            rows: table.rows.clone(),
            cols: table.cols.clone(),
            cells: (0..self.rows)
                .map(|i| (0..self.cols).map(|j| show(self.cell(i, j))).collect())
                .collect(),
            row_totals: (0..self.rows).map(|i| show(self.row_total(i))).collect(),
            col_totals: (0..self.cols).map(|j| show(self.col_total(j))).collect(),
            total: show(self.grand()),
        }
    }
}

/// What the shown figures leave open about the hidden cells, as a bipartite graph: an
/// edge per hidden cell, between its row's vertex and its column's. A row or a column
/// whose total is shown has a vertex of its own; the rows whose total is hidden share
/// one, and so do the columns whose total is hidden.
///
/// # Which sets are known
///
/// Shown cells are known one by one, so a set is known exactly when its hidden part is
/// a combination of the shown totals' equations restricted to the hidden cells. With
/// weight `α(i)` on row i's total, `β(j)` on column j's and `τ` on the grand total,
/// hidden cell (i, j) gets `a(i) + b(j)`, where `a(i) = α(i) + τ` and `b(j) = β(j)`.
/// These are values on the vertices: the rows whose total is hidden all have `τ` (one
/// vertex, pinned at 0 when the grand total is hidden too), the columns whose total is
/// hidden have 0 (one vertex, always pinned). So a set U of hidden cells is known
/// exactly when some values on the vertices, the pinned ones at 0, add up along every
/// edge to 1 on U and to 0 elsewhere; [`Unknowns::known`] propagates them.
///
/// # The smallest known sets
///
/// Along an edge the column's value is 0 or 1 minus the row's, so within a connected
/// part of the graph every value is a whole number plus one same amount (rows) or
/// minus it (columns). A part with a pinned vertex has no such amount; in any other,
/// taking it away changes no edge. So the values can be taken whole. Write `q = -b`:
/// every edge has `a - q` equal to 0 or 1, and is in U when it is 1. For each whole
/// `k`, the thresholds `[a > k]` and `[q > k]` (minus 1 when `k < 0`, so that pinned
/// vertices stay at 0) are values of the same kind, whose set is the edges with
/// `q = k` and `a = k + 1`; these sets split U. So a known U below K holds a non-empty
/// known set below K made by values in {0, 1}, or in {-1, 0}, which is {0, 1} with the
/// pinned vertices at 1. With values in {0, 1}, let A be the rows at 1 and B the
/// columns with `q` at 1: an edge (i, j) needs `j ∈ B ⇒ i ∈ A`, and is in the set when
/// `i ∈ A` and `j ∉ B`. That is a cut, A ∪ B on the source side, of a network with an
/// arc i → j of capacity the cell's count and an arc j → i of capacity K (capacities
/// are capped at K: a cut of K or more is never small). [`Unknowns::small_known_set`]
/// forces each hidden cell below K into the set in turn (its row on the source side,
/// its column on the sink side) and looks for a cut below K, with the pinned vertices
/// on the sink side, then on the source side.
struct Unknowns {
    /// The hidden cells, in order; the edge of `cells[e]` is `edges[e]`.
    cells: Vec<usize>,
    /// The hidden cells as (row vertex, column vertex, cell).
    edges: Vec<(usize, usize, usize)>,
    /// Each vertex's edges, as (edge, the vertex at its other end).
    adjacent: Vec<Vec<(usize, usize)>>,
    /// The vertices whose value is fixed at 0.
    pinned: Vec<usize>,
}

impl Unknowns {
    /// The graph of `hidden`, whose hidden cells are `cells` in increasing order.
    fn new(grid: &Grid, hidden: &[bool], cells: Vec<usize>) -> Unknowns {
        let (rows, cols) = (grid.rows, grid.cols);
        // Vertices: rows `0..rows`, columns `rows..rows + cols`, then the two merged ones.
        let (hidden_rows, hidden_cols) = (rows + cols, rows + cols + 1);
        let row_vertex = |i| {
            if hidden[grid.row_total(i)] {
                hidden_rows
            } else {
                i
            }
        };
        let col_vertex = |j| {
            if hidden[grid.col_total(j)] {
                hidden_cols
            } else {
                rows + j
            }
        };
        let mut unknowns = Unknowns {
            cells,
            edges: Vec::new(),
            adjacent: vec![Vec::new(); rows + cols + 2],
            pinned: vec![hidden_cols],
        };
        if hidden[grid.grand()] {
            unknowns.pinned.push(hidden_rows);
        }
        // `cells` holds cells only, so `cols` is not 0 here.
        for (e, &cell) in unknowns.cells.iter().enumerate() {
            let (r, c) = (row_vertex(cell / cols), col_vertex(cell % cols));
            unknowns.edges.push((r, c, cell));
            unknowns.adjacent[r].push((e, c));
            unknowns.adjacent[c].push((e, r));
        }
        unknowns
    }

    /// Whether the sum of a set of cells follows exactly from the shown figures.
    fn known(&self, cells: &[usize]) -> bool {
        let mut wanted = vec![0i64; self.edges.len()];
        for &c in cells {
            if let Ok(e) = self.cells.binary_search(&c) {
                wanted[e] = 1;
            }
        }
        let mut value: Vec<Option<i64>> = vec![None; self.adjacent.len()];
        let mut queue = VecDeque::new();
        for &p in &self.pinned {
            value[p] = Some(0);
            queue.push_back(p);
        }
        // Unpinned parts of the graph start anywhere at 0 (their values can shift).
        let mut roots = 0..self.adjacent.len();
        loop {
            while let Some(v) = queue.pop_front() {
                let here = value[v].unwrap_or(0);
                for &(e, w) in &self.adjacent[v] {
                    let there = wanted[e] - here;
                    match value[w] {
                        None => {
                            value[w] = Some(there);
                            queue.push_back(w);
                        }
                        Some(x) if x != there => return false,
                        Some(_) => {}
                    }
                }
            }
            match roots.find(|&v| value[v].is_none() && !self.adjacent[v].is_empty()) {
                Some(root) => {
                    value[root] = Some(0);
                    queue.push_back(root);
                }
                None => return true,
            }
        }
    }

    /// A non-empty known set of hidden cells counting fewer than K people, if any (see
    /// the type's documentation for why minimum cuts find one whenever there is one).
    fn small_known_set(&self, value: &[u64]) -> Option<Vec<usize>> {
        let vertices = self.adjacent.len();
        let (source, sink) = (vertices, vertices + 1);
        for pinned_on_source in [false, true] {
            for &(r, c, _) in self.edges.iter().filter(|e| value[e.2] < K) {
                let mut net = Network::new(vertices + 2);
                for &(r, c, cell) in &self.edges {
                    net.add(r, c, value[cell].min(K));
                    net.add(c, r, K);
                }
                for &p in &self.pinned {
                    if pinned_on_source {
                        net.add(source, p, K);
                    } else {
                        net.add(p, sink, K);
                    }
                }
                // This cell is in the set: its row at 1, its column at 0.
                net.add(source, r, K);
                net.add(c, sink, K);
                if let Some(side) = net.cut_below(source, sink, K) {
                    let set: Vec<usize> = self
                        .edges
                        .iter()
                        .filter(|&&(r, c, _)| side[r] && !side[c])
                        .map(|&(_, _, cell)| cell)
                        .collect();
                    return Some(set);
                }
            }
        }
        None
    }
}

/// A flow network of whole capacities, small enough to build for every question; the
/// reverse of arc `a` is arc `a ^ 1`.
struct Network {
    arcs: Vec<Vec<usize>>,
    head: Vec<usize>,
    room: Vec<u64>,
}

impl Network {
    fn new(nodes: usize) -> Network {
        Network {
            arcs: vec![Vec::new(); nodes],
            head: Vec::new(),
            room: Vec::new(),
        }
    }

    fn add(&mut self, from: usize, to: usize, capacity: u64) {
        self.arcs[from].push(self.head.len());
        self.head.push(to);
        self.room.push(capacity);
        self.arcs[to].push(self.head.len());
        self.head.push(from);
        self.room.push(0);
    }

    /// The source side of a cut of capacity below `limit`, if there is one: flow is
    /// pushed along shortest paths (Edmonds–Karp) until it reaches `limit` or no path is
    /// left, and then the nodes the source still reaches are a minimum cut's side.
    fn cut_below(&mut self, source: usize, sink: usize, limit: u64) -> Option<Vec<bool>> {
        let mut flow = 0;
        loop {
            // Breadth-first search, remembering the arc each node was reached by.
            let mut reached_by: Vec<Option<usize>> = vec![None; self.arcs.len()];
            let mut seen = vec![false; self.arcs.len()];
            seen[source] = true;
            let mut queue = VecDeque::from([source]);
            while let Some(v) = queue.pop_front() {
                for &a in &self.arcs[v] {
                    let w = self.head[a];
                    if self.room[a] > 0 && !seen[w] {
                        seen[w] = true;
                        reached_by[w] = Some(a);
                        queue.push_back(w);
                    }
                }
            }
            if !seen[sink] {
                return Some(seen);
            }
            let mut path = Vec::new();
            let mut v = sink;
            while let Some(a) = reached_by[v] {
                path.push(a);
                v = self.head[a ^ 1];
            }
            // At least 1: every arc on the path has room, and the flow is below `limit`.
            let push = path.iter().fold(limit - flow, |p, &a| p.min(self.room[a]));
            for &a in &path {
                self.room[a] -= push;
                self.room[a ^ 1] += push;
            }
            flow += push;
            if flow >= limit {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A table labelled `r0, r1, …` by `c0, c1, …`, shaped like `cells`.
    fn table(cells: Vec<Vec<u64>>) -> Table {
        let cols = cells.first().map_or(0, Vec::len);
        Table {
            name: "t".to_string(),
            rows: (0..cells.len()).map(|i| format!("r{i}")).collect(),
            cols: (0..cols).map(|j| format!("c{j}")).collect(),
            cells,
        }
    }

    // ---- An independent checker: literal sums, exact rationals, ranks. ----

    fn gcd(mut a: u128, mut b: u128) -> u128 {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    }

    /// An exact fraction, always in lowest terms with a positive denominator.
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Q(i128, i128);

    impl Q {
        fn new(n: i128, d: i128) -> Q {
            let g = gcd(n.unsigned_abs(), d.unsigned_abs()).max(1) as i128;
            let s = if d < 0 { -1 } else { 1 };
            Q(s * n / g, s * d / g)
        }
        fn sub(self, o: Q) -> Q {
            Q::new(self.0 * o.1 - o.0 * self.1, self.1 * o.1)
        }
        fn mul(self, o: Q) -> Q {
            Q::new(self.0 * o.0, self.1 * o.1)
        }
        fn div(self, o: Q) -> Q {
            Q::new(self.0 * o.1, self.1 * o.0)
        }
    }

    /// The rank of a matrix of 0s and 1s, by Gaussian elimination over the rationals.
    fn rank(matrix: &[Vec<u8>]) -> usize {
        let mut m: Vec<Vec<Q>> = matrix
            .iter()
            .map(|r| r.iter().map(|&x| Q(i128::from(x), 1)).collect())
            .collect();
        let width = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for col in 0..width {
            let Some(p) = (rank..m.len()).find(|&r| m[r][col].0 != 0) else {
                continue;
            };
            m.swap(rank, p);
            let pivot = m[rank].clone();
            for row in &mut m[rank + 1..] {
                let f = row[col].div(pivot[col]);
                for (x, &y) in row.iter_mut().zip(&pivot).skip(col) {
                    *x = x.sub(f.mul(y));
                }
            }
            rank += 1;
        }
        rank
    }

    /// Every published figure with the cells it adds up (as indices `i * cols + j`).
    fn figures(p: &Published) -> Vec<(Vec<usize>, Option<u64>)> {
        let (rows, cols) = (p.rows.len(), p.cols.len());
        let mut out = Vec::new();
        for i in 0..rows {
            for j in 0..cols {
                out.push((vec![i * cols + j], p.cells[i][j]));
            }
            out.push(((0..cols).map(|j| i * cols + j).collect(), p.row_totals[i]));
        }
        for j in 0..cols {
            out.push(((0..rows).map(|i| i * cols + j).collect(), p.col_totals[j]));
        }
        out.push(((0..rows * cols).collect(), p.total));
        out
    }

    fn count(t: &Table, cells: &[usize]) -> u64 {
        let cols = t.cols.len();
        cells.iter().map(|&c| t.cells[c / cols][c % cols]).sum()
    }

    /// Every published figure is true and at least K.
    fn assert_figures_true_and_large(t: &Table, p: &Published) {
        assert_eq!(p.cells.len(), t.rows.len());
        assert_eq!(p.row_totals.len(), t.rows.len());
        assert_eq!(p.col_totals.len(), t.cols.len());
        for (cells, shown) in figures(p) {
            if let Some(n) = shown {
                assert_eq!(
                    n,
                    count(t, &cells),
                    "a published figure is not the true one"
                );
                assert!(n >= K, "{n} people published (cells {cells:?})");
            }
        }
    }

    /// No non-empty union of cells below K people lies in the row space of the
    /// published equations: appending its indicator raises their rank. Every subset of
    /// cells is enumerated (a union of K or more may be known, so only the rank test is
    /// skipped for those).
    fn assert_no_small_union_known(t: &Table, p: &Published) {
        let n = t.rows.len() * t.cols.len();
        assert!(n <= 20, "too many cells to enumerate");
        let indicator = |cells: &[usize]| {
            let mut row = vec![0u8; n];
            cells.iter().for_each(|&c| row[c] = 1);
            row
        };
        let mut equations: Vec<Vec<u8>> = figures(p)
            .into_iter()
            .filter(|(_, shown)| shown.is_some())
            .map(|(cells, _)| indicator(&cells))
            .collect();
        let base = rank(&equations);
        let values: Vec<u64> = (0..n).map(|c| count(t, &[c])).collect();
        let mut sums = vec![0u64; 1 << n];
        for mask in 1usize..1 << n {
            let low = mask.trailing_zeros() as usize;
            sums[mask] = sums[mask & (mask - 1)] + values[low];
            if sums[mask] >= K {
                continue;
            }
            let cells: Vec<usize> = (0..n).filter(|&c| mask >> c & 1 == 1).collect();
            equations.push(indicator(&cells));
            let known = rank(&equations) == base;
            equations.pop();
            assert!(
                !known,
                "cells {cells:?} counting {} people can be worked out from {p:?}",
                sums[mask]
            );
        }
    }

    /// The line rule, read off the published table: where a line's total is shown, its
    /// hidden members are none, or two or more adding up to at least K; where it is
    /// hidden, so is a member.
    fn assert_line_rule(t: &Table, p: &Published) {
        let (rows, cols) = (t.rows.len(), t.cols.len());
        let row_sum = |i: usize| (0..cols).map(|j| t.cells[i][j]).sum::<u64>();
        let col_sum = |j: usize| (0..rows).map(|i| t.cells[i][j]).sum::<u64>();
        // Each line as its members (true, published) and its published total.
        type Members = Vec<(u64, Option<u64>)>;
        let mut lines: Vec<(Members, Option<u64>)> = Vec::new();
        for i in 0..rows {
            let members = (0..cols).map(|j| (t.cells[i][j], p.cells[i][j])).collect();
            lines.push((members, p.row_totals[i]));
        }
        for j in 0..cols {
            let members = (0..rows).map(|i| (t.cells[i][j], p.cells[i][j])).collect();
            lines.push((members, p.col_totals[j]));
        }
        let members = (0..cols).map(|j| (col_sum(j), p.col_totals[j])).collect();
        lines.push((members, p.total));
        let members = (0..rows).map(|i| (row_sum(i), p.row_totals[i])).collect();
        lines.push((members, p.total));
        for (members, total) in lines.iter().filter(|(m, _)| !m.is_empty()) {
            let hidden: Vec<u64> = members
                .iter()
                .filter(|(_, shown)| shown.is_none())
                .map(|(v, _)| *v)
                .collect();
            if total.is_some() {
                let ok =
                    hidden.is_empty() || (hidden.len() >= 2 && hidden.iter().sum::<u64>() >= K);
                assert!(ok, "line {members:?} with total {total:?} breaks the rule");
            } else {
                assert!(
                    !hidden.is_empty(),
                    "the hidden total of {members:?} adds up"
                );
            }
        }
    }

    fn assert_safe(t: &Table, p: &Published) {
        assert_figures_true_and_large(t, p);
        assert_line_rule(t, p);
        assert_no_small_union_known(t, p);
    }

    // ---- Hand-made examples. ----

    #[test]
    fn a_row_with_one_small_cell_gets_a_second_suppression() {
        let t = table(vec![vec![5, 20, 30], vec![15, 25, 40]]);
        let p = protect(&t);
        // 5 alone would be its row's total minus 20 and 30: 20 goes too, and in their
        // columns 15 and 25, so that every margin can stay.
        assert_eq!(
            p.cells,
            vec![vec![None, None, Some(30)], vec![None, None, Some(40)]]
        );
        assert_eq!(p.row_totals, vec![Some(55), Some(80)]);
        assert_eq!(p.col_totals, vec![Some(20), Some(45), Some(70)]);
        assert_eq!(p.total, Some(135));
        assert_safe(&t, &p);
    }

    #[test]
    fn a_one_dimensional_table_hides_a_second_category_with_the_small_one() {
        let t = table(vec![vec![5], vec![20], vec![30]]);
        let p = protect(&t);
        assert_eq!(p.cells, vec![vec![None], vec![None], vec![Some(30)]]);
        // In one column a row's total is its cell, hidden or shown with it.
        assert_eq!(p.row_totals, vec![None, None, Some(30)]);
        assert_eq!(p.col_totals, vec![Some(55)]);
        assert_eq!(p.total, Some(55));
        assert_safe(&t, &p);
    }

    #[test]
    fn a_table_of_small_counts_shows_at_most_its_grand_total() {
        let t = table(vec![vec![1, 2], vec![3, 4]]);
        let p = protect(&t);
        assert_eq!(p.cells, vec![vec![None, None], vec![None, None]]);
        assert_eq!(
            (p.row_totals, p.col_totals, p.total),
            (vec![None; 2], vec![None; 2], None)
        );

        // Here the second row adds up to 11, but showing it would give the first row
        // (7 people) from the grand total: only the grand total is shown.
        let t = table(vec![vec![3, 4], vec![5, 6]]);
        let p = protect(&t);
        assert_eq!(p.cells, vec![vec![None, None], vec![None, None]]);
        assert_eq!(
            (&p.row_totals, &p.col_totals),
            (&vec![None; 2], &vec![None; 2])
        );
        assert_eq!(p.total, Some(18));
        assert_safe(&t, &p);
    }

    #[test]
    fn a_set_the_line_rule_lets_through_is_caught_by_the_exact_check() {
        let t = table(vec![vec![8, 2, 0], vec![11, 0, 3], vec![13, 10, 3]]);
        // The line rule alone shows 13, the third row's total (26), the first column's
        // (32) and the grand total (50): every line hides none, or two or more adding
        // up to K. Yet the top right four cells are 50 - 26 - 32 + 13 = 5 people.
        let grid = Grid::new(&t);
        let mut hidden: Vec<bool> = grid.value.iter().map(|&v| v < K).collect();
        grid.secondary(&mut hidden);
        let shown: Vec<u64> = (0..grid.value.len())
            .filter(|&i| !hidden[i])
            .map(|i| grid.value[i])
            .collect();
        assert_eq!(shown, [13, 26, 32, 50]);
        let cells = (0..grid.cells()).filter(|&c| hidden[c]).collect();
        let exposed = Unknowns::new(&grid, &hidden, cells).small_known_set(&grid.value);
        assert_eq!(exposed.map(|set| count(&t, &set)), Some(5));

        let p = protect(&t);
        assert_safe(&t, &p);
        let published = p
            .cells
            .iter()
            .flatten()
            .chain(&p.row_totals)
            .chain(&p.col_totals);
        assert_eq!(published.chain([&p.total]).flatten().count(), 3);
    }

    #[test]
    fn a_table_with_nothing_small_is_published_whole() {
        let t = table(vec![vec![11, 40, 12], vec![13, 11, 90]]);
        let p = protect(&t);
        assert_eq!(
            p.cells,
            vec![
                vec![Some(11), Some(40), Some(12)],
                vec![Some(13), Some(11), Some(90)]
            ]
        );
        assert_eq!(p.row_totals, vec![Some(63), Some(114)]);
        assert_eq!(p.col_totals, vec![Some(24), Some(51), Some(102)]);
        assert_eq!(p.total, Some(177));
    }

    #[test]
    fn an_empty_cell_is_hidden_like_a_small_one() {
        let t = table(vec![vec![0, 20, 30], vec![25, 25, 40]]);
        let p = protect(&t);
        assert_eq!(p.cells[0][0], None);
        assert_safe(&t, &p);
    }

    #[test]
    fn empty_tables_publish_nothing_and_do_not_panic() {
        for (rows, cols) in [(0, 0), (0, 3), (2, 0)] {
            let t = Table {
                name: "empty".to_string(),
                rows: (0..rows).map(|i| format!("r{i}")).collect(),
                cols: (0..cols).map(|j| format!("c{j}")).collect(),
                cells: vec![vec![]; rows],
            };
            let p = protect(&t);
            assert_eq!(p.cells, vec![vec![None; cols]; rows]);
            assert_eq!(p.row_totals, vec![None; rows]);
            assert_eq!(p.col_totals, vec![None; cols]);
            assert_eq!(p.total, None);
        }
    }

    #[test]
    fn the_labels_give_the_shape_and_a_missing_cell_counts_as_empty() {
        let t = Table {
            name: "ragged".to_string(),
            rows: vec!["a".to_string(), "b".to_string()],
            cols: vec!["x".to_string(), "y".to_string()],
            // b's second cell is missing; a's third lies beyond the labels.
            cells: vec![vec![30, 40, 1], vec![50]],
        };
        let p = protect(&t);
        // The empty cell takes the other three with it; the margins stay.
        assert_eq!(p.cells, vec![vec![None, None], vec![None, None]]);
        assert_eq!(p.row_totals, vec![Some(70), Some(50)]);
        assert_eq!(p.col_totals, vec![Some(80), Some(40)]);
        assert_eq!(p.total, Some(120));
    }

    #[test]
    fn the_csv_lists_each_table_row_by_row_with_its_margins() {
        let p = Published {
            name: "by region, year".to_string(),
            rows: vec!["Nord".to_string(), "=Sud".to_string()],
            cols: vec!["2025".to_string()],
            cells: vec![vec![Some(12)], vec![None]],
            row_totals: vec![Some(12), None],
            col_totals: vec![Some(17)],
            total: Some(17),
        };
        assert_eq!(
            csv(&[p]),
            "table,row,column,count\r\n\
             \"by region, year\",Nord,2025,12\r\n\
             \"by region, year\",Nord,total,12\r\n\
             \"by region, year\",'=Sud,2025,\r\n\
             \"by region, year\",'=Sud,total,\r\n\
             \"by region, year\",total,2025,17\r\n\
             \"by region, year\",total,total,17\r\n"
        );
        assert_eq!(csv(&[]), "table,row,column,count\r\n");
    }

    // ---- Properties. ----

    /// Counts skewed small: empty cells, small ones and publishable ones.
    fn people() -> impl Strategy<Value = u64> + Clone {
        prop_oneof![1 => Just(0u64), 4 => 1u64..11, 4 => 11u64..30]
    }

    fn tables(
        rows: std::ops::RangeInclusive<usize>,
        cols: std::ops::RangeInclusive<usize>,
        people: impl Strategy<Value = u64> + Clone,
    ) -> impl Strategy<Value = Table> {
        (rows, cols).prop_flat_map(move |(r, c)| {
            proptest::collection::vec(proptest::collection::vec(people.clone(), c), r)
                .prop_map(table)
        })
    }

    proptest! {
        #[test]
        fn no_published_combination_identifies_fewer_than_k_people(t in tables(1..=5, 1..=4, people())) {
            let p = protect(&t);
            assert_safe(&t, &p);
            prop_assert_eq!(protect(&t), p, "the same table, the same output");
        }

        #[test]
        fn the_fallback_alone_identifies_no_one(t in tables(1..=5, 1..=4, people())) {
            let grid = Grid::new(&t);
            let primary = grid.value.iter().map(|&v| v < K).collect();
            let hidden = grid.fallback(primary);
            assert_safe(&t, &grid.publish(&t, &hidden));
        }

        /// The graph reading of which sets are known (potentials, minimum cuts) against
        /// ranks, on any pattern of hidden figures, not only those `protect` makes.
        #[test]
        fn the_graph_reading_of_known_sets_agrees_with_ranks(
            (t, hidden) in tables(1..=3, 1..=3, people()).prop_flat_map(|t| {
                let items = t.rows.len() * t.cols.len() + t.rows.len() + t.cols.len() + 1;
                (Just(t), proptest::collection::vec(any::<bool>(), items))
            })
        ) {
            let grid = Grid::new(&t);
            let hidden_cells = (0..grid.cells()).filter(|&c| hidden[c]).collect();
            let unknowns = Unknowns::new(&grid, &hidden, hidden_cells);
            let n = grid.cells();
            let indicator = |cells: &[usize]| {
                let mut row = vec![0u8; n];
                cells.iter().for_each(|&c| row[c] = 1);
                row
            };
            let mut equations: Vec<Vec<u8>> = (0..grid.value.len())
                .filter(|&item| !hidden[item])
                .map(|item| indicator(&grid.cover(item)))
                .collect();
            let base = rank(&equations);
            let mut known_by_rank = |cells: &[usize]| {
                equations.push(indicator(cells));
                let known = rank(&equations) == base;
                equations.pop();
                known
            };
            let hidden_cells: Vec<usize> = (0..n).filter(|&c| hidden[c]).collect();
            let mut small_known = false;
            for mask in 1usize..1 << hidden_cells.len() {
                let set: Vec<usize> = (0..hidden_cells.len())
                    .filter(|&k| mask >> k & 1 == 1)
                    .map(|k| hidden_cells[k])
                    .collect();
                let known = known_by_rank(&set);
                prop_assert_eq!(unknowns.known(&set), known, "set {:?}", set);
                small_known |= known && count(&t, &set) < K;
            }
            let found = unknowns.small_known_set(&grid.value);
            prop_assert_eq!(found.is_some(), small_known);
            if let Some(set) = found {
                prop_assert!(!set.is_empty() && count(&t, &set) < K && known_by_rank(&set));
            }
        }

        #[test]
        fn big_tables_keep_k_and_the_line_rule(t in tables(12..=12, 8..=8, 0u64..40)) {
            let p = protect(&t);
            assert_figures_true_and_large(&t, &p);
            assert_line_rule(&t, &p);
        }
    }
}
