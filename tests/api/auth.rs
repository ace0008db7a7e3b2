//! Sign-in, tokens and who may do what.

use actix_web::http::Method;
use depeche::auth::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{Backend, JWT_SECRET, PUBLIC_URL, TestApp};

fn token(claims: Value, algorithm: Algorithm, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        &claims,
        &EncodingKey::from_secret(secret).unwrap(),
    )
    .unwrap()
}

fn claims(sub: i64, exp_offset: i64, aud: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub.to_string(), "role": "admin", "iat": now, "exp": now + exp_offset, "iss": PUBLIC_URL, "aud": aud})
}

pub async fn tokens_are_checked_strictly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = "strict@journal.example";
    let (valid, _) = app.sign_in_as(Role::Admin, email).await;
    let me = app
        .send(Method::GET, "/api/v1/auth/me", Some(&valid), None)
        .await
        .expect(200);
    let id = me["id"].as_i64().unwrap();
    assert_eq!(me["email"], email);
    // An address no account can have is a failed sign-in, not a fault.
    let res = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "strict\u{0}@journal.example", "password": "x"})),
        )
        .await;
    res.problem(401);

    // A token built by hand with the right key is accepted: the forgeries
    // below fail for the one reason each carries.
    let good = token(
        claims(id, 300, "depeche-editorial"),
        Algorithm::HS256,
        JWT_SECRET.as_bytes(),
    );
    app.send(Method::GET, "/api/v1/auth/me", Some(&good), None)
        .await
        .expect(200);

    let unsigned = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let body = b64.encode(claims(id, 300, "depeche-editorial").to_string());
        format!("{header}.{body}.")
    };
    let forgeries = [
        (
            "another key",
            token(claims(id, 300, "depeche-editorial"), Algorithm::HS256, &[9; 32]),
        ),
        (
            "expired",
            token(
                claims(id, -120, "depeche-editorial"),
                Algorithm::HS256,
                JWT_SECRET.as_bytes(),
            ),
        ),
        (
            "another audience",
            token(
                claims(id, 300, "another-app"),
                Algorithm::HS256,
                JWT_SECRET.as_bytes(),
            ),
        ),
        (
            "another algorithm",
            token(
                claims(id, 300, "depeche-editorial"),
                Algorithm::HS512,
                JWT_SECRET.as_bytes(),
            ),
        ),
        ("alg none", unsigned),
        (
            "unknown user",
            token(
                claims(999_999, 300, "depeche-editorial"),
                Algorithm::HS256,
                JWT_SECRET.as_bytes(),
            ),
        ),
        ("garbage", "not-a-token".to_owned()),
    ];
    for (why, forged) in &forgeries {
        let res = app.send(Method::GET, "/api/v1/auth/me", Some(forged), None).await;
        res.problem(401);
        assert!(
            res.header("www-authenticate")
                .is_some_and(|v| v.starts_with("Bearer")),
            "{why}"
        );
        let write = app
            .send(
                Method::POST,
                "/api/v1/articles",
                Some(forged),
                Some(json!({"title": "Intrus"})),
            )
            .await;
        assert_eq!(write.status, 401, "{why}");
    }
    let res = app
        .request(
            Method::GET,
            "/api/v1/auth/me",
            &[("authorization", "Basic YWRtaW46YWRtaW4=")],
        )
        .await;
    res.problem(401);

    // A disabled account's live token stops working at once.
    let admin = app.sign_in(Role::Admin).await;
    app.send(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None)
        .await
        .expect(204);
    app.send(Method::GET, "/api/v1/auth/me", Some(&valid), None)
        .await
        .problem(401);
    let login = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": "une phrase de passe assez longue"})),
        )
        .await;
    login.problem(401);
}

pub async fn refresh_tokens_rotate_and_reuse_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (access, signed_in) = app.sign_in_as(Role::Writer, "rotation@journal.example").await;
    assert_eq!(signed_in["token_type"], "Bearer");
    assert_eq!(signed_in["expires_in"], 900);
    assert_eq!(signed_in["user"]["role"], "writer");
    let first = signed_in["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |token: &str| {
        let app = &app;
        let body = json!({"refresh_token": token});
        async move {
            app.send(Method::POST, "/api/v1/auth/refresh", None, Some(body))
                .await
        }
    };
    let second = refresh(&first).await.expect(200);
    let second_token = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_token, first);
    app.send(
        Method::GET,
        "/api/v1/auth/me",
        Some(second["access_token"].as_str().unwrap()),
        None,
    )
    .await
    .expect(200);
    // The replaced token no longer works; presenting it ends the family.
    refresh(&first).await.problem(401);
    refresh(&second_token).await.problem(401);
    // The access token lives on until it expires.
    app.send(Method::GET, "/api/v1/auth/me", Some(&access), None)
        .await
        .expect(200);

    // Logout ends a session.
    let (_, other) = app.sign_in_as(Role::Writer, "logout@journal.example").await;
    let token = other["refresh_token"].as_str().unwrap();
    let res = app
        .send(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": token})),
        )
        .await;
    assert_eq!(res.status, 204);
    refresh(token).await.problem(401);
}

