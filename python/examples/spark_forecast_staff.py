"""Forecast and staff every queue of a long-format Spark DataFrame with wfm, one queue per task.

Input: a DataFrame `queue, interval_start, offered, aht_seconds` (any number of queues; a
queue's rows are its interval history). Each queue goes to one Python worker through
`groupBy("queue").applyInPandas(...)`, which calls `wfm.forecast_queue` and `wfm.staff` on
that queue's pandas DataFrame; the result (the `wfm staff` columns over the forecast horizon)
is written as Parquet.

Why per queue: a queue's forecast depends only on its own history and its staffing (Erlang C /
A) only on its own forecast, so the work splits by queue with no communication. Anything that
pools queues (shared agents across queues, a center-wide service level, multi-skill routing)
is a second stage on the collected per-queue outputs (see docs/python.md).

Run (needs `pip install ./python pyspark` and Java 17):

    python python/examples/spark_forecast_staff.py --queues 200 --out /tmp/wfm-spark
    python python/examples/spark_forecast_staff.py --input history.parquet --out plan.parquet

The same `forecast_and_staff` function works as a Dask `groupby(...).apply` or a Ray
`map_groups` UDF: it only sees one queue's pandas DataFrame.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

import numpy as np
import pandas as pd

import wfm

#: Options of the example (the CLI's flags): 14 days ahead, 80 % in 20 s, Erlang C.
HORIZON = "14d"
STAFF_OPTIONS = {"sl": "80/20", "model": "erlang-c"}


def forecast_and_staff(pdf: pd.DataFrame, horizon: str = HORIZON, **staff_options) -> pd.DataFrame:
    """One queue's history → its staffing plan over the forecast horizon.

    `threads=1`: Spark already runs one task per core; nesting more threads would oversubscribe.
    """
    options = staff_options or STAFF_OPTIONS
    history = pdf[["interval_start", "queue", "offered", "aht_seconds"]].sort_values("interval_start")
    fc = wfm.forecast_queue(history.reset_index(drop=True), horizon=horizon, threads=1)
    plan = wfm.staff(fc, threads=1, **options)
    return plan


def spark_schema(sample: pd.DataFrame):
    """The Spark schema of the plan, from a plan computed on the driver (column names and
    types follow the engine: no hand-written copy to fall out of date)."""
    from pyspark.sql import types as T

    fields = []
    for name, dtype in sample.dtypes.items():
        if pd.api.types.is_datetime64_any_dtype(dtype):
            t = T.TimestampNTZType() if hasattr(T, "TimestampNTZType") else T.TimestampType()
        elif pd.api.types.is_integer_dtype(dtype):
            t = T.LongType()
        elif pd.api.types.is_float_dtype(dtype):
            t = T.DoubleType()
        else:
            t = T.StringType()
        fields.append(T.StructField(str(name), t, True))
    return T.StructType(fields)


def synthetic_history(n_queues: int, days: int = 35, seed: int = 11) -> pd.DataFrame:
    """`n_queues` × `days` of 30-min history: daily shape, weekends lower, Poisson volumes."""
    rng = np.random.default_rng(seed)
    ts = pd.date_range("2024-01-01", periods=days * 48, freq="30min")
    slot = np.arange(len(ts)) % 48
    day = np.arange(len(ts)) // 48
    shape = np.clip(np.sin(np.pi * (slot - 14) / 24), 0, None) ** 1.5
    weekly = np.where(day % 7 >= 5, 0.4, 1.0)
    out = []
    for q in range(n_queues):
        lam = (15 + (q * 37) % 120) * shape * weekly
        out.append(pd.DataFrame({
            "queue": f"Q{q:04d}",
            "interval_start": ts,
            "offered": rng.poisson(lam).astype(float),
            "aht_seconds": np.round(rng.normal(200 + q % 90, 12, len(ts)), 1),
        }))
    return pd.concat(out, ignore_index=True)


def run(spark, history, out: str, horizon: str = HORIZON, **staff_options):
    """Forecasts and staffs every queue of the Spark DataFrame `history`; writes Parquet to `out`.

    Returns the plan as a Spark DataFrame (read back from `out`)."""
    # The workers unpickle `forecast_and_staff` by module name: ship this file to them.
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    first_queue = history.select("queue").orderBy("queue").limit(1).collect()[0][0]
    sample = forecast_and_staff(history.where(history.queue == first_queue).toPandas(), horizon,
                                **staff_options)
    schema = spark_schema(sample)
    plan = history.groupBy("queue").applyInPandas(
        lambda pdf: forecast_and_staff(pdf, horizon, **staff_options), schema=schema)
    plan.write.mode("overwrite").parquet(out)
    return spark.read.parquet(out)


def main(argv: Optional[list] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", help="Parquet or CSV with queue, interval_start, offered, aht_seconds")
    p.add_argument("--queues", type=int, default=200, help="synthetic queues when no --input [200]")
    p.add_argument("--out", required=True, help="output Parquet directory")
    p.add_argument("--master", default="local[2]")
    p.add_argument("--horizon", default=HORIZON)
    args = p.parse_args(argv)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(args.master).appName("wfm-forecast-staff")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    try:
        if args.input:
            reader = spark.read.option("header", True).option("inferSchema", True)
            history = reader.parquet(args.input) if args.input.endswith(".parquet") else reader.csv(args.input)
        else:
            history = spark.createDataFrame(synthetic_history(args.queues))
        plan = run(spark, history, args.out, args.horizon)
        n_queues = plan.select("queue").distinct().count()
        print(f"{plan.count()} intervals for {n_queues} queues written to {args.out}")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
