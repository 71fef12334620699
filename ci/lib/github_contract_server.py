#!/usr/bin/env python3
"""A stand-in for GitHub's REST API, for Slipway's contract tests.

Every request body Slipway sends is validated with the request models PyPI's githubkit generates from GitHub's
published OpenAPI description (commit statuses, deployments, deployment statuses, issue comments). Authorization
headers are checked: a GitHub App's JWT must be a well-formed RS256 token for the configured app id, and API calls
must carry the configured token or an installation token this server issued. Answers are GitHub's: 201 with the
resource, or scripted failures per commit sha (401, 403 with Retry-After, 422, 500, a hang past the client's
timeout). It fails at start, not later, when githubkit's models cannot be imported.

    github_contract_server.py --port-file FILE [--token T] [--app-id ID]
Control (JSON, no auth): GET /_control/requests, POST /_control/script {"<sha>": [answer, ...]},
POST /_control/hold {"hold": true|false} (hold: statuses are accepted but never answered, nor counted).
"""
import argparse
import base64
import datetime
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    try:
        from githubkit_schemas.latest.models import (
            ReposOwnerRepoStatusesShaPostBody,
            ReposOwnerRepoDeploymentsPostBody,
            ReposOwnerRepoDeploymentsDeploymentIdStatusesPostBody,
            ReposOwnerRepoIssuesIssueNumberCommentsPostBody,
            ReposOwnerRepoIssuesCommentsCommentIdPatchBody,
        )
    except ImportError:  # githubkit before its schemas moved to githubkit-schemas
        from githubkit.versions.latest.models import (
            ReposOwnerRepoStatusesShaPostBody,
            ReposOwnerRepoDeploymentsPostBody,
            ReposOwnerRepoDeploymentsDeploymentIdStatusesPostBody,
            ReposOwnerRepoIssuesIssueNumberCommentsPostBody,
            ReposOwnerRepoIssuesCommentsCommentIdPatchBody,
        )
except ImportError as error:  # the test must fail, not skip
    print(f"githubkit's request models are missing ({error}); run ci/setup --tests", file=sys.stderr)
    sys.exit(3)

ROUTES = [
    ("POST", re.compile(r"^/repos/([^/]+)/([^/]+)/statuses/([0-9a-f]{40})$"), ReposOwnerRepoStatusesShaPostBody, "status"),
    ("POST", re.compile(r"^/repos/([^/]+)/([^/]+)/deployments$"), ReposOwnerRepoDeploymentsPostBody, "deployment"),
    ("POST", re.compile(r"^/repos/([^/]+)/([^/]+)/deployments/(\d+)/statuses$"),
     ReposOwnerRepoDeploymentsDeploymentIdStatusesPostBody, "deployment_status"),
    ("POST", re.compile(r"^/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$"), ReposOwnerRepoIssuesIssueNumberCommentsPostBody, "comment"),
    ("PATCH", re.compile(r"^/repos/([^/]+)/([^/]+)/issues/comments/(\d+)$"), ReposOwnerRepoIssuesCommentsCommentIdPatchBody,
     "comment_update"),
]
TOKEN_ROUTE = re.compile(r"^/app/installations/(\d+)/access_tokens$")


