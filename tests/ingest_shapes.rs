//! A planner's own exports (issue #12, items 3–4 and the must-show list): the committed
//! Anonymous Bank interval history is exported in the three shapes of the issue — semicolon-eu
//! (CSV with BOM, CRLF and report lines; and an XLSX with typed date, time, duration and
//! percentage cells), us-12h and utc-ms — each is ingested with its mapping from
//! `models/mappings/`, and the result must give the source's offered / answered / abandoned
//! exactly and AHT / ASA / SL within the export's rounding.
//!
//! The XLSX is written by `rust_xlsxwriter`, an independent writer, so the reader is not
//! checked against itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime, Timelike};
use wfm::data::{ColumnMapping, IntervalOptions, KpiTable};
use wfm::io::intervals::ingest_intervals;

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wfm-shapes-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// The source: 14 days × 48 half-hours × 5 queues of January 1999.
fn source() -> KpiTable {
    ingest_intervals(
        &[manifest("data/anonbank/intervals_30min_by_queue_01-14.csv")],
        &IntervalOptions::default(),
    )
    .unwrap()
    .kpis
}

struct Src {
    t: NaiveDateTime,
    q: String,
    offered: f64,
    answered: f64,
    abandoned: f64,
    aht: Option<f64>,
    asa: Option<f64>,
    sl: Option<f64>,
}

fn rows(k: &KpiTable) -> Vec<Src> {
    k.rows
        .iter()
        .map(|r| Src {
            t: r.interval_start,
            q: r.queue.to_string(),
            offered: r.offered,
            answered: r.answered.unwrap(),
            abandoned: r.abandoned.unwrap(),
            aht: r.aht_secs(),
            asa: r.asa_secs(),
            sl: r.service_level(0),
        })
        .collect()
}

