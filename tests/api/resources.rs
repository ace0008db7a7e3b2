//! Sections, authors, related articles and photos.

use actix_web::http::Method;

use crate::fixtures::{ArticleBuilder, ensure_author, ensure_section, ensure_section_under};
use crate::helpers::{Backend, PUBLIC_URL, TestApp};

pub async fn sections_nest_one_level(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    {
        let mut conn = app.db.conn().unwrap();
        let politique = ensure_section(&mut conn, "politique");
        ensure_section_under(&mut conn, "diplomatie", Some(politique));
    }
    let list = app.get("/api/v1/sections").await.ok_json();
    let slugs: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "politique",
            "diplomatie",
            "economie",
            "societe",
            "securite",
            "medias"
        ]
    );

    let politique = app.get("/api/v1/sections/politique").await.ok_json();
    assert_eq!(politique["name"], "Politique");
    assert_eq!(politique["parent"], serde_json::Value::Null);
    assert_eq!(politique["children"][0]["slug"], "diplomatie");
    let child = app.get("/api/v1/sections/diplomatie").await.ok_json();
    assert_eq!(child["parent"]["slug"], "politique");
    assert_eq!(
        app.get("/api/v1/sections/economie").await.ok_json()["name"],
        "Économie"
    );
}

pub async fn authors_page_by_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    {
        let mut conn = app.db.conn().unwrap();
        for slug in [
            "aminata-traore",
            "zoumana-coulibaly",
            "boubacar-diallo",
            "oumou-sangare",
        ] {
            ensure_author(&mut conn, slug);
        }
    }
    let mut names = Vec::new();
    let mut path = "/api/v1/authors?limit=2".to_owned();
    loop {
        let page = app.get(&path).await.ok_json();
        names.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["name"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/authors?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        names,
        [
            "N'Famoro Keita",
            "aminata-traore",
            "boubacar-diallo",
            "oumou-sangare",
            "zoumana-coulibaly"
        ]
    );
}

pub async fn related_puts_curated_links_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let slug = app.load_demo();
    let article = app.get(&format!("/api/v1/articles/slug/{slug}")).await.ok_json();
    let id = article["id"].as_i64().unwrap();
    let (newer, _) = ArticleBuilder::new("Autre article politique")
        .section("politique")
        .insert(&app.db);

    let related = app
        .get(&format!("/api/v1/articles/{id}/related?limit=8"))
        .await
        .ok_json();
    let items = related["items"].as_array().unwrap();
    assert_eq!(items.len(), 7, "six curated links and one suggestion");
    assert!(items[..6].iter().all(|i| i["source"] == "curated"));
    assert_eq!(items[0]["title"], article["related_links"][0]["title"]);
    assert_eq!(items[6]["source"], "automatic");
    assert_eq!(items[6]["article"]["id"], newer);
    assert!(
        items.iter().all(|i| i["article"]["id"] != id),
        "never the article itself"
    );

    let three = app
        .get(&format!("/api/v1/articles/{id}/related?limit=3"))
        .await
        .ok_json();
    assert_eq!(three["items"].as_array().unwrap().len(), 3);
    let default = app.get(&format!("/api/v1/articles/{id}/related")).await.ok_json();
    assert_eq!(default["items"].as_array().unwrap().len(), 6);
}

pub async fn photos_and_media_files(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let slug = app.load_demo();
    let article = app.get(&format!("/api/v1/articles/slug/{slug}")).await.ok_json();
    let photo_id = article["main_photo"]["id"].as_i64().unwrap();
    let photo = app.get(&format!("/api/v1/photos/{photo_id}")).await.ok_json();
    assert_eq!(photo, article["main_photo"]);
    assert_eq!(photo["mime_type"], "image/png");

    let url = photo["url"].as_str().unwrap();
    assert!(url.starts_with(PUBLIC_URL));
    let file = app.follow(url).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/png"));
    assert_eq!(file.body.len() as i64, photo["byte_size"].as_i64().unwrap());
    assert!(file.body.starts_with(b"\x89PNG"));
    assert!(file.header("cache-control").unwrap().contains("immutable"));
    assert!(file.header("etag").is_some());

    let path = url.strip_prefix(PUBLIC_URL).unwrap();
    let range = app.request(Method::GET, path, &[("range", "bytes=0-7")]).await;
    assert_eq!(range.status, 206);
    assert_eq!(&range.body[..], b"\x89PNG\r\n\x1a\n");
}
