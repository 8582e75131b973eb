//! The audit's figures against hand computations on a small fixture with known answers
//! (tests/fixtures/audit/small, README there), each seed formula of issue #6 one by one.

use std::path::PathBuf;

use wfm::audit::{audit, Audit, AuditInputs, AuditOptions, InputPaths, KpiValue, Period};

/// Hand arithmetic is exact to the last bits of f64.
const EXACT: f64 = 1e-12;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/audit/small/"
    ))
    .join(name)
}

fn paths_all() -> InputPaths {
    InputPaths {
        actuals: fixture("actuals.csv"),
        forecast: Some(fixture("forecast.csv")),
        planned: Some(fixture("planned.csv")),
        agent_states: Some(fixture("agent_states.csv")),
        facts: Some(fixture("facts.toml")),
        previous_facts: Some(fixture("facts_prev.toml")),
        scorecard: Some(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/models/scorecard.toml"
        ))),
        ..InputPaths::default()
    }
}

fn run(paths: &InputPaths) -> Audit {
    let options = AuditOptions::new(Period::parse("1999-02").unwrap());
    let inputs = AuditInputs::load(paths, &options).unwrap();
    audit(&inputs, &options).unwrap()
}

fn close(a: &Audit, key: &str, expected: f64) {
    let v = a
        .value(key)
        .unwrap_or_else(|| panic!("case {key}: not computable: {:?}", a.kpi(key)));
    assert!(
        (v - expected).abs() < EXACT,
        "case {key}: got {v}, expected {expected}"
    );
}

#[test]
fn volume_and_service_kpis_match_hand_computation() {
    let a = run(&paths_all());
    // February rows: offered 10+20+5+0+15, answered 8+18+5+0+12, abandoned 2+2+0+0+3.
    close(&a, "offered", 50.0);
    close(&a, "answered", 43.0);
    close(&a, "abandoned", 7.0);
    close(&a, "answer_rate", 43.0 / 50.0);
    // answered ≤ 20 s: 6+16+5+0+8 = 35; abandoned ≤ 20 s: 1+0+0+0+2 = 3.
    close(&a, "sl_offered", 35.0 / 50.0);
    close(&a, "service_level", 35.0 / 50.0);
    close(&a, "sl_answered", 35.0 / 43.0);
    close(&a, "sl_exclude_short_abandons", 35.0 / (50.0 - 3.0));
    // 电话放弃率 = abandoned ÷ (answered + abandoned).
    close(&a, "abandon_rate", 7.0 / (43.0 + 7.0));
    // 平均放弃时间: (60 + 100 + 0 + 0 + 150) / 7.
    close(&a, "average_time_to_abandon", 310.0 / 7.0);
    // ASA over all answered, immediate answers (queue B, wait 0) included: 540 / 43.
    close(&a, "asa", (120.0 + 180.0 + 0.0 + 240.0) / 43.0);
    // Talk, hold, ACW: Σ mean × answered ÷ answered (talk without hold: its own key).
    close(
        &a,
        "average_talk_time_excl_hold",
        (120.0 * 8.0 + 80.0 * 18.0 + 170.0 * 5.0 + 100.0 * 12.0) / 43.0,
    );
    // 平均通话时长 as the seed defines it: pick-up to hang-up, hold included.
    close(
        &a,
        "average_talk_time",
        (120.0 * 8.0 + 80.0 * 18.0 + 170.0 * 5.0 + 100.0 * 12.0) / 43.0
            + (10.0 * 8.0 + 5.0 * 18.0 + 5.0 * 12.0) / 43.0,
    );
    close(
        &a,
        "average_hold_time",
        (10.0 * 8.0 + 5.0 * 18.0 + 5.0 * 12.0) / 43.0,
    );
    close(
        &a,
        "average_acw",
        (20.0 * 8.0 + 15.0 * 18.0 + 30.0 * 5.0 + 15.0 * 12.0) / 43.0,
    );
    // AHT = talk + hold + ACW = Σ sum_service_s / answered = 5440 / 43.
    close(&a, "aht", 5440.0 / 43.0);
    // 接通率: (IVR completed 12 + answered 43) ÷ (offered 50 + vru_only 20).
    close(&a, "connection_rate", (12.0 + 43.0) / 70.0);
    // Daily average answered: 43 calls over 2 days with data.
    close(&a, "daily_average_answered", 43.0 / 2.0);
    // Transfer rate from the actuals' column (1+2+0+0+1), not the facts' 99.
    close(&a, "transfer_rate", 4.0 / 43.0);
}

