//! Named-agent roster: assign the planned shifts to agents from a CSV, with hard rules
//! (availability, skills, one shift a day, minimum rest, maximum consecutive days) and soft ones
//! (contracted weekly hours, preferences, fairness of weekend and late shifts). Every violated
//! soft rule is reported.
//!
//! # Agents CSV
//! `id,weekly_hours,availability,skills,preferences`:
//! - `weekly_hours`: contracted paid hours a week;
//! - `availability`: `any`, or `;`-separated windows `Mon-Fri 07:00-19:00`, `Sat 08:00-14:00`
//!   (an end before the start crosses midnight); a shift must start and end inside a window of
//!   its start day;
//! - `skills`: `;`-separated queues, or `any`/empty; with a multi-queue requirement an agent needs
//!   at least one of its queues (the plan is pooled, so skills do not route per interval);
//! - `preferences`: `;`-separated `early` (start before 10:00), `late` (start at or after 12:00),
//!   `no_late` (end by 20:00), `off:Sat` (a weekday off), `off:1999-02-09` (a date off, a wish),
//!   `template:NAME`;
//! - optional `monthly_hours`: contracted paid hours per calendar month, a hard cap (pro rata
//!   for a month the horizon covers in part);
//! - optional `unavailable`: `;`-separated dates or ranges `1999-02-09`, `1999-02-14..1999-02-16`
//!   the agent cannot work (hard);
//! - optional `vacation_days`: vacation days allotted for the rostered period; approved leave of
//!   kind `vacation` beyond it is reported.
//!
//! Approved leave (`wfm schedule --leave FILE`, read by [`crate::io::leave`]) is hard too: no
//! shift starts or ends on a day of leave. Contracted hours: per 7-day block of the horizon,
//! `weekly_hours × days ÷ 7 − leave days × weekly_hours ÷ 5`, at least 0 (soft, every
//! deviation reported).
//!
//! # Model
//! Binary `y_{a,s}` = agent `a` works shift `s`. Hard: `Σ_a y_{a,s} ≤ 1`; one shift per agent
//! and day; rest `y_{a,s} + Σ_{s' next day, s' starts before end(s) + R} y_{a,s'} ≤ 1`; at most
//! `K` working days in any `K + 1` consecutive days (the rest and day rules hold across every
//! day boundary of the horizon, a month boundary inside it included); no shift on leave or
//! unavailable dates; paid hours in each calendar month ≤ the monthly cap. Objective
//! (minimise): 1000 × unassigned shifts + Σ_weeks |paid hours − contracted| + 2 × shifts against
//! a preference + 3 × (weekend and late shifts above the fair share ⌈average⌉ over the horizon)
//! per agent. Solved with the same MIP back ends, 7-day block by 7-day block with a node limit
//! (deterministic) and the greedy roster as warm start; see [`assign`].

use std::time::Duration;

use super::lp::Backend;
use super::rules::DAY_NAMES;
use super::{Schedule, ScheduleError, Shift};
use crate::time::{Datelike, NaiveDate};

mod blocks;

/// One agent of the roster input.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// Identifier.
    pub id: String,
    /// Contracted paid hours a week.
    pub weekly_hours: f64,
    /// Availability windows per weekday (0 = Sunday): (start, end) minutes, end may exceed 1440.
    pub availability: [Vec<(u32, u32)>; 7],
    /// Skills (queues); empty = any.
    pub skills: Vec<String>,
    /// Preferences.
    pub preferences: Vec<Preference>,
    /// Contracted paid hours per calendar month (a hard cap), if any.
    pub monthly_hours: Option<f64>,
    /// Vacation days allotted for the rostered period, if any.
    pub vacation_days: Option<f64>,
    /// Dates the agent cannot work: approved leave and the agents file's `unavailable`.
    pub leave: Vec<Leave>,
}

/// Approved leave or a date-specific unavailability of one agent (inclusive dates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leave {
    /// Agent id.
    pub agent: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// `vacation`, `sick`, `training`, `unavailable`, …
    pub kind: String,
}

impl Agent {
    /// The kind of leave on `date`, if any.
    pub fn leave_on(&self, date: NaiveDate) -> Option<&str> {
        self.leave
            .iter()
            .find(|l| l.from <= date && date <= l.to)
            .map(|l| l.kind.as_str())
    }
}

