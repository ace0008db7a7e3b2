//! Public author routes. An author's articles are the article list filtered
//! with `author=slug`.

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AppState;
use super::caching::{self, CachePolicy};
use super::error::ApiError;
use crate::content::Page;
use crate::content::authors::{self, Author, ListQuery};
use crate::openapi::{BadRequest, NotFound, NotModified};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorListParams {
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
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
        ListQuery::parse(params.limit.as_deref(), params.cursor.as_deref()).map_err(ApiError::invalid)?;
    let urls = state.urls.clone();
    let page = state
        .db
        .read(move |conn| authors::list(conn, &query, &urls))
        .await?;
    caching::json(&req, &page, CachePolicy::Reference)
}

/// Get an author by slug.
#[utoipa::path(
    tag = "authors",
    operation_id = "getAuthor",
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
    slug: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let urls = state.urls.clone();
    let author = state
        .db
        .read(move |conn| authors::get(conn, &slug, &urls))
        .await?;
    caching::json(&req, &author, CachePolicy::Reference)
}