pub async fn failed_logins_reveal_nothing_and_slow_down(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user(
        Role::Editor,
        "real@journal.example",
        "une phrase de passe assez longue",
    );
    let login = |email: &'static str, password: &'static str| {
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
    let unknown = login("nobody@journal.example", "whatever whatever").await;
    let wrong = login("real@journal.example", "whatever whatever").await;
    assert_eq!(
        unknown.problem(401),
        wrong.problem(401),
        "the same answer either way"
    );
    for _ in 0..4 {
        login("real@journal.example", "whatever whatever")
            .await
            .problem(401);
    }
    // Five failures: the account is locked for a while, even with the right password.
    let locked = login("real@journal.example", "une phrase de passe assez longue").await;
    locked.problem(429);
    assert!(locked.header("retry-after").is_some());
    login("other@journal.example", "x").await.problem(401);
}

pub async fn every_role_does_only_what_it_may(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let writer = app.sign_in(Role::Writer).await;
    let other_writer = app.sign_in(Role::Writer).await;
    let editor = app.sign_in(Role::Editor).await;
    let admin = app.sign_in(Role::Admin).await;
    let create = |token: &str| {
        let (app, token) = (&app, token.to_owned());
        async move {
            app.send(
                Method::POST,
                "/api/v1/articles",
                Some(&token),
                Some(json!({"title": "Papier"})),
            )
            .await
            .expect(201)["id"]
                .as_i64()
                .unwrap()
        }
    };
    let mine = create(&writer).await;
    let path = |action: &str| {
        if action.is_empty() {
            format!("/api/v1/articles/{mine}")
        } else {
            format!("/api/v1/articles/{mine}/{action}")
        }
    };
    let edit = json!({"standfirst": "Chapô"});

    // Anonymous: no write at all.
    for (method, p) in [
        (Method::POST, "/api/v1/articles".to_owned()),
        (Method::PATCH, path("")),
        (Method::DELETE, path("")),
        (Method::POST, path("publish")),
        (Method::GET, path("revisions")),
        (Method::GET, "/api/v1/users".to_owned()),
        (Method::POST, "/api/v1/sections".to_owned()),
    ] {
        app.send(method, &p, None, Some(json!({}))).await.problem(401);
    }
    app.get("/api/v1/articles?status=draft").await.problem(401);

    // Another writer may not touch it.
    app.send(Method::PATCH, &path(""), Some(&other_writer), Some(edit.clone()))
        .await
        .problem(403);
    app.send(Method::POST, &path("submit"), Some(&other_writer), None)
        .await
        .problem(403);
    app.send(Method::DELETE, &path(""), Some(&other_writer), None)
        .await
        .problem(403);
    // Its writer edits it but cannot publish it.
    app.send(Method::PATCH, &path(""), Some(&writer), Some(edit.clone()))
        .await
        .expect(200);
    app.send(Method::POST, &path("publish"), Some(&writer), None)
        .await
        .problem(403);
    app.send(Method::POST, &path("archive"), Some(&writer), None)
        .await
        .problem(403);
    // Once published, the writer may no longer change it.
    app.send(Method::POST, &path("publish"), Some(&editor), None)
        .await
        .expect(200);
    app.send(Method::PATCH, &path(""), Some(&writer), Some(edit.clone()))
        .await
        .problem(403);
    app.send(Method::DELETE, &path(""), Some(&writer), None)
        .await
        .problem(403);
    // Writers manage neither sections, authors, tags nor users.
    for (method, p, body) in [
        (Method::POST, "/api/v1/sections", json!({"name": "Sport"})),
        (Method::POST, "/api/v1/authors", json!({"name": "Awa"})),
        (Method::POST, "/api/v1/tags", json!({"name": "Sahel"})),
        (Method::DELETE, "/api/v1/sections/politique", json!({})),
        (Method::GET, "/api/v1/users", json!({})),
        (
            Method::POST,
            "/api/v1/users",
            json!({"email": "x@y.z", "display_name": "x", "role": "admin", "password": "une phrase de passe assez longue"}),
        ),
    ] {
        app.send(method, p, Some(&writer), Some(body)).await.problem(403);
    }
    // Editors manage content, not users; permanent deletion is for admins.
    app.send(Method::GET, "/api/v1/users", Some(&editor), None)
        .await
        .problem(403);
    app.send(Method::PATCH, &path(""), Some(&editor), Some(edit.clone()))
        .await
        .expect(200);
    app.send(Method::DELETE, &path(""), Some(&editor), None)
        .await
        .expect(204);
    app.send(
        Method::DELETE,
        &format!("{}?permanent=true", path("")),
        Some(&editor),
        None,
    )
    .await
    .problem(403);
    app.send(
        Method::DELETE,
        &format!("{}?permanent=true", path("")),
        Some(&admin),
        None,
    )
    .await
    .expect(204);
    app.send(Method::GET, &path(""), Some(&admin), None)
        .await
        .problem(404);
    // A writer's own draft may go to the trash and back.
    let draft = create(&writer).await;
    app.send(
        Method::DELETE,
        &format!("/api/v1/articles/{draft}"),
        Some(&writer),
        None,
    )
    .await
    .expect(204);
    app.send(
        Method::POST,
        &format!("/api/v1/articles/{draft}/restore"),
        Some(&writer),
        None,
    )
    .await
    .expect(200);
    // Permanent deletion only from the trash.
    app.send(
        Method::DELETE,
        &format!("/api/v1/articles/{draft}?permanent=true"),
        Some(&admin),
        None,
    )
    .await
    .problem(409);
}
