//! [`Panel`]: queues × [`TimeGrid`], one value per queue × period, stored queue-major.
//!
//! One queue's series is a contiguous slice (what the numeric kernels and numpy views want), the
//! grid carries the dates, and combining cells — pooling queues, coarsening periods — goes
//! through [`Combine`], which cell types implement so that sums stay exact (counts and summed
//! seconds are added, means are derived on output).

use crate::model::{GridError, QueueId, TimeGrid};

/// How cells of one stage combine.
///
/// `pool` adds the cell of another queue for the same period (agents add up, calls add up);
/// `extend` adds the next period of the same queue when coarsening; after `parts` periods were
/// combined, `finish_coarsen` turns the sum into the coarse cell (e.g. agents are averaged over
/// the periods, while calls stay summed).
pub trait Combine: Clone {
    /// The neutral cell (nothing offered, no agents).
    fn zero() -> Self;
    /// Adds `other`, the same period of another queue.
    fn pool(&mut self, other: &Self);
    /// Adds `later`, the next period of the same queue (default: as [`Combine::pool`]).
    fn extend(&mut self, later: &Self) {
        self.pool(later);
    }
    /// Finishes a coarse cell made of `parts` periods (default: nothing to do).
    fn finish_coarsen(&mut self, _parts: usize) {}
}

/// A period that may be unobserved (`None`: no data, e.g. a day missing from the history —
/// never the same as zero). Pooling or coarsening with an unobserved part is unobserved.
impl<T: Combine> Combine for Option<T> {
    fn zero() -> Self {
        Some(T::zero())
    }
    fn pool(&mut self, other: &Self) {
        match (self.as_mut(), other) {
            (Some(a), Some(b)) => a.pool(b),
            _ => *self = None,
        }
    }
    fn extend(&mut self, later: &Self) {
        match (self.as_mut(), later) {
            (Some(a), Some(b)) => a.extend(b),
            _ => *self = None,
        }
    }
    fn finish_coarsen(&mut self, parts: usize) {
        if let Some(a) = self.as_mut() {
            a.finish_coarsen(parts);
        }
    }
}

/// A value per queue × period of a [`TimeGrid`].
#[derive(Debug, Clone, PartialEq)]
pub struct Panel<T> {
    queues: Vec<QueueId>,
    grid: TimeGrid,
    cells: Vec<T>,
}

