#!/usr/bin/env python3
"""A synthetic generic call log for memory and speed measurements (issue #11):
N calls spread over Q queues x D days, arrivals 07:00-21:00, fixed seed.

    python3 scripts/gen_call_log.py 10000 100 100 > calls_10k.csv
    /usr/bin/time -v wfm ingest calls calls_10k.csv --interval 5m --format csv > out.csv
"""
import datetime
import random
import sys

n, queues, days = (int(a) for a in sys.argv[1:4]) if len(sys.argv) == 4 else (10000, 100, 100)
rng = random.Random(11)
start = datetime.datetime(2024, 1, 1)
out = sys.stdout
out.write("call_id,queue,arrival_time,outcome,wait_seconds,handle_seconds\n")
for i in range(n):
    q, d = i % queues, (i // queues) % days
    t = start + datetime.timedelta(days=d, seconds=rng.randint(7 * 3600, 21 * 3600))
    abandoned = rng.random() < 0.1
    wait = rng.randint(0, 120)
    handle = 0 if abandoned else rng.randint(60, 600)
    outcome = "abandoned" if abandoned else "answered"
    out.write(f"{i},Q{q:03d},{t:%Y-%m-%dT%H:%M:%S},{outcome},{wait},{handle}\n")
