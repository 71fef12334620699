"""What the Python scripts that start a real `slipway serve` share (ci/lib/schemathesis_run.py,
ci/bench/lib/review_app_bench.py)."""
import re
import socket


def free_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def serve_log_tail(directory, characters=3000):
    """The end of serve's log (`directory/serve.log`) with the admin token it prints on a first start masked: a tail
    shown on failure must not carry it."""
    text = (directory / "serve.log").read_text()
    return re.sub(r"slw_[0-9a-f]{16,}", "slw_••••", text)[-characters:]
