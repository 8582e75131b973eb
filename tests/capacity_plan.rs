//! Issue #15 "Must show": the capacity plan satisfies the model's recurrences on every output
//! row (recomputed here from the CSV the CLI prints), its objective equals the optimum of the
//! same model solved independently by brute force, and infeasible plans exit 3 naming the
//! first week that cannot be covered.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::NaiveDate;
use wfm::capacity::{
    plan_capacity, Attrition, Budget, CapacityInput, CapacitySpec, Costs, Hiring, Method,
    PlanStatus, SolveOptions, Training, Weekly,
};
use wfm::schedule::Backend;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn wfm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .output()
        .expect("run wfm")
}

/// Parses the CLI's CSV into a header and rows of text fields.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Half a unit in the last printed decimal (4 dp), times the terms a check adds.
const DP4: f64 = 0.5e-4;

#[test]
fn every_output_row_satisfies_the_recurrences() {
    // The plan of the issue: N0 = 120, a = 0.005, s = 0.30, L = 6, b = 0.02, ramp 0.5/0.7/0.85,
    // classes of 8–20, hire 3000, class 10000, wage 800, overtime 1200 (≤ 10 % of N), under 50000.
    let plan = root().join("tests/fixtures/capacity/plan_78.toml");
    let out = wfm(&[
        "capacity",
        "--plan",
        plan.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("status optimal"), "{stderr}");
    let (header, rows) = parse_csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        header,
        [
            "week_start",
            "required_fte",
            "productive",
            "in_training",
            "joiners",
            "leavers",
            "effective_fte",
            "overtime",
            "under",
            "hires_started",
            "cost"
        ]
    );
    assert_eq!(rows.len(), 78);
    let f = |r: &Vec<String>, c: usize| -> f64 { r[c].parse().unwrap() };
    let h: Vec<f64> = rows.iter().map(|r| f(r, 9)).collect();
    let (a, s, l, b) = (0.005f64, 0.30f64, 6usize, 0.02f64);
    let ramp = [0.5, 0.7, 0.85];
    let starts = [
        0usize, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72,
    ];
    let req: Vec<f64> =
        std::fs::read_to_string(root().join("tests/fixtures/capacity/requirement_78.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
    let mut start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let mut total_cost = 0.0;
    for (t, r) in rows.iter().enumerate() {
        let ctx = format!("week {t}: {r:?}");
        assert_eq!(r[0], start.to_string(), "{ctx}");
        start += chrono::TimeDelta::days(7);
        assert!((f(r, 1) - req[t]).abs() <= DP4, "{ctx}");
        // Hires only in class-start weeks, integer, 0 or within [min_class, max_class].
        assert_eq!(h[t].fract(), 0.0, "{ctx}");
        assert!(
            h[t] == 0.0 || (starts.contains(&t) && (8.0..=20.0).contains(&h[t])),
            "{ctx}"
        );
        // J[t] = h[t−L]·(1 − b)^L.
        let j = if t >= l {
            h[t - l] * (1.0 - b).powi(l as i32)
        } else {
            0.0
        };
        assert!((f(r, 4) - j).abs() <= DP4, "{ctx}: joiners {j}");
        // N[t+1] = (1 − a)·N[t] + J[t+1], and leavers[t] = a·N[t].
        if t == 0 {
            assert!((f(r, 2) - 120.0).abs() <= DP4, "{ctx}");
        } else {
            let p = &rows[t - 1];
            let n = (1.0 - a) * f(p, 2) + f(r, 4);
            assert!((f(r, 2) - n).abs() <= 3.0 * DP4, "{ctx}: N {n}");
            assert!(
                (f(r, 2) - (f(p, 2) - f(p, 5) + f(r, 4))).abs() <= 3.0 * DP4,
                "{ctx}"
            );
        }
        assert!((f(r, 5) - a * f(r, 2)).abs() <= 2.0 * DP4, "{ctx}");
        // trainees[t] = Σ_{t−L < u ≤ t} h[u]·(1 − b)^(t−u).
        let tr: f64 = (t.saturating_sub(l - 1)..=t)
            .map(|u| h[u] * (1.0 - b).powi((t - u) as i32))
            .sum();
        assert!((f(r, 3) - tr).abs() <= DP4, "{ctx}: trainees {tr}");
        // E[t] = (1 − s)(N[t] − Σ_k (1 − ramp[k])·J[t−k+1]), from the printed joiners.
        let gap: f64 = (0..ramp.len())
            .filter(|&k| k <= t)
            .map(|k| (1.0 - ramp[k]) * f(&rows[t - k], 4))
            .sum();
        let e = (1.0 - s) * (f(r, 2) - gap);
        assert!((f(r, 6) - e).abs() <= 5.0 * DP4, "{ctx}: E {e}");
        // Coverage and the overtime cap; overtime before under-staffing (it is cheaper).
        let (ot, un) = (f(r, 7), f(r, 8));
        assert!(f(r, 6) + ot + un >= req[t] - 3.0 * DP4, "{ctx}");
        assert!(
            ot >= 0.0 && un >= 0.0 && ot <= 0.10 * f(r, 2) + 2.0 * DP4,
            "{ctx}"
        );
        assert!(
            un <= DP4 || ot >= 0.10 * f(r, 2) - 2.0 * DP4,
            "{ctx}: under-staffed below the overtime cap"
        );
        // Headcount cap.
        assert!(f(r, 2) + f(r, 3) <= 400.0 + 2.0 * DP4, "{ctx}");
        // Cost of the week.
        let open = if h[t] > 0.0 { 10_000.0 } else { 0.0 };
        let cost = 3000.0 * h[t] + open + 800.0 * (f(r, 2) + f(r, 3)) + 1200.0 * ot + 50_000.0 * un;
        assert!(
            (f(r, 10) - cost).abs() <= 0.005 + 50_000.0 * 3.0 * DP4,
            "{ctx}: cost {cost}"
        );
        total_cost += f(r, 10);
    }
    // The objective on stderr is the sum of the weekly costs.
    let obj: f64 = stderr
        .split("objective ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (obj - total_cost).abs() <= 0.005 * 78.0,
        "{obj} vs {total_cost}"
    );
}

/// A small instance: 14 weeks, 4 class starts, classes of 2–6 (6 choices each: 1,296 plans).
fn small(under: Option<f64>, max_headcount: Option<f64>, budget: Budget) -> CapacitySpec {
    CapacitySpec {
        start: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
        required_fte: vec![
            20.0, 20.5, 21.0, 22.0, 23.5, 24.0, 26.0, 27.5, 28.0, 29.0, 28.0, 27.0, 27.5, 29.0,
        ],
        initial_productive: 28.0,
        attrition: Attrition::Annual(0.35),
        shrinkage: Weekly::Series(vec![
            0.30, 0.30, 0.32, 0.28, 0.30, 0.31, 0.30, 0.29, 0.30, 0.33, 0.30, 0.30, 0.27, 0.30,
        ]),
        max_headcount,
        training: Training {
            weeks: 2,
            attrition: 0.05,
            ramp: vec![0.5, 0.8],
        },
        hiring: Hiring {
            class_starts: vec![0, 3, 6, 9],
            min_class: 2,
            max_class: 6,
        },
        costs: Costs {
            hire: 3000.0,
            class: 10_000.0,
            wage: 800.0,
            overtime: 1200.0,
            max_overtime: 0.10,
            under,
        },
        budget,
    }
}

/// The model of issue #15, written again from its text without the library: the cost of one
/// hiring decision, or `None` when it breaks a hard limit. Given the hires, each week's
/// overtime/under-staffing split is a one-variable LP whose optimum covers the shortage with the
/// cheaper of the two first.
fn brute_cost(spec: &CapacitySpec, hires: &[f64]) -> Option<f64> {
    let weeks = spec.required_fte.len();
    let a = 1.0 - (1.0f64 - 0.35).powf(1.0 / 52.0);
    let Weekly::Series(s) = &spec.shrinkage else {
        unreachable!()
    };
    let (l, b) = (spec.training.weeks, spec.training.attrition);
    let c = &spec.costs;
    let mut j = vec![0.0; weeks];
    for t in l..weeks {
        j[t] = hires[t - l] * (1.0 - b).powi(l as i32);
    }
    let mut n = spec.initial_productive;
    let mut total = 0.0;
    for t in 0..weeks {
        if t > 0 {
            n = n * (1.0 - a) + j[t];
        }
        let trainees: f64 = hires
            .iter()
            .enumerate()
            .take(t + 1)
            .filter(|(u, _)| u + l > t)
            .map(|(u, h)| h * (1.0 - b).powi((t - u) as i32))
            .sum();
        let mut ramp_gap = 0.0;
        for (k, r) in spec.training.ramp.iter().enumerate() {
            if t >= k {
                ramp_gap += (1.0 - r) * j[t - k];
            }
        }
        let e = (1.0 - s[t]) * (n - ramp_gap);
        let short = (spec.required_fte[t] - e).max(0.0);
        let cap = c.max_overtime * n;
        let (ot, un) = match c.under {
            Some(p) if p < c.overtime => (0.0, short),
            Some(_) => (short.min(cap), short - short.min(cap)),
            None if short <= cap + 1e-9 => (short, 0.0),
            None => return None,
        };
        if spec.max_headcount.is_some_and(|m| n + trainees > m + 1e-9) {
            return None;
        }
        let week = c.hire * hires[t]
            + if hires[t] > 0.0 { c.class } else { 0.0 }
            + c.wage * (n + trainees)
            + c.overtime * ot
            + c.under.unwrap_or(0.0) * un;
        if spec.budget.per_week.is_some_and(|cap| week > cap + 1e-6) {
            return None;
        }
        total += week;
    }
    if spec.budget.total.is_some_and(|cap| total > cap + 1e-6) {
        return None;
    }
    Some(total)
}

fn brute_force(spec: &CapacitySpec) -> Option<f64> {
    let choices: Vec<f64> = std::iter::once(0.0)
        .chain((spec.hiring.min_class..=spec.hiring.max_class).map(f64::from))
        .collect();
    let starts = &spec.hiring.class_starts;
    let mut best: Option<f64> = None;
    let combos = choices.len().pow(starts.len() as u32);
    for mut code in 0..combos {
        let mut hires = vec![0.0; spec.required_fte.len()];
        for &s in starts {
            hires[s] = choices[code % choices.len()];
            code /= choices.len();
        }
        if let Some(c) = brute_cost(spec, &hires) {
            best = Some(best.map_or(c, |b: f64| b.min(c)));
        }
    }
    best
}

fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::MicroLp];
    if Backend::best_available() == Backend::Cbc {
        v.push(Backend::Cbc);
    }
    v
}

