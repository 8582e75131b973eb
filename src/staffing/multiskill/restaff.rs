//! Scenario variants re-staffed (issue #20): `wfm scenario --config <groups>` without a
//! published staffing. The baseline and every variant are staffed afresh by [`staff`] (the
//! cutting-plane search, then the horizon check and repair), so a variant reports what it
//! *requires*: the cost, agent-hours per group and each queue's simulated service against its
//! target — the multi-skill counterpart of the single-queue scenario's staffing per variant
//! ([`crate::staffing::scenario::run`]).
//!
//! Each variant is also met by the baseline's plan ("hit": staffed for the baseline, hit by the
//! variant), simulated as [`super::scenarios_on_groups`] does, so that its absent agents
//! (`absent_agents`, a number or per named group) count: absences do not change what a
//! variant requires, they change what the baseline's agents deliver.
//!
//! A variant's demand and target changes are those of [`super::scenarios_on_groups`] (see the
//! module docs of `evaluate`); every staffing uses the same options and seed, so two variants
//! differ by what they change.

use super::evaluate::{
    absent_from, absent_total, agents_in_routing_order, evaluate_ordered, Variant,
};
use super::{check, in_routing_order, staff, GroupEvaluation, MultiSkillError};
use super::{MultiSkillOptions, MultiSkillPlan, MultiSkillProblem};
use crate::model::{Demand, Panel, Progress};
use crate::staffing::scenario::Scenario;

/// One variant staffed afresh, and the baseline's plan under it.
#[derive(Debug, Clone)]
pub struct GroupRestaffRun {
    /// The variant's name (`baseline` for the demand and targets as given).
    pub name: String,
    /// Its scope in words.
    pub scope: String,
    /// Agents absent per interval of the scope (the hit run only).
    pub absent_agents: u32,
    /// Where the absent agents are taken from, in words.
    pub absent_from: String,
    /// The variant staffed afresh: agents per group × interval, cost, bounds and the check of
    /// every queue against its (the variant's) targets.
    pub plan: MultiSkillPlan,
    /// The baseline's plan, minus the variant's absent agents, under the variant's demand and
    /// targets (for the baseline: its own plan).
    pub hit: GroupEvaluation,
}

