#!/usr/bin/env python3
"""Remote test workers against local slots, side by side in one run (`ci/bench/workers`, issue #17).

A generated suite of sleep-bound shell test files (seeded log-normal, long-tailed durations scaled so the lower
bound max(total / slots, longest file) is about `--seconds`) is tested as pull request 1 of a pipeline by a real
`slipway serve`, twice per placement (cold: no timing history; warm: a second commit of the pull request, with
the history the first run wrote):

  remote  serve bound to its address on a bridge in this namespace, `--local-test-slots 0`; two worker hosts
          (network namespaces joined to the bridge by veth pairs, as TestHostNetwork makes them), each running
          `slipway worker --slots <slots / 2>` with a worker token;
  local   serve with every slot local (`--test-workers <slots>`, no `--local-test-slots`).

Both are the same service path (pipeline, test build, tree, dispatcher, results in the store), so only the placement
differs; `slipway ci run --workers N` would skip the service and compare unlike things. The makespan is the run's
own `wall_time_seconds` (first slot's start to last slot's end, workspaces and tree download included). The
lease-to-start latency per batch is read from the workers' output (`lease-to-start X ms`: from the batch's answer
arriving on the worker to its test process being started).

Where the makespan goes, per run: the slots' time (slots × makespan) split into tests, before each slot's first
batch, between its batches and after its last one, from the run's own file results (each batch's hand-out offset and
seconds), so local and remote runs are measured alike; and for remote runs each slot's steps as its worker timed
them (`slot N: timing {…}`, LeasedSlotTimeline: lease, tree, set-up, first batch; per batch the report's and the
next batch's answers and polls that waited), and the service's hand-out of a batch against the worker's start of it.

    workers_bench.py SLIPWAY_BINARY [--files N] [--slots N] [--seconds S] [--seed N] [--sigma F] [--only remote|local]

Needs root and iproute2 (`ip netns`). Removes its namespaces, bridge, processes and directories when it ends.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

RUN_TESTS = """n=0; status=0
for file in "$@"; do
  n=$((n + 1))
  if sh "$file"; then echo "ok $n - $file"; else echo "not ok $n - $file"; status=1; fi
