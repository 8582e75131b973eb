#!/usr/bin/env python3
"""Hardening battery for `wfm` (issue #16), written outside the repository.

Every case runs one command on a bad input (or absurd flag, or hostile --out) and checks:
  * exit code in {1, 2, 3} with stderr naming the file (and a line number where one exists), or
    exit 0 with outputs byte-equal to the same command on the clean equivalent input;
  * never exit >= 128 / a signal / a panic (101);
  * wall clock <= --time-limit + 2 s, or 60 s without one;
  * every input file and symlink unchanged; outputs refused are not half-written.

usage: run.py [--bin PATH] [--filter SUBSTR] [--jobs N] [--list]
"""
import argparse, concurrent.futures as cf, hashlib, os, re, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "base")
RUN = os.path.join(HERE, "run")
ANY = "ANY"  # exit 0 is fine whatever the output (e.g. a plan under a zero time limit)


class Case:
    def __init__(self, name, argv, files=None, clean=None, names=None, line=False, limit=None,
                 outs=(), setup=None, post=None, warn=None, max_err=20000):
        self.name, self.argv, self.files, self.clean = name, argv, files or {}, clean
        self.names, self.line, self.limit, self.outs = names, line, limit, list(outs)
        self.setup, self.post, self.warn, self.max_err = setup, post, warn, max_err


def rd(name):
    with open(os.path.join(BASE, name), "rb") as f:
        return f.read()


def lines(b):
    return b.split(b"\n")


def join(ls):
    return b"\n".join(ls)


def set_field(b, row, col, val):
    ls = lines(b)
    hdr = ls[0].split(b",")
    c = hdr.index(col.encode()) if isinstance(col, str) else col
    fs = ls[row].split(b",")
    fs[c] = val if isinstance(val, bytes) else str(val).encode()
    ls[row] = b",".join(fs)
    return join(ls)


def drop_row(b, row):
    ls = lines(b)
    del ls[row]
    return join(ls)


def data_row(b, pred):
    for i, l in enumerate(lines(b)):
        if i > 0 and pred(l):
            return i
    raise SystemExit("no row")


