//! What bad input gets: a problem naming the field, nothing half-written.

use actix_web::http::Method;
use depeche::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

pub async fn bad_bodies_are_named_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("DEPECHE_MAX_BODY_BYTES", "65536")]).await;
    app.load_demo();
    let editor = app.sign_in(Role::Editor).await;
    let bearer = format!("Bearer {editor}");
    let auth: &[(&str, &str)] = &[("authorization", &bearer), ("content-type", "application/json")];
    let post_raw = |body: &'static str| {
        let app = &app;
        async move {
            app.raw(Method::POST, "/api/v1/articles", auth, body.as_bytes().to_vec())
                .await
        }
    };
    assert_eq!(post_raw("{\"title\": ").await.invalid_fields(), ["body"]);
    assert_eq!(post_raw("not json").await.invalid_fields(), ["body"]);
    assert_eq!(
        post_raw("{\"title\": \"a\"} trailing").await.invalid_fields(),
        ["body"]
    );
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let deep = app
        .raw(Method::POST, "/api/v1/articles", auth, deep.into_bytes())
        .await;
    deep.problem(400);

    let post = |body: Value| {
        let (app, editor) = (&app, &editor);
        async move {
            app.send(Method::POST, "/api/v1/articles", Some(editor), Some(body))
                .await
        }
    };
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({}), vec!["title"]),
        (json!({"title": "   "}), vec!["title"]),
        (json!({"title": 42}), vec!["title"]),
        (json!({"title": "t", "authors": "nfamoro-keita"}), vec!["authors"]),
        (
            json!({"title": "t", "main_photo_id": "one"}),
            vec!["main_photo_id"],
        ),
        (json!({"title": "t", "access": "everyone"}), vec!["access"]),
        (json!({"title": "t", "surprise": true}), vec!["body"]),
        (json!({"title": "x".repeat(301)}), vec!["title"]),
        (json!({"title": "t", "slug": "Pas Un Slug"}), vec!["slug"]),
        (json!({"title": "t", "language": "français"}), vec!["language"]),
        (
            json!({"title": "t", "section": "nowhere", "authors": ["nfamoro-keita", "ghost"], "main_photo_id": 9999}),
            vec!["section", "authors[1]", "main_photo_id"],
        ),
        (
            json!({"title": "t", "authors": ["nfamoro-keita", "nfamoro-keita"]}),
            vec!["authors[1]"],
        ),
        (json!({"title": "t", "tags": ["ok", ""]}), vec!["tags[1]"]),
        (json!({"title": "t\u{0}"}), vec!["title"]),
    ];
    for (body, fields) in cases {
        let res = post(body.clone()).await;
        let named = res.invalid_fields();
        if fields == ["body"] {
            assert!(
                res.json()["detail"].as_str().unwrap().contains("surprise"),
                "{body}"
            );
        } else {
            assert_eq!(named, fields, "{body}");
        }
    }
    // Nothing was written by any of them.
    let drafts = app
        .send(Method::GET, "/api/v1/articles?status=draft", Some(&editor), None)
        .await
        .expect(200);
    assert_eq!(drafts["items"].as_array().unwrap().len(), 0);

    // A merge patch may remove members, but not ones the resource lacks.
    for path in ["/api/v1/sections/politique", "/api/v1/authors/nfamoro-keita"] {
        let res = app
            .send_with(
                Method::PATCH,
                path,
                Some(&editor),
                Some(json!({"surprise": null})),
                &[("content-type", "application/merge-patch+json")],
            )
            .await;
        assert_eq!(res.invalid_fields(), ["surprise"], "{path}");
    }

    // Too large, and not JSON.
    let huge = json!({"title": "t", "body_html": "x".repeat(70_000)});
    post(huge).await.problem(413);
    let res = app
        .raw(
            Method::POST,
            "/api/v1/articles",
            &[("authorization", &bearer), ("content-type", "text/plain")],
            b"{}".to_vec(),
        )
        .await;
    res.problem(415);
}

pub async fn html_is_sanitised_and_text_survives(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.sign_in(Role::Editor).await;
    let title = "L’« Ségou » de l’OIM ; '); DROP TABLE articles;-- ɛɔɲŋ 🇲🇱";
    let body = json!({
        "title": title,
        "kicker": "Bambara : ɲɔgɔn ye ŋaa",
        "standfirst": "« guillemets » et ‘apostrophes’ 🙂",
        "tags": ["Ségou", "ɲɔgɔn"],
        "body_html": "<p onclick=\"steal()\">Avant <script>alert('x')</script>après <a href=\"javascript:alert(1)\">lien</a> <a href=\"https://example.org/x\">ok</a></p><img src=x onerror=alert(1)><iframe src=\"https://evil.example\"></iframe><p>Fin</p>",
    });
    let article = app
        .send(Method::POST, "/api/v1/articles", Some(&editor), Some(body))
        .await
        .expect(201);
    assert_eq!(article["title"], title);
    assert_eq!(article["kicker"], "Bambara : ɲɔgɔn ye ŋaa");
    assert_eq!(article["tags"][1]["name"], "ɲɔgɔn");
    let html = article["body_html"].as_str().unwrap();
    for banned in [
        "<script",
        "onclick",
        "onerror",
        "javascript:",
        "<iframe",
        "alert(",
    ] {
        assert!(!html.contains(banned), "{banned} survived: {html}");
    }
    assert!(html.contains("Avant après"), "{html}");
    assert!(
        html.contains(r#"<a href="https://example.org/x" rel="noopener noreferrer">ok</a>"#),
        "{html}"
    );
    assert!(html.contains("<p>Fin</p>"));
    let id = article["id"].as_i64().unwrap();
    app.send(
        Method::POST,
        &format!("/api/v1/articles/{id}/publish"),
        Some(&editor),
        None,
    )
    .await
    .expect(200);
    let public = app.get(&format!("/api/v1/articles/{id}")).await.ok_json();
    assert_eq!(public["body_html"], article["body_html"]);
    assert_eq!(public["title"], title);
    let by_tag = app.get("/api/v1/articles?tag=segou").await.ok_json();
    assert_eq!(by_tag["items"][0]["id"], id);
}
