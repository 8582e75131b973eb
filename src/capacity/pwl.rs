//! Piecewise-linear functions of one variable, the value functions of the capacity DP
//! ([`super::dp`]): sorted, non-overlapping segments, linear on each, `+∞` between segments
//! (outside the function's domain). Values may jump where two segments meet (a lower envelope
//! of functions with different domains).

/// One linear piece on `[x0, x1]` (`x0 < x1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Seg {
    pub(crate) x0: f64,
    pub(crate) x1: f64,
    pub(crate) y0: f64,
    pub(crate) y1: f64,
}

impl Seg {
    fn at(&self, x: f64) -> f64 {
        self.y0 + (self.y1 - self.y0) * (x - self.x0) / (self.x1 - self.x0)
    }
}

/// A piecewise-linear function; `+∞` outside its segments.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Pwl {
    pub(crate) segs: Vec<Seg>,
}

/// Slack on the x axis within which a point counts as inside a segment (rounding of the
/// state's recurrences): `1e-9·(1 + |x|)`.
pub(crate) fn x_tol(x: f64) -> f64 {
    1e-9 * (1.0 + x.abs())
}

impl Pwl {
    /// Number of segments.
    pub(crate) fn len(&self) -> usize {
        self.segs.len()
    }

    /// The value at `x`: the least of the segments that contain it (to [`x_tol`], extended
    /// linearly), `+∞` when none does.
    pub(crate) fn eval(&self, x: f64) -> f64 {
        let tol = x_tol(x);
        let i = self.segs.partition_point(|s| s.x1 + tol < x);
        self.segs[i..]
            .iter()
            .take_while(|s| s.x0 - tol <= x)
            .map(|s| s.at(x))
            .fold(f64::INFINITY, f64::min)
    }

