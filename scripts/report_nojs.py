#!/usr/bin/env python3
"""Loads a report in headless Chromium with JavaScript disabled and checks every view is shown.

Chromium's `--dump-dom`, `--screenshot` and `--print-to-pdf` write nothing when scripts are
disabled by `--blink-settings=scriptEnabled=false`, so this drives the browser through the
DevTools protocol over `--remote-debugging-pipe` (fds 3 and 4, NUL-terminated JSON; no package
needed): `Emulation.setScriptExecutionDisabled` (the DevTools "Disable JavaScript" switch), then
  - a control page whose script would rewrite its text must keep its static text (JavaScript
    really is off, so the check below can fail);
  - the report: every element with `data-view` is rendered with a box of non-zero size
    (`DOM.getBoxModel` fails for `display:none`) and a computed `visibility` of `visible`; every
    expected view (arguments) is among them; every chart (`figure.chart`) has an <svg> with at
    least two drawn marks;
  - a screenshot of the top of the page with JavaScript disabled.

Usage: report_nojs.py CHROMIUM INDEX.HTML SCREENSHOT.png VIEW...
Prints one line per view; exit 0 ok, 1 a check failed.
"""
import base64
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time

MARKS = "path,line,rect,polyline,polygon,text,circle"


def _to_3_and_4(read_end, write_end):
    """In the child: the command pipe on fd 3, the answer pipe on fd 4 (via fds >= 10, so
    that neither dup2 overwrites the other end)."""
    a = fcntl.fcntl(read_end, fcntl.F_DUPFD, 10)
    b = fcntl.fcntl(write_end, fcntl.F_DUPFD, 10)
    os.dup2(a, 3)
    os.dup2(b, 4)


class Browser:
    def __init__(self, chrome, profile):
        r_cmd, w_cmd = os.pipe()  # we write commands to w_cmd; Chromium reads fd 3
        r_res, w_res = os.pipe()  # Chromium writes fd 4; we read r_res
        self.proc = subprocess.Popen(
            [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--remote-debugging-pipe", "--user-data-dir=" + profile,
             "--window-size=1280,1600", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=lambda: _to_3_and_4(r_cmd, w_res),
        )
        os.close(r_cmd)
        os.close(w_res)
        self.w = os.fdopen(w_cmd, "wb", buffering=0)
        self.r = os.fdopen(r_res, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from Chromium")
            chunk = self.r.read(65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=True, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.w.write(json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"].get("message")))
                return m["result"]
            self.events.append(m)

    def wait_event(self, method, timeout=60):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def load(self, url):
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main():
    chrome, html, shot = sys.argv[1:4]
    expected = sys.argv[4:]
    problems = []
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(chrome, profile)
        try:
            target = b.call("Target.createTarget", {"url": "about:blank"}, session=False)
            b.session = b.call("Target.attachToTarget",
                               {"targetId": target["targetId"], "flatten": True},
                               session=False)["sessionId"]
            for m in ("Page.enable", "DOM.enable", "CSS.enable", "Log.enable"):
                b.call(m)
            b.call("Emulation.setScriptExecutionDisabled", {"value": True})
            b.call("Emulation.setDeviceMetricsOverride",
                   {"width": 1280, "height": 1600, "deviceScaleFactor": 1, "mobile": False})
            # Control: with JavaScript off, the script cannot replace the static text.
            b.load("data:text/html,<p id=x>static</p><script>"
                   "document.getElementById('x').textContent='script ran'</script>")
            root = b.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
            p = b.call("DOM.querySelector", {"nodeId": root, "selector": "#x"})["nodeId"]
            text = b.call("DOM.getOuterHTML", {"nodeId": p})["outerHTML"]
            if "static" not in text:
                problems.append("JavaScript was not disabled (control page: %s)" % text)
            else:
                print("javascript disabled: control page kept its static text")
            b.load("file://" + os.path.abspath(html))
            root = b.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
            nodes = b.call("DOM.querySelectorAll",
                           {"nodeId": root, "selector": "[data-view]"})["nodeIds"]
            shown = set()
            for n in nodes:
                attrs = b.call("DOM.getAttributes", {"nodeId": n})["attributes"]
                name = dict(zip(attrs[::2], attrs[1::2]))["data-view"]
                try:
                    box = b.call("DOM.getBoxModel", {"nodeId": n})["model"]
                except RuntimeError:
                    problems.append("view %s not rendered" % name)
                    continue
                style = b.call("CSS.getComputedStyleForNode", {"nodeId": n})["computedStyle"]
                vis = {s["name"]: s["value"] for s in style}.get("visibility")
                if box["width"] <= 0 or box["height"] <= 0 or vis != "visible":
                    problems.append("view %s hidden (%sx%s, visibility %s)"
                                    % (name, box["width"], box["height"], vis))
                    continue
                shown.add(name)
                print("nojs view %-22s visible (%dx%d px)" % (name, box["width"], box["height"]))
            for name in expected:
                if name not in shown:
                    problems.append("view %s not shown" % name)
            figures = b.call("DOM.querySelectorAll",
                             {"nodeId": root, "selector": "figure.chart"})["nodeIds"]
            for f in figures:
                attrs = b.call("DOM.getAttributes", {"nodeId": f})["attributes"]
                fid = dict(zip(attrs[::2], attrs[1::2])).get("id", "?")
                marks = b.call("DOM.querySelectorAll",
                               {"nodeId": f, "selector": "svg " + MARKS.replace(",", ",svg ")})
                if len(marks["nodeIds"]) < 2:
                    problems.append("chart %s has no drawn marks" % fid)
            print("nojs charts: %d drawn" % len(figures))
            png = b.call("Page.captureScreenshot", {"format": "png"})["data"]
            with open(shot, "wb") as f:
                f.write(base64.b64decode(png))
            errors = [e for e in b.events if e.get("method") == "Log.entryAdded"
                      and e["params"]["entry"].get("level") == "error"]
            for e in errors:
                problems.append("console error: %s" % e["params"]["entry"].get("text"))
        finally:
            b.close()
    if problems:
        print("report_nojs: " + ", ".join(problems), file=sys.stderr)
        sys.exit(1)
    print("report_nojs: ok — %d views shown with JavaScript disabled, screenshot %s"
          % (len(shown), shot))


if __name__ == "__main__":
    main()
