#!/usr/bin/env bash
# Reproduces the generalisation table of docs/calibrate.md: calibrate on one month of the
# Anonymous Bank (actuals, the pooled agent counts and the month's call log), then audit the
# other month with the calibration (--section fidelity), both ways.
#
# Usage: scripts/fidelity_months.sh [WFM [SHARED_DATA_DIR [OUT_DIR]]]
#   WFM              the binary [target/release/wfm]
#   SHARED_DATA_DIR  where january.txt and february.txt are [../shared/data/anonbank]
#   OUT_DIR          work directory [out/fidelity]
# Prints, per direction, the calibration's availability line and the fidelity table (CSV).
set -euo pipefail
wfm="${1:-target/release/wfm}"
data="${2:-../shared/data/anonbank}"
out="${3:-out/fidelity}"
mkdir -p "$out"
for m in 01 02; do
  grep -E "^(interval_start|1999-$m-)" data/audit/actuals_1999-01_02.csv > "$out/act_$m.csv"
  grep -E "^(interval_start|1999-$m-)" data/audit/agents_30min_1999-01_02.csv > "$out/ag_$m.csv"
done
log() { echo "== $*" >&2; }
for pair in "01 january 02" "02 february 01"; do
  set -- $pair
  fit="$1" log_file="$2" audit="$3"
  log "fit 1999-$fit, audit 1999-$audit"
  "$wfm" calibrate --actuals "$out/act_$fit.csv" --agent-states "$out/ag_$fit.csv" \
    --calls "$data/$log_file.txt" --out "$out/cal_$fit.toml" --bootstrap 100 2>&1 \
    | grep -E "^availability \(pool ALL\)" >&2
  "$wfm" audit --period "1999-$audit" --actuals "$out/act_$audit.csv" \
    --agent-states "$out/ag_$audit.csv" --calibration "$out/cal_$fit.toml" \
    --section fidelity --format csv 2>/dev/null
done