impl<T> Panel<T> {
    /// A panel from queue-major cells (`cells[q * grid.len() + t]`).
    ///
    /// # Errors
    /// [`GridError::BadShape`] when `cells.len() != queues.len() * grid.len()` or a queue
    /// occurs twice.
    pub fn from_cells(
        queues: Vec<QueueId>,
        grid: TimeGrid,
        cells: Vec<T>,
    ) -> Result<Self, GridError> {
        if cells.len() != queues.len() * grid.len() {
            return Err(GridError::BadShape(format!(
                "{} cell(s) for {} queue(s) × {} period(s)",
                cells.len(),
                queues.len(),
                grid.len()
            )));
        }
        let mut sorted: Vec<&QueueId> = queues.iter().collect();
        sorted.sort();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(GridError::BadShape(format!("queue {} occurs twice", w[0])));
        }
        Ok(Panel {
            queues,
            grid,
            cells,
        })
    }

    /// A panel whose cell `(q, t)` is `f(q, t)`.
    pub fn from_fn(
        queues: Vec<QueueId>,
        grid: TimeGrid,
        mut f: impl FnMut(usize, usize) -> T,
    ) -> Self {
        let n = grid.len();
        let cells = (0..queues.len())
            .flat_map(|q| (0..n).map(move |t| (q, t)))
            .map(|(q, t)| f(q, t))
            .collect();
        Panel {
            queues,
            grid,
            cells,
        }
    }

    /// The queues, in panel order.
    pub fn queues(&self) -> &[QueueId] {
        &self.queues
    }
    /// The time axis.
    pub fn grid(&self) -> &TimeGrid {
        &self.grid
    }
    /// Position of `queue` in [`Panel::queues`].
    pub fn queue_index(&self, queue: &str) -> Option<usize> {
        self.queues.iter().position(|q| q.as_str() == queue)
    }
    /// The series of queue `q` (by position).
    pub fn series(&self, q: usize) -> &[T] {
        let n = self.grid.len();
        &self.cells[q * n..(q + 1) * n]
    }
    /// The mutable series of queue `q`.
    pub fn series_mut(&mut self, q: usize) -> &mut [T] {
        let n = self.grid.len();
        &mut self.cells[q * n..(q + 1) * n]
    }
    /// The series of the queue named `queue`.
    pub fn series_of(&self, queue: &str) -> Option<&[T]> {
        self.queue_index(queue).map(|q| self.series(q))
    }
    /// Cell of queue `q` at period `t`.
    pub fn get(&self, q: usize, t: usize) -> &T {
        &self.cells[q * self.grid.len() + t]
    }
    /// Mutable cell of queue `q` at period `t`.
    pub fn get_mut(&mut self, q: usize, t: usize) -> &mut T {
        let n = self.grid.len();
        &mut self.cells[q * n + t]
    }
    /// Every cell, queue-major.
    pub fn cells(&self) -> &[T] {
        &self.cells
    }
    /// `(queue, period, cell)` for every cell, queue-major.
    pub fn iter(&self) -> impl Iterator<Item = (&QueueId, usize, &T)> + '_ {
        let n = self.grid.len().max(1);
        self.cells
            .iter()
            .enumerate()
            .map(move |(i, c)| (&self.queues[i / n], i % n, c))
    }
    /// `(period, queue, cell)` in time-major order (by period, then queue in panel order) —
    /// the row order of the CLI's tables.
    pub fn iter_time_major(&self) -> impl Iterator<Item = (usize, &QueueId, &T)> + '_ {
        let n = self.grid.len();
        (0..n).flat_map(move |t| {
            self.queues
                .iter()
                .enumerate()
                .map(move |(q, id)| (t, id, &self.cells[q * n + t]))
        })
    }
    /// A panel of `f(cell)` on the same queues and grid.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> Panel<U> {
        Panel {
            queues: self.queues.clone(),
            grid: self.grid,
            cells: self.cells.iter().map(f).collect(),
        }
    }
    /// The queues and grid, consuming the panel and returning its cells.
    pub fn into_parts(self) -> (Vec<QueueId>, TimeGrid, Vec<T>) {
        (self.queues, self.grid, self.cells)
    }
}

impl<T: Clone> Panel<T> {
    /// A panel with every cell equal to `fill`.
    pub fn filled(queues: Vec<QueueId>, grid: TimeGrid, fill: T) -> Self {
        let cells = vec![fill; queues.len() * grid.len()];
        Panel {
            queues,
            grid,
            cells,
        }
    }

    /// The periods `from..from + len` of every queue.
    ///
    /// # Errors
    /// [`GridError::BadShape`] when the window does not fit the grid.
    pub fn window(&self, from: usize, len: usize) -> Result<Self, GridError> {
        let grid = self.grid.window(from, len)?;
        let n = self.grid.len();
        let cells = (0..self.queues.len())
            .flat_map(|q| self.cells[q * n + from..q * n + from + len].iter().cloned())
            .collect();
        Ok(Panel {
            queues: self.queues.clone(),
            grid,
            cells,
        })
    }

    /// The panel restricted to the queues for which `keep` is true.
    pub fn select(&self, mut keep: impl FnMut(&QueueId) -> bool) -> Self {
        let mut queues = Vec::new();
        let mut cells = Vec::new();
        for (q, id) in self.queues.iter().enumerate() {
            if keep(id) {
                queues.push(id.clone());
                cells.extend_from_slice(self.series(q));
            }
        }
        Panel {
            queues,
            grid: self.grid,
            cells,
        }
    }
}

impl<T: Combine> Panel<T> {
    /// All queues pooled into one, named [`QueueId::ALL`].
    pub fn pooled(&self) -> Self {
        let n = self.grid.len();
        let mut cells = vec![T::zero(); n];
        for q in 0..self.queues.len() {
            for (acc, c) in cells.iter_mut().zip(self.series(q)) {
                acc.pool(c);
            }
        }
        Panel {
            queues: vec![QueueId::all()],
            grid: self.grid,
            cells,
        }
    }

