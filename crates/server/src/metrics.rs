//! Request counts and latency histograms per route, in Prometheus' text format.
//! Routes are the matched patterns (`/api/v1/companies/{company}/availability`), so
//! slugs and ids never explode the label set.

use crate::ServerState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Default, Clone)]
struct RouteStats {
    count: u64,
    sum_seconds: f64,
    /// Cumulative counts per bucket of `BUCKETS`.
    buckets: [u64; BUCKETS.len()],
}

type Key = (String, String, u16);

#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<Key, RouteStats>>,
    /// The customer-success gauges as last rendered, and when: they read every call of
    /// 30 days per company, too much for every scrape.
    pub success: Mutex<Option<(std::time::Instant, String)>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        let stats = routes
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        stats.count += 1;
        stats.sum_seconds += seconds;
        for (bound, bucket) in BUCKETS.iter().zip(stats.buckets.iter_mut()) {
            if seconds <= *bound {
                *bucket += 1;
            }
        }
    }

    /// The Prometheus exposition text.
    pub fn render(&self) -> String {
        let routes = self.routes.lock().map(|r| r.clone()).unwrap_or_default();
        let mut out = String::new();
        out.push_str("# HELP askpro_http_requests_total HTTP requests handled, by method, route and status.\n");
        out.push_str("# TYPE askpro_http_requests_total counter\n");
        for ((method, route, status), stats) in &routes {
            let _ = writeln!(
                out,
                "askpro_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                stats.count
            );
        }
        out.push_str("# HELP askpro_http_request_duration_seconds Time from request to response, by method and route.\n");
        out.push_str("# TYPE askpro_http_request_duration_seconds histogram\n");
        for ((method, route), stats) in merged_by_route(&routes) {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, count) in BUCKETS.iter().zip(stats.buckets) {
                let _ = writeln!(
                    out,
                    "askpro_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "askpro_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                stats.count
            );
            let _ = writeln!(
                out,
                "askpro_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.sum_seconds
            );
            let _ = writeln!(
                out,
                "askpro_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count
            );
        }
        out
    }
}

fn merged_by_route(routes: &BTreeMap<Key, RouteStats>) -> BTreeMap<(String, String), RouteStats> {
    let mut merged: BTreeMap<(String, String), RouteStats> = BTreeMap::new();
    for ((method, route, _), stats) in routes {
        let entry = merged.entry((method.clone(), route.clone())).or_default();
        entry.count += stats.count;
        entry.sum_seconds += stats.sum_seconds;
        for (sum, add) in entry.buckets.iter_mut().zip(stats.buckets) {
            *sum += add;
        }
    }
    merged
}

/// Middleware: times every request and records it under its matched route.
pub async fn record(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state
        .metrics
        .observe(&method, &route, status, elapsed.as_secs_f64());
    let duration_ms = elapsed.as_secs_f64() * 1000.0;
    if response.status().is_server_error() {
        tracing::warn!(%method, %route, status, duration_ms, "request failed");
    } else {
        tracing::debug!(%method, %route, status, duration_ms, "request handled");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::Metrics;

    #[test]
    fn histogram_buckets_are_cumulative_and_counts_per_status() {
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, 0.002);
        m.observe("GET", "/healthz", 200, 0.2);
        m.observe("GET", "/healthz", 503, 0.02);
        let text = m.render();
        assert!(
            text.contains(
                "askpro_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(text.contains(
            "askpro_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"503\"} 1"
        ));
        assert!(text.contains("askpro_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"0.0025\"} 1"));
        assert!(text.contains("askpro_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"0.025\"} 2"));
        assert!(text.contains(
            "askpro_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 3"
        ));
    }
}
