//! Staffing configuration: per-queue targets, model, shrinkage, concurrency and async work,
//! layered as *command-line overrides* → *the queue's own section* → *`[defaults]`* → built-in
//! defaults (see [`StaffConfig::resolve`]). The TOML form is documented in `models/staffing.toml`.
//!
//! Built-in defaults (when neither the config nor the command line says otherwise): Erlang C,
//! service level 80 % answered within 20 s, no ASA / abandon / occupancy target, shrinkage 0,
//! concurrency 1, 8 paid hours per FTE per day and 40 per FTE per week.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::limits::OutOfDomain;
use super::requirement::{Model, Targets};
use super::StaffingError;
use crate::units::{parse_duration_secs, Fraction, IntervalLength, Secs};

/// The built-in service-level target (80 % …).
pub const DEFAULT_SL_TARGET: f64 = 0.8;
/// … answered within this many seconds (the "80/20" convention of the call-center handbooks).
pub const DEFAULT_SL_SECONDS: f64 = 20.0;
/// Paid hours of one FTE per day.
pub const DEFAULT_HOURS_PER_FTE_DAY: f64 = 8.0;
/// Paid hours of one FTE per week.
pub const DEFAULT_HOURS_PER_FTE_WEEK: f64 = 40.0;

/// The queueing model named in a config or on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// M/M/N without abandonment.
    ErlangC,
    /// M/M/N+M with exponential patience.
    ErlangA,
}

impl ModelKind {
    /// `erlang-c` / `erlang-a`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::ErlangC => "erlang-c",
            ModelKind::ErlangA => "erlang-a",
        }
    }
}

/// What kind of work a queue carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueKind {
    /// Real-time contacts that queue (calls, chats): Erlang C / Erlang A.
    #[default]
    Inbound,
    /// Deferred work (email, back office) that must be finished within an SLA window.
    Async,
}

/// Settings of one layer (defaults, one queue, or the command line). Every field is optional:
/// an unset field falls through to the next layer. Values are validated newtypes, so a
/// `Settings` is valid by construction except `concurrency` (checked by [`StaffConfig::resolve`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Settings {
    /// Queueing model.
    pub model: Option<ModelKind>,
    /// Inbound (queueing) or async (deferred) work.
    pub kind: Option<QueueKind>,
    /// Service-level target fraction (0 disables the target).
    pub sl_target: Option<Fraction>,
    /// Service-level answer-time threshold.
    pub sl_seconds: Option<Secs>,
    /// Maximum ASA (mean wait of answered calls).
    pub asa_seconds: Option<Secs>,
    /// Maximum abandon rate (Erlang A).
    pub max_abandon: Option<Fraction>,
    /// Mean patience for Erlang A.
    pub patience_seconds: Option<Secs>,
    /// Occupancy cap in (0, 1].
    pub max_occupancy: Option<Fraction>,
    /// Shrinkage in [0, 1): the share of paid time off the phones, all categories together.
    pub shrinkage: Option<Fraction>,
    /// The unplanned part of [`Settings::shrinkage`] (absence, sickness, unexplained), ≤ it;
    /// `None` with a shrinkage set means "all of it is unplanned" (a plain `shrinkage = 0.3`).
    /// Layered together with `shrinkage`: a layer that sets one sets both.
    pub unplanned_shrinkage: Option<Fraction>,
    /// Sessions one agent works at once (chat), ≥ 1.
    pub concurrency: Option<f64>,
    /// SLA window of async work: items must be finished within this time of arrival.
    pub sla: Option<Secs>,
}

