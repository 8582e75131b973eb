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
use super::generic::CallMapping;
use super::kpi::day_intervals;
use super::kpi::{KpiRow, KpiTable, QueueId, SlThresholds};
use super::record::{Outcome, ParsedRecord, RecordKey};
use super::{anonbank, generic, DataError};
use crate::io::shape::{localize, LocalStamp, Stamp};
use crate::io::source::{ReadOptions, SourceKind};
use crate::io::Location;
use crate::table::{CsvInput, TableError};
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
    /// Column mapping and export shape of a generic (table) call log; `None` = the generic
    /// format's own names.
    pub mapping: Option<CallMapping>,
    /// The site's time zone (`--tz`): arrival instants are converted to its clock, naive times
    /// are its wall clock, and every interval carries its UTC offset (a fall-back day has 50
    /// half-hours). Overrides the mapping's `time_zone`.
    pub zone: Option<chrono_tz::Tz>,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions {
            interval: IntervalLength::from_minutes(30).expect("30 is a supported length"),
            thresholds: SlThresholds::default(),
            format: CallFormat::Auto,
            mapping: None,
            zone: None,
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
    /// Reads generic call logs through a column mapping (implies [`CallFormat::Generic`]).
    pub fn with_mapping(mut self, mapping: CallMapping) -> Self {
        self.mapping = Some(mapping);
        self.format = CallFormat::Generic;
        self
    }
    /// Sets the site's time zone.
    pub fn with_zone(mut self, zone: Option<chrono_tz::Tz>) -> Self {
        self.zone = zone;
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
    utc_offset_secs: Option<i32>,
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
    Ok(read_calls(paths, opts)?.into_ingested())
}

/// Every input file's bytes (`-` = standard input).
fn read_files<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<(PathBuf, Vec<u8>)>, DataError> {
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
    Ok(files)
}

/// [`ingest_calls`] on in-memory inputs: `(name used in messages, contents)`.
///
/// # Errors
/// As [`ingest_calls`] (without I/O errors).
pub fn ingest_calls_bytes(
    inputs: &[(&Path, &[u8])],
    opts: &CallOptions,
) -> Result<Ingested, DataError> {
    Ok(read_calls_bytes(inputs, opts)?.into_ingested())
}

/// Reads call logs like [`ingest_calls`] but keeps the accepted calls instead of the table:
/// [`CallDays::day`] builds one covered day's zero-filled rows at a time, so that a writer
/// can stream a table whose zero-filled rows would not fit in memory (10,000 calls over
/// 100 queues × 100 days at 5 min are 2.9 million rows).
///
/// # Errors
/// As [`ingest_calls`].
pub fn read_calls<P: AsRef<Path>>(paths: &[P], opts: &CallOptions) -> Result<CallDays, DataError> {
    let files = read_files(paths)?;
    let refs: Vec<(&Path, &[u8])> = files.iter().map(|(p, b)| (p.as_path(), &b[..])).collect();
    read_calls_bytes(&refs, opts)
}

/// [`read_calls`] on in-memory inputs: `(name used in messages, contents)`.
///
/// # Errors
/// As [`ingest_calls`] (without I/O errors).
pub fn read_calls_bytes(
    inputs: &[(&Path, &[u8])],
    opts: &CallOptions,
) -> Result<CallDays, DataError> {
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
        let tabular = SourceKind::sniff(bytes) != SourceKind::Csv;
        let text = if tabular {
            std::borrow::Cow::Borrowed("")
        } else {
            String::from_utf8_lossy(bytes)
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let format = detect_format(path, text, tabular, opts.format)?;
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
                        utc_offset_secs: call.utc_offset_secs,
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
                read_generic(path, text, bytes, opts, &mut acc, &mut on_record)?;
            }
        }
        if acc.read == before {
            return Err(DataError::NoRecords {
                path: path.to_path_buf(),
            });
        }
    }

    // Second pass: the spill check (it needs the days every file covers), then aggregation.
    let (accepted, offered_queues) = spill_check(pending, &covered, &paths, &mut acc);
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
            first: acc.rejections.iter().take(5).cloned().collect(),
        });
    }
    check_output_size(&covered, opts.interval, offered_queues.len())?;
    Ok(CallDays::new(
        accepted,
        &covered,
        &queues.names,
        &offered_queues,
        opts,
        acc,
    ))
}

