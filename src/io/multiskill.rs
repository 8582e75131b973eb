//! The multi-skill staffing config (TOML, issue #20): the simulation config of
//! [`crate::io::simulate`] (queues with handle-time and patience shapes, groups with the queues
//! they serve in priority order, `[simulate]` options) plus the staffing keys:
//!
//! ```toml
//! [groups.cross]
//! queues = ["SUPPORT", "SALES"]   # priority order (an inner list is one level)
//! cost_per_hour = 1.2             # > 0 [1]
//! min_agents = 0                  # in every interval with calls [0]
//! max_agents = 20                 # [unbounded]
//!
//! [staffing]
//! sl_target = 0.8                 # answered within [simulate] sl_threshold_seconds ÷ offered
//! max_asa_seconds = 30            # optional
//! max_abandon = 0.05              # optional
//! reps = 50                       # replications per simulated staffing in the search
//! max_iterations = 30             # integer programs per interval
//! repair_rounds = 10              # horizon simulations that may add agents
//!
//! [staffing.queues.SALES]         # per-queue targets, over [staffing]'s
//! sl_target = 0.9
//! ```
//!
//! `[simulate] reps` and `seed` are those of the final horizon check, so
//! `wfm simulate --config` on the staffing's output reproduces it. Every value out of its
//! domain is an error naming the file, line and key. See `docs/multiskill.md`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::io::simulate::{read_sim_config, Groups};
use crate::io::table::TableError;
use crate::io::Location;
use crate::simulate::Dist;
use crate::staffing::multiskill::{
    GroupPolicy, MultiSkillOptions, MultiSkillProblem, QueueTargets,
};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsRaw {
    sl_target: Option<Spanned<f64>>,
    max_asa_seconds: Option<Spanned<f64>>,
    max_abandon: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffingRaw {
    sl_target: Option<Spanned<f64>>,
    max_asa_seconds: Option<Spanned<f64>>,
    max_abandon: Option<Spanned<f64>>,
    reps: Option<Spanned<i64>>,
    max_iterations: Option<Spanned<i64>>,
    repair_rounds: Option<Spanned<i64>>,
    #[serde(default)]
    queues: BTreeMap<String, Spanned<TargetsRaw>>,
}

/// The keys this reader adds; the others are checked by [`read_sim_config`].
#[derive(Debug, Clone, Default, Deserialize)]
struct View {
    #[serde(default)]
    groups: Groups,
    #[serde(default)]
    staffing: StaffingRaw,
}

/// A multi-skill staffing config, validated.
#[derive(Debug, Clone)]
pub struct MultiSkillConfig {
    /// Routing, shapes, group policies and queue targets.
    pub problem: MultiSkillProblem,
    /// Search and check options (seed, replications, threshold, limits).
    pub options: MultiSkillOptions,
}

/// Whether `path` is a multi-skill config (it has agent groups).
///
/// # Errors
/// [`TableError`] when the file cannot be read or is not TOML.
pub fn is_multiskill_config(path: &Path) -> Result<bool, TableError> {
    let v: toml::Table = crate::io::table::read_toml(path)?;
    Ok(v.contains_key("groups"))
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> u64 {
    text[..offset.min(text.len())].matches('\n').count() as u64 + 1
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn at<T>(&self, s: &Spanned<T>, key: &str, reason: String) -> TableError {
        TableError::BadRow {
            at: Location {
                file: self.path.to_path_buf(),
                line: line_of(self.text, s.span().start),
                column: Some(key.to_string()),
            },
            reason,
        }
    }
    fn fraction(&self, v: &Option<Spanned<f64>>, key: &str) -> Result<Option<f64>, TableError> {
        match v {
            Some(s) if !(s.get_ref().is_finite() && (0.0..=1.0).contains(s.get_ref())) => Err(self
                .at(
                    s,
                    key,
                    format!("expected a fraction in [0, 1], got {}", s.get_ref()),
                )),
            v => Ok(v.as_ref().map(|s| *s.get_ref())),
        }
    }
    fn positive(&self, v: &Option<Spanned<f64>>, key: &str) -> Result<Option<f64>, TableError> {
        match v {
            Some(s) if !(s.get_ref().is_finite() && *s.get_ref() > 0.0) => {
                Err(self.at(s, key, format!("expected a value > 0, got {}", s.get_ref())))
            }
            v => Ok(v.as_ref().map(|s| *s.get_ref())),
        }
    }
    fn count(
        &self,
        v: &Option<Spanned<i64>>,
        key: &str,
        min: i64,
    ) -> Result<Option<u32>, TableError> {
        match v {
            Some(s) if *s.get_ref() < min || *s.get_ref() > i64::from(u32::MAX) => Err(self.at(
                s,
                key,
                format!("expected a whole number ≥ {min}, got {}", s.get_ref()),
            )),
            v => Ok(v.as_ref().map(|s| *s.get_ref() as u32)),
        }
    }
    fn targets(&self, r: &TargetsRaw) -> Result<QueueTargets, TableError> {
        Ok(QueueTargets {
            service_level: self.fraction(&r.sl_target, "sl_target")?,
            max_asa_secs: self.positive(&r.max_asa_seconds, "max_asa_seconds")?,
            max_abandon: self.fraction(&r.max_abandon, "max_abandon")?,
        })
    }
}

/// Reads a multi-skill staffing config (see the module docs).
///
/// # Errors
/// [`TableError::Toml`] for a syntax error, an unknown key or an invalid routing or
/// distribution; [`TableError::BadRow`] naming the line and key of a value out of its domain,
/// a `max_agents` below `min_agents`, or targets for a queue no group serves.
pub fn read_multiskill_config(path: &Path) -> Result<MultiSkillConfig, TableError> {
    let sim = read_sim_config(path)?;
    let text = std::fs::read_to_string(path).map_err(|source| TableError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let view: View = toml::from_str(&text).map_err(|e| TableError::Toml {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let routing = sim.routing.ok_or_else(|| TableError::Toml {
        path: path.to_path_buf(),
        message: "a multi-skill config needs agent groups (`[groups.<name>] queues = [...]`)"
            .into(),
    })?;
    let cx = Ctx { path, text: &text };
    let mut groups = Vec::with_capacity(view.groups.0.len());
    for (_, g) in &view.groups.0 {
        let cost = cx
            .positive(&g.cost_per_hour, "cost_per_hour")?
            .unwrap_or(1.0);
        let min = cx.count(&g.min_agents, "min_agents", 0)?.unwrap_or(0);
        let max = cx.count(&g.max_agents, "max_agents", 0)?;
        if let (Some(m), Some(s)) = (max, &g.max_agents) {
            if m < min {
                return Err(cx.at(s, "max_agents", format!("{m} is below min_agents {min}")));
            }
        }
        groups.push(GroupPolicy {
            cost_per_hour: cost,
            min_agents: min,
            max_agents: max,
        });
    }
    let st = &view.staffing;
    let defaults = cx.targets(&TargetsRaw {
        sl_target: st.sl_target.clone(),
        max_asa_seconds: st.max_asa_seconds.clone(),
        max_abandon: st.max_abandon.clone(),
    })?;
    for (name, s) in &st.queues {
        if !routing.queues().iter().any(|q| q.as_str() == name) {
            return Err(cx.at(
                s,
                &format!("staffing.queues.{name}"),
                "no group serves this queue".into(),
            ));
        }
    }
    let mut targets = Vec::with_capacity(routing.queues().len());
    for q in routing.queues() {
        let own = match st.queues.get(q.as_str()) {
            Some(s) => cx.targets(s.get_ref())?,
            None => QueueTargets::default(),
        };
        let mut t = QueueTargets {
            service_level: own.service_level.or(defaults.service_level),
            max_asa_secs: own.max_asa_secs.or(defaults.max_asa_secs),
            max_abandon: own.max_abandon.or(defaults.max_abandon),
        };
        if t == QueueTargets::default() {
            // As `wfm staff`: 80 % within the threshold when no target is given.
            t.service_level = Some(0.8);
        }
        targets.push(t);
    }
    let service = routing
        .queues()
        .iter()
        .map(|q| match sim.service.get(q) {
            Some(d) => d.clone(),
            None => Dist::exponential(1.0).expect("1 s is a valid mean"),
        })
        .collect();
    let patience = routing
        .queues()
        .iter()
        .map(|q| sim.patience.get(q).cloned().flatten())
        .collect();
    let d = MultiSkillOptions::default();
    let options = MultiSkillOptions {
        reps: cx.count(&st.reps, "reps", 1)?.unwrap_or(d.reps),
        verify_reps: sim.reps.unwrap_or(d.verify_reps),
        seed: sim.seed.unwrap_or(d.seed),
        threshold_secs: sim.threshold_secs.unwrap_or(d.threshold_secs),
        max_iterations: cx
            .count(&st.max_iterations, "max_iterations", 1)?
            .unwrap_or(d.max_iterations),
        repair_rounds: cx
            .count(&st.repair_rounds, "repair_rounds", 0)?
            .unwrap_or(d.repair_rounds),
        threads: None,
    };
    Ok(MultiSkillConfig {
        problem: MultiSkillProblem {
            routing,
            service,
            patience,
            groups,
            targets,
        },
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("wfm_multiskill_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const BASE: &str = r#"
[[queues]]
name = "A"
patience = { dist = "exponential", mean_seconds = 100 }

[groups.a_team]
queues = ["A"]

[groups.cross]
queues = [["A", "B"]]
cost_per_hour = 1.5
max_agents = 9
"#;

    #[test]
    fn both_group_forms_and_the_staffing_keys_are_read() {
        let p = write(
            "ok.toml",
            &format!(
                "{BASE}\n[staffing]\nsl_target = 0.7\n[staffing.queues.B]\nmax_abandon = 0.1\n"
            ),
        );
        let c = read_multiskill_config(&p).unwrap();
        let r = &c.problem.routing;
        assert_eq!(r.groups()[0].id.as_str(), "a_team");
        assert_eq!(r.groups()[1].id.as_str(), "cross");
        assert_eq!(c.problem.groups[1].cost_per_hour, 1.5);
        assert_eq!(c.problem.groups[1].max_agents, Some(9));
        assert_eq!(c.problem.targets[0].service_level, Some(0.7));
        assert_eq!(c.problem.targets[1].max_abandon, Some(0.1));
        assert!(c.problem.patience[0].is_some() && c.problem.patience[1].is_none());
        assert!(is_multiskill_config(&p).unwrap());
        let list = write(
            "list.toml",
            "[[groups]]\nname = \"g\"\nserves = [\"A\"]\ncost_per_hour = 2\n",
        );
        let c = read_multiskill_config(&list).unwrap();
        assert_eq!(c.problem.groups[0].cost_per_hour, 2.0);
        assert_eq!(c.problem.targets[0].service_level, Some(0.8));
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let cases = [
            (
                BASE.replace("cost_per_hour = 1.5", "cost_per_hour = -1"),
                ":11, column `cost_per_hour`: expected a value > 0",
            ),
            (
                format!("{BASE}min_agents = 10\n"),
                "column `max_agents`: 9 is below min_agents 10",
            ),
            (
                format!("{BASE}\n[staffing]\nsl_target = 1.5\n"),
                ":15, column `sl_target`: expected a fraction in [0, 1]",
            ),
            (
                format!("{BASE}\n[staffing.queues.Z]\nsl_target = 0.5\n"),
                "column `staffing.queues.Z`: no group serves this queue",
            ),
            (
                format!("{BASE}\n[staffing]\ntarget = 0.5\n"),
                "unknown field `target`",
            ),
            (
                BASE.replace("cost_per_hour = 1.5", "cost = 1.5"),
                "unknown field `cost`",
            ),
        ];
        for (i, (text, want)) in cases.iter().enumerate() {
            let p = write(&format!("bad{i}.toml"), text);
            let e = read_multiskill_config(&p).unwrap_err().to_string();
            assert!(e.contains(want), "case {i}: {e}");
        }
    }
}
