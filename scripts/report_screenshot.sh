#!/usr/bin/env bash
# Renders a `wfm audit --report` page in headless Chromium, takes a screenshot, and checks that
#  - the browser logged no console error (console messages are read from --enable-logging=stderr),
#  - the DOM Chromium built holds every view of the report (an element with `data-view="…"`:
#    cards, kpi-table, sl-heatmap, asa-heatmap, day-forecast, week-coverage, shift-gantt,
#    scenarios, capacity, fidelity, trend, at least one queue-<name>, and every pool-<name>),
#  - every chart (figure.chart) has an <svg> with drawn marks (path/line/rect/polyline/text),
#    and every view holds at least one drawn chart or table.
# Then scripts/report_nojs.py loads the page again with JavaScript disabled (DevTools
# `Emulation.setScriptExecutionDisabled`, checked on a control page) and checks that every view is
# rendered and visible and every chart drawn, and takes a second screenshot (…-nojs.png).
# REPORT_QUEUES="A B …" (optional) names queues whose queue-<name> section must be present.
#
# Usage: scripts/report_screenshot.sh REPORT_DIR [SCREENSHOT.png [VIEW_ID [HEIGHT]]]
#   VIEW_ID: screenshot only this view (e.g. queue-PS), the rest of the page hidden by CSS in a
#   temporary copy; the checks always run on the whole page.
# Exit: 0 ok; 1 a check failed; 2 usage error; 77 Chromium not found (tests skip on it).
set -euo pipefail

dir="${1:?usage: report_screenshot.sh REPORT_DIR [SCREENSHOT.png [VIEW_ID [HEIGHT]]]}"
html="$dir/index.html"
shot="${2:-$dir/screenshot.png}"
view="${3:-}"
height="${4:-1600}"
expected_views="cards kpi-table sl-heatmap asa-heatmap day-forecast week-coverage shift-gantt scenarios capacity fidelity trend"

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

# 1. Screenshot (the top of the page, or one view alone).
page="$abs_html"
if [ -n "$view" ]; then
  page="$work/view.html"
  python3 - "$abs_html" "$page" "$view" <<'PY'
import sys
src, dst, view = sys.argv[1:]
html = open(src, encoding="utf-8").read()
css = "<style>body>*{display:none!important}body>h1,body>#%s{display:block!important}</style></head>" % view
open(dst, "w", encoding="utf-8").write(html.replace("</head>", css, 1))
PY
fi
timeout 120 "$chrome" "${flags[@]}" --user-data-dir="$work/p1" --window-size="1280,$height" \
  --screenshot="$shot" "file://$page" >"$work/shot.out" 2>"$work/shot.err" || {
  echo "report_screenshot: chromium failed taking the screenshot:" >&2; tail -20 "$work/shot.err" >&2; exit 1; }
[ -s "$shot" ] || { echo "report_screenshot: no screenshot written" >&2; exit 1; }

# 2. The DOM after load (the page has no script: the same with JavaScript disabled).
timeout 120 "$chrome" "${flags[@]}" --user-data-dir="$work/p2" --dump-dom "file://$abs_html" \
  >"$work/dom.html" 2>"$work/dom.err" || {
  echo "report_screenshot: chromium failed dumping the DOM:" >&2; tail -20 "$work/dom.err" >&2; exit 1; }

# 3. Console errors: Chromium logs page console messages as `CONSOLE(line)] "message", source: …`
#    or `Console ... ERROR` lines; uncaught exceptions as `Uncaught …`.
if grep -E 'CONSOLE|console\.|Uncaught|ERROR:.*(html|svg|script)' "$work/shot.err" "$work/dom.err" \
    | grep -viE 'dbus|gpu|sandbox|gcm|fontconfig|crashpad|ozone|viz|sharedimage|task_manager|Fontconfig' >"$work/console.txt"; then
  echo "report_screenshot: console errors:" >&2; cat "$work/console.txt" >&2; exit 1
fi

# 4. Every view present; every chart drawn.
python3 - "$work/dom.html" $expected_views <<'PY'
import os, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
problems = []
drawn = {}
for m in re.finditer(r'<figure class="chart[^"]*" id="([^"]+)"[^>]*>(.*?)</figure>', dom, re.S):
    cid, body = m.group(1), m.group(2)
    svg = re.search(r'<svg\b.*?</svg>', body, re.S)
    n = len(re.findall(r'<(path|line|rect|polyline|text|circle)\b', svg.group(0))) if svg else 0
    drawn[cid] = n
    if n < 2:
        problems.append("chart %s (no drawn marks)" % cid)
    else:
        print("chart %-26s ok (%d elements)" % (cid, n))
# The views: an element carrying data-view="NAME", up to its closing tag.
views = {}
for m in re.finditer(r'<(section|figure)\b[^>]*data-view="([^"]+)"', dom):
    tag, name = m.group(1), m.group(2)
    end = dom.find("</%s>" % tag, m.end())
    views[name] = dom[m.end():end]
expected = sys.argv[2:]
if not any(v.startswith("queue-") for v in views):
    problems.append("no queue-<name> view")
for q in os.environ.get("REPORT_QUEUES", "").split():
    if "queue-" + q not in views:
        problems.append("view queue-%s missing" % q)
for name in expected + sorted(v for v in views if v.startswith(("queue-", "pool-"))):
    body = views.get(name)
    if body is None:
        problems.append("view %s missing" % name); continue
    marks = len(re.findall(r'<(path|line|rect|polyline|circle)\b', body)) + body.count("<td") + body.count('class="card"')
    if marks < 2:
        problems.append("view %s empty" % name)
    else:
        print("view %-27s ok (%d marks)" % (name, marks))
if problems:
    print("report_screenshot: " + ", ".join(problems), file=sys.stderr)
    sys.exit(1)
PY
# 5. JavaScript disabled: every view still shown.
queue_views=""
for q in ${REPORT_QUEUES:-}; do queue_views="$queue_views queue-$q"; done
# shellcheck disable=SC2086
timeout 180 python3 "$(dirname "$0")/report_nojs.py" "$chrome" "$abs_html" "${shot%.png}-nojs.png" \
  $expected_views $queue_views
echo "report_screenshot: ok — screenshot $shot, no console errors"