    /// Periods combined `factor` at a time (e.g. 15-min → 30-min cells).
    ///
    /// # Errors
    /// As [`TimeGrid::coarsen`].
    pub fn coarsen(&self, factor: usize) -> Result<Self, GridError> {
        let grid = self.grid.coarsen(factor)?;
        let mut cells = Vec::with_capacity(self.queues.len() * grid.len());
        for q in 0..self.queues.len() {
            for block in self.series(q).chunks(factor) {
                let mut acc = block[0].clone();
                for c in &block[1..] {
                    acc.extend(c);
                }
                acc.finish_coarsen(factor);
                cells.push(acc);
            }
        }
        Ok(Panel {
            queues: self.queues.clone(),
            grid,
            cells,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grain;
    use crate::time::parse_timestamp;
    use crate::units::IntervalLength;

    #[derive(Debug, Clone, PartialEq)]
    struct Calls(f64);
    impl Combine for Calls {
        fn zero() -> Self {
            Calls(0.0)
        }
        fn pool(&mut self, o: &Self) {
            self.0 += o.0;
        }
    }
    #[derive(Debug, Clone, PartialEq)]
    struct Seats(f64);
    impl Combine for Seats {
        fn zero() -> Self {
            Seats(0.0)
        }
        fn pool(&mut self, o: &Self) {
            self.0 += o.0;
        }
        fn finish_coarsen(&mut self, parts: usize) {
            self.0 /= parts as f64;
        }
    }

    fn grid(n: usize) -> TimeGrid {
        let l = IntervalLength::from_minutes(15).unwrap();
        TimeGrid::new(
            parse_timestamp("1999-02-01T07:00:00").unwrap(),
            Grain::Interval(l),
            n,
        )
        .unwrap()
    }
    fn qs(names: &[&str]) -> Vec<QueueId> {
        names.iter().map(|n| QueueId::new(n).unwrap()).collect()
    }

    #[test]
    fn queue_series_are_slices_and_windows_keep_dates() {
        let p = Panel::from_fn(qs(&["A", "B"]), grid(4), |q, t| (q * 10 + t) as f64);
        assert_eq!(p.series(1), &[10.0, 11.0, 12.0, 13.0]);
        assert_eq!(p.series_of("A").unwrap(), &[0.0, 1.0, 2.0, 3.0]);
        let w = p.window(1, 2).unwrap();
        assert_eq!(w.series(1), &[11.0, 12.0]);
        assert_eq!(
            w.grid().start(),
            parse_timestamp("1999-02-01T07:15:00").unwrap()
        );
        let order: Vec<f64> = p.iter_time_major().map(|(_, _, c)| *c).collect();
        assert_eq!(order[..4], [0.0, 10.0, 1.0, 11.0]);
        assert!(Panel::from_cells(qs(&["A", "A"]), grid(1), vec![0.0, 0.0]).is_err());
        assert!(Panel::from_cells(qs(&["A"]), grid(2), vec![0.0]).is_err());
        assert_eq!(p.select(|q| q.as_str() == "B").queues(), &qs(&["B"])[..]);
    }

    #[test]
    fn pooling_and_coarsening_preserve_sums_or_means() {
        let calls = Panel::from_fn(qs(&["A", "B"]), grid(4), |q, t| Calls((q + t) as f64));
        let pooled = calls.pooled();
        assert_eq!(pooled.queues()[0].as_str(), "ALL");
        assert_eq!(
            pooled.series(0),
            &[Calls(1.0), Calls(3.0), Calls(5.0), Calls(7.0)]
        );
        let coarse = calls.coarsen(2).unwrap();
        assert_eq!(coarse.series(0), &[Calls(1.0), Calls(5.0)]);
        let seats = Panel::from_fn(qs(&["A"]), grid(4), |_, t| Seats(t as f64));
        assert_eq!(
            seats.coarsen(2).unwrap().series(0),
            &[Seats(0.5), Seats(2.5)]
        );
        let total: f64 = calls.cells().iter().map(|c| c.0).sum();
        let total_coarse: f64 = coarse.cells().iter().map(|c| c.0).sum();
        assert_eq!(total, total_coarse);
    }
}
