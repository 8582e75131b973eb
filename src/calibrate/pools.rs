//! Agent pools from who served what.
//!
//! Every agent who answered calls has a *home queue*: the queue most of their answered calls
//! came from (ties: the queue name first in order). The agents sharing a home queue form a
//! *team*. Each queue belongs to the team that answered the majority of its calls (the
//! plurality when no team has a majority); the queues of one team form a pool, and the team's
//! agents are its members. A pool of one queue is a *dedicated* pool, named after its queue;
//! the pool with several queues is the shared pool ([`SHARED_POOL`]; further multi-queue pools
//! are named after their queues joined by `+`).
//!
//! The rule has no tuned share: an internet desk whose agents take mostly internet calls but
//! help out on the main queue, and whose queue the main team sometimes answers, is still a
//! dedicated pool; queues that the main team answers (even the small ones whose calls make
//! nobody's majority) are in the shared pool. A center that knows its teams overrides the
//! result in `calibration.toml` (`[[pools]]`).

use std::collections::BTreeMap;

use super::CallSample;

/// The name of the pool of several queues (the main team's).
pub const SHARED_POOL: &str = "SHARED";

/// One detected pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolDetection {
    /// Pool name: the queue's name for a dedicated team, else [`SHARED_POOL`].
    pub name: String,
    /// Its queues.
    pub queues: Vec<String>,
    /// Agents of the pool's team (their home queue is one of its queues).
    pub agents: usize,
    /// Per queue: share of its answered calls taken by the pool's team.
    pub specialist_share: Vec<f64>,
    /// Answered calls of the pool's queues with a named agent.
    pub calls: usize,
    /// The team's agents, sorted.
    pub members: Vec<String>,
}

/// Per agent: calls per queue, from the answered calls that name their agent.
fn calls_by_agent(samples: &[CallSample]) -> BTreeMap<&str, BTreeMap<&str, usize>> {
    let mut by_agent: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for s in samples {
        if let (true, Some(a)) = (s.answered, s.server.as_deref()) {
            *by_agent.entry(a).or_default().entry(&s.queue).or_default() += 1;
        }
    }
    by_agent
}

