//! The roster solved block by block: the horizon is cut into 7-day blocks (the blocks of the
//! contracted-hours rows), solved in sequence, each as a MIP with a deterministic node limit and
//! the greedy roster as its warm start. A block sees the blocks before it as fixed: the rest
//! after the previous day's shift, the working days before it (consecutive-day windows that
//! cross the boundary), the hours already worked in each calendar month (the monthly cap), and
//! the weekend and late shifts already worked (fairness against the fair share up to the
//! block's end). A repeating week (`week_wraps`) is one block.
//!
//! Why blocks: the same inputs must give the same roster on an idle or a loaded machine, so
//! the search stops on a node count, not a clock; and a month-sized MIP (26 agents × 1,238
//! shifts) spends minutes in CBC's root before the first node, where a week's block does not.

use std::ops::Range;
use std::time::{Duration, Instant};

use super::super::lp::{Backend, Limits, Lp, LpKind, Stop};
use super::{
    available, contracted, is_late, is_weekend, Agent, Calendar, RosterLimits, RosterRules,
    MAX_MIP_SIZE,
};
use crate::schedule::{Schedule, Shift};

/// The deviation columns of one agent's contracted-hours row of a 7-day block: (dev⁺, dev⁻,
/// day range, target hours).
type WeekRow = (usize, usize, Range<usize>, f64);

/// The MIP of one block: `y[a][s]` columns (shifts of the block only) and the hard and soft
/// rows, with the columns a warm start must set.
struct Model {
    lp: Lp,
    /// The block's days.
    block: Range<usize>,
    /// The block's shifts by day of the horizon (empty outside the block).
    by_day: Vec<Vec<usize>>,
    y: Vec<Vec<Option<usize>>>,
    /// Unassigned indicator per shift of the block.
    unassigned: Vec<Option<usize>>,
    /// Fair shares of weekend and late shifts up to the end of the block.
    fair_weekend: f64,
    fair_late: f64,
    /// Per agent: (dev⁺, dev⁻, day range, target) of every 7-day block.
    weeks: Vec<Vec<WeekRow>>,
    /// Per agent: (slack, weekend?, fair share) of the fairness rows.
    fairness: Vec<Vec<(usize, bool, f64)>>,
}

/// What the roster stage shares between its blocks.
pub(super) struct Ctx<'a> {
    pub(super) schedule: &'a Schedule,
    pub(super) agents: &'a [Agent],
    pub(super) skilled: &'a [bool],
    pub(super) rules: &'a RosterRules,
    pub(super) cal: &'a Calendar,
    pub(super) backend: Backend,
    pub(super) limits: RosterLimits,
    pub(super) started: Instant,
}

/// How one block's search ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum BlockStop {
    /// Proven optimal.
    Optimal,
    /// Stopped by the node limit with its incumbent (deterministic).
    NodeLimit,
    /// Stopped by the wall-clock safety net (timing-dependent).
    TimeLimit,
    /// The greedy roster, and why.
    Greedy(String),
}

/// One block's outcome.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BlockOutcome {
    pub(super) days: Range<usize>,
    pub(super) stop: BlockStop,
    pub(super) objective: f64,
    pub(super) bound: Option<f64>,
}

/// For each agent and day of the horizon, the shift the agent works that day, if any.
pub(super) fn day_of(
    shifts: &[Shift],
    assignment: &[Option<usize>],
    agents: usize,
    days: usize,
) -> Vec<Vec<Option<usize>>> {
    let mut out = vec![vec![None; days]; agents];
    for (s, a) in assignment.iter().enumerate() {
        if let Some(a) = a {
            out[*a][shifts[s].day] = Some(s);
        }
    }
    out
}

/// Whether agent `a` can take shift `sh` without breaking the minimum rest against the shifts
/// of the day before and the day after in `day_of`.
pub(super) fn rest_ok(
    shifts: &[Shift],
    rules: &RosterRules,
    days: usize,
    day_of: &[Option<usize>],
    sh: &Shift,
) -> bool {
    let horizon = days as u32 * 1440;
    let before = if sh.day > 0 {
        Some((sh.day - 1, 0))
    } else if rules.week_wraps {
        Some((days - 1, horizon))
    } else {
        None
    };
    let after = if sh.day + 1 < days {
        Some((sh.day + 1, 0))
    } else if rules.week_wraps {
        Some((0, horizon))
    } else {
        None
    };
    before.is_none_or(|(d, add)| {
        day_of[d].is_none_or(|p| shifts[p].end_min + rules.min_rest_min <= sh.start_min + add)
    }) && after.is_none_or(|(d, add)| {
        day_of[d].is_none_or(|n| sh.end_min + rules.min_rest_min <= shifts[n].start_min + add)
    })
}

