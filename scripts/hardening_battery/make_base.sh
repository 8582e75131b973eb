#!/bin/sh
# A copy of the issue #16 battery (kept outside the repository by its author; see docs/hardening.md).
# Usage: scripts/hardening_battery/make_base.sh && python3 scripts/hardening_battery/run.py [--filter S] [-v]
# (base/ and run/ are created beside these files; both are ignored by git).
# Build the clean base inputs: generated call log etc. (gen.py), then the tool's own clean pipeline.
set -e
W=${WFM:-$(cd "$(dirname "$0")/../.." && pwd)/target/debug/wfm}
cd "$(dirname "$0")"
rm -rf base && python3 gen.py base && cd base
$W ingest calls calls.csv --format csv > hist.csv 2>/dev/null
$W forecast --history hist.csv --horizon 7d --model seasonal-naive-week --format csv > fc.csv 2>/dev/null
$W staff --input fc.csv --config staffing.toml --format csv > staff.csv 2>/dev/null
$W staff --input hist.csv --format csv > plan_jan.csv 2>/dev/null
$W schedule --requirement staff.csv --shifts shifts.toml --from 2026-02-01 --days 7 --node-limit 50 --out sched >/dev/null 2>&1
$W calibrate --actuals hist.csv --agent-states states.csv --calls calls.csv --bootstrap 5 --out cal.toml >/dev/null 2>&1
ls