/// Adds approved leave to the agents it names (ids checked by the reader).
pub fn with_leave(mut agents: Vec<Agent>, leave: &[Leave]) -> Vec<Agent> {
    for l in leave {
        if let Some(a) = agents.iter_mut().find(|a| a.id == l.agent) {
            a.leave.push(l.clone());
        }
    }
    agents
}

/// A soft preference.
#[derive(Debug, Clone, PartialEq)]
pub enum Preference {
    /// Starts before 10:00.
    Early,
    /// Starts at or after 12:00.
    Late,
    /// Ends by 20:00.
    NoLate,
    /// Off on this weekday (0 = Sunday).
    DayOff(usize),
    /// Off on this date (a wish; approved leave is [`Leave`]).
    DateOff(NaiveDate),
    /// Works this template.
    Template(String),
}

impl Preference {
    fn name(&self) -> String {
        match self {
            Preference::Early => "early".into(),
            Preference::Late => "late".into(),
            Preference::NoLate => "no_late".into(),
            Preference::DayOff(d) => format!("off:{}", DAY_NAMES[*d]),
            Preference::DateOff(d) => format!("off:{d}"),
            Preference::Template(t) => format!("template:{t}"),
        }
    }
    /// Whether shift `s` (starting on `date`, when the plan is dated) honours the preference.
    fn satisfied_by(&self, s: &Shift, date: Option<NaiveDate>) -> bool {
        let start = s.start_min % 1440;
        match self {
            Preference::Early => start < 600,
            Preference::Late => start >= 720,
            Preference::NoLate => s.end_min - (s.start_min - start) <= 1200,
            Preference::DayOff(d) => s.weekday != *d,
            Preference::DateOff(d) => date != Some(*d),
            Preference::Template(t) => &s.template == t,
        }
    }
}

/// Hard rules of the roster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RosterRules {
    /// Minimum rest between shifts, minutes. Default 11 h.
    pub min_rest_min: u32,
    /// Maximum consecutive working days. Default 6.
    pub max_consecutive_days: usize,
    /// Whether the week repeats (rest and consecutive days wrap from the last day to the first).
    pub week_wraps: bool,
    /// The date of day 0 (a dated plan): needed for leave, dated unavailability, `off:DATE` and
    /// monthly caps. Default none.
    pub start: Option<NaiveDate>,
}

impl Default for RosterRules {
    fn default() -> Self {
        RosterRules {
            min_rest_min: 660,
            max_consecutive_days: 6,
            week_wraps: true,
            start: None,
        }
    }
}

/// One violated soft rule.
#[derive(Debug, Clone, PartialEq)]
pub struct SoftViolation {
    /// Agent id.
    pub agent: String,
    /// Rule (`contracted_hours`, `preference:early`, `fair_weekends`, `fair_late`,
    /// `vacation_allotment`).
    pub rule: String,
    /// What happened.
    pub detail: String,
}

/// Why a shift stayed without an agent (judged on the final roster).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnassignedReason {
    /// No agent has the skills, an availability window that holds the shift and no leave on it.
    NoAgentAvailable,
    /// Every agent who could work it already works another shift that day.
    AgentsBusy,
    /// An agent free that day would break the minimum rest, the consecutive-days rule or a
    /// monthly hours cap.
    HoursOrRest,
    /// An agent could take it within every hard rule: the search stopped before it did.
    SearchStopped,
}

impl UnassignedReason {
    /// Name in reports: `no_agent_available`, `agents_busy`, `hours_or_rest`, `search_stopped`.
    pub fn name(self) -> &'static str {
        match self {
            UnassignedReason::NoAgentAvailable => "no_agent_available",
            UnassignedReason::AgentsBusy => "agents_busy",
            UnassignedReason::HoursOrRest => "hours_or_rest",
            UnassignedReason::SearchStopped => "search_stopped",
        }
    }
    /// What it means, in the planner's terms.
    pub fn explain(self) -> &'static str {
        match self {
            UnassignedReason::NoAgentAvailable => {
                "no agent available (skills, availability windows, leave)"
            }
            UnassignedReason::AgentsBusy => "every agent who could work it already works that day",
            UnassignedReason::HoursOrRest => {
                "the free agents would break rest, consecutive-day or monthly-hours rules"
            }
            UnassignedReason::SearchStopped => "the search stopped before assigning it",
        }
    }
}

/// A shift left without an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnassignedShift {
    /// Index into the schedule's shifts.
    pub shift: usize,
    /// Why.
    pub reason: UnassignedReason,
}

