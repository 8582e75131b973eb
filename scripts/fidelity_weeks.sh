#!/usr/bin/env bash
# Held-out check by weeks (docs/calibrate.md): calibrate on days 1–14 of January and February
# 1999 of the committed sample (actuals and pooled agent counts; patience from the actuals'
# waits, no call log), then audit days 15–end of each month with the calibration
# (--section fidelity). Runs without ../shared.
#
# Usage: scripts/fidelity_weeks.sh [WFM [OUT_DIR]]
#   WFM      the binary [target/release/wfm]
#   OUT_DIR  work directory [out/fidelity_weeks]
set -euo pipefail
wfm="${1:-target/release/wfm}"
out="${2:-out/fidelity_weeks}"
mkdir -p "$out"
first='(0[1-9]|1[0-4])'
rest='(1[5-9]|2[0-9]|3[01])'
for f in actuals agents_30min; do
  grep -E "^(interval_start|1999-0[12]-$first)" "data/audit/${f}_1999-01_02.csv" > "$out/${f}_fit.csv"
  for m in 01 02; do
    grep -E "^(interval_start|1999-$m-$rest)" "data/audit/${f}_1999-01_02.csv" > "$out/${f}_$m.csv"
  done
done
"$wfm" calibrate --actuals "$out/actuals_fit.csv" --agent-states "$out/agents_30min_fit.csv" \
  --out "$out/cal.toml" --bootstrap 100 2>&1 | grep -E "^availability \(pool ALL\)" >&2
for m in 01 02; do
  echo "== audit 1999-$m, days 15–end" >&2
  "$wfm" audit --period "1999-$m" --actuals "$out/actuals_$m.csv" \
    --agent-states "$out/agents_30min_$m.csv" --calibration "$out/cal.toml" \
    --section fidelity --format csv 2>/dev/null
done
