//! Every failure as an RFC 9457 problem document (`application/problem+json`),
//! including those of the extractors and of unknown routes.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::content::{self, FieldError};
use crate::db::DbError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    #[schema(example = "urn:depeche:problem:invalid-request")]
    pub kind: String,
    /// A short summary of the kind of problem.
    #[schema(example = "Invalid request")]
    pub title: String,
    #[schema(example = 400)]
    pub status: u16,
    /// What went wrong with this request.
    #[schema(example = "limit: must be a whole number from 1 to 100")]
    pub detail: String,
    /// For invalid input, or a part of the request over its limit: each
    /// field (or header, or `path`, `query`, `headers`) at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{}", describe(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    /// A part of the request over its size limit (414, 431), named.
    #[error("{}", describe(.1))]
    Limit(StatusCode, Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    /// No valid credentials: a missing, malformed, forged or expired token,
    /// a disabled account, or a failed sign-in.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    PreconditionFailed(String),
    /// Failed sign-ins, or one account's writes, over their limit; the
    /// client should wait this long.
    #[error("too many requests; try again in {} seconds", retry_after(*.0))]
    TooManyRequests(std::time::Duration),
    #[error("{method} is not allowed here")]
    MethodNotAllowed { method: Method, allow: Vec<Method> },
    /// Any other client error, as the framework or a middleware reported it.
    #[error("{1}")]
    Status(StatusCode, String),
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
    #[error("the server failed to handle the request")]
    Internal(#[source] anyhow::Error),
}

/// Whole seconds, rounded up: a client that waits that long is let in.
fn retry_after(wait: std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ApiError {
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        ApiError::Invalid(errors)
    }

    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::Invalid(_) => ("invalid-request", "Invalid request"),
            ApiError::BadRequest(_) => ("bad-request", "Bad request"),
            ApiError::Limit(..) => ("too-large", "Request too large"),
            ApiError::Conflict(_) => ("conflict", "Conflict"),
            ApiError::Unauthorized(_) => ("unauthorized", "Unauthorized"),
            ApiError::Forbidden(_) => ("forbidden", "Forbidden"),
            ApiError::PreconditionFailed(_) => ("precondition-failed", "Precondition failed"),
            ApiError::TooManyRequests(_) => ("too-many-requests", "Too many requests"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            ApiError::Status(..) => ("http-error", "Request failed"),
            ApiError::Unavailable => ("unavailable", "Service unavailable"),
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }
}

impl From<content::Error> for ApiError {
    fn from(e: content::Error) -> Self {
        match e {
            content::Error::NotFound(what) => ApiError::NotFound(what),
            content::Error::Invalid(errors) => ApiError::Invalid(errors),
            content::Error::Conflict(what) => ApiError::Conflict(what),
            content::Error::Forbidden(what) => ApiError::Forbidden(what),
            stale @ content::Error::Stale { .. } => ApiError::PreconditionFailed(stale.to_string()),
            content::Error::Db(e) => e.into(),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as E};
        match e {
            // No connection could be had, or the one we had was cut: the
            // database is down, not the request wrong.
            DbError::Unavailable(_)
            | DbError::Query(E::DatabaseError(DatabaseErrorKind::ClosedConnection, _))
            | DbError::Query(E::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _)) => {
                ApiError::Unavailable
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Invalid(_) | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Limit(status, _) => *status,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Status(status, _) => *status,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            ApiError::Unavailable => tracing::warn!("database unavailable"),
            _ => {}
        }
        let status = self.status_code();
        let (kind, title) = self.kind();
        let problem = Problem {
            kind: format!("urn:depeche:problem:{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
            errors: match self {
                ApiError::Invalid(errors) | ApiError::Limit(_, errors) => Some(errors.clone()),
                _ => None,
            },
        };
        let mut response = HttpResponse::build(status);
        response
            .content_type(PROBLEM_JSON)
            .insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            ApiError::MethodNotAllowed { allow, .. } => {
                let allow: Vec<&str> = allow.iter().map(Method::as_str).collect();
                if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            ApiError::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::TooManyRequests(wait) => {
                response.insert_header((header::RETRY_AFTER, retry_after(*wait).to_string()));
            }
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"depeche\""));
            }
            _ => {}
        }
        response.json(problem)
    }
}

/// Turns extractor failures (query string, path) into problems naming the part.
pub fn query_error(err: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid query string: {err}")).into()
}

pub fn path_error(err: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    let message = match &err {
        actix_web::error::PathError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::Invalid(vec![FieldError::new("path", message)]).into()
}

/// Rewrites any error response that is not already a problem document (the
/// framework's own, or a middleware's) into one, so clients see one format.
pub fn as_problem<B: actix_web::body::MessageBody + 'static>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = status.canonical_reason().unwrap_or("error").to_owned();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound(detail),
        s if s.is_server_error() => ApiError::Internal(anyhow::anyhow!("{status} from the framework")),
        _ => ApiError::Status(status, detail),
    };
    let (req, _) = res.into_parts();
    let res = actix_web::dev::ServiceResponse::new(req, error.error_response());
    Ok(ErrorHandlerResponse::Response(res.map_into_right_body()))
}
