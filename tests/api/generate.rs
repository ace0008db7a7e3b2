//! `depeche generate`: benchmark data through the bulk write path, complete
//! and readable like any other.

use crate::helpers::{Backend, TestApp};

pub async fn generated_articles_are_complete_and_searchable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(["generate", "--articles", "40", "--seed", "3"])
        .env("DATABASE_URL", app.database_url())
        .env("DEPECHE_MEDIA_DIR", &app.media_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run depeche generate");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("40 articles generated"));

    let sections = app.get("/api/v1/sections").await.ok_json();
    assert_eq!(sections["items"].as_array().unwrap().len(), 12);
    let authors = app.get("/api/v1/authors?limit=100").await.ok_json();
    assert!(authors["next_cursor"].is_string(), "two hundred authors");

    let mut seen = 0;
    let mut path = "/api/v1/articles?limit=100".to_owned();
    loop {
        let page = app.get(&path).await.ok_json();
        for teaser in page["items"].as_array().unwrap() {
            assert!(
                teaser["section"].is_object() && teaser["main_photo"].is_object(),
                "{teaser}"
            );
            assert!(!teaser["authors"].as_array().unwrap().is_empty());
            seen += 1;
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/articles?limit=100&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, 40);
    let last = app.get("/api/v1/articles/40").await.ok_json();
    assert!(last["word_count"].as_i64().unwrap() > 600, "about 700 words");
    assert_eq!(last["tags"].as_array().unwrap().len(), 3);
    assert_eq!(last["related_links"].as_array().unwrap().len(), 3);
    // Written oldest first, over three years.
    let first = app.get("/api/v1/articles/1").await.ok_json();
    let (oldest, newest) = (
        first["published_at"].as_str().unwrap(),
        last["published_at"].as_str().unwrap(),
    );
    assert!(oldest < newest, "{oldest} before {newest}");
    let three_years_ago = (chrono::Utc::now() - chrono::Duration::days(3 * 365 + 1)).to_rfc3339();
    assert!(oldest > three_years_ago.as_str(), "{oldest}");
    let found = app.get("/api/v1/articles?q=ministere").await.ok_json();
    assert!(
        !found["items"].as_array().unwrap().is_empty(),
        "indexed for search"
    );
    // The photo the articles show is served.
    assert_eq!(
        app.follow(last["main_photo"]["url"].as_str().unwrap())
            .await
            .status,
        200
    );
}
