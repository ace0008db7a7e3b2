//! The editorial side: an article's whole life, concurrent edits, retries.

use actix_web::http::Method;
use depeche::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{Backend, PUBLIC_URL, TestApp};

const SEED: &str = include_str!("../../demo/demo-content.json");

/// The demo article as an editorial tool would post it.
fn demo_article() -> Value {
    let seed: Value = serde_json::from_str(SEED).unwrap();
    let main = &seed["main"];
    let body: String = main["body_paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("<p>{}</p>", p.as_str().unwrap()))
        .collect();
    json!({
        "kicker": main["kicker"],
        "title": main["title"],
        "standfirst": main["standfirst"],
        "body_html": body,
        "section": "politique",
        "authors": ["nfamoro-keita"],
        "tags": ["Migration", "OIM"],
    })
}

async fn public_status(app: &TestApp, slug: &str) -> u16 {
    app.get(&format!("/api/v1/articles/slug/{slug}")).await.status
}

pub async fn life_of_the_demo_article(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let writer = app.sign_in(Role::Writer).await;
    let editor = app.sign_in(Role::Editor).await;

    // The writer posts the article: a draft, invisible to readers.
    let res = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&writer),
            Some(demo_article()),
        )
        .await;
    let article = res.expect(201);
    let id = article["id"].as_i64().unwrap();
    assert_eq!(
        res.header("location"),
        Some(format!("{PUBLIC_URL}/api/v1/articles/{id}").as_str())
    );
    assert_eq!(res.header("etag"), Some("\"v1\""));
    assert_eq!(article["status"], "draft");
    // The slug exists already (the demo article); the new one gets a suffix.
    let slug = article["slug"].as_str().unwrap().to_owned();
    assert_eq!(
        slug,
        "politique-migratoire-le-ministere-de-tutelle-et-l-oim-signent-des-conventions-2"
    );
    assert_eq!(article["body_html"].as_str().unwrap().matches("<p>").count(), 7);
    assert_eq!(
        article["tags"],
        json!([{"slug": "migration", "name": "Migration"}, {"slug": "oim", "name": "OIM"}])
    );
    assert_eq!(public_status(&app, &slug).await, 404);

    // Submitted, then published by an editor.
    let submitted = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/submit"),
            Some(&writer),
            None,
        )
        .await;
    assert_eq!(submitted.expect(200)["status"], "in_review");
    let published = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/publish"),
            Some(&editor),
            None,
        )
        .await;
    let published = published.expect(200);
    assert_eq!(published["status"], "published");
    let public = app.get(&format!("/api/v1/articles/slug/{slug}")).await.ok_json();
    assert_eq!(
        public["title"],
        "Le ministère de tutelle et l’OIM signent des conventions"
    );

    // Two edits, each from the version it saw.
    let first_title = "Le ministère et l’OIM signent deux conventions";
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            Some(json!({"title": first_title})),
            &[("if-match", &format!("\"v{}\"", published["version"]))],
        )
        .await;
    let edited = res.expect(200);
    let etag = res.header("etag").unwrap().to_owned();
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            Some(json!({"standfirst": null, "kicker": "Migrations"})),
            &[("if-match", &etag)],
        )
        .await;
    let edited_twice = res.expect(200);
    assert_eq!(edited_twice["title"], first_title);
    assert_eq!(edited_twice["standfirst"], Value::Null);
    assert_eq!(edited_twice["version"], edited["version"].as_i64().unwrap() + 1);
    let public = app.get(&format!("/api/v1/articles/slug/{slug}")).await.ok_json();
    assert_eq!(public["kicker"], "Migrations");

    // History, and back to revision 1.
    let history = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}/revisions"),
            Some(&editor),
            None,
        )
        .await;
    let changes: Vec<String> = history.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["change"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(changes, ["create", "submit", "publish", "update", "update"]);
    let first = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}/revisions/1"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(
        first.expect(200)["snapshot"]["content"]["title"],
        "Le ministère de tutelle et l’OIM signent des conventions"
    );
    let restored = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/revisions/1/restore"),
            Some(&editor),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        restored["title"],
        "Le ministère de tutelle et l’OIM signent des conventions"
    );
    assert_eq!(restored["kicker"], "Politique migratoire");
    assert_eq!(
        restored["status"], "published",
        "restoring content keeps the workflow state"
    );
    let public = app.get(&format!("/api/v1/articles/slug/{slug}")).await.ok_json();
    assert_eq!(public["standfirst"], demo_article()["standfirst"]);

    // Unpublished: gone for readers.
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/unpublish"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(res.expect(200)["status"], "draft");
    assert_eq!(public_status(&app, &slug).await, 404);

    // Trashed and restored.
    let res = app
        .send(
            Method::DELETE,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(res.status, 204);
    let trashed = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            None,
        )
        .await;
    assert!(trashed.expect(200)["deleted_at"].is_string());
    let listed = app
        .send(Method::GET, "/api/v1/articles?status=draft", Some(&editor), None)
        .await;
    assert!(
        listed.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != id)
    );
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/restore"),
            Some(&editor),
            None,
        )
        .await;
    let back = res.expect(200);
    assert_eq!(back["status"], "draft");
    assert!(back.get("deleted_at").is_none());
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/publish"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(
        res.expect(200)["published_at"],
        published["published_at"],
        "first publication time kept"
    );
    assert_eq!(public_status(&app, &slug).await, 200);

    let history = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}/revisions"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(history.expect(200)["items"].as_array().unwrap().len(), 10);
}

