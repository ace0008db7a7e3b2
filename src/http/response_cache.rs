//! An in-process cache of public responses: anonymous `GET`s answered from
//! memory, `If-None-Match` answered `304` without touching the database.
//!
//! Correctness over cleverness: every successful write (any request with an
//! unsafe method, and scheduled publication) starts a new generation, and an
//! entry serves only the generation it was computed in. A response computed
//! from data older than a write is therefore never served after that write.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{HttpResponse, HttpResponseBuilder};

use super::metrics::Metrics;

struct Entry {
    generation: u64,
    headers: Vec<(HeaderName, HeaderValue)>,
    etag: Option<HeaderValue>,
    body: Bytes,
}

pub struct ResponseCache {
    entries: Option<moka::sync::Cache<String, Arc<Entry>>>,
    generation: AtomicU64,
}

/// Headers a cached answer keeps; the rest are set again on the way out.
const KEPT: [HeaderName; 5] = [
    header::CONTENT_TYPE,
    header::CACHE_CONTROL,
    header::ETAG,
    header::LINK,
    header::VARY,
];

impl ResponseCache {
    /// A cache holding at most `budget_bytes` of bodies; 0 disables it.
    pub fn new(budget_bytes: u64) -> Self {
        let entries = (budget_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(budget_bytes)
                .weigher(|key: &String, entry: &Arc<Entry>| {
                    u32::try_from(key.len() + entry.body.len() + 256).unwrap_or(u32::MAX)
                })
                .build()
        });
        Self {
            entries,
            generation: AtomicU64::new(0),
        }
    }

    /// Forgets everything: the data changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(entries) = &self.entries {
            entries.invalidate_all();
        }
    }

    fn current(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

/// Requests whose answers may be shared: anonymous reads of the API, feeds
/// and sitemaps. Files under /media have their own, file-backed caching.
fn cacheable(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && !req.headers().contains_key(header::AUTHORIZATION)
        && ["/api/", "/feeds/", "/sitemap"]
            .iter()
            .any(|p| req.path().starts_with(p))
}

/// The request as far as answers differ: some routes negotiate the format
/// from `Accept`, so it is part of the key.
fn key(req: &ServiceRequest) -> String {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    format!(
        "{}?{}\n{}",
        req.path(),
        req.query_string(),
        String::from_utf8_lossy(accept)
    )
}

fn not_modified(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    super::caching::if_none_match(headers, etag)
}

/// The cached answer: `304` when the client's `If-None-Match` (given apart,
/// as a miss takes it off the request) names the entry's tag.
fn replay(req: ServiceRequest, entry: &Entry, if_none_match: &HeaderMap) -> ServiceResponse<BoxBody> {
    let fresh = entry
        .etag
        .as_ref()
        .is_some_and(|etag| not_modified(if_none_match, etag));
    let mut builder = HttpResponseBuilder::new(if fresh {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    });
    for (name, value) in &entry.headers {
        if !(fresh && *name == header::CONTENT_TYPE) {
            builder.insert_header((name.clone(), value.clone()));
        }
    }
    let response: HttpResponse = if fresh {
        builder.finish()
    } else {
        builder.body(entry.body.clone())
    };
    req.into_response(response)
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let cache = req.app_data::<Data<ResponseCache>>().cloned();
    let metrics = req.app_data::<Data<Metrics>>().cloned();
    let Some(cache) = cache else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let Some(entries) = cache.entries.as_ref().filter(|_| cacheable(&req)) else {
        let res = next.call(req).await?;
        // A successful write changes what reads return.
        if !safe && res.status().as_u16() < 400 {
            cache.invalidate();
        }
        return Ok(res.map_into_boxed_body());
    };
    let key = key(&req);
    let generation = cache.current();
    if let Some(entry) = entries.get(&key).filter(|e| e.generation == generation) {
        if let Some(m) = &metrics {
            m.cache_hit();
        }
        let conditions = req.headers().clone();
        return Ok(replay(req, &entry, &conditions));
    }
    if let Some(m) = &metrics {
        m.cache_miss();
    }
    // A miss asks for the whole document, so that a conditional request fills
    // the cache too; the condition is applied to the answer afterwards.
    let mut conditions = HeaderMap::new();
    if let Some(tags) = req.headers_mut().remove(header::IF_NONE_MATCH).next() {
        conditions.insert(header::IF_NONE_MATCH, tags);
    }
    let res = next.call(req).await?;
    let shareable = res.status() == StatusCode::OK
        && res
            .headers()
            .get(header::CACHE_CONTROL)
            .is_some_and(|v| v.as_bytes().starts_with(b"public"));
    if !shareable {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("response body"))?;
    let headers: Vec<(HeaderName, HeaderValue)> = KEPT
        .iter()
        .filter_map(|name| head.headers().get(name).map(|v| (name.clone(), v.clone())))
        .collect();
    let entry = Arc::new(Entry {
        generation,
        etag: head.headers().get(header::ETAG).cloned(),
        headers,
        body,
    });
    entries.insert(key, entry.clone());
    Ok(replay(ServiceRequest::from_request(req), &entry, &conditions))
}
