"""Clean base inputs for the hardening battery (written independently of the repo's fixtures)."""
import random, datetime as dt, os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(16)
start = dt.date(2026, 1, 4)  # Sunday
DAYS = 28
rows = []
cid = 0
for d in range(DAYS):
    day = start + dt.timedelta(days=d)
    for q, base in (("A", 60), ("B", 25)):
        n = int(base * (0.6 if day.weekday() >= 5 else 1.0)) + rng.randint(0, 5)
        for _ in range(n):
            sec = rng.randint(8 * 3600, 18 * 3600 - 1)
            t = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=sec)
            cid += 1
            wait = rng.choice([0, 0, 0, 5, 12, 30, 45, 90])
            if rng.random() < 0.08:
                rows.append(f"C{cid},{q},{t:%Y-%m-%d %H:%M:%S},abandoned,{wait + 3},,")
            else:
                rows.append(f"C{cid},{q},{t:%Y-%m-%d %H:%M:%S},answered,{wait},{rng.randint(60, 400)},AG{rng.randint(1, 9)}")
rows.sort(key=lambda r: r.split(",")[2])
with open(f"{out}/calls.csv", "w") as f:
    f.write("call_id,queue,arrival_time,outcome,wait_seconds,handle_seconds,agent\n")
    f.write("\n".join(rows) + "\n")
# agent states for the last 14 days, 30-min, agents AG1..AG6 on 08:00-18:00
with open(f"{out}/states.csv", "w") as f:
    f.write("interval_start,agent,scheduled_seconds,logged_in_seconds,talk_seconds,hold_seconds,acw_seconds,ready_seconds,break_seconds,calls_handled\n")
    for d in range(DAYS):
        day = start + dt.timedelta(days=d)
        for h in range(16, 36):
            t = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=30 * h)
            for a in range(1, 7):
                talk = rng.randint(600, 1400)
                f.write(f"{t:%Y-%m-%dT%H:%M:%S},AG{a},1800,1800,{talk},0,100,{1800 - talk - 100 - 60},60,{rng.randint(2, 6)}\n")
with open(f"{out}/shifts.toml", "w") as f:
    f.write('''schema_version = 1
interval = "30m"
week_wraps = true
max_shifts_per_day = 50

[[template]]
name = "day"
length = "8h"
start_earliest = "07:00"
start_latest = "11:00"
start_step = "30m"
cost_per_hour = 1.0

[[template.break]]
name = "lunch"
length = "30m"
earliest = "3h"
latest = "5h"
paid = false
''')
with open(f"{out}/scen.toml", "w") as f:
    f.write('''schema_version = 1

[[scenario]]
name = "volume +10%"
volume = 1.1

[[scenario]]
name = "aht +20s"
aht_delta_seconds = 20
''')
with open(f"{out}/staffing.toml", "w") as f:
    f.write('''schema_version = 1
[defaults]
model = "erlang-c"
sl_target = 0.8
sl_seconds = 20
max_occupancy = 0.9
shrinkage = 0.2
''')
with open(f"{out}/capreq.csv", "w") as f:
    f.write("week_start,required_fte\n")
    for w in range(30):
        f.write(f"{start + dt.timedelta(weeks=w)},{20 + (w % 5)}.0\n")
with open(f"{out}/plan.toml", "w") as f:
    f.write(f'''schema_version = 1
start = "{start}"
weeks = 26
requirement = "capreq.csv"
initial_productive = 18.0
annual_attrition = 0.3
shrinkage = 0.3
max_headcount = 40
[training]
weeks = 2
attrition = 0.02
ramp = [0.5, 0.8]
[hiring]
class_starts = [0, 4, 8, 12, 16, 20]
min_class = 1
max_class = 6
[costs]
hire = 3000.0
class = 8000.0
wage = 800.0
overtime = 1200.0
max_overtime = 0.10
under = 50000.0
''')
