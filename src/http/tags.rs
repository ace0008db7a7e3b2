//! Tags: the public list, and editors' changes.

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::AppState;
use super::articles::editorial_json;
use super::caching::{self, CachePolicy};
use super::creates::{create_once, created};
use super::error::ApiError;
use super::extract::{IdempotencyKey, IfMatch, JsonBody, SignedIn};
use crate::auth::Role;
use crate::content::tags::{self, TagEntry, TagInput};
use crate::content::{ByName, Page};
use crate::openapi::{
    BadRequest, Conflict, Forbidden, NotFound, NotModified, PreconditionFailed, Unauthorized,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TagListParams {
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    cursor: Option<String>,
}

/// List tags, by name. A tag's articles are `/articles?tag=slug`.
#[utoipa::path(
    tag = "articles",
    operation_id = "listTags",
    params(TagListParams),
    responses(
        (status = 200, description = "A page of tags", body = Page<TagEntry>,
            headers(("ETag" = String, description = "Entity tag of this page"))),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
    )
)]
#[get("/tags")]
pub async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    params: Query<TagListParams>,
) -> Result<HttpResponse, ApiError> {
    let query =
        ByName::parse(params.limit.as_deref(), params.cursor.as_deref()).map_err(ApiError::invalid)?;
    let page = state.db.read(move |conn| tags::list(conn, &query)).await?;
    caching::json(&req, &page, CachePolicy::Reference)
}

/// Create a tag (editors). Tags named on an article are also created with it.
#[utoipa::path(
    tag = "editorial",
    operation_id = "createTag",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries of this create safe")),
    request_body = TagInput,
    responses(
        (status = 201, description = "Created", body = TagEntry, headers(
            ("Location" = String, description = "The tag's articles"),
            ("ETag" = String, description = "Its version tag"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
#[post("/tags")]
pub async fn create(
    state: Data<AppState>,
    user: SignedIn,
    key: IdempotencyKey,
    body: JsonBody<TagInput>,
) -> Result<HttpResponse, ApiError> {
    let user = user.at_least(Role::Editor)?;
    let (input, urls) = (body.value, state.urls.clone());
    create_once(
        &state,
        user.id,
        key,
        "POST /api/v1/tags",
        &body.raw,
        move |conn| {
            let tag = tags::create(conn, &input)?;
            created(
                &tag,
                urls.absolute(&format!("/api/v1/articles?tag={}", tag.slug)),
                tag.version,
            )
        },
    )
    .await
}

/// Rename a tag (editors), with a JSON merge patch.
#[utoipa::path(
    tag = "editorial",
    operation_id = "updateTag",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The tag's slug"),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    request_body(content = TagInput, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The tag as saved", body = TagEntry),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[patch("/tags/{slug}")]
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
    let tag = state
        .db
        .write(move |conn| tags::update(conn, &slug, &patch, if_match.0))
        .await?;
    editorial_json(&req, &tag, tag.version)
}

/// Delete a tag, taking it off every article (editors).
#[utoipa::path(
    tag = "editorial",
    operation_id = "deleteTag",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The tag's slug"),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
    )
)]
#[delete("/tags/{slug}")]
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
        .write(move |conn| tags::delete(conn, &slug, if_match.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
