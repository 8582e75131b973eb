//! The staffing input as text: [`StaffInput`] from any interval table (see
//! [`crate::staffing::plan`] for the columns), read piece by piece into compact rows so that a
//! million intervals never exist as a table of strings, and the Erlang A patience of a history
//! file ([`read_patience`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::io::schema;
use crate::io::table::{CsvInput, StampReader, TableError};
use crate::io::Location;
use crate::staffing::limits::{MAX_DURATION_SECS, MAX_OFFERED};
use crate::staffing::plan::{bad, Row, StaffInput, AHT_DOMAIN, NO_DIST, OFFERED_DOMAIN};
use crate::staffing::risk::Predictive;
use crate::staffing::workforce::{estimate_patience, PatienceEstimate};
use crate::staffing::StaffingError;

/// Data rows parsed per piece of the file.
const PIECE_ROWS: usize = 1 << 14;

/// Options of [`StaffInput::read_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The column holding net agents for [`crate::staffing::plan::evaluate`]. Default `agents`.
    pub agents_column: String,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            agents_column: "agents".into(),
        }
    }
}

impl StaffInput {
    /// Reads and validates an interval table (see [`crate::staffing::plan`] for the columns).
    ///
    /// # Errors
    /// [`StaffingError::Table`] for unreadable files, missing columns and unparsable fields (file,
    /// line and column named); [`StaffingError::BadInput`] for `offered > 0` without AHT or a
    /// non-integer `agents`; [`StaffingError::Duplicate`] for a repeated queue × interval.
    pub fn read(path: &Path) -> Result<Self, StaffingError> {
        Self::read_with(path, &ReadOptions::default())
    }

    /// As [`StaffInput::read`], with options (e.g. the agents column of a schedule's
    /// `coverage.csv` is `scheduled`). The file is parsed piece by piece: only the typed rows
    /// are kept.
    ///
    /// # Errors
    /// As [`StaffInput::read`].
    pub fn read_with(path: &Path, options: &ReadOptions) -> Result<Self, StaffingError> {
        let mut reader: Option<Reader> = None;
        CsvInput::read_chunks(path, PIECE_ROWS, |csv| {
            let r = match &mut reader {
                Some(r) => r,
                None => reader.insert(Reader::new(csv, options)?),
            };
            r.piece(csv)
        })?;
        reader.expect("a table has rows").finish(path)
    }

    /// As [`StaffInput::read`], from an already parsed CSV.
    ///
    /// # Errors
    /// As [`StaffInput::read`].
    pub fn from_csv(csv: &CsvInput) -> Result<Self, StaffingError> {
        Self::from_csv_with(csv, &ReadOptions::default())
    }

    /// As [`StaffInput::read_with`], from an already parsed CSV.
    ///
    /// # Errors
    /// As [`StaffInput::read`].
    pub fn from_csv_with(csv: &CsvInput, options: &ReadOptions) -> Result<Self, StaffingError> {
        let mut r = Reader::new(csv, options)?;
        r.piece(csv)?;
        r.finish(csv.path())
    }

    /// Adds the patience estimates of another history file (e.g. the `wfm ingest` output a
    /// forecast was made from); queues already estimated from the input itself keep theirs.
    ///
    /// # Errors
    /// [`StaffingError::Table`] when the file cannot be read or lacks the abandon columns.
    pub fn with_history(self, path: &Path) -> Result<Self, StaffingError> {
        Ok(self.with_patience(read_patience(path)?))
    }
}

/// The columns of a staffing input.
struct Columns {
    start: usize,
    queue: Option<usize>,
    offered: usize,
    aht: Option<usize>,
    /// `(sum_service_s, answered)` when AHT is derived from them.
    service: Option<(usize, usize)>,
    agents: Option<usize>,
    bounds: [Option<usize>; 4],
    hist: Option<History>,
    answered: Option<usize>,
    /// The handle time is a forecast's `aht_forecast` (not measured actuals' `aht_seconds`).
    aht_is_forecast: bool,
}