/// One agent's month (or horizon) in the roster.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AgentSummary {
    /// Agent id.
    pub agent: String,
    /// Shifts worked.
    pub shifts: usize,
    /// Paid hours worked.
    pub paid_hours: f64,
    /// Contracted hours over the horizon: Σ over 7-day blocks of weekly hours × days ÷ 7 less
    /// weekly hours ÷ 5 per day of leave.
    pub contracted_hours: f64,
    /// Monthly cap pro rata to the horizon's days of each month, summed (none: no cap).
    pub monthly_cap_hours: Option<f64>,
    /// Days of leave or unavailability in the horizon.
    pub leave_days: usize,
    /// Vacation days in the horizon and the allotment.
    pub vacation_days: usize,
    /// Vacation days allotted.
    pub vacation_allotment: Option<f64>,
    /// Weekend shifts.
    pub weekend_shifts: usize,
    /// Late shifts (ending after 20:00).
    pub late_shifts: usize,
    /// Days worked on leave (always 0: leave is a hard rule; reported for audit).
    pub shifts_on_leave: usize,
}

/// The roster.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    /// For each shift of the schedule, the agent index (into `agents`) working it.
    pub assignment: Vec<Option<usize>>,
    /// Agent ids.
    pub agents: Vec<String>,
    /// Paid hours per agent.
    pub hours: Vec<f64>,
    /// Every violated soft rule.
    pub violations: Vec<SoftViolation>,
    /// Agents excluded by skills.
    pub unskilled: Vec<String>,
    /// Why the search stopped: `optimal` (every block proven), `node_limit` (the deterministic
    /// work limit, with its incumbent), `greedy (why)` (the greedy roster of a block), or
    /// `time_limit` (the wall-clock safety net fired: timing-dependent).
    pub status: String,
    /// The status in a sentence: blocks, limits, and how many blocks stopped on which.
    pub status_detail: String,
    /// Each block's status, objective and bound.
    pub blocks: Vec<RosterBlock>,
    /// Every shift left without an agent, and why.
    pub unassigned_why: Vec<UnassignedShift>,
    /// Per agent: shifts, hours against contract and cap, leave, weekends and lates.
    pub summary: Vec<AgentSummary>,
    /// The date of day 0, when the plan is dated.
    pub start: Option<NaiveDate>,
}

impl Roster {
    /// `(agent, shift index)` sorted by agent, day and start (`UNASSIGNED` for no agent).
    pub fn rows(&self, schedule: &Schedule) -> Vec<(String, usize)> {
        let mut rows: Vec<(String, usize, u32, usize)> = self
            .assignment
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let s = &schedule.shifts[i];
                (
                    a.map_or_else(|| "UNASSIGNED".to_string(), |a| self.agents[a].clone()),
                    s.day,
                    s.start_min,
                    i,
                )
            })
            .collect();
        rows.sort();
        rows.into_iter().map(|(a, _, _, i)| (a, i)).collect()
    }

    /// Shifts without an agent.
    pub fn unassigned(&self) -> usize {
        self.assignment.iter().filter(|a| a.is_none()).count()
    }
}

