//! The database goes away and comes back: a private PostgreSQL cluster,
//! started and stopped by the test (the shared server is never touched).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use depeche::auth::Role;
use serde_json::json;

use crate::helpers::{Backend, TestApp};

/// A throwaway PostgreSQL cluster on its own port, run as the `postgres`
/// system user (initdb refuses root).
struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
}

fn as_postgres(bin: &std::path::Path, program: &str, args: &[&str]) -> bool {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin.join(program))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Cluster {
    fn create() -> Self {
        let bindir = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .expect("pg_config");
        let bin = PathBuf::from(String::from_utf8(bindir.stdout).unwrap().trim());
        let dir = std::env::temp_dir().join(format!("depeche-cluster-{:x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap()
                .success()
        );
        let data = dir.join("data");
        assert!(
            as_postgres(
                &bin,
                "initdb",
                &["-D", data.to_str().unwrap(), "--auth=trust", "-U", "postgres"]
            ),
            "initdb"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self { dir, port, bin };
        cluster.start();
        cluster
    }

    fn ctl(&self, args: &[&str]) -> bool {
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let mut all = vec!["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap(), "-w"];
        all.extend_from_slice(args);
        as_postgres(&self.bin, "pg_ctl", &all)
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        assert!(self.ctl(&["-o", &options, "start"]), "pg_ctl start");
    }

    fn stop(&self) {
        assert!(self.ctl(&["-m", "fast", "stop"]), "pg_ctl stop");
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.ctl(&["-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn unavailable_quickly(app: &TestApp, method: Method, path: &str, token: Option<&str>) {
    let started = Instant::now();
    let res = app
        .send(method, path, token, Some(json!({"title": "Pendant la panne"})))
        .await;
    let problem = res.problem(503);
    assert!(res.header("retry-after").is_some(), "{path}: {problem}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{path} took {:?}",
        started.elapsed()
    );
}

pub async fn the_service_rides_out_a_database_outage(backend: Backend) {
    assert_eq!(
        backend,
        Backend::Postgres,
        "only PostgreSQL can be stopped under a running server"
    );
    let cluster = Cluster::create();
    let url = cluster.url();
    let app = TestApp::spawn_with(
        backend,
        &[("DATABASE_URL", &url), ("DEPECHE_DB_TIMEOUT_MS", "1000")],
    )
    .await;
    let token = app.sign_in(Role::Editor).await;
    let created = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&token),
            Some(json!({"title": "Avant la panne"})),
        )
        .await
        .expect(201);
    let id = created["id"].as_i64().unwrap();

    cluster.stop();
    let started = Instant::now();
    app.get("/readyz").await.problem(503);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "readiness answered in {:?}",
        started.elapsed()
    );
    assert_eq!(
        app.get("/healthz").await.status,
        200,
        "the process itself is alive"
    );
    unavailable_quickly(&app, Method::GET, &format!("/api/v1/articles/{id}"), Some(&token)).await;
    unavailable_quickly(&app, Method::GET, "/api/v1/sections", None).await;
    unavailable_quickly(&app, Method::POST, "/api/v1/articles", Some(&token)).await;

    // Back, without a restart of the API.
    cluster.start();
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.get("/readyz").await.status != 200 {
        assert!(Instant::now() < deadline, "not ready again");
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    let again = app
        .send(Method::GET, &format!("/api/v1/articles/{id}"), Some(&token), None)
        .await
        .expect(200);
    assert_eq!(again["title"], "Avant la panne");
    app.send(
        Method::POST,
        "/api/v1/articles",
        Some(&token),
        Some(json!({"title": "Après la panne"})),
    )
    .await
    .expect(201);
}
