#!/usr/bin/env python3
"""Runs schemathesis (`--checks all`) against a real `slipway serve` with a seeded pipeline and app.

Starts serve on free loopback ports in a fresh data dir, seeds what the stateful links need (a pipeline on a
repository inside the data dir, an app in it at staging with one deployed release, a review config var), makes a
token of its own for the run (so the fuzzer's token revocations cannot lock the run out) and runs
`schemathesis run <serve>/api/v1/openapi.json --checks all`. Prints schemathesis's report; the exit status is
schemathesis's (0: no failure).

    schemathesis_run.py SLIPWAY_BINARY [--max-examples N] [--workers N] [--seed S]
"""
import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from slipway_serve import free_port, serve_command, serve_log_tail, wait_until_healthy

CONFIG = Path(__file__).with_name("schemathesis.toml")




def request(method, url, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers), timeout=120) as answer:
        return json.loads(answer.read() or b"null")


def seed(api, token, data):
    """A pipeline on a repository in the data dir, an app at staging with a deployed release, a review var."""
    work = data / "seed-work"
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    (work / "Procfile").write_text("web: exec python3 -m http.server $PORT\n")
    (work / "index.html").write_text("seeded\n")
    subprocess.run(["git", "-C", str(work), "add", "."], check=True)
    subprocess.run(["git", "-C", str(work), "-c", "user.name=seed", "-c", "user.email=seed@example.com", "commit", "-qm", "seed"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(data / "origin.git")], check=True)
    request("POST", f"{api}/api/v1/pipelines", token, {"name": "shop", "repository": str(data / "origin.git")})
    request("POST", f"{api}/api/v1/apps", token, {"name": "shop-staging", "pipeline": "shop", "stage": "staging"})
    request("PATCH", f"{api}/api/v1/apps/shop-staging/config-vars", token, {"GREETING": "hello"})
    request("POST", f"{api}/api/v1/apps/shop-staging/deploys", token, {"directory": str(work)})
    request("PATCH", f"{api}/api/v1/pipelines/shop/review-config-vars", token, {"REVIEW_ONLY": "1"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("slipway")
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed")
    options = parser.parse_args()
    schemathesis = shutil.which("schemathesis") or shutil.which("st")
    if not schemathesis:
        sys.exit("schemathesis is not installed (ci/setup --tests installs it from PyPI)")
    directory = Path(tempfile.mkdtemp(prefix="slipway-schemathesis-"))
    directory.chmod(0o755)
    data = directory / "data"
    api_port, router_port = free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"
    log = open(directory / "serve.log", "w")
    serve = subprocess.Popen(serve_command(options.slipway, data, api_port, router_port),
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                             env=dict(os.environ, SLIPWAY_WEBHOOK_SECRET=secrets.token_hex(16)))
    try:
        if wait_until_healthy(api_port, serve) is None:
            sys.exit("serve did not start:\n" + serve_log_tail(directory))
        admin = (data / "admin-token").read_text().strip()
        seed(api, admin, data)
        token = request("POST", f"{api}/api/v1/tokens", admin, {"name": "st-" + secrets.token_hex(6)})["token"]
        command = [schemathesis, "--config-file", str(CONFIG), "run", f"{api}/api/v1/openapi.json", "--url", api,
                   "--checks", "all", "-H", f"Authorization: Bearer {token}", "--max-examples", str(options.max_examples),
                   "--workers", str(options.workers), "--no-color"]
        if options.seed:
            command += ["--seed", options.seed]
        result = subprocess.run(command)
        still_serving = serve.poll() is None
        if not still_serving:
            print("serve died during the run:\n" + serve_log_tail(directory))
        sys.exit(result.returncode if still_serving else 1)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGTERM)
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