/// Whether working day `d` keeps the agent's run of consecutive working days within the limit.
pub(super) fn run_ok(rules: &RosterRules, days: usize, day_of: &[Option<usize>], d: usize) -> bool {
    let k = rules.max_consecutive_days;
    if k >= days {
        return true;
    }
    let works = |x: i64| -> bool {
        let x = if rules.week_wraps {
            x.rem_euclid(days as i64)
        } else if x < 0 || x >= days as i64 {
            return false;
        } else {
            x
        } as usize;
        x == d || day_of[x].is_some()
    };
    let d = d as i64;
    let (mut lo, mut hi) = (d, d);
    while works(lo - 1) && d - lo < days as i64 {
        lo -= 1;
    }
    while works(hi + 1) && hi - d < days as i64 {
        hi += 1;
    }
    (hi - lo + 1) as usize <= k
}

/// Paid hours of each agent in each calendar month of the horizon.
pub(super) fn month_hours(ctx: &Ctx, assignment: &[Option<usize>]) -> Vec<Vec<f64>> {
    let months = ctx.cal.months();
    let mut out = vec![vec![0.0; months.len()]; ctx.agents.len()];
    for (s, a) in assignment.iter().enumerate() {
        let Some(a) = a else { continue };
        let sh = &ctx.schedule.shifts[s];
        if let Some(i) = months.iter().position(|(r, _)| r.contains(&sh.day)) {
            out[*a][i] += sh.paid_hours;
        }
    }
    out
}

/// Solves one block given the roster of the blocks before it (`prior`); returns the roster
/// with the block's shifts assigned and how the search ended.
pub(super) fn solve_block(
    ctx: &Ctx,
    block: Range<usize>,
    prior: &[Option<usize>],
) -> (Vec<Option<usize>>, BlockOutcome) {
    let mut m = columns(ctx, block.clone(), prior);
    for a in 0..ctx.agents.len() {
        if ctx.skilled[a] {
            agent_rows(&mut m, ctx, a, prior);
        }
    }
    let greedy = greedy(ctx, &m, prior);
    let warm = warm_start(ctx.schedule, &m, &greedy);
    let greedy_objective = m.lp.objective(&warm);
    let outcome = |stop, objective, bound| BlockOutcome {
        days: block.clone(),
        stop,
        objective,
        bound,
    };
    if m.by_day.iter().all(Vec::is_empty) {
        // No shift to assign: nothing to search (and no empty model handed to an engine).
        return (
            greedy,
            outcome(BlockStop::Optimal, greedy_objective, Some(greedy_objective)),
        );
    }
    // A block beyond what the MIP engines load in a few seconds is not handed to them (3,000
    // agents ran 51 s under a 5-s limit). Under a second of the safety net left is treated as
    // none: CBC 2.10 crashed (SIGSEGV) when started with a sub-second limit and a warm start.
    let left = ctx.limits.time.saturating_sub(ctx.started.elapsed());
    let size = m.lp.rows.len() + m.lp.cols.len();
    if left < Duration::from_secs(1) || size > MAX_MIP_SIZE {
        let why = if size > MAX_MIP_SIZE {
            format!("{size} rows + columns, above the MIP limit of {MAX_MIP_SIZE}")
        } else {
            "under a second of the time limit was left".to_string()
        };
        return (
            greedy,
            outcome(BlockStop::Greedy(why), greedy_objective, None),
        );
    }
    let limits = Limits {
        nodes: ctx.limits.nodes_per_block,
        time: Some(left),
    };
    let res = m.lp.solve(false, ctx.backend, limits, 0.0, Some(&warm));
    // The incumbent replaces the warm start only when it is at least as good (an engine that
    // ignored the warm start may stop on a worse point).
    if !res.has_incumbent || res.objective > greedy_objective + 1e-6 {
        let why = if res.has_incumbent {
            format!("the MIP's incumbent ({:.1}) is worse", res.objective)
        } else {
            format!("the MIP found no roster: {:?}", res.kind)
        };
        let stop = match res.kind {
            LpKind::Stopped(Stop::Time) => BlockStop::TimeLimit,
            _ => BlockStop::Greedy(why),
        };
        return (greedy, outcome(stop, greedy_objective, res.bound));
    }
    let mut assignment = prior.to_vec();
    for (a, row) in m.y.iter().enumerate() {
        for (s, c) in row.iter().enumerate() {
            if c.is_some_and(|c| res.values[c] > 0.5) {
                assignment[s] = Some(a);
            }
        }
    }
    let stop = match res.kind {
        LpKind::Optimal => BlockStop::Optimal,
        LpKind::Stopped(Stop::Time) => BlockStop::TimeLimit,
        LpKind::Stopped(Stop::Nodes) => BlockStop::NodeLimit,
        ref k => BlockStop::Greedy(format!("{k:?}")),
    };
    (assignment, outcome(stop, res.objective, res.bound))
}

