//! A test server over a fresh database, and a small HTTP client for it.

use std::path::PathBuf;
use std::time::Duration;

use actix_web::http::Method;
use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;
use depeche::config::Settings;
use depeche::db::Db;
use depeche::startup::{Application, Options};
use diesel::{Connection, RunQueryDsl};
use serde_json::Value;

/// The public base URL the test servers announce in absolute links.
pub const PUBLIC_URL: &str = "https://news.example";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

pub fn postgres_admin_url() -> Option<String> {
    std::env::var("DEPECHE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

fn unique_name() -> String {
    format!(
        "depeche_test_{}_{:016x}",
        std::process::id(),
        rand::random::<u64>()
    )
}

/// A database of its own for one test, removed when dropped.
struct TestDb {
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Files(Vec<PathBuf>),
    Database { admin_url: String, name: String },
}

impl TestDb {
    fn create(backend: Backend) -> Self {
        let name = unique_name();
        match backend {
            Backend::Sqlite => {
                let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.sqlite3"));
                let files = ["", "-wal", "-shm"]
                    .iter()
                    .map(|suffix| PathBuf::from(format!("{}{suffix}", path.display())))
                    .collect();
                Self {
                    url: path.display().to_string(),
                    cleanup: Cleanup::Files(files),
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url().expect("DEPECHE_TEST_POSTGRES_URL is set");
                let mut admin = diesel::PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create the test database");
                let (base, query) = admin_url
                    .split_once('?')
                    .map_or((admin_url.as_str(), None), |(b, q)| (b, Some(q)));
                let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
                let url = match query {
                    Some(q) => format!("{server}/{name}?{q}"),
                    None => format!("{server}/{name}"),
                };
                Self {
                    url,
                    cleanup: Cleanup::Database { admin_url, name },
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Files(files) => {
                for file in files {
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin);
                }
            }
        }
    }
}

/// A running server on a fresh database.
pub struct TestApp {
    pub base: String,
    /// A pool on the same database, to arrange what the HTTP API cannot yet.
    pub db: Db,
    pub media_dir: PathBuf,
    database_url: String,
    client: awc::Client,
    _db: TestDb,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    /// Spawns with these environment variables over the test defaults.
    pub async fn spawn_with(backend: Backend, vars: &[(&str, &str)]) -> Self {
        let test_db = TestDb::create(backend);
        let media_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{}_media", unique_name()));
        let media = media_dir.display().to_string();
        let defaults = [
            ("DATABASE_URL", test_db.url.as_str()),
            ("DEPECHE_BIND", "127.0.0.1:0"),
            ("DEPECHE_PUBLIC_URL", PUBLIC_URL),
            ("DEPECHE_MEDIA_DIR", media.as_str()),
            ("DEPECHE_WORKERS", "1"),
            ("DEPECHE_DB_POOL_SIZE", "4"),
            ("DEPECHE_JWT_SECRET", JWT_SECRET),
            ("DEPECHE_SCHEDULER_INTERVAL_MS", "100"),
        ];
        let settings = Settings::from_lookup(|name| {
            vars.iter()
                .chain(defaults.iter())
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .expect("test settings");
        let app = Application::build(&settings, Options::default())
            .await
            .expect("build the app");
        let base = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let database_url = settings.database_url.clone();
        let db = Db::connect(&database_url, 2, Duration::from_secs(5)).expect("test pool");
        let client = awc::Client::builder()
            .disable_redirects()
            .timeout(Duration::from_secs(30))
            .finish();
        Self {
            base,
            db,
            media_dir,
            client,
            database_url,
            _db: test_db,
        }
    }

    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Loads the demo content; returns the main article's slug.
    pub fn load_demo(&self) -> String {
        let store = depeche::media::LocalDir::new(&self.media_dir);
        depeche::content::demo::load(&self.db, &store)
            .expect("demo content")
            .main_slug
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, &[]).await
    }

    pub async fn request(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> Response {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let mut req = self.client.request(method, &url);
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let mut res = req.send().await.unwrap_or_else(|e| panic!("request {url}: {e}"));
        let body = res.body().limit(16 * 1024 * 1024).await.expect("response body");
        Response {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body,
        }
    }

    /// Follows an absolute link the API handed out, on this test server.
    pub async fn follow(&self, link: &str) -> Response {
        let path = link
            .strip_prefix(PUBLIC_URL)
            .unwrap_or_else(|| panic!("{link} is not under {PUBLIC_URL}"));
        self.get(path).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.media_dir);
    }
}

pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts a JSON 200 with an ETag and a Cache-Control; returns the body.
    pub fn ok_json(&self) -> Value {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "content type {:?}",
            self.header("content-type")
        );
        assert!(
            self.header("etag").is_some_and(|t| t.starts_with('"')),
            "no strong ETag"
        );
        assert!(self.header("cache-control").is_some(), "no Cache-Control");
        self.json()
    }

    /// Asserts a problem document with this status; returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("content-type"), Some("application/problem+json"));
        let problem = self.json();
        assert_eq!(problem["status"], status);
        for member in ["type", "title", "detail"] {
            assert!(problem[member].is_string(), "problem without {member}: {problem}");
        }
        problem
    }

    /// The fields a 400 problem names.
    pub fn invalid_fields(&self) -> Vec<String> {
        self.fields_named(400)
    }

    /// The fields a problem with this status names.
    pub fn fields_named(&self, status: u16) -> Vec<String> {
        let problem = self.problem(status);
        problem["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors list: {problem}"))
            .iter()
            .map(|e| e["field"].as_str().expect("field name").to_owned())
            .collect()
    }
}

/// The password of every account the tests create.
pub const PASSWORD: &str = "une phrase de passe assez longue";

/// The signing secret the test servers use, so tests can forge tokens.
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

impl TestApp {
    /// Creates an account with this role and signs it in; returns its access token.
    pub async fn sign_in(&self, role: depeche::auth::Role) -> String {
        self.sign_in_as(
            role,
            &format!("{}-{:x}@journal.example", role.as_str(), rand::random::<u32>()),
        )
        .await
        .0
    }

    /// Creates the account `email` and signs it in; returns its access token
    /// and the whole sign-in answer.
    pub async fn sign_in_as(&self, role: depeche::auth::Role, email: &str) -> (String, Value) {
        self.create_user(role, email, PASSWORD);
        let res = self
            .send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"email": email, "password": PASSWORD})),
            )
            .await;
        let body = res.ok_json_any();
        (body["access_token"].as_str().unwrap().to_owned(), body)
    }

    pub fn create_user(&self, role: depeche::auth::Role, email: &str, password: &str) -> i64 {
        use depeche::content::users::{self, NewUser};
        let hash = depeche::auth::passwords::hash(password).unwrap();
        let new = NewUser {
            email: email.into(),
            display_name: email.into(),
            role,
            password: String::new(),
            author: None,
        };
        self.db
            .write_blocking(|conn| users::create(conn, &new, &hash))
            .expect("create user")
            .id
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        self.send_with(method, path, token, body, &[]).await
    }

    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(b) = &bearer {
            all.push(("authorization", b));
        }
        match body {
            Some(body) => {
                if !all.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
                    all.push(("content-type", "application/json"));
                }
                self.raw(method, path, &all, body.to_string().into_bytes()).await
            }
            None => self.request(method, path, &all).await,
        }
    }

    /// Sends raw bytes as the body.
    pub async fn raw(&self, method: Method, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Response {
        let url = format!("{}{path}", self.base);
        let mut req = self.client.request(method, &url);
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let mut res = req
            .send_body(body)
            .await
            .unwrap_or_else(|e| panic!("request {url}: {e}"));
        let body = res.body().limit(16 * 1024 * 1024).await.expect("response body");
        Response {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body,
        }
    }
}

impl Response {
    /// Asserts a 2xx JSON answer; returns the body.
    pub fn ok_json_any(&self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "status {}: {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        self.json()
    }

    /// Asserts a 2xx JSON answer with this status; returns the body.
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        if self.body.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }
}
