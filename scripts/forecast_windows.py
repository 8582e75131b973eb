#!/usr/bin/env python3
"""Forecast accuracy of `wfm backtest` against statsforecast peers on several windows.

The FORECAST.md protocol (weekly origins at Sunday midnight, each fitted from scratch on all
history before it, 7-day horizon, WAPE pooled over origins × intervals, forecasts clipped at 0)
applied to several different windows and series, so that an improvement is measured on more
than the development quarter:

  vru-q3   VRU arrivals, origins 1999-07-04 … 09-19 (the FORECAST.md task: the dev set)
  vru-q2   VRU arrivals, origins 1999-04-04 … 06-20 (held out)
  bh-q3    weekday (Mon–Fri) 07:00–21:00 rows of the VRU series, 12 days dropped, origins as vru-q3
  bh-q2    the same series, origins as vru-q2
  vru-ord  VRU arrivals, every Sunday origin 1999-02-28 … 09-19 whose scored week holds no
           special day (21 ordinary weeks)
  bh-ord   the business-hours series on the same ordinary weeks
  feb      per-queue `intervals_30min_by_queue.csv` (6 queues, ~1 month of history),
           origins 1999-01-31 … 02-21

The business-hours series is derived exactly as in `tests/forecast_targets.rs`
(`business_hours_csv`: same linear congruential sequence of dropped days). Every window except
`feb` (no special day in February) is run with and without `--calendar special_days_1999.csv`.

Peers (statsforecast, as in FORECAST.md): SeasonalNaive(336), SeasonalExponentialSmoothingOptimized(336),
MSTL([48, 336]) with its default AutoETS trend (with --mstl; slow), and the numpy weekly means
WA4w / WA8w. They see a gap-free 24 × 7 grid: closed intervals are 0 and a missing day is filled
with the same slot one week earlier; only intervals present in `wfm`'s input are scored, for
both. Peer results are cached (--cache) since they do not depend on `wfm`.

Stress tests (--transform NAME[,NAME…], issue #17): each window's series is first transformed
into a plausible other center or quarter, and the peers are recomputed on the transformed
series (cached under `window|transform`). Counts stay integers: scaling by a factor f draws
y·⌊f⌋ + Binomial(y, f − ⌊f⌋) (binomial thinning below 1), seeded, so every run is the same.
  level-up / level-down   × 1.4 / × 0.7 from the Wednesday of the 4th week after the first origin
  trend-up / trend-down   × 1.01^weeks / × 0.99^weeks (weeks since 1999-01-01)
  thin5 / thin20          binomially thinned to 1/5 / 1/20 of the calls
  x5                      Poisson(5 y): a center 5 × larger (its relative noise that of the
                          original plus Poisson noise; the sum of copies shifted by whole weeks
                          was tried and is not a stress: the next week is 4/5 known)
  short8                  only the 8 weeks before the first origin are kept
  gaps                    10 % of the days before the last origin absent, and 3 % of the other
                          intervals (absent intervals of a present day read as closed in `wfm`)
  clock+6 / clock-8       every timestamp moved by +6 / −8 hours (another time zone's day)
Calendars are not meaningful after some transforms: --calendar no runs without it only.

Usage:
  python3 -m venv /tmp/sf && /tmp/sf/bin/pip install statsforecast
  /tmp/sf/bin/python scripts/forecast_windows.py --wfm target/release/wfm [--mstl] [--models auto,mean-8w]
  /tmp/sf/bin/python scripts/forecast_windows.py --wfm target/debug/wfm --calendar no \
      --windows vru-q3,vru-q2,bh-q3,bh-q2 --transform none,level-up,thin20,clock+6
Prints one row per window and calendar setting: the best peer's name and WAPE, each `wfm`
model's WAPE and its ratio to the best peer, and the first model's 80 % interval coverage and
the seconds `wfm` reports (prepare + fit + selection + predict over the origins; use a release
binary for timing).
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# The landing checkout sits beside `shared/` (as the tests assume); override with --data.
DEFAULT_DATA = os.environ.get(
    "WFM_ANONBANK", os.path.join(HERE, "..", "..", "shared", "data", "anonbank"))
W = 336
D = 48
T0 = dt.datetime(1999, 1, 1)


def weekly(first, n):
    t = dt.datetime.fromisoformat(first)
    return [t + dt.timedelta(days=7 * k) for k in range(n)]


def dropped_days():
    """Days (index from 1999-01-01) dropped from the business-hours series, as in
    tests/forecast_targets.rs."""
    state, out = 12345, set()
    while len(out) < 12:
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out.add((state >> 33) % 273)
    return out


TRANSFORMS = ["none", "level-up", "level-down", "trend-up", "trend-down", "thin5", "thin20",
              "x5", "short8", "gaps", "clock+6", "clock-8"]


def scale_counts(rng, v, f):
    """Integer counts scaled by f: v·⌊f⌋ + Binomial(v, f − ⌊f⌋)."""
    k = np.floor(f)
    return v * k + rng.binomial(v.astype(np.int64), f - k)


def transform_rows(rows, name, origins):
    """The rows (timestamp, queue, value) of one window's series after the stress transform."""
    if name == "none":
        return rows
    rng = np.random.default_rng(17)
    ts = [dt.datetime.fromisoformat(r[0]) for r in rows]
    v = np.array([float(r[2]) for r in rows])
    keep = np.ones(len(rows), dtype=bool)
    if name in ("level-up", "level-down"):
        at = origins[0] + dt.timedelta(days=24)
        f = np.array([(1.4 if name == "level-up" else 0.7) if t >= at else 1.0 for t in ts])
        v = scale_counts(rng, v, f)
    elif name in ("trend-up", "trend-down"):
        g = 1.01 if name == "trend-up" else 0.99
        v = scale_counts(rng, v, np.array([g ** ((t - T0).days / 7.0) for t in ts]))
    elif name in ("thin5", "thin20"):
        v = scale_counts(rng, v, np.full(len(v), 0.2 if name == "thin5" else 0.05))
    elif name == "x5":
        v = rng.poisson(5.0 * v).astype(float)
    elif name == "short8":
        keep = np.array([t >= origins[0] - dt.timedelta(days=56) for t in ts])
    elif name == "gaps":
        days = sorted({t.date() for t in ts if t < origins[-1]})
        gone = set(d for d in days if rng.random() < 0.10)
        keep = np.array([not (t.date() in gone or (t < origins[-1] and rng.random() < 0.03))
                         for t in ts])
    elif name.startswith("clock"):
        h = dt.timedelta(hours=int(name[5:]))
        ts = [t + h for t in ts]
        keep = np.array([t >= T0 for t in ts])
    else:
        raise SystemExit(f"unknown transform {name!r} (one of {', '.join(TRANSFORMS)})")
    return [(t.isoformat(), r[1], f"{x:.0f}") for t, r, x, k in zip(ts, rows, v, keep) if k]


