#!/usr/bin/env python3
"""A client generated from the committed OpenAPI document signs in and posts.

Generates a Python client from `openapi/openapi.json` with
openapi-python-client (installed with pip if missing), starts the server
binary on a fresh SQLite database with an editor account, then uses only the
generated code to sign in, create, publish and read back an article.

    cargo build && python3 tests/clients/generated_client.py [--binary target/debug/depeche]
"""

import argparse
import importlib
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
GENERATOR = "openapi-python-client==0.29.1"
PASSWORD = "une phrase de passe assez longue"


# Run as a module of this interpreter: pip may put the script in a folder
# that is not on PATH.
GENERATE = [sys.executable, "-m", "openapi_python_client"]


def generator():
    try:
        subprocess.run([*GENERATE, "--version"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", GENERATOR], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    parser.add_argument("--binary", default=os.path.join(target, "debug", "depeche"))
    args = parser.parse_args()
    generator()
    work = pathlib.Path(tempfile.mkdtemp(prefix="depeche-client-"))
    server = None
    try:
        subprocess.run(
            [*GENERATE, "generate", "--path", str(ROOT / "openapi" / "openapi.json"),
             "--meta", "none", "--output-path", str(work / "client")],
            check=True, capture_output=True,
        )
        # With `--meta none` the output folder is the package itself.
        (work / "client").rename(work / "depeche_client")
        sys.path.insert(0, str(work))
        client_module = importlib.import_module("depeche_client")
        auth = importlib.import_module("depeche_client.api.auth.login")
        create = importlib.import_module("depeche_client.api.editorial.create_article")
        publish = importlib.import_module("depeche_client.api.editorial.publish_article")
        by_slug = importlib.import_module("depeche_client.api.articles.get_article_by_slug")
        models = importlib.import_module("depeche_client.models")

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = dict(os.environ, DATABASE_URL=str(work / "site.sqlite3"), DEPECHE_BIND=f"127.0.0.1:{port}",
                   DEPECHE_MEDIA_DIR=str(work / "media"), RUST_LOG="warn",
                   DEPECHE_JWT_SECRET="client-test-secret-client-test-secret-0123")
        subprocess.run([args.binary, "demo"], env=env, check=True, capture_output=True)
        subprocess.run([args.binary, "users", "create", "--email", "client@journal.example", "--role", "editor",
                        "--password-stdin"], env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        server = subprocess.Popen([args.binary, "serve"], env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if urllib.request.urlopen(base + "/readyz").status == 200:
                    break
            except OSError:
                time.sleep(0.05)

        anonymous = client_module.Client(base_url=base)
        signed_in = auth.sync_detailed(
            client=anonymous, body=models.LoginRequest(email="client@journal.example", password=PASSWORD)
        )
        assert signed_in.status_code == 200, signed_in.content
        editor = client_module.AuthenticatedClient(base_url=base, token=signed_in.parsed.access_token)

        created = create.sync_detailed(
            client=editor,
            body=models.ArticleInput(
                title="Le réseau routier s’étend vers Kayes",
                kicker="Transport",
                section="societe",
                authors=["nfamoro-keita"],
                body_html="<p>Le budget de 2026 de l’Agence nationale pour la sécurité routière…</p>",
            ),
        )
        assert created.status_code == 201, created.content
        article = created.parsed
        assert article.slug == "transport-le-reseau-routier-s-etend-vers-kayes", article.slug
        published = publish.sync_detailed(article.id, client=editor, body=models.PublishRequest())
        assert published.status_code == 200, published.content
        read = by_slug.sync_detailed(article.slug, client=anonymous)
        assert read.status_code == 200, read.content
        assert read.parsed.title == "Le réseau routier s’étend vers Kayes"
        assert read.parsed.section.slug == "societe"
        print(f"generated client: signed in, created article {article.id}, published it and read it back: ok")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
