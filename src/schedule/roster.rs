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
//!   `no_late` (end by 20:00), `off:Sat` (a day off), `template:NAME`.
//!
//! # Model
//! Binary `y_{a,s}` = agent `a` works shift `s`. Hard: `Σ_a y_{a,s} ≤ 1`; one shift per agent
//! and day; rest `y_{a,s} + Σ_{s' next day, s' starts before end(s) + R} y_{a,s'} ≤ 1`; at most
//! `K` working days in any `K + 1` consecutive days. Objective (minimise): 1000 × unassigned
//! shifts + |paid hours − contracted| + 2 × shifts against a preference + 3 × (weekend and late
//! shifts above the fair share ⌈average⌉ + 0) per agent. Solved with the same MIP back ends.

use std::path::Path;
use std::time::Duration;

use super::lp::{Backend, Limits, Lp, LpKind, Stop};
use super::rules::DAY_NAMES;
use super::{Schedule, ScheduleError, Shift};
use crate::table::{Cell, CsvInput, Table};

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
            Preference::Template(t) => format!("template:{t}"),
        }
    }
    fn satisfied_by(&self, s: &Shift) -> bool {
        let start = s.start_min % 1440;
        match self {
            Preference::Early => start < 600,
            Preference::Late => start >= 720,
            Preference::NoLate => s.end_min - (s.start_min - start) <= 1200,
            Preference::DayOff(d) => s.weekday != *d,
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
        let mut availability: [Vec<(u32, u32)>; 7] = Default::default();
        let av = csv.text(r, cols[2]);
        if av.is_empty() || av.eq_ignore_ascii_case("any") {
            for w in availability.iter_mut() {
                w.push((0, 2880));
            }
        } else {
            for part in av.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let msg = "expected `any` or windows like `Mon-Fri 07:00-19:00; Sat 08:00-14:00`";
                let (days, times) = part.split_once(' ').ok_or_else(|| bad(r, cols[2], msg))?;
                let (d0, d1) = match days.split_once('-') {
                    Some((a, b)) => (day_index(a), day_index(b)),
                    None => (day_index(days), day_index(days)),
                };
                let (Some(d0), Some(d1)) = (d0, d1) else {
                    return Err(bad(r, cols[2], msg));
                };
                let (t0, t1) = times
                    .trim()
                    .split_once('-')
                    .ok_or_else(|| bad(r, cols[2], msg))?;
                if !t0.contains(':') || !t1.contains(':') {
                    return Err(bad(r, cols[2], msg));
                }
                let (Some(t0), Some(mut t1)) = (
                    super::rules::parse_minutes(t0),
                    super::rules::parse_minutes(t1),
                ) else {
                    return Err(bad(r, cols[2], msg));
                };
                if t0 >= 1440 || t1 > 1440 {
                    // `25:00-21:00` read as a window ending the next evening, never reached.
                    return Err(bad(
                        r,
                        cols[2],
                        "clock times must lie in 00:00–24:00 (a window past midnight is written `22:00-06:00`)",
                    ));
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
        }
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
                    Some(("off", d)) => Preference::DayOff(day_index(d).ok_or_else(|| {
                        bad(r, cols[4], "unknown day in `off:DAY` (use Sun…Sat)")
                    })?),
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
        out.push(Agent {
            id,
            weekly_hours,
            availability,
            skills,
            preferences,
        });
    }
    Ok(out)
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
}

impl Default for RosterRules {
    fn default() -> Self {
        RosterRules {
            min_rest_min: 660,
            max_consecutive_days: 6,
            week_wraps: true,
        }
    }
}

/// One violated soft rule.
#[derive(Debug, Clone, PartialEq)]
pub struct SoftViolation {
    /// Agent id.
    pub agent: String,
    /// Rule (`contracted_hours`, `preference:early`, `fair_weekends`, `fair_late`).
    pub rule: String,
    /// What happened.
    pub detail: String,
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
}

impl Roster {
    /// `agent,day,start,end,template,paid_hours,breaks` (unassigned shifts have agent `UNASSIGNED`).
    pub fn table(&self, schedule: &Schedule) -> Table {
        let mut t = Table::new([
            "agent",
            "day",
            "start",
            "end",
            "template",
            "paid_hours",
            "breaks",
        ]);
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
        for (agent, _, _, i) in rows {
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

/// Assigns the shifts of `schedule` to `agents`.
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
    let days = schedule.day_labels.len();
    if days == 0 {
        return Err(ScheduleError::BadRequirement {
            reason: "empty horizon".into(),
        });
    }
    let shifts = &schedule.shifts;
    // A requirement without a queue column pools one unnamed queue: every agent may work it.
    let named = queues.iter().any(|q| !q.is_empty());
    let skilled =
        |a: &Agent| a.skills.is_empty() || !named || a.skills.iter().any(|s| queues.contains(s));
    let unskilled: Vec<String> = agents
        .iter()
        .filter(|a| !skilled(a))
        .map(|a| a.id.clone())
        .collect();
    let mut lp = Lp::default();
    // y columns
    let mut y: Vec<Vec<Option<usize>>> = vec![vec![None; shifts.len()]; agents.len()];
    for (a, ag) in agents.iter().enumerate() {
        if !skilled(ag) {
            continue;
        }
        for (s, sh) in shifts.iter().enumerate() {
            if available(ag, sh) {
                let pen = 2.0
                    * ag.preferences
                        .iter()
                        .filter(|p| !p.satisfied_by(sh))
                        .count() as f64;
                y[a][s] = Some(lp.add_col(0.0, 1.0, true, pen));
            }
        }
    }
    // each shift at most once; unassigned penalised
    for s in 0..shifts.len() {
        let u = lp.add_col(0.0, 1.0, false, 1000.0);
        let mut row: Vec<(usize, f64)> = y
            .iter()
            .filter_map(|per_shift| per_shift[s].map(|c| (c, 1.0)))
            .collect();
        row.push((u, 1.0));
        lp.add_row(row, 1.0, 1.0);
    }
    let by_day: Vec<Vec<usize>> = (0..days)
        .map(|d| (0..shifts.len()).filter(|&s| shifts[s].day == d).collect())
        .collect();
    let n_weekend = shifts.iter().filter(|s| is_weekend(s)).count() as f64;
    let n_late = shifts.iter().filter(|s| is_late(s)).count() as f64;
    let n_active = agents.iter().filter(|a| skilled(a)).count().max(1) as f64;
    let fair_weekend = (n_weekend / n_active).ceil();
    let fair_late = (n_late / n_active).ceil();
    let horizon = days as u32 * 1440;
    for (a, ag) in agents.iter().enumerate() {
        if !skilled(ag) {
            continue;
        }
        // one shift a day
        let mut work_day: Vec<Vec<(usize, f64)>> = vec![Vec::new(); days];
        for (d, list) in by_day.iter().enumerate() {
            work_day[d] = list
                .iter()
                .filter_map(|&s| y[a][s].map(|c| (c, 1.0)))
                .collect();
            if work_day[d].len() > 1 {
                lp.add_row(work_day[d].clone(), f64::NEG_INFINITY, 1.0);
            }
        }
        // rest between consecutive days
        for d in 0..days {
            let nd = d + 1;
            let (nd, shift_add) = if nd < days {
                (nd, 0)
            } else if rules.week_wraps {
                (0, horizon)
            } else {
                continue;
            };
            for &s in &by_day[d] {
                let Some(cs) = y[a][s] else { continue };
                let mut row = vec![(cs, 1.0)];
                for &s2 in &by_day[nd] {
                    if let Some(c2) = y[a][s2] {
                        if shifts[s].end_min + rules.min_rest_min > shifts[s2].start_min + shift_add
                        {
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
        // contracted hours: h − dev⁺ + dev⁻ = contracted
        let plus = lp.add_col(0.0, f64::INFINITY, false, 1.0);
        let minus = lp.add_col(0.0, f64::INFINITY, false, 1.0);
        let mut row: Vec<(usize, f64)> = (0..shifts.len())
            .filter_map(|s| y[a][s].map(|c| (c, shifts[s].paid_hours)))
            .collect();
        row.push((plus, -1.0));
        row.push((minus, 1.0));
        lp.add_row(row, ag.weekly_hours, ag.weekly_hours);
        // fairness: weekend and late shifts above the fair share
        for (pred, fair) in [
            (is_weekend as fn(&Shift) -> bool, fair_weekend),
            (is_late, fair_late),
        ] {
            let slack = lp.add_col(0.0, f64::INFINITY, false, 3.0);
            let mut row: Vec<(usize, f64)> = (0..shifts.len())
                .filter(|&s| pred(&shifts[s]))
                .filter_map(|s| y[a][s].map(|c| (c, 1.0)))
                .collect();
            if row.is_empty() {
                continue;
            }
            row.push((slack, -1.0));
            lp.add_row(row, f64::NEG_INFINITY, fair);
        }
    }
    let limits = Limits {
        nodes: None,
        time: Some(time_limit),
    };
    let res = lp.solve(false, backend, limits, 0.0, None);
    let status = match res.kind {
        LpKind::Optimal => "optimal".to_string(),
        LpKind::Stopped(Stop::Time) if res.has_incumbent => "time_limit".to_string(),
        LpKind::Stopped(Stop::Nodes) if res.has_incumbent => "node_limit".to_string(),
        ref k => format!("failed: {k:?}"),
    };
    let mut assignment = vec![None; shifts.len()];
    if res.has_incumbent {
        for (a, row) in y.iter().enumerate() {
            for (s, c) in row.iter().enumerate() {
                if let Some(c) = c {
                    if res.values[*c] > 0.5 {
                        assignment[s] = Some(a);
                    }
                }
            }
        }
    }
    // soft-rule report, recomputed from the assignment
    let mut hours = vec![0.0; agents.len()];
    let mut weekend = vec![0usize; agents.len()];
    let mut late = vec![0usize; agents.len()];
    let mut violations = Vec::new();
    for (s, a) in assignment.iter().enumerate() {
        let Some(a) = *a else { continue };
        let sh = &shifts[s];
        hours[a] += sh.paid_hours;
        weekend[a] += usize::from(is_weekend(sh));
        late[a] += usize::from(is_late(sh));
        for p in &agents[a].preferences {
            if !p.satisfied_by(sh) {
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
    for (a, ag) in agents.iter().enumerate() {
        if !skilled(ag) {
            continue;
        }
        if (hours[a] - ag.weekly_hours).abs() > 1e-9 {
            violations.push(SoftViolation {
                agent: ag.id.clone(),
                rule: "contracted_hours".into(),
                detail: format!(
                    "{:.2} paid hours vs {:.2} contracted ({:+.2})",
                    hours[a],
                    ag.weekly_hours,
                    hours[a] - ag.weekly_hours
                ),
            });
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
    }
    violations.sort_by(|a, b| (&a.agent, &a.rule, &a.detail).cmp(&(&b.agent, &b.rule, &b.detail)));
    Ok(Roster {
        assignment,
        agents: agents.iter().map(|a| a.id.clone()).collect(),
        hours,
        violations,
        unskilled,
        status,
    })
}