def read_csv(path):
    rows = []
    with open(path) as f:
        head = f.readline().strip().split(",")
        it, iq, io = head.index("interval_start"), head.index("queue"), head.index("offered")
        for line in f:
            c = line.rstrip("\n").split(",")
            rows.append((c[it], c[iq], c[io]))
    return rows


def series_from_rows(rows, queues):
    """Per queue: values on the full 30-min grid from the first day (NaN where there is no
    row) and the present mask."""
    last = max(dt.datetime.fromisoformat(r[0]) for r in rows)
    n = int((last - T0).total_seconds() // 1800) + 1
    n = (n + D - 1) // D * D
    ys = {q: np.full(n, np.nan) for q in queues}
    for ts, q, v in rows:
        i = int((dt.datetime.fromisoformat(ts) - T0).total_seconds() // 1800)
        ys[q][i] = float(v)
    return ys


def peer_grid(y):
    """Gap-free input for the peers: a day without any row is filled from one week earlier;
    a missing interval inside a present day is closed (0)."""
    g = y.copy()
    days = len(g) // D
    for j in range(days):
        day = g[j * D:(j + 1) * D]
        if np.all(np.isnan(day)):
            if j >= 7:
                g[j * D:(j + 1) * D] = g[(j - 7) * D:(j - 6) * D]
        else:
            day[np.isnan(day)] = 0.0
    return np.nan_to_num(g)


def ordinary_weeks(cal):
    """Every Sunday origin from 1999-02-28 (8 weeks of history) to 1999-09-19 whose 7 scored
    days hold no special day of the calendar: the ordinary weeks most of a planner's year is
    made of (the history before them may hold special days)."""
    with open(cal) as f:
        f.readline()
        special = {dt.date.fromisoformat(line.split(",")[0]) for line in f if line.strip()}
    out = []
    for o in weekly("1999-02-28", 30):
        if all((o + dt.timedelta(days=d)).date() not in special for d in range(7)):
            out.append(o)
    return out


def make_windows(data, tmp):
    vru = read_csv(os.path.join(data, "vru_arrivals_30min.csv"))
    cal = os.path.join(data, "special_days_1999.csv")
    drop = dropped_days()
    bh_rows = []
    for ts, _, v in vru:
        t = dt.datetime.fromisoformat(ts)
        day = (t.date() - T0.date()).days
        if t.isoweekday() <= 5 and 7 <= t.hour < 21 and day not in drop:
            bh_rows.append((ts, "BH", v))
    bh_path = os.path.join(tmp, "bh.csv")
    with open(bh_path, "w") as f:
        f.write("interval_start,queue,offered\n")
        for r in bh_rows:
            f.write(",".join(r) + "\n")
    feb = read_csv(os.path.join(data, "intervals_30min_by_queue.csv"))
    feb_queues = sorted({r[1] for r in feb})
    series = {
        "vru": (os.path.join(data, "vru_arrivals_30min.csv"),
                series_from_rows([(t, "VRU", v) for t, _, v in vru], ["VRU"]),
                [(t, "VRU", v) for t, _, v in vru]),
        "bh": (bh_path, series_from_rows(bh_rows, ["BH"]), bh_rows),
        "feb": (os.path.join(data, "intervals_30min_by_queue.csv"),
                series_from_rows(feb, feb_queues), feb),
    }
    return [
        ("vru-q3", "vru", weekly("1999-07-04", 12), cal),
        ("vru-q2", "vru", weekly("1999-04-04", 12), cal),
        ("bh-q3", "bh", weekly("1999-07-04", 12), cal),
        ("bh-q2", "bh", weekly("1999-04-04", 12), cal),
        ("feb", "feb", weekly("1999-01-31", 4), None),
        ("vru-ord", "vru", ordinary_weeks(cal), cal),
        ("bh-ord", "bh", ordinary_weeks(cal), cal),
    ], series


def score(pairs):
    a = sum(y for y, _ in pairs)
    return sum(abs(y - max(f, 0.0)) for y, f in pairs) / a


def peer_forecasts(y, origins, mstl):
    """Forecasts of each peer at each origin (index), 336 steps."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, SeasonalExponentialSmoothingOptimized, SeasonalNaive

    g = peer_grid(y)
    # A history that starts later (a shorter one) is given to the peers from its first day.
    s0 = int(np.argmax(~np.isnan(y))) // D * D
    models = [SeasonalNaive(season_length=W), SeasonalExponentialSmoothingOptimized(season_length=W)]
    if mstl:
        models.append(MSTL(season_length=[D, W]))
    out = {}
    for o in origins:
        df = pd.DataFrame({"unique_id": "s", "y": g[s0:o],
                           "ds": pd.date_range(T0 + dt.timedelta(minutes=30 * s0),
                                               periods=o - s0, freq="30min")})
        fc = StatsForecast(models=models, freq="30min", n_jobs=1).forecast(df=df, h=W)
        for m in models:
            out.setdefault(repr(m), []).append(fc[repr(m)].to_numpy())
        for k in (4, 8):
            if o - s0 < k * W:
                continue
            f = np.mean([g[o - i * W:o - i * W + W] for i in range(1, k + 1)], axis=0)
            out.setdefault(f"WA{k}w", []).append(f)
    return out


def peers(key, ys, origins, cache, mstl):
    key = f"{key}{'+mstl' if mstl else ''}"
    if key in cache:
        return cache[key]
    idx = [int((o - T0).total_seconds() // 1800) for o in origins]
    pairs = {}
    for q, y in ys.items():
        for m, fcs in peer_forecasts(y, idx, mstl).items():
            for o, f in zip(idx, fcs):
                act = y[o:o + W]
                pairs.setdefault(m, []).extend(
                    (a, b) for a, b in zip(act, f) if not np.isnan(a))
    # A peer that could not forecast at every origin (WA8w with 4 weeks of history) is left out.
    full = max(len(p) for p in pairs.values())
    cache[key] = {m: score(p) for m, p in pairs.items() if len(p) == full}
    return cache[key]


def run_wfm(wfm, history, origins, calendar, models):
    cmd = [wfm, "backtest", "--history", history, "--origins",
           ",".join(o.isoformat() for o in origins), "--horizon", "7d",
           "--model", ",".join(models), "--format", "json"]
    if calendar:
        cmd += ["--calendar", calendar]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wfm", default=os.path.join(HERE, "..", "target", "release", "wfm"))
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--models", default="auto")
    ap.add_argument("--mstl", action="store_true", help="add MSTL to the peers (≈ 1 min a window)")
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "wfm_peer_cache.json"))
    ap.add_argument("--windows", default="", help="comma-separated subset of window names")
    ap.add_argument("--transform", default="none",
                    help="comma-separated stress transforms: " + ", ".join(TRANSFORMS))
    ap.add_argument("--calendar", default="both", choices=["both", "no"],
                    help="run with and without the calendar, or without only")
    args = ap.parse_args()
    models = args.models.split(",")
    cache = json.load(open(args.cache)) if os.path.exists(args.cache) else {}
    with tempfile.TemporaryDirectory() as tmp:
        windows, series = make_windows(args.data, tmp)
        only = set(filter(None, args.windows.split(",")))
        print("window,transform,calendar,best_peer,peer_wape," + ",".join(
            f"{m}_wape,{m}_ratio" for m in models) + f",{models[0]}_cover80,{models[0]}_seconds")
        for tr in args.transform.split(","):
            for name, kind, origins, cal in windows:
                if only and name not in only:
                    continue
                run_window(args, models, cache, tr, name, origins,
                           cal if args.calendar == "both" else None, series[kind], tmp)


def run_window(args, models, cache, tr, name, origins, cal, series, tmp):
    """One window under one transform: peers (cached) and `wfm`, one row per calendar setting."""
    path, ys, rows = series
    if tr != "none":
        rows = transform_rows(rows, tr, origins)
        path = os.path.join(tmp, f"{name}_{tr}.csv")
        with open(path, "w") as f:
            f.write("interval_start,queue,offered\n")
            for r in rows:
                f.write(",".join(r) + "\n")
        ys = series_from_rows(rows, sorted({r[1] for r in rows}))
    pw = peers(name if tr == "none" else f"{name}|{tr}", ys, origins, cache, args.mstl)
    json.dump(cache, open(args.cache, "w"), indent=1, sort_keys=True)
    best = min(pw, key=pw.get)
    for c in ([None, cal] if cal else [None]):
        rep = run_wfm(args.wfm, path, origins, c, models)
        by = {s["model"]: s for s in rep}
        cells = [f"{by[m]['wape']:.4f},{by[m]['wape'] / pw[best]:.3f}" for m in models]
        first = by[models[0]]
        cells.append(f"{first['coverage80']:.3f},{first['seconds']:.3f}")
        print(f"{name},{tr},{'yes' if c else 'no'},{best},{pw[best]:.4f}," + ",".join(cells))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
