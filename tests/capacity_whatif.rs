//! Issue #15: what-ifs on a capacity plan compared side by side (each equal to solving the
//! changed plan file directly), and the weekly requirement derived from a reference period's
//! interval staffing scaled by a weekly forecast (the square-root rule recomputed here).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn wfm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .output()
        .expect("run wfm")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wfm-whatif-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Rows of a CSV as `column → text` lookups.
fn rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(r: &std::collections::BTreeMap<String, String>, c: &str) -> f64 {
    r[c].parse().unwrap_or_else(|_| panic!("{c}: {:?}", r[c]))
}

/// The total cost of a plan file solved on its own.
fn plan_cost(plan: &Path) -> f64 {
    let out = wfm(&[
        "capacity",
        "--plan",
        plan.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    rows(&String::from_utf8(out.stdout).unwrap())
        .iter()
        .map(|r| num(r, "cost"))
        .sum()
}

#[test]
fn what_ifs_are_the_changed_plans_side_by_side() {
    let dir = tmp("cmp");
    let sc = dir.join("scenarios.toml");
    std::fs::write(
        &sc,
        "schema_version = 1\n\
         [[scenario]]\nname = \"attrition +2 pp\"\nattrition_pp = 2\n\
         [[scenario]]\nname = \"volume +10%\"\nvolume = 1.10\n\
         [[scenario]]\nname = \"freeze\"\nhiring_freeze_weeks = [0, 26]\n",
    )
    .unwrap();
    let plan = root().join("models/capacity_plan.toml");
    let out = wfm(&[
        "capacity",
        "--plan",
        plan.to_str().unwrap(),
        "--scenarios",
        sc.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let t = rows(&String::from_utf8(out.stdout).unwrap());
    let names: Vec<&str> = t.iter().map(|r| r["scenario"].as_str()).collect();
    assert_eq!(names, ["plan", "attrition +2 pp", "volume +10%", "freeze"]);
    let base = &t[0];
    for r in &t {
        assert_eq!(r["status"], "optimal", "{r:?}");
        // Deltas are against the plan.
        for (d, c) in [
            ("delta_hires", "hires"),
            ("delta_cost", "cost"),
            ("delta_under_weeks", "under_weeks"),
        ] {
            assert!(
                (num(r, d) - (num(r, c) - num(base, c))).abs() < 0.011,
                "{d}: {r:?}"
            );
        }
    }
    // More volume costs more; a freeze of the first half-year leaves weeks short.
    assert!(num(&t[2], "cost") > num(base, "cost") && num(&t[2], "hires") >= num(base, "hires"));
    assert!(num(&t[3], "under_weeks") > num(base, "under_weeks"));
    // "+2 pp" is the plan file with annual_attrition 0.30 → 0.32, solved on its own.
    let text = std::fs::read_to_string(&plan)
        .unwrap()
        .replace("annual_attrition = 0.30", "annual_attrition = 0.32")
        .replace("\"capacity_requirement.csv\"", "\"req.csv\"");
    assert!(text.contains("0.32"));
    let changed = dir.join("plan.toml");
    std::fs::write(&changed, text).unwrap();
    std::fs::copy(
        root().join("models/capacity_requirement.csv"),
        dir.join("req.csv"),
    )
    .unwrap();
    let direct = plan_cost(&changed);
    let via = num(&t[1], "cost");
    assert!(
        (direct - via).abs() <= 1e-6 * direct + 0.011,
        "{direct} vs {via}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_requirement_follows_a_reference_staffing_scaled_by_the_forecast() {
    let dir = tmp("req");
    // One reference week (7 days) of queue Q, two 30-min intervals a day: 100 calls at 180 s
    // (10 Erlangs) staffed by 14 net agents.
    let mut staff = String::from("interval_start,queue,offered,aht_seconds,load_erlangs,agents\n");
    for d in 1..=7 {
        for t in ["10:00", "10:30"] {
            staff.push_str(&format!("1999-02-{d:02}T{t}:00,Q,100,180,10,14\n"));
        }
    }
    std::fs::write(dir.join("staff.csv"), staff).unwrap();
    // Weeks of 1400 calls (the reference), 2800 at AHT 198 s and 700; a week before the plan.
    std::fs::write(
        dir.join("weekly.csv"),
        "week_start,queue,forecast,aht_forecast\n\
         2027-01-04,Q,1400,\n2027-01-11,Q,2800,198\n2027-01-18,Q,700,\n2026-12-28,Q,1,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        "schema_version = 1\nstart = \"2027-01-04\"\nweeks = 3\n\
         requirement = { staffing = \"staff.csv\", forecast = \"weekly.csv\", hours_per_fte_week = 40 }\n\
         initial_productive = 2.0\nweekly_attrition = 0.0\nshrinkage = 0.0\n\
         [training]\nweeks = 1\nattrition = 0.0\nramp = []\n\
         [hiring]\nclass_starts = [0]\nmin_class = 1\nmax_class = 5\n\
         [costs]\nhire = 1.0\nclass = 1.0\nwage = 1.0\novertime = 1.0\nmax_overtime = 0.0\nunder = 100.0\n",
    )
    .unwrap();
    let out = wfm(&[
        "capacity",
        "--plan",
        dir.join("plan.toml").to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = rows(&String::from_utf8(out.stdout).unwrap());
    // N' = fR + β√(fR), β = (14 − 10)/√10; 14 intervals × 0.5 h ÷ 40 h.
    let beta = 4.0 / 10f64.sqrt();
    let fte = |f: f64| (f * 10.0 + beta * (f * 10.0).sqrt()) * 14.0 * 0.5 / 40.0;
    for (r, f) in t.iter().zip([1.0, 2.0 * 1.1, 0.5]) {
        let got = num(r, "required_fte");
        assert!((got - fte(f)).abs() < 0.5e-4, "{r:?}: expected {}", fte(f));
    }
    // The reference week gives back its own agent-hours: 14 agents × 7 h ÷ 40.
    assert!((num(&t[0], "required_fte") - 14.0 * 7.0 / 40.0).abs() < 0.5e-4);
    std::fs::remove_dir_all(&dir).ok();
}
