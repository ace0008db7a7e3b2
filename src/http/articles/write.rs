//! Creating, editing and deleting articles, and their related links.

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, patch, post, put};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::article_changed;
use crate::auth::Role;
use crate::content::articles::edit::{self, ArticleInput};
use crate::content::articles::related::{self, LinkInput};
use crate::content::articles::workflow::{self, Action};
use crate::content::articles::{self, Article, Audience};
use crate::http::creates::{create_once, created};
use crate::http::error::ApiError;
use crate::http::extract::{IdempotencyKey, IfMatch, JsonBody, SignedIn};
use crate::http::response_cache::{Changed, changed};
use crate::http::{AppState, parse_id};
use crate::openapi::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType,
};

/// Create an article (writer and above).
///
/// The article starts as a draft owned by its creator. A retry with the same
/// `Idempotency-Key` returns the first answer instead of a second article.
#[utoipa::path(
    tag = "editorial",
    operation_id = "createArticle",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries of this create safe")),
    request_body = ArticleInput,
    responses(
        (status = 201, description = "Created", body = Article, headers(
            ("Location" = String, description = "The new article's URL"),
            ("ETag" = String, description = "Its version tag, for `If-Match`"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    )
)]
#[post("/articles")]
pub async fn create(
    state: Data<AppState>,
    user: SignedIn,
    key: IdempotencyKey,
    body: JsonBody<ArticleInput>,
) -> Result<HttpResponse, ApiError> {
    let user = user.at_least(Role::Writer)?;
    let urls = state.urls.clone();
    let input = body.value;
    create_once(
        &state,
        user.id,
        key,
        "POST /api/v1/articles",
        &body.raw,
        move |conn| {
            let id = edit::create(conn, &input, &user)?;
            let article = articles::by_id(conn, id, &urls, Audience::Editorial)?;
            created(
                &article,
                urls.absolute(&format!("/api/v1/articles/{id}")),
                article.version,
            )
        },
    )
    .await
    .map(|response| changed(response, Changed::NewItem))
}

async fn current(state: &AppState, id: i64) -> Result<Article, ApiError> {
    let urls = state.urls.clone();
    Ok(state
        .db
        .read(move |conn| articles::by_id(conn, id, &urls, Audience::Editorial))
        .await?)
}

/// Edit an article (writers: their own, until published; editors: any).
///
/// The body is a JSON merge patch (RFC 7396) of the article document: fields
/// present replace, `null` clears, absent fields stay. Send the `ETag` you
/// edited from as `If-Match`: if someone saved in between, the answer is 412
/// and nothing changes. Without `If-Match` the write is accepted whatever the
/// current version (last writer wins).
#[utoipa::path(
    tag = "editorial",
    operation_id = "updateArticle",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag edited from, e.g. `\"v3\"`"),
    ),
    request_body(content = ArticleInput, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The article as saved", body = Article,
            headers(("ETag" = String, description = "The new version tag"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    )
)]
#[patch("/articles/{id}")]
pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
    body: JsonBody<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let user = user.0;
    let merge_patch = body.value;
    state
        .db
        .write(move |conn| edit::update(conn, id, &merge_patch, &user, if_match.0))
        .await?;
    let article = current(&state, id).await?;
    article_changed(&req, &article)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// Delete for good instead of moving to the trash: admins only, and only
    /// for an article already in the trash.
    #[param(value_type = Option<bool>)]
    permanent: Option<String>,
}

/// Move an article to the trash, or delete it for good.
///
/// Trashed articles disappear from every public route and come back with
/// `POST /articles/{id}/restore`. Writers may trash their own unpublished
/// articles; editors any; permanent deletion is for admins.
#[utoipa::path(
    tag = "editorial",
    operation_id = "deleteArticle",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
        DeleteParams,
    ),
    responses(
        (status = 204, description = "Trashed, or deleted for good"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[delete("/articles/{id}")]
pub async fn delete(
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
    params: Query<DeleteParams>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let permanent = match crate::content::given(params.permanent.as_deref()) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::invalid(vec![crate::content::FieldError::new(
                "permanent",
                "must be true or false",
            )]));
        }
    };
    let user = user.0;
    state
        .db
        .write(move |conn| match permanent {
            true => workflow::purge(conn, id, &user, if_match.0),
            false => workflow::apply(conn, id, Action::Trash, &user, if_match.0),
        })
        .await?;
    Ok(changed(HttpResponse::NoContent().finish(), Changed::Article(id)))
}

/// Replace an article's "Lire aussi" links (same rights as editing it).
///
/// The list given becomes the whole list, in that order: add, remove and
/// reorder in one call. Each link points to an article of the site
/// (`article_id`) or to an external `url`.
#[utoipa::path(
    tag = "editorial",
    operation_id = "setRelatedLinks",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The article's version tag last seen"),
    ),
    request_body = Vec<LinkInput>,
    responses(
        (status = 200, description = "The article with its new links", body = Article,
            headers(("ETag" = String, description = "The new version tag"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[put("/articles/{id}/related-links")]
pub async fn set_related_links(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
    body: JsonBody<Vec<LinkInput>>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let (user, links) = (user.0, body.value);
    state
        .db
        .write(move |conn| related::replace(conn, id, &links, &user, if_match.0))
        .await?;
    let article = current(&state, id).await?;
    article_changed(&req, &article)
}
