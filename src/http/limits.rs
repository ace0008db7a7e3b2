//! Limits on a request's head, checked before any route sees it, each
//! refusal naming the part at fault; and the one character no path here
//! can hold. The framework's own, larger limits stay
//! behind these (a head over 128 KiB or over 96 headers gets a bare 431).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, ResponseError};

use super::error::ApiError;
use crate::content::FieldError;

/// Longest path: ten times the longest slug this API makes.
pub const MAX_PATH_BYTES: usize = 2048;
/// Longest query string: a 200-character search of 4-byte characters,
/// percent-encoded, with room for every filter beside it.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Most query parameters: more than any route takes.
pub const MAX_QUERY_PARAMS: usize = 32;
/// Longest single header value, and all headers together.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// Most headers.
pub const MAX_HEADERS: usize = 64;

/// What is wrong with the request's head, if anything.
pub fn check(req: &HttpRequest) -> Result<(), ApiError> {
    let limit = |status, field: &str, message: String| {
        Err(ApiError::Limit(status, vec![FieldError::new(field, message)]))
    };
    if req.path().len() > MAX_PATH_BYTES {
        return limit(
            StatusCode::URI_TOO_LONG,
            "path",
            format!("must be at most {MAX_PATH_BYTES} bytes"),
        );
    }
    // PostgreSQL text cannot hold NUL, so no slug or key has one: such a
    // path names nothing, on either backend.
    if req.path().contains("%00") {
        return Err(ApiError::NotFound("no resource has NUL in its path".into()));
    }
    let query = req.query_string();
    if query.len() > MAX_QUERY_BYTES {
        return limit(
            StatusCode::URI_TOO_LONG,
            "query",
            format!("must be at most {MAX_QUERY_BYTES} bytes"),
        );
    }
    // A query string of many tiny parameters is long in its own way.
    if query.split('&').filter(|p| !p.is_empty()).count() > MAX_QUERY_PARAMS {
        return limit(
            StatusCode::URI_TOO_LONG,
            "query",
            format!("at most {MAX_QUERY_PARAMS} parameters"),
        );
    }
    let headers = req.headers();
    if headers.len() > MAX_HEADERS {
        return limit(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers",
            format!("at most {MAX_HEADERS} headers"),
        );
    }
    let mut total = 0;
    for (name, value) in headers {
        if value.len() > MAX_HEADER_BYTES {
            return limit(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                name.as_str(),
                format!("must be at most {MAX_HEADER_BYTES} bytes"),
            );
        }
        total += name.as_str().len() + value.len();
    }
    if total > MAX_HEAD_BYTES {
        return limit(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers",
            format!("must be at most {MAX_HEAD_BYTES} bytes together"),
        );
    }
    Ok(())
}

/// Answers a request over a limit with its problem; passes the others on.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Err(e) = check(req.request()) {
        return Ok(req.into_response(e.error_response()).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
