"""The Spark example on local PySpark (`local[2]`): 200 synthetic queues forecast and staffed
with `groupBy("queue").applyInPandas`, written as Parquet; three queues checked against the CLI
(`wfm forecast` then `wfm staff` on that queue's CSV).

Skips (and says so) without pyspark, Java or the `wfm` binary.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from test_wfm import wfm_bin

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))

N_QUEUES = 200


@pytest.fixture(scope="module")
def spark():
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed (pip install pyspark)")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for PySpark")
    import os

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    s = (SparkSession.builder.master("local[2]").appName("wfm-test")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.ui.enabled", "false")
         .getOrCreate())
    yield s
    s.stop()


def cli_forecast(exe: str, history: pd.DataFrame, tmp: Path) -> pd.DataFrame:
    hist_csv = tmp / "history.csv"
    history.to_csv(hist_csv, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    out = subprocess.run([exe, "forecast", "--history", str(hist_csv), "--horizon", "14d", "--format", "csv"],
                         check=True, capture_output=True, text=True)
    return pd.read_csv(io.StringIO(out.stdout), parse_dates=["interval_start"])


def cli_staff(exe: str, demand: pd.DataFrame, tmp: Path) -> pd.DataFrame:
    """`wfm staff` on `demand` written at full precision (17 significant digits)."""
    csv = tmp / "demand.csv"
    demand.to_csv(csv, index=False, date_format="%Y-%m-%dT%H:%M:%S", float_format="%.17g")
    out = subprocess.run([exe, "staff", "--input", str(csv), "--sl-target", "0.8", "--sl-seconds", "20",
                          "--model", "erlang-c", "--format", "csv", "--quiet"],
                         check=True, capture_output=True, text=True)
    return pd.read_csv(io.StringIO(out.stdout), parse_dates=["interval_start"])


def test_spark_example_forecasts_and_staffs_200_queues(spark, tmp_path: Path) -> None:
    import spark_forecast_staff as example

    exe = wfm_bin()
    if exe is None:
        pytest.skip("no wfm binary to check against (cargo build, or set WFM_BIN)")
    history = example.synthetic_history(N_QUEUES, days=35)
    plan = example.run(spark, spark.createDataFrame(history), str(tmp_path / "plan.parquet"))
    got = pd.read_parquet(tmp_path / "plan.parquet")
    assert got["queue"].nunique() == N_QUEUES
    assert plan.count() == len(got)
    assert (got["agents"] >= 0).all() and got["agents"].sum() > 0
    # Each stage against the CLI on the same queue: the forecast at the CLI's 3 printed
    # decimals, the staffing exactly (the CLI staffs the Spark plan's own demand, written at
    # full precision, so rounding of an intermediate file cannot move an agent).
    for q in ("Q0000", "Q0101", "Q0199"):
        mine = got[got["queue"] == q].sort_values("interval_start").reset_index(drop=True)
        fc = cli_forecast(exe, history[history["queue"] == q], tmp_path)
        assert len(mine) == len(fc), q
        assert (mine["interval_start"].to_numpy() == fc["interval_start"].to_numpy()).all(), q
        assert (mine["offered"] - fc["forecast"]).abs().max() <= 5e-4 + 1e-9, q
        assert (mine["aht_seconds"] - fc["aht_forecast"]).abs().max() <= 0.05 + 1e-9, q
        want = cli_staff(exe, mine[["interval_start", "queue", "offered", "aht_seconds"]], tmp_path)
        assert (mine["agents"].to_numpy() == want["agents"].to_numpy()).all(), q
        assert (mine["agents_gross"].to_numpy() == want["agents_gross"].to_numpy()).all(), q
        assert (mine["binding"].fillna("").to_numpy() == want["binding"].fillna("").to_numpy()).all(), q
