//! Agent pools from who served what.
//!
//! An agent is a *specialist* of queue `q` when at least [`SPECIALIST_SHARE`] of the calls
//! they answered came from `q`. A queue is served by a *dedicated team* when at least
//! [`DEDICATED_SHARE`] of its answered calls were taken by its specialists; every other queue
//! belongs to the shared pool. The shares are stated, not fitted to any file; a center that
//! knows its teams overrides the result in `calibration.toml` (`[[pools]]`).

use std::collections::BTreeMap;

use super::CallSample;

/// Share of an agent's calls from one queue that makes them its specialist.
pub const SPECIALIST_SHARE: f64 = 0.8;
/// Share of a queue's calls taken by its specialists that makes its team dedicated.
pub const DEDICATED_SHARE: f64 = 0.8;
/// The name of the pool of queues without a dedicated team.
pub const SHARED_POOL: &str = "SHARED";

/// One detected pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolDetection {
    /// Pool name: the queue's name for a dedicated team, else [`SHARED_POOL`].
    pub name: String,
    /// Its queues.
    pub queues: Vec<String>,
    /// Agents who answered at least one call of the pool's queues.
    pub agents: usize,
    /// Per queue: share of its answered calls taken by its specialists.
    pub specialist_share: Vec<f64>,
    /// Answered calls with a named agent.
    pub calls: usize,
}

/// Pools from the answered calls that name their agent (others are ignored).
pub fn detect_pools(samples: &[CallSample]) -> Vec<PoolDetection> {
    let mut by_agent: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for s in samples {
        if let (true, Some(a)) = (s.answered, s.server.as_deref()) {
            *by_agent.entry(a).or_default().entry(&s.queue).or_default() += 1;
        }
    }
    // queue → (calls, calls by its specialists, agents)
    let mut queues: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for per_queue in by_agent.values() {
        let total: usize = per_queue.values().sum();
        for (&q, &c) in per_queue {
            let e = queues.entry(q).or_default();
            e.0 += c;
            e.2 += 1;
            if c as f64 >= SPECIALIST_SHARE * total as f64 {
                e.1 += c;
            }
        }
    }
    let mut shared = PoolDetection {
        name: SHARED_POOL.to_string(),
        queues: Vec::new(),
        agents: 0,
        specialist_share: Vec::new(),
        calls: 0,
    };
    let mut out = Vec::new();
    for (&q, &(calls, spec, _)) in &queues {
        let share = spec as f64 / calls as f64;
        let agents = by_agent.values().filter(|m| m.contains_key(q)).count();
        if share >= DEDICATED_SHARE {
            out.push(PoolDetection {
                name: q.to_string(),
                queues: vec![q.to_string()],
                agents,
                specialist_share: vec![share],
                calls,
            });
        } else {
            shared.queues.push(q.to_string());
            shared.specialist_share.push(share);
            shared.calls += calls;
        }
    }
    if !shared.queues.is_empty() {
        shared.agents = by_agent
            .values()
            .filter(|m| shared.queues.iter().any(|q| m.contains_key(q.as_str())))
            .count();
        out.push(shared);
    }
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
        }
    }

    #[test]
    fn a_dedicated_team_is_its_own_pool() {
        let mut s = Vec::new();
        for i in 0..50 {
            s.push(call("IN", if i % 2 == 0 { "x" } else { "y" }));
            s.push(call("PS", if i % 3 == 0 { "a" } else { "b" }));
            s.push(call("NE", if i % 2 == 0 { "a" } else { "b" }));
        }
        let p = detect_pools(&s);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].queues, vec!["IN".to_string()]);
        assert_eq!(p[0].agents, 2);
        assert_eq!(p[1].name, SHARED_POOL);
        assert_eq!(p[1].queues, vec!["NE".to_string(), "PS".to_string()]);
    }
}
