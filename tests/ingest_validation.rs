//! Validation and row accounting of both readers (issue #3, items 4–5 and the must-show list):
//! a month with malformed lines completes and names every malformed line; every record is
//! accounted for; `--strict` exits 1; the generic CSV agrees with the Anonymous Bank reader;
//! interval exports are validated with row + column; CLI options.

use std::path::{Path, PathBuf};
use std::process::Command;

use wfm::data::{
    ingest_calls, ingest_intervals, ingest_intervals_bytes, CallOptions, ColumnMapping, DataError,
    IntervalOptions, RejectReason, SlThresholds,
};
use wfm::units::IntervalLength;

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn run_wfm(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .output()
        .expect("wfm runs");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

const MALFORMED: &str = "tests/fixtures/ingest/malformed_feb24-25.txt";

/// The malformations injected by the generator (tests/fixtures/ingest/README.md): line → the
/// text stderr must show for it.
const EXPECTED: [(u64, &str); 13] = [
    (102, "repaired: spaces instead of a tab"),
    (202, "repaired: spaces instead of a tab"),
    (302, "rejected: wrong field count: expected 17, found 16"),
    (402, "rejected: unparseable time in `q_start`"),
    (
        507,
        "repaired: `ser_time` -55 s contradicts ser_exit − ser_start = 55 s",
    ),
    (
        602,
        "repaired: `q_time` 269 s contradicts q_exit − q_start = 209 s",
    ),
    (704, "rejected: unknown outcome `HUNG`"),
    (811, "rejected: unparseable date in `date`: `990231`"),
    (902, "rejected: wrong field count: expected 17, found 5"),
    (1003, "rejected: duplicate record"),
    (1104, "repaired: spaces around `server` removed"),
    (1204, "rejected: bad queue name"),
    (2577, "rejected: spills into uncovered day"),
];

#[test]
fn malformed_month_completes_and_names_every_line() {
    let path = manifest(MALFORMED);
    let (out, err, code) = run_wfm(&["ingest", "calls", path.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    for (line, text) in EXPECTED {
        let needle = format!("malformed_feb24-25.txt:{line}");
        let hit = err
            .lines()
            .find(|l| l.contains(&format!("{needle}:")) || l.contains(&format!("{needle},")))
            .unwrap_or_else(|| panic!("line {line} not reported; stderr:\n{err}"));
        assert!(hit.contains(text), "line {line}: `{hit}` lacks `{text}`");
    }
    // Exactly those lines are reported.
    let reported = err
        .lines()
        .filter(|l| l.contains(": rejected: ") || l.contains(": repaired: "))
        .count();
    assert_eq!(reported, EXPECTED.len(), "{err}");

    // Every record accounted for: count the records independently (non-blank lines after the
    // header).
    let text = std::fs::read_to_string(&path).unwrap();
    let records = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    let summary = format!(
        "{records} read, {} used, 5 repaired, 8 rejected",
        records - 8
    );
    assert!(err.contains(&summary), "want `{summary}` in:\n{err}");
    for per_reason in [
        "wrong field count: 2",
        "unparseable time: 1",
        "unknown outcome: 1",
        "unparseable date: 1",
        "duplicate record: 1",
        "bad queue: 1",
        "spills into uncovered day: 1",
    ] {
        assert!(err.contains(per_reason), "missing `{per_reason}`:\n{err}");
    }
    // Two covered days × 48 intervals × 6 queues, zero-filled; the spill made no 26 Feb row.
    assert_eq!(out.lines().count(), 1 + 2 * 48 * 6);
    assert!(!out.contains("1999-02-26"));
}

#[test]
fn strict_turns_rejections_into_exit_1() {
    let path = manifest(MALFORMED);
    let (out, err, code) = run_wfm(&["ingest", "calls", path.to_str().unwrap(), "--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "no output in strict mode: {out}");
    assert!(err.contains("8 record(s) rejected (strict mode)"), "{err}");
    // A clean file passes --strict.
    let (_, err, code) = run_wfm(&[
        "ingest",
        "calls",
        manifest("tests/fixtures/ingest/generic_jan03.csv")
            .to_str()
            .unwrap(),
        "--strict",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn accounting_invariants_hold_in_the_library() {
    let ing = ingest_calls(&[manifest(MALFORMED)], &CallOptions::default()).unwrap();
    let a = &ing.accounting;
    assert_eq!(a.read, a.used + a.rejected);
    assert_eq!(a.used, a.offered + a.vru_only + a.phantom);
    assert_eq!(a.rejected_by_reason().values().sum::<u64>(), a.rejected);
    assert!(a.repaired() <= a.used);
    assert_eq!(ing.kpis.total_offered() as u64, a.offered);
    assert!(a.ensure_none_rejected().is_err());
    let spill = a
        .rejections
        .iter()
        .find(|r| matches!(r.reason, RejectReason::SpillsIntoUncoveredDay { .. }))
        .unwrap();
    assert_eq!(spill.at.line, 2577);
}

#[test]
fn repaired_record_counts_like_the_clean_one() {
    // Line 102 of the fixture is a real record with one tab replaced by a space; the same
    // record with the tab restored must give the same table.
    let text = std::fs::read_to_string(manifest(MALFORMED)).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    let bad = lines[101];
    assert_eq!(bad.split('\t').count(), 16);
    let fixed = bad.replacen(' ', "\t", 1);
    assert_eq!(fixed.split('\t').count(), 17);
    let mut clean = lines.clone();
    clean[101] = &fixed;
    let clean = clean.join("\r\n");
    let opts = CallOptions::default();
    let a = wfm::data::ingest_calls_bytes(&[(Path::new("x"), text.as_bytes())], &opts).unwrap();
    let b = wfm::data::ingest_calls_bytes(&[(Path::new("x"), clean.as_bytes())], &opts).unwrap();
    assert_eq!(a.kpis, b.kpis);
    assert_eq!(a.accounting.repaired(), b.accounting.repaired() + 1);
}

#[test]
fn durations_taken_from_timestamps_count_like_the_clean_record() {
    // Line 507 has `ser_time -55` (service 7:27:25–7:28:20) and line 602 `q_time 269` (queue
    // 15:00:24–15:03:53): both are repaired from their timestamps, so the file gives the
    // table of the same file with the generator's edits undone (README there).
    let text = std::fs::read_to_string(manifest(MALFORMED)).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    let (ser, queue) = (lines[506].clone(), lines[601].clone());
    assert!(ser.contains("\t7:27:25\t7:28:20\t-55\t"));
    assert!(queue.contains("\t15:00:24\t15:03:53\t269\t"));
    lines[506] = ser.replace("\t-55\t", "\t55\t");
    lines[601] = queue.replace("\t269\t", "\t209\t");
    let clean = lines.join("\r\n");
    let opts = CallOptions::default();
    let a = wfm::data::ingest_calls_bytes(&[(Path::new("x"), text.as_bytes())], &opts).unwrap();
    let b = wfm::data::ingest_calls_bytes(&[(Path::new("x"), clean.as_bytes())], &opts).unwrap();
    assert_eq!(a.kpis, b.kpis);
    assert_eq!(a.accounting.repaired(), b.accounting.repaired() + 2);
    assert_eq!(a.accounting.rejected, b.accounting.rejected);
}

#[test]
fn generic_csv_agrees_with_the_anonbank_reader() {
    // generic_jan03.csv was converted from data/anonbank/january_01-14.txt by the Python
    // script in tests/fixtures/ingest/README.md (independently of the Rust reader).
    let g = ingest_calls(
        &[manifest("tests/fixtures/ingest/generic_jan03.csv")],
        &CallOptions::default(),
    )
    .unwrap();
    let a = ingest_calls(
        &[manifest("data/anonbank/january_01-14.txt")],
        &CallOptions::default(),
    )
    .unwrap();
    let jan3 = wfm::time::parse_date("1999-01-03").unwrap();
    let a_rows: Vec<_> = a
        .kpis
        .rows
        .iter()
        .filter(|r| r.interval_start.date() == jan3)
        .collect();
    assert_eq!(g.kpis.rows.len(), a_rows.len());
    for (x, y) in g.kpis.rows.iter().zip(a_rows) {
        assert_eq!((x.interval_start, &x.queue), (y.interval_start, &y.queue));
        assert_eq!(x.offered, y.offered, "{:?}", x.interval_start);
        assert_eq!(x.answered, y.answered);
        assert_eq!(x.abandoned, y.abandoned);
        assert_eq!(x.answered_le, y.answered_le);
        assert_eq!(x.sum_service_secs, y.sum_service_secs);
        assert_eq!(x.sum_wait_answered_secs, y.sum_wait_answered_secs);
        assert_eq!(x.sum_wait_abandoned_secs, y.sum_wait_abandoned_secs);
    }
}

#[test]
fn generic_csv_rejections_are_named() {
    let csv = "call_id,queue,arrival_time,outcome,wait_seconds,handle_seconds,acw_seconds\n\
               1,SALES,2024-03-04 09:00:05,answered,12,300,30\n\
               2,SALES,2024-03-04 09:10:00,abandoned,45,,\n\
               3,SALES,2024-03-04 9h15,answered,3,200,0\n\
               4,SALES,2024-03-04 09:20:00,transferred,3,200,0\n\
               5,SALES,2024-03-04 09:25:00,answered,-3,200,0\n\
               6,SALES,2024-03-04 09:30:00,answered,3\n\
               1,SALES,2024-03-04 09:35:00,answered,3,100,0\n\
               7,SALES,2024-03-04 09:40:00,answered,3,,0\n\
               8, SALES ,2024-03-04 09:45:00,answered,25,100,20\n";
    let ing = wfm::data::ingest_calls_bytes(
        &[(Path::new("g.csv"), csv.as_bytes())],
        &CallOptions::default(),
    )
    .unwrap();
    let a = &ing.accounting;
    assert_eq!((a.read, a.used, a.rejected, a.repaired()), (9, 3, 6, 1));
    let got: Vec<(u64, &str)> = a
        .rejections
        .iter()
        .map(|r| (r.at.line, r.reason.kind()))
        .collect();
    assert_eq!(
        got,
        vec![
            (4, "unparseable time"),
            (5, "unknown outcome"),
            (6, "negative duration"),
            (7, "wrong field count"),
            (8, "duplicate record"),
            (9, "missing value"),
        ]
    );
    // AHT includes after-call work: (330 + 120) / 2 answered in the 09:00 and 09:30 intervals.
    let r9 = ing
        .kpis
        .rows
        .iter()
        .find(|r| r.interval_start.format("%H:%M").to_string() == "09:00")
        .unwrap();
    assert_eq!(r9.offered, 2.0);
    assert_eq!(r9.aht_secs(), Some(330.0));
    assert_eq!(r9.service_level(0), Some(0.5));
    let r930 = ing
        .kpis
        .rows
        .iter()
        .find(|r| r.interval_start.format("%H:%M").to_string() == "09:30")
        .unwrap();
    assert_eq!(r930.aht_secs(), Some(120.0));
    assert_eq!(r930.service_level(0), Some(0.0));
}

#[test]
fn empty_and_header_only_call_logs_are_errors() {
    let o = CallOptions::default();
    let run = |b: &[u8]| wfm::data::ingest_calls_bytes(&[(Path::new("e"), b)], &o);
    assert!(matches!(run(b""), Err(DataError::Empty { .. })));
    assert!(matches!(run(b"\n\r\n  \n"), Err(DataError::Empty { .. })));
    assert!(matches!(
        run(b"vru+line\tcall_id\tcustomer_id\n"),
        Err(DataError::NoRecords { .. })
    ));
    assert!(matches!(
        run(b"call_id,queue,arrival_time,outcome,wait_seconds,handle_seconds\n"),
        Err(DataError::NoRecords { .. })
    ));
    assert!(matches!(
        run(b"call_id,queue,arrival_time,outcome\n1,A,2024-01-01 00:00:00,answered\n"),
        Err(DataError::MissingColumns { .. })
    ));
    assert!(matches!(
        run(b"hello world\n"),
        Err(DataError::UnknownFormat { .. })
    ));
}

#[test]
fn sl_thresholds_are_repeatable_and_name_the_columns() {
    let sample = manifest("data/anonbank/january_01-14.txt");
    let (out, err, code) = run_wfm(&[
        "ingest",
        "calls",
        sample.to_str().unwrap(),
        "--sl-threshold",
        "30s",
        "--sl-threshold",
        "20",
        "--sl-threshold",
        "1m",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let header = out.lines().next().unwrap();
    assert!(header.starts_with(
        "interval_start,queue,offered,answered,abandoned,aht_seconds,asa_seconds,sl_20s,sl_30s,sl_60s,queued,answered_le20,answered_le30,answered_le60,abandoned_le20,abandoned_le30,abandoned_le60,"
    ), "{header}");
    // SL can only grow with the threshold.
    let ing = ingest_calls(
        &[&sample],
        &CallOptions::default().with_thresholds(SlThresholds::new(vec![20, 30, 60]).unwrap()),
    )
    .unwrap();
    for r in &ing.kpis.rows {
        let s: Vec<f64> = (0..3).map(|i| r.service_level(i).unwrap_or(0.0)).collect();
        assert!(s[0] <= s[1] && s[1] <= s[2], "{r:?}");
    }
}

#[test]
fn every_interval_length_conserves_the_totals() {
    let sample = manifest("data/anonbank/january_01-14.txt");
    let base = ingest_calls(&[&sample], &CallOptions::default()).unwrap();
    for m in [5, 6, 10, 15, 30, 60] {
        let len = IntervalLength::from_minutes(m).unwrap();
        let ing = ingest_calls(&[&sample], &CallOptions::default().with_interval(len)).unwrap();
        assert_eq!(ing.kpis.rows.len(), 12 * len.per_day() * 6, "case {m} min");
        assert_eq!(
            ing.kpis.total_offered(),
            base.kpis.total_offered(),
            "case {m} min"
        );
        let ans: f64 = ing.kpis.rows.iter().filter_map(|r| r.answered).sum();
        let ans0: f64 = base.kpis.rows.iter().filter_map(|r| r.answered).sum();
        assert_eq!(ans, ans0, "case {m} min");
    }
    // 60-min rows are the sums of the two 30-min rows.
    let h = ingest_calls(
        &[&sample],
        &CallOptions::default().with_interval(IntervalLength::from_minutes(60).unwrap()),
    )
    .unwrap();
    for (i, r) in h.kpis.rows.iter().enumerate() {
        let (d, s, q) = (i / (24 * 6), (i / 6) % 24, i % 6);
        let a = &base.kpis.rows[(d * 48 + 2 * s) * 6 + q];
        let b = &base.kpis.rows[(d * 48 + 2 * s + 1) * 6 + q];
        assert_eq!(r.offered, a.offered + b.offered);
        assert_eq!(
            r.sum_service_secs.unwrap(),
            a.sum_service_secs.unwrap() + b.sum_service_secs.unwrap()
        );
    }
    let (_, err, code) = run_wfm(&[
        "ingest",
        "calls",
        sample.to_str().unwrap(),
        "--interval",
        "7m",
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn out_file_csv_json_and_parquet() {
    let dir = std::env::temp_dir().join(format!("wfm-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = manifest("tests/fixtures/ingest/generic_jan03.csv");
    let csv_out = dir.join("k.csv");
    let json_out = dir.join("k.json");
    for out in [&csv_out, &json_out] {
        let (_, err, code) = run_wfm(&[
            "ingest",
            "calls",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let (stdout_csv, _, _) = run_wfm(&[
        "ingest",
        "calls",
        input.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(std::fs::read_to_string(&csv_out).unwrap(), stdout_csv);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 48 * 6);
    assert_eq!(v[0]["interval_start"], "1999-01-03T00:00:00");
    let (_, err, code) = run_wfm(&[
        "ingest",
        "calls",
        input.to_str().unwrap(),
        "--out",
        dir.join("k.parquet").to_str().unwrap(),
    ]);
    // Parquet by extension (issue #12 replaced the old refusal; tests/io_formats.rs reads it back).
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(dir.join("k.parquet"))
        .unwrap()
        .starts_with(b"PAR1"));
    // Never over an input.
    let (_, err, code) = run_wfm(&[
        "ingest",
        "calls",
        input.to_str().unwrap(),
        "--out",
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- interval exports ----------------------------------------------------------------------

fn intervals(text: &str) -> Result<wfm::data::KpiTable, DataError> {
    ingest_intervals_bytes(
        &[(Path::new("i.csv"), text.as_bytes())],
        &IntervalOptions::default(),
    )
    .map(|i| i.kpis)
}

const HEADER: &str =
    "interval_start,queue,offered,answered,abandoned,aht_seconds,asa_seconds,sl_20s\n";

fn err_text(body: &str) -> String {
    intervals(&format!("{HEADER}{body}"))
        .unwrap_err()
        .to_string()
}

#[test]
fn interval_errors_name_row_and_column() {
    let ok = "2024-01-01T09:00:00,A,10,8,2,100,5,0.7\n";
    let cases: [(&str, String, &str); 9] = [
        (
            "duplicate",
            format!("{ok}{ok}"),
            "i.csv:3, column `interval_start`: duplicate row for 2024-01-01 09:00:00 queue `A` (first at line 2)",
        ),
        (
            "unsorted",
            format!("2024-01-01T09:30:00,A,1,1,0,,,\n{ok}"),
            "i.csv:3, column `interval_start`: rows are not sorted",
        ),
        (
            "mixed lengths",
            "2024-01-01T09:00:00,A,1,,,,,\n2024-01-01T09:30:00,A,1,,,,,\n2024-01-01T10:00:00,A,1,,,,,\n2024-01-01T10:30:00,A,1,,,,,\n2024-01-01T10:45:00,A,1,,,,,\n".to_string(),
            "i.csv:6, column `interval_start`: mixed interval lengths: most rows are 30 min apart, but this row is 15 min",
        ),
        (
            "negative",
            "2024-01-01T09:00:00,A,-1,0,0,,,\n".to_string(),
            "i.csv:2, column `offered`: expected a value ≥ 0, got `-1`",
        ),
        (
            "NaN",
            "2024-01-01T09:00:00,A,3,NaN,0,,,\n".to_string(),
            "i.csv:2, column `answered`: expected a finite number, got `NaN`",
        ),
        (
            "answered+abandoned>offered",
            "2024-01-01T09:00:00,A,3,2,2,,,\n".to_string(),
            "i.csv:2, column `answered`: answered + abandoned > offered (2 + 2 > 3)",
        ),
        (
            "sl > 1",
            "2024-01-01T09:00:00,A,3,2,1,,,80\n".to_string(),
            "i.csv:2, column `sl_20s`: expected a service level in [0, 1]",
        ),
        (
            "bad timestamp",
            "2024-13-01T09:00:00,A,3,2,1,,,\n".to_string(),
            "i.csv:2, column `interval_start`: expected a timestamp",
        ),
        (
            "off grid",
            "2024-01-01T09:00:00,A,1,,,,,\n2024-01-01T09:30:00,A,1,,,,,\n2024-01-02T09:10:00,A,1,,,,,\n2024-01-02T09:40:00,A,1,,,,,\n".to_string(),
            "i.csv:4, column `interval_start`: mixed interval lengths",
        ),
    ];
    for (case, body, want) in cases {
        let e = err_text(&body);
        assert!(e.contains(want), "case {case}: `{e}` lacks `{want}`");
    }
    let e = intervals("interval_start,offered\n2024-01-01T09:00:00,1\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("i.csv:1: missing column(s) queue"), "{e}");
    assert!(intervals("").unwrap_err().to_string().contains("empty"));
    assert!(intervals(HEADER)
        .unwrap_err()
        .to_string()
        .contains("header but no data rows"));
    let e = intervals("interval_start,queue,offered\n2024-01-01,A,1\n2024-01-02,A,1\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("interval length 1440 min is not supported"),
        "{e}"
    );
}

#[test]
fn zero_filled_and_omitted_closed_hours_give_the_same_table() {
    let full = manifest("data/anonbank/intervals_30min_by_queue_01-14.csv");
    let text = std::fs::read_to_string(&full).unwrap();
    let t_full = ingest_intervals(&[&full], &IntervalOptions::default())
        .unwrap()
        .kpis;
    // Business-hours-only: drop every timestamp at which all queues had offered = 0.
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let closed: std::collections::HashSet<&str> = rows
        .chunks(6)
        .filter(|c| c.iter().all(|r| r.split(',').nth(2) == Some("0")))
        .map(|c| c[0].split(',').next().unwrap())
        .collect();
    assert!(closed.len() > 100, "the sample has closed hours");
    let kept: Vec<&str> = rows
        .iter()
        .copied()
        .filter(|r| !closed.contains(r.split(',').next().unwrap()))
        .collect();
    let omitted = format!("{header}\n{}\n", kept.join("\n"));
    let wfm::data::Ingested {
        kpis: t_omit,
        accounting: acc,
    } = ingest_intervals_bytes(
        &[(Path::new("omit.csv"), omitted.as_bytes())],
        &IntervalOptions::default(),
    )
    .unwrap();
    assert_eq!(t_omit.to_table(), t_full.to_table());
    assert_eq!(
        acc.notes["intervals zero-filled (omitted closed hours)"],
        closed.len() as u64 * 6
    );
    // Weekday-only: drop Fridays and Saturdays entirely; the days are simply not covered.
    let weekday: Vec<&str> = rows
        .iter()
        .copied()
        .filter(|r| {
            let d = wfm::time::parse_timestamp(r.split(',').next().unwrap()).unwrap();
            !matches!(wfm::time::weekday_sun0(d.date()), 5 | 6)
        })
        .collect();
    let wd = format!("{header}\n{}\n", weekday.join("\n"));
    let t_wd = ingest_intervals_bytes(
        &[(Path::new("wd.csv"), wd.as_bytes())],
        &IntervalOptions::default(),
    )
    .unwrap();
    assert_eq!(t_wd.kpis.rows.len(), weekday.len());
    assert_eq!(t_wd.kpis.interval.minutes(), 30);
}

#[test]
fn calls_output_round_trips_through_the_interval_reader() {
    let sample = manifest("data/anonbank/january_01-14.txt");
    let ing = ingest_calls(&[&sample], &CallOptions::default()).unwrap();
    let mut buf = Vec::new();
    ing.kpis.to_table().write_csv(&mut buf).unwrap();
    let back =
        ingest_intervals_bytes(&[(Path::new("k.csv"), &buf)], &IntervalOptions::default()).unwrap();
    assert_eq!(back.kpis.to_table(), ing.kpis.to_table());
}

#[test]
fn mapping_toml_and_flags_read_a_renamed_export() {
    let export = manifest("tests/fixtures/ingest/acd_export.csv");
    let mapping = ColumnMapping::from_toml(&manifest("models/interval_mapping.toml")).unwrap();
    let t = ingest_intervals(
        &[&export],
        &IntervalOptions {
            mapping,
            ..IntervalOptions::default()
        },
    )
    .unwrap();
    // Same numbers as the shared-schema rows it was made from (PS and NE on 3 Jan).
    let full = ingest_intervals(
        &[manifest("data/anonbank/intervals_30min_by_queue_01-14.csv")],
        &IntervalOptions::default(),
    )
    .unwrap();
    let jan3 = wfm::time::parse_date("1999-01-03").unwrap();
    let want: Vec<_> = full
        .kpis
        .rows
        .iter()
        .filter(|r| r.interval_start.date() == jan3 && ["NE", "PS"].contains(&r.queue.as_str()))
        .collect();
    assert_eq!(t.kpis.rows.len(), want.len());
    for (a, b) in t.kpis.rows.iter().zip(want) {
        assert_eq!(
            (a.interval_start, &a.queue, a.offered),
            (b.interval_start, &b.queue, b.offered)
        );
        assert_eq!(a.answered, b.answered);
        match (a.service_level(0), b.service_level(0)) {
            (Some(x), Some(y)) => assert!((x - y).abs() < 1e-4 + 1e-12, "{x} {y}"),
            (None, None) => {}
            other => panic!("{other:?}"),
        }
    }
    // The same with flags; a wrongly named column is an error naming it.
    let (_, err, code) = run_wfm(&[
        "ingest",
        "intervals",
        export.to_str().unwrap(),
        "--mapping",
        manifest("models/interval_mapping.toml").to_str().unwrap(),
        "--map",
        "offered=Calls Presented",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("missing column(s) Calls Presented"), "{err}");
    let mut m = ColumnMapping::default();
    assert!(m.set("colour=blue").is_err());
    assert!(m.set("sl_unit=permille").is_err());
}

#[test]
fn declared_interval_must_match_the_rows() {
    let body = format!(
        "{HEADER}2024-01-01T09:00:00,A,1,,,,,\n2024-01-01T09:30:00,A,1,,,,,\n2024-01-01T10:00:00,A,1,,,,,\n"
    );
    let opts = |m| IntervalOptions {
        interval: Some(IntervalLength::from_minutes(m).unwrap()),
        ..IntervalOptions::default()
    };
    let run = |m| ingest_intervals_bytes(&[(Path::new("i.csv"), body.as_bytes())], &opts(m));
    assert_eq!(run(30).unwrap().kpis.rows.len(), 48);
    let e = run(15).unwrap_err().to_string();
    assert!(
        e.contains("rows are at least 30 min apart, but --interval declares 15 min"),
        "{e}"
    );
    let e = run(60).unwrap_err().to_string();
    assert!(e.contains("not a multiple of the declared 60 min"), "{e}");
}

#[test]
fn stdout_formats_table_csv_json() {
    let input = manifest("tests/fixtures/ingest/generic_jan03.csv");
    let p = input.to_str().unwrap();
    let (csv_out, _, _) = run_wfm(&["ingest", "calls", p, "--format", "csv"]);
    let (json_out, _, _) = run_wfm(&["ingest", "calls", p, "--format", "json"]);
    let (table_out, err, code) = run_wfm(&["ingest", "calls", p]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), csv_out.lines().count() - 1);
    // The aligned table has the same rows and header words.
    assert_eq!(table_out.lines().count(), csv_out.lines().count());
    let head: Vec<&str> = table_out
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        head,
        csv_out
            .lines()
            .next()
            .unwrap()
            .split(',')
            .collect::<Vec<_>>()
    );
    // The 09:00 PS row agrees across formats.
    let row = csv_out
        .lines()
        .find(|l| l.starts_with("1999-01-03T09:00:00,PS,"))
        .unwrap();
    let offered: i64 = row.split(',').nth(2).unwrap().parse().unwrap();
    let j = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["interval_start"] == "1999-01-03T09:00:00" && r["queue"] == "PS")
        .unwrap();
    assert_eq!(j["offered"], serde_json::json!(offered));
}

#[test]
fn coarsened_table_equals_ingesting_at_the_coarser_length() {
    let sample = manifest("data/anonbank/january_01-14.txt");
    let thr = SlThresholds::new(vec![20, 45]).unwrap();
    let at = |m| {
        ingest_calls(
            &[&sample],
            &CallOptions::default()
                .with_interval(IntervalLength::from_minutes(m).unwrap())
                .with_thresholds(thr.clone()),
        )
        .unwrap()
        .kpis
    };
    let fine = at(15);
    for m in [30, 60] {
        let coarse = fine
            .coarsened(IntervalLength::from_minutes(m).unwrap())
            .unwrap();
        assert_eq!(coarse.to_table(), at(m).to_table(), "case {m} min");
    }
    assert!(at(10)
        .coarsened(IntervalLength::from_minutes(15).unwrap())
        .is_err());
}

#[test]
fn pooled_table_equals_ingesting_one_queue() {
    let path = manifest("tests/fixtures/ingest/generic_jan03.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    // The same calls, every one in queue ALL.
    let all: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                let mut f: Vec<&str> = l.split(',').collect();
                f[1] = "ALL";
                format!("{}\n", f.join(","))
            }
        })
        .collect();
    let one = wfm::data::ingest_calls_bytes(
        &[(Path::new("all"), all.as_bytes())],
        &CallOptions::default(),
    )
    .unwrap();
    let per_queue = ingest_calls(&[&path], &CallOptions::default()).unwrap();
    let pooled = per_queue
        .kpis
        .pooled(wfm::data::QueueId::new("ALL").unwrap());
    assert_eq!(pooled.to_table(), one.kpis.to_table());
    // CLI: --pool.
    let (out, err, code) = run_wfm(&[
        "ingest",
        "calls",
        path.to_str().unwrap(),
        "--pool",
        "ALL",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut want = Vec::new();
    one.kpis.to_table().write_csv(&mut want).unwrap();
    assert_eq!(out, String::from_utf8(want).unwrap());
}

#[test]
fn pooling_an_export_without_sums_uses_weighted_means() {
    // The published 30-min file has only means (AHT, ASA rounded to 0.1 s; SL to 1e-4): pooled
    // with weights they must agree with the exact pooling of the raw calls within that rounding.
    let name = wfm::data::QueueId::new("ALL").unwrap();
    let export = ingest_intervals(
        &[manifest("data/anonbank/intervals_30min_by_queue_01-14.csv")],
        &IntervalOptions::default(),
    )
    .unwrap()
    .kpis
    .pooled(name.clone());
    let calls = ingest_calls(
        &[manifest("data/anonbank/january_01-14.txt")],
        &CallOptions::default(),
    )
    .unwrap()
    .kpis
    .pooled(name);
    assert_eq!(export.rows.len(), calls.rows.len());
    for (a, b) in export.rows.iter().zip(&calls.rows) {
        assert_eq!(a.offered, b.offered);
        for (x, y, tol) in [
            (a.aht_secs(), b.aht_secs(), 0.05 + 1e-9),
            (a.asa_secs(), b.asa_secs(), 0.05 + 1e-9),
            (a.service_level(0), b.service_level(0), 1e-4 + 1e-12),
        ] {
            match (x, y) {
                (Some(x), Some(y)) => {
                    assert!((x - y).abs() <= tol, "{:?}: {x} vs {y}", a.interval_start)
                }
                (None, None) => {}
                other => panic!("{:?}: {other:?}", a.interval_start),
            }
        }
    }
}

#[test]
fn zero_filling_an_interval_export_is_bounded_like_ingest_calls() {
    // 1,100 queues seen on 4 Jan 1999 and one queue seen on 100 days (and at 09:05 once): zero-filled at 5 min that
    // is 100 × 288 × 1,100 = 31.7 M rows (several GB) from a 1,200-row file. Refused up front,
    // as `ingest calls` refuses the same shape; `--no-fill` keeps the rows as given.
    let mut csv = String::from("interval_start,queue,offered\n");
    for q in 0..1_100 {
        csv.push_str(&format!("1999-01-04T09:00:00,Q{q},1\n"));
    }
    // The 5-minute grid, shown by one queue.
    csv.push_str("1999-01-04T09:05:00,Q0,1\n");
    let day0 = wfm::time::parse_date("1999-01-05").unwrap();
    for d in 0..99 {
        let day = day0 + chrono::TimeDelta::days(d);
        csv.push_str(&format!("{}T09:00:00,Q0,1\n", day.format("%Y-%m-%d")));
    }
    let opts = IntervalOptions {
        interval: Some(IntervalLength::from_minutes(5).unwrap()),
        ..IntervalOptions::default()
    };
    let Err(err) = ingest_intervals_bytes(&[(Path::new("wide.csv"), csv.as_bytes())], &opts) else {
        panic!("31.7 M zero-filled rows were not refused");
    };
    assert!(
        matches!(
            err,
            DataError::TooManyRows {
                rows: 31_680_000,
                days: 100,
                ..
            }
        ),
        "{err}"
    );
    let kept = ingest_intervals_bytes(
        &[(Path::new("wide.csv"), csv.as_bytes())],
        &IntervalOptions {
            no_fill: true,
            ..opts
        },
    )
    .unwrap();
    assert_eq!(kept.kpis.rows.len(), 1_200);
}
