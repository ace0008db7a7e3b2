//! RSS 2.0, Atom 1.0 and JSON Feed 1.1, read back with a feed parser.

use actix_web::http::Method;
use chrono::{DateTime, Utc};
use feed_rs::model::{Entry, Feed};
use serde_json::Value;

use crate::fixtures::ArticleBuilder;
use crate::helpers::{Backend, PUBLIC_URL, Response, TestApp};
use crate::syndication::{INVISIBLE, SECRET, TRICKY_BODY, TRICKY_HEADLINE, arrange};

const FORMATS: [(&str, &str); 3] = [
    ("rss.xml", "application/rss+xml"),
    ("atom.xml", "application/atom+xml"),
    ("feed.json", "application/feed+json"),
];

/// Asserts a cacheable 200 of `content_type`; parses the feed.
fn parse(res: &Response, content_type: &str) -> Feed {
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert!(
        res.header("content-type")
            .is_some_and(|t| t.starts_with(content_type)),
        "content type {:?}",
        res.header("content-type")
    );
    assert!(
        res.header("etag").is_some_and(|t| t.starts_with('"')),
        "no strong ETag"
    );
    assert!(
        res.header("cache-control")
            .is_some_and(|c| c.starts_with("public")),
        "no Cache-Control"
    );
    feed_rs::parser::parse(&res.body[..])
        .unwrap_or_else(|e| panic!("not a feed ({e}): {}", String::from_utf8_lossy(&res.body)))
}

fn title(entry: &Entry) -> &str {
    &entry.title.as_ref().expect("entry title").content
}

fn find<'a>(feed: &'a Feed, headline: &str) -> &'a Entry {
    feed.entries
        .iter()
        .find(|e| title(e) == headline)
        .unwrap_or_else(|| {
            panic!(
                "no entry {headline:?} in {:?}",
                feed.entries.iter().map(title).collect::<Vec<_>>()
            )
        })
}

/// The article's page link (not an enclosure).
fn page_link(entry: &Entry) -> &str {
    &entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .expect("a page link")
        .href
}

/// The main photo as (URL, type, length), wherever the format puts it.
fn enclosure(entry: &Entry) -> Option<(String, String, u64)> {
    if let Some(content) = entry.media.iter().flat_map(|m| &m.content).next() {
        return Some((
            content.url.as_ref()?.to_string(),
            content.content_type.as_ref()?.to_string(),
            content.size?,
        ));
    }
    entry
        .links
        .iter()
        .find(|l| l.rel.as_deref() == Some("enclosure") || l.length.is_some())
        .map(|l| {
            (
                l.href.clone(),
                l.media_type.clone().unwrap_or_default(),
                l.length.unwrap_or(0),
            )
        })
}

fn category_names(entry: &Entry) -> Vec<String> {
    entry
        .categories
        .iter()
        .map(|c| c.label.clone().unwrap_or_else(|| c.term.clone()))
        .collect()
}

