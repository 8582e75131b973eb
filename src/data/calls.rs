//! Raw call logs → per-queue interval KPIs.
//!
//! Definitions (../shared/data/README.md, "How the anonbank interval files were derived"):
//! `PHANTOM` records are ignored; a call is *offered* when it entered the agent queue or was
//! served by an agent; it counts in the interval holding its queue-arrival time (`q_start`, or
//! `vru_exit` for direct service); *answered* = served by an agent, *abandoned* = hung up after
//! entering the queue; calls that hung up in the VRU are counted as `vru_only`, not offered.
//! Every covered day (a day some record's date names) is zero-filled for every interval and
//! every queue that had at least one offered call.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::accounting::{Accounting, RejectReason, Repair, RepairKind};
use super::kpi::{KpiRow, KpiTable, QueueId, SlThresholds};
use super::record::{Outcome, ParsedRecord, RecordKey};
use super::{anonbank, generic, DataError};
use crate::io::Location;
use crate::time::NaiveDate;
use crate::units::IntervalLength;

/// The format of a call-log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallFormat {
    /// Detected from the first line: a `vru+line` header or 17 tab-separated fields → Anonymous
    /// Bank; a comma-separated header with `call_id` and `arrival_time` → generic CSV.
    #[default]
    Auto,
    /// The Anonymous Bank tab-separated 17-field format.
    AnonBank,
    /// The generic call-level CSV: header with `call_id, queue, arrival_time, outcome`
    /// (`answered`/`abandoned`), `wait_seconds, handle_seconds` and optionally `acw_seconds,
    /// agent` (docs/ingest.md).
    Generic,
}

/// Options of [`ingest_calls`].
#[derive(Debug, Clone)]
pub struct CallOptions {
    /// Interval length. Defaults to 30 min.
    pub interval: IntervalLength,
    /// Service-level thresholds. Defaults to 20 s.
    pub thresholds: SlThresholds,
    /// Input format. Defaults to [`CallFormat::Auto`].
    pub format: CallFormat,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions {
            interval: IntervalLength::from_minutes(30).expect("30 is a supported length"),
            thresholds: SlThresholds::default(),
            format: CallFormat::Auto,
        }
    }
}

impl CallOptions {
    /// Sets the interval length.
    pub fn with_interval(mut self, interval: IntervalLength) -> Self {
        self.interval = interval;
        self
    }
    /// Sets the service-level thresholds.
    pub fn with_thresholds(mut self, thresholds: SlThresholds) -> Self {
        self.thresholds = thresholds;
        self
    }
    /// Forces the input format.
    pub fn with_format(mut self, format: CallFormat) -> Self {
        self.format = format;
        self
    }
}

/// The result of an ingestion: the KPI table and the accounting of every input record.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// The per-queue interval KPIs.
    pub kpis: KpiTable,
    /// What happened to every input record.
    pub accounting: Accounting,
}

impl From<&Ingested> for crate::table::Table {
    fn from(i: &Ingested) -> Self {
        i.kpis.to_table()
    }
}

/// A parsed call waiting for the spill check (which needs every file's covered days).
struct Pending {
    queue: u32,
    day: NaiveDate,
    secs_of_day: u32,
    outcome: Outcome,
    offered: bool,
    queued: bool,
    wait_secs: f64,
    handle_secs: f64,
    file: u32,
    line: u64,
    repairs: Vec<RepairKind>,
    notes: Vec<&'static str>,
}

/// Queue names seen, interned to indices.
#[derive(Default)]
struct Interner {
    names: Vec<QueueId>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn get(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names
            .push(QueueId::new(name).expect("validated by the parser"));
        self.index.insert(name.to_string(), i);
        i
    }
}

