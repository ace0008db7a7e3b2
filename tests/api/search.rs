//! Full-text search (`GET /api/v1/articles?q=`) and related suggestions.

use actix_web::http::Method;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use depeche::auth::Role;
use depeche::content::articles::Status;
use depeche::db::now;
use depeche::db::schema::article_search;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::fixtures::ArticleBuilder;
use crate::helpers::{Backend, TestApp};

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {page}"))
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

fn encode(q: &str) -> String {
    serde_urlencoded::to_string([("q", q)]).unwrap()
}

async fn search(app: &TestApp, q: &str) -> Value {
    app.get(&format!("/api/v1/articles?{}&limit=100", encode(q)))
        .await
        .ok_json()
}

async fn found(app: &TestApp, q: &str) -> Vec<i64> {
    ids(&search(app, q).await)
}

async fn demo_main_id(app: &TestApp) -> i64 {
    let slug = app.load_demo();
    app.get(&format!("/api/v1/articles/slug/{slug}")).await.ok_json()["id"]
        .as_i64()
        .unwrap()
}

fn day(d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 6, d)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap()
}

pub async fn demo_article_is_found_however_it_is_typed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let main = demo_main_id(&app).await;
    for q in [
        "ministere",
        "Ministère",
        "MINISTÈRE",
        "OIM",
        "l’OIM",
        "l'oim",
        "convention",
        "conventions",
        "conv",
        "Keita",
        "\"ministère de tutelle\"",
        "\"Maliens établis\"",
        "ministère OIM conventions",
        "OIM -zèbre",
    ] {
        assert!(
            found(&app, q).await.contains(&main),
            "{q:?} should find the main article"
        );
    }
    for q in [
        "conv ",
        "\"conv\"",
        "\"tutelle ministère\"",
        "OIM -conventions",
        "ministère zèbre",
    ] {
        assert!(
            !found(&app, q).await.contains(&main),
            "{q:?} should not find the main article"
        );
    }
    // The main article's title matches: it comes first, with a snippet.
    let page = search(&app, "ministère conventions").await;
    assert_eq!(page["items"][0]["id"], main);
    let snippet = page["items"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>ministère</mark>"), "{snippet}");
    assert!(!snippet.contains("<p>"), "{snippet}");
    // Plain lists carry no snippet.
    let list = app.get("/api/v1/articles").await.ok_json();
    assert!(list["items"][0].get("snippet").is_none());
}

pub async fn word_forms_and_bambara_letters_match(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (one, _) = ArticleBuilder::new("Un migrant secouru près de Gao")
        .published_at(day(1))
        .insert(&app.db);
    let (many, _) = ArticleBuilder::new("Retour au pays")
        .body("<p>Les migrants maliens rentrent d’Algérie.</p>")
        .published_at(day(2))
        .insert(&app.db);
    let (bambara, _) = ArticleBuilder::new("Ɲɔgɔn dɛmɛ ka sɔrɔ")
        .language("bm")
        .body("<p>Jamana ŋaniya bɛ baara kɛ.</p>")
        .published_at(day(3))
        .insert(&app.db);
    let (english, _) = ArticleBuilder::new("Migrants rescued near Gao")
        .language("en")
        .published_at(day(4))
        .insert(&app.db);
    // Titles first (newest first), then the body match.
    assert_eq!(found(&app, "migrants").await, [english, one, many]);
    assert_eq!(found(&app, "migrant ").await, [english, one, many]);
    assert_eq!(found(&app, "ɲɔgɔn").await, [bambara]);
    assert_eq!(found(&app, "Ɲɔgɔn").await, [bambara]);
    assert_eq!(found(&app, "sɔrɔ dɛmɛ").await, [bambara]);
    assert_eq!(found(&app, "ŋaniya").await, [bambara]);
    assert_eq!(found(&app, "ɲɔ").await, [bambara], "prefix with a Bambara letter");
    assert_eq!(
        found(&app, "nogon ").await,
        Vec::<i64>::new(),
        "ɲ and ɔ are not n and o"
    );
    let page = search(&app, "ŋaniya").await;
    assert_eq!(
        page["items"][0]["snippet"],
        "Jamana <mark>ŋaniya</mark> bɛ baara kɛ."
    );
}

