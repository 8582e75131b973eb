//! Reading the schedule's staffing requirement (`wfm schedule --requirement`): the `wfm staff`
//! output (`interval_start,queue,agents[,agents_scheduled,load_erlangs,aht_seconds]`) or the
//! anchor's `day,slot,required[,offered_erlangs,aht_seconds]`; see
//! [`crate::schedule::requirement`] for what each shape means. Every bad value names file, line
//! and column.

use std::path::Path;

use crate::io::schema;
use crate::model::{infer_interval, LocalStamp, Stamp};
use crate::schedule::requirement::{Basis, Horizon, MAX_REQUIRED};
use crate::schedule::{Requirement, ScheduleError};
use crate::table::CsvInput;
use crate::time::weekday_sun0;
use crate::units::IntervalLength;

/// `csv`'s agents column value at row `r`, checked against [`MAX_REQUIRED`].
fn agents_at(csv: &CsvInput, r: usize, c: usize) -> Result<f64, ScheduleError> {
    let v = csv.non_negative(r, c)?;
    if v > MAX_REQUIRED {
        return Err(ScheduleError::Table(crate::table::TableError::BadValue {
            at: csv.location(r, c),
            value: crate::units::Shown(v).to_string(),
            reason: "expected agents in [0, 1e6]".into(),
        }));
    }
    Ok(v)
}

impl Requirement {
    /// Reads a requirement CSV in either shape (see the module docs).
    ///
    /// # Errors
    /// [`ScheduleError::Table`] for unreadable files, missing columns or bad values (with file,
    /// line and column); [`ScheduleError::BadRequirement`] for duplicate intervals or an interval
    /// length that cannot be inferred.
    pub fn from_csv(path: &Path) -> Result<Self, ScheduleError> {
        let csv = CsvInput::read(path)?;
        if csv.column(schema::INTERVAL_START).is_some() {
            Self::from_staff(&csv)
        } else {
            Self::from_day_slot(&csv)
        }
    }

    fn from_day_slot(csv: &CsvInput) -> Result<Self, ScheduleError> {
        let cols = csv.require(&["day", "slot", "required"])?;
        let (c_day, c_slot, c_req) = (cols[0], cols[1], cols[2]);
        let c_load = csv.column("offered_erlangs");
        let c_aht = csv.column("aht_seconds");
        let mut rows = Vec::with_capacity(csv.len());
        let index = |r: usize, c: usize| -> Result<usize, ScheduleError> {
            let v = csv.non_negative(r, c)?;
            if v.fract() != 0.0 {
                return Err(ScheduleError::Table(crate::table::TableError::BadValue {
                    at: csv.location(r, c),
                    value: csv.text(r, c).to_string(),
                    reason: "expected a whole number".into(),
                }));
            }
            Ok(v as usize)
        };
        let (mut max_day, mut max_slot) = (0, 0);
        let mut keys = std::collections::HashSet::new();
        for r in 0..csv.len() {
            let day = index(r, c_day)?;
            let slot = index(r, c_slot)?;
            if !keys.insert((day, slot)) {
                return Err(ScheduleError::DuplicateInterval {
                    at: csv.location(r, c_slot),
                    interval: format!("day {day} slot {slot}"),
                });
            }
            let req = agents_at(csv, r, c_req)?;
            let load = c_load.map(|c| csv.non_negative(r, c)).transpose()?;
            let aht = c_aht.map(|c| csv.non_negative(r, c)).transpose()?;
            max_day = max_day.max(day);
            max_slot = max_slot.max(slot);
            rows.push((r, day, slot, req, load, aht));
        }
        let per_day = max_slot + 1;
        if 1440 % per_day != 0 {
            return Err(ScheduleError::BadRequirement {
                reason: format!(
                    "{}: slots 0..={max_slot} do not divide a day into whole intervals",
                    csv.path().display()
                ),
            });
        }
        let interval = IntervalLength::from_minutes((1440 / per_day) as i64).map_err(|e| {
            ScheduleError::BadRequirement {
                reason: format!("{}: {e}", csv.path().display()),
            }
        })?;
        let days = max_day + 1;
        let n = days * per_day;
        let mut required = vec![0.0; n];
        let mut load = c_load.map(|_| vec![0.0; n]);
        let mut aht = c_aht.map(|_| vec![0.0; n]);
        let mut seen = vec![false; n];
        for (_, day, slot, req, l, a) in rows {
            let t = day * per_day + slot;
            seen[t] = true;
            required[t] = req;
            if let (Some(v), Some(x)) = (load.as_mut(), l) {
                v[t] = x;
            }
            if let (Some(v), Some(x)) = (aht.as_mut(), a) {
                v[t] = x;
            }
        }
        Ok(Requirement {
            interval,
            basis: Basis::Given,
            net: None,
            days,
            first_weekday: 0,
            start_date: None,
            rows_read: csv.len(),
            intervals_filled: seen.iter().filter(|s| !**s).count(),
            required,
            load,
            aht_secs: aht,
            queues: Vec::new(),
            clock: None,
        })
    }