/// Output (and work) grows with covered days × intervals × queues: refused up front beyond
/// [`crate::limits::MAX_OUTPUT_ROWS`] instead of writing for hours.
pub(crate) fn check_output_size(
    covered: &BTreeSet<NaiveDate>,
    interval: IntervalLength,
    queues: usize,
) -> Result<(), DataError> {
    let per_day = 1440 / interval.minutes();
    let rows = covered.len() as u64 * u64::from(per_day) * queues as u64;
    match (covered.first(), covered.last()) {
        (Some(&first), Some(&last)) if rows > crate::limits::MAX_OUTPUT_ROWS => {
            Err(DataError::TooManyRows {
                rows,
                days: covered.len(),
                per_day,
                queues,
                first,
                last,
            })
        }
        _ => Ok(()),
    }
}

/// The format of one input: a table (workbook, Parquet) is the generic call-level format; a
/// text file is detected from its first non-blank line unless `forced`.
fn detect_format(
    path: &Path,
    text: &str,
    tabular: bool,
    forced: CallFormat,
) -> Result<CallFormat, DataError> {
    let first = if tabular {
        Some("")
    } else {
        text.lines().find(|l| !l.trim().is_empty())
    };
    let Some(first) = first else {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    };
    Ok(match forced {
        // A workbook or a Parquet file is a table: the generic call-level columns.
        CallFormat::Auto if tabular => CallFormat::Generic,
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
    })
}

