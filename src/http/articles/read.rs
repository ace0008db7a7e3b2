//! Public article routes.

use actix_web::http::header;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Deserialize;
use utoipa::IntoParams;

use super::editorial_json;
use super::formats::{ArticleFormat, FormatParams, ninjs_response};
use crate::content::articles::{self, Article, Audience, BySlug, ListParams, ListQuery, RelatedList, Teaser};
use crate::content::{Page, given, parse_limit};
use crate::http::caching::{self, CachePolicy};
use crate::http::error::ApiError;
use crate::http::extract::Viewer;
use crate::http::response_cache;
use crate::http::{AppState, parse_id};
use crate::openapi::{BadRequest, NotFound, NotModified, Unauthorized};

/// List or search articles.
///
/// Teasers of the published articles, filtered and paged, newest first; with
/// `q`, the articles matching a full-text search, most relevant first, each
/// with a highlighted `snippet`. Follow `next_cursor` (or the
/// `Link: rel="next"` header) for the next page; pages stay free of
/// duplicates and gaps while new articles are published. Editorial users may
/// ask for other states with `status` (bearer token needed).
#[utoipa::path(
    tag = "articles",
    operation_id = "listArticles",
    params(ListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of teasers", body = Page<Teaser>,
            headers(
                ("ETag" = String, description = "Entity tag of this page"),
                ("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"),
            )),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    )
)]
#[get("/articles")]
pub async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    viewer: Viewer,
    params: Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let query = ListQuery::parse(&params).map_err(ApiError::invalid)?;
    if query.statuses.is_some() && matches!(viewer, Viewer::Anonymous) {
        return Err(ApiError::Unauthorized(
            "listing by status is for editorial users: sign in first".into(),
        ));
    }
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
    let policy = if query_is_editorial(&params) {
        CachePolicy::Private
    } else {
        CachePolicy::Content
    };
    caching::json_builder(&req, &page, policy, builder)
}

fn query_is_editorial(params: &ListParams) -> bool {
    params.status.is_some()
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
/// current one. With a bearer token, articles in any state are found, and
/// the `ETag` is the version tag that `If-Match` takes.
#[utoipa::path(
    tag = "articles",
    operation_id = "getArticleBySlug",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug",
        example = "politique-migratoire-le-ministere-de-tutelle-et-l-oim-signent-des-conventions")),
    responses(
        (status = 200, description = "The article", body = Article,
            headers(("ETag" = String, description = "Entity tag of this representation"))),
        (status = 301, description = "The article now answers to another slug",
            headers(("Location" = String, description = "The article's current URL"))),
        (status = 304, response = NotModified),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
#[get("/articles/slug/{slug}")]
pub async fn by_slug(
    req: HttpRequest,
    state: Data<AppState>,
    viewer: Viewer,
    slug: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let urls = state.urls.clone();
    let slug = slug.into_inner();
    let audience = viewer.audience();
    match state
        .db
        .read(move |conn| articles::by_slug(conn, &slug, &urls, audience))
        .await?
    {
        BySlug::Found(article) => article_response(&req, &article, audience),
        BySlug::Moved(current) => Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, state.urls.article(&current)))
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .finish()),
    }
}

/// Get an article by id.
///
/// With a bearer token, articles in any state (trash included) are found,
/// and the `ETag` is the version tag that `If-Match` takes.
///
/// `format=ninjs` (or `Accept: application/ninjs+json`) answers with the
/// article as an IPTC ninjs 2.1 news item instead.
#[utoipa::path(
    tag = "articles",
    operation_id = "getArticle",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "The article's id", minimum = 1, example = 1), FormatParams),
    responses(
        (status = 200, description = "The article", content(
                (Article = "application/json"),
                (Object = "application/ninjs+json"),
            ),
            headers(
                ("ETag" = String, description = "Entity tag of this representation"),
                ("Vary" = String, description = "`Accept`: the representation depends on it"),
            )),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
#[get("/articles/{id}")]
pub async fn by_id(
    req: HttpRequest,
    state: Data<AppState>,
    viewer: Viewer,
    id: Path<String>,
    params: Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let format = ArticleFormat::of(&req, given(params.format.as_deref()))?;
    let urls = state.urls.clone();
    let audience = viewer.audience();
    let article = state
        .db
        .read(move |conn| articles::by_id(conn, id, &urls, audience))
        .await?;
    let mut response = match format {
        ArticleFormat::Json => article_response(&req, &article, audience)?,
        ArticleFormat::Ninjs => ninjs_response(&req, &state, &article, audience)?,
    };
    response
        .headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("Accept"));
    Ok(response)
}

/// Readers get a shared-cacheable document; editorial users a private one
/// tagged with its version.
fn article_response(
    req: &HttpRequest,
    article: &Article,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    match audience {
        Audience::Public => caching::json(req, article, CachePolicy::Content)
            .map(|response| response_cache::depends_on(response, article.shown_articles())),
        Audience::Editorial => editorial_json(req, article, article.version),
    }
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
/// The editor's curated links ("Lire aussi") first, then suggestions: articles
/// sharing tags, the section, or words of the kicker and title, ranked by
/// those (tags weigh most), newest first on a tie; never the article itself
/// nor an unpublished one.
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
    let limit = parse_limit(given(params.limit.as_deref()), 6, 20).map_err(|e| ApiError::invalid(vec![e]))?;
    let urls = state.urls.clone();
    let related = state
        .db
        .read(move |conn| articles::related(conn, id, limit, &urls))
        .await?;
    caching::json(&req, &related, CachePolicy::Content)
}
