"""wfm — contact-center workforce management engine for Python.

Forecast, backtest, staff (Erlang C / Erlang A), evaluate and run what-if scenarios over
pandas, polars or pyarrow tables. Every function takes a table with the CLI's input column
names and keyword options named like the CLI's flags (``--sl-target`` → ``sl_target``), and
returns the CLI's output columns as the same kind of table it was given (pandas in → pandas
out, polars in → polars out, pyarrow in → pyarrow out)::

    import pandas as pd, wfm
    df = pd.DataFrame({"interval_start": pd.date_range("2024-01-08 08:00", periods=4, freq="30min"),
                       "queue": "sales", "offered": [120, 150, 90, 60], "aht_seconds": 240.0})
    plan = wfm.staff(df, sl="80/20", model="erlang-a", patience_seconds=60)

Values are full precision (the CLI prints them rounded). Work on several queues runs on all
cores (``threads=N`` to choose; results do not depend on it). Errors are :class:`WfmError`
with the row, column, queue and interval they are about.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _wfm

__all__ = [
    "WfmError",
    "forecast",
    "forecast_queue",
    "backtest",
    "staff",
    "evaluate",
    "scenario",
    "__version__",
]
__version__ = _wfm.__version__


class WfmError(ValueError):
    """An input or option the engine rejected.

    Attributes (``None`` when the message does not name them): ``table`` (which input:
    ``input``, ``history``, ``calendar`` or a file path), ``line`` (1-based, header = 1, as in
    a CSV file), ``row`` (0-based position in the DataFrame given), ``column``, ``queue``,
    ``interval`` (the row's ``interval_start``).
    """

    def __init__(self, message: str, **where: Any) -> None:
        super().__init__(message)
        self.table: Optional[str] = where.get("table")
        self.line: Optional[int] = where.get("line")
        self.row: Optional[int] = where.get("row")
        self.column: Optional[str] = where.get("column")
        self.queue: Optional[str] = where.get("queue")
        self.interval: Optional[str] = where.get("interval")


_LOCATION = re.compile(
    r"(?P<table><[a-z]+>|[^\s:`]*[/.][^\s:`]*):(?P<line>\d+)(?:, column `(?P<column>[^`]+)`)?")
_QUEUE = re.compile(r"queue `(?P<queue>[^`]+)`")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_TS_NAMES = ("interval_start", "origin")


def _raise(err: Exception, frames: Dict[str, pd.DataFrame]) -> None:
    """Re-raises an engine error as WfmError with its location (row/queue/interval)."""
    msg = str(err)
    where: Dict[str, Any] = {}
    m = _LOCATION.search(msg)
    if m:
        table = m.group("table")
        where["table"] = table.strip("<>") if table.startswith("<") else table
        where["line"] = int(m.group("line"))
        where["column"] = m.group("column")
        frame = frames.get(where["table"])
        if frame is not None and where["line"] >= 2:
            row = where["line"] - 2
            where["row"] = row
            if row < len(frame):
                rec = frame.iloc[row]
                if "queue" in frame.columns:
                    where["queue"] = str(rec["queue"])
                if "interval_start" in frame.columns:
                    where["interval"] = str(rec["interval_start"])
                msg = f"{msg} (DataFrame row {row})"
    q = _QUEUE.search(msg)
    if q and "queue" not in where:
        where["queue"] = q.group("queue")
    t = _TIMESTAMP.search(msg)
    if t and "interval" not in where:
        where["interval"] = t.group(0)
    raise WfmError(msg, **where) from None


# ---------------------------------------------------------------------------------------------
# Tables in and out


def _kind(df: Any) -> str:
    mod = type(df).__module__
    if mod.startswith("polars"):
        return "polars"
    if mod.startswith("pyarrow"):
        return "arrow"
    if isinstance(df, pd.DataFrame):
        return "pandas"
    if isinstance(df, dict):
        return "dict"
    raise TypeError(f"expected a pandas, polars or pyarrow table, got {type(df).__name__}")


def _to_pandas(df: Any) -> pd.DataFrame:
    kind = _kind(df)
    if kind == "pandas":
        return df
    if kind == "dict":
        return pd.DataFrame(df)
    # polars and pyarrow both go through Arrow (no copy of numeric columns where possible).
    return df.to_pandas()


def _columns(df: pd.DataFrame) -> List[Tuple[str, str, Any]]:
    """The DataFrame as the engine's columns (see python/src/frame.rs)."""
    out: List[Tuple[str, str, Any]] = []
    for name in df.columns:
        s = df[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        name = str(name)
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            if getattr(s.dt, "tz", None) is not None:
                raise WfmError(
                    f"column `{name}` is timezone-aware; wfm works in local wall-clock time: "
                    "convert with .dt.tz_convert(...).dt.tz_localize(None)",
                    column=name,
                )
            if name == "date":
                out.append((name, "s", [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in s]))
            else:
                ns = s.astype("datetime64[ns]").to_numpy().view("int64")
                out.append((name, "t", np.ascontiguousarray(ns, dtype="<i8").tobytes()))
        elif pd.api.types.is_bool_dtype(s.dtype):
            out.append((name, "f", s.to_numpy(dtype="<f8", na_value=np.nan).tobytes()))
        elif pd.api.types.is_numeric_dtype(s.dtype):
            out.append((name, "f", s.to_numpy(dtype="<f8", na_value=np.nan).tobytes()))
        else:
            vals = [None if (v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT)
                    else (v.strftime("%Y-%m-%dT%H:%M:%S") if hasattr(v, "strftime") and name != "date"
                          else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)))
                    for v in s.tolist()]
            out.append((name, "s", vals))
    return out