#[test]
fn agent_state_kpis_match_hand_computation() {
    let a = run(&paths_all());
    // handle = talk + hold + ACW per row: 1200, 1500, 1020, 360, 1240 → 5320;
    // ready 400+100+600+200+500 = 1800; break 200+100+180+40+60 = 580.
    close(&a, "occupancy", 5320.0 / (5320.0 + 1800.0));
    close(
        &a,
        "utilization",
        (5320.0 + 1800.0) / (5320.0 + 1800.0 + 580.0),
    );
    close(&a, "productivity", 5320.0 / 7700.0);
    // Adherence capped per agent-interval: Σ min(handle + ready, scheduled) =
    // 1600+1600+1620+0+1740 over 7200 scheduled.
    close(&a, "adherence_capped", 6560.0 / 7200.0);
    // 实际工作率 as the seed defines it, a plain ratio: Σ (handle + ready) = 5320 + 1800 over
    // 7200 scheduled.
    close(&a, "adherence", (5320.0 + 1800.0) / 7200.0);
    // Conformance: signed in 7700 ÷ scheduled 7200 (> 100 %).
    close(&a, "conformance", 7700.0 / 7200.0);
    // Agent-shifts: (ann, 1 Feb), (bob, 1 Feb), (ann, 2 Feb).
    close(&a, "calls_per_agent_shift", 43.0 / 3.0);
    // Actual agents = Σ signed-in ÷ 1800 per interval: 2, 2300/1800, 1 over scheduled 3, 2, 1
    // (the 2 Feb 09:00 interval has no agent states and is left out).
    close(
        &a,
        "schedule_accuracy",
        (2.0 + 2300.0 / 1800.0 + 1.0) / (3.0 + 2.0 + 1.0),
    );
}

#[test]
fn fact_kpis_match_hand_computation() {
    let a = run(&paths_all());
    close(&a, "first_contact_resolution", 80.0 / 100.0);
    close(&a, "self_service_ratio", 25.0 / 100.0);
    close(&a, "async_handling_rate", 38.0 / 40.0);
    close(&a, "async_on_time_rate", 30.0 / 40.0);
    close(&a, "cost_per_call", 8600.0 / 43.0);
    close(&a, "attrition", 3.0 / 12.5);
    close(&a, "training_hours_per_head_month", 45.0 / 10.0);
    // The handbook's 人均年度培训时长 is per year: hours of the last 12 months ÷ headcount.
    close(&a, "training_hours_per_head", 520.0 / 10.0);
    // The facts-based handbook KPIs (fixture facts.toml).
    close(&a, "assisted_marketing_revenue_ratio", 1500.0 / 20000.0);
    close(&a, "active_marketing_revenue_ratio", 900.0 / 20000.0);
    close(&a, "customer_satisfaction", 45.0 / 50.0);
    close(&a, "employee_satisfaction", 8.0 / 10.0);
    close(&a, "internal_promotion_rate", 1.0 / 2.0);
    close(&a, "business_error_rate", 3.0 / 600.0);
    close(&a, "follow_up_completion_rate", 18.0 / 20.0);
    close(&a, "complaint_rate", 2.0 / 70.0);
}

#[test]
fn forecast_accuracy_matches_hand_computation() {
    let a = run(&paths_all());
    // Pairs (A, F): (10,12) (20,16) (5,5) (0,2) (15,14).
    close(&a, "forecast_accuracy", 50.0 / 49.0);
    close(&a, "forecast_wape", (2.0 + 4.0 + 0.0 + 2.0 + 1.0) / 50.0);
    close(&a, "forecast_interval_accuracy", 1.0 - 9.0 / 50.0);
    // MAPE over non-zero actuals only: (2/10 + 4/20 + 0 + 1/15) / 4.
    close(&a, "forecast_mape", (0.2 + 0.2 + 0.0 + 1.0 / 15.0) / 4.0);
    close(&a, "forecast_bias", (49.0 - 50.0) / 50.0);
    // AHT, weights = answered: (8,150,140) (18,100,110) (5,200,200) (12,120,130).
    let (sa, sf) = (
        5440.0,
        8.0 * 140.0 + 18.0 * 110.0 + 5.0 * 200.0 + 12.0 * 130.0,
    );
    close(&a, "aht_forecast_accuracy", sa / sf);
    close(&a, "aht_forecast_wape", (80.0 + 180.0 + 0.0 + 120.0) / sa);
    close(
        &a,
        "aht_forecast_mape",
        (10.0 / 150.0 + 10.0 / 100.0 + 0.0 + 10.0 / 120.0) / 4.0,
    );
    close(&a, "aht_forecast_bias", (sf - sa) / sa);
    // Per queue: B was forecast exactly.
    let b = a
        .kpis
        .iter()
        .find(|k| k.scope == "B" && k.def.key == "forecast_wape")
        .unwrap();
    assert_eq!(b.value, KpiValue::Value(0.0));
    // Weekday × interval: Monday 09:30 has (20, 16) only → WAPE 0.2.
    let mon = a
        .accuracy
        .iter()
        .find(|r| r.measure == "volume" && r.grouping == "weekday_interval" && r.key == "Mon 09:30")
        .unwrap();
    assert!((mon.m.wape.unwrap() - 0.2).abs() < EXACT);
    assert_eq!(
        a.forecast_meta.get("models").map(String::as_str),
        Some("hand")
    );
}

