//! Sections, authors, tags and accounts, as editors and admins manage them.

use actix_web::http::Method;
use depeche::auth::Role;
use serde_json::json;

use crate::fixtures::ArticleBuilder;
use crate::helpers::{Backend, TestApp};

pub async fn sections_authors_and_tags(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let editor = app.sign_in(Role::Editor).await;
    let send = |method: Method, path: &str, body: Option<serde_json::Value>| {
        let (app, editor, path) = (&app, &editor, path.to_owned());
        async move { app.send(method, &path, Some(editor), body).await }
    };

    // Sections nest one level, without cycles.
    let sport = send(Method::POST, "/api/v1/sections", Some(json!({"name": "Sport"})))
        .await
        .expect(201);
    assert_eq!(sport["slug"], "sport");
    let foot = send(
        Method::POST,
        "/api/v1/sections",
        Some(json!({"name": "Football", "parent": "sport"})),
    )
    .await
    .expect(201);
    assert_eq!(foot["parent"]["slug"], "sport");
    let deeper = send(
        Method::POST,
        "/api/v1/sections",
        Some(json!({"name": "Ligue 1", "parent": "football"})),
    )
    .await;
    assert_eq!(deeper.invalid_fields(), ["parent"]);
    let cycle = send(
        Method::PATCH,
        "/api/v1/sections/sport",
        Some(json!({"parent": "football"})),
    )
    .await;
    assert_eq!(cycle.invalid_fields(), ["parent"]);
    let itself = send(
        Method::PATCH,
        "/api/v1/sections/football",
        Some(json!({"parent": "football"})),
    )
    .await;
    assert_eq!(itself.invalid_fields(), ["parent"]);
    send(Method::POST, "/api/v1/sections", Some(json!({"name": "Sport"})))
        .await
        .problem(409);
    let renamed = send(
        Method::PATCH,
        "/api/v1/sections/sport",
        Some(json!({"name": "Sports", "description": "Tous"})),
    )
    .await
    .expect(200);
    assert_eq!(
        (renamed["name"].as_str(), renamed["version"].as_i64()),
        (Some("Sports"), Some(2))
    );
    assert_eq!(
        app.get("/api/v1/sections/sport").await.ok_json()["description"],
        "Tous"
    );
    let stale = app
        .send_with(
            Method::PATCH,
            "/api/v1/sections/sport",
            Some(&editor),
            Some(json!({"name": "X"})),
            &[("if-match", "\"v1\"")],
        )
        .await;
    stale.problem(412);
    send(Method::DELETE, "/api/v1/sections/sport", None)
        .await
        .problem(409);
    send(Method::DELETE, "/api/v1/sections/politique", None)
        .await
        .problem(409);
    send(Method::DELETE, "/api/v1/sections/football", None)
        .await
        .expect(204);
    send(Method::DELETE, "/api/v1/sections/sport", None)
        .await
        .expect(204);
    app.get("/api/v1/sections/sport").await.problem(404);

    // Authors: e-mail is for editorial eyes only.
    let awa = send(
        Method::POST,
        "/api/v1/authors",
        Some(json!({"name": "Awa Traoré", "email": "Awa@Journal.example", "links": [{"label": "X", "url": "https://x.example/awa"}]})),
    )
    .await
    .expect(201);
    assert_eq!(
        (awa["slug"].as_str(), awa["byline"].as_str()),
        (Some("awa-traore"), Some("Awa Traoré"))
    );
    assert_eq!(awa["email"], "awa@journal.example");
    assert!(
        app.get("/api/v1/authors/awa-traore")
            .await
            .ok_json()
            .get("email")
            .is_none()
    );
    let bad = send(
        Method::POST,
        "/api/v1/authors",
        Some(json!({"name": "", "email": "nope", "links": [{"label": "x", "url": "javascript:alert(1)"}]})),
    )
    .await;
    assert_eq!(bad.invalid_fields(), ["name", "email", "links[0].url"]);
    send(
        Method::PATCH,
        "/api/v1/authors/awa-traore",
        Some(json!({"byline": "A. TRAORÉ", "email": null})),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get("/api/v1/authors/awa-traore").await.ok_json()["byline"],
        "A. TRAORÉ"
    );
    send(Method::DELETE, "/api/v1/authors/nfamoro-keita", None)
        .await
        .problem(409);
    send(Method::DELETE, "/api/v1/authors/awa-traore", None)
        .await
        .expect(204);

    // Tags: created, renamed, deleted off their articles.
    ArticleBuilder::new("Tagué").tag("sahel").insert(&app.db);
    let list = app.get("/api/v1/tags").await.ok_json();
    assert_eq!(list["items"][0]["slug"], "sahel");
    send(Method::POST, "/api/v1/tags", Some(json!({"name": "Élections"})))
        .await
        .expect(201);
    send(Method::POST, "/api/v1/tags", Some(json!({"name": "elections"})))
        .await
        .problem(409);
    send(
        Method::PATCH,
        "/api/v1/tags/sahel",
        Some(json!({"name": "Sahel"})),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get("/api/v1/articles?tag=sahel").await.ok_json()["items"][0]["title"],
        "Tagué"
    );
    send(Method::DELETE, "/api/v1/tags/sahel", None).await.expect(204);
    assert_eq!(
        app.get("/api/v1/articles?tag=sahel").await.ok_json()["items"],
        json!([])
    );
}

