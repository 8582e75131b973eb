//! `wfm demo` — the README's first quickstart command — runs the whole pipeline on the sample
//! data embedded in the binary (from any directory, no repository needed) and writes every
//! stage's output and the HTML report.

use std::process::Command;

#[path = "common/chromium.rs"]
mod chromium;
#[path = "demo/plans.rs"]
mod plans;

#[test]
fn demo_runs_the_pipeline_on_the_sample_data() {
    let out = std::env::temp_dir().join(format!("wfm-demo-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    // Run from a directory without data/ or models/: the samples come from the binary.
    let cwd = std::env::temp_dir();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_wfm"))
            .current_dir(&cwd)
            .args(["demo", "--out"])
            .arg(&out)
            .output()
            .expect("wfm runs")
    };
    let o = run();
    let screen = String::from_utf8_lossy(&o.stdout).into_owned();
    // What the demo printed and what its steps said (kept in logs/).
    let mut stderr = format!("{screen}{}", String::from_utf8_lossy(&o.stderr));
    if let Ok(logs) = std::fs::read_dir(out.join("logs")) {
        let mut logs: Vec<_> = logs.map(|e| e.unwrap().path()).collect();
        logs.sort();
        for p in logs {
            stderr.push_str(&std::fs::read_to_string(&p).unwrap());
        }
    }
    assert!(o.status.success(), "wfm demo failed:\n{stderr}");
    // One screen: a title, per step a headline and its command, the closing lines.
    assert!(screen.lines().count() <= 24, "{screen}");
    assert!(
        screen.contains("07_report/index.html in a browser"),
        "{screen}"
    );
    // The sample inputs are written next to the outputs, so the printed commands re-run.
    assert!(out.join("data/anonbank/january_01-14.txt").is_file());
    assert!(out.join("models/shifts.toml").is_file());
    assert!(out.join("commands.sh").is_file());
    for f in [
        "01_ingest_jan01-14.csv",
        "02_forecast_feb.csv",
        "02_forecast_feb.csv.meta.json",
        "03_staff_feb.csv",
        "04_scenarios.csv",
        "05_schedule/plan.csv",
        "05_schedule/coverage.csv",
        "05_schedule/summary.json",
        "06_capacity_plan.csv",
        "07_report/index.html",
    ] {
        let p = out.join(f);
        let len = std::fs::metadata(&p)
            .unwrap_or_else(|e| panic!("{} missing: {e}\n{stderr}", p.display()))
            .len();
        assert!(len > 0, "{} is empty", p.display());
    }
    // Every record of the raw sample is accounted for, and the step commands are printed.
    assert!(stderr.contains("15528 read, 15528 used"), "{stderr}");
    assert!(stderr.contains("$ wfm forecast --history"), "{stderr}");
    assert!(screen.contains("15528 read, 15528 used"), "{screen}");
    assert!(screen.contains("$ wfm forecast --history"), "{screen}");
    // The schedule plans the first full week of the month's requirement.
    assert!(
        stderr.contains("planning 7 of the requirement's 28 day(s), from day 6"),
        "{stderr}"
    );
    // The forecast covers all of February for every queue.
    let fc = std::fs::read_to_string(out.join("02_forecast_feb.csv")).unwrap();
    assert!(fc.lines().skip(1).any(|l| l.starts_with("1999-02-28")));
    assert!(fc.lines().skip(1).all(|l| l.starts_with("1999-02-")));
    // Golden outputs: the data stages are byte-identical to the committed fingerprints
    // (tests/fixtures/demo_golden.txt). A change that
    // alters them on purpose re-blesses with `WFM_BLESS=1 cargo test --test demo` and says why in
    // its commit.
    check_golden(&out);
    // The schedule stops on its node limit (deterministic) at 1472 paid agent-hours within
    // 0.27 % of the bound 1468 (with a wall-clock limit a busy machine used to return the greedy
    // warm start instead). Before the relative local level of `svd`'s first component (issue
    // #17 stress tests) the February forecast gave 1508 within 0.27 % of 1504; before issue #17's `svd` candidate (in place of `decomposition`) the
    // February forecast gave 1524 within 1.05 % of 1508; before its ensemble shape and profile across queues the
    // February forecast gave 1512 within 0.53 % of 1504; before its level-corrected interval
    // filter, 1508 within 0.80 % of 1496; before its outlier days and better-half `auto`
    // ensemble, 1432 within 0.28 % of 1428.
    let summary = std::fs::read_to_string(out.join("05_schedule/summary.json")).unwrap();
    assert!(
        summary.contains("\"paid_agent_hours\": 1472.0"),
        "{summary}"
    );
    assert!(summary.contains("\"status\": \"node_limit\""), "{summary}");
    check_bases(&out, env!("CARGO_MANIFEST_DIR"));
    check_report(&out);
    plans::check_evaluate(&out);
    plans::check_scoped_scenario(&out);
    // A second run replaces the previous outputs instead of failing on them.
    let o = run();
    assert!(
        o.status.success(),
        "second run failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::remove_dir_all(&out).ok();
}

/// FNV-1a, 64 bit: a fingerprint of an output file (no hashing crate needed for a test).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

// The schedule is stopped by a node limit (a deterministic work limit), not by wall-clock time,
// so its plan, coverage and summary are pinned too.
const GOLDEN_FILES: [&str; 8] = [
    "01_ingest_jan01-14.csv",
    "02_forecast_feb.csv",
    "03_staff_feb.csv",
    "04_scenarios.csv",
    "05_schedule/plan.csv",
    "05_schedule/coverage.csv",
    "05_schedule/summary.json",
    "06_capacity_plan.csv",
];

fn check_golden(out: &std::path::Path) {
    let golden =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo_golden.txt");
    let actual: Vec<String> = GOLDEN_FILES
        .iter()
        .map(|f| {
            let bytes = std::fs::read(out.join(f)).unwrap();
            format!("{f} {:016x} {}", fnv1a(&bytes), bytes.len())
        })
        .collect();
    if std::env::var_os("WFM_BLESS").is_some() {
        std::fs::write(&golden, actual.join("\n") + "\n").unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(
        expected, actual,
        "demo outputs changed (WFM_BLESS=1 re-blesses on purpose)"
    );
}

fn read_csv(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

/// Issue #14: the demo week's schedule covers the *scheduled* basis (net ÷ (1 − unplanned
/// shrinkage)), its summary states net, scheduled and paid hours, and FTE totals are
/// Σ net ÷ (1 − shrinkage) ÷ hours per FTE with no per-interval rounding.
fn check_bases(out: &std::path::Path, root: &str) {
    let staff = read_csv(&out.join("03_staff_feb.csv"));
    // models/staffing.toml: 30 % shrinkage of which 23.75 % unplanned; EMAIL a plain 25 %.
    let shrinkage = |q: &str| {
        if q == "EMAIL" {
            (0.25, 0.25)
        } else {
            (0.30, 0.2375)
        }
    };
    let num =
        |r: &std::collections::HashMap<String, String>, k: &str| -> f64 { r[k].parse().unwrap() };
    let mut paid_hours = 0.0;
    for r in &staff {
        let net = num(r, "agents");
        let (s, u) = shrinkage(&r["queue"]);
        assert!(
            (num(r, "agents_scheduled") - net / (1.0 - u)).abs() < 1e-6,
            "{r:?}"
        );
        paid_hours += net / (1.0 - s) * 0.5;
    }
    let totals = out.join("03_totals.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(["staff", "--input"])
        .arg(out.join("02_forecast_feb.csv"))
        .args([
            "--config",
            &format!("{root}/models/staffing.toml"),
            "--history",
        ])
        .arg(out.join("01_ingest_jan01-14.csv"))
        .args(["--format", "csv", "--quiet", "--totals"])
        .arg(&totals)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = read_csv(&totals);
    let all = t
        .iter()
        .find(|r| r["period"] == "total" && r["queue"] == "ALL")
        .unwrap();
    let fte_want = paid_hours / (40.0 * 28.0 / 7.0);
    let fte: f64 = all["fte"].parse().unwrap();
    assert_eq!(format!("{fte:.2}"), format!("{fte_want:.2}"), "FTE totals");
    // The schedule: week 1999-02-07 .. 02-13, on the scheduled basis.
    let summary: String = std::fs::read_to_string(out.join("05_schedule/summary.json")).unwrap();
    let field = |k: &str| -> f64 {
        let at = summary
            .find(&format!("\"{k}\": "))
            .unwrap_or_else(|| panic!("{k}"));
        let rest = &summary[at + k.len() + 4..];
        rest[..rest.find([',', '\n']).unwrap()].parse().unwrap()
    };
    assert!(summary.contains("\"requirement_basis\": \"scheduled\""));
    let week = |r: &&std::collections::HashMap<String, String>| {
        ("1999-02-07".."1999-02-14").contains(&r["interval_start"].as_str())
    };
    let net_week: f64 = staff
        .iter()
        .filter(week)
        .map(|r| num(r, "agents") * 0.5)
        .sum();
    let sched_week: f64 = staff
        .iter()
        .filter(week)
        .map(|r| num(r, "agents_scheduled") * 0.5)
        .sum();
    assert!((field("net_agent_hours") - net_week).abs() < 1e-6);
    assert!((field("scheduled_agent_hours") - sched_week).abs() < 1e-4);
    assert!(field("paid_agent_hours") >= field("scheduled_agent_hours"));
    assert!(sched_week > net_week * 1.3);
    for r in read_csv(&out.join("05_schedule/coverage.csv")) {
        assert!(num(&r, "scheduled") + 1e-9 >= num(&r, "required"), "{r:?}");
    }
}

/// Issue #18: the demo's own report has every view with data (the schedule, scenarios and
/// capacity plan passed in), a section per demo queue, a status on every KPI that has a target
/// and the seeds' labels; in headless Chromium (when installed) every view and chart is drawn
/// without console errors, with JavaScript and without. `WFM_REPORT_SCREENSHOTS=DIR` also writes
/// the screenshots of docs/ (`report_top.png`, `report_queue.png`) into DIR.
fn check_report(out: &std::path::Path) {
    let report = out.join("07_report");
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(
        !html.contains("not computable: needs"),
        "a view without data"
    );
    let mut queues: Vec<String> = read_csv(&out.join("02_forecast_feb.csv"))
        .into_iter()
        .map(|r| r["queue"].clone())
        .collect();
    queues.sort();
    queues.dedup();
    assert_eq!(queues, ["IN", "NE", "NW", "PE", "PS", "TT"]);
    for q in &queues {
        assert!(
            html.contains(&format!("data-view=\"queue-{q}\"")),
            "case {q}"
        );
    }
    // Every KPI with a target and a value has a status against it.
    let mut reader = csv::Reader::from_path(out.join("07_audit_kpis.csv")).unwrap();
    let head = reader.headers().unwrap().clone();
    let kpis: Vec<std::collections::HashMap<String, String>> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            head.iter()
                .zip(r.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    let mut with_status = 0;
    for r in &kpis {
        if !r["target"].is_empty() && !r["value"].is_empty() {
            assert!(
                ["met", "near", "missed"].contains(&r["status"].as_str()),
                "{r:?}"
            );
            with_status += 1;
        }
    }
    assert!(with_status >= 50, "{with_status} KPIs with a target");
    for (status, mark) in [("met", "✓ met"), ("near", "≈ near"), ("missed", "✗ missed")] {
        if kpis.iter().any(|r| r["status"] == status) {
            assert!(html.contains(mark), "case {status}");
        }
    }
    for label in [
        "受话业务接通率",
        "非受话业务处理率",
        "人均年度培训时长",
        "平均通话时长",
        "实际工作率",
    ] {
        assert!(html.contains(label), "case {label}");
    }
    assert!(html.contains("illustrative"));
    let Some(chromium) = chromium::chromium() else {
        eprintln!("skipped: no Chromium at /usr/bin/chromium; the demo's report not rendered");
        return;
    };
    let top = out.join("report_top.png");
    let stdout = chromium::check_report(chromium, &report, &top, None, &queues);
    let views: Vec<String> = wfm::report::VIEWS
        .iter()
        .map(|v| v.to_string())
        .chain(queues.iter().map(|q| format!("queue-{q}")))
        .collect();
    chromium::assert_shown(
        &stdout,
        wfm::report::CHART_IDS,
        views.iter().map(String::as_str),
    );
    let queue = out.join("report_queue.png");
    chromium::check_report(chromium, &report, &queue, Some(("queue-PS", 1300)), &queues);
    if let Some(dir) = std::env::var_os("WFM_REPORT_SCREENSHOTS") {
        let dir = std::path::Path::new(&dir);
        std::fs::copy(&top, dir.join("report_top.png")).unwrap();
        std::fs::copy(&queue, dir.join("report_queue.png")).unwrap();
    }
}
