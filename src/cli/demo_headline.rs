//! The headline figure of each `wfm demo` step, read back from the step's own output files (so
//! the screen shows what the files hold) or, for ingestion and the audit, from the summary line
//! the command prints.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context;

/// A table output read back: header and records.
struct Csv {
    header: csv::StringRecord,
    rows: Vec<csv::StringRecord>,
}

impl Csv {
    fn read(path: &Path) -> anyhow::Result<Csv> {
        let mut r = csv::Reader::from_path(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let header = r.headers()?.clone();
        let rows = r.records().collect::<Result<Vec<_>, _>>()?;
        Ok(Csv { header, rows })
    }
    fn col(&self, name: &str) -> anyhow::Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("no column `{name}`"))
    }
    /// The numbers of a column (empty cells skipped).
    fn numbers(&self, name: &str) -> anyhow::Result<Vec<f64>> {
        let c = self.col(name)?;
        Ok(self
            .rows
            .iter()
            .filter_map(|r| r.get(c).and_then(|v| v.parse::<f64>().ok()))
            .collect())
    }
}

/// The first line of `stderr` containing `needle`, trimmed.
fn line_with<'a>(stderr: &'a str, needle: &str) -> anyhow::Result<&'a str> {
    stderr
        .lines()
        .find(|l| l.contains(needle))
        .map(str::trim)
        .with_context(|| format!("no line with `{needle}` in the step's messages"))
}

/// `12,345` for whole numbers ≥ 10,000 (readable at a glance), else as is.
fn thousands(v: f64) -> String {
    let n = v.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// The headline of step `name`, from its outputs in `out` and its messages.
pub(crate) fn headline(name: &str, out: &Path, stderr: &str) -> anyhow::Result<String> {
    match name {
        "ingest" => {
            let acc = line_with(stderr, " read, ")?;
            let t = Csv::read(&out.join("01_ingest_jan01-14.csv"))?;
            Ok(format!("records: {acc} → {} interval rows", t.rows.len()))
        }
        "forecast" => {
            let t = Csv::read(&out.join("02_forecast_feb.csv"))?;
            let total: f64 = t.numbers("forecast")?.iter().sum();
            let q = t.col("queue")?;
            let queues: BTreeSet<&str> = t.rows.iter().filter_map(|r| r.get(q)).collect();
            Ok(format!(
                "{} calls forecast over 28 days, {} queues",
                thousands(total),
                queues.len()
            ))
        }
        "staff" => staff(&out.join("03_staff_feb.csv")),
        "scenario" => {
            let t = Csv::read(&out.join("04_scenarios.csv"))?;
            let (name, fte) = (t.col("scenario")?, t.col("fte_delta")?);
            let first = t.rows.get(1).context("no variant rows")?;
            Ok(format!(
                "{} variants; `{}` needs {:+.1} FTE",
                t.rows.len().saturating_sub(1),
                first.get(name).unwrap_or(""),
                first
                    .get(fte)
                    .unwrap_or("")
                    .parse::<f64>()
                    .unwrap_or(f64::NAN)
            ))
        }
        "schedule" => {
            let path = out.join("05_schedule/summary.json");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            let v: serde_json::Value = serde_json::from_str(&text)?;
            let queues = v["per_queue"].as_array().map_or(String::new(), |qs| {
                let met = qs.iter().filter(|q| q["met"] == true).count();
                format!(", {met} of {} queues meet their own targets", qs.len())
            });
            Ok(format!(
                "{} paid agent-hours in {} shifts ({}), {} understaffed intervals{queues}",
                v["paid_agent_hours"].as_f64().unwrap_or(f64::NAN),
                v["shifts"],
                v["status"].as_str().unwrap_or("?"),
                v["understaffed_intervals"]
            ))
        }
        "capacity" => capacity(&out.join("06_capacity_plan.csv"), stderr),
        "audit" => {
            let l = line_with(stderr, "KPIs")?;
            Ok(l.split_once(": ").map_or(l, |(_, r)| r).to_string())
        }
        other => anyhow::bail!("unknown step `{other}`"),
    }
}

/// Hires, classes, cost and under-staffed weeks of a `wfm capacity` plan, with the solver's
/// status (from its messages).
fn capacity(path: &Path, stderr: &str) -> anyhow::Result<String> {
    let t = Csv::read(path)?;
    let hires = t.numbers("hires_started")?;
    let classes = hires.iter().filter(|h| **h > 0.0).count();
    let cost: f64 = t.numbers("cost")?.iter().sum();
    let short = t.numbers("under")?.iter().filter(|u| **u > 0.0).count();
    let status = line_with(stderr, "status ")?;
    let status = status
        .strip_prefix("status ")
        .and_then(|s| s.split(',').next())
        .unwrap_or(status)
        .replace(" (", ", ")
        .replace(')', "");
    Ok(format!(
        "{} weeks: {} hires in {classes} classes, cost {}, {short} under-staffed weeks ({status})",
        t.rows.len(),
        hires.iter().sum::<f64>(),
        thousands(cost)
    ))
}

/// Agent-hours, peak agents and the offered-weighted service level of a `wfm staff` output.
fn staff(path: &Path) -> anyhow::Result<String> {
    let t = Csv::read(path)?;
    let (start, agents, offered, sl) = (
        t.col(wfm::io::schema::INTERVAL_START)?,
        t.col("agents")?,
        t.col("offered")?,
        t.col("service_level")?,
    );
    let num = |r: &csv::StringRecord, c: usize| r.get(c).and_then(|v| v.parse::<f64>().ok());
    let starts: BTreeSet<&str> = t.rows.iter().filter_map(|r| r.get(start)).collect();
    let times: Vec<chrono::NaiveDateTime> = starts
        .iter()
        .filter_map(|s| wfm::time::parse_timestamp(s))
        .collect();
    let step_h = times
        .windows(2)
        .map(|w| (w[1] - w[0]).num_minutes())
        .filter(|m| *m > 0)
        .min()
        .context("fewer than two intervals")? as f64
        / 60.0;
    let total_agents: f64 = t.rows.iter().filter_map(|r| num(r, agents)).sum();
    let (mut calls, mut within) = (0.0, 0.0);
    for r in &t.rows {
        if let (Some(o), Some(s)) = (num(r, offered), num(r, sl)) {
            calls += o;
            within += o * s;
        }
    }
    Ok(format!(
        "{} agent-hours on the phones, expected SL {:.1} %",
        thousands(total_agents * step_h),
        100.0 * within / calls.max(f64::MIN_POSITIVE)
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(24644.4), "24,644");
        assert_eq!(super::thousands(1060.0), "1,060");
        assert_eq!(super::thousands(-1234567.0), "-1,234,567");
        assert_eq!(super::thousands(12.0), "12");
    }
}