def _frame(cols: Sequence[tuple], like: str) -> Any:
    """Engine columns → a table of the kind the caller gave (pandas, polars or pyarrow)."""
    data: Dict[str, Any] = {}
    for col in cols:
        name, kind, payload = col[0], col[1], col[2]
        if kind == "f":
            data[name] = np.frombuffer(payload, dtype="<f8").copy()
        elif kind == "i":
            values = np.frombuffer(payload, dtype="<i8")
            mask = np.frombuffer(col[3], dtype=np.uint8).astype(bool)
            if mask.all():
                data[name] = values.copy()
            else:
                arr = pd.array(values, dtype="Int64")
                arr[~mask] = pd.NA
                data[name] = arr
        elif name in _TS_NAMES:
            data[name] = pd.to_datetime(pd.Series(payload, dtype=object), format="ISO8601")
        else:
            data[name] = pd.Series(payload, dtype=object)
    out = pd.DataFrame(data)
    if like == "polars":
        import polars as pl  # only when the caller uses polars

        return pl.from_pandas(out)
    if like == "arrow":
        import pyarrow as pa

        return pa.Table.from_pandas(out, preserve_index=False)
    return out


def _in(df: Any, table: str, frames: Dict[str, pd.DataFrame]) -> List[Tuple[str, str, Any]]:
    p = _to_pandas(df)
    frames[table] = p
    return _columns(p)


def _ts(v: Any) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    return pd.Timestamp(v).strftime("%Y-%m-%dT%H:%M:%S")


def _duration(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, pd.Timedelta) or hasattr(v, "total_seconds"):
        return f"{int(pd.Timedelta(v).total_seconds())}s"
    raise TypeError(f"expected a duration such as '14d' or a timedelta, got {v!r}")


def _policy(sl: Optional[str], options: Dict[str, Any]) -> Dict[str, Any]:
    """CLI policy flags (`--sl-target` → `sl_target`); `sl="80/20"` is sl_target=0.8, sl_seconds=20."""
    policy: Dict[str, Any] = {}
    for k, v in options.items():
        if k not in _wfm.POLICY_KEYS:
            raise TypeError(f"unknown option `{k}`; staffing options: sl, {', '.join(_wfm.POLICY_KEYS)}")
        if v is not None:
            policy[k] = str(v) if k in ("config", "interval") else v
    if sl is not None:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", str(sl))
        if not m:
            raise WfmError(f"sl `{sl}`: expected PERCENT/SECONDS such as \"80/20\"", column="sl")
        if "sl_target" in policy or "sl_seconds" in policy:
            raise TypeError("give either sl=\"80/20\" or sl_target/sl_seconds, not both")
        policy["sl_target"] = float(m.group(1)) / 100.0
        policy["sl_seconds"] = float(m.group(2))
    return policy


