//! No XLSX or Parquet input makes a reader panic, and what a reader accepts obeys the row
//! accounting (issue #16, Build 7: "proptest over arbitrary bytes for every reader, XLSX and
//! Parquet too"). Three kinds of input per format:
//! - arbitrary bytes under the format's extension;
//! - byte mutations (overwrite, insert, delete) of a valid file;
//! - valid files whose cells are arbitrary (numbers of any size and sign, NaN and infinities in
//!   Parquet, text, typed dates and durations in XLSX, empty cells): these get past the container
//!   checks (zip CRCs, Parquet footers) into the cell readers, which byte mutations rarely do.

use std::path::Path;

use proptest::prelude::*;
use wfm::data::{Ingested, IntervalOptions};
use wfm::io::intervals::ingest_intervals_bytes;
use wfm::table::{Cell, Table};

const HEADER: [&str; 8] = [
    "interval_start",
    "queue",
    "offered",
    "answered",
    "abandoned",
    "aht_seconds",
    "asa_seconds",
    "sl_20s",
];

/// A valid interval export (the shape of `tests/ingest_proptest.rs`'s CSV base).
fn base_rows() -> Vec<Vec<Cell>> {
    let row = |t: &str, o: i64, a: i64, b: i64, aht: Option<f64>, asa: Option<f64>, sl| {
        vec![
            Cell::Text(t.into()),
            Cell::Text("A".into()),
            Cell::Int(o),
            Cell::Int(a),
            Cell::Int(b),
            Cell::float(aht, 1),
            Cell::float(asa, 1),
            Cell::float(sl, 3),
        ]
    };
    vec![
        row(
            "2024-01-01T09:00:00",
            10,
            8,
            2,
            Some(100.0),
            Some(5.0),
            Some(0.7),
        ),
        row("2024-01-01T09:30:00", 0, 0, 0, None, None, None),
        row(
            "2024-01-01T10:00:00",
            3,
            3,
            0,
            Some(90.0),
            Some(1.0),
            Some(1.0),
        ),
    ]
}

fn table(rows: Vec<Vec<Cell>>) -> Table {
    let mut t = Table::new(HEADER);
    t.rows = rows;
    t
}

fn parquet(rows: Vec<Vec<Cell>>) -> Vec<u8> {
    wfm::io::parquet_out::write_table(&table(rows), Path::new("p.parquet")).unwrap()
}

/// One XLSX cell: what `write` puts at (row, col).
#[derive(Debug, Clone)]
enum XCell {
    Empty,
    Number(f64),
    Text(String),
    /// A typed date-time (days since 1900 as Excel counts them, formatted as a timestamp).
    DateTime(f64),
    /// A typed duration (a fraction of a day, `[h]:mm:ss`).
    Duration(f64),
    /// A typed percentage (`0.0%`).
    Percent(f64),
    Bool(bool),
}

fn xlsx(rows: &[Vec<XCell>]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let dur = Format::new().set_num_format("[h]:mm:ss");
    let pct = Format::new().set_num_format("0.0%");
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        for (c, cell) in r.iter().enumerate() {
            let col = c as u16;
            // rust_xlsxwriter refuses non-finite numbers; those cases stay empty.
            match cell {
                XCell::Empty => {}
                XCell::Number(v) if v.is_finite() => {
                    ws.write_number(row, col, *v).unwrap();
                }
                XCell::DateTime(v) if v.is_finite() => {
                    ws.write_number_with_format(row, col, *v, &stamp).unwrap();
                }
                XCell::Duration(v) if v.is_finite() => {
                    ws.write_number_with_format(row, col, *v, &dur).unwrap();
                }
                XCell::Percent(v) if v.is_finite() => {
                    ws.write_number_with_format(row, col, *v, &pct).unwrap();
                }
                XCell::Text(s) => {
                    ws.write_string(row, col, s).unwrap();
                }
                XCell::Bool(b) => {
                    ws.write_boolean(row, col, *b).unwrap();
                }
                _ => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The base rows as typed XLSX cells (timestamps as typed date-times).
fn base_xlsx_rows() -> Vec<Vec<XCell>> {
    // 2024-01-01 is Excel serial 45292.
    let day = 45_292.0;
    let row = |h: f64, o: f64, a: f64, b: f64, rest: [XCell; 3]| {
        let [aht, asa, sl] = rest;
        vec![
            XCell::DateTime(day + h / 24.0),
            XCell::Text("A".into()),
            XCell::Number(o),
            XCell::Number(a),
            XCell::Number(b),
            aht,
            asa,
            sl,
        ]
    };
    vec![
        row(
            9.0,
            10.0,
            8.0,
            2.0,
            [
                XCell::Number(100.0),
                XCell::Number(5.0),
                XCell::Percent(0.7),
            ],
        ),
        row(
            9.5,
            0.0,
            0.0,
            0.0,
            [XCell::Empty, XCell::Empty, XCell::Empty],
        ),
        row(
            10.0,
            3.0,
            3.0,
            0.0,
            [
                XCell::Duration(90.0 / 86_400.0),
                XCell::Number(1.0),
                XCell::Percent(1.0),
            ],
        ),
    ]
}

fn ingest(name: &str, bytes: &[u8]) -> Result<Ingested, wfm::data::DataError> {
    ingest_intervals_bytes(&[(Path::new(name), bytes)], &IntervalOptions::default())
}

/// What every input must satisfy: refused with an error that names the file, or accepted
/// with every row accounted for and every number finite and non-negative where it counts.
fn check(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let r = ingest(name, bytes);
    if let Err(e) = &r {
        let msg = e.to_string();
        prop_assert!(msg.contains(name), "error without the file name: {}", msg);
    }
    if let Ok(i) = &r {
        let a = &i.accounting;
        prop_assert_eq!(a.read, a.used + a.rejected);
        let t = i.kpis.to_table();
        for row in &t.rows {
            for c in row {
                if let Cell::Float(v, _) = c {
                    prop_assert!(v.is_finite(), "non-finite cell {:?}", c);
                }
            }
        }
        prop_assert!(i.kpis.total_offered().is_finite());
        prop_assert!(i.kpis.total_offered() >= 0.0);
    }
    Ok(())
}

/// Byte-level mutations of a valid input: overwrite, insert, delete.
fn mutate(base: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(pos, byte, op) in edits {
        if v.is_empty() {
            v.push(byte);
            continue;
        }
        let p = pos % v.len();
        match op % 3 {
            0 => v[p] = byte,
            1 => v.insert(p, byte),
            _ => {
                v.remove(p);
            }
        }
    }
    v
}

fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(-1.0),
        Just(0.5),
        Just(1e308),
        Just(-1e308),
        Just(f64::MIN_POSITIVE),
        Just(4_294_967_296.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        -1e6f64..1e6,
        any::<f64>(),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("A".to_string()),
        Just("2024-01-01T09:00:00".to_string()),
        Just("2024-01-01T09:15:00".to_string()),
        Just("2024-02-30T09:00:00".to_string()),
        Just("0001-01-01T00:00:00".to_string()),
        Just("1e308".to_string()),
        Just("NaN".to_string()),
        Just("-5".to_string()),
        Just("85,3 %".to_string()),
        Just("0:03:12".to_string()),
        "[ -~]{0,12}",
        ".{0,8}",
    ]
}

fn parquet_cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        any::<i64>().prop_map(Cell::Int),
        (-3i64..1_000_000).prop_map(Cell::Int),
        // write_table keeps a float column's values as the CSV renders them; a non-finite
        // value is written as it is.
        any_number().prop_map(|v| Cell::Float(v, 3)),
        any_text().prop_map(Cell::Text),
    ]
}