pub async fn admins_manage_accounts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let admin = app.sign_in(Role::Admin).await;
    let res = app
        .send(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(
                json!({"email": "Plume@Journal.example", "display_name": "Plume", "role": "writer",
                "password": "une phrase de passe assez longue", "author": "nfamoro-keita"}),
            ),
        )
        .await;
    let user = res.expect(201);
    assert_eq!(user["email"], "plume@journal.example");
    assert_eq!(user["author"]["slug"], "nfamoro-keita");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    let id = user["id"].as_i64().unwrap();

    let bad = app
        .send(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"email": "x", "display_name": "", "role": "writer", "password": "court"})),
        )
        .await;
    assert_eq!(bad.invalid_fields(), ["password"]);
    let bad = app
        .send(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"email": "x", "display_name": "", "role": "chef", "password": "court"})),
        )
        .await;
    assert_eq!(bad.invalid_fields(), ["role"]);
    let duplicate = app
        .send(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"email": "plume@journal.example", "display_name": "P", "role": "writer", "password": "une phrase de passe assez longue"})),
        )
        .await;
    duplicate.problem(409);

    // Promoted: the new role applies to tokens already issued.
    let login = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "plume@journal.example", "password": "une phrase de passe assez longue"})),
        )
        .await
        .expect(200);
    let token = login["access_token"].as_str().unwrap().to_owned();
    app.send(Method::GET, "/api/v1/users", Some(&token), None)
        .await
        .problem(403);
    app.send(
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(&admin),
        Some(json!({"role": "admin"})),
    )
    .await
    .expect(200);
    app.send(Method::GET, "/api/v1/users", Some(&token), None)
        .await
        .expect(200);
    let listed = app
        .send(Method::GET, "/api/v1/users", Some(&admin), None)
        .await
        .expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);

    // Admins cannot lock themselves out; disabling ends the account's access.
    let me = app
        .send(Method::GET, "/api/v1/auth/me", Some(&admin), None)
        .await
        .expect(200);
    app.send(
        Method::DELETE,
        &format!("/api/v1/users/{}", me["id"]),
        Some(&admin),
        None,
    )
    .await
    .problem(409);
    app.send(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None)
        .await
        .expect(204);
    app.send(Method::GET, "/api/v1/auth/me", Some(&token), None)
        .await
        .problem(401);
    app.send(Method::GET, "/api/v1/users/424242", Some(&admin), None)
        .await
        .problem(404);
}

/// `depeche users …` on the command line, against the test database.
pub async fn accounts_from_the_command_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_depeche"))
            .args(args)
            .env("DATABASE_URL", app.database_url())
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run depeche");
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let email = "cli@journal.example";
    let out = run(
        &[
            "users",
            "create",
            "--email",
            email,
            "--role",
            "editor",
            "--password-stdin",
        ],
        "une phrase de passe assez longue\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let login = |password: &'static str| {
        let app = &app;
        async move {
            app.send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await
        }
    };
    assert_eq!(
        login("une phrase de passe assez longue").await.expect(200)["user"]["role"],
        "editor"
    );

    let short = run(
        &["users", "reset-password", "--email", email, "--password-stdin"],
        "court\n",
    );
    assert!(!short.status.success());
    let out = run(
        &["users", "reset-password", "--email", email, "--password-stdin"],
        "une autre phrase bien longue\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    login("une autre phrase bien longue").await.expect(200);
    let out = run(&["users", "disable", "--email", email], "");
    assert!(out.status.success());
    login("une autre phrase bien longue").await.problem(401);
    let unknown = run(&["users", "disable", "--email", "nobody@journal.example"], "");
    assert!(!unknown.status.success());
}
