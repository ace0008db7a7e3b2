//! Bad requests get problem documents naming what is wrong; never a 500.

use actix_web::http::Method;

use crate::helpers::{Backend, TestApp};

pub async fn bad_query_parameters_are_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let cases: &[(&str, &[&str])] = &[
        ("/api/v1/articles?limit=abc", &["limit"]),
        ("/api/v1/articles?limit=1000", &["limit"]),
        ("/api/v1/articles?limit=0", &["limit"]),
        ("/api/v1/articles?limit=-5", &["limit"]),
        ("/api/v1/articles?cursor=not-a-cursor", &["cursor"]),
        // Valid base64 of JSON, but not a key this API issues.
        ("/api/v1/articles?cursor=eyJhIjoxfQ", &["cursor"]),
        ("/api/v1/articles?cursor=WzEsMiwzXQ", &["cursor"]),
        ("/api/v1/articles?since=yesterday", &["since"]),
        ("/api/v1/articles?until=2025-13-45", &["until"]),
        (
            "/api/v1/articles?section=Politique%20G%C3%A9n%C3%A9rale",
            &["section"],
        ),
        (
            "/api/v1/articles?limit=x&since=y&cursor=z",
            &["since", "limit", "cursor"],
        ),
        ("/api/v1/authors?limit=101", &["limit"]),
        (
            "/api/v1/authors?cursor=%27%3B%20DROP%20TABLE%20authors%3B--",
            &["cursor"],
        ),
        ("/api/v1/articles/1/related?limit=50", &["limit"]),
        ("/api/v1/tags?limit=0", &["limit"]),
        ("/api/v1/photos?limit=101", &["limit"]),
        ("/api/v1/articles/abc", &["id"]),
        ("/api/v1/articles/-1", &["id"]),
        ("/api/v1/articles/99999999999999999999999", &["id"]),
        ("/api/v1/photos/1.5", &["id"]),
    ];
    for (path, fields) in cases {
        let res = app.get(path).await;
        assert_eq!(res.invalid_fields(), *fields, "{path}");
        assert_eq!(res.header("cache-control"), Some("no-store"), "{path}");
    }
    // Filters naming nothing that exists match nothing; empty ones, everything.
    for path in [
        "/api/v1/articles?section=nowhere",
        "/api/v1/articles?author=nobody",
        "/api/v1/articles?tag=none",
    ] {
        assert_eq!(
            app.get(path).await.ok_json()["items"],
            serde_json::json!([]),
            "{path}"
        );
    }
    let all = app.get("/api/v1/articles?tag=&cursor=&section=").await.ok_json();
    assert_eq!(all["items"].as_array().unwrap().len(), 14);
    for path in [
        "/api/v1/articles?limit=&q=&since=&until=&author=&status=",
        "/api/v1/authors?limit=&cursor=",
        "/api/v1/tags?limit=",
        "/api/v1/photos?q=&limit=",
    ] {
        assert!(app.get(path).await.ok_json()["items"].is_array(), "{path}");
    }
    let id = all["items"][0]["id"].as_i64().unwrap();
    let article = app.get(&format!("/api/v1/articles/{id}?format=")).await;
    assert_eq!(article.ok_json()["id"], id, "plain JSON");
    app.get(&format!("/api/v1/articles/{id}/related?limit="))
        .await
        .ok_json();
    // Repeating a parameter is a malformed query string.
    app.get("/api/v1/articles?limit=1&limit=2").await.problem(400);
}

pub async fn unknown_things_are_404_problems(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    for path in [
        "/",
        "/api/v2/articles",
        "/api/v1/articles/slug/no-such-article",
        "/api/v1/articles/424242",
        "/api/v1/articles/424242/related",
        "/api/v1/sections/no-such-section",
        "/api/v1/authors/no-such-author",
        "/api/v1/photos/424242",
        "/media/../../etc/passwd",
        "/api/v1/authors/a%00b",
        "/api/v1/articles/slug/a%00b",
        "/feeds/authors/a%00b/rss.xml",
        "/media/0000000000000000000000000000000000000000000000000000000000000000.png",
    ] {
        app.get(path).await.problem(404);
    }
}