#[test]
fn previous_month_comes_from_the_same_actuals_file() {
    let a = run(&paths_all());
    // 31 Jan: answered 9 of offered 10, answered ≤ 20 s 7.
    let k = a.kpi("answer_rate").unwrap();
    assert!((k.previous.unwrap() - 0.9).abs() < EXACT);
    assert!((k.change().unwrap() - (0.86 - 0.9)).abs() < EXACT);
    let k = a.kpi("sl_offered").unwrap();
    assert!((k.previous.unwrap() - 0.7).abs() < EXACT);
    // The March row is outside both periods and counted as such.
    let u = &a.inputs[0];
    assert_eq!((u.rows, u.used, u.previous, u.outside), (7, 5, 1, 1));
}

#[test]
fn missing_inputs_are_not_computable_never_zero() {
    let paths = InputPaths {
        actuals: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/audit/base_columns.csv"
        )),
        ..InputPaths::default()
    };
    let a = run(&paths);
    // The base anonbank header (…,aht_seconds,asa_seconds,sl_20s) supports these:
    for key in [
        "answer_rate",
        "sl_offered",
        "sl_answered",
        "abandon_rate",
        "asa",
        "aht",
    ] {
        assert!(a.value(key).is_some(), "case {key}: {:?}", a.kpi(key));
    }
    // … and not these, each with its reason.
    for (key, needs) in [
        ("sl_exclude_short_abandons", "abandoned_le20"),
        ("average_time_to_abandon", "sum_wait_abandoned_s"),
        ("average_talk_time", "talk_seconds"),
        ("connection_rate", "ivr_completed"),
        ("occupancy", "--agent-states"),
        ("adherence", "--agent-states"),
        ("schedule_accuracy", "--planned"),
        ("calls_per_agent_shift", "agent_shifts"),
        ("first_contact_resolution", "--facts"),
        ("cost_per_call", "total_cost"),
        ("forecast_wape", "--forecast"),
        ("aht_forecast_wape", "--forecast"),
    ] {
        match &a.kpi(key).unwrap().value {
            KpiValue::NotComputable { needs: n } => {
                assert!(
                    n.contains(needs),
                    "case {key}: needs `{n}`, expected `{needs}`"
                )
            }
            v => panic!("case {key}: expected not computable, got {v:?}"),
        }
    }
    // The rendered table leaves the value empty and says why.
    let t = a.kpi_table();
    let row = t
        .rows
        .iter()
        .find(|r| r[2] == wfm::table::Cell::text("cost_per_call"))
        .unwrap();
    assert_eq!(row[5], wfm::table::Cell::Empty);
    let status = t.columns.iter().position(|c| c == "status").unwrap();
    assert!(
        matches!(&row[status], wfm::table::Cell::Text(s) if s.starts_with("not computable: needs"))
    );
}

#[test]
fn bad_inputs_name_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("wfm-audit-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("a.csv");
    std::fs::write(
        &p,
        "interval_start,queue,offered,answered,abandoned\n1999-02-01T09:00:00,A,5,6,0\n",
    )
    .unwrap();
    let options = AuditOptions::new(Period::parse("1999-02").unwrap());
    let e = AuditInputs::load(
        &InputPaths {
            actuals: p.clone(),
            ..InputPaths::default()
        },
        &options,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("a.csv:2, column `answered`"), "{e}");
    let f = dir.join("facts.toml");
    std::fs::write(&f, "ivr_complete = 3\n").unwrap();
    let e = AuditInputs::load(
        &InputPaths {
            actuals: fixture("actuals.csv"),
            facts: Some(f),
            ..InputPaths::default()
        },
        &options,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("facts.toml") && e.contains("ivr_complete"),
        "{e}"
    );
    assert!(Period::parse("1999-13").is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_kpi_is_documented_with_its_handbook_name_and_formula() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/audit.md")).unwrap();
    for d in wfm::audit::kpi::KPI_DEFINITIONS {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", d.key)))
            .unwrap_or_else(|| panic!("case {}: no row in docs/audit.md", d.key));
        assert!(row.contains(d.handbook), "case {}: handbook name", d.key);
        assert!(
            row.contains(&d.formula.replace('|', "\\|")),
            "case {}: formula",
            d.key
        );
    }
}

#[test]
fn four_month_accuracy_averages_the_monthly_ratios() {
    // forecast_2m.csv adds 31 Jan (actual 10, forecast 8) to February (50 / 49).
    let mut paths = paths_all();
    paths.forecast = Some(fixture("forecast_2m.csv"));
    let a = run(&paths);
    close(&a, "forecast_accuracy_4m", (10.0 / 8.0 + 50.0 / 49.0) / 2.0);
    // The period's own figure is unchanged.
    close(&a, "forecast_accuracy", 50.0 / 49.0);
    assert!(a
        .kpi("forecast_accuracy_4m")
        .unwrap()
        .source
        .contains("2 month(s): 1999-01, 1999-02"));
}
