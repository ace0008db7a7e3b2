//! The seed article page, rendered from the API alone.

use serde_json::Value;

use crate::helpers::{Backend, PUBLIC_URL, TestApp};

const READ_ALSO_TITLES: [&str; 6] = [
    "Les FAMa neutralisent une cinquantaine de terroristes dans le secteur de Yanfolila",
    "Le gouvernement offre 600 tonnes de riz aux démunis",
    "Plusieurs points à l’ordre du jour",
    "Le 17 mars 1962, le président Modibo Keïta préside la clôture officielle du premier stage de journalistes du Mali Indépendant",
    "Demba Coulibaly prend les commandes de la presse communautaire avec une ambition de transformation digitale",
    "Abdel Kader Maïga, nouveau directeur de l’Agence nationale de presse du Mali",
];

pub async fn main_article_field_by_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let slug = app.load_demo();
    assert_eq!(
        slug,
        "politique-migratoire-le-ministere-de-tutelle-et-l-oim-signent-des-conventions"
    );

    let article = app.get(&format!("/api/v1/articles/slug/{slug}")).await.ok_json();
    assert_eq!(article["kicker"], "Politique migratoire");
    assert_eq!(
        article["title"],
        "Le ministère de tutelle et l’OIM signent des conventions"
    );
    assert!(
        article["standfirst"]
            .as_str()
            .unwrap()
            .starts_with("Le ministère des Maliens établis à l’Extérieur et de l’Intégration africaine")
    );
    assert_eq!(article["published_at"], "2025-01-31T07:30:00Z");
    assert_eq!(article["status"], "published");
    assert_eq!(article["access"], "public");
    assert_eq!(article["comments"], "subscribers_only");
    assert_eq!(article["language"], "fr");
    assert_eq!(article["section"]["slug"], "politique");

    let photo = &article["main_photo"];
    assert_eq!(
        photo["caption"],
        "Le ministre Mossa Ag Attaher (g) et le chef de mission de l’OIM, Boubacar Seybou échangent les conventions paraphées"
    );
    assert_eq!(
        photo["alt"],
        "Politique migratoire : Le ministère de tutelle et l’OIM signent des conventions"
    );
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(1200), Some(675))
    );
    assert!(
        photo["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{PUBLIC_URL}/media/"))
    );

    let body = article["body_html"].as_str().unwrap();
    assert_eq!(body.matches("<p>").count(), 7, "{body}");
    assert!(body.starts_with("<p>Mais aussi sur l’appui de l’OIM"));
    assert!(body.contains("«C’est également une source d’épargne mobilisable"));
    assert!(body.ends_with("ont achevé leur processus de réintégration.</p>"));
    assert!(article["word_count"].as_i64().unwrap() > 500);
    assert!(
        article["excerpt"]
            .as_str()
            .unwrap()
            .starts_with("Le ministère des Maliens")
    );

    let authors = article["authors"].as_array().unwrap();
    assert_eq!(authors.len(), 1);
    assert_eq!(authors[0]["byline"], "N'Famoro KEITA");
    assert_eq!(authors[0]["slug"], "nfamoro-keita");

    let links = article["related_links"].as_array().unwrap();
    let titles: Vec<&str> = links.iter().map(|l| l["title"].as_str().unwrap()).collect();
    assert_eq!(titles, READ_ALSO_TITLES);
    for link in links {
        assert!(link["excerpt"].as_str().is_some_and(|e| e.len() > 40), "{link}");
        let target = &link["article"];
        assert_eq!(
            link["url"],
            format!(
                "{PUBLIC_URL}/api/v1/articles/slug/{}",
                target["slug"].as_str().unwrap()
            )
        );
        // The link leads to a readable article.
        app.follow(link["url"].as_str().unwrap()).await.ok_json();
    }
    assert_eq!(links[0]["kicker"], "Région de Bougouni");
    assert_eq!(links[3]["kicker"], Value::Null);

    // The same article by id.
    let by_id = app
        .get(&format!("/api/v1/articles/{}", article["id"]))
        .await
        .ok_json();
    assert_eq!(by_id, article);
}

pub async fn author_page_lists_articles_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let author = app.get("/api/v1/authors/nfamoro-keita").await.ok_json();
    assert_eq!(author["name"], "N'Famoro Keita");
    assert_eq!(author["byline"], "N'Famoro KEITA");
    assert!(author.get("email").is_none(), "e-mail addresses are not public");

    let mut seen: Vec<Value> = Vec::new();
    let mut path = "/api/v1/articles?author=nfamoro-keita&limit=3".to_owned();
    let mut pages = 0;
    loop {
        let res = app.get(&path).await;
        let page = res.ok_json();
        pages += 1;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                let link = res.header("link").expect("Link header on a page with a next one");
                let expected = format!(
                    "<{PUBLIC_URL}/api/v1/articles?author=nfamoro-keita&limit=3&cursor={cursor}>; rel=\"next\""
                );
                assert_eq!(link, expected);
                path = format!("/api/v1/articles?author=nfamoro-keita&limit=3&cursor={cursor}");
            }
            None => {
                assert!(res.header("link").is_none());
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    let titles: Vec<&str> = seen.iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Le cfp-Sénou engrange deS résultats satisfaisants",
            "Facej 2 pose des actes concrets",
            "L’exigence de leur apprentissage",
            "L’opération se poursuit normalement",
            "L’anaser enregistre des résultats probants",
            "Le budget 2026 en hausse de 0,11%",
            "Les acteurs font le point des expériences",
            "Le ministère de tutelle et l’OIM signent des conventions",
        ]
    );
    assert_eq!(seen[0]["published_at"], "2026-02-17T08:34:00Z");
    assert_eq!(
        seen[0]["excerpt"],
        "Le budget 2026 du Centre de formation professionnelle de Sénou (CFP-Sénou) est équilibré en recettes et en dépenses à environ 666,750 millions de Fcfa. C’est ce qui ressort de la 3è session ordinaire de son conseil d’administration, tenue hier dans les locaux du Centre.."
    );
    assert_eq!(seen[0]["authors"][0]["byline"], "N'Famoro KEITA");
}

pub async fn demo_loading_is_idempotent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let store = depeche::media::LocalDir::new(&app.media_dir);
    let first = depeche::content::demo::load(&app.db, &store).unwrap();
    assert_eq!((first.sections, first.authors, first.articles), (5, 1, 14));
    let before = app.get("/api/v1/articles?limit=100").await.ok_json();
    let second = depeche::content::demo::load(&app.db, &store).unwrap();
    assert_eq!((second.sections, second.authors, second.articles), (0, 0, 0));
    assert_eq!(second.main_slug, first.main_slug);
    let after = app.get("/api/v1/articles?limit=100").await.ok_json();
    assert_eq!(before, after);
    assert_eq!(after["items"].as_array().unwrap().len(), 14);
}
