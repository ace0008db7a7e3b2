//! Operational routes and the offline documentation.

use crate::helpers::{Backend, TestApp};

pub async fn health_and_readiness(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/healthz").await.json()["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["database"], backend.name());
}

pub async fn documentation_is_served_offline(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/docs/"));
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body);
    assert!(html.contains("swagger-ui"), "{html}");
    // Every script and style the page loads is served by the binary itself.
    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        let res = app.get(asset).await;
        assert_eq!(res.status, 200, "{asset}");
        assert!(!res.body.is_empty());
    }
    let init = String::from_utf8_lossy(&app.get("/docs/swagger-initializer.js").await.body).into_owned();
    assert!(init.contains("/openapi.json"), "{init}");
    assert!(
        !html.contains("https://"),
        "the page loads nothing from the network"
    );
}
