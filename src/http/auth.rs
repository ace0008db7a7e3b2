//! Sign-in, token refresh, sign-out, and who am I.

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, SignedIn};
use crate::auth::{passwords, sessions};
use crate::content::users::{self, User};
use crate::http::response_cache::{Changed, changed};
use crate::openapi::{BadRequest, TooManyRequests, Unauthorized};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "redaction@journal.example")]
    email: String,
    #[schema(example = "une phrase de passe assez longue")]
    password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh.
    refresh_token: String,
}

/// A fresh pair of tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tokens {
    /// Send as `Authorization: Bearer <access_token>`.
    access_token: String,
    #[schema(example = "Bearer")]
    token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    expires_in: i64,
    /// Exchange at `/api/v1/auth/refresh` for new tokens; each works once.
    refresh_token: String,
    /// Seconds until the refresh token expires.
    refresh_expires_in: i64,
    user: User,
}

fn no_store() -> (actix_web::http::header::HeaderName, &'static str) {
    (actix_web::http::header::CACHE_CONTROL, "no-store")
}

async fn tokens_for(state: &AppState, user_id: i64, refresh_token: String) -> Result<HttpResponse, ApiError> {
    let user = state.db.read(move |conn| users::get(conn, user_id)).await?;
    let (access_token, expires_in) = state
        .tokens
        .issue(user.id, user.role)
        .map_err(ApiError::Internal)?;
    let response = HttpResponse::Ok().insert_header(no_store()).json(Tokens {
        access_token,
        token_type: "Bearer",
        expires_in,
        refresh_token,
        refresh_expires_in: i64::try_from(state.tokens.refresh_ttl.as_secs()).unwrap_or(i64::MAX),
        user,
    });
    Ok(changed(response, Changed::Nothing))
}

fn refresh_ttl(state: &AppState) -> chrono::Duration {
    chrono::Duration::from_std(state.tokens.refresh_ttl).unwrap_or(chrono::Duration::days(30))
}

/// Sign in.
///
/// Returns a short-lived access token and a refresh token. A wrong email and
/// a wrong password get the same answer; repeated failures are slowed down
/// per account and per client address (429).
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Tokens),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: Data<AppState>,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.value;
    let address = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    state
        .throttle
        .check(&email, &address)
        .map_err(ApiError::TooManyRequests)?;
    let lookup = email.clone();
    let row = state
        .db
        .read(move |conn| users::row_by_email(conn, &lookup))
        .await?;
    let hash = row.as_ref().map(|r| r.password_hash.clone());
    let matches =
        web::block(move || passwords::verify(&password, hash.as_deref().unwrap_or(passwords::decoy_hash())))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
    let user = match row {
        Some(user) if matches && user.disabled_at.is_none() => user,
        _ => {
            state.throttle.failed(&email, &address);
            return Err(ApiError::Unauthorized(
                "the email or the password is wrong".into(),
            ));
        }
    };
    state.throttle.succeeded(&email);
    let (user_id, ttl) = (user.id, refresh_ttl(&state));
    let refresh_token = state
        .db
        .write(move |conn| sessions::start(conn, user_id, ttl))
        .await?;
    tokens_for(&state, user_id, refresh_token).await
}

/// Exchange a refresh token for new tokens.
///
/// The refresh token is replaced: the old one stops working, and presenting
/// it again ends the whole session (it must have leaked).
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = Tokens),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let (token, ttl) = (body.value.refresh_token, refresh_ttl(&state));
    let rotated = state
        .db
        .write(move |conn| sessions::rotate(conn, &token, ttl))
        .await?;
    let (user_id, refresh_token) = rotated
        .ok_or_else(|| ApiError::Unauthorized("the refresh token is invalid, used or expired".into()))?;
    tokens_for(&state, user_id, refresh_token).await
}

/// Sign out: end the session the refresh token belongs to.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out; the session's refresh tokens no longer work"),
        (status = 400, response = BadRequest),
    )
)]
#[post("/auth/logout")]
pub async fn logout(state: Data<AppState>, body: JsonBody<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let token = body.value.refresh_token;
    state.db.write(move |conn| sessions::end(conn, &token)).await?;
    Ok(changed(HttpResponse::NoContent().finish(), Changed::Nothing))
}

/// The signed-in user.
#[utoipa::path(
    tag = "auth",
    operation_id = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account the token belongs to", body = User),
        (status = 401, response = Unauthorized),
    )
)]
#[get("/auth/me")]
pub async fn me(state: Data<AppState>, user: SignedIn) -> Result<HttpResponse, ApiError> {
    let id = user.0.id;
    let user = state.db.read(move |conn| users::get(conn, id)).await?;
    Ok(HttpResponse::Ok().insert_header(no_store()).json(user))
}
