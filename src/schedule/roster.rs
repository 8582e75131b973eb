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
//! per agent. Solved with the same MIP back ends.

use std::path::Path;
use std::time::Duration;

use super::lp::{Backend, Limits, Lp, LpKind, Stop};
use super::rules::DAY_NAMES;
use super::{Schedule, ScheduleError, Shift};
use crate::table::{Cell, CsvInput, Table};
use crate::time::{Datelike, NaiveDate};

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

/// The most hours an agent can work in a week (the domain of `weekly_hours`).
const HOURS_PER_WEEK: f64 = 168.0;

fn day_index(text: &str) -> Option<usize> {
    DAY_NAMES
        .iter()
        .position(|n| n.eq_ignore_ascii_case(text.get(..3).unwrap_or(text)))
}

/// The `availability` column: `any` (or empty), or `;`-separated windows like
/// `Mon-Fri 07:00-19:00`; a window past midnight ends the next day. `Err` is the reason.
fn parse_availability(av: &str) -> Result<[Vec<(u32, u32)>; 7], &'static str> {
    let mut availability: [Vec<(u32, u32)>; 7] = Default::default();
    if av.is_empty() || av.eq_ignore_ascii_case("any") {
        for w in availability.iter_mut() {
            w.push((0, 2880));
        }
        return Ok(availability);
    }
    let msg = "expected `any` or windows like `Mon-Fri 07:00-19:00; Sat 08:00-14:00`";
    for part in av.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (days, times) = part.split_once(' ').ok_or(msg)?;
        let (d0, d1) = match days.split_once('-') {
            Some((a, b)) => (day_index(a), day_index(b)),
            None => (day_index(days), day_index(days)),
        };
        let (Some(d0), Some(d1)) = (d0, d1) else {
            return Err(msg);
        };
        let (t0, t1) = times.trim().split_once('-').ok_or(msg)?;
        if !t0.contains(':') || !t1.contains(':') {
            return Err(msg);
        }
        let (Some(t0), Some(mut t1)) = (
            super::rules::parse_minutes(t0),
            super::rules::parse_minutes(t1),
        ) else {
            return Err(msg);
        };
        if t0 >= 1440 || t1 > 1440 {
            // `25:00-21:00` read as a window ending the next evening, never reached.
            return Err(
                "clock times must lie in 00:00–24:00 (a window past midnight is written `22:00-06:00`)",
            );
        }
        if t1 <= t0 {
            t1 += 1440;
        }
        let mut d = d0;
        loop {
            availability[d].push((t0, t1));
            if d == d1 {
                break;
            }
            d = (d + 1) % 7;
        }
    }
    Ok(availability)
}

/// Reads the agents CSV (module docs).
///
/// # Errors
/// [`ScheduleError::Table`] for missing columns or unreadable files; [`ScheduleError::BadAgent`]
/// naming the line and column of a bad value.
pub fn read_agents(path: &Path) -> Result<Vec<Agent>, ScheduleError> {
    let csv = CsvInput::read(path)?;
    let cols = csv.require(&[
        "id",
        "weekly_hours",
        "availability",
        "skills",
        "preferences",
    ])?;
    let bad = |r: usize, c: usize, reason: &str| ScheduleError::BadAgent {
        at: csv.location(r, c),
        value: csv.text(r, c).to_string(),
        reason: reason.to_string(),
    };
    let (c_month, c_vac, c_unav) = (
        csv.column("monthly_hours"),
        csv.column("vacation_days"),
        csv.column("unavailable"),
    );
    let mut out: Vec<Agent> = Vec::new();
    for r in 0..csv.len() {
        let id = csv.non_empty(r, cols[0])?.to_string();
        if out.iter().any(|a| a.id == id) {
            return Err(bad(r, cols[0], "duplicate agent id"));
        }
        let weekly_hours = csv.non_negative(r, cols[1])?;
        if weekly_hours > HOURS_PER_WEEK {
            // 1e308 hours reached the MIP solver, which aborted (exit 134, no file or line).
            return Err(bad(r, cols[1], "expected weekly hours in [0, 168]"));
        }
        let availability =
            parse_availability(csv.text(r, cols[2])).map_err(|msg| bad(r, cols[2], msg))?;
        let sk = csv.text(r, cols[3]);
        let skills = if sk.is_empty() || sk.eq_ignore_ascii_case("any") {
            Vec::new()
        } else {
            sk.split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let mut preferences = Vec::new();
        for p in csv
            .text(r, cols[4])
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let pref = match p {
                "early" => Preference::Early,
                "late" => Preference::Late,
                "no_late" => Preference::NoLate,
                _ => match p.split_once(':') {
                    Some(("off", d)) => match crate::time::parse_date(d) {
                        Some(date) => Preference::DateOff(date),
                        None => Preference::DayOff(day_index(d).ok_or_else(|| {
                            bad(
                                r,
                                cols[4],
                                "unknown day in `off:DAY` (use Sun…Sat or a date YYYY-MM-DD)",
                            )
                        })?),
                    },
                    Some(("template", t)) => Preference::Template(t.to_string()),
                    _ => {
                        return Err(bad(
                            r,
                            cols[4],
                            "expected early, late, no_late, off:DAY or template:NAME",
                        ))
                    }
                },
            };
            preferences.push(pref);
        }
        let leave = match c_unav {
            Some(c) => unavailable(csv.text(r, c), &id).ok_or_else(|| {
                bad(
                    r,
                    c,
                    "expected dates or ranges like `1999-02-09; 1999-02-14..1999-02-16`",
                )
            })?,
            None => Vec::new(),
        };
        out.push(Agent {
            monthly_hours: c_month
                .map(|c| csv.opt_non_negative(r, c))
                .transpose()?
                .flatten(),
            vacation_days: c_vac
                .map(|c| csv.opt_non_negative(r, c))
                .transpose()?
                .flatten(),
            leave,
            id,
            weekly_hours,
            availability,
            skills,
            preferences,
        });
    }
    Ok(out)
}

