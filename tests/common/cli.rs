//! The one runner of the `wfm` binary and the one scratch directory helper of the CLI tests
//! (`hardening.rs`, `plans_*.rs`). Include with `#[path = "common/cli.rs"] mod cli;`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Wall-clock bound of every run: nothing may hang (issue #16).
pub(crate) const NO_HANG: Duration = Duration::from_secs(60);

/// The binary under test: `WFM_BIN` when set (e.g. an older build), else this crate's.
pub(crate) fn bin() -> PathBuf {
    std::env::var_os("WFM_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_wfm")))
}

/// One finished run: exit code (-1 for a signal), stdout and stderr as text.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// `(code, stdout, stderr)`.
    pub(crate) fn parts(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

/// Runs `wfm ARGS` (no backtraces) and fails the test when it runs past [`NO_HANG`].
pub(crate) fn wfm<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let t = Instant::now();
    let out = Command::new(bin())
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run wfm");
    let args: Vec<_> = args.iter().map(|a| a.as_ref().to_owned()).collect();
    assert!(t.elapsed() < NO_HANG, "wfm {args:?} ran {:?}", t.elapsed());
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A scratch directory of this test binary's process, `<tmp>/wfm-<tag>-<pid>`, created.
pub(crate) fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wfm-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An error exit (1 or 2, never a panic or a signal) whose stderr contains every `needle`.
#[track_caller]
pub(crate) fn fails_with(r: &Run, needles: &[&str]) {
    assert!(
        r.code == 1 || r.code == 2,
        "expected exit 1 or 2, got {}\nstdout: {}\nstderr: {}",
        r.code,
        r.stdout,
        r.stderr
    );
    for n in needles {
        assert!(r.stderr.contains(n), "`{n}` not in: {}", r.stderr);
    }
}
