"""A depeche server on a fresh database, for one benchmark run.

    with Site(binary, postgres=None) as site:
        site.run("users", "create", ..., input="password\\n")
        conn = site.serve()          # started, ready, one keep-alive connection
        ...

SQLite by default (a file in a temporary folder), or a new database on the
PostgreSQL server named by `postgres`. Everything is removed afterwards unless
`keep` is set; a kept site's folder can be passed back as `reuse` (its data is
then kept too). The server listens on 127.0.0.1 only.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

JWT_SECRET = "bench-secret-bench-secret-bench-secret-0123"


# An article for benchmark writes; @@TITLE@@ is replaced per request.
def write_body(kicker):
    return {
        "kicker": kicker,
        "title": "@@TITLE@@ : le ministère de tutelle et l’OIM signent des conventions",
        "standfirst": "Deux conventions de partenariat sur les principaux axes de leur collaboration.",
        "body_html": "<p>" + "Nos compatriotes établis à l’Extérieur sont estimés à des millions. " * 20 + "</p>",
        "section": "politique",
        "authors": ["nfamoro-keita"],
        "tags": ["Migration", "OIM"],
    }


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk_latency(out, pct):
    """The latency percentile `pct` of `wrk --latency` output, in ms (NaN when absent)."""
    m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")


def psql(url, sql, stdin=None, timeout=1800):
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], check=True, input=stdin, text=True, timeout=timeout
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, binary, postgres=None, keep=False, reuse=None):
        self.binary, self.postgres = binary, postgres
        self.keep, self.reuse = keep or reuse is not None, reuse
        self.backend = "postgres" if postgres else "sqlite"
        self.server = self.conn = self.db_name = None

    def __enter__(self):
        if self.reuse:
            self.work = self.reuse
            url_file = os.path.join(self.work, "postgres-url")
            if self.postgres:
                with open(url_file) as f:
                    self.database_url = f.read().strip()
            else:
                self.database_url = os.path.join(self.work, "bench.sqlite3")
        elif self.postgres:
            self.work = tempfile.mkdtemp(prefix="depeche-bench-")
            self.db_name = "depeche_bench_" + uuid.uuid4().hex[:12]
            psql(self.postgres, f"CREATE DATABASE {self.db_name}")
            self.database_url = self.postgres.rsplit("/", 1)[0] + "/" + self.db_name
            with open(os.path.join(self.work, "postgres-url"), "w") as f:
                f.write(self.database_url)
        else:
            self.work = tempfile.mkdtemp(prefix="depeche-bench-")
            self.database_url = os.path.join(self.work, "bench.sqlite3")
        self.port = free_port()
        self.env = dict(
            os.environ,
            DATABASE_URL=self.database_url,
            DEPECHE_BIND=f"127.0.0.1:{self.port}",
            DEPECHE_MEDIA_DIR=os.path.join(self.work, "media"),
            DEPECHE_JWT_SECRET=JWT_SECRET,
            # Benchmarks measure the server, not the per-account write limit.
            DEPECHE_WRITES_PER_MINUTE="0",
            RUST_LOG="warn",
        )
        return self

    def run(self, *args, input=None, quiet=True, timeout=3600):
        """Runs a `depeche` command against this site's database."""
        subprocess.run(
            [self.binary, *args],
            env=self.env,
            input=input,
            text=True,
            check=True,
            stdout=subprocess.DEVNULL if quiet else None,
            timeout=timeout,
        )

    def serve(self, timeout=30):
        """Starts the server; returns a keep-alive connection once it is ready."""
        self.server = subprocess.Popen([self.binary, "serve"], env=self.env)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.conn.request("GET", "/readyz")
                res = self.conn.getresponse()
                res.read()
                if res.status == 200:
                    return self.conn
            except OSError:
                self.conn.close()
            time.sleep(0.05)
        raise SystemExit("the server did not become ready")

    def __exit__(self, *exc):
        # Close our connection first: a graceful stop waits for open ones.
        if self.conn:
            self.conn.close()
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=60)
        if self.keep:
            print(f"kept in {self.work} (DATABASE_URL={self.database_url}): pass it back to reuse it")
            return
        if self.db_name:
            psql(self.postgres, f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
        shutil.rmtree(self.work, ignore_errors=True)
