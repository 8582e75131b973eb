//! No input makes a reader panic (issue #3 must-show): property tests over arbitrary bytes and
//! over mutations of real records, for the Anonymous Bank reader, the generic CSV reader and
//! the interval reader. Whenever a reader succeeds, the accounting invariants must hold.

use std::path::Path;

use proptest::prelude::*;
use wfm::data::{ingest_calls_bytes, CallFormat, CallOptions, Ingested, IntervalOptions};
use wfm::io::intervals::ingest_intervals_bytes;

const ANON_HEADER: &str = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\r\n";
/// Real records from data/anonbank/january_01-14.txt (1 and 10 Jan), incl. a roll-over.
const ANON_LINES: [&str; 4] = [
    "AA0101\t33116\t9664491\t2\tPS\t990101\t0:00:31\t0:00:36\t5\t0:00:36\t0:03:09\t153\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    "AA0101\t33118\t27997683\t2\tPS\t990101\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t6:55:43\t6:56:37\t54\tMICHAL",
    "AA0101\t33119\t0\t0\tPS\t990101\t7:41:16\t7:41:26\t10\t0:00:00\t0:00:00\t0\tAGENT\t7:41:25\t7:44:53\t208\tBASCH",
    "AA0115\t14375\t25245705\t1\tPS\t990101\t23:59:56\t23:59:56\t0\t0:00:02\t0:00:29\t27\tAGENT\t0:00:29\t0:00:58\t29\tBENSION",
];
const GENERIC: &str = "call_id,queue,arrival_time,outcome,wait_seconds,handle_seconds,acw_seconds\n1,A,2024-03-04 09:00:05,answered,12,300,30\n2,A,2024-03-04 09:10:00,abandoned,45,,\n3,B,2024-03-04 23:59:59,answered,0,10,0\n";
const INTERVALS: &str = "interval_start,queue,offered,answered,abandoned,aht_seconds,asa_seconds,sl_20s\n2024-01-01T09:00:00,A,10,8,2,100,5,0.7\n2024-01-01T09:30:00,A,0,0,0,,,\n2024-01-01T10:00:00,A,3,3,0,90,1,1\n";

fn check(r: &Result<Ingested, wfm::data::DataError>) {
    if let Ok(i) = r {
        let a = &i.accounting;
        assert_eq!(a.read, a.used + a.rejected);
        assert_eq!(a.used, a.offered + a.vru_only + a.phantom);
        assert!(a.repaired() <= a.used);
        assert_eq!(i.kpis.total_offered() as u64, a.offered);
        let _ = i.kpis.to_table();
    }
}

fn calls(bytes: &[u8], format: CallFormat) -> Result<Ingested, wfm::data::DataError> {
    ingest_calls_bytes(
        &[(Path::new("p"), bytes)],
        &CallOptions::default().with_format(format),
    )
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

fn anon_file() -> Vec<u8> {
    let mut s = ANON_HEADER.to_string();
    for l in ANON_LINES {
        s.push_str(l);
        s.push_str("\r\n");
    }
    s.into_bytes()
}

/// Bytes that matter to the parsers.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b'\t'),
        Just(b' '),
        Just(b'\n'),
        Just(b'\r'),
        Just(b':'),
        Just(b','),
        Just(b'"'),
        Just(b'-'),
        Just(b'0'),
        Just(b'9'),
        Just(0xff),
        any::<u8>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn call_readers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for f in [CallFormat::Auto, CallFormat::AnonBank, CallFormat::Generic] {
            check(&calls(&bytes, f));
        }
    }

    #[test]
    fn anonbank_reader_never_panics_on_mutated_records(
        edits in proptest::collection::vec((any::<usize>(), interesting_byte(), any::<u8>()), 1..12)
    ) {
        let v = mutate(&anon_file(), &edits);
        check(&calls(&v, CallFormat::Auto));
        check(&calls(&v, CallFormat::AnonBank));
    }

    #[test]
    fn generic_reader_never_panics_on_mutated_records(
        edits in proptest::collection::vec((any::<usize>(), interesting_byte(), any::<u8>()), 1..12)
    ) {
        let v = mutate(GENERIC.as_bytes(), &edits);
        check(&calls(&v, CallFormat::Generic));
        check(&calls(&v, CallFormat::Auto));
    }

    #[test]
    fn interval_reader_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        edits in proptest::collection::vec((any::<usize>(), interesting_byte(), any::<u8>()), 1..12)
    ) {
        let opts = IntervalOptions::default();
        let _ = ingest_intervals_bytes(&[(Path::new("i"), &bytes)], &opts);
        let v = mutate(INTERVALS.as_bytes(), &edits);
        if let Ok(i) = ingest_intervals_bytes(&[(Path::new("i"), &v)], &opts) {
            prop_assert_eq!(i.accounting.read, i.accounting.used);
            let _ = i.kpis.to_table();
        }
        let no_fill = IntervalOptions { no_fill: true, ..IntervalOptions::default() };
        let _ = ingest_intervals_bytes(&[(Path::new("i"), &v)], &no_fill);
    }
}

