#!/usr/bin/env python3
"""Webhook to review app answering, with and without a fresh PostgreSQL database, through a real `slipway serve`.

Two pipelines in one serve: `plain` (a tiny Python web app) and `withdb` (the same app declaring
`heroku-postgresql`, whose release phase writes through DATABASE_URL with psql). Each round opens one pull request
on each pipeline, alternating which goes first: the real GitHub `pull_request` payload of the corpus, signed, is
POSTed to the webhook, and the clock stops when the review app's host answers 200 through the router. It prints
the median of each and what the database adds.

    review_app_bench.py SLIPWAY_BINARY [--rounds N]
"""
import argparse
import hashlib
import hmac
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lib"))
from slipway_serve import free_port, router_answers, serve_command, serve_log_tail, wait_until_healthy  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
PAYLOAD = ROOT / "fixtures/corpus/webhooks/001-pull_request-opened.payload.json"
SECRET = "bench-webhook-secret"

SERVER = """import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"review app up\\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
"""




def git(repository, *arguments, stdin=None):
    return subprocess.run(["git", "-C", str(repository), *arguments], check=True, capture_output=True, text=True,
                          input=stdin).stdout.strip()


def make_origin(directory, with_database):
    """A bare repository whose main holds the app; returns its path."""
    work = directory / ("work-db" if with_database else "work-plain")
    origin = directory / ("origin-db.git" if with_database else "origin-plain.git")
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    (work / "server.py").write_text(SERVER)
    procfile = "web: exec python3 server.py\n"
    app = {"name": "bench", "environments": {"test": {"scripts": {"test": "true"}}}}
    if with_database:
        app["addons"] = ["heroku-postgresql"]
        procfile += "release: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -qc 'CREATE TABLE visits (n int)'\n"
    (work / "Procfile").write_text(procfile)
    (work / "app.json").write_text(json.dumps(app))
    git(work, "add", ".")
    git(work, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "base")
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(origin)], check=True)
    return work, origin


def open_pull_request(work, origin, number):
    """A commit on main pushed as refs/pull/<number>/head; returns its sha."""
    (work / "NOTE").write_text(f"pull request {number}\n")
    git(work, "add", ".")
    git(work, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", f"pr {number}")
    sha = git(work, "rev-parse", "HEAD")
    git(work, "push", "-q", str(origin), f"HEAD:refs/pull/{number}/head")
    git(work, "reset", "-q", "--hard", "HEAD~1")
    return sha


def post_webhook(api_port, pipeline, number, sha):
    payload = json.loads(PAYLOAD.read_text())
    payload["number"] = number
    payload["action"] = "opened"
    payload["pull_request"]["number"] = number
    payload["pull_request"]["head"]["sha"] = sha
    payload["pull_request"]["head"]["ref"] = f"bench-{number}"
    payload["pull_request"]["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"http://127.0.0.1:{api_port}/webhooks/github?pipeline={pipeline}", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-GitHub-Event": "pull_request",
                 "X-GitHub-Delivery": f"bench-{pipeline}-{number}", "X-Hub-Signature-256": signature})
    with urllib.request.urlopen(request, timeout=10) as answer:
        if answer.status != 202:
            sys.exit(f"the webhook was not accepted: {answer.status}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("slipway")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="slipway-bench-review-"))
    # As /var/lib is (serve's own data dir inside stays private: the postgres user alone gets through, by an ACL).
    directory.chmod(0o755)
    data = directory / "data"
    api_port, router_port = free_port(), free_port()
    environment = dict(os.environ, SLIPWAY_WEBHOOK_SECRET=SECRET)
    log = open(directory / "serve.log", "w")
    serve = subprocess.Popen(serve_command(options.slipway, data, api_port, router_port, "--allow-path", str(directory)),
                             stdout=log, stderr=subprocess.STDOUT, env=environment, start_new_session=True)
    try:
        if wait_until_healthy(api_port, serve) is None:
            sys.exit("serve did not start:\n" + serve_log_tail(directory))
        client = ["--server", f"http://127.0.0.1:{api_port}", "--data-dir", str(data)]
        origins = {}
        for pipeline, with_database in (("plain", False), ("withdb", True)):
            work, origin = make_origin(directory, with_database)
            subprocess.run([options.slipway, "pipelines", "create", pipeline, "--repo", str(origin)] + client,
                           check=True, capture_output=True)
            origins[pipeline] = (work, origin)
        # One unmeasured pull request each: the managed PostgreSQL server's initdb happens once per data dir.
        samples = {"plain": [], "withdb": []}
        for round_index in range(options.rounds + 1):
            order = ["plain", "withdb"] if round_index % 2 == 0 else ["withdb", "plain"]
            for pipeline in order:
                number = round_index + 1
                work, origin = origins[pipeline]
                sha = open_pull_request(work, origin, number)
                start = time.monotonic()
                post_webhook(api_port, pipeline, number, sha)
                host = f"pr-{number}.{pipeline}.localhost"
                while not router_answers(router_port, host, timeout=2):
                    if time.monotonic() - start > 120:
                        sys.exit(f"{host} never answered; serve's last lines:\n" + serve_log_tail(directory))
                    time.sleep(0.01)
                if round_index > 0:
                    samples[pipeline].append(time.monotonic() - start)
        plain, database = statistics.median(samples["plain"]), statistics.median(samples["withdb"])
        print(f"webhook → review app answering 200, median of {options.rounds} pull requests each (one serve, sandboxed)")
        print(f"  without add-ons                          {plain * 1000:7.0f} ms")
        print(f"  heroku-postgresql, a fresh database      {database * 1000:7.0f} ms   added: {(database - plain) * 1000:.0f} ms"
              f" (goal ≤ 1000 ms)")
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        shutil.rmtree(directory, ignore_errors=True)



if __name__ == "__main__":
    main()
