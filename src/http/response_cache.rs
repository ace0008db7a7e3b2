//! An in-process cache of public responses: anonymous `GET`s answered from
//! memory, `If-None-Match` answered `304` without touching the database.
//!
//! Invalidation is precise where handlers say what they read and wrote, and
//! total where they do not. An answer about one article declares the articles
//! it shows ([`depends_on`]); every other answer (lists, search, feeds,
//! sitemaps) is taken to show any article. A write declares what it changed
//! ([`changed`]): nothing, a new article, or one article; an undeclared write
//! (a section renamed, a photo captioned…) may have changed anything. So
//! editing an article drops its own page, the pages linking to it and the
//! lists, and leaves the thousands of other cached articles warm.
//!
//! Freshness is checked on the way out rather than by sweeping the cache: a
//! clock ticks at every invalidation, each entry remembers the tick before
//! its data was read, and serves only while nothing it depends on was
//! invalidated after that tick. A response computed from data older than a
//! write is therefore never served once the write has answered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{HttpResponse, HttpResponseBuilder};

use super::limits;
use super::metrics::{Metrics, RouteSeries};

/// What a cacheable answer was computed from, when it is less than
/// everything: the ids of the articles it shows.
struct DependsOn(Box<[i64]>);

/// Declares that `response` shows these articles and nothing else that
/// changes (an article document: the article and its linked articles).
pub fn depends_on(mut response: HttpResponse, articles: Vec<i64>) -> HttpResponse {
    response
        .extensions_mut()
        .insert(DependsOn(articles.into_boxed_slice()));
    response
}

/// What a successful write changed, as its handler declares it.
#[derive(Debug, Clone, Copy)]
pub enum Changed {
    /// Nothing readers see (signing in, for example).
    Nothing,
    /// A new item (an article, a photo): lists may show it, no cached
    /// document does.
    NewItem,
    /// This article: its pages, those linking to it, and lists.
    Article(i64),
}

/// Declares what the write answered by `response` changed.
pub fn changed(mut response: HttpResponse, what: Changed) -> HttpResponse {
    response.extensions_mut().insert(what);
    response
}

struct Entry {
    /// The clock when its data was read.
    computed: u64,
    depends_on: Option<Box<[i64]>>,
    /// Every header of the answer as it left the server (security, CORS…).
    headers: Vec<(HeaderName, HeaderValue)>,
    etag: Option<HeaderValue>,
    body: Bytes,
    series: Option<RouteSeries>,
}

/// When each kind of data last changed, on the invalidation clock.
#[derive(Default)]
struct Invalidations {
    clock: AtomicU64,
    everything: AtomicU64,
    /// Any article: lists, search, feeds.
    any_article: AtomicU64,
    articles: RwLock<HashMap<i64, u64>>,
}

/// Articles remembered one by one before the memory is traded for one
/// invalidation of everything.
const TRACKED_ARTICLES: usize = 100_000;

pub struct ResponseCache {
    entries: Option<moka::sync::Cache<String, Arc<Entry>>>,
    invalidations: Invalidations,
}

/// Headers that belong to one connection or one client, never replayed.
const NOT_KEPT: [HeaderName; 4] = [
    header::SET_COOKIE,
    header::CONTENT_LENGTH,
    header::CONNECTION,
    header::TRANSFER_ENCODING,
];

