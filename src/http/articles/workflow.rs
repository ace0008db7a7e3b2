//! Workflow routes: each moves an article to another state and answers with
//! the article as it now is. A transition that makes no sense answers 409.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::article_changed;
use crate::content::articles::workflow::{self, Action};
use crate::content::articles::{self, Article, Audience};
use crate::http::error::ApiError;
use crate::http::extract::{IfMatch, OptionalJsonBody, SignedIn};
use crate::http::{AppState, parse_id};
use crate::openapi::{BadRequest, Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized};

async fn transition(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
    action: Action,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let (user, urls) = (user.0, state.urls.clone());
    let article = state
        .db
        .write(move |conn| {
            workflow::apply(conn, id, action, &user, if_match.0)?;
            articles::by_id(conn, id, &urls, Audience::Editorial)
        })
        .await?;
    article_changed(&req, &article)
}

/// Submit an article for review (its writer, or an editor): draft → in_review.
#[utoipa::path(
    tag = "editorial",
    operation_id = "submitArticle",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 200, description = "Now in review", body = Article),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[post("/articles/{id}/submit")]
pub async fn submit(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(req, state, user, id, if_match, Action::Submit).await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// When to publish; absent means now. A time ahead schedules the article:
    /// it appears at that time, also if the server restarted in between.
    #[schema(example = "2026-12-01T06:00:00Z")]
    publish_at: Option<DateTime<Utc>>,
}

/// Publish an article now or at a later time (editors).
///
/// From draft, in review or scheduled. The body is optional.
#[utoipa::path(
    tag = "editorial",
    operation_id = "publishArticle",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    request_body(content = Option<PublishRequest>),
    responses(
        (status = 200, description = "Published, or scheduled", body = Article),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[post("/articles/{id}/publish")]
pub async fn publish(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
    body: OptionalJsonBody<PublishRequest>,
) -> Result<HttpResponse, ApiError> {
    let at = body
        .0
        .and_then(|b| b.publish_at)
        .map(|t| t.naive_utc().and_utc().timestamp_micros())
        .and_then(DateTime::from_timestamp_micros)
        .map(|t| t.naive_utc());
    transition(req, state, user, id, if_match, Action::Publish(at)).await
}

/// Take an article off the site (editors): published or scheduled → draft.
#[utoipa::path(
    tag = "editorial",
    operation_id = "unpublishArticle",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 200, description = "Back to draft", body = Article),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[post("/articles/{id}/unpublish")]
pub async fn unpublish(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(req, state, user, id, if_match, Action::Unpublish).await
}

/// Archive an article (editors): it leaves the site and the working lists.
#[utoipa::path(
    tag = "editorial",
    operation_id = "archiveArticle",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 200, description = "Archived", body = Article),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[post("/articles/{id}/archive")]
pub async fn archive(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(req, state, user, id, if_match, Action::Archive).await
}

/// Restore an article from the trash (as it was), or from the archive (as a draft).
///
/// Writers restore their own trashed drafts; editors anything.
#[utoipa::path(
    tag = "editorial",
    operation_id = "restoreArticle",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The article's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 200, description = "Restored", body = Article),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[post("/articles/{id}/restore")]
pub async fn restore(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(req, state, user, id, if_match, Action::Restore).await
}
