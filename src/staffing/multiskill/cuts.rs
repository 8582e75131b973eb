//! The cutting-plane search of one interval (Cezik & L'Ecuyer 2008; see the parent module).

use std::collections::HashMap;

use super::{IntervalSolve, MultiSkillError, MultiSkillOptions, MultiSkillProblem, Termination};
use crate::model::{Agents, Demand, Panel, Progress, TimeGrid};
use crate::schedule::lp::{Backend, Limits, Lp, LpKind};
use crate::simulate::{Arrivals, CrnModel, SimModel, SimOptions, Tally};

/// A difference of a metric below this is no improvement (SL and abandonment are fractions,
/// ASA seconds; common random numbers make equal staffings give identical values).
const FLAT: f64 = 1e-9;
/// Queue sets up to this many busy queues get a work-conservation row each (2^k − 1 rows);
/// beyond, single queues and all queues together.
const SUBSET_QUEUES: usize = 10;
/// Stand-in ASA when no call of a queue was answered (a violated ASA target with a finite
/// value, so differences stay finite).
const NO_ANSWER_ASA_SECS: f64 = 3600.0;

/// One target as `value ≥ bound` (ASA and abandonment negated).
#[derive(Debug, Clone, Copy)]
struct Constraint {
    queue: usize,
    kind: Kind,
    bound: f64,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    ServiceLevel,
    Asa,
    Abandon,
}

/// One interval's problem and its simulator.
struct Case<'a> {
    problem: &'a MultiSkillProblem,
    sim: CrnModel,
    cost: Vec<f64>,
    lo: Vec<u32>,
    hi: Vec<Option<u32>>,
    constraints: Vec<Constraint>,
    cache: HashMap<Vec<u32>, Vec<f64>>,
}

impl Case<'_> {
    /// The constraint values at `y` (cached: common random numbers make them a function of `y`).
    fn eval(&mut self, y: &[u32]) -> Vec<f64> {
        if let Some(v) = self.cache.get(y) {
            return v.clone();
        }
        let n = self.sim.intervals();
        let agents: Vec<u32> = y.iter().flat_map(|&a| std::iter::repeat_n(a, n)).collect();
        let reps = self.sim.run(&agents);
        let nq = self.problem.routing.queues().len();
        let mut tot = vec![Tally::default(); nq];
        for r in &reps {
            for (q, t) in tot.iter_mut().enumerate() {
                // The last interval is measured; those before it are warm-up.
                t.add(&r.cells[q * n + n - 1]);
            }
        }
        let v: Vec<f64> = self
            .constraints
            .iter()
            .map(|c| {
                let t = &tot[c.queue];
                let off = f64::from(t.offered);
                match c.kind {
                    Kind::ServiceLevel if off > 0.0 => f64::from(t.answered_within) / off,
                    Kind::Abandon if off > 0.0 => -f64::from(t.abandoned) / off,
                    Kind::Asa if t.answered > 0 => -t.wait_answered_secs / f64::from(t.answered),
                    Kind::Asa if off > 0.0 => -NO_ANSWER_ASA_SECS,
                    Kind::ServiceLevel | Kind::Asa | Kind::Abandon => {
                        if matches!(c.kind, Kind::ServiceLevel) {
                            1.0
                        } else {
                            0.0
                        }
                    }
                }
            })
            .collect();
        self.cache.insert(y.to_vec(), v.clone());
        v
    }

    fn violated(&self, v: &[f64]) -> Vec<usize> {
        (0..self.constraints.len())
            .filter(|&j| v[j] < self.constraints[j].bound - 1e-12)
            .collect()
    }

    fn cost_of(&self, y: &[u32]) -> f64 {
        y.iter()
            .zip(&self.cost)
            .map(|(&a, c)| f64::from(a) * c)
            .sum()
    }

    fn room(&self, y: &[u32], g: usize) -> bool {
        self.hi[g].is_none_or(|h| y[g] < h)
    }

    fn serves(&self, g: usize, q: usize) -> bool {
        self.problem.routing.groups()[g]
            .skills()
            .iter()
            .any(|&(k, _)| k == q)
    }
}

