//! Request extractors: who is asking, which version they saw, and JSON
//! bodies whose faults are named field by field.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use crate::auth::{CurrentUser, Role};
use crate::content::{FieldError, idempotency, users};

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

fn state(req: &HttpRequest) -> Data<AppState> {
    req.app_data::<Data<AppState>>()
        .cloned()
        .expect("AppState is registered")
}

/// The bearer token, if the request has an `Authorization` header.
fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(ApiError::Unauthorized(
            "the Authorization header must be 'Bearer <access token>'".into(),
        )),
    }
}

async fn authenticate(state: Data<AppState>, token: String) -> Result<CurrentUser, ApiError> {
    let invalid = || ApiError::Unauthorized("the access token is invalid or has expired".into());
    let claims = state.tokens.verify(&token).ok_or_else(invalid)?;
    let id: i64 = claims.sub.parse().map_err(|_| invalid())?;
    let row = state
        .db
        .read(move |conn| users::row_by_id(conn, id))
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::NotFound(_) => invalid(),
            other => other,
        })?;
    if row.disabled_at.is_some() {
        return Err(ApiError::Unauthorized("this account is disabled".into()));
    }
    Ok(CurrentUser {
        id: row.id,
        // The stored role rules: a changed role applies to existing tokens.
        role: row.role(),
        display_name: row.display_name,
    })
}

/// A signed-in editorial user; anything else is answered 401.
pub struct SignedIn(pub CurrentUser);

impl SignedIn {
    /// The user, if their role is `role` or above; 403 otherwise.
    pub fn at_least(self, role: Role) -> Result<CurrentUser, ApiError> {
        if self.0.is(role) {
            Ok(self.0)
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs the {} role or above",
                role.as_str()
            )))
        }
    }
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req);
        let token = bearer(req);
        let writes = !req.method().is_safe();
        Box::pin(async move {
            let token = token?.ok_or_else(|| {
                ApiError::Unauthorized(
                    "sign in first: this needs an access token (POST /api/v1/auth/login)".into(),
                )
            })?;
            let user = authenticate(state.clone(), token).await?;
            // Counted here, before any handler reads the body or writes.
            if writes {
                state.writes.check(user.id).map_err(ApiError::TooManyRequests)?;
            }
            Ok(SignedIn(user))
        })
    }
}

/// The reader: anonymous, or a signed-in editorial user. A request that
/// carries a token must carry a valid one.
pub enum Viewer {
    Anonymous,
    Editorial(CurrentUser),
}

impl FromRequest for Viewer {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req);
        let token = bearer(req);
        Box::pin(async move {
            match token? {
                None => Ok(Viewer::Anonymous),
                Some(token) => authenticate(state, token).await.map(Viewer::Editorial),
            }
        })
    }
}

/// The version named by `If-Match`, when there is one. Editorial ETags are
/// `"v<version>"`; any other tag matches no version, so the write is refused.
pub struct IfMatch(pub Option<i64>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let version = req.headers().get(header::IF_MATCH).map(|value| {
            let value = value.to_str().unwrap_or_default().trim();
            if value == "*" {
                return None;
            }
            Some(
                value
                    .trim_start_matches("W/")
                    .trim_matches('"')
                    .strip_prefix('v')
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or(-1),
            )
        });
        std::future::ready(Ok(IfMatch(version.flatten())))
    }
}

/// The `Idempotency-Key` of a create, if sent.
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match req.headers().get("idempotency-key") {
            None => Ok(None),
            Some(value) => match value.to_str() {
                Ok(key) if !key.is_empty() && key.len() <= idempotency::MAX_KEY_LEN => {
                    Ok(Some(key.to_owned()))
                }
                _ => Err(ApiError::invalid(vec![FieldError::new(
                    "Idempotency-Key",
                    format!(
                        "must be 1 to {} visible ASCII characters",
                        idempotency::MAX_KEY_LEN
                    ),
                )])),
            },
        };
        std::future::ready(key.map(IdempotencyKey))
    }
}

/// A JSON body parsed into `T`, with its raw bytes (for idempotency keys).
/// Malformed JSON, a wrong type or an unknown field is answered 400 naming
/// the field; a body over the configured limit, 413; another media type, 415.
pub struct JsonBody<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::Status(
                    actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "the body must be JSON (Content-Type: application/json)".into(),
                ));
            }
            let raw = bytes.await.map_err(|e| {
                let status = e.as_response_error().status_code();
                ApiError::Status(status, format!("the body could not be read: {e}"))
            })?;
            let mut de = serde_json::Deserializer::from_slice(&raw);
            let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let field = if path == "." || inner.is_syntax() || inner.is_eof() {
                    "body".to_owned()
                } else {
                    path
                };
                ApiError::invalid(vec![FieldError::new(field, inner.to_string())])
            })?;
            de.end()
                .map_err(|e| ApiError::invalid(vec![FieldError::new("body", e.to_string())]))?;
            Ok(JsonBody { value, raw })
        })
    }
}

impl Viewer {
    pub fn audience(&self) -> crate::content::articles::Audience {
        match self {
            Viewer::Anonymous => crate::content::articles::Audience::Public,
            Viewer::Editorial(_) => crate::content::articles::Audience::Editorial,
        }
    }
}

/// Like [`JsonBody`], for bodies that may be left out entirely, or be
/// JSON `null` (what generated clients send for "no body").
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let empty = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() == b"0")
            || (req.headers().get(header::CONTENT_LENGTH).is_none()
                && req.headers().get(header::TRANSFER_ENCODING).is_none());
        if empty {
            return Box::pin(async { Ok(OptionalJsonBody(None)) });
        }
        let body = JsonBody::<Option<T>>::from_request(req, payload);
        Box::pin(async move { Ok(OptionalJsonBody(body.await?.value)) })
    }
}
