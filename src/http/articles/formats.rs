//! An article in the news industry's formats: IPTC ninjs (a representation
//! of `GET /articles/{id}`) and schema.org JSON-LD (a sub-resource).

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::content::FieldError;
use crate::content::articles::{self, Article, Audience};
use crate::http::caching::{self, CachePolicy};
use crate::http::error::ApiError;
use crate::http::response_cache;
use crate::http::{AppState, parse_id};
use crate::openapi::{BadRequest, NotFound, NotModified};
use crate::syndication::{jsonld, ninjs};

/// The representations of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleFormat {
    /// This API's own `Article` document.
    Json,
    /// An IPTC ninjs 2.1 news item (`application/ninjs+json`).
    Ninjs,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParams {
    /// The representation: `json` (the default) or `ninjs`. Without it,
    /// `Accept: application/ninjs+json` also selects ninjs.
    #[param(value_type = Option<ArticleFormat>, inline, example = "ninjs")]
    pub format: Option<String>,
}

impl ArticleFormat {
    /// The format asked for: the query parameter, else the `Accept` header.
    pub fn of(req: &HttpRequest, param: Option<&str>) -> Result<Self, ApiError> {
        match param.map(str::trim) {
            Some("json") => Ok(Self::Json),
            Some("ninjs") => Ok(Self::Ninjs),
            Some(_) => Err(ApiError::invalid(vec![FieldError::new(
                "format",
                "must be json or ninjs",
            )])),
            None => {
                let wants_ninjs = req
                    .headers()
                    .get_all(header::ACCEPT)
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .filter_map(|range| range.split(';').next())
                    .any(|range| range.trim().eq_ignore_ascii_case(ninjs::CONTENT_TYPE));
                Ok(if wants_ninjs { Self::Ninjs } else { Self::Json })
            }
        }
    }
}

/// The article as ninjs: shared-cacheable for readers, private and tagged
/// with its version for editorial users.
pub fn ninjs_response(
    req: &HttpRequest,
    state: &AppState,
    article: &Article,
    audience: Audience,
) -> Result<HttpResponse, ApiError> {
    let doc = ninjs::article(article, &state.publication, &state.urls);
    let bytes = serde_json::to_vec(&doc).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(match audience {
        Audience::Public => response_cache::depends_on(
            caching::bytes(req, bytes, ninjs::CONTENT_TYPE, CachePolicy::Content),
            article.shown_articles(),
        ),
        Audience::Editorial => caching::tagged_response(
            req,
            bytes,
            caching::version_tag(article.version),
            ninjs::CONTENT_TYPE,
            CachePolicy::Private,
            &mut HttpResponse::Ok(),
        ),
    })
}

/// Get an article's structured data.
///
/// The published article as a schema.org `NewsArticle` in JSON-LD, for a
/// page's `<script type="application/ld+json">`. A subscribers' article is
/// marked `isAccessibleForFree: false`, with a `hasPart` naming the
/// paywalled element by the CSS selector `.article-body`.
#[utoipa::path(
    tag = "articles",
    operation_id = "getArticleJsonLd",
    params(("id" = i64, Path, description = "The article's id", minimum = 1, example = 1)),
    responses(
        (status = 200, description = "A schema.org NewsArticle", content((Object = "application/ld+json")),
            headers(("ETag" = String, description = "Entity tag of this representation"))),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    )
)]
#[get("/articles/{id}/jsonld")]
pub async fn json_ld(
    req: HttpRequest,
    state: Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let urls = state.urls.clone();
    let article = state
        .db
        .read(move |conn| articles::by_id(conn, id, &urls, Audience::Public))
        .await?;
    let doc = jsonld::news_article(&article, &state.publication, &state.urls);
    let bytes = serde_json::to_vec(&doc).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(response_cache::depends_on(
        caching::bytes(&req, bytes, caching::LD_JSON, CachePolicy::Content),
        article.shown_articles(),
    ))
}