# ---------------------------------------------------------------- CSV mutations
def csv_mutations(b, numcol, timecol="interval_start", rowsel=None, per_record=False):
    """(tag, bad bytes, clean-equivalent bytes or None, needs line) for one CSV input.

    per_record: a record-level defect is rejected with accounting (ingest): the clean equivalent is
    the file without that record."""
    ls = lines(b)
    r = rowsel if rowsel is not None else min(len(ls) - 2, 40)
    hdr = ls[0].split(b",")
    rej = (lambda row: drop_row(b, row)) if per_record else (lambda row: None)
    out = []
    out.append(("empty", b"", None, False))
    out.append(("header_only", ls[0] + b"\n", None, False))
    out.append(("bom", b"\xef\xbb\xbf" + b, b, False))
    out.append(("crlf", b.replace(b"\n", b"\r\n"), b, False))
    out.append(("cr_only", b.replace(b"\n", b"\r"), b, False))
    out.append(("semicolon", b.replace(b",", b";"), b, False))
    out.append(("tab", b.replace(b",", b"\t"), b, False))
    out.append(("blank_lines", join(ls[:r] + [b""] + ls[r:]), b, False))
    out.append(("no_final_newline", b.rstrip(b"\n"), b, False))
    cut = join(ls[:r]) + b"\n" + ls[r][: len(ls[r]) // 3]
    out.append(("truncated", cut, join(ls[:r]) + b"\n" if per_record else None, True))
    for tag, v in [("nan", b"NaN"), ("inf", b"inf"), ("neg", b"-5"), ("huge", b"1e308"),
                   ("text", b"12abc"), ("nonutf8", b"1\xff\xfe"), ("empty_cell", b"")]:
        if tag == "empty_cell" and per_record:
            continue
        out.append((f"{tag}_{numcol}", set_field(b, r, numcol, v), rej(r), True))
    out.append(("huge_field", set_field(b, r, numcol, b"9" * 200000), rej(r), True))
    out.append(("dup_row", join(ls[: r + 1] + [ls[r]] + ls[r + 1:]), b if per_record else None, True))
    if timecol:
        t = ls[r].split(b",")[hdr.index(timecol.encode())]
        if t.endswith(b":00:00") or t.endswith(b":30:00"):
            off = t[:-5] + b"15:00" if t.endswith(b"00:00") else t[:-5] + b"45:00"
            out.append(("mixed_15min_row", join(ls[: r + 1] + [ls[r].replace(t, off)] + ls[r + 1:]),
                        None, True))
            off = t[:-5] + b"10:00" if t.endswith(b"00:00") else t[:-5] + b"40:00"
            out.append(("offgrid_row", join(ls[: r + 1] + [ls[r].replace(t, off)] + ls[r + 1:]),
                        None, True))
        out.append(("year1_row", join(ls[:1] + [ls[1].replace(t[:4], b"0001", 1)] + ls[1:]),
                    None, True))
        out.append(("bad_date", set_field(b, r, timecol, b"2026-02-30T08:00:00"), rej(r), True))
    # drop a required column
    c = hdr.index(numcol.encode())
    dropped = join([b",".join(f for j, f in enumerate(l.split(b",")) if j != c) if l else l for l in ls])
    out.append((f"missing_col_{numcol}", dropped, None, False))
    out.append(("dup_header", join([ls[0] + b"," + numcol.encode()] +
                                   [l + b"," + l.split(b",")[c] if l else l for l in ls[1:]]), None, False))
    out.append(("extra_col", join([ls[0] + b",zzz_extra"] + [l + b",x" if l else l for l in ls[1:]]), b, False))
    out.append(("shuffled", join([ls[0]] + sorted([l for l in ls[1:] if l], reverse=True)) + b"\n", b, False))
    out.append(("binary_garbage", bytes(range(256)) * 20, None, False))
    return out


# ---------------------------------------------------------------- the cases
def cases():
    C = []
    hist, fc, staff, states, calls = rd("hist.csv"), rd("fc.csv"), rd("staff.csv"), rd("states.csv"), rd("calls.csv")
    busy = lambda l: l.startswith(b"2026-01-2") and b"T10:00:00,A," in l
    hist_r = data_row(hist, busy)
    fc_r = data_row(fc, lambda l: b"T10:00:00,A," in l and l.split(b",")[2] not in (b"0", b"0.000"))
    staff_r = data_row(staff, lambda l: b"T10:00:00,A," in l and l.split(b",")[2] not in (b"0", b"0.000"))
    states_r = data_row(states, lambda l: b"T10:00:00,AG1," in l)

    # every CSV input slot: (command tag, argv, slot file, numeric column, row, per_record)
    slots = [
        ("ingest_intervals", ["ingest", "intervals", "hist.csv", "--format", "csv"], "hist.csv", "offered", hist_r, False, hist),
        ("ingest_calls", ["ingest", "calls", "calls.csv", "--format", "csv"], "calls.csv", "wait_seconds", 40, True, calls),
        ("forecast", ["forecast", "--history", "hist.csv", "--horizon", "7d", "--model", "seasonal-naive-week", "--format", "csv"], "hist.csv", "offered", hist_r, False, hist),
        ("backtest", ["backtest", "--history", "hist.csv", "--origins", "2026-01-25", "--model", "seasonal-naive-week", "--format", "csv"], "hist.csv", "offered", hist_r, False, hist),
        ("staff_input", ["staff", "--input", "fc.csv", "--config", "staffing.toml", "--format", "csv"], "fc.csv", "forecast", fc_r, False, fc),
        ("staff_aht", ["staff", "--input", "fc.csv", "--config", "staffing.toml", "--format", "csv"], "fc.csv", "aht_forecast", fc_r, False, fc),
        ("staff_history", ["staff", "--input", "fc.csv", "--model", "erlang-a", "--max-abandon", "0.05", "--history", "hist.csv", "--format", "csv"], "hist.csv", "abandoned", hist_r, False, hist),
        ("scenario", ["scenario", "--input", "fc.csv", "--scenarios", "scen.toml", "--config", "staffing.toml", "--format", "csv"], "fc.csv", "forecast", fc_r, False, fc),
        ("simulate_demand", ["simulate", "--demand", "fc.csv", "--staffing", "staff.csv", "--reps", "3", "--level", "day", "--format", "csv"], "fc.csv", "forecast", fc_r, False, fc),
        ("simulate_staffing", ["simulate", "--demand", "fc.csv", "--staffing", "staff.csv", "--reps", "3", "--level", "day", "--format", "csv"], "staff.csv", "agents", staff_r, False, staff),
        ("schedule_req", ["schedule", "--requirement", "staff.csv", "--shifts", "shifts.toml", "--from", "2026-02-01", "--days", "7", "--node-limit", "50", "--out", "sched", "--format", "csv"], "staff.csv", "agents", staff_r, False, staff),
        ("evaluate_demand", ["evaluate", "--demand", "fc.csv", "--schedule", "sched", "--format", "csv"], "fc.csv", "forecast", fc_r, False, fc),
        ("calibrate_actuals", ["calibrate", "--actuals", "hist.csv", "--agent-states", "states.csv", "--bootstrap", "5", "--out", "cal_out.toml"], "hist.csv", "offered", hist_r, False, hist),
        ("calibrate_states", ["calibrate", "--actuals", "hist.csv", "--agent-states", "states.csv", "--bootstrap", "5", "--out", "cal_out.toml"], "states.csv", "logged_in_seconds", states_r, False, states),
        ("audit_actuals", ["audit", "--period", "2026-01", "--actuals", "hist.csv", "--agent-states", "states.csv", "--format", "csv"], "hist.csv", "offered", hist_r, False, hist),
        ("audit_states", ["audit", "--period", "2026-01", "--actuals", "hist.csv", "--agent-states", "states.csv", "--format", "csv"], "states.csv", "talk_seconds", states_r, False, states),
        ("audit_planned", ["audit", "--period", "2026-01", "--actuals", "hist.csv", "--planned", "plan_jan.csv", "--section", "staffing", "--format", "csv"], "plan_jan.csv", "agents", None, False, None),
    ]
    for tag, argv, slot, col, row, per_rec, data in slots:
        if data is None:
            data = rd(slot)
            row = data_row(data, lambda l: b"T10:00:00,A," in l)
        outs = ["cal_out.toml"] if "calibrate" in tag else (["sched"] if tag == "schedule_req" else [])
        for mtag, bad, clean, needs_line in csv_mutations(data, col, None if tag == "ingest_calls" else "interval_start", row, per_rec):
            C.append(Case(f"{tag}/{mtag}", argv, {slot: bad}, None if clean is None else {slot: clean},
                          names=slot, line=needs_line, outs=outs,
                          warn=(slot, row) if per_rec and clean is not None and needs_line else None))
    # ingest calls: record-level defects specific to call logs
    cl = lines(calls)
    r = 50
    for mtag, col, v in [("outcome_x", "outcome", b"transferred"), ("arrival_bad", "arrival_time", b"2026-01-32 10:00:00"),
                         ("handle_huge", "handle_seconds", b"1e308"), ("wait_huge", "wait_seconds", b"1e300"),
                         ("queue_empty", "queue", b"")]:
        C.append(Case(f"ingest_calls/{mtag}", ["ingest", "calls", "calls.csv", "--format", "csv"],
                      {"calls.csv": set_field(calls, r, col, v)}, {"calls.csv": drop_row(calls, r)},
                      names="calls.csv", line=True, warn=("calls.csv", r)))
    allbad = join([cl[0]] + [l.replace(b",answered,", b",zzz,").replace(b",abandoned,", b",zzz,") for l in cl[1:]])
    C.append(Case("ingest_calls/all_rejected", ["ingest", "calls", "calls.csv", "--format", "csv"],
                  {"calls.csv": allbad}, None, names="calls.csv", line=True))
    C.append(Case("ingest_calls/dup_across_files", ["ingest", "calls", "calls.csv", "calls2.csv", "--format", "csv"],
                  {"calls2.csv": join(cl[:1] + cl[30:31]) + b"\n"}, {"__argv__": ["ingest", "calls", "calls.csv", "--format", "csv"]}, names="calls.csv", line=True))
    C.append(Case("ingest_calls/same_file_twice", ["ingest", "calls", "calls.csv", "calls.csv", "--format", "csv"],
                  {}, {"__argv__": ["ingest", "calls", "calls.csv", "--format", "csv"]}, names="calls.csv"))
    C.append(Case("ingest_calls/strict_one_bad", ["ingest", "calls", "calls.csv", "--strict", "--out", "o.csv"],
                  {"calls.csv": set_field(calls, r, "outcome", b"zz")}, None, names="calls.csv", line=True, outs=["o.csv"],
                  post=lambda d, res: ["o.csv written under --strict"] if os.path.exists(os.path.join(d, "o.csv")) else []))
    C.append(Case("calibrate_calls/bad_record", ["calibrate", "--actuals", "hist.csv", "--agent-states", "states.csv", "--calls", "calls.csv", "--bootstrap", "5", "--out", "cal_out.toml"],
                  {"calls.csv": set_field(calls, r, "wait_seconds", b"NaN")}, {"calls.csv": drop_row(calls, r)}, names="calls.csv", line=True, outs=["cal_out.toml"]))
    C.append(Case("calibrate_calls/empty", ["calibrate", "--actuals", "hist.csv", "--agent-states", "states.csv", "--calls", "calls.csv", "--bootstrap", "5", "--out", "cal_out.toml"],
                  {"calls.csv": b""}, None, names="calls.csv", outs=["cal_out.toml"]))

    C += toml_cases()
    C += flag_cases()
    C += out_cases()
    C += heavy_cases()
    return C


def toml_edit(name, old, new):
    b = rd(name)
    assert old.encode() in b, (name, old)
    return b.replace(old.encode(), new.encode(), 1)


def toml_cases():
    C = []
    staff = ["staff", "--input", "fc.csv", "--config", "staffing.toml", "--format", "csv"]
    for v in ["1.0", "0.0", "-0.5", "nan", "inf", "1e308", '"80%"']:
        C.append(Case(f"staffing_toml/sl_target={v}", staff, {"staffing.toml": toml_edit("staffing.toml", "sl_target = 0.8", f"sl_target = {v}")},
                      {"staffing.toml": rd("staffing.toml").replace(b"sl_target = 0.8", b"sl_target = 0")} if v == "0.0" else None,
                      names="staffing.toml"))
    for key, old, vals in [("sl_seconds", "sl_seconds = 20", ["0", "-1", "1e308", "nan", '"20 seconds"']),
                           ("max_occupancy", "max_occupancy = 0.9", ["0", "1.5", "nan", "-1"]),
                           ("shrinkage", "shrinkage = 0.2", ["1.0", "-0.1", "nan", "1e308"])]:
        for v in vals:
            C.append(Case(f"staffing_toml/{key}={v}", staff, {"staffing.toml": toml_edit("staffing.toml", old, f"{key} = {v}")}, None, names="staffing.toml"))
    for extra in ["asa_seconds = 0", "asa_seconds = 1e308", "patience_seconds = 1e308", "concurrency = 0", "concurrency = 1e9",
                  'model = "erlang-q"', "unknown_key = 1", "max_abandon = 0"]:
        C.append(Case(f"staffing_toml/{extra}", staff, {"staffing.toml": toml_edit("staffing.toml", "[defaults]\n", f"[defaults]\n{extra}\n")}, None, names="staffing.toml"))
    C.append(Case("staffing_toml/fte_hours_0", staff, {"staffing.toml": toml_edit("staffing.toml", "[defaults]", "[fte]\nhours_per_day = 0\n[defaults]")}, None, names="staffing.toml"))
    C.append(Case("staffing_toml/nonutf8", staff, {"staffing.toml": rd("staffing.toml") + b"# \xff\xfe\n"}, None, names="staffing.toml"))
    C.append(Case("staffing_toml/empty", staff, {"staffing.toml": b""}, ANY, names="staffing.toml"))
    C.append(Case("staffing_toml/syntax", staff, {"staffing.toml": b"[defaults\nsl_target = 0.8\n"}, None, names="staffing.toml", line=True))
    # scenarios
    sc = ["scenario", "--input", "fc.csv", "--scenarios", "scen.toml", "--config", "staffing.toml", "--format", "csv"]
    for v in ["1e9", "0", "-1", "nan", "inf", "1e308"]:
        C.append(Case(f"scen_toml/volume={v}", sc, {"scen.toml": toml_edit("scen.toml", "volume = 1.1", f"volume = {v}")},
                      ANY if v == "0" else None, names="scen.toml"))
    for v in ["-1000", "1e308", "nan"]:
        C.append(Case(f"scen_toml/aht_delta={v}", sc, {"scen.toml": toml_edit("scen.toml", "aht_delta_seconds = 20", f"aht_delta_seconds = {v}")}, None, names="scen.toml"))
    C.append(Case("scen_toml/empty", sc, {"scen.toml": b""}, None, names="scen.toml"))
    C.append(Case("scen_toml/dup_name", sc, {"scen.toml": rd("scen.toml").replace(b"aht +20s", b"volume +10%")}, None, names="scen.toml"))
    C.append(Case("scen_toml/sl_target=1", sc, {"scen.toml": rd("scen.toml") + b'\n[[scenario]]\nname = "x"\nsl_target = 1.0\n'}, None, names="scen.toml"))
    # shifts
    sch = ["schedule", "--requirement", "staff.csv", "--shifts", "shifts.toml", "--from", "2026-02-01", "--days", "7", "--node-limit", "50", "--out", "sched", "--format", "csv"]
    for old, new in [('length = "8h"', 'length = "0m"'), ('length = "8h"', 'length = "8 hours"'), ('length = "8h"', 'length = "100h"'),
                     ('length = "8h"', 'length = "8h10m"'), ('interval = "30m"', 'interval = "7m"'), ('interval = "30m"', 'interval = "0m"'),
                     ('start_step = "30m"', 'start_step = "0m"'), ('start_earliest = "07:00"', 'start_earliest = "25:00"'),
                     ("cost_per_hour = 1.0", "cost_per_hour = nan"), ("cost_per_hour = 1.0", "cost_per_hour = -1"),
                     ("cost_per_hour = 1.0", "cost_per_hour = 1e308"), ("max_shifts_per_day = 50", "max_shifts_per_day = 0"),
                     ("max_shifts_per_day = 50", "max_shifts_per_day = -5"), ('latest = "5h"', 'latest = "9h"'),
                     ("schema_version = 1", "schema_version = 99")]:
        C.append(Case(f"shifts_toml/{new}", sch, {"shifts.toml": toml_edit("shifts.toml", old, new)},
                      ANY if new == "max_shifts_per_day = 0" else None, names="shifts.toml", outs=["sched"]))
    # capacity plan
    cap = ["capacity", "--plan", "plan.toml", "--format", "csv", "--time-limit", "10"]
    for old, new in [("weeks = 26", "weeks = 0"), ("weeks = 26", "weeks = 100000"), ("weeks = 26", "weeks = -1"),
                     ("annual_attrition = 0.3", "annual_attrition = 1.5"), ("annual_attrition = 0.3", "annual_attrition = nan"),
                     ("shrinkage = 0.3", "shrinkage = 1.0"), ("initial_productive = 18.0", "initial_productive = 1e308"),
                     ("initial_productive = 18.0", "initial_productive = -3"), ("max_headcount = 40", "max_headcount = 1e308"),
                     ("ramp = [0.5, 0.8]", "ramp = [0.5, 8.0]"), ("hire = 3000.0", "hire = 1e308"), ("hire = 3000.0", "hire = nan"),
                     ("class_starts = [0, 4, 8, 12, 16, 20]", "class_starts = [0, 4, 400]"), ("class_starts = [0, 4, 8, 12, 16, 20]", "class_starts = [4, 0]"),
                     ("min_class = 1", "min_class = 9"), ('requirement = "capreq.csv"', 'requirement = "nope.csv"'),
                     ('start = "2026-01-04"', 'start = "2026-02-30"')]:
        C.append(Case(f"plan_toml/{new}", cap, {"plan.toml": toml_edit("plan.toml", old, new)}, None,
                      names="nope.csv" if "nope" in new else "plan.toml"))
    creq = rd("capreq.csv")
    for mtag, bad in [("empty", b""), ("neg", set_field(creq, 5, "required_fte", b"-4")), ("nan", set_field(creq, 5, "required_fte", b"NaN")),
                      ("huge", set_field(creq, 5, "required_fte", b"1e308")), ("dup_week", join(lines(creq)[:6] + lines(creq)[5:])),
                      ("gap_week", drop_row(creq, 5)), ("not_week_start", set_field(creq, 5, "week_start", b"2026-02-03"))]:
        C.append(Case(f"capreq_csv/{mtag}", cap, {"capreq.csv": bad}, None, names="capreq.csv", line=mtag not in ("empty", "gap_week")))
    # calibration file given to staff
    stc = ["staff", "--input", "fc.csv", "--calibration", "cal.toml", "--format", "csv"]
    C.append(Case("cal_toml/empty", stc, {"cal.toml": b""}, None, names="cal.toml"))
    C.append(Case("cal_toml/garbage", stc, {"cal.toml": b"\xff\xfe[[[\n"}, None, names="cal.toml"))
    cal = rd("cal.toml")
    m = re.search(rb"patience_exp_mean_seconds = [0-9.e+]+", cal)
    if m:
        C.append(Case("cal_toml/patience_1e308", stc, {"cal.toml": cal.replace(m.group(0), m.group(0).split(b"=")[0] + b"= 1e308")}, None, names="cal.toml"))
    # agents file / leave for schedule
    agents = b"id,weekly_hours,availability,skills,preferences\n" + b"".join(b"G%02d,40,any,any,\n" % i for i in range(1, 13))
    scha = sch + ["--agents", "agents.csv"]
    for mtag, bad in [("weekly_hours_1e308", agents.replace(b"G03,40", b"G03,1e308")), ("weekly_hours_neg", agents.replace(b"G03,40", b"G03,-40")),
                      ("weekly_hours_nan", agents.replace(b"G03,40", b"G03,NaN")), ("avail_25h", agents.replace(b"G03,40,any", b"G03,40,25:00-21:00")),
                      ("dup_agent", agents + b"G03,40,any,any,\n"), ("empty", b""), ("header_only", agents.split(b"\n")[0] + b"\n")]:
        C.append(Case(f"agents_csv/{mtag}", scha, {"agents.csv": bad}, None, names="agents.csv", line=mtag not in ("empty", "header_only"), outs=["sched"]))
    return C


def flag_cases():
    C = []
    bads = ["0", "-1", "nan", "inf", "1e308", "99999999999999999999", ""]
    fl = [
        (["staff", "--input", "fc.csv", "--format", "csv"], [("--sl", ["100/20", "0/20", "80/0", "80/-5", "nan/20", "80/1e308", "80", "1e308/20"]),
                                                             ("--asa-seconds", bads), ("--max-occupancy", bads + ["1.5"]),
                                                             ("--shrinkage", bads[1:] + ["1", "1.0"]), ("--concurrency", bads),
                                                             ("--hours-per-fte-day", bads), ("--hours-per-fte-week", bads), ("--risk", bads + ["1"]),
                                                             ("--interval", ["0m", "7m", "-30m", "1e308m", "30", "99999999999m"])]),
        (["staff", "--input", "fc.csv", "--model", "erlang-a", "--format", "csv"], [("--patience-seconds", bads), ("--max-abandon", bads + ["1"])]),
        (["forecast", "--history", "hist.csv", "--model", "seasonal-naive-week", "--format", "csv"], [("--horizon", ["0d", "-1d", "100000d", "1e308d", "nan", "0", ""]), ("--inner-origins", ["0", "-1", "1000000000", ""]),
                                                                                                    ("--start", ["0001-01-01T00:00:00", "2026-13-01T00:00:00", "9999-12-31T00:00:00", "2026-01-04T00:10:00", ""]),
                                                                                                    ("--model", ["nope", "mean-0w", "mean-99999999w", "wmean--1w"])]),
        (["forecast", "--history", "hist.csv", "--grain", "week", "--format", "csv"], [("--horizon", ["0", "100000", "1e308", "-1"])]),
        (["backtest", "--history", "hist.csv", "--model", "seasonal-naive-week", "--format", "csv"], [("--origins", ["0001-01-01", "2026-01-25,2026-01-25", "2030-01-01", "2026-01-04", "nope", ""]),
                                                                                                    ("--horizon", ["0d", "100000d", "-1d"])]),
        (["backtest", "--history", "hist.csv", "--model", "seasonal-naive-week", "--from", "2026-01-18", "--to", "2026-01-25", "--format", "csv"], [("--every", ["0d", "-1d", "1e308d", "0m"])]),
        (["backtest", "--history", "hist.csv", "--model", "seasonal-naive-week", "--every", "1d", "--format", "csv"], [("--from", ["1000-01-01"]),]),
        (["simulate", "--demand", "fc.csv", "--staffing", "staff.csv", "--level", "day", "--format", "csv"], [("--reps", ["0", "-1", "1e308", "1000000000", ""]), ("--seed", ["-1", "nan", "1e308"]),
                                                                                                          ("--threshold-seconds", bads), ("--patience-seconds", bads),
                                                                                                          ("--retrial-probability", ["-0.1", "1.5", "nan", "1"])]),
        (["schedule", "--requirement", "staff.csv", "--shifts", "shifts.toml", "--from", "2026-02-01", "--out", "sched", "--format", "csv"], [("--days", ["0", "-1", "100000", "1e308", ""]), ("--node-limit", ["-1", "1e308", "nan"]),
                                                                                                                                           ("--mip-gap", ["-1", "nan", "inf", "1e308"]), ("--budget", bads),
                                                                                                                                           ("--time-limit", ["-1", "nan", "inf", "1e308", "99999999999999999999"])]),
        (["schedule", "--requirement", "staff.csv", "--shifts", "shifts.toml", "--days", "7", "--out", "sched", "--format", "csv"], [("--from", ["2026-02-30", "0000-01-01", "2030-01-01", ""])]),
        (["capacity", "--plan", "plan.toml", "--format", "csv"], [("--time-limit", ["-1", "nan", "inf", "1e308", "99999999999999999999"])]),
        (["calibrate", "--actuals", "hist.csv", "--agent-states", "states.csv", "--out", "cal_out.toml"], [("--bootstrap", ["-1", "1e308", "1000000000", ""]), ("--threshold", bads), ("--min-offered", ["-1", "nan", "1e308"])]),
        (["audit", "--period", "2026-01", "--actuals", "hist.csv", "--format", "csv"], [("--sl", ["100/20", "0/20", "80/0"]), ("--patience", bads), ("--sim-reps", ["-1", "1e308", "1000000000"])]),
        (["audit", "--actuals", "hist.csv", "--format", "csv"], [("--period", ["2026-13", "0000-01", "2026-1", "", "2030-01"])]),
        (["ingest", "calls", "calls.csv", "--format", "csv"], [("--interval", ["0m", "7m", "-30m", "1e308m", "1440m"]), ("--sl", ["80/0", "80/-1", "80/nan", "80/1e308"])]),
        (["ingest", "intervals", "hist.csv", "--format", "csv"], [("--interval", ["0m", "7m", "15m", "60m"])]),
        (["evaluate", "--demand", "fc.csv", "--schedule", "sched", "--format", "csv"], [("--sl", ["100/20", "80/0"]), ("--shrinkage", ["1", "-1", "nan"])]),
        (["forecast", "--history", "hist.csv", "--model", "seasonal-naive-week", "--format", "csv"], [("--threads", ["-1", "1e308", "100000"])]),
    ]
    for base, flags in fl:
        for flag, vals in flags:
            for v in vals:
                clean = None
                if flag == "--threads" and v == "100000":
                    clean = ANY
                if flag == "--risk" and v == "1":
                    clean = None
                if (flag, v) in (("--sl", "100/20"),) and base[0] == "audit":
                    clean = ANY  # a KPI target of 100 % is a target, not a staffing
                if flag == "--threshold-seconds" and v == "0":
                    clean = ANY  # the share answered without waiting
                if flag == "--period" and v == "2026-1":
                    clean = {"__argv__": base + [flag, "2026-01"]}
                if base[0] == "ingest" and flag == "--interval" and v in ("60m", "1440m"):
                    clean = None
                C.append(Case(f"flag/{base[0]}{'_' + base[1] if base[0] == 'ingest' else ''}/{flag}={v}", base + [flag, v], {}, clean,
                              names=(v.split(",")[0] or flag) if flag == "--origins" else flag.lstrip("-").split("-")[0].rstrip("s"), outs=["sched", "cal_out.toml"]))
    return C


def link(src, dst):
    def f(d):
        os.symlink(src, os.path.join(d, dst))
    return f


def keep_link(name, target, content=None):
    def f(d, res):
        p = os.path.join(d, name)
        errs = []
        if not os.path.islink(p) or os.readlink(p) != target:
            errs.append(f"symlink {name} replaced")
        return errs
    return f


def out_cases():
    C = []
    single = [
        ("ingest_calls", ["ingest", "calls", "calls.csv"]),
        ("forecast", ["forecast", "--history", "hist.csv", "--horizon", "7d", "--model", "seasonal-naive-week"]),
        ("staff", ["staff", "--input", "fc.csv", "--config", "staffing.toml"]),
        ("scenario", ["scenario", "--input", "fc.csv", "--scenarios", "scen.toml", "--config", "staffing.toml"]),
        ("simulate", ["simulate", "--demand", "fc.csv", "--staffing", "staff.csv", "--reps", "3", "--level", "day"]),
        ("capacity", ["capacity", "--plan", "plan.toml", "--time-limit", "10"]),
        ("audit", ["audit", "--period", "2026-01", "--actuals", "hist.csv"]),
        ("evaluate", ["evaluate", "--demand", "fc.csv", "--schedule", "sched"]),
        ("backtest", ["backtest", "--history", "hist.csv", "--origins", "2026-01-25", "--model", "seasonal-naive-week", "--format", "csv"]),
        ("calibrate", ["calibrate", "--actuals", "hist.csv", "--agent-states", "states.csv", "--bootstrap", "5"]),
    ]
    for tag, argv in single:
        inp = next(a for a in argv if a.endswith(".csv") or a.endswith(".toml"))
        ext = ".toml" if tag == "calibrate" else ".csv"
        C.append(Case(f"out/{tag}/onto_input", argv + ["--out", inp], {}, None, names=inp))
        C.append(Case(f"out/{tag}/onto_dir", argv + ["--out", "adir" + ext], {}, None, names="adir",
                      setup=(lambda e: lambda d: os.mkdir(os.path.join(d, "adir" + e)))(ext)))
        C.append(Case(f"out/{tag}/missing_dir", argv + ["--out", "nodir/o" + ext], {}, {"__out_plain__": "o" + ext}, outs=["nodir/o" + ext]))
        C.append(Case(f"out/{tag}/symlink_new", argv + ["--out", "ln" + ext], {}, {"__out_plain__": "tgt" + ext},
                      setup=link("tgt" + ext, "ln" + ext), post=keep_link("ln" + ext, "tgt" + ext), outs=["ln" + ext, "tgt" + ext]))
        C.append(Case(f"out/{tag}/symlink_to_input", argv + ["--out", "ln" + ext], {}, None, names="ln",
                      setup=link(inp, "ln" + ext), post=keep_link("ln" + ext, inp), outs=["ln" + ext]))
        C.append(Case(f"out/{tag}/symlink_to_dev_null", argv + ["--out", "ln" + ext], {}, ANY,
                      setup=link("/dev/null", "ln" + ext), post=keep_link("ln" + ext, "/dev/null"), outs=["ln" + ext]))
    # output sets: a later file of the set is refused → the earlier ones not written
    def set_post(paths):
        def f(d, res):
            if res == 0:
                return []
            return [f"partial set: {p} written though the command failed" for p in paths if os.path.exists(os.path.join(d, p)) and open(os.path.join(d, p), "rb").read() != b"OLD"]
        return f
    def mk(paths, dirs):
        def f(d):
            for p in dirs:
                os.makedirs(os.path.join(d, p), exist_ok=True)
            for p in paths:
                os.makedirs(os.path.dirname(os.path.join(d, p)), exist_ok=True)
                open(os.path.join(d, p), "wb").write(b"OLD")
        return f
    C.append(Case("outset/forecast_meta_is_dir", ["forecast", "--history", "hist.csv", "--horizon", "7d", "--model", "seasonal-naive-week", "--out", "f.csv"], {}, None,
                  names="f.csv", setup=mk(["f.csv"], ["f.csv.meta.json"]), post=set_post(["f.csv"]), outs=["f.csv", "f.csv.meta.json"]))
    C.append(Case("outset/staff_totals_is_dir", ["staff", "--input", "fc.csv", "--out", "s.csv", "--totals", "t.csv"], {}, None,
                  names="t.csv", setup=mk(["s.csv"], ["t.csv"]), post=set_post(["s.csv"]), outs=["s.csv", "t.csv"]))
    C.append(Case("outset/staff_meta_is_dir", ["staff", "--input", "fc.csv", "--out", "s.csv", "--totals", "t.csv"], {}, None,
                  names="s.csv", setup=mk(["t.csv", "s.csv"], ["s.csv.meta.json"]), post=set_post(["s.csv", "t.csv"]), outs=["s.csv", "t.csv", "s.csv.meta.json"]))
    C.append(Case("outset/schedule_summary_is_dir", ["schedule", "--requirement", "staff.csv", "--shifts", "shifts.toml", "--from", "2026-02-01", "--days", "7", "--node-limit", "50", "--out", "so"], {}, None,
                  names="summary.json", setup=mk(["so/plan.csv", "so/coverage.csv"], ["so/summary.json"]), post=set_post(["so/plan.csv", "so/coverage.csv"]), outs=["so"]))
    C.append(Case("outset/schedule_out_is_file", ["schedule", "--requirement", "staff.csv", "--shifts", "shifts.toml", "--from", "2026-02-01", "--days", "7", "--node-limit", "50", "--out", "staff.csv"], {}, None, names="staff.csv"))
    C.append(Case("outset/schedule_onto_its_input_dir", ["schedule", "--requirement", "sched/coverage.csv", "--shifts", "shifts.toml", "--from", "2026-02-01", "--days", "7", "--node-limit", "50", "--out", "sched"], {}, None,
                  names="sched"))
    C.append(Case("outset/scenario_meta_is_dir", ["scenario", "--input", "fc.csv", "--scenarios", "scen.toml", "--out", "sc.csv"], {}, None,
                  names="sc.csv", setup=mk(["sc.csv"], ["sc.csv.meta.json"]), post=set_post(["sc.csv"]), outs=["sc.csv", "sc.csv.meta.json"]))
    C.append(Case("outset/audit_report_is_file", ["audit", "--period", "2026-01", "--actuals", "hist.csv", "--out", "k.csv", "--report", "rep"], {}, None,
                  names="rep", setup=mk(["k.csv", "rep"], []), post=set_post(["k.csv"]), outs=["k.csv", "rep"]))
    C.append(Case("outset/schedule_symlink_dir", ["schedule", "--requirement", "staff.csv", "--shifts", "shifts.toml", "--from", "2026-02-01", "--days", "7", "--node-limit", "50", "--out", "lnd"], {}, {"__out_plain__": "real"},
                  setup=lambda d: (os.mkdir(os.path.join(d, "real")), os.symlink("real", os.path.join(d, "lnd"))), post=keep_link("lnd", "real"), outs=["lnd", "real"]))
    C.append(Case("outset/demo_out_is_file", ["demo", "--out", "hist.csv"], {}, None, names="hist.csv"))
    C.append(Case("outset/demo_out_symlink_to_input_dir", ["demo", "--out", "lnk"], {}, None, names="lnk",
                  setup=lambda d: os.symlink("/nonexistent_dir_for_battery/x", os.path.join(d, "lnk")), post=keep_link("lnk", "/nonexistent_dir_for_battery/x")))
    return C


def heavy_cases():
    """Absurd sizes: must finish within --time-limit + 2 s (60 s without), or be refused up front."""
    C = []
    staff = rd("staff.csv")
    ls = lines(staff)
    hdr = ls[0].split(b",")
    ai = hdr.index(b"agents")
    big = [ls[0]]
    for l in ls[1:]:
        if l:
            f = l.split(b",")
            f[ai] = b"5000"
            big.append(b",".join(f))
    bigreq = join(big) + b"\n"
    sch = ["schedule", "--requirement", "staff.csv", "--shifts", "shifts.toml", "--from", "2026-02-01", "--days", "7", "--out", "sched", "--format", "csv"]
    C.append(Case("heavy/schedule_5000_agents_tl5", sch + ["--time-limit", "5"], {"staff.csv": bigreq}, ANY, names="staff.csv", limit=5, outs=["sched"]))
    C.append(Case("heavy/schedule_5000_agents_heuristic_tl5", sch + ["--time-limit", "5", "--method", "heuristic"], {"staff.csv": bigreq}, ANY, names="staff.csv", limit=5, outs=["sched"]))
    C.append(Case("heavy/schedule_5000_agents_gap_tl5", sch + ["--time-limit", "5", "--objective", "gap"], {"staff.csv": bigreq}, ANY, names="staff.csv", limit=5, outs=["sched"]))
    C.append(Case("heavy/schedule_tl0", sch + ["--time-limit", "0"], {}, ANY, names="time", limit=0, outs=["sched"]))
    agents = b"id,weekly_hours,availability,skills,preferences\n" + b"".join(b"G%04d,40,any,any,\n" % i for i in range(3000))
    C.append(Case("heavy/roster_3000_agents_tl5", sch + ["--time-limit", "5", "--agents", "agents.csv"], {"staff.csv": bigreq, "agents.csv": agents}, ANY, names="agents.csv", limit=5, outs=["sched"]))
    C.append(Case("heavy/tours_tl5", sch + ["--time-limit", "5", "--tours"], {"staff.csv": bigreq}, ANY, names="shifts.toml", limit=5, outs=["sched"]))
    # simulate with huge demand: no time limit → 60 s, or refused
    fc = rd("fc.csv")
    fl = lines(fc)
    fi = fl[0].split(b",").index(b"forecast")
    bigfc = [fl[0]]
    for l in fl[1:]:
        if l:
            f = l.split(b",")
            f[fi] = b"200000"
            bigfc.append(b",".join(f))
    C.append(Case("heavy/simulate_200k_per_interval", ["simulate", "--demand", "fc.csv", "--staffing", "staff.csv", "--reps", "30", "--level", "day", "--format", "csv"],
                  {"fc.csv": join(bigfc) + b"\n", "staff.csv": bigreq}, ANY, names="fc.csv"))
    C.append(Case("heavy/simulate_reps_1e6", ["simulate", "--demand", "fc.csv", "--staffing", "staff.csv", "--reps", "1000000", "--level", "day", "--format", "csv"], {}, ANY, names="reps"))
    C.append(Case("heavy/calibrate_bootstrap_1e6", ["calibrate", "--actuals", "hist.csv", "--agent-states", "states.csv", "--bootstrap", "1000000", "--out", "cal_out.toml"], {}, ANY, names="bootstrap", outs=["cal_out.toml"]))
    C.append(Case("heavy/audit_sim_reps_1e6", ["audit", "--period", "2026-01", "--actuals", "hist.csv", "--agent-states", "states.csv", "--section", "model-check-intervals", "--sim-reps", "1000000", "--format", "csv"], {}, ANY, names="sim-reps"))
    C.append(Case("heavy/backtest_daily_origins_30y", ["backtest", "--history", "hist.csv", "--from", "2000-01-01", "--to", "2030-01-01", "--every", "1d", "--model", "seasonal-naive-week", "--format", "csv"], {}, None, names="origin"))
    C.append(Case("heavy/forecast_inner_origins_1e5", ["forecast", "--history", "hist.csv", "--inner-origins", "100000", "--format", "csv"], {}, ANY, names="inner-origins"))
    C.append(Case("heavy/capacity_1000_weeks_tl5", ["capacity", "--plan", "plan.toml", "--time-limit", "5", "--format", "csv"],
                  {"plan.toml": toml_edit("plan.toml", "weeks = 26", "weeks = 1000").replace(b"class_starts = [0, 4, 8, 12, 16, 20]", b"class_starts = [" + b", ".join(str(i).encode() for i in range(0, 990, 2)) + b"]"),
                   "capreq.csv": b"week_start,required_fte\n" + b"".join(b"%s,%d.0\n" % (str(__import__('datetime').date(2026, 1, 4) + __import__('datetime').timedelta(weeks=w)).encode(), 20 + w % 7) for w in range(1000))},
                  ANY, names="plan.toml", limit=5))
    C.append(Case("heavy/ingest_calls_100q_5min_long_span", ["ingest", "calls", "calls.csv", "--interval", "5m", "--format", "csv", "--out", "o.csv"],
                  {"calls.csv": rd("calls.csv").split(b"\n")[0] + b"\n" + b"".join(b"X%d,Q%d,%s 10:00:00,answered,1,60,\n" % (i, i % 100, str(__import__('datetime').date(2000, 1, 1) + __import__('datetime').timedelta(days=(i * 37) % 9000)).encode()) for i in range(3000))},
                  ANY, names="calls.csv", outs=["o.csv"]))
    return C


# ---------------------------------------------------------------- running
def snapshot(d, skip):
    s = {}
    for root, dirs, files in os.walk(d):
        for n in files + dirs:
            p = os.path.join(root, n)
            rel = os.path.relpath(p, d)
            if any(rel == o or rel.startswith(o + "/") for o in skip):
                continue
            if os.path.islink(p):
                s[rel] = ("link", os.readlink(p))
            elif os.path.isfile(p):
                s[rel] = ("file", hashlib.sha256(open(p, "rb").read()).hexdigest())
    return s


def prepare(d, files, setup):
    if os.path.exists(d):
        shutil.rmtree(d)
    shutil.copytree(BASE, d, symlinks=True)
    for n, b in files.items():
        p = os.path.join(d, n)
        if b is None:
            if os.path.exists(p):
                os.remove(p)
            continue
        with open(p, "wb") as f:
            f.write(b)
    if setup:
        setup(d)


def run(binp, d, argv, limit):
    t0 = time.monotonic()
    try:
        p = subprocess.run([binp] + argv, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=70,
                           stdin=subprocess.DEVNULL)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", e.stdout or b"", e.stderr or b""
    return rc, out, err, time.monotonic() - t0


def norm(b):
    """Timing columns (backtest `seconds`) are not results; row order is not either."""
    ls = b.split(b"\n")
    if ls and b"seconds" in ls[0].split(b","):
        i = ls[0].split(b",").index(b"seconds")
        ls = [b",".join(f if j != i else b"" for j, f in enumerate(l.split(b","))) for l in ls]
    return b"\n".join(ls[:1] + sorted(ls[1:]))


def outputs(d, outs, stdout):
    r = {"<stdout>": stdout}
    for o in outs:
        p = os.path.join(d, o)
        if os.path.isdir(p):
            for root, _, files in os.walk(p):
                for n in files:
                    q = os.path.join(root, n)
                    r[os.path.relpath(q, d)] = open(q, "rb").read()
        elif os.path.isfile(p):
            r[o] = open(p, "rb").read()
    return r


def judge(binp, i, c):
    d = os.path.join(RUN, f"{i:04d}")
    bad = os.path.join(d, "bad")
    prepare(bad, c.files, c.setup)
    before = snapshot(bad, c.outs)
    rc, out, err, dt = run(binp, bad, c.argv, c.limit)
    fails = []
    errs = err.decode("utf-8", "replace")
    budget = (c.limit + 2) if c.limit is not None else 60
    if dt > budget:
        fails.append(f"ran {dt:.1f} s > {budget} s")
    if rc == "timeout":
        fails.append("killed at 70 s")
    elif rc < 0 or rc >= 128:
        fails.append(f"exit {rc} (signal/abort)")
    elif rc == 101 or "panicked" in errs:
        fails.append(f"panic (exit {rc}): {errs[-300:]}")
    elif rc in (1, 2, 3):
        if rc != 3 and c.names and c.names not in errs:
            fails.append(f"exit {rc} but stderr does not name {c.names!r}: {errs[:300]!r}")
        if rc != 3 and c.line and c.names and not re.search(re.escape(c.names) + r"(:\d+|.{0,40}line \d+)", errs):
            fails.append(f"exit {rc} but no line number for {c.names}: {errs[:300]!r}")
        if len(err) > c.max_err:
            fails.append(f"stderr is {len(err)} bytes")
        if not errs.strip():
            fails.append(f"exit {rc} with empty stderr")
    elif rc == 0:
        if c.clean is None:
            fails.append(f"exit 0 on a bad input (no clean equivalent): stdout {len(out)} bytes; stderr {errs[-300:]!r}")
        elif c.clean != ANY:
            cd = os.path.join(d, "clean")
            cargv = list(c.argv)
            files = {}
            plain = c.clean.get("__out_plain__") if isinstance(c.clean, dict) else None
            if isinstance(c.clean, dict) and "__argv__" in c.clean:
                cargv = c.clean["__argv__"]
                files = dict(c.files)
            elif plain:
                cargv[cargv.index("--out") + 1] = plain
            else:
                files = dict(c.files)
                files.update(c.clean)
            files = {k: v for k, v in files.items() if not k.startswith("__")}
            prepare(cd, files, None)
            crc, cout, cerr, _ = run(binp, cd, cargv, c.limit)
            o1 = outputs(bad, c.outs, out)
            o2 = outputs(cd, c.outs if not plain else [plain], cout)
            if plain:
                # compare what the link's target got against the plain file
                tgt = [o for o in c.outs if o != cargv[cargv.index("--out") + 1]]
                o1 = {"<stdout>": out}
                for o in c.outs:
                    p = os.path.join(bad, o)
                    if os.path.isdir(p) or os.path.isfile(p):
                        o1.update({k.replace(o, plain, 1): v for k, v in outputs(bad, [o], b"").items() if k != "<stdout>"})
                o2 = {k: v for k, v in o2.items()}
            if crc != 0:
                fails.append(f"clean equivalent exits {crc}: {cerr.decode('utf-8', 'replace')[:200]!r}")
            elif {k: norm(v) for k, v in o1.items()} != {k: norm(v) for k, v in o2.items()}:
                diffk = [k for k in set(o1) | set(o2) if o1.get(k) != o2.get(k)]
                fails.append(f"exit 0 but output differs from the clean input's ({', '.join(sorted(diffk))})")
        if c.warn:
            f, ln = c.warn
            if not re.search(re.escape(f) + rf":{ln + 1}\b", errs):
                fails.append(f"exit 0 without naming {f}:{ln + 1} on stderr")
    else:
        fails.append(f"exit {rc}")
    after = snapshot(bad, c.outs)
    for k, v in before.items():
        if after.get(k) != v:
            fails.append(f"input {k} changed ({v[0]})")
    if c.post:
        fails += c.post(bad, rc)
    shutil.rmtree(d, ignore_errors=True)
    return c.name, rc, dt, fails, errs.strip().splitlines()[:1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("WFM", os.path.join(HERE, "..", "..", "target", "debug", "wfm")))
    ap.add_argument("--filter", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--verbose", "-v", action="store_true")
    a = ap.parse_args()
    cs = [c for c in cases() if a.filter in c.name]
    if a.list:
        for c in cs:
            print(c.name)
        print(len(cs), "cases")
        return
    os.makedirs(RUN, exist_ok=True)
    binp = os.path.abspath(a.bin)
    nfail = 0
    with cf.ThreadPoolExecutor(a.jobs) as ex:
        futs = [ex.submit(judge, binp, i, c) for i, c in enumerate(cs)]
        for f in futs:
            name, rc, dt, fails, first = f.result()
            if fails:
                nfail += 1
                print(f"FAIL {name} [exit {rc}, {dt:.1f} s]: " + " | ".join(fails))
            elif a.verbose:
                print(f"ok   {name} [exit {rc}, {dt:.1f} s] {first}")
            sys.stdout.flush()
    print(f"\n{len(cs)} cases, {len(cs) - nfail} pass, {nfail} fail")


if __name__ == "__main__":
    main()