impl Settings {
    /// Every numeric setting against its domain ([`super::limits`]): an SL target of 100 %, an
    /// ASA or abandon target of 0, or a patience beyond a day is an error, not a staffing.
    ///
    /// # Errors
    /// The first setting outside its domain, with its key and range.
    pub fn check(&self) -> Result<(), OutOfDomain> {
        use super::limits::{
            check, ASA_SECONDS, MAX_ABANDON, MAX_OCCUPANCY, PATIENCE_SECONDS, SL_SECONDS, SL_TARGET,
        };
        let pairs = [
            (SL_TARGET, self.sl_target.map(Fraction::value)),
            (SL_SECONDS, self.sl_seconds.map(Secs::value)),
            (ASA_SECONDS, self.asa_seconds.map(Secs::value)),
            (MAX_ABANDON, self.max_abandon.map(Fraction::value)),
            (PATIENCE_SECONDS, self.patience_seconds.map(Secs::value)),
            (MAX_OCCUPANCY, self.max_occupancy.map(Fraction::value)),
        ];
        for (domain, v) in pairs {
            if let Some(v) = v {
                check(domain, v)?;
            }
        }
        Ok(())
    }

    /// Field-wise `self` where set, else `lower`.
    pub fn or(self, lower: Settings) -> Settings {
        // Total and unplanned shrinkage come from one layer: a queue's plain `shrinkage = 0.25`
        // must not inherit the defaults' split into categories.
        let pair = if self.shrinkage.is_some() {
            (self.shrinkage, self.unplanned_shrinkage)
        } else {
            (lower.shrinkage, lower.unplanned_shrinkage)
        };
        Settings {
            model: self.model.or(lower.model),
            kind: self.kind.or(lower.kind),
            sl_target: self.sl_target.or(lower.sl_target),
            sl_seconds: self.sl_seconds.or(lower.sl_seconds),
            asa_seconds: self.asa_seconds.or(lower.asa_seconds),
            max_abandon: self.max_abandon.or(lower.max_abandon),
            patience_seconds: self.patience_seconds.or(lower.patience_seconds),
            max_occupancy: self.max_occupancy.or(lower.max_occupancy),
            shrinkage: pair.0,
            unplanned_shrinkage: pair.1,
            concurrency: self.concurrency.or(lower.concurrency),
            sla: self.sla.or(lower.sla),
        }
    }
}

/// Where the Erlang A patience of a queue came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatienceSource {
    /// `--patience-seconds` or the queue's own config section.
    Given,
    /// Estimated from the abandon columns of the history (see [`super::workforce::estimate_patience`]).
    History,
    /// The config's `[defaults]`.
    Defaults,
}

/// The validated staffing policy of one queue, after layering.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueuePolicy {
    /// Inbound or async.
    pub kind: QueueKind,
    /// The queueing model (inbound queues).
    pub model: Model,
    /// Where the patience came from (Erlang A).
    pub patience_source: Option<PatienceSource>,
    /// The targets.
    pub targets: Targets,
    /// Shrinkage: share of paid time off the phones, every category (gross = net ÷ (1 − it)).
    pub shrinkage: Fraction,
    /// Unplanned shrinkage (absence, sickness): the schedule must cover
    /// net ÷ (1 − unplanned); the scheduled categories (breaks) are placed by the schedule.
    pub unplanned: Fraction,
    /// Sessions per agent (≥ 1).
    pub concurrency: f64,
    /// Async SLA window.
    pub sla: Option<Secs>,
    /// Occupancy cap used for async work (1 when unset).
    pub async_occupancy: Fraction,
}

/// The staffing configuration: layered settings plus FTE conventions.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffConfig {
    overrides: Settings,
    /// Per-queue layers above the command line (a scenario scoped to some queues).
    queue_overrides: BTreeMap<String, Settings>,
    queues: BTreeMap<String, Settings>,
    defaults: Settings,
    hours_per_fte_day: f64,
    hours_per_fte_week: f64,
    interval: Option<IntervalLength>,
    source: Option<PathBuf>,
    risk: Option<f64>,
    availability: Option<super::availability::Availability>,
}

impl Default for StaffConfig {
    fn default() -> Self {
        StaffConfig::new()
    }
}

impl StaffConfig {
    /// Built-in defaults only (see the module docs).
    pub fn new() -> Self {
        StaffConfig {
            overrides: Settings::default(),
            queue_overrides: BTreeMap::new(),
            queues: BTreeMap::new(),
            defaults: Settings::default(),
            hours_per_fte_day: DEFAULT_HOURS_PER_FTE_DAY,
            hours_per_fte_week: DEFAULT_HOURS_PER_FTE_WEEK,
            interval: None,
            source: None,
            risk: None,
            availability: None,
        }
    }