/// Solves every interval; returns agents (group-major × interval) and how each search ended.
pub(super) fn solve_all(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    options: &MultiSkillOptions,
    progress: &dyn Progress,
) -> Result<(Vec<u32>, Vec<IntervalSolve>), MultiSkillError> {
    let n = demand.grid().len();
    let ng = problem.routing.groups().len();
    progress.begin("multi-skill staffing", n as u64);
    let work = || -> Vec<Result<(Vec<u32>, IntervalSolve), MultiSkillError>> {
        use rayon::prelude::*;
        (0..n)
            .into_par_iter()
            .map(|t| {
                let r = solve_interval(problem, demand, t, options);
                progress.advance(1);
                r
            })
            .collect()
    };
    let results = match options.threads {
        None => work(),
        Some(k) => rayon::ThreadPoolBuilder::new()
            .num_threads(k.max(1))
            .build()
            .map_err(|e| MultiSkillError::Parameter {
                name: "threads".into(),
                reason: e.to_string(),
            })?
            .install(work),
    };
    progress.end();
    let mut agents = vec![0u32; ng * n];
    let mut solves = Vec::with_capacity(n);
    for (t, r) in results.into_iter().enumerate() {
        let (y, s) = r?;
        for (g, a) in y.into_iter().enumerate() {
            agents[g * n + t] = a;
        }
        solves.push(s);
    }
    Ok((agents, solves))
}

