//! What-if scenarios (placeholder replaced below).
