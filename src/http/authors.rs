//! Public author routes. An author's articles are the article list filtered
//! with `author=slug`.

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
use super::extract::{IdempotencyKey, IfMatch, JsonBody, SignedIn, Viewer};
use crate::auth::Role;
use crate::content::ByName;
use crate::content::Page;
use crate::content::authors::{self, Author, AuthorInput};
use crate::openapi::{
    BadRequest, Conflict, Forbidden, NotFound, NotModified, PreconditionFailed, Unauthorized,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorListParams {
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    cursor: Option<String>,
}

/// List authors, by name.
#[utoipa::path(
    tag = "authors",
    operation_id = "listAuthors",
    params(AuthorListParams),
    responses(
        (status = 200, description = "A page of authors", body = Page<Author>,
            headers(("ETag" = String, description = "Entity tag of this page"))),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
    )
)]
#[get("/authors")]
pub async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    params: Query<AuthorListParams>,
) -> Result<HttpResponse, ApiError> {
    let query =
        ByName::parse(params.limit.as_deref(), params.cursor.as_deref()).map_err(ApiError::invalid)?;
    let urls = state.urls.clone();
    let page = state
        .db
        .read(move |conn| authors::list(conn, &query, &urls))
        .await?;
    caching::json(&req, &page, CachePolicy::Reference)
}

/// Get an author by slug.
///
/// With a bearer token, the author's contact e-mail is included.
#[utoipa::path(
    tag = "authors",
    operation_id = "getAuthor",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "The author's slug", example = "nfamoro-keita")),
    responses(
        (status = 200, description = "The author", body = Author,
            headers(("ETag" = String, description = "Entity tag of this representation"))),
        (status = 304, response = NotModified),
        (status = 404, response = NotFound),
    )
)]
#[get("/authors/{slug}")]
pub async fn get(
    req: HttpRequest,
    state: Data<AppState>,
    viewer: Viewer,
    slug: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let urls = state.urls.clone();
    let editorial = matches!(viewer, Viewer::Editorial(_));
    let author = state
        .db
        .read(move |conn| match editorial {
            true => authors::get_editorial(conn, &slug, &urls),
            false => authors::get(conn, &slug, &urls),
        })
        .await?;
    match editorial {
        true => editorial_json(&req, &author, author.version),
        false => caching::json(&req, &author, CachePolicy::Reference),
    }
}

/// Create an author (editors).
#[utoipa::path(
    tag = "editorial",
    operation_id = "createAuthor",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries of this create safe")),
    request_body = AuthorInput,
    responses(
        (status = 201, description = "Created", body = Author, headers(
            ("Location" = String, description = "The author's URL"),
            ("ETag" = String, description = "Its version tag"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
#[post("/authors")]
pub async fn create(
    state: Data<AppState>,
    user: SignedIn,
    key: IdempotencyKey,
    body: JsonBody<AuthorInput>,
) -> Result<HttpResponse, ApiError> {
    let user = user.at_least(Role::Editor)?;
    let (input, urls) = (body.value, state.urls.clone());
    create_once(
        &state,
        user.id,
        key,
        "POST /api/v1/authors",
        &body.raw,
        move |conn| {
            let author = authors::create(conn, &input, &urls)?;
            created(
                &author,
                urls.absolute(&format!("/api/v1/authors/{}", author.slug)),
                author.version,
            )
        },
    )
    .await
}

/// Edit an author (editors), with a JSON merge patch.
#[utoipa::path(
    tag = "editorial",
    operation_id = "updateAuthor",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The author's slug"),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    request_body(content = AuthorInput, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The author as saved", body = Author),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[patch("/authors/{slug}")]
pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    slug: Path<String>,
    if_match: IfMatch,
    body: JsonBody<Value>,
) -> Result<HttpResponse, ApiError> {
    user.at_least(Role::Editor)?;
    let (slug, patch, urls) = (slug.into_inner(), body.value, state.urls.clone());
    let author = state
        .db
        .write(move |conn| authors::update(conn, &slug, &patch, if_match.0, &urls))
        .await?;
    editorial_json(&req, &author, author.version)
}

/// Delete an author who signs no article (editors).
#[utoipa::path(
    tag = "editorial",
    operation_id = "deleteAuthor",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The author's slug"),
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
#[delete("/authors/{slug}")]
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
        .write(move |conn| authors::delete(conn, &slug, if_match.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