/// The `unavailable` column: `;`-separated dates and `from..to` ranges (`None` when malformed).
fn unavailable(text: &str, agent: &str) -> Option<Vec<Leave>> {
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once("..").unwrap_or((part, part));
        let from = crate::time::parse_date(a.trim())?;
        let to = crate::time::parse_date(b.trim())?;
        if to < from {
            return None;
        }
        out.push(Leave {
            agent: agent.to_string(),
            from,
            to,
            kind: "unavailable".into(),
        });
    }
    Some(out)
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
    /// Solver status (`optimal`, `time_limit`, …).
    pub status: String,
    /// Per agent: shifts, hours against contract and cap, leave, weekends and lates.
    pub summary: Vec<AgentSummary>,
    /// The date of day 0, when the plan is dated.
    pub start: Option<NaiveDate>,
}

impl Roster {
    /// `agent,date,start,end,template,paid_hours,breaks` (`day` instead of `date` for an undated
    /// week; unassigned shifts have agent `UNASSIGNED`).
    pub fn table(&self, schedule: &Schedule) -> Table {
        let mut t = Table::new([
            "agent",
            if self.start.is_some() { "date" } else { "day" },
            "start",
            "end",
            "template",
            "paid_hours",
            "breaks",
        ]);
        for (agent, i) in self.rows(schedule) {
            let s = &schedule.shifts[i];
            t.push(vec![
                Cell::text(agent),
                Cell::text(schedule.day_labels[s.day].clone()),
                Cell::text(Shift::clock(s.start_min)),
                Cell::text(Shift::clock(s.end_min)),
                Cell::text(s.template.clone()),
                Cell::Float(s.paid_hours, 2),
                Cell::text(s.breaks_text()),
            ]);
        }
        t
    }

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