/// The `y` columns of the block (an agent may work a shift: skilled, available, not on leave,
/// rested after the previous block's last shift), each shift's at-most-once row with its
/// unassigned penalty, and the fair shares up to the block's end.
fn columns(ctx: &Ctx, block: Range<usize>, prior: &[Option<usize>]) -> Model {
    let (shifts, cal, rules) = (&ctx.schedule.shifts, ctx.cal, ctx.rules);
    let mut lp = Lp::default();
    let mut y: Vec<Vec<Option<usize>>> = vec![vec![None; shifts.len()]; ctx.agents.len()];
    let before = day_of(shifts, prior, ctx.agents.len(), cal.days);
    for (a, ag) in ctx.agents.iter().enumerate() {
        if !ctx.skilled[a] {
            continue;
        }
        for (s, sh) in shifts.iter().enumerate() {
            if !block.contains(&sh.day) || !available(ag, sh) || cal.on_leave(ag, sh) {
                continue;
            }
            // The previous block's last day is fixed: its rest holds here.
            let rested = sh.day != block.start
                || block.start == 0
                || before[a][sh.day - 1]
                    .is_none_or(|p| shifts[p].end_min + rules.min_rest_min <= sh.start_min);
            if !rested {
                continue;
            }
            let date = cal.date(sh.day);
            let pen = 2.0
                * ag.preferences
                    .iter()
                    .filter(|p| !p.satisfied_by(sh, date))
                    .count() as f64;
            y[a][s] = Some(lp.add_col(0.0, 1.0, true, pen));
        }
    }
    let mut unassigned = vec![None; shifts.len()];
    for (s, sh) in shifts.iter().enumerate() {
        if !block.contains(&sh.day) {
            continue;
        }
        let u = lp.add_col(0.0, 1.0, false, 1000.0);
        unassigned[s] = Some(u);
        let mut row: Vec<(usize, f64)> = y
            .iter()
            .filter_map(|per_shift| per_shift[s].map(|c| (c, 1.0)))
            .collect();
        row.push((u, 1.0));
        lp.add_row(row, 1.0, 1.0);
    }
    let (fair_weekend, fair_late) = fair_shares(ctx.schedule, ctx.skilled, block.end);
    let mut by_day = vec![Vec::new(); cal.days];
    for (s, sh) in shifts.iter().enumerate() {
        if block.contains(&sh.day) {
            by_day[sh.day].push(s);
        }
    }
    Model {
        lp,
        block,
        by_day,
        y,
        fair_weekend,
        fair_late,
        unassigned,
        weeks: vec![Vec::new(); ctx.agents.len()],
        fairness: vec![Vec::new(); ctx.agents.len()],
    }
}

/// Fair shares of weekend and late shifts over the days before `end`: ⌈shifts ÷ skilled
/// agents⌉.
pub(super) fn fair_shares(schedule: &Schedule, skilled: &[bool], end: usize) -> (f64, f64) {
    let upto: Vec<&Shift> = schedule.shifts.iter().filter(|s| s.day < end).collect();
    let n_weekend = upto.iter().filter(|s| is_weekend(s)).count() as f64;
    let n_late = upto.iter().filter(|s| is_late(s)).count() as f64;
    let n_active = skilled.iter().filter(|s| **s).count().max(1) as f64;
    ((n_weekend / n_active).ceil(), (n_late / n_active).ceil())
}