fn time(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

pub async fn site_feed_in_every_format(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let arranged = arrange(&app).await;
    let main = &arranged.main;
    let tricky = app
        .get(&format!("/api/v1/articles/{}", arranged.tricky_id))
        .await
        .ok_json();
    let visible = crate::syndication::published_slugs(&app).await.len();
    assert_eq!(visible, 16);

    for (file, content_type) in FORMATS {
        let res = app.get(&format!("/feeds/{file}")).await;
        let feed = parse(&res, content_type);
        assert_eq!(feed.title.as_ref().unwrap().content, "Dépêche", "{file}");
        if file != "atom.xml" {
            // (Atom says it with xml:lang, which the parser does not report.)
            assert_eq!(feed.language.as_deref(), Some("fr"), "{file}");
        }
        assert_eq!(feed.entries.len(), visible, "{file}");
        let published: Vec<DateTime<Utc>> = feed.entries.iter().map(|e| e.published.expect("date")).collect();
        assert!(published.windows(2).all(|w| w[0] >= w[1]), "{file}: newest first");
        for entry in &feed.entries {
            assert!(
                !INVISIBLE.iter().any(|t| title(entry).contains(t)),
                "{file}: {}",
                title(entry)
            );
            assert!(
                page_link(entry).starts_with(&format!("{PUBLIC_URL}/api/v1/articles/slug/")),
                "{file}"
            );
            assert!(
                entry.id.starts_with(&format!("{PUBLIC_URL}/api/v1/articles/")),
                "{file}: {}",
                entry.id
            );
            assert!(entry.summary.is_some(), "{file}: every entry has its excerpt");
        }

        // The demo article, field by field.
        let entry = find(
            &feed,
            "Politique migratoire : Le ministère de tutelle et l’OIM signent des conventions",
        );
        assert_eq!(
            page_link(entry),
            format!(
                "{PUBLIC_URL}/api/v1/articles/slug/{}",
                main["slug"].as_str().unwrap()
            ),
            "{file}"
        );
        assert_eq!(
            entry.id,
            format!("{PUBLIC_URL}/api/v1/articles/{}", main["id"]),
            "{file}"
        );
        assert_eq!(entry.published, Some(time(&main["published_at"])), "{file}");
        if file != "rss.xml" {
            assert_eq!(entry.updated, Some(time(&main["updated_at"])), "{file}");
        }
        let authors: Vec<&str> = entry.authors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(authors, ["N'Famoro Keita"], "{file}");
        let categories = category_names(entry);
        assert_eq!(
            categories.first().map(String::as_str),
            Some("Politique"),
            "{file}"
        );
        let photo = &main["main_photo"];
        assert_eq!(
            enclosure(entry),
            Some((
                photo["url"].as_str().unwrap().to_owned(),
                photo["mime_type"].as_str().unwrap().to_owned(),
                photo["byte_size"].as_u64().unwrap()
            )),
            "{file}"
        );
        assert_eq!(
            entry.summary.as_ref().unwrap().content,
            main["excerpt"].as_str().unwrap(),
            "{file}"
        );
        let content = entry.content.as_ref().and_then(|c| c.body.as_deref());
        assert_eq!(
            content,
            main["body_html"].as_str(),
            "{file}: the full body of a free article"
        );

        // Escaping: every character survives the round trip.
        let entry = find(&feed, TRICKY_HEADLINE);
        assert_eq!(
            entry.content.as_ref().and_then(|c| c.body.as_deref()),
            Some(TRICKY_BODY),
            "{file}"
        );
        assert_eq!(
            entry.summary.as_ref().unwrap().content,
            tricky["excerpt"].as_str().unwrap(),
            "{file}"
        );
        assert!(
            category_names(entry).contains(&"bamako".to_owned()),
            "{file}: tags are categories"
        );

        // A subscribers' article: its excerpt, never its body.
        let entry = find(&feed, "Réservé aux abonnés");
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_default();
        assert!(!content.contains(SECRET), "{file}: {content}");
        assert!(!String::from_utf8_lossy(&res.body).contains(SECRET), "{file}");
        assert_eq!(
            entry.summary.as_ref().unwrap().content,
            "Ce qu’en voient tous les lecteurs."
        );
    }

    // Dates as each format wants them.
    let rss = String::from_utf8(app.get("/feeds/rss.xml").await.body.to_vec()).unwrap();
    assert!(
        rss.contains("<pubDate>Fri, 31 Jan 2025 07:30:00 +0000</pubDate>"),
        "RFC 822 dates"
    );
    assert!(rss.contains(&format!(
        "<atom:link href=\"{PUBLIC_URL}/feeds/rss.xml\" rel=\"self\" type=\"application/rss+xml\""
    )));
    let json = app.get("/feeds/feed.json").await.json();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["feed_url"], format!("{PUBLIC_URL}/feeds/feed.json"));
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == format!("{PUBLIC_URL}/api/v1/articles/{}", main["id"]))
        .unwrap();
    assert_eq!(item["date_published"], "2025-01-31T07:30:00Z");
    assert_eq!(
        item["title"],
        "Politique migratoire : Le ministère de tutelle et l’OIM signent des conventions"
    );
}