/// The state of reading a staffing input piece by piece.
struct Reader {
    c: Columns,
    aht_acc: HashMap<usize, (f64, f64)>,
    /// Rows with traffic but no handle time: (row index, where).
    pending: Vec<(usize, Location)>,
    queues: Vec<String>,
    queue_ix: HashMap<String, usize>,
    rows: Vec<Row>,
    dists: Vec<Predictive>,
    hist_acc: BTreeMap<usize, (f64, f64, f64)>,
    stamps: StampReader,
}

impl Reader {
    fn new(csv: &CsvInput, options: &ReadOptions) -> Result<Self, StaffingError> {
        let start = csv.require(&[schema::INTERVAL_START])?[0];
        let offered = csv
            .column("offered")
            .or_else(|| csv.column("forecast"))
            .ok_or_else(|| missing(csv, "offered (or `forecast`)"))?;
        let aht_is_forecast = csv.column("aht_seconds").is_none();
        let aht = csv
            .column("aht_seconds")
            .or_else(|| csv.column("aht_forecast"));
        let aht_is_forecast = aht_is_forecast && aht.is_some();
        let service = match aht {
            Some(_) => None,
            None => match (csv.column("sum_service_s"), csv.column("answered")) {
                (Some(s), Some(a)) => Some((s, a)),
                _ => return Err(missing(csv, "aht_seconds (or `aht_forecast`)")),
            },
        };
        let c = Columns {
            start,
            queue: csv.column("queue"),
            offered,
            aht,
            service,
            agents: csv.column(&options.agents_column),
            bounds: [schema::LO80, schema::HI80, schema::LO95, schema::HI95].map(|n| csv.column(n)),
            hist: History::columns(csv),
            answered: csv.column("answered"),
            aht_is_forecast,
        };
        Ok(Reader {
            c,
            aht_acc: HashMap::new(),
            pending: Vec::new(),
            queues: Vec::new(),
            queue_ix: HashMap::new(),
            rows: Vec::new(),
            dists: Vec::new(),
            hist_acc: BTreeMap::new(),
            stamps: StampReader::default(),
        })
    }

    fn queue(&mut self, name: &str) -> usize {
        match self.queue_ix.get(name) {
            Some(&i) => i,
            None => {
                self.queues.push(name.to_string());
                self.queue_ix
                    .insert(name.to_string(), self.queues.len() - 1);
                self.queues.len() - 1
            }
        }
    }

    /// The handle time of row `r` (given, or `sum_service_s / answered`).
    fn aht(&self, csv: &CsvInput, r: usize) -> Result<Option<f64>, StaffingError> {
        Ok(match (self.c.aht, self.c.service) {
            (Some(c), _) => csv.opt_non_negative(r, c)?,
            (None, Some((s, a))) => {
                let answered = csv.opt_non_negative(r, a)?.unwrap_or(0.0);
                let service = csv.opt_non_negative(r, s)?.unwrap_or(0.0);
                (answered > 0.0).then(|| service / answered)
            }
            (None, None) => unreachable!("checked by Reader::new"),
        })
    }

    fn agents(&self, csv: &CsvInput, r: usize) -> Result<Option<u32>, StaffingError> {
        let Some(c) = self.c.agents else {
            return Ok(None);
        };
        match csv.opt_non_negative(r, c)? {
            None => Ok(None),
            Some(v) if v.fract() != 0.0 || v > f64::from(u32::MAX) => Err(bad(
                csv.location(r, c),
                v,
                "expected a whole number of agents (round the staffing first)",
            )),
            Some(v) => Ok(Some(v as u32)),
        }
    }

