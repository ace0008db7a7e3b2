//! Export and import: a site moved SQLite → PostgreSQL → SQLite loses nothing.

use actix_web::http::Method;
use depeche::auth::Role;
use depeche::media::LocalDir;
use serde_json::json;

use crate::helpers::{Backend, TestApp};

fn archive_dir(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{:x}", rand::random::<u64>()))
}

fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        let name = entry.strip_prefix(dir).unwrap().display().to_string();
        out.push((name, std::fs::read(&entry).unwrap()));
    }
    out.sort();
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() { walk(&path) } else { vec![path] }
        })
        .collect()
}

/// Exports `app`'s database, imports it into a fresh database of `backend`,
/// and returns that app with the archive it was made from.
async fn move_to(app: &TestApp, backend: Backend) -> (TestApp, std::path::PathBuf) {
    let dir = archive_dir("export");
    depeche::backup::export(&app.db, &LocalDir::new(&app.media_dir), &dir).expect("export");
    let target = TestApp::spawn(backend).await;
    depeche::backup::import(&target.db, &LocalDir::new(&target.media_dir), &dir).expect("import");
    (target, dir)
}

pub async fn a_site_moves_between_backends_losslessly(_backend: Backend) {
    let source = TestApp::spawn(Backend::Sqlite).await;
    source.load_demo();
    let editor = source.sign_in(Role::Editor).await;
    // Content with every kind of row: revisions, tags, old slugs, links, photos.
    let created = source
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&editor),
            Some(json!({"title": "Sécurité : «bilan» de l’année ɛɔɲŋ", "tags": ["Route", "Bilan"], "section": "societe"})),
        )
        .await
        .expect(201);
    let id = created["id"].as_i64().unwrap();
    source
        .send(
            Method::POST,
            &format!("/api/v1/articles/{id}/publish"),
            Some(&editor),
            None,
        )
        .await
        .expect(200);
    source
        .send(
            Method::PATCH,
            &format!("/api/v1/articles/{id}"),
            Some(&editor),
            Some(json!({"slug": "bilan-securite"})),
        )
        .await
        .expect(200);
    source
        .send(
            Method::PUT,
            &format!("/api/v1/articles/{id}/related-links"),
            Some(&editor),
            Some(json!([{"article_id": 1}, {"url": "https://example.org/a", "title": "Ailleurs"}])),
        )
        .await
        .expect(200);

    let (postgres, first) = move_to(&source, Backend::Postgres).await;
    let (back, second) = move_to(&postgres, Backend::Sqlite).await;
    let third = archive_dir("export");
    depeche::backup::export(&back.db, &LocalDir::new(&back.media_dir), &third).expect("export");
    // Row by row, file by file: the same.
    assert_eq!(files(&first), files(&second));
    assert_eq!(files(&second), files(&third));
    assert!(files(&first).iter().any(|(name, _)| name.starts_with("media/")));

    // And the moved site serves the same documents, sign-in included.
    for app in [&postgres, &back] {
        let path = format!("/api/v1/articles/{id}");
        assert_eq!(app.get(&path).await.ok_json(), source.get(&path).await.ok_json());
        assert_eq!(app.get("/api/v1/articles/slug/bilan-securite").await.status, 200);
        let old = app
            .get(&format!(
                "/api/v1/articles/slug/{}",
                created["slug"].as_str().unwrap()
            ))
            .await;
        assert_eq!(old.status, 301);
        let found = app.get("/api/v1/articles?q=bilan").await.ok_json();
        assert_eq!(found["items"][0]["id"], id, "the search index is rebuilt");
        // Accounts moved with their ids: a live access token still works.
        let path = format!("/api/v1/articles/{id}/revisions");
        let moved = app
            .send(Method::GET, &path, Some(&editor), None)
            .await
            .expect(200);
        assert_eq!(
            moved,
            source
                .send(Method::GET, &path, Some(&editor), None)
                .await
                .expect(200)
        );
        let photo = app.get("/api/v1/photos/1").await.ok_json();
        assert_eq!(app.follow(photo["url"].as_str().unwrap()).await.status, 200);
        // New rows do not collide with imported ids.
        let token = app.sign_in(Role::Editor).await;
        app.send(
            Method::POST,
            "/api/v1/articles",
            Some(&token),
            Some(json!({"title": "Nouveau"})),
        )
        .await
        .expect(201);
    }
    let not_empty = depeche::backup::import(&back.db, &LocalDir::new(&back.media_dir), &first);
    assert!(not_empty.is_err(), "import only into an empty database");
    for dir in [first, second, third] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
