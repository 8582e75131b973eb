#!/usr/bin/env python3
"""An independent simulation of a multi-skill plan (issue #20, docs/multiskill.md).

Written from the routing rules in docs/simulate.md, sharing no code with `wfm`: Poisson arrivals
at `offered / interval` per queue and interval, handle times lognormal (or exponential) with the
interval's AHT as mean and the queue's CV, exponential patience, groups serving queues in
priority levels (a free agent takes the longest-waiting call of its best non-empty level), an
arriving call goes to the idle group where its queue has the best priority, then the group with
the fewest skills ("most-specialised"); the queue carries over between intervals; staffing drops
take idle agents at the boundary and busy agents when their call ends; calls count in the
interval they arrive in; after the last interval the last staffing serves the calls left.

Usage:
  python3 scripts/multiskill_independent_sim.py CONFIG.toml DEMAND.csv PLAN.csv CHECK.csv \
      [--reps 30] [--seed 1] [--min-offered 5]

Prints per queue the mean simulated SL (answered within the threshold / offered, mean over
replications, per interval) beside the plan's check (`wfm staff --check`, or the per-interval
output of `wfm evaluate --config CONFIG.toml --format csv`), and the mean absolute
and signed differences over busy intervals (demand >= --min-offered calls).
"""

import argparse
import collections
import csv
import heapq
import math
import random
import tomllib
from datetime import datetime


def load(args):
    cfg = tomllib.load(open(args.config, "rb"))
    thr = cfg.get("simulate", {}).get("sl_threshold_seconds", 20)
    queues = []
    shape = {}
    for q in cfg.get("queues", []):
        queues.append(q["name"])
        s = q.get("service", {"dist": "exponential"})
        p = q.get("patience", {"dist": "none"})
        shape[q["name"]] = (
            s.get("cv", 1.0) if s["dist"] == "lognormal" else None,
            p.get("mean_seconds") if p["dist"] == "exponential" else None,
        )
    groups = []
    for name, g in cfg["groups"].items():
        levels = [[x] if isinstance(x, str) else list(x) for x in g.get("queues", g.get("serves"))]
        groups.append((name, levels))
    demand = collections.defaultdict(dict)
    stamps = set()
    for r in csv.DictReader(open(args.demand)):
        t = datetime.fromisoformat(r["interval_start"])
        stamps.add(t)
        aht = float(r["aht_seconds"]) if r["aht_seconds"] else 0.0
        demand[r["queue"]][t] = (float(r["offered"]), aht)
    grid = sorted(stamps)
    plan = collections.defaultdict(dict)
    for r in csv.DictReader(open(args.plan)):
        # `wfm staff` output (agents) or a group schedule's coverage.csv (scheduled)
        agents = r["agents"] if "agents" in r else r["scheduled"]
        plan[r["group"]][datetime.fromisoformat(r["interval_start"])] = int(agents)
    return thr, queues, shape, groups, demand, grid, plan


