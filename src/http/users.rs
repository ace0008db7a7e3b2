//! Editorial accounts (admins only).

use actix_web::web::{self, Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};

use super::articles::editorial_json;
use super::caching::{self, CachePolicy};
use super::creates::{create_once, created};
use super::error::ApiError;
use super::extract::{IdempotencyKey, IfMatch, JsonBody, SignedIn};
use super::{AppState, parse_id};
use crate::auth::{Role, passwords};
use crate::content::check_version;
use crate::content::users::{self, NewUser, User, UserList, UserPatch};
use crate::openapi::{BadRequest, Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized};

async fn hash_new_password(password: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(password) = password else {
        return Ok(None);
    };
    passwords::check_policy("password", &password).map_err(|e| ApiError::invalid(vec![e]))?;
    let hash = web::block(move || passwords::hash(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)?;
    Ok(Some(hash))
}

/// List accounts (admins).
#[utoipa::path(
    tag = "users",
    operation_id = "listUsers",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every account", body = UserList),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/users")]
pub async fn list(req: HttpRequest, state: Data<AppState>, user: SignedIn) -> Result<HttpResponse, ApiError> {
    user.at_least(Role::Admin)?;
    let list = state.db.read(users::list).await?;
    caching::json(&req, &list, CachePolicy::Private)
}

/// Create an account (admins).
#[utoipa::path(
    tag = "users",
    operation_id = "createUser",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries of this create safe")),
    request_body = NewUser,
    responses(
        (status = 201, description = "Created", body = User, headers(
            ("Location" = String, description = "The account's URL"),
            ("ETag" = String, description = "Its version tag"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
#[post("/users")]
pub async fn create(
    state: Data<AppState>,
    user: SignedIn,
    key: IdempotencyKey,
    body: JsonBody<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let admin = user.at_least(Role::Admin)?;
    let new = body.value;
    let hash = hash_new_password(Some(new.password.clone()))
        .await?
        .unwrap_or_default();
    let urls = state.urls.clone();
    create_once(
        &state,
        admin.id,
        key,
        "POST /api/v1/users",
        &body.raw,
        move |conn| {
            let user = users::create(conn, &new, &hash)?;
            created(
                &user,
                urls.absolute(&format!("/api/v1/users/{}", user.id)),
                user.version,
            )
        },
    )
    .await
}

/// Get an account (admins, or the account itself).
#[utoipa::path(
    tag = "users",
    operation_id = "getUser",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id", minimum = 1)),
    responses(
        (status = 200, description = "The account", body = User),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
#[get("/users/{id}")]
pub async fn get(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    if user.0.id != id {
        user.at_least(Role::Admin)?;
    }
    let account = state.db.read(move |conn| users::get(conn, id)).await?;
    editorial_json(&req, &account, account.version)
}

/// Change an account (admins). Disabling it, or setting a new password,
/// ends its sessions; its access tokens stop working at once.
#[utoipa::path(
    tag = "users",
    operation_id = "updateUser",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The account's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    request_body(content = UserPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The account as saved", body = User),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
    body: JsonBody<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    user.at_least(Role::Admin)?;
    let id = parse_id(&id)?;
    let patch = body.value;
    let hash = hash_new_password(patch.password.clone()).await?;
    let account = state
        .db
        .write(move |conn| users::update(conn, id, &patch, hash.as_deref(), if_match.0))
        .await?;
    editorial_json(&req, &account, account.version)
}

/// Disable an account (admins). Accounts are never deleted, so that history
/// keeps its authors; a disabled account cannot sign in and its tokens fail.
#[utoipa::path(
    tag = "users",
    operation_id = "disableUser",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The account's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 204, description = "Disabled"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[delete("/users/{id}")]
pub async fn disable(
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let admin = user.at_least(Role::Admin)?;
    let id = parse_id(&id)?;
    if admin.id == id {
        return Err(ApiError::Conflict(
            "admins cannot disable their own account".into(),
        ));
    }
    state
        .db
        .write(move |conn| {
            let current = users::row_by_id(conn, id)?;
            check_version(current.version, if_match.0)?;
            let patch = UserPatch {
                disabled: Some(true),
                ..UserPatch::default()
            };
            users::update(conn, id, &patch, None, None)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
