//! One vocabulary for the flags every command shares: `--sl TARGET/THRESHOLD`, and the usage
//! error (exit code 2) for an argument value found invalid after parsing.
//!
//! Convention (docs/cli.md): a service level is written `80/20` on the command line — 80 % of
//! offered calls answered within 20 s. Human output (`--format table`) shows percentages;
//! CSV and JSON carry fractions (0.8), so that a spreadsheet or a program never has to guess.

use std::fmt;

/// An invalid argument value found after clap parsed the command line (a value outside its
/// domain, a flag combination that makes no sense). `main` exits with the usage code 2 for it,
/// like clap does for the values it rejects itself.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error as an `anyhow::Error` (exit code 2).
pub(crate) fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// Whether `e` is (or wraps) a [`UsageError`].
pub(crate) fn is_usage(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<UsageError>().is_some())
}

/// `--sl TARGET/THRESHOLD`: a service-level target and its answer-time threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sl {
    /// The target as a fraction in (0, 1] (`80` on the command line → 0.8).
    pub(crate) target: f64,
    /// The answer-time threshold in whole seconds.
    pub(crate) threshold_secs: u32,
}

impl fmt::Display for Sl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", 100.0 * self.target, self.threshold_secs)
    }
}

/// Help text of every `--sl` flag.
pub(crate) const SL_HELP: &str = "Service level as TARGET/THRESHOLD: `80/20` = 80 % of offered \
calls answered within 20 s (the target in percent, `80` or `80%`; the threshold in seconds, \
`20`, `20s` or `1m`)";

/// Parses `80/20`, `80%/20s`, `92.5/1m`.
///
/// # Errors
/// A message saying what to write instead (clap turns it into exit code 2): a missing `/`, a
/// target outside (0, 100] % or written as a fraction (`0.8/20`), a threshold that is not a
/// whole number of seconds up to one hour.
pub(crate) fn parse_sl(text: &str) -> Result<Sl, String> {
    let Some((t, s)) = text.split_once('/') else {
        return Err(format!(
            "`{text}` is not TARGET/THRESHOLD: write e.g. 80/20 (80 % answered within 20 s)"
        ));
    };
    let t = t.trim();
    let pct: f64 = t
        .strip_suffix('%')
        .unwrap_or(t)
        .trim()
        .parse()
        .map_err(|_| format!("target `{t}` is not a percentage: write e.g. 80/20"))?;
    if !(pct.is_finite() && pct > 0.0 && pct <= 100.0) {
        return Err(format!(
            "target {t} is outside (0, 100] %: write e.g. 80/20"
        ));
    }
    if pct < 1.0 && !t.ends_with('%') {
        return Err(format!(
            "target {t} looks like a fraction: the target is a percentage, write {}/{} (or {t}%/{} if you mean {t} %)",
            pct * 100.0,
            s.trim(),
            s.trim()
        ));
    }
    let secs = wfm::units::parse_duration_secs(s).map_err(|_| {
        format!(
            "threshold `{}` is not a duration in seconds: write e.g. 80/20 or 80/20s",
            s.trim()
        )
    })?;
    if !(1..=3600).contains(&secs) {
        return Err(format!("threshold {} s is outside 1 s … 1 h", secs));
    }
    Ok(Sl {
        target: pct / 100.0,
        threshold_secs: secs as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sl_forms() {
        let want = Sl {
            target: 0.8,
            threshold_secs: 20,
        };
        for t in ["80/20", "80%/20s", " 80 % / 20 ", "80/20s"] {
            assert_eq!(parse_sl(t).unwrap(), want, "{t}");
        }
        let s = parse_sl("92.5/1m").unwrap();
        assert!((s.target - 0.925).abs() < 1e-12);
        assert_eq!(s.threshold_secs, 60);
        assert_eq!(parse_sl("0.5%/10").unwrap().target, 0.005);
    }

    #[test]
    fn sl_errors_say_what_to_write() {
        for (t, needle) in [
            ("90", "TARGET/THRESHOLD"),
            ("0.8/20", "write 80/20"),
            ("120/20", "outside (0, 100]"),
            ("0/20", "outside (0, 100]"),
            ("80/x", "not a duration"),
            ("80/0", "outside 1 s"),
            ("abc/20", "not a percentage"),
        ] {
            let e = parse_sl(t).unwrap_err();
            assert!(e.contains(needle), "{t}: {e}");
        }
    }
}
