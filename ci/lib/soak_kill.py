#!/usr/bin/env python3
"""The kill -9 soak: real pull-request lifecycles through a real, sandboxed `slipway serve`, killed with SIGKILL at
random moments and started again on the same data dir; after every restart, once recovery has ended, it checks:

  target     the target branch only ever points at merge commits whose `ci` check succeeded
  orphans    no process is left that no dyno record owns
  stuck      nothing is stuck in running/creating/pending (test runs, builds, review apps, releases), and every
             open pull request's current test merge has a decided `ci`
  integrity  `PRAGMA integrity_check` (and `foreign_key_check`) is ok on the SQLite store (between kill and start)
  review     every open pull request ends with a deployed (answering) or a failed-with-reason review app
and at the end, after serve's graceful stop (SIGTERM, exit 0), that none of its processes is left.

Each cycle does 1–3 seeded actions — open a pull request (a passing, slow or failing test of its own, sometimes a
change to a file others change too, so merges make conflicts), push to one, close one, or ask the gate to merge
one (`POST …/prs/N/merge`, in the background: it deploys staging) — as GitHub would, by signed `pull_request`
webhooks; the kill lands at a seeded moment in the cycle, sometimes again during the next start's recovery.
Deliveries the dead service could not take are delivered again after the restart, as GitHub redelivers.
The seed fixes the plan (actions, kill times); how far the service got when the kill lands depends on the machine.

    soak_kill.py SLIPWAY_BINARY [--cycles N] [--seed S] [--keep]

Exit status: 0 when every invariant held in every cycle, 1 otherwise, 2 on bad arguments.
"""
import argparse
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import soak_invariants as invariants
from slipway_serve import free_port, serve_log_tail
from soak_world import Api, ApiError, Origin, Serve, Webhooks

# Unlike any other service's apps on the machine, other soaks' included: the orphan check tells this run's
# processes by their apps' names (`<pipeline>-pr-N`, `<pipeline>-staging`).
PIPELINE = "soak" + secrets.token_hex(3)
MAX_OPEN = 4