/// One agent's rows in the block: a shift a day, rest, consecutive days (windows crossing into
/// the block count the fixed working days before it), contracted hours per week (soft), the
/// monthly cap less the hours already worked (hard), fairness counting the shifts already
/// worked (soft).
fn agent_rows(m: &mut Model, ctx: &Ctx, a: usize, prior: &[Option<usize>]) {
    let (shifts, cal, rules, ag) = (&ctx.schedule.shifts, ctx.cal, ctx.rules, &ctx.agents[a]);
    let days = cal.days;
    let block = m.block.clone();
    let y = &m.y[a];
    let lp = &mut m.lp;
    let mine: Vec<usize> = (0..shifts.len()).filter(|&s| prior[s] == Some(a)).collect();
    let mut worked = vec![false; days];
    for &s in &mine {
        worked[shifts[s].day] = true;
    }
    let mut work_day: Vec<Vec<(usize, f64)>> = vec![Vec::new(); days];
    for (s, c) in y.iter().enumerate() {
        if let Some(c) = c {
            work_day[shifts[s].day].push((*c, 1.0));
        }
    }
    for list in &work_day {
        if list.len() > 1 {
            lp.add_row(list.clone(), f64::NEG_INFINITY, 1.0);
        }
    }
    // rest between consecutive days of the block (a repeating week wraps)
    let horizon = days as u32 * 1440;
    for d in block.clone() {
        let (nd, shift_add) = if d + 1 < block.end {
            (d + 1, 0)
        } else if rules.week_wraps && block == (0..days) {
            (0, horizon)
        } else {
            continue;
        };
        for &s in &m.by_day[d] {
            let Some(cs) = y[s] else { continue };
            let mut row = vec![(cs, 1.0)];
            for &s2 in &m.by_day[nd] {
                if let Some(c2) = y[s2] {
                    if shifts[s].end_min + rules.min_rest_min > shifts[s2].start_min + shift_add {
                        row.push((c2, 1.0));
                    }
                }
            }
            if row.len() > 1 {
                lp.add_row(row, f64::NEG_INFINITY, 1.0);
            }
        }
    }
    // max consecutive days: every window of k + 1 days that ends in the block
    let k = rules.max_consecutive_days;
    if k < days {
        let windows: Vec<Vec<usize>> = if rules.week_wraps {
            (0..days)
                .map(|w0| (0..=k).map(|i| (w0 + i) % days).collect())
                .collect()
        } else {
            (0..days - k)
                .filter(|w0| block.contains(&(w0 + k)))
                .map(|w0| (w0..=w0 + k).collect())
                .collect()
        };
        for w in windows {
            let fixed = w.iter().filter(|&&d| worked[d]).count();
            let row: Vec<(usize, f64)> = w
                .iter()
                .filter(|d| block.contains(d))
                .flat_map(|&d| work_day[d].iter().copied())
                .collect();
            if !row.is_empty() {
                lp.add_row(row, f64::NEG_INFINITY, k.saturating_sub(fixed) as f64);
            }
        }
    }
    let hours_in = |range: &Range<usize>| -> Vec<(usize, f64)> {
        y.iter()
            .enumerate()
            .filter(|(s, _)| range.contains(&shifts[*s].day))
            .filter_map(|(s, c)| c.map(|c| (c, shifts[s].paid_hours)))
            .collect()
    };
    // contracted hours per 7-day block: h − dev⁺ + dev⁻ = contracted
    for week in cal.weeks().into_iter().filter(|w| block.contains(&w.start)) {
        let target = contracted(ag, cal, week.clone());
        let plus = lp.add_col(0.0, f64::INFINITY, false, 1.0);
        let minus = lp.add_col(0.0, f64::INFINITY, false, 1.0);
        let mut row = hours_in(&week);
        row.push((plus, -1.0));
        row.push((minus, 1.0));
        lp.add_row(row, target, target);
        m.weeks[a].push((plus, minus, week, target));
    }
    // monthly cap, pro rata for a month the horizon covers in part, less the hours worked
    if let Some(cap) = ag.monthly_hours {
        for (range, share) in cal.months() {
            let used: f64 = mine
                .iter()
                .filter(|&&s| range.contains(&shifts[s].day))
                .map(|&s| shifts[s].paid_hours)
                .sum();
            let row = hours_in(&range);
            if !row.is_empty() {
                lp.add_row(row, f64::NEG_INFINITY, cap * share - used + 1e-6);
            }
        }
    }
    // fairness: weekend and late shifts (worked before and in the block) above the fair share
    for (weekend, fair) in [(true, m.fair_weekend), (false, m.fair_late)] {
        let pred = if weekend { is_weekend } else { is_late };
        let before = mine.iter().filter(|&&s| pred(&shifts[s])).count() as f64;
        let mut row: Vec<(usize, f64)> = y
            .iter()
            .enumerate()
            .filter(|(s, _)| pred(&shifts[*s]))
            .filter_map(|(_, c)| c.map(|c| (c, 1.0)))
            .collect();
        if row.is_empty() {
            continue;
        }
        let slack = lp.add_col(0.0, f64::INFINITY, false, 3.0);
        row.push((slack, -1.0));
        lp.add_row(row, f64::NEG_INFINITY, fair - before);
        m.fairness[a].push((slack, weekend, fair));
    }
}

