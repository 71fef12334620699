#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol to test and photograph the dashboard.

Reads a plan (JSON) on stdin, prints the result (JSON) on stdout. Only the standard library: the DevTools
protocol runs over a pipe (--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4), so no
WebSocket client is needed.

Plan:
  {"base": "http://127.0.0.1:PORT",
   "login": "TOKEN" or null,          # signs in through the dashboard's own login form first
   "pages": [{"path": "/pipelines/shop",
              "width": 1280,            # viewport width in CSS pixels (phone: 390)
              "pause": 0,               # seconds to wait before loading it
              "before": {"name": "javascript expression", ...},  # evaluated right after the load
              "signal": "/abs/file" or null,    # created once `before` ran (the caller may then change data)
              "wait_for": "css selector" or null,  # waits up to 30 s for it to match (live updates)
              "queries": {"name": "css selector", ...},
              "expressions": {"name": "javascript expression", ...},
              "screenshot": "/abs/file.png" or null}]}
Result:
  {"login": {"status": 303, "url": ".."},
   "pages": [{"path", "status", "url", "title",
              "queries": {"name": [{"tag", "text", "href", "attrs": {...}, "children": N}, ...]},
              "before": {"name": "value"}, "values": {"name": "the expression's value, as a string"},
              "screenshot": "/abs/file.png" or null}]}

The token reaches Chromium only inside the login form's POST body, never in a URL.
"""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30.0


class Browser:
    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not binary:
            raise SystemExit("chromium_cdp: no chromium on PATH (Debian: apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="slipway-chromium-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def wire_pipes():
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--user-data-dir=" + self.profile, "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
             "--hide-scrollbars", "--font-render-hinting=none", "--window-size=1280,900", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire_pipes)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None
        self.last_document_status = None

    # -- protocol -----------------------------------------------------------------------------------------
    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self.from_browser], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        parsed = json.loads(message)
        params = parsed.get("params", {})
        if parsed.get("method") == "Network.responseReceived" and params.get("type") == "Document":
            # After redirects, the last one is the page's own status.
            self.last_document_status = params["response"]["status"]
        return parsed

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s failed: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method, predicate=lambda params: True):
        deadline = time.monotonic() + TIMEOUT
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == method and predicate(event.get("params", {})):
                    del self.events[: index + 1]
                    return event.get("params", {})
            self.events.append(self._read_message(deadline))

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("script failed: %s" % result["exceptionDetails"].get("text"))
        return result["result"].get("value")

    # -- pages --------------------------------------------------------------------------------------------
    def open_tab(self):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = attached["sessionId"]
        for domain in ("Page.enable", "Network.enable", "Runtime.enable"):
            self.send(domain)

    def set_width(self, width, height=900):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})

    def navigate(self, url=None, action=None):
        """Loads `url` (or runs `action`, a script that navigates) and waits for the load event."""
        self.events = []
        self.last_document_status = None
        if url is not None:
            self.send("Page.navigate", {"url": url})
        else:
            self.evaluate(action)
        self.wait_for("Page.loadEventFired")
        return self.last_document_status, self.evaluate("location.href")

    def wait_for_selector(self, selector, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while not self.evaluate("document.querySelector(%s) !== null" % json.dumps(selector)):
            if time.monotonic() > deadline:
                raise TimeoutError("nothing matched %s within %d s" % (selector, timeout))
            time.sleep(0.1)

    def query(self, selector):
        return self.evaluate("""(() => Array.from(document.querySelectorAll(%s)).map(e => ({
            tag: e.tagName.toLowerCase(),
            text: (e.textContent || '').trim(),
            href: e.getAttribute('href'),
            children: e.children.length,
            attrs: Object.fromEntries(Array.from(e.attributes).map(a => [a.name, a.value]))
        })))()""" % json.dumps(selector))

    def screenshot(self, path, width):
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        self.set_width(width, max(int(height), 200))
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        with open(path, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        self.set_width(width)

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def run(plan):
    browser = Browser()
    result = {"login": None, "pages": []}
    try:
        browser.open_tab()
        base = plan["base"].rstrip("/")
        if plan.get("login"):
            browser.set_width(1280)
            browser.navigate(base + "/login")
            submit = """(() => {
                const form = document.querySelector('form.login-form');
                form.querySelector('input[name=token]').value = %s;
                form.submit();
            })()""" % json.dumps(plan["login"])
            status, url = browser.navigate(action=submit)
            result["login"] = {"status": status, "url": url}
        for page in plan["pages"]:
            time.sleep(float(page.get("pause", 0)))
            width = int(page.get("width", 1280))
            browser.set_width(width)
            status, url = browser.navigate(base + page["path"])
            before = {name: str(browser.evaluate("String(%s)" % expression))
                      for name, expression in page.get("before", {}).items()}
            if page.get("signal"):
                open(page["signal"], "w").close()
            if page.get("wait_for"):
                browser.wait_for_selector(page["wait_for"])
            entry = {"path": page["path"], "status": status, "url": url, "title": browser.evaluate("document.title"),
                     "before": before,
                     "queries": {name: browser.query(selector) for name, selector in page.get("queries", {}).items()},
                     "values": {name: str(browser.evaluate("String(%s)" % expression))
                                for name, expression in page.get("expressions", {}).items()},
                     "screenshot": None}
            if page.get("screenshot"):
                browser.screenshot(page["screenshot"], width)
                entry["screenshot"] = page["screenshot"]
            result["pages"].append(entry)
    finally:
        browser.close()
    return result


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
    sys.stdout.write("\n")