/// The DP (`Method::Auto`) and the MIP on every engine.
fn methods() -> Vec<(Method, Backend)> {
    let mut v = vec![(Method::Auto, Backend::best_available())];
    v.extend(backends().into_iter().map(|b| (Method::Mip, b)));
    v
}

fn opts(method: Method, backend: Backend) -> SolveOptions {
    SolveOptions {
        backend,
        time_limit: Duration::from_secs(60),
        method,
    }
}

#[test]
fn objective_equals_brute_force_optimum() {
    let cases = [
        (
            "under-staffing allowed",
            small(Some(5000.0), None, Budget::default()),
        ),
        (
            "under-staffing cheaper than overtime",
            small(Some(900.0), None, Budget::default()),
        ),
        ("hard coverage", small(None, None, Budget::default())),
        (
            "hard coverage, headcount cap",
            small(None, Some(39.4), Budget::default()),
        ),
        (
            "budget caps",
            small(
                Some(5000.0),
                None,
                Budget {
                    total: Some(500_000.0),
                    per_week: Some(56_000.0),
                },
            ),
        ),
        ("ramp longer than the gap between class starts", {
            let mut s = small(Some(5000.0), None, Budget::default());
            s.training.ramp = vec![0.3, 0.5, 0.7, 0.85, 0.95];
            s
        }),
        ("a class that joins after the horizon, hard coverage", {
            let mut s = small(None, None, Budget::default());
            s.hiring.class_starts = vec![0, 3, 6, 12];
            s
        }),
    ];
    for (name, spec) in cases {
        let best =
            brute_force(&spec).unwrap_or_else(|| panic!("{name}: brute force found no plan"));
        let input = CapacityInput::new(spec).unwrap();
        for (method, backend) in methods() {
            let plan = plan_capacity(&input, &opts(method, backend));
            let m = format!("{name} {method:?} {backend:?} ({})", plan.solver);
            assert_eq!(plan.status, PlanStatus::Optimal, "{m}");
            if method == Method::Auto && !name.contains("cap") {
                assert_eq!(plan.solver, "dp", "{m}");
            }
            let rel = (plan.objective - best).abs() / best.abs();
            assert!(
                rel <= 1e-6,
                "{m}: plan {} vs brute force {best} (rel {rel:e})",
                plan.objective
            );
            let gap = plan.gap.unwrap();
            assert!(gap <= 1e-6, "{m}: gap {gap}");
        }
    }
}