def validate(model, body):
    """The model's errors for body, [] when it is valid; unknown keys are errors too (GitHub ignores them, but a
    key the API description does not name is a bug in Slipway)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    known = set(getattr(model, "model_fields", None) or getattr(model, "__fields__", {}))
    aliases = set()
    for name, field in (getattr(model, "model_fields", None) or {}).items():
        if getattr(field, "alias", None):
            aliases.add(field.alias)
    errors = [f"unknown key {key!r}" for key in body if key not in known and key not in aliases]
    try:
        if hasattr(model, "model_validate"):
            model.model_validate(body)
        else:
            model.parse_obj(body)
    except Exception as error:  # pydantic's ValidationError
        errors.append(str(error).replace("\n", " "))
    return errors


def b64url(segment):
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def jwt_problems(token, app_id):
    parts = token.split(".")
    if len(parts) != 3:
        return ["a JWT has three dot-separated parts"]
    try:
        header = json.loads(b64url(parts[0]))
        claims = json.loads(b64url(parts[1]))
        signature = b64url(parts[2])
    except Exception:
        return ["the JWT's parts are not base64url JSON"]
    problems = []
    if header.get("alg") != "RS256":
        problems.append(f"alg is {header.get('alg')!r}, GitHub wants RS256")
    if len(signature) not in (256, 384, 512):
        problems.append(f"an RS256 signature of {len(signature)} bytes")
    now = time.time()
    if str(claims.get("iss")) != str(app_id):
        problems.append(f"iss is {claims.get('iss')!r}, expected the app id {app_id}")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)):
        problems.append("iat and exp must be numbers")
    else:
        if iat > now + 1:
            problems.append("iat is in the future")
        if exp <= now:
            problems.append("the JWT has expired")
        if exp - iat > 600:
            problems.append("GitHub refuses a JWT that lives longer than ten minutes")
    return problems


class State:
    def __init__(self, token, app_id):
        self.lock = threading.Lock()
        self.token = token
        self.app_id = app_id
        self.requests = []
        self.script = {}
        self.hold = False
        self.issued = set()
        self.next_id = 1000


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body, headers=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-GitHub-Media-Type", "github.v3; format=json")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def do_GET(self):
            if self.path == "/_control/requests":
                with state.lock:
                    return self.answer(200, state.requests)
            return self.answer(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

        def do_PATCH(self):
            self.handle_api("PATCH")

        def do_POST(self):
            if self.path == "/_control/script":
                with state.lock:
                    state.script.update(json.loads(self.read_body()))
                return self.answer(200, {"ok": True})
            if self.path == "/_control/hold":
                with state.lock:
                    state.hold = bool(json.loads(self.read_body()).get("hold"))
                return self.answer(200, {"ok": True})
            self.handle_api("POST")

        def handle_api(self, method):
            raw = self.read_body()
            auth = self.headers.get("Authorization") or ""
            record = {"method": method, "path": self.path, "time": time.time(), "auth": "none", "problems": []}
            if self.headers.get("Accept") != "application/vnd.github+json":
                record["problems"].append(f"Accept is {self.headers.get('Accept')!r}")
            if not self.headers.get("User-Agent"):
                record["problems"].append("GitHub refuses requests without a User-Agent")
            match = TOKEN_ROUTE.match(self.path)
            if match and method == "POST":
                record["kind"] = "access_token"
                if not auth.startswith("Bearer "):
                    record["problems"].append("no bearer JWT")
                else:
                    record["auth"] = "jwt"
                    record["problems"] += jwt_problems(auth[7:], state.app_id)
                with state.lock:
                    state.requests.append(record)
                    state.next_id += 1
                    token = f"ghs_installation{state.next_id}"
                    state.issued.add(token)
                if record["problems"]:
                    return self.answer(401, {"message": "A JSON web token could not be decoded"})
                expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
                return self.answer(201, {"token": token, "expires_at": expires, "permissions": {"statuses": "write"},
                                         "repository_selection": "all"})
            for route_method, pattern, model, kind in ROUTES:
                match = pattern.match(self.path)
                if route_method == method and match:
                    break
            else:
                with state.lock:
                    state.requests.append(record)
                return self.answer(404, {"message": "Not Found"})
            record["kind"] = kind
            token = auth[7:] if auth.startswith("Bearer ") else (auth[6:] if auth.startswith("token ") else None)
            with state.lock:
                if token is not None and token == state.token:
                    record["auth"] = "token"
                elif token in state.issued:
                    record["auth"] = "installation"
                else:
                    record["problems"].append("unknown token")
            try:
                body = json.loads(raw)
            except Exception:
                body = None
                record["problems"].append("the body is not JSON")
            record["body"] = body
            if body is not None:
                record["problems"] += validate(model, body)
            key = match.group(3) if kind == "status" else kind
            with state.lock:
                hold = state.hold
                scripted = state.script.get(key) or []
                step = scripted.pop(0) if scripted else None
            if hold and kind == "status":
                record["answered"] = None
                with state.lock:
                    state.requests.append(record)
                time.sleep(3600)
                return
            if record["problems"] and record["auth"] != "none" and not step:
                step = {"status": 422, "body": {"message": "Validation Failed", "errors": record["problems"]}}
            if step and step.get("delay"):
                time.sleep(step["delay"])
            status = step.get("status", 201) if step else 201
            with state.lock:
                record["answered"] = status
                state.requests.append(record)
                state.next_id += 1
                resource_id = state.next_id
            if status == 201:
                resource = dict(body or {})
                resource.update({"id": resource_id, "url": f"http://github.invalid{self.path}/{resource_id}"})
                if kind == "status":
                    resource.update({"state": body.get("state"), "context": body.get("context", "default")})
                return self.answer(201 if method == "POST" else 200, resource)
            return self.answer(status, step.get("body", {"message": "Server Error"}), step.get("headers"))

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--token", default="ghp_contracttesttoken")
    parser.add_argument("--app-id", default="4242")
    options = parser.parse_args()
    state = State(options.token, options.app_id)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    with open(options.port_file + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    import os
    os.rename(options.port_file + ".tmp", options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
