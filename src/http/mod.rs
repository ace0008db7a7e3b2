//! The HTTP surface: routes, extractors, errors and caching headers. Handlers
//! parse, call the content layer and shape the response; nothing more.

mod articles;
mod auth;
mod authors;
pub mod caching;
mod creates;
pub mod error;
pub mod extract;
mod fallback;
pub mod limits;
mod media;
pub mod metrics;
mod ops;
pub mod response_cache;
mod sections;
pub mod security;
mod syndication;
mod tags;
mod users;

use std::sync::Arc;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub use fallback::{RouteTable, not_found_or_not_allowed};

use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::TokenKeys;
use crate::auth::write_limit::WriteLimit;
use crate::config::{PublicUrls, Publication};
use crate::db::Db;
use crate::media::MediaStore;

/// What every handler may use; shared by all workers.
pub struct AppState {
    pub db: Db,
    pub urls: PublicUrls,
    pub publication: Publication,
    pub media: Arc<dyn MediaStore>,
    /// The OpenAPI document, serialised once, and its entity tag.
    pub openapi_json: actix_web::web::Bytes,
    pub openapi_etag: String,
    pub tokens: TokenKeys,
    pub throttle: LoginThrottle,
    pub writes: WriteLimit,
    pub max_upload_bytes: usize,
}

/// Registers every route. Routes go through utoipa-actix-web only, so the
/// OpenAPI document is generated from the very table the server dispatches on.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::me)
            .service(articles::list)
            .service(articles::create)
            .service(articles::by_slug)
            .service(articles::by_id)
            .service(articles::update)
            .service(articles::delete)
            .service(articles::related)
            .service(articles::json_ld)
            .service(articles::set_related_links)
            .service(articles::submit)
            .service(articles::publish)
            .service(articles::unpublish)
            .service(articles::archive)
            .service(articles::restore)
            .service(articles::list_revisions)
            .service(articles::get_revision)
            .service(articles::restore_revision)
            .service(users::list)
            .service(users::create)
            .service(users::get)
            .service(users::update)
            .service(users::disable)
            .service(sections::list)
            .service(sections::create)
            .service(sections::get)
            .service(sections::update)
            .service(sections::delete)
            .service(authors::list)
            .service(authors::create)
            .service(authors::get)
            .service(authors::update)
            .service(authors::delete)
            .service(tags::list)
            .service(tags::create)
            .service(tags::update)
            .service(tags::delete)
            .service(media::list)
            .service(media::upload)
            .service(media::get)
            .service(media::update)
            .service(media::remove),
    )
    .service(media::media_file)
    .service(syndication::site_feed)
    .service(syndication::section_feed)
    .service(syndication::author_feed)
    .service(syndication::sitemap_index)
    .service(syndication::articles_sitemap)
    .service(syndication::news_sitemap)
    .service(ops::healthz)
    .service(ops::readyz)
    .service(ops::openapi_json)
    .service(metrics::exposition)
    .service(ops::docs);
}

/// Parses an id path segment, naming the parameter when it is not one.
fn parse_id(raw: &str) -> Result<i64, error::ApiError> {
    parse_positive("id", raw)
}

/// Parses a positive whole-number path segment, naming `field` when it is not one.
fn parse_positive<N: std::str::FromStr + PartialOrd + Default>(
    field: &str,
    raw: &str,
) -> Result<N, error::ApiError> {
    raw.parse::<N>()
        .ok()
        .filter(|n| *n > N::default())
        .ok_or_else(|| {
            error::ApiError::invalid(vec![crate::content::FieldError::new(
                field,
                "must be a positive whole number",
            )])
        })
}
