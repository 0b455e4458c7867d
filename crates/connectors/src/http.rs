//! What the HTTP clients share: reading an answer's `Retry-After`.

use std::time::Duration;

/// The `Retry-After` of an answer, when it gives seconds.
pub(crate) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value.trim().parse().ok().map(Duration::from_secs)
}