    /// `agent,rule,detail` for every violated soft rule.
    pub fn violations_table(&self) -> Table {
        let mut t = Table::new(["agent", "rule", "detail"]);
        for v in &self.violations {
            t.push(vec![
                Cell::text(v.agent.clone()),
                Cell::text(v.rule.clone()),
                Cell::text(v.detail.clone()),
            ]);
        }
        t
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

/// The deviation columns of one agent's contracted-hours row of a 7-day block: (dev⁺, dev⁻,
/// day range, target hours).
type WeekRow = (usize, usize, std::ops::Range<usize>, f64);

/// The roster MIP: `y[a][s]` columns and the hard and soft rows, with the columns a warm
/// start must set.
struct Model {
    lp: Lp,
    y: Vec<Vec<Option<usize>>>,
    fair_weekend: f64,
    fair_late: f64,
    /// Unassigned indicator per shift.
    unassigned: Vec<usize>,
    /// Per agent: (dev⁺, dev⁻, day range, target) of every 7-day block.
    weeks: Vec<Vec<WeekRow>>,
    /// Per agent: (slack, weekend?, fair share) of the fairness rows.
    fairness: Vec<Vec<(usize, bool, f64)>>,
}

/// The largest roster MIP (rows + columns) handed to a MIP engine; a larger one is rostered by
/// the greedy assignment alone (every hard rule holds), its status says so.
pub const MAX_MIP_SIZE: usize = 200_000;

/// Assigns the shifts of `schedule` to `agents` within `time_limit` (wall clock of the whole
/// stage).
///
/// # Errors
/// [`ScheduleError::BadRequirement`] when the schedule has no day labels (empty horizon).
pub fn assign(
    schedule: &Schedule,
    agents: &[Agent],
    queues: &[String],
    rules: &RosterRules,
    backend: Backend,
    time_limit: Duration,
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
    let mut m = columns(schedule, agents, &skilled, &cal);
    for a in 0..agents.len() {
        if skilled[a] {
            agent_rows(&mut m, schedule, &agents[a], a, rules, &cal);
        }
    }
    let greedy = greedy(schedule, agents, rules, &cal, &m);
    // The limit is the stage's wall clock: building the model and the greedy roster count, and a
    // model beyond what the MIP engines load in a few seconds is not handed to them (3,000
    // agents ran 51 s under a 5-s limit), the greedy roster is returned instead.
    // Under a second left is treated as none: CBC 2.10 crashed (SIGSEGV) when started with a
    // sub-second limit and a warm start (the same guard as the schedule's MIP stage).
    let left = time_limit.saturating_sub(started.elapsed());
    let size = m.lp.rows.len() + m.lp.cols.len();
    if left < std::time::Duration::from_secs(1) || size > MAX_MIP_SIZE {
        let why = if left < std::time::Duration::from_secs(1) {
            "under a second of the time limit was left after building the model".to_string()
        } else {
            format!("{size} rows + columns, above the MIP limit of {MAX_MIP_SIZE}")
        };
        return Ok(report(
            schedule,
            agents,
            &skilled,
            greedy,
            format!("greedy ({why})"),
            &cal,
            (m.fair_weekend, m.fair_late),
        ));
    }
    let limits = Limits {
        nodes: None,
        time: Some(left),
    };
    let warm = warm_start(schedule, &m, &greedy);
    let res = m.lp.solve(false, backend, limits, 0.0, Some(&warm));
    let mut assignment = vec![None; schedule.shifts.len()];
    let status = if res.has_incumbent {
        for (a, row) in m.y.iter().enumerate() {
            for (s, c) in row.iter().enumerate() {
                if c.is_some_and(|c| res.values[c] > 0.5) {
                    assignment[s] = Some(a);
                }
            }
        }
        match res.kind {
            LpKind::Optimal => "optimal".to_string(),
            LpKind::Stopped(Stop::Time) => "time_limit".to_string(),
            LpKind::Stopped(Stop::Nodes) => "node_limit".to_string(),
            ref k => format!("{k:?}"),
        }
    } else {
        // No incumbent within the limit: the greedy roster (every hard rule holds).
        assignment = greedy;
        format!("greedy (the MIP found no roster: {:?})", res.kind)
    };
    Ok(report(
        schedule,
        agents,
        &skilled,
        assignment,
        status,
        &cal,
        (m.fair_weekend, m.fair_late),
    ))
}

/// The `y` columns (an agent may work a shift: skilled, available, not on leave), each shift's
/// at-most-once row with its unassigned penalty, and the fair shares.
fn columns(schedule: &Schedule, agents: &[Agent], skilled: &[bool], cal: &Calendar) -> Model {
    let shifts = &schedule.shifts;
    let mut lp = Lp::default();
    let mut y: Vec<Vec<Option<usize>>> = vec![vec![None; shifts.len()]; agents.len()];
    for (a, ag) in agents.iter().enumerate() {
        if !skilled[a] {
            continue;
        }
        for (s, sh) in shifts.iter().enumerate() {
            if available(ag, sh) && !cal.on_leave(ag, sh) {
                let date = cal.date(sh.day);
                let pen = 2.0
                    * ag.preferences
                        .iter()
                        .filter(|p| !p.satisfied_by(sh, date))
                        .count() as f64;
                y[a][s] = Some(lp.add_col(0.0, 1.0, true, pen));
            }
        }
    }
    let mut unassigned = Vec::with_capacity(shifts.len());
    for s in 0..shifts.len() {
        let u = lp.add_col(0.0, 1.0, false, 1000.0);
        unassigned.push(u);
        let mut row: Vec<(usize, f64)> = y
            .iter()
            .filter_map(|per_shift| per_shift[s].map(|c| (c, 1.0)))
            .collect();
        row.push((u, 1.0));
        lp.add_row(row, 1.0, 1.0);
    }
    let n_weekend = shifts.iter().filter(|s| is_weekend(s)).count() as f64;
    let n_late = shifts.iter().filter(|s| is_late(s)).count() as f64;
    let n_active = skilled.iter().filter(|s| **s).count().max(1) as f64;
    Model {
        lp,
        y,
        fair_weekend: (n_weekend / n_active).ceil(),
        fair_late: (n_late / n_active).ceil(),
        unassigned,
        weeks: vec![Vec::new(); agents.len()],
        fairness: vec![Vec::new(); agents.len()],
    }
}

/// Contracted hours of a block of days: weekly hours × days ÷ 7, less a day's hours (weekly
/// hours ÷ 5) per day of leave, at least 0.
fn contracted(ag: &Agent, cal: &Calendar, days: std::ops::Range<usize>) -> f64 {
    let n = days.len() as f64;
    let leave = cal.leave_days(ag, days) as f64;
    (ag.weekly_hours * n / 7.0 - leave * ag.weekly_hours / 5.0).max(0.0)
}

/// One agent's rows: a shift a day, rest, consecutive days, contracted hours per week (soft),
/// the monthly cap (hard), fairness (soft).
fn agent_rows(
    m: &mut Model,
    schedule: &Schedule,
    ag: &Agent,
    a: usize,
    rules: &RosterRules,
    cal: &Calendar,
) {
    let shifts = &schedule.shifts;
    let days = cal.days;
    let y = &m.y[a];
    let lp = &mut m.lp;
    let by_day: Vec<Vec<usize>> = (0..days)
        .map(|d| (0..shifts.len()).filter(|&s| shifts[s].day == d).collect())
        .collect();
    let mut work_day: Vec<Vec<(usize, f64)>> = vec![Vec::new(); days];
    for (d, list) in by_day.iter().enumerate() {
        work_day[d] = list
            .iter()
            .filter_map(|&s| y[s].map(|c| (c, 1.0)))
            .collect();
        if work_day[d].len() > 1 {
            lp.add_row(work_day[d].clone(), f64::NEG_INFINITY, 1.0);
        }
    }
    // rest between consecutive days
    let horizon = days as u32 * 1440;
    for d in 0..days {
        let (nd, shift_add) = if d + 1 < days {
            (d + 1, 0)
        } else if rules.week_wraps {
            (0, horizon)
        } else {
            continue;
        };
        for &s in &by_day[d] {
            let Some(cs) = y[s] else { continue };
            let mut row = vec![(cs, 1.0)];
            for &s2 in &by_day[nd] {
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
    // max consecutive days
    let k = rules.max_consecutive_days;
    if k < days {
        let windows = if rules.week_wraps { days } else { days - k };
        for w0 in 0..windows {
            let row: Vec<(usize, f64)> = (0..=k)
                .flat_map(|i| work_day[(w0 + i) % days].iter().copied())
                .collect();
            lp.add_row(row, f64::NEG_INFINITY, k as f64);
        }
    }
    let hours_in = |range: &std::ops::Range<usize>| -> Vec<(usize, f64)> {
        (0..shifts.len())
            .filter(|&s| range.contains(&shifts[s].day))
            .filter_map(|s| y[s].map(|c| (c, shifts[s].paid_hours)))
            .collect()
    };
    // contracted hours per 7-day block: h − dev⁺ + dev⁻ = contracted
    for week in cal.weeks() {
        let target = contracted(ag, cal, week.clone());
        let plus = lp.add_col(0.0, f64::INFINITY, false, 1.0);
        let minus = lp.add_col(0.0, f64::INFINITY, false, 1.0);
        let mut row = hours_in(&week);
        row.push((plus, -1.0));
        row.push((minus, 1.0));
        lp.add_row(row, target, target);
        m.weeks[a].push((plus, minus, week, target));
    }
    // monthly cap, pro rata for a month the horizon covers in part
    if let Some(cap) = ag.monthly_hours {
        for (range, share) in cal.months() {
            let row = hours_in(&range);
            if !row.is_empty() {
                lp.add_row(row, f64::NEG_INFINITY, cap * share + 1e-6);
            }
        }
    }
    // fairness: weekend and late shifts above the fair share
    for (weekend, fair) in [(true, m.fair_weekend), (false, m.fair_late)] {
        let pred = if weekend { is_weekend } else { is_late };
        let mut row: Vec<(usize, f64)> = (0..shifts.len())
            .filter(|&s| pred(&shifts[s]))
            .filter_map(|s| y[s].map(|c| (c, 1.0)))
            .collect();
        if row.is_empty() {
            continue;
        }
        let slack = lp.add_col(0.0, f64::INFINITY, false, 3.0);
        row.push((slack, -1.0));
        lp.add_row(row, f64::NEG_INFINITY, fair);
        m.fairness[a].push((slack, weekend, fair));
    }
}

/// A roster by hand: shifts in time order, each to the allowed agent with the most contracted
/// hours left in that week (fewest preferences broken first), keeping every hard rule (a shift
/// a day, rest, consecutive days, monthly cap). The MIP's warm start, and its fallback.
fn greedy(
    schedule: &Schedule,
    agents: &[Agent],
    rules: &RosterRules,
    cal: &Calendar,
    m: &Model,
) -> Vec<Option<usize>> {
    let shifts = &schedule.shifts;
    let days = cal.days;
    let mut order: Vec<usize> = (0..shifts.len()).collect();
    order.sort_by_key(|&s| (shifts[s].start_min, s));
    let mut day_of: Vec<Vec<Option<usize>>> = vec![vec![None; days]; agents.len()];
    let mut week_h = vec![vec![0.0; cal.weeks().len()]; agents.len()];
    let months = cal.months();
    let mut month_h = vec![vec![0.0; months.len()]; agents.len()];
    let mut out = vec![None; shifts.len()];
    let horizon = days as u32 * 1440;
    let rest_ok = |a: usize, sh: &Shift, day_of: &Vec<Vec<Option<usize>>>| {
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
            day_of[a][d]
                .is_none_or(|p| shifts[p].end_min + rules.min_rest_min <= sh.start_min + add)
        }) && after.is_none_or(|(d, add)| {
            day_of[a][d]
                .is_none_or(|n| sh.end_min + rules.min_rest_min <= shifts[n].start_min + add)
        })
    };
    let run_ok = |a: usize, d: usize, day_of: &Vec<Vec<Option<usize>>>| {
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
            x == d || day_of[a][x].is_some()
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
    };
    for s in order {
        let sh = &shifts[s];
        let w = sh.day / 7;
        let mi = months.iter().position(|(r, _)| r.contains(&sh.day));
        let date = cal.date(sh.day);
        let best = (0..agents.len())
            .filter(|&a| m.y[a][s].is_some() && day_of[a][sh.day].is_none())
            .filter(|&a| rest_ok(a, sh, &day_of) && run_ok(a, sh.day, &day_of))
            .filter(|&a| {
                let cap = agents[a].monthly_hours;
                match (cap, mi) {
                    (Some(c), Some(i)) => month_h[a][i] + sh.paid_hours <= c * months[i].1 + 1e-6,
                    _ => true,
                }
            })
            .map(|a| {
                let left = contracted(&agents[a], cal, cal.weeks()[w].clone()) - week_h[a][w];
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

/// Every column's value for an assignment (the solver checks it before using it).
fn warm_start(schedule: &Schedule, m: &Model, assignment: &[Option<usize>]) -> Vec<f64> {
    let shifts = &schedule.shifts;
    let mut x = vec![0.0; m.lp.cols.len()];
    for (s, a) in assignment.iter().enumerate() {
        match a {
            Some(a) => x[m.y[*a][s].expect("an allowed column")] = 1.0,
            None => x[m.unassigned[s]] = 1.0,
        }
    }
    for (a, weeks) in m.weeks.iter().enumerate() {
        let mine = |pred: &dyn Fn(&Shift) -> bool| -> Vec<&Shift> {
            assignment
                .iter()
                .enumerate()
                .filter(|(s, x)| **x == Some(a) && pred(&shifts[*s]))
                .map(|(s, _)| &shifts[s])
                .collect()
        };
        for (plus, minus, range, target) in weeks {
            let h: f64 = mine(&|sh| range.contains(&sh.day))
                .iter()
                .map(|sh| sh.paid_hours)
                .sum();
            x[*plus] = (h - target).max(0.0);
            x[*minus] = (target - h).max(0.0);
        }
        for (slack, weekend, fair) in &m.fairness[a] {
            let pred: fn(&Shift) -> bool = if *weekend { is_weekend } else { is_late };
            x[*slack] = (mine(&pred).len() as f64 - fair).max(0.0);
        }
    }
    x
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
        summary,
        start: cal.start,
    }
}
