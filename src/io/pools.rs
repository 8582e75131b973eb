//! Agent pools (skill groups) as `[[pools]]` `name`, `queues` of a TOML file: `wfm calibrate`'s
//! `calibration.toml` or a planner's file (`wfm audit --pools`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::io::table::TableError;

/// One `[[pools]]` entry as the audit needs it: a name and its queues.
#[derive(Debug, Deserialize)]
struct PoolOnly {
    name: String,
    queues: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PoolsOnly {
    #[serde(default)]
    pools: Vec<PoolOnly>,
}

/// The agent pools of a TOML file with `[[pools]]` entries (`name`, `queues`; other keys, and
/// other tables, are ignored): `wfm calibrate`'s `calibration.toml`, or a file a planner writes
/// with the skill groups of the center. Returns `(name, queues)` in file order.
///
/// # Errors
/// [`TableError::Toml`] for a syntax error, a pool without `name` or `queues`, an empty pool,
/// or a pool name given twice.
pub fn read_pools(path: &Path) -> Result<Vec<(String, Vec<String>)>, TableError> {
    let f: PoolsOnly = crate::io::table::read_toml(path)?;
    let err = |message: String| TableError::Toml {
        path: PathBuf::from(path),
        message,
    };
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for p in f.pools {
        if p.queues.is_empty() {
            return Err(err(format!("pool `{}` has no queues", p.name)));
        }
        if out.iter().any(|(n, _)| *n == p.name) {
            return Err(err(format!("pool `{}` is given twice", p.name)));
        }
        out.push((p.name, p.queues));
    }
    Ok(out)
}
