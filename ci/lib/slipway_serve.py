"""What the Python scripts that start a real `slipway serve` share (ci/lib/schemathesis_run.py, ci/lib/soak_*.py,
ci/bench/lib/review_app_bench.py)."""
import re
import socket
import time
import urllib.request


def free_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def serve_log_tail(directory, characters=3000):
    """The end of serve's log (`directory/serve.log`) with the admin token it prints on a first start masked: a tail
    shown on failure must not carry it."""
    text = (directory / "serve.log").read_text()
    return re.sub(r"slw_[0-9a-f]{16,}", "slw_••••", text)[-characters:]


def serve_command(slipway, data, api_port, router_port, *extra):
    """`slipway serve` on a data dir and two loopback ports, polling off (the scripts send webhooks)."""
    return [str(slipway), "serve", "--data-dir", str(data), "--api-port", str(api_port),
            "--router-port", str(router_port), "--poll-seconds", "0", *extra]


def wait_until_healthy(api_port, process, timeout=60):
    """Seconds until serve's /healthz answers 200 (after its startup recovery, which runs before it listens); None
    when serve exited or `timeout` passed first."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{api_port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    return None


def router_answers(router_port, host, timeout=5):
    """The router answers 200 for `host` (an app's hostname) on /."""
    request = urllib.request.Request(f"http://127.0.0.1:{router_port}/", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status == 200
    except OSError:
        return False
