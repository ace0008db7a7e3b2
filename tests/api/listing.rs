//! The article list: order, pagination and filters.

use chrono::{Duration, NaiveDate};
use depeche::db::now;

use crate::fixtures::{ArticleBuilder, ensure_section, ensure_section_under};
use crate::helpers::{Backend, TestApp};

fn ids(page: &serde_json::Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

pub async fn pages_have_no_gaps_or_duplicates_while_articles_arrive(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let start = now() - Duration::days(10);
    // Some share a publication time, so the id must break ties.
    let mut expected: Vec<(chrono::NaiveDateTime, i64)> = (0..25)
        .map(|i| {
            let at = start + Duration::minutes(i / 3);
            (
                at,
                ArticleBuilder::new(&format!("Article {i}"))
                    .published_at(at)
                    .insert(&app.db)
                    .0,
            )
        })
        .collect();
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut arrivals = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/articles?limit=7&cursor={c}"),
            None => "/api/v1/articles?limit=7".to_owned(),
        };
        let page = app.get(&path).await.ok_json();
        if cursor.is_none() {
            assert_eq!(ids(&page), expected[..7]);
        }
        seen.extend(ids(&page));
        // News keeps arriving between two page loads.
        arrivals += 1;
        ArticleBuilder::new(&format!("Breaking {arrivals}"))
            .published_at(now())
            .insert(&app.db);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, expected, "pages skipped or repeated articles");
}

pub async fn filters_by_section_tag_and_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let parent = {
        let mut conn = app.db.conn().unwrap();
        let parent = ensure_section(&mut conn, "monde");
        ensure_section_under(&mut conn, "afrique", Some(parent));
        parent
    };
    assert!(parent > 0);
    let day = |d| {
        NaiveDate::from_ymd_opt(2025, 3, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    };
    let (world, _) = ArticleBuilder::new("Monde")
        .section("monde")
        .published_at(day(1))
        .insert(&app.db);
    let (africa, _) = ArticleBuilder::new("Afrique")
        .section("afrique")
        .tag("sahel")
        .published_at(day(2))
        .insert(&app.db);
    let (other, _) = ArticleBuilder::new("Ailleurs")
        .section("sport")
        .tag("sahel")
        .author("aminata-traore")
        .body("<p>Un <em>texte</em> de cinq mots.</p>")
        .published_at(day(3))
        .insert(&app.db);

    // A section includes its sub-sections.
    assert_eq!(
        ids(&app.get("/api/v1/articles?section=monde").await.ok_json()),
        [africa, world]
    );
    assert_eq!(
        ids(&app.get("/api/v1/articles?section=afrique").await.ok_json()),
        [africa]
    );
    assert_eq!(
        ids(&app.get("/api/v1/articles?tag=sahel").await.ok_json()),
        [other, africa]
    );
    assert_eq!(
        ids(&app
            .get("/api/v1/articles?tag=sahel&section=sport")
            .await
            .ok_json()),
        [other]
    );
    assert_eq!(
        ids(&app
            .get("/api/v1/articles?since=2025-03-02&until=2025-03-03")
            .await
            .ok_json()),
        [africa]
    );
    assert_eq!(
        ids(&app
            .get("/api/v1/articles?since=2025-03-01T12:00:00Z&until=2025-03-02T12:00:00%2B00:00")
            .await
            .ok_json()),
        [world]
    );
    assert_eq!(
        ids(&app.get("/api/v1/articles?author=aminata-traore").await.ok_json()),
        [other]
    );
    let elsewhere = app.get(&format!("/api/v1/articles/{other}")).await.ok_json();
    assert_eq!(elsewhere["word_count"], 5);
    assert_eq!(elsewhere["excerpt"], "Un texte de cinq mots.");
    let sahel = app.get(&format!("/api/v1/articles/{africa}")).await.ok_json();
    assert_eq!(
        sahel["tags"],
        serde_json::json!([{"slug": "sahel", "name": "sahel"}])
    );
}

pub async fn teasers_carry_no_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let page = app.get("/api/v1/articles").await.ok_json();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 14);
    for teaser in items {
        for field in [
            "id",
            "slug",
            "kicker",
            "title",
            "excerpt",
            "section",
            "authors",
            "main_photo",
            "published_at",
        ] {
            assert!(teaser.get(field).is_some(), "teaser without {field}: {teaser}");
        }
        for absent in ["body_html", "standfirst", "related_links"] {
            assert!(teaser.get(absent).is_none(), "teaser with {absent}");
        }
    }
    assert_eq!(page["next_cursor"], serde_json::Value::Null);
}
