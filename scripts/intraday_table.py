#!/usr/bin/env python3
"""The intraday table of docs/forecast.md: rest-of-day WAPE of `wfm backtest` restarted at
11:00, 12:00 and 14:00 (the reforecast, which uses the morning's arrivals) ÷ the WAPE of the
day-ahead (midnight) forecast of the same intervals, pooled over the origins.

Series: the VRU arrivals (all hours) on every day of 1999-04-05 … 06-27 and 07-05 … 09-26
(168 origins), and the weekday 07:00–21:00 business-hours series derived from it as
`scripts/forecast_windows.py` and `tests/common/business_hours.rs` do (12 days dropped; its days
among those: 114 origins), each without and with `--calendar special_days_1999.csv`. "normal"
= the origins whose day is not in the calendar.

Usage: WFM_ANONBANK=DIR python3 scripts/intraday_table.py --wfm target/release/wfm
Prints one CSV row per series × calendar × origin time.
"""

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forecast_windows import DEFAULT_DATA, make_windows  # noqa: E402

TIMES = [("12:00", "12h"), ("11:00", "13h"), ("14:00", "10h")]


def days():
    out = []
    for first in (dt.date(1999, 4, 5), dt.date(1999, 7, 5)):
        out += [first + dt.timedelta(days=k) for k in range(84)]
    return out


def run(wfm, history, origins, calendar, horizon, tmp):
    out = os.path.join(tmp, "rows.csv")
    cmd = [wfm, "backtest", "--history", history, "--horizon", horizon, "--model", "auto",
           "--origins", ",".join(origins), "--out", out]
    if calendar:
        cmd += ["--calendar", calendar]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        return list(csv.DictReader(f))


def ratio(rows, keep):
    err = ahead = 0.0
    for r in rows:
        if keep(r["origin"][:10]):
            a = float(r["actual"])
            err += abs(a - max(float(r["forecast"]), 0.0))
            ahead += abs(a - max(float(r["day_ahead"]), 0.0))
    return err / ahead, ahead


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wfm", default="target/release/wfm")
    ap.add_argument("--data", default=DEFAULT_DATA)
    args = ap.parse_args()
    cal = os.path.join(args.data, "special_days_1999.csv")
    with open(cal) as f:
        special = {r["date"] for r in csv.DictReader(f)}
    with tempfile.TemporaryDirectory() as tmp:
        make_windows(args.data, tmp)
        bh = os.path.join(tmp, "bh.csv")
        with open(bh) as f:
            bh_days = {line[:10] for line in f}
        series = [("VRU", os.path.join(args.data, "vru_arrivals_30min.csv"), days()),
                  ("business hours", bh, [d for d in days() if d.isoformat() in bh_days])]
        print("series,calendar,time,origins,ratio,day_ahead_wape,normal_origins,normal_ratio")
        for name, history, ds in series:
            for calendar in (None, cal):
                for time, horizon in TIMES:
                    origins = [f"{d.isoformat()}T{time}:00" for d in ds]
                    rows = run(args.wfm, history, origins, calendar, horizon, tmp)
                    total = sum(float(r["actual"]) for r in rows)
                    r_all, ahead = ratio(rows, lambda d: True)
                    r_norm, _ = ratio(rows, lambda d: d not in special)
                    n_norm = sum(1 for d in ds if d.isoformat() not in special)
                    print(f"{name},{'yes' if calendar else 'no'},{time},{len(origins)},"
                          f"{r_all:.3f},{ahead / total:.4f},{n_norm},{r_norm:.3f}", flush=True)


if __name__ == "__main__":
    main()
