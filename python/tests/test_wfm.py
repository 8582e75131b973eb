"""Tests of the Python package against the CLI (same CSV → same numbers) and an independent
Erlang A computation. Run: `pytest python/tests` after `pip install ./python`.

The CLI comparisons need the `wfm` binary: $WFM_BIN, else target/{release,debug}/wfm under
$CARGO_TARGET_DIR or the repository; they skip (and say so) when it is absent.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import wfm

REPO = Path(__file__).resolve().parents[2]
INTERVALS = REPO / "data" / "anonbank" / "intervals_30min_by_queue_01-14.csv"


def wfm_bin() -> str | None:
    if os.environ.get("WFM_BIN"):
        return os.environ["WFM_BIN"]
    roots = [Path(os.environ["CARGO_TARGET_DIR"])] if os.environ.get("CARGO_TARGET_DIR") else []
    roots.append(REPO / "target")
    for root in roots:
        for profile in ("release", "debug"):
            p = root / profile / "wfm"
            if p.exists():
                return str(p)
    return shutil.which("wfm")


def cli(*args: str) -> pd.DataFrame:
    exe = wfm_bin()
    if exe is None:
        pytest.skip("no wfm binary (build it with `cargo build`, or set WFM_BIN)")
    out = subprocess.run([exe, *args, "--format", "csv"], check=True, capture_output=True, text=True)
    return pd.read_csv(io.StringIO(out.stdout))


def synthetic_intervals(n_queues: int, days: int, seed: int = 7) -> pd.DataFrame:
    """Queues × days of 30-min intervals with a daily shape, weekly pattern and Poisson noise."""
    rng = np.random.default_rng(seed)
    ts = pd.date_range("2024-01-01", periods=days * 48, freq="30min")
    slot = np.arange(days * 48) % 48
    day = np.arange(days * 48) // 48
    frames = []
    for q in range(n_queues):
        shape = np.clip(np.sin(np.pi * (slot - 14) / 24), 0, None) ** 1.5
        weekly = np.where(day % 7 >= 5, 0.4, 1.0)
        lam = (20 + 7 * q % 90) * shape * weekly
        frames.append(pd.DataFrame({
            "interval_start": ts,
            "queue": f"Q{q:04d}",
            "offered": rng.poisson(lam).astype(float),
            "aht_seconds": np.round(rng.normal(240 + q % 60, 15, len(ts)), 1),
        }))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Staffing


def test_staff_10000_intervals_equals_the_cli(tmp_path: Path) -> None:
    df = synthetic_intervals(5, 42)  # 5 queues × 2,016 intervals = 10,080 rows
    assert len(df) >= 10_000
    csv = tmp_path / "demand.csv"
    df.to_csv(csv, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    py = wfm.staff(df, sl="80/20", model="erlang-a", patience_seconds=60)
    want = cli("staff", "--input", str(csv), "--sl-target", "0.8", "--sl-seconds", "20",
               "--model", "erlang-a", "--patience-seconds", "60", "--quiet")
    assert list(py.columns) == list(want.columns)
    assert len(py) == len(want)
    assert (py["agents"].to_numpy() == want["agents"].to_numpy()).all()
    assert (py["agents_gross"].to_numpy() == want["agents_gross"].to_numpy()).all()
    assert (py["binding"].fillna("").to_numpy() == want["binding"].fillna("").to_numpy()).all()
    # The CLI prints 10 significant digits.
    for col in ("load_erlangs", "service_level", "p_wait", "abandon_rate"):
        np.testing.assert_allclose(py[col].to_numpy(float), want[col].to_numpy(float), rtol=1e-9, atol=1e-12)
    assert (py["interval_start"] == pd.to_datetime(want["interval_start"])).all()


def _erlang_a_abandon(n: int, load, aht, patience, mp):
    """P(abandon) of M/M/n+M from the birth–death chain, summed term by term in mpmath."""
    mu, theta = 1 / mp.mpf(aht), 1 / mp.mpf(patience)
    lam = load * mu
    term, total = mp.mpf(1), mp.mpf(1)
    for k in range(1, n + 1):
        term *= lam / (k * mu)
        total += term
    queue_mass, queue_len, k = mp.mpf(0), mp.mpf(0), 0
    while True:
        k += 1
        term *= lam / (n * mu + k * theta)
        total += term
        queue_len += k * term
        if term < total * mp.mpf(10) ** -40:
            break
    return theta * (queue_len / total) / lam


def test_erlang_a_at_10000_erlangs_is_exact() -> None:
    mp = pytest.importorskip("mpmath").mp
    mp.dps = 40
    # 100,000 calls per 30 min × 180 s = 10,000 Erlangs; patience 60 s; 2 % abandon target.
    df = pd.DataFrame({"interval_start": [pd.Timestamp("2024-01-01 10:00")], "queue": ["big"],
                       "offered": [100_000.0], "aht_seconds": [180.0]})
    plan = wfm.staff(df, model="erlang-a", patience_seconds=60, sl_target=0, max_abandon=0.02,
                     interval="30m")
    row = plan.iloc[0]
    n = int(row["agents"])
    assert row["load_erlangs"] == pytest.approx(10_000.0, rel=1e-15)
    assert row["binding"] == "abandon"
    at_n = _erlang_a_abandon(n, mp.mpf(10_000), 180, 60, mp)
    below = _erlang_a_abandon(n - 1, mp.mpf(10_000), 180, 60, mp)
    assert at_n <= mp.mpf("0.02") < below, (n, at_n, below)
    assert float(row["abandon_rate"]) == pytest.approx(float(at_n), rel=1e-9)


def test_errors_name_row_column_queue_and_interval() -> None:
    df = synthetic_intervals(2, 1)
    df.loc[60, "offered"] = -3.0
    with pytest.raises(wfm.WfmError) as e:
        wfm.staff(df, sl="80/20")
    err = e.value
    assert err.row == 60 and err.line == 62 and err.column == "offered"
    assert err.queue == "Q0001" and err.interval == str(df.loc[60, "interval_start"])
    assert isinstance(err, ValueError)
    with pytest.raises(TypeError, match="unknown option"):
        wfm.staff(df, sl_taget=0.8)
    with pytest.raises(wfm.WfmError, match="expected PERCENT/SECONDS"):
        wfm.staff(df, sl="80%")


def test_evaluate_reports_missed_targets() -> None:
    df = synthetic_intervals(1, 1)
    plan = wfm.staff(df, sl="80/20")
    df["agents"] = np.maximum(plan["agents"].to_numpy() - 1, 0)
    ev = wfm.evaluate(df, sl="80/20")
    busy = plan["agents"].to_numpy() > 1
    assert ev["binding"][busy].str.startswith(("miss", "unstable")).all()


# ---------------------------------------------------------------------------------------------
# Forecasting


def test_forecast_equals_the_cli_and_forecast_queue_equals_forecast() -> None:
    hist = pd.read_csv(INTERVALS, parse_dates=["interval_start"])
    py = wfm.forecast(hist, horizon="7d")
    want = cli("forecast", "--history", str(INTERVALS), "--horizon", "7d")
    assert list(py.columns) == list(want.columns)
    assert len(py) == len(want)
    assert (py["model"] == want["model"]).all() and (py["queue"] == want["queue"]).all()
    for col, dp in (("forecast", 3), ("lo80", 3), ("hi80", 3), ("lo95", 3), ("hi95", 3), ("aht_forecast", 1)):
        np.testing.assert_allclose(py[col].to_numpy(float), want[col].to_numpy(float), atol=0.5 * 10**-dp + 1e-9)
    one = wfm.forecast_queue(hist, queue="NE", horizon="7d")
    part = py[py["queue"] == "NE"].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, part)


def test_day_start_is_the_clis_day_start() -> None:
    hist = pd.read_csv(INTERVALS, parse_dates=["interval_start"])
    py = wfm.forecast(hist, horizon="2d", day_start="04:00")
    want = cli("forecast", "--history", str(INTERVALS), "--horizon", "2d", "--day-start", "04:00")
    assert len(py) == len(want)
    np.testing.assert_allclose(py["forecast"].to_numpy(float), want["forecast"].to_numpy(float), atol=5e-4 + 1e-9)
    with pytest.raises(wfm.WfmError, match="day start"):
        wfm.forecast(hist, horizon="2d", day_start="04:10")


def test_results_do_not_depend_on_threads() -> None:
    hist = synthetic_intervals(8, 28)
    a = wfm.forecast(hist, horizon="7d", threads=1)
    b = wfm.forecast(hist, horizon="7d", threads=3)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(wfm.staff(a, threads=1), wfm.staff(a, threads=2))


def test_backtest_equals_the_cli() -> None:
    vru = REPO / "tests" / "fixtures" / "forecast" / "vru_5w.csv"
    hist = pd.read_csv(vru, parse_dates=["interval_start"])
    summary, rows = wfm.backtest(hist, origins=["1999-01-17", "1999-01-24"],
                                 model=["seasonal-naive-week", "mean-2w"], horizon="7d")
    want = cli("backtest", "--history", str(vru), "--origins", "1999-01-17,1999-01-24",
               "--model", "seasonal-naive-week,mean-2w", "--horizon", "7d")
    assert list(summary.columns) == list(want.columns)
    assert list(summary["model"]) == list(want["model"])
    # Independent values (tests/fixtures/forecast/README.md), as in tests/forecast_backtest.rs.
    np.testing.assert_allclose(summary["wape"], [0.3338052095, 0.3488816535], rtol=1e-9)
    np.testing.assert_allclose(summary["wape"], want["wape"], atol=5e-5)
    assert len(rows) == 2 * int(summary["points"].iloc[0]) and set(rows["model"]) == set(want["model"])


# ---------------------------------------------------------------------------------------------
# Other table kinds


def test_arrow_in_arrow_out() -> None:
    pa = pytest.importorskip("pyarrow")
    df = synthetic_intervals(2, 1)
    t = pa.Table.from_pandas(df, preserve_index=False)
    out = wfm.staff(t, sl="80/20")
    assert isinstance(out, pa.Table)
    assert out.column("agents").to_pylist() == wfm.staff(df, sl="80/20")["agents"].tolist()


def test_polars_in_polars_out() -> None:
    pl = pytest.importorskip("polars")
    df = synthetic_intervals(2, 1)
    out = wfm.staff(pl.from_pandas(df), sl="80/20")
    assert isinstance(out, pl.DataFrame)
    assert out["agents"].to_list() == wfm.staff(df, sl="80/20")["agents"].tolist()
