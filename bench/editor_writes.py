#!/usr/bin/env python3
"""How many articles a single editorial client creates and publishes per second.

Starts the release binary on a fresh database (SQLite file, or a new database on
the PostgreSQL server named by --postgres), signs in one editor, then for
--seconds sends, one after the other on one keep-alive connection:
POST /api/v1/articles, then POST /api/v1/articles/{id}/publish.
Prints pairs per second and the latency of a pair. Talks to 127.0.0.1 only.

    cargo build --release
    python3 bench/editor_writes.py                       # SQLite
    python3 bench/editor_writes.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import uuid

PASSWORD = "benchmark passphrase, long enough"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    subprocess.run(["psql", "-q", "-d", url, "-c", sql], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="target/release/depeche")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server; SQLite when absent")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="depeche-bench-")
    db_name = None
    if args.postgres:
        db_name = "depeche_bench_" + uuid.uuid4().hex[:12]
        psql(args.postgres, f"CREATE DATABASE {db_name}")
        database_url = args.postgres.rsplit("/", 1)[0] + "/" + db_name
    else:
        database_url = os.path.join(work, "bench.sqlite3")
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEPECHE_BIND=f"127.0.0.1:{port}",
        DEPECHE_MEDIA_DIR=os.path.join(work, "media"),
        DEPECHE_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123",
        RUST_LOG="warn",
    )
    server = conn = None
    try:
        subprocess.run(
            [args.binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run(
            [args.binary, "users", "create", "--email", "bench@journal.example", "--role", "editor", "--password-stdin"],
            env=env, input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL,
        )
        server = subprocess.Popen([args.binary, "serve"], env=env)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(100):
            try:
                conn.request("GET", "/readyz")
                if conn.getresponse().read() and True:
                    break
            except OSError:
                conn.close()
                time.sleep(0.05)

        def call(method, path, body=None, token=None):
            headers = {"content-type": "application/json"}
            if token:
                headers["authorization"] = "Bearer " + token
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            res = conn.getresponse()
            data = res.read()
            if res.status >= 300:
                raise SystemExit(f"{method} {path}: {res.status} {data[:200]!r}")
            return json.loads(data) if data else None

        token = call("POST", "/api/v1/auth/login", {"email": "bench@journal.example", "password": PASSWORD})["access_token"]
        body = {
            "kicker": "Banc d’essai",
            "title": "Le ministère de tutelle et l’OIM signent des conventions",
            "standfirst": "Deux conventions de partenariat sur les principaux axes de leur collaboration.",
            "body_html": "<p>" + "Nos compatriotes établis à l’Extérieur sont estimés à des millions. " * 60 + "</p>",
            "section": "politique",
            "authors": ["nfamoro-keita"],
            "tags": ["Migration", "OIM"],
        }
        latencies = []
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            t0 = time.perf_counter()
            article = call("POST", "/api/v1/articles", body, token)
            call("POST", f"/api/v1/articles/{article['id']}/publish", None, token)
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - start
        latencies.sort()
        backend = "postgres" if args.postgres else "sqlite"
        print(
            f"{backend}: {len(latencies)} create+publish pairs in {elapsed:.1f} s = "
            f"{len(latencies) / elapsed:.1f} pairs/s ({2 * len(latencies) / elapsed:.1f} writes/s); "
            f"pair latency p50 {1000 * statistics.median(latencies):.2f} ms, "
            f"p99 {1000 * latencies[int(0.99 * (len(latencies) - 1))]:.2f} ms"
        )
    finally:
        if conn:
            conn.close()
        if server:
            server.terminate()
            server.wait(timeout=30)
        if db_name:
            psql(args.postgres, f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