/// The seed of an interval's streams: the run's seed mixed with the interval's start, so an
/// interval gets the same random numbers whatever horizon it is solved in.
fn interval_seed(seed: u64, grid: &TimeGrid, t: usize) -> u64 {
    let stamp = grid.timestamp(t).and_utc().timestamp() as u64;
    seed ^ stamp.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Warm-up intervals simulated before the measured one (same rates and staffing), so that the
/// measured interval does not start from an empty center.
const WARM_UP: usize = 1;

fn solve_interval(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    t: usize,
    options: &MultiSkillOptions,
) -> Result<(Vec<u32>, IntervalSolve), MultiSkillError> {
    let grid = demand.grid();
    let nq = problem.routing.queues().len();
    let ng = problem.routing.groups().len();
    let busy: Vec<usize> = (0..nq)
        .filter(|&q| demand.get(q, t).offered > 0.0)
        .collect();
    let lo: Vec<u32> = problem.groups.iter().map(|g| g.min_agents).collect();
    if busy.is_empty() {
        let idle = IntervalSolve {
            termination: Termination::Idle,
            iterations: 0,
            cuts: 0,
            evaluations: 0,
            removed: 0,
        };
        return Ok((vec![0; ng], idle));
    }
    let sub = TimeGrid::new(grid.timestamp(t), grid.grain(), WARM_UP + 1)
        .map_err(|e| MultiSkillError::Shape(e.to_string()))?;
    let d = Panel::from_fn(problem.routing.queues().to_vec(), sub, |q, _| {
        *demand.get(q, t)
    });
    let a = Panel::filled(
        problem
            .routing
            .groups()
            .iter()
            .map(|g| g.id.clone())
            .collect(),
        sub,
        Agents(0),
    );
    let model = SimModel {
        demand: &d,
        agents: &a,
        routing: &problem.routing,
        service: problem.service.clone(),
        patience: problem.patience.clone(),
        arrivals: Arrivals::Poisson,
    };
    let sim_opts = SimOptions {
        reps: options.reps,
        seed: interval_seed(options.seed, grid, t),
        threshold_secs: options.threshold_secs,
        threads: Some(1),
    };
    let sim = CrnModel::new(&model, &sim_opts)?;
    let mut constraints = Vec::new();
    for &q in &busy {
        let tg = &problem.targets[q];
        if let Some(s) = tg.service_level {
            constraints.push(Constraint {
                queue: q,
                kind: Kind::ServiceLevel,
                bound: s,
            });
        }
        if let Some(a) = tg.max_asa_secs {
            constraints.push(Constraint {
                queue: q,
                kind: Kind::Asa,
                bound: -a,
            });
        }
        if let Some(b) = tg.max_abandon {
            constraints.push(Constraint {
                queue: q,
                kind: Kind::Abandon,
                bound: -b,
            });
        }
    }
    let mut case = Case {
        problem,
        sim,
        cost: problem.groups.iter().map(|g| g.cost_per_hour).collect(),
        lo,
        hi: problem.groups.iter().map(|g| g.max_agents).collect(),
        constraints,
        cache: HashMap::new(),
    };
    let secs = super::interval_hours(grid) * 3600.0;
    let lp = start_program(&case, demand, t, &busy, secs);
    Ok(search(&mut case, lp, options.max_iterations))
}

/// The integer program before any cut: costs, bounds and the work-conservation rows.
fn start_program(
    case: &Case<'_>,
    demand: &Panel<Demand>,
    t: usize,
    busy: &[usize],
    secs: f64,
) -> Lp {
    let ng = case.cost.len();
    let mut lp = Lp::default();
    for g in 0..ng {
        let hi = case.hi[g].map_or(f64::INFINITY, f64::from);
        lp.add_col(f64::from(case.lo[g]), hi, true, case.cost[g]);
    }
    // The fraction of each queue's calls that must be answered, and so carried by its groups.
    let carried: Vec<f64> = busy
        .iter()
        .map(|&q| {
            let tg = &case.problem.targets[q];
            let mut f = tg.service_level.unwrap_or(0.0);
            if let Some(b) = tg.max_abandon {
                f = f.max(1.0 - b);
            }
            if case.problem.patience[q].is_none() {
                f = 1.0;
            }
            let d = demand.get(q, t);
            d.offered * d.aht_secs.unwrap_or(0.0) / secs * f
        })
        .collect();
    let k = busy.len();
    let sets: Vec<Vec<usize>> = if k <= SUBSET_QUEUES {
        (1u32..(1 << k))
            .map(|m| (0..k).filter(|i| m & (1 << i) != 0).collect())
            .collect()
    } else {
        let mut v: Vec<Vec<usize>> = (0..k).map(|i| vec![i]).collect();
        v.push((0..k).collect());
        v
    };
    for s in sets {
        let need: f64 = s.iter().map(|&i| carried[i]).sum();
        if need <= 0.0 {
            continue;
        }
        let terms: Vec<(usize, f64)> = (0..ng)
            .filter(|&g| s.iter().any(|&i| case.serves(g, busy[i])))
            .map(|g| (g, 1.0))
            .collect();
        lp.add_row(terms, need, f64::INFINITY);
    }
    lp
}

/// The cutting-plane loop, then the removal search.
fn search(case: &mut Case<'_>, mut lp: Lp, max_iterations: u32) -> (Vec<u32>, IntervalSolve) {
    let ng = case.cost.len();
    let mut solve = IntervalSolve {
        termination: Termination::IterationLimit,
        iterations: 0,
        cuts: 0,
        evaluations: 0,
        removed: 0,
    };
    let mut best: Option<Vec<u32>> = None;
    let mut last: Option<Vec<u32>> = None;
    while solve.iterations < max_iterations {
        solve.iterations += 1;
        let r = lp.solve(false, Backend::MicroLp, Limits::default(), 0.0, None);
        if !matches!(r.kind, LpKind::Optimal) || !r.has_incumbent {
            if best.is_none() && last.is_none() {
                solve.termination = Termination::Infeasible;
            }
            break;
        }
        let y: Vec<u32> = r.values.iter().map(|v| v.round().max(0.0) as u32).collect();
        let v = case.eval(&y);
        let violated = case.violated(&v);
        if violated.is_empty() {
            solve.termination = Termination::Converged;
            best = Some(y);
            break;
        }
        last = Some(y.clone());
        // Forward differences with common random numbers.
        let mut diffs: Vec<Option<Vec<f64>>> = vec![None; ng];
        for g in 0..ng {
            if case.room(&y, g) {
                let mut z = y.clone();
                z[g] += 1;
                let w = case.eval(&z);
                if case.violated(&w).is_empty() {
                    consider(case, &mut best, &z);
                }
                diffs[g] = Some(w);
            }
        }
        for j in violated {
            let q: Vec<f64> = (0..ng)
                .map(|g| diffs[g].as_ref().map_or(0.0, |w| (w[j] - v[j]).max(0.0)))
                .collect();
            let queue = case.constraints[j].queue;
            if q.iter().all(|&x| x <= FLAT) {
                let serving: Vec<usize> = (0..ng).filter(|&g| case.serves(g, queue)).collect();
                let now: u32 = serving.iter().map(|&g| y[g]).sum();
                lp.add_row(
                    serving.iter().map(|&g| (g, 1.0)).collect(),
                    f64::from(now + 1),
                    f64::INFINITY,
                );
            } else {
                // m(ŷ) + Σ q_g (y_g − ŷ_g) ≥ b  ⇔  Σ q_g y_g ≥ b − m(ŷ) + Σ q_g ŷ_g
                let rhs = case.constraints[j].bound - v[j]
                    + q.iter()
                        .zip(&y)
                        .map(|(a, &b)| a * f64::from(b))
                        .sum::<f64>();
                let terms = q
                    .iter()
                    .enumerate()
                    .filter(|(_, &a)| a > FLAT)
                    .map(|(g, &a)| (g, a))
                    .collect();
                lp.add_row(terms, rhs, f64::INFINITY);
            }
            solve.cuts += 1;
        }
    }
    let mut y = match (best, last) {
        (Some(b), _) => b,
        (None, Some(l)) => match raise(case, l) {
            Some(y) => y,
            None => {
                solve.termination = Termination::Infeasible;
                let y: Vec<u32> = (0..ng).map(|g| case.hi[g].unwrap_or(case.lo[g])).collect();
                solve.evaluations = case.cache.len() as u32;
                return (y, solve);
            }
        },
        (None, None) => {
            let y: Vec<u32> = (0..ng).map(|g| case.hi[g].unwrap_or(case.lo[g])).collect();
            solve.evaluations = case.cache.len() as u32;
            return (y, solve);
        }
    };
    solve.removed = remove(case, &mut y);
    solve.evaluations = case.cache.len() as u32;
    (y, solve)
}

/// Keeps `y` as the best feasible staffing if it is cheaper (ties: lexicographically smaller).
fn consider(case: &Case<'_>, best: &mut Option<Vec<u32>>, y: &[u32]) {
    if best
        .as_ref()
        .is_none_or(|b| (case.cost_of(y), y) < (case.cost_of(b), b.as_slice()))
    {
        *best = Some(y.to_vec());
    }
}

/// Most agents [`raise`] adds to one interval before giving up.
const RAISE_LIMIT: u32 = 10_000;

/// Adds agents one at a time — the group with the largest summed shortfall reduction per unit
/// cost — until every target holds; `None` when the groups' maxima are reached first.
fn raise(case: &mut Case<'_>, mut y: Vec<u32>) -> Option<Vec<u32>> {
    let ng = case.cost.len();
    for _ in 0..RAISE_LIMIT {
        let v = case.eval(&y);
        let violated = case.violated(&v);
        if violated.is_empty() {
            return Some(y);
        }
        let bounds: Vec<f64> = violated
            .iter()
            .map(|&j| case.constraints[j].bound)
            .collect();
        let shortfall = |w: &[f64]| -> f64 {
            violated
                .iter()
                .zip(&bounds)
                .map(|(&j, b)| (b - w[j]).max(0.0))
                .sum()
        };
        let base = shortfall(&v);
        // Groups serving a queue with a violated target; ties: cheaper, then routing order.
        let mut pick: Option<(f64, f64, usize)> = None;
        for g in 0..ng {
            let useful = violated
                .iter()
                .any(|&j| case.serves(g, case.constraints[j].queue));
            if !useful || !case.room(&y, g) {
                continue;
            }
            let mut z = y.clone();
            z[g] += 1;
            let w = case.eval(&z);
            let gain = (base - shortfall(&w)) / case.cost[g];
            if pick.is_none_or(|(b, c, _)| gain > b || (gain == b && case.cost[g] < c)) {
                pick = Some((gain, case.cost[g], g));
            }
        }
        let (_, _, g) = pick?;
        y[g] += 1;
    }
    None
}

/// Removes agents one at a time, most expensive group first, while every target still holds.
fn remove(case: &mut Case<'_>, y: &mut [u32]) -> u32 {
    let ng = case.cost.len();
    let mut order: Vec<usize> = (0..ng).collect();
    let skills = |g: usize| case.problem.routing.groups()[g].skills().len();
    order.sort_by(|&a, &b| {
        case.cost[b]
            .total_cmp(&case.cost[a])
            .then(skills(b).cmp(&skills(a)))
            .then(a.cmp(&b))
    });
    let mut removed = 0;
    'outer: loop {
        for &g in &order {
            if y[g] > case.lo[g] {
                y[g] -= 1;
                let v = case.eval(y);
                if case.violated(&v).is_empty() {
                    removed += 1;
                    continue 'outer;
                }
                y[g] += 1;
            }
        }
        return removed;
    }
}