    /// The configuration of a parsed `models/staffing.toml`-style file (read by
    /// [`crate::io::staffing::config`]); `path` names the file in errors.
    ///
    /// # Errors
    /// [`StaffingError::Config`] for a value out of range (naming the file and key).
    pub(crate) fn from_raw(raw: RawFile, path: &Path) -> Result<Self, StaffingError> {
        let file = path.to_path_buf();
        if raw.schema_version != 1 {
            return Err(StaffingError::Config {
                file,
                key: "schema_version".into(),
                value: f64::from(raw.schema_version),
                range: "1",
            });
        }
        let mut cfg = StaffConfig::new();
        cfg.source = Some(file.clone());
        cfg.defaults = raw.defaults.validate(&file, "defaults")?;
        for (name, q) in raw.queues {
            let s = q.validate(&file, &format!("queues.{name}"))?;
            cfg.queues.insert(name, s);
        }
        if let Some(f) = raw.fte {
            if let Some(h) = f.hours_per_day {
                cfg.hours_per_fte_day = positive(&file, "fte.hours_per_day", h)?;
            }
            if let Some(h) = f.hours_per_week {
                cfg.hours_per_fte_week = positive(&file, "fte.hours_per_week", h)?;
            }
        }
        if let Some(i) = raw.interval {
            cfg.interval = Some(i.parse().map_err(|_| StaffingError::Config {
                file: file.clone(),
                key: "interval".into(),
                value: f64::NAN,
                range: "one of 5m, 6m, 10m, 15m, 30m, 60m",
            })?);
        }
        Ok(cfg)
    }

    /// Plan in recorded agents with this availability (from a calibration; see
    /// [`super::availability`]).
    pub fn with_availability(mut self, a: super::availability::Availability) -> Self {
        self.availability = Some(a);
        self
    }
    /// The availability of recorded agents, when planning in recorded agents.
    pub fn availability(&self) -> Option<&super::availability::Availability> {
        self.availability.as_ref()
    }

    /// Settings applied to every queue over the config (the command-line flags).
    pub fn with_overrides(mut self, s: Settings) -> Self {
        self.overrides = s.or(self.overrides);
        self
    }
    /// Settings applied to `queue` over every other layer, the command line included (a
    /// what-if scoped to that queue).
    pub fn with_queue_overrides(mut self, queue: impl Into<String>, s: Settings) -> Self {
        let q = queue.into();
        let old = self.queue_overrides.get(&q).copied().unwrap_or_default();
        self.queue_overrides.insert(q, s.or(old));
        self
    }
    /// The `[defaults]` layer.
    pub fn with_defaults(mut self, s: Settings) -> Self {
        self.defaults = s;
        self
    }
    /// One queue's own layer.
    pub fn with_queue(mut self, queue: impl Into<String>, s: Settings) -> Self {
        self.queues.insert(queue.into(), s);
        self
    }
    /// Paid hours per FTE per day (default 8) and per week (default 40).
    ///
    /// # Errors
    /// [`StaffingError::InvalidParameter`] unless both are positive and finite.
    pub fn with_hours_per_fte(mut self, day: f64, week: f64) -> Result<Self, StaffingError> {
        use super::limits::{check, HOURS_PER_FTE_DAY, HOURS_PER_FTE_WEEK};
        check(HOURS_PER_FTE_DAY, day).map_err(super::limits::OutOfDomain::into_error)?;
        check(HOURS_PER_FTE_WEEK, week).map_err(super::limits::OutOfDomain::into_error)?;
        self.hours_per_fte_day = day;
        self.hours_per_fte_week = week;
        Ok(self)
    }
    /// The interval length, instead of inferring it from the input's timestamps.
    pub fn with_interval(mut self, interval: IntervalLength) -> Self {
        self.interval = Some(interval);
        self
    }

