//! An article's history.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};

use super::article_changed;
use crate::content::articles::revisions::{self, Revision, RevisionList};
use crate::content::articles::{self, Article, Audience};
use crate::http::caching::{self, CachePolicy};
use crate::http::error::ApiError;
use crate::http::extract::{IfMatch, SignedIn};
use crate::http::{AppState, parse_id, parse_positive};
use crate::openapi::{BadRequest, Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized};

/// List an article's revisions, oldest first (editorial users).
#[utoipa::path(
    tag = "editorial",
    operation_id = "listRevisions",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The article's id", minimum = 1)),
    responses(
        (status = 200, description = "Every change, with who and when", body = RevisionList),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
#[get("/articles/{id}/revisions")]
pub async fn list_revisions(
    req: HttpRequest,
    state: Data<AppState>,
    _user: SignedIn,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let list = state.db.read(move |conn| revisions::list(conn, id)).await?;
    caching::json(&req, &list, CachePolicy::Private)
}

/// Get one revision with its full snapshot (editorial users).
#[utoipa::path(
    tag = "editorial",
    operation_id = "getRevision",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("n" = i32, Path, description = "The revision number", minimum = 1),
    ),
    responses(
        (status = 200, description = "The revision", body = Revision),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
#[get("/articles/{id}/revisions/{n}")]
pub async fn get_revision(
    req: HttpRequest,
    state: Data<AppState>,
    _user: SignedIn,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = (parse_id(&path.0)?, parse_positive::<i32>("n", &path.1)?);
    let revision = state.db.read(move |conn| revisions::get(conn, id, n)).await?;
    caching::json(&req, &revision, CachePolicy::Private)
}

/// Bring back the content of a revision, as a new revision (same rights as
/// editing the article). The workflow state is left as it is.
#[utoipa::path(
    tag = "editorial",
    operation_id = "restoreRevision",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("n" = i32, Path, description = "The revision number", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 200, description = "The article with the revision's content", body = Article),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[post("/articles/{id}/revisions/{n}/restore")]
pub async fn restore_revision(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    path: Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (id, n) = (parse_id(&path.0)?, parse_positive::<i32>("n", &path.1)?);
    let (user, urls) = (user.0, state.urls.clone());
    let article: Article = state
        .db
        .write(move |conn| {
            revisions::restore(conn, id, n, &user, if_match.0)?;
            articles::by_id(conn, id, &urls, Audience::Editorial)
        })
        .await?;
    article_changed(&req, &article)
}
