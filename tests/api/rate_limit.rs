//! Writes are limited per account: over the limit, 429 and nothing written;
//! other accounts and every read go on.

use actix_web::http::Method;
use depeche::auth::Role;
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, TestApp};

pub async fn writes_are_limited_per_account(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("DEPECHE_WRITES_PER_MINUTE", "3")]).await;
    app.load_demo();
    let email = "pressee@journal.example";
    let (hasty, _) = app.sign_in_as(Role::Editor, email).await;
    let calm = app.sign_in(Role::Editor).await;

    // A minute's allowance at once: a create, an edit and a publish.
    let article = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&hasty),
            Some(json!({"title": "Première"})),
        )
        .await
        .expect(201);
    let id = article["id"].as_i64().unwrap();
    let path = format!("/api/v1/articles/{id}");
    app.send(
        Method::PATCH,
        &path,
        Some(&hasty),
        Some(json!({"standfirst": "Chapeau"})),
    )
    .await
    .expect(200);
    app.send(Method::POST, &format!("{path}/publish"), Some(&hasty), None)
        .await
        .expect(200);

    // Any further write is refused before it is looked at, and changes nothing.
    let refused = [
        (
            Method::POST,
            "/api/v1/articles".to_owned(),
            Some(json!({"title": "De trop"})),
        ),
        (Method::PATCH, path.clone(), Some(json!({"title": "Changé"}))),
        (Method::DELETE, path.clone(), None),
        (
            Method::POST,
            "/api/v1/sections".to_owned(),
            Some(json!({"name": "Sports"})),
        ),
        (Method::POST, format!("{path}/unpublish"), None),
    ];
    for (method, target, body) in refused {
        let res = app.send(method.clone(), &target, Some(&hasty), body).await;
        res.problem(429);
        let wait: u64 = res
            .header("retry-after")
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{method} {target}: Retry-After {:?}", res.header("retry-after")));
        assert!(
            (1..=20).contains(&wait),
            "{method} {target}: one write's worth, not {wait} s"
        );
    }
    let public = app.get(&path).await.ok_json();
    assert_eq!(
        (public["title"].as_str(), public["standfirst"].as_str()),
        (Some("Première"), Some("Chapeau"))
    );
    let drafts = app
        .send(Method::GET, "/api/v1/articles?status=draft", Some(&hasty), None)
        .await
        .expect(200);
    assert_eq!(drafts["items"], json!([]), "no draft was created");
    app.get("/api/v1/sections/sports").await.problem(404);

    // Reads go on, signed in or not; another account writes on.
    app.send(Method::GET, "/api/v1/auth/me", Some(&hasty), None)
        .await
        .expect(200);
    app.get("/api/v1/articles").await.ok_json();
    app.send(
        Method::POST,
        "/api/v1/articles",
        Some(&calm),
        Some(json!({"title": "Sereine"})),
    )
    .await
    .expect(201);

    // Signing in again is not a write, and a new token does not reset the
    // account's allowance.
    let login = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": PASSWORD})),
        )
        .await
        .ok_json_any();
    let fresh = login["access_token"].as_str().unwrap();
    app.send(
        Method::POST,
        "/api/v1/articles",
        Some(fresh),
        Some(json!({"title": "Encore"})),
    )
    .await
    .problem(429);
}
