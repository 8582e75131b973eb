//! Routing: which agent groups serve which queues, in which priority, and which idle agent
//! takes an arriving call.
//!
//! A [`Routing`] names the queues and the agent groups (pools). Each group has *skills*: the
//! queues it serves, each with a priority (smaller = served first). The rules, the usual
//! "static priority" skills-based routing of ACDs (Gans, Koole & Mandelbaum 2003, §5; Koole,
//! *Call Center Optimization*, 2013, ch. 6):
//! - **an agent becoming free** takes the next call from the queues of its group's
//!   highest-priority (smallest number) non-empty skill level; among queues of equal priority,
//!   the call that has waited longest; within a queue, first come, first served;
//! - **an arriving call** that finds idle agents in several groups goes to the group chosen by
//!   [`AgentSelection`].
//!
//! The single-skill cases are routings too: [`Routing::dedicated`] (one group per queue) and
//! [`Routing::pooled`] (one group serving every queue at equal priority).

use super::SimulateError;
use crate::model::QueueId;

/// Which group's idle agent takes an arriving call when several groups have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgentSelection {
    /// The group for which the call's queue has the best (smallest) priority, then the group
    /// with the fewest skills (keep cross-skilled agents free for the queues only they can
    /// serve), then the first group in routing order. The default.
    #[default]
    MostSpecialised,
    /// The group whose agent has been idle longest (fairness between groups).
    LongestIdle,
}

/// One agent group (pool) and the queues it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The group's name (the key of its agents in the staffing input).
    pub id: QueueId,
    /// `(queue index in the routing, priority)`, smaller priority served first.
    skills: Vec<(usize, u32)>,
}

impl Group {
    /// The queues this group serves with their priorities, as indices into
    /// [`Routing::queues`].
    pub fn skills(&self) -> &[(usize, u32)] {
        &self.skills
    }
}

/// Queues, agent groups and the routing rule between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    queues: Vec<QueueId>,
    groups: Vec<Group>,
    selection: AgentSelection,
    /// Per queue: the groups serving it, best first under [`AgentSelection::MostSpecialised`].
    servers: Vec<Vec<usize>>,
}

impl Routing {
    /// A routing over `queues` and `groups` given as `(group id, [(queue id, priority)])`.
    ///
    /// # Errors
    /// [`SimulateError::Routing`] when a queue or group occurs twice, a skill names an unknown
    /// queue, a group has no skill, or a queue is served by no group.
    pub fn new(
        queues: Vec<QueueId>,
        groups: Vec<(QueueId, Vec<(QueueId, u32)>)>,
        selection: AgentSelection,
    ) -> Result<Self, SimulateError> {
        let bad = |m: String| Err(SimulateError::Routing(m));
        for (i, q) in queues.iter().enumerate() {
            if queues[..i].contains(q) {
                return bad(format!("queue `{q}` occurs twice"));
            }
        }
        let mut out = Vec::with_capacity(groups.len());
        for (id, skills) in groups {
            if out.iter().any(|g: &Group| g.id == id) {
                return bad(format!("group `{id}` occurs twice"));
            }
            if skills.is_empty() {
                return bad(format!("group `{id}` serves no queue"));
            }
            let mut sk = Vec::with_capacity(skills.len());
            for (q, prio) in skills {
                let Some(qi) = queues.iter().position(|x| *x == q) else {
                    return bad(format!("group `{id}` serves unknown queue `{q}`"));
                };
                if sk.iter().any(|&(x, _)| x == qi) {
                    return bad(format!("group `{id}` lists queue `{q}` twice"));
                }
                sk.push((qi, prio));
            }
            out.push(Group { id, skills: sk });
        }
        let mut servers = vec![Vec::new(); queues.len()];
        for (q, s) in servers.iter_mut().enumerate() {
            let mut v: Vec<(u32, usize, usize)> = out
                .iter()
                .enumerate()
                .filter_map(|(g, grp)| {
                    grp.skills
                        .iter()
                        .find(|&&(x, _)| x == q)
                        .map(|&(_, p)| (p, grp.skills.len(), g))
                })
                .collect();
            if v.is_empty() {
                return bad(format!("queue `{}` is served by no group", queues[q]));
            }
            v.sort_unstable();
            *s = v.into_iter().map(|(_, _, g)| g).collect();
        }
        Ok(Routing {
            queues,
            groups: out,
            selection,
            servers,
        })
    }

    /// One group per queue, named like the queue (single-skill, separate pools).
    pub fn dedicated(queues: Vec<QueueId>) -> Self {
        let groups = queues
            .iter()
            .map(|q| (q.clone(), vec![(q.clone(), 0)]))
            .collect();
        Self::new(queues, groups, AgentSelection::default())
            .expect("one group per distinct queue is a valid routing")
    }

    /// One group named `pool` serving every queue at equal priority (longest wait first).
    ///
    /// # Errors
    /// [`SimulateError::Routing`] when `queues` is empty or repeats a queue.
    pub fn pooled(queues: Vec<QueueId>, pool: QueueId) -> Result<Self, SimulateError> {
        let skills = queues.iter().map(|q| (q.clone(), 0)).collect();
        Self::new(queues, vec![(pool, skills)], AgentSelection::default())
    }

    /// The queues, in routing order (the order of the demand panel's queues is mapped to it).
    pub fn queues(&self) -> &[QueueId] {
        &self.queues
    }
    /// The agent groups.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }
    /// The agent-selection rule.
    pub fn selection(&self) -> AgentSelection {
        self.selection
    }
    /// The groups serving queue `q`, best first (see [`AgentSelection::MostSpecialised`]).
    pub fn servers(&self, q: usize) -> &[usize] {
        &self.servers[q]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> QueueId {
        QueueId::new(s).unwrap()
    }

    #[test]
    fn specialists_are_preferred_and_errors_are_named() {
        let r = Routing::new(
            vec![q("A"), q("B")],
            vec![
                (q("cross"), vec![(q("A"), 1), (q("B"), 1)]),
                (q("a_team"), vec![(q("A"), 1)]),
                (q("b_team"), vec![(q("B"), 0)]),
            ],
            AgentSelection::MostSpecialised,
        )
        .unwrap();
        assert_eq!(r.servers(0), &[1, 0]);
        assert_eq!(r.servers(1), &[2, 0]);
        let e = Routing::new(
            vec![q("A"), q("B")],
            vec![(q("g"), vec![(q("A"), 0)])],
            AgentSelection::default(),
        );
        assert!(e
            .unwrap_err()
            .to_string()
            .contains("`B` is served by no group"));
        let e = Routing::new(
            vec![q("A")],
            vec![(q("g"), vec![(q("Z"), 0)])],
            AgentSelection::default(),
        );
        assert!(e.unwrap_err().to_string().contains("unknown queue `Z`"));
    }
}
