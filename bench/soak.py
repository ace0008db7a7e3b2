#!/usr/bin/env python3
"""Soak test: mixed traffic for a long while, and nothing may fail or grow.

Starts the release binary on a fresh database (SQLite file, or a new database on
the PostgreSQL server named by --postgres) holding the demo content plus
--articles generated French articles, signs an editor in, then loads it with
wrk (HTTP/1.1 keep-alive, --connections connections, one thread) for --duration
seconds:

  95 % reads, rotating over every public route: articles by slug and by id (and
       as ninjs, JSON-LD, related), article lists with each filter and a second
       page, search, sections, authors, tags, photos and their files (with a
       rendition), the feeds (site, section, author; RSS, Atom, JSON Feed) and
       the sitemaps;
   5 % editorial writes by the editor: creates (201), then, of the articles
       created, edits without If-Match (last writer wins, so they cannot
       conflict) and publishes (each article once, so they cannot conflict).

Every answer must be 2xx or 3xx: errors (other statuses and socket errors)
must be 0, or the script exits 1. Reports requests served, req/s, latency p50
and p99, writes by kind, errors by status, and the server's RSS (split into
heap and file pages) at the start, every 30 s and at the end. The write limit is off (bench/harness.py), so the
editor is not slowed to 600 writes a minute.

    cargo build --release
    python3 bench/soak.py                                     # SQLite, 10 minutes
    python3 bench/soak.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python3 bench/soak.py --duration 60 --articles 2000       # a quick check

Needs wrk (installed with apt-get when missing). Talks to 127.0.0.1 only and
removes everything it created.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Site, wrk_latency, write_body, psql  # noqa: E402
from search import WORDS  # noqa: E402

EDITOR = "soak-editor@journal.example"
PASSWORD = "soak passphrase, long enough"
WRITE_EVERY = 20  # 5 %
SAMPLE_EVERY = 30  # seconds between RSS samples
SLUGS = 500


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(cmd, env=env, timeout=900, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, timeout=900, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(cmd, env=env, timeout=900, check=True, stdout=subprocess.DEVNULL)


def rss_mib(pid):
    """(VmRSS, RssAnon, RssFile) in MiB: SQLite maps its file, which counts
    in RSS as file pages, not as the heap."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                fields[key] = int(value.split()[0]) / 1024
    return tuple(fields.get(k, float("nan")) for k in ("VmRSS", "RssAnon", "RssFile"))


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path):
        """(status, body) of one GET, redirects not followed."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        req = urllib.request.Request(self.base + path)
        try:
            with urllib.request.build_opener(NoRedirect).open(req, timeout=30) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def json(self, path):
        status, body = self.get(path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body[:200]!r}")
        return json.loads(body)

    def login(self, email, password):
        req = urllib.request.Request(
            self.base + "/api/v1/auth/login",
            data=json.dumps({"email": email, "password": password}).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read())["access_token"]


def quote(s):
    return urllib.parse.quote(s, safe="")


def read_paths(api):
    """Every public route, with real slugs, ids and keys from the site."""
    paths = []
    articles, url = [], "/api/v1/articles?limit=100"
    while len(articles) < SLUGS:
        page = api.json(url)
        articles += page["items"]
        if not page.get("next_cursor"):
            break
        url = "/api/v1/articles?limit=100&cursor=" + quote(page["next_cursor"])
    rng = random.Random(7)
    for a in articles[:SLUGS]:
        paths.append(f"/api/v1/articles/slug/{quote(a['slug'])}")
        paths.append(f"/api/v1/articles/{a['id']}")
    for a in articles[:100]:
        paths += [
            f"/api/v1/articles/{a['id']}/related",
            f"/api/v1/articles/{a['id']}/jsonld",
            f"/api/v1/articles/{a['id']}?format=ninjs",
        ]
    sections = api.json("/api/v1/sections")
    sections = sections["items"] if isinstance(sections, dict) else sections
    section_slugs = [s["slug"] for s in sections] + [c["slug"] for s in sections for c in s.get("children") or []]
    authors = [a["slug"] for a in api.json("/api/v1/authors?limit=100")["items"]]
    tags = [t["slug"] for t in api.json("/api/v1/tags?limit=100")["items"]]
    first = api.json("/api/v1/articles?limit=20")
    paths += ["/api/v1/articles", "/api/v1/articles?limit=50", "/api/v1/sections", "/api/v1/authors",
              "/api/v1/tags", "/api/v1/photos",
              "/api/v1/articles?since=2020-01-01&until=2030-01-01",
              "/api/v1/articles?limit=20&cursor=" + quote(first["next_cursor"] or "")]
    for s in section_slugs:
        paths += [f"/api/v1/sections/{s}", f"/api/v1/articles?section={s}&limit=20"]
        paths += [f"/feeds/sections/{s}/{f}" for f in ("rss.xml", "atom.xml", "feed.json")]
    for a in authors:
        paths += [f"/api/v1/authors/{a}", f"/api/v1/articles?author={a}"]
        paths += [f"/feeds/authors/{a}/{f}" for f in ("rss.xml", "atom.xml", "feed.json")]
    paths += [f"/api/v1/articles?tag={t}" for t in tags[:30]]
    paths += ["/api/v1/articles?" + urllib.parse.urlencode({"q": w}) for w in rng.sample(sorted(set(WORDS)), 50)]
    paths += [f"/feeds/{f}" for f in ("rss.xml", "atom.xml", "feed.json")]
    index = api.get("/sitemap.xml")[1].decode()
    paths += ["/sitemap.xml", "/sitemaps/news.xml"]
    paths += [urllib.parse.urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", index)]
    for photo in api.json("/api/v1/photos")["items"]:
        media = urllib.parse.urlsplit(photo["url"]).path
        paths += [f"/api/v1/photos/{photo['id']}", media, media + "?w=320"]
    for path in paths:
        status, body = api.get(path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status}, not 200: {body[:200]!r}")
    return paths


LUA = r"""
-- 95 % reads rotating over PATHS; every WRITE_EVERY-th request a write:
-- a create, an edit of an article created here, or its one publish.
local PATHS = [==[{paths}]==]
local WRITE_EVERY = {write_every}
local TOKEN = [==[{token}]==]
local RUN = [==[{run}]==]
local BODY_HEAD = [==[{body_head}]==]
local BODY_TAIL = [==[{body_tail}]==]