/// Reads call-log files and aggregates them into per-queue interval KPIs.
///
/// A bad *record* never fails the call: it is rejected and reported in
/// [`Ingested::accounting`] (use [`Accounting::ensure_none_rejected`] for a strict mode).
///
/// # Errors
/// [`DataError::Io`] when a file cannot be read; [`DataError::Empty`] / [`DataError::NoRecords`]
/// for a file without records; [`DataError::UnknownFormat`] when the format cannot be
/// detected; [`DataError::MissingColumns`] for a generic CSV without a required column;
/// [`DataError::NothingOffered`] when no record is left to build a table from.
pub fn ingest_calls<P: AsRef<Path>>(
    paths: &[P],
    opts: &CallOptions,
) -> Result<Ingested, DataError> {
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let p = p.as_ref();
        let io = |source| DataError::Io {
            path: p.to_path_buf(),
            source,
        };
        let bytes = if p == Path::new("-") {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map_err(io)?;
            b
        } else {
            std::fs::read(p).map_err(io)?
        };
        files.push((p.to_path_buf(), bytes));
    }
    let refs: Vec<(&Path, &[u8])> = files.iter().map(|(p, b)| (p.as_path(), &b[..])).collect();
    ingest_calls_bytes(&refs, opts)
}

/// [`ingest_calls`] on in-memory inputs: `(name used in messages, contents)`.
///
/// # Errors
/// As [`ingest_calls`] (without I/O errors).
pub fn ingest_calls_bytes(
    inputs: &[(&Path, &[u8])],
    opts: &CallOptions,
) -> Result<Ingested, DataError> {
    let mut acc = Accounting::default();
    // A call record is ~100 bytes: reserve once instead of rehashing as the set grows.
    let expected = inputs.iter().map(|(_, b)| b.len() / 100).sum::<usize>();
    let mut pending: Vec<Pending> = Vec::with_capacity(expected);
    let mut covered: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut seen: HashMap<RecordKey, (u32, u64)> = HashMap::with_capacity(expected);
    let mut queues = Interner::default();
    let paths: Vec<PathBuf> = inputs.iter().map(|(p, _)| p.to_path_buf()).collect();
    let loc = |file: u32, line: u64, column: Option<String>| Location {
        file: paths[file as usize].clone(),
        line,
        column,
    };

    for (file_idx, (path, bytes)) in inputs.iter().enumerate() {
        let file_idx = file_idx as u32;
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first = text.lines().find(|l| !l.trim().is_empty());
        let Some(first) = first else {
            return Err(DataError::Empty {
                path: path.to_path_buf(),
            });
        };
        let format = match opts.format {
            CallFormat::Auto if anonbank::is_header(first) => CallFormat::AnonBank,
            CallFormat::Auto if generic::is_header(first) => CallFormat::Generic,
            CallFormat::Auto if anonbank::looks_like_record(first) => CallFormat::AnonBank,
            CallFormat::Auto => {
                return Err(DataError::UnknownFormat {
                    path: path.to_path_buf(),
                    first_line: first.chars().take(120).collect(),
                })
            }
            f => f,
        };
        let before = acc.read;
        let mut on_record = |line: u64,
                             parsed: Result<ParsedRecord, (RejectReason, Option<String>)>,
                             repairs: Vec<RepairKind>,
                             notes: Vec<&'static str>,
                             acc: &mut Accounting| {
            acc.read += 1;
            match parsed {
                Err((reason, column)) => acc.reject(loc(file_idx, line, column), reason),
                Ok(ParsedRecord::Phantom) => {
                    acc.used += 1;
                    acc.phantom += 1;
                    for kind in repairs {
                        acc.repairs.push(Repair {
                            at: loc(file_idx, line, None),
                            kind,
                        });
                    }
                }
                Ok(ParsedRecord::Call {
                    call,
                    covered_day,
                    key,
                }) => {
                    if let Some(&(f, l)) = seen.get(&key) {
                        acc.reject(
                            loc(file_idx, line, None),
                            RejectReason::Duplicate {
                                first: loc(f, l, None),
                            },
                        );
                        return;
                    }
                    seen.insert(key, (file_idx, line));
                    covered.insert(covered_day);
                    pending.push(Pending {
                        queue: queues.get(call.queue),
                        day: call.day,
                        secs_of_day: call.secs_of_day,
                        outcome: call.outcome,
                        offered: call.offered,
                        queued: call.queued,
                        wait_secs: call.wait_secs,
                        handle_secs: call.handle_secs,
                        file: file_idx,
                        line,
                        repairs,
                        notes,
                    });
                }
            }
        };
        match format {
            CallFormat::AnonBank | CallFormat::Auto => {
                let mut header_seen = false;
                let pieces: Vec<&str> = text.split('\n').collect();
                let n_pieces = pieces.len();
                for (i, raw) in pieces.into_iter().enumerate() {
                    let line = raw.strip_suffix('\r').unwrap_or(raw);
                    if line.trim().is_empty() {
                        // The final newline leaves an empty piece that is not a line.
                        if i + 1 < n_pieces || !raw.is_empty() {
                            acc.blank_lines += 1;
                        }
                        continue;
                    }
                    if !header_seen && anonbank::is_header(line) {
                        header_seen = true;
                        continue;
                    }
                    header_seen = true;
                    let mut repairs = Vec::new();
                    let mut notes = Vec::new();
                    let parsed = anonbank::parse_line(line, &mut repairs, &mut notes);
                    on_record(i as u64 + 1, parsed, repairs, notes, &mut acc);
                }
            }
            CallFormat::Generic => {
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(text.as_bytes());
                let header: Vec<String> = match rdr.headers() {
                    Ok(h) => h.iter().map(str::to_string).collect(),
                    Err(_) => Vec::new(),
                };
                let cols = generic::Columns::from_header(&header).map_err(|missing| {
                    DataError::MissingColumns {
                        path: path.to_path_buf(),
                        missing,
                        found: header.clone(),
                    }
                })?;
                let mut rec = csv::StringRecord::new();
                loop {
                    match rdr.read_record(&mut rec) {
                        Ok(false) => break,
                        Ok(true) => {
                            let line = rec.position().map_or(0, |p| p.line());
                            let fields: Vec<String> = rec.iter().map(str::to_string).collect();
                            if fields.iter().all(|f| f.trim().is_empty()) {
                                acc.blank_lines += 1;
                                continue;
                            }
                            let mut repairs = Vec::new();
                            let mut notes = Vec::new();
                            let parsed =
                                generic::parse_record(&cols, &fields, &mut repairs, &mut notes);
                            on_record(line, parsed, repairs, notes, &mut acc);
                        }
                        Err(e) => {
                            // CSV syntax errors (e.g. an unterminated quote): the reader cannot
                            // resynchronise reliably, so the rest of the file is one rejection.
                            let line = e.position().map_or(0, |p| p.line());
                            on_record(
                                line,
                                Err((
                                    RejectReason::WrongFieldCount {
                                        expected: header.len(),
                                        found: 0,
                                    },
                                    None,
                                )),
                                Vec::new(),
                                Vec::new(),
                                &mut acc,
                            );
                            break;
                        }
                    }
                }
            }
        }
        if acc.read == before {
            return Err(DataError::NoRecords {
                path: path.to_path_buf(),
            });
        }
    }

    // Second pass: the spill check (it needs the days every file covers), then aggregation.
    let mut offered_queues: BTreeSet<u32> = BTreeSet::new();
    let mut accepted: Vec<Pending> = Vec::with_capacity(pending.len());
    for mut p in pending {
        if !covered.contains(&p.day) {
            acc.reject(
                loc(p.file, p.line, None),
                RejectReason::SpillsIntoUncoveredDay { day: p.day },
            );
            continue;
        }
        acc.used += 1;
        for kind in p.repairs.drain(..) {
            acc.repairs.push(Repair {
                at: loc(p.file, p.line, None),
                kind,
            });
        }
        for n in &p.notes {
            acc.note(n);
        }
        if p.offered {
            acc.offered += 1;
            offered_queues.insert(p.queue);
        } else {
            acc.vru_only += 1;
        }
        accepted.push(p);
    }
    let rank = |l: &Location| {
        (
            paths
                .iter()
                .position(|p| *p == l.file)
                .unwrap_or(usize::MAX),
            l.line,
        )
    };
    acc.rejections.sort_by_key(|r| rank(&r.at));
    acc.repairs.sort_by_key(|r| rank(&r.at));
    if offered_queues.is_empty() {
        return Err(DataError::NothingOffered {
            read: acc.read,
            rejected: acc.rejected,
        });
    }
    let kpis = aggregate(
        &accepted,
        &covered,
        &queues.names,
        &offered_queues,
        opts,
        &mut acc,
    );
    Ok(Ingested {
        kpis,
        accounting: acc,
    })
}

