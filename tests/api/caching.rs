//! Cache-friendly reads: ETags, 304s, HEAD, CORS.

use actix_web::http::Method;
use serde_json::{Value, json};

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
    // The second read comes from the response cache, with the same headers.
    let again = app
        .request(
            Method::GET,
            "/api/v1/sections",
            &[("origin", "https://www.journal.example")],
        )
        .await;
    for answer in [&allowed, &again] {
        assert_eq!(
            answer.header("access-control-allow-origin"),
            Some("https://www.journal.example")
        );
        assert!(
            answer
                .header("access-control-expose-headers")
                .unwrap()
                .contains("etag")
        );
    }
    let no_origin = app.get("/api/v1/sections").await;
    assert_eq!(no_origin.status, 200);
    assert!(no_origin.header("access-control-allow-origin").is_none());

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

fn counter(metrics: &str, line_start: &str) -> f64 {
    metrics
        .lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

pub async fn cached_reads_never_outlive_a_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let slug = app.load_demo();
    let editor = app.sign_in(depeche::auth::Role::Editor).await;
    let path = format!("/api/v1/articles/slug/{slug}");
    let hits = |m: &str| counter(m, "depeche_response_cache_total{result=\"hit\"}");

    let first = app.get(&path).await;
    let before = String::from_utf8_lossy(&app.get("/metrics").await.body).into_owned();
    let second = app.get(&path).await;
    let after = String::from_utf8_lossy(&app.get("/metrics").await.body).into_owned();
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("etag"), first.header("etag"));
    assert_eq!(
        hits(&after),
        hits(&before) + 1.0,
        "the second read came from memory"
    );
    let etag = first.header("etag").unwrap().to_owned();
    let revalidated = app.request(Method::GET, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, 304);
    assert_eq!(revalidated.header("etag"), Some(etag.as_str()));

    // A write through the API: the very next read shows it.
    let id = first.json()["id"].as_i64().unwrap();
    app.send(
        Method::PATCH,
        &format!("/api/v1/articles/{id}"),
        Some(&editor),
        Some(serde_json::json!({"title": "Titre corrigé"})),
    )
    .await
    .expect(200);
    let fresh = app.get(&path).await.ok_json();
    assert_eq!(fresh["title"], "Titre corrigé");
    let listed = app.get("/api/v1/articles?section=politique").await.ok_json();
    assert_eq!(listed["items"][0]["title"], "Titre corrigé");
    let stale = app.request(Method::GET, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(stale.status, 200, "the old ETag no longer matches");

    // Editorial reads are never served from the shared cache.
    let draft = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&editor),
            Some(serde_json::json!({"title": "Brouillon"})),
        )
        .await
        .expect(201);
    let as_editor = app
        .send(
            Method::GET,
            &format!("/api/v1/articles/{}", draft["id"]),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(as_editor.header("cache-control"), Some("private, no-store"));
    app.get(&format!("/api/v1/articles/{}", draft["id"]))
        .await
        .problem(404);
}

