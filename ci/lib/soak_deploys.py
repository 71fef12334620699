#!/usr/bin/env python3
"""Deploy soak: an app changed N times under load through a real, sandboxed `slipway serve`; nothing may fail.

Starts serve on free loopback ports in a fresh data dir, deploys `fixtures/apps/soak` (`/` fast, `/slow` 5 s, `/ws`
a WebSocket echo) as the app `soak`, and then makes N changes (default 100), one of each kind in every five, in an
order drawn with the seed: deploys of a new build, refused deploys (a release phase that fails, dynos that crash at
boot, in turn: the previous release keeps serving), scales (1–3 web dynos), config releases and rollbacks. Meanwhile, through the router (Host `soak.localhost`):
  - wrk, flat out on keep-alive connections (in 10 s segments, so that an error can be placed in time);
  - a few streams of `GET /slow` requests that take 5 s each, back to back on keep-alive connections;
  - WebSockets opened continuously, each echoing a message every 0.2 s for 1–6 s, then closed by the client;
  - before every Kth change (`--held-every`), a WebSocket the client never closes: it keeps its old dyno draining
    until the drain timeout (30 s), and must then be closed by the dyno with 1001 (going away).
What must hold: every wrk request answered 2xx (no non-2xx, no socket error), every slow request 200 from the app,
every WebSocket echoing until the client closes it or its dyno closes it with 1001, each change ending as intended
(a refused deploy refused, the others deployed) with the router then serving the new release, and serve alive.
Each change that starts dynos logs `vN switched: … routed X ms after the last passed its health check` (AppRuntime):
its healthy-to-switched time, of which the median and worst are printed (goal ≤ 100 ms).

    soak_deploys.py SLIPWAY_BINARY [--changes N] [--seed S] [--connections C] [--slow-streams K] [--websockets M]
                    [--held-every K]

Exit status: 0 when everything held, 1 otherwise, 2 on bad arguments.
"""
import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from slipway_serve import free_port, serve_command, serve_log_tail, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures/apps/soak"
APP = "soak"
HOST = f"{APP}.localhost"
SWITCHED = re.compile(r"^v(\d+) switched: (.*) routed ([\d.]+) ms after the last passed its health check "
                      r"\(first ([\d.]+) ms\)$")
# Counts each non-2xx status per wrk thread; printed at the end of a run as `status <code> <count>`.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  if status < 200 or status > 299 then statuses[status] = (statuses[status] or 0) + 1 end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do io.write(string.format("status %d %d\\n", status, count)) end
  end
end
"""


def log(message):
    print(message, flush=True)


class Failures:
    """Every failure any load or check saw, with the time since the start and what was happening."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []
        self.started = time.monotonic()
        self.change = "initial deploy"

    def add(self, what):
        with self.lock:
            self.items.append(f"{time.monotonic() - self.started:7.1f} s during {self.change}: {what}")

    def count(self):
        with self.lock:
            return len(self.items)