fn aggregate(
    calls: &[Pending],
    covered: &BTreeSet<NaiveDate>,
    names: &[QueueId],
    offered_queues: &BTreeSet<u32>,
    opts: &CallOptions,
    acc: &mut Accounting,
) -> KpiTable {
    let days: Vec<NaiveDate> = covered.iter().copied().collect();
    // Output queues sorted by name; `slot_of[interned index]` = column, or None for a queue
    // that only had VRU-only calls.
    let mut queues: Vec<(QueueId, u32)> = offered_queues
        .iter()
        .map(|&i| (names[i as usize].clone(), i))
        .collect();
    queues.sort();
    let mut slot_of: Vec<Option<usize>> = vec![None; names.len()];
    for (col, (_, i)) in queues.iter().enumerate() {
        slot_of[*i as usize] = Some(col);
    }
    let queues: Vec<QueueId> = queues.into_iter().map(|(q, _)| q).collect();
    let per_day = opts.interval.per_day();
    let len = opts.interval.seconds();
    let nq = queues.len();
    let thr = opts.thresholds.secs();
    let mut rows: Vec<KpiRow> = Vec::with_capacity(days.len() * per_day * nq);
    for d in &days {
        let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
        for s in 0..per_day {
            let start = midnight + chrono::TimeDelta::seconds(i64::from(len) * s as i64);
            for q in &queues {
                rows.push(KpiRow::zero(start, q.clone(), thr.len()));
            }
        }
    }
    let add = |v: &mut Option<f64>, x: f64| {
        if let Some(v) = v {
            *v += x;
        }
    };
    for c in calls {
        let Some(qi) = slot_of[c.queue as usize] else {
            // A VRU-only call of a queue that never had an offered call: counted in the
            // accounting, but it has no row of its own.
            acc.note("VRU-only call of a queue with no offered calls (no row)");
            continue;
        };
        let slot = (c.secs_of_day / len) as usize;
        // Covered days are sorted; every accepted call's day is covered.
        let d = days
            .binary_search(&c.day)
            .expect("spill check kept covered days only");
        let r = &mut rows[(d * per_day + slot) * nq + qi];
        if !c.offered {
            add(&mut r.vru_only, 1.0);
            continue;
        }
        r.offered += 1.0;
        if c.queued {
            add(&mut r.queued, 1.0);
        }
        match c.outcome {
            Outcome::Answered => {
                add(&mut r.answered, 1.0);
                add(&mut r.sum_service_secs, c.handle_secs);
                add(&mut r.sum_wait_answered_secs, c.wait_secs);
                if c.handle_secs == 0.0 {
                    add(&mut r.answered_service0, 1.0);
                }
                for (i, t) in thr.iter().enumerate() {
                    if c.wait_secs <= f64::from(*t) {
                        add(&mut r.answered_le[i], 1.0);
                    }
                }
            }
            Outcome::Abandoned => {
                add(&mut r.abandoned, 1.0);
                add(&mut r.sum_wait_abandoned_secs, c.wait_secs);
                for (i, t) in thr.iter().enumerate() {
                    if c.wait_secs <= f64::from(*t) {
                        add(&mut r.abandoned_le[i], 1.0);
                    }
                }
            }
        }
    }
    KpiTable {
        interval: opts.interval,
        thresholds: opts.thresholds.clone(),
        queues,
        days,
        rows,
    }
}