    fn dist(
        &self,
        csv: &CsvInput,
        r: usize,
        offered: f64,
    ) -> Result<Option<Predictive>, StaffingError> {
        Ok(match self.c.bounds {
            [Some(l8), Some(h8), Some(l9), Some(h9)] => {
                let v = |c| csv.opt_non_negative(r, c);
                match (v(l8)?, v(h8)?, v(l9)?, v(h9)?) {
                    (Some(a), Some(b), Some(c), Some(d)) => {
                        Predictive::from_bounds(offered, a, b, c, d)
                    }
                    _ => None,
                }
            }
            _ => None,
        })
    }

    /// Reads the rows of one piece of the file.
    fn piece(&mut self, csv: &CsvInput) -> Result<(), StaffingError> {
        self.rows.reserve(csv.len());
        for r in 0..csv.len() {
            self.row(csv, r)?;
        }
        Ok(())
    }

    fn row(&mut self, csv: &CsvInput, r: usize) -> Result<(), StaffingError> {
        let c = &self.c;
        let (offered_c, aht_c, service_c) = (c.offered, c.aht, c.service);
        let qname = match c.queue {
            Some(c) => csv.non_empty(r, c)?,
            None => "ALL",
        };
        let queue = self.queue(qname);
        let at = self.stamps.read(csv, r, self.c.start, queue)?;
        let offered = csv.non_negative(r, offered_c)?;
        if offered > MAX_OFFERED {
            return Err(bad(csv.location(r, offered_c), offered, OFFERED_DOMAIN));
        }
        let aht = self.aht(csv, r)?;
        let aht_col = aht_c.or(service_c.map(|(s, _)| s)).unwrap_or(offered_c);
        if let Some(a) = aht.filter(|a| *a > MAX_DURATION_SECS) {
            return Err(bad(csv.location(r, aht_col), a, AHT_DOMAIN));
        }
        if let Some(a) = aht {
            // Weight: answered calls when known (AHT is their mean), else offered.
            let w = self
                .c
                .answered
                .map(|c| csv.opt_non_negative(r, c))
                .transpose()?
                .flatten()
                .unwrap_or(offered);
            let e = self.aht_acc.entry(queue).or_insert((0.0, 0.0));
            e.0 += a * w;
            e.1 += w;
        }
        if offered > 0.0 && aht.is_none() {
            if self.c.aht_is_forecast {
                // Actuals leave AHT empty when every call was abandoned (filled below from the
                // queue's mean); a forecast with calls always carries its handle time.
                return Err(bad(
                    csv.location(r, aht_col),
                    offered,
                    "aht_forecast is empty while the forecast has calls: give the interval's handle time",
                ));
            }
            self.pending
                .push((self.rows.len(), csv.location(r, aht_col)));
        }
        let agents = self.agents(csv, r)?;
        if let Some(h) = &self.c.hist {
            if let Some((ab, wab, wans)) = h.row(csv, r)? {
                let e = self.hist_acc.entry(queue).or_insert((0.0, 0.0, 0.0));
                e.0 += ab;
                e.1 += wab;
                e.2 += wans;
            }
        }
        let dist = match self.dist(csv, r, offered)? {
            Some(d) => {
                self.dists.push(d);
                (self.dists.len() - 1) as u32
            }
            None => NO_DIST,
        };
        self.rows.push(Row {
            start: at.local,
            offset: at.offset_secs,
            queue: queue as u32,
            offered,
            aht,
            agents,
            dist,
            line: csv.line(r),
        });
        Ok(())
    }

    fn finish(mut self, path: &Path) -> Result<StaffInput, StaffingError> {
        // Intervals with traffic but no handle time (every call abandoned): the queue's mean AHT.
        let aht_filled = self.pending.len();
        for (i, at) in std::mem::take(&mut self.pending) {
            let row = &mut self.rows[i];
            match self.aht_acc.get(&(row.queue as usize)) {
                Some(&(sum, w)) if w > 0.0 => row.aht = Some(sum / w),
                _ => {
                    return Err(bad(
                        at,
                        row.offered,
                        "handle time is empty while offered > 0, and the queue has no other interval with a handle time to take its mean from",
                    ))
                }
            }
        }
        let queues = self.queues;
        let patience = self
            .hist_acc
            .into_iter()
            .map(|(q, (ab, wab, wans))| (queues[q].clone(), estimate_patience(ab, wab, wans)))
            .collect();
        let mut input =
            StaffInput::from_rows(path.to_path_buf(), queues, self.rows, self.dists, patience)?;
        input.set_aht_filled(aht_filled);
        Ok(input)
    }
}

