//! The roster's files: the agents CSV (`id,weekly_hours,availability,skills,preferences`
//! and the optional `monthly_hours,vacation_days,unavailable`; see [`crate::schedule::roster`]),
//! and the roster's and the weekly tours' output tables.

use std::path::Path;

use crate::schedule::roster::{Agent, Leave, Preference, Roster};
use crate::schedule::rules::DAY_NAMES;
use crate::schedule::tours::TourPlan;
use crate::schedule::{Schedule, ScheduleError, Shift};
use crate::table::{Cell, CsvInput, Table};

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
            crate::schedule::rules::parse_minutes(t0),
            crate::schedule::rules::parse_minutes(t1),
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
    // A set, not a scan of the agents so far: 3,000 agents made 4.5 M comparisons.
    let mut ids = std::collections::HashSet::new();
    for r in 0..csv.len() {
        let id = csv.non_empty(r, cols[0])?.to_string();
        if !ids.insert(id.clone()) {
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
}

impl TourPlan {
    /// `employee, pattern, <day labels…>, paid_hours`.
    pub fn tours_table(&self) -> Table {
        let mut cols = vec!["employee".to_string(), "pattern".to_string()];
        cols.extend(self.schedule.day_labels.iter().cloned());
        cols.push("paid_hours".into());
        let mut t = Table::new(cols);
        for tour in &self.tours {
            let mut row = vec![
                Cell::Int(tour.employee as i64),
                Cell::text(tour.pattern.clone()),
            ];
            for d in 0..7 {
                row.push(match tour.shifts[d] {
                    Some(i) => {
                        let s = &self.schedule.shifts[i];
                        Cell::text(format!(
                            "{} {}-{}",
                            s.template,
                            Shift::clock(s.start_min),
                            Shift::clock(s.end_min)
                        ))
                    }
                    None => Cell::text("off"),
                });
            }
            row.push(Cell::Float(tour.paid_hours, 2));
            t.push(row);
        }
        t
    }
}
