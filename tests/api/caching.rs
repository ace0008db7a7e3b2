//! Cache-friendly reads: ETags, 304s, HEAD, CORS.

use actix_web::http::Method;

use crate::helpers::{Backend, TestApp};

pub async fn conditional_get_answers_304(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let slug = app.load_demo();
    for path in [
        format!("/api/v1/articles/slug/{slug}"),
        "/api/v1/articles?section=politique".to_owned(),
        "/api/v1/sections".to_owned(),
        "/api/v1/authors/nfamoro-keita".to_owned(),
        "/openapi.json".to_owned(),
    ] {
        let first = app.get(&path).await;
        first.ok_json();
        let etag = first.header("etag").unwrap().to_owned();
        assert_eq!(
            app.get(&path).await.header("etag"),
            Some(etag.as_str()),
            "stable ETag for {path}"
        );

        let again = app.request(Method::GET, &path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert!(again.header("cache-control").is_some());

        let listed = format!("\"other\", W/{etag}");
        assert_eq!(
            app.request(Method::GET, &path, &[("if-none-match", &listed)])
                .await
                .status,
            304
        );
        let stale = app
            .request(Method::GET, &path, &[("if-none-match", "\"stale\"")])
            .await;
        assert_eq!(stale.status, 200, "{path}");
    }
    let article = app.get(&format!("/api/v1/articles/slug/{slug}")).await;
    assert_eq!(
        article.header("cache-control"),
        Some("public, max-age=60, stale-while-revalidate=30")
    );
}

pub async fn head_answers_like_get_without_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let slug = app.load_demo();
    let path = format!("/api/v1/articles/slug/{slug}");
    let get = app.get(&path).await;
    let head = app.request(Method::HEAD, &path, &[]).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(head.header("content-type"), get.header("content-type"));
}

pub async fn cors_admits_configured_origins_only(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[("DEPECHE_CORS_ORIGINS", "https://www.journal.example")],
    )
    .await;
    let allowed = app
        .request(
            Method::GET,
            "/api/v1/sections",
            &[("origin", "https://www.journal.example")],
        )
        .await;
    assert_eq!(allowed.status, 200);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://www.journal.example")
    );
    assert!(
        allowed
            .header("access-control-expose-headers")
            .unwrap()
            .contains("etag")
    );

    let preflight = app
        .request(
            Method::OPTIONS,
            "/api/v1/articles",
            &[
                ("origin", "https://www.journal.example"),
                ("access-control-request-method", "GET"),
            ],
        )
        .await;
    assert_eq!(preflight.status, 200);
    assert!(
        preflight
            .header("access-control-allow-methods")
            .unwrap()
            .contains("GET")
    );

    let foreign = app
        .request(
            Method::GET,
            "/api/v1/sections",
            &[("origin", "https://evil.example")],
        )
        .await;
    assert!(foreign.header("access-control-allow-origin").is_none());
    assert!(
        foreign.status == 200 || foreign.status == 400,
        "{}",
        foreign.status
    );
    if foreign.status == 400 {
        foreign.problem(400);
    }
}