pub async fn metrics_and_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    app.get("/api/v1/articles/1").await;
    let etag = app
        .get("/api/v1/articles/2")
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    // Answers from the response cache count under their route too.
    app.get("/api/v1/articles/1").await;
    let revalidated = app
        .request(Method::GET, "/api/v1/articles/2", &[("if-none-match", &etag)])
        .await;
    assert_eq!(revalidated.status, 304);
    app.get("/nowhere").await;
    let metrics = String::from_utf8_lossy(&app.get("/metrics").await.body).into_owned();
    let by_route = |status: &str| {
        counter(
            &metrics,
            &format!(
                "depeche_http_requests_total{{method=\"GET\",route=\"/api/v1/articles/{{id}}\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(by_route("200"), 3.0, "{metrics}");
    assert_eq!(by_route("304"), 1.0, "{metrics}");
    for series in [
        "depeche_http_request_duration_seconds_bucket",
        "depeche_db_pool_connections{state=\"idle\"}",
        "process_resident_memory_bytes",
        "route=\"unmatched\"",
    ] {
        assert!(metrics.contains(series), "{series} missing");
    }

    app.get("/api/v1/sections").await;
    let api = app.get("/api/v1/sections").await; // from the response cache
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(api.header("x-frame-options"), Some("DENY"));
    assert_eq!(api.header("referrer-policy"), Some("no-referrer"));
    assert!(
        api.header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert!(
        api.header("strict-transport-security").is_some(),
        "served over https"
    );
    let problem = app.get("/nowhere").await;
    assert_eq!(problem.header("x-content-type-options"), Some("nosniff"));
    let docs = app.get("/docs/").await;
    assert!(
        docs.header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'")
    );

    let plain = TestApp::spawn_with(backend, &[("DEPECHE_PUBLIC_URL", "http://127.0.0.1:8080")]).await;
    assert!(
        plain
            .get("/healthz")
            .await
            .header("strict-transport-security")
            .is_none()
    );
}

pub async fn conditional_misses_fill_the_cache(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let hits = |m: &str| counter(m, "depeche_response_cache_total{result=\"hit\"}");
    let etag = app
        .get("/api/v1/articles?section=politique")
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    // Another key for the same document (an empty cursor is no cursor), not cached yet.
    let cold = "/api/v1/articles?section=politique&cursor=";
    let answer = app.request(Method::GET, cold, &[("if-none-match", &etag)]).await;
    assert_eq!(answer.status, 304);
    assert_eq!(answer.header("etag"), Some(etag.as_str()));
    let before = hits(&String::from_utf8_lossy(&app.get("/metrics").await.body));
    let full = app.get(cold).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.header("etag"), Some(etag.as_str()));
    let after = hits(&String::from_utf8_lossy(&app.get("/metrics").await.body));
    assert_eq!(after, before + 1.0, "the conditional miss filled the cache");
}

/// Editing an article refreshes what shows it (its page, the pages linking to
/// it, the lists) and leaves every other cached article warm.
pub async fn a_write_refreshes_what_shows_the_article_and_nothing_else(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let main_slug = app.load_demo();
    let editor = app.sign_in(depeche::auth::Role::Editor).await;
    let hits = |m: &str| counter(m, "depeche_response_cache_total{result=\"hit\"}");
    let main_path = format!("/api/v1/articles/slug/{main_slug}");
    let main = app.get(&main_path).await.ok_json();
    let linked = &main["related_links"][0]["article"];
    let linked_id = linked["id"].as_i64().unwrap();
    let linked_path = format!("/api/v1/articles/{linked_id}");
    let shown: Vec<i64> = main["related_links"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["article"]["id"].as_i64())
        .chain([main["id"].as_i64().unwrap()])
        .collect();
    let others = app.get("/api/v1/articles?limit=50").await.ok_json();
    let other_id = others["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .find(|id| !shown.contains(id))
        .expect("an article the main one does not link to");
    let other_path = format!("/api/v1/articles/{other_id}");
    let other = app.get(&other_path).await;
    app.get(&linked_path).await.ok_json();
    app.get("/api/v1/articles?limit=50").await.ok_json();

    let act = |path: String, body: Option<Value>| {
        let editor = editor.clone();
        let app = &app;
        async move {
            let method = if body.is_some() {
                Method::PATCH
            } else {
                Method::POST
            };
            app.send(method, &path, Some(&editor), body).await.expect(200);
        }
    };
    act(linked_path.clone(), Some(json!({"title": "Titre corrigé"}))).await;

    let before = hits(&String::from_utf8_lossy(&app.get("/metrics").await.body));
    let again = app.get(&other_path).await;
    let after = hits(&String::from_utf8_lossy(&app.get("/metrics").await.body));
    assert_eq!(again.body, other.body);
    assert_eq!(
        after,
        before + 1.0,
        "an article the edit does not show stayed cached"
    );
    assert_eq!(app.get(&linked_path).await.ok_json()["title"], "Titre corrigé");
    let main_now = app.get(&main_path).await.ok_json();
    assert_eq!(main_now["related_links"][0]["article"]["title"], "Titre corrigé");
    let listed = app.get("/api/v1/articles?limit=50").await.ok_json();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"] == "Titre corrigé")
    );

    // Hidden, the linked article leaves the page that links to it; shown
    // again, it comes back.
    let link_count = |doc: &Value| doc["related_links"].as_array().unwrap().len();
    act(format!("{linked_path}/unpublish"), None).await;
    let hidden = app.get(&main_path).await.ok_json();
    assert_eq!(link_count(&hidden), link_count(&main) - 1);
    app.get(&linked_path).await.problem(404);
    act(format!("{linked_path}/publish"), None).await;
    let shown_again = app.get(&main_path).await.ok_json();
    assert_eq!(link_count(&shown_again), link_count(&main));
}
