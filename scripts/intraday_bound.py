#!/usr/bin/env python3
"""What any update of the day-ahead forecast from the morning's arrivals can reach on *normal*
days (docs/forecast.md, *Intraday reforecast*, "What bounds it").

Runs `wfm backtest --model auto --horizon 24h` from every midnight of 1999-04-05 … 06-27 and
07-05 … 09-26 (the 168 days of the intraday table) on the VRU arrivals without a calendar, keeps
the days that the calendar does not list, and scores the afternoon (12:00–24:00) of the day-ahead
forecast `F` against the actual `A`, pooled WAPE, as ratios to the day-ahead's own WAPE:

- `perfect level`: every afternoon scaled by its own actual ÷ forecast total (an oracle);
- `level, window W`: the afternoon × (1 + β m), m = the last W hours' actual ÷ forecast − 1 of the
  same morning, β the single value on a 0.05 grid that fits *these same days* best (in-sample,
  so an optimistic bound for a rule that must learn β from the past);
- `level per slot, window W`: a separate in-sample β for each afternoon slot;
- `log, two windows`: exp(b1 ln r_3h + b2 ln r_morning), b1 and b2 in-sample;
- `ridge`: the afternoon's log level regressed (ridge, λ = 1, the intercept not shrunk) on the log
  ratios of the last 1, 2 and 3 h and of the whole morning, of 06:00–09:00, of yesterday's
  afternoon and of yesterday, and the weekday — in-sample and leave-one-out;
- the Poisson floor: the WAPE of Poisson draws around the actual counts (seed 1).

Usage: WFM_ANONBANK=DIR python3 scripts/intraday_bound.py --wfm target/release/wfm
(~5 s with a release build). Needs numpy.
"""

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intraday_table import days  # noqa: E402  (the 168 days of the intraday table)

NOON = 24  # slot index of 12:00 on the 30-min grid


def day_ahead(wfm, data, tmp):
    out = os.path.join(tmp, "rows.csv")
    origins = ",".join(f"{d}T00:00:00" for d in days())
    cmd = [wfm, "backtest", "--history", os.path.join(data, "vru_arrivals_30min.csv"),
           "--horizon", "24h", "--model", "auto", "--origins", origins, "--out", out]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    grid = {}
    with open(out, newline="") as f:
        for r in csv.DictReader(f):
            day, t = r["interval_start"].split("T")
            slot = int(t[:2]) * 2 + int(t[3:5]) // 30
            a, fc = grid.setdefault(day, ([0.0] * 48, [0.0] * 48))
            a[slot], fc[slot] = float(r["actual"]), float(r["forecast"])
    return grid


def best_scalar(score, grid):
    return min((score(b), b) for b in grid)


def bounds(A, F):
    aft = slice(NOON, 48)
    base = np.abs(A[:, aft] - F[:, aft]).sum()
    rows = [("day-ahead afternoon WAPE", base / A[:, aft].sum())]
    level = A[:, aft].sum(1) / F[:, aft].sum(1)
    rows.append(("perfect level (oracle)", np.abs(A[:, aft] - F[:, aft] * level[:, None]).sum() / base))
    betas = np.linspace(0.0, 1.5, 31)
    for hours in (12, 3, 2):
        w = 2 * hours
        m = A[:, NOON - w:NOON].sum(1) / np.maximum(F[:, NOON - w:NOON].sum(1), 1e-9) - 1
        err, b = best_scalar(
            lambda b: np.abs(A[:, aft] - F[:, aft] * (1 + b * m)[:, None]).sum(), betas)
        corr = np.corrcoef(m, level - 1)[0, 1]
        rows.append((f"level, last {hours} h (beta {b:.2f}, corr {corr:.2f})", err / base))
        per_slot = sum(best_scalar(lambda b: np.abs(A[:, s] - F[:, s] * (1 + b * m)).sum(), betas)[0]
                       for s in range(NOON, 48))
        rows.append((f"level per slot, last {hours} h", per_slot / base))
    r3 = np.log((A[:, NOON - 6:NOON].sum(1) + 1) / (F[:, NOON - 6:NOON].sum(1) + 1))
    rm = np.log((A[:, :NOON].sum(1) + 1) / (F[:, :NOON].sum(1) + 1))
    best = min((np.abs(A[:, aft] - F[:, aft] * np.exp(b1 * r3 + b2 * rm)[:, None]).sum(), b1, b2)
               for b1 in np.linspace(0, 1.2, 25) for b2 in np.linspace(-0.6, 0.8, 29))
    rows.append((f"log, last 3 h and morning (b {best[1]:.2f}, {best[2]:.2f})", best[0] / base))
    draws = np.random.default_rng(1).poisson(A[:, aft])
    rows.append(("Poisson floor WAPE", np.abs(draws - A[:, aft]).sum() / A[:, aft].sum()))
    return rows


