//! Cache-friendly responses (JSON, and the XML and JSON of syndication
//! formats): a strong `ETag` from the body's hash, a
//! `Cache-Control` policy per kind of resource, and `304 Not Modified` when the
//! client already holds the current representation.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;

use super::error::ApiError;

/// How long shared caches and browsers may reuse a response.
#[derive(Debug, Clone, Copy)]
pub enum CachePolicy {
    /// Articles and lists: news changes, so a short life, revalidated by ETag.
    Content,
    /// Sections, authors, photos' metadata: rarely change.
    Reference,
    /// Operational and descriptive documents: always revalidate.
    Revalidate,
    /// Editorial views: for the signed-in user only, never stored.
    Private,
}

impl CachePolicy {
    fn header(self) -> &'static str {
        match self {
            CachePolicy::Content => "public, max-age=60, stale-while-revalidate=30",
            CachePolicy::Reference => "public, max-age=300, stale-while-revalidate=60",
            CachePolicy::Revalidate => "no-cache",
            CachePolicy::Private => "private, no-store",
        }
    }
}

pub const JSON: &str = "application/json";
pub const XML: &str = "application/xml; charset=utf-8";
pub const LD_JSON: &str = "application/ld+json";

/// A strong entity tag for `body`.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(body))
}

/// True when the request's `If-None-Match` names `etag` (weakly compared, as
/// RFC 9110 asks for GET) or is `*`.
pub fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    if_none_match(req.headers(), etag)
}

/// [`not_modified`] on bare headers.
pub fn if_none_match(headers: &actix_web::http::header::HeaderMap, etag: &str) -> bool {
    let opaque = etag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == opaque)
}

/// A 200 with `body` serialised as JSON, or a 304 if the client has it.
pub fn json<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    policy: CachePolicy,
) -> Result<HttpResponse, ApiError> {
    json_builder(req, body, policy, HttpResponse::Ok())
}

/// Like [`json`], starting from a builder that may carry more headers.
pub fn json_builder<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    policy: CachePolicy,
    mut builder: HttpResponseBuilder,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(bytes_response(req, bytes, JSON, policy, &mut builder))
}

/// A 200 with already serialised `bytes` of `content_type`, or a 304.
pub fn bytes(
    req: &HttpRequest,
    bytes: Vec<u8>,
    content_type: &'static str,
    policy: CachePolicy,
) -> HttpResponse {
    bytes_response(req, bytes, content_type, policy, &mut HttpResponse::Ok())
}

/// A response for already serialised `bytes` of `content_type`.
pub fn bytes_response(
    req: &HttpRequest,
    bytes: Vec<u8>,
    content_type: &'static str,
    policy: CachePolicy,
    builder: &mut HttpResponseBuilder,
) -> HttpResponse {
    let etag = etag_of(&bytes);
    tagged_response(req, bytes, etag, content_type, policy, builder)
}

/// The editorial tag of a resource at `version`: what `If-Match` takes.
pub fn version_tag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// A response for `bytes` whose entity tag is already known.
pub fn tagged_response(
    req: &HttpRequest,
    bytes: impl Into<actix_web::web::Bytes>,
    etag: String,
    content_type: &'static str,
    policy: CachePolicy,
    builder: &mut HttpResponseBuilder,
) -> HttpResponse {
    builder
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(policy.header())))
        .insert_header((header::ETAG, etag.clone()));
    if not_modified(req, &etag) {
        return builder.status(StatusCode::NOT_MODIFIED).finish();
    }
    builder.content_type(content_type).body(bytes.into())
}