/// Checks that the agents can work the plan at all: some agent's skills match a queue of the
/// requirement, and every `template:NAME` preference names one of `templates`.
///
/// # Errors
/// [`ScheduleError::Unrosterable`] saying which agents and which queues or templates.
pub fn check_agents(
    agents: &[Agent],
    queues: &[String],
    templates: &[&str],
) -> Result<(), ScheduleError> {
    let named: Vec<&String> = queues.iter().filter(|q| !q.is_empty()).collect();
    let skilled = |a: &Agent| {
        a.skills.is_empty() || named.is_empty() || a.skills.iter().any(|s| queues.contains(s))
    };
    if !agents.is_empty() && !agents.iter().any(skilled) {
        let mut skills: Vec<&str> = agents
            .iter()
            .flat_map(|a| a.skills.iter().map(String::as_str))
            .collect();
        skills.sort_unstable();
        skills.dedup();
        return Err(ScheduleError::Unrosterable {
            reason: format!(
                "no agent's skills ({}) match a queue of the requirement ({}); use the queue names, or `any`",
                skills.join(", "),
                named.iter().map(|q| q.as_str()).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    for a in agents {
        for p in &a.preferences {
            if let Preference::Template(t) = p {
                if !templates.contains(&t.as_str()) {
                    return Err(ScheduleError::Unrosterable {
                        reason: format!(
                            "agent {}: preference template:{t} names no template of the shift rules ({})",
                            a.id,
                            templates.join(", ")
                        ),
                    });
                }
            }
        }
    }
    Ok(())
}

fn available(a: &Agent, s: &Shift) -> bool {
    let off = s.start_min - s.start_min % 1440;
    let (st, en) = (s.start_min - off, s.end_min - off);
    a.availability[s.weekday]
        .iter()
        .any(|&(w0, w1)| st >= w0 && en <= w1)
}

fn is_weekend(s: &Shift) -> bool {
    s.weekday == 0 || s.weekday == 6
}

fn is_late(s: &Shift) -> bool {
    s.end_min - (s.start_min - s.start_min % 1440) > 1200
}

/// Dates of the horizon: of each day, of a shift's start and of its last minute.
struct Calendar {
    start: Option<NaiveDate>,
    days: usize,
}

impl Calendar {
    fn date(&self, day: usize) -> Option<NaiveDate> {
        self.start.map(|d| d + chrono::Duration::days(day as i64))
    }
    /// The dates a shift touches (start and last minute).
    fn shift_dates(&self, s: &Shift) -> Vec<NaiveDate> {
        let Some(d0) = self.start else {
            return Vec::new();
        };
        let first = (s.start_min / 1440) as i64;
        let last = (s.end_min.saturating_sub(1) / 1440) as i64;
        (first..=last)
            .map(|d| d0 + chrono::Duration::days(d))
            .collect()
    }
    fn on_leave(&self, a: &Agent, s: &Shift) -> bool {
        self.shift_dates(s).iter().any(|&d| a.leave_on(d).is_some())
    }
    fn leave_days(&self, a: &Agent, days: std::ops::Range<usize>) -> usize {
        days.filter(|&d| self.date(d).is_some_and(|x| a.leave_on(x).is_some()))
            .count()
    }
    /// 7-day blocks of the horizon as day ranges.
    fn weeks(&self) -> Vec<std::ops::Range<usize>> {
        (0..self.days)
            .step_by(7)
            .map(|d| d..(d + 7).min(self.days))
            .collect()
    }
    /// Calendar months of the horizon: (day range, share of the month's days in the horizon).
    /// An undated horizon counts as one month of 365.25 ÷ 12 days.
    fn months(&self) -> Vec<(std::ops::Range<usize>, f64)> {
        let Some(d0) = self.start else {
            return vec![(0..self.days, self.days as f64 / (365.25 / 12.0))];
        };
        let mut out: Vec<(std::ops::Range<usize>, f64)> = Vec::new();
        let mut d = 0;
        while d < self.days {
            let date = d0 + chrono::Duration::days(d as i64);
            let (y, m) = (date.year(), date.month());
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)
            }
            .expect("valid month");
            let first = NaiveDate::from_ymd_opt(y, m, 1).expect("valid month");
            let month_days = (next - first).num_days() as f64;
            let end = ((next - d0).num_days() as usize).min(self.days);
            out.push((d..end, (end - d) as f64 / month_days));
            d = end;
        }
        out
    }
}

/// The largest roster MIP of one block (rows + columns) handed to a MIP engine; a larger one is
/// rostered by the greedy assignment alone (every hard rule holds), its status says so.
pub const MAX_MIP_SIZE: usize = 200_000;

/// Default wall-clock safety net of the roster stage: the node limit stops the search first on
/// every instance measured (docs/schedule.md); when this fires, the status says so.
pub const DEFAULT_ROSTER_SAFETY_NET: Duration = Duration::from_secs(600);

/// How far the roster search may go (STYLE.md C12: the status says which limit stopped it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterLimits {
    /// Branch-and-bound nodes per 7-day block: a deterministic work limit, the same roster on
    /// an idle or a loaded machine. `None`: no node limit. Default
    /// [`crate::schedule::DEFAULT_NODE_LIMIT`].
    pub nodes_per_block: Option<u64>,
    /// Wall clock of the whole roster stage, a safety net: when it fires the roster depends on
    /// the machine and its load, and the status is `time_limit`. Default
    /// [`DEFAULT_ROSTER_SAFETY_NET`].
    pub time: Duration,
}

impl Default for RosterLimits {
    fn default() -> Self {
        RosterLimits {
            nodes_per_block: Some(super::DEFAULT_NODE_LIMIT),
            time: DEFAULT_ROSTER_SAFETY_NET,
        }
    }
}

/// One block of the roster search (see [`assign`]) as reported in the summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RosterBlock {
    /// Label of the block's first day.
    pub first_day: String,
    /// Label of the block's last day.
    pub last_day: String,
    /// `optimal`, `node_limit`, `time_limit` or `greedy (why)`.
    pub status: String,
    /// The block's objective (1000 per unassigned shift, hours off contract, preferences,
    /// fairness).
    pub objective: f64,
    /// Best bound on the block's optimum, when the engine proved one.
    pub bound: Option<f64>,
}