def replicate(rng, thr, queues, shape, groups, demand, grid, plan):
    secs = (grid[1] - grid[0]).total_seconds()
    n = len(grid)
    qi = {q: i for i, q in enumerate(queues)}
    prio = []  # per group: list of levels of queue indices
    for _, levels in groups:
        prio.append([[qi[q] for q in lvl] for lvl in levels])
    # servers per queue, most-specialised order: (priority level, number of skills, index)
    servers = []
    for q in range(len(queues)):
        c = []
        for g, levels in enumerate(prio):
            for lv, lvl in enumerate(levels):
                if q in lvl:
                    c.append((lv, sum(len(x) for x in levels), g))
        servers.append([g for _, _, g in sorted(c)])
    staff = [[plan[name].get(t, 0) for t in grid] for name, _ in groups]
    events = []  # (time, seq, kind, data)
    seq = 0

    def push(t, kind, data):
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, kind, data))

    offered = [[0] * n for _ in queues]
    good = [[0] * n for _ in queues]
    # arrivals: pre-generate per queue
    for q, name in enumerate(queues):
        for i, t in enumerate(grid):
            off, aht = demand[name].get(t, (0.0, 0.0))
            if off <= 0:
                continue
            rate = off / secs
            x = i * secs + rng.expovariate(rate)
            while x < (i + 1) * secs:
                push(x, 0, (q, i, aht))
                x += rng.expovariate(rate)
    for i in range(1, n):
        push(i * secs, 2, i)
    idle = [staff[g][0] for g in range(len(groups))]
    busy = [0] * len(groups)
    leaving = [0] * len(groups)
    waiting = [collections.deque() for _ in queues]  # (arrival, deadline, ivl, aht)

    def service(q, aht):
        cv = shape[queues[q]][0]
        if cv is None:
            return rng.expovariate(1.0 / aht)
        s2 = math.log(1 + cv * cv)
        return rng.lognormvariate(math.log(aht) - s2 / 2, math.sqrt(s2))

    def start(g, q, arr, ivl, aht, now):
        if now - arr <= thr:
            good[q][ivl] += 1
        busy[g] += 1
        push(now + service(q, aht), 1, g)

    def take(g, now):
        for lvl in prio[g]:
            best = None
            for q in lvl:
                w = waiting[q]
                while w and w[0][1] <= now:
                    w.popleft()
                if w and (best is None or w[0][0] < waiting[best][0][0]):
                    best = q
            if best is not None:
                arr, _, ivl, aht = waiting[best].popleft()
                start(g, best, arr, ivl, aht, now)
                return True
        return False

    while events:
        now, _, kind, data = heapq.heappop(events)
        if kind == 0:
            q, ivl, aht = data
            offered[q][ivl] += 1
            pm = shape[queues[q]][1]
            deadline = now + rng.expovariate(1.0 / pm) if pm else math.inf
            for g in servers[q]:
                if idle[g] > 0:
                    idle[g] -= 1
                    start(g, q, now, ivl, aht, now)
                    break
            else:
                waiting[q].append((now, deadline, ivl, aht))
        elif kind == 1:
            g = data
            busy[g] -= 1
            if leaving[g] > 0:
                leaving[g] -= 1
            elif not take(g, now):
                idle[g] += 1
        else:
            i = data
            for g in range(len(groups)):
                target = staff[g][i]
                eff = idle[g] + busy[g] - leaving[g]
                if target > eff:
                    add = target - eff
                    stay = min(add, leaving[g])
                    leaving[g] -= stay
                    add -= stay
                    for _ in range(add):
                        if not take(g, now):
                            idle[g] += 1
                elif target < eff:
                    rm = eff - target
                    out = min(rm, idle[g])
                    idle[g] -= out
                    leaving[g] += rm - out
    return offered, good


def main():
    ap = argparse.ArgumentParser()
    for a in ("config", "demand", "plan", "check"):
        ap.add_argument(a)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-offered", type=float, default=5.0)
    args = ap.parse_args()
    thr, queues, shape, groups, demand, grid, plan = load(args)
    rng = random.Random(args.seed)
    sums = [[0.0] * len(grid) for _ in queues]
    cnt = [[0] * len(grid) for _ in queues]
    for _ in range(args.reps):
        off, good = replicate(rng, thr, queues, shape, groups, demand, grid, plan)
        for q in range(len(queues)):
            for i in range(len(grid)):
                if off[q][i] > 0:
                    sums[q][i] += good[q][i] / off[q][i]
                    cnt[q][i] += 1
    check = {}
    for r in csv.DictReader(open(args.check)):
        if r["service_level"]:
            key = (r["queue"], datetime.fromisoformat(r["interval_start"]))
            # `wfm staff --check` names the target sl_target, `wfm evaluate` target
            target = r.get("sl_target", r.get("target")) or 0
            check[key] = (float(r["service_level"]), float(target))
    print("queue,busy_intervals,independent_sl,check_sl,mean_abs_diff_pp,mean_diff_pp,below_target")
    for q, name in enumerate(queues):
        diffs, ind, chk, below = [], [], [], 0
        for i, t in enumerate(grid):
            off = demand[name].get(t, (0.0, 0.0))[0]
            if off < args.min_offered or cnt[q][i] == 0 or (name, t) not in check:
                continue
            s = sums[q][i] / cnt[q][i]
            c, target = check[(name, t)]
            ind.append(s)
            chk.append(c)
            diffs.append(s - c)
            below += s < target
        m = len(diffs)
        print(
            f"{name},{m},{sum(ind)/m:.4f},{sum(chk)/m:.4f},"
            f"{100*sum(abs(d) for d in diffs)/m:.2f},{100*sum(diffs)/m:.2f},{below}"
        )


if __name__ == "__main__":
    main()
