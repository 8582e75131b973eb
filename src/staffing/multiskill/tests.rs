//! Tiny cases with exact answers: one queue and one group is the single-queue Erlang answer;
//! two identical queues with a free cross-skilled group pool completely; results do not depend
//! on the thread count.

use super::*;
use crate::model::{Grain, Silent};
use crate::staffing::{required_agents, Model, Targets};
use crate::units::IntervalLength;
use crate::units::{Erlangs, Fraction, Secs};

fn q(s: &str) -> QueueId {
    QueueId::new(s).unwrap()
}

fn grid(n: usize) -> TimeGrid {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 4)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    TimeGrid::new(
        start,
        Grain::Interval(IntervalLength::from_minutes(30).unwrap()),
        n,
    )
    .unwrap()
}

fn demand(queues: &[&str], offered: &[f64], aht: f64) -> Panel<Demand> {
    let ids: Vec<QueueId> = queues.iter().map(|s| q(s)).collect();
    Panel::from_fn(ids, grid(offered.len()), |_, t| Demand {
        offered: offered[t],
        aht_secs: Some(aht),
    })
}

fn erlang(model: Model, offered: f64, aht: f64, target: f64) -> u32 {
    let targets =
        Targets::new().with_service_level(Fraction::new(target).unwrap(), Secs::new(20.0).unwrap());
    let load = Erlangs::new(offered * aht / 1800.0).unwrap();
    required_agents(model, load, Secs::new(aht).unwrap(), &targets)
        .unwrap()
        .agents
}

fn options(reps: u32) -> MultiSkillOptions {
    MultiSkillOptions {
        reps,
        verify_reps: 20,
        repair_rounds: 0,
        threads: Some(1),
        ..MultiSkillOptions::default()
    }
}

/// One queue, one group, exponential handle times: the search must land on the Erlang C
/// (no patience) or Erlang A (exponential patience) count. The cases are chosen so that the
/// Erlang SL at N − 1 and N are each more than 3 pp from the target (simulation noise with 400
/// replications of 100 calls is about 0.5 pp).
#[test]
fn one_queue_one_group_is_the_erlang_answer() {
    let aht = 180.0;
    for (patience, offered, target) in [
        (None, 95.0, 0.8),
        (None, 60.0, 0.9),
        (Some(120.0), 50.0, 0.8),
    ] {
        let model = match patience {
            Some(p) => Model::ErlangA {
                patience: Secs::new(p).unwrap(),
            },
            None => Model::ErlangC,
        };
        let n = erlang(model, offered, aht, target);
        let sl = |k: u32| {
            let load = Erlangs::new(offered * aht / 1800.0).unwrap();
            model
                .metrics(k, load, Secs::new(aht).unwrap(), Secs::new(20.0).unwrap())
                .map_or(0.0, |m| m.service_level)
        };
        assert!(
            sl(n) > target + 0.03 && sl(n - 1) < target - 0.03,
            "case {patience:?} {offered} {target}: SL {} / {} around N = {n} is too close to call",
            sl(n - 1),
            sl(n)
        );
        let routing = Routing::dedicated(vec![q("A")]);
        let problem = MultiSkillProblem {
            routing,
            service: vec![Dist::exponential(1.0).unwrap()],
            patience: vec![patience.map(|p| Dist::exponential(p).unwrap())],
            groups: vec![GroupPolicy::default()],
            targets: vec![QueueTargets {
                service_level: Some(target),
                ..QueueTargets::default()
            }],
        };
        let d = demand(&["A"], &[offered], aht);
        let plan = staff(&problem, &d, &options(400), &Silent).unwrap();
        assert_eq!(
            plan.agents.get(0, 0).get(),
            n,
            "case {patience:?} {offered} {target}: {:?}",
            plan.solves
        );
        assert_eq!(plan.bounds.separate, vec![n]);
        assert_eq!(plan.bounds.pooled, vec![n]);
        assert_ne!(plan.solves[0].termination, Termination::Infeasible);
    }
}

/// Two identical queues, a dedicated team each and a cross-skilled group serving both at one
/// priority level (longest wait first: one M/M/N queue), all at the same cost: the cheapest
/// plan pools completely, so its agents are the pooled Erlang C count, below all separate.
fn two_queue_problem(cross_cost: f64) -> MultiSkillProblem {
    let routing = Routing::new(
        vec![q("A"), q("B")],
        vec![
            (q("a_team"), vec![(q("A"), 0)]),
            (q("b_team"), vec![(q("B"), 0)]),
            (q("cross"), vec![(q("A"), 0), (q("B"), 0)]),
        ],
        crate::simulate::AgentSelection::MostSpecialised,
    )
    .unwrap();
    let sl = QueueTargets {
        service_level: Some(0.8),
        ..QueueTargets::default()
    };
    MultiSkillProblem {
        routing,
        service: vec![Dist::exponential(1.0).unwrap(); 2],
        patience: vec![None, None],
        groups: vec![
            GroupPolicy::default(),
            GroupPolicy::default(),
            GroupPolicy {
                cost_per_hour: cross_cost,
                ..GroupPolicy::default()
            },
        ],
        targets: vec![sl, sl],
    }
}

#[test]
fn pooling_is_optimal_when_cross_skill_is_free() {
    let problem = two_queue_problem(1.0);
    let d = demand(&["A", "B"], &[50.0], 180.0);
    let plan = staff(&problem, &d, &options(300), &Silent).unwrap();
    let total: u32 = (0..3).map(|g| plan.agents.get(g, 0).get()).sum();
    let pooled = erlang(Model::ErlangC, 100.0, 180.0, 0.8);
    let separate = 2 * erlang(Model::ErlangC, 50.0, 180.0, 0.8);
    assert_eq!(plan.bounds.pooled, vec![pooled]);
    assert_eq!(plan.bounds.separate.iter().sum::<u32>(), separate);
    assert!(pooled < separate, "{pooled} vs {separate}");
    assert_eq!(total, pooled, "{:?} {:?}", plan.agents, plan.solves);
}

#[test]
fn expensive_cross_skill_moves_toward_all_separate() {
    let d = demand(&["A", "B"], &[50.0, 30.0], 180.0);
    let cheap = staff(&two_queue_problem(1.05), &d, &options(100), &Silent).unwrap();
    let dear = staff(&two_queue_problem(3.0), &d, &options(100), &Silent).unwrap();
    let hours = |p: &MultiSkillPlan| p.agent_hours()[2];
    assert!(
        hours(&dear) < hours(&cheap),
        "{} vs {}",
        hours(&dear),
        hours(&cheap)
    );
    for p in [&cheap, &dear] {
        assert!(p.total_cost() <= p.bounds.separate_cost() + 1e-9);
    }
}

#[test]
fn the_same_plan_on_one_or_two_threads() {
    let problem = two_queue_problem(1.2);
    let d = demand(&["A", "B"], &[40.0, 55.0, 0.0, 20.0], 200.0);
    let mut o = options(40);
    o.repair_rounds = 2;
    let one = staff(&problem, &d, &o, &Silent).unwrap();
    o.threads = Some(2);
    let two = staff(&problem, &d, &o, &Silent).unwrap();
    assert_eq!(one.agents, two.agents);
    assert_eq!(one.solves, two.solves);
    assert_eq!(one.solves[2].termination, Termination::Idle);
}
