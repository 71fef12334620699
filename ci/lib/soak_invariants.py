"""The invariants the kill -9 soak (ci/lib/soak_kill.py) checks after every restart, once recovery has ended.
Each check returns a list of problems (empty: it held); each problem is one line a person can act on."""
import os
import time
import sqlite3
from pathlib import Path

from slipway_serve import router_answers

STUCK = {"test run": {"pending", "running"}, "build": {"building"}, "review app": {"creating"}, "release": {"pending"}}


def integrity(data):
    """`PRAGMA integrity_check` (and `foreign_key_check`) on the SQLite store, read-only, while serve is down."""
    database = data / "slipway.sqlite"
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else [f"integrity_check: {'; '.join(rows[:5])}"]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            problems.append(f"foreign_key_check: {len(foreign)} row(s) point nowhere, e.g. {foreign[:3]}")
        return problems
    finally:
        connection.close()


class TargetHistory:
    """The target branch only ever points at merge commits whose `ci` check succeeded: every commit on its
    first-parent chain since the start is a two-parent merge with `ci` = success (read through the API)."""

    def __init__(self, origin, api, pipeline):
        self.origin = origin
        self.api = api
        self.pipeline = pipeline
        self.verified = set()

    def check(self):
        problems = []
        for commit in self.origin.first_parent_history():
            if commit == self.origin.base or commit in self.verified:
                continue
            parents = self.origin.parents(commit)
            if len(parents) != 2:
                problems.append(f"target commit {commit[:10]} is not a merge ({len(parents)} parent(s))")
                continue
            checks = self.api.get(f"/api/v1/pipelines/{self.pipeline}/commits/{commit}/checks")
            ci = [check for check in checks if check.get("context") == "ci"]
            if not ci or ci[0].get("state") != "success":
                problems.append(f"target commit {commit[:10]} has ci = {ci[0].get('state') if ci else 'none'}"
                                f" ({ci[0].get('description') if ci else 'no check'})")
                continue
            self.verified.add(commit)
        return problems


def stuck(api, pipeline):
    """Test runs, builds, review apps and releases still in a state work leaves behind only while it runs."""
    found = []
    for run in api.get(f"/api/v1/pipelines/{pipeline}/test-runs?limit=200"):
        if run["state"] in STUCK["test run"]:
            found.append(f"test run {run['id'][:8]} of #{run.get('pr_number')} is {run['state']}")
    for build in api.get("/api/v1/builds?limit=200"):
        if build["state"] in STUCK["build"]:
            found.append(f"build {build['id'][:12]} is {build['state']}")
    for review in api.get(f"/api/v1/pipelines/{pipeline}/review-apps"):
        if review["state"] in STUCK["review app"]:
            found.append(f"review app {review['app']} is {review['state']}")
    for app in api.get("/api/v1/apps"):
        for release in api.get(f"/api/v1/apps/{app['name']}/releases?limit=10"):
            if release["state"] in STUCK["release"]:
                found.append(f"release v{release['version']} of {app['name']} is {release['state']}")
    return found


def open_pull_requests(api, pipeline):
    """The open pull requests' statuses (`GET …/prs/{N}`: fresh test merge, checks, review app, runs)."""
    return [api.get(f"/api/v1/pipelines/{pipeline}/prs/{record['number']}")
            for record in api.get(f"/api/v1/pipelines/{pipeline}/prs") if record["state"] == "open"]


def undecided(statuses):
    """An open pull request whose current test merge has no decided `ci` (pending or missing) once recovery has
    ended waits for a test run nobody will start: stuck too."""
    found = []
    for status in statuses:
        if status["conflicts"] or not status.get("merge_commit"):
            continue
        ci = [check for check in status["checks"] if check["context"] == "ci"]
        if not ci or ci[0]["state"] == "pending":
            found.append(f"#{status['number']}: ci on merge {status['merge_commit'][:10]} is "
                         f"{ci[0]['state'] if ci else 'missing'} after recovery")
    return found


