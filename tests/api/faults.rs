//! The server as a separate process, killed in the middle of writes.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::Method;
use depeche::auth::Role;
use serde_json::json;

use crate::helpers::{Backend, JWT_SECRET, TestApp};

/// The release or debug binary, serving the test database on a free port.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    async fn start(app: &TestApp) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_depeche"))
            .arg("serve")
            .env("DATABASE_URL", app.database_url())
            .env("DEPECHE_BIND", format!("127.0.0.1:{port}"))
            .env("DEPECHE_MEDIA_DIR", &app.media_dir)
            .env("DEPECHE_JWT_SECRET", JWT_SECRET)
            .env("DEPECHE_PUBLIC_URL", crate::helpers::PUBLIC_URL)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let server = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        let probe = awc::Client::default();
        while !probe
            .get(server.url("/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            assert!(Instant::now() < deadline, "the server did not start");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A create, or `None` once the server stops answering.
async fn try_create(url: String, token: &str, body: serde_json::Value) -> Option<serde_json::Value> {
    let client = awc::Client::builder().timeout(Duration::from_secs(5)).finish();
    let mut res = client
        .post(url)
        .insert_header(("authorization", format!("Bearer {token}")))
        .send_json(&body)
        .await
        .ok()?;
    (res.status() == 201).then_some(())?;
    res.json::<serde_json::Value>().limit(1 << 20).await.ok()
}

pub async fn acknowledged_writes_survive_a_kill(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let token = app.sign_in(Role::Editor).await;
    let mut server = Server::start(&app).await;

    // Four editors write at once; the server is killed while they do.
    let acknowledged = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let create_url = server.url("/api/v1/articles");
    let writers = (0..4).map(|w| {
        let (token, url, acked) = (token.clone(), create_url.clone(), acknowledged.clone());
        async move {
            for i in 0..1000 {
                let body = json!({
                    "title": format!("Dépêche {w}-{i}"),
                    "body_html": format!("<p>{}</p>", "Texte complet de la dépêche. ".repeat(40)),
                    "section": "politique",
                    "tags": [format!("fil-{w}")],
                });
                match try_create(url.clone(), &token, body).await {
                    Some(article) => acked.borrow_mut().push(article),
                    None => break,
                }
            }
        }
    });
    let killer = async {
        while acknowledged.borrow().len() < 40 {
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        server.child.kill().expect("SIGKILL");
        server.child.wait().unwrap();
    };
    futures_util::future::join(futures_util::future::join_all(writers), killer).await;
    drop(server);
    let acknowledged = acknowledged.borrow().clone();
    assert!(acknowledged.len() >= 40);

    // Back up: every acknowledged write is there, whole.
    let server = Server::start(&app).await;
    for article in &acknowledged {
        let res = app
            .send(
                Method::GET,
                &server.url(&format!("/api/v1/articles/{}", article["id"])),
                Some(&token),
                None,
            )
            .await;
        let stored = res.expect(200);
        for field in ["title", "body_html", "slug", "version", "tags", "section"] {
            assert_eq!(stored[field], article[field], "{field} of {}", article["id"]);
        }
        let history = app
            .send(
                Method::GET,
                &server.url(&format!("/api/v1/articles/{}/revisions", article["id"])),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(history.expect(200)["items"].as_array().unwrap().len(), 1);
    }
    drop(server);
    assert_eq!(
        depeche::db::integrity_check(&app.db).expect("integrity check"),
        "ok"
    );
}