pub async fn title_matches_rank_above_body_matches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (body_only, _) = ArticleBuilder::new("Le fleuve baisse")
        .body("<p>La sécheresse menace les récoltes.</p>")
        .published_at(day(9))
        .insert(&app.db);
    let (lead, _) = ArticleBuilder::new("Les récoltes menacées")
        .standfirst("Une sécheresse sévère frappe le pays.")
        .published_at(day(8))
        .insert(&app.db);
    let (kicker, _) = ArticleBuilder::new("Les puits tarissent")
        .kicker("Sécheresse")
        .published_at(day(2))
        .insert(&app.db);
    let (title, _) = ArticleBuilder::new("La sécheresse s’étend au Sahel")
        .published_at(day(1))
        .insert(&app.db);
    // Head (kicker or title) first, newest first within; then standfirst; then body.
    assert_eq!(found(&app, "sécheresse").await, [kicker, title, lead, body_only]);
    // Every word must be in the head to rank there.
    assert_eq!(found(&app, "sécheresse récoltes").await, [lead, body_only]);
}

pub async fn hidden_articles_are_never_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (public, _) = ArticleBuilder::new("Le criquet pèlerin menace").insert(&app.db);
    ArticleBuilder::new("Le criquet en brouillon")
        .status(Status::Draft)
        .insert(&app.db);
    ArticleBuilder::new("Le criquet à paraître")
        .status(Status::Scheduled)
        .published_at(now() + Duration::hours(2))
        .insert(&app.db);
    ArticleBuilder::new("Le criquet à la corbeille")
        .deleted()
        .insert(&app.db);
    ArticleBuilder::new("Le criquet archivé")
        .status(Status::Archived)
        .insert(&app.db);
    assert_eq!(found(&app, "criquet").await, [public]);
    assert_eq!(found(&app, "cri").await, [public]);
}

pub async fn search_pages_have_no_duplicates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for i in 0..23 {
        // Mixed tiers, and publication times shared by several articles.
        let builder = if i % 3 == 0 {
            ArticleBuilder::new(&format!("Harmattan numéro {i}"))
        } else {
            ArticleBuilder::new(&format!("Vent numéro {i}")).body("<p>Le harmattan souffle.</p>")
        };
        builder.published_at(day(1 + i / 4)).insert(&app.db);
    }
    ArticleBuilder::new("Sans rapport").insert(&app.db);
    let all = found(&app, "harmattan").await;
    assert_eq!(all.len(), 23);
    let mut seen = Vec::new();
    let mut path = "/api/v1/articles?q=harmattan&limit=5".to_owned();
    loop {
        let res = app.get(&path).await;
        let page = res.ok_json();
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(res.header("link").unwrap().contains("q=harmattan"));
                path = format!("/api/v1/articles?q=harmattan&limit=5&cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(seen, all, "pages skipped or repeated articles");

    // A list cursor is no search cursor, and forgeries are refused.
    let list = app.get("/api/v1/articles?limit=1").await.ok_json();
    let list_cursor = list["next_cursor"].as_str().unwrap();
    for cursor in [list_cursor, "WzksMCwxXQ", "garbage"] {
        let res = app
            .get(&format!("/api/v1/articles?q=harmattan&cursor={cursor}"))
            .await;
        assert_eq!(res.invalid_fields(), ["cursor"], "{cursor}");
    }
}

pub async fn bad_queries_are_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for q in ["   ", "le la les the", "-oim", &"a".repeat(201)] {
        let res = app.get(&format!("/api/v1/articles?{}", encode(q))).await;
        assert_eq!(res.invalid_fields(), ["q"], "{q:?}");
    }
    let res = app.get("/api/v1/articles?q=oim&status=draft").await;
    assert_eq!(res.invalid_fields(), ["q"]);
    // An empty search box is no search: the plain list.
    assert!(app.get("/api/v1/articles?q=").await.ok_json()["items"].is_array());
    // Query syntax characters are only text.
    for q in [
        "OR", "NOT oim", "oim*", "'oim'", "oim:*", "(oim", "\"oim", "oim & !x", "{head}:x",
    ] {
        app.get(&format!("/api/v1/articles?{}", encode(q)))
            .await
            .ok_json();
    }
}

