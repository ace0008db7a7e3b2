//! The server as a separate process: killed in the middle of writes, and
//! stopped politely with a request in flight.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use depeche::auth::Role;
use serde_json::json;

use crate::helpers::{Backend, JWT_SECRET, TestApp};

/// The release or debug binary, serving the test database on a free port.
struct Server {
    child: Child,
    port: u16,
    /// What it logged, once it has exited.
    logs: Option<JoinHandle<String>>,
}

impl Server {
    async fn start(app: &TestApp) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_depeche"))
            .arg("serve")
            .env("DATABASE_URL", app.database_url())
            .env("DEPECHE_BIND", format!("127.0.0.1:{port}"))
            .env("DEPECHE_MEDIA_DIR", &app.media_dir)
            .env("DEPECHE_JWT_SECRET", JWT_SECRET)
            .env("DEPECHE_PUBLIC_URL", crate::helpers::PUBLIC_URL)
            .env("DEPECHE_WORKERS", "2")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");
        let mut stderr = child.stderr.take().expect("piped");
        let logs = std::thread::spawn(move || {
            let mut logs = String::new();
            let _ = stderr.read_to_string(&mut logs);
            logs
        });
        let server = Self {
            child,
            port,
            logs: Some(logs),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !server.get("/readyz").is_ok_and(|(status, _)| status == 200) {
            assert!(Instant::now() < deadline, "the server did not start");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A GET on a connection of its own, closed after the answer, so that
    /// no idle connection keeps a stopping server waiting.
    fn get(&self, path: &str) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )?;
        let answer = read_answer(&mut stream)?;
        Ok((answer.status, String::from_utf8_lossy(&answer.body).into_owned()))
    }

    /// Waits for the process to exit by itself; its status and logs.
    fn exit_within(&mut self, limit: Duration) -> (std::process::ExitStatus, String) {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let logs = self.logs.take().unwrap().join().unwrap();
                return (status, logs);
            }
            assert!(
                Instant::now() < deadline,
                "the server is still running after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 answer read to the end of a closed connection.
struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

fn read_answer(stream: &mut TcpStream) -> std::io::Result<Answer> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("no complete head in {raw:?}")))?;
    let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {headers}")))?;
    Ok(Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
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

/// The figure of an unlabelled metric in a Prometheus exposition.
fn metric(exposition: &str, name: &str) -> Option<i64> {
    exposition
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

pub async fn sigterm_lets_the_request_in_flight_finish(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.sign_in(Role::Writer).await;
    let mut server = Server::start(&app).await;

    // An upload whose body arrives in two halves, on a connection of its own.
    let image = crate::photos::encoded(600, 400, image::ImageFormat::Png);
    let boundary = "depecheterm";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&image);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut upload = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    upload.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        upload,
        "POST /api/v1/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    let half = body.len() / 2;
    upload.write_all(&body[..half]).unwrap();

    // The server says when it is handling it: the scrape itself is one
    // request in flight, the upload the other.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, exposition) = server.get("/metrics").unwrap();
        assert_eq!(status, 200);
        let in_flight = metric(&exposition, "depeche_http_requests_in_flight").expect("the gauge");
        if in_flight >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the upload never got in flight");
        std::thread::sleep(Duration::from_millis(10));
    }

    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());

    // Nothing new is accepted: the listener closes (at once, as far as a
    // client can tell; the signal is handled asynchronously).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match TcpStream::connect(("127.0.0.1", server.port)) {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => break,
            Err(e) => panic!("connecting: {e}"),
            Ok(probe) => drop(probe),
        }
        assert!(
            Instant::now() < deadline,
            "still accepting connections after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(10));
    }

    // The request in flight is finished and answered, whole.
    upload.write_all(&body[half..]).unwrap();
    let answer = read_answer(&mut upload).expect("an answer to the upload");
    assert_eq!(answer.status, 201, "{}", answer.headers);
    let length = answer
        .headers
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse::<usize>().ok())
        .expect("a Content-Length");
    assert_eq!(answer.body.len(), length, "the whole body");
    let photo: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(600), Some(400))
    );

    // Then the process ends by itself, cleanly, its scheduler stopped.
    let (status, logs) = server.exit_within(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}; logs:\n{logs}");
    assert!(logs.contains("scheduler stopped"), "logs:\n{logs}");
    drop(server);

    // The photo it acknowledged is there after a restart.
    let server = Server::start(&app).await;
    let path = format!("/api/v1/photos/{}", photo["id"]);
    let stored = app
        .send(Method::GET, &server.url(&path), Some(&token), None)
        .await;
    assert_eq!(stored.expect(200)["url"], photo["url"]);
}