pub async fn concurrent_creates_share_a_new_tag(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.sign_in(Role::Editor).await;
    let creates = (0..12).map(|i| {
        let (app, editor) = (&app, &editor);
        async move {
            app.send(
                Method::POST,
                "/api/v1/articles",
                Some(editor),
                Some(
                    json!({"title": format!("Crue {i}"), "tags": ["Crue du Niger", format!("Quartier {i}")]}),
                ),
            )
            .await
        }
    });
    for res in futures_util::future::join_all(creates).await {
        assert_eq!(res.expect(201)["tags"][0]["slug"], "crue-du-niger");
    }
    let tags = app
        .send(Method::GET, "/api/v1/tags?limit=100", Some(&editor), None)
        .await
        .expect(200);
    let named: Vec<_> = tags["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["slug"] == "crue-du-niger")
        .collect();
    assert_eq!(named.len(), 1, "one tag, shared");
}

pub async fn concurrent_edits_never_overwrite(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.sign_in(Role::Editor).await;
    let created = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&editor),
            Some(json!({"title": "Course"})),
        )
        .await
        .expect(201);
    let id = created["id"].as_i64().unwrap();
    let attempts = (0..12).map(|i| {
        let (app, editor) = (&app, &editor);
        async move {
            app.send_with(
                Method::PATCH,
                &format!("/api/v1/articles/{id}"),
                Some(editor),
                Some(json!({"title": format!("Version {i}")})),
                &[("if-match", "\"v1\"")],
            )
            .await
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    let winners: Vec<_> = results.iter().filter(|r| r.status == 200).collect();
    let losers = results.iter().filter(|r| r.status == 412).count();
    assert_eq!(winners.len(), 1, "exactly one edit wins");
    assert_eq!(losers, 11, "the others are refused");
    for loser in results.iter().filter(|r| r.status == 412) {
        loser.problem(412);
    }
    let saved = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            None,
        )
        .await
        .expect(200);
    assert_eq!(saved["title"], winners[0].json()["title"]);
    assert_eq!(saved["version"], 2);
    let history = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}/revisions"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(
        history.expect(200)["items"].as_array().unwrap().len(),
        2,
        "one revision per accepted write"
    );

    // Without If-Match the write is accepted (last writer wins).
    let res = app
        .send(
            Method::PATCH,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            Some(json!({"title": "Dernier"})),
        )
        .await;
    assert_eq!(res.expect(200)["version"], 3);
    // Also when others save at the same moment: none is refused, none lost.
    let racing = (0..12).map(|i| {
        let (app, editor) = (&app, &editor);
        async move {
            app.send(
                Method::PATCH,
                &format!("/api/v1/articles/{id}"),
                Some(editor),
                Some(json!({"standfirst": format!("Chapeau {i}")})),
            )
            .await
        }
    });
    for res in futures_util::future::join_all(racing).await {
        res.expect(200);
    }
    let history = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}/revisions"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(history.expect(200)["items"].as_array().unwrap().len(), 15);
    // A stale tag changes nothing.
    let stale = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            None,
            &[("if-match", "\"v2\"")],
        )
        .await;
    stale.problem(412);
    let still = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            None,
        )
        .await
        .expect(200);
    assert!(still.get("deleted_at").is_none());
}

pub async fn retried_creates_are_not_duplicated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let writer = app.sign_in(Role::Writer).await;
    let body = json!({"title": "Une seule fois"});
    let send = |key: &'static str, body: Value| {
        let (app, writer) = (&app, &writer);
        async move {
            app.send_with(
                Method::POST,
                "/api/v1/articles",
                Some(writer),
                Some(body),
                &[("idempotency-key", key)],
            )
            .await
        }
    };
    let first = send("create-1", body.clone()).await;
    let again = send("create-1", body.clone()).await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(first.json(), again.json());
    assert_eq!(first.header("location"), again.header("location"));
    let reused = send("create-1", json!({"title": "Autre chose"})).await;
    reused.problem(409);
    let other = send("create-2", body).await.expect(201);
    assert_ne!(other["id"], first.json()["id"]);
    let drafts = app
        .send(Method::GET, "/api/v1/articles?status=draft", Some(&writer), None)
        .await
        .expect(200);
    assert_eq!(drafts["items"].as_array().unwrap().len(), 2);
}

