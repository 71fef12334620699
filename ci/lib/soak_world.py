"""What the kill -9 soak (ci/lib/soak_kill.py) drives: a real `slipway serve` it can SIGKILL and start again on the
same data dir, its API, a pipeline's origin repository holding a tiny web app with a test suite, and GitHub
`pull_request` webhooks made from the corpus's real payloads and signed as GitHub signs them."""
import hashlib
import hmac
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from slipway_serve import serve_command, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
OPENED_PAYLOAD = ROOT / "fixtures/corpus/webhooks/001-pull_request-opened.payload.json"

SERVER = """import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("soak " + open("version.txt").read().strip() + "\\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""

# TAP from plain shell test files, as Tests/ServerTests/PullRequestFixture's suite does.
RUN_TESTS = """n=0; status=0
for file in "$@"; do
  n=$((n + 1))
  if sh "$file"; then echo "ok $n - $file"; else echo "not ok $n - $file"; status=1; fi
done
echo "1..$n"
exit $status
"""

APP_JSON = {
    "name": "soak",
    "environments": {"test": {"scripts": {"test": "sh bin/run-tests {files}"}}},
    "slipway": {"tests": {"files": ["tests/*.sh"]}},
}

# What a pull request's own test file does: the gate must merge the first two and refuse the last.
TEST_KINDS = {"pass": "true\n", "slow": "sleep 2\n", "fail": "echo 'soak: this pull request fails'; exit 1\n"}


class ApiError(Exception):
    pass


class Api:
    """The service's JSON API with a bearer token. A dead service raises ApiError (the caller decides)."""

    def __init__(self, base, token):
        self.base = base
        self.token = token

    def call(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            raise ApiError(f"{method} {path}: {error.code} {error.read()[:300].decode(errors='replace')}") from None
        except (OSError, ValueError) as error:
            raise ApiError(f"{method} {path}: {error}") from None

    def get(self, path, timeout=30):
        return self.call("GET", path, timeout=timeout)

    def post(self, path, body=None, timeout=30):
        return self.call("POST", path, body if body is not None else {}, timeout=timeout)


class Serve:
    """`slipway serve` on fixed ports and one data dir, sandboxed as users run it, started again after each kill.
    Its output goes to `directory/serve.log` (appended across starts)."""

    def __init__(self, binary, directory, api_port, router_port, webhook_secret):
        self.binary = binary
        self.directory = directory
        self.data = directory / "data"
        self.api_port = api_port
        self.router_port = router_port
        self.webhook_secret = webhook_secret
        self.process = None

    @property
    def pid(self):
        return self.process.pid

    def start(self, timeout=90):
        """Starts serve and returns once /healthz answers (after startup recovery, which runs before it listens)."""
        log = open(self.directory / "serve.log", "a")
        log.write(f"---- start at {time.strftime('%H:%M:%S')}\n")
        log.flush()
        self.process = subprocess.Popen(
            serve_command(self.binary, self.data, self.api_port, self.router_port, "--test-workers", "1",
                          "--allow-path", str(self.directory)),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env=dict(os.environ, SLIPWAY_WEBHOOK_SECRET=self.webhook_secret))
        log.close()
        seconds = wait_until_healthy(self.api_port, self.process, timeout)
        if seconds is not None:
            return seconds
        if self.process.poll() is not None:
            raise RuntimeError(f"serve exited with {self.process.returncode} while starting")
        raise RuntimeError(f"serve did not answer /healthz within {timeout} s")

    def kill9(self):
        """SIGKILL to serve alone, as a crash or the OOM killer does: its dynos' groups are left to its keeper
        and to the next start's recovery."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
            return True
        return False

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        """SIGTERM (graceful: dynos stopped); SIGKILL to the group after 60 s. Returns the exit status."""
        if not self.alive():
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()


def git(repository, *arguments):
    return subprocess.run(["git", "-C", str(repository), "-c", "user.name=soak", "-c", "user.email=soak@example.com",
                           *arguments], check=True, capture_output=True, text=True).stdout.strip()


class Origin:
    """The pipeline's bare origin (`origin.git`) and a work clone that makes the pull requests' commits. Pull
    requests live at `refs/pull/N/head`, as GitHub keeps them (also after closing)."""

    def __init__(self, directory):
        self.work = directory / "work"
        self.bare = directory / "origin.git"
        subprocess.run(["git", "init", "-q", "-b", "main", str(self.work)], check=True)
        (self.work / "server.py").write_text(SERVER)
        (self.work / "Procfile").write_text("web: exec python3 server.py\n")
        (self.work / "app.json").write_text(json.dumps(APP_JSON, indent=2) + "\n")
        (self.work / "version.txt").write_text("base\n")
        (self.work / "shared.txt").write_text("base\n")
        (self.work / "bin").mkdir()
        (self.work / "bin/run-tests").write_text(RUN_TESTS)
        (self.work / "tests").mkdir()
        (self.work / "tests/base.sh").write_text("test -f server.py\n")
        git(self.work, "add", ".")
        git(self.work, "commit", "-qm", "base")
        subprocess.run(["git", "clone", "-q", "--bare", str(self.work), str(self.bare)], check=True)
        git(self.work, "remote", "add", "origin", str(self.bare))
        self.base = self.tip()

    def tip(self, ref="refs/heads/main"):
        return git(self.bare, "rev-parse", ref)

    def commit_pull_request(self, number, parent, test_kind, touch_shared, revision):
        """A commit on `parent` changing the pull request's own files (and `shared.txt`, which conflicts with
        other pull requests that change it), pushed as refs/pull/<number>/head; returns its id."""
        # The gate's merge commits are made in the origin; the rest was committed here.
        git(self.work, "fetch", "-q", "origin", "+refs/heads/main:refs/remotes/origin/main")
        git(self.work, "checkout", "-q", "--detach", parent)
        (self.work / "prs").mkdir(exist_ok=True)
        (self.work / f"prs/{number}.txt").write_text(f"pull request {number}, revision {revision}\n")
        (self.work / f"tests/pr{number}.sh").write_text(TEST_KINDS[test_kind])
        (self.work / "version.txt").write_text(f"pr {number} r{revision}\n")
        if touch_shared:
            (self.work / "shared.txt").write_text(f"changed by pull request {number} r{revision}\n")
        git(self.work, "add", "-A")
        git(self.work, "commit", "-qm", f"pull request {number} revision {revision}")
        head = git(self.work, "rev-parse", "HEAD")
        git(self.work, "push", "-q", "-f", "origin", f"HEAD:refs/pull/{number}/head")
        return head

    def first_parent_history(self):
        """The target's tips from now back to the first commit (every value it has had: the gate only ever
        moves it by compare-and-swap to a merge whose first parent is the tip it tested against)."""
        return git(self.bare, "rev-list", "--first-parent", "refs/heads/main").split()

    def parents(self, commit):
        return git(self.bare, "rev-list", "--parents", "-n", "1", commit).split()[1:]


class Webhooks:
    """Signed GitHub `pull_request` deliveries, built from the corpus's real `opened` payload. `updated_at` grows
    by a second per delivery, so a redelivery after a restart is never mistaken for an older event."""

    def __init__(self, api_port, secret, pipeline):
        self.url = f"http://127.0.0.1:{api_port}/webhooks/github?pipeline={pipeline}"
        self.secret = secret
        self.sequence = 0
        self.epoch = int(time.time())
        self.template = json.loads(OPENED_PAYLOAD.read_text())

    def make(self, action, number, head, branch, merged=False):
        self.sequence += 1
        payload = json.loads(json.dumps(self.template))
        payload["action"] = action
        payload["number"] = number
        pull = payload["pull_request"]
        pull["number"] = number
        pull["head"]["sha"] = head
        pull["head"]["ref"] = branch
        pull["state"] = "closed" if action == "closed" else "open"
        pull["merged"] = merged
        pull["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.epoch + self.sequence))
        return {"id": f"soak-{self.epoch}-{self.sequence}", "body": json.dumps(payload).encode(), "what": f"{action} #{number}"}

    def deliver(self, delivery):
        """True when the service took it (202, or 200 for a duplicate); False when it could not be reached."""
        signature = "sha256=" + hmac.new(self.secret.encode(), delivery["body"], hashlib.sha256).hexdigest()
        request = urllib.request.Request(self.url, data=delivery["body"], method="POST", headers={
            "Content-Type": "application/json", "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": delivery["id"], "X-Hub-Signature-256": signature})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                if answer.status not in (200, 202):
                    raise RuntimeError(f"webhook {delivery['what']} answered {answer.status}")
                return True
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"webhook {delivery['what']} answered {error.code}: {error.read()[:200]!r}") from None
        except OSError:
            return False
