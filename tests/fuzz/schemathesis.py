#!/usr/bin/env python3
"""Schemathesis against the running server, on SQLite and on PostgreSQL.

Starts the debug binary that `cargo test` built on a fresh database (a SQLite
file in a temporary folder; a new PostgreSQL database, created and dropped
here, when DEPECHE_TEST_POSTGRES_URL is set) holding the demo content and an
editor account, signs the editor in, then runs `st run` against the served
`/openapi.json` twice: anonymously, and with the editor's bearer token. Every
response must be conformant: no 5xx, a documented status, content type and
headers, and a body matching its schema. Prints, per backend and mode, the
operations and cases tried; exits non-zero on any failure.

    cargo test && python3 tests/fuzz/schemathesis.py [--binary target/debug/depeche] [--max-examples 60]

Installs schemathesis with pip when it is missing. Talks to 127.0.0.1 only.
"""

import argparse
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMATHESIS = "schemathesis==4.32.5"
EDITOR = "fuzz-editor@journal.example"
PASSWORD = "une phrase de passe assez longue"
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
])
JWT_SECRET = "fuzz-secret-fuzz-secret-fuzz-secret-0123"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# Run as a module of this interpreter: pip may put the `st` script in a
# folder that is not on PATH.
ST = [sys.executable, "-m", "schemathesis.cli"]


def ensure_schemathesis():
    res = subprocess.run([*ST, "--version"], capture_output=True, text=True)
    if res.returncode == 0 and SCHEMATHESIS.split("==")[1] in res.stdout:
        return
    log(f"installing {SCHEMATHESIS}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", SCHEMATHESIS], check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], check=True, timeout=120)


class Site:
    """The server on a fresh database with the demo content and an editor."""

    def __init__(self, binary, postgres=None):
        self.binary, self.postgres = binary, postgres
        self.backend = "postgres" if postgres else "sqlite"
        self.server = self.db_name = None

    def __enter__(self):
        self.work = tempfile.mkdtemp(prefix="depeche-fuzz-")
        if self.postgres:
            self.db_name = "depeche_fuzz_" + uuid.uuid4().hex[:12]
            psql(self.postgres, f"CREATE DATABASE {self.db_name}")
            base, _, query = self.postgres.partition("?")
            url = base.rsplit("/", 1)[0] + "/" + self.db_name
            database_url = url + ("?" + query if query else "")
        else:
            database_url = os.path.join(self.work, "fuzz.sqlite3")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            DEPECHE_BIND=f"127.0.0.1:{self.port}",
            DEPECHE_PUBLIC_URL=self.base,
            DEPECHE_MEDIA_DIR=os.path.join(self.work, "media"),
            DEPECHE_JWT_SECRET=JWT_SECRET,
            # The fuzzer writes far faster than an editor: it tests the API,
            # not the per-account write limit (tests/api/rate_limit.rs does).
            DEPECHE_WRITES_PER_MINUTE="0",
            RUST_LOG="warn",
        )
        self.run("demo")
        self.run("users", "create", "--email", EDITOR, "--role", "editor", "--password-stdin",
                 input=PASSWORD + "\n")
        self.server = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not self.ready():
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.backend}: the server did not become ready")
            time.sleep(0.1)
        return self

    def run(self, *args, input=None):
        subprocess.run([self.binary, *args], env=self.env, input=input, text=True, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)

    def ready(self):
        try:
            with urllib.request.urlopen(self.base + "/readyz", timeout=2) as res:
                return res.status == 200
        except OSError:
            return False

    def token(self):
        req = urllib.request.Request(
            self.base + "/api/v1/auth/login",
            data=json.dumps({"email": EDITOR, "password": PASSWORD}).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read())["access_token"]

    def __exit__(self, *exc):
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.db_name:
            psql(self.postgres, f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
        shutil.rmtree(self.work, ignore_errors=True)


def fuzz(site, mode, args, token=None):
    """Runs schemathesis once; returns (operations, cases, passed)."""
    report = os.path.join(site.work, f"report-{mode}")
    cmd = [
        *ST, "--config-file", str(pathlib.Path(__file__).with_suffix(".toml")),
        "run", site.base + "/openapi.json",
        "--checks", args.checks,
        "--max-examples", str(args.max_examples),
        "--workers", str(args.workers),
        "--seed", str(args.seed),
        "--phases", "examples,coverage,fuzzing",
        "--request-timeout", "30",
        "--generation-database", "none",
        "--no-color",
        "--report", "ndjson", "--report-dir", report,
    ]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    log(f"{site.backend} {mode}: st run (max {args.max_examples} examples per operation)")
    started = time.monotonic()
    # Run from the temporary folder: schemathesis keeps a cache where it runs.
    res = subprocess.run(cmd, cwd=site.work, env=dict(os.environ, SCHEMATHESIS_TELEMETRY="false"), timeout=900)
    operations, cases = count(report)
    print(f"{site.backend} {mode}: {operations} operations, {cases} cases in "
          f"{time.monotonic() - started:.0f} s: {'passed' if res.returncode == 0 else 'FAILED'}", flush=True)
    return operations, cases, res.returncode == 0


def count(report_dir):
    """Operations and test cases from schemathesis's event log."""
    operations, cases = set(), 0
    for path in pathlib.Path(report_dir).glob("*.ndjson"):
        for line in path.read_text().splitlines():
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if finished:
                label = finished.get("label") or (finished.get("recorder") or {}).get("label")
                if label:
                    operations.add(label)
                cases += len((finished.get("recorder") or {}).get("cases") or {})
    return len(operations), cases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    parser.add_argument("--binary", default=os.path.join(target, "debug", "depeche"))
    parser.add_argument("--postgres", default=os.environ.get("DEPECHE_TEST_POSTGRES_URL"),
                        help="admin URL of a PostgreSQL server (default: DEPECHE_TEST_POSTGRES_URL)")
    parser.add_argument("--max-examples", type=int, default=60, help="cases per operation and phase (default 60)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checks", default=CHECKS, help=f"schemathesis checks (default {CHECKS})")
    parser.add_argument("--seed", type=int, default=20261130, help="the same seed tries the same cases")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"{args.binary} not found: run `cargo build` (or `cargo test`) first")
    ensure_schemathesis()
    backends = [None] + ([args.postgres] if args.postgres else [])
    if not args.postgres:
        log("NOTE: DEPECHE_TEST_POSTGRES_URL is not set: fuzzing SQLite only")
    results = []
    for postgres in backends:
        with Site(args.binary, postgres) as site:
            results.append(fuzz(site, "anonymous", args))
            results.append(fuzz(site, "editor", args, token=site.token()))
    failed = sum(1 for *_, ok in results if not ok)
    print(f"schemathesis: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
