//! What can go wrong talking to Cal.com, told apart the way AskPro must act on it: a
//! taken slot (offer alternatives), a refusal (an operator decides), a dead key (alert),
//! and the failures that a later retry may overcome.

use serde_json::Value;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcomError {
    /// HTTP 400 "already has booking at this time or is not available": someone else
    /// has the slot (Cal.com answers 400, not 409).
    #[error("Cal.com: the slot is taken ({0})")]
    Conflict(String),
    /// Any other 400/422: Cal.com will refuse this request however often it comes.
    #[error("Cal.com refused the request: {0}")]
    Refused(String),
    /// 401/403: the API key is wrong, revoked or lacks a permission.
    #[error("Cal.com refused the API key: {0}")]
    Unauthorized(String),
    #[error("Cal.com does not know it: {0}")]
    NotFound(String),
    /// 429: wait this long (from the rate-limit headers) before the next call.
    #[error("Cal.com's rate limit is reached; retry in {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// 5xx, connection refused or reset.
    #[error("Cal.com is unavailable: {0}")]
    Unavailable(String),
    /// No answer within the call's deadline.
    #[error("Cal.com did not answer in time")]
    Timeout,
    /// An answer AskPro cannot read, or a client that cannot be built.
    #[error("{0}")]
    Invalid(String),
}

impl CalcomError {
    /// Whether the same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            CalcomError::RateLimited { .. } | CalcomError::Unavailable(_) | CalcomError::Timeout
        )
    }

    /// How long to wait before retrying, when Cal.com said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            CalcomError::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// A short name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            CalcomError::Conflict(_) => "conflict",
            CalcomError::Refused(_) => "refused",
            CalcomError::Unauthorized(_) => "unauthorized",
            CalcomError::NotFound(_) => "not_found",
            CalcomError::RateLimited { .. } => "rate_limited",
            CalcomError::Unavailable(_) => "unavailable",
            CalcomError::Timeout => "timeout",
            CalcomError::Invalid(_) => "invalid",
        }
    }

    /// The error of a non-2xx answer; `key` is scrubbed from anything echoed back.
    pub(super) fn from_status(
        status: u16,
        body: &Value,
        text: &str,
        wait: Option<Duration>,
        key: &str,
    ) -> CalcomError {
        let message = body["error"]["message"]
            .as_str()
            .or_else(|| body["message"].as_str())
            .map_or_else(|| first_chars(text), str::to_owned);
        let message = scrub(&message, key);
        match status {
            400 if is_taken(&message) => CalcomError::Conflict(message),
            400 | 409 | 422 => CalcomError::Refused(message),
            401 | 403 => CalcomError::Unauthorized(message),
            404 => CalcomError::NotFound(message),
            429 => CalcomError::RateLimited {
                retry_after: wait.unwrap_or(Duration::from_secs(60)),
            },
            500..=599 => CalcomError::Unavailable(format!("HTTP {status}: {message}")),
            _ => CalcomError::Refused(format!("HTTP {status}: {message}")),
        }
    }
}

/// Cal.com's words for "someone else has this time" (single host and team event types).
fn is_taken(message: &str) -> bool {
    let lower = message.to_lowercase();
    lower.contains("already has booking") || lower.contains("not available")
}

fn first_chars(text: &str) -> String {
    text.chars().take(200).collect()
}

fn scrub(message: &str, key: &str) -> String {
    if key.len() >= 4 {
        message.replace(key, "***")
    } else {
        message.to_owned()
    }
}

/// How long a 429 asks to wait: `Retry-After`, else `X-RateLimit-Reset-Default`
/// (seconds until the window resets), else any `X-RateLimit-Reset*`.
pub(super) fn wait_of(response: &reqwest::Response) -> Option<Duration> {
    if let Some(wait) = crate::http::retry_after(response) {
        return Some(wait);
    }
    let headers = response.headers();
    let reset = headers.get("x-ratelimit-reset-default").or_else(|| {
        headers
            .iter()
            .find(|(name, _)| name.as_str().starts_with("x-ratelimit-reset"))
            .map(|(_, value)| value)
    })?;
    let seconds: u64 = reset.to_str().ok()?.trim().parse().ok()?;
    // A reset given as an epoch (some proxies do) is not a wait of 50 years.
    Some(Duration::from_secs(seconds.min(3_600)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error_body(message: &str) -> Value {
        json!({ "status": "error", "error": { "code": "BadRequestException", "message": message } })
    }

    #[test]
    fn a_taken_slot_is_told_from_other_refusals() {
        let taken = error_body("User either already has booking at this time or is not available");
        let team = error_body(
            "One of the hosts either already has booking at this time or is not available",
        );
        let past = error_body("Attempting to book a meeting in the past.");
        let of = |body: &Value| CalcomError::from_status(400, body, "", None, "cal_live_x");
        assert!(matches!(of(&taken), CalcomError::Conflict(_)));
        assert!(matches!(of(&team), CalcomError::Conflict(_)));
        assert!(matches!(of(&past), CalcomError::Refused(_)));
        assert!(!of(&taken).is_retryable());
    }

    #[test]
    fn statuses_map_to_what_can_be_done() {
        let body = error_body("x");
        let of = |status| CalcomError::from_status(status, &body, "", None, "k");
        assert!(matches!(of(401), CalcomError::Unauthorized(_)));
        assert!(matches!(of(404), CalcomError::NotFound(_)));
        assert!(of(503).is_retryable());
        assert_eq!(of(429).retry_after(), Some(Duration::from_secs(60)));
        let waited = CalcomError::from_status(429, &body, "", Some(Duration::from_secs(7)), "k");
        assert_eq!(waited.retry_after(), Some(Duration::from_secs(7)));
    }

    #[test]
    fn the_key_never_appears_in_an_error() {
        let key = "cal_live_0123456789abcdef";
        let body = error_body(&format!("Invalid API Key {key}"));
        let error = CalcomError::from_status(401, &body, "", None, key);
        assert!(!error.to_string().contains(key), "{error}");
        let raw =
            CalcomError::from_status(502, &Value::Null, &format!("bad gateway {key}"), None, key);
        assert!(!raw.to_string().contains(key), "{raw}");
    }
}