pub async fn slugs_are_generated_unique_and_redirect(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.sign_in(Role::Editor).await;
    let post = |body: Value| {
        let (app, editor) = (&app, &editor);
        async move {
            app.send(Method::POST, "/api/v1/articles", Some(editor), Some(body))
                .await
        }
    };
    let a =
        post(json!({"kicker": "Sécurité routière", "title": "L’anaser enregistre des résultats probants"}))
            .await
            .expect(201);
    assert_eq!(
        a["slug"],
        "securite-routiere-l-anaser-enregistre-des-resultats-probants"
    );
    let id = a["id"].as_i64().unwrap();
    app.send(
        Method::POST,
        &format!("/api/v1/articles/{id}/publish"),
        Some(&editor),
        None,
    )
    .await
    .expect(200);

    // Another article may not take it.
    post(json!({"title": "X", "slug": "securite-routiere-l-anaser-enregistre-des-resultats-probants"}))
        .await
        .problem(409);

    // A published article's changed slug keeps the old one as a redirect.
    let res = app
        .send(
            Method::PATCH,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            Some(json!({"slug": "anaser-bilan"})),
        )
        .await;
    assert_eq!(res.expect(200)["slug"], "anaser-bilan");
    let old = app
        .get("/api/v1/articles/slug/securite-routiere-l-anaser-enregistre-des-resultats-probants")
        .await;
    assert_eq!(old.status, 301);
    assert_eq!(
        old.header("location"),
        Some(format!("{PUBLIC_URL}/api/v1/articles/slug/anaser-bilan").as_str())
    );
    // The old slug stays reserved for its article.
    post(json!({"title": "Y", "slug": "securite-routiere-l-anaser-enregistre-des-resultats-probants"}))
        .await
        .problem(409);
}

pub async fn scheduled_articles_appear_on_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.sign_in(Role::Editor).await;
    let created = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&editor),
            Some(json!({"title": "À paraître"})),
        )
        .await
        .expect(201);
    let (id, slug) = (
        created["id"].as_i64().unwrap(),
        created["slug"].as_str().unwrap().to_owned(),
    );
    let at = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/publish"),
            Some(&editor),
            Some(json!({"publish_at": at.to_rfc3339()})),
        )
        .await;
    assert_eq!(res.expect(200)["status"], "scheduled");
    assert_eq!(public_status(&app, &slug).await, 404);

    // The scheduler marks it published once due; poll for that signal.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let article = app
            .send(
                Method::GET,
                &format!("/api/v1/articles/{id}"),
                Some(&editor),
                None,
            )
            .await
            .expect(200);
        if article["status"] == "published" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not published in time");
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(public_status(&app, &slug).await, 200);
    let history = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{id}/revisions"),
            Some(&editor),
            None,
        )
        .await;
    let last = history.expect(200)["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["change"], "publish");
    assert_eq!(last["user"], Value::Null, "published by the server");
}

pub async fn transitions_that_make_no_sense_conflict(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.sign_in(Role::Editor).await;
    let id = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&editor),
            Some(json!({"title": "États"})),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let act = |action: &'static str| {
        let (app, editor) = (&app, &editor);
        async move {
            app.send(
                Method::POST,
                &format!("/api/v1/articles/{id}/{action}"),
                Some(editor),
                None,
            )
            .await
        }
    };
    act("unpublish").await.problem(409);
    act("restore").await.problem(409);
    // A JSON null body, as generated clients send it, is no body: now.
    let published = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/publish"),
            Some(&editor),
            Some(serde_json::Value::Null),
        )
        .await;
    assert_eq!(published.expect(200)["status"], "published");
    act("publish").await.problem(409);
    act("submit").await.problem(409);
    act("archive").await.expect(200);
    act("archive").await.problem(409);
    act("publish").await.problem(409);
    act("restore").await.expect(200);
    let res = app
        .send(
            Method::DELETE,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(res.status, 204);
    app.send(
        Method::DELETE,
        &format!("/api/v1/articles/{id}"),
        Some(&editor),
        None,
    )
    .await
    .problem(409);
    act("publish").await.problem(409);
    app.send(
        Method::PATCH,
        &format!("/api/v1/articles/{id}"),
        Some(&editor),
        Some(json!({"title": "x"})),
    )
    .await
    .problem(409);
    app.send(
        Method::POST,
        "/api/v1/articles/999999/publish",
        Some(&editor),
        None,
    )
    .await
    .problem(404);
}
