//! Public section routes.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get};

use super::AppState;
use super::caching::{self, CachePolicy};
use super::error::ApiError;
use crate::content::sections::{self, Section, SectionList};
use crate::openapi::{NotFound, NotModified};

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