/// A fixed corpus and fixed queries with their expected answers, by label:
/// run on each backend, so both give the same articles in the same order.
pub async fn fixed_queries_give_the_same_answers_on_both_backends(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let corpus = [
        (
            "gold",
            "L’or de Kéniéba",
            "<p>Les orpailleurs de Kéniéba extraient l’or.</p>",
            "fr",
        ),
        (
            "rain",
            "Les pluies arrivent à Kayes",
            "<p>La saison des pluies commence.</p>",
            "fr",
        ),
        (
            "school",
            "La rentrée scolaire à Ségou",
            "<p>Les écoles rouvrent leurs portes.</p>",
            "fr",
        ),
        (
            "schools",
            "Écoles fermées à Mopti",
            "<p>La rentrée scolaire est reportée.</p>",
            "fr",
        ),
        (
            "river",
            "Le fleuve Niger en crue",
            "<p>Les pluies font monter le fleuve à Ségou.</p>",
            "fr",
        ),
        (
            "en_rain",
            "Rains reach Kayes",
            "<p>The rainy season begins in Kayes.</p>",
            "en",
        ),
        ("bm", "Sanji nana Kayes", "<p>Sanji bɛ na kɛnɛ kan.</p>", "bm"),
        (
            "market",
            "Le marché de Ségou",
            "<p>Les prix de l’or et du mil montent.</p>",
            "fr",
        ),
    ];
    let mut labels = std::collections::HashMap::new();
    for (i, (label, title, body, language)) in corpus.iter().enumerate() {
        let (id, _) = ArticleBuilder::new(title)
            .body(body)
            .language(language)
            .published_at(day(1 + u32::try_from(i).unwrap()))
            .insert(&app.db);
        labels.insert(id, *label);
    }
    let expected: &[(&str, &[&str])] = &[
        ("or", &["gold", "market"]),
        ("Kéniéba", &["gold"]),
        ("pluie", &["rain", "river"]),
        ("pluies kayes", &["rain"]),
        ("kayes", &["bm", "en_rain", "rain"]),
        ("rain", &["en_rain"]),
        ("scolaire", &["school", "schools"]),
        ("école", &["schools", "school"]),
        ("ségou", &["market", "school", "river"]),
        ("ségou -fleuve", &["market", "school"]),
        ("\"rentrée scolaire\"", &["school", "schools"]),
        ("\"scolaire rentrée\"", &[]),
        ("fle", &["river"]),
        ("sanji", &["bm"]),
        ("mil or", &["market"]),
    ];
    for (q, want) in expected {
        let got: Vec<&str> = found(&app, q).await.iter().map(|id| labels[id]).collect();
        assert_eq!(&got, want, "q={q:?}");
    }
}