#[test]
fn valid_bases_are_accepted() {
    // The mutation tests start from inputs that do parse (otherwise they test little).
    let a = calls(&anon_file(), CallFormat::Auto).unwrap();
    assert_eq!(
        a.accounting.rejected, 1,
        "the roll-over into 2 Jan is an uncovered day"
    );
    let g = calls(GENERIC.as_bytes(), CallFormat::Auto).unwrap();
    assert_eq!(g.accounting.rejected, 0);
    assert!(ingest_intervals_bytes(
        &[(Path::new("i"), INTERVALS.as_bytes())],
        &IntervalOptions::default()
    )
    .is_ok());
}

/// A valid 30-min history of 2 queues over `days` days, and the same with the closed intervals
/// omitted; day `d` is open from slot `hours[d].0` for `hours[d].1` slots (business hours).
fn history(days: usize, hours: &[(usize, usize)], counts: &[(u8, u8, u8)]) -> (String, String) {
    let mut full = String::from(
        "interval_start,queue,offered,answered,abandoned,aht_seconds,asa_seconds,sl_20s\n",
    );
    let mut omitted = full.clone();
    let mut k = 0;
    for d in 0..days {
        for s in 0..48 {
            let (lo, n) = hours[d % hours.len()];
            let is_open = s >= lo && s < lo + n;
            for q in ["A", "B"] {
                let (o, a, b) = if is_open {
                    counts[k % counts.len()]
                } else {
                    (0, 0, 0)
                };
                k += 1;
                let o = u32::from(o);
                let a = u32::from(a) % (o + 1);
                let b = u32::from(b) % (o - a + 1);
                let line = format!(
                    "2024-01-{:02}T{:02}:{:02}:00,{q},{o},{a},{b},{},{},{}\n",
                    d + 1,
                    s / 2,
                    (s % 2) * 30,
                    if a > 0 { "120.5" } else { "" },
                    if a > 0 { "3" } else { "" },
                    if o > 0 {
                        format!("{:.4}", f64::from(a) / f64::from(o))
                    } else {
                        String::new()
                    },
                );
                full.push_str(&line);
                if is_open {
                    omitted.push_str(&line);
                }
            }
        }
    }
    (full, omitted)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn omitted_closed_hours_equal_zero_filled(
        days in 1usize..4,
        hours in proptest::collection::vec((0usize..30, 2usize..18), 1..4),
        counts in proptest::collection::vec((0u8..40, any::<u8>(), any::<u8>()), 1..30),
    ) {
        let (full, omitted) = history(days, &hours, &counts);
        let o = IntervalOptions::default();
        let a = ingest_intervals_bytes(&[(Path::new("f"), full.as_bytes())], &o).unwrap();
        let b = ingest_intervals_bytes(&[(Path::new("o"), omitted.as_bytes())], &o).unwrap();
        prop_assert_eq!(a.kpis.to_table(), b.kpis.to_table());
        prop_assert_eq!(a.kpis.interval.minutes(), 30);
    }

    #[test]
    fn swapping_two_rows_of_a_queue_is_an_unsorted_error(i in 0usize..90, j in 0usize..90) {
        prop_assume!(i / 2 != j / 2);
        let (full, _) = history(1, &[(0, 48)], &[(5, 3, 1)]);
        let mut lines: Vec<&str> = full.lines().collect();
        // Rows 1.. alternate A, B: swap two rows of queue A.
        let (x, y) = (1 + 2 * (i / 2), 1 + 2 * (j / 2));
        lines.swap(x, y);
        let text = lines.join("\n");
        let e = ingest_intervals_bytes(&[(Path::new("s"), text.as_bytes())], &IntervalOptions::default())
            .unwrap_err()
            .to_string();
        prop_assert!(e.contains("rows are not sorted"), "{}", e);
        // The first A row after the earlier swapped position is out of order: data row
        // x.min(y) + 2, i.e. line x.min(y) + 3 (header = line 1).
        prop_assert!(e.contains(&format!("s:{}, column", x.min(y) + 3)), "{}", e);
    }
}