/// Pools from the answered calls that name their agent (others are ignored); see the module
/// docs. Pools are sorted by name.
pub fn detect_pools(samples: &[CallSample]) -> Vec<PoolDetection> {
    let by_agent = calls_by_agent(samples);
    // Home queue of every agent (most calls; ties to the first queue name).
    let home: BTreeMap<&str, &str> = by_agent
        .iter()
        .filter_map(|(&a, m)| {
            m.iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(&q, _)| (a, q))
        })
        .collect();
    // queue → team (home queue) → calls.
    let mut served: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (a, m) in &by_agent {
        for (&q, &c) in m {
            *served.entry(q).or_default().entry(home[a]).or_default() += c;
        }
    }
    // Each queue joins the team that took most of its calls.
    let mut pools: BTreeMap<&str, Vec<(&str, f64, usize)>> = BTreeMap::new();
    for (&q, teams) in &served {
        let total: usize = teams.values().sum();
        let (&team, &c) = teams
            .iter()
            .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
            .expect("a served queue has a team");
        pools
            .entry(team)
            .or_default()
            .push((q, c as f64 / total as f64, total));
    }
    let mut out: Vec<PoolDetection> = pools
        .into_iter()
        .map(|(team, qs)| {
            let queues: Vec<String> = qs.iter().map(|x| x.0.to_string()).collect();
            // The team's agents: home queue is the team's queue or one of the pool's queues.
            let members: Vec<String> = home
                .iter()
                .filter(|(_, &h)| h == team || qs.iter().any(|x| x.0 == h))
                .map(|(&a, _)| a.to_string())
                .collect();
            PoolDetection {
                name: if queues.len() == 1 {
                    queues[0].clone()
                } else {
                    queues.join("+")
                },
                agents: members.len(),
                specialist_share: qs.iter().map(|x| x.1).collect(),
                calls: qs.iter().map(|x| x.2).sum(),
                queues,
                members,
            }
        })
        .collect();
    // The multi-queue pool answering the most calls is the shared pool.
    if let Some(main) = out
        .iter_mut()
        .filter(|p| p.queues.len() > 1)
        .max_by(|a, b| a.calls.cmp(&b.calls).then(b.name.cmp(&a.name)))
    {
        main.name = SHARED_POOL.to_string();
    }
    // A team whose home queue joined another pool has no queue of its own: its agents serve
    // that pool.
    let mut placed: Vec<String> = out.iter().flat_map(|p| p.members.clone()).collect();
    placed.sort();
    for (&a, &h) in &home {
        if placed.binary_search(&a.to_string()).is_err() {
            if let Some(p) = out.iter_mut().find(|p| p.queues.iter().any(|q| q == h)) {
                p.members.push(a.to_string());
                p.members.sort();
                p.agents = p.members.len();
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(q: &str, agent: &str) -> CallSample {
        CallSample {
            queue: q.into(),
            queued: true,
            answered: true,
            wait_secs: 0.0,
            handle_secs: 60.0,
            server: Some(agent.into()),
            service_start: None,
        }
    }

    #[test]
    fn a_dedicated_team_is_its_own_pool() {
        let mut s = Vec::new();
        for i in 0..50 {
            s.push(call("IN", if i % 2 == 0 { "x" } else { "y" }));
            s.push(call("PS", if i % 2 == 0 { "a" } else { "b" }));
            if i % 2 == 0 {
                s.push(call("NE", if i % 4 == 0 { "a" } else { "b" }));
            }
        }
        let p = detect_pools(&s);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].queues, vec!["IN".to_string()]);
        assert_eq!(p[0].agents, 2);
        assert_eq!(p[1].name, SHARED_POOL);
        assert_eq!(p[1].queues, vec!["NE".to_string(), "PS".to_string()]);
        assert_eq!(p[1].members, vec!["a".to_string(), "b".to_string()]);
    }

    #[test]
    fn a_desk_that_helps_out_and_is_helped_stays_dedicated() {
        // The internet desk (x, y) takes 70 % internet calls and 30 % of its calls from PS;
        // the main team (a, b, c) answers a quarter of the internet calls. A share threshold
        // of 80 % would call neither x nor y a specialist and put IN in the shared pool.
        let mut s = Vec::new();
        for i in 0..100 {
            let desk = if i % 2 == 0 { "x" } else { "y" };
            if i % 10 < 7 {
                s.push(call("IN", desk));
            } else {
                s.push(call("PS", desk));
            }
            if i % 4 == 0 {
                s.push(call("IN", "c"));
            }
            s.push(call("PS", ["a", "b", "c"][i % 3]));
            s.push(call("PS", ["a", "b", "c"][(i + 1) % 3]));
            s.push(call("NW", ["a", "b", "c"][i % 3]));
        }
        let p = detect_pools(&s);
        let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["IN", SHARED_POOL]);
        assert_eq!(p[0].members, vec!["x".to_string(), "y".to_string()]);
        assert_eq!(p[1].queues, vec!["NW".to_string(), "PS".to_string()]);
        // 70 of the desk's calls out of 95 internet calls.
        assert!((p[0].specialist_share[0] - 70.0 / 95.0).abs() < 1e-12);
    }

    #[test]
    fn small_queues_served_by_the_main_team_are_shared() {
        // Anonymous Bank, January 1999 in miniature: everyone's home queue is PS; NW, TT and IN
        // are answered by the same agents: one shared pool.
        let mut s = Vec::new();
        for i in 0..60 {
            let a = ["a", "b", "c", "d"][i % 4];
            s.push(call("PS", a));
            if i % 3 == 0 {
                s.push(call("NW", a));
            }
            if i % 20 == 0 {
                s.push(call("IN", a));
            }
        }
        let p = detect_pools(&s);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].name, SHARED_POOL);
        assert_eq!(p[0].agents, 4);
    }
}
