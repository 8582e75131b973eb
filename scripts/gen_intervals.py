#!/usr/bin/env python3
"""A synthetic staffing input for memory and speed measurements (issue #11): QUEUES queues x
INTERVALS 30-minute intervals from 2024-01-01 00:00, one row per queue and interval, in the
shape `wfm staff` reads (`interval_start,queue,offered,aht_seconds`). With --bounds it adds a
forecast's prediction bounds (`lo80,hi80,lo95,hi95`), so that `p_meet_target` is computed.
Fixed seed: the same arguments print the same bytes.

    python3 scripts/gen_intervals.py 100 10000 > intervals_1m.csv
    /usr/bin/time -v wfm staff --input intervals_1m.csv --format csv > plan.csv
"""
import datetime
import random
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
bounds = "--bounds" in sys.argv[1:]
if len(args) != 2:
    sys.exit("usage: gen_intervals.py QUEUES INTERVALS [--bounds]")
queues, intervals = (int(a) for a in args)
rng = random.Random(11)
start = datetime.datetime(2024, 1, 1)
step = datetime.timedelta(minutes=30)
out = sys.stdout
out.write("interval_start,queue,offered,aht_seconds")
out.write(",lo80,hi80,lo95,hi95\n" if bounds else "\n")
for i in range(intervals):
    t = (start + i * step).strftime("%Y-%m-%dT%H:%M:%S")
    hour = (i % 48) / 2
    # A daily shape: busy 08:00-20:00, quiet at night.
    base = 40.0 if 8 <= hour < 20 else 4.0
    for q in range(queues):
        offered = round(base * rng.uniform(0.5, 1.5), 1)
        aht = rng.randint(120, 420) if offered > 0 else ""
        out.write(f"{t},Q{q:03d},{offered},{aht}")
        if bounds:
            out.write(f",{offered * 0.85:.2f},{offered * 1.15:.2f},{offered * 0.75:.2f},{offered * 1.25:.2f}\n")
        else:
            out.write("\n")