# ---------------------------------------------------------------------------------------------
# Stages


def forecast(
    history: Any,
    *,
    calendar: Any = None,
    model: str = "auto",
    start: Any = None,
    horizon: Any = "14d",
    inner_origins: int = 8,
    threads: Optional[int] = None,
    day_start: str = "midnight-unless-busy",
) -> Any:
    """Forecasts volume (with 80/95 % intervals) and AHT per queue × interval (``wfm forecast``).

    ``history``: columns ``interval_start, [queue,] offered [, aht_seconds]`` (``wfm ingest``
    output). ``calendar``: special days ``date, name, effect`` (closed|eve|reduced).
    ``model``: ``auto`` (ranked per queue by an inner rolling-origin backtest) or a model name.
    ``start``: the origin, any interval boundary (an intraday start updates the rest of its day
    from the morning's arrivals; default the end of history). ``horizon``: e.g. ``"14d"``.
    Returns ``interval_start, queue, forecast, lo80, hi80, lo95, hi95, aht_forecast, model,
    aht_lo80, aht_hi80, aht_lo95, aht_hi95`` (AHT bounds empty when not calibrated).
    ``day_start``: where the planning (operational) day starts, ``"HH:MM"``, ``"auto"`` or
    ``"midnight-unless-busy"`` (the CLI's ``--day-start`` and its default; output stays on the
    calendar grid).
    Queues are forecast in parallel; the output does not depend on ``threads``.
    """
    frames: Dict[str, pd.DataFrame] = {}
    like = _kind(history)
    h = _in(history, "history", frames)
    cal = None if calendar is None else _in(calendar, "calendar", frames)
    try:
        cols = _wfm.forecast(h, calendar=cal, model=model, start=_ts(start), horizon=_duration(horizon),
                             inner_origins=inner_origins, threads=threads, day_start=day_start)
    except _wfm.WfmError as e:
        _raise(e, frames)
    return _frame(cols, like)


def forecast_queue(history: Any, queue: Optional[str] = None, **options: Any) -> Any:
    """Forecasts ONE queue: the unit of work for distributed runs (Spark ``applyInPandas``).

    ``history`` holds one queue's rows (or several, with ``queue`` naming the one to use);
    options as :func:`forecast`. A queue's forecast depends only on its own history, so
    forecasting queues one by one (on any number of machines) gives the rows of
    :func:`forecast` on all of them.
    """
    df = _to_pandas(history)
    like = _kind(history)
    if "queue" in df.columns:
        names = pd.unique(df["queue"])
        if queue is None:
            if len(names) != 1:
                raise WfmError(f"forecast_queue: {len(names)} queues in the history; name one with queue=",
                               column="queue")
        else:
            df = df[df["queue"] == queue]
            if df.empty:
                raise WfmError(f"forecast_queue: queue `{queue}` is not in the history", queue=queue)
    elif queue is not None:
        df = df.assign(queue=queue)
    out = forecast(df.reset_index(drop=True), **options)
    if like == "polars":
        import polars as pl

        return pl.from_pandas(out)
    if like == "arrow":
        import pyarrow as pa

        return pa.Table.from_pandas(out, preserve_index=False)
    return out