pub async fn section_and_author_feeds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    arrange(&app).await;
    ArticleBuilder::new("Le budget de la culture")
        .section("culture")
        .author("awa-traore")
        .insert(&app.db);
    let in_politique = app
        .get("/api/v1/articles?section=politique&limit=100")
        .await
        .ok_json();
    let in_politique = in_politique["items"].as_array().unwrap().len();
    assert!(in_politique > 2);

    for (file, content_type) in FORMATS {
        let feed = parse(
            &app.get(&format!("/feeds/sections/politique/{file}")).await,
            content_type,
        );
        assert_eq!(
            feed.title.as_ref().unwrap().content,
            "Dépêche — Politique",
            "{file}"
        );
        assert_eq!(feed.entries.len(), in_politique, "{file}");
        for entry in &feed.entries {
            assert_eq!(
                category_names(entry).first().map(String::as_str),
                Some("Politique"),
                "{file}"
            );
        }

        let feed = parse(
            &app.get(&format!("/feeds/authors/awa-traore/{file}")).await,
            content_type,
        );
        assert_eq!(
            feed.title.as_ref().unwrap().content,
            "Dépêche — awa-traore",
            "{file}"
        );
        let titles: Vec<&str> = feed.entries.iter().map(title).collect();
        assert_eq!(titles, ["Le budget de la culture"], "{file}");

        let feed = parse(
            &app.get(&format!("/feeds/authors/nfamoro-keita/{file}")).await,
            content_type,
        );
        assert!(
            feed.entries
                .iter()
                .all(|e| e.authors.iter().any(|a| a.name == "N'Famoro Keita"))
        );
        assert!(
            feed.entries
                .iter()
                .all(|e| !INVISIBLE.iter().any(|t| title(e).contains(t)))
        );

        app.get(&format!("/feeds/sections/nowhere/{file}"))
            .await
            .problem(404);
        app.get(&format!("/feeds/authors/nobody/{file}"))
            .await
            .problem(404);
    }
    app.get("/feeds/podcast.xml").await.problem(404);
    app.get("/feeds/sections/politique/index.html").await.problem(404);
}

pub async fn feeds_answer_304(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    for path in [
        "/feeds",
        "/feeds/sections/politique",
        "/feeds/authors/nfamoro-keita",
    ] {
        for (file, _) in FORMATS {
            let url = format!("{path}/{file}");
            let first = app.get(&url).await;
            let etag = first.header("etag").expect("ETag").to_owned();
            assert_eq!(
                app.get(&url).await.header("etag"),
                Some(etag.as_str()),
                "{url}: stable"
            );
            let again = app.request(Method::GET, &url, &[("if-none-match", &etag)]).await;
            assert_eq!(again.status, 304, "{url}");
            assert!(again.body.is_empty());
            assert_eq!(again.header("etag"), Some(etag.as_str()));
        }
    }
    // A new article, published through the API, changes the feed.
    let etag = app.get("/feeds/rss.xml").await.header("etag").unwrap().to_owned();
    let editor = app.sign_in(depeche::auth::Role::Editor).await;
    let created = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&editor),
            Some(serde_json::json!({"title": "Dernière minute"})),
        )
        .await
        .expect(201);
    app.send(
        Method::POST,
        &format!("/api/v1/articles/{}/publish", created["id"]),
        Some(&editor),
        None,
    )
    .await
    .expect(200);
    let res = app
        .request(Method::GET, "/feeds/rss.xml", &[("if-none-match", &etag)])
        .await;
    assert_eq!(res.status, 200);
    assert_ne!(res.header("etag"), Some(etag.as_str()));
}
