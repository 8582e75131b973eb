//! The schedule's output tables: the plan (`plan.csv`), coverage per interval (`coverage.csv`)
//! and the summary (`metric, value`) shown on the terminal.

use crate::io::schema;
use crate::schedule::Schedule;
use crate::table::{Cell, Table};

impl Schedule {
    /// The plan grouped as `day, start, template, count, breaks` rows.
    pub fn plan_table(&self) -> Table {
        let mut t = Table::new([
            "day",
            "start",
            "end",
            "template",
            "count",
            "paid_hours",
            "breaks",
        ]);
        let mut i = 0;
        while i < self.shifts.len() {
            let s = &self.shifts[i];
            let key = (s.start_min, s.offsets_secs, &s.template, s.breaks_text());
            let mut n = 1;
            while i + n < self.shifts.len() {
                let o = &self.shifts[i + n];
                if (o.start_min, o.offsets_secs, &o.template, o.breaks_text()) != key {
                    break;
                }
                n += 1;
            }
            t.push(vec![
                Cell::text(self.day_labels[s.day].clone()),
                Cell::text(s.start_text()),
                Cell::text(s.end_text()),
                Cell::text(s.template.clone()),
                Cell::Int(n as i64),
                Cell::Float(s.paid_hours, 2),
                Cell::text(key.3),
            ]);
            i += n;
        }
        t
    }

    /// Coverage per interval: `interval_start, required, scheduled, gap, expected_sl, basis`.
    /// `basis` names what `required` counts (`scheduled`: agents on shift and not on a break,
    /// absence allowance included; `net`: on the phones; `given`); `scheduled` always counts
    /// agents on shift and not on a break; `expected_sl` is every queue pooled at one threshold.
    pub fn coverage_table(&self) -> Table {
        let mut t = Table::new([
            schema::INTERVAL_START,
            "required",
            "scheduled",
            "gap",
            "expected_sl",
            "basis",
        ]);
        for r in &self.coverage {
            t.push(vec![
                Cell::text(r.interval_start.clone()),
                Cell::Float(r.required, 2),
                Cell::Float(r.scheduled, 0),
                Cell::Float(r.gap, 2),
                Cell::float(r.expected_sl, 4),
                Cell::text(self.summary.requirement_basis.clone()),
            ]);
        }
        t
    }

    /// Summary as a two-column table (`metric, value`) for the terminal.
    pub fn summary_table(&self) -> Table {
        let s = &self.summary;
        let mut t = Table::new(["metric", "value"]);
        let mut row = |k: &str, v: Cell| t.push(vec![Cell::text(k), v]);
        row("objective", Cell::text(s.objective.clone()));
        row("status", Cell::text(s.status.clone()));
        if let Some(d) = &s.status_detail {
            row("status detail", Cell::text(d.clone()));
        }
        row("solver", Cell::text(s.solver.clone()));
        row(
            "node limit",
            s.node_limit
                .map_or(Cell::text("none"), |n| Cell::Int(n as i64)),
        );
        if let Some(t) = s.time_limit_seconds {
            row("time limit (s, timing-dependent)", Cell::Float(t, 0));
        }
        row("interval (min)", Cell::Int(i64::from(s.interval_minutes)));
        row("shifts", Cell::Int(s.shifts as i64));
        row("requirement basis", Cell::text(s.requirement_basis.clone()));
        row("net agent-hours", Cell::Float(s.net_agent_hours, 2));
        row(
            "scheduled agent-hours (to cover)",
            Cell::Float(s.scheduled_agent_hours, 2),
        );
        row("paid agent-hours", Cell::Float(s.paid_agent_hours, 2));
        row("cost", Cell::Float(s.cost, 2));
        row(
            "on-shift, not on break agent-hours",
            Cell::Float(s.on_phone_agent_hours, 2),
        );
        row(
            "over-staffing agent-hours",
            Cell::Float(s.over_agent_hours, 2),
        );
        row("over-staffing %", Cell::Float(s.over_pct, 2));
        row(
            "under-staffing agent-hours",
            Cell::Float(s.under_agent_hours, 2),
        );
        row("under-staffing %", Cell::Float(s.under_pct, 2));
        row(
            "understaffed intervals",
            Cell::Int(s.understaffed_intervals as i64),
        );
        row(
            "sum |gap| (agent-intervals)",
            Cell::Float(s.abs_gap_agent_intervals, 2),
        );
        row("objective value", Cell::Float(s.objective_value, 4));
        row("lower bound", Cell::float(s.lower_bound, 4));
        row("optimality gap %", Cell::float(s.gap.map(|g| 100.0 * g), 3));
        row(
            "expected SL (queues pooled, one threshold)",
            Cell::float(s.expected_sl, 4),
        );
        row("budget (paid hours)", Cell::float(s.budget_hours, 2));
        t
    }
}