local reads, n, counter = {{}}, 0, 0
local created, to_publish = {{}}, {{}}
creates, edits, publishes, refused, first_refusal = 0, 0, 0, "", ""
local statuses = {{}}

function init(args)
  for line in io.lines(PATHS) do reads[#reads + 1] = wrk.format("GET", line) end
  n = #reads
end

local function auth(extra)
  local h = {{ ["Authorization"] = "Bearer " .. TOKEN }}
  for k, v in pairs(extra or {{}}) do h[k] = v end
  return h
end

local function create()
  creates = creates + 1
  local body = BODY_HEAD .. RUN .. "-" .. counter .. BODY_TAIL
  return wrk.format("POST", "/api/v1/articles", auth({{ ["Content-Type"] = "application/json" }}), body)
end

function request()
  counter = counter + 1
  if counter % WRITE_EVERY ~= 0 then
    return reads[(counter % n) + 1]
  end
  local kind = (counter / WRITE_EVERY) % 3
  if kind == 1 and #created > 0 then
    edits = edits + 1
    local id = created[math.random(#created)]
    return wrk.format("PATCH", "/api/v1/articles/" .. id,
      auth({{ ["Content-Type"] = "application/merge-patch+json" }}),
      '{{"standfirst": "Mis à jour ' .. counter .. '"}}')
  elseif kind == 2 and #to_publish > 0 then
    publishes = publishes + 1
    local id = table.remove(to_publish, 1)
    return wrk.format("POST", "/api/v1/articles/" .. id .. "/publish", auth())
  end
  return create()
end

function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":(%d+)')
    if id then
      created[#created + 1] = id
      to_publish[#to_publish + 1] = id
      if #created > 1000 then table.remove(created, 1) end
    end
  end
  if status >= 400 then
    if first_refusal == "" then first_refusal = body:sub(1, 300):gsub("\n", " ") end
    statuses[status] = (statuses[status] or 0) + 1
    local parts = {{}}
    for s, c in pairs(statuses) do parts[#parts + 1] = s .. ":" .. c end
    refused = table.concat(parts, ",")
  end
end

local threads = {{}}
function setup(thread) threads[#threads + 1] = thread end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("SOAK creates=%d edits=%d publishes=%d refused=%s\n",
      t:get("creates"), t:get("edits"), t:get("publishes"), t:get("refused")))
    io.write("SOAK-FIRST-REFUSAL " .. t:get("first_refusal") .. "\n")
  end
end
"""

WRITE_BODY = write_body("Endurance")


def parse_wrk(out):
    total = re.search(r"(\d+) requests in", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not (total and rps):
        raise SystemExit("could not read wrk's output:\n" + out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    soak = dict(re.findall(r"(\w+)=(\S*)", (re.search(r"^SOAK (.*)$", out, re.M) or [None, ""])[1]))
    return {
        "requests": int(total.group(1)),
        "rps": float(rps.group(1)),
        "p50": wrk_latency(out, 50),
        "p99": wrk_latency(out, 99),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket": dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()))) if sock else {},
        "writes": {k: int(soak.get(k, 0)) for k in ("creates", "edits", "publishes")},
        "refused": soak.get("refused", ""),
        "first_refusal": (re.search(r"^SOAK-FIRST-REFUSAL (.*)$", out, re.M) or [None, ""])[1].strip(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="target/release/depeche")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server; SQLite when absent")
    parser.add_argument("--articles", type=int, default=10_000, help="generated articles (default 10,000)")
    parser.add_argument("--duration", type=int, default=600, help="seconds of traffic (default 600)")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"{args.binary} not found: run `cargo build --release` first (or pass --binary)")
    ensure_wrk()

    with Site(args.binary, args.postgres) as site:
        t0 = time.monotonic()
        site.run("demo", timeout=600)
        site.run("generate", "--articles", str(args.articles), timeout=7200)
        if site.postgres:
            psql(site.database_url, "ANALYZE")
        site.run("users", "create", "--email", EDITOR, "--role", "editor", "--password-stdin",
                 input=PASSWORD + "\n")
        log(f"{site.backend}: demo + {args.articles} articles in {time.monotonic() - t0:.0f} s")
        site.serve()
        pid = site.server.pid
        api = Api(site.port)
        paths = read_paths(api)
        token = api.login(EDITOR, PASSWORD)
        log(f"{len(paths)} read URLs, all 200; {WRITE_EVERY}th request a write; "
            f"{args.connections} connections for {args.duration} s")

        work = tempfile.mkdtemp(prefix="depeche-soak-")
        try:
            urls = os.path.join(work, "paths.txt")
            with open(urls, "w") as f:
                f.write("\n".join(paths) + "\n")
            head, tail = json.dumps(WRITE_BODY, ensure_ascii=False).split("@@TITLE@@")
            script = os.path.join(work, "soak.lua")
            with open(script, "w") as f:
                f.write(LUA.format(paths=urls, write_every=WRITE_EVERY, token=token,
                                   run=f"Endurance {os.getpid()}", body_head=head, body_tail=tail))
            samples = [(0, rss_mib(pid))]
            stop = threading.Event()

            def sample():
                started = time.monotonic()
                while not stop.wait(SAMPLE_EVERY):
                    samples.append((round(time.monotonic() - started), rss_mib(pid)))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            cmd = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "5s",
                   "--latency", "-s", script, api.base]
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 120)
            stop.set()
            sampler.join(timeout=5)
            samples.append((args.duration, rss_mib(pid)))
            if res.returncode != 0:
                raise SystemExit(f"wrk failed ({res.returncode}): {res.stderr or res.stdout}")
            r = parse_wrk(res.stdout)
            alive = site.server.poll() is None and api.get("/readyz")[0] == 200
        finally:
            shutil.rmtree(work, ignore_errors=True)

    errors = r["non2xx"] + sum(r["socket"].values())
    writes = r["writes"]
    print(f"## Soak ({site.backend}): {args.duration} s, {args.articles} generated articles + demo, "
          f"{args.connections} connections")
    print(f"- requests served: {r['requests']} ({r['rps']:.0f}/s); latency p50 {r['p50']:.2f} ms, "
          f"p99 {r['p99']:.2f} ms")
    print(f"- writes: {sum(writes.values())} ({writes['creates']} creates, {writes['edits']} edits, "
          f"{writes['publishes']} publishes)")
    print(f"- errors: {errors} (non-2xx/3xx {r['non2xx']}{' by status ' + r['refused'] if r['refused'] else ''}; "
          f"socket {r['socket'] or 'none'})")
    print("- RSS MiB (total = heap + file pages): "
          + ", ".join(f"{t} s {m[0]:.0f} = {m[1]:.0f} + {m[2]:.0f}" for t, m in samples))
    if r["first_refusal"]:
        print(f"- first refusal: {r['first_refusal']}")
    print(f"- server alive and ready at the end: {'yes' if alive else 'NO'}")
    sys.exit(0 if errors == 0 and alive else 1)


if __name__ == "__main__":
    main()