pub async fn index_follows_editorial_writes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.sign_in(Role::Editor).await;
    let created = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&editor),
            Some(json!({
                "kicker": "Climat",
                "title": "Le harmattan souffle sur Kayes",
                "body_html": "<p>Une poussière rouge couvre la ville.</p>"
            })),
        )
        .await
        .expect(201);
    let id = created["id"].as_i64().unwrap();
    // A draft is indexed but not shown.
    assert!(found(&app, "harmattan").await.is_empty());
    let publish = format!("/api/v1/articles/{id}/publish");
    app.send(Method::POST, &publish, Some(&editor), None)
        .await
        .expect(200);
    assert_eq!(found(&app, "harmattan").await, [id]);
    assert_eq!(found(&app, "poussière rouge").await, [id]);

    app.send(
        Method::PATCH,
        &format!("/api/v1/articles/{id}"),
        Some(&editor),
        Some(json!({"title": "La pluie tombe sur Kayes"})),
    )
    .await
    .expect(200);
    assert!(
        found(&app, "harmattan").await.is_empty(),
        "old title words are gone"
    );
    assert_eq!(found(&app, "pluie").await, [id]);

    app.send(
        Method::POST,
        &format!("/api/v1/articles/{id}/unpublish"),
        Some(&editor),
        None,
    )
    .await
    .expect(200);
    assert!(found(&app, "pluie").await.is_empty(), "unpublished");

    // Back to the first revision's text, published again.
    app.send(
        Method::POST,
        &format!("/api/v1/articles/{id}/revisions/1/restore"),
        Some(&editor),
        None,
    )
    .await
    .expect(200);
    app.send(Method::POST, &publish, Some(&editor), None)
        .await
        .expect(200);
    assert_eq!(found(&app, "harmattan").await, [id]);
    assert!(found(&app, "pluie").await.is_empty());

    // An author's new name is found in their articles.
    let author = app
        .send(
            Method::POST,
            "/api/v1/authors",
            Some(&editor),
            Some(json!({"name": "Awa Traoré", "byline": "Awa TRAORÉ"})),
        )
        .await
        .expect(201);
    let author_slug = author["slug"].as_str().unwrap().to_owned();
    app.send(
        Method::PATCH,
        &format!("/api/v1/articles/{id}"),
        Some(&editor),
        Some(json!({"authors": [author_slug]})),
    )
    .await
    .expect(200);
    assert_eq!(found(&app, "traore").await, [id]);
    app.send(
        Method::PATCH,
        &format!("/api/v1/authors/{author_slug}"),
        Some(&editor),
        Some(json!({"name": "Awa Keïta"})),
    )
    .await
    .expect(200);
    assert!(found(&app, "traore").await.is_empty());
    assert_eq!(found(&app, "keita").await, [id]);

    // Trashed, then gone for good.
    app.send(
        Method::DELETE,
        &format!("/api/v1/articles/{id}"),
        Some(&editor),
        None,
    )
    .await;
    assert!(found(&app, "harmattan").await.is_empty(), "trashed");
    let admin = app.sign_in(Role::Admin).await;
    app.send(
        Method::DELETE,
        &format!("/api/v1/articles/{id}?permanent=true"),
        Some(&admin),
        None,
    )
    .await
    .expect(204);
    let mut conn = app.db.conn().unwrap();
    let rows: i64 = article_search::table
        .filter(article_search::article_id.eq(id))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(rows, 0, "a purged article leaves no index row");
}

pub async fn related_suggestions_rank_by_likeness(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (base, _) = ArticleBuilder::new("Sécheresse au Sahel : les puits tarissent")
        .section("monde")
        .tag("sahel")
        .tag("eau")
        .published_at(day(1))
        .insert(&app.db);
    let (two_tags, _) = ArticleBuilder::new("Des forages pour les villages")
        .section("economie")
        .tag("sahel")
        .tag("eau")
        .published_at(day(2))
        .insert(&app.db);
    let (same_section, _) = ArticleBuilder::new("Élections au Sénégal")
        .section("monde")
        .published_at(day(5))
        .insert(&app.db);
    let (same_words, _) = ArticleBuilder::new("Les puits du Sahel tarissent encore")
        .section("societe")
        .published_at(day(3))
        .insert(&app.db);
    let (unrelated, _) = ArticleBuilder::new("Le championnat reprend")
        .section("sport")
        .published_at(day(6))
        .insert(&app.db);
    let (draft, _) = ArticleBuilder::new("Sécheresse au Sahel, brouillon")
        .section("monde")
        .tag("sahel")
        .tag("eau")
        .status(Status::Draft)
        .insert(&app.db);
    let related = app
        .get(&format!("/api/v1/articles/{base}/related"))
        .await
        .ok_json();
    let suggested: Vec<i64> = related["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["source"], "automatic");
            i["article"]["id"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(suggested, [two_tags, same_words, same_section]);
    assert!(!suggested.contains(&unrelated) && !suggested.contains(&draft) && !suggested.contains(&base));
    let two = app
        .get(&format!("/api/v1/articles/{base}/related?limit=2"))
        .await
        .ok_json();
    assert_eq!(two["items"].as_array().unwrap().len(), 2);
}
