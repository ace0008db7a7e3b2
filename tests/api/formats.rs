//! An article as schema.org JSON-LD and as IPTC ninjs 2.1.

use actix_web::http::Method;
use serde_json::Value;

use crate::fixtures::ArticleBuilder;
use crate::helpers::{Backend, PUBLIC_URL, Response, TestApp};
use crate::syndication::{TRICKY_HEADLINE, arrange};

const NINJS_SCHEMA: &str = include_str!("../schemas/ninjs-schema_2.1.json");
const GEOJSON_SCHEMA: &str = include_str!("../schemas/GeoJSON-schema.json");

/// Checks `doc` against IPTC's ninjs 2.1 schema, formats included.
fn assert_valid_ninjs(doc: &Value) {
    let schema: Value = serde_json::from_str(NINJS_SCHEMA).unwrap();
    let geojson: Value = serde_json::from_str(GEOJSON_SCHEMA).unwrap();
    let validator = jsonschema::options()
        .with_resource(
            "https://geojson.org/schema/GeoJSON.json",
            jsonschema::Resource::from_contents(geojson).unwrap(),
        )
        .should_validate_formats(true)
        .build(&schema)
        .expect("the ninjs schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

fn body_of(res: &Response, content_type: &str) -> Value {
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("content-type"), Some(content_type));
    assert!(
        res.header("etag").is_some_and(|t| t.starts_with('"')),
        "no strong ETag"
    );
    assert!(res.header("cache-control").is_some(), "no Cache-Control");
    res.json()
}

pub async fn jsonld_of_the_demo_article(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let arranged = arrange(&app).await;
    let main = &arranged.main;
    let path = format!("/api/v1/articles/{}/jsonld", main["id"]);
    let res = app.get(&path).await;
    let ld = body_of(&res, "application/ld+json");
    let page = format!(
        "{PUBLIC_URL}/api/v1/articles/slug/{}",
        main["slug"].as_str().unwrap()
    );
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(
        ld["headline"],
        "Politique migratoire : Le ministère de tutelle et l’OIM signent des conventions"
    );
    assert_eq!(ld["url"], page);
    assert_eq!(ld["mainEntityOfPage"]["@id"], page);
    assert_eq!(ld["image"][0]["url"], main["main_photo"]["url"]);
    assert_eq!(ld["image"][0]["width"], 1200);
    assert_eq!(ld["datePublished"], "2025-01-31T07:30:00Z");
    assert_eq!(ld["dateModified"], main["updated_at"]);
    assert_eq!(
        ld["author"],
        serde_json::json!([{"@type": "Person", "name": "N'Famoro Keita", "url": format!("{PUBLIC_URL}/api/v1/authors/nfamoro-keita")}])
    );
    assert_eq!(ld["publisher"]["@type"], "Organization");
    assert_eq!(ld["publisher"]["name"], "Dépêche");
    assert_eq!(ld["isAccessibleForFree"], true);
    assert!(ld.get("hasPart").is_none());
    assert_eq!(ld["inLanguage"], "fr");
    assert_eq!(ld["articleSection"], main["section"]["name"]);
    let tags: Vec<Value> = main["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(ld["keywords"], Value::Array(tags));
    let etag = res.header("etag").unwrap();
    assert_eq!(
        app.request(Method::GET, &path, &[("if-none-match", etag)])
            .await
            .status,
        304
    );

    // Subscribers' articles carry the paywall markup.
    let ld = body_of(
        &app.get(&format!("/api/v1/articles/{}/jsonld", arranged.paywalled_id))
            .await,
        "application/ld+json",
    );
    assert_eq!(ld["isAccessibleForFree"], false);
    assert_eq!(ld["hasPart"]["@type"], "WebPageElement");
    assert_eq!(ld["hasPart"]["isAccessibleForFree"], false);
    assert_eq!(ld["hasPart"]["cssSelector"], ".article-body");

    let ld = body_of(
        &app.get(&format!("/api/v1/articles/{}/jsonld", arranged.tricky_id))
            .await,
        "application/ld+json",
    );
    assert_eq!(ld["headline"], TRICKY_HEADLINE);
    assert_eq!(ld["keywords"], serde_json::json!(["bamako"]));

    // Without a byline, the publication signs.
    let (unsigned, _) = ArticleBuilder::new("Sans signature").insert(&app.db);
    let ld = body_of(
        &app.get(&format!("/api/v1/articles/{unsigned}/jsonld")).await,
        "application/ld+json",
    );
    assert_eq!(ld["author"][0]["@type"], "Organization");
    assert_eq!(ld["author"][0]["name"], "Dépêche");

    app.get(&format!("/api/v1/articles/{}/jsonld", arranged.draft_id))
        .await
        .problem(404);
    app.get("/api/v1/articles/0/jsonld").await.problem(400);
}

pub async fn ninjs_of_the_demo_article(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let arranged = arrange(&app).await;
    let main = &arranged.main;
    let id = main["id"].as_i64().unwrap();
    let res = app.get(&format!("/api/v1/articles/{id}?format=ninjs")).await;
    let ninjs = body_of(&res, "application/ninjs+json");
    assert_valid_ninjs(&ninjs);
    assert!(res.header("vary").is_some_and(|v| v.contains("Accept")));

    assert_eq!(ninjs["uri"], format!("{PUBLIC_URL}/api/v1/articles/{id}"));
    assert_eq!(ninjs["standard"]["name"], "ninjs");
    assert_eq!(ninjs["standard"]["version"], "2.1");
    assert_eq!(ninjs["type"], "text");
    assert_eq!(ninjs["representationtype"], "full");
    assert_eq!(ninjs["pubstatus"], "usable");
    assert_eq!(ninjs["language"], "fr");
    assert_eq!(ninjs["slugline"], main["slug"]);
    assert_eq!(ninjs["version"], main["version"].to_string());
    assert_eq!(ninjs["versioncreated"], main["updated_at"]);
    assert_eq!(ninjs["firstcreated"], main["created_at"]);
    assert_eq!(ninjs["contentcreated"], "2025-01-31T07:30:00Z");
    assert_eq!(
        ninjs["headlines"],
        serde_json::json!([
            {"role": "main", "contenttype": "text/plain", "value": "Le ministère de tutelle et l’OIM signent des conventions"},
            {"role": "kicker", "contenttype": "text/plain", "value": "Politique migratoire"},
        ])
    );
    assert_eq!(ninjs["descriptions"][0]["role"], "summary");
    assert_eq!(ninjs["descriptions"][0]["value"], main["standfirst"]);
    assert_eq!(ninjs["bodies"][0]["contenttype"], "text/html");
    assert_eq!(ninjs["bodies"][0]["value"], main["body_html"]);
    assert_eq!(ninjs["bodies"][0]["wordcount"], main["word_count"]);
    assert_eq!(ninjs["by"], "N'Famoro KEITA");
    assert_eq!(ninjs["people"][0]["name"], "N'Famoro Keita");
    assert_eq!(ninjs["people"][0]["rel"], "author");
    assert_eq!(
        ninjs["people"][0]["uri"],
        format!("{PUBLIC_URL}/api/v1/authors/nfamoro-keita")
    );
    assert_eq!(ninjs["subjects"][0]["name"], main["section"]["name"]);
    assert_eq!(ninjs["subjects"][0]["rel"], "section");
    assert_eq!(ninjs["copyrightholder"], "Dépêche");

    let photo = &main["main_photo"];
    let picture = &ninjs["associations"][0];
    assert_eq!(picture["name"], "featuremedia");
    assert_eq!(picture["type"], "picture");
    assert_eq!(
        picture["uri"],
        format!("{PUBLIC_URL}/api/v1/photos/{}", photo["id"])
    );
    assert_eq!(picture["descriptions"][0]["value"], photo["caption"]);
    let original = &picture["renditions"][0];
    assert_eq!(original["href"], photo["url"]);
    assert_eq!(original["contenttype"], photo["mime_type"]);
    assert_eq!(original["width"], 1200);
    assert_eq!(original["height"], 675);
    assert_eq!(original["sizeinbytes"], photo["byte_size"]);
    for rendition in picture["renditions"].as_array().unwrap() {
        assert!(
            rendition["href"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{PUBLIC_URL}/media/"))
        );
    }

    // The same by content negotiation; the JSON document stays the default.
    let by_accept = app
        .request(
            Method::GET,
            &format!("/api/v1/articles/{id}"),
            &[("accept", "application/ninjs+json")],
        )
        .await;
    assert_eq!(body_of(&by_accept, "application/ninjs+json"), ninjs);
    let plain = app.get(&format!("/api/v1/articles/{id}")).await;
    assert!(plain.header("vary").is_some_and(|v| v.contains("Accept")));
    assert_eq!(plain.ok_json(), *main);
    assert_eq!(
        app.get(&format!("/api/v1/articles/{id}?format=json"))
            .await
            .ok_json(),
        *main
    );
    let etag = res.header("etag").unwrap();
    let again = app
        .request(
            Method::GET,
            &format!("/api/v1/articles/{id}?format=ninjs"),
            &[("if-none-match", etag)],
        )
        .await;
    assert_eq!(again.status, 304);

    // Every published article is valid ninjs, escaping included.
    let tricky = body_of(
        &app.get(&format!("/api/v1/articles/{}?format=ninjs", arranged.tricky_id))
            .await,
        "application/ninjs+json",
    );
    assert_valid_ninjs(&tricky);
    assert_eq!(tricky["headlines"][1]["value"], "Kɛnɛya & ŋaniya");
    let paywalled = body_of(
        &app.get(&format!(
            "/api/v1/articles/{}?format=ninjs",
            arranged.paywalled_id
        ))
        .await,
        "application/ninjs+json",
    );
    assert_valid_ninjs(&paywalled);

    // Unknown formats are named; drafts stay hidden from readers.
    let res = app.get(&format!("/api/v1/articles/{id}?format=xml")).await;
    assert_eq!(res.invalid_fields(), ["format"]);
    app.get(&format!("/api/v1/articles/{}?format=ninjs", arranged.draft_id))
        .await
        .problem(404);

    // Editorial users get drafts too, withheld and private.
    let token = app.sign_in(depeche::auth::Role::Editor).await;
    let auth = format!("Bearer {token}");
    let res = app
        .request(
            Method::GET,
            &format!("/api/v1/articles/{}?format=ninjs", arranged.draft_id),
            &[("authorization", &auth)],
        )
        .await;
    let draft = body_of(&res, "application/ninjs+json");
    assert_valid_ninjs(&draft);
    assert_eq!(draft["pubstatus"], "withheld");
    assert_eq!(res.header("cache-control"), Some("private, no-store"));
    assert!(res.header("etag").unwrap().starts_with("\"v"));
}
