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
import json
import statistics
import time

from harness import Site, write_body

PASSWORD = "benchmark passphrase, long enough"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="target/release/depeche")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server; SQLite when absent")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    with Site(args.binary, args.postgres) as site:
        site.run("demo")
        site.run("users", "create", "--email", "bench@journal.example", "--role", "editor", "--password-stdin",
                 input=PASSWORD + "\n")
        conn = site.serve()

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
        body = write_body("Banc d’essai")
        body["title"] = body["title"].replace("@@TITLE@@", "Banc d’essai")
        latencies = []
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            t0 = time.perf_counter()
            article = call("POST", "/api/v1/articles", body, token)
            call("POST", f"/api/v1/articles/{article['id']}/publish", None, token)
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - start
        latencies.sort()
        print(
            f"{site.backend}: {len(latencies)} create+publish pairs in {elapsed:.1f} s = "
            f"{len(latencies) / elapsed:.1f} pairs/s ({2 * len(latencies) / elapsed:.1f} writes/s); "
            f"pair latency p50 {1000 * statistics.median(latencies):.2f} ms, "
            f"p99 {1000 * latencies[int(0.99 * (len(latencies) - 1))]:.2f} ms"
        )


if __name__ == "__main__":
    main()
