#!/usr/bin/env python3
"""Read throughput of the API, against nginx serving the very same bodies.

Starts the release binary on a fresh database (SQLite file, or a new database on
the PostgreSQL server named by --postgres) holding --articles generated French
articles plus the demo content, then loads it with wrk (HTTP/1.1 keep-alive,
--connections connections, one wrk thread) pinned to --client-core while the
server is pinned to --server-core. Each scenario is measured on the API and, in
the same run, interleaved run by run, on nginx (one worker, pinned to the same
core, access log off, etags on) serving as static files the bodies the API gave
for the same URLs. The headline figure is the ratio API / nginx.

Scenarios (--scenarios S1,S2,…; all by default):
  S1  an article by slug, rotating over 1,000 slugs
  S2  the latest 20 teasers of a section, rotating over the sections
  S3  S1 with the in-process response cache off (DEPECHE_CACHE_BYTES=0)
  S4  S1 as conditional GETs answered 304 (If-None-Match: the URL's ETag;
      nginx gets its own ETags)
  S5  search, rotating over 100 French words (/api/v1/articles?q=word)
  S6  a list at a deep cursor (page 50) and at page 1: the author list when
      there are enough authors, else the article list (the script says which)
  S7  S1 with 5 % authenticated writes (POST /api/v1/articles, every 20th
      request); nginx answers those POSTs with a fixed 201 from memory
Reported per scenario, as the median of --runs runs of --duration seconds
(after a --warmup): req/s, latency p50 and p99 (wrk --latency), errors
(non-2xx/3xx responses plus socket errors) and the server's peak RSS during
the run (VmRSS; nginx: master + worker); also the API's time to ready (start →
first 200 on /readyz) and idle RSS. Prints a Markdown table; --out also writes
it to a file. Talks to 127.0.0.1 only; removes everything it created.

    cargo build --release
    python3 bench/reads.py                                   # SQLite, 100,000 articles
    python3 bench/reads.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python3 bench/reads.py --articles 2000 --duration 3 --runs 1 --scenarios S1,S4   # a quick check

Needs wrk and nginx (installed with apt-get when missing), taskset and two cores.
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Site, wrk_latency, write_body, free_port, psql  # noqa: E402
from search import WORDS  # noqa: E402

PASSWORD = "benchmark passphrase, long enough"
WRITER = "reads-bench@journal.example"
ALL_SCENARIOS = ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]
SLUGS = 1000
SEARCH_WORDS = 100
DEEP_PAGE = 50
WRITE_EVERY = 20  # 5 %

DESCRIPTIONS = {
    "S1": "article by slug (1,000 slugs)",
    "S2": "latest 20 teasers of a section",
    "S3": "article by slug, cache off",
    "S4": "conditional GET → 304",
    "S5": "search (100 French words)",
    "S6-1": "list, page 1",
    "S6-50": "list, page 50",
    "S7": "95 % reads / 5 % writes",
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- tools


def ensure_tools():
    if os.cpu_count() is None or os.cpu_count() < 2:
        raise SystemExit("needs at least two cores: one for wrk, one for the server")
    if not shutil.which("taskset"):
        raise SystemExit("taskset is missing (util-linux)")
    if shutil.which("wrk") and shutil.which("nginx"):
        return
    log("installing wrk and nginx with apt-get")
    cmd = ["apt-get", "install", "-y", "-q", "wrk", "nginx"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(cmd, env=env, timeout=900, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, timeout=900, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(cmd, env=env, timeout=900, check=True, stdout=subprocess.DEVNULL)
    if not (shutil.which("wrk") and shutil.which("nginx")):
        raise SystemExit("wrk or nginx still missing after apt-get install")


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


class RssSampler:
    """Peak summed VmRSS of some processes, sampled every 0.2 s."""

    def __init__(self, pids):
        self.pids, self.peak = pids, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pids))
            self.stop.wait(0.2)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)


def stop_process(proc, name):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop in 30 s: killed")
        proc.kill()
        proc.wait(timeout=10)


def http_get(port, path, headers=None, timeout=30):
    """(status, headers, body) of one GET, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with opener.open(req, timeout=timeout) as res:
            return res.status, res.headers, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def http_json(port, method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
        method=method,
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())


# ---------------------------------------------------------------- servers