/// Assigns the shifts of `schedule` to `agents`, 7-day block by 7-day block (a repeating week is
/// one block): each block a MIP with the greedy roster as its warm start, stopped by
/// `limits.nodes_per_block` (deterministic) or the wall-clock safety net `limits.time` of the
/// whole stage (reported as `time_limit`). Rest, consecutive days, monthly caps and fairness
/// carry across the block boundaries (see `roster/blocks.rs`).
///
/// # Errors
/// [`ScheduleError::BadRequirement`] when the schedule has no day labels (empty horizon).
pub fn assign(
    schedule: &Schedule,
    agents: &[Agent],
    queues: &[String],
    rules: &RosterRules,
    backend: Backend,
    limits: RosterLimits,
) -> Result<Roster, ScheduleError> {
    let started = std::time::Instant::now();
    let days = schedule.day_labels.len();
    if days == 0 {
        return Err(ScheduleError::BadRequirement {
            reason: "empty horizon".into(),
        });
    }
    let cal = Calendar {
        start: rules.start,
        days,
    };
    // A requirement without a queue column pools one unnamed queue: every agent may work it.
    let named = queues.iter().any(|q| !q.is_empty());
    let skilled: Vec<bool> = agents
        .iter()
        .map(|a| a.skills.is_empty() || !named || a.skills.iter().any(|s| queues.contains(s)))
        .collect();
    let ctx = blocks::Ctx {
        schedule,
        agents,
        skilled: &skilled,
        rules,
        cal: &cal,
        backend,
        limits,
        started,
    };
    // A repeating week is one block: its rest and day rules wrap from the last day to the first.
    let ranges: Vec<std::ops::Range<usize>> = if rules.week_wraps {
        std::iter::once(0..days).collect()
    } else {
        cal.weeks()
    };
    let mut assignment = vec![None; schedule.shifts.len()];
    let mut outcomes = Vec::with_capacity(ranges.len());
    for block in ranges {
        let (next, outcome) = blocks::solve_block(&ctx, block, &assignment);
        assignment = next;
        outcomes.push(outcome);
    }
    let (status, status_detail) = overall_status(&outcomes, &limits);
    let fair = blocks::fair_shares(schedule, &skilled, days);
    let mut roster = report(schedule, agents, &skilled, assignment, status, &cal, fair);
    roster.status_detail = status_detail;
    roster.unassigned_why = why_unassigned(&ctx, &roster.assignment);
    roster.blocks = outcomes
        .iter()
        .map(|o| RosterBlock {
            first_day: schedule.day_labels[o.days.start].clone(),
            last_day: schedule.day_labels[o.days.end - 1].clone(),
            status: block_status(&o.stop),
            // To a thousandth: the engines' sums carry float noise (159071.99999999997).
            objective: (o.objective * 1e3).round() / 1e3,
            bound: o.bound.map(|b| (b * 1e3).round() / 1e3),
        })
        .collect();
    Ok(roster)
}

fn block_status(stop: &blocks::BlockStop) -> String {
    match stop {
        blocks::BlockStop::Optimal => "optimal".into(),
        blocks::BlockStop::NodeLimit => "node_limit".into(),
        blocks::BlockStop::TimeLimit => "time_limit".into(),
        blocks::BlockStop::Greedy(why) => format!("greedy ({why})"),
    }
}