    /// Staff each interval so that its service targets hold with probability ≥ `p` under the
    /// forecast's predictive distribution (rows with prediction bounds; see
    /// [`super::risk`]).
    ///
    /// # Errors
    /// [`StaffingError::InvalidParameter`] unless `0 < p < 1`.
    pub fn with_risk(mut self, p: f64) -> Result<Self, StaffingError> {
        if !(p > 0.0 && p < 1.0) {
            return Err(StaffingError::InvalidParameter {
                name: "risk (probability of meeting the target)",
                value: p,
                range: "(0, 1)",
            });
        }
        self.risk = Some(p);
        Ok(self)
    }
    /// The risk level of [`StaffConfig::with_risk`], if any.
    pub fn risk(&self) -> Option<f64> {
        self.risk
    }

    /// Paid hours per FTE per day.
    pub fn hours_per_fte_day(&self) -> f64 {
        self.hours_per_fte_day
    }
    /// Paid hours per FTE per week.
    pub fn hours_per_fte_week(&self) -> f64 {
        self.hours_per_fte_week
    }
    /// The configured interval length, if any.
    pub fn interval(&self) -> Option<IntervalLength> {
        self.interval
    }
    /// The file the config was read from.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }
    /// The command-line layer.
    pub fn overrides(&self) -> Settings {
        self.overrides
    }
    /// The `[defaults]` layer.
    pub fn defaults(&self) -> Settings {
        self.defaults
    }
    /// The queue's own layer, if configured.
    pub fn queue(&self, queue: &str) -> Option<Settings> {
        self.queues.get(queue).copied()
    }

    /// The effective settings of `queue` and its validated policy. Patience precedence:
    /// command line → the queue's section → `history_patience` (estimated from the input's
    /// abandon columns) → `[defaults]`.
    ///
    /// # Errors
    /// [`StaffingError::PatienceUnknown`] for Erlang A without any patience;
    /// [`StaffingError::InvalidParameter`] for shrinkage 1, concurrency < 1, occupancy cap 0, or an
    /// async queue without an SLA window.
    pub fn resolve(
        &self,
        queue: &str,
        history_patience: Option<f64>,
    ) -> Result<QueuePolicy, StaffingError> {
        let own = self.queues.get(queue).copied().unwrap_or_default();
        let scoped = self.queue_overrides.get(queue).copied().unwrap_or_default();
        let specific = scoped.or(self.overrides).or(own);
        let s = specific.or(self.defaults);
        s.check().map_err(OutOfDomain::into_error)?;
        let kind = s.kind.unwrap_or_default();
        let model_kind = s.model.unwrap_or(ModelKind::ErlangC);
        let (model, patience_source) = match model_kind {
            ModelKind::ErlangC => (Model::ErlangC, None),
            ModelKind::ErlangA => {
                let (p, src) = if let Some(p) = specific.patience_seconds {
                    (p, PatienceSource::Given)
                } else if let Some(p) = history_patience {
                    // An estimate from a log with one absurd wait (1e308 s) would make the
                    // Erlang A series loop for ever: the estimate obeys the flag's domain.
                    super::limits::check(super::limits::PATIENCE_SECONDS, p).map_err(|e| {
                        StaffingError::InvalidParameter {
                            name: "patience estimated from the history's abandons (seconds); check its wait columns or pass --patience-seconds",
                            value: e.value,
                            range: e.range,
                        }
                    })?;
                    (Secs::new(p)?, PatienceSource::History)
                } else if let Some(p) = self.defaults.patience_seconds {
                    (p, PatienceSource::Defaults)
                } else {
                    return Err(StaffingError::PatienceUnknown {
                        queue: queue.to_string(),
                    });
                };
                if p.value() <= 0.0 {
                    return Err(StaffingError::InvalidParameter {
                        name: "patience (seconds)",
                        value: p.value(),
                        range: "(0, ∞)",
                    });
                }
                (Model::ErlangA { patience: p }, Some(src))
            }
        };
        let sl_seconds = s
            .sl_seconds
            .unwrap_or(Secs::new(DEFAULT_SL_SECONDS).expect("constant"));
        let sl_target = s
            .sl_target
            .unwrap_or(Fraction::new(DEFAULT_SL_TARGET).expect("constant"));
        let mut targets = Targets::new().with_threshold(sl_seconds);
        if sl_target.value() > 0.0 {
            targets = targets.with_service_level(sl_target, sl_seconds);
        }
        if let Some(a) = s.asa_seconds {
            targets = targets.with_max_asa(a);
        }
        if let Some(a) = s.max_abandon {
            targets = targets.with_max_abandon(a);
        }
        if let Some(o) = s.max_occupancy {
            targets = targets.with_max_occupancy(o)?;
        }
        let shrinkage = s.shrinkage.unwrap_or_default();
        if shrinkage.value() >= 1.0 {
            return Err(StaffingError::InvalidParameter {
                name: "shrinkage",
                value: shrinkage.value(),
                range: "[0, 1)",
            });
        }
        let unplanned = s.unplanned_shrinkage.unwrap_or(shrinkage);
        let concurrency = s.concurrency.unwrap_or(1.0);
        super::limits::check(super::limits::CONCURRENCY, concurrency)
            .map_err(super::limits::OutOfDomain::into_error)?;
        if kind == QueueKind::Async && s.sla.is_none_or(|w| w.value() <= 0.0) {
            return Err(StaffingError::InvalidParameter {
                name: "sla (window of an async queue, e.g. \"8h\")",
                value: s.sla.map_or(0.0, Secs::value),
                range: "(0, ∞)",
            });
        }
        Ok(QueuePolicy {
            kind,
            model,
            patience_source,
            targets,
            shrinkage,
            unplanned,
            concurrency,
            sla: s.sla,
            async_occupancy: s
                .max_occupancy
                .unwrap_or(Fraction::new(1.0).expect("constant")),
        })
    }
}