class Api:
    """The depeche server, pinned to one core, on the Site's database."""

    def __init__(self, site, core):
        self.site, self.core, self.proc, self.cache_off = site, core, None, None
        self.port = site.port

    def start(self, cache_off=False, timeout=60):
        self.stop()
        env = dict(self.site.env)
        if cache_off:
            env["DEPECHE_CACHE_BYTES"] = "0"
        else:
            env.pop("DEPECHE_CACHE_BYTES", None)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(["taskset", "-c", str(self.core), self.site.binary, "serve"], env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode} before it was ready")
            try:
                if http_get(self.port, "/readyz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.01)
        else:
            raise SystemExit("the server did not become ready")
        self.ready_s = time.perf_counter() - t0
        time.sleep(0.5)
        self.idle_rss = rss_kib([self.proc.pid])
        self.cache_off = cache_off
        log(f"api: ready in {self.ready_s * 1000:.0f} ms, idle RSS {self.idle_rss / 1024:.1f} MiB"
            + (" (cache off)" if cache_off else ""))
        return self

    def pids(self):
        return [self.proc.pid]

    def stop(self):
        stop_process(self.proc, "depeche")
        self.proc = None


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    types {{ application/json json; }}
    default_type application/json;
    etag on;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000000;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location = /w {{ return 201 "{{}}"; }}
    }}
}}
"""


class Nginx:
    def __init__(self, work, core):
        self.tmp = os.path.join(work, "nginx")
        self.root = os.path.join(self.tmp, "root")
        os.makedirs(self.root)
        # The worker runs as nobody when started as root: let it read the files.
        for d in (work, self.tmp, self.root):
            os.chmod(d, 0o755)
        self.core, self.proc, self.port = core, None, free_port()

    def put(self, rel, body):
        path = os.path.join(self.root, rel.lstrip("/"))
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        with open(path, "wb") as f:
            f.write(body)
        os.chmod(path, 0o644)

    def start(self, probe, timeout=30):
        conf = os.path.join(self.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(tmp=self.tmp, port=self.port, root=self.root))
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(self.core), "nginx", "-e", os.path.join(self.tmp, "error.log"),
             "-p", self.tmp, "-c", conf],
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                with open(os.path.join(self.tmp, "error.log"), errors="replace") as f:
                    raise SystemExit("nginx exited: " + f.read()[-2000:])
            try:
                status = http_get(self.port, probe, timeout=2)[0]
                if status == 200:
                    break
                raise SystemExit(f"nginx answers {status} for {probe}")
            except OSError:
                time.sleep(0.02)
        else:
            raise SystemExit("nginx did not start")
        time.sleep(0.3)
        self.idle_rss = rss_kib(self.pids())
        log(f"nginx: port {self.port}, idle RSS (master + worker) {self.idle_rss / 1024:.1f} MiB")

    def pids(self):
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                children = [int(p) for p in f.read().split()]
        except OSError:
            children = []
        return [self.proc.pid, *children]

    def stop(self):
        stop_process(self.proc, "nginx")
        self.proc = None


# ---------------------------------------------------------------- wrk

LUA = r"""
-- Rotates over the requests listed in FILE (one "path<TAB>If-None-Match" per
-- line); every WRITE_EVERY-th request is instead a POST of a new article.
local FILE = [==[{file}]==]
local WRITE_EVERY = {write_every}
local WRITE_PATH = [==[{write_path}]==]
local TOKEN = [==[{token}]==]
local RUN = [==[{run}]==]
local BODY_HEAD = [==[{body_head}]==]
local BODY_TAIL = [==[{body_tail}]==]

local requests = {{}}
local n, counter = 0, 0