fn missing(csv: &CsvInput, what: &str) -> StaffingError {
    StaffingError::Table(TableError::MissingColumns {
        path: csv.path().to_path_buf(),
        missing: vec![what.to_string()],
        found: csv.headers().to_vec(),
    })
}

/// The abandon columns of an interval history.
struct History {
    abandoned: usize,
    wait_abandoned: usize,
    wait_answered: WaitAnswered,
}

enum WaitAnswered {
    Sum(usize),
    FromAsa { asa: usize, answered: usize },
}

impl History {
    fn columns(csv: &CsvInput) -> Option<History> {
        let abandoned = csv.column("abandoned")?;
        let wait_abandoned = csv.column("sum_wait_abandoned_s")?;
        let wait_answered = match csv.column("sum_wait_answered_s") {
            Some(c) => WaitAnswered::Sum(c),
            None => WaitAnswered::FromAsa {
                asa: csv.column("asa_seconds")?,
                answered: csv.column("answered")?,
            },
        };
        Some(History {
            abandoned,
            wait_abandoned,
            wait_answered,
        })
    }

    /// `(abandoned, Σ wait of abandoners, Σ wait of answered)`, or `None` when a field is empty.
    fn row(&self, csv: &CsvInput, r: usize) -> Result<Option<(f64, f64, f64)>, TableError> {
        use crate::limits::{MAX_CALL_SECONDS, MAX_CONTACTS};
        let count = |c| csv.opt_bounded(r, c, MAX_CONTACTS, "contacts per interval");
        let sum = |c| csv.opt_bounded(r, c, MAX_CONTACTS * MAX_CALL_SECONDS, "seconds");
        let ab = count(self.abandoned)?;
        let wab = sum(self.wait_abandoned)?;
        let wans = match self.wait_answered {
            WaitAnswered::Sum(c) => sum(c)?,
            WaitAnswered::FromAsa { asa, answered } => match count(answered)? {
                Some(0.0) => Some(0.0),
                Some(n) => csv
                    .opt_bounded(r, asa, MAX_CALL_SECONDS, "seconds")?
                    .map(|a| a * n),
                None => None,
            },
        };
        // A row with some of its abandon fields empty is a gap in the export, not a row to
        // leave out of the estimate without a word.
        let empty = |c: usize| TableError::BadValue {
            at: csv.location(r, c),
            value: String::new(),
            reason: "expected a value: the row's other abandon and wait fields are given".into(),
        };
        Ok(match (ab, wab, wans) {
            (Some(a), Some(b), Some(c)) => Some((a, b, c)),
            (None, None, None) => None,
            (None, _, _) => return Err(empty(self.abandoned)),
            (_, None, _) => return Err(empty(self.wait_abandoned)),
            _ => None,
        })
    }
}