done
echo "1..$n"
exit $status
"""

LATENCY = re.compile(r"lease-to-start (-?[0-9]+\.[0-9]+) ms")
TIMING = re.compile(r"^slot [0-9]+: timing (\{.*\})$", re.MULTILINE)


def durations(files, slots, seconds, seed, sigma):
    """Seeded log-normal seconds per file, scaled so total / slots == seconds, the longest file capped at
    `seconds` (so the bound is total / slots and every slot can be kept busy)."""
    rng = random.Random(seed)
    raw = [rng.lognormvariate(0, sigma) for _ in range(files)]
    for _ in range(20):
        scale = seconds * slots / sum(raw)
        raw = [min(value * scale, seconds * 0.9) for value in raw]
    return [round(value, 3) for value in raw]


def lower_bound(seconds, slots):
    return max(sum(seconds) / slots, max(seconds))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def git(repository, *arguments):
    return subprocess.run(["git", "-C", str(repository), "-c", "user.name=bench", "-c", "user.email=bench@example.com",
                           *arguments], check=True, capture_output=True, text=True).stdout.strip()


def make_origin(directory, seconds, slots):
    """A bare repository whose main holds the suite; returns (work tree, bare origin)."""
    work, origin = directory / "work", directory / "origin.git"
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    app = {"name": "workers-bench",
           "environments": {"test": {"scripts": {"test": "sh bin/run-tests {files}"},
                                     "formation": {"test": {"quantity": slots}}}},
           "slipway": {"tests": {"files": ["tests/*.sh"]}}}
    (work / "app.json").write_text(json.dumps(app, indent=2) + "\n")
    (work / "bin").mkdir()
    (work / "bin/run-tests").write_text(RUN_TESTS)
    (work / "tests").mkdir()
    for index, value in enumerate(seconds):
        (work / f"tests/f{index:04d}.sh").write_text(f"sleep {value}\n")
    git(work, "add", ".")
    git(work, "commit", "-qm", "suite")
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(origin)], check=True)
    return work, origin


def push_pull_request_head(work, origin, round_number):
    """A new commit on top of main as refs/pull/1/head (each round tests a new merge commit, so a new tree)."""
    git(work, "checkout", "-q", "-B", "pr", "main")
    (work / "ROUND").write_text(f"{round_number}\n")
    git(work, "add", ".")
    git(work, "commit", "-qm", f"round {round_number}")
    git(work, "push", "-q", "-f", str(origin), "HEAD:refs/pull/1/head")


def free_port(address):
    with socket.socket() as listener:
        listener.bind((address, 0))
        return listener.getsockname()[1]


def load_average():
    return os.getloadavg()[0]


class Hosts:
    """Network namespaces joined by veth pairs to a bridge in this namespace (like TestHostNetwork)."""

    def __init__(self, count):
        tag = os.getpid()
        self.subnet = f"10.78.{tag % 250}"
        self.bridge = f"slwbb{tag}"[:15]
        self.address = f"{self.subnet}.1"
        self.namespaces = []
        try:
            self.ip("link", "add", self.bridge, "type", "bridge")
            self.ip("addr", "add", f"{self.address}/24", "dev", self.bridge)
            self.ip("link", "set", self.bridge, "up")
            for index in range(count):
                namespace, outer = f"slwbench-{tag}-{index}", f"slwb{tag}h{index}"[:15]
                self.ip("netns", "add", namespace)
                self.namespaces.append(namespace)
                self.ip("link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", namespace)
                self.ip("link", "set", outer, "master", self.bridge)
                self.ip("link", "set", outer, "up")
                self.ip("-n", namespace, "addr", "add", f"{self.subnet}.{11 + index}/24", "dev", "eth0")
                self.ip("-n", namespace, "link", "set", "eth0", "up")
                self.ip("-n", namespace, "link", "set", "lo", "up")
        except BaseException:
            self.remove()
            raise

    @staticmethod
    def ip(*arguments, check=True):
        done = subprocess.run(["ip", *arguments], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"ip {' '.join(arguments)}: {done.stderr.strip()}")

    def remove(self):
        for namespace in self.namespaces:
            self.ip("netns", "delete", namespace, check=False)
        self.ip("link", "delete", self.bridge, check=False)


class Processes:
    """Every process the bench starts, each in its own session; stopped (TERM, then KILL) at the end."""

    def __init__(self):
        self.started = []

    def start(self, command, log, environment=None):
        process = subprocess.Popen(command, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=environment,
                                   start_new_session=True)
        self.started.append(process)
        return process

    def stop(self, process):
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()

    def stop_all(self):
        for process in reversed(self.started):
            self.stop(process)


def masked(text):
    return re.sub(r"slw_[0-9A-Za-z_]{8,}", "slw_••••", text)


class Service:
    """One `slipway serve` and its CLI client."""

    def __init__(self, slipway, directory, processes, address, slots, remote):
        self.slipway, self.directory, self.address = slipway, directory, address
        self.data = directory / "data"
        self.api_port = free_port(address)
        self.server = f"http://{address}:{self.api_port}"
        command = [slipway, "serve", "--data-dir", str(self.data), "--bind", address,
                   "--api-port", str(self.api_port), "--router-port", str(free_port(address)),
                   "--poll-seconds", "0", "--test-workers", str(slots), "--allow-path", str(directory.parent)]
        if remote:
            command += ["--local-test-slots", "0"]
        self.log = directory / "serve.log"
        self.process = processes.start(command, self.log)
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit("serve did not start:\n" + masked(self.log.read_text())[-3000:])
            try:
                with urllib.request.urlopen(f"{self.server}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.1)

    def client(self, *arguments, check=True):
        done = subprocess.run([self.slipway, *arguments, "--server", self.server, "--data-dir", str(self.data)],
                              capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            sys.exit(f"slipway {' '.join(arguments)} failed ({done.returncode}): {masked(done.stderr)}")
        return done.stdout

    def json(self, *arguments):
        return json.loads(self.client(*arguments, "--json"))

    def finished_run(self, not_commits, timeout=600):
        """The newest test run of the pipeline once it finished, of a commit not in `not_commits`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.json("test-runs", "--pipeline", "bench")
            if runs and runs[0].get("commit") not in not_commits and runs[0].get("state") not in (
                    "queued", "running", "pending"):
                return self.json("test-runs", "info", runs[0]["id"])
            time.sleep(0.5)
        sys.exit("the test run did not finish in time:\n" + masked(self.log.read_text())[-3000:])


def latencies(logs, offsets):
    """Lease-to-start milliseconds of the lines each worker log gained after `offsets` (its size before)."""
    found = []
    for log, offset in zip(logs, offsets):
        with open(log) as handle:
            handle.seek(offset)
            found += [float(match.group(1)) for match in LATENCY.finditer(handle.read())]
    return found


def timings(logs, offsets, run_id):
    """The `slot N: timing {…}` records (LeasedSlotTimeline) of the test run `run_id` each worker log gained after
    `offsets`."""
    found = []
    for log, offset in zip(logs, offsets):
        with open(log) as handle:
            handle.seek(offset)
            found += [record for record in (json.loads(match.group(1)) for match in TIMING.finditer(handle.read()))
                      if record.get("run") == run_id]
    return found