function init(args)
  for line in io.lines(FILE) do
    local path, etag = line:match("^([^\t]+)\t?(.*)$")
    if path then
      local headers = {{}}
      if etag ~= nil and etag ~= "" then headers["If-None-Match"] = etag end
      requests[#requests + 1] = wrk.format("GET", path, headers)
    end
  end
  n = #requests
end

function request()
  counter = counter + 1
  if WRITE_EVERY > 0 and counter % WRITE_EVERY == 0 then
    local body = BODY_HEAD .. RUN .. "-" .. counter .. BODY_TAIL
    return wrk.format("POST", WRITE_PATH, {{
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. TOKEN,
    }}, body)
  end
  return requests[(counter % n) + 1]
end
"""

WRITE_BODY = write_body("Banc d’essai")


def parse_wrk(out):
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise SystemExit("could not read wrk's output:\n" + out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(m.group(1)),
        "p50": wrk_latency(out, 50),
        "p99": wrk_latency(out, 99),
        "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0),
        "requests": int(total.group(1)) if total else 0,
    }


class Wrk:
    def __init__(self, work, core, connections):
        self.dir = os.path.join(work, "wrk")
        os.makedirs(self.dir)
        self.core, self.connections, self.count = core, connections, 0

    def run(self, port, lines, seconds, server_pids, write_path="", token=""):
        """Runs wrk for `seconds` on `lines` ((path, etag)); returns parsed figures + peak RSS."""
        self.count += 1
        urls = os.path.join(self.dir, f"urls-{self.count}.txt")
        with open(urls, "w") as f:
            for path, etag in lines:
                f.write(f"{path}\t{etag or ''}\n")
        head, tail = json.dumps(WRITE_BODY, ensure_ascii=False).split("@@TITLE@@")
        script = os.path.join(self.dir, f"rotate-{self.count}.lua")
        with open(script, "w") as f:
            f.write(LUA.format(
                file=urls, write_every=WRITE_EVERY if write_path else 0, write_path=write_path or "/",
                token=token, run=f"Lecture {os.getpid()}-{self.count}", body_head=head, body_tail=tail,
            ))
        cmd = ["taskset", "-c", str(self.core), "wrk", "-t1", f"-c{self.connections}", f"-d{seconds}s",
               "--timeout", "2s", "--latency", "-s", script, f"http://127.0.0.1:{port}"]
        with RssSampler(server_pids) as rss:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
        if res.returncode != 0:
            raise SystemExit(f"wrk failed ({res.returncode}): {res.stderr or res.stdout}")
        figures = parse_wrk(res.stdout)
        figures["rss"] = rss.peak
        return figures


# ---------------------------------------------------------------- data


def fill(site, articles):
    t0 = time.perf_counter()
    site.run("demo", timeout=600)
    site.run("generate", "--articles", str(articles), timeout=7200)
    # `depeche generate` gathers SQLite's statistics itself.
    if site.postgres:
        psql(site.database_url, "ANALYZE")
    log(f"{site.backend}: {articles} articles + demo content (depeche generate) in {time.perf_counter() - t0:.1f} s")


def list_pages(port, path, pages):
    """The first `pages` pages of a cursor-paged list: [(url, items)]."""
    out, url = [], path
    for _ in range(pages):
        status, _, body = http_get(port, url)
        if status != 200:
            raise SystemExit(f"GET {url}: {status} {body[:200]!r}")
        page = json.loads(body)
        out.append((url, page["items"]))
        if not page.get("next_cursor"):
            break
        sep = "&" if "?" in path else "?"
        url = f"{path}{sep}cursor={urllib.parse.quote(page['next_cursor'])}"
    return out


def section_slugs(port):
    _, _, body = http_get(port, "/api/v1/sections")
    data = json.loads(body)
    items = data["items"] if isinstance(data, dict) else data
    slugs = []
    for s in items:
        slugs.append(s["slug"])
        slugs.extend(c["slug"] for c in s.get("children") or [])
    return list(dict.fromkeys(slugs))


def scenario_urls(port, wanted):
    """{scenario: [api path]} and notes for the report."""
    notes, urls = [], {}
    pages = list_pages(port, "/api/v1/articles?limit=100", (SLUGS + 99) // 100)
    slugs = [a["slug"] for _, items in pages for a in items][:SLUGS]
    if len(slugs) < SLUGS:
        notes.append(f"only {len(slugs)} published articles: S1/S3/S4/S7 rotate over {len(slugs)} slugs")
    by_slug = [f"/api/v1/articles/slug/{urllib.parse.quote(s)}" for s in slugs]
    for s in ("S1", "S3", "S4", "S7"):
        urls[s] = by_slug
    sections = section_slugs(port)
    urls["S2"] = [f"/api/v1/articles?section={urllib.parse.quote(s)}&limit=20" for s in sections]
    rng = random.Random(11)
    words = rng.sample(sorted(set(WORDS)), min(SEARCH_WORDS, len(set(WORDS))))
    urls["S5"] = ["/api/v1/articles?" + urllib.parse.urlencode({"q": w}) for w in words]
    if "S6" in wanted:
        authors = list_pages(port, "/api/v1/authors?limit=20", DEEP_PAGE)
        if len(authors) >= DEEP_PAGE and authors[-1][1]:
            base = authors
            notes.append(f"S6: the author list (/api/v1/authors?limit=20), page {DEEP_PAGE} vs page 1")
        else:
            count = sum(len(items) for _, items in authors)
            base = list_pages(port, "/api/v1/articles?limit=20", DEEP_PAGE)
            notes.append(f"S6: only {count} author(s), too few for a page {DEEP_PAGE}: "
                         f"the article list (/api/v1/articles?limit=20) instead, page {DEEP_PAGE} vs page 1")
            if len(base) < DEEP_PAGE:
                notes.append(f"S6: the article list has only {len(base)} pages: 'page {DEEP_PAGE}' is page {len(base)}")
        urls["S6-1"] = [base[0][0]]
        urls["S6-50"] = [base[-1][0]]
    return urls, notes


# ---------------------------------------------------------------- main


def fmt_ms(v):
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"


def summarise(runs):
    return {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99", "errors", "rss")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="target/release/depeche")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server; SQLite when absent")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--scenarios", default=",".join(ALL_SCENARIOS), help="e.g. S1,S4 (default: all)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario and server (default 3)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per scenario and server")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--client-core", type=int, default=0, help="core for wrk (default 0)")
    parser.add_argument("--server-core", type=int, default=1, help="core for the server and nginx (default 1)")
    parser.add_argument("--out", help="also write the Markdown report to this file")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and say where")
    parser.add_argument("--reuse", metavar="DIR", help="measure data kept by an earlier --keep run (same "
                        "--articles and backend) instead of generating it again")
    args = parser.parse_args()

    wanted = [s.strip().upper() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in ALL_SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenarios {unknown}; choose from {ALL_SCENARIOS}")
    wanted = [s for s in ALL_SCENARIOS if s in wanted]  # S3 restarts the server; S7 writes, so runs last
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"{args.binary} not found: run `cargo build --release` first (or pass --binary)")
    ensure_tools()
    duration = max(1, round(args.duration))
    warmup = max(1, round(args.warmup))

    api = nginx = None
    rows, notes = [], []
    with Site(args.binary, args.postgres, keep=args.keep, reuse=args.reuse) as site:
        try:
            if not args.reuse:
                fill(site, args.articles)
            if "S7" in wanted:
                # Already there when reusing the data of a run that had S7.
                subprocess.run([site.binary, "users", "create", "--email", WRITER, "--role", "writer",
                                "--password-stdin"], env=site.env, input=PASSWORD + "\n", text=True,
                               check=not args.reuse, capture_output=True, timeout=120)
            api = Api(site, args.server_core).start()
            ready = {"cached": (api.ready_s, api.idle_rss)}
            urls, notes = scenario_urls(site.port, wanted)

            # Each URL's body, as the API gives it, becomes a static file for nginx.
            work = tempfile.mkdtemp(prefix="depeche-reads-")
            try:
                nginx = Nginx(work, args.server_core)
                wrk = Wrk(work, args.client_core, args.connections)
                api_etags, static = {}, {}
                order = ["S1", "S2", "S3", "S4", "S5", "S6-1", "S6-50", "S7"]
                keys = [k for k in order if k in urls and k.split("-")[0] in wanted]
                fetched = {}
                for key in keys:
                    static[key] = []
                    for i, path in enumerate(urls[key]):
                        if path not in fetched:
                            status, headers, body = http_get(site.port, path)
                            if status != 200:
                                raise SystemExit(f"GET {path}: {status} {body[:200]!r}")
                            fetched[path] = (headers.get("ETag"), body)
                        etag, body = fetched[path]
                        api_etags[path] = etag
                        rel = f"/d/{key}/{i}.json"
                        nginx.put(rel, body)
                        static[key].append(rel)
                sizes = [len(b) for _, b in fetched.values()]
                log(f"{len(fetched)} bodies fetched from the API, {statistics.median(sizes) / 1024:.1f} KiB median")
                nginx.start(static[keys[0]][0])

                for key in keys:
                    scenario = key.split("-")[0]
                    if api.cache_off != (scenario == "S3"):
                        api.start(cache_off=(scenario == "S3"))
                        if scenario == "S3":
                            ready["cache off"] = (api.ready_s, api.idle_rss)
                    token, write = "", {}
                    if scenario == "S7":
                        token = http_json(site.port, "POST", "/api/v1/auth/login",
                                          {"email": WRITER, "password": PASSWORD})["access_token"]
                        write = {"api": "/api/v1/articles", "nginx": "/w"}
                    if scenario == "S4":
                        api_lines = [(p, api_etags[p]) for p in urls[key]]
                        nginx_lines = [(p, http_get(nginx.port, p)[1].get("ETag")) for p in static[key]]
                        expected = 304
                    else:
                        api_lines = [(p, None) for p in urls[key]]
                        nginx_lines = [(p, None) for p in static[key]]
                        expected = 200
                    # Both answer what the scenario means to measure, before any timing.
                    for (port, lines) in ((site.port, api_lines), (nginx.port, nginx_lines)):
                        for path, etag in lines[:: max(1, len(lines) // 20)]:
                            status = http_get(port, path, {"If-None-Match": etag} if etag else None)[0]
                            if status != expected:
                                raise SystemExit(f"{key}: GET {path} on port {port} answered {status}, not {expected}")
                    targets = {
                        "api": (site.port, api_lines, api.pids),
                        "nginx": (nginx.port, nginx_lines, nginx.pids),
                    }
                    # One plain GET per URL first, as readers would have made: a restarted server's
                    # cache is warm for the conditional GETs too.
                    for path in urls[key]:
                        http_get(site.port, path)
                    log(f"{key}: {DESCRIPTIONS[key]}: {len(api_lines)} URLs; warm-up {warmup} s each")
                    for name, (port, lines, pids) in targets.items():
                        wrk.run(port, lines, warmup, pids(), write.get(name, ""), token)
                    results = {"api": [], "nginx": []}
                    for run in range(args.runs):
                        for name, (port, lines, pids) in targets.items():
                            r = wrk.run(port, lines, duration, pids(), write.get(name, ""), token)
                            results[name].append(r)
                            log(f"{key} run {run + 1}/{args.runs} {name:5}: {r['rps']:9.0f} req/s, "
                                f"p50 {fmt_ms(r['p50'])} ms, p99 {fmt_ms(r['p99'])} ms, "
                                f"{r['errors']} errors, RSS {r['rss'] / 1024:.1f} MiB")
                    rows.append((key, summarise(results["api"]), summarise(results["nginx"]), len(api_lines)))
            finally:
                if nginx:
                    nginx.stop()
                shutil.rmtree(work, ignore_errors=True)
        finally:
            if api:
                api.stop()

    report = render(args, site.backend, rows, ready, notes, nginx)
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report)


def git_commit():
    try:
        res = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10,
                             cwd=os.path.dirname(os.path.abspath(__file__)))
        return res.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def render(args, backend, rows, ready, notes, nginx):
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10).stdout.split("\n")[0]
    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True, timeout=10).stderr.strip()
    out = [
        f"## Reads: depeche API vs nginx static files ({backend})",
        "",
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {git_commit()}, "
        f"{args.articles} generated articles + demo content; wrk pinned to core {args.client_core} "
        f"(1 thread, {args.connections} keep-alive connections), server and nginx (1 worker) pinned to core "
        f"{args.server_core}; medians of {args.runs} run(s) of {max(1, round(args.duration))} s after "
        f"{max(1, round(args.warmup))} s of warm-up. {wrk_version.split(' Copyright')[0]}; {nginx_version}.",
        "",
        "| scenario | URLs | API req/s | p50 ms | p99 ms | errors | RSS MiB | nginx req/s | p50 ms | p99 ms | errors "
        "| RSS MiB | API / nginx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, a, n, count in rows:
        out.append(
            f"| {key} {DESCRIPTIONS[key]} | {count} | {a['rps']:.0f} | {fmt_ms(a['p50'])} | {fmt_ms(a['p99'])} "
            f"| {a['errors']:.0f} | {a['rss'] / 1024:.1f} | {n['rps']:.0f} | {fmt_ms(n['p50'])} | {fmt_ms(n['p99'])} "
            f"| {n['errors']:.0f} | {n['rss'] / 1024:.1f} | {a['rps'] / n['rps']:.2f} |"
        )
    out.append("")
    for name, (secs, rss) in ready.items():
        out.append(f"- API ({name}): ready {secs * 1000:.0f} ms after start (first 200 on /readyz), "
                   f"idle RSS {rss / 1024:.1f} MiB")
    if nginx is not None and getattr(nginx, "idle_rss", None):
        out.append(f"- nginx: idle RSS {nginx.idle_rss / 1024:.1f} MiB (master + worker)")
    out.extend(f"- {n}" for n in notes)
    out.append("- RSS is the peak VmRSS sampled every 0.2 s during the run. Errors are non-2xx/3xx responses "
               "plus socket errors. S7's nginx column answers the POSTs with a fixed 201: a ceiling, not a "
               "comparison of writes. Above ~0.9 × nginx, wrk's own CPU limits the precision of the ratio.")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