/// Staffs the baseline (`demand` under `problem`) and every scenario afresh with [`staff`],
/// and evaluates the baseline's plan under each scenario. The baseline comes first.
///
/// # Errors
/// As [`staff`] and [`super::scenarios_on_groups`]: an option out of its domain, a scenario
/// key that does not apply to groups, a scope naming an unknown queue or matching no interval,
/// an absence naming an unknown group.
pub fn restaff_scenarios(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    options: &MultiSkillOptions,
    scenarios: &[Scenario],
    progress: &dyn Progress,
) -> Result<Vec<GroupRestaffRun>, MultiSkillError> {
    check(problem, demand, options)?;
    let demand = in_routing_order(&problem.routing, demand)?;
    // Every variant's keys are checked before the first (long) search.
    let none = vec![0; problem.routing.groups().len() * demand.grid().len()];
    for s in scenarios {
        let v = Variant::of(s, problem, &demand, &none, options)?;
        check(&v.problem, &v.demand, &v.options)?;
    }
    let plan = staff(problem, &demand, options, progress)?;
    let base_agents = agents_in_routing_order(problem, &demand, &plan.agents)?;
    let hit = evaluate_ordered(problem, &demand, base_agents.clone(), options, progress)?;
    let mut out = vec![GroupRestaffRun {
        name: "baseline".into(),
        scope: "all".into(),
        absent_agents: 0,
        absent_from: String::new(),
        plan,
        hit,
    }];
    for s in scenarios {
        let v = Variant::of(s, problem, &demand, &base_agents, options)?;
        check(&v.problem, &v.demand, &v.options)?;
        // A variant of absences only requires what the baseline requires: the search is
        // deterministic, so its plan is the baseline's (and is not searched again).
        let same = v.demand == demand
            && v.problem.targets == problem.targets
            && v.problem.patience == problem.patience
            && v.options == *options;
        let plan = if same {
            out[0].plan.clone()
        } else {
            staff(&v.problem, &v.demand, &v.options, progress)?
        };
        let hit = evaluate_ordered(&v.problem, &v.demand, v.agents, &v.options, progress)?;
        out.push(GroupRestaffRun {
            name: s.name.clone(),
            scope: s.scope.describe(),
            absent_agents: absent_total(s),
            absent_from: absent_from(s),
            plan,
            hit,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Grain, QueueId, TimeGrid};
    use crate::simulate::{AgentSelection, Dist, Routing};
    use crate::staffing::multiskill::{GroupPolicy, QueueTargets};
    use crate::units::IntervalLength;

    /// Two queues, a team each and a cross-skilled group (B first, then A), two half-hours.
    fn center() -> (MultiSkillProblem, Panel<Demand>, MultiSkillOptions) {
        let q = |s: &str| QueueId::new(s).unwrap();
        let routing = Routing::new(
            vec![q("A"), q("B")],
            vec![
                (q("a_team"), vec![(q("A"), 0)]),
                (q("b_team"), vec![(q("B"), 0)]),
                (q("cross"), vec![(q("B"), 0), (q("A"), 1)]),
            ],
            AgentSelection::MostSpecialised,
        )
        .unwrap();
        let cost = |c| GroupPolicy {
            cost_per_hour: c,
            ..GroupPolicy::default()
        };
        let problem = MultiSkillProblem {
            routing,
            service: vec![Dist::exponential(1.0).unwrap(); 2],
            patience: vec![None, None],
            groups: vec![cost(1.0), cost(1.0), cost(1.2)],
            targets: vec![
                QueueTargets {
                    service_level: Some(0.8),
                    ..QueueTargets::default()
                };
                2
            ],
        };
        let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 4)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let grid = TimeGrid::new(
            start,
            Grain::Interval(IntervalLength::from_minutes(30).unwrap()),
            2,
        )
        .unwrap();
        let offered = [[40.0, 40.0], [15.0, 15.0]];
        let demand = Panel::from_fn(vec![q("A"), q("B")], grid, |k, t| Demand {
            offered: offered[k][t],
            aht_secs: Some(240.0),
        });
        let options = MultiSkillOptions {
            reps: 20,
            verify_reps: 20,
            seed: 3,
            ..MultiSkillOptions::default()
        };
        (problem, demand, options)
    }

    #[test]
    fn more_calls_cost_more_and_hit_the_baseline_plan() {
        let (problem, demand, options) = center();
        let mut more = Scenario::new("A +30%");
        more.volume_factor = 1.3;
        more.scope.queues = vec!["A".into()];
        let mut sick = Scenario::new("2 cross sick");
        sick.absent_by_group.insert("cross".into(), 2);
        let runs = restaff_scenarios(
            &problem,
            &demand,
            &options,
            &[more, sick],
            &crate::model::Silent,
        )
        .unwrap();
        assert_eq!(runs.len(), 3);
        let (base, more, sick) = (&runs[0], &runs[1], &runs[2]);
        assert!(more.plan.total_cost() > base.plan.total_cost());
        // A's calls grew: the baseline plan serves A worse under the variant.
        let sl = |e: &GroupEvaluation| e.horizon[0].service_level.unwrap();
        assert!(sl(&more.hit) < sl(&base.hit));
        // Absences change what the baseline's agents deliver, not what is required.
        assert_eq!(sick.plan.agents, base.plan.agents);
        assert_eq!(sick.absent_from, "cross 2");
        let cross = sick.hit.agents.series_of("cross").unwrap();
        let base_cross = base.plan.agents.series_of("cross").unwrap();
        for (a, b) in cross.iter().zip(base_cross) {
            assert_eq!(a.get(), b.get().saturating_sub(2));
        }
    }

    #[test]
    fn an_absence_naming_an_unknown_group_is_an_error() {
        let (problem, demand, options) = center();
        let mut s = Scenario::new("typo");
        s.absent_by_group.insert("crosss".into(), 1);
        let e = restaff_scenarios(&problem, &demand, &options, &[s], &crate::model::Silent)
            .unwrap_err()
            .to_string();
        assert!(e.contains("scenario `typo` absent_agents"), "{e}");
        assert!(e.contains("`crosss` is not a group of the config"), "{e}");
    }
}