impl ResponseCache {
    /// A cache holding at most `budget_bytes` of bodies; 0 disables it.
    pub fn new(budget_bytes: u64) -> Self {
        let entries = (budget_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(budget_bytes)
                .weigher(|key: &String, entry: &Arc<Entry>| {
                    let depends = entry.depends_on.as_ref().map_or(0, |ids| ids.len() * 8);
                    u32::try_from(key.len() + entry.body.len() + depends + 256).unwrap_or(u32::MAX)
                })
                .build()
        });
        Self {
            entries,
            invalidations: Invalidations::default(),
        }
    }

    fn tick(&self) -> u64 {
        self.invalidations.clock.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// Forgets everything: the data changed in ways not declared.
    pub fn invalidate(&self) {
        let now = self.tick();
        self.invalidations.everything.store(now, Ordering::Release);
        if let Some(entries) = &self.entries {
            entries.invalidate_all();
        }
    }

    /// Forgets what a declared change makes out of date.
    pub fn invalidate_changed(&self, what: Changed) {
        let article = match what {
            Changed::Nothing => return,
            Changed::NewItem => None,
            Changed::Article(id) => Some(id),
        };
        let now = self.tick();
        if let Some(id) = article {
            let mut articles = self
                .invalidations
                .articles
                .write()
                .unwrap_or_else(|e| e.into_inner());
            if articles.len() >= TRACKED_ARTICLES {
                articles.clear();
                drop(articles);
                return self.invalidate();
            }
            articles.insert(id, now);
        }
        self.invalidations.any_article.store(now, Ordering::Release);
    }

    fn now(&self) -> u64 {
        self.invalidations.clock.load(Ordering::Acquire)
    }

    /// Whether nothing the entry was computed from changed since.
    fn fresh(&self, entry: &Entry) -> bool {
        let inv = &self.invalidations;
        if entry.computed < inv.everything.load(Ordering::Acquire) {
            return false;
        }
        match &entry.depends_on {
            None => entry.computed >= inv.any_article.load(Ordering::Acquire),
            Some(ids) => {
                let articles = inv.articles.read().unwrap_or_else(|e| e.into_inner());
                ids.iter()
                    .all(|id| articles.get(id).is_none_or(|changed| entry.computed >= *changed))
            }
        }
    }
}

/// Requests whose answers may be shared: anonymous reads of the API, feeds
/// and sitemaps, within the limits on a request's head (a request over them
/// goes the whole way, to be refused). Files under /media have their own,
/// file-backed caching.
fn cacheable(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && !req.headers().contains_key(header::AUTHORIZATION)
        && ["/api/", "/feeds/", "/sitemap"]
            .iter()
            .any(|p| req.path().starts_with(p))
        && limits::check(req.request()).is_ok()
}

/// The request as far as answers differ: some routes negotiate the format
/// from `Accept`, and the CORS headers depend on `Origin`.
fn key(req: &ServiceRequest) -> String {
    let header = |name| {
        req.headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
            .unwrap_or_default()
    };
    format!(
        "{}?{}\n{}\n{}",
        req.path(),
        req.query_string(),
        header(header::ACCEPT),
        header(header::ORIGIN)
    )
}

fn not_modified(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    super::caching::if_none_match(headers, etag)
}

/// The cached answer: `304` when the client's `If-None-Match` (on the
/// request, or given apart when a miss took it off) names the entry's tag.
fn replay(req: ServiceRequest, entry: &Entry, conditions: Option<&HeaderMap>) -> ServiceResponse<BoxBody> {
    let conditions = conditions.unwrap_or_else(|| req.headers());
    let fresh = entry
        .etag
        .as_ref()
        .is_some_and(|etag| not_modified(conditions, etag));
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

/// The outermost layer: a hit is answered here, before routing, logging and
/// the other middleware, with the headers they gave the stored answer; it is
/// counted in the metrics of its route all the same.
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
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
            match res.response().extensions().get::<Changed>() {
                Some(what) => cache.invalidate_changed(*what),
                None => cache.invalidate(),
            }
        }
        return Ok(res.map_into_boxed_body());
    };
    let key = key(&req);
    let computed = cache.now();
    if let Some(entry) = entries.get(&key).filter(|e| cache.fresh(e)) {
        if let Some(m) = &metrics {
            m.cache_hit();
        }
        let res = replay(req, &entry, None);
        if let Some(series) = &entry.series {
            series.observe(res.status() == StatusCode::NOT_MODIFIED, started);
        }
        return Ok(res);
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
    let series = metrics
        .as_ref()
        .zip(res.request().match_pattern())
        .map(|(m, route)| m.route_series(&route));
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("response body"))?;
    let headers: Vec<(HeaderName, HeaderValue)> = head
        .headers()
        .iter()
        .filter(|(name, _)| !NOT_KEPT.contains(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let depends_on = head.extensions_mut().remove::<DependsOn>().map(|d| d.0);
    let entry = Arc::new(Entry {
        computed,
        depends_on,
        etag: head.headers().get(header::ETAG).cloned(),
        headers,
        body,
        series,
    });
    entries.insert(key, entry.clone());
    Ok(replay(
        ServiceRequest::from_request(req),
        &entry,
        Some(&conditions),
    ))
}