def backtest(
    history: Any,
    *,
    origins: Iterable[Any],
    calendar: Any = None,
    model: Union[str, Sequence[str]] = "auto",
    horizon: Any = "7d",
    inner_origins: int = 8,
    threads: Optional[int] = None,
    day_start: str = "midnight-unless-busy",
) -> Tuple[Any, Any]:
    """Rolling-origin backtest (``wfm backtest``): returns ``(summary, rows)``.

    ``model``: a name, a list of names, or ``"all"`` (every candidate and ``auto``).
    ``summary`` has the CLI's columns (model, wape, bias, coverage, seconds, …); ``rows`` one
    row per model × origin × queue × interval (``--out`` of the CLI).
    """
    frames: Dict[str, pd.DataFrame] = {}
    like = _kind(history)
    h = _in(history, "history", frames)
    cal = None if calendar is None else _in(calendar, "calendar", frames)
    models = [model] if isinstance(model, str) else list(model)
    models = [m.strip() for name in models for m in name.split(",")]
    try:
        summary, rows = _wfm.backtest(h, origins=[_ts(o) for o in origins], calendar=cal, model=models,
                                      horizon=_duration(horizon), inner_origins=inner_origins,
                                      threads=threads, day_start=day_start)
    except _wfm.WfmError as e:
        _raise(e, frames)
    return _frame(summary, like), _frame(rows, like)


def staff(
    input: Any,
    *,
    sl: Optional[str] = None,
    totals: bool = False,
    threads: Optional[int] = None,
    **options: Any,
) -> Any:
    """Required agents per interval (``wfm staff``), Erlang C or Erlang A.

    ``input``: ``interval_start, queue, offered, aht_seconds`` (actuals, ``wfm ingest`` output
    or a :func:`forecast` result). Options as the CLI flags: ``sl="80/20"`` (or
    ``sl_target=0.8, sl_seconds=20``), ``model="erlang-c"|"erlang-a"``, ``patience_seconds``,
    ``asa_seconds``, ``max_abandon``, ``max_occupancy``, ``shrinkage``, ``concurrency``,
    ``interval="30m"``, ``hours_per_fte_day``, ``hours_per_fte_week``, ``config="staffing.toml"``.
    Returns the plan (``interval_start, queue, offered, aht_seconds, load_erlangs, agents,
    agents_gross, service_level, asa_seconds, occupancy, p_wait, abandon_rate, binding, …``);
    with ``totals=True`` a tuple ``(plan, totals)`` with the totals per queue and day.
    """
    return _staff(input, sl, totals, threads, options, evaluate=False, agents_column="agents")


def evaluate(
    input: Any,
    *,
    sl: Optional[str] = None,
    agents_column: str = "agents",
    totals: bool = False,
    threads: Optional[int] = None,
    **options: Any,
) -> Any:
    """Metrics of a given staffing (``wfm staff --evaluate``): ``input`` has an ``agents``
    column (or the one named by ``agents_column``, e.g. ``scheduled``); options as
    :func:`staff`. ``binding`` is ``met``, ``miss:<target>`` or ``unstable``."""
    return _staff(input, sl, totals, threads, options, evaluate=True, agents_column=agents_column)


def _staff(input: Any, sl: Optional[str], totals: bool, threads: Optional[int], options: Dict[str, Any],
           evaluate: bool, agents_column: str) -> Any:
    frames: Dict[str, pd.DataFrame] = {}
    like = _kind(input)
    policy = _policy(sl, options)
    cols = _in(input, "input", frames)
    try:
        plan, tot = _wfm.staff(cols, policy=policy, evaluate=evaluate, agents_column=agents_column,
                               threads=threads)
    except _wfm.WfmError as e:
        _raise(e, frames)
    if totals:
        return _frame(plan, like), _frame(tot, like)
    return _frame(plan, like)


def scenario(
    input: Any,
    *,
    scenarios: str,
    sl: Optional[str] = None,
    threads: Optional[int] = None,
    **options: Any,
) -> Any:
    """What-if scenarios (``wfm scenario``): ``scenarios`` is the scenarios TOML file; the
    staffing options as :func:`staff`. Returns one row per scenario (CLI columns)."""
    frames: Dict[str, pd.DataFrame] = {}
    like = _kind(input)
    policy = _policy(sl, options)
    cols = _in(input, "input", frames)
    try:
        out = _wfm.scenario(cols, scenarios=str(scenarios), policy=policy, threads=threads)
    except _wfm.WfmError as e:
        _raise(e, frames)
    return _frame(out, like)