    /// The pointwise minimum of `self` and `other`.
    pub(crate) fn min(&self, other: &Pwl) -> Pwl {
        if self.segs.is_empty() {
            return other.clone();
        }
        if other.segs.is_empty() {
            return self.clone();
        }
        let (a, b) = (&self.segs, &other.segs);
        let (mut i, mut j) = (0, 0);
        let mut x = a[0].x0.min(b[0].x0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        while i < a.len() || j < b.len() {
            while i < a.len() && a[i].x1 <= x {
                i += 1;
            }
            while j < b.len() && b[j].x1 <= x {
                j += 1;
            }
            let sa = a.get(i).filter(|s| s.x0 <= x);
            let sb = b.get(j).filter(|s| s.x0 <= x);
            // The next point where the set of active segments changes.
            let next =
                |s: Option<&Seg>| s.map_or(f64::INFINITY, |s| if s.x0 > x { s.x0 } else { s.x1 });
            let r = next(a.get(i)).min(next(b.get(j)));
            if !r.is_finite() {
                break;
            }
            match (sa, sb) {
                (None, None) => {}
                (Some(s), None) | (None, Some(s)) => out.push(Seg {
                    x0: x,
                    x1: r,
                    y0: s.at(x),
                    y1: s.at(r),
                }),
                (Some(sa), Some(sb)) => push_min(&mut out, sa, sb, x, r),
            }
            x = r;
        }
        Pwl { segs: out }
    }

    /// A lower approximation within `eps`: each run of continuous segments is replaced by as
    /// few lines as stay in `[f − eps, f]` at every breakpoint (so below `f` everywhere, `f`
    /// being linear between them). `eps = 0` merges only collinear pieces.
    pub(crate) fn compress(&self, eps: f64) -> Pwl {
        let mut out: Vec<Seg> = Vec::with_capacity(self.segs.len());
        let mut k = 0;
        while k < self.segs.len() {
            // A run of continuous segments k..e.
            let mut e = k + 1;
            while e < self.segs.len() && continuous(&self.segs[e - 1], &self.segs[e]) {
                e += 1;
            }
            let run = &self.segs[k..e];
            let (mut ax, mut ay) = (run[0].x0, run[0].y0);
            let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
            let mut last: Option<f64> = None;
            let mut p = 0;
            while p < run.len() {
                let (x, y) = (run[p].x1, run[p].y1);
                let dx = x - ax;
                let (l, h) = (((y - eps - ay) / dx).max(lo), ((y - ay) / dx).min(hi));
                if l <= h || last.is_none() {
                    (lo, hi) = if l <= h {
                        (l, h)
                    } else {
                        ((y - ay) / dx, (y - ay) / dx)
                    };
                    last = Some(x);
                    p += 1;
                    continue;
                }
                let ex = last.take().unwrap_or(x);
                let ey = ay + hi * (ex - ax);
                out.push(Seg {
                    x0: ax,
                    x1: ex,
                    y0: ay,
                    y1: ey,
                });
                (ax, ay) = (ex, ey);
                (lo, hi) = (f64::NEG_INFINITY, f64::INFINITY);
            }
            if let Some(ex) = last {
                out.push(Seg {
                    x0: ax,
                    x1: ex,
                    y0: ay,
                    y1: ay + hi * (ex - ax),
                });
            }
            k = e;
        }
        Pwl { segs: out }
    }

    /// Drops the segments for which `drop` holds.
    pub(crate) fn retain(&mut self, keep: impl FnMut(&Seg) -> bool) {
        self.segs.retain(keep);
    }
}

/// Whether `b` starts where `a` ends, at the same value (to rounding).
fn continuous(a: &Seg, b: &Seg) -> bool {
    a.x1 == b.x0 && (a.y1 - b.y0).abs() <= 1e-12 * (1.0 + a.y1.abs())
}

/// The minimum of two linear pieces on `[l, r]`, split where they cross.
fn push_min(out: &mut Vec<Seg>, sa: &Seg, sb: &Seg, l: f64, r: f64) {
    let (al, ar, bl, br) = (sa.at(l), sa.at(r), sb.at(l), sb.at(r));
    let (dl, dr) = (al - bl, ar - br);
    if dl <= 0.0 && dr <= 0.0 {
        out.push(Seg {
            x0: l,
            x1: r,
            y0: al,
            y1: ar,
        });
    } else if dl >= 0.0 && dr >= 0.0 {
        out.push(Seg {
            x0: l,
            x1: r,
            y0: bl,
            y1: br,
        });
    } else {
        let m = (l + (r - l) * dl / (dl - dr)).clamp(l, r);
        let vm = sa.at(m).min(sb.at(m));
        let (first, second) = if dl < 0.0 {
            ((al, vm), (vm, br))
        } else {
            ((bl, vm), (vm, ar))
        };
        if m > l {
            out.push(Seg {
                x0: l,
                x1: m,
                y0: first.0,
                y1: first.1,
            });
        }
        if r > m {
            out.push(Seg {
                x0: m,
                x1: r,
                y0: second.0,
                y1: second.1,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(points: &[(f64, f64)]) -> Pwl {
        Pwl {
            segs: points
                .windows(2)
                .map(|w| Seg {
                    x0: w[0].0,
                    x1: w[1].0,
                    y0: w[0].1,
                    y1: w[1].1,
                })
                .collect(),
        }
    }

    #[test]
    fn min_of_crossing_lines_and_gaps() {
        let a = f(&[(0.0, 0.0), (4.0, 4.0)]);
        let b = f(&[(2.0, 3.0), (6.0, 1.0)]);
        let m = a.min(&b);
        for (x, want) in [
            (0.0, 0.0),
            (1.0, 1.0),
            (3.0, 2.5),
            (10.0 / 3.0, 7.0 / 3.0),
            (5.0, 1.5),
            (6.0, 1.0),
        ] {
            assert!((m.eval(x) - want).abs() < 1e-12, "{x}: {}", m.eval(x));
        }
        assert!(m.eval(7.0).is_infinite());
        let gap = f(&[(0.0, 0.0), (1.0, 1.0)]).min(&f(&[(2.0, 5.0), (3.0, 5.0)]));
        assert!(gap.eval(1.5).is_infinite());
        assert_eq!(gap.eval(2.5), 5.0);
    }

    #[test]
    fn compress_stays_below_within_eps() {
        // A sawtooth of amplitude 0.01 on a slope: eps 0.1 flattens it, eps 0 keeps it.
        let pts: Vec<(f64, f64)> = (0..=100)
            .map(|i| (i as f64, i as f64 + if i % 2 == 1 { 0.01 } else { 0.0 }))
            .collect();
        let g = f(&pts);
        let c = g.compress(0.1);
        assert!(c.len() < 5, "{}", c.len());
        assert_eq!(g.compress(0.0).len(), 100);
        for i in 0..=200 {
            let x = i as f64 / 2.0;
            let (fx, cx) = (g.eval(x), c.eval(x));
            assert!(cx <= fx + 1e-12 && cx >= fx - 0.1 - 1e-12, "{x}: {fx} {cx}");
        }
        // Collinear pieces merge with eps 0.
        assert_eq!(
            f(&[(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)]).compress(0.0).len(),
            1
        );
    }
}