fn hms(secs: f64) -> String {
    let s = secs.round() as i64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn mss(secs: f64) -> String {
    let s = secs.round() as i64;
    format!("{}:{:02}", s / 60, s % 60)
}

fn semicolon_eu(src: &[Src]) -> Vec<u8> {
    let mut out = String::from("\u{feff}Interval report;;;;;;;;\r\nPeriod: 01.01.1999 - 14.01.1999;;;;;;;;\r\n;;;;;;;;\r\n");
    out.push_str("Date;Time;Queue;Calls offered;Calls answered;Calls abandoned;AHT;ASA;SL 20s\r\n");
    for r in src {
        out.push_str(&format!(
            "{};{};{};{};{};{};{};{};{}\r\n",
            r.t.format("%d.%m.%Y"),
            r.t.format("%H:%M"),
            r.q,
            r.offered,
            r.answered,
            r.abandoned,
            r.aht.map(hms).unwrap_or_default(),
            r.asa.map(hms).unwrap_or_default(),
            r.sl.map(|s| format!("{:.1} %", s * 100.0).replace('.', ","))
                .unwrap_or_default(),
        ));
    }
    out.into_bytes()
}

fn us_12h(src: &[Src]) -> Vec<u8> {
    let mut out = String::from(
        "Date,Interval,Split/Skill,ACD Calls,Aban Calls,Avg ACD Time,Avg Speed Ans,% Within Service Level\n",
    );
    for r in src {
        let h = r.t.hour();
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        out.push_str(&format!(
            "{},{}:{:02} {},{},{},{},{},{},{}\n",
            r.t.format("%m/%d/%Y"),
            h12,
            r.t.minute(),
            if h < 12 { "AM" } else { "PM" },
            r.q,
            r.answered,
            r.abandoned,
            r.aht.map(mss).unwrap_or_default(),
            r.asa.map(mss).unwrap_or_default(),
            r.sl.map(|s| format!("{:.1}%", s * 100.0))
                .unwrap_or_default(),
        ));
    }
    out.into_bytes()
}

/// Israel was at UTC+2 all of January 1999.
fn utc_ms(src: &[Src]) -> Vec<u8> {
    let mut out = String::from(
        "Interval Start,Queue Name,Offer,Answer,Abandon,Avg Handle,Avg Answer,Service Level %\n",
    );
    for r in src {
        let utc = r.t - chrono::TimeDelta::hours(2);
        out.push_str(&format!(
            "{}.000Z,{},{},{},{},{},{},{}\n",
            utc.format("%Y-%m-%dT%H:%M:%S"),
            r.q,
            r.offered,
            r.answered,
            r.abandoned,
            r.aht
                .map(|a| format!("{:.0}", a * 1000.0))
                .unwrap_or_default(),
            r.asa
                .map(|a| format!("{:.0}", a * 1000.0))
                .unwrap_or_default(),
            r.sl.map(|s| format!("{s:.3}")).unwrap_or_default(),
        ));
    }
    out.into_bytes()
}

/// The semicolon-eu report as an XLSX: the date, time, durations and service level are typed
/// cells (date, time-of-day, `[h]:mm:ss` duration and `0.0%` percentage formats).
fn semicolon_eu_xlsx(src: &[Src]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let other = wb.add_worksheet();
    other.set_name("Notes").unwrap();
    other.write_string(0, 0, "not the data").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Report").unwrap();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let time = Format::new().set_num_format("hh:mm");
    let dur = Format::new().set_num_format("[h]:mm:ss");
    let hhmmss = Format::new().set_num_format("hh:mm:ss");
    let pct = Format::new().set_num_format("0.0%");
    ws.write_string(0, 0, "Interval report").unwrap();
    ws.write_string(1, 0, "Period: 01.01.1999 - 14.01.1999")
        .unwrap();
    for (c, h) in [
        "Date",
        "Time",
        "Queue",
        "Calls offered",
        "Calls answered",
        "Calls abandoned",
        "AHT",
        "ASA",
        "SL 20s",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(3, c as u16, *h).unwrap();
    }
    for (i, r) in src.iter().enumerate() {
        let row = 4 + i as u32;
        let d =
            ExcelDateTime::from_ymd(r.t.year() as u16, r.t.month() as u8, r.t.day() as u8).unwrap();
        ws.write_datetime_with_format(row, 0, &d, &date).unwrap();
        let t = ExcelDateTime::from_hms(r.t.hour() as u16, r.t.minute() as u8, 0).unwrap();
        ws.write_datetime_with_format(row, 1, &t, &time).unwrap();
        ws.write_string(row, 2, &r.q).unwrap();
        ws.write_number(row, 3, r.offered).unwrap();
        ws.write_number(row, 4, r.answered).unwrap();
        ws.write_number(row, 5, r.abandoned).unwrap();
        // AHT as an Excel duration, ASA as a time-formatted fraction of a day: both are typed.
        if let Some(a) = r.aht {
            ws.write_number_with_format(row, 6, a.round() / 86_400.0, &dur)
                .unwrap();
        }
        if let Some(a) = r.asa {
            ws.write_number_with_format(row, 7, a.round() / 86_400.0, &hhmmss)
                .unwrap();
        }
        if let Some(s) = r.sl {
            ws.write_number_with_format(row, 8, (s * 1000.0).round() / 1000.0, &pct)
                .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Ingests `bytes` (written to `name`) with `mapping` and compares with the source.
fn check(
    name: &str,
    bytes: &[u8],
    mapping: &str,
    zone: Option<&str>,
    tol_secs: f64,
    tol_sl: f64,
) -> KpiTable {
    let path = tmp(name);
    std::fs::write(&path, bytes).unwrap();
    let opts = IntervalOptions {
        mapping: ColumnMapping::from_toml(&manifest(mapping)).unwrap(),
        zone: zone.map(|z| wfm::io::shape::parse_zone(z).unwrap()),
        ..IntervalOptions::default()
    };
    let got = ingest_intervals(&[&path], &opts)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .kpis;
    let src = rows(&source());
    let by_key: BTreeMap<(NaiveDateTime, String), Src> = rows(&got)
        .into_iter()
        .map(|r| ((r.t, r.q.clone()), r))
        .collect();
    assert_eq!(by_key.len(), src.len(), "{name}: row count");
    for s in &src {
        let g = &by_key[&(s.t, s.q.clone())];
        let at = format!("{name} {} {}", s.t, s.q);
        assert_eq!(g.offered, s.offered, "{at}: offered");
        assert_eq!(g.answered, s.answered, "{at}: answered");
        assert_eq!(g.abandoned, s.abandoned, "{at}: abandoned");
        for (what, a, b, tol) in [
            ("aht", g.aht, s.aht, tol_secs),
            ("asa", g.asa, s.asa, tol_secs),
            ("sl", g.sl, s.sl, tol_sl),
        ] {
            match (a, b) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= tol, "{at}: {what} {a} vs {b}"),
                (None, None) => {}
                // An export without answered calls has no AHT; the source may show none either.
                (a, b) => panic!("{at}: {what} {a:?} vs {b:?}"),
            }
        }
    }
    got
}

#[test]
fn semicolon_eu_csv_and_typed_xlsx_ingest_to_the_source() {
    let src = rows(&source());
    // h:mm:ss rounds to whole seconds; "83,3 %" to a tenth of a percent.
    check(
        "eu.csv",
        &semicolon_eu(&src),
        "models/mappings/semicolon-eu.toml",
        None,
        0.5 + 1e-9,
        0.0005 + 1e-9,
    );
    wfm::table::set_default_sheet(Some("Report".into()));
    let got = check(
        "eu.xlsx",
        &semicolon_eu_xlsx(&src),
        "models/mappings/semicolon-eu.toml",
        None,
        0.5 + 1e-9,
        0.0005 + 1e-9,
    );
    wfm::table::set_default_sheet(None);
    assert_eq!(got.interval.minutes(), 30);
}

#[test]
fn us_12h_derives_offered_from_answered_and_abandoned() {
    let src = rows(&source());
    check(
        "us.csv",
        &us_12h(&src),
        "models/mappings/us-12h.toml",
        None,
        0.5 + 1e-9,
        0.0005 + 1e-9,
    );
}

#[test]
fn utc_ms_instants_are_placed_on_the_site_clock() {
    let src = rows(&source());
    let got = check(
        "utc.csv",
        &utc_ms(&src),
        "models/mappings/utc-ms.toml",
        Some("Asia/Jerusalem"),
        0.0005 + 1e-9,
        0.0005 + 1e-9,
    );
    assert_eq!(got.rows[0].interval_label(), "1999-01-01T00:00:00+02:00");
    // Without a zone, the UTC instants are an error naming the row, never local time.
    let path = tmp("utc-nozone.csv");
    std::fs::write(&path, utc_ms(&src[..10])).unwrap();
    let opts = IntervalOptions {
        mapping: ColumnMapping::from_toml(&manifest("models/mappings/utc-ms.toml")).unwrap(),
        ..IntervalOptions::default()
    };
    let e = ingest_intervals(&[&path], &opts).unwrap_err().to_string();
    assert!(
        e.contains("utc-nozone.csv:2, column `Interval Start`"),
        "{e}"
    );
    assert!(e.contains("--tz"), "{e}");
}
