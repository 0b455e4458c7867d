//! Rate limits on the JSON API: a token bucket per API token (by its hash) and, for
//! requests without one, per client address. A caller over the limit gets 429 with
//! `Retry-After`; webhooks and Retell's function calls are not limited (Retell retries
//! what it is refused, which would only add load). Per process: with several servers
//! the limit applies to each.

use crate::ServerState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets kept at most; idle full ones are forgotten first.
const MAX_BUCKETS: usize = 10_000;

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by caller: `per_minute` requests a minute, bursts up to as many.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// `per_minute` 0 switches the limit off.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` to go ahead, or `Err(seconds)` until the next request would be allowed.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(key) {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < capacity
            });
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refilled = bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = refilled.min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

/// Who a request counts against: its bearer token (hashed, never kept in clear), else
/// the client's address.
fn caller_key(request: &Request) -> String {
    if let Some(token) = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return format!("token:{}", hex::encode(Sha256::digest(token.as_bytes())));
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "client:unknown".to_owned(),
            |c| format!("client:{}", c.0.ip()),
        )
}

/// The middleware: only `/api/` paths are limited.
pub async fn limit(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    match state.limiter.take(&caller_key(&request), Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(seconds) => {
            tracing::warn!(path = %request.uri().path(), retry_after_s = seconds, "request over the rate limit");
            let mut response = ApiError::new(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; try again in {seconds} s"),
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_with_time() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take("a", start).is_ok());
        }
        assert_eq!(limiter.take("a", start), Err(1));
        // Another caller has a bucket of its own.
        assert!(limiter.take("b", start).is_ok());
        // One request a second comes back.
        assert!(
            limiter
                .take("a", start + Duration::from_millis(1_100))
                .is_ok()
        );
        assert!(
            limiter
                .take("a", start + Duration::from_millis(1_200))
                .is_err()
        );
    }

    #[test]
    fn zero_switches_the_limit_off() {
        let limiter = RateLimiter::new(0);
        let now = Instant::now();
        assert!((0..10_000).all(|_| limiter.take("a", now).is_ok()));
    }
}
