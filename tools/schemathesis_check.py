"""Schemathesis over the web API's OpenAPI schema, against a real server: the API does what its
schema says (.ci/run runs this).

    python tools/schemathesis_check.py [--max-examples 30] [--seed 1] [--time-limit 900] [ST_OPTION ...]

Makes a workspace in a temporary folder (an admin and a viewer, the admin's API token; campaigns,
open and draft, an invitee; the unit the hooks name), serves it with `prodops serve` on a free
loopback port, runs `st run` over /api/openapi.json with the admin's token, every check on, a
bounded number of examples per operation, then stops the server. Exits with Schemathesis' code: 0
when it found nothing. Options it does not know go to `st run` as they are (e.g.
--include-path-regex close). What the schema cannot say is in tools/schemathesis_hooks.py.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
TOOLS = Path(__file__).resolve().parent
SRC = TOOLS.parent / "src"  # this checkout's code, whatever the environment installed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db: str) -> str:
    """The workspace the server serves; the admin's API token."""
    sys.path[:0] = [str(SRC), str(TOOLS)]
    from prodops import clock, operations
    from prodops.inputs.models import load_model
    from prodops.store import Workspace
    from schemathesis_hooks import ORGANIZATION, UNIT

    model = load_model()
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", None)
        operations.add_user(ws, "viewer@example.com", "viewer", None)
        _user, token = operations.create_token(ws, "admin@example.com", "schemathesis")
        today = clock.today()
        made = operations.create_campaign(ws, model, ORGANIZATION, "Open", closes=today.replace(year=today.year + 1),
                                          threshold=None, owner="admin@example.com")
        operations.create_campaign(ws, model, ORGANIZATION, "Draft", draft=True, owner="admin@example.com")
        operations.declare_unit(ws, ORGANIZATION, UNIT)
        operations.invite(ws, model, made.id, [{"name": "Ann", "email": "ann@example.com", "role": "pm"}])
    return token


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped before it answered (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server did not answer {url} within {seconds:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=30, help="test cases per API operation and phase")
    parser.add_argument("--seed", type=int, default=1, help="Schemathesis' seed: the same cases on every run")
    parser.add_argument("--time-limit", type=float, default=900, help="seconds before the run is stopped as failed")
    args, extra = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="prodops-schemathesis-") as folder:
        db = str(Path(folder) / "prodops.db")
        token = prepare(db)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # Webhooks the generated campaigns name go to a closed loopback port, never out (urllib
        # honours the proxy variables): the run sends traffic to this machine only.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
               "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
               "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9", "no_proxy": ""}
        server = subprocess.Popen([sys.executable, "-m", "prodops", "serve", "--db", db, "--port", str(port), "--tick", "0"],
                                  env=env, cwd=folder)
        try:
            wait_for(base + "/api/openapi.json", server)
            command = [str(BIN / "st"), "run", base + "/api/openapi.json", "--url", base,
                       "--header", f"Authorization: Bearer {token}", "--checks", "all",
                       "--max-examples", str(args.max_examples), "--seed", str(args.seed),
                       "--generation-database", "none", "--request-timeout", "30", "--no-color",
                       "--report-dir", str(Path(folder) / "report"),
                       # revoking tokens (the only DELETE) would revoke the one it runs with: tests/test_tokens.py has it
                       "--exclude-method", "DELETE", *extra]
            started = time.monotonic()
            # the rules the schema cannot say (schemathesis_hooks.py), with this checkout's code
            told = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(TOOLS), str(SRC), os.environ.get("PYTHONPATH")]))}
            try:
                code = subprocess.run(command, cwd=folder, env=told, timeout=args.time_limit).returncode
            except subprocess.TimeoutExpired:
                code = 124  # as timeout(1) says it
            print(f"schemathesis: exit {code} in {time.monotonic() - started:.0f} s", file=sys.stderr)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    return code


if __name__ == "__main__":
    sys.exit(main())
