//! Prometheus metrics: requests by route and status, requests in flight,
//! latency histograms, database pool usage, response cache hits, and the
//! process's own figures.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

use super::AppState;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    in_flight: IntGauge,
    latency: HistogramVec,
    cache_hits: IntCounter,
    cache_misses: IntCounter,
    pool: IntGaugeVec,
}

/// One route's series for answers given from the response cache, resolved
/// once when the answer is stored: a hit then costs a few atomic additions.
pub struct RouteSeries {
    ok: IntCounter,
    not_modified: IntCounter,
    latency: Histogram,
}

impl RouteSeries {
    pub fn observe(&self, not_modified: bool, started: Instant) {
        if not_modified {
            self.not_modified.inc();
        } else {
            self.ok.inc();
        }
        self.latency.observe(started.elapsed().as_secs_f64());
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "depeche_http_requests_total",
                "HTTP requests answered, by route, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let in_flight = IntGauge::new(
            "depeche_http_requests_in_flight",
            "Requests received and not yet answered, this scrape included",
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "depeche_http_request_duration_seconds",
                "Time to answer, by route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["route"],
        )
        .expect("valid metric");
        let cache = IntCounterVec::new(
            Opts::new(
                "depeche_response_cache_total",
                "Cacheable reads, by result (hit or miss)",
            ),
            &["result"],
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new(
                "depeche_db_pool_connections",
                "Database connections, by state (idle or in use)",
            ),
            &["state"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(in_flight.clone()),
            Box::new(latency.clone()),
            Box::new(cache.clone()),
            Box::new(pool.clone()),
            Box::new(prometheus::process_collector::ProcessCollector::for_self()),
        ] {
            registry.register(collector).expect("metrics register once");
        }
        Self {
            registry,
            requests,
            in_flight,
            latency,
            cache_hits: cache.with_label_values(&["hit"]),
            cache_misses: cache.with_label_values(&["miss"]),
            pool,
        }
    }

    pub fn cache_hit(&self) {
        self.cache_hits.inc();
    }

    pub fn cache_miss(&self) {
        self.cache_misses.inc();
    }

    /// The series a cached `GET` of `route` counts in.
    pub fn route_series(&self, route: &str) -> RouteSeries {
        RouteSeries {
            ok: self.requests.with_label_values(&[route, "GET", "200"]),
            not_modified: self.requests.with_label_values(&[route, "GET", "304"]),
            latency: self.latency.with_label_values(&[route]),
        }
    }

    fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency.with_label_values(&[route]).observe(seconds);
    }

    fn render(&self, state: &AppState) -> Vec<u8> {
        let (total, idle) = state.db.pool_state();
        self.pool.with_label_values(&["idle"]).set(i64::from(idle));
        self.pool
            .with_label_values(&["in_use"])
            .set(i64::from(total.saturating_sub(idle)));
        let mut out = Vec::new();
        // Encoding the text format into a Vec cannot fail.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Counts a request in flight until dropped: answered, failed, or abandoned
/// by its client.
struct InFlight(IntGauge);

impl InFlight {
    fn enter(gauge: &IntGauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Times every request and counts it under its route pattern (so ids and
/// slugs do not multiply the series).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let registry = req.app_data::<Data<Metrics>>().cloned();
    let method = req.method().as_str().to_owned();
    let _in_flight = registry.as_ref().map(|r| InFlight::enter(&r.in_flight));
    let res = next.call(req).await?;
    if let Some(registry) = registry {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        registry.observe(
            &route,
            &method,
            res.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(res)
}

/// Metrics in the Prometheus text format.
#[utoipa::path(
    tag = "operations",
    operation_id = "metrics",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String))
)]
#[get("/metrics")]
pub async fn exposition(state: Data<AppState>, registry: Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(registry.render(&state))
}
