//! The OpenAPI document: generated from the code, committed, valid 3.1.

use serde_json::Value;

use crate::helpers::{Backend, TestApp};

const COMMITTED: &str = include_str!("../../openapi/openapi.json");
const OPENAPI_3_1_SCHEMA: &str = include_str!("../schemas/openapi-3.1.json");

pub fn committed_document_is_current() {
    let generated = depeche::openapi::document_json();
    if generated != COMMITTED {
        panic!(
            "openapi/openapi.json is out of date with the code; regenerate it with \
             `cargo run -- openapi > openapi/openapi.json`"
        );
    }
}

pub fn document_is_valid_openapi_3_1() {
    let schema: Value = serde_json::from_str(OPENAPI_3_1_SCHEMA).unwrap();
    let doc: Value = serde_json::from_str(COMMITTED).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the OpenAPI 3.1 schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["openapi"], "3.1.0");

    // Every operation documents its success and its failures as problems.
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2') || s.starts_with('3')),
                "{method} {path}"
            );
            for status in ["500", "503"] {
                assert!(responses.contains_key(status), "{method} {path} lacks {status}");
            }
            assert!(op["operationId"].is_string(), "{method} {path}");
        }
    }
    for path in [
        "/api/v1/articles",
        "/api/v1/articles/slug/{slug}",
        "/api/v1/articles/{id}",
        "/api/v1/articles/{id}/related",
        "/api/v1/sections",
        "/api/v1/sections/{slug}",
        "/api/v1/authors",
        "/api/v1/authors/{slug}",
        "/api/v1/photos/{id}",
        "/media/{key}",
        "/api/v1/articles/{id}/jsonld",
        "/feeds/{file}",
        "/feeds/sections/{slug}/{file}",
        "/feeds/authors/{slug}/{file}",
        "/sitemap.xml",
        "/sitemaps/articles-{n}.xml",
        "/sitemaps/news.xml",
        "/openapi.json",
        "/docs",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    // Every schema a reference names is defined.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for reference in COMMITTED.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(
            schemas.contains_key(name),
            "schema {name} is referenced but not defined"
        );
    }
    // The article's representations and the parameter choosing one.
    let get_article = &paths["/api/v1/articles/{id}"]["get"];
    let params = get_article["parameters"].as_array().unwrap();
    assert!(params.iter().any(|p| p["name"] == "format" && p["in"] == "query"));
    let content = get_article["responses"]["200"]["content"].as_object().unwrap();
    assert!(content.contains_key("application/json") && content.contains_key("application/ninjs+json"));
}

pub async fn served_document_is_the_committed_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let served = app.get("/openapi.json").await.ok_json();
    let committed: Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(served, committed);
}
