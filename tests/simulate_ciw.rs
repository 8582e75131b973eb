//! `wfm simulate` against ciw (Palmer et al. 2019, "Ciw: an open-source discrete event
//! simulation library", J. Simulation 13(1)) on a non-exponential case — lognormal handle times
//! (cv 1.5) and lognormal patience — where neither Erlang C nor Erlang A applies: SL, ASA and
//! abandonment agree within 3 standard errors (`scripts/sim_vs_ciw.py agree`). Skips, saying
//! so, when python3 or the `ciw` package (PyPI) is missing.

use std::process::Command;

#[test]
fn simulator_agrees_with_ciw_on_lognormal_service_and_patience() {
    let has_ciw = Command::new("python3")
        .args(["-c", "import ciw"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_ciw {
        eprintln!("skipped: python3 with the `ciw` package is not available (pip install ciw)");
        return;
    }
    let out = Command::new("python3")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "scripts/sim_vs_ciw.py",
            "agree",
            "--wfm",
            env!("CARGO_BIN_EXE_wfm"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("agree"), "{text}");
}
