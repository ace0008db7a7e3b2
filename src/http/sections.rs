//! Public section routes.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use serde_json::Value;

use super::AppState;
use super::articles::editorial_json;
use super::caching::{self, CachePolicy};
use super::creates::{create_once, created};
use super::error::ApiError;
use super::extract::{IdempotencyKey, IfMatch, JsonBody, SignedIn};
use crate::auth::Role;
use crate::content::sections::{self, Section, SectionInput, SectionList};
use crate::openapi::{
    BadRequest, Conflict, Forbidden, NotFound, NotModified, PreconditionFailed, Unauthorized,
};

/// List sections.
///
/// Every section, each top-level one followed by its sub-sections.
#[utoipa::path(
    tag = "sections",
    operation_id = "listSections",
    responses(
        (status = 200, description = "All sections", body = SectionList,
            headers(("ETag" = String, description = "Entity tag of this list"))),
        (status = 304, response = NotModified),
    )
)]
#[get("/sections")]
pub async fn list(req: HttpRequest, state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    let sections = state.db.read(sections::list).await?;
    caching::json(&req, &sections, CachePolicy::Reference)
}

/// Get a section by slug.
#[utoipa::path(
    tag = "sections",
    operation_id = "getSection",
    params(("slug" = String, Path, description = "The section's slug", example = "politique")),
    responses(
        (status = 200, description = "The section", body = Section,
            headers(("ETag" = String, description = "Entity tag of this representation"))),
        (status = 304, response = NotModified),
        (status = 404, response = NotFound),
    )
)]
#[get("/sections/{slug}")]
pub async fn get(
    req: HttpRequest,
    state: Data<AppState>,
    slug: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let section = state.db.read(move |conn| sections::get(conn, &slug)).await?;
    caching::json(&req, &section, CachePolicy::Reference)
}

/// Create a section (editors).
#[utoipa::path(
    tag = "editorial",
    operation_id = "createSection",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries of this create safe")),
    request_body = SectionInput,
    responses(
        (status = 201, description = "Created", body = Section, headers(
            ("Location" = String, description = "The section's URL"),
            ("ETag" = String, description = "Its version tag"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
#[post("/sections")]
pub async fn create(
    state: Data<AppState>,
    user: SignedIn,
    key: IdempotencyKey,
    body: JsonBody<SectionInput>,
) -> Result<HttpResponse, ApiError> {
    let user = user.at_least(Role::Editor)?;
    let (input, urls) = (body.value, state.urls.clone());
    create_once(
        &state,
        user.id,
        key,
        "POST /api/v1/sections",
        &body.raw,
        move |conn| {
            let section = sections::create(conn, &input)?;
            created(
                &section,
                urls.absolute(&format!("/api/v1/sections/{}", section.slug)),
                section.version,
            )
        },
    )
    .await
}

/// Edit a section (editors), with a JSON merge patch.
#[utoipa::path(
    tag = "editorial",
    operation_id = "updateSection",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The section's slug"),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    request_body(content = SectionInput, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The section as saved", body = Section),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[patch("/sections/{slug}")]
pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    slug: Path<String>,
    if_match: IfMatch,
    body: JsonBody<Value>,
) -> Result<HttpResponse, ApiError> {
    user.at_least(Role::Editor)?;
    let (slug, patch) = (slug.into_inner(), body.value);
    let section = state
        .db
        .write(move |conn| sections::update(conn, &slug, &patch, if_match.0))
        .await?;
    editorial_json(&req, &section, section.version)
}

/// Delete a section that holds no article and no sub-section (editors).
#[utoipa::path(
    tag = "editorial",
    operation_id = "deleteSection",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The section's slug"),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[delete("/sections/{slug}")]
pub async fn delete(
    state: Data<AppState>,
    user: SignedIn,
    slug: Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    user.at_least(Role::Editor)?;
    let slug = slug.into_inner();
    state
        .db
        .write(move |conn| sections::delete(conn, &slug, if_match.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
