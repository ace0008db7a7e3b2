#!/usr/bin/env python3
"""Search latency: GET /api/v1/articles?q=... over generated French articles.

Starts the release binary on a fresh database (SQLite file, or a new database on
the PostgreSQL server named by --postgres), fills it with `depeche generate
--articles N` (indexed for search as it writes), then serves, and sends one
search per word for --queries French words of the news vocabulary below (half
of them typed as a prefix, without the trailing space), one after the other on
one keep-alive connection, and prints the latency p50 / p99 and the number of
hits of the first page. The generated bodies draw on a small vocabulary, so
the words they share match most articles: a worst case for ranking.
Talks to 127.0.0.1 only.

    cargo build --release
    python3 bench/search.py --articles 100000                 # SQLite
    python3 bench/search.py --articles 100000 --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

import argparse
import random
import sqlite3
import statistics
import time
import urllib.parse

from harness import Site, psql

# French news vocabulary, accents included; queries are drawn from it.
WORDS = """
ministère gouvernement conventions partenariat migration migrants diaspora
sécurité armée terroristes région cercle commune village maire préfet élection
électeurs scrutin campagne candidat assemblée nationale député loi budget
finances impôts douane commerce marché prix riz mil maïs coton récolte saison
pluies hivernage sécheresse inondation fleuve Niger barrage irrigation eau
électricité énergie solaire carburant transport route pont chantier travaux
école élèves enseignants université étudiants examen baccalauréat santé hôpital
médecins paludisme vaccination épidémie enfants femmes jeunesse emploi chômage
formation entreprise industrie mines or orpaillage exportation banque crédit
agriculture élevage bétail pêche forêt environnement climat développement
projet financement bailleurs coopération ambassade diplomatie sommet accord
justice tribunal procès avocat juge police gendarmerie frontière réfugiés
culture musique festival cinéma littérature sport football championnat équipe
victoire défaite match stade presse journalistes radio télévision numérique
internet téléphonie réseau innovation recherche sciences patrimoine tradition
religion fête ramadan tabaski population recensement statistiques croissance
économie inflation pauvreté solidarité associations société civile dialogue
paix réconciliation autorités transition président premier ministre conseil
""".split()

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="target/release/depeche")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server; SQLite when absent")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (its URL is printed)")
    args = parser.parse_args()

    with Site(args.binary, args.postgres, keep=args.keep) as site:
        database_url, backend = site.database_url, site.backend
        t0 = time.perf_counter()
        site.run("generate", "--articles", str(args.articles), timeout=7200)
        t1 = time.perf_counter()
        # Fresh statistics, as autovacuum (or a periodic ANALYZE) gives a live database.
        if args.postgres:
            psql(database_url, "ANALYZE")
        else:
            db = sqlite3.connect(database_url)
            db.execute("ANALYZE")
            db.close()
        print(f"{backend}: {args.articles} articles generated and indexed in {t1 - t0:.1f} s")
        conn = site.serve()

        rng = random.Random(11)
        queries = []
        for i in range(args.queries):
            word = rng.choice(WORDS)
            # Half typed as you go (prefix of the last word), half as whole words.
            queries.append(word[: max(3, len(word) - 2)] if i % 2 else word + " ")
        latencies, hits = [], []
        for q in queries:
            path = f"/api/v1/articles?limit={args.limit}&" + urllib.parse.urlencode({"q": q})
            t0 = time.perf_counter()
            conn.request("GET", path)
            res = conn.getresponse()
            data = res.read()
            latencies.append(time.perf_counter() - t0)
            if res.status != 200:
                raise SystemExit(f"GET {path}: {res.status} {data[:200]!r}")
            hits.append(data.count(b'"snippet"'))
        latencies.sort()
        print(
            f"{backend}: {len(queries)} searches over {args.articles} articles (page of {args.limit}): "
            f"p50 {1000 * statistics.median(latencies):.1f} ms, "
            f"p99 {1000 * latencies[int(0.99 * (len(latencies) - 1))]:.1f} ms, "
            f"max {1000 * latencies[-1]:.1f} ms; mean hits per page {statistics.mean(hits):.1f}"
        )


if __name__ == "__main__":
    main()