/// The DP against the MIP (an independent formulation, proven optimal by CBC or microlp) on
/// the 78-week plan of the issue and on variants: hard coverage, weekly class starts whose ramp
/// spans several classes (26 weeks).
#[test]
fn dp_equals_the_mip_on_longer_plans() {
    let file =
        wfm::io::capacity::read_plan(&root().join("tests/fixtures/capacity/plan_78.toml")).unwrap();
    let base = file.input;
    let mut cases = vec![("plan_78", base.clone())];
    let scenario = |f: &dyn Fn(&mut wfm::capacity::PlanScenario)| {
        let mut s = wfm::capacity::PlanScenario::default();
        f(&mut s);
        s.apply(&base).unwrap()
    };
    cases.push((
        "plan_78, classes of 4 to 9",
        scenario(&|s| {
            s.min_class = Some(4);
            s.max_class = Some(9);
        }),
    ));
    let mut short = small(Some(20_000.0), None, Budget::default());
    short.required_fte = (0..26)
        .map(|t| 24.0 + 6.0 * (t as f64 / 4.0).sin())
        .collect();
    short.shrinkage = Weekly::Constant(0.3);
    short.initial_productive = 34.0;
    short.hiring.class_starts = (0..24).collect();
    short.training.ramp = vec![0.4, 0.6, 0.8];
    cases.push((
        "26 weeks, weekly starts",
        CapacityInput::new(short.clone()).unwrap(),
    ));
    short.costs.under = None;
    cases.push((
        "26 weeks, weekly starts, hard coverage",
        CapacityInput::new(short).unwrap(),
    ));
    for (name, input) in cases {
        let dp = plan_capacity(&input, &opts(Method::Auto, Backend::best_available()));
        let mip = plan_capacity(&input, &opts(Method::Mip, Backend::best_available()));
        assert_eq!(dp.solver, "dp", "{name}");
        assert_eq!(dp.status, PlanStatus::Optimal, "{name}");
        assert_eq!(mip.status, PlanStatus::Optimal, "{name}: {:?}", mip.status);
        let rel = (dp.objective - mip.objective).abs() / mip.objective;
        assert!(
            rel <= 1e-6,
            "{name}: DP {} vs MIP {} (rel {rel:e})",
            dp.objective,
            mip.objective
        );
    }
}

