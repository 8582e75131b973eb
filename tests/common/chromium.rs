//! The Chromium check of a rendered report, shared by `audit_report.rs` (the small fixture) and
//! `demo.rs` (the demo's own report): `scripts/report_screenshot.sh` renders the page, checks
//! every `data-view` and chart and the console, takes a screenshot, then loads the page again
//! with JavaScript disabled (`scripts/report_nojs.py`) and checks every view is still shown.

use std::path::Path;
use std::process::Command;

/// The Chromium binary, when installed (the tests that need it skip and say so otherwise).
pub(crate) fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

/// Runs the screenshot script on `dir` (screenshot `shot`, optionally of one `view` only at
/// `height` px) with `REPORT_QUEUES` = `queues`; panics with its output when a check fails;
/// returns its stdout.
pub(crate) fn check_report(
    chromium: &str,
    dir: &Path,
    shot: &Path,
    view: Option<(&str, u32)>,
    queues: &[String],
) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("scripts/report_screenshot.sh"))
        .arg(dir)
        .arg(shot);
    if let Some((id, height)) = view {
        cmd.arg(id).arg(height.to_string());
    }
    let out = cmd
        .env("CHROMIUM", chromium)
        .env("REPORT_QUEUES", queues.join(" "))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "script failed ({:?}):\n{stdout}\n{stderr}",
        out.status.code()
    );
    let png = std::fs::read(shot).unwrap();
    assert_eq!(&png[1..4], b"PNG", "{}", shot.display());
    stdout
}

/// Asserts the script found each chart drawn, and each view with content, in the page with
/// JavaScript and visible in the page without it.
pub(crate) fn assert_shown<'a>(
    stdout: &str,
    charts: impl IntoIterator<Item = &'a str>,
    views: impl IntoIterator<Item = &'a str>,
) {
    for id in charts {
        assert!(
            stdout.contains(&format!("chart {id:<26} ok")),
            "case chart {id}: {stdout}"
        );
    }
    assert!(
        stdout.contains("javascript disabled: control page kept its static text"),
        "{stdout}"
    );
    for v in views {
        assert!(
            stdout.contains(&format!("view {v:<27} ok")),
            "case view {v}: {stdout}"
        );
        assert!(
            stdout.contains(&format!("nojs view {v:<22} visible")),
            "case view {v} without JavaScript: {stdout}"
        );
    }
}
