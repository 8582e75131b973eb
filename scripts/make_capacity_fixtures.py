#!/usr/bin/env python3
"""Writes the daily-volume fixtures of the long-range tests (tests/fixtures/capacity/, issue #15).

Run from the repository root, given the Anonymous Bank's VRU arrivals per 30-min bin
(`interval_start,offered`, 1999-01-01 .. 1999-09-30; the Technion SEE Center data as packaged in
the R package Rfssa, see tests/fixtures/capacity/README.md):

    python3 scripts/make_capacity_fixtures.py VRU_30MIN.csv

1. `anonbank_vru_daily_1999.csv`: the Anonymous Bank's VRU arrivals (every call entering the
   bank's phone system, all services) summed per day, 1999-01-01 .. 1999-09-30 (273 days) —
   real data, the Technion SEE "Anonymous Bank" log as packaged in the R package Rfssa (GPL >= 2).
2. `synthetic_daily_offered.csv`: 1,251 days (3.4 years, nominal dates from 2020-01-06) of a
   synthetic center whose weekly pattern is the bank's (median VRU arrivals per weekday, above),
   with a stated annual season, trend, a level shift and noise — nothing fitted to any other file:

       offered[d] = 1000 · w[weekday(d)] · (1 + 0.15·sin(2π(doy − 80)/365.25)
                                            + 0.05·cos(4π·doy/365.25))
                    · (1 + 0.08·t/365) · (0.88 if t ≥ 900 else 1) · exp(u[week] + e[d])

   t = days since the start, doy = day of the year, w = weekday median ÷ mean of the 7 medians,
   u an AR(1) weekly level (φ = 0.8, σ = 0.04), e daily noise N(0, 0.06²); Python's
   `random.Random(20240601)`; offered rounded to whole calls. aht_seconds = round(180 · (1 +
   0.04·sin(2π·doy/365.25)) · exp(N(0, 0.03²))).
"""
import csv
import datetime as dt
import math
import random
import statistics
import sys
from collections import defaultdict

if len(sys.argv) != 2:
    sys.exit("usage: python3 scripts/make_capacity_fixtures.py VRU_30MIN.csv")
SRC = sys.argv[1]
OUT = "tests/fixtures/capacity/"

daily = defaultdict(float)
with open(SRC, newline="") as f:
    for r in csv.DictReader(f):
        daily[r["interval_start"][:10]] += float(r["offered"])
days = sorted(daily)
with open(OUT + "anonbank_vru_daily_1999.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["interval_start", "offered"])
    for d in days:
        v = daily[d]
        w.writerow([d, int(v) if v == int(v) else v])

by_wd = defaultdict(list)
for d in days:
    by_wd[dt.date.fromisoformat(d).weekday()].append(daily[d])
med = [statistics.median(by_wd[k]) for k in range(7)]
mean = sum(med) / 7
wd = [m / mean for m in med]

rng = random.Random(20240601)
start = dt.date(2020, 1, 6)
u = 0.0
with open(OUT + "synthetic_daily_offered.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["interval_start", "offered", "aht_seconds"])
    for t in range(1251):
        d = start + dt.timedelta(days=t)
        if t % 7 == 0:
            u = 0.8 * u + rng.gauss(0.0, 0.04)
        doy = d.timetuple().tm_yday
        season = 1 + 0.15 * math.sin(2 * math.pi * (doy - 80) / 365.25) + 0.05 * math.cos(
            4 * math.pi * doy / 365.25
        )
        level = (1 + 0.08 * t / 365) * (0.88 if t >= 900 else 1.0)
        offered = 1000 * wd[d.weekday()] * season * level * math.exp(u + rng.gauss(0.0, 0.06))
        aht = 180 * (1 + 0.04 * math.sin(2 * math.pi * doy / 365.25)) * math.exp(rng.gauss(0.0, 0.03))
        w.writerow([d.isoformat(), round(offered), round(aht)])
print("wrote", OUT + "anonbank_vru_daily_1999.csv", "and", OUT + "synthetic_daily_offered.csv")