pub async fn wrong_methods_are_405_with_allow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (method, path, allow) in [
        (Method::DELETE, "/api/v1/sections", "GET, POST, HEAD"),
        (Method::PUT, "/api/v1/articles/slug/x", "GET, HEAD"),
        (Method::POST, "/healthz", "GET, HEAD"),
        (Method::GET, "/api/v1/auth/login", "POST"),
        (Method::PUT, "/api/v1/articles/1", "GET, PATCH, DELETE, HEAD"),
    ] {
        let res = app.request(method, path, &[]).await;
        res.problem(405);
        assert_eq!(res.header("allow"), Some(allow), "{path}");
    }
}

pub async fn oversized_heads_are_refused_by_name(backend: Backend) {
    use depeche::http::limits::{
        MAX_HEAD_BYTES, MAX_HEADER_BYTES, MAX_HEADERS, MAX_PATH_BYTES, MAX_QUERY_BYTES, MAX_QUERY_PARAMS,
    };

    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let long_slug = "a".repeat(MAX_PATH_BYTES);
    let long_query = format!("q={}", "a".repeat(MAX_QUERY_BYTES));
    let many_params = (0..=MAX_QUERY_PARAMS)
        .map(|i| format!("p{i}=1"))
        .collect::<Vec<_>>()
        .join("&");
    for (path, field) in [
        (format!("/api/v1/articles/slug/{long_slug}"), "path"),
        (format!("/api/v1/articles?{long_query}"), "query"),
        (format!("/healthz?{many_params}"), "query"),
    ] {
        let res = app.get(&path).await;
        assert_eq!(res.fields_named(414), [field], "{}…", &path[..40]);
    }

    let big = "b".repeat(MAX_HEADER_BYTES + 1);
    // The same refusal when the answer is cached, and read first from memory.
    app.get("/api/v1/articles").await.ok_json();
    let res = app
        .request(Method::GET, "/api/v1/articles", &[("x-filler", &big)])
        .await;
    assert_eq!(res.fields_named(431), ["x-filler"]);
    let chunk = "c".repeat(MAX_HEADER_BYTES);
    let names: Vec<String> = (0..MAX_HEAD_BYTES / MAX_HEADER_BYTES + 1)
        .map(|i| format!("x-part-{i}"))
        .collect();
    let together: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), chunk.as_str())).collect();
    let res = app.request(Method::GET, "/api/v1/articles", &together).await;
    assert_eq!(res.fields_named(431), ["headers"]);
    let names: Vec<String> = (0..=MAX_HEADERS).map(|i| format!("x-many-{i}")).collect();
    let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "1")).collect();
    let res = app.request(Method::GET, "/api/v1/articles", &many).await;
    assert_eq!(res.fields_named(431), ["headers"]);

    // A write over a limit is refused before anything is read or written.
    let editor = app.sign_in(depeche::auth::Role::Editor).await;
    let res = app
        .send(
            Method::POST,
            &format!("/api/v1/articles?{many_params}"),
            Some(&editor),
            Some(serde_json::json!({"title": "Jamais écrit"})),
        )
        .await;
    assert_eq!(res.fields_named(414), ["query"]);
    let drafts = app
        .send(Method::GET, "/api/v1/articles?status=draft", Some(&editor), None)
        .await
        .expect(200);
    assert_eq!(drafts["items"], serde_json::json!([]));

    // The longest search the API takes fits, in any script.
    let longest = "🇲".repeat(200);
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &longest)
        .append_pair("section", "politique")
        .append_pair("limit", "100")
        .finish();
    assert!(query.len() <= MAX_QUERY_BYTES);
    let res = app.get(&format!("/api/v1/articles?{query}")).await;
    assert_ne!(res.status, 414, "{}", String::from_utf8_lossy(&res.body));
}