/// The roster's status (the worst block's: a fired safety net, then the greedy fallback, then
/// the node limit) and a sentence saying why the search stopped.
fn overall_status(outcomes: &[blocks::BlockOutcome], limits: &RosterLimits) -> (String, String) {
    use blocks::BlockStop;
    let count = |f: &dyn Fn(&BlockStop) -> bool| outcomes.iter().filter(|o| f(&o.stop)).count();
    let timed = count(&|s| *s == BlockStop::TimeLimit);
    let greedy = count(&|s| matches!(s, BlockStop::Greedy(_)));
    let nodes = count(&|s| *s == BlockStop::NodeLimit);
    let status = if timed > 0 {
        "time_limit".to_string()
    } else if greedy > 0 {
        outcomes
            .iter()
            .find(|o| matches!(o.stop, BlockStop::Greedy(_)))
            .map(|o| block_status(&o.stop))
            .unwrap_or_default()
    } else if nodes > 0 {
        "node_limit".to_string()
    } else {
        "optimal".to_string()
    };
    let node_limit = limits
        .nodes_per_block
        .map_or("no node limit".to_string(), |n| {
            format!("node limit {n} per block")
        });
    // No clock reading in the text: it is part of summary.json, which must not change between
    // runs that stopped on the node limit.
    let mut detail = format!(
        "{} block(s) of up to 7 days solved in sequence, {node_limit}: {} optimal, {nodes} stopped on the node limit (deterministic), {greedy} greedy, {timed} stopped on the wall-clock limit",
        outcomes.len(),
        outcomes.len() - nodes - greedy - timed,
    );
    if timed > 0 {
        detail.push_str(
            " (the wall clock fired: this roster depends on the machine's speed and load)",
        );
    }
    (status, detail)
}

/// Why each unassigned shift stayed without an agent, from the final roster.
fn why_unassigned(ctx: &blocks::Ctx, assignment: &[Option<usize>]) -> Vec<UnassignedShift> {
    let (shifts, cal, rules, agents) = (&ctx.schedule.shifts, ctx.cal, ctx.rules, ctx.agents);
    let day_of = blocks::day_of(shifts, assignment, agents.len(), cal.days);
    let month_h = blocks::month_hours(ctx, assignment);
    let months = cal.months();
    let mut out = Vec::new();
    for (s, sh) in shifts.iter().enumerate() {
        if assignment[s].is_some() {
            continue;
        }
        let allowed: Vec<usize> = (0..agents.len())
            .filter(|&a| {
                ctx.skilled[a] && available(&agents[a], sh) && !cal.on_leave(&agents[a], sh)
            })
            .collect();
        let free: Vec<usize> = allowed
            .iter()
            .copied()
            .filter(|&a| day_of[a][sh.day].is_none())
            .collect();
        let mi = months.iter().position(|(r, _)| r.contains(&sh.day));
        let fits = |a: usize| {
            blocks::rest_ok(shifts, rules, cal.days, &day_of[a], sh)
                && blocks::run_ok(rules, cal.days, &day_of[a], sh.day)
                && match (agents[a].monthly_hours, mi) {
                    (Some(c), Some(i)) => month_h[a][i] + sh.paid_hours <= c * months[i].1 + 1e-6,
                    _ => true,
                }
        };
        let reason = if allowed.is_empty() {
            UnassignedReason::NoAgentAvailable
        } else if free.is_empty() {
            UnassignedReason::AgentsBusy
        } else if free.iter().any(|&a| fits(a)) {
            UnassignedReason::SearchStopped
        } else {
            UnassignedReason::HoursOrRest
        };
        out.push(UnassignedShift { shift: s, reason });
    }
    out
}

/// Contracted hours of a block of days: weekly hours × days ÷ 7, less a day's hours (weekly
/// hours ÷ 5) per day of leave, at least 0.
fn contracted(ag: &Agent, cal: &Calendar, days: std::ops::Range<usize>) -> f64 {
    let n = days.len() as f64;
    let leave = cal.leave_days(ag, days) as f64;
    (ag.weekly_hours * n / 7.0 - leave * ag.weekly_hours / 5.0).max(0.0)
}