/// Rejects the calls whose day no file covers (a call that spilled over midnight into a day
/// the logs do not hold); accounts the others and returns them with the queues that had an
/// offered call.
fn spill_check(
    pending: Vec<Pending>,
    covered: &BTreeSet<NaiveDate>,
    paths: &[PathBuf],
    acc: &mut Accounting,
) -> (Vec<Pending>, BTreeSet<u32>) {
    let loc = |file: u32, line: u64| Location {
        file: paths[file as usize].clone(),
        line,
        column: None,
    };
    let mut offered_queues: BTreeSet<u32> = BTreeSet::new();
    let mut accepted: Vec<Pending> = Vec::with_capacity(pending.len());
    for mut p in pending {
        if !covered.contains(&p.day) {
            acc.reject(
                loc(p.file, p.line),
                RejectReason::SpillsIntoUncoveredDay { day: p.day },
            );
            continue;
        }
        acc.used += 1;
        for kind in p.repairs.drain(..) {
            acc.repairs.push(Repair {
                at: loc(p.file, p.line),
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
    (accepted, offered_queues)
}

type OnRecord<'r> = dyn FnMut(
        u64,
        Result<ParsedRecord, (RejectReason, Option<String>)>,
        Vec<RepairKind>,
        Vec<&'static str>,
        &mut Accounting,
    ) + 'r;

/// Reads a generic call-level table (CSV, workbook or Parquet) through the one table reader
/// of `crate::io`, record by record; fields keep their spaces (each trim is a repair) and a
/// record with another field count is a rejection, not an error.
fn read_generic(
    path: &Path,
    text: &str,
    bytes: &[u8],
    call_opts: &CallOptions,
    acc: &mut Accounting,
    on_record: &mut OnRecord<'_>,
) -> Result<(), DataError> {
    let default = CallMapping::default();
    let mapping = call_opts.mapping.as_ref().unwrap_or(&default);
    let bad_mapping = |detail| DataError::BadMapping { detail };
    let opts = ReadOptions {
        trim: false,
        flexible: true,
        sheet: crate::table::default_sheet(),
        ..mapping.shape.read_options().map_err(bad_mapping)?
    };
    let zone = mapping.shape.zone(call_opts.zone).map_err(bad_mapping)?;
    // CSV text was decoded leniently above (invalid UTF-8 becomes U+FFFD, then a rejection of
    // that record's field); other formats are read from their bytes.
    let input = if SourceKind::sniff(bytes) == SourceKind::Csv {
        CsvInput::from_bytes_with(path, text.as_bytes(), &opts)
    } else {
        CsvInput::from_bytes_with(path, bytes, &opts)
    };
    let input = match input {
        Ok(t) => t,
        Err(TableError::HeaderOnly { .. }) => {
            return Err(DataError::NoRecords {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(e.into()),
    };
    let header: Vec<String> = input.headers().to_vec();
    let cols = generic::Columns::from_header(&header, mapping, zone).map_err(|missing| {
        DataError::MissingColumns {
            path: path.to_path_buf(),
            missing,
            found: header.clone(),
        }
    })?;
    for row in 0..input.len() {
        let fields: Vec<String> = (0..input.width(row))
            .map(|c| input.text(row, c).to_string())
            .collect();
        let typed: Vec<bool> = (0..fields.len()).map(|c| input.is_typed(row, c)).collect();
        if fields.iter().all(|f| f.trim().is_empty()) {
            acc.blank_lines += 1;
            continue;
        }
        let mut repairs = Vec::new();
        let mut notes = Vec::new();
        let parsed = generic::parse_record(&cols, &fields, &typed, &mut repairs, &mut notes);
        on_record(input.line(row), parsed, repairs, notes, acc);
    }
    Ok(())
}

/// Accepted calls, accounted and grouped by covered day, not yet laid on the interval grid:
/// [`CallDays::day`] builds one day's zero-filled rows (every interval × every queue with an
/// offered call), [`CallDays::into_ingested`] the whole table.
pub struct CallDays {
    accounting: Accounting,
    interval: IntervalLength,
    thresholds: SlThresholds,
    zone: Option<chrono_tz::Tz>,
    /// Output queues, sorted by name.
    queues: Vec<QueueId>,
    /// Covered days, sorted.
    days: Vec<NaiveDate>,
    /// The offered or VRU-only calls of queues with a row, grouped by day (index into `days`).
    by_day: Vec<Vec<Pending>>,
    /// `column[interned queue]` = the queue's index in `queues`.
    column: Vec<Option<usize>>,
}

impl std::fmt::Debug for CallDays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallDays")
            .field("queues", &self.queues.len())
            .field("days", &self.days.len())
            .field("accounting", &self.accounting)
            .finish()
    }
}

impl CallDays {
    fn new(
        calls: Vec<Pending>,
        covered: &BTreeSet<NaiveDate>,
        names: &[QueueId],
        offered_queues: &BTreeSet<u32>,
        opts: &CallOptions,
        mut accounting: Accounting,
    ) -> Self {
        let days: Vec<NaiveDate> = covered.iter().copied().collect();
        // Output queues sorted by name; `column[interned index]` = column, or None for a
        // queue that only had VRU-only calls.
        let mut queues: Vec<(QueueId, u32)> = offered_queues
            .iter()
            .map(|&i| (names[i as usize].clone(), i))
            .collect();
        queues.sort();
        let mut column: Vec<Option<usize>> = vec![None; names.len()];
        for (col, (_, i)) in queues.iter().enumerate() {
            column[*i as usize] = Some(col);
        }
        let queues: Vec<QueueId> = queues.into_iter().map(|(q, _)| q).collect();
        let zone = opts.zone.or_else(|| {
            opts.mapping
                .as_ref()
                .and_then(|m| m.shape.time_zone.as_deref())
                .and_then(|z| crate::io::shape::parse_zone(z).ok())
        });
        let mut by_day: Vec<Vec<Pending>> = (0..days.len()).map(|_| Vec::new()).collect();
        for c in calls {
            if column[c.queue as usize].is_none() {
                // A VRU-only call of a queue that never had an offered call: counted in the
                // accounting, but it has no row of its own.
                accounting.note("VRU-only call of a queue with no offered calls (no row)");
                continue;
            }
            // Covered days are sorted; every accepted call's day is covered.
            let d = days
                .binary_search(&c.day)
                .expect("spill check kept covered days only");
            by_day[d].push(c);
        }
        CallDays {
            accounting,
            interval: opts.interval,
            thresholds: opts.thresholds.clone(),
            zone,
            queues,
            days,
            by_day,
            column,
        }
    }

    /// What happened to every input record.
    pub fn accounting(&self) -> &Accounting {
        &self.accounting
    }

    /// A table with this ingestion's interval, thresholds, queues and days, and no rows: the
    /// header every day's rows belong to.
    pub fn header(&self) -> KpiTable {
        KpiTable {
            interval: self.interval,
            thresholds: self.thresholds.clone(),
            queues: self.queues.clone(),
            days: self.days.clone(),
            rows: Vec::new(),
        }
    }

    /// The number of covered days.
    pub fn n_days(&self) -> usize {
        self.days.len()
    }

    /// The zero-filled rows of covered day `d` (`0 ≤ d <` [`CallDays::n_days`]), sorted by
    /// `(interval_start, queue)`: 46, 48 or 50 half-hours in a zone with daylight saving.
    ///
    /// # Panics
    /// When `d` is not a covered day's index.
    pub fn day(&self, d: usize) -> Vec<KpiRow> {
        let len = self.interval.seconds();
        let nq = self.queues.len();
        let thr = self.thresholds.secs();
        let slots = day_intervals(self.days[d], self.interval, self.zone);
        let mut rows: Vec<KpiRow> = Vec::with_capacity(slots.len() * nq);
        for s in &slots {
            for q in &self.queues {
                let mut r = KpiRow::zero(s.local, q.clone(), thr.len());
                r.utc_offset_secs = s.offset_secs;
                rows.push(r);
            }
        }
        for c in &self.by_day[d] {
            let qi = self.column[c.queue as usize].expect("calls without a row were noted");
            let slot = match (self.zone, c.utc_offset_secs) {
                (None, _) => (c.secs_of_day / len) as usize,
                (Some(z), offset) => {
                    let local = c.day.and_time(chrono::NaiveTime::MIN)
                        + chrono::TimeDelta::seconds(i64::from(c.secs_of_day));
                    let at = match offset {
                        Some(o) => LocalStamp {
                            local,
                            offset_secs: Some(o),
                        },
                        // A naive time (e.g. the Anonymous Bank log): the earlier of a
                        // repeated hour.
                        None => {
                            localize(Stamp::Naive(local), Some(z), false).unwrap_or(LocalStamp {
                                local,
                                offset_secs: slots[0].offset_secs,
                            })
                        }
                    };
                    let from_first = (at.utc() - slots[0].utc()).num_seconds().max(0);
                    ((from_first / i64::from(len)) as usize).min(slots.len() - 1)
                }
            };
            add_call(&mut rows[slot * nq + qi], c, thr);
        }
        rows
    }

    /// The whole table: every covered day's rows.
    pub fn into_ingested(self) -> Ingested {
        let mut kpis = self.header();
        for d in 0..self.n_days() {
            kpis.rows.extend(self.day(d));
        }
        Ingested {
            kpis,
            accounting: self.accounting,
        }
    }
}

/// Adds one accepted call to its interval's row.
fn add_call(r: &mut KpiRow, c: &Pending, thr: &[u32]) {
    let add = |v: &mut Option<f64>, x: f64| {
        if let Some(v) = v {
            *v += x;
        }
    };
    if !c.offered {
        add(&mut r.vru_only, 1.0);
        return;
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
