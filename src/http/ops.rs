//! Operational routes: liveness, readiness and the API description.

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::caching::{self, CachePolicy};
use super::error::ApiError;
use crate::openapi::{NotModified, ServiceUnavailable};

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    status: &'static str,
    /// The storage backend in use: `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    database: &'static str,
}

fn no_store() -> (actix_web::http::header::HeaderName, &'static str) {
    (actix_web::http::header::CACHE_CONTROL, "no-store")
}

/// Liveness: the process answers.
#[utoipa::path(
    tag = "operations",
    operation_id = "healthz",
    responses((status = 200, description = "The process is up", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(no_store())
        .json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(
    tag = "operations",
    operation_id = "readyz",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    if !state.db.ping().await {
        return Err(ApiError::Unavailable);
    }
    Ok(HttpResponse::Ok().insert_header(no_store()).json(Readiness {
        status: "ready",
        database: state.db.backend().name(),
    }))
}

/// This API's OpenAPI 3.1 description.
#[utoipa::path(
    tag = "operations",
    operation_id = "getOpenApi",
    responses(
        (status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object),
        (status = 304, response = NotModified),
    )
)]
#[get("/openapi.json")]
pub async fn openapi_json(req: HttpRequest, state: Data<AppState>) -> HttpResponse {
    caching::tagged_response(
        &req,
        state.openapi_json.clone(),
        state.openapi_etag.clone(),
        caching::JSON,
        CachePolicy::Revalidate,
        &mut HttpResponse::Ok(),
    )
}

/// The interactive API reference.
///
/// Redirects to `/docs/`, a Swagger UI served from the binary itself (it
/// loads nothing from the network) reading `/openapi.json`.
#[utoipa::path(
    tag = "operations",
    operation_id = "docs",
    responses((status = 308, description = "The reference lives at `/docs/`",
        headers(("Location" = String, description = "`/docs/`"))))
)]
#[get("/docs")]
pub async fn docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}