def service_batches(run):
    """Each slot's batches as the service saw them: {slot: [(handed out, ended)]} in seconds from the run's start
    (the files of one batch share their start offset; their seconds add up to the batch's wall time)."""
    batches = {}
    for result in run.get("file_results") or []:
        start = result.get("start_offset_seconds")
        if start is None:
            continue
        key = (result["worker"], round(start, 6))
        batches[key] = batches.get(key, 0.0) + result["seconds"]
    slots = {}
    for (slot, start), seconds in sorted(batches.items()):
        slots.setdefault(slot, []).append((start, start + seconds))
    return slots


def spread(values, unit="s", scale=1.0, digits=2):
    if not values:
        return "-"
    values = [value * scale for value in values]
    return (f"median {statistics.median(values):.{digits}f} / p90 {percentile(values, 0.9):.{digits}f} / "
            f"max {max(values):.{digits}f} {unit}")


def slot_time(run, slots):
    """Where the slots' time went: slots × makespan = tests + before each slot's first batch + between its
    batches + after its last batch (until the run ended). From the run's own file results, so local and remote
    runs are measured alike."""
    wall = run.get("wall_time_seconds") or 0
    batches = service_batches(run)
    if not batches:
        return None
    tests = before = between = after = 0.0
    firsts, lasts, gaps = [], [], []
    for slot in range(slots):
        own = batches.get(slot, [])
        if not own:
            after += wall
            continue
        tests += sum(end - start for start, end in own)
        before += own[0][0]
        firsts.append(own[0][0])
        own_gaps = [max(0.0, start - previous_end) for (_, previous_end), (start, _) in zip(own, own[1:])]
        gaps += own_gaps
        between += sum(own_gaps)
        lasts.append(own[-1][1])
        after += max(0.0, wall - own[-1][1])
    total = slots * wall
    lines = [f"slot time {total:.0f} s ({slots} × makespan): tests {tests:.0f} s ({tests / total:.0%}), "
             f"before the first batch {before:.1f} s, between batches {between:.1f} s, after the last {after:.1f} s",
             f"first batch handed out at {spread(firsts)}; batch gaps {spread(gaps, 'ms', 1000, 1)} "
             f"({len(gaps)}); last batch ends {spread(lasts)}; run end − latest end {wall - max(lasts):.2f} s"]
    return lines


def worker_steps(records, run):
    """The remote slots' own step times (LeasedSlotTimeline), from the first lease's answer on any worker."""
    if not records:
        return []
    origin = min(record["leased"] for record in records)
    step = {name: [record[name] - origin for record in records if record.get(name) is not None]
            for name in ("leased", "tree", "factory", "ready")}
    first = [record["batches"][0]["started"] - origin for record in records
             if record["batches"] and record["batches"][0].get("started") is not None]
    batches = [batch for record in records for batch in record["batches"]]
    reports = [batch["reported"] - batch["report_sent"] for batch in batches if batch.get("reported") is not None]
    answers = [batch["received"] - batch["asked"] - batch["waited"] for batch in batches]
    waited = sum(batch["waited"] for batch in batches)
    gaps = [later["started"] - earlier["ended"] for record in records
            for earlier, later in zip(record["batches"], record["batches"][1:])
            if earlier.get("ended") is not None and later.get("started") is not None]
    # The service's hand-out (its batch start offset) against the worker's start of the same batch: the answer's
    # hop plus lease-to-start (both clocks from the first lease, a hop apart).
    handed = service_batches(run)
    hand_out = []
    for record in records:
        for (start, _), batch in zip(handed.get(record["slot"], []), record["batches"]):
            if batch.get("started") is not None:
                hand_out.append(batch["started"] - origin - start)
    return [f"worker steps from the first lease: leased {spread(step['leased'])}; tree ready {spread(step['tree'])}; "
            f"workspace factory {spread(step['factory'])}; set up {spread(step['ready'])}; first batch started {spread(first)}",
            f"per batch ({len(batches)}): end → next start {spread(gaps, 'ms', 1000, 1)}; report answered (with the "
            f"next batch, waiting up to 5 s for one) in "
            f"{spread(reports, 'ms', 1000, 1)}; next batch answered in {spread(answers, 'ms', 1000, 1)}; "
            f"polls answered 'wait' {waited:.1f} s in all",
            f"service hand-out → worker start {spread(hand_out, 'ms', 1000, 1)}"]