/// `fte.hours_per_day` / `fte.hours_per_week` against their domains.
fn positive(file: &Path, key: &str, v: f64) -> Result<f64, StaffingError> {
    let domain = if key.ends_with("week") {
        super::limits::HOURS_PER_FTE_WEEK
    } else {
        super::limits::HOURS_PER_FTE_DAY
    };
    super::limits::check(domain, v).map_err(|e| StaffingError::Config {
        file: file.to_path_buf(),
        key: key.to_string(),
        value: v,
        range: e.range,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    schema_version: u32,
    #[serde(default)]
    interval: Option<String>,
    #[serde(default)]
    fte: Option<RawFte>,
    #[serde(default)]
    defaults: RawSettings,
    #[serde(default)]
    queues: BTreeMap<String, RawSettings>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFte {
    hours_per_day: Option<f64>,
    hours_per_week: Option<f64>,
}

/// One layer as written in TOML (plain numbers, validated by [`RawSettings::validate`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSettings {
    pub(crate) model: Option<ModelKind>,
    pub(crate) kind: Option<QueueKind>,
    pub(crate) sl_target: Option<f64>,
    pub(crate) sl_seconds: Option<f64>,
    pub(crate) asa_seconds: Option<f64>,
    pub(crate) max_abandon: Option<f64>,
    pub(crate) patience_seconds: Option<f64>,
    pub(crate) max_occupancy: Option<f64>,
    pub(crate) shrinkage: Option<RawShrinkage>,
    pub(crate) concurrency: Option<f64>,
    pub(crate) sla: Option<String>,
}

/// Whether the schedule places a shrinkage category itself or it happens unplanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShrinkageKind {
    /// Breaks, lunches, meetings, training sessions: placed by the schedule, so the schedule's
    /// coverage (agents on shift and not on a break) already excludes them.
    Scheduled,
    /// Absence, sickness, unexplained: the schedule must over-cover for them.
    Unplanned,
}

/// `shrinkage` as written: one share (all unplanned) or named categories.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawShrinkage {
    /// `shrinkage = 0.30`.
    Total(f64),
    /// `[defaults.shrinkage] absence = { share = 0.12, kind = "unplanned" }`.
    Categories(BTreeMap<String, RawCategory>),
}

