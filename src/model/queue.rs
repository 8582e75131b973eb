//! Queue identifiers and agent counts, the two nouns every stage shares.

/// A queue (ACD split / service type / skill), e.g. `PS`. Non-empty, at most 64 characters, no
/// commas, quotes or control characters (it is written unquoted into CSV keys downstream).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueId(String);

impl QueueId {
    /// Longest accepted queue name.
    pub const MAX_LEN: usize = 64;
    /// The name of all queues pooled together.
    pub const ALL: &'static str = "ALL";

    /// A queue id; `None` when `name` is empty (after trimming), too long, or contains a comma,
    /// a quote or a control character.
    pub fn new(name: &str) -> Option<Self> {
        Self::validate(name).map(|t| QueueId(t.to_string()))
    }
    /// The pooled pseudo-queue [`QueueId::ALL`].
    pub fn all() -> Self {
        QueueId(Self::ALL.to_string())
    }
    /// The trimmed name when it is a valid queue id (see [`QueueId::new`]), without allocating.
    pub(crate) fn validate(name: &str) -> Option<&str> {
        let t = name.trim();
        let ok = !t.is_empty()
            && t.len() <= Self::MAX_LEN
            && !t.chars().any(|c| c.is_control() || c == ',' || c == '"');
        ok.then_some(t)
    }
    /// The queue name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for QueueId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for QueueId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A whole number of agents (people in seats): net, scheduled or recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Agents(pub u32);

impl Agents {
    /// The count.
    pub fn get(self) -> u32 {
        self.0
    }
    /// As a real number (for sums and rates).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0)
    }
}

impl std::fmt::Display for Agents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_ids_are_validated_once() {
        assert_eq!(QueueId::new("  PS ").unwrap().as_str(), "PS");
        assert!(QueueId::new("").is_none());
        assert!(QueueId::new("a,b").is_none());
        assert!(QueueId::new("a\"b").is_none());
        assert!(QueueId::new(&"x".repeat(65)).is_none());
        assert_eq!(QueueId::all().as_str(), "ALL");
        assert_eq!(Agents(3).as_f64(), 3.0);
    }
}
