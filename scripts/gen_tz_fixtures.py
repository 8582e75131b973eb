#!/usr/bin/env python3
"""Generates the daylight-saving fixtures of tests/tz_days.rs (issue #12, build item 5).

Two synthetic call logs of one queue (PS) with UTC instants (`...Z`), each spanning nine
local days of America/New_York around a US clock change of 1999:

  fallback_calls.csv       1999-10-24 .. 1999-11-01 (local), fall-back night 1999-10-31
  springforward_calls.csv  1999-03-28 .. 1999-04-05 (local), spring-forward night 1999-04-04

Every half-hour of elapsed time has at least one call (so every interval of every local day,
the repeated and the skipped hour included, is open); more calls in the local daytime.
Next to each log, `<name>_zoneinfo.csv` holds `interval_start,offered,answered`: the calls
(and the answered ones) counted per half-hour of the local clock by Python's zoneinfo (an implementation of the tz database
independent of chrono-tz), interval starts written with their UTC offset (RFC 3339) -- the
counts `wfm ingest calls --tz America/New_York --interval 30m` and `wfm audit --tz` must
reproduce.

`clock_days.csv` holds `zone,date,interval_start`: every half-hour of four local clock-change
days of 1999 as zoneinfo enumerates them (America/New_York 1999-04-04 and 1999-10-31,
Europe/Berlin 1999-03-28 and 1999-10-31: 46 or 50 each), the intervals `wfm schedule --tz` must
plan and write, in elapsed order.

Standard library only; deterministic (fixed seed). Run from the repository root:
    python3 scripts/gen_tz_fixtures.py tests/fixtures/tz
"""
import datetime as dt
import os
import random
import sys
import zoneinfo

ZONE = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.timezone.utc
HALF = dt.timedelta(minutes=30)


def local_midnight(d):
    return dt.datetime(d.year, d.month, d.day, tzinfo=ZONE).astimezone(UTC)


def write(out_dir, name, first_day, days, seed):
    rng = random.Random(seed)
    t, end = local_midnight(first_day), local_midnight(first_day + dt.timedelta(days=days))
    counts = {}
    rows = []
    while t < end:
        hour = t.astimezone(ZONE).hour
        n = 1 + rng.randrange(2) + (rng.randrange(4, 9) if 8 <= hour < 20 else 0)
        for _ in range(n):
            u = t + dt.timedelta(seconds=rng.randrange(1800))
            rows.append(u)
            loc = u.astimezone(ZONE)
            start = loc.replace(minute=loc.minute // 30 * 30, second=0)
            key = start.isoformat()
            counts[key] = counts.get(key, 0) + 1
        t += HALF
    rows.sort()
    answered = {}
    with open(os.path.join(out_dir, f"{name}_calls.csv"), "w", newline="\n") as f:
        f.write("call_id,queue,arrival_time,outcome,wait_seconds,handle_seconds\n")
        for i, u in enumerate(rows):
            outcome = "abandoned" if rng.random() < 0.05 else "answered"
            wait = rng.randrange(90)
            handle = 0 if outcome == "abandoned" else rng.randrange(60, 420)
            if outcome == "answered":
                loc = u.astimezone(ZONE)
                key = loc.replace(minute=loc.minute // 30 * 30, second=0).isoformat()
                answered[key] = answered.get(key, 0) + 1
            f.write(f"c{i},PS,{u:%Y-%m-%dT%H:%M:%S}Z,{outcome},{wait},{handle}\n")
    with open(os.path.join(out_dir, f"{name}_zoneinfo.csv"), "w", newline="\n") as f:
        f.write("interval_start,offered,answered\n")
        for k in sorted(counts, key=lambda k: dt.datetime.fromisoformat(k)):
            f.write(f"{k},{counts[k]},{answered.get(k, 0)}\n")


def write_clock_days(out_dir, days):
    with open(os.path.join(out_dir, "clock_days.csv"), "w", newline="\n") as f:
        f.write("zone,date,interval_start\n")
        for name, d in days:
            z = zoneinfo.ZoneInfo(name)
            t = dt.datetime(d.year, d.month, d.day, tzinfo=z).astimezone(UTC)
            end = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), tzinfo=z).astimezone(UTC)
            while t < end:
                f.write(f"{name},{d},{t.astimezone(z).isoformat()}\n")
                t += HALF


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/tz"
    write(out, "fallback", dt.date(1999, 10, 24), 9, 7)
    write(out, "springforward", dt.date(1999, 3, 28), 9, 11)
    write_clock_days(out, [
        ("America/New_York", dt.date(1999, 4, 4)),
        ("America/New_York", dt.date(1999, 10, 31)),
        ("Europe/Berlin", dt.date(1999, 3, 28)),
        ("Europe/Berlin", dt.date(1999, 10, 31)),
    ])