/// One shrinkage category.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCategory {
    share: f64,
    kind: ShrinkageKind,
}

impl RawShrinkage {
    /// (total, unplanned) shares; errors name `section.shrinkage[.category]`.
    fn shares(&self, file: &Path, section: &str) -> Result<(f64, Option<f64>), StaffingError> {
        let err = |key: String, value: f64, range: &'static str| StaffingError::Config {
            file: file.to_path_buf(),
            key,
            value,
            range,
        };
        match self {
            RawShrinkage::Total(s) => {
                if !(0.0..1.0).contains(s) {
                    return Err(err(format!("{section}.shrinkage"), *s, "[0, 1)"));
                }
                Ok((*s, None))
            }
            RawShrinkage::Categories(cats) => {
                let (mut total, mut unplanned) = (0.0, 0.0);
                for (name, c) in cats {
                    if !(0.0..1.0).contains(&c.share) {
                        return Err(err(
                            format!("{section}.shrinkage.{name}.share"),
                            c.share,
                            "[0, 1)",
                        ));
                    }
                    total += c.share;
                    if c.kind == ShrinkageKind::Unplanned {
                        unplanned += c.share;
                    }
                }
                // Shares are stated decimals: drop the binary dust of their sum
                // (0.0625 + 0.1375 + 0.1 = 0.30000000000000004 → 0.3).
                let decimal = |x: f64| (x * 1e12).round() / 1e12;
                let (total, unplanned) = (decimal(total), decimal(unplanned));
                if total >= 1.0 {
                    return Err(err(
                        format!("{section}.shrinkage (sum of the categories' shares)"),
                        total,
                        "[0, 1)",
                    ));
                }
                Ok((total, Some(unplanned)))
            }
        }
    }
}