    fn from_staff(csv: &CsvInput) -> Result<Self, ScheduleError> {
        let cols = csv.require(&[schema::INTERVAL_START, "agents"])?;
        let (c_ts, c_net) = (cols[0], cols[1]);
        let c_sched = csv.column(schema::AGENTS_SCHEDULED);
        let c_agents = c_sched.unwrap_or(c_net);
        let c_queue = csv.column("queue");
        let c_load = csv.column("load_erlangs");
        let c_aht = csv.column("aht_seconds");
        struct Row {
            at: LocalStamp,
            agents: f64,
            net: f64,
            load: Option<f64>,
            aht: Option<f64>,
        }
        let mut rows = Vec::with_capacity(csv.len());
        let mut queues: Vec<String> = Vec::new();
        let mut series: Vec<usize> = Vec::with_capacity(csv.len());
        let mut keys = std::collections::HashSet::new();
        let zone = crate::table::default_zone();
        let mut stamps = crate::table::StampReader::default();
        for r in 0..csv.len() {
            let q = c_queue
                .map(|c| csv.text(r, c).to_string())
                .unwrap_or_default();
            let pos = match queues.iter().position(|x| *x == q) {
                Some(p) => p,
                None => {
                    queues.push(q.clone());
                    queues.len() - 1
                }
            };
            // With --tz, the wall-clock time and its UTC offset: the repeated hour's two
            // intervals are two keys.
            let at = stamps.read(csv, r, c_ts, pos)?;
            let agents = agents_at(csv, r, c_agents)?;
            let net = agents_at(csv, r, c_net)?;
            if !keys.insert((at, q.clone())) {
                return Err(ScheduleError::DuplicateInterval {
                    at: csv.location(r, c_ts),
                    interval: format!("{} queue `{q}`", at.to_rfc3339()),
                });
            }
            series.push(pos);
            let load = c_load
                .map(|c| csv.opt_non_negative(r, c))
                .transpose()?
                .flatten();
            let aht = c_aht
                .map(|c| csv.opt_non_negative(r, c))
                .transpose()?
                .flatten();
            rows.push(Row {
                at,
                agents,
                net,
                load,
                aht,
            });
        }
        // The crate's one inference: one 15-min row in a 30-min requirement is an error naming
        // it (the smallest step made the whole week 15-min and the requirement half an hour's).
        // Steps are elapsed time (UTC), so that a clock change is no step of ±1 h.
        let stamps: Vec<Stamp> = rows
            .iter()
            .zip(&series)
            .map(|(r, &s)| Stamp {
                at: r.at.utc(),
                series: s,
            })
            .collect();
        let interval = infer_interval(&stamps, None).map_err(|e| match e.index() {
            Some(i) => ScheduleError::Table(crate::table::TableError::BadValue {
                at: csv.location(i, c_ts),
                value: csv.text(i, c_ts).to_string(),
                reason: e.to_string(),
            }),
            None => ScheduleError::BadRequirement {
                reason: format!(
                    "{}: need at least two distinct interval starts of one queue to infer the interval length",
                    csv.path().display()
                ),
            },
        })?;
        let names: Vec<&str> = series.iter().map(|&s| queues[s].as_str()).collect();
        let h = Horizon::of(rows.iter().map(|r| r.at.local), interval, zone);
        let n = h.len(interval);
        let mut required = vec![0.0; n];
        let mut net = vec![0.0; n];
        let mut load_sum = vec![0.0; n];
        let mut calls_rate = vec![0.0; n];
        let mut seen = vec![false; n];
        let has_load = c_load.is_some() && c_aht.is_some();
        let mut slot = Vec::with_capacity(rows.len());
        for (r, row) in rows.iter().enumerate() {
            let Some(t) = h.index(&row.at, interval) else {
                return Err(ScheduleError::Table(crate::table::TableError::BadValue {
                    at: csv.location(r, c_ts),
                    value: csv.text(r, c_ts).to_string(),
                    reason: format!("expected a start on the {interval} grid"),
                }));
            };
            slot.push(t);
        }
        // Summed in (interval, queue name) order, not file order: floating-point sums depend on
        // their order, and the same rows in another order must give the same plan and summary
        // to the last digit (issue #16).
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| slot[a].cmp(&slot[b]).then_with(|| names[a].cmp(names[b])));
        for r in order {
            let (t, row) = (slot[r], &rows[r]);
            seen[t] = true;
            required[t] += row.agents;
            net[t] += row.net;
            if let (Some(l), Some(a)) = (row.load, row.aht) {
                load_sum[t] += l;
                if a > 0.0 {
                    calls_rate[t] += l / a;
                }
            }
        }
        let (load, aht) = if has_load {
            let aht = load_sum
                .iter()
                .zip(&calls_rate)
                .map(|(l, c)| if *c > 0.0 { l / c } else { 0.0 })
                .collect();
            (Some(load_sum), Some(aht))
        } else {
            (None, None)
        };
        queues.sort();
        Ok(Requirement {
            interval,
            basis: if c_sched.is_some() {
                Basis::Scheduled
            } else {
                Basis::Net
            },
            net: c_sched.map(|_| net),
            days: h.days,
            first_weekday: weekday_sun0(h.first_date),
            start_date: Some(h.first_date),
            rows_read: csv.len(),
            intervals_filled: seen.iter().filter(|s| !**s).count(),
            required,
            load,
            aht_secs: aht,
            queues,
            clock: h.clock,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_output_is_pooled_by_summing() {
        let text = "interval_start,queue,agents,load_erlangs,aht_seconds\n\
                    2024-01-07 00:00:00,a,2,1.0,100\n\
                    2024-01-07 00:00:00,b,3,2.0,200\n\
                    2024-01-07 00:30:00,a,1,0.5,100\n";
        let csv = CsvInput::from_bytes(Path::new("s.csv"), text.as_bytes()).unwrap();
        let r = Requirement::from_staff(&csv).unwrap();
        assert_eq!(r.interval().minutes(), 30);
        assert_eq!(r.len(), 48);
        assert_eq!(r.required()[0], 5.0);
        assert_eq!(r.required()[1], 1.0);
        assert_eq!(r.weekday(0), 0); // 2024-01-07 is a Sunday
                                     // pooled AHT = (1 + 2) / (1/100 + 2/200) = 150
        assert!((r.aht_secs().unwrap()[0] - 150.0).abs() < 1e-9);
        assert_eq!(r.intervals_filled(), 46);
        assert_eq!(r.label(1), "2024-01-07T00:30:00");
    }

    #[test]
    fn duplicate_rows_name_the_line() {
        let text = "day,slot,required\n0,0,1\n0,1,2\n0,1,3\n";
        let csv = CsvInput::from_bytes(Path::new("a.csv"), text.as_bytes()).unwrap();
        let e = Requirement::from_day_slot(&csv).unwrap_err().to_string();
        assert!(e.contains("a.csv:4"), "{e}");
    }
}