class Soak:
    def __init__(self, binary, directory, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.directory = directory
        self.origin = Origin(directory)
        self.serve = Serve(binary, directory, free_port(), free_port(), secrets.token_hex(16))
        self.webhooks = Webhooks(self.serve.api_port, self.serve.webhook_secret, PIPELINE)
        self.undelivered = []
        self.open = {}  # number → {"head", "branch", "revision"}
        self.next_number = 1
        self.counts = {"opened": 0, "pushes": 0, "closed": 0, "merge requests": 0, "merged": 0, "kills": 0,
                       "kills during recovery": 0, "redelivered": 0}
        self.checked = 0
        self.failures = []
        self.merges = []
        # Gate answers arrive on threads of their own and deliver `closed` webhooks from there.
        self.delivering = threading.Lock()

    # Setup

    def setup(self):
        self.serve.start()
        token = (self.serve.data / "admin-token").read_text().strip()
        self.api = Api(f"http://127.0.0.1:{self.serve.api_port}", token)
        self.api.post("/api/v1/pipelines", {"name": PIPELINE, "repository": str(self.origin.bare)})
        self.api.post("/api/v1/apps", {"name": f"{PIPELINE}-staging", "pipeline": PIPELINE, "stage": "staging"})
        self.target = invariants.TargetHistory(self.origin, self.api, PIPELINE)

    # Actions

    def deliver(self, action, number, head, branch, merged=False):
        """Delivers now, or after the restart when the service is down (in order, behind earlier ones)."""
        with self.delivering:
            delivery = self.webhooks.make(action, number, head, branch, merged)
            if self.undelivered or not self.webhooks.deliver(delivery):
                self.undelivered.append(delivery)

    def open_pull_request(self):
        number = self.next_number
        self.next_number += 1
        kind = self.rng.choices(["pass", "slow", "fail"], [6, 3, 1.5])[0]
        head = self.origin.commit_pull_request(number, "refs/remotes/origin/main", kind, self.rng.random() < 0.2, 1)
        self.open[number] = {"head": head, "branch": f"soak-{number}", "revision": 1}
        self.counts["opened"] += 1
        self.deliver("opened", number, head, f"soak-{number}")
        return f"open #{number} ({kind})"

    def push(self, number):
        pull = self.open[number]
        pull["revision"] += 1
        kind = self.rng.choices(["pass", "slow", "fail"], [6, 3, 1.5])[0]
        pull["head"] = self.origin.commit_pull_request(number, pull["head"], kind, self.rng.random() < 0.1, pull["revision"])
        self.counts["pushes"] += 1
        self.deliver("synchronize", number, pull["head"], pull["branch"])
        return f"push #{number} ({kind})"

    def close(self, number):
        pull = self.open.pop(number)
        self.counts["closed"] += 1
        self.deliver("closed", number, pull["head"], pull["branch"])
        return f"close #{number}"

    def merge(self, number):
        """The gate, asked in the background (it waits for the staging deploy); a kill may cut it short."""
        self.counts["merge requests"] += 1
        pull = self.open[number]

        def ask():
            try:
                outcome = self.api.post(f"/api/v1/pipelines/{PIPELINE}/prs/{number}/merge", timeout=300)
            except ApiError:
                return
            if outcome.get("merged"):
                self.counts["merged"] += 1
                # GitHub announces the merge with `closed` and merged: true.
                self.deliver("closed", number, pull["head"], pull["branch"], merged=True)

        thread = threading.Thread(target=ask, daemon=True)
        thread.start()
        self.merges.append(thread)
        return f"merge #{number}"

    def act(self):
        choices = []
        if len(self.open) < MAX_OPEN:
            choices += [self.open_pull_request] * 3
        numbers = sorted(self.open)
        if numbers:
            choices += [lambda: self.push(self.rng.choice(sorted(self.open)))] * 3
            choices += [lambda: self.merge(self.rng.choice(sorted(self.open)))] * 3
            choices += [lambda: self.close(self.rng.choice(sorted(self.open)))]
        return self.rng.choice(choices)()

    # A cycle

    def cycle(self, index, total):
        started = time.monotonic()
        kill_at = self.rng.uniform(0.2, 8.0)
        killer = threading.Timer(kill_at, self.kill)
        killer.start()
        done = []
        for _ in range(self.rng.randint(1, 3)):
            done.append(self.act())
            time.sleep(self.rng.uniform(0, 1.5))
        killer.join()
        for thread in self.merges:
            thread.join(timeout=30)
        self.merges = [thread for thread in self.merges if thread.is_alive()]
        self.checked += 1
        self.expect("integrity", index, invariants.integrity(self.serve.data))

        restart = self.start_again(index)
        if self.rng.random() < 0.15:
            # Killed again while recovering (the restarted service reconciles, redeploys and re-tests).
            time.sleep(self.rng.uniform(0, 2.0))
            self.kill()
            self.counts["kills during recovery"] += 1
            restart += self.start_again(index)
        recovery = self.wait_for_recovery(index)
        self.check(index)
        print(f"cycle {index}/{total}: {', '.join(done)}; killed at {kill_at:.1f} s; started again in {restart:.1f} s, "
              f"recovered in {recovery:.1f} s; open {sorted(self.open)}; {time.monotonic() - started:.0f} s", flush=True)

    def kill(self):
        if self.serve.kill9():
            self.counts["kills"] += 1

    def start_again(self, index):
        try:
            took = self.serve.start()
        except RuntimeError as error:
            self.fail("restart", index, [str(error)])
            raise SystemExit(self.report())
        with self.delivering:
            while self.undelivered and self.webhooks.deliver(self.undelivered[0]):
                self.undelivered.pop(0)
                self.counts["redelivered"] += 1
        return took

    def wait_for_recovery(self, index):
        """Recovery has ended when a reconciliation's test runs and deploys are done (`prs/sync?wait=true`),
        nothing is left running and every process is a reported dyno (the current releases are started again in
        the background: a dyno is reported once its release is up). What is still wrong after 90 s more is the
        invariants' failure."""
        started = time.monotonic()
        try:
            self.api.post(f"/api/v1/pipelines/{PIPELINE}/prs/sync?wait=true", timeout=300)
        except ApiError as error:
            self.fail("recovery", index, [f"prs/sync?wait=true failed: {error}"])
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                statuses = invariants.open_pull_requests(self.api, PIPELINE)
                if not (invariants.stuck(self.api, PIPELINE) or invariants.undecided(statuses)
                        or invariants.orphans(self.api, PIPELINE, self.serve.pid, self.serve.data)):
                    break
                time.sleep(1)
                # A test run that finished asks for a reconciliation of its own (a review app waiting for it).
                self.api.post(f"/api/v1/pipelines/{PIPELINE}/prs/sync?wait=true", timeout=300)
            except ApiError:
                time.sleep(1)
        return time.monotonic() - started

    def check(self, index):
        statuses = invariants.open_pull_requests(self.api, PIPELINE)
        self.open = {number: pull for number, pull in self.open.items()
                     if any(status["number"] == number for status in statuses)}
        for name, problems in (
            ("target", lambda: self.target.check()),
            # Booting and draining dynos settle within their boot and stop grace: 60 s is more than either here.
            ("orphans", lambda: invariants.orphans(self.api, PIPELINE, self.serve.pid, self.serve.data, settle=60)),
            ("stuck", lambda: invariants.stuck(self.api, PIPELINE) + invariants.undecided(statuses)),
            ("review", lambda: invariants.review_apps(self.api, statuses, self.serve.router_port)),
        ):
            self.checked += 1
            try:
                found = problems()
            except ApiError as error:
                found = [f"the API failed: {error}"]
            self.expect(name, index, found)

    # Results

    def expect(self, name, index, problems):
        if problems:
            self.fail(name, index, problems)

    def fail(self, name, index, problems):
        self.failures.append((name, index))
        where = f"cycle {index}" if isinstance(index, int) else index
        print(f"INVARIANT FAILED: {name} in {where} (seed {self.seed}):", flush=True)
        for problem in problems[:20]:
            print(f"  - {problem}")
        print("  serve's last lines:\n    " + serve_log_tail(self.directory, 2500).replace("\n", "\n    "), flush=True)

    def report(self):
        return 1 if self.failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("slipway")
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--keep", action="store_true", help="keep the data dir (its path is printed)")
    options = parser.parse_args()
    if options.cycles < 1:
        parser.error("--cycles must be at least 1")
    seed = options.seed if options.seed is not None else secrets.randbelow(1_000_000)
    directory = Path(tempfile.mkdtemp(prefix="slipway-soak-"))
    # As /var/lib is; serve's own data dir inside stays private.
    directory.chmod(0o755)
    print(f"kill -9 soak: {options.cycles} cycles, seed {seed}, in {directory}", flush=True)
    started = time.monotonic()
    soak = Soak(options.slipway, directory, seed)
    try:
        soak.setup()
        for index in range(1, options.cycles + 1):
            soak.cycle(index, options.cycles)
    finally:
        stopped = soak.serve.stop()
        if stopped is not None:
            soak.checked += 1
            time.sleep(1)
            soak.expect("stopped", "the final stop", invariants.left_after_stop(PIPELINE, soak.serve.data)
                        + ([] if stopped == 0 else [f"serve exited with {stopped} after SIGTERM"]))
        counts = soak.counts
        print(f"summary: {options.cycles} cycles, {counts['kills']} kills ({counts['kills during recovery']} during "
              f"recovery), {soak.checked} invariants checked, {len(soak.failures)} failed"
              f"{' (' + ', '.join(f'{name} in cycle {index}' for name, index in soak.failures[:10]) + ')' if soak.failures else ''}; "
              f"{counts['opened']} pull requests opened, {counts['pushes']} pushes, {counts['closed']} closed, "
              f"{counts['merge requests']} merge requests, {counts['merged']} merged, {counts['redelivered']} webhooks "
              f"redelivered; target at {len(soak.origin.first_parent_history()) - 1} merge(s); "
              f"serve's final SIGTERM exit {stopped}; seed {seed}; wall time {time.monotonic() - started:.0f} s", flush=True)
        if options.keep:
            print(f"kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    sys.exit(soak.report())


if __name__ == "__main__":
    main()