#[test]
fn infeasible_plan_exits_3_naming_the_first_uncoverable_week() {
    // Hard coverage with a headcount cap: the brute force confirms no plan exists at 39 (39.25 is the least peak).
    let spec = small(None, Some(39.0), Budget::default());
    assert_eq!(brute_force(&spec), None);
    let input = CapacityInput::new(spec).unwrap();
    for (method, backend) in methods() {
        let plan = plan_capacity(&input, &opts(method, backend));
        let PlanStatus::Infeasible(u) = &plan.status else {
            panic!("{backend:?}: {:?}", plan.status)
        };
        // The first week that no plan covers: every shorter horizon has a plan (brute force).
        let mut short = small(None, Some(39.0), Budget::default());
        short.required_fte.truncate(u.week);
        short.shrinkage = match short.shrinkage {
            Weekly::Series(v) => Weekly::Series(v[..u.week].to_vec()),
            w => w,
        };
        short.hiring.class_starts.retain(|&s| s < u.week);
        assert!(
            u.week == 0 || brute_force(&short).is_some(),
            "{backend:?}: week {}",
            u.week
        );
        assert!(u.reason.contains("headcount"), "{backend:?}: {}", u.reason);
    }
    // Through the CLI: exit 3, the week's date and index on stderr.
    let dir = std::env::temp_dir().join(format!("wfm-capacity-infeasible-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/capacity/plan_78.toml"))
        .unwrap()
        .replace(
            "requirement = \"requirement_78.csv\"",
            &format!(
                "requirement = {:?}",
                root().join("tests/fixtures/capacity/requirement_78.csv")
            ),
        )
        .replace("max_headcount = 400", "max_headcount = 125")
        .replace("under = 50000.0", "");
    let plan = dir.join("plan.toml");
    std::fs::write(&plan, text).unwrap();
    let out = wfm(&[
        "capacity",
        "--plan",
        plan.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("infeasible: week "), "{stderr}");
    assert!(
        stderr.contains("cannot be covered") && stderr.contains("headcount"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plan_errors_name_file_line_and_key() {
    let dir = std::env::temp_dir().join(format!("wfm-capacity-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base =
        std::fs::read_to_string(root().join("tests/fixtures/capacity/plan_78.toml")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/capacity/requirement_78.csv"),
        dir.join("requirement_78.csv"),
    )
    .unwrap();
    let cases: [(&str, &str, &str); 4] = [
        ("attrition = 0.02", "attrition = 1.5", "training.attrition"),
        (
            "weekly_attrition = 0.005",
            "weekly_attrition = 0.005\nannual_attrition = 0.2",
            "exactly one of",
        ),
        ("min_class = 8", "min_class = 30", "hiring.min_class"),
        (
            "class_starts = [0, 4,",
            "class_starts = [90, 4,",
            "hiring.class_starts",
        ),
    ];
    for (from, to, expect) in cases {
        let plan = dir.join("plan.toml");
        std::fs::write(&plan, base.replace(from, to)).unwrap();
        let out = wfm(&["capacity", "--plan", plan.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{to}: {stderr}");
        assert!(stderr.contains(expect), "{to}: {stderr}");
        let line = base
            .replace(from, to)
            .lines()
            .position(|l| l.contains(to.lines().last().unwrap()))
            .unwrap()
            + 1;
        if expect.contains('.') {
            assert!(
                stderr.contains(&format!("plan.toml:{line}, column `{expect}`")),
                "{to}: {stderr}"
            );
        }
    }
    // A requirement CSV with a week missing names the week.
    let csv = std::fs::read_to_string(dir.join("requirement_78.csv")).unwrap();
    let cut: Vec<&str> = csv
        .lines()
        .filter(|l| !l.starts_with("2027-03-01"))
        .collect();
    std::fs::write(dir.join("requirement_78.csv"), cut.join("\n")).unwrap();
    std::fs::write(dir.join("plan.toml"), &base).unwrap();
    let out = wfm(&[
        "capacity",
        "--plan",
        dir.join("plan.toml").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no row for week 8 (2027-03-01)"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
    let _ = Path::new(".");
}
