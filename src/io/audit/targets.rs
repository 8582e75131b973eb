//! Reading a KPI targets file (`--targets`, TOML; the format is documented in
//! [`crate::audit::targets`]) into validated [`Targets`].

use std::path::Path;

use crate::audit::targets::{Target, Targets, DEFAULT_NEAR_BAND};
use crate::audit::{AuditError, Better, KpiKey, Scope};

fn bad(path: &Path, field: &str, message: String) -> AuditError {
    AuditError::Targets {
        path: path.to_path_buf(),
        field: field.to_string(),
        message,
    }
}

impl Targets {
    /// Reads a targets file (see the module docs).
    ///
    /// # Errors
    /// TOML errors with line and column; [`AuditError::Targets`] for an unknown KPI, a
    /// non-finite value, a negative band or an unknown `better`.
    pub fn read(path: &Path) -> Result<Targets, AuditError> {
        let raw = crate::io::targets::read_targets(path)?;
        if raw.schema_version != 1 {
            return Err(bad(
                path,
                "schema_version",
                format!("expected 1, got {}", raw.schema_version),
            ));
        }
        let band = raw.near_band.unwrap_or(DEFAULT_NEAR_BAND);
        if !(band.is_finite() && band >= 0.0) {
            return Err(bad(
                path,
                "near_band",
                format!("expected a number ≥ 0, got {band}"),
            ));
        }
        let mut out = Targets::new();
        for (i, t) in raw.targets.iter().enumerate() {
            let at = |f: &str| format!("target[{}].{f}", i + 1);
            let key = KpiKey::parse(&t.kpi).ok_or_else(|| {
                bad(
                    path,
                    &at("kpi"),
                    format!("unknown KPI `{}` (keys: docs/audit.md)", t.kpi),
                )
            })?;
            if !t.value.is_finite() {
                return Err(bad(
                    path,
                    &at("value"),
                    format!("expected a finite number, got {}", t.value),
                ));
            }
            let better = match t.better.as_deref() {
                None => key.def().better,
                Some("higher") => Better::Higher,
                Some("lower") => Better::Lower,
                Some("closer") => Better::Closer,
                Some(o) => {
                    return Err(bad(
                        path,
                        &at("better"),
                        format!("expected higher, lower or closer, got `{o}`"),
                    ))
                }
            };
            let factor = key.def().unit.display_factor();
            let value = t.value / factor;
            let near = match t.near {
                Some(n) if !(n.is_finite() && n >= 0.0) => {
                    return Err(bad(
                        path,
                        &at("near"),
                        format!("expected a number ≥ 0, got {n}"),
                    ))
                }
                Some(n) => n / factor,
                None => band * value.abs(),
            };
            let scope = t.queue.clone().map_or(Scope::All, Scope::Queue);
            out.set(
                key,
                scope,
                Target {
                    value,
                    better,
                    near,
                    origin: format!("targets file {}", path.display()),
                },
            );
        }
        Ok(out)
    }
}