def review_apps(api, statuses, router_port):
    """Every open pull request with a clean test merge has a review app of that merge, deployed (and answering
    through the router) or failed with a reason in its log. A conflicting one has a `ci` failure naming the
    conflicts on its head instead (README: it gets no review app)."""
    problems = []
    for status in statuses:
        number = status["number"]
        if status["conflicts"]:
            ci = [check for check in status["checks"] if check["context"] == "ci"]
            if not ci or ci[0]["state"] != "failure" or "conflicts" not in (ci[0].get("description") or ""):
                problems.append(f"#{number} conflicts ({', '.join(status['conflicts'])}) but its ci is {ci[:1]}")
            continue
        app = status.get("review_app")
        if not app:
            problems.append(f"#{number} (merge {str(status.get('merge_commit'))[:10]}) has no review app")
            continue
        if app.get("merge_commit") != status.get("merge_commit"):
            problems.append(f"#{number}'s review app runs merge {str(app.get('merge_commit'))[:10]}, "
                            f"not the current {str(status.get('merge_commit'))[:10]}")
        if app["state"] == "deployed":
            host = f"pr-{number}.{status['pipeline']}.localhost"
            if not router_answers(router_port, host):
                problems.append(f"#{number}'s review app {app['app']} is deployed but {host} does not answer 200")
        elif app["state"] == "failed":
            lines = api.get(f"/api/v1/apps/{app['app']}/logs?lines=200")
            reasons = [line["text"] for line in lines if line["source"] == "slipway" and "fail" in line["text"]
                       or line["source"] == "slipway" and line["text"].startswith(("cannot", "interrupted"))]
            if not reasons:
                problems.append(f"#{number}'s review app {app['app']} failed with no reason in its log")
        else:
            problems.append(f"#{number}'s review app {app['app']} is {app['state']}")
    return problems


def service_processes(pipeline, data, test_runs=()):
    """This service's processes by pid: (parent, environment, command). They are those whose environment names one
    of its apps (SLIPWAY_APP `<pipeline>-…`) or test runs (HEROKU_TEST_RUN_ID), that work in or bind from its data
    dir, and their descendants (other services on the machine run their own). Every process's parent is returned
    too, under `None`, for ancestry."""
    processes = {}
    prefix = str(Path(data).resolve()) + "/"
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] == "Z":
                continue
            environment = dict(item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().decode(
                errors="replace").split("\0") if "=" in item)
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except (OSError, ValueError):
            continue
        ours = (environment.get("SLIPWAY_APP", "").startswith(pipeline + "-")
                or environment.get("HEROKU_TEST_RUN_ID") in test_runs or cwd.startswith(prefix)
                or any(argument.startswith(prefix) for argument in command[1:]))
        processes[pid] = (int(fields[1]), ours, environment, " ".join(command)[:120])
    parents = {pid: parent for pid, (parent, _, _, _) in processes.items()}
    found = {}
    for pid, (parent, ours, environment, command) in processes.items():
        ancestry = ancestors(pid, parents)
        if ours or any(processes.get(ancestor, (0, False))[1] for ancestor in ancestry):
            found[pid] = (parent, environment, command)
    return found, parents


def ancestors(pid, parents):
    chain, current = [], parents.get(pid, 0)
    while current > 1 and len(chain) < 64:
        chain.append(current)
        current = parents.get(current, 0)
    return chain


def orphans(api, pipeline, serve_pid, data, settle=0):
    """No process is left that no dyno record owns: once recovery has ended every process of this service
    (`service_processes`) must be a dyno the API reports (app, dyno name and release) and a descendant of the
    running serve. A process of a killed instance's dyno group, a test worker or a task outliving its serve, or a
    dyno of an app that is gone, is an orphan.

    "Left" means it stays: the current releases are started again in the background after a restart, and a dyno
    is reported only once its release is up, so a booting dyno (or an old one still draining) has processes no
    report names yet. With `settle` seconds, the check is repeated until nothing unowned remains or that time
    has passed, and what is still unowned then is the answer."""
    deadline = time.monotonic() + settle
    while True:
        problems = unowned_processes(api, pipeline, serve_pid, data)
        if not problems or time.monotonic() >= deadline:
            return problems
        time.sleep(1)


def unowned_processes(api, pipeline, serve_pid, data):
    dynos = {}
    for app in api.get("/api/v1/apps"):
        for dyno in api.get(f"/api/v1/apps/{app['name']}/dynos"):
            dynos[(app["name"], dyno["name"], str(dyno["release"]))] = dyno["state"]
    test_runs = {run["id"] for run in api.get(f"/api/v1/pipelines/{pipeline}/test-runs?limit=1000")}
    found, parents = service_processes(pipeline, data, test_runs)
    problems = []
    for pid, (_, environment, command) in found.items():
        if pid == serve_pid:
            continue
        key = (environment.get("SLIPWAY_APP"), environment.get("DYNO"), environment.get("SLIPWAY_RELEASE", "").lstrip("v"))
        if serve_pid not in ancestors(pid, parents):
            problems.append(f"pid {pid} ({command}) is not the running serve's: {key[0] or '-'} {key[1] or ''}")
        elif key not in dynos:
            problems.append(f"pid {pid} ({command}) belongs to no dyno the API reports "
                            f"(SLIPWAY_APP={key[0]} DYNO={key[1]} release={key[2]})")
    return problems


def left_after_stop(pipeline, data):
    """After serve's graceful stop (SIGTERM) none of its processes may be left."""
    found, _ = service_processes(pipeline, data)
    return [f"pid {pid} ({command}) outlived serve's SIGTERM" for pid, (_, _, command) in found.items()]
