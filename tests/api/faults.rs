//! The server as a separate process: killed mid-write, and stopped politely.

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

pub async fn sigterm_lets_requests_finish(backend: Backend) {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let app = TestApp::spawn(backend).await;
    let token = app.sign_in(Role::Writer).await;
    let mut server = Server::start(&app).await;
    let image = crate::photos::encoded(600, 400, image::ImageFormat::Png);
    let boundary = "depecheterm";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(&image);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());

    // A client on its own thread sends half the request, waits until the
    // signal is sent, then the rest: the signal comes while it is in flight.
    let (half_sent, signalled) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let client = {
        let (half_sent, signalled, port) = (half_sent.clone(), signalled.clone(), server.port);
        std::thread::spawn(move || -> std::io::Result<String> {
            let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
            let head = format!(
                "POST /api/v1/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes())?;
            let half = body.len() / 2;
            stream.write_all(&body[..half])?;
            half_sent.store(true, Ordering::SeqCst);
            while !signalled.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(300));
            stream.write_all(&body[half..])?;
            let mut answer = String::new();
            stream.read_to_string(&mut answer)?;
            Ok(answer)
        })
    };
    while !half_sent.load(Ordering::SeqCst) {
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    // Give the server time to take the connection and start reading it.
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    signalled.store(true, Ordering::SeqCst);
    let answer = client.join().unwrap().expect("the client's exchange");
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the request in flight was answered: {answer}"
    );
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "clean exit: {exit:?}");
    // Nothing is accepted any more.
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", server.port)).is_err(),
        "the listener is closed"
    );
}