def regression_bound(A, F, grid, ds, lam=1.0):
    """The `ridge` rows: in-sample and leave-one-out afternoon WAPE ÷ day-ahead. `A`, `F`: the
    days `ds` as rows (whole days); `grid` also gives each day's previous day."""
    def lr(a, f):
        return np.log((a.sum() + 1) / (f.sum() + 1))

    def features(i, d):
        a, f = A[i], F[i]
        prev = str(dt.date.fromisoformat(d) - dt.timedelta(days=1))
        # Without yesterday's rows its two terms are 0 (ratio 1).
        ap, fp = (np.array(grid[prev][0]), np.array(grid[prev][1])) if prev in grid else (a, a)
        wd = dt.date.fromisoformat(d).weekday()
        return ([1.0] + [lr(a[NOON - w:NOON], f[NOON - w:NOON]) for w in (2, 4, 6, NOON)]
                + [lr(a[12:18], f[12:18]), lr(ap[NOON:], fp[NOON:]), lr(ap, fp)]
                + [float(wd == k) for k in range(6)])

    X = np.array([features(i, d) for i, d in enumerate(ds)])
    Aa, Fa = A[:, NOON:], F[:, NOON:]
    y = np.log(Aa.sum(1) / Fa.sum(1))
    base = np.abs(Aa - Fa).sum()
    penalty = lam * np.eye(X.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk

    def fit(m):
        return np.linalg.solve(X[m].T @ X[m] + penalty, X[m].T @ y[m])

    def score(pred):
        return np.abs(Aa - Fa * np.exp(pred)[:, None]).sum() / base

    every = np.ones(len(ds), bool)
    loo = np.array([X[i] @ fit(np.arange(len(ds)) != i) for i in range(len(ds))])
    return [("ridge on morning windows, yesterday, weekday: in-sample", score(X @ fit(every))),
            ("ridge on morning windows, yesterday, weekday: leave-one-out", score(loo))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wfm", required=True)
    args = ap.parse_args()
    data = os.environ.get("WFM_ANONBANK")
    if not data:
        sys.exit("set WFM_ANONBANK to the anonbank data directory")
    with open(os.path.join(data, "special_days_1999.csv"), newline="") as f:
        special = {r["date"] for r in csv.DictReader(f)}
    with tempfile.TemporaryDirectory() as tmp:
        grid = day_ahead(args.wfm, data, tmp)
    normal = [str(d) for d in days() if str(d) not in special]
    sets = [("normal days", normal),
            ("normal Sun-Thu", [d for d in normal
                                if dt.date.fromisoformat(d).weekday() not in (4, 5)])]
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["days", "measure", "value"])
    for name, ds in sets:
        A = np.array([grid[d][0] for d in ds])
        F = np.array([grid[d][1] for d in ds])
        for label, value in bounds(A, F) + regression_bound(A, F, grid, ds):
            out.writerow([f"{name} ({len(ds)})", label, f"{value:.3f}"])


if __name__ == "__main__":
    main()