/// Mean patience per queue from a history file with the abandon columns of `wfm ingest`.
///
/// # Errors
/// [`StaffingError::Table`] when the file cannot be read or lacks the columns.
pub fn read_patience(path: &Path) -> Result<BTreeMap<String, PatienceEstimate>, StaffingError> {
    let csv = CsvInput::read(path)?;
    let hist = History::columns(&csv).ok_or_else(|| {
        missing(
            &csv,
            "abandoned, sum_wait_abandoned_s, sum_wait_answered_s (or asa_seconds + answered)",
        )
    })?;
    let queue_c = csv.column("queue");
    // The rows are summed per queue: a duplicate, a bad timestamp or a row off the file's grid
    // is an error naming it (issue #16), as in every reader that adds rows up.
    if let Some(ts_c) = csv.column(schema::INTERVAL_START) {
        let starts = (0..csv.len())
            .map(|r| csv.local_stamp(r, ts_c, false))
            .collect::<Result<Vec<_>, _>>()?;
        crate::io::grid::check_grid(&csv, ts_c, queue_c, &starts, None)?;
    }
    let mut acc: BTreeMap<String, (f64, f64, f64)> = BTreeMap::new();
    for r in 0..csv.len() {
        if let Some((a, b, c)) = hist.row(&csv, r)? {
            let q = queue_c.map_or("ALL", |c| csv.text(r, c)).to_string();
            let e = acc.entry(q).or_insert((0.0, 0.0, 0.0));
            e.0 += a;
            e.1 += b;
            e.2 += c;
        }
    }
    Ok(acc
        .into_iter()
        .map(|(q, (a, b, c))| (q, estimate_patience(a, b, c)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::config::StaffConfig;
    use crate::staffing::plan::{staff, staff_lean, Mode};
    use std::fmt::Write as _;

    /// `n` rows over 3 queues at 30 min, with forecast bounds and abandon columns.
    fn table(n: usize) -> String {
        let mut s = String::from("interval_start,queue,offered,aht_seconds,lo80,hi80,lo95,hi95,answered,abandoned,sum_wait_abandoned_s,sum_wait_answered_s\n");
        for i in 0..n {
            let (q, k) = (i % 3, i / 3);
            let t = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                + chrono::TimeDelta::minutes(30 * k as i64);
            let off = 5 + (i * 7919) % 40;
            writeln!(
                s,
                "{},Q{q},{off},{},{},{},{},{},{},{},{},{}",
                t.format("%Y-%m-%dT%H:%M:%S"),
                120 + i % 300,
                off as f64 * 0.8,
                off as f64 * 1.2,
                off as f64 * 0.7,
                off as f64 * 1.3,
                off - 1,
                1,
                30 + i % 50,
                10 * off
            )
            .unwrap();
        }
        s
    }

    #[test]
    fn pieces_read_as_the_whole_file() {
        // Three pieces and a bit: every piece boundary is crossed.
        let text = table(3 * PIECE_ROWS + 5);
        let dir = std::env::temp_dir().join(format!("wfm-staffio-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("in.csv");
        std::fs::write(&path, &text).unwrap();
        let streamed = StaffInput::read(&path).unwrap();
        let whole =
            StaffInput::from_csv(&CsvInput::from_bytes(&path, text.as_bytes()).unwrap()).unwrap();
        assert_eq!(streamed.len(), 3 * PIECE_ROWS + 5);
        assert_eq!(streamed.queues(), whole.queues());
        assert_eq!(streamed.patience_estimates(), whole.patience_estimates());
        let cfg = StaffConfig::new();
        let a = staff(&streamed, &cfg).unwrap();
        assert_eq!(a, staff(&whole, &cfg).unwrap());
        // The lean plan builds the same rows and totals.
        let lean = staff_lean(&streamed, &cfg, Mode::Size).unwrap();
        assert!(lean.rows().zip(&a.rows).all(|(x, y)| &x == y));
        assert_eq!(lean.totals, a.totals);
        assert!(a.rows.iter().all(|r| r.p_meet_target.is_some()));
        // A bad field in the last piece is named at its file line.
        let mut lines: Vec<&str> = text.lines().collect();
        let mut fields: Vec<&str> = lines[3 * PIECE_ROWS + 2].split(',').collect();
        fields[2] = "-1";
        let bad = fields.join(",");
        lines[3 * PIECE_ROWS + 2] = &bad;
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let e = StaffInput::read(&path).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).ok();
        let line = 3 * PIECE_ROWS + 3;
        assert!(
            e.contains(&format!("in.csv:{line}, column `offered`")),
            "{e}"
        );
    }
}