def describe(label, run, bound, files, slots, latency=None, records=None):
    wall = run.get("wall_time_seconds") or 0
    results = run.get("file_results") or []
    once = len(results) == files and all(result.get("attempts") == 1 for result in results)
    line = (f"{label:<14} {run.get('state', '?'):<9} split {run.get('split') or '?':<7} makespan {wall:7.2f} s  "
            f"÷ bound {wall / bound:5.3f}  load {run['_load']:4.1f}  files {len(results)}{'' if once else ' (NOT once each)'}")
    details = slot_time(run, slots) or []
    if latency:
        details.append(f"lease-to-start over {len(latency)} batches: median {statistics.median(latency):.2f} ms, "
                       f"p90 {percentile(latency, 0.9):.2f} ms, max {max(latency):.2f} ms")
    details += worker_steps(records or [], run)
    print("\n".join([line] + [f"{'':<14} {detail}" for detail in details]), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("slipway")
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--slots", type=int, default=32)
    parser.add_argument("--hosts", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=16.0)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--sigma", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", choices=["remote", "local"])
    options = parser.parse_args()
    if os.geteuid() != 0 or shutil.which("ip") is None:
        sys.exit("ci/bench/workers needs root and iproute2 (ip netns)")
    if options.slots % options.hosts:
        sys.exit("--slots must split evenly over --hosts")

    seconds = durations(options.files, options.slots, options.seconds, options.seed, options.sigma)
    bound = lower_bound(seconds, options.slots)
    print(f"{options.files} sleep-bound files, {sum(seconds):.1f} s in all (median {statistics.median(seconds):.2f} s, "
          f"longest {max(seconds):.2f} s), {options.slots} slots: lower bound {bound:.2f} s; "
          f"{os.cpu_count()} CPUs, load {load_average():.1f}", flush=True)

    root = Path(tempfile.mkdtemp(prefix="slipway-bench-workers-"))
    os.chmod(root, 0o755)
    processes, hosts = Processes(), None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    try:
        work, origin = make_origin(root, seconds, options.slots)
        if options.only != "local":
            hosts = Hosts(options.hosts)
            directory = root / "remote"
            directory.mkdir()
            service = Service(options.slipway, directory, processes, hosts.address, options.slots, remote=True)
            token = json.loads(service.client("tokens", "create", "bench-workers", "--scope", "worker", "--json"))["token"]
            environment = dict(os.environ, SLIPWAY_TOKEN=token)
            logs = []
            for index, namespace in enumerate(hosts.namespaces):
                log = directory / f"worker-{index}.log"
                logs.append(log)
                processes.start(["ip", "netns", "exec", namespace, options.slipway, "worker", "--server", service.server,
                                 "--name", f"host{index}", "--slots", str(options.slots // options.hosts),
                                 "--data-dir", str(directory / f"worker-{index}")], log, environment)
            deadline = time.monotonic() + 60
            while len(service.json("workers")) < options.hosts:
                if time.monotonic() > deadline:
                    sys.exit("the workers never registered:\n" + masked(logs[0].read_text())[-2000:])
                time.sleep(0.2)
            service.client("pipelines", "create", "bench", "--repo", str(origin))
            seen = set()
            for round_number, label in enumerate(["remote cold", "remote warm"][:options.rounds]):
                push_pull_request_head(work, origin, f"remote-{round_number}")
                offsets = [log.stat().st_size for log in logs]
                load = load_average()
                service.client("pr", "sync")
                run = service.finished_run(seen)
                seen.add(run.get("commit"))
                run["_load"] = load
                # A worker prints a slot's timing once the slot has ended, a moment after the run did.
                deadline = time.monotonic() + 10
                while len(timings(logs, offsets, run.get("id"))) < options.slots and time.monotonic() < deadline:
                    time.sleep(0.2)
                describe(label, run, bound, options.files, options.slots, latencies(logs, offsets),
                         timings(logs, offsets, run.get("id")))
            processes.stop_all()
            processes.started.clear()
            hosts.remove()
            hosts = None
        if options.only != "remote":
            directory = root / "local"
            directory.mkdir()
            service = Service(options.slipway, directory, processes, "127.0.0.1", options.slots, remote=False)
            service.client("pipelines", "create", "bench", "--repo", str(origin))
            seen = set()
            for round_number, label in enumerate(["local cold", "local warm"][:options.rounds]):
                push_pull_request_head(work, origin, f"local-{round_number}")
                load = load_average()
                service.client("pr", "sync")
                run = service.finished_run(seen)
                seen.add(run.get("commit"))
                run["_load"] = load
                describe(label, run, bound, options.files, options.slots)
    finally:
        processes.stop_all()
        if hosts is not None:
            hosts.remove()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
