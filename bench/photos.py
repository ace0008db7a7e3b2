#!/usr/bin/env python3
"""Photo upload throughput and rendition time for 12-megapixel JPEGs.

Starts the release binary on a fresh SQLite database, makes a few distinct
4000 × 3000 JPEGs (Pillow, installed with pip if missing), uploads them one
after the other for --seconds, then times the first request of a 1024-pixel
rendition (made on the spot) against the next ones (served as stored).
Talks to 127.0.0.1 only.

    cargo build --release && python3 bench/photos.py
"""

import argparse
import io
import json
import random
import statistics
import subprocess
import sys
import time
import uuid

from harness import Site

try:
    from PIL import Image
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pillow"], check=True)
    from PIL import Image

PASSWORD = "benchmark passphrase, long enough"


def twelve_megapixels(seed):
    rng = random.Random(seed)
    image = Image.new("RGB", (4000, 3000))
    # Smooth gradients with some noise: compresses like a photograph.
    base = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 40 + seed)
    image = Image.merge("RGB", (base, noise, base.rotate(90, expand=False)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.choice([88, 90, 92]))
    return out.getvalue()


def multipart(data):
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nBanc d’essai\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="target/release/depeche")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    files = [twelve_megapixels(seed) for seed in range(4)]
    with Site(args.binary) as site:
        site.run("users", "create", "--email", "bench@journal.example", "--role", "writer", "--password-stdin",
                 input=PASSWORD + "\n")
        conn = site.serve(timeout=60)
        port = site.port
        conn.request("POST", "/api/v1/auth/login", body=json.dumps({"email": "bench@journal.example", "password": PASSWORD}),
                     headers={"content-type": "application/json"})
        token = json.loads(conn.getresponse().read())["access_token"]

        durations, urls = [], []
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            content_type, body = multipart(files[len(durations) % len(files)])
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/photos", body=body,
                         headers={"content-type": content_type, "authorization": "Bearer " + token})
            res = conn.getresponse()
            photo = json.loads(res.read())
            if res.status != 201:
                raise SystemExit(f"upload: {res.status} {photo}")
            durations.append(time.perf_counter() - t0)
            urls.append(photo["url"].split(str(port), 1)[1])
        elapsed = time.perf_counter() - start
        mb = sum(len(files[i % len(files)]) for i in range(len(durations))) / 1e6
        print(f"uploads: {len(durations)} × 12 MP JPEG ({len(files[0]) / 1e6:.1f} MB each) in {elapsed:.1f} s = "
              f"{len(durations) / elapsed:.2f} uploads/s, {mb / elapsed:.1f} MB/s; "
              f"median {1000 * statistics.median(durations):.0f} ms per upload")

        first, cached = [], []
        for url in dict.fromkeys(urls):
            for target in (first, cached, cached, cached):
                t0 = time.perf_counter()
                conn.request("GET", url + "?w=1024")
                res = conn.getresponse()
                res.read()
                assert res.status == 200, res.status
                target.append(time.perf_counter() - t0)
        print(f"rendition 1024 px of a 12 MP JPEG: first request {1000 * statistics.median(first):.0f} ms (made), "
              f"then {1000 * statistics.median(cached):.2f} ms (stored)")


if __name__ == "__main__":
    main()