fn xlsx_cell() -> impl Strategy<Value = XCell> {
    prop_oneof![
        Just(XCell::Empty),
        any_number().prop_map(XCell::Number),
        any_text().prop_map(XCell::Text),
        prop_oneof![
            Just(0.0),
            Just(-1.0),
            Just(2_958_466.0),
            Just(1e9),
            0.0f64..100_000.0
        ]
        .prop_map(XCell::DateTime),
        any_number().prop_map(XCell::Duration),
        any_number().prop_map(XCell::Percent),
        any::<bool>().prop_map(XCell::Bool),
    ]
}

/// Found by `parquet_reader_never_panics_on_mutated_files`: one overwritten byte in the embedded
/// Arrow schema made arrow-ipc unwrap a `None` (a panic inside the decoder, not our code).
#[test]
fn parquet_with_a_corrupt_arrow_schema_is_an_error_naming_the_file() {
    let bytes = mutate(&parquet(base_rows()), &[(5909502258208707813, 65, 141)]);
    let err = ingest("p.parquet", &bytes).err();
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("p.parquet") && msg.contains("corrupt"),
        "expected a located error: {msg}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..800),
    ) {
        for name in ["p.parquet", "p.xlsx", "p.xls", "p.ods"] {
            check(name, &bytes)?;
        }
        // The zip and Parquet magic numbers in front of arbitrary bytes.
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(&bytes);
        check("p.xlsx", &zip)?;
        let mut par = b"PAR1".to_vec();
        par.extend_from_slice(&bytes);
        par.extend_from_slice(b"PAR1");
        check("p.parquet", &par)?;
    }

    #[test]
    fn parquet_reader_never_panics_on_mutated_files(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8),
    ) {
        check("p.parquet", &mutate(&parquet(base_rows()), &edits))?;
    }

    #[test]
    fn xlsx_reader_never_panics_on_mutated_files(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8),
    ) {
        check("p.xlsx", &mutate(&xlsx(&base_xlsx_rows()), &edits))?;
    }

    #[test]
    fn parquet_cells_of_any_value_are_read_or_refused(
        cells in proptest::collection::vec((0usize..3, 0usize..8, parquet_cell()), 1..6),
    ) {
        let mut rows = base_rows();
        for (r, c, cell) in cells {
            rows[r][c] = cell;
        }
        check("p.parquet", &parquet(rows))?;
    }

    #[test]
    fn xlsx_cells_of_any_value_and_type_are_read_or_refused(
        cells in proptest::collection::vec((0usize..3, 0usize..8, xlsx_cell()), 1..6),
    ) {
        let mut rows = base_xlsx_rows();
        for (r, c, cell) in cells {
            rows[r][c] = cell;
        }
        check("p.xlsx", &xlsx(&rows))?;
    }
}

/// The structured cases start from files that do parse, to the same table as the CSV.
#[test]
fn valid_bases_are_accepted_alike() {
    let csv = "interval_start,queue,offered,answered,abandoned,aht_seconds,asa_seconds,sl_20s\n\
               2024-01-01T09:00:00,A,10,8,2,100,5,0.7\n\
               2024-01-01T09:30:00,A,0,0,0,,,\n\
               2024-01-01T10:00:00,A,3,3,0,90,1,1\n";
    let want = ingest("p.csv", csv.as_bytes()).unwrap();
    let pq = ingest("p.parquet", &parquet(base_rows())).unwrap();
    let xl = ingest("p.xlsx", &xlsx(&base_xlsx_rows())).unwrap();
    assert_eq!(pq.kpis, want.kpis);
    assert_eq!(xl.kpis, want.kpis);
    assert_eq!(want.accounting.read, 3);
}
