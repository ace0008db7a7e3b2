//! The one application factory: `main` and the tests both build the server here.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::{Server, Service};
use actix_web::http::{Method, header};
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::TokenKeys;
use crate::auth::write_limit::WriteLimit;
use crate::config::{CorsOrigins, Settings};
use crate::content::{demo, search};
use crate::db::Db;
use crate::http::metrics::Metrics;
use crate::http::response_cache::{self, ResponseCache};
use crate::http::security::{self, SecurityPolicy};
use crate::http::{self, AppState, RouteTable, error};
use crate::media::LocalDir;
use crate::{openapi, scheduler};

/// A bound, not yet running, server, and its background work.
pub struct Application {
    server: Server,
    port: u16,
    scheduler: scheduler::Scheduler,
}

/// Start-up choices beyond the settings.
#[derive(Debug, Default, Clone, Copy)]
pub struct Options {
    /// Load the demo content before serving.
    pub demo: bool,
}

impl Application {
    pub async fn build(settings: &Settings, options: Options) -> anyhow::Result<Self> {
        let db = Db::connect(&settings.database_url, settings.db_pool_size, settings.db_timeout)?;
        let media = Arc::new(LocalDir::new(&settings.media_dir));
        {
            let (db, media) = (db.clone(), media.clone());
            web::block(move || -> anyhow::Result<()> {
                let applied = db.migrate()?;
                if !applied.is_empty() {
                    tracing::info!(?applied, "migrations applied");
                }
                let indexed = db.write_blocking(|c| search::index::after_migrations(c, &applied))?;
                if indexed > 0 {
                    tracing::info!(indexed, "articles indexed for search");
                }
                db.optimize_once()?;
                if options.demo {
                    let loaded = demo::load(&db, media.as_ref())?;
                    tracing::info!(articles = loaded.articles, slug = %loaded.main_slug, "demo content ready");
                    // Shown once, on the terminal only: never written to the logs.
                    println!("Demo accounts (passwords are new at every start):");
                    for user in demo::users(&db)? {
                        println!("  {:<7} {:<32} {}", user.role.as_str(), user.email, user.password);
                    }
                }
                Ok(())
            })
            .await
            .context("start-up task failed")??;
        }

        let secret = match &settings.jwt_secret {
            Some(secret) => secret.clone().into_bytes(),
            None => {
                tracing::warn!(
                    "DEPECHE_JWT_SECRET is not set: signing tokens with a random key; \
                     tokens will not survive a restart (set it in production)"
                );
                rand::random::<[u8; 48]>().to_vec()
            }
        };
        let tokens = TokenKeys::new(
            &secret,
            settings.urls.base(),
            settings.access_token_ttl,
            settings.refresh_token_ttl,
        )?;
        let doc = openapi::document();
        let openapi_json = doc.to_json().context("serialising the OpenAPI document")?;
        let routes = web::Data::new(RouteTable::from_openapi(&doc));
        let state = web::Data::new(AppState {
            db,
            urls: settings.urls.clone(),
            publication: settings.publication.clone(),
            media,
            openapi_etag: http::caching::etag_of(openapi_json.as_bytes()),
            openapi_json: openapi_json.into(),
            tokens,
            throttle: LoginThrottle::new(5, 50, Duration::from_secs(15 * 60)),
            writes: WriteLimit::new(settings.writes_per_minute),
            max_upload_bytes: settings.max_upload_bytes,
        });
        let cache = web::Data::new(ResponseCache::new(settings.cache_bytes));
        let metrics = web::Data::new(Metrics::new());
        let security = web::Data::new(SecurityPolicy {
            hsts: settings.urls.base().starts_with("https://"),
        });
        let scheduler = scheduler::spawn(state.db.clone(), cache.clone(), settings.scheduler_interval);

        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let cors_origins = settings.cors_origins.clone();
        let max_body = settings.max_body_bytes;
        let pool_threads = usize::try_from(settings.db_pool_size).unwrap_or(usize::MAX);
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(routes.clone())
                .app_data(cache.clone())
                .app_data(metrics.clone())
                .app_data(security.clone())
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::PayloadConfig::new(max_body))
                .configure(http::routes)
                .split_for_parts();
            app.service(
                SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/openapi.json")),
            )
            .default_service(web::to(http::not_found_or_not_allowed))
            .wrap(from_fn(http::limits::middleware))
            .wrap(cors(&cors_origins))
            .wrap(from_fn(security::middleware))
            .wrap(ErrorHandlers::new().default_handler(error::as_problem))
            .wrap(from_fn(http::metrics::middleware))
            // HEAD is GET without a body; the server drops the body itself.
            .wrap_fn(|mut req, srv| {
                if req.method() == Method::HEAD {
                    req.head_mut().method = Method::GET;
                }
                srv.call(req)
            })
            .wrap(TracingLogger::default())
            // Outermost (wrapped last): a cached answer skips everything above.
            .wrap(from_fn(response_cache::middleware))
        })
        .shutdown_timeout(30)
        // A client gets this long to send its request head, and an idle
        // keep-alive connection is closed after this long: slow clients
        // cannot pin the workers.
        .client_request_timeout(Duration::from_secs(10))
        .keep_alive(Duration::from_secs(30))
        // Blocking work is database work: a thread beyond the pool's
        // connections would only wait for one, keeping an allocator arena.
        .worker_max_blocking_threads(pool_threads);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener)?.run();
        Ok(Self {
            server,
            port,
            scheduler,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop. On SIGTERM the listener
    /// closes at once, requests in flight finish (up to 30 s), then the
    /// scheduler stops after its round under way. SIGINT and SIGQUIT stop
    /// without waiting.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        tracing::info!("server stopped");
        self.scheduler.stop().await;
        served
    }
}

fn cors(origins: &CorsOrigins) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::ETAG, header::LINK, header::LOCATION, header::RETRY_AFTER])
        .max_age(3600);
    match origins {
        CorsOrigins::Any => cors.allow_any_origin().send_wildcard(),
        CorsOrigins::List(list) => list.iter().fold(cors, |cors, origin| cors.allowed_origin(origin)),
    }
}