/// A roster of the block by hand: its shifts in time order, each to the allowed agent with the
/// most contracted hours left in that week (fewest preferences broken first), keeping every
/// hard rule (a shift a day, rest, consecutive days, monthly cap) against the blocks before.
/// The MIP's warm start, and its fallback.
fn greedy(ctx: &Ctx, m: &Model, prior: &[Option<usize>]) -> Vec<Option<usize>> {
    let (shifts, cal, rules, agents) = (&ctx.schedule.shifts, ctx.cal, ctx.rules, ctx.agents);
    let days = cal.days;
    let mut order: Vec<usize> = (0..shifts.len())
        .filter(|&s| m.block.contains(&shifts[s].day))
        .collect();
    order.sort_by_key(|&s| (shifts[s].start_min, s));
    let mut out = prior.to_vec();
    let mut day_of = day_of(shifts, prior, agents.len(), days);
    let mut week_h = vec![vec![0.0; cal.weeks().len()]; agents.len()];
    for (s, a) in prior.iter().enumerate() {
        if let Some(a) = a {
            week_h[*a][shifts[s].day / 7] += shifts[s].paid_hours;
        }
    }
    let months = cal.months();
    let mut month_h = month_hours(ctx, prior);
    let weeks = cal.weeks();
    let target: Vec<Vec<f64>> = agents
        .iter()
        .map(|ag| {
            weeks
                .iter()
                .map(|w| contracted(ag, cal, w.clone()))
                .collect()
        })
        .collect();
    for s in order {
        let sh = &shifts[s];
        let w = sh.day / 7;
        let mi = months.iter().position(|(r, _)| r.contains(&sh.day));
        let date = cal.date(sh.day);
        let best = (0..agents.len())
            .filter(|&a| m.y[a][s].is_some() && day_of[a][sh.day].is_none())
            .filter(|&a| {
                rest_ok(shifts, rules, days, &day_of[a], sh)
                    && run_ok(rules, days, &day_of[a], sh.day)
            })
            .filter(|&a| match (agents[a].monthly_hours, mi) {
                (Some(c), Some(i)) => month_h[a][i] + sh.paid_hours <= c * months[i].1 + 1e-6,
                _ => true,
            })
            .map(|a| {
                let left = target[a][w] - week_h[a][w];
                let broken = agents[a]
                    .preferences
                    .iter()
                    .filter(|p| !p.satisfied_by(sh, date))
                    .count() as f64;
                (left - 2.0 * broken, a)
            })
            .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
        if let Some((_, a)) = best {
            out[s] = Some(a);
            day_of[a][sh.day] = Some(s);
            week_h[a][w] += sh.paid_hours;
            if let Some(i) = mi {
                month_h[a][i] += sh.paid_hours;
            }
        }
    }
    out
}

/// Every column's value for a roster of the block (the solver checks it before using it).
fn warm_start(schedule: &Schedule, m: &Model, assignment: &[Option<usize>]) -> Vec<f64> {
    let shifts = &schedule.shifts;
    let mut x = vec![0.0; m.lp.cols.len()];
    for (s, a) in assignment.iter().enumerate() {
        if !m.block.contains(&shifts[s].day) {
            continue;
        }
        match a {
            Some(a) => x[m.y[*a][s].expect("an allowed column")] = 1.0,
            None => x[m.unassigned[s].expect("a shift of the block")] = 1.0,
        }
    }
    for (a, weeks) in m.weeks.iter().enumerate() {
        let mine = |pred: &dyn Fn(&Shift) -> bool| -> usize {
            assignment
                .iter()
                .enumerate()
                .filter(|(s, x)| **x == Some(a) && pred(&shifts[*s]))
                .count()
        };
        for (plus, minus, range, target) in weeks {
            let h: f64 = assignment
                .iter()
                .enumerate()
                .filter(|(s, x)| **x == Some(a) && range.contains(&shifts[*s].day))
                .map(|(s, _)| shifts[s].paid_hours)
                .sum();
            x[*plus] = (h - target).max(0.0);
            x[*minus] = (target - h).max(0.0);
        }
        // Shifts worked before and in the block (nothing after it is assigned yet).
        for (slack, weekend, fair) in &m.fairness[a] {
            let pred: fn(&Shift) -> bool = if *weekend { is_weekend } else { is_late };
            x[*slack] = (mine(&pred) as f64 - fair).max(0.0);
        }
    }
    x
}
