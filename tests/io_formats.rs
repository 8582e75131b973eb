//! Every table reader goes through one path (`wfm::io::source`): CSV with CRLF line ends is
//! located at the right line by every command; Parquet written by `wfm --out x.parquet` reads
//! back, and (when Python with pyarrow is installed; `.ci/run` installs it) agrees with the CSV
//! output value for value, and a Parquet file written by pyarrow is read (issue #12, items 3
//! and 6, must-show 3 and 5).

use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wfm-io-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
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

fn crlf(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

/// A CRLF file whose line `bad_line` holds a bad value is reported at that line, by each
/// command that reads a table.
#[test]
fn crlf_files_are_located_at_the_right_line_by_every_reader() {
    // Interval history (ingest intervals, forecast --history, audit --actuals share it).
    let mut hist = vec!["interval_start,queue,offered,answered,abandoned".to_string()];
    for h in 0..6 {
        hist.push(format!("1999-01-04T{:02}:00:00,PS,10,9,1", 7 + h));
        hist.push(format!("1999-01-04T{:02}:30:00,PS,10,9,1", 7 + h));
    }
    hist[9] = "1999-01-04T11:00:00,PS,x,9,1".to_string(); // line 10
    let h = tmp("hist_crlf.csv");
    std::fs::write(&h, crlf(&hist)).unwrap();
    let hp = h.to_str().unwrap();
    for args in [
        vec!["ingest", "intervals", hp],
        vec!["forecast", "--history", hp, "--horizon", "1d"],
    ] {
        let (_, err, code) = run_wfm(&args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains("hist_crlf.csv:10"), "{args:?}: {err}");
    }
    // A forecast / requirement table (staff --input).
    let mut fc = vec!["interval_start,queue,forecast,aht_forecast".to_string()];
    for i in 0..8 {
        fc.push(format!(
            "1999-02-01T{:02}:{:02}:00,PS,10,180",
            8 + i / 2,
            30 * (i % 2)
        ));
    }
    fc[6] = "1999-02-01T10:30:00,PS,ten,180".to_string(); // line 7
    let f = tmp("fc_crlf.csv");
    std::fs::write(&f, crlf(&fc)).unwrap();
    let (_, err, code) = run_wfm(&["staff", "--input", f.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("fc_crlf.csv:7"), "{err}");
    // A generic call log: the bad record is rejected at its line.
    let mut calls =
        vec!["call_id,queue,arrival_time,outcome,wait_seconds,handle_seconds".to_string()];
    for i in 0..6 {
        calls.push(format!("c{i},PS,1999-01-04 09:0{i}:00,answered,5,100"));
    }
    calls[4] = "c3,PS,1999-01-04 09:03:00,answered,-5,100".to_string(); // line 5
    let c = tmp("calls_crlf.csv");
    std::fs::write(&c, crlf(&calls)).unwrap();
    let (_, err, code) = run_wfm(&["ingest", "calls", c.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("calls_crlf.csv:5, column `wait_seconds`: rejected: negative duration"),
        "{err}"
    );
}

#[test]
fn parquet_output_reads_back_as_the_same_table() {
    let src = manifest("data/anonbank/intervals_30min_by_queue_01-14.csv");
    let pq = tmp("k.parquet");
    let (_, err, code) = run_wfm(&[
        "ingest",
        "intervals",
        src.to_str().unwrap(),
        "--out",
        pq.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&pq).unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    let (from_csv, _, _) = run_wfm(&[
        "ingest",
        "intervals",
        src.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let (from_pq, err, code) = run_wfm(&[
        "ingest",
        "intervals",
        pq.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(from_pq, from_csv);
}

fn python_with_pyarrow() -> bool {
    Command::new("python3")
        .args(["-c", "import pyarrow.parquet"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `--out x.parquet` read by pyarrow has the values of `--out x.csv` (numbers as numbers,
/// empty cells as nulls), and a Parquet file pyarrow writes (int64, float64, string and
/// timestamp columns) ingests to the same table as the CSV it came from.
#[test]
fn pyarrow_reads_our_parquet_and_we_read_pyarrows() {
    if !python_with_pyarrow() {
        eprintln!("SKIP: python3 with pyarrow is not installed (`.ci/run` installs it)");
        return;
    }
    let src = manifest("data/anonbank/intervals_30min_by_queue_01-14.csv");
    let (pq, csv) = (tmp("p.parquet"), tmp("p.csv"));
    for out in [&pq, &csv] {
        let (_, err, code) = run_wfm(&[
            "ingest",
            "calls",
            manifest("tests/fixtures/ingest/generic_jan03.csv")
                .to_str()
                .unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let script = r#"
import csv, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1]).to_pylist()
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(t) == len(rows), (len(t), len(rows))
n = 0
for a, b in zip(t, rows):
    assert list(a.keys()) == list(b.keys()), (list(a.keys()), list(b.keys()))
    for k, v in b.items():
        x = a[k]
        if v == "":
            assert x is None, (k, x)
        elif isinstance(x, str):
            assert x == v, (k, x, v)
        else:
            assert x == float(v) and type(x) in (int, float), (k, x, v)
        n += 1
print(n)
"#;
    let out = Command::new("python3")
        .args(["-c", script, pq.to_str().unwrap(), csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // pyarrow writes the committed interval history with typed columns.
    let written = tmp("from_pyarrow.parquet");
    let script = r#"
import csv, sys, datetime, pyarrow as pa, pyarrow.parquet as pq
rows = list(csv.DictReader(open(sys.argv[1])))
num = lambda k, f: [f(r[k]) if r[k] != "" else None for r in rows]
t = pa.table({
    "interval_start": pa.array([datetime.datetime.fromisoformat(r["interval_start"]) for r in rows], pa.timestamp("ms")),
    "queue": pa.array([r["queue"] for r in rows], pa.string()),
    "offered": pa.array(num("offered", int), pa.int64()),
    "answered": pa.array(num("answered", int), pa.int64()),
    "abandoned": pa.array(num("abandoned", int), pa.int32()),
    "aht_seconds": pa.array(num("aht_seconds", float), pa.float64()),
    "asa_seconds": pa.array(num("asa_seconds", float), pa.float64()),
    "sl_20s": pa.array(num("sl_20s", float), pa.float32()),
})
pq.write_table(t, sys.argv[2])
"#;
    let out = Command::new("python3")
        .args([
            "-c",
            script,
            src.to_str().unwrap(),
            written.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (from_csv, _, _) = run_wfm(&[
        "ingest",
        "intervals",
        src.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let (from_pq, err, code) = run_wfm(&[
        "ingest",
        "intervals",
        written.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    // float32 service levels carry ~7 significant digits: compare every other column exactly
    // and the SL to 1e-6.
    let parse = |s: &str| -> Vec<Vec<String>> {
        s.lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    let (a, b) = (parse(&from_csv), parse(&from_pq));
    assert_eq!(a.len(), b.len());
    let sl = a[0].iter().position(|c| c == "sl_20s").unwrap();
    assert_eq!(a[0], b[0]);
    for (ra, rb) in a.iter().zip(&b).skip(1) {
        for (j, (x, y)) in ra.iter().zip(rb).enumerate() {
            if j == sl && !x.is_empty() {
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                assert!((x - y).abs() <= 1e-6, "{x} vs {y}");
            } else {
                assert_eq!(x, y, "column {}", a[0][j]);
            }
        }
    }
}
