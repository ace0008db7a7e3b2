//! Public article routes.

use actix_web::http::header;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Deserialize;
use utoipa::IntoParams;

use super::caching::{self, CachePolicy};
use super::error::ApiError;
use super::{AppState, parse_id};
use crate::content::articles::{self, Article, BySlug, ListParams, ListQuery, RelatedList, Teaser};
use crate::content::{Page, parse_limit};
use crate::openapi::{BadRequest, NotFound, NotModified};

/// List articles, newest first.
///
/// Teasers of the published articles, filtered and paged. Follow `next_cursor`
/// (or the `Link: rel="next"` header) for the next page; pages stay free of
/// duplicates and gaps while new articles are published.
#[utoipa::path(
    tag = "articles",
    operation_id = "listArticles",
    params(ListParams),
    responses(
        (status = 200, description = "A page of teasers", body = Page<Teaser>,
            headers(
                ("ETag" = String, description = "Entity tag of this page"),
                ("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"),
            )),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
    )
)]
#[get("/articles")]
pub async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    params: Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let query = ListQuery::parse(&params).map_err(ApiError::invalid)?;
    let urls = state.urls.clone();
    let page = state
        .db
        .read(move |conn| articles::list(conn, &query, &urls))
        .await?;
    let mut builder = HttpResponse::Ok();
    if let Some(cursor) = &page.next_cursor {
        builder.insert_header((
            header::LINK,
            format!("<{}>; rel=\"next\"", next_url(&req, &state, cursor)),
        ));
    }
    caching::json_builder(&req, &page, CachePolicy::Content, builder)
}

/// The request's own URL with `cursor` replaced.
fn next_url(req: &HttpRequest, state: &AppState, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "cursor");
    pairs.push(("cursor".into(), cursor.into()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    state.urls.absolute(&format!("{}?{query}", req.path()))
}

/// Get an article by slug.
///
/// A slug the article had before answers `301 Moved Permanently` to the
/// current one.
#[utoipa::path(
    tag = "articles",
    operation_id = "getArticleBySlug",
    params(("slug" = String, Path, description = "The article's slug",
        example = "politique-migratoire-le-ministere-de-tutelle-et-l-oim-signent-des-conventions")),
    responses(
        (status = 200, description = "The article", body = Article,
            headers(("ETag" = String, description = "Entity tag of this representation"))),
        (status = 301, description = "The article now answers to another slug",
            headers(("Location" = String, description = "The article's current URL"))),
        (status = 304, response = NotModified),
        (status = 404, response = NotFound),
    )
)]
#[get("/articles/slug/{slug}")]
pub async fn by_slug(
    req: HttpRequest,
    state: Data<AppState>,
    slug: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let urls = state.urls.clone();
    let slug = slug.into_inner();
    match state
        .db
        .read(move |conn| articles::by_slug(conn, &slug, &urls))
        .await?
    {
        BySlug::Found(article) => caching::json(&req, &article, CachePolicy::Content),
        BySlug::Moved(current) => Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, state.urls.article(&current)))
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .finish()),
    }
}

/// Get an article by id.
#[utoipa::path(
    tag = "articles",
    operation_id = "getArticle",
    params(("id" = i64, Path, description = "The article's id", minimum = 1, example = 1)),
    responses(
        (status = 200, description = "The article", body = Article,
            headers(("ETag" = String, description = "Entity tag of this representation"))),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    )
)]
#[get("/articles/{id}")]
pub async fn by_id(
    req: HttpRequest,
    state: Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let urls = state.urls.clone();
    let article = state
        .db
        .read(move |conn| articles::by_id(conn, id, &urls))
        .await?;
    caching::json(&req, &article, CachePolicy::Content)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelatedParams {
    /// How many items at most, 1 to 20; 6 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 20, example = 6)]
    limit: Option<String>,
}

/// Articles related to an article.
///
/// The editor's curated links ("Lire aussi") first, then the newest articles
/// of the same section; never the article itself nor an unpublished one.
#[utoipa::path(
    tag = "articles",
    operation_id = "listRelatedArticles",
    params(("id" = i64, Path, description = "The article's id", minimum = 1, example = 1), RelatedParams),
    responses(
        (status = 200, description = "Related articles", body = RelatedList,
            headers(("ETag" = String, description = "Entity tag of this list"))),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    )
)]
#[get("/articles/{id}/related")]
pub async fn related(
    req: HttpRequest,
    state: Data<AppState>,
    id: Path<String>,
    params: Query<RelatedParams>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let limit = parse_limit(params.limit.as_deref(), 6, 20).map_err(|e| ApiError::invalid(vec![e]))?;
    let urls = state.urls.clone();
    let related = state
        .db
        .read(move |conn| articles::related(conn, id, limit, &urls))
        .await?;
    caching::json(&req, &related, CachePolicy::Content)
}
