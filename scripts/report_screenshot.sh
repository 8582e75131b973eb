#!/usr/bin/env bash
# Renders a `wfm audit --report` page in headless Chromium, takes a screenshot, and checks that
#  - the browser logged no console error (console messages are read from --enable-logging=stderr),
#  - the DOM Chromium built holds every chart of the report (figure.chart) with an <svg> inside,
#    each with drawn content (at least one path/line/rect/polyline/text element).
#
# Usage: scripts/report_screenshot.sh REPORT_DIR [SCREENSHOT.png]
# Exit: 0 ok; 1 a check failed; 2 usage error; 77 Chromium not found (tests skip on it).
set -euo pipefail

dir="${1:?usage: report_screenshot.sh REPORT_DIR [SCREENSHOT.png]}"
html="$dir/index.html"
shot="${2:-$dir/screenshot.png}"
expected_charts="forecast-daily forecast-intraday accuracy-heatmap service-daily asa-daily staffing occupancy model-check scorecard"

[ -f "$html" ] || { echo "report_screenshot: $html not found" >&2; exit 2; }
chrome="${CHROMIUM:-}"
if [ -z "$chrome" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$c" ]; then chrome="$c"; break; fi
  done
fi
[ -n "$chrome" ] || { echo "report_screenshot: no Chromium found (set CHROMIUM=...)" >&2; exit 77; }

abs_html="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --hide-scrollbars --enable-logging=stderr --v=0)

# 1. Screenshot (full report height).
timeout 120 "$chrome" "${flags[@]}" --user-data-dir="$work/p1" --window-size=1280,6000 \
  --screenshot="$shot" "file://$abs_html" >"$work/shot.out" 2>"$work/shot.err" || {
  echo "report_screenshot: chromium failed taking the screenshot:" >&2; tail -20 "$work/shot.err" >&2; exit 1; }
[ -s "$shot" ] || { echo "report_screenshot: no screenshot written" >&2; exit 1; }

# 2. The DOM after load.
timeout 120 "$chrome" "${flags[@]}" --user-data-dir="$work/p2" --dump-dom "file://$abs_html" \
  >"$work/dom.html" 2>"$work/dom.err" || {
  echo "report_screenshot: chromium failed dumping the DOM:" >&2; tail -20 "$work/dom.err" >&2; exit 1; }

# 3. Console errors: Chromium logs page console messages as `CONSOLE(line)] "message", source: …`
#    or `Console ... ERROR` lines; uncaught exceptions as `Uncaught …`.
if grep -E 'CONSOLE|console\.|Uncaught|ERROR:.*(html|svg|script)' "$work/shot.err" "$work/dom.err" \
    | grep -viE 'dbus|gpu|sandbox|gcm|fontconfig|crashpad|ozone|viz|sharedimage|task_manager|Fontconfig' >"$work/console.txt"; then
  echo "report_screenshot: console errors:" >&2; cat "$work/console.txt" >&2; exit 1
fi

# 4. Every chart present with a drawn <svg>.
python3 - "$work/dom.html" $expected_charts <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
missing = []
for cid in sys.argv[2:]:
    m = re.search(r'<figure[^>]*id="%s"[^>]*>(.*?)</figure>' % re.escape(cid), dom, re.S)
    if not m:
        missing.append(cid + " (no figure)"); continue
    body = m.group(1)
    svg = re.search(r'<svg\b.*?</svg>', body, re.S)
    if not svg:
        missing.append(cid + " (no svg)"); continue
    drawn = len(re.findall(r'<(path|line|rect|polyline|text|circle)\b', svg.group(0)))
    if drawn < 2:
        missing.append(cid + " (empty svg)")
    else:
        print("chart %-18s ok (%d elements)" % (cid, drawn))
if missing:
    print("report_screenshot: charts missing or empty: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
PY
echo "report_screenshot: ok — screenshot $shot, no console errors"