impl RawSettings {
    /// Checks every value's range and converts to [`Settings`]; errors name `file` and
    /// `section.key` (used by the config file and by the scenarios file).
    pub(crate) fn validate(self, file: &Path, section: &str) -> Result<Settings, StaffingError> {
        let err = |key: &str, value: f64, range: &'static str| StaffingError::Config {
            file: file.to_path_buf(),
            key: format!("{section}.{key}"),
            value,
            range,
        };
        let frac = |key: &str, v: Option<f64>| -> Result<Option<Fraction>, StaffingError> {
            v.map(|x| Fraction::new(x).map_err(|_| err(key, x, "[0, 1]")))
                .transpose()
        };
        let secs = |key: &str, v: Option<f64>| -> Result<Option<Secs>, StaffingError> {
            v.map(|x| Secs::new(x).map_err(|_| err(key, x, "[0, ∞) seconds")))
                .transpose()
        };
        if let Some(c) = self.concurrency {
            if super::limits::check(super::limits::CONCURRENCY, c).is_err() {
                return Err(err("concurrency", c, super::limits::CONCURRENCY.1));
            }
        }
        for (domain, v) in [
            (super::limits::SL_TARGET, self.sl_target),
            (super::limits::SL_SECONDS, self.sl_seconds),
            (super::limits::ASA_SECONDS, self.asa_seconds),
            (super::limits::MAX_ABANDON, self.max_abandon),
            (super::limits::PATIENCE_SECONDS, self.patience_seconds),
            (super::limits::MAX_OCCUPANCY, self.max_occupancy),
        ] {
            if let Some(v) = v {
                super::limits::check(domain, v).map_err(|e| err(e.key, e.value, e.range))?;
            }
        }
        let (shrinkage, unplanned) = match &self.shrinkage {
            None => (None, None),
            Some(raw) => {
                let (t, u) = raw.shares(file, section)?;
                (Some(t), u)
            }
        };
        let sla = match &self.sla {
            None => None,
            Some(text) => {
                let secs = parse_duration_secs(text)
                    .map_err(|_| err("sla", f64::NAN, "a duration such as \"8h\" or \"2d\""))?;
                if secs <= 0 {
                    return Err(err("sla", secs as f64, "(0, ∞)"));
                }
                Some(Secs::new(secs as f64)?)
            }
        };
        Ok(Settings {
            model: self.model,
            kind: self.kind,
            sl_target: frac("sl_target", self.sl_target)?,
            sl_seconds: secs("sl_seconds", self.sl_seconds)?,
            asa_seconds: secs("asa_seconds", self.asa_seconds)?,
            max_abandon: frac("max_abandon", self.max_abandon)?,
            patience_seconds: secs("patience_seconds", self.patience_seconds)?,
            max_occupancy: frac("max_occupancy", self.max_occupancy)?,
            shrinkage: frac("shrinkage", shrinkage)?,
            unplanned_shrinkage: frac("shrinkage", unplanned)?,
            concurrency: self.concurrency,
            sla,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinkage_categories_split_scheduled_and_unplanned() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/staffing.toml"));
        let cfg = StaffConfig::from_toml(path).unwrap();
        let ps = cfg.resolve("PS", Some(120.0)).unwrap();
        assert!((ps.shrinkage.value() - 0.30).abs() < 1e-12);
        assert!((ps.unplanned.value() - 0.2375).abs() < 1e-12);
        // A queue's plain number replaces the defaults' categories: all of it unplanned.
        let mail = cfg.resolve("EMAIL", None).unwrap();
        assert_eq!(
            (mail.shrinkage.value(), mail.unplanned.value()),
            (0.25, 0.25)
        );
        let bad = "schema_version = 1\n[defaults.shrinkage]\na = { share = 0.6, kind = \"scheduled\" }\nb = { share = 0.5, kind = \"unplanned\" }\n";
        let dir = std::env::temp_dir().join(format!("wfm-shrink-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("bad.toml");
        std::fs::write(&f, bad).unwrap();
        let e = StaffConfig::from_toml(&f).unwrap_err().to_string();
        assert!(e.contains("defaults.shrinkage"), "{e}");
    }

    #[test]
    fn example_config_parses_and_layers() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/staffing.toml"));
        let cfg = StaffConfig::from_toml(path).unwrap();
        let pe = cfg.resolve("PE", Some(120.0)).unwrap();
        assert_eq!(
            pe.model,
            Model::ErlangA {
                patience: Secs::new(120.0).unwrap()
            }
        );
        assert_eq!(pe.patience_source, Some(PatienceSource::History));
        assert_eq!(pe.targets.service_level(), Some(0.9));
        assert_eq!(pe.targets.max_occupancy(), Some(0.85));
        assert!(matches!(
            cfg.resolve("PS", None),
            Err(StaffingError::PatienceUnknown { .. })
        ));
        let mail = cfg.resolve("EMAIL", None).unwrap();
        assert_eq!(mail.kind, QueueKind::Async);
        assert_eq!(mail.sla, Some(Secs::new(28_800.0).unwrap()));
        let other = cfg.resolve("unknown-queue", None).unwrap();
        assert_eq!(other.shrinkage.value(), 0.3);
        let cli = cfg.with_overrides(Settings {
            shrinkage: Some(Fraction::new(0.1).unwrap()),
            ..Settings::default()
        });
        assert_eq!(cli.resolve("EMAIL", None).unwrap().shrinkage.value(), 0.1);
    }

    #[test]
    fn bad_values_name_file_and_key() {
        let dir = std::env::temp_dir().join(format!("wfm-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("bad.toml");
        std::fs::write(&p, "schema_version = 1\n[queues.X]\nshrinkage = 1.2\n").unwrap();
        let e = StaffConfig::from_toml(&p).unwrap_err().to_string();
        assert!(
            e.contains("bad.toml") && e.contains("queues.X.shrinkage"),
            "{e}"
        );
        std::fs::write(&p, "schema_version = 1\n[defaults]\nshrinkage_typo = 0.2\n").unwrap();
        let e = StaffConfig::from_toml(&p).unwrap_err().to_string();
        assert!(e.contains("shrinkage_typo"), "{e}");
    }
}