/// The roster with every soft rule recomputed from the assignment and the per-agent summary.
fn report(
    schedule: &Schedule,
    agents: &[Agent],
    skilled: &[bool],
    assignment: Vec<Option<usize>>,
    status: String,
    cal: &Calendar,
    (fair_weekend, fair_late): (f64, f64),
) -> Roster {
    let shifts = &schedule.shifts;
    let n = agents.len();
    let (mut hours, mut count, mut weekend, mut late, mut on_leave) = (
        vec![0.0; n],
        vec![0usize; n],
        vec![0usize; n],
        vec![0usize; n],
        vec![0usize; n],
    );
    let mut week_hours = vec![vec![0.0; cal.weeks().len()]; n];
    let mut violations = Vec::new();
    for (s, a) in assignment.iter().enumerate() {
        let Some(a) = *a else { continue };
        let sh = &shifts[s];
        hours[a] += sh.paid_hours;
        count[a] += 1;
        week_hours[a][sh.day / 7] += sh.paid_hours;
        weekend[a] += usize::from(is_weekend(sh));
        late[a] += usize::from(is_late(sh));
        on_leave[a] += usize::from(cal.on_leave(&agents[a], sh));
        for p in &agents[a].preferences {
            if !p.satisfied_by(sh, cal.date(sh.day)) {
                violations.push(SoftViolation {
                    agent: agents[a].id.clone(),
                    rule: format!("preference:{}", p.name()),
                    detail: format!(
                        "{} {} {}-{}",
                        schedule.day_labels[sh.day],
                        sh.template,
                        Shift::clock(sh.start_min),
                        Shift::clock(sh.end_min)
                    ),
                });
            }
        }
    }
    let mut summary = Vec::new();
    for (a, ag) in agents.iter().enumerate() {
        if !skilled[a] {
            continue;
        }
        let weeks = cal.weeks();
        for (w, week) in weeks.iter().enumerate() {
            let target = contracted(ag, cal, week.clone());
            if (week_hours[a][w] - target).abs() > 1e-6 {
                let when = if weeks.len() == 1 {
                    String::new()
                } else {
                    format!(
                        "days {}–{}: ",
                        schedule.day_labels[week.start],
                        schedule.day_labels[week.end - 1]
                    )
                };
                violations.push(SoftViolation {
                    agent: ag.id.clone(),
                    rule: "contracted_hours".into(),
                    detail: format!(
                        "{when}{:.2} paid hours vs {:.2} contracted ({:+.2})",
                        week_hours[a][w],
                        target,
                        week_hours[a][w] - target
                    ),
                });
            }
        }
        if weekend[a] as f64 > fair_weekend {
            violations.push(SoftViolation {
                agent: ag.id.clone(),
                rule: "fair_weekends".into(),
                detail: format!(
                    "{} weekend shifts vs a fair share of {fair_weekend}",
                    weekend[a]
                ),
            });
        }
        if late[a] as f64 > fair_late {
            violations.push(SoftViolation {
                agent: ag.id.clone(),
                rule: "fair_late".into(),
                detail: format!(
                    "{} late shifts (ending after 20:00) vs a fair share of {fair_late}",
                    late[a]
                ),
            });
        }
        let vacation = (0..cal.days)
            .filter(|&d| cal.date(d).and_then(|x| ag.leave_on(x)) == Some("vacation"))
            .count();
        if let Some(allot) = ag.vacation_days.filter(|v| vacation as f64 > *v + 1e-9) {
            violations.push(SoftViolation {
                agent: ag.id.clone(),
                rule: "vacation_allotment".into(),
                detail: format!("{vacation} vacation days approved vs an allotment of {allot}"),
            });
        }
        summary.push(AgentSummary {
            agent: ag.id.clone(),
            shifts: count[a],
            paid_hours: hours[a],
            contracted_hours: cal
                .weeks()
                .into_iter()
                .map(|w| contracted(ag, cal, w))
                .sum(),
            monthly_cap_hours: ag
                .monthly_hours
                .map(|c| cal.months().iter().map(|(_, share)| c * share).sum()),
            leave_days: cal.leave_days(ag, 0..cal.days),
            vacation_days: vacation,
            vacation_allotment: ag.vacation_days,
            weekend_shifts: weekend[a],
            late_shifts: late[a],
            shifts_on_leave: on_leave[a],
        });
    }
    violations.sort_by(|a, b| (&a.agent, &a.rule, &a.detail).cmp(&(&b.agent, &b.rule, &b.detail)));
    Roster {
        assignment,
        agents: agents.iter().map(|a| a.id.clone()).collect(),
        hours,
        violations,
        unskilled: agents
            .iter()
            .zip(skilled)
            .filter(|(_, s)| !**s)
            .map(|(a, _)| a.id.clone())
            .collect(),
        status,
        status_detail: String::new(),
        blocks: Vec::new(),
        unassigned_why: Vec::new(),
        summary,
        start: cal.start,
    }
}