class Wrk(threading.Thread):
    """wrk in segments until stopped; sums requests, non-2xx answers and socket errors."""

    def __init__(self, url, connections, failures, directory, segment_seconds=10):
        super().__init__(daemon=True)
        self.url, self.connections, self.failures = url, connections, failures
        self.segment_seconds = segment_seconds
        self.script = directory / "wrk-status.lua"
        self.script.write_text(WRK_SCRIPT)
        self.stopping = threading.Event()
        self.process = None
        self.requests = self.non_2xx = self.socket_errors = 0
        self.seconds = 0.0
        self.segments = 0

    def run(self):
        while not self.stopping.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(
                ["wrk", "-t1", f"-c{self.connections}", f"-d{self.segment_seconds}s", "--timeout", "30s",
                 "-s", str(self.script), "-H", f"Host: {HOST}", self.url],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            output, _ = self.process.communicate()
            self.seconds += time.monotonic() - started
            self.segments += 1
            self.account(output)

    def account(self, output):
        requests = re.search(r"(\d+) requests in", output)
        if not requests:
            self.failures.add(f"wrk printed no summary: {output[-500:]}")
            return
        self.requests += int(requests.group(1))
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        statuses = re.findall(r"^status (\d+) (\d+)$", output, re.MULTILINE)
        bad = sum(int(count) for _, count in statuses) or (int(non_2xx.group(1)) if non_2xx else 0)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
        socket_errors = sum(int(value) for value in errors.groups()) if errors else 0
        self.non_2xx += bad
        self.socket_errors += socket_errors
        if bad or socket_errors:
            detail = ", ".join(f"{count} × {status}" for status, count in statuses)
            self.failures.add(f"wrk segment: {bad} non-2xx ({detail}), socket errors: "
                              f"{errors.group(0) if errors else 'none'}")

    def stop(self):
        """Ends the running segment early (wrk prints its summary on SIGINT) and waits for the thread."""
        self.stopping.set()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.join()


class SlowRequests(threading.Thread):
    """`GET /slow` (5 s each) back to back on one keep-alive connection; every answer must be the app's 200."""

    def __init__(self, port, failures):
        super().__init__(daemon=True)
        self.port, self.failures = port, failures
        self.stopping = threading.Event()
        self.completed = 0

    def run(self):
        connection = None
        while not self.stopping.is_set():
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("GET", "/slow?seconds=5", headers={"Host": HOST})
                answer = connection.getresponse()
                body = answer.read().decode(errors="replace")
                if answer.status != 200 or " from v" not in body:
                    self.failures.add(f"GET /slow answered {answer.status}: {body[:200]!r}")
                else:
                    self.completed += 1
            except (OSError, http.client.HTTPException) as error:
                self.failures.add(f"GET /slow failed: {type(error).__name__}: {error}")
                connection = None

    def stop(self):
        self.stopping.set()


def open_websocket(port):
    # Imported here: the module is from PyPI (ci/setup --tests installs it), and the usage error above needs none.
    from websockets.sync.client import connect
    return connect(f"ws://{HOST}:{port}/ws", sock=socket.create_connection(("127.0.0.1", port), timeout=10),
                   open_timeout=10, close_timeout=10, ping_interval=None)


def closed_by_dyno_with_1001(error):
    """True when a closed WebSocket was closed by its dyno with 1001 (going away)."""
    received = getattr(error, "rcvd", None)
    return received is not None and received.code == 1001


class WebSockets(threading.Thread):
    """WebSockets opened one after another, each echoing for 1–6 s; closed by the client or by its dyno with 1001."""

    def __init__(self, port, failures, seed):
        super().__init__(daemon=True)
        self.port, self.failures = port, failures
        self.random = random.Random(seed)
        self.stopping = threading.Event()
        self.opened = self.closed_by_client = self.closed_with_1001 = self.echoes = 0

    def run(self):
        from websockets.exceptions import ConnectionClosed
        while not self.stopping.is_set():
            try:
                websocket = open_websocket(self.port)
            except Exception as error:  # the handshake: a non-101, a refused connection
                self.failures.add(f"WebSocket could not open: {type(error).__name__}: {error}")
                time.sleep(0.2)
                continue
            with websocket:  # entered, as the websockets library asks; closed on every path out
                self.opened += 1
                ends = time.monotonic() + self.random.uniform(1, 6)
                try:
                    while time.monotonic() < ends and not self.stopping.is_set():
                        message = secrets.token_hex(8)
                        websocket.send(message)
                        echoed = websocket.recv(timeout=10)
                        if echoed != message:
                            self.failures.add(f"WebSocket echoed {echoed!r} for {message!r}")
                            break
                        self.echoes += 1
                        time.sleep(0.2)
                    websocket.close()
                    self.closed_by_client += 1
                except ConnectionClosed as error:
                    if closed_by_dyno_with_1001(error):
                        self.closed_with_1001 += 1
                    else:
                        self.failures.add(f"WebSocket dropped: {error}")
                except (OSError, TimeoutError) as error:
                    self.failures.add(f"WebSocket failed: {type(error).__name__}: {error}")
                    websocket.close()

    def stop(self):
        self.stopping.set()


class HeldWebSocket(threading.Thread):
    """A WebSocket the client never closes: it pings every second until its dyno closes it (it must say 1001)."""

    def __init__(self, port, failures):
        super().__init__(daemon=True)
        self.port, self.failures = port, failures
        self.websocket = open_websocket(port)
        self.outcome = None  # "1001", or what went wrong

    def run(self):
        from websockets.exceptions import ConnectionClosed
        try:
            with self.websocket:
                while True:
                    self.websocket.send("held")
                    if self.websocket.recv(timeout=10) != "held":
                        self.outcome = "a wrong echo"
                        return
                    time.sleep(1)
        except ConnectionClosed as error:
            self.outcome = "1001" if closed_by_dyno_with_1001(error) else f"dropped: {error}"
        except (OSError, TimeoutError) as error:
            self.outcome = f"{type(error).__name__}: {error}"


def cpu_seconds(pid):
    """User + system CPU time a process's own threads have used (not its children's: the dynos are not counted)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Soak:
    def __init__(self, options, directory, api_port, router_port, token, serve_pid):
        self.options = options
        self.serve_pid = serve_pid
        self.directory = directory
        self.api = f"http://127.0.0.1:{api_port}/api/v1"
        self.router_port = router_port
        self.token = token
        self.random = random.Random(options.seed)
        self.failures = Failures()
        self.quantity = 2
        self.succeeded_releases = 0
        self.serving = None  # the release the router must be serving
        self.last_log_time = ""
        self.switches = []  # (ms after the last healthy dyno, ms after the first)
        self.kinds = {}
        self.deck = []
        self.refusals = 0
        self.held_opened = self.held_closed_with_1001 = 0

    def request(self, method, path, body=None):
        """The API's answer as (status, JSON)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.api + path, data=data, method=method,
                                         headers={"Authorization": f"Bearer {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=600) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def source(self, number, broken=None):
        """A copy of the fixture that builds to a build of its own; `broken` names the file that breaks it."""
        directory = self.directory / "sources" / str(number)
        shutil.copytree(FIXTURE, directory)
        (directory / "SOAK_CHANGE").write_text(f"{number}\n")
        if broken:
            (directory / broken).write_text("as the deploy soak asks\n")
        return directory

    def router_answer(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.router_port, timeout=10)
        try:
            connection.request("GET", "/", headers={"Host": HOST})
            answer = connection.getresponse()
            return answer.status, answer.read().decode(errors="replace")
        finally:
            connection.close()

    def new_switch_lines(self):
        status, lines = self.request("GET", f"/apps/{APP}/logs?lines=1000")
        if status != 200:
            self.failures.add(f"GET logs answered {status}")
            return []
        found = []
        for line in lines:
            if line["time"] <= self.last_log_time:
                continue
            match = SWITCHED.match(line["text"]) if line["source"] == "slipway" else None
            if match:
                found.append(match)
        if lines:
            self.last_log_time = max(self.last_log_time, lines[-1]["time"])
        return found

    def check_switched(self, version):
        """After a change that started dynos: one switch line for `version`, and the router serves it at once."""
        lines = self.new_switch_lines()
        if len(lines) != 1 or int(lines[0].group(1)) != version:
            self.failures.add(f"expected one switch line for v{version}, found {[line.group(0) for line in lines]}")
        for line in lines:
            self.switches.append((float(line.group(3)), float(line.group(4))))
        self.serving = version
        self.check_serving()
        return lines[-1].group(3) if lines else "?"

    def check_serving(self):
        status, body = self.router_answer()
        if status != 200 or f" from v{self.serving} " not in body:
            self.failures.add(f"the router should serve v{self.serving}: {status} {body[:200]!r}")

    def deploy(self, number, broken=None):
        status, result = self.request("POST", f"/apps/{APP}/deploys", {"directory": str(self.source(number, broken))})
        if status != 201:
            self.failures.add(f"deploy answered {status}: {json.dumps(result)[:500]}")
            return None
        return result

    def change(self, number):
        """One change; returns what it was and how it ended, for the progress line."""
        if not self.deck:
            # Each run of five changes has one of each kind, in a random order: any run of five or more covers all.
            self.deck = self.random.sample(["deploy", "refused", "scale", "config", "rollback"], 5)
            if self.deck[0] == "rollback" and self.succeeded_releases < 2:
                self.deck.append(self.deck.pop(0))
        kind = self.deck.pop(0)
        if kind == "refused":
            self.refusals += 1
            broken = "FAIL_RELEASE" if self.refusals % 2 else "CRASH_AT_BOOT"
            kind = "refused: release phase fails" if broken == "FAIL_RELEASE" else "refused: crash at boot"
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.failures.change = f"change {number} ({kind})"
        if kind.startswith("refused"):
            result = self.deploy(number, broken)
            if result is None:
                return kind, "?"
            if result["succeeded"]:
                self.failures.add(f"the broken deploy v{result['release']['version']} was not refused")
                return kind, f"v{result['release']['version']} NOT refused"
            self.new_switch_lines()  # none expected; moves past the refused release's lines
            self.check_serving()
            return kind, f"v{result['release']['version']} refused, v{self.serving} serves"
        if kind == "scale":
            self.quantity = self.random.choice([q for q in (1, 2, 3) if q != self.quantity])
            status, result = self.request("PATCH", f"/apps/{APP}/formation",
                                          {"updates": [{"type": "web", "quantity": self.quantity}]})
            if status != 200:
                self.failures.add(f"scaling to web={self.quantity} answered {status}: {json.dumps(result)[:500]}")
                return kind, "?"
            return kind, f"web={self.quantity}, switch {self.check_switched(self.serving)} ms"
        if kind == "config":
            status, result = self.request("PATCH", f"/apps/{APP}/config-vars", {"GREETING": f"hello-{number}"})
            release = (result or {}).get("release") or {}
            if status != 200 or release.get("state") != "succeeded":
                self.failures.add(f"config release answered {status}: {json.dumps(result)[:500]}")
                return kind, "?"
            version = release["version"]
        else:
            if kind == "deploy":
                result = self.deploy(number)
            else:
                status, result = self.request("POST", f"/apps/{APP}/rollbacks", {})
                if status != 201:
                    self.failures.add(f"rollback answered {status}: {json.dumps(result)[:500]}")
                    result = None
            if result is None:
                return kind, "?"
            if not result["succeeded"]:
                self.failures.add(f"{kind} v{result['release']['version']} failed: {result.get('reason')}")
                return kind, "FAILED"
            version = result["release"]["version"]
        self.succeeded_releases += 1
        return kind, f"v{version}, switch {self.check_switched(version)} ms"

    def run(self):
        options = self.options
        status, answer = self.request("POST", "/apps", {"name": APP})
        if status != 201:
            sys.exit(f"creating the app answered {status}: {json.dumps(answer)[:2000]}")
        initial = self.deploy(0)
        if not initial or not initial["succeeded"]:
            sys.exit(f"the first deploy failed: {json.dumps(initial)[:2000]} {self.failures.items}\n"
                     + serve_log_tail(self.directory))
        self.succeeded_releases = 1
        self.check_switched(initial["release"]["version"])
        self.failures.change = "load start"
        wrk = Wrk(f"http://127.0.0.1:{self.router_port}/", options.connections, self.failures, self.directory)
        slow = [SlowRequests(self.router_port, self.failures) for _ in range(options.slow_streams)]
        sockets = [WebSockets(self.router_port, self.failures, f"{options.seed}-{index}")
                   for index in range(options.websockets)]
        loads = [wrk, *slow, *sockets]
        self.serve_cpu = cpu_seconds(self.serve_pid)
        for load in loads:
            load.start()
        time.sleep(2)
        held = []
        started = time.monotonic()
        for number in range(1, options.changes + 1):
            if options.held_every and number % options.held_every == options.held_every // 2:
                try:
                    socket_thread = HeldWebSocket(self.router_port, self.failures)
                    socket_thread.start()
                    held.append(socket_thread)
                    self.held_opened += 1
                except Exception as error:
                    self.failures.add(f"the held WebSocket could not open: {type(error).__name__}: {error}")
            change_started = time.monotonic()
            kind, outcome = self.change(number)
            log(f"[{number:3}/{options.changes}] {kind:28} {outcome:34} {time.monotonic() - change_started:5.1f} s"
                f"   failures so far: {self.failures.count()}")
            if not kind.startswith("refused"):
                self.check_held(held)
        self.failures.change = "load end"
        elapsed = time.monotonic() - started
        for load in [*slow, *sockets]:
            load.stop()
        wrk.stop()
        self.serve_cpu = cpu_seconds(self.serve_pid) - self.serve_cpu
        for load in [*slow, *sockets]:
            load.join(timeout=30)
        for socket_thread in held:
            if socket_thread.outcome is None:
                socket_thread.websocket.close()
        return self.report(elapsed, wrk, slow, sockets)

    def check_held(self, held):
        """After a change that replaced the dynos, each held WebSocket has been closed by its dyno with 1001."""
        for socket_thread in held:
            socket_thread.join(timeout=5)
            if socket_thread.outcome is None:
                self.failures.add("a held WebSocket stayed open after its dyno was replaced")
            elif socket_thread.outcome != "1001":
                self.failures.add(f"a held WebSocket did not end with 1001: {socket_thread.outcome}")
            else:
                self.held_closed_with_1001 += 1
        held.clear()

    def report(self, elapsed, wrk, slow, sockets):
        failures = self.failures
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.kinds.items()))
        slow_done = sum(stream.completed for stream in slow)
        opened = sum(stream.opened for stream in sockets)
        by_client = sum(stream.closed_by_client for stream in sockets)
        with_1001 = sum(stream.closed_with_1001 for stream in sockets)
        echoes = sum(stream.echoes for stream in sockets)
        log("")
        log(f"deploy soak: {self.options.changes} changes in {elapsed:.0f} s (seed {self.options.seed}): {kinds}")
        log(f"load through the router (Host {HOST}):")
        rate = wrk.requests / max(wrk.seconds, 1)
        log(f"  wrk -c{self.options.connections}   {wrk.requests:,} requests, {rate:,.0f} requests/s "
            f"(goal ≥ 1,000: {'met' if rate >= 1000 else 'missed'}), non-2xx {wrk.non_2xx}, socket errors {wrk.socket_errors}")
        log(f"  GET /slow (5 s)   {slow_done:,} answered 200 ({len(slow)} streams)")
        log(f"  WebSockets        {opened:,} opened, {by_client:,} closed by the client, {with_1001:,} closed by "
            f"their dyno with 1001; {echoes:,} messages echoed")
        log(f"  held WebSockets   {self.held_opened} held past the drain timeout, {self.held_closed_with_1001} closed "
            f"by their dyno with 1001")
        if self.switches:
            last = sorted(value for value, _ in self.switches)
            first = sorted(value for _, value in self.switches)
            log(f"healthy → switched ({len(last)} switches: the last new web dyno passing its health check → the router "
                f"routing to the new set): median {statistics.median(last):.3f} ms, worst {last[-1]:.3f} ms "
                f"(goal ≤ 100 ms: {'met' if last[-1] <= 100 else 'missed'})")
            log(f"  from the first new web dyno passing: median {statistics.median(first):.1f} ms, "
                f"worst {first[-1]:.1f} ms")
        total = wrk.requests + slow_done + opened
        log(f"serve's CPU time: {self.serve_cpu:.1f} s, {self.serve_cpu / max(wrk.requests, 1) * 1e6:.0f} µs per wrk request "
            f"(router, API, deploys); load average at the end: {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
        log(f"requests: {total:,}; failures: {failures.count()}")
        for item in failures.items:
            log(f"  FAILED {item}")
        if failures.items:
            status, lines = self.request("GET", f"/apps/{APP}/logs?lines=1000")
            log("the app's last log lines:\n" + "\n".join(f"  {line['time']} {line['source']}: {line['text']}"
                                                       for line in (lines if status == 200 else [])[-80:]))
        return failures.count() == 0


def start_serve(options, directory):
    data = directory / "data"
    api_port, router_port = free_port(), free_port()
    log_file = open(directory / "serve.log", "w")
    serve = subprocess.Popen(serve_command(options.slipway, data, api_port, router_port, "--allow-path", str(directory)),
                             stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
                             env=dict(os.environ, SLIPWAY_WEBHOOK_SECRET=secrets.token_hex(16)))
    if wait_until_healthy(api_port, serve) is None:
        stop_serve(serve)
        sys.exit("serve did not start:\n" + serve_log_tail(directory))
    return serve, api_port, router_port, (data / "admin-token").read_text().strip()


def stop_serve(serve):
    if serve.poll() is None:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main():
    parser = argparse.ArgumentParser(description="Deploy soak under load (ci/soak --deploys).")
    parser.add_argument("slipway")
    parser.add_argument("--changes", type=positive, default=100)
    parser.add_argument("--seed", default=str(random.randrange(1_000_000)))
    parser.add_argument("--connections", type=positive, default=16, help="wrk's connections")
    parser.add_argument("--slow-streams", type=positive, default=4)
    parser.add_argument("--websockets", type=positive, default=4, help="WebSockets open at once")
    parser.add_argument("--held-every", type=int, default=25,
                        help="a WebSocket held until its dyno closes it with 1001 before every Kth change (0: none)")
    options = parser.parse_args()
    # A SIGTERM (`timeout`, a CI runner giving up) ends the soak through the cleanup below: serve is stopped.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit("the soak was stopped (SIGTERM)"))
    for tool in ("wrk",):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (ci/setup --tests installs it)")
    try:
        import websockets  # noqa: F401
    except ImportError:
        sys.exit("the websockets module is not installed (ci/setup --tests installs it from PyPI)")
    directory = Path(tempfile.mkdtemp(prefix="slipway-soak-deploys-"))
    directory.chmod(0o755)
    serve, api_port, router_port, token = start_serve(options, directory)
    try:
        soak = Soak(options, directory, api_port, router_port, token, serve.pid)
        passed = soak.run()
        if serve.poll() is not None:
            log("serve died during the soak:\n" + serve_log_tail(directory))
            passed = False
        log("PASSED" if passed else "FAILED\nserve's last lines:\n" + serve_log_tail(directory))
        sys.exit(0 if passed else 1)
    finally:
        stop_serve(serve)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
